//! 扣分 deduct: every occurrence costs `unit_points` (graded: the points of
//! its 分级 value), down to 0.

use super::outcome::{origins, with_filter_note};
use super::{Definition, Facts, GradedPoints, Needs, Outcome, Parameters, Rule, RuleKind, UnitPoints};

#[derive(Clone, Debug)]
pub struct Deduct {
    /// The activity type counted.
    pub activity: String,
    /// Points per occurrence.
    pub unit_points: UnitPoints,
}

impl Deduct {
    pub const KIND: RuleKind = RuleKind {
        keywords: &["扣分", "deduct"],
        needs: Needs { activity: true, unit_points: true, graded: true, ..Needs::BASIC },
        build: |given: Parameters| {
            let unit_points = UnitPoints::from_cells(given.graded, given.unit_points)?;
            Some(Rule::from(Deduct { activity: given.activity?, unit_points }))
        },
    };
}

impl Definition for Deduct {
    fn evaluate(&self, facts: &dyn Facts) -> Outcome {
        let activities = facts.activities();
        let points = &facts.indicator().points;
        let tally = self.unit_points.tally(activities.iter().map(|activity| &activity.attributes));
        let deduction = tally.points.clone().min(points.clone());
        let counts = tally.counts().unwrap_or_else(|| format!("{}{}次", self.activity, activities.len()));
        let details = with_filter_note(facts, activities.len(), &counts);
        Outcome::deducted(points, deduction, &details, origins(&activities))
    }

    fn activity(&self) -> Option<&str> {
        Some(&self.activity)
    }

    fn graded(&self) -> Option<&GradedPoints> {
        self.unit_points.graded()
    }
}

#[cfg(test)]
mod tests {
    use super::Deduct;
    use crate::model::rules::Rule;
    use crate::model::{Expected, Model};
    use crate::model::testing::*;

    fn violations(count: u32) -> Model {
        let rule = Deduct { activity: "违规".into(), unit_points: d("2").into() };
        let mut model = one_unit(vec![indicator("D1", IDEOLOGY, rule, "10")]);
        model.activities = (0..count).map(|row| activity(0, "2025-03-01", "违规", row + 2)).collect();
        model
    }

    #[test]
    fn each_occurrence_costs_unit_points() {
        let outcome = evaluate(&violations(3), 0, 0);
        assert_eq!(outcome.score, d("4"));
        assert_eq!(d("10") - &outcome.score, d("6"));
        assert_eq!(outcome.reason, "违规3次，扣6分");
        assert_eq!(outcome.evidence.len(), 3);
    }

    #[test]
    fn caps_at_zero_and_is_silent_at_full_score() {
        let outcome = evaluate(&violations(6), 0, 0);
        assert_eq!(outcome.score, d("0"));
        assert_eq!(outcome.reason, "违规6次，扣10分");
        let outcome = evaluate(&violations(0), 0, 0);
        assert_eq!(outcome.score, d("10"));
        assert_eq!(outcome.reason, "");
        // Occurrences that cost nothing leave nothing to explain.
        let mut free = violations(2);
        set_unit_points(&mut free, "0");
        let outcome = evaluate(&free, 0, 0);
        assert_eq!((outcome.score, outcome.reason), (d("10"), String::new()));
    }

    #[test]
    fn the_reason_gives_the_deduction_exactly() {
        let mut model = violations(1);
        set_unit_points(&mut model, "1.002");
        let outcome = evaluate(&model, 0, 0);
        assert_eq!((d("10") - &outcome.score, outcome.reason.as_str()), (d("1.002"), "违规1次，扣1.002分"));
    }

    #[test]
    fn the_reason_notes_rows_the_filter_left_out() {
        let mut model = violations(3);
        model.criteria[0].filter = vec![condition("上报", Expected::Bool(true))];
        model.criteria[0].filter_text = "上报=是".into();
        model.activities[0] = with_attribute(model.activities[0].clone(), "上报", "是");
        model.activities[1] = with_attribute(model.activities[1].clone(), "上报", "否");
        let outcome = evaluate(&model, 0, 0);
        assert_eq!(outcome.score, d("8"));
        assert_eq!(outcome.reason, "违规1次（另有2条不符合“上报=是”，未计入），扣2分");
        // Nothing counted, nothing deducted: no reason, so no note.
        model.activities.remove(0);
        let outcome = evaluate(&model, 0, 0);
        assert_eq!((outcome.score, outcome.reason.as_str()), (d("10"), ""));
    }

    fn set_unit_points(model: &mut Model, unit_points: &str) {
        let Rule::Deduct(rule) = &mut model.criteria[0].rule else { unreachable!("a deduct rule") };
        rule.unit_points = d(unit_points).into();
    }

    /// 违规 rows of U1 with these 级别 values (`""` = empty), under
    /// `较大:3；一般:1` and, when `other` is given, `其他:other`.
    fn graded_violations(levels: &[&'static str], other: Option<&str>, points: &str) -> Model {
        let mut table = vec![("较大", "3"), ("一般", "1")];
        table.extend(other.map(|other| ("其他", other)));
        let rule = Deduct { activity: "违规".into(), unit_points: graded("级别", "级别", &table) };
        let mut model = one_unit(vec![indicator("D1", IDEOLOGY, rule, points)]);
        model.activities = levels
            .iter()
            .zip(2..)
            .map(|(level, row)| {
                let row = activity(0, "2025-03-01", "违规", row);
                if level.is_empty() { row } else { with_attribute(row, "级别", level) }
            })
            .collect();
        model
    }

    #[test]
    fn graded_rows_cost_the_points_of_their_value() {
        // 较大 3 + 一般 1 + 较大 3 = 7 of 10.
        let outcome = evaluate(&graded_violations(&["较大", "一般", "较大"], None, "10"), 0, 0);
        assert_eq!(outcome.score, d("3"));
        assert_eq!(outcome.reason, "较大2次、一般1次，扣7分");
        assert_eq!(outcome.evidence.len(), 3);
    }

    #[test]
    fn graded_rows_under_other_are_counted_as_other_and_the_deduction_caps() {
        // 较大 3 + 其他 0.5 (重大) + 其他 0.5 (empty) + 一般 1 = 5 of 4: capped at 4.
        let outcome = evaluate(&graded_violations(&["较大", "重大", "", "一般"], Some("0.5"), "4"), 0, 0);
        assert_eq!(outcome.score, d("0"));
        assert_eq!(outcome.reason, "较大1次、一般1次、其他2次，扣4分");
    }

    #[test]
    fn graded_rows_worth_nothing_leave_nothing_to_explain() {
        let outcome = evaluate(&graded_violations(&["重大"], Some("0"), "10"), 0, 0);
        assert_eq!((outcome.score, outcome.reason.as_str()), (d("10"), ""));
    }

    #[test]
    fn a_graded_reason_notes_rows_the_filter_left_out() {
        let mut model = graded_violations(&["较大", "一般"], None, "10");
        model.criteria[0].filter = vec![condition("上报", Expected::Bool(true))];
        model.criteria[0].filter_text = "上报=是".into();
        model.activities[0] = with_attribute(model.activities[0].clone(), "上报", "是");
        // Only the 较大 row passes: 10 − 3 = 7.
        let outcome = evaluate(&model, 0, 0);
        assert_eq!(outcome.score, d("7"));
        assert_eq!(outcome.reason, "较大1次（另有1条不符合“上报=是”，未计入），扣3分");
    }
}
