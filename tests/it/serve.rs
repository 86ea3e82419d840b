//! `kaohe serve` over HTTP: every route through the router (tower's
//! `oneshot`), the access checks and their status codes, uploads and their
//! logical names, the files a job writes compared byte for byte with
//! `kaohe score`, the queue's cleanup, and Ctrl-C on the real binary.

use std::collections::BTreeMap;
use std::io::Read;
use std::num::NonZeroUsize;
use std::path::{Path, PathBuf};
use std::time::Duration;

use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode, header};
use http_body_util::BodyExt;
use kaohe::cli::Serve;
use kaohe::diagnostic::Lang;
use kaohe::serve::{Access, App};
use tower::ServiceExt;

const HOST: &str = "127.0.0.1:7878";

fn options() -> Serve {
    Serve {
        listen: HOST.parse().unwrap(),
        token: None,
        max_jobs: NonZeroUsize::MIN,
        keep: Duration::from_secs(86_400),
        max_upload_bytes: 256 << 20,
    }
}

/// A server on `options` with its jobs in a fresh temporary folder.
struct Served {
    app: App,
    _dir: tempfile::TempDir,
}

fn served(options: Serve) -> Served {
    served_in(options, Lang::Zh)
}

/// [`served`], the page in `lang` by default (`--lang`).
fn served_in(options: Serve, lang: Lang) -> Served {
    served_with(options, lang, None)
}

/// [`served_in`], its jobs converting to PDF with `office` when given.
fn served_with(options: Serve, lang: Lang, office: Option<kaohe::libreoffice::LibreOffice>) -> Served {
    let dir = tempfile::tempdir().unwrap();
    let access = Access::for_address(options.listen, options.token.clone());
    let app = App::new(options, access, &dir.path().join("jobs"), None, lang, office).unwrap();
    Served { app, _dir: dir }
}

/// An answer: status, headers, body.
struct Answer {
    status: StatusCode,
    headers: HeaderMap,
    body: Vec<u8>,
}

impl Answer {
    fn text(&self) -> String {
        String::from_utf8(self.body.clone()).unwrap()
    }

    fn header(&self, name: &str) -> &str {
        self.headers.get(name).map(|value| value.to_str().unwrap()).unwrap_or_default()
    }
}

impl Served {
    async fn send(&self, request: Request<Body>) -> Answer {
        let response = self.app.router().oneshot(request).await.unwrap();
        let (parts, body) = response.into_parts();
        let body = body.collect().await.unwrap().to_bytes().to_vec();
        Answer { status: parts.status, headers: parts.headers, body }
    }

    async fn get(&self, path: &str) -> Answer {
        self.send(get(path)).await
    }

    /// Uploads `files` (form field, client file name, bytes) with `fields`
    /// to be scored and waits until its job settles; returns the job's
    /// address.
    async fn score(&self, files: &[(&str, &str, &[u8])], fields: &[(&str, &str)]) -> String {
        self.submit("/score", files, fields).await
    }

    /// Posts the upload of `files` and `fields` to `path` and waits until
    /// its job settles; returns the job's address.
    async fn submit(&self, path: &str, files: &[(&str, &str, &[u8])], fields: &[(&str, &str)]) -> String {
        let answer = self.send(post(path, files, fields)).await;
        assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.text());
        let job = answer.header("location").to_owned();
        for _ in 0..600 {
            let status = self.get(&format!("{job}/status")).await.text();
            if ["invalid", "failed", "done"]
                .iter()
                .any(|stage| status.contains(&format!("\"stage\":\"{stage}\"")))
            {
                return job;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("{job} did not settle");
    }
}

fn get(path: &str) -> Request<Body> {
    Request::get(path).header(header::HOST, HOST).body(Body::empty()).unwrap()
}

const BOUNDARY: &str = "kaohe-test-boundary";

/// A multipart form body of `files` and `fields`.
fn form(files: &[(&str, &str, &[u8])], fields: &[(&str, &str)]) -> Vec<u8> {
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend(
            format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n")
                .bytes(),
        );
    }
    for (name, file_name, bytes) in files {
        let head = format!(
            "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{file_name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
        );
        body.extend(head.bytes());
        body.extend(*bytes);
        body.extend(b"\r\n");
    }
    body.extend(format!("--{BOUNDARY}--\r\n").bytes());
    body
}

fn post(path: &str, files: &[(&str, &str, &[u8])], fields: &[(&str, &str)]) -> Request<Body> {
    let body = form(files, fields);
    Request::post(path)
        .header(header::HOST, HOST)
        .header(header::ORIGIN, format!("http://{HOST}"))
        .header(header::CONTENT_TYPE, format!("multipart/form-data; boundary={BOUNDARY}"))
        .header(header::CONTENT_LENGTH, body.len())
        .body(Body::from(body))
        .unwrap()
}

fn sample() -> Vec<u8> {
    std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/示例台账.xlsx")).unwrap()
}

/// A per-unit ledger as CSV: no unit column, the unit is the file's stem.
const UNIT_LEDGER: &str =
    "日期,类型,标题\n2025-05-10,专题研究,支部专题研究意识形态工作\n2025-09-02,谈心谈话,支部书记谈心谈话\n";

/// Every file under `dir`, by its path inside it.
fn files_under(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut found = BTreeMap::new();
    let mut folders = vec![dir.to_path_buf()];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                folders.push(path);
            } else {
                let relative = path.strip_prefix(dir).unwrap().to_string_lossy().replace('\\', "/");
                found.insert(relative, std::fs::read(&path).unwrap());
            }
        }
    }
    found
}

/// What a kaohe command wrote into `dir`, by path, without its record of
/// the files it wrote.
fn outputs_in(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut found = files_under(dir);
    found.remove(".kaohe-outputs");
    found
}

/// Runs kaohe with `args` in `dir`, `SOURCE_DATE_EPOCH` unset, and expects
/// success.
fn kaohe_in(dir: &Path, args: &[&std::ffi::OsStr]) {
    assert_cmd::Command::cargo_bin("kaohe")
        .unwrap()
        .current_dir(dir)
        .env_remove("SOURCE_DATE_EPOCH")
        .args(args)
        .assert()
        .success();
}

/// `path` as a URL path: each byte but letters, digits and `./-_`
/// percent-encoded.
fn encoded(path: &str) -> String {
    path.bytes()
        .map(|byte| {
            if byte.is_ascii_alphanumeric() || b"./-_".contains(&byte) {
                char::from(byte).to_string()
            } else {
                format!("%{byte:02X}")
            }
        })
        .collect()
}

/// Every file in the .zip `bytes`, by its path there.
fn unzipped(bytes: Vec<u8>) -> BTreeMap<String, Vec<u8>> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut entries = BTreeMap::new();
    for index in 0..archive.len() {
        let mut entry = archive.by_index(index).unwrap();
        let mut bytes = Vec::new();
        entry.read_to_end(&mut bytes).unwrap();
        entries.insert(entry.name().unwrap().into_owned(), bytes);
    }
    entries
}

/// The job folders under the server's folder.
fn job_folders(app: &App) -> Vec<PathBuf> {
    std::fs::read_dir(app.root()).unwrap().map(|entry| entry.unwrap().path()).collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn every_answer_carries_the_strict_headers_and_the_page_works_in_both_languages() {
    let served = served(options());
    let index = served.get("/").await;
    assert_eq!(index.status, StatusCode::OK);
    assert_eq!(index.header("content-security-policy"), "default-src 'self'");
    assert_eq!(index.header("x-content-type-options"), "nosniff");
    assert_eq!(index.header("referrer-policy"), "same-origin");
    let html = index.text();
    assert!(
        html.contains("<form method=\"post\" action=\"/score\" enctype=\"multipart/form-data\""),
        "{html}"
    );
    assert!(html.contains("上传台账，计算得分") && html.contains("256 MB"), "{html}");
    assert!(!html.contains("<script>") && !html.contains("style="), "nothing inline: {html}");
    let english = served.get("/?lang=en").await;
    assert!(english.text().contains("Upload the ledgers and score"));
    assert_eq!(english.header("set-cookie"), "kaohe_lang=en; Path=/; HttpOnly; SameSite=Strict");
    let css = served.get("/assets/page.css").await;
    assert_eq!((css.status, css.header("content-type")), (StatusCode::OK, "text/css; charset=utf-8"));
    let js = served.get("/assets/page.js").await;
    assert!(js.text().contains("history.replaceState"));
    for missing in ["/assets/none.js", "/nowhere", "/jobs/00000000000000000000000000000000"] {
        let answer = served.get(missing).await;
        assert_eq!(answer.status, StatusCode::NOT_FOUND, "{missing}");
        assert!(answer.text().contains("找不到页面"), "{missing}");
        assert_eq!(answer.header("content-security-policy"), "default-src 'self'");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn lang_en_makes_english_the_default_and_the_switch_still_works() {
    let served = served_in(options(), Lang::En);
    let index = served.get("/").await.text();
    assert!(index.contains("<html lang=\"en\">") && index.contains("Check and score"), "{index}");
    assert!(index.contains("href=\"?lang=zh\""), "{index}");
    let chinese = served.get("/?lang=zh").await;
    assert!(chinese.text().contains("校验并计分"));
    assert_eq!(chinese.header("set-cookie"), "kaohe_lang=zh; Path=/; HttpOnly; SameSite=Strict");
    let remembered =
        Request::get("/nowhere").header(header::HOST, HOST).header(header::COOKIE, "kaohe_lang=zh");
    let missing = served.send(remembered.body(Body::empty()).unwrap()).await;
    assert!(missing.text().contains("找不到页面"));
    assert!(served.get("/nowhere").await.text().contains("Not found"));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_foreign_host_gets_421_and_a_cross_site_post_403() {
    let served = served(options());
    let rebound =
        Request::get("/").header(header::HOST, "attacker.example:7878").body(Body::empty()).unwrap();
    let answer = served.send(rebound).await;
    assert_eq!(answer.status, StatusCode::MISDIRECTED_REQUEST);
    assert!(answer.text().contains("地址不符"));
    let no_host = Request::get("/").body(Body::empty()).unwrap();
    assert_eq!(served.send(no_host).await.status, StatusCode::MISDIRECTED_REQUEST);
    assert_eq!(served.get("/").await.status, StatusCode::OK);
    let localhost = Request::get("/").header(header::HOST, "localhost:7878").body(Body::empty()).unwrap();
    assert_eq!(served.send(localhost).await.status, StatusCode::OK);

    let sample = sample();
    let mut cross = post("/score", &[("inputs", "示例台账.xlsx", &sample)], &[]);
    cross.headers_mut().insert(header::ORIGIN, "http://attacker.example".parse().unwrap());
    let answer = served.send(cross).await;
    assert_eq!(answer.status, StatusCode::FORBIDDEN);
    assert!(answer.text().contains("拒绝跨站请求"));
    let mut fetched = post("/score", &[("inputs", "示例台账.xlsx", &sample)], &[]);
    fetched.headers_mut().remove(header::ORIGIN);
    fetched.headers_mut().insert("sec-fetch-site", "cross-site".parse().unwrap());
    assert_eq!(served.send(fetched).await.status, StatusCode::FORBIDDEN);
    assert!(job_folders(&served.app).is_empty(), "nothing stored");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_token_is_asked_for_answered_with_the_page_and_kept_in_a_strict_cookie() {
    let served = served(Serve { token: Some("0123456789abcdef".into()), ..options() });
    let without = served.get("/").await;
    assert_eq!(without.status, StatusCode::UNAUTHORIZED);
    assert!(without.text().contains("需要访问令牌") && without.text().contains("?token="));
    assert_eq!(without.header("content-security-policy"), "default-src 'self'");
    assert_eq!(served.get("/?token=0123456789abcdee").await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(served.get("/init").await.status, StatusCode::UNAUTHORIZED);

    let link = served.get("/?token=0123456789abcdef").await;
    assert_eq!(link.status, StatusCode::OK, "the page itself, not a redirect");
    assert!(link.text().contains("上传台账，计算得分"));
    assert_eq!(link.header("set-cookie"), "kaohe_token=0123456789abcdef; Path=/; HttpOnly; SameSite=Strict");
    assert_eq!(link.header("referrer-policy"), "same-origin");

    let with_cookie = Request::get("/init")
        .header(header::HOST, HOST)
        .header(header::COOKIE, "kaohe_lang=zh; kaohe_token=0123456789abcdef");
    assert_eq!(served.send(with_cookie.body(Body::empty()).unwrap()).await.status, StatusCode::OK);
    let wrong_cookie = Request::get("/").header(header::HOST, HOST).header(header::COOKIE, "kaohe_token=x");
    assert_eq!(served.send(wrong_cookie.body(Body::empty()).unwrap()).await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(served.get("/assets/page.css").await.status, StatusCode::OK, "the 401 page's style");

    let sample = sample();
    let upload = served.send(post("/score", &[("inputs", "示例台账.xlsx", &sample)], &[])).await;
    assert_eq!(upload.status, StatusCode::UNAUTHORIZED);
    assert!(job_folders(&served.app).is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn an_upload_over_the_limit_gets_413_before_it_is_stored() {
    let served = served(Serve { max_upload_bytes: 1 << 20, ..options() });
    let big = vec![b'x'; 3 << 20];
    let answer = served.send(post("/score", &[("inputs", "大.csv", &big)], &[])).await;
    assert_eq!(answer.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(answer.text().contains("超过了 1 MB 的上限"), "{}", answer.text());
    assert_eq!(answer.header("content-security-policy"), "default-src 'self'");

    // Sent in chunks without a length: refused while reading, mid-stream.
    let body = form(&[("inputs", "大.csv", &big)], &[]);
    let chunks: Vec<Result<Vec<u8>, std::io::Error>> =
        body.chunks(64 << 10).map(|chunk| Ok(chunk.to_vec())).collect();
    let streamed = Request::post("/score")
        .header(header::HOST, HOST)
        .header(header::CONTENT_TYPE, format!("multipart/form-data; boundary={BOUNDARY}"))
        .body(Body::from_stream(futures_util::stream::iter(chunks)))
        .unwrap();
    let answer = served.send(streamed).await;
    assert_eq!(answer.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(job_folders(&served.app).is_empty(), "the partial upload was removed");

    let empty = served.send(post("/score", &[], &[("year", "2025")])).await;
    assert_eq!(empty.status, StatusCode::BAD_REQUEST);
    assert!(empty.text().contains("请至少选择一个输入文件"));
    assert!(job_folders(&served.app).is_empty());
    let year = served.send(post("/score", &[("inputs", "活动.csv", b"x")], &[("year", "二〇二五")])).await;
    assert_eq!(year.status, StatusCode::BAD_REQUEST);
    assert!(year.text().contains("年度无效"));
    assert!(job_folders(&served.app).is_empty(), "the stored upload went with its job");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_job_writes_the_bytes_kaohe_score_writes_under_the_logical_names() {
    let served = served(options());
    let sample = sample();
    let uploads: [(&str, &str, &[u8]); 3] = [
        ("inputs", "../../示例台账.xlsx", &sample),
        ("inputs", "C:\\台账\\办公室党支部台账.csv", UNIT_LEDGER.as_bytes()),
        ("inputs", "人事股党支部台账.csv", UNIT_LEDGER.as_bytes()),
    ];
    let job = served.score(&uploads, &[("year", "2025")]).await;
    let page = served.get(&job).await.text();
    assert!(page.contains("已完成2025年度考核计分：15个单位"), "{page}");
    assert!(!page.contains("上年总分"), "no comparison without last year's workbook");

    // The uploads under their logical names, and nothing outside the job.
    let folders = job_folders(&served.app);
    assert_eq!(folders.len(), 1);
    let inputs: Vec<String> = files_under(&folders[0].join("输入")).into_keys().collect();
    assert_eq!(inputs, ["人事股党支部台账.csv", "办公室党支部台账.csv", "示例台账.xlsx"]);

    // kaohe score on the same files under those names in natural order.
    let cli = tempfile::tempdir().unwrap();
    std::fs::write(cli.path().join("示例台账.xlsx"), &sample).unwrap();
    std::fs::write(cli.path().join("办公室党支部台账.csv"), UNIT_LEDGER).unwrap();
    std::fs::write(cli.path().join("人事股党支部台账.csv"), UNIT_LEDGER).unwrap();
    let out = cli.path().join("out");
    let args = ["score", "人事股党支部台账.csv", "办公室党支部台账.csv", "示例台账.xlsx", "--year", "2025"];
    let args: Vec<&std::ffi::OsStr> =
        args.iter().map(|arg| arg.as_ref()).chain(["-o".as_ref(), out.as_os_str()]).collect();
    kaohe_in(cli.path(), &args);
    let expected = outputs_in(&out);
    assert_eq!(expected.len(), 19, "{:?}", expected.keys());
    let summary = String::from_utf8(expected["summary.json"].clone()).unwrap();

    // The .zip holds exactly those files, byte for byte.
    let zip = served.get(&format!("{job}/zip")).await;
    assert_eq!(zip.header("content-type"), "application/zip");
    assert!(
        zip.header("content-disposition")
            .contains("filename*=UTF-8''%E8%80%83%E6%A0%B8%E7%BB%93%E6%9E%9C.zip")
    );
    let zipped = unzipped(zip.body);
    assert_eq!(zipped.keys().collect::<Vec<_>>(), expected.keys().collect::<Vec<_>>());
    for (path, bytes) in &expected {
        assert!(zipped[path] == *bytes, "{path} differs from kaohe score's");
    }

    // Each file downloads alone, the same bytes, named in filename*.
    for (path, bytes) in &expected {
        let file = served.get(&format!("{job}/files/{}", encoded(path))).await;
        assert_eq!(file.status, StatusCode::OK, "{path}");
        assert!(file.body == *bytes, "{path}");
        assert!(file.header("content-disposition").starts_with("attachment; filename=\""), "{path}");
    }
    // The workbook's 说明 names the inputs by their logical names.
    let mut workbook =
        zip::ZipArchive::new(std::io::Cursor::new(expected["考核得分表.xlsx"].clone())).unwrap();
    let mut sheets = String::new();
    for index in 0..workbook.len() {
        workbook.by_index(index).unwrap().read_to_string(&mut sheets).unwrap();
    }
    assert!(sheets.contains("人事股党支部台账.csv") && sheets.contains("示例台账.xlsx"));

    // Only listed outputs can be asked for.
    for path in
        ["..%2F..%2F输入%2F示例台账.xlsx", "../输入/示例台账.xlsx", ".kaohe-outputs", "%E8%BE%93%E5%85%A5/x"]
    {
        assert_eq!(served.get(&format!("{job}/files/{path}")).await.status, StatusCode::NOT_FOUND, "{path}");
    }

    // The ranking links each unit's page: indicators, reasons, findings.
    assert!(page.contains(&format!("href=\"{job}/units/0\"")), "{page}");
    let first = served.get(&format!("{job}/units/0")).await.text();
    assert!(first.contains("第一党总支（U20）") && !first.contains("class=\"previous\""), "{first}");
    // Each indicator by its name (the 指标 sheet's 名称), then its code.
    for row in [
        "<tr><th scope=\"row\">研究部署</th><td>研究部署</td><td>13.00</td>",
        "<tr class=\"clause\"><th scope=\"row\">专题研究意识形态工作</th><td>YS01</td>",
        "<tr><th scope=\"row\">意识形态和舆情综合分析</th><td>YS02</td>",
    ] {
        assert!(first.contains(row), "{row}: {first}");
    }
    let english = served.get(&format!("{job}/units/0?lang=en")).await.text();
    assert!(english.contains("<th scope=\"col\">Indicator</th><th scope=\"col\">Id</th>"), "{english}");
    assert!(english.contains("<tr><th scope=\"row\">意识形态和舆情综合分析</th><td>YS02</td>"), "{english}");
    let summary: serde_json::Value = serde_json::from_str(&summary).unwrap();
    let audited = summary["accountability"][0]["unit"].as_str().unwrap();
    let index = summary["units"].as_array().unwrap().iter().position(|unit| unit["id"] == audited).unwrap();
    let person = summary["accountability"][0]["person"].as_str().unwrap();
    let unit_page = served.get(&format!("{job}/units/{index}")).await.text();
    assert!(unit_page.contains(person) && unit_page.contains("主要领导责任"), "{unit_page}");
    assert_eq!(served.get(&format!("{job}/units/99")).await.status, StatusCode::NOT_FOUND);
}

#[tokio::test(flavor = "multi_thread")]
async fn inputs_with_errors_are_listed_by_file_and_sheet_and_nothing_is_scored() {
    let served = served(options());
    let ledger = "单位编号,日期,类型,标题\n办公室党支部,2025-13-01,专题研究,日期有误\n";
    let sample = sample();
    let uploads: [(&str, &str, &[u8]); 2] =
        [("inputs", "示例台账.xlsx", &sample), ("inputs", "活动.csv", ledger.as_bytes())];
    let job = served.score(&uploads, &[]).await;
    let page = served.get(&job).await.text();
    assert!(page.contains("输入有错误，未计分"), "{page}");
    assert!(page.contains("<h3>活动.csv:活动</h3>"), "{page}");
    assert!(page.contains("错误: 活动.csv:活动!B2: "), "{page}");
    let status = served.get(&format!("{job}/status")).await.text();
    assert!(status.contains("\"stage\":\"invalid\""), "{status}");
    assert!(!job_folders(&served.app)[0].join("结果").exists(), "nothing written");
    assert_eq!(served.get(&format!("{job}/zip")).await.status, StatusCode::NOT_FOUND);

    // Files that are not spreadsheets get the command line's guard.
    let hostile: [(&str, &str, &[u8]); 3] = [
        ("inputs", "示例台账.xlsx", &sample),
        ("inputs", "伪装.xlsx", b"PK\x03\x04 not really a zip"),
        ("inputs", "说明.txt", b"plain text"),
    ];
    let refused = served.score(&hostile, &[]).await;
    let page = served.get(&refused).await.text();
    assert!(page.contains("<h3>伪装.xlsx</h3>") && page.contains("错误: 伪装.xlsx: "), "{page}");
    assert!(page.contains("错误: 说明.txt: 无法读取 说明.txt：不是 kaohe 支持的格式"), "{page}");

    let strict = served.score(&[("inputs", "示例台账.xlsx", &sample)], &[("strict", "on")]).await;
    let page = served.get(&strict).await.text();
    assert!(
        page.contains("<h3>示例台账.xlsx:指标</h3>") && page.contains("错误: 示例台账.xlsx:指标!M4"),
        "{page}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn finished_jobs_are_removed_after_the_keep_time() {
    let served = served(Serve { keep: Duration::ZERO, ..options() });
    let sample = sample();
    let job = served.score(&[("inputs", "示例台账.xlsx", &sample)], &[]).await;
    assert_eq!(job_folders(&served.app).len(), 1);
    assert_eq!(served.app.remove_expired(), 1);
    assert!(job_folders(&served.app).is_empty());
    assert_eq!(served.get(&job).await.status, StatusCode::NOT_FOUND);
    assert_eq!(served.app.remove_expired(), 0);

    let kept = self::served(options());
    kept.score(&[("inputs", "示例台账.xlsx", &sample)], &[]).await;
    assert_eq!(kept.app.remove_expired(), 0);
    assert_eq!(job_folders(&kept.app).len(), 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn init_files_download_as_kaohe_init_writes_them() {
    let served = served(options());
    let page = served.get("/init").await.text();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("init");
    kaohe_in(dir.path(), &["init".as_ref(), out.as_os_str()]);
    let written = outputs_in(&out);
    let mut checked = 0;
    for (path, bytes) in &written {
        assert!(page.contains(&path.replace('/', "&#x2f;")), "{path}: {page}");
        let file = served.get(&format!("/init/files/{}", encoded(path))).await;
        assert_eq!(file.status, StatusCode::OK, "{path}");
        if !path.ends_with(".xlsx") {
            assert!(file.body == *bytes, "{path}");
        }
        checked += 1;
    }
    assert!(checked >= 3, "{checked}");
    assert_eq!(served.get("/init/files/..%2F..%2Fetc%2Fpasswd").await.status, StatusCode::NOT_FOUND);
}

#[cfg(unix)]
#[test]
fn ctrl_c_removes_every_job_folder_and_exits_130() {
    use std::io::BufRead;
    let tmp = tempfile::tempdir().unwrap();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_kaohe"))
        .args(["serve", "--listen", "127.0.0.1:0"])
        .env("TMPDIR", tmp.path())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    assert!(line.contains("http://127.0.0.1:"), "{line}");
    let root = tmp.path().join(format!("kaohe-serve-{}", child.id()));
    assert!(root.is_dir());
    std::fs::create_dir(root.join("a-job")).unwrap();
    // SAFETY: kill only sends a signal to the child started above.
    unsafe { libc::kill(child.id() as i32, libc::SIGINT) };
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(130));
    assert!(!root.exists(), "job folders removed");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_merge_page_writes_the_bytes_kaohe_merge_writes() {
    let dir = tempfile::tempdir().unwrap();
    let scored = dir.path().join("scored");
    let run = |args: &[&std::ffi::OsStr]| kaohe_in(dir.path(), args);
    let sample_path = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/示例台账.xlsx");
    run(&["score".as_ref(), sample_path.as_os_str(), "-o".as_ref(), scored.as_os_str()]);
    let submitted = std::fs::read(scored.join("考核得分表.xlsx")).unwrap();
    let merged = dir.path().join("merged");
    let workbook = dir.path().join("县局.xlsx");
    std::fs::write(&workbook, &submitted).unwrap();
    run(&[
        "merge".as_ref(),
        "县局.xlsx".as_ref(),
        "-o".as_ref(),
        merged.as_os_str(),
        "--ideological-weight".as_ref(),
        "20".as_ref(),
        "--assessor".as_ref(),
        "中共××县委".as_ref(),
    ]);

    let served = served(options());
    let form = served.get("/merge").await.text();
    assert!(form.contains("action=\"/merge\"") && form.contains("（汇总单位）"), "{form}");
    let uploads: [(&str, &str, &[u8]); 1] = [("inputs", "县局.xlsx", &submitted)];
    let fields = [("ideological_weight", "20"), ("assessor", "中共××县委")];
    let job = served.submit("/merge", &uploads, &fields).await;
    let page = served.get(&job).await.text();
    assert!(page.contains("已汇总1份得分表、15个单位"), "{page}");
    assert!(page.contains("<td>中共××县××局委员会</td>"), "the submitting organisation: {page}");
    for name in ["考核得分表.xlsx", "考核结果通报.docx"] {
        let file = served.get(&format!("{job}/files/{}", encoded(name))).await;
        assert_eq!(file.status, StatusCode::OK, "{name}");
        assert!(file.body == std::fs::read(merged.join(name)).unwrap(), "{name} differs from kaohe merge's");
    }
    assert_eq!(served.get(&format!("{job}/zip")).await.status, StatusCode::OK);

    let bad = served
        .send(post("/merge", &[("inputs", "县局.xlsx", &submitted)], &[("ideological_weight", "三十")]))
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(bad.text().contains("权重无效"));
}

#[test]
fn a_token_that_cannot_stand_in_a_url_is_a_usage_error() {
    let assert = assert_cmd::Command::cargo_bin("kaohe")
        .unwrap()
        .args(["serve", "--listen", "127.0.0.1:0", "--token", "a;b"])
        .assert()
        .code(2);
    let stderr = String::from_utf8(assert.get_output().stderr.clone()).unwrap();
    assert_eq!(stderr, "--token a;b：令牌只能由字母、数字和 - _ . ~ 组成\n");
}

fn previous_sample() -> Vec<u8> {
    std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/2024年度考核得分表.xlsx")).unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn last_years_workbook_is_kept_apart_and_gives_the_bytes_of_kaohe_score_previous() {
    let served = served(options());
    let (sample, previous) = (sample(), previous_sample());
    let uploads: [(&str, &str, &[u8]); 2] =
        [("inputs", "示例台账.xlsx", &sample), ("previous", "D:\\去年\\2024年度考核得分表.xlsx", &previous)];
    let job = served.score(&uploads, &[]).await;
    let page = served.get(&job).await.text();
    assert!(page.contains("已完成2025年度考核计分：15个单位"), "{page}");
    // Its note is told under the workbook's logical name, not where it is stored.
    assert!(page.contains("<h3>2024年度考核得分表.xlsx</h3>"), "{page}");
    assert!(
        page.contains("提示: 2024年度考核得分表.xlsx: 上年的 1 个单位今年未参评（如 党建办党支部）"),
        "{page}"
    );
    let folder = &job_folders(&served.app)[0];
    let inputs: Vec<String> = files_under(&folder.join("输入")).into_keys().collect();
    assert_eq!(inputs, ["示例台账.xlsx"], "last year's workbook is no input");
    assert_eq!(std::fs::read(folder.join("上年/2024年度考核得分表.xlsx")).unwrap(), previous);

    let cli = tempfile::tempdir().unwrap();
    std::fs::write(cli.path().join("示例台账.xlsx"), &sample).unwrap();
    std::fs::write(cli.path().join("2024年度考核得分表.xlsx"), &previous).unwrap();
    let out = cli.path().join("out");
    let args = ["score", "示例台账.xlsx", "--previous", "2024年度考核得分表.xlsx", "-o"];
    let args: Vec<&std::ffi::OsStr> = args.iter().map(|arg| arg.as_ref()).chain([out.as_os_str()]).collect();
    kaohe_in(cli.path(), &args);
    let expected = outputs_in(&out);
    let zipped = unzipped(served.get(&format!("{job}/zip")).await.body);
    assert_eq!(zipped.keys().collect::<Vec<_>>(), expected.keys().collect::<Vec<_>>());
    for (path, bytes) in &expected {
        assert!(zipped[path] == *bytes, "{path} differs from kaohe score --previous's");
    }
    let summary: serde_json::Value = serde_json::from_slice(&expected["summary.json"]).unwrap();
    let fifth = &summary["units"][4];
    assert_eq!(
        fifth["previous"],
        serde_json::json!({"year": 2024, "total": 93.07, "rank": 7, "grade": "良好"})
    );

    // The ranking compares: 上年总分, 上年排名, 上年等次, 名次升降 (up 2 from 7th to 5th).
    assert!(page.contains("<button type=\"button\">上年总分</button>"), "{page}");
    assert!(page.contains("<td data-value=\"93.07\">93.07</td>\n<td data-value=\"7\">7</td>\n<td>良好</td>\n<td data-value=\"2\">2</td>"), "{page}");
    let new = "<td data-value=\"-1\">上年未参评</td>";
    assert_eq!(page.matches(new).count(), 1, "后勤服务中心党支部 is new: {page}");
    let unit = served.get(&format!("{job}/units/4")).await.text();
    assert!(
        unit.contains("<p class=\"previous\">上年（2024）：总分 93.07 · 排名 7 · 等次 良好</p>"),
        "{unit}"
    );
    let new = served.get(&format!("{job}/units/9?lang=en")).await.text();
    assert!(new.contains("<p class=\"previous\">not assessed last year</p>"), "{new}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_wrong_workbook_of_last_year_is_located_by_its_logical_name() {
    let served = served(options());
    let sample = sample();
    let uploads: [(&str, &str, &[u8]); 2] =
        [("inputs", "示例台账.xlsx", &sample), ("previous", "../去年.xlsx", &sample)];
    let job = served.score(&uploads, &[]).await;
    let page = served.get(&job).await.text();
    assert!(page.contains("输入有错误，未计分") && page.contains("<h3>去年.xlsx</h3>"), "{page}");
    assert!(page.contains("错误: 去年.xlsx: 不是 kaohe 生成的考核得分表：没有“说明”工作表"), "{page}");
    assert!(!page.contains("上年/") && !page.contains("/tmp"), "no stored path shown: {page}");
    assert!(!job_folders(&served.app)[0].join("结果").exists(), "nothing written");

    let previous = previous_sample();
    let two: [(&str, &str, &[u8]); 3] = [
        ("inputs", "示例台账.xlsx", &sample),
        ("previous", "甲.xlsx", &previous),
        ("previous", "乙.xlsx", &previous),
    ];
    let answer = served.send(post("/score", &two, &[])).await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    assert!(answer.text().contains("请只选择一个上年得分表"), "{}", answer.text());
    assert_eq!(job_folders(&served.app).len(), 1, "the refused upload went");
}

#[tokio::test(flavor = "multi_thread")]
async fn without_libreoffice_the_pdf_choice_is_disabled_and_a_forged_one_refused() {
    let served = served(options());
    // minijinja escapes a `/` in a value as `&#x2f;`.
    let index = served.get("/").await.text().replace("&#x2f;", "/");
    assert!(index.contains("<fieldset class=\"choice\" disabled aria-describedby=\"pdf-hint\">"), "{index}");
    assert!(
        index.contains("启动时未找到 LibreOffice，不能生成 PDF。请安装 LibreOffice：Debian/Ubuntu 运行 sudo apt-get install libreoffice-writer-nogui"),
        "{index}"
    );
    let english = served.get("/?lang=en").await.text().replace("&#x2f;", "/");
    assert!(english.contains("Install LibreOffice: on Debian/Ubuntu run"), "{english}");
    let sample = sample();
    for (choice, shown) in [("all", "不能生成 PDF"), ("bulletin", "不能生成 PDF"), ("every", "PDF 选项无效")]
    {
        let answer =
            served.send(post("/score", &[("inputs", "示例台账.xlsx", &sample)], &[("pdf", choice)])).await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{choice}");
        assert!(answer.text().contains(shown), "{choice}: {}", answer.text());
    }
    assert!(job_folders(&served.app).is_empty(), "nothing stored");
    // 不生成 is scored as without --pdf.
    let job = served.score(&[("inputs", "示例台账.xlsx", &sample)], &[("pdf", "none")]).await;
    assert!(served.get(&job).await.text().contains("已完成2025年度考核计分"));
}

#[tokio::test(flavor = "multi_thread")]
async fn with_libreoffice_the_bulletin_and_volume_come_as_pdf_too() {
    let Ok(office) = kaohe::libreoffice::LibreOffice::find() else {
        eprintln!("skipped: LibreOffice (soffice or libreoffice) is not on the PATH");
        return;
    };
    let served = served_with(options(), Lang::Zh, Some(office));
    let index = served.get("/").await.text();
    assert!(index.contains("<fieldset class=\"choice\">") && !index.contains("pdf-hint"), "{index}");

    let sample = sample();
    let job = served.score(&[("inputs", "示例台账.xlsx", &sample)], &[("pdf", "bulletin")]).await;
    let status = served.get(&format!("{job}/status")).await.text();
    assert!(status.contains("\"letters_done\":15,\"letters\":15,\"pdfs_done\":2,\"pdfs\":2"), "{status}");
    let page = served.get(&job).await.text().replace("&#x2f;", "/");
    assert!(page.contains("已完成2025年度考核计分"), "{page}");
    for name in ["考核结果通报.pdf", "反馈汇编.pdf"] {
        assert!(page.contains(&format!("href=\"{job}/files/{name}\"")), "{name}: {page}");
    }
    let zipped = unzipped(served.get(&format!("{job}/zip")).await.body);
    let summary: serde_json::Value = serde_json::from_slice(&zipped["summary.json"]).unwrap();
    let outputs: Vec<&str> =
        summary["outputs"].as_array().unwrap().iter().map(|o| o.as_str().unwrap()).collect();
    assert_eq!(
        outputs[..5],
        ["考核得分表.xlsx", "考核结果通报.docx", "考核结果通报.pdf", "反馈汇编.docx", "反馈汇编.pdf"]
    );
    assert_eq!(zipped.len(), outputs.len());
    let bulletin = served.get(&format!("{job}/files/{}", encoded("考核结果通报.pdf"))).await;
    assert_eq!(bulletin.header("content-type"), "application/pdf");
    assert!(bulletin.body == zipped["考核结果通报.pdf"]);
    let document = lopdf::Document::load_mem(&bulletin.body).unwrap();
    let first = document.extract_text(&[1]).unwrap().split_whitespace().collect::<String>();
    assert!(first.contains("关于2025年度考核结果的通报"), "{first}");

    // The documents are kaohe score's; only summary.json lists the PDFs besides.
    let cli = tempfile::tempdir().unwrap();
    std::fs::write(cli.path().join("示例台账.xlsx"), &sample).unwrap();
    let out = cli.path().join("out");
    kaohe_in(cli.path(), &["score".as_ref(), "示例台账.xlsx".as_ref(), "-o".as_ref(), out.as_os_str()]);
    for (path, bytes) in outputs_in(&out).iter().filter(|(path, _)| *path != "summary.json") {
        assert!(zipped[path] == *bytes, "{path} differs from kaohe score's");
    }
}
