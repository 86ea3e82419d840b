//! `score --pdf` end to end (docs/命令.md): refused before any work without
//! LibreOffice, exit 3 with nothing written when the conversion fails, and
//! — when LibreOffice is installed — PDFs whose pages are the documents'.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use assert_cmd::Command;

use crate::common::file_names;

const SAMPLE: &str = "samples/示例台账.xlsx";

/// kaohe with a clean LibreOffice lookup: no `KAOHE_SOFFICE` unless a test
/// sets it.
fn kaohe() -> Command {
    let mut command = Command::cargo_bin("kaohe").unwrap();
    command.env_remove("KAOHE_SOFFICE");
    command
}

#[test]
fn without_libreoffice_the_run_is_refused_before_any_work() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("结果");
    for pdf in [&["--pdf"][..], &["--pdf", "all"]] {
        let output =
            kaohe().env("PATH", "").args(["score", SAMPLE, "-o"]).arg(&out).args(pdf).output().unwrap();
        assert_eq!(output.status.code(), Some(2), "{pdf:?}");
        let stderr = String::from_utf8(output.stderr).unwrap();
        assert_eq!(
            stderr.trim_end(),
            "未找到 LibreOffice（soffice 或 libreoffice），无法转换为 PDF，未做任何改动；请安装 LibreOffice：Debian/Ubuntu 运行 sudo apt-get install libreoffice-writer-nogui；Windows 从 https://www.libreoffice.org 下载安装，或把环境变量 KAOHE_SOFFICE 设为 soffice.exe 的完整路径",
            "refused before reading: no warning about the sample's criteria"
        );
    }
    let missing = dir.path().join("LibreOffice/program/soffice");
    let output = kaohe()
        .env("KAOHE_SOFFICE", &missing)
        .args(["score", SAMPLE, "--lang", "en", "--pdf", "-o"])
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8(output.stderr).unwrap();
    let expected = format!(
        "{}, named by the environment variable KAOHE_SOFFICE, does not exist, so nothing can be converted to PDF; nothing was changed. Install LibreOffice:",
        missing.display()
    );
    assert!(stderr.starts_with(&expected), "{stderr}");
    assert!(file_names(dir.path()).is_empty(), "nothing written: {:?}", file_names(dir.path()));
}

#[cfg(unix)]
#[test]
fn a_failed_conversion_exits_3_and_writes_nothing() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let failing = dir.path().join("soffice");
    std::fs::write(&failing, "#!/bin/sh\necho 'Error: source file could not be loaded' >&2\nexit 81\n")
        .unwrap();
    std::fs::set_permissions(&failing, std::fs::Permissions::from_mode(0o755)).unwrap();
    let out = dir.path().join("结果");
    let output = kaohe()
        .env("KAOHE_SOFFICE", &failing)
        .args(["score", SAMPLE, "--pdf", "-o"])
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(3));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(
        stderr.lines().last(),
        Some(
            "LibreOffice 转换 PDF 失败（退出状态 81），未做任何改动: Error: source file could not be loaded"
        ),
        "{stderr}"
    );
    assert_eq!(file_names(dir.path()), ["soffice"], "no output folder and no staging folder");
}

/// A stand-in for LibreOffice at `dir/soffice` that "converts" each document
/// by copying it: enough for what kaohe does with the PDFs.
#[cfg(unix)]
fn copying_soffice(dir: &Path) -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let path = dir.join("soffice");
    let script = r#"#!/bin/sh
while [ "$1" != --outdir ]; do shift; done; out=$2; shift 2
for document; do cp "$document" "$out/$(basename "$document" .docx).pdf"; done
"#;
    std::fs::write(&path, script).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    path
}

/// PDFs are kaohe's outputs like the others under `--force`: a PDF it did
/// not write is refused by name, the ones it wrote are replaced, and a run
/// without `--pdf` removes them.
#[cfg(unix)]
#[test]
fn force_replaces_only_the_pdfs_kaohe_wrote() {
    let dir = tempfile::tempdir().unwrap();
    let soffice = copying_soffice(dir.path());
    let out = dir.path().join("结果");
    let score = |args: &[&str]| {
        let output = kaohe()
            .env("KAOHE_SOFFICE", &soffice)
            .args(["score", SAMPLE, "-o"])
            .arg(&out)
            .args(args)
            .output();
        let output = output.unwrap();
        (output.status.code(), String::from_utf8(output.stderr).unwrap())
    };
    std::fs::create_dir(&out).unwrap();
    std::fs::write(out.join("考核结果通报.pdf"), "mine").unwrap();
    let (code, stderr) = score(&["--force", "--pdf"]);
    assert_eq!(code, Some(1));
    let shown = out.join("考核结果通报.pdf");
    let expected = format!("{} 不能确定是 kaohe 写出的", shown.display());
    assert!(stderr.contains(&expected), "{stderr}");
    assert_eq!(std::fs::read(&shown).unwrap(), b"mine");
    std::fs::remove_file(&shown).unwrap();

    assert_eq!(score(&["--pdf", "all"]).0, Some(0));
    let letter = out.join("反馈/001-第一党总支");
    let docx = std::fs::read(letter.with_extension("docx")).unwrap();
    assert_eq!(std::fs::read(letter.with_extension("pdf")).unwrap(), docx, "the PDF LibreOffice made");
    assert_eq!(score(&["--force", "--pdf"]).0, Some(0));
    assert!(out.join("考核结果通报.pdf").is_file() && !letter.with_extension("pdf").exists());
    assert_eq!(score(&["--force"]).0, Some(0));
    let pdfs: Vec<String> = file_names(&out).into_iter().filter(|name| name.ends_with(".pdf")).collect();
    assert!(pdfs.is_empty(), "{pdfs:?}");
    let summary = std::fs::read_to_string(out.join("summary.json")).unwrap();
    assert!(!summary.contains(".pdf"), "{summary}");
}

/// The page numbers the volume's contents carries before any reader
/// updates them: each `PAGEREF` field's cached result, in order.
fn cached_contents_pages(volume: &Path) -> Vec<u32> {
    use std::io::Read;
    let mut archive = zip::ZipArchive::new(std::fs::File::open(volume).unwrap()).unwrap();
    let mut xml = String::new();
    archive.by_name("word/document.xml").unwrap().read_to_string(&mut xml).unwrap();
    xml.split(" PAGEREF ")
        .skip(1)
        .map(|field| {
            let result = &field[field.find("<w:t>").unwrap() + "<w:t>".len()..];
            result[..result.find('<').unwrap()].parse().unwrap()
        })
        .collect()
}

/// The contents' cached numbers for the sample are the pages its letters
/// start on in LibreOffice's render of the volume (recorded here from
/// `soffice --convert-to pdf`, LibreOffice 7.4 with its substitute fonts:
/// letters of 2, 2, 3, 3, 3, 3, 3, 3, 3, 4, 3, 3, 3, 3, 3 pages, each on an
/// odd page after the cover's and the contents' sheets).
#[test]
fn the_contents_carries_the_pages_of_a_render_of_the_sample() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("结果");
    kaohe().args(["score", SAMPLE, "-o"]).arg(&out).assert().code(0);
    assert_eq!(
        cached_contents_pages(&out.join("反馈汇编.docx")),
        [5, 7, 9, 13, 17, 21, 25, 29, 33, 37, 41, 45, 49, 53, 57]
    );
}

/// The LibreOffice program kaohe would find, if any.
fn installed_libreoffice() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .flat_map(|dir| [dir.join("soffice"), dir.join("libreoffice")])
        .find(|p| p.is_file())
}

/// Each page's text, without white space (the PDF's text runs split CJK
/// text from digits), first page first.
fn page_texts(pdf: &Path) -> Vec<String> {
    let document = lopdf::Document::load(pdf).unwrap();
    let pages: BTreeMap<u32, _> = document.get_pages();
    let text = |page: u32| document.extract_text(&[page]).unwrap().split_whitespace().collect::<String>();
    pages.keys().map(|&page| text(page)).collect()
}

/// With LibreOffice installed, `--pdf all` on the sample: every document's
/// PDF beside it, listed and recorded; the bulletin ends with its 版记 on
/// an even page; the volume has a cover, a contents page and the letters'
/// pages, each letter starting on an odd page that carries its title and
/// the number the contents gives it.
#[test]
fn pdfs_have_the_pages_of_their_documents() {
    let Some(soffice) = installed_libreoffice() else {
        eprintln!("skipped: LibreOffice (soffice or libreoffice) is not on the PATH");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("结果");
    let output = kaohe().args(["score", SAMPLE, "--pdf", "all", "-o"]).arg(&out).output().unwrap();
    assert_eq!(output.status.code(), Some(0), "{soffice:?}: {}", String::from_utf8_lossy(&output.stderr));

    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("summary.json")).unwrap()).unwrap();
    let outputs: Vec<&str> =
        summary["outputs"].as_array().unwrap().iter().map(|o| o.as_str().unwrap()).collect();
    let units = summary["units"].as_array().unwrap();
    let letters: Vec<(String, String)> = units
        .iter()
        .map(|unit| {
            let (rank, name) = (unit["rank"].as_u64().unwrap(), unit["name"].as_str().unwrap());
            (format!("反馈/{rank:03}-{name}.pdf"), format!("关于{name}2025年度考核情况的反馈"))
        })
        .collect();
    assert_eq!(letters.len(), 15);
    let mut expected =
        vec!["考核得分表.xlsx", "考核结果通报.docx", "考核结果通报.pdf", "反馈汇编.docx", "反馈汇编.pdf"];
    let letter_docx: Vec<String> = letters.iter().map(|(pdf, _)| pdf.replace(".pdf", ".docx")).collect();
    for ((pdf, _), docx) in letters.iter().zip(&letter_docx) {
        expected.extend([docx.as_str(), pdf.as_str()]);
    }
    expected.push("summary.json");
    assert_eq!(outputs, expected);
    let record = std::fs::read_to_string(out.join(".kaohe-outputs")).unwrap();
    for pdf in outputs.iter().filter(|o| o.ends_with(".pdf")) {
        let bytes = std::fs::read(out.join(pdf)).unwrap();
        assert!(bytes.starts_with(b"%PDF-"), "{pdf}");
        assert!(record.lines().any(|line| line.ends_with(&format!("  {pdf}"))), "{pdf} recorded");
    }
    assert!(
        !file_names(&out).iter().any(|name| name.starts_with('.') && name != ".kaohe-outputs"),
        "no work folder left"
    );

    let bulletin = page_texts(&out.join("考核结果通报.pdf"));
    assert!(bulletin[0].contains("关于2025年度考核结果的通报"), "{}", bulletin[0]);
    let imprint: Vec<usize> = (0..bulletin.len()).filter(|&page| bulletin[page].contains("印发")).collect();
    assert_eq!(imprint, [bulletin.len() - 1], "the 版记 is the last page alone");
    assert_eq!(bulletin.len() % 2, 0, "the 版记 stands on an even page: {} pages", bulletin.len());
    let blank: Vec<usize> = (0..bulletin.len()).filter(|&page| bulletin[page].is_empty()).collect();
    assert!(
        blank.is_empty() || blank == [bulletin.len() - 2],
        "only the page before the 版记 may be blank: {blank:?}"
    );

    // The volume: cover, contents, then each letter on an odd page, its
    // pages the letter's own; a blank page only before a letter (or the
    // contents) that would otherwise start on an even page. The contents
    // lists each letter at the page it starts on, and that page carries
    // that number.
    let volume = page_texts(&out.join("反馈汇编.pdf"));
    assert_eq!(volume[0], "2025年度考核情况反馈汇编中共××县××局委员会2026年1月20日", "the cover");
    assert!(volume[1].is_empty(), "the back of the cover: {}", volume[1]);
    assert!(volume[2].starts_with("目录"), "{}", volume[2]);
    let contents = &volume[2];
    let cached = cached_contents_pages(&out.join("反馈汇编.docx"));
    let mut start = 4;
    for (pdf, title) in &letters {
        let letter = page_texts(&out.join(pdf));
        let name = title.trim_start_matches("关于").trim_end_matches("2025年度考核情况的反馈");
        assert_eq!(start % 2, 0, "{pdf} starts on the odd page {}", start + 1);
        assert!(volume[start].contains(title.as_str()), "{pdf} starts the volume's page {}", start + 1);
        let listed = format!("{name}{}", ".".repeat(3));
        let at = contents.find(&listed).unwrap_or_else(|| panic!("{name} listed: {contents}"));
        let number: String = contents[at..]
            .trim_start_matches(name)
            .trim_start_matches('.')
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        assert_eq!(number, (start + 1).to_string(), "{name}'s page in the contents");
        assert_eq!(
            cached[letters.iter().position(|(p, _)| p == pdf).unwrap()],
            start as u32 + 1,
            "{name}: cached"
        );
        assert!(volume[start].ends_with(&format!("—{}—", start + 1)), "printed number: {}", volume[start]);
        let pages = letter.len();
        for page in &volume[start..start + pages] {
            assert!(!page.is_empty(), "{pdf}: no blank page inside a letter");
        }
        start += pages;
        if start % 2 == 1 && start < volume.len() {
            assert!(volume[start].is_empty(), "a blank page after {pdf}, which ends on an odd page");
            start += 1;
        }
    }
    assert_eq!(volume.len(), start, "the volume is cover, contents and the letters' pages");
}
