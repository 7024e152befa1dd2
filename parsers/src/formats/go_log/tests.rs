use super::GoLog;
use crate::format::Registry;
use crate::testing::{check_table_in, ctx, ctx_in, summaries};

/// Lines as Go's `log` package writes them with its flag and prefix
/// variations, panics and goroutine dumps as continuation lines, then lines
/// that only look like it.
#[test]
fn go_log_table() {
    check_table_in(
        &GoLog,
        &ctx_in(chrono_tz::Europe::Berlin),
        &[
            (
                "2026/11/21 06:53:09 listening on :8080",
                &["2026-11-21T05:53:09.000Z[zone-assumed] info | listening on :8080"],
            ),
            (
                "2026/11/21 06:53:09.123456 main.go:42: connected to postgres://app@10.0.3.5:5432/shop",
                &["2026-11-21T05:53:09.123Z[zone-assumed] info logger=main.go:42 | connected to postgres://app@10.0.3.5:5432/shop"],
            ),
            (
                "2026/11/21 06:53:09 /home/build/src/orders/internal/db/pool.go:118: [ERROR] acquire conn: context deadline exceeded",
                &["2026-11-21T05:53:09.000Z[zone-assumed] error logger=/home/build/src/orders/internal/db/pool.go:118 | acquire conn: context deadline exceeded"],
            ),
            (
                "orders: 2026/11/21 06:53:09 server.go:77: shutting down",
                &["2026-11-21T05:53:09.000Z[zone-assumed] info logger=orders caller=server.go:77 | shutting down"],
            ),
            (
                "[api] 2026/11/21 06:53:09 upstream 10.0.2.11:3000 slow",
                &["2026-11-21T05:53:09.000Z[zone-assumed] info logger=api | upstream 10.0.2.11:3000 slow"],
            ),
            (
                "INFO: 2026/11/21 06:53:09 main.go:12: ready",
                &["2026-11-21T05:53:09.000Z[zone-assumed] info logger=main.go:12 | ready"],
            ),
            (
                "ERROR: 2026/11/21 06:53:09 handler.go:90: payment provider returned 502",
                &["2026-11-21T05:53:09.000Z[zone-assumed] error logger=handler.go:90 | payment provider returned 502"],
            ),
            (
                "2026/11/21 06:53:09 WARNING: pool at 90% (9/10)",
                &["2026-11-21T05:53:09.000Z[zone-assumed] warn | pool at 90% (9/10)"],
            ),
            (
                "2026/11/21 06:53:09 http: panic serving 203.0.113.9:51234: runtime error: invalid memory address or nil pointer dereference\ngoroutine 87 [running]:\nnet/http.(*conn).serve.func1()\n\t/usr/local/go/src/net/http/server.go:1947 +0xbe\npanic({0x6f2a40?, 0xa1b2c0?})\n\t/usr/local/go/src/runtime/panic.go:785 +0x132\nmain.(*Server).handleOrder(0xc000112000, {0x7f1e00, 0xc0001c4000}, 0xc0001b6000)\n\t/src/orders/server.go:131 +0x4b\n2026/11/21 06:53:10 request served path=/health",
                &["2026-11-21T05:53:09.000Z[zone-assumed] error | http: panic serving 203.0.113.9:51234: runtime error: invalid memory address or nil pointer dereference\\ngoroutine 87 [running]:\\nnet/http.(*conn).serve.func1()\\n\\t/usr/local/go/src/net/http/server.go:1947 +0xbe\\npanic({0x6f2a40?, 0xa1b2c0?})\\n\\t/usr/local/go/src/runtime/panic.go:785 +0x132\\nmain.(*Server).handleOrder(0xc000112000, {0x7f1e00, 0xc0001c4000}, 0xc0001b6000)\\n\\t/src/orders/server.go:131 +0x4b", "2026-11-21T05:53:10.000Z[zone-assumed] info | request served path=/health"],
            ),
            (
                "2026/11/21 06:53:11 failed to reach database: dial tcp 10.0.3.5:5432: connect: connection refused\npanic: failed to reach database: dial tcp 10.0.3.5:5432: connect: connection refused\n\ngoroutine 1 [running]:\nlog.Panicf({0x6b3c1a?, 0x0?}, {0xc000093f00?, 0x0?, 0x0?})\n\t/usr/local/go/src/log/log.go:439 +0x65\nmain.main()\n\t/src/orders/main.go:57 +0x2d0\nexit status 2",
                &["2026-11-21T05:53:11.000Z[zone-assumed] fatal | failed to reach database: dial tcp 10.0.3.5:5432: connect: connection refused\\npanic: failed to reach database: dial tcp 10.0.3.5:5432: connect: connection refused\\n\\ngoroutine 1 [running]:\\nlog.Panicf({0x6b3c1a?, 0x0?}, {0xc000093f00?, 0x0?, 0x0?})\\n\\t/usr/local/go/src/log/log.go:439 +0x65\\nmain.main()\\n\\t/src/orders/main.go:57 +0x2d0\\nexit status 2"],
            ),
            (
                "2026/11/21 06:53:09",
                &["2026-11-21T05:53:09.000Z[zone-assumed] info | "],
            ),
            (
                "2026/11/21 06:00:48 [error] 16497#16497: *1 upstream timed out (110: Connection timed out) while reading response header from upstream, client: 127.0.0.1, server: shop.example.com",
                &["2026-11-21T05:00:48.000Z[zone-assumed] error | 16497#16497: *1 upstream timed out (110: Connection timed out) while reading response header from upstream, client: 127.0.0.1, server: shop.example.com"],
            ),
            (
                "goroutine 1 [running]:\nmain.main()",
                &["UNPARSED | goroutine 1 [running]:\\nmain.main()"],
            ),
            (
                "2026-11-21 06:53:09 dashes are not Go's log",
                &["UNPARSED | 2026-11-21 06:53:09 dashes are not Go\\'s log"],
            ),
            (
                "[2026/11/21 06:53:09] bracketed time is not Go's log",
                &["UNPARSED | [2026/11/21 06:53:09] bracketed time is not Go\\'s log"],
            ),
            (
                "Nov 21 06:53:09 host app: 2026/11/21 06:53:09 syslog-wrapped",
                &["UNPARSED | Nov 21 06:53:09 host app: 2026/11/21 06:53:09 syslog-wrapped"],
            ),
            (
                "2026/13/21 06:53:09 bad month",
                &["UNPARSED | 2026/13/21 06:53:09 bad month"],
            ),
            (
                "2026/11/21 06:53:09Z zone suffix",
                &["UNPARSED | 2026/11/21 06:53:09Z zone suffix"],
            ),
        ],
    );
}

#[test]
fn go_log_never_panics_on_odd_input() {
    for line in [
        "2026/11/21",
        "2026/11/21 ",
        "2026/11/21 05:",
        "x 2026/11/21 05:53:09",
        "\u{e9}\u{e9}2026/11/21 05:53:09 a",
        "2026/11/21 05:53:09 main.go:",
        "2026/11/21 05:53:09 a.go:1:",
    ] {
        assert_eq!(summaries(&GoLog, line, &ctx()).len(), 1, "{line}");
    }
}

#[test]
fn go_log_sample_is_detected_and_fully_parsed() {
    let sample = include_bytes!("../../../../tests/samples/go-log.log");
    let detection = Registry::default()
        .detect(sample, &ctx())
        .expect("detected");
    assert_eq!(detection.format.name(), "go-log", "{detection:?}");
    let text = std::str::from_utf8(sample).expect("UTF-8 sample");
    for line in summaries(&GoLog, text, &ctx()) {
        assert!(!line.starts_with("UNPARSED"), "{line}");
    }
}

proptest::proptest! {
    /// Arbitrary text from this format's alphabet, and cuts of a real
    /// record, never panic.
    #[test]
    fn go_log_never_panics(text in r#"[0-9/: .a-z\[\]\n\té]{0,120}"#, cut in 0usize..200) {
        let _ = summaries(&GoLog, &text, &ctx());
        let record: &str = "2026/11/21 05:53:09.123 main.go:1: [ERROR] x\npanic: y\n\tz";
        let end = (0..=cut.min(record.len())).rev().find(|&i| record.is_char_boundary(i)).unwrap_or(0);
        let _ = summaries(&GoLog, &record[..end], &ctx());
    }
}
