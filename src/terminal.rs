//! What kaohe prints on the terminal besides diagnostics: the line each
//! command ends with (docs/命令.md) and the progress bars of the letters
//! and the PDFs.
//! Diagnostics and failures print themselves ([`crate::diagnostic`]).

use std::path::Path;
use std::sync::OnceLock;

use crate::Progress;
use crate::diagnostic::{Lang, count_en};
use crate::model::Model;
use crate::score::Report;

/// The line `check` ends with. Rows outside the year are told by their own
/// note; notes are not counted as warnings.
pub(crate) fn check_summary(model: &Model, warnings: usize, lang: Lang) -> String {
    let assessed = model.units.iter().filter(|u| u.assessed).count();
    let (year, activities, incidents) = (model.settings.year, model.activities.len(), model.incidents.len());
    match lang {
        Lang::Zh => format!(
            "校验通过：{year}年度，{assessed}个参评单位，{activities}条台账，{incidents}起舆情，{warnings}条警告。"
        ),
        Lang::En => format!(
            "OK: year {year}, {}, {}, {}, {}.",
            count_en(assessed, "assessed unit", "assessed units"),
            count_en(activities, "ledger row", "ledger rows"),
            count_en(incidents, "incident", "incidents"),
            count_en(warnings, "warning", "warnings"),
        ),
    }
}

/// What a person sees after `score`: units scored and grade counts.
pub(crate) fn score_summary(model: &Model, report: &Report, lang: Lang) -> String {
    let units = &report.units;
    let grades: Vec<String> = grade_counts(model, report)
        .map(|(grade, count)| match lang {
            Lang::Zh => format!("{grade}{count}个"),
            Lang::En => format!("{grade} {count}"),
        })
        .collect();
    let vetoed = units.iter().filter(|u| u.veto).count();
    match lang {
        Lang::Zh => format!(
            "已完成{}年度考核计分：{}个单位（{}；一票否决{vetoed}个）",
            model.settings.year,
            units.len(),
            grades.join("、")
        ),
        Lang::En => format!(
            "Scored {} for {} ({}; {vetoed} vetoed)",
            count_en(units.len(), "unit", "units"),
            model.settings.year,
            grades.join(", ")
        ),
    }
}

/// [`score_summary`]'s `line` with `dir`, where the files went.
pub(crate) fn written_to(line: &str, dir: &Path, lang: Lang) -> String {
    let shown = dir.display();
    match lang {
        Lang::Zh => format!("{line}，结果已写入 {shown}"),
        Lang::En => format!("{line}; results written to {shown}"),
    }
}

/// What to do after `kaohe init DIR`: fill in the workbook, check it,
/// score it (with the edited templates, once edited).
pub(crate) fn init_next_step(dir: &Path, lang: Lang) -> String {
    let workbook = dir.join(crate::init::WORKBOOK_FILE);
    let (workbook, templates) = (workbook.display(), dir.join(crate::init::TEMPLATE_DIR));
    let templates = templates.display();
    match lang {
        Lang::Zh => format!(
            "填好后运行 kaohe check {workbook} 检查，再运行 kaohe score {workbook} -o 输出文件夹 计分；改过 {templates} 中的文书模板时加 --templates {templates}"
        ),
        Lang::En => format!(
            "Once filled in, run kaohe check {workbook} to check it, then kaohe score {workbook} -o OUTPUT_FOLDER to score it; add --templates {templates} once you edit the document templates there"
        ),
    }
}

/// Each grade band in order with the number of units given it.
pub(crate) fn grade_counts<'a>(
    model: &'a Model,
    report: &'a Report,
) -> impl Iterator<Item = (&'a str, usize)> {
    model
        .settings
        .grades
        .iter()
        .map(|band| (band.name.as_str(), report.units.iter().filter(|u| u.grade == band.name).count()))
}

/// What a person sees after `merge`: how many workbooks (`submissions`)
/// and units were combined, and `dir`, where the files went.
pub(crate) fn merge_summary(submissions: usize, units: usize, dir: &Path, lang: Lang) -> String {
    let line = merged(submissions, units, lang);
    let shown = dir.display();
    match lang {
        Lang::Zh => format!("{line}，结果已写入 {shown}"),
        Lang::En => format!("{line}; written to {shown}"),
    }
}

/// How many workbooks (`submissions`) and units a merge combined.
pub(crate) fn merged(submissions: usize, units: usize, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("已汇总{submissions}份得分表、{units}个单位"),
        Lang::En => format!(
            "Merged {}, {}",
            count_en(submissions, "workbook", "workbooks"),
            count_en(units, "unit", "units")
        ),
    }
}

/// What a progress bar counts.
#[derive(Debug, Clone, Copy)]
enum Counted {
    /// The letters, as they are rendered.
    Letters,
    /// The PDFs, as LibreOffice makes them (`--pdf`).
    Pdfs,
}

/// A bar counting `count` things as they are made, drawn only when stderr
/// is a terminal.
fn progress_bar(counted: Counted, count: usize, lang: Lang) -> indicatif::ProgressBar {
    let label = match (counted, lang) {
        (Counted::Letters, Lang::Zh) => "生成反馈意见",
        (Counted::Letters, Lang::En) => "rendering letters",
        (Counted::Pdfs, Lang::Zh) => "转换 PDF",
        (Counted::Pdfs, Lang::En) => "converting to PDF",
    };
    let style = indicatif::ProgressStyle::with_template("{msg} [{bar:30}] {pos}/{len}")
        .expect("a valid template")
        .progress_chars("=> ");
    let bar = indicatif::ProgressBar::new(0).with_style(style).with_message(label);
    if !std::io::IsTerminal::is_terminal(&std::io::stderr()) {
        bar.set_draw_target(indicatif::ProgressDrawTarget::hidden());
    }
    bar.set_length(count as u64);
    bar
}

/// The bars counting the letters as they are rendered and, with `--pdf`,
/// the PDFs as LibreOffice makes them; drawn only when stderr is a
/// terminal, each made when its count is known.
pub(crate) struct ProgressBars {
    lang: Lang,
    letters: OnceLock<indicatif::ProgressBar>,
    pdfs: OnceLock<indicatif::ProgressBar>,
}

impl ProgressBars {
    pub(crate) fn new(lang: Lang) -> Self {
        ProgressBars { lang, letters: OnceLock::new(), pdfs: OnceLock::new() }
    }

    /// Clears the bars from the terminal.
    pub(crate) fn finish(&self) {
        for bar in [&self.letters, &self.pdfs].into_iter().filter_map(OnceLock::get) {
            bar.finish_and_clear();
        }
    }
}

impl Progress for ProgressBars {
    fn start(&self, letters: usize) {
        let _ = self.letters.set(progress_bar(Counted::Letters, letters, self.lang));
    }

    fn letter_done(&self) {
        if let Some(bar) = self.letters.get() {
            bar.inc(1);
        }
    }

    fn converting(&self, documents: usize) {
        let _ = self.pdfs.set(progress_bar(Counted::Pdfs, documents, self.lang));
    }

    fn pdfs_made(&self, made: usize) {
        if let Some(bar) = self.pdfs.get() {
            bar.set_position(made as u64);
        }
    }
}
