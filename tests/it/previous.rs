//! `kaohe score --previous` end to end: last year's score workbook (plain
//! or merged) or a 上年结果 sheet, matched by id and by name; the 汇总
//! columns, the JSON, the letters' sentence and the bulletin's comparison;
//! and the workbooks it refuses, with nothing written.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use calamine::{Data, Reader, Xlsx, open_workbook};
use serde_json::{Value, json};

use crate::common::{SheetRows, base_sheets, document_text, rows, set_cell, write_xlsx};

fn kaohe() -> Command {
    Command::cargo_bin("kaohe").unwrap()
}

/// Sheets as owned text, to edit cells beyond what the fixture's literals hold.
type OwnedSheets = Vec<(String, Vec<Vec<String>>)>;

fn owned(sheets: &[(&str, SheetRows)]) -> OwnedSheets {
    sheets
        .iter()
        .map(|(name, rows)| {
            (name.to_string(), rows.iter().map(|row| row.iter().map(|c| c.to_string()).collect()).collect())
        })
        .collect()
}

fn write_owned(dir: &Path, name: &str, sheets: &OwnedSheets) -> PathBuf {
    let borrowed: Vec<(&str, SheetRows)> = sheets
        .iter()
        .map(|(name, rows)| {
            (name.as_str(), rows.iter().map(|row| row.iter().map(String::as_str).collect()).collect())
        })
        .collect();
    write_xlsx(dir, name, &borrowed)
}

/// This year's fixture: the base one with the bands `良好:70;合格:60;不合格:0`,
/// so that its units move between bands from one year to the next.
fn this_year_sheets() -> Vec<(&'static str, SheetRows<'static>)> {
    let mut sheets = base_sheets();
    rows(&mut sheets, "设置").push(vec!["等次", "良好:70;合格:60;不合格:0"]);
    sheets
}

/// That fixture in 2024: the same ledger a year earlier (so every rule
/// scores the same), with 组织生活 (DJ01, 评分 of 10 points) marked U1 7,
/// U2 10 and D1 10 (this year: 9, 8, 10).
fn last_year_sheets() -> OwnedSheets {
    let mut sheets = this_year_sheets();
    for (row, score) in [(1, "7"), (2, "10"), (3, "10")] {
        set_cell(&mut sheets, "评分", row, 2, score);
    }
    let mut sheets = owned(&sheets);
    for (name, rows) in &mut sheets {
        if ["设置", "活动", "舆情"].contains(&name.as_str()) {
            for cell in rows.iter_mut().flatten() {
                *cell = cell.replace("2024", "2023").replace("2025", "2024");
            }
        }
    }
    sheets
}

/// Scores `input` into `dir/out_name` (must succeed); its workbook.
fn scored_workbook(dir: &Path, input: &Path, out_name: &str) -> PathBuf {
    let out = dir.join(out_name);
    let output = kaohe().arg("score").arg(input).arg("-o").arg(&out).output().unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
    out.join("考核得分表.xlsx")
}

/// Last year's workbook made by kaohe from `sheets`.
fn last_year_workbook(dir: &Path, sheets: &OwnedSheets) -> PathBuf {
    let input = write_owned(dir, "台账2024.xlsx", sheets);
    scored_workbook(dir, &input, "2024")
}

/// `kaohe score this --previous previous -o dir/out --json [extra]`: exit
/// status, stderr lines with the folder left out, JSON when it succeeded.
fn score_against(dir: &Path, this: &Path, previous: &Path, extra: &[&str]) -> (i32, Vec<String>, Value) {
    let output = kaohe()
        .arg("score")
        .arg(this)
        .arg("--previous")
        .arg(previous)
        .arg("--json")
        .args(extra)
        .arg("-o")
        .arg(dir.join("out"))
        .output()
        .unwrap();
    let folder = format!("{}/", dir.display());
    let stderr = String::from_utf8_lossy(&output.stderr).replace(&folder, "");
    let json = serde_json::from_slice(&output.stdout).unwrap_or(Value::Null);
    (output.status.code().unwrap(), stderr.lines().map(str::to_owned).collect(), json)
}

fn unit<'v>(summary: &'v Value, id: &str) -> &'v Value {
    summary["units"].as_array().unwrap().iter().find(|u| u["id"] == id).unwrap()
}

/// The sentence of `text` that starts with `start`, up to its full stop.
fn sentence<'t>(text: &'t str, start: &str) -> &'t str {
    let from = text.find(start).unwrap_or_else(|| panic!("no “{start}” in {text}"));
    let end = text[from..].find('。').map_or(text.len(), |end| from + end + '。'.len_utf8());
    &text[from..end]
}

/// 汇总 of the workbook at `path`: its header and unit rows (cached values)
/// and its formulas.
fn summary_sheet(path: &Path) -> (Vec<String>, Vec<Vec<Data>>, Vec<Vec<String>>) {
    let mut book: Xlsx<_> = open_workbook(path).unwrap();
    let cells: Vec<Vec<Data>> = book.worksheet_range("汇总").unwrap().rows().map(<[Data]>::to_vec).collect();
    let header: Vec<String> = cells[1].iter().map(ToString::to_string).collect();
    let units: Vec<Vec<Data>> = cells[2..]
        .iter()
        .filter(|row| matches!(row.get(1), Some(Data::String(id)) if !id.is_empty()))
        .cloned()
        .collect();
    let formulas = book.worksheet_formula("汇总").unwrap();
    let formulas: Vec<Vec<String>> = (2..2 + units.len() as u32)
        .map(|row| {
            (0..header.len() as u32)
                .map(|col| formulas.get_value((row, col)).cloned().unwrap_or_default())
                .collect()
        })
        .collect();
    (header, units, formulas)
}

#[test]
fn matched_by_id_the_columns_json_letters_and_bulletin_compare() {
    let dir = tempfile::tempdir().unwrap();
    let previous = last_year_workbook(dir.path(), &last_year_sheets());
    let this = write_xlsx(dir.path(), "台账.xlsx", &this_year_sheets());
    let (status, stderr, summary) = score_against(dir.path(), &this, &previous, &["--strict"]);
    assert_eq!(status, 0, "{stderr:?}");
    // Rules score the same both years; DJ01 (党建, 10 points) moved U1 from
    // 7 to 9 and U2 from 10 to 8. Both are assessed under D1's system
    // (50/50): W moves by 50 % × 20 = 10 points. D1 (top system) is unchanged.
    // 2024: D1 75.38 (1, 良好), U2 72.06 (2, 良好), U1 64.41 (3, 合格);
    // 2025: D1 75.38 (1, 良好), U1 74.41 (2, 良好), U2 62.06 (3, 合格).
    let shown: Vec<(Value, Value, Value, Value)> = ["D1", "U1", "U2"]
        .iter()
        .map(|id| {
            let unit = unit(&summary, id);
            (unit["rank"].clone(), unit["total"].clone(), unit["grade"].clone(), unit["previous"].clone())
        })
        .collect();
    let previous_of = |total: f64, rank: u32, grade: &str| json!({"year": 2024, "total": total, "rank": rank, "grade": grade});
    assert_eq!(
        shown,
        [
            (json!(1), json!(75.38), json!("良好"), previous_of(75.38, 1, "良好")),
            (json!(2), json!(74.41), json!("良好"), previous_of(64.41, 3, "合格")),
            (json!(3), json!(62.06), json!("合格"), previous_of(72.06, 2, "良好")),
        ]
    );

    let out = dir.path().join("out");
    let (header, units, formulas) = summary_sheet(&out.join("考核得分表.xlsx"));
    let first = header.len() - 5;
    assert_eq!(header[first..], ["上年总分", "上年排名", "上年等次", "总分增减", "名次升降"]);
    let total = header.iter().position(|label| label == "总分").unwrap();
    for (row, (cells, formulas)) in units.iter().zip(&formulas).enumerate() {
        let excel_row = row + 3;
        let id = cells[1].to_string();
        let json = unit(&summary, &id);
        let (this_total, last) = (json["total"].as_f64().unwrap(), &json["previous"]);
        let change = ((this_total - last["total"].as_f64().unwrap()) * 100.0).round() / 100.0;
        let moved = last["rank"].as_f64().unwrap() - json["rank"].as_f64().unwrap();
        assert_eq!(
            cells[first..],
            [
                Data::Float(last["total"].as_f64().unwrap()),
                Data::Float(last["rank"].as_f64().unwrap()),
                Data::String(last["grade"].as_str().unwrap().into()),
                Data::Float(change),
                Data::Float(moved),
            ],
            "{id}"
        );
        let total_cell = format!("{}{excel_row}", (b'A' + total as u8) as char);
        let column = |offset: usize| (b'A' + (first + offset) as u8) as char;
        assert_eq!(formulas[first + 3], format!("ROUND({total_cell}-{}{excel_row},2)", column(0)), "{id}");
        assert_eq!(formulas[first + 4], format!("{}{excel_row}-A{excel_row}", column(1)), "{id}");
    }
    assert_eq!(units[1][first + 3], Data::Float(10.0), "U1 rose 10 points");
    assert_eq!(units[2][first + 4], Data::Float(-1.0), "U2 fell one place");

    let letter = |name: &str| document_text(&out.join("反馈").join(name));
    assert_eq!(
        sentence(&letter("001-机关党委.docx"), "与上年相比"),
        "与上年相比（总分75.38分、第1名、等次良好），总分持平，排名持平。"
    );
    assert_eq!(
        sentence(&letter("002-第一党支部.docx"), "与上年相比"),
        "与上年相比（总分64.41分、第3名、等次合格），总分提高10分，排名上升1位。"
    );
    assert_eq!(
        sentence(&letter("003-第二党支部.docx"), "与上年相比"),
        "与上年相比（总分72.06分、第2名、等次良好），总分下降10分，排名下降1位。"
    );
    let bulletin = document_text(&out.join("考核结果通报.docx"));
    assert_eq!(sentence(&bulletin, "与2024年度相比"), "与2024年度相比，1个单位等次上升，1个单位等次下降。");
    assert!(
        bulletin.contains(
            "总分提高最多的单位：\n单位名称\n上年总分\n本年总分\n提高\n第一党支部\n64.41\n74.41\n10\n"
        ),
        "{bulletin}"
    );

    // merge still reads a workbook with the comparison columns.
    kaohe()
        .arg("merge")
        .arg(out.join("考核得分表.xlsx"))
        .arg("-o")
        .arg(dir.path().join("merged"))
        .assert()
        .code(0);
    // Without --previous, none of it.
    let plain = dir.path().join("plain");
    let output = kaohe().arg("score").arg(&this).arg("--json").arg("-o").arg(&plain).output().unwrap();
    let summary: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert!(!unit(&summary, "U1").as_object().unwrap().contains_key("previous"));
    assert!(!document_text(&plain.join("反馈/002-第一党支部.docx")).contains("上年"));
    assert!(!document_text(&plain.join("考核结果通报.docx")).contains("上年"));
}

/// Replaces every cell equal to `from` in `sheets` by `to`.
fn rename(sheets: &mut OwnedSheets, from: &str, to: &str) {
    for cell in sheets.iter_mut().flat_map(|(_, rows)| rows.iter_mut().flatten()) {
        if cell == from {
            *cell = to.to_owned();
        }
    }
}

/// A unit row of 单位 under D1.
fn branch(id: &str, name: &str) -> Vec<String> {
    [id, name, "D1", "某书记", "党支部", "是"].map(str::to_owned).to_vec()
}

#[test]
fn by_name_a_new_unit_and_a_unit_gone() {
    let dir = tempfile::tempdir().unwrap();
    // Last year U2 had the id X2, and U9 was assessed; this year U3 is new.
    let mut last_year = last_year_sheets();
    rename(&mut last_year, "U2", "X2");
    last_year.iter_mut().find(|(name, _)| name == "单位").unwrap().1.push(branch("U9", "第九党支部"));
    let previous = last_year_workbook(dir.path(), &last_year);
    let mut this_year = this_year_sheets();
    rows(&mut this_year, "单位").push(vec!["U3", "第三党支部", "D1", "某书记", "党支部", "是"]);
    rows(&mut this_year, "评分").push(vec!["U3", "DJ01", "6", ""]);
    let this = write_xlsx(dir.path(), "台账.xlsx", &this_year);
    // --strict: units gone since last year are a note, not a warning.
    let (status, stderr, summary) = score_against(dir.path(), &this, &previous, &["--strict"]);
    assert_eq!(status, 0, "{stderr:?}");
    assert!(
        stderr.contains(&"提示: 2024/考核得分表.xlsx: 上年的 1 个单位今年未参评（如 第九党支部）".to_owned()),
        "{stderr:?}"
    );
    // U9 (no ledger, DJ01 unscored) ranked last of four in 2024.
    assert_eq!(
        unit(&summary, "U2")["previous"],
        json!({"year": 2024, "total": 72.06, "rank": 2, "grade": "良好"})
    );
    assert_eq!(unit(&summary, "U3")["previous"], Value::Null);
    let u3 = unit(&summary, "U3");
    let letter = format!("{:03}-第三党支部.docx", u3["rank"].as_u64().unwrap());
    let text = document_text(&dir.path().join("out/反馈").join(letter));
    assert_eq!(sentence(&text, "你单位上年未参评"), "你单位上年未参评，没有可对比的上年结果。");
    assert!(!text.contains("与上年相比"));
    let (header, units, _) = summary_sheet(&dir.path().join("out/考核得分表.xlsx"));
    let row = units.iter().find(|row| row[1] == Data::String("U3".into())).unwrap();
    let first = header.len() - 5;
    assert!(row.len() <= first || row[first..].iter().all(|cell| *cell == Data::Empty), "{row:?}");
}

#[test]
fn an_id_whose_name_changed_is_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let previous = last_year_workbook(dir.path(), &last_year_sheets());
    let mut this_year = owned(&this_year_sheets());
    rename(&mut this_year, "第一党支部", "第一支部");
    let this = write_owned(dir.path(), "台账.xlsx", &this_year);
    let warning = "警告: 2024/考核得分表.xlsx:汇总!5:5: 单位编号“U1”上年名称为“第一党支部”，今年为“第一支部”：按编号对应";
    let (status, stderr, summary) = score_against(dir.path(), &this, &previous, &[]);
    assert_eq!(status, 0, "{stderr:?}");
    assert!(stderr.contains(&warning.to_owned()), "{stderr:?}");
    assert_eq!(unit(&summary, "U1")["previous"]["total"], json!(64.41));
    let (status, stderr, _) = score_against(dir.path(), &this, &previous, &["--strict", "--force"]);
    assert_eq!(status, 1, "{stderr:?}");
}

/// A second organisation's 2024 workbook: the same units under the same
/// ids, their names prefixed with 乡.
fn township_workbook(dir: &Path) -> PathBuf {
    let mut sheets = last_year_sheets();
    rename(&mut sheets, "局党委", "乡党委");
    for name in ["机关党委", "第一党支部", "第二党支部"] {
        rename(&mut sheets, name, &format!("乡{name}"));
    }
    let input = write_owned(dir, "乡台账2024.xlsx", &sheets);
    scored_workbook(dir, &input, "乡2024")
}

#[test]
fn a_merged_workbook_matches_by_id_and_name() {
    let dir = tempfile::tempdir().unwrap();
    let bureau = last_year_workbook(dir.path(), &last_year_sheets());
    let township = township_workbook(dir.path());
    let merged = dir.path().join("merged");
    kaohe().arg("merge").arg(&bureau).arg(&township).arg("-o").arg(&merged).assert().code(0);
    let merged = merged.join("考核得分表.xlsx");
    let this = write_xlsx(dir.path(), "台账.xlsx", &this_year_sheets());
    let (status, stderr, summary) = score_against(dir.path(), &this, &merged, &["--strict"]);
    assert_eq!(status, 0, "{stderr:?}");
    // Both organisations' units tie: D1 and 乡D1 share rank 1, U2 and 乡U2
    // rank 3, U1 and 乡U1 rank 5 — 上年排名 is the rank in the merged workbook.
    assert_eq!(
        unit(&summary, "U1")["previous"],
        json!({"year": 2024, "total": 64.41, "rank": 5, "grade": "合格"})
    );
    assert_eq!(unit(&summary, "D1")["previous"]["rank"], json!(1));
    assert!(
        stderr.iter().any(|line| line.contains("上年的 3 个单位今年未参评（如 乡机关党委")),
        "{stderr:?}"
    );

    // An id found in both that neither name matches is an error naming both.
    let mut renamed = owned(&this_year_sheets());
    rename(&mut renamed, "第一党支部", "第一支部");
    let this = write_owned(dir.path(), "台账改名.xlsx", &renamed);
    let (status, stderr, _) = score_against(dir.path(), &this, &merged, &["--force"]);
    assert_eq!(status, 1);
    assert!(
        stderr.contains(&"错误: merged/考核得分表.xlsx:汇总!7:7: 单位编号“U1”在上年得分表中出现于 局党委、乡党委，无法按名称“第一支部”确定对应哪一个".to_owned()),
        "{stderr:?}"
    );
}

/// A copy of the workbook at `path` as `name` beside it, with `edit` applied
/// to the XML of 汇总 (its first sheet), as a hand edit would leave it.
fn tampered(path: &Path, name: &str, edit: impl Fn(&str) -> String) -> PathBuf {
    let mut archive = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let copy = path.with_file_name(name);
    let mut writer = zip::ZipWriter::new(std::fs::File::create(&copy).unwrap());
    for index in 0..archive.len() {
        let mut entry = archive.by_index(index).unwrap();
        let entry_name = entry.name().unwrap().to_string();
        let mut bytes = Vec::new();
        entry.read_to_end(&mut bytes).unwrap();
        if entry_name == "xl/worksheets/sheet1.xml" {
            bytes = edit(std::str::from_utf8(&bytes).unwrap()).into_bytes();
        }
        writer.start_file(entry_name, zip::write::SimpleFileOptions::default()).unwrap();
        writer.write_all(&bytes).unwrap();
    }
    writer.finish().unwrap();
    copy
}

#[test]
fn workbooks_not_of_last_year_or_not_kaohe_or_tampered_are_refused_with_nothing_written() {
    let dir = tempfile::tempdir().unwrap();
    let this = write_xlsx(dir.path(), "台账.xlsx", &this_year_sheets());
    let same_year = scored_workbook(dir.path(), &this, "2025");
    let mut later = owned(&this_year_sheets());
    for (_, rows) in later.iter_mut().filter(|(name, _)| ["设置", "活动", "舆情"].contains(&name.as_str()))
    {
        for cell in rows.iter_mut().flatten() {
            *cell = cell.replace("2025", "2026").replace("2024", "2025");
        }
    }
    let later = scored_workbook(dir.path(), &write_owned(dir.path(), "台账2026.xlsx", &later), "2026");
    let foreign = write_xlsx(
        dir.path(),
        "名单.xlsx",
        &[("汇总", vec![vec!["排名", "单位名称"], vec!["1", "第一党支部"]])],
    );
    let previous = last_year_workbook(dir.path(), &last_year_sheets());
    // U1's 加分 (G5, 0) raised to 5 by hand: its 总分 no longer follows.
    let raised = tampered(&previous, "改过.xlsx", |xml| {
        let cell = xml.find(r#"<c r="G5""#).unwrap();
        let value = cell + xml[cell..].find("<v>0</v>").unwrap();
        format!("{}<v>5</v>{}", &xml[..value], &xml[value + "<v>0</v>".len()..])
    });
    let cases = [
        (
            same_year,
            "2025/考核得分表.xlsx:说明!B3: 上年得分表的年度为 2025，应为 2024（考核年度 2025 的上一年）",
        ),
        (later, "2026/考核得分表.xlsx:说明!B3: 上年得分表的年度为 2026，应为 2024（考核年度 2025 的上一年）"),
        (foreign, "名单.xlsx: 不是 kaohe 生成的考核得分表：没有“说明”工作表"),
        (raised, "2024/改过.xlsx:汇总!H5: “总分” 64.41 与 ROUND(加权得分 + 加分, 2) = 69.41 不符"),
    ];
    for (path, error) in cases {
        let (status, stderr, _) = score_against(dir.path(), &this, &path, &[]);
        assert_eq!(status, 1, "{}", path.display());
        assert!(stderr.contains(&format!("错误: {error}")), "{stderr:?}");
        assert!(!dir.path().join("out").exists(), "nothing written");
    }
}

#[test]
fn a_plain_sheet_of_last_years_results_is_read_unverified() {
    let dir = tempfile::tempdir().unwrap();
    let header = vec!["编号", "名称", "总分", "排名", "等次", "年度"];
    let results = vec![
        header.clone(),
        vec!["u1", "第一党支部", "80.5", "1", "良好", "2024"],
        vec!["Y2", "第二党支部", "70", "2", "合格", "2024年"],
    ];
    let sheet = write_xlsx(dir.path(), "上年.xlsx", &[("上年结果", results)]);
    let this = write_xlsx(dir.path(), "台账.xlsx", &this_year_sheets());
    let (status, stderr, summary) = score_against(dir.path(), &this, &sheet, &["--strict"]);
    assert_eq!(status, 0, "{stderr:?}");
    assert!(
        stderr.contains(
            &"提示: 上年.xlsx:上年结果: 上年结果取自“上年结果”工作表，未经核验（不是 kaohe 生成的得分表）"
                .to_owned()
        ),
        "{stderr:?}"
    );
    // u1 is U1 once normalised; Y2 is found by its name.
    assert_eq!(
        unit(&summary, "U1")["previous"],
        json!({"year": 2024, "total": 80.5, "rank": 1, "grade": "良好"})
    );
    assert_eq!(
        unit(&summary, "U2")["previous"],
        json!({"year": 2024, "total": 70.0, "rank": 2, "grade": "合格"})
    );
    assert_eq!(unit(&summary, "D1")["previous"], Value::Null);
    let letter = document_text(&dir.path().join("out/反馈/002-第一党支部.docx"));
    assert_eq!(
        sentence(&letter, "与上年相比"),
        "与上年相比（总分80.50分、第1名、等次良好），总分下降6.09分，排名下降1位。"
    );

    let wrong = vec![header, vec!["U1", "第一党支部", "八十", "1", "良好", "2023"]];
    let sheet = write_xlsx(dir.path(), "错.xlsx", &[("上年结果", wrong)]);
    let (status, stderr, _) = score_against(dir.path(), &this, &sheet, &["--force"]);
    assert_eq!(status, 1);
    let errors: Vec<&String> = stderr.iter().filter(|line| line.starts_with("错误")).collect();
    assert_eq!(
        errors,
        [
            "错误: 错.xlsx:上年结果!C2: “总分”不是数字",
            "错误: 错.xlsx:上年结果!F2: “年度”应为上一年 2024，而不是“2023”"
        ]
    );
}
