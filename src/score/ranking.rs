//! Rank and grade (SPEC §3): vetoed units after every unit not vetoed, each
//! group by total descending; ties share a rank (1, 2, 2, 4) and are listed
//! by id in natural order; numbering runs on through the vetoed group. The
//! grade is the first band whose threshold ≤ total (a vetoed unit gets the
//! last band), and 优秀比例 limits how many units keep the first band.

use std::cmp::Reverse;

use super::UnitResult;
use crate::input::text::natural_cmp;
use crate::model::{GradeBand, Model};
use crate::number::int;

/// Sorts `units` into ranking order and fills in their rank and grade.
pub fn rank(model: &Model, units: &mut [UnitResult]) {
    units.sort_by(|a, b| {
        (a.veto, Reverse(&a.total))
            .cmp(&(b.veto, Reverse(&b.total)))
            .then_with(|| natural_cmp(&model.units[a.unit].id, &model.units[b.unit].id))
    });
    let ties = tie_groups(units);
    let bands = &model.settings.grades;
    let quota = model.settings.top_quota.as_ref().map(|q| (q * int(units.len() as i64) / int(100)).floor());
    for (start, end) in ties {
        for unit in &mut units[start..end] {
            unit.rank = start as u32 + 1;
            let band = band_index(bands, unit);
            let over_quota = quota.as_ref().is_some_and(|quota| int(end as i64) > *quota);
            let band = if band == 0 && over_quota { 1.min(bands.len().saturating_sub(1)) } else { band };
            unit.grade = bands.get(band).map(|band| band.name.clone()).unwrap_or_default();
        }
    }
}

/// The half-open ranges of units (already in ranking order) that share a rank.
fn tie_groups(units: &[UnitResult]) -> Vec<(usize, usize)> {
    let mut groups: Vec<(usize, usize)> = Vec::new();
    for (index, unit) in units.iter().enumerate() {
        match groups.last_mut() {
            Some((start, end)) if units[*start].veto == unit.veto && units[*start].total == unit.total => {
                *end = index + 1;
            }
            _ => groups.push((index, index + 1)),
        }
    }
    groups
}

/// The band a unit's total earns, before the quota: the first band whose
/// threshold ≤ total, else the last; always the last for a vetoed unit.
fn band_index(bands: &[GradeBand], unit: &UnitResult) -> usize {
    let last = bands.len().saturating_sub(1);
    if unit.veto {
        return last;
    }
    bands.iter().position(|band| band.threshold <= unit.total).unwrap_or(last)
}
