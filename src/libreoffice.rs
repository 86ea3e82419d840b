//! Converting documents to PDF with LibreOffice (`--pdf`, docs/命令.md):
//! finding the program before any work ([`LibreOffice::find`]), then
//! headless LibreOffice processes converting many documents each — one per
//! set of export options and up to `DOCUMENTS_PER_PROCESS` documents
//! (`LibreOffice::convert`) — with a private profile inside the work
//! folder, so that neither the user's own profile nor a LibreOffice already
//! running is used. It knows nothing of kaohe's files: the caller says which
//! documents to convert and takes the PDFs from the folder it returns.

use std::env;
use std::ffi::OsString;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use crate::diagnostic::Text;

/// The environment variable naming the LibreOffice program to use.
const PROGRAM_VARIABLE: &str = "KAOHE_SOFFICE";

/// How long a conversion may go with no new PDF and no processor time used
/// by LibreOffice before it is taken as hung and stopped. A long document
/// (the volume of thousands of letters) makes no PDF for many minutes, but
/// LibreOffice is busy laying it out all that time.
pub(crate) const STALL_TIMEOUT: Duration = Duration::from_secs(120);

/// How many documents one LibreOffice process is given: LibreOffice 7.4
/// reads about 250 arguments and silently ignores the rest (a process given
/// 300 letters converts 243 and ends with success).
const DOCUMENTS_PER_PROCESS: usize = 200;

/// How many bytes of documents' paths one LibreOffice process is given:
/// a command line holds at most 32,767 characters on Windows.
const COMMAND_LINE_BUDGET: usize = 30_000;

/// The LibreOffice program a run converts with.
#[derive(Debug, Clone)]
pub struct LibreOffice {
    program: PathBuf,
}

/// How to get LibreOffice, said after each refusal (and on the page, beside
/// its disabled PDF choice).
pub(crate) fn install_hint() -> Text {
    text!(
        "请安装 LibreOffice：Debian/Ubuntu 运行 sudo apt-get install libreoffice-writer-nogui；Windows 从 https://www.libreoffice.org 下载安装，或把环境变量 KAOHE_SOFFICE 设为 soffice.exe 的完整路径",
        "Install LibreOffice: on Debian/Ubuntu run sudo apt-get install libreoffice-writer-nogui; on Windows download it from https://www.libreoffice.org, or set the environment variable KAOHE_SOFFICE to the full path of soffice.exe"
    )
}

impl LibreOffice {
    /// The program `KAOHE_SOFFICE` names, else `soffice` or `libreoffice` on
    /// the PATH (on Windows also where its installer puts it). Without one,
    /// the refusal the user sees, with how to install it.
    pub fn find() -> Result<LibreOffice, Text> {
        let Text { zh: hint_zh, en: hint_en } = install_hint();
        if let Some(program) = env::var_os(PROGRAM_VARIABLE).filter(|value| !value.is_empty()) {
            let program = PathBuf::from(program);
            if program.is_file() {
                return Ok(LibreOffice { program });
            }
            let shown = program.display();
            return Err(text!(
                "环境变量 KAOHE_SOFFICE 指向的 {shown} 不存在，无法转换为 PDF，未做任何改动；{hint_zh}",
                "{shown}, named by the environment variable KAOHE_SOFFICE, does not exist, so nothing can be converted to PDF; nothing was changed. {hint_en}"
            ));
        }
        let on_path = ["soffice", "libreoffice"].into_iter().find_map(on_path);
        match on_path.or_else(installed) {
            Some(program) => Ok(LibreOffice { program }),
            None => Err(text!(
                "未找到 LibreOffice（soffice 或 libreoffice），无法转换为 PDF，未做任何改动；{hint_zh}",
                "LibreOffice (soffice or libreoffice) was not found, so nothing can be converted to PDF; nothing was changed. {hint_en}"
            )),
        }
    }

    /// Converts every one of `documents` to PDF, working in `work`
    /// (created; its `profile` is LibreOffice's, its `pdf` receives the
    /// PDFs, named as the documents with `.pdf`), and returns the folder of
    /// the PDFs. As few LibreOffice processes convert them as their paths
    /// fit on command lines, each exporting with [`PDF_EXPORT`]. `progress` is told how many PDFs exist so far. A
    /// conversion that fails, leaves a PDF out, or for `stall` makes no PDF
    /// and does no work is an error saying so (LibreOffice is then stopped).
    pub(crate) fn convert(
        &self,
        documents: &[PathBuf],
        work: &Path,
        stall: Duration,
        progress: &dyn Fn(usize),
    ) -> Result<PathBuf, Text> {
        let folders = Folders { profile: work.join("profile"), pdfs: work.join("pdf") };
        for folder in [&folders.profile, &folders.pdfs] {
            fs::create_dir_all(folder).map_err(|error| self.failed_to_start(&error))?;
        }
        let processes = command_lines(documents, DOCUMENTS_PER_PROCESS, COMMAND_LINE_BUDGET);
        for (index, documents) in processes.into_iter().enumerate() {
            let log = work.join(format!("libreoffice-{index}.log"));
            self.convert_batch(documents, &folders, &log, stall, progress)?;
        }
        Ok(folders.pdfs)
    }

    /// One LibreOffice process converting `documents` in `folders`,
    /// printing into `log`.
    fn convert_batch(
        &self,
        documents: &[PathBuf],
        folders: &Folders,
        log: &Path,
        stall: Duration,
        progress: &dyn Fn(usize),
    ) -> Result<(), Text> {
        let Folders { profile, pdfs } = folders;
        let output = fs::File::create(log).map_err(|error| self.failed_to_start(&error))?;
        let errors = output.try_clone().map_err(|error| self.failed_to_start(&error))?;
        let mut profile_setting = OsString::from("-env:UserInstallation=");
        profile_setting.push(file_url(profile));
        let mut command = Command::new(&self.program);
        command
            .arg(profile_setting)
            .args(["--headless", "--invisible", "--norestore", "--nologo", "--nolockcheck"])
            .args(["--convert-to", PDF_EXPORT, "--outdir"])
            .arg(pdfs)
            .args(documents)
            .stdin(Stdio::null())
            .stdout(output)
            .stderr(errors);
        #[cfg(unix)]
        std::os::unix::process::CommandExt::process_group(&mut command, 0);
        let child = command.spawn().map_err(|error| self.failed_to_start(&error))?;
        let status = wait(child, pdfs, stall, progress).map_err(|error| match error {
            Waited::Stalled => {
                let seconds = stall.as_secs();
                text!(
                    "LibreOffice 转换 PDF 时 {seconds} 秒既没有生成文件也没有运行，已停止；未做任何改动",
                    "LibreOffice made no PDF and did no work for {seconds} seconds and was stopped; nothing was changed"
                )
            }
            Waited::Failed(error) => text!(
                "等待 LibreOffice 时出错：{error}，未做任何改动",
                "waiting for LibreOffice failed: {error}; nothing was changed"
            ),
        })?;
        let said = last_lines(log);
        if !status.success() {
            let code = status.code().map_or_else(|| "?".to_owned(), |code| code.to_string());
            return Err(text!(
                "LibreOffice 转换 PDF 失败（退出状态 {code}），未做任何改动{said}",
                "LibreOffice failed to convert to PDF (exit status {code}); nothing was changed{said}"
            ));
        }
        for document in documents {
            let pdf = pdf_name(document);
            if !pdfs.join(&pdf).metadata().is_ok_and(|m| m.is_file() && m.len() > 0) {
                let document = document.file_name().unwrap_or_default().to_string_lossy();
                return Err(text!(
                    "LibreOffice 没有把 {document} 转换为 PDF，未做任何改动{said}",
                    "LibreOffice did not convert {document} to PDF; nothing was changed{said}"
                ));
            }
        }
        Ok(())
    }

    /// The program can't be started, or its work folder made.
    fn failed_to_start(&self, error: &io::Error) -> Text {
        let program = self.program.display();
        text!(
            "无法启动 LibreOffice（{program}）：{error}，未做任何改动",
            "cannot start LibreOffice ({program}): {error}; nothing was changed"
        )
    }
}

/// The folders of a conversion: LibreOffice's profile and the PDFs made.
struct Folders {
    profile: PathBuf,
    pdfs: PathBuf,
}

/// The `--convert-to` argument: the PDF export keeping the blank pages
/// Word prints (`IsSkipEmptyPages` false, in the JSON LibreOffice 7.4 and
/// later read) — a section that starts on an odd page (each letter of the
/// volume) or an even one (the 版记 of GB/T 9704) has one before it when
/// the text before ends on the wrong side, so a PDF's pages are the
/// printed pages and its page numbers the printed numbers.
pub(crate) const PDF_EXPORT: &str =
    r#"pdf:writer_pdf_Export:{"IsSkipEmptyPages":{"type":"boolean","value":"false"}}"#;

/// `documents` cut into runs of at most `count` documents whose paths take
/// at most `bytes` (one document at least each), in order; none when there
/// are no documents.
fn command_lines(documents: &[PathBuf], count: usize, bytes: usize) -> Vec<&[PathBuf]> {
    let mut runs = Vec::new();
    let (mut start, mut length) = (0, 0);
    for (index, document) in documents.iter().enumerate() {
        let size = document.as_os_str().len() + 1;
        if index > start && (index - start == count || length + size > bytes) {
            runs.push(&documents[start..index]);
            (start, length) = (index, 0);
        }
        length += size;
    }
    if start < documents.len() {
        runs.push(&documents[start..]);
    }
    runs
}

/// The name of `document`'s PDF: its file name with `.pdf` for its
/// extension.
pub(crate) fn pdf_name(document: &Path) -> PathBuf {
    PathBuf::from(document.file_name().unwrap_or_default()).with_extension("pdf")
}

/// `name` in a folder of the PATH.
fn on_path(name: &str) -> Option<PathBuf> {
    let names = if cfg!(windows) {
        vec![format!("{name}.exe"), format!("{name}.com")]
    } else {
        vec![name.to_owned()]
    };
    let path = env::var_os("PATH")?;
    env::split_paths(&path)
        .flat_map(|folder| names.iter().map(move |name| folder.join(name)))
        .find(|p| p.is_file())
}

/// Where LibreOffice's installer puts the program on Windows, which does not
/// add it to the PATH.
fn installed() -> Option<PathBuf> {
    if !cfg!(windows) {
        return None;
    }
    ["ProgramFiles", "ProgramFiles(x86)"]
        .into_iter()
        .filter_map(env::var_os)
        .map(|folder| Path::new(&folder).join("LibreOffice").join("program").join("soffice.exe"))
        .find(|program| program.is_file())
}

/// `path` (absolute) as a `file://` URL, every byte outside the unreserved
/// ones escaped, as LibreOffice reads `-env:UserInstallation`.
fn file_url(path: &Path) -> String {
    let spelled = path.to_string_lossy().replace('\\', "/");
    let spelled = if spelled.starts_with('/') { spelled } else { format!("/{spelled}") };
    let mut url = String::from("file://");
    for byte in spelled.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~/:".contains(&byte) {
            url.push(byte as char);
        } else {
            url.push_str(&format!("%{byte:02X}"));
        }
    }
    url
}

/// Why waiting for LibreOffice ended without its exit status.
enum Waited {
    Stalled,
    Failed(io::Error),
}

/// The process group of the conversion in progress (on Unix), stopped if
/// kaohe is interrupted ([`stop_running`]); 0 when there is none.
#[cfg(unix)]
static RUNNING: std::sync::atomic::AtomicI32 = std::sync::atomic::AtomicI32::new(0);

/// Stops the LibreOffice conversion in progress, if any: called when kaohe
/// is interrupted (it runs in a process group of its own, which the
/// terminal's Ctrl-C does not reach).
pub(crate) fn stop_running() {
    #[cfg(unix)]
    {
        let group = RUNNING.swap(0, std::sync::atomic::Ordering::SeqCst);
        if group > 0 {
            // SAFETY: killpg only sends a signal.
            unsafe { libc::killpg(group, libc::SIGKILL) };
        }
    }
}

/// Stops `child` and, on Unix, every process it started (LibreOffice's
/// launcher starts the converter as its child).
fn kill(child: &mut Child) {
    stop_running();
    let _ = child.kill();
    let _ = child.wait();
}

/// Waits for `child`, telling `progress` the PDFs in `pdfs` as they appear;
/// stops it when for `stall` no new one appears and it uses no processor
/// time. Where that time can't be read (other systems than Linux) it is
/// waited for until it ends.
fn wait(
    mut child: Child,
    pdfs: &Path,
    stall: Duration,
    progress: &dyn Fn(usize),
) -> Result<ExitStatus, Waited> {
    #[cfg(unix)]
    RUNNING.store(i32::try_from(child.id()).unwrap_or(0), std::sync::atomic::Ordering::SeqCst);
    let group = child.id();
    let (mut made, mut since, mut used) = (0, Instant::now(), processor_time(group));
    loop {
        match child.try_wait() {
            Ok(Some(status)) => {
                #[cfg(unix)]
                RUNNING.store(0, std::sync::atomic::Ordering::SeqCst);
                progress(count_pdfs(pdfs));
                return Ok(status);
            }
            Ok(None) => {}
            Err(error) => {
                kill(&mut child);
                return Err(Waited::Failed(error));
            }
        }
        let now = count_pdfs(pdfs);
        if now > made {
            (made, since) = (now, Instant::now());
            progress(made);
        } else if since.elapsed() > stall {
            let now_used = processor_time(group);
            if now_used.is_some() && now_used == used {
                kill(&mut child);
                return Err(Waited::Stalled);
            }
            (used, since) = (now_used, Instant::now());
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// The processor time (in clock ticks) the processes of the process group
/// `group` have used so far, from Linux's `/proc/PID/stat`; `None` on other
/// systems.
fn processor_time(group: u32) -> Option<u64> {
    if !cfg!(target_os = "linux") {
        return None;
    }
    let processes = fs::read_dir("/proc").ok()?.filter_map(Result::ok);
    let stats = processes.filter_map(|process| fs::read_to_string(process.path().join("stat")).ok());
    Some(stats.filter_map(|stat| group_ticks(&stat, group)).sum())
}

/// The user and system ticks in `stat`, a `/proc/PID/stat` line, when its
/// process is in `group`. Its fields follow the command name's `)`: state,
/// parent, group, …, the user time 12th and the system time 13th.
fn group_ticks(stat: &str, group: u32) -> Option<u64> {
    let fields: Vec<&str> = stat.get(stat.rfind(')')? + 1..)?.split_whitespace().collect();
    if fields.get(2)?.parse::<u32>().ok()? != group {
        return None;
    }
    Some(fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?)
}

/// The PDFs in `folder` so far.
fn count_pdfs(folder: &Path) -> usize {
    let Ok(entries) = fs::read_dir(folder) else { return 0 };
    entries
        .filter_map(Result::ok)
        .filter(|entry| Path::new(&entry.file_name()).extension() == Some("pdf".as_ref()))
        .count()
}

/// The end of what LibreOffice printed, to show with a failure (`：…`, or
/// nothing when it printed nothing).
fn last_lines(log: &Path) -> String {
    let printed = fs::read(log).unwrap_or_default();
    let printed = String::from_utf8_lossy(&printed);
    let lines: Vec<&str> = printed.lines().map(str::trim).filter(|line| !line.is_empty()).collect();
    let tail = lines[lines.len().saturating_sub(3)..].join(" / ");
    if tail.is_empty() { String::new() } else { format!(": {}", crate::diagnostic::printable(&tail)) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_profile_is_a_file_url_with_every_unusual_byte_escaped() {
        assert_eq!(
            file_url(Path::new("/tmp/.结果.kaohe-7/p f")),
            "file:///tmp/.%E7%BB%93%E6%9E%9C.kaohe-7/p%20f"
        );
        assert_eq!(
            file_url(Path::new(r"C:\Users\x\.out.kaohe-1\profile")),
            "file:///C:/Users/x/.out.kaohe-1/profile"
        );
    }

    #[test]
    fn processor_time_is_read_from_a_stat_line_of_the_group() {
        // Fields as /proc/PID/stat prints them; the name may hold `) (`.
        let stat = "4711 (soffice.bin) (x)) S 4700 4700 4700 0 -1 4194560 1 0 0 0 250 31 0 0 20 0 9 0";
        assert_eq!(group_ticks(stat, 4700), Some(281));
        assert_eq!(group_ticks(stat, 4711), None, "another group");
        assert_eq!(group_ticks("garbage", 4700), None);
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn processor_time_counts_a_busy_group() {
        let mut busy = Command::new("sh");
        busy.args(["-c", "while :; do :; done"]);
        std::os::unix::process::CommandExt::process_group(&mut busy, 0);
        let mut child = busy.spawn().unwrap();
        let before = processor_time(child.id()).unwrap();
        std::thread::sleep(Duration::from_millis(300));
        let after = processor_time(child.id()).unwrap();
        child.kill().unwrap();
        child.wait().unwrap();
        assert!(after > before, "{before} → {after} ticks");
    }

    #[test]
    fn documents_are_cut_into_command_lines_that_fit() {
        let documents: Vec<PathBuf> =
            ["a.docx", "bb.docx", "c.docx", "dddddddddd.docx"].map(PathBuf::from).to_vec();
        let lengths = |count, bytes| {
            command_lines(&documents, count, bytes).iter().map(|run| run.len()).collect::<Vec<_>>()
        };
        assert_eq!(lengths(DOCUMENTS_PER_PROCESS, COMMAND_LINE_BUDGET), [4]);
        assert_eq!(lengths(3, COMMAND_LINE_BUDGET), [3, 1]);
        assert_eq!(lengths(2, COMMAND_LINE_BUDGET), [2, 2]);
        // 7 + 8 + 7 bytes fit in 22; at 10 each is alone, the last (16) over it.
        assert_eq!(lengths(4, 22), [3, 1]);
        assert_eq!(lengths(4, 10), [1, 1, 1, 1]);
        assert!(command_lines(&[], 4, 10).is_empty());
    }

    #[test]
    fn a_pdf_is_named_after_its_document() {
        assert_eq!(pdf_name(Path::new("/s/反馈/001-甲.docx")), PathBuf::from("001-甲.pdf"));
    }

    /// A shell script at `dir/name` running `body`.
    #[cfg(unix)]
    fn script(dir: &Path, name: &str, body: &str) -> LibreOffice {
        use std::os::unix::fs::PermissionsExt;
        let path = dir.join(name);
        fs::write(&path, format!("#!/bin/sh\n{body}\n")).unwrap();
        fs::set_permissions(&path, fs::Permissions::from_mode(0o755)).unwrap();
        LibreOffice { program: path }
    }

    #[cfg(unix)]
    #[test]
    fn a_failure_and_a_missing_pdf_are_told() {
        let dir = tempfile::tempdir().unwrap();
        let documents = [dir.path().join("甲.docx"), dir.path().join("乙.docx")];
        let convert = |office: &LibreOffice, work: &str, stall| {
            office.convert(&documents, &dir.path().join(work), stall, &|_| {}).map_err(|e| e.en)
        };
        let failing =
            script(dir.path(), "failing", "echo 'Error: source file could not be loaded' >&2; exit 1");
        assert_eq!(
            convert(&failing, "w1", STALL_TIMEOUT).unwrap_err(),
            "LibreOffice failed to convert to PDF (exit status 1); nothing was changed: Error: source file could not be loaded"
        );
        // Makes 甲.pdf only: the outdir is the argument after --outdir.
        let partial = script(
            dir.path(),
            "partial",
            r#"while [ "$1" != --outdir ]; do shift; done; echo pdf > "$2/甲.pdf""#,
        );
        assert_eq!(
            convert(&partial, "w2", STALL_TIMEOUT).unwrap_err(),
            "LibreOffice did not convert 乙.docx to PDF; nothing was changed"
        );
        let both = script(
            dir.path(),
            "both",
            r#"while [ "$1" != --outdir ]; do shift; done; echo a > "$2/甲.pdf"; echo b > "$2/乙.pdf""#,
        );
        let pdfs = convert(&both, "w4", STALL_TIMEOUT).unwrap();
        assert_eq!(fs::read(pdfs.join("乙.pdf")).unwrap(), b"b\n");
    }

    /// A LibreOffice that neither makes a PDF nor works is stopped; one
    /// that works (lays out a long document) is waited for.
    #[cfg(target_os = "linux")]
    #[test]
    fn a_hang_is_stopped_and_long_work_is_not() {
        let dir = tempfile::tempdir().unwrap();
        let documents = [dir.path().join("汇编.docx")];
        let convert = |office: &LibreOffice, work: &str| {
            office
                .convert(&documents, &dir.path().join(work), Duration::from_secs(1), &|_| {})
                .map_err(|e| e.en)
        };
        let hung = script(dir.path(), "hung", "sleep 30");
        let started = Instant::now();
        assert_eq!(
            convert(&hung, "w1").unwrap_err(),
            "LibreOffice made no PDF and did no work for 1 seconds and was stopped; nothing was changed"
        );
        assert!(started.elapsed() < Duration::from_secs(10), "stopped, not waited for");
        // Busy for 4 seconds, then makes the PDF.
        let busy = script(
            dir.path(),
            "busy",
            r#"end=$(($(date +%s) + 4)); while [ "$(date +%s)" -lt "$end" ]; do :; done
while [ "$1" != --outdir ]; do shift; done; echo pdf > "$2/汇编.pdf""#,
        );
        let pdfs = convert(&busy, "w2").unwrap();
        assert_eq!(fs::read(pdfs.join("汇编.pdf")).unwrap(), b"pdf\n");
    }

    /// One process converts the documents, given the export options that
    /// keep blank pages, the private profile and every document; progress
    /// counts the PDFs.
    #[cfg(unix)]
    #[test]
    fn one_process_converts_every_document_keeping_blank_pages() {
        let dir = tempfile::tempdir().unwrap();
        let calls = dir.path().join("calls");
        // Records its arguments, one call a line, and makes each PDF.
        let recording = script(
            dir.path(),
            "recording",
            &format!(
                r#"echo "$*" >> '{}'; while [ "$1" != --outdir ]; do shift; done; out=$2; shift 2
for document; do name=$(basename "$document" .docx); echo pdf > "$out/$name.pdf"; done"#,
                calls.display()
            ),
        );
        let documents: Vec<PathBuf> =
            ["通报", "汇编", "甲"].iter().map(|n| dir.path().join(format!("{n}.docx"))).collect();
        let seen = std::cell::RefCell::new(Vec::new());
        let work = dir.path().join("work");
        let pdfs = recording
            .convert(&documents, &work, STALL_TIMEOUT, &|made| seen.borrow_mut().push(made))
            .unwrap();
        assert_eq!(pdfs, work.join("pdf"));
        let calls = fs::read_to_string(&calls).unwrap();
        let calls: Vec<&str> = calls.lines().collect();
        let profile = file_url(&work.join("profile"));
        let documents: Vec<String> = documents.iter().map(|d| d.display().to_string()).collect();
        let expected = format!(
            r#"-env:UserInstallation={profile} --headless --invisible --norestore --nologo --nolockcheck --convert-to pdf:writer_pdf_Export:{{"IsSkipEmptyPages":{{"type":"boolean","value":"false"}}}} --outdir {} {}"#,
            pdfs.display(),
            documents.join(" ")
        );
        assert_eq!(calls, [expected]);
        assert_eq!(seen.borrow().last(), Some(&3), "every PDF counted");
        assert_eq!(fs::read(pdfs.join("甲.pdf")).unwrap(), b"pdf\n");
    }
}
