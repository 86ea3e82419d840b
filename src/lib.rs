//! kaohe (考核) scores a Party committee's units from their activity ledgers
//! and writes the score workbook and the debriefing documents.
//!
//! # Steps
//! Every run starts at the command line: [`cli::Cli`] holds clap's raw
//! values, [`cli::Config`] the resolved ones, and [`run`] carries out its
//! [`cli::Command`]. A run that stops short ends in a [`Failure`], told to
//! the user once; [`Failure::exit_status`] maps it to the exit status
//! (docs/命令.md).
//!
//! **`score`** ([`run_score`]):
//! 1. **Open the output** ([`output::Destination::open`]): before any work,
//!    complete or roll back what a killed run left, and refuse an output
//!    folder kaohe may not write into.
//! 2. **Read** ([`input::read_inputs`]): workbooks and CSV files become
//!    [`input::Table`]s — raw cells at their real coordinates, header found,
//!    columns mapped to the [`input::schema`].
//! 3. **Validate** ([`model::validate::validate`]): tables become a
//!    [`model::Model`]; every problem is a located [`diagnostic::Diagnostic`].
//!    With `--previous`, last year's workbook is read and verified beside
//!    the inputs ([`model::previous::read`]), then checked for the year and
//!    matched to the model's units ([`model::previous::load`]); both in
//!    [`load_with_previous`].
//! 4. **Score** ([`score::score`]): the model becomes a [`score::Report`] in
//!    exact arithmetic.
//! 5. **Render** ([`render::render_all`]): pure functions from the report to
//!    bytes — xlsx workbook, docx letters, volume and bulletin — each handed
//!    on as soon as it is made, then the JSON summary ([`render::json`]).
//! 6. **Write** ([`output::ScoreFiles`]): each file goes under its name into
//!    a staging folder that is moved into place only when complete;
//!    `--force` replaces only what an earlier run recorded, all or nothing.
//!    With `--pdf`, LibreOffice (found before step 1) first converts the
//!    staged documents there, and their PDFs join them (`convert_to_pdf`).
//!
//! **`check`** ([`run_check`]) is steps 2–3 ([`load`]), ending with a
//! summary line instead of files.
//!
//! **`merge`** ([`run_merge`]) opens the output (1), reads and verifies the
//! submitted score workbooks and ranks their units together
//! ([`merge::merge`]), renders the combined workbook
//! ([`render::xlsx::merged_workbook`]) and bulletin
//! ([`render::docx::merged_bulletin`]) and writes both
//! ([`output::write_files`]).
//!
//! **`init`** ([`run_init`]) opens the output (1) and writes the blank input
//! workbook and the editable templates ([`init::files`]).
//!
//! **`serve`** ([`serve::run`]) answers a browser: each upload becomes a job
//! in its own folder that runs steps 2–6 — [`load_with_previous`], then
//! [`Scoring::write`], the functions `score` runs.

#[macro_use]
pub mod diagnostic;
pub mod cli;
pub(crate) mod created;
pub mod defaults;
pub(crate) mod digest;
pub mod init;
pub mod input;
pub mod libreoffice;
pub mod merge;
pub mod model;
pub mod number;
pub mod output;
pub mod render;
pub mod score;
pub mod score_workbook;
pub mod serve;
pub(crate) mod terminal;
pub(crate) mod text;
pub(crate) mod timing;

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use chrono::NaiveDateTime;

use cli::{Command, Config};
use diagnostic::{Diagnostic, Diagnostics, Lang, Text};
pub use diagnostic::{EXIT_INVALID_INPUT, EXIT_USAGE, Failure};
use libreoffice::LibreOffice;
use model::Model;
use render::Rendered;

/// Runs kaohe with command-line arguments, printing to stdout/stderr.
pub fn main_with_args(args: impl IntoIterator<Item = OsString>) -> ExitCode {
    let args: Vec<OsString> = args.into_iter().collect();
    let lang = cli::requested_lang(&args);
    match cli::parse(args, lang) {
        Ok(cli) => {
            let config = Config::from(cli);
            let lang = config.lang;
            exit(run(config), lang)
        }
        Err(failure) => exit(Err(failure), lang),
    }
}

/// The end of every run: tells the failure, if any, and gives the status.
fn exit(outcome: Result<(), Failure>, lang: Lang) -> ExitCode {
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            failure.report(lang);
            ExitCode::from(failure.exit_status())
        }
    }
}

/// Carries out the command of `config`.
pub fn run(config: Config) -> Result<(), Failure> {
    if let Some(jobs) = config.jobs {
        // Only fails when a pool exists already, which then serves as well.
        let _ = rayon::ThreadPoolBuilder::new().num_threads(jobs.get()).build_global();
    }
    let lang = config.lang;
    match config.command {
        Command::Check(input) => run_check(&input, lang),
        Command::Score(args) => run_score(&args, config.source_date, lang),
        Command::Merge(args) => run_merge(&args, config.source_date, lang),
        Command::Init(args) => run_init(&args, lang),
        Command::Serve(args) => serve::run(&args, config.source_date, lang),
    }
}

/// `kaohe check`: reads and validates the inputs and says what it found.
pub fn run_check(input: &cli::Input, lang: Lang) -> Result<(), Failure> {
    let (model, diagnostics) = validated(input, lang)?;
    eprintln!("{}", terminal::check_summary(&model, diagnostics.warnings().count(), lang));
    Ok(())
}

/// `kaohe score`: reads, validates and scores the inputs and writes every
/// output.
pub fn run_score(args: &cli::Score, source_date: Option<NaiveDateTime>, lang: Lang) -> Result<(), Failure> {
    let pdf = args.pdf.map(|which| LibreOffice::find().map(|office| (which, office)));
    let pdf = pdf.transpose().map_err(Failure::Usage)?;
    let planned = if pdf.is_some() { output::Planned::score_with_pdf() } else { output::Planned::score() };
    let inputs: Vec<PathBuf> =
        args.input.inputs.iter().chain(&args.templates).chain(&args.previous).cloned().collect();
    let destination = open_output(&args.output, &inputs, &planned, lang)?;
    let previous = args.previous.as_deref().map(|path| (path, path.display().to_string().into()));
    let (model, diagnostics) = load_with_previous(&args.input, previous);
    diagnostics.print(lang);
    let model = model.ok_or(Failure::InvalidInput)?;
    let progress = terminal::ProgressBars::new(lang);
    let pdf = pdf.as_ref().map(|(which, office)| (*which, office));
    let scoring = Scoring { templates: args.templates.as_deref(), source_date, lang, pdf };
    let written = scoring.write(&model, &diagnostics, destination, &progress);
    progress.finish();
    let written = written?;
    if args.json {
        println!("{}", written.summary);
    } else {
        let line = terminal::score_summary(&model, &written.report, lang);
        eprintln!("{}", terminal::written_to(&line, &args.output.dir, lang));
    }
    // The process ends here: leave the model and report to the operating
    // system rather than free millions of small allocations one by one
    // (half a second at province scale).
    std::mem::forget((model, written));
    Ok(())
}

/// How `score` scores and writes a validated model: the options beside the
/// inputs. `kaohe serve` scores through the very same [`Scoring::write`], so
/// the page's files are the command line's, byte for byte.
#[derive(Debug, Clone, Copy)]
pub struct Scoring<'a> {
    /// `--templates`: the folder of the user's document templates.
    pub templates: Option<&'a std::path::Path>,
    /// `SOURCE_DATE_EPOCH`, when set.
    pub source_date: Option<NaiveDateTime>,
    /// The language of the warnings the outputs list.
    pub lang: Lang,
    /// `--pdf`: which documents to convert, and with which LibreOffice.
    pub pdf: Option<(cli::Pdf, &'a LibreOffice)>,
}

/// What [`Scoring::write`] made.
pub struct Written {
    /// The scored units, in rank order.
    pub report: score::Report,
    /// summary.json's text, as written.
    pub summary: String,
}

/// Told how writing goes (a terminal's progress bars, the page's
/// progress): first how many letters there are, then each one made; with
/// `--pdf`, then how many documents LibreOffice converts and how many PDFs
/// it has made so far.
pub trait Progress: Sync {
    /// Rendering starts: `letters` letters to make.
    fn start(&self, letters: usize);
    /// One more letter is made.
    fn letter_done(&self);
    /// Converting to PDF starts: `documents` to convert.
    fn converting(&self, documents: usize);
    /// `made` PDFs exist so far.
    fn pdfs_made(&self, made: usize);
}

impl Scoring<'_> {
    /// Steps 4–6 of `score`: scores `model` (validated, with its
    /// `diagnostics`), renders every file and moves them all into
    /// `destination`. A model without an assessed unit (a blank template)
    /// has nothing to score and is refused before any file is made.
    pub fn write(
        &self,
        model: &Model,
        diagnostics: &Diagnostics,
        destination: output::Destination,
        progress: &dyn Progress,
    ) -> Result<Written, Failure> {
        if !model.units.iter().any(|unit| unit.assessed) {
            return Err(Failure::Message(text!(
                "没有参评单位：“单位”表中没有“参评”为“是”（或留空）的单位，未生成任何文件",
                "no assessed unit: the units sheet lists no unit whose 参评 (assessed) is 是 or empty; nothing was written"
            )));
        }
        let report = score::score(model);
        timing::lap("score");
        let warnings: Vec<String> = diagnostics.warnings().map(|d| d.headline(self.lang)).collect();
        let scored = render::Scored {
            model,
            report: &report,
            warnings: &warnings,
            created: created::creation_time(self.source_date, Some(model.settings.document_date())),
        };
        let files = output::ScoreFiles::new(output::Staging::new(destination)?, letter_paths(&scored));
        let templates =
            render::docx::Templates::load(self.templates).map_err(|error| Box::new(error.to_diagnostic()))?;
        progress.start(report.units.len());
        render_into(&files, &scored, &templates, progress)?;
        if let Some((which, office)) = self.pdf {
            convert_to_pdf(&files, office, which, progress)?;
            timing::lap("pdf");
        }
        let summary = render::json::summary(&scored, &files.outputs());
        timing::lap("summary.json");
        files.commit(summary.as_bytes())?;
        timing::lap("move into place");
        Ok(Written { report, summary })
    }
}

/// `kaohe merge`: reads, verifies and ranks the submitted workbooks, then
/// writes the combined workbook and bulletin into the output folder.
pub fn run_merge(args: &cli::Merge, source_date: Option<NaiveDateTime>, lang: Lang) -> Result<(), Failure> {
    let doc_date = doc_date(args.doc_date.as_deref())?;
    let floor = ideological_floor(args.ideological_weight)?;
    let destination = open_output(&args.output, &args.workbooks, &output::Planned::merge(), lang)?;
    // Like score's, the recorded time is SOURCE_DATE_EPOCH, else the 成文日期.
    let created = source_date.or(doc_date.and_then(|date| date.and_hms_opt(0, 0, 0)));
    let (ranking, diagnostics) = merge::merge(&args.workbooks, floor, created);
    diagnostics.print(lang);
    let ranking = ranking.ok_or(Failure::InvalidInput)?;
    let issue =
        render::MergedIssue { assessor: &args.assessor, doc_number: args.doc_number.as_deref(), doc_date };
    write_merged(&ranking, &issue, destination)?;
    let (submissions, units) = (ranking.submissions.len(), ranking.units.len());
    eprintln!("{}", terminal::merge_summary(submissions, units, &args.output.dir, lang));
    Ok(())
}

/// The combined workbook and bulletin of `ranking`, issued as `issue`
/// says, written into `destination`: the end of `merge`, and of the page's
/// merge (`kaohe serve`).
pub fn write_merged(
    ranking: &model::MergedRanking,
    issue: &render::MergedIssue,
    destination: output::Destination,
) -> Result<(), Failure> {
    let bulletin = render::docx::merged_bulletin(ranking, issue, &render::docx::Templates::bundled())
        .map_err(|error| Box::new(Diagnostic::from(error)))?;
    let workbook = render::xlsx::merged_workbook(ranking, issue).map_err(|error| {
        Failure::Message(text!("无法生成得分表：{error}", "cannot render the workbook: {error}"))
    })?;
    let files = [(output::WORKBOOK_FILE, &workbook[..]), (output::BULLETIN_FILE, &bulletin[..])];
    Ok(output::write_files(destination, files)?)
}

/// `kaohe init DIR`: the blank input workbook for the current year and the
/// editable templates, then what to do next.
pub fn run_init(args: &cli::Init, lang: Lang) -> Result<(), Failure> {
    let templates = &render::docx::BUNDLED_TEMPLATES;
    let destination = open_output(&args.output, &[], &init::planned(templates), lang)?;
    let files = init::files(args.year, templates)?;
    output::write_files(destination, files.iter().map(|(path, bytes)| (path.as_str(), &bytes[..])))?;
    for (path, _) in &files {
        println!("{}", args.output.dir.join(path).display());
    }
    eprintln!("{}", terminal::init_next_step(&args.output.dir, lang));
    Ok(())
}

/// Reads and validates the inputs. Returns the model when there are no
/// errors, and every diagnostic either way (`--strict` applied).
pub fn load(input: &cli::Input) -> (Option<Model>, Diagnostics) {
    timing::lap("start");
    let inputs = input::read_inputs(&input.inputs);
    timing::lap("read");
    let (model, mut diagnostics) = model::validate::validate(inputs, input.year);
    timing::lap("validate");
    if input.strict {
        diagnostics.make_warnings_errors();
    }
    if diagnostics.has_errors() { (None, diagnostics) } else { (model, diagnostics) }
}

/// [`load`], and with `--previous` last year's workbook at `path` (named
/// `file` in messages), read and verified while the inputs are read (a
/// second core is free while one file is read), then checked for the year
/// and matched to the model's units ([`model::previous::load`]); its
/// diagnostics follow the inputs' (`--strict` applied to them too), an error
/// among them means no model. `kaohe score` and the page load through here.
pub fn load_with_previous(
    input: &cli::Input,
    previous: Option<(&Path, std::sync::Arc<str>)>,
) -> (Option<Model>, Diagnostics) {
    let (loaded, read) = rayon::join(
        || load(input),
        || {
            previous
                .map(|(path, file)| timing::measure("read previous", || model::previous::read(path, file)))
        },
    );
    let (Some(mut model), mut diagnostics) = loaded else { return loaded };
    if let Some(read) = read {
        let (previous, mut found) = model::previous::load(read, &model);
        if input.strict {
            found.make_warnings_errors();
        }
        let failed = found.has_errors();
        diagnostics.extend(found);
        timing::lap("previous");
        match previous.filter(|_| !failed) {
            Some(previous) => model.previous = Some(previous),
            None => return (None, diagnostics),
        }
    }
    (Some(model), diagnostics)
}

/// [`load`], with every diagnostic printed; no model is a failure.
fn validated(input: &cli::Input, lang: Lang) -> Result<(Model, Diagnostics), Failure> {
    let (model, diagnostics) = load(input);
    diagnostics.print(lang);
    Ok((model.ok_or(Failure::InvalidInput)?, diagnostics))
}

/// Before any work: from now on an interrupt removes what the run staged;
/// completes or rolls back what a killed run left beside the output folder
/// (saying so), then checks the folder (docs/输出文件夹.md) for what the
/// command will write, `planned`.
fn open_output(
    output: &cli::Output,
    inputs: &[PathBuf],
    planned: &output::Planned,
    lang: Lang,
) -> Result<output::Destination, Failure> {
    output::remove_staging_on_interrupt();
    let destination = output::Destination::open(&output.dir, inputs, output.force, planned)?;
    for note in destination.recovered() {
        eprintln!("{}", note.get(lang));
    }
    Ok(destination)
}

/// Each unit's letter's path in the output folder, in rank order.
fn letter_paths(scored: &render::Scored) -> Vec<String> {
    let units = &scored.model.units;
    output::letter_paths(
        scored.report.units.iter().map(|result| (result.rank, units[result.unit].name.as_str())),
    )
}

/// Renders every file of `score` into `files`, telling `progress` of each
/// letter.
fn render_into(
    files: &output::ScoreFiles,
    scored: &render::Scored,
    templates: &render::docx::Templates,
    progress: &dyn Progress,
) -> Result<(), Box<Diagnostic>> {
    render::render_all(scored, templates, &|| progress.letter_done(), &|rendered| {
        match rendered {
            Rendered::Workbook(bytes) => files.workbook(&bytes),
            Rendered::Bulletin(bytes) => files.bulletin(&bytes),
            Rendered::Volume(bytes) => files.volume(&bytes),
            Rendered::Letter { index, bytes } => files.letter(index, &bytes),
        }
        // Told as a diagnostic (`错误: …`), like a rendering failure.
        .map_err(|error| Box::new(Diagnostic::error(None, error.0)))
    })
}

/// `--pdf`: converts the staged documents `which` names with `office`,
/// telling `progress` of the PDFs made, and stages each PDF beside its
/// document.
fn convert_to_pdf(
    files: &output::ScoreFiles,
    office: &LibreOffice,
    which: cli::Pdf,
    progress: &dyn Progress,
) -> Result<(), Failure> {
    let documents = files.documents(which == cli::Pdf::All);
    let staged: Vec<PathBuf> = documents.iter().map(|document| files.staged(document)).collect();
    progress.converting(documents.len());
    let converted = office
        .convert(&staged, &files.scratch(), libreoffice::STALL_TIMEOUT, &|made| progress.pdfs_made(made));
    let pdfs = converted.map_err(Failure::External)?;
    for document in &documents {
        let pdf = pdfs.join(libreoffice::pdf_name(Path::new(document)));
        let bytes = std::fs::read(&pdf).map_err(|error| {
            let (shown, Text { zh, en }) = (pdf.display(), output::os_error(&error));
            Failure::External(text!(
                "无法读取 LibreOffice 生成的 {shown}：{zh}，未做任何改动",
                "cannot read {shown}, made by LibreOffice: {en}; nothing was changed"
            ))
        })?;
        files.pdf(document, &bytes)?;
    }
    Ok(())
}

/// `--doc-date` as a date, read as the 设置 sheet's 成文日期 is
/// (docs/输入.md); one that is no date, or holds a time, can't be used.
pub(crate) fn doc_date(given: Option<&str>) -> Result<Option<chrono::NaiveDate>, Failure> {
    let Some(given) = given else { return Ok(None) };
    let value = input::value::Value::Text(given.into());
    let date = input::value::parse_date_time(&value).filter(|at| at.time() == chrono::NaiveTime::MIN);
    date.map(|at| Some(at.date())).ok_or_else(|| {
        Failure::Usage(text!(
            "--doc-date：“{given}”不是日期，应写成如 2026-01-15 或 2026年1月15日",
            "--doc-date: “{given}” is no date; write it as e.g. 2026-01-15"
        ))
    })
}

/// `--ideological-weight` as an exact number; one that is not a finite
/// number can't be used.
pub(crate) fn ideological_floor(weight: Option<f64>) -> Result<Option<number::Exact>, Failure> {
    let Some(weight) = weight else { return Ok(None) };
    let line = format!("--ideological-weight: {weight}");
    number::from_f64(weight).map(Some).ok_or(Failure::Usage(Text::new(line.clone(), line)))
}
