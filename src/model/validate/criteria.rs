//! The 指标 sheet: one indicator per row, its rule looked up in the
//! registry ([`crate::model::rules::RULES`]) and built from the parameter
//! cells the rule needs (docs/输入.md “指标”), its `条件` filter parsed against the
//! columns the ledger sheets really have, and its `适用` list split; a
//! 条件 column missing from one sheet that holds rows of the indicator's
//! type is a warning at that sheet.

use std::borrow::Cow;
use std::collections::BTreeSet;
use std::sync::Arc;

use super::cells::Cells;
use super::definitions::distinct_rows;
use super::graded::read_graded;
use super::keywords::{PERIODS, VETO_MODES};
use crate::diagnostic::{Diagnostics, Location};
use crate::input::schema::{SheetKind, strip_bracketed_unit};
use crate::input::value::parse_bool_text;
use crate::input::{Row, Table};
use crate::model::rules::{Needs, Parameters, RULES, VetoMode};
use crate::model::{Activity, Condition, Expected, Incident, Indicator, Origin, Period};
use crate::number::{Exact, int};
use crate::text::{normalize, normalize_cow, normalize_keyword};

/// The attribute key of a ledger column named `header` on a sheet of `kind`:
/// a schema column's English key, else the normalised header.
pub(super) fn attribute_key(kind: SheetKind, header: &str) -> String {
    let name = normalize_keyword(header);
    let name = strip_bracketed_unit(&name);
    kind.columns()
        .iter()
        .find(|column| name == column.zh || name == column.en)
        .map(|column| column.en.to_owned())
        .unwrap_or_else(|| name.to_owned())
}

/// Normalised activity type, as activities and indicators are matched
/// (case-sensitive: types are names, not keywords, and reasons quote them).
pub(super) fn activity_type(text: &str) -> Cow<'_, str> {
    normalize_cow(text)
}

/// The attribute keys the sheets of `kind` offer to filters.
pub(super) fn filter_columns(tables: &[&Table], kind: SheetKind) -> BTreeSet<String> {
    let mut columns = BTreeSet::new();
    for table in tables.iter().filter(|t| t.kind == kind) {
        for (column, found) in table.schema().iter().zip(&table.columns) {
            if found.is_some() {
                columns.insert(column.en.to_owned());
            }
        }
        columns.extend(table.extras.iter().map(|extra| attribute_key(kind, &extra.header)));
    }
    columns
}

/// The columns one ledger sheet offers to filters.
pub(super) struct SheetColumns {
    kind: SheetKind,
    file: Arc<str>,
    sheet: Arc<str>,
    columns: BTreeSet<String>,
}

/// The filter columns of each ledger sheet, in input order.
pub(super) fn sheet_columns(tables: &[&Table]) -> Vec<SheetColumns> {
    tables
        .iter()
        .map(|table| SheetColumns {
            kind: table.kind,
            file: table.file.clone(),
            sheet: table.sheet.clone(),
            columns: filter_columns(&[table], table.kind),
        })
        .collect()
}

/// A 条件 column that some sheet has but a sheet holding rows the indicator
/// considers (of its activity type; any incident for a timeliness rule)
/// lacks: a warning at that sheet, whose rows read the column as empty
/// (docs/输入.md “指标”).
pub(super) fn warn_missing_filter_columns(
    criteria: &[Indicator],
    sheets: &[SheetColumns],
    activities: &[Activity],
    incidents: &[Incident],
    diagnostics: &mut Diagnostics,
) {
    for indicator in criteria.iter().filter(|indicator| !indicator.filter.is_empty()) {
        let kind = indicator.rule.kind().needs.filter_sheet;
        let considered: Vec<&Origin> = match kind {
            SheetKind::Incidents => incidents.iter().map(|incident| &incident.origin).collect(),
            _ => {
                let Some(activity) = indicator.rule.activity() else { continue };
                activities.iter().filter(|row| &*row.kind == activity).map(|row| &row.origin).collect()
            }
        };
        let mut columns: Vec<&String> = Vec::new();
        for condition in &indicator.filter {
            if !columns.contains(&&condition.column) {
                columns.push(&condition.column);
            }
        }
        for sheet in sheets.iter().filter(|sheet| sheet.kind == kind) {
            let holds_rows =
                considered.iter().any(|origin| origin.file == sheet.file && origin.sheet == sheet.sheet);
            if !holds_rows {
                continue;
            }
            for &column in &columns {
                if !sheet.columns.contains(column) {
                    let code = &indicator.code;
                    // A schema column is named as its header is (材料, not evidence).
                    let header = kind
                        .columns()
                        .iter()
                        .find(|c| c.en == column.as_str())
                        .map_or(column.as_str(), |c| c.zh);
                    diagnostics.warning(
                        Some(Location::sheet(sheet.file.clone(), sheet.sheet.clone())),
                        text!(
                            "本表没有指标“{code}”条件中的列“{header}”，本表的行按此列为空计",
                            "this sheet has no column \"{column}\" of indicator {code}'s filter: its rows read it as empty"
                        ),
                    );
                }
            }
        }
    }
}

/// Splits a `适用` list: `党委；党总支`, `党委、党总支`, `党委/党总支`, …
pub(super) fn split_list(text: &str) -> Vec<String> {
    normalize_keyword(text)
        .split([';', '；', '、', ',', '，', '/'])
        .map(str::trim)
        .filter(|part| !part.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Reads the indicators. `unit_kinds` are the normalised 类型 of every unit,
/// when they can be known: a `适用` value none of them has is a warning.
pub(super) fn read_criteria(
    tables: &[&Table],
    ledger_tables: &[&Table],
    unit_kinds: Option<&BTreeSet<String>>,
    diagnostics: &mut Diagnostics,
) -> Vec<Indicator> {
    let activity_columns = filter_columns(ledger_tables, SheetKind::Activities);
    let incident_columns = filter_columns(ledger_tables, SheetKind::Incidents);
    let key = |t: &Table, r: &Row| Some(normalize(&t.get(r, "code").display()));
    let mut criteria = Vec::new();
    for (table, row) in distinct_rows(tables, "code", key, diagnostics) {
        let mut cells = Cells::new(table, row, diagnostics);
        let columns = |kind: SheetKind| match kind {
            SheetKind::Incidents => &incident_columns,
            _ => &activity_columns,
        };
        let Some(indicator) = read_indicator(&mut cells, columns) else { continue };
        let unknown_kind = |kind: &&String| unit_kinds.is_some_and(|known| !known.contains(*kind));
        for kind in indicator.applies_to.iter().filter(unknown_kind) {
            let location = cells.location("applies_to");
            cells.diagnostics.warning(
                Some(location),
                text!("适用范围“{kind}”不是任何单位的类型", "applies-to value \"{kind}\" is no unit's type"),
            );
        }
        criteria.push(indicator);
    }
    criteria
}

/// A parameter that must be a number > 0 when `needed`, else is optional.
fn positive(cells: &mut Cells, key: &str, needed: bool) -> Result<Option<Exact>, ()> {
    let value = cells.number(key)?;
    match value {
        Some(value) if value > int(0) => Ok(Some(value)),
        Some(value) => {
            let shown = crate::number::format_trimmed(&value, 6);
            cells.error(key, text!("“{shown}” 应大于0", "\"{shown}\" must be greater than 0"));
            Err(())
        }
        None if needed => {
            cells.required(key);
            Err(())
        }
        None => Ok(None),
    }
}

/// Reads one 指标 row: the cells every indicator has, then the parameter
/// cells in column order, each checked as the rule needs it (as
/// [`Needs::BASIC`] when the rule is unknown, so every cell is still
/// checked), then the filter on the rule's ledger sheets.
fn read_indicator<'c>(
    cells: &mut Cells,
    columns: impl Fn(SheetKind) -> &'c BTreeSet<String>,
) -> Option<Indicator> {
    let code = cells.id("code");
    let category = cells.required("category");
    let name = cells.required("name");
    let kind = cells.keyword("rule", RULES);
    let kind = cells.present("rule", kind);
    let needs = kind.map_or(Needs::BASIC, |kind| kind.needs);
    let points = if needs.points {
        positive(cells, "points", true)
    } else {
        cells.number("points").map(|_| Some(int(0)))
    };
    let activity = if needs.activity { cells.required("activity") } else { Some(cells.text("activity")) };
    let required = match cells.number("required") {
        Ok(None) => Some(1),
        Ok(Some(n)) if n.is_integer() && n >= int(1) && n <= int(10_000) => n.to_integer().try_into().ok(),
        Ok(Some(n)) => {
            let shown = crate::number::format_trimmed(&n, 6);
            cells.error(
                "required",
                text!(
                    "要求次数“{shown}”应为不小于1的整数",
                    "required count \"{shown}\" must be a whole number ≥ 1"
                ),
            );
            None
        }
        Err(()) => None,
    };
    let period = cells.keyword("period", PERIODS);
    // With 分级, 单项分 is its table (read with it).
    let graded = read_graded(cells, kind, &columns);
    let unit_points =
        if matches!(graded, Ok(None)) { positive(cells, "unit_points", needs.unit_points) } else { Ok(None) };
    let deadline_hours = positive(cells, "deadline_hours", needs.deadline_hours);
    let veto_mode = veto_mode(cells, kind.map(|kind| kind.needs.veto_mode));
    let filter = match kind {
        Some(kind) => parse_filter(cells, columns(kind.needs.filter_sheet), kind.needs.filter_sheet),
        None => Err(()),
    };
    let (
        Some(code),
        Some(category),
        Some(name),
        Some(kind),
        Ok(Some(points)),
        Some(activity),
        Some(required),
        Ok(period),
        Ok(unit_points),
        Ok(deadline_hours),
        Ok((filter, filter_text)),
    ) = (code, category, name, kind, points, activity, required, period, unit_points, deadline_hours, filter)
    else {
        return None;
    };
    let Ok(veto_mode) = veto_mode else { return None };
    let Ok(graded) = graded else { return None };
    let rule = (kind.build)(Parameters {
        activity: (!activity.is_empty()).then(|| activity_type(&activity).into_owned()),
        required,
        period: period.unwrap_or(Period::Year),
        unit_points,
        deadline_hours,
        veto_mode,
        graded,
    })?;
    Some(Indicator {
        code,
        category,
        name,
        points,
        rule,
        filter,
        filter_text,
        applies_to: split_list(&cells.text("applies_to")),
        standard: cells.text("standard"),
        origin: cells.origin(),
    })
}

/// 否决方式, 最低等次 when empty; a value is an error unless the rule
/// (when known: `allowed`) takes one.
fn veto_mode(cells: &mut Cells, allowed: Option<bool>) -> Result<VetoMode, ()> {
    let mode = cells.keyword("veto_mode", VETO_MODES)?;
    if mode.is_some() && allowed == Some(false) {
        cells.error(
            "veto_mode",
            text!("只有否决指标才能填写“否决方式”", "only a veto indicator takes a 否决方式 (veto_mode)"),
        );
        return Err(());
    }
    Ok(mode.unwrap_or(VetoMode::LowestBand))
}

/// `上报=是;形式!=书面`: every condition's column must exist on some sheet of
/// `kind` (activities, or incidents for timeliness). Returns the conditions
/// and the text as typed, which the filter note quotes.
fn parse_filter(
    cells: &mut Cells,
    available: &BTreeSet<String>,
    kind: SheetKind,
) -> Result<(Vec<Condition>, String), ()> {
    let typed = cells.text("filter").trim().to_owned();
    let text = normalize(&typed).replace('≠', "!=");
    let mut conditions = Vec::new();
    let mut ok = true;
    for part in text.split(';').map(str::trim).filter(|p| !p.is_empty()) {
        let Some((column, negated, value)) = split_condition(part) else {
            cells.error(
                "filter",
                text!(
                    "条件“{part}”应写作“列名=值”或“列名!=值”",
                    "condition \"{part}\" should be written column=value or column!=value"
                ),
            );
            ok = false;
            continue;
        };
        let (header, column) = (column, attribute_key(kind, column));
        if !available.contains(&column) {
            let sheet = kind.zh();
            cells.error(
                "filter",
                text!(
                    "条件中的列“{header}”在任何“{sheet}”表中都不存在",
                    "the filter column \"{header}\" is on no {sheet} sheet"
                ),
            );
            ok = false;
            continue;
        }
        let expected = if value.is_empty() {
            Expected::Empty
        } else if let Some(flag) = parse_bool_text(value) {
            Expected::Bool(flag)
        } else {
            Expected::Text(normalize(value))
        };
        conditions.push(Condition { column, expected, negated });
    }
    if ok { Ok((conditions, typed)) } else { Err(()) }
}

/// `column=value` or `column!=value` (`≠` already folded to `!=`): the
/// trimmed column, whether it is negated, and the trimmed value; `None`
/// without `=` or without a column.
fn split_condition(part: &str) -> Option<(&str, bool, &str)> {
    let (column, value) = part.split_once('=')?;
    let (column, negated) = match column.strip_suffix('!') {
        Some(column) => (column.trim(), true),
        None => (column.trim(), false),
    };
    (!column.is_empty()).then_some((column, negated, value.trim()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_split_on_every_separator() {
        assert_eq!(split_list("党委；党总支"), ["党委", "党总支"]);
        assert_eq!(
            split_list("党委、党总支/党支部,机关，其他;"),
            ["党委", "党总支", "党支部", "机关", "其他"]
        );
        assert!(split_list("").is_empty());
    }

    #[test]
    fn attribute_keys_map_schema_columns_to_english() {
        assert_eq!(attribute_key(SheetKind::Activities, "标题"), "title");
        assert_eq!(attribute_key(SheetKind::Activities, "Evidence"), "evidence");
        assert_eq!(attribute_key(SheetKind::Activities, "上报（是/否）"), "上报");
        assert_eq!(attribute_key(SheetKind::Incidents, "级别"), "level");
    }

    #[test]
    fn conditions_split_into_column_sign_and_value() {
        assert_eq!(split_condition("上报=是"), Some(("上报", false, "是")));
        assert_eq!(split_condition("上报 != 是"), Some(("上报", true, "是")));
        assert_eq!(split_condition("材料!="), Some(("材料", true, "")));
        assert_eq!(split_condition("上报="), Some(("上报", false, "")));
        assert_eq!(split_condition("上报"), None);
        assert_eq!(split_condition("=是"), None);
        assert_eq!(split_condition("!=是"), None);
    }
}
