//! 加分 bonus: every occurrence earns `unit_points`, up to the indicator's
//! points; the score is added to the total outside the categories.

use num_traits::Zero;

use super::outcome::{capped, number_text, origins};
use super::{Definition, Facts, Needs, Outcome, Parameters, Rule, RuleKind};
use crate::number::Exact;

#[derive(Clone, Debug)]
pub struct Bonus {
    /// The activity type counted.
    pub activity: String,
    /// Points per occurrence.
    pub unit_points: Exact,
}

impl Bonus {
    pub const KIND: RuleKind = RuleKind {
        keywords: &["加分", "bonus"],
        needs: Needs { activity: true, unit_points: true, ..Needs::BASIC },
        build: |given: Parameters| {
            Some(Rule::from(Bonus { activity: given.activity?, unit_points: given.unit_points? }))
        },
    };
}

impl Definition for Bonus {
    fn evaluate(&self, facts: &dyn Facts) -> Outcome {
        let activities = facts.activities();
        let earned = capped(activities.len(), &self.unit_points, &facts.indicator().points);
        let reason = if earned.is_zero() {
            String::new()
        } else {
            format!("{}{}次，加{}分", self.activity, activities.len(), number_text(&earned))
        };
        Outcome::new(earned, reason, origins(&activities))
    }

    fn counts_in_category(&self) -> bool {
        false
    }

    fn is_bonus(&self) -> bool {
        true
    }

    fn activity(&self) -> Option<&str> {
        Some(&self.activity)
    }
}

#[cfg(test)]
mod tests {
    use super::Bonus;
    use crate::score::testing::*;

    fn commendations(count: u32) -> crate::model::Model {
        let mut model = one_unit(vec![
            indicator("A1", IDEOLOGY, manual(), "100"),
            indicator("B1", IDEOLOGY, Bonus { activity: "表彰".into(), unit_points: d("1.5") }, "4"),
        ]);
        model.manual_scores = vec![manual_score(0, 0, "90", "")];
        model.activities = (0..count).map(|row| activity(0, "2025-09-01", "表彰", row + 2)).collect();
        model
    }

    #[test]
    fn earns_unit_points_up_to_the_maximum_outside_the_categories() {
        let model = commendations(2);
        let report = crate::score::score(&model);
        let result = indicator_result(&report, &model, "U1", "B1");
        assert_eq!((result.score.clone(), result.points.clone()), (d("3"), d("4")));
        assert_eq!(result.deduction, d("0"));
        assert_eq!(result.reason, "表彰2次，加3分");
        let unit = unit_result(&report, &model, "U1");
        assert_eq!(unit.categories.len(), 1);
        assert_eq!(unit.categories[0].points, d("100"));
        assert_eq!(
            (unit.weighted.clone(), unit.bonus.clone(), unit.total.clone()),
            (d("90"), d("3"), d("93"))
        );

        let model = commendations(5);
        let report = crate::score::score(&model);
        assert_eq!(indicator_result(&report, &model, "U1", "B1").reason, "表彰5次，加4分");
        assert_eq!(unit_result(&report, &model, "U1").total, d("94"));
    }

    #[test]
    fn nothing_earned_says_nothing() {
        let model = commendations(0);
        let report = crate::score::score(&model);
        let result = indicator_result(&report, &model, "U1", "B1");
        assert_eq!((result.score.clone(), result.reason.as_str()), (d("0"), ""));
        assert_eq!(unit_result(&report, &model, "U1").total, d("90"));
    }
}
