use super::NginxError;
use crate::testing::{check_table, ctx};
use crate::Registry;

#[test]
fn nginx_error_table() {
    check_table(
        &NginxError,
        &[
            (
                r#"2026/11/21 06:00:48 [error] 16497#16497: *7974 upstream timed out (110: Connection timed out) while reading response header from upstream, client: 127.0.0.1, server: shop.example.com, request: "GET /api/orders?customer=2207&limit=20 HTTP/1.1", upstream: "http://127.0.0.1:18000/api/orders?customer=2207&limit=20", host: "shop.example.com", referrer: "https://shop.example.com/account/orders""#,
                &["2026-11-21T06:00:48.000Z[zone-assumed] error client=127.0.0.1 method=GET path=/api/orders?customer=2207&limit=20 upstream=http://127.0.0.1:18000/api/orders?customer=2207&limit=20 pid=16497 session=7974 host=shop.example.com server=shop.example.com referrer=https://shop.example.com/account/orders | upstream timed out (110: Connection timed out) while reading response header from upstream"],
            ),
            // Startup notices carry no connection number.
            (
                "2026/11/21 05:53:09 [notice] 16495#16495: using the \"epoll\" event method\n2026/11/21 05:53:09 [notice] 16495#16495: start worker process 16496",
                &[
                    "2026-11-21T05:53:09.000Z[zone-assumed] notice pid=16495 | using the \\\"epoll\\\" event method",
                    "2026-11-21T05:53:09.000Z[zone-assumed] notice pid=16495 | start worker process 16496",
                ],
            ),
            (
                r#"2026/11/21 06:01:15 [error] 16496#16496: *15611 connect() failed (111: Connection refused) while connecting to upstream, client: 203.0.113.9, server: shop.example.com, request: "POST /api/checkout HTTP/1.1", upstream: "http://[2001:db8::10]:18000/api/checkout", host: "shop.example.com""#,
                &["2026-11-21T06:01:15.000Z[zone-assumed] error client=203.0.113.9 method=POST path=/api/checkout upstream=http://[2001:db8::10]:18000/api/checkout pid=16496 session=15611 host=shop.example.com server=shop.example.com | connect() failed (111: Connection refused) while connecting to upstream"],
            ),
            // A TLS error: the context has only client and server; an IPv6 client.
            (
                "2026/11/21 06:02:00 [crit] 16496#16496: *15700 SSL_do_handshake() failed (SSL: error:0A00006C:SSL routines::bad key share) while SSL handshaking, client: 2001:db8::7, server: 0.0.0.0:443",
                &["2026-11-21T06:02:00.000Z[zone-assumed] fatal client=2001:db8::7 pid=16496 session=15700 server=0.0.0.0:443 | SSL_do_handshake() failed (SSL: error:0A00006C:SSL routines::bad key share) while SSL handshaking"],
            ),
            // FastCGI stderr spans lines; tid 0 as older builds write it.
            (
                "2026/11/21 06:02:01 [error] 2210#0: *88 FastCGI sent in stderr: \"PHP message: PHP Warning:  Undefined variable $cart in /var/www/shop/cart.php on line 42\nPHP message: PHP Fatal error:  Uncaught TypeError\" while reading response header from upstream, client: 198.51.100.4, server: shop.example.com, request: \"GET /cart.php HTTP/1.1\", upstream: \"fastcgi://unix:/run/php/php8.2-fpm.sock:\", host: \"shop.example.com\"\n2026/11/21 06:02:02 [info] 2210#0: *88 client 198.51.100.4 closed keepalive connection",
                &[
                    "2026-11-21T06:02:01.000Z[zone-assumed] error client=198.51.100.4 method=GET path=/cart.php upstream=fastcgi://unix:/run/php/php8.2-fpm.sock: pid=2210 session=88 host=shop.example.com server=shop.example.com | FastCGI sent in stderr: \\\"PHP message: PHP Warning:  Undefined variable $cart in /var/www/shop/cart.php on line 42\\nPHP message: PHP Fatal error:  Uncaught TypeError\\\" while reading response header from upstream",
                    "2026-11-21T06:02:02.000Z[zone-assumed] info pid=2210 session=88 | client 198.51.100.4 closed keepalive connection",
                ],
            ),
            (
                r#"2026/11/21 06:02:03 [warn] 16497#16498: *15720 limiting requests, excess: 10.520 by zone "api", client: 192.0.2.187, server: shop.example.com, request: "GET /.env HTTP/1.1", host: "shop.example.com""#,
                &["2026-11-21T06:02:03.000Z[zone-assumed] warn client=192.0.2.187 method=GET path=/.env pid=16497 session=15720 host=shop.example.com tid=16498 server=shop.example.com | limiting requests, excess: 10.520 by zone \\\"api\\\""],
            ),
            // A request line that is not one stays in extra.
            (
                r#"2026/11/21 06:02:04 [info] 16497#16497: *15730 client sent invalid method while reading client request line, client: 198.51.100.213, server: shop.example.com, request: "\x16\x03\x01\x02\x00\x01\x00\x01\xFC\x03\x03""#,
                &[r#"2026-11-21T06:02:04.000Z[zone-assumed] info client=198.51.100.213 pid=16497 session=15730 server=shop.example.com request=\x16\x03\x01\x02\x00\x01\x00\x01\xFC\x03\x03 | client sent invalid method while reading client request line"#],
            ),
            (
                "2026/11/21 05:53:08 [emerg] 16495#16495: bind() to 0.0.0.0:80 failed (98: Address already in use)",
                &["2026-11-21T05:53:08.000Z[zone-assumed] fatal pid=16495 | bind() to 0.0.0.0:80 failed (98: Address already in use)"],
            ),
            // Malformed: not an nginx level, no pid, another format, an orphan continuation line.
            (
                "2026/11/21 05:53:08 [fatal] 16495#16495: boom",
                &["UNPARSED | 2026/11/21 05:53:08 [fatal] 16495#16495: boom"],
            ),
            (
                "2026/11/21 05:53:08 [error] worker: boom",
                &["UNPARSED | 2026/11/21 05:53:08 [error] worker: boom"],
            ),
            (
                "2026-11-21 05:53:08 [error] 16495#16495: dashes are not nginx",
                &["UNPARSED | 2026-11-21 05:53:08 [error] 16495#16495: dashes are not nginx"],
            ),
            (
                "nginx: [emerg] unknown directive \"proxy_passs\"\n2026/11/21 05:53:08 [notice] 1#1: ok",
                &[
                    "UNPARSED | nginx: [emerg] unknown directive \\\"proxy_passs\\\"",
                    "2026-11-21T05:53:08.000Z[zone-assumed] notice pid=1 | ok",
                ],
            ),
        ],
    );
}

#[test]
fn cut_records_do_not_panic() {
    let line = r#"2026/11/21 06:00:48 [error] 16497#16497: *7974 upstream timed out, client: 127.0.0.1, server: é, request: "GET /ü HTTP/1.1", upstream: "http://x", host: "h""#;
    for cut in 0..=line.len() {
        if let Some(prefix) = line.get(..cut) {
            let _ = crate::testing::summaries(&NginxError, prefix, &ctx());
        }
    }
}

#[test]
fn detection_picks_nginx_error_on_its_sample() {
    let sample = include_bytes!("../../../../tests/samples/nginx-error.log");
    let d = Registry::default()
        .detect(sample, &ctx())
        .expect("detected");
    assert_eq!(d.format.name(), "nginx-error", "{d:?}");
    assert!(d.confidence > 0.99, "{d:?}");
}
