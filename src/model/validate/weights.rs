//! The 权重 sheet: each organisation's assessment system (考核体系). Weights
//! are percents (a `%` cell or `40%` text is one; a system of fractions
//! summing to 1 is read as such), sum to 100, cover every scored category
//! and none that holds only bonus or veto indicators; and the ideological
//! weight of every system is at least its enclosing system's (docs/计分.md 九).

use std::collections::BTreeSet;

use num_traits::Signed;

use super::cells::Cells;
use super::definitions::distinct_rows;
use super::units::UnitLookup;
use crate::diagnostic::{Diagnostics, Location};
use crate::input::{Row, Table};
use crate::model::{Indicator, Origin, Unit, UnitIndex, WeightSystem, enclosing_system};
use crate::number::{Exact, format_trimmed, int, parse_decimal};
use crate::text::{nearest, normalize};

/// A system under construction: its weights with the cell each came from.
struct Draft {
    owner: Option<UnitIndex>,
    weights: Vec<(String, Exact, bool, Location)>,
    origin: Origin,
    sheet: Location,
}

/// How a system is named in messages.
pub(super) fn system_name(units: &[Unit], owner: Option<UnitIndex>) -> (String, String) {
    match owner {
        Some(index) => {
            (format!("“{}”的考核体系", units[index].name), format!("the system of \"{}\"", units[index].name))
        }
        None => ("顶层考核体系".to_owned(), "the top-level system".to_owned()),
    }
}

/// The validated systems (top-level first) and, for each, the location of
/// each weight cell in the order of `weights`.
pub(super) fn read_weights(
    tables: &[&Table],
    units: &[Unit],
    lookup: &UnitLookup,
    criteria: &[Indicator],
    categories: &[String],
    ideological: &str,
    diagnostics: &mut Diagnostics,
) -> Vec<WeightSystem> {
    let scored: BTreeSet<&str> =
        criteria.iter().filter(|i| i.rule.counts_in_category()).map(|i| i.category.as_str()).collect();
    let key = |t: &Table, r: &Row| {
        Some(format!(
            "{}\u{1}{}",
            normalize(&t.get(r, "unit").display()),
            normalize(&t.get(r, "category").display())
        ))
    };
    let mut drafts: Vec<Draft> = Vec::new();
    // Systems with an invalid row: their sums and coverage aren't checked,
    // so one mistake gives one message.
    let mut broken: Vec<Option<UnitIndex>> = Vec::new();
    for (table, row) in distinct_rows(tables, "category", key, diagnostics) {
        let mut cells = Cells::new(table, row, diagnostics);
        let reference = cells.text("unit");
        let owner = if reference.is_empty() {
            None
        } else {
            match lookup.find(&reference) {
                Some(index) => Some(index),
                None => {
                    let location = cells.location("unit");
                    lookup.report_unknown(&reference, location, cells.diagnostics);
                    continue;
                }
            }
        };
        let Some(category) = cells.required("category") else {
            broken.push(owner);
            continue;
        };
        let Some(category) = categories.iter().find(|c| normalize(c) == normalize(&category)).cloned() else {
            broken.push(owner);
            let location = cells.location("category");
            let mut error = crate::diagnostic::Diagnostic::error(
                Some(location),
                text!("类别“{category}”在指标表中不存在", "category \"{category}\" is not in the criteria"),
            );
            if let Some(near) = nearest(&category, categories.iter().map(String::as_str)) {
                error = error.with_hint(text!("是否应为“{near}”？", "did you mean \"{near}\"?"));
            }
            cells.diagnostics.push(error);
            continue;
        };
        let weight = cells.weight("weight");
        let Some(weight) = cells.present("weight", weight) else {
            broken.push(owner);
            continue;
        };
        let location = cells.location("weight");
        if weight.0 < int(0) || weight.0 > int(100) {
            let shown = format_trimmed(&weight.0, 4);
            cells.diagnostics.error(
                Some(location),
                text!("权重“{shown}”应在0到100之间", "weight \"{shown}\" must be between 0 and 100"),
            );
            broken.push(owner);
            continue;
        }
        let index = match drafts.iter().position(|d| d.owner == owner) {
            Some(index) => index,
            None => {
                drafts.push(Draft {
                    owner,
                    weights: Vec::new(),
                    origin: cells.origin(),
                    sheet: table.sheet_location(),
                });
                drafts.len() - 1
            }
        };
        drafts[index].weights.push((category, weight.0, weight.1, location));
    }
    drafts.sort_by_key(|d| d.owner.is_some());
    let mut systems = Vec::new();
    let mut locations = Vec::new();
    for mut draft in drafts {
        let (name_zh, name_en) = system_name(units, draft.owner);
        read_fractions(&mut draft);
        let checked = !broken.contains(&draft.owner);
        let sum: Exact = draft.weights.iter().map(|(_, w, _, _)| w.clone()).sum();
        let tolerance = parse_decimal("0.01").expect("a decimal");
        if checked && (sum.clone() - int(100)).abs() > tolerance {
            let shown = format_trimmed(&sum, 4);
            diagnostics.error(
                Some(draft.sheet.clone()),
                text!(
                    "{name_zh}的权重合计为{shown}，应为100",
                    "the weights of {name_en} sum to {shown}, not 100"
                ),
            );
        }
        for category in categories.iter().filter(|c| checked && scored.contains(c.as_str())) {
            if !draft.weights.iter().any(|(c, _, _, _)| c == category) {
                diagnostics.error(
                    Some(draft.sheet.clone()),
                    text!(
                        "{name_zh}缺少类别“{category}”的权重",
                        "{name_en} gives no weight to category \"{category}\""
                    ),
                );
            }
        }
        for (category, weight, _, location) in &draft.weights {
            if !scored.contains(category.as_str()) && *weight > int(0) {
                diagnostics.error(
                    Some(location.clone()),
                    text!(
                        "类别“{category}”只有加分或否决指标，不能有权重",
                        "category \"{category}\" holds only bonus or veto indicators and takes no weight"
                    ),
                );
            }
        }
        let mut weights: Vec<(String, Exact)> =
            draft.weights.iter().map(|(c, w, _, _)| (c.clone(), w.clone())).collect();
        weights.sort_by_key(|(c, _)| categories.iter().position(|k| k == c));
        systems.push(WeightSystem { owner: draft.owner, weights, origin: draft.origin });
        locations
            .push(draft.weights.iter().find(|(c, _, _, _)| c == ideological).map(|(_, _, _, l)| l.clone()));
    }
    check_ideological_weights(&systems, &locations, units, ideological, diagnostics);
    systems
}

/// A system of fractions (all ≤ 1, summing to 1 ± 0.0001, none marked as a
/// percentage) is read as percents.
fn read_fractions(draft: &mut Draft) {
    let any_percent = draft.weights.iter().any(|(_, _, percent, _)| *percent);
    let sum: Exact = draft.weights.iter().map(|(_, w, _, _)| w.clone()).sum();
    let tolerance = parse_decimal("0.0001").expect("a decimal");
    let fractions = !any_percent
        && draft.weights.iter().all(|(_, w, _, _)| *w <= int(1))
        && (sum - int(1)).abs() <= tolerance;
    if fractions {
        for (_, weight, _, _) in &mut draft.weights {
            *weight = weight.clone() * int(100);
        }
    }
}

/// Requirement 14: a system's ideological weight is at least its enclosing
/// system's (its owner's nearest ancestor's, else the top-level one).
fn check_ideological_weights(
    systems: &[WeightSystem],
    locations: &[Option<Location>],
    units: &[Unit],
    ideological: &str,
    diagnostics: &mut Diagnostics,
) {
    for (index, system) in systems.iter().enumerate() {
        let Some(enclosing) = enclosing_system(units, systems, index) else { continue };
        let (lower, upper) = (system.weight_of(ideological), systems[enclosing].weight_of(ideological));
        if lower < upper {
            let (lower_zh, lower_en) = system_name(units, system.owner);
            let (upper_zh, upper_en) = system_name(units, systems[enclosing].owner);
            let (lower, upper) = (format_trimmed(&lower, 4), format_trimmed(&upper, 4));
            let location = locations[index]
                .clone()
                .or_else(|| Some(Location::sheet(system.origin.file.clone(), system.origin.sheet.clone())));
            diagnostics.error(
                location,
                text!(
                    "{lower_zh}中“{ideological}”权重为{lower}%，低于上级{upper_zh}的{upper}%（下级权重不得低于上级）",
                    "in {lower_en} the weight of \"{ideological}\" is {lower}%, below {upper}% in the enclosing {upper_en} (a lower level's weight must not be lower)"
                ),
            );
        }
    }
}
