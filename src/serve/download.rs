//! Downloads: a job's files as `kaohe score` wrote them, and the .zip of
//! all of them, each named with an RFC 5987 `filename*` so a Chinese name
//! survives (docs/网页版.md). Only the files summary.json lists can be
//! asked for: a requested path is looked up in that list, never joined
//! onto a folder as given.

use std::fs;
use std::io::{self, Write};
use std::path::Path;

use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};

/// Writes `zip` holding `outputs` (paths inside `results`) under the same
/// paths; already compressed office files are stored, the JSON deflated.
pub(super) fn zip_results(results: &Path, zip: &Path, outputs: &[String]) -> io::Result<()> {
    let mut writer = zip::ZipWriter::new(io::BufWriter::new(fs::File::create(zip)?));
    for path in outputs {
        let method = if path.ends_with(".json") {
            zip::CompressionMethod::Deflated
        } else {
            zip::CompressionMethod::Stored
        };
        let options = zip::write::SimpleFileOptions::default().compression_method(method);
        writer.start_file(path.as_str(), options).map_err(io::Error::other)?;
        writer.write_all(&fs::read(results.join(path))?)?;
    }
    writer.finish().map_err(io::Error::other)?.flush()
}

/// `Content-Disposition` for a file downloaded as `name`: an ASCII
/// `filename` for old clients and the exact name as `filename*`.
pub(super) fn content_disposition(name: &str) -> HeaderValue {
    let fallback: String = name
        .chars()
        .map(|c| if c.is_ascii_graphic() && !matches!(c, '"' | '\\' | '%') { c } else { '_' })
        .collect();
    let encoded: String = name
        .bytes()
        .map(|byte| match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'.' | b'-' | b'_' | b'~' => {
                char::from(byte).to_string()
            }
            _ => format!("%{byte:02X}"),
        })
        .collect();
    HeaderValue::from_str(&format!("attachment; filename=\"{fallback}\"; filename*=UTF-8''{encoded}"))
        .expect("only ASCII is left")
}

/// The content type of a download, by its extension.
fn content_type(name: &str) -> &'static str {
    match name.rsplit('.').next().unwrap_or_default() {
        "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "json" => "application/json",
        "zip" => "application/zip",
        "pdf" => "application/pdf",
        "md" => "text/markdown; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// `bytes` as a download named `name` (its last path part).
pub(super) fn attachment(name: &str, bytes: Vec<u8>) -> Response {
    let name = name.rsplit('/').next().unwrap_or(name);
    let mut response = bytes.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type(name)));
    headers.insert(header::CONTENT_DISPOSITION, content_disposition(name));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_names_go_in_filename_star() {
        let value = content_disposition("考核得分表.xlsx");
        assert_eq!(
            value.to_str().unwrap(),
            "attachment; filename=\"_____.xlsx\"; filename*=UTF-8''%E8%80%83%E6%A0%B8%E5%BE%97%E5%88%86%E8%A1%A8.xlsx"
        );
        let quoted = content_disposition("a \"b\".json");
        assert_eq!(
            quoted.to_str().unwrap(),
            "attachment; filename=\"a__b_.json\"; filename*=UTF-8''a%20%22b%22.json"
        );
    }
}
