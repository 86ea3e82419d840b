//! What kaohe prints on the terminal besides diagnostics: the line each
//! command ends with (docs/命令.md) and the progress bars of the letters
//! and the PDFs.
//! Diagnostics and failures print themselves ([`crate::diagnostic`]).

use std::path::Path;

use crate::diagnostic::{Lang, count_en};
use crate::model::Model;
use crate::render::Scored;

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

/// What a person sees after `score`: units scored, grade counts, and `dir`,
/// where the files went.
pub(crate) fn score_summary(scored: &Scored, dir: &Path, lang: Lang) -> String {
    let units = &scored.report.units;
    let grades: Vec<String> = scored
        .model
        .settings
        .grades
        .iter()
        .map(|band| {
            let count = units.iter().filter(|u| u.grade == band.name).count();
            match lang {
                Lang::Zh => format!("{}{count}个", band.name),
                Lang::En => format!("{} {count}", band.name),
            }
        })
        .collect();
    let vetoed = units.iter().filter(|u| u.veto).count();
    let shown = dir.display();
    match lang {
        Lang::Zh => format!(
            "已完成{}年度考核计分：{}个单位（{}；一票否决{vetoed}个），结果已写入 {shown}",
            scored.model.settings.year,
            units.len(),
            grades.join("、")
        ),
        Lang::En => format!(
            "Scored {} for {} ({}; {vetoed} vetoed); results written to {shown}",
            count_en(units.len(), "unit", "units"),
            scored.model.settings.year,
            grades.join(", ")
        ),
    }
}

/// What a person sees after `merge`: how many workbooks (`submissions`)
/// and units were combined, and `dir`, where the files went.
pub(crate) fn merge_summary(submissions: usize, units: usize, dir: &Path, lang: Lang) -> String {
    let shown = dir.display();
    match lang {
        Lang::Zh => format!("已汇总{submissions}份得分表、{units}个单位，结果已写入 {shown}"),
        Lang::En => format!(
            "Merged {}, {}; written to {shown}",
            count_en(submissions, "workbook", "workbooks"),
            count_en(units, "unit", "units")
        ),
    }
}

/// What a progress bar counts.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Counted {
    /// The letters, as they are rendered.
    Letters,
    /// The PDFs, as LibreOffice makes them (`--pdf`).
    Pdfs,
}

/// A bar counting `count` things as they are made, drawn only when stderr
/// is a terminal.
pub(crate) fn progress_bar(counted: Counted, count: usize, lang: Lang) -> indicatif::ProgressBar {
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
