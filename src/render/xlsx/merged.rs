//! The combined workbook `kaohe merge` writes: 汇总 (all submitted units
//! ranked together, with a 考核单位 column naming the submitting organisation) and 说明 (the
//! submissions and their SHA-256). Values only: the submitted totals are
//! verified, not recomputed, so there is nothing for a formula to reference.

use rust_xlsxwriter::{Worksheet, XlsxError};

use super::grid::{Styles, print_setup, table};
use super::{
    about_head, band_of, new_workbook, sign_off, summary_title, title_row, totals_chart, two_decimals,
    unrounded,
};
use crate::model::MergedRanking;
use crate::number::format_trimmed;
use crate::score_workbook::{
    COL_BONUS, COL_GRADE, COL_ID, COL_NAME, COL_RANK, COL_TOTAL, COL_VETO, COL_WEIGHTED, KEY_ASSESSOR,
    KEY_KIND, MERGED_KIND, SHEET_ABOUT, SHEET_SUMMARY,
};

/// Renders the combined workbook of `ranking`.
pub fn merged_workbook(ranking: &MergedRanking) -> Result<Vec<u8>, XlsxError> {
    let styles = Styles::new(ranking.grades.len());
    let title = summary_title(ranking.year);
    let mut book = new_workbook(&title, ranking.created)?;
    summary_sheet(book.add_worksheet(), ranking, &title, &styles)?;
    about_sheet(book.add_worksheet(), ranking, &styles)?;
    book.save_to_buffer()
}

fn summary_sheet(
    sheet: &mut Worksheet,
    ranking: &MergedRanking,
    title: &str,
    styles: &Styles,
) -> Result<(), XlsxError> {
    sheet.set_name(SHEET_SUMMARY)?;
    let labels =
        [COL_RANK, KEY_ASSESSOR, COL_ID, COL_NAME, COL_WEIGHTED, COL_BONUS, COL_TOTAL, COL_GRADE, COL_VETO];
    let header_row = 1;
    title_row(sheet, title, labels.len() as u16, styles)?;
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
    print_setup(sheet, header_row, 4)?;
    let vetoed: Vec<bool> = ranking.units.iter().map(|unit| unit.veto).collect();
    let after = sign_off(sheet, header_row + vetoed.len() as u32, "", styles)?;
    totals_chart(sheet, SHEET_SUMMARY, (first_row, &vetoed), (3, 6), after)
}

fn about_sheet(sheet: &mut Worksheet, ranking: &MergedRanking, styles: &Styles) -> Result<(), XlsxError> {
    sheet.set_name(SHEET_ABOUT)?;
    let floor = ranking
        .ideological_weight
        .as_ref()
        .map_or_else(|| "未指定".to_owned(), |p| format!("{}%", format_trimmed(p, 2)));
    let rows = [
        (KEY_KIND, MERGED_KIND.to_owned()),
        ("本级意识形态工作权重", floor),
        ("报送单位数", ranking.submissions.len().to_string()),
        ("参评单位数", ranking.units.len().to_string()),
        (
            "排名方法",
            "按报送的总分与否决排名，不重新计算；各单位的加权得分、总分和等次已按其得分表核验；被否决的单位排在最后；等次为报送的等次。".to_owned(),
        ),
    ];
    table(sheet, |grid| {
        let mut row = about_head(grid, ranking.year, "", styles)?;
        for (key, value) in &rows {
            grid.text(row, 0, key, &styles.text)?;
            grid.wrapped(row, 1, value, &styles.wrap)?;
            row += 1;
        }
        row += 1;
        grid.header(row, &["报送文件", KEY_ASSESSOR, "SHA-256"], &styles.header)?;
        for (row, submission) in (row + 1..).zip(&ranking.submissions) {
            grid.text(row, 0, &submission.file, &styles.text)?;
            grid.text(row, 1, &submission.assessor, &styles.text)?;
            grid.text(row, 2, &submission.sha256, &styles.text)?;
        }
        Ok(())
    })?;
    print_setup(sheet, 0, 0)
}
