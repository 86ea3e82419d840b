//! Last year's results for `kaohe score --previous` (docs/命令.md): the
//! units of last year's score workbook (plain or merged, verified by
//! [`crate::model::validate::submissions::verify_previous`]) or of a plain
//! 上年结果 sheet, and which of them is each unit of this year. Matching is
//! here once: by id (normalised), else by exact name; in a merged workbook
//! an id found in several submissions matches by id and name.

use std::cmp::Ordering;
use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use crate::diagnostic::{Diagnostics, Location};
use crate::input::submission::{PreviousResults, SubmittedSheet, read_previous};
use crate::model::validate::submissions::{VerifiedPrevious, read_previous_results, verify_previous};
use crate::model::{Model, Unit, UnitIndex};
use crate::number::Exact;
use crate::text::normalize;

/// One unit of last year, as its workbook or sheet records it.
#[derive(Clone, Debug)]
pub struct PreviousUnit {
    pub id: String,
    pub name: String,
    pub total: Exact,
    /// Its rank in that workbook.
    pub rank: u32,
    pub grade: String,
    /// In a merged workbook, the submitting organisation (考核单位).
    pub submitter: Option<String>,
    /// Its row, where messages about it point.
    pub location: Location,
}

/// Last year's results and this year's units matched to them.
#[derive(Clone, Debug)]
pub struct PreviousYear {
    pub year: i32,
    pub units: Vec<PreviousUnit>,
    /// By [`UnitIndex`] of this year's model: the index into
    /// [`PreviousYear::units`] of the unit matched, if any.
    pub matched: Vec<Option<usize>>,
}

/// How a unit stands against last year: Δ total and places moved up
/// (positive = up, negative = down).
#[derive(Clone, Debug, PartialEq)]
pub struct Change {
    pub total: Exact,
    pub rank: i64,
}

impl PreviousYear {
    /// Last year's result of this year's `unit`, if it was found.
    pub fn of(&self, unit: UnitIndex) -> Option<&PreviousUnit> {
        self.matched.get(unit).copied().flatten().map(|index| &self.units[index])
    }
}

impl PreviousUnit {
    /// This year's `total` and `rank` against this result.
    pub fn change(&self, total: &Exact, rank: u32) -> Change {
        Change { total: total - &self.total, rank: i64::from(self.rank) - i64::from(rank) }
    }
}

/// The workbook `--previous` names, as read and, when it is a score
/// workbook, verified ([`read`]); its year not yet checked.
pub struct Read {
    /// The file as messages name it.
    file: Arc<str>,
    found: Found,
    diagnostics: Diagnostics,
}

/// What [`read`] found.
enum Found {
    /// A 上年结果 sheet, read once the year it must give is known.
    Sheet(SubmittedSheet),
    /// A score workbook, verified; `None` when it could not be.
    Scored(Option<VerifiedPrevious>),
}

/// Reads the workbook at `path` for `--previous`, named `file` in messages
/// (its path as given on the command line, its logical name on the page): a
/// plain 上年结果 sheet when it has one, else a score workbook, verified.
/// Needs nothing of this year, so it runs beside reading the inputs.
pub fn read(path: &Path, file: Arc<str>) -> Read {
    let mut diagnostics = Diagnostics::default();
    let found = match read_previous(path, file.clone()) {
        Ok(PreviousResults::Sheet(sheet)) => Found::Sheet(sheet),
        Ok(PreviousResults::Scored(workbook)) => Found::Scored(verify_previous(*workbook, &mut diagnostics)),
        Err(diagnostic) => {
            diagnostics.push(*diagnostic);
            Found::Scored(None)
        }
    };
    Read { file, found, diagnostics }
}

/// Last year's results as `read` for `model` (of year Y): the 上年结果
/// sheet's rows, or the units of a score workbook that must be of Y − 1
/// (else that is the one error told); then matched to this year's units.
/// Any error means `None`; every diagnostic comes either way.
pub fn load(read: Read, model: &Model) -> (Option<PreviousYear>, Diagnostics) {
    let Read { file, found, mut diagnostics } = read;
    let year = model.settings.year - 1;
    let units = match found {
        Found::Sheet(sheet) => read_previous_results(&sheet, year, &mut diagnostics),
        Found::Scored(None) => None,
        Found::Scored(Some(VerifiedPrevious { year: (found, location), .. })) if found != year => {
            let this = model.settings.year;
            // Whatever else is wrong with a workbook of another year does not matter.
            let mut refused = Diagnostics::default();
            refused.error(
                Some(location),
                text!(
                    "上年得分表的年度为 {found}，应为 {year}（考核年度 {this} 的上一年）",
                    "last year's workbook is of year {found}; it must be of {year} (the year before {this})"
                ),
            );
            return (None, refused);
        }
        Found::Scored(Some(verified)) => Some(verified.units),
    };
    let Some(units) = units.filter(|_| !diagnostics.has_errors()) else { return (None, diagnostics) };
    let matched = match_units(&model.units, &units, &file, &mut diagnostics);
    if diagnostics.has_errors() {
        return (None, diagnostics);
    }
    (Some(PreviousYear { year, units, matched }), diagnostics)
}

/// Matches this year's assessed units (`units`, by [`UnitIndex`]) to last
/// year's `previous`: by normalised id, else by exact name. An id that
/// several submissions of a merged workbook share matches by id and name,
/// else it is an error naming them. An id whose name changed is a warning;
/// last year's units not found this year are one note with their count.
fn match_units(
    units: &[Unit],
    previous: &[PreviousUnit],
    file: &str,
    diagnostics: &mut Diagnostics,
) -> Vec<Option<usize>> {
    let mut by_id: HashMap<String, Vec<usize>> = HashMap::new();
    let mut by_name: HashMap<&str, Vec<usize>> = HashMap::new();
    for (index, unit) in previous.iter().enumerate() {
        by_id.entry(normalize(&unit.id)).or_default().push(index);
        by_name.entry(unit.name.as_str()).or_default().push(index);
    }
    let mut found = vec![false; previous.len()];
    let mut matched = vec![None; units.len()];
    for (index, unit) in units.iter().enumerate().filter(|(_, unit)| unit.assessed) {
        let candidates = by_id.get(&normalize(&unit.id)).map_or(&[][..], Vec::as_slice);
        let hit = match candidates {
            [] => match by_name.get(unit.name.as_str()).map_or(&[][..], Vec::as_slice) {
                [one] => Some(*one),
                _ => None,
            },
            [one] => {
                let last = &previous[*one];
                if last.name != unit.name {
                    let (id, was, now) = (&unit.id, &last.name, &unit.name);
                    diagnostics.warning(
                        Some(last.location.clone()),
                        text!(
                            "单位编号“{id}”上年名称为“{was}”，今年为“{now}”：按编号对应",
                            "unit id “{id}” was named “{was}” last year and “{now}” this year: matched by id"
                        ),
                    );
                }
                Some(*one)
            }
            several => {
                let named: Vec<usize> =
                    several.iter().copied().filter(|&i| previous[i].name == unit.name).collect();
                if let [one] = named[..] {
                    Some(one)
                } else {
                    let submitters: Vec<&str> =
                        several.iter().map(|&i| previous[i].submitter.as_deref().unwrap_or(file)).collect();
                    let (zh, en) = (submitters.join("、"), submitters.join(", "));
                    let (id, name) = (&unit.id, &unit.name);
                    diagnostics.error(
                        Some(previous[several[0]].location.clone()),
                        text!(
                            "单位编号“{id}”在上年得分表中出现于 {zh}，无法按名称“{name}”确定对应哪一个",
                            "unit id “{id}” appears in last year's workbook under {en}; its name “{name}” does not tell which one it is"
                        ),
                    );
                    None
                }
            }
        };
        if let Some(hit) = hit {
            found[hit] = true;
        }
        matched[index] = hit;
    }
    let gone: Vec<&PreviousUnit> =
        previous.iter().zip(&found).filter(|(_, f)| !**f).map(|(u, _)| u).collect();
    if let Some(first) = gone.first() {
        let count = gone.len();
        let shown: Vec<&str> = gone.iter().take(3).map(|unit| unit.name.as_str()).collect();
        let (zh, en) = (shown.join("、"), shown.join(", "));
        diagnostics.note(
            Some(Location::file(first.location.file.clone())),
            text!(
                "上年的 {count} 个单位今年未参评（如 {zh}）",
                "{count} units of last year are not assessed this year (e.g. {en})"
            ),
        );
    }
    matched
}

/// How `now` stands against `last`, grades compared by name among `bands`
/// (best first): `Greater` for a better band this year, `Less` for a worse
/// one; `None` when either is not one of them.
pub fn grade_move(bands: &[String], last: &str, now: &str) -> Option<Ordering> {
    let at = |name: &str| bands.iter().position(|band| band == name);
    Some(at(last)?.cmp(&at(now)?))
}
