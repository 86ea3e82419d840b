//! `kaohe merge`: combine score workbooks submitted by lower-level
//! organisations (SPEC §6). Each workbook must be one `kaohe score` wrote
//! (its 说明 sheet says so) for the same year, and every system in its 权重
//! sheet must give the ideological category at least the merging
//! organisation's weight P. Units are ranked together by their submitted
//! totals and veto flags, which are not recomputed; grades stay as
//! submitted. Reading only: [`crate::render::xlsx::merged_workbook`]
//! renders the result.

use std::io::Cursor;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use calamine::{Data, Range, Reader, Sheets, open_workbook_auto_from_rs};
use chrono::NaiveDateTime;
use sha2::{Digest, Sha256};

use crate::diagnostic::{Diagnostic, Diagnostics, Location, Text};
use crate::input::text::natural_cmp;
use crate::number::{Exact, format_trimmed, from_f64, int, parse_decimal};
use crate::render::xlsx::{
    COL_BONUS, COL_GRADE, COL_ID, COL_NAME, COL_RANK, COL_SYSTEM, COL_TOTAL, COL_VETO, COL_WEIGHTED,
    KEY_ASSESSOR, KEY_CREATED, KEY_GRADES, KEY_IDEOLOGICAL, KEY_TOOL, KEY_YEAR, SHEET_ABOUT, SHEET_SUMMARY,
    SHEET_WEIGHTS, TOOL_PREFIX, VETO_MARK,
};

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
    pub weighted: Option<Exact>,
    pub bonus: Option<Exact>,
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

/// Reads, checks and ranks the submitted workbooks. Every problem of every
/// workbook is reported; any error means no ranking.
pub fn merge(paths: &[PathBuf], ideological_weight: Option<Exact>) -> Result<MergedRanking, Diagnostics> {
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
        return Err(diagnostics);
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
    Ok(MergedRanking { year, ideological_weight, submissions, units, grades, created })
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

fn check_distinct(read: &[Submitted], diagnostics: &mut Diagnostics) {
    for (index, submitted) in read.iter().enumerate() {
        let earlier =
            read[..index].iter().find(|other| other.submission.sha256 == submitted.submission.sha256);
        if let Some(earlier) = earlier {
            let other = &earlier.submission.file;
            diagnostics.error(
                Some(Location::file(submitted.submission.file.clone())),
                text!("与 {other} 内容相同，重复报送", "same content as {other}: submitted twice"),
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

fn cell_number(range: &Range<Data>, row: u32, col: u32) -> Option<Exact> {
    match range.get_value((row, col))? {
        Data::Float(number) => from_f64(*number),
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
    let about = match read_about(&mut book, sha256) {
        Ok(about) => about,
        Err(diagnostic) => {
            diagnostics.push(*diagnostic);
            return None;
        }
    };
    let units = read_summary(&mut book, diagnostics);
    read_weights(&mut book, &about, floor, diagnostics);
    // Kept even when 汇总 failed, so the year is still compared.
    Some(Submitted { units: units.unwrap_or_default(), year: about.year, submission: about.submission })
}

/// What 说明 says about a workbook.
struct About {
    submission: Submission,
    year: (i32, Location),
    ideological: String,
}

fn read_about(book: &mut Book, sha256: String) -> Result<About, Box<Diagnostic>> {
    let range = book.sheet(SHEET_ABOUT)?;
    let find = |key: &str| {
        rows_from(&range, 0)
            .find(|&row| cell_text(&range, row, 0) == key)
            .map(|row| (row, cell_text(&range, row, 1)))
    };
    let tool = find(KEY_TOOL).filter(|(_, tool)| tool.starts_with(TOOL_PREFIX));
    if tool.is_none() {
        let why = text!(
            "“{SHEET_ABOUT}”中没有“{KEY_TOOL}”一行",
            "its “{SHEET_ABOUT}” sheet has no “{KEY_TOOL}” row"
        );
        return Err(not_kaohe(Location::sheet(book.file.clone(), SHEET_ABOUT.into()), why));
    }
    let year_row = find(KEY_YEAR);
    let year =
        year_row.as_ref().and_then(|(_, text)| text.trim_end_matches(['年', '度']).parse::<i32>().ok());
    let Some(year) = year else {
        let location = match year_row {
            Some((row, _)) => book.location(SHEET_ABOUT, row, 1),
            None => Location::sheet(book.file.clone(), SHEET_ABOUT.into()),
        };
        return Err(Box::new(Diagnostic::error(
            Some(location),
            text!("没有有效的“{KEY_YEAR}”", "no valid “{KEY_YEAR}” (year)"),
        )));
    };
    let year_location = book.location(SHEET_ABOUT, year_row.map_or(0, |(row, _)| row), 1);
    let value = |key| find(key).map(|(_, value)| value).unwrap_or_default();
    let grades = value(KEY_GRADES)
        .split([';', '；'])
        .filter_map(|band| band.split([':', '：']).next())
        .map(|name| name.trim().to_owned())
        .filter(|name| !name.is_empty())
        .collect();
    let created = NaiveDateTime::parse_from_str(&value(KEY_CREATED), "%Y-%m-%d %H:%M:%S").ok();
    let ideological =
        Some(value(KEY_IDEOLOGICAL)).filter(|v| !v.is_empty()).unwrap_or(DEFAULT_IDEOLOGICAL.into());
    Ok(About {
        submission: Submission {
            file: book.file.clone(),
            sha256,
            assessor: value(KEY_ASSESSOR),
            grades,
            created,
        },
        year: (year, year_location),
        ideological,
    })
}

/// The units of 汇总: every row below the header until the first with no rank.
fn read_summary(book: &mut Book, diagnostics: &mut Diagnostics) -> Option<Vec<MergedUnit>> {
    let range = book.sheet(SHEET_SUMMARY).map_err(|d| diagnostics.push(*d)).ok()?;
    let Some((header, labels)) = header_row(&range, COL_RANK) else {
        let why = text!(
            "“{SHEET_SUMMARY}”中没有“{COL_RANK}”表头",
            "its “{SHEET_SUMMARY}” sheet has no “{COL_RANK}” header"
        );
        diagnostics.push(*not_kaohe(Location::sheet(book.file.clone(), SHEET_SUMMARY.into()), why));
        return None;
    };
    let column = |label: &str| labels.iter().find(|(_, text)| text == label).map(|(col, _)| *col);
    let required = [COL_ID, COL_NAME, COL_TOTAL, COL_GRADE, COL_VETO];
    let missing: Vec<&str> = required.into_iter().filter(|label| column(label).is_none()).collect();
    if !missing.is_empty() {
        let missing = missing.join("、");
        diagnostics.error(
            Some(Location::row(book.file.clone(), SHEET_SUMMARY.into(), header + 1)),
            text!(
                "“{SHEET_SUMMARY}”缺少列：{missing}",
                "the “{SHEET_SUMMARY}” sheet lacks columns: {missing}"
            ),
        );
        return None;
    }
    let [id, name, total, grade, veto] = required.map(|label| column(label).unwrap_or_default());
    let rank = column(COL_RANK).unwrap_or_default();
    let mut units = Vec::new();
    for row in rows_from(&range, header + 1) {
        if cell_text(&range, row, rank).is_empty() {
            break;
        }
        let unit_id = cell_text(&range, row, id);
        if unit_id.is_empty() {
            diagnostics.error(
                Some(book.location(SHEET_SUMMARY, row, id)),
                text!("“{COL_ID}”为空", "“{COL_ID}” (unit id) is empty"),
            );
        }
        let Some(total_value) = cell_number(&range, row, total) else {
            diagnostics.error(
                Some(book.location(SHEET_SUMMARY, row, total)),
                text!("“{COL_TOTAL}”不是数字", "“{COL_TOTAL}” (total) is not a number"),
            );
            continue;
        };
        let veto_text = cell_text(&range, row, veto);
        if !["", VETO_MARK, "否"].contains(&veto_text.as_str()) {
            diagnostics.error(
                Some(book.location(SHEET_SUMMARY, row, veto)),
                text!(
                    "“{COL_VETO}”应为“{VETO_MARK}”或空白，而不是“{veto_text}”",
                    "“{COL_VETO}” (veto) must be “{VETO_MARK}” or empty, not “{veto_text}”"
                ),
            );
        }
        let optional = |label| column(label).and_then(|col| cell_number(&range, row, col));
        units.push(MergedUnit {
            submission: 0,
            id: unit_id,
            name: cell_text(&range, row, name),
            weighted: optional(COL_WEIGHTED),
            bonus: optional(COL_BONUS),
            total: total_value,
            grade: cell_text(&range, row, grade),
            veto: veto_text == VETO_MARK,
            rank: 0,
        });
    }
    Some(units)
}

/// Checks every system's ideological weight in 权重 against `floor` (P).
fn read_weights(book: &mut Book, about: &About, floor: Option<&Exact>, diagnostics: &mut Diagnostics) {
    let range = match book.sheet(SHEET_WEIGHTS) {
        Ok(range) => range,
        Err(diagnostic) => return diagnostics.push(*diagnostic),
    };
    let category = &about.ideological;
    let header = header_row(&range, COL_SYSTEM);
    let column = header.as_ref().and_then(|(row, labels)| {
        labels.iter().find(|(_, label)| label == category).map(|(col, _)| (*row, *col))
    });
    let Some((header, col)) = column else {
        diagnostics.error(
            Some(Location::sheet(book.file.clone(), SHEET_WEIGHTS.into())),
            text!(
                "“{SHEET_WEIGHTS}”中没有“{category}”权重列",
                "the “{SHEET_WEIGHTS}” sheet has no “{category}” weight column"
            ),
        );
        return;
    };
    let assessor = &about.submission.assessor;
    for row in rows_from(&range, header + 1) {
        let system = cell_text(&range, row, 0);
        if system.is_empty() {
            break;
        }
        let location = book.location(SHEET_WEIGHTS, row, col);
        let Some(weight) = cell_number(&range, row, col) else {
            diagnostics.error(
                Some(location),
                text!("“{category}”权重不是数字", "the “{category}” weight is not a number"),
            );
            continue;
        };
        if let Some(floor) = floor.filter(|floor| weight < **floor) {
            let (weight, floor) = (format_trimmed(&weight, 2), format_trimmed(floor, 2));
            diagnostics.error(
                Some(location),
                text!(
                    "{assessor}的“{system}”中“{category}”权重 {weight}% 低于本级权重 {floor}%",
                    "{assessor}'s system “{system}” gives “{category}” {weight}%, below this level's {floor}%"
                ),
            );
        }
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
        let model = fixture::model(variant);
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
        let ranking = merge(&paths, Some(d("40"))).unwrap();
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
        assert_eq!(row(6), ["5", "县局党委", "U2", "=SUM(A1)", "93.33", "0", "93.33", "不合格", "是"]);
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
        let errors = headlines(dir.path(), merge(&paths, None).unwrap_err());
        assert_eq!(errors, ["b.xlsx:说明!B4: 年度 2024 与 a.xlsx 的年度 2025 不一致"]);
    }

    #[test]
    fn an_ideological_weight_below_this_level_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let paths = [submit(dir.path(), "a.xlsx", &COUNTY), submit(dir.path(), "b.xlsx", &TOWN)];
        let errors = headlines(dir.path(), merge(&paths, Some(d("42"))).unwrap_err());
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
        let errors = headlines(dir.path(), merge(&[foreign, county, copy], None).unwrap_err());
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
}
