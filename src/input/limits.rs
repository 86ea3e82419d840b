//! The safety limits of reading (docs/上限.md), in one place. calamine
//! trusts its input: a zip part that inflates to gigabytes, a sector chain
//! that loops in an `.xls`, or a sheet whose used area spans a million rows
//! by sixteen thousand columns make it allocate until the process is killed
//! or aborts (an abort can't be caught). The limits let through the largest
//! ledger Excel can hold — every one of a sheet's 1,048,576 rows, about 20
//! columns wide, is roughly half a GB of sheet XML and 21 million cells (a
//! city ledger of 120,000 rows is a 5 MB `.xlsx` whose sheet XML is about 60
//! MB and whose used area is about 1.5 million cells):
//!
//! | what | limit |
//! |---|---|
//! | workbook file | [`MAX_WORKBOOK_BYTES`] (256 MB), CSV file [`MAX_CSV_BYTES`] (128 MB) |
//! | zip entries | [`MAX_ZIP_ENTRIES`] (10,000) |
//! | one zip part, inflated (declared and actual) | [`MAX_PART_BYTES`] (1,024 MB) |
//! | all zip parts, inflated | [`MAX_TOTAL_BYTES`] (2,048 MB) |
//! | compression ratio of a part over 1 MB | [`MAX_RATIO`] (200:1) |
//! | XML text or tag between two `<` (pictures exempt) | [`MAX_XML_RUN`] (16 MB) |
//! | `<!DOCTYPE` in a part | refused (OOXML and ODF have none) |
//! | cells a sheet spans (used area, merges filled) | [`MAX_SHEET_CELLS`] (24 million) |
//! | cells of all sheets of a workbook | [`MAX_WORKBOOK_CELLS`] (48 million) |
//! | characters in one cell | [`MAX_CELL_CHARS`] (32,767, Excel's own) |
//!
//! The [`guard`](super::guard) takes them as a [`Limits`] value, so that its
//! tests can refuse tiny inputs with tiny limits; kaohe reads with
//! [`Limits::DEFAULT`]. A refusal names the limit it exceeded.

use super::error::ReadError;
use crate::diagnostic::Text;

/// Largest workbook file read, in bytes.
pub const MAX_WORKBOOK_BYTES: u64 = 256 << 20;
/// Largest CSV file read, in bytes.
pub const MAX_CSV_BYTES: u64 = 128 << 20;
/// Most entries a zip-based workbook may hold.
pub const MAX_ZIP_ENTRIES: usize = 10_000;
/// Largest inflated size of one zip part.
pub const MAX_PART_BYTES: u64 = 1 << 30;
/// Largest inflated size of all zip parts together.
pub const MAX_TOTAL_BYTES: u64 = 2 << 30;
/// Highest inflated-to-compressed ratio of a part larger than [`RATIO_FLOOR`].
pub const MAX_RATIO: u64 = 200;
/// Parts up to this inflated size are exempt from [`MAX_RATIO`].
pub const RATIO_FLOOR: u64 = 1 << 20;
/// Longest stretch of a part without a `<`: no text or tag is longer (a
/// 32,767-character cell is at most ~200 KB of XML).
pub const MAX_XML_RUN: u64 = 16 << 20;
/// Most cells one sheet may span: the rows of its used area times their
/// width, merged ranges filled (each held in memory as a cell value).
pub const MAX_SHEET_CELLS: u64 = 24_000_000;
/// Most cells all sheets of one workbook may hold together.
pub const MAX_WORKBOOK_CELLS: u64 = 2 * MAX_SHEET_CELLS;
/// Excel's limit on the characters in one cell: a longer cell can't come
/// from Excel or WPS, and couldn't be written back to the score workbook.
pub const MAX_CELL_CHARS: usize = 32_767;

/// The limits a workbook's bytes are checked against; see the module doc.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Most entries of a zip package.
    pub zip_entries: usize,
    /// Largest inflated size of one zip part, in bytes.
    pub part_bytes: u64,
    /// Largest inflated size of all zip parts, in bytes.
    pub total_bytes: u64,
    /// Highest compression ratio of a part larger than `ratio_floor`.
    pub ratio: u64,
    /// Parts up to this inflated size are exempt from `ratio`.
    pub ratio_floor: u64,
    /// Longest run of XML without a `<`, in bytes.
    pub xml_run: u64,
    /// Most cells one sheet may span.
    pub sheet_cells: u64,
}

impl Limits {
    /// The limits kaohe reads with.
    pub const DEFAULT: Limits = Limits {
        zip_entries: MAX_ZIP_ENTRIES,
        part_bytes: MAX_PART_BYTES,
        total_bytes: MAX_TOTAL_BYTES,
        ratio: MAX_RATIO,
        ratio_floor: RATIO_FLOOR,
        xml_run: MAX_XML_RUN,
        sheet_cells: MAX_SHEET_CELLS,
    };

    /// The sheet `name` spans `cells` cells, more than [`Limits::sheet_cells`].
    pub fn sheet_too_large(&self, name: &str, cells: u64) -> ReadError {
        let limit = self.sheet_cells;
        too_large(text!(
            "工作表“{name}”的已用区域超过 {limit} 个单元格（至少 {cells} 个）",
            "sheet “{name}” spans more than {limit} cells (at least {cells})"
        ))
    }
}

/// The reason a file exceeding a limit is refused.
pub fn too_large(what: Text) -> ReadError {
    let Text { zh, en } = what;
    ReadError::Refused(text!(
        "{zh}，超出 kaohe 的安全上限，文件可能已损坏或被恶意构造",
        "{en}, beyond kaohe's safety limit; the file may be damaged or hostile"
    ))
}
