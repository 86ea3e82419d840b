//! Checks a workbook's bytes before calamine sees them. calamine trusts its
//! input: a zip part that inflates to gigabytes, a sector chain that loops in
//! an `.xls`, or a sheet whose used area spans a million rows by sixteen
//! thousand columns make it allocate until the process is killed or aborts
//! (an abort can't be caught). So every workbook passes here first and is
//! refused with a clear reason when it is not what its bytes must be for a
//! spreadsheet, or exceeds a limit. The limits let through the largest
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
//!
//! Declared sizes can lie, so every zip part is streamed once through the
//! same inflater calamine uses, counting. An `.xls` (OLE compound file) has
//! its sector chains walked with loop and range checks, and its BIFF records'
//! cell areas summed, before calamine parses it.

use std::io::{Cursor, Read};

use zip::ZipArchive;

use super::ReadError;
use super::workbook::Format;
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

const OLE_SIGNATURE: &[u8] = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1";
const ODS_MIMETYPE: &[u8] = b"application/vnd.oasis.opendocument.spreadsheet";

/// The reason a file exceeding a limit is refused.
pub(super) fn too_large(what: Text) -> ReadError {
    let Text { zh, en } = what;
    ReadError::Refused(text!(
        "{zh}，超出 kaohe 的安全上限，文件可能已损坏或被恶意构造",
        "{en}, beyond kaohe's safety limit; the file may be damaged or hostile"
    ))
}

/// The sheet `name` spans `cells` cells, more than [`MAX_SHEET_CELLS`].
pub(super) fn sheet_too_large(name: &str, cells: u64) -> ReadError {
    too_large(text!(
        "工作表“{name}”的已用区域超过 {MAX_SHEET_CELLS} 个单元格（至少 {cells} 个）",
        "sheet “{name}” spans more than {MAX_SHEET_CELLS} cells (at least {cells})"
    ))
}

/// Checks a workbook's bytes and says which format they really hold (an
/// `.xls` saved under `.xlsx` is read as what it is). `claimed` is the format
/// the extension names.
pub fn check_workbook(bytes: &[u8], claimed: Format) -> Result<Format, ReadError> {
    inspect_workbook(bytes, claimed).map(|checked| checked.format)
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
pub(super) fn inspect_workbook(bytes: &[u8], claimed: Format) -> Result<Checked, ReadError> {
    if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06") {
        let (is_ods, may_have_merges) = check_zip(bytes)?;
        let format = if is_ods || (claimed == Format::Ods && !has_xlsx_workbook(bytes)) {
            Format::Ods
        } else {
            Format::Xlsx
        };
        return Ok(Checked { format, may_have_merges });
    }
    if bytes.starts_with(OLE_SIGNATURE) {
        let compound = Compound::parse(bytes)?;
        if compound.has_entry("EncryptedPackage") || compound.has_entry("EncryptionInfo") {
            return Err(encrypted());
        }
        check_xls(&compound)?;
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

fn damaged(error: impl std::fmt::Display) -> ReadError {
    ReadError::Damaged(error.to_string())
}

/// Walks the zip directory and inflates every part once, counting, against
/// the limits. Returns whether the package is an OpenDocument spreadsheet,
/// and whether any part mentions `mergeCell`.
fn check_zip(bytes: &[u8]) -> Result<(bool, bool), ReadError> {
    let mut archive = ZipArchive::new(Cursor::new(bytes)).map_err(damaged)?;
    if archive.len() > MAX_ZIP_ENTRIES {
        let entries = archive.len();
        return Err(too_large(text!(
            "压缩包内有 {entries} 个部件（上限 {MAX_ZIP_ENTRIES}）",
            "the package holds {entries} parts (limit {MAX_ZIP_ENTRIES})"
        )));
    }
    let mut buffer = vec![0; 64 << 10];
    let (mut total, mut merges) = (0, false);
    for index in 0..archive.len() {
        let mut part = archive.by_index(index).map_err(damaged)?;
        let name = part.name().map_or_else(|_| format!("#{index}"), |name| name.into_owned());
        let compressed = part.compressed_size();
        check_part_size(&name, part.size(), compressed)?;
        let mut scan = XmlScan::default();
        loop {
            let read = part.read(&mut buffer).map_err(damaged)?;
            if read == 0 {
                break;
            }
            if is_binary(&name) {
                scan.length += read as u64;
            } else {
                scan.feed(&buffer[..read]).map_err(|what| too_large(in_part(&name, what)))?;
            }
            check_part_size(&name, scan.length, compressed)?;
        }
        total += scan.length;
        merges |= scan.merges;
        if total > MAX_TOTAL_BYTES {
            let mb = MAX_TOTAL_BYTES >> 20;
            return Err(too_large(text!("解压后总大小超过 {mb} MB", "it inflates to more than {mb} MB")));
        }
    }
    let mut mimetype = Vec::new();
    if let Ok(part) = archive.by_name("mimetype") {
        part.take(ODS_MIMETYPE.len() as u64).read_to_end(&mut mimetype).map_err(damaged)?;
    }
    Ok((mimetype == ODS_MIMETYPE, merges))
}

/// Pictures and binary parts (a white bitmap may hold no `<` for
/// megabytes): sizes checked, markup not.
fn is_binary(name: &str) -> bool {
    let extension = name.rsplit_once('.').map_or("", |(_, extension)| extension).to_ascii_lowercase();
    matches!(
        extension.as_str(),
        "png" | "jpg" | "jpeg" | "gif" | "bmp" | "tif" | "tiff" | "emf" | "wmf" | "bin" | "wdp" | "jfif"
    )
}

fn has_xlsx_workbook(bytes: &[u8]) -> bool {
    ZipArchive::new(Cursor::new(bytes))
        .is_ok_and(|archive| archive.index_for_name("xl/workbook.xml").is_some())
}

fn in_part(name: &str, what: Text) -> Text {
    let Text { zh, en } = what;
    text!("部件 {name} {zh}", "part {name} {en}")
}

/// A part's inflated `size` (declared, or counted so far) against the limits.
fn check_part_size(name: &str, size: u64, compressed: u64) -> Result<(), ReadError> {
    if size > MAX_PART_BYTES {
        let mb = MAX_PART_BYTES >> 20;
        return Err(too_large(in_part(name, text!("解压后超过 {mb} MB", "inflates to more than {mb} MB"))));
    }
    if size > RATIO_FLOOR && size > compressed.saturating_mul(MAX_RATIO) {
        return Err(too_large(in_part(
            name,
            text!(
                "压缩比超过 {MAX_RATIO}:1（压缩炸弹）",
                "has a compression ratio above {MAX_RATIO}:1 (a zip bomb)"
            ),
        )));
    }
    Ok(())
}

/// Counts a part's bytes as they stream by and watches for what XML in a
/// workbook never holds: a DTD, or a run longer than [`MAX_XML_RUN`]
/// without a `<` (one text or tag that a parser would buffer whole). Also
/// notes whether the part mentions `mergeCell` (the element of a merged
/// range, with or without a namespace prefix).
#[derive(Default)]
struct XmlScan {
    length: u64,
    since_open: u64,
    /// The last bytes of the previous chunk, to find `<!DOCTYPE` and
    /// `mergeCell` across chunks (both are 9 bytes long).
    tail: Vec<u8>,
    merges: bool,
}

impl XmlScan {
    const DOCTYPE: &'static [u8] = b"<!DOCTYPE";
    const MERGE_CELL: &'static [u8] = b"mergeCell";

    fn feed(&mut self, chunk: &[u8]) -> Result<(), Text> {
        self.length += chunk.len() as u64;
        self.since_open = match memchr::memrchr(b'<', chunk) {
            Some(at) => (chunk.len() - at - 1) as u64,
            None => self.since_open + chunk.len() as u64,
        };
        if self.since_open > MAX_XML_RUN {
            let mb = MAX_XML_RUN >> 20;
            return Err(text!(
                "含超过 {mb} MB 的连续文本",
                "holds a run of more than {mb} MB without markup"
            ));
        }
        let seam = [self.tail.as_slice(), &chunk[..chunk.len().min(Self::DOCTYPE.len())]].concat();
        let has_doctype = |bytes: &[u8]| {
            memchr::memmem::find_iter(bytes, b"<!").any(|at| {
                bytes[at..].len() >= Self::DOCTYPE.len()
                    && bytes[at..at + Self::DOCTYPE.len()].eq_ignore_ascii_case(Self::DOCTYPE)
            })
        };
        if has_doctype(&seam) || has_doctype(chunk) {
            return Err(text!(
                "含 DTD（<!DOCTYPE），工作簿中不应出现",
                "holds a DTD (<!DOCTYPE), which no workbook has"
            ));
        }
        let mentions_merges = |bytes: &[u8]| memchr::memmem::find(bytes, Self::MERGE_CELL).is_some();
        self.merges = self.merges || mentions_merges(&seam) || mentions_merges(chunk);
        let keep = chunk.len().min(Self::DOCTYPE.len() - 1);
        self.tail = chunk[chunk.len() - keep..].to_vec();
        Ok(())
    }
}

const ENDOFCHAIN: u32 = 0xFFFF_FFFE;
/// Sector ids at or above this are markers, not sectors.
const MAX_REGULAR_SECTOR: u32 = 0xFFFF_FFFA;
const DIFAT_SECTOR: u32 = 0xFFFF_FFFC;
const MINI_SECTOR: usize = 64;
const MINI_STREAM_CUTOFF: u64 = 4096;

/// An OLE compound file (the container of `.xls` and of encrypted OOXML)
/// whose allocation tables and directory have been read with every chain
/// checked: no sector out of the file, no loop. Mirrors how calamine reads
/// it, so that what passes here can't make calamine loop.
struct Compound<'a> {
    bytes: &'a [u8],
    sector: usize,
    fat: Vec<u32>,
    entries: Vec<(String, u32, u64)>,
    mini_fat: Vec<u32>,
    mini_stream: Vec<u8>,
}

impl<'a> Compound<'a> {
    fn parse(bytes: &'a [u8]) -> Result<Self, ReadError> {
        let header = bytes.get(..512).ok_or_else(|| damaged("OLE header truncated"))?;
        let u32_at =
            |at: usize| u32::from_le_bytes([header[at], header[at + 1], header[at + 2], header[at + 3]]);
        let sector = match u16::from_le_bytes([header[30], header[31]]) {
            9 => 512,
            12 => 4096,
            shift => return Err(damaged(format!("OLE sector shift {shift}"))),
        };
        let mut compound = Compound {
            bytes,
            sector,
            fat: Vec::new(),
            entries: Vec::new(),
            mini_fat: Vec::new(),
            mini_stream: Vec::new(),
        };
        // The DIFAT: 109 ids in the header, then a chain of DIFAT sectors
        // whose last id links to the next.
        let mut difat: Vec<u32> = header[76..512].chunks_exact(4).map(read_u32).collect();
        let mut next = u32_at(68);
        let mut steps = 0;
        while next < MAX_REGULAR_SECTOR {
            steps += 1;
            if steps > compound.sector_count() {
                return Err(damaged("OLE DIFAT chain loops"));
            }
            difat.extend(compound.sector_bytes(next)?.chunks_exact(4).map(read_u32));
            next = difat.pop().unwrap_or(ENDOFCHAIN);
        }
        for id in difat.into_iter().filter(|&id| id < DIFAT_SECTOR) {
            let sector = compound.sector_bytes(id)?;
            compound.fat.extend(sector.chunks_exact(4).map(read_u32));
        }
        let directory = compound.chain(u32_at(48), u64::MAX)?;
        compound.entries = directory
            .chunks_exact(128)
            .map(|entry| {
                let units: Vec<u16> =
                    entry[..64].chunks_exact(2).map(|pair| u16::from_le_bytes([pair[0], pair[1]])).collect();
                let name: String = char::decode_utf16(units.into_iter().take_while(|&unit| unit != 0))
                    .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
                    .collect();
                let length = if sector == 512 {
                    u64::from(read_u32(&entry[120..124]))
                } else {
                    u64::from_le_bytes(entry[120..128].try_into().unwrap_or_default())
                };
                (name, read_u32(&entry[116..120]), length)
            })
            .collect();
        let Some(&(_, root_start, root_length)) = compound.entries.first() else {
            return Err(damaged("OLE directory is empty"));
        };
        let mini_fat_sectors = u64::from(u32_at(64));
        if mini_fat_sectors > 0 {
            compound.mini_stream = compound.chain(root_start, root_length)?;
            let mini_fat = compound.chain(u32_at(60), mini_fat_sectors.saturating_mul(sector as u64))?;
            compound.mini_fat = mini_fat.chunks_exact(4).map(read_u32).collect();
        }
        Ok(compound)
    }

    /// Sectors in the file after the header.
    fn sector_count(&self) -> usize {
        self.bytes.len() / self.sector
    }

    /// A sector's bytes; the file's last sector may be cut short, as
    /// calamine accepts.
    fn sector_bytes(&self, id: u32) -> Result<&'a [u8], ReadError> {
        let start = (id as usize + 1).saturating_mul(self.sector);
        if start >= self.bytes.len() {
            return Err(damaged("OLE sector beyond the end of the file"));
        }
        Ok(&self.bytes[start..start.saturating_add(self.sector).min(self.bytes.len())])
    }

    /// The bytes of the chain from `start`, stopping at its end or at
    /// `length` bytes, whichever comes first.
    fn chain(&self, start: u32, length: u64) -> Result<Vec<u8>, ReadError> {
        let mut bytes = Vec::new();
        let mut id = start;
        while id != ENDOFCHAIN && (bytes.len() as u64) < length {
            if bytes.len() / self.sector > self.sector_count() {
                return Err(damaged("OLE sector chain loops"));
            }
            bytes.extend_from_slice(self.sector_bytes(id)?);
            id = *self
                .fat
                .get(id as usize)
                .ok_or_else(|| damaged("OLE sector outside the allocation table"))?;
        }
        bytes.truncate(usize::try_from(length).unwrap_or(usize::MAX).min(bytes.len()));
        Ok(bytes)
    }

    /// A stream's bytes: in the mini stream when short, else in sectors.
    fn stream(&self, start: u32, length: u64) -> Result<Vec<u8>, ReadError> {
        if length >= MINI_STREAM_CUTOFF {
            return self.chain(start, length);
        }
        let mut bytes = Vec::new();
        let mut id = start;
        while id != ENDOFCHAIN && (bytes.len() as u64) < length {
            if bytes.len() / MINI_SECTOR > self.mini_stream.len() / MINI_SECTOR {
                return Err(damaged("OLE mini sector chain loops"));
            }
            let at = (id as usize).saturating_mul(MINI_SECTOR);
            let sector = self.mini_stream.get(at..at.saturating_add(MINI_SECTOR));
            bytes.extend_from_slice(sector.ok_or_else(|| damaged("OLE mini sector beyond the mini stream"))?);
            id = *self
                .mini_fat
                .get(id as usize)
                .ok_or_else(|| damaged("OLE mini sector outside its table"))?;
        }
        bytes.truncate(length as usize);
        Ok(bytes)
    }

    /// The first entry named `name` (ASCII case-insensitive, as calamine finds it).
    fn entry(&self, name: &str) -> Option<(u32, u64)> {
        let found = self.entries.iter().find(|(entry, _, _)| entry.eq_ignore_ascii_case(name))?;
        Some((found.1, found.2))
    }

    fn has_entry(&self, name: &str) -> bool {
        self.entry(name).is_some()
    }
}

fn read_u32(bytes: &[u8]) -> u32 {
    u32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]])
}

fn read_u16(bytes: &[u8], at: usize) -> u32 {
    bytes.get(at..at + 2).map_or(0, |pair| u32::from(u16::from_le_bytes([pair[0], pair[1]])))
}

/// Checks the streams calamine reads from an `.xls`, and that the cell areas
/// of its sheets (all held at once by calamine) stay within the limit.
fn check_xls(compound: &Compound) -> Result<(), ReadError> {
    for name in ["\u{5}SummaryInformation", "\u{5}DocumentSummaryInformation"] {
        if let Some((start, length)) = compound.entry(name) {
            compound.stream(start, length)?;
        }
    }
    let Some((start, length)) = compound.entry("Workbook").or_else(|| compound.entry("Book")) else {
        return Err(damaged("no Workbook stream: not an Excel file"));
    };
    let stream = compound.stream(start, length)?;
    let cells = biff_cell_area(&stream);
    if cells > MAX_SHEET_CELLS {
        return Err(too_large(text!(
            "各工作表的已用区域共超过 {MAX_SHEET_CELLS} 个单元格（{cells} 个）",
            "its sheets span more than {MAX_SHEET_CELLS} cells ({cells})"
        )));
    }
    Ok(())
}

/// The cells calamine allocates for an `.xls` workbook stream: per sheet,
/// the bounding box of its value records and the area its DIMENSIONS record
/// declares (calamine reserves that much), summed over all sheets.
fn biff_cell_area(stream: &[u8]) -> u64 {
    let mut total: u64 = 0;
    let mut bounds: Option<(u32, u32, u32, u32)> = None;
    let flush = |bounds: &mut Option<(u32, u32, u32, u32)>, total: &mut u64| {
        if let Some((top, bottom, left, right)) = bounds.take() {
            let area = u64::from(bottom - top + 1) * u64::from(right - left + 1);
            *total = total.saturating_add(area);
        }
    };
    let mut at = 0;
    while at + 4 <= stream.len() {
        let kind = read_u16(stream, at);
        let size = read_u16(stream, at + 2) as usize;
        let data = &stream[at + 4..(at + 4 + size).min(stream.len())];
        at += 4 + size;
        let cells: Option<(u32, u32, u32)> = match kind {
            0x0809 | 0x000A => {
                flush(&mut bounds, &mut total);
                None
            }
            0x0200 => {
                total = total.saturating_add(declared_dimensions(data));
                None
            }
            0x0203 | 0x0204 | 0x00D6 | 0x0205 | 0x027E | 0x00FD | 0x0006 => {
                let col = read_u16(data, 2);
                Some((read_u16(data, 0), col, col))
            }
            0x00BD if data.len() >= 6 => {
                Some((read_u16(data, 0), read_u16(data, 2), read_u16(data, data.len() - 2)))
            }
            _ => None,
        };
        if let Some((row, first, last)) = cells {
            let (first, last) = (first.min(last), first.max(last));
            let (top, bottom, left, right) = bounds.get_or_insert((row, row, first, last));
            *top = (*top).min(row);
            *bottom = (*bottom).max(row);
            *left = (*left).min(first);
            *right = (*right).max(last);
        }
    }
    flush(&mut bounds, &mut total);
    total
}

/// The rows × columns calamine reserves for a DIMENSIONS record, computed as
/// it does (wrapping, as a release build would).
fn declared_dimensions(data: &[u8]) -> u64 {
    let four = |at: usize| data.get(at..at + 4).map_or(0, read_u32);
    let (first_row, last_row, mut first_col, last_col) = match data.len() {
        10 => (read_u16(data, 0), read_u16(data, 2), read_u16(data, 4), read_u16(data, 6)),
        14 | 16 => (four(0), four(4), read_u16(data, 8), read_u16(data, 10)),
        _ => return 0,
    };
    if first_col > 0xFF || last_col < first_col {
        first_col = 0;
    }
    let (end_row, end_col) =
        if last_row >= 1 && last_col >= 1 { (last_row - 1, last_col - 1) } else { (first_row, first_col) };
    let rows = u64::from(end_row.wrapping_sub(first_row).wrapping_add(1));
    let cols = u64::from(end_col.wrapping_sub(first_col).wrapping_add(1));
    rows.saturating_mul(cols)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doctype_is_found_across_chunks() {
        let mut scan = XmlScan::default();
        scan.feed(b"<?xml version=\"1.0\"?><!DOC").unwrap();
        assert!(scan.feed(b"TYPE x [<!ENTITY a \"b\">]><x/>").is_err());
        let mut scan = XmlScan::default();
        assert!(scan.feed(b"<x><!-- a comment --><![CDATA[<y>]]></x>").is_ok());
    }

    #[test]
    fn merged_ranges_are_noticed_across_chunks() {
        let mut scan = XmlScan::default();
        scan.feed(b"<sheetData><row r=\"1\"/></sheetData><mergeCe").unwrap();
        assert!(!scan.merges);
        scan.feed(b"lls count=\"1\"><x:mergeCe").unwrap();
        assert!(scan.merges);
        let mut scan = XmlScan::default();
        scan.feed(b"<sheetData><row r=\"1\"/></sheetData>").unwrap();
        assert!(!scan.merges);
    }

    #[test]
    fn a_long_run_without_markup_is_refused() {
        let mut scan = XmlScan::default();
        let spaces = vec![b' '; 1 << 20];
        for _ in 0..MAX_XML_RUN >> 20 {
            scan.feed(&spaces).unwrap();
        }
        assert!(scan.feed(b"  ").is_err());
        let mut scan = XmlScan::default();
        for _ in 0..(MAX_XML_RUN >> 20) + 2 {
            scan.feed(&spaces).unwrap();
            scan.feed(b"<c/>").unwrap();
        }
        assert_eq!(scan.length, ((MAX_XML_RUN >> 20) + 2) * ((1 << 20) + 4));
    }

    #[test]
    fn biff_areas_add_up_over_sheets() {
        let record = |kind: u16, data: &[u8]| {
            [&kind.to_le_bytes()[..], &(data.len() as u16).to_le_bytes(), data].concat()
        };
        let number = |row: u16, col: u16| {
            record(0x0203, &[&row.to_le_bytes()[..], &col.to_le_bytes(), &[0; 10]].concat())
        };
        let stream = [
            record(0x0809, &[0; 16]),
            number(0, 0),
            number(9, 3),
            record(0x000A, &[]),
            record(0x0809, &[0; 16]),
            number(5, 5),
            record(0x000A, &[]),
        ]
        .concat();
        assert_eq!(biff_cell_area(&stream), 10 * 4 + 1);
        let huge = [
            &0u32.to_le_bytes()[..],
            &65536u32.to_le_bytes(),
            &0u16.to_le_bytes(),
            &256u16.to_le_bytes(),
            &[0, 0],
        ]
        .concat();
        assert_eq!(declared_dimensions(&huge), 65536 * 256);
    }
}
