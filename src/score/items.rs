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
        clauses,
    })
}
