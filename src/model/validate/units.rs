//! The 单位 sheet: ids and names unique, parents resolved, no cycles; and the
//! [`UnitLookup`] every other sheet resolves unit references with (the id
//! first, else the exact name; an unknown one gets the nearest name as hint).

use std::collections::HashMap;

use super::cells::Cells;
use super::definitions::distinct_rows;
use crate::diagnostic::{Diagnostic, Diagnostics, Location};
use crate::input::Table;
use crate::input::Value;
use crate::model::{Unit, UnitIndex};
use crate::text::{nearest, normalize, normalize_cow, normalize_keyword};

/// Resolves unit references by id, else by exact name (both normalised).
pub(super) struct UnitLookup {
    by_id: HashMap<String, UnitIndex>,
    by_name: HashMap<String, UnitIndex>,
    names: Vec<String>,
    /// Whether an unknown reference is an error: not when the units can't
    /// be known (they may be in an input that could not be read).
    reports_unknown: bool,
}

impl UnitLookup {
    pub(super) fn new(units: &[Unit], reports_unknown: bool) -> Self {
        let mut by_id = HashMap::new();
        let mut by_name = HashMap::new();
        for (index, unit) in units.iter().enumerate() {
            by_id.entry(normalize(&unit.id)).or_insert(index);
            by_name.entry(normalize(&unit.name)).or_insert(index);
        }
        UnitLookup { by_id, by_name, names: units.iter().map(|u| u.name.clone()).collect(), reports_unknown }
    }

    pub(super) fn find(&self, reference: &str) -> Option<UnitIndex> {
        let reference = normalize_cow(reference);
        self.by_id.get(&*reference).or_else(|| self.by_name.get(&*reference)).copied()
    }

    pub(super) fn reports_unknown(&self) -> bool {
        self.reports_unknown
    }

    /// The unknown-unit error for `reference` at `location`, with a hint,
    /// unless unknown references aren't reported.
    pub(super) fn report_unknown(&self, reference: &str, location: Location, diagnostics: &mut Diagnostics) {
        if !self.reports_unknown {
            return;
        }
        let error =
            Diagnostic::error(Some(location), text!("未知单位“{reference}”", "unknown unit \"{reference}\""));
        diagnostics.push(match nearest(reference, self.names.iter().map(String::as_str)) {
            Some(name) => error.with_hint(text!("是否应为“{name}”？", "did you mean \"{name}\"?")),
            None => error,
        });
    }

    /// Resolves the `key` column of a row, reporting an unknown reference.
    pub(super) fn resolve(&self, cells: &mut Cells, key: &str) -> Option<UnitIndex> {
        // The common case, a known reference typed as text, copies nothing.
        if let Value::Text(text) = cells.value(key)
            && let Some(found) = self.find(text)
        {
            return Some(found);
        }
        let reference = cells.required(key)?;
        let found = self.find(&reference);
        if found.is_none() {
            self.report_unknown(&reference, cells.location(key), cells.diagnostics);
        }
        found
    }
}

/// Reads the units, with the location of each one's id cell. Returns them
/// even when some rows had errors (the rest of validation goes on, to
/// report everything in one run).
pub(super) fn read_units(tables: &[&Table], diagnostics: &mut Diagnostics) -> (Vec<Unit>, Vec<Location>) {
    let rows = distinct_rows(tables, "id", |t, r| Some(normalize(&t.get(r, "id").display())), diagnostics);
    let mut units = Vec::new();
    let mut parents = Vec::new();
    let mut id_locations = Vec::new();
    let mut names: HashMap<String, Location> = HashMap::new();
    for (table, row) in rows {
        let mut cells = Cells::new(table, row, diagnostics);
        let id = cells.id("id");
        let name = cells.required("name");
        // An invalid 参评 is reported; the unit stays, so references to it
        // don't cascade into errors of their own.
        let assessed = cells.boolean("assessed").ok().flatten();
        let (Some(id), Some(name)) = (id, name) else { continue };
        let here = cells.location("name");
        match names.get(&normalize(&name)) {
            Some(first) => cells.diagnostics.error(
                Some(here),
                text!(
                    "单位名称“{name}”重复，已在 {first} 出现",
                    "unit name \"{name}\" is repeated; first at {first}"
                ),
            ),
            None => {
                names.insert(normalize(&name), here);
            }
        }
        parents.push((cells.text("parent"), cells.location("parent")));
        id_locations.push(cells.location("id"));
        let kind = cells.text("kind");
        units.push(Unit {
            id,
            name,
            parent: None,
            secretary: cells.text("secretary"),
            kind_key: normalize_keyword(&kind),
            kind,
            assessed: assessed.unwrap_or(true),
            origin: cells.origin(),
        });
    }
    let lookup = UnitLookup::new(&units, true);
    for (index, (parent, location)) in parents.into_iter().enumerate() {
        if parent.is_empty() {
            continue;
        }
        match lookup.find(&parent) {
            Some(found) if found == index => diagnostics
                .error(Some(location), text!("单位不能是自己的上级", "a unit cannot be its own parent")),
            Some(found) => units[index].parent = Some(found),
            None => lookup.report_unknown(&parent, location, diagnostics),
        }
    }
    break_cycles(&mut units, tables, diagnostics);
    (units, id_locations)
}

/// Reports each cycle in the unit tree once (at the sheet) and cuts it, so
/// later steps can walk ancestors safely.
fn break_cycles(units: &mut [Unit], tables: &[&Table], diagnostics: &mut Diagnostics) {
    let mut state = vec![0u8; units.len()]; // 0 unvisited, 1 on the current path, 2 done
    for start in 0..units.len() {
        let mut path = Vec::new();
        let mut current = Some(start);
        while let Some(index) = current {
            if state[index] == 2 {
                break;
            }
            if state[index] == 1 {
                let at = path.iter().position(|&i| i == index).unwrap_or(0);
                let cycle: Vec<&str> = path[at..].iter().map(|&i: &usize| units[i].id.as_str()).collect();
                let shown = format!("{} → {}", cycle.join(" → "), units[index].id);
                let location = tables
                    .iter()
                    .find(|t| *t.file == *units[index].origin.file && *t.sheet == *units[index].origin.sheet)
                    .map(|t| t.sheet_location());
                diagnostics.error(
                    location,
                    text!("单位上下级关系成环：{shown}", "the unit tree has a cycle: {shown}"),
                );
                units[index].parent = None;
                break;
            }
            state[index] = 1;
            path.push(index);
            current = units[index].parent;
        }
        for index in path {
            state[index] = 2;
        }
    }
}
