//! 加分 bonus: every occurrence earns `unit_points` (graded: the points of
//! its 分级 value), up to the indicator's points; the score is added to the
//! total outside the categories.

use num_traits::Zero;

use super::outcome::{number_text, origins, with_filter_note};
use super::{
    Definition, Facts, GradedPoints, Needs, Outcome, Parameters, Placement, Rule, RuleKind, UnitPoints,
};

#[derive(Clone, Debug)]
pub struct Bonus {
    /// The activity type counted.
    pub activity: String,
    /// Points per occurrence.
    pub unit_points: UnitPoints,
}

impl Bonus {
    pub const KIND: RuleKind = RuleKind {
        keywords: &["加分", "bonus"],
        needs: Needs {
            activity: true,
            unit_points: true,
            graded: true,
            placement: Placement::OutsideItems,
            ..Needs::BASIC
        },
        build: |given: Parameters| {
            let unit_points = UnitPoints::from_cells(given.graded, given.unit_points)?;
            Some(Rule::from(Bonus { activity: given.activity?, unit_points }))
        },
    };
}

impl Definition for Bonus {
    fn evaluate(&self, facts: &dyn Facts) -> Outcome {
        let activities = facts.activities();
        let tally = self.unit_points.tally(activities.iter().map(|activity| &activity.attributes));
        let earned = tally.points.clone().min(facts.indicator().points.clone());
        let reason = if earned.is_zero() {
            String::new()
        } else {
            let details = tally.counts().unwrap_or_else(|| format!("{}{}次", self.activity, activities.len()));
            format!("{}，加{}分", with_filter_note(facts, activities.len(), &details), number_text(&earned))
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

    fn graded(&self) -> Option<&GradedPoints> {
        self.unit_points.graded()
    }
}

#[cfg(test)]
mod tests {
    use super::Bonus;
    use crate::model::rules::Definition;
    use crate::model::{Expected, Model};
    use crate::model::testing::*;

    fn commendations(count: u32) -> Model {
        let rule = Bonus { activity: "表彰".into(), unit_points: d("1.5").into() };
        let mut model = one_unit(vec![indicator("B1", IDEOLOGY, rule, "4")]);
        model.activities = (0..count).map(|row| activity(0, "2025-09-01", "表彰", row + 2)).collect();
        model
    }

    #[test]
    fn earns_unit_points_up_to_the_maximum() {
        let outcome = evaluate(&commendations(2), 0, 0);
        assert_eq!(outcome.score, d("3"));
        assert_eq!(outcome.reason, "表彰2次，加3分");
        assert_eq!(outcome.evidence, vec![origin("活动", 2), origin("活动", 3)]);
        assert!(!outcome.vetoed);

        let outcome = evaluate(&commendations(5), 0, 0);
        assert_eq!((outcome.score, outcome.reason.as_str()), (d("4"), "表彰5次，加4分"));
    }

    #[test]
    fn nothing_earned_says_nothing() {
        let outcome = evaluate(&commendations(0), 0, 0);
        assert_eq!((outcome.score, outcome.reason.as_str()), (d("0"), ""));
    }

    #[test]
    fn the_reason_notes_rows_the_filter_left_out() {
        let mut model = commendations(3);
        model.criteria[0].filter = vec![unequal("形式", Expected::Text("口头".into()))];
        model.criteria[0].filter_text = "形式≠口头".into();
        model.activities[2] = with_attribute(model.activities[2].clone(), "形式", "口头");
        let outcome = evaluate(&model, 0, 0);
        assert_eq!((outcome.score, outcome.reason.as_str()), (d("3"), "表彰2次（另有1条不符合“形式≠口头”，未计入），加3分"));
        // Nothing earned: no reason, so no note.
        model.activities.truncate(0);
        model.activities.push(with_attribute(activity(0, "2025-09-01", "表彰", 2), "形式", "口头"));
        let outcome = evaluate(&model, 0, 0);
        assert_eq!((outcome.score, outcome.reason.as_str()), (d("0"), ""));
    }

    #[test]
    fn is_added_to_the_total_outside_the_categories() {
        let rule = Bonus { activity: "表彰".into(), unit_points: d("1").into() };
        assert!(rule.is_bonus() && !rule.counts_in_category() && rule.carries_points());
    }

    #[test]
    fn graded_commendations_earn_the_points_of_their_level_up_to_the_maximum() {
        let unit_points = graded("级别", "级别", &[("县级", "1"), ("市级", "2"), ("其他", "0.5")]);
        let rule = Bonus { activity: "表彰".into(), unit_points };
        let mut model = one_unit(vec![indicator("B1", IDEOLOGY, rule, "4")]);
        model.activities = vec![
            with_attribute(activity(0, "2025-09-01", "表彰", 2), "级别", "县级"),
            with_attribute(activity(0, "2025-10-01", "表彰", 3), "级别", "市级"),
            activity(0, "2025-11-01", "表彰", 4),
        ];
        // 市级 2 + 县级 1 + 其他 0.5 = 3.5 ≤ 4.
        let outcome = evaluate(&model, 0, 0);
        assert_eq!((outcome.score, outcome.reason.as_str()), (d("3.5"), "市级1次、县级1次、其他1次，加3.5分"));
        // A second 市级: 5.5, capped at 4.
        model.activities.push(with_attribute(activity(0, "2025-12-01", "表彰", 5), "级别", "市级"));
        let outcome = evaluate(&model, 0, 0);
        assert_eq!((outcome.score, outcome.reason.as_str()), (d("4"), "市级2次、县级1次、其他1次，加4分"));
    }
}
