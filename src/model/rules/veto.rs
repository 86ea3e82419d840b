//! 否决 veto: a single occurrence vetoes the unit. Its 否决方式 says what
//! that does (docs/计分.md 五): 最低等次, the default, gives the lowest band
//! and ranks the unit after every unit not vetoed; 不得评优 only bars it
//! from the first band. Carries no points.

use super::outcome::origins;
use super::{Definition, Facts, Needs, Outcome, Parameters, Placement, Rule, RuleKind};
use crate::number::int;

#[derive(Clone, Debug)]
pub struct Veto {
    /// The activity type that vetoes.
    pub activity: String,
    pub mode: VetoMode,
}

/// 否决方式: what a veto that fired does to the unit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VetoMode {
    /// 最低等次: the lowest band, ranked after every unit not vetoed.
    LowestBand,
    /// 不得评优: at most the second band, ranked as usual.
    NoTopBand,
}

impl VetoMode {
    /// The 否决方式 words; the first two are the canonical Chinese and English names.
    pub const fn words(self) -> &'static [&'static str] {
        match self {
            VetoMode::LowestBand => &["最低等次", "lowest_band"],
            VetoMode::NoTopBand => &["不得评优", "no_top_band"],
        }
    }
}

impl Veto {
    pub const KIND: RuleKind = RuleKind {
        keywords: &["否决", "veto", "一票否决"],
        needs: Needs {
            points: false,
            activity: true,
            veto_mode: true,
            placement: Placement::OutsideItems,
            ..Needs::BASIC
        },
        build: |given: Parameters| Some(Rule::from(Veto { activity: given.activity?, mode: given.veto_mode })),
    };
}

impl Definition for Veto {
    fn evaluate(&self, facts: &dyn Facts) -> Outcome {
        let activities = facts.activities();
        let vetoed = !activities.is_empty();
        let consequence = match self.mode {
            VetoMode::LowestBand => "一票否决",
            VetoMode::NoTopBand => "不得评优",
        };
        let reason = if vetoed {
            format!("存在{}{}次，{consequence}", self.activity, activities.len())
        } else {
            String::new()
        };
        Outcome { vetoed, ..Outcome::new(int(0), reason, origins(&activities)) }
    }

    fn counts_in_category(&self) -> bool {
        false
    }

    fn carries_points(&self) -> bool {
        false
    }

    fn bars_top_band_only(&self) -> bool {
        self.mode == VetoMode::NoTopBand
    }

    fn activity(&self) -> Option<&str> {
        Some(&self.activity)
    }
}

#[cfg(test)]
mod tests {
    use super::{Veto, VetoMode};
    use crate::model::rules::Definition;
    use crate::model::testing::*;

    #[test]
    fn one_occurrence_vetoes_with_no_points() {
        let rule = Veto { activity: "严重错误倾向".into(), mode: VetoMode::LowestBand };
        assert!(!rule.carries_points() && !rule.counts_in_category() && !rule.bars_top_band_only());
        let mut model = one_unit(vec![indicator("V1", IDEOLOGY, rule, "0")]);
        let outcome = evaluate(&model, 0, 0);
        assert!(!outcome.vetoed);
        assert_eq!(outcome.reason, "");

        model.activities = vec![activity(0, "2025-08-01", "严重错误倾向", 2)];
        let outcome = evaluate(&model, 0, 0);
        assert!(outcome.vetoed);
        assert_eq!(outcome.score, d("0"));
        assert_eq!(outcome.reason, "存在严重错误倾向1次，一票否决");
        assert_eq!(outcome.evidence, vec![origin("活动", 2)]);
    }

    #[test]
    fn a_veto_that_bars_the_top_band_says_so() {
        let rule = Veto { activity: "违规".into(), mode: VetoMode::NoTopBand };
        assert!(rule.bars_top_band_only());
        let mut model = one_unit(vec![indicator("V1", IDEOLOGY, rule, "0")]);
        model.activities = vec![activity(0, "2025-08-01", "违规", 2), activity(0, "2025-09-01", "违规", 3)];
        let outcome = evaluate(&model, 0, 0);
        assert!(outcome.vetoed);
        assert_eq!(outcome.reason, "存在违规2次，不得评优");
    }
}
