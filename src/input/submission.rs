//! Reading a score workbook submitted to `kaohe merge` or named by `kaohe
//! score --previous` (docs/命令.md), or a plain 上年结果 sheet: its
//! 说明, 权重 and 汇总 sheets as cells Excel would show, each at its
//! location, numbers read as Excel reads them (15 significant digits).
//! What can't be read is a located message: a file that is no workbook, is
//! damaged, or is not one `kaohe score` wrote. Checking what the cells say
//! is [`crate::model::validate::submissions`]' job.

use std::io::Cursor;
use std::ops::RangeInclusive;
use std::path::Path;
use std::sync::Arc;

use calamine::{Data, Range, Reader, Sheets, open_workbook_auto_from_rs};

use crate::diagnostic::{Diagnostic, Location, Text};
use crate::number::{Exact, from_spreadsheet, int, parse_decimal};
use crate::score_workbook::{
    COL_RANK, KEY_TOOL, SHEET_ABOUT, SHEET_PREVIOUS, SHEET_SUMMARY, SHEET_WEIGHTS, TOOL_PREFIX,
};

/// A submitted workbook as read.
pub struct SubmittedWorkbook {
    /// The file name shown in messages and in 说明: its path as given.
    pub file: Arc<str>,
    pub sha256: String,
    pub about: AboutSheet,
    /// 权重, or why it can't be read.
    pub weights: Result<SubmittedSheet, Box<Diagnostic>>,
    /// 汇总, or why it can't be read.
    pub summary: Result<SummarySheet, Box<Diagnostic>>,
}

/// One sheet of a submitted workbook.
pub struct SubmittedSheet {
    file: Arc<str>,
    name: &'static str,
    cells: Range<Data>,
    /// The sheet's formulas, when they could be read.
    formulas: Option<Range<String>>,
}

impl SubmittedSheet {
    /// The cell's text as a reader sees it: text trimmed, numbers in short form.
    pub fn text(&self, row: u32, col: u32) -> String {
        cell_text(&self.cells, row, col)
    }

    /// The cell's number as Excel reads it (15 significant digits).
    pub fn number(&self, row: u32, col: u32) -> Option<Exact> {
        match self.cells.get_value((row, col))? {
            Data::Float(number) => from_spreadsheet(*number),
            Data::Int(number) => Some(int(*number)),
            Data::String(text) => parse_decimal(text),
            _ => None,
        }
    }

    /// Whether the cell holds a formula without its stored result.
    pub fn lost_its_value(&self, row: u32, col: u32) -> bool {
        let formula = self.formulas.as_ref().and_then(|formulas| formulas.get_value((row, col)));
        formula.is_some_and(|formula| !formula.is_empty())
            && matches!(self.cells.get_value((row, col)), None | Some(Data::Empty))
    }

    /// Where messages about the cell point (`row` and `col` 0-based).
    pub fn location(&self, row: u32, col: u32) -> Location {
        Location::cell(self.file.clone(), self.name.into(), row + 1, col)
    }

    /// Where messages about the whole row point.
    pub fn row_location(&self, row: u32) -> Location {
        Location::row(self.file.clone(), self.name.into(), row + 1)
    }

    /// Where messages about the whole sheet point.
    pub fn sheet_location(&self) -> Location {
        Location::sheet(self.file.clone(), self.name.into())
    }

    /// Rows `first..` of the sheet up to its end (absolute row numbers).
    pub fn rows_from(&self, first: u32) -> RangeInclusive<u32> {
        first..=self.cells.end().map_or(0, |(row, _)| row)
    }

    /// The first row with a cell equal to `label`, and every label of that row by column.
    pub fn header_row(&self, label: &str) -> Option<(u32, Vec<(u32, String)>)> {
        let (start, end) = (self.cells.start()?, self.cells.end()?);
        (start.0..=end.0).find_map(|row| {
            let labels: Vec<(u32, String)> = (start.1..=end.1)
                .map(|col| (col, self.text(row, col)))
                .filter(|(_, t)| !t.is_empty())
                .collect();
            labels.iter().any(|(_, text)| text == label).then_some((row, labels))
        })
    }
}

/// The 说明 sheet of a workbook: one value (column B) per key (column A).
pub struct AboutSheet(SubmittedSheet);

impl AboutSheet {
    /// The row of `key` and its value.
    pub fn find(&self, key: &str) -> Option<(u32, String)> {
        let sheet = &self.0;
        sheet.rows_from(0).find(|&row| sheet.text(row, 0) == key).map(|row| (row, sheet.text(row, 1)))
    }

    /// The value of `key`, empty when there is no such row.
    pub fn value(&self, key: &str) -> String {
        self.find(key).map(|(_, value)| value).unwrap_or_default()
    }

    /// The date-time of `key`: a date cell, else its text read as a date.
    pub fn date_time(&self, key: &str) -> Option<chrono::NaiveDateTime> {
        let (row, _) = self.find(key)?;
        match self.0.cells.get_value((row, 1))? {
            Data::DateTime(at) => at.as_datetime(),
            Data::String(text) => {
                crate::input::value::parse_date_time(&crate::input::value::Value::Text(text.trim().into()))
            }
            _ => None,
        }
    }

    /// The value cell of `key`, else the sheet.
    pub fn location(&self, key: &str) -> Location {
        match self.find(key) {
            Some((row, _)) => self.0.location(row, 1),
            None => self.sheet_location(),
        }
    }

    /// Where messages about the whole of 说明 point.
    pub fn sheet_location(&self) -> Location {
        self.0.sheet_location()
    }
}

/// The 汇总 sheet with its header row (the row with 排名).
pub struct SummarySheet {
    pub sheet: SubmittedSheet,
    pub header: u32,
    /// Every label of the header row by column.
    pub labels: Vec<(u32, String)>,
}

/// Reads the workbook at `path`; `Err` when it is no score workbook at all.
pub fn read_submission(path: &Path) -> Result<SubmittedWorkbook, Box<Diagnostic>> {
    // Every submission is called 考核得分表.xlsx: name it by its path as given.
    read_submission_named(path, path.display().to_string().into())
}

/// [`read_submission`] of a workbook shown as `file` (in messages and the
/// merged workbook's 说明).
pub fn read_submission_named(path: &Path, file: Arc<str>) -> Result<SubmittedWorkbook, Box<Diagnostic>> {
    let (book, sha256) = Book::open(path, file)?;
    book.score_workbook(sha256)
}

/// What `--previous` names (docs/命令.md): a plain 上年结果 sheet of results
/// kept elsewhere, or else a score workbook.
pub enum PreviousResults {
    Sheet(SubmittedSheet),
    Scored(Box<SubmittedWorkbook>),
}

/// Reads the workbook at `path` for `--previous`, shown as `file` in
/// messages: its 上年结果 sheet when it has one, else it must be a score
/// workbook ([`read_submission`]).
pub fn read_previous(path: &Path, file: Arc<str>) -> Result<PreviousResults, Box<Diagnostic>> {
    let (mut book, sha256) = Book::open(path, file)?;
    if book.sheets.sheet_names().iter().any(|sheet| sheet == SHEET_PREVIOUS) {
        return book.sheet(SHEET_PREVIOUS).map(PreviousResults::Sheet);
    }
    book.score_workbook(sha256).map(|workbook| PreviousResults::Scored(Box::new(workbook)))
}

/// A workbook's sheets and where messages about it point.
struct Book {
    file: Arc<str>,
    sheets: Sheets<Cursor<Vec<u8>>>,
}

impl Book {
    /// The workbook at `path` and the SHA-256 of its bytes.
    fn open(path: &Path, file: Arc<str>) -> Result<(Book, String), Box<Diagnostic>> {
        let unreadable = |message| Box::new(Diagnostic::error(Some(Location::file(file.clone())), message));
        if let Some(why) = not_a_workbook_file(path) {
            return Err(unreadable(why));
        }
        // Bounded and checked before calamine sees the bytes (submissions are input too).
        let bytes = super::read_checked_workbook(path).map_err(unreadable)?;
        let sha256 = crate::digest::sha256(&bytes);
        let sheets = open_workbook_auto_from_rs(Cursor::new(bytes)).map_err(|error| {
            let why = text!("无法作为工作簿打开（{error}）", "cannot be opened as a workbook ({error})");
            not_kaohe(Location::file(file.clone()), why)
        })?;
        Ok((Book { file, sheets }, sha256))
    }

    /// The sheets of a score workbook; `Err` when it is none.
    fn score_workbook(mut self, sha256: String) -> Result<SubmittedWorkbook, Box<Diagnostic>> {
        let about = AboutSheet(self.sheet(SHEET_ABOUT)?);
        if about.find(KEY_TOOL).filter(|(_, tool)| tool.starts_with(TOOL_PREFIX)).is_none() {
            let why = text!(
                "“{SHEET_ABOUT}”中没有“{KEY_TOOL}”一行",
                "its “{SHEET_ABOUT}” sheet has no “{KEY_TOOL}” row"
            );
            return Err(not_kaohe(about.sheet_location(), why));
        }
        let weights = self.sheet(SHEET_WEIGHTS);
        let summary = self.sheet(SHEET_SUMMARY).and_then(|mut sheet| {
            let Some((header, labels)) = sheet.header_row(COL_RANK) else {
                let why = text!(
                    "“{SHEET_SUMMARY}”中没有“{COL_RANK}”表头",
                    "its “{SHEET_SUMMARY}” sheet has no “{COL_RANK}” header"
                );
                return Err(not_kaohe(sheet.sheet_location(), why));
            };
            sheet.formulas = self.sheets.worksheet_formula(SHEET_SUMMARY).ok();
            Ok(SummarySheet { sheet, header, labels })
        });
        Ok(SubmittedWorkbook { file: self.file, sha256, about, weights, summary })
    }

    fn sheet(&mut self, name: &'static str) -> Result<SubmittedSheet, Box<Diagnostic>> {
        if !self.sheets.sheet_names().iter().any(|sheet| sheet == name) {
            return Err(not_kaohe(
                Location::file(self.file.clone()),
                text!("没有“{name}”工作表", "it has no “{name}” sheet"),
            ));
        }
        let cells = self.sheets.worksheet_range(name).map_err(|error| {
            Box::new(Diagnostic::error(
                Some(Location::sheet(self.file.clone(), name.into())),
                text!("无法读取工作表：{error}", "cannot read the sheet: {error}"),
            ))
        })?;
        Ok(SubmittedSheet { file: self.file.clone(), name, cells, formulas: None })
    }
}

fn not_kaohe(location: Location, why: Text) -> Box<Diagnostic> {
    let (zh, en) = (why.zh, why.en);
    Box::new(Diagnostic::error(
        Some(location),
        text!("不是 kaohe 生成的考核得分表：{zh}", "not a score workbook written by kaohe: {en}"),
    ))
}

/// Why `path` can't be a score workbook, seen before reading it: a folder,
/// a CSV file (a ledger, not a score workbook) or not a workbook at all.
fn not_a_workbook_file(path: &Path) -> Option<Text> {
    let extension = path.extension().map(|e| e.to_string_lossy().to_ascii_lowercase());
    let what = if path.is_dir() {
        text!("是文件夹", "is a folder")
    } else {
        match extension.as_deref() {
            Some("xlsx" | "xlsm" | "xls" | "ods") => return None,
            Some("csv") => text!("是 CSV 文件", "is a CSV file"),
            _ => text!("不是工作簿", "is not a workbook"),
        }
    };
    let (zh, en) = (what.zh, what.en);
    Some(text!(
        "{zh}；这里只读取 kaohe score 生成的考核得分表（.xlsx）",
        "{en}; only the score workbooks (.xlsx) that kaohe score writes are read here"
    ))
}

/// The cell's text as a reader sees it: text trimmed, numbers in short form.
pub(crate) fn cell_text(range: &Range<Data>, row: u32, col: u32) -> String {
    match range.get_value((row, col)) {
        Some(Data::String(text)) => text.trim().to_owned(),
        Some(Data::Float(number)) => format!("{number}"),
        Some(Data::Int(number)) => number.to_string(),
        Some(Data::Bool(value)) => value.to_string(),
        _ => String::new(),
    }
}
