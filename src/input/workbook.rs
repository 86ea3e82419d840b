//! Workbook reading through calamine: `.xlsx`/`.xlsm`, `.xls` and `.ods`
//! become [`Sheet`]s with every cell at its real coordinates (calamine's
//! ranges start at the first used cell; the offset is added back). Merged
//! ranges are filled with their top-left value. A number cell with a `%`
//! number format (xlsx) or of percentage type (ods) becomes
//! [`Value::Percent`]; calamine reads no number formats from xls, so there it
//! stays a number. A panic inside calamine becomes an error, not a crash.

use std::collections::HashSet;
use std::io::{Cursor, Read, Seek};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;

use calamine::{Data, Dimensions, Ods, Range, Reader, SheetType, Xls, Xlsx, open_workbook_from_rs};
use chrono::SubsecRound;

use super::ods_layout;
use super::value::parse_date_time;
use super::{Row, Sheet, Value};

/// The workbook formats kaohe reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// `.xlsx` and `.xlsm` (Office Open XML).
    Xlsx,
    /// `.xls` (Excel 97–2003).
    Xls,
    /// `.ods` (OpenDocument).
    Ods,
}

/// What a sheet's values don't say: its merged ranges and its percentage
/// cells, at real 0-based `(row, col)` coordinates.
#[derive(Debug, Default)]
pub(super) struct Layout {
    pub merged: Vec<Dimensions>,
    pub percent: HashSet<(u32, u32)>,
}

/// Reads every worksheet of a workbook held in `bytes`. The sheets' `source`
/// is left 0 for the caller to set. `Err` carries calamine's reason.
pub fn read_workbook(bytes: &[u8], format: Format, file: &Arc<str>) -> Result<Vec<Sheet>, String> {
    let read = || match format {
        Format::Xlsx => {
            let mut workbook =
                open_workbook_from_rs::<Xlsx<_>, _>(Cursor::new(bytes)).map_err(|e| e.to_string())?;
            read_sheets(&mut workbook, file, |workbook, name, range| {
                let merged = workbook.merge_cells_by_sheet_name(name).map_err(|e| e.to_string())?;
                let styles = workbook.worksheet_style(name).map_err(|e| e.to_string())?;
                let (first_row, first_col) = range.start().unwrap_or_default();
                let percent = range
                    .used_cells()
                    .filter(|(_, _, data)| matches!(data, Data::Float(_) | Data::Int(_)))
                    .map(|(row, col, _)| (first_row + row as u32, first_col + col as u32))
                    .filter(|&at| {
                        let format = styles.get(at).and_then(|style| style.number_format.as_ref());
                        format.is_some_and(|format| is_percent_format(&format.format_code))
                    })
                    .collect();
                Ok(Layout { merged, percent })
            })
        }
        Format::Xls => {
            let mut workbook =
                open_workbook_from_rs::<Xls<_>, _>(Cursor::new(bytes)).map_err(|e| e.to_string())?;
            read_sheets(&mut workbook, file, |workbook, name, _| {
                let merged = workbook.merge_cells_by_sheet_name(name).map_err(|e| e.to_string())?;
                Ok(Layout { merged, percent: HashSet::new() })
            })
        }
        Format::Ods => {
            let mut workbook =
                open_workbook_from_rs::<Ods<_>, _>(Cursor::new(bytes)).map_err(|e| e.to_string())?;
            let mut layouts = ods_layout::read_layouts(bytes)?;
            read_sheets(&mut workbook, file, |_, name, _| Ok(layouts.remove(name).unwrap_or_default()))
        }
    };
    catch_unwind(AssertUnwindSafe(read)).unwrap_or_else(|panic| {
        let reason = panic
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_default();
        Err(format!("calamine panicked: {reason}"))
    })
}

/// Reads every worksheet (chart and macro sheets are skipped), in workbook order.
fn read_sheets<RS, R, L>(workbook: &mut R, file: &Arc<str>, mut layout: L) -> Result<Vec<Sheet>, String>
where
    RS: Read + Seek,
    R: Reader<RS>,
    R::Error: std::fmt::Display,
    L: FnMut(&mut R, &str, &Range<Data>) -> Result<Layout, String>,
{
    let names: Vec<String> = workbook
        .sheets_metadata()
        .iter()
        .filter(|sheet| sheet.typ == SheetType::WorkSheet)
        .map(|sheet| sheet.name.clone())
        .collect();
    let mut sheets = Vec::with_capacity(names.len());
    for name in names {
        let in_sheet = |error: String| format!("工作表“{name}” | sheet “{name}”: {error}");
        let range = workbook.worksheet_range(&name).map_err(|e| in_sheet(e.to_string()))?;
        let layout = layout(workbook, &name, &range).map_err(in_sheet)?;
        sheets.push(Sheet {
            source: 0,
            file: file.clone(),
            name: name.as_str().into(),
            rows: sheet_rows(&range, &layout),
        });
    }
    Ok(sheets)
}

/// The rows of a range at their real coordinates, merged ranges filled.
/// Rows with no value are left out.
fn sheet_rows(range: &Range<Data>, layout: &Layout) -> Vec<Row> {
    let (Some((first_row, first_col)), Some((last_row, last_col))) = (range.start(), range.end()) else {
        return Vec::new();
    };
    let mut grid: Vec<Vec<Value>> = range
        .rows()
        .enumerate()
        .map(|(offset, cells)| {
            let row = first_row + offset as u32;
            let mut values = vec![Value::Empty; first_col as usize];
            values.extend(cells.iter().enumerate().map(|(col_offset, data)| {
                let col = first_col + col_offset as u32;
                cell_value(data, layout.percent.contains(&(row, col)))
            }));
            values
        })
        .collect();
    for region in &layout.merged {
        let (top, left) = region.start;
        let Some(fill) = top.checked_sub(first_row).and_then(|r| grid.get(r as usize)?.get(left as usize))
        else {
            continue;
        };
        if fill.is_empty() {
            continue;
        }
        let fill = fill.clone();
        for row in top..=region.end.0.min(last_row) {
            let cells = &mut grid[(row - first_row) as usize];
            for col in left..=region.end.1.min(last_col) {
                cells[col as usize] = fill.clone();
            }
        }
    }
    grid.into_iter()
        .zip(first_row + 1..)
        .filter(|(cells, _)| !cells.iter().all(Value::is_empty))
        .map(|(mut cells, number)| {
            while cells.last() == Some(&Value::Empty) {
                cells.pop();
            }
            Row { number, cells }
        })
        .collect()
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

/// A calamine cell as a [`Value`]. Dates are rounded to the second (Excel
/// stores them as binary fractions of a day); durations stay numbers.
fn cell_value(data: &Data, percent: bool) -> Value {
    let number = |number: f64| if percent { Value::Percent(number) } else { Value::Number(number) };
    match data {
        Data::Empty => Value::Empty,
        Data::String(text) if text.is_empty() => Value::Empty,
        Data::String(text) | Data::DurationIso(text) => Value::Text(text.clone()),
        Data::Int(integer) => number(*integer as f64),
        Data::Float(float) => number(*float),
        Data::Bool(flag) => Value::Bool(*flag),
        Data::DateTime(excel) if excel.is_datetime() => match excel.as_datetime() {
            Some(at) => Value::DateTime(at.round_subsecs(0)),
            None => Value::Number(excel.as_f64()),
        },
        Data::DateTime(excel) => Value::Number(excel.as_f64()),
        Data::DateTimeIso(iso) => parse_date_time(&Value::Text(iso.clone()))
            .map_or_else(|| Value::Text(iso.clone()), Value::DateTime),
        Data::Error(error) => Value::Error(error.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use calamine::{ExcelDateTime, ExcelDateTimeType};
    use chrono::{NaiveDate, NaiveDateTime};

    fn at(y: i32, m: u32, d: u32, hh: u32, mm: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(y, m, d).unwrap().and_hms_opt(hh, mm, 0).unwrap()
    }

    #[test]
    fn date_cells_in_both_epochs() {
        let in_1900 = ExcelDateTime::new(45731.395833333336, ExcelDateTimeType::DateTime, false);
        assert_eq!(cell_value(&Data::DateTime(in_1900), false), Value::DateTime(at(2025, 3, 15, 9, 30)));
        let in_1904 = ExcelDateTime::new(45731.0 - 1462.0, ExcelDateTimeType::DateTime, true);
        assert_eq!(cell_value(&Data::DateTime(in_1904), false), Value::DateTime(at(2025, 3, 15, 0, 0)));
        let duration = ExcelDateTime::new(1.5, ExcelDateTimeType::TimeDelta, false);
        assert_eq!(cell_value(&Data::DateTime(duration), false), Value::Number(1.5));
    }

    #[test]
    fn ods_iso_dates_and_other_cells() {
        let iso = Data::DateTimeIso("2025-03-15T09:30:00".into());
        assert_eq!(cell_value(&iso, false), Value::DateTime(at(2025, 3, 15, 9, 30)));
        let day = Data::DateTimeIso("2025-03-15".into());
        assert_eq!(cell_value(&day, false), Value::DateTime(at(2025, 3, 15, 0, 0)));
        assert_eq!(cell_value(&Data::Int(3), false), Value::Number(3.0));
        assert_eq!(cell_value(&Data::Float(0.4), true), Value::Percent(0.4));
        assert_eq!(cell_value(&Data::String(String::new()), false), Value::Empty);
        assert_eq!(
            cell_value(&Data::Error(calamine::CellErrorType::Div0), false),
            Value::Error("#DIV/0!".into())
        );
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

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        let file: Arc<str> = "x.xlsx".into();
        assert!(read_workbook(b"not a workbook", Format::Xlsx, &file).is_err());
        assert!(read_workbook(b"not a workbook", Format::Xls, &file).is_err());
        assert!(read_workbook(b"not a workbook", Format::Ods, &file).is_err());
    }
}
