//! A small hand-built assessment for the workbook and merge tests: a
//! committee (not assessed) with three units under two weight systems, a
//! bonus-only category, a category left out for one unit, a vetoed unit
//! whose name starts with `=`, an incident and an accountability case.

use std::sync::Arc;

use chrono::NaiveDateTime;

use crate::input::Source;
use crate::model::rules::Rule;
use crate::model::testing::{
    accountability, at, bonus, described, incident, manual, min_count, settings, system, timeliness, unit,
    veto,
};
use crate::model::{Indicator, Model, Settings, Unit, WeightSystem};
use crate::number::{Exact, int, round};
use crate::score::{
    CategoryResult, Finding, IncidentResult, IndicatorResult, LateStep, Report, Responsibility, UnitResult,
};

pub(crate) const IDEOLOGICAL: &str = "意识形态工作";
pub(crate) const PARTY: &str = "党建工作";
pub(crate) const BONUS: &str = "加分项";

pub(crate) use crate::model::testing::{d, origin};

/// An indicator whose 评分标准 repeats its name, applying to `applies_to`.
fn indicator(
    code: &str,
    category: &str,
    name: &str,
    points: &str,
    rule: impl Into<Rule>,
    applies_to: &[&str],
) -> Indicator {
    Indicator {
        applies_to: applies_to.iter().map(|kind| kind.to_string()).collect(),
        ..described(code, category, name, points, rule, &format!("{name}的评分标准"))
    }
}

/// What differs between two submitting organisations.
pub(crate) struct Variant<'a> {
    pub year: i32,
    pub assessor: &'a str,
    /// The top-level system's ideological weight (the rest goes to 党建工作).
    pub ideological: &'a str,
    /// Names of U1, U2 and U10.
    pub names: [&'a str; 3],
}

pub(crate) const COUNTY: Variant = Variant {
    year: 2025,
    assessor: "县局党委",
    ideological: "40",
    names: ["办公室党支部", "=SUM(A1)", "第三党支部"],
};

pub(crate) const TOWN: Variant = Variant {
    year: 2025,
    assessor: "乡镇党委",
    ideological: "45",
    names: ["甲村党支部", "乙村党支部", "丙村党支部"],
};

pub(crate) fn model(variant: &Variant) -> Model {
    let [u1, u2, u10] = variant.names;
    let named = |id, name: &str, parent, kind| Unit { name: name.into(), ..unit(id, kind, parent) };
    let units = vec![
        Unit { assessed: false, ..named("ROOT", variant.assessor, None, "党委") },
        named("U1", u1, Some(0), "党委"),
        named("U2", u2, Some(0), "支部"),
        named("U10", u10, Some(1), "党委"),
    ];
    let criteria = vec![
        indicator("I1", IDEOLOGICAL, "专题研究", "20", min_count("专题研究"), &[]),
        indicator("I2", IDEOLOGICAL, "舆情处置", "10", timeliness("24"), &[]),
        indicator("I3", PARTY, "述职", "10", manual(), &["党委"]),
        indicator("I4", BONUS, "主题宣讲", "5", bonus("主题宣讲"), &[]),
        indicator("I5", IDEOLOGICAL, "严重错误倾向", "0", veto("严重错误倾向"), &[]),
    ];
    let top = WeightSystem {
        weights: vec![
            (IDEOLOGICAL.to_owned(), d(variant.ideological)),
            (PARTY.to_owned(), int(100) - d(variant.ideological)),
            (BONUS.to_owned(), int(0)),
        ],
        ..system(None, &[])
    };
    let own = WeightSystem {
        origin: origin("权重", 5),
        ..system(Some(1), &[(IDEOLOGICAL, "50"), (PARTY, "50")])
    };
    Model {
        settings: Settings { year: variant.year, assessor: variant.assessor.into(), ..settings() },
        incidents: vec![incident(
            1,
            "网络谣言",
            "2025-03-01 08:00",
            ["2025-03-01 10:00", "2025-03-02 17:00", "2025-03-02 18:00", ""],
            2,
        )],
        accountability: vec![accountability("A1", 2, "错误言论")],
        sources: vec![Source {
            path: "台账.xlsx".into(),
            name: Arc::from("台账.xlsx"),
            sha256: "ab".repeat(32),
        }],
        ..crate::model::testing::model(units, criteria, vec![top, own])
    }
}

fn result(indicator: usize, points: &str, score: &str, reason: &str, vetoed: bool) -> IndicatorResult {
    let (points, score) = (d(points), d(score));
    IndicatorResult {
        indicator,
        deduction: if points > score { &points - &score } else { int(0) },
        points,
        score,
        reason: reason.into(),
        evidence: vec![origin("活动", 3 + indicator as u32)],
        vetoed,
        item: None,
        clauses: Vec::new(),
        self_score: None,
        self_note: String::new(),
    }
}

/// One unit's result, its category and total arithmetic done exactly as docs/计分.md says.
fn scored(model: &Model, unit: usize, system: usize, mut indicators: Vec<IndicatorResult>) -> UnitResult {
    for result in &mut indicators {
        if !model.criteria[result.indicator].rule.counts_in_category() {
            result.deduction = int(0);
        }
    }
    let weights = &model.systems[system].weights;
    let mut categories = Vec::new();
    for category in &model.categories {
        let scored: Vec<&IndicatorResult> = indicators
            .iter()
            .filter(|r| {
                model.criteria[r.indicator].category == *category
                    && model.criteria[r.indicator].rule.counts_in_category()
            })
            .collect();
        if scored.is_empty() {
            continue;
        }
        let score: Exact = scored.iter().map(|r| r.score.clone()).sum();
        let points: Exact = scored.iter().map(|r| r.points.clone()).sum();
        let weight =
            weights.iter().find(|(name, _)| name == category).map(|(_, w)| w.clone()).unwrap_or_default();
        categories.push(CategoryResult {
            category: category.clone(),
            normalized: int(100) * &score / &points,
            score,
            points,
            weight,
        });
    }
    let weight_sum: Exact = categories.iter().map(|c| c.weight.clone()).sum();
    let weighted = categories.iter().map(|c| &c.weight * &c.normalized).sum::<Exact>() / weight_sum;
    let bonus: Exact = indicators
        .iter()
        .filter(|r| model.criteria[r.indicator].rule.is_bonus())
        .map(|r| r.score.clone())
        .sum();
    let veto = indicators.iter().any(|r| r.vetoed);
    let total = round(&(&weighted + &bonus), 2);
    let grade = if veto {
        "不合格".to_owned()
    } else {
        let band = model.settings.grades.iter().find(|band| band.threshold <= total);
        band.map_or("不合格".into(), |band| band.name.clone())
    };
    let barred = false;
    UnitResult {
        unit,
        system,
        rank: 0,
        categories,
        weighted,
        bonus,
        total,
        grade,
        veto,
        barred,
        indicators,
        self_total: None,
        self_gap: None,
    }
}

pub(crate) fn report(model: &Model) -> Report {
    let u1 = scored(
        model,
        1,
        0,
        vec![
            result(0, "20", "19", "全年缺1次，扣1分", false),
            result(1, "10", "8", "网络谣言：研判超时（31小时）", false),
            result(2, "10", "8", "述职不全面", false),
            result(3, "5", "2", "主题宣讲2次，加2分", false),
            result(4, "0", "0", "", false),
        ],
    );
    let u10 = scored(
        model,
        3,
        1,
        vec![
            result(0, "20", "15", "全年缺5次，扣5分", false),
            result(1, "10", "10", "", false),
            result(2, "10", "7.5", "", false),
            result(3, "5", "0", "", false),
            result(4, "0", "0", "", false),
        ],
    );
    let u2 = scored(
        model,
        2,
        0,
        vec![
            result(0, "20", "18", "", false),
            result(1, "10", "10", "", false),
            result(3, "5", "0", "", false),
            result(4, "0", "0", "严重错误倾向1次，一票否决", true),
        ],
    );
    let mut units = vec![u1, u10, u2];
    for (rank, unit) in (1..).zip(&mut units) {
        unit.rank = rank;
    }
    Report {
        units,
        findings: vec![Finding { row: 0, responsibility: Responsibility::Main }],
        incidents: vec![IncidentResult {
            incident: 0,
            unit: 1,
            indicator: 1,
            hours: [Some(int(2)), Some(int(31)), Some(int(1)), None],
            late: Some(LateStep { step: 1, missing: false }),
        }],
    }
}

/// The fixture's creation time.
pub(crate) fn created() -> NaiveDateTime {
    at("2025-12-31")
}

/// The XML of one part of a workbook's package, for what calamine doesn't
/// read (column widths, row heights, print setup, charts).
pub(crate) fn part(bytes: &[u8], name: &str) -> String {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut xml = String::new();
    std::io::Read::read_to_string(&mut archive.by_name(name).unwrap(), &mut xml).unwrap();
    xml
}
