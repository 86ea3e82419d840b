//! The command line end to end: exit statuses, messages, and that a run
//! with errors writes nothing.

mod common;

use assert_cmd::Command;
use common::{base_sheets, rows, set_cell, write_xlsx};

fn kaohe() -> Command {
    Command::cargo_bin("kaohe").unwrap()
}

#[test]
fn usage_errors_exit_2() {
    kaohe().assert().code(2);
    kaohe().args(["check"]).assert().code(2);
    kaohe().args(["score", "x.xlsx"]).assert().code(2);
}

#[test]
fn check_passes_a_valid_workbook() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_xlsx(dir.path(), "base.xlsx", &base_sheets());
    let output = kaohe().arg("check").arg(&path).output().unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.contains("校验通过：2025年度，3个参评单位"), "{stderr}");
}

#[test]
fn a_missing_file_is_invalid_input() {
    let output = kaohe().args(["check", "没有这个文件.xlsx"]).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("没有这个文件.xlsx"));
}

#[test]
fn errors_are_listed_in_english_on_request() {
    let dir = tempfile::tempdir().unwrap();
    let mut sheets = base_sheets();
    set_cell(&mut sheets, "活动", 2, 1, "2025-13-01");
    let path = write_xlsx(dir.path(), "base.xlsx", &sheets);
    let output = kaohe().arg("check").arg(&path).args(["--lang", "en"]).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.contains("error: base.xlsx:活动!B3: \"2025-13-01\" is not a valid date"), "{stderr}");
}

#[test]
fn strict_makes_warnings_errors() {
    let dir = tempfile::tempdir().unwrap();
    let mut sheets = base_sheets();
    set_cell(&mut sheets, "指标", 5, 11, "党委；机关");
    let path = write_xlsx(dir.path(), "base.xlsx", &sheets);
    kaohe().arg("check").arg(&path).assert().code(0);
    kaohe().arg("check").arg(&path).arg("--strict").assert().code(1);
}

#[test]
fn the_terminal_shows_the_first_200_warnings_and_counts_the_rest() {
    let dir = tempfile::tempdir().unwrap();
    let mut sheets = base_sheets();
    let repeated = rows(&mut sheets, "活动")[2].clone();
    rows(&mut sheets, "活动").extend(std::iter::repeat_n(repeated, 201));
    let path = write_xlsx(dir.path(), "base.xlsx", &sheets);
    let output = kaohe().arg("check").arg(&path).output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    let stderr = String::from_utf8(output.stderr).unwrap();
    let printed: Vec<&str> = stderr.lines().filter(|line| line.contains("完全重复，只计一次")).collect();
    assert_eq!(printed.len(), 200, "{stderr}");
    assert!(printed[199].contains("base.xlsx:活动!A209: 与 base.xlsx:活动!A3 完全重复"), "{stderr}");
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(
        lines[lines.len() - 2],
        "……另有1条警告未显示，得分表的“校验”表和 summary.json 列出全部警告",
        "{stderr}"
    );
    assert!(lines[lines.len() - 1].contains("201条警告"), "{stderr}");
}

#[test]
fn score_with_errors_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mut sheets = base_sheets();
    for (row, col, value) in [(2, 1, "2025-13-01"), (3, 0, "U9")] {
        set_cell(&mut sheets, "活动", row, col, value);
    }
    set_cell(&mut sheets, "单位", 3, 2, "D9");
    set_cell(&mut sheets, "评分", 1, 2, "12");
    set_cell(&mut sheets, "指标", 1, 4, "至多");
    let path = write_xlsx(dir.path(), "base.xlsx", &sheets);
    let before = std::fs::read(&path).unwrap();
    let out = dir.path().join("out");
    let output = kaohe().arg("score").arg(&path).arg("-o").arg(&out).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(stderr.lines().filter(|l| l.starts_with("错误: base.xlsx:")).count(), 5, "{stderr}");
    assert!(!out.exists(), "no output folder on error");
    assert_eq!(std::fs::read(&path).unwrap(), before, "the input is unchanged");
    let leftovers: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(leftovers.len(), 1, "nothing but the input in the folder");
}

#[test]
fn a_template_typo_is_located_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let setup = dir.path().join("setup");
    kaohe().arg("init").arg(&setup).assert().code(0);
    let template = setup.join("模板/feedback.md");
    let text = std::fs::read_to_string(&template).unwrap();
    let line = text.lines().position(|l| l.contains("{{ unit.name }}")).unwrap() + 1;
    std::fs::write(&template, text.replacen("{{ unit.name }}", "{{ unit.nmae }}", 1)).unwrap();
    let out = dir.path().join("out");
    let output = kaohe()
        .args(["score", "samples/示例台账.xlsx", "--templates"])
        .arg(setup.join("模板"))
        .arg("-o")
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8(output.stderr).unwrap();
    let expected = format!("{}:{line}: 未定义的变量 unit.nmae", template.display());
    assert!(stderr.contains(&expected), "{stderr}");
    assert!(!out.exists());
}
