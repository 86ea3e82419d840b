//! What calamine doesn't tell about an `.ods` sheet: its merged ranges and
//! which cells are percentages (`office:value-type="percentage"`). Read from
//! the package's `content.xml` with the same row and column counting as
//! calamine (`number-rows-repeated`, `number-columns-repeated`), so positions
//! are the real, 0-based sheet coordinates.

use std::collections::HashMap;
use std::io::{Cursor, Read};

use calamine::Dimensions;
use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

use super::workbook::Layout;

/// Percent cells inside repeated rows are listed for this many rows at most
/// (a repeated row is normally a run of empty rows).
const MAX_REPEATED_PERCENT_ROWS: u32 = 1000;

/// The layout of every sheet of an ODS package, by sheet name.
pub fn read_layouts(bytes: &[u8]) -> Result<HashMap<String, Layout>, String> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| e.to_string())?;
    let mut content = String::new();
    archive
        .by_name("content.xml")
        .map_err(|e| e.to_string())?
        .read_to_string(&mut content)
        .map_err(|e| e.to_string())?;
    parse_content(&content).map_err(|e| format!("content.xml: {e}"))
}

fn parse_content(content: &str) -> Result<HashMap<String, Layout>, quick_xml::Error> {
    let mut reader = Reader::from_str(content);
    let mut layouts = HashMap::new();
    let mut sheet: Option<(String, Layout)> = None;
    let (mut row, mut col, mut row_repeat) = (0u32, 0u32, 1u32);
    loop {
        let (element, is_empty) = match reader.read_event()? {
            Event::Eof => break,
            Event::Start(element) => (element, false),
            Event::Empty(element) => (element, true),
            Event::End(element) => {
                match element.name().as_ref() {
                    "table:table" => layouts.extend(sheet.take()),
                    "table:table-row" => row = row.saturating_add(row_repeat),
                    _ => {}
                }
                continue;
            }
            _ => continue,
        };
        match element.name().as_ref() {
            "table:table" => {
                let name = attribute(&element, "table:name").unwrap_or_default();
                sheet = Some((name, Layout::default()));
                row = 0;
            }
            "table:table-row" => {
                col = 0;
                row_repeat = number(&element, "table:number-rows-repeated");
                if is_empty {
                    row = row.saturating_add(row_repeat);
                }
            }
            name @ ("table:table-cell" | "table:covered-table-cell") => {
                let repeat = number(&element, "table:number-columns-repeated");
                if let Some((_, layout)) = &mut sheet {
                    if name == "table:table-cell" {
                        let rows = number(&element, "table:number-rows-spanned");
                        let cols = number(&element, "table:number-columns-spanned");
                        if rows > 1 || cols > 1 {
                            let end = (row + rows - 1, col + cols - 1);
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
        let layouts = parse_content(content).unwrap();
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
}
