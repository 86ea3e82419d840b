//! The building blocks every sheet shares: the cell styles, [`table`] that
//! writes cells as values (text stays text, even `=…`) into columns sized
//! by a measuring pass (wrapping columns narrowed so the table prints at
//! [`MIN_PRINT_SCALE`] or more), [`pages`] that splits a long table over
//! sheets, the A4 landscape print setup at the scale that fits the table's
//! width, and Excel's limits: no cell passes [`MAX_CELL_CHARS`], no sheet
//! [`MAX_SHEET_ROWS`].

use std::borrow::Cow;
use std::fmt::Display;

use chrono::{Datelike, NaiveDateTime, Timelike};
use rust_xlsxwriter::{
    Color, ExcelDateTime, Format, FormatAlign, FormatBorder, Formula, Workbook, Worksheet, XlsxError,
};

use crate::text::display_width;

/// Body font: a CJK font every Chinese Office installation has, also the
/// workbook's default font, which column widths count in: its digit is 8
/// pixels wide in Excel and WPS, and near that in the CJK font LibreOffice
/// takes for it, so a column prints alike in all three.
const FONT: &str = "宋体";
/// The workbook's default column and row (8.38 characters, 72 and 19
/// pixels, as Chinese Excel has them for 宋体 11).
const DEFAULT_COLUMN_PIXELS: u32 = 72;
const DEFAULT_ROW_PIXELS: u32 = 19;
/// Pixels of a character of column width in [`FONT`], and of the padding
/// every column has.
const DIGIT_PIXELS: f64 = 8.0;
const PADDING_PIXELS: f64 = 5.0;
/// Characters of column width a unit of display width takes (a CJK
/// character of 11 pt, two units, is 14.7 pixels), with a little room.
const CHARS_PER_UNIT: f64 = 0.95;
/// Fills for grade bands, best first; the last band always gets the last.
const BAND_FILLS: [u32; 4] = [0xC6EFCE, 0xDDEBF7, 0xFFEB9C, 0xFFC7CE];
/// The colour that marks a veto (font of a 否决 cell, bar of a vetoed unit).
pub(super) const VETO_RED: u32 = 0xC00000;
/// Columns of wrapping text are capped at this width; longer text wraps.
const MAX_WRAPPED_WIDTH: f64 = 48.0;
/// A wrapping column is narrowed down to this width at most, so a wide
/// table prints at [`MIN_PRINT_SCALE`].
const MIN_WRAPPED_WIDTH: f64 = 10.0;
/// The smallest print scale (%) a table is laid out for: its text prints at
/// 7.7 pt or more. Below it, wrapping columns are narrowed first.
pub(super) const MIN_PRINT_SCALE: f64 = 70.0;
/// A4 landscape between the left and right margins of [`print_setup`], in points.
const PRINTABLE_WIDTH: f64 = 841.89 - 2.0 * 36.0;
/// Other columns (ids, hashes) grow up to this width.
const MAX_WIDTH: f64 = 80.0;
const MIN_WIDTH: f64 = 6.0;
/// The height of one line of body text, in points.
const LINE_HEIGHT: f64 = 15.0;
/// Excel's tallest row, in points; a cell with more lines scrolls.
const MAX_ROW_HEIGHT: f64 = 409.0;
/// Excel's longest cell text, in UTF-16 code units (what Excel counts).
pub(super) const MAX_CELL_CHARS: usize = 32_767;
/// Excel's rows per sheet.
pub(super) const MAX_SHEET_ROWS: u32 = 1_048_576;

/// The formats of the workbook, built once.
pub(super) struct Styles {
    pub title: Format,
    pub header: Format,
    pub text: Format,
    pub wrap: Format,
    pub center: Format,
    pub decimal: Format,
    pub integer: Format,
    /// A number as typed (说明's values).
    pub general: Format,
    pub datetime: DateStyle,
    /// A date-time of a known year, without it (舆情时效's steps).
    pub month_datetime: DateStyle,
    pub date: DateStyle,
    pub plain: Format,
    pub veto: Format,
    /// One per grade band, in band order.
    bands: Vec<Format>,
}

impl Styles {
    /// Styles for a workbook whose grade bands are `band_count` long.
    pub(super) fn new(band_count: usize) -> Styles {
        let cell = Format::new()
            .set_font_name(FONT)
            .set_font_size(11)
            .set_border(FormatBorder::Thin)
            .set_align(FormatAlign::VerticalCenter);
        let center = cell.clone().set_align(FormatAlign::Center);
        let bands = (0..band_count)
            .map(|band| {
                let fill = if band + 1 == band_count {
                    BAND_FILLS[BAND_FILLS.len() - 1]
                } else {
                    BAND_FILLS[band.min(BAND_FILLS.len() - 2)]
                };
                center.clone().set_background_color(Color::RGB(fill))
            })
            .collect();
        Styles {
            title: Format::new()
                .set_font_name("黑体")
                .set_font_size(18)
                .set_align(FormatAlign::Center)
                .set_align(FormatAlign::VerticalCenter),
            header: center.clone().set_bold().set_text_wrap().set_background_color(Color::RGB(0xD9E1F2)),
            wrap: cell.clone().set_text_wrap(),
            decimal: cell.clone().set_num_format("0.00"),
            integer: center.clone().set_num_format("0"),
            general: cell.clone().set_align(FormatAlign::Left),
            datetime: DateStyle::new(&center, "yyyy-mm-dd hh:mm"),
            month_datetime: DateStyle::new(&center, "mm-dd hh:mm"),
            date: DateStyle::new(&cell.clone().set_align(FormatAlign::Left), "yyyy-mm-dd"),
            plain: Format::new().set_font_name(FONT).set_font_size(12),
            veto: center
                .clone()
                .set_bold()
                .set_font_color(Color::RGB(VETO_RED))
                .set_background_color(Color::RGB(0xFFC7CE)),
            text: cell,
            center,
            bands,
        }
    }

    /// The format of a grade cell: coloured by its band, plain if unknown.
    pub(super) fn band(&self, band: Option<usize>) -> &Format {
        band.and_then(|band| self.bands.get(band)).unwrap_or(&self.center)
    }
}

/// A date or date-time format, and how wide what it shows is.
pub(super) struct DateStyle {
    format: Format,
    shown: usize,
}

impl DateStyle {
    fn new(cell: &Format, pattern: &'static str) -> DateStyle {
        DateStyle { format: cell.clone().set_num_format(pattern), shown: pattern.len() }
    }
}

/// Draws a table onto `sheet` in two passes of `cells`: the first only
/// measures every column (CJK counting double), then the columns are sized
/// and the second writes the cells row by row, making rows with wrapped
/// text tall enough as it goes. So a streamed sheet, whose
/// rows can't be revisited, gets the same widths and heights as one held
/// in memory. `cells` must draw the same cells both times.
pub(super) fn table<F>(sheet: &mut Worksheet, cells: F) -> Result<(), XlsxError>
where
    F: Fn(&mut Grid) -> Result<(), XlsxError>,
{
    let mut measuring = Grid { sheet: None, measured: Vec::new(), widths: Vec::new(), tallest: (0, 0) };
    cells(&mut measuring)?;
    let widths = measuring.fitted_widths();
    for (col, &width) in (0u16..).zip(&widths) {
        sheet.set_column_width(col, width)?;
    }
    cells(&mut Grid { sheet: Some(sheet), measured: Vec::new(), widths, tallest: (0, 0) })
}

/// What a column `width` characters wide takes on paper at 100 %, in
/// points, ¾ point a pixel.
fn column_points(width: f64) -> f64 {
    (width * DIGIT_PIXELS + PADDING_PIXELS).round() * 0.75
}

/// Makes [`FONT`] 11 pt the default font of `book`, before any sheet.
pub(super) fn set_default_font(book: &mut Workbook) -> Result<(), XlsxError> {
    let format = Format::new().set_font_name(FONT).set_font_size(11);
    book.set_default_format(&format, DEFAULT_ROW_PIXELS, DEFAULT_COLUMN_PIXELS)?;
    Ok(())
}

/// The width of columns `widths` wide, in points at 100 %.
fn table_points(widths: &[f64]) -> f64 {
    widths.iter().copied().map(column_points).sum()
}

/// `natural` widths with the wrapping columns narrowed (each to no less
/// than its `floors` width) by one common cap, the widest that keeps the
/// table within `budget` points; all at their floor when even that is too
/// wide.
fn narrowed(natural: &[f64], floors: &[f64], budget: f64) -> Vec<f64> {
    let capped = |cap: f64| -> Vec<f64> {
        natural.iter().zip(floors).map(|(&width, &floor)| width.min(cap.max(floor))).collect()
    };
    if table_points(natural) <= budget {
        return natural.to_vec();
    }
    let (mut low, mut high) = (MIN_WRAPPED_WIDTH, MAX_WRAPPED_WIDTH);
    if table_points(&capped(low)) > budget {
        return capped(low);
    }
    // Widths are whole pixels: 30 halvings end well below one.
    for _ in 0..30 {
        let middle = (low + high) / 2.0;
        if table_points(&capped(middle)) <= budget { low = middle } else { high = middle }
    }
    capped(low)
}

/// One pass of [`table`] over a worksheet: measuring or writing.
pub(super) struct Grid<'a> {
    /// Where cells go; `None` while measuring.
    sheet: Option<&'a mut Worksheet>,
    /// Measuring: per column, the widest plain cell and the widest wrapping cell.
    measured: Vec<(usize, usize)>,
    /// Writing: each column's width.
    widths: Vec<f64>,
    /// Writing: the last row made taller and its number of lines.
    tallest: (u32, usize),
}

impl Grid<'_> {
    fn column(&mut self, col: u16) -> &mut (usize, usize) {
        let col = usize::from(col);
        if self.measured.len() <= col {
            self.measured.resize(col + 1, (0, 0));
        }
        &mut self.measured[col]
    }

    fn measure(&mut self, col: u16, width: usize) {
        let plain = &mut self.column(col).0;
        *plain = (*plain).max(width);
    }

    /// Each column sized to its widest cell, within bounds; when the table
    /// would print below [`MIN_PRINT_SCALE`], its wrapping columns narrowed
    /// (down to their widest unwrapped cell, or [`MIN_WRAPPED_WIDTH`]).
    fn fitted_widths(&self) -> Vec<f64> {
        let width_of = |chars: usize, cap: f64| (chars as f64 * CHARS_PER_UNIT + 2.0).clamp(MIN_WIDTH, cap);
        let natural: Vec<f64> = self
            .measured
            .iter()
            .map(|&(plain, wrapping)| width_of(plain, MAX_WIDTH).max(width_of(wrapping, MAX_WRAPPED_WIDTH)))
            .collect();
        let floors: Vec<f64> = self
            .measured
            .iter()
            .zip(&natural)
            .map(|(&(plain, _), &width)| width_of(plain, MAX_WIDTH).max(MIN_WRAPPED_WIDTH).min(width))
            .collect();
        narrowed(&natural, &floors, PRINTABLE_WIDTH * 100.0 / MIN_PRINT_SCALE)
    }

    /// Writes `text` as a string cell whose `format` wraps: it widens its
    /// column only up to a cap, and its row grows to show every line.
    pub(super) fn wrapped(
        &mut self,
        row: u32,
        col: u16,
        text: &str,
        format: &Format,
    ) -> Result<(), XlsxError> {
        let Some(sheet) = self.sheet.as_deref_mut() else {
            let widest = text.lines().map(display_width).max().unwrap_or(0);
            let wrapping = &mut self.column(col).1;
            *wrapping = (*wrapping).max(widest);
            return Ok(());
        };
        let room = ((self.widths[usize::from(col)] - 2.0) / CHARS_PER_UNIT).max(1.0);
        let lines: usize =
            text.lines().map(|line| (display_width(line) as f64 / room).ceil().max(1.0) as usize).sum();
        // The row's first taller cell, or a cell taller than the last one.
        if lines > 1 && (self.tallest.0 != row || lines > self.tallest.1) {
            sheet.set_row_height(row, (LINE_HEIGHT * lines as f64).min(MAX_ROW_HEIGHT))?;
            self.tallest = (row, lines);
        }
        write_text(sheet, row, col, text, format)
    }

    /// Writes `text` as a string cell, never as a formula.
    pub(super) fn text(&mut self, row: u32, col: u16, text: &str, format: &Format) -> Result<(), XlsxError> {
        match self.sheet.as_deref_mut() {
            Some(sheet) => write_text(sheet, row, col, text, format),
            None => {
                self.measure(col, display_width(text));
                Ok(())
            }
        }
    }

    /// Writes a number; `shown` is how it displays, for the column width.
    pub(super) fn number(
        &mut self,
        row: u32,
        col: u16,
        value: f64,
        shown: impl Display,
        format: &Format,
    ) -> Result<(), XlsxError> {
        match self.sheet.as_deref_mut() {
            Some(sheet) => {
                sheet.write_number_with_format(row, col, value, format)?;
            }
            None => self.measure(col, display_width(&shown.to_string())),
        }
        Ok(())
    }

    /// Writes a formula with its computed `result` stored, so readers that
    /// don't calculate see the number; `shown` is its displayed text.
    pub(super) fn formula(
        &mut self,
        row: u32,
        col: u16,
        formula: &str,
        result: f64,
        shown: impl Display,
        format: &Format,
    ) -> Result<(), XlsxError> {
        match self.sheet.as_deref_mut() {
            Some(sheet) => {
                let formula = Formula::new(formula).set_result(result.to_string());
                sheet.write_formula_with_format(row, col, formula, format)?;
            }
            None => self.measure(col, display_width(&shown.to_string())),
        }
        Ok(())
    }

    /// Writes a date-time cell shown as `style` shows it.
    pub(super) fn datetime(
        &mut self,
        row: u32,
        col: u16,
        value: NaiveDateTime,
        style: &DateStyle,
    ) -> Result<(), XlsxError> {
        match self.sheet.as_deref_mut() {
            Some(sheet) => {
                sheet.write_datetime_with_format(row, col, &excel_datetime(value)?, &style.format)?;
            }
            None => self.measure(col, style.shown),
        }
        Ok(())
    }

    /// A header row at `row`, one label per column from column 0; a label
    /// wraps (at its line breaks, or where its column was narrowed).
    pub(super) fn header(&mut self, row: u32, labels: &[&str], format: &Format) -> Result<(), XlsxError> {
        for (col, label) in (0u16..).zip(labels) {
            self.wrapped(row, col, label, format)?;
        }
        Ok(())
    }
}

/// A string cell, blank when `text` is empty, cut to fit by [`fit_cell`].
fn write_text(
    sheet: &mut Worksheet,
    row: u32,
    col: u16,
    text: &str,
    format: &Format,
) -> Result<(), XlsxError> {
    if text.is_empty() {
        sheet.write_blank(row, col, format)?;
    } else {
        sheet.write_string_with_format(row, col, fit_cell(text, MAX_CELL_CHARS).as_ref(), format)?;
    }
    Ok(())
}

/// The length of `text` as Excel counts it.
pub(super) fn excel_len(text: &str) -> usize {
    text.encode_utf16().count()
}

/// `text`, or when it is longer than `max_chars`, its beginning and
/// `……另有N字未显示` within `max_chars`. Inputs hold no longer cell, but a
/// message quoting one does.
fn fit_cell(text: &str, max_chars: usize) -> Cow<'_, str> {
    // UTF-8 takes at least as many bytes as UTF-16 takes units: most
    // cells need no count.
    if text.len() <= max_chars || excel_len(text) <= max_chars {
        return Cow::Borrowed(text);
    }
    let total = text.chars().count();
    let room = max_chars.saturating_sub(excel_len(&left_out_chars(total)));
    let mut used = 0;
    let kept = text.chars().take_while(|c| {
        used += c.len_utf16();
        used <= room
    });
    let kept: String = kept.collect();
    let note = left_out_chars(total - kept.chars().count());
    Cow::Owned(kept + &note)
}

fn left_out_chars(count: usize) -> String {
    format!("……另有{count}字未显示")
}

/// One sheet of a table split by [`pages`].
pub(super) struct Page<'r, T> {
    /// The table's name on its first sheet, then `NAME-2`, `NAME-3` …
    pub name: String,
    /// The index in the whole table of this sheet's first row.
    pub first: usize,
    pub rows: &'r [T],
}

/// Splits the rows of a table named `name` with one header row over sheets
/// of at most `sheet_rows` rows each, the header repeated on each: Excel's
/// [`MAX_SHEET_ROWS`], or fewer in tests. An empty table is one sheet.
pub(super) fn pages<'r, T>(name: &str, rows: &'r [T], sheet_rows: u32) -> Vec<Page<'r, T>> {
    let per_sheet = (sheet_rows as usize).saturating_sub(1).max(1);
    let chunks: Vec<&[T]> = if rows.is_empty() { vec![rows] } else { rows.chunks(per_sheet).collect() };
    chunks
        .into_iter()
        .enumerate()
        .map(|(index, rows)| Page {
            name: if index == 0 { name.to_owned() } else { format!("{name}-{}", index + 1) },
            first: index * per_sheet,
            rows,
        })
        .collect()
}

/// The spreadsheet date-time of `value`.
pub(crate) fn excel_datetime(value: NaiveDateTime) -> Result<ExcelDateTime, XlsxError> {
    ExcelDateTime::from_ymd(value.year() as u16, value.month() as u8, value.day() as u8)?.and_hms(
        value.hour() as u16,
        value.minute() as u8,
        value.second(),
    )
}

/// A4 landscape, fitted to the page's width (by the application, which
/// knows its fonts; none enlarges a table that fits, and [`table`] laid it
/// out to need [`MIN_PRINT_SCALE`] or more in Excel's metrics) and as many
/// pages tall as it takes. The rows up to `header_row` repeat on every
/// page and stay frozen on screen, with `frozen_cols` columns; page
/// numbers in the footer.
pub(super) fn print_setup(sheet: &mut Worksheet, header_row: u32, frozen_cols: u16) -> Result<(), XlsxError> {
    sheet.set_paper_size(9).set_landscape().set_print_fit_to_pages(1, 0).set_print_center_horizontally(true);
    sheet.set_margins(0.5, 0.5, 0.75, 0.75, 0.3, 0.3);
    sheet.set_footer("&C第 &P 页，共 &N 页");
    sheet.set_repeat_rows(0, header_row)?;
    sheet.set_freeze_panes(header_row + 1, frozen_cols)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_cell_is_cut_with_the_count_left_out() {
        assert_eq!(fit_cell("短文本", 20), "短文本");
        let long = "一二三四五六七八九十".repeat(3);
        let cut = fit_cell(&long, 20);
        assert_eq!(cut, "一二三四五六七八九十……另有20字未显示");
        assert_eq!(excel_len(&cut), 20);
        // A character outside the BMP counts 2 and is never split.
        let wide = "𠀀".repeat(20);
        assert_eq!(fit_cell(&wide, 16), "𠀀𠀀𠀀……另有17字未显示");
    }

    #[test]
    fn wrapping_columns_narrow_together_to_the_budget_and_no_further_than_their_floor() {
        let points = |widths: &[f64]| table_points(widths);
        // An id column, two wrapping ones (floors 10 and 20) and a fixed one.
        let (natural, floors) = ([10.0, 48.0, 48.0, 30.0], [10.0, 10.0, 20.0, 30.0]);
        assert_eq!(narrowed(&natural, &floors, points(&natural)), natural, "fits: left alone");
        let budget = points(&[10.0, 25.0, 25.0, 30.0]);
        let fitted = narrowed(&natural, &floors, budget);
        assert!(points(&fitted) <= budget && points(&fitted) > budget - 6.0, "{fitted:?}");
        assert_eq!((fitted[0], fitted[3]), (10.0, 30.0), "only wrapping columns narrow");
        assert!((fitted[1] - fitted[2]).abs() < 1e-6 && fitted[1] > 24.0, "one common cap: {fitted:?}");
        // Too narrow a budget: every column at its floor.
        assert_eq!(narrowed(&natural, &floors, 100.0), floors);
    }

    #[test]
    fn a_long_table_continues_on_numbered_sheets_each_with_its_header() {
        let rows: Vec<u32> = (0..5).collect();
        let split: Vec<(String, usize, &[u32])> =
            pages("明细", &rows, 3).into_iter().map(|page| (page.name, page.first, page.rows)).collect();
        let expected: [(&str, usize, &[u32]); 3] =
            [("明细", 0, &[0, 1]), ("明细-2", 2, &[2, 3]), ("明细-3", 4, &[4])];
        assert_eq!(split, expected.map(|(name, first, rows)| (name.to_owned(), first, rows)));
        assert_eq!(pages("校验", &rows, MAX_SHEET_ROWS).len(), 1);
        let empty: [u32; 0] = [];
        let only = pages("校验", &empty, 3);
        assert_eq!((only.len(), only[0].name.as_str(), only[0].rows.len()), (1, "校验", 0));
    }
}
