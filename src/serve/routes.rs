//! Every address of the page and its handler (the page: docs/网页版.md):
//!
//! | route | answers |
//! |---|---|
//! | `GET /` | the upload form |
//! | `POST /score` | stores the upload as a job, then 303 to the job |
//! | `GET /jobs/{id}` | the job: its place, progress, errors or results |
//! | `GET /jobs/{id}/status` | the same as JSON, for the page's script |
//! | `GET /jobs/{id}/units/{n}` | the `n`-th unit's indicators and findings |
//! | `GET /jobs/{id}/files/{path}` | one file the job wrote |
//! | `GET /jobs/{id}/zip` | all of them as one .zip |
//! | `GET /merge`, `POST /merge` | the merge form; stores a merge job, then 303 |
//! | `GET /init`, `GET /init/files/{path}` | `kaohe init`'s files |
//! | `GET /assets/{name}` | the page's CSS and JavaScript |

use std::sync::Arc;

use axum::Router;
use axum::extract::{DefaultBodyLimit, Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Extension, Json};
use serde::Serialize;
use tower_http::limit::RequestBodyLimitLayer;

use super::jobs::{
    Job, MergeJob, MergedRow, NAMES_FILE, RANKING_FILE, ScoreJob, State as JobState, Work, ZIP_FILE,
};
use super::pages::Message;
use super::results::{self, Names, Summary};
use super::upload::{self, PREVIOUS_FIELD, Refused, TEMPLATES_FIELD};
use super::{Server, download};
use crate::cli::Pdf;
use crate::diagnostic::Lang;
use crate::output::{BULLETIN_FILE, LETTERS_DIR, SUMMARY_FILE, VOLUME_FILE, WORKBOOK_FILE};

type Shared = State<Arc<Server>>;

/// The form field of the PDF choice: `none`, `bulletin` (the bulletin and
/// the volume) or `all`.
const PDF_FIELD: &str = "pdf";

/// The router: every route behind [`super::access::guard`], uploads
/// limited to `--max-upload-mb`.
pub(super) fn router(server: Arc<Server>) -> Router {
    let limit = usize::try_from(server.options.max_upload_bytes).unwrap_or(usize::MAX);
    Router::new()
        .route("/", get(index))
        .route("/score", post(score))
        .route("/jobs/{id}", get(job_page))
        .route("/jobs/{id}/status", get(job_status))
        .route("/jobs/{id}/units/{index}", get(unit_page))
        .route("/jobs/{id}/files/{*path}", get(job_file))
        .route("/jobs/{id}/zip", get(job_zip))
        .route("/merge", get(merge_page).post(merge))
        .route("/init", get(init_page))
        .route("/init/files/{*path}", get(init_file))
        .route("/assets/{name}", get(asset))
        .fallback(not_found)
        .layer(DefaultBodyLimit::disable())
        .layer(RequestBodyLimitLayer::new(limit))
        .layer(axum::middleware::from_fn_with_state(server.clone(), super::access::guard))
        .with_state(server)
}

async fn not_found(State(server): Shared, Extension(lang): Extension<Lang>) -> Response {
    missing(&server, lang)
}

async fn asset(
    State(server): Shared,
    Extension(lang): Extension<Lang>,
    Path(name): Path<String>,
) -> Response {
    super::pages::asset(&name).unwrap_or_else(|| missing(&server, lang))
}

async fn index(State(server): Shared, Extension(lang): Extension<Lang>) -> Response {
    let limit = server.options.max_upload_bytes >> 20;
    let pdf_available = server.office.is_some();
    let pdf_hint = crate::libreoffice::install_hint().get(lang).to_owned();
    let context = minijinja::context! { limit, pdf_available, pdf_hint };
    server.pages.render(StatusCode::OK, "index.html", lang, context)
}

/// The form's PDF choice (`pdf`): `--pdf`, `--pdf all` or neither; `Err`
/// for a value the form does not offer.
fn pdf_choice(received: &upload::Received) -> Result<Option<Pdf>, Message> {
    match received.field(PDF_FIELD) {
        None | Some("none") => Ok(None),
        Some("bulletin") => Ok(Some(Pdf::BulletinAndVolume)),
        Some("all") => Ok(Some(Pdf::All)),
        Some(_) => Err(Message::BadPdf),
    }
}

/// The answer to a refused upload.
fn refused(server: &Server, refused: Refused, lang: Lang) -> Response {
    match refused {
        Refused::TooLarge => super::access::too_large(server, lang),
        Refused::BadForm => server.pages.message(StatusCode::BAD_REQUEST, Message::BadForm, lang),
        Refused::NoFiles => server.pages.message(StatusCode::BAD_REQUEST, Message::NoFiles, lang),
        Refused::Storage(error) => {
            let message = crate::output::os_error(&error);
            let context = minijinja::context! {
                heading => text!("无法保存上传的文件", "cannot store the upload").get(lang),
                body => message.get(lang),
            };
            server.pages.render(StatusCode::INTERNAL_SERVER_ERROR, "message.html", lang, context)
        }
    }
}

/// The answer to an upload whose field is not what it should be: its job
/// goes, with what was stored.
fn refuse_field(server: &Server, received: &upload::Received, message: Message, lang: Lang) -> Response {
    server.jobs.discard(&received.job);
    server.pages.message(StatusCode::BAD_REQUEST, message, lang)
}

async fn score(State(server): Shared, Extension(lang): Extension<Lang>, form: Multipart) -> Response {
    let received = match upload::receive(&server.jobs, form).await {
        Ok(received) => received,
        Err(refusal) => return refused(&server, refusal, lang),
    };
    let Ok(year) = received.parsed::<i32>("year") else {
        return refuse_field(&server, &received, Message::BadYear, lang);
    };
    let previous = match received.files(PREVIOUS_FIELD) {
        [] => None,
        [one] => Some(one.clone()),
        _ => return refuse_field(&server, &received, Message::SeveralPrevious, lang),
    };
    let pdf = match (pdf_choice(&received), &server.office) {
        (Ok(None), _) => None,
        (Ok(Some(which)), Some(office)) => Some((which, office.clone())),
        (Ok(Some(_)), None) => return refuse_field(&server, &received, Message::NoLibreOffice, lang),
        (Err(message), _) => return refuse_field(&server, &received, message, lang),
    };
    let options = ScoreJob {
        year,
        strict: received.field("strict").is_some(),
        templates: !received.files(TEMPLATES_FIELD).is_empty(),
        previous,
        pdf,
        lang,
    };
    let id = received.job.id.clone();
    server.jobs.submit(received.job, Work::Score(options), server.source_date);
    Redirect::to(&format!("/jobs/{id}")).into_response()
}

async fn merge_page(State(server): Shared, Extension(lang): Extension<Lang>) -> Response {
    let limit = server.options.max_upload_bytes >> 20;
    let assessor = crate::cli::DEFAULT_ASSESSOR;
    server.pages.render(StatusCode::OK, "merge.html", lang, minijinja::context! { limit, assessor })
}

async fn merge(State(server): Shared, Extension(lang): Extension<Lang>, form: Multipart) -> Response {
    let received = match upload::receive(&server.jobs, form).await {
        Ok(received) => received,
        Err(refusal) => return refused(&server, refusal, lang),
    };
    let Ok(ideological_weight) = received.parsed::<f64>("ideological_weight") else {
        return refuse_field(&server, &received, Message::BadWeight, lang);
    };
    let assessor = received.field("assessor").unwrap_or(crate::cli::DEFAULT_ASSESSOR).to_owned();
    let id = received.job.id.clone();
    let options = MergeJob { ideological_weight, assessor, lang };
    server.jobs.submit(received.job, Work::Merge(options), server.source_date);
    Redirect::to(&format!("/jobs/{id}")).into_response()
}

/// The 404 page.
fn missing(server: &Server, lang: Lang) -> Response {
    server.pages.message(StatusCode::NOT_FOUND, Message::NotFound, lang)
}

/// The job's summary.json, read from its folder.
fn summary_of(job: &Job) -> Option<Summary> {
    let text = std::fs::read_to_string(job.results().join(SUMMARY_FILE)).ok()?;
    Summary::parse(&text).ok()
}

/// What the page's script polls.
#[derive(Serialize)]
struct Status {
    stage: &'static str,
    place: Option<usize>,
    letters_done: usize,
    letters: usize,
    pdfs_done: usize,
    pdfs: usize,
}

fn stage_name(state: &JobState) -> &'static str {
    match state {
        JobState::Queued => "queued",
        JobState::Validating => "validating",
        JobState::Scoring => "scoring",
        JobState::Converting => "converting",
        JobState::Invalid { .. } => "invalid",
        JobState::Failed { .. } => "failed",
        JobState::Done { .. } | JobState::Merged { .. } => "done",
    }
}

async fn job_status(
    State(server): Shared,
    Extension(lang): Extension<Lang>,
    Path(id): Path<String>,
) -> Response {
    let Some(job) = server.jobs.get(&id) else { return missing(&server, lang) };
    let (letters_done, letters) = job.progress();
    let (pdfs_done, pdfs) = job.pdf_progress();
    let stage = stage_name(&job.state());
    let place = server.jobs.place(&id);
    Json(Status { stage, place, letters_done, letters, pdfs_done, pdfs }).into_response()
}

/// A download link: what it is and where.
#[derive(Serialize)]
struct Link {
    label: String,
    href: String,
}

/// What a finished job wrote, as it may be downloaded: summary.json's
/// outputs, or a merge's two files; `None` before it finished.
fn outputs_of(job: &Job, state: &JobState) -> Option<Vec<String>> {
    match state {
        JobState::Done { .. } => summary_of(job).map(|summary| summary.outputs),
        JobState::Merged { .. } => Some(crate::output::Planned::merge().files),
        _ => None,
    }
}

/// The downloads of a finished job's `outputs`: the .zip, the fixed files,
/// the letters.
fn downloads(id: &str, outputs: &[String], lang: Lang) -> (Vec<Link>, Vec<Link>) {
    let words = [
        (WORKBOOK_FILE, text!("考核得分表", "Score workbook")),
        (BULLETIN_FILE, text!("考核结果通报", "Bulletin")),
        (VOLUME_FILE, text!("反馈汇编", "Volume of letters")),
        (SUMMARY_FILE, text!("机器可读汇总", "Machine summary")),
    ];
    let file = |path: &str| format!("/jobs/{id}/files/{path}");
    let mut fixed = vec![Link {
        label: text!("全部结果（.zip）", "Everything (.zip)").get(lang).to_owned(),
        href: format!("/jobs/{id}/zip"),
    }];
    // Each document's PDF (`--pdf`) follows it.
    let words = words.into_iter().flat_map(|(path, label)| {
        let pdf = path.ends_with(".docx").then(|| (crate::output::pdf_path(path), label.clone()));
        std::iter::once((path.to_owned(), label)).chain(pdf)
    });
    for (path, label) in words {
        if outputs.contains(&path) {
            let label = match lang {
                Lang::Zh => format!("{}（{path}）", label.zh),
                Lang::En => format!("{} ({path})", label.en),
            };
            fixed.push(Link { label, href: file(&path) });
        }
    }
    let prefix = format!("{LETTERS_DIR}/");
    let letters = outputs
        .iter()
        .filter_map(|path| {
            path.strip_prefix(&prefix).map(|name| Link { label: name.to_owned(), href: file(path) })
        })
        .collect();
    (fixed, letters)
}

async fn job_page(
    State(server): Shared,
    Extension(lang): Extension<Lang>,
    Path(id): Path<String>,
) -> Response {
    let Some(job) = server.jobs.get(&id) else { return missing(&server, lang) };
    let state = job.state();
    let (letters_done, letters) = job.progress();
    let (pdfs_done, pdfs) = job.pdf_progress();
    let place = server.jobs.place(&id);
    let stage = stage_name(&state);
    let state_value = super::pages::value(&state);
    let mut context = minijinja::context! {
        id => &id, stage, state => state_value, place, letters_done, letters, pdfs_done, pdfs
    };
    let (JobState::Done { grades, .. } | JobState::Merged { grades, .. }) = &state else {
        return server.pages.render(StatusCode::OK, "job.html", lang, context);
    };
    let Some(outputs) = outputs_of(&job, &state) else { return missing(&server, lang) };
    let (fixed, letter_links) = downloads(&id, &outputs, lang);
    let bars = results::bars(grades);
    let chart = minijinja::context! {
        width => results::chart_width(bars.len()),
        height => results::CHART_TOP + results::CHART_PLOT + 30,
        base => results::CHART_TOP + results::CHART_PLOT,
        bar_width => results::BAR_WIDTH,
        bars => super::pages::value(&bars),
    };
    let fixed = super::pages::value(&fixed);
    let letter_links = super::pages::value(&letter_links);
    context = minijinja::context! { chart, fixed, letter_links, ..context };
    if let JobState::Merged { .. } = &state {
        let rows = std::fs::read(job.dir.join(RANKING_FILE)).ok();
        let Some(rows) = rows.and_then(|bytes| serde_json::from_slice::<Vec<MergedRow>>(&bytes).ok()) else {
            return missing(&server, lang);
        };
        context = minijinja::context! { merged => super::pages::value(&rows), ..context };
    } else {
        let Some(summary) = summary_of(&job) else { return missing(&server, lang) };
        context = minijinja::context! {
            categories => super::pages::value(summary.categories()),
            rows => super::pages::value(summary.rows()),
            compared => summary.compared(),
            ..context
        };
    }
    server.pages.render(StatusCode::OK, "job.html", lang, context)
}

async fn unit_page(
    State(server): Shared,
    Extension(lang): Extension<Lang>,
    Path((id, index)): Path<(String, usize)>,
) -> Response {
    let Some(job) = server.jobs.get(&id) else { return missing(&server, lang) };
    let Some(mut summary) = summary_of(&job) else { return missing(&server, lang) };
    if index >= summary.units.len() {
        return missing(&server, lang);
    }
    let mut unit = summary.units.swap_remove(index);
    let names = std::fs::read(job.dir.join(NAMES_FILE)).ok();
    let Some(names) = names.and_then(|bytes| serde_json::from_slice::<Names>(&bytes).ok()) else {
        return missing(&server, lang);
    };
    names.name(&mut unit);
    let findings: Vec<&results::Finding> =
        summary.accountability.iter().filter(|finding| finding.unit == unit.id).collect();
    server.pages.render(
        StatusCode::OK,
        "unit.html",
        lang,
        minijinja::context! {
            id,
            unit => super::pages::value(&unit),
            findings => super::pages::value(&findings),
        },
    )
}

async fn job_file(
    State(server): Shared,
    Extension(lang): Extension<Lang>,
    Path((id, path)): Path<(String, String)>,
) -> Response {
    let Some(job) = server.jobs.get(&id) else { return missing(&server, lang) };
    let outputs = outputs_of(&job, &job.state()).unwrap_or_default();
    // Only a listed output: the path is looked up, never joined as given.
    let Some(listed) = outputs.iter().find(|output| **output == path) else {
        return missing(&server, lang);
    };
    match tokio::fs::read(job.results().join(listed)).await {
        Ok(bytes) => download::attachment(listed, bytes),
        Err(_) => missing(&server, lang),
    }
}

async fn job_zip(
    State(server): Shared,
    Extension(lang): Extension<Lang>,
    Path(id): Path<String>,
) -> Response {
    let Some(job) = server.jobs.get(&id) else { return missing(&server, lang) };
    if !matches!(job.state(), JobState::Done { .. } | JobState::Merged { .. }) {
        return missing(&server, lang);
    }
    match tokio::fs::read(job.dir.join(ZIP_FILE)).await {
        Ok(bytes) => download::attachment(ZIP_FILE, bytes),
        Err(_) => missing(&server, lang),
    }
}

/// `kaohe init`'s files for this year.
fn init_files() -> Result<Vec<(String, Vec<u8>)>, crate::diagnostic::Failure> {
    use chrono::Datelike;
    crate::init::files(chrono::Local::now().year(), &crate::render::docx::BUNDLED_TEMPLATES)
}

async fn init_page(State(server): Shared, Extension(lang): Extension<Lang>) -> Response {
    let files: Vec<Link> = init_files()
        .unwrap_or_default()
        .into_iter()
        .map(|(path, _)| Link { href: format!("/init/files/{path}"), label: path })
        .collect();
    server.pages.render(
        StatusCode::OK,
        "init.html",
        lang,
        minijinja::context! { files => super::pages::value(&files) },
    )
}

async fn init_file(
    State(server): Shared,
    Extension(lang): Extension<Lang>,
    Path(path): Path<String>,
) -> Response {
    let found = init_files().unwrap_or_default().into_iter().find(|(listed, _)| *listed == path);
    match found {
        Some((path, bytes)) => download::attachment(&path, bytes),
        None => missing(&server, lang),
    }
}
