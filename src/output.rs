//! Writing results safely (SPEC §4): unit names become safe file names; all
//! files are written into a staging folder beside the output folder and
//! moved in only when every one is complete. An existing non-empty output
//! folder is refused unless `--force`, and even then only the entries kaohe
//! writes itself are replaced — nothing else in the folder is touched.
//! Interrupted with Ctrl-C, kaohe lets the file write or the final moves in
//! progress finish, removes the staging folder and exits with status 130, so
//! the output folder never holds half a run.

use std::collections::HashSet;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, RwLock, RwLockReadGuard, RwLockWriteGuard};

use unicode_normalization::UnicodeNormalization;

use crate::diagnostic::Text;

/// Why the output folder can't be used, or writing failed.
#[derive(Debug)]
pub struct OutputError(pub Text);

impl OutputError {
    fn io(path: &Path, error: io::Error) -> Self {
        let shown = path.display();
        OutputError(text!("无法写入 {shown}：{error}", "cannot write {shown}: {error}"))
    }
}

/// Characters unsafe in a file name on Windows or Unix.
fn is_unsafe(c: char) -> bool {
    matches!(c, '\\' | '/' | ':' | '*' | '?' | '"' | '<' | '>' | '|')
        || c.is_control()
        || matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

const RESERVED: [&str; 22] = [
    "CON", "PRN", "AUX", "NUL", "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8", "COM9",
    "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9",
];

/// Longest unit name kept in a file name, in characters.
const MAX_NAME_CHARS: usize = 60;

/// A unit name made safe as a file name: unsafe characters, a dot right
/// after a dot (no `..` anywhere) and leading or trailing dots and spaces
/// become `_`, cut to 60 characters, Windows device names get a `_` prefix.
pub fn safe_file_name(name: &str) -> String {
    let mut chars: Vec<char> = name.chars().map(|c| if is_unsafe(c) { '_' } else { c }).collect();
    chars.truncate(MAX_NAME_CHARS);
    for index in 1..chars.len() {
        if chars[index] == '.' && chars[index - 1] == '.' {
            chars[index] = '_';
        }
    }
    let is_edge = |c: &char| matches!(c, '.' | ' ');
    let leading = chars.iter().take_while(|c| is_edge(c)).count();
    let trailing = chars.iter().rev().take_while(|c| is_edge(c)).count();
    let keep = leading..chars.len().saturating_sub(trailing).max(leading);
    for (index, c) in chars.iter_mut().enumerate() {
        if !keep.contains(&index) {
            *c = '_';
        }
    }
    let name: String = chars.into_iter().collect();
    if name.is_empty() {
        return "_".to_owned();
    }
    let stem = name.split('.').next().unwrap_or("").trim_end().to_uppercase();
    if RESERVED.contains(&stem.as_str()) { format!("_{name}") } else { name }
}

/// File names of the feedback letters: `NNN-单位名称.docx`, NNN the rank
/// zero-padded to the digits of the number of letters (at least 3); a name
/// already taken gets `-2`, `-3`. Names are compared as macOS and Windows
/// do: after Unicode normalisation (NFC) and case folding, so `Café`
/// typed composed or decomposed, or as `CAFÉ`, names three files.
pub fn letter_file_names<'a>(letters: impl IntoIterator<Item = (u32, &'a str)>) -> Vec<String> {
    let letters: Vec<(u32, &str)> = letters.into_iter().collect();
    let width = letters.len().to_string().len().max(3);
    let same_file = |name: &str| name.nfc().collect::<String>().to_lowercase();
    let mut taken = HashSet::new();
    letters
        .iter()
        .map(|&(rank, name)| {
            let base = format!("{rank:0width$}-{}", safe_file_name(name));
            let mut candidate = base.clone();
            let mut counter = 1;
            while !taken.insert(same_file(&candidate)) {
                counter += 1;
                candidate = format!("{base}-{counter}");
            }
            format!("{candidate}.docx")
        })
        .collect()
}

/// The staging folder of the run in progress. Held while a file is written
/// (shared: several files are written at once) or while the folder is set
/// up, moved in or removed (exclusive), so an interrupt waits for the step
/// in progress to end.
static IN_PROGRESS: RwLock<Option<PathBuf>> = RwLock::new(None);

/// The lock for writing one file.
fn writing() -> RwLockReadGuard<'static, Option<PathBuf>> {
    IN_PROGRESS.read().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The lock for setting up, moving in or removing the staging folder.
fn in_progress() -> RwLockWriteGuard<'static, Option<PathBuf>> {
    IN_PROGRESS.write().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Exit status of a run interrupted with Ctrl-C (128 + SIGINT).
pub const EXIT_INTERRUPTED: i32 = 130;

/// Installs the Ctrl-C handler: it removes the staging folder of the run in
/// progress, if any, and exits with [`EXIT_INTERRUPTED`]. Installing it a
/// second time does nothing.
pub fn remove_staging_on_interrupt() {
    let _ = ctrlc::set_handler(|| {
        let _held = abandon_staging();
        std::process::exit(EXIT_INTERRUPTED);
    });
}

/// Waits for the step in progress, removes the staging folder and returns
/// the lock, so that no other step starts before the process exits.
fn abandon_staging() -> RwLockWriteGuard<'static, Option<PathBuf>> {
    let mut staging = in_progress();
    if let Some(path) = staging.take() {
        let _ = fs::remove_dir_all(path);
    }
    staging
}

/// The files of one run, staged beside the output folder.
pub struct Staging {
    target: PathBuf,
    staging: PathBuf,
    /// The top-level entries written so far (files and folders).
    entries: Mutex<Vec<PathBuf>>,
}

/// Checks that `dir` may receive output: not a file, not an input, and
/// empty or absent unless `force`.
pub fn check_target(dir: &Path, inputs: &[PathBuf], force: bool) -> Result<(), OutputError> {
    let shown = dir.display();
    if dir.is_file() {
        return Err(OutputError(text!(
            "输出位置 {shown} 是一个文件，请指定文件夹",
            "the output {shown} is a file; give a folder"
        )));
    }
    let canonical = fs::canonicalize(dir).ok();
    for input in inputs {
        if canonical.is_some() && fs::canonicalize(input).ok() == canonical {
            return Err(OutputError(text!(
                "输出位置 {shown} 是一个输入文件",
                "the output {shown} is one of the inputs"
            )));
        }
    }
    let non_empty = fs::read_dir(dir).map(|mut entries| entries.next().is_some()).unwrap_or(false);
    if non_empty && !force {
        return Err(OutputError(text!(
            "输出文件夹 {shown} 已存在且不为空，未做任何改动；如需覆盖 kaohe 生成的文件，请加 --force",
            "the output folder {shown} exists and is not empty; nothing was changed. Use --force to replace the files kaohe writes"
        )));
    }
    Ok(())
}

impl Staging {
    /// Creates a staging folder next to `target` (same file system, so the
    /// final moves are renames).
    pub fn new(target: &Path) -> Result<Self, OutputError> {
        let parent = match target.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
            _ => PathBuf::from("."),
        };
        fs::create_dir_all(&parent).map_err(|e| OutputError::io(&parent, e))?;
        let name = target.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let staging = parent.join(format!(".{name}.kaohe-{}", std::process::id()));
        let mut registered = in_progress();
        let _ = fs::remove_dir_all(&staging);
        fs::create_dir(&staging).map_err(|e| OutputError::io(&staging, e))?;
        *registered = Some(staging.clone());
        Ok(Staging { target: target.to_path_buf(), staging, entries: Mutex::new(Vec::new()) })
    }

    /// Writes `bytes` at `relative` inside the staging folder. Several
    /// threads may write at once.
    pub fn write(&self, relative: &Path, bytes: &[u8]) -> Result<(), OutputError> {
        let _step = writing();
        let path = self.staging.join(relative);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).map_err(|e| OutputError::io(parent, e))?;
        }
        fs::write(&path, bytes).map_err(|e| OutputError::io(&path, e))?;
        if let Some(top) = relative.components().next() {
            let top = PathBuf::from(top.as_os_str());
            let mut entries = self.entries.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            if !entries.contains(&top) {
                entries.push(top);
            }
        }
        Ok(())
    }

    /// Moves every staged entry into the output folder, replacing only the
    /// entries of the same name.
    pub fn commit(mut self) -> Result<(), OutputError> {
        let mut step = in_progress();
        *step = None;
        if !self.target.exists() {
            fs::rename(&self.staging, &self.target).map_err(|e| OutputError::io(&self.target, e))?;
            self.entries.get_mut().unwrap_or_else(|poisoned| poisoned.into_inner()).clear();
            return Ok(());
        }
        let entries = std::mem::take(self.entries.get_mut().unwrap_or_else(|poisoned| poisoned.into_inner()));
        for entry in entries {
            let destination = self.target.join(&entry);
            if destination.is_dir() {
                fs::remove_dir_all(&destination).map_err(|e| OutputError::io(&destination, e))?;
            } else if destination.exists() {
                fs::remove_file(&destination).map_err(|e| OutputError::io(&destination, e))?;
            }
            fs::rename(self.staging.join(&entry), &destination)
                .map_err(|e| OutputError::io(&destination, e))?;
        }
        Ok(())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        let mut registered = in_progress();
        if registered.as_ref() == Some(&self.staging) {
            *registered = None;
        }
        let _ = fs::remove_dir_all(&self.staging);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unsafe_names_become_safe() {
        assert_eq!(safe_file_name("办公室/党支部"), "办公室_党支部");
        assert_eq!(safe_file_name("..\\..\\x"), "___.__x");
        assert_eq!(safe_file_name("a...b"), "a._.b");
        assert_eq!(safe_file_name("a:b*c?d\"e<f>g|h"), "a_b_c_d_e_f_g_h");
        assert_eq!(safe_file_name(" .名称. "), "__名称__");
        assert_eq!(safe_file_name("CON"), "_CON");
        assert_eq!(safe_file_name("nul.txt"), "_nul.txt");
        assert_eq!(safe_file_name("CONSOLE"), "CONSOLE");
        assert_eq!(safe_file_name("a\u{202E}b\tc"), "a_b_c");
        assert_eq!(safe_file_name(""), "_");
        assert_eq!(safe_file_name(&"长".repeat(300)).chars().count(), 60);
    }

    #[test]
    fn letter_names_are_ranked_padded_and_unique() {
        let names = letter_file_names([(1, "第一党支部"), (2, "A/B"), (2, "A_B"), (4, "a_b")]);
        assert_eq!(names, ["001-第一党支部.docx", "002-A_B.docx", "002-A_B-2.docx", "004-a_b.docx"]);
        let many: Vec<(u32, &str)> = (1..=1200).map(|rank| (rank, "x")).collect();
        assert_eq!(letter_file_names(many)[0], "0001-x.docx");
    }

    #[test]
    fn letter_names_differing_only_in_normal_form_or_case_get_suffixes() {
        let names = letter_file_names([(1, "Café"), (1, "Cafe\u{301}"), (1, "CAFÉ"), (1, "CAFE\u{301}")]);
        assert_eq!(
            names,
            ["001-Café.docx", "001-Cafe\u{301}-2.docx", "001-CAFÉ-3.docx", "001-CAFE\u{301}-4.docx"]
        );
    }

    #[test]
    fn staging_replaces_only_its_own_entries() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out");
        fs::create_dir(&target).unwrap();
        fs::write(target.join("keep.txt"), "mine").unwrap();
        fs::write(target.join("summary.json"), "old").unwrap();
        assert!(check_target(&target, &[], false).is_err());
        check_target(&target, &[], true).unwrap();
        let staging = Staging::new(&target).unwrap();
        staging.write(Path::new("summary.json"), b"new").unwrap();
        staging.write(Path::new("反馈/001-x.docx"), b"doc").unwrap();
        staging.commit().unwrap();
        assert_eq!(fs::read_to_string(target.join("keep.txt")).unwrap(), "mine");
        assert_eq!(fs::read_to_string(target.join("summary.json")).unwrap(), "new");
        assert_eq!(fs::read(target.join("反馈/001-x.docx")).unwrap(), b"doc");
        let leftovers: Vec<_> = fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(leftovers.len(), 1, "the staging folder is gone");
    }

    #[test]
    fn an_interrupt_removes_the_staging_folder() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out");
        let staging = Staging::new(&target).unwrap();
        staging.write(Path::new("summary.json"), b"half").unwrap();
        drop(abandon_staging());
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 0, "nothing is left beside the target");
        drop(staging);
        assert!(!target.exists());
    }

    #[test]
    fn a_file_or_an_input_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("台账.xlsx");
        fs::write(&file, "x").unwrap();
        assert!(check_target(&file, std::slice::from_ref(&file), true).is_err());
    }
}
