//! Writing WordprocessingML text directly: paragraphs, runs, tables and
//! their properties, each property in ECMA-376 schema order (Part 1,
//! transitional), values escaped. It knows the markup, not the layout:
//! which numbers go where is [`super::layout`]'s job. No character XML
//! forbids is ever written, whatever text it is handed.

use std::fmt::Write;

use crate::input::control::is_forbidden_in_xml;

/// The `w:` namespace.
pub(super) const W_NAMESPACE: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
/// The `r:` namespace of relationship ids.
pub(super) const R_NAMESPACE: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
/// The DrawingML namespaces: word-processing drawings, the main one, charts.
pub(super) const WP_NAMESPACE: &str =
    "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing";
pub(super) const A_NAMESPACE: &str = "http://schemas.openxmlformats.org/drawingml/2006/main";
pub(super) const C_NAMESPACE: &str = "http://schemas.openxmlformats.org/drawingml/2006/chart";
/// The declaration every part starts with.
pub(super) const DECLARATION: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n";

/// In a run's text, a line break inside the paragraph (`<w:br/>`): U+2028
/// LINE SEPARATOR.
pub(super) const LINE_BREAK: char = '\u{2028}';

/// Appends `text` with `&`, `<`, `>` and `"` escaped (safe in text and in
/// attribute values) and any character XML forbids dropped: cells are
/// cleaned as they are read, but a template edited by a user may still
/// hold one.
pub(super) fn escape(out: &mut String, text: &str) {
    let mut rest = text;
    while let Some(at) = rest.find(|c| matches!(c, '&' | '<' | '>' | '"') || is_forbidden_in_xml(c)) {
        out.push_str(&rest[..at]);
        let c = rest[at..].chars().next().expect("a character at a match");
        out.push_str(match c {
            '&' => "&amp;",
            '<' => "&lt;",
            '>' => "&gt;",
            '"' => "&quot;",
            _ => "",
        });
        rest = &rest[at + c.len_utf8()..];
    }
    out.push_str(rest);
}

/// Paragraph or table alignment (`w:jc`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Justify {
    Left,
    Center,
    Right,
    Both,
}

impl Justify {
    fn value(self) -> &'static str {
        match self {
            Justify::Left => "left",
            Justify::Center => "center",
            Justify::Right => "right",
            Justify::Both => "both",
        }
    }
}

/// A line rule for `w:spacing`: exact twips, or 240ths of single spacing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Line {
    Exact(i32),
    Auto(i32),
}

/// One paragraph border (`w:top`, `w:bottom` of `w:pBdr`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Border {
    /// Eighths of a point.
    pub size: u32,
    /// Points between the border and the text.
    pub space: u32,
    pub color: &'static str,
}

/// Paragraph properties kaohe uses; [`ParagraphProperties::write`] puts
/// them in schema order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(super) struct ParagraphProperties {
    pub keep_next: bool,
    pub page_break_before: bool,
    pub border_top: Option<Border>,
    pub border_bottom: Option<Border>,
    /// A left-aligned tab stop at this position (twips).
    pub left_tab: Option<i32>,
    /// A right-aligned tab stop at this position (twips).
    pub right_tab: Option<i32>,
    /// The right tab stop is led up to by dots (a contents line).
    pub dot_leader: bool,
    /// `Some(false)` turns off snapping to the document grid.
    pub snap_to_grid: Option<bool>,
    pub before: Option<i32>,
    pub after: Option<i32>,
    pub line: Option<Line>,
    pub indent_left: Option<i32>,
    pub indent_right: Option<i32>,
    pub first_line: Option<i32>,
    pub justify: Option<Justify>,
    pub outline_level: Option<u8>,
}

impl ParagraphProperties {
    /// `<w:pPr>…</w:pPr>`, or nothing when no property is set.
    pub(super) fn write(&self, out: &mut String) {
        if *self != ParagraphProperties::default() {
            out.push_str("<w:pPr>");
            self.write_children(out);
            out.push_str("</w:pPr>");
        }
    }

    /// The children alone, for a `w:pPr` that also holds a `w:sectPr`.
    pub(super) fn write_children(&self, out: &mut String) {
        if self.keep_next {
            out.push_str("<w:keepNext/>");
        }
        if self.page_break_before {
            out.push_str("<w:pageBreakBefore/>");
        }
        if self.border_top.is_some() || self.border_bottom.is_some() {
            out.push_str("<w:pBdr>");
            for (side, border) in [("top", self.border_top), ("bottom", self.border_bottom)] {
                if let Some(Border { size, space, color }) = border {
                    let _ = write!(
                        out,
                        "<w:{side} w:val=\"single\" w:sz=\"{size}\" w:space=\"{space}\" w:color=\"{color}\"/>"
                    );
                }
            }
            out.push_str("</w:pBdr>");
        }
        if self.left_tab.is_some() || self.right_tab.is_some() {
            out.push_str("<w:tabs>");
            let leader = if self.dot_leader { " w:leader=\"dot\"" } else { "" };
            for (kind, position, leader) in [("left", self.left_tab, ""), ("right", self.right_tab, leader)] {
                if let Some(position) = position {
                    let _ = write!(out, "<w:tab w:val=\"{kind}\"{leader} w:pos=\"{position}\"/>");
                }
            }
            out.push_str("</w:tabs>");
        }
        if let Some(snap) = self.snap_to_grid {
            out.push_str(if snap { "<w:snapToGrid/>" } else { "<w:snapToGrid w:val=\"0\"/>" });
        }
        if self.before.is_some() || self.after.is_some() || self.line.is_some() {
            out.push_str("<w:spacing");
            if let Some(before) = self.before {
                let _ = write!(out, " w:before=\"{before}\"");
            }
            if let Some(after) = self.after {
                let _ = write!(out, " w:after=\"{after}\"");
            }
            match self.line {
                Some(Line::Exact(twips)) => {
                    let _ = write!(out, " w:line=\"{twips}\" w:lineRule=\"exact\"");
                }
                Some(Line::Auto(amount)) => {
                    let _ = write!(out, " w:line=\"{amount}\" w:lineRule=\"auto\"");
                }
                None => {}
            }
            out.push_str("/>");
        }
        if self.indent_left.is_some() || self.indent_right.is_some() || self.first_line.is_some() {
            out.push_str("<w:ind");
            for (name, value) in
                [("left", self.indent_left), ("right", self.indent_right), ("firstLine", self.first_line)]
            {
                if let Some(value) = value {
                    let _ = write!(out, " w:{name}=\"{value}\"");
                }
            }
            out.push_str("/>");
        }
        if let Some(justify) = self.justify {
            let _ = write!(out, "<w:jc w:val=\"{}\"/>", justify.value());
        }
        if let Some(level) = self.outline_level {
            let _ = write!(out, "<w:outlineLvl w:val=\"{level}\"/>");
        }
    }
}

/// Run properties kaohe uses, written in schema order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(super) struct RunProperties {
    /// (Latin font, East-Asian font); the Latin one also serves complex scripts.
    pub fonts: Option<(&'static str, &'static str)>,
    pub bold: bool,
    pub color: Option<&'static str>,
    /// Character spacing in twentieths of a point (negative condenses).
    pub spacing: Option<i32>,
    pub half_points: Option<usize>,
}

impl RunProperties {
    /// `<w:rPr>…</w:rPr>`, or nothing when no property is set.
    pub(super) fn write(&self, out: &mut String) {
        if *self == RunProperties::default() {
            return;
        }
        out.push_str("<w:rPr>");
        if let Some((latin, east_asian)) = self.fonts {
            let _ = write!(
                out,
                "<w:rFonts w:ascii=\"{latin}\" w:hAnsi=\"{latin}\" w:eastAsia=\"{east_asian}\" w:cs=\"{latin}\"/>"
            );
        }
        if self.bold {
            out.push_str("<w:b/><w:bCs/>");
        }
        if let Some(color) = self.color {
            let _ = write!(out, "<w:color w:val=\"{color}\"/>");
        }
        if let Some(spacing) = self.spacing {
            let _ = write!(out, "<w:spacing w:val=\"{spacing}\"/>");
        }
        if let Some(size) = self.half_points {
            let _ = write!(out, "<w:sz w:val=\"{size}\"/><w:szCs w:val=\"{size}\"/>");
        }
        out.push_str("</w:rPr>");
    }
}

/// A run of `text` (kept as is, spaces included), each [`LINE_BREAK`] a
/// `<w:br/>` between its lines.
pub(super) fn run(out: &mut String, properties: &RunProperties, text: &str) {
    out.push_str("<w:r>");
    properties.write(out);
    for (index, line) in text.split(LINE_BREAK).enumerate() {
        if index > 0 {
            out.push_str("<w:br/>");
        }
        out.push_str("<w:t xml:space=\"preserve\">");
        escape(out, line);
        out.push_str("</w:t>");
    }
    out.push_str("</w:r>");
}

/// A run holding only a tab character.
pub(super) fn tab_run(out: &mut String, properties: &RunProperties) {
    out.push_str("<w:r>");
    properties.write(out);
    out.push_str("<w:tab/></w:r>");
}

/// A run holding a chart as an inline drawing `width` × `height` EMU: the
/// chart part behind relationship `relationship`, drawing `id` of the
/// document, `title` its alternative text. The DrawingML namespaces are
/// declared where they are used, as Word writes them.
pub(super) fn chart_run(
    out: &mut String,
    relationship: &str,
    id: usize,
    title: &str,
    width: i64,
    height: i64,
) {
    let _ = write!(
        out,
        concat!(
            "<w:r><w:drawing><wp:inline xmlns:wp=\"{wp}\" distT=\"0\" distB=\"0\" distL=\"0\" distR=\"0\">",
            "<wp:extent cx=\"{width}\" cy=\"{height}\"/><wp:effectExtent l=\"0\" t=\"0\" r=\"0\" b=\"0\"/>",
            "<wp:docPr id=\"{id}\" name=\"图表 {id}\" descr=\""
        ),
        wp = WP_NAMESPACE,
        width = width,
        height = height,
        id = id,
    );
    escape(out, title);
    let _ = write!(
        out,
        concat!(
            "\"/><wp:cNvGraphicFramePr/><a:graphic xmlns:a=\"{a}\"><a:graphicData uri=\"{c}\">",
            "<c:chart xmlns:c=\"{c}\" r:id=\"{relationship}\"/></a:graphicData></a:graphic></wp:inline></w:drawing></w:r>"
        ),
        a = A_NAMESPACE,
        c = C_NAMESPACE,
        relationship = relationship,
    );
}

/// A paragraph holding only a page break.
pub(super) fn page_break(out: &mut String) {
    out.push_str("<w:p><w:r><w:br w:type=\"page\"/></w:r></w:p>");
}

/// A `PAGE` field showing `1` until the reader updates it, every run in `properties`.
pub(super) fn page_field(out: &mut String, properties: &RunProperties) {
    field(out, properties, " PAGE ", "1", false);
}

/// A `PAGEREF` field: the page number of bookmark `bookmark`, showing
/// `cached` until the reader updates it, marked for updating (`w:dirty`).
pub(super) fn page_reference(out: &mut String, properties: &RunProperties, bookmark: &str, cached: u32) {
    field(out, properties, &format!(" PAGEREF {bookmark} \\h "), &cached.to_string(), true);
}

/// A field of `instruction` showing `result`, every run in `properties`;
/// `dirty` asks the reader to compute it again on opening.
fn field(out: &mut String, properties: &RunProperties, instruction: &str, result: &str, dirty: bool) {
    let begin = if dirty {
        "<w:fldChar w:fldCharType=\"begin\" w:dirty=\"true\"/>"
    } else {
        "<w:fldChar w:fldCharType=\"begin\"/>"
    };
    let mut instruction_text = String::from("<w:instrText xml:space=\"preserve\">");
    escape(&mut instruction_text, instruction);
    instruction_text.push_str("</w:instrText>");
    let mut result_text = String::from("<w:t>");
    escape(&mut result_text, result);
    result_text.push_str("</w:t>");
    for content in [
        begin,
        &instruction_text,
        "<w:fldChar w:fldCharType=\"separate\"/>",
        &result_text,
        "<w:fldChar w:fldCharType=\"end\"/>",
    ] {
        out.push_str("<w:r>");
        properties.write(out);
        out.push_str(content);
        out.push_str("</w:r>");
    }
}

/// A bookmark named `name` (number `id` of the document) marking a point.
pub(super) fn bookmark(out: &mut String, id: usize, name: &str) {
    let _ = write!(out, "<w:bookmarkStart w:id=\"{id}\" w:name=\"{name}\"/><w:bookmarkEnd w:id=\"{id}\"/>");
}

/// How a table cell takes part in a vertical merge.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum VerticalMerge {
    None,
    Restart,
    Continue,
}

/// `<w:tc>` opening with its width, merge and centred vertical alignment.
pub(super) fn start_cell(out: &mut String, width: i32, merge: VerticalMerge) {
    let _ = write!(out, "<w:tc><w:tcPr><w:tcW w:w=\"{width}\" w:type=\"dxa\"/>");
    match merge {
        VerticalMerge::None => {}
        VerticalMerge::Restart => out.push_str("<w:vMerge w:val=\"restart\"/>"),
        VerticalMerge::Continue => out.push_str("<w:vMerge w:val=\"continue\"/>"),
    }
    out.push_str("<w:vAlign w:val=\"center\"/></w:tcPr>");
}

/// `<w:tbl>` opening: fixed layout at `width`, single black borders all
/// round and inside, and the column grid.
pub(super) fn start_table(out: &mut String, width: i32, columns: &[i32]) {
    let _ = write!(out, "<w:tbl><w:tblPr><w:tblW w:w=\"{width}\" w:type=\"dxa\"/><w:tblBorders>");
    for side in ["top", "left", "bottom", "right", "insideH", "insideV"] {
        let _ = write!(out, "<w:{side} w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\"/>");
    }
    out.push_str("</w:tblBorders><w:tblLayout w:type=\"fixed\"/></w:tblPr><w:tblGrid>");
    for column in columns {
        let _ = write!(out, "<w:gridCol w:w=\"{column}\"/>");
    }
    out.push_str("</w:tblGrid>");
}

/// `<w:tr>` opening: never split across pages; a header row repeats on each page.
pub(super) fn start_row(out: &mut String, header: bool) {
    out.push_str(if header {
        "<w:tr><w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>"
    } else {
        "<w:tr><w:trPr><w:cantSplit/></w:trPr>"
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_characters_only() {
        let mut out = String::new();
        escape(&mut out, "A&B <党支部> \"一\" '二'");
        assert_eq!(out, "A&amp;B &lt;党支部&gt; &quot;一&quot; '二'");
    }

    #[test]
    fn characters_xml_forbids_are_dropped() {
        let mut out = String::new();
        escape(&mut out, "第一\u{B}党\u{0}支部\u{C}<\u{1F}\u{FFFE}\u{FFFF}\t\n");
        assert_eq!(out, "第一党支部&lt;\t\n");
    }

    #[test]
    fn a_line_break_in_a_run_is_a_w_br() {
        let mut out = String::new();
        run(&mut out, &RunProperties::default(), "组织生活\u{2028}记录不全\u{2028}");
        assert_eq!(
            out,
            concat!(
                "<w:r><w:t xml:space=\"preserve\">组织生活</w:t><w:br/>",
                "<w:t xml:space=\"preserve\">记录不全</w:t><w:br/><w:t xml:space=\"preserve\"></w:t></w:r>"
            )
        );
    }

    #[test]
    fn paragraph_properties_come_in_schema_order() {
        let properties = ParagraphProperties {
            keep_next: true,
            border_bottom: Some(Border { size: 8, space: 1, color: "auto" }),
            right_tab: Some(8565),
            snap_to_grid: Some(false),
            before: Some(579),
            line: Some(Line::Exact(579)),
            indent_right: Some(630),
            justify: Some(Justify::Right),
            ..ParagraphProperties::default()
        };
        let mut out = String::new();
        properties.write(&mut out);
        assert_eq!(
            out,
            concat!(
                "<w:pPr><w:keepNext/>",
                "<w:pBdr><w:bottom w:val=\"single\" w:sz=\"8\" w:space=\"1\" w:color=\"auto\"/></w:pBdr>",
                "<w:tabs><w:tab w:val=\"right\" w:pos=\"8565\"/></w:tabs><w:snapToGrid w:val=\"0\"/>",
                "<w:spacing w:before=\"579\" w:line=\"579\" w:lineRule=\"exact\"/>",
                "<w:ind w:right=\"630\"/><w:jc w:val=\"right\"/></w:pPr>"
            )
        );
        let mut empty = String::new();
        ParagraphProperties::default().write(&mut empty);
        assert_eq!(empty, "");
    }

    #[test]
    fn runs_keep_spaces_and_escape_text() {
        let mut out = String::new();
        let properties = RunProperties { bold: true, half_points: Some(28), ..RunProperties::default() };
        run(&mut out, &properties, " a<b ");
        assert_eq!(
            out,
            "<w:r><w:rPr><w:b/><w:bCs/><w:sz w:val=\"28\"/><w:szCs w:val=\"28\"/></w:rPr><w:t xml:space=\"preserve\"> a&lt;b </w:t></w:r>"
        );
    }
}
