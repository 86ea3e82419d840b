//! 否决 veto: a single occurrence vetoes the unit (lowest band, ranked after
//! every unit not vetoed). Carries no points.

use super::outcome::origins;
use super::{Definition, Facts, Needs, Outcome, Parameters, Rule, RuleKind};
use crate::number::int;

#[derive(Clone, Debug)]
pub struct Veto {
    /// The activity type that vetoes.
    pub activity: String,
}

impl Veto {
    pub const KIND: RuleKind = RuleKind {
        keywords: &["否决", "veto", "一票否决"],
        needs: Needs { points: false, activity: true, ..Needs::BASIC },
        build: |given: Parameters| Some(Rule::from(Veto { activity: given.activity? })),
    };
}

impl Definition for Veto {
    fn evaluate(&self, facts: &dyn Facts) -> Outcome {
        let activities = facts.activities();
        let vetoed = !activities.is_empty();
        let reason =
            if vetoed { format!("存在{}{}次，一票否决", self.activity, activities.len()) } else { String::new() };
        Outcome { vetoed, ..Outcome::new(int(0), reason, origins(&activities)) }
    }

    fn counts_in_category(&self) -> bool {
        false
    }

    fn carries_points(&self) -> bool {
        false
    }

    fn activity(&self) -> Option<&str> {
        Some(&self.activity)
    }
}

#[cfg(test)]
mod tests {
    use super::Veto;
    use crate::model::rules::Definition;
    use crate::model::testing::*;

    #[test]
    fn one_occurrence_vetoes_with_no_points() {
        let rule = Veto { activity: "严重错误倾向".into() };
        assert!(!rule.carries_points() && !rule.counts_in_category());
        let mut model = one_unit(vec![indicator("V1", IDEOLOGY, rule, "0")]);
        let outcome = evaluate(&model, 0, 0);
        assert!(!outcome.vetoed);
        assert_eq!(outcome.reason, "");

        model.activities = vec![activity(0, "2025-08-01", "严重错误倾向", 2)];
        let outcome = evaluate(&model, 0, 0);
        assert!(outcome.vetoed);
        assert_eq!(outcome.score, d("0"));
        assert_eq!(outcome.reason, "存在严重错误倾向1次，一票否决");
        assert_eq!(outcome.evidence, vec![origin("活动", 2)]);
    }
}
