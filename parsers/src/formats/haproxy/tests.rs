use super::Haproxy;
use crate::testing::{check_table, ctx};
use crate::Registry;

#[test]
fn haproxy_table() {
    check_table(
        &Haproxy,
        &[
            // HTTP log behind a BSD syslog header, with captured request headers.
            (
                r#"Nov 21 05:53:10 lb1 haproxy[1234]: 203.0.113.9:51234 [21/Nov/2026:05:53:10.123] fe_http be_app/app1 0/0/1/12/13 200 512 - - ---- 10/10/2/1/0 0/0 {shop.example.com|curl/8.5.0} "GET /api/orders?customer=7 HTTP/1.1""#,
                &["2026-11-21T05:53:10.123Z[zone-assumed] info status=200 duration=0.013 upstream_duration=0.012 bytes=512 client=203.0.113.9 method=GET path=/api/orders?customer=7 upstream=be_app/app1 pid=1234 logger=haproxy host=lb1 code=---- frontend=fe_http timers=0/0/1/12/13 conns=10/10/2/1/0 queues=0/0 request_headers=shop.example.com|curl/8.5.0 | GET /api/orders?customer=7 HTTP/1.1"],
            ),
            // Behind another proxy (`capture request header X-Forwarded-For`):
            // the client is the header's first address, the socket peer its own
            // field; a captured header that is no address list changes nothing.
            (
                "<134>Nov 20 23:44:05 haproxy[15148]: 127.0.0.1:54066 [20/Nov/2026:23:44:05.843] fe_shop be_inv/app2 0/0/0/18/18 200 150 - - ---- 3/3/2/0/0 0/0 {198.51.100.7, 10.0.0.2} \"GET /api/items/1 HTTP/1.1\" 7F000001:D332\n127.0.0.1:54068 [20/Nov/2026:23:44:05.900] fe_shop be_inv/app1 0/0/0/1/1 200 150 - - ---- 3/3/2/0/0 0/0 {shop.example.com|203.0.113.9} {} \"GET / HTTP/1.1\"\n127.0.0.1:54070 [20/Nov/2026:23:44:05.950] fe_shop be_inv/app1 0/0/0/1/1 200 150 - - ---- 3/3/2/0/0 0/0 {-} \"GET / HTTP/1.1\"",
                &[
                    "2026-11-20T23:44:05.843Z[zone-assumed] info status=200 duration=0.018 upstream_duration=0.018 bytes=150 client=198.51.100.7 peer=127.0.0.1 method=GET path=/api/items/1 upstream=be_inv/app2 pid=15148 logger=haproxy code=---- frontend=fe_shop timers=0/0/0/18/18 conns=3/3/2/0/0 queues=0/0 request_headers=198.51.100.7, 10.0.0.2 trailing=7F000001:D332 | GET /api/items/1 HTTP/1.1",
                    "2026-11-20T23:44:05.900Z[zone-assumed] info status=200 duration=0.001 upstream_duration=0.001 bytes=150 client=203.0.113.9 peer=127.0.0.1 method=GET path=/ upstream=be_inv/app1 code=---- frontend=fe_shop timers=0/0/0/1/1 conns=3/3/2/0/0 queues=0/0 request_headers=shop.example.com|203.0.113.9 | GET / HTTP/1.1",
                    "2026-11-20T23:44:05.950Z[zone-assumed] info status=200 duration=0.001 upstream_duration=0.001 bytes=150 client=127.0.0.1 method=GET path=/ upstream=be_inv/app1 code=---- frontend=fe_shop timers=0/0/0/1/1 conns=3/3/2/0/0 queues=0/0 request_headers=- | GET / HTTP/1.1",
                ],
            ),
            // `log stdout format raw`: a server timeout (504, sH) and no server at all (503, SC).
            (
                "203.0.113.10:40022 [21/Nov/2026:06:00:43.512] fe_https~ be_app/app2 0/0/0/-1/5001 504 194 - - sH-- 120/118/40/20/0 0/0 \"GET /api/orders/1 HTTP/1.1\"\n198.51.100.3:40023 [21/Nov/2026:06:00:44.001] fe_http be_app/<NOSRV> 0/-1/-1/-1/0 503 217 - - SC-- 119/117/0/0/0 0/0 {} {} \"POST /api/checkout HTTP/1.1\"",
                &[
                    "2026-11-21T06:00:43.512Z[zone-assumed] error status=504 duration=5.001 bytes=194 client=203.0.113.10 method=GET path=/api/orders/1 upstream=be_app/app2 code=sH-- frontend=fe_https~ timers=0/0/0/-1/5001 conns=120/118/40/20/0 queues=0/0 | GET /api/orders/1 HTTP/1.1",
                    "2026-11-21T06:00:44.001Z[zone-assumed] error status=503 duration=0 bytes=217 client=198.51.100.3 method=POST path=/api/checkout upstream=be_app/<NOSRV> code=SC-- frontend=fe_http timers=0/-1/-1/-1/0 conns=119/117/0/0/0 queues=0/0 | POST /api/checkout HTTP/1.1",
                ],
            ),
            // TCP logs: a normal session and a server connect timeout.
            (
                "Nov 21 05:53:12 lb1 haproxy[1234]: 198.51.100.7:40112 [21/Nov/2026:05:53:11.002] fe_pg be_pg/pg1 0/1/5007 212 -- 3/3/1/1/0 0/0\nNov 21 05:53:13 lb1 haproxy[1234]: 198.51.100.7:40113 [21/Nov/2026:05:53:08.010] fe_pg be_pg/pg2 0/-1/5001 0 sC 3/3/1/0/3 0/0",
                &[
                    "2026-11-21T05:53:11.002Z[zone-assumed] info duration=5.007 bytes=212 client=198.51.100.7 upstream=be_pg/pg1 pid=1234 logger=haproxy host=lb1 code=-- frontend=fe_pg timers=0/1/5007 conns=3/3/1/1/0 queues=0/0 | fe_pg be_pg/pg1 0/1/5007 212 -- 3/3/1/1/0 0/0",
                    "2026-11-21T05:53:08.010Z[zone-assumed] error duration=5.001 bytes=0 client=198.51.100.7 upstream=be_pg/pg2 pid=1234 logger=haproxy host=lb1 code=sC frontend=fe_pg timers=0/-1/5001 conns=3/3/1/0/3 queues=0/0 | fe_pg be_pg/pg2 0/-1/5001 0 sC 3/3/1/0/3 0/0",
                ],
            ),
            // RFC 5424 header, IPv6 client, a client that never sent its request.
            (
                r#"<134>1 2026-11-21T05:53:13.000+00:00 lb1 haproxy 1234 - - 2001:db8::7:51234 [21/Nov/2026:05:53:08.000] fe_http fe_http/<NOSRV> -1/-1/-1/-1/5000 408 212 - - cR-- 2/2/0/0/0 0/0 "<BADREQ>""#,
                &["2026-11-21T05:53:08.000Z[zone-assumed] warn status=408 duration=5 bytes=212 client=2001:db8::7 upstream=fe_http/<NOSRV> pid=1234 logger=haproxy host=lb1 code=cR-- frontend=fe_http timers=-1/-1/-1/-1/5000 conns=2/2/0/0/0 queues=0/0 | <BADREQ>"],
            ),
            // `option logasap` (+ on the total and the bytes), a cookie, 1.x-style timers; a request cut without its closing quote.
            (
                "<134>Nov 21 05:53:14 haproxy[1234]: 192.0.2.44:1025 [21/Nov/2026:05:53:14.100] fe_dl be_files/f1 10/0/2/31/+8200 200 +1048576 SRVID=f1 - --NI 1/1/1/1/0 0/0 \"GET /files/big.iso HTTP/1.1\"\n192.0.2.44:1026 [21/Nov/2026:05:53:14.200] fe_dl be_files/f1 1/0/0/2/3 414 0 - - PR-- 1/1/0/0/0 0/0 \"GET /aaaaaaaaaaaaaaaaaaaa",
                &[
                    "2026-11-21T05:53:14.100Z[zone-assumed] info status=200 duration=8.2 upstream_duration=0.031 bytes=1048576 client=192.0.2.44 method=GET path=/files/big.iso upstream=be_files/f1 pid=1234 logger=haproxy code=--NI frontend=fe_dl request_cookie=SRVID=f1 timers=10/0/2/31/+8200 conns=1/1/1/1/0 queues=0/0 | GET /files/big.iso HTTP/1.1",
                    "2026-11-21T05:53:14.200Z[zone-assumed] warn status=414 duration=0.003 upstream_duration=0.002 bytes=0 client=192.0.2.44 method=GET path=/aaaaaaaaaaaaaaaaaaaa upstream=be_files/f1 code=PR-- frontend=fe_dl timers=1/0/0/2/3 conns=1/1/0/0/0 queues=0/0 | GET /aaaaaaaaaaaaaaaaaaaa",
                ],
            ),
            // Server state changes: the backend/server is the upstream.
            (
                "Nov 21 06:00:41 lb1 haproxy[1234]: Server be_app/app2 is DOWN, reason: Layer7 timeout, check duration: 2001ms. 1 active and 0 backup servers left. 20 sessions active, 0 requeued, 0 remaining in queue.\nNov 21 06:00:52 lb1 haproxy[1234]: backend be_app has no server available!\nNov 21 06:01:30 lb1 haproxy[1234]: Server be_app/app2 is UP, reason: Layer7 check passed, code: 200, check duration: 3ms. 2 active and 0 backup servers online. 0 sessions requeued, 0 total in queue.",
                &[
                    "2026-11-21T06:00:41.000Z[zone-assumed][year-inferred] error upstream=be_app/app2 pid=1234 logger=haproxy host=lb1 | Server be_app/app2 is DOWN, reason: Layer7 timeout, check duration: 2001ms. 1 active and 0 backup servers left. 20 sessions active, 0 requeued, 0 remaining in queue.",
                    "2026-11-21T06:00:52.000Z[zone-assumed][year-inferred] fatal upstream=be_app pid=1234 logger=haproxy host=lb1 | backend be_app has no server available!",
                    "2026-11-21T06:01:30.000Z[zone-assumed][year-inferred] notice upstream=be_app/app2 pid=1234 logger=haproxy host=lb1 | Server be_app/app2 is UP, reason: Layer7 check passed, code: 200, check duration: 3ms. 2 active and 0 backup servers online. 0 sessions requeued, 0 total in queue.",
                ],
            ),
            // Without a header: raw messages, stderr messages (2.x and 1.x), a health check, a connection error.
            (
                "Proxy fe_http started.\n[WARNING]  (8) : Health check for server be_app/app1 failed, reason: Layer4 connection problem, info: \"Connection refused\", check duration: 0ms, status: 0/2 DOWN.\n[ALERT] 324/055310 (1234) : backend 'be_app' has no server available!\n203.0.113.9:51300 [21/Nov/2026:05:53:14.210] fe_https/1: SSL handshake failure",
                &[
                    "- info proxy=fe_http | Proxy fe_http started.",
                    "- warn upstream=be_app/app1 pid=8 | Health check for server be_app/app1 failed, reason: Layer4 connection problem, info: \\\"Connection refused\\\", check duration: 0ms, status: 0/2 DOWN.",
                    "- fatal upstream=be_app pid=1234 | backend \\'be_app\\' has no server available!",
                    "2026-11-21T05:53:14.210Z[zone-assumed] warn client=203.0.113.9 frontend=fe_https/1 | SSL handshake failure",
                ],
            ),
            // Any message under the haproxy tag; its syslog severity gives the level.
            (
                "<133>Nov 21 05:53:09 lb1 haproxy[1233]: haproxy version is 2.8.5-1ubuntu3\nNov 21 05:53:09 lb1 haproxy[1234]: Connect from 192.0.2.7:40000 to 192.0.2.1:80 (fe_http/HTTP)",
                &[
                    "2026-11-21T05:53:09.000Z[zone-assumed][year-inferred] notice pid=1233 logger=haproxy host=lb1 | haproxy version is 2.8.5-1ubuntu3",
                    "2026-11-21T05:53:09.000Z[zone-assumed][year-inferred] info client=192.0.2.7 pid=1234 logger=haproxy host=lb1 | Connect from 192.0.2.7:40000 to 192.0.2.1:80 (fe_http/HTTP)",
                ],
            ),
            // Malformed: other programs' syslog lines, wrong timer counts, bad state, bad PRI, unquoted request.
            (
                "Nov 21 05:53:10 web1 sshd[881]: Accepted publickey for deploy from 192.0.2.9 port 51000 ssh2",
                &["UNPARSED | Nov 21 05:53:10 web1 sshd[881]: Accepted publickey for deploy from 192.0.2.9 port 51000 ssh2"],
            ),
            (
                "203.0.113.9:51234 [21/Nov/2026:05:53:10.123] fe_http be_app/app1 0/0/1/12 200 512 - - ---- 10/10/2/1/0 0/0 \"GET / HTTP/1.1\"",
                &["UNPARSED | 203.0.113.9:51234 [21/Nov/2026:05:53:10.123] fe_http be_app/app1 0/0/1/12 200 512 - - ---- 10/10/2/1/0 0/0 \\\"GET / HTTP/1.1\\\""],
            ),
            (
                "203.0.113.9:51234 [21/Nov/2026:05:53:10.123] fe_http be_app/app1 0/0/1/12/13 200 512 - - OK 10/10/2/1/0 0/0 \"GET / HTTP/1.1\"",
                &["UNPARSED | 203.0.113.9:51234 [21/Nov/2026:05:53:10.123] fe_http be_app/app1 0/0/1/12/13 200 512 - - OK 10/10/2/1/0 0/0 \\\"GET / HTTP/1.1\\\""],
            ),
            (
                "<999>Nov 21 05:53:10 lb1 haproxy[1]: Proxy fe started.",
                &["UNPARSED | <999>Nov 21 05:53:10 lb1 haproxy[1]: Proxy fe started."],
            ),
            (
                "203.0.113.9:51234 [21/Nov/2026:05:53:10.123] fe_http be_app/app1 0/0/1/12/13 200 512 - - ---- 10/10/2/1/0 0/0 GET / HTTP/1.1",
                &["UNPARSED | 203.0.113.9:51234 [21/Nov/2026:05:53:10.123] fe_http be_app/app1 0/0/1/12/13 200 512 - - ---- 10/10/2/1/0 0/0 GET / HTTP/1.1"],
            ),
            (
                "Proxy servers are great",
                &["UNPARSED | Proxy servers are great"],
            ),
        ],
    );
}

#[test]
fn cut_records_do_not_panic() {
    for line in [
        r#"<134>1 2026-11-21T05:53:13.000+00:00 lb1 haproxy 1234 - [x@1 a="]\]"] 2001:db8::7:51234 [21/Nov/2026:05:53:08.000] fé be/ü -1/-1/-1/-1/5000 408 212 - - cR-- 2/2/0/0/0 0/0 {é|} {ü} "<BADREQ>""#,
        "Nov 21 05:53:10 lb1 haproxy[1234]: Server be_app/app1 is DOWN, reason: é",
        "[WARNING] 324/055310 (1234) : é",
    ] {
        for cut in 0..=line.len() {
            if let Some(prefix) = line.get(..cut) {
                let _ = crate::testing::summaries(&Haproxy, prefix, &ctx());
            }
        }
    }
}

#[test]
fn detection_picks_haproxy_on_its_samples() {
    for (name, sample) in [
        (
            "haproxy.log",
            &include_bytes!("../../../../tests/samples/haproxy.log")[..],
        ),
        (
            "haproxy.raw.log",
            &include_bytes!("../../../../tests/samples/haproxy.raw.log")[..],
        ),
    ] {
        let d = Registry::default().detect(sample, &ctx()).expect(name);
        assert_eq!(d.format.name(), "haproxy", "{name}: {d:?}");
        assert!(d.confidence > 0.99, "{name}: {d:?}");
    }
}
