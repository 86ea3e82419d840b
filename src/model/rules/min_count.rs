//! 至少 min_count: at least `required` activities in each period (the year,
//! each half, quarter or month); every missing one costs `unit_points`, and
//! with a due date (截止) every late one that was needed costs `late_points`
//! (docs/计分.md “至少”).

use chrono::{Datelike, NaiveDate};

use super::outcome::{origins, with_filter_note};
use super::{Definition, Facts, Needs, Outcome, Parameters, Rule, RuleKind};
use crate::model::{Activity, Period, ReportPeriod};
use crate::number::{Exact, int};

#[derive(Clone, Debug)]
pub struct MinCount {
    /// The activity type counted.
    pub activity: String,
    /// Activities needed in each period.
    pub required: u32,
    pub period: Period,
    /// Points per missing activity.
    pub unit_points: Exact,
    /// 截止: when each period's activities are due; `None`: whenever done.
    pub due: Option<Due>,
    /// 迟报扣分: points per needed activity done after its due day (单项分
    /// unless given).
    pub late_points: Exact,
}

/// 截止, the day by which each period's activities are due (docs/输入.md “指标”).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Due {
    /// `7月10日`, `次年1月15日`: one day, for a yearly indicator; 2月29日
    /// falls on the 28th in a year without it.
    OnDate { next_year: bool, month: u32, day: u32 },
    /// `期末后15天`: that many days after each period's last day.
    AfterEnd { days: u32 },
}

impl Due {
    /// The due day of the `index`th period of `period` in `year`.
    pub fn day(self, year: i32, period: Period, index: u32) -> NaiveDate {
        match self {
            Due::OnDate { next_year, month, day } => {
                let year = year + i32::from(next_year);
                NaiveDate::from_ymd_opt(year, month, day)
                    .or_else(|| NaiveDate::from_ymd_opt(year, month, day - 1))
                    .expect("a checked due day")
            }
            Due::AfterEnd { days } => {
                let end = ReportPeriod::new(year, period, index).expect("a period of the year").last_day();
                end + chrono::Days::new(days.into())
            }
        }
    }
}

impl MinCount {
    pub const KIND: RuleKind = RuleKind {
        keywords: &["至少", "min_count"],
        needs: Needs { activity: true, unit_points: true, due: true, ..Needs::BASIC },
        build: |given: Parameters| {
            let (activity, unit_points) = (given.activity?, given.unit_points?);
            let late_points = given.late_points.unwrap_or_else(|| unit_points.clone());
            Some(Rule::from(MinCount {
                activity,
                required: given.required,
                period: given.period,
                unit_points,
                due: given.due,
                late_points,
            }))
        },
    };
}

impl Definition for MinCount {
    fn evaluate(&self, facts: &dyn Facts) -> Outcome {
        let activities = facts.activities();
        let year = facts.model().settings.year;
        let count = self.period.count();
        // Per period: the rows on time, and the late ones in date order.
        let mut on_time = vec![0u32; count as usize];
        let mut late: Vec<Vec<&Activity>> = vec![Vec::new(); count as usize];
        for activity in &activities {
            let period = placement(self.period, activity);
            match self.due {
                Some(due) if activity.date.date() > due.day(year, self.period, period as u32) => {
                    late[period].push(activity)
                }
                _ => on_time[period] += 1,
            }
        }
        let (mut missing_total, mut late_total) = (0u32, 0u32);
        let mut parts: Vec<String> = Vec::new();
        for (index, (on_time, late)) in on_time.iter().zip(&mut late).enumerate() {
            let name = period_name(self.period, index);
            let missing = self.required.saturating_sub(on_time + late.len() as u32);
            let late_counted = (late.len() as u32).min(self.required.saturating_sub(*on_time));
            if missing > 0 {
                parts.push(format!("{name}缺{missing}次"));
            }
            if let (Some(due), true) = (self.due, late_counted > 0) {
                late.sort_by_key(|activity| activity.date);
                let days: Vec<String> =
                    late[..late_counted as usize].iter().map(|row| day_text(row.date.date(), year)).collect();
                let due_day = day_text(due.day(year, self.period, index as u32), year);
                parts.push(format!("{name}迟报{late_counted}次（{}，截止{due_day}）", days.join("、")));
            }
            missing_total += missing;
            late_total += late_counted;
        }
        let points = &facts.indicator().points;
        let deduction = (int(missing_total.into()) * &self.unit_points
            + int(late_total.into()) * &self.late_points)
            .min(points.clone());
        let details = with_filter_note(facts, activities.len(), &parts.join("；"));
        Outcome::deducted(points, deduction, &details, origins(&activities))
    }

    fn activity(&self) -> Option<&str> {
        Some(&self.activity)
    }
}

/// The period (0-based, of `period` in the assessment year) a row of the
/// year counts in (docs/计分.md “至少”): the one that holds its 所属期 when
/// that is as fine as `period` or finer; else the one that holds its date,
/// clamped into a coarser 所属期 (a report on 2025年 dated 2026-01-08 counts
/// for the last quarter of 2025).
pub fn placement(period: Period, activity: &Activity) -> usize {
    let month0 = match activity.for_period {
        Some(given) if given.period.months() <= period.months() => given.first_day().month0(),
        Some(given) => activity.date.date().clamp(given.first_day(), given.last_day()).month0(),
        None => activity.date.month0(),
    };
    (month0 / period.months()) as usize
}

/// A day as reasons print it: `7月15日` in the assessment year, else `2026年1月12日`.
fn day_text(day: NaiveDate, year: i32) -> String {
    if day.year() == year {
        format!("{}月{}日", day.month(), day.day())
    } else {
        format!("{}年{}月{}日", day.year(), day.month(), day.day())
    }
}

fn period_name(period: Period, index: usize) -> String {
    match period {
        Period::Year => "全年".to_owned(),
        Period::Half => ["上半年", "下半年"][index].to_owned(),
        Period::Quarter => format!("第{}季度", ["一", "二", "三", "四"][index]),
        Period::Month => format!("{}月", index + 1),
    }
}

#[cfg(test)]
mod tests {
    use super::{Due, MinCount, placement};
    use crate::model::testing::*;
    use crate::model::{Expected, Period};

    fn studies(period: Period, required: u32, unit_points: &str, points: &str) -> crate::model::Model {
        let rule = MinCount {
            activity: "专题研究".into(),
            required,
            period,
            unit_points: d(unit_points),
            due: None,
            late_points: d(unit_points),
        };
        one_unit(vec![indicator("A1", IDEOLOGY, rule, points)])
    }

    #[test]
    fn exactly_the_required_count_scores_full() {
        let mut model = studies(Period::Year, 2, "2", "10");
        model.activities =
            vec![activity(0, "2025-01-05", "专题研究", 2), activity(0, "2025-12-31", "专题研究", 3)];
        let outcome = evaluate(&model, 0, 0);
        assert_eq!(outcome.score, d("10"));
        assert_eq!(d("10") - &outcome.score, d("0"));
        assert_eq!(outcome.reason, "");
        assert_eq!(outcome.evidence, vec![origin("活动", 2), origin("活动", 3)]);
    }

    #[test]
    fn names_every_short_quarter() {
        let mut model = studies(Period::Quarter, 1, "2", "10");
        // 31 March late evening is still the first quarter; 1 April the second.
        model.activities = vec![
            activity(0, "2025-03-31 23:59", "专题研究", 2),
            activity(0, "2025-04-01", "专题研究", 3),
            activity(0, "2025-04-20", "专题研究", 4),
        ];
        let outcome = evaluate(&model, 0, 0);
        assert_eq!(outcome.reason, "第三季度缺1次；第四季度缺1次，扣4分");
        assert_eq!(outcome.score, d("6"));
        assert_eq!(d("10") - &outcome.score, d("4"));
    }

    #[test]
    fn names_every_short_month_and_prints_half_points() {
        let mut model = studies(Period::Month, 1, "1.25", "10");
        model.activities = [1, 2, 4, 5, 6, 7, 8, 9, 10, 12]
            .iter()
            .map(|month| activity(0, &format!("2025-{month:02}-10"), "专题研究", *month))
            .collect();
        let outcome = evaluate(&model, 0, 0);
        assert_eq!(outcome.reason, "3月缺1次；11月缺1次，扣2.5分");
        assert_eq!(outcome.score, d("7.5"));
    }

    #[test]
    fn counts_shortfall_per_half_and_caps_at_zero() {
        let mut model = studies(Period::Half, 2, "2", "5");
        model.activities =
            vec![activity(0, "2025-06-30 18:00", "专题研究", 2), activity(0, "2025-07-01", "专题研究", 3)];
        let outcome = evaluate(&model, 0, 0);
        assert_eq!(outcome.reason, "上半年缺1次；下半年缺1次，扣4分");
        assert_eq!(outcome.score, d("1"));

        model.activities.clear();
        let outcome = evaluate(&model, 0, 0);
        assert_eq!(outcome.reason, "上半年缺2次；下半年缺2次，扣5分");
        assert_eq!(outcome.score, d("0"));
        assert_eq!(d("5") - &outcome.score, d("5"));
    }

    #[test]
    fn counts_only_the_units_own_rows_of_the_type() {
        let mut model = studies(Period::Year, 2, "3", "10");
        model.units.push(unit("U1-1", "党小组", Some(0)));
        model.systems.push(system(Some(0), &[(IDEOLOGY, "1")]));
        model.activities = vec![
            activity(0, "2025-05-01", "专题研究", 2),
            activity(0, "2025-05-02", "专题学习", 3),
            activity(1, "2025-05-03", "专题研究", 4),
        ];
        let outcome = evaluate(&model, 0, 0);
        assert_eq!(outcome.reason, "全年缺1次，扣3分");
        assert_eq!(outcome.score, d("7"));
        assert_eq!(outcome.evidence, vec![origin("活动", 2)]);
    }

    #[test]
    fn boolean_filter_matches_every_boolean_word() {
        let mut model = studies(Period::Year, 3, "2", "10");
        model.criteria[0].filter = vec![condition("上报", Expected::Bool(true))];
        model.criteria[0].filter_text = "上报=是".into();
        model.activities = vec![
            with_attribute(activity(0, "2025-02-01", "专题研究", 2), "上报", "y"),
            with_attribute(activity(0, "2025-03-01", "专题研究", 3), "上报", "√"),
            with_attribute(activity(0, "2025-04-01", "专题研究", 4), "上报", "否"),
            activity(0, "2025-05-01", "专题研究", 5),
        ];
        let outcome = evaluate(&model, 0, 0);
        assert_eq!(outcome.reason, "全年缺1次（另有2条不符合“上报=是”，未计入），扣2分");
        assert_eq!(outcome.evidence, vec![origin("活动", 2), origin("活动", 3)]);
    }

    #[test]
    fn empty_filter_matches_only_empty_values() {
        let mut model = studies(Period::Year, 1, "2", "10");
        model.criteria[0].filter = vec![condition("形式", Expected::Empty)];
        model.activities = vec![
            with_attribute(activity(0, "2025-02-01", "专题研究", 2), "形式", "书面"),
            with_attribute(activity(0, "2025-03-01", "专题研究", 3), "形式", ""),
            activity(0, "2025-04-01", "专题研究", 4),
        ];
        assert_eq!(evaluate(&model, 0, 0).evidence, vec![origin("活动", 3), origin("活动", 4)]);
    }

    /// `材料!=` counts only rows with evidence; the note stands after the
    /// last period and before the deduction.
    #[test]
    fn evidence_filter_notes_the_rows_left_out() {
        let mut model = studies(Period::Half, 1, "2", "10");
        model.criteria[0].filter = vec![unequal("evidence", Expected::Empty)];
        model.criteria[0].filter_text = "材料！＝".into();
        model.activities = vec![
            with_attribute(activity(0, "2025-02-01", "专题研究", 2), "evidence", "纪要.pdf"),
            activity(0, "2025-03-01", "专题研究", 3),
            with_attribute(activity(0, "2025-08-01", "专题研究", 4), "evidence", ""),
            // Another unit's row and another type are not the unit's rows of the type.
            activity(1, "2025-09-01", "专题研究", 5),
            activity(0, "2025-09-01", "集中学习", 6),
        ];
        let outcome = evaluate(&model, 0, 0);
        assert_eq!(outcome.reason, "下半年缺1次（另有2条不符合“材料！＝”，未计入），扣2分");
        assert_eq!(outcome.score, d("8"));
        assert_eq!(outcome.evidence, vec![origin("活动", 2)]);
    }

    #[test]
    fn no_note_when_nothing_is_missing() {
        let mut model = studies(Period::Year, 1, "2", "10");
        model.criteria[0].filter = vec![unequal("evidence", Expected::Empty)];
        model.criteria[0].filter_text = "材料!=".into();
        model.activities = vec![
            with_attribute(activity(0, "2025-02-01", "专题研究", 2), "evidence", "纪要.pdf"),
            activity(0, "2025-03-01", "专题研究", 3),
        ];
        let outcome = evaluate(&model, 0, 0);
        assert_eq!((outcome.score, outcome.reason.as_str()), (d("10"), ""));
    }

    /// 专题研究 due `due`, `required` a period, `unit_points` per missing
    /// one and `late_points` per late one, worth `points`.
    fn due_studies(
        period: Period,
        required: u32,
        (unit_points, late_points): (&str, &str),
        points: &str,
        due: Due,
    ) -> crate::model::Model {
        let rule = MinCount {
            activity: "专题研究".into(),
            required,
            period,
            unit_points: d(unit_points),
            due: Some(due),
            late_points: d(late_points),
        };
        one_unit(vec![indicator("A1", IDEOLOGY, rule, points)])
    }

    fn after_end(days: u32) -> Due {
        Due::AfterEnd { days }
    }

    /// Half-yearly, due 10 days after each half: the first half's report of
    /// 15 July is late (due 6-30 + 10 = 7月10日); the second half's of
    /// 8 January 2026 is on time (due 12-31 + 10 = 2026-01-10) and counts for
    /// 2025. Late counted min(1, 1 − 0) = 1, d = 1 × 2 = 2: 10 − 2 = 8.
    #[test]
    fn a_late_report_costs_the_late_points_and_names_its_day() {
        let mut model = due_studies(Period::Half, 1, ("4", "2"), "10", after_end(10));
        model.activities = vec![
            reporting(activity(0, "2025-07-15", "专题研究", 2), "2025年上半年"),
            reporting(activity(0, "2026-01-08 09:00", "专题研究", 3), "2025H2"),
        ];
        let outcome = evaluate(&model, 0, 0);
        assert_eq!(outcome.reason, "上半年迟报1次（7月15日，截止7月10日），扣2分");
        assert_eq!(outcome.score, d("8"));
        assert_eq!(outcome.evidence, vec![origin("活动", 2), origin("活动", 3)]);
    }

    /// On the due day is on time, whatever the time of day.
    #[test]
    fn on_the_due_day_is_on_time() {
        let mut model = due_studies(Period::Half, 1, ("4", "2"), "10", after_end(10));
        model.activities = vec![
            reporting(activity(0, "2025-07-10 23:59", "专题研究", 2), "2025H1"),
            reporting(activity(0, "2026-01-10 18:00", "专题研究", 3), "2025H2"),
        ];
        let outcome = evaluate(&model, 0, 0);
        assert_eq!((outcome.score, outcome.reason.as_str()), (d("10"), ""));
    }

    /// Yearly, 2 required, due 12月20日: one on time and two late. Only
    /// 2 − 1 = 1 late one was needed: late counted = min(2, 1) = 1, the
    /// earliest (12月25日) named; d = 1 × 1 = 1: 10 − 1 = 9.
    #[test]
    fn late_rows_count_only_up_to_the_shortfall() {
        let due = Due::OnDate { next_year: false, month: 12, day: 20 };
        let mut model = due_studies(Period::Year, 2, ("3", "1"), "10", due);
        model.activities = vec![
            activity(0, "2025-12-28", "专题研究", 2),
            activity(0, "2025-03-01", "专题研究", 3),
            activity(0, "2025-12-25", "专题研究", 4),
        ];
        let outcome = evaluate(&model, 0, 0);
        assert_eq!(outcome.reason, "全年迟报1次（12月25日，截止12月20日），扣1分");
        assert_eq!(outcome.score, d("9"));

        // With two on time, the late ones are not needed at all.
        model.activities.push(activity(0, "2025-06-01", "专题研究", 5));
        assert_eq!(evaluate(&model, 0, 0).score, d("10"));
    }

    /// Yearly, 3 required, due 次年1月10日, reports on 2025 sent in January:
    /// one on time (6月1日), two late, both needed (3 − 1 = 2): named in date
    /// order with their years, d = 2 × 1 = 2: 10 − 2 = 8.
    #[test]
    fn several_late_rows_are_named_in_date_order() {
        let due = Due::OnDate { next_year: true, month: 1, day: 10 };
        let mut model = due_studies(Period::Year, 3, ("2", "1"), "10", due);
        model.activities = vec![
            reporting(activity(0, "2026-01-20", "专题研究", 2), "2025年度"),
            reporting(activity(0, "2026-01-12", "专题研究", 3), "2025"),
            activity(0, "2025-06-01", "专题研究", 4),
        ];
        let outcome = evaluate(&model, 0, 0);
        assert_eq!(
            outcome.reason,
            "全年迟报2次（2026年1月12日、2026年1月20日，截止2026年1月10日），扣2分"
        );
        assert_eq!(outcome.score, d("8"));
    }

    /// Quarterly, 2 required, due 15 days after each quarter: the third
    /// quarter has one late report (10月20日, due 9-30 + 15 = 10月15日) and
    /// nothing else: missing = 2 − 0 − 1 = 1, late counted = min(1, 2) = 1,
    /// d = 1 × 2 + 1 × 1 = 3: 10 − 3 = 7. Missing comes first.
    #[test]
    fn a_period_short_and_late_names_both() {
        let mut model = due_studies(Period::Quarter, 2, ("2", "1"), "10", after_end(15));
        let on_time = ["2025-02-01", "2025-03-01", "2025-05-01", "2025-06-01", "2025-11-01", "2025-12-01"];
        model.activities = on_time.iter().zip(2..).map(|(day, row)| activity(0, day, "专题研究", row)).collect();
        model.activities.push(reporting(activity(0, "2025-10-20", "专题研究", 8), "2025Q3"));
        let outcome = evaluate(&model, 0, 0);
        assert_eq!(outcome.reason, "第三季度缺1次；第三季度迟报1次（10月20日，截止10月15日），扣3分");
        assert_eq!(outcome.score, d("7"));
    }

    /// Two quarters missing (2 × 5) and one late (1 × 5) make 15, capped
    /// at the 10 points; `期末后0天` is due on the quarter's last day.
    #[test]
    fn missing_and_late_points_are_capped_together() {
        let mut model = due_studies(Period::Quarter, 1, ("5", "5"), "10", after_end(0));
        model.activities = vec![
            reporting(activity(0, "2025-10-01", "专题研究", 2), "2025Q3"),
            activity(0, "2025-12-31 20:00", "专题研究", 3),
        ];
        let outcome = evaluate(&model, 0, 0);
        assert_eq!(
            outcome.reason,
            "第一季度缺1次；第二季度缺1次；第三季度迟报1次（10月1日，截止9月30日），扣10分"
        );
        assert_eq!(outcome.score, d("0"));
    }

    /// A 所属期 as fine as the quarter or finer places the row in the
    /// quarter that holds it (2025年3月 dated April: the first); a coarser
    /// one by its date, clamped into the 所属期: 2025年 dated 2026-01-08
    /// counts for the last quarter, 2025年下半年 dated in May for the third.
    #[test]
    fn a_coarser_report_period_places_the_row_by_its_date_clamped() {
        let rows = vec![
            reporting(activity(0, "2025-04-02", "专题研究", 2), "2025年3月"),
            reporting(activity(0, "2025-07-05", "专题研究", 3), "2025年第二季度"),
            reporting(activity(0, "2025-05-20", "专题研究", 4), "2025年下半年"),
            reporting(activity(0, "2026-01-08", "专题研究", 5), "2025年"),
            reporting(activity(0, "2025-08-08", "专题研究", 6), "2025年"),
        ];
        let placed: Vec<usize> = rows.iter().map(|row| placement(Period::Quarter, row)).collect();
        assert_eq!(placed, [0, 1, 2, 3, 2]);
        assert_eq!(placement(Period::Year, &rows[3]), 0);
        assert_eq!(placement(Period::Half, &rows[1]), 0);
        assert_eq!(placement(Period::Month, &rows[0]), 2);
        let mut model = studies(Period::Quarter, 1, "2", "10");
        model.activities = rows;
        let outcome = evaluate(&model, 0, 0);
        assert_eq!((outcome.score, outcome.reason.as_str()), (d("10"), ""));
    }

    #[test]
    fn due_days_fall_in_the_right_year() {
        let day = |text: &str| at(text).date();
        let yearly = |next_year, month, day| Due::OnDate { next_year, month, day };
        assert_eq!(yearly(false, 7, 10).day(2025, Period::Year, 0), day("2025-07-10"));
        assert_eq!(yearly(true, 1, 15).day(2025, Period::Year, 0), day("2026-01-15"));
        // 2月29日 in a year without it is the 28th.
        assert_eq!(yearly(true, 2, 29).day(2025, Period::Year, 0), day("2026-02-28"));
        assert_eq!(yearly(true, 2, 29).day(2027, Period::Year, 0), day("2028-02-29"));
        assert_eq!(after_end(10).day(2025, Period::Month, 1), day("2025-03-10"));
        assert_eq!(after_end(31).day(2025, Period::Quarter, 3), day("2026-01-31"));
    }
}
