//! What the engine hands a rule ([`Facts`]): one unit and one indicator,
//! with the unit's rows looked up in the [`Ledger`].

use super::ledger::Ledger;
use crate::model::rules::Facts;
use crate::model::{Activity, Indicator, IndicatorIndex, ManualScore, Model, UnitIndex};

/// One unit and one indicator that applies to it.
pub(super) struct UnitFacts<'a> {
    pub model: &'a Model,
    pub ledger: &'a Ledger<'a>,
    pub unit: UnitIndex,
    pub indicator: IndicatorIndex,
    /// The indicator's definition as the rule sees it: the model's, or for
    /// a clause without a cap of its own, one with unbounded points.
    pub definition: &'a Indicator,
}

impl Facts for UnitFacts<'_> {
    fn model(&self) -> &Model {
        self.model
    }

    fn unit(&self) -> UnitIndex {
        self.unit
    }

    fn indicator_index(&self) -> IndicatorIndex {
        self.indicator
    }

    fn own_activities(&self) -> &[&Activity] {
        let kind = self.model.criteria[self.indicator].rule.activity().unwrap_or_default();
        self.ledger.activities(self.unit, kind)
    }

    fn own_incidents(&self) -> &[usize] {
        self.ledger.incidents(self.unit)
    }

    fn indicator(&self) -> &Indicator {
        self.definition
    }

    fn manual_score(&self) -> Option<&ManualScore> {
        self.ledger.manual_score(self.unit, self.indicator)
    }
}
