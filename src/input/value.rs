//! Cell values and the parsing of SPEC §2's value forms: booleans, dates and
//! date-times, numbers, percentages and years. Parsers take a [`Value`] as
//! read and return `None` when it is no valid value of the kind; the caller
//! reports the error at the cell.

use chrono::NaiveDateTime;

use crate::number::Exact;

/// A cell as read from a workbook or CSV.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Empty,
    /// Text as typed (not yet trimmed).
    Text(String),
    Number(f64),
    /// A number cell with a `%` number format: 0.4 shown as 40%.
    Percent(f64),
    Bool(bool),
    DateTime(NaiveDateTime),
    /// A spreadsheet error value such as `#DIV/0!`.
    Error(String),
}

impl Value {
    /// Empty, or text that is only white space.
    pub fn is_empty(&self) -> bool {
        todo!()
    }

    /// The value as the user sees it, trimmed: text as typed, numbers in
    /// their shortest form (`12`, `2.5`), dates `2025-03-15` (with ` HH:MM`
    /// or ` HH:MM:SS` when there is a time), booleans `TRUE`/`FALSE`.
    pub fn display(&self) -> String {
        todo!()
    }
}

/// 是/否, Y/N, yes/no, true/false, 1/0, √/× (case-insensitive), or a boolean cell.
pub fn parse_bool(value: &Value) -> Option<bool> {
    todo!()
}

/// A boolean word in text (same words as [`parse_bool`]).
pub fn parse_bool_text(text: &str) -> Option<bool> {
    todo!()
}

/// A date or date-time (SPEC §2).
pub fn parse_date_time(value: &Value) -> Option<NaiveDateTime> {
    todo!()
}

/// A number cell or numeric text, exactly.
pub fn parse_number(value: &Value) -> Option<Exact> {
    todo!()
}

/// A weight: `(value, is_percent)`.
pub fn parse_weight(value: &Value) -> Option<(Exact, bool)> {
    todo!()
}

/// `2025`, `2025年`, `2025年度`, or a number cell.
pub fn parse_year(value: &Value) -> Option<i32> {
    todo!()
}
