//! Receiving an upload: the multipart form's files are streamed into a new
//! job's folder — inputs into `输入`, templates into `模板` — first under
//! numbered names, then renamed to their logical names ([`super::names`]);
//! the form's other fields are kept as text. The body limit
//! (`--max-upload-mb`) is enforced while reading, so an upload over it is
//! refused (413) before it is stored in full, and its job folder removed.

use std::collections::HashMap;
use std::io;
use std::path::Path;
use std::sync::Arc;

use axum::extract::Multipart;
use axum::extract::multipart::MultipartError;
use axum::http::StatusCode;
use tokio::io::AsyncWriteExt;

use super::jobs::{INPUTS_DIR, Job, Jobs, TEMPLATES_DIR};
use super::names::logical_names;

/// The form field of the input files.
pub(super) const INPUTS_FIELD: &str = "inputs";
/// The form field of the template files.
pub(super) const TEMPLATES_FIELD: &str = "templates";

/// Why an upload was refused.
#[derive(Debug)]
pub(super) enum Refused {
    /// Over `--max-upload-mb`.
    TooLarge,
    /// Not a readable multipart form (or cut off).
    BadForm,
    /// No input file in it.
    NoFiles,
    /// Its files could not be stored.
    Storage(io::Error),
}

impl From<MultipartError> for Refused {
    fn from(error: MultipartError) -> Refused {
        if error.status() == StatusCode::PAYLOAD_TOO_LARGE { Refused::TooLarge } else { Refused::BadForm }
    }
}

impl From<io::Error> for Refused {
    fn from(error: io::Error) -> Refused {
        Refused::Storage(error)
    }
}

/// A stored upload: its job (not yet queued), the form's text fields, and
/// how many templates came with it.
pub(super) struct Received {
    pub(super) job: Arc<Job>,
    pub(super) fields: HashMap<String, String>,
    pub(super) templates: usize,
}

impl Received {
    /// The text field `name`, trimmed, unless empty.
    pub(super) fn field(&self, name: &str) -> Option<&str> {
        self.fields.get(name).map(|value| value.trim()).filter(|value| !value.is_empty())
    }

    /// The field `name` as a `T`, `None` when empty; `Err` when it is not
    /// one.
    pub(super) fn parsed<T: std::str::FromStr>(&self, name: &str) -> Result<Option<T>, T::Err> {
        self.field(name).map(str::parse).transpose()
    }
}

/// Stores `form` into a new job of `jobs`; on refusal nothing of it stays.
pub(super) async fn receive(jobs: &Jobs, form: Multipart) -> Result<Received, Refused> {
    let job = jobs.create_job()?;
    match store(&job, form).await {
        Ok((_, 0, _)) => {
            jobs.discard(&job);
            Err(Refused::NoFiles)
        }
        Ok((fields, _, templates)) => Ok(Received { job, fields, templates }),
        Err(refused) => {
            jobs.discard(&job);
            Err(refused)
        }
    }
}

/// The form's text fields, and the number of inputs and templates stored.
async fn store(job: &Job, mut form: Multipart) -> Result<(HashMap<String, String>, usize, usize), Refused> {
    let mut fields = HashMap::new();
    let (inputs, templates) = (job.dir.join(INPUTS_DIR), job.dir.join(TEMPLATES_DIR));
    let mut inputs_given: Vec<String> = Vec::new();
    let mut templates_given: Vec<String> = Vec::new();
    while let Some(mut field) = form.next_field().await? {
        let name = field.name().unwrap_or_default().to_owned();
        let file_name = field.file_name().map(str::to_owned);
        let (folder, given) = match name.as_str() {
            INPUTS_FIELD => (&inputs, &mut inputs_given),
            TEMPLATES_FIELD => (&templates, &mut templates_given),
            _ => {
                fields.insert(name, field.text().await?);
                continue;
            }
        };
        // A file input left empty sends one part without a name.
        let Some(file_name) = file_name.filter(|name| !name.is_empty()) else { continue };
        let mut file = tokio::fs::File::create(part_path(folder, given.len())).await?;
        while let Some(chunk) = field.chunk().await? {
            file.write_all(&chunk).await?;
        }
        file.flush().await?;
        given.push(file_name);
    }
    name_parts(&inputs, &inputs_given).await?;
    name_parts(&templates, &templates_given).await?;
    Ok((fields, inputs_given.len(), templates_given.len()))
}

/// Where the `index`-th file of a folder is stored while the upload comes
/// in (a logical name never starts with a dot).
fn part_path(folder: &Path, index: usize) -> std::path::PathBuf {
    folder.join(format!(".part-{index}"))
}

/// Renames the parts in `folder` to the logical names of `given`.
async fn name_parts(folder: &Path, given: &[String]) -> io::Result<()> {
    let names = logical_names(given.iter().map(String::as_str));
    for (index, name) in names.iter().enumerate() {
        tokio::fs::rename(part_path(folder, index), folder.join(name)).await?;
    }
    Ok(())
}
