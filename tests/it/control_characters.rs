//! Control characters pasted into cells (a Word line break becomes a
//! vertical tab in Excel) end to end: `check` warns at each cell, `score`
//! succeeds, every XML part of every output is legal XML, and the vertical
//! tab is a line break in the letter.

use std::io::Read;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use calamine::{Data, Reader, Xlsx, open_workbook};

use crate::common::{base_sheets, set_cell, write_xlsx};

/// The base fixture, in a file whose name holds a vertical tab, with a
/// vertical tab in a unit name (单位!B4), a form feed and U+0001 in a manual
/// score's 说明 (评分!D2), a vertical tab in a 评分标准 (指标!M2) and U+0001
/// in the 考核单位 (设置!B3).
fn input(dir: &Path) -> PathBuf {
    let mut sheets = base_sheets();
    set_cell(&mut sheets, "单位", 3, 1, "第一\u{B}党支部");
    set_cell(&mut sheets, "评分", 1, 3, "组织生活\u{C}记录不全\u{1}");
    set_cell(&mut sheets, "指标", 1, 12, "每年至少\u{B}2次");
    set_cell(&mut sheets, "设置", 2, 1, "局\u{1}党委");
    write_xlsx(dir, "台\u{B}账.xlsx", &sheets)
}

fn kaohe(args: &[&str], input: &Path) -> std::process::Output {
    Command::cargo_bin("kaohe").unwrap().args(args).arg(input).output().unwrap()
}

#[test]
fn check_warns_once_at_each_cell_that_held_control_characters() {
    let dir = tempfile::tempdir().unwrap();
    let input = input(dir.path());
    let output = kaohe(&["check"], &input);
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    let warnings: Vec<&str> = stderr.lines().filter(|line| line.starts_with("警告")).collect();
    let message = "单元格含不可见的控制字符，已改为换行或去除";
    assert_eq!(
        warnings,
        ["设置!B3", "单位!B4", "指标!M2", "评分!D2"]
            .map(|cell| format!("警告: 台_账.xlsx:{cell}: {message}")),
        "{stderr}"
    );

    let output = kaohe(&["check", "--lang", "en"], &input);
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        stderr.contains(
            "warning: 台_账.xlsx:单位!B4: the cell held invisible control characters; they were made line breaks or removed"
        ),
        "{stderr}"
    );
    assert_eq!(kaohe(&["check", "--strict"], &input).status.code(), Some(1));
}

/// The parts of the zip package at `path`: (name, text), with the parts of
/// a workbook embedded in it (a chart's data) as `embedded.xlsx!part`.
fn parts(path: &Path) -> Vec<(String, String)> {
    package_parts(&std::fs::read(path).unwrap(), "")
}

fn package_parts(bytes: &[u8], prefix: &str) -> Vec<(String, String)> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut parts = Vec::new();
    for index in 0..archive.len() {
        let mut entry = archive.by_index(index).unwrap();
        let name = format!("{prefix}{}", entry.name().unwrap());
        let mut content = Vec::new();
        entry.read_to_end(&mut content).unwrap();
        if name.ends_with(".xlsx") {
            parts.extend(package_parts(&content, &format!("{name}!")));
        } else {
            parts.push((name.clone(), String::from_utf8(content).unwrap_or_else(|_| panic!("{name}"))));
        }
    }
    parts
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() { files.extend(walk(&path)) } else { files.push(path) }
    }
    files
}

/// The `w:t` texts and `w:br`s of the paragraph of `document` whose text is `text`.
fn paragraph_content(document: &str, text: &str) -> Vec<String> {
    let document = roxmltree::Document::parse(document).unwrap();
    let content = |paragraph: roxmltree::Node| -> Vec<String> {
        paragraph
            .descendants()
            .filter_map(|node| match node.tag_name().name() {
                "t" => Some(node.text().unwrap_or_default().to_owned()),
                "br" => Some("<w:br/>".to_owned()),
                _ => None,
            })
            .collect()
    };
    let paragraphs: Vec<Vec<String>> =
        document.descendants().filter(|node| node.tag_name().name() == "p").map(content).collect();
    let plain =
        |content: &[String]| content.iter().filter(|piece| *piece != "<w:br/>").cloned().collect::<String>();
    paragraphs
        .iter()
        .find(|content| plain(content) == text)
        .cloned()
        .unwrap_or_else(|| panic!("no paragraph {text} in {paragraphs:#?}"))
}

fn document_xml(letter: &Path) -> String {
    parts(letter).into_iter().find(|(name, _)| name == "word/document.xml").unwrap().1
}

#[test]
fn every_output_is_legal_xml_and_a_vertical_tab_is_a_line_break() {
    let dir = tempfile::tempdir().unwrap();
    let input = input(dir.path());
    let out = dir.path().join("out");
    let output =
        Command::cargo_bin("kaohe").unwrap().arg("score").arg(&input).arg("-o").arg(&out).output().unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));

    let mut packages = 0;
    for file in walk(&out) {
        let extension = file.extension().and_then(|e| e.to_str()).unwrap_or_default().to_owned();
        if !["docx", "xlsx"].contains(&extension.as_str()) {
            continue;
        }
        packages += 1;
        for (name, text) in parts(&file) {
            assert!(name.ends_with(".xml") || name.ends_with(".rels"), "{}: {name}", file.display());
            if let Err(error) = roxmltree::Document::parse(&text) {
                panic!("{}: {name}: {error}", file.display());
            }
            // rust_xlsxwriter writes a forbidden character as Excel's escape of it.
            for escape in ["_x000B_", "_x000C_", "_x0001_"] {
                assert!(!text.contains(escape), "{}: {name} holds {escape}", file.display());
            }
        }
    }
    assert_eq!(packages, 6, "the workbook, the bulletin, the volume and three letters");

    let letters: Vec<PathBuf> = walk(&out.join("反馈"));
    let first = letters.iter().find(|path| path.to_string_lossy().ends_with("-第一_党支部.docx")).unwrap();
    let first = document_xml(first);
    assert_eq!(paragraph_content(&first, "第一党支部："), ["第一", "<w:br/>", "党支部："]);
    assert_eq!(paragraph_content(&first, "组织生活记录不全"), ["组织生活", "<w:br/>", "记录不全"]);
    assert_eq!(paragraph_content(&first, "局党委"), ["局党委"]);
    let second = letters.iter().find(|path| path.to_string_lossy().ends_with("-第二党支部.docx")).unwrap();
    assert_eq!(paragraph_content(&document_xml(second), "每年至少2次"), ["每年至少", "<w:br/>", "2次"]);

    let mut workbook: Xlsx<_> = open_workbook(out.join("考核得分表.xlsx")).unwrap();
    let summary = workbook.worksheet_range("汇总").unwrap();
    assert!(summary.used_cells().any(|(_, _, cell)| *cell == Data::String("第一\n党支部".into())));
    let about = workbook.worksheet_range("说明").unwrap();
    assert!(about.used_cells().any(|(_, _, cell)| *cell == Data::String("台_账.xlsx".into())));
}
