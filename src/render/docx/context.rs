//! The template contexts: what `feedback.md` and `bulletin.md` can show,
//! as plain serialisable values with numbers already formatted. Every field
//! here is documented in `templates/README.md`; keep the two in step.
//!
//! The bulletin context is built from a list of [`RankingRow`]s, so that
//! `kaohe merge` can fill it from a merged ranking as well as from a report.

use std::cmp::Ordering;
use std::collections::BTreeMap;

use chrono::{Datelike, Days, NaiveDate};
use serde::{Serialize, Serializer};

use crate::model::previous::{PreviousUnit, PreviousYear, grade_move};
use crate::model::rules::{Definition, Due, Rule};
use crate::model::validate::{
    DEFAULT_IDEOLOGICAL_CATEGORY, DEFAULT_MARKING, DEFAULT_RECTIFICATION_DAYS, DEFAULT_SELF_GAP,
};
use crate::model::{AccountabilityRow, MergedRanking, MergedUnit, Model, Period, Settings};
use crate::number::{self, Exact};
use crate::render::{MergedIssue, Scored};
use crate::score::{Finding, IndicatorResult, UnitResult};

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
    /// Last year with `--previous`, else none: the letters then compare.
    pub previous_year: Option<i32>,
}

impl DocInfo {
    /// From the settings, dated their [`Settings::signing_date`] whatever
    /// the files record as their creation (`SOURCE_DATE_EPOCH`).
    pub fn new(settings: &Settings, unit_count: usize) -> Self {
        let date = settings.signing_date();
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
            previous_year: None,
        }
    }

    /// For the bulletin of `kaohe merge`: the combined `ranking`, issued as
    /// `issue` says (its 发文字号, its 成文日期 or else the date of the
    /// ranking's `created`), with the default 密级, no 抄送, 意识形态类别 and
    /// 整改期限.
    pub fn merged(ranking: &MergedRanking, issue: &MergedIssue) -> Self {
        let date = issue.date(ranking.created);
        DocInfo {
            year: ranking.year,
            assessor: issue.assessor.to_owned(),
            marking: DEFAULT_MARKING.to_owned(),
            cc: String::new(),
            issued_by: issue.assessor.to_owned(),
            doc_number: issue.doc_number.unwrap_or_default().to_owned(),
            date: chinese_date(date),
            ideological_category: DEFAULT_IDEOLOGICAL_CATEGORY.to_owned(),
            rectification_days: DEFAULT_RECTIFICATION_DAYS,
            deadline: chinese_date(deadline(date, DEFAULT_RECTIFICATION_DAYS)),
            unit_count: ranking.units.len(),
            grades: ranking.grades.clone(),
            self_gap: DEFAULT_SELF_GAP.to_string(),
            previous_year: None,
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

/// What a rectification item is about, as its sentence in `feedback.md`
/// is chosen (templates/README.md “整改事项”).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum RectificationKind {
    /// A veto indicator that fired.
    Veto,
    /// 至少: activities missing in some period.
    Shortfall,
    /// 至少 with 截止: activities done, but after the due day.
    Late,
    /// A 前置 prerequisite not met: the item scores 0.
    Gate,
    /// 扣分 with 分级: occurrences counted by grade.
    Graded,
    /// 至少 whose filter left out some of the unit's rows.
    Evidence,
    /// 时效: late or missing incident steps.
    Incident,
    /// 扣分: each occurrence costs points.
    Deduct,
    /// 评分: the evaluator's mark.
    Manual,
    /// One costing clause of a 考核项目.
    Clause,
}

/// One rectification item (整改事项) with the facts its sentence needs;
/// fields that do not apply to its kind are empty (or 0).
#[derive(Clone, Debug, Serialize)]
pub struct RectificationView {
    pub kind: RectificationKind,
    pub code: String,
    /// The indicator's name; for a clause, the clause's.
    pub name: String,
    /// The item's name for a clause (and a failed gate), else empty.
    pub item: String,
    /// Score, points and deduction, every decimal.
    pub score: String,
    pub points: String,
    pub deduction: String,
    /// The whole reason, trailing punctuation dropped.
    pub reason: String,
    /// The reason without its `，扣X分` tail and without the filter note;
    /// a 至少's periods joined by `、`.
    pub problem: String,
    /// 评分标准, trailing punctuation dropped.
    pub standard: String,
    /// 活动类型 the rule counts; for a gate, the unmet types joined by `、`.
    pub activity: String,
    /// Rows counted: a veto's or a deduction's occurrences.
    pub count: usize,
    /// 至少: 要求次数 and the period as `全年`, `每半年`, `每季度`, `每月`.
    pub required: u32,
    pub period: String,
    /// 至少 with 截止: the due day as `7月10日`, `次年1月15日`, `期末后15天`.
    pub due: String,
    /// Rows of the type the filter left out, and the filter as typed.
    pub left_out: usize,
    pub filter: String,
    /// A veto's consequence: `一票否决` or `不得评优`.
    pub consequence: String,
    /// 时效: 时限小时, incidents with a step too late, with a step missing.
    pub hours: String,
    pub late: usize,
    pub missing: usize,
    /// 分级: the grading column.
    pub column: String,
    /// 评分: the evaluator's note (empty when none).
    pub note: String,
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
    /// The first person of the case (the table merges 案件 and 事项 below it).
    pub first_in_case: bool,
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
    /// Each veto indicator that fired: `严重错误倾向1次`, or `指标名称（类型N次）`
    /// when the name is not the activity type.
    pub veto_reasons: Vec<String>,
    /// The ideological category first, then criteria order.
    pub categories: Vec<CategoryView>,
    /// Scored indicators that lost points, grouped by category in the order of `categories`.
    pub deductions: Vec<DeductionView>,
    /// Bonus indicators that earned points.
    pub bonuses: Vec<ItemView>,
    /// Veto indicators that fired, then every deduction (an item's costing
    /// clauses one by one): what to rectify.
    pub rectifications: Vec<RectificationView>,
    /// Accountability findings of the unit's own cases: case by case in
    /// input order, each by responsibility (主要, 重要, 个人, 不承担).
    pub findings: Vec<FindingView>,
    /// 自评总分 and 自评差 (2 decimals), empty without a self score.
    pub self_total: String,
    pub self_gap: String,
    /// Indicators whose self score exceeds the evaluated score, in criteria order.
    pub self_excess: Vec<SelfExcessView>,
    /// Last year's result and the change since, with `--previous`; none
    /// without it and for a unit not found last year.
    pub previous: Option<PreviousView>,
}

/// Which way a unit's total or rank moved since last year.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Trend {
    Up,
    Down,
    Same,
}

impl Trend {
    fn of(change: Ordering) -> Self {
        match change {
            Ordering::Greater => Trend::Up,
            Ordering::Less => Trend::Down,
            Ordering::Equal => Trend::Same,
        }
    }
}

/// A unit's result last year and how it moved since.
#[derive(Clone, Debug, Serialize)]
pub struct PreviousView {
    pub year: i32,
    /// Last year's total (2 decimals), rank and grade.
    #[serde(serialize_with = "fixed")]
    pub total: Exact,
    pub rank: u32,
    pub grade: String,
    /// How the total moved, and by how many points (trailing zeros dropped, no sign).
    pub total_trend: Trend,
    pub total_change: String,
    /// How the rank moved (up = a better place), and by how many places (no sign).
    pub rank_trend: Trend,
    pub rank_change: u64,
}

impl PreviousView {
    /// `result`'s comparison with last year, when it was found.
    fn of(previous: &PreviousYear, result: &UnitResult) -> Option<Self> {
        let last = previous.of(result.unit)?;
        let change = last.change(&result.total, result.rank);
        Some(PreviousView {
            year: previous.year,
            total: last.total.clone(),
            rank: last.rank,
            grade: last.grade.clone(),
            total_trend: Trend::of(change.total.cmp(&number::int(0))),
            total_change: trimmed(&num_traits::Signed::abs(&change.total)),
            rank_trend: Trend::of(change.rank.cmp(&0)),
            rank_change: change.rank.unsigned_abs(),
        })
    }
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
        let bonuses = result
            .indicators
            .iter()
            .filter(|indicator| {
                model.criteria[indicator.indicator].rule.is_bonus() && indicator.score > number::int(0)
            })
            .map(item)
            .collect();
        let fired = result.indicators.iter().filter(|indicator| indicator.vetoed);
        let rectifications = fired
            .chain(lost.iter().copied())
            .flat_map(|indicator| rectifications(scored, result, indicator))
            .collect();
        let findings = findings(scored, result.unit);
        let self_excess = result
            .indicators
            .iter()
            .filter_map(|indicator| {
                let claimed = indicator.self_score.as_ref().filter(|claimed| **claimed > indicator.score)?;
                let subject = indicator.subject(model);
                Some(SelfExcessView {
                    code: subject.code.to_owned(),
                    name: subject.name.to_owned(),
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
                veto_reasons: result
                    .indicators
                    .iter()
                    .filter(|indicator| indicator.vetoed)
                    .map(|indicator| veto_reason(model, indicator))
                    .collect(),
                categories,
                deductions,
                bonuses,
                rectifications,
                findings,
                self_total: two_decimals(&result.self_total),
                self_gap: two_decimals(&result.self_gap),
                self_excess,
                previous: model.previous.as_ref().and_then(|previous| PreviousView::of(previous, result)),
            },
        }
    }
}

/// A veto that fired as the letter names it: `严重错误倾向1次`, the indicator's
/// name in front when it is not the type (`意识形态底线（严重错误倾向1次）`).
fn veto_reason(model: &Model, indicator: &IndicatorResult) -> String {
    let criterion = &model.criteria[indicator.indicator];
    let Some(activity) = criterion.rule.activity().filter(|activity| !activity.is_empty()) else {
        return criterion.name.clone();
    };
    let occurrences = format!("{activity}{}次", indicator.evidence.len().max(1));
    if criterion.name == activity { occurrences } else { format!("{}（{occurrences}）", criterion.name) }
}

/// The accountability findings of `unit`'s own cases: cases in the order
/// they first appear, each case's persons by responsibility (主要领导责任
/// first, 不承担责任 last), ties in input order.
fn findings(scored: &Scored, unit: usize) -> Vec<FindingView> {
    let model = scored.model;
    let mut own: Vec<(&AccountabilityRow, &Finding)> = scored
        .report
        .findings
        .iter()
        .map(|finding| (&model.accountability[finding.row], finding))
        .filter(|(row, _)| row.unit == unit)
        .collect();
    let mut cases: Vec<&str> = Vec::new();
    for (row, _) in &own {
        if !cases.contains(&row.case.as_str()) {
            cases.push(&row.case);
        }
    }
    let case_order = |case: &str| cases.iter().position(|known| *known == case);
    own.sort_by_key(|(row, finding)| (case_order(&row.case), finding.responsibility));
    own.iter()
        .enumerate()
        .map(|(index, (row, finding))| FindingView {
            case: row.case.clone(),
            first_in_case: index == 0 || own[index - 1].0.case != row.case,
            matter: row.matter.clone(),
            person: row.person.clone(),
            role: row.role.label().to_owned(),
            decision: row.decision.prose().to_owned(),
            responsibility: finding.responsibility.zh().to_owned(),
        })
        .collect()
}

/// `全年`, `每半年`, `每季度`, `每月`: the period a 至少 counts in.
fn period_text(period: Period) -> &'static str {
    match period {
        Period::Year => "全年",
        Period::Half => "每半年",
        Period::Quarter => "每季度",
        Period::Month => "每月",
    }
}

/// 截止 as a sentence names it: `7月10日`, `次年1月15日`, `期末后15天`.
fn due_text(due: Due) -> String {
    match due {
        Due::OnDate { next_year, month, day } => {
            format!("{}{month}月{day}日", if next_year { "次年" } else { "" })
        }
        Due::AfterEnd { days } => format!("期末后{days}天"),
    }
}

/// `reason` without the `，扣X分` tail a rule adds for `deduction`.
fn without_tail(reason: &str, deduction: &Exact) -> String {
    let tail = format!("，扣{}分", exact(deduction));
    clause(reason.strip_suffix(tail.as_str()).unwrap_or(reason))
}

/// `details` without the filter note of docs/计分.md (`（另有1条不符合“上报=是”，未计入）`),
/// and the number of rows it says were left out.
fn without_filter_note(details: &str, filter_text: &str) -> (String, usize) {
    let end = format!("条不符合“{filter_text}”，未计入）");
    if filter_text.is_empty() {
        return (details.to_owned(), 0);
    }
    let Some(at) = details.find(end.as_str()) else { return (details.to_owned(), 0) };
    let Some(start) = details[..at].rfind("（另有") else { return (details.to_owned(), 0) };
    let Ok(left_out) = details[start + "（另有".len()..at].parse::<usize>() else {
        return (details.to_owned(), 0);
    };
    let rest = format!("{}{}", &details[..start], &details[at + end.len()..]);
    (rest, left_out)
}

/// The rectification items of one result that lost points or vetoed: one
/// for an indicator, one for an item whose prerequisite failed, else one
/// for each of the item's costing clauses.
fn rectifications(
    scored: &Scored,
    result: &UnitResult,
    indicator: &IndicatorResult,
) -> Vec<RectificationView> {
    let model = scored.model;
    let subject = indicator.subject(model);
    let base = RectificationView {
        kind: RectificationKind::Deduct,
        code: subject.code.to_owned(),
        name: subject.name.to_owned(),
        item: String::new(),
        score: exact(&indicator.score),
        points: exact(&indicator.points),
        deduction: exact(&indicator.deduction),
        reason: clause(&indicator.reason),
        problem: without_tail(&indicator.reason, &indicator.deduction),
        standard: clause(subject.standard),
        activity: String::new(),
        count: indicator.evidence.len(),
        required: 0,
        period: String::new(),
        due: String::new(),
        left_out: 0,
        filter: String::new(),
        consequence: String::new(),
        hours: String::new(),
        late: 0,
        missing: 0,
        column: String::new(),
        note: String::new(),
    };
    if let Some(item) = indicator.item {
        let unmet: Vec<&str> = indicator
            .clauses
            .iter()
            .filter(|clause| model.criteria[clause.indicator].rule.is_gate() && !clause.reason.is_empty())
            .filter_map(|clause| model.criteria[clause.indicator].rule.activity())
            .collect();
        if !unmet.is_empty() {
            let problem = indicator.reason.strip_suffix("，本项不得分").unwrap_or(&indicator.reason);
            return vec![RectificationView {
                kind: RectificationKind::Gate,
                item: model.items[item].name.clone(),
                problem: clause(problem),
                activity: unmet.join("、"),
                ..base
            }];
        }
        return indicator
            .clauses
            .iter()
            .filter(|clause| clause.deduction > number::int(0))
            .map(|item_clause| {
                let criterion = &model.criteria[item_clause.indicator];
                let standard =
                    if criterion.standard.is_empty() { subject.standard } else { &criterion.standard };
                RectificationView {
                    kind: RectificationKind::Clause,
                    code: criterion.code.clone(),
                    name: criterion.name.clone(),
                    item: model.items[item].name.clone(),
                    deduction: exact(&item_clause.deduction),
                    reason: clause(&item_clause.reason),
                    problem: clause(&item_clause.reason),
                    standard: clause(standard),
                    activity: criterion.rule.activity().unwrap_or_default().to_owned(),
                    count: item_clause.evidence.len(),
                    ..base.clone()
                }
            })
            .collect();
    }
    let criterion = &model.criteria[indicator.indicator];
    let activity = criterion.rule.activity().unwrap_or_default().to_owned();
    let view = match &criterion.rule {
        _ if indicator.vetoed => RectificationView {
            kind: RectificationKind::Veto,
            consequence: if criterion.rule.bars_top_band_only() { "不得评优" } else { "一票否决" }.to_owned(),
            activity,
            ..base
        },
        Rule::Manual(_) => {
            let generated = format!("扣{}分", exact(&indicator.deduction));
            let note = if indicator.reason == generated { String::new() } else { clause(&indicator.reason) };
            RectificationView { kind: RectificationKind::Manual, problem: note.clone(), note, ..base }
        }
        Rule::MinCount(rule) => {
            let (problem, left_out) = without_filter_note(&base.problem, &criterion.filter_text);
            let problem = problem.replace('；', "、");
            let kind = if left_out > 0 {
                RectificationKind::Evidence
            } else if !problem.contains('缺') && problem.contains("迟报") {
                RectificationKind::Late
            } else {
                RectificationKind::Shortfall
            };
            RectificationView {
                kind,
                problem,
                left_out,
                filter: if left_out > 0 { criterion.filter_text.clone() } else { String::new() },
                required: rule.required,
                period: period_text(rule.period).to_owned(),
                due: rule.due.map(due_text).unwrap_or_default(),
                activity,
                ..base
            }
        }
        Rule::Timeliness(rule) => {
            let checks = scored.report.incidents.iter().filter(|check| {
                check.unit == result.unit && check.indicator == indicator.indicator && check.late.is_some()
            });
            let (missing, late): (Vec<_>, Vec<_>) =
                checks.partition(|check| check.late.is_some_and(|late| late.missing));
            RectificationView {
                kind: RectificationKind::Incident,
                hours: exact(&rule.deadline_hours),
                late: late.len(),
                missing: missing.len(),
                activity,
                ..base
            }
        }
        Rule::Deduct(rule) => {
            let (problem, _) = without_filter_note(&base.problem, &criterion.filter_text);
            match rule.graded() {
                Some(table) => RectificationView {
                    kind: RectificationKind::Graded,
                    column: table.header.clone(),
                    problem,
                    activity,
                    ..base
                },
                None => RectificationView { problem, activity, ..base },
            }
        }
        _ => RectificationView { activity, ..base },
    };
    vec![view]
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
    /// The category differs from the row before (the table merges the
    /// category cell below it).
    pub first_in_category: bool,
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

/// One category of the bulletin's overview: its average N_c over the
/// units assessed in it.
#[derive(Clone, Debug, Serialize)]
pub struct CategoryAverage {
    pub name: String,
    /// Units with a score in the category.
    pub units: usize,
    /// Their average N_c, 2 decimals.
    #[serde(serialize_with = "fixed")]
    pub average: Exact,
}

/// The average of each category's `scores` (category, N_c), categories in
/// the order they first appear.
fn category_averages<'a>(scores: impl IntoIterator<Item = (&'a str, &'a Exact)>) -> Vec<CategoryAverage> {
    let mut sums: Vec<(&str, usize, Exact)> = Vec::new();
    for (category, score) in scores {
        match sums.iter_mut().find(|(name, _, _)| *name == category) {
            Some((_, units, sum)) => {
                *units += 1;
                *sum += score;
            }
            None => sums.push((category, 1, score.clone())),
        }
    }
    sums.into_iter()
        .map(|(name, units, sum)| CategoryAverage {
            name: name.to_owned(),
            units,
            average: sum / number::int(units as i64),
        })
        .collect()
}

#[derive(Clone, Debug, Serialize)]
pub struct GradeCount {
    pub name: String,
    pub count: usize,
    /// Share of all units, one decimal with the percent sign: `20.0%`.
    pub share: String,
}

/// The bulletin's context. No accountability names: it goes to every unit.
#[derive(Clone, Debug, Serialize)]
pub struct BulletinContext {
    pub doc: DocInfo,
    pub overview: Overview,
    /// Every grade of `doc.grades` (then any other grade met), with its count.
    pub grades: Vec<GradeCount>,
    /// Each category's average N_c, the ideological category first.
    pub categories: Vec<CategoryAverage>,
    /// Rule-scored indicators before 评分 ones, each most units first.
    pub common_deductions: Vec<CommonDeduction>,
    /// The first [`MAIN_DEDUCTIONS`] of them, grouped by category (in the
    /// order of each category's first), for a table with merged categories.
    pub main_deductions: Vec<CommonDeduction>,
    pub ranking: Vec<RankingRow>,
    /// Whether any row names a submitting organisation.
    pub has_org: bool,
    /// Units whose self gap exceeds 自评偏差, largest gap first (ties in rank
    /// order); empty in a merged bulletin.
    pub self_gaps: Vec<SelfGapRow>,
    /// The comparison with last year, with `--previous`; none in a merged bulletin.
    pub previous: Option<PreviousSummary>,
}

/// How many units the bulletin lists as rising most (ties with the last included).
pub const TOP_RISERS: usize = 5;

/// The bulletin's comparison with last year.
#[derive(Clone, Debug, Serialize)]
pub struct PreviousSummary {
    pub year: i32,
    /// Units in a better band than last year, and in a worse one (bands
    /// compared by name; a unit new this year or whose grade is not a band
    /// of this year counts in neither).
    pub rose: usize,
    pub fell: usize,
    /// The [`TOP_RISERS`] units whose total rose most, with every unit tied
    /// with the last of them; only rises, largest first (ties in rank order).
    pub risers: Vec<RiserRow>,
}

/// A unit whose total rose since last year.
#[derive(Clone, Debug, Serialize)]
pub struct RiserRow {
    pub rank: u32,
    pub id: String,
    pub name: String,
    /// Last year's total and this year's (2 decimals).
    #[serde(serialize_with = "fixed")]
    pub previous_total: Exact,
    #[serde(serialize_with = "fixed")]
    pub total: Exact,
    /// The rise in points, trailing zeros dropped.
    pub change: String,
}

impl BulletinContext {
    /// From a ranking in rank order (a report's or a merged one) and the
    /// averages of its category scores.
    pub fn new(
        doc: DocInfo,
        ranking: Vec<RankingRow>,
        categories: Vec<CategoryAverage>,
        common_deductions: Vec<CommonDeduction>,
    ) -> Self {
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
                    number::int(0)
                } else {
                    number::int(100 * count as i64) / number::int(ranking.len() as i64)
                };
                let share = format!("{}%", number::format_fixed(&share, 1));
                GradeCount { name, count, share }
            })
            .collect();
        let has_org = ranking.iter().any(|row| !row.org.is_empty());
        let main_deductions = grouped(common_deductions.iter().take(MAIN_DEDUCTIONS).cloned().collect());
        BulletinContext {
            doc,
            overview,
            grades,
            categories,
            common_deductions,
            main_deductions,
            ranking,
            has_org,
            self_gaps: Vec::new(),
            previous: None,
        }
    }

    /// The bulletin of `kaohe merge`: the combined `ranking`, each row
    /// naming its submitting organisation, issued as `issue` says.
    pub fn from_merged(ranking: &MergedRanking, issue: &MergedIssue) -> Self {
        let rows = ranking
            .units
            .iter()
            .map(|unit| RankingRow {
                rank: unit.rank,
                org: ranking.submissions[unit.submission].assessor.clone(),
                id: unit.id.clone(),
                name: unit.name.clone(),
                total: unit.total.clone(),
                grade: unit.grade.clone(),
                veto: unit.veto,
            })
            .collect();
        // Categories of the same name are one, averaged over the units scored
        // in it; they come in the order the submissions' columns first name them.
        let mut by_submission: Vec<&MergedUnit> = ranking.units.iter().collect();
        by_submission.sort_by_key(|unit| unit.submission);
        let scores = by_submission
            .into_iter()
            .flat_map(|unit| unit.categories.iter().map(|(category, score)| (category.as_str(), score)));
        let categories = category_averages(scores);
        let doc = DocInfo::merged(ranking, issue);
        BulletinContext::new(doc, rows, categories, Vec::new())
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
        // Category by category in the letters' order, so the averages come in it.
        let order = category_order(&model.categories, &model.settings.ideological_category);
        let scores = order.into_iter().flat_map(|category| {
            scored.report.units.iter().flat_map(move |result| {
                let scores = result.categories.iter().filter(move |score| score.category == category);
                scores.map(|score| (score.category.as_str(), &score.normalized))
            })
        });
        let categories = category_averages(scores);
        let self_gaps = self_gaps(scored);
        let previous = model.previous.as_ref().map(|previous| previous_summary(scored, previous));
        BulletinContext {
            self_gaps,
            previous,
            ..BulletinContext::new(doc, ranking, categories, common_deductions(scored))
        }
    }
}

/// The grade moves and the largest rises since last year; the sort is
/// stable, so ties keep rank order.
fn previous_summary(scored: &Scored, previous: &PreviousYear) -> PreviousSummary {
    let model = scored.model;
    let bands: Vec<String> = model.settings.grades.iter().map(|band| band.name.clone()).collect();
    let matched: Vec<(&UnitResult, &PreviousUnit)> =
        scored.report.units.iter().filter_map(|result| Some((result, previous.of(result.unit)?))).collect();
    let moved = |way: Ordering| {
        matched
            .iter()
            .filter(|(result, last)| grade_move(&bands, &last.grade, &result.grade) == Some(way))
            .count()
    };
    let mut rises: Vec<(&UnitResult, &PreviousUnit, Exact)> = matched
        .iter()
        .map(|&(result, last)| (result, last, &result.total - &last.total))
        .filter(|(_, _, rise)| *rise > number::int(0))
        .collect();
    rises.sort_by(|a, b| b.2.cmp(&a.2));
    if let Some((_, _, last_shown)) = rises.get(TOP_RISERS - 1).cloned() {
        rises.retain(|(_, _, rise)| *rise >= last_shown);
    }
    let risers = rises
        .into_iter()
        .map(|(result, last, rise)| {
            let unit = &model.units[result.unit];
            RiserRow {
                rank: result.rank,
                id: unit.id.clone(),
                name: unit.name.clone(),
                previous_total: last.total.clone(),
                total: result.total.clone(),
                change: trimmed(&rise),
            }
        })
        .collect();
    PreviousSummary {
        year: previous.year,
        rose: moved(Ordering::Greater),
        fell: moved(Ordering::Less),
        risers,
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

/// How many of the common deductions the bulletin's table shows (`main_deductions`).
pub const MAIN_DEDUCTIONS: usize = 5;

/// `rows` grouped by category, categories in the order of their first row,
/// each row marked when it starts its category.
fn grouped(rows: Vec<CommonDeduction>) -> Vec<CommonDeduction> {
    let mut categories: Vec<String> = Vec::new();
    for row in &rows {
        if !categories.contains(&row.category) {
            categories.push(row.category.clone());
        }
    }
    let mut rows = rows;
    rows.sort_by_key(|row| categories.iter().position(|category| *category == row.category));
    mark_categories(rows)
}

/// Marks each row whose category differs from the row before.
fn mark_categories(mut rows: Vec<CommonDeduction>) -> Vec<CommonDeduction> {
    for index in 0..rows.len() {
        rows[index].first_in_category = index == 0 || rows[index - 1].category != rows[index].category;
    }
    rows
}

/// Indicators (and items) that cost points: those a rule scores before the
/// evaluator's (评分) ones, then most units first, then most points, then
/// criteria order.
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
    // An item counts as scored by a rule unless every clause is a 评分.
    let manual = |result: &crate::score::IndicatorResult| match result.item {
        Some(item) => {
            model.items[item].clauses.iter().all(|&clause| model.criteria[clause].rule.takes_manual_score())
        }
        None => model.criteria[result.indicator].rule.takes_manual_score(),
    };
    ordered.sort_by(|(a, (a_units, a_points, a_result)), (b, (b_units, b_points, b_result))| {
        manual(a_result)
            .cmp(&manual(b_result))
            .then(b_units.cmp(a_units))
            .then(b_points.cmp(a_points))
            .then(a.cmp(b))
    });
    let rows = ordered
        .into_iter()
        .map(|(index, (units, points, result))| {
            let subject = result.subject(model);
            CommonDeduction {
                category: model.criteria[index].category.clone(),
                first_in_category: false,
                code: subject.code.to_owned(),
                name: subject.name.to_owned(),
                units,
                points: exact(&points),
                standard: subject.standard.to_owned(),
            }
        })
        .collect();
    mark_categories(rows)
}
