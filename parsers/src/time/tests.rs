use super::*;

fn ctx_at(zone: Tz, y: i32, mo: u32, d: u32, h: u32, mi: u32) -> TimeContext {
    TimeContext {
        zone,
        reference: Utc.with_ymd_and_hms(y, mo, d, h, mi, 0).unwrap(),
    }
}

#[test]
fn time_of_day_reads_two_digit_hours_with_any_fraction() {
    let t = |h, m, s, ms| NaiveTime::from_hms_milli_opt(h, m, s, ms).expect("valid time");
    assert_eq!(
        time_of_day("05:53:09.285 [main]"),
        Ok((" [main]", t(5, 53, 9, 285)))
    );
    assert_eq!(time_of_day("23:59:59,001"), Ok(("", t(23, 59, 59, 1))));
    assert_eq!(time_of_day("05:53:09 x"), Ok((" x", t(5, 53, 9, 0))));
    assert!(time_of_day("5:53:09.285").is_err());
    assert!(time_of_day("25:53:09").is_err());
    assert!(time_of_day("2026-11-21").is_err());
    assert!(time_of_day("05:53").is_err());
}

#[test]
fn resolve_time_of_day_takes_the_latest_day_not_after_the_reference() {
    let flags = TimeFlags::ZONE_ASSUMED | TimeFlags::YEAR_INFERRED;
    let hms = |h, m, s| NaiveTime::from_hms_opt(h, m, s).expect("valid time");
    let ctx = ctx_at(chrono_tz::UTC, 2026, 11, 21, 12, 0);
    // Earlier in the day of the reference: that day.
    assert_eq!(
        ctx.resolve_time_of_day(hms(5, 53, 9)),
        Some((Utc.with_ymd_and_hms(2026, 11, 21, 5, 53, 9).unwrap(), flags))
    );
    // A few minutes after the reference: still that day (slack).
    assert_eq!(
        ctx.resolve_time_of_day(hms(12, 4, 0)),
        Some((Utc.with_ymd_and_hms(2026, 11, 21, 12, 4, 0).unwrap(), flags))
    );
    // Later than the reference: the day before.
    assert_eq!(
        ctx.resolve_time_of_day(hms(13, 0, 0)),
        Some((Utc.with_ymd_and_hms(2026, 11, 20, 13, 0, 0).unwrap(), flags))
    );
    // The day is the reference's day in the source's zone: 00:30 UTC is
    // still Nov 20 in Chicago, so 18:00 there is Nov 20 18:00 CST.
    let chicago = ctx_at(chrono_tz::America::Chicago, 2026, 11, 21, 0, 30);
    assert_eq!(
        chicago.resolve_time_of_day(hms(18, 0, 0)),
        Some((Utc.with_ymd_and_hms(2026, 11, 21, 0, 0, 0).unwrap(), flags))
    );
}

use chrono::{NaiveDate, NaiveDateTime};

fn naive(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(y, mo, d)
        .and_then(|d| d.and_hms_opt(h, mi, s))
        .unwrap_or_default()
}

fn utc(s: &str) -> NaiveDateTime {
    DateTime::parse_from_rfc3339(s)
        .map(|d| d.naive_utc())
        .unwrap_or_default()
}

#[test]
fn iso8601_reads_a_space_padded_hour() {
    // MariaDB's error log: `%d-%02d-%02d %2d:%02d:%02d`.
    let (rest, t) = iso8601("2026-11-21  5:53:08 0 [Note] x").expect("padded hour");
    assert_eq!(rest, " 0 [Note] x");
    assert_eq!(t.naive, naive(2026, 11, 21, 5, 53, 8));
    assert_eq!(t.zone, ZoneSpec::Local);
    let (rest, t) = iso8601("2026-11-21 15:53:08 0").expect("two-digit hour");
    assert_eq!(rest, " 0");
    assert_eq!(t.naive, naive(2026, 11, 21, 15, 53, 8));
    // Only one padding space, and only before a one-digit hour.
    assert!(iso8601("2026-11-21   5:53:08").is_err());
    assert!(iso8601("2026-11-21  15:53:08").is_err());
    assert!(iso8601("2026-11-21T 5:53:08").is_err());
    assert!(iso8601("2026-11-21  ").is_err());
}

#[test]
fn epoch_text_keeps_decimal_seconds_exact() {
    let t = epoch_text("1795240389.2851233").map(|t| t.naive);
    assert_eq!(t, Some(utc("2026-11-21T05:53:09.2851233Z")));
    let t = epoch_text("1795240389285").map(|t| t.naive);
    assert_eq!(t, Some(utc("2026-11-21T05:53:09.285Z")));
    assert_eq!(epoch_text("12.5"), None);
}

#[test]
fn timestamp_value_reads_whole_values_only() {
    let ok = |s: &str| timestamp_value(s).map(|t| t.naive);
    assert_eq!(
        ok("2026-11-21T05:53:09.285Z"),
        Some(utc("2026-11-21T05:53:09.285Z"))
    );
    assert_eq!(ok(" 1795240389 "), Some(utc("2026-11-21T05:53:09Z")));
    assert_eq!(
        ok("Nov 21 05:53:09").map(|t| t.time()),
        Some(utc("2026-11-21T05:53:09Z").time())
    );
    assert_eq!(ok("2026-11-21T05:53:09Z and more"), None);
    assert_eq!(ok("12ms"), None);
    assert_eq!(ok("42"), None);
    assert_eq!(ok(""), None);
}
