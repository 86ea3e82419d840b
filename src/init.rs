//! `kaohe init DIR`: makes a blank input workbook (`考核台账.xlsx`) with
//! every sheet and its header, filled with the default criteria, weights and
//! settings of [`crate::defaults`] — and a 填写说明 sheet, header notes,
//! drop-down lists and date formats, all taken from the schema
//! ([`crate::input::schema`]) and the validator's word lists, so the
//! template tells what kaohe reads — plus the editable document templates the
//! caller hands over, for `DIR/模板/` (docs/命令.md). They are written by
//! the output rules of [`crate::output`], like `score`'s files: a non-empty
//! folder only with `--force`, and then only over the files an earlier
//! `init` wrote and nobody changed.
//!
//! The sheet-writing helpers ([`new_workbook`], [`write_table`], [`Cell`])
//! are public so the bundled sample (`examples/make_sample.rs`) lays out its
//! sheets the same way.

use chrono::{Datelike, NaiveDate, NaiveDateTime, NaiveTime, Timelike};
use rust_xlsxwriter::{
    Color, DataValidation, DataValidationErrorStyle, DocProperties, ExcelDateTime, Format, FormatAlign,
    FormatBorder, Formula, Note, Workbook, Worksheet, XlsxError,
};

use crate::defaults;
use crate::diagnostic::{Failure, column_name};
use crate::input::schema::{CRITERIA_COLUMNS, Column, INSTRUCTION_SHEETS, SettingKey, Shape, SheetKind, opt};
use crate::input::value::BOOLEAN_CHOICES;
use crate::model::rules::RULES;
use crate::model::validate::keywords::{self, Vocabulary};
use crate::output::Planned;
use crate::text::display_width;

/// The input workbook's file name.
pub const WORKBOOK_FILE: &str = "考核台账.xlsx";
/// The folder, inside `kaohe init`'s target, that receives the editable templates.
pub const TEMPLATE_DIR: &str = "模板";

/// Sheet order of the input workbook: settings and definitions first, then the
/// ledgers and the units' self-assessment.
pub const SHEET_ORDER: [SheetKind; 9] = [
    SheetKind::Settings,
    SheetKind::Units,
    SheetKind::Criteria,
    SheetKind::Weights,
    SheetKind::Activities,
    SheetKind::Incidents,
    SheetKind::Scores,
    SheetKind::SelfAssessment,
    SheetKind::Accountability,
];

/// The files `init` writes, relative to its folder: [`WORKBOOK_FILE`], then
/// each of `templates` — (file name, contents) — in [`TEMPLATE_DIR`].
fn template_paths<'a>(templates: &'a [(&str, &str)]) -> impl Iterator<Item = (String, &'a [u8])> {
    templates.iter().map(|(name, contents)| (format!("{TEMPLATE_DIR}/{name}"), contents.as_bytes()))
}

/// What `init` writes, for the output checks before any work.
pub fn planned(templates: &[(&str, &str)]) -> Planned {
    let files =
        std::iter::once(WORKBOOK_FILE.to_owned()).chain(template_paths(templates).map(|(path, _)| path));
    Planned { files: files.collect(), folders: Vec::new() }
}

/// What `init` writes — (path relative to its folder, bytes): the blank
/// `考核台账.xlsx` for assessment `year`, then each of `templates` (the
/// bundled document templates) in `模板/`, the folder to pass as
/// `--templates`.
pub fn files(year: i32, templates: &[(&str, &str)]) -> Result<Vec<(String, Vec<u8>)>, Failure> {
    let workbook = blank_workbook(year).map_err(|error| {
        Failure::Message(text!("无法生成工作簿：{error}", "cannot build the workbook: {error}"))
    })?;
    let templates = template_paths(templates).map(|(path, contents)| (path, contents.to_vec()));
    Ok(std::iter::once((WORKBOOK_FILE.to_owned(), workbook)).chain(templates).collect())
}

/// The bytes of the blank input workbook: the [`INSTRUCTIONS_SHEET`] first,
/// then every sheet of [`SHEET_ORDER`] with its header (活动 also with
/// [`defaults::ACTIVITY_ATTRIBUTES`]); 设置 lists every setting key, with the
/// defaults filled in, 指标 and 权重 hold the defaults, the ledgers and 自评
/// are empty. An empty 自评 sheet is still a 自评 sheet: the outputs carry the
/// self fields, empty (docs/命令.md). Every header cell carries a note on its
/// column, keyword columns a drop-down list, date columns a date format.
pub fn blank_workbook(year: i32) -> Result<Vec<u8>, XlsxError> {
    let mut workbook = new_workbook();
    write_instructions(workbook.add_worksheet().set_name(INSTRUCTIONS_SHEET)?)?;
    for kind in SHEET_ORDER {
        let sheet = workbook.add_worksheet();
        sheet.set_name(kind.zh())?;
        let columns = template_columns(kind);
        let names: Vec<&str> = columns.iter().map(|column| column.zh).collect();
        write_table(sheet, 0, &names, &default_rows(kind, year))?;
        guide_columns(sheet, kind, &columns)?;
        print_setup(sheet, 0)?;
        // Every sheet but the wide 指标 prints one page wide.
        if kind != SheetKind::Criteria {
            sheet.set_print_fit_to_pages(1, 0);
        }
        if kind == SheetKind::Settings {
            format_doc_date(sheet)?;
        }
    }
    workbook.save_to_buffer()
}

/// The sheet that explains the others; kaohe never reads it (docs/输入.md).
pub const INSTRUCTIONS_SHEET: &str = INSTRUCTION_SHEETS[0];

/// The columns of the 设置 sheet after 项目 and 值: help for the clerk,
/// which kaohe does not read as settings.
const SETTING_HELP: [Column; 2] = [
    opt("示例", "example", Shape::Text, "填写示例，不作为设置读取", "2027-01-20"),
    opt("说明", "note", Shape::Text, "设置项的含义和默认值，不作为设置读取", "文书落款日期"),
];

/// The columns of a sheet of the template, in order: the schema's, then
/// the default criteria's 活动 attributes, or the 设置 sheet's help.
fn template_columns(kind: SheetKind) -> Vec<Column> {
    let extra: &[Column] = match kind {
        SheetKind::Activities => defaults::ACTIVITY_ATTRIBUTES,
        SheetKind::Settings => &SETTING_HELP,
        _ => &[],
    };
    kind.columns().iter().chain(extra).copied().collect()
}

/// The default content of a sheet of the blank workbook.
fn default_rows(kind: SheetKind, year: i32) -> Vec<Vec<Cell>> {
    match kind {
        SheetKind::Settings => {
            let defaults = defaults::settings_rows(year);
            SettingKey::keys()
                .map(|key| {
                    let value = defaults.iter().find(|(name, _)| *name == key.zh()).map_or("", |(_, v)| v);
                    [key.zh(), value, key.example(), key.about()].map(Cell::typed).to_vec()
                })
                .collect()
        }
        SheetKind::Criteria => defaults::CRITERIA
            .iter()
            .map(|indicator| indicator.cells().into_iter().map(Cell::typed).collect())
            .collect(),
        SheetKind::Weights => defaults::WEIGHTS
            .iter()
            .map(|(category, weight)| vec![Cell::Empty, Cell::typed(category), Cell::typed(weight)])
            .collect(),
        _ => Vec::new(),
    }
}

/// The words a column takes, for its drop-down list: a keyword column's
/// canonical Chinese words from the validator's vocabulary, 是/否 for a
/// boolean, and for 活动.类型 the 指标 sheet's 活动类型 cells.
#[derive(Clone, Debug, PartialEq)]
enum Choices {
    Words(Vec<&'static str>),
    /// A formula giving the cells that hold the words.
    Cells(String),
}

fn choices(kind: SheetKind, column: &Column) -> Option<Choices> {
    fn canonical<T>(vocabulary: Vocabulary<T>) -> Option<Choices> {
        Some(Choices::Words(vocabulary.iter().map(|(words, _)| words[0]).collect()))
    }
    match (column.shape, column.en) {
        (Shape::Boolean, _) => Some(Choices::Words(BOOLEAN_CHOICES.to_vec())),
        (Shape::Keyword, "rule") => canonical(RULES),
        (Shape::Keyword, "period") => canonical(keywords::PERIODS),
        (Shape::Keyword, "veto_mode") => canonical(keywords::VETO_MODES),
        (Shape::Keyword, "decision") => canonical(keywords::DECISIONS),
        (Shape::Keyword, "role") => canonical(keywords::ROLES),
        (Shape::Keyword, "stance") => canonical(keywords::STANCES),
        (_, "type") if kind == SheetKind::Activities => Some(Choices::Cells(activity_types())),
        _ => None,
    }
}

/// The 指标 sheet's 活动类型 cells, from its second row down to as many rows
/// as 编号 cells are filled: the list follows the criteria the clerk adds.
fn activity_types() -> String {
    let column = |key: &str| {
        let index = CRITERIA_COLUMNS.iter().position(|column| column.en == key).expect("a 指标 column");
        column_name(index as u32)
    };
    let (types, codes) = (column("activity"), column("code"));
    let sheet = SheetKind::Criteria.zh();
    format!("=OFFSET('{sheet}'!${types}$2,0,0,MAX(1,COUNTA('{sheet}'!${codes}:${codes})-1),1)")
}

/// A column's description as the template gives it: what to write, and
/// the words its drop-down list offers.
fn describe(kind: SheetKind, column: &Column) -> String {
    match choices(kind, column) {
        Some(Choices::Words(words)) => format!("{}。可选：{}", column.about, words.join("、")),
        _ => column.about.to_owned(),
    }
}

/// The last row a drop-down list or a date format reaches (0-based).
const LAST_ROW: u32 = 1_048_575;

/// Notes on the header cells (row 0), drop-down lists on the keyword
/// columns and date formats on the date columns of a template sheet.
fn guide_columns(sheet: &mut Worksheet, kind: SheetKind, columns: &[Column]) -> Result<(), XlsxError> {
    for (col, column) in columns.iter().enumerate() {
        let col = col as u16;
        let required = if column.required { "（必填）" } else { "" };
        let text = format!("{}{required}\n{}\n例：{}", column.zh, describe(kind, column), column.example);
        sheet.insert_note(0, col, &note(&text))?;
        if let Some(choices) = choices(kind, column) {
            sheet.add_data_validation(1, col, LAST_ROW, col, &drop_down(&choices)?)?;
        }
        let date_format = match column.shape {
            Shape::Date => Some(DATE_FORMAT),
            Shape::DateTime => Some(DATE_TIME_FORMAT),
            _ => None,
        };
        if let Some(format) = date_format {
            sheet.set_column_format(col, &Format::new().set_num_format(format))?;
            sheet.set_column_width(col, (format.len() + 4) as f64)?;
        }
    }
    Ok(())
}

/// A header's note, sized to its text.
fn note(text: &str) -> Note {
    const WIDTH_PX: u32 = 260;
    // About 7 px a narrow character, a wide one twice that; 18 px a line.
    let lines: usize = text.split('\n').map(|line| display_width(line) * 7 / WIDTH_PX as usize + 1).sum();
    Note::new(text)
        .set_author("kaohe")
        .add_author_prefix(false)
        .set_width(WIDTH_PX)
        .set_height(18 * lines as u32 + 12)
}

/// A drop-down list that warns, but lets a clerk keep, a word not in it:
/// the validator knows English words and synonyms too.
fn drop_down(choices: &Choices) -> Result<DataValidation, XlsxError> {
    let (validation, message) = match choices {
        Choices::Words(words) => (
            DataValidation::new().allow_list_strings(words)?,
            format!(
                "请从下拉列表中选择：{}。也可填写英文关键词或同义词，kaohe check 会检查。",
                words.join("、")
            ),
        ),
        Choices::Cells(formula) => (
            DataValidation::new().allow_list_formula(Formula::new(formula)),
            "该类型不在“指标”表的活动类型中，没有指标统计它。".to_owned(),
        ),
    };
    validation
        .set_error_style(DataValidationErrorStyle::Warning)
        .set_error_title("不在下拉列表中")?
        .set_error_message(message)
}

/// The 成文日期 value cell of the 设置 sheet, formatted as a date.
fn format_doc_date(sheet: &mut Worksheet) -> Result<(), XlsxError> {
    let row = SettingKey::keys().position(|key| key == SettingKey::DocDate).expect("成文日期 is a key");
    sheet.write_blank(row as u32 + 1, 1, &Format::new().set_num_format(DATE_FORMAT))?;
    Ok(())
}

/// The 填写说明 sheet: what to do, then one row per sheet, per column and
/// per setting key, each with its description and an example.
fn write_instructions(sheet: &mut Worksheet) -> Result<(), XlsxError> {
    const HEADER: [&str; 6] = ["工作表", "列", "英文名", "必填", "填写说明", "示例"];
    let mut rows: Vec<[String; 6]> = Vec::new();
    for kind in SHEET_ORDER {
        rows.push([kind.zh(), "", kind.en(), "", kind.about(), ""].map(str::to_owned));
        for column in template_columns(kind) {
            let required = if column.required { "是" } else { "" };
            let (sheet_name, description) = (kind.zh().to_owned(), describe(kind, &column));
            let [name, en, required, example] =
                [column.zh, column.en, required, column.example].map(str::to_owned);
            rows.push([sheet_name, name, en, required, description, example]);
        }
        if kind == SheetKind::Settings {
            for key in SettingKey::keys() {
                let required = if key == SettingKey::Year { "是" } else { "" };
                let name = format!("项目“{}”", key.zh());
                let cells = [key.en(), required, key.about(), key.example()].map(str::to_owned);
                let [en, required, about, example] = cells;
                rows.push([kind.zh().to_owned(), name, en, required, about, example]);
            }
        }
    }
    let last = HEADER.len() as u16 - 1;
    let title = Format::new().set_bold().set_font_size(16);
    sheet.merge_range(0, 0, 0, last, "考核台账填写说明", &title)?;
    for (row, line) in INSTRUCTIONS.iter().enumerate() {
        sheet.merge_range(row as u32 + 1, 0, row as u32 + 1, last, line, &Format::new())?;
    }
    let header_row = INSTRUCTIONS.len() as u32 + 2;
    write_table(sheet, header_row, &HEADER, &[])?;
    let top = Format::new().set_align(FormatAlign::Top);
    let (plain, wrapped, sheet_row) = (top.clone(), top.clone().set_text_wrap(), top.set_bold());
    for (offset, cells) in rows.iter().enumerate() {
        let row = header_row + 1 + offset as u32;
        let mut lines = 1;
        for (col, (text, width)) in cells.iter().zip(INSTRUCTION_WIDTHS).enumerate() {
            let format = match col {
                _ if width >= WRAP_WIDTH => &wrapped,
                0 if cells[1].is_empty() => &sheet_row,
                _ => &plain,
            };
            sheet.write_string_with_format(row, col as u16, text, format)?;
            lines = lines.max(display_width(text).div_ceil(width as usize));
        }
        sheet.set_row_height(row, LINE_HEIGHT * lines as f64)?;
    }
    for (col, width) in INSTRUCTION_WIDTHS.into_iter().enumerate() {
        sheet.set_column_width(col as u16, width)?;
    }
    sheet.set_print_fit_to_pages(1, 0);
    print_setup(sheet, header_row)
}

/// The widths (characters) of the 填写说明 table's columns; the ones of
/// [`WRAP_WIDTH`] or more wrap their text.
const INSTRUCTION_WIDTHS: [f64; 6] = [8.0, 22.0, 22.0, 6.0, 50.0, 40.0];
const WRAP_WIDTH: f64 = 30.0;
/// The height of a line of text (points).
const LINE_HEIGHT: f64 = 15.0;

/// A template sheet prints on A4 landscape, its header row on every page.
fn print_setup(sheet: &mut Worksheet, header_row: u32) -> Result<(), XlsxError> {
    const A4: u8 = 9;
    sheet.set_landscape().set_paper_size(A4).set_repeat_rows(header_row, header_row)?;
    Ok(())
}

/// The lines above the 填写说明 table.
const INSTRUCTIONS: [&str; 4] = [
    "本表只作说明，kaohe 读取时忽略。每张工作表第一行是列名，请勿改动；鼠标停在列名上可看该列的说明。",
    "带下拉列表的列请从列表中选择；日期写作 2026-03-15，时间写作 2026-05-10 09:00。",
    "“指标”表中标有“（示例，请按实际修改）”的行是示例，请按本单位的考核细则修改或删除。",
    "填好后运行 kaohe check 检查，再运行 kaohe score 计分（见使用说明“命令”一章）。",
];

/// The Chinese column names of a sheet kind, in schema order.
pub fn header(kind: SheetKind) -> Vec<&'static str> {
    kind.columns().iter().map(|column| column.zh).collect()
}

/// A workbook whose metadata is fixed, so equal content gives equal bytes.
pub fn new_workbook() -> Workbook {
    let mut workbook = Workbook::new();
    let created = ExcelDateTime::from_ymd(2025, 1, 1).expect("a valid date");
    workbook.set_properties(&DocProperties::new().set_creation_datetime(&created));
    workbook
}

/// A cell to write, stored the way Excel stores what a user types.
#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    Number(f64),
    Date(NaiveDate),
    DateTime(NaiveDateTime),
}

impl Cell {
    /// What typing `text` into Excel gives: empty, a number for a plain
    /// numeral (`30`, `2.5`), else text.
    pub fn typed(text: &str) -> Cell {
        let is_numeral = text.chars().all(|c| c.is_ascii_digit() || c == '.')
            && text.starts_with(|c: char| c.is_ascii_digit());
        match text.parse() {
            _ if text.is_empty() => Cell::Empty,
            Ok(number) if is_numeral => Cell::Number(number),
            _ => Cell::Text(text.to_string()),
        }
    }

    /// Width in Excel's character units: a CJK (wide) character counts 2.
    fn width(&self) -> usize {
        match self {
            Cell::Empty => 0,
            Cell::Text(text) => display_width(text),
            Cell::Number(number) => number.to_string().len(),
            Cell::Date(_) => DATE_FORMAT.len(),
            Cell::DateTime(_) => DATE_TIME_FORMAT.len(),
        }
    }
}

const DATE_FORMAT: &str = "yyyy-mm-dd";
const DATE_TIME_FORMAT: &str = "yyyy-mm-dd hh:mm";
/// Column widths stay within these bounds (character units).
const MIN_WIDTH: usize = 8;
const MAX_WIDTH: usize = 60;

/// Writes `header` in row `header_row` (0-based) — bold, framed, frozen
/// below — and `rows` under it, and fits every column's width to its content.
/// Rows above the header are left to the caller (a title, say).
pub fn write_table(
    sheet: &mut Worksheet,
    header_row: u32,
    header: &[&str],
    rows: &[Vec<Cell>],
) -> Result<(), XlsxError> {
    let bold =
        Format::new().set_bold().set_border(FormatBorder::Thin).set_background_color(Color::RGB(0xDDEBF7));
    let date = Format::new().set_num_format(DATE_FORMAT);
    let date_time = Format::new().set_num_format(DATE_TIME_FORMAT);
    let mut widths: Vec<usize> = header.iter().map(|name| display_width(name)).collect();
    for (col, name) in header.iter().enumerate() {
        sheet.write_string_with_format(header_row, col as u16, *name, &bold)?;
    }
    for (offset, cells) in rows.iter().enumerate() {
        let row = header_row + 1 + offset as u32;
        for (col, cell) in cells.iter().enumerate() {
            let col16 = col as u16;
            match cell {
                Cell::Empty => continue,
                Cell::Text(text) => sheet.write_string(row, col16, text)?,
                Cell::Number(number) => sheet.write_number(row, col16, *number)?,
                Cell::Date(day) => sheet.write_datetime_with_format(
                    row,
                    col16,
                    excel_date(day.and_time(NaiveTime::MIN))?,
                    &date,
                )?,
                Cell::DateTime(moment) => {
                    sheet.write_datetime_with_format(row, col16, excel_date(*moment)?, &date_time)?
                }
            };
            if widths.len() <= col {
                widths.resize(col + 1, 0);
            }
            widths[col] = widths[col].max(cell.width());
        }
    }
    for (col, width) in widths.into_iter().enumerate() {
        sheet.set_column_width(col as u16, (width + 2).clamp(MIN_WIDTH, MAX_WIDTH) as f64)?;
    }
    sheet.set_freeze_panes(header_row + 1, 0)?;
    Ok(())
}

fn excel_date(moment: NaiveDateTime) -> Result<ExcelDateTime, XlsxError> {
    let narrow = |value: u32| value as u8;
    ExcelDateTime::from_ymd(moment.year() as u16, narrow(moment.month()), narrow(moment.day()))?.and_hms(
        moment.hour() as u16,
        narrow(moment.minute()),
        moment.second(),
    )
}

#[cfg(test)]
mod tests {
    use calamine::{Data, Reader, Xlsx, open_workbook};

    use std::fs;
    use std::path::Path;

    use super::*;
    use crate::output::{Destination, OutputError};

    /// Writes `init`'s files into `dir` as the command does; returns their paths.
    fn init_into(
        dir: &Path,
        year: i32,
        templates: &[(&str, &str)],
        force: bool,
    ) -> Result<Vec<String>, OutputError> {
        let destination = Destination::open(dir, &[], force, &planned(templates))?;
        let files = files(year, templates).expect("the blank workbook builds");
        crate::output::write_files(
            destination,
            files.iter().map(|(path, bytes)| (path.as_str(), &bytes[..])),
        )?;
        Ok(files.into_iter().map(|(path, _)| path).collect())
    }

    fn read_sheet(path: &Path, name: &str) -> Vec<Vec<Data>> {
        let mut workbook: Xlsx<_> = open_workbook(path).expect("readable workbook");
        let range = workbook.worksheet_range(name).expect(name);
        range.rows().map(<[Data]>::to_vec).collect()
    }

    #[test]
    fn writes_every_sheet_with_headers_and_defaults() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("新建");
        assert_eq!(init_into(&target, 2026, &[], false).unwrap(), [WORKBOOK_FILE]);
        let path = target.join(WORKBOOK_FILE);

        let workbook: Xlsx<_> = open_workbook(&path).unwrap();
        assert_eq!(
            workbook.sheet_names(),
            ["填写说明", "设置", "单位", "指标", "权重", "活动", "舆情", "评分", "自评", "问责"]
        );

        let criteria = read_sheet(&path, "指标");
        assert_eq!(criteria[0][0], Data::String("编号".into()));
        assert_eq!(criteria[0][12], Data::String("评分标准".into()));
        assert_eq!(criteria.len(), 1 + defaults::CRITERIA.len());
        assert_eq!(criteria[1][0], Data::String("YS01".into()));
        assert_eq!(criteria[1][3], Data::Float(8.0));
        assert_eq!(criteria[1][4], Data::String("至少".into()));

        let weights = read_sheet(&path, "权重");
        assert_eq!(
            weights[0],
            [Data::String("单位编号".into()), Data::String("类别".into()), Data::String("权重".into())]
        );
        assert_eq!(weights[1], [Data::Empty, Data::String("意识形态工作".into()), Data::Float(30.0)]);

        let settings = read_sheet(&path, "设置");
        assert_eq!(settings[1][..2], [Data::String("年度".into()), Data::Float(2026.0)]);
        let self_gap = settings.iter().find(|row| row[0] == Data::String("自评偏差".into())).unwrap();
        assert_eq!(self_gap[1], Data::Float(5.0));

        let own = read_sheet(&path, "自评");
        let header = ["单位编号", "指标编号", "自评分", "说明"].map(|name| Data::String(name.into()));
        assert_eq!(own, [header], "header only");

        // The item's columns are filled: YS01 opens 研究部署 with its 项目分值.
        let column = |name: &str| criteria[0].iter().position(|cell| cell == &Data::String(name.into()));
        let (item, item_points) = (column("考核项目").unwrap(), column("项目分值").unwrap());
        assert_eq!(criteria[1][item], Data::String("研究部署".into()));
        assert_eq!(criteria[1][item_points], Data::Float(13.0));

        let ledger = read_sheet(&path, "活动");
        assert_eq!(ledger.len(), 1, "header only");
        assert_eq!(
            ledger[0][..3],
            [Data::String("单位编号".into()), Data::String("日期".into()), Data::String("类型".into())]
        );
    }

    #[test]
    fn refuses_a_non_empty_folder_and_writes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir(dir.path().join(TEMPLATE_DIR)).unwrap();
        fs::write(dir.path().join("模板/feedback.md"), "mine").unwrap();
        let error = init_into(dir.path(), 2025, &[("feedback.md", "theirs")], false).unwrap_err();
        assert!(error.0.zh.contains("已存在且不为空，未做任何改动"), "{error:?}");
        assert!(error.0.en.contains("exists and is not empty; nothing was changed"), "{error:?}");
        assert!(!dir.path().join(WORKBOOK_FILE).exists(), "nothing written");
        assert_eq!(fs::read_to_string(dir.path().join("模板/feedback.md")).unwrap(), "mine");
        let error = init_into(dir.path(), 2025, &[("feedback.md", "theirs")], true).unwrap_err();
        let shown = dir.path().join("模板/feedback.md");
        assert!(
            error.0.zh.contains(&format!("没有 kaohe 的写出记录（.kaohe-outputs），{}", shown.display()))
        );
        assert_eq!(fs::read_to_string(&shown).unwrap(), "mine");

        let new = dir.path().join("new");
        let written = init_into(&new, 2025, &[("feedback.md", "# 反馈")], false).unwrap();
        assert_eq!(written, [WORKBOOK_FILE, "模板/feedback.md"]);
        assert_eq!(fs::read_to_string(new.join("模板/feedback.md")).unwrap(), "# 反馈");
        assert!(init_into(&new, 2025, &[], false).is_err(), "the folder is not empty now");
    }

    #[test]
    fn force_replaces_what_init_wrote_but_not_an_edited_ledger() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("考核");
        init_into(&target, 2025, &[("feedback.md", "# 反馈")], false).unwrap();
        fs::write(target.join("说明.txt"), "mine").unwrap();
        init_into(&target, 2026, &[("feedback.md", "# 新反馈")], true).unwrap();
        assert_eq!(fs::read_to_string(target.join("模板/feedback.md")).unwrap(), "# 新反馈");
        assert_eq!(fs::read(target.join(WORKBOOK_FILE)).unwrap(), blank_workbook(2026).unwrap());
        assert_eq!(fs::read_to_string(target.join("说明.txt")).unwrap(), "mine");

        fs::write(target.join(WORKBOOK_FILE), "filled in").unwrap();
        let error = init_into(&target, 2026, &[], true).unwrap_err();
        let edited = target.join(WORKBOOK_FILE);
        assert_eq!(
            error.0.zh,
            format!(
                "{} 在 kaohe 写出后被修改过，未做任何改动；如需保留请先移走它，或改用新的输出文件夹",
                edited.display()
            )
        );
        assert_eq!(fs::read_to_string(&edited).unwrap(), "filled in");
        assert_eq!(fs::read_to_string(target.join("模板/feedback.md")).unwrap(), "# 新反馈");
    }

    #[test]
    fn command_writes_once_then_refuses() {
        let dir = tempfile::tempdir().unwrap();
        let run =
            || crate::main_with_args(["kaohe".into(), "init".into(), dir.path().as_os_str().to_owned()]);
        assert_eq!(run(), std::process::ExitCode::SUCCESS);
        assert!(dir.path().join(WORKBOOK_FILE).is_file());
        assert_eq!(run(), std::process::ExitCode::from(crate::EXIT_INVALID_INPUT));
    }

    #[test]
    fn every_keyword_and_boolean_column_has_a_drop_down_list() {
        for kind in SHEET_ORDER {
            for column in template_columns(kind) {
                let listed = matches!(column.shape, Shape::Keyword | Shape::Boolean);
                let types = kind == SheetKind::Activities && column.en == "type";
                assert_eq!(choices(kind, &column).is_some(), listed || types, "{}.{}", kind.zh(), column.zh);
            }
        }
        let boolean = choices(SheetKind::Units, &SheetKind::Units.columns()[5]);
        assert_eq!(boolean, Some(Choices::Words(vec!["是", "否"])));
        assert!(BOOLEAN_CHOICES.iter().all(|word| crate::input::value::parse_bool_text(word).is_some()));
    }

    #[test]
    fn same_year_gives_the_same_bytes() {
        assert_eq!(blank_workbook(2025).unwrap(), blank_workbook(2025).unwrap());
    }

    #[test]
    fn typed_cells_follow_excel() {
        assert_eq!(Cell::typed(""), Cell::Empty);
        assert_eq!(Cell::typed("30"), Cell::Number(30.0));
        assert_eq!(Cell::typed("2.5"), Cell::Number(2.5));
        assert_eq!(Cell::typed("YS01"), Cell::Text("YS01".into()));
        assert_eq!(Cell::typed("上报=是"), Cell::Text("上报=是".into()));
        assert_eq!(display_width("意识形态 ab"), 11);
    }
}
