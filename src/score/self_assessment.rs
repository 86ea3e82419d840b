//! The self total (自评总分, docs/计分.md “自评”): a unit's total as it would be
//! with its own 自评 scores in place of the evaluated ones, computed by the
//! same category, weight and bonus arithmetic as T.

use super::{IndicatorResult, bonus, categories};
use crate::model::Model;
use crate::number::{self, Exact};

/// The self total of a unit with `indicators` under weight system
/// `system`, rounded to 2 decimals like T; `None` when the unit gave no
/// self score. Vetoes play no part: they decide the grade, not the total.
pub(super) fn self_total(model: &Model, system: usize, indicators: &[IndicatorResult]) -> Option<Exact> {
    if indicators.iter().all(|result| result.self_score.is_none()) {
        return None;
    }
    let claimed: Vec<IndicatorResult> = indicators
        .iter()
        .map(|result| match &result.self_score {
            Some(score) => IndicatorResult { score: score.clone(), ..result.clone() },
            None => result.clone(),
        })
        .collect();
    let (_, weighted) = categories::weigh(model, system, &claimed);
    Some(number::round(&(weighted + bonus(model, &claimed)), 2))
}
