//! The scoring rules, one file each, and their registry: [`evaluate`] maps
//! every [`RuleKind`] to its rule. Adding a rule means one file here and one
//! line in that match.

mod bonus;
mod deduct;
mod manual;
mod min_count;
mod timeliness;
mod veto;

use num_traits::Zero;

use super::IncidentResult;
use super::filter;
use super::ledger::Ledger;
use crate::model::{Activity, Indicator, IndicatorIndex, Model, Origin, RuleKind, UnitIndex};
use crate::number::{self, Exact};

/// What a rule sees: one unit and one indicator that applies to it.
pub struct RuleInput<'a> {
    pub model: &'a Model,
    pub ledger: &'a Ledger<'a>,
    pub unit: UnitIndex,
    pub indicator: IndicatorIndex,
}

/// What a rule gives back for one unit and indicator.
#[derive(Debug)]
pub struct Outcome {
    pub score: Exact,
    pub reason: String,
    pub evidence: Vec<Origin>,
    pub vetoed: bool,
    /// Timeliness only: the checks of the unit's incidents.
    pub incidents: Vec<IncidentResult>,
}

/// Scores one unit on one indicator with the indicator's rule.
pub fn evaluate(input: &RuleInput) -> Outcome {
    match input.definition().rule {
        RuleKind::MinCount => min_count::evaluate(input),
        RuleKind::Deduct => deduct::evaluate(input),
        RuleKind::Bonus => bonus::evaluate(input),
        RuleKind::Veto => veto::evaluate(input),
        RuleKind::Timeliness => timeliness::evaluate(input),
        RuleKind::Manual => manual::evaluate(input),
    }
}

impl<'a> RuleInput<'a> {
    pub fn definition(&self) -> &'a Indicator {
        &self.model.criteria[self.indicator]
    }

    /// The unit's own activities of the indicator's type that pass its
    /// filter (the set A of SPEC §3), in input order.
    pub fn activities(&self) -> Vec<&'a Activity> {
        let definition = self.definition();
        let kind = definition.activity.as_deref().unwrap_or_default();
        self.ledger
            .activities(self.unit, kind)
            .iter()
            .copied()
            .filter(|activity| filter::matches(&definition.filter, &activity.attributes))
            .collect()
    }

    /// The activity type as the reasons name it.
    pub fn activity_name(&self) -> &'a str {
        let definition = self.definition();
        definition.activity.as_deref().unwrap_or(&definition.name)
    }
}

impl Outcome {
    fn new(score: Exact, reason: String, evidence: Vec<Origin>) -> Self {
        Outcome { score, reason, evidence, vetoed: false, incidents: Vec::new() }
    }

    /// A rule that takes `deduction` off the indicator's points: the reason
    /// is `details，扣X分`, or nothing when no points were lost.
    fn deducted(definition: &Indicator, deduction: Exact, details: &str, evidence: Vec<Origin>) -> Self {
        let reason = if deduction.is_zero() {
            String::new()
        } else {
            format!("{details}，扣{}分", number_text(&deduction))
        };
        Outcome::new(&definition.points - &deduction, reason, evidence)
    }
}

/// Points lost by `count` occurrences of `unit_points` each, capped at `points`.
fn capped(count: usize, unit_points: &Exact, points: &Exact) -> Exact {
    (number::int(count as i64) * unit_points).min(points.clone())
}

/// A number as reasons print it, exactly: `2`, `2.5`, `1.002` (hours that
/// don't terminate in decimal, `26.33`, with 2 decimals).
fn number_text(points: &Exact) -> String {
    number::format_exact(points, 2)
}

fn origins(activities: &[&Activity]) -> Vec<Origin> {
    activities.iter().map(|activity| activity.origin.clone()).collect()
}
