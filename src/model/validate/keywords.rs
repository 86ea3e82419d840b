//! The keyword vocabularies of docs/输入.md — periods, decisions, roles,
//! stances, veto modes, and the rules' words in their registry
//! ([`crate::model::rules::RULES`]) — each a table of (Chinese, English,
//! value), matched case-insensitively after normalisation. One place per
//! word list.

use crate::model::rules::VetoMode;
use crate::model::{Decision, Period, Role, Stance};
use crate::text::normalize_keyword;

/// Each entry: the words that denote a value (the first two are the
/// canonical Chinese and English names shown in messages), and the value.
pub type Vocabulary<T> = &'static [(&'static [&'static str], T)];

pub const PERIODS: Vocabulary<Period> = &[
    (&["年", "year", "全年", "年度", "每年", "yearly", "annual"], Period::Year),
    (&["半年", "half", "半年度", "每半年", "half-year", "half_year", "half-yearly"], Period::Half),
    (&["季度", "quarter", "季", "每季度", "quarterly"], Period::Quarter),
    (&["月", "month", "月度", "每月", "monthly"], Period::Month),
];

/// The words of each value of an enum that names its own ([`Decision::words`], …).
macro_rules! vocabulary {
    ($($value:expr),* $(,)?) => {
        &[$(($value.words(), $value)),*]
    };
}

pub const DECISIONS: Vocabulary<Decision> = vocabulary![Decision::Collective, Decision::Individual];

pub const VETO_MODES: Vocabulary<VetoMode> = vocabulary![VetoMode::LowestBand, VetoMode::NoTopBand];

pub const ROLES: Vocabulary<Role> = vocabulary![Role::Principal, Role::InCharge, Role::Member, Role::Decider];

pub const STANCES: Vocabulary<Stance> = vocabulary![Stance::For, Stance::Against];

/// Looks `word` up in `vocabulary` (any of its words, case-insensitive).
pub fn lookup<T: Copy>(vocabulary: Vocabulary<T>, word: &str) -> Option<T> {
    let word = normalize_keyword(word);
    vocabulary.iter().find(|(words, _)| words.contains(&word.as_str())).map(|(_, value)| *value)
}

/// The canonical words of a vocabulary, for a message: `至少|min_count、扣分|deduct`.
pub fn choices<T>(vocabulary: Vocabulary<T>) -> String {
    vocabulary.iter().map(|(words, _)| format!("{}|{}", words[0], words[1])).collect::<Vec<_>>().join("、")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::rules::RULES;

    #[test]
    fn keywords_match_in_both_languages_case_insensitively() {
        let rule = |word| lookup(RULES, word).map(|kind| kind.keywords[0]);
        assert_eq!(rule("至少"), Some("至少"));
        assert_eq!(rule(" Min_Count "), Some("至少"));
        assert_eq!(lookup(PERIODS, "季度"), Some(Period::Quarter));
        assert_eq!(lookup(PERIODS, "HALF"), Some(Period::Half));
        assert_eq!(lookup(ROLES, "In_Charge"), Some(Role::InCharge));
        assert_eq!(lookup(STANCES, "反对"), Some(Stance::Against));
        assert_eq!(lookup(DECISIONS, "个人"), Some(Decision::Individual));
        assert_eq!(rule("至多"), None);
    }
}
