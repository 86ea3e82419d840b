//! What the engine hands a rule ([`Facts`]): one unit and one indicator,
//! with the unit's rows looked up in the [`Ledger`] and passed through the
//! indicator's filter.

use super::ledger::Ledger;
use crate::model::filter;
use crate::model::rules::Facts;
use crate::model::{Activity, Incident, Indicator, IndicatorIndex, ManualScore, Model, UnitIndex};

/// One unit and one indicator that applies to it.
pub(super) struct UnitFacts<'a> {
    pub model: &'a Model,
    pub ledger: &'a Ledger<'a>,
    pub unit: UnitIndex,
    pub indicator: IndicatorIndex,
}

impl Facts for UnitFacts<'_> {
    fn unit(&self) -> UnitIndex {
        self.unit
    }

    fn indicator_index(&self) -> IndicatorIndex {
        self.indicator
    }

    fn indicator(&self) -> &Indicator {
        &self.model.criteria[self.indicator]
    }

    fn activities(&self) -> Vec<&Activity> {
        let definition = self.indicator();
        let kind = definition.rule.activity().unwrap_or_default();
        self.ledger
            .activities(self.unit, kind)
            .iter()
            .copied()
            .filter(|activity| filter::matches(&definition.filter, &activity.attributes))
            .collect()
    }

    fn incidents(&self) -> Vec<(usize, &Incident)> {
        let filter = &self.indicator().filter;
        self.ledger
            .incidents(self.unit)
            .iter()
            .map(|&index| (index, &self.model.incidents[index]))
            .filter(|(_, incident)| filter::matches(filter, &incident.attributes))
            .collect()
    }

    fn manual_score(&self) -> Option<&ManualScore> {
        self.ledger.manual_score(self.unit, self.indicator)
    }
}
