//! Property tests of the scoring invariants of docs/计分.md on random models:
//! bounds of every figure, monotonicity in the ledger, independence of row
//! order, and the ranking rules. Models come from the `testing` builders and
//! are valid as validation would leave them (in-year rows only, one weight
//! system per level summing to 100, ideological weight non-decreasing
//! downwards). 64 cases per property unless `PROPTEST_CASES` says otherwise.

use std::cmp::Ordering;
use std::collections::BTreeMap;

use chrono::{Duration, NaiveDate, NaiveDateTime};
use proptest::prelude::*;

use super::testing::{BUSINESS, IDEOLOGY, PARTY, condition, model, origin, system, unit};
use super::{IndicatorResult, Report, UnitResult, score};
use crate::model::filter;
use crate::model::rules::{Bonus, Deduct, Manual, MinCount, Rule, Timeliness, UnitPoints, Veto, VetoMode};
use crate::model::{Activity, Attributes, Expected, Incident, Indicator, ManualScore, Model, Period};
use crate::number::{Exact, int, round};
use crate::text::natural_cmp;

const EXTRA: &str = "加分项";
const CATEGORIES: [&str; 4] = [IDEOLOGY, PARTY, BUSINESS, EXTRA];
const ACTIVITY_TYPES: [&str; 4] = ["专题研究", "季度分析", "违规", "表彰"];
const VETO_TYPE: &str = "严重错误倾向";
/// The rules an [`IndicatorSpec::rule`] picks from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    MinCount,
    Deduct,
    Bonus,
    Timeliness,
    Veto,
    Manual,
}
const RULES: [Kind; 6] =
    [Kind::MinCount, Kind::Deduct, Kind::Bonus, Kind::Timeliness, Kind::Veto, Kind::Manual];

impl Kind {
    /// Whether `rule` is of this kind.
    fn of(self, rule: &Rule) -> bool {
        match self {
            Kind::MinCount => matches!(rule, Rule::MinCount(_)),
            Kind::Deduct => matches!(rule, Rule::Deduct(_)),
            Kind::Bonus => matches!(rule, Rule::Bonus(_)),
            Kind::Timeliness => matches!(rule, Rule::Timeliness(_)),
            Kind::Veto => matches!(rule, Rule::Veto(_)),
            Kind::Manual => matches!(rule, Rule::Manual(_)),
        }
    }
}

/// The points one more counted row is worth, for the rules that count rows.
fn unit_points(rule: &Rule) -> &Exact {
    match rule {
        Rule::MinCount(MinCount { unit_points, .. })
        | Rule::Deduct(Deduct { unit_points: UnitPoints::Flat(unit_points), .. })
        | Rule::Bonus(Bonus { unit_points: UnitPoints::Flat(unit_points), .. })
        | Rule::Timeliness(Timeliness { unit_points: UnitPoints::Flat(unit_points), .. }) => unit_points,
        _ => unreachable!("{rule:?} counts no rows"),
    }
}
const PERIODS: [Period; 4] = [Period::Year, Period::Half, Period::Quarter, Period::Month];

/// 64 cases, or as many as `PROPTEST_CASES` asks for.
fn config() -> ProptestConfig {
    let mut config = ProptestConfig::default();
    if std::env::var_os("PROPTEST_CASES").is_none() {
        config.cases = 64;
    }
    config
}

#[derive(Clone, Debug)]
struct IndicatorSpec {
    category: usize,
    rule: usize,
    /// Points in halves: 0.5 … 20.
    points: i64,
    /// Unit points in quarters: 0.25 … 10.
    unit_points: i64,
    required: u32,
    period: usize,
    deadline_hours: i64,
    activity: usize,
    filter: usize,
    applies_to: usize,
}

/// A ledger row: unit, minute of the year, type and the two attributes
/// filters look at (上报, 形式), each absent or one of two values.
#[derive(Clone, Debug)]
struct RowSpec {
    unit: usize,
    minute: i64,
    kind: usize,
    reported: usize,
    form: usize,
}

#[derive(Clone, Debug)]
struct IncidentSpec {
    row: RowSpec,
    /// Hours after the previous step (negative: out of order); `None` = missing.
    steps: [Option<i64>; 4],
}

#[derive(Clone, Debug)]
struct Spec {
    root_assessed: bool,
    /// Per branch: under the committee (else under the root), assessed.
    branches: Vec<(bool, bool)>,
    criteria: Vec<IndicatorSpec>,
    /// Top-level system: the ideological weight, shares of the other categories.
    top_weights: (u32, Vec<u32>),
    /// The committee's system: percent of the room above the top-level
    /// ideological weight that its own takes, shares of the others.
    sub_weights: (u32, Vec<u32>),
    activities: Vec<RowSpec>,
    incidents: Vec<IncidentSpec>,
    /// Per (unit, manual indicator) pair in order: eighths of the points, or none.
    manual: Vec<Option<i64>>,
    top_quota: Option<i64>,
}

fn indicator_spec() -> impl Strategy<Value = IndicatorSpec> {
    (
        0..4usize,
        0..6usize,
        1..=40i64,
        1..=40i64,
        1..=3u32,
        0..4usize,
        1..=48i64,
        0..5usize,
        0..5usize,
        0..4usize,
    )
        .prop_map(
            |(
                category,
                rule,
                points,
                unit_points,
                required,
                period,
                deadline_hours,
                activity,
                filter,
                applies_to,
            )| {
                IndicatorSpec {
                    category,
                    rule,
                    points,
                    unit_points,
                    required,
                    period,
                    deadline_hours,
                    activity,
                    filter,
                    applies_to,
                }
            },
        )
}

fn row_spec() -> impl Strategy<Value = RowSpec> {
    // Type 4 is the veto type: rare, so that most units are not vetoed.
    let kind = prop_oneof![12 => 0..4usize, 1 => Just(4)];
    (0..8usize, 0..365 * 24 * 60i64, kind, 0..3usize, 0..3usize)
        .prop_map(|(unit, minute, kind, reported, form)| RowSpec { unit, minute, kind, reported, form })
}

fn incident_spec() -> impl Strategy<Value = IncidentSpec> {
    let step = prop_oneof![1 => Just(None), 5 => (-6..=60i64).prop_map(Some)];
    (row_spec(), [step.clone(), step.clone(), step.clone(), step])
        .prop_map(|(row, steps)| IncidentSpec { row, steps })
}

fn spec() -> impl Strategy<Value = Spec> {
    (
        any::<bool>(),
        prop::collection::vec((any::<bool>(), prop::bool::weighted(0.9)), 2..=5),
        prop::collection::vec(indicator_spec(), 1..=9),
        (1..=100u32, prop::collection::vec(0..=10u32, 2)),
        (0..=100u32, prop::collection::vec(0..=10u32, 2)),
        prop::collection::vec(row_spec(), 0..40),
        prop::collection::vec(incident_spec(), 0..8),
        prop::collection::vec(prop::option::weighted(0.8, 0..=8i64), 40),
        prop::option::weighted(0.3, 0..=100i64),
    )
        .prop_map(
            |(
                root_assessed,
                branches,
                criteria,
                top_weights,
                sub_weights,
                activities,
                incidents,
                manual,
                top_quota,
            )| {
                Spec {
                    root_assessed,
                    branches,
                    criteria,
                    top_weights,
                    sub_weights,
                    activities,
                    incidents,
                    manual,
                    top_quota,
                }
            },
        )
}

fn build_indicator(index: usize, spec: &IndicatorSpec) -> Indicator {
    // The first indicator keeps the ideological category scored for every
    // unit, as validation requires; 加分项 holds only bonus and veto.
    let category = if index == 0 { IDEOLOGY } else { CATEGORIES[spec.category] };
    let kind = match (index, category, RULES[spec.rule]) {
        (0, _, Kind::Bonus | Kind::Veto) => Kind::Manual,
        (_, EXTRA, Kind::MinCount | Kind::Deduct | Kind::Timeliness | Kind::Manual) => Kind::Bonus,
        (_, _, kind) => kind,
    };
    let activity = ACTIVITY_TYPES[spec.activity % ACTIVITY_TYPES.len()].to_owned();
    let unit_points = Exact::new(spec.unit_points.into(), 4.into());
    let rule = match kind {
        Kind::MinCount => Rule::from(MinCount {
            activity,
            required: spec.required,
            period: PERIODS[spec.period],
            unit_points: unit_points.clone(),
            due: None,
            late_points: unit_points,
        }),
        Kind::Deduct => Rule::from(Deduct { activity, unit_points: unit_points.into() }),
        Kind::Bonus => Rule::from(Bonus { activity, unit_points: unit_points.into() }),
        Kind::Timeliness => Rule::from(Timeliness {
            deadline_hours: int(spec.deadline_hours),
            unit_points: unit_points.into(),
            activity: None,
        }),
        Kind::Veto => Rule::from(Veto { activity: VETO_TYPE.to_owned(), mode: VetoMode::LowestBand }),
        Kind::Manual => Rule::from(Manual { activity: None }),
    };
    let (filter, filter_text) = match spec.filter {
        0 => (Vec::new(), ""),
        1 => (vec![condition("上报", Expected::Bool(true))], "上报=是"),
        2 => (vec![condition("形式", Expected::Text("书面".to_owned()))], "形式=书面"),
        3 => (vec![condition("上报", Expected::Empty)], "上报="),
        _ => (
            vec![
                condition("上报", Expected::Bool(true)),
                condition("形式", Expected::Text("书面".to_owned())),
            ],
            "上报=是;形式=书面",
        ),
    };
    let applies_to = match (index, spec.applies_to) {
        (0, _) | (_, 0 | 1) => Vec::new(),
        (_, 2) => vec!["党支部".to_owned()],
        _ => vec!["党委".to_owned()],
    };
    Indicator {
        code: format!("I{index}"),
        category: category.to_owned(),
        name: format!("指标{index}"),
        points: if kind == Kind::Veto { int(0) } else { Exact::new(spec.points.into(), 2.into()) },
        rule,
        filter,
        filter_text: filter_text.to_owned(),
        applies_to,
        standard: String::new(),
        item: None,
        origin: origin("指标", index as u32 + 2),
    }
}

/// Weights in percent for `categories` (ideological first) summing to 100:
/// the ideological one gets `ideological`, the rest is shared by `shares`.
fn weights(categories: &[&str], ideological: u32, shares: &[u32]) -> Vec<(String, Exact)> {
    let others = &categories[1..];
    let ideological = if others.is_empty() { 100 } else { ideological };
    let rest = 100 - ideological;
    let total: u32 = shares[..others.len()].iter().sum();
    let mut given = 0;
    let mut weights = vec![(categories[0].to_owned(), int(ideological.into()))];
    for (position, category) in others.iter().enumerate() {
        let weight = if position + 1 == others.len() {
            rest - given
        } else {
            (rest * shares[position]).checked_div(total).unwrap_or(0)
        };
        given += weight;
        weights.push((category.to_string(), int(weight.into())));
    }
    weights
}

fn start_of_year() -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2025, 1, 1).unwrap().and_hms_opt(0, 0, 0).unwrap()
}

fn attributes(row: &RowSpec) -> Attributes {
    let mut attributes = Attributes::new();
    if let Some(value) = [None, Some("是"), Some("否")][row.reported] {
        attributes.insert("上报", value);
    }
    if let Some(value) = [None, Some("书面"), Some("当面")][row.form] {
        attributes.insert("形式", value);
    }
    attributes
}

fn build_activity(units: usize, row: &RowSpec, line: u32) -> Activity {
    let kind = ACTIVITY_TYPES.get(row.kind).copied().unwrap_or(VETO_TYPE);
    Activity {
        unit: row.unit % units,
        date: start_of_year() + Duration::minutes(row.minute),
        kind: kind.into(),
        attributes: attributes(row),
        for_period: None,
        origin: origin("活动", line),
    }
}

fn build_incident(units: usize, spec: &IncidentSpec, line: u32) -> Incident {
    let occurred = start_of_year() + Duration::minutes(spec.row.minute);
    let mut previous = occurred;
    let steps = spec.steps.map(|hours| {
        hours.map(|hours| {
            previous += Duration::hours(hours);
            previous
        })
    });
    Incident {
        unit: spec.row.unit % units,
        title: format!("事件{line}"),
        level: "一般".to_owned(),
        occurred,
        steps,
        attributes: attributes(&spec.row),
        origin: origin("舆情", line),
    }
}

/// Units: root `R` (党委), committee `M` (党委, under R, owns a weight
/// system) and branches `U1`… under R or M.
fn build(spec: &Spec) -> Model {
    let mut units = vec![unit("R", "党委", None), unit("M", "党委", Some(0))];
    units[0].assessed = spec.root_assessed;
    for (number, (under_committee, assessed)) in spec.branches.iter().enumerate() {
        let mut branch = unit(&format!("U{}", number + 1), "党支部", Some(usize::from(*under_committee)));
        branch.assessed = *assessed;
        units.push(branch);
    }
    let criteria: Vec<Indicator> =
        spec.criteria.iter().enumerate().map(|(index, spec)| build_indicator(index, spec)).collect();
    let mut scored: Vec<&str> = vec![IDEOLOGY];
    for indicator in &criteria {
        if indicator.rule.counts_in_category() && !scored.contains(&indicator.category.as_str()) {
            scored.push(&indicator.category);
        }
    }
    let (top_ideological, top_shares) = &spec.top_weights;
    let (raise, sub_shares) = &spec.sub_weights;
    let sub_ideological = top_ideological + (100 - top_ideological) * raise / 100;
    let mut top = system(None, &[]);
    top.weights = weights(&scored, *top_ideological, top_shares);
    let mut sub = system(Some(1), &[]);
    sub.weights = weights(&scored, sub_ideological, sub_shares);
    let mut model = model(units, criteria, vec![top, sub]);
    model.settings.top_quota = spec.top_quota.map(int);
    let unit_count = model.units.len();
    model.activities = spec
        .activities
        .iter()
        .enumerate()
        .map(|(line, row)| build_activity(unit_count, row, line as u32 + 2))
        .collect();
    model.incidents = spec
        .incidents
        .iter()
        .enumerate()
        .map(|(line, incident)| build_incident(unit_count, incident, line as u32 + 2))
        .collect();
    let pairs =
        (0..unit_count).flat_map(|unit| (0..model.criteria.len()).map(move |indicator| (unit, indicator)));
    let manual = pairs.filter(|&(unit, indicator)| {
        let definition = &model.criteria[indicator];
        matches!(definition.rule, Rule::Manual(_)) && definition.applies_to(&model.units[unit])
    });
    model.manual_scores = manual
        .zip(spec.manual.iter().cycle())
        .filter_map(|((unit, indicator), eighths)| {
            let score = &model.criteria[indicator].points * Exact::new((*eighths)?.into(), 8.into());
            Some(ManualScore {
                unit,
                indicator,
                score,
                note: String::new(),
                origin: origin("评分", unit as u32 + 2),
            })
        })
        .collect();
    model
}

/// Every figure of a report keyed by unit id and indicator code, so that
/// reports of reordered inputs compare equal.
type Figures = Vec<(String, u32, Exact, String, bool, BTreeMap<String, (Exact, Exact, bool)>)>;

fn figures(model: &Model, report: &Report) -> Figures {
    report
        .units
        .iter()
        .map(|result| {
            let indicators = result
                .indicators
                .iter()
                .map(|r| {
                    (model.criteria[r.indicator].code.clone(), (r.score.clone(), r.points.clone(), r.vetoed))
                })
                .collect();
            let id = model.units[result.unit].id.clone();
            (id, result.rank, result.total.clone(), result.grade.clone(), result.veto, indicators)
        })
        .collect()
}

/// Scores of one indicator rule for every unit, keyed by (unit, indicator).
fn scores_of(report: &Report, model: &Model, rule: Kind) -> BTreeMap<(usize, usize), Exact> {
    report
        .units
        .iter()
        .flat_map(|unit| unit.indicators.iter().map(move |result| (unit.unit, result)))
        .filter(|(_, result)| rule.of(&model.criteria[result.indicator].rule))
        .map(|(unit, result)| ((unit, result.indicator), result.score.clone()))
        .collect()
}

/// One unit's figures: each within its bounds and adding up as docs/计分.md says.
fn check_figures(model: &Model, unit: &UnitResult) -> Result<(), TestCaseError> {
    let zero = int(0);
    let hundred = int(100);
    let applicable: Vec<usize> = (0..model.criteria.len())
        .filter(|&indicator| model.criteria[indicator].applies_to(&model.units[unit.unit]))
        .collect();
    let listed: Vec<usize> = unit.indicators.iter().map(|result| result.indicator).collect();
    prop_assert_eq!(listed, applicable, "every applicable indicator, in criteria order");
    for result in &unit.indicators {
        let definition = &model.criteria[result.indicator];
        match &definition.rule {
            Rule::Veto(_) => {
                prop_assert_eq!(&result.score, &zero);
                prop_assert_eq!(&result.points, &zero);
            }
            rule => {
                prop_assert_eq!(&result.points, &definition.points);
                prop_assert!(zero <= result.score && result.score <= result.points, "{:?}", result);
                let deduction = if matches!(rule, Rule::Bonus(_)) {
                    zero.clone()
                } else {
                    &result.points - &result.score
                };
                prop_assert_eq!(&result.deduction, &deduction);
            }
        }
    }
    for category in &unit.categories {
        prop_assert!(zero <= category.normalized && category.normalized <= hundred, "{:?}", category);
        // S_c and M_c are the sums over the category's scored indicators.
        let scored = unit.indicators.iter().filter(|result| {
            let definition = &model.criteria[result.indicator];
            definition.rule.counts_in_category() && definition.category == category.category
        });
        let (score, points) = scored.fold((int(0), int(0)), |(s, m), r| (s + &r.score, m + &r.points));
        prop_assert_eq!(&category.score, &score);
        prop_assert_eq!(&category.points, &points);
        prop_assert_eq!(&category.normalized, &(&hundred * score / points));
    }
    let scored_categories: Vec<&str> = unit
        .indicators
        .iter()
        .map(|result| &model.criteria[result.indicator])
        .filter(|definition| definition.rule.counts_in_category())
        .map(|definition| definition.category.as_str())
        .collect();
    for category in &scored_categories {
        prop_assert!(unit.categories.iter().any(|c| c.category == *category), "{} left out", category);
    }
    // W rescales the weights of the categories scored for the unit, under
    // the system of its nearest ancestor that has one.
    prop_assert_eq!(Some(unit.system), model.system_of(unit.unit));
    let weights = &model.systems[unit.system].weights;
    for category in &unit.categories {
        let weight = weights.iter().find(|(name, _)| *name == category.category).map(|(_, weight)| weight);
        prop_assert_eq!(Some(&category.weight), weight);
    }
    let weight_sum: Exact = unit.categories.iter().map(|category| &category.weight).sum();
    let weighted: Exact =
        unit.categories.iter().map(|category| &category.weight * &category.normalized).sum();
    prop_assert!(weight_sum > zero, "the ideological category always weighs");
    prop_assert_eq!(&unit.weighted, &(weighted / weight_sum));
    prop_assert!(zero <= unit.weighted && unit.weighted <= hundred, "W = {}", unit.weighted);
    let bonus: Exact = unit
        .indicators
        .iter()
        .filter(|result| matches!(model.criteria[result.indicator].rule, Rule::Bonus(_)))
        .map(|result| &result.score)
        .sum();
    prop_assert_eq!(&unit.bonus, &bonus);
    prop_assert_eq!(&unit.total, &round(&(&unit.weighted + &bonus), 2));
    prop_assert_eq!(unit.veto, unit.indicators.iter().any(|result| result.vetoed));
    Ok(())
}

/// Whether `a` is ranked strictly ahead of `b`.
fn ahead(a: &UnitResult, b: &UnitResult) -> bool {
    (!a.veto && b.veto) || (a.veto == b.veto && a.total > b.total)
}

fn check_ranking(model: &Model, report: &Report) -> Result<(), TestCaseError> {
    let units = &report.units;
    prop_assert_eq!(units.len(), model.units.iter().filter(|unit| unit.assessed).count());
    for pair in units.windows(2) {
        let (a, b) = (&pair[0], &pair[1]);
        prop_assert!(a.rank <= b.rank);
        prop_assert!(a.veto <= b.veto, "vetoed units come last");
        if a.veto == b.veto {
            prop_assert!(a.total >= b.total);
            if a.total == b.total {
                prop_assert_eq!(a.rank, b.rank);
                let order = natural_cmp(&model.units[a.unit].id, &model.units[b.unit].id);
                prop_assert_eq!(order, Ordering::Less, "ties are listed by id");
            }
        }
    }
    let bands = &model.settings.grades;
    let last = bands.len() - 1;
    // At most ⌊q × N / 100⌋ units keep the first band, in rank order, ties together.
    let allowed =
        model.settings.top_quota.as_ref().map(|quota| (quota * int(units.len() as i64) / int(100)).floor());
    for unit in units {
        let strictly_ahead = units.iter().filter(|other| ahead(other, unit)).count();
        prop_assert_eq!(unit.rank as usize, strictly_ahead + 1);
        let band = if unit.veto {
            last
        } else {
            bands.iter().position(|band| band.threshold <= unit.total).unwrap_or(last)
        };
        let tied = units.iter().filter(|other| other.veto == unit.veto && other.total == unit.total).count();
        let over_quota =
            allowed.as_ref().is_some_and(|allowed| int((strictly_ahead + tied) as i64) > *allowed);
        let expected = if band == 0 && over_quota { 1 } else { band };
        prop_assert_eq!(&unit.grade, &bands[expected].name);
    }
    if let Some(allowed) = &allowed {
        let first = units.iter().filter(|unit| unit.grade == bands[0].name).count();
        prop_assert!(int(first as i64) <= *allowed, "{} units keep the first band, quota {}", first, allowed);
    }
    Ok(())
}

/// A small deterministic shuffle, so that shrinking keeps the permutation.
fn shuffle<T>(items: &mut [T], seed: u64) {
    let mut state = seed | 1;
    for index in (1..items.len()).rev() {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        items.swap(index, (state % (index as u64 + 1)) as usize);
    }
}

/// The same assessment with units, criteria and every ledger list in
/// another order (indices remapped).
fn reordered(model: &Model, seed: u64) -> Model {
    let mut unit_order: Vec<usize> = (0..model.units.len()).collect();
    shuffle(&mut unit_order, seed);
    let mut criteria_order: Vec<usize> = (0..model.criteria.len()).collect();
    shuffle(&mut criteria_order, seed.rotate_left(17));
    let new_index = |order: &[usize], old: usize| order.iter().position(|&index| index == old).unwrap();
    let unit_of = |old: usize| new_index(&unit_order, old);
    let mut result = model.clone();
    result.units = unit_order
        .iter()
        .map(|&old| {
            let mut unit = model.units[old].clone();
            unit.parent = unit.parent.map(unit_of);
            unit
        })
        .collect();
    result.criteria = criteria_order.iter().map(|&old| model.criteria[old].clone()).collect();
    result.categories.clear();
    for indicator in &result.criteria {
        if !result.categories.contains(&indicator.category) {
            result.categories.push(indicator.category.clone());
        }
    }
    for system in &mut result.systems {
        system.owner = system.owner.map(unit_of);
    }
    for activity in &mut result.activities {
        activity.unit = unit_of(activity.unit);
    }
    for incident in &mut result.incidents {
        incident.unit = unit_of(incident.unit);
    }
    for manual in &mut result.manual_scores {
        manual.unit = unit_of(manual.unit);
        manual.indicator = new_index(&criteria_order, manual.indicator);
    }
    shuffle(&mut result.activities, seed.rotate_left(29));
    shuffle(&mut result.incidents, seed.rotate_left(41));
    shuffle(&mut result.manual_scores, seed.rotate_left(53));
    result
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn every_figure_stays_within_its_bounds_and_adds_up(spec in spec()) {
        let model = build(&spec);
        let report = score(&model);
        for unit in &report.units {
            check_figures(&model, unit)?;
        }
    }

    #[test]
    fn ranks_and_grades_follow_the_totals(spec in spec()) {
        let model = build(&spec);
        check_ranking(&model, &score(&model))?;
    }

    #[test]
    fn another_activity_never_lowers_a_minimum_or_bonus_nor_raises_a_deduction(
        spec in spec(),
        extra in row_spec(),
    ) {
        let model = build(&spec);
        let before = score(&model);
        let mut more = model.clone();
        let activity = build_activity(model.units.len(), &extra, 999);
        more.activities.push(activity.clone());
        let after = score(&more);
        let counts = |indicator: usize, unit: usize| {
            let definition = &model.criteria[indicator];
            unit == activity.unit
                && definition.rule.activity() == Some(&*activity.kind)
                && filter::matches(&definition.filter, &activity.attributes)
        };
        let rules = [
            (Kind::MinCount, Ordering::Greater),
            (Kind::Bonus, Ordering::Greater),
            (Kind::Deduct, Ordering::Less),
        ];
        for (rule, direction) in rules {
            let old = scores_of(&before, &model, rule);
            for ((unit, indicator), new) in scores_of(&after, &more, rule) {
                let old = &old[&(unit, indicator)];
                let order = new.cmp(old);
                prop_assert!(order == Ordering::Equal || order == direction, "{:?}: {} → {}", rule, old, new);
                if !counts(indicator, unit) {
                    prop_assert_eq!(&new, old);
                    continue;
                }
                // One more occurrence is worth exactly its unit points, within [0, points].
                let definition = &model.criteria[indicator];
                match rule {
                    Kind::Bonus => {
                        let expected = (old + unit_points(&definition.rule)).min(definition.points.clone());
                        prop_assert_eq!(&new, &expected);
                    }
                    Kind::Deduct => {
                        prop_assert_eq!(&new, &(old - unit_points(&definition.rule)).max(int(0)));
                    }
                    _ => {}
                }
            }
        }
        for unit in &after.units {
            let was_vetoed = before.units.iter().any(|old| old.unit == unit.unit && old.veto);
            let fires = |result: &IndicatorResult| {
                matches!(model.criteria[result.indicator].rule, Rule::Veto(_)) && counts(result.indicator, unit.unit)
            };
            let vetoed = was_vetoed || unit.indicators.iter().any(fires);
            prop_assert_eq!(unit.veto, vetoed);
        }
    }

    #[test]
    fn another_incident_costs_unit_points_exactly_when_late(spec in spec(), extra in incident_spec()) {
        let model = build(&spec);
        let before = score(&model);
        let mut more = model.clone();
        let incident = build_incident(model.units.len(), &extra, 999);
        more.incidents.push(incident.clone());
        let after = score(&more);
        // Each spec step is the gap since the nearest present step before it.
        let late =
            |deadline: &Exact| extra.steps.iter().any(|step| step.is_none_or(|hours| int(hours) > *deadline));
        let old = scores_of(&before, &model, Kind::Timeliness);
        for ((unit, indicator), new) in scores_of(&after, &more, Kind::Timeliness) {
            let old = &old[&(unit, indicator)];
            prop_assert!(new <= *old, "a timeliness score never rises");
            let definition = &model.criteria[indicator];
            let counted = unit == incident.unit && filter::matches(&definition.filter, &incident.attributes);
            let expected = if counted && late(definition.rule.deadline_hours().unwrap()) {
                (old - unit_points(&definition.rule)).max(int(0))
            } else {
                old.clone()
            };
            prop_assert_eq!(new, expected);
        }
    }

    #[test]
    fn results_do_not_depend_on_row_order(spec in spec(), seed in any::<u64>()) {
        let model = build(&spec);
        let shuffled = reordered(&model, seed);
        prop_assert_eq!(figures(&model, &score(&model)), figures(&shuffled, &score(&shuffled)));
    }
}
