//! Validation: the read [`Inputs`] become a [`Model`], every problem a
//! located diagnostic, all collected in one pass (docs/输入.md, docs/提示信息.md). Each sheet
//! kind has its own file; this one orders them and checks what spans
//! sheets: every assessed unit has a weight system, an applicable
//! ideological indicator, a non-zero weight left, and its manual scores;
//! every row a graded indicator counts finds its 分级 value (`graded.rs`);
//! rows outside the year are a note. After an input could not be read,
//! `coverage.rs` skips the checks that would only report its absence.
//! [`submissions`] validates the score workbooks `kaohe merge` reads into
//! a merged ranking instead.

mod cells;
mod coverage;
mod criteria;
mod definitions;
mod graded;
mod items;
pub mod keywords;
mod ledger;
mod records;
mod settings;
pub mod submissions;
mod units;
mod weights;

use std::collections::{BTreeSet, HashSet};

pub use settings::DEFAULT_SELF_GAP;
pub use settings::{
    DEFAULT_GRADES, DEFAULT_IDEOLOGICAL_CATEGORY, DEFAULT_MARKING, DEFAULT_RECTIFICATION_DAYS, parse_grades,
};

use crate::diagnostic::{Diagnostics, Location, count_en};
use crate::input::schema::SheetKind;
use crate::input::{Inputs, Table};
use crate::model::{Model, Origin, OutOfYear, Unit, WeightSystem, assessing_system};
use crate::number::int;
use coverage::Coverage;

/// Sheets every assessment needs.
const REQUIRED_SHEETS: [SheetKind; 3] = [SheetKind::Units, SheetKind::Criteria, SheetKind::Weights];

/// Validates `inputs` into a model; `year` overrides the settings year.
/// Returns the model only when there are no errors.
pub fn validate(inputs: Inputs, year: Option<i32>) -> (Option<Model>, Diagnostics) {
    let Inputs { sources, tables, mut diagnostics, unreadable } = inputs;
    let mut coverage = Coverage::new(&unreadable, &tables);
    let is_ledger = |table: &Table| matches!(table.kind, SheetKind::Activities | SheetKind::Incidents);
    let (ledger_tables, tables): (Vec<Table>, Vec<Table>) = tables.into_iter().partition(is_ledger);
    let of_kind =
        |kinds: &[SheetKind]| -> Vec<&Table> { tables.iter().filter(|t| kinds.contains(&t.kind)).collect() };
    for kind in REQUIRED_SHEETS {
        if of_kind(&[kind]).is_empty()
            && !sources.is_empty()
            && coverage.allows(text!("必需的表", "the required sheets"), &[kind])
        {
            let (zh, en) = (kind.zh(), kind.en());
            diagnostics.error(None, text!("输入中没有“{zh}”表", "no {en} ({zh}) sheet in the inputs"));
        }
    }
    let raw_settings = settings::read_settings(&of_kind(&[SheetKind::Settings]), &mut diagnostics);
    let (units, unit_locations) = units::read_units(&of_kind(&[SheetKind::Units]), &mut diagnostics);
    let units_known = coverage.allows(text!("单位引用", "unit references"), &[SheetKind::Units]);
    let lookup = units::UnitLookup::new(&units, units_known);
    // Without any unit (a blank template) no 适用 type can be checked yet.
    let unit_kinds: Option<BTreeSet<String>> =
        (units_known && !units.is_empty()).then(|| units.iter().map(|u| u.kind_key.clone()).collect());
    let (criteria, items) = criteria::read_criteria(
        &of_kind(&[SheetKind::Criteria]),
        &ledger_tables.iter().collect::<Vec<_>>(),
        unit_kinds.as_ref(),
        &mut diagnostics,
    );
    let mut categories: Vec<String> = Vec::new();
    for indicator in &criteria {
        if !categories.contains(&indicator.category) {
            categories.push(indicator.category.clone());
        }
    }
    let settings = raw_settings.resolve(year, &units, &categories, &mut coverage, &mut diagnostics);
    let ideological = settings
        .as_ref()
        .map_or_else(|| DEFAULT_IDEOLOGICAL_CATEGORY.to_owned(), |s| s.ideological_category.clone());
    // The weights and scores sheets are checked against the criteria.
    let weight_tables = of_kind(&[SheetKind::Weights]);
    let systems = if coverage.allows_checking(
        &weight_tables,
        text!("权重表", "the weights sheet"),
        &[SheetKind::Criteria],
    ) {
        weights::read_weights(
            &weight_tables,
            &units,
            &lookup,
            &criteria,
            &categories,
            &ideological,
            &mut diagnostics,
        )
    } else {
        Vec::new()
    };
    let activity_tables: Vec<&Table> =
        ledger_tables.iter().filter(|t| t.kind == SheetKind::Activities).collect();
    let types_checked = coverage.allows_checking(
        &activity_tables,
        text!("活动类型有无指标统计", "whether each activity type is counted"),
        &[SheetKind::Criteria],
    );
    let counted_types: Option<BTreeSet<String>> =
        types_checked.then(|| criteria.iter().filter_map(|i| i.rule.activity().map(str::to_owned)).collect());
    let ledger_sheets = criteria::sheet_columns(&ledger_tables.iter().collect::<Vec<_>>());
    let graded_columns = graded::GradedColumns::new(&criteria, &ledger_tables.iter().collect::<Vec<_>>());
    let ledger = ledger::read_ledger(
        ledger_tables,
        &lookup,
        settings.as_ref().map(|s| s.year),
        counted_types.as_ref(),
        &ledger::report_windows(&criteria),
        &mut diagnostics,
    );
    criteria::warn_missing_filter_columns(
        &criteria,
        &ledger_sheets,
        &ledger.activities,
        &ledger.incidents,
        &mut diagnostics,
    );
    let score_tables = of_kind(&[SheetKind::Scores]);
    let manual_scores = if coverage.allows_checking(
        &score_tables,
        text!("评分表", "the scores sheet"),
        &[SheetKind::Criteria],
    ) {
        records::read_scores(&score_tables, &lookup, &criteria, &mut diagnostics)
    } else {
        Vec::new()
    };
    let self_tables = of_kind(&[SheetKind::SelfAssessment]);
    let self_scores = if coverage.allows_checking(
        &self_tables,
        text!("自评表", "the self-assessment sheet"),
        &[SheetKind::Criteria],
    ) {
        records::read_self_scores(&self_tables, &units, &lookup, &criteria, &items, &mut diagnostics)
    } else {
        Vec::new()
    };
    let self_assessed = !self_tables.is_empty();
    let accountability =
        records::read_accountability(&of_kind(&[SheetKind::Accountability]), &lookup, &mut diagnostics);
    let model = settings.map(|settings| Model {
        settings,
        units,
        criteria,
        items,
        categories,
        systems,
        activities: ledger.activities,
        incidents: ledger.incidents,
        manual_scores,
        self_scores,
        self_assessed,
        accountability,
        out_of_year: OutOfYear {
            activities: ledger.activities_out_of_year,
            incidents: ledger.incidents_out_of_year,
        },
        sources,
        previous: None,
    });
    if let Some(model) = &model {
        let assessed_checks = text!(
            "参评单位的考核体系与意识形态指标",
            "each assessed unit's weight system and ideological indicator"
        );
        if coverage.allows(assessed_checks, &[SheetKind::Units, SheetKind::Criteria, SheetKind::Weights]) {
            check_assessed_units(model, &unit_locations, &mut diagnostics);
        }
        if coverage.allows(text!("缺少的评分", "missing manual scores"), &[SheetKind::Scores]) {
            warn_missing_scores(model, &unit_locations, &mut diagnostics);
        }
        if coverage.allows(text!("未计分的舆情", "uncounted incidents"), &[SheetKind::Criteria]) {
            warn_uncounted_incidents(model, &mut diagnostics);
        }
        graded::check_graded_rows(model, &graded_columns, &mut diagnostics);
        note_out_of_year(model, &mut diagnostics);
    }
    coverage.note_skipped(&mut diagnostics);
    if diagnostics.has_errors() { (None, diagnostics) } else { (model, diagnostics) }
}

/// Rows that count for no period of the year (docs/计分.md 一): a note with their
/// number, which says that almost nothing counts when they are more than
/// half of all rows.
fn note_out_of_year(model: &Model, diagnostics: &mut Diagnostics) {
    let OutOfYear { activities, incidents } = model.out_of_year;
    let outside = activities + incidents;
    if outside == 0 {
        return;
    }
    let year = model.settings.year;
    let (rows_en, incidents_en) =
        (count_en(activities, "ledger row", "ledger rows"), count_en(incidents, "incident", "incidents"));
    let message = if outside > model.activities.len() + model.incidents.len() {
        text!(
            "{activities}条台账、{incidents}起舆情不在{year}年度任何考核期间内，未计入——超过全部台账的一半，几乎没有台账计入考核；请检查“年度”设置或 --year",
            "{rows_en} and {incidents_en} fall in no period of {year} and are not counted — more than half of all rows, so almost nothing counts; check the 年度 (year) setting or --year"
        )
    } else {
        text!(
            "{activities}条台账、{incidents}起舆情不在{year}年度任何考核期间内，未计入",
            "{rows_en} and {incidents_en} fall in no period of {year} and are not counted"
        )
    };
    diagnostics.note(None, message);
}

/// Incidents of the year when no indicator is 时效 (the one rule with a
/// deadline, docs/计分.md 六) count for nothing: a warning at the first.
fn warn_uncounted_incidents(model: &Model, diagnostics: &mut Diagnostics) {
    let Some(first) = model.incidents.first() else { return };
    if model.criteria.iter().any(|i| i.rule.deadline_hours().is_some()) {
        return;
    }
    let count = model.incidents.len();
    let incidents_en = count_en(count, "incident", "incidents");
    let Origin { file, sheet, row, col } = first.origin.clone();
    diagnostics.warning(
        Some(Location::cell(file, sheet, row, col)),
        text!(
            "舆情表有{count}起事件，但没有时效指标，未参与计分",
            "the incidents sheet has {incidents_en} but no timeliness indicator; they are not scored"
        ),
    );
}

/// Every assessed unit is under a weight system, has an applicable scored
/// ideological indicator (requirement 14 would silently lapse otherwise),
/// and keeps a non-zero weight on the categories scored for it.
fn check_assessed_units(model: &Model, locations: &[Location], diagnostics: &mut Diagnostics) {
    let ideological = &model.settings.ideological_category;
    for (index, unit) in model.units.iter().enumerate().filter(|(_, u)| u.assessed) {
        let name = &unit.name;
        let location = Some(locations[index].clone());
        let scored = scored_categories(model, unit);
        if !scored.contains(ideological) {
            diagnostics.error(
                location.clone(),
                text!(
                    "参评单位“{name}”没有适用的“{ideological}”计分指标",
                    "assessed unit \"{name}\" has no applicable scored indicator of \"{ideological}\""
                ),
            );
        }
        let Some(system) = assessing_system(&model.units, &model.systems, index) else {
            diagnostics.error(
                location,
                text!(
                    "参评单位“{name}”不在任何考核体系之下：请在“权重”表中为其上级或顶层体系填写权重",
                    "assessed unit \"{name}\" is under no weight system: give weights for an ancestor or the top level"
                ),
            );
            continue;
        };
        if !scored.is_empty() && remaining_weight(&model.systems[system], &scored) == int(0) {
            diagnostics.error(
                location,
                text!(
                    "参评单位“{name}”计分类别的权重全部为0",
                    "every category scored for assessed unit \"{name}\" has weight 0"
                ),
            );
        }
    }
}

/// Categories with a scored (not bonus or veto) indicator that applies to `unit`.
fn scored_categories<'m>(model: &'m Model, unit: &Unit) -> BTreeSet<&'m String> {
    model
        .criteria
        .iter()
        .filter(|i| i.rule.counts_in_category() && i.applies_to(unit))
        .map(|i| &i.category)
        .collect()
}

fn remaining_weight(system: &WeightSystem, scored: &BTreeSet<&String>) -> crate::number::Exact {
    system.weights.iter().filter(|(c, _)| scored.contains(c)).map(|(_, w)| w.clone()).sum()
}

/// A manual indicator without a score for an assessed unit counts 0: a warning.
fn warn_missing_scores(model: &Model, locations: &[Location], diagnostics: &mut Diagnostics) {
    let given: HashSet<(usize, usize)> = model.manual_scores.iter().map(|s| (s.unit, s.indicator)).collect();
    for (index, unit) in model.units.iter().enumerate().filter(|(_, u)| u.assessed) {
        for (code_index, indicator) in model.criteria.iter().enumerate() {
            // Inside an item, a clause without a score loses nothing.
            if !indicator.rule.takes_manual_score() || !indicator.applies_to(unit) || indicator.item.is_some()
            {
                continue;
            }
            if given.contains(&(index, code_index)) {
                continue;
            }
            let (id, name, code) = (&unit.id, &unit.name, &indicator.code);
            diagnostics.warning(
                Some(locations[index].clone()),
                text!(
                    "单位{id}“{name}”缺少指标“{code}”的评分，按0分计",
                    "unit {id} \"{name}\" has no score for indicator \"{code}\"; counted as 0"
                ),
            );
        }
    }
}
