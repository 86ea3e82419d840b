//! The 自评 sheet end to end: its mistakes are located at their cells; with
//! it, `kaohe score` gives each unit's self total and gap in the JSON and
//! the workbook, `kaohe merge` still reads the workbook, and without it
//! none of the self-assessment fields appear.

use std::path::Path;

use assert_cmd::Command;
use calamine::{Data, Reader, Xlsx, open_workbook};
use kaohe::cli::Input;
use kaohe::diagnostic::Lang;
use serde_json::{Value, json};

use crate::common::{SheetRows, base_sheets, rows, write_xlsx};

fn kaohe() -> Command {
    Command::cargo_bin("kaohe").unwrap()
}

/// The base fixture with a 自评 sheet holding `self_rows` below its header.
fn with_self_sheet(self_rows: SheetRows<'static>) -> Vec<(&'static str, SheetRows<'static>)> {
    let mut sheets = base_sheets();
    let mut sheet = vec![vec!["单位编号", "指标编号", "自评分", "说明"]];
    sheet.extend(self_rows);
    sheets.push(("自评", sheet));
    sheets
}

/// The errors and warnings of checking `sheets`, as headlines in Chinese.
fn check(sheets: &[(&str, SheetRows)]) -> (Vec<String>, Vec<String>) {
    let dir = tempfile::tempdir().unwrap();
    let path = write_xlsx(dir.path(), "base.xlsx", sheets);
    let (_, diagnostics) = kaohe::load(&Input { inputs: vec![path], year: None, strict: false });
    let headlines = |list: Vec<&kaohe::diagnostic::Diagnostic>| {
        list.into_iter().map(|d| d.headline(Lang::Zh)).collect::<Vec<_>>()
    };
    (headlines(diagnostics.errors().collect()), headlines(diagnostics.warnings().collect()))
}

#[test]
fn self_score_mistakes_are_located_at_their_cells() {
    let sheets = with_self_sheet(vec![
        vec!["U1", "YS01", "10", ""],
        vec!["U1", "YS0l", "5", ""],
        vec!["U1", "YS02", "9", ""],
        vec!["第一党支部", "YS01", "8", ""],
        vec!["U2", "YS06", "0", ""],
        vec!["U1", "YS05", "5", ""],
        vec!["U1", "DJ01", "", ""],
    ]);
    let (errors, warnings) = check(&sheets);
    assert_eq!(
        errors,
        [
            "base.xlsx:自评!B3: 未知指标编号“YS0l”",
            "base.xlsx:自评!C4: 自评分9超出指标“YS02”的分值范围0–8",
            "base.xlsx:自评!B5: 同一单位、同一指标“YS01”的自评重复，已在 base.xlsx:自评!A2 给出",
            "base.xlsx:自评!B6: 指标“YS06”是否决类指标，不能自评打分",
            "base.xlsx:自评!C8: “自评分”不能为空",
        ]
    );
    assert_eq!(warnings, ["base.xlsx:自评!B7: 指标“YS05”不适用于“第一党支部”，此自评分不计入"]);

    let dir = tempfile::tempdir().unwrap();
    let path = write_xlsx(dir.path(), "base.xlsx", &sheets);
    let (_, diagnostics) = kaohe::load(&Input { inputs: vec![path], year: None, strict: false });
    let unknown = diagnostics.errors().find(|d| d.headline(Lang::Zh).contains("YS0l")).unwrap();
    assert_eq!(unknown.hint.as_ref().unwrap().zh, "是否应为“YS01”？");
}

#[test]
fn the_self_gap_setting_is_points_not_below_0() {
    let mut sheets = with_self_sheet(Vec::new());
    rows(&mut sheets, "设置").push(vec!["自评偏差", "-1"]);
    let (errors, _) = check(&sheets);
    assert_eq!(errors, ["base.xlsx:设置!B4: “-1” 不是有效自评偏差（不小于0的分数）"]);
}

fn score(dir: &Path, sheets: &[(&str, SheetRows)]) -> (std::path::PathBuf, Value) {
    let input = write_xlsx(dir, "base.xlsx", sheets);
    let out = dir.join("out");
    let output = kaohe().arg("score").arg(input).arg("--json").arg("-o").arg(&out).output().unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
    (out, serde_json::from_slice(&output.stdout).unwrap())
}

/// The text runs of a .docx file's body, as XML.
fn document_xml(path: &Path) -> String {
    use std::io::Read;
    let mut archive = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut xml = String::new();
    archive.by_name("word/document.xml").unwrap().read_to_string(&mut xml).unwrap();
    xml
}

fn unit<'v>(summary: &'v Value, id: &str) -> &'v Value {
    summary["units"].as_array().unwrap().iter().find(|u| u["id"] == id).unwrap()
}

fn cells(book: &mut Xlsx<std::io::BufReader<std::fs::File>>, sheet: &str) -> Vec<Vec<Data>> {
    book.worksheet_range(sheet).unwrap().rows().map(<[Data]>::to_vec).collect()
}

#[test]
fn self_totals_reach_the_summary_and_the_workbook_and_merge_reads_it() {
    let dir = tempfile::tempdir().unwrap();
    let sheets = with_self_sheet(vec![
        vec!["U1", "YS02", "8", "每季度均已分析"],
        vec!["U1", "DJ01", "10", ""],
        vec!["U1", "JF01", "2", "获县级表彰"],
    ]);
    let (out, summary) = score(dir.path(), &sheets);
    // U1 is assessed under D1's system (50/50). Evaluated: 意识形态 YS01 10 +
    // YS02 2 + YS03 3 + YS04 5 = 20 of 34, 党建 DJ01 9 of 10:
    // T = 50 × 2000/34 / 100 + 50 × 90 / 100 = 500/17 + 45 = 74.41.
    // Self: YS02 8 → 26 of 34, DJ01 10 → 100, bonus 2:
    // 50 × 2600/34 / 100 + 50 + 2 = 650/17 + 52 = 90.2352… → 90.24; gap 15.83.
    let u1 = unit(&summary, "U1");
    assert_eq!((u1["total"].clone(), u1["self_total"].clone()), (json!(74.41), json!(90.24)));
    assert_eq!(u1["self_gap"], json!(15.83));
    let self_scores: Vec<(&str, Value)> = u1["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| (i["code"].as_str().unwrap(), i["self_score"].clone()))
        .collect();
    assert_eq!(
        self_scores,
        [
            ("YS01", Value::Null),
            ("YS02", json!(8.0)),
            ("YS03", Value::Null),
            ("YS04", Value::Null),
            ("YS06", Value::Null),
            ("DJ01", json!(10.0)),
            ("JF01", json!(2.0)),
        ]
    );
    let u2 = unit(&summary, "U2");
    assert_eq!((u2["self_total"].clone(), u2["self_gap"].clone()), (Value::Null, Value::Null));

    let mut book: Xlsx<_> = open_workbook(out.join("考核得分表.xlsx")).unwrap();
    let summary_rows = cells(&mut book, "汇总");
    let header = &summary_rows[1];
    let labels: Vec<String> = header.iter().map(ToString::to_string).collect();
    assert_eq!(labels[labels.len() - 3..], ["考核体系", "自评总分", "自评差"]);
    let row = summary_rows.iter().find(|row| row[1] == Data::String("U1".into())).unwrap();
    assert_eq!(row[labels.len() - 2..], [Data::Float(90.24), Data::Float(15.83)]);
    let row = summary_rows.iter().find(|row| row[1] == Data::String("U2".into())).unwrap();
    assert!(row.len() < labels.len() - 1 || row[labels.len() - 2] == Data::Empty);
    let detail = cells(&mut book, "明细");
    assert_eq!(detail[0].last(), Some(&Data::String("自评分".into())));
    let ys02 =
        detail.iter().find(|r| r[0] == Data::String("U1".into()) && r[2] == Data::String("YS02".into()));
    assert_eq!(ys02.unwrap()[11], Data::Float(8.0));

    // The bulletin names U1 (gap 15.83 > 自评偏差 5); the letter lists YS02,
    // DJ01 and JF01, each claimed above its score.
    let bulletin = document_xml(&out.join("考核结果通报.docx"));
    assert!(bulletin.contains("自评偏差") && bulletin.contains("90.24") && bulletin.contains("15.83"));
    let letter = document_xml(&out.join("反馈/002-第一党支部.docx"));
    assert!(letter.contains("季度分析：自评8分，考核得分2分，原因："), "{letter}");
    assert!(letter.contains("组织生活：自评10分，考核得分9分，原因：组织生活记录不全。"));
    assert!(letter.contains("表彰：自评2分，考核得分0分。"));

    let merged = dir.path().join("merged");
    kaohe().arg("merge").arg(out.join("考核得分表.xlsx")).arg("-o").arg(&merged).assert().code(0);
}

#[test]
fn an_empty_self_sheet_shows_the_fields_and_no_sheet_shows_none() {
    let dir = tempfile::tempdir().unwrap();
    let (_, summary) = score(dir.path(), &with_self_sheet(Vec::new()));
    let u1 = unit(&summary, "U1");
    assert_eq!((u1["self_total"].clone(), u1["self_gap"].clone()), (Value::Null, Value::Null));
    assert_eq!(u1["indicators"][0]["self_score"], Value::Null);
    assert!(u1["indicators"][0].as_object().unwrap().contains_key("self_score"));

    let dir = tempfile::tempdir().unwrap();
    let (out, summary) = score(dir.path(), &base_sheets());
    let u1 = unit(&summary, "U1").as_object().unwrap();
    assert!(!u1.contains_key("self_total") && !u1.contains_key("self_gap"));
    assert!(!u1["indicators"][0].as_object().unwrap().contains_key("self_score"));
    let mut book: Xlsx<_> = open_workbook(out.join("考核得分表.xlsx")).unwrap();
    let header: Vec<String> = cells(&mut book, "汇总")[1].iter().map(ToString::to_string).collect();
    assert_eq!(header.last().map(String::as_str), Some("考核体系"));
    assert_eq!(cells(&mut book, "明细")[0].last(), Some(&Data::String("佐证".into())));
}
