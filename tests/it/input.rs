//! Reading real input files: workbooks in every format kaohe reads, CSV in
//! every encoding, and the errors for files it can't read. The fixtures in
//! `tests/fixtures/input/` are tiny and committed; the xlsx and CSV ones are
//! written by the ignored test `generate_fixtures` below, the xls and ods
//! ones converted from `台账.xlsx` with LibreOffice:
//!
//! ```sh
//! cargo test --test it -- --ignored generate_fixtures
//! cd tests/fixtures/input && soffice --headless --convert-to xls 台账.xlsx && soffice --headless --convert-to ods 台账.xlsx
//! ```

use std::path::{Path, PathBuf};

use chrono::{NaiveDate, NaiveDateTime};
use kaohe::diagnostic::Lang;
use kaohe::input::schema::SheetKind;
use kaohe::input::value::{parse_date_time, parse_weight};
use kaohe::input::{Inputs, Table, Value, read_inputs};
use kaohe::number;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/input").join(name)
}

fn read(names: &[&str]) -> Inputs {
    read_inputs(&names.iter().map(|name| fixture(name)).collect::<Vec<_>>())
}

fn messages(inputs: &Inputs) -> Vec<String> {
    inputs.diagnostics.iter().map(|d| d.headline(Lang::Zh)).collect()
}

fn table<'a>(inputs: &'a Inputs, sheet: &str) -> &'a Table {
    inputs
        .tables
        .iter()
        .find(|table| table.sheet.as_ref() == sheet)
        .unwrap_or_else(|| panic!("no table {sheet}"))
}

/// The displayed values of a schema column, row by row.
fn column(table: &Table, key: &str) -> Vec<String> {
    table.rows.iter().map(|row| table.get(row, key).display()).collect()
}

fn row_numbers(table: &Table) -> Vec<u32> {
    table.rows.iter().map(|row| row.number).collect()
}

fn at(y: i32, m: u32, d: u32, hh: u32, mm: u32) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(y, m, d).unwrap().and_hms_opt(hh, mm, 0).unwrap()
}

/// What `台账.xlsx` holds, whatever format it was saved in.
fn assert_ledger_workbook(inputs: &Inputs, file: &str) {
    assert!(inputs.diagnostics.is_empty(), "{:?}", messages(inputs));
    assert_eq!(inputs.sources.len(), 1);
    assert_eq!(inputs.sources[0].name.as_ref(), file);
    let sheets: Vec<&str> = inputs.tables.iter().map(|table| table.sheet.as_ref()).collect();
    assert_eq!(sheets, ["单位", "指标", "权重", "活动", "第一党支部", "设置"], "说明 is no known sheet");

    // A sheet whose first used cell is B3 keeps its real coordinates.
    let units = table(inputs, "单位");
    assert_eq!((units.header_row, units.first_col), (3, 1));
    assert_eq!(row_numbers(units), [4, 5, 6]);
    assert_eq!(column(units, "id"), ["D", "U1", "U2"]);
    assert_eq!(units.row_location(&units.rows[1]).to_string(), format!("{file}:单位!B5"));
    assert_eq!(units.location(&units.rows[2], "parent").to_string(), format!("{file}:单位!D6"));

    // Title rows above the header are skipped; the merged 类别 fills down.
    let criteria = table(inputs, "指标");
    assert_eq!(criteria.header_row, 3);
    assert_eq!(row_numbers(criteria), [4, 5, 6]);
    assert_eq!(column(criteria, "category"), ["意识形态工作", "意识形态工作", "党建工作"]);
    assert_eq!(column(criteria, "points"), ["10", "5", "20"]);
    assert_eq!(criteria.extras.iter().map(|extra| extra.key.as_str()).collect::<Vec<_>>(), ["备注"]);

    let activities = table(inputs, "活动");
    assert_eq!(activities.header_row, 2);
    let dates: Vec<_> =
        activities.rows.iter().map(|row| parse_date_time(activities.get(row, "date"))).collect();
    assert_eq!(
        dates,
        [Some(at(2025, 3, 15, 0, 0)), Some(at(2025, 7, 1, 9, 30)), Some(at(2025, 12, 31, 0, 0))]
    );
    assert_eq!(column(activities, "type"), ["专题研究", "通报", "综合分析"]);
    let reported = &activities.extras[0];
    assert_eq!((reported.header.as_str(), reported.key.as_str()), ("上报", "上报"));

    let ledger = table(inputs, "第一党支部");
    assert_eq!(ledger.kind, SheetKind::Activities);
    assert_eq!(ledger.col("unit"), None);
    let implied = ledger.implied_unit.as_ref().unwrap();
    assert_eq!((implied.sheet_name.as_str(), implied.file_stem.as_str()), ("第一党支部", ""));
    assert_eq!(column(ledger, "type"), ["专题汇报", "专题汇报"]);

    let settings = table(inputs, "设置");
    assert_eq!(column(settings, "key"), ["年度", "考核单位"]);
    assert_eq!(column(settings, "value"), ["2025", "某县局党委"]);
}

#[test]
fn xlsx_keeps_real_rows_fills_merges_and_reads_percentages() {
    let inputs = read(&["台账.xlsx"]);
    assert_ledger_workbook(&inputs, "台账.xlsx");
    let weights = table(&inputs, "权重");
    let parsed: Vec<_> = weights.rows.iter().map(|row| parse_weight(weights.get(row, "weight"))).collect();
    assert_eq!(parsed, [Some((number::int(40), true)), Some((number::int(60), true))]);
    assert_eq!(column(weights, "weight"), ["40%", "60%"]);
    assert_eq!(inputs.sources[0].sha256.len(), 64);
}

#[test]
fn xls_reads_the_same_workbook() {
    let inputs = read(&["台账.xls"]);
    assert_ledger_workbook(&inputs, "台账.xls");
    // Number formats can't be read from .xls: the validator's fraction rule applies.
    let weights = table(&inputs, "权重");
    assert_eq!(weights.get(&weights.rows[0], "weight"), &Value::Number(0.4));
}

#[test]
fn ods_reads_the_same_workbook_with_merges_and_percentages() {
    let inputs = read(&["台账.ods"]);
    assert_ledger_workbook(&inputs, "台账.ods");
    let weights = table(&inputs, "权重");
    assert_eq!(column(weights, "weight"), ["40%", "60%"]);
}

#[test]
fn dates_in_the_1904_date_system() {
    let inputs = read(&["1904.xlsx"]);
    assert!(inputs.diagnostics.is_empty(), "{:?}", messages(&inputs));
    let activities = table(&inputs, "活动");
    assert_eq!(activities.get(&activities.rows[0], "date"), &Value::DateTime(at(2025, 3, 15, 9, 30)));
}

#[test]
fn a_file_with_no_known_sheet_is_a_warning() {
    let inputs = read(&["说明.csv"]);
    let warnings: Vec<String> = inputs.diagnostics.warnings().map(|d| d.headline(Lang::Zh)).collect();
    assert_eq!(warnings.len(), 1);
    assert!(warnings[0].starts_with("说明.csv: 说明.csv 中没有 kaohe 认识的表"), "{warnings:?}");
    assert!(!inputs.diagnostics.has_errors());
    assert_eq!(inputs.sources.len(), 1, "it is still an input, listed with its hash");
}

#[test]
fn english_sheet_and_column_names() {
    let inputs = read(&["english.xlsx"]);
    assert!(inputs.diagnostics.is_empty(), "{:?}", messages(&inputs));
    let activities = table(&inputs, "Activities");
    assert_eq!(activities.kind, SheetKind::Activities);
    assert_eq!(column(activities, "unit"), ["U1"]);
    assert_eq!(column(activities, "date"), ["2025-03-15"]);
    assert_eq!(column(activities, "type"), ["special study"]);
    assert_eq!(table(&inputs, "SETTINGS").kind, SheetKind::Settings);
}

#[test]
fn csv_in_utf8_with_bom_and_gbk() {
    let inputs = read(&["活动.csv", "评分.csv", "第二党支部台账.csv"]);
    assert!(inputs.diagnostics.is_empty(), "{:?}", messages(&inputs));
    let names: Vec<&str> = inputs.sources.iter().map(|source| source.name.as_ref()).collect();
    assert_eq!(names, ["活动.csv", "评分.csv", "第二党支部台账.csv"]);

    let utf8 = table(&inputs, "活动");
    assert_eq!(utf8.header_row, 2, "a title line above the header");
    assert_eq!(column(utf8, "unit"), ["第一党支部", "第二党支部"]);
    assert_eq!(column(utf8, "title"), ["学习贯彻专题研究", "半年通报"]);
    let dates: Vec<_> = utf8.rows.iter().map(|row| parse_date_time(utf8.get(row, "date"))).collect();
    assert_eq!(dates, [Some(at(2025, 3, 15, 0, 0)), Some(at(2025, 7, 1, 9, 30))]);
    assert_eq!(utf8.get(&utf8.rows[0], "unit"), &Value::Text("第一党支部".into()), "CSV cells are text");

    let bom = table(&inputs, "评分");
    assert_eq!(bom.col("unit"), Some(0), "the BOM is not part of the first header");
    assert_eq!(column(bom, "note"), ["材料齐全"]);

    let gbk = table(&inputs, "第二党支部台账");
    assert_eq!(gbk.kind, SheetKind::Activities);
    assert_eq!(column(gbk, "type"), ["专题研究", "季度分析"]);
    assert_eq!(column(gbk, "title"), ["意识形态工作专题会", "一季度意识形态分析"]);
    assert_eq!(parse_date_time(gbk.get(&gbk.rows[0], "date")), Some(at(2025, 3, 15, 0, 0)));
    let implied = gbk.implied_unit.as_ref().unwrap();
    assert_eq!(implied.file_stem, "第二党支部");
    assert_eq!(gbk.location(&gbk.rows[1], "type").to_string(), "第二党支部台账.csv:第二党支部台账!B3");
}

#[test]
fn a_missing_required_column_is_located_at_the_header_row() {
    let inputs = read(&["缺列.xlsx"]);
    assert_eq!(messages(&inputs), ["缺列.xlsx:活动!2:2: 缺少必填列“日期”(date)"]);
    assert!(inputs.tables.is_empty());
}

#[test]
fn unreadable_files_are_one_error_each_and_the_rest_is_read() {
    let inputs = read(&["台账.et", "损坏.xlsx", "不存在.xlsx", "活动.csv"]);
    let messages = messages(&inputs);
    assert_eq!(messages.len(), 3, "{messages:?}");
    assert_eq!(
        messages[0],
        "台账.et: 无法读取 台账.et：不是 kaohe 支持的格式（.xlsx .xlsm .xls .ods .csv），请在 WPS/Excel 中另存为 .xlsx"
    );
    assert!(
        messages[1].starts_with("损坏.xlsx: 无法读取 损坏.xlsx：文件已损坏或格式不符"),
        "{}",
        messages[1]
    );
    assert_eq!(messages[2], "不存在.xlsx: 找不到文件 不存在.xlsx");
    assert_eq!(inputs.sources.len(), 1);
    assert_eq!(inputs.tables[0].source, 0);
    assert_eq!(inputs.tables[0].file.as_ref(), "活动.csv");
}

#[test]
fn files_keep_their_command_line_order() {
    let inputs = read(&["评分.csv", "台账.xlsx", "活动.csv"]);
    let names: Vec<&str> = inputs.sources.iter().map(|source| source.name.as_ref()).collect();
    assert_eq!(names, ["评分.csv", "台账.xlsx", "活动.csv"]);
    let files: Vec<(&str, usize)> =
        inputs.tables.iter().map(|table| (table.file.as_ref(), table.source)).collect();
    assert_eq!(files.first(), Some(&("评分.csv", 0)));
    assert_eq!(files.last(), Some(&("活动.csv", 2)));
}

/// Writes the xlsx and CSV fixtures. Run it, then convert `台账.xlsx` to xls
/// and ods with LibreOffice (see the module doc) and commit the files.
#[test]
#[ignore = "regenerates the committed fixtures"]
fn generate_fixtures() {
    fixtures::write_all(&fixture("")).unwrap();
}

mod fixtures {
    use std::path::Path;

    use std::io::{Cursor, Read, Write};

    use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook, XlsxError};

    pub(super) fn write_all(dir: &Path) -> Result<(), Box<dyn std::error::Error>> {
        std::fs::create_dir_all(dir)?;
        ledger_workbook()?.save(dir.join("台账.xlsx"))?;
        english_workbook()?.save(dir.join("english.xlsx"))?;
        missing_column_workbook()?.save(dir.join("缺列.xlsx"))?;
        let mac = with_1904_epoch(&date_1904_workbook()?.save_to_buffer()?)?;
        std::fs::write(dir.join("1904.xlsx"), mac)?;
        std::fs::write(dir.join("说明.csv"), "备注\n本目录为第一党支部台账\n")?;
        std::fs::write(
            dir.join("活动.csv"),
            "2025年度台账\n单位编号,日期,类型,标题\n第一党支部,2025-03-15,专题研究,学习贯彻专题研究\n第二党支部,2025/7/1 9:30,通报,半年通报\n",
        )?;
        std::fs::write(dir.join("评分.csv"), "\u{FEFF}单位编号,指标编号,得分,说明\nU1,A9,8,材料齐全\n")?;
        let gbk = "日期,类型,标题\r\n2025年3月15日,专题研究,意识形态工作专题会\r\n2025-04-02,季度分析,一季度意识形态分析\r\n";
        std::fs::write(dir.join("第二党支部台账.csv"), encoding_rs::GB18030.encode(gbk).0)?;
        std::fs::write(dir.join("台账.et"), b"\xD0\xCF\x11\xE0 WPS spreadsheet, not supported")?;
        std::fs::write(dir.join("损坏.xlsx"), b"PK\x03\x04 truncated")?;
        Ok(())
    }

    /// A workbook with a fixed creation date, so regenerating gives the same bytes.
    fn new_workbook() -> Result<Workbook, XlsxError> {
        let mut workbook = Workbook::new();
        let created = ExcelDateTime::from_ymd(2025, 1, 1)?;
        workbook.set_properties(&DocProperties::new().set_creation_datetime(&created));
        Ok(workbook)
    }

    fn ledger_workbook() -> Result<Workbook, XlsxError> {
        let mut workbook = new_workbook()?;
        let date = Format::new().set_num_format("yyyy-mm-dd");
        let date_time = Format::new().set_num_format("yyyy-mm-dd hh:mm");
        let percent = Format::new().set_num_format("0%");

        // Nothing above B3: calamine's range starts there.
        let units = workbook.add_worksheet().set_name("单位")?;
        units.write_row(2, 1, ["编号", "名称", "上级编号", "参评"])?;
        units.write_row(3, 1, ["D", "某县局党委", "", "否"])?;
        units.write_row(4, 1, ["U1", "第一党支部", "D", "是"])?;
        units.write_row(5, 1, ["U2", "第二党支部", "D", "是"])?;

        let criteria = workbook.add_worksheet().set_name("指标")?;
        criteria.merge_range(0, 0, 0, 5, "2025年度考核指标", &Format::new())?;
        criteria.write_row(2, 0, ["编号", "类别", "名称", "分值（分）", "规则", "备注"])?;
        criteria.merge_range(3, 1, 4, 1, "意识形态工作", &Format::new())?;
        for (row, code, name, points) in
            [(3, "A1", "专题研究", 10.0), (4, "A2", "综合分析", 5.0), (5, "B1", "组织生活", 20.0)]
        {
            criteria.write(row, 0, code)?;
            criteria.write(row, 2, name)?;
            criteria.write(row, 3, points)?;
            criteria.write(row, 4, "至少")?;
        }
        criteria.write(5, 1, "党建工作")?;

        let weights = workbook.add_worksheet().set_name("权重")?;
        weights.write_row(0, 0, ["类别", "权重(%)"])?;
        weights.write(1, 0, "意识形态工作")?;
        weights.write_with_format(1, 1, 0.4, &percent)?;
        weights.write(2, 0, "党建工作")?;
        weights.write_with_format(2, 1, 0.6, &percent)?;

        let activities = workbook.add_worksheet().set_name("活动")?;
        activities.write(0, 0, "2025年度意识形态工作台账")?;
        activities.write_row(1, 0, ["单位编号", "日期", "类型", "上报"])?;
        activities.write_row(2, 0, ["U1"])?;
        activities.write_datetime_with_format(2, 1, &ExcelDateTime::from_ymd(2025, 3, 15)?, &date)?;
        activities.write_row(2, 2, ["专题研究"])?;
        activities.write_boolean(2, 3, true)?;
        activities.write(3, 0, "U2")?;
        let half = ExcelDateTime::from_ymd(2025, 7, 1)?.and_hms(9, 30, 0)?;
        activities.write_datetime_with_format(3, 1, &half, &date_time)?;
        activities.write_row(3, 2, ["通报", "是"])?;
        activities.write(4, 0, "U2")?;
        activities.write(4, 1, "2025年12月31日")?;
        activities.write(4, 2, "综合分析")?;

        let branch = workbook.add_worksheet().set_name("第一党支部")?;
        branch.write_row(0, 0, ["日期", "类型", "形式"])?;
        branch.write_row(1, 0, ["2025-05-20", "专题汇报", "书面"])?;
        branch.write_row(2, 0, ["2025-11-20", "专题汇报", "当面"])?;

        let notes = workbook.add_worksheet().set_name("说明")?;
        notes.write(0, 0, "本表由第一党支部填报")?;

        let settings = workbook.add_worksheet().set_name("设置")?;
        settings.write_row(0, 0, ["项目", "值"])?;
        settings.write(1, 0, "年度")?;
        settings.write(1, 1, 2025)?;
        settings.write_row(2, 0, ["考核单位", "某县局党委"])?;
        Ok(workbook)
    }

    fn english_workbook() -> Result<Workbook, XlsxError> {
        let mut workbook = new_workbook()?;
        let activities = workbook.add_worksheet().set_name("Activities")?;
        activities.write_row(0, 0, ["Unit", "DATE", "Type"])?;
        activities.write_row(1, 0, ["U1", "2025-03-15", "special study"])?;
        let settings = workbook.add_worksheet().set_name("SETTINGS")?;
        settings.write_row(0, 0, ["Key", "Value"])?;
        settings.write_row(1, 0, ["year", "2025"])?;
        Ok(workbook)
    }

    fn missing_column_workbook() -> Result<Workbook, XlsxError> {
        let mut workbook = new_workbook()?;
        let activities = workbook.add_worksheet().set_name("活动")?;
        activities.write(0, 0, "2025年度台账")?;
        activities.write_row(1, 0, ["单位编号", "类型", "标题"])?;
        activities.write_row(2, 0, ["U1", "通报", "半年通报"])?;
        Ok(workbook)
    }

    /// Dates typed on a Mac with the 1904 date system: serials count from
    /// 1904-01-01, so 2025-03-15 is 44269 (45731 − 1462) and 09:30 is 0.395833….
    fn date_1904_workbook() -> Result<Workbook, XlsxError> {
        let mut workbook = new_workbook()?;
        let date_time = Format::new().set_num_format("yyyy-mm-dd hh:mm");
        let activities = workbook.add_worksheet().set_name("活动")?;
        activities.write_row(0, 0, ["单位编号", "日期", "类型"])?;
        activities.write(1, 0, "U1")?;
        activities.write_number_with_format(1, 1, 44269.0 + 9.5 / 24.0, &date_time)?;
        activities.write(1, 2, "专题研究")?;
        Ok(workbook)
    }

    /// rust_xlsxwriter has no 1904 option: set `date1904` in the package's
    /// workbook part.
    fn with_1904_epoch(xlsx: &[u8]) -> Result<Vec<u8>, Box<dyn std::error::Error>> {
        let mut archive = zip::ZipArchive::new(Cursor::new(xlsx))?;
        let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
        for index in 0..archive.len() {
            let mut entry = archive.by_index(index)?;
            let name = entry.name()?.into_owned();
            let mut content = Vec::new();
            entry.read_to_end(&mut content)?;
            if name == "xl/workbook.xml" {
                let xml = String::from_utf8(content)?;
                assert!(xml.contains("<workbookPr "), "rust_xlsxwriter writes workbookPr");
                content = xml.replacen("<workbookPr ", "<workbookPr date1904=\"1\" ", 1).into_bytes();
            }
            out.start_file(name, zip::write::SimpleFileOptions::default())?;
            out.write_all(&content)?;
        }
        Ok(out.finish()?.into_inner())
    }
}
