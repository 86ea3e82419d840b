//! The score workbooks submitted to `kaohe merge` (docs/命令.md), read by
//! [`crate::input::submission`], become one [`MergedRanking`]. Each must be
//! one `kaohe score` wrote for the same year, and every system in its 权重
//! sheet must give the ideological category at least the merging
//! organisation's weight P. Every submitted unit is verified against its
//! own workbook before it is used: T = ROUND(W + bonus, 2), W from its
//! category scores and the weights of the system it names, its grade from
//! T, the bands and 优秀比例 in 说明, no repeated id, as many unit rows as
//! 说明 counts, no formula without its stored result. Units are then
//! ranked together by their submitted totals and veto flags.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::NaiveDateTime;
use rayon::prelude::*;
use rustc_hash::FxHashSet;

use crate::diagnostic::{Diagnostic, Diagnostics, Location};
use crate::input::submission::{AboutSheet, SubmittedSheet, SubmittedWorkbook, SummarySheet};
use crate::model::previous::PreviousUnit;
use crate::model::ranking::{Standing, by_standing, competition_ranks, rank_and_grade};
use crate::model::validate::DEFAULT_IDEOLOGICAL_CATEGORY;
use crate::model::{GradeBand, MergedRanking, MergedUnit, Submission};
use crate::number::{Exact, format_trimmed, int, parse_decimal, round};
use crate::score_workbook::{
    BARRED_MARK, COL_ASSESSED_UNDER, COL_BONUS, COL_GRADE, COL_ID, COL_NAME, COL_RANK, COL_SUBMITTER,
    COL_SYSTEM, COL_TOTAL, COL_VETO, COL_WEIGHT_SUM, COL_WEIGHTED, KEY_ASSESSED, KEY_ASSESSOR, KEY_BONUS_CAP,
    KEY_CREATED, KEY_DOC_DATE, KEY_GRADES, KEY_IDEOLOGICAL, KEY_KIND, KEY_TOP_QUOTA, KEY_YEAR, LEFT_OUT,
    MERGED_KIND, NOT_SET, PREVIOUS_COLUMNS, SHEET_ABOUT, SHEET_PREVIOUS, SHEET_SUMMARY, SHEET_WEIGHTS,
    VETO_MARK,
};
use crate::text::natural_cmp;

/// Verifies and ranks the submitted workbooks, each as it is read (or why
/// it could not be), on every core; their diagnostics come in the given
/// order. Every problem of every workbook is reported; any error means no
/// ranking. Warnings (a workbook that could only be verified in part) come
/// either way.
pub fn validate_submissions(
    read: impl IndexedParallelIterator<Item = Result<SubmittedWorkbook, Box<Diagnostic>>>,
    ideological_weight: Option<Exact>,
    source_date: Option<NaiveDateTime>,
) -> (Option<MergedRanking>, Diagnostics) {
    let each: Vec<(Option<Verified>, Diagnostics)> = read
        .map(|workbook| {
            let mut diagnostics = Diagnostics::default();
            let verified = match workbook {
                Ok(workbook) => verify(workbook, ideological_weight.as_ref(), &mut diagnostics),
                Err(diagnostic) => {
                    diagnostics.push(*diagnostic);
                    None
                }
            };
            (verified, diagnostics)
        })
        .collect();
    let mut diagnostics = Diagnostics::default();
    let mut verified = Vec::new();
    for (workbook, its_diagnostics) in each {
        verified.extend(workbook);
        diagnostics.extend(its_diagnostics);
    }
    check_same_year(&verified, &mut diagnostics);
    check_distinct(&verified, &mut diagnostics);
    if diagnostics.has_errors() || verified.is_empty() {
        return (None, diagnostics);
    }
    let year = verified[0].year.0;
    let mut grades: Vec<String> = Vec::new();
    let mut units = Vec::new();
    let mut submissions = Vec::new();
    for (index, submitted) in verified.into_iter().enumerate() {
        for grade in &submitted.submission.grades {
            if !grades.contains(grade) {
                grades.push(grade.clone());
            }
        }
        units.extend(submitted.units.into_iter().map(|unit| MergedUnit { submission: index, ..unit }));
        submissions.push(submitted.submission);
    }
    rank(&mut units);
    let created = crate::created::creation_time(source_date, submitted_date(&submissions, year));
    (Some(MergedRanking { year, ideological_weight, submissions, units, grades, created }), diagnostics)
}

fn standing(unit: &MergedUnit) -> Standing<'_> {
    (unit.veto, &unit.total)
}

/// Vetoed units after the rest; highest total first; ties share a rank and
/// are listed by id in natural order, then by submission.
fn rank(units: &mut [MergedUnit]) {
    units.sort_by(|a, b| {
        by_standing(standing(a), standing(b))
            .then_with(|| natural_cmp(&a.id, &b.id))
            .then_with(|| a.submission.cmp(&b.submission))
    });
    let ranks = competition_ranks(&units.iter().map(standing).collect::<Vec<_>>());
    for (unit, rank) in units.iter_mut().zip(ranks) {
        unit.rank = rank;
    }
}

/// The date the submissions fix for the merged workbook: the latest
/// submission's 生成时间, else the last day of the year.
fn submitted_date(submissions: &[Submission], year: i32) -> Option<NaiveDateTime> {
    let latest = submissions.iter().filter_map(|s| s.created).max();
    latest
        .or_else(|| chrono::NaiveDate::from_ymd_opt(year, 12, 31).and_then(|date| date.and_hms_opt(0, 0, 0)))
}

/// A workbook read and checked.
struct Verified {
    submission: Submission,
    /// The year and where it was read.
    year: (i32, Location),
    units: Vec<MergedUnit>,
}

fn check_same_year(verified: &[Verified], diagnostics: &mut Diagnostics) {
    let Some(first) = verified.first() else { return };
    let (expected, file) = (first.year.0, &first.submission.file);
    for submitted in &verified[1..] {
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
fn check_distinct(verified: &[Verified], diagnostics: &mut Diagnostics) {
    // Each workbook's ids, hashed once: a province's cities share one
    // assessor, and comparing every pair's unit lists directly grew with
    // the square of their units (100 city workbooks: 90 s).
    let ids: Vec<FxHashSet<&str>> =
        verified.iter().map(|v| v.units.iter().map(|unit| unit.id.as_str()).collect()).collect();
    for (index, submitted) in verified.iter().enumerate() {
        let this = &submitted.submission;
        let location = || Some(Location::file(this.file.clone()));
        if let Some(earlier) = verified[..index].iter().find(|other| other.submission.sha256 == this.sha256) {
            let other = &earlier.submission.file;
            diagnostics.error(
                location(),
                text!("与 {other} 内容相同，重复报送", "same content as {other}: submitted twice"),
            );
            continue;
        }
        let same_assessor = verified[..index]
            .iter()
            .zip(&ids)
            .filter(|(other, _)| other.submission.assessor == this.assessor);
        for (earlier, earlier_ids) in same_assessor {
            let shared: Vec<&str> = submitted
                .units
                .iter()
                .map(|unit| unit.id.as_str())
                .filter(|id| earlier_ids.contains(id))
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

/// Verifies one workbook; `None` when its 说明 can't be used. Its units are
/// kept even when 汇总 failed, so the year is still compared.
fn verify(
    workbook: SubmittedWorkbook,
    floor: Option<&Exact>,
    diagnostics: &mut Diagnostics,
) -> Option<Verified> {
    let SubmittedWorkbook { file, sha256, about, weights, summary } = workbook;
    let about = match read_about(&about, file, sha256, diagnostics) {
        Ok(about) => about,
        Err(diagnostic) => {
            diagnostics.push(*diagnostic);
            return None;
        }
    };
    let weights = weights
        .map_err(|d| diagnostics.push(*d))
        .ok()
        .and_then(|sheet| read_weights(&sheet, &about, floor, diagnostics));
    let units = summary
        .map_err(|d| diagnostics.push(*d))
        .ok()
        .and_then(|summary| verify_summary(&summary, &about, weights.as_deref(), diagnostics));
    let units = units.map(|units| units.into_iter().map(|(_, unit)| unit).collect());
    Some(Verified { units: units.unwrap_or_default(), year: about.year, submission: about.submission })
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

/// A number of 说明 that may be [`NOT_SET`]: `None` when the row is
/// missing, `Some(None)` when not set or not a number (an error at its cell).
fn setting(about: &AboutSheet, key: &str, diagnostics: &mut Diagnostics) -> Option<Option<Exact>> {
    let (_, text) = about.find(key)?;
    if text == NOT_SET {
        return Some(None);
    }
    let value = parse_decimal(&text);
    if value.is_none() {
        diagnostics.error(
            Some(about.location(key)),
            text!(
                "“{key}”应为数字或“{NOT_SET}”，而不是“{text}”",
                "“{key}” must be a number or “{NOT_SET}”, not “{text}”"
            ),
        );
    }
    Some(value)
}

/// What 说明 says about the workbook `file`.
fn read_about(
    about: &AboutSheet,
    file: Arc<str>,
    sha256: String,
    diagnostics: &mut Diagnostics,
) -> Result<About, Box<Diagnostic>> {
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
    // A merged workbook records no bands: its units were verified when merged.
    let merged = about.value(KEY_KIND) == MERGED_KIND;
    let recorded = if merged { None } else { read_recorded(about, &bands, diagnostics) };
    let created = about.date_time(KEY_DOC_DATE).or_else(|| about.date_time(KEY_CREATED));
    let ideological = Some(about.value(KEY_IDEOLOGICAL))
        .filter(|v| !v.is_empty())
        .unwrap_or(DEFAULT_IDEOLOGICAL_CATEGORY.into());
    Ok(About {
        submission: Submission {
            file,
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
    let Some(top_quota) = setting(about, KEY_TOP_QUOTA, diagnostics) else {
        diagnostics.note(
            Some(about.sheet_location()),
            text!(
                "该得分表由较早版本的 kaohe 生成，未记录“{KEY_TOP_QUOTA}”等核验项目：只核验了总分，未核验加权得分和等次",
                "this workbook was written by an earlier kaohe and does not record “{KEY_TOP_QUOTA}” and the other keys needed to verify it: only its totals were verified, not the weighted scores or grades"
            ),
        );
        return None;
    };
    let bonus_cap = setting(about, KEY_BONUS_CAP, diagnostics).flatten();
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
    sheet: &SubmittedSheet,
    about: &About,
    floor: Option<&Exact>,
    diagnostics: &mut Diagnostics,
) -> Option<Vec<SystemWeights>> {
    let category = &about.ideological;
    let header =
        sheet.header_row(COL_SYSTEM).filter(|(_, labels)| labels.iter().any(|(_, label)| label == category));
    let Some((header, labels)) = header else {
        diagnostics.error(
            Some(sheet.sheet_location()),
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
    for row in sheet.rows_from(header + 1) {
        let system = sheet.text(row, 0);
        if system.is_empty() {
            break;
        }
        let mut weights = Vec::new();
        for (col, name) in &categories {
            let location = sheet.location(row, *col);
            let Some(weight) = sheet.number(row, *col) else {
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
    /// 考核单位, in a merged workbook: ids repeat across submitters.
    submitter: Option<u32>,
    /// The category columns between 单位名称 and 加权得分.
    categories: Vec<(u32, String)>,
    /// Every labelled column.
    all: Vec<u32>,
}

impl SummaryColumns {
    /// The columns of the header row, or an error naming the missing ones.
    fn find(summary: &SummarySheet, recorded: bool) -> Result<Self, Box<Diagnostic>> {
        let labels = &summary.labels;
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
                Some(summary.sheet.row_location(summary.header)),
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
            submitter: submitter_column(labels),
            categories: labels
                .iter()
                .filter(|(col, _)| (name + 1..weighted).contains(col))
                .cloned()
                .collect(),
            all: labels.iter().map(|(col, _)| *col).collect(),
        })
    }
}

/// A merged 汇总's column naming each unit's submitting organisation:
/// 报送单位, or 考核单位 in a merged workbook of an earlier version.
fn submitter_column(labels: &[(u32, String)]) -> Option<u32> {
    [COL_SUBMITTER, KEY_ASSESSOR]
        .iter()
        .find_map(|wanted| labels.iter().find(|(_, label)| label == wanted).map(|(col, _)| *col))
}

/// The units of 汇总 with their rows, each verified against its workbook:
/// every row below the header with a cell besides 排名 (empty rows are
/// skipped; the sign-off lines below the table only fill the 排名 column).
fn verify_summary(
    summary: &SummarySheet,
    about: &About,
    weights: Option<&[SystemWeights]>,
    diagnostics: &mut Diagnostics,
) -> Option<Vec<(u32, MergedUnit)>> {
    let sheet = &summary.sheet;
    let columns =
        SummaryColumns::find(summary, about.recorded.is_some()).map_err(|d| diagnostics.push(*d)).ok()?;
    let rows: Vec<u32> = sheet
        .rows_from(summary.header + 1)
        .filter(|&row| columns.all.iter().any(|&col| col != columns.rank && !sheet.text(row, col).is_empty()))
        .collect();
    let lost = rows
        .iter()
        .any(|&row| [columns.weighted, columns.total].iter().any(|&col| sheet.lost_its_value(row, col)));
    if lost {
        diagnostics.error(
            Some(sheet.sheet_location()),
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
    let reader = RowReader { sheet, columns: &columns, about, weights };
    let mut units = Vec::new();
    let mut seen: HashMap<(String, String), Location> = HashMap::new();
    for &row in &rows {
        let Some(unit) = reader.unit(row, diagnostics) else { continue };
        let here = sheet.location(row, columns.id);
        let submitter = columns.submitter.map(|col| sheet.text(row, col)).unwrap_or_default();
        let key = (submitter, unit.id.clone());
        match seen.get(&key) {
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
                seen.insert(key, here);
            }
        }
        units.push((row, unit));
    }
    if let Some(recorded) = &about.recorded
        && units.len() == rows.len()
    {
        check_grades(sheet, recorded, &units, columns.grade, diagnostics);
    }
    Some(units)
}

/// Reads and verifies one row of 汇总.
struct RowReader<'a> {
    sheet: &'a SubmittedSheet,
    columns: &'a SummaryColumns,
    about: &'a About,
    weights: Option<&'a [SystemWeights]>,
}

impl RowReader<'_> {
    /// The number in `col`, or an error naming the column.
    fn number(&self, row: u32, col: u32, label: &str, diagnostics: &mut Diagnostics) -> Option<Exact> {
        let number = self.sheet.number(row, col);
        if number.is_none() {
            diagnostics.error(
                Some(self.sheet.location(row, col)),
                text!("“{label}”不是数字", "“{label}” is not a number"),
            );
        }
        number
    }

    /// The unit of `row`, when its numbers can be read; every inconsistency
    /// is an error at its cell.
    fn unit(&self, row: u32, diagnostics: &mut Diagnostics) -> Option<MergedUnit> {
        let (sheet, columns) = (self.sheet, self.columns);
        let id = sheet.text(row, columns.id);
        if id.is_empty() {
            diagnostics.error(
                Some(sheet.location(row, columns.id)),
                text!("“{COL_ID}”为空", "“{COL_ID}” (unit id) is empty"),
            );
        }
        let veto = sheet.text(row, columns.veto);
        if !["", VETO_MARK, BARRED_MARK, "否"].contains(&veto.as_str()) {
            diagnostics.error(
                Some(sheet.location(row, columns.veto)),
                text!(
                    "“{COL_VETO}”应为“{VETO_MARK}”、“{BARRED_MARK}”或空白，而不是“{veto}”",
                    "“{COL_VETO}” (veto) must be “{VETO_MARK}”, “{BARRED_MARK}” or empty, not “{veto}”"
                ),
            );
        }
        let weighted = self.number(row, columns.weighted, COL_WEIGHTED, diagnostics);
        let bonus = self.number(row, columns.bonus, COL_BONUS, diagnostics);
        let total = self.number(row, columns.total, COL_TOTAL, diagnostics);
        let categories = self.category_scores(row, diagnostics);
        let (weighted, bonus, total) = (weighted?, bonus?, total?);
        let expected = round(&(&weighted + &bonus), 2);
        if total != expected {
            let (total, expected) = (format_trimmed(&total, 2), format_trimmed(&expected, 2));
            diagnostics.error(
                Some(sheet.location(row, columns.total)),
                text!(
                    "“{COL_TOTAL}” {total} 与 ROUND({COL_WEIGHTED} + {COL_BONUS}, 2) = {expected} 不符",
                    "“{COL_TOTAL}” (total) {total} differs from ROUND(weighted + bonus, 2) = {expected}"
                ),
            );
        }
        if let Some(recorded) = &self.about.recorded {
            if let Some(scores) = &categories {
                self.check_weighted(row, &weighted, scores, diagnostics);
            }
            if let Some(cap) = recorded.bonus_cap.as_ref().filter(|cap| bonus > **cap) {
                let (bonus, cap) = (format_trimmed(&bonus, 2), format_trimmed(cap, 2));
                diagnostics.error(
                    Some(sheet.location(row, columns.bonus)),
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
            name: sheet.text(row, columns.name),
            weighted,
            bonus,
            total,
            grade: sheet.text(row, columns.grade),
            veto: veto == VETO_MARK,
            barred: veto == BARRED_MARK,
            // The rank in its own workbook (`merge` ranks again).
            rank: sheet.text(row, columns.rank).parse().unwrap_or(0),
            categories: categories?
                .into_iter()
                .map(|(_, category, score)| (category.to_owned(), score))
                .collect(),
        })
    }

    /// The (column, category, N_c) of each category column of `row` but
    /// those left out (`—`), or none when one is not a number (an error at its cell).
    fn category_scores(&self, row: u32, diagnostics: &mut Diagnostics) -> Option<Vec<(u32, &str, Exact)>> {
        let mut scores = Vec::new();
        let mut readable = true;
        for (col, category) in &self.columns.categories {
            if self.sheet.text(row, *col) == LEFT_OUT {
                continue;
            }
            match self.number(row, *col, category, diagnostics) {
                Some(score) => scores.push((*col, category.as_str(), score)),
                None => readable = false,
            }
        }
        readable.then_some(scores)
    }

    /// W against Σ weight × N_c ÷ Σ weight over the unit's category
    /// `scores`, with the weights of the system its 考核体系 names, to 2 decimals.
    fn check_weighted(
        &self,
        row: u32,
        weighted: &Exact,
        scores: &[(u32, &str, Exact)],
        diagnostics: &mut Diagnostics,
    ) {
        let sheet = self.sheet;
        let (Some(weights), Some(system_col)) = (self.weights, self.columns.system) else { return };
        let system = sheet.text(row, system_col);
        let Some(system) = weights.iter().find(|s| s.name == system) else {
            diagnostics.error(
                Some(sheet.location(row, system_col)),
                text!(
                    "“{COL_ASSESSED_UNDER}”“{system}”不在“{SHEET_WEIGHTS}”中",
                    "“{COL_ASSESSED_UNDER}” (system) “{system}” is not in the “{SHEET_WEIGHTS}” sheet"
                ),
            );
            return;
        };
        let (mut sum, mut weight_sum) = (int(0), int(0));
        for (col, category, score) in scores {
            let Some((_, weight)) = system.weights.iter().find(|(name, _)| name == category) else {
                let name = &system.name;
                diagnostics.error(
                    Some(sheet.location(row, *col)),
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
                Some(sheet.location(row, self.columns.weighted)),
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
    sheet: &SubmittedSheet,
    recorded: &Recorded,
    units: &[(u32, MergedUnit)],
    grade_col: u32,
    diagnostics: &mut Diagnostics,
) {
    let mut order: Vec<&(u32, MergedUnit)> = units.iter().collect();
    order.sort_by(|(_, a), (_, b)| by_standing(standing(a), standing(b)));
    let standings: Vec<Standing> = order.iter().map(|(_, unit)| standing(unit)).collect();
    let barred: Vec<bool> = order.iter().map(|(_, unit)| unit.barred).collect();
    let graded = rank_and_grade(&recorded.bands, recorded.top_quota.as_ref(), &standings, &barred);
    for ((row, unit), (_, band)) in order.into_iter().zip(graded) {
        let expected = &recorded.bands[band].name;
        if unit.grade == *expected {
            continue;
        }
        let (grade, total) = (&unit.grade, format_trimmed(&unit.total, 2));
        let (zh, en) = match (unit.veto, unit.barred) {
            (true, _) => ("，一票否决", ", vetoed"),
            (false, true) => ("，不得评优", ", barred from the first band"),
            (false, false) => ("", ""),
        };
        diagnostics.error(
            Some(sheet.location(*row, grade_col)),
            text!(
                "“{COL_GRADE}”应为“{expected}”（总分 {total}{zh}，按“{SHEET_ABOUT}”的{KEY_GRADES}和{KEY_TOP_QUOTA}），而不是“{grade}”",
                "“{COL_GRADE}” (grade) must be “{expected}” (total {total}{en}, by the bands and top quota in “{SHEET_ABOUT}”), not “{grade}”"
            ),
        );
    }
}

/// A score workbook named by `--previous`, verified: the year its 说明
/// gives and where, and its units with their rank in it.
pub struct VerifiedPrevious {
    pub year: (i32, Location),
    pub units: Vec<PreviousUnit>,
}

/// Last year's score workbook for `--previous` (docs/命令.md), verified as a
/// submission is (a merged workbook: its totals and its unit count; its
/// units were verified when merged); whether its year is the right one is
/// for the caller, which knows this year. `None` when its 说明 or 汇总
/// can't be used; every problem is in `diagnostics`.
pub fn verify_previous(
    workbook: SubmittedWorkbook,
    diagnostics: &mut Diagnostics,
) -> Option<VerifiedPrevious> {
    let SubmittedWorkbook { file, sha256, about, weights, summary } = workbook;
    let merged = about.value(KEY_KIND) == MERGED_KIND;
    let about = read_about(&about, file, sha256, diagnostics).map_err(|d| diagnostics.push(*d)).ok()?;
    let weights = if merged {
        None
    } else {
        let weights = weights.map_err(|d| diagnostics.push(*d)).ok();
        weights.and_then(|sheet| read_weights(&sheet, &about, None, diagnostics))
    };
    let summary = summary.map_err(|d| diagnostics.push(*d)).ok()?;
    let units = verify_summary(&summary, &about, weights.as_deref(), diagnostics)?;
    let sheet = &summary.sheet;
    let submitter = submitter_column(&summary.labels);
    let units = units.into_iter().map(|(row, unit)| PreviousUnit {
        id: unit.id,
        name: unit.name,
        total: unit.total,
        rank: unit.rank,
        grade: unit.grade,
        submitter: submitter.filter(|_| merged).map(|col| sheet.text(row, col)),
        location: sheet.row_location(row),
    });
    Some(VerifiedPrevious { year: about.year, units: units.collect() })
}

/// A plain 上年结果 sheet (docs/命令.md): 编号, 名称, 总分, 排名, 等次, 年度,
/// one row per unit, every 年度 `year`. Not verified (a note says so);
/// each unreadable cell is an error.
pub fn read_previous_results(
    sheet: &SubmittedSheet,
    year: i32,
    diagnostics: &mut Diagnostics,
) -> Option<Vec<PreviousUnit>> {
    let Some((header, labels)) = sheet.header_row(PREVIOUS_COLUMNS[0]) else {
        let wanted = PREVIOUS_COLUMNS.join("、");
        diagnostics.error(
            Some(sheet.sheet_location()),
            text!(
                "“{SHEET_PREVIOUS}”中没有表头（应为 {wanted}）",
                "the “{SHEET_PREVIOUS}” sheet has no header ({wanted})"
            ),
        );
        return None;
    };
    let column = |label: &str| labels.iter().find(|(_, text)| text == label).map(|(col, _)| *col);
    let missing: Vec<&str> =
        PREVIOUS_COLUMNS.iter().copied().filter(|label| column(label).is_none()).collect();
    if !missing.is_empty() {
        let missing = missing.join("、");
        diagnostics.error(
            Some(sheet.row_location(header)),
            text!(
                "“{SHEET_PREVIOUS}”缺少列：{missing}",
                "the “{SHEET_PREVIOUS}” sheet lacks columns: {missing}"
            ),
        );
        return None;
    }
    let [id, name, total, rank, grade, of_year] =
        PREVIOUS_COLUMNS.map(|label| column(label).unwrap_or_default());
    let before = diagnostics.errors().count();
    let mut units = Vec::new();
    for row in sheet.rows_from(header + 1) {
        if [id, name, total].iter().all(|&col| sheet.text(row, col).is_empty()) {
            continue;
        }
        let read_id = sheet.text(row, id);
        if read_id.is_empty() {
            diagnostics
                .error(Some(sheet.location(row, id)), text!("“编号”为空", "“编号” (unit id) is empty"));
        }
        let read_total = sheet.number(row, total);
        if read_total.is_none() {
            diagnostics.error(
                Some(sheet.location(row, total)),
                text!("“总分”不是数字", "“总分” (total) is not a number"),
            );
        }
        let read_rank = sheet.text(row, rank).parse::<u32>().ok().filter(|&rank| rank > 0);
        if read_rank.is_none() {
            diagnostics.error(
                Some(sheet.location(row, rank)),
                text!("“排名”应为正整数", "“排名” (rank) must be a positive whole number"),
            );
        }
        let read_year = sheet.text(row, of_year);
        if read_year.trim_end_matches(['年', '度']).parse::<i32>().ok() != Some(year) {
            diagnostics.error(
                Some(sheet.location(row, of_year)),
                text!(
                    "“年度”应为上一年 {year}，而不是“{read_year}”",
                    "“年度” (year) must be last year, {year}, not “{read_year}”"
                ),
            );
        }
        let (Some(total), Some(rank)) = (read_total, read_rank) else { continue };
        units.push(PreviousUnit {
            id: read_id,
            name: sheet.text(row, name),
            total,
            rank,
            grade: sheet.text(row, grade),
            submitter: None,
            location: sheet.row_location(row),
        });
    }
    if diagnostics.errors().count() > before {
        return None;
    }
    diagnostics.note(
        Some(sheet.sheet_location()),
        text!(
            "上年结果取自“{SHEET_PREVIOUS}”工作表，未经核验（不是 kaohe 生成的得分表）",
            "last year's results come from a “{SHEET_PREVIOUS}” sheet and are not verified (it is not a workbook kaohe wrote)"
        ),
    );
    Some(units)
}
