//! The scoring rules of the 规则 column (docs/输入.md “指标”, docs/计分.md), one file
//! each, and [`RULES`], the one registry of them.
//!
//! Each rule's file holds everything about it: its struct with exactly the
//! parameters it takes, its [`RuleKind`] (its 规则 words, the 指标 cells it
//! needs and how they become its parameters), its evaluation, the questions
//! renderers and the engine ask of it ([`Definition`]) and its tests. Adding
//! a rule kind is one new file here and one line in the `registry!` list
//! below.
//!
//! The rules sit in the model, below both validation and scoring, rather
//! than in the engine: validation, which runs first, must find a rule by its
//! word and build it, and no import may run up the pipeline. So validation
//! ([`crate::model::validate`]) reads the cells a rule's [`Needs`] name and
//! builds it; the engine ([`crate::score`]) hands a rule the unit's rows
//! through [`Facts`]; renderers ask the rule for its label and its place in
//! the totals. A rule knows model types only — no table, no ledger index, no
//! file format. Its tests build a model and evaluate the rule on it through
//! a test double of [`Facts`] (`model::testing::evaluate`) that looks the
//! unit's rows up in the model itself; what the engine adds (categories,
//! bonus, totals, ranking) is tested in [`crate::score`].

mod outcome;
mod unit_points;

use std::ops::Deref;

pub use min_count::Due;
pub use outcome::{Facts, Outcome};
pub use timeliness::{IncidentResult, LateStep};
pub use unit_points::{Grade, GradedPoints, UnitPoints};
pub use veto::VetoMode;

use crate::input::schema::SheetKind;
use crate::model::Period;
use crate::number::Exact;

/// What a rule is asked: its evaluation, and the facts the engine and the
/// renderers need to place its score. The defaults describe a rule scored in
/// its category like any other.
pub trait Definition {
    /// Scores one unit on one indicator with this rule.
    fn evaluate(&self, facts: &dyn Facts) -> Outcome;

    /// Whether the score counts toward its category (S_c, M_c) and so the
    /// category needs a weight. Bonus and veto indicators stay outside.
    fn counts_in_category(&self) -> bool {
        true
    }

    /// Whether the score is added to the total as a bonus.
    fn is_bonus(&self) -> bool {
        false
    }

    /// Whether the indicator's points are its maximum (a veto carries none).
    fn carries_points(&self) -> bool {
        true
    }

    /// Whether the 评分 sheet gives the score.
    fn takes_manual_score(&self) -> bool {
        false
    }

    /// The normalised 活动类型 the indicator names, if any.
    fn activity(&self) -> Option<&str> {
        None
    }

    /// Whether a veto that fired only bars the unit from the first band
    /// (否决方式 不得评优) rather than giving it the lowest.
    fn bars_top_band_only(&self) -> bool {
        false
    }

    /// The hours each incident step may take, for a rule that has them.
    fn deadline_hours(&self) -> Option<&Exact> {
        None
    }

    /// Whether this is a prerequisite (前置) of its item rather than a
    /// clause that deducts: its outcome says only whether it was met.
    fn is_gate(&self) -> bool {
        false
    }

    /// The 单项分 table, for a rule whose points are graded (分级).
    fn graded(&self) -> Option<&GradedPoints> {
        None
    }
}

/// One kind of rule as the 指标 sheet spells it: its words and its cells.
pub struct RuleKind {
    /// The 规则 words; the first two are the canonical Chinese and English
    /// names messages list, and the first is the label outputs show.
    pub keywords: &'static [&'static str],
    /// The parameter cells the rule needs.
    pub needs: Needs,
    /// The rule from its checked cells; `None` when a cell it needs was
    /// missing or invalid (already reported).
    pub build: fn(Parameters) -> Option<Rule>,
}

/// Which 指标 cells a rule needs; every other parameter cell is still
/// checked when filled in, but optional.
#[derive(Clone, Copy, Debug)]
pub struct Needs {
    /// 分值 must be a number > 0 (else any number, and the points are 0).
    pub points: bool,
    /// 活动类型 must be filled in.
    pub activity: bool,
    /// 单项分 must be a number > 0 (with 分级, a table).
    pub unit_points: bool,
    /// 时限小时 must be a number > 0.
    pub deadline_hours: bool,
    /// The ledger sheets whose columns `条件` may name.
    pub filter_sheet: SheetKind,
    /// 否决方式 may be filled in (else it must stay empty).
    pub veto_mode: bool,
    /// Whether the row may, or must, be a clause of a 考核项目.
    pub placement: Placement,
    /// 分值 must be a number > 0 also inside an item (where it is otherwise
    /// an optional cap on the clause's deduction).
    pub points_in_item: bool,
    /// 截止 and 迟报扣分 may be filled in (else they must stay empty).
    pub due: bool,
    /// 分级 may be filled in, 单项分 then being a table (else 分级 must
    /// stay empty).
    pub graded: bool,
}

/// Where a rule may stand with respect to the 考核项目 (docs/输入.md “指标”).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Placement {
    /// In an item or on its own.
    Anywhere,
    /// Never inside an item: bonus and veto stand outside the item arithmetic.
    OutsideItems,
    /// Only inside an item: a prerequisite of the item's points.
    InsideItem,
}

impl Needs {
    /// What an indicator needs whatever its rule: 分值 > 0, filters on activities.
    pub const BASIC: Needs = Needs {
        points: true,
        activity: false,
        unit_points: false,
        deadline_hours: false,
        filter_sheet: SheetKind::Activities,
        veto_mode: false,
        placement: Placement::Anywhere,
        points_in_item: false,
        due: false,
        graded: false,
    };
}

/// The checked parameter cells of one 指标 row, for [`RuleKind::build`].
#[derive(Clone, Debug)]
pub struct Parameters {
    /// 活动类型, normalised; `None` when empty.
    pub activity: Option<String>,
    /// 要求次数, 1 when empty.
    pub required: u32,
    /// 周期, the year when empty.
    pub period: Period,
    /// 单项分, when filled in.
    pub unit_points: Option<Exact>,
    /// 时限小时, when filled in.
    pub deadline_hours: Option<Exact>,
    /// 否决方式, the default when empty.
    pub veto_mode: VetoMode,
    /// 截止, when filled in.
    pub due: Option<Due>,
    /// 迟报扣分, when filled in (only with 截止).
    pub late_points: Option<Exact>,
    /// 单项分 read as a table against 分级, when 分级 is filled in (then
    /// `unit_points` is `None`).
    pub graded: Option<GradedPoints>,
}

/// Declares the rules: each line names a rule's file and struct. It
/// makes [`Rule`] with one variant per struct, and [`RULES`].
macro_rules! registry {
    ($($file:ident :: $kind:ident,)*) => {
        $(pub mod $file;)*
        $(pub use $file::$kind;)*

        /// An indicator's rule, with exactly its own parameters. It answers
        /// every question of [`Definition`].
        #[derive(Clone, Debug)]
        pub enum Rule {
            $($kind($kind),)*
        }

        $(impl From<$kind> for Rule {
            fn from(rule: $kind) -> Self {
                Rule::$kind(rule)
            }
        })*

        impl Rule {
            /// The kind this rule is of.
            pub fn kind(&self) -> &'static RuleKind {
                match self {
                    $(Rule::$kind(_) => &$kind::KIND,)*
                }
            }
        }

        impl Deref for Rule {
            type Target = dyn Definition;

            fn deref(&self) -> &Self::Target {
                match self {
                    $(Rule::$kind(rule) => rule,)*
                }
            }
        }

        /// Every rule kind under its 规则 words, in the order messages list
        /// them (a keyword vocabulary of [`crate::model::validate`]).
        pub const RULES: &[(&[&str], &RuleKind)] = &[$(($kind::KIND.keywords, &$kind::KIND),)*];
    };
}

registry! {
    min_count::MinCount,
    deduct::Deduct,
    bonus::Bonus,
    timeliness::Timeliness,
    veto::Veto,
    manual::Manual,
    gate::Gate,
}

impl Rule {
    /// The rule's name as outputs show it: `至少`, `扣分`, …
    pub fn label(&self) -> &'static str {
        self.kind().keywords[0]
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;
    use crate::model::validate::keywords::lookup;
    use crate::text::normalize_keyword;

    #[test]
    fn every_keyword_finds_its_own_rule_and_no_two_rules_share_one() {
        let mut seen = BTreeSet::new();
        for (words, kind) in RULES {
            assert_eq!(*words, kind.keywords);
            assert!(words.len() >= 2, "a Chinese and an English name");
            for word in *words {
                let found = lookup(RULES, word).expect("a registered word is found");
                assert_eq!(found.keywords, kind.keywords, "{word} finds its own rule");
                assert!(seen.insert(normalize_keyword(word)), "{word} is registered once");
            }
        }
    }

    #[test]
    fn a_rule_is_labelled_with_its_first_word() {
        assert_eq!(Rule::from(Manual { activity: None }).label(), "评分");
        assert_eq!(Rule::from(Veto { activity: "违规".into(), mode: VetoMode::LowestBand }).label(), "否决");
    }
}
