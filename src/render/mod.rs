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

/// The summary written beside the other outputs (SPEC §5).
pub const SUMMARY_FILE: &str = "summary.json";

/// One rendered output: its path relative to the output folder, and bytes.
pub struct OutputFile {
    pub path: String,
    pub bytes: Vec<u8>,
}

/// Renders every output file of `kaohe score` except the summary (which
/// lists them). `templates` is the `--templates` folder, if any.
pub fn render_all(
    scored: &Scored,
    templates: Option<&std::path::Path>,
) -> Result<Vec<OutputFile>, Box<crate::diagnostic::Diagnostic>> {
    let _ = templates;
    let workbook = xlsx::workbook(scored).map_err(|error| {
        Box::new(crate::diagnostic::Diagnostic::error(
            None,
            text!("无法生成得分表：{error}", "cannot render the score workbook: {error}"),
        ))
    })?;
    Ok(vec![OutputFile { path: xlsx::FILE_NAME.to_owned(), bytes: workbook }])
}
