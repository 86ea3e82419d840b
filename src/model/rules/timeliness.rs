//! 时效 timeliness: each of the unit's incidents must go through 发现, 研判,
//! 报送 and 处置, each within `deadline_hours` of the nearest present step
//! before it (发现 counts from 发生). A missing step, or one more than the
//! deadline after its predecessor, makes the incident late; exactly at the
//! deadline is on time, and a step earlier than its predecessor is not late
//! (validation warns about it). Every late incident costs `unit_points`
//! (graded: the points of its 级别, or of its value in the 分级 column).

use chrono::NaiveDateTime;

use super::outcome::number_text;
use super::{Definition, Facts, GradedPoints, Needs, Outcome, Parameters, Rule, RuleKind, UnitPoints};
use crate::input::schema::SheetKind;
use crate::model::{INCIDENT_STEPS, Incident, IndicatorIndex, UnitIndex};
use crate::number::Exact;

#[derive(Clone, Debug)]
pub struct Timeliness {
    /// Hours each step may take after the one before it.
    pub deadline_hours: Exact,
    /// Points per late incident.
    pub unit_points: UnitPoints,
    /// 活动类型 if typed: counted by nothing, but a type the criteria name.
    pub activity: Option<String>,
}

impl Timeliness {
    pub const KIND: RuleKind = RuleKind {
        keywords: &["时效", "timeliness"],
        needs: Needs {
            unit_points: true,
            deadline_hours: true,
            filter_sheet: SheetKind::Incidents,
            graded: true,
            ..Needs::BASIC
        },
        build: |given: Parameters| {
            let unit_points = UnitPoints::from_cells(given.graded, given.unit_points)?;
            let deadline_hours = given.deadline_hours?;
            Some(Rule::from(Timeliness { deadline_hours, unit_points, activity: given.activity }))
        },
    };
}

/// One incident checked by one timeliness indicator, for the workbook's
/// 舆情时效 sheet.
#[derive(Clone, Debug)]
pub struct IncidentResult {
    /// Index into `Model::incidents`.
    pub incident: usize,
    pub unit: UnitIndex,
    pub indicator: IndicatorIndex,
    /// For each of 发现, 研判, 报送, 处置: hours since the nearest present
    /// step before it (发生 for 发现); `None` when the step is missing.
    pub hours: [Option<Exact>; 4],
    /// The first late or missing step, if any: the incident is late.
    pub late: Option<LateStep>,
}

/// The first step of an incident that broke the deadline.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LateStep {
    /// 0..4, an index into [`crate::model::INCIDENT_STEPS`].
    pub step: usize,
    /// The step was not done at all (rather than done too late).
    pub missing: bool,
}

impl Definition for Timeliness {
    fn evaluate(&self, facts: &dyn Facts) -> Outcome {
        let mut checks = Vec::new();
        let mut evidence = Vec::new();
        let mut late_notes = Vec::new();
        let mut late_incidents = Vec::new();
        for (index, incident) in facts.incidents() {
            let (hours, late) = check(incident, &self.deadline_hours);
            if let Some(late) = late {
                late_notes.push(late_note(incident, &hours, late));
                late_incidents.push(incident);
            }
            evidence.push(incident.origin.clone());
            checks.push(IncidentResult {
                incident: index,
                unit: facts.unit(),
                indicator: facts.indicator_index(),
                hours,
                late,
            });
        }
        let points = &facts.indicator().points;
        let tally = self.unit_points.tally(late_incidents.iter().map(|incident| &incident.attributes));
        let deduction = tally.points.clone().min(points.clone());
        // Graded: the late incidents, then their counts by value.
        let details = late_notes.into_iter().chain(tally.counts()).collect::<Vec<_>>().join("；");
        Outcome { incidents: checks, ..Outcome::deducted(points, deduction, &details, evidence) }
    }

    fn activity(&self) -> Option<&str> {
        self.activity.as_deref()
    }

    fn deadline_hours(&self) -> Option<&Exact> {
        Some(&self.deadline_hours)
    }

    fn graded(&self) -> Option<&GradedPoints> {
        self.unit_points.graded()
    }
}

/// Hours of each step since the nearest present step before it, and the
/// first step that is missing or later than `deadline` hours.
fn check(incident: &Incident, deadline: &Exact) -> ([Option<Exact>; 4], Option<LateStep>) {
    let mut previous = incident.occurred;
    let mut hours: [Option<Exact>; 4] = Default::default();
    let mut late = None;
    for (step, time) in incident.steps.iter().enumerate() {
        let Some(time) = *time else {
            late = late.or(Some(LateStep { step, missing: true }));
            continue;
        };
        let elapsed = hours_between(previous, time);
        if elapsed > *deadline {
            late = late.or(Some(LateStep { step, missing: false }));
        }
        hours[step] = Some(elapsed);
        previous = time;
    }
    (hours, late)
}

fn hours_between(from: NaiveDateTime, to: NaiveDateTime) -> Exact {
    Exact::new((to - from).num_seconds().into(), 3600.into())
}

/// `事件名：研判超时（31小时）` or `事件名：处置缺失`.
fn late_note(incident: &Incident, hours: &[Option<Exact>; 4], late: LateStep) -> String {
    let name = if incident.title.trim().is_empty() {
        incident.occurred.format("%Y-%m-%d %H:%M").to_string()
    } else {
        incident.title.trim().to_owned()
    };
    let step = INCIDENT_STEPS[late.step].0;
    match &hours[late.step] {
        Some(elapsed) if !late.missing => format!("{name}：{step}超时（{}小时）", number_text(elapsed)),
        _ => format!("{name}：{step}缺失"),
    }
}

#[cfg(test)]
mod tests {
    use super::{LateStep, Timeliness};
    use crate::model::rules::Rule;
    use crate::model::{Expected, Model};
    use crate::model::testing::*;

    fn timeliness() -> Model {
        let rule = Timeliness { deadline_hours: d("24"), unit_points: d("2").into(), activity: None };
        one_unit(vec![indicator("T1", IDEOLOGY, rule, "10")])
    }

    fn hours(values: [Option<&str>; 4]) -> [Option<crate::number::Exact>; 4] {
        values.map(|value| value.map(d))
    }

    #[test]
    fn names_the_first_late_or_missing_step_of_each_late_incident() {
        let mut model = timeliness();
        model.incidents = vec![
            // Exactly at the deadline is on time.
            incident(
                0,
                "甲",
                "2025-03-01 08:00",
                ["2025-03-02 08:00", "2025-03-02 20:00", "2025-03-03 08:00", "2025-03-04 08:00"],
                2,
            ),
            incident(
                0,
                "乙",
                "2025-03-10 00:00",
                ["2025-03-10 01:00", "2025-03-11 08:00", "2025-03-11 09:00", ""],
                3,
            ),
            incident(
                0,
                "丙",
                "2025-03-20 00:00",
                ["2025-03-20 01:00", "2025-03-20 02:00", "2025-03-20 03:00", ""],
                4,
            ),
            // 处置 counts from 研判, the nearest present step before it.
            incident(
                0,
                "丁",
                "2025-04-01 00:00",
                ["2025-04-01 02:00", "2025-04-01 10:00", "", "2025-04-02 10:00"],
                5,
            ),
            // A step earlier than the one before it is not late.
            incident(
                0,
                "戊",
                "2025-05-01 00:00",
                ["2025-05-01 10:00", "2025-05-01 09:00", "2025-05-01 12:00", "2025-05-01 12:30"],
                6,
            ),
        ];
        let outcome = evaluate(&model, 0, 0);
        assert_eq!(outcome.reason, "乙：研判超时（31小时）；丙：处置缺失；丁：报送缺失，扣6分");
        assert_eq!(outcome.score, d("4"));
        assert_eq!(outcome.evidence.len(), 5);

        let checks = &outcome.incidents;
        assert_eq!(checks.iter().map(|check| check.incident).collect::<Vec<_>>(), vec![0, 1, 2, 3, 4]);
        assert_eq!(checks[0].late, None);
        assert_eq!(checks[0].hours, hours([Some("24"), Some("12"), Some("12"), Some("24")]));
        assert_eq!(checks[1].late, Some(LateStep { step: 1, missing: false }));
        assert_eq!(checks[1].hours, hours([Some("1"), Some("31"), Some("1"), None]));
        assert_eq!(checks[2].late, Some(LateStep { step: 3, missing: true }));
        assert_eq!(checks[3].late, Some(LateStep { step: 2, missing: true }));
        assert_eq!(checks[3].hours, hours([Some("2"), Some("8"), None, Some("24")]));
        assert_eq!(checks[4].late, None);
        assert_eq!(checks[4].hours, hours([Some("10"), Some("-1"), Some("3"), Some("0.5")]));
        assert!(checks.iter().all(|check| check.unit == 0 && check.indicator == 0));
    }

    #[test]
    fn missing_discovery_and_fractional_hours() {
        let mut model = timeliness();
        model.incidents = vec![
            incident(
                0,
                "",
                "2025-06-01 08:00",
                ["", "2025-06-01 09:00", "2025-06-01 10:00", "2025-06-01 11:00"],
                2,
            ),
            incident(0, "网帖", "2025-06-02 00:00", ["2025-06-03 00:30", "", "", ""], 3),
        ];
        let outcome = evaluate(&model, 0, 0);
        assert_eq!(outcome.reason, "2025-06-01 08:00：发现缺失；网帖：发现超时（24.5小时），扣4分");
    }

    #[test]
    fn filter_applies_to_incident_attributes_and_deduction_caps() {
        let mut model = timeliness();
        model.criteria[0].filter = vec![condition("级别", Expected::Text("重大".into()))];
        let Rule::Timeliness(rule) = &mut model.criteria[0].rule else { unreachable!("a timeliness rule") };
        rule.unit_points = d("20").into();
        let mut major = incident(0, "重大事件", "2025-07-01 00:00", ["", "", "", ""], 2);
        major.attributes.insert("级别", "重大");
        let minor = incident(0, "一般事件", "2025-07-02 00:00", ["", "", "", ""], 3);
        model.incidents = vec![major, minor];
        let outcome = evaluate(&model, 0, 0);
        assert_eq!(outcome.reason, "重大事件：发现缺失，扣10分");
        assert_eq!(outcome.score, d("0"));
        assert_eq!(outcome.incidents.len(), 1);
    }

    #[test]
    fn no_incidents_scores_full() {
        let outcome = evaluate(&timeliness(), 0, 0);
        assert_eq!((outcome.score, outcome.reason.as_str()), (d("10"), ""));
    }

    #[test]
    fn graded_late_incidents_cost_the_points_of_their_level_and_are_counted_after_the_notes() {
        let mut model = timeliness();
        let Rule::Timeliness(rule) = &mut model.criteria[0].rule else { unreachable!("a timeliness rule") };
        rule.unit_points = graded("level", "级别", &[("重大", "4"), ("其他", "1")]);
        let late = ["2025-03-01 10:00", "2025-03-02 16:00", "2025-03-02 17:00", "2025-03-02 18:00"];
        let on_time = ["2025-04-01 10:00", "2025-04-01 11:00", "2025-04-01 12:00", "2025-04-01 13:00"];
        let mut first = incident(0, "网帖甲", "2025-03-01 08:00", late, 2);
        first.attributes.insert("level", "重大");
        let second = incident(0, "网帖乙", "2025-05-01 08:00", ["", "", "", ""], 3);
        let mut third = incident(0, "网帖丙", "2025-06-01 08:00", ["2025-06-01 09:00", "", "", ""], 4);
        third.attributes.insert("level", "一般");
        // On time: neither counted nor costing, whatever its level.
        let mut fourth = incident(0, "网帖丁", "2025-04-01 08:00", on_time, 5);
        fourth.attributes.insert("level", "重大");
        model.incidents = vec![first, second, third, fourth];
        // 网帖甲 研判 30 h late (重大 4), 网帖乙 and 网帖丙 (其他 1 each): 6 of 10.
        let outcome = evaluate(&model, 0, 0);
        assert_eq!(outcome.score, d("4"));
        assert_eq!(
            outcome.reason,
            "网帖甲：研判超时（30小时）；网帖乙：发现缺失；网帖丙：研判缺失；重大1次、其他2次，扣6分"
        );
        assert_eq!(outcome.incidents.len(), 4);
    }
}
