//! What a rule works with: [`Facts`], the rows of one unit the engine hands
//! it, and [`Outcome`], what it gives back; with the arithmetic and wording
//! several rules share.

use num_traits::Zero;

use super::IncidentResult;
use crate::model::{
    Activity, Incident, Indicator, IndicatorIndex, ManualScore, Model, Origin, UnitIndex, filter,
};
use crate::number::{self, Exact};

/// One unit and one indicator that applies to it, with the unit's rows.
/// Whoever hands a rule its facts looks the rows up; the indicator's filter
/// is applied here, once for every implementation.
pub trait Facts {
    fn model(&self) -> &Model;

    fn unit(&self) -> UnitIndex;

    fn indicator_index(&self) -> IndicatorIndex;

    /// The unit's own activities of the indicator's type, in input order.
    fn own_activities(&self) -> &[&Activity];

    /// The unit's own incidents, as indices into `Model::incidents`, in
    /// input order.
    fn own_incidents(&self) -> &[usize];

    /// The evaluator's score for the unit on this indicator.
    fn manual_score(&self) -> Option<&ManualScore>;

    fn indicator(&self) -> &Indicator {
        &self.model().criteria[self.indicator_index()]
    }

    /// The unit's own activities of the indicator's type that pass its
    /// filter (the set A of docs/计分.md), in input order.
    fn activities(&self) -> Vec<&Activity> {
        let filter = &self.indicator().filter;
        self.own_activities()
            .iter()
            .copied()
            .filter(|activity| filter::matches(filter, &activity.attributes))
            .collect()
    }

    /// The unit's own incidents that pass the indicator's filter (with
    /// their indices into `Model::incidents`), in input order.
    fn incidents(&self) -> Vec<(usize, &Incident)> {
        let filter = &self.indicator().filter;
        self.own_incidents()
            .iter()
            .map(|&index| (index, &self.model().incidents[index]))
            .filter(|(_, incident)| filter::matches(filter, &incident.attributes))
            .collect()
    }
}

/// What a rule gives back for one unit and indicator.
#[derive(Debug)]
pub struct Outcome {
    pub score: Exact,
    pub reason: String,
    /// The reason as a clause of an item gives it (docs/计分.md “考核项目”):
    /// without the `，扣X分` tail; empty when nothing was lost.
    pub details: String,
    pub evidence: Vec<Origin>,
    pub vetoed: bool,
    /// A 前置 prerequisite that was not met: its item scores 0.
    pub unmet: bool,
    /// Timeliness only: the checks of the unit's incidents.
    pub incidents: Vec<IncidentResult>,
}

impl Outcome {
    pub(super) fn new(score: Exact, reason: String, evidence: Vec<Origin>) -> Self {
        Outcome {
            score,
            reason,
            details: String::new(),
            evidence,
            vetoed: false,
            unmet: false,
            incidents: Vec::new(),
        }
    }

    /// A rule that takes `deduction` off the indicator's `points`: the
    /// reason is `details，扣X分`, or nothing when no points were lost.
    pub(super) fn deducted(points: &Exact, deduction: Exact, details: &str, evidence: Vec<Origin>) -> Self {
        if deduction.is_zero() {
            return Outcome::new(points - &deduction, String::new(), evidence);
        }
        let reason = format!("{details}，扣{}分", number_text(&deduction));
        Outcome { details: details.to_owned(), ..Outcome::new(points - &deduction, reason, evidence) }
    }
}

/// A number as reasons print it, exactly: `2`, `2.5`, `1.002` (hours that
/// don't terminate in decimal, `26.33`, with 2 decimals).
pub(super) fn number_text(points: &Exact) -> String {
    number::format_exact(points, 2)
}

/// `details` followed by the filter note of docs/计分.md
/// (`全年缺1次（另有1条不符合“上报=是”，未计入）`) when the indicator's filter
/// left out some of the unit's rows of its type; `counted` is how many
/// passed it.
pub(super) fn with_filter_note(facts: &dyn Facts, counted: usize, details: &str) -> String {
    let left_out = facts.own_activities().len() - counted;
    if left_out == 0 {
        details.to_owned()
    } else {
        format!("{details}（另有{left_out}条不符合“{}”，未计入）", facts.indicator().filter_text)
    }
}

pub(super) fn origins(activities: &[&Activity]) -> Vec<Origin> {
    activities.iter().map(|activity| activity.origin.clone()).collect()
}
