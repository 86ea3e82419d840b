//! GB/T 9704-2012 layout: the page, the fonts of each element and the
//! paragraph and table formatting that turn dialect [`Block`]s into a
//! docx-rs document. Every number of the standard lives here, once.

use docx_rs::{
    AlignmentType, BorderType, BreakType, DocGrid, DocGridType, Docx, FieldCharType, Footer, InstrPAGE,
    InstrText, LineSpacing, LineSpacingType, PageMargin, Paragraph, ParagraphBorder, ParagraphBorderPosition,
    Run, RunFonts, SpecialIndentType, Tab, TabValueType, Table, TableBorder, TableBorderPosition,
    TableBorders, TableCell, TableLayoutType, TableRow, VAlignType, VMergeType, WidthType,
};

use super::markdown::{Align, Block, Cell, Inline, Inlines};

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
/// Width of the text area (版心) in twips.
pub const TEXT_WIDTH: i32 = PAGE_WIDTH as i32 - MARGIN_LEFT - MARGIN_RIGHT;
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

fn fonts(face: Face) -> RunFonts {
    RunFonts::new().ascii(face.latin).hi_ansi(face.latin).cs(face.latin).east_asia(face.font)
}

fn run(text: &str, face: Face, bold: bool) -> Run {
    let run = Run::new().fonts(fonts(face)).size(face.half_points).add_text(text);
    let run = if face.half_points == BODY.half_points { run.character_spacing(CONDENSED_3) } else { run };
    if bold { run.bold() } else { run }
}

/// Runs of `inlines` in `face`; `*emphasis*` switches to 楷体 at the same size.
fn runs(paragraph: Paragraph, inlines: &Inlines, face: Face) -> Paragraph {
    inlines.iter().fold(paragraph, |paragraph, Inline { text, bold, italic }| {
        let face = if *italic { Face { font: HEADING_2.font, ..face } } else { face };
        paragraph.add_run(run(text, face, *bold))
    })
}

fn exact_lines() -> LineSpacing {
    LineSpacing::new().line_rule(LineSpacingType::Exact).line(LINE_PITCH)
}

fn single_lines() -> LineSpacing {
    LineSpacing::new().line_rule(LineSpacingType::Auto).line(240)
}

/// A body-grid paragraph: fixed 28.95 pt pitch.
fn grid_paragraph() -> Paragraph {
    Paragraph::new().line_spacing(exact_lines())
}

/// Two characters of first-line indent. (docx-rs cannot write
/// `firstLineChars`; without a character grid twips are exact anyway.)
fn indented(paragraph: Paragraph) -> Paragraph {
    paragraph.indent(None, Some(SpecialIndentType::FirstLine(FIRST_LINE_INDENT)), None, None)
}

/// Display width in characters: CJK and full-width count 1, ASCII ½.
fn width_in_chars(text: &str) -> f64 {
    text.chars().map(|c| if c.is_ascii() { 0.5 } else { 1.0 }).sum()
}

fn twips(chars: f64) -> i32 {
    (chars * f64::from(CHAR)).round() as i32
}

/// The document for `blocks`: GB/T 9704 page, footers with page numbers,
/// metadata dated `created` (ISO 8601, `Z`).
pub fn document(blocks: &[Block], created: &str) -> Docx {
    let mut docx = page(Docx::new()).created_at(created).updated_at(created);
    let mut break_before = false;
    for (index, block) in blocks.iter().enumerate() {
        let previous_is_imprint = index > 0 && matches!(blocks[index - 1], Block::Imprint { .. });
        let next_is_imprint = matches!(blocks.get(index + 1), Some(Block::Imprint { .. }));
        // The signature never stands alone on a page: the paragraph before it keeps with it.
        let next_is_signature = matches!(blocks.get(index + 1), Some(Block::Signature(_)));
        let paragraphs = match block {
            Block::PageBreak => {
                break_before = true;
                continue;
            }
            Block::Table(table) => {
                if break_before {
                    let page_break = Run::new().fonts(fonts(BODY)).add_break(BreakType::Page);
                    docx = docx.add_paragraph(Paragraph::new().add_run(page_break));
                    break_before = false;
                }
                docx = docx.add_table(self::table(table));
                continue;
            }
            Block::Title(content) => {
                vec![
                    runs(grid_paragraph().align(AlignmentType::Center), content, TITLE)
                        .line_spacing(exact_lines().after(LINE_PITCH as u32)),
                ]
            }
            Block::Heading { level, number, content } => vec![heading(*level, number, content)],
            Block::Paragraph(content) => vec![
                runs(indented(grid_paragraph()).align(AlignmentType::Both), content, BODY)
                    .keep_next(next_is_signature),
            ],
            Block::Marking(content) => vec![runs(grid_paragraph(), content, HEADING_1)],
            Block::Addressee(content) => vec![runs(grid_paragraph(), content, BODY)],
            Block::Annex(content) => {
                break_before = true;
                vec![runs(grid_paragraph(), content, HEADING_1)]
            }
            Block::RedHead(content) => vec![red_head(content)],
            Block::DocNumber(content) => vec![doc_number(content)],
            Block::Signature(lines) => signature(lines),
            Block::Imprint { left, right } => {
                vec![imprint(left, right, !previous_is_imprint, !next_is_imprint)]
            }
        };
        for paragraph in paragraphs {
            let paragraph = if break_before { paragraph.page_break_before(true) } else { paragraph };
            break_before = false;
            docx = docx.add_paragraph(paragraph);
        }
    }
    docx
}

/// A4, the GB/T margins, the line grid and the page-number footers.
fn page(docx: Docx) -> Docx {
    let margin = PageMargin {
        top: MARGIN_TOP,
        left: MARGIN_LEFT,
        bottom: MARGIN_BOTTOM,
        right: MARGIN_RIGHT,
        header: HEADER_DISTANCE,
        footer: FOOTER_DISTANCE,
        gutter: 0,
    };
    let mut docx = docx
        .page_size(PAGE_WIDTH, PAGE_HEIGHT)
        .page_margin(margin)
        .default_fonts(fonts(BODY))
        .default_size(BODY.half_points)
        .footer(Footer::new().add_paragraph(page_number(AlignmentType::Right)))
        .even_footer(Footer::new().add_paragraph(page_number(AlignmentType::Left)));
    docx.document =
        docx.document.doc_grid(DocGrid::new().grid_type(DocGridType::Lines).line_pitch(LINE_PITCH as usize));
    docx
}

/// `— 1 —` with a PAGE field, one character in from the outer edge.
fn page_number(align: AlignmentType) -> Paragraph {
    let inset = Some(CHAR_4);
    let paragraph = match align {
        AlignmentType::Left => Paragraph::new().indent(inset, None, None, None),
        _ => Paragraph::new().indent(None, None, inset, None),
    };
    let field = Run::new()
        .fonts(fonts(PAGE_NUMBER))
        .size(PAGE_NUMBER.half_points)
        .add_field_char(FieldCharType::Begin, false)
        .add_instr_text(InstrText::PAGE(InstrPAGE {}))
        .add_field_char(FieldCharType::Separate, false)
        .add_text("1")
        .add_field_char(FieldCharType::End, false);
    paragraph
        .align(align)
        .line_spacing(single_lines())
        .add_run(run("— ", PAGE_NUMBER, false))
        .add_run(field)
        .add_run(run(" —", PAGE_NUMBER, false))
}

fn heading(level: u8, number: &str, content: &Inlines) -> Paragraph {
    let (face, bold) = match level {
        1 => (HEADING_1, false),
        2 => (HEADING_2, false),
        _ => (BODY, true),
    };
    let paragraph = indented(grid_paragraph()).keep_next(true).outline_lvl(usize::from(level - 1));
    let numbered = paragraph.add_run(run(number, face, bold));
    runs(
        numbered,
        &content.iter().map(|inline| Inline { bold: bold || inline.bold, ..inline.clone() }).collect(),
        face,
    )
}

/// The red issuing-body mark: centred 小标宋, as large as fits on one line.
fn red_head(content: &Inlines) -> Paragraph {
    let text: String = content.iter().map(|inline| inline.text.as_str()).collect();
    let width = width_in_chars(&text).max(1.0);
    let fitting = (f64::from(TEXT_WIDTH) / 10.0 / width).floor() as usize;
    let half_points = fitting.clamp(TITLE.half_points, RED_HEAD_MAX_HALF_POINTS);
    let face = Face { half_points, ..TITLE };
    Paragraph::new()
        .align(AlignmentType::Center)
        .snap_to_grid(false)
        .line_spacing(single_lines().after(2 * LINE_PITCH as u32))
        .add_run(run(&text, face, false).color(RED))
}

/// The 发文字号 with the red rule 4 mm below it.
fn doc_number(content: &Inlines) -> Paragraph {
    let rule = ParagraphBorder::new(ParagraphBorderPosition::Bottom)
        .val(BorderType::Single)
        .size(18)
        .space(11)
        .color(RED);
    runs(grid_paragraph().align(AlignmentType::Center), content, BODY)
        .set_borders(docx_rs::ParagraphBorders::with_empty().set(rule))
        .line_spacing(exact_lines().after(2 * LINE_PITCH as u32))
}

/// Signature lines then the date (GB/T 9704 §7.3.5.2, unsealed): the
/// signature two characters in from the right, the date below it starting
/// two characters further right; a date longer than that moves the
/// signature instead, so the date keeps two characters from the right.
fn signature(lines: &[String]) -> Vec<Paragraph> {
    let (signatures, date) = match lines {
        [] => return Vec::new(),
        [only] => (std::slice::from_ref(only), None),
        [signatures @ .., date] => (signatures, Some(date)),
    };
    let widest = signatures.iter().map(|line| width_in_chars(line)).fold(0.0, f64::max);
    let date_width = date.map(|date| width_in_chars(date)).unwrap_or(0.0);
    let signature_gap = if date.is_some() { (4.0 + date_width - widest).max(2.0) } else { 2.0 };
    let date_gap = (widest - date_width).max(2.0);
    let line = |text: &str, gap: f64, before: u32| {
        grid_paragraph()
            .align(AlignmentType::Right)
            .indent(None, None, Some(twips(gap)), None)
            .line_spacing(exact_lines().before(before))
            .keep_next(true)
            .add_run(run(text, BODY, false))
    };
    let mut paragraphs: Vec<Paragraph> = signatures
        .iter()
        .enumerate()
        .map(|(index, text)| line(text, signature_gap, if index == 0 { LINE_PITCH as u32 } else { 0 }))
        .collect();
    if let Some(date) = date {
        paragraphs.push(line(date, date_gap, 0).keep_next(false));
    }
    paragraphs
}

/// One 版记 line in 4号 仿宋: left part one character in, right part one
/// character from the right; thick rules above the first (a blank line
/// below the text) and below the last line, thin rules between.
fn imprint(left: &Inlines, right: &Inlines, first: bool, last: bool) -> Paragraph {
    let rule = |position, size| ParagraphBorder::new(position).val(BorderType::Single).size(size).space(1);
    let mut borders = docx_rs::ParagraphBorders::with_empty()
        .set(rule(ParagraphBorderPosition::Bottom, if last { 8 } else { 4 }));
    if first {
        borders = borders.set(rule(ParagraphBorderPosition::Top, 8));
    }
    let spacing = if first { exact_lines().before(LINE_PITCH as u32) } else { exact_lines() };
    let paragraph = grid_paragraph()
        .line_spacing(spacing)
        .indent(Some(CHAR_4), None, Some(CHAR_4), None)
        .add_tab(Tab::new().val(TabValueType::Right).pos((TEXT_WIDTH - CHAR_4) as usize))
        .set_borders(borders);
    let paragraph = runs(paragraph, left, SMALL);
    if right.is_empty() {
        return paragraph;
    }
    runs(paragraph.add_run(Run::new().fonts(fonts(SMALL)).size(SMALL.half_points).add_tab()), right, SMALL)
}

/// Column widths in twips: every column gets room for its widest cell
/// (one 4号 character of padding) when that fits; otherwise short columns
/// keep their room and the long ones share the rest in proportion, wrapping.
fn column_widths(table: &super::markdown::Table) -> Vec<usize> {
    const SHORT: f64 = 6.0;
    let columns = table.alignments.len().max(table.rows.iter().map(Vec::len).max().unwrap_or(0));
    let text_width = f64::from(TEXT_WIDTH);
    let desired: Vec<f64> = (0..columns)
        .map(|column| {
            let widest = table
                .rows
                .iter()
                .filter_map(|row| match row.get(column) {
                    Some(Cell::Content(inlines)) => {
                        Some(inlines.iter().map(|inline| width_in_chars(&inline.text)).sum::<f64>())
                    }
                    _ => None,
                })
                .fold(1.0, f64::max);
            (widest.ceil() + 1.0) * f64::from(CHAR_4)
        })
        .collect();
    let total: f64 = desired.iter().sum();
    let widths: Vec<f64> = if total <= text_width {
        desired.iter().map(|width| width * text_width / total).collect()
    } else {
        let floor = (SHORT + 1.0) * f64::from(CHAR_4);
        let kept: Vec<f64> = desired.iter().map(|width| width.min(floor)).collect();
        let excess: Vec<f64> = desired.iter().zip(&kept).map(|(width, kept)| width - kept).collect();
        let room = (text_width - kept.iter().sum::<f64>()).max(0.0);
        let excess_total: f64 = excess.iter().sum();
        kept.iter().zip(&excess).map(|(kept, excess)| kept + room * excess / excess_total).collect()
    };
    let mut widths: Vec<usize> = widths.iter().map(|width| width.floor() as usize).collect();
    let used: usize = widths.iter().sum();
    if let Some(last) = widths.last_mut() {
        *last += (TEXT_WIDTH as usize).saturating_sub(used);
    }
    widths
}

/// A bordered table in 4号: header row in 黑体 (repeated on every page by
/// the package pass), rows never split, `^` cells merged vertically.
fn table(table: &super::markdown::Table) -> Table {
    let widths = column_widths(table);
    let border =
        |position| TableBorder::new(position).border_type(BorderType::Single).size(4).color("000000");
    let borders = [
        TableBorderPosition::Top,
        TableBorderPosition::Left,
        TableBorderPosition::Bottom,
        TableBorderPosition::Right,
        TableBorderPosition::InsideH,
        TableBorderPosition::InsideV,
    ]
    .into_iter()
    .fold(TableBorders::with_empty(), |borders, position| borders.set(border(position)));
    let rows = table
        .rows
        .iter()
        .enumerate()
        .map(|(row_index, row)| {
            let header = row_index == 0;
            let cells = widths
                .iter()
                .enumerate()
                .map(|(column, width)| {
                    let align = if header {
                        AlignmentType::Center
                    } else {
                        match table.alignments.get(column) {
                            Some(Align::Center) => AlignmentType::Center,
                            Some(Align::Right) => AlignmentType::Right,
                            _ => AlignmentType::Left,
                        }
                    };
                    let paragraph =
                        Paragraph::new().align(align).snap_to_grid(false).line_spacing(single_lines());
                    let cell =
                        TableCell::new().width(*width, WidthType::Dxa).vertical_align(VAlignType::Center);
                    let merges_below = matches!(
                        table.rows.get(row_index + 1).and_then(|below| below.get(column)),
                        Some(Cell::MergeUp)
                    );
                    match row.get(column) {
                        Some(Cell::MergeUp) => {
                            cell.vertical_merge(VMergeType::Continue).add_paragraph(paragraph)
                        }
                        content => {
                            let inlines = match content {
                                Some(Cell::Content(inlines)) => inlines.clone(),
                                _ => Vec::new(),
                            };
                            let face = if header { SMALL_HEADING } else { SMALL };
                            let cell =
                                if merges_below { cell.vertical_merge(VMergeType::Restart) } else { cell };
                            cell.add_paragraph(runs(paragraph, &inlines, face))
                        }
                    }
                })
                .collect();
            TableRow::new(cells).cant_split()
        })
        .collect();
    Table::new(rows)
        .set_grid(widths)
        .width(TEXT_WIDTH as usize, WidthType::Dxa)
        .layout(TableLayoutType::Fixed)
        .set_borders(borders)
}
