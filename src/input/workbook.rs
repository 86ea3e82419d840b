//! Workbook reading through calamine: `.xlsx`/`.xlsm`, `.xls` and `.ods`
//! become [`Sheet`]s with every cell at its real coordinates (calamine's
//! ranges start at the first used cell; the offset is added back). Merged
//! ranges are filled with their top-left value. A number cell with a `%`
//! number format (xlsx) or of percentage type (ods) becomes
//! [`Value::Percent`]; calamine reads no number formats from xls, so there it
//! stays a number. Text cells lose the characters XML forbids
//! ([`control`]) before merged ranges copy them. Every workbook passes the
//! [`guard`] first; a panic inside calamine becomes an error, not a crash.

use std::collections::{BTreeMap, HashMap};
use std::hash::{BuildHasherDefault, Hasher};
use std::io::{Cursor, Read, Seek};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;

use calamine::{
    Data, DataRef, Dimensions, Ods, Reader, SheetType, Xls, XlsError, Xlsx, XlsxError, open_workbook_from_rs,
};
use chrono::SubsecRound;

use super::error::ReadError;
use super::format::Format;
use super::limits::{Limits, MAX_SHEET_CELLS, MAX_WORKBOOK_CELLS, too_large};
use super::ods_layout::{self, Layout};
use super::sheet::{Row, Sheet};
use super::value::{Value, parse_date_time};
use super::{control, guard};
use crate::text::TextCache;

/// Reads every worksheet of a workbook held in `bytes`, after
/// [`guard`] has checked them (the bytes decide the format
/// when they disagree with the extension). The sheets' `source` is left 0
/// for the caller to set.
pub fn read_workbook(bytes: &[u8], format: Format, file: &Arc<str>) -> Result<Vec<Sheet>, ReadError> {
    let checked = guard::inspect_workbook(bytes, format, &Limits::DEFAULT)?;
    let read = || match checked.format {
        Format::Xlsx => read_xlsx(bytes, file, checked.may_have_merges),
        Format::Xls => {
            let mut workbook =
                open_workbook_from_rs::<Xls<_>, _>(Cursor::new(bytes)).map_err(|error| match error {
                    XlsError::Password => guard::encrypted(),
                    error => ReadError::damaged(error),
                })?;
            read_sheets(&mut workbook, file, |workbook, name| {
                Ok(Layout {
                    merged: workbook.merge_cells_by_sheet_name(name).map_err(ReadError::damaged)?,
                    ..Layout::default()
                })
            })
        }
        Format::Ods => {
            // Before calamine, which expands repeated rows and columns.
            let mut layouts = ods_layout::read_layouts(bytes)?;
            let mut workbook =
                open_workbook_from_rs::<Ods<_>, _>(Cursor::new(bytes)).map_err(ReadError::damaged)?;
            read_sheets(&mut workbook, file, |_, name| Ok(layouts.remove(name).unwrap_or_default()))
        }
    };
    catch_unwind(AssertUnwindSafe(read)).unwrap_or_else(|panic| {
        let reason = panic
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_default();
        Err(ReadError::Damaged(format!("calamine panicked: {reason}")))
    })
}

/// The names of a workbook's worksheets (chart and macro sheets skipped), in order.
fn worksheet_names<RS: Read + Seek, R: Reader<RS>>(workbook: &R) -> Vec<String> {
    workbook
        .sheets_metadata()
        .iter()
        .filter(|sheet| sheet.typ == SheetType::WorkSheet)
        .map(|sheet| sheet.name.clone())
        .collect()
}

fn in_sheet(name: &str, error: ReadError) -> ReadError {
    match error {
        ReadError::Damaged(reason) => {
            ReadError::Damaged(format!("工作表“{name}” | sheet “{name}”: {reason}"))
        }
        refused => refused,
    }
}

/// Reads an `.xlsx` sheet by sheet, streaming its cells (calamine's own
/// ranges would allocate the whole rectangle from A1 to the last cell).
/// Merged ranges take calamine a second pass over a sheet's XML: it is
/// skipped unless the guard saw `mergeCell` in the package.
fn read_xlsx(bytes: &[u8], file: &Arc<str>, may_have_merges: bool) -> Result<Vec<Sheet>, ReadError> {
    let mut workbook =
        open_workbook_from_rs::<Xlsx<_>, _>(Cursor::new(bytes)).map_err(|error| match error {
            XlsxError::Password => guard::encrypted(),
            error => ReadError::damaged(error),
        })?;
    let (mut sheets, mut held, mut texts) = (Vec::new(), 0, TextCache::default());
    let mut shared_strings = SharedStrings::default();
    for name in worksheet_names(&workbook) {
        let mut read = |workbook: &mut Xlsx<_>| -> Result<Sheet, ReadError> {
            let merged = if may_have_merges {
                workbook.merge_cells_by_sheet_name(&name).map_err(ReadError::damaged)?
            } else {
                Vec::new()
            };
            let mut reader = workbook.worksheet_cells_reader(&name).map_err(ReadError::damaged)?;
            let percent_styles: Vec<bool> = reader
                .styles()
                .iter()
                .map(|style| style.number_format.as_ref().is_some_and(|f| is_percent_format(&f.format_code)))
                .collect();
            let mut cells = Vec::new();
            while let Some((cell, style)) = reader.next_cell_with_style_id().map_err(ReadError::damaged)? {
                let value = match cell.get_value() {
                    DataRef::SharedString(text) => shared_strings.value(text),
                    DataRef::String(text) => text_value(text, &mut texts),
                    data => {
                        let percent = matches!(data, DataRef::Float(_) | DataRef::Int(_))
                            && percent_styles.get(style).copied().unwrap_or(false);
                        cell_value(&Data::from(data.clone()), percent, &mut texts)
                    }
                };
                if !value.is_empty() {
                    if cells.len() as u64 >= MAX_SHEET_CELLS {
                        return Err(Limits::DEFAULT.sheet_too_large(&name, cells.len() as u64 + 1));
                    }
                    let (row, col) = cell.get_position();
                    cells.push(((row, col), value));
                }
            }
            let cleaned = clean_cells(&mut cells);
            Ok(Sheet {
                source: 0,
                file: file.clone(),
                name: control::name_without_forbidden(&name).into(),
                rows: sheet_rows(&name, cells, &merged)?,
                cleaned,
            })
        };
        push_sheet(&mut sheets, &mut held, read(&mut workbook).map_err(|error| in_sheet(&name, error))?)?;
    }
    Ok(sheets)
}

/// Adds a sheet to the workbook's, refused when all of them together hold
/// more than [`MAX_WORKBOOK_CELLS`] cells.
fn push_sheet(sheets: &mut Vec<Sheet>, held: &mut u64, sheet: Sheet) -> Result<(), ReadError> {
    *held += sheet.rows.iter().map(|row| row.cells.len() as u64).sum::<u64>();
    sheets.push(sheet);
    if *held > MAX_WORKBOOK_CELLS {
        let (cells, limit) = (*held, MAX_WORKBOOK_CELLS);
        return Err(too_large(text!(
            "各工作表共有 {cells} 个单元格（上限 {limit}）",
            "its sheets hold {cells} cells together (limit {limit})"
        )));
    }
    Ok(())
}

/// Reads every worksheet of an `.xls` or `.ods` through calamine's ranges
/// (their size already bounded by the guard), in workbook order.
fn read_sheets<RS, R, L>(workbook: &mut R, file: &Arc<str>, mut layout: L) -> Result<Vec<Sheet>, ReadError>
where
    RS: Read + Seek,
    R: Reader<RS>,
    R::Error: std::fmt::Display,
    L: FnMut(&mut R, &str) -> Result<Layout, ReadError>,
{
    let (mut sheets, mut held, mut texts) = (Vec::new(), 0, TextCache::default());
    for name in worksheet_names(workbook) {
        let mut read = || -> Result<Sheet, ReadError> {
            let range = workbook.worksheet_range(&name).map_err(ReadError::damaged)?;
            let layout = layout(workbook, &name)?;
            let (first_row, first_col) = range.start().unwrap_or_default();
            let mut cells: Vec<_> = range
                .used_cells()
                .map(|(row, col, data)| {
                    let at = (first_row + row as u32, first_col + col as u32);
                    (at, cell_value(data, layout.percent.contains(&at), &mut texts))
                })
                .filter(|(_, value)| !value.is_empty())
                .collect();
            let cleaned = clean_cells(&mut cells);
            Ok(Sheet {
                source: 0,
                file: file.clone(),
                name: control::name_without_forbidden(&name).into(),
                rows: sheet_rows(&name, cells, &layout.merged)?,
                cleaned,
            })
        };
        push_sheet(&mut sheets, &mut held, read().map_err(|error| in_sheet(&name, error))?)?;
    }
    Ok(sheets)
}

/// Cleans the text cells (at real 0-based coordinates) of characters XML
/// forbids, before merged ranges copy them; returns the cleaned cells as
/// (row number, column), in order.
fn clean_cells(cells: &mut [((u32, u32), Value)]) -> Vec<(u32, u32)> {
    let mut cleaned: Vec<(u32, u32)> = cells
        .iter_mut()
        .filter_map(|((row, col), value)| control::clean_cell(value).then_some((*row + 1, *col)))
        .collect();
    cleaned.sort_unstable();
    cleaned
}

/// The rows of a sheet from its non-empty cells at real 0-based
/// coordinates, merged ranges filled with their top-left value (clipped to
/// the used area). Rows with no value are left out. Refused when the rows,
/// as wide as their last cell, would hold more than
/// [`MAX_SHEET_CELLS`] cells.
fn sheet_rows(
    name: &str,
    mut cells: Vec<((u32, u32), Value)>,
    merged: &[Dimensions],
) -> Result<Vec<Row>, ReadError> {
    if !cells.is_sorted_by_key(|(at, _)| *at) {
        cells.sort_by_key(|(at, _)| *at);
    }
    let mut held: u64 = 0;
    let mut widen = |cells: &mut Vec<Value>, width: u32| {
        if (width as usize) > cells.len() {
            held += u64::from(width) - cells.len() as u64;
            if held > MAX_SHEET_CELLS {
                return Err(Limits::DEFAULT.sheet_too_large(name, held));
            }
            cells.resize(width as usize, Value::Empty);
        }
        Ok(())
    };
    // Each row as wide as its last cell (cells are sorted), then filled.
    let mut rows: Vec<(u32, Vec<Value>)> = Vec::new();
    for (index, ((row, col), _)) in cells.iter().enumerate() {
        if cells.get(index + 1).is_none_or(|((next, _), _)| next != row) {
            let mut row_cells = Vec::new();
            widen(&mut row_cells, col + 1)?;
            rows.push((*row, row_cells));
        }
    }
    let mut at = 0;
    for ((row, col), value) in cells {
        while rows[at].0 != row {
            at += 1;
        }
        rows[at].1[col as usize] = value;
    }
    if !merged.is_empty() {
        rows = fill_merges(name, rows, merged, &mut widen)?;
    }
    Ok(rows
        .into_iter()
        .filter(|(_, cells)| !cells.iter().all(Value::is_empty))
        .map(|(row, mut cells)| {
            while cells.last() == Some(&Value::Empty) {
                cells.pop();
            }
            Row { number: row + 1, cells }
        })
        .collect())
}

/// Fills merged ranges with their top-left value, clipped to the used area
/// of `rows` (0-based row numbers, in order); rows a range covers that have
/// no cell are added.
fn fill_merges(
    name: &str,
    rows: Vec<(u32, Vec<Value>)>,
    merged: &[Dimensions],
    widen: &mut impl FnMut(&mut Vec<Value>, u32) -> Result<(), ReadError>,
) -> Result<Vec<(u32, Vec<Value>)>, ReadError> {
    let Some(last_row) = rows.last().map(|(row, _)| *row) else {
        return Ok(rows);
    };
    let last_col = rows.iter().map(|(_, cells)| cells.len() as u32).max().unwrap_or(1) - 1;
    let mut rows: BTreeMap<u32, Vec<Value>> = rows.into_iter().collect();
    let mut filled: u64 = 0;
    for region in merged {
        let (top, left) = region.start;
        let Some(fill) = rows.get(&top).and_then(|cells| cells.get(left as usize)).filter(|v| !v.is_empty())
        else {
            continue;
        };
        let fill = fill.clone();
        let (bottom, right) = (region.end.0.min(last_row), region.end.1.min(last_col));
        // Overlapping merges (Excel writes none) would fill the same cells again and again.
        filled += u64::from(bottom.saturating_sub(top) + 1) * u64::from(right.saturating_sub(left) + 1);
        if filled > MAX_SHEET_CELLS {
            return Err(Limits::DEFAULT.sheet_too_large(name, filled));
        }
        for row in top..=bottom {
            let cells = rows.entry(row).or_default();
            widen(cells, right + 1)?;
            cells[left as usize..=right as usize].fill(fill.clone());
        }
    }
    Ok(rows.into_iter().collect())
}

/// A `%` outside quoted literals, escapes and `[…]` (colours, locales), in
/// the format's first section (the one for positive numbers).
fn is_percent_format(code: &str) -> bool {
    let mut chars = code.chars();
    while let Some(c) = chars.next() {
        match c {
            '"' => while chars.next().is_some_and(|c| c != '"') {},
            '[' => while chars.next().is_some_and(|c| c != ']') {},
            '\\' => {
                chars.next();
            }
            ';' => return false,
            '%' => return true,
            _ => {}
        }
    }
    false
}

/// The entries of an `.xlsx` shared-string table as cell values, each made
/// an `Arc<str>` once however many cells show it. An entry is known by its
/// address in calamine's table, which stays put while the workbook is open:
/// hashing an address is far cheaper than hashing the text.
#[derive(Default)]
struct SharedStrings(HashMap<usize, Arc<str>, BuildHasherDefault<AddressHasher>>);

impl SharedStrings {
    fn value(&mut self, entry: &str) -> Value {
        if entry.is_empty() {
            return Value::Empty;
        }
        let text = self.0.entry(entry.as_ptr() as usize).or_insert_with(|| entry.into());
        Value::Text(text.clone())
    }
}

/// Hashes an address by one wide multiplication, folding its high half
/// into the low one so that alignment's zero bits don't crowd the buckets.
/// (Addresses are the allocator's, not the input's: nothing to attack.)
#[derive(Default)]
struct AddressHasher(u64);

impl Hasher for AddressHasher {
    fn write(&mut self, _: &[u8]) {
        unreachable!("only addresses are hashed")
    }

    fn write_usize(&mut self, address: usize) {
        let product = u128::from(address as u64) * 0x9E37_79B9_7F4A_7C15;
        self.0 = (product as u64) ^ ((product >> 64) as u64);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// `text` as a cell value, repeated texts held once; empty text is an empty cell.
fn text_value(text: &str, texts: &mut TextCache) -> Value {
    if text.is_empty() { Value::Empty } else { Value::Text(texts.share(text)) }
}

/// A calamine cell as a [`Value`]. Dates are rounded to the second (Excel
/// stores them as binary fractions of a day); durations stay numbers.
fn cell_value(data: &Data, percent: bool, texts: &mut TextCache) -> Value {
    let number = |number: f64| if percent { Value::Percent(number) } else { Value::Number(number) };
    match data {
        Data::Empty => Value::Empty,
        Data::String(text) | Data::DurationIso(text) => text_value(text, texts),
        Data::Int(integer) => number(*integer as f64),
        Data::Float(float) => number(*float),
        Data::Bool(flag) => Value::Bool(*flag),
        Data::DateTime(excel) if excel.is_datetime() => match excel.as_datetime() {
            Some(at) => Value::DateTime(at.round_subsecs(0)),
            None => Value::Number(excel.as_f64()),
        },
        Data::DateTime(excel) => Value::Number(excel.as_f64()),
        Data::DateTimeIso(iso) => {
            let text = text_value(iso, texts);
            parse_date_time(&text).map_or(text, Value::DateTime)
        }
        Data::Error(error) => Value::Error(error.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use calamine::{ExcelDateTime, ExcelDateTimeType};
    use chrono::{NaiveDate, NaiveDateTime};

    fn read(data: &Data, percent: bool) -> Value {
        cell_value(data, percent, &mut TextCache::default())
    }

    fn at(y: i32, m: u32, d: u32, hh: u32, mm: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(y, m, d).unwrap().and_hms_opt(hh, mm, 0).unwrap()
    }

    #[test]
    fn date_cells_in_both_epochs() {
        let in_1900 = ExcelDateTime::new(45731.395833333336, ExcelDateTimeType::DateTime, false);
        assert_eq!(read(&Data::DateTime(in_1900), false), Value::DateTime(at(2025, 3, 15, 9, 30)));
        let in_1904 = ExcelDateTime::new(45731.0 - 1462.0, ExcelDateTimeType::DateTime, true);
        assert_eq!(read(&Data::DateTime(in_1904), false), Value::DateTime(at(2025, 3, 15, 0, 0)));
        let duration = ExcelDateTime::new(1.5, ExcelDateTimeType::TimeDelta, false);
        assert_eq!(read(&Data::DateTime(duration), false), Value::Number(1.5));
    }

    #[test]
    fn ods_iso_dates_and_other_cells() {
        let iso = Data::DateTimeIso("2025-03-15T09:30:00".into());
        assert_eq!(read(&iso, false), Value::DateTime(at(2025, 3, 15, 9, 30)));
        let day = Data::DateTimeIso("2025-03-15".into());
        assert_eq!(read(&day, false), Value::DateTime(at(2025, 3, 15, 0, 0)));
        assert_eq!(read(&Data::Int(3), false), Value::Number(3.0));
        assert_eq!(read(&Data::Float(0.4), true), Value::Percent(0.4));
        assert_eq!(read(&Data::String(String::new()), false), Value::Empty);
        assert_eq!(read(&Data::Error(calamine::CellErrorType::Div0), false), Value::Error("#DIV/0!".into()));
    }

    #[test]
    fn percent_formats() {
        assert!(is_percent_format("0%"));
        assert!(is_percent_format("0.00%"));
        assert!(is_percent_format("#,##0.0%;[Red]-#,##0.0%"));
        assert!(!is_percent_format("General"));
        assert!(!is_percent_format("0.00\"%\""));
        assert!(!is_percent_format("0\\%"));
        assert!(!is_percent_format("0;0%"));
        assert!(!is_percent_format("[$%-804]0"));
        assert!(is_percent_format("[Red]0%"));
    }

    fn text(value: &str) -> Value {
        Value::Text(value.into())
    }

    #[test]
    fn rows_come_from_sparse_cells_with_merges_clipped_to_the_used_area() {
        let cells = vec![((4, 2), text("c")), ((0, 0), text("类别")), ((2, 1), text("b"))];
        let merged =
            [Dimensions { start: (0, 0), end: (1_048_575, 0) }, Dimensions { start: (3, 3), end: (5, 5) }];
        let rows = sheet_rows("指标", cells, &merged).unwrap();
        let numbers: Vec<u32> = rows.iter().map(|row| row.number).collect();
        assert_eq!(numbers, [1, 2, 3, 4, 5], "the merge fills down to the last used row, no further");
        assert_eq!(rows[1].cells, [text("类别")]);
        assert_eq!(rows[2].cells, [text("类别"), text("b")]);
        assert_eq!(rows[4].cells, [text("类别"), Value::Empty, text("c")]);
    }

    #[test]
    fn control_characters_are_cleaned_once_before_merges_copy_them() {
        let mut cells = vec![((0, 0), text("类别\u{B}一")), ((1, 1), text("b\u{1}"))];
        assert_eq!(clean_cells(&mut cells), [(1, 0), (2, 1)]);
        let merged = [Dimensions { start: (0, 0), end: (1, 0) }];
        let rows = sheet_rows("指标", cells, &merged).unwrap();
        assert_eq!(rows[0].cells, [text("类别\n一")]);
        assert_eq!(rows[1].cells, [text("类别\n一"), text("b")]);
    }

    #[test]
    fn a_sheet_name_gets_an_underscore_for_a_control_character() {
        let mut book = rust_xlsxwriter::Workbook::new();
        book.add_worksheet().set_name("活动\u{B}一").unwrap().write_string(0, 0, "日期\u{1}").unwrap();
        let bytes = book.save_to_buffer().unwrap();
        let sheets = read_workbook(&bytes, Format::Xlsx, &"台账.xlsx".into()).unwrap();
        assert_eq!(&*sheets[0].name, "活动_一");
        assert_eq!(sheets[0].rows[0].cells, [text("日期")]);
        assert_eq!(sheets[0].cleaned, [(1, 0)]);
    }

    #[test]
    fn a_sheet_spanning_too_many_cells_is_refused() {
        let far = (MAX_SHEET_CELLS / 16_384 + 1) as u32;
        let cells = vec![((0, 0), text("a")), ((far, 16_383), text("z"))];
        let merged = [Dimensions { start: (0, 0), end: (far, 16_383) }];
        assert!(matches!(sheet_rows("活动", cells, &merged), Err(ReadError::Refused(_))));
        let cells = vec![((0, 0), text("a")), ((999, 0), text("z"))];
        let overlapping =
            vec![Dimensions { start: (0, 0), end: (999, 0) }; (MAX_SHEET_CELLS / 1_000 + 1) as usize];
        assert!(matches!(sheet_rows("活动", cells, &overlapping), Err(ReadError::Refused(_))));
    }

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        let file: Arc<str> = "x.xlsx".into();
        assert!(read_workbook(b"not a workbook", Format::Xlsx, &file).is_err());
        assert!(read_workbook(b"not a workbook", Format::Xls, &file).is_err());
        assert!(read_workbook(b"not a workbook", Format::Ods, &file).is_err());
    }
}
