//! CSV reading: one file is one [`Sheet`] named by its file stem. The
//! encoding is detected, never asked for: a UTF-8 BOM or valid UTF-8 is
//! UTF-8, anything else is GB18030 (a superset of GBK, which Excel and WPS
//! write on Chinese Windows). Every cell is text; rows are numbered as a
//! spreadsheet opening the file shows them (blank lines count, a quoted
//! field spanning lines stays in one row). Fields lose the characters XML
//! forbids ([`control`]).

use std::sync::Arc;

use encoding_rs::GB18030;

use super::control;
use super::error::ReadError;
use super::limits::{Limits, MAX_SHEET_CELLS};
use super::sheet::{Row, Sheet};
use super::value::Value;
use crate::text::TextCache;

/// Reads a CSV file held in `bytes` as the sheet `name`. The sheet's
/// `source` is left 0 for the caller to set. Refused beyond
/// [`MAX_SHEET_CELLS`] cells.
pub fn read_csv(bytes: &[u8], file: &Arc<str>, name: &str) -> Result<Sheet, ReadError> {
    let text = decode(bytes);
    let mut reader =
        ::csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(text.as_bytes());
    let (mut rows, mut texts, mut cleaned) = (Vec::new(), TextCache::default(), Vec::new());
    // A spreadsheet shows one row per line, blank lines included (the csv
    // reader skips those), except that a quoted field spanning lines stays
    // in one row: row = 1 + line breaks before the record − those inside
    // earlier records' fields.
    let (mut counted_to, mut breaks_before, mut breaks_inside) = (0, 0, 0);
    let mut held = 0;
    for record in reader.records() {
        let record = record.map_err(ReadError::damaged)?;
        held += record.len() as u64;
        if held > MAX_SHEET_CELLS {
            return Err(Limits::DEFAULT.sheet_too_large(name, held));
        }
        // The position is where the reader began, before the blank lines it skipped.
        let mut start =
            record.position().map_or(counted_to, |position| position.byte() as usize).max(counted_to);
        while matches!(text.as_bytes().get(start), Some(b'\r' | b'\n')) {
            start += 1;
        }
        breaks_before += line_breaks(&text.as_bytes()[counted_to..start]);
        counted_to = start;
        let number = (1 + breaks_before - breaks_inside) as u32;
        breaks_inside += record.iter().map(|field| line_breaks(field.as_bytes())).sum::<usize>();
        let mut cells: Vec<Value> = record
            .iter()
            .map(|field| if field.is_empty() { Value::Empty } else { Value::Text(texts.share(field)) })
            .collect();
        for (col, cell) in cells.iter_mut().enumerate() {
            if control::clean_cell(cell) {
                cleaned.push((number, col as u32));
            }
        }
        rows.push(Row { number, cells });
    }
    Ok(Sheet { source: 0, file: file.clone(), name: name.into(), rows, cleaned })
}

fn line_breaks(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&byte| byte == b'\n').count()
}

/// UTF-8 (BOM stripped) when the bytes are valid UTF-8, else GB18030.
fn decode(bytes: &[u8]) -> String {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(text) => text.to_owned(),
        Err(_) => GB18030.decode_without_bom_handling(bytes).0.into_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(bytes: &[u8]) -> Sheet {
        read_csv(bytes, &Arc::from("活动.csv"), "活动").unwrap()
    }

    fn texts(row: &Row) -> Vec<String> {
        row.cells.iter().map(Value::display).collect()
    }

    #[test]
    fn utf8_with_and_without_bom() {
        for bytes in [&b"\xEF\xBB\xBF"[..], b""] {
            let sheet = read(&[bytes, "日期,类型\n2025-03-15,专题研究\n".as_bytes()].concat());
            assert_eq!(sheet.name.as_ref(), "活动");
            assert_eq!(texts(&sheet.rows[0]), ["日期", "类型"]);
            assert_eq!(texts(&sheet.rows[1]), ["2025-03-15", "专题研究"]);
        }
    }

    #[test]
    fn gbk_is_decoded() {
        let (gbk, _, _) = GB18030.encode("单位编号,类型\r\nU1,专题研究\r\n");
        let sheet = read(&gbk);
        assert_eq!(texts(&sheet.rows[0]), ["单位编号", "类型"]);
        assert_eq!(texts(&sheet.rows[1]), ["U1", "专题研究"]);
    }

    #[test]
    fn rows_are_numbered_as_a_spreadsheet_shows_them() {
        let sheet = read(
            "\n标题\n\n日期,类型,备注\n2025-03-15,专题研究,\"两行\n备注\"\n2025-04-01,通报,,\n".as_bytes(),
        );
        let numbers: Vec<u32> = sheet.rows.iter().map(|row| row.number).collect();
        assert_eq!(numbers, [2, 4, 5, 6]);
        assert_eq!(sheet.rows[2].cells[2], Value::Text("两行\n备注".into()));
        assert_eq!(sheet.rows[3].cells[2], Value::Empty);
        assert_eq!(sheet.rows[3].cells.len(), 4);
    }

    #[test]
    fn control_characters_are_cleaned_and_their_cells_listed() {
        let sheet = read("单位编号,说明\nU1,\"组织生活\u{B}记录\n不全\u{1}\"\n\nU2,\u{C}\n".as_bytes());
        assert_eq!(sheet.rows[1].cells[1], Value::Text("组织生活\n记录\n不全".into()));
        assert_eq!(sheet.rows[2].cells[1], Value::Text("\n".into()));
        assert_eq!(sheet.cleaned, [(2, 1), (4, 1)]);
    }
}
