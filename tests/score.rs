//! `kaohe score` on the demo sample end to end: the workbook read back
//! without recalculation agrees with the JSON summary, its totals are
//! formulas, reruns give identical bytes, and existing folders are safe.

use std::path::Path;

use assert_cmd::Command;
use calamine::{Data, Reader, Xlsx, open_workbook};

const SAMPLE: &str = "samples/示例台账.xlsx";

fn score(out: &Path, extra: &[&str]) -> serde_json::Value {
    let output = Command::cargo_bin("kaohe")
        .unwrap()
        .args(["score", SAMPLE, "--json", "-o"])
        .arg(out)
        .args(extra)
        .env("SOURCE_DATE_EPOCH", "1768867200")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
    serde_json::from_slice(&output.stdout).unwrap()
}

fn text(cell: &Data) -> String {
    match cell {
        Data::String(s) => s.clone(),
        Data::Float(f) => format!("{f}"),
        Data::Int(i) => i.to_string(),
        other => format!("{other:?}"),
    }
}

fn number(cell: &Data) -> f64 {
    match cell {
        Data::Float(f) => *f,
        Data::Int(i) => *i as f64,
        other => panic!("not a number: {other:?}"),
    }
}

#[test]
fn the_workbook_agrees_with_the_summary_and_keeps_its_formulas() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let summary = score(&out, &[]);
    let stored: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("summary.json")).unwrap()).unwrap();
    assert_eq!(stored, summary, "summary.json equals what --json printed");

    let mut workbook: Xlsx<_> = open_workbook(out.join("考核得分表.xlsx")).unwrap();
    assert_eq!(workbook.sheet_names(), ["汇总", "明细", "舆情时效", "问责", "权重", "校验", "说明"]);
    let sheet = workbook.worksheet_range("汇总").unwrap();
    let rows: Vec<Vec<Data>> = sheet.rows().map(|r| r.to_vec()).collect();
    assert_eq!(text(&rows[0][0]), "2025年度考核得分汇总表");
    let header: Vec<String> = rows[1].iter().map(text).collect();
    let column = |name: &str| header.iter().position(|h| h == name).unwrap();
    let units = summary["units"].as_array().unwrap();
    assert_eq!(units.len(), 15);
    let weights = workbook.worksheet_range("权重").unwrap();
    let systems: Vec<String> = weights.rows().skip(1).map(|row| text(&row[0])).collect();
    let mut unrounded = 0;
    for (unit, row) in units.iter().zip(&rows[2..]) {
        assert_eq!(text(&row[column("单位编号")]), unit["id"].as_str().unwrap());
        assert_eq!(number(&row[column("排名")]), unit["rank"].as_f64().unwrap());
        assert_eq!(number(&row[column("总分")]), unit["total"].as_f64().unwrap());
        // W is stored as the nearest double of its exact value; shown with 2
        // decimals as Excel shows it (from 15 significant digits, so the
        // double of 94.175 shows 94.18) it is the summary's W.
        let weighted = number(&row[column("加权得分")]);
        let excel = kaohe::number::from_spreadsheet(weighted).unwrap();
        let shown: f64 = kaohe::number::format_fixed(&excel, 2).parse().unwrap();
        assert_eq!(shown, unit["weighted"].as_f64().unwrap(), "{unit}");
        unrounded += usize::from(shown != weighted);
        assert_eq!(number(&row[column("加分")]), unit["bonus"].as_f64().unwrap());
        assert_eq!(text(&row[column("等次")]), unit["grade"].as_str().unwrap());
        let vetoed = text(&row[column("否决")]) == "是";
        assert_eq!(vetoed, unit["veto"].as_bool().unwrap());
        let system = text(&row[column("考核体系")]);
        assert!(systems.contains(&system), "{system} is a system of 权重");
    }
    assert!(unrounded > 0, "some W has more than 2 decimals");
    // Every unit's 加权得分 and 总分 are formulas (absolute positions; the
    // first unit is on row 3).
    let formulas = workbook.worksheet_formula("汇总").unwrap();
    let formula =
        |row: usize, col: usize| formulas.get_value((row as u32, col as u32)).cloned().unwrap_or_default();
    for row in 2..2 + units.len() {
        let total = formula(row, column("总分"));
        assert!(total.starts_with("ROUND("), "row {row}: {total:?}");
        let weighted = formula(row, column("加权得分"));
        assert!(weighted.starts_with("SUMPRODUCT("), "row {row}: {weighted:?}");
    }
}

#[test]
fn reruns_give_identical_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let (first, second) = (dir.path().join("a"), dir.path().join("b"));
    score(&first, &[]);
    score(&second, &[]);
    let mut files: Vec<_> = walk(&first);
    files.sort();
    assert!(files.iter().any(|f| f.ends_with("考核得分表.xlsx")));
    for file in files {
        let relative = file.strip_prefix(&first).unwrap();
        let other = std::fs::read(second.join(relative)).unwrap();
        assert!(std::fs::read(&file).unwrap() == other, "{} differs between runs", relative.display());
    }
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() { files.extend(walk(&path)) } else { files.push(path) }
    }
    files
}

#[test]
fn an_existing_folder_is_left_alone_without_force_and_kept_with_it() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    std::fs::create_dir(&out).unwrap();
    std::fs::write(out.join("我的笔记.txt"), "keep").unwrap();
    let output =
        Command::cargo_bin("kaohe").unwrap().args(["score", SAMPLE, "-o"]).arg(&out).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("已存在且不为空"));
    assert_eq!(std::fs::read_dir(&out).unwrap().count(), 1);
    score(&out, &["--force"]);
    assert_eq!(std::fs::read_to_string(out.join("我的笔记.txt")).unwrap(), "keep");
    assert!(out.join("考核得分表.xlsx").exists());
}
