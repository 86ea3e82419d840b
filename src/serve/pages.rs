//! The page's HTML: minijinja templates embedded in the binary
//! (`src/serve/assets/*.html`), HTML-escaped, each given the page's words in
//! its language ([`WORDS`]) as `t`. The CSS and the JavaScript are files of
//! their own ([`ASSETS`]): the Content-Security-Policy allows no inline
//! script or style, and charts are SVG elements with attributes, not CSS.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use minijinja::Environment;
use serde::Serialize;

use crate::diagnostic::Lang;

/// The templates, by name.
const TEMPLATES: [(&str, &str); 8] = [
    ("layout.html", include_str!("assets/layout.html")),
    ("macros.html", include_str!("assets/macros.html")),
    ("index.html", include_str!("assets/index.html")),
    ("job.html", include_str!("assets/job.html")),
    ("unit.html", include_str!("assets/unit.html")),
    ("message.html", include_str!("assets/message.html")),
    ("init.html", include_str!("assets/init.html")),
    ("merge.html", include_str!("assets/merge.html")),
];

/// The files under `/assets/`: name, content type, bytes.
pub(super) const ASSETS: [(&str, &str, &[u8]); 2] = [
    ("page.css", "text/css; charset=utf-8", include_bytes!("assets/page.css")),
    ("page.js", "text/javascript; charset=utf-8", include_bytes!("assets/page.js")),
];

/// Every word on the pages: key, Chinese, English.
const WORDS: &[(&str, &str, &str)] = &[
    ("title", "考核计分", "kaohe scoring"),
    ("nav_score", "计分", "Score"),
    ("nav_merge", "汇总下级得分表", "Merge submissions"),
    ("nav_init", "空白表格与模板", "Blank workbook and templates"),
    ("other_lang", "English", "中文"),
    ("other_lang_code", "en", "zh"),
    ("skip", "跳到正文", "Skip to the content"),
    ("score_heading", "上传台账，计算得分", "Upload the ledgers and score"),
    (
        "score_intro",
        "选择或拖入全部输入文件（.xlsx .xlsm .xls .ods .csv）。文件先校验，有错误时不计分，并按文件和工作表列出每个错误的位置。",
        "Choose or drop every input file (.xlsx .xlsm .xls .ods .csv). The files are checked first; with errors nothing is scored and each error is listed by file and sheet with its place.",
    ),
    ("inputs", "输入文件", "Input files"),
    ("drop", "也可以把文件拖到这个框里", "Or drop the files on this box"),
    ("year", "考核年度（可不填，默认用设置表中的年度）", "Year (optional; the 设置 sheet's by default)"),
    ("strict", "严格模式：警告也视为错误", "Strict: warnings are errors"),
    ("templates", "自定义文书模板（可不选）", "Custom document templates (optional)"),
    (
        "previous",
        "上年得分表（可不选）：上年 kaohe 生成的考核得分表，或含“上年结果”表的工作簿",
        "Last year's results (optional): last year's kaohe score workbook, or a workbook with a 上年结果 sheet",
    ),
    ("pdf", "同时生成 PDF（用 LibreOffice）", "Also make PDFs (with LibreOffice)"),
    ("pdf_none", "不生成", "None"),
    ("pdf_bulletin", "通报和汇编", "The bulletin and the volume"),
    ("pdf_all", "全部（含每份反馈函）", "All (each letter too)"),
    (
        "pdf_unavailable",
        "运行本服务的电脑启动时未找到 LibreOffice，不能生成 PDF。",
        "LibreOffice was not found on the computer running this page when it started, so no PDF can be made. ",
    ),
    ("pdf_restart", "，装好后重新启动 kaohe serve。", ", then start kaohe serve again."),
    ("submit_score", "校验并计分", "Check and score"),
    ("limit", "上传总大小上限", "Upload limit"),
    ("queued", "排队中，前面还有", "Waiting; jobs ahead"),
    ("validating", "正在校验输入……", "Checking the inputs…"),
    ("scoring", "正在计分并生成文书……", "Scoring and writing the documents…"),
    ("letters_done", "份反馈函已生成", "letters written"),
    ("converting", "正在用 LibreOffice 生成 PDF……", "LibreOffice is making the PDFs…"),
    ("pdfs_done", "个 PDF 已生成", "PDFs made"),
    ("invalid", "输入有错误，未计分", "The inputs have errors; nothing was scored"),
    (
        "invalid_hint",
        "请按下列位置修改文件后重新上传。",
        "Correct the files at the places below and upload them again.",
    ),
    ("failed", "本次任务出错", "This job failed"),
    ("general", "（不指明文件）", "(no particular file)"),
    ("diagnostics", "校验结果", "Check results"),
    ("downloads", "下载", "Downloads"),
    ("letters", "各单位反馈函", "Each unit's letter"),
    ("chart", "等次分布", "Grades"),
    ("ranking", "排名", "Ranking"),
    ("sort_hint", "点击表头可排序", "Click a heading to sort"),
    ("rank", "排名", "Rank"),
    ("id", "编号", "Id"),
    ("name", "单位名称", "Unit"),
    ("weighted", "加权得分", "Weighted"),
    ("bonus", "加分", "Bonus"),
    ("total", "总分", "Total"),
    ("grade", "等次", "Grade"),
    ("veto", "否决", "Veto"),
    ("previous_total", "上年总分", "Last year's total"),
    ("previous_rank", "上年排名", "Last year's rank"),
    ("previous_grade", "上年等次", "Last year's grade"),
    ("moved", "名次升降", "Places moved up"),
    ("last_year", "上年", "Last year"),
    ("not_assessed_before", "上年未参评", "not assessed last year"),
    ("yes", "是", "yes"),
    ("no", "否", "no"),
    ("indicators", "指标得分", "Indicators"),
    ("indicator_name", "指标名称", "Indicator"),
    ("points", "分值", "Points"),
    ("score", "得分", "Score"),
    ("deduction", "扣分", "Deduction"),
    ("reason", "原因", "Reason"),
    ("accountability", "问责", "Accountability"),
    ("case", "案件", "Case"),
    ("person", "人员", "Person"),
    ("responsibility", "责任", "Responsibility"),
    ("main", "主要领导责任", "main"),
    ("important", "重要领导责任", "important"),
    ("individual", "个人责任", "individual"),
    ("none", "不承担责任", "none"),
    ("no_accountability", "无问责记录", "No accountability findings"),
    ("back", "返回结果", "Back to the results"),
    ("new_job", "重新上传", "Upload again"),
    ("init_heading", "空白输入表格与可编辑模板", "Blank input workbook and editable templates"),
    (
        "init_intro",
        "与 kaohe init 写出的文件相同：含全部工作表、表头和默认指标的空白工作簿，以及文书模板。",
        "The files kaohe init writes: a blank workbook with every sheet, header and the default criteria, and the document templates.",
    ),
    ("merge_heading", "汇总下级报送的得分表", "Merge submitted score workbooks"),
    (
        "merge_intro",
        "选择下级报送的 kaohe 考核得分表，逐一核验后合并排名，生成汇总得分表和汇总通报。",
        "Choose the score workbooks lower levels submitted; each is verified, then all units are ranked together into a combined workbook and bulletin.",
    ),
    ("workbooks", "下级得分表", "Submitted workbooks"),
    ("ideological_weight", "本级意识形态工作权重（%，可不填）", "Own ideological weight (%, optional)"),
    ("assessor", "本级单位名称（用于通报落款）", "Merging organisation (signs the bulletin)"),
    ("submit_merge", "核验并汇总", "Verify and merge"),
    ("organisation", "报送单位", "Submitted by"),
];

/// The page's words in `lang`, by key.
fn words(lang: Lang) -> std::collections::BTreeMap<&'static str, &'static str> {
    WORDS.iter().map(|&(key, zh, en)| (key, if lang == Lang::Zh { zh } else { en })).collect()
}

/// A page that only says something: an error of the request.
#[derive(Debug, Clone, Copy)]
pub(super) enum Message {
    /// 421: the `Host` header names another site.
    ForeignHost,
    /// 403: a state-changing request from another site.
    CrossOrigin,
    /// 401: the token is required.
    TokenNeeded,
    /// 413: the upload passes `--max-upload-mb`.
    TooLarge { limit: u64 },
    /// 404.
    NotFound,
    /// 400: an upload without input files.
    NoFiles,
    /// 400: a form that can't be read.
    BadForm,
    /// 400: a year that is not a number.
    BadYear,
    /// 400: an ideological weight that is not a number.
    BadWeight,
    /// 400: more than one workbook of last year.
    SeveralPrevious,
    /// 400: a PDF choice the form does not offer.
    BadPdf,
    /// 400: PDFs asked for, but LibreOffice was not found at start.
    NoLibreOffice,
}

impl Message {
    fn text(self) -> (crate::diagnostic::Text, crate::diagnostic::Text) {
        match self {
            Message::ForeignHost => (
                text!("地址不符", "Wrong address"),
                text!(
                    "请求中的主机名不是本服务的地址。请使用启动 kaohe serve 时打印的地址打开本页。",
                    "The request names a host that is not this server's address. Open the page at an address kaohe serve printed when it started."
                ),
            ),
            Message::CrossOrigin => (
                text!("拒绝跨站请求", "Cross-site request refused"),
                text!(
                    "这个请求来自其他网站，已拒绝。请在本页上操作。",
                    "This request came from another site and was refused. Use this page itself."
                ),
            ),
            Message::TokenNeeded => (
                text!("需要访问令牌", "Access token needed"),
                text!(
                    "请用启动 kaohe serve 时打印的完整链接（含 ?token=…）打开本页；没有链接的，请向运行它的同事索取。打开一次后，本浏览器会记住令牌。",
                    "Open the page with the full link kaohe serve printed when it started (with ?token=…); ask the colleague who runs it for the link. Once opened, this browser remembers the token."
                ),
            ),
            Message::TooLarge { limit } => (
                text!("上传的文件过大", "Upload too large"),
                text!(
                    "本次上传超过了 {limit} MB 的上限，未保存。请减少文件，或请运行者用 --max-upload-mb 调高上限。",
                    "This upload passes the limit of {limit} MB and was not stored. Upload fewer files, or ask whoever runs kaohe serve to raise --max-upload-mb."
                ),
            ),
            Message::NotFound => (
                text!("找不到页面", "Not found"),
                text!(
                    "没有这个页面或文件；任务的文件在保留期满或服务重启后会被删除。",
                    "There is no such page or file; a job's files are deleted when their time is up or the server restarts."
                ),
            ),
            Message::NoFiles => (
                text!("没有选择文件", "No files chosen"),
                text!("请至少选择一个输入文件。", "Choose at least one input file."),
            ),
            Message::BadYear => (
                text!("年度无效", "Invalid year"),
                text!(
                    "考核年度应为四位数字，如 2025，或不填。",
                    "The year is four digits, such as 2025, or left empty."
                ),
            ),
            Message::BadWeight => (
                text!("权重无效", "Invalid weight"),
                text!(
                    "意识形态工作权重应为数字（百分比），如 30，或不填。",
                    "The ideological weight is a number (a percentage) such as 30, or left empty."
                ),
            ),
            Message::SeveralPrevious => (
                text!("上年得分表只能有一个", "Only one workbook of last year"),
                text!(
                    "请只选择一个上年得分表（上年的考核得分表，或含“上年结果”表的工作簿）。",
                    "Choose one workbook of last year only (last year's score workbook, or a workbook with a 上年结果 sheet)."
                ),
            ),
            Message::BadPdf => (
                text!("PDF 选项无效", "Invalid PDF choice"),
                text!(
                    "PDF 只能选择“不生成”“通报和汇编”或“全部”。",
                    "The PDF choice is one of none, the bulletin and volume, or all."
                ),
            ),
            Message::NoLibreOffice => {
                let crate::diagnostic::Text { zh, en } = crate::libreoffice::install_hint();
                (
                    text!("不能生成 PDF", "PDFs cannot be made"),
                    text!(
                        "运行本服务的电脑在启动 kaohe serve 时没有找到 LibreOffice，所以不能生成 PDF，本次上传未计分。{zh}，然后重新启动 kaohe serve。",
                        "LibreOffice was not found on the computer running kaohe serve when it started, so no PDF can be made; this upload was not scored. {en}, then start kaohe serve again."
                    ),
                )
            }
            Message::BadForm => (
                text!("无法读取上传的表单", "The form could not be read"),
                text!("上传没有完成，请重试。", "The upload did not complete; try again."),
            ),
        }
    }
}

/// The page templates, compiled once.
pub(super) struct Pages {
    env: Environment<'static>,
}

impl Pages {
    pub(super) fn new() -> Pages {
        let mut env = Environment::new();
        env.add_filter("fixed", |number: f64| format!("{number:.2}"));
        for (name, source) in TEMPLATES {
            env.add_template(name, source).expect("the page templates compile");
        }
        Pages { env }
    }

    /// Template `name` with `context` (serialised, given `t` and `lang`
    /// besides), as an HTML answer with `status`.
    pub(super) fn render(
        &self,
        status: StatusCode,
        name: &str,
        lang: Lang,
        context: impl Serialize,
    ) -> Response {
        let context = minijinja::context! {
            t => words(lang),
            lang => if lang == Lang::Zh { "zh-CN" } else { "en" },
            ..value(context)
        };
        match self.env.get_template(name).and_then(|template| template.render(context)) {
            Ok(html) => (status, Html(html)).into_response(),
            Err(error) => {
                (StatusCode::INTERNAL_SERVER_ERROR, format!("page template {name}: {error}")).into_response()
            }
        }
    }

    /// The page of `message`, with `status`.
    pub(super) fn message(&self, status: StatusCode, message: Message, lang: Lang) -> Response {
        let (heading, body) = message.text();
        let context = minijinja::context! { heading => heading.get(lang), body => body.get(lang) };
        self.render(status, "message.html", lang, context)
    }
}

/// A serialisable value as a template value.
pub(super) fn value(serialisable: impl Serialize) -> minijinja::Value {
    minijinja::Value::from(minijinja::value::Serde(serialisable))
}

/// The answer for `/assets/NAME`, cached for a day (the files change only
/// with the binary).
pub(super) fn asset(name: &str) -> Option<Response> {
    let (_, content_type, bytes) = ASSETS.iter().find(|(asset, _, _)| *asset == name)?;
    let mut response = bytes.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("max-age=86400"));
    Some(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The waiting job's page for `stage`, with 3 of 15 letters and 1 of 2
    /// PDFs done.
    fn waiting(stage: &str) -> String {
        let pages = Pages::new();
        let template = pages.env.get_template("job.html").unwrap();
        let context = minijinja::context! {
            t => words(Lang::Zh), lang => "zh-CN", id => "abc", stage, place => 2,
            letters_done => 3, letters => 15, pdfs_done => 1, pdfs => 2,
        };
        template.render(context).unwrap()
    }

    #[test]
    fn a_waiting_job_shows_what_it_counts_and_refreshes_without_script() {
        let scoring = waiting("scoring");
        assert!(scoring.contains("<noscript><meta http-equiv=\"refresh\" content=\"2\"></noscript>"));
        assert!(scoring.contains("data-stage=\"scoring\" data-count=\"letters\""), "{scoring}");
        assert!(scoring.contains("<h1>正在计分并生成文书……</h1>"), "{scoring}");
        assert!(scoring.contains("<span class=\"count\">3 / 15</span> 份反馈函已生成"), "{scoring}");
        let converting = waiting("converting");
        assert!(converting.contains("<noscript><meta http-equiv=\"refresh\" content=\"2\"></noscript>"));
        assert!(converting.contains("data-stage=\"converting\" data-count=\"pdfs\""), "{converting}");
        assert!(converting.contains("<h1>正在用 LibreOffice 生成 PDF……</h1>"), "{converting}");
        assert!(
            converting.contains(
                "<progress max=\"2\" value=\"1\"></progress> <span class=\"count\">1 / 2</span> 个 PDF 已生成"
            ),
            "{converting}"
        );
        assert!(waiting("queued").contains("<h1>排队中，前面还有 2</h1>"));
    }

    #[test]
    fn every_word_has_both_languages_and_one_key() {
        let mut keys: Vec<&str> = WORDS.iter().map(|(key, _, _)| *key).collect();
        keys.sort_unstable();
        keys.dedup();
        assert_eq!(keys.len(), WORDS.len());
        assert!(WORDS.iter().all(|(_, zh, en)| !zh.is_empty() && !en.is_empty()));
        assert_eq!(words(Lang::En)["nav_score"], "Score");
        assert_eq!(words(Lang::Zh)["nav_score"], "计分");
    }
}
