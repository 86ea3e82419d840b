//! `kaohe init`'s workbook as a clerk meets it: the 填写说明 sheet, the notes
//! on the headers, the drop-down lists and date formats in the sheet XML,
//! and what `check` and `score` say of the blank template.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use calamine::{Reader, Xlsx, open_workbook};
use kaohe::defaults::{CRITERIA, EXAMPLE_MARK};
use kaohe::input::schema::{SettingKey, SheetKind};

fn kaohe() -> Command {
    Command::cargo_bin("kaohe").unwrap()
}

/// Runs `kaohe init DIR/setup` (with `args`) and gives the workbook's path
/// and what init printed on stderr.
fn init(dir: &Path, args: &[&str]) -> (PathBuf, String) {
    let setup = dir.join("setup");
    let output = kaohe().arg("init").arg(&setup).args(args).output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    (setup.join("考核台账.xlsx"), String::from_utf8(output.stderr).unwrap())
}

/// The text parts of the zip package at `path`, by name.
fn parts(path: &Path) -> BTreeMap<String, String> {
    let mut archive = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut parts = BTreeMap::new();
    for index in 0..archive.len() {
        let mut entry = archive.by_index(index).unwrap();
        let mut text = String::new();
        if entry.read_to_string(&mut text).is_ok() {
            parts.insert(entry.name().unwrap().to_string(), text);
        }
    }
    parts
}

/// The target of the relationship `id` in the rels part `rels`.
fn target(rels: &str, id: &str) -> String {
    let document = roxmltree::Document::parse(rels).unwrap();
    let relationship = document.descendants().find(|node| node.attribute("Id") == Some(id)).unwrap();
    relationship.attribute("Target").unwrap().to_owned()
}

/// The part name of the worksheet called `name`.
fn sheet_part(parts: &BTreeMap<String, String>, name: &str) -> String {
    let workbook = roxmltree::Document::parse(&parts["xl/workbook.xml"]).unwrap();
    let sheet = workbook.descendants().find(|node| node.attribute("name") == Some(name)).unwrap();
    let id = sheet.attributes().find(|attribute| attribute.name() == "id").unwrap().value();
    format!("xl/{}", target(&parts["xl/_rels/workbook.xml.rels"], id))
}

/// Each data validation of the sheet `name`: sqref → (formula1, errorStyle).
fn validations(parts: &BTreeMap<String, String>, name: &str) -> BTreeMap<String, (String, String)> {
    let document = roxmltree::Document::parse(&parts[&sheet_part(parts, name)]).unwrap();
    document
        .descendants()
        .filter(|node| node.has_tag_name("dataValidation"))
        .map(|node| {
            assert_eq!(node.attribute("type"), Some("list"));
            let formula = node.children().find(|child| child.has_tag_name("formula1")).unwrap();
            let style = node.attribute("errorStyle").unwrap_or("stop").to_owned();
            (node.attribute("sqref").unwrap().to_owned(), (formula.text().unwrap().to_owned(), style))
        })
        .collect()
}

/// The notes of the sheet `name`: cell → text.
fn notes(parts: &BTreeMap<String, String>, name: &str) -> BTreeMap<String, String> {
    let sheet = sheet_part(parts, name);
    let (folder, file) = sheet.rsplit_once('/').unwrap();
    let rels = &parts[&format!("{folder}/_rels/{file}.rels")];
    let document = roxmltree::Document::parse(rels).unwrap();
    let comments = document
        .descendants()
        .find(|node| node.attribute("Type").is_some_and(|kind| kind.ends_with("/comments")))
        .unwrap();
    let path = comments.attribute("Target").unwrap().replace("../", "xl/");
    let document = roxmltree::Document::parse(&parts[&path]).unwrap();
    document
        .descendants()
        .filter(|node| node.has_tag_name("comment"))
        .map(|node| {
            let text: String =
                node.descendants().filter(|n| n.has_tag_name("t")).filter_map(|n| n.text()).collect();
            (node.attribute("ref").unwrap().to_owned(), text)
        })
        .collect()
}

fn quoted(words: &[&str]) -> String {
    format!("\"{}\"", words.join(","))
}

#[test]
fn keyword_columns_have_drop_down_lists_from_the_validators_words() {
    let dir = tempfile::tempdir().unwrap();
    let parts = parts(&init(dir.path(), &[]).0);
    let warning = |words: &[&str]| (quoted(words), "warning".to_owned());
    let criteria = validations(&parts, "指标");
    assert_eq!(criteria["E2:E1048576"], warning(&["至少", "扣分", "加分", "时效", "否决", "评分", "前置"]));
    assert_eq!(criteria["H2:H1048576"], warning(&["年", "半年", "季度", "月"]));
    assert_eq!(criteria["N2:N1048576"], warning(&["最低等次", "不得评优"]));
    assert_eq!(criteria.len(), 3, "{criteria:?}");
    let units = validations(&parts, "单位");
    assert_eq!(units, BTreeMap::from([("F2:F1048576".to_owned(), warning(&["是", "否"]))]));
    let accountability = validations(&parts, "问责");
    assert_eq!(accountability["D2:D1048576"], warning(&["集体", "个人"]));
    assert_eq!(accountability["F2:F1048576"], warning(&["主要负责人", "分管负责人", "班子成员", "决定人"]));
    assert_eq!(accountability["G2:G1048576"], warning(&["赞成", "反对"]));
    // 类型 offers the 指标 sheet's 活动类型 (F) over the rows 编号 (A) fills;
    // 上报 is a boolean.
    let activities = validations(&parts, "活动");
    let types = "OFFSET('指标'!$F$2,0,0,MAX(1,COUNTA('指标'!$A:$A)-1),1)";
    assert_eq!(activities["C2:C1048576"], (types.to_owned(), "warning".to_owned()));
    assert_eq!(activities["G2:G1048576"], warning(&["是", "否"]));
    assert_eq!(activities.len(), 2);
    assert!(validations(&parts, "设置").is_empty());
}

/// The number format of column `col` (1-based) of the sheet `name`.
fn column_format(parts: &BTreeMap<String, String>, name: &str, col: usize) -> Option<String> {
    let sheet = roxmltree::Document::parse(&parts[&sheet_part(parts, name)]).unwrap();
    let column = sheet.descendants().filter(|node| node.has_tag_name("col")).find(|node| {
        let bound = |key| node.attribute(key).unwrap().parse::<usize>().unwrap();
        bound("min") <= col && col <= bound("max")
    })?;
    let width: f64 = column.attribute("width").unwrap().parse().unwrap();
    let style: usize = column.attribute("style")?.parse().unwrap();
    let styles = roxmltree::Document::parse(&parts["xl/styles.xml"]).unwrap();
    let cell_formats = styles.descendants().find(|node| node.has_tag_name("cellXfs")).unwrap();
    let xf = cell_formats.children().filter(|node| node.is_element()).nth(style).unwrap();
    let id = xf.attribute("numFmtId").unwrap();
    let format = styles
        .descendants()
        .find(|node| node.has_tag_name("numFmt") && node.attribute("numFmtId") == Some(id))?
        .attribute("formatCode")?;
    Some(format!("{format} {width}"))
}

#[test]
fn date_columns_are_formatted_and_wide_enough() {
    let dir = tempfile::tempdir().unwrap();
    let parts = parts(&init(dir.path(), &[]).0);
    // Widths as stored: the set width plus Excel's padding.
    assert_eq!(column_format(&parts, "活动", 2).as_deref(), Some("yyyy-mm-dd 14.7109375"));
    for col in 4..=8 {
        assert_eq!(column_format(&parts, "舆情", col).as_deref(), Some("yyyy-mm-dd hh:mm 20.7109375"));
    }
    assert_eq!(column_format(&parts, "活动", 3), None, "类型 is text");
}

#[test]
fn every_header_cell_has_a_note_on_its_column() {
    let dir = tempfile::tempdir().unwrap();
    let parts = parts(&init(dir.path(), &[]).0);
    let activities = notes(&parts, "活动");
    assert_eq!(activities.keys().collect::<Vec<_>>(), ["A1", "B1", "C1", "D1", "E1", "F1", "G1", "H1"]);
    assert_eq!(activities["B1"], "日期（必填）\n活动日期\n例：2026-03-15");
    assert_eq!(
        activities["G1"],
        "上报\n综合检查的结果是否已向上级报告（YS05 只计“是”的）。可选：是、否\n例：是"
    );
    let criteria = notes(&parts, "指标");
    assert_eq!(criteria.len(), SheetKind::Criteria.columns().len());
    assert_eq!(
        criteria["E1"],
        "规则（必填）\n计分规则，见使用说明“考核细则”。可选：至少、扣分、加分、时效、否决、评分、前置\n例：至少"
    );
    assert_eq!(
        notes(&parts, "设置")["B1"],
        "值（必填）\n设置项的值；留空为不设置（取默认值）\n例：中共某某县某某局委员会"
    );
    for kind in SheetKind::ALL {
        let count = notes(&parts, kind.zh()).len();
        assert!(count >= kind.columns().len(), "{}: {count} notes", kind.zh());
    }
}

fn sheet_rows(path: &Path, name: &str) -> Vec<Vec<String>> {
    let mut workbook: Xlsx<_> = open_workbook(path).unwrap();
    let range = workbook.worksheet_range(name).unwrap();
    range.rows().map(|row| row.iter().map(|cell| cell.to_string()).collect()).collect()
}

#[test]
fn the_instructions_sheet_explains_every_sheet_column_and_setting() {
    let dir = tempfile::tempdir().unwrap();
    let (path, _) = init(dir.path(), &[]);
    let workbook: Xlsx<_> = open_workbook(&path).unwrap();
    assert_eq!(workbook.sheet_names()[0], "填写说明");
    let rows = sheet_rows(&path, "填写说明");
    let header = rows.iter().position(|row| row[0] == "工作表").unwrap();
    assert_eq!(rows[header], ["工作表", "列", "英文名", "必填", "填写说明", "示例"]);
    let find = |sheet: &str, column: &str| {
        rows.iter()
            .find(|row| row[0] == sheet && row[1] == column)
            .unwrap_or_else(|| panic!("{sheet} {column}"))
    };
    assert_eq!(find("活动", "")[2..5], ["activities", "", "台账：每开展一次活动记一行"]);
    assert_eq!(
        find("问责", "角色")[2..],
        ["role", "是", "责任人在决策中的角色。可选：主要负责人、分管负责人、班子成员、决定人", "主要负责人"]
    );
    assert_eq!(find("舆情", "发生时间")[3..], ["是", "舆情发生的日期和时间", "2026-05-10 09:00"]);
    assert_eq!(find("活动", "形式")[4..], ["专题汇报的形式：书面或当面", "书面"]);
    assert_eq!(
        find("设置", "项目“成文日期”")[2..],
        ["doc_date", "", "文书的成文日期；不填时按考核年度次年1月1日，check 会提示", "2027-01-20"]
    );
    for kind in SheetKind::ALL {
        for column in kind.columns() {
            let row = find(kind.zh(), column.zh);
            assert_eq!((row[2].as_str(), row[5].as_str()), (column.en, column.example));
        }
    }
    for (key, zh, _) in SettingKey::ALL {
        assert_eq!(find("设置", &format!("项目“{zh}”"))[5], key.example());
    }
}

#[test]
fn the_settings_sheet_lists_every_key_with_an_example() {
    let dir = tempfile::tempdir().unwrap();
    let (path, _) = init(dir.path(), &[]);
    let rows = sheet_rows(&path, "设置");
    assert_eq!(rows[0], ["项目", "值", "示例", "说明"]);
    let keys: Vec<&str> = rows[1..].iter().map(|row| row[0].as_str()).collect();
    assert_eq!(
        keys,
        [
            "年度",
            "考核单位",
            "意识形态类别",
            "等次",
            "发文字号",
            "成文日期",
            "优秀比例",
            "整改期限",
            "密级",
            "抄送",
            "印发机关",
            "加分上限",
            "自评偏差"
        ]
    );
    let row = |key: &str| rows.iter().find(|row| row[0] == key).unwrap();
    assert_eq!(row("考核单位")[1..3], ["", "中共某某县某某局委员会"]);
    assert_eq!(row("抄送")[1..3], ["", "县委组织部，县委宣传部"]);
    assert_eq!(row("整改期限")[1..3], ["30", "30"]);
    assert_eq!(row("密级")[1], "内部资料");
}

/// Runs `kaohe ARGS…`: the exit status and the stderr lines.
fn run(args: &[&std::ffi::OsStr]) -> (Option<i32>, Vec<String>) {
    let output = kaohe().args(args).output().unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    (output.status.code(), stderr.lines().map(str::to_owned).collect())
}

#[test]
fn check_on_the_blank_template_warns_only_of_the_example_criteria() {
    let dir = tempfile::tempdir().unwrap();
    let (path, _) = init(dir.path(), &[]);
    let (code, lines) = run(&["check".as_ref(), path.as_os_str()]);
    assert_eq!(code, Some(0), "{lines:?}");
    let examples = CRITERIA.iter().filter(|indicator| indicator.standard.contains(EXAMPLE_MARK)).count();
    let warnings: Vec<&String> = lines.iter().filter(|line| line.starts_with("警告")).collect();
    assert_eq!(
        warnings,
        [&format!(
            "警告: 考核台账.xlsx:指标!M4: {examples}条指标的评分标准或名称仍含示例文字“{EXAMPLE_MARK}”，请按实际修改后再发文"
        )]
    );
    let note = lines.iter().find(|line| line.starts_with("提示")).unwrap();
    assert!(note.starts_with("提示: 未设置成文日期：文书落款日期和整改期限按 "), "{note}");
    assert!(lines.last().unwrap().ends_with("0个参评单位，0条台账，0起舆情，1条警告。"), "{lines:?}");
}

#[test]
fn score_on_the_blank_template_says_there_is_no_assessed_unit_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (path, _) = init(dir.path(), &[]);
    let out = dir.path().join("out");
    let (code, lines) = run(&["score".as_ref(), path.as_os_str(), "-o".as_ref(), out.as_os_str()]);
    assert_eq!(code, Some(1));
    assert_eq!(
        lines.last().unwrap(),
        "没有参评单位：“单位”表中没有“参评”为“是”（或留空）的单位，未生成任何文件"
    );
    assert!(!out.exists(), "no output folder");
    let args = [
        "score".as_ref(),
        path.as_os_str(),
        "-o".as_ref(),
        out.as_os_str(),
        "--lang".as_ref(),
        "en".as_ref(),
    ];
    let (code, lines) = run(&args);
    assert_eq!(code, Some(1));
    assert!(lines.last().unwrap().starts_with("no assessed unit: "), "{lines:?}");
    assert!(!out.exists());
}

#[test]
fn init_says_what_to_run_next() {
    let dir = tempfile::tempdir().unwrap();
    let (path, stderr) = init(dir.path(), &[]);
    let (workbook, templates) = (path.display(), dir.path().join("setup").join("模板"));
    let templates = templates.display();
    assert_eq!(
        stderr.trim_end(),
        format!(
            "填好后运行 kaohe check {workbook} 检查，再运行 kaohe score {workbook} -o 输出文件夹 计分；改过 {templates} 中的文书模板时加 --templates {templates}"
        )
    );
    let other = tempfile::tempdir().unwrap();
    let (_, stderr) = init(other.path(), &["--lang", "en"]);
    assert!(stderr.starts_with("Once filled in, run kaohe check "), "{stderr}");
}

/// A 设置 key left without a value is not set: the blank template sent back
/// beside a filled-in 设置 neither clashes with it nor empties it.
#[test]
fn an_empty_setting_neither_clashes_nor_overrides() {
    let dir = tempfile::tempdir().unwrap();
    let mut sheets = crate::common::base_sheets();
    crate::common::rows(&mut sheets, "设置").push(vec!["成文日期", "2026-01-20"]);
    let filled = crate::common::write_xlsx(dir.path(), "base.xlsx", &sheets);
    let blank = crate::common::write_xlsx(
        dir.path(),
        "返回.xlsx",
        &[(
            "设置",
            vec![vec!["项目", "值"], vec!["年度", "2025"], vec!["成文日期", ""], vec!["发文字号", " "]],
        )],
    );
    let (model, messages) = crate::common::load_valid(vec![blank, filled]);
    assert_eq!(model.settings.doc_date, chrono::NaiveDate::from_ymd_opt(2026, 1, 20));
    assert_eq!(model.settings.doc_number, None);
    assert!(messages.is_empty(), "{messages:?}");
}

#[test]
fn an_unset_doc_date_is_a_note_that_strict_does_not_fail() {
    let dir = tempfile::tempdir().unwrap();
    let path = crate::common::write_xlsx(dir.path(), "base.xlsx", &crate::common::base_sheets());
    let (code, lines) = run(&["check".as_ref(), "--strict".as_ref(), path.as_os_str()]);
    assert_eq!(code, Some(0), "{lines:?}");
    assert!(
        lines.contains(
            &"提示: 未设置成文日期：文书落款日期和整改期限按 2026-01-01 计；请在“设置”表填写“成文日期”"
                .to_owned()
        ),
        "{lines:?}"
    );
}
