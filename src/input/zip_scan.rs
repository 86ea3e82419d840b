//! The check of a zip-based workbook (`.xlsx`, `.ods`) before calamine opens
//! it: declared sizes can lie, so every part is streamed once through the
//! same inflater calamine uses, counting, against the [`Limits`]; its XML is
//! watched for what no workbook holds (a DTD, an endless run of text).

use std::io::{Cursor, Read};

use zip::ZipArchive;

use super::error::ReadError;
use super::limits::{Limits, too_large};
use crate::diagnostic::Text;

const ODS_MIMETYPE: &[u8] = b"application/vnd.oasis.opendocument.spreadsheet";

/// What [`check_zip`] learnt of a package.
pub(super) struct Package {
    /// Whether it is an OpenDocument spreadsheet (by its `mimetype` part).
    pub is_ods: bool,
    /// Whether any part mentions `mergeCell`.
    pub may_have_merges: bool,
}

/// Walks the zip directory and inflates every part once, counting, against
/// the limits.
pub(super) fn check_zip(bytes: &[u8], limits: &Limits) -> Result<Package, ReadError> {
    let mut archive = ZipArchive::new(Cursor::new(bytes)).map_err(ReadError::damaged)?;
    if archive.len() > limits.zip_entries {
        let (entries, limit) = (archive.len(), limits.zip_entries);
        return Err(too_large(text!(
            "压缩包内有 {entries} 个部件（上限 {limit}）",
            "the package holds {entries} parts (limit {limit})"
        )));
    }
    let mut buffer = vec![0; 64 << 10];
    let (mut total, mut merges) = (0, false);
    for index in 0..archive.len() {
        let mut part = archive.by_index(index).map_err(ReadError::damaged)?;
        let name = part.name().map_or_else(|_| format!("#{index}"), |name| name.into_owned());
        let compressed = part.compressed_size();
        check_part_size(&name, part.size(), compressed, limits)?;
        let mut scan = XmlScan::new(limits.xml_run);
        loop {
            let read = part.read(&mut buffer).map_err(ReadError::damaged)?;
            if read == 0 {
                break;
            }
            if is_binary(&name) {
                scan.length += read as u64;
            } else {
                scan.feed(&buffer[..read]).map_err(|what| too_large(in_part(&name, what)))?;
            }
            check_part_size(&name, scan.length, compressed, limits)?;
        }
        total += scan.length;
        merges |= scan.merges;
        if total > limits.total_bytes {
            let mb = limits.total_bytes >> 20;
            return Err(too_large(text!("解压后总大小超过 {mb} MB", "it inflates to more than {mb} MB")));
        }
    }
    let mut mimetype = Vec::new();
    if let Ok(part) = archive.by_name("mimetype") {
        part.take(ODS_MIMETYPE.len() as u64).read_to_end(&mut mimetype).map_err(ReadError::damaged)?;
    }
    Ok(Package { is_ods: mimetype == ODS_MIMETYPE, may_have_merges: merges })
}

/// Whether the package holds an `.xlsx` workbook part.
pub(super) fn has_xlsx_workbook(bytes: &[u8]) -> bool {
    ZipArchive::new(Cursor::new(bytes))
        .is_ok_and(|archive| archive.index_for_name("xl/workbook.xml").is_some())
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

fn in_part(name: &str, what: Text) -> Text {
    let Text { zh, en } = what;
    text!("部件 {name} {zh}", "part {name} {en}")
}

/// A part's inflated `size` (declared, or counted so far) against the limits.
fn check_part_size(name: &str, size: u64, compressed: u64, limits: &Limits) -> Result<(), ReadError> {
    if size > limits.part_bytes {
        let mb = limits.part_bytes >> 20;
        return Err(too_large(in_part(name, text!("解压后超过 {mb} MB", "inflates to more than {mb} MB"))));
    }
    if size > limits.ratio_floor && size > compressed.saturating_mul(limits.ratio) {
        let ratio = limits.ratio;
        return Err(too_large(in_part(
            name,
            text!("压缩比超过 {ratio}:1（压缩炸弹）", "has a compression ratio above {ratio}:1 (a zip bomb)"),
        )));
    }
    Ok(())
}

/// Counts a part's bytes as they stream by and watches for what XML in a
/// workbook never holds: a DTD, or a run longer than `max_run` bytes
/// without a `<` (one text or tag that a parser would buffer whole). Also
/// notes whether the part mentions `mergeCell` (the element of a merged
/// range, with or without a namespace prefix).
struct XmlScan {
    max_run: u64,
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

    fn new(max_run: u64) -> Self {
        XmlScan { max_run, length: 0, since_open: 0, tail: Vec::new(), merges: false }
    }

    fn feed(&mut self, chunk: &[u8]) -> Result<(), Text> {
        self.length += chunk.len() as u64;
        self.since_open = match memchr::memrchr(b'<', chunk) {
            Some(at) => (chunk.len() - at - 1) as u64,
            None => self.since_open + chunk.len() as u64,
        };
        if self.since_open > self.max_run {
            let mb = self.max_run >> 20;
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

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;

    /// Limits small enough to be exceeded by a few kilobytes.
    const TINY: Limits = Limits {
        zip_entries: 3,
        part_bytes: 4 << 10,
        total_bytes: 6 << 10,
        ratio: 20,
        ratio_floor: 1 << 10,
        xml_run: 1 << 10,
        sheet_cells: 100,
    };

    /// A deflated zip package of these parts.
    fn package(parts: &[(&str, &[u8])]) -> Vec<u8> {
        let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let options =
            zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
        for (name, bytes) in parts {
            zip.start_file(*name, options).unwrap();
            zip.write_all(bytes).unwrap();
        }
        zip.finish().unwrap().into_inner()
    }

    /// The English reason `bytes` are refused under `limits`.
    fn refusal(bytes: &[u8], limits: &Limits) -> String {
        match check_zip(bytes, limits) {
            Err(ReadError::Refused(text)) => text.en,
            Err(ReadError::Damaged(reason)) => panic!("damaged, not refused: {reason}"),
            Ok(_) => panic!("not refused"),
        }
    }

    /// Text without markup that compresses no better than `ratio`:1 at worst.
    fn incompressible(length: usize) -> Vec<u8> {
        let mut state: u32 = 1;
        (0..length)
            .map(|_| {
                state = state.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                b'a' + (state >> 16) as u8 % 26
            })
            .collect()
    }

    #[test]
    fn within_the_limits_a_package_passes_and_says_what_it_is() {
        let ods = package(&[("mimetype", ODS_MIMETYPE), ("content.xml", b"<table:table/>")]);
        let checked = check_zip(&ods, &TINY).unwrap();
        assert!(checked.is_ods && !checked.may_have_merges);
        let xlsx = package(&[("xl/worksheets/sheet1.xml", b"<mergeCells count=\"1\"><mergeCell/>")]);
        let checked = check_zip(&xlsx, &TINY).unwrap();
        assert!(!checked.is_ods && checked.may_have_merges);
    }

    #[test]
    fn too_many_parts_are_refused() {
        let parts: Vec<(String, &[u8])> = (0..4).map(|n| (format!("{n}.xml"), &b"<a/>"[..])).collect();
        let parts: Vec<(&str, &[u8])> = parts.iter().map(|(name, bytes)| (name.as_str(), *bytes)).collect();
        assert_eq!(
            refusal(&package(&parts), &TINY),
            "the package holds 4 parts (limit 3), beyond kaohe's safety limit; the file may be damaged or hostile"
        );
    }

    #[test]
    fn a_part_inflating_beyond_its_limit_is_refused() {
        let mut sheet = b"<c>".repeat(2 << 10);
        sheet.extend(incompressible(100));
        let limits = Limits { ratio: u64::MAX, ..TINY };
        let refused = refusal(&package(&[("xl/worksheets/sheet1.xml", &sheet)]), &limits);
        assert!(refused.starts_with("part xl/worksheets/sheet1.xml inflates to more than 0 MB"), "{refused}");
    }

    #[test]
    fn parts_inflating_beyond_the_total_limit_are_refused() {
        let part = incompressible(3 << 10).chunks(100).collect::<Vec<_>>().join(&b'<');
        let bytes = package(&[("a.xml", &part), ("b.xml", &part)]);
        assert!(refusal(&bytes, &TINY).starts_with("it inflates to more than 0 MB"));
    }

    #[test]
    fn a_part_compressing_too_well_is_refused_above_the_floor_only() {
        let small = b"<c/>".repeat(200);
        assert!(check_zip(&package(&[("a.xml", &small)]), &TINY).is_ok());
        let bomb = b"<c/>".repeat(1000);
        assert!(
            refusal(&package(&[("a.xml", &bomb)]), &TINY)
                .starts_with("part a.xml has a compression ratio above 20:1 (a zip bomb)")
        );
    }

    #[test]
    fn a_long_run_without_markup_is_refused_but_not_in_a_picture() {
        let run = incompressible(2 << 10);
        assert!(
            refusal(&package(&[("xl/sharedStrings.xml", &run)]), &TINY)
                .starts_with("part xl/sharedStrings.xml holds a run of more than 0 MB without markup")
        );
        assert!(check_zip(&package(&[("xl/media/image1.png", &run)]), &TINY).is_ok());
    }

    #[test]
    fn the_refusals_name_the_real_limits() {
        let refused = |result: Result<(), ReadError>| match result {
            Err(ReadError::Refused(text)) => text.zh,
            _ => panic!("not refused"),
        };
        let limits = Limits::DEFAULT;
        assert_eq!(
            refused(check_part_size("xl/worksheets/sheet1.xml", (1 << 30) + 1, 1 << 30, &limits)),
            "部件 xl/worksheets/sheet1.xml 解压后超过 1024 MB，超出 kaohe 的安全上限，文件可能已损坏或被恶意构造"
        );
        assert_eq!(
            refused(check_part_size("xl/sharedStrings.xml", 100 << 20, 1 << 10, &limits)),
            "部件 xl/sharedStrings.xml 压缩比超过 200:1（压缩炸弹），超出 kaohe 的安全上限，文件可能已损坏或被恶意构造"
        );
        assert!(check_part_size("xl/sharedStrings.xml", 100 << 20, 1 << 20, &limits).is_ok());
        let mut scan = XmlScan::new(limits.xml_run);
        assert_eq!(scan.feed(&vec![b' '; (16 << 20) + 1]).unwrap_err().zh, "含超过 16 MB 的连续文本");
    }

    #[test]
    fn doctype_is_found_across_chunks() {
        let mut scan = XmlScan::new(TINY.xml_run);
        scan.feed(b"<?xml version=\"1.0\"?><!DOC").unwrap();
        assert!(scan.feed(b"TYPE x [<!ENTITY a \"b\">]><x/>").is_err());
        let mut scan = XmlScan::new(TINY.xml_run);
        assert!(scan.feed(b"<x><!-- a comment --><![CDATA[<y>]]></x>").is_ok());
    }

    #[test]
    fn merged_ranges_are_noticed_across_chunks() {
        let mut scan = XmlScan::new(TINY.xml_run);
        scan.feed(b"<sheetData><row r=\"1\"/></sheetData><mergeCe").unwrap();
        assert!(!scan.merges);
        scan.feed(b"lls count=\"1\"><x:mergeCe").unwrap();
        assert!(scan.merges);
        let mut scan = XmlScan::new(TINY.xml_run);
        scan.feed(b"<sheetData><row r=\"1\"/></sheetData>").unwrap();
        assert!(!scan.merges);
    }

    #[test]
    fn a_run_is_counted_across_chunks_up_to_the_next_tag() {
        let mut scan = XmlScan::new(TINY.xml_run);
        let spaces = vec![b' '; 256];
        for _ in 0..4 {
            scan.feed(&spaces).unwrap();
        }
        assert!(scan.feed(b"  ").is_err());
        let mut scan = XmlScan::new(TINY.xml_run);
        for _ in 0..6 {
            scan.feed(&spaces).unwrap();
            scan.feed(b"<c/>").unwrap();
        }
        assert_eq!(scan.length, 6 * (256 + 4));
    }
}
