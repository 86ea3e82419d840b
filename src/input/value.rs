//! Cell values and the parsing of the value forms of docs/输入.md 六: booleans, dates and
//! date-times, numbers, percentages and years. Parsers take a [`Value`] as
//! read and return `None` when it is no valid value of the kind; the caller
//! reports the error at the cell. Text is normalised (full-width digits and
//! punctuation folded) before it is parsed.

use std::sync::Arc;

use chrono::{NaiveDate, NaiveDateTime, NaiveTime, TimeDelta, Timelike};

use crate::number::{self, Exact};
use crate::text::{normalize, normalize_keyword};

/// A cell as read from a workbook or CSV.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Empty,
    /// Text as typed (not yet trimmed). Shared: a workbook's repeated
    /// strings (unit ids, types, 是/否) are held once.
    Text(Arc<str>),
    Number(f64),
    /// A number cell with a `%` number format: 0.4 shown as 40%.
    Percent(f64),
    Bool(bool),
    DateTime(NaiveDateTime),
    /// A spreadsheet error value such as `#DIV/0!`.
    Error(String),
}

impl Value {
    /// Empty, or text that is only white space (U+3000 included).
    pub fn is_empty(&self) -> bool {
        match self {
            Value::Empty => true,
            Value::Text(text) => text.trim().is_empty(),
            _ => false,
        }
    }

    /// The value as the user sees it, trimmed: text as typed, numbers in
    /// their shortest form (`12`, `2.5`), percentages `40%`, dates
    /// `2025-03-15` (with ` HH:MM` or ` HH:MM:SS` when there is a time),
    /// booleans `TRUE`/`FALSE`, errors as the spreadsheet shows them.
    pub fn display(&self) -> String {
        match self {
            Value::Empty => String::new(),
            Value::Text(text) => text.trim().to_owned(),
            Value::Number(number) => format!("{number}"),
            Value::Percent(fraction) => match number::from_f64(*fraction) {
                Some(exact) => format!("{}%", number::format_trimmed(&(exact * number::int(100)), 10)),
                None => format!("{fraction}"),
            },
            Value::Bool(true) => "TRUE".to_owned(),
            Value::Bool(false) => "FALSE".to_owned(),
            Value::DateTime(at) => display_date_time(at),
            Value::Error(error) => error.trim().to_owned(),
        }
    }
}

fn display_date_time(at: &NaiveDateTime) -> String {
    let time = at.time();
    if time == NaiveTime::MIN {
        at.format("%Y-%m-%d").to_string()
    } else if time.second() == 0 {
        at.format("%Y-%m-%d %H:%M").to_string()
    } else {
        at.format("%Y-%m-%d %H:%M:%S").to_string()
    }
}

/// The boolean words of docs/输入.md 六, lower-case: (word, meaning).
const BOOLEAN_WORDS: [(&str, bool); 16] = [
    ("是", true),
    ("否", false),
    ("y", true),
    ("n", false),
    ("yes", true),
    ("no", false),
    ("true", true),
    ("false", false),
    ("1", true),
    ("0", false),
    ("√", true),
    ("×", false),
    // Tick and cross variants that input methods produce for √ and ×.
    ("✓", true),
    ("✔", true),
    ("✗", false),
    ("✘", false),
];

/// The boolean words a template offers: 是 and 否.
pub const BOOLEAN_CHOICES: [&str; 2] = [BOOLEAN_WORDS[0].0, BOOLEAN_WORDS[1].0];

/// 是/否, Y/N, yes/no, true/false, 1/0, √/× (case-insensitive), or a boolean
/// cell, or a number cell holding 1 or 0.
pub fn parse_bool(value: &Value) -> Option<bool> {
    match value {
        Value::Bool(flag) => Some(*flag),
        Value::Number(number) if *number == 1.0 => Some(true),
        Value::Number(number) if *number == 0.0 => Some(false),
        Value::Text(text) => parse_bool_text(text),
        _ => None,
    }
}

/// A boolean word in text (same words as [`parse_bool`]).
pub fn parse_bool_text(text: &str) -> Option<bool> {
    let word = normalize_keyword(text);
    BOOLEAN_WORDS.iter().find(|(known, _)| *known == word).map(|(_, flag)| *flag)
}

/// A date or date-time (docs/输入.md 六): a date cell, an Excel serial number (1900
/// date system) in a number cell or as text, or text in one of the forms
/// `2025-03-15`, `2025/3/15`, `2025.3.15`, `2025年3月15日`, `20250315`, each
/// optionally followed by a time `H:MM[:SS]`; a month alone (`2025年3月`,
/// `2025-03`, `2025/3`) is the 1st of that month. A date alone is 00:00.
/// A bare year is no date.
pub fn parse_date_time(value: &Value) -> Option<NaiveDateTime> {
    match value {
        Value::DateTime(at) => Some(*at),
        Value::Number(number) => parse_date_number(*number),
        Value::Text(text) => parse_date_text(text),
        _ => None,
    }
}

/// A number as a date: eight digits `20250315`, else an Excel serial. A
/// bare year (`2025`, which as a serial would be 1905-07-17) is no date: it
/// is far likelier a date typed without month and day.
fn parse_date_number(number: f64) -> Option<NaiveDateTime> {
    let whole = number.fract() == 0.0;
    if whole && (10_000_000.0..100_000_000.0).contains(&number) {
        return parse_calendar_date_time(&format!("{number}"));
    }
    if whole && (1900.0..=2100.0).contains(&number) {
        return None;
    }
    excel_serial_to_date_time(number)
}

/// Largest serial Excel shows as a date: 9999-12-31.
const EXCEL_LAST_SERIAL: f64 = 2_958_465.0;

/// An Excel serial date-time in the 1900 date system, with Excel's fictitious
/// 1900-02-29 (serial 60, which is no valid date) between the 28th and the
/// 1st: serials below 60 are one day later than the epoch arithmetic says.
/// Times are rounded to the second.
fn excel_serial_to_date_time(serial: f64) -> Option<NaiveDateTime> {
    if !(1.0..EXCEL_LAST_SERIAL + 1.0).contains(&serial) || (60.0..61.0).contains(&serial) {
        return None;
    }
    let epoch = NaiveDate::from_ymd_opt(1899, 12, 30)?.and_time(NaiveTime::MIN);
    let days = if serial < 60.0 { serial + 1.0 } else { serial };
    let seconds = (days * 86_400.0).round() as i64;
    epoch.checked_add_signed(TimeDelta::seconds(seconds))
}

fn parse_date_text(text: &str) -> Option<NaiveDateTime> {
    let text = normalize(text);
    if let Some(date_time) = parse_calendar_date_time(&text) {
        return Some(date_time);
    }
    // A serial number typed or exported as text.
    parse_date_number(number::to_f64(&number::parse_decimal(&text)?))
}

/// A date (or month) followed by an optional time.
fn parse_calendar_date_time(text: &str) -> Option<NaiveDateTime> {
    let (date, rest, month_only) = parse_date_prefix(text)?;
    let rest = rest.trim_start();
    if rest.is_empty() {
        return Some(date.and_time(NaiveTime::MIN));
    }
    if month_only {
        return None;
    }
    let rest = rest.strip_prefix('T').unwrap_or(rest).trim_start();
    Some(date.and_time(parse_time(rest)?))
}

/// Reads the date at the start of `text`: `(date, rest, month_only)`.
fn parse_date_prefix(text: &str) -> Option<(NaiveDate, &str, bool)> {
    let mut cursor = Cursor(text);
    if let Some(digits) = cursor.digits(8, 8) {
        let (year, month, day) = (&digits[..4], &digits[4..6], &digits[6..]);
        let date = NaiveDate::from_ymd_opt(year.parse().ok()?, month.parse().ok()?, day.parse().ok()?)?;
        return Some((date, cursor.0, false));
    }
    let year: i32 = cursor.digits(4, 4)?.parse().ok()?;
    let separator = cursor.one_of(&['-', '/', '.', '年'])?;
    let month: u32 = cursor.digits(1, 2)?.parse().ok()?;
    let day: Option<u32> = if separator == '年' {
        cursor.one_of(&['月'])?;
        let day = cursor.digits(1, 2).map(|day| day.parse()).transpose().ok()?;
        if day.is_some() {
            cursor.one_of(&['日', '号']);
        }
        day
    } else if cursor.one_of(&[separator]).is_some() {
        Some(cursor.digits(1, 2)?.parse().ok()?)
    } else {
        None
    };
    let date = NaiveDate::from_ymd_opt(year, month, day.unwrap_or(1))?;
    Some((date, cursor.0, day.is_none()))
}

/// `H:MM` or `H:MM:SS` (a fraction of a second is dropped), the whole text.
fn parse_time(text: &str) -> Option<NaiveTime> {
    let mut cursor = Cursor(text);
    let hour: u32 = cursor.digits(1, 2)?.parse().ok()?;
    cursor.one_of(&[':'])?;
    let minute: u32 = cursor.digits(2, 2)?.parse().ok()?;
    let second: u32 = match cursor.one_of(&[':']) {
        Some(_) => cursor.digits(2, 2)?.parse().ok()?,
        None => 0,
    };
    if cursor.one_of(&['.']).is_some() {
        cursor.digits(1, 9)?;
    }
    if !cursor.0.is_empty() {
        return None;
    }
    NaiveTime::from_hms_opt(hour, minute, second)
}

/// A tiny scanner over the remaining text; white space around CJK date
/// markers (`2025 年 3 月`) is skipped.
struct Cursor<'a>(&'a str);

impl<'a> Cursor<'a> {
    /// Between `min` and `max` ASCII digits, not followed by another digit.
    fn digits(&mut self, min: usize, max: usize) -> Option<&'a str> {
        let text = self.0.trim_start();
        let count = text.bytes().take_while(u8::is_ascii_digit).count();
        if count < min || count > max {
            return None;
        }
        let (digits, rest) = text.split_at(count);
        self.0 = rest;
        Some(digits)
    }

    fn one_of(&mut self, choices: &[char]) -> Option<char> {
        let text = self.0.trim_start();
        let first = text.chars().next().filter(|c| choices.contains(c))?;
        self.0 = &text[first.len_utf8()..];
        Some(first)
    }
}

/// A number cell or numeric text, exactly. Text may use thousands separators
/// in groups of three (`1,234.5`); `40%` is 0.4, as a spreadsheet reads it.
/// A percent cell gives its underlying value (0.4 for 40%).
pub fn parse_number(value: &Value) -> Option<Exact> {
    match value {
        Value::Number(number) | Value::Percent(number) => number::from_f64(*number),
        Value::Text(text) => {
            let text = normalize(text);
            match text.strip_suffix('%') {
                Some(percent) => Some(parse_numeric_text(percent)? / number::int(100)),
                None => parse_numeric_text(&text),
            }
        }
        _ => None,
    }
}

/// A decimal, optionally with thousands separators in groups of three.
fn parse_numeric_text(text: &str) -> Option<Exact> {
    let text = text.trim();
    if !text.contains(',') {
        return number::parse_decimal(text);
    }
    let unsigned = text.trim_start_matches(['-', '+']);
    let whole = unsigned.split('.').next().unwrap_or_default();
    let mut groups = whole.split(',');
    let first = groups.next().unwrap_or_default();
    let grouped = (1..=3).contains(&first.len())
        && groups.all(|group| group.len() == 3)
        && whole.bytes().all(|b| b.is_ascii_digit() || b == b',');
    if !grouped {
        return None;
    }
    number::parse_decimal(&text.replace(',', ""))
}

/// A weight: `(value, is_percent)`. A `%` cell or text like `40%` gives the
/// percentage (`Percent(0.4)` → 40) and `true`; a plain number gives itself
/// and `false` (the validator decides whether a system of plain numbers is
/// fractions).
pub fn parse_weight(value: &Value) -> Option<(Exact, bool)> {
    let hundred = number::int(100);
    match value {
        Value::Percent(fraction) => Some((number::from_f64(*fraction)? * hundred, true)),
        Value::Text(text) if normalize(text).ends_with('%') => Some((parse_number(value)? * hundred, true)),
        _ => Some((parse_number(value)?, false)),
    }
}

/// `2025`, `2025年`, `2025年度`, or a number cell.
pub fn parse_year(value: &Value) -> Option<i32> {
    let year = match value {
        Value::Number(number) if number.fract() == 0.0 => *number as i64,
        Value::Text(text) => {
            let text = normalize(text);
            let digits =
                text.strip_suffix("年度").or_else(|| text.strip_suffix('年')).unwrap_or(&text).trim();
            if digits.len() != 4 || !digits.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            digits.parse().ok()?
        }
        _ => return None,
    };
    (1900..=9999).contains(&year).then_some(year as i32)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(text: &str) -> Value {
        Value::Text(text.into())
    }

    fn at(y: i32, m: u32, d: u32, hh: u32, mm: u32, ss: u32) -> Option<NaiveDateTime> {
        Some(NaiveDate::from_ymd_opt(y, m, d).unwrap().and_hms_opt(hh, mm, ss).unwrap())
    }

    fn day(y: i32, m: u32, d: u32) -> Option<NaiveDateTime> {
        at(y, m, d, 0, 0, 0)
    }

    fn exact(text: &str) -> Exact {
        number::parse_decimal(text).unwrap()
    }

    #[test]
    fn emptiness_includes_ideographic_space() {
        assert!(Value::Empty.is_empty());
        assert!(text(" \u{3000}\t").is_empty());
        assert!(!text(" x ").is_empty());
        assert!(!Value::Number(0.0).is_empty());
    }

    #[test]
    fn display_shows_what_the_user_typed() {
        assert_eq!(text("  （第一）党支部 ").display(), "（第一）党支部");
        assert_eq!(Value::Number(12.0).display(), "12");
        assert_eq!(Value::Number(2.5).display(), "2.5");
        assert_eq!(Value::Percent(0.4).display(), "40%");
        assert_eq!(Value::Percent(0.075).display(), "7.5%");
        assert_eq!(Value::Bool(true).display(), "TRUE");
        assert_eq!(Value::Bool(false).display(), "FALSE");
        assert_eq!(Value::DateTime(day(2025, 3, 15).unwrap()).display(), "2025-03-15");
        assert_eq!(Value::DateTime(at(2025, 3, 15, 9, 30, 0).unwrap()).display(), "2025-03-15 09:30");
        assert_eq!(Value::DateTime(at(2025, 3, 15, 9, 30, 5).unwrap()).display(), "2025-03-15 09:30:05");
        assert_eq!(Value::Error("#DIV/0!".into()).display(), "#DIV/0!");
        assert_eq!(Value::Empty.display(), "");
    }

    #[test]
    fn every_boolean_word() {
        for word in ["是", "Y", "y", "YES", "Yes", "true", "TRUE", "1", "√", "✓", " 是 "] {
            assert_eq!(parse_bool(&text(word)), Some(true), "{word}");
        }
        for word in ["否", "N", "n", "no", "NO", "false", "False", "0", "×", "✗", "０"] {
            assert_eq!(parse_bool(&text(word)), Some(false), "{word}");
        }
        for word in ["", "maybe", "2", "是的", "x"] {
            assert_eq!(parse_bool(&text(word)), None, "{word}");
        }
        assert_eq!(parse_bool(&Value::Bool(true)), Some(true));
        assert_eq!(parse_bool(&Value::Number(1.0)), Some(true));
        assert_eq!(parse_bool(&Value::Number(0.0)), Some(false));
        assert_eq!(parse_bool(&Value::Number(2.0)), None);
        assert_eq!(parse_bool(&Value::Empty), None);
        assert_eq!(parse_bool_text("Yes"), Some(true));
    }

    #[test]
    fn every_date_form() {
        let expected = day(2025, 3, 15);
        for form in [
            "2025-03-15",
            "2025-3-15",
            "2025/3/15",
            "2025.3.15",
            "2025年3月15日",
            "2025年03月15号",
            "2025 年 3 月 15 日",
            "20250315",
            "２０２５－０３－１５",
            " 2025-03-15 ",
        ] {
            assert_eq!(parse_date_time(&text(form)), expected, "{form}");
        }
        assert_eq!(parse_date_time(&Value::Number(20250315.0)), expected);
        assert_eq!(parse_date_time(&Value::DateTime(expected.unwrap())), expected);
    }

    #[test]
    fn dates_with_times() {
        let expected = at(2025, 3, 15, 9, 30, 0);
        for form in [
            "2025-03-15 9:30",
            "2025-03-15 09:30",
            "2025-03-15T09:30",
            "2025-03-15T09:30:00",
            "2025/3/15 9:30",
            "2025.3.15 9:30",
            "2025年3月15日 9:30",
            "2025年3月15日9:30",
            "20250315 09:30",
            "2025-03-15　9：30",
            "2025-03-15T09:30:00.000",
        ] {
            assert_eq!(parse_date_time(&text(form)), expected, "{form}");
        }
        assert_eq!(parse_date_time(&text("2025-03-15 23:59:58")), at(2025, 3, 15, 23, 59, 58));
    }

    #[test]
    fn a_month_alone_is_its_first_day() {
        for form in ["2025年3月", "2025-03", "2025/3", "2025.3", "2025-3"] {
            assert_eq!(parse_date_time(&text(form)), day(2025, 3, 1), "{form}");
        }
        assert_eq!(parse_date_time(&text("2025-03 9:30")), None);
    }

    #[test]
    fn invalid_dates_are_rejected() {
        for form in [
            "2025-13-01",
            "2025-02-30",
            "2025年13月",
            "20251301",
            "2025-03-15 25:00",
            "2025-03-15 9:60",
            "2025-03-15 9:3",
            "2025-03-15 later",
            "2025-03/15",
            "15/03/2025",
            "yesterday",
            "",
        ] {
            assert_eq!(parse_date_time(&text(form)), None, "{form}");
        }
        assert_eq!(parse_date_time(&Value::Bool(true)), None);
        assert_eq!(parse_date_time(&Value::Number(-1.0)), None);
    }

    #[test]
    fn serial_numbers_use_the_1900_system_with_its_leap_year_bug() {
        assert_eq!(parse_date_time(&Value::Number(45731.0)), day(2025, 3, 15));
        assert_eq!(parse_date_time(&Value::Number(45731.5)), at(2025, 3, 15, 12, 0, 0));
        assert_eq!(parse_date_time(&Value::Number(45731.395833333336)), at(2025, 3, 15, 9, 30, 0));
        assert_eq!(parse_date_time(&text("45731")), day(2025, 3, 15));
        assert_eq!(parse_date_time(&Value::Number(1.0)), day(1900, 1, 1));
        assert_eq!(parse_date_time(&Value::Number(59.0)), day(1900, 2, 28));
        assert_eq!(parse_date_time(&Value::Number(60.0)), None, "1900-02-29 does not exist");
        assert_eq!(parse_date_time(&Value::Number(61.0)), day(1900, 3, 1));
        assert_eq!(parse_date_time(&Value::Number(2958465.0)), day(9999, 12, 31));
        assert_eq!(parse_date_time(&Value::Number(2958466.0)), None);
        assert_eq!(parse_date_time(&Value::Number(2025.0)), None, "a bare year is no date");
        assert_eq!(parse_date_time(&text("2025")), None);
    }

    #[test]
    fn numbers_are_exact() {
        assert_eq!(parse_number(&Value::Number(0.15)), Some(exact("0.15")));
        assert_eq!(parse_number(&text(" 2.5 ")), Some(exact("2.5")));
        assert_eq!(parse_number(&text("１２")), Some(exact("12")));
        assert_eq!(parse_number(&text("-3")), Some(exact("-3")));
        assert_eq!(parse_number(&text("1,234.5")), Some(exact("1234.5")));
        assert_eq!(parse_number(&text("12,345,678")), Some(exact("12345678")));
        assert_eq!(parse_number(&text("40%")), Some(exact("0.4")));
        assert_eq!(parse_number(&Value::Percent(0.4)), Some(exact("0.4")));
        for bad in ["1,23", "1,2345", ",123", "12a", "", "1.2.3", "--1"] {
            assert_eq!(parse_number(&text(bad)), None, "{bad}");
        }
        assert_eq!(parse_number(&Value::Bool(true)), None);
        assert_eq!(parse_number(&Value::Empty), None);
    }

    #[test]
    fn weights_say_whether_they_are_percentages() {
        assert_eq!(parse_weight(&Value::Percent(0.4)), Some((exact("40"), true)));
        assert_eq!(parse_weight(&Value::Percent(0.35)), Some((exact("35"), true)));
        assert_eq!(parse_weight(&text("40%")), Some((exact("40"), true)));
        assert_eq!(parse_weight(&text("12.5％")), Some((exact("12.5"), true)));
        assert_eq!(parse_weight(&Value::Number(40.0)), Some((exact("40"), false)));
        assert_eq!(parse_weight(&Value::Number(0.4)), Some((exact("0.4"), false)));
        assert_eq!(parse_weight(&text("40")), Some((exact("40"), false)));
        assert_eq!(parse_weight(&text("forty")), None);
        assert_eq!(parse_weight(&text("%")), None);
    }

    #[test]
    fn years_in_every_form() {
        assert_eq!(parse_year(&text("2025")), Some(2025));
        assert_eq!(parse_year(&text("2025年")), Some(2025));
        assert_eq!(parse_year(&text("2025年度")), Some(2025));
        assert_eq!(parse_year(&text("２０２５年度")), Some(2025));
        assert_eq!(parse_year(&Value::Number(2025.0)), Some(2025));
        assert_eq!(parse_year(&Value::Number(2025.5)), None);
        assert_eq!(parse_year(&text("25")), None);
        assert_eq!(parse_year(&text("2025年3月")), None);
        assert_eq!(parse_year(&text("year")), None);
    }
}
