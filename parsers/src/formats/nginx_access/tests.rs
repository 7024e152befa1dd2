use super::{upstream_seconds, NginxAccess};
use crate::testing::{check_table, ctx};
use crate::Registry;

#[test]
fn nginx_access_table() {
    check_table(
        &NginxAccess,
        &[
            // The extended format of a proxy behind an edge LB: X-Forwarded-For, timings, request id.
            (
                r#"127.0.0.1 - - [21/Nov/2026:06:00:48 +0000] "GET /api/orders/7810 HTTP/1.1" 504 160 "https://shop.example.com/" "Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0" "203.0.113.100" rt=5.002 uct="0.001" urt="5.002" rid=9fd2d3cdc5482aa2929359cc99ec5cd3"#,
                &["2026-11-21T06:00:48.000Z error status=504 duration=5.002 upstream_duration=5.002 bytes=160 client=203.0.113.100 peer=127.0.0.1 method=GET path=/api/orders/7810 user_agent=Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0 request_id=9fd2d3cdc5482aa2929359cc99ec5cd3 referer=https://shop.example.com/ uct=0.001 | GET /api/orders/7810 HTTP/1.1"],
            ),
            // nginx's default `combined`, IPv6 client, no X-Forwarded-For; a local offset.
            (
                r#"2001:db8::7 - - [21/Nov/2026:07:53:10 +0200] "POST /api/checkout HTTP/2.0" 201 56 "https://shop.example.com/cart" "okhttp/4.12.0""#,
                &["2026-11-21T05:53:10.000Z info status=201 bytes=56 client=2001:db8::7 peer=2001:db8::7 method=POST path=/api/checkout user_agent=okhttp/4.12.0 referer=https://shop.example.com/cart | POST /api/checkout HTTP/2.0"],
            ),
            // Apache `common`: an authenticated user, `-` for no body bytes.
            (
                r#"198.51.100.23 - alice [21/Nov/2026:05:53:11 +0000] "HEAD /reports/q3.pdf HTTP/1.1" 304 -"#,
                &["2026-11-21T05:53:11.000Z info status=304 bytes=0 client=198.51.100.23 peer=198.51.100.23 method=HEAD path=/reports/q3.pdf user=alice | HEAD /reports/q3.pdf HTTP/1.1"],
            ),
            // Apache combined + %D (microseconds); an escaped quote in the user agent.
            (
                r#"203.0.113.8 - - [21/Nov/2026:05:53:12 +0000] "GET /search?q=%22x%22 HTTP/1.1" 200 5120 "-" "Mozilla/5.0 \"compatible\" Bot/1.0" 12874"#,
                &[r#"2026-11-21T05:53:12.000Z info status=200 duration=0.012874 bytes=5120 client=203.0.113.8 peer=203.0.113.8 method=GET path=/search?q=%22x%22 user_agent=Mozilla/5.0 \"compatible\" Bot/1.0 | GET /search?q=%22x%22 HTTP/1.1"#],
            ),
            // A TLS handshake sent to the plain-HTTP port: nginx logs the escaped bytes with a 400.
            (
                r#"192.0.2.187 - - [21/Nov/2026:05:55:40 +0000] "\x16\x03\x01\x00\xF7\x01\x00\x00\xF3\x03\x03" 400 157 "-" "-" "-" rt=0.001 uct="-" urt="-" rid=5c0e0c4a58fbd3b3e7d3f1c1a4a1b2c3"#,
                &[r#"2026-11-21T05:55:40.000Z warn status=400 duration=0.001 bytes=157 client=192.0.2.187 peer=192.0.2.187 request_id=5c0e0c4a58fbd3b3e7d3f1c1a4a1b2c3 | \\x16\\x03\\x01\\x00\\xF7\\x01\\x00\\x00\\xF3\\x03\\x03"#],
            ),
            // An empty request (nginx) and Apache's 408 with `"-"`.
            (
                "198.51.100.213 - - [21/Nov/2026:05:55:41 +0000] \"\" 400 0 \"-\" \"-\"\n203.0.113.241 - - [21/Nov/2026:05:55:42 +0000] \"-\" 408 -",
                &[
                    "2026-11-21T05:55:41.000Z warn status=400 bytes=0 client=198.51.100.213 peer=198.51.100.213 | ",
                    "2026-11-21T05:55:42.000Z warn status=408 bytes=0 client=203.0.113.241 peer=203.0.113.241 | -",
                ],
            ),
            // Retried upstreams (`urt` summed), a proxy chain in X-Forwarded-For, `ua=` holding the upstream address.
            (
                r#"10.0.0.5 - - [21/Nov/2026:06:01:02 +0000] "GET /api/orders?customer=12&limit=20 HTTP/1.1" 502 150 "-" "ShopApp/3.8.1 (iPhone; iOS 17.4.1)" "203.0.113.9, 198.51.100.2" rt=0.010 ua="192.0.2.10:8000, 192.0.2.11:8000" us="502, 502" urt="0.004, 0.005" host=shop.example.com"#,
                &["2026-11-21T06:01:02.000Z error status=502 duration=0.01 upstream_duration=0.009 bytes=150 client=203.0.113.9 peer=10.0.0.5 method=GET path=/api/orders?customer=12&limit=20 user_agent=ShopApp/3.8.1 (iPhone; iOS 17.4.1) upstream=192.0.2.10:8000, 192.0.2.11:8000 host=shop.example.com x_forwarded_for=203.0.113.9, 198.51.100.2 us=502, 502 | GET /api/orders?customer=12&limit=20 HTTP/1.1"],
            ),
            // `timed_combined`: bare $request_time $upstream_response_time $pipe.
            (
                r#"203.0.113.77 - - [21/Nov/2026:05:53:13 +0000] "GET /health HTTP/1.1" 200 2 "-" "Blackbox-Exporter/0.25.0" 0.003 0.002 ."#,
                &["2026-11-21T05:53:13.000Z info status=200 duration=0.003 upstream_duration=0.002 bytes=2 client=203.0.113.77 peer=203.0.113.77 method=GET path=/health user_agent=Blackbox-Exporter/0.25.0 field1=. | GET /health HTTP/1.1"],
            ),
            // Apache vhost_combined, and combinedio's two byte counts (which are not a duration).
            (
                r#"shop.example.com:443 192.0.2.44 - - [21/Nov/2026:05:53:14 +0000] "GET /favicon.ico HTTP/1.1" 404 196 "-" "curl/8.5.0" 412 689"#,
                &["2026-11-21T05:53:14.000Z warn status=404 bytes=196 client=192.0.2.44 peer=192.0.2.44 method=GET path=/favicon.ico user_agent=curl/8.5.0 host=shop.example.com field1=412 field2=689 | GET /favicon.ico HTTP/1.1"],
            ),
            // Malformed: no time, bad time, non-numeric status, cut before the status, other formats.
            (
                r#"192.0.2.1 - - "GET / HTTP/1.1" 200 12"#,
                &[r#"UNPARSED | 192.0.2.1 - - \"GET / HTTP/1.1\" 200 12"#],
            ),
            (
                r#"192.0.2.1 - - [21/Nov/2026:25:61:00 +0000] "GET / HTTP/1.1" 200 12"#,
                &[r#"UNPARSED | 192.0.2.1 - - [21/Nov/2026:25:61:00 +0000] \"GET / HTTP/1.1\" 200 12"#],
            ),
            (
                r#"192.0.2.1 - - [21/Nov/2026:05:53:10 +0000] "GET / HTTP/1.1" OK 12"#,
                &[r#"UNPARSED | 192.0.2.1 - - [21/Nov/2026:05:53:10 +0000] \"GET / HTTP/1.1\" OK 12"#],
            ),
            (
                r#"192.0.2.1 - - [21/Nov/2026:05:53:10 +0000] "GET / HTTP/1.1"#,
                &[r#"UNPARSED | 192.0.2.1 - - [21/Nov/2026:05:53:10 +0000] \"GET / HTTP/1.1"#],
            ),
            (
                "2026/11/21 06:00:48 [error] 16497#16497: *7974 upstream timed out",
                &["UNPARSED | 2026/11/21 06:00:48 [error] 16497#16497: *7974 upstream timed out"],
            ),
            (
                r#"Nov 21 05:53:10 lb1 haproxy[1234]: 203.0.113.9:51234 [21/Nov/2026:05:53:10.123] fe_http be_app/app1 0/0/1/12/13 200 512 - - ---- 10/10/2/1/0 0/0 "GET /api HTTP/1.1""#,
                &[r#"UNPARSED | Nov 21 05:53:10 lb1 haproxy[1234]: 203.0.113.9:51234 [21/Nov/2026:05:53:10.123] fe_http be_app/app1 0/0/1/12/13 200 512 - - ---- 10/10/2/1/0 0/0 \"GET /api HTTP/1.1\""#],
            ),
        ],
    );
}

#[test]
fn upstream_seconds_sums_retries_and_skips_dashes() {
    assert_eq!(upstream_seconds("0.016"), Some(0.016));
    assert_eq!(upstream_seconds("-"), None);
    assert_eq!(upstream_seconds("0.5, -"), Some(0.5));
    assert_eq!(upstream_seconds("1.0, 2.0 : 0.5"), Some(3.5));
    assert_eq!(upstream_seconds(""), None);
}

#[test]
fn a_very_long_line_does_not_panic() {
    let long = format!(
        "192.0.2.1 - - [21/Nov/2026:05:53:10 +0000] \"GET /{} HTTP/1.1\" 200 1 {}",
        "a".repeat(200_000),
        "\"x\" k=\"".repeat(10_000)
    );
    let _ = crate::testing::summaries(&NginxAccess, &long, &ctx());
    for cut in 0..120 {
        let line = r#"127.0.0.1 - - [21/Nov/2026:06:00:48 +0000] "GET /é HTTP/1.1" 504 160 "-" "ü" "203.0.113.100" rt=5.002 uct="0.001""#;
        if let Some(prefix) = line.get(..cut) {
            let _ = crate::testing::summaries(&NginxAccess, prefix, &ctx());
        }
    }
}

#[test]
fn detection_picks_nginx_access_on_its_samples() {
    for (name, sample) in [
        (
            "nginx-access.log",
            &include_bytes!("../../../../tests/samples/nginx-access.log")[..],
        ),
        (
            "nginx-access.apache.log",
            &include_bytes!("../../../../tests/samples/nginx-access.apache.log")[..],
        ),
    ] {
        let d = Registry::default().detect(sample, &ctx()).expect(name);
        assert_eq!(d.format.name(), "nginx-access", "{name}: {d:?}");
        assert!(d.confidence > 0.99, "{name}: {d:?}");
    }
}
