//! Renderers: pure functions from the scored report to file bytes. None of
//! them writes a file; [`crate::output`] does.

pub mod docx;
pub mod json;
pub mod xlsx;

use chrono::NaiveDateTime;

use crate::model::Model;
use crate::score::Report;

/// Everything a renderer may show: the model, its scores, and the run's facts.
#[derive(Clone, Copy, Debug)]
pub struct Scored<'a> {
    pub model: &'a Model,
    pub report: &'a Report,
    /// Warning lines (`FILE:SHEET!CELL: message`) in the run's language.
    pub warnings: &'a [String],
    /// The document creation time written into every file's metadata and zip
    /// entries: `SOURCE_DATE_EPOCH` when set, else a date fixed by the inputs,
    /// so the same inputs give the same bytes.
    pub created: NaiveDateTime,
}

/// kaohe's version, shown in the workbook's 说明 sheet.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
