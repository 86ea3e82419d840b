//! Writing results safely (docs/输出文件夹.md). Output owns the paths: what
//! each file is called (`output/names.rs`: unit names become safe file
//! names) and where it goes. It knows nothing of rendering: the renderers
//! make bytes, and the top of the program hands them on ([`ScoreFiles`] for
//! `score`). Every file is written into a staging folder beside the output
//! folder (`.<out>.kaohe-<pid>`) and moved in only when all are complete;
//! the run records what it wrote, with each file's SHA-256, in
//! [`RECORD_FILE`].
//!
//! - Before any work ([`Destination::open`]) an output path that is a file,
//!   an input where an output would go, and a non-empty folder without
//!   `--force` are refused. With `--force` only recorded files whose bytes
//!   still match are replaced; a file at an output path that kaohe did not
//!   write, or that changed since, is refused by name, and a folder without
//!   a record counts as foreign. Files kaohe did not write stay.
//! - At the move ([`Staging::commit`]) the checks are made again under a
//!   lock file beside the folder (`.<out>.kaohe-lock`), so of two kaohe runs
//!   into one folder exactly one succeeds. A new folder is one rename of the
//!   staging folder onto a path that must not exist: on Linux
//!   `renameat2(RENAME_NOREPLACE)`, atomic against any writer; elsewhere a
//!   check, then the rename. Into an existing folder files move one by one,
//!   never over an existing file, under a journal (`output/journal.rs`): a
//!   failure or a kill leaves the old set or the new, never a mix. (Linux
//!   could also exchange two folders atomically, but the output folder may
//!   hold the user's own files and be someone's working directory, so it is
//!   never swapped; the journal does this work on every platform.)
//! - Interrupted with Ctrl-C, SIGTERM or SIGHUP, kaohe lets the file write
//!   or the final moves in progress finish, removes the staging folder and
//!   exits with status 130. After a kill, the next run in the same parent
//!   folder completes or rolls back the replacement and removes the staging
//!   folder and lock of the dead process.
//! - Messages name the output folder or file the user knows, with the
//!   system's reason in the message language ([`os_error`]).

mod journal;
mod names;
mod record;
mod score_files;

use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, RwLock, RwLockReadGuard, RwLockWriteGuard};

pub use names::{
    BULLETIN_FILE, LETTERS_DIR, SUMMARY_FILE, VOLUME_FILE, WORKBOOK_FILE, letter_file_names, letter_paths,
    pdf_path, safe_file_name,
};
pub use record::RECORD_FILE;
use record::{Record, file_sha256};
pub use score_files::ScoreFiles;

use crate::diagnostic::{Failure, Text};

/// Why the output folder can't be used, or writing failed.
#[derive(Debug)]
pub struct OutputError(pub Text);

impl OutputError {
    /// Writing `shown` (the output folder or file as the user knows it)
    /// failed for `error`.
    fn io(shown: &Path, error: &io::Error) -> Self {
        let shown = shown.display();
        let Text { zh, en } = os_error(error);
        OutputError(text!("无法写入 {shown}：{zh}", "cannot write {shown}: {en}"))
    }
}

impl From<OutputError> for Failure {
    fn from(error: OutputError) -> Self {
        Failure::Message(error.0)
    }
}

/// The system's reason for a failed file operation, in both languages.
pub fn os_error(error: &io::Error) -> Text {
    use io::ErrorKind::*;
    let (zh, en) = match error.kind() {
        PermissionDenied => ("没有权限", "permission denied"),
        StorageFull => ("磁盘空间不足", "no space left on the disk"),
        QuotaExceeded => ("超出磁盘配额", "disk quota exceeded"),
        ReadOnlyFilesystem => ("只读文件系统", "read-only file system"),
        AlreadyExists => ("文件已存在", "the file already exists"),
        NotFound => ("找不到文件或文件夹", "no such file or folder"),
        DirectoryNotEmpty => ("文件夹不为空", "the folder is not empty"),
        NotADirectory => ("路径中有一项不是文件夹", "a part of the path is not a folder"),
        IsADirectory => ("这是一个文件夹", "it is a folder"),
        FileTooLarge => ("文件过大", "the file is too large"),
        ResourceBusy => ("文件正在使用中", "the file is in use"),
        CrossesDevices => ("不能跨磁盘移动", "cannot move across disks"),
        InvalidFilename => ("文件名无效", "invalid file name"),
        InvalidData => ("内容无法识别", "its contents are not recognised"),
        _ => return Text::new(format!("系统错误（{error}）"), format!("system error ({error})")),
    };
    Text::new(zh, en)
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

/// Exit status of a run interrupted with Ctrl-C (128 + SIGINT), SIGTERM or
/// SIGHUP.
pub const EXIT_INTERRUPTED: i32 = 130;

/// Installs the handler of Ctrl-C, SIGTERM and SIGHUP: it removes the
/// staging folder of the run in progress, if any, and exits with
/// [`EXIT_INTERRUPTED`]. Installing it a second time does nothing.
pub fn remove_staging_on_interrupt() {
    let _ = ctrlc::set_handler(|| exit_interrupted(|| {}));
}

/// Ends an interrupted process: waits for the file write or move in
/// progress, removes the staging folder, runs `clean_up` while no other
/// write can start, and exits with [`EXIT_INTERRUPTED`].
pub fn exit_interrupted(clean_up: impl FnOnce()) -> ! {
    crate::libreoffice::stop_running();
    let _held = abandon_staging();
    clean_up();
    std::process::exit(EXIT_INTERRUPTED);
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

/// What a command will write, as far as it is known before any work: its
/// files, and the folders whose file names it chooses itself (the letters).
/// Paths are relative to the output folder, `/` between folders.
#[derive(Debug, Clone, Default)]
pub struct Planned {
    pub files: Vec<String>,
    pub folders: Vec<String>,
}

/// An output folder that passed the checks before any work.
#[derive(Debug)]
pub struct Destination {
    /// As the user gave it: what messages show.
    shown: PathBuf,
    /// The folder holding it, resolved.
    parent: PathBuf,
    /// Its name in `parent`.
    name: String,
    force: bool,
    /// What recovering killed runs beside it did.
    recovered: Vec<Text>,
}

/// `path` made absolute with every existing part resolved (links, `.`,
/// `..`), so two spellings of one place compare equal.
fn resolve(path: &Path) -> PathBuf {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut missing = Vec::new();
    let mut existing = absolute.as_path();
    loop {
        if let Ok(real) = fs::canonicalize(existing) {
            return missing.iter().rev().fold(real, |path, name| path.join(name));
        }
        match (existing.parent(), existing.file_name()) {
            (Some(parent), Some(name)) => {
                missing.push(name.to_owned());
                existing = parent;
            }
            _ => return absolute,
        }
    }
}

/// `relative` (a path inside the output folder) as a record spells it.
fn record_path(relative: &Path) -> String {
    relative.components().map(|part| part.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/")
}

fn is_empty_folder(path: &Path) -> bool {
    fs::read_dir(path).is_ok_and(|mut entries| entries.next().is_none())
}

impl Destination {
    /// Prepares the output folder `path` before any work: first completes or
    /// rolls back what killed runs left beside it (see [`Self::recovered`]),
    /// then refuses a path that is a file, any of `inputs` (files or
    /// folders) lying where an output of `planned` would go, and an existing
    /// non-empty folder — unless `force`, and then still a folder whose
    /// planned files kaohe did not record or that changed since.
    pub fn open(
        path: &Path,
        inputs: &[PathBuf],
        force: bool,
        planned: &Planned,
    ) -> Result<Self, OutputError> {
        let shown = path.display();
        let dir = resolve(path);
        let (Some(parent), Some(name)) = (dir.parent(), dir.file_name()) else {
            return Err(OutputError(text!(
                "输出位置 {shown} 不能是根目录，请指定文件夹",
                "the output {shown} cannot be the root; give a folder"
            )));
        };
        if dir.is_file() {
            return Err(OutputError(text!(
                "输出位置 {shown} 是一个文件，请指定文件夹",
                "the output {shown} is a file; give a folder"
            )));
        }
        let recovered = journal::recover(parent);
        let destination = Destination {
            shown: path.to_path_buf(),
            parent: parent.to_path_buf(),
            name: name.to_string_lossy().into_owned(),
            force,
            recovered,
        };
        destination.refuse_inputs(&dir, inputs, planned)?;
        if is_empty_folder(&dir) || !dir.exists() {
            return Ok(destination);
        }
        if !force {
            return Err(OutputError(text!(
                "输出文件夹 {shown} 已存在且不为空，未做任何改动；如需覆盖 kaohe 生成的文件，请加 --force",
                "the output folder {shown} exists and is not empty; nothing was changed. Use --force to replace the files kaohe writes"
            )));
        }
        let written = planned.files.iter().map(String::as_str);
        destination.replaceable(written, &planned.folders)?;
        Ok(destination)
    }

    /// What completing or rolling back killed runs' replacements beside the
    /// folder did, to tell the user.
    pub fn recovered(&self) -> &[Text] {
        &self.recovered
    }

    fn dir(&self) -> PathBuf {
        self.parent.join(&self.name)
    }

    /// Refuses an input that is the output folder, lies in a folder of
    /// `planned`, is a planned or recorded file, or is the record.
    fn refuse_inputs(&self, dir: &Path, inputs: &[PathBuf], planned: &Planned) -> Result<(), OutputError> {
        let recorded = Record::read(dir).ok().flatten().unwrap_or_default();
        let shown = self.shown.display();
        for input in inputs {
            let resolved = resolve(input);
            let input = input.display();
            if resolved == dir {
                return Err(OutputError(text!(
                    "输出位置 {shown} 是一个输入文件",
                    "the output {shown} is one of the inputs"
                )));
            }
            let Ok(inside) = resolved.strip_prefix(dir) else { continue };
            let inside = record_path(inside);
            let top = inside.split('/').next().unwrap_or_default();
            let taken = planned.files.contains(&inside)
                || planned.folders.iter().any(|folder| folder == top)
                || recorded.hash(&inside).is_some()
                || inside == RECORD_FILE;
            if taken {
                return Err(OutputError(text!(
                    "输入 {input} 位于输出文件夹 {shown} 中 kaohe 要写出结果的位置，未做任何改动；请改用别的输出文件夹，或把输入移到别处",
                    "the input {input} lies where kaohe writes its results in the output folder {shown}; nothing was changed. Choose another output folder or move the input"
                )));
            }
        }
        Ok(())
    }

    /// Under `--force`: checks that every file at a path of `written` (and
    /// in `folders`, for a folder without a record) is one kaohe recorded and
    /// unchanged, and returns the recorded files present (the record
    /// included), which the run replaces.
    fn replaceable<'a>(
        &self,
        mut written: impl Iterator<Item = &'a str>,
        folders: &[String],
    ) -> Result<Vec<String>, OutputError> {
        let dir = self.dir();
        let shown = self.shown.display();
        let record = match Record::read(&dir) {
            Ok(Some(record)) => record,
            Ok(None) => {
                let foreign = written
                    .find(|path| fs::symlink_metadata(dir.join(path)).is_ok())
                    .map(|path| self.shown.join(path))
                    .or_else(|| {
                        let folder = folders
                            .iter()
                            .find(|folder| dir.join(folder).exists() && !is_empty_folder(&dir.join(folder)));
                        folder.map(|folder| self.shown.join(folder))
                    });
                return match foreign {
                    None => Ok(Vec::new()),
                    Some(foreign) => {
                        let foreign = foreign.display();
                        Err(OutputError(text!(
                            "输出文件夹 {shown} 中没有 kaohe 的写出记录（{RECORD_FILE}），{foreign} 不能确定是 kaohe 写出的（可能来自旧版本），未做任何改动；请改用新的输出文件夹",
                            "the output folder {shown} has no record of what kaohe wrote ({RECORD_FILE}), so {foreign} may not be kaohe's (perhaps from an older version); nothing was changed. Use a new output folder"
                        )))
                    }
                };
            }
            Err(error) => {
                let record = self.shown.join(RECORD_FILE);
                let record = record.display();
                let Text { zh, en } = os_error(&error);
                return Err(OutputError(text!(
                    "无法读取 kaohe 的写出记录 {record}（{zh}），未做任何改动；请改用新的输出文件夹",
                    "cannot read kaohe's record {record} ({en}); nothing was changed. Use a new output folder"
                )));
            }
        };
        let mut replaced = Vec::new();
        for path in record.paths() {
            match file_sha256(&dir.join(path)) {
                Ok(hash) if Some(hash.as_str()) == record.hash(path) => replaced.push(path.to_owned()),
                Err(error) if error.kind() == io::ErrorKind::NotFound => {}
                _ => {
                    let changed = self.shown.join(path);
                    let changed = changed.display();
                    return Err(OutputError(text!(
                        "{changed} 在 kaohe 写出后被修改过，未做任何改动；如需保留请先移走它，或改用新的输出文件夹",
                        "{changed} was changed after kaohe wrote it; nothing was changed. Move it away to keep it, or use a new output folder"
                    )));
                }
            }
        }
        if let Some(foreign) =
            written.find(|path| record.hash(path).is_none() && fs::symlink_metadata(dir.join(path)).is_ok())
        {
            let foreign = self.shown.join(foreign);
            let foreign = foreign.display();
            return Err(OutputError(text!(
                "{foreign} 不是 kaohe 写出的文件，未做任何改动；请先移走它，或改用新的输出文件夹",
                "{foreign} was not written by kaohe; nothing was changed. Move it away, or use a new output folder"
            )));
        }
        replaced.push(RECORD_FILE.to_owned());
        Ok(replaced)
    }
}

/// The lock beside an output folder while files move in; removed when
/// dropped. It holds the pid of its process: written into the staging folder
/// first and then renamed into place, so it is never seen empty.
struct Lock(PathBuf);

impl Lock {
    fn take(destination: &Destination, staging: &Path) -> Result<Lock, OutputError> {
        let draft = staging.join(journal::lock_name(&destination.name));
        fs::write(&draft, std::process::id().to_string())
            .map_err(|e| OutputError::io(&destination.shown, &e))?;
        let path = destination.parent.join(journal::lock_name(&destination.name));
        match journal::rename_no_replace(&draft, &path) {
            Ok(()) => Ok(Lock(path)),
            Err(error) if error.kind() == io::ErrorKind::AlreadyExists => Err(written_meanwhile(destination)),
            Err(error) => Err(OutputError::io(&destination.shown, &error)),
        }
    }
}

impl Drop for Lock {
    fn drop(&mut self) {
        let _ = fs::remove_file(&self.0);
    }
}

/// The output folder was written by someone else during the run.
fn written_meanwhile(destination: &Destination) -> OutputError {
    let shown = destination.shown.display();
    OutputError(text!(
        "输出文件夹 {shown} 在本次运行期间被写入（可能另有一个 kaohe 同时在写），未做任何改动",
        "the output folder {shown} was written to during this run (perhaps by another kaohe at the same time); nothing was changed"
    ))
}

/// The files of one run, staged beside the output folder.
pub struct Staging {
    destination: Destination,
    staging: PathBuf,
    /// What was written so far.
    record: Mutex<Record>,
}

impl Staging {
    /// Creates a staging folder next to the output folder (same file system,
    /// so the final moves are renames).
    pub fn new(destination: Destination) -> Result<Self, OutputError> {
        let parent = &destination.parent;
        fs::create_dir_all(parent).map_err(|e| OutputError::io(&destination.shown, &e))?;
        let staging = parent.join(format!(".{}.kaohe-{}", destination.name, std::process::id()));
        let mut registered = in_progress();
        let _ = fs::remove_dir_all(&staging);
        fs::create_dir(&staging).map_err(|e| OutputError::io(&destination.shown, &e))?;
        *registered = Some(staging.clone());
        Ok(Staging { destination, staging, record: Mutex::new(Record::default()) })
    }

    /// Where `relative` is inside the staging folder, for a program that
    /// reads what was staged (LibreOffice, `--pdf`).
    pub fn path(&self, relative: &Path) -> PathBuf {
        self.staging.join(relative)
    }

    /// The output folder as the user gave it, for messages.
    fn shown(&self) -> &Path {
        &self.destination.shown
    }

    /// Writes `bytes` at `relative` inside the staging folder. Several
    /// threads may write at once.
    pub fn write(&self, relative: &Path, bytes: &[u8]) -> Result<(), OutputError> {
        let _step = writing();
        let shown = || self.destination.shown.join(relative);
        let path = self.staging.join(relative);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).map_err(|e| OutputError::io(&shown(), &e))?;
        }
        fs::write(&path, bytes).map_err(|e| OutputError::io(&shown(), &e))?;
        self.record
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .insert(record_path(relative), bytes);
        Ok(())
    }

    /// Writes the record and moves everything staged into the output folder:
    /// a new folder in one rename; into an existing one (empty, or under
    /// `--force` replacing kaohe's recorded files) by the journal.
    pub fn commit(mut self) -> Result<(), OutputError> {
        let mut step = in_progress();
        *step = None;
        let record = std::mem::take(self.record.get_mut().unwrap_or_else(|poisoned| poisoned.into_inner()));
        let destination = &self.destination;
        let shown = &destination.shown;
        fs::write(self.staging.join(RECORD_FILE), record.to_bytes())
            .map_err(|e| OutputError::io(shown, &e))?;
        let _lock = Lock::take(destination, &self.staging)?;
        let dir = destination.dir();
        if fs::symlink_metadata(&dir).is_err() {
            match journal::rename_no_replace(&self.staging, &dir) {
                Ok(()) => return Ok(()),
                Err(error)
                    if matches!(
                        error.kind(),
                        io::ErrorKind::AlreadyExists | io::ErrorKind::DirectoryNotEmpty
                    ) => {}
                Err(error) => return Err(OutputError::io(shown, &error)),
            }
        }
        let new: Vec<String> = record.paths().map(str::to_owned).chain([RECORD_FILE.to_owned()]).collect();
        let old = if destination.force {
            destination.replaceable(record.paths(), &[])?
        } else if is_empty_folder(&dir) {
            Vec::new()
        } else {
            return Err(written_meanwhile(destination));
        };
        let name =
            |path: &Path| path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let replacement = journal::Replacement {
            parent: destination.parent.clone(),
            aside: journal::aside_name(&destination.name, std::process::id()),
            journal: journal::Journal {
                target: destination.name.clone(),
                staging: name(&self.staging),
                old,
                new,
                record_sha256: journal::record_sha256(&record),
            },
        };
        replacement.execute().map_err(|failed| {
            let file = failed.file.map_or_else(|| shown.clone(), |file| shown.join(file));
            let file = file.display();
            let Text { zh, en } = os_error(&failed.error);
            OutputError(text!(
                "无法写入 {file}：{zh}；输出文件夹保持原样",
                "cannot write {file}: {en}; the output folder was left as it was"
            ))
        })
    }
}

/// Stages `files` — (path inside the output folder, bytes) — and moves them
/// into `destination`.
pub fn write_files<'a>(
    destination: Destination,
    files: impl IntoIterator<Item = (&'a str, &'a [u8])>,
) -> Result<(), OutputError> {
    let staging = Staging::new(destination)?;
    for (path, bytes) in files {
        staging.write(Path::new(path), bytes)?;
    }
    staging.commit()
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
    use std::collections::BTreeMap;

    use super::journal::{Replacement, Step};
    use super::*;

    /// Everything under `dir`: each file's relative path and SHA-256.
    fn files(dir: &Path) -> BTreeMap<String, String> {
        let mut found = BTreeMap::new();
        let mut folders = vec![dir.to_path_buf()];
        while let Some(folder) = folders.pop() {
            for entry in fs::read_dir(&folder).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    folders.push(path);
                } else {
                    let relative = record_path(path.strip_prefix(dir).unwrap());
                    found.insert(relative, record::sha256(&fs::read(&path).unwrap()));
                }
            }
        }
        found
    }

    /// The names in `parent` other than `keep`.
    fn beside(parent: &Path, keep: &str) -> Vec<String> {
        let names =
            fs::read_dir(parent).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned());
        names.filter(|name| name != keep).collect()
    }

    /// Stages `outputs` and moves them into `target`.
    fn write_outputs(target: &Path, outputs: &[(&str, &str)], force: bool) -> Result<(), OutputError> {
        let destination = Destination::open(target, &[], force, &Planned::default())?;
        let staging = Staging::new(destination)?;
        for (path, bytes) in outputs {
            staging.write(Path::new(path), bytes.as_bytes())?;
        }
        staging.commit()
    }

    /// Files as [`files`] lists them: path → SHA-256 of the contents.
    fn hashed(files: &[(&str, &str)]) -> BTreeMap<String, String> {
        files.iter().map(|(path, bytes)| ((*path).to_owned(), record::sha256(bytes.as_bytes()))).collect()
    }

    /// The expected contents of a folder: `outputs` with their record, plus `foreign`.
    fn expected(outputs: &[(&str, &str)], foreign: &[(&str, &str)]) -> BTreeMap<String, String> {
        let mut record = Record::default();
        for (path, bytes) in outputs {
            record.insert((*path).to_owned(), bytes.as_bytes());
        }
        let mut all = hashed(outputs);
        all.extend(hashed(foreign));
        all.insert(RECORD_FILE.to_owned(), record::sha256(&record.to_bytes()));
        all
    }

    const OLD: [(&str, &str); 3] =
        [("summary.json", "old"), ("反馈/001-甲.docx", "甲"), ("反馈/002-乙.docx", "乙")];
    const NEW: [(&str, &str); 3] =
        [("summary.json", "new"), ("反馈/001-乙.docx", "乙2"), ("考核得分表.xlsx", "表")];
    const FOREIGN: [(&str, &str); 3] =
        [("keep.txt", "mine"), ("反馈/签字版.pdf", "signed"), ("照片/1.jpg", "jpg")];

    #[test]
    fn force_replaces_exactly_the_recorded_files() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out");
        write_outputs(&target, &OLD, false).unwrap();
        for (path, bytes) in FOREIGN {
            fs::create_dir_all(target.join(path).parent().unwrap()).unwrap();
            fs::write(target.join(path), bytes).unwrap();
        }
        assert!(write_outputs(&target, &NEW, false).is_err());
        assert_eq!(files(&target), expected(&OLD, &FOREIGN));
        write_outputs(&target, &NEW, true).unwrap();
        assert_eq!(files(&target), expected(&NEW, &FOREIGN), "002-乙 went with its record");
        assert!(beside(dir.path(), "out").is_empty(), "no staging, aside or lock is left");
    }

    #[test]
    fn force_refuses_a_changed_or_foreign_output_by_name() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out");
        write_outputs(&target, &OLD, false).unwrap();
        fs::write(target.join("反馈/002-乙.docx"), "edited").unwrap();
        let error = write_outputs(&target, &NEW, true).unwrap_err();
        let changed = target.join("反馈/002-乙.docx");
        assert_eq!(
            error.0.en,
            format!(
                "{} was changed after kaohe wrote it; nothing was changed. Move it away to keep it, or use a new output folder",
                changed.display()
            )
        );
        fs::write(target.join("反馈/002-乙.docx"), "乙").unwrap();
        fs::write(target.join("考核得分表.xlsx"), "someone's").unwrap();
        let error = write_outputs(&target, &NEW, true).unwrap_err();
        let foreign = target.join("考核得分表.xlsx");
        assert_eq!(
            error.0.zh,
            format!(
                "{} 不是 kaohe 写出的文件，未做任何改动；请先移走它，或改用新的输出文件夹",
                foreign.display()
            )
        );
        assert_eq!(files(&target), expected(&OLD, &[("考核得分表.xlsx", "someone's")]));
        assert!(beside(dir.path(), "out").is_empty());
    }

    #[test]
    fn a_file_put_into_the_folder_during_the_run_is_never_overwritten() {
        for existed in [false, true] {
            let dir = tempfile::tempdir().unwrap();
            let target = dir.path().join("out");
            if existed {
                fs::create_dir(&target).unwrap();
            }
            let destination = Destination::open(&target, &[], false, &Planned::default()).unwrap();
            let staging = Staging::new(destination).unwrap();
            staging.write(Path::new("summary.json"), b"ours").unwrap();
            fs::create_dir_all(&target).unwrap();
            fs::write(target.join("summary.json"), "theirs").unwrap();
            let error = staging.commit().unwrap_err();
            assert_eq!(
                error.0.zh,
                format!(
                    "输出文件夹 {} 在本次运行期间被写入（可能另有一个 kaohe 同时在写），未做任何改动",
                    target.display()
                )
            );
            assert_eq!(files(&target), hashed(&[("summary.json", "theirs")]));
            assert!(beside(dir.path(), "out").is_empty());
        }
    }

    /// A replacement from [`OLD`] to [`NEW`] in `parent/out` prepared as a
    /// run with the (dead) pid [`GONE`] would: the staging folder full.
    fn prepared_replacement(parent: &Path) -> Replacement {
        let target = parent.join("out");
        write_outputs(&target, &OLD, false).unwrap();
        fs::write(target.join("keep.txt"), "mine").unwrap();
        // Opened first: it would remove the staging folder of the dead pid.
        let destination = Destination::open(&target, &[], true, &Planned::default()).unwrap();
        let staging = parent.join(format!(".out.kaohe-{GONE}"));
        let mut record = Record::default();
        for (path, bytes) in NEW {
            fs::create_dir_all(staging.join(path).parent().unwrap()).unwrap();
            fs::write(staging.join(path), bytes).unwrap();
            record.insert(path.to_owned(), bytes.as_bytes());
        }
        fs::write(staging.join(RECORD_FILE), record.to_bytes()).unwrap();
        let old = destination.replaceable(record.paths(), &[]).unwrap();
        Replacement {
            parent: parent.to_path_buf(),
            aside: journal::aside_name("out", GONE),
            journal: journal::Journal {
                target: "out".into(),
                staging: format!(".out.kaohe-{GONE}"),
                old,
                new: record.paths().map(str::to_owned).chain([RECORD_FILE.to_owned()]).collect(),
                record_sha256: journal::record_sha256(&record),
            },
        }
    }

    /// A pid no process has (above Linux's largest).
    const GONE: u32 = 99_999_999;

    #[test]
    fn a_kill_after_any_step_is_completed_or_rolled_back_by_the_next_run() {
        let steps = prepared_replacement(tempfile::tempdir().unwrap().path()).steps();
        let commit = steps.iter().position(|step| matches!(step, Step::Place(i) if *i == NEW.len())).unwrap();
        for killed_after in 0..=steps.len() {
            let dir = tempfile::tempdir().unwrap();
            let replacement = prepared_replacement(dir.path());
            for step in &steps[..killed_after] {
                replacement.apply(*step).unwrap_or_else(|e| panic!("{killed_after} {step:?} {e:?}"));
            }
            let notes = journal::recover(dir.path());
            let target = dir.path().join("out");
            let shown = target.display();
            if killed_after > commit {
                assert_eq!(
                    files(&target),
                    expected(&NEW, &[("keep.txt", "mine")]),
                    "killed after step {killed_after}"
                );
            } else {
                assert_eq!(
                    files(&target),
                    expected(&OLD, &[("keep.txt", "mine")]),
                    "killed after step {killed_after}"
                );
            }
            let said = match killed_after {
                0 => None,
                k if k > commit && k < steps.len() => {
                    Some(format!("上次写入 {shown} 时被中断，现已完成替换"))
                }
                k if k <= commit => Some(format!("上次写入 {shown} 时被中断，现已恢复原有结果")),
                _ => None,
            };
            assert_eq!(notes.first().map(|note| note.zh.clone()), said, "killed after step {killed_after}");
            assert!(
                beside(dir.path(), "out").is_empty(),
                "killed after step {killed_after}: {:?}",
                beside(dir.path(), "out")
            );
        }
    }

    #[test]
    fn a_failing_step_leaves_the_old_set() {
        let steps = prepared_replacement(tempfile::tempdir().unwrap().path()).steps();
        for failing in steps.iter().filter(|step| **step != Step::Finish) {
            let dir = tempfile::tempdir().unwrap();
            let replacement = prepared_replacement(dir.path());
            let result = replacement.execute_with(|replacement, step| {
                if step == *failing {
                    return Err(journal::StepError {
                        file: None,
                        error: io::ErrorKind::PermissionDenied.into(),
                    });
                }
                replacement.apply(step)
            });
            assert!(result.is_err());
            let target = dir.path().join("out");
            assert_eq!(files(&target), expected(&OLD, &[("keep.txt", "mine")]), "failed at {failing:?}");
            assert_eq!(
                beside(dir.path(), "out"),
                [format!(".out.kaohe-{GONE}")],
                "only the staging folder is left"
            );
        }
    }

    #[test]
    fn a_stale_staging_folder_is_removed_and_a_live_one_kept() {
        let dir = tempfile::tempdir().unwrap();
        let stale = dir.path().join(format!(".out.kaohe-{GONE}"));
        let live = dir.path().join(format!(".other.kaohe-{}", std::process::id()));
        let stale_lock = dir.path().join(".out.kaohe-lock");
        for folder in [&stale, &live] {
            fs::create_dir(folder).unwrap();
            fs::write(folder.join("summary.json"), "half").unwrap();
        }
        fs::write(&stale_lock, GONE.to_string()).unwrap();
        let destination =
            Destination::open(&dir.path().join("out"), &[], false, &Planned::default()).unwrap();
        assert!(destination.recovered().is_empty());
        assert!(!stale.exists() && !stale_lock.exists());
        assert_eq!(files(&live), hashed(&[("summary.json", "half")]));
    }

    #[test]
    fn leftovers_are_known_by_name() {
        use std::ffi::OsStr;
        assert_eq!(
            journal::Leftover::of(OsStr::new(".结果.kaohe-123")),
            Some(journal::Leftover::Staging(123))
        );
        assert_eq!(
            journal::Leftover::of(OsStr::new(".a.b.kaohe-replaced-7")),
            Some(journal::Leftover::Aside(7))
        );
        assert_eq!(journal::Leftover::of(OsStr::new(".out.kaohe-lock")), Some(journal::Leftover::Lock));
        assert_eq!(journal::Leftover::of(OsStr::new("out.kaohe-1")), None);
        assert_eq!(journal::Leftover::of(OsStr::new(".out.kaohe-x")), None);
    }

    #[test]
    fn system_errors_read_in_the_message_language() {
        let error =
            OutputError::io(Path::new("结果/考核得分表.xlsx"), &io::ErrorKind::PermissionDenied.into());
        assert_eq!(
            error.0,
            Text::new(
                "无法写入 结果/考核得分表.xlsx：没有权限",
                "cannot write 结果/考核得分表.xlsx: permission denied"
            )
        );
        assert_eq!(os_error(&io::ErrorKind::StorageFull.into()).zh, "磁盘空间不足");
        assert_eq!(os_error(&io::ErrorKind::ReadOnlyFilesystem.into()).en, "read-only file system");
        assert_eq!(os_error(&io::ErrorKind::AlreadyExists.into()).zh, "文件已存在");
    }

    #[test]
    fn an_interrupt_removes_the_staging_folder() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out");
        let destination = Destination::open(&target, &[], false, &Planned::default()).unwrap();
        let staging = Staging::new(destination).unwrap();
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
        let refused = |out: &Path, input: &Path, force| {
            Destination::open(out, &[input.to_path_buf()], force, &Planned::default()).unwrap_err().0.zh
        };
        assert_eq!(
            refused(&file, &file, true),
            format!("输出位置 {} 是一个文件，请指定文件夹", file.display())
        );
        assert_eq!(
            refused(dir.path(), dir.path(), true),
            format!("输出位置 {} 是一个输入文件", dir.path().display())
        );
    }
}
