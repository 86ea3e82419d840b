//! [`ReportPeriod`]: one year, half, quarter or month of a given year — what
//! a ledger row's 所属期 names (docs/输入.md “活动”) — with the text forms it
//! is typed in, and the calendar of [`Period`]s the 至少 rule counts by.

use std::fmt;

use chrono::{Datelike, NaiveDate};

use crate::model::Period;

impl Period {
    /// Months in one period: 12, 6, 3 or 1.
    pub fn months(self) -> u32 {
        match self {
            Period::Year => 12,
            Period::Half => 6,
            Period::Quarter => 3,
            Period::Month => 1,
        }
    }

    /// Periods in a year: 1, 2, 4 or 12.
    pub fn count(self) -> u32 {
        12 / self.months()
    }
}

/// A period of a given year: `2025年`, `2025年上半年`, `2025年第二季度`,
/// `2025年3月`. Equal periods are equal however they were typed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ReportPeriod {
    pub year: i32,
    pub period: Period,
    /// Which period of the year, from 0 (the first half, quarter, month).
    pub index: u32,
}

impl ReportPeriod {
    /// The `index`th (0-based) period of `period` in `year`, if it exists.
    pub fn new(year: i32, period: Period, index: u32) -> Option<Self> {
        (index < period.count() && (1..=9999).contains(&year)).then_some(ReportPeriod { year, period, index })
    }

    /// The period of `period` that holds `day`.
    pub fn containing(period: Period, day: NaiveDate) -> Self {
        ReportPeriod { year: day.year(), period, index: day.month0() / period.months() }
    }

    /// Its first day.
    pub fn first_day(&self) -> NaiveDate {
        let month = self.index * self.period.months() + 1;
        NaiveDate::from_ymd_opt(self.year, month, 1).expect("a period's first day exists")
    }

    /// Its last day.
    pub fn last_day(&self) -> NaiveDate {
        let next = self.index * self.period.months() + self.period.months() + 1;
        let after = match next {
            13 => NaiveDate::from_ymd_opt(self.year + 1, 1, 1),
            month => NaiveDate::from_ymd_opt(self.year, month, 1),
        };
        after.and_then(|day| day.pred_opt()).expect("a period's last day exists")
    }

    /// Parses the text forms of docs/输入.md “活动”: `2025` / `2025年` /
    /// `2025年度`; `2025年上半年` / `2025H1` / `2025-H1`; `2025年第二季度` /
    /// `2025年二季度` / `2025Q2`; `2025年3月` / `2025-03` / `2025/3`. Text is
    /// normalised (full-width folded, case ignored) and white space dropped
    /// first; `None` for any other text.
    pub fn parse(text: &str) -> Option<Self> {
        let text: String =
            crate::text::normalize_keyword(text).chars().filter(|c| !c.is_whitespace()).collect();
        let digits = text.bytes().take_while(u8::is_ascii_digit).count();
        if digits != 4 {
            return None;
        }
        let (year, rest) = text.split_at(4);
        let year: i32 = year.parse().ok()?;
        let of = |period, number: u32| ReportPeriod::new(year, period, number.checked_sub(1)?);
        if let Some(rest) = rest.strip_prefix('年') {
            let rest = rest.strip_prefix('度').unwrap_or(rest);
            return match rest {
                "" => of(Period::Year, 1),
                "上半年" => of(Period::Half, 1),
                "下半年" => of(Period::Half, 2),
                _ => {
                    if let Some(month) = rest.strip_suffix('月') {
                        return of(Period::Month, small_number(month)?);
                    }
                    let quarter = rest.strip_suffix("季度").or_else(|| rest.strip_suffix('季'))?;
                    let quarter = quarter.strip_prefix('第').unwrap_or(quarter);
                    let number = match quarter {
                        "一" => 1,
                        "二" => 2,
                        "三" => 3,
                        "四" => 4,
                        digits => small_number(digits)?,
                    };
                    of(Period::Quarter, number)
                }
            };
        }
        if rest.is_empty() {
            return of(Period::Year, 1);
        }
        let marked = rest.strip_prefix('-').unwrap_or(rest);
        if let Some(half) = marked.strip_prefix('h') {
            return of(Period::Half, small_number(half)?);
        }
        if let Some(quarter) = marked.strip_prefix('q') {
            return of(Period::Quarter, small_number(quarter)?);
        }
        let month = rest.strip_prefix(['-', '/', '.'])?;
        of(Period::Month, small_number(month)?)
    }
}

/// One or two ASCII digits.
fn small_number(text: &str) -> Option<u32> {
    ((1..=2).contains(&text.len()) && text.bytes().all(|b| b.is_ascii_digit())).then(|| text.parse().ok())?
}

/// As messages name it: `2025年`, `2025年上半年`, `2025年第二季度`, `2025年3月`.
impl fmt::Display for ReportPeriod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let year = self.year;
        match self.period {
            Period::Year => write!(f, "{year}年"),
            Period::Half => write!(f, "{year}年{}", ["上半年", "下半年"][self.index as usize]),
            Period::Quarter => write!(f, "{year}年第{}季度", ["一", "二", "三", "四"][self.index as usize]),
            Period::Month => write!(f, "{year}年{}月", self.index + 1),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn period(year: i32, period: Period, index: u32) -> Option<ReportPeriod> {
        ReportPeriod::new(year, period, index)
    }

    #[test]
    fn every_form_of_docs_parses_to_its_period() {
        let year = period(2025, Period::Year, 0);
        for text in ["2025", "2025年", "2025年度", " ２０２５ 年 "] {
            assert_eq!(ReportPeriod::parse(text), year, "{text}");
        }
        let first_half = period(2025, Period::Half, 0);
        for text in ["2025年上半年", "2025H1", "2025-H1", "2025h1", "2025年度上半年"] {
            assert_eq!(ReportPeriod::parse(text), first_half, "{text}");
        }
        assert_eq!(ReportPeriod::parse("2025年下半年"), period(2025, Period::Half, 1));
        assert_eq!(ReportPeriod::parse("2025-H2"), period(2025, Period::Half, 1));
        let second_quarter = period(2025, Period::Quarter, 1);
        for text in ["2025年第二季度", "2025年二季度", "2025Q2", "2025-q2", "2025年第2季度", "2025年二季"]
        {
            assert_eq!(ReportPeriod::parse(text), second_quarter, "{text}");
        }
        assert_eq!(ReportPeriod::parse("2025年第四季度"), period(2025, Period::Quarter, 3));
        let march = period(2025, Period::Month, 2);
        for text in ["2025年3月", "2025年03月", "2025-03", "2025/3", "2025.3"] {
            assert_eq!(ReportPeriod::parse(text), march, "{text}");
        }
        assert_eq!(ReportPeriod::parse("2025-12"), period(2025, Period::Month, 11));
    }

    #[test]
    fn periods_that_do_not_exist_are_no_periods() {
        for text in [
            "",
            "25",
            "20250",
            "2025年13月",
            "2025-00",
            "2025H3",
            "2025Q5",
            "2025年第五季度",
            "2025年中",
            "2025-",
            "2025年3",
            "2025-03-15",
            "上半年",
            "2025年上半年度",
        ] {
            assert_eq!(ReportPeriod::parse(text), None, "{text}");
        }
    }

    #[test]
    fn a_period_spans_its_months() {
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        let second_half = period(2025, Period::Half, 1).unwrap();
        assert_eq!((second_half.first_day(), second_half.last_day()), (day(2025, 7, 1), day(2025, 12, 31)));
        let february = period(2024, Period::Month, 1).unwrap();
        assert_eq!((february.first_day(), february.last_day()), (day(2024, 2, 1), day(2024, 2, 29)));
        let third = period(2025, Period::Quarter, 2).unwrap();
        assert_eq!((third.first_day(), third.last_day()), (day(2025, 7, 1), day(2025, 9, 30)));
        assert_eq!(ReportPeriod::containing(Period::Quarter, day(2025, 9, 30)), third);
        assert_eq!(
            ReportPeriod::containing(Period::Year, day(2026, 1, 8)),
            period(2026, Period::Year, 0).unwrap()
        );
    }

    #[test]
    fn periods_print_as_messages_name_them() {
        let shown = |text| ReportPeriod::parse(text).unwrap().to_string();
        assert_eq!(shown("2025"), "2025年");
        assert_eq!(shown("2025H2"), "2025年下半年");
        assert_eq!(shown("2025Q3"), "2025年第三季度");
        assert_eq!(shown("2025-03"), "2025年3月");
    }
}
