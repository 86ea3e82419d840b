//! Replacing kaohe's files in an existing output folder, all or nothing, and
//! cleaning up after a run that was killed.
//!
//! A replacement is a list of [`Step`]s: write a journal into an aside
//! folder beside the output folder (`.<out>.kaohe-replaced-<pid>`), move
//! each old kaohe file into it, move each new file in from the staging
//! folder (the record `.kaohe-outputs` last: the new record in place is the
//! moment of commit), then delete the aside folder. A step that fails rolls
//! back the ones before it. After a kill at any moment the output folder and
//! the aside folder together hold one complete set, and [`recover`] — run by
//! the next kaohe in the same parent folder — completes the replacement when
//! the new record is in place and rolls it back otherwise. It also removes
//! staging folders and locks whose process is gone (the pid is in their name
//! or content).

use std::ffi::OsStr;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::record::{RECORD_FILE, Record, file_sha256};
use crate::diagnostic::Text;

/// The journal's file name inside the aside folder.
const JOURNAL_FILE: &str = ".kaohe-journal";

/// What a replacement moves, written before its first move.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(super) struct Journal {
    /// The output folder's name in the parent folder.
    pub target: String,
    /// The staging folder's name in the parent folder.
    pub staging: String,
    /// The old kaohe files to move aside, relative to the output folder.
    pub old: Vec<String>,
    /// The new files to move in, relative to the output and staging folders,
    /// [`RECORD_FILE`] last.
    pub new: Vec<String>,
    /// The SHA-256 of the new record: in place, the replacement is done.
    pub record_sha256: String,
}

/// One step of a replacement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Step {
    /// Create the aside folder and write the journal into it.
    Begin,
    /// Move `old[i]` into the aside folder.
    Aside(usize),
    /// Move `new[i]` from the staging folder into the output folder.
    Place(usize),
    /// Delete the aside folder and the folders its files leave empty.
    Finish,
}

/// A step that failed: the file it concerned (relative to the output
/// folder), if any, and why.
#[derive(Debug)]
pub(super) struct StepError {
    pub file: Option<String>,
    pub error: io::Error,
}

/// A replacement in the folder `parent`, its aside folder named `aside`.
pub(super) struct Replacement {
    pub parent: PathBuf,
    pub aside: String,
    pub journal: Journal,
}

/// The aside folder's name for the output folder `target` and process `pid`.
pub(super) fn aside_name(target: &str, pid: u32) -> String {
    format!(".{target}.kaohe-replaced-{pid}")
}

impl Replacement {
    fn target(&self) -> PathBuf {
        self.parent.join(&self.journal.target)
    }

    fn staging(&self) -> PathBuf {
        self.parent.join(&self.journal.staging)
    }

    fn aside(&self) -> PathBuf {
        self.parent.join(&self.aside)
    }

    /// Every step, in order.
    pub(super) fn steps(&self) -> Vec<Step> {
        std::iter::once(Step::Begin)
            .chain((0..self.journal.old.len()).map(Step::Aside))
            .chain((0..self.journal.new.len()).map(Step::Place))
            .chain(std::iter::once(Step::Finish))
            .collect()
    }

    /// Runs every step; on a failure before the commit, rolls back.
    pub(super) fn execute(&self) -> Result<(), StepError> {
        self.execute_with(Self::apply)
    }

    /// [`Self::execute`] with `apply` doing each step (tests inject faults).
    pub(super) fn execute_with(
        &self,
        mut apply: impl FnMut(&Self, Step) -> Result<(), StepError>,
    ) -> Result<(), StepError> {
        for step in self.steps() {
            if let Err(error) = apply(self, step) {
                if step == Step::Finish {
                    // The new set is in place; the next run deletes what is left aside.
                    return Ok(());
                }
                self.roll_back();
                return Err(error);
            }
        }
        Ok(())
    }

    /// Does one step.
    pub(super) fn apply(&self, step: Step) -> Result<(), StepError> {
        let whole = |error| StepError { file: None, error };
        match step {
            Step::Begin => {
                fs::create_dir(self.aside()).map_err(whole)?;
                let journal = serde_json::to_vec(&self.journal).map_err(|error| whole(error.into()))?;
                let draft = self.aside().join(format!("{JOURNAL_FILE}.tmp"));
                fs::write(&draft, journal).map_err(whole)?;
                fs::rename(&draft, self.aside().join(JOURNAL_FILE)).map_err(whole)
            }
            Step::Aside(index) => {
                let path = &self.journal.old[index];
                move_file(&self.target().join(path), &self.aside().join(path))
                    .map_err(|error| StepError { file: Some(path.clone()), error })
            }
            Step::Place(index) => {
                let path = &self.journal.new[index];
                move_file(&self.staging().join(path), &self.target().join(path))
                    .map_err(|error| StepError { file: Some(path.clone()), error })
            }
            Step::Finish => {
                fs::remove_dir_all(self.aside()).map_err(whole)?;
                prune_empty_folders(&self.target(), &self.journal.old);
                Ok(())
            }
        }
    }

    /// Whether the new record has moved in (the replacement committed). An
    /// old record of the same bytes does not count: it never left staging.
    fn committed(&self) -> bool {
        !self.staging().join(RECORD_FILE).exists()
            && file_sha256(&self.target().join(RECORD_FILE))
                .is_ok_and(|hash| hash == self.journal.record_sha256)
    }

    /// Takes out the new files moved in so far and moves the old ones back.
    /// The aside folder is deleted only when every old file is back.
    fn roll_back(&self) {
        let (target, staging, aside) = (self.target(), self.staging(), self.aside());
        for path in self.journal.new.iter().rev() {
            // A new file is in place when it left the staging folder.
            if staging.is_dir() && !staging.join(path).exists() && target.join(path).is_file() {
                let _ = fs::remove_file(target.join(path));
            }
        }
        prune_empty_folders(&target, &self.journal.new);
        let mut restored = true;
        for path in &self.journal.old {
            let moved = aside.join(path);
            if moved.exists() && move_file(&moved, &target.join(path)).is_err() {
                restored = false;
            }
        }
        if restored {
            let _ = fs::remove_dir_all(&aside);
        }
    }

    /// Finishes or rolls back a replacement whose process is gone, removes
    /// its staging folder and says which it did.
    fn recover(&self) -> Text {
        let shown = self.target();
        let shown = shown.display();
        let note = if self.committed() {
            let _ = self.apply(Step::Finish);
            text!(
                "上次写入 {shown} 时被中断，现已完成替换",
                "writing {shown} was interrupted last time; the replacement has now been completed"
            )
        } else {
            self.roll_back();
            text!(
                "上次写入 {shown} 时被中断，现已恢复原有结果",
                "writing {shown} was interrupted last time; the earlier results have been restored"
            )
        };
        let _ = fs::remove_dir_all(self.staging());
        note
    }
}

/// Moves the file `from` to `to`, creating `to`'s folders; fails with
/// `AlreadyExists` when `to` exists, so no file is ever overwritten.
fn move_file(from: &Path, to: &Path) -> io::Result<()> {
    if let Some(parent) = to.parent() {
        fs::create_dir_all(parent)?;
    }
    rename_no_replace(from, to)
}

/// Renames `from` to `to` unless `to` exists. On Linux one `renameat2` call
/// with `RENAME_NOREPLACE` decides; elsewhere (or on a file system without
/// it) the check and the rename are two steps.
pub(super) fn rename_no_replace(from: &Path, to: &Path) -> io::Result<()> {
    #[cfg(all(target_os = "linux", any(target_env = "gnu", target_env = "musl")))]
    {
        use std::ffi::CString;
        use std::os::unix::ffi::OsStrExt;
        let c_path = |path: &Path| CString::new(path.as_os_str().as_bytes()).map_err(io::Error::from);
        let (from_c, to_c) = (c_path(from)?, c_path(to)?);
        // SAFETY: both paths are NUL-terminated C strings that outlive the call.
        let result = unsafe {
            libc::renameat2(
                libc::AT_FDCWD,
                from_c.as_ptr(),
                libc::AT_FDCWD,
                to_c.as_ptr(),
                libc::RENAME_NOREPLACE,
            )
        };
        if result == 0 {
            return Ok(());
        }
        let error = io::Error::last_os_error();
        if !matches!(error.raw_os_error(), Some(libc::EINVAL | libc::ENOSYS)) {
            return Err(error);
        }
    }
    if fs::symlink_metadata(to).is_ok() {
        return Err(io::ErrorKind::AlreadyExists.into());
    }
    fs::rename(from, to)
}

/// Removes the folders inside `root` that hold `paths` and are now empty,
/// deepest first.
fn prune_empty_folders(root: &Path, paths: &[String]) {
    let mut folders: Vec<&Path> = paths
        .iter()
        .flat_map(|path| Path::new(path).ancestors().skip(1))
        .filter(|f| !f.as_os_str().is_empty())
        .collect();
    folders.sort_by_key(|folder| std::cmp::Reverse(folder.components().count()));
    folders.dedup();
    for folder in folders {
        let _ = fs::remove_dir(root.join(folder));
    }
}

/// What a run leaves beside an output folder, by name.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Leftover {
    /// `.<out>.kaohe-<pid>`: a staging folder.
    Staging(u32),
    /// `.<out>.kaohe-replaced-<pid>`: an aside folder with its journal.
    Aside(u32),
    /// `.<out>.kaohe-lock`: the lock of a run moving files in.
    Lock,
}

impl Leftover {
    pub(super) fn of(name: &OsStr) -> Option<Leftover> {
        let (_, kind) = name.to_str()?.strip_prefix('.')?.rsplit_once(".kaohe-")?;
        if kind == "lock" {
            return Some(Leftover::Lock);
        }
        match kind.strip_prefix("replaced-") {
            Some(pid) => pid.parse().ok().map(Leftover::Aside),
            None => kind.parse().ok().map(Leftover::Staging),
        }
    }
}

/// The lock file's name for the output folder `target`.
pub(super) fn lock_name(target: &str) -> String {
    format!(".{target}.kaohe-lock")
}

/// Whether the process `pid` is still running. Where that can't be told
/// (not Unix) every process counts as running, so nothing is removed.
pub(super) fn is_running(pid: u32) -> bool {
    #[cfg(unix)]
    {
        let Ok(pid) = libc::pid_t::try_from(pid) else { return false };
        if pid <= 0 {
            return false;
        }
        // SAFETY: signal 0 sends nothing; it only asks whether `pid` exists.
        let result = unsafe { libc::kill(pid, 0) };
        result == 0 || io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
    }
    #[cfg(not(unix))]
    {
        let _ = pid;
        true
    }
}

/// In the folder `parent`: completes or rolls back every replacement whose
/// process is gone, then removes such processes' staging folders and locks.
/// Returns what it did to replacements, to be shown to the user.
pub(super) fn recover(parent: &Path) -> Vec<Text> {
    let Ok(entries) = fs::read_dir(parent) else { return Vec::new() };
    let mut leftovers: Vec<(PathBuf, Leftover)> = entries
        .filter_map(Result::ok)
        .filter_map(|entry| Leftover::of(&entry.file_name()).map(|leftover| (entry.path(), leftover)))
        .collect();
    // Replacements first: they need their staging folders to roll back.
    leftovers.sort_by_key(|(_, leftover)| !matches!(leftover, Leftover::Aside(_)));
    let mut notes = Vec::new();
    for (path, leftover) in leftovers {
        match leftover {
            Leftover::Aside(pid) if !is_running(pid) => {
                let journal = fs::read(path.join(JOURNAL_FILE));
                match journal.ok().and_then(|bytes| serde_json::from_slice::<Journal>(&bytes).ok()) {
                    Some(journal) => {
                        let aside =
                            path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
                        notes.push(Replacement { parent: parent.to_path_buf(), aside, journal }.recover());
                    }
                    // Killed before its journal was written: nothing was moved.
                    None if !path.join(JOURNAL_FILE).exists() => {
                        let _ = fs::remove_dir_all(&path);
                    }
                    None => {}
                }
            }
            Leftover::Staging(pid) if !is_running(pid) => {
                let _ = fs::remove_dir_all(&path);
            }
            Leftover::Lock => {
                let holder = fs::read_to_string(&path).ok().and_then(|pid| pid.trim().parse().ok());
                if !holder.is_some_and(is_running) {
                    let _ = fs::remove_file(&path);
                }
            }
            _ => {}
        }
    }
    notes
}

/// The record's SHA-256 as a journal keeps it.
pub(super) fn record_sha256(record: &Record) -> String {
    super::record::sha256(&record.to_bytes())
}
