//! The record of what a run wrote: `.kaohe-outputs` in the output folder, one
//! `sha256  path` line per file (paths relative, `/` between folders), sorted
//! by path, so the same outputs give the same bytes. `--force` removes only
//! files listed here whose bytes still match; anything else is not kaohe's.

use std::collections::BTreeMap;
use std::fs;
use std::io;
use std::path::{Component, Path};

pub(super) use crate::digest::sha256;

/// The record's file name inside the output folder. It is not one of the
/// `outputs` of summary.json.
pub const RECORD_FILE: &str = ".kaohe-outputs";

/// Each written file's relative path and the SHA-256 of its bytes.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(super) struct Record {
    files: BTreeMap<String, String>,
}

impl Record {
    /// Notes that `path` was written with `bytes`.
    pub(super) fn insert(&mut self, path: String, bytes: &[u8]) {
        self.files.insert(path, sha256(bytes));
    }

    /// The SHA-256 recorded for `path`.
    pub(super) fn hash(&self, path: &str) -> Option<&str> {
        self.files.get(path).map(String::as_str)
    }

    /// The recorded paths, sorted.
    pub(super) fn paths(&self) -> impl Iterator<Item = &str> {
        self.files.keys().map(String::as_str)
    }

    /// The record file's bytes.
    pub(super) fn to_bytes(&self) -> Vec<u8> {
        self.files.iter().map(|(path, hash)| format!("{hash}  {path}\n")).collect::<String>().into_bytes()
    }

    /// Reads a record's bytes; `None` when they are not a record (a line
    /// without a hash, a path that leaves the folder).
    pub(super) fn parse(bytes: &[u8]) -> Option<Record> {
        let text = std::str::from_utf8(bytes).ok()?;
        let mut files = BTreeMap::new();
        for line in text.lines() {
            let (hash, path) = line.split_once("  ")?;
            let is_hash =
                hash.len() == 64 && hash.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
            if !is_hash || !is_inside(path) {
                return None;
            }
            files.insert(path.to_owned(), hash.to_owned());
        }
        Some(Record { files })
    }

    /// The record of the folder `dir`: `Ok(None)` when there is none,
    /// `InvalidData` when the file is not a record.
    pub(super) fn read(dir: &Path) -> io::Result<Option<Record>> {
        match fs::read(dir.join(RECORD_FILE)) {
            Ok(bytes) => Record::parse(&bytes).map(Some).ok_or_else(|| io::ErrorKind::InvalidData.into()),
            Err(error) if error.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(error) => Err(error),
        }
    }
}

/// A relative path that stays inside its folder: no root, no `..`, no empty
/// or `.` part, and not the record itself.
fn is_inside(path: &str) -> bool {
    path != RECORD_FILE
        && !path.split('/').any(|part| part.is_empty() || part == "." || part == "..")
        && Path::new(path).components().all(|part| matches!(part, Component::Normal(_)))
}

/// The SHA-256 of the regular file at `path`; `InvalidInput` for anything
/// else (a folder, a link).
pub(super) fn file_sha256(path: &Path) -> io::Result<String> {
    if !fs::symlink_metadata(path)?.is_file() {
        return Err(io::ErrorKind::InvalidInput.into());
    }
    Ok(sha256(&fs::read(path)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_record_is_sorted_lines_that_read_back() {
        let mut record = Record::default();
        record.insert("反馈/001-甲.docx".into(), b"letter");
        record.insert("summary.json".into(), b"{}");
        let bytes = record.to_bytes();
        let text = String::from_utf8(bytes.clone()).unwrap();
        assert_eq!(
            text,
            format!("{}  summary.json\n{}  反馈/001-甲.docx\n", sha256(b"{}"), sha256(b"letter"))
        );
        assert_eq!(Record::parse(&bytes), Some(record));
    }

    #[test]
    fn a_record_naming_a_path_outside_its_folder_is_not_a_record() {
        let hash = sha256(b"x");
        for path in ["../台账.xlsx", "/etc/passwd", "a//b", "./a", RECORD_FILE] {
            assert_eq!(Record::parse(format!("{hash}  {path}\n").as_bytes()), None, "{path}");
        }
        assert_eq!(Record::parse(b"not a hash  a.txt\n"), None);
    }
}
