//! `kaohe score` on the demo sample end to end: the workbook read back
//! without recalculation agrees with the JSON summary, its totals are
//! formulas, reruns give identical bytes, and existing folders are safe:
//! `--force` replaces only the files kaohe recorded, inputs where outputs go
//! are refused, and of two runs into one folder exactly one writes. On small
//! workbooks: ids come out normalised, and a unit with more evidence than an
//! Excel cell holds still scores.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use assert_cmd::Command;
use calamine::{Data, Reader, Xlsx, open_workbook};
use sha2::{Digest, Sha256};

use crate::common::{SheetRows, base_sheets, file_names, rows, set_cell, write_xlsx};

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
    assert_eq!(workbook.sheet_names(), ["汇总", "图表", "明细", "舆情时效", "问责", "权重", "校验", "说明"]);
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

/// Scores `sheets` written as the workbook `file` into `dir/out`; returns
/// the JSON summary.
pub(crate) fn score_sheets(dir: &Path, file: &str, sheets: &[(&str, SheetRows)]) -> serde_json::Value {
    let path = write_xlsx(dir, file, sheets);
    let output = Command::cargo_bin("kaohe")
        .unwrap()
        .arg("score")
        .arg(&path)
        .arg("-o")
        .arg(dir.join("out"))
        .arg("--json")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
    serde_json::from_slice(&output.stdout).unwrap()
}

#[test]
fn ids_typed_in_full_width_come_out_as_references_match_them() {
    let dir = tempfile::tempdir().unwrap();
    let mut sheets = base_sheets();
    set_cell(&mut sheets, "单位", 3, 0, "Ｕ１");
    set_cell(&mut sheets, "指标", 1, 0, "ＹＳ０１");
    set_cell(&mut sheets, "问责", 1, 0, "Ａ１");
    let summary = score_sheets(dir.path(), "base.xlsx", &sheets);
    let ids: Vec<&str> =
        summary["units"].as_array().unwrap().iter().map(|u| u["id"].as_str().unwrap()).collect();
    assert!(ids.contains(&"U1") && !ids.contains(&"Ｕ１"), "{ids:?}");
    let first = summary["units"].as_array().unwrap().iter().find(|u| u["id"] == "U1").unwrap();
    assert_eq!(first["indicators"][0]["code"], "YS01");
    let cases: Vec<&str> =
        summary["accountability"].as_array().unwrap().iter().map(|f| f["case"].as_str().unwrap()).collect();
    assert_eq!(cases, ["A1", "A1"]);
    let mut workbook: Xlsx<_> = open_workbook(dir.path().join("out/考核得分表.xlsx")).unwrap();
    let sheet = workbook.worksheet_range("汇总").unwrap();
    let shown: Vec<String> = sheet.rows().skip(2).take(ids.len()).map(|row| text(&row[1])).collect();
    assert_eq!(shown, ids);
    assert!(shown.iter().any(|id| id == "U1"));
}

#[test]
fn a_unit_with_more_evidence_than_a_cell_holds_scores_and_its_rows_are_listed() {
    let dir = tempfile::tempdir().unwrap();
    let titles: Vec<String> = (1..=1500).map(|n| format!("第{n}次专题研究")).collect();
    let mut sheets: Vec<(&str, SheetRows)> = base_sheets();
    for title in &titles {
        rows(&mut sheets, "活动").push(vec!["U1", "2025-03-15", "专题研究", title, ""]);
    }
    let file = "2025年度意识形态工作责任制落实情况活动台账.xlsx";
    score_sheets(dir.path(), file, &sheets);
    // U1's 专题研究 rows: A3 and A4 of the base, then the 1,500 added from row 10.
    let counted: Vec<String> =
        [3, 4].into_iter().chain(10..1510).map(|row| format!("{file}:活动!A{row}")).collect();

    let mut workbook: Xlsx<_> = open_workbook(dir.path().join("out/考核得分表.xlsx")).unwrap();
    assert_eq!(
        workbook.sheet_names(),
        ["汇总", "图表", "明细", "佐证", "舆情时效", "问责", "权重", "校验", "说明"]
    );
    let detail = workbook.worksheet_range("明细").unwrap();
    let row = detail.rows().find(|row| text(&row[0]) == "U1" && text(&row[2]) == "YS01").unwrap();
    let cell = text(&row[10]);
    assert!(cell.encode_utf16().count() <= 32_767, "{}", cell.len());
    let (kept, note) = cell.rsplit_once('\n').unwrap();
    let kept: Vec<&str> = kept.lines().collect();
    assert_eq!(kept, counted[..kept.len()]);
    assert_eq!(note, format!("……另有{}条，见“佐证”表", counted.len() - kept.len()));

    let evidence = workbook.worksheet_range("佐证").unwrap();
    let listed: Vec<Vec<String>> = evidence.rows().map(|row| row.iter().map(text).collect()).collect();
    assert_eq!(listed[0], ["单位编号", "单位名称", "指标编号", "指标名称", "佐证"]);
    let of_u1: Vec<&str> = listed
        .iter()
        .filter(|row| row[0] == "U1" && row[2] == "YS01")
        .inspect(|row| assert_eq!(row[1..4], ["第一党支部", "YS01", "专题研究"]))
        .map(|row| row[4].as_str())
        .collect();
    assert_eq!(of_u1, counted);
}

#[test]
fn a_reason_notes_the_rows_its_filter_left_out() {
    let dir = tempfile::tempdir().unwrap();
    let mut sheets = base_sheets();
    rows(&mut sheets, "活动").push(vec!["U1", "2025-08-01", "综合检查", "", "否"]);
    rows(&mut sheets, "活动").push(vec!["U1", "2025-09-01", "综合检查", "", ""]);
    let summary = score_sheets(dir.path(), "base.xlsx", &sheets);
    let u1 = summary["units"].as_array().unwrap().iter().find(|u| u["id"] == "U1").unwrap();
    let ys03 = u1["indicators"].as_array().unwrap().iter().find(|i| i["code"] == "YS03").unwrap();
    assert_eq!(ys03["reason"], "下半年缺1次（另有2条不符合“上报=是”，未计入），扣3分");
}

fn kaohe() -> Command {
    let mut command = Command::cargo_bin("kaohe").unwrap();
    command.env("SOURCE_DATE_EPOCH", "1768867200");
    command
}

/// Every file under `dir`: relative path (`/` between folders) → SHA-256.
fn hashes(dir: &Path) -> BTreeMap<String, String> {
    walk(dir)
        .into_iter()
        .map(|file| {
            let relative = file.strip_prefix(dir).unwrap().to_string_lossy().replace('\\', "/");
            (relative, hex(&Sha256::digest(std::fs::read(&file).unwrap())))
        })
        .collect()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

/// The record kaohe keeps in `dir`, read as path → SHA-256; checks it is
/// sorted by path.
fn record(dir: &Path) -> BTreeMap<String, String> {
    let text = std::fs::read_to_string(dir.join(".kaohe-outputs")).unwrap();
    let lines: Vec<(String, String)> = text
        .lines()
        .map(|line| {
            let (hash, path) = line.split_once("  ").unwrap();
            (path.to_owned(), hash.to_owned())
        })
        .collect();
    assert!(lines.windows(2).all(|pair| pair[0].0 < pair[1].0), "sorted: {text}");
    lines.into_iter().collect()
}

/// What `kaohe score SAMPLE -o out` writes: summary.json's outputs and the record.
fn assert_one_complete_set(out: &Path, foreign: &BTreeMap<String, String>) {
    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("summary.json")).unwrap()).unwrap();
    let outputs: Vec<&str> =
        summary["outputs"].as_array().unwrap().iter().map(|o| o.as_str().unwrap()).collect();
    assert_eq!(outputs.len(), 19, "{outputs:?}");
    assert!(!outputs.contains(&".kaohe-outputs"), "the record is not an output");
    let recorded = record(out);
    assert_eq!(
        recorded.keys().map(String::as_str).collect::<BTreeSet<_>>(),
        outputs.iter().copied().collect()
    );
    let mut expected = recorded.clone();
    expected.insert(
        ".kaohe-outputs".into(),
        hex(&Sha256::digest(std::fs::read(out.join(".kaohe-outputs")).unwrap())),
    );
    expected.extend(foreign.clone());
    assert_eq!(hashes(out), expected);
}

fn stderr(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn force_keeps_a_foreign_file_in_the_letters_folder_a_foreign_folder_and_an_input() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    score(&out, &[]);
    let first = hashes(&out);
    std::fs::write(out.join("反馈/签字版.pdf"), "signed").unwrap();
    std::fs::create_dir(out.join("照片")).unwrap();
    std::fs::write(out.join("照片/1.jpg"), "photo").unwrap();
    std::fs::copy(SAMPLE, out.join("台账.xlsx")).unwrap();
    let foreign: BTreeMap<String, String> = ["反馈/签字版.pdf", "照片/1.jpg", "台账.xlsx"]
        .into_iter()
        .map(|path| (path.to_owned(), hex(&Sha256::digest(std::fs::read(out.join(path)).unwrap()))))
        .collect();
    let output =
        kaohe().arg("score").arg(out.join("台账.xlsx")).arg("-o").arg(&out).arg("--force").output().unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_one_complete_set(&out, &foreign);
    // The input's name is recorded in 说明 and summary.json; the letters stay the same.
    let letters = |files: BTreeMap<String, String>| {
        files.into_iter().filter(|(path, _)| path.starts_with("反馈/0")).collect::<BTreeMap<_, _>>()
    };
    assert_eq!(letters(hashes(&out)).len(), 15);
    assert_eq!(letters(hashes(&out)), letters(first.clone()));
    assert_ne!(hashes(&out)["summary.json"], first["summary.json"], "summary.json was replaced");
    assert_eq!(file_names(dir.path()), ["out"], "no staging folder, aside folder or lock is left");
}

#[test]
fn force_refuses_a_changed_output_and_a_folder_without_a_record() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    score(&out, &[]);
    let letter = out.join("反馈/001-第一党总支.docx");
    std::fs::write(&letter, "edited").unwrap();
    let before = hashes(&out);
    let output = kaohe().args(["score", SAMPLE, "--force", "-o"]).arg(&out).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        stderr(&output).trim_end(),
        format!(
            "{} 在 kaohe 写出后被修改过，未做任何改动；如需保留请先移走它，或改用新的输出文件夹",
            letter.display()
        )
    );
    assert_eq!(hashes(&out), before);

    // A folder from before kaohe kept its record counts as foreign.
    std::fs::remove_file(out.join(".kaohe-outputs")).unwrap();
    let before = hashes(&out);
    let output = kaohe().args(["score", SAMPLE, "--force", "--lang", "en", "-o"]).arg(&out).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        stderr(&output).trim_end(),
        format!(
            "the output folder {} has no record of what kaohe wrote (.kaohe-outputs), so {} may not be kaohe's (perhaps from an older version); nothing was changed. Use a new output folder",
            out.display(),
            out.join("考核得分表.xlsx").display()
        )
    );
    assert_eq!(hashes(&out), before);
    assert_eq!(file_names(dir.path()), ["out"]);
}

#[test]
fn an_input_where_an_output_goes_is_refused_before_any_work() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    score(&out, &[]);
    let before = hashes(&out);
    let refusal = |input: &Path| {
        format!(
            "输入 {} 位于输出文件夹 {} 中 kaohe 要写出结果的位置，未做任何改动；请改用别的输出文件夹，或把输入移到别处",
            input.display(),
            out.display()
        )
    };
    let workbook = out.join("考核得分表.xlsx");
    for force in [&[][..], &["--force"]] {
        // Merging a workbook into its own folder would overwrite it.
        let output = kaohe().arg("merge").arg(&workbook).arg("-o").arg(&out).args(force).output().unwrap();
        assert_eq!(output.status.code(), Some(1));
        assert_eq!(stderr(&output).trim_end(), refusal(&workbook), "{force:?}");
        // summary.json is no workbook: the refusal comes before reading it.
        let summary = out.join("summary.json");
        let output = kaohe().arg("score").arg(&summary).arg("-o").arg(&out).args(force).output().unwrap();
        assert_eq!(output.status.code(), Some(1));
        assert_eq!(stderr(&output).trim_end(), refusal(&summary), "{force:?}");
        // --templates counts as an input; the letters' folder is kaohe's.
        let templates = out.join("反馈");
        let output = kaohe()
            .args(["score", SAMPLE, "--templates"])
            .arg(&templates)
            .arg("-o")
            .arg(&out)
            .args(force)
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(1));
        assert_eq!(stderr(&output).trim_end(), refusal(&templates), "{force:?}");
    }
    // An input equal to an output path of a folder not made yet.
    let fresh = dir.path().join("new");
    let output = kaohe().arg("score").arg(fresh.join("summary.json")).arg("-o").arg(&fresh).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).starts_with(&format!("输入 {}", fresh.join("summary.json").display())));
    assert_eq!(hashes(&out), before);
    assert_eq!(file_names(dir.path()), ["out"]);
}

#[test]
fn of_two_runs_into_one_new_folder_exactly_one_writes() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let spawn = || {
        std::process::Command::new(env!("CARGO_BIN_EXE_kaohe"))
            .args(["score", SAMPLE, "-o"])
            .arg(&out)
            .env("SOURCE_DATE_EPOCH", "1768867200")
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap()
    };
    let (first, second) = (spawn(), spawn());
    let mut outcomes: Vec<(Option<i32>, String)> = [first, second]
        .into_iter()
        .map(|child| {
            let output = child.wait_with_output().unwrap();
            (output.status.code(), stderr(&output))
        })
        .collect();
    outcomes.sort();
    assert_eq!(
        outcomes.iter().map(|(code, _)| *code).collect::<Vec<_>>(),
        [Some(0), Some(1)],
        "{outcomes:?}"
    );
    assert!(outcomes[1].1.contains("未做任何改动"), "{}", outcomes[1].1);
    assert_one_complete_set(&out, &BTreeMap::new());
    assert_eq!(file_names(dir.path()), ["out"]);
}

#[test]
fn a_staging_folder_left_by_a_killed_run_is_removed() {
    let dir = tempfile::tempdir().unwrap();
    // The pid is above Linux's largest: no process has it.
    let stale = dir.path().join(".out.kaohe-99999999");
    std::fs::create_dir_all(stale.join("反馈")).unwrap();
    std::fs::write(stale.join("反馈/001-第一党总支.docx"), "half").unwrap();
    let out = dir.path().join("out");
    score(&out, &[]);
    assert_eq!(file_names(dir.path()), ["out"]);
    assert_one_complete_set(&out, &BTreeMap::new());
}

/// YS03 (综合检查 每半年, 上报=是, 单项分 3, 6 points) due 10 days after
/// each half, 1 point per late one: U1's report on 2025年下半年 dated
/// 2026-01-15 counts for 2025 but is late (due 12-31 + 10 = 2026-01-10):
/// late counted min(1, 1 − 0) = 1, d = 1 × 1 = 1: 6 − 1 = 5.
#[test]
fn a_late_report_on_the_second_half_costs_its_late_points() {
    let dir = tempfile::tempdir().unwrap();
    let mut sheets = base_sheets();
    set_cell(&mut sheets, "指标", 0, 13, "截止");
    set_cell(&mut sheets, "指标", 0, 14, "迟报扣分");
    set_cell(&mut sheets, "指标", 3, 13, "期末后10天");
    set_cell(&mut sheets, "指标", 3, 14, "1");
    set_cell(&mut sheets, "活动", 1, 5, "所属期");
    rows(&mut sheets, "活动").push(vec!["U1", "2026-01-15", "综合检查", "", "是", "2025年下半年"]);
    let summary = score_sheets(dir.path(), "base.xlsx", &sheets);
    let u1 = summary["units"].as_array().unwrap().iter().find(|u| u["id"] == "U1").unwrap();
    let ys03 = u1["indicators"].as_array().unwrap().iter().find(|i| i["code"] == "YS03").unwrap();
    assert_eq!(ys03["reason"], "下半年迟报1次（2026年1月15日，截止2026年1月10日），扣1分");
    assert_eq!(ys03["score"], 5.0);
}

#[test]
fn graded_points_score_each_row_by_its_value() {
    let dir = tempfile::tempdir().unwrap();
    let mut sheets = base_sheets();
    set_cell(&mut sheets, "指标", 0, 13, "分级");
    // YS04 (时效, 10 points): U1's late incident is 一般.
    set_cell(&mut sheets, "指标", 4, 8, "重大:8；一般:3");
    set_cell(&mut sheets, "指标", 4, 13, "级别");
    // JF01 (加分, 5 points) graded by 标题.
    set_cell(&mut sheets, "指标", 8, 8, "省级:3；县级:1");
    set_cell(&mut sheets, "指标", 8, 13, "标题");
    let graded = vec![
        "DJ02",
        "党建工作",
        "违纪",
        "10",
        "扣分",
        "违纪",
        "",
        "",
        "严重:5；其他:1",
        "",
        "",
        "",
        "",
        "标题",
    ];
    rows(&mut sheets, "指标").push(graded);
    for (date, kind, title) in [
        ("2025-06-01", "违纪", "严重"),
        ("2025-06-02", "违纪", "轻微"),
        ("2025-06-03", "违纪", ""),
        ("2025-06-04", "表彰", "县级"),
        ("2025-06-05", "表彰", "省级"),
        ("2025-06-06", "表彰", "省级"),
    ] {
        rows(&mut sheets, "活动").push(vec!["U1", date, kind, title, ""]);
    }
    let summary = score_sheets(dir.path(), "base.xlsx", &sheets);
    let u1 = summary["units"].as_array().unwrap().iter().find(|u| u["id"] == "U1").unwrap();
    let result = |code: &str| {
        let found = u1["indicators"].as_array().unwrap().iter().find(|i| i["code"] == code).unwrap();
        (found["score"].as_f64().unwrap(), found["reason"].as_str().unwrap().to_owned())
    };
    // 研判 31 h late, 一般 3: 10 − 3 = 7.
    assert_eq!(result("YS04"), (7.0, "网帖事件：研判超时（31小时）；一般1次，扣3分".to_owned()));
    // 严重 5 + 其他 1 + 其他 1 (empty 标题) = 7: 10 − 7 = 3.
    assert_eq!(result("DJ02"), (3.0, "严重1次、其他2次，扣7分".to_owned()));
    // 省级 3 + 省级 3 + 县级 1 = 7, at most 5.
    assert_eq!(result("JF01"), (5.0, "省级2次、县级1次，加5分".to_owned()));
}

/// The text of each paragraph of a .docx file's body that has text.
fn paragraph_texts(path: &Path) -> Vec<String> {
    use std::io::Read;
    let mut archive = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut xml = String::new();
    archive.by_name("word/document.xml").unwrap().read_to_string(&mut xml).unwrap();
    let document = roxmltree::Document::parse(&xml).unwrap();
    document
        .descendants()
        .filter(|node| node.tag_name().name() == "p")
        .map(|p| p.descendants().filter(|n| n.tag_name().name() == "t").filter_map(|t| t.text()).collect())
        .filter(|text: &String| !text.is_empty())
        .collect()
}

#[test]
fn the_bulletins_imprint_takes_cc_and_issuing_office_from_the_settings() {
    let dir = tempfile::tempdir().unwrap();
    let score_with = |name: &str, settings: &[[&'static str; 2]]| {
        let mut sheets = base_sheets();
        rows(&mut sheets, "设置").extend(settings.iter().map(|row| row.to_vec()));
        let input = write_xlsx(dir.path(), &format!("{name}.xlsx"), &sheets);
        let out = dir.path().join(name);
        let output = Command::cargo_bin("kaohe")
            .unwrap()
            .arg("score")
            .arg(input)
            .arg("-o")
            .arg(&out)
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
        let texts = paragraph_texts(&out.join("考核结果通报.docx"));
        texts[texts.len().saturating_sub(2)..].to_vec()
    };
    // A closing 。 given with the setting is not doubled; 成文日期 2026-01-20.
    let set = score_with(
        "set",
        &[["抄送", "各参评单位，局机关各部门。"], ["印发机关", "局党委办公室"], ["成文日期", "2026-01-20"]],
    );
    assert_eq!(set, ["抄送：各参评单位，局机关各部门。", "局党委办公室2026年1月20日印发"]);
    // Neither set: no 抄送 line, the assessor (局党委) issues it.
    let unset = score_with("unset", &[["成文日期", "2026-01-20"]]);
    assert_eq!(unset[1], "局党委2026年1月20日印发");
    assert!(!unset[0].contains("抄送"), "{unset:?}");
}
