//! Category scores and the weighted score: N_c = 100 × S_c / M_c over the
//! unit's applicable scored indicators of each category, and W = Σ w_c N_c /
//! Σ w_c over the categories scored for the unit, so the weights left in are
//! rescaled when a category is left out.

use super::{CategoryResult, IndicatorResult};
use crate::model::Model;
use crate::number::{Exact, int};

/// The categories scored for a unit (in criteria order) and its weighted
/// score W under weight system `system`.
pub(super) fn weigh(
    model: &Model,
    system: usize,
    indicators: &[IndicatorResult],
) -> (Vec<CategoryResult>, Exact) {
    let weights = &model.systems[system].weights;
    let categories: Vec<CategoryResult> = model
        .categories
        .iter()
        .filter_map(|category| {
            let scored: Vec<&IndicatorResult> = indicators
                .iter()
                .filter(|result| {
                    let definition = &model.criteria[result.indicator];
                    definition.rule.counts_in_category() && definition.category == *category
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

#[cfg(test)]
mod tests {
    use crate::model::Indicator;
    use crate::model::rules::Bonus;
    use crate::number::Exact;
    use crate::score::score;
    use crate::score::testing::*;

    #[test]
    fn exact_arithmetic_rounds_79_975_up() {
        let mut model = one_unit(vec![marked("A1", IDEOLOGY, "100"), marked("B1", PARTY, "100")]);
        model.systems = vec![system(None, &[(IDEOLOGY, "15"), (PARTY, "85")])];
        model.manual_scores = vec![manual_score(0, 0, "94", ""), manual_score(0, 1, "77.5", "")];
        let report = score(&model);
        let unit = unit_result(&report, &model, "U1");
        assert_eq!(unit.weighted, d("79.975"));
        assert_eq!(unit.total, d("79.98"));
        assert_eq!(unit.grade, "合格");
    }

    #[test]
    fn normalises_each_category_over_its_applicable_points() {
        let mut model = one_unit(vec![
            marked("A1", IDEOLOGY, "10"),
            marked("A2", IDEOLOGY, "30"),
            Indicator { applies_to: vec!["机关".into()], ..marked("A3", IDEOLOGY, "60") },
            indicator("B1", PARTY, Bonus { activity: "表彰".into(), unit_points: d("1").into() }, "5"),
        ]);
        model.manual_scores = vec![manual_score(0, 0, "10", ""), manual_score(0, 1, "24", "")];
        let report = score(&model);
        let unit = unit_result(&report, &model, "U1");
        // A3 doesn't apply to a 党支部; the bonus-only category is not scored.
        let codes: Vec<&str> =
            unit.indicators.iter().map(|r| model.criteria[r.indicator].code.as_str()).collect();
        assert_eq!(codes, ["A1", "A2", "B1"]);
        assert_eq!(unit.categories.len(), 1);
        let ideology = &unit.categories[0];
        assert_eq!((ideology.score.clone(), ideology.points.clone()), (d("34"), d("40")));
        assert_eq!(ideology.normalized, d("85"));
        assert_eq!(unit.weighted, d("85"));
    }

    #[test]
    fn rescales_weights_when_a_category_is_left_out() {
        let mut model = one_unit(vec![
            marked("A1", IDEOLOGY, "10"),
            marked("B1", PARTY, "10"),
            Indicator { applies_to: vec!["机关".into()], ..marked("C1", BUSINESS, "10") },
        ]);
        model.systems = vec![system(None, &[(IDEOLOGY, "35"), (PARTY, "40"), (BUSINESS, "25")])];
        model.manual_scores = vec![manual_score(0, 0, "9", ""), manual_score(0, 1, "8", "")];
        let report = score(&model);
        let unit = unit_result(&report, &model, "U1");
        let names: Vec<&str> = unit.categories.iter().map(|c| c.category.as_str()).collect();
        assert_eq!(names, [IDEOLOGY, PARTY]);
        assert_eq!(unit.categories[0].weight, d("35"));
        // (35 × 90 + 40 × 80) / 75 = 254/3
        assert_eq!(unit.weighted, Exact::new(254.into(), 3.into()));
        assert_eq!(unit.total, d("84.67"));
    }

    #[test]
    fn units_are_weighted_under_their_nearest_ancestors_system() {
        let units = vec![
            unit("R", "局党委", None),
            unit("M", "机关党委", Some(0)),
            unit("U", "党支部", Some(1)),
            unit("V", "党支部", Some(0)),
        ];
        let criteria = vec![marked("A1", IDEOLOGY, "10"), marked("B1", PARTY, "10")];
        let mut model = model(
            units,
            criteria,
            vec![
                system(None, &[(IDEOLOGY, "30"), (PARTY, "70")]),
                system(Some(1), &[(IDEOLOGY, "40"), (PARTY, "60")]),
            ],
        );
        model.units[0].assessed = false;
        model.manual_scores =
            (1..4).flat_map(|u| [manual_score(u, 0, "10", ""), manual_score(u, 1, "5", "")]).collect();
        let report = score(&model);
        assert_eq!(report.units.len(), 3);
        let total =
            |id| (unit_result(&report, &model, id).system, unit_result(&report, &model, id).total.clone());
        assert_eq!(total("U"), (1, d("70")));
        assert_eq!(total("M"), (0, d("65")));
        assert_eq!(total("V"), (0, d("65")));
    }
}
