//! Receiving an upload: the multipart form's files are streamed into a new
//! job's folder — inputs into `输入`, templates into `模板`, last year's
//! workbook into `上年`, apart from the inputs — first under
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

use super::jobs::{INPUTS_DIR, Job, Jobs, PREVIOUS_DIR, TEMPLATES_DIR};
use super::names::logical_names;

/// The form field of the input files.
pub(super) const INPUTS_FIELD: &str = "inputs";
/// The form field of the template files.
pub(super) const TEMPLATES_FIELD: &str = "templates";
/// The form field of last year's workbook (`--previous`).
pub(super) const PREVIOUS_FIELD: &str = "previous";

/// Each form field of files and the folder of the job its files go to.
const FILE_FIELDS: [(&str, &str); 3] =
    [(INPUTS_FIELD, INPUTS_DIR), (TEMPLATES_FIELD, TEMPLATES_DIR), (PREVIOUS_FIELD, PREVIOUS_DIR)];

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
/// the logical names of its files, by [`FILE_FIELDS`].
pub(super) struct Received {
    pub(super) job: Arc<Job>,
    pub(super) fields: HashMap<String, String>,
    files: [Vec<String>; FILE_FIELDS.len()],
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

    /// The logical names of the files of form field `field`, as stored in
    /// its folder.
    pub(super) fn files(&self, field: &str) -> &[String] {
        let index = FILE_FIELDS.iter().position(|(name, _)| *name == field);
        index.map_or(&[], |index| &self.files[index])
    }
}

/// Stores `form` into a new job of `jobs`; on refusal nothing of it stays.
pub(super) async fn receive(jobs: &Jobs, form: Multipart) -> Result<Received, Refused> {
    let job = jobs.create_job()?;
    match store(&job, form).await {
        Ok((fields, files)) => {
            let received = Received { job, fields, files };
            if received.files(INPUTS_FIELD).is_empty() {
                jobs.discard(&received.job);
                return Err(Refused::NoFiles);
            }
            Ok(received)
        }
        Err(refused) => {
            jobs.discard(&job);
            Err(refused)
        }
    }
}

/// The form's text fields, and the logical names of the files stored, by
/// [`FILE_FIELDS`].
async fn store(
    job: &Job,
    mut form: Multipart,
) -> Result<(HashMap<String, String>, [Vec<String>; FILE_FIELDS.len()]), Refused> {
    let mut fields = HashMap::new();
    let mut given: [Vec<String>; FILE_FIELDS.len()] = Default::default();
    while let Some(mut field) = form.next_field().await? {
        let name = field.name().unwrap_or_default().to_owned();
        let file_name = field.file_name().map(str::to_owned);
        let Some(index) = FILE_FIELDS.iter().position(|(files, _)| *files == name) else {
            fields.insert(name, field.text().await?);
            continue;
        };
        // A file input left empty sends one part without a name.
        let Some(file_name) = file_name.filter(|name| !name.is_empty()) else { continue };
        let folder = job.dir.join(FILE_FIELDS[index].1);
        let mut file = tokio::fs::File::create(part_path(&folder, given[index].len())).await?;
        while let Some(chunk) = field.chunk().await? {
            file.write_all(&chunk).await?;
        }
        file.flush().await?;
        given[index].push(file_name);
    }
    let mut named: [Vec<String>; FILE_FIELDS.len()] = Default::default();
    for (index, (_, folder)) in FILE_FIELDS.iter().enumerate() {
        named[index] = name_parts(&job.dir.join(folder), &given[index]).await?;
    }
    Ok((fields, named))
}

/// Where the `index`-th file of a folder is stored while the upload comes
/// in (a logical name never starts with a dot).
fn part_path(folder: &Path, index: usize) -> std::path::PathBuf {
    folder.join(format!(".part-{index}"))
}

/// Renames the parts in `folder` to the logical names of `given`, and
/// returns those.
async fn name_parts(folder: &Path, given: &[String]) -> io::Result<Vec<String>> {
    let names = logical_names(given.iter().map(String::as_str));
    for (index, name) in names.iter().enumerate() {
        tokio::fs::rename(part_path(folder, index), folder.join(name)).await?;
    }
    Ok(names)
}
