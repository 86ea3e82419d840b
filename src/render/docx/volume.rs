//! The combined volume (`反馈汇编.docx`): a cover, a contents page, then
//! every feedback letter's body, each letter a section of its own that
//! starts on an odd page (duplex printing), page numbers running on
//! through the volume. The cover and the contents are counted but not
//! numbered, so a letter's printed page is its page in the file (and in
//! its PDF). Letters are appended as they are made, deflated into a
//! scratch package, so the volume is never held in memory uncompressed;
//! the contents, which lists them, is written before them when the last
//! has come. Each line of the contents is a `PAGEREF` field to a bookmark
//! at its letter's title, its cached number the page `paging`
//! models, marked for updating.

use std::io::{Cursor, Write};

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipArchive, ZipWriter};

use super::layout::{self, Body, ContentsLine, Section};
use super::package::{PackageError, Shell};

/// The scratch package's one entry.
const LETTERS: &str = "letters.xml";

pub struct Volume {
    /// The letters so far, as body WordprocessingML, deflated.
    letters: ZipWriter<Cursor<Vec<u8>>>,
    /// One line per letter, its page counted from the first letter's (0).
    contents: Vec<ContentsLine>,
    /// Where the next letter starts, counted the same way.
    next_page: u32,
    /// The section properties ending every letter but the last (all alike).
    section: String,
}

/// What the cover says.
pub struct Cover<'a> {
    pub title: &'a str,
    pub assessor: &'a str,
    pub date: &'a str,
}

/// The contents page's heading.
const CONTENTS_HEADING: &str = "目　录";

impl Volume {
    pub fn new() -> Result<Volume, PackageError> {
        let mut letters = ZipWriter::new(Cursor::new(Vec::new()));
        let options = SimpleFileOptions::default()
            .compression_method(CompressionMethod::Deflated)
            .compression_level(Some(1));
        letters.start_file(LETTERS, options)?;
        Ok(Volume { letters, contents: Vec::new(), next_page: 0, section: layout::section(Section::Letter) })
    }

    /// Appends the letter to `name`, ending its section: its last
    /// paragraph carries the section properties (a table at the end gets
    /// an empty paragraph after it for them).
    pub fn add(&mut self, name: &str, body: &Body) -> Result<(), PackageError> {
        let bookmark = self.bookmark(name, body);
        let section = match body.section_at {
            Some(at) => (at, self.section.clone()),
            None => (body.xml.len(), format!("<w:p><w:pPr>{}</w:pPr></w:p>", self.section)),
        };
        self.write_letter(body, &[bookmark, section])
    }

    /// Appends the last letter, whose section is the document's final one,
    /// and writes the volume: cover, contents, letters.
    pub fn finish(
        mut self,
        name: &str,
        last: &Body,
        shell: &Shell,
        cover: &Cover,
    ) -> Result<Vec<u8>, PackageError> {
        let bookmark = self.bookmark(name, last);
        self.write_letter(last, &[bookmark])?;
        let letters = self.letters.finish()?.into_inner();
        let cover = layout::cover(cover.title, cover.assessor, cover.date);
        // The letters start on the odd page after the cover's sheet and
        // the contents' sheets.
        let sheets = layout::contents(CONTENTS_HEADING, &self.contents).pages.div_ceil(2);
        let first_letter = 2 + 2 * sheets + 1;
        for line in &mut self.contents {
            line.page += first_letter;
        }
        let contents = layout::contents(CONTENTS_HEADING, &self.contents);
        let mut writer = shell.start()?;
        for (body, kind) in [(&cover, Section::Cover), (&contents, Section::Contents)] {
            let at = body.section_at.expect("the cover and the contents end with a paragraph");
            writer.write(&body.xml[..at])?;
            writer.write(&layout::section(kind))?;
            writer.write(&body.xml[at..])?;
        }
        let mut archive = ZipArchive::new(Cursor::new(letters))?;
        writer.copy(&mut archive.by_name(LETTERS)?)?;
        writer.finish(Section::Letter)
    }

    /// Records the letter to `name` in the contents, and returns the
    /// bookmark to put at its title (at its start when it has none).
    fn bookmark(&mut self, name: &str, body: &Body) -> (usize, String) {
        let number = self.contents.len() + 1;
        let bookmark = format!("_Letter{number}");
        let mut xml = String::new();
        super::ooxml::bookmark(&mut xml, number, &bookmark);
        self.contents.push(ContentsLine { name: name.to_owned(), bookmark, page: self.next_page });
        self.next_page += 2 * body.pages.div_ceil(2);
        (body.title_at.unwrap_or(0), xml)
    }

    /// Writes `body` with each of `inserts` (position, text) put in.
    fn write_letter(&mut self, body: &Body, inserts: &[(usize, String)]) -> Result<(), PackageError> {
        let mut inserts: Vec<&(usize, String)> = inserts.iter().collect();
        inserts.sort_by_key(|(at, _)| *at);
        let mut from = 0;
        for (at, text) in inserts {
            self.letters.write_all(&body.xml.as_bytes()[from..*at])?;
            self.letters.write_all(text.as_bytes())?;
            from = *at;
        }
        self.letters.write_all(&body.xml.as_bytes()[from..])?;
        Ok(())
    }
}
