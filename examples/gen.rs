//! Seeded synthetic workload for benchmarks: input workbooks as docs/输入.md describes them
//! of any size, byte-identical for the same arguments.
//!
//! ```text
//! cargo run --release --example gen -- --units 2000 --activities-per-unit 60 --seed 1 -o city.xlsx
//! cargo run --release --example gen -- --cities 10 -o province/city.xlsx   # city-01.xlsx … city-10.xlsx
//! cargo run --release --example gen -- --units 2000 --rules rich -o rich.xlsx
//! ```
//!
//! One file is one city: a root committee (参评 否) over ~1% intermediate
//! committees (党委), ~5% general branches (党总支) and the branches (党支部).
//! With `--cities N` every file carries the same definitions — 设置, 指标,
//! the root unit and the top-level 权重 rows, repeated identically as a
//! province receives them (docs/输入.md: they count once) — plus its own units,
//! whose ids and names carry the city's prefix. The generator owns its tiny
//! PRNG so that no dependency's algorithm change can alter the bytes; it
//! knows nothing of kaohe's code and only writes what docs/输入.md describes.
//!
//! `--rules rich` scores the same units and ledger by a published table as
//! docs/考核细则.md encodes one: three items (考核项目/项目分值, some clauses
//! capped by their item only) of which one has a gate (前置) that ~10% of
//! units miss and a sparse 评分 clause; graded points (分级 `级别`) for a
//! deduction, a bonus and the timeliness indicator; due dates (截止
//! `期末后N天` and `3月31日`, 迟报扣分) with every due report carrying its
//! 所属期 and each unit's habit of reporting late moving some past the due
//! day; an evidence filter (条件 `材料!=`, ~6% of its rows without 材料); a
//! 不得评优 veto (~2% of units); 加分上限 and 自评偏差; and a 自评 sheet with
//! every unit's self score of each item and each indicator outside the items.
//! Those changes draw on a random stream of their own: the units, the
//! plain ledger they start from and the default output stay as they are.

use std::path::{Path, PathBuf};

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime};
use clap::Parser;
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook, Worksheet, XlsxError};

#[derive(Debug, Parser)]
#[command(about = "Writes seeded synthetic kaohe input workbooks")]
struct Args {
    /// Units per city, the root committee not counted.
    #[arg(long, default_value_t = 2000)]
    units: usize,
    /// Ledger rows per assessed unit, on average.
    #[arg(long, default_value_t = 60)]
    activities_per_unit: usize,
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Write this many city files, `STEM-01.xlsx` …, sharing one set of definitions.
    #[arg(long)]
    cities: Option<usize>,
    /// The workbook to write (with `--cities`, the pattern of the city files).
    #[arg(short, long)]
    output: PathBuf,
    /// Most ledger rows per sheet; more go on sheets 活动-2, 活动-3, …
    #[arg(long, default_value_t = 1_000_000)]
    ledger_sheet_rows: usize,
    /// The criteria: one indicator per row, or the published-table features as well.
    #[arg(long, value_enum, default_value_t = Rules::Plain)]
    rules: Rules,
}

/// Which criteria a city is scored by.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
enum Rules {
    /// One indicator per row: 至少, 扣分, 加分, 时效, 否决, 评分.
    Plain,
    /// The plain units and ledger under a published table (docs/考核细则.md):
    /// items with shared points, a gate, graded points, due dates, an
    /// evidence filter, a 不得评优 veto, a bonus cap and a 自评 sheet.
    Rich,
}

fn main() -> Result<(), XlsxError> {
    let args = Args::parse();
    let shape = Shape { units: args.units.max(3), activities_per_unit: args.activities_per_unit };
    match args.cities {
        None => {
            let city = City::generate(shape, args.seed, None, args.rules);
            city.workbook(args.ledger_sheet_rows)?.save(&args.output)?;
            eprintln!(
                "{}: {} units, {} ledger rows",
                args.output.display(),
                city.units.len(),
                city.ledger_rows
            );
        }
        Some(count) => {
            for index in 1..=count {
                let path = city_path(&args.output, index);
                let city = City::generate(shape, args.seed, Some(index), args.rules);
                city.workbook(args.ledger_sheet_rows)?.save(&path)?;
                eprintln!("{}: {} units, {} ledger rows", path.display(), city.units.len(), city.ledger_rows);
            }
        }
    }
    Ok(())
}

/// `dir/city.xlsx` → `dir/city-03.xlsx`.
fn city_path(pattern: &Path, index: usize) -> PathBuf {
    let stem = pattern.file_stem().map_or("city".into(), |s| s.to_string_lossy());
    pattern.with_file_name(format!("{stem}-{index:02}.xlsx"))
}

// ---------------------------------------------------------------------------
// PRNG

/// SplitMix64 (Steele, Lea & Flood 2014): tiny, fast, and fixed here forever.
#[derive(Clone, Debug)]
struct Rng(u64);

impl Rng {
    /// An independent stream for `(seed, stream)`, e.g. one per city.
    fn derive(seed: u64, stream: u64) -> Rng {
        let mut mixer = Rng(seed ^ stream.wrapping_mul(0xD134_2543_DE82_EF95));
        Rng(mixer.next_u64())
    }

    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (Lemire's multiply-shift; `n` > 0).
    fn below(&mut self, n: usize) -> usize {
        ((u128::from(self.next_u64()) * n as u128) >> 64) as usize
    }

    /// Uniform in `low..=high`.
    fn between(&mut self, low: usize, high: usize) -> usize {
        low + self.below(high - low + 1)
    }

    /// True with probability `p`.
    fn chance(&mut self, p: f64) -> bool {
        ((self.next_u64() >> 11) as f64 / (1u64 << 53) as f64) < p
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            items.swap(i, self.below(i + 1));
        }
    }
}

// ---------------------------------------------------------------------------
// Definitions shared by every city

const YEAR: i32 = 2025;
const ASSESSOR: &str = "局党委";
const ROOT_ID: &str = "R0";
const IDEOLOGICAL: &str = "意识形态工作";
const PARTY_BUILDING: &str = "党建工作";
const BUSINESS: &str = "业务工作";
const BONUS: &str = "加分项";
/// The scored categories, in weight-row order.
const SCORED: [&str; 3] = [IDEOLOGICAL, PARTY_BUILDING, BUSINESS];
/// The top-level system: 意识形态工作 30, 党建工作 40, 业务工作 30.
const TOP_WEIGHTS: [u32; 3] = [30, 40, 30];
const COMMITTEES: &str = "党委；党总支";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Period {
    Year,
    Half,
    Quarter,
    Month,
}

impl Period {
    fn keyword(self) -> &'static str {
        match self {
            Period::Year => "年",
            Period::Half => "半年",
            Period::Quarter => "季度",
            Period::Month => "月",
        }
    }

    /// The months (1-based, inclusive) of each period of the year.
    fn slots(self) -> Vec<(u32, u32)> {
        let months = match self {
            Period::Year => 12,
            Period::Half => 6,
            Period::Quarter => 3,
            Period::Month => 1,
        };
        (0..12 / months).map(|i| (i * months + 1, (i + 1) * months)).collect()
    }

    /// The period of the year that holds `month`, as in [`Period::slots`].
    fn slot_of(self, month: u32) -> (u32, u32) {
        self.slots().into_iter().find(|&(first, last)| (first..=last).contains(&month)).expect("a month")
    }

    /// The 所属期 of the period starting in month `first`: `2025年上半年`, `2025年3月`.
    fn label(self, year: i32, first: u32) -> String {
        match self {
            Period::Year => format!("{year}年"),
            Period::Half => format!("{year}年{}半年", if first == 1 { "上" } else { "下" }),
            Period::Quarter => {
                format!("{year}年第{}季度", ["一", "二", "三", "四"][(first as usize - 1) / 3])
            }
            Period::Month => format!("{year}年{first}月"),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Rule {
    AtLeast {
        required: u32,
        period: Period,
    },
    Deduct,
    Bonus,
    Veto,
    Timeliness {
        hours: u32,
    },
    Manual,
    /// The item's precondition: without one such activity the item scores 0.
    Gate,
}

impl Rule {
    fn keyword(self) -> &'static str {
        match self {
            Rule::AtLeast { .. } => "至少",
            Rule::Deduct => "扣分",
            Rule::Bonus => "加分",
            Rule::Veto => "否决",
            Rule::Timeliness { .. } => "时效",
            Rule::Manual => "评分",
            Rule::Gate => "前置",
        }
    }
}

/// One row of the 指标 sheet. `activity` is empty for timeliness and manual.
struct Criterion {
    code: &'static str,
    category: &'static str,
    name: &'static str,
    /// 0 for a veto (written as an empty cell).
    points: f64,
    rule: Rule,
    activity: &'static str,
    unit_points: f64,
    filter: &'static str,
    applies_to: &'static str,
    standard: &'static str,
}

const fn at_least(required: u32, period: Period) -> Rule {
    Rule::AtLeast { required, period }
}

#[rustfmt::skip]
const CRITERIA: &[Criterion] = &[
    Criterion { code: "YS01", category: IDEOLOGICAL, name: "专题研究意识形态工作", points: 8.0, rule: at_least(2, Period::Year), activity: "专题研究", unit_points: 4.0, filter: "", applies_to: "", standard: "每年至少专题研究2次，少1次扣4分" },
    Criterion { code: "YS02", category: IDEOLOGICAL, name: "意识形态综合分析", points: 4.0, rule: at_least(1, Period::Year), activity: "综合分析", unit_points: 4.0, filter: "", applies_to: "", standard: "每年至少综合分析1次" },
    Criterion { code: "YS03", category: IDEOLOGICAL, name: "党内通报意识形态情况", points: 6.0, rule: at_least(1, Period::Half), activity: "通报", unit_points: 3.0, filter: "", applies_to: "", standard: "每半年通报1次，缺1次扣3分" },
    Criterion { code: "YS04", category: IDEOLOGICAL, name: "意识形态领域季度分析", points: 8.0, rule: at_least(1, Period::Quarter), activity: "季度分析", unit_points: 2.0, filter: "", applies_to: "", standard: "每季度分析1次，缺1次扣2分" },
    Criterion { code: "YS05", category: IDEOLOGICAL, name: "综合检查并上报结果", points: 6.0, rule: at_least(1, Period::Half), activity: "综合检查", unit_points: 3.0, filter: "上报=是", applies_to: "", standard: "每半年综合检查1次并上报，缺1次扣3分" },
    Criterion { code: "YS06", category: IDEOLOGICAL, name: "专题督查", points: 4.0, rule: at_least(1, Period::Year), activity: "专题督查", unit_points: 4.0, filter: "", applies_to: "", standard: "每年至少专题督查1次" },
    Criterion { code: "YS07", category: IDEOLOGICAL, name: "向局党组专题汇报", points: 6.0, rule: at_least(1, Period::Half), activity: "专题汇报", unit_points: 3.0, filter: "", applies_to: "", standard: "每半年书面或当面专题汇报1次" },
    Criterion { code: "YS08", category: IDEOLOGICAL, name: "述职报告含意识形态工作", points: 3.0, rule: at_least(1, Period::Year), activity: "述职", unit_points: 3.0, filter: "", applies_to: COMMITTEES, standard: "述职报告应包含意识形态工作责任制落实情况" },
    Criterion { code: "YS09", category: IDEOLOGICAL, name: "民主生活会对照检查", points: 3.0, rule: at_least(1, Period::Year), activity: "民主生活会", unit_points: 3.0, filter: "", applies_to: COMMITTEES, standard: "民主生活会应对照检查意识形态工作" },
    Criterion { code: "YS10", category: IDEOLOGICAL, name: "中心组专题学习", points: 4.0, rule: at_least(1, Period::Year), activity: "中心组专题学习", unit_points: 4.0, filter: "", applies_to: COMMITTEES, standard: "理论学习中心组每年至少专题学习意识形态安全1次" },
    Criterion { code: "YS11", category: IDEOLOGICAL, name: "主题宣讲", points: 4.0, rule: at_least(1, Period::Year), activity: "主题宣讲", unit_points: 4.0, filter: "", applies_to: "", standard: "每年至少配合开展主题宣讲1次" },
    Criterion { code: "YS12", category: IDEOLOGICAL, name: "意识形态工作计划", points: 4.0, rule: at_least(1, Period::Year), activity: "工作计划", unit_points: 4.0, filter: "", applies_to: "", standard: "每年制定工作计划和宣传要点" },
    Criterion { code: "YS13", category: IDEOLOGICAL, name: "舆情第一时间处置", points: 10.0, rule: Rule::Timeliness { hours: 24 }, activity: "", unit_points: 5.0, filter: "", applies_to: "", standard: "发现、研判、报送、处置各环节均应在24小时内完成，每起超时扣5分" },
    Criterion { code: "YS14", category: IDEOLOGICAL, name: "严重错误倾向", points: 0.0, rule: Rule::Veto, activity: "严重错误倾向", unit_points: 0.0, filter: "", applies_to: "", standard: "出现严重错误倾向并造成不良影响的，一票否决" },
    Criterion { code: "DJ01", category: PARTY_BUILDING, name: "三会一课", points: 12.0, rule: at_least(1, Period::Month), activity: "三会一课", unit_points: 1.0, filter: "", applies_to: "", standard: "每月至少开展1次，缺1次扣1分" },
    Criterion { code: "DJ02", category: PARTY_BUILDING, name: "主题党日", points: 12.0, rule: at_least(1, Period::Month), activity: "主题党日", unit_points: 1.0, filter: "", applies_to: "", standard: "每月开展主题党日，缺1次扣1分" },
    Criterion { code: "DJ03", category: PARTY_BUILDING, name: "组织生活会", points: 6.0, rule: at_least(1, Period::Year), activity: "组织生活会", unit_points: 6.0, filter: "", applies_to: "", standard: "每年召开组织生活会" },
    Criterion { code: "DJ04", category: PARTY_BUILDING, name: "谈心谈话", points: 6.0, rule: at_least(2, Period::Half), activity: "谈心谈话", unit_points: 1.5, filter: "", applies_to: "", standard: "每半年至少2次，缺1次扣1.5分" },
    Criterion { code: "DJ05", category: PARTY_BUILDING, name: "党员发展与管理", points: 8.0, rule: Rule::Manual, activity: "", unit_points: 0.0, filter: "", applies_to: "", standard: "按党员发展与管理情况评分" },
    Criterion { code: "DJ06", category: PARTY_BUILDING, name: "党费收缴", points: 6.0, rule: Rule::Manual, activity: "", unit_points: 0.0, filter: "", applies_to: "", standard: "按党费收缴使用情况评分" },
    Criterion { code: "DJ07", category: PARTY_BUILDING, name: "违规违纪", points: 10.0, rule: Rule::Deduct, activity: "违纪问题", unit_points: 5.0, filter: "", applies_to: "", standard: "每发生1起扣5分" },
    Criterion { code: "YW01", category: BUSINESS, name: "年度工作目标", points: 20.0, rule: Rule::Manual, activity: "", unit_points: 0.0, filter: "", applies_to: "", standard: "按年度目标完成情况评分" },
    Criterion { code: "YW02", category: BUSINESS, name: "重点任务推进", points: 15.0, rule: Rule::Manual, activity: "", unit_points: 0.0, filter: "", applies_to: "", standard: "按重点任务推进情况评分" },
    Criterion { code: "YW03", category: BUSINESS, name: "月度工作报表", points: 12.0, rule: at_least(1, Period::Month), activity: "月度报表", unit_points: 1.0, filter: "", applies_to: "", standard: "每月按时报送，缺1次扣1分" },
    Criterion { code: "YW04", category: BUSINESS, name: "督办事项落实", points: 8.0, rule: at_least(1, Period::Quarter), activity: "督办落实", unit_points: 2.0, filter: "", applies_to: "", standard: "每季度报告督办落实情况，缺1次扣2分" },
    Criterion { code: "YW05", category: BUSINESS, name: "安全生产事故", points: 10.0, rule: Rule::Deduct, activity: "安全事故", unit_points: 5.0, filter: "", applies_to: "", standard: "每发生1起扣5分" },
    Criterion { code: "YW06", category: BUSINESS, name: "信访问题", points: 5.0, rule: Rule::Deduct, activity: "信访问题", unit_points: 2.5, filter: "", applies_to: "", standard: "每发生1起扣2.5分" },
    Criterion { code: "JF01", category: BONUS, name: "上级表彰", points: 5.0, rule: Rule::Bonus, activity: "上级表彰", unit_points: 2.0, filter: "", applies_to: "", standard: "每获1次加2分，最多5分" },
    Criterion { code: "JF02", category: BONUS, name: "经验推广", points: 3.0, rule: Rule::Bonus, activity: "经验推广", unit_points: 1.0, filter: "", applies_to: "", standard: "每推广1次加1分，最多3分" },
    Criterion { code: "JF03", category: BONUS, name: "信息采用", points: 2.0, rule: Rule::Bonus, activity: "信息采用", unit_points: 0.5, filter: "", applies_to: "", standard: "每采用1篇加0.5分，最多2分" },
];

// ---------------------------------------------------------------------------
// The rich rules: the published-table features of docs/考核细则.md

const DUTY: &str = "意识形态责任制";
const ORGANISATION: &str = "基层组织生活";
const REPORTING: &str = "报表报送";
/// The evidence filter "无佐证材料的不计".
const EVIDENCE: &str = "材料!=";

/// When a 至少 indicator's activity is due in each period (截止).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Due {
    None,
    /// `期末后N天`: N days after each period's last day.
    AfterPeriod(u32),
    /// `M月D日` of the assessment year (yearly indicators only).
    Fixed {
        month: u32,
        day: u32,
    },
}

impl Due {
    fn cell(self) -> Cell {
        match self {
            Due::None => Cell::Empty,
            Due::AfterPeriod(days) => Cell::Text(format!("期末后{days}天")),
            Due::Fixed { month, day } => Cell::Text(format!("{month}月{day}日")),
        }
    }
}

/// What the rich rules write into one row of 指标 beyond the plain columns.
struct Refinement {
    code: &'static str,
    /// 考核项目: the item this row is a clause of.
    item: &'static str,
    /// 项目分值, written on the item's first clause.
    item_points: f64,
    /// The clause's 分值 stays empty: only its item caps it.
    capped_by_item: bool,
    /// 分级: the column whose value sets each row's points…
    graded_by: &'static str,
    /// … and 单项分 as the grade table `值:分数；…`.
    grades: &'static str,
    due: Due,
    /// 迟报扣分; 0 leaves it empty (then 单项分).
    late_points: f64,
    /// 条件, replacing the plain one.
    filter: &'static str,
    veto_mode: &'static str,
}

const UNREFINED: Refinement = Refinement {
    code: "",
    item: "",
    item_points: 0.0,
    capped_by_item: false,
    graded_by: "",
    grades: "",
    due: Due::None,
    late_points: 0.0,
    filter: "",
    veto_mode: "",
};

#[rustfmt::skip]
const REFINEMENTS: &[Refinement] = &[
    Refinement { code: "YS01", item: DUTY, item_points: 20.0, ..UNREFINED },
    Refinement { code: "YS02", item: DUTY, ..UNREFINED },
    Refinement { code: "YS03", due: Due::AfterPeriod(10), late_points: 1.5, ..UNREFINED },
    Refinement { code: "YS04", filter: EVIDENCE, ..UNREFINED },
    Refinement { code: "YS06", item: DUTY, ..UNREFINED },
    Refinement { code: "YS12", item: DUTY, due: Due::Fixed { month: 3, day: 31 }, late_points: 2.0, ..UNREFINED },
    Refinement { code: "YS13", graded_by: "级别", grades: "重大:10；较大:5；一般:2", ..UNREFINED },
    Refinement { code: "YS15", item: DUTY, ..UNREFINED },
    Refinement { code: "YS16", item: DUTY, ..UNREFINED },
    Refinement { code: "YS17", veto_mode: "不得评优", ..UNREFINED },
    Refinement { code: "DJ01", item: ORGANISATION, item_points: 12.0, capped_by_item: true, ..UNREFINED },
    Refinement { code: "DJ02", item: ORGANISATION, capped_by_item: true, ..UNREFINED },
    Refinement { code: "DJ03", item: ORGANISATION, ..UNREFINED },
    Refinement { code: "DJ04", item: ORGANISATION, ..UNREFINED },
    Refinement { code: "YW03", item: REPORTING, item_points: 8.0, capped_by_item: true, due: Due::AfterPeriod(5), late_points: 0.5, ..UNREFINED },
    Refinement { code: "YW04", item: REPORTING, ..UNREFINED },
    Refinement { code: "YW05", graded_by: "级别", grades: "重大:10；较大:5；一般:2", ..UNREFINED },
    Refinement { code: "JF01", graded_by: "级别", grades: "国家级:3；省级:2；市级:1；其他:0.5", ..UNREFINED },
];

/// Rows only the rich rules have, each written after the plain row named first.
#[rustfmt::skip]
const RICH_ONLY: &[(&str, Criterion)] = &[
    ("YS12", Criterion { code: "YS15", category: IDEOLOGICAL, name: "建立责任清单", points: 0.0, rule: Rule::Gate, activity: "责任清单", unit_points: 0.0, filter: "", applies_to: "", standard: "未建立意识形态工作责任清单的，本项不得分" }),
    ("YS12", Criterion { code: "YS16", category: IDEOLOGICAL, name: "责任制落实", points: 3.0, rule: Rule::Manual, activity: "", unit_points: 0.0, filter: "", applies_to: "", standard: "责任制落实不到位的，酌情扣分" }),
    ("YS14", Criterion { code: "YS17", category: IDEOLOGICAL, name: "受到通报批评", points: 0.0, rule: Rule::Veto, activity: "通报批评", unit_points: 0.0, filter: "", applies_to: "", standard: "因意识形态工作受到通报批评的，不得评为优秀" }),
];

/// The 级别 of a graded activity's rows, drawn uniformly (repeats weigh more).
const LEVELS: &[(&str, &[&str])] = &[
    ("安全事故", &["一般", "一般", "一般", "较大", "较大", "重大"]),
    ("上级表彰", &["县级", "县级", "市级", "市级", "省级", "国家级"]),
];

/// Ledger rows that happen now and then, with their chance per unit.
const EVENTS: &[(&str, f64)] = &[
    ("违纪问题", 0.03),
    ("安全事故", 0.02),
    ("信访问题", 0.06),
    ("上级表彰", 0.10),
    ("经验推广", 0.08),
    ("信息采用", 0.25),
    ("严重错误倾向", 0.003),
];

const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "马", "朱", "胡", "郭", "何",
    "林", "罗", "高",
];
const GIVEN: &[&str] = &[
    "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超",
    "秀英", "建华", "志强",
];
const CITY_NAMES: &[&str] =
    &["东城", "西城", "南湖", "北山", "清河", "临江", "云岭", "石桥", "枫林", "青阳", "白沙", "金川"];
const MATTERS: &[&str] =
    &["宣传阵地管理失职", "网络舆情处置不力", "意识形态责任落实不到位", "讲座论坛审批把关不严"];
const TOPICS: &[&str] =
    &["网帖反映办事效率", "短视频传播不实信息", "群众投诉处理结果", "微信群转发敏感言论", "媒体报道服务问题"];

// ---------------------------------------------------------------------------
// One city

#[derive(Clone, Copy, Debug)]
struct Shape {
    units: usize,
    activities_per_unit: usize,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Level {
    Root,
    Committee,
    General,
    Branch,
}

impl Level {
    /// The unit's 类型, which `适用` lists name.
    fn kind(self) -> &'static str {
        match self {
            Level::Root | Level::Committee => "党委",
            Level::General => "党总支",
            Level::Branch => "党支部",
        }
    }
}

struct Unit {
    id: String,
    name: String,
    /// Index into the city's units; `None` for the root.
    parent: Option<usize>,
    secretary: String,
    level: Level,
}

/// One row of the 活动 sheet. `date` is an Excel serial day.
struct Activity {
    unit: usize,
    date: f64,
    kind: &'static str,
    reported: &'static str,
    form: &'static str,
    /// Whether 材料 names the document (the rich rules leave some empty).
    evidence: bool,
    /// 所属期, for a report sent after its period (rich rules only).
    for_period: Option<String>,
    /// 级别 of a graded activity (rich rules only).
    level: &'static str,
}

struct Incident {
    unit: usize,
    title: String,
    level: &'static str,
    /// Excel serial date-times: occurred, then 发现, 研判, 报送, 处置 (None = not done).
    occurred: f64,
    steps: [Option<f64>; 4],
}

struct Score {
    unit: usize,
    code: &'static str,
    score: f64,
    note: &'static str,
}

struct Accountability {
    case: String,
    unit: usize,
    matter: &'static str,
    decision: &'static str,
    person: String,
    role: &'static str,
    stance: &'static str,
}

struct City {
    rules: Rules,
    /// `C03-` with `--cities`, else empty.
    id_prefix: String,
    /// Units, the shared root first.
    units: Vec<Unit>,
    /// Own weight systems: (owner, ideological/party/business weights).
    systems: Vec<(usize, [u32; 3])>,
    activities: Vec<Activity>,
    ledger_rows: usize,
    incidents: Vec<Incident>,
    scores: Vec<Score>,
    /// The 自评 sheet's rows (rich rules only); `code` may name an item.
    self_scores: Vec<Score>,
    cases: Vec<Accountability>,
}

impl City {
    fn generate(shape: Shape, seed: u64, index: Option<usize>, rules: Rules) -> City {
        let mut rng = Rng::derive(seed, index.unwrap_or(0) as u64);
        let (id_prefix, name_prefix) = match index {
            Some(i) => {
                let base = CITY_NAMES[(i - 1) % CITY_NAMES.len()];
                let round = (i - 1) / CITY_NAMES.len();
                let name = if round == 0 { format!("{base}市") } else { format!("{base}{}市", round + 1) };
                (format!("C{i:02}-"), name)
            }
            None => (String::new(), String::new()),
        };
        let units = unit_tree(&mut rng, shape.units, &id_prefix, &name_prefix);
        let systems = weight_systems(&mut rng, &units);
        let mut city = City {
            rules,
            id_prefix,
            units,
            systems,
            activities: Vec::new(),
            ledger_rows: 0,
            incidents: Vec::new(),
            scores: Vec::new(),
            self_scores: Vec::new(),
            cases: Vec::new(),
        };
        city.activities = (1..city.units.len())
            .flat_map(|unit| ledger(&mut rng, unit, city.units[unit].level, shape.activities_per_unit))
            .collect();
        city.ledger_rows = city.activities.len();
        city.incidents = incidents(&mut rng, city.units.len());
        city.scores = manual_scores(&mut rng, city.units.len());
        city.cases = accountability(&mut rng, &city.id_prefix, city.units.len());
        if rules == Rules::Rich {
            // A stream of its own, so that the units and the plain ledger stay as they are.
            city.enrich(&mut Rng::derive(seed ^ RICH_STREAM, index.unwrap_or(0) as u64));
        }
        city
    }

    /// The city's workbook; the ledger is split into sheets `活动`, `活动-2`, …
    /// of at most `ledger_sheet_rows` rows each (Excel holds 1,048,576 rows).
    fn workbook(&self, ledger_sheet_rows: usize) -> Result<Workbook, XlsxError> {
        let mut workbook = Workbook::new();
        let created = ExcelDateTime::from_ymd(2026, 1, 5)?.and_hms(9, 0, 0)?;
        workbook.set_properties(&DocProperties::new().set_creation_datetime(&created));
        let formats = Formats {
            date: Format::new().set_num_format("yyyy-mm-dd"),
            date_time: Format::new().set_num_format("yyyy-mm-dd hh:mm"),
        };
        write_sheet(workbook.add_worksheet(), "设置", settings_rows(self.rules), &formats)?;
        write_sheet(workbook.add_worksheet(), "单位", self.unit_rows(), &formats)?;
        write_sheet(workbook.add_worksheet(), "指标", criteria_rows(self.rules), &formats)?;
        write_sheet(workbook.add_worksheet(), "权重", self.weight_rows(), &formats)?;
        let mut columns = vec!["单位编号", "日期", "类型", "标题", "材料", "上报", "形式"];
        if self.rules == Rules::Rich {
            columns.extend(["所属期", "级别"]);
        }
        let mut activities = self.activity_rows().peekable();
        for number in 1.. {
            let name = if number == 1 { "活动".to_owned() } else { format!("活动-{number}") };
            let sheet = workbook.add_worksheet_with_constant_memory()?;
            let head = [vec![Cell::text(&format!("{YEAR}年度意识形态工作台账"))], header(&columns)];
            let rows = head.into_iter().chain(activities.by_ref().take(ledger_sheet_rows.max(1)));
            write_sheet(sheet, &name, rows, &formats)?;
            if activities.peek().is_none() {
                break;
            }
        }
        write_sheet(workbook.add_worksheet(), "舆情", self.incident_rows(), &formats)?;
        let scores = workbook.add_worksheet_with_constant_memory()?;
        write_sheet(scores, "评分", score_rows(&self.units, "得分", &self.scores), &formats)?;
        if self.rules == Rules::Rich {
            let self_scores = workbook.add_worksheet_with_constant_memory()?;
            write_sheet(self_scores, "自评", score_rows(&self.units, "自评分", &self.self_scores), &formats)?;
        }
        write_sheet(workbook.add_worksheet(), "问责", self.case_rows(), &formats)?;
        Ok(workbook)
    }

    fn unit_id(&self, unit: usize) -> &str {
        &self.units[unit].id
    }

    fn unit_rows(&self) -> Vec<Vec<Cell>> {
        let mut rows = vec![header(&["编号", "名称", "上级编号", "书记", "类型", "参评"])];
        for unit in &self.units {
            rows.push(vec![
                Cell::text(&unit.id),
                Cell::text(&unit.name),
                unit.parent.map_or(Cell::Empty, |p| Cell::text(&self.units[p].id)),
                Cell::text(&unit.secretary),
                Cell::text(unit.level.kind()),
                Cell::text(if unit.level == Level::Root { "否" } else { "是" }),
            ]);
        }
        rows
    }

    fn weight_rows(&self) -> Vec<Vec<Cell>> {
        let mut rows = vec![header(&["单位编号", "类别", "权重"])];
        let systems = std::iter::once((None, TOP_WEIGHTS))
            .chain(self.systems.iter().map(|(owner, weights)| (Some(*owner), *weights)));
        for (owner, weights) in systems {
            for (category, weight) in SCORED.iter().zip(weights) {
                rows.push(vec![
                    owner.map_or(Cell::Empty, |o| Cell::text(self.unit_id(o))),
                    Cell::text(category),
                    Cell::Number(f64::from(weight)),
                ]);
            }
        }
        rows
    }

    /// The ledger's data rows, streamed (a province's ledgers are large).
    fn activity_rows(&self) -> impl Iterator<Item = Vec<Cell>> + '_ {
        // Document numbers run per unit and year, in date order.
        let mut last_unit = usize::MAX;
        let mut numbers = [0u32; 2];
        self.activities.iter().map(move |activity| {
            if activity.unit != last_unit {
                (last_unit, numbers) = (activity.unit, [0, 0]);
            }
            let date = serial_to_date(activity.date);
            let number = &mut numbers[usize::from(date.year() == YEAR)];
            *number += 1;
            let unit = &self.units[activity.unit];
            let evidence = format!("{}〔{}〕{number}号", unit.name, date.year());
            let mut row = vec![
                Cell::text(&unit.id),
                Cell::Date(activity.date),
                Cell::text(activity.kind),
                Cell::text(&format!("{}{}（{}月）", unit.name, activity.kind, date.month())),
                if activity.evidence { Cell::Text(evidence) } else { Cell::Empty },
                Cell::text(activity.reported),
                Cell::text(activity.form),
            ];
            if self.rules == Rules::Rich {
                row.push(activity.for_period.as_deref().map_or(Cell::Empty, Cell::text));
                row.push(Cell::text(activity.level));
            }
            row
        })
    }

    fn incident_rows(&self) -> Vec<Vec<Cell>> {
        let mut rows = vec![header(&[
            "单位编号",
            "事件",
            "级别",
            "发生时间",
            "发现时间",
            "研判时间",
            "报送时间",
            "处置时间",
        ])];
        for incident in &self.incidents {
            let mut row = vec![
                Cell::text(self.unit_id(incident.unit)),
                Cell::text(&incident.title),
                Cell::text(incident.level),
                Cell::DateTime(incident.occurred),
            ];
            row.extend(incident.steps.iter().map(|step| step.map_or(Cell::Empty, Cell::DateTime)));
            rows.push(row);
        }
        rows
    }

    fn case_rows(&self) -> Vec<Vec<Cell>> {
        let mut rows = vec![header(&["案件", "单位编号", "事项", "决策方式", "姓名", "角色", "意见"])];
        for row in &self.cases {
            rows.push(vec![
                Cell::text(&row.case),
                Cell::text(self.unit_id(row.unit)),
                Cell::text(row.matter),
                Cell::text(row.decision),
                Cell::text(&row.person),
                Cell::text(row.role),
                Cell::text(row.stance),
            ]);
        }
        rows
    }
}

/// The 评分 or 自评 sheet: unit, code, the score under `score_header`, note.
fn score_rows(units: &[Unit], score_header: &str, scores: &[Score]) -> Vec<Vec<Cell>> {
    let mut rows = vec![header(&["单位编号", "指标编号", score_header, "说明"])];
    for score in scores {
        rows.push(vec![
            Cell::text(&units[score.unit].id),
            Cell::text(score.code),
            Cell::Number(score.score),
            Cell::text(score.note),
        ]);
    }
    rows
}

fn person(rng: &mut Rng) -> String {
    format!("{}{}", rng.pick(SURNAMES), rng.pick(GIVEN))
}

/// The root (shared by every city, so identical everywhere), then ~1%
/// committees under it, ~5% general branches under the committees, and
/// branches under a general branch (most) or directly under a committee.
fn unit_tree(rng: &mut Rng, count: usize, id_prefix: &str, name_prefix: &str) -> Vec<Unit> {
    let committees = (count / 100).max(1);
    let generals = (count / 20).max(1);
    let branches = count.saturating_sub(committees + generals).max(1);
    let mut units = vec![Unit {
        id: ROOT_ID.to_owned(),
        name: ASSESSOR.to_owned(),
        parent: None,
        secretary: "郑国栋".to_owned(),
        level: Level::Root,
    }];
    let mut add = |rng: &mut Rng, level: Level, number: usize, parent: usize| {
        let (code, name) = match level {
            Level::Committee => ("W", "党委"),
            Level::General => ("Z", "党总支"),
            _ => ("B", "党支部"),
        };
        units.push(Unit {
            id: format!("{id_prefix}{code}{number:05}"),
            name: format!("{name_prefix}第{number}{name}"),
            parent: Some(parent),
            secretary: person(rng),
            level,
        });
    };
    let first_committee = 1;
    for number in 1..=committees {
        add(rng, Level::Committee, number, 0);
    }
    let first_general = first_committee + committees;
    for number in 1..=generals {
        // Round-robin first, so that every committee has a general branch.
        let parent = if number <= committees { number - 1 } else { rng.below(committees) };
        add(rng, Level::General, number, first_committee + parent);
    }
    for number in 1..=branches {
        let parent = if rng.chance(0.8) {
            first_general + rng.below(generals)
        } else {
            first_committee + rng.below(committees)
        };
        add(rng, Level::Branch, number, parent);
    }
    units
}

/// The remaining weight after the ideological one, split between party
/// building and business work.
fn split_weights(ideological: u32) -> [u32; 3] {
    let business = (100 - ideological) / 2;
    [ideological, 100 - ideological - business, business]
}

/// Every committee and general branch has its own system; the ideological
/// weight never falls below the enclosing system's (requirement 14 of docs/简介.md).
fn weight_systems(rng: &mut Rng, units: &[Unit]) -> Vec<(usize, [u32; 3])> {
    let mut ideological = vec![TOP_WEIGHTS[0]; units.len()];
    let mut systems = Vec::new();
    for (index, unit) in units.iter().enumerate() {
        let Some(parent) = unit.parent else { continue };
        let step = match unit.level {
            Level::Committee => *rng.pick(&[0, 5, 5, 10]),
            Level::General => *rng.pick(&[0, 5]),
            Level::Root | Level::Branch => continue,
        };
        ideological[index] = (ideological[parent] + step).min(50);
        systems.push((index, split_weights(ideological[index])));
    }
    systems
}

fn days_in_month(year: i32, month: u32) -> u32 {
    let next = if month == 12 {
        NaiveDate::from_ymd_opt(year + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(year, month + 1, 1)
    };
    next.expect("a valid month").pred_opt().expect("a previous day").day()
}

fn excel_epoch() -> NaiveDateTime {
    NaiveDate::from_ymd_opt(1899, 12, 30).expect("a date").and_hms_opt(0, 0, 0).expect("a time")
}

fn date_serial(date: NaiveDate) -> f64 {
    (date - excel_epoch().date()).num_days() as f64
}

fn serial_to_date(serial: f64) -> NaiveDate {
    excel_epoch().date() + Duration::days(serial as i64)
}

/// A random day in months `first..=last` of `year`.
fn random_day(rng: &mut Rng, year: i32, (first, last): (u32, u32)) -> f64 {
    let month = rng.between(first as usize, last as usize) as u32;
    let day = rng.between(1, days_in_month(year, month) as usize) as u32;
    date_serial(NaiveDate::from_ymd_opt(year, month, day).expect("a valid day"))
}

fn applies(criterion: &Criterion, level: Level) -> bool {
    criterion.applies_to.is_empty() || matches!(level, Level::Committee | Level::General)
}

/// The extra attributes of a ledger row: 上报 and 形式.
fn attributes(rng: &mut Rng, kind: &str) -> (&'static str, &'static str) {
    match kind {
        "综合检查" => (if rng.chance(0.9) { "是" } else { "否" }, ""),
        "通报" => (if rng.chance(0.3) { "是" } else { "否" }, ""),
        "专题汇报" => ("", if rng.chance(0.6) { "书面" } else { "当面" }),
        _ => ("", ""),
    }
}

/// About `per_unit` (±25%) ledger rows for one unit, in date order: the
/// required schedule with random gaps, occasional events, a few rows
/// carried over from last December, then padding with extra activities
/// (or, when the schedule is longer than the budget, more gaps).
fn ledger(rng: &mut Rng, unit: usize, level: Level, per_unit: usize) -> Vec<Activity> {
    let target = rng.between(per_unit * 3 / 4, per_unit * 5 / 4);
    let mut schedule: Vec<(&'static str, f64)> = Vec::new();
    let mut counted: Vec<&'static str> = Vec::new();
    for criterion in CRITERIA.iter().filter(|c| applies(c, level)) {
        let Rule::AtLeast { required, period } = criterion.rule else { continue };
        counted.push(criterion.activity);
        for slot in period.slots() {
            for _ in 0..required {
                if rng.chance(0.93) {
                    schedule.push((criterion.activity, random_day(rng, YEAR, slot)));
                }
            }
        }
    }
    let mut fixed: Vec<(&'static str, f64)> = Vec::new();
    for &(kind, chance) in EVENTS {
        while fixed.len() < target && rng.chance(chance) {
            fixed.push((kind, random_day(rng, YEAR, (1, 12))));
        }
    }
    if rng.chance(0.3) {
        for _ in 0..rng.between(1, 2) {
            fixed.push((*rng.pick(&counted), random_day(rng, YEAR - 1, (12, 12))));
        }
    }
    let budget = target.saturating_sub(fixed.len());
    rng.shuffle(&mut schedule);
    schedule.truncate(budget);
    while schedule.len() < budget {
        schedule.push((*rng.pick(&counted), random_day(rng, YEAR, (1, 12))));
    }
    let mut rows: Vec<Activity> = schedule
        .into_iter()
        .chain(fixed)
        .map(|(kind, date)| {
            let (reported, form) = attributes(rng, kind);
            Activity { unit, date, kind, reported, form, evidence: true, for_period: None, level: "" }
        })
        .collect();
    rows.sort_by(|a, b| a.date.total_cmp(&b.date));
    rows
}

/// About one incident per ten assessed units. Each step follows the one
/// before within a few hours, sometimes late (over 24 hours) or not done.
fn incidents(rng: &mut Rng, units: usize) -> Vec<Incident> {
    let count = ((units - 1) / 10).max(1);
    let mut incidents: Vec<Incident> = (1..=count)
        .map(|number| {
            let unit = rng.between(1, units - 1);
            let occurred = random_day(rng, YEAR, (1, 12)) + rng.below(24 * 60) as f64 / (24.0 * 60.0);
            let mut last = occurred;
            let steps = std::array::from_fn(|_| {
                if rng.chance(0.04) {
                    return None;
                }
                let minutes = if rng.chance(0.08) {
                    rng.between(24 * 60 + 1, 72 * 60)
                } else {
                    rng.between(10, 20 * 60)
                };
                last += minutes as f64 / (24.0 * 60.0);
                Some(last)
            });
            let level = *rng.pick(&["一般", "一般", "一般", "较大", "重大"]);
            Incident {
                unit,
                title: format!("第{number}号舆情：{}", rng.pick(TOPICS)),
                level,
                occurred,
                steps,
            }
        })
        .collect();
    incidents.sort_by(|a, b| a.occurred.total_cmp(&b.occurred));
    incidents
}

/// A score for every assessed unit and manual indicator, in half points.
fn manual_scores(rng: &mut Rng, units: usize) -> Vec<Score> {
    let manual: Vec<&Criterion> = CRITERIA.iter().filter(|c| c.rule == Rule::Manual).collect();
    let mut scores = Vec::new();
    for unit in 1..units {
        for criterion in &manual {
            let lost = (rng.below(9) as f64 * 0.5).min(criterion.points);
            let note = if lost >= 3.0 { "材料不完整" } else { "" };
            scores.push(Score { unit, code: criterion.code, score: criterion.points - lost, note });
        }
    }
    scores
}

/// A few cases, about one per 500 units: collective ones (principal,
/// in-charge, members, sometimes a dissenter) and individual ones (a
/// decider and the others present). A case's rows share one 决策方式.
fn accountability(rng: &mut Rng, id_prefix: &str, units: usize) -> Vec<Accountability> {
    let mut rows = Vec::new();
    for number in 1..=(units / 500).max(2) {
        let case = format!("{id_prefix}WZ{YEAR}-{number:02}");
        let unit = rng.between(1, units - 1);
        let matter = *rng.pick(MATTERS);
        let collective = number % 2 == 1;
        let roles: Vec<(&'static str, &'static str)> = if collective {
            let mut roles = vec![("主要负责人", "赞成"), ("分管负责人", "赞成"), ("班子成员", "赞成")];
            roles.push(("班子成员", if rng.chance(0.5) { "反对" } else { "赞成" }));
            roles
        } else {
            vec![("决定人", ""), ("班子成员", "")]
        };
        let decision = if collective { "集体" } else { "个人" };
        for (role, stance) in roles {
            let person = person(rng);
            rows.push(Accountability { case: case.clone(), unit, matter, decision, person, role, stance });
        }
    }
    rows
}

/// The seed mixer of the rich rules' own stream.
const RICH_STREAM: u64 = 0x5249_4348_5255_4C45;

impl City {
    /// Turns the plain ledger into one the rich rules score: each unit has a
    /// habit of reporting late (a few units often), due reports carry their
    /// 所属期 and the late ones move past their due day, some 季度分析 lack
    /// 材料, graded events get a 级别; most units record the gate's activity,
    /// a few the 不得评优 one. Then the evaluator's sparse scores of an item's
    /// 评分 clause (only where points are lost) and every unit's 自评.
    fn enrich(&mut self, rng: &mut Rng) {
        let rows = criteria(Rules::Rich);
        let late_habit: Vec<f64> = self.units.iter().map(|_| *rng.pick(&[0.02, 0.05, 0.1, 0.5])).collect();
        for activity in &mut self.activities {
            let Some((criterion, refinement)) = rows.iter().find(|(c, _)| c.activity == activity.kind) else {
                continue;
            };
            let date = serial_to_date(activity.date);
            match (refinement.due, criterion.rule) {
                (Due::AfterPeriod(days), Rule::AtLeast { period, .. }) => {
                    let (first, last) = period.slot_of(date.month());
                    activity.for_period = Some(period.label(date.year(), first));
                    if rng.chance(late_habit[activity.unit]) {
                        let end =
                            NaiveDate::from_ymd_opt(date.year(), last, days_in_month(date.year(), last));
                        let late = rng.between(days as usize + 1, days as usize + 20) as f64;
                        activity.date = date_serial(end.expect("a period's last day")) + late;
                    }
                }
                (Due::Fixed { month, day }, _) if date.year() == YEAR => {
                    let due = date_serial(NaiveDate::from_ymd_opt(YEAR, month, day).expect("a due day"));
                    let new_year = date_serial(NaiveDate::from_ymd_opt(YEAR, 1, 1).expect("a day"));
                    activity.date = if rng.chance(late_habit[activity.unit]) {
                        due + rng.between(1, 90) as f64
                    } else {
                        new_year + rng.below((due - new_year) as usize + 1) as f64
                    };
                }
                _ => {}
            }
            if refinement.filter == EVIDENCE {
                activity.evidence = !rng.chance(0.06);
            }
            if let Some((_, levels)) = LEVELS.iter().find(|(kind, _)| *kind == activity.kind) {
                activity.level = *rng.pick(levels);
            }
        }
        for (criterion, refinement) in &rows {
            let chance = match criterion.rule {
                Rule::Gate => 0.9,
                Rule::Veto if !refinement.veto_mode.is_empty() => 0.02,
                _ => continue,
            };
            for unit in 1..self.units.len() {
                if rng.chance(chance) {
                    let date = random_day(rng, YEAR, (1, 3));
                    let kind = criterion.activity;
                    let (evidence, for_period, level) = (true, None, "");
                    let row =
                        Activity { unit, date, kind, reported: "", form: "", evidence, for_period, level };
                    self.activities.push(row);
                }
            }
        }
        // Stable: a unit's rows in date order, as the plain ledger has them.
        self.activities.sort_by(|a, b| a.unit.cmp(&b.unit).then(a.date.total_cmp(&b.date)));
        self.ledger_rows = self.activities.len();
        for (criterion, refinement) in &rows {
            if criterion.rule != Rule::Manual || refinement.item.is_empty() {
                continue;
            }
            for unit in 1..self.units.len() {
                if rng.chance(0.3) {
                    let score = criterion.points - rng.between(1, 4) as f64 * 0.5;
                    self.scores.push(Score { unit, code: criterion.code, score, note: "落实不到位" });
                }
            }
        }
        self.self_scores = self_assessment(rng, &self.units, &rows);
    }
}

/// Every assessed unit's 自评 of each applicable indicator outside the items
/// (否决 aside) and of each item as a whole: mostly full marks, else half
/// points lost; a bonus indicator claims up to its points.
fn self_assessment(rng: &mut Rng, units: &[Unit], rows: &[(&Criterion, &Refinement)]) -> Vec<Score> {
    let mut scores = Vec::new();
    for (unit, assessed) in units.iter().enumerate().skip(1) {
        let indicators = rows
            .iter()
            .filter(|(c, r)| r.item.is_empty() && c.rule != Rule::Veto && applies(c, assessed.level))
            .map(|(c, _)| (c.code, c.points, c.rule == Rule::Bonus));
        let items =
            rows.iter().filter(|(_, r)| r.item_points > 0.0).map(|(_, r)| (r.item, r.item_points, false));
        for (code, points, bonus) in indicators.chain(items) {
            let claimed = if bonus { rng.below(points as usize * 2 + 1) as f64 * 0.5 } else { points };
            let score =
                if rng.chance(0.6) { claimed } else { (claimed - rng.between(1, 6) as f64 * 0.5).max(0.0) };
            scores.push(Score { unit, code, score, note: "" });
        }
    }
    scores
}

fn settings_rows(rules: Rules) -> Vec<Vec<Cell>> {
    let mut rows = vec![
        header(&["项目", "值"]),
        vec![Cell::text("年度"), Cell::Number(f64::from(YEAR))],
        vec![Cell::text("考核单位"), Cell::text(ASSESSOR)],
        vec![Cell::text("等次"), Cell::text("优秀:90;良好:80;合格:60;不合格:0")],
    ];
    if rules == Rules::Rich {
        rows.push(vec![Cell::text("加分上限"), Cell::Number(5.0)]);
        rows.push(vec![Cell::text("自评偏差"), Cell::Number(20.0)]);
    }
    rows
}

/// The rows of 指标 in order, each with what the rules write beyond the plain columns.
fn criteria(rules: Rules) -> Vec<(&'static Criterion, &'static Refinement)> {
    let refinement = |code: &str| REFINEMENTS.iter().find(|r| r.code == code).unwrap_or(&UNREFINED);
    let mut rows = Vec::new();
    for criterion in CRITERIA {
        match rules {
            Rules::Plain => rows.push((criterion, &UNREFINED)),
            Rules::Rich => {
                rows.push((criterion, refinement(criterion.code)));
                for (_, added) in RICH_ONLY.iter().filter(|(after, _)| *after == criterion.code) {
                    rows.push((added, refinement(added.code)));
                }
            }
        }
    }
    rows
}

fn criteria_rows(rules: Rules) -> Vec<Vec<Cell>> {
    let mut columns = vec![
        "编号",
        "类别",
        "名称",
        "分值",
        "规则",
        "活动类型",
        "要求次数",
        "周期",
        "单项分",
        "时限小时",
        "条件",
        "适用",
        "评分标准",
    ];
    if rules == Rules::Rich {
        columns.extend(["分级", "否决方式", "考核项目", "项目分值", "截止", "迟报扣分"]);
    }
    let mut rows = vec![header(&columns)];
    let positive = |x: f64| if x > 0.0 { Cell::Number(x) } else { Cell::Empty };
    for (c, refinement) in criteria(rules) {
        let (required, period, hours) = match c.rule {
            Rule::AtLeast { required, period } => {
                (Cell::Number(f64::from(required)), Cell::text(period.keyword()), Cell::Empty)
            }
            Rule::Timeliness { hours } => (Cell::Empty, Cell::Empty, Cell::Number(f64::from(hours))),
            _ => (Cell::Empty, Cell::Empty, Cell::Empty),
        };
        let points = if refinement.capped_by_item { Cell::Empty } else { positive(c.points) };
        let unit_points = if refinement.grades.is_empty() {
            positive(c.unit_points)
        } else {
            Cell::text(refinement.grades)
        };
        let filter = if refinement.filter.is_empty() { c.filter } else { refinement.filter };
        let mut row = vec![
            Cell::text(c.code),
            Cell::text(c.category),
            Cell::text(c.name),
            points,
            Cell::text(c.rule.keyword()),
            Cell::text(c.activity),
            required,
            period,
            unit_points,
            hours,
            Cell::text(filter),
            Cell::text(c.applies_to),
            Cell::text(c.standard),
        ];
        if rules == Rules::Rich {
            row.extend([
                Cell::text(refinement.graded_by),
                Cell::text(refinement.veto_mode),
                Cell::text(refinement.item),
                positive(refinement.item_points),
                refinement.due.cell(),
                positive(refinement.late_points),
            ]);
        }
        rows.push(row);
    }
    rows
}

// ---------------------------------------------------------------------------
// Writing

enum Cell {
    Empty,
    Text(String),
    Number(f64),
    /// Excel serial day, shown `yyyy-mm-dd`.
    Date(f64),
    /// Excel serial date-time, shown `yyyy-mm-dd hh:mm`.
    DateTime(f64),
}

impl Cell {
    /// A text cell; empty text is no cell at all.
    fn text(text: &str) -> Cell {
        if text.is_empty() { Cell::Empty } else { Cell::Text(text.to_owned()) }
    }
}

fn header(names: &[&str]) -> Vec<Cell> {
    names.iter().map(|name| Cell::text(name)).collect()
}

struct Formats {
    date: Format,
    date_time: Format,
}

/// Writes `rows` top to bottom, left to right (as constant-memory mode needs).
fn write_sheet(
    sheet: &mut Worksheet,
    name: &str,
    rows: impl IntoIterator<Item = Vec<Cell>>,
    formats: &Formats,
) -> Result<(), XlsxError> {
    sheet.set_name(name)?;
    for (r, row) in rows.into_iter().enumerate() {
        let r = r as u32;
        for (c, cell) in row.iter().enumerate() {
            let c = c as u16;
            match cell {
                Cell::Empty => {}
                Cell::Text(text) => {
                    sheet.write_string(r, c, text)?;
                }
                Cell::Number(number) => {
                    sheet.write_number(r, c, *number)?;
                }
                Cell::Date(serial) => {
                    sheet.write_number_with_format(r, c, *serial, &formats.date)?;
                }
                Cell::DateTime(serial) => {
                    sheet.write_number_with_format(r, c, *serial, &formats.date_time)?;
                }
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_prng_is_deterministic_and_spreads() {
        let draw = |seed| {
            let mut rng = Rng(seed);
            (0..1000).map(|_| rng.below(10)).collect::<Vec<_>>()
        };
        assert_eq!(draw(7), draw(7));
        assert_ne!(draw(7), draw(8));
        // SplitMix64's published first output for seed 0.
        assert_eq!(Rng(0).next_u64(), 0xE220_A839_7B1D_CDAF);
        let sample = draw(7);
        assert!((0..10).all(|digit| sample.iter().filter(|&&d| d == digit).count() > 60));
    }

    #[test]
    fn units_form_three_levels_under_the_root() {
        let units = unit_tree(&mut Rng(1), 300, "C01-", "东城市");
        let count = |level| units.iter().filter(|u| u.level == level).count();
        assert_eq!((count(Level::Root), count(Level::Committee), count(Level::General)), (1, 3, 15));
        assert_eq!(count(Level::Branch), 282);
        for unit in &units[1..] {
            let parent = units[unit.parent.expect("a parent")].level;
            let expected: &[Level] = match unit.level {
                Level::Committee => &[Level::Root],
                Level::General => &[Level::Committee],
                _ => &[Level::Committee, Level::General],
            };
            assert!(expected.contains(&parent), "{} under {parent:?}", unit.id);
        }
        assert_eq!((units[1].id.as_str(), units[1].name.as_str()), ("C01-W00001", "东城市第1党委"));
    }

    #[test]
    fn every_system_sums_to_100_and_never_lowers_the_ideological_weight() {
        let units = unit_tree(&mut Rng(2), 400, "", "");
        let systems = weight_systems(&mut Rng(3), &units);
        assert_eq!(systems.len(), 4 + 20);
        for (owner, weights) in &systems {
            assert_eq!(weights.iter().sum::<u32>(), 100);
            let parent = units[*owner].parent.expect("a parent");
            let enclosing = systems.iter().find(|(o, _)| *o == parent).map_or(TOP_WEIGHTS, |(_, w)| *w);
            assert!(weights[0] >= enclosing[0], "{weights:?} under {enclosing:?}");
        }
        assert_eq!(split_weights(35), [35, 33, 32]);
    }

    #[test]
    fn a_long_ledger_continues_on_numbered_sheets() {
        use calamine::Reader;
        let city = City::generate(Shape { units: 40, activities_per_unit: 5 }, 4, None, Rules::Plain);
        let bytes = city.workbook(100).unwrap().save_to_buffer().unwrap();
        let mut workbook = calamine::Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
        let ledgers: Vec<String> =
            workbook.sheet_names().into_iter().filter(|name| name.starts_with("活动")).collect();
        assert_eq!(ledgers.len(), city.ledger_rows.div_ceil(100));
        assert_eq!(&ledgers[..2], ["活动", "活动-2"]);
        // Each sheet: the title row, the header, then its share of the rows.
        let rows: usize =
            ledgers.iter().map(|name| workbook.worksheet_range(name).unwrap().height() - 2).sum();
        assert_eq!(rows, city.ledger_rows);
    }

    #[test]
    fn the_same_arguments_give_the_same_bytes() {
        let shape = Shape { units: 40, activities_per_unit: 5 };
        let bytes = |rules| {
            City::generate(shape, 9, Some(2), rules).workbook(1000).unwrap().save_to_buffer().unwrap()
        };
        assert_eq!(bytes(Rules::Plain), bytes(Rules::Plain));
        assert_eq!(bytes(Rules::Rich), bytes(Rules::Rich));
        assert_ne!(bytes(Rules::Plain), bytes(Rules::Rich));
    }

    #[test]
    fn periods_are_labelled_as_a_for_period_cell_reads() {
        assert_eq!(Period::Half.label(2025, Period::Half.slot_of(8).0), "2025年下半年");
        assert_eq!(Period::Quarter.label(2025, Period::Quarter.slot_of(5).0), "2025年第二季度");
        assert_eq!(Period::Month.label(2024, 12), "2024年12月");
        assert_eq!(Period::Year.label(2025, 1), "2025年");
    }

    /// The rich city's workbook, read back.
    fn rich_workbook(city: &City) -> calamine::Xlsx<std::io::Cursor<Vec<u8>>> {
        use calamine::Reader;
        let bytes = city.workbook(1_000_000).unwrap().save_to_buffer().unwrap();
        calamine::Xlsx::new(std::io::Cursor::new(bytes)).unwrap()
    }

    #[test]
    fn rich_criteria_write_items_gates_grades_and_due_dates() {
        use calamine::{Data, Reader};
        let city = City::generate(Shape { units: 60, activities_per_unit: 20 }, 5, None, Rules::Rich);
        let criteria = rich_workbook(&city).worksheet_range("指标").unwrap();
        let head: Vec<String> = criteria.rows().next().unwrap().iter().map(|c| c.to_string()).collect();
        let column = |name: &str| head.iter().position(|h| h == name).unwrap();
        let row = |code: &str| criteria.rows().find(|r| r[0] == Data::String(code.into())).unwrap().to_vec();
        let text = |code: &str, name: &str| row(code)[column(name)].to_string();
        assert_eq!(head.len(), 19);
        // A clause capped by its item only, on the item's first row.
        assert_eq!(
            (text("DJ01", "分值"), text("DJ01", "考核项目"), text("DJ01", "项目分值")),
            ("".into(), ORGANISATION.into(), "12".into())
        );
        assert_eq!((text("DJ02", "考核项目"), text("DJ02", "项目分值")), (ORGANISATION.into(), "".into()));
        assert_eq!(
            (text("YS15", "规则"), text("YS15", "活动类型"), text("YS15", "考核项目")),
            ("前置".into(), "责任清单".into(), DUTY.into())
        );
        assert_eq!((text("YS03", "截止"), text("YS03", "迟报扣分")), ("期末后10天".into(), "1.5".into()));
        assert_eq!(text("YS12", "截止"), "3月31日");
        assert_eq!(
            (text("YW05", "分级"), text("YW05", "单项分")),
            ("级别".into(), "重大:10；较大:5；一般:2".into())
        );
        assert_eq!((text("YS17", "规则"), text("YS17", "否决方式")), ("否决".into(), "不得评优".into()));
        assert_eq!(text("YS04", "条件"), EVIDENCE);
        // The rows only the rich rules have follow the plain row they are placed after.
        let codes: Vec<String> = criteria.rows().skip(1).map(|r| r[0].to_string()).collect();
        assert_eq!(&codes[11..17], ["YS12", "YS15", "YS16", "YS13", "YS14", "YS17"]);
    }

    #[test]
    fn a_rich_ledger_is_the_plain_one_with_due_reports_moved_and_the_gate_added() {
        let shape = Shape { units: 200, activities_per_unit: 30 };
        let plain = City::generate(shape, 6, None, Rules::Plain);
        let rich = City::generate(shape, 6, None, Rules::Rich);
        assert_eq!(
            plain.units.iter().map(|u| &u.id).collect::<Vec<_>>(),
            rich.units.iter().map(|u| &u.id).collect::<Vec<_>>()
        );
        let count = |city: &City, kind: &str| city.activities.iter().filter(|a| a.kind == kind).count();
        for kind in ["月度报表", "通报", "季度分析", "三会一课", "安全事故"] {
            assert_eq!(count(&plain, kind), count(&rich, kind), "{kind}");
        }
        let gates = count(&rich, "责任清单");
        assert!((150..200).contains(&gates), "{gates} of 199 units record the gate");
        assert_eq!(rich.ledger_rows, plain.ledger_rows + gates + count(&rich, "通报批评"));
        // Every monthly report names its month; the late ones are dated past its 5th day after.
        let mut late = 0;
        for report in rich.activities.iter().filter(|a| a.kind == "月度报表") {
            let label = report.for_period.as_deref().unwrap();
            let date = serial_to_date(report.date);
            if label != Period::Month.label(date.year(), date.month()) {
                late += 1;
                let (year, month) =
                    if date.month() == 1 { (date.year() - 1, 12) } else { (date.year(), date.month() - 1) };
                assert_eq!(label, Period::Month.label(year, month));
                let end =
                    date_serial(NaiveDate::from_ymd_opt(year, month, days_in_month(year, month)).unwrap());
                assert!((6.0..=25.0).contains(&(report.date - end)), "{label} sent {}", report.date - end);
            }
        }
        assert!(late > 0);
        let levels: Vec<&str> =
            rich.activities.iter().filter(|a| a.kind == "安全事故").map(|a| a.level).collect();
        assert!(levels.iter().all(|l| ["一般", "较大", "重大"].contains(l)), "{levels:?}");
        assert!(rich.activities.iter().any(|a| a.kind == "季度分析" && !a.evidence));
    }

    #[test]
    fn every_assessed_unit_assesses_itself_on_each_item_and_free_indicator() {
        use calamine::{Data, DataType, Reader};
        let city = City::generate(Shape { units: 60, activities_per_unit: 20 }, 5, None, Rules::Rich);
        let sheet = rich_workbook(&city).worksheet_range("自评").unwrap();
        let unit = &city.units[city.units.iter().position(|u| u.level == Level::Branch).unwrap()];
        let codes: Vec<String> = sheet
            .rows()
            .filter(|r| r[0] == Data::String(unit.id.clone()))
            .map(|r| r[1].to_string())
            .collect();
        // 16 indicators outside the items (no veto, none only for committees), then the three items.
        assert_eq!(codes.len(), 19);
        assert_eq!(&codes[16..], [DUTY, ORGANISATION, REPORTING]);
        assert!(
            !codes.iter().any(|c| ["YS01", "YS14", "YS17", "YS08", "DJ01"].contains(&c.as_str())),
            "{codes:?}"
        );
        for row in sheet.rows().skip(1) {
            let score = row[2].get_float().unwrap();
            let points = rows_points(&row[1].to_string());
            assert!((0.0..=points).contains(&score), "{row:?}");
        }
    }

    /// The most a 自评 row may claim: an item's 项目分值, else the indicator's 分值.
    fn rows_points(code: &str) -> f64 {
        let rows = criteria(Rules::Rich);
        rows.iter()
            .find(|(_, r)| r.item == code && r.item_points > 0.0)
            .map(|(_, r)| r.item_points)
            .or_else(|| rows.iter().find(|(c, _)| c.code == code).map(|(c, _)| c.points))
            .unwrap()
    }
}
