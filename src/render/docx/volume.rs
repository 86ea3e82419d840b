//! The combined volume (`反馈汇编.docx`): every feedback letter's body in
//! one package, appended as the letters are made so the volume is never
//! held in memory uncompressed. Each letter becomes a section of its own,
//! starting on a new page with its page numbers restarting at 1.

use super::layout::{self, Body, Section};
use super::package::{DocumentWriter, PackageError, Shell};

pub struct Volume {
    writer: DocumentWriter,
    /// The section properties ending every letter but the last (all alike).
    section: String,
}

impl Volume {
    pub fn new(shell: &Shell) -> Result<Volume, PackageError> {
        Ok(Volume { writer: shell.start()?, section: layout::section(Section::Restart) })
    }

    /// Appends a letter's body, ending its section: its last paragraph
    /// carries the section properties (a table at the end gets an empty
    /// paragraph after it for them).
    pub fn add(&mut self, body: &Body) -> Result<(), PackageError> {
        match body.section_at {
            Some(at) => {
                self.writer.write(&body.xml[..at])?;
                self.writer.write(&self.section)?;
                self.writer.write(&body.xml[at..])
            }
            None => {
                self.writer.write(&body.xml)?;
                self.writer.write("<w:p><w:pPr>")?;
                self.writer.write(&self.section)?;
                self.writer.write("</w:pPr></w:p>")
            }
        }
    }

    /// Appends the last letter, whose section is the document's final one.
    pub fn finish(mut self, last: &Body) -> Result<Vec<u8>, PackageError> {
        self.writer.write(&last.xml)?;
        self.writer.finish(Section::Restart)
    }
}
