//! The combined workbook `kaohe merge` writes: 汇总 (all submitted units
//! ranked together, with a 报送单位 column naming the submitting
//! organisation, signed by the merging one), 图表 (their totals charted)
//! and 说明 (the merging organisation, the 成文日期, the counts and the
//! submissions with their SHA-256). Values only: the submitted totals are
//! verified, not recomputed, so there is nothing for a formula to reference.

use rust_xlsxwriter::{Worksheet, XlsxError};

use super::grid::{Styles, table};
use super::{
    AboutValue, Bar, about_head, about_rows, band_of, chart_sheet, distinct_labels, document_title,
    new_workbook, print_setup, print_table_only, sign_off, summary_title, title_row, two_decimals, unrounded,
};
use crate::model::MergedRanking;
use crate::render::MergedIssue;
use crate::score_workbook::{
    COL_BONUS, COL_GRADE, COL_ID, COL_NAME, COL_RANK, COL_SUBMITTER, COL_TOTAL, COL_VETO, COL_WEIGHTED,
    KEY_ASSESSED, KEY_KIND, MERGED_KIND, SHEET_ABOUT, SHEET_SUMMARY,
};

/// Renders the combined workbook of `ranking`, issued as `issue` says.
pub fn merged_workbook(ranking: &MergedRanking, issue: &MergedIssue) -> Result<Vec<u8>, XlsxError> {
    let styles = Styles::new(ranking.grades.len());
    let mut book = new_workbook(&document_title(ranking.year), ranking.created)?;
    summary_sheet(book.add_worksheet(), ranking, issue.assessor, &styles)?;
    let submitter = |unit: &crate::model::MergedUnit| ranking.submissions[unit.submission].assessor.as_str();
    let labels = distinct_labels(ranking.units.iter().map(|unit| (unit.name.as_str(), submitter(unit))));
    let bars: Vec<Bar> = ranking
        .units
        .iter()
        .zip(labels)
        .map(|(unit, label)| Bar {
            rank: unit.rank,
            label,
            total: unit.total.clone(),
            total_cell: None,
            vetoed: unit.veto,
        })
        .collect();
    chart_sheet(book.add_worksheet(), &bars, &styles)?;
    about_sheet(book.add_worksheet(), ranking, issue, &styles)?;
    book.save_to_buffer()
}

fn summary_sheet(
    sheet: &mut Worksheet,
    ranking: &MergedRanking,
    assessor: &str,
    styles: &Styles,
) -> Result<(), XlsxError> {
    sheet.set_name(SHEET_SUMMARY)?;
    let labels =
        [COL_RANK, COL_SUBMITTER, COL_ID, COL_NAME, COL_WEIGHTED, COL_BONUS, COL_TOTAL, COL_GRADE, COL_VETO];
    let header_row = 1;
    title_row(sheet, &summary_title(ranking.year), labels.len() as u16, styles)?;
    let first_row = header_row + 1;
    table(sheet, |grid| {
        grid.header(header_row, &labels, &styles.header)?;
        for (row, unit) in (first_row..).zip(&ranking.units) {
            let submitter = &ranking.submissions[unit.submission].assessor;
            grid.number(row, 0, f64::from(unit.rank), unit.rank, &styles.integer)?;
            grid.text(row, 1, submitter, &styles.text)?;
            grid.text(row, 2, &unit.id, &styles.text)?;
            grid.text(row, 3, &unit.name, &styles.text)?;
            for (col, value) in (4..).zip([&unit.weighted, &unit.bonus, &unit.total]) {
                grid.number(row, col, unrounded(value), two_decimals(value), &styles.decimal)?;
            }
            grid.text(row, 7, &unit.grade, styles.band(band_of(&ranking.grades, &unit.grade)))?;
            let veto = super::veto_cell(unit.veto, unit.barred, styles);
            grid.text(row, 8, veto.0, veto.1)?;
        }
        Ok(())
    })?;
    let after = sign_off(sheet, header_row + ranking.units.len() as u32, assessor, styles)?;
    print_table_only(sheet, (header_row, 4), (after - 1, labels.len() as u16 - 1))
}

fn about_sheet(
    sheet: &mut Worksheet,
    ranking: &MergedRanking,
    issue: &MergedIssue,
    styles: &Styles,
) -> Result<(), XlsxError> {
    sheet.set_name(SHEET_ABOUT)?;
    let rows = [
        (KEY_KIND, AboutValue::Text(MERGED_KIND.to_owned())),
        ("本级意识形态工作权重（%）", AboutValue::setting(ranking.ideological_weight.as_ref())),
        ("报送单位数", AboutValue::count(ranking.submissions.len())),
        (KEY_ASSESSED, AboutValue::count(ranking.units.len())),
        (
            "排名方法",
            AboutValue::Text("按报送的总分与否决排名，不重新计算；各单位的加权得分、总分和等次已按其得分表核验；被否决的单位排在最后；等次为报送的等次。".to_owned()),
        ),
    ];
    table(sheet, |grid| {
        let row = about_head(grid, (ranking.year, issue.assessor), issue.date(ranking.created), styles)?;
        let row = about_rows(grid, row, &rows, styles)? + 1;
        grid.header(row, &["报送文件", COL_SUBMITTER, "SHA-256"], &styles.header)?;
        for (row, submission) in (row + 1..).zip(&ranking.submissions) {
            grid.text(row, 0, &submission.file, &styles.text)?;
            grid.text(row, 1, &submission.assessor, &styles.text)?;
            grid.text(row, 2, &submission.sha256, &styles.text)?;
        }
        Ok(())
    })?;
    print_setup(sheet, 0, 0)
}
