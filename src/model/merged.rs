//! The merged ranking of `kaohe merge` (docs/命令.md): the units of every
//! submitted score workbook, verified against their own workbook
//! ([`crate::model::validate::submissions`]) and ranked on one scale.

use std::sync::Arc;

use chrono::NaiveDateTime;

use crate::number::Exact;

/// One submitted workbook.
#[derive(Clone, Debug)]
pub struct Submission {
    /// The file name shown in messages and in 说明.
    pub file: Arc<str>,
    pub sha256: String,
    /// The submitting organisation (its workbook's 考核单位).
    pub assessor: String,
    /// Its grade band names, best first (from its 说明 等次).
    pub grades: Vec<String>,
    /// Its 生成时间.
    pub created: Option<NaiveDateTime>,
}

/// One unit as submitted, with its rank among all merged units.
#[derive(Clone, Debug)]
pub struct MergedUnit {
    /// Index into [`MergedRanking::submissions`].
    pub submission: usize,
    pub id: String,
    pub name: String,
    pub weighted: Exact,
    pub bonus: Exact,
    pub total: Exact,
    pub grade: String,
    pub veto: bool,
    /// Barred from the first band by a 不得评优 veto (its 否决 cell reads 不得评优).
    pub barred: bool,
    pub rank: u32,
    /// (category, N_c) of every category it was assessed in, in its
    /// workbook's column order (a `—` cell is a category it was not).
    pub categories: Vec<(String, Exact)>,
}

/// All submitted units ranked on one scale.
#[derive(Clone, Debug)]
pub struct MergedRanking {
    pub year: i32,
    /// The merging organisation's ideological weight P, when given.
    pub ideological_weight: Option<Exact>,
    pub submissions: Vec<Submission>,
    /// In ranking order: vetoed units last, highest total first, ties by id.
    pub units: Vec<MergedUnit>,
    /// Grade band names in order of first appearance across submissions.
    pub grades: Vec<String>,
    /// Document date of the merged workbook: `SOURCE_DATE_EPOCH` when set,
    /// else the latest submission's 生成时间, so the same inputs give the same bytes.
    pub created: NaiveDateTime,
}
