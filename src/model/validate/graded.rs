//! Graded points (分级, docs/输入.md “指标”, docs/计分.md “分级”): a 指标
//! row's 分级 column and its 单项分 table, checked at their cells as the
//! row is read; and, once the ledger is read, every row a graded indicator
//! counts (every incident it considers, on time or late) must find its
//! value in the table, else an error at that row's 分级 cell.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use super::cells::Cells;
use super::criteria::attribute_key;
use crate::diagnostic::{Diagnostics, Location};
use crate::input::Table;
use crate::input::schema::SheetKind;
use crate::input::value::parse_number;
use crate::model::rules::{Grade, GradedPoints, RULES, RuleKind};
use crate::model::{Attributes, Indicator, Model, Origin, UnitIndex, filter};
use crate::number::{int, parse_decimal};
use crate::text::normalize;

/// The entry that covers every value the table does not list.
const OTHER: &str = "其他";

/// Reads 分级 and, when it is filled in, 单项分 as its table. `Ok(None)`
/// when 分级 is empty (单项分 is then the caller's plain number; a table
/// there is an error). `kind` is the row's rule when known: 分级 on a rule
/// that doesn't take it, or naming a column no ledger sheet of the rule has
/// (`columns`, as for 条件), is an error at the 分级 cell.
pub(super) fn read_graded<'c>(
    cells: &mut Cells,
    kind: Option<&RuleKind>,
    columns: impl Fn(SheetKind) -> &'c BTreeSet<String>,
) -> Result<Option<GradedPoints>, ()> {
    let header = cells.text("graded_by");
    if header.is_empty() {
        let shown = cells.text("unit_points");
        if shown.contains([':', '：']) {
            cells.error(
                "unit_points",
                text!(
                    "单项分“{shown}”是分级表，须同时在“分级”列填写按哪一列分级",
                    "单项分 (unit_points) \"{shown}\" is a table of graded points: 分级 (graded_by) must name the column it grades by"
                ),
            );
            return Err(());
        }
        return Ok(None);
    }
    let mut ok = true;
    let mut column = String::new();
    if let Some(kind) = kind {
        if !kind.needs.graded {
            let (zh, en) = graded_rules();
            cells.error(
                "graded_by",
                text!("只有{zh}指标才能填写“分级”", "only {en} indicators take a 分级 (graded_by)"),
            );
            return Err(());
        }
        let sheet_kind = kind.needs.filter_sheet;
        column = attribute_key(sheet_kind, &header);
        if !columns(sheet_kind).contains(&column) {
            let sheet = sheet_kind.zh();
            cells.error(
                "graded_by",
                text!(
                    "分级列“{header}”在任何“{sheet}”表中都不存在",
                    "the 分级 (graded_by) column \"{header}\" is on no {sheet} sheet"
                ),
            );
            ok = false;
        }
    }
    let grades = read_table(cells);
    match (grades, ok, kind) {
        (Ok(grades), true, Some(_)) => Ok(Some(GradedPoints { column, header, grades })),
        _ => Err(()),
    }
}

/// The rules that take 分级, as messages list them: `扣分、加分、时效` and
/// `deduct, bonus, timeliness`.
fn graded_rules() -> (String, String) {
    let graded: Vec<&[&str]> =
        RULES.iter().filter(|(_, kind)| kind.needs.graded).map(|(words, _)| *words).collect();
    let zh: Vec<&str> = graded.iter().map(|words| words[0]).collect();
    let en: Vec<&str> = graded.iter().map(|words| words[1]).collect();
    (zh.join("、"), en.join(", "))
}

/// 单项分 as a table: `value:points` entries separated by `；` `;` `，` `,`,
/// each split at `:` or `：`; points ≥ 0; no value twice (after
/// normalisation); `其他` the catch-all. Every problem is an error at the
/// 单项分 cell.
fn read_table(cells: &mut Cells) -> Result<Vec<Grade>, ()> {
    let shown = cells.text("unit_points");
    if shown.is_empty() {
        cells.required("unit_points");
        return Err(());
    }
    if parse_number(cells.value("unit_points")).is_some() {
        cells.error(
            "unit_points",
            text!(
                "填写了“分级”的指标，单项分应为“值:分数”表（如“一般:1；较大:3”），不能是一个数“{shown}”",
                "with 分级 (graded_by), 单项分 (unit_points) must be a table of value:points (一般:1；较大:3), not the number \"{shown}\""
            ),
        );
        return Err(());
    }
    let mut grades: Vec<Grade> = Vec::new();
    let mut ok = true;
    for entry in shown.split([';', '；', ',', '，']).map(str::trim).filter(|entry| !entry.is_empty()) {
        let Some((label, points)) = entry.split_once([':', '：']).map(|(l, p)| (l.trim(), p.trim())) else {
            cells.error(
                "unit_points",
                text!(
                    "单项分中的“{entry}”应写作“值:分数”",
                    "\"{entry}\" in 单项分 (unit_points) should be value:points"
                ),
            );
            ok = false;
            continue;
        };
        if label.is_empty() {
            cells.error(
                "unit_points",
                text!("单项分中的“{entry}”缺少值", "\"{entry}\" in 单项分 (unit_points) has no value"),
            );
            ok = false;
            continue;
        }
        let points = match parse_decimal(&normalize(points)) {
            Some(points) if points >= int(0) => points,
            Some(_) => {
                cells.error(
                    "unit_points",
                    text!(
                        "单项分中“{label}”的分数“{points}”不能小于0",
                        "the points \"{points}\" of \"{label}\" in 单项分 (unit_points) must not be negative"
                    ),
                );
                ok = false;
                continue;
            }
            None => {
                cells.error(
                    "unit_points",
                    text!(
                        "单项分中“{label}”的分数“{points}”不是有效数值",
                        "the points \"{points}\" of \"{label}\" in 单项分 (unit_points) are not a valid number"
                    ),
                );
                ok = false;
                continue;
            }
        };
        let normalized = normalize(label);
        let value = (normalized != OTHER).then_some(normalized);
        if grades.iter().any(|grade| grade.value == value) {
            cells.error(
                "unit_points",
                text!("单项分中“{label}”重复", "\"{label}\" is listed twice in 单项分 (unit_points)"),
            );
            ok = false;
            continue;
        }
        let label = if value.is_none() { OTHER.to_owned() } else { label.to_owned() };
        grades.push(Grade { label, value, points });
    }
    if grades.is_empty() && ok {
        cells.error(
            "unit_points",
            text!("单项分“{shown}”中没有“值:分数”", "单项分 (unit_points) \"{shown}\" holds no value:points"),
        );
        return Err(());
    }
    if ok { Ok(grades) } else { Err(()) }
}

/// Where each ledger sheet holds the 分级 columns of the graded
/// indicators: (file, sheet) → (attribute key, column). Taken from the
/// tables before the ledger is read from them.
pub(super) struct GradedColumns(BTreeMap<Sheet, Vec<(String, u32)>>);

/// A ledger sheet: its file and sheet names.
type Sheet = (Arc<str>, Arc<str>);

impl GradedColumns {
    pub(super) fn new(criteria: &[Indicator], tables: &[&Table]) -> Self {
        let graded: Vec<(SheetKind, &str)> = criteria
            .iter()
            .filter_map(|indicator| {
                let table = indicator.rule.graded()?;
                Some((indicator.rule.kind().needs.filter_sheet, table.column.as_str()))
            })
            .collect();
        let mut sheets = BTreeMap::new();
        for table in tables {
            let mut found = Vec::new();
            for &(_, key) in graded.iter().filter(|(kind, _)| *kind == table.kind) {
                let col = table.col(key).or_else(|| {
                    let extra =
                        table.extras.iter().find(|extra| attribute_key(table.kind, &extra.header) == key);
                    extra.map(|extra| extra.col)
                });
                if let Some(col) = col {
                    found.push((key.to_owned(), col));
                }
            }
            if !found.is_empty() {
                sheets.insert((table.file.clone(), table.sheet.clone()), found);
            }
        }
        GradedColumns(sheets)
    }

    /// The cell of `origin`'s row in the column `key`; the row's first cell
    /// when its sheet lacks the column.
    fn cell(&self, origin: &Origin, key: &str) -> Location {
        let found = self.0.get(&(origin.file.clone(), origin.sheet.clone()));
        let col = found.and_then(|columns| columns.iter().find(|(held, _)| held == key)).map(|(_, col)| *col);
        Location::cell(origin.file.clone(), origin.sheet.clone(), origin.row, col.unwrap_or(origin.col))
    }
}

/// Every row a graded indicator counts — an assessed unit's own rows of its
/// activity type (for 时效 every incident of the year) that pass its 条件,
/// on time or late, for a unit it applies to — must find its 分级 value in
/// the table or fall under `其他`: else an error at the row's 分级 cell.
pub(super) fn check_graded_rows(model: &Model, columns: &GradedColumns, diagnostics: &mut Diagnostics) {
    for indicator in &model.criteria {
        let Some(table) = indicator.rule.graded() else { continue };
        let rows: Vec<(UnitIndex, &Attributes, &Origin)> = match indicator.rule.kind().needs.filter_sheet {
            SheetKind::Incidents => {
                model.incidents.iter().map(|row| (row.unit, &row.attributes, &row.origin)).collect()
            }
            _ => {
                let Some(activity) = indicator.rule.activity() else { continue };
                let of_type = model.activities.iter().filter(|row| &*row.kind == activity);
                of_type.map(|row| (row.unit, &row.attributes, &row.origin)).collect()
            }
        };
        for (unit, attributes, origin) in rows {
            let unit = &model.units[unit];
            let counted =
                unit.assessed && indicator.applies_to(unit) && filter::matches(&indicator.filter, attributes);
            let value = attributes.get(&table.column);
            if !counted || table.grade_of(value).is_some() {
                continue;
            }
            let (code, header) = (&indicator.code, &table.header);
            let message = match value {
                Some(value) => text!(
                    "“{value}”不在指标“{code}”的单项分中（按“{header}”分级），单项分也没有“其他”",
                    "\"{value}\" is not in indicator {code}'s 单项分 (graded by {header}), which has no 其他 either"
                ),
                None => text!(
                    "“{header}”为空，指标“{code}”的单项分没有“其他”",
                    "{header} is empty and indicator {code}'s 单项分 has no 其他"
                ),
            };
            diagnostics.error(Some(columns.cell(origin, &table.column)), message);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Lang;
    use crate::input::csv::read_csv;
    use crate::input::table::build_table;
    use crate::model::Expected;
    use crate::model::rules::Deduct;
    use crate::model::testing::*;
    use crate::model::validate::keywords::lookup;
    use crate::number::Exact;

    /// One 指标 row of rule `rule` with 单项分 `unit_points` and 分级
    /// `graded_by`, read in 指标.csv (单项分 in column F, 分级 in G).
    fn read_row(
        rule: &str,
        unit_points: &str,
        graded_by: &str,
    ) -> (Result<Option<GradedPoints>, ()>, Vec<String>) {
        let csv = format!(
            "编号,类别,名称,分值,规则,单项分,分级\nD1,意识形态工作,违规,10,{rule},\"{unit_points}\",{graded_by}\n"
        );
        let file: Arc<str> = "指标.csv".into();
        let sheet = read_csv(csv.as_bytes(), &file, "指标").unwrap();
        let mut diagnostics = Diagnostics::default();
        let table = build_table(sheet, "指标", &mut diagnostics).unwrap();
        let kind = lookup(RULES, rule);
        let activity_columns: BTreeSet<String> = ["级别", "title"].map(str::to_owned).into();
        let incident_columns: BTreeSet<String> = ["level"].map(str::to_owned).into();
        let columns = |kind: SheetKind| match kind {
            SheetKind::Incidents => &incident_columns,
            _ => &activity_columns,
        };
        let read = read_graded(&mut Cells::new(&table, &table.rows[0], &mut diagnostics), kind, columns);
        (read, diagnostics.errors().map(|error| error.headline(Lang::Zh)).collect())
    }

    fn grades(table: &GradedPoints) -> Vec<(&str, Option<&str>, String)> {
        let shown = |points: &Exact| crate::number::format_trimmed(points, 6);
        table.grades.iter().map(|g| (g.label.as_str(), g.value.as_deref(), shown(&g.points))).collect()
    }

    #[test]
    fn a_table_reads_in_order_with_every_separator() {
        let (read, errors) = read_row("扣分", "一般：0；较大:3, 重大:5，其他:1.5; ", "级别");
        assert!(errors.is_empty(), "{errors:?}");
        let table = read.unwrap().unwrap();
        assert_eq!((table.column.as_str(), table.header.as_str()), ("级别", "级别"));
        assert_eq!(
            grades(&table),
            [
                ("一般", Some("一般"), "0".to_owned()),
                ("较大", Some("较大"), "3".to_owned()),
                ("重大", Some("重大"), "5".to_owned()),
                ("其他", None, "1.5".to_owned()),
            ]
        );
        // 时效 grades by an incident column: 级别 is kept as `level`.
        let (read, errors) = read_row("时效", "重大:4;其他:1", "级别");
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(read.unwrap().unwrap().column, "level");
    }

    #[test]
    fn without_graded_by_the_number_is_the_callers_and_a_table_is_an_error() {
        let (read, errors) = read_row("扣分", "2", "");
        assert!(matches!(read, Ok(None)) && errors.is_empty(), "{errors:?}");
        let (read, errors) = read_row("扣分", "一般:1;较大:3", "");
        assert!(read.is_err());
        assert_eq!(
            errors,
            ["指标.csv:指标!F2: 单项分“一般:1;较大:3”是分级表，须同时在“分级”列填写按哪一列分级"]
        );
    }

    #[test]
    fn each_table_error_is_at_the_unit_points_cell() {
        let cases = [
            ("一般:1;较大:3;一般:2", "指标.csv:指标!F2: 单项分中“一般”重复"),
            // Values compare normalised: full-width and spaced spellings are one value.
            ("Ａ级:1;A级:2", "指标.csv:指标!F2: 单项分中“A级”重复"),
            ("其他:1;一般:1;其他:0", "指标.csv:指标!F2: 单项分中“其他”重复"),
            (
                "5",
                "指标.csv:指标!F2: 填写了“分级”的指标，单项分应为“值:分数”表（如“一般:1；较大:3”），不能是一个数“5”",
            ),
            ("一般1;较大:3", "指标.csv:指标!F2: 单项分中的“一般1”应写作“值:分数”"),
            (":1", "指标.csv:指标!F2: 单项分中的“:1”缺少值"),
            ("一般:-1", "指标.csv:指标!F2: 单项分中“一般”的分数“-1”不能小于0"),
            ("一般:多", "指标.csv:指标!F2: 单项分中“一般”的分数“多”不是有效数值"),
            ("", "指标.csv:指标!F2: “单项分”不能为空"),
            (";", "指标.csv:指标!F2: 单项分“;”中没有“值:分数”"),
        ];
        for (unit_points, expected) in cases {
            let (read, errors) = read_row("扣分", unit_points, "级别");
            assert!(read.is_err(), "{unit_points}");
            assert_eq!(errors, [expected], "{unit_points}");
        }
    }

    #[test]
    fn graded_by_is_an_error_on_rules_that_dont_take_it_and_for_an_unknown_column() {
        for rule in ["至少", "评分", "否决"] {
            let (read, errors) = read_row(rule, "一般:1", "级别");
            assert!(read.is_err());
            assert_eq!(errors, ["指标.csv:指标!G2: 只有扣分、加分、时效指标才能填写“分级”"], "{rule}");
        }
        // The column must be on some sheet of the rule's kind: 时效 reads 舆情, which has no 标题 here.
        let (read, errors) = read_row("时效", "一般:1", "标题");
        assert!(read.is_err());
        assert_eq!(errors, ["指标.csv:指标!G2: 分级列“标题”在任何“舆情”表中都不存在"]);
        let (_, errors) = read_row("扣分", "一般:1", "等级");
        assert_eq!(errors, ["指标.csv:指标!G2: 分级列“等级”在任何“活动”表中都不存在"]);
    }

    /// U1 and U2 (U2 not assessed) with graded 违规 rows; the 级别
    /// column is column D of 活动 where the sheet has it.
    fn graded_model(other: bool) -> (Model, GradedColumns) {
        let mut table = vec![("较大", "3"), ("一般", "1")];
        if other {
            table.push(("其他", "0"));
        }
        let rule = Deduct { activity: "违规".into(), unit_points: graded("级别", "级别", &table) };
        let mut late = timeliness("24");
        late.unit_points = graded("level", "级别", &[("重大", "4")]);
        let criteria = vec![
            indicator("D1", IDEOLOGY, rule, "10"),
            indicator("T1", IDEOLOGY, late, "10"),
            indicator("M1", IDEOLOGY, min_count("违规"), "10"),
        ];
        let mut model = model(vec![unit("U1", "党支部", None), unit("U2", "党支部", None)], criteria, vec![]);
        model.units[1].assessed = false;
        model.activities = vec![
            with_attribute(activity(0, "2025-03-01", "违规", 2), "级别", "较大"),
            with_attribute(activity(0, "2025-03-02", "违规", 3), "级别", "重大"),
            activity(0, "2025-03-03", "违规", 4),
            // Not assessed: not counted, so not checked.
            with_attribute(activity(1, "2025-03-04", "违规", 5), "级别", "重大"),
        ];
        // On time or late, every incident is considered.
        let mut incident = incident(0, "网帖", "2025-04-01 08:00", ["2025-04-01 09:00"; 4], 2);
        incident.attributes.insert("level", "一般");
        model.incidents = vec![incident];
        let sheet = |name: &str| (Arc::from("台账.xlsx"), Arc::from(name));
        let columns = GradedColumns(
            [(sheet("活动"), vec![("级别".to_owned(), 3)]), (sheet("舆情"), vec![("level".to_owned(), 2)])]
                .into(),
        );
        (model, columns)
    }

    fn errors(model: &Model, columns: &GradedColumns) -> Vec<String> {
        let mut diagnostics = Diagnostics::default();
        check_graded_rows(model, columns, &mut diagnostics);
        diagnostics.errors().map(|error| error.headline(Lang::Zh)).collect()
    }

    #[test]
    fn a_counted_row_whose_value_has_no_grade_is_an_error_at_its_graded_cell() {
        let (model, columns) = graded_model(false);
        assert_eq!(
            errors(&model, &columns),
            [
                "台账.xlsx:活动!D3: “重大”不在指标“D1”的单项分中（按“级别”分级），单项分也没有“其他”",
                "台账.xlsx:活动!D4: “级别”为空，指标“D1”的单项分没有“其他”",
                "台账.xlsx:舆情!C2: “一般”不在指标“T1”的单项分中（按“级别”分级），单项分也没有“其他”",
            ]
        );
    }

    #[test]
    fn other_covers_every_value_and_rows_not_counted_are_not_checked() {
        let (mut model, columns) = graded_model(true);
        model.incidents.clear();
        assert!(errors(&model, &columns).is_empty());
        // Rows the filter leaves out are not counted either.
        let (mut model, columns) = graded_model(false);
        model.incidents.clear();
        model.criteria[0].filter = vec![condition("级别", Expected::Text("较大".into()))];
        assert!(errors(&model, &columns).is_empty());
        // Nor rows of a unit the indicator doesn't apply to.
        let (mut model, columns) = graded_model(false);
        model.incidents.clear();
        model.criteria[0].applies_to = vec!["党委".into()];
        assert!(errors(&model, &columns).is_empty());
    }

    #[test]
    fn a_sheet_without_the_graded_column_points_at_the_rows_first_cell() {
        let (mut model, _) = graded_model(false);
        model.incidents.clear();
        model.activities.truncate(3);
        model.activities.remove(1);
        let mut other_sheet = activity(0, "2025-05-01", "违规", 7);
        other_sheet.origin.sheet = "二支部".into();
        other_sheet.origin.col = 1;
        model.activities.push(other_sheet);
        assert_eq!(
            errors(&model, &GradedColumns(BTreeMap::new())),
            [
                "台账.xlsx:活动!A4: “级别”为空，指标“D1”的单项分没有“其他”",
                "台账.xlsx:二支部!B7: “级别”为空，指标“D1”的单项分没有“其他”"
            ]
        );
    }
}
