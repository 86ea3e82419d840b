//! Packaging: the parts every kaohe document shares (styles, settings,
//! fonts, theme, footers, metadata) are zipped once per run into a
//! [`Shell`]; each document copies them over as they are (no second
//! deflate) and adds its own `word/document.xml`, streamed in through a
//! [`DocumentWriter`] so the combined volume never sits in memory whole.
//! Entries are dated with the run's creation time, so the same inputs give
//! the same bytes.

use std::fmt::Write as _;
use std::io::{Cursor, Write};

use chrono::{Datelike, NaiveDateTime, Timelike};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipArchive, ZipWriter};

use super::chart::Chart;
use super::layout::{self, Body, FOOTER_BLANK, FOOTER_EVEN, FOOTER_ODD, Section};
use super::ooxml::DECLARATION;

/// A package could not be written. Only reachable through a bug in kaohe
/// or the zip crate: writing goes to memory.
#[derive(Debug, thiserror::Error)]
pub enum PackageError {
    #[error("zip: {0}")]
    Zip(#[from] zip::result::ZipError),
    #[error("io: {0}")]
    Io(#[from] std::io::Error),
    #[error("xlsx: {0}")]
    Workbook(#[from] rust_xlsxwriter::XlsxError),
}

const DOCUMENT: &str = "word/document.xml";
const THEME_XML: &str = include_str!("theme1.xml");

/// `[Content_Types].xml` of a document with `charts` charts, each with its workbook.
fn content_types(charts: usize) -> String {
    let mut out = String::from(concat!(
        "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">",
        "<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>",
        "<Default Extension=\"xml\" ContentType=\"application/xml\"/>",
    ));
    if charts > 0 {
        out.push_str("<Default Extension=\"xlsx\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet\"/>");
    }
    out.push_str(concat!(
        "<Override PartName=\"/word/document.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/>",
        "<Override PartName=\"/word/styles.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml\"/>",
        "<Override PartName=\"/word/settings.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml\"/>",
        "<Override PartName=\"/word/fontTable.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.fontTable+xml\"/>",
        "<Override PartName=\"/word/footer1.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml\"/>",
        "<Override PartName=\"/word/footer2.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml\"/>",
        "<Override PartName=\"/word/footer3.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml\"/>",
        "<Override PartName=\"/word/theme/theme1.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.theme+xml\"/>",
        "<Override PartName=\"/docProps/core.xml\" ContentType=\"application/vnd.openxmlformats-package.core-properties+xml\"/>",
        "<Override PartName=\"/docProps/app.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.extended-properties+xml\"/>",
    ));
    for number in 1..=charts {
        let _ = write!(
            out,
            "<Override PartName=\"/{}\" ContentType=\"application/vnd.openxmlformats-officedocument.drawingml.chart+xml\"/>",
            chart_part(number)
        );
    }
    out.push_str("</Types>");
    out
}

/// The part of a document's `number`-th chart (from 1), its relationships
/// and its workbook.
pub(super) fn chart_part(number: usize) -> String {
    format!("word/charts/chart{number}.xml")
}

fn chart_relationships_part(number: usize) -> String {
    format!("word/charts/_rels/chart{number}.xml.rels")
}

/// Named as Word names the workbooks it embeds.
pub(super) fn chart_workbook_part(number: usize) -> String {
    format!("word/embeddings/Microsoft_Excel_Worksheet{number}.xlsx")
}

const PACKAGE_RELATIONSHIPS: &str = concat!(
    "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">",
    "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"word/document.xml\"/>",
    "<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties\" Target=\"docProps/core.xml\"/>",
    "<Relationship Id=\"rId3\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties\" Target=\"docProps/app.xml\"/>",
    "</Relationships>"
);

const APP: &str = concat!(
    "<Properties xmlns=\"http://schemas.openxmlformats.org/officeDocument/2006/extended-properties\">",
    "<Application>kaohe</Application></Properties>"
);

/// Zoom, tab stops, odd and even footers, East-Asian punctuation
/// compression, and Word 2013+ layout; with `update_fields`, the reader
/// is asked to update the fields on opening (the volume's contents).
fn settings(update_fields: bool) -> String {
    let update = if update_fields { "<w:updateFields w:val=\"true\"/>" } else { "" };
    format!("{SETTINGS_START}{update}{SETTINGS_END}")
}

const SETTINGS_START: &str = concat!(
    "<w:settings xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">",
    "<w:zoom w:percent=\"100\"/><w:defaultTabStop w:val=\"420\"/><w:evenAndOddHeaders/>",
    "<w:characterSpacingControl w:val=\"compressPunctuation\"/>",
);

const SETTINGS_END: &str = concat!(
    "<w:compat><w:spaceForUL/><w:balanceSingleByteDoubleByteWidth/><w:doNotLeaveBackslashAlone/>",
    "<w:ulTrailSpace/><w:doNotExpandShiftReturn/><w:useFELayout/>",
    "<w:compatSetting w:name=\"compatibilityMode\" w:uri=\"http://schemas.microsoft.com/office/word\" w:val=\"15\"/>",
    "</w:compat></w:settings>"
);

/// What sets a run's documents apart: the charts they place, and whether
/// their fields are updated on opening.
#[derive(Clone, Copy, Default)]
pub(super) struct Kind<'a> {
    pub charts: &'a [Chart],
    pub update_fields: bool,
}

/// The part names and texts every document of the run with `charts`
/// charts shares, `[Content_Types].xml` first as Word expects; only
/// `docProps/core.xml` depends on the run.
fn shared_parts(created: NaiveDateTime, charts: usize, update_fields: bool) -> Vec<(&'static str, String)> {
    let stamp = created.format("%Y-%m-%dT%H:%M:%SZ");
    let core = format!(
        concat!(
            "<cp:coreProperties xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\" ",
            "xmlns:dcterms=\"http://purl.org/dc/terms/\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">",
            "<dcterms:created xsi:type=\"dcterms:W3CDTF\">{stamp}</dcterms:created>",
            "<dcterms:modified xsi:type=\"dcterms:W3CDTF\">{stamp}</dcterms:modified>",
            "</cp:coreProperties>"
        ),
        stamp = stamp
    );
    let mut document_relationships = format!(
        concat!(
            "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">",
            "<Relationship Id=\"rIdStyles\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" Target=\"styles.xml\"/>",
            "<Relationship Id=\"rIdSettings\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/settings\" Target=\"settings.xml\"/>",
            "<Relationship Id=\"rIdFonts\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/fontTable\" Target=\"fontTable.xml\"/>",
            "<Relationship Id=\"rIdTheme\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/theme\" Target=\"theme/theme1.xml\"/>",
            "<Relationship Id=\"{odd}\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer\" Target=\"footer1.xml\"/>",
            "<Relationship Id=\"{even}\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer\" Target=\"footer2.xml\"/>",
            "<Relationship Id=\"{blank}\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer\" Target=\"footer3.xml\"/>",
        ),
        odd = FOOTER_ODD,
        even = FOOTER_EVEN,
        blank = FOOTER_BLANK
    );
    for number in 1..=charts {
        let _ = write!(
            document_relationships,
            "<Relationship Id=\"{}\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/chart\" Target=\"{}\"/>",
            layout::chart_relationship(number),
            chart_part(number).trim_start_matches("word/")
        );
    }
    document_relationships.push_str("</Relationships>");
    let declared = |text: &str| format!("{DECLARATION}{text}");
    vec![
        ("[Content_Types].xml", declared(&content_types(charts))),
        ("_rels/.rels", declared(PACKAGE_RELATIONSHIPS)),
        ("docProps/core.xml", declared(&core)),
        ("docProps/app.xml", declared(APP)),
        ("word/_rels/document.xml.rels", declared(&document_relationships)),
        ("word/styles.xml", layout::styles()),
        ("word/settings.xml", declared(&settings(update_fields))),
        ("word/fontTable.xml", layout::font_table()),
        ("word/theme/theme1.xml", THEME_XML.to_owned()),
        ("word/footer1.xml", layout::footer(true)),
        ("word/footer2.xml", layout::footer(false)),
        ("word/footer3.xml", layout::blank_footer()),
    ]
}

/// Deflate level: the fastest. At 2,000 letters the default level costs
/// about twice the time for parts only a few percent smaller.
const DEFLATE_LEVEL: i64 = 1;

/// The shared parts of one run's documents, zipped once.
pub struct Shell {
    zip: Vec<u8>,
    options: SimpleFileOptions,
}

impl Shell {
    /// The shared parts of documents without charts.
    pub fn new(created: NaiveDateTime) -> Result<Shell, PackageError> {
        Shell::of(created, Kind::default())
    }

    /// The shared parts of a document placing `charts`, in order, with each
    /// chart's part, relationships and workbook.
    pub(super) fn with_charts(created: NaiveDateTime, charts: &[Chart]) -> Result<Shell, PackageError> {
        Shell::of(created, Kind { charts, ..Kind::default() })
    }

    /// The shared parts of the combined volume: no charts, and its
    /// contents' fields updated on opening.
    pub fn for_volume(created: NaiveDateTime) -> Result<Shell, PackageError> {
        Shell::of(created, Kind { update_fields: true, ..Kind::default() })
    }

    fn of(created: NaiveDateTime, kind: Kind) -> Result<Shell, PackageError> {
        let Kind { charts, update_fields } = kind;
        let options = SimpleFileOptions::default()
            .compression_method(CompressionMethod::Deflated)
            .compression_level(Some(DEFLATE_LEVEL))
            .last_modified_time(entry_time(created))
            .unix_permissions(0o644);
        let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
        for (name, text) in shared_parts(created, charts.len(), update_fields) {
            zip.start_file(name, options)?;
            zip.write_all(text.as_bytes())?;
        }
        for (number, chart) in (1..).zip(charts) {
            let workbook = chart_workbook_part(number);
            let from_chart = format!("../{}", workbook.trim_start_matches("word/"));
            for (name, text) in [
                (chart_part(number), chart.xml()),
                (chart_relationships_part(number), Chart::relationships(&from_chart)),
            ] {
                zip.start_file(name, options)?;
                zip.write_all(text.as_bytes())?;
            }
            // A workbook is a zip already: stored as it is.
            zip.start_file(
                workbook,
                options.compression_method(CompressionMethod::Stored).compression_level(None),
            )?;
            zip.write_all(&chart.workbook(created)?)?;
        }
        Ok(Shell { zip: zip.finish()?.into_inner(), options })
    }

    /// A whole document whose body is `body`.
    pub fn document(&self, body: &Body) -> Result<Vec<u8>, PackageError> {
        let mut writer = self.start()?;
        writer.write(&body.xml)?;
        writer.finish(if body.imprint { Section::Imprint } else { Section::Text })
    }

    /// A document whose body is written piece by piece.
    pub fn start(&self) -> Result<DocumentWriter, PackageError> {
        let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
        zip.merge_archive(ZipArchive::new(Cursor::new(self.zip.as_slice()))?)?;
        zip.start_file(DOCUMENT, self.options)?;
        zip.write_all(layout::document_start().as_bytes())?;
        Ok(DocumentWriter { zip })
    }
}

/// A package being written: the shared parts are in, the body is streaming.
pub struct DocumentWriter {
    zip: ZipWriter<Cursor<Vec<u8>>>,
}

impl DocumentWriter {
    /// Appends body content (WordprocessingML).
    pub fn write(&mut self, xml: &str) -> Result<(), PackageError> {
        Ok(self.zip.write_all(xml.as_bytes())?)
    }

    /// Appends the body content `reader` holds.
    pub fn copy(&mut self, reader: &mut impl std::io::Read) -> Result<(), PackageError> {
        std::io::copy(reader, &mut self.zip)?;
        Ok(())
    }

    /// Ends the body with its final section properties, of a section
    /// holding `kind`, and returns the package's bytes.
    pub fn finish(mut self, kind: Section) -> Result<Vec<u8>, PackageError> {
        self.write(&layout::section(kind))?;
        self.write(layout::DOCUMENT_END)?;
        Ok(self.zip.finish()?.into_inner())
    }
}

/// The zip entry time for documents created at `created` (zip times start in 1980).
fn entry_time(created: NaiveDateTime) -> zip::DateTime {
    zip::DateTime::from_date_and_time(
        created.year().clamp(1980, 2107) as u16,
        created.month() as u8,
        created.day() as u8,
        created.hour() as u8,
        created.minute() as u8,
        created.second() as u8,
    )
    .unwrap_or_default()
}

/// Reads every part of a package (for tests).
#[cfg(test)]
pub(crate) fn read_parts(bytes: &[u8]) -> std::collections::BTreeMap<String, Vec<u8>> {
    use std::io::Read;
    let mut archive = ZipArchive::new(Cursor::new(bytes)).unwrap();
    (0..archive.len())
        .map(|index| {
            let mut entry = archive.by_index(index).unwrap();
            let mut content = Vec::new();
            entry.read_to_end(&mut content).unwrap();
            (entry.name().unwrap().into_owned(), content)
        })
        .collect()
}
