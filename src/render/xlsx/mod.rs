//! The score workbook 考核得分表.xlsx (docs/输出.md 一): sheets 汇总, 图表, 明细,
//! 舆情时效, 问责, 权重, 校验, 说明, in that order; 明细 and 校验 continue on 明细-2,
//! 校验-2 … past Excel's rows, and a 佐证 sheet follows 明细 when one of its
//! evidence cells had to be cut. 加权得分 and 总分 are live formulas
//! over the category cells and the 权重 sheet, and with `--previous` 总分增减
//! and 名次升降 over 总分, 排名 and last year's stored values, all stored with
//! their computed values; every other cell is a value (user text is never a formula). The
//! sheet and label names are [`crate::score_workbook`]'s, which `kaohe
//! merge` reads back. Returns bytes; the big sheets stream their rows
//! through anonymous temporary files (the system temp folder) on the way.

#[cfg(test)]
pub(crate) mod fixture;
mod grid;
mod merged;
#[cfg(test)]
mod tests;

pub use merged::merged_workbook;

use std::cell::Cell;
use std::collections::HashMap;
use std::fmt;

use chrono::{NaiveDate, NaiveDateTime};
use rust_xlsxwriter::utility::{row_col_to_cell, row_col_to_cell_absolute};
use rust_xlsxwriter::{
    Chart, ChartDataLabel, ChartFont, ChartFormat, ChartPoint, ChartSolidFill, ChartType, DocProperties,
    Workbook, Worksheet, XlsxError,
};

use crate::model::previous::PreviousUnit;
use crate::model::{INCIDENT_STEPS, IndicatorIndex, Model, Origin, Stance, UnitIndex};
use crate::number::{Exact, format_fixed, format_trimmed, to_f64};
use crate::render::{Scored, VERSION};
use crate::score::{ClauseResult, IndicatorResult, LateStep, UnitResult};
use crate::score_workbook::{
    BARRED_MARK, CHART_TITLE, CHART_UNIT, COL_ASSESSED_UNDER, COL_BONUS, COL_GRADE, COL_ID, COL_NAME,
    COL_RANK, COL_SYSTEM, COL_TOTAL, COL_VETO, COL_WEIGHT_SUM, COL_WEIGHTED, KEY_ASSESSED, KEY_ASSESSOR,
    KEY_BONUS_CAP, KEY_DOC_DATE, KEY_GRADES, KEY_IDEOLOGICAL, KEY_TOOL, KEY_TOP_QUOTA, KEY_YEAR, LEFT_OUT,
    NOT_SET, SHEET_ABOUT, SHEET_ACCOUNTABILITY, SHEET_CHART, SHEET_DETAIL, SHEET_INCIDENTS, SHEET_SUMMARY,
    SHEET_WARNINGS, SHEET_WEIGHTS, TOOL_PREFIX, TOP_SYSTEM, VETO_MARK,
};
use crate::score_workbook::{
    COL_PREVIOUS_GRADE, COL_PREVIOUS_RANK, COL_PREVIOUS_TOTAL, COL_RANK_CHANGE, COL_SELF_GAP, COL_SELF_TOTAL,
    COL_TOTAL_CHANGE,
};

pub(crate) use grid::excel_datetime;
use grid::{
    DateStyle, Grid, MAX_CELL_CHARS, MAX_SHEET_ROWS, Styles, VETO_RED, excel_len, pages, print_setup, table,
};

/// 图表: the gap between the table and the totals chart and the chart's
/// width in pixels, the height of each unit's bar and of the title and
/// axis around them.
const CHART_GAP: u32 = 16;
const CHART_WIDTH: u32 = 640;
const CHART_BAR_HEIGHT: u32 = 20;
const CHART_FRAME_HEIGHT: u32 = 110;
/// 汇总: the title is row 0, the header row 1, units from row 2.
const SUMMARY_HEADER_ROW: u32 = 1;
/// 权重: the header is row 0, one system per row from row 1.
const WEIGHTS_HEADER_ROW: u32 = 0;
/// 权重: columns 体系, 单位编号, then one per category.
const WEIGHTS_FIRST_CATEGORY_COL: u16 = 2;

/// Renders the score workbook.
pub fn workbook(scored: &Scored) -> Result<Vec<u8>, XlsxError> {
    workbook_with_sheet_rows(scored, MAX_SHEET_ROWS)
}

/// [`workbook`] with at most `sheet_rows` rows a sheet: Excel's, or fewer
/// in tests.
fn workbook_with_sheet_rows(scored: &Scored, sheet_rows: u32) -> Result<Vec<u8>, XlsxError> {
    let model = scored.model;
    let styles = Styles::new(model.settings.grades.len());
    let categories = scored_categories(model);
    let mut book = new_workbook(&document_title(model.settings.year), scored.created)?;
    // 汇总 stays in memory: the totals chart caches its unit names from
    // it. Every other sheet streams its rows to a temporary file, strings
    // inline rather than in the shared table, so the 600,000 明细 rows of a
    // province (mostly distinct reasons and evidence) never sit in memory.
    let bars = summary_sheet(book.add_worksheet(), scored, &categories, &styles)?;
    chart_sheet(book.add_worksheet(), &bars, &styles)?;
    if detail_sheets(&mut book, scored, sheet_rows, &styles)? {
        evidence_sheets(&mut book, scored, sheet_rows, &styles)?;
    }
    incidents_sheets(&mut book, scored, sheet_rows, &styles)?;
    accountability_sheets(&mut book, scored, sheet_rows, &styles)?;
    weights_sheet(book.add_worksheet_with_constant_memory()?, model, &categories, &styles)?;
    warnings_sheets(&mut book, scored.warnings, sheet_rows, &styles)?;
    about_sheet(book.add_worksheet_with_constant_memory()?, scored, &styles)?;
    book.save_to_buffer()
}

/// The 汇总 title.
fn summary_title(year: i32) -> String {
    format!("{year}年度考核得分汇总表")
}

/// The workbook's document title (its properties), after its file name.
fn document_title(year: i32) -> String {
    format!("{year}年度考核得分表")
}

/// A workbook whose document properties are fixed by `created`, so the
/// same inputs give the same bytes.
fn new_workbook(title: &str, created: NaiveDateTime) -> Result<Workbook, XlsxError> {
    let created = excel_datetime(created)?;
    let mut book = Workbook::new();
    // Level 3 (Excel's own): a third of level 6's deflate time for a
    // file ~15 % larger; deflating 明细 was most of the workbook's time.
    book.set_zip_compression_level(3);
    grid::set_default_font(&mut book)?;
    book.set_properties(
        &DocProperties::new().set_title(title).set_author("kaohe").set_creation_datetime(&created),
    );
    Ok(book)
}

/// Categories that have a scored indicator: the 汇总 and 权重 columns.
/// Bonus- and veto-only categories carry no weight and get none.
fn scored_categories(model: &Model) -> Vec<&str> {
    model
        .categories
        .iter()
        .filter(|category| {
            model.criteria.iter().any(|i| &i.category == *category && i.rule.counts_in_category())
        })
        .map(String::as_str)
        .collect()
}

/// The position of `grade` among the bands, for its colour.
fn band_of(grades: &[String], grade: &str) -> Option<usize> {
    grades.iter().position(|band| band == grade)
}

/// The title row merged across `columns` columns.
fn title_row(sheet: &mut Worksheet, title: &str, columns: u16, styles: &Styles) -> Result<(), XlsxError> {
    sheet.merge_range(0, 0, 0, columns.saturating_sub(1).max(1), title, &styles.title)?;
    sheet.set_row_height(0, 36)?;
    Ok(())
}

/// 填表单位 / 填表人 / 审核人 / 日期 lines below a table ending at `last_row`;
/// returns the row after them.
fn sign_off(sheet: &mut Worksheet, last_row: u32, assessor: &str, styles: &Styles) -> Result<u32, XlsxError> {
    let lines = [format!("填表单位：{assessor}"), "填表人：".into(), "审核人：".into(), "日期：".into()];
    let first = last_row + 2;
    for (row, line) in (first..).zip(&lines) {
        sheet.write_string_with_format(row, 0, line, &styles.plain)?;
    }
    Ok(first + lines.len() as u32)
}

/// One unit's bar of the totals chart.
struct Bar {
    rank: u32,
    /// What the chart calls the unit: its name, told apart by
    /// [`distinct_labels`] when another unit has the same.
    label: String,
    /// Its total and, in the score workbook, the 汇总 cell holding it.
    total: Exact,
    total_cell: Option<String>,
    vetoed: bool,
}

/// Each unit's chart label: its name, or `名称（qualifier）` when another
/// unit has the same name (the qualifier tells them apart: the id, or in a
/// merged workbook the submitting organisation).
fn distinct_labels<'a>(units: impl Iterator<Item = (&'a str, &'a str)> + Clone) -> Vec<String> {
    let mut bearers: HashMap<&str, usize> = HashMap::new();
    for (name, _) in units.clone() {
        *bearers.entry(name).or_default() += 1;
    }
    units
        .map(
            |(name, qualifier)| {
                if bearers[name] > 1 { format!("{name}（{qualifier}）") } else { name.to_owned() }
            },
        )
        .collect()
}

/// 图表: 排名, 单位 and 总分 of every unit in rank order, and beside them a
/// bar chart of the totals (vetoed units' bars in red) that labels every
/// unit, growing with their number. It prints on its own, so 汇总 prints
/// as the table alone.
fn chart_sheet(sheet: &mut Worksheet, bars: &[Bar], styles: &Styles) -> Result<(), XlsxError> {
    sheet.set_name(SHEET_CHART)?;
    table(sheet, |grid| {
        grid.header(0, &[COL_RANK, CHART_UNIT, COL_TOTAL], &styles.header)?;
        for (row, bar) in (1..).zip(bars) {
            grid.number(row, 0, f64::from(bar.rank), bar.rank, &styles.integer)?;
            grid.text(row, 1, &bar.label, &styles.text)?;
            let (value, shown) = (to_f64(&bar.total), two_decimals(&bar.total));
            match &bar.total_cell {
                Some(cell) => grid.formula(row, 2, cell, value, shown, &styles.decimal)?,
                None => grid.number(row, 2, value, shown, &styles.decimal)?,
            }
        }
        Ok(())
    })?;
    print_setup(sheet, 0, 0)?;
    if bars.is_empty() {
        return Ok(());
    }
    let last_row = bars.len() as u32;
    let veto_bar = || {
        ChartPoint::new()
            .set_format(ChartFormat::new().set_solid_fill(ChartSolidFill::new().set_color(VETO_RED)))
    };
    let points: Vec<ChartPoint> =
        bars.iter().map(|bar| if bar.vetoed { veto_bar() } else { ChartPoint::new() }).collect();
    let mut chart = Chart::new(ChartType::Bar);
    chart
        .add_series()
        .set_name(COL_TOTAL)
        .set_categories((SHEET_CHART, 1, 1, last_row, 1))
        .set_values((SHEET_CHART, 1, 2, last_row, 2))
        .set_points(&points)
        .set_data_label(ChartDataLabel::new().show_value().set_num_format("0.00"));
    chart.title().set_name(CHART_TITLE);
    chart.legend().set_hidden();
    // A bar chart's categories run up its y axis: the first rank at the top.
    // Every unit's label shows (the applications skip labels only when they
    // overlap): a 9 pt label beside each bar of CHART_BAR_HEIGHT pixels.
    chart.y_axis().set_reverse().set_font(ChartFont::new().set_size(9));
    chart.x_axis().set_min(0).set_num_format("0");
    chart.set_width(CHART_WIDTH).set_height(CHART_FRAME_HEIGHT + CHART_BAR_HEIGHT * last_row);
    sheet.insert_chart_with_offset(0, 3, &chart, CHART_GAP, 0)?;
    Ok(())
}

/// 汇总, printing as the table and its sign-off lines alone; returns the
/// bars of the totals chart.
fn summary_sheet(
    sheet: &mut Worksheet,
    scored: &Scored,
    categories: &[&str],
    styles: &Styles,
) -> Result<Vec<Bar>, XlsxError> {
    let Scored { model, report, .. } = *scored;
    sheet.set_name(SHEET_SUMMARY)?;
    let first_category: u16 = 3;
    let weighted_col = first_category + categories.len() as u16;
    let (bonus_col, total_col, grade_col, veto_col) =
        (weighted_col + 1, weighted_col + 2, weighted_col + 3, weighted_col + 4);
    let mut labels = vec![COL_RANK, COL_ID, COL_NAME];
    labels.extend_from_slice(categories);
    labels.extend([COL_WEIGHTED, COL_BONUS, COL_TOTAL, COL_GRADE, COL_VETO, COL_ASSESSED_UNDER]);
    let self_col = veto_col + 2;
    if model.self_assessed {
        labels.extend([COL_SELF_TOTAL, COL_SELF_GAP]);
    }
    let previous_col = labels.len() as u16;
    if model.previous.is_some() {
        labels.extend(PREVIOUS_LABELS);
    }

    title_row(sheet, &summary_title(model.settings.year), labels.len() as u16, styles)?;
    let grades: Vec<String> = model.settings.grades.iter().map(|band| band.name.clone()).collect();
    let first_row = SUMMARY_HEADER_ROW + 1;
    table(sheet, |grid| {
        grid.header(SUMMARY_HEADER_ROW, &labels, &styles.header)?;
        for (row, result) in (first_row..).zip(&report.units) {
            let unit = &model.units[result.unit];
            grid.number(row, 0, f64::from(result.rank), result.rank, &styles.integer)?;
            grid.text(row, 1, &unit.id, &styles.text)?;
            grid.text(row, 2, &unit.name, &styles.text)?;
            for (col, category) in (first_category..).zip(categories) {
                match result.categories.iter().find(|c| c.category == *category) {
                    Some(c) => grid.number(
                        row,
                        col,
                        unrounded(&c.normalized),
                        two_decimals(&c.normalized),
                        &styles.decimal,
                    )?,
                    None => grid.text(row, col, LEFT_OUT, &styles.center)?,
                }
            }
            let scores = row_col_to_cell(row, first_category) + ":" + &row_col_to_cell(row, weighted_col - 1);
            let weights = weights_range(result.system, categories.len());
            let weighted = format!("SUMPRODUCT({scores},{weights})/SUMPRODUCT(ISNUMBER({scores})*{weights})");
            grid.formula(
                row,
                weighted_col,
                &weighted,
                // The nearest double of the exact W, as a recalculation gives it.
                unrounded(&result.weighted),
                two_decimals(&result.weighted),
                &styles.decimal,
            )?;
            grid.number(row, bonus_col, to_f64(&result.bonus), two_decimals(&result.bonus), &styles.decimal)?;
            let total = format!(
                "ROUND({}+{},2)",
                row_col_to_cell(row, weighted_col),
                row_col_to_cell(row, bonus_col)
            );
            grid.formula(
                row,
                total_col,
                &total,
                to_f64(&result.total),
                two_decimals(&result.total),
                &styles.decimal,
            )?;
            grid.text(row, grade_col, &result.grade, styles.band(band_of(&grades, &result.grade)))?;
            let veto = veto_cell(result.veto, result.barred, styles);
            grid.text(row, veto_col, veto.0, veto.1)?;
            grid.text(row, veto_col + 1, &system_name(model, result.system), &styles.text)?;
            if model.self_assessed {
                optional_decimal(grid, row, self_col, result.self_total.as_ref(), styles)?;
                optional_decimal(grid, row, self_col + 1, result.self_gap.as_ref(), styles)?;
            }
            if let Some(previous) = &model.previous {
                let cells = (total_col, previous_col);
                previous_cells(grid, row, cells, previous.of(result.unit), result, &grades, styles)?;
            }
        }
        Ok(())
    })?;
    let last_row = SUMMARY_HEADER_ROW + report.units.len() as u32;
    let after = sign_off(sheet, last_row, &model.settings.assessor, styles)?;
    print_table_only(sheet, (SUMMARY_HEADER_ROW, 3), (after - 1, labels.len() as u16 - 1))?;
    let units = report.units.iter().map(|result| &model.units[result.unit]);
    let labels = distinct_labels(units.map(|unit| (unit.name.as_str(), unit.id.as_str())));
    let bars = (first_row..).zip(&report.units).zip(labels).map(|((row, result), label)| Bar {
        rank: result.rank,
        label,
        total: result.total.clone(),
        total_cell: Some(format!("{SHEET_SUMMARY}!{}", row_col_to_cell_absolute(row, total_col))),
        vetoed: result.veto,
    });
    Ok(bars.collect())
}

/// The print setup of a 汇总 (the header at `head.0`, `head.1` columns
/// frozen): its print area the table and the sign-off lines below it, up
/// to `last` (row, column), nothing else.
fn print_table_only(sheet: &mut Worksheet, head: (u32, u16), last: (u32, u16)) -> Result<(), XlsxError> {
    print_setup(sheet, head.0, head.1)?;
    sheet.set_print_area(0, 0, last.0, last.1)?;
    Ok(())
}

/// 汇总's columns with `--previous` (docs/输出.md 一), from the first after the others.
const PREVIOUS_LABELS: [&str; 5] =
    [COL_PREVIOUS_TOTAL, COL_PREVIOUS_RANK, COL_PREVIOUS_GRADE, COL_TOTAL_CHANGE, COL_RANK_CHANGE];

/// One unit's last-year cells of 汇总 from column `first` (`cells.1`):
/// last year's total, rank and grade as stored values, then 总分增减 =
/// ROUND(总分 − 上年总分, 2) (总分 in column `cells.0`) and 名次升降 = 上年排名 −
/// 排名 (positive = moved up) as live formulas with their results; empty
/// for a unit not found last year.
fn previous_cells(
    grid: &mut Grid,
    row: u32,
    (total_col, first): (u16, u16),
    last: Option<&PreviousUnit>,
    result: &UnitResult,
    grades: &[String],
    styles: &Styles,
) -> Result<(), XlsxError> {
    let Some(last) = last else {
        for col in first..first + PREVIOUS_LABELS.len() as u16 {
            grid.text(row, col, "", &styles.center)?;
        }
        return Ok(());
    };
    let change = last.change(&result.total, result.rank);
    let cell = |col: u16| row_col_to_cell(row, col);
    decimal(grid, row, first, &last.total, styles)?;
    grid.number(row, first + 1, f64::from(last.rank), last.rank, &styles.integer)?;
    grid.text(row, first + 2, &last.grade, styles.band(band_of(grades, &last.grade)))?;
    let total_change = format!("ROUND({}-{},2)", cell(total_col), cell(first));
    let shown = two_decimals(&change.total);
    grid.formula(row, first + 3, &total_change, to_f64(&change.total), shown, &styles.decimal)?;
    let rank_change = format!("{}-{}", cell(first + 1), cell(0));
    grid.formula(row, first + 4, &rank_change, change.rank as f64, change.rank, &styles.integer)
}

/// The absolute 权重 range holding `system`'s weights of the shown categories.
fn weights_range(system: usize, categories: usize) -> String {
    let row = WEIGHTS_HEADER_ROW + 1 + system as u32;
    let last = WEIGHTS_FIRST_CATEGORY_COL + categories as u16 - 1;
    format!(
        "{SHEET_WEIGHTS}!{}:{}",
        row_col_to_cell_absolute(row, WEIGHTS_FIRST_CATEGORY_COL),
        row_col_to_cell_absolute(row, last)
    )
}

/// The nearest `f64` of a value the workbook keeps unrounded (N_c, W), so
/// a recalculating spreadsheet starts from the same number.
pub(super) fn unrounded(value: &Exact) -> f64 {
    num_traits::ToPrimitive::to_f64(value).unwrap_or_else(|| to_f64(value))
}

/// How a value shows with 2 decimals, formatted only when displayed: the
/// column widths need it, the cells don't.
fn two_decimals(value: &Exact) -> impl fmt::Display + '_ {
    fmt::from_fn(move |f| f.write_str(&format_fixed(value, 2)))
}

/// The 否决 cell of 汇总: 是 for a veto to the lowest band, 不得评优 for a
/// unit barred from the first band (docs/计分.md 五), red; else empty.
fn veto_cell(veto: bool, barred: bool, styles: &Styles) -> (&'static str, &rust_xlsxwriter::Format) {
    match (veto, barred) {
        (true, _) => (VETO_MARK, &styles.veto),
        (false, true) => (BARRED_MARK, &styles.veto),
        (false, false) => ("", &styles.center),
    }
}

/// Writes an exact value with 2 decimals.
fn decimal(grid: &mut Grid, row: u32, col: u16, value: &Exact, styles: &Styles) -> Result<(), XlsxError> {
    grid.number(row, col, to_f64(value), two_decimals(value), &styles.decimal)
}

/// Writes an exact value with 2 decimals, or leaves the cell empty.
fn optional_decimal(
    grid: &mut Grid,
    row: u32,
    col: u16,
    value: Option<&Exact>,
    styles: &Styles,
) -> Result<(), XlsxError> {
    match value {
        Some(value) => decimal(grid, row, col, value, styles),
        None => grid.text(row, col, "", &styles.center),
    }
}

/// A table's fixed parts: its sheet name, header and frozen columns.
struct TableHead<'a> {
    name: &'a str,
    labels: &'a [&'a str],
    frozen_cols: u16,
}

/// Draws a table on as many sheets as its `rows` need ([`pages`]), each
/// with the header row; `draw` writes a row given its index in `rows`.
fn paged_table<T>(
    book: &mut Workbook,
    head: &TableHead,
    rows: &[T],
    sheet_rows: u32,
    styles: &Styles,
    draw: impl Fn(&mut Grid, u32, usize, &T) -> Result<(), XlsxError>,
) -> Result<(), XlsxError> {
    for page in pages(head.name, rows, sheet_rows) {
        let sheet = book.add_worksheet_with_constant_memory()?;
        sheet.set_name(&page.name)?;
        table(sheet, |grid| {
            grid.header(0, head.labels, &styles.header)?;
            for ((row, index), item) in (1..).zip(page.first..).zip(page.rows) {
                draw(grid, row, index, item)?;
            }
            Ok(())
        })?;
        print_setup(sheet, 0, head.frozen_cols)?;
    }
    Ok(())
}

/// Every unit × indicator row of 明细, in ranking then criteria order.
/// One 明细 row: a unit's indicator or item, or a clause of that item
/// (after the item's row).
enum DetailLine<'r> {
    Scored(&'r IndicatorResult),
    Clause(&'r ClauseResult),
}

impl<'r> DetailLine<'r> {
    fn evidence(&self) -> &'r [Origin] {
        match *self {
            DetailLine::Scored(result) => &result.evidence,
            DetailLine::Clause(clause) => &clause.evidence,
        }
    }

    /// The indicator the line's evidence counted for.
    fn indicator(&self) -> IndicatorIndex {
        match *self {
            DetailLine::Scored(result) => result.indicator,
            DetailLine::Clause(clause) => clause.indicator,
        }
    }
}

fn detail_rows<'r>(scored: &Scored<'r>) -> Vec<(&'r UnitResult, DetailLine<'r>)> {
    let units = &scored.report.units;
    units
        .iter()
        .flat_map(|unit| {
            unit.indicators.iter().flat_map(move |result| {
                let clauses = result.clauses.iter().map(move |clause| (unit, DetailLine::Clause(clause)));
                std::iter::once((unit, DetailLine::Scored(result))).chain(clauses)
            })
        })
        .collect()
}

/// 明细, one row per unit × indicator. Returns whether an evidence cell was
/// cut (then the 佐证 sheet lists every row).
fn detail_sheets(
    book: &mut Workbook,
    scored: &Scored,
    sheet_rows: u32,
    styles: &Styles,
) -> Result<bool, XlsxError> {
    let model = scored.model;
    let mut labels = vec![
        "单位编号",
        "单位名称",
        "指标编号",
        "类别",
        "指标名称",
        "规则",
        "分值",
        "得分",
        "扣分",
        "原因",
        "佐证",
    ];
    if model.self_assessed {
        labels.push("自评分");
    }
    let head = TableHead { name: SHEET_DETAIL, labels: &labels, frozen_cols: 2 };
    let cut = Cell::new(false);
    paged_table(
        book,
        &head,
        &detail_rows(scored),
        sheet_rows,
        styles,
        |grid, row, _, (unit_result, line)| {
            let unit = &model.units[unit_result.unit];
            let category = &model.criteria[line.indicator()].category;
            grid.text(row, 0, &unit.id, &styles.text)?;
            grid.text(row, 1, &unit.name, &styles.text)?;
            grid.text(row, 3, category, &styles.text)?;
            match line {
                DetailLine::Scored(result) => {
                    let subject = result.subject(model);
                    grid.text(row, 2, subject.code, &styles.text)?;
                    grid.text(row, 4, subject.name, &styles.text)?;
                    let rule_format = if result.vetoed { &styles.veto } else { &styles.center };
                    grid.text(row, 5, subject.rule, rule_format)?;
                    decimal(grid, row, 6, &result.points, styles)?;
                    decimal(grid, row, 7, &result.score, styles)?;
                    decimal(grid, row, 8, &result.deduction, styles)?;
                    grid.wrapped(row, 9, &result.reason, &styles.wrap)?;
                }
                // A clause shows only what it took off its item's points.
                DetailLine::Clause(clause) => {
                    let indicator = &model.criteria[clause.indicator];
                    grid.text(row, 2, &indicator.code, &styles.text)?;
                    grid.text(row, 4, &format!("　{}", indicator.name), &styles.text)?;
                    grid.text(row, 5, indicator.rule.label(), &styles.center)?;
                    grid.text(row, 6, "", &styles.center)?;
                    grid.text(row, 7, "", &styles.center)?;
                    decimal(grid, row, 8, &clause.deduction, styles)?;
                    grid.wrapped(row, 9, &clause.reason, &styles.wrap)?;
                }
            }
            let (evidence, was_cut) = evidence_cell(line.evidence(), MAX_CELL_CHARS);
            cut.set(cut.get() || was_cut);
            grid.wrapped(row, 10, &evidence, &styles.wrap)?;
            if model.self_assessed {
                let claimed = match line {
                    DetailLine::Scored(result) => result.self_score.as_ref(),
                    DetailLine::Clause(_) => None,
                };
                optional_decimal(grid, row, 11, claimed, styles)?;
            }
            Ok(())
        },
    )?;
    Ok(cut.get())
}

/// The sheet that lists every counted row when a 明细 evidence cell was cut.
pub const SHEET_EVIDENCE: &str = "佐证";

/// A 明细 佐证 cell: the rows that counted, one `FILE:SHEET!A17` a line.
/// When they would pass `max_chars`, as many as fit and
/// `……另有N条，见“佐证”表`; the flag says it was cut.
fn evidence_cell(evidence: &[Origin], max_chars: usize) -> (String, bool) {
    let lines: Vec<String> = evidence.iter().map(ToString::to_string).collect();
    let full = lines.iter().map(|line| excel_len(line) + 1).sum::<usize>().saturating_sub(1);
    if full <= max_chars {
        return (lines.join("\n"), false);
    }
    let left_out = |count: usize| format!("……另有{count}条，见“{SHEET_EVIDENCE}”表");
    let room = max_chars.saturating_sub(excel_len(&left_out(lines.len())));
    let (mut text, mut used, mut kept) = (String::new(), 0, 0);
    for line in &lines {
        used += excel_len(line) + 1;
        if used > room {
            break;
        }
        text.push_str(line);
        text.push('\n');
        kept += 1;
    }
    text.push_str(&left_out(lines.len() - kept));
    (text, true)
}

/// 佐证: every row that counted for an indicator (activity, incident or
/// score row), one a row, in 明细 order.
fn evidence_sheets(
    book: &mut Workbook,
    scored: &Scored,
    sheet_rows: u32,
    styles: &Styles,
) -> Result<(), XlsxError> {
    let model = scored.model;
    let rows: Vec<(UnitIndex, IndicatorIndex, &Origin)> = detail_rows(scored)
        .into_iter()
        .flat_map(|(unit, line)| {
            let indicator = line.indicator();
            line.evidence().iter().map(move |origin| (unit.unit, indicator, origin))
        })
        .collect();
    let labels = ["单位编号", "单位名称", "指标编号", "指标名称", "佐证"];
    let head = TableHead { name: SHEET_EVIDENCE, labels: &labels, frozen_cols: 2 };
    paged_table(book, &head, &rows, sheet_rows, styles, |grid, row, _, &(unit, indicator, origin)| {
        let (unit, indicator) = (&model.units[unit], &model.criteria[indicator]);
        grid.text(row, 0, &unit.id, &styles.text)?;
        grid.text(row, 1, &unit.name, &styles.text)?;
        grid.text(row, 2, &indicator.code, &styles.text)?;
        grid.text(row, 3, &indicator.name, &styles.text)?;
        grid.text(row, 4, &origin.to_string(), &styles.text)
    })
}

fn datetime(
    grid: &mut Grid,
    row: u32,
    col: u16,
    value: Option<NaiveDateTime>,
    (style, styles): (&DateStyle, &Styles),
) -> Result<(), XlsxError> {
    match value {
        Some(value) => grid.datetime(row, col, value, style),
        None => grid.text(row, col, "", &styles.center),
    }
}

/// One row per incident and timeliness indicator that checked it. Laid out
/// to print at [`grid::MIN_PRINT_SCALE`] or more: the headers break at
/// their unit, the steps' times leave out the year (the 发生时间 shows it),
/// and the names, events and indicators wrap.
fn incidents_sheets(
    book: &mut Workbook,
    scored: &Scored,
    sheet_rows: u32,
    styles: &Styles,
) -> Result<(), XlsxError> {
    let Scored { model, report, .. } = *scored;
    let mut labels =
        vec!["单位\n编号".to_owned(), "单位名称".into(), "事件".into(), "级别".into(), "发生时间".into()];
    labels.extend(INCIDENT_STEPS.iter().map(|(step, _)| format!("{step}时间")));
    labels.extend(INCIDENT_STEPS.iter().map(|(step, _)| format!("{step}用时\n（小时）")));
    labels.extend(["指标".into(), "时限\n（小时）".into(), "超时或\n缺失环节".into()]);
    let labels: Vec<&str> = labels.iter().map(String::as_str).collect();
    let head = TableHead { name: SHEET_INCIDENTS, labels: &labels, frozen_cols: 2 };
    paged_table(book, &head, &report.incidents, sheet_rows, styles, |grid, row, _, result| {
        let incident = &model.incidents[result.incident];
        let unit = &model.units[result.unit];
        let indicator = &model.criteria[result.indicator];
        grid.text(row, 0, &unit.id, &styles.text)?;
        grid.wrapped(row, 1, &unit.name, &styles.wrap)?;
        grid.wrapped(row, 2, &incident.title, &styles.wrap)?;
        grid.text(row, 3, &incident.level, &styles.center)?;
        datetime(grid, row, 4, Some(incident.occurred), (&styles.datetime, styles))?;
        for (col, step) in (5..).zip(incident.steps) {
            datetime(grid, row, col, step, (&styles.month_datetime, styles))?;
        }
        for (col, hours) in (9..).zip(&result.hours) {
            match hours {
                Some(hours) => decimal(grid, row, col, hours, styles)?,
                None => grid.text(row, col, LEFT_OUT, &styles.center)?,
            }
        }
        grid.wrapped(row, 13, &format!("{} {}", indicator.code, indicator.name), &styles.wrap)?;
        match indicator.rule.deadline_hours() {
            Some(deadline) => decimal(grid, row, 14, deadline, styles)?,
            None => grid.text(row, 14, LEFT_OUT, &styles.center)?,
        }
        let late = match result.late {
            Some(LateStep { step, missing: true }) => {
                (format!("{}缺失", INCIDENT_STEPS[step].0), &styles.veto)
            }
            Some(LateStep { step, missing: false }) => {
                (format!("{}超时", INCIDENT_STEPS[step].0), &styles.veto)
            }
            None => ("按时".to_owned(), &styles.center),
        };
        grid.text(row, 15, &late.0, late.1)
    })
}

fn accountability_sheets(
    book: &mut Workbook,
    scored: &Scored,
    sheet_rows: u32,
    styles: &Styles,
) -> Result<(), XlsxError> {
    let Scored { model, report, .. } = *scored;
    let labels = ["案件", "单位编号", "单位名称", "事项", "决策方式", "姓名", "角色", "意见", "责任"];
    let head = TableHead { name: SHEET_ACCOUNTABILITY, labels: &labels, frozen_cols: 1 };
    paged_table(book, &head, &report.findings, sheet_rows, styles, |grid, row, _, finding| {
        let case = &model.accountability[finding.row];
        let unit = &model.units[case.unit];
        let stance = case.stance.map_or("", Stance::label);
        let cells = [&case.case, &unit.id, &unit.name, &case.matter];
        for (col, value) in (0..).zip(cells) {
            grid.text(row, col, value, &styles.text)?;
        }
        grid.text(row, 4, case.decision.label(), &styles.center)?;
        grid.text(row, 5, &case.person, &styles.text)?;
        grid.text(row, 6, case.role.label(), &styles.center)?;
        grid.text(row, 7, stance, &styles.center)?;
        grid.text(row, 8, finding.responsibility.zh(), &styles.center)
    })
}

/// A system's display name: its owner's name, or [`TOP_SYSTEM`].
fn system_name(model: &Model, system: usize) -> String {
    match model.systems[system].owner {
        Some(owner) => model.units[owner].name.clone(),
        None => TOP_SYSTEM.to_owned(),
    }
}

fn weights_sheet(
    sheet: &mut Worksheet,
    model: &Model,
    categories: &[&str],
    styles: &Styles,
) -> Result<(), XlsxError> {
    sheet.set_name(SHEET_WEIGHTS)?;
    let ideological = &model.settings.ideological_category;
    let sum_col = WEIGHTS_FIRST_CATEGORY_COL + categories.len() as u16;
    let mut labels = vec![COL_SYSTEM, COL_ID];
    labels.extend_from_slice(categories);
    labels.extend([COL_WEIGHT_SUM, "上级体系", "上级意识形态权重", "意识形态权重检查"]);
    table(sheet, |grid| {
        grid.header(WEIGHTS_HEADER_ROW, &labels, &styles.header)?;
        for (system, row) in (0..model.systems.len()).zip(WEIGHTS_HEADER_ROW + 1..) {
            let owner = model.systems[system].owner.map(|owner| model.units[owner].id.as_str());
            grid.text(row, 0, &system_name(model, system), &styles.text)?;
            grid.text(row, 1, owner.unwrap_or(""), &styles.text)?;
            let mut sum = crate::number::int(0);
            for (col, category) in (WEIGHTS_FIRST_CATEGORY_COL..).zip(categories) {
                let weight = model.systems[system].weight_of(category);
                decimal(grid, row, col, &weight, styles)?;
                sum += weight;
            }
            let range =
                row_col_to_cell(row, WEIGHTS_FIRST_CATEGORY_COL) + ":" + &row_col_to_cell(row, sum_col - 1);
            grid.formula(
                row,
                sum_col,
                &format!("SUM({range})"),
                to_f64(&sum),
                two_decimals(&sum),
                &styles.decimal,
            )?;
            match model.enclosing_system(system) {
                Some(enclosing) => {
                    let own = model.systems[system].weight_of(ideological);
                    let upper = model.systems[enclosing].weight_of(ideological);
                    grid.text(row, sum_col + 1, &system_name(model, enclosing), &styles.text)?;
                    decimal(grid, row, sum_col + 2, &upper, styles)?;
                    let check = if own >= upper {
                        (
                            format!("符合（{}% ≥ {}%）", format_trimmed(&own, 2), format_trimmed(&upper, 2)),
                            &styles.center,
                        )
                    } else {
                        (
                            format!(
                                "低于上级（{}% < {}%）",
                                format_trimmed(&own, 2),
                                format_trimmed(&upper, 2)
                            ),
                            &styles.veto,
                        )
                    };
                    grid.text(row, sum_col + 3, &check.0, check.1)?;
                }
                None => {
                    for col in sum_col + 1..=sum_col + 3 {
                        grid.text(row, col, LEFT_OUT, &styles.center)?;
                    }
                }
            }
        }
        Ok(())
    })?;
    let notes = [
        "注：权重单位为%。各单位按其最近的设有权重的上级单位的体系考核，否则按顶层体系。".to_owned(),
        format!("下级体系的“{ideological}”权重不得低于上级；汇总表的加权得分公式引用本表权重。"),
    ];
    for (row, note) in (WEIGHTS_HEADER_ROW + model.systems.len() as u32 + 2..).zip(&notes) {
        sheet.write_string_with_format(row, 0, note, &styles.plain)?;
    }
    print_setup(sheet, WEIGHTS_HEADER_ROW, 1)
}

fn warnings_sheets(
    book: &mut Workbook,
    warnings: &[String],
    sheet_rows: u32,
    styles: &Styles,
) -> Result<(), XlsxError> {
    let head = TableHead { name: SHEET_WARNINGS, labels: &["序号", "警告"], frozen_cols: 0 };
    paged_table(book, &head, warnings, sheet_rows, styles, |grid, row, index, warning| {
        let number = index + 1;
        grid.number(row, 0, number as f64, number, &styles.integer)?;
        grid.wrapped(row, 1, warning, &styles.wrap)
    })
}

/// A 说明 value: text, or a number stored as a number.
enum AboutValue {
    Text(String),
    Number(Exact),
}

impl AboutValue {
    fn count(count: usize) -> AboutValue {
        AboutValue::Number(crate::number::int(count as i64))
    }

    /// A setting's number, or [`NOT_SET`] when it is not set.
    fn setting(value: Option<&Exact>) -> AboutValue {
        value.map_or_else(|| AboutValue::Text(NOT_SET.into()), |value| AboutValue::Number(value.clone()))
    }
}

/// The 说明 rows shared by the score and the merged workbook: the marker
/// that identifies a kaohe workbook, the year, the assessor and the
/// 成文日期 its documents carry; returns the next row.
fn about_head(
    grid: &mut Grid,
    (year, assessor): (i32, &str),
    doc_date: NaiveDate,
    styles: &Styles,
) -> Result<u32, XlsxError> {
    grid.header(0, &["项目", "内容"], &styles.header)?;
    grid.text(1, 0, KEY_TOOL, &styles.text)?;
    grid.text(1, 1, &format!("{TOOL_PREFIX}{VERSION}"), &styles.text)?;
    grid.text(2, 0, KEY_YEAR, &styles.text)?;
    grid.number(2, 1, f64::from(year), year, &styles.general)?;
    grid.text(3, 0, KEY_ASSESSOR, &styles.text)?;
    grid.text(3, 1, assessor, &styles.text)?;
    grid.text(4, 0, KEY_DOC_DATE, &styles.text)?;
    grid.datetime(4, 1, doc_date.and_time(chrono::NaiveTime::MIN), &styles.date)?;
    Ok(5)
}

/// The `rows` of 说明 from `first` (key, value); returns the next row.
fn about_rows(
    grid: &mut Grid,
    first: u32,
    rows: &[(&str, AboutValue)],
    styles: &Styles,
) -> Result<u32, XlsxError> {
    for (row, (key, value)) in (first..).zip(rows) {
        grid.text(row, 0, key, &styles.text)?;
        match value {
            AboutValue::Text(text) => grid.wrapped(row, 1, text, &styles.wrap)?,
            AboutValue::Number(number) => {
                grid.number(row, 1, to_f64(number), format_trimmed(number, 10), &styles.general)?
            }
        }
    }
    Ok(first + rows.len() as u32)
}

fn about_sheet(sheet: &mut Worksheet, scored: &Scored, styles: &Styles) -> Result<(), XlsxError> {
    let settings = &scored.model.settings;
    sheet.set_name(SHEET_ABOUT)?;
    let grades: Vec<String> = settings
        .grades
        .iter()
        .map(|band| format!("{}:{}", band.name, format_trimmed(&band.threshold, 2)))
        .collect();
    let rows = [
        (KEY_IDEOLOGICAL, AboutValue::Text(settings.ideological_category.clone())),
        (KEY_GRADES, AboutValue::Text(grades.join(";"))),
        (KEY_TOP_QUOTA, AboutValue::setting(settings.top_quota.as_ref())),
        (KEY_BONUS_CAP, AboutValue::setting(settings.bonus_cap.as_ref())),
        (KEY_ASSESSED, AboutValue::count(scored.report.units.len())),
        (
            "计算方法",
            AboutValue::Text("类别得分 = 100 × 得分 ÷ 分值；加权得分 = Σ(类别得分 × 权重) ÷ Σ权重，只计该单位参评的类别，权重见“权重”表；总分 = ROUND(加权得分 + 加分, 2)；被否决的单位排在最后，等次为最低等次。".into()),
        ),
    ];
    // The 成文日期 the documents carry: the setting, else the creation date.
    let doc_date = settings.doc_date.unwrap_or(scored.created.date());
    table(sheet, |grid| {
        let row = about_head(grid, (settings.year, &settings.assessor), doc_date, styles)?;
        let row = about_rows(grid, row, &rows, styles)?;
        let files =
            scored.model.sources.iter().map(|source| (source.name.to_string(), source.sha256.clone()));
        sources_table(grid, row + 1, "输入文件", files, styles)
    })?;
    print_setup(sheet, 0, 0)
}

/// A `label | SHA-256` table of files starting at `row`.
fn sources_table(
    grid: &mut Grid,
    row: u32,
    label: &str,
    files: impl Iterator<Item = (String, String)>,
    styles: &Styles,
) -> Result<(), XlsxError> {
    grid.header(row, &[label, "SHA-256"], &styles.header)?;
    for (row, (name, sha256)) in (row + 1..).zip(files) {
        grid.text(row, 0, &name, &styles.text)?;
        grid.text(row, 1, &sha256, &styles.text)?;
    }
    Ok(())
}
