//! The scoring engine: turns a validated [`Model`] into a [`Report`] exactly
//! as SPEC §3 defines it — indicator scores with their reasons and evidence,
//! category scores, weighted score, bonus, total, rank, grade, veto, and the
//! accountability findings. Pure arithmetic on the model: no I/O, no file
//! formats, no diagnostics (everything that can be wrong was caught by
//! validation).

use crate::model::{IndicatorIndex, Model, Origin, UnitIndex};
use crate::number::Exact;

/// One indicator's result for one unit.
#[derive(Clone, Debug)]
pub struct IndicatorResult {
    pub indicator: IndicatorIndex,
    pub score: Exact,
    /// The indicator's points (0 for a veto indicator).
    pub points: Exact,
    /// `points − score` for scored rules; zero for bonus and veto.
    pub deduction: Exact,
    /// Why points were lost (or, for a bonus, earned); empty when nothing to say.
    pub reason: String,
    /// The ledger (or incident, or score) rows that counted.
    pub evidence: Vec<Origin>,
    /// A veto indicator that fired.
    pub vetoed: bool,
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
    pub bonus: Exact,
    /// T = round(W + bonus, 2).
    pub total: Exact,
    pub grade: String,
    pub veto: bool,
    /// Every indicator that applies to the unit, in criteria order.
    pub indicators: Vec<IndicatorResult>,
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

/// An incident's timeliness check, for the workbook's 舆情时效 sheet.
#[derive(Clone, Debug)]
pub struct IncidentResult {
    /// Index into `Model::incidents`.
    pub incident: usize,
    /// Hours from the previous present step for each of the four steps.
    pub hours: [Option<Exact>; 4],
    /// The first late or missing step (0..4) and whether it is missing, for
    /// the deadline of every timeliness indicator that counted it.
    pub late: Option<(usize, bool)>,
}

/// The scored assessment.
#[derive(Clone, Debug)]
pub struct Report {
    /// Assessed units in ranking order.
    pub units: Vec<UnitResult>,
    pub findings: Vec<Finding>,
    /// Every incident of an assessed unit that a timeliness indicator
    /// checked, in `Model::incidents` order.
    pub incidents: Vec<IncidentResult>,
}

/// Scores every assessed unit of `model`.
pub fn score(model: &Model) -> Report {
    let _ = model;
    todo!("engine")
}
