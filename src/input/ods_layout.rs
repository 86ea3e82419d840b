//! What calamine doesn't tell about an `.ods` sheet: its merged ranges and
//! which cells are percentages (`office:value-type="percentage"`). Read from
//! the package's `content.xml` with the same row and column counting as
//! calamine (`number-rows-repeated`, `number-columns-repeated`), so positions
//! are the real, 0-based sheet coordinates. Read before calamine opens the
//! file: a repeat count is a multiplier, and a sheet whose cells calamine
//! would expand beyond [`MAX_SHEET_CELLS`] is refused here.

use std::collections::{HashMap, HashSet};
use std::io::{Cursor, Read};

use calamine::Dimensions;
use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

use super::error::ReadError;
use super::limits::{Limits, MAX_CELL_CHARS, MAX_SHEET_CELLS};

/// Percent cells inside repeated rows are listed for this many rows at most
/// (a repeated row is normally a run of empty rows).
const MAX_REPEATED_PERCENT_ROWS: u32 = 1000;

/// The most spaces one `text:s` may stand for: a cell's length in Excel.
const MAX_SPACES: u64 = MAX_CELL_CHARS as u64;

/// calamine's caps on an ODS sheet's rows and columns.
const MAX_ROWS: u32 = 1_048_576;
const MAX_COLUMNS: u32 = 16_384;

/// What a sheet's values don't say: its merged ranges and its percentage
/// cells, at real 0-based `(row, col)` coordinates.
#[derive(Debug, Default)]
pub(super) struct Layout {
    pub merged: Vec<Dimensions>,
    pub percent: HashSet<(u32, u32)>,
}

/// The layout of every sheet of an ODS package, by sheet name.
pub(super) fn read_layouts(bytes: &[u8]) -> Result<HashMap<String, Layout>, ReadError> {
    let damaged = |error: &dyn std::fmt::Display| ReadError::damaged(format_args!("content.xml: {error}"));
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| damaged(&e))?;
    let mut content = String::new();
    archive
        .by_name("content.xml")
        .map_err(|e| damaged(&e))?
        .read_to_string(&mut content)
        .map_err(|e| damaged(&e))?;
    parse_content(&content).map_err(|error| match error {
        ContentError::Xml(error) => damaged(&error),
        ContentError::Malformed(what) => damaged(&what),
        ContentError::TooLarge(sheet, cells) => Limits::DEFAULT.sheet_too_large(&sheet, cells),
    })
}

enum ContentError {
    Xml(quick_xml::Error),
    /// Well-formed so far, but something calamine would loop on or blow up:
    /// the file ending inside an element, a huge `text:s` space count.
    Malformed(&'static str),
    /// A sheet calamine would expand to this many cells.
    TooLarge(String, u64),
}

impl From<quick_xml::Error> for ContentError {
    fn from(error: quick_xml::Error) -> Self {
        ContentError::Xml(error)
    }
}

/// What calamine will hold for one sheet: the cells it reads row element by
/// row element (`read`), and the rectangle it then expands them to — from
/// the first to the last row with a value, as wide as the widest.
#[derive(Default)]
struct Extent {
    read: u64,
    rows: Option<(u32, u32)>,
    width: u32,
}

impl Extent {
    fn cells(&self) -> u64 {
        let area = self.rows.map_or(0, |(first, last)| u64::from(last - first + 1) * u64::from(self.width));
        self.read + area
    }

    /// A row element at `row`, repeated `repeat` times, whose last value
    /// ends at column `end` (exclusive).
    fn add_row(&mut self, row: u32, repeat: u32, end: u32) {
        if end == 0 {
            return;
        }
        self.read += u64::from(end);
        let last = row.saturating_add(repeat - 1).min(MAX_ROWS - 1);
        let (first, _) = *self.rows.get_or_insert((row, last));
        self.rows = Some((first, last.max(first)));
        self.width = self.width.max(end);
    }
}

fn parse_content(content: &str) -> Result<HashMap<String, Layout>, ContentError> {
    let mut reader = Reader::from_str(content);
    let mut layouts = HashMap::new();
    let mut sheet: Option<(String, Layout, Extent)> = None;
    let (mut row, mut col, mut row_repeat, mut row_end) = (0u32, 0u32, 1u32, 0u32);
    // calamine loops forever on a content.xml that ends inside a table.
    let mut depth = 0usize;
    // Spaces the `text:s` elements of the current cell stand for.
    let mut spaces = 0u64;
    loop {
        let (element, is_empty) = match reader.read_event()? {
            Event::Eof if depth > 0 => {
                return Err(ContentError::Malformed("the file ends inside an element"));
            }
            Event::Eof => break,
            Event::Start(element) => {
                depth += 1;
                (element, false)
            }
            Event::Empty(element) => (element, true),
            Event::End(element) => {
                depth = depth.saturating_sub(1);
                match element.name().as_ref() {
                    "table:table" => layouts.extend(sheet.take().map(|(name, layout, _)| (name, layout))),
                    "table:table-row" => {
                        if let Some((name, _, extent)) = &mut sheet {
                            extent.add_row(row, row_repeat, row_end);
                            if extent.cells() > MAX_SHEET_CELLS {
                                return Err(ContentError::TooLarge(name.clone(), extent.cells()));
                            }
                        }
                        row = row.saturating_add(row_repeat).min(MAX_ROWS);
                    }
                    _ => {}
                }
                continue;
            }
            _ => continue,
        };
        match element.name().as_ref() {
            // calamine pushes this many spaces into the cell's text.
            "text:s" => {
                let count = attribute(&element, "text:c").and_then(|c| c.parse::<u64>().ok()).unwrap_or(1);
                spaces = spaces.saturating_add(count);
                if spaces > MAX_SPACES {
                    return Err(ContentError::Malformed("text:s spaces beyond a cell's length"));
                }
            }
            "table:table" => {
                let name = attribute(&element, "table:name").unwrap_or_default();
                sheet = Some((name, Layout::default(), Extent::default()));
                row = 0;
            }
            "table:table-row" => {
                (col, row_end) = (0, 0);
                row_repeat = number(&element, "table:number-rows-repeated").min(MAX_ROWS);
                if is_empty {
                    row = row.saturating_add(row_repeat).min(MAX_ROWS);
                }
            }
            name @ ("table:table-cell" | "table:covered-table-cell") => {
                spaces = 0;
                let repeat =
                    number(&element, "table:number-columns-repeated").min(MAX_COLUMNS - col.min(MAX_COLUMNS));
                let has_value = !is_empty
                    || element.try_get_attribute("office:value-type").ok().flatten().is_some()
                    || element.try_get_attribute("table:formula").ok().flatten().is_some();
                if has_value && repeat > 0 {
                    row_end = col + repeat;
                    if let Some((name, _, extent)) = &sheet {
                        let mut pending =
                            Extent { read: extent.read, rows: extent.rows, width: extent.width };
                        pending.add_row(row, row_repeat, row_end);
                        if pending.cells() > MAX_SHEET_CELLS {
                            return Err(ContentError::TooLarge(name.clone(), pending.cells()));
                        }
                    }
                }
                if let Some((_, layout, _)) = &mut sheet {
                    if name == "table:table-cell" {
                        let rows = number(&element, "table:number-rows-spanned");
                        let cols = number(&element, "table:number-columns-spanned");
                        if rows > 1 || cols > 1 {
                            let end = (row.saturating_add(rows - 1), col.saturating_add(cols - 1));
                            layout.merged.push(Dimensions { start: (row, col), end });
                        }
                    }
                    if attribute(&element, "office:value-type").as_deref() == Some("percentage") {
                        for r in row..row.saturating_add(row_repeat.min(MAX_REPEATED_PERCENT_ROWS)) {
                            layout.percent.extend((col..col.saturating_add(repeat)).map(|c| (r, c)));
                        }
                    }
                }
                col = col.saturating_add(repeat);
            }
            _ => {}
        }
    }
    Ok(layouts)
}

fn attribute(element: &BytesStart<'_>, name: &str) -> Option<String> {
    let attribute = element.try_get_attribute(name).ok()??;
    Some(attribute.normalized_value(quick_xml::XmlVersion::Implicit1_0).ok()?.into_owned())
}

/// A count attribute such as `table:number-columns-repeated`, 1 when absent.
fn number(element: &BytesStart<'_>, name: &str) -> u32 {
    attribute(element, name).and_then(|value| value.parse().ok()).filter(|n| *n > 0).unwrap_or(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merges_and_percentages_at_real_coordinates() {
        let content = r#"<office:document-content><office:body><office:spreadsheet>
            <table:table table:name="指标">
              <table:table-row table:number-rows-repeated="2"><table:table-cell table:number-columns-repeated="3"/></table:table-row>
              <table:table-row>
                <table:table-cell/>
                <table:table-cell table:number-rows-spanned="2" office:value-type="string"><text:p>意识形态工作</text:p></table:table-cell>
                <table:table-cell office:value-type="percentage" office:value="0.4" table:number-columns-repeated="2"/>
              </table:table-row>
              <table:table-row><table:table-cell/><table:covered-table-cell/><table:table-cell table:number-columns-spanned="3"/></table:table-row>
            </table:table>
            <table:table table:name="空"><table:table-row><table:table-cell/></table:table-row></table:table>
        </office:spreadsheet></office:body></office:document-content>"#;
        let Ok(layouts) = parse_content(content) else { panic!("content.xml parses") };
        let layout = &layouts["指标"];
        assert_eq!(
            layout.merged,
            [Dimensions { start: (2, 1), end: (3, 1) }, Dimensions { start: (3, 2), end: (3, 4) }]
        );
        let mut percent: Vec<_> = layout.percent.iter().copied().collect();
        percent.sort();
        assert_eq!(percent, [(2, 2), (2, 3)]);
        assert!(layouts["空"].merged.is_empty());
    }

    #[test]
    fn what_calamine_would_loop_or_blow_up_on_is_refused() {
        let unclosed =
            r#"<office:document-content><office:body><office:spreadsheet><table:table table:name="x">"#;
        assert!(matches!(parse_content(unclosed), Err(ContentError::Malformed(_))));
        let spaces = r#"<table:table><table:table-row><table:table-cell><text:p>a<text:s text:c="99999999999"/></text:p></table:table-cell></table:table-row></table:table>"#;
        assert!(matches!(parse_content(spaces), Err(ContentError::Malformed(_))));
        let few = spaces.replace("99999999999", "3");
        assert!(parse_content(&few).is_ok());
        let many = few.replace(r#"<text:s text:c="3"/>"#, &r#"<text:s text:c="30000"/>"#.repeat(2));
        assert!(matches!(parse_content(&many), Err(ContentError::Malformed(_))));
    }
}
