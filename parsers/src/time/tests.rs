use super::*;

fn utc(s: &str) -> NaiveDateTime {
    DateTime::parse_from_rfc3339(s)
        .map(|d| d.naive_utc())
        .unwrap_or_default()
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
