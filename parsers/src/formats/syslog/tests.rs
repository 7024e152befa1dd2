use super::Syslog;
use crate::format::Registry;
use crate::testing::{check_table_in, ctx, ctx_in, summaries};

/// BSD lines as rsyslog writes them to files (with and without PRI, with
/// the ISO time of RSYSLOG_FileFormat), RFC 5424 messages (the RFC's own
/// examples, nil values, escaped structured data, a BOM, Heroku's drains),
/// then lines of other formats and broken headers.
#[test]
fn syslog_table() {
    check_table_in(
        &Syslog,
        &ctx_in(chrono_tz::America::New_York),
        &[
            (
                "<11>Nov 21 00:53:09 web-1 shop-api[4242]: checkout failed for order 88219",
                &["2026-11-21T05:53:09.000Z[zone-assumed][year-inferred] error pid=4242 logger=shop-api host=web-1 facility=user | checkout failed for order 88219"],
            ),
            (
                "Nov 21 00:53:09 web-1 sshd[1187]: Accepted publickey for deploy from 203.0.113.50 port 52814 ssh2: ED25519 SHA256:Xx1y",
                &["2026-11-21T05:53:09.000Z[zone-assumed][year-inferred] info pid=1187 logger=sshd host=web-1 | Accepted publickey for deploy from 203.0.113.50 port 52814 ssh2: ED25519 SHA256:Xx1y"],
            ),
            (
                "Nov  1 00:53:09 db-1 kernel: [1234567.891234] Out of memory: Killed process 16497 (postgres) total-vm:4318776kB, anon-rss:3937452kB",
                &["2026-11-01T04:53:09.000Z[zone-assumed][year-inferred] info logger=kernel host=db-1 | [1234567.891234] Out of memory: Killed process 16497 (postgres) total-vm:4318776kB, anon-rss:3937452kB"],
            ),
            (
                "Nov 21 00:53:09 web-1 CRON[20112]: (root) CMD (command -v debian-sa1 > /dev/null && debian-sa1 1 1)",
                &["2026-11-21T05:53:09.000Z[zone-assumed][year-inferred] info pid=20112 logger=CRON host=web-1 | (root) CMD (command -v debian-sa1 > /dev/null && debian-sa1 1 1)"],
            ),
            (
                "Nov 21 00:53:09 web-1 systemd[1]: shop-api.service: Main process exited, code=killed, status=9/KILL",
                &["2026-11-21T05:53:09.000Z[zone-assumed][year-inferred] info pid=1 logger=systemd host=web-1 | shop-api.service: Main process exited, code=killed, status=9/KILL"],
            ),
            (
                "Nov 21 00:53:10 web-1 shop-api[4242]: ERROR: pool exhausted (10/10)",
                &["2026-11-21T05:53:10.000Z[zone-assumed][year-inferred] error pid=4242 logger=shop-api host=web-1 | ERROR: pool exhausted (10/10)"],
            ),
            (
                "2026-11-21T05:53:09.285123+00:00 web-1 postgres[16488]: [5-1] 2026-11-21 05:53:09.285 UTC [16488] FATAL:  remaining connection slots are reserved",
                &["2026-11-21T05:53:09.285Z info pid=16488 logger=postgres host=web-1 | [5-1] 2026-11-21 05:53:09.285 UTC [16488] FATAL:  remaining connection slots are reserved"],
            ),
            (
                "<165>1 2026-11-21T05:53:09.003Z mymachine.example.com evntslog - ID47 [exampleSDID@32473 iut=\"3\" eventSource=\"Application\" eventID=\"1011\"][examplePriority@32473 class=\"high\"] \u{feff}An application event log entry...",
                &["2026-11-21T05:53:09.003Z notice logger=evntslog host=mymachine.example.com msgid=ID47 iut=3 eventSource=Application eventID=1011 class=high facility=local4 | An application event log entry..."],
            ),
            (
                "<34>1 2026-11-21T00:53:09.003-05:00 2001:db8::7 su - ID47 - 'su root' failed for lonvick on /dev/pts/8",
                &["2026-11-21T05:53:09.003Z fatal logger=su host=2001:db8::7 msgid=ID47 facility=auth | \\'su root\\' failed for lonvick on /dev/pts/8"],
            ),
            (
                "<13>1 - - - - - [meta sequenceId=\"7\" note=\"a \\\"quoted\\\\ value\\] here\"] hello",
                &["- notice sequenceId=7 note=a \"quoted\\ value] here facility=user | hello"],
            ),
            (
                "<163>1 2026-11-21T06:00:09.118Z web-1 shop-api 4242 app [req@32473 request_id=\"5f1e9c04\" method=\"POST\" status=\"500\" duration_ms=\"3002.4\"] \u{feff}unhandled exception",
                &["2026-11-21T06:00:09.118Z error status=500 duration=3.0024 method=POST request_id=5f1e9c04 pid=4242 logger=shop-api host=web-1 msgid=app facility=local4 | unhandled exception"],
            ),
            (
                "<190>1 2026-11-21T05:53:09+00:00 host app web.1 - State changed from starting to up",
                &["2026-11-21T05:53:09.000Z info logger=app host=host procid=web.1 facility=local7 | State changed from starting to up"],
            ),
            (
                "<13>Nov 21 00:53:09 su: pam_unix(su:session): session opened for user root",
                &["2026-11-21T05:53:09.000Z[zone-assumed][year-inferred] notice logger=su facility=user | pam_unix(su:session): session opened for user root"],
            ),
            (
                "Nov 21 00:53:09 web-1 last message repeated 3 times",
                &["2026-11-21T05:53:09.000Z[zone-assumed][year-inferred] info host=web-1 | last message repeated 3 times"],
            ),
            (
                "Nov 21 00:53:09 lb-1 haproxy[2211]: 203.0.113.9:51234 [21/Nov/2026:00:53:09.120] www~ shop/web-1 0/0/1/12/13 200 1548 - - ---- 12/12/0/0/0 0/0 \"GET /api/orders/42 HTTP/1.1\"",
                &["2026-11-21T05:53:09.000Z[zone-assumed][year-inferred] info pid=2211 logger=haproxy host=lb-1 | 203.0.113.9:51234 [21/Nov/2026:00:53:09.120] www~ shop/web-1 0/0/1/12/13 200 1548 - - ---- 12/12/0/0/0 0/0 \\\"GET /api/orders/42 HTTP/1.1\\\""],
            ),
            (
                "<999>Nov 21 00:53:09 web-1 app: bad pri",
                &["UNPARSED | <999>Nov 21 00:53:09 web-1 app: bad pri"],
            ),
            (
                "2026-11-21T05:53:09Z INFO main: started",
                &["UNPARSED | 2026-11-21T05:53:09Z INFO main: started"],
            ),
            (
                "2026-11-21 05:53:09,285 INFO [4242] shop.api: Starting app version 1.4.2",
                &["UNPARSED | 2026-11-21 05:53:09,285 INFO [4242] shop.api: Starting app version 1.4.2"],
            ),
            (
                "<165>1 2026-11-21T05:53:09.003Z host app - - [broken sd",
                &["UNPARSED | <165>1 2026-11-21T05:53:09.003Z host app - - [broken sd"],
            ),
            (
                "Nov 31 00:53:09 web-1 app: no such day",
                &["UNPARSED | Nov 31 00:53:09 web-1 app: no such day"],
            ),
            (
                "just some text",
                &["UNPARSED | just some text"],
            ),
        ],
    );
}

#[test]
fn syslog_never_panics_on_odd_input() {
    for line in [
        "<",
        "<1",
        "<1>",
        "<1>1",
        "<1>1 ",
        "<13>1 - - - - - [",
        "<13>1 - - - - - [a b=\"\\",
        "<13>1 - - - - - [a b=\"\u{e9}\\\u{e9}\"]",
        "Nov 21 00:53:09 ",
        "Nov 21 00:53:09 h \u{e9}[1]: x",
        "Nov 21 00:53:09 h a[: x",
    ] {
        assert_eq!(summaries(&Syslog, line, &ctx()).len(), 1, "{line}");
    }
}

#[test]
fn syslog_samples_are_detected_and_fully_parsed() {
    for (name, sample) in [
        (
            "syslog.log",
            &include_bytes!("../../../../tests/samples/syslog.log")[..],
        ),
        (
            "syslog.rsyslog.log",
            &include_bytes!("../../../../tests/samples/syslog.rsyslog.log")[..],
        ),
        (
            "syslog.rfc5424.log",
            &include_bytes!("../../../../tests/samples/syslog.rfc5424.log")[..],
        ),
    ] {
        let detection = Registry::default().detect(sample, &ctx()).expect(name);
        assert_eq!(detection.format.name(), "syslog", "{name}: {detection:?}");
        let text = std::str::from_utf8(sample).expect("UTF-8 sample");
        for line in summaries(&Syslog, text, &ctx()) {
            assert!(
                !line.starts_with("UNPARSED") && !line.starts_with('-'),
                "{name}: {line}"
            );
        }
    }
}

proptest::proptest! {
    /// Arbitrary text from this format's alphabet, and cuts of a real
    /// record, never panic.
    #[test]
    fn syslog_never_panics(text in r#"[<>0-9a-zA-Z:\[\]\- ."=\\\\é]{0,120}"#, cut in 0usize..200) {
        let _ = summaries(&Syslog, &text, &ctx());
        let record: &str = "<165>1 2026-11-21T05:53:09.003Z h a 1 m [id p=\"v\\\"\"] x";
        let end = (0..=cut.min(record.len())).rev().find(|&i| record.is_char_boundary(i)).unwrap_or(0);
        let _ = summaries(&Syslog, &record[..end], &ctx());
    }
}
