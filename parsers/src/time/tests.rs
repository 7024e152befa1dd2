use chrono::{DateTime, NaiveDate, SecondsFormat, TimeZone, Timelike, Utc};
use proptest::prelude::*;

use super::*;

type Reader = fn(&str) -> IResult<&str, ParsedTime>;

fn naive(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32, nanos: u32) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(y, mo, d)
        .and_then(|d| d.and_hms_nano_opt(h, mi, s, nanos))
        .unwrap_or_else(|| panic!("bad test date {y}-{mo}-{d} {h}:{mi}:{s}.{nanos}"))
}

fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32, nanos: u32) -> DateTime<Utc> {
    Utc.from_utc_datetime(&naive(y, mo, d, h, mi, s, nanos))
}

fn ctx_with(zone: Tz, reference: DateTime<Utc>) -> TimeContext {
    TimeContext { zone, reference }
}

/// The default test context: UTC, reference 2026-11-21 12:00 UTC.
fn ctx() -> TimeContext {
    ctx_with(chrono_tz::UTC, utc(2026, 11, 21, 12, 0, 0, 0))
}

/// Runs `reader` on each input and compares (wall clock, zone, year missing, rest).
#[allow(clippy::type_complexity)]
fn check_reader(
    name: &str,
    reader: Reader,
    ok: &[(&str, NaiveDateTime, ZoneSpec, bool, &str)],
    bad: &[&str],
) {
    let mut failures = Vec::new();
    for &(input, want_naive, want_zone, want_missing, want_rest) in ok {
        match reader(input) {
            Ok((rest, t)) => {
                let got = (t.naive, t.zone, t.year_missing, rest);
                let want = (want_naive, want_zone, want_missing, want_rest);
                if got != want {
                    failures.push(format!("{input:?}: got {got:?}, want {want:?}"));
                }
            }
            Err(e) => failures.push(format!("{input:?}: refused ({e:?})")),
        }
    }
    for &input in bad {
        if let Ok((rest, t)) = reader(input) {
            failures.push(format!("{input:?}: accepted as {t:?}, rest {rest:?}"));
        }
    }
    assert!(failures.is_empty(), "{name}:\n{}", failures.join("\n"));
}

const LOCAL: ZoneSpec = ZoneSpec::Local;
const Z: ZoneSpec = ZoneSpec::Offset(0);

#[test]
fn iso8601_reads_rfc3339_and_log_variants() {
    let t = naive(2026, 11, 21, 5, 53, 8, 246_000_000);
    check_reader(
        "iso8601",
        iso8601,
        &[
            ("2026-11-21T05:53:08.246Z", t, Z, false, ""),
            ("2026-11-21t05:53:08.246z rest", t, Z, false, " rest"),
            (
                "2026-11-21 05:53:08,463 INFO",
                naive(2026, 11, 21, 5, 53, 8, 463_000_000),
                LOCAL,
                false,
                " INFO",
            ),
            (
                "2026-11-21 05:53:08.246+01:00",
                t,
                ZoneSpec::Offset(3600),
                false,
                "",
            ),
            (
                "2026-11-21T05:53:08.246-0530]",
                t,
                ZoneSpec::Offset(-19800),
                false,
                "]",
            ),
            (
                "2026-11-21T05:53:08.246+03 x",
                t,
                ZoneSpec::Offset(10800),
                false,
                " x",
            ),
            (
                "2026/11/21 06:00:48 [error]",
                naive(2026, 11, 21, 6, 0, 48, 0),
                LOCAL,
                false,
                " [error]",
            ),
            (
                "2026-11-21_05:53:08",
                naive(2026, 11, 21, 5, 53, 8, 0),
                LOCAL,
                false,
                "",
            ),
            // Nanoseconds are kept; digits past the ninth are read and dropped.
            (
                "2026-11-21T05:53:08.123456789Z",
                naive(2026, 11, 21, 5, 53, 8, 123_456_789),
                Z,
                false,
                "",
            ),
            (
                "2026-11-21T05:53:08.1234567891234Z",
                naive(2026, 11, 21, 5, 53, 8, 123_456_789),
                Z,
                false,
                "",
            ),
            // A leap second is folded into the last nanosecond of :59.
            (
                "2016-12-31T23:59:60Z",
                naive(2016, 12, 31, 23, 59, 59, 999_999_999),
                Z,
                false,
                "",
            ),
            // A zone word after a space is not read by plain iso8601.
            (
                "2026-11-21 05:53:08 UTC",
                naive(2026, 11, 21, 5, 53, 8, 0),
                LOCAL,
                false,
                " UTC",
            ),
            // An out-of-range offset is not an offset: left unread.
            (
                "2026-11-21T05:53:08+24:00",
                naive(2026, 11, 21, 5, 53, 8, 0),
                LOCAL,
                false,
                "+24:00",
            ),
            // A dot not followed by a digit is not a fraction.
            (
                "2026-11-21 05:53:08. next",
                naive(2026, 11, 21, 5, 53, 8, 0),
                LOCAL,
                false,
                ". next",
            ),
        ],
        &[
            "",
            "2026-11-21",
            "2026-11-21T",
            "2026-11-21T05:53",
            "2026-11-21T5:3:08",
            "2026-11-21X05:53:08",
            "2026-13-01T00:00:00",
            "2026-02-30T00:00:00",
            "2026-11-21T24:00:00",
            "2026-11-21T05:60:00",
            "2026-11-21T05:53:61",
            "26-11-21 05:53:08",
            "2026-11/21 05:53:08",
            "２０２６-11-21 05:53:08",
            "2026-11-21T05:53:0é",
        ],
    );
}

#[test]
fn iso8601_zoned_reads_known_zone_words_only() {
    let t = naive(2026, 11, 21, 5, 53, 8, 246_000_000);
    check_reader(
        "iso8601_zoned",
        iso8601_zoned,
        &[
            ("2026-11-21 05:53:08.246 UTC [1]", t, Z, false, " [1]"),
            (
                "2026-11-21 05:53:08.246 CEST",
                t,
                ZoneSpec::Offset(7200),
                false,
                "",
            ),
            (
                "2026-11-21 05:53:08.246 +03 x",
                t,
                ZoneSpec::Offset(10800),
                false,
                " x",
            ),
            (
                "2026-11-21 05:53:08.246 Europe/Berlin x",
                t,
                ZoneSpec::Named(chrono_tz::Europe::Berlin),
                false,
                " x",
            ),
            // An unknown word may be a level: left unread.
            ("2026-11-21 05:53:08.246 INFO x", t, LOCAL, false, " INFO x"),
            ("2026-11-21 05:53:08.246 XYZT x", t, LOCAL, false, " XYZT x"),
            // A word glued to digits is not a zone.
            ("2026-11-21 05:53:08.246 UTC1 x", t, LOCAL, false, " UTC1 x"),
            ("2026-11-21 05:53:08.246Z", t, Z, false, ""),
        ],
        &["Nov 21 05:53:08"],
    );
}

#[test]
fn iso8601_zone_word_consumes_and_flags_unknown_abbreviations() {
    let t = naive(2026, 11, 21, 5, 53, 8, 0);
    check_reader(
        "iso8601_zone_word",
        iso8601_zone_word,
        &[
            ("2026-11-21 05:53:08 UTC [1]", t, Z, false, " [1]"),
            (
                "2026-11-21 05:53:08 XYZT [1]",
                t,
                ZoneSpec::Unrecognized,
                false,
                " [1]",
            ),
            // Lower case or longer than five letters: not an abbreviation.
            ("2026-11-21 05:53:08 xyzt [1]", t, LOCAL, false, " xyzt [1]"),
            (
                "2026-11-21 05:53:08 ABCDEF [1]",
                t,
                LOCAL,
                false,
                " ABCDEF [1]",
            ),
        ],
        &[],
    );
    let (_, parsed) =
        iso8601_zone_word("2026-11-21 05:53:08 XYZT").unwrap_or_else(|e| panic!("{e}"));
    let berlin = ctx_with(chrono_tz::Europe::Berlin, utc(2026, 11, 21, 12, 0, 0, 0));
    assert_eq!(
        berlin.resolve(parsed),
        Some((utc(2026, 11, 21, 4, 53, 8, 0), TimeFlags::ZONE_UNRECOGNIZED))
    );
}

#[test]
fn clf_reads_access_log_times() {
    check_reader(
        "clf",
        clf,
        &[
            (
                "21/Nov/2026:05:53:10 +0000] \"GET",
                naive(2026, 11, 21, 5, 53, 10, 0),
                Z,
                false,
                "] \"GET",
            ),
            (
                "01/jan/2027:00:00:00 -0500",
                naive(2027, 1, 1, 0, 0, 0, 0),
                ZoneSpec::Offset(-18000),
                false,
                "",
            ),
            (
                "21/Nov/2026:05:53:10.123 +0100",
                naive(2026, 11, 21, 5, 53, 10, 123_000_000),
                ZoneSpec::Offset(3600),
                false,
                "",
            ),
            (
                "21/Nov/2026:05:53:10]",
                naive(2026, 11, 21, 5, 53, 10, 0),
                LOCAL,
                false,
                "]",
            ),
        ],
        &[
            "21/Foo/2026:05:53:10 +0000",
            "31/Nov/2026:05:53:10 +0000",
            "21/Nov/2026 05:53:10 +0000",
            "1/Nov/2026:05:53:10 +0000",
            "21/Nov/2026:05:53",
            "21/Nov/2026:25:53:10 +0000",
        ],
    );
}

#[test]
fn syslog_bsd_reads_year_less_times() {
    check_reader(
        "syslog_bsd",
        syslog_bsd,
        &[
            (
                "Nov 21 05:53:10 web-1 sshd[1]:",
                naive(2000, 11, 21, 5, 53, 10, 0),
                LOCAL,
                true,
                " web-1 sshd[1]:",
            ),
            (
                "Nov  1 05:53:10 host",
                naive(2000, 11, 1, 5, 53, 10, 0),
                LOCAL,
                true,
                " host",
            ),
            (
                "Nov 1 05:53:10 host",
                naive(2000, 11, 1, 5, 53, 10, 0),
                LOCAL,
                true,
                " host",
            ),
            (
                "Feb 29 00:00:00",
                naive(2000, 2, 29, 0, 0, 0, 0),
                LOCAL,
                true,
                "",
            ),
            (
                "Nov 21 2026 05:53:10 host",
                naive(2026, 11, 21, 5, 53, 10, 0),
                LOCAL,
                false,
                " host",
            ),
            (
                "Nov 21 05:53:10.123456 host",
                naive(2000, 11, 21, 5, 53, 10, 123_456_000),
                LOCAL,
                true,
                " host",
            ),
        ],
        &[
            "Nov 32 05:53:10",
            "Nov21 05:53:10",
            "Foo 21 05:53:10",
            "Nov 21 5:53",
            "Nov   1 05:53:10",
            "Feb 30 00:00:00",
            "Nov 21 2026 25:00:00",
            "No",
        ],
    );
}

#[test]
fn ctime_reads_apache_error_log_times() {
    check_reader(
        "ctime",
        ctime,
        &[
            (
                "Sat Nov 21 05:53:08.123456 2026] [core:error]",
                naive(2026, 11, 21, 5, 53, 8, 123_456_000),
                LOCAL,
                false,
                "] [core:error]",
            ),
            (
                "Sun Nov  1 05:53:08 2026",
                naive(2026, 11, 1, 5, 53, 8, 0),
                LOCAL,
                false,
                "",
            ),
        ],
        &[
            "Sat Nov 21 05:53:08.123456",
            "Sat Nov 21 05:53:08 26",
            "Sa Nov 21 05:53:08 2026xxxx",
            "Sat Feb 29 05:53:08 2026",
        ],
    );
}

#[test]
fn mysql_short_reads_yymmdd_times() {
    check_reader(
        "mysql_short",
        mysql_short,
        &[
            (
                "261121  5:57:09 \tQuery",
                naive(2026, 11, 21, 5, 57, 9, 0),
                LOCAL,
                false,
                " \tQuery",
            ),
            (
                "261121 05:57:09",
                naive(2026, 11, 21, 5, 57, 9, 0),
                LOCAL,
                false,
                "",
            ),
        ],
        &[
            "261321 05:57:09",
            "261121T05:57:09",
            "26112 05:57:09",
            "261121 5:5:09",
        ],
    );
}

#[test]
fn any_timestamp_reads_every_shape() {
    for input in [
        "2026-11-21T05:53:08.246Z",
        "2026-11-21 05:53:08 UTC",
        "21/Nov/2026:05:53:10 +0000",
        "Nov 21 05:53:10",
        "Sat Nov 21 05:53:08 2026",
        "261121  5:57:09",
    ] {
        assert!(any_timestamp(input).is_ok(), "{input}");
    }
    for input in ["", "hello", "1795240389", "05:53:08"] {
        assert!(any_timestamp(input).is_err(), "{input}");
    }
}

#[test]
fn epoch_text_is_exact_for_every_unit() {
    let base = utc(2026, 11, 21, 5, 53, 9, 0);
    let cases = [
        ("1795240389", 0),
        ("1795240389463", 463_000_000),
        ("1795240389463123", 463_123_000),
        ("1795240389463123456", 463_123_456),
        (" 1795240389 ", 0),
    ];
    for (text, nanos) in cases {
        let got = epoch_text(text).map(|t| t.naive);
        assert_eq!(
            got,
            Some(base.naive_utc().with_nanosecond(nanos).unwrap_or_default()),
            "{text}"
        );
    }
    for bad in [
        "",
        "0",
        "-1795240389",
        "123",
        "abc",
        "1795240389x",
        "99999999999999999999",
    ] {
        assert_eq!(epoch_text(bad), None, "{bad}");
    }
}

#[test]
fn epoch_text_with_fraction_is_exact() {
    let base = utc(2026, 11, 21, 5, 53, 9, 0).naive_utc();
    let cases = [
        ("1795240389.463", 463_000_000),
        ("1795240389.000001", 1_000),
        ("1795240389.123456789", 123_456_789),
        ("1795240389.1234567899", 123_456_789),
        ("1795240389463.5", 463_500_000),
        ("1795240389463123.25", 463_123_250),
    ];
    for (text, nanos) in cases {
        let got = epoch_text(text).map(|t| t.naive);
        assert_eq!(got, base.with_nanosecond(nanos), "{text}");
    }
    for bad in [
        ".5",
        "1795240389.4.6",
        "1795240389.-4",
        "-1795240389.5",
        "1795240389.5x",
    ] {
        assert_eq!(epoch_text(bad), None, "{bad}");
    }
}

#[test]
fn epoch_number_guesses_the_unit_and_drops_float_noise() {
    let base = utc(2026, 11, 21, 5, 53, 9, 0).naive_utc();
    let cases = [
        (1_795_240_389.0, 0),
        (1_795_240_389.463, 463_000_000),
        (1_795_240_389.000_001, 1_000),
        (1_795_240_389_463.0, 463_000_000),
        (1_795_240_389_463_123.0, 463_123_000),
        (1_795_240_389_463_123_000.0, 463_123_000),
    ];
    for (v, nanos) in cases {
        assert_eq!(
            epoch_number(v).map(|t| t.naive),
            base.with_nanosecond(nanos),
            "{v}"
        );
    }
    for bad in [0.0, -1.0, f64::NAN, f64::INFINITY, 1.0e30, 12345.0] {
        assert_eq!(epoch_number(bad), None, "{bad}");
    }
    // Rounding up to the next second carries.
    assert_eq!(
        epoch_number(1_795_240_389.999_999_9).map(|t| t.naive),
        Some(base + Duration::seconds(1))
    );
}

#[test]
fn with_pattern_reads_strftime_patterns() {
    let t = with_pattern("2026-11-21 05:53:09.463", "%Y-%m-%d %H:%M:%S%.3f");
    assert_eq!(
        t,
        Some(ParsedTime {
            naive: naive(2026, 11, 21, 5, 53, 9, 463_000_000),
            zone: LOCAL,
            year_missing: false
        })
    );
    let t = with_pattern("21/Nov/2026:05:53:09 -0500", "%d/%b/%Y:%H:%M:%S %z");
    assert_eq!(t.map(|t| t.zone), Some(ZoneSpec::Offset(-18000)));
    let t = with_pattern("Nov 21 05:53:09", "%b %d %H:%M:%S");
    assert_eq!(
        t.map(|t| (t.year_missing, t.naive.month())),
        Some((true, 11))
    );
    assert_eq!(with_pattern("1795240389", "epoch").map(|t| t.zone), Some(Z));
    assert_eq!(with_pattern("garbage", "%Y-%m-%d %H:%M:%S"), None);
    assert_eq!(with_pattern("", "%b %d %H:%M:%S"), None);
}

#[test]
fn zone_abbreviations() {
    let cases = [
        ("UTC", 0),
        ("GMT", 0),
        ("Z", 0),
        ("CET", 3600),
        ("CEST", 7200),
        ("BST", 3600),
        ("MSK", 3 * 3600),
        ("IST", 5 * 3600 + 1800),
        ("JST", 9 * 3600),
        ("AEDT", 11 * 3600),
        ("EST", -5 * 3600),
        ("EDT", -4 * 3600),
        ("CST", -6 * 3600),
        ("CDT", -5 * 3600),
        ("PST", -8 * 3600),
        ("PDT", -7 * 3600),
        ("HST", -10 * 3600),
    ];
    for (name, off) in cases {
        assert_eq!(zone_abbreviation(name), Some(off), "{name}");
    }
    for unknown in ["", "utc", "XYZ", "INFO", "Europe/Berlin"] {
        assert_eq!(zone_abbreviation(unknown), None, "{unknown}");
    }
    // Resolved through a reader: the abbreviation's offset wins over the context's zone.
    let (_, t) = iso8601_zoned("2026-11-21 00:53:08 EST").unwrap_or_else(|e| panic!("{e}"));
    let berlin = ctx_with(chrono_tz::Europe::Berlin, utc(2026, 11, 21, 12, 0, 0, 0));
    assert_eq!(
        berlin.resolve(t),
        Some((utc(2026, 11, 21, 5, 53, 8, 0), TimeFlags::empty()))
    );
}

fn local(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> ParsedTime {
    ParsedTime {
        naive: naive(y, mo, d, h, mi, 0, 0),
        zone: LOCAL,
        year_missing: false,
    }
}

#[test]
fn dst_gap_moves_forward() {
    // Chicago springs forward on 2026-03-08 at 02:00 CST (08:00 UTC) to 03:00 CDT:
    // 02:30 never happened on the wall clock. It is moved forward by the gap,
    // to 03:30 CDT (08:30 UTC) — after the jump, never before it.
    let chicago = ctx_with(chrono_tz::America::Chicago, utc(2026, 11, 21, 12, 0, 0, 0));
    assert_eq!(
        chicago.resolve(local(2026, 3, 8, 2, 30)),
        Some((
            utc(2026, 3, 8, 8, 30, 0, 0),
            TimeFlags::ZONE_ASSUMED | TimeFlags::DST_GAP
        ))
    );
    // The first instant of the gap is the jump itself.
    assert_eq!(
        chicago.resolve(local(2026, 3, 8, 2, 0)).map(|r| r.0),
        Some(utc(2026, 3, 8, 8, 0, 0, 0))
    );
    // Times around the gap are plain.
    assert_eq!(
        chicago.resolve(local(2026, 3, 8, 1, 59)),
        Some((utc(2026, 3, 8, 7, 59, 0, 0), TimeFlags::ZONE_ASSUMED))
    );
    assert_eq!(
        chicago.resolve(local(2026, 3, 8, 3, 0)),
        Some((utc(2026, 3, 8, 8, 0, 0, 0), TimeFlags::ZONE_ASSUMED))
    );
    // Order is kept across the gap: 01:59 < 02:30 (moved) < 03:31.
    let before = chicago.resolve(local(2026, 3, 8, 1, 59)).map(|r| r.0);
    let moved = chicago.resolve(local(2026, 3, 8, 2, 30)).map(|r| r.0);
    let after = chicago.resolve(local(2026, 3, 8, 3, 31)).map(|r| r.0);
    assert!(
        before < moved && moved < after,
        "{before:?} {moved:?} {after:?}"
    );
    // A half-hour gap (Lord Howe Island) moves by half an hour.
    let lord_howe = ctx_with(
        chrono_tz::Australia::Lord_Howe,
        utc(2026, 11, 21, 12, 0, 0, 0),
    );
    let (t, flags) = lord_howe
        .resolve(local(2026, 10, 4, 2, 15))
        .unwrap_or_else(|| panic!("resolved"));
    assert!(flags.contains(TimeFlags::DST_GAP));
    // 02:15 +10:30 before the jump = 02:45 +11:00 after it.
    assert_eq!(t, utc(2026, 10, 3, 15, 45, 0, 0));
}

#[test]
fn dst_overlap_takes_the_earlier_instant() {
    // Chicago falls back on 2026-11-01 at 02:00 CDT to 01:00 CST: 01:30 happened twice.
    let chicago = ctx_with(chrono_tz::America::Chicago, utc(2026, 11, 21, 12, 0, 0, 0));
    assert_eq!(
        chicago.resolve(local(2026, 11, 1, 1, 30)),
        Some((
            utc(2026, 11, 1, 6, 30, 0, 0),
            TimeFlags::ZONE_ASSUMED | TimeFlags::DST_AMBIGUOUS
        ))
    );
    // A named zone in the text gets the same treatment, without zone-assumed.
    let named = ParsedTime {
        zone: ZoneSpec::Named(chrono_tz::America::Chicago),
        ..local(2026, 11, 1, 1, 30)
    };
    assert_eq!(
        ctx().resolve(named),
        Some((utc(2026, 11, 1, 6, 30, 0, 0), TimeFlags::DST_AMBIGUOUS))
    );
    // An offset in the text ignores the context's zone and DST entirely.
    let offset = ParsedTime {
        zone: ZoneSpec::Offset(-6 * 3600),
        ..local(2026, 11, 1, 1, 30)
    };
    assert_eq!(
        chicago.resolve(offset),
        Some((utc(2026, 11, 1, 7, 30, 0, 0), TimeFlags::empty()))
    );
}

fn year_less(mo: u32, d: u32, h: u32, mi: u32, s: u32) -> ParsedTime {
    ParsedTime {
        naive: naive(2000, mo, d, h, mi, s, 0),
        zone: LOCAL,
        year_missing: true,
    }
}

#[test]
fn year_inference_around_new_year() {
    let ctx = ctx_with(chrono_tz::UTC, utc(2027, 1, 2, 0, 0, 0, 0));
    let flags = TimeFlags::ZONE_ASSUMED | TimeFlags::YEAR_INFERRED;
    assert_eq!(
        ctx.resolve(year_less(12, 31, 23, 59, 59)),
        Some((utc(2026, 12, 31, 23, 59, 59, 0), flags))
    );
    assert_eq!(
        ctx.resolve(year_less(1, 1, 0, 0, 0)),
        Some((utc(2027, 1, 1, 0, 0, 0, 0), flags))
    );
    // Up to a day after the reference (clock skew, a file's mtime) stays in its year.
    assert_eq!(
        ctx.resolve(year_less(1, 2, 23, 0, 0)).map(|r| r.0),
        Some(utc(2027, 1, 2, 23, 0, 0, 0))
    );
    // Later than that: last year.
    assert_eq!(
        ctx.resolve(year_less(1, 4, 0, 0, 0)).map(|r| r.0),
        Some(utc(2026, 1, 4, 0, 0, 0, 0))
    );
    // Through the syslog reader.
    let (_, t) = syslog_bsd("Dec 31 23:59:59 host").unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        ctx.resolve(t).map(|r| r.0),
        Some(utc(2026, 12, 31, 23, 59, 59, 0))
    );
    let (_, t) = syslog_bsd("Jan  1 00:00:01 host").unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        ctx.resolve(t).map(|r| r.0),
        Some(utc(2027, 1, 1, 0, 0, 1, 0))
    );
}

#[test]
fn feb_29_without_year_takes_the_last_leap_year() {
    // 2027 is not a leap year, nor 2026 or 2025: the last Feb 29 was in 2024.
    let ctx = ctx_with(chrono_tz::UTC, utc(2027, 6, 1, 0, 0, 0, 0));
    assert_eq!(
        ctx.resolve(year_less(2, 29, 12, 0, 0)).map(|r| r.0),
        Some(utc(2024, 2, 29, 12, 0, 0, 0))
    );
    // In a leap year, after Feb 29: that year.
    let ctx = ctx_with(chrono_tz::UTC, utc(2028, 3, 1, 0, 0, 0, 0));
    assert_eq!(
        ctx.resolve(year_less(2, 29, 12, 0, 0)).map(|r| r.0),
        Some(utc(2028, 2, 29, 12, 0, 0, 0))
    );
}

#[test]
fn resolve_flags_and_zones() {
    let berlin = ctx_with(chrono_tz::Europe::Berlin, utc(2026, 11, 21, 12, 0, 0, 0));
    // Zone-less: read in the context's zone, flagged.
    assert_eq!(
        berlin.resolve(local(2026, 7, 1, 12, 0)),
        Some((utc(2026, 7, 1, 10, 0, 0, 0), TimeFlags::ZONE_ASSUMED))
    );
    // UTC epochs and offsets are not.
    let epoch = epoch_text("1795240389").unwrap_or_else(|| panic!("epoch"));
    assert_eq!(
        berlin.resolve(epoch),
        Some((utc(2026, 11, 21, 5, 53, 9, 0), TimeFlags::empty()))
    );
    // An unrecognized zone word: the context's zone, flagged as such.
    let unknown = ParsedTime {
        zone: ZoneSpec::Unrecognized,
        ..local(2026, 7, 1, 12, 0)
    };
    assert_eq!(
        berlin.resolve(unknown),
        Some((utc(2026, 7, 1, 10, 0, 0, 0), TimeFlags::ZONE_UNRECOGNIZED))
    );
    assert_eq!(
        rfc3339_ms(&utc(2026, 11, 21, 5, 53, 9, 463_999_999)),
        "2026-11-21T05:53:09.463Z"
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// `iso8601` agrees with chrono's RFC 3339 parser to the nanosecond.
    #[test]
    fn iso8601_matches_chrono_rfc3339(
        secs in 0i64..253_402_300_799, // 1970 ..= 9999-12-31T23:59:59
        nanos in 0u32..1_000_000_000,
        offset_minutes in -(23 * 60 + 59)..=(23 * 60 + 59),
        digits in prop::sample::select(vec![
            SecondsFormat::Secs,
            SecondsFormat::Millis,
            SecondsFormat::Micros,
            SecondsFormat::Nanos,
            SecondsFormat::AutoSi,
        ]),
        use_z in any::<bool>(),
    ) {
        let offset = chrono::FixedOffset::east_opt(offset_minutes * 60)
            .unwrap_or_else(|| panic!("offset"));
        let instant = DateTime::<Utc>::from_timestamp(secs, nanos)
            .unwrap_or_else(|| panic!("instant"));
        let text = instant.with_timezone(&offset).to_rfc3339_opts(digits, use_z);
        let want = DateTime::parse_from_rfc3339(&text)
            .unwrap_or_else(|e| panic!("chrono refuses its own {text}: {e}"))
            .with_timezone(&Utc);
        let (rest, parsed) = iso8601(&text).unwrap_or_else(|e| panic!("{text}: {e}"));
        prop_assert_eq!(rest, "");
        let (got, flags) = ctx().resolve(parsed).unwrap_or_else(|| panic!("{text}"));
        prop_assert_eq!(got, want, "{}", text);
        prop_assert!(flags.is_empty());
        // The same text with a space instead of `T` reads the same.
        let spaced = text.replacen('T', " ", 1);
        let (_, parsed) = iso8601(&spaced).unwrap_or_else(|e| panic!("{spaced}: {e}"));
        prop_assert_eq!(ctx().resolve(parsed).map(|r| r.0), Some(want));
    }

    /// Epoch text in every unit reads back the instant it was made from.
    #[test]
    fn epoch_text_round_trips(secs in 600_000_000i64..7_000_000_000, nanos in 0u32..1_000_000_000) {
        let want = DateTime::<Utc>::from_timestamp(secs, nanos)
            .unwrap_or_else(|| panic!("instant")).naive_utc();
        let ns = i128::from(secs) * 1_000_000_000 + i128::from(nanos);
        let read = |s: String| epoch_text(&s).map(|t| t.naive);
        prop_assert_eq!(read(format!("{ns}")), Some(want));
        prop_assert_eq!(read(format!("{secs}.{nanos:09}")), Some(want));
        prop_assert_eq!(read(format!("{}", ns / 1_000)), want.with_nanosecond(nanos / 1_000 * 1_000));
        prop_assert_eq!(read(format!("{}", ns / 1_000_000)), want.with_nanosecond(nanos / 1_000_000 * 1_000_000));
        prop_assert_eq!(read(format!("{secs}")), want.with_nanosecond(0));
    }
}

// Time of day (dates from the context).

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

fn utc_text(s: &str) -> NaiveDateTime {
    DateTime::parse_from_rfc3339(s)
        .map(|d| d.naive_utc())
        .unwrap_or_default()
}

#[test]
fn iso8601_reads_a_space_padded_hour() {
    // MariaDB's error log: `%d-%02d-%02d %2d:%02d:%02d`.
    let (rest, t) = iso8601("2026-11-21  5:53:08 0 [Note] x").expect("padded hour");
    assert_eq!(rest, " 0 [Note] x");
    assert_eq!(t.naive, naive(2026, 11, 21, 5, 53, 8, 0));
    assert_eq!(t.zone, ZoneSpec::Local);
    let (rest, t) = iso8601("2026-11-21 15:53:08 0").expect("two-digit hour");
    assert_eq!(rest, " 0");
    assert_eq!(t.naive, naive(2026, 11, 21, 15, 53, 8, 0));
    // Only one padding space, and only before a one-digit hour.
    assert!(iso8601("2026-11-21   5:53:08").is_err());
    assert!(iso8601("2026-11-21  15:53:08").is_err());
    assert!(iso8601("2026-11-21T 5:53:08").is_err());
    assert!(iso8601("2026-11-21  ").is_err());
}

#[test]
fn epoch_text_keeps_decimal_seconds_exact() {
    let t = epoch_text("1795240389.2851233").map(|t| t.naive);
    assert_eq!(t, Some(utc_text("2026-11-21T05:53:09.2851233Z")));
    let t = epoch_text("1795240389285").map(|t| t.naive);
    assert_eq!(t, Some(utc_text("2026-11-21T05:53:09.285Z")));
    assert_eq!(epoch_text("12.5"), None);
}

#[test]
fn timestamp_value_reads_whole_values_only() {
    let ok = |s: &str| timestamp_value(s).map(|t| t.naive);
    assert_eq!(
        ok("2026-11-21T05:53:09.285Z"),
        Some(utc_text("2026-11-21T05:53:09.285Z"))
    );
    assert_eq!(ok(" 1795240389 "), Some(utc_text("2026-11-21T05:53:09Z")));
    assert_eq!(
        ok("Nov 21 05:53:09").map(|t| t.time()),
        Some(utc_text("2026-11-21T05:53:09Z").time())
    );
    assert_eq!(ok("2026-11-21T05:53:09Z and more"), None);
    assert_eq!(ok("12ms"), None);
    assert_eq!(ok("42"), None);
    assert_eq!(ok(""), None);
}
