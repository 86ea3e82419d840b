//! The template contexts: what `feedback.md` and `bulletin.md` can show,
//! as plain serialisable values with numbers already formatted. Every field
//! here is documented in `templates/README.md`; keep the two in step.
//!
//! The bulletin context is built from a list of [`RankingRow`]s, so that
//! `kaohe merge` can fill it from a merged ranking as well as from a report.

use std::collections::BTreeMap;

use chrono::{Datelike, Days, NaiveDate, NaiveDateTime};
use serde::{Serialize, Serializer};

use crate::model::validate::{
    DEFAULT_IDEOLOGICAL_CATEGORY, DEFAULT_MARKING, DEFAULT_RECTIFICATION_DAYS, DEFAULT_SELF_GAP,
};
use crate::model::{MergedRanking, Settings};
use crate::number::{self, Exact};
use crate::render::Scored;
use crate::score::UnitResult;

/// `2026年1月15日`: Arabic digits without leading zeros (GB/T 9704).
pub fn chinese_date(date: NaiveDate) -> String {
    format!("{}年{}月{}日", date.year(), date.month(), date.day())
}

fn fixed<S: Serializer>(value: &Exact, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(&number::format_fixed(value, 2))
}

fn trimmed(value: &Exact) -> String {
    number::format_trimmed(value, 2)
}

/// An indicator's points, score or deduction as typed or computed: every
/// decimal, so a deduction of 1.002 is not shown as 1.
fn exact(value: &Exact) -> String {
    number::format_exact(value, 2)
}

/// A reason as the end of a letter's sentence, which brings its own full
/// stop: `材料不全。` → `材料不全`.
fn clause(reason: &str) -> String {
    reason.trim_end_matches(['。', '；', '，', '.', ';', ',']).to_owned()
}

/// The 整改期限 end: `days` after the 成文日期 `date`.
fn deadline(date: NaiveDate, days: u32) -> NaiveDate {
    date.checked_add_days(Days::new(u64::from(days))).unwrap_or(date)
}

/// `doc`: facts shared by every document.
#[derive(Clone, Debug, Serialize)]
pub struct DocInfo {
    pub year: i32,
    /// 考核单位: signs the letters, issues the bulletin.
    pub assessor: String,
    /// 密级 mark.
    pub marking: String,
    /// 抄送 (without its closing 。), empty when not set.
    pub cc: String,
    /// 印发机关: issues the bulletin's 版记.
    pub issued_by: String,
    /// 发文字号, empty when not set.
    pub doc_number: String,
    /// 成文日期 as `2026年1月15日`.
    pub date: String,
    pub ideological_category: String,
    pub rectification_days: u32,
    /// 成文日期 + 整改期限, as `2026年2月14日`.
    pub deadline: String,
    /// Number of assessed units.
    pub unit_count: usize,
    /// Grade names, best first.
    pub grades: Vec<String>,
    /// 自评偏差 in points, trailing zeros dropped.
    pub self_gap: String,
}

impl DocInfo {
    /// From the settings; the 成文日期 defaults to the date of `created`.
    pub fn new(settings: &Settings, unit_count: usize, created: NaiveDateTime) -> Self {
        let date = settings.doc_date.unwrap_or(created.date());
        DocInfo {
            year: settings.year,
            assessor: settings.assessor.clone(),
            marking: settings.marking.clone(),
            cc: settings.cc.clone().unwrap_or_default(),
            issued_by: settings.issued_by.clone(),
            doc_number: settings.doc_number.clone().unwrap_or_default(),
            date: chinese_date(date),
            ideological_category: settings.ideological_category.clone(),
            rectification_days: settings.rectification_days,
            deadline: chinese_date(deadline(date, settings.rectification_days)),
            unit_count,
            grades: settings.grades.iter().map(|band| band.name.clone()).collect(),
            self_gap: trimmed(&settings.self_gap),
        }
    }

    /// For the bulletin of `kaohe merge`: the combined `ranking`, issued by
    /// `assessor` on the date of its `created`, with the default 密级, no 抄送,
    /// 意识形态类别 and 整改期限 and no 发文字号.
    pub fn merged(ranking: &MergedRanking, assessor: &str) -> Self {
        let date = ranking.created.date();
        DocInfo {
            year: ranking.year,
            assessor: assessor.to_owned(),
            marking: DEFAULT_MARKING.to_owned(),
            cc: String::new(),
            issued_by: assessor.to_owned(),
            doc_number: String::new(),
            date: chinese_date(date),
            ideological_category: DEFAULT_IDEOLOGICAL_CATEGORY.to_owned(),
            rectification_days: DEFAULT_RECTIFICATION_DAYS,
            deadline: chinese_date(deadline(date, DEFAULT_RECTIFICATION_DAYS)),
            unit_count: ranking.units.len(),
            grades: ranking.grades.clone(),
            self_gap: DEFAULT_SELF_GAP.to_string(),
        }
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct CategoryView {
    pub name: String,
    /// N_c, 2 decimals.
    #[serde(serialize_with = "fixed")]
    pub score: Exact,
    /// Weight in percent, trailing zeros dropped.
    pub weight: String,
    /// S_c and M_c, trailing zeros dropped.
    pub earned: String,
    pub points: String,
    pub ideological: bool,
}

#[derive(Clone, Debug, Serialize)]
pub struct DeductionView {
    pub category: String,
    /// The first deduction of its category (the table merges the category cell below it).
    pub first_in_category: bool,
    pub code: String,
    pub name: String,
    pub points: String,
    pub score: String,
    pub deduction: String,
    pub reason: String,
    pub standard: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct ItemView {
    pub code: String,
    pub name: String,
    pub score: String,
    pub reason: String,
    pub standard: String,
}

/// An indicator the unit scored itself higher on than the evaluation did.
#[derive(Clone, Debug, Serialize)]
pub struct SelfExcessView {
    pub code: String,
    pub name: String,
    /// The self score and the evaluated score, every decimal.
    pub self_score: String,
    pub score: String,
    /// Why the evaluation gave less (without a trailing full stop); may be empty.
    pub reason: String,
    /// The unit's own 自评 说明, as typed.
    pub note: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct FindingView {
    pub case: String,
    pub matter: String,
    pub person: String,
    /// 主要负责人, 分管负责人, 班子成员 or 决定人.
    pub role: String,
    /// 集体决策 or 个人决定.
    pub decision: String,
    /// 主要领导责任, 重要领导责任, 个人责任 or 不承担责任.
    pub responsibility: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct UnitView {
    pub id: String,
    pub name: String,
    pub secretary: String,
    pub kind: String,
    pub rank: u32,
    #[serde(serialize_with = "fixed")]
    pub total: Exact,
    #[serde(serialize_with = "fixed")]
    pub weighted: Exact,
    pub bonus: String,
    pub grade: String,
    pub veto: bool,
    /// Barred from the first band by a 不得评优 veto (docs/计分.md 五).
    pub barred: bool,
    /// `指标名称：原因` of each veto indicator that fired.
    pub veto_reasons: Vec<String>,
    /// The ideological category first, then criteria order.
    pub categories: Vec<CategoryView>,
    /// Scored indicators that lost points, grouped by category in the order of `categories`.
    pub deductions: Vec<DeductionView>,
    /// Bonus indicators that earned points.
    pub bonuses: Vec<ItemView>,
    /// Veto indicators that fired, then every deduction: what to rectify.
    pub rectifications: Vec<ItemView>,
    /// Accountability findings of the unit's own cases.
    pub findings: Vec<FindingView>,
    /// 自评总分 and 自评差 (2 decimals), empty without a self score.
    pub self_total: String,
    pub self_gap: String,
    /// Indicators whose self score exceeds the evaluated score, in criteria order.
    pub self_excess: Vec<SelfExcessView>,
}

/// The context of one feedback letter: `doc` and `unit`.
#[derive(Clone, Debug, Serialize)]
pub struct FeedbackContext {
    pub doc: DocInfo,
    pub unit: UnitView,
}

/// Category names with the ideological category first.
fn category_order<'a>(categories: &'a [String], ideological: &str) -> Vec<&'a str> {
    let mut order: Vec<&str> = categories.iter().map(String::as_str).collect();
    order.sort_by_key(|category| *category != ideological);
    order
}

impl FeedbackContext {
    pub fn new(scored: &Scored, doc: &DocInfo, result: &UnitResult) -> Self {
        let model = scored.model;
        let unit = &model.units[result.unit];
        let ideological = &model.settings.ideological_category;
        let order = category_order(&model.categories, ideological);
        let position =
            |category: &str| order.iter().position(|known| *known == category).unwrap_or(order.len());

        let mut categories: Vec<CategoryView> = result
            .categories
            .iter()
            .map(|category| CategoryView {
                name: category.category.clone(),
                score: category.normalized.clone(),
                weight: trimmed(&category.weight),
                earned: trimmed(&category.score),
                points: trimmed(&category.points),
                ideological: category.category == *ideological,
            })
            .collect();
        categories.sort_by_key(|category| position(&category.name));

        let item = |indicator: &crate::score::IndicatorResult| {
            let subject = indicator.subject(model);
            ItemView {
                code: subject.code.to_owned(),
                name: subject.name.to_owned(),
                score: exact(&indicator.score),
                reason: clause(&indicator.reason),
                standard: subject.standard.to_owned(),
            }
        };
        let mut lost: Vec<_> = result
            .indicators
            .iter()
            .filter(|indicator| {
                model.criteria[indicator.indicator].rule.counts_in_category()
                    && indicator.deduction > number::int(0)
            })
            .collect();
        lost.sort_by_key(|indicator| position(&model.criteria[indicator.indicator].category));
        let deductions: Vec<DeductionView> = lost
            .iter()
            .enumerate()
            .map(|(index, indicator)| {
                let criterion = &model.criteria[indicator.indicator];
                let subject = indicator.subject(model);
                let first_in_category =
                    index == 0 || model.criteria[lost[index - 1].indicator].category != criterion.category;
                DeductionView {
                    category: criterion.category.clone(),
                    first_in_category,
                    code: subject.code.to_owned(),
                    name: subject.name.to_owned(),
                    points: exact(&indicator.points),
                    score: exact(&indicator.score),
                    deduction: exact(&indicator.deduction),
                    reason: indicator.reason.clone(),
                    standard: subject.standard.to_owned(),
                }
            })
            .collect();
        let vetoes: Vec<ItemView> =
            result.indicators.iter().filter(|indicator| indicator.vetoed).map(item).collect();
        let bonuses = result
            .indicators
            .iter()
            .filter(|indicator| {
                model.criteria[indicator.indicator].rule.is_bonus() && indicator.score > number::int(0)
            })
            .map(item)
            .collect();
        let rectifications =
            vetoes.iter().cloned().chain(lost.iter().map(|indicator| item(indicator))).collect();
        let findings = scored
            .report
            .findings
            .iter()
            .filter_map(|finding| {
                let row = &model.accountability[finding.row];
                (row.unit == result.unit).then(|| FindingView {
                    case: row.case.clone(),
                    matter: row.matter.clone(),
                    person: row.person.clone(),
                    role: row.role.label().to_owned(),
                    decision: row.decision.prose().to_owned(),
                    responsibility: finding.responsibility.zh().to_owned(),
                })
            })
            .collect();
        let self_excess = result
            .indicators
            .iter()
            .filter_map(|indicator| {
                let claimed = indicator.self_score.as_ref().filter(|claimed| **claimed > indicator.score)?;
                let criterion = &model.criteria[indicator.indicator];
                Some(SelfExcessView {
                    code: criterion.code.clone(),
                    name: criterion.name.clone(),
                    self_score: exact(claimed),
                    score: exact(&indicator.score),
                    reason: clause(&indicator.reason),
                    note: indicator.self_note.clone(),
                })
            })
            .collect();
        let two_decimals = |value: &Option<Exact>| {
            value.as_ref().map(|value| number::format_fixed(value, 2)).unwrap_or_default()
        };

        FeedbackContext {
            doc: doc.clone(),
            unit: UnitView {
                id: unit.id.clone(),
                name: unit.name.clone(),
                secretary: unit.secretary.clone(),
                kind: unit.kind.clone(),
                rank: result.rank,
                total: result.total.clone(),
                weighted: result.weighted.clone(),
                bonus: trimmed(&result.bonus),
                grade: result.grade.clone(),
                veto: result.veto,
                barred: result.barred,
                veto_reasons: vetoes
                    .iter()
                    .map(|veto| {
                        if veto.reason.is_empty() {
                            veto.name.clone()
                        } else {
                            format!("{}：{}", veto.name, veto.reason)
                        }
                    })
                    .collect(),
                categories,
                deductions,
                bonuses,
                rectifications,
                findings,
                self_total: two_decimals(&result.self_total),
                self_gap: two_decimals(&result.self_gap),
                self_excess,
            },
        }
    }
}

/// One line of the ranking (the bulletin's 附件).
#[derive(Clone, Debug, Serialize)]
pub struct RankingRow {
    pub rank: u32,
    /// The submitting organisation (`kaohe merge`); empty for one assessment.
    pub org: String,
    pub id: String,
    pub name: String,
    #[serde(serialize_with = "fixed")]
    pub total: Exact,
    pub grade: String,
    pub veto: bool,
}

/// An indicator that cost points to several units.
#[derive(Clone, Debug, Serialize)]
pub struct CommonDeduction {
    pub category: String,
    pub code: String,
    pub name: String,
    /// Number of units that lost points on it.
    pub units: usize,
    /// Points lost over all units, every decimal.
    pub points: String,
    pub standard: String,
}

/// A unit whose self total exceeds its total by more than 自评偏差.
#[derive(Clone, Debug, Serialize)]
pub struct SelfGapRow {
    pub rank: u32,
    pub id: String,
    pub name: String,
    #[serde(serialize_with = "fixed")]
    pub self_total: Exact,
    #[serde(serialize_with = "fixed")]
    pub total: Exact,
    #[serde(serialize_with = "fixed")]
    pub gap: Exact,
}

#[derive(Clone, Debug, Serialize)]
pub struct Overview {
    pub units: usize,
    pub vetoed: usize,
    #[serde(serialize_with = "fixed")]
    pub average: Exact,
    #[serde(serialize_with = "fixed")]
    pub highest: Exact,
    #[serde(serialize_with = "fixed")]
    pub lowest: Exact,
}

#[derive(Clone, Debug, Serialize)]
pub struct GradeCount {
    pub name: String,
    pub count: usize,
    /// Share of all units in percent, e.g. `33.33`.
    pub share: String,
}

/// The bulletin's context. No accountability names: it goes to every unit.
#[derive(Clone, Debug, Serialize)]
pub struct BulletinContext {
    pub doc: DocInfo,
    pub overview: Overview,
    /// Every grade of `doc.grades` (then any other grade met), with its count.
    pub grades: Vec<GradeCount>,
    /// Most frequent first.
    pub common_deductions: Vec<CommonDeduction>,
    pub ranking: Vec<RankingRow>,
    /// Whether any row names a submitting organisation.
    pub has_org: bool,
    /// Units whose self gap exceeds 自评偏差, largest gap first (ties in rank
    /// order); empty in a merged bulletin.
    pub self_gaps: Vec<SelfGapRow>,
}

impl BulletinContext {
    /// From a ranking in rank order (a report's or a merged one).
    pub fn new(doc: DocInfo, ranking: Vec<RankingRow>, common_deductions: Vec<CommonDeduction>) -> Self {
        let totals: Vec<&Exact> = ranking.iter().map(|row| &row.total).collect();
        let zero = number::int(0);
        let sum: Exact = totals.iter().copied().sum();
        let average = if totals.is_empty() { zero.clone() } else { sum / number::int(totals.len() as i64) };
        let overview = Overview {
            units: ranking.len(),
            vetoed: ranking.iter().filter(|row| row.veto).count(),
            average,
            highest: totals.iter().copied().max().cloned().unwrap_or(zero.clone()),
            lowest: totals.iter().copied().min().cloned().unwrap_or(zero),
        };
        let mut names = doc.grades.clone();
        for row in &ranking {
            if !names.contains(&row.grade) {
                names.push(row.grade.clone());
            }
        }
        let grades = names
            .into_iter()
            .map(|name| {
                let count = ranking.iter().filter(|row| row.grade == name).count();
                let share = if ranking.is_empty() {
                    "0".to_owned()
                } else {
                    trimmed(&(number::int(100 * count as i64) / number::int(ranking.len() as i64)))
                };
                GradeCount { name, count, share }
            })
            .collect();
        let has_org = ranking.iter().any(|row| !row.org.is_empty());
        BulletinContext { doc, overview, grades, common_deductions, ranking, has_org, self_gaps: Vec::new() }
    }

    pub fn from_scored(scored: &Scored, doc: DocInfo) -> Self {
        let model = scored.model;
        let ranking = scored
            .report
            .units
            .iter()
            .map(|result| RankingRow {
                rank: result.rank,
                org: String::new(),
                id: model.units[result.unit].id.clone(),
                name: model.units[result.unit].name.clone(),
                total: result.total.clone(),
                grade: result.grade.clone(),
                veto: result.veto,
            })
            .collect();
        let self_gaps = self_gaps(scored);
        BulletinContext { self_gaps, ..BulletinContext::new(doc, ranking, common_deductions(scored)) }
    }
}

/// The units whose self gap is more than 自评偏差, largest first; the sort
/// is stable, so ties keep rank order.
fn self_gaps(scored: &Scored) -> Vec<SelfGapRow> {
    let model = scored.model;
    let mut rows: Vec<SelfGapRow> = scored
        .report
        .units
        .iter()
        .filter_map(|result| {
            let (self_total, gap) = (result.self_total.as_ref()?, result.self_gap.as_ref()?);
            let unit = &model.units[result.unit];
            (*gap > model.settings.self_gap).then(|| SelfGapRow {
                rank: result.rank,
                id: unit.id.clone(),
                name: unit.name.clone(),
                self_total: self_total.clone(),
                total: result.total.clone(),
                gap: gap.clone(),
            })
        })
        .collect();
    rows.sort_by(|a, b| b.gap.cmp(&a.gap));
    rows
}

/// Indicators (and items) that cost points, most units first, then most
/// points, then criteria order.
fn common_deductions(scored: &Scored) -> Vec<CommonDeduction> {
    let model = scored.model;
    // By the indicator (an item's first clause) each result stands at.
    let mut lost: BTreeMap<usize, (usize, Exact, &crate::score::IndicatorResult)> = BTreeMap::new();
    for result in &scored.report.units {
        for indicator in &result.indicators {
            if model.criteria[indicator.indicator].rule.counts_in_category()
                && indicator.deduction > number::int(0)
            {
                let entry = lost.entry(indicator.indicator).or_insert((0, number::int(0), indicator));
                entry.0 += 1;
                entry.1 += &indicator.deduction;
            }
        }
    }
    let mut ordered: Vec<(usize, (usize, Exact, &crate::score::IndicatorResult))> =
        lost.into_iter().collect();
    ordered.sort_by(|(a, (a_units, a_points, _)), (b, (b_units, b_points, _))| {
        b_units.cmp(a_units).then(b_points.cmp(a_points)).then(a.cmp(b))
    });
    ordered
        .into_iter()
        .map(|(index, (units, points, result))| {
            let subject = result.subject(model);
            CommonDeduction {
                category: model.criteria[index].category.clone(),
                code: subject.code.to_owned(),
                name: subject.name.to_owned(),
                units,
                points: exact(&points),
                standard: subject.standard.to_owned(),
            }
        })
        .collect()
}
