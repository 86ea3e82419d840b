//! Command-line arguments in two layers: [`Cli`] holds the raw values clap
//! parsed (docs/命令.md lists them); [`Config`] is what a run needs, resolved
//! once — the message language, the thread count, the year `init` writes,
//! `merge`'s default assessor — and [`crate::run`] carries it out. The help
//! texts are not here but in [`help`], both languages side by side, which
//! also [`parse`]s the arguments in the language they ask for.

use std::net::SocketAddr;
use std::num::NonZeroUsize;
use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::diagnostic::Lang;

pub mod help;
pub use help::{parse, requested_lang};

#[derive(Debug, Parser)]
#[command(name = "kaohe", version)]
pub struct Cli {
    #[command(subcommand)]
    pub command: CliCommand,
}

#[derive(Debug, Subcommand)]
pub enum CliCommand {
    Score(ScoreArgs),
    Check(CheckArgs),
    Merge(MergeArgs),
    Init(InitArgs),
    Serve(ServeArgs),
}

#[derive(Debug, Clone, Copy, ValueEnum, Default)]
pub enum LangArg {
    #[default]
    Zh,
    En,
}

impl From<LangArg> for Lang {
    fn from(lang: LangArg) -> Lang {
        match lang {
            LangArg::Zh => Lang::Zh,
            LangArg::En => Lang::En,
        }
    }
}

// Options shared by `check` and `score` (a doc comment would be clap's
// about of both).
#[derive(Debug, Args)]
pub struct InputArgs {
    #[arg(required = true, value_name = "INPUT")]
    pub inputs: Vec<PathBuf>,
    #[arg(long)]
    pub year: Option<i32>,
    #[arg(long)]
    pub strict: bool,
    #[arg(long, value_enum, default_value_t)]
    pub lang: LangArg,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub input: InputArgs,
}

#[derive(Debug, Args)]
pub struct ScoreArgs {
    #[command(flatten)]
    pub input: InputArgs,
    #[arg(short, long, value_name = "DIR")]
    pub output: PathBuf,
    #[arg(long)]
    pub json: bool,
    #[arg(long)]
    pub force: bool,
    #[arg(long, value_name = "DIR")]
    pub templates: Option<PathBuf>,
    #[arg(long, value_name = "N")]
    pub jobs: Option<usize>,
    #[arg(long, value_enum, value_name = "all", num_args = 0..=1)]
    pub pdf: Option<Option<PdfArg>>,
    #[arg(long, value_name = "WORKBOOK")]
    pub previous: Option<PathBuf>,
}

/// The value `--pdf` may take.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum PdfArg {
    All,
}

#[derive(Debug, Args)]
pub struct MergeArgs {
    #[arg(required = true, value_name = "WORKBOOK")]
    pub workbooks: Vec<PathBuf>,
    #[arg(short, long, value_name = "DIR")]
    pub output: PathBuf,
    #[arg(long, value_name = "P")]
    pub ideological_weight: Option<f64>,
    #[arg(long, value_name = "NAME")]
    pub assessor: Option<String>,
    #[arg(long, value_name = "NUMBER")]
    pub doc_number: Option<String>,
    #[arg(long, value_name = "DATE")]
    pub doc_date: Option<String>,
    #[arg(long)]
    pub force: bool,
    #[arg(long, value_enum, default_value_t)]
    pub lang: LangArg,
}

#[derive(Debug, Args)]
pub struct InitArgs {
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
    #[arg(long)]
    pub force: bool,
    #[arg(long, value_enum, default_value_t)]
    pub lang: LangArg,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:7878")]
    pub listen: SocketAddr,
    #[arg(long, value_name = "T")]
    pub token: Option<String>,
    #[arg(long, value_name = "N", default_value_t = 1)]
    pub max_jobs: usize,
    #[arg(long, value_name = "H", default_value_t = 24.0)]
    pub keep_hours: f64,
    #[arg(long, value_name = "M", default_value_t = 256)]
    pub max_upload_mb: u64,
    #[arg(long, value_enum, default_value_t)]
    pub lang: LangArg,
}

/// One run, resolved from the command line: the message language, the
/// threads to render with and the command.
#[derive(Debug)]
pub struct Config {
    pub lang: Lang,
    /// `--jobs` (at least one); `None` leaves the thread pool at its default,
    /// one thread per CPU.
    pub jobs: Option<NonZeroUsize>,
    /// `SOURCE_DATE_EPOCH`: the creation time every output records, when
    /// set; else each command takes a date its inputs fix.
    pub source_date: Option<chrono::NaiveDateTime>,
    pub command: Command,
}

/// What to do, with the command's own options.
#[derive(Debug)]
pub enum Command {
    Check(Input),
    Score(Score),
    Merge(Merge),
    Init(Init),
    Serve(Serve),
}

/// The inputs `check` and `score` read and validate.
#[derive(Debug, Clone)]
pub struct Input {
    /// The input files (`.xlsx .xlsm .xls .ods .csv`).
    pub inputs: Vec<PathBuf>,
    /// `--year`: the assessment year, over the one in the 设置 sheet.
    pub year: Option<i32>,
    /// `--strict`: warnings are errors.
    pub strict: bool,
}

/// The output folder of a command that writes (docs/输出文件夹.md).
#[derive(Debug, Clone)]
pub struct Output {
    pub dir: PathBuf,
    /// `--force`: replace what kaohe wrote there before.
    pub force: bool,
}

#[derive(Debug)]
pub struct Score {
    pub input: Input,
    pub output: Output,
    /// `--templates`: the folder of the user's document templates.
    pub templates: Option<PathBuf>,
    /// `--json`: print summary.json on standard output.
    pub json: bool,
    /// `--pdf`: the documents also written as PDF, if any.
    pub pdf: Option<Pdf>,
    /// `--previous`: last year's score workbook (or 上年结果 sheet).
    pub previous: Option<PathBuf>,
}

/// Which documents `--pdf` also writes as PDF (docs/命令.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pdf {
    /// `--pdf`: the bulletin and the volume.
    BulletinAndVolume,
    /// `--pdf all`: each letter too.
    All,
}

#[derive(Debug)]
pub struct Merge {
    /// The submitted score workbooks.
    pub workbooks: Vec<PathBuf>,
    pub output: Output,
    /// `--ideological-weight` as given; the merge checks it is a number.
    pub ideological_weight: Option<f64>,
    /// The merging organisation, issuer of the bulletin.
    pub assessor: String,
    /// `--doc-number`: the bulletin's 发文字号.
    pub doc_number: Option<String>,
    /// `--doc-date` as given; the merge checks it is a date.
    pub doc_date: Option<String>,
}

#[derive(Debug)]
pub struct Init {
    pub output: Output,
    /// The year the blank workbook's 设置 sheet holds: the current one.
    pub year: i32,
}

/// `kaohe serve`'s options (docs/网页版.md).
#[derive(Debug, Clone)]
pub struct Serve {
    /// `--listen`: the address and port to listen on.
    pub listen: SocketAddr,
    /// `--token`: the access token; `None` on a loopback address means none
    /// is asked for, elsewhere that one is generated.
    pub token: Option<String>,
    /// `--max-jobs`: jobs scored at once, at least one.
    pub max_jobs: NonZeroUsize,
    /// `--keep-hours`: how long a job's files are kept.
    pub keep: Duration,
    /// `--max-upload-mb` in bytes: the largest upload, all files together.
    pub max_upload_bytes: u64,
}

/// `merge`'s assessor without `--assessor`.
pub(crate) const DEFAULT_ASSESSOR: &str = "（汇总单位）";

impl From<Cli> for Config {
    fn from(cli: Cli) -> Config {
        let (lang, jobs, command) = match cli.command {
            CliCommand::Check(CheckArgs { input }) => (input.lang, None, Command::Check(input.into())),
            CliCommand::Score(args) => {
                let (lang, jobs) = (args.input.lang, args.jobs);
                let score = Score {
                    input: args.input.into(),
                    output: Output { dir: args.output, force: args.force },
                    templates: args.templates,
                    json: args.json,
                    pdf: args.pdf.map(|all| match all {
                        Some(PdfArg::All) => Pdf::All,
                        None => Pdf::BulletinAndVolume,
                    }),
                    previous: args.previous,
                };
                let jobs = jobs.map(|jobs| NonZeroUsize::new(jobs).unwrap_or(NonZeroUsize::MIN));
                (lang, jobs, Command::Score(score))
            }
            CliCommand::Merge(args) => {
                let merge = Merge {
                    workbooks: args.workbooks,
                    output: Output { dir: args.output, force: args.force },
                    ideological_weight: args.ideological_weight,
                    assessor: args.assessor.unwrap_or_else(|| DEFAULT_ASSESSOR.to_owned()),
                    doc_number: args.doc_number,
                    doc_date: args.doc_date,
                };
                (args.lang, None, Command::Merge(merge))
            }
            CliCommand::Init(args) => {
                use chrono::Datelike;
                let init = Init {
                    output: Output { dir: args.dir, force: args.force },
                    year: chrono::Local::now().year(),
                };
                (args.lang, None, Command::Init(init))
            }
            CliCommand::Serve(args) => {
                let serve = Serve {
                    listen: args.listen,
                    token: args.token,
                    max_jobs: NonZeroUsize::new(args.max_jobs).unwrap_or(NonZeroUsize::MIN),
                    keep: Duration::try_from_secs_f64(args.keep_hours * 3600.0).unwrap_or(Duration::ZERO),
                    max_upload_bytes: args.max_upload_mb.saturating_mul(1 << 20),
                };
                (args.lang, None, Command::Serve(serve))
            }
        };
        Config { lang: lang.into(), jobs, source_date: crate::created::source_date_epoch(), command }
    }
}

impl From<InputArgs> for Input {
    fn from(args: InputArgs) -> Input {
        Input { inputs: args.inputs, year: args.year, strict: args.strict }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(args: &[&str]) -> Config {
        Config::from(Cli::try_parse_from(std::iter::once("kaohe").chain(args.iter().copied())).unwrap())
    }

    #[test]
    fn the_language_and_the_threads_are_resolved_once() {
        let score = config(&["score", "台账.xlsx", "-o", "结果", "--jobs", "0", "--lang", "en", "--strict"]);
        assert_eq!(score.lang, Lang::En);
        assert_eq!(score.jobs, Some(NonZeroUsize::MIN), "at least one thread");
        let Command::Score(args) = score.command else { panic!("{score:?}") };
        assert_eq!((args.input.inputs, args.input.strict), (vec![PathBuf::from("台账.xlsx")], true));
        assert_eq!((args.output.dir, args.output.force), (PathBuf::from("结果"), false));
        let check = config(&["check", "台账.xlsx"]);
        assert_eq!((check.lang, check.jobs), (Lang::Zh, None));
    }

    #[test]
    fn pdf_takes_all_or_nothing() {
        let pdf = |args: &[&str]| {
            let Command::Score(score) = config(args).command else { panic!() };
            score.pdf
        };
        assert_eq!(pdf(&["score", "台账.xlsx", "-o", "结果"]), None);
        assert_eq!(pdf(&["score", "台账.xlsx", "-o", "结果", "--pdf"]), Some(Pdf::BulletinAndVolume));
        assert_eq!(pdf(&["score", "台账.xlsx", "--pdf", "-o", "结果"]), Some(Pdf::BulletinAndVolume));
        assert_eq!(pdf(&["score", "--pdf", "all", "台账.xlsx", "-o", "结果"]), Some(Pdf::All));
        let error = Cli::try_parse_from(["kaohe", "score", "--pdf", "台账.xlsx", "-o", "结果"]).unwrap_err();
        assert_eq!(
            error.kind(),
            clap::error::ErrorKind::InvalidValue,
            "a file right after --pdf is its value"
        );
    }

    #[test]
    fn serve_defaults_to_loopback_one_job_a_day_and_256_mb() {
        let Command::Serve(serve) = config(&["serve"]).command else { panic!() };
        assert_eq!(serve.listen.to_string(), "127.0.0.1:7878");
        assert_eq!((serve.token, serve.max_jobs.get()), (None, 1));
        assert_eq!((serve.keep.as_secs(), serve.max_upload_bytes), (86_400, 268_435_456));
        let options = ["serve", "--listen", "0.0.0.0:80", "--max-jobs", "0", "--keep-hours", "0.5"];
        let Command::Serve(serve) = config(&options).command else { panic!() };
        assert_eq!((serve.listen.port(), serve.max_jobs.get(), serve.keep.as_secs()), (80, 1, 1800));
    }

    #[test]
    fn merge_has_a_default_assessor() {
        let Command::Merge(merge) = config(&["merge", "a.xlsx", "-o", "汇总"]).command else { panic!() };
        assert_eq!(merge.assessor, "（汇总单位）");
        let named = config(&["merge", "a.xlsx", "-o", "汇总", "--assessor", "中共××县委"]);
        let Command::Merge(merge) = named.command else { panic!() };
        assert_eq!(merge.assessor, "中共××县委");
    }
}
