//! A small model builder for every unit test: settings, units, criteria and
//! weight systems with sensible defaults, ledger rows from short date
//! strings. A fixture states only what differs from these defaults. And
//! [`evaluate`], which scores one unit on one indicator by its rule alone,
//! for the rules' own tests.

use std::sync::Arc;

use chrono::NaiveDateTime;

use crate::model::rules::{
    Bonus, Facts, Grade, GradedPoints, Manual, MinCount, Outcome, Rule, Timeliness, UnitPoints, Veto,
    VetoMode,
};
use crate::model::{
    AccountabilityRow, Activity, Attributes, Condition, Decision, Expected, GradeBand, Incident, Indicator,
    IndicatorIndex, Item, ManualScore, Model, Origin, OutOfYear, Period, Role, SelfScore, Settings, Stance,
    Unit, UnitIndex, WeightSystem,
};
use crate::number::{Exact, parse_decimal};

pub(crate) const IDEOLOGY: &str = "意识形态工作";
pub(crate) const PARTY: &str = "党建工作";
pub(crate) const BUSINESS: &str = "业务工作";

pub(crate) fn d(text: &str) -> Exact {
    parse_decimal(text).unwrap()
}

/// `2025-03-15` or `2025-03-15 10:30`.
pub(crate) fn at(text: &str) -> NaiveDateTime {
    let full = if text.contains(' ') { text.to_owned() } else { format!("{text} 00:00") };
    NaiveDateTime::parse_from_str(&full, "%Y-%m-%d %H:%M").unwrap()
}

pub(crate) fn origin(sheet: &str, row: u32) -> Origin {
    Origin { file: Arc::from("台账.xlsx"), sheet: Arc::from(sheet), row, col: 0 }
}

pub(crate) fn unit(id: &str, kind: &str, parent: Option<UnitIndex>) -> Unit {
    Unit {
        id: id.to_owned(),
        name: format!("{id}党支部"),
        parent,
        secretary: String::new(),
        kind: kind.to_owned(),
        kind_key: crate::text::normalize_keyword(kind),
        assessed: true,
        origin: origin("单位", 2),
    }
}

/// An indicator of `points` scored by `rule`, applying to every unit.
pub(crate) fn indicator(code: &str, category: &str, rule: impl Into<Rule>, points: &str) -> Indicator {
    Indicator {
        code: code.to_owned(),
        category: category.to_owned(),
        name: format!("{code}指标"),
        points: d(points),
        rule: rule.into(),
        filter: Vec::new(),
        filter_text: String::new(),
        applies_to: Vec::new(),
        standard: String::new(),
        item: None,
        origin: origin("指标", 2),
    }
}

/// An [`indicator`] with the name and 评分标准 the renderers show.
pub(crate) fn described(
    code: &str,
    category: &str,
    name: &str,
    points: &str,
    rule: impl Into<Rule>,
    standard: &str,
) -> Indicator {
    Indicator {
        name: name.to_owned(),
        standard: standard.to_owned(),
        ..indicator(code, category, rule, points)
    }
}

/// A manual indicator of `points` in `category`.
pub(crate) fn marked(code: &str, category: &str, points: &str) -> Indicator {
    indicator(code, category, manual(), points)
}

/// A manual rule naming no activity type.
pub(crate) fn manual() -> Manual {
    Manual { activity: None }
}

/// At least one `activity` a year, 1 point per missing one.
pub(crate) fn min_count(activity: &str) -> MinCount {
    MinCount {
        activity: activity.to_owned(),
        required: 1,
        period: Period::Year,
        unit_points: d("1"),
        due: None,
        late_points: d("1"),
    }
}

/// 1 point per `activity`.
pub(crate) fn bonus(activity: &str) -> Bonus {
    Bonus { activity: activity.to_owned(), unit_points: d("1").into() }
}

/// Vetoed by any `activity`.
pub(crate) fn veto(activity: &str) -> Veto {
    Veto { activity: activity.to_owned(), mode: VetoMode::LowestBand }
}

/// Each step within `deadline_hours`, 1 point per late incident.
pub(crate) fn timeliness(deadline_hours: &str) -> Timeliness {
    Timeliness { deadline_hours: d(deadline_hours), unit_points: d("1").into(), activity: None }
}

/// 单项分 graded by the attribute `column` (分级 typed as `header`): the
/// `(value, points)` entries in order, `其他` the catch-all.
pub(crate) fn graded(column: &str, header: &str, table: &[(&str, &str)]) -> UnitPoints {
    let grades = table
        .iter()
        .map(|(value, points)| Grade {
            label: value.to_string(),
            value: (*value != "其他").then(|| crate::text::normalize(value)),
            points: d(points),
        })
        .collect();
    UnitPoints::Graded(GradedPoints { column: column.to_owned(), header: header.to_owned(), grades })
}

/// `column=value`.
pub(crate) fn condition(column: &str, expected: Expected) -> Condition {
    Condition { column: column.to_owned(), expected, negated: false }
}

/// `column!=value`.
pub(crate) fn unequal(column: &str, expected: Expected) -> Condition {
    Condition { negated: true, ..condition(column, expected) }
}

pub(crate) fn system(owner: Option<UnitIndex>, weights: &[(&str, &str)]) -> WeightSystem {
    WeightSystem {
        owner,
        weights: weights.iter().map(|(category, weight)| (category.to_string(), d(weight))).collect(),
        origin: origin("权重", 2),
    }
}

pub(crate) fn activity(unit: UnitIndex, date: &str, kind: &str, row: u32) -> Activity {
    Activity {
        unit,
        date: at(date),
        kind: kind.into(),
        attributes: Attributes::new(),
        for_period: None,
        origin: origin("活动", row),
    }
}

/// `activity` reporting on the 所属期 `period` (`2025H2`, `2025年`, …).
pub(crate) fn reporting(mut activity: Activity, period: &str) -> Activity {
    activity.for_period = Some(crate::model::ReportPeriod::parse(period).expect("a 所属期"));
    activity
}

pub(crate) fn with_attribute(mut activity: Activity, key: &str, value: &str) -> Activity {
    activity.attributes.insert(key, value);
    activity
}

/// An incident occurring at `occurred` with the four steps (`""` = missing).
pub(crate) fn incident(unit: UnitIndex, title: &str, occurred: &str, steps: [&str; 4], row: u32) -> Incident {
    Incident {
        unit,
        title: title.to_owned(),
        level: "一般".to_owned(),
        occurred: at(occurred),
        steps: steps.map(|step| (!step.is_empty()).then(|| at(step))),
        attributes: Attributes::new(),
        origin: origin("舆情", row),
    }
}

/// Year 2025 assessed by 局党委, the default grade bands, no document
/// number or date, no top quota, no bonus cap.
pub(crate) fn settings() -> Settings {
    let grades = [("优秀", "90"), ("良好", "80"), ("合格", "60"), ("不合格", "0")]
        .map(|(name, threshold)| GradeBand { name: name.to_owned(), threshold: d(threshold) })
        .to_vec();
    Settings {
        year: 2025,
        assessor: "局党委".to_owned(),
        ideological_category: IDEOLOGY.to_owned(),
        grades,
        doc_number: None,
        doc_date: None,
        top_quota: None,
        rectification_days: 30,
        marking: "内部资料".to_owned(),
        cc: None,
        issued_by: "局党委".to_owned(),
        bonus_cap: None,
        self_gap: d("5"),
    }
}

/// A model of `units` and `criteria` under `systems`, with the default
/// [`settings`] and no ledger rows.
pub(crate) fn model(units: Vec<Unit>, criteria: Vec<Indicator>, systems: Vec<WeightSystem>) -> Model {
    let mut categories: Vec<String> = Vec::new();
    for indicator in &criteria {
        if !categories.contains(&indicator.category) {
            categories.push(indicator.category.clone());
        }
    }
    Model {
        settings: settings(),
        units,
        criteria,
        items: Vec::new(),
        categories,
        systems,
        activities: Vec::new(),
        incidents: Vec::new(),
        manual_scores: Vec::new(),
        self_scores: Vec::new(),
        self_assessed: false,
        accountability: Vec::new(),
        out_of_year: OutOfYear::default(),
        sources: Vec::new(),
        previous: None,
    }
}

/// 张三, the principal of `unit`, for a collective decision on `matter`.
pub(crate) fn accountability(case: &str, unit: UnitIndex, matter: &str) -> AccountabilityRow {
    AccountabilityRow {
        case: case.to_owned(),
        unit,
        matter: matter.to_owned(),
        decision: Decision::Collective,
        person: "张三".to_owned(),
        role: Role::Principal,
        stance: Some(Stance::For),
        origin: origin("问责", 2),
    }
}

pub(crate) fn manual_score(
    unit: UnitIndex,
    indicator: IndicatorIndex,
    score: &str,
    note: &str,
) -> ManualScore {
    ManualScore { unit, indicator, score: d(score), note: note.to_owned(), origin: origin("评分", 2) }
}

/// The score `unit` gives itself on `indicator` (a 自评 row).
pub(crate) fn self_score(unit: UnitIndex, indicator: IndicatorIndex, score: &str, note: &str) -> SelfScore {
    SelfScore { unit, indicator, score: d(score), note: note.to_owned(), origin: origin("自评", 2) }
}

/// Unit `U1` (类型 党支部) alone, scored on `criteria` under a top-level
/// system that weights every category equally.
pub(crate) fn one_unit(criteria: Vec<Indicator>) -> Model {
    let mut model = model(vec![unit("U1", "党支部", None)], criteria, Vec::new());
    let weights: Vec<(&str, &str)> =
        model.categories.iter().map(|category| (category.as_str(), "1")).collect();
    model.systems = vec![system(None, &weights)];
    model
}

/// Makes `clauses` (indices into the criteria) the item `name` worth
/// `points`; the `uncapped` ones, without a 分值 of their own, get the
/// item's points as validation gives them.
pub(crate) fn with_item(
    model: &mut Model,
    name: &str,
    points: &str,
    clauses: &[IndicatorIndex],
    uncapped: &[IndicatorIndex],
) {
    let index = model.items.len();
    for &clause in clauses {
        model.criteria[clause].item = Some(index);
    }
    for &clause in uncapped {
        model.criteria[clause].points = d(points);
    }
    model.items.push(Item {
        name: name.to_owned(),
        code: crate::text::normalize(name),
        category: model.criteria[clauses[0]].category.clone(),
        points: d(points),
        clauses: clauses.to_vec(),
        uncapped: uncapped.to_vec(),
        standard: String::new(),
    });
}

/// The rows of `unit` that `indicator` counts, looked up in the model
/// itself: what the engine hands a rule, without its ledger index.
struct ModelFacts<'a> {
    model: &'a Model,
    unit: UnitIndex,
    indicator: IndicatorIndex,
    activities: Vec<&'a Activity>,
    incidents: Vec<usize>,
}

impl<'a> ModelFacts<'a> {
    fn new(model: &'a Model, unit: UnitIndex, indicator: IndicatorIndex) -> Self {
        let kind = model.criteria[indicator].rule.activity().unwrap_or_default();
        let activities = model
            .activities
            .iter()
            .filter(|activity| activity.unit == unit && &*activity.kind == kind)
            .collect();
        let incidents =
            (0..model.incidents.len()).filter(|&index| model.incidents[index].unit == unit).collect();
        ModelFacts { model, unit, indicator, activities, incidents }
    }
}

impl Facts for ModelFacts<'_> {
    fn model(&self) -> &Model {
        self.model
    }

    fn unit(&self) -> UnitIndex {
        self.unit
    }

    fn indicator_index(&self) -> IndicatorIndex {
        self.indicator
    }

    fn own_activities(&self) -> &[&Activity] {
        &self.activities
    }

    fn own_incidents(&self) -> &[usize] {
        &self.incidents
    }

    fn manual_score(&self) -> Option<&ManualScore> {
        self.model
            .manual_scores
            .iter()
            .find(|score| score.unit == self.unit && score.indicator == self.indicator)
    }
}

/// `unit` scored on `indicator` by the indicator's rule, given the unit's
/// own rows as the engine gives them.
pub(crate) fn evaluate(model: &Model, unit: UnitIndex, indicator: IndicatorIndex) -> Outcome {
    model.criteria[indicator].rule.evaluate(&ModelFacts::new(model, unit, indicator))
}
