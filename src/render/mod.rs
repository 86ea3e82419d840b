//! Renderers: pure functions from the scored report to file bytes. None of
//! them writes a file; [`crate::output`] does.

pub mod docx;
pub mod json;
pub mod xlsx;

use chrono::NaiveDateTime;

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

/// kaohe's version, shown in the workbook's 说明 sheet.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// The summary written beside the other outputs (SPEC §5).
pub const SUMMARY_FILE: &str = "summary.json";

/// One rendered output: its path relative to the output folder, and bytes.
pub struct OutputFile {
    pub path: String,
    pub bytes: Vec<u8>,
}

/// The bulletin's file name.
pub const BULLETIN_FILE: &str = "考核结果通报.docx";
/// The combined volume of every feedback letter.
pub const VOLUME_FILE: &str = "反馈汇编.docx";
/// The folder of the per-unit feedback letters.
pub const LETTERS_DIR: &str = "反馈";

/// Renders every output file of `kaohe score` except the summary (which
/// lists them) — the workbook, the bulletin, the combined volume and one
/// letter per unit — and hands each to `sink` as soon as it is ready, so
/// letters are written while the workbook is still being made and never
/// pile up in memory. Returns the paths handed on, letters last.
/// `templates` is the `--templates` folder, if any; `progress` counts
/// letters (its length is set here).
pub fn render_all(
    scored: &Scored,
    templates: Option<&std::path::Path>,
    progress: &indicatif::ProgressBar,
    sink: &(dyn Fn(OutputFile) -> Result<(), Box<Diagnostic>> + Sync),
) -> Result<Vec<String>, Box<Diagnostic>> {
    let templates = docx::Templates::load(templates).map_err(|error| Box::new(error.to_diagnostic()))?;
    let units = &scored.report.units;
    progress.set_length(units.len() as u64);
    let letter_paths: Vec<String> = crate::output::letter_file_names(
        units.iter().map(|result| (result.rank, scored.model.units[result.unit].name.as_str())),
    )
    .into_iter()
    .map(|name| format!("{LETTERS_DIR}/{name}"))
    .collect();
    let emit_letter = |index: usize, bytes| {
        progress.inc(1);
        sink(OutputFile { path: letter_paths[index].clone(), bytes })
    };
    // The workbook is written on one thread; the documents take the other
    // and every thread left when the workbook is done.
    let (workbook, documents) = rayon::join(
        || crate::timing::measure("xlsx", || xlsx::workbook(scored)),
        || {
            crate::timing::measure("letters, volume and bulletin", || {
                let volume = docx::feedback_letters(scored, &templates, &emit_letter)?;
                Ok::<_, Box<Diagnostic>>((volume, docx::bulletin(scored, &templates)?))
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
    let mut files = vec![
        OutputFile { path: xlsx::FILE_NAME.to_owned(), bytes: workbook },
        OutputFile { path: BULLETIN_FILE.to_owned(), bytes: bulletin },
    ];
    if let Some(volume) = volume {
        files.push(OutputFile { path: VOLUME_FILE.to_owned(), bytes: volume });
    }
    let mut paths: Vec<String> = files.iter().map(|file| file.path.clone()).collect();
    for file in files {
        sink(file)?;
    }
    crate::timing::lap("write workbook, bulletin, volume");
    paths.extend(letter_paths);
    Ok(paths)
}

impl From<docx::DocxError> for Box<Diagnostic> {
    fn from(error: docx::DocxError) -> Self {
        Box::new(error.into())
    }
}
