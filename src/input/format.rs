//! The file formats kaohe reads: [`FileFormat`] as a file's extension names
//! it, [`Format`] the workbook kinds (the [`guard`](super::guard) says which
//! one a workbook's bytes really hold).

use std::path::Path;

use super::limits::{MAX_CSV_BYTES, MAX_WORKBOOK_BYTES};

/// The workbook formats kaohe reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// `.xlsx` and `.xlsm` (Office Open XML).
    Xlsx,
    /// `.xls` (Excel 97–2003).
    Xls,
    /// `.ods` (OpenDocument).
    Ods,
}

/// The formats kaohe reads, by file extension (case-insensitive).
pub(super) enum FileFormat {
    Workbook(Format),
    Csv,
}

impl FileFormat {
    /// The largest file of this format that is read, in bytes.
    pub(super) fn size_limit(&self) -> u64 {
        match self {
            FileFormat::Workbook(_) => MAX_WORKBOOK_BYTES,
            FileFormat::Csv => MAX_CSV_BYTES,
        }
    }

    pub(super) fn of(path: &Path) -> Option<FileFormat> {
        let extension = path.extension()?.to_str()?.to_ascii_lowercase();
        Some(match extension.as_str() {
            "xlsx" | "xlsm" => FileFormat::Workbook(Format::Xlsx),
            "xls" => FileFormat::Workbook(Format::Xls),
            "ods" => FileFormat::Workbook(Format::Ods),
            "csv" => FileFormat::Csv,
            _ => return None,
        })
    }
}
