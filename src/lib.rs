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
//!    moved into place only when complete.

pub mod cli;
pub mod defaults;
pub mod diagnostic;
pub mod init;
pub mod input;
pub mod merge;
pub mod model;
pub mod number;
pub mod output;
pub mod render;
pub mod score;

use std::ffi::OsString;
use std::process::ExitCode;

use clap::Parser;

use cli::{Cli, CliCommand, InputArgs};
use diagnostic::{Diagnostics, Lang};
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
        CliCommand::Score(args) => run_score(&args),
        CliCommand::Merge(args) => run_merge(&args),
        CliCommand::Init(_) => {
            eprintln!("not yet implemented");
            ExitCode::from(EXIT_USAGE)
        }
    }
}

/// Steps 1–2: reads and validates the inputs. Returns the model when there
/// are no errors, and every diagnostic either way (`--strict` applied).
pub fn load(args: &InputArgs) -> (Option<Model>, Diagnostics) {
    let inputs = input::read_inputs(&args.inputs);
    let (model, mut diagnostics) = model::validate::validate(inputs, args.year);
    if args.strict {
        diagnostics.make_warnings_errors();
    }
    if diagnostics.has_errors() { (None, diagnostics) } else { (model, diagnostics) }
}

fn print_diagnostics(diagnostics: &Diagnostics, lang: Lang) {
    for diagnostic in diagnostics.iter() {
        eprintln!("{}", diagnostic.render(lang));
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

fn summary_line(model: &Model, diagnostics: &Diagnostics, lang: Lang) -> String {
    let assessed = model.units.iter().filter(|u| u.assessed).count();
    let warnings = diagnostics.warnings().count();
    let out = model.out_of_year;
    match lang {
        Lang::Zh => format!(
            "校验通过：{}年度，{assessed}个参评单位，{}条台账，{}起舆情，{warnings}条警告；年度外台账{}条、舆情{}起未计入。",
            model.settings.year,
            model.activities.len(),
            model.incidents.len(),
            out.activities,
            out.incidents
        ),
        Lang::En => format!(
            "OK: year {}, {assessed} assessed units, {} ledger rows, {} incidents, {warnings} warnings; {} ledger rows and {} incidents outside the year not counted.",
            model.settings.year,
            model.activities.len(),
            model.incidents.len(),
            out.activities,
            out.incidents
        ),
    }
}

fn run_score(args: &cli::ScoreArgs) -> ExitCode {
    let lang = Lang::from(args.input.lang);
    let (model, diagnostics) = load(&args.input);
    print_diagnostics(&diagnostics, lang);
    let Some(model) = model else {
        return ExitCode::from(EXIT_INVALID_INPUT);
    };
    let report = score::score(&model);
    let _ = report;
    eprintln!("{}", summary_line(&model, &diagnostics, lang));
    ExitCode::SUCCESS
}

/// `kaohe merge`: read and rank the submitted workbooks, then write the
/// combined workbook into the output folder.
fn run_merge(args: &cli::MergeArgs) -> ExitCode {
    let lang = Lang::from(args.lang);
    let floor = match args.ideological_weight.map(number::from_f64) {
        Some(None) => {
            eprintln!("--ideological-weight: not a number");
            return ExitCode::from(EXIT_USAGE);
        }
        floor => floor.flatten(),
    };
    let ranking = match merge::merge(&args.workbooks, floor) {
        Ok(ranking) => ranking,
        Err(diagnostics) => {
            print_diagnostics(&diagnostics, lang);
            return ExitCode::from(EXIT_INVALID_INPUT);
        }
    };
    let bytes = match render::xlsx::merged_workbook(&ranking) {
        Ok(bytes) => bytes,
        Err(error) => {
            eprintln!("{error}");
            return ExitCode::from(EXIT_INVALID_INPUT);
        }
    };
    match commit_files(&args.output, &args.workbooks, args.force, &[(render::xlsx::FILE_NAME, bytes)]) {
        Ok(()) => {
            let (units, submissions) = (ranking.units.len(), ranking.submissions.len());
            match lang {
                Lang::Zh => eprintln!("已汇总{submissions}份得分表、{units}个单位。"),
                Lang::En => eprintln!("Merged {submissions} workbooks, {units} units."),
            }
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("{}", message.get(lang));
            ExitCode::from(EXIT_USAGE)
        }
    }
}

/// Writes `files` into `dir` only when all are complete: into a fresh
/// sibling folder renamed into place when `dir` is new, else each file next
/// to its target and renamed over it. A non-empty `dir` needs `force`; a
/// `dir` that is a file or an input is refused.
// TODO(lead): replace with the shared `output::commit` once it lands.
fn commit_files(
    dir: &std::path::Path,
    inputs: &[std::path::PathBuf],
    force: bool,
    files: &[(&str, Vec<u8>)],
) -> Result<(), diagnostic::Text> {
    let shown = dir.display();
    let same = |input: &std::path::PathBuf| {
        std::fs::canonicalize(input).ok().zip(std::fs::canonicalize(dir).ok()).is_some_and(|(a, b)| a == b)
    };
    if dir.is_file() || inputs.iter().any(same) {
        return Err(text!(
            "输出路径 {shown} 是文件或输入，拒绝写入",
            "output path {shown} is a file or an input: refused"
        ));
    }
    let io = |error: std::io::Error| text!("无法写入 {shown}：{error}", "cannot write {shown}: {error}");
    if dir.is_dir() {
        let empty = std::fs::read_dir(dir).map_err(io)?.next().is_none();
        if !empty && !force {
            return Err(text!(
                "输出文件夹 {shown} 已存在且非空；如需覆盖请加 --force",
                "output folder {shown} exists and is not empty; use --force to overwrite"
            ));
        }
        for (name, bytes) in files {
            let temporary = dir.join(format!(".{name}.tmp"));
            std::fs::write(&temporary, bytes).map_err(io)?;
            std::fs::rename(&temporary, dir.join(name)).map_err(io)?;
        }
        return Ok(());
    }
    let name = dir.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let staging = dir.with_file_name(format!(".{name}.kaohe-tmp"));
    let _ = std::fs::remove_dir_all(&staging);
    std::fs::create_dir_all(&staging).map_err(io)?;
    for (name, bytes) in files {
        std::fs::write(staging.join(name), bytes).map_err(io)?;
    }
    std::fs::rename(&staging, dir).map_err(io)
}
