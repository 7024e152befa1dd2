//! Test helpers shared by every format's table: a fixed time context and
//! the frame-parse-summarize loop that the tables compare against.

use chrono::{SecondsFormat, TimeZone, Utc};

use crate::format::{parse_record, Format};
use crate::framing::Framer;
use crate::time::TimeContext;

/// UTC, with years inferred against 2026-11-21 12:00 UTC.
pub fn ctx() -> TimeContext {
    ctx_in(chrono_tz::UTC)
}

/// A context in `zone`, with years inferred against 2026-11-21 12:00 UTC.
pub fn ctx_in(zone: chrono_tz::Tz) -> TimeContext {
    TimeContext {
        zone,
        reference: Utc.with_ymd_and_hms(2026, 11, 21, 12, 0, 0).unwrap(),
    }
}

/// Frames `input` with `format` and returns each record's summary.
pub fn summaries(format: &dyn Format, input: &str, ctx: &TimeContext) -> Vec<String> {
    Framer::new(input.as_bytes(), format, 1, 0)
        .map(|rec| parse_record(format, &rec, ctx, None).summary())
        .collect()
}

/// Frames `input` with `format` and returns each record's time to the
/// microsecond (summaries show milliseconds), `-` for a record without one.
pub fn times_us(format: &dyn Format, input: &str, ctx: &TimeContext) -> Vec<String> {
    Framer::new(input.as_bytes(), format, 1, 0)
        .map(
            |rec| match parse_record(format, &rec, ctx, None).timestamp {
                Some(t) => t.utc.to_rfc3339_opts(SecondsFormat::Micros, true),
                None => "-".to_string(),
            },
        )
        .collect()
}

/// Checks a table of `(input, expected summaries)` cases, reporting every
/// mismatch at once.
pub fn check_table(format: &dyn Format, cases: &[(&str, &[&str])]) {
    check_table_in(format, &ctx(), cases);
}

/// [`check_table`] in a given time context.
pub fn check_table_in(format: &dyn Format, ctx: &TimeContext, cases: &[(&str, &[&str])]) {
    let mut failures = Vec::new();
    for (i, (input, expected)) in cases.iter().enumerate() {
        let got = summaries(format, input, ctx);
        if got != *expected {
            failures.push(format!(
                "case {i}: {input:?}\n  expected: {expected:#?}\n  got:      {got:#?}"
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases failed for {}:\n{}",
        failures.len(),
        cases.len(),
        format.name(),
        failures.join("\n")
    );
}
