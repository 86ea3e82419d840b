//! The I/O floor under `kaohe score`, for scripts/bench.sh: the time to read
//! every cell of the inputs with calamine, and the time to deflate the bytes
//! of an output folder with the zip crate, at the fastest level (1) by default.
//! Whatever kaohe does beyond these two is its own cost.
//!
//! ```text
//! cargo run --release --example floor -- city.xlsx [--output OUT_DIR]
//! ```
//!
//! Prints one Markdown-friendly line per phase:
//! `read: 2 files, 840123 cells, 1.234 s` and `deflate: 9 files, 12345678 bytes, 0.456 s`.

use std::error::Error;
use std::fs;
use std::io::{Cursor, Read, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use calamine::{Data, Reader, open_workbook_auto};
use clap::Parser;
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipArchive, ZipWriter};

type Result<T, E = Box<dyn Error>> = std::result::Result<T, E>;

/// The fastest deflate level: kaohe writes its Word documents at 1 and the
/// workbook at 3, so no implementation writing deflated files does better.
const DEFAULT_LEVEL: i64 = 1;

#[derive(Debug, Parser)]
#[command(about = "Measures the read and deflate floor under kaohe score")]
struct Args {
    /// Input workbooks.
    #[arg(required = true)]
    inputs: Vec<PathBuf>,
    /// An output folder of `kaohe score`: its files (zip entries unpacked) are deflated again.
    #[arg(long)]
    output: Option<PathBuf>,
    /// Deflate level.
    #[arg(long, default_value_t = DEFAULT_LEVEL)]
    level: i64,
}

fn main() -> Result<()> {
    let args = Args::parse();
    let start = Instant::now();
    let mut cells = 0;
    for input in &args.inputs {
        cells += read_every_cell(input).map_err(|error| format!("{}: {error}", input.display()))?;
    }
    println!("read: {} files, {cells} cells, {:.3} s", args.inputs.len(), start.elapsed().as_secs_f64());
    if let Some(output) = &args.output {
        let mut files = Vec::new();
        list_files(output, &mut files)?;
        let contents: Vec<Vec<(String, Vec<u8>)>> =
            files.iter().map(|f| entries(f)).collect::<Result<_>>()?;
        let bytes: usize = contents.iter().flatten().map(|(_, data)| data.len()).sum();
        let start = Instant::now();
        for file in &contents {
            deflate(file, args.level)?;
        }
        println!("deflate: {} files, {bytes} bytes, {:.3} s", files.len(), start.elapsed().as_secs_f64());
    }
    Ok(())
}

/// Opens a workbook and visits every used cell of every sheet; returns how
/// many there were. Text lengths are summed so that nothing is skipped.
fn read_every_cell(path: &Path) -> Result<usize> {
    let mut workbook = open_workbook_auto(path)?;
    let mut cells = 0;
    let mut text = 0;
    for name in workbook.sheet_names() {
        let range = workbook.worksheet_range(&name)?;
        for (_, _, value) in range.used_cells() {
            cells += 1;
            if let Data::String(s) = value {
                text += s.len();
            }
        }
    }
    std::hint::black_box(text);
    Ok(cells)
}

fn list_files(dir: &Path, files: &mut Vec<PathBuf>) -> Result<()> {
    let mut entries: Vec<_> = fs::read_dir(dir)?.collect::<Result<_, _>>()?;
    entries.sort_by_key(|e| e.path());
    for entry in entries {
        let path = entry.path();
        if path.is_dir() { list_files(&path, files)? } else { files.push(path) }
    }
    Ok(())
}

/// A file's content as kaohe produced it before compression: the entries of
/// a zip package (xlsx, docx), else the file itself as one entry.
fn entries(path: &Path) -> Result<Vec<(String, Vec<u8>)>> {
    let bytes = fs::read(path)?;
    let Ok(mut archive) = ZipArchive::new(Cursor::new(&bytes)) else {
        return Ok(vec![(path.display().to_string(), bytes)]);
    };
    (0..archive.len())
        .map(|i| {
            let mut entry = archive.by_index(i)?;
            let mut data = Vec::new();
            entry.read_to_end(&mut data)?;
            Ok((entry.name()?.into_owned(), data))
        })
        .collect()
}

/// Packs `entries` into an in-memory zip at `level`; returns its size.
fn deflate(entries: &[(String, Vec<u8>)], level: i64) -> Result<usize> {
    let options = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .compression_level(Some(level));
    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    for (name, data) in entries {
        zip.start_file(name.as_str(), options)?;
        zip.write_all(data)?;
    }
    Ok(zip.finish()?.into_inner().len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_package_is_deflated_entry_by_entry() {
        let dir = tempfile::tempdir().unwrap();
        let text = "考核".repeat(5000).into_bytes();
        let packed =
            deflate(&[("a.xml".into(), text.clone()), ("b.xml".into(), b"<b/>".to_vec())], 6).unwrap();
        assert!(packed < text.len() / 10, "{packed} bytes");
        let path = dir.path().join("out.docx");
        let mut zip = ZipWriter::new(fs::File::create(&path).unwrap());
        zip.start_file("word/document.xml", SimpleFileOptions::default()).unwrap();
        zip.write_all(&text).unwrap();
        zip.finish().unwrap();
        let unpacked = entries(&path).unwrap();
        assert_eq!(unpacked, [("word/document.xml".to_owned(), text)]);
        fs::write(dir.path().join("summary.json"), b"{}").unwrap();
        assert_eq!(entries(&dir.path().join("summary.json")).unwrap()[0].1, b"{}");
    }

    #[test]
    fn every_cell_of_every_sheet_is_read() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("in.xlsx");
        let mut workbook = rust_xlsxwriter::Workbook::new();
        workbook.add_worksheet().write(0, 0, "单位编号").unwrap().write(3, 2, 7).unwrap();
        workbook.add_worksheet().write(1, 1, "活动").unwrap();
        workbook.save(&path).unwrap();
        assert_eq!(read_every_cell(&path).unwrap(), 3);
    }
}
