//! The 指标 sheet: one indicator per row, its rule looked up in the
//! registry ([`crate::model::rules::RULES`]) and built from the parameter
//! cells the rule needs (docs/输入.md “指标”), its `条件` filter parsed against the
//! columns the ledger sheets really have, and its `适用` list split; a
//! 条件 column missing from one sheet that holds rows of the indicator's
//! type is a warning at that sheet. 截止 and 迟报扣分 are read here for the
//! rules that take them.

use std::borrow::Cow;
use std::collections::BTreeSet;
use std::sync::Arc;

use chrono::{Datelike, NaiveDate};

use super::cells::Cells;
use super::definitions::distinct_rows;
use super::graded::read_graded;
use super::items::{ClauseCells, group_items};
use super::keywords::{PERIODS, VETO_MODES};
use crate::defaults::EXAMPLE_MARK;
use crate::diagnostic::{Diagnostics, Location};
use crate::input::schema::{SheetKind, strip_bracketed_unit};
use crate::input::value::{Value, parse_bool_text, parse_date_time};
use crate::input::{Row, Table};
use crate::model::rules::{Due, Needs, Parameters, Placement, RULES, RuleKind, VetoMode};
use crate::model::{Activity, Condition, Expected, Incident, Indicator, Item, Origin, Period};
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
/// when they can be known and there are units: a `适用` value none of them
/// has is a warning.
pub(super) fn read_criteria(
    tables: &[&Table],
    ledger_tables: &[&Table],
    unit_kinds: Option<&BTreeSet<String>>,
    diagnostics: &mut Diagnostics,
) -> (Vec<Indicator>, Vec<Item>) {
    let activity_columns = filter_columns(ledger_tables, SheetKind::Activities);
    let incident_columns = filter_columns(ledger_tables, SheetKind::Incidents);
    let key = |t: &Table, r: &Row| Some(normalize(&t.get(r, "code").display()));
    let mut criteria = Vec::new();
    let mut clauses = Vec::new();
    // Rows still carrying the example mark of the default criteria, and the first one's cell.
    let (mut examples, mut first_example) = (0usize, None);
    for (table, row) in distinct_rows(tables, "code", key, diagnostics) {
        let mut cells = Cells::new(table, row, diagnostics);
        let columns = |kind: SheetKind| match kind {
            SheetKind::Incidents => &incident_columns,
            _ => &activity_columns,
        };
        let Ok(clause) = ClauseCells::read(&mut cells) else { continue };
        let Some(indicator) = read_indicator(&mut cells, columns, clause.is_some()) else { continue };
        let unknown_kind = |kind: &&String| unit_kinds.is_some_and(|known| !known.contains(*kind));
        for kind in indicator.applies_to.iter().filter(unknown_kind) {
            let location = cells.location("applies_to");
            cells.diagnostics.warning(
                Some(location),
                text!("适用范围“{kind}”不是任何单位的类型", "applies-to value \"{kind}\" is no unit's type"),
            );
        }
        let marked = ["standard", "name"].into_iter().find(|key| match *key {
            "standard" => indicator.standard.contains(EXAMPLE_MARK),
            _ => indicator.name.contains(EXAMPLE_MARK),
        });
        if let Some(key) = marked {
            examples += 1;
            first_example = first_example.or_else(|| Some(cells.location(key)));
        }
        if let Some(clause) = clause {
            clauses.push((criteria.len(), clause));
        }
        criteria.push(indicator);
    }
    if examples > 0 {
        diagnostics.warning(
            first_example,
            text!(
                "{examples}条指标的评分标准或名称仍含示例文字“{EXAMPLE_MARK}”，请按实际修改后再发文",
                "{examples} criteria still carry the example text \"{EXAMPLE_MARK}\" in their scoring standard or name: edit them before the documents go out"
            ),
        );
    }
    let items = group_items(&mut criteria, clauses, diagnostics);
    (criteria, items)
}

/// A parameter that must be a number > 0 when `needed`, else is optional.
pub(super) fn positive(cells: &mut Cells, key: &str, needed: bool) -> Result<Option<Exact>, ()> {
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
/// checked), then the filter on the rule's ledger sheets. `in_item`: the
/// row is a clause of a 考核项目, where 分值 is an optional cap (its
/// points are then set from the item's).
fn read_indicator<'c>(
    cells: &mut Cells,
    columns: impl Fn(SheetKind) -> &'c BTreeSet<String>,
    in_item: bool,
) -> Option<Indicator> {
    let code = cells.id("code");
    let category = cells.required("category");
    let name = cells.required("name");
    let kind = cells.keyword("rule", RULES);
    let kind = cells.present("rule", kind);
    let placed = kind.is_none_or(|kind| placed(cells, kind, in_item));
    let needs = kind.map_or(Needs::BASIC, |kind| kind.needs);
    let points = if needs.points {
        let needed = !in_item || needs.points_in_item;
        positive(cells, "points", needed).map(|points| Some(points.unwrap_or_else(|| int(0))))
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
    let due = due(cells, kind.map(|kind| kind.needs.due), period.as_ref().ok().copied().flatten());
    let late_points = late_points(cells, due.as_ref().ok(), unit_points.as_ref().ok());
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
    let (Ok(veto_mode), true) = (veto_mode, placed) else { return None };
    let (Ok(due), Ok(late_points)) = (due, late_points) else { return None };
    let Ok(graded) = graded else { return None };
    let rule = (kind.build)(Parameters {
        activity: (!activity.is_empty()).then(|| activity_type(&activity).into_owned()),
        required,
        period: period.unwrap_or(Period::Year),
        unit_points,
        deadline_hours,
        veto_mode,
        due,
        late_points,
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
        item: None,
        origin: cells.origin(),
    })
}

/// Whether a rule of `kind` may stand where the row does: bonus and veto
/// outside any 考核项目, 前置 only inside one; else an error at 规则.
fn placed(cells: &mut Cells, kind: &RuleKind, in_item: bool) -> bool {
    let rule = kind.keywords[0];
    let message = match (kind.needs.placement, in_item) {
        (Placement::OutsideItems, true) => text!(
            "“{rule}”指标不能作为考核项目的一项：加分和否决不在项目分值之内",
            "a {rule} row cannot be a clause of a 考核项目 (item): bonus and veto stand outside items"
        ),
        (Placement::InsideItem, false) => text!(
            "“{rule}”只能用于考核项目中的行，请填写“考核项目”",
            "a {rule} row must be a clause of a 考核项目 (item); fill in its 考核项目"
        ),
        _ => return true,
    };
    cells.error("rule", message);
    false
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

/// 截止 (docs/输入.md “指标”): `7月10日` / `07-10` / `次年1月15日` /
/// `次年01-15` / a date cell (its month and day), for a yearly indicator; or
/// `期末后15天` / `期末后15日`, for any period. A value is an error unless
/// the rule (when known: `allowed`) takes one; `period` is the indicator's
/// 周期 when it was valid.
fn due(cells: &mut Cells, allowed: Option<bool>, period: Option<Period>) -> Result<Option<Due>, ()> {
    let value = cells.value("due");
    if value.is_empty() {
        return Ok(None);
    }
    let shown = value.display();
    if allowed == Some(false) {
        cells.error(
            "due",
            text!(
                "只有“至少”指标才能填写“截止”",
                "only a min_count (至少) indicator takes a due date (截止)"
            ),
        );
        return Err(());
    }
    let Some(due) = parse_due(value) else {
        cells.error(
            "due",
            text!(
                "“{shown}” 不是有效的截止日期，应写作“7月10日”“07-10”“次年1月15日”或“期末后15天”",
                "\"{shown}\" is not a valid due date; write 7月10日, 07-10, 次年1月15日 or 期末后15天"
            ),
        );
        return Err(());
    };
    if let Due::OnDate { month, day, .. } = due {
        // Checked against a leap year: 2月29日 is a day in some years.
        if NaiveDate::from_ymd_opt(2000, month, day).is_none() {
            cells.error("due", text!("截止日期“{shown}”不存在", "the due date \"{shown}\" does not exist"));
            return Err(());
        }
        if let Some(period) = period.filter(|period| *period != Period::Year) {
            let (zh, en) = PERIODS
                .iter()
                .find(|(_, value)| *value == period)
                .map_or(("", ""), |(words, _)| (words[0], words[1]));
            cells.error(
                "due",
                text!(
                    "截止“{shown}”是一年中的固定日期，只适用于周期为“年”的指标；周期为“{zh}”时请写“期末后N天”",
                    "the due date \"{shown}\" is one day of the year, for a yearly indicator only; for the period {en} write 期末后N天 (N days after each period's end)"
                ),
            );
            return Err(());
        }
    }
    Ok(Some(due))
}

/// The text or date forms of 截止; `None` for any other value.
fn parse_due(value: &Value) -> Option<Due> {
    if let Value::DateTime(at) = value {
        return Some(Due::OnDate { next_year: false, month: at.month(), day: at.day() });
    }
    let Value::Text(text) = value else { return None };
    let text: String = normalize(text).chars().filter(|c| !c.is_whitespace()).collect();
    if let Some(days) = text.strip_prefix("期末后") {
        let days = days.strip_suffix('天').or_else(|| days.strip_suffix('日'))?;
        if days.is_empty() || days.len() > 4 || !days.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        return Some(Due::AfterEnd { days: days.parse().ok()? });
    }
    let (next_year, day_text) = match text.strip_prefix("次年") {
        Some(rest) => (true, rest),
        None => (false, text.as_str()),
    };
    let number = |digits: &str| {
        ((1..=2).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit()))
            .then(|| digits.parse::<u32>().ok())
            .flatten()
    };
    let chinese = day_text
        .split_once('月')
        .and_then(|(month, day)| Some((month, day.strip_suffix('日').or_else(|| day.strip_suffix('号'))?)));
    let split = chinese.or_else(|| day_text.split_once(['-', '/']));
    if let Some((Some(month), Some(day))) = split.map(|(month, day)| (number(month), number(day))) {
        let valid = (1..=12).contains(&month) && (1..=31).contains(&day);
        return valid.then_some(Due::OnDate { next_year, month, day });
    }
    // A full date typed as text (a CSV has no date cells): its month and day.
    let groups = text.split(|c: char| !c.is_ascii_digit()).filter(|group| !group.is_empty()).count();
    let full_date = !next_year && (groups >= 3 || (groups == 1 && text.len() == 8));
    let at = parse_date_time(value).filter(|_| full_date)?;
    Some(Due::OnDate { next_year, month: at.month(), day: at.day() })
}

/// 迟报扣分: a number ≥ 0, only with a 截止 (`due`, `Err` when the 截止 was
/// invalid: then not checked further); more than 单项分 (`unit_points`, when
/// valid) is a warning.
fn late_points(
    cells: &mut Cells,
    due: Option<&Option<Due>>,
    unit_points: Option<&Option<Exact>>,
) -> Result<Option<Exact>, ()> {
    let Some(late_points) = cells.number("late_points")? else { return Ok(None) };
    let shown = crate::number::format_trimmed(&late_points, 6);
    if late_points < int(0) {
        cells.error(
            "late_points",
            text!("迟报扣分“{shown}”不能小于0", "late points \"{shown}\" must not be negative"),
        );
        return Err(());
    }
    match due {
        Some(None) => {
            cells.error(
                "late_points",
                text!(
                    "填写了“迟报扣分”，却没有填写“截止”",
                    "late points (迟报扣分) are given without a due date (截止)"
                ),
            );
            return Err(());
        }
        Some(Some(_)) => {}
        None => return Err(()),
    }
    if let Some(Some(unit_points)) = unit_points
        && late_points > *unit_points
    {
        let unit = crate::number::format_trimmed(unit_points, 6);
        let location = cells.location("late_points");
        cells.diagnostics.warning(
            Some(location),
            text!(
                "迟报扣分（{shown}分）大于单项分（{unit}分）：迟报比不报扣分还多",
                "late points ({shown}) exceed the unit points ({unit}): reporting late would cost more than not reporting"
            ),
        );
    }
    Ok(Some(late_points))
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

    #[test]
    fn due_dates_parse_in_every_form() {
        let text = |text: &str| parse_due(&Value::Text(text.into()));
        let on = |next_year, month, day| Some(Due::OnDate { next_year, month, day });
        assert_eq!(text("7月10日"), on(false, 7, 10));
        assert_eq!(text("7月10号"), on(false, 7, 10));
        assert_eq!(text("07-10"), on(false, 7, 10));
        assert_eq!(text("７月１０日"), on(false, 7, 10));
        assert_eq!(text("次年1月15日"), on(true, 1, 15));
        assert_eq!(text("次年01-15"), on(true, 1, 15));
        assert_eq!(text("2025-07-10"), on(false, 7, 10));
        assert_eq!(text("2月30日"), on(false, 2, 30), "a day no month has is reported by `due`");
        assert_eq!(text("期末后15天"), Some(Due::AfterEnd { days: 15 }));
        assert_eq!(text("期末后 0 日"), Some(Due::AfterEnd { days: 0 }));
        let cell = Value::DateTime(crate::model::testing::at("2026-01-15 08:00"));
        assert_eq!(parse_due(&cell), on(false, 1, 15));
        for wrong in [
            "7月",
            "13月1日",
            "7月32日",
            "期末后",
            "期末后-1天",
            "期末后1.5天",
            "次年",
            "2025-07",
            "月底",
            "次年2025-07-10",
        ] {
            assert_eq!(text(wrong), None, "{wrong}");
        }
        assert_eq!(parse_due(&Value::Number(710.0)), None);
    }
}
