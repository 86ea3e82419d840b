//! Diagnostics: every problem kaohe finds in the input, with the most specific
//! place it can name (`FILE:SHEET!CELL`), a message in Chinese and English and
//! an optional hint (docs/提示信息.md). Validation collects them all instead
//! of stopping at the first; this module only knows how to hold and print
//! them — and, in [`Failure`], how a run that stops short is told to the user
//! and which exit status it ends with (docs/命令.md, 退出状态).

use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;

use rust_xlsxwriter::utility::column_number_to_name;

/// Language of user-facing messages (`--lang`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Lang {
    #[default]
    Zh,
    En,
}

/// A message in both languages; which one is shown is chosen at print time.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Text {
    pub zh: String,
    pub en: String,
}

impl Text {
    pub fn new(zh: impl Into<String>, en: impl Into<String>) -> Self {
        Text { zh: zh.into(), en: en.into() }
    }

    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::Zh => &self.zh,
            Lang::En => &self.en,
        }
    }
}

/// Builds a [`Text`] from two format strings: `text!("“{v}” 不是有效日期", "“{v}” is not a valid date")`.
#[macro_export]
macro_rules! text {
    ($zh:literal, $en:literal $(,)?) => {
        $crate::diagnostic::Text::new(format!($zh), format!($en))
    };
}

/// How much a diagnostic matters (docs/提示信息.md): an error stops the run, a
/// warning is listed (and is an error under `--strict`), a note only informs
/// — never an error, not counted or listed among the warnings.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
    Note,
}

/// `1 warning`, `2 warnings`: an English count with its noun.
pub fn count_en(count: usize, singular: &str, plural: &str) -> String {
    format!("{count} {}", if count == 1 { singular } else { plural })
}

/// `text` with every character that could break or disguise a printed line
/// escaped (`\n`, `\u{1b}`): control characters, line separators and
/// bidirectional overrides. Anything else is kept as it is.
pub fn printable(text: &str) -> Cow<'_, str> {
    let unsafe_char = |c: char| {
        c.is_control()
            || matches!(c, '\u{2028}' | '\u{2029}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
    };
    if !text.contains(unsafe_char) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if unsafe_char(c) => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// The part of a sheet a diagnostic points at. Rows and columns are as Excel
/// shows them: 1-based rows, 0-based column index printed as letters.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Span {
    /// The whole sheet (a cycle, a weight system that doesn't sum to 100).
    Sheet,
    /// A whole row, e.g. the header row for a missing column: `1:1`.
    Row(u32),
    /// One cell: `B17`.
    Cell { row: u32, col: u32 },
}

/// Where a diagnostic points: a file, optionally a sheet within it and a span.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Location {
    pub file: Arc<str>,
    pub sheet: Option<Arc<str>>,
    pub span: Span,
}

impl Location {
    pub fn file(file: Arc<str>) -> Self {
        Location { file, sheet: None, span: Span::Sheet }
    }

    pub fn sheet(file: Arc<str>, sheet: Arc<str>) -> Self {
        Location { file, sheet: Some(sheet), span: Span::Sheet }
    }

    pub fn cell(file: Arc<str>, sheet: Arc<str>, row: u32, col: u32) -> Self {
        Location { file, sheet: Some(sheet), span: Span::Cell { row, col } }
    }

    pub fn row(file: Arc<str>, sheet: Arc<str>, row: u32) -> Self {
        Location { file, sheet: Some(sheet), span: Span::Row(row) }
    }
}

/// `0 → A`, `25 → Z`, `26 → AA`. A CSV row may be wider than the columns
/// rust_xlsxwriter names (a `u16`): the letters before the last name the
/// columns' group of 26.
pub fn column_name(col: u32) -> String {
    match u16::try_from(col) {
        Ok(col) if col < u16::MAX => column_number_to_name(col),
        _ => format!("{}{}", column_name(col / 26 - 1), char::from(b'A' + (col % 26) as u8)),
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        let Some(sheet) = &self.sheet else {
            return Ok(());
        };
        write!(f, ":{sheet}")?;
        match self.span {
            Span::Sheet => Ok(()),
            Span::Row(row) => write!(f, "!{row}:{row}"),
            Span::Cell { row, col } => write!(f, "!{}{row}", column_name(col)),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    pub location: Option<Location>,
    pub message: Text,
    pub hint: Option<Text>,
}

impl Diagnostic {
    pub fn error(location: Option<Location>, message: Text) -> Self {
        Diagnostic { severity: Severity::Error, location, message, hint: None }
    }

    pub fn warning(location: Option<Location>, message: Text) -> Self {
        Diagnostic { severity: Severity::Warning, location, message, hint: None }
    }

    pub fn note(location: Option<Location>, message: Text) -> Self {
        Diagnostic { severity: Severity::Note, location, message, hint: None }
    }

    pub fn with_hint(mut self, hint: Text) -> Self {
        self.hint = Some(hint);
        self
    }

    /// `FILE:SHEET!CELL: message` — the line printed for the user and stored
    /// in the workbook's 校验 sheet and the JSON summary.
    pub fn headline(&self, lang: Lang) -> String {
        match &self.location {
            Some(location) => format!("{location}: {}", self.message.get(lang)),
            None => self.message.get(lang).to_owned(),
        }
    }

    /// The headline plus its hint on a second line, as printed on stderr;
    /// a newline or control character from the input is shown escaped, so
    /// the input can't make a line of its own.
    pub fn render(&self, lang: Lang) -> String {
        let label = match (self.severity, lang) {
            (Severity::Error, Lang::Zh) => "错误",
            (Severity::Error, Lang::En) => "error",
            (Severity::Warning, Lang::Zh) => "警告",
            (Severity::Warning, Lang::En) => "warning",
            (Severity::Note, Lang::Zh) => "提示",
            (Severity::Note, Lang::En) => "note",
        };
        let mut out = format!("{label}: {}", printable(&self.headline(lang)));
        if let Some(hint) = &self.hint {
            let prefix = match lang {
                Lang::Zh => "提示",
                Lang::En => "hint",
            };
            out.push_str(&format!("\n  {prefix}: {}", printable(hint.get(lang))));
        }
        out
    }
}

/// Collects diagnostics in the order they are found.
#[derive(Clone, Debug, Default)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.items.push(diagnostic);
    }

    pub fn error(&mut self, location: Option<Location>, message: Text) {
        self.push(Diagnostic::error(location, message));
    }

    pub fn warning(&mut self, location: Option<Location>, message: Text) {
        self.push(Diagnostic::warning(location, message));
    }

    pub fn note(&mut self, location: Option<Location>, message: Text) {
        self.push(Diagnostic::note(location, message));
    }

    pub fn extend(&mut self, other: Diagnostics) {
        self.items.extend(other.items);
    }

    pub fn has_errors(&self) -> bool {
        self.items.iter().any(|d| d.severity == Severity::Error)
    }

    pub fn errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items.iter().filter(|d| d.severity == Severity::Error)
    }

    pub fn warnings(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items.iter().filter(|d| d.severity == Severity::Warning)
    }

    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items.iter()
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// `--strict`: every warning becomes an error; notes stay notes.
    pub fn make_warnings_errors(&mut self) {
        for item in self.items.iter_mut().filter(|d| d.severity == Severity::Warning) {
            item.severity = Severity::Error;
        }
    }

    /// What a person is shown: every error and note and the first 200
    /// warnings, in order, and how many warnings were left out.
    pub fn shown(&self) -> (Vec<&Diagnostic>, usize) {
        let mut warnings = 0;
        let shown = self
            .iter()
            .filter(|diagnostic| {
                if diagnostic.severity == Severity::Warning {
                    warnings += 1;
                    return warnings <= PRINTED_WARNINGS;
                }
                true
            })
            .collect();
        (shown, warnings.saturating_sub(PRINTED_WARNINGS))
    }

    /// Prints [`Self::shown`] on stderr, then how many warnings were left out.
    pub fn print(&self, lang: Lang) {
        let (shown, more) = self.shown();
        for diagnostic in shown {
            eprintln!("{}", diagnostic.render(lang));
        }
        if more > 0 {
            eprintln!("{}", more_warnings(more).get(lang));
        }
    }
}

/// Said after the shown warnings when `more` were left out.
pub fn more_warnings(more: usize) -> Text {
    text!(
        "……另有{more}条警告未显示，得分表的“校验”表和 summary.json 列出全部警告",
        "… {more} more warnings not shown; the workbook's 校验 sheet and summary.json list them all"
    )
}

/// Warnings printed on the terminal; the rest are counted there, and the
/// workbook's 校验 sheet and the JSON summary keep them all.
const PRINTED_WARNINGS: usize = 200;

/// Exit status of a run whose input has errors, whose output folder can't be
/// used or whose writing failed.
pub const EXIT_INVALID_INPUT: u8 = 1;
/// Exit status of a command line kaohe can't carry out.
pub const EXIT_USAGE: u8 = 2;
/// Exit status of a run stopped by an external program (LibreOffice,
/// `--pdf`) that failed.
pub const EXIT_EXTERNAL: u8 = 3;

/// Why a command stopped short. [`Failure::report`] tells the user (once)
/// and [`Failure::exit_status`] is the one mapping to exit statuses: a
/// usage error 2, a failed external program 3, anything else 1 — and 0 for
/// clap's help and version. (An
/// interrupt ends the process from its signal handler, with
/// [`crate::output::EXIT_INTERRUPTED`].)
#[derive(Debug)]
pub enum Failure {
    /// The command line asked for the help or the version (on stdout), or
    /// gave no command (the help, on stderr): clap's text of it.
    Arguments(clap::Error),
    /// The command line can't be parsed, or an option's value can't be
    /// used, shown as it is.
    Usage(Text),
    /// The inputs have errors, already printed with the other diagnostics.
    InvalidInput,
    /// One problem stopped the run, shown as a diagnostic (`错误: …`): a
    /// template error, say.
    Diagnostic(Box<Diagnostic>),
    /// One message stopped the run, shown as it is: the output folder can't
    /// be used, or a file can't be made or written.
    Message(Text),
    /// An external program (LibreOffice) failed, shown as it is.
    External(Text),
}

impl Failure {
    /// The status the process exits with.
    pub fn exit_status(&self) -> u8 {
        match self {
            Failure::Arguments(error) if !error.use_stderr() => 0,
            Failure::Arguments(_) | Failure::Usage(_) => EXIT_USAGE,
            Failure::InvalidInput | Failure::Diagnostic(_) | Failure::Message(_) => EXIT_INVALID_INPUT,
            Failure::External(_) => EXIT_EXTERNAL,
        }
    }

    /// Prints what the user has not been told yet.
    pub fn report(&self, lang: Lang) {
        match self {
            Failure::Arguments(error) => {
                let _ = error.print();
            }
            Failure::Usage(message) | Failure::Message(message) | Failure::External(message) => {
                eprintln!("{}", message.get(lang))
            }
            Failure::InvalidInput => {}
            Failure::Diagnostic(diagnostic) => eprintln!("{}", diagnostic.render(lang)),
        }
    }
}

impl From<Box<Diagnostic>> for Failure {
    fn from(diagnostic: Box<Diagnostic>) -> Self {
        Failure::Diagnostic(diagnostic)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_names_follow_excel() {
        assert_eq!(column_name(0), "A");
        assert_eq!(column_name(25), "Z");
        assert_eq!(column_name(26), "AA");
        assert_eq!(column_name(27), "AB");
        assert_eq!(column_name(701), "ZZ");
        assert_eq!(column_name(702), "AAA");
        assert_eq!(column_name(16_383), "XFD");
        assert_eq!(column_name(65_534), "CRXO");
        assert_eq!(column_name(65_535), "CRXP");
        assert_eq!(column_name(70_000), "CYNI");
        assert_eq!(column_name(1_000_000), "BDWGO");
    }

    #[test]
    fn locations_print_as_excel_shows_them() {
        let file: Arc<str> = "台账.xlsx".into();
        let sheet: Arc<str> = "活动".into();
        assert_eq!(Location::cell(file.clone(), sheet.clone(), 17, 1).to_string(), "台账.xlsx:活动!B17");
        assert_eq!(Location::row(file.clone(), sheet.clone(), 1).to_string(), "台账.xlsx:活动!1:1");
        assert_eq!(Location::sheet(file.clone(), sheet).to_string(), "台账.xlsx:活动");
        assert_eq!(Location::file(file).to_string(), "台账.xlsx");
    }

    #[test]
    fn printed_lines_cannot_be_split_or_disguised() {
        assert_eq!(printable("x\n错误: y\u{1b}[31m\u{202e}"), "x\\n错误: y\\u{1b}[31m\\u{202e}");
        assert!(matches!(printable("第一党支部\\台账.xlsx"), Cow::Borrowed(_)));
        let value = "1\n错误: x";
        let diagnostic =
            Diagnostic::error(None, text!("“{value}” 不是有效日期", "\"{value}\" is not a valid date"));
        assert_eq!(diagnostic.render(Lang::Zh), "错误: “1\\n错误: x” 不是有效日期");
    }

    #[test]
    fn strict_leaves_notes_alone() {
        let mut diagnostics = Diagnostics::default();
        diagnostics.warning(None, text!("警告", "warning"));
        diagnostics.note(None, text!("提示", "note"));
        diagnostics.make_warnings_errors();
        let severities: Vec<Severity> = diagnostics.iter().map(|d| d.severity).collect();
        assert_eq!(severities, [Severity::Error, Severity::Note]);
        assert_eq!(diagnostics.iter().nth(1).unwrap().render(Lang::En), "note: note");
    }

    #[test]
    fn failures_map_to_exit_statuses() {
        use clap::error::ErrorKind;
        assert_eq!(Failure::Arguments(clap::Error::new(ErrorKind::DisplayHelp)).exit_status(), 0);
        assert_eq!(Failure::Arguments(clap::Error::new(ErrorKind::DisplayVersion)).exit_status(), 0);
        assert_eq!(Failure::Arguments(clap::Error::new(ErrorKind::UnknownArgument)).exit_status(), 2);
        assert_eq!(Failure::Usage(text!("x", "x")).exit_status(), 2);
        assert_eq!(Failure::InvalidInput.exit_status(), 1);
        assert_eq!(Failure::Message(text!("x", "x")).exit_status(), 1);
        assert_eq!(Failure::External(text!("x", "x")).exit_status(), 3);
        assert_eq!(Failure::from(Box::new(Diagnostic::error(None, text!("x", "x")))).exit_status(), 1);
    }

    #[test]
    fn english_counts_agree_in_number() {
        assert_eq!(count_en(0, "warning", "warnings"), "0 warnings");
        assert_eq!(count_en(1, "warning", "warnings"), "1 warning");
        assert_eq!(count_en(2, "warning", "warnings"), "2 warnings");
    }
}
