//! Typed access to one table row during validation: each getter parses a
//! schema column's cell and reports a located error when the value is
//! missing or invalid, so every sheet's validation reads the same way.

use chrono::NaiveDateTime;

use super::keywords::{Vocabulary, choices, lookup};
use crate::diagnostic::{Diagnostics, Location, Text};
use crate::input::schema::Column;
use crate::input::value::{self, Value};
use crate::input::{Row, Table};
use crate::model::{Origin, Period, ReportPeriod};
use crate::number::Exact;

/// One row of a table, with the diagnostics its problems go to.
pub(super) struct Cells<'a> {
    pub table: &'a Table,
    pub row: &'a crate::input::Row,
    pub diagnostics: &'a mut Diagnostics,
}

/// The schema column with English key `key` of `table`.
fn column(table: &Table, key: &str) -> Column {
    *table.schema().iter().find(|column| column.en == key).expect("a schema column key")
}

impl<'a> Cells<'a> {
    pub(super) fn new(table: &'a Table, row: &'a Row, diagnostics: &'a mut Diagnostics) -> Self {
        Cells { table, row, diagnostics }
    }

    pub(super) fn value(&self, key: &str) -> &'a Value {
        self.table.get(self.row, key)
    }

    pub(super) fn location(&self, key: &str) -> Location {
        self.table.location(self.row, key)
    }

    pub(super) fn origin(&self) -> Origin {
        Origin {
            file: self.table.file.clone(),
            sheet: self.table.sheet.clone(),
            row: self.row.number,
            col: self.table.first_col,
        }
    }

    pub(super) fn error(&mut self, key: &str, message: Text) {
        let location = self.location(key);
        self.diagnostics.error(Some(location), message);
    }

    /// The cell as typed, trimmed; empty when the cell or column is absent.
    pub(super) fn text(&self, key: &str) -> String {
        self.value(key).display()
    }

    /// The cell's text, or an error when it is empty.
    pub(super) fn required(&mut self, key: &str) -> Option<String> {
        let text = self.text(key);
        if text.is_empty() {
            let Column { zh, en, .. } = column(self.table, key);
            self.error(key, text!("“{zh}”不能为空", "{en} must not be empty"));
            None
        } else {
            Some(text)
        }
    }

    /// An id (unit id, indicator code, case id), required: a key, kept in
    /// the normalised form references match and every output shows
    /// (`Ｕ０１` → `U01`).
    pub(super) fn id(&mut self, key: &str) -> Option<String> {
        self.required(key).map(|id| crate::text::normalize(&id))
    }

    /// Parses a cell with `parse`: `Ok(None)` when empty, `Err(())` after
    /// reporting `“v” 不是有效{what}` when the value is invalid.
    fn parse<T>(
        &mut self,
        key: &str,
        what: (&str, &str),
        parse: impl Fn(&Value) -> Option<T>,
    ) -> Result<Option<T>, ()> {
        let value = self.value(key);
        if value.is_empty() {
            return Ok(None);
        }
        match parse(value) {
            Some(parsed) => Ok(Some(parsed)),
            None => {
                let shown = value.display();
                let (zh, en) = what;
                self.error(key, text!("“{shown}” 不是有效{zh}", "\"{shown}\" is not a valid {en}"));
                Err(())
            }
        }
    }

    pub(super) fn date_time(&mut self, key: &str) -> Result<Option<NaiveDateTime>, ()> {
        self.parse(key, ("日期", "date"), value::parse_date_time)
    }

    /// A 所属期 (docs/输入.md “活动”), as [`report_period`] reads it.
    pub(super) fn report_period(&mut self, key: &str) -> Result<Option<ReportPeriod>, ()> {
        let value = self.value(key);
        if value.is_empty() {
            return Ok(None);
        }
        match report_period(value) {
            Some(period) => Ok(Some(period)),
            None => {
                let shown = value.display();
                self.error(
                    key,
                    text!(
                        "“{shown}” 不是有效的所属期，应写作“2025年”“2025年上半年”“2025年第二季度”或“2025年3月”",
                        "\"{shown}\" is not a valid report period; write 2025, 2025H1, 2025Q2 or 2025-03"
                    ),
                );
                Err(())
            }
        }
    }

    pub(super) fn number(&mut self, key: &str) -> Result<Option<Exact>, ()> {
        self.parse(key, ("数值", "number"), value::parse_number)
    }

    pub(super) fn boolean(&mut self, key: &str) -> Result<Option<bool>, ()> {
        self.parse(key, ("是/否值", "yes/no value"), value::parse_bool)
    }

    pub(super) fn weight(&mut self, key: &str) -> Result<Option<(Exact, bool)>, ()> {
        self.parse(key, ("权重", "weight"), value::parse_weight)
    }

    /// A keyword from `vocabulary`; an unknown word lists the accepted ones.
    pub(super) fn keyword<T: Copy>(&mut self, key: &str, vocabulary: Vocabulary<T>) -> Result<Option<T>, ()> {
        let shown = self.text(key);
        if shown.is_empty() {
            return Ok(None);
        }
        match lookup(vocabulary, &shown) {
            Some(value) => Ok(Some(value)),
            None => {
                let Column { zh, en, .. } = column(self.table, key);
                let accepted = choices(vocabulary);
                self.error(
                    key,
                    text!(
                        "“{shown}” 不是有效的{zh}，应为：{accepted}",
                        "\"{shown}\" is not a valid {en}; expected one of: {accepted}"
                    ),
                );
                Err(())
            }
        }
    }

    /// Turns an optional parse of a required column into its value, reporting
    /// an empty cell: `cells.present("date", cells.date_time("date"))` — the
    /// parse has already reported an invalid value.
    pub(super) fn present<T>(&mut self, key: &str, parsed: Result<Option<T>, ()>) -> Option<T> {
        match parsed {
            Ok(Some(value)) => Some(value),
            Ok(None) => {
                self.required(key);
                None
            }
            Err(()) => None,
        }
    }
}

/// A 所属期 cell: one of [`ReportPeriod::parse`]'s forms, a year in a
/// number cell, or a date (its month); `None` for anything else.
fn report_period(value: &Value) -> Option<ReportPeriod> {
    let parsed = match value {
        Value::Number(number) if number.fract() == 0.0 && (1000.0..=9999.0).contains(number) => {
            ReportPeriod::new(*number as i32, Period::Year, 0)
        }
        Value::Text(text) => ReportPeriod::parse(text),
        _ => None,
    };
    parsed.or_else(|| {
        value::parse_date_time(value).map(|at| ReportPeriod::containing(Period::Month, at.date()))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::testing::at;

    #[test]
    fn a_report_period_cell_is_a_form_a_year_or_a_date_month() {
        let text = |text: &str| report_period(&Value::Text(text.into()));
        assert_eq!(text("2025H2"), ReportPeriod::new(2025, Period::Half, 1));
        assert_eq!(report_period(&Value::Number(2025.0)), ReportPeriod::new(2025, Period::Year, 0));
        let march = ReportPeriod::new(2025, Period::Month, 2);
        assert_eq!(report_period(&Value::DateTime(at("2025-03-31 18:00"))), march);
        assert_eq!(text("2025-03-15"), march, "a date typed as text is its month too");
        assert_eq!(report_period(&Value::Number(45_747.0)), march, "2025-03-31 as an Excel serial");
        assert_eq!(text("2025年第五季度"), None);
        assert_eq!(report_period(&Value::Bool(true)), None);
    }
}
