//! Times given on the command line: RFC 3339 (`2026-11-21T05:57:00Z`,
//! `…+01:00`) or `YYYY-MM-DD HH:MM[:SS]` / `YYYY-MM-DDTHH:MM[:SS]` read as UTC.

use chrono::{DateTime, NaiveDateTime, Utc};

/// Parses a time argument into microseconds since the epoch.
pub fn parse_time(s: &str) -> Result<i64, String> {
    let s = s.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Ok(t.with_timezone(&Utc).timestamp_micros());
    }
    for pattern in [
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%d %H:%M",
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%dT%H:%M",
    ] {
        if let Ok(t) = NaiveDateTime::parse_from_str(s, pattern) {
            return Ok(t.and_utc().timestamp_micros());
        }
    }
    if let Ok(d) = chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        if let Some(t) = d.and_hms_opt(0, 0, 0) {
            return Ok(t.and_utc().timestamp_micros());
        }
    }
    Err(format!(
        "invalid time `{s}`: use RFC 3339 (2026-11-21T05:57:00Z) or `YYYY-MM-DD HH:MM[:SS]` (UTC)"
    ))
}

#[cfg(test)]
mod tests {
    use super::parse_time;

    #[test]
    fn accepts_rfc3339_and_plain_utc_forms() {
        let want = 1_795_240_620_000_000; // 2026-11-21T05:57:00Z
        assert_eq!(parse_time("2026-11-21T05:57:00Z"), Ok(want));
        assert_eq!(parse_time("2026-11-21T06:57:00+01:00"), Ok(want));
        assert_eq!(parse_time("2026-11-21 05:57"), Ok(want));
        assert_eq!(parse_time("2026-11-21 05:57:00"), Ok(want));
        assert_eq!(parse_time("2026-11-21T05:57:00.5"), Ok(want + 500_000));
        assert!(parse_time("yesterday").is_err());
        assert!(parse_time("2026-13-01 00:00").is_err());
    }
}
