//! `kaohe merge`: combine score workbooks submitted by lower-level
//! organisations (SPEC §6). Each workbook must be one `kaohe score` wrote
//! (its 说明 sheet says so) for the same year, and every system in its 权重
//! sheet must give the ideological category at least the merging
//! organisation's weight P. Every submitted unit is verified against its
//! own workbook before it is used: T = ROUND(W + bonus, 2), W from its
//! category scores and the weights of the system it names, its grade from
//! T, the bands and 优秀比例 in 说明, no repeated id, as many unit rows as
//! 说明 counts. Cells are read as Excel reads them (15 significant digits).
//! Units are then ranked together by their submitted totals and veto flags.
//! Reading only: [`crate::render::xlsx::merged_workbook`] renders the result.

use std::collections::HashMap;
use std::io::Cursor;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use calamine::{Data, Range, Reader, Sheets, open_workbook_auto_from_rs};
use chrono::NaiveDateTime;
use sha2::{Digest, Sha256};

use crate::diagnostic::{Diagnostic, Diagnostics, Location, Text};
use crate::model::GradeBand;
use crate::number::{Exact, format_trimmed, from_spreadsheet, int, parse_decimal, round};
use crate::render::xlsx::{
    COL_ASSESSED_UNDER, COL_BONUS, COL_GRADE, COL_ID, COL_NAME, COL_RANK, COL_SYSTEM, COL_TOTAL, COL_VETO,
    COL_WEIGHT_SUM, COL_WEIGHTED, KEY_ASSESSED, KEY_ASSESSOR, KEY_BONUS_CAP, KEY_CREATED, KEY_GRADES,
    KEY_IDEOLOGICAL, KEY_TOOL, KEY_TOP_QUOTA, KEY_YEAR, NOT_SET, SHEET_ABOUT, SHEET_SUMMARY, SHEET_WEIGHTS,
    TOOL_PREFIX, VETO_MARK,
};
use crate::score::{Standing, rank_and_grade};
use crate::text::natural_cmp;

/// The ideological category when a workbook's 说明 doesn't name it.
const DEFAULT_IDEOLOGICAL: &str = "意识形态工作";

/// One submitted workbook.
#[derive(Clone, Debug)]
pub struct Submission {
    /// The file name shown in messages and in 说明.
    pub file: Arc<str>,
    pub sha256: String,
    /// The submitting organisation (its workbook's 考核单位).
    pub assessor: String,
    /// Its grade band names, best first (from its 说明 等次).
    pub grades: Vec<String>,
    /// Its 生成时间.
    pub created: Option<NaiveDateTime>,
}

/// One unit as submitted, with its rank among all merged units.
#[derive(Clone, Debug)]
pub struct MergedUnit {
    /// Index into [`MergedRanking::submissions`].
    pub submission: usize,
    pub id: String,
    pub name: String,
    pub weighted: Exact,
    pub bonus: Exact,
    pub total: Exact,
    pub grade: String,
    pub veto: bool,
    pub rank: u32,
}

/// All submitted units ranked on one scale.
#[derive(Clone, Debug)]
pub struct MergedRanking {
    pub year: i32,
    /// The merging organisation's ideological weight P, when given.
    pub ideological_weight: Option<Exact>,
    pub submissions: Vec<Submission>,
    /// In ranking order: vetoed units last, highest total first, ties by id.
    pub units: Vec<MergedUnit>,
    /// Grade band names in order of first appearance across submissions.
    pub grades: Vec<String>,
    /// Document date of the merged workbook: `SOURCE_DATE_EPOCH` when set,
    /// else the latest submission's 生成时间, so the same inputs give the same bytes.
    pub created: NaiveDateTime,
}

/// Reads, verifies and ranks the submitted workbooks. Every problem of
/// every workbook is reported; any error means no ranking. Warnings (a
/// workbook that could only be verified in part) come either way.
pub fn merge(paths: &[PathBuf], ideological_weight: Option<Exact>) -> (Option<MergedRanking>, Diagnostics) {
    let mut diagnostics = Diagnostics::default();
    let mut read = Vec::new();
    for path in paths {
        if let Some(submitted) = read_submission(path, ideological_weight.as_ref(), &mut diagnostics) {
            read.push(submitted);
        }
    }
    check_same_year(&read, &mut diagnostics);
    check_distinct(&read, &mut diagnostics);
    if diagnostics.has_errors() || read.is_empty() {
        return (None, diagnostics);
    }
    let year = read[0].year.0;
    let mut grades: Vec<String> = Vec::new();
    let mut units = Vec::new();
    let mut submissions = Vec::new();
    for (index, submitted) in read.into_iter().enumerate() {
        for grade in &submitted.submission.grades {
            if !grades.contains(grade) {
                grades.push(grade.clone());
            }
        }
        units.extend(submitted.units.into_iter().map(|unit| MergedUnit { submission: index, ..unit }));
        submissions.push(submitted.submission);
    }
    rank(&mut units);
    let created = creation_time(&submissions, year);
    (Some(MergedRanking { year, ideological_weight, submissions, units, grades, created }), diagnostics)
}

/// Vetoed units after the rest; highest total first; ties share a rank and
/// are listed by id in natural order, then by submission.
fn rank(units: &mut [MergedUnit]) {
    units.sort_by(|a, b| {
        a.veto
            .cmp(&b.veto)
            .then_with(|| b.total.cmp(&a.total))
            .then_with(|| natural_cmp(&a.id, &b.id))
            .then_with(|| a.submission.cmp(&b.submission))
    });
    let mut rank = 0;
    for index in 0..units.len() {
        let tied = index > 0
            && units[index - 1].veto == units[index].veto
            && units[index - 1].total == units[index].total;
        if !tied {
            rank = index as u32 + 1;
        }
        units[index].rank = rank;
    }
}

fn creation_time(submissions: &[Submission], year: i32) -> NaiveDateTime {
    let from_env = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|epoch| epoch.trim().parse::<i64>().ok())
        .and_then(|epoch| chrono::DateTime::from_timestamp(epoch, 0))
        .map(|time| time.naive_utc());
    from_env.or_else(|| submissions.iter().filter_map(|s| s.created).max()).unwrap_or_else(|| {
        chrono::NaiveDate::from_ymd_opt(year, 12, 31)
            .unwrap_or_default()
            .and_hms_opt(0, 0, 0)
            .unwrap_or_default()
    })
}

/// A workbook read and checked.
struct Submitted {
    submission: Submission,
    /// The year and where it was read.
    year: (i32, Location),
    units: Vec<MergedUnit>,
}

fn check_same_year(read: &[Submitted], diagnostics: &mut Diagnostics) {
    let Some(first) = read.first() else { return };
    let (expected, file) = (first.year.0, &first.submission.file);
    for submitted in &read[1..] {
        let (year, location) = &submitted.year;
        if *year != expected {
            diagnostics.error(
                Some(location.clone()),
                text!(
                    "年度 {year} 与 {file} 的年度 {expected} 不一致",
                    "year {year} differs from {file}'s year {expected}"
                ),
            );
        }
    }
}

/// A file submitted twice, and an organisation that submitted two
/// workbooks (an original and a corrected copy: the same 考核单位 with
/// unit ids in common).
fn check_distinct(read: &[Submitted], diagnostics: &mut Diagnostics) {
    for (index, submitted) in read.iter().enumerate() {
        let this = &submitted.submission;
        let location = || Some(Location::file(this.file.clone()));
        if let Some(earlier) = read[..index].iter().find(|other| other.submission.sha256 == this.sha256) {
            let other = &earlier.submission.file;
            diagnostics.error(
                location(),
                text!("与 {other} 内容相同，重复报送", "same content as {other}: submitted twice"),
            );
            continue;
        }
        for earlier in read[..index].iter().filter(|other| other.submission.assessor == this.assessor) {
            let shared: Vec<&str> = submitted
                .units
                .iter()
                .map(|unit| unit.id.as_str())
                .filter(|id| earlier.units.iter().any(|unit| unit.id == *id))
                .collect();
            if shared.is_empty() {
                continue;
            }
            let (other, assessor) = (&earlier.submission.file, &this.assessor);
            let first = &shared[..shared.len().min(3)];
            let (ids, ids_en) = (first.join("、"), first.join(", "));
            let (more_zh, more_en) = match shared.len() {
                ..=3 => (String::new(), String::new()),
                n => (format!("等{n}个"), format!(" and {} more", n - 3)),
            };
            diagnostics.error(
                location(),
                text!(
                    "与 {other} 同为“{assessor}”的得分表，且都有单位 {ids}{more_zh}：同一组织只能报送一份，请只保留其中一份（如原件或更正件）",
                    "{other} is also “{assessor}”'s workbook, with units {ids_en}{more_en} in both: an organisation submits one workbook; keep only one of them (the original or the corrected copy)"
                ),
            );
        }
    }
}

/// A workbook's sheets and where messages about it point.
struct Book {
    file: Arc<str>,
    sheets: Sheets<Cursor<Vec<u8>>>,
}

impl Book {
    fn location(&self, sheet: &str, row: u32, col: u32) -> Location {
        Location::cell(self.file.clone(), sheet.into(), row + 1, col)
    }

    fn sheet(&mut self, name: &str) -> Result<Range<Data>, Box<Diagnostic>> {
        if !self.sheets.sheet_names().iter().any(|sheet| sheet == name) {
            return Err(not_kaohe(
                Location::file(self.file.clone()),
                text!("没有“{name}”工作表", "it has no “{name}” sheet"),
            ));
        }
        self.sheets.worksheet_range(name).map_err(|error| {
            Box::new(Diagnostic::error(
                Some(Location::sheet(self.file.clone(), name.into())),
                text!("无法读取工作表：{error}", "cannot read the sheet: {error}"),
            ))
        })
    }
}

fn not_kaohe(location: Location, why: Text) -> Box<Diagnostic> {
    let (zh, en) = (why.zh, why.en);
    Box::new(Diagnostic::error(
        Some(location),
        text!("不是 kaohe 生成的考核得分表：{zh}", "not a score workbook written by kaohe: {en}"),
    ))
}

/// Why `path` can't be a score workbook, seen before reading it: a folder,
/// a CSV file (a ledger, not a score workbook) or not a workbook at all.
fn not_a_workbook_file(path: &Path) -> Option<Text> {
    let extension = path.extension().map(|e| e.to_string_lossy().to_ascii_lowercase());
    let what = if path.is_dir() {
        text!("是文件夹", "is a folder")
    } else {
        match extension.as_deref() {
            Some("xlsx" | "xlsm" | "xls" | "ods") => return None,
            Some("csv") => text!("是 CSV 文件", "is a CSV file"),
            _ => text!("不是工作簿", "is not a workbook"),
        }
    };
    let (zh, en) = (what.zh, what.en);
    Some(text!(
        "{zh}；kaohe merge 只读取 kaohe score 生成的考核得分表（.xlsx）",
        "{en}; kaohe merge reads only the score workbooks (.xlsx) that kaohe score writes"
    ))
}

/// The cell's text as a reader sees it: text trimmed, numbers in short form.
fn cell_text(range: &Range<Data>, row: u32, col: u32) -> String {
    match range.get_value((row, col)) {
        Some(Data::String(text)) => text.trim().to_owned(),
        Some(Data::Float(number)) => format!("{number}"),
        Some(Data::Int(number)) => number.to_string(),
        Some(Data::Bool(value)) => value.to_string(),
        _ => String::new(),
    }
}

/// The cell's number as Excel reads it (15 significant digits).
fn cell_number(range: &Range<Data>, row: u32, col: u32) -> Option<Exact> {
    match range.get_value((row, col))? {
        Data::Float(number) => from_spreadsheet(*number),
        Data::Int(number) => Some(int(*number)),
        Data::String(text) => parse_decimal(text),
        _ => None,
    }
}

/// Rows `first..` of `range` up to its end (absolute row numbers).
fn rows_from(range: &Range<Data>, first: u32) -> std::ops::RangeInclusive<u32> {
    first..=range.end().map_or(0, |(row, _)| row)
}

/// The first row with a cell equal to `label`, and every label of that row by column.
fn header_row(range: &Range<Data>, label: &str) -> Option<(u32, Vec<(u32, String)>)> {
    let (start, end) = (range.start()?, range.end()?);
    (start.0..=end.0).find_map(|row| {
        let labels: Vec<(u32, String)> = (start.1..=end.1)
            .map(|col| (col, cell_text(range, row, col)))
            .filter(|(_, t)| !t.is_empty())
            .collect();
        labels.iter().any(|(_, text)| text == label).then_some((row, labels))
    })
}

fn read_submission(path: &Path, floor: Option<&Exact>, diagnostics: &mut Diagnostics) -> Option<Submitted> {
    // Every submission is called 考核得分表.xlsx: name it by its path as given.
    let file: Arc<str> = path.display().to_string().into();
    if let Some(why) = not_a_workbook_file(path) {
        diagnostics.error(Some(Location::file(file)), why);
        return None;
    }
    // Bounded and checked before calamine sees the bytes (submissions are input too).
    let bytes = match crate::input::read_checked_workbook(path) {
        Ok(bytes) => bytes,
        Err(message) => {
            diagnostics.error(Some(Location::file(file)), message);
            return None;
        }
    };
    let sha256 = Sha256::digest(&bytes).iter().map(|byte| format!("{byte:02x}")).collect();
    let sheets = match open_workbook_auto_from_rs(Cursor::new(bytes)) {
        Ok(sheets) => sheets,
        Err(error) => {
            let why = text!("无法作为工作簿打开（{error}）", "cannot be opened as a workbook ({error})");
            diagnostics.push(*not_kaohe(Location::file(file), why));
            return None;
        }
    };
    let mut book = Book { file, sheets };
    let about = match read_about(&mut book, sha256, diagnostics) {
        Ok(about) => about,
        Err(diagnostic) => {
            diagnostics.push(*diagnostic);
            return None;
        }
    };
    let weights = read_weights(&mut book, &about, floor, diagnostics);
    let units = read_summary(&mut book, &about, weights.as_deref(), diagnostics);
    // Kept even when 汇总 failed, so the year is still compared.
    Some(Submitted { units: units.unwrap_or_default(), year: about.year, submission: about.submission })
}

/// What 说明 says about a workbook.
struct About {
    submission: Submission,
    year: (i32, Location),
    ideological: String,
    /// 参评单位数 and where it was read.
    assessed: Option<(usize, Location)>,
    /// `None` for a workbook from before 说明 recorded them.
    recorded: Option<Recorded>,
}

/// What 说明 records for verifying the grades and the bonus.
struct Recorded {
    bands: Vec<GradeBand>,
    top_quota: Option<Exact>,
    bonus_cap: Option<Exact>,
}

/// The 说明 sheet of a workbook: one value per key.
struct AboutSheet {
    file: Arc<str>,
    range: Range<Data>,
}

impl AboutSheet {
    /// The row of `key` and its value.
    fn find(&self, key: &str) -> Option<(u32, String)> {
        rows_from(&self.range, 0)
            .find(|&row| cell_text(&self.range, row, 0) == key)
            .map(|row| (row, cell_text(&self.range, row, 1)))
    }

    fn value(&self, key: &str) -> String {
        self.find(key).map(|(_, value)| value).unwrap_or_default()
    }

    /// The value cell of `key`, else the sheet.
    fn location(&self, key: &str) -> Location {
        match self.find(key) {
            Some((row, _)) => Location::cell(self.file.clone(), SHEET_ABOUT.into(), row + 1, 1),
            None => Location::sheet(self.file.clone(), SHEET_ABOUT.into()),
        }
    }

    /// A number that may be [`NOT_SET`]: `None` when the row is missing,
    /// `Some(None)` when not set or not a number (an error at its cell).
    fn setting(&self, key: &str, diagnostics: &mut Diagnostics) -> Option<Option<Exact>> {
        let (_, text) = self.find(key)?;
        if text == NOT_SET {
            return Some(None);
        }
        let value = parse_decimal(&text);
        if value.is_none() {
            diagnostics.error(
                Some(self.location(key)),
                text!(
                    "“{key}”应为数字或“{NOT_SET}”，而不是“{text}”",
                    "“{key}” must be a number or “{NOT_SET}”, not “{text}”"
                ),
            );
        }
        Some(value)
    }
}

fn read_about(
    book: &mut Book,
    sha256: String,
    diagnostics: &mut Diagnostics,
) -> Result<About, Box<Diagnostic>> {
    let about = AboutSheet { file: book.file.clone(), range: book.sheet(SHEET_ABOUT)? };
    let tool = about.find(KEY_TOOL).filter(|(_, tool)| tool.starts_with(TOOL_PREFIX));
    if tool.is_none() {
        let why = text!(
            "“{SHEET_ABOUT}”中没有“{KEY_TOOL}”一行",
            "its “{SHEET_ABOUT}” sheet has no “{KEY_TOOL}” row"
        );
        return Err(not_kaohe(Location::sheet(book.file.clone(), SHEET_ABOUT.into()), why));
    }
    let year = about.value(KEY_YEAR).trim_end_matches(['年', '度']).parse::<i32>().ok();
    let Some(year) = year else {
        return Err(Box::new(Diagnostic::error(
            Some(about.location(KEY_YEAR)),
            text!("没有有效的“{KEY_YEAR}”", "no valid “{KEY_YEAR}” (year)"),
        )));
    };
    let assessed = about.value(KEY_ASSESSED).parse::<usize>().ok();
    if assessed.is_none() {
        diagnostics.error(
            Some(about.location(KEY_ASSESSED)),
            text!("没有有效的“{KEY_ASSESSED}”", "no valid “{KEY_ASSESSED}” (number of assessed units)"),
        );
    }
    let bands = grade_bands(&about.value(KEY_GRADES));
    let recorded = read_recorded(&about, &bands, diagnostics);
    let created = NaiveDateTime::parse_from_str(&about.value(KEY_CREATED), "%Y-%m-%d %H:%M:%S").ok();
    let ideological =
        Some(about.value(KEY_IDEOLOGICAL)).filter(|v| !v.is_empty()).unwrap_or(DEFAULT_IDEOLOGICAL.into());
    Ok(About {
        submission: Submission {
            file: book.file.clone(),
            sha256,
            assessor: about.value(KEY_ASSESSOR),
            grades: bands.into_iter().map(|(name, _)| name).collect(),
            created,
        },
        year: (year, about.location(KEY_YEAR)),
        ideological,
        assessed: assessed.map(|count| (count, about.location(KEY_ASSESSED))),
        recorded,
    })
}

/// The grade bands, 优秀比例 and 加分上限 as 说明 records them; `None`, with
/// a note, for a workbook from before it recorded 优秀比例.
fn read_recorded(
    about: &AboutSheet,
    bands: &[(String, Option<Exact>)],
    diagnostics: &mut Diagnostics,
) -> Option<Recorded> {
    let Some(top_quota) = about.setting(KEY_TOP_QUOTA, diagnostics) else {
        diagnostics.note(
            Some(Location::sheet(about.file.clone(), SHEET_ABOUT.into())),
            text!(
                "该得分表由较早版本的 kaohe 生成，未记录“{KEY_TOP_QUOTA}”等核验项目：只核验了总分，未核验加权得分和等次",
                "this workbook was written by an earlier kaohe and does not record “{KEY_TOP_QUOTA}” and the other keys needed to verify it: only its totals were verified, not the weighted scores or grades"
            ),
        );
        return None;
    };
    let bonus_cap = about.setting(KEY_BONUS_CAP, diagnostics).flatten();
    let bands: Option<Vec<GradeBand>> = bands
        .iter()
        .map(|(name, threshold)| Some(GradeBand { name: name.clone(), threshold: threshold.clone()? }))
        .collect();
    let Some(bands) = bands.filter(|bands| !bands.is_empty()) else {
        diagnostics.error(
            Some(about.location(KEY_GRADES)),
            text!(
                "“{KEY_GRADES}”应为“名称:分数;…”，如“优秀:90;良好:80;合格:60;不合格:0”",
                "“{KEY_GRADES}” must read “name:threshold;…”, e.g. “优秀:90;良好:80;合格:60;不合格:0”"
            ),
        );
        return None;
    };
    Some(Recorded { bands, top_quota, bonus_cap })
}

/// The bands of a 说明 等次 value, `优秀:90;良好:80;…`, best first; a
/// threshold that isn't a number is `None`.
fn grade_bands(text: &str) -> Vec<(String, Option<Exact>)> {
    text.split([';', '；'])
        .filter_map(|band| {
            let (name, threshold) = band.split_once([':', '：']).unwrap_or((band, ""));
            let name = name.trim();
            (!name.is_empty()).then(|| (name.to_owned(), parse_decimal(threshold)))
        })
        .collect()
}

/// One system of a workbook's 权重 sheet: its name (column A) and its
/// weight of each category.
struct SystemWeights {
    name: String,
    weights: Vec<(String, Exact)>,
}

/// Reads every system's weights from 权重 and checks its ideological weight
/// against `floor` (P). `None` when the sheet can't be used.
fn read_weights(
    book: &mut Book,
    about: &About,
    floor: Option<&Exact>,
    diagnostics: &mut Diagnostics,
) -> Option<Vec<SystemWeights>> {
    let range = book.sheet(SHEET_WEIGHTS).map_err(|d| diagnostics.push(*d)).ok()?;
    let category = &about.ideological;
    let header = header_row(&range, COL_SYSTEM)
        .filter(|(_, labels)| labels.iter().any(|(_, label)| label == category));
    let Some((header, labels)) = header else {
        diagnostics.error(
            Some(Location::sheet(book.file.clone(), SHEET_WEIGHTS.into())),
            text!(
                "“{SHEET_WEIGHTS}”中没有“{category}”权重列",
                "the “{SHEET_WEIGHTS}” sheet has no “{category}” weight column"
            ),
        );
        return None;
    };
    // The category columns: after 体系 and 单位编号, before 合计.
    let categories: Vec<&(u32, String)> =
        labels.iter().skip(2).take_while(|(_, label)| label != COL_WEIGHT_SUM).collect();
    let assessor = &about.submission.assessor;
    let mut systems = Vec::new();
    for row in rows_from(&range, header + 1) {
        let system = cell_text(&range, row, 0);
        if system.is_empty() {
            break;
        }
        let mut weights = Vec::new();
        for (col, name) in &categories {
            let location = book.location(SHEET_WEIGHTS, row, *col);
            let Some(weight) = cell_number(&range, row, *col) else {
                diagnostics.error(
                    Some(location),
                    text!("“{name}”权重不是数字", "the “{name}” weight is not a number"),
                );
                continue;
            };
            if name == category
                && let Some(floor) = floor.filter(|floor| weight < **floor)
            {
                let (weight, floor) = (format_trimmed(&weight, 2), format_trimmed(floor, 2));
                diagnostics.error(
                    Some(location),
                    text!(
                        "{assessor}的“{system}”中“{category}”权重 {weight}% 低于本级权重 {floor}%",
                        "{assessor}'s system “{system}” gives “{category}” {weight}%, below this level's {floor}%"
                    ),
                );
            }
            weights.push((name.clone(), weight));
        }
        systems.push(SystemWeights { name: system, weights });
    }
    Some(systems)
}

/// Where 汇总's columns are.
struct SummaryColumns {
    rank: u32,
    id: u32,
    name: u32,
    weighted: u32,
    bonus: u32,
    total: u32,
    grade: u32,
    veto: u32,
    /// 考核体系, in a workbook that records it.
    system: Option<u32>,
    /// The category columns between 单位名称 and 加权得分.
    categories: Vec<(u32, String)>,
    /// Every labelled column.
    all: Vec<u32>,
}

impl SummaryColumns {
    /// The columns of the header row `header`, or an error naming the missing ones.
    fn find(
        book: &Book,
        header: u32,
        labels: &[(u32, String)],
        recorded: bool,
    ) -> Result<Self, Box<Diagnostic>> {
        let column = |label: &str| labels.iter().find(|(_, text)| text == label).map(|(col, _)| *col);
        let mut required =
            vec![COL_RANK, COL_ID, COL_NAME, COL_WEIGHTED, COL_BONUS, COL_TOTAL, COL_GRADE, COL_VETO];
        if recorded {
            required.push(COL_ASSESSED_UNDER);
        }
        let missing: Vec<&str> = required.iter().copied().filter(|label| column(label).is_none()).collect();
        if !missing.is_empty() {
            let missing = missing.join("、");
            return Err(Box::new(Diagnostic::error(
                Some(Location::row(book.file.clone(), SHEET_SUMMARY.into(), header + 1)),
                text!(
                    "“{SHEET_SUMMARY}”缺少列：{missing}",
                    "the “{SHEET_SUMMARY}” sheet lacks columns: {missing}"
                ),
            )));
        }
        let at = |label: &str| column(label).unwrap_or_default();
        let (name, weighted) = (at(COL_NAME), at(COL_WEIGHTED));
        Ok(SummaryColumns {
            rank: at(COL_RANK),
            id: at(COL_ID),
            name,
            weighted,
            bonus: at(COL_BONUS),
            total: at(COL_TOTAL),
            grade: at(COL_GRADE),
            veto: at(COL_VETO),
            system: column(COL_ASSESSED_UNDER),
            categories: labels
                .iter()
                .filter(|(col, _)| (name + 1..weighted).contains(col))
                .cloned()
                .collect(),
            all: labels.iter().map(|(col, _)| *col).collect(),
        })
    }
}

/// The units of 汇总, each verified against its workbook: every row below
/// the header with a cell besides 排名 (empty rows are skipped; the
/// sign-off lines below the table only fill the 排名 column).
fn read_summary(
    book: &mut Book,
    about: &About,
    weights: Option<&[SystemWeights]>,
    diagnostics: &mut Diagnostics,
) -> Option<Vec<MergedUnit>> {
    let range = book.sheet(SHEET_SUMMARY).map_err(|d| diagnostics.push(*d)).ok()?;
    let Some((header, labels)) = header_row(&range, COL_RANK) else {
        let why = text!(
            "“{SHEET_SUMMARY}”中没有“{COL_RANK}”表头",
            "its “{SHEET_SUMMARY}” sheet has no “{COL_RANK}” header"
        );
        diagnostics.push(*not_kaohe(Location::sheet(book.file.clone(), SHEET_SUMMARY.into()), why));
        return None;
    };
    let columns = SummaryColumns::find(book, header, &labels, about.recorded.is_some())
        .map_err(|d| diagnostics.push(*d))
        .ok()?;
    let rows: Vec<u32> = rows_from(&range, header + 1)
        .filter(|&row| {
            columns.all.iter().any(|&col| col != columns.rank && !cell_text(&range, row, col).is_empty())
        })
        .collect();
    if formulas_lost_their_values(book, &range, &rows, &columns) {
        diagnostics.error(
            Some(Location::sheet(book.file.clone(), SHEET_SUMMARY.into())),
            text!(
                "公式没有保存计算结果（该文件被不保存计算结果的软件另存过），无法核验：请用 Excel 或 WPS 打开并保存后重新报送，或重新运行 kaohe score",
                "its formulas have no saved results (the file was re-saved by a program that drops them), so it can't be verified: open and save it in Excel or WPS and submit it again, or re-run kaohe score"
            ),
        );
        return None;
    }
    if let Some((count, location)) = &about.assessed
        && *count != rows.len()
    {
        let found = rows.len();
        diagnostics.error(
            Some(location.clone()),
            text!(
                "“{KEY_ASSESSED}”为 {count}，但“{SHEET_SUMMARY}”有 {found} 个单位行",
                "“{KEY_ASSESSED}” is {count}, but “{SHEET_SUMMARY}” has {found} unit rows"
            ),
        );
    }
    let reader = RowReader { book, range: &range, columns: &columns, about, weights };
    let mut units = Vec::new();
    let mut seen: HashMap<String, Location> = HashMap::new();
    for &row in &rows {
        let Some(unit) = reader.unit(row, diagnostics) else { continue };
        let here = book.location(SHEET_SUMMARY, row, columns.id);
        match seen.get(&unit.id) {
            Some(first) => {
                let id = &unit.id;
                diagnostics.error(
                    Some(here),
                    text!(
                        "单位编号“{id}”重复，已在 {first} 出现",
                        "unit id “{id}” is repeated; first at {first}"
                    ),
                );
            }
            None => {
                seen.insert(unit.id.clone(), here);
            }
        }
        units.push((row, unit));
    }
    if let Some(recorded) = &about.recorded
        && units.len() == rows.len()
    {
        check_grades(book, recorded, &units, columns.grade, diagnostics);
    }
    Some(units.into_iter().map(|(_, unit)| unit).collect())
}

/// Whether a 加权得分 or 总分 formula of the table has no stored result.
fn formulas_lost_their_values(
    book: &mut Book,
    range: &Range<Data>,
    rows: &[u32],
    columns: &SummaryColumns,
) -> bool {
    let Ok(formulas) = book.sheets.worksheet_formula(SHEET_SUMMARY) else { return false };
    rows.iter().any(|&row| {
        [columns.weighted, columns.total].iter().any(|&col| {
            let formula = formulas.get_value((row, col)).is_some_and(|formula| !formula.is_empty());
            formula && matches!(range.get_value((row, col)), None | Some(Data::Empty))
        })
    })
}

/// Reads and verifies one row of 汇总.
struct RowReader<'a> {
    book: &'a Book,
    range: &'a Range<Data>,
    columns: &'a SummaryColumns,
    about: &'a About,
    weights: Option<&'a [SystemWeights]>,
}

impl RowReader<'_> {
    fn location(&self, row: u32, col: u32) -> Location {
        self.book.location(SHEET_SUMMARY, row, col)
    }

    /// The number in `col`, or an error naming the column.
    fn number(&self, row: u32, col: u32, label: &str, diagnostics: &mut Diagnostics) -> Option<Exact> {
        let number = cell_number(self.range, row, col);
        if number.is_none() {
            diagnostics.error(
                Some(self.location(row, col)),
                text!("“{label}”不是数字", "“{label}” is not a number"),
            );
        }
        number
    }

    /// The unit of `row`, when its numbers can be read; every inconsistency
    /// is an error at its cell.
    fn unit(&self, row: u32, diagnostics: &mut Diagnostics) -> Option<MergedUnit> {
        let columns = self.columns;
        let id = cell_text(self.range, row, columns.id);
        if id.is_empty() {
            diagnostics.error(
                Some(self.location(row, columns.id)),
                text!("“{COL_ID}”为空", "“{COL_ID}” (unit id) is empty"),
            );
        }
        let veto = cell_text(self.range, row, columns.veto);
        if !["", VETO_MARK, "否"].contains(&veto.as_str()) {
            diagnostics.error(
                Some(self.location(row, columns.veto)),
                text!(
                    "“{COL_VETO}”应为“{VETO_MARK}”或空白，而不是“{veto}”",
                    "“{COL_VETO}” (veto) must be “{VETO_MARK}” or empty, not “{veto}”"
                ),
            );
        }
        let weighted = self.number(row, columns.weighted, COL_WEIGHTED, diagnostics);
        let bonus = self.number(row, columns.bonus, COL_BONUS, diagnostics);
        let total = self.number(row, columns.total, COL_TOTAL, diagnostics);
        let (weighted, bonus, total) = (weighted?, bonus?, total?);
        let expected = round(&(&weighted + &bonus), 2);
        if total != expected {
            let (total, expected) = (format_trimmed(&total, 2), format_trimmed(&expected, 2));
            diagnostics.error(
                Some(self.location(row, columns.total)),
                text!(
                    "“{COL_TOTAL}” {total} 与 ROUND({COL_WEIGHTED} + {COL_BONUS}, 2) = {expected} 不符",
                    "“{COL_TOTAL}” (total) {total} differs from ROUND(weighted + bonus, 2) = {expected}"
                ),
            );
        }
        if let Some(recorded) = &self.about.recorded {
            self.check_weighted(row, &weighted, diagnostics);
            if let Some(cap) = recorded.bonus_cap.as_ref().filter(|cap| bonus > **cap) {
                let (bonus, cap) = (format_trimmed(&bonus, 2), format_trimmed(cap, 2));
                diagnostics.error(
                    Some(self.location(row, columns.bonus)),
                    text!(
                        "“{COL_BONUS}” {bonus} 超过“{KEY_BONUS_CAP}” {cap}",
                        "“{COL_BONUS}” (bonus) {bonus} is above the “{KEY_BONUS_CAP}” (bonus cap) {cap}"
                    ),
                );
            }
        }
        Some(MergedUnit {
            submission: 0,
            id,
            name: cell_text(self.range, row, columns.name),
            weighted,
            bonus,
            total,
            grade: cell_text(self.range, row, columns.grade),
            veto: veto == VETO_MARK,
            rank: 0,
        })
    }

    /// W against Σ weight × N_c ÷ Σ weight over the unit's categories, with
    /// the weights of the system its 考核体系 names.
    fn check_weighted(&self, row: u32, weighted: &Exact, diagnostics: &mut Diagnostics) {
        let (Some(weights), Some(system_col)) = (self.weights, self.columns.system) else { return };
        let system = cell_text(self.range, row, system_col);
        let Some(system) = weights.iter().find(|s| s.name == system) else {
            diagnostics.error(
                Some(self.location(row, system_col)),
                text!(
                    "“{COL_ASSESSED_UNDER}”“{system}”不在“{SHEET_WEIGHTS}”中",
                    "“{COL_ASSESSED_UNDER}” (system) “{system}” is not in the “{SHEET_WEIGHTS}” sheet"
                ),
            );
            return;
        };
        let (mut sum, mut weight_sum) = (int(0), int(0));
        for (col, category) in &self.columns.categories {
            if cell_text(self.range, row, *col) == crate::render::xlsx::LEFT_OUT {
                continue;
            }
            let Some(score) = self.number(row, *col, category, diagnostics) else { return };
            let Some((_, weight)) = system.weights.iter().find(|(name, _)| name == category) else {
                let name = &system.name;
                diagnostics.error(
                    Some(self.location(row, *col)),
                    text!(
                        "“{SHEET_WEIGHTS}”中“{name}”没有“{category}”权重",
                        "the “{SHEET_WEIGHTS}” sheet gives “{name}” no “{category}” weight"
                    ),
                );
                return;
            };
            sum += weight * score;
            weight_sum += weight;
        }
        let expected = (weight_sum != int(0)).then(|| sum / &weight_sum);
        let off = expected.as_ref().is_none_or(|expected| round(&(weighted - expected), 2) != int(0));
        if off {
            let shown = format_trimmed(weighted, 2);
            let expected = expected.map_or_else(|| "—".to_owned(), |e| format_trimmed(&e, 2));
            let name = &system.name;
            diagnostics.error(
                Some(self.location(row, self.columns.weighted)),
                text!(
                    "“{COL_WEIGHTED}” {shown} 与按“{name}”权重由各类得分算出的 {expected} 不符",
                    "“{COL_WEIGHTED}” (weighted score) {shown} differs from {expected}, computed from the category scores with the weights of “{name}”"
                ),
            );
        }
    }
}

/// Each unit's grade against the one its total, veto, the bands and
/// 优秀比例 give (the engine's own grading); `units` are all the rows.
fn check_grades(
    book: &Book,
    recorded: &Recorded,
    units: &[(u32, MergedUnit)],
    grade_col: u32,
    diagnostics: &mut Diagnostics,
) {
    let mut order: Vec<&(u32, MergedUnit)> = units.iter().collect();
    order.sort_by(|(_, a), (_, b)| a.veto.cmp(&b.veto).then_with(|| b.total.cmp(&a.total)));
    let standings: Vec<Standing> = order.iter().map(|(_, unit)| (unit.veto, &unit.total)).collect();
    let graded = rank_and_grade(&recorded.bands, recorded.top_quota.as_ref(), &standings);
    for ((row, unit), (_, band)) in order.into_iter().zip(graded) {
        let expected = &recorded.bands[band].name;
        if unit.grade == *expected {
            continue;
        }
        let (grade, total) = (&unit.grade, format_trimmed(&unit.total, 2));
        let (zh, en) = if unit.veto { ("，一票否决", ", vetoed") } else { ("", "") };
        diagnostics.error(
            Some(book.location(SHEET_SUMMARY, *row, grade_col)),
            text!(
                "“{COL_GRADE}”应为“{expected}”（总分 {total}{zh}，按“{SHEET_ABOUT}”的{KEY_GRADES}和{KEY_TOP_QUOTA}），而不是“{grade}”",
                "“{COL_GRADE}” (grade) must be “{expected}” (total {total}{en}, by the bands and top quota in “{SHEET_ABOUT}”), not “{grade}”"
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use calamine::{Reader, Xlsx};

    use super::*;
    use crate::diagnostic::Lang;
    use crate::render::Scored;
    use crate::render::xlsx::fixture::{self, COUNTY, TOWN, Variant, d};
    use crate::render::xlsx::{merged_workbook, workbook};

    fn submit(dir: &Path, name: &str, variant: &Variant) -> PathBuf {
        submit_model(dir, name, fixture::model(variant))
    }

    fn submit_model(dir: &Path, name: &str, model: crate::model::Model) -> PathBuf {
        let report = fixture::report(&model);
        let scored = Scored { model: &model, report: &report, warnings: &[], created: fixture::created() };
        let path = dir.join(name);
        std::fs::write(&path, workbook(&scored).unwrap()).unwrap();
        path
    }

    /// Headlines with the submissions' folder left out (files are named by
    /// their path as given).
    fn headlines(dir: &Path, diagnostics: Diagnostics) -> Vec<String> {
        let folder = format!("{}/", dir.display());
        diagnostics.iter().map(|diagnostic| diagnostic.headline(Lang::Zh).replace(&folder, "")).collect()
    }

    #[test]
    fn ranks_the_units_of_every_submission_on_one_scale() {
        let dir = tempfile::tempdir().unwrap();
        let paths = [submit(dir.path(), "a.xlsx", &COUNTY), submit(dir.path(), "b.xlsx", &TOWN)];
        let ranking = merge(&paths, Some(d("40"))).0.unwrap();
        assert_eq!(ranking.year, 2025);
        let rows: Vec<(u32, &str, &str, String, &str, bool)> = ranking
            .units
            .iter()
            .map(|unit| {
                let assessor = ranking.submissions[unit.submission].assessor.as_str();
                (
                    unit.rank,
                    assessor,
                    unit.id.as_str(),
                    format_trimmed(&unit.total, 2),
                    unit.grade.as_str(),
                    unit.veto,
                )
            })
            .collect();
        let expected = [
            (1, "乡镇党委", "U1", "86.5", "良好", false),
            (2, "县局党委", "U1", "86", "良好", false),
            (3, "县局党委", "U10", "79.17", "合格", false),
            (3, "乡镇党委", "U10", "79.17", "合格", false),
            (5, "县局党委", "U2", "93.33", "不合格", true),
            (5, "乡镇党委", "U2", "93.33", "不合格", true),
        ]
        .map(|(rank, assessor, id, total, grade, veto)| (rank, assessor, id, total.to_owned(), grade, veto));
        assert_eq!(rows, expected);
        let sha = Sha256::digest(std::fs::read(&paths[0]).unwrap())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>();
        assert_eq!(ranking.submissions[0].sha256, sha);
        assert_eq!(ranking.created, fixture::created());

        let bytes = merged_workbook(&ranking).unwrap();
        assert!(bytes == merged_workbook(&ranking).unwrap(), "same inputs, same bytes");
        let mut book = Xlsx::new(Cursor::new(bytes)).unwrap();
        assert_eq!(book.sheet_names(), ["汇总", "说明"]);
        let summary = book.worksheet_range("汇总").unwrap();
        let row = |row: u32| -> Vec<String> { (0..9).map(|col| cell_text(&summary, row, col)).collect() };
        assert_eq!(
            row(1),
            ["排名", "考核单位", "单位编号", "单位名称", "加权得分", "加分", "总分", "等次", "否决"]
        );
        assert_eq!(row(2), ["1", "乡镇党委", "U1", "甲村党支部", "84.5", "2", "86.5", "良好", ""]);
        // The submitted W as read (15 significant digits), shown with 2 decimals.
        assert_eq!(
            row(6),
            ["5", "县局党委", "U2", "=SUM(A1)", "93.3333333333333", "0", "93.33", "不合格", "是"]
        );
        let about = book.worksheet_range("说明").unwrap();
        let last = about.end().unwrap().0;
        assert_eq!(cell_text(&about, last, 0), dir.path().join("b.xlsx").display().to_string());
        assert_eq!(cell_text(&about, last - 1, 2), sha);
    }

    #[test]
    fn submissions_of_different_years_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let earlier = Variant { year: 2024, ..TOWN };
        let paths = [submit(dir.path(), "a.xlsx", &COUNTY), submit(dir.path(), "b.xlsx", &earlier)];
        let errors = headlines(dir.path(), merge(&paths, None).1);
        assert_eq!(errors, ["b.xlsx:说明!B4: 年度 2024 与 a.xlsx 的年度 2025 不一致"]);
    }

    #[test]
    fn an_ideological_weight_below_this_level_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let paths = [submit(dir.path(), "a.xlsx", &COUNTY), submit(dir.path(), "b.xlsx", &TOWN)];
        let errors = headlines(dir.path(), merge(&paths, Some(d("42"))).1);
        assert_eq!(errors, ["a.xlsx:权重!C2: 县局党委的“顶层体系”中“意识形态工作”权重 40% 低于本级权重 42%"]);
    }

    #[test]
    fn foreign_and_repeated_workbooks_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let foreign = dir.path().join("x.xlsx");
        let mut book = rust_xlsxwriter::Workbook::new();
        book.add_worksheet().write_string(0, 0, "排名").unwrap();
        book.save(&foreign).unwrap();
        let county = submit(dir.path(), "a.xlsx", &COUNTY);
        let copy = dir.path().join("a2.xlsx");
        std::fs::copy(&county, &copy).unwrap();
        let errors = headlines(dir.path(), merge(&[foreign, county, copy], None).1);
        assert_eq!(
            errors,
            [
                "x.xlsx: 不是 kaohe 生成的考核得分表：没有“说明”工作表",
                "a2.xlsx: 与 a.xlsx 内容相同，重复报送"
            ]
        );
    }

    #[test]
    fn the_command_writes_the_merged_workbook_once() {
        let dir = tempfile::tempdir().unwrap();
        let paths = [submit(dir.path(), "a.xlsx", &COUNTY), submit(dir.path(), "b.xlsx", &TOWN)];
        let out = dir.path().join("out");
        let args = |extra: &[&str]| {
            let mut args: Vec<std::ffi::OsString> = vec!["kaohe".into(), "merge".into()];
            args.extend(paths.iter().map(|p| p.clone().into_os_string()));
            args.extend(["-o".into(), out.clone().into_os_string()]);
            args.extend(extra.iter().map(|&a| a.into()));
            args
        };
        assert_eq!(
            crate::main_with_args(args(&["--ideological-weight", "40"])),
            std::process::ExitCode::SUCCESS
        );
        let written = std::fs::read(out.join("考核得分表.xlsx")).unwrap();
        assert!(Xlsx::new(Cursor::new(written.clone())).is_ok());
        // A non-empty folder is left alone without --force.
        assert_eq!(crate::main_with_args(args(&[])), std::process::ExitCode::from(crate::EXIT_INVALID_INPUT));
        let forced = crate::main_with_args(args(&["--force", "--ideological-weight", "40"]));
        assert_eq!(forced, std::process::ExitCode::SUCCESS);
        assert!(std::fs::read(out.join("考核得分表.xlsx")).unwrap() == written, "same inputs, same bytes");
        let below = crate::main_with_args(args(&["--force", "--ideological-weight", "50"]));
        assert_eq!(below, std::process::ExitCode::from(crate::EXIT_INVALID_INPUT));
    }

    // The fixture's 汇总 (sheet1): columns A 排名, B 单位编号, C 单位名称,
    // D 意识形态工作, E 党建工作, F 加权得分, G 加分, H 总分, I 等次, J 否决,
    // K 考核体系; U1 on row 3 (W 84 + 2 = 86 良好, system 顶层体系), U10 on
    // row 4 (W 79.17 合格, system 办公室党支部), U2 on row 5 (93.33, vetoed,
    // 不合格). Its 说明 (sheet7) holds 优秀比例 on row 8, 加分上限 on row 9
    // and 参评单位数 on row 10.
    const SUMMARY_XML: &str = "xl/worksheets/sheet1.xml";
    const ABOUT_XML: &str = "xl/worksheets/sheet7.xml";

    type Edit<'a> = (&'a str, &'a dyn Fn(String) -> String);

    /// A copy of the workbook at `path`, saved beside it as `name`, with each
    /// edit (a package part and a change to its XML) applied, as a user
    /// editing the workbook by hand would leave it.
    fn edited(path: &Path, name: &str, edits: &[Edit]) -> PathBuf {
        use std::io::{Read, Write};
        let mut archive = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
        let copy = path.with_file_name(name);
        let mut writer = zip::ZipWriter::new(std::fs::File::create(&copy).unwrap());
        for index in 0..archive.len() {
            let mut entry = archive.by_index(index).unwrap();
            let part = entry.name().unwrap().to_string();
            let mut bytes = Vec::new();
            entry.read_to_end(&mut bytes).unwrap();
            if let Some((_, edit)) = edits.iter().find(|(name, _)| *name == part) {
                bytes = edit(String::from_utf8(bytes).unwrap()).into_bytes();
            }
            writer.start_file(part, zip::write::SimpleFileOptions::default()).unwrap();
            writer.write_all(&bytes).unwrap();
        }
        writer.finish().unwrap();
        copy
    }

    /// `xml` with the cell at `reference` (`H3`) replaced by what `edit` makes of it.
    fn with_cell(xml: String, reference: &str, edit: impl Fn(&str) -> String) -> String {
        let start = xml.find(&format!("<c r=\"{reference}\"")).expect("the cell is in the sheet");
        let tag_end = start + xml[start..].find('>').unwrap() + 1;
        let end = if xml[..tag_end].ends_with("/>") {
            tag_end
        } else {
            start + xml[start..].find("</c>").unwrap() + 4
        };
        format!("{}{}{}", &xml[..start], edit(&xml[start..end]), &xml[end..])
    }

    /// A cell holding `text` in place of the cell at `reference`.
    fn text_cell(reference: &str, text: &str) -> impl Fn(&str) -> String {
        move |_| format!("<c r=\"{reference}\" t=\"inlineStr\"><is><t>{text}</t></is></c>")
    }

    /// The cell with its stored value (a formula's cached result) replaced by `value`.
    fn cached(value: &str) -> impl Fn(&str) -> String {
        move |cell| {
            let (start, end) = (cell.find("<v>").unwrap() + 3, cell.find("</v>").unwrap());
            format!("{}{value}{}", &cell[..start], &cell[end..])
        }
    }

    fn removed(_: &str) -> String {
        String::new()
    }

    /// `xml` with every row from `first` on moved one down, so row `first` is empty.
    fn blank_row_at(xml: String, first: u32) -> String {
        let (mut out, mut rest) = (String::new(), xml.as_str());
        while let Some(at) = rest.find(" r=\"") {
            let (head, tail) = rest.split_at(at + 4);
            out.push_str(head);
            let reference = &tail[..tail.find('"').unwrap()];
            let digits = reference.trim_start_matches(|c: char| c.is_ascii_uppercase());
            let letters = &reference[..reference.len() - digits.len()];
            match digits.parse::<u32>() {
                Ok(row) if row >= first => out.push_str(&format!("{letters}{}", row + 1)),
                _ => out.push_str(reference),
            }
            rest = &tail[reference.len()..];
        }
        out + rest
    }

    /// `xml` without its row `row`.
    fn without_row(xml: String, row: u32) -> String {
        let start = xml.find(&format!("<row r=\"{row}\"")).unwrap();
        let end = start + xml[start..].find("</row>").unwrap() + "</row>".len();
        format!("{}{}", &xml[..start], &xml[end..])
    }

    /// The ids and totals merged, in ranking order.
    fn merged(dir: &Path, paths: &[PathBuf]) -> (Vec<(String, String)>, Vec<String>) {
        let (ranking, diagnostics) = merge(paths, None);
        let units = ranking
            .map(|ranking| {
                ranking.units.iter().map(|u| (u.id.clone(), format_trimmed(&u.total, 2))).collect()
            })
            .unwrap_or_default();
        (units, headlines(dir, diagnostics))
    }

    fn errors(dir: &Path, paths: &[PathBuf]) -> Vec<String> {
        let (units, errors) = merged(dir, paths);
        assert!(units.is_empty(), "refused");
        errors
    }

    fn ids(units: &[(String, String)]) -> Vec<&str> {
        units.iter().map(|(id, _)| id.as_str()).collect()
    }

    #[test]
    fn a_blank_row_inside_the_summary_is_skipped_and_the_rows_are_counted() {
        let dir = tempfile::tempdir().unwrap();
        let county = submit(dir.path(), "a.xlsx", &COUNTY);
        let blank = edited(&county, "b.xlsx", &[(SUMMARY_XML, &|xml| blank_row_at(xml, 4))]);
        let summary =
            Xlsx::new(std::fs::File::open(&blank).unwrap()).unwrap().worksheet_range("汇总").unwrap();
        let column_b: Vec<String> = (2..6).map(|row| cell_text(&summary, row, 1)).collect();
        assert_eq!(column_b, ["U1", "", "U10", "U2"]);
        let (units, messages) = merged(dir.path(), &[blank]);
        assert_eq!(ids(&units), ["U1", "U10", "U2"]);
        assert!(messages.is_empty(), "{messages:?}");

        let short = edited(&county, "c.xlsx", &[(SUMMARY_XML, &|xml| without_row(xml, 4))]);
        assert_eq!(
            errors(dir.path(), &[short]),
            ["c.xlsx:说明!B10: “参评单位数”为 3，但“汇总”有 2 个单位行"]
        );
    }

    #[test]
    fn a_hand_typed_total_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let county = submit(dir.path(), "a.xlsx", &COUNTY);
        let typed = edited(
            &county,
            "b.xlsx",
            &[(SUMMARY_XML, &|xml| with_cell(xml, "H3", |_| "<c r=\"H3\"><v>88</v></c>".into()))],
        );
        assert_eq!(
            errors(dir.path(), &[typed]),
            ["b.xlsx:汇总!H3: “总分” 88 与 ROUND(加权得分 + 加分, 2) = 86 不符"]
        );
    }

    #[test]
    fn a_weighted_score_that_disagrees_with_the_category_scores_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let county = submit(dir.path(), "a.xlsx", &COUNTY);
        // The cached W and T of U1 raised together, their formulas kept.
        let edit = |xml| with_cell(with_cell(xml, "F3", cached("85")), "H3", cached("87"));
        let raised = edited(&county, "b.xlsx", &[(SUMMARY_XML, &edit)]);
        assert_eq!(
            errors(dir.path(), &[raised]),
            ["b.xlsx:汇总!F3: “加权得分” 85 与按“顶层体系”权重由各类得分算出的 84 不符"]
        );
    }

    #[test]
    fn a_cleared_veto_and_an_edited_grade_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let county = submit(dir.path(), "a.xlsx", &COUNTY);
        let cleared = edited(&county, "b.xlsx", &[(SUMMARY_XML, &|xml| with_cell(xml, "J5", removed))]);
        assert_eq!(
            errors(dir.path(), &[cleared]),
            ["b.xlsx:汇总!I5: “等次”应为“优秀”（总分 93.33，按“说明”的等次和优秀比例），而不是“不合格”"]
        );
        let graded =
            edited(&county, "c.xlsx", &[(SUMMARY_XML, &|xml| with_cell(xml, "I3", text_cell("I3", "优秀")))]);
        assert_eq!(
            errors(dir.path(), &[graded]),
            ["c.xlsx:汇总!I3: “等次”应为“良好”（总分 86，按“说明”的等次和优秀比例），而不是“优秀”"]
        );
        let vetoed =
            edited(&county, "d.xlsx", &[(SUMMARY_XML, &|xml| with_cell(xml, "I5", text_cell("I5", "优秀")))]);
        assert_eq!(
            errors(dir.path(), &[vetoed]),
            [
                "d.xlsx:汇总!I5: “等次”应为“不合格”（总分 93.33，一票否决，按“说明”的等次和优秀比例），而不是“优秀”"
            ]
        );
    }

    #[test]
    fn a_repeated_unit_id_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let county = submit(dir.path(), "a.xlsx", &COUNTY);
        let repeated =
            edited(&county, "b.xlsx", &[(SUMMARY_XML, &|xml| with_cell(xml, "B4", text_cell("B4", "U1")))]);
        assert_eq!(
            errors(dir.path(), &[repeated]),
            ["b.xlsx:汇总!B4: 单位编号“U1”重复，已在 b.xlsx:汇总!B3 出现"]
        );
    }

    #[test]
    fn grades_follow_the_recorded_top_quota() {
        let dir = tempfile::tempdir().unwrap();
        // U2 not vetoed and 优秀: right without a quota, one too many with
        // 20 % of 3 units (none may keep 优秀).
        let unvetoed = |xml| with_cell(with_cell(xml, "J5", removed), "I5", text_cell("I5", "优秀"));
        let free = submit(dir.path(), "a.xlsx", &COUNTY);
        let free = edited(&free, "b.xlsx", &[(SUMMARY_XML, &unvetoed)]);
        let (units, messages) = merged(dir.path(), &[free]);
        assert_eq!(units[0], ("U2".to_owned(), "93.33".to_owned()));
        assert!(messages.is_empty(), "{messages:?}");

        let mut model = fixture::model(&COUNTY);
        model.settings.top_quota = Some(d("20"));
        let quota = submit_model(dir.path(), "c.xlsx", model);
        let quota = edited(&quota, "d.xlsx", &[(SUMMARY_XML, &unvetoed)]);
        assert_eq!(
            errors(dir.path(), &[quota]),
            ["d.xlsx:汇总!I5: “等次”应为“良好”（总分 93.33，按“说明”的等次和优秀比例），而不是“优秀”"]
        );
    }

    #[test]
    fn a_bonus_above_the_recorded_cap_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let county = submit(dir.path(), "a.xlsx", &COUNTY);
        let capped =
            edited(&county, "b.xlsx", &[(ABOUT_XML, &|xml| with_cell(xml, "B9", text_cell("B9", "1")))]);
        assert_eq!(errors(dir.path(), &[capped]), ["b.xlsx:汇总!G3: “加分” 2 超过“加分上限” 1"]);
        let unreadable =
            edited(&county, "c.xlsx", &[(ABOUT_XML, &|xml| with_cell(xml, "B8", text_cell("B8", "两成")))]);
        assert_eq!(
            errors(dir.path(), &[unreadable]),
            ["c.xlsx:说明!B8: “优秀比例”应为数字或“无”，而不是“两成”"]
        );
    }

    #[test]
    fn cached_numbers_are_read_as_excel_reads_them() {
        let dir = tempfile::tempdir().unwrap();
        let county = submit(dir.path(), "a.xlsx", &COUNTY);
        // U10 at W = (84.95 + 75) / 2 = 79.975, its cached W one binary step
        // below as a recalculation may leave it: T = 79.98, not 79.97.
        let edit = |xml| {
            let xml = with_cell(xml, "D4", cached("84.95"));
            with_cell(with_cell(xml, "F4", cached("79.97499999999998")), "H4", cached("79.98"))
        };
        let recalculated = edited(&county, "b.xlsx", &[(SUMMARY_XML, &edit)]);
        let (ranking, diagnostics) = merge(&[recalculated], None);
        assert!(diagnostics.is_empty(), "{:?}", headlines(dir.path(), diagnostics));
        let ranking = ranking.unwrap();
        let u10 = ranking.units.iter().find(|unit| unit.id == "U10").unwrap();
        assert_eq!((&u10.weighted, &u10.total), (&d("79.975"), &d("79.98")));
    }

    #[test]
    fn two_workbooks_of_one_organisation_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let original = submit(dir.path(), "a.xlsx", &COUNTY);
        let corrected =
            Variant { names: ["办公室党支部", "综合科党支部", "第三党支部"], ..COUNTY };
        let corrected = submit(dir.path(), "b.xlsx", &corrected);
        let town = submit(dir.path(), "c.xlsx", &TOWN);
        assert_eq!(
            errors(dir.path(), &[original, town, corrected]),
            [
                "b.xlsx: 与 a.xlsx 同为“县局党委”的得分表，且都有单位 U1、U10、U2：同一组织只能报送一份，请只保留其中一份（如原件或更正件）"
            ]
        );
    }

    #[test]
    fn formulas_without_their_values_get_one_message() {
        let dir = tempfile::tempdir().unwrap();
        let county = submit(dir.path(), "a.xlsx", &COUNTY);
        let strip = |xml: String| {
            let mut xml = xml;
            while let Some(at) = xml.find("</f><v>") {
                let end = at + xml[at..].find("</v>").unwrap() + "</v>".len();
                xml.replace_range(at + "</f>".len()..end, "");
            }
            xml
        };
        let resaved = edited(&county, "b.xlsx", &[(SUMMARY_XML, &strip)]);
        assert_eq!(
            errors(dir.path(), &[resaved]),
            [
                "b.xlsx:汇总: 公式没有保存计算结果（该文件被不保存计算结果的软件另存过），无法核验：请用 Excel 或 WPS 打开并保存后重新报送，或重新运行 kaohe score"
            ]
        );
    }

    #[test]
    fn a_workbook_from_before_the_verification_keys_is_verified_on_its_totals() {
        let dir = tempfile::tempdir().unwrap();
        let county = submit(dir.path(), "a.xlsx", &COUNTY);
        let old_about = |xml| without_row(without_row(xml, 8), 9);
        let old_summary =
            |xml| ["K2", "K3", "K4", "K5"].iter().fold(xml, |xml, cell| with_cell(xml, cell, removed));
        // Its grades aren't verified: an edited one passes, with the note.
        let old_grade = |xml| with_cell(old_summary(xml), "I3", text_cell("I3", "优秀"));
        let old = edited(&county, "b.xlsx", &[(ABOUT_XML, &old_about), (SUMMARY_XML, &old_grade)]);
        let note = "b.xlsx:说明: 该得分表由较早版本的 kaohe 生成，未记录“优秀比例”等核验项目：只核验了总分，未核验加权得分和等次";
        let (units, messages) = merged(dir.path(), &[old]);
        assert_eq!(ids(&units), ["U1", "U10", "U2"]);
        assert_eq!(messages, [note]);
        // Its totals are.
        let old_total = |xml| with_cell(old_summary(xml), "H3", cached("88"));
        let old = edited(&county, "c.xlsx", &[(ABOUT_XML, &old_about), (SUMMARY_XML, &old_total)]);
        assert_eq!(
            errors(dir.path(), &[old]),
            [
                note.replace("b.xlsx", "c.xlsx").as_str(),
                "c.xlsx:汇总!H3: “总分” 88 与 ROUND(加权得分 + 加分, 2) = 86 不符"
            ]
        );
    }

    #[test]
    fn a_csv_file_or_a_folder_is_not_a_score_workbook() {
        let dir = tempfile::tempdir().unwrap();
        let csv = dir.path().join("台账.csv");
        std::fs::write(&csv, "单位编号,总分\nU1,86\n").unwrap();
        let folder = dir.path().join("县局");
        std::fs::create_dir(&folder).unwrap();
        assert_eq!(
            errors(dir.path(), &[csv, folder]),
            [
                "台账.csv: 是 CSV 文件；kaohe merge 只读取 kaohe score 生成的考核得分表（.xlsx）",
                "县局: 是文件夹；kaohe merge 只读取 kaohe score 生成的考核得分表（.xlsx）",
            ]
        );
    }
}
