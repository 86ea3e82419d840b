//! kaohe's Markdown dialect (documented in `templates/README.md`): the text a
//! template renders is parsed with pulldown-cmark into [`Block`]s that the
//! layout turns into GB/T 9704 paragraphs and tables. This module knows the
//! dialect, not Word.
//!
//! Directives are written as empty HTML-style tags (`<marking/>`) at the start
//! of a paragraph; `<br/>` anywhere is a line break inside the paragraph or
//! table cell. Values put into a template are backslash-escaped by
//! [`escape`], so a unit name can never open a directive, a table cell or a
//! heading; a line break in a value becomes `<br/>`.

use pulldown_cmark::{Alignment, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

use super::ooxml::LINE_BREAK;

/// A run of text with its emphasis; a U+2028 in it is a line break.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Inline {
    pub text: String,
    pub bold: bool,
    /// `*text*`: set in 楷体.
    pub italic: bool,
}

pub type Inlines = Vec<Inline>;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Align {
    Left,
    Center,
    Right,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Cell {
    Content(Inlines),
    /// A cell holding only `^`: merged with the cell above.
    MergeUp,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Table {
    pub alignments: Vec<Align>,
    /// The first row is the header, repeated on every page.
    pub rows: Vec<Vec<Cell>>,
}

/// Which of the bulletin's charts a chart directive places.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChartKind {
    /// Units per grade, the grades in band order.
    Grades,
    /// The average N_c of each category.
    Categories,
}

impl ChartKind {
    /// The title a chart directive without text gets.
    pub fn default_title(self) -> &'static str {
        match self {
            ChartKind::Grades => "各等次单位数",
            ChartKind::Categories => "各类别平均得分",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Block {
    /// `# 标题`
    Title(Inlines),
    /// `##` → `一、`, `###` → `（一）`, `####` → `1.`: `level` 1..=3, `number` already formatted.
    Heading {
        level: u8,
        number: String,
        content: Inlines,
    },
    Paragraph(Inlines),
    Table(Table),
    /// `---`
    PageBreak,
    /// `<marking/>内部资料`: the 密级 line at the top left.
    Marking(Inlines),
    /// `<addressee/>各参评单位：`: the 主送 line, flush left.
    Addressee(Inlines),
    /// `<annex/>附件`: a new page starting with the 附件 label at the top left.
    Annex(Inlines),
    /// `<redhead/>…文件`: the red issuing-body mark of the 版头.
    RedHead(Inlines),
    /// `<docno/>…〔2026〕1号`: the 发文字号 above the red rule.
    DocNumber(Inlines),
    /// `> 署名` / `> 日期`: signature lines, the last one the date when there are several.
    Signature(Vec<String>),
    /// `<imprint/>左<right/>右`: one line of the 版记.
    Imprint {
        left: Inlines,
        right: Inlines,
    },
    /// `<gradechart/>标题`, `<categorychart/>标题`: a chart of the bulletin,
    /// its title the text after the directive (without one,
    /// [`ChartKind::default_title`]).
    Chart {
        kind: ChartKind,
        title: String,
    },
}

/// The directive tags a paragraph may start with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Directive {
    Marking,
    Addressee,
    Annex,
    RedHead,
    DocNumber,
    Imprint,
    Chart(ChartKind),
}

fn directive(tag: &str) -> Option<Directive> {
    match tag_name(tag)? {
        "marking" => Some(Directive::Marking),
        "addressee" => Some(Directive::Addressee),
        "annex" => Some(Directive::Annex),
        "redhead" => Some(Directive::RedHead),
        "docno" => Some(Directive::DocNumber),
        "imprint" => Some(Directive::Imprint),
        "gradechart" => Some(Directive::Chart(ChartKind::Grades)),
        "categorychart" => Some(Directive::Chart(ChartKind::Categories)),
        _ => None,
    }
}

/// `<name/>` or `<name>` → `name`.
fn tag_name(tag: &str) -> Option<&str> {
    let inner = tag.trim().strip_prefix('<')?.strip_suffix('>')?;
    Some(inner.strip_suffix('/').unwrap_or(inner).trim())
}

/// Escapes a value for the dialect: every ASCII punctuation character gets a
/// backslash (CommonMark allows that for each), a line break (`\n`, `\r\n`
/// or `\r`) becomes `<br/>`, a tab a space.
pub fn escape(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 8);
    let mut chars = value.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' | '\r' => out.push_str("<br/>"),
            '\t' => out.push(' '),
            c if c.is_ascii_punctuation() => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

/// Parses rendered template text into blocks.
pub fn parse(source: &str) -> Vec<Block> {
    let mut builder = Builder { source, blocks: Vec::new(), numbers: [0; 3] };
    let events: Vec<(Event, std::ops::Range<usize>)> =
        Parser::new_ext(source, Options::ENABLE_TABLES).into_offset_iter().collect();
    builder.blocks_from(&events);
    builder.blocks
}

struct Builder<'a> {
    source: &'a str,
    blocks: Vec<Block>,
    /// Counters of the three heading levels.
    numbers: [u32; 3],
}

/// Collects inline content: text runs with emphasis, and the `<right/>` split.
#[derive(Default)]
struct InlineCollector {
    runs: Inlines,
    right: Option<Inlines>,
    bold: u32,
    italic: u32,
}

impl InlineCollector {
    fn push(&mut self, text: &str) {
        let bold = self.bold > 0;
        let italic = self.italic > 0;
        let target = self.right.as_mut().unwrap_or(&mut self.runs);
        match target.last_mut() {
            Some(last) if last.bold == bold && last.italic == italic => last.text.push_str(text),
            _ => target.push(Inline { text: text.to_owned(), bold, italic }),
        }
    }

    /// Feeds one inline event; returns false for events that are not inline.
    fn feed(&mut self, event: &Event) -> bool {
        match event {
            Event::Text(text) | Event::Code(text) => self.push(text),
            Event::SoftBreak | Event::HardBreak => self.push("\n"),
            Event::Start(Tag::Strong) => self.bold += 1,
            Event::End(TagEnd::Strong) => self.bold -= 1,
            Event::Start(Tag::Emphasis) => self.italic += 1,
            Event::End(TagEnd::Emphasis) => self.italic -= 1,
            Event::InlineHtml(tag) if tag_name(tag) == Some("right") => self.right = Some(Vec::new()),
            Event::InlineHtml(tag) if tag_name(tag) == Some("br") => {
                self.push(LINE_BREAK.encode_utf8(&mut [0; 4]))
            }
            Event::InlineHtml(tag) => self.push(tag),
            _ => return false,
        }
        true
    }
}

/// Drops soft line breaks (a Chinese paragraph has no spaces between lines).
fn joined(runs: Inlines) -> Inlines {
    runs.into_iter()
        .map(|run| Inline { text: run.text.replace('\n', ""), ..run })
        .filter(|run| !run.text.is_empty())
        .collect()
}

fn plain_inline(text: &str) -> Inline {
    Inline { text: text.to_owned(), bold: false, italic: false }
}

fn plain(runs: &Inlines) -> String {
    runs.iter().map(|run| run.text.as_str()).collect()
}

/// `1 → 一`, `12 → 十二`, `20 → 二十`, up to 99.
pub fn chinese_number(n: u32) -> String {
    const DIGITS: [&str; 10] = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    match n {
        0..=9 => DIGITS[n as usize].to_owned(),
        10..=19 => format!("十{}", if n == 10 { "" } else { DIGITS[(n % 10) as usize] }),
        _ => format!(
            "{}十{}",
            DIGITS[(n / 10 % 10) as usize],
            if n.is_multiple_of(10) { "" } else { DIGITS[(n % 10) as usize] }
        ),
    }
}

impl Builder<'_> {
    fn blocks_from(&mut self, events: &[(Event, std::ops::Range<usize>)]) {
        let mut at = 0;
        while at < events.len() {
            at = self.block(events, at);
        }
    }

    /// Reads one block starting at `at`; returns the index after it.
    fn block(&mut self, events: &[(Event, std::ops::Range<usize>)], at: usize) -> usize {
        let (event, _) = &events[at];
        match event {
            Event::Start(Tag::Heading { level, .. }) => {
                let (runs, next) = inlines_until(events, at + 1);
                let content = joined(runs.runs);
                let block = match level {
                    HeadingLevel::H1 => {
                        self.numbers = [0; 3];
                        Block::Title(content)
                    }
                    HeadingLevel::H2 => self.heading(1, content),
                    HeadingLevel::H3 => self.heading(2, content),
                    _ => self.heading(3, content),
                };
                self.blocks.push(block);
                next
            }
            Event::Start(Tag::Paragraph) => {
                let first_directive = match events.get(at + 1) {
                    Some((Event::InlineHtml(tag), _)) => directive(tag),
                    _ => None,
                };
                let start = if first_directive.is_some() { at + 2 } else { at + 1 };
                let (collected, next) = inlines_until(events, start);
                let right = collected.right.map(joined).unwrap_or_default();
                let block = self.directive_block(first_directive, joined(collected.runs), right);
                self.blocks.push(block);
                next
            }
            Event::Rule => {
                self.blocks.push(Block::PageBreak);
                at + 1
            }
            Event::Start(Tag::BlockQuote(_)) => {
                let (collected, next) = inlines_until(events, at + 1);
                let lines = plain(&collected.runs)
                    .split('\n')
                    .map(str::trim)
                    .filter(|line| !line.is_empty())
                    .map(str::to_owned)
                    .collect();
                self.blocks.push(Block::Signature(lines));
                next
            }
            Event::Start(Tag::Table(alignments)) => self.table(events, at, alignments),
            Event::Start(Tag::List(first)) => {
                let mut number = *first;
                let mut index = at + 1;
                while let Some((event, _)) = events.get(index) {
                    match event {
                        Event::End(TagEnd::List(_)) => return index + 1,
                        Event::Start(Tag::Item) => {
                            let (collected, next) = inlines_until(events, index + 1);
                            let mut runs = joined(collected.runs);
                            if let Some(n) = number.as_mut() {
                                runs.insert(0, Inline { text: format!("{n}."), bold: false, italic: false });
                                *n += 1;
                            }
                            self.blocks.push(Block::Paragraph(runs));
                            index = next;
                        }
                        _ => index += 1,
                    }
                }
                index
            }
            // A directive alone on its line is an HTML block to CommonMark.
            Event::Html(text) => {
                let text = text.trim();
                let block = match directive(text) {
                    Some(directive) => self.directive_block(Some(directive), Vec::new(), Vec::new()),
                    None => Block::Paragraph(joined(vec![plain_inline(text)])),
                };
                self.blocks.push(block);
                at + 1
            }
            // Text indented by four spaces stays text.
            Event::Start(Tag::CodeBlock(_)) => {
                let (collected, next) = inlines_until(events, at + 1);
                let text = plain(&collected.runs);
                let lines = text.lines().map(str::trim).filter(|line| !line.is_empty());
                self.blocks.extend(lines.map(|line| Block::Paragraph(vec![plain_inline(line)])));
                next
            }
            _ => at + 1,
        }
    }

    /// The block a paragraph starting with `directive` makes; `right` is
    /// what followed `<right/>`, which only the 版记 sets apart.
    fn directive_block(&mut self, directive: Option<Directive>, runs: Inlines, right: Inlines) -> Block {
        let all = || runs.iter().chain(&right).cloned().collect::<Inlines>();
        match directive {
            None => Block::Paragraph(all()),
            Some(Directive::Marking) => Block::Marking(all()),
            Some(Directive::Addressee) => Block::Addressee(all()),
            Some(Directive::Annex) => {
                self.numbers = [0; 3];
                Block::Annex(all())
            }
            Some(Directive::RedHead) => Block::RedHead(all()),
            Some(Directive::DocNumber) => Block::DocNumber(all()),
            Some(Directive::Imprint) => Block::Imprint { left: runs.clone(), right: right.clone() },
            Some(Directive::Chart(kind)) => {
                let title = plain(&all()).trim().to_owned();
                let title = if title.is_empty() { kind.default_title().to_owned() } else { title };
                Block::Chart { kind, title }
            }
        }
    }

    fn heading(&mut self, level: u8, content: Inlines) -> Block {
        let index = usize::from(level - 1);
        self.numbers[index] += 1;
        for deeper in &mut self.numbers[index + 1..] {
            *deeper = 0;
        }
        let n = self.numbers[index];
        let number = match level {
            1 => format!("{}、", chinese_number(n)),
            2 => format!("（{}）", chinese_number(n)),
            _ => format!("{n}."),
        };
        Block::Heading { level, number, content }
    }

    fn table(
        &mut self,
        events: &[(Event, std::ops::Range<usize>)],
        at: usize,
        alignments: &[Alignment],
    ) -> usize {
        let alignments = alignments
            .iter()
            .map(|alignment| match alignment {
                Alignment::Center => Align::Center,
                Alignment::Right => Align::Right,
                Alignment::Left | Alignment::None => Align::Left,
            })
            .collect();
        let mut rows: Vec<Vec<Cell>> = Vec::new();
        let mut index = at + 1;
        while let Some((event, range)) = events.get(index) {
            match event {
                Event::End(TagEnd::Table) => {
                    index += 1;
                    break;
                }
                Event::Start(Tag::TableHead) | Event::Start(Tag::TableRow) => {
                    rows.push(Vec::new());
                    index += 1;
                }
                Event::Start(Tag::TableCell) => {
                    let raw = self.source.get(range.clone()).unwrap_or("").trim();
                    let raw = raw.trim_start_matches('|').trim_end_matches('|').trim();
                    let (collected, next) = inlines_until(events, index + 1);
                    let cell = if raw == "^" { Cell::MergeUp } else { Cell::Content(joined(collected.runs)) };
                    if let Some(row) = rows.last_mut() {
                        row.push(cell);
                    }
                    index = next;
                }
                _ => index += 1,
            }
        }
        self.blocks.push(Block::Table(Table { alignments, rows }));
        index
    }
}

/// Collects inline events from `at` until the end of the enclosing block
/// (paragraphs inside a block quote or list item are joined by line breaks).
/// Returns the collected runs and the index after the block's end.
fn inlines_until(events: &[(Event, std::ops::Range<usize>)], at: usize) -> (InlineCollector, usize) {
    let mut collector = InlineCollector::default();
    let mut depth = 0usize;
    let mut index = at;
    while let Some((event, _)) = events.get(index) {
        index += 1;
        if collector.feed(event) {
            continue;
        }
        match event {
            Event::Start(Tag::Paragraph) if depth == 0 && !collector.runs.is_empty() => {
                collector.push("\n");
                depth += 1;
            }
            Event::Start(_) => depth += 1,
            Event::End(_) if depth == 0 => return (collector, index),
            Event::End(_) => depth -= 1,
            _ => {}
        }
    }
    (collector, index)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(value: &str) -> Inlines {
        vec![Inline { text: value.to_owned(), bold: false, italic: false }]
    }

    #[test]
    fn maps_the_dialect_to_blocks() {
        let source = "<marking/>内部资料\n\n# 标题\n\n## 总体情况\n\n正文**加粗**。\n\n### 细项\n\n## 问题\n\n---\n\n> 考核办\n> 2026年1月15日\n";
        let blocks = parse(source);
        assert_eq!(blocks[0], Block::Marking(text("内部资料")));
        assert_eq!(blocks[1], Block::Title(text("标题")));
        assert_eq!(blocks[2], Block::Heading { level: 1, number: "一、".into(), content: text("总体情况") });
        assert_eq!(
            blocks[3],
            Block::Paragraph(vec![
                Inline { text: "正文".into(), bold: false, italic: false },
                Inline { text: "加粗".into(), bold: true, italic: false },
                Inline { text: "。".into(), bold: false, italic: false },
            ])
        );
        assert_eq!(blocks[4], Block::Heading { level: 2, number: "（一）".into(), content: text("细项") });
        assert_eq!(blocks[5], Block::Heading { level: 1, number: "二、".into(), content: text("问题") });
        assert_eq!(blocks[6], Block::PageBreak);
        assert_eq!(blocks[7], Block::Signature(vec!["考核办".into(), "2026年1月15日".into()]));
    }

    #[test]
    fn escaped_values_stay_text() {
        let name = escape("1. <marking/>第|一*支部_#^");
        let source = format!("| 类别 | 单位 |\n|---|---|\n| {name} | ^ |\n| \\^ | {name} |\n\n{name}\n");
        let blocks = parse(&source);
        let Block::Table(table) = &blocks[0] else { panic!("{blocks:?}") };
        assert_eq!(table.rows[1], vec![Cell::Content(text("1. <marking/>第|一*支部_#^")), Cell::MergeUp]);
        assert_eq!(table.rows[2][0], Cell::Content(text("^")));
        assert_eq!(blocks[1], Block::Paragraph(text("1. <marking/>第|一*支部_#^")));
    }

    #[test]
    fn line_breaks_in_values_stay_line_breaks() {
        let value = escape("组织生活\n记录\r\n不全\r完");
        assert_eq!(value, "组织生活<br/>记录<br/>不全<br/>完");
        let source = format!("| 原因 |\n|---|\n| {value} |\n\n{value}\n\n> {value}\n> 2026年1月15日\n");
        let broken = ["组织生活", "记录", "不全", "完"].join(&LINE_BREAK.to_string());
        let blocks = parse(&source);
        let Block::Table(table) = &blocks[0] else { panic!("{blocks:?}") };
        assert_eq!(table.rows[1], vec![Cell::Content(text(&broken))]);
        assert_eq!(blocks[1], Block::Paragraph(text(&broken)));
        assert_eq!(blocks[2], Block::Signature(vec![broken.clone(), "2026年1月15日".into()]));
    }

    #[test]
    fn chart_directives_take_the_text_after_them_as_the_title() {
        let blocks = parse("<gradechart/>各等次 *单位* 数\n\n<categorychart/>\n\n<categorychart/>  \n");
        assert_eq!(
            blocks,
            [
                Block::Chart { kind: ChartKind::Grades, title: "各等次 单位 数".into() },
                Block::Chart { kind: ChartKind::Categories, title: "各类别平均得分".into() },
                Block::Chart { kind: ChartKind::Categories, title: "各类别平均得分".into() },
            ]
        );
    }

    #[test]
    fn a_lone_directive_and_indented_text_are_kept() {
        let blocks = parse("<docno/>\n\n    缩进的文字\n");
        assert_eq!(blocks, [Block::DocNumber(Vec::new()), Block::Paragraph(text("缩进的文字"))]);
    }

    #[test]
    fn imprint_splits_at_right() {
        let blocks = parse("<imprint/>机关党委<right/>2026年1月15日印发\n");
        assert_eq!(blocks[0], Block::Imprint { left: text("机关党委"), right: text("2026年1月15日印发") });
        let blocks = parse("左<right/>右\n");
        let Block::Paragraph(runs) = &blocks[0] else { panic!("{blocks:?}") };
        assert_eq!(plain(runs), "左右", "elsewhere <right/> only joins");
    }

    #[test]
    fn chinese_numbers() {
        assert_eq!(chinese_number(1), "一");
        assert_eq!(chinese_number(10), "十");
        assert_eq!(chinese_number(12), "十二");
        assert_eq!(chinese_number(20), "二十");
        assert_eq!(chinese_number(35), "三十五");
    }
}
