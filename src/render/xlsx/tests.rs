//! Reads the rendered workbook back with calamine and checks it against the report.

use std::io::Cursor;

use calamine::{Data, DataType, Range, Reader, Xlsx};

use super::fixture::{self, COUNTY, IDEOLOGICAL, PARTY, part};
use super::*;
use crate::number::to_f64;

fn render() -> Vec<u8> {
    let model = fixture::model(&COUNTY);
    render_report(&model, &fixture::report(&model))
}

fn render_report(model: &Model, report: &crate::score::Report) -> Vec<u8> {
    let warnings = vec!["台账.xlsx:活动!A9: 重复的台账行".to_owned()];
    let scored = Scored { model, report, warnings: &warnings, created: fixture::created() };
    workbook(&scored).expect("workbook renders")
}

fn open(bytes: Vec<u8>) -> Xlsx<Cursor<Vec<u8>>> {
    Xlsx::new(Cursor::new(bytes)).expect("a readable xlsx")
}

fn cell(range: &Range<Data>, row: u32, col: u32) -> Data {
    range.get_value((row, col)).cloned().unwrap_or(Data::Empty)
}

fn text(value: &str) -> Data {
    Data::String(value.into())
}

#[test]
fn sheets_come_in_spec_order() {
    let book = open(render());
    assert_eq!(book.sheet_names(), ["汇总", "图表", "明细", "舆情时效", "问责", "权重", "校验", "说明"]);
}

#[test]
fn summary_holds_every_figure_of_the_report() {
    let model = fixture::model(&COUNTY);
    let report = fixture::report(&model);
    let mut book = open(render());
    let summary = book.worksheet_range(SHEET_SUMMARY).unwrap();
    assert_eq!(cell(&summary, 0, 0), text("2025年度考核得分汇总表"));
    let header: Vec<Data> = (0..11).map(|col| cell(&summary, 1, col)).collect();
    let expected = [
        "排名",
        "单位编号",
        "单位名称",
        IDEOLOGICAL,
        PARTY,
        "加权得分",
        "加分",
        "总分",
        "等次",
        "否决",
        "考核体系",
    ];
    assert_eq!(header, expected.map(text));
    let rows = [
        (
            1.0,
            "U1",
            "办公室党支部",
            Data::Float(90.0),
            Data::Float(80.0),
            84.0,
            2.0,
            86.0,
            "良好",
            "",
            "顶层体系",
        ),
        (
            2.0,
            "U10",
            "第三党支部",
            Data::Float(250.0 / 3.0),
            Data::Float(75.0),
            475.0 / 6.0,
            0.0,
            79.17,
            "合格",
            "",
            "办公室党支部",
        ),
        (
            3.0,
            "U2",
            "=SUM(A1)",
            Data::Float(280.0 / 3.0),
            text("—"),
            280.0 / 3.0,
            0.0,
            93.33,
            "不合格",
            "是",
            "顶层体系",
        ),
    ];
    for ((row, expected), result) in (2..).zip(rows).zip(&report.units) {
        let (rank, id, name, ideological, party, weighted, bonus, total, grade, veto, system) = expected;
        assert_eq!(cell(&summary, row, 0), Data::Float(rank));
        assert_eq!(cell(&summary, row, 1), text(id));
        assert_eq!(cell(&summary, row, 2), text(name));
        assert_eq!(cell(&summary, row, 3), ideological);
        assert_eq!(cell(&summary, row, 4), party);
        // W's stored result is the nearest double of the exact W, never pre-rounded.
        assert_eq!(cell(&summary, row, 5), Data::Float(weighted), "row {row}");
        assert_eq!(cell(&summary, row, 5), Data::Float(unrounded(&result.weighted)));
        assert_eq!(cell(&summary, row, 6), Data::Float(bonus));
        assert_eq!(cell(&summary, row, 7), Data::Float(total));
        assert_eq!(cell(&summary, row, 7), Data::Float(to_f64(&result.total)));
        assert_eq!(cell(&summary, row, 8), text(grade));
        match veto {
            "" => assert_eq!(cell(&summary, row, 9), Data::Empty),
            mark => assert_eq!(cell(&summary, row, 9), text(mark)),
        }
        assert_eq!(cell(&summary, row, 10), text(system));
    }
    let below: Vec<Data> = (6..10).map(|row| cell(&summary, row, 0)).collect();
    assert_eq!(below, ["填表单位：县局党委", "填表人：", "审核人：", "日期："].map(text));
}

#[test]
fn weighted_and_total_are_live_formulas_over_the_weights_sheet() {
    let mut book = open(render());
    let formulas = book.worksheet_formula(SHEET_SUMMARY).unwrap();
    let formula = |row: u32, col: u32| formulas.get_value((row, col)).cloned().unwrap_or_default();
    assert_eq!(formula(2, 5), "SUMPRODUCT(D3:E3,权重!$C$2:$D$2)/SUMPRODUCT(ISNUMBER(D3:E3)*权重!$C$2:$D$2)");
    assert_eq!(formula(3, 5), "SUMPRODUCT(D4:E4,权重!$C$3:$D$3)/SUMPRODUCT(ISNUMBER(D4:E4)*权重!$C$3:$D$3)");
    assert_eq!(formula(2, 7), "ROUND(F3+G3,2)");
    assert_eq!(formula(4, 7), "ROUND(F5+G5,2)");
    // User text is never a formula, even when it looks like one.
    assert_eq!(formula(4, 2), "");

    let weights = book.worksheet_range(SHEET_WEIGHTS).unwrap();
    let header: Vec<Data> = (0..5).map(|col| cell(&weights, 0, col)).collect();
    assert_eq!(header, ["体系", "单位编号", IDEOLOGICAL, PARTY, "合计"].map(text));
    assert_eq!(cell(&weights, 1, 0), text("顶层体系"));
    assert_eq!((cell(&weights, 1, 2), cell(&weights, 1, 3)), (Data::Float(40.0), Data::Float(60.0)));
    assert_eq!(cell(&weights, 2, 0), text("办公室党支部"));
    assert_eq!(cell(&weights, 2, 1), text("U1"));
    assert_eq!((cell(&weights, 2, 2), cell(&weights, 2, 3)), (Data::Float(50.0), Data::Float(50.0)));
    assert_eq!(cell(&weights, 2, 4), Data::Float(100.0));
    assert_eq!(cell(&weights, 2, 5), text("顶层体系"));
    assert_eq!(cell(&weights, 2, 6), Data::Float(40.0));
    assert_eq!(cell(&weights, 2, 7), text("符合（50% ≥ 40%）"));
}

#[test]
fn detail_incident_accountability_and_warning_sheets() {
    let mut book = open(render());
    let detail = book.worksheet_range(SHEET_DETAIL).unwrap();
    let first: Vec<Data> = (0..11).map(|col| cell(&detail, 1, col)).collect();
    assert_eq!(
        first,
        [
            text("U1"),
            text("办公室党支部"),
            text("I1"),
            text(IDEOLOGICAL),
            text("专题研究"),
            text("至少"),
            Data::Float(20.0),
            Data::Float(19.0),
            Data::Float(1.0),
            text("全年缺1次，扣1分"),
            text("台账.xlsx:活动!A3"),
        ]
    );
    // 5 + 5 + 4 indicator rows below the header; the veto row is the last.
    assert_eq!(cell(&detail, 14, 2), text("I5"));
    assert_eq!(cell(&detail, 14, 9), text("严重错误倾向1次，一票否决"));

    let incidents = book.worksheet_range(SHEET_INCIDENTS).unwrap();
    assert_eq!(cell(&incidents, 1, 2), text("网络谣言"));
    assert!(matches!(cell(&incidents, 1, 4), Data::DateTime(_)));
    assert_eq!(cell(&incidents, 1, 10), Data::Float(31.0));
    assert_eq!(cell(&incidents, 1, 12), text("—"));
    assert_eq!(cell(&incidents, 1, 13), text("I2 舆情处置"));
    assert_eq!(cell(&incidents, 1, 14), Data::Float(24.0));
    assert_eq!(cell(&incidents, 1, 15), text("研判超时"));

    let accountability = book.worksheet_range(SHEET_ACCOUNTABILITY).unwrap();
    let row: Vec<Data> = (0..9).map(|col| cell(&accountability, 1, col)).collect();
    let expected = ["A1", "U2", "=SUM(A1)", "错误言论", "集体", "张三", "主要负责人", "赞成", "主要领导责任"];
    assert_eq!(row, expected.map(text));

    let warnings = book.worksheet_range(SHEET_WARNINGS).unwrap();
    assert_eq!(cell(&warnings, 1, 1), text("台账.xlsx:活动!A9: 重复的台账行"));
}

#[test]
fn about_sheet_identifies_the_workbook() {
    let mut book = open(render());
    let about = book.worksheet_range(SHEET_ABOUT).unwrap();
    let rows: Vec<(Data, Data)> = (1..11).map(|row| (cell(&about, row, 0), cell(&about, row, 1))).collect();
    let doc_date = cell(&about, 4, 1).as_datetime();
    let expected = [
        // The version once, in the marker a reader recognises a kaohe workbook by.
        (text("生成工具"), text(&format!("kaohe {VERSION}"))),
        (text("年度"), Data::Float(2025.0)),
        (text("考核单位"), text("县局党委")),
        (text("成文日期"), cell(&about, 4, 1)),
        // What an upper level needs to verify the workbook, numbers as numbers.
        (text("意识形态类别"), text(IDEOLOGICAL)),
        (text("等次"), text("优秀:90;良好:80;合格:60;不合格:0")),
        (text("优秀比例"), text("无")),
        (text("加分上限"), text("无")),
        (text("参评单位数"), Data::Float(3.0)),
        (text("计算方法"), cell(&about, 10, 1)),
    ];
    assert_eq!(rows, expected);
    // The 成文日期 the documents carry: without the setting, the creation date.
    assert_eq!(doc_date, Some(fixture::created()));
    let last = about.end().unwrap().0;
    assert_eq!((cell(&about, last, 0), cell(&about, last, 1)), (text("台账.xlsx"), text(&"ab".repeat(32))));
}

#[test]
fn about_sheet_stores_set_numbers_and_the_set_doc_date() {
    let mut model = fixture::model(&COUNTY);
    model.settings.top_quota = Some(crate::number::parse_decimal("12.5").unwrap());
    model.settings.bonus_cap = Some(crate::number::int(3));
    model.settings.doc_date = chrono::NaiveDate::from_ymd_opt(2026, 1, 15);
    let mut book = open(render_report(&model, &fixture::report(&model)));
    let about = book.worksheet_range(SHEET_ABOUT).unwrap();
    assert_eq!((cell(&about, 7, 0), cell(&about, 7, 1)), (text("优秀比例"), Data::Float(12.5)));
    assert_eq!((cell(&about, 8, 0), cell(&about, 8, 1)), (text("加分上限"), Data::Float(3.0)));
    let doc_date = cell(&about, 4, 1).as_datetime();
    assert_eq!(doc_date, chrono::NaiveDate::from_ymd_opt(2026, 1, 15).and_then(|d| d.and_hms_opt(0, 0, 0)));
}

#[test]
fn summary_prints_its_table_alone_and_the_chart_has_a_sheet_of_its_own() {
    let bytes = render();
    let workbook = part(&bytes, "xl/workbook.xml");
    // The title, header, 3 units and the 4 sign-off lines below a blank row: A1:K10.
    assert!(
        workbook.contains(
            r#"<definedName name="_xlnm.Print_Area" localSheetId="0">汇总!$A$1:$K$10</definedName>"#
        ),
        "{workbook}"
    );
    assert!(
        workbook
            .contains(r#"<definedName name="_xlnm.Print_Titles" localSheetId="0">汇总!$1:$2</definedName>"#)
    );
    let summary = part(&bytes, "xl/worksheets/sheet1.xml");
    assert!(!summary.contains("<drawing"), "no chart on 汇总: {summary}");
    assert!(
        summary.contains(r#"<pageSetup paperSize="9" fitToHeight="0" orientation="landscape""#),
        "{summary}"
    );
    assert!(summary.contains(r#"<pageSetUpPr fitToPage="1"/>"#));
    // 图表: rank, name and total (a live reference to 汇总) of each unit, and the chart beside them.
    let chart_sheet = part(&bytes, "xl/worksheets/sheet2.xml");
    assert!(chart_sheet.contains("<drawing r:id=\"rId1\"/>"), "{chart_sheet}");
    assert!(chart_sheet.contains("<f>汇总!$H$3</f><v>86</v>"), "{chart_sheet}");
    let chart = part(&bytes, "xl/charts/chart1.xml");
    assert!(
        chart.contains("<c:f>图表!$B$2:$B$4</c:f>") && chart.contains("<c:f>图表!$C$2:$C$4</c:f>"),
        "{chart}"
    );
    let mut book = open(bytes);
    let rows: Vec<Vec<Data>> =
        book.worksheet_range(SHEET_CHART).unwrap().rows().map(<[Data]>::to_vec).collect();
    assert_eq!(rows[0], ["排名", "单位", "总分"].map(text));
    assert_eq!(rows[3], [Data::Float(3.0), text("=SUM(A1)"), Data::Float(93.33)]);
}

#[test]
fn the_document_title_names_the_workbook() {
    let core = part(&render(), "docProps/core.xml");
    assert!(core.contains("<dc:title>2025年度考核得分表</dc:title>"), "{core}");
}

/// The widths of a sheet's columns in its XML, by column.
fn column_widths(sheet: &str) -> Vec<f64> {
    let cols = roxmltree::Document::parse(sheet).unwrap();
    let mut widths = Vec::new();
    for col in cols.descendants().filter(|node| node.has_tag_name("col")) {
        let attribute = |name| col.attribute(name).unwrap().parse::<f64>().unwrap();
        for _ in attribute("min") as usize..=attribute("max") as usize {
            widths.push(attribute("width"));
        }
    }
    widths
}

#[test]
fn incidents_are_laid_out_to_print_at_70_percent_or_more() {
    let mut model = fixture::model(&COUNTY);
    // An event and a unit name that would each fill a 48-character column.
    model.incidents[0].title = "网民在多个平台集中转发关于本单位招聘公告信息不全的帖子并引发大量评论".into();
    let bytes = render_report(&model, &fixture::report(&model));
    let incidents = part(&bytes, "xl/worksheets/sheet4.xml");
    let styles = part(&bytes, "xl/styles.xml");
    let widths = column_widths(&incidents);
    assert_eq!(widths.len(), 16);
    // In Excel's pixels (a stored width counts 8 a character of 宋体 11,
    // padding included), ¾ point each: A4 landscape between the margins
    // holds 769.9 points, at 70 % a table of 1099.8.
    let points: f64 = widths.iter().map(|width| width * 8.0 * 0.75).sum();
    assert!(points <= 769.89 / 0.7, "{points} points: {widths:?}");
    // The event was narrowed from 48 characters and wraps, its row grown.
    assert!(widths[2] < 48.0, "{widths:?}");
    assert!(incidents.contains(r#"<row r="2" ht="90" customHeight="1">"#), "{incidents}");
    // Headers break at their unit; the steps' times leave out the year.
    let mut book = open(bytes);
    let sheet = book.worksheet_range(SHEET_INCIDENTS).unwrap();
    assert_eq!(cell(&sheet, 0, 9), text("发现用时\n（小时）"));
    assert_eq!(cell(&sheet, 0, 15), text("超时或\n缺失环节"));
    assert!(styles.contains(r#"formatCode="mm-dd hh:mm""#), "{styles}");
}

#[test]
fn same_inputs_give_the_same_bytes() {
    let bytes = render();
    assert!(bytes == render(), "same inputs, same bytes");
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    let mut core = String::new();
    std::io::Read::read_to_string(&mut archive.by_name("docProps/core.xml").unwrap(), &mut core).unwrap();
    assert!(
        core.contains("<dcterms:created xsi:type=\"dcterms:W3CDTF\">2025-12-31T00:00:00Z</dcterms:created>")
    );
}

#[test]
fn streamed_rows_are_as_tall_as_their_wrapped_lines() {
    let model = fixture::model(&COUNTY);
    let mut report = fixture::report(&model);
    let evidence = &mut report.units[0].indicators[0].evidence;
    evidence.push(evidence[0].clone());
    let bytes = render_report(&model, &report);
    // 明细 row 2 lists two pieces of evidence, one per line; row 3 one.
    let detail = part(&bytes, "xl/worksheets/sheet3.xml");
    assert!(detail.contains(r#"<row r="2" ht="30" customHeight="1">"#), "{detail}");
    assert!(detail.contains(r#"<row r="3">"#));
    // 说明: the 计算方法 text wraps to 3 lines of the capped column B…
    let about = part(&bytes, "xl/worksheets/sheet8.xml");
    assert!(about.contains(r#"<row r="11" ht="45" customHeight="1">"#), "{about}");
    // …which still widens, unwrapped, to the 64-character SHA-256 below it.
    assert!(about.contains(r#"<col min="2" max="2" width="63.375" customWidth="1"/>"#), "{about}");
}

#[test]
fn long_sheets_continue_on_numbered_sheets_each_with_its_header() {
    let model = fixture::model(&COUNTY);
    let report = fixture::report(&model);
    let warnings: Vec<String> = (1..=7).map(|n| format!("台账.xlsx:活动!A{n}: 重复的台账行")).collect();
    let scored = Scored { model: &model, report: &report, warnings: &warnings, created: fixture::created() };
    let mut book = open(workbook_with_sheet_rows(&scored, 6).expect("workbook renders"));
    assert_eq!(
        book.sheet_names(),
        ["汇总", "图表", "明细", "明细-2", "明细-3", "舆情时效", "问责", "权重", "校验", "校验-2", "说明"]
    );
    // 14 明细 rows, 5 a sheet below the header.
    let whole = open(render()).worksheet_range(SHEET_DETAIL).unwrap();
    for (sheet, first, count) in [("明细", 1, 5), ("明细-2", 6, 5), ("明细-3", 11, 4)] {
        let part = book.worksheet_range(sheet).unwrap();
        assert_eq!(part.height(), 1 + count, "{sheet}");
        let header: Vec<Data> = (0..11).map(|col| cell(&part, 0, col)).collect();
        assert_eq!(header[..3], ["单位编号", "单位名称", "指标编号"].map(text), "{sheet}");
        for row in 1..=count as u32 {
            let cells =
                |range: &Range<Data>, at: u32| (0..11).map(|col| cell(range, at, col)).collect::<Vec<_>>();
            assert_eq!(cells(&part, row), cells(&whole, first + row - 1), "{sheet} row {row}");
        }
    }
    let second = book.worksheet_range("校验-2").unwrap();
    assert_eq!((cell(&second, 0, 0), cell(&second, 0, 1)), (text("序号"), text("警告")));
    assert_eq!((cell(&second, 1, 0), cell(&second, 1, 1)), (Data::Float(6.0), text(&warnings[5])));
    assert_eq!((cell(&second, 2, 0), cell(&second, 2, 1)), (Data::Float(7.0), text(&warnings[6])));
}

#[test]
fn incidents_and_accountability_continue_on_numbered_sheets_too() {
    let model = fixture::model(&COUNTY);
    let mut report = fixture::report(&model);
    // The fixture's one incident and one finding, each listed twice, make two rows.
    report.incidents.push(report.incidents[0].clone());
    report.findings.push(report.findings[0].clone());
    let scored = Scored { model: &model, report: &report, warnings: &[], created: fixture::created() };
    // One row a sheet below the header.
    let mut book = open(workbook_with_sheet_rows(&scored, 2).expect("workbook renders"));
    let mut whole = open(workbook(&scored).expect("workbook renders"));
    for name in [SHEET_INCIDENTS, SHEET_ACCOUNTABILITY] {
        let whole = whole.worksheet_range(name).unwrap();
        let (rows, cols) = (whole.height() as u32 - 1, whole.width() as u32);
        assert!(rows >= 2, "{name} needs two rows to continue");
        let row_of =
            |range: &Range<Data>, at: u32| (0..cols).map(|col| cell(range, at, col)).collect::<Vec<_>>();
        for page in 1..=rows {
            let sheet = if page == 1 { name.to_owned() } else { format!("{name}-{page}") };
            let part = book.worksheet_range(&sheet).unwrap();
            assert_eq!(part.height(), 2, "{sheet}");
            assert_eq!(row_of(&part, 0), row_of(&whole, 0), "{sheet} header");
            assert_eq!(row_of(&part, 1), row_of(&whole, page), "{sheet} row");
        }
    }
}

#[test]
fn an_evidence_cell_keeps_the_rows_that_fit_and_counts_the_rest() {
    let origins: Vec<Origin> =
        (3..8).map(|row| Origin { file: "台账.xlsx".into(), sheet: "活动".into(), row, col: 0 }).collect();
    let all = "台账.xlsx:活动!A3\n台账.xlsx:活动!A4\n台账.xlsx:活动!A5\n台账.xlsx:活动!A6\n台账.xlsx:活动!A7";
    assert_eq!(evidence_cell(&origins, 69), (all.to_owned(), false));
    let (kept, cut) = evidence_cell(&origins, 50);
    assert_eq!(kept, "台账.xlsx:活动!A3\n台账.xlsx:活动!A4\n……另有3条，见“佐证”表");
    assert!(cut && excel_len(&kept) <= 50);
}
