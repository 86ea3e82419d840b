//! 前置 gate: a prerequisite of a 考核项目 (docs/计分.md “前置”). Without one
//! activity of its type in the year the whole item scores 0; it never
//! deducts on its own, and its 分值, 单项分, 要求次数 and 周期 are ignored.

use super::outcome::origins;
use super::{Definition, Facts, Needs, Outcome, Parameters, Placement, Rule, RuleKind};
use crate::number::int;

#[derive(Clone, Debug)]
pub struct Gate {
    /// The activity type the item requires.
    pub activity: String,
}

impl Gate {
    pub const KIND: RuleKind = RuleKind {
        keywords: &["前置", "gate"],
        needs: Needs { points: false, activity: true, placement: Placement::InsideItem, ..Needs::BASIC },
        build: |given: Parameters| Some(Rule::from(Gate { activity: given.activity? })),
    };
}

impl Definition for Gate {
    /// Met by one activity of its type that passes its filter; the reason
    /// of an unmet gate names the type, as the item's reason lists it.
    fn evaluate(&self, facts: &dyn Facts) -> Outcome {
        let activities = facts.activities();
        let unmet = activities.is_empty();
        let details = if unmet { format!("“{}”", self.activity) } else { String::new() };
        Outcome { unmet, details, ..Outcome::new(int(0), String::new(), origins(&activities)) }
    }

    fn carries_points(&self) -> bool {
        false
    }

    fn activity(&self) -> Option<&str> {
        Some(&self.activity)
    }

    fn is_gate(&self) -> bool {
        true
    }
}

#[cfg(test)]
mod tests {
    use super::Gate;
    use crate::model::Expected;
    use crate::model::testing::*;

    fn plan_required() -> crate::model::Model {
        let mut model = one_unit(vec![indicator("G1", IDEOLOGY, Gate { activity: "工作专班".into() }, "0")]);
        model.criteria[0].filter = vec![unequal("evidence", Expected::Empty)];
        model.criteria[0].filter_text = "材料!=".into();
        model
    }

    #[test]
    fn one_activity_of_the_type_with_evidence_meets_the_gate() {
        let mut model = plan_required();
        model.activities = vec![with_attribute(activity(0, "2025-03-01", "工作专班", 2), "evidence", "文件.pdf")];
        let outcome = evaluate(&model, 0, 0);
        assert!(!outcome.unmet);
        assert_eq!((outcome.reason.as_str(), outcome.details.as_str()), ("", ""));
        assert_eq!(outcome.evidence, vec![origin("活动", 2)]);
    }

    #[test]
    fn a_row_its_filter_leaves_out_does_not_meet_it() {
        let mut model = plan_required();
        model.activities = vec![activity(0, "2025-03-01", "工作专班", 2)];
        let outcome = evaluate(&model, 0, 0);
        assert!(outcome.unmet);
        assert_eq!(outcome.details, "“工作专班”");
        assert!(outcome.evidence.is_empty());
    }
}
