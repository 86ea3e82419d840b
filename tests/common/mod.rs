//! Test helpers: small input workbooks written with rust_xlsxwriter, and a
//! fluent way to run kaohe's pipeline on them.

use std::path::{Path, PathBuf};

use kaohe::cli::Input;
use kaohe::diagnostic::Lang;
use kaohe::model::Model;
use rust_xlsxwriter::Workbook;

/// A sheet as rows of cells; a cell that parses as a number is written as a
/// number cell, anything else as text, `""` as no cell at all.
pub(crate) type SheetRows<'a> = Vec<Vec<&'a str>>;

/// Writes `sheets` into `dir/name` and returns its path.
pub(crate) fn write_xlsx(dir: &Path, name: &str, sheets: &[(&str, SheetRows)]) -> PathBuf {
    let mut workbook = Workbook::new();
    for (sheet_name, rows) in sheets {
        let sheet = workbook.add_worksheet();
        sheet.set_name(*sheet_name).unwrap();
        for (r, row) in rows.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                if cell.is_empty() {
                    continue;
                }
                match cell.parse::<f64>() {
                    Ok(number) if !cell.starts_with('+') => {
                        sheet.write_number(r as u32, c as u16, number).unwrap();
                    }
                    _ => {
                        sheet.write_string(r as u32, c as u16, *cell).unwrap();
                    }
                }
            }
        }
    }
    let path = dir.join(name);
    workbook.save(&path).unwrap();
    path
}

/// A small valid assessment: a bureau committee (not assessed), an
/// intermediate committee with its own weight system, two branches.
pub(crate) fn base_sheets() -> Vec<(&'static str, SheetRows<'static>)> {
    vec![
        ("设置", vec![vec!["项目", "值"], vec!["年度", "2025"], vec!["考核单位", "局党委"]]),
        (
            "单位",
            vec![
                vec!["编号", "名称", "上级编号", "书记", "类型", "参评"],
                vec!["D0", "局党委", "", "张三", "党委", "否"],
                vec!["D1", "机关党委", "D0", "李四", "党委", "是"],
                vec!["U1", "第一党支部", "D1", "王五", "党支部", "是"],
                vec!["U2", "第二党支部", "D1", "赵六", "党支部", "是"],
            ],
        ),
        (
            "指标",
            vec![
                vec![
                    "编号",
                    "类别",
                    "名称",
                    "分值",
                    "规则",
                    "活动类型",
                    "要求次数",
                    "周期",
                    "单项分",
                    "时限小时",
                    "条件",
                    "适用",
                    "评分标准",
                ],
                vec![
                    "YS01",
                    "意识形态工作",
                    "专题研究",
                    "10",
                    "至少",
                    "专题研究",
                    "2",
                    "年",
                    "5",
                    "",
                    "",
                    "",
                    "每年至少2次",
                ],
                vec!["YS02", "意识形态工作", "季度分析", "8", "至少", "季度分析", "1", "季度", "2"],
                vec![
                    "YS03",
                    "意识形态工作",
                    "综合检查",
                    "6",
                    "至少",
                    "综合检查",
                    "1",
                    "半年",
                    "3",
                    "",
                    "上报=是",
                ],
                vec!["YS04", "意识形态工作", "舆情处置", "10", "时效", "", "", "", "5", "24"],
                vec!["YS05", "意识形态工作", "述职", "5", "至少", "述职", "1", "年", "5", "", "", "党委"],
                vec!["YS06", "意识形态工作", "严重错误倾向", "", "否决", "严重错误倾向"],
                vec!["DJ01", "党建工作", "组织生活", "10", "评分"],
                vec!["JF01", "加分项", "表彰", "5", "加分", "表彰", "", "", "1"],
            ],
        ),
        (
            "权重",
            vec![
                vec!["单位编号", "类别", "权重"],
                vec!["", "意识形态工作", "40"],
                vec!["", "党建工作", "60"],
                vec!["D1", "意识形态工作", "50"],
                vec!["D1", "党建工作", "50"],
            ],
        ),
        (
            "活动",
            vec![
                vec!["2025年度意识形态工作台账"],
                vec!["单位编号", "日期", "类型", "标题", "上报"],
                vec!["U1", "2025-03-15", "专题研究", "一季度专题研究", ""],
                vec!["U1", "2025/9/1", "专题研究", "三季度专题研究", ""],
                vec!["U1", "2025年3月20日", "季度分析", "", ""],
                vec!["U1", "2025-05-10", "综合检查", "", "是"],
                vec!["U2", "2025-02-01", "专题研究", "", ""],
                vec!["D1", "2025-12-20", "述职", "", ""],
                vec!["U2", "2024-12-30", "专题研究", "上年度", ""],
            ],
        ),
        (
            "舆情",
            vec![
                vec!["单位编号", "事件", "级别", "发生时间", "发现时间", "研判时间", "报送时间", "处置时间"],
                vec![
                    "U1",
                    "网帖事件",
                    "一般",
                    "2025-04-01 08:00",
                    "2025-04-01 10:00",
                    "2025-04-02 17:00",
                    "2025-04-02 18:00",
                    "2025-04-03 09:00",
                ],
            ],
        ),
        (
            "评分",
            vec![
                vec!["单位编号", "指标编号", "得分", "说明"],
                vec!["U1", "DJ01", "9", "组织生活记录不全"],
                vec!["U2", "DJ01", "8", ""],
                vec!["D1", "DJ01", "10", ""],
            ],
        ),
        (
            "问责",
            vec![
                vec!["案件", "单位编号", "事项", "决策方式", "姓名", "角色", "意见"],
                vec!["A1", "U1", "宣传阵地管理失职", "集体", "王五", "主要负责人", "赞成"],
                vec!["A1", "U1", "宣传阵地管理失职", "集体", "孙七", "班子成员", "反对"],
            ],
        ),
    ]
}

/// The rows of `sheet` in `sheets`, to push more onto.
pub(crate) fn rows<'s, 'a>(sheets: &'s mut [(&'a str, SheetRows<'a>)], sheet: &str) -> &'s mut SheetRows<'a> {
    &mut sheets.iter_mut().find(|(name, _)| *name == sheet).expect("sheet").1
}

/// Replaces the cell at `(row, col)` (0-based) of `sheet` in `sheets`,
/// growing the row if needed.
pub(crate) fn set_cell<'a>(
    sheets: &mut [(&'a str, SheetRows<'a>)],
    sheet: &str,
    row: usize,
    col: usize,
    value: &'a str,
) {
    let rows = rows(sheets, sheet);
    while rows.len() <= row {
        rows.push(Vec::new());
    }
    let cells = &mut rows[row];
    while cells.len() <= col {
        cells.push("");
    }
    cells[col] = value;
}

/// The base fixture with 20,000 more ledger rows for U2, written as
/// `dir/台账.xlsx`: a run long enough to be interrupted while it writes.
pub(crate) fn long_ledger(dir: &Path) -> PathBuf {
    let mut sheets = base_sheets();
    let dates: Vec<String> =
        (0..20_000).map(|i| format!("2025-{:02}-{:02}", 1 + i % 12, 1 + i % 28)).collect();
    let ledger = rows(&mut sheets, "活动");
    for date in &dates {
        ledger.push(vec!["U2", date, "专题研究", "学习", ""]);
    }
    write_xlsx(dir, "台账.xlsx", &sheets)
}

/// Reads and validates `inputs`, which must be valid: the model, and the
/// warnings' headlines in Chinese.
pub(crate) fn load_valid(inputs: Vec<PathBuf>) -> (Model, Vec<String>) {
    let args = Input { inputs, year: None, strict: false };
    let (model, diagnostics) = kaohe::load(&args);
    let Some(model) = model else {
        let errors: Vec<String> = diagnostics.errors().map(|d| d.headline(Lang::Zh)).collect();
        panic!("invalid inputs: {errors:?}")
    };
    (model, diagnostics.warnings().map(|d| d.headline(Lang::Zh)).collect())
}

/// The paragraphs of a .docx file's body as plain text, one per line.
pub(crate) fn document_text(path: &Path) -> String {
    use std::io::Read;
    let mut archive = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut xml = String::new();
    archive.by_name("word/document.xml").unwrap().read_to_string(&mut xml).unwrap();
    let mut text = String::new();
    let mut in_tag = false;
    for (i, ch) in xml.char_indices() {
        match ch {
            '<' => {
                in_tag = true;
                if xml[i..].starts_with("</w:p>") {
                    text.push('\n');
                }
            }
            '>' => in_tag = false,
            _ if !in_tag => text.push(ch),
            _ => {}
        }
    }
    text
}

/// The names of what is in `dir`, sorted.
pub(crate) fn file_names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}
