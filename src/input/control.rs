//! Characters XML 1.0 forbids (U+0000–0008, U+000B, U+000C, U+000E–001F,
//! U+FFFE, U+FFFF): one in a cell would make every document quoting it
//! unreadable. A cell's text loses them as it is read (docs/提示信息.md): a vertical
//! tab or form feed — what a Word line break (Shift+Enter) becomes when
//! pasted into Excel — becomes a line break, the others are dropped, and the
//! cell is reported. File and sheet names, shown in the workbook's 说明
//! and 校验 sheets, get `_` for them. The document writer drops any still
//! handed to it.

use std::borrow::Cow;

use super::value::Value;

/// A character XML 1.0 does not allow in a document.
pub fn is_forbidden_in_xml(c: char) -> bool {
    matches!(c, '\u{0}'..='\u{8}' | '\u{B}' | '\u{C}' | '\u{E}'..='\u{1F}' | '\u{FFFE}' | '\u{FFFF}')
}

/// Whether `text` holds a character [`is_forbidden_in_xml`], by one pass
/// over its bytes: the C0 controls are single bytes, U+FFFE and U+FFFF are
/// `EF BF BE` and `EF BF BF`.
fn holds_forbidden(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.iter().enumerate().any(|(at, byte)| match byte {
        b'\t' | b'\n' | b'\r' => false,
        0..=0x1F => true,
        0xEF => bytes.get(at + 1) == Some(&0xBF) && matches!(bytes.get(at + 2), Some(0xBE | 0xBF)),
        _ => false,
    })
}

/// `text` without the characters XML forbids: a vertical tab or form feed
/// becomes a line break (`\n`), the others are dropped. Borrowed when there
/// are none, as in almost every cell.
pub fn without_forbidden(text: &str) -> Cow<'_, str> {
    if !holds_forbidden(text) {
        return Cow::Borrowed(text);
    }
    Cow::Owned(
        text.chars()
            .filter_map(|c| match c {
                '\u{B}' | '\u{C}' => Some('\n'),
                c if is_forbidden_in_xml(c) => None,
                c => Some(c),
            })
            .collect(),
    )
}

/// A file or sheet name with `_` for each character XML forbids.
pub fn name_without_forbidden(name: &str) -> Cow<'_, str> {
    if !holds_forbidden(name) {
        return Cow::Borrowed(name);
    }
    Cow::Owned(name.chars().map(|c| if is_forbidden_in_xml(c) { '_' } else { c }).collect())
}

/// Cleans a text cell in place with [`without_forbidden`] (a cell left
/// with nothing becomes empty); true when it held a forbidden character.
pub(super) fn clean_cell(value: &mut Value) -> bool {
    let Value::Text(text) = value else { return false };
    let Cow::Owned(clean) = without_forbidden(text) else { return false };
    *value = if clean.is_empty() { Value::Empty } else { Value::Text(clean.into()) };
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_byte_scan_agrees_with_the_rule_for_every_character() {
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            let text = format!("一{c}二");
            assert_eq!(holds_forbidden(&text), is_forbidden_in_xml(c), "U+{:04X}", c as u32);
        }
    }

    #[test]
    fn line_breaks_stay_breaks_and_other_controls_go() {
        assert_eq!(without_forbidden("第一\u{B}党支部\u{C}"), "第一\n党支部\n");
        assert_eq!(without_forbidden("a\u{0}b\u{1}c\u{1F}d\u{FFFE}e\u{FFFF}"), "abcde");
        assert!(matches!(without_forbidden("换行\n回车\r\t制表（全角）"), Cow::Borrowed(_)));
    }

    #[test]
    fn names_get_an_underscore_for_each() {
        assert_eq!(name_without_forbidden("台\u{B}账\u{FFFF}.xlsx"), "台_账_.xlsx");
        assert!(matches!(name_without_forbidden("台账.xlsx"), Cow::Borrowed(_)));
    }

    #[test]
    fn a_cleaned_cell_is_reported_and_one_left_empty_is_empty() {
        let mut cell = Value::Text("组织生活\u{B}记录不全".into());
        assert!(clean_cell(&mut cell));
        assert_eq!(cell, Value::Text("组织生活\n记录不全".into()));
        assert!(!clean_cell(&mut cell));
        let mut only_controls = Value::Text("\u{1}\u{2}".into());
        assert!(clean_cell(&mut only_controls));
        assert_eq!(only_controls, Value::Empty);
        assert!(!clean_cell(&mut Value::Number(1.0)));
    }
}
