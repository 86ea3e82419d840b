//! The ledger indexed for scoring: activities by (unit, activity type),
//! incidents by unit, manual and self scores by (unit, indicator), built once so
//! each rule looks its rows up instead of scanning the whole ledger.

use std::collections::HashMap;

use crate::model::{Activity, IndicatorIndex, ManualScore, Model, SelfScore, UnitIndex};

pub(super) struct Ledger<'a> {
    activities: HashMap<(UnitIndex, &'a str), Vec<&'a Activity>>,
    /// Indices into `Model::incidents`, per unit, in input order.
    incidents: Vec<Vec<usize>>,
    manual_scores: HashMap<(UnitIndex, IndicatorIndex), &'a ManualScore>,
    self_scores: HashMap<(UnitIndex, IndicatorIndex), &'a SelfScore>,
}

impl<'a> Ledger<'a> {
    pub(super) fn new(model: &'a Model) -> Self {
        let mut activities: HashMap<(UnitIndex, &str), Vec<&Activity>> = HashMap::new();
        for activity in &model.activities {
            activities.entry((activity.unit, &*activity.kind)).or_default().push(activity);
        }
        let mut incidents = vec![Vec::new(); model.units.len()];
        for (index, incident) in model.incidents.iter().enumerate() {
            incidents[incident.unit].push(index);
        }
        let manual_scores =
            model.manual_scores.iter().map(|score| ((score.unit, score.indicator), score)).collect();
        let self_scores =
            model.self_scores.iter().map(|score| ((score.unit, score.indicator), score)).collect();
        Ledger { activities, incidents, manual_scores, self_scores }
    }

    /// `unit`'s own activities of type `kind`, in input order.
    pub(super) fn activities<'k>(&'k self, unit: UnitIndex, kind: &'k str) -> &'k [&'a Activity] {
        // The keys' texts live as long as the model; looking one up needs them only as long as `kind`.
        let activities: &'k HashMap<(UnitIndex, &'k str), Vec<&'a Activity>> = &self.activities;
        activities.get(&(unit, kind)).map_or(&[], Vec::as_slice)
    }

    /// `unit`'s own incidents (indices into `Model::incidents`), in input order.
    pub(super) fn incidents(&self, unit: UnitIndex) -> &[usize] {
        &self.incidents[unit]
    }

    /// The evaluator's score for `unit` on a manual `indicator`.
    pub(super) fn manual_score(&self, unit: UnitIndex, indicator: IndicatorIndex) -> Option<&'a ManualScore> {
        self.manual_scores.get(&(unit, indicator)).copied()
    }

    /// The score `unit` gives itself on `indicator` (自评).
    pub(super) fn self_score(&self, unit: UnitIndex, indicator: IndicatorIndex) -> Option<&'a SelfScore> {
        self.self_scores.get(&(unit, indicator)).copied()
    }
}
