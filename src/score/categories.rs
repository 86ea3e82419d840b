//! Category scores and the weighted score: N_c = 100 × S_c / M_c over the
//! unit's applicable scored indicators of each category, and W = Σ w_c N_c /
//! Σ w_c over the categories scored for the unit, so the weights left in are
//! rescaled when a category is left out.

use super::{CategoryResult, IndicatorResult};
use crate::model::Model;
use crate::number::{Exact, int};

/// The categories scored for a unit (in criteria order) and its weighted
/// score W under weight system `system`.
pub fn weigh(model: &Model, system: usize, indicators: &[IndicatorResult]) -> (Vec<CategoryResult>, Exact) {
    let weights = &model.systems[system].weights;
    let categories: Vec<CategoryResult> = model
        .categories
        .iter()
        .filter_map(|category| {
            let scored: Vec<&IndicatorResult> = indicators
                .iter()
                .filter(|result| {
                    let definition = &model.criteria[result.indicator];
                    definition.rule.is_scored() && definition.category == *category
                })
                .collect();
            if scored.is_empty() {
                return None;
            }
            let score: Exact = scored.iter().map(|result| &result.score).sum();
            let points: Exact = scored.iter().map(|result| &result.points).sum();
            let normalized = int(100) * &score / &points;
            let weight =
                weights.iter().find(|(name, _)| name == category).map_or_else(|| int(0), |(_, w)| w.clone());
            Some(CategoryResult { category: category.clone(), score, points, normalized, weight })
        })
        .collect();
    let weight_sum: Exact = categories.iter().map(|category| &category.weight).sum();
    let weighted = if weight_sum == int(0) {
        int(0)
    } else {
        categories.iter().map(|category| &category.weight * &category.normalized).sum::<Exact>() / weight_sum
    };
    (categories, weighted)
}
