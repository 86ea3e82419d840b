//! The document date written into every output's metadata, so the same
//! inputs give the same bytes: `SOURCE_DATE_EPOCH` when set, else a date
//! the inputs fix — never the clock.

use chrono::{DateTime, NaiveDateTime};

/// `SOURCE_DATE_EPOCH` (seconds since 1970, UTC) when set to a valid time,
/// else `fallback` (the date the caller's inputs fix), else 1970-01-01.
pub fn creation_time(fallback: Option<NaiveDateTime>) -> NaiveDateTime {
    let from_epoch = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|value| value.trim().parse::<i64>().ok())
        .and_then(|seconds| DateTime::from_timestamp(seconds, 0))
        .map(|time| time.naive_utc());
    from_epoch.or(fallback).unwrap_or_default()
}
