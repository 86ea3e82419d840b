//! 评分 manual: the evaluator's score from the 评分 sheet; a missing score
//! counts 0 (validation warns), except inside a 考核项目, where it loses nothing. The reason is the evaluator's note as
//! written; only without a note does it say what was lost (`扣X分`). The
//! deduction itself has its own column and field in every output.

use super::outcome::number_text;
use super::{Definition, Facts, Needs, Outcome, Parameters, Rule, RuleKind};
use crate::number::int;

#[derive(Clone, Debug)]
pub struct Manual {
    /// 活动类型 if typed: this rule counts no activities, but the type is
    /// one the criteria name, so its ledger rows are not reported as counted
    /// by no indicator.
    pub activity: Option<String>,
}

impl Manual {
    pub const KIND: RuleKind = RuleKind {
        keywords: &["评分", "manual"],
        needs: Needs { points_in_item: true, ..Needs::BASIC },
        build: |given: Parameters| Some(Rule::from(Manual { activity: given.activity })),
    };
}

impl Definition for Manual {
    fn evaluate(&self, facts: &dyn Facts) -> Outcome {
        let indicator = facts.indicator();
        let Some(entry) = facts.manual_score() else {
            // Inside an item the evaluator enters rows only where points are lost.
            if indicator.item.is_some() {
                return Outcome::new(indicator.points.clone(), String::new(), Vec::new());
            }
            return Outcome::new(int(0), "未评分，按0分计".to_owned(), Vec::new());
        };
        let lost = &indicator.points - &entry.score;
        let note = entry.note.trim();
        let reason = if !note.is_empty() {
            note.to_owned()
        } else if lost > int(0) {
            format!("扣{}分", number_text(&lost))
        } else {
            String::new()
        };
        let details = note.to_owned();
        Outcome { details, ..Outcome::new(entry.score.clone(), reason, vec![entry.origin.clone()]) }
    }

    fn takes_manual_score(&self) -> bool {
        true
    }

    fn activity(&self) -> Option<&str> {
        self.activity.as_deref()
    }
}

#[cfg(test)]
mod tests {
    use crate::model::rules::Outcome;
    use crate::model::testing::*;
    use crate::number::Exact;

    /// The outcome, and the points it lost of the indicator's 10.
    fn scored(entry: Option<(&str, &str)>) -> (Outcome, Exact) {
        let mut model = one_unit(vec![indicator("M1", IDEOLOGY, manual(), "10")]);
        model.manual_scores =
            entry.map(|(score, note)| manual_score(0, 0, score, note)).into_iter().collect();
        let outcome = evaluate(&model, 0, 0);
        let lost = d("10") - &outcome.score;
        (outcome, lost)
    }

    #[test]
    fn missing_score_counts_zero() {
        let (outcome, lost) = scored(None);
        assert_eq!((outcome.score, lost, outcome.reason.as_str()), (d("0"), d("10"), "未评分，按0分计"));
        assert!(outcome.evidence.is_empty());
    }

    #[test]
    fn reason_is_the_note_as_written() {
        let (outcome, lost) = scored(Some(("8.5", "材料不全。")));
        assert_eq!((outcome.score, lost, outcome.reason.as_str()), (d("8.5"), d("1.5"), "材料不全。"));
        assert_eq!(outcome.evidence, vec![origin("评分", 2)]);
        let (praise, lost) = scored(Some(("7", "全面完成年度业务目标")));
        assert_eq!((lost, praise.reason.as_str()), (d("3"), "全面完成年度业务目标"));
        assert_eq!(scored(Some(("9", "会议记录缺页，扣1分"))).0.reason, "会议记录缺页，扣1分");
        assert_eq!(scored(Some(("10", "很好"))).0.reason, "很好");
    }

    #[test]
    fn without_a_note_the_reason_is_the_exact_deduction() {
        assert_eq!(scored(Some(("8.5", ""))).0.reason, "扣1.5分");
        assert_eq!(scored(Some(("8.998", "  "))).0.reason, "扣1.002分");
        assert_eq!(scored(Some(("10", ""))).0.reason, "");
    }
}
