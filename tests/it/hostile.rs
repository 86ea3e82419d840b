//! Broken, strange and hostile inputs (docs/上限.md). Every case is generated in
//! a temporary folder and run through the real binary — the bombs under a
//! 2 GB address-space limit (`ulimit -v`), where a failed allocation would
//! abort — and must end in a located refusal or a safe result, never a crash.

use std::io::{Seek, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use sha2::{Digest, Sha256};

use crate::common::{self, base_sheets, set_cell, write_xlsx};

/// Address-space limit for the runs on bombs, in KiB (2 GB).
const ADDRESS_SPACE_KIB: u32 = 2_000_000;

/// Runs the binary with `args` under the address-space limit; checks it
/// ended by itself (no signal, no abort) within 120 s.
fn kaohe(args: &[&std::ffi::OsStr]) -> Output {
    let started = Instant::now();
    let output = Command::new("sh")
        .arg("-c")
        .arg(format!("ulimit -v {ADDRESS_SPACE_KIB} && exec \"$0\" \"$@\""))
        .arg(env!("CARGO_BIN_EXE_kaohe"))
        .args(args)
        .output()
        .unwrap();
    assert!(started.elapsed() < Duration::from_secs(120), "took {:?}", started.elapsed());
    assert!(output.status.code().is_some(), "killed by a signal: {output:?}");
    output
}

/// `kaohe check FILE`: its exit status and stderr.
fn check(path: &Path) -> (i32, String) {
    let output = kaohe(&["check".as_ref(), path.as_os_str()]);
    (output.status.code().unwrap_or(-1), String::from_utf8_lossy(&output.stderr).into_owned())
}

fn assert_refused(path: &Path, expected: &str) {
    let (code, stderr) = check(path);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains(expected), "expected “{expected}” in:\n{stderr}");
}

fn base_workbook(dir: &Path, name: &str) -> PathBuf {
    write_xlsx(dir, name, &base_sheets())
}

#[test]
fn a_file_that_is_no_spreadsheet_is_refused_by_its_content() {
    let dir = tempfile::tempdir().unwrap();
    let expected = "不是电子表格文件（内容既不是 .xlsx/.ods 也不是 .xls；网页或文本另存的“表格”也不行），请在 WPS/Excel 中另存为 .xlsx";
    for (name, bytes) in [
        ("台账.xlsx", &b"just some text\n"[..]),
        ("导出.xls", b"<html><body><table><tr><td>1</td></tr></table></body></html>"),
        ("空.ods", b""),
    ] {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        assert_refused(&path, &format!("错误: {name}: 无法读取 {name}：{expected}"));
    }
}

#[test]
fn a_workbook_is_read_as_what_its_bytes_are() {
    let dir = tempfile::tempdir().unwrap();
    let xlsx = base_workbook(dir.path(), "base.xlsx");
    let renamed = dir.path().join("base.xls");
    std::fs::rename(&xlsx, &renamed).unwrap();
    let (code, stderr) = check(&renamed);
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("校验通过：2025年度，3个参评单位"), "{stderr}");
}

#[test]
fn a_truncated_workbook_is_damaged() {
    let dir = tempfile::tempdir().unwrap();
    let path = base_workbook(dir.path(), "台账.xlsx");
    let bytes = std::fs::read(&path).unwrap();
    std::fs::write(&path, &bytes[..bytes.len() / 2]).unwrap();
    assert_refused(&path, "错误: 台账.xlsx: 无法读取 台账.xlsx：文件已损坏或格式不符（");
}

#[test]
fn a_password_protected_workbook_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("台账.xlsx");
    let mut compound = cfb::create(&path).unwrap();
    compound.create_stream("/EncryptionInfo").unwrap().write_all(&[4, 0, 4, 0, 0x40, 0, 0, 0]).unwrap();
    compound.create_stream("/EncryptedPackage").unwrap().write_all(&[0x5A; 9000]).unwrap();
    compound.flush().unwrap();
    drop(compound);
    assert_refused(&path, "错误: 台账.xlsx: 无法读取 台账.xlsx：文件已加密，请先取消密码保护再另存为 .xlsx");
}

/// A copy of the zip at `from` with the part `name` replaced by `size`
/// bytes of `unit` repeated, streamed through the deflater (never held in
/// memory), written to `to`.
fn with_bomb(from: &Path, to: &Path, name: &str, head: &str, unit: &[u8], size: u64) {
    let mut source = zip::ZipArchive::new(std::fs::File::open(from).unwrap()).unwrap();
    let mut target = zip::ZipWriter::new(std::fs::File::create(to).unwrap());
    for index in 0..source.len() {
        let part = source.by_index_raw(index).unwrap();
        if part.name().unwrap() != name {
            target.raw_copy_file(part).unwrap();
        }
    }
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(9))
        .large_file(false);
    target.start_file(name, options).unwrap();
    target.write_all(head.as_bytes()).unwrap();
    let block = unit.repeat((1 << 20) / unit.len());
    let mut written = head.len() as u64;
    while written < size {
        target.write_all(&block).unwrap();
        written += block.len() as u64;
    }
    target.finish().unwrap().flush().unwrap();
}

/// Rewrites the uncompressed size the zip at `path` declares for `name`
/// (local header and central directory) to `size`: declared sizes can lie.
fn lie_about_size(path: &Path, name: &str, size: u32) {
    let mut bytes = std::fs::read(path).unwrap();
    let name = name.as_bytes();
    let u16_at = |bytes: &[u8], at: usize| u16::from_le_bytes([bytes[at], bytes[at + 1]]) as usize;
    let mut patched = 0;
    for at in 0..bytes.len().saturating_sub(46) {
        let (name_at, size_at) = match &bytes[at..at + 4] {
            b"PK\x03\x04" if u16_at(&bytes, at + 26) == name.len() => (at + 30, at + 22),
            b"PK\x01\x02" if u16_at(&bytes, at + 28) == name.len() => (at + 46, at + 24),
            _ => continue,
        };
        if bytes.get(name_at..name_at + name.len()) == Some(name) {
            bytes[size_at..size_at + 4].copy_from_slice(&size.to_le_bytes());
            patched += 1;
        }
    }
    assert_eq!(patched, 2, "local header and central directory entry");
    let mut file = std::fs::OpenOptions::new().write(true).open(path).unwrap();
    file.rewind().unwrap();
    file.write_all(&bytes).unwrap();
}

const GB_AND_A_HALF: u64 = 3 << 29;

#[test]
#[ignore = "slow: builds ~1 GB; run with cargo test -- --ignored"]
fn zip_bombs_are_refused_within_the_memory_bound() {
    let dir = tempfile::tempdir().unwrap();
    let base = base_workbook(dir.path(), "base.xlsx");
    let limit = "超出 kaohe 的安全上限，文件可能已损坏或被恶意构造";

    // A sheet of 1.5 GB of spaces, declared honestly.
    let sheet = dir.path().join("空白炸弹.xlsx");
    with_bomb(&base, &sheet, "xl/worksheets/sheet1.xml", "<worksheet>", b" ", GB_AND_A_HALF);
    assert!(std::fs::metadata(&sheet).unwrap().len() < 4 << 20, "the bomb is small");
    assert_refused(
        &sheet,
        &format!(
            "错误: 空白炸弹.xlsx: 无法读取 空白炸弹.xlsx：部件 xl/worksheets/sheet1.xml 解压后超过 1024 MB，{limit}"
        ),
    );
    // kaohe merge reads submitted workbooks through the same guard.
    let out = dir.path().join("汇总");
    let merged = kaohe(&["merge".as_ref(), sheet.as_os_str(), "-o".as_ref(), out.as_os_str()]);
    assert_eq!(merged.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&merged.stderr);
    assert!(stderr.contains("部件 xl/worksheets/sheet1.xml 解压后超过 1024 MB"), "{stderr}");
    assert!(!out.exists());

    // The same, declaring 1 KB: the inflater stops at the declared size.
    lie_about_size(&sheet, "xl/worksheets/sheet1.xml", 1024);
    assert_refused(
        &sheet,
        "无法读取 空白炸弹.xlsx：文件已损坏或格式不符（File is larger than its declared uncompressed size）",
    );

    // Shared strings of 100 MB of markup (calamine aborts on a bigger one),
    // declared honestly: under the size limit, over the ratio limit.
    let strings = dir.path().join("字符串炸弹.xlsx");
    with_bomb(&base, &strings, "xl/sharedStrings.xml", "<sst>", b"<si><t>a</t></si>", 100 << 20);
    assert_refused(&strings, &format!("部件 xl/sharedStrings.xml 压缩比超过 200:1（压缩炸弹），{limit}"));
}

#[test]
fn a_dtd_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let base = base_workbook(dir.path(), "base.xlsx");
    let path = dir.path().join("实体.xlsx");
    let laughs = r#"<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]><sst><si><t>&lol2;</t></si></sst>"#;
    with_bomb(&base, &path, "xl/sharedStrings.xml", laughs, b" ", 0);
    assert_refused(&path, "部件 xl/sharedStrings.xml 含 DTD（<!DOCTYPE），工作簿中不应出现");
}

/// A minimal OpenDocument spreadsheet whose `content.xml` holds `table`.
fn write_ods(path: &Path, table: &str) {
    write_ods_content(
        path,
        &format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:spreadsheet>{table}</office:spreadsheet></office:body></office:document-content>"#
        ),
    );
}

/// A minimal OpenDocument spreadsheet with this `content.xml`.
fn write_ods_content(path: &Path, content: &str) {
    let mut zip = zip::ZipWriter::new(std::fs::File::create(path).unwrap());
    let stored = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    zip.start_file("mimetype", stored).unwrap();
    zip.write_all(b"application/vnd.oasis.opendocument.spreadsheet").unwrap();
    zip.start_file("META-INF/manifest.xml", stored).unwrap();
    zip.write_all(br#"<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>"#).unwrap();
    zip.start_file("content.xml", stored).unwrap();
    zip.write_all(content.as_bytes()).unwrap();
    zip.finish().unwrap();
}

fn ods_row(cells: &[&str]) -> String {
    let cells: String = cells
        .iter()
        .map(|c| {
            format!(r#"<table:table-cell office:value-type="string"><text:p>{c}</text:p></table:table-cell>"#)
        })
        .collect();
    format!("<table:table-row>{cells}</table:table-row>")
}

#[test]
fn repeated_rows_and_columns_in_ods_are_bounded() {
    let dir = tempfile::tempdir().unwrap();
    let header = ods_row(&["编号", "名称", "上级编号", "书记", "类型", "参评"]);
    let unit = ods_row(&["U1", "第一党支部", "", "王五", "党支部", "是"]);
    let empty_rows = r#"<table:table-row table:number-rows-repeated="1048000"><table:table-cell table:number-columns-repeated="16384"/></table:table-row>"#;
    // LibreOffice's million empty rows, then a unit far below: read fine.
    let path = dir.path().join("单位.ods");
    write_ods(&path, &format!(r#"<table:table table:name="单位">{header}{empty_rows}{unit}</table:table>"#));
    let (code, stderr) = check(&path);
    assert!(!stderr.contains("无法读取"), "{stderr}");
    assert!(code == 0 || code == 1, "{stderr}");
    // One value repeated over every column of a million rows: 17 billion cells.
    let wide = r#"<table:table-row table:number-rows-repeated="1048000"><table:table-cell office:value-type="float" office:value="1" table:number-columns-repeated="16384"/></table:table-row>"#;
    let path = dir.path().join("铺满.ods");
    write_ods(&path, &format!(r#"<table:table table:name="单位">{header}{wide}</table:table>"#));
    assert_refused(&path, "无法读取 铺满.ods：工作表“单位”的已用区域超过 24000000 个单元格");
}

#[test]
fn an_ods_cut_inside_a_table_is_damaged_not_a_hang() {
    // calamine 0.38 loops forever on this one (found by tests/fuzz.rs).
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("截断.ods");
    let header = ods_row(&["编号", "名称"]);
    write_ods_content(
        &path,
        &format!(
            r#"<office:document-content><office:body><office:spreadsheet><table:table table:name="单位">{header}"#
        ),
    );
    assert_refused(
        &path,
        "无法读取 截断.ods：文件已损坏或格式不符（content.xml: the file ends inside an element）",
    );
}

#[test]
fn a_million_empty_rows_and_a_far_cell_in_xlsx_read_safely() {
    let dir = tempfile::tempdir().unwrap();
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name("单位").unwrap();
    for (col, name) in ["编号", "名称", "上级编号", "书记", "类型", "参评"].iter().enumerate() {
        sheet.write_string(0, col as u16, *name).unwrap();
    }
    for (col, value) in ["U1", "第一党支部", "", "王五", "党支部", "是"].iter().enumerate() {
        if !value.is_empty() {
            sheet.write_string(1, col as u16, *value).unwrap();
        }
    }
    let format = rust_xlsxwriter::Format::new().set_bold();
    for row in 2..1_000_000 {
        sheet.set_row_format(row, &format).unwrap();
    }
    // calamine's own range would span A1:XFD1048576, 17 billion cells.
    sheet.write_string(1_048_575, 16_383, "备注").unwrap();
    let path = dir.path().join("单位.xlsx");
    workbook.save(&path).unwrap();
    let (code, stderr) = check(&path);
    assert_eq!(code, 1, "{stderr}");
    assert!(!stderr.contains("无法读取"), "{stderr}");
    assert!(stderr.contains("单位.xlsx:单位!A1048576"), "the far cell's row is located: {stderr}");
}

#[test]
fn a_looping_sector_chain_in_xls_is_damaged() {
    let dir = tempfile::tempdir().unwrap();
    let mut bytes = std::fs::read("tests/fixtures/input/台账.xls").unwrap();
    let u32_at = |bytes: &[u8], at: usize| u32::from_le_bytes(bytes[at..at + 4].try_into().unwrap()) as usize;
    let sector = 1 << u16::from_le_bytes([bytes[30], bytes[31]]);
    let (directory, first_fat) = (u32_at(&bytes, 48), u32_at(&bytes, 76));
    // The directory's sector links to itself.
    let entry = (first_fat + 1) * sector + 4 * directory;
    bytes[entry..entry + 4].copy_from_slice(&(directory as u32).to_le_bytes());
    let path = dir.path().join("台账.xls");
    std::fs::write(&path, &bytes).unwrap();
    assert_refused(
        &path,
        "错误: 台账.xls: 无法读取 台账.xls：文件已损坏或格式不符（OLE sector chain loops）",
    );
}

#[test]
fn a_cell_longer_than_excel_allows_is_located() {
    // Excel can't hold such a cell; a CSV exported by another system can.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("单位.csv");
    let (long, longest) = ("长".repeat(1 << 20), "字".repeat(32_767));
    let csv = format!(
        "编号,名称,上级编号,书记,类型,参评\nU1,{long},,王五,党支部,是\nU2,{longest},,赵六,党支部,是\n"
    );
    std::fs::write(&path, csv).unwrap();
    let (code, stderr) = check(&path);
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr
            .contains("错误: 单位.csv:单位!B2: 单元格有 1048576 个字符，超过 Excel 单元格上限 32767 个字符"),
        "{stderr}"
    );
    assert!(!stderr.contains("单位!B3"), "32,767 characters are fine: {stderr}");
}

#[test]
fn not_a_regular_file_is_never_read() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("文件夹.xlsx");
    std::fs::create_dir(&folder).unwrap();
    assert_refused(&folder, "错误: 文件夹.xlsx: 文件夹.xlsx 是文件夹，不是文件：请给出其中的各个输入文件");
    let fifo = dir.path().join("管道.csv");
    assert!(Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    assert_refused(&fifo, "无法读取 管道.csv：不是普通文件或大于 128 MB，超出 kaohe 的安全上限");
}

#[test]
fn mojibake_and_odd_text_are_kept_as_typed() {
    let dir = tempfile::tempdir().unwrap();
    let mut sheets = base_sheets();
    set_cell(&mut sheets, "单位", 3, 1, "鍏氬缓宸ヤ綔锛堢涓€鏀儴锛�");
    set_cell(&mut sheets, "单位", 4, 1, "<&>\"' 😀 \u{202E}党支部");
    let path = write_xlsx(dir.path(), "乱码.xlsx", &sheets);
    let input = kaohe::cli::Input { inputs: vec![path], year: None, strict: false };
    let (model, diagnostics) = kaohe::load(&input);
    let model = model.unwrap_or_else(|| panic!("{diagnostics:?}"));
    let names: Vec<&str> = model.units.iter().map(|unit| unit.name.as_str()).collect();
    assert!(names.contains(&"鍏氬缓宸ヤ綔锛堢涓€鏀儴锛�"), "{names:?}");
    assert!(names.contains(&"<&>\"' 😀 \u{202E}党支部"), "{names:?}");
}

fn sha256(path: &Path) -> Vec<u8> {
    Sha256::digest(std::fs::read(path).unwrap()).to_vec()
}

/// Every file under `dir`, as paths relative to it.
fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(
                files_under(&path).into_iter().map(|file| Path::new(path.file_name().unwrap()).join(file)),
            );
        } else {
            files.push(PathBuf::from(path.file_name().unwrap()));
        }
    }
    files
}

/// A name Windows and Unix both accept as a file name.
fn is_portable_name(name: &str) -> bool {
    let stem = name.split('.').next().unwrap_or("").trim_end().to_uppercase();
    let reserved = ["CON", "PRN", "AUX", "NUL"].contains(&stem.as_str())
        || ((stem.starts_with("COM") || stem.starts_with("LPT")) && stem.len() == 4);
    !name.is_empty()
        && name.len() <= 255
        && !reserved
        && !name.ends_with(['.', ' '])
        && !name.chars().any(|c| c.is_control() || "\\/:*?\"<>|".contains(c))
}

#[test]
fn hostile_unit_names_stay_text_and_inside_the_output_folder() {
    let dir = tempfile::tempdir().unwrap();
    let inputs = dir.path().join("输入");
    std::fs::create_dir(&inputs).unwrap();
    let mut sheets = base_sheets();
    let long = "很长的名称".repeat(60);
    set_cell(&mut sheets, "单位", 2, 1, "=1+1");
    set_cell(&mut sheets, "单位", 3, 1, "..\\../CON");
    set_cell(&mut sheets, "单位", 4, 1, &long);
    set_cell(&mut sheets, "单位", 3, 3, "+SUM(A1:A9)");
    set_cell(&mut sheets, "单位", 4, 3, "@cmd|' /c calc'!A0");
    set_cell(&mut sheets, "单位", 2, 3, "-2+3\u{1}\u{7}");
    set_cell(&mut sheets, "指标", 1, 2, "<专题&研究\"'😀>");
    let path = write_xlsx(&inputs, "台账.xlsx", &sheets);
    let before = sha256(&path);
    let out = dir.path().join("结果");
    let output =
        kaohe(&["score".as_ref(), path.as_os_str(), "--json".as_ref(), "-o".as_ref(), out.as_os_str()]);
    assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
    assert_eq!(sha256(&path), before, "the input is never modified");
    let beside: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(beside.len(), 2, "only the inputs and the output folder: {beside:?}");
    for file in files_under(&out) {
        for part in file.components() {
            let name = part.as_os_str().to_str().unwrap();
            assert!(is_portable_name(name), "{name:?}");
        }
    }
    let documents: Vec<PathBuf> =
        files_under(&out).into_iter().filter(|f| f.extension() == Some("docx".as_ref())).collect();
    assert_eq!(documents.len(), 2 + 3, "bulletin, volume and three letters: {documents:?}");
    let mut markup_seen = false;
    for document in &documents {
        let mut archive = zip::ZipArchive::new(std::fs::File::open(out.join(document)).unwrap()).unwrap();
        for index in 0..archive.len() {
            let mut part = archive.by_index(index).unwrap();
            let name = part.name().unwrap().into_owned();
            if !(name.ends_with(".xml") || name.ends_with(".rels")) {
                continue;
            }
            let mut xml = String::new();
            std::io::Read::read_to_string(&mut part, &mut xml).unwrap();
            markup_seen |= xml.contains("&lt;专题&amp;研究");
            let mut reader = quick_xml::Reader::from_str(&xml);
            loop {
                match reader.read_event() {
                    Ok(quick_xml::events::Event::Eof) => break,
                    Ok(_) => {}
                    Err(error) => panic!("{document:?} {name} is not well-formed: {error}"),
                }
            }
        }
    }
    assert!(markup_seen, "the indicator name with markup characters is escaped text in a document");
    let summary: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let names: Vec<&str> =
        summary["units"].as_array().unwrap().iter().map(|u| u["name"].as_str().unwrap()).collect();
    assert!(
        names.contains(&"=1+1") && names.contains(&"..\\../CON") && names.contains(&long.as_str()),
        "{names:?}"
    );

    use calamine::{Data, Reader};
    let mut workbook: calamine::Xlsx<_> = calamine::open_workbook(out.join("考核得分表.xlsx")).unwrap();
    let summary_sheet = workbook.worksheet_range("汇总").unwrap();
    let cells: Vec<&Data> = summary_sheet.cells().map(|(_, _, cell)| cell).collect();
    assert!(cells.contains(&&Data::String("=1+1".into())), "a name starting with = is a text cell");
    let formulas = workbook.worksheet_formula("汇总").unwrap();
    assert!(formulas.cells().all(|(_, _, formula)| !formula.contains("1+1")), "and no formula");
    let detail = workbook.worksheet_range("明细").unwrap();
    assert!(
        detail.cells().any(|(_, _, cell)| cell == &Data::String("<专题&研究\"'😀>".into())),
        "markup characters and emoji survive as text"
    );
}

#[test]
fn an_interrupted_run_leaves_no_half_written_output() {
    let dir = tempfile::tempdir().unwrap();
    let input = common::long_ledger(dir.path());
    let before = sha256(&input);
    let mut outcomes = Vec::new();
    for (attempt, delay) in [50u64, 150, 300, 600, 1000, 2000].into_iter().enumerate() {
        let out = dir.path().join(format!("结果{attempt}"));
        let mut child = Command::new(env!("CARGO_BIN_EXE_kaohe"))
            .arg("score")
            .arg(&input)
            .arg("-o")
            .arg(&out)
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(delay));
        // SAFETY: kill(2) on our own child's pid.
        unsafe { libc_kill(child.id() as i32, 2) };
        let status = child.wait().unwrap();
        outcomes.push(status.code());
        // Finished (0), interrupted (130; an interrupt during the final moves
        // lets them finish), or killed before the handler was installed: the
        // output folder is either absent or complete.
        assert!(matches!(status.code(), Some(0 | 130) | None), "unexpected exit {status:?}");
        if status.code() == Some(0) || out.exists() {
            let files = files_under(&out);
            assert!(files.contains(&PathBuf::from("summary.json")), "the output is complete: {files:?}");
            assert!(files.contains(&PathBuf::from("考核得分表.xlsx")), "the output is complete: {files:?}");
        }
    }
    let left: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.contains(".kaohe-"))
        .collect();
    assert!(left.is_empty(), "no staging folder is left: {left:?} ({outcomes:?})");
    assert!(outcomes.iter().any(|code| *code != Some(0)), "at least one run was interrupted: {outcomes:?}");
    assert_eq!(sha256(&input), before, "the input is never modified");
}

unsafe extern "C" {
    #[link_name = "kill"]
    fn libc_kill(pid: i32, signal: i32) -> i32;
}

#[test]
fn hostile_unit_names_make_portable_letter_file_names() {
    let long = "很长的名称".repeat(60);
    let names = [
        "办公室/党支部",
        "..\\..\\evil",
        "..",
        "CON",
        "nul.txt",
        "com1",
        "a\u{0}b\u{7}c\td",
        "名称\u{202E}txt.exe",
        "尾点. ",
        long.as_str(),
        "=1+1",
        "<&>\"'😀",
        "",
    ];
    let files =
        kaohe::output::letter_file_names(names.iter().enumerate().map(|(i, name)| (i as u32 + 1, *name)));
    for file in &files {
        assert!(is_portable_name(file), "{file:?}");
        assert!(!file.contains(".."), "{file:?}");
        assert!(file.ends_with(".docx"), "{file:?}");
    }
    assert_eq!(files[0], "001-办公室_党支部.docx");
    assert_eq!(files[3], "004-_CON.docx");
    assert_eq!(files[9].chars().count(), "010-".len() + 60 + ".docx".len());
}
