//! 扣分 deduct: every occurrence costs `unit_points`, down to 0.

use super::outcome::{capped, origins, with_filter_note};
use super::{Definition, Facts, Needs, Outcome, Parameters, Rule, RuleKind};
use crate::number::Exact;

#[derive(Clone, Debug)]
pub struct Deduct {
    /// The activity type counted.
    pub activity: String,
    /// Points per occurrence.
    pub unit_points: Exact,
}

impl Deduct {
    pub const KIND: RuleKind = RuleKind {
        keywords: &["扣分", "deduct"],
        needs: Needs { activity: true, unit_points: true, ..Needs::BASIC },
        build: |given: Parameters| {
            Some(Rule::from(Deduct { activity: given.activity?, unit_points: given.unit_points? }))
        },
    };
}

impl Definition for Deduct {
    fn evaluate(&self, facts: &dyn Facts) -> Outcome {
        let activities = facts.activities();
        let points = &facts.indicator().points;
        let deduction = capped(activities.len(), &self.unit_points, points);
        let details = with_filter_note(facts, activities.len(), &format!("{}{}次", self.activity, activities.len()));
        Outcome::deducted(points, deduction, &details, origins(&activities))
    }

    fn activity(&self) -> Option<&str> {
        Some(&self.activity)
    }
}

#[cfg(test)]
mod tests {
    use super::Deduct;
    use crate::model::rules::Rule;
    use crate::model::{Expected, Model};
    use crate::model::testing::*;

    fn violations(count: u32) -> Model {
        let rule = Deduct { activity: "违规".into(), unit_points: d("2") };
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
        rule.unit_points = d(unit_points);
    }
}
