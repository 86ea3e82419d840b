//! Jobs: one upload each, in its own folder under the server's folder in
//! the temporary directory, named by a random 128-bit id (docs/网页版.md,
//! 文件放在哪里). A job waits in the queue (at most `--max-jobs` run at once,
//! first come first served, each waiting one told its place), then runs on
//! a blocking thread: validation ([`crate::load_with_previous`]), then scoring and
//! writing ([`crate::Scoring::write`]) into the job's `结果` folder, then the
//! .zip of everything. A job that fails — or panics — ends in its own
//! error; the server goes on. A finished job is removed with its folder once
//! older than `--keep-hours`.
//!
//! Only a job's state lives in memory, small and of fixed size but for the
//! messages shown; the results page reads the job's summary.json (and the
//! indicators' names, [`NAMES_FILE`]) from its folder, so memory follows
//! the running jobs, not how many have run.

use std::collections::{HashMap, VecDeque};
use std::fs;
use std::io;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use chrono::NaiveDateTime;
use serde::Serialize;
use tokio::sync::Semaphore;

use crate::diagnostic::{Diagnostics, Failure, Lang, Severity};
use crate::libreoffice::LibreOffice;
use crate::output::{Destination, Planned};

/// The uploaded inputs in a job's folder, under their logical names.
pub(super) const INPUTS_DIR: &str = "输入";
/// The uploaded templates in a job's folder.
pub(super) const TEMPLATES_DIR: &str = "模板";
/// Last year's uploaded workbook in a job's folder (`--previous`), apart
/// from the inputs.
pub(super) const PREVIOUS_DIR: &str = "上年";
/// The output folder in a job's folder: what `kaohe score -o` would hold.
pub(super) const RESULTS_DIR: &str = "结果";
/// The .zip of everything in [`RESULTS_DIR`], beside it.
pub(super) const ZIP_FILE: &str = "考核结果.zip";
/// A merge's combined ranking as the page shows it, beside [`RESULTS_DIR`].
pub(super) const RANKING_FILE: &str = "ranking.json";
/// A scoring's indicator names ([`super::results::Names`]), beside
/// [`RESULTS_DIR`].
pub(super) const NAMES_FILE: &str = "names.json";

/// What a job does.
#[derive(Debug, Clone)]
pub(super) enum Work {
    Score(ScoreJob),
    Merge(MergeJob),
}

impl Work {
    fn lang(&self) -> Lang {
        match self {
            Work::Score(options) => options.lang,
            Work::Merge(options) => options.lang,
        }
    }
}

/// A merge's options: `kaohe merge`'s.
#[derive(Debug, Clone)]
pub(super) struct MergeJob {
    /// `--ideological-weight`.
    pub(super) ideological_weight: Option<f64>,
    /// `--assessor`, or the default.
    pub(super) assessor: String,
    /// The page's language, the run's `--lang`.
    pub(super) lang: Lang,
}

/// A scoring's options: `kaohe score`'s.
#[derive(Debug, Clone)]
pub(super) struct ScoreJob {
    /// `--year`.
    pub(super) year: Option<i32>,
    /// `--strict`.
    pub(super) strict: bool,
    /// Whether templates were uploaded (`--templates` on their folder).
    pub(super) templates: bool,
    /// `--previous`: the logical name of last year's workbook in
    /// [`PREVIOUS_DIR`].
    pub(super) previous: Option<String>,
    /// `--pdf`: which documents to convert, and with which LibreOffice.
    pub(super) pdf: Option<(crate::cli::Pdf, LibreOffice)>,
    /// The page's language, the run's `--lang`.
    pub(super) lang: Lang,
}

/// Where a job is.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "stage", rename_all = "snake_case")]
pub(super) enum State {
    Queued,
    Validating,
    Scoring,
    /// With `--pdf`: LibreOffice converts the documents.
    Converting,
    /// The inputs have errors: what was found, by file and sheet.
    Invalid {
        groups: Vec<Group>,
        more_warnings: Option<String>,
    },
    /// The job stopped on an error that is not the inputs' (or panicked).
    Failed {
        message: String,
    },
    /// Scored: the summary line, the grades for the chart, and the
    /// warnings and notes, by file and sheet.
    Done {
        line: String,
        grades: Vec<GradeCount>,
        groups: Vec<Group>,
        more_warnings: Option<String>,
    },
    /// Merged: the same, the ranking in [`RANKING_FILE`].
    Merged {
        line: String,
        grades: Vec<GradeCount>,
        groups: Vec<Group>,
        more_warnings: Option<String>,
    },
}

/// One row of a merge's combined ranking.
#[derive(Debug, Serialize, serde::Deserialize)]
pub(super) struct MergedRow {
    pub(super) rank: u32,
    pub(super) id: String,
    pub(super) name: String,
    /// The submitting organisation.
    pub(super) organisation: String,
    pub(super) total: String,
    pub(super) grade: String,
    pub(super) veto: bool,
}

/// One grade band and its number of units.
#[derive(Debug, Clone, Serialize)]
pub(super) struct GradeCount {
    pub(super) grade: String,
    pub(super) count: usize,
}

/// The diagnostics of one file and sheet (`place` as the CLI prints it:
/// `FILE:SHEET`, `FILE`, or empty), each line as the CLI prints it.
#[derive(Debug, Clone, Serialize)]
pub(super) struct Group {
    pub(super) place: String,
    pub(super) lines: Vec<Line>,
}

#[derive(Debug, Clone, Serialize)]
pub(super) struct Line {
    /// `error`, `warning` or `note`.
    pub(super) severity: &'static str,
    pub(super) text: String,
}

/// `diagnostics` as a person is shown them ([`Diagnostics::shown`]),
/// grouped by file and sheet in the order the groups first appear.
fn grouped(diagnostics: &Diagnostics, lang: Lang) -> (Vec<Group>, Option<String>) {
    let (shown, more) = diagnostics.shown();
    let mut groups: Vec<Group> = Vec::new();
    for diagnostic in shown {
        let place = match &diagnostic.location {
            Some(location) => match &location.sheet {
                Some(sheet) => format!("{}:{sheet}", location.file),
                None => location.file.to_string(),
            },
            None => String::new(),
        };
        let severity = match diagnostic.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "note",
        };
        let line = Line { severity, text: diagnostic.render(lang) };
        match groups.iter_mut().find(|group| group.place == place) {
            Some(group) => group.lines.push(line),
            None => groups.push(Group { place, lines: vec![line] }),
        }
    }
    let more = (more > 0).then(|| crate::diagnostic::more_warnings(more).get(lang).to_owned());
    (groups, more)
}

/// One job.
pub(super) struct Job {
    pub(super) id: String,
    pub(super) dir: PathBuf,
    created: Instant,
    state: Mutex<State>,
    /// Letters to render, and rendered so far.
    letters: AtomicUsize,
    letters_done: AtomicUsize,
    /// With `--pdf`, documents to convert, and PDFs made so far.
    pdfs: AtomicUsize,
    pdfs_done: AtomicUsize,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl Job {
    pub(super) fn state(&self) -> State {
        lock(&self.state).clone()
    }

    fn set(&self, state: State) {
        *lock(&self.state) = state;
    }

    /// Letters rendered and to render.
    pub(super) fn progress(&self) -> (usize, usize) {
        (self.letters_done.load(Ordering::Relaxed), self.letters.load(Ordering::Relaxed))
    }

    /// PDFs made and documents to convert (`--pdf`).
    pub(super) fn pdf_progress(&self) -> (usize, usize) {
        (self.pdfs_done.load(Ordering::Relaxed), self.pdfs.load(Ordering::Relaxed))
    }

    fn is_settled(&self) -> bool {
        matches!(
            *lock(&self.state),
            State::Invalid { .. } | State::Failed { .. } | State::Done { .. } | State::Merged { .. }
        )
    }

    /// The folder of the job's inputs.
    pub(super) fn inputs(&self) -> PathBuf {
        self.dir.join(INPUTS_DIR)
    }

    /// The job's output folder.
    pub(super) fn results(&self) -> PathBuf {
        self.dir.join(RESULTS_DIR)
    }
}

impl crate::Progress for Job {
    fn start(&self, letters: usize) {
        self.letters.store(letters, Ordering::Relaxed);
    }

    fn letter_done(&self) {
        self.letters_done.fetch_add(1, Ordering::Relaxed);
    }

    fn converting(&self, documents: usize) {
        self.pdfs.store(documents, Ordering::Relaxed);
        self.set(State::Converting);
    }

    fn pdfs_made(&self, made: usize) {
        self.pdfs_done.store(made, Ordering::Relaxed);
    }
}

/// Every job of the server, and the queue.
pub(super) struct Jobs {
    root: PathBuf,
    jobs: Mutex<HashMap<String, Arc<Job>>>,
    /// One permit per job that may run at once.
    permits: Arc<Semaphore>,
    /// The ids of the jobs waiting for a permit, first first.
    waiting: Mutex<VecDeque<String>>,
}

/// Creates `dir`, readable by this user only.
fn create_private_dir(dir: &Path) -> io::Result<()> {
    let mut builder = fs::DirBuilder::new();
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir)
}

impl Jobs {
    /// Jobs in folders under `root`, created now; `max_jobs` run at once.
    pub(super) fn create(root: &Path, max_jobs: usize) -> io::Result<Jobs> {
        if let Some(parent) = root.parent() {
            fs::create_dir_all(parent)?;
        }
        create_private_dir(root)?;
        Ok(Jobs {
            root: root.to_path_buf(),
            jobs: Mutex::new(HashMap::new()),
            permits: Arc::new(Semaphore::new(max_jobs)),
            waiting: Mutex::new(VecDeque::new()),
        })
    }

    pub(super) fn root(&self) -> &Path {
        &self.root
    }

    /// A new job with its folder (and its inputs' and templates' folders),
    /// not yet queued.
    pub(super) fn create_job(&self) -> io::Result<Arc<Job>> {
        let mut bytes = [0u8; 16];
        getrandom::fill(&mut bytes).map_err(io::Error::other)?;
        let id = super::access::hex(&bytes);
        let dir = self.root.join(&id);
        create_private_dir(&dir)?;
        fs::create_dir(dir.join(INPUTS_DIR))?;
        fs::create_dir(dir.join(TEMPLATES_DIR))?;
        fs::create_dir(dir.join(PREVIOUS_DIR))?;
        let job = Arc::new(Job {
            id: id.clone(),
            dir,
            created: Instant::now(),
            state: Mutex::new(State::Queued),
            letters: AtomicUsize::new(0),
            letters_done: AtomicUsize::new(0),
            pdfs: AtomicUsize::new(0),
            pdfs_done: AtomicUsize::new(0),
        });
        Ok(job)
    }

    /// Removes a job that was never queued (its upload failed).
    pub(super) fn discard(&self, job: &Job) {
        let _ = fs::remove_dir_all(&job.dir);
    }

    /// The job `id`, if there is one.
    pub(super) fn get(&self, id: &str) -> Option<Arc<Job>> {
        lock(&self.jobs).get(id).cloned()
    }

    /// The place of job `id` in the queue, 1 for the next to run; `None`
    /// when it is not waiting.
    pub(super) fn place(&self, id: &str) -> Option<usize> {
        lock(&self.waiting).iter().position(|waiting| waiting == id).map(|index| index + 1)
    }

    /// Queues `job` to do `work` on its inputs.
    pub(super) fn submit(self: &Arc<Self>, job: Arc<Job>, work: Work, source_date: Option<NaiveDateTime>) {
        lock(&self.jobs).insert(job.id.clone(), job.clone());
        lock(&self.waiting).push_back(job.id.clone());
        let jobs = self.clone();
        tokio::spawn(async move {
            let permit = jobs.permits.clone().acquire_owned().await;
            lock(&jobs.waiting).retain(|id| *id != job.id);
            let running = job.clone();
            let outcome = tokio::task::spawn_blocking(move || {
                let lang = work.lang();
                catch_unwind(AssertUnwindSafe(|| match &work {
                    Work::Score(options) => score(&running, options, source_date),
                    Work::Merge(options) => merge(&running, options, source_date),
                }))
                .unwrap_or_else(|panic| failed_by_panic(panic.as_ref(), lang))
            })
            .await;
            job.set(outcome.unwrap_or_else(|error| State::Failed { message: error.to_string() }));
            drop(permit);
        });
    }

    /// Removes every settled job older than `keep`, with its folder;
    /// returns how many went.
    pub(super) fn remove_expired(&self, keep: Duration) -> usize {
        let mut jobs = lock(&self.jobs);
        let expired: Vec<String> = jobs
            .values()
            .filter(|job| job.created.elapsed() >= keep && job.is_settled())
            .map(|job| job.id.clone())
            .collect();
        for id in &expired {
            if let Some(job) = jobs.remove(id) {
                let _ = fs::remove_dir_all(&job.dir);
            }
        }
        expired.len()
    }
}

/// The state of a job whose work panicked: its message, as the job's error.
fn failed_by_panic(panic: &(dyn std::any::Any + Send), lang: Lang) -> State {
    let reason = panic
        .downcast_ref::<&str>()
        .map(|text| text.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_default();
    let message = text!("kaohe 内部出错：{reason}", "kaohe failed internally: {reason}");
    State::Failed { message: message.get(lang).to_owned() }
}

/// A failure as the command line would tell it.
fn failure_message(failure: &Failure, lang: Lang) -> String {
    match failure {
        Failure::Arguments(error) => error.to_string(),
        Failure::Usage(message) | Failure::Message(message) | Failure::External(message) => {
            message.get(lang).to_owned()
        }
        Failure::Diagnostic(diagnostic) => diagnostic.render(lang),
        Failure::InvalidInput => text!("输入有错误", "the inputs have errors").get(lang).to_owned(),
    }
}

/// A failed job's state: `message` in the job's language.
fn failed(message: &crate::diagnostic::Text, lang: Lang) -> State {
    State::Failed { message: message.get(lang).to_owned() }
}

/// The job's work, on a blocking thread: what `kaohe score` does with the
/// job's inputs in natural order of their logical names.
fn score(job: &Job, options: &ScoreJob, source_date: Option<NaiveDateTime>) -> State {
    let lang = options.lang;
    let inputs = match input_paths(&job.inputs()) {
        Ok(inputs) => inputs,
        Err(error) => return failed(&crate::output::os_error(&error), lang),
    };
    job.set(State::Validating);
    let input = crate::cli::Input { inputs, year: options.year, strict: options.strict };
    let previous = options.previous.as_deref().map(|name| (job.dir.join(PREVIOUS_DIR).join(name), name));
    let (model, diagnostics) = crate::load_with_previous(
        &input,
        previous.as_ref().map(|(path, name)| (path.as_path(), (*name).into())),
    );
    let Some(model) = model else {
        let (groups, more_warnings) = grouped(&diagnostics, lang);
        return State::Invalid { groups, more_warnings };
    };
    job.set(State::Scoring);
    let templates = job.dir.join(TEMPLATES_DIR);
    let pdf = options.pdf.as_ref().map(|(which, office)| (*which, office));
    let scoring =
        crate::Scoring { templates: options.templates.then_some(&templates), source_date, lang, pdf };
    let planned = if pdf.is_some() { Planned::score_with_pdf() } else { Planned::score() };
    let written = Destination::open(&job.results(), &input.inputs, false, &planned)
        .map_err(Failure::from)
        .and_then(|destination| scoring.write(&model, &diagnostics, destination, job));
    let written = match written {
        Ok(written) => written,
        Err(failure) => return State::Failed { message: failure_message(&failure, lang) },
    };
    let names = serde_json::to_vec(&super::results::Names::of(&model)).map_err(io::Error::other);
    let stored = super::results::outputs(&written.summary)
        .map_err(io::Error::other)
        .and_then(|outputs| super::download::zip_results(&job.results(), &job.dir.join(ZIP_FILE), &outputs))
        .and_then(|()| fs::write(job.dir.join(NAMES_FILE), names?));
    if let Err(error) = stored {
        return failed(&crate::output::os_error(&error), lang);
    }
    let line = crate::terminal::score_summary(&model, &written.report, lang);
    let grades = crate::terminal::grade_counts(&model, &written.report)
        .map(|(grade, count)| GradeCount { grade: grade.to_owned(), count })
        .collect();
    let (groups, more_warnings) = grouped(&diagnostics, lang);
    State::Done { line, grades, groups, more_warnings }
}

/// A merge job's work: what `kaohe merge` does with the job's workbooks.
fn merge(job: &Job, options: &MergeJob, source_date: Option<NaiveDateTime>) -> State {
    let lang = options.lang;
    let inputs = match input_paths(&job.inputs()) {
        Ok(inputs) => inputs,
        Err(error) => return failed(&crate::output::os_error(&error), lang),
    };
    job.set(State::Validating);
    let floor = match crate::ideological_floor(options.ideological_weight) {
        Ok(floor) => floor,
        Err(failure) => return State::Failed { message: failure_message(&failure, lang) },
    };
    let named: Vec<(&Path, std::sync::Arc<str>)> = inputs
        .iter()
        .map(|path| (path.as_path(), path.file_name().unwrap_or_default().to_string_lossy().into()))
        .collect();
    let (ranking, diagnostics) = crate::merge::merge_named(&named, floor, source_date);
    let Some(ranking) = ranking else {
        let (groups, more_warnings) = grouped(&diagnostics, lang);
        return State::Invalid { groups, more_warnings };
    };
    job.set(State::Scoring);
    let planned = Planned::merge();
    // The page asks for no 发文字号 or 成文日期: the bulletin goes without the one and takes the date the submissions fix.
    let issue = crate::render::MergedIssue { assessor: &options.assessor, doc_number: None, doc_date: None };
    let written = Destination::open(&job.results(), &inputs, false, &planned)
        .map_err(Failure::from)
        .and_then(|destination| crate::write_merged(&ranking, &issue, destination));
    if let Err(failure) = written {
        return State::Failed { message: failure_message(&failure, lang) };
    }
    let rows: Vec<MergedRow> = ranking
        .units
        .iter()
        .map(|unit| MergedRow {
            rank: unit.rank,
            id: unit.id.clone(),
            name: unit.name.clone(),
            organisation: ranking.submissions[unit.submission].assessor.clone(),
            total: crate::number::format_fixed(&unit.total, 2),
            grade: unit.grade.clone(),
            veto: unit.veto,
        })
        .collect();
    let stored = super::download::zip_results(&job.results(), &job.dir.join(ZIP_FILE), &planned.files)
        .and_then(|()| fs::write(job.dir.join(RANKING_FILE), serde_json::to_vec(&rows)?));
    if let Err(error) = stored {
        return failed(&crate::output::os_error(&error), lang);
    }
    let line = crate::terminal::merged(ranking.submissions.len(), ranking.units.len(), lang);
    let grades = ranking
        .grades
        .iter()
        .map(|grade| GradeCount {
            grade: grade.clone(),
            count: ranking.units.iter().filter(|unit| unit.grade == *grade).count(),
        })
        .collect();
    let (groups, more_warnings) = grouped(&diagnostics, lang);
    State::Merged { line, grades, groups, more_warnings }
}

/// The files in `dir`, in natural order of their names.
fn input_paths(dir: &Path) -> io::Result<Vec<PathBuf>> {
    let mut names: Vec<String> = fs::read_dir(dir)?
        .map(|entry| entry.map(|entry| entry.file_name().to_string_lossy().into_owned()))
        .collect::<io::Result<_>>()?;
    names.sort_by(|a, b| crate::text::natural_cmp(a, b).then_with(|| a.cmp(b)));
    Ok(names.into_iter().map(|name| dir.join(name)).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options() -> ScoreJob {
        ScoreJob { year: None, strict: false, templates: false, previous: None, pdf: None, lang: Lang::Zh }
    }

    /// Waits until `job` settles.
    async fn settled(job: &Job) -> State {
        for _ in 0..200 {
            if job.is_settled() {
                return job.state();
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        panic!("the job did not settle");
    }

    #[tokio::test(flavor = "multi_thread")]
    async fn jobs_wait_their_turn_with_their_place_shown() {
        let dir = tempfile::tempdir().unwrap();
        let jobs = Arc::new(Jobs::create(&dir.path().join("jobs"), 1).unwrap());
        let busy = jobs.permits.clone().try_acquire_owned().unwrap();
        let (first, second) = (jobs.create_job().unwrap(), jobs.create_job().unwrap());
        jobs.submit(first.clone(), Work::Score(options()), None);
        jobs.submit(second.clone(), Work::Score(options()), None);
        tokio::time::sleep(Duration::from_millis(100)).await;
        assert_eq!((jobs.place(&first.id), jobs.place(&second.id)), (Some(1), Some(2)));
        assert!(matches!(second.state(), State::Queued));
        drop(busy);
        // No inputs: validation says so, as `kaohe check` would.
        let State::Invalid { groups, .. } = settled(&first).await else { panic!("{:?}", first.state()) };
        assert!(!groups.is_empty());
        settled(&second).await;
        assert_eq!((jobs.place(&first.id), jobs.place(&second.id)), (None, None));
        assert_eq!(jobs.get(&second.id).map(|job| job.dir.clone()), Some(second.dir.clone()));
    }

    #[test]
    fn a_panic_is_the_jobs_own_error() {
        let panic = catch_unwind(|| panic!("index out of bounds")).unwrap_err();
        let State::Failed { message } = failed_by_panic(panic.as_ref(), Lang::En) else { panic!() };
        assert_eq!(message, "kaohe failed internally: index out of bounds");
        let owned = catch_unwind(|| panic!("{}", String::from("owned"))).unwrap_err();
        let State::Failed { message } = failed_by_panic(owned.as_ref(), Lang::Zh) else { panic!() };
        assert_eq!(message, "kaohe 内部出错：owned");
    }

    #[test]
    fn diagnostics_are_grouped_by_file_and_sheet_in_order() {
        use crate::diagnostic::Location;
        let mut diagnostics = Diagnostics::default();
        let (a, b, sheet): (std::sync::Arc<str>, std::sync::Arc<str>, std::sync::Arc<str>) =
            ("甲.xlsx".into(), "乙.csv".into(), "活动".into());
        diagnostics.error(Some(Location::cell(a.clone(), sheet.clone(), 3, 1)), text!("坏", "bad"));
        diagnostics.warning(Some(Location::file(b.clone())), text!("空", "empty"));
        diagnostics.error(Some(Location::cell(a, sheet, 9, 2)), text!("又坏", "bad again"));
        diagnostics.note(None, text!("提示", "note"));
        let (groups, more) = grouped(&diagnostics, Lang::Zh);
        let places: Vec<&str> = groups.iter().map(|group| group.place.as_str()).collect();
        assert_eq!(places, ["甲.xlsx:活动", "乙.csv", ""]);
        let first: Vec<&str> = groups[0].lines.iter().map(|line| line.text.as_str()).collect();
        assert_eq!(first, ["错误: 甲.xlsx:活动!B3: 坏", "错误: 甲.xlsx:活动!C9: 又坏"]);
        assert_eq!((groups[1].lines[0].severity, more), ("warning", None));
    }
}
