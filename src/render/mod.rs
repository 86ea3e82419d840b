//! Renderers: pure functions from the scored report to file bytes. None of
//! them reads or writes a file or knows a path: [`render_all`] hands each
//! [`Rendered`] file — what it is and its bytes — to a callback, and the top
//! of the program ([`crate::run`]) gives it its name and writes it through
//! [`crate::output`], which in turn knows nothing of rendering.

pub mod docx;
pub mod json;
pub mod xlsx;

use chrono::{NaiveDate, NaiveDateTime};

use crate::diagnostic::Diagnostic;
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

/// Who issues `kaohe merge`'s workbook and bulletin, and under which
/// 发文字号 and 成文日期 when given (`--assessor`, `--doc-number`, `--doc-date`).
#[derive(Clone, Copy, Debug)]
pub struct MergedIssue<'a> {
    pub assessor: &'a str,
    pub doc_number: Option<&'a str>,
    pub doc_date: Option<NaiveDate>,
}

impl MergedIssue<'_> {
    /// The 成文日期: the one given, else the date of `created`.
    pub fn date(&self, created: NaiveDateTime) -> NaiveDate {
        self.doc_date.unwrap_or(created.date())
    }
}

/// kaohe's version, shown in the workbook's 说明 sheet.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// One file of `kaohe score` as rendered: what it is, and its bytes.
pub enum Rendered {
    /// The score workbook.
    Workbook(Vec<u8>),
    /// The bulletin (考核结果通报).
    Bulletin(Vec<u8>),
    /// Every feedback letter in one document.
    Volume(Vec<u8>),
    /// The feedback letter of the unit at `index` of the report's units
    /// (rank order).
    Letter { index: usize, bytes: Vec<u8> },
}

/// Renders every file of `kaohe score` but the summary (which lists them)
/// — the workbook, the bulletin, the combined volume and one letter per
/// unit — and hands each to `emit` as soon as it is ready, letters from
/// several threads at once, so letters are written while the workbook is
/// still being made and never pile up in memory. `progress` is called once
/// per letter.
pub fn render_all(
    scored: &Scored,
    templates: &docx::Templates,
    progress: &(dyn Fn() + Sync),
    emit: &(dyn Fn(Rendered) -> Result<(), Box<Diagnostic>> + Sync),
) -> Result<(), Box<Diagnostic>> {
    let emit_letter = |index: usize, bytes| {
        progress();
        emit(Rendered::Letter { index, bytes })
    };
    // The workbook is written on one thread; the documents take the other
    // and every thread left when the workbook is done.
    let (workbook, documents) = rayon::join(
        || crate::timing::measure("xlsx", || xlsx::workbook(scored)),
        || {
            crate::timing::measure("letters, volume and bulletin", || {
                let volume = docx::feedback_letters(scored, templates, &emit_letter)?;
                Ok::<_, Box<Diagnostic>>((volume, docx::bulletin(scored, templates)?))
            })
        },
    );
    let workbook = workbook.map_err(|error| {
        Box::new(Diagnostic::error(
            None,
            text!("无法生成得分表：{error}", "cannot render the score workbook: {error}"),
        ))
    })?;
    let (volume, bulletin) = documents?;
    crate::timing::lap("render");
    emit(Rendered::Workbook(workbook))?;
    emit(Rendered::Bulletin(bulletin))?;
    if let Some(volume) = volume {
        emit(Rendered::Volume(volume))?;
    }
    crate::timing::lap("write workbook, bulletin, volume");
    Ok(())
}

impl From<docx::DocxError> for Box<Diagnostic> {
    fn from(error: docx::DocxError) -> Self {
        Box::new(error.into())
    }
}
