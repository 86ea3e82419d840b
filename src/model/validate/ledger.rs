//! Ledger rows: activities (活动, including one-sheet-per-unit ledgers) and
//! public-opinion incidents (舆情). Rows outside the year (an activity by its
//! 所属期, else its date) are counted, not kept; exact duplicates count once
//! and are a warning naming the first place; attributes are kept for `条件`
//! filters. A row dated before its 所属期, or without one just after a
//! period's end for an indicator due `期末后N天`, is a warning.

use std::borrow::Cow;
use std::collections::hash_map::DefaultHasher;
use std::collections::{BTreeSet, HashMap, HashSet};
use std::hash::{Hash, Hasher};
use std::sync::Arc;

use chrono::{Datelike, NaiveDateTime};
use rayon::prelude::*;

use super::cells::Cells;
use super::criteria::{activity_type, attribute_key};
use super::units::UnitLookup;
use crate::diagnostic::Diagnostics;
use crate::input::schema::SheetKind;
use crate::input::{Row, Table, Value};
use crate::model::rules::{Due, MinCount, Rule};
use crate::model::{
    Activity, Attributes, Condition, INCIDENT_STEPS, Incident, Indicator, Origin, Period, ReportPeriod,
    UnitIndex, filter,
};
use crate::text::{SharedTexts, normalize_cow};

/// The optional schema columns kept as attributes, besides the extras.
const ACTIVITY_ATTRIBUTES: &[&str] = &["title", "evidence"];
const INCIDENT_ATTRIBUTES: &[&str] = &["title", "level"];

/// The columns of one ledger table kept as attributes: their keys, sorted
/// and shared by every row, and the columns each key is read from (two
/// extra columns may name the same key: the last non-empty one counts).
struct AttributeColumns {
    keys: Arc<[Arc<str>]>,
    columns: Vec<Vec<u32>>,
}

/// The schema columns `schema_keys` and the extras of `table`, keys held
/// once for all tables.
fn attribute_columns(table: &Table, schema_keys: &[&str], keys: &mut SharedTexts) -> AttributeColumns {
    let mut found: Vec<(Arc<str>, u32)> =
        schema_keys.iter().filter_map(|key| Some((keys.share(key), table.col(key)?))).collect();
    for extra in &table.extras {
        found.push((keys.share(&attribute_key(table.kind, &extra.header)), extra.col));
    }
    // Stable: the columns of one key stay in column order.
    found.sort_by(|(a, _), (b, _)| a.cmp(b));
    let (mut sorted, mut columns): (Vec<Arc<str>>, Vec<Vec<u32>>) = (Vec::new(), Vec::new());
    for (key, col) in found {
        match columns.last_mut() {
            Some(cols) if sorted.last() == Some(&key) => cols.push(col),
            _ => {
                sorted.push(key);
                columns.push(vec![col]);
            }
        }
    }
    AttributeColumns { keys: sorted.into(), columns }
}

/// A cell's text normalised by `normalize`, sharing the cell's own text
/// when that is normal already; `None` when empty.
fn normalized_cell(value: &Value, normalize: fn(&str) -> Cow<'_, str>) -> Option<Arc<str>> {
    let normalized: Arc<str> = match value {
        Value::Empty => return None,
        Value::Text(text) => match normalize(text) {
            Cow::Borrowed(_) => text.clone(),
            Cow::Owned(normalized) => normalized.into(),
        },
        value => normalize(&value.display()).into(),
    };
    (!normalized.is_empty()).then_some(normalized)
}

fn attributes(row: &Row, columns: &AttributeColumns) -> Attributes {
    let values = columns
        .columns
        .iter()
        .map(|cols| cols.iter().rev().find_map(|col| normalized_cell(row.cell(*col), normalize_cow)))
        .collect();
    Attributes::with_keys(columns.keys.clone(), values)
}

/// Finds exact repeats among the rows kept so far by a hash of their
/// identity, so no key is copied per row. Rows whose identities hash alike
/// but differ (all but impossible) are kept apart in `more`.
#[derive(Default)]
struct Repeats {
    first: HashMap<u64, usize>,
    more: HashMap<u64, Vec<usize>>,
}

impl Repeats {
    /// The index in `kept` of an earlier row whose identity hashes to
    /// `hash` and is `same`; else the next kept row is recorded under `hash`.
    fn earlier<T>(&mut self, kept: &[T], hash: u64, same: impl Fn(&T) -> bool) -> Option<usize> {
        let Some(&first) = self.first.get(&hash) else {
            self.first.insert(hash, kept.len());
            return None;
        };
        if same(&kept[first]) {
            return Some(first);
        }
        let more = self.more.entry(hash).or_default();
        if let Some(&index) = more.iter().find(|&&index| same(&kept[index])) {
            return Some(index);
        }
        more.push(kept.len());
        None
    }
}

/// The hash of a row's identity, by which [`Repeats`] finds repeats.
fn identity_hash(identity: impl Hash) -> u64 {
    let mut hasher = DefaultHasher::new();
    identity.hash(&mut hasher);
    hasher.finish()
}

/// A row's identity for duplicate detection: every column, normalised,
/// with the unit resolved and dates as date-times.
fn activity_identity(
    activity: &Activity,
) -> (UnitIndex, NaiveDateTime, &str, &Attributes, Option<ReportPeriod>) {
    (activity.unit, activity.date, &*activity.kind, &activity.attributes, activity.for_period)
}

fn incident_identity(
    incident: &Incident,
) -> (UnitIndex, NaiveDateTime, [Option<NaiveDateTime>; 4], &Attributes) {
    (incident.unit, incident.occurred, incident.steps, &incident.attributes)
}

/// A repeat of the row at `first`, warned at the row `row` of `table`.
fn warn_repeat(table: &Table, row: u32, first: &Origin, diagnostics: &mut Diagnostics) {
    diagnostics.warning(
        Some(table.cell_location(row, table.first_col)),
        text!("与 {first} 完全重复，只计一次", "exact duplicate of {first}; counted once"),
    );
}

/// The unit a ledger row belongs to: its 单位编号 cell, or the unit the
/// sheet (else file) names for a per-unit ledger.
fn row_unit(cells: &mut Cells, implied: Option<UnitIndex>, lookup: &UnitLookup) -> Option<UnitIndex> {
    match cells.table.col("unit") {
        Some(_) => lookup.resolve(cells, "unit"),
        None => implied,
    }
}

/// For a ledger sheet without 单位编号: the unit named by the sheet, else by
/// the file stem without 台账; reports a sheet that names no unit.
fn implied_unit(
    table: &Table,
    lookup: &UnitLookup,
    diagnostics: &mut Diagnostics,
) -> Result<Option<UnitIndex>, ()> {
    let Some(implied) = &table.implied_unit else { return Ok(None) };
    if table.col("unit").is_some() {
        return Ok(None);
    }
    match lookup.find(&implied.sheet_name).or_else(|| lookup.find(&implied.file_stem)) {
        Some(unit) => Ok(Some(unit)),
        None if !lookup.reports_unknown() => Err(()),
        None => {
            let (sheet, stem) = (&implied.sheet_name, &implied.file_stem);
            diagnostics.error(
                Some(table.sheet_location()),
                text!(
                    "台账表没有“单位编号”列，表名“{sheet}”和文件名“{stem}”也都不是已知单位",
                    "the ledger sheet has no unit column, and neither its name \"{sheet}\" nor the file name \"{stem}\" names a known unit"
                ),
            );
            Err(())
        }
    }
}

/// A 至少 indicator due `期末后N天` with N > 0 (docs/输入.md “指标”): a row it
/// would count that has no 所属期 and is dated in the first N days of a
/// period may report on the period before.
pub(super) struct ReportWindow<'c> {
    activity: &'c str,
    filter: &'c [Condition],
    period: Period,
    days: u32,
}

/// The report windows of `criteria`, in criteria order.
pub(super) fn report_windows(criteria: &[Indicator]) -> Vec<ReportWindow<'_>> {
    criteria
        .iter()
        .filter_map(|indicator| match &indicator.rule {
            Rule::MinCount(MinCount { activity, period, due: Some(Due::AfterEnd { days }), .. })
                if *days > 0 =>
            {
                Some(ReportWindow { activity, filter: &indicator.filter, period: *period, days: *days })
            }
            _ => None,
        })
        .collect()
}

impl ReportWindow<'_> {
    /// Whether `activity` may be a late report on the period before its date's.
    fn holds(&self, activity: &Activity) -> bool {
        let day = activity.date.date();
        let start = ReportPeriod::containing(self.period, day).first_day();
        activity.for_period.is_none()
            && *activity.kind == *self.activity
            && (day - start).num_days() < i64::from(self.days)
            && filter::matches(self.filter, &activity.attributes)
    }
}

pub(super) struct Ledger {
    pub activities: Vec<Activity>,
    pub incidents: Vec<Incident>,
    pub activities_out_of_year: usize,
    pub incidents_out_of_year: usize,
}

/// Reads the ledger tables in order, each row dropped as soon as it is
/// read so that raw cells and model rows are not all held at once. A
/// table's rows are read in parallel; repeats and counts are then settled
/// in row order.
pub(super) fn read_ledger(
    tables: Vec<Table>,
    lookup: &UnitLookup,
    year: Option<i32>,
    counted_types: Option<&BTreeSet<String>>,
    windows: &[ReportWindow],
    diagnostics: &mut Diagnostics,
) -> Ledger {
    let mut ledger = Ledger {
        activities: Vec::new(),
        incidents: Vec::new(),
        activities_out_of_year: 0,
        incidents_out_of_year: 0,
    };
    let mut activity_repeats = Repeats::default();
    let mut incident_repeats = Repeats::default();
    let mut uncounted: HashSet<Arc<str>> = HashSet::new();
    let mut keys = SharedTexts::default();
    for mut table in tables {
        let Ok(implied) = implied_unit(&table, lookup, diagnostics) else { continue };
        let rows = std::mem::take(&mut table.rows);
        match table.kind {
            SheetKind::Activities => {
                let columns = attribute_columns(&table, ACTIVITY_ATTRIBUTES, &mut keys);
                // With the type as shown when no indicator counts it, for the warning.
                let read = read_rows(
                    &table,
                    rows,
                    |cells| {
                        let activity = read_activity(cells, implied, lookup, &columns)?;
                        let uncounted = counted_types.is_some_and(|types| !types.contains(&*activity.kind));
                        Some((activity, uncounted.then(|| cells.text("type"))))
                    },
                    |(activity, _)| identity_hash(activity_identity(activity)),
                );
                for (activity, found) in read {
                    diagnostics.extend(found);
                    let Some(((activity, uncounted_type), hash)) = activity else { continue };
                    if windows.iter().any(|window| window.holds(&activity)) {
                        let col = table.col("date").unwrap_or(table.first_col);
                        diagnostics.warning(
                            Some(table.cell_location(activity.origin.row, col)),
                            text!(
                                "可能为上期报告，请填写所属期",
                                "possibly a report on the period before; fill in 所属期 (for_period)"
                            ),
                        );
                    }
                    if year.is_some_and(|y| activity.year() != y) {
                        ledger.activities_out_of_year += 1;
                        continue;
                    }
                    let row = activity.origin.row;
                    let same = |kept: &Activity| activity_identity(kept) == activity_identity(&activity);
                    if let Some(first) = activity_repeats.earlier(&ledger.activities, hash, same) {
                        warn_repeat(&table, row, &ledger.activities[first].origin, diagnostics);
                        continue;
                    }
                    if let Some(shown) = uncounted_type
                        && uncounted.insert(activity.kind.clone())
                    {
                        let col = table.col("type").unwrap_or(table.first_col);
                        diagnostics.warning(
                            Some(table.cell_location(row, col)),
                            text!(
                                "活动类型“{shown}”没有任何指标统计",
                                "activity type \"{shown}\" is counted by no indicator"
                            ),
                        );
                    }
                    ledger.activities.push(activity);
                }
            }
            SheetKind::Incidents => {
                let columns = attribute_columns(&table, INCIDENT_ATTRIBUTES, &mut keys);
                let read = read_rows(
                    &table,
                    rows,
                    |cells| read_incident(cells, lookup, &columns),
                    |incident| identity_hash(incident_identity(incident)),
                );
                for (incident, found) in read {
                    diagnostics.extend(found);
                    let Some((incident, hash)) = incident else { continue };
                    if year.is_some_and(|y| incident.occurred.year() != y) {
                        ledger.incidents_out_of_year += 1;
                        continue;
                    }
                    let same = |kept: &Incident| incident_identity(kept) == incident_identity(&incident);
                    if let Some(first) = incident_repeats.earlier(&ledger.incidents, hash, same) {
                        warn_repeat(
                            &table,
                            incident.origin.row,
                            &ledger.incidents[first].origin,
                            diagnostics,
                        );
                        continue;
                    }
                    ledger.incidents.push(incident);
                }
            }
            _ => unreachable!("only ledger tables are passed"),
        }
    }
    ledger
}

/// Reads `rows` of `table` with `read`, in parallel and in row order, each
/// row dropped once read: each row's model value, if valid, with its
/// identity `hash`, and the problems found in it.
fn read_rows<T: Send>(
    table: &Table,
    rows: Vec<Row>,
    read: impl Fn(&mut Cells) -> Option<T> + Sync,
    hash: impl Fn(&T) -> u64 + Sync,
) -> Vec<(Option<(T, u64)>, Diagnostics)> {
    rows.into_par_iter()
        .with_min_len(1024)
        .map(|row| {
            let mut diagnostics = Diagnostics::default();
            let value = read(&mut Cells::new(table, &row, &mut diagnostics)).map(|value| {
                let hash = hash(&value);
                (value, hash)
            });
            (value, diagnostics)
        })
        .collect()
}

fn read_activity(
    cells: &mut Cells,
    implied: Option<UnitIndex>,
    lookup: &UnitLookup,
    columns: &AttributeColumns,
) -> Option<Activity> {
    let unit = row_unit(cells, implied, lookup);
    let date = cells.date_time("date");
    let date = cells.present("date", date);
    let kind = normalized_cell(cells.value("type"), activity_type);
    if kind.is_none() {
        cells.required("type");
    }
    let for_period = cells.report_period("for_period");
    let (unit, date, kind, for_period) = (unit?, date?, kind?, for_period.ok()?);
    if let Some(period) = for_period
        && date.date() < period.first_day()
    {
        cells.diagnostics.warning(
            Some(cells.location("for_period")),
            text!(
                "日期早于所属期“{period}”：报告不会早于它所报告的期间，请检查所属期",
                "the date is before the report period {period} it reports on; check the 所属期 (for_period)"
            ),
        );
    }
    let attributes = attributes(cells.row, columns);
    Some(Activity { unit, date, kind, attributes, for_period, origin: cells.origin() })
}

fn read_incident(cells: &mut Cells, lookup: &UnitLookup, columns: &AttributeColumns) -> Option<Incident> {
    let unit = lookup.resolve(cells, "unit");
    let occurred = cells.date_time("occurred");
    let occurred = cells.present("occurred", occurred);
    let mut steps: [Option<NaiveDateTime>; 4] = [None; 4];
    let mut ok = true;
    for (step, (_, key)) in steps.iter_mut().zip(INCIDENT_STEPS) {
        match cells.date_time(key) {
            Ok(time) => *step = time,
            Err(()) => ok = false,
        }
    }
    let (unit, occurred) = (unit?, occurred?);
    if !ok {
        return None;
    }
    warn_out_of_order(cells, occurred, &steps);
    Some(Incident {
        unit,
        title: cells.text("title"),
        level: cells.text("level"),
        occurred,
        steps,
        attributes: attributes(cells.row, columns),
        origin: cells.origin(),
    })
}

/// A step earlier than the nearest present step before it is a warning
/// (likely a typing error), not a late step.
fn warn_out_of_order(cells: &mut Cells, occurred: NaiveDateTime, steps: &[Option<NaiveDateTime>; 4]) {
    let mut previous = ("发生", "occurred", occurred);
    for (step, (zh, en)) in steps.iter().zip(INCIDENT_STEPS) {
        let Some(time) = *step else { continue };
        if time < previous.2 {
            let (before_zh, before_en) = (previous.0, previous.1);
            let location = cells.location(en);
            cells.diagnostics.warning(
                Some(location),
                text!("{zh}时间早于{before_zh}时间", "the {en} time is earlier than the {before_en} time"),
            );
        }
        previous = (zh, en, time);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::testing::{activity, indicator, min_count, reporting};

    /// 季度分析 quarterly, due 15 days after each quarter: rows dated 1–15
    /// April (0–14 days into the second quarter) without 所属期 may report
    /// on the first, and so may one of 10 January 2026; 16 April, a row with
    /// 所属期 or of another type do not; an indicator without 截止 or due
    /// `期末后0天` has no window.
    #[test]
    fn a_window_covers_the_first_n_days_of_each_period() {
        let due =
            |due: Due| MinCount { period: Period::Quarter, due: Some(due), ..min_count("季度分析") };
        let criteria = vec![
            indicator("A1", "意识形态工作", due(Due::AfterEnd { days: 15 }), "10"),
            indicator("A2", "意识形态工作", due(Due::AfterEnd { days: 0 }), "10"),
            indicator("A3", "意识形态工作", min_count("季度分析"), "10"),
        ];
        let windows = report_windows(&criteria);
        assert_eq!(windows.len(), 1);
        let holds = |row: &Activity| windows[0].holds(row);
        assert!(holds(&activity(0, "2025-04-01", "季度分析", 2)));
        assert!(holds(&activity(0, "2025-04-15 23:00", "季度分析", 2)));
        assert!(!holds(&activity(0, "2025-04-16", "季度分析", 2)));
        assert!(holds(&activity(0, "2026-01-10", "季度分析", 2)));
        assert!(!holds(&reporting(activity(0, "2025-04-01", "季度分析", 2), "2025Q1")));
        assert!(!holds(&activity(0, "2025-04-01", "专题研究", 2)));
    }
}
