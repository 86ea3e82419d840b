//! GB/T 9704-2012 layout: the page, the fonts of each element and the
//! paragraph and table formatting that turn dialect [`Block`]s into the
//! WordprocessingML of a document body, its footers and its section.
//! Every number of the standard lives here, once; `ooxml` writes the
//! markup. Formatting is direct (on every paragraph and run), so any
//! reader shows it without resolving styles.

use std::fmt::Write;

use super::markdown::{Align, Block, Cell, ChartKind, Inline, Inlines, Table};
use super::ooxml::{
    self, Border, Justify, LINE_BREAK, Line, ParagraphProperties, RunProperties, VerticalMerge, page_break,
    start_cell, start_row, start_table,
};
use super::paging::{self, Flow};

/// A4 in twips.
pub const PAGE_WIDTH: u32 = 11906;
pub const PAGE_HEIGHT: u32 = 16838;
/// Margins in twips: 37, 35, 28 and 26 mm.
pub const MARGIN_TOP: i32 = 2098;
pub const MARGIN_BOTTOM: i32 = 1984;
pub const MARGIN_LEFT: i32 = 1587;
pub const MARGIN_RIGHT: i32 = 1474;
/// Header and footer distances from the page edge; the page number sits
/// about 7 mm below the text area.
const HEADER_DISTANCE: i32 = 851;
const FOOTER_DISTANCE: i32 = 1247;
/// Width and height of the text area (版心) in twips.
pub const TEXT_WIDTH: i32 = PAGE_WIDTH as i32 - MARGIN_LEFT - MARGIN_RIGHT;
pub const TEXT_HEIGHT: i32 = PAGE_HEIGHT as i32 - MARGIN_TOP - MARGIN_BOTTOM;
/// Fixed line pitch: 28.95 pt gives 22 lines a page.
pub const LINE_PITCH: i32 = 579;
/// Character pitch 15.75 pt (28 characters a line): 3号 runs are condensed
/// by 0.25 pt (in twentieths of a point). Done per run rather than with a
/// character grid, which LibreOffice and WPS lay out differently from Word.
const CONDENSED_3: i32 = -5;
/// One 3号 character at that pitch, in twips.
const CHAR: i32 = 315;
/// Two 3号 characters (2 × 16 pt) in twips.
const FIRST_LINE_INDENT: i32 = 640;
/// One 4号 character, in twips (page numbers and the 版记 are indented by one).
const CHAR_4: i32 = 280;
/// The 发文机关标志's top edge below the top of the text area: 35 mm (GB/T 9704 §7.2.4).
const RED_HEAD_TOP: i32 = 1984;
/// The advance of `×` in Times New Roman (and the metric-compatible
/// Liberation Serif) at 3号: 1154/2048 em of 320 twips. A signature's `×`
/// is widened by the rest of a character, so it takes one full character.
const MULTIPLY_SIGN: i32 = 180;

/// A chart is as wide as the text and seven body lines high (7.15 cm),
/// so the text below it stays on the line grid.
const CHART_WIDTH: i32 = TEXT_WIDTH;
const CHART_HEIGHT: i32 = 7 * LINE_PITCH;
/// EMU (DrawingML's unit) per twip.
const EMU_PER_TWIP: i64 = 635;

/// Latin fallback set beside every East-Asian font.
pub const LATIN_FONT: &str = "Times New Roman";
const RED: &str = "FF0000";

/// An East-Asian font, the font for Latin text and digits, and a size in half-points.
#[derive(Clone, Copy, Debug)]
pub struct Face {
    pub font: &'static str,
    pub latin: &'static str,
    pub half_points: usize,
}

/// 2号 方正小标宋简体.
pub const TITLE: Face = Face { font: "方正小标宋简体", latin: LATIN_FONT, half_points: 44 };
/// 3号 仿宋_GB2312.
pub const BODY: Face = Face { font: "仿宋_GB2312", latin: LATIN_FONT, half_points: 32 };
/// 3号 黑体: `一、` headings, the 密级 and the 附件 label.
pub const HEADING_1: Face = Face { font: "黑体", latin: LATIN_FONT, half_points: 32 };
/// 3号 楷体_GB2312: `（一）` headings and `*emphasis*`.
pub const HEADING_2: Face = Face { font: "楷体_GB2312", latin: LATIN_FONT, half_points: 32 };
/// 4号 仿宋_GB2312 for table cells and the 版记.
const SMALL: Face = Face { font: "仿宋_GB2312", latin: LATIN_FONT, half_points: 28 };
/// 4号 黑体 for table headers.
const SMALL_HEADING: Face = Face { font: "黑体", latin: LATIN_FONT, half_points: 28 };
/// 4号 宋体 page numbers, digits included (半角宋体).
pub const PAGE_NUMBER: Face = Face { font: "宋体", latin: "宋体", half_points: 28 };
/// Largest size of the red issuing-body mark (小初); longer names shrink to fit one line.
const RED_HEAD_MAX_HALF_POINTS: usize = 72;

impl Face {
    /// Run properties setting this face: fonts, size, and the 3号 condensing.
    fn run(self, bold: bool) -> RunProperties {
        RunProperties {
            fonts: Some((self.latin, self.font)),
            bold,
            color: None,
            spacing: (self.half_points == BODY.half_points).then_some(CONDENSED_3),
            half_points: Some(self.half_points),
        }
    }
}

/// A document body: its content as WordprocessingML, without the final
/// section properties, so letters can be spliced into one volume.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Body {
    pub xml: String,
    /// Where section properties can go when the body ends a section: the
    /// end of the last paragraph's `w:pPr`, if the body ends with a paragraph.
    pub section_at: Option<usize>,
    /// The body ends with a 版记 in a section of its own ([`Section::Imprint`]).
    pub imprint: bool,
    /// The charts it places, in order: the n-th (from 1) is the chart part
    /// behind relationship [`chart_relationship`]`(n)`.
    pub charts: Vec<PlacedChart>,
    /// Where the title's text begins (the start of its first paragraph's
    /// content), for a bookmark the volume's contents refers to.
    pub title_at: Option<usize>,
    /// The pages the body takes, as `paging` models them.
    pub pages: u32,
}

/// A chart placed in a body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlacedChart {
    pub kind: ChartKind,
    pub title: String,
}

/// The document's relationship id of its `number`-th chart (from 1).
pub fn chart_relationship(number: usize) -> String {
    format!("rIdChart{number}")
}

impl Body {
    /// Writes a top-level paragraph and remembers where its properties end.
    fn paragraph(&mut self, properties: &ParagraphProperties, content: impl FnOnce(&mut String)) {
        self.xml.push_str("<w:p><w:pPr>");
        properties.write_children(&mut self.xml);
        self.section_at = Some(self.xml.len());
        self.xml.push_str("</w:pPr>");
        content(&mut self.xml);
        self.xml.push_str("</w:p>");
    }

    /// Ends the text with a section break, so that what follows (the 版记)
    /// is a section of its own: the last paragraph carries the section
    /// properties, or an empty one after a table.
    fn end_text_section(&mut self) {
        let section = section(Section::Text);
        match self.section_at {
            Some(at) => self.xml.insert_str(at, &section),
            None => {
                self.xml.push_str("<w:p><w:pPr>");
                self.xml.push_str(&section);
                self.xml.push_str("</w:pPr></w:p>");
            }
        }
        self.section_at = None;
        self.imprint = true;
    }
}

/// Whether a paragraph is the 附件说明 (`附件：…`).
fn is_annex_note(content: &Inlines) -> bool {
    let text: String = content.iter().map(|inline| inline.text.as_str()).collect();
    text.starts_with("附件：") || text.starts_with("附件:")
}

/// `text` with every ASCII character in its full-width form (a space as
/// U+3000), so each character of a signature or date is one em wide.
fn full_width(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            ' ' => '\u{3000}',
            '!'..='~' => char::from_u32(c as u32 + 0xFEE0).unwrap_or(c),
            c => c,
        })
        .collect()
}

/// Runs of `inlines` in `face`; `*emphasis*` switches to 楷体 at the same size.
fn runs(out: &mut String, inlines: &[Inline], face: Face, bold: bool) {
    for inline in inlines {
        let face = if inline.italic { Face { font: HEADING_2.font, ..face } } else { face };
        ooxml::run(out, &face.run(bold || inline.bold), &inline.text);
    }
}

/// A body-grid paragraph: fixed 28.95 pt pitch.
fn grid() -> ParagraphProperties {
    ParagraphProperties { line: Some(Line::Exact(LINE_PITCH)), ..ParagraphProperties::default() }
}

/// A grid paragraph indented two characters on its first line.
fn indented() -> ParagraphProperties {
    ParagraphProperties { first_line: Some(FIRST_LINE_INDENT), ..grid() }
}

/// Display width in characters: CJK and full-width count 1, ASCII ½.
fn width_in_chars(text: &str) -> f64 {
    text.chars().map(|c| if c.is_ascii() { 0.5 } else { 1.0 }).sum()
}

/// The body for `blocks`.
pub fn body(blocks: &[Block]) -> Body {
    let mut body = Body::default();
    let mut flow = Flow::default();
    let mut break_before = false;
    // Each table's column widths, and whether it is kept on one page.
    let tables: Vec<Option<(Vec<i32>, bool)>> = blocks
        .iter()
        .map(|block| match block {
            Block::Table(table) => {
                let widths = column_widths(table);
                let short = keeps_together(table, &widths);
                Some((widths, short))
            }
            _ => None,
        })
        .collect();
    for (index, block) in blocks.iter().enumerate() {
        let previous_is_imprint = index > 0 && matches!(blocks[index - 1], Block::Imprint { .. });
        let next_is_imprint = matches!(blocks.get(index + 1), Some(Block::Imprint { .. }));
        // The signature never stands alone on a page: the paragraph before it keeps with it.
        let next_is_signature = matches!(blocks.get(index + 1), Some(Block::Signature(_)));
        // Nor does a heading or paragraph leading into a table end a page
        // above it — when the table is short: kept with a long one, it
        // would leave the rest of its page empty.
        let next_is_short_table = matches!(tables.get(index + 1), Some(Some((_, true))));
        let page_break_before = std::mem::take(&mut break_before);
        if page_break_before {
            flow.page_break();
        }
        let plain = |properties: ParagraphProperties| ParagraphProperties { page_break_before, ..properties };
        match block {
            Block::PageBreak => break_before = true,
            Block::Table(content) => {
                if page_break_before {
                    page_break(&mut body.xml);
                }
                // A chart below a table may start the next page: kept with the
                // table, the two would leave half of the page above empty.
                let Some(Some((widths, short))) = tables.get(index) else { continue };
                table(&mut body.xml, content, widths, *short);
                flow.table(&row_heights(content, widths), *short);
                body.section_at = None;
            }
            Block::Title(content) => {
                flow.paragraph(title_lines(content), 0, LINE_PITCH, false);
                body.paragraph(
                    &plain(ParagraphProperties {
                        after: Some(LINE_PITCH),
                        justify: Some(Justify::Center),
                        ..grid()
                    }),
                    |out| runs(out, content, TITLE, false),
                );
                if body.title_at.is_none() {
                    body.title_at = body.section_at.map(|at| at + "</w:pPr>".len());
                }
            }
            Block::Heading { level, number, content } => {
                let (face, bold) = match level {
                    1 => (HEADING_1, false),
                    2 => (HEADING_2, false),
                    _ => (BODY, true),
                };
                let keep_next = !matches!(tables.get(index + 1), Some(Some((_, false))));
                flow.paragraph(text_lines(content, FIRST_LINE_INDENT), 0, 0, keep_next);
                let properties =
                    ParagraphProperties { keep_next, outline_level: Some(*level - 1), ..indented() };
                body.paragraph(&plain(properties), |out| {
                    ooxml::run(out, &face.run(bold), number);
                    runs(out, content, face, bold);
                });
            }
            Block::Paragraph(content) => {
                let keep_next = next_is_signature || next_is_short_table;
                // The 附件说明 stands one blank line below the text (GB/T 9704 §7.3.4).
                let before = is_annex_note(content).then_some(LINE_PITCH);
                flow.paragraph(text_lines(content, FIRST_LINE_INDENT), before.unwrap_or(0), 0, keep_next);
                body.paragraph(
                    &plain(ParagraphProperties {
                        keep_next,
                        before,
                        justify: Some(Justify::Both),
                        ..indented()
                    }),
                    |out| runs(out, content, BODY, false),
                )
            }
            Block::Marking(content) => {
                flow.paragraph(text_lines(content, 0), 0, 0, false);
                body.paragraph(&plain(grid()), |out| runs(out, content, HEADING_1, false))
            }
            Block::Addressee(content) => {
                flow.paragraph(text_lines(content, 0), 0, 0, false);
                body.paragraph(&plain(grid()), |out| runs(out, content, BODY, false))
            }
            // The label on the first line of a new page, a blank line below
            // it so the annex title stands on the third (GB/T 9704 §7.3.7).
            Block::Annex(content) => {
                flow.page_break();
                flow.paragraph(1, 0, LINE_PITCH, false);
                body.paragraph(
                    &ParagraphProperties { page_break_before: true, after: Some(LINE_PITCH), ..grid() },
                    |out| runs(out, content, HEADING_1, false),
                )
            }
            Block::RedHead(content) => {
                // The lines above it on the page (the 密级) take part of the 35 mm.
                let above = blocks[..index].iter().filter(|block| matches!(block, Block::Marking(_))).count();
                let before = (RED_HEAD_TOP - LINE_PITCH * above as i32).max(0);
                flow.unit(before + 2 * LINE_PITCH + RED_HEAD_MAX_HALF_POINTS as i32 * 10, false);
                red_head(&mut body, content, before, page_break_before)
            }
            Block::DocNumber(content) => {
                flow.paragraph(1, 0, 2 * LINE_PITCH, false);
                body.paragraph(
                    &plain(ParagraphProperties {
                        border_bottom: Some(Border { size: 18, space: 11, color: RED }),
                        after: Some(2 * LINE_PITCH),
                        justify: Some(Justify::Center),
                        ..grid()
                    }),
                    |out| runs(out, content, BODY, false),
                )
            }
            Block::Signature(lines) => {
                for line in 0..lines.len() {
                    let before = if line == 0 { LINE_PITCH } else { 0 };
                    flow.unit(LINE_PITCH + before, line + 1 < lines.len());
                }
                signature(&mut body, lines, page_break_before)
            }
            Block::Chart { kind, title } => {
                flow.unit(CHART_HEIGHT, false);
                body.charts.push(PlacedChart { kind: *kind, title: title.clone() });
                let number = body.charts.len();
                // Single spacing off the grid, so the line is as high as the chart.
                let properties = plain(ParagraphProperties {
                    snap_to_grid: Some(false),
                    line: Some(Line::Auto(240)),
                    justify: Some(Justify::Center),
                    ..ParagraphProperties::default()
                });
                body.paragraph(&properties, |out| {
                    let (width, height) =
                        (i64::from(CHART_WIDTH) * EMU_PER_TWIP, i64::from(CHART_HEIGHT) * EMU_PER_TWIP);
                    ooxml::chart_run(out, &chart_relationship(number), number, title, width, height)
                });
            }
            Block::Imprint { left, right } => {
                let mut before = None;
                if !previous_is_imprint {
                    if !body.imprint {
                        body.end_text_section();
                    }
                    before = Some(imprint_top(&blocks[index..]));
                }
                flow.unit(LINE_PITCH + before.unwrap_or(0), !next_is_imprint);
                let line = ImprintLine { first: !previous_is_imprint, last: !next_is_imprint, before };
                imprint(&mut body, left, right, line, page_break_before)
            }
        }
    }
    body.pages = flow.pages();
    body
}

/// The grid lines a paragraph of `content` takes at the body size, its
/// first line indented by `indent` twips: full-width characters take a
/// character, ASCII half of one.
fn text_lines(content: &[Inline], indent: i32) -> u32 {
    let text: String = content.iter().map(|inline| inline.text.as_str()).collect();
    let per_line = f64::from(TEXT_WIDTH / CHAR);
    text.split(LINE_BREAK)
        .map(|line| ((set_width(line) + f64::from(indent / CHAR)) / per_line).ceil().max(1.0) as u32)
        .sum()
}

/// The width of `line` in body characters as LibreOffice sets it with its
/// substitute for Times New Roman (DejaVu Serif: a digit is 0.63 of a
/// character, a space 0.3) and a quarter character of space on each side
/// of a Latin run between Chinese characters.
fn set_width(line: &str) -> f64 {
    let mut width = 0.0;
    let mut previous: Option<bool> = None;
    for c in line.chars() {
        let latin = c.is_ascii();
        width += match c {
            ' ' => 0.3,
            c if c.is_ascii() => 0.63,
            _ => 1.0,
        };
        if previous.is_some_and(|before| before != latin) {
            width += 0.25;
        }
        previous = Some(latin);
    }
    width
}

/// The grid lines the title takes in 2号: two for each of its lines, as
/// LibreOffice sets a 22 pt line of the substitute fonts (taller than the
/// 28.95 pt pitch) on two lines of the grid.
fn title_lines(content: &[Inline]) -> u32 {
    let text: String = content.iter().map(|inline| inline.text.as_str()).collect();
    let per_line = f64::from(TEXT_WIDTH / (TITLE.half_points as i32 * 10));
    let lines: u32 =
        text.split(LINE_BREAK).map(|line| (width_in_chars(line) / per_line).ceil().max(1.0) as u32).sum();
    2 * lines
}

/// The red issuing-body mark: centred 小标宋, as large as fits on one line.
fn red_head(body: &mut Body, content: &Inlines, before: i32, page_break_before: bool) {
    let text: String = content.iter().map(|inline| inline.text.as_str()).collect();
    let width = width_in_chars(&text).max(1.0);
    let fitting = (f64::from(TEXT_WIDTH) / 10.0 / width).floor() as usize;
    let half_points = fitting.clamp(TITLE.half_points, RED_HEAD_MAX_HALF_POINTS);
    let properties = ParagraphProperties {
        page_break_before,
        snap_to_grid: Some(false),
        before: Some(before),
        after: Some(2 * LINE_PITCH),
        line: Some(Line::Exact(half_points as i32 * 10)),
        justify: Some(Justify::Center),
        ..ParagraphProperties::default()
    };
    let run = RunProperties { color: Some(RED), ..Face { half_points, ..TITLE }.run(false) };
    body.paragraph(&properties, |out| ooxml::run(out, &run, &text));
}

/// Signature lines then the date (GB/T 9704 §7.3.5.2, unsealed): the
/// signature two characters in from the right, the date below it starting
/// two characters further right; a date longer than that moves the
/// signature instead, so the date keeps two characters from the right.
///
/// Each line is left-aligned at an explicit indent, so the date starts
/// exactly two characters right of the signature's first character
/// whatever the fonts. The indents count characters, each one em at the
/// body pitch: signature and date are written in full-width forms (the
/// date's digits too: between half-width digits and Chinese LibreOffice
/// adds a spacing Word does not, so their width is not the same
/// everywhere), and a `×` is widened to a full character.
fn signature(body: &mut Body, lines: &[String], page_break_before: bool) {
    let (signatures, date) = match lines {
        [] => return,
        [only] => (std::slice::from_ref(only), None),
        [signatures @ .., date] => (signatures, Some(date)),
    };
    let signatures: Vec<String> = signatures.iter().map(|line| full_width(line)).collect();
    let date = date.map(|date| full_width(date));
    let (signature_start, date_start) = signature_starts(&signatures, date.as_deref());
    let mut line = |text: &str, start: i32, before: bool, keep_next: bool, page_break_before: bool| {
        let properties = ParagraphProperties {
            keep_next,
            page_break_before,
            before: before.then_some(LINE_PITCH),
            indent_left: Some(start.max(0)),
            justify: Some(Justify::Left),
            ..grid()
        };
        body.paragraph(&properties, |out| signature_runs(out, text));
    };
    for (index, text) in signatures.iter().enumerate() {
        line(text, signature_start, index == 0, true, page_break_before && index == 0);
    }
    if let Some(date) = date {
        line(&date, date_start, false, false, false);
    }
}

/// The left indents (twips) of the signature lines and of the date below
/// them, from their lengths in characters (GB/T 9704 §7.3.5.2).
fn signature_starts(signatures: &[String], date: Option<&str>) -> (i32, i32) {
    let characters =
        |text: &str| text.split(LINE_BREAK).map(|line| line.chars().count()).max().unwrap_or(0) as i32;
    let widest = signatures.iter().map(|line| characters(line)).max().unwrap_or(0);
    let right = TEXT_WIDTH - 2 * CHAR;
    match date.map(characters) {
        Some(date) if date + 2 > widest => {
            let date_start = right - date * CHAR;
            (date_start - 2 * CHAR, date_start)
        }
        _ => {
            let signature_start = right - widest * CHAR;
            (signature_start, signature_start + 2 * CHAR)
        }
    }
}

/// A signature line's runs: 3号 仿宋, each `×` widened to one character.
/// The `×` runs name Times New Roman for East-Asian text too: Word sets
/// `×` in the East-Asian font when the language is Chinese, LibreOffice in
/// the Latin one, and the width must not depend on which.
fn signature_runs(out: &mut String, text: &str) {
    let mut rest = text;
    while !rest.is_empty() {
        let multiply = rest.starts_with('×');
        let end = rest.find(|c| (c == '×') != multiply).unwrap_or(rest.len());
        let properties = if multiply {
            RunProperties {
                fonts: Some((LATIN_FONT, LATIN_FONT)),
                spacing: Some(CHAR - MULTIPLY_SIGN),
                ..BODY.run(false)
            }
        } else {
            BODY.run(false)
        };
        ooxml::run(out, &properties, &rest[..end]);
        rest = &rest[end..];
    }
}

/// Where a 版记 line stands in its group.
struct ImprintLine {
    first: bool,
    last: bool,
    /// Space above the first line, in twips.
    before: Option<i32>,
}

/// One 版记 line in 4号 仿宋 (GB/T 9704 §7.4): left part one character
/// in, right part one character from the right, both by tab stops so the
/// paragraph keeps the full text width and its rules span all 156 mm:
/// 0.35 mm (1 pt) above the first and below the last line, 0.25 mm
/// (¾ pt) between lines.
fn imprint(body: &mut Body, left: &Inlines, right: &Inlines, line: ImprintLine, page_break_before: bool) {
    let rule = |size| Border { size, space: 1, color: "auto" };
    let properties = ParagraphProperties {
        page_break_before,
        border_top: line.first.then(|| rule(IMPRINT_OUTER_RULE)),
        border_bottom: Some(rule(if line.last { IMPRINT_OUTER_RULE } else { IMPRINT_INNER_RULE })),
        left_tab: Some(CHAR_4),
        right_tab: Some(TEXT_WIDTH - CHAR_4),
        // Off the line grid, so LibreOffice does not round the space above to whole lines.
        snap_to_grid: Some(false),
        before: line.before,
        ..grid()
    };
    body.paragraph(&properties, |out| {
        ooxml::tab_run(out, &SMALL.run(false));
        runs(out, left, SMALL, false);
        if !right.is_empty() {
            ooxml::tab_run(out, &SMALL.run(false));
            runs(out, right, SMALL, false);
        }
    });
}

/// The space above the 版记 that puts its last line on the last line of
/// the text area. Word does that with the section's bottom alignment
/// alone; LibreOffice (7.4) ignores it, so the space is given as well:
/// the text area less the group's lines (a line that would wrap counts
/// twice or more) and rules, and room for the 9.6 pt by which LibreOffice
/// sets a page's first paragraph lower than Word does, so the group never
/// runs onto the next page.
fn imprint_top(blocks: &[Block]) -> i32 {
    const ROOM: i32 = 200;
    let capacity = f64::from(TEXT_WIDTH / CHAR_4);
    let group: Vec<f64> = blocks
        .iter()
        .map_while(|block| match block {
            Block::Imprint { left, right } => {
                let width = |inlines: &Inlines| {
                    inlines.iter().map(|inline| width_in_chars(&inline.text)).sum::<f64>()
                };
                Some(width(left) + width(right) + 3.0)
            }
            _ => None,
        })
        .collect();
    let lines: i32 = group.iter().map(|width| (width / capacity).ceil().max(1.0) as i32).sum();
    // A rule takes its width and its 1 pt of space: 2.5 twips an eighth of a point, plus 20.
    let rule = |size: u32| size as i32 * 5 / 2 + 20;
    let inner = group.len().saturating_sub(1) as i32;
    let rules = 2 * rule(IMPRINT_OUTER_RULE) + inner * rule(IMPRINT_INNER_RULE);
    (TEXT_HEIGHT - lines * LINE_PITCH - rules - ROOM).max(0)
}

/// 版记 rules in eighths of a point: 0.35 mm ≈ 1 pt, 0.25 mm ≈ ¾ pt.
const IMPRINT_OUTER_RULE: u32 = 8;
const IMPRINT_INNER_RULE: u32 = 6;

/// A table of at most this many rows (the header included), none of whose
/// cells wraps, is kept on one page: every row keeps with the next, so a
/// short table (the grade distribution, the category scores) is never split
/// across pages, while a long or wrapping one still breaks between rows.
const KEEP_TOGETHER_ROWS: usize = 12;

/// Width of `text` in 4号 characters as a table cell sets it: CJK and
/// full-width count 1, capitals and wide Latin letters ¾, other ASCII ½.
fn cell_chars(text: &str) -> f64 {
    text.chars()
        .map(|c| match c {
            'A'..='Z' | 'm' | 'w' | '%' | '@' => 0.75,
            c if c.is_ascii() => 0.5,
            _ => 1.0,
        })
        .sum()
}

/// A cell of at most this many characters (a person's name) is not wrapped.
const SHORT_CELL: f64 = 3.0;

/// One cell's text for sizing: the width of each of its lines, and the
/// widest run it cannot wrap inside (a case number, a figure: Latin text
/// without spaces; a short cell whole; CJK text wraps between any two
/// characters).
fn cell_measure(inlines: &[Inline]) -> (Vec<f64>, f64) {
    let text: String = inlines.iter().map(|inline| inline.text.as_str()).collect();
    let lines: Vec<f64> = text.split(ooxml::LINE_BREAK).map(cell_chars).collect();
    let unbreakable =
        text.split(|c: char| !c.is_ascii() || c.is_whitespace()).map(cell_chars).fold(0.0, f64::max);
    let short = lines.iter().copied().filter(|line| *line <= SHORT_CELL).fold(0.0, f64::max);
    (lines, unbreakable.max(short))
}

/// The whole characters a cell `width` characters wide holds on a line
/// (one character of padding: the cell margins and some slack).
fn whole_room(width: f64) -> f64 {
    (width - 1.0).floor().max(1.0)
}

/// Column widths in twips, sized by content (in 4号 characters, with one
/// character of padding). When every column fits on one line the widths
/// are in proportion to the widest cells. Otherwise each column starts as
/// wide as its header and its longest unbreakable run (so an id never
/// wraps), and the rest of the text width goes to the column where it
/// saves the most lines for its width; then width moves between columns
/// while that saves lines. A narrow figure column stays narrow and long
/// text (扣分原因, 评分标准) gets the room.
fn column_widths(table: &Table) -> Vec<i32> {
    const STEP: f64 = 0.5;
    // Bounds on the second pass: tables up to this many rows, this many
    // moves, each of at most this many steps.
    const DESCENT_ROWS: usize = 300;
    const DESCENT_ROUNDS: usize = 20;
    const DESCENT_STEPS: u32 = 24;
    let columns = table.alignments.len().max(table.rows.iter().map(Vec::len).max().unwrap_or(0));
    let available = f64::from(TEXT_WIDTH) / f64::from(CHAR_4);
    // Per row, per column: line widths (empty for no content).
    let cells: Vec<Vec<Vec<f64>>> = table
        .rows
        .iter()
        .map(|row| {
            (0..columns)
                .map(|column| match row.get(column) {
                    Some(Cell::Content(inlines)) => cell_measure(inlines).0,
                    _ => Vec::new(),
                })
                .collect()
        })
        .collect();
    // How many rows each cell spans: itself and the `^` cells merged below it.
    let spans: Vec<Vec<f64>> = (0..table.rows.len())
        .map(|row| {
            (0..columns)
                .map(|column| {
                    let below = table.rows[row + 1..]
                        .iter()
                        .take_while(|below| matches!(below.get(column), Some(Cell::MergeUp)))
                        .count();
                    (below + 1) as f64
                })
                .collect()
        })
        .collect();
    let widest = |column: usize| cells.iter().flat_map(|row| row[column].iter().copied()).fold(1.0, f64::max);
    let desired: Vec<f64> = (0..columns).map(|column| widest(column).ceil() + 1.0).collect();
    let minimum: Vec<f64> = (0..columns)
        .map(|column| {
            let unbreakable = table
                .rows
                .iter()
                .filter_map(|row| match row.get(column) {
                    Some(Cell::Content(inlines)) => Some(cell_measure(inlines).1),
                    _ => None,
                })
                .fold(1.0, f64::max);
            let header = cells.first().map_or(0.0, |row| row[column].iter().copied().fold(0.0, f64::max));
            (unbreakable.max(header).ceil() + 1.0).min(desired[column])
        })
        .collect();
    let total: f64 = desired.iter().sum();
    let chars: Vec<f64> = if total <= available {
        desired.iter().map(|width| width * available / total).collect()
    } else if minimum.iter().sum::<f64>() >= available {
        let total: f64 = minimum.iter().sum();
        minimum.iter().map(|width| width * available / total).collect()
    } else {
        // Lines of the table (each row as tall as its tallest cell), then
        // lines of all cells, at these widths.
        let cost = |widths: &[f64]| {
            let mut rows = 0.0;
            let mut all = 0.0;
            for (row, spans) in cells.iter().zip(&spans) {
                let mut tallest: f64 = 1.0;
                for ((lines, width), span) in row.iter().zip(widths).zip(spans) {
                    let room = whole_room(*width);
                    let height: f64 = lines.iter().map(|line| (line / room).ceil().max(1.0)).sum();
                    // A merged cell's lines spread over the rows it spans.
                    tallest = tallest.max(height / span);
                    all += height;
                }
                rows += tallest;
            }
            (rows, all)
        };
        let mut widths = minimum.clone();
        let mut left = available - widths.iter().sum::<f64>();
        let snap = |width: f64| (width / STEP).ceil() * STEP;
        while left >= STEP {
            let current = cost(&widths);
            // Each column widened to where one of its cells loses a line,
            // and the lines that saves per character of width.
            let mut best: Option<(usize, f64, (f64, f64))> = None;
            for column in (0..columns).filter(|&column| widths[column] < desired[column]) {
                let room = whole_room(widths[column]);
                let next = cells
                    .iter()
                    .flat_map(|row| row[column].iter().copied())
                    .filter_map(|line| {
                        let lines = (line / room).ceil();
                        (lines > 1.0).then(|| snap((line / (lines - 1.0)).ceil()) + 1.0)
                    })
                    .filter(|width| *width > widths[column])
                    .fold(desired[column], f64::min)
                    .min(widths[column] + left);
                let mut wider = widths.clone();
                wider[column] = next;
                let (rows, all) = cost(&wider);
                let step = next - widths[column];
                let saving = ((current.0 - rows) / step, (current.1 - all) / step);
                // Equal savings: the cheaper widening first.
                let better = |(_, best_next, best): &(usize, f64, (f64, f64))| {
                    saving > *best || (saving == *best && step < best_next - widths[column])
                };
                if saving.1 > 0.0 && best.as_ref().is_none_or(better) {
                    best = Some((column, next, saving));
                }
            }
            // Nothing saves a line: widen the column with the most text.
            let (column, next) = match best {
                Some((column, next, _)) => (column, next),
                None => {
                    let text = |column: usize| cells.iter().flat_map(|row| row[column].iter()).sum::<f64>();
                    let Some(column) = (0..columns)
                        .filter(|&column| widths[column] < desired[column])
                        .max_by(|a, b| text(*a).total_cmp(&text(*b)).then(b.cmp(a)))
                    else {
                        break;
                    };
                    (column, widths[column] + STEP)
                }
            };
            left -= next - widths[column];
            widths[column] = next;
        }
        // Then move width from one column to another while that saves
        // lines: a long text that needs a big step to lose a line gets it.
        if cells.len() <= DESCENT_ROWS {
            for _ in 0..DESCENT_ROUNDS {
                let current = cost(&widths);
                let mut best: Option<(Vec<f64>, (f64, f64))> = None;
                for (from, to) in (0..columns).flat_map(|from| (0..columns).map(move |to| (from, to))) {
                    for steps in 1..=DESCENT_STEPS {
                        let moved = f64::from(steps) * STEP;
                        if from == to
                            || widths[from] - moved < minimum[from]
                            || widths[to] + moved > desired[to]
                        {
                            break;
                        }
                        let mut trial = widths.clone();
                        trial[from] -= moved;
                        trial[to] += moved;
                        let saving = cost(&trial);
                        if saving < current && best.as_ref().is_none_or(|(_, best)| saving < *best) {
                            best = Some((trial, saving));
                        }
                    }
                }
                let Some((better, _)) = best else { break };
                widths = better;
            }
        }
        widths
    };
    let mut widths: Vec<i32> = chars.iter().map(|width| (width * f64::from(CHAR_4)).floor() as i32).collect();
    let used: i32 = widths.iter().sum();
    if let Some(last) = widths.last_mut() {
        *last += (TEXT_WIDTH - used).max(0);
    }
    widths
}

/// Whether `table` at column `widths` is kept on one page: at most
/// [`KEEP_TOGETHER_ROWS`] rows, none of whose cells wraps. The one rule for
/// short tables: its rows keep together, and what leads into it keeps
/// with it.
fn keeps_together(table: &Table, widths: &[i32]) -> bool {
    let one_line = |row: &Vec<Cell>| {
        row.iter().zip(widths).all(|(cell, width)| match cell {
            Cell::Content(inlines) => {
                let (lines, _) = cell_measure(inlines);
                lines.len() == 1 && (lines[0] + 1.0) * f64::from(CHAR_4) <= f64::from(*width)
            }
            Cell::MergeUp => true,
        })
    };
    table.rows.len() <= KEEP_TOGETHER_ROWS && table.rows.iter().all(one_line)
}

/// Each row's height at column `widths` for [`paging`]: its tallest cell's
/// lines (a merged cell's spread over the rows it spans).
fn row_heights(table: &Table, widths: &[i32]) -> Vec<i32> {
    table
        .rows
        .iter()
        .map(|row| {
            let lines = row
                .iter()
                .zip(widths)
                .map(|(cell, width)| match cell {
                    Cell::Content(inlines) => {
                        let room = whole_room(f64::from(*width) / f64::from(CHAR_4));
                        let text: String = inlines.iter().map(|inline| inline.text.as_str()).collect();
                        let lines = text.split(ooxml::LINE_BREAK).map(set_width);
                        lines.map(|line| (line / room).ceil().max(1.0)).sum::<f64>()
                    }
                    Cell::MergeUp => 1.0,
                })
                .fold(1.0, f64::max);
            lines as i32 * paging::TABLE_LINE + paging::ROW_EXTRA
        })
        .collect()
}

/// A bordered table in 4号 at column `widths`: header row in 黑体 repeated
/// on every page, rows never split, `^` cells merged vertically; a short
/// table (`keep_together`) is kept on one page.
fn table(out: &mut String, table: &Table, widths: &[i32], keep_together: bool) {
    start_table(out, TEXT_WIDTH, widths);
    for (row_index, row) in table.rows.iter().enumerate() {
        let header = row_index == 0;
        let keep_next = keep_together && row_index + 1 < table.rows.len();
        start_row(out, header);
        for (column, width) in widths.iter().enumerate() {
            let justify = match table.alignments.get(column) {
                _ if header => Justify::Center,
                Some(Align::Center) => Justify::Center,
                Some(Align::Right) => Justify::Right,
                _ => Justify::Left,
            };
            let merges_below = matches!(
                table.rows.get(row_index + 1).and_then(|below| below.get(column)),
                Some(Cell::MergeUp)
            );
            let (merge, content) = match row.get(column) {
                Some(Cell::MergeUp) => (VerticalMerge::Continue, None),
                Some(Cell::Content(inlines)) if merges_below => (VerticalMerge::Restart, Some(inlines)),
                Some(Cell::Content(inlines)) => (VerticalMerge::None, Some(inlines)),
                None if merges_below => (VerticalMerge::Restart, None),
                None => (VerticalMerge::None, None),
            };
            start_cell(out, *width, merge);
            out.push_str("<w:p>");
            ParagraphProperties {
                keep_next,
                snap_to_grid: Some(false),
                line: Some(Line::Auto(240)),
                justify: Some(justify),
                ..ParagraphProperties::default()
            }
            .write(out);
            if let Some(inlines) = content {
                runs(out, inlines, if header { SMALL_HEADING } else { SMALL }, false);
            }
            out.push_str("</w:p></w:tc>");
        }
        out.push_str("</w:tr>");
    }
    out.push_str("</w:tbl>");
}

/// The cover's title, 一号 方正小标宋简体, six lines down the page.
const COVER_TITLE: Face = Face { half_points: 52, ..TITLE };
const COVER_TITLE_BEFORE: i32 = 6 * LINE_PITCH;
/// The assessor and the date, 3号 楷体_GB2312, centred near the foot.
const COVER_FOOT_BEFORE: i32 = 10 * LINE_PITCH;

/// The combined volume's cover: `title` (a line break where it holds
/// one), then the assessor and the date centred below it.
pub fn cover(title: &str, assessor: &str, date: &str) -> Body {
    let mut body = Body::default();
    let centred = |before: i32, line: Line| ParagraphProperties {
        snap_to_grid: Some(false),
        before: Some(before),
        line: Some(line),
        justify: Some(Justify::Center),
        ..ParagraphProperties::default()
    };
    let title_line = Line::Exact(COVER_TITLE.half_points as i32 * 15);
    body.paragraph(&centred(COVER_TITLE_BEFORE, title_line), |out| {
        ooxml::run(out, &COVER_TITLE.run(false), title)
    });
    for (index, text) in [assessor, date].into_iter().enumerate() {
        let before = if index == 0 { COVER_FOOT_BEFORE } else { 0 };
        body.paragraph(&centred(before, Line::Exact(LINE_PITCH)), |out| {
            ooxml::run(out, &HEADING_2.run(false), text)
        });
    }
    body.pages = 1;
    body
}

/// One line of the volume's contents: a letter's unit, the bookmark at
/// its title and the page it starts on as the layout model has it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ContentsLine {
    pub name: String,
    pub bookmark: String,
    pub page: u32,
}

/// The page a contents line's number stands at the right of, in 3号 characters:
/// the name wraps before it.
const CONTENTS_NUMBER_CHARS: i32 = 3;

/// The volume's contents: `heading` centred in 2号 小标宋, a blank line,
/// then a line per letter — the unit's name, dots, and a `PAGEREF` field
/// to the bookmark at the letter's title, right-aligned at the text's
/// edge. The fields are marked for updating; their cached numbers are the
/// model's.
pub fn contents(heading: &str, lines: &[ContentsLine]) -> Body {
    let mut body = Body::default();
    let mut flow = Flow::default();
    flow.paragraph(1, 0, LINE_PITCH, false);
    body.paragraph(
        &ParagraphProperties { after: Some(LINE_PITCH), justify: Some(Justify::Center), ..grid() },
        |out| ooxml::run(out, &TITLE.run(false), heading),
    );
    let face = BODY.run(false);
    for line in lines {
        let name = [Inline { text: line.name.clone(), bold: false, italic: false }];
        let reserved = CONTENTS_NUMBER_CHARS * CHAR;
        flow.paragraph(text_lines(&name, reserved), 0, 0, false);
        let properties = ParagraphProperties {
            right_tab: Some(TEXT_WIDTH),
            dot_leader: true,
            justify: Some(Justify::Left),
            ..grid()
        };
        body.paragraph(&properties, |out| {
            ooxml::run(out, &face, &line.name);
            ooxml::tab_run(out, &face);
            ooxml::page_reference(out, &face, &line.bookmark, line.page);
        });
    }
    body.pages = flow.pages();
    body
}

/// Relationship ids of the odd-page (default) and even-page footers, and
/// of the footer without a page number of the 版记's section.
pub const FOOTER_ODD: &str = "rIdFooterOdd";
pub const FOOTER_EVEN: &str = "rIdFooterEven";
pub const FOOTER_BLANK: &str = "rIdFooterBlank";

/// The page footer `— 1 —` with a PAGE field, one character in from the
/// outer edge: right-aligned on odd pages, left-aligned on even ones.
pub fn footer(odd: bool) -> String {
    let mut out = String::from(ooxml::DECLARATION);
    let _ = write!(out, "<w:ftr xmlns:w=\"{}\" xmlns:r=\"{}\">", ooxml::W_NAMESPACE, ooxml::R_NAMESPACE);
    let properties = ParagraphProperties {
        line: Some(Line::Auto(240)),
        indent_left: (!odd).then_some(CHAR_4),
        indent_right: odd.then_some(CHAR_4),
        justify: Some(if odd { Justify::Right } else { Justify::Left }),
        ..ParagraphProperties::default()
    };
    let face = PAGE_NUMBER.run(false);
    out.push_str("<w:p>");
    properties.write(&mut out);
    ooxml::run(&mut out, &face, "— ");
    ooxml::page_field(&mut out, &face);
    ooxml::run(&mut out, &face, " —");
    out.push_str("</w:p></w:ftr>");
    out
}

/// The footer of the 版记's section: an empty paragraph, no page number
/// (GB/T 9704 §7.5).
pub fn blank_footer() -> String {
    format!(
        "{}<w:ftr xmlns:w=\"{}\" xmlns:r=\"{}\"><w:p/></w:ftr>",
        ooxml::DECLARATION,
        ooxml::W_NAMESPACE,
        ooxml::R_NAMESPACE
    )
}

/// What a section holds, for its properties.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Section {
    /// Text numbered on from the section before.
    Text,
    /// The combined volume's cover: its first page, where the page count
    /// starts at 1; counted but not numbered, like the pages before a 版记.
    Cover,
    /// The volume's contents: on an odd page (the back of the cover stays
    /// blank), counted, not numbered.
    Contents,
    /// A letter of the volume: on an odd page (duplex printing), numbered
    /// on from the section before.
    Letter,
    /// The 版记 (GB/T 9704 §7.4, §7.5): on an even page (Word and
    /// LibreOffice add the blank page before it when the text ends on an
    /// even one), at the foot of the page, neither page numbered.
    Imprint,
}

/// Section properties: A4, the GB/T margins, the line grid and the
/// footers of `kind`, in schema order (`w:type`, `w:pgSz`, `w:pgMar`,
/// `w:pgNumType`, `w:cols`, `w:vAlign`, `w:docGrid`).
pub fn section(kind: Section) -> String {
    let (odd, even) = match kind {
        Section::Imprint | Section::Cover | Section::Contents => (FOOTER_BLANK, FOOTER_BLANK),
        Section::Text | Section::Letter => (FOOTER_ODD, FOOTER_EVEN),
    };
    let mut out = format!(
        "<w:sectPr><w:footerReference w:type=\"default\" r:id=\"{odd}\"/><w:footerReference w:type=\"even\" r:id=\"{even}\"/>"
    );
    match kind {
        Section::Text | Section::Cover => {}
        Section::Contents | Section::Letter => out.push_str("<w:type w:val=\"oddPage\"/>"),
        Section::Imprint => out.push_str("<w:type w:val=\"evenPage\"/>"),
    }
    let _ = write!(
        out,
        "<w:pgSz w:w=\"{PAGE_WIDTH}\" w:h=\"{PAGE_HEIGHT}\"/><w:pgMar w:top=\"{MARGIN_TOP}\" w:right=\"{MARGIN_RIGHT}\" w:bottom=\"{MARGIN_BOTTOM}\" w:left=\"{MARGIN_LEFT}\" w:header=\"{HEADER_DISTANCE}\" w:footer=\"{FOOTER_DISTANCE}\" w:gutter=\"0\"/>"
    );
    if kind == Section::Cover {
        out.push_str("<w:pgNumType w:start=\"1\"/>");
    }
    out.push_str("<w:cols w:space=\"425\"/>");
    if kind == Section::Imprint {
        out.push_str("<w:vAlign w:val=\"bottom\"/>");
    }
    let _ = write!(out, "<w:docGrid w:type=\"lines\" w:linePitch=\"{LINE_PITCH}\"/></w:sectPr>");
    out
}

/// The document part's text before the body's content.
pub fn document_start() -> String {
    format!(
        "{}<w:document xmlns:w=\"{}\" xmlns:r=\"{}\"><w:body>",
        ooxml::DECLARATION,
        ooxml::W_NAMESPACE,
        ooxml::R_NAMESPACE
    )
}

/// The document part's text after the body's content and final section.
pub const DOCUMENT_END: &str = "</w:body></w:document>";

/// The styles part: document defaults of 3号 仿宋_GB2312 with Times New
/// Roman for Latin text, Chinese as the East-Asian language.
pub fn styles() -> String {
    format!(
        concat!(
            "{declaration}<w:styles xmlns:w=\"{w}\"><w:docDefaults><w:rPrDefault><w:rPr>",
            "<w:rFonts w:ascii=\"{latin}\" w:hAnsi=\"{latin}\" w:eastAsia=\"{font}\" w:cs=\"{latin}\"/>",
            "<w:sz w:val=\"{size}\"/><w:szCs w:val=\"{size}\"/><w:lang w:val=\"en-US\" w:eastAsia=\"zh-CN\"/>",
            "</w:rPr></w:rPrDefault></w:docDefaults>",
            "<w:style w:type=\"paragraph\" w:default=\"1\" w:styleId=\"Normal\"><w:name w:val=\"Normal\"/><w:qFormat/></w:style>",
            "</w:styles>"
        ),
        declaration = ooxml::DECLARATION,
        w = ooxml::W_NAMESPACE,
        latin = BODY.latin,
        font = BODY.font,
        size = BODY.half_points,
    )
}

/// The font table: every font the layout names, with the charset and a
/// common substitute, so a machine without 仿宋_GB2312 or 楷体_GB2312 (or
/// the 方正 title font) falls back to a similar face, not to 宋体.
pub fn font_table() -> String {
    const FONTS: &[(&str, Option<&str>, &str, &str)] = &[
        (LATIN_FONT, None, "00", "roman"),
        ("仿宋_GB2312", Some("仿宋"), "86", "modern"),
        ("楷体_GB2312", Some("楷体"), "86", "modern"),
        ("黑体", Some("SimHei"), "86", "modern"),
        ("宋体", Some("SimSun"), "86", "auto"),
        ("方正小标宋简体", Some("宋体"), "86", "auto"),
    ];
    let mut out = format!("{}<w:fonts xmlns:w=\"{}\">", ooxml::DECLARATION, ooxml::W_NAMESPACE);
    for (name, alternative, charset, family) in FONTS {
        let _ = write!(out, "<w:font w:name=\"{name}\">");
        if let Some(alternative) = alternative {
            let _ = write!(out, "<w:altName w:val=\"{alternative}\"/>");
        }
        let _ = write!(out, "<w:charset w:val=\"{charset}\"/><w:family w:val=\"{family}\"/></w:font>");
    }
    out.push_str("</w:fonts>");
    out
}
