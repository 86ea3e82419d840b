//! `kaohe serve`: the local web page (docs/网页版.md). A browser uploads the
//! inputs; each upload becomes a job (`jobs`) in its own folder under the
//! temporary directory, scored by the same functions as `kaohe score`
//! ([`crate::load_with_previous`], [`crate::Scoring::write`]) under the uploads' logical
//! names (`names`), so its files are the command line's, byte for byte.
//!
//! - `access` decides who may ask: the `Host` check, the token, the
//!   same-origin check, and the headers every answer carries.
//! - `pages` renders the HTML (minijinja templates embedded in the binary,
//!   with the page's CSS and JavaScript as files, never inline).
//! - `routes` maps each address to its handler.
//!
//! Nothing here scores, reads a spreadsheet or writes an output file itself.

mod access;
mod download;
mod jobs;
mod names;
mod pages;
mod results;
mod routes;
mod upload;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::NaiveDateTime;

pub use access::Access;

use crate::cli;
use crate::diagnostic::{Failure, Lang};
use crate::libreoffice::LibreOffice;

/// Everything a request may need: the options, who may ask, the jobs.
pub(crate) struct Server {
    options: cli::Serve,
    access: Access,
    /// The page's language when the visitor chose none.
    lang: Lang,
    source_date: Option<NaiveDateTime>,
    /// LibreOffice, when it was found at start: the PDF choice is offered
    /// only then.
    office: Option<LibreOffice>,
    jobs: Arc<jobs::Jobs>,
    pages: pages::Pages,
}

/// A server ready to answer: its router, and the folder its jobs live in.
pub struct App {
    server: Arc<Server>,
}

impl App {
    /// A server with `options` whose jobs live in folders under `root`
    /// (created, private to this user), answering requests `access` admits;
    /// its jobs convert to PDF with `office`, when given.
    pub fn new(
        options: cli::Serve,
        access: Access,
        root: &Path,
        source_date: Option<NaiveDateTime>,
        lang: Lang,
        office: Option<LibreOffice>,
    ) -> Result<App, Failure> {
        let jobs = jobs::Jobs::create(root, options.max_jobs.get()).map_err(|error| {
            let shown = root.display();
            let crate::diagnostic::Text { zh, en } = crate::output::os_error(&error);
            Failure::Message(text!(
                "无法创建任务文件夹 {shown}：{zh}",
                "cannot create the job folder {shown}: {en}"
            ))
        })?;
        let pages = pages::Pages::new();
        let server = Server { options, access, lang, source_date, office, jobs: Arc::new(jobs), pages };
        Ok(App { server: Arc::new(server) })
    }

    /// Every route, behind the access checks.
    pub fn router(&self) -> axum::Router {
        routes::router(self.server.clone())
    }

    /// Removes the jobs older than `--keep-hours` with their folders;
    /// returns how many went.
    pub fn remove_expired(&self) -> usize {
        self.server.jobs.remove_expired(self.server.options.keep)
    }

    /// The folder holding every job's folder.
    pub fn root(&self) -> &Path {
        self.server.jobs.root()
    }
}

/// How often expired jobs are looked for.
const CLEANUP_EVERY: std::time::Duration = std::time::Duration::from_secs(60);

/// `kaohe serve`: listens, prints the addresses to open, answers until
/// Ctrl-C, then removes every job folder and exits with status 130.
pub fn run(options: &cli::Serve, source_date: Option<NaiveDateTime>, lang: Lang) -> Result<(), Failure> {
    if let Some(token) = options.token.as_deref().filter(|token| !access::is_token_text(token)) {
        return Err(Failure::Usage(text!(
            "--token {token}：令牌只能由字母、数字和 - _ . ~ 组成",
            "--token {token}: a token is letters, digits and - _ . ~ only"
        )));
    }
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().map_err(|error| {
        Failure::Message(text!("无法启动网页服务：{error}", "cannot start the web server: {error}"))
    })?;
    runtime.block_on(serve(options.clone(), source_date, lang))
}

async fn serve(options: cli::Serve, source_date: Option<NaiveDateTime>, lang: Lang) -> Result<(), Failure> {
    let listen = options.listen;
    let listener = tokio::net::TcpListener::bind(listen).await.map_err(|error| {
        let crate::diagnostic::Text { zh, en } = crate::output::os_error(&error);
        Failure::Message(text!("无法监听 {listen}：{zh}", "cannot listen on {listen}: {en}"))
    })?;
    let bound = listener.local_addr().unwrap_or(listen);
    let access = Access::for_address(bound, options.token.clone());
    let urls = access.urls();
    let root = job_root();
    let app = App::new(options, access, &root, source_date, lang, LibreOffice::find().ok())?;
    // Installed before the addresses are printed: from then on Ctrl-C,
    // SIGTERM or SIGHUP waits for a file write in progress, removes every
    // job folder and exits with 130.
    let _ = ctrlc::set_handler(move || {
        crate::output::exit_interrupted(|| {
            let _ = std::fs::remove_dir_all(&root);
            let line = text!("已停止，全部任务文件已删除", "stopped; every job's files were removed");
            eprintln!("{}", line.get(lang));
        })
    });
    for url in urls {
        println!(
            "{}",
            text!("kaohe 网页版已启动，请在浏览器中打开：{url}", "kaohe is serving; open {url}").get(lang)
        );
    }
    let cleaner = app.server.clone();
    tokio::spawn(async move {
        let mut every = tokio::time::interval(CLEANUP_EVERY);
        loop {
            every.tick().await;
            cleaner.jobs.remove_expired(cleaner.options.keep);
        }
    });
    let router = app.router();
    axum::serve(listener, router)
        .await
        .map_err(|error| Failure::Message(text!("网页服务出错：{error}", "the web server failed: {error}")))
}

/// This process's folder of job folders in the temporary directory.
fn job_root() -> PathBuf {
    std::env::temp_dir().join(format!("kaohe-serve-{}", std::process::id()))
}
