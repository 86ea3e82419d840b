//! Word documents: the feedback letters, the bulletin and the combined
//! volume. Each document goes context ([`context`]) → template text
//! ([`templates`], minijinja) → dialect blocks ([`markdown`]) → body
//! WordprocessingML ([`layout`], GB/T 9704, written by `ooxml`) →
//! deflated package ([`package`]), with the bulletin's charts (`chart`).
//! The volume appends the letters' bodies as they are made ([`volume`]), its
//! contents numbered by a model of their pages (`paging`). Pure functions returning bytes; naming
//! and writing files is [`crate::output`]'s job.

mod chart;
pub mod context;
pub mod layout;
pub mod markdown;
mod ooxml;
pub mod package;
mod paging;
pub mod templates;
pub mod volume;
#[cfg(test)]
mod xml;

use chrono::NaiveDateTime;
use rayon::prelude::*;
use serde::Serialize;

pub use context::{BulletinContext, CommonDeduction, DocInfo, FeedbackContext, RankingRow};
pub use package::PackageError;
pub use templates::{BUNDLED as BUNDLED_TEMPLATES, TemplateError, Templates};

use chart::Chart;
use layout::Body;
use package::Shell;
use volume::{Cover, Volume};

use crate::diagnostic::{Diagnostic, Location};
use crate::model::MergedRanking;
use crate::render::{MergedIssue, Scored};

/// A document could not be made: a template problem the user can fix, or
/// a packaging failure (a bug).
#[derive(Debug, thiserror::Error)]
pub enum DocxError {
    #[error("{0}")]
    Template(#[from] TemplateError),
    #[error("{0}")]
    Package(#[from] PackageError),
}

impl From<DocxError> for Diagnostic {
    fn from(error: DocxError) -> Self {
        match error {
            DocxError::Template(error) => error.to_diagnostic(),
            DocxError::Package(error) => Diagnostic::error(
                Some(Location::file("docx".into())),
                text!("生成 Word 文档失败：{error}", "could not build a Word document: {error}"),
            ),
        }
    }
}

/// The facts every document of `scored` shares.
pub fn doc_info(scored: &Scored) -> DocInfo {
    let previous_year = scored.model.previous.as_ref().map(|previous| previous.year);
    DocInfo { previous_year, ..DocInfo::new(&scored.model.settings, scored.report.units.len()) }
}

/// Letters rendered in parallel at once; their bodies then go into the
/// volume in rank order and are dropped, so memory holds one batch.
const BATCH: usize = 256;

/// One feedback letter per assessed unit, handed to `emit` with its index
/// in rank order as soon as it is made (from several threads at once), and
/// the combined volume (none when no unit was assessed).
pub fn feedback_letters<E: From<DocxError> + Send>(
    scored: &Scored,
    templates: &Templates,
    emit: &(dyn Fn(usize, Vec<u8>) -> Result<(), E> + Sync),
) -> Result<Option<Vec<u8>>, E> {
    let doc = doc_info(scored);
    let shell = Shell::new(scored.created).map_err(DocxError::from)?;
    let mut volume = Volume::new().map_err(DocxError::from)?;
    let name = |index: usize| scored.model.units[scored.report.units[index].unit].name.as_str();
    let mut last = None;
    for (batch, results) in scored.report.units.chunks(BATCH).enumerate() {
        let bodies: Vec<Body> = results
            .par_iter()
            .enumerate()
            .map(|(offset, result)| {
                let body = body(templates, templates::FEEDBACK, &FeedbackContext::new(scored, &doc, result))?;
                if !body.charts.is_empty() {
                    return Err(DocxError::from(templates.error(
                        templates::FEEDBACK,
                        text!(
                            "图表（<gradechart/>、<categorychart/>）只能用在通报中",
                            "charts (<gradechart/>, <categorychart/>) belong in the bulletin only"
                        ),
                    ))
                    .into());
                }
                emit(batch * BATCH + offset, shell.document(&body).map_err(DocxError::from)?)?;
                Ok(body)
            })
            .collect::<Result<_, E>>()?;
        for (offset, body) in bodies.into_iter().enumerate() {
            if let Some((index, previous)) = last.replace((batch * BATCH + offset, body)) {
                volume.add(name(index), &previous).map_err(DocxError::from)?;
            }
        }
    }
    let Some((index, last)) = last else { return Ok(None) };
    let title = format!("{}年度考核情况反馈汇编", doc.year);
    let cover = Cover { title: &title, assessor: &doc.assessor, date: &doc.date };
    let shell = Shell::for_volume(scored.created).map_err(DocxError::from)?;
    Ok(Some(volume.finish(name(index), &last, &shell, &cover).map_err(DocxError::from)?))
}

/// The bulletin (考核结果通报) of `scored`.
pub fn bulletin(scored: &Scored, templates: &Templates) -> Result<Vec<u8>, DocxError> {
    bulletin_from(&BulletinContext::from_scored(scored, doc_info(scored)), templates, scored.created)
}

/// The bulletin of `kaohe merge`: the combined ranking, each row naming its
/// submitting organisation, issued as `issue` says.
pub fn merged_bulletin(
    ranking: &MergedRanking,
    issue: &MergedIssue,
    templates: &Templates,
) -> Result<Vec<u8>, DocxError> {
    bulletin_from(&BulletinContext::from_merged(ranking, issue), templates, ranking.created)
}

/// A bulletin from any ranking, e.g. the combined one of `kaohe merge`.
pub fn bulletin_from(
    context: &BulletinContext,
    templates: &Templates,
    created: NaiveDateTime,
) -> Result<Vec<u8>, DocxError> {
    let body = body(templates, templates::BULLETIN, context)?;
    let charts: Vec<Chart> = body.charts.iter().map(|placed| Chart::new(placed, context)).collect();
    Ok(Shell::with_charts(created, &charts)?.document(&body)?)
}

/// The body of template `name` filled with `context`.
fn body(templates: &Templates, name: &str, context: &impl Serialize) -> Result<Body, DocxError> {
    let text = templates.render(name, context)?;
    Ok(layout::body(&markdown::parse(&text)))
}

#[cfg(test)]
mod tests;
