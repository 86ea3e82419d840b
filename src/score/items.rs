//! A 考核项目 for one unit (docs/计分.md “考核项目”): each clause that
//! applies yields a deduction d_r (capped by its own 分值), the item scores
//! P − min(P, Σ d_r), and a prerequisite (前置) that is not met makes it 0.

use num_traits::Zero;

use super::facts::UnitFacts;
use super::ledger::Ledger;
use super::{ClauseResult, IncidentResult, IndicatorResult};
use crate::model::{Indicator, ItemIndex, Model, UnitIndex};
use crate::number::{self, Exact};

/// The points a clause without its own 分值 is evaluated against, so that
/// its deduction is not capped (the item's points cap the sum): more than
/// any ledger within kaohe's size limits can lose.
const UNBOUNDED: i64 = 1_000_000_000_000_000;

/// The item's result, `None` when none of its clauses applies to `unit`;
/// its clauses' incident checks go to `incidents`.
pub(super) fn score_item(
    model: &Model,
    ledger: &Ledger,
    unit: UnitIndex,
    item: ItemIndex,
    incidents: &mut Vec<IncidentResult>,
) -> Option<IndicatorResult> {
    let item_definition = &model.items[item];
    let mut clauses = Vec::new();
    // Each clause that cost points, `名称：原因（扣d分）`, and each unmet prerequisite.
    let (mut costs, mut unmet) = (Vec::new(), Vec::new());
    for &indicator in &item_definition.clauses {
        let clause = &model.criteria[indicator];
        if !clause.applies_to(&model.units[unit]) {
            continue;
        }
        let unbounded;
        let definition = if item_definition.uncapped.contains(&indicator) {
            unbounded = Indicator { points: number::int(UNBOUNDED), ..clause.clone() };
            &unbounded
        } else {
            clause
        };
        let facts = UnitFacts { model, ledger, unit, indicator, definition };
        let mut outcome = clause.rule.evaluate(&facts);
        incidents.append(&mut outcome.incidents);
        let deduction =
            if clause.rule.is_gate() { number::int(0) } else { &definition.points - &outcome.score };
        let reason = if outcome.unmet {
            unmet.push(outcome.details.clone());
            format!("未开展{}", outcome.details)
        } else {
            // Inside an item a clause's periods read as one list.
            outcome.details.replace('；', "、")
        };
        if !deduction.is_zero() {
            let lost = number::format_exact(&deduction, 2);
            costs.push(match reason.as_str() {
                "" => format!("{}（扣{lost}分）", clause.name),
                reason => format!("{}：{reason}（扣{lost}分）", clause.name),
            });
        }
        clauses.push(ClauseResult { indicator, deduction, reason, evidence: outcome.evidence });
    }
    if clauses.is_empty() {
        return None;
    }
    let points = item_definition.points.clone();
    let lost: Exact = clauses.iter().map(|clause| &clause.deduction).sum();
    let (deduction, reason) = if !unmet.is_empty() {
        (points.clone(), format!("未开展{}，本项不得分", unmet.join("、")))
    } else if lost.is_zero() {
        (lost, String::new())
    } else if lost > points {
        let shown = number::format_exact(&points, 2);
        (points.clone(), format!("{}，扣{shown}分（本项扣完为止）", costs.join("；")))
    } else {
        let shown = number::format_exact(&lost, 2);
        (lost, format!("{}，扣{shown}分", costs.join("；")))
    };
    Some(IndicatorResult {
        indicator: item_definition.clauses[0],
        item: Some(item),
        score: &points - &deduction,
        points,
        deduction,
        reason,
        evidence: Vec::new(),
        vetoed: false,
        self_score: None,
        self_note: String::new(),
        clauses,
    })
}

#[cfg(test)]
mod tests {
    use crate::model::Indicator;
    use crate::model::rules::{Deduct, Gate};
    use crate::score::score;
    use crate::score::testing::*;

    /// 阵地管理 (6 points): 舆情处置 (时效 24 h, 2 a late incident, its own
    /// cap 3), 违规 (1 each, no cap of its own), a 工作专班 prerequisite; and a
    /// plain manual indicator beside it.
    fn positions() -> crate::model::Model {
        let late = crate::model::rules::Timeliness { unit_points: d("2").into(), ..timeliness("24") };
        let mut model = one_unit(vec![
            indicator("A1", IDEOLOGY, manual(), "4"),
            Indicator { name: "舆情处置".into(), ..indicator("C1", IDEOLOGY, late, "3") },
            Indicator {
                name: "违规".into(),
                ..indicator(
                    "C2",
                    IDEOLOGY,
                    Deduct { activity: "违规".into(), unit_points: d("1").into() },
                    "6",
                )
            },
            indicator("C3", IDEOLOGY, Gate { activity: "工作专班".into() }, "0"),
        ]);
        with_item(&mut model, "阵地管理", "6", &[1, 2, 3], &[2]);
        model.manual_scores = vec![manual_score(0, 0, "4", "")];
        model.incidents = vec![
            // 研判 30 h after 发现: late; the other lacks 处置.
            incident(
                0,
                "网帖甲",
                "2025-03-01 08:00",
                ["2025-03-01 09:00", "2025-03-02 15:00", "2025-03-02 16:00", "2025-03-02 17:00"],
                2,
            ),
            incident(
                0,
                "网帖乙",
                "2025-05-01 08:00",
                ["2025-05-01 09:00", "2025-05-01 10:00", "2025-05-01 11:00", ""],
                3,
            ),
        ];
        model.activities =
            vec![activity(0, "2025-02-01", "违规", 2), activity(0, "2025-01-10", "工作专班", 3)];
        model
    }

    #[test]
    fn a_clause_with_its_own_points_is_capped_by_them_inside_the_item() {
        let model = positions();
        let report = score(&model);
        let unit = unit_result(&report, &model, "U1");
        let item = &unit.indicators[1];
        // 舆情处置 2 late × 2 = 4, capped at its 3; 违规 1 × 1 = 1: Σ 4 of 6.
        let clauses: Vec<_> = item.clauses.iter().map(|clause| clause.deduction.clone()).collect();
        assert_eq!(clauses, [d("3"), d("1"), d("0")]);
        assert_eq!(
            (item.score.clone(), item.points.clone(), item.deduction.clone()),
            (d("2"), d("6"), d("4"))
        );
        assert_eq!(
            item.reason,
            "舆情处置：网帖甲：研判超时（30小时）、网帖乙：处置缺失（扣3分）；违规：违规1次（扣1分），扣4分"
        );
        // The category holds A1 and the item: (4 + 2) / (4 + 6).
        assert_eq!((unit.categories[0].score.clone(), unit.categories[0].points.clone()), (d("6"), d("10")));
        assert_eq!(unit.total, d("60"));
        // The item's incident checks are reported like any timeliness indicator's.
        assert_eq!(report.incidents.len(), 2);
        assert_eq!(item.clauses[1].evidence, vec![origin("活动", 2)]);
    }

    #[test]
    fn every_missing_prerequisite_is_named_and_the_clauses_still_listed() {
        let mut model = positions();
        model.criteria.push(Indicator {
            name: "学习计划".into(),
            ..indicator("C4", IDEOLOGY, Gate { activity: "学习计划".into() }, "0")
        });
        model.criteria[4].item = Some(0);
        model.items[0].clauses.push(4);
        model.activities.pop();
        let report = score(&model);
        let item = &unit_result(&report, &model, "U1").indicators[1];
        assert_eq!((item.score.clone(), item.deduction.clone()), (d("0"), d("6")));
        assert_eq!(item.reason, "未开展“工作专班”、“学习计划”，本项不得分");
        let reasons: Vec<&str> = item.clauses.iter().map(|clause| clause.reason.as_str()).collect();
        assert_eq!(
            reasons,
            [
                "网帖甲：研判超时（30小时）、网帖乙：处置缺失",
                "违规1次",
                "未开展“工作专班”",
                "未开展“学习计划”"
            ]
        );
    }

    #[test]
    fn an_item_applies_when_any_clause_does_and_lists_only_those() {
        let mut model = positions();
        model.criteria[1].applies_to = vec!["党委".into()];
        let report = score(&model);
        let item = &unit_result(&report, &model, "U1").indicators[1];
        let codes: Vec<&str> =
            item.clauses.iter().map(|clause| model.criteria[clause.indicator].code.as_str()).collect();
        assert_eq!(codes, ["C2", "C3"]);
        assert_eq!((item.score.clone(), item.reason.as_str()), (d("5"), "违规：违规1次（扣1分），扣1分"));

        for clause in 1..4 {
            model.criteria[clause].applies_to = vec!["党委".into()];
        }
        let report = score(&model);
        assert_eq!(unit_result(&report, &model, "U1").indicators.len(), 1, "no clause applies: no item");
    }
}
