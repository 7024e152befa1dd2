use super::Logfmt;
use crate::format::Registry;
use crate::testing::{check_table_in, ctx, ctx_in, summaries};

/// Lines as logrus's text formatter, Go kit (Prometheus), slog's text
/// handler and Heroku's router write them, then free text with a few
/// `a=b` inside and broken pairs.
#[test]
fn logfmt_table() {
    check_table_in(
        &Logfmt,
        &ctx_in(chrono_tz::America::Chicago),
        &[
            (
                "time=2026-11-21T05:53:09.285Z level=info msg=\"starting server\" addr=:8080 request_id=abc duration=12ms",
                &["2026-11-21T05:53:09.285Z info duration=0.012 request_id=abc addr=:8080 | starting server"],
            ),
            (
                "time=\"2026-11-21T05:53:09Z\" level=warning msg=\"pool nearly exhausted: 9/10 connections in use\" component=db",
                &["2026-11-21T05:53:09.000Z warn logger=db | pool nearly exhausted: 9/10 connections in use"],
            ),
            (
                "ts=2026-11-21T05:53:09.285Z caller=main.go:585 level=info msg=\"Starting Prometheus Server\" mode=server version=\"(version=2.48.0, branch=HEAD, revision=63894216648f0d6be310c9d16fb48293c45c9310)\"",
                &["2026-11-21T05:53:09.285Z info logger=main.go:585 mode=server version=(version=2.48.0, branch=HEAD, revision=63894216648f0d6be310c9d16fb48293c45c9310) | Starting Prometheus Server"],
            ),
            (
                "time=2026-11-21T06:00:46.167-06:00 level=ERROR msg=\"request failed\" req.method=POST req.path=/api/checkout status=500 duration=3.002s err=\"pq: remaining connection slots are reserved for non-replication superuser connections\"",
                &["2026-11-21T12:00:46.167Z error status=500 duration=3.002 method=POST path=/api/checkout err=pq: remaining connection slots are reserved for non-replication superuser connections | request failed"],
            ),
            (
                "at=error code=H12 desc=\"Request timeout\" method=GET path=\"/api/orders?customer=311&limit=20\" host=shop.example.com request_id=0b6e2d1c-9d8f-4c55-a3b6-6f0d3c9e8a11 fwd=\"203.0.113.9,2001:db8::1\" dyno=web.2 connect=0ms service=30000ms status=503 bytes=0 protocol=https",
                &["- error status=503 bytes=0 method=GET path=/api/orders?customer=311&limit=20 request_id=0b6e2d1c-9d8f-4c55-a3b6-6f0d3c9e8a11 host=shop.example.com code=H12 fwd=203.0.113.9,2001:db8::1 dyno=web.2 connect=0ms service=30000ms protocol=https | Request timeout"],
            ),
            (
                "level=debug msg=\"cache hit\" key=\"user:42\" hit=true",
                &["- debug key=user:42 hit=true | cache hit"],
            ),
            (
                "ts=1795240389.285123 lvl=warn msg=\"disk usage \\\"high\\\"\" path=/var/lib/postgresql used_pct=91.4",
                &["2026-11-21T05:53:09.285Z warn path=/var/lib/postgresql used_pct=91.4 | disk usage \\\"high\\\""],
            ),
            (
                "time=2026-11-21T05:53:09 level=info msg=\"zone-less\" empty= x=1",
                &["2026-11-21T11:53:09.000Z[zone-assumed] info empty= x=1 | zone-less"],
            ),
            (
                "user=alice action=login",
                &["UNPARSED | user=alice action=login"],
            ),
            (
                "2026-11-21 05:57:09,285 INFO [4242] shop.access: request_id=abc method=GET path=/api/orders status=200 duration_ms=12",
                &["UNPARSED | 2026-11-21 05:57:09,285 INFO [4242] shop.access: request_id=abc method=GET path=/api/orders status=200 duration_ms=12"],
            ),
            (
                "level=info msg=\"starting server\" and then some free text",
                &["UNPARSED | level=info msg=\\\"starting server\\\" and then some free text"],
            ),
            (
                "level=info msg=\"unterminated quote",
                &["UNPARSED | level=info msg=\\\"unterminated quote"],
            ),
            (
                "time=2026-11-21T05:53:09Z level=info \"quoted\"=key",
                &["UNPARSED | time=2026-11-21T05:53:09Z level=info \\\"quoted\\\"=key"],
            ),
            (
                "level=info",
                &["UNPARSED | level=info"],
            ),
            (
                "time=yesterday level=loud msg=x",
                &["UNPARSED | time=yesterday level=loud msg=x"],
            ),
        ],
    );
}

#[test]
fn logfmt_never_panics_on_odd_input() {
    for line in [
        "=",
        "==",
        "a=\"",
        "a=\"\\",
        "a= b=",
        "\u{e9}=1 level=info",
        "level=info msg=\"\u{e9}\\\"",
    ] {
        assert_eq!(summaries(&Logfmt, line, &ctx()).len(), 1, "{line}");
    }
    let long = format!("level=info msg=\"{}\"", "x ".repeat(100_000));
    assert!(summaries(&Logfmt, &long, &ctx())[0].starts_with("- info | x x"));
}

#[test]
fn logfmt_sample_is_detected_and_fully_parsed() {
    let sample = include_bytes!("../../../../tests/samples/logfmt.log");
    let detection = Registry::default()
        .detect(sample, &ctx())
        .expect("detected");
    assert_eq!(detection.format.name(), "logfmt", "{detection:?}");
    let text = std::str::from_utf8(sample).expect("UTF-8 sample");
    for line in summaries(&Logfmt, text, &ctx()) {
        assert!(
            !line.starts_with("UNPARSED") && !line.starts_with('-'),
            "{line}"
        );
    }
}

proptest::proptest! {
    /// Arbitrary text from this format's alphabet, and cuts of a real
    /// record, never panic.
    #[test]
    fn logfmt_never_panics(text in r#"[a-z=" \\0-9.:\-é]{0,120}"#, cut in 0usize..200) {
        let _ = summaries(&Logfmt, &text, &ctx());
        let record: &str = "time=2026-11-21T05:53:09Z level=info msg=\"a \\\"b\\\"\" x=1";
        let end = (0..=cut.min(record.len())).rev().find(|&i| record.is_char_boundary(i)).unwrap_or(0);
        let _ = summaries(&Logfmt, &record[..end], &ctx());
    }
}
