//! kaohe (考核) scores a Party committee's units from their activity ledgers
//! and writes the score workbook and the debriefing documents.
//!
//! # Steps
//! 1. **Read** ([`input::read_inputs`]): workbooks and CSV files become
//!    [`input::Table`]s — raw cells at their real coordinates, header found,
//!    columns mapped to the [`input::schema`].
//! 2. **Validate** ([`model::validate::validate`]): tables become a
//!    [`model::Model`]; every problem is a located [`diagnostic::Diagnostic`].
//! 3. **Score** ([`score::score`]): the model becomes a [`score::Report`] in
//!    exact arithmetic.
//! 4. **Render** ([`render`]): pure functions from the report to bytes —
//!    JSON summary, xlsx workbook, docx letters and bulletin.
//! 5. **Write** ([`output`]): everything goes to a temporary folder that is
//!    moved into place only when complete; `--force` replaces only what an
//!    earlier run recorded, all or nothing.

#[macro_use]
pub mod diagnostic;
pub mod cli;
pub mod created;
pub mod defaults;
pub mod digest;
pub mod init;
pub mod input;
pub mod merge;
pub mod model;
pub mod number;
pub mod output;
pub mod render;
pub mod score;
pub mod score_workbook;
pub mod text;
pub mod timing;

use std::ffi::OsString;
use std::process::ExitCode;

use clap::Parser;

use cli::{Cli, CliCommand, InputArgs};
use diagnostic::{Diagnostic, Diagnostics, Lang, count_en};
use model::Model;

/// Exit status for invalid input (SPEC §6).
pub const EXIT_INVALID_INPUT: u8 = 1;
/// Exit status for a usage error (SPEC §6).
pub const EXIT_USAGE: u8 = 2;

/// Runs kaohe with command-line arguments, printing to stdout/stderr.
pub fn main_with_args(args: impl IntoIterator<Item = OsString>) -> ExitCode {
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(error) => {
            let _ = error.print();
            return if error.use_stderr() { ExitCode::from(EXIT_USAGE) } else { ExitCode::SUCCESS };
        }
    };
    match cli.command {
        CliCommand::Check(args) => check(&args.input),
        CliCommand::Score(args) => {
            output::remove_staging_on_interrupt();
            run_score(&args)
        }
        CliCommand::Init(args) => {
            output::remove_staging_on_interrupt();
            run_init(&args)
        }
        CliCommand::Merge(args) => {
            output::remove_staging_on_interrupt();
            run_merge(&args)
        }
    }
}

/// Steps 1–2: reads and validates the inputs. Returns the model when there
/// are no errors, and every diagnostic either way (`--strict` applied).
pub fn load(args: &InputArgs) -> (Option<Model>, Diagnostics) {
    timing::lap("start");
    let inputs = input::read_inputs(&args.inputs);
    timing::lap("read");
    let (model, mut diagnostics) = model::validate::validate(inputs, args.year);
    timing::lap("validate");
    if args.strict {
        diagnostics.make_warnings_errors();
    }
    if diagnostics.has_errors() { (None, diagnostics) } else { (model, diagnostics) }
}

/// Warnings printed on the terminal; the rest are counted there, and the
/// workbook's 校验 sheet and the JSON summary keep them all.
const PRINTED_WARNINGS: usize = 200;

/// Prints every error and the first [`PRINTED_WARNINGS`] warnings.
fn print_diagnostics(diagnostics: &Diagnostics, lang: Lang) {
    let mut warnings = 0;
    for diagnostic in diagnostics.iter() {
        if diagnostic.severity == diagnostic::Severity::Warning {
            warnings += 1;
            if warnings > PRINTED_WARNINGS {
                continue;
            }
        }
        eprintln!("{}", diagnostic.render(lang));
    }
    let more = warnings.saturating_sub(PRINTED_WARNINGS);
    if more > 0 {
        let line = text!(
            "……另有{more}条警告未显示，得分表的“校验”表和 summary.json 列出全部警告",
            "… {more} more warnings not shown; the workbook's 校验 sheet and summary.json list them all"
        );
        eprintln!("{}", line.get(lang));
    }
}

fn check(args: &InputArgs) -> ExitCode {
    let lang = Lang::from(args.lang);
    let (model, diagnostics) = load(args);
    print_diagnostics(&diagnostics, lang);
    match model {
        Some(model) => {
            eprintln!("{}", summary_line(&model, &diagnostics, lang));
            ExitCode::SUCCESS
        }
        None => ExitCode::from(EXIT_INVALID_INPUT),
    }
}

/// The line `check` ends with. Rows outside the year are told by their own
/// note; notes are not counted as warnings.
fn summary_line(model: &Model, diagnostics: &Diagnostics, lang: Lang) -> String {
    let assessed = model.units.iter().filter(|u| u.assessed).count();
    let warnings = diagnostics.warnings().count();
    let (year, activities, incidents) = (model.settings.year, model.activities.len(), model.incidents.len());
    match lang {
        Lang::Zh => format!(
            "校验通过：{year}年度，{assessed}个参评单位，{activities}条台账，{incidents}起舆情，{warnings}条警告。"
        ),
        Lang::En => format!(
            "OK: year {year}, {}, {}, {}, {}.",
            count_en(assessed, "assessed unit", "assessed units"),
            count_en(activities, "ledger row", "ledger rows"),
            count_en(incidents, "incident", "incidents"),
            count_en(warnings, "warning", "warnings"),
        ),
    }
}

/// `kaohe init DIR`: the blank input workbook for the current year.
fn run_init(args: &cli::InitArgs) -> ExitCode {
    use chrono::Datelike;
    let lang = Lang::from(args.lang);
    let year = chrono::Local::now().year();
    let templates = &render::docx::BUNDLED_TEMPLATES;
    let destination = match open_output(&args.dir, &[], args.force, &init::planned(templates), lang) {
        Ok(destination) => destination,
        Err(code) => return code,
    };
    match init::init(destination, year, templates) {
        Ok(written) => {
            for path in written {
                println!("{}", args.dir.join(path).display());
            }
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("{}", error.text().get(lang));
            ExitCode::from(EXIT_INVALID_INPUT)
        }
    }
}

/// Before any work: completes or rolls back what a killed run left beside
/// the output folder (saying so), then checks the folder (SPEC §4).
fn open_output(
    dir: &std::path::Path,
    inputs: &[std::path::PathBuf],
    force: bool,
    planned: &output::Planned,
    lang: Lang,
) -> Result<output::Destination, ExitCode> {
    match output::Destination::open(dir, inputs, force, planned) {
        Ok(destination) => {
            for note in destination.recovered() {
                eprintln!("{}", note.get(lang));
            }
            Ok(destination)
        }
        Err(error) => {
            eprintln!("{}", error.0.get(lang));
            Err(ExitCode::from(EXIT_INVALID_INPUT))
        }
    }
}

/// What `score` writes, as known before scoring: its fixed files and the
/// letters' folder.
fn score_outputs() -> output::Planned {
    output::Planned {
        files: [render::xlsx::FILE_NAME, render::BULLETIN_FILE, render::VOLUME_FILE, render::SUMMARY_FILE]
            .map(str::to_owned)
            .to_vec(),
        folders: vec![render::LETTERS_DIR.to_owned()],
    }
}

fn run_score(args: &cli::ScoreArgs) -> ExitCode {
    let lang = Lang::from(args.input.lang);
    let inputs: Vec<std::path::PathBuf> = args.input.inputs.iter().chain(&args.templates).cloned().collect();
    let destination = match open_output(&args.output, &inputs, args.force, &score_outputs(), lang) {
        Ok(destination) => destination,
        Err(code) => return code,
    };
    if let Some(jobs) = args.jobs {
        // Only fails when a pool exists already, which then serves as well.
        let _ = rayon::ThreadPoolBuilder::new().num_threads(jobs.max(1)).build_global();
    }
    let (model, diagnostics) = load(&args.input);
    print_diagnostics(&diagnostics, lang);
    let Some(model) = model else {
        return ExitCode::from(EXIT_INVALID_INPUT);
    };
    let report = score::score(&model);
    timing::lap("score");
    let warnings: Vec<String> = diagnostics.warnings().map(|d| d.headline(lang)).collect();
    let scored = render::Scored {
        model: &model,
        report: &report,
        warnings: &warnings,
        created: creation_time(&model),
    };
    let staging = match output::Staging::new(destination) {
        Ok(staging) => staging,
        Err(error) => {
            eprintln!("{}", error.0.get(lang));
            return ExitCode::from(EXIT_INVALID_INPUT);
        }
    };
    let progress = progress_bar(lang);
    let rendered = render::render_all(&scored, args.templates.as_deref(), &progress, &|file| {
        staging
            .write(std::path::Path::new(&file.path), &file.bytes)
            .map_err(|error| Box::new(Diagnostic::error(None, error.0)))
    });
    progress.finish_and_clear();
    let paths = match rendered {
        Ok(paths) => paths,
        Err(error) => {
            eprintln!("{}", error.render(lang));
            return ExitCode::from(EXIT_INVALID_INPUT);
        }
    };
    let summary = match finish_outputs(staging, &scored, paths) {
        Ok(summary) => summary,
        Err(error) => {
            eprintln!("{}", error.0.get(lang));
            return ExitCode::from(EXIT_INVALID_INPUT);
        }
    };
    if args.json {
        println!("{summary}");
    } else {
        eprintln!("{}", score_summary(&scored, &args.output, lang));
    }
    // The process ends here: leave the model and report to the operating
    // system rather than free millions of small allocations one by one
    // (half a second at province scale).
    std::mem::forget((model, report));
    ExitCode::SUCCESS
}

/// `kaohe merge`: reads, verifies and ranks the submitted workbooks, then
/// writes the combined workbook into the output folder.
fn run_merge(args: &cli::MergeArgs) -> ExitCode {
    let lang = Lang::from(args.lang);
    let planned = output::Planned {
        files: [render::xlsx::FILE_NAME, render::BULLETIN_FILE].map(str::to_owned).to_vec(),
        folders: Vec::new(),
    };
    let destination = match open_output(&args.output, &args.workbooks, args.force, &planned, lang) {
        Ok(destination) => destination,
        Err(code) => return code,
    };
    let floor = match args.ideological_weight.map(number::from_f64) {
        Some(None) => {
            eprintln!("--ideological-weight: {}", args.ideological_weight.unwrap_or_default());
            return ExitCode::from(EXIT_USAGE);
        }
        floor => floor.flatten(),
    };
    let (ranking, diagnostics) = merge::merge(&args.workbooks, floor);
    print_diagnostics(&diagnostics, lang);
    let Some(ranking) = ranking else {
        return ExitCode::from(EXIT_INVALID_INPUT);
    };
    let assessor = args.assessor.clone().unwrap_or_else(|| "（汇总单位）".to_owned());
    let bulletin = render::docx::merged_bulletin(&ranking, &assessor, &render::docx::Templates::bundled());
    let bulletin = match bulletin {
        Ok(bytes) => bytes,
        Err(error) => {
            eprintln!("{}", diagnostic::Diagnostic::from(error).render(lang));
            return ExitCode::from(EXIT_INVALID_INPUT);
        }
    };
    let written = render::xlsx::merged_workbook(&ranking)
        .map_err(|error| {
            output::OutputError(text!("无法生成得分表：{error}", "cannot render the workbook: {error}"))
        })
        .and_then(|bytes| {
            let staging = output::Staging::new(destination)?;
            staging.write(std::path::Path::new(render::xlsx::FILE_NAME), &bytes)?;
            staging.write(std::path::Path::new(render::BULLETIN_FILE), &bulletin)?;
            staging.commit()
        });
    if let Err(error) = written {
        eprintln!("{}", error.0.get(lang));
        return ExitCode::from(EXIT_INVALID_INPUT);
    }
    let (units, submissions) = (ranking.units.len(), ranking.submissions.len());
    match lang {
        Lang::Zh => {
            eprintln!("已汇总{submissions}份得分表、{units}个单位，结果已写入 {}", args.output.display())
        }
        Lang::En => {
            let (submissions, units) = (
                diagnostic::count_en(submissions, "workbook", "workbooks"),
                diagnostic::count_en(units, "unit", "units"),
            );
            eprintln!("Merged {submissions}, {units}; written to {}", args.output.display())
        }
    }
    ExitCode::SUCCESS
}

/// A bar counting rendered letters, drawn only when stderr is a terminal.
fn progress_bar(lang: Lang) -> indicatif::ProgressBar {
    let label = match lang {
        Lang::Zh => "生成反馈意见",
        Lang::En => "rendering letters",
    };
    let style = indicatif::ProgressStyle::with_template("{msg} [{bar:30}] {pos}/{len}")
        .expect("a valid template")
        .progress_chars("=> ");
    let bar = indicatif::ProgressBar::new(0).with_style(style).with_message(label);
    if !std::io::IsTerminal::is_terminal(&std::io::stderr()) {
        bar.set_draw_target(indicatif::ProgressDrawTarget::hidden());
    }
    bar
}

/// Adds `summary.json` (which lists the staged `paths` and itself) and
/// moves everything staged into the output folder. Returns the summary.
fn finish_outputs(
    staging: output::Staging,
    scored: &render::Scored,
    mut paths: Vec<String>,
) -> Result<String, output::OutputError> {
    paths.push(render::SUMMARY_FILE.to_owned());
    let summary = render::json::summary(scored, &paths);
    timing::lap("summary.json");
    staging.write(std::path::Path::new(render::SUMMARY_FILE), summary.as_bytes())?;
    staging.commit()?;
    timing::lap("move into place");
    Ok(summary)
}

/// The time written into every output's metadata: `SOURCE_DATE_EPOCH` when
/// set, else the 成文日期, else the first day after the assessment year —
/// never the clock, so the same inputs give the same bytes.
fn creation_time(model: &Model) -> chrono::NaiveDateTime {
    let fixed = model
        .settings
        .doc_date
        .or_else(|| chrono::NaiveDate::from_ymd_opt(model.settings.year + 1, 1, 1))
        .and_then(|date| date.and_hms_opt(0, 0, 0));
    created::creation_time(fixed)
}

/// What a person sees after `score`: units scored, grade counts, files written.
fn score_summary(scored: &render::Scored, dir: &std::path::Path, lang: Lang) -> String {
    let units = &scored.report.units;
    let grades: Vec<String> = scored
        .model
        .settings
        .grades
        .iter()
        .map(|band| {
            let count = units.iter().filter(|u| u.grade == band.name).count();
            match lang {
                Lang::Zh => format!("{}{count}个", band.name),
                Lang::En => format!("{} {count}", band.name),
            }
        })
        .collect();
    let vetoed = units.iter().filter(|u| u.veto).count();
    let shown = dir.display();
    match lang {
        Lang::Zh => format!(
            "已完成{}年度考核计分：{}个单位（{}；一票否决{vetoed}个），结果已写入 {shown}",
            scored.model.settings.year,
            units.len(),
            grades.join("、")
        ),
        Lang::En => format!(
            "Scored {} for {} ({}; {vetoed} vetoed); results written to {shown}",
            count_en(units.len(), "unit", "units"),
            scored.model.settings.year,
            grades.join(", ")
        ),
    }
}
