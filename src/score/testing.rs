//! Reading the engine's results in tests: one unit's or one indicator's
//! result by id and code. The model builders are [`crate::model::testing`]'s,
//! re-exported so an engine test needs one import.

use crate::model::Model;
pub(crate) use crate::model::testing::*;
use crate::score::{IndicatorResult, Report, UnitResult};

pub(crate) fn unit_result<'r>(report: &'r Report, model: &Model, id: &str) -> &'r UnitResult {
    report.units.iter().find(|result| model.units[result.unit].id == id).expect("unit scored")
}

pub(crate) fn indicator_result<'r>(
    report: &'r Report,
    model: &Model,
    id: &str,
    code: &str,
) -> &'r IndicatorResult {
    unit_result(report, model, id)
        .indicators
        .iter()
        .find(|result| model.criteria[result.indicator].code == code)
        .expect("indicator applies")
}
