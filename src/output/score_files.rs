//! The files of `kaohe score` on their way into the staging folder: each
//! rendered file is written under its name from [`super::names`] as soon as
//! it is handed over, and the list of what was written becomes
//! summary.json's `outputs`. With `--pdf` the documents' PDFs join them,
//! each beside its document ([`ScoreFiles::pdf`]).

use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use super::names::{BULLETIN_FILE, SUMMARY_FILE, VOLUME_FILE, WORKBOOK_FILE, pdf_path};
use super::{OutputError, Staging};

/// `score`'s files, staged. Letters may be written from several threads at
/// once.
pub struct ScoreFiles {
    staging: Staging,
    /// Each letter's path, in rank order.
    letters: Vec<String>,
    /// The fixed files written so far.
    written: Mutex<Vec<&'static str>>,
    /// The documents whose PDF was written so far (`--pdf`).
    pdfs: Mutex<Vec<String>>,
}

/// [`ScoreFiles::scratch`], inside the staging folder: a name no output
/// has.
const SCRATCH_DIR: &str = ".kaohe-scratch";

/// The fixed files in the order summary.json lists them, before the letters.
const LISTED_FIRST: [&str; 3] = [WORKBOOK_FILE, BULLETIN_FILE, VOLUME_FILE];

impl ScoreFiles {
    /// Writes into `staging`; `letters` are the letters' paths in rank
    /// order ([`super::letter_paths`]).
    pub fn new(staging: Staging, letters: Vec<String>) -> Self {
        ScoreFiles { staging, letters, written: Mutex::new(Vec::new()), pdfs: Mutex::new(Vec::new()) }
    }

    /// The score workbook.
    pub fn workbook(&self, bytes: &[u8]) -> Result<(), OutputError> {
        self.fixed(WORKBOOK_FILE, bytes)
    }

    /// The bulletin.
    pub fn bulletin(&self, bytes: &[u8]) -> Result<(), OutputError> {
        self.fixed(BULLETIN_FILE, bytes)
    }

    /// The combined volume of the letters.
    pub fn volume(&self, bytes: &[u8]) -> Result<(), OutputError> {
        self.fixed(VOLUME_FILE, bytes)
    }

    /// The letter of the unit ranked `index`-th (0-based) in the report.
    pub fn letter(&self, index: usize, bytes: &[u8]) -> Result<(), OutputError> {
        self.staging.write(Path::new(&self.letters[index]), bytes)
    }

    /// The documents `--pdf` converts: the bulletin and the volume, and
    /// with `letters` (`--pdf all`) every letter.
    pub fn documents(&self, letters: bool) -> Vec<String> {
        let fixed = [BULLETIN_FILE, VOLUME_FILE].map(str::to_owned);
        let letters = self.letters.iter().filter(|_| letters).cloned();
        fixed.into_iter().chain(letters).collect()
    }

    /// Where the staged file `relative` is, for LibreOffice to read.
    pub fn staged(&self, relative: &str) -> PathBuf {
        self.staging.path(Path::new(relative))
    }

    /// A folder for a program's own files while it works on the staged
    /// ones (LibreOffice's profile and the PDFs it makes): inside the
    /// staging folder, so that an interrupt removes it too, and removed
    /// before the move into place ([`Self::commit`]).
    pub fn scratch(&self) -> PathBuf {
        self.staging.path(Path::new(SCRATCH_DIR))
    }

    /// The PDF of the document at `docx`, written beside it.
    pub fn pdf(&self, docx: &str, bytes: &[u8]) -> Result<(), OutputError> {
        self.staging.write(Path::new(&pdf_path(docx)), bytes)?;
        self.pdfs.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).push(docx.to_owned());
        Ok(())
    }

    fn fixed(&self, path: &'static str, bytes: &[u8]) -> Result<(), OutputError> {
        self.staging.write(Path::new(path), bytes)?;
        self.written.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).push(path);
        Ok(())
    }

    /// Every output once all are written, as summary.json lists them: the
    /// fixed files, the letters in rank order, summary.json itself; a PDF
    /// right after its document.
    pub fn outputs(&self) -> Vec<String> {
        let written = self.written.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let pdfs = self.pdfs.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let fixed = LISTED_FIRST.into_iter().filter(|path| written.contains(path)).map(str::to_owned);
        let documents = fixed.chain(self.letters.iter().cloned());
        let with_pdfs = documents.flat_map(|path| {
            let pdf = pdfs.contains(&path).then(|| pdf_path(&path));
            std::iter::once(path).chain(pdf)
        });
        with_pdfs.chain([SUMMARY_FILE.to_owned()]).collect()
    }

    /// Writes `summary` as summary.json and moves everything staged into the
    /// output folder.
    pub fn commit(self, summary: &[u8]) -> Result<(), OutputError> {
        match fs::remove_dir_all(self.scratch()) {
            Err(error) if error.kind() != io::ErrorKind::NotFound => {
                return Err(OutputError::io(self.staging.shown(), &error));
            }
            _ => {}
        }
        self.staging.write(Path::new(SUMMARY_FILE), summary)?;
        self.staging.commit()
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Destination, Planned};
    use super::*;

    fn staged(dir: &Path) -> ScoreFiles {
        let destination = Destination::open(&dir.join("out"), &[], false, &Planned::score()).unwrap();
        let letters = super::super::letter_paths([(1, "甲"), (2, "乙")]);
        ScoreFiles::new(Staging::new(destination).unwrap(), letters)
    }

    #[test]
    fn outputs_are_listed_in_a_fixed_order_whatever_the_order_written() {
        let dir = tempfile::tempdir().unwrap();
        let files = staged(dir.path());
        files.letter(1, b"2").unwrap();
        files.volume(b"v").unwrap();
        files.letter(0, b"1").unwrap();
        files.bulletin(b"b").unwrap();
        files.workbook(b"w").unwrap();
        let outputs = files.outputs();
        assert_eq!(
            outputs,
            [
                "考核得分表.xlsx",
                "考核结果通报.docx",
                "反馈汇编.docx",
                "反馈/001-甲.docx",
                "反馈/002-乙.docx",
                "summary.json"
            ]
        );
        files.commit(b"{}").unwrap();
        let out = dir.path().join("out");
        assert_eq!(std::fs::read(out.join("反馈/002-乙.docx")).unwrap(), b"2");
        assert_eq!(std::fs::read(out.join("summary.json")).unwrap(), b"{}");
    }

    #[test]
    fn each_pdf_is_listed_after_its_document() {
        let dir = tempfile::tempdir().unwrap();
        let files = staged(dir.path());
        files.workbook(b"w").unwrap();
        files.bulletin(b"b").unwrap();
        files.volume(b"v").unwrap();
        files.letter(0, b"1").unwrap();
        files.letter(1, b"2").unwrap();
        assert_eq!(files.documents(false), ["考核结果通报.docx", "反馈汇编.docx"]);
        assert_eq!(files.documents(true)[2..], ["反馈/001-甲.docx", "反馈/002-乙.docx"]);
        files.pdf("反馈/002-乙.docx", b"%PDF 2").unwrap();
        files.pdf("考核结果通报.docx", b"%PDF b").unwrap();
        assert_eq!(
            files.outputs(),
            [
                "考核得分表.xlsx",
                "考核结果通报.docx",
                "考核结果通报.pdf",
                "反馈汇编.docx",
                "反馈/001-甲.docx",
                "反馈/002-乙.docx",
                "反馈/002-乙.pdf",
                "summary.json"
            ]
        );
        files.commit(b"{}").unwrap();
        let out = dir.path().join("out");
        assert_eq!(std::fs::read(out.join("反馈/002-乙.pdf")).unwrap(), b"%PDF 2");
        let record = std::fs::read_to_string(out.join(super::super::RECORD_FILE)).unwrap();
        assert!(record.contains("反馈/002-乙.pdf"), "recorded like every output: {record}");
    }

    #[test]
    fn the_scratch_folder_stays_behind() {
        let dir = tempfile::tempdir().unwrap();
        let files = staged(dir.path());
        std::fs::create_dir_all(files.scratch().join("profile")).unwrap();
        std::fs::write(files.scratch().join("profile/registrymodifications.xcu"), "x").unwrap();
        files.workbook(b"w").unwrap();
        files.commit(b"{}").unwrap();
        let mut names: Vec<String> = std::fs::read_dir(dir.path().join("out"))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(names, [".kaohe-outputs", "summary.json", "考核得分表.xlsx"]);
    }

    #[test]
    fn a_file_not_written_is_not_listed() {
        let dir = tempfile::tempdir().unwrap();
        let files = staged(dir.path());
        files.workbook(b"w").unwrap();
        files.bulletin(b"b").unwrap();
        assert_eq!(files.outputs()[..3], ["考核得分表.xlsx", "考核结果通报.docx", "反馈/001-甲.docx"]);
    }
}
