//! 扣分 deduct: every occurrence costs `unit_points`, down to 0.

use super::{Outcome, RuleInput, capped, origins};

pub fn evaluate(input: &RuleInput) -> Outcome {
    let definition = input.definition();
    let activities = input.activities();
    let deduction = capped(activities.len(), &definition.unit_points, &definition.points);
    let details = format!("{}{}次", input.activity_name(), activities.len());
    Outcome::deducted(definition, deduction, &details, origins(&activities))
}

#[cfg(test)]
mod tests {
    use crate::model::RuleKind;
    use crate::score::testing::*;

    fn violations(count: u32) -> crate::model::Model {
        let mut model = one_unit(vec![crate::model::Indicator {
            unit_points: d("2"),
            ..indicator("D1", IDEOLOGY, RuleKind::Deduct, "10", "违规")
        }]);
        model.activities = (0..count).map(|row| activity(0, "2025-03-01", "违规", row + 2)).collect();
        model
    }

    #[test]
    fn each_occurrence_costs_unit_points() {
        let result = first_result(&violations(3));
        assert_eq!(result.score, d("4"));
        assert_eq!(result.deduction, d("6"));
        assert_eq!(result.reason, "违规3次，扣6分");
        assert_eq!(result.evidence.len(), 3);
    }

    #[test]
    fn caps_at_zero_and_is_silent_at_full_score() {
        let result = first_result(&violations(6));
        assert_eq!(result.score, d("0"));
        assert_eq!(result.reason, "违规6次，扣10分");
        let result = first_result(&violations(0));
        assert_eq!(result.score, d("10"));
        assert_eq!(result.reason, "");
        // Occurrences that cost nothing leave nothing to explain.
        let mut free = violations(2);
        free.criteria[0].unit_points = d("0");
        assert_eq!((first_result(&free).score, first_result(&free).reason), (d("10"), String::new()));
    }

    #[test]
    fn the_reason_gives_the_deduction_exactly() {
        let mut model = violations(1);
        model.criteria[0].unit_points = d("1.002");
        let result = first_result(&model);
        assert_eq!((result.deduction, result.reason.as_str()), (d("1.002"), "违规1次，扣1.002分"));
    }
}
