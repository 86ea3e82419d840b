//! The document date written into every output's metadata, so the same
//! inputs give the same bytes: `SOURCE_DATE_EPOCH` when set, else a date
//! the inputs fix — never the clock.

use chrono::{DateTime, NaiveDateTime};

/// `SOURCE_DATE_EPOCH` (seconds since 1970, UTC) when set to a valid time.
/// Read once, into [`crate::cli::Config::source_date`].
pub(crate) fn source_date_epoch() -> Option<NaiveDateTime> {
    std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|value| value.trim().parse::<i64>().ok())
        .and_then(|seconds| DateTime::from_timestamp(seconds, 0))
        .map(|time| time.naive_utc())
}

/// The time an output records as its creation: `source_date` when given,
/// else `from_inputs` (the date the command's inputs fix), else 1970-01-01.
pub(crate) fn creation_time(
    source_date: Option<NaiveDateTime>,
    from_inputs: Option<NaiveDateTime>,
) -> NaiveDateTime {
    source_date.or(from_inputs).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::*;

    #[test]
    fn the_source_date_wins_over_the_inputs_date() {
        let day = |d| NaiveDate::from_ymd_opt(2025, 12, d).and_then(|date| date.and_hms_opt(0, 0, 0));
        assert_eq!(creation_time(day(1), day(31)), day(1).unwrap());
        assert_eq!(creation_time(None, day(31)), day(31).unwrap());
        assert_eq!(creation_time(None, None), NaiveDateTime::default());
    }
}
