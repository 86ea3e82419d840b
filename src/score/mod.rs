//! The scoring engine: turns a validated [`Model`] into a [`Report`] exactly
//! as docs/计分.md defines it — indicator scores with their reasons and evidence,
//! category scores, weighted score, bonus, total, rank, grade, veto, the self
//! total and gap of a unit that assessed itself (自评), and the
//! accountability findings. Pure arithmetic on the model: no I/O, no file
//! formats, no diagnostics (everything that can be wrong was caught by
//! validation).

mod accountability;
mod categories;
mod facts;
mod items;
mod ledger;
#[cfg(test)]
mod properties;
mod ranking;
mod self_assessment;
#[cfg(test)]
pub(crate) mod testing;

use rayon::prelude::*;

use crate::model::rules::Outcome;
/// A timeliness indicator's incident checks, as its rule reports them.
pub use crate::model::rules::{IncidentResult, LateStep};
use crate::model::{Indicator, IndicatorIndex, ItemIndex, Model, Origin, UnitIndex};
use crate::number::{self, Exact};
use facts::UnitFacts;
use ledger::Ledger;

/// One indicator's (or one item's) result for one unit.
#[derive(Clone, Debug)]
pub struct IndicatorResult {
    /// The indicator; for an item, its first clause.
    pub indicator: IndicatorIndex,
    /// The 考核项目 this result scores as a whole, with [`Self::clauses`].
    pub item: Option<ItemIndex>,
    pub score: Exact,
    /// The indicator's points (0 for a veto indicator).
    pub points: Exact,
    /// `points − score` for scored rules; zero for bonus and veto.
    pub deduction: Exact,
    /// Why points were lost (or, for a bonus, earned); empty when nothing to say.
    pub reason: String,
    /// The ledger (or incident, or score) rows that counted; an item's are
    /// its clauses'.
    pub evidence: Vec<Origin>,
    /// A veto indicator that fired.
    pub vetoed: bool,
    /// The score the unit gives itself (自评), if it gave one.
    pub self_score: Option<Exact>,
    /// The unit's own explanation of its self score (自评 说明), as typed.
    pub self_note: String,
    /// An item's clauses that apply to the unit, in criteria order.
    pub clauses: Vec<ClauseResult>,
}

/// One clause of an item for one unit (docs/计分.md “考核项目”).
#[derive(Clone, Debug)]
pub struct ClauseResult {
    pub indicator: IndicatorIndex,
    /// d_r, at most the clause's own 分值; zero for a 前置 prerequisite.
    pub deduction: Exact,
    /// The clause's own reason; for an unmet prerequisite, `未开展“类型”`.
    pub reason: String,
    /// The rows that counted for the clause.
    pub evidence: Vec<Origin>,
}

/// How outputs name what a result scores: the indicator, or its item.
pub struct Subject<'m> {
    pub code: &'m str,
    pub name: &'m str,
    pub standard: &'m str,
    /// The rule's label; `项目` for an item.
    pub rule: &'static str,
}

/// The label of an item where outputs show an indicator's rule.
pub const ITEM_LABEL: &str = "项目";

impl IndicatorResult {
    /// What this result scores, as outputs name it.
    pub fn subject<'m>(&self, model: &'m Model) -> Subject<'m> {
        match self.item {
            Some(item) => {
                let item = &model.items[item];
                Subject { code: &item.code, name: &item.name, standard: &item.standard, rule: ITEM_LABEL }
            }
            None => {
                let indicator = &model.criteria[self.indicator];
                Subject {
                    code: &indicator.code,
                    name: &indicator.name,
                    standard: &indicator.standard,
                    rule: indicator.rule.label(),
                }
            }
        }
    }
}

/// One category's result for one unit.
#[derive(Clone, Debug)]
pub struct CategoryResult {
    pub category: String,
    /// S_c: sum of the category's applicable scored indicators.
    pub score: Exact,
    /// M_c: sum of their points.
    pub points: Exact,
    /// N_c = 100 × S_c / M_c, unrounded.
    pub normalized: Exact,
    /// The category's weight in the unit's system (percent).
    pub weight: Exact,
}

#[derive(Clone, Debug)]
pub struct UnitResult {
    pub unit: UnitIndex,
    /// Index into `Model::systems` of the system the unit is assessed under.
    pub system: usize,
    pub rank: u32,
    /// Categories scored for the unit, in criteria order.
    pub categories: Vec<CategoryResult>,
    /// W, unrounded.
    pub weighted: Exact,
    /// B: the bonus scores' sum, at most the 加分上限.
    pub bonus: Exact,
    /// T = round(W + B, 2).
    pub total: Exact,
    pub grade: String,
    /// A veto fired that gives the lowest band and ranks the unit last.
    pub veto: bool,
    /// A 不得评优 veto fired: at most the second band, ranked as usual.
    pub barred: bool,
    /// Every indicator that applies to the unit, in criteria order.
    pub indicators: Vec<IndicatorResult>,
    /// The self total (自评总分): T with each self score in place of the
    /// evaluated one, rounded to 2 decimals; `None` without a self score.
    pub self_total: Option<Exact>,
    /// self total − T (自评差), with the self total.
    pub self_gap: Option<Exact>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Responsibility {
    /// 主要领导责任
    Main,
    /// 重要领导责任
    Important,
    /// 个人责任
    Individual,
    None,
}

impl Responsibility {
    pub fn key(self) -> &'static str {
        match self {
            Responsibility::Main => "main",
            Responsibility::Important => "important",
            Responsibility::Individual => "individual",
            Responsibility::None => "none",
        }
    }

    pub fn zh(self) -> &'static str {
        match self {
            Responsibility::Main => "主要领导责任",
            Responsibility::Important => "重要领导责任",
            Responsibility::Individual => "个人责任",
            Responsibility::None => "不承担责任",
        }
    }
}

/// One person's responsibility in one case.
#[derive(Clone, Debug)]
pub struct Finding {
    /// Index into `Model::accountability`.
    pub row: usize,
    pub responsibility: Responsibility,
}

/// The scored assessment.
#[derive(Clone, Debug)]
pub struct Report {
    /// Assessed units in ranking order.
    pub units: Vec<UnitResult>,
    /// One per accountability row, in input row order.
    pub findings: Vec<Finding>,
    /// Every incident × timeliness indicator check, by incident then
    /// indicator in criteria order.
    pub incidents: Vec<IncidentResult>,
}

/// Scores every assessed unit of `model`. Units are scored in parallel; the
/// result does not depend on the number of threads.
pub fn score(model: &Model) -> Report {
    let ledger = Ledger::new(model);
    let scored: Vec<(UnitResult, Vec<IncidentResult>)> = (0..model.units.len())
        .into_par_iter()
        .filter(|&unit| model.units[unit].assessed)
        .map(|unit| score_unit(model, &ledger, unit))
        .collect();
    let (mut units, incidents): (Vec<UnitResult>, Vec<Vec<IncidentResult>>) = scored.into_iter().unzip();
    let mut incidents: Vec<IncidentResult> = incidents.into_iter().flatten().collect();
    incidents.sort_by_key(|check| (check.incident, check.indicator));
    ranking::rank(model, &mut units);
    Report { units, findings: accountability::findings(model), incidents }
}

/// Scores one unit: its indicators, categories, weighted score and total.
/// Rank and grade are filled in by [`ranking::rank`].
fn score_unit(model: &Model, ledger: &Ledger, unit: UnitIndex) -> (UnitResult, Vec<IncidentResult>) {
    let mut indicators = Vec::new();
    let mut incidents = Vec::new();
    for (indicator, definition) in model.criteria.iter().enumerate() {
        let result = match definition.item {
            // An item stands at the place of its first clause.
            Some(item) if model.items[item].clauses[0] == indicator => {
                items::score_item(model, ledger, unit, item, &mut incidents)
            }
            Some(_) => None,
            None => definition.applies_to(&model.units[unit]).then(|| {
                let mut outcome =
                    definition.rule.evaluate(&UnitFacts { model, ledger, unit, indicator, definition });
                incidents.append(&mut outcome.incidents);
                plain_result(definition, indicator, outcome)
            }),
        };
        indicators.extend(result.map(|mut result| {
            // An item's self score is kept under its first clause, where it stands.
            if let Some(claimed) = ledger.self_score(unit, result.indicator) {
                result.self_score = Some(claimed.score.clone());
                result.self_note = claimed.note.clone();
            }
            result
        }));
    }
    let system = model.system_of(unit).expect("validation gives every assessed unit a weight system");
    let (categories, weighted) = categories::weigh(model, system, &indicators);
    let bonus = bonus(model, &indicators);
    let total = number::round(&(&weighted + &bonus), 2);
    let self_total = self_assessment::self_total(model, system, &indicators);
    let self_gap = self_total.as_ref().map(|self_total| self_total - &total);
    // A unit may be both: a 最低等次 veto then decides its band.
    let vetoed_with = |bars_top_band_only: bool| {
        indicators.iter().any(|result| {
            result.vetoed && model.criteria[result.indicator].rule.bars_top_band_only() == bars_top_band_only
        })
    };
    let (veto, barred) = (vetoed_with(false), vetoed_with(true));
    let result = UnitResult {
        unit,
        system,
        rank: 0,
        categories,
        weighted,
        bonus,
        total,
        grade: String::new(),
        veto,
        barred,
        indicators,
        self_total,
        self_gap,
    };
    (result, incidents)
}

/// The result of an indicator outside any item.
fn plain_result(definition: &Indicator, indicator: IndicatorIndex, outcome: Outcome) -> IndicatorResult {
    let points = if definition.rule.carries_points() { definition.points.clone() } else { number::int(0) };
    let deduction =
        if definition.rule.counts_in_category() { &points - &outcome.score } else { number::int(0) };
    IndicatorResult {
        indicator,
        item: None,
        score: outcome.score,
        points,
        deduction,
        reason: outcome.reason,
        evidence: outcome.evidence,
        vetoed: outcome.vetoed,
        self_score: None,
        self_note: String::new(),
        clauses: Vec::new(),
    }
}

/// B = min(加分上限, Σ bonus scores) (docs/计分.md).
fn bonus(model: &Model, indicators: &[IndicatorResult]) -> Exact {
    let earned: Exact = indicators
        .iter()
        .filter(|result| model.criteria[result.indicator].rule.is_bonus())
        .map(|result| &result.score)
        .sum();
    match &model.settings.bonus_cap {
        Some(cap) if earned > *cap => cap.clone(),
        _ => earned,
    }
}

#[cfg(test)]
mod tests {
    use super::testing::*;
    use super::*;
    use crate::model::rules::{Bonus, Deduct, MinCount};
    use crate::model::{AccountabilityRow, Decision, Period, Role, Stance};

    fn city(units: usize) -> Model {
        let quarterly = MinCount {
            activity: "季度分析".into(),
            required: 1,
            period: Period::Quarter,
            unit_points: d("1"),
            due: None,
            late_points: d("1"),
        };
        let criteria = vec![
            indicator("A1", IDEOLOGY, quarterly, "20"),
            indicator("A2", IDEOLOGY, Deduct { activity: "违规".into(), unit_points: d("1").into() }, "10"),
            indicator("B1", PARTY, manual(), "10"),
            indicator("X1", IDEOLOGY, Bonus { activity: "表彰".into(), unit_points: d("1").into() }, "3"),
        ];
        let mut model = model(
            (0..units).map(|u| unit(&format!("U{u}"), "党支部", None)).collect(),
            criteria,
            vec![system(None, &[(IDEOLOGY, "40"), (PARTY, "60")])],
        );
        for u in 0..units {
            for month in 1..=(u % 12 + 1) {
                let kind = ["季度分析", "违规", "表彰"][month % 3];
                model.activities.push(activity(
                    u,
                    &format!("2025-{month:02}-01"),
                    kind,
                    (u * 20 + month) as u32,
                ));
            }
            model.manual_scores.push(manual_score(u, 2, &format!("{}", u % 11), ""));
        }
        model
    }

    #[test]
    fn results_do_not_depend_on_the_number_of_threads() {
        let model = city(60);
        let with_threads = |threads| {
            let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
            format!("{:?}", pool.install(|| score(&model)))
        };
        assert_eq!(with_threads(1), with_threads(3));
    }

    #[test]
    fn only_assessed_units_are_scored() {
        let mut model = city(3);
        model.units[1].assessed = false;
        let report = score(&model);
        let mut ids: Vec<&str> = report.units.iter().map(|u| model.units[u.unit].id.as_str()).collect();
        ids.sort();
        assert_eq!(ids, ["U0", "U2"]);
    }

    #[test]
    fn findings_follow_the_accountability_rows() {
        let mut model = city(1);
        let person = |case: &str, decision, name: &str, role, stance| AccountabilityRow {
            case: case.to_owned(),
            unit: 0,
            matter: "错误言论处置不力".to_owned(),
            decision,
            person: name.to_owned(),
            role,
            stance,
            origin: origin("问责", 2),
        };
        model.accountability = vec![
            person("C1", Decision::Collective, "张三", Role::Principal, Some(Stance::For)),
            person("C1", Decision::Collective, "李四", Role::Member, None),
            person("C1", Decision::Collective, "王五", Role::InCharge, Some(Stance::Against)),
            person("C2", Decision::Individual, "赵六", Role::Decider, Some(Stance::Against)),
            person("C2", Decision::Individual, "钱七", Role::Principal, None),
        ];
        let findings: Vec<(usize, Responsibility)> =
            score(&model).findings.iter().map(|f| (f.row, f.responsibility)).collect();
        assert_eq!(
            findings,
            vec![
                (0, Responsibility::Main),
                (1, Responsibility::Important),
                (2, Responsibility::None),
                (3, Responsibility::Individual),
                (4, Responsibility::None),
            ]
        );
    }

    fn commendations(count: u32) -> Model {
        let mut model = one_unit(vec![
            indicator("A1", IDEOLOGY, manual(), "100"),
            indicator("B1", IDEOLOGY, Bonus { activity: "表彰".into(), unit_points: d("1.5").into() }, "4"),
        ]);
        model.manual_scores = vec![manual_score(0, 0, "90", "")];
        model.activities = (0..count).map(|row| activity(0, "2025-09-01", "表彰", row + 2)).collect();
        model
    }

    #[test]
    fn a_bonus_earns_unit_points_up_to_the_maximum_outside_the_categories() {
        let model = commendations(2);
        let report = score(&model);
        let result = indicator_result(&report, &model, "U1", "B1");
        assert_eq!((result.score.clone(), result.points.clone()), (d("3"), d("4")));
        assert_eq!(result.deduction, d("0"));
        assert_eq!(result.reason, "表彰2次，加3分");
        let unit = unit_result(&report, &model, "U1");
        assert_eq!(unit.categories.len(), 1);
        assert_eq!(unit.categories[0].points, d("100"));
        assert_eq!(
            (unit.weighted.clone(), unit.bonus.clone(), unit.total.clone()),
            (d("90"), d("3"), d("93"))
        );

        let model = commendations(5);
        let report = score(&model);
        assert_eq!(indicator_result(&report, &model, "U1", "B1").reason, "表彰5次，加4分");
        assert_eq!(unit_result(&report, &model, "U1").total, d("94"));
    }

    #[test]
    fn the_bonus_cap_limits_what_the_bonus_adds() {
        let capped = |count, cap: &str| {
            let mut model = commendations(count);
            model.settings.bonus_cap = Some(d(cap));
            let report = score(&model);
            let unit = unit_result(&report, &model, "U1");
            (unit.bonus.clone(), unit.total.clone())
        };
        // 2 commendations earn 3 > cap 2.5: B = 2.5, T = 90 + 2.5.
        assert_eq!(capped(2, "2.5"), (d("2.5"), d("92.5")));
        // Under the cap, B is the earned sum.
        assert_eq!(capped(2, "3.5"), (d("3"), d("93")));
        assert_eq!(capped(2, "0"), (d("0"), d("90")));
    }

    #[test]
    fn a_bonus_earning_nothing_says_nothing() {
        let model = commendations(0);
        let report = score(&model);
        let result = indicator_result(&report, &model, "U1", "B1");
        assert_eq!((result.score.clone(), result.reason.as_str()), (d("0"), ""));
        assert_eq!(unit_result(&report, &model, "U1").total, d("90"));
    }

    #[test]
    fn totals_add_bonus_to_the_weighted_score() {
        let model = city(12);
        let report = score(&model);
        // U11: 12 monthly rows, months 3/6/9/12 are 季度分析, 1/4/7/10 违规, 2/5/8/11 表彰.
        let unit = unit_result(&report, &model, "U11");
        let scores: Vec<String> =
            unit.indicators.iter().map(|r| number::format_trimmed(&r.score, 2)).collect();
        assert_eq!(scores, ["20", "6", "0", "3"]);
        // W = (40 × 26/30 × 100 + 60 × 0) / 100 = 34.666…, T = 34.67 + 3
        assert_eq!(unit.weighted, Exact::new(104.into(), 3.into()));
        assert_eq!(unit.bonus, number::int(3));
        assert_eq!(unit.total, d("37.67"));
    }
}
