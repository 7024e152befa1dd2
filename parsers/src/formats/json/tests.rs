use super::Json;
use crate::format::Registry;
use crate::testing::{check_table_in, ctx, ctx_in, summaries};

/// Lines as pino(-http), bunyan, zap, logrus, Serilog (CLEF), structlog,
/// ECS, Google Cloud, Docker's json-file driver and GELF write them, then
/// lines that are not one JSON object.
#[test]
fn json_table() {
    check_table_in(
        &Json,
        &ctx_in(chrono_tz::Europe::Berlin),
        &[
            (
                "{\"level\":30,\"time\":1795240389285,\"pid\":4242,\"hostname\":\"web-1\",\"req\":{\"id\":7,\"method\":\"GET\",\"url\":\"/api/orders/42\",\"query\":{},\"params\":{},\"headers\":{\"host\":\"shop.example.com\",\"user-agent\":\"okhttp/4.12.0\",\"x-request-id\":\"5f1e9c\"},\"remoteAddress\":\"::ffff:203.0.113.9\",\"remotePort\":51234},\"res\":{\"statusCode\":200,\"headers\":{\"content-type\":\"application/json\"}},\"responseTime\":12,\"msg\":\"request completed\"}",
                &["2026-11-21T05:53:09.285Z info status=200 duration=0.012 client=::ffff:203.0.113.9 peer=::ffff:203.0.113.9 method=GET path=/api/orders/42 user_agent=okhttp/4.12.0 request_id=7 pid=4242 host=web-1 req.headers.host=shop.example.com req.headers.x-request-id=5f1e9c req.remotePort=51234 res.headers.content-type=application/json | request completed"],
            ),
            (
                "{\"name\":\"shop-api\",\"hostname\":\"web-2\",\"pid\":1881,\"level\":50,\"err\":{\"message\":\"connect ECONNREFUSED 127.0.0.1:5432\",\"name\":\"Error\",\"stack\":\"Error: connect ECONNREFUSED 127.0.0.1:5432\\n    at TCPConnectWrap.afterConnect [as oncomplete] (node:net:1555:16)\",\"code\":\"ECONNREFUSED\"},\"msg\":\"database unavailable\",\"time\":\"2026-11-21T06:03:57.016Z\",\"v\":0}",
                &["2026-11-21T06:03:57.016Z error pid=1881 logger=shop-api host=web-2 code=ECONNREFUSED err.message=connect ECONNREFUSED 127.0.0.1:5432 err.name=Error err.stack=Error: connect ECONNREFUSED 127.0.0.1:5432\n    at TCPConnectWrap.afterConnect [as oncomplete] (node:net:1555:16) v=0 | database unavailable"],
            ),
            (
                "{\"level\":\"error\",\"ts\":1795240848.1234567,\"logger\":\"http\",\"caller\":\"server/handler.go:87\",\"msg\":\"upstream request failed\",\"method\":\"POST\",\"path\":\"/api/checkout\",\"status\":502,\"latency\":3.0012,\"request_id\":\"7f3c\",\"error\":\"context deadline exceeded\",\"stacktrace\":\"main.handler\\n\\t/src/server/handler.go:87\"}",
                &["2026-11-21T06:00:48.123Z error status=502 duration=3.0012 method=POST path=/api/checkout request_id=7f3c logger=http caller=server/handler.go:87 error=context deadline exceeded stacktrace=main.handler\n\t/src/server/handler.go:87 | upstream request failed"],
            ),
            (
                "{\"level\":\"warn\",\"ts\":\"2026-11-21T06:00:46.167+0000\",\"caller\":\"pool/pool.go:212\",\"msg\":\"pool exhausted\",\"waiting\":12,\"max\":10}",
                &["2026-11-21T06:00:46.167Z warn logger=pool/pool.go:212 waiting=12 max=10 | pool exhausted"],
            ),
            (
                "{\"level\":\"warning\",\"msg\":\"slow query\",\"time\":\"2026-11-21T07:01:02+01:00\",\"duration\":\"1.2s\",\"query\":\"SELECT * FROM orders WHERE customer_id = $1\"}",
                &["2026-11-21T06:01:02.000Z warn duration=1.2 query=SELECT * FROM orders WHERE customer_id = $1 | slow query"],
            ),
            (
                "{\"@t\":\"2026-11-21T05:53:09.2851234Z\",\"@mt\":\"HTTP {RequestMethod} {RequestPath} responded {StatusCode} in {Elapsed:0.0000} ms\",\"@r\":[\"12.3456\"],\"RequestMethod\":\"GET\",\"RequestPath\":\"/api/orders\",\"StatusCode\":200,\"Elapsed\":12.3456,\"SourceContext\":\"Serilog.AspNetCore.RequestLoggingMiddleware\",\"RequestId\":\"0HN7ABC:00000001\"}",
                &["2026-11-21T05:53:09.285Z info status=200 duration=0.0123456 method=GET path=/api/orders request_id=0HN7ABC:00000001 logger=Serilog.AspNetCore.RequestLoggingMiddleware | HTTP GET /api/orders responded 200 in 12.3456 ms"],
            ),
            (
                "{\"@t\":\"2026-11-21T06:03:57.0160000Z\",\"@mt\":\"Failed to open connection to {Host} {{retry {Attempt,3}}}\",\"@l\":\"Error\",\"@x\":\"Npgsql.PostgresException (0x80004005): 53300: remaining connection slots are reserved\\n   at Npgsql.Internal.NpgsqlConnector.Open()\",\"Host\":\"db-1\",\"Attempt\":2,\"SourceContext\":\"Shop.Data.Db\"}",
                &["2026-11-21T06:03:57.016Z error logger=Shop.Data.Db host=db-1 @x=Npgsql.PostgresException (0x80004005): 53300: remaining connection slots are reserved\n   at Npgsql.Internal.NpgsqlConnector.Open() Attempt=2 | Failed to open connection to db-1 {retry 2}"],
            ),
            (
                "{\"event\":\"payment declined\",\"level\":\"warning\",\"logger\":\"shop.payments\",\"timestamp\":\"2026-11-21T06:00:46.167Z\",\"order_id\":881,\"user\":\"u-12\"}",
                &["2026-11-21T06:00:46.167Z warn logger=shop.payments user=u-12 order_id=881 | payment declined"],
            ),
            (
                "{\"@timestamp\":\"2026-11-21T06:00:48.000Z\",\"log.level\":\"error\",\"message\":\"upstream timed out\",\"ecs.version\":\"1.6.0\",\"http\":{\"request\":{\"method\":\"GET\"},\"response\":{\"status_code\":504}},\"url\":{\"path\":\"/api/orders/42\"},\"client\":{\"ip\":\"198.51.100.7\"},\"event\":{\"duration\":5001000000},\"service\":{\"name\":\"shop-gateway\"}}",
                &["2026-11-21T06:00:48.000Z error status=504 duration=5.001 client=198.51.100.7 method=GET path=/api/orders/42 logger=shop-gateway ecs.version=1.6.0 | upstream timed out"],
            ),
            (
                "{\"severity\":\"ERROR\",\"message\":\"checkout failed\",\"time\":\"2026-11-21T06:00:46.167123Z\",\"httpRequest\":{\"requestMethod\":\"POST\",\"requestUrl\":\"/api/checkout\",\"status\":500,\"latency\":\"3.002s\",\"remoteIp\":\"2001:db8::7\",\"userAgent\":\"Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X)\"},\"logging.googleapis.com/trace\":\"projects/shop/traces/4bf92f3577b34da6\"}",
                &["2026-11-21T06:00:46.167Z error status=500 duration=3.002 client=2001:db8::7 method=POST path=/api/checkout user_agent=Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) logging.googleapis.com/trace=projects/shop/traces/4bf92f3577b34da6 | checkout failed"],
            ),
            (
                "{\"log\":\"2026-11-21 05:57:09,285 INFO [4242] shop.api: Starting app version 1.4.2\\n\",\"stream\":\"stderr\",\"time\":\"2026-11-21T05:57:09.285912345Z\"}",
                &["2026-11-21T05:57:09.285Z info stream=stderr | 2026-11-21 05:57:09,285 INFO [4242] shop.api: Starting app version 1.4.2"],
            ),
            (
                "{\"version\":\"1.1\",\"host\":\"web-3\",\"short_message\":\"disk almost full\",\"timestamp\":1795240389.5,\"level\":4,\"_mount\":\"/var\"}",
                &["2026-11-21T05:53:09.500Z warn host=web-3 version=1.1 _mount=/var | disk almost full"],
            ),
            (
                "{\"msg\":\"cache warmed\",\"entries\":1200,\"ok\":true,\"prev\":null}",
                &["- info entries=1200 ok=true | cache warmed"],
            ),
            (
                "{\"time\":\"2026-11-21T05:53:09Z\",\"level\":\"info\",\"msg\":\"user \\\"alice\\\" logged in \\u00e9 \\ud83d\\ude00 \\/x\",\"tags\":[\"a\",{\"b\":[1,2]}]}",
                &["2026-11-21T05:53:09.000Z info | user \\\"alice\\\" logged in é 😀 /x"],
            ),
            (
                "{ \"timestamp\" : \"1795240389285123\" , \"level\" : \"50\" , \"message\" : \"spaces around\" }",
                &["2026-11-21T05:53:09.285Z error | spaces around"],
            ),
            (
                "{\"time\":\"2026-11-21 06:53:09,5\",\"level\":\"INFO\",\"msg\":\"zone-less time\"}",
                &["2026-11-21T05:53:09.500Z[zone-assumed] info | zone-less time"],
            ),
            (
                "{\"t\":\"not a time\",\"level\":\"verbose\",\"message\":\"odd keys\",\"a\":{\"b\":{\"c\":{\"d\":1}}},\"a.b.x\":-1.5e3}",
                &["- trace t=not a time a.b.x=-1.5e3 | odd keys"],
            ),
            (
                "not json at all",
                &["UNPARSED | not json at all"],
            ),
            (
                "{\"level\":\"info\",\"msg\":\"truncated",
                &["UNPARSED | {\\\"level\\\":\\\"info\\\",\\\"msg\\\":\\\"truncated"],
            ),
            (
                "{\"a\":1} trailing",
                &["UNPARSED | {\\\"a\\\":1} trailing"],
            ),
            // Access logs in JSON are request logs: nginx's `log_format …
            // escape=json` with a `$request` line, `$remote_addr` (the peer)
            // and `$http_x_forwarded_for` (the client: its first address);
            // Caddy's `http.log.access` (client_ip is the client).
            (
                "{\"time\":\"2026-11-21T01:21:19-05:00\",\"remote_addr\":\"127.0.0.1\",\"xff\":\"203.0.113.31, 10.0.0.7\",\"request\":\"GET /api/categories/114/summary HTTP/1.1\",\"status\":200,\"bytes\":109,\"request_time\":0.117,\"upstream_response_time\":\"0.117\",\"request_id\":\"c6ff0beb\",\"ua\":\"curl/8.5.0\"}",
                &["2026-11-21T06:21:19.000Z info status=200 duration=0.117 upstream_duration=0.117 bytes=109 client=203.0.113.31 peer=127.0.0.1 method=GET path=/api/categories/114/summary user_agent=curl/8.5.0 request_id=c6ff0beb xff=203.0.113.31, 10.0.0.7 | GET /api/categories/114/summary HTTP/1.1"],
            ),
            (
                "{\"time\":\"2026-11-21T01:21:20-05:00\",\"remote_addr\":\"198.51.100.4\",\"http_x_forwarded_for\":\"-\",\"request\":\"POST /login HTTP/1.1\",\"status\":401,\"request_time\":0.002}",
                &["2026-11-21T06:21:20.000Z info status=401 duration=0.002 client=198.51.100.4 peer=198.51.100.4 method=POST path=/login http_x_forwarded_for=- | POST /login HTTP/1.1"],
            ),
            (
                "{\"level\":\"info\",\"ts\":1795238479.5241024,\"logger\":\"http.log.access.log0\",\"msg\":\"handled request\",\"request\":{\"remote_ip\":\"127.0.0.1\",\"client_ip\":\"192.0.2.9\",\"proto\":\"HTTP/2.0\",\"method\":\"GET\",\"host\":\"localhost\",\"uri\":\"/\"},\"duration\":0.000929675,\"size\":10900,\"status\":200}",
                &["2026-11-21T05:21:19.524Z info status=200 duration=0.000929675 bytes=10900 client=192.0.2.9 peer=127.0.0.1 method=GET path=/ logger=http.log.access.log0 host=localhost request.proto=HTTP/2.0 | handled request"],
            ),
            (
                "[1,2,3]",
                &["UNPARSED | [1,2,3]"],
            ),
            (
                "{\"a\":01}",
                &["UNPARSED | {\\\"a\\\":01}"],
            ),
            (
                "{\"msg\":\"bad \\x escape\"}",
                &["UNPARSED | {\\\"msg\\\":\\\"bad \\\\x escape\\\"}"],
            ),
            (
                "{\"msg\":\"x\",}",
                &["UNPARSED | {\\\"msg\\\":\\\"x\\\",}"],
            ),
            (
                "{}",
                &["- info | "],
            ),
        ],
    );
}

#[test]
fn json_never_panics_on_hostile_input() {
    let deep = format!("{{\"a\":{}1{}}}", "[".repeat(10_000), "]".repeat(10_000));
    assert!(summaries(&Json, &deep, &ctx())[0].starts_with("UNPARSED | "));
    let long = format!("{{\"msg\":\"{}\"}}", "x".repeat(200_000));
    assert!(summaries(&Json, &long, &ctx())[0].starts_with("- info | xxx"));
    for cut in [
        "{",
        "{\"",
        "{\"a",
        "{\"a\"",
        "{\"a\":",
        "{\"a\":\"\\",
        "{\"a\":\"\\u12",
        "{\"a\":-",
        "{\"a\":1.",
        "{\"a\":1e",
        "{\"a\":tru",
        "{\"a\":\"\\ud800\"}",
    ] {
        let got = summaries(&Json, cut, &ctx());
        assert_eq!(got.len(), 1, "{cut}");
    }
}

#[test]
fn json_samples_are_detected_and_fully_parsed() {
    for (name, sample) in [
        (
            "json.pino.log",
            &include_bytes!("../../../../tests/samples/json.pino.log")[..],
        ),
        (
            "json.zap.log",
            &include_bytes!("../../../../tests/samples/json.zap.log")[..],
        ),
        (
            "json.serilog.log",
            &include_bytes!("../../../../tests/samples/json.serilog.log")[..],
        ),
    ] {
        let detection = Registry::default().detect(sample, &ctx()).expect(name);
        assert_eq!(detection.format.name(), "json", "{name}: {detection:?}");
        let text = std::str::from_utf8(sample).expect("UTF-8 sample");
        for line in summaries(&Json, text, &ctx()) {
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
    fn json_never_panics(text in r#"[{}\[\]":,0-9a-z\\ .eEu+\-@é]{0,120}"#, cut in 0usize..200) {
        let _ = summaries(&Json, &text, &ctx());
        let record: &str = "{\"level\":30,\"time\":1795240389285,\"msg\":\"a\\\"b\",\"req\":{\"method\":\"GET\"}}";
        let end = (0..=cut.min(record.len())).rev().find(|&i| record.is_char_boundary(i)).unwrap_or(0);
        let _ = summaries(&Json, &record[..end], &ctx());
    }
}
