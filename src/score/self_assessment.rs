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

#[cfg(test)]
mod tests {
    use crate::model::Indicator;
    use crate::model::rules::Bonus;
    use crate::score::score;
    use crate::score::testing::*;

    #[test]
    fn the_self_total_rescales_the_weights_left_in_like_the_total() {
        let mut model = one_unit(vec![
            marked("A1", IDEOLOGY, "10"),
            marked("B1", PARTY, "10"),
            Indicator { applies_to: vec!["机关".into()], ..marked("C1", BUSINESS, "10") },
        ]);
        model.systems = vec![system(None, &[(IDEOLOGY, "35"), (PARTY, "40"), (BUSINESS, "25")])];
        model.manual_scores = vec![manual_score(0, 0, "9", ""), manual_score(0, 1, "8", "")];
        model.self_scores = vec![self_score(0, 0, "10", "全年专题研究4次")];
        let report = score(&model);
        let unit = unit_result(&report, &model, "U1");
        // C1 doesn't apply: 35 and 40 are rescaled over 75.
        // T = (35 × 90 + 40 × 80) / 75 = 254/3 = 84.666… → 84.67;
        // self: (35 × 100 + 40 × 80) / 75 = 6700/75 = 89.333… → 89.33.
        assert_eq!(unit.total, d("84.67"));
        assert_eq!(unit.self_total, Some(d("89.33")));
        assert_eq!(unit.self_gap, Some(d("4.66")));
        let a1 = indicator_result(&report, &model, "U1", "A1");
        assert_eq!((a1.score.clone(), a1.self_score.clone()), (d("9"), Some(d("10"))));
        assert_eq!(a1.self_note, "全年专题研究4次");
        assert_eq!(indicator_result(&report, &model, "U1", "B1").self_score, None);
    }

    fn commendations() -> crate::model::Model {
        let mut model = one_unit(vec![
            marked("A1", IDEOLOGY, "100"),
            indicator("B1", IDEOLOGY, Bonus { activity: "表彰".into(), unit_points: d("1.5").into() }, "4"),
        ]);
        model.manual_scores = vec![manual_score(0, 0, "90", "")];
        model.activities = (0..2).map(|row| activity(0, "2025-09-01", "表彰", row + 2)).collect();
        model
    }

    #[test]
    fn a_bonus_self_score_replaces_the_bonus_under_the_same_cap() {
        let mut model = commendations();
        model.self_scores = vec![self_score(0, 1, "4", "")];
        let report = score(&model);
        let unit = unit_result(&report, &model, "U1");
        // Earned 2 × 1.5 = 3: T = 90 + 3; self 90 + 4.
        assert_eq!((unit.total.clone(), unit.self_total.clone()), (d("93"), Some(d("94"))));
        assert_eq!(unit.self_gap, Some(d("1")));

        model.settings.bonus_cap = Some(d("3.5"));
        let report = score(&model);
        let unit = unit_result(&report, &model, "U1");
        // The cap holds the claimed 4 to 3.5: 90 + 3.5.
        assert_eq!((unit.total.clone(), unit.self_total.clone()), (d("93"), Some(d("93.5"))));
        assert_eq!(unit.self_gap, Some(d("0.5")));
    }

    #[test]
    fn a_vetoed_unit_gets_a_self_total_and_a_unit_without_self_scores_none() {
        let mut model = commendations();
        model.criteria.push(indicator("V1", IDEOLOGY, veto("严重错误倾向"), "0"));
        model.activities.push(activity(0, "2025-10-01", "严重错误倾向", 9));
        model.self_scores = vec![self_score(0, 0, "95", "")];
        let report = score(&model);
        let unit = unit_result(&report, &model, "U1");
        assert!(unit.veto);
        // 95 + the earned bonus 3, a lower self score than evaluated would also count.
        assert_eq!((unit.total.clone(), unit.self_total.clone()), (d("93"), Some(d("98"))));
        assert_eq!(unit.self_gap, Some(d("5")));

        model.self_scores = vec![self_score(0, 0, "80", "")];
        let report = score(&model);
        assert_eq!(unit_result(&report, &model, "U1").self_gap, Some(d("-10")));

        model.self_scores.clear();
        let report = score(&model);
        let unit = unit_result(&report, &model, "U1");
        assert_eq!((unit.self_total.clone(), unit.self_gap.clone()), (None, None));
        assert!(unit.indicators.iter().all(|result| result.self_score.is_none()));
    }
}
