//! `kaohe score --previous` end to end: last year's score workbook (plain
//! or merged) or a 上年结果 sheet, matched by id and by name; the 汇总
//! columns, the JSON, the letters' sentence and the bulletin's comparison;
//! and the workbooks it refuses, with nothing written.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use calamine::{Data, Reader, Xlsx, open_workbook};
use serde_json::{Value, json};

use crate::common::{SheetRows, base_sheets, rows, set_cell, write_xlsx};

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
        .map(|(name, rows)| (name.as_str(), rows.iter().map(|row| row.iter().map(String::as_str).collect()).collect()))
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

/// A .docx body's text, tags left out.
fn document_text(path: &Path) -> String {
    let mut archive = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut xml = String::new();
    archive.by_name("word/document.xml").unwrap().read_to_string(&mut xml).unwrap();
    let mut text = String::new();
    let mut in_tag = false;
    for c in xml.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    text
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
    let units: Vec<Vec<Data>> =
        cells[2..].iter().filter(|row| matches!(row.get(1), Some(Data::String(id)) if !id.is_empty())).cloned().collect();
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
    assert_eq!(
        sentence(&bulletin, "与2024年度相比"),
        "与2024年度相比，1个单位等次上升，1个单位等次下降。"
    );
    assert!(bulletin.contains("总分提高最多的单位：单位名称上年总分本年总分提高第一党支部64.4174.4110"), "{bulletin}");

    // merge still reads a workbook with the comparison columns.
    kaohe().arg("merge").arg(out.join("考核得分表.xlsx")).arg("-o").arg(dir.path().join("merged")).assert().code(0);
    // Without --previous, none of it.
    let plain = dir.path().join("plain");
    let output = kaohe().arg("score").arg(&this).arg("--json").arg("-o").arg(&plain).output().unwrap();
    let summary: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert!(!unit(&summary, "U1").as_object().unwrap().contains_key("previous"));
    assert!(!document_text(&plain.join("反馈/002-第一党支部.docx")).contains("上年"));
    assert!(!document_text(&plain.join("考核结果通报.docx")).contains("上年"));
}
