//! Rank and grade of the scored units (docs/计分.md 十一、十二): in the
//! ranking order of [`crate::model::ranking`], ties listed by id in natural
//! order, then ranked and graded there.

use super::UnitResult;
use crate::model::Model;
use crate::model::ranking::{Standing, by_standing, rank_and_grade};
use crate::text::natural_cmp;

/// Sorts `units` into ranking order and fills in their rank and grade.
pub(super) fn rank(model: &Model, units: &mut [UnitResult]) {
    units.sort_by(|a, b| {
        by_standing((a.veto, &a.total), (b.veto, &b.total))
            .then_with(|| natural_cmp(&model.units[a.unit].id, &model.units[b.unit].id))
    });
    let bands = &model.settings.grades;
    let standings: Vec<Standing> = units.iter().map(|unit| (unit.veto, &unit.total)).collect();
    let barred: Vec<bool> = units.iter().map(|unit| unit.barred).collect();
    let graded = rank_and_grade(bands, model.settings.top_quota.as_ref(), &standings, &barred);
    for (unit, (rank, band)) in units.iter_mut().zip(graded) {
        unit.rank = rank;
        unit.grade = bands.get(band).map(|band| band.name.clone()).unwrap_or_default();
    }
}

#[cfg(test)]
mod tests {
    use crate::model::Model;
    use crate::model::rules::{Veto, VetoMode};
    use crate::score::testing::*;
    use crate::score::{Report, score};

    /// Units with these ids and totals (a manual score out of 100); `vetoed`
    /// units also have a serious erroneous tendency on their ledger.
    fn ranked(units: &[(&str, &str, bool)], quota: Option<&str>) -> (Model, Report) {
        let criteria = vec![
            indicator("M1", IDEOLOGY, manual(), "100"),
            indicator("V1", IDEOLOGY, veto("严重错误倾向"), "0"),
        ];
        let mut model = model(
            units.iter().map(|(id, _, _)| unit(id, "党支部", None)).collect(),
            criteria,
            vec![system(None, &[(IDEOLOGY, "100")])],
        );
        model.settings.top_quota = quota.map(d);
        for (index, (_, total, vetoed)) in units.iter().enumerate() {
            model.manual_scores.push(manual_score(index, 0, total, ""));
            if *vetoed {
                model.activities.push(activity(index, "2025-10-01", "严重错误倾向", index as u32 + 2));
            }
        }
        let report = score(&model);
        (model, report)
    }

    fn table(model: &Model, report: &Report) -> Vec<(String, u32, String)> {
        report.units.iter().map(|u| (model.units[u.unit].id.clone(), u.rank, u.grade.clone())).collect()
    }

    fn row(id: &str, rank: u32, grade: &str) -> (String, u32, String) {
        (id.to_owned(), rank, grade.to_owned())
    }

    #[test]
    fn ties_share_a_rank_in_natural_id_order_and_vetoed_units_come_last() {
        let (model, report) = ranked(
            &[
                ("U1", "100", true),
                ("U10", "95", false),
                ("U3", "80", false),
                ("U2", "95", false),
                ("U4", "59.99", false),
                ("U5", "60", true),
            ],
            None,
        );
        assert_eq!(
            table(&model, &report),
            vec![
                row("U2", 1, "优秀"),
                row("U10", 1, "优秀"),
                row("U3", 3, "良好"),
                row("U4", 4, "不合格"),
                row("U1", 5, "不合格"),
                row("U5", 6, "不合格"),
            ]
        );
        let vetoed = &report.units[4];
        assert!(vetoed.veto);
        assert_eq!(vetoed.total, d("100"));
        assert_eq!(report.units.iter().filter(|u| u.veto).count(), 2);
    }

    #[test]
    fn vetoed_ties_share_a_rank_too() {
        let (model, report) =
            ranked(&[("U1", "70", true), ("U2", "90", false), ("U3", "70", true), ("U4", "50", true)], None);
        assert_eq!(
            table(&model, &report),
            vec![
                row("U2", 1, "优秀"),
                row("U1", 2, "不合格"),
                row("U3", 2, "不合格"),
                row("U4", 4, "不合格")
            ]
        );
    }

    #[test]
    fn quota_demotes_units_beyond_it_and_whole_ties_crossing_it() {
        let units = [
            ("U1", "95", false),
            ("U2", "93", false),
            ("U3", "93", false),
            ("U4", "91", false),
            ("U5", "100", true),
        ];
        // 40% of 5 = 2: U1 keeps 优秀; the U2/U3 tie would cross the quota.
        let (model, report) = ranked(&units, Some("40"));
        assert_eq!(
            table(&model, &report),
            vec![
                row("U1", 1, "优秀"),
                row("U2", 2, "良好"),
                row("U3", 2, "良好"),
                row("U4", 4, "良好"),
                row("U5", 5, "不合格"),
            ]
        );
        // 60% of 5 = 3: the tie fits.
        let (model, report) = ranked(&units, Some("60"));
        let grades: Vec<String> = table(&model, &report).into_iter().map(|(_, _, grade)| grade).collect();
        assert_eq!(grades, ["优秀", "优秀", "优秀", "良好", "不合格"]);
        // 10% of 5 rounds down to 0.
        let (model, report) = ranked(&units, Some("10"));
        assert_eq!(table(&model, &report)[0], row("U1", 1, "良好"));
    }

    #[test]
    fn totals_at_a_threshold_get_that_band() {
        let (model, report) =
            ranked(&[("U1", "90", false), ("U2", "89.99", false), ("U3", "0", false)], None);
        assert_eq!(
            table(&model, &report),
            vec![row("U1", 1, "优秀"), row("U2", 2, "良好"), row("U3", 3, "不合格")]
        );
    }

    #[test]
    fn a_unit_barred_from_the_first_band_keeps_its_rank_and_gets_the_second() {
        let (mut model, _) = ranked(&[("U1", "95", false), ("U2", "92", false), ("U3", "85", false)], None);
        model.criteria.push(indicator(
            "V2",
            IDEOLOGY,
            Veto { activity: "违规".into(), mode: VetoMode::NoTopBand },
            "0",
        ));
        // U1 (95) and U3 (85) each have a 违规: U1 may not keep 优秀, U3's 良好 stands.
        model.activities.push(activity(0, "2025-10-01", "违规", 10));
        model.activities.push(activity(2, "2025-10-01", "违规", 11));
        let report = score(&model);
        assert_eq!(
            table(&model, &report),
            vec![row("U1", 1, "良好"), row("U2", 2, "优秀"), row("U3", 3, "良好")]
        );
        let barred = &report.units[0];
        assert!(barred.barred && !barred.veto);
        assert_eq!(barred.total, d("95"));
        let reason = &barred.indicators.iter().find(|r| r.vetoed).unwrap().reason;
        assert_eq!(reason, "存在违规1次，不得评优");
        assert!(!report.units[1].barred);
    }
}
