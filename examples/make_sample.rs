//! Writes the bundled demo workbook `samples/示例台账.xlsx` from the default
//! criteria ([`kaohe::defaults`]): a bureau Party committee, two assessing
//! organisations with their own weight systems, fifteen assessed units and a
//! year of ledgers with realistic gaps — a missing 前置, late and
//! next-January reports with 所属期, a record without evidence —, late
//! public-opinion incidents graded by 级别, manual scores, a veto and a
//! 不得评优, a few units' self-assessments and two accountability cases.
//! `samples/README.md` lists what it contains and what `kaohe check` /
//! `kaohe score` should report.
//!
//! It also writes last year's score workbook `samples/2024年度考核得分表.xlsx`,
//! for `kaohe score --previous`: kaohe's own scoring of the 2024 edition of
//! the same ledger ([`Edition::LastYear`]: a year earlier, other draws of
//! the days and manual scores, U32 not yet founded and U18 still assessed).
//!
//! Run `cargo run --example make_sample [PATH [PREVIOUS_PATH]]`. The output
//! is deterministic (a seeded LCG, fixed workbook metadata, kaohe's own
//! byte-identical output); a test checks that the committed files equal
//! what this generator writes now.

use std::collections::BTreeMap;
use std::error::Error;
use std::path::PathBuf;

use chrono::{Datelike, NaiveDate, NaiveDateTime};
use kaohe::defaults::{self, DefaultIndicator};
use kaohe::init::{Cell, SHEET_ORDER, header, new_workbook, write_table};
use kaohe::input::schema::{CRITERIA_COLUMNS, Column, SettingKey, SheetKind};
use rust_xlsxwriter::{Format, FormatAlign, Worksheet, XlsxError};

/// Where the committed sample lives.
const SAMPLE_PATH: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/samples/示例台账.xlsx");
/// Where the committed previous-year workbook lives.
const PREVIOUS_PATH: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/samples/2024年度考核得分表.xlsx");
/// The name of the 2024 ledger as the previous workbook's 说明 lists it.
const PREVIOUS_LEDGER: &str = "2024年度示例台账.xlsx";
const YEAR: i32 = 2025;
const LEDGER_TITLE: &str = "2025年度意识形态工作台账";

fn main() -> Result<(), Box<dyn Error>> {
    let path = |index: usize, default: &str| {
        std::env::args_os().nth(index).map_or_else(|| PathBuf::from(default), PathBuf::from)
    };
    let (sample, previous) = (path(1, SAMPLE_PATH), path(2, PREVIOUS_PATH));
    std::fs::write(&sample, sample_workbook(Edition::ThisYear)?)?;
    std::fs::write(&previous, previous_workbook()?)?;
    println!("{}\n{}", sample.display(), previous.display());
    Ok(())
}

/// Last year's score workbook: the 2024 ledger scored by kaohe.
fn previous_workbook() -> Result<Vec<u8>, Box<dyn Error>> {
    let dir = tempfile::tempdir()?;
    let ledger = dir.path().join(PREVIOUS_LEDGER);
    std::fs::write(&ledger, sample_workbook(Edition::LastYear)?)?;
    let out = dir.path().join("out");
    let args = kaohe::cli::Score {
        input: kaohe::cli::Input { inputs: vec![ledger], year: None, strict: false },
        output: kaohe::cli::Output { dir: out.clone(), force: false },
        templates: None,
        json: false,
        pdf: None,
        previous: None,
    };
    // No SOURCE_DATE_EPOCH: the workbook's dates come from the ledger.
    kaohe::run_score(&args, None, kaohe::diagnostic::Lang::Zh)
        .map_err(|_| "the 2024 ledger does not score")?;
    Ok(std::fs::read(out.join("考核得分表.xlsx"))?)
}

/// One year of the sample.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Edition {
    /// The committed 2025 ledger.
    ThisYear,
    /// The 2024 ledger behind last year's workbook: the same plan, gaps and
    /// cases a year earlier, with its own draws of days and manual scores;
    /// U32 was founded in 2025 (上年未参评) and U18, assessed in 2024, has
    /// since been merged away (a unit of last year not found).
    LastYear,
}

/// U18, assessed in 2024 only.
const MERGED_AWAY: Org = org("U18", "党建办党支部", "U10", "钱进", "党支部", "党支");
/// U32, founded in 2025.
const FOUNDED: &str = "U32";

impl Edition {
    fn year(self) -> i32 {
        match self {
            Edition::ThisYear => YEAR,
            Edition::LastYear => YEAR - 1,
        }
    }

    /// The organisations of the 单位 sheet.
    fn orgs(self) -> Vec<&'static Org> {
        match self {
            Edition::ThisYear => ORGS.iter().collect(),
            Edition::LastYear => {
                let mut orgs: Vec<&Org> = ORGS.iter().filter(|org| org.id != FOUNDED).collect();
                let after = orgs.iter().position(|org| org.id == "U17").expect("U17") + 1;
                orgs.insert(after, &MERGED_AWAY);
                orgs
            }
        }
    }

    /// Whether `unit` (an id or a name) is one of this edition's organisations.
    fn has(self, unit: &str) -> bool {
        self.orgs().iter().any(|org| org.id == unit || org.name == unit)
    }

    /// A cell written for 2025 as this edition has it: dates, and the years
    /// named in text, as many years earlier.
    fn cell(self, cell: Cell) -> Cell {
        let earlier = YEAR - self.year();
        let shifted = |year: i32| year - earlier;
        match cell {
            _ if earlier == 0 => cell,
            Cell::Text(text) => Cell::Text(self.text(&text)),
            Cell::Date(day) => Cell::Date(day.with_year(shifted(day.year())).expect("not 29 February")),
            Cell::DateTime(moment) => {
                Cell::DateTime(moment.with_year(shifted(moment.year())).expect("not 29 February"))
            }
            other => other,
        }
    }

    /// `text` written for 2025 with every year it names (2024–2026) as
    /// many years earlier.
    fn text(self, text: &str) -> String {
        let earlier = YEAR - self.year();
        (YEAR - 1..=YEAR + 1).fold(text.to_owned(), |text, year| {
            text.replace(&year.to_string(), &(year - earlier).to_string())
        })
    }

    /// Every row of a sheet as this edition has it.
    fn rows(self, rows: Vec<Vec<Cell>>) -> Vec<Vec<Cell>> {
        rows.into_iter().map(|row| row.into_iter().map(|cell| self.cell(cell)).collect()).collect()
    }
}

/// An organisation of the 单位 sheet; `prefix` abbreviates it in document numbers.
struct Org {
    id: &'static str,
    name: &'static str,
    parent: &'static str,
    secretary: &'static str,
    kind: &'static str,
    assessed: bool,
    prefix: &'static str,
}

const fn org(
    id: &'static str,
    name: &'static str,
    parent: &'static str,
    secretary: &'static str,
    kind: &'static str,
    prefix: &'static str,
) -> Org {
    Org { id, name, parent, secretary, kind, assessed: true, prefix }
}

const ORGS: &[Org] = &[
    Org { assessed: false, ..org("U00", "局党委", "", "张卫东", "党委", "局党委") },
    org("U10", "机关党委", "U00", "李文华", "党委", "机党"),
    org("U11", "办公室党支部", "U10", "王芳", "党支部", "办支"),
    org("U12", "人事股党支部", "U10", "陈志刚", "党支部", "人支"),
    org("U13", "财务股党支部", "U10", "刘丽", "党支部", "财支"),
    org("U14", "法规股党支部", "U10", "杨帆", "党支部", "法支"),
    org("U15", "宣传股党支部", "U10", "赵敏", "党支部", "宣支"),
    org("U16", "规划股党支部", "U10", "黄海", "党支部", "规支"),
    org("U17", "信息中心党支部", "U10", "周建国", "党支部", "信支"),
    org("U20", "第一党总支", "U00", "吴建华", "党总支", "一总支"),
    org("U21", "稽查大队党支部", "U20", "徐磊", "党支部", "稽支"),
    org("U22", "服务中心党支部", "U20", "孙静", "党支部", "服支"),
    org("U23", "监测站党支部", "U20", "马超", "党支部", "监支"),
    org("U24", "档案馆党支部", "U20", "朱红", "党支部", "档支"),
    org("U31", "离退休干部党支部", "U00", "胡德明", "党支部", "离支"),
    org("U32", "后勤服务中心党支部", "U00", "郭强", "党支部", "后支"),
];

/// Weight systems of the two assessing organisations (the top-level one is
/// [`defaults::WEIGHTS`]); their ideological weights 35 and 40 exceed its 30.
const OWN_SYSTEMS: &[(&str, [(&str, &str); 3])] = &[
    ("U10", [(defaults::IDEOLOGICAL, "35"), (defaults::PARTY_BUILDING, "35"), (defaults::BUSINESS, "30")]),
    ("U20", [(defaults::IDEOLOGICAL, "40"), (defaults::PARTY_BUILDING, "35"), (defaults::BUSINESS, "25")]),
];

/// One activity of a complete year's ledger: the indicator it serves, the
/// month (13 is January of the next year), the title; `document` activities
/// carry a document number, the others a meeting record.
struct Planned {
    code: &'static str,
    month: u32,
    title: &'static str,
    document: bool,
    /// 上报 (综合检查 only).
    reported: &'static str,
    /// 形式 (专题汇报 only).
    form: &'static str,
    /// 所属期 of a report made after its period: it is then due within the
    /// first days after the period ends (YS07's `期末后10天`).
    for_period: &'static str,
}

const fn planned(code: &'static str, month: u32, title: &'static str, document: bool) -> Planned {
    Planned { code, month, title, document, reported: "", form: "", for_period: "" }
}

const PLAN: &[Planned] = &[
    planned("YS15", 1, "2025年度意识形态工作责任清单", true),
    planned("YS08", 1, "2024年度书记述职（含意识形态工作责任制落实情况）", false),
    planned("YW02", 1, "第一季度工作信息", true),
    planned("YS13", 2, "2025年意识形态工作计划及宣传思想工作要点", true),
    planned("YS09", 2, "2024年度民主生活会对照检查意识形态工作", false),
    planned("DJ01", 2, "第一季度专题党课", false),
    planned("YS01", 3, "专题研究上半年意识形态工作", false),
    planned("YS04", 3, "第一季度意识形态领域形势分析", false),
    planned("YS10", 4, "理论学习中心组意识形态安全专题学习", false),
    planned("YW02", 4, "第二季度工作信息", true),
    planned("YS11", 5, "与县委宣传部联合开展“理论进基层”主题宣讲", false),
    planned("DJ01", 5, "第二季度专题党课", false),
    planned("YS03", 6, "上半年意识形态领域情况通报", true),
    planned("YS04", 6, "第二季度意识形态领域形势分析", false),
    Planned {
        reported: "是", ..planned("YS05", 6, "上半年意识形态工作责任制落实情况综合检查", true)
    },
    planned("YW02", 7, "第三季度工作信息", true),
    Planned {
        form: "书面",
        for_period: "2025年上半年",
        ..planned("YS07", 7, "上半年意识形态工作专题汇报", true)
    },
    planned("YS06", 8, "意识形态阵地管理专题督查", true),
    planned("DJ01", 8, "第三季度专题党课", false),
    planned("YS01", 9, "专题研究下半年意识形态工作", false),
    planned("YS04", 9, "第三季度意识形态领域形势分析", false),
    planned("YS02", 10, "2025年意识形态和舆情形势综合分析", true),
    planned("YW02", 10, "第四季度工作信息", true),
    Planned {
        reported: "是", ..planned("YS05", 11, "下半年意识形态工作责任制落实情况综合检查", true)
    },
    planned("DJ01", 11, "第四季度专题党课", false),
    planned("YS03", 12, "下半年意识形态领域情况通报", true),
    planned("YS04", 12, "第四季度意识形态领域形势分析", false),
    Planned {
        form: "当面",
        for_period: "2025年下半年",
        ..planned("YS07", 13, "下半年意识形态工作专题汇报", false)
    },
];

/// Planned activities a unit did not record: (unit, indicator, month).
const GAPS: &[(&str, &str, u32)] = &[
    ("U10", "YS03", 12),
    ("U12", "YS04", 9),
    ("U12", "YS15", 1),
    ("U13", "YS07", 13),
    ("U14", "YS01", 9),
    ("U16", "YS04", 6),
    ("U16", "YS04", 12),
    ("U16", "YS11", 5),
    ("U17", "YS06", 8),
    ("U21", "YS02", 10),
    ("U22", "DJ01", 2),
    ("U23", "YS13", 2),
    ("U24", "YW02", 10),
    ("U31", "YS06", 8),
    ("U31", "YS11", 5),
    ("U32", "YS04", 3),
    ("U32", "YS01", 9),
];

/// 综合检查 done but its results not reported upward: (unit, month).
const NOT_REPORTED: &[(&str, u32)] = &[("U14", 11)];

/// A day as (year, month, day).
type Ymd = (i32, u32, u32);

/// Planned activities done after their due date: (unit, indicator, month, the
/// day it was done) — a work plan after 31 March, a first-half report after
/// 10 July, a second-half report after 10 January.
const LATE: &[(&str, &str, u32, Ymd)] = &[
    ("U22", "YS13", 2, (2025, 4, 18)),
    ("U14", "YS07", 7, (2025, 7, 15)),
    ("U31", "YS07", 13, (2026, 1, 15)),
];

/// Planned activities recorded without evidence (材料 empty): (unit,
/// indicator, month). YS06 counts only rows with 材料 (`材料!=`).
const NO_EVIDENCE: &[(&str, &str, u32)] = &[("U10", "YS06", 8)];

/// An activity outside the plan, with its own date and evidence.
struct Extra {
    unit: &'static str,
    date: (i32, u32, u32),
    code: &'static str,
    title: &'static str,
    evidence: &'static str,
    for_period: &'static str,
}

const fn extra(
    unit: &'static str,
    date: (i32, u32, u32),
    code: &'static str,
    title: &'static str,
    evidence: &'static str,
) -> Extra {
    Extra { unit, date, code, title, evidence, for_period: "" }
}

/// Activities outside the plan. The 2024-12 rows are carried over from last
/// year's ledger, and so is U20's report on 2024年下半年 made in January (its
/// 所属期 puts it in 2024); then bonus (表彰), veto, 不得评优 (通报批评) and
/// deduct (违纪) rows.
const EXTRAS: &[Extra] = &[
    extra("U11", (2024, 12, 20), "YS04", "2024年第四季度意识形态领域形势分析", "会议记录（12月20日）"),
    Extra {
        for_period: "2024年下半年",
        ..extra("U20", (2025, 1, 8), "YS07", "2024年下半年意识形态工作专题汇报", "会议记录（1月8日）")
    },
    extra("U31", (2024, 12, 18), "YS03", "2024年下半年意识形态领域情况通报", "离支〔2024〕6号"),
    extra("U15", (2025, 11, 14), "JF01", "获评全县宣传思想工作先进集体", "县委宣传部〔2025〕21号"),
    extra("U20", (2025, 6, 28), "JF01", "获评县级先进基层党组织", "县委组织部〔2025〕15号"),
    extra("U20", (2025, 10, 16), "JF01", "机关党建品牌创建获县级表彰", "县直机关工委〔2025〕9号"),
    extra("U17", (2025, 8, 21), "YS14", "支部公众号转载含错误观点文章，造成不良影响", "局党委〔2025〕11号"),
    extra(
        "U15",
        (2025, 9, 12),
        "YS16",
        "网络意识形态阵地管理不到位被县委宣传部通报批评",
        "县委宣传部〔2025〕17号",
    ),
    extra("U24", (2025, 6, 12), "DJ03", "党员违反廉洁纪律受到党内警告处分", "局纪委〔2025〕2号"),
];

/// The unit whose March 专题研究 is entered twice — the second time by name.
/// It lacks the September one, so counting the repeat would hide a shortfall.
const DUPLICATED: (&str, &str, u32) = ("U32", "YS01", 3);

/// A tiny linear congruential generator: days, scores and notes vary
/// realistically but identically on every run.
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, bound: u32) -> u32 {
        self.0 = self.0.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        ((self.0 >> 33) % u64::from(bound)) as u32
    }
}

fn indicator(code: &str) -> &'static DefaultIndicator {
    defaults::CRITERIA.iter().find(|indicator| indicator.code == code).expect("a default indicator")
}

fn applies(indicator: &DefaultIndicator, org: &Org) -> bool {
    indicator.applies_to.is_empty() || indicator.applies_to.split('；').any(|kind| kind == org.kind)
}

fn date(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).expect("a valid date")
}

/// The day a planned activity was done: `draw` (0–23) picks a day from the
/// 3rd of its month, or from the 1st to the 9th for a report due by the
/// 10th; month 13 is January of the next year.
fn planned_date(item: &Planned, draw: u32) -> NaiveDate {
    let (year, month) = (YEAR + (item.month as i32 - 1) / 12, (item.month - 1) % 12 + 1);
    let day = if item.for_period.is_empty() { 3 + draw } else { 1 + draw % 9 };
    date(year, month, day)
}

/// A row of the 活动 sheet before numbering.
struct Activity {
    unit: &'static str,
    date: NaiveDate,
    kind: &'static str,
    title: String,
    evidence: Option<String>,
    document: bool,
    reported: &'static str,
    form: &'static str,
    for_period: &'static str,
}

impl Activity {
    fn cells(&self) -> Vec<Cell> {
        let evidence = self.evidence.as_deref().unwrap_or("");
        vec![
            Cell::typed(self.unit),
            Cell::Date(self.date),
            Cell::typed(self.kind),
            Cell::typed(&self.title),
            Cell::typed(evidence),
            // 所属期: empty is the period of the row's date.
            Cell::typed(self.for_period),
            Cell::typed(self.reported),
            Cell::typed(self.form),
        ]
    }
}

/// Every unit's ledger rows, unit by unit in date order, then the duplicate
/// (written for 2025).
fn activities(edition: Edition, lcg: &mut Lcg) -> Vec<Activity> {
    let mut rows = Vec::new();
    for org in edition.orgs().into_iter().filter(|org| org.assessed) {
        let mut own: Vec<Activity> = PLAN
            .iter()
            .filter(|item| applies(indicator(item.code), org))
            .filter(|item| !GAPS.contains(&(org.id, item.code, item.month)))
            .map(|item| {
                let on_plan = planned_date(item, lcg.below(24));
                let late =
                    LATE.iter().find(|late| (late.0, late.1, late.2) == (org.id, item.code, item.month));
                let no_evidence = NO_EVIDENCE.contains(&(org.id, item.code, item.month));
                Activity {
                    unit: org.id,
                    date: late.map_or(on_plan, |&(.., (year, month, day))| date(year, month, day)),
                    kind: indicator(item.code).activity,
                    title: item.title.to_string(),
                    evidence: no_evidence.then(String::new),
                    document: item.document,
                    reported: if NOT_REPORTED.contains(&(org.id, item.month)) && item.reported == "是" {
                        "否"
                    } else {
                        item.reported
                    },
                    form: item.form,
                    for_period: item.for_period,
                }
            })
            .collect();
        own.extend(EXTRAS.iter().filter(|extra| extra.unit == org.id).map(|extra| {
            let (year, month, day) = extra.date;
            Activity {
                unit: extra.unit,
                date: date(year, month, day),
                kind: indicator(extra.code).activity,
                title: extra.title.to_string(),
                evidence: Some(extra.evidence.to_string()),
                document: false,
                reported: "",
                form: "",
                for_period: extra.for_period,
            }
        }));
        own.sort_by_key(|activity| activity.date);
        // Document numbers run per year: 〔2025〕1号 …, then 〔2026〕1号.
        let mut numbers: BTreeMap<i32, u32> = BTreeMap::new();
        for activity in &mut own {
            if activity.evidence.is_none() {
                activity.evidence = Some(if activity.document {
                    let year = activity.date.year();
                    let number = numbers.entry(year).or_default();
                    *number += 1;
                    format!("{}〔{year}〕{number}号", org.prefix)
                } else {
                    activity.date.format("会议记录（%-m月%-d日）").to_string()
                });
            }
        }
        rows.extend(own);
    }
    let (unit, code, month) = DUPLICATED;
    if !edition.has(unit) {
        return rows;
    }
    let original = rows
        .iter()
        .find(|row| row.unit == unit && row.kind == indicator(code).activity && row.date.month() == month)
        .expect("the duplicated activity exists");
    let name = ORGS.iter().find(|org| org.id == unit).expect("a unit").name;
    rows.push(Activity {
        unit: name,
        title: original.title.clone(),
        evidence: original.evidence.clone(),
        ..*original
    });
    rows
}

/// The 舆情 sheet: (单位编号, 事件, 级别, then 发生, 发现, 研判, 报送 and 处置
/// times; empty = not done). YS12 is graded by 级别: a late 一般 incident
/// costs 2 points, 较大 4, 重大 6.
#[rustfmt::skip]
const INCIDENTS: &[[&str; 8]] = &[
    // 报送 exactly 24 hours after 研判: on time.
    ["U12", "网民反映招聘公告信息不全", "一般", "2025-03-10 09:00", "2025-03-10 15:30", "2025-03-11 10:00", "2025-03-12 10:00", "2025-03-12 17:00"],
    // 研判 31 hours after 发现: late.
    ["U15", "自媒体转发不实政策解读", "较大", "2025-05-06 08:00", "2025-05-06 11:00", "2025-05-07 18:00", "2025-05-07 20:00", "2025-05-08 12:00"],
    // 报送 29 hours after 研判: late.
    ["U21", "执法视频片段被剪辑传播", "较大", "2025-07-15 20:00", "2025-07-16 08:00", "2025-07-16 11:00", "2025-07-17 16:00", "2025-07-18 09:00"],
    // 处置 missing: late.
    ["U23", "工作人员朋友圈发布不当言论", "一般", "2025-09-02 10:00", "2025-09-02 16:00", "2025-09-03 09:00", "2025-09-03 15:00", ""],
    ["U10", "政务公众号留言集中反映办事难", "一般", "2025-10-20 09:00", "2025-10-20 10:30", "2025-10-20 16:00", "2025-10-21 09:00", "2025-10-21 17:00"],
    ["U31", "退休人员微信群传播不实信息", "一般", "2025-11-05 19:00", "2025-11-06 08:00", "2025-11-06 10:00", "2025-11-06 15:00", "2025-11-07 11:00"],
    // 处置 30 hours after 报送: a late 重大 incident.
    ["U32", "短视频恶意剪辑窗口人员言行引发热议", "重大", "2025-08-11 21:00", "2025-08-12 07:30", "2025-08-12 10:00", "2025-08-12 11:00", "2025-08-13 17:00"],
    // Last year's incident: outside the year, not counted.
    ["U24", "档案查询服务遭网络投诉", "一般", "2024-12-28 09:00", "2024-12-28 14:00", "2024-12-29 10:00", "2024-12-29 16:00", "2024-12-30 11:00"],
];

fn incidents(edition: Edition) -> Vec<Vec<Cell>> {
    const FIRST_TIME_COLUMN: usize = 3;
    let cell = |(col, text): (usize, &str)| match NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M") {
        Ok(moment) if col >= FIRST_TIME_COLUMN => Cell::DateTime(moment),
        _ => Cell::typed(text),
    };
    let rows = INCIDENTS.iter().filter(|row| edition.has(row[0]));
    rows.map(|row| row.iter().copied().enumerate().map(cell).collect()).collect()
}

/// Notes for manual scores: (at or above 57 points, below).
const NOTES: &[(&str, [&str; 2], [&str; 2])] = &[
    (
        "DJ02",
        ["班子团结，党员教育管理规范", "组织生活记录完整，发展党员程序规范"],
        ["“三会一课”记录个别不完整", "党员积分管理落实不够到位"],
    ),
    (
        "YW01",
        ["全面完成年度业务目标", "重点工作推进有力，成效明显"],
        ["1项目标任务未按期完成", "主要指标完成，台账资料需规范"],
    ),
];

/// Manual scores: evaluators mark a unit with a patchy ledger lower, so each
/// gap costs 4 points off 59.5, less up to 2.5 points of chance.
fn scores(edition: Edition, lcg: &mut Lcg) -> Vec<Vec<Cell>> {
    let mut rows = Vec::new();
    for org in edition.orgs().into_iter().filter(|org| org.assessed) {
        let gaps = GAPS.iter().filter(|gap| gap.0 == org.id).count()
            + NOT_REPORTED.iter().filter(|n| n.0 == org.id).count();
        for (code, good, weak) in NOTES {
            let score = 59.5 - 4.0 * gaps as f64 - 0.5 * f64::from(lcg.below(6));
            let notes = if score >= 57.0 { good } else { weak };
            let note = notes[lcg.below(2) as usize];
            rows.push(vec![Cell::typed(org.id), Cell::typed(code), Cell::Number(score), Cell::typed(note)]);
        }
    }
    rows
}

/// One collective case (principal, in-charge, a dissenting and an assenting
/// member) and one individual case (decider and another member).
#[rustfmt::skip]
const ACCOUNTABILITY: &[[&str; 7]] = &[
    ["WZ2025-01", "U17", "支委会集体研究同意转载未经审核的文章，造成不良影响", "集体", "周建国", "主要负责人", "赞成"],
    ["WZ2025-01", "U17", "支委会集体研究同意转载未经审核的文章，造成不良影响", "集体", "林涛", "分管负责人", "赞成"],
    ["WZ2025-01", "U17", "支委会集体研究同意转载未经审核的文章，造成不良影响", "集体", "何雪", "班子成员", "反对"],
    ["WZ2025-01", "U17", "支委会集体研究同意转载未经审核的文章，造成不良影响", "集体", "高鹏", "班子成员", "赞成"],
    ["WZ2025-02", "U23", "书记个人决定暂缓处置网络舆情，致使事态扩大", "个人", "马超", "决定人", ""],
    ["WZ2025-02", "U23", "书记个人决定暂缓处置网络舆情，致使事态扩大", "个人", "罗敏", "班子成员", ""],
];

/// The 自评 sheet: a few units' own scores (单位编号, 指标编号 — an indicator
/// or the item 研究部署 —, 自评分, 说明). U16 rates itself far above its
/// evaluation (beyond 自评偏差 5), U11 and U21 close to it.
#[rustfmt::skip]
const SELF_SCORES: &[[&str; 4]] = &[
    ["U11", defaults::RESEARCH_AND_PLANNING, "13", "专题研究2次，工作计划按时制定"],
    ["U11", "DJ02", "59", "组织生活规范"],
    ["U16", "YS04", "12", "各季度均开展形势分析"],
    ["U16", "YS11", "5", "参加县委宣传部主题宣讲"],
    ["U16", "DJ02", "60", "党建工作全面完成"],
    ["U21", "YS12", "12", "舆情均已报送处置"],
];

fn settings(edition: Edition) -> Vec<Vec<Cell>> {
    let mut rows: Vec<Vec<Cell>> = defaults::settings_rows(edition.year())
        .into_iter()
        .map(|(key, value)| vec![Cell::typed(key), Cell::typed(&value)])
        .collect();
    rows.insert(1, vec![Cell::typed(SettingKey::Assessor.zh()), Cell::typed("中共××县××局委员会")]);
    rows.push(vec![Cell::typed(SettingKey::DocNumber.zh()), Cell::typed("×局党发〔2026〕3号")]);
    rows.push(vec![Cell::typed(SettingKey::DocDate.zh()), Cell::Date(date(2026, 1, 20))]);
    rows.push(vec![Cell::typed(SettingKey::TopQuota.zh()), Cell::typed("20")]);
    rows
}

fn units(edition: Edition) -> Vec<Vec<Cell>> {
    edition
        .orgs()
        .into_iter()
        .map(|org| {
            let assessed = if org.assessed { "是" } else { "否" };
            [org.id, org.name, org.parent, org.secretary, org.kind, assessed].map(Cell::typed).to_vec()
        })
        .collect()
}

fn weights() -> Vec<Vec<Cell>> {
    let top = std::iter::once(("", defaults::WEIGHTS));
    let own = OWN_SYSTEMS.iter().map(|(unit, weights)| (*unit, weights.as_slice()));
    top.chain(own)
        .flat_map(|(unit, weights)| {
            weights.iter().map(move |(category, weight)| [unit, category, weight].map(Cell::typed).to_vec())
        })
        .collect()
}

/// The 指标 sheet, its 类别 cells merged down each category and its 考核项目
/// and 项目分值 down each item as evaluators do;
/// an optional column no indicator fills is left out (the defaults now fill
/// every one, 否决方式 and 截止 included).
fn write_criteria(sheet: &mut Worksheet) -> Result<(), XlsxError> {
    let filled = |column: &&Column| {
        defaults::CRITERIA
            .iter()
            .any(|indicator| indicator.cell(column.en).is_some_and(|cell| !cell.is_empty()))
    };
    let columns: Vec<&Column> = CRITERIA_COLUMNS.iter().filter(filled).collect();
    let rows: Vec<Vec<Cell>> = defaults::CRITERIA
        .iter()
        .map(|indicator| {
            columns.iter().filter_map(|column| indicator.cell(column.en)).map(Cell::typed).collect()
        })
        .collect();
    let header: Vec<&str> = columns.iter().map(|column| column.zh).collect();
    write_table(sheet, 0, &header, &rows)?;
    let centred = Format::new().set_align(FormatAlign::Center).set_align(FormatAlign::VerticalCenter);
    let mut groups: BTreeMap<usize, (&str, usize)> = BTreeMap::new();
    let mut start = 0;
    for (index, indicator) in defaults::CRITERIA.iter().enumerate() {
        if indicator.category != defaults::CRITERIA[start].category {
            start = index;
        }
        groups.insert(start, (indicator.category, index));
    }
    let category_col = 1;
    for (first, (category, last)) in groups {
        if last > first {
            sheet.merge_range(
                first as u32 + 1,
                category_col,
                last as u32 + 1,
                category_col,
                category,
                &centred,
            )?;
        }
    }
    // Each item's 考核项目 and 项目分值 merged down its clauses, as published
    // tables print the 二级指标 and its points.
    let position = |key: &str| columns.iter().position(|column| column.en == key).map(|col| col as u16);
    let (Some(item_col), Some(points_col)) = (position("item"), position("item_points")) else {
        return Ok(());
    };
    let mut items: BTreeMap<&str, (u32, u32, &str)> = BTreeMap::new();
    for (index, indicator) in defaults::CRITERIA.iter().enumerate().filter(|(_, row)| !row.item.is_empty()) {
        let row = index as u32 + 1;
        let entry = items.entry(indicator.item).or_insert((row, row, ""));
        entry.1 = row;
        if !indicator.item_points.is_empty() {
            entry.2 = indicator.item_points;
        }
    }
    for (item, (first, last, points)) in items {
        sheet.merge_range(first, item_col, last, item_col, item, &centred)?;
        sheet.merge_range(first, points_col, last, points_col, "", &centred)?;
        sheet.write_number_with_format(
            first,
            points_col,
            points.parse::<f64>().expect("项目分值 is a number"),
            &centred,
        )?;
    }
    Ok(())
}

/// The 活动 sheet: a title row above the header, so header detection is exercised.
fn write_activities(sheet: &mut Worksheet, edition: Edition, rows: &[Activity]) -> Result<(), XlsxError> {
    let mut columns = header(SheetKind::Activities);
    columns.extend(defaults::ACTIVITY_ATTRIBUTES.iter().map(|attribute| attribute.zh));
    let cells = edition.rows(rows.iter().map(Activity::cells).collect());
    write_table(sheet, 1, &columns, &cells)?;
    let title = Format::new().set_bold().set_font_size(16).set_align(FormatAlign::Center);
    sheet.merge_range(0, 0, 0, columns.len() as u16 - 1, &edition.text(LEDGER_TITLE), &title)?;
    Ok(())
}

/// The bytes of the sample workbook of `edition`.
fn sample_workbook(edition: Edition) -> Result<Vec<u8>, XlsxError> {
    let mut lcg = Lcg(edition.year() as u64);
    let mut workbook = new_workbook();
    for kind in SHEET_ORDER {
        let sheet = workbook.add_worksheet();
        sheet.set_name(kind.zh())?;
        let plain = |rows: Vec<Vec<Cell>>| (header(kind), rows);
        let (columns, rows) = match kind {
            SheetKind::Criteria => {
                write_criteria(sheet)?;
                continue;
            }
            SheetKind::Activities => {
                write_activities(sheet, edition, &activities(edition, &mut lcg))?;
                continue;
            }
            SheetKind::Settings => plain(settings(edition)),
            SheetKind::Units => plain(units(edition)),
            SheetKind::Weights => plain(weights()),
            SheetKind::Incidents => plain(incidents(edition)),
            SheetKind::Scores => plain(scores(edition, &mut lcg)),
            SheetKind::SelfAssessment => {
                plain(SELF_SCORES.iter().map(|row| row.map(Cell::typed).to_vec()).collect())
            }
            SheetKind::Accountability => {
                plain(ACCOUNTABILITY.iter().map(|row| row.map(Cell::typed).to_vec()).collect())
            }
        };
        write_table(sheet, 0, &columns, &edition.rows(rows))?;
    }
    workbook.save_to_buffer()
}

#[cfg(test)]
mod tests {
    use calamine::{Data, Reader, Xlsx, open_workbook};

    use super::*;

    #[test]
    fn committed_sample_is_what_the_generator_writes() {
        let committed = std::fs::read(SAMPLE_PATH).expect("samples/示例台账.xlsx is committed");
        assert!(
            committed == sample_workbook(Edition::ThisYear).unwrap(),
            "run `cargo run --example make_sample` and commit the result"
        );
        let committed = std::fs::read(PREVIOUS_PATH).expect("samples/2024年度考核得分表.xlsx is committed");
        assert!(
            committed == previous_workbook().unwrap(),
            "run `cargo run --example make_sample` and commit the result"
        );
    }

    #[test]
    fn every_gap_removes_a_planned_activity() {
        for &(unit, code, month) in GAPS {
            let org = ORGS.iter().find(|org| org.id == unit).expect(unit);
            assert!(
                PLAN.iter()
                    .any(|item| item.code == code && item.month == month && applies(indicator(code), org)),
                "{unit} {code} {month}"
            );
        }
    }

    #[test]
    fn late_and_unevidenced_rows_are_planned_activities() {
        let planned = |unit: &str, code: &str, month: u32| {
            PLAN.iter().any(|item| item.code == code && item.month == month)
                && !GAPS.contains(&(unit, code, month))
        };
        for &(unit, code, month, _) in LATE {
            assert!(planned(unit, code, month), "{unit} {code} {month}");
        }
        for &(unit, code, month) in NO_EVIDENCE {
            assert!(planned(unit, code, month), "{unit} {code} {month}");
            assert_eq!(indicator(code).filter, "材料!=", "{code} requires evidence");
        }
    }

    #[test]
    fn self_scores_name_indicators_or_the_item() {
        for [unit, code, _, _] in SELF_SCORES {
            assert!(ORGS.iter().any(|org| org.id == *unit && org.assessed), "{unit}");
            let known = defaults::CRITERIA
                .iter()
                .any(|indicator| indicator.code == *code && indicator.item.is_empty());
            assert!(known || *code == defaults::RESEARCH_AND_PLANNING, "{code}");
        }
    }

    #[test]
    fn every_manual_indicator_gets_scores() {
        let manual: Vec<_> = defaults::CRITERIA
            .iter()
            .filter(|indicator| indicator.rule == "评分")
            .map(|indicator| indicator.code)
            .collect();
        let noted: Vec<_> = NOTES.iter().map(|(code, _, _)| *code).collect();
        assert_eq!(manual, noted);
    }

    #[test]
    fn sample_reads_back_as_designed() {
        let mut workbook: Xlsx<_> = open_workbook(SAMPLE_PATH).unwrap();
        let ledger = workbook.worksheet_range("活动").unwrap();
        assert_eq!(ledger.get_value((0, 0)), Some(&Data::String(LEDGER_TITLE.into())));
        assert_eq!(ledger.get_value((1, 0)), Some(&Data::String("单位编号".into())));
        let rows: Vec<_> = ledger.rows().skip(2).collect();
        let out_of_year =
            rows.iter().filter(|row| matches!(&row[1], Data::DateTime(d) if d.as_f64() < 45658.0)).count();
        assert_eq!(out_of_year, 2, "two rows carried over from 2024-12");
        let for_period = |text: &str| rows.iter().filter(|row| row[5] == Data::String(text.into())).count();
        assert_eq!(for_period("2024年下半年"), 1, "U20's January report on last year");
        let assessed = ORGS.iter().filter(|org| org.assessed).count();
        assert_eq!(for_period("2025年上半年"), assessed, "every unit's first-half report, made in July");
        assert_eq!(for_period("2025年下半年"), assessed - 1, "U13 made no second-half report");
        let last = rows.last().unwrap();
        assert_eq!(last[0], Data::String("后勤服务中心党支部".into()), "the duplicate names its unit");

        let scores = workbook.worksheet_range("评分").unwrap();
        let assessed = ORGS.iter().filter(|org| org.assessed).count();
        assert_eq!(scores.height() - 1, assessed * NOTES.len(), "every unit × manual indicator");

        // 研究部署's 考核项目 and 项目分值 are merged down its three clauses:
        // only the first cell holds the value.
        let criteria = workbook.worksheet_range("指标").unwrap();
        let header: Vec<_> = criteria.rows().next().unwrap().to_vec();
        let col = |name: &str| header.iter().position(|cell| cell == &Data::String(name.into())).unwrap();
        let (item, points) = (col("考核项目"), col("项目分值"));
        assert_eq!(criteria.get_value((1, item as u32)), Some(&Data::String("研究部署".into())));
        assert_eq!(criteria.get_value((1, points as u32)), Some(&Data::Float(13.0)));
        assert_eq!(criteria.get_value((3, item as u32)), Some(&Data::Empty), "merged, not repeated");

        let own = workbook.worksheet_range("自评").unwrap();
        assert_eq!(own.height() - 1, SELF_SCORES.len());
        assert_eq!(own.get_value((1, 1)), Some(&Data::String("研究部署".into())));

        let units = workbook.worksheet_range("单位").unwrap();
        assert_eq!(units.get_value((1, 1)), Some(&Data::String("局党委".into())));
        assert_eq!(units.get_value((1, 5)), Some(&Data::String("否".into())));
    }
}
