//! Command-line arguments in two layers: [`Cli`] holds the raw values clap
//! parsed; the command functions in `lib.rs` carry them out.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::diagnostic::Lang;

#[derive(Debug, Parser)]
#[command(
    name = "kaohe",
    version,
    about = "考核：读取台账与考核指标，计算得分，生成得分表与反馈文书",
    long_about = None
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: CliCommand,
}

#[derive(Debug, Subcommand)]
pub enum CliCommand {
    /// 校验、计分并写出全部结果 (validate, score, write everything)
    Score(ScoreArgs),
    /// 只校验输入并报告问题 (validate and report only)
    Check(CheckArgs),
    /// 汇总下级报送的得分表 (combine submitted score workbooks)
    Merge(MergeArgs),
    /// 写出空白输入工作簿与可编辑模板 (write a blank input workbook and templates)
    Init(InitArgs),
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

/// Options shared by `check` and `score`.
#[derive(Debug, Args)]
pub struct InputArgs {
    /// 输入文件：.xlsx .xlsm .xls .ods .csv
    #[arg(required = true, value_name = "INPUT")]
    pub inputs: Vec<PathBuf>,
    /// 考核年度（优先于设置表中的年度）
    #[arg(long)]
    pub year: Option<i32>,
    /// 将警告视为错误
    #[arg(long)]
    pub strict: bool,
    /// 提示语言
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
    /// 输出文件夹
    #[arg(short, long, value_name = "DIR")]
    pub output: PathBuf,
    /// 在标准输出打印机器可读的汇总 (JSON)
    #[arg(long)]
    pub json: bool,
    /// 输出文件夹已存在且非空时，覆盖 kaohe 自己写出的文件
    #[arg(long)]
    pub force: bool,
    /// 自定义文书模板所在文件夹
    #[arg(long, value_name = "DIR")]
    pub templates: Option<PathBuf>,
    /// 并行线程数
    #[arg(long, value_name = "N")]
    pub jobs: Option<usize>,
}

#[derive(Debug, Args)]
pub struct MergeArgs {
    /// 下级报送的考核得分表
    #[arg(required = true, value_name = "WORKBOOK")]
    pub workbooks: Vec<PathBuf>,
    /// 输出文件夹
    #[arg(short, long, value_name = "DIR")]
    pub output: PathBuf,
    /// 本级意识形态工作权重（%），下级不得低于此值
    #[arg(long, value_name = "P")]
    pub ideological_weight: Option<f64>,
    /// 本级单位名称，用于汇总通报的发文机关和落款
    #[arg(long, value_name = "NAME")]
    pub assessor: Option<String>,
    #[arg(long)]
    pub force: bool,
    #[arg(long, value_enum, default_value_t)]
    pub lang: LangArg,
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// 目标文件夹
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
    /// 目标文件夹已存在且非空时，替换 kaohe 上次写出且未改动的文件
    #[arg(long)]
    pub force: bool,
    /// 提示语言
    #[arg(long, value_enum, default_value_t)]
    pub lang: LangArg,
}
