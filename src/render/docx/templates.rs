//! The editable templates: minijinja over kaohe's Markdown dialect. Bundled
//! defaults are compiled in; `--templates DIR` replaces any of them that the
//! folder holds; `kaohe init` writes them out. Undefined variables are
//! errors (strict mode) that name the template file and line, and every
//! value is escaped for the dialect so data can never change the layout.

use std::fs;
use std::path::Path;

use minijinja::syntax::SyntaxConfig;
use minijinja::value::Serde;
use minijinja::{AutoEscape, Environment, UndefinedBehavior};
use serde::Serialize;

use super::markdown;
use crate::diagnostic::{Diagnostic, Location, Text};

/// The feedback letter template's file name.
pub const FEEDBACK: &str = "feedback.md";
/// The bulletin template's file name.
pub const BULLETIN: &str = "bulletin.md";
/// The documentation of the dialect and the contexts.
pub const README: &str = "README.md";

/// The bundled files, in the order `kaohe init` writes them.
pub const BUNDLED: [(&str, &str); 3] = [
    (FEEDBACK, include_str!("../../../templates/feedback.md")),
    (BULLETIN, include_str!("../../../templates/bulletin.md")),
    (README, include_str!("../../../templates/README.md")),
];

/// Name of the escaping mode the formatter applies.
const MARKDOWN_ESCAPE: &str = "kaohe-markdown";

/// A template that could not be read or rendered, located at its file and line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TemplateError {
    /// The template file as the user knows it: the `--templates` path, or
    /// `templates/feedback.md` for a bundled default.
    pub file: String,
    pub line: Option<usize>,
    pub message: Text,
}

impl std::fmt::Display for TemplateError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.location(), self.message.zh)
    }
}

impl std::error::Error for TemplateError {}

impl TemplateError {
    /// `FILE:LINE`, or the file alone.
    pub fn location(&self) -> String {
        match self.line {
            Some(line) => format!("{}:{line}", self.file),
            None => self.file.clone(),
        }
    }

    pub fn to_diagnostic(&self) -> Diagnostic {
        Diagnostic::error(Some(Location::file(self.location().into())), self.message.clone())
    }
}

impl From<TemplateError> for Diagnostic {
    fn from(error: TemplateError) -> Self {
        error.to_diagnostic()
    }
}

/// The two document templates, ready to render.
pub struct Templates {
    environment: Environment<'static>,
    /// (template name, file shown in errors).
    files: Vec<(&'static str, String)>,
}

impl std::fmt::Debug for Templates {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Templates").field("files", &self.files).finish()
    }
}

impl Templates {
    /// The bundled defaults.
    pub fn bundled() -> Self {
        Self::load(None).expect("bundled templates compile")
    }

    /// The bundled defaults, each replaced by the file of the same name in
    /// `dir` when there is one. A `dir` that is not a folder is an error.
    pub fn load(dir: Option<&Path>) -> Result<Self, TemplateError> {
        if let Some(dir) = dir.filter(|dir| !dir.is_dir()) {
            return Err(TemplateError {
                file: dir.display().to_string(),
                line: None,
                message: text!("模板目录不存在", "the templates folder does not exist"),
            });
        }
        let mut environment = Environment::new();
        environment.set_undefined_behavior(UndefinedBehavior::Strict);
        environment.set_syntax(
            SyntaxConfig::builder()
                .trim_blocks(true)
                .lstrip_blocks(true)
                .keep_trailing_newline(true)
                .build()
                .expect("default delimiters"),
        );
        environment.set_auto_escape_callback(|_| AutoEscape::Custom(MARKDOWN_ESCAPE.into()));
        environment.set_formatter(|out, state, value| {
            if value.is_safe() || !matches!(state.auto_escape(), AutoEscape::Custom(_)) {
                write!(out, "{value}").map_err(minijinja::Error::from)
            } else {
                out.write_str(&markdown::escape(&value.to_string())).map_err(minijinja::Error::from)
            }
        });
        let mut files = Vec::new();
        for (name, bundled) in BUNDLED.into_iter().filter(|(name, _)| *name != README) {
            let (file, source) = match dir.map(|dir| dir.join(name)).filter(|path| path.is_file()) {
                Some(path) => {
                    let source = fs::read_to_string(&path).map_err(|error| TemplateError {
                        file: path.display().to_string(),
                        line: None,
                        message: text!("无法读取模板：{error}", "cannot read the template: {error}"),
                    })?;
                    (path.display().to_string(), source)
                }
                None => (format!("templates/{name}"), bundled.to_owned()),
            };
            environment.add_template_owned(name, source).map_err(|error| located(&error, &file, None))?;
            files.push((name, file));
        }
        Ok(Templates { environment, files })
    }

    /// Renders template `name` (`FEEDBACK` or `BULLETIN`) with `context`.
    pub fn render(&self, name: &str, context: &impl Serialize) -> Result<String, TemplateError> {
        let file = self.file(name);
        let template = self.environment.get_template(name).map_err(|error| located(&error, &file, None))?;
        template.render(Serde(context)).map_err(|error| located(&error, &file, Some(template.source())))
    }

    /// An error with `message` about template `name` as a whole.
    pub fn error(&self, name: &str, message: Text) -> TemplateError {
        TemplateError { file: self.file(name), line: None, message }
    }

    fn file(&self, name: &str) -> String {
        self.files
            .iter()
            .find(|(known, _)| *known == name)
            .map(|(_, file)| file.clone())
            .unwrap_or(name.to_owned())
    }
}

/// A minijinja error as a [`TemplateError`]: an undefined variable is named
/// by the expression at the error's span in the template's `source` (which
/// minijinja doesn't attach to every error).
fn located(error: &minijinja::Error, file: &str, source: Option<&str>) -> TemplateError {
    let expression = error
        .template_source()
        .or(source)
        .zip(error.range())
        .and_then(|(source, range)| source.get(range))
        .map(str::trim)
        .filter(|expression| !expression.is_empty());
    let message = match (error.kind(), expression) {
        (minijinja::ErrorKind::UndefinedError, Some(expression)) => {
            text!("未定义的变量 {expression}", "undefined variable {expression}")
        }
        _ => {
            let detail = error.detail().map(str::to_owned).unwrap_or_else(|| error.kind().to_string());
            text!("模板错误：{detail}", "template error: {detail}")
        }
    };
    TemplateError { file: file.to_owned(), line: error.line(), message }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_typo_names_file_line_and_variable() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(FEEDBACK), "# 标题\n\n主送：{{ unit.nmae }}\n").unwrap();
        let templates = Templates::load(Some(dir.path())).unwrap();
        let context = serde_json::json!({ "unit": { "name": "第一党支部" } });
        let error = templates.render(FEEDBACK, &context).unwrap_err();
        assert_eq!(error.file, dir.path().join(FEEDBACK).display().to_string());
        assert_eq!(error.line, Some(3));
        assert!(error.message.zh.contains("unit.nmae"), "{:?}", error.message);
        assert!(error.message.en.contains("undefined variable unit.nmae"), "{:?}", error.message);
        let diagnostic = error.to_diagnostic();
        assert!(
            diagnostic.headline(crate::diagnostic::Lang::En).contains(&format!("{}:3: undefined", FEEDBACK))
        );
    }

    #[test]
    fn values_are_escaped_for_the_dialect() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(BULLETIN), "| {{ name }} |\n{{ '**safe**' | safe }}").unwrap();
        let templates = Templates::load(Some(dir.path())).unwrap();
        let out = templates.render(BULLETIN, &serde_json::json!({ "name": "1. a|b*c_d#" })).unwrap();
        assert_eq!(out, "| 1\\. a\\|b\\*c\\_d\\# |\n**safe**");
    }

    #[test]
    fn a_missing_folder_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("模板");
        let error = Templates::load(Some(&missing)).unwrap_err();
        assert_eq!(error.file, missing.display().to_string());
        assert_eq!(error.message.en, "the templates folder does not exist");
    }
}
