//! 评分 manual: the evaluator's score from the 评分 sheet; a missing score
//! counts 0 (validation warns).

use super::{Outcome, RuleInput, number_text};
use crate::number::int;

pub fn evaluate(input: &RuleInput) -> Outcome {
    let definition = input.definition();
    let Some(entry) = input.ledger.manual_score(input.unit, input.indicator) else {
        return Outcome::new(int(0), "未评分".to_owned(), Vec::new());
    };
    let lost = &definition.points - &entry.score;
    let reason = if lost <= int(0) {
        String::new()
    } else if entry.note.trim().is_empty() {
        format!("扣{}分", number_text(&lost))
    } else {
        format!("{}，扣{}分", entry.note.trim().trim_end_matches(['。', '；', '，']), number_text(&lost))
    };
    Outcome::new(entry.score.clone(), reason, vec![entry.origin.clone()])
}

#[cfg(test)]
mod tests {
    use crate::model::RuleKind;
    use crate::score::testing::*;

    fn scored(entry: Option<(&str, &str)>) -> crate::score::IndicatorResult {
        let mut model = one_unit(vec![indicator("M1", IDEOLOGY, RuleKind::Manual, "10", "")]);
        model.manual_scores =
            entry.map(|(score, note)| manual_score(0, 0, score, note)).into_iter().collect();
        first_result(&model)
    }

    #[test]
    fn missing_score_counts_zero() {
        let result = scored(None);
        assert_eq!((result.score, result.deduction, result.reason.as_str()), (d("0"), d("10"), "未评分"));
        assert!(result.evidence.is_empty());
    }

    #[test]
    fn reason_is_the_note_and_the_deduction_when_points_were_lost() {
        let result = scored(Some(("8.5", "材料不全。")));
        assert_eq!((result.score, result.reason.as_str()), (d("8.5"), "材料不全，扣1.5分"));
        assert_eq!(result.evidence, vec![origin("评分", 2)]);
        assert_eq!(scored(Some(("8.5", ""))).reason, "扣1.5分");
        assert_eq!(scored(Some(("10", "很好"))).reason, "");
    }
}
