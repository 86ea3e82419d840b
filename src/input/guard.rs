//! Checks a workbook's bytes before calamine sees them, which trusts its
//! input (see [`limits`](super::limits) for what that costs). Every workbook
//! passes here first and is refused with a clear reason when it is not what
//! its bytes must be for a spreadsheet, or exceeds a limit: a zip package
//! has every part inflated once, counting (`zip_scan`); an `.xls` (OLE
//! compound file) has its sector chains walked with loop and range checks
//! (`ole`), and its BIFF records' cell areas summed (`biff`), before
//! calamine parses it.

use super::biff::check_xls;
use super::error::ReadError;
use super::format::Format;
use super::limits::Limits;
use super::ole::{self, Compound};
use super::zip_scan::{check_zip, has_xlsx_workbook};

/// Checks a workbook's bytes against `limits` and says which format they
/// really hold (an `.xls` saved under `.xlsx` is read as what it is).
/// `claimed` is the format the extension names.
pub fn check_workbook(bytes: &[u8], claimed: Format, limits: &Limits) -> Result<Format, ReadError> {
    inspect_workbook(bytes, claimed, limits).map(|checked| checked.format)
}

/// What [`inspect_workbook`] learnt of a workbook while checking it.
pub(super) struct Checked {
    pub format: Format,
    /// Whether any zip part mentions `mergeCell`: when none does, no sheet
    /// has merged ranges and the reader need not parse the sheets again to
    /// find them. (`false` for an `.xls`, which has no zip parts.)
    pub may_have_merges: bool,
}

/// [`check_workbook`], also saying whether the package may hold merged ranges.
pub(super) fn inspect_workbook(bytes: &[u8], claimed: Format, limits: &Limits) -> Result<Checked, ReadError> {
    if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06") {
        let package = check_zip(bytes, limits)?;
        let format = if package.is_ods || (claimed == Format::Ods && !has_xlsx_workbook(bytes)) {
            Format::Ods
        } else {
            Format::Xlsx
        };
        return Ok(Checked { format, may_have_merges: package.may_have_merges });
    }
    if bytes.starts_with(ole::SIGNATURE) {
        let compound = Compound::parse(bytes)?;
        if compound.has_entry("EncryptedPackage") || compound.has_entry("EncryptionInfo") {
            return Err(encrypted());
        }
        check_xls(&compound, limits)?;
        return Ok(Checked { format: Format::Xls, may_have_merges: false });
    }
    Err(ReadError::Refused(text!(
        "不是电子表格文件（内容既不是 .xlsx/.ods 也不是 .xls；网页或文本另存的“表格”也不行），请在 WPS/Excel 中另存为 .xlsx",
        "not a spreadsheet (its content is neither .xlsx/.ods nor .xls; a web page or text saved as a “spreadsheet” isn't one either); save it as .xlsx in WPS/Excel"
    )))
}

/// An encrypted workbook: OOXML with a password is an OLE file holding an
/// `EncryptedPackage`; an `.xls` with one has a FILEPASS record.
pub(super) fn encrypted() -> ReadError {
    ReadError::Refused(text!(
        "文件已加密，请先取消密码保护再另存为 .xlsx",
        "the file is encrypted; remove its password protection and save it again as .xlsx"
    ))
}
