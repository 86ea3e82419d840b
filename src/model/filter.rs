//! The `条件` filter of an indicator (docs/输入.md “指标”): `column=value`
//! and `column!=value` conditions that must all hold for an activity (or incident) row to count.
//! One definition, used by the engine and by the rules' tests.

use crate::input::value::parse_bool_text;
use crate::model::{Attributes, Condition, Expected};

/// Whether every condition holds for a row with these attributes.
pub(crate) fn matches(filter: &[Condition], attributes: &Attributes) -> bool {
    filter.iter().all(|condition| holds(condition, attributes))
}

fn holds(condition: &Condition, attributes: &Attributes) -> bool {
    let value = attributes.get(&condition.column).unwrap_or("");
    let equal = match &condition.expected {
        Expected::Bool(expected) => parse_bool_text(value) == Some(*expected),
        Expected::Text(expected) => value == expected,
        Expected::Empty => value.is_empty(),
    };
    equal != condition.negated
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::testing::{condition, unequal};

    fn row(pairs: &[(&str, &str)]) -> Attributes {
        pairs.iter().map(|(key, value)| (key.to_string(), value.to_string())).collect()
    }

    #[test]
    fn boolean_words_compare_as_booleans() {
        let reported = [condition("上报", Expected::Bool(true))];
        assert!(matches(&reported, &row(&[("上报", "y")])));
        assert!(matches(&reported, &row(&[("上报", "√")])));
        assert!(matches(&reported, &row(&[("上报", "是")])));
        assert!(!matches(&reported, &row(&[("上报", "否")])));
        assert!(!matches(&reported, &row(&[("上报", "已上报")])));
        assert!(!matches(&reported, &row(&[])));
        let not_reported = [condition("上报", Expected::Bool(false))];
        assert!(matches(&not_reported, &row(&[("上报", "×")])));
        assert!(!matches(&not_reported, &row(&[])));
    }

    #[test]
    fn text_and_empty_conditions() {
        let written = [condition("形式", Expected::Text("书面".into()))];
        assert!(matches(&written, &row(&[("形式", "书面")])));
        assert!(!matches(&written, &row(&[("形式", "当面")])));
        let empty = [condition("上报", Expected::Empty)];
        assert!(matches(&empty, &row(&[])));
        assert!(matches(&empty, &row(&[("上报", "")])));
        assert!(!matches(&empty, &row(&[("上报", "是")])));
    }

    #[test]
    fn every_condition_must_hold() {
        let both =
            [condition("形式", Expected::Text("书面".into())), condition("上报", Expected::Bool(true))];
        assert!(matches(&both, &row(&[("形式", "书面"), ("上报", "1")])));
        assert!(!matches(&both, &row(&[("形式", "书面"), ("上报", "0")])));
        assert!(matches(&[], &row(&[])));
    }

    #[test]
    fn unequal_holds_exactly_when_equal_does_not() {
        let unreported = [unequal("上报", Expected::Bool(true))];
        assert!(!matches(&unreported, &row(&[("上报", "√")])));
        assert!(matches(&unreported, &row(&[("上报", "否")])));
        assert!(matches(&unreported, &row(&[("上报", "已上报")])));
        assert!(matches(&unreported, &row(&[])));
        let not_written = [unequal("形式", Expected::Text("书面".into()))];
        assert!(!matches(&not_written, &row(&[("形式", "书面")])));
        assert!(matches(&not_written, &row(&[("形式", "当面")])));
        assert!(matches(&not_written, &row(&[])));
        // `材料!=`: evidence required.
        let evidenced = [unequal("evidence", Expected::Empty)];
        assert!(matches(&evidenced, &row(&[("evidence", "会议记录.pdf")])));
        assert!(!matches(&evidenced, &row(&[("evidence", "")])));
        assert!(!matches(&evidenced, &row(&[])));
    }
}
