//! The cell areas of an `.xls` workbook stream (BIFF records), summed as
//! calamine will allocate them, so that a sheet declaring a huge used area
//! is refused before calamine reserves it.

use super::error::ReadError;
use super::limits::{Limits, too_large};
use super::ole::Compound;

/// Checks the streams calamine reads from an `.xls`, and that the cell areas
/// of its sheets (all held at once by calamine) stay within the limit.
pub(super) fn check_xls(compound: &Compound, limits: &Limits) -> Result<(), ReadError> {
    for name in ["\u{5}SummaryInformation", "\u{5}DocumentSummaryInformation"] {
        if let Some((start, length)) = compound.entry(name) {
            compound.stream(start, length)?;
        }
    }
    let Some((start, length)) = compound.entry("Workbook").or_else(|| compound.entry("Book")) else {
        return Err(ReadError::damaged("no Workbook stream: not an Excel file"));
    };
    check_area(&compound.stream(start, length)?, limits)
}

/// Refuses a workbook stream whose sheets span more than the limit's cells.
fn check_area(stream: &[u8], limits: &Limits) -> Result<(), ReadError> {
    let cells = biff_cell_area(stream);
    if cells > limits.sheet_cells {
        let limit = limits.sheet_cells;
        return Err(too_large(text!(
            "各工作表的已用区域共超过 {limit} 个单元格（{cells} 个）",
            "its sheets span more than {limit} cells ({cells})"
        )));
    }
    Ok(())
}

/// The cells calamine allocates for an `.xls` workbook stream: per sheet,
/// the bounding box of its value records and the area its DIMENSIONS record
/// declares (calamine reserves that much), summed over all sheets.
fn biff_cell_area(stream: &[u8]) -> u64 {
    let mut total: u64 = 0;
    let mut bounds: Option<(u32, u32, u32, u32)> = None;
    let flush = |bounds: &mut Option<(u32, u32, u32, u32)>, total: &mut u64| {
        if let Some((top, bottom, left, right)) = bounds.take() {
            let area = u64::from(bottom - top + 1) * u64::from(right - left + 1);
            *total = total.saturating_add(area);
        }
    };
    let mut at = 0;
    while at + 4 <= stream.len() {
        let kind = read_u16(stream, at);
        let size = read_u16(stream, at + 2) as usize;
        let data = &stream[at + 4..(at + 4 + size).min(stream.len())];
        at += 4 + size;
        let cells: Option<(u32, u32, u32)> = match kind {
            0x0809 | 0x000A => {
                flush(&mut bounds, &mut total);
                None
            }
            0x0200 => {
                total = total.saturating_add(declared_dimensions(data));
                None
            }
            0x0203 | 0x0204 | 0x00D6 | 0x0205 | 0x027E | 0x00FD | 0x0006 => {
                let col = read_u16(data, 2);
                Some((read_u16(data, 0), col, col))
            }
            0x00BD if data.len() >= 6 => {
                Some((read_u16(data, 0), read_u16(data, 2), read_u16(data, data.len() - 2)))
            }
            _ => None,
        };
        if let Some((row, first, last)) = cells {
            let (first, last) = (first.min(last), first.max(last));
            let (top, bottom, left, right) = bounds.get_or_insert((row, row, first, last));
            *top = (*top).min(row);
            *bottom = (*bottom).max(row);
            *left = (*left).min(first);
            *right = (*right).max(last);
        }
    }
    flush(&mut bounds, &mut total);
    total
}

/// The rows × columns calamine reserves for a DIMENSIONS record, computed as
/// it does (wrapping, as a release build would).
fn declared_dimensions(data: &[u8]) -> u64 {
    let (first_row, last_row, mut first_col, last_col) = match data.len() {
        10 => (read_u16(data, 0), read_u16(data, 2), read_u16(data, 4), read_u16(data, 6)),
        14 | 16 => (read_u32(data, 0), read_u32(data, 4), read_u16(data, 8), read_u16(data, 10)),
        _ => return 0,
    };
    if first_col > 0xFF || last_col < first_col {
        first_col = 0;
    }
    let (end_row, end_col) =
        if last_row >= 1 && last_col >= 1 { (last_row - 1, last_col - 1) } else { (first_row, first_col) };
    let rows = u64::from(end_row.wrapping_sub(first_row).wrapping_add(1));
    let cols = u64::from(end_col.wrapping_sub(first_col).wrapping_add(1));
    rows.saturating_mul(cols)
}

fn read_u16(bytes: &[u8], at: usize) -> u32 {
    bytes.get(at..at + 2).map_or(0, |pair| u32::from(u16::from_le_bytes([pair[0], pair[1]])))
}

fn read_u32(bytes: &[u8], at: usize) -> u32 {
    bytes.get(at..at + 4).map_or(0, |four| u32::from_le_bytes([four[0], four[1], four[2], four[3]]))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(kind: u16, data: &[u8]) -> Vec<u8> {
        [&kind.to_le_bytes()[..], &(data.len() as u16).to_le_bytes(), data].concat()
    }

    fn number(row: u16, col: u16) -> Vec<u8> {
        record(0x0203, &[&row.to_le_bytes()[..], &col.to_le_bytes(), &[0; 10]].concat())
    }

    #[test]
    fn biff_areas_add_up_over_sheets() {
        let stream = [
            record(0x0809, &[0; 16]),
            number(0, 0),
            number(9, 3),
            record(0x000A, &[]),
            record(0x0809, &[0; 16]),
            number(5, 5),
            record(0x000A, &[]),
        ]
        .concat();
        assert_eq!(biff_cell_area(&stream), 10 * 4 + 1);
        let huge = [
            &0u32.to_le_bytes()[..],
            &65536u32.to_le_bytes(),
            &0u16.to_le_bytes(),
            &256u16.to_le_bytes(),
            &[0, 0],
        ]
        .concat();
        assert_eq!(declared_dimensions(&huge), 65536 * 256);
    }

    #[test]
    fn sheets_spanning_more_than_the_limit_are_refused() {
        let stream = [record(0x0809, &[0; 16]), number(0, 0), number(9, 9), record(0x000A, &[])].concat();
        let limits = |sheet_cells| Limits { sheet_cells, ..Limits::DEFAULT };
        assert!(check_area(&stream, &limits(100)).is_ok());
        let Err(ReadError::Refused(text)) = check_area(&stream, &limits(99)) else {
            panic!("not refused");
        };
        assert_eq!(
            text.en,
            "its sheets span more than 99 cells (100), beyond kaohe's safety limit; the file may be damaged or hostile"
        );
    }
}
