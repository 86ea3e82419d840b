//! The validated model of one assessment: units, criteria, weight systems,
//! ledger rows, manual and self scores, accountability rows and settings. Types only
//! hold values that passed validation ([`validate`]), with unit and
//! indicator references resolved to indices; this module knows no file
//! format and does no I/O.

pub(crate) mod filter;
pub mod merged;
pub mod previous;
pub mod ranking;
mod report_period;
pub mod rules;
#[cfg(test)]
pub(crate) mod testing;
pub mod validate;

use std::sync::Arc;

use chrono::{Datelike, NaiveDate, NaiveDateTime};

use crate::input::Source;
use crate::number::{Exact, int};

pub use merged::{MergedRanking, MergedUnit, Submission};
pub use report_period::ReportPeriod;

/// Where a model row came from, so every figure can be traced to its cell.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Origin {
    pub file: Arc<str>,
    pub sheet: Arc<str>,
    /// 1-based row number as Excel shows it.
    pub row: u32,
    /// The row's first column (0 = A), where a row-level location points.
    pub col: u32,
}

impl std::fmt::Display for Origin {
    /// `FILE:SHEET!A17`, the row's first cell, as messages locate a row (docs/提示信息.md).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}!{}{}", self.file, self.sheet, crate::diagnostic::column_name(self.col), self.row)
    }
}

pub type UnitIndex = usize;
pub type IndicatorIndex = usize;
pub type ItemIndex = usize;

#[derive(Clone, Debug)]
pub struct Unit {
    pub id: String,
    /// As typed (trimmed).
    pub name: String,
    pub parent: Option<UnitIndex>,
    pub secretary: String,
    /// 类型 as typed, as outputs show it.
    pub kind: String,
    /// 类型 normalised (`text::normalize_keyword`), as `适用` lists
    /// kinds: what [`Indicator::applies_to`] compares.
    pub kind_key: String,
    pub assessed: bool,
    pub origin: Origin,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Period {
    Year,
    Half,
    Quarter,
    Month,
}

/// The value side of one `column=value` condition of a `条件` filter.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Expected {
    /// `上报=是`: matches any boolean word of the same value.
    Bool(bool),
    /// Normalised text equality.
    Text(String),
    /// `上报=`: matches only an empty cell.
    Empty,
}

/// One `column=value` (or `column!=value`) condition; `column` is the
/// attribute key as stored in [`Attributes`] (the normalised header, or a
/// schema column's English key).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Condition {
    pub column: String,
    pub expected: Expected,
    /// `!=`: holds exactly when `column=value` does not (docs/输入.md “指标”).
    pub negated: bool,
}

/// Extra (and optional schema) columns of a ledger row, keyed as
/// [`Condition::column`], values normalised. An absent key is an empty cell.
/// Kept compact, as there is one per ledger row: the sorted keys are shared
/// by all rows of a table, each row holds its values, and a row's repeated
/// values share one text. Rows are equal when their non-empty pairs are.
#[derive(Clone, Debug, Default)]
pub struct Attributes {
    keys: Arc<[Arc<str>]>,
    /// The value of each key; `None` for an empty cell.
    values: Box<[Option<Arc<str>>]>,
}

impl Attributes {
    pub fn new() -> Self {
        Attributes::default()
    }

    /// A row's values under `keys`, which must be sorted and distinct.
    pub fn with_keys(keys: Arc<[Arc<str>]>, values: Box<[Option<Arc<str>>]>) -> Self {
        debug_assert!(keys.is_sorted_by(|a, b| a < b) && keys.len() == values.len());
        Attributes { keys, values }
    }

    /// The value of the column `key`, if the row has one.
    pub fn get(&self, key: &str) -> Option<&str> {
        let found = self.keys.binary_search_by(|held| (**held).cmp(key)).ok()?;
        self.values[found].as_deref()
    }

    /// Sets the value of the column `key`, replacing any earlier one.
    pub fn insert(&mut self, key: &str, value: &str) {
        *self = self.iter().chain([(key, value)]).collect();
    }

    /// The (key, value) pairs with a value, by key.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.keys.iter().zip(&self.values).filter_map(|(key, value)| Some((&**key, value.as_deref()?)))
    }

    pub fn len(&self) -> usize {
        self.iter().count()
    }

    pub fn is_empty(&self) -> bool {
        self.iter().next().is_none()
    }
}

impl PartialEq for Attributes {
    fn eq(&self, other: &Self) -> bool {
        self.iter().eq(other.iter())
    }
}

impl Eq for Attributes {}

impl std::hash::Hash for Attributes {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        let mut count = 0;
        for pair in self.iter() {
            pair.hash(state);
            count += 1;
        }
        state.write_usize(count);
    }
}

/// Collects (key, value) pairs; of pairs with the same key the last wins.
impl<K: Into<Arc<str>>, V: Into<Arc<str>>> FromIterator<(K, V)> for Attributes {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(pairs: I) -> Self {
        let mut pairs: Vec<(Arc<str>, Arc<str>)> =
            pairs.into_iter().map(|(key, value)| (key.into(), value.into())).collect();
        pairs.sort_by(|(a, _), (b, _)| a.cmp(b));
        // `later` follows the kept `earlier` of the same key: its value wins.
        pairs.dedup_by(|later, earlier| {
            let same = later.0 == earlier.0;
            if same {
                std::mem::swap(&mut later.1, &mut earlier.1);
            }
            same
        });
        let (keys, values): (Vec<Arc<str>>, Vec<Option<Arc<str>>>) =
            pairs.into_iter().map(|(key, value)| (key, Some(value))).unzip();
        Attributes { keys: keys.into(), values: values.into() }
    }
}

#[derive(Clone, Debug)]
pub struct Indicator {
    pub code: String,
    /// 类别 as typed (trimmed).
    pub category: String,
    pub name: String,
    /// Maximum points; zero for a veto indicator.
    pub points: Exact,
    /// The rule, with its own parameters.
    pub rule: rules::Rule,
    /// All must hold.
    pub filter: Vec<Condition>,
    /// 条件 as typed (trimmed), as the filter note quotes it.
    pub filter_text: String,
    /// Normalised unit 类型 values; empty = every unit.
    pub applies_to: Vec<String>,
    /// 评分标准 as typed.
    pub standard: String,
    /// The 考核项目 this row is a clause of.
    pub item: Option<ItemIndex>,
    pub origin: Origin,
}

/// A scoring item (考核项目, docs/计分.md “考核项目”): criteria rows of one
/// 类别 whose deductions share the item's points. It counts in its category
/// as one indicator worth `points`.
#[derive(Clone, Debug)]
pub struct Item {
    /// 考核项目 as typed (trimmed), as outputs name it.
    pub name: String,
    /// The normalised name: the item's code in JSON and in 自评.
    pub code: String,
    pub category: String,
    /// 项目分值 P.
    pub points: Exact,
    /// Its clauses, in criteria order.
    pub clauses: Vec<IndicatorIndex>,
    /// The clauses without a 分值 of their own: their deduction is capped
    /// only by the item's points (their `points` are the item's).
    pub uncapped: Vec<IndicatorIndex>,
    /// The clauses' 评分标准, joined by `；`.
    pub standard: String,
}

/// One assessment system (考核体系): category weights in percent.
#[derive(Clone, Debug)]
pub struct WeightSystem {
    /// The organisation whose system this is; `None` for the top-level one.
    pub owner: Option<UnitIndex>,
    /// (category as in the criteria, weight in percent), in criteria order.
    pub weights: Vec<(String, Exact)>,
    pub origin: Origin,
}

#[derive(Clone, Debug)]
pub struct Activity {
    pub unit: UnitIndex,
    pub date: NaiveDateTime,
    /// Normalised activity type, shared by every row of the type.
    pub kind: Arc<str>,
    /// Every other column (标题, 材料 and the extras), for filters.
    pub attributes: Attributes,
    /// 所属期, the period the row reports on, when given (docs/输入.md “活动”).
    pub for_period: Option<ReportPeriod>,
    pub origin: Origin,
}

impl Activity {
    /// The year the row counts for: its 所属期's, else its date's (docs/计分.md 一).
    pub fn year(&self) -> i32 {
        self.for_period.map_or_else(|| self.date.year(), |period| period.year)
    }
}

/// The four steps of handling a public-opinion incident, in order.
pub const INCIDENT_STEPS: [(&str, &str); 4] =
    [("发现", "discovered"), ("研判", "assessed"), ("报送", "reported"), ("处置", "handled")];

#[derive(Clone, Debug)]
pub struct Incident {
    pub unit: UnitIndex,
    /// 事件 as typed.
    pub title: String,
    pub level: String,
    pub occurred: NaiveDateTime,
    /// 发现, 研判, 报送, 处置; `None` = not done.
    pub steps: [Option<NaiveDateTime>; 4],
    pub attributes: Attributes,
    pub origin: Origin,
}

#[derive(Clone, Debug)]
pub struct ManualScore {
    pub unit: UnitIndex,
    pub indicator: IndicatorIndex,
    pub score: Exact,
    pub note: String,
    pub origin: Origin,
}

/// One accepted 自评 row: the score a unit gives itself on an indicator
/// (docs/输入.md “自评”).
#[derive(Clone, Debug)]
pub struct SelfScore {
    pub unit: UnitIndex,
    /// The indicator self-assessed; for a whole 考核项目, its first clause,
    /// where the item's result stands.
    pub indicator: IndicatorIndex,
    pub score: Exact,
    /// 说明 as typed: the unit's own explanation.
    pub note: String,
    pub origin: Origin,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Decision {
    Collective,
    Individual,
}

impl Decision {
    /// The words the 问责 sheet accepts; the first two are the canonical
    /// Chinese and English names, and the first is the workbook's label.
    pub const fn words(self) -> &'static [&'static str] {
        match self {
            Decision::Collective => &["集体", "collective", "集体决策"],
            Decision::Individual => &["个人", "individual", "个人决策"],
        }
    }

    /// The label the workbook's 问责 sheet shows: 集体, 个人.
    pub fn label(self) -> &'static str {
        self.words()[0]
    }

    /// As the letters' prose names it: 集体决策, 个人决定.
    pub fn prose(self) -> &'static str {
        match self {
            Decision::Collective => "集体决策",
            Decision::Individual => "个人决定",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Role {
    Principal,
    InCharge,
    Member,
    Decider,
}

impl Role {
    /// The words the 问责 sheet accepts; the first two are the canonical
    /// Chinese and English names, and the first is the label outputs show.
    pub const fn words(self) -> &'static [&'static str] {
        match self {
            Role::Principal => &["主要负责人", "principal"],
            Role::InCharge => &["分管负责人", "in_charge", "in charge"],
            Role::Member => &["班子成员", "member"],
            Role::Decider => &["决定人", "decider"],
        }
    }

    /// The label outputs show: 主要负责人, 分管负责人, 班子成员, 决定人.
    pub fn label(self) -> &'static str {
        self.words()[0]
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Stance {
    For,
    Against,
}

impl Stance {
    /// The words the 问责 sheet accepts; the first two are the canonical
    /// Chinese and English names, and the first is the label outputs show.
    pub const fn words(self) -> &'static [&'static str] {
        match self {
            Stance::For => &["赞成", "for", "同意"],
            Stance::Against => &["反对", "against", "不同意"],
        }
    }

    /// The label outputs show: 赞成, 反对.
    pub fn label(self) -> &'static str {
        self.words()[0]
    }
}

/// One person in one accountability case.
#[derive(Clone, Debug)]
pub struct AccountabilityRow {
    pub case: String,
    pub unit: UnitIndex,
    pub matter: String,
    pub decision: Decision,
    pub person: String,
    pub role: Role,
    pub stance: Option<Stance>,
    pub origin: Origin,
}

/// A grade band: the first band whose threshold ≤ total applies.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GradeBand {
    pub name: String,
    pub threshold: Exact,
}

#[derive(Clone, Debug)]
pub struct Settings {
    pub year: i32,
    pub assessor: String,
    /// The ideological category as typed in the criteria.
    pub ideological_category: String,
    /// Strictly decreasing thresholds.
    pub grades: Vec<GradeBand>,
    pub doc_number: Option<String>,
    pub doc_date: Option<NaiveDate>,
    /// Percent of assessed units that may keep the first band.
    pub top_quota: Option<Exact>,
    pub rectification_days: u32,
    pub marking: String,
    /// 抄送: the bulletin's 抄送 line, without its closing 。; none when not set.
    pub cc: Option<String>,
    /// 印发机关: the 版记's issuing office, the assessor when not set.
    pub issued_by: String,
    /// 加分上限: the most the bonus indicators together add to a total.
    pub bonus_cap: Option<Exact>,
    /// 自评偏差: a unit whose self total exceeds its total by more than
    /// this is named in the bulletin.
    pub self_gap: Exact,
}

impl Settings {
    /// The date the documents carry (落款, the 整改期限's start): the
    /// 成文日期, else [`Settings::default_doc_date`].
    pub fn signing_date(&self) -> NaiveDate {
        self.doc_date.unwrap_or_else(|| Settings::default_doc_date(self.year))
    }

    /// The 成文日期 when none is set: the first day after the assessment `year`.
    pub fn default_doc_date(year: i32) -> NaiveDate {
        NaiveDate::from_ymd_opt(year + 1, 1, 1).unwrap_or(NaiveDate::MAX)
    }

    /// The date these settings fix for the outputs' metadata: the
    /// [`signing_date`](Settings::signing_date), at midnight.
    pub fn document_date(&self) -> chrono::NaiveDateTime {
        self.signing_date().and_time(chrono::NaiveTime::MIN)
    }
}

/// Ledger rows dated outside the assessment year: reported as a count.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct OutOfYear {
    pub activities: usize,
    pub incidents: usize,
}

/// A validated assessment, ready to score.
#[derive(Clone, Debug)]
pub struct Model {
    pub settings: Settings,
    pub units: Vec<Unit>,
    /// In criteria order (the order of the 指标 rows), clauses of items included.
    pub criteria: Vec<Indicator>,
    /// The 考核项目, in order of their first clause.
    pub items: Vec<Item>,
    /// Categories in order of first appearance in the criteria.
    pub categories: Vec<String>,
    /// The top-level system first (if any), then per-organisation systems.
    pub systems: Vec<WeightSystem>,
    /// Activities and incidents of the assessment year only.
    pub activities: Vec<Activity>,
    pub incidents: Vec<Incident>,
    pub manual_scores: Vec<ManualScore>,
    /// The accepted 自评 rows, in input order.
    pub self_scores: Vec<SelfScore>,
    /// Whether the inputs hold a 自评 sheet (even an empty one): outputs
    /// then show the self-assessment fields.
    pub self_assessed: bool,
    pub accountability: Vec<AccountabilityRow>,
    pub out_of_year: OutOfYear,
    pub sources: Vec<Source>,
    /// Last year's results, with `--previous` (docs/命令.md).
    pub previous: Option<previous::PreviousYear>,
}

impl Indicator {
    /// Whether this indicator applies to `unit` (its `适用` is empty or lists the unit's 类型).
    pub fn applies_to(&self, unit: &Unit) -> bool {
        self.applies_to.is_empty() || self.applies_to.contains(&unit.kind_key)
    }
}

/// The weight system `unit` is assessed under: that of its nearest proper
/// ancestor that has one, else the top-level system. For a system's owner,
/// this is the enclosing system the ideological weight rule compares with.
/// Expects a tree without cycles.
pub fn assessing_system(units: &[Unit], systems: &[WeightSystem], unit: UnitIndex) -> Option<usize> {
    let mut ancestor = units[unit].parent;
    while let Some(index) = ancestor {
        if let Some(system) = systems.iter().position(|s| s.owner == Some(index)) {
            return Some(system);
        }
        ancestor = units[index].parent;
    }
    systems.iter().position(|s| s.owner.is_none())
}

/// The system `system` is checked against for the ideological weight rule
/// (docs/计分.md “考核体系”): the one its owner is assessed under; none for
/// the top-level system.
pub fn enclosing_system(units: &[Unit], systems: &[WeightSystem], system: usize) -> Option<usize> {
    let owner = systems[system].owner?;
    assessing_system(units, systems, owner).filter(|&enclosing| enclosing != system)
}

impl WeightSystem {
    /// The weight this system gives `category` (0 when it names none).
    pub fn weight_of(&self, category: &str) -> Exact {
        self.weights
            .iter()
            .find(|(name, _)| name == category)
            .map_or_else(|| int(0), |(_, weight)| weight.clone())
    }
}

impl Model {
    /// The weight system `unit` is assessed under: that of its nearest proper
    /// ancestor that has one, else the top-level system.
    pub fn system_of(&self, unit: UnitIndex) -> Option<usize> {
        assessing_system(&self.units, &self.systems, unit)
    }

    /// The system `system` is checked against for the ideological weight
    /// rule, as [`enclosing_system`].
    pub fn enclosing_system(&self, system: usize) -> Option<usize> {
        enclosing_system(&self.units, &self.systems, system)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attributes_are_found_by_key_and_the_last_value_wins() {
        let attributes: Attributes =
            [("形式", "书面"), ("上报", "否"), ("title", "学习"), ("上报", "是")].into_iter().collect();
        assert_eq!(
            attributes.iter().collect::<Vec<_>>(),
            [("title", "学习"), ("上报", "是"), ("形式", "书面")]
        );
        assert_eq!(attributes.get("上报"), Some("是"));
        assert_eq!(attributes.get("级别"), None);
        let mut changed = attributes.clone();
        changed.insert("形式", "当面");
        changed.insert("级别", "重大");
        assert_eq!(changed.get("形式"), Some("当面"));
        assert_eq!(changed.get("级别"), Some("重大"));
        assert_eq!(changed.len(), 4);
        assert_ne!(changed, attributes);
        assert!(Attributes::new().is_empty());
    }

    #[test]
    fn decisions_are_named_briefly_in_the_workbook_and_in_full_in_letters() {
        assert_eq!((Decision::Individual.label(), Decision::Individual.prose()), ("个人", "个人决定"));
        assert_eq!((Decision::Collective.label(), Decision::Collective.prose()), ("集体", "集体决策"));
        assert_eq!((Role::InCharge.label(), Role::Decider.label()), ("分管负责人", "决定人"));
        assert_eq!((Stance::For.label(), Stance::Against.label()), ("赞成", "反对"));
    }

    #[test]
    fn a_system_is_checked_against_the_one_its_owner_is_assessed_under() {
        use crate::model::testing::{d, system, unit};
        let units = vec![unit("R", "党委", None), unit("M", "党委", Some(0)), unit("B", "党支部", Some(1))];
        let systems =
            vec![system(None, &[("意识形态工作", "30")]), system(Some(1), &[("意识形态工作", "40")])];
        assert_eq!(enclosing_system(&units, &systems, 0), None);
        assert_eq!(enclosing_system(&units, &systems, 1), Some(0));
        assert_eq!(systems[1].weight_of("意识形态工作"), d("40"));
        assert_eq!(systems[1].weight_of("党建工作"), d("0"));
    }

    #[test]
    fn rows_with_the_same_values_are_equal_whatever_their_columns() {
        use std::hash::{BuildHasher, RandomState};
        let keys: Arc<[Arc<str>]> = ["title".into(), "上报".into(), "备注".into()].into();
        let values: Box<[Option<Arc<str>>]> = [Some("学习".into()), Some("是".into()), None].into();
        let row = Attributes::with_keys(keys, values);
        let same: Attributes = [("上报", "是"), ("title", "学习")].into_iter().collect();
        assert_eq!(row, same);
        let hasher = RandomState::new();
        assert_eq!(hasher.hash_one(&row), hasher.hash_one(&same));
        assert_eq!(row.len(), 2);
        assert_eq!(row.get("备注"), None);
        assert_ne!(row, [("上报", "否"), ("title", "学习")].into_iter().collect());
    }
}
