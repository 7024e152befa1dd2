use chrono::{NaiveDate, NaiveDateTime};

use super::*;

fn naive(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(y, mo, d)
        .and_then(|d| d.and_hms_opt(h, mi, s))
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
