use super::AwsAlb;
use crate::testing::{check_table, ctx};
use crate::Registry;

#[test]
fn aws_alb_table() {
    check_table(
        &AwsAlb,
        &[
            // A current entry: every field down to conn_trace_id.
            (
                r#"https 2026-11-21T05:53:10.186641Z app/shop-prod/50dc6c495c0c9188 203.0.113.17:51234 192.0.2.10:8080 0.001 0.048 0.000 200 200 384 1781 "GET https://shop.example.com:443/api/orders?customer=12&limit=20 HTTP/1.1" "Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0" ECDHE-RSA-AES128-GCM-SHA256 TLSv1.2 arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/shop-api/73e2d6bc24d8a067 "Root=1-6740c8f0-3c4ad5e7b1f1d2e3a4b5c6d7" "shop.example.com" "arn:aws:acm:us-east-1:123456789012:certificate/12345678-1234-1234-1234-123456789012" 1 2026-11-21T05:53:10.137000Z "forward" "-" "-" "192.0.2.10:8080" "200" "-" "-" TID_1a2b3c4d5e6f7a8b"#,
                &["2026-11-21T05:53:10.186Z info status=200 duration=0.049 upstream_duration=0.048 bytes=1781 client=203.0.113.17 method=GET path=/api/orders?customer=12&limit=20 user_agent=Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0 request_id=Root=1-6740c8f0-3c4ad5e7b1f1d2e3a4b5c6d7 upstream=192.0.2.10:8080 host=shop.example.com type=https elb=app/shop-prod/50dc6c495c0c9188 target_status=200 received_bytes=384 ssl_cipher=ECDHE-RSA-AES128-GCM-SHA256 ssl_protocol=TLSv1.2 target_group=arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/shop-api/73e2d6bc24d8a067 domain=shop.example.com chosen_cert_arn=arn:aws:acm:us-east-1:123456789012:certificate/12345678-1234-1234-1234-123456789012 matched_rule_priority=1 actions=forward targets=192.0.2.10:8080 target_status_codes=200 conn_trace_id=TID_1a2b3c4d5e6f7a8b | GET https://shop.example.com:443/api/orders?customer=12&limit=20 HTTP/1.1"],
            ),
            // The target never answered (504): -1 times, the duration comes from request_creation_time.
            (
                r#"http 2026-11-21T06:00:48.512344Z app/shop-prod/50dc6c495c0c9188 198.51.100.21:40112 192.0.2.11:8080 0.000 -1 -1 504 - 212 611 "POST http://shop.example.com:80/api/checkout HTTP/1.1" "okhttp/4.12.0" - - arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/shop-api/73e2d6bc24d8a067 "Root=1-6740ca70-0a1b2c3d4e5f60718293a4b5" "-" "-" 1 2026-11-21T06:00:43.511000Z "forward" "-" "-" "192.0.2.11:8080" "-" "-" "-" TID_99aa"#,
                &["2026-11-21T06:00:48.512Z error status=504 duration=5.001344 bytes=611 client=198.51.100.21 method=POST path=/api/checkout user_agent=okhttp/4.12.0 request_id=Root=1-6740ca70-0a1b2c3d4e5f60718293a4b5 upstream=192.0.2.11:8080 host=shop.example.com type=http elb=app/shop-prod/50dc6c495c0c9188 received_bytes=212 target_group=arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/shop-api/73e2d6bc24d8a067 matched_rule_priority=1 actions=forward targets=192.0.2.11:8080 conn_trace_id=TID_99aa | POST http://shop.example.com:80/api/checkout HTTP/1.1"],
            ),
            // No healthy target (503, target `-`); a Lambda target error with its error_reason.
            (
                "https 2026-11-21T06:01:02.000100Z app/shop-prod/50dc6c495c0c9188 203.0.113.5:1025 - -1 -1 -1 503 - 190 326 \"GET https://shop.example.com:443/health HTTP/1.1\" \"Blackbox-Exporter/0.25.0\" ECDHE-RSA-AES128-GCM-SHA256 TLSv1.3 arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/shop-api/73e2d6bc24d8a067 \"Root=1-6740ca7e-11112222333344445555aaaa\" \"shop.example.com\" \"session-reused\" 1 2026-11-21T06:01:02.000000Z \"forward\" \"-\" \"-\" \"-\" \"-\" \"-\" \"-\" TID_77\nhttps 2026-11-21T06:01:03.250000Z app/shop-prod/50dc6c495c0c9188 203.0.113.5:1026 - 0.000 0.030 0.000 502 - 190 326 \"GET https://shop.example.com:443/hooks/ping HTTP/1.1\" \"curl/8.5.0\" ECDHE-RSA-AES128-GCM-SHA256 TLSv1.3 arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/ping-fn/0123456789abcdef \"Root=1-6740ca7f-aaaabbbbccccddddeeeeffff\" \"shop.example.com\" \"session-reused\" 2 2026-11-21T06:01:03.220000Z \"forward\" \"-\" \"LambdaInvalidResponse\" \"-\" \"-\" \"-\" \"-\" TID_78",
                &[
                    "2026-11-21T06:01:02.000Z error status=503 duration=0.0001 bytes=326 client=203.0.113.5 method=GET path=/health user_agent=Blackbox-Exporter/0.25.0 request_id=Root=1-6740ca7e-11112222333344445555aaaa host=shop.example.com type=https elb=app/shop-prod/50dc6c495c0c9188 received_bytes=190 ssl_cipher=ECDHE-RSA-AES128-GCM-SHA256 ssl_protocol=TLSv1.3 target_group=arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/shop-api/73e2d6bc24d8a067 domain=shop.example.com chosen_cert_arn=session-reused matched_rule_priority=1 actions=forward conn_trace_id=TID_77 | GET https://shop.example.com:443/health HTTP/1.1",
                    "2026-11-21T06:01:03.250Z error status=502 duration=0.03 upstream_duration=0.03 bytes=326 client=203.0.113.5 method=GET path=/hooks/ping user_agent=curl/8.5.0 request_id=Root=1-6740ca7f-aaaabbbbccccddddeeeeffff host=shop.example.com code=LambdaInvalidResponse type=https elb=app/shop-prod/50dc6c495c0c9188 received_bytes=190 ssl_cipher=ECDHE-RSA-AES128-GCM-SHA256 ssl_protocol=TLSv1.3 target_group=arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/ping-fn/0123456789abcdef domain=shop.example.com chosen_cert_arn=session-reused matched_rule_priority=2 actions=forward conn_trace_id=TID_78 | GET https://shop.example.com:443/hooks/ping HTTP/1.1",
                ],
            ),
            // HTTP/2 from an IPv6 client; WebSocket upgrade; fields newer than this parser are ignored.
            (
                "h2 2026-11-21T05:53:11.000000Z app/shop-prod/50dc6c495c0c9188 2001:db8::1f:443 192.0.2.10:8080 0.000 0.002 0.000 404 404 52 153 \"GET https://shop.example.com:443/.env HTTP/2.0\" \"Mozilla/5.0 zgrab/0.x\" TLS_AES_128_GCM_SHA256 TLSv1.3 arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/shop-api/73e2d6bc24d8a067 \"Root=1-6740c8f1-0000aaaa1111bbbb2222cccc\" \"shop.example.com\" \"arn:aws:acm:us-east-1:123456789012:certificate/12345678-1234-1234-1234-123456789012\" 1 2026-11-21T05:53:10.998000Z \"forward\" \"-\" \"-\" \"192.0.2.10:8080\" \"404\" \"Ambiguous\" \"UndefinedContentLengthSemantics\" TID_1 \"future-field\" 42\nwss 2026-11-21T05:58:00.000000Z app/shop-prod/50dc6c495c0c9188 198.51.100.64:40000 192.0.2.10:8080 0.000 0.001 0.000 101 101 500 2100 \"GET https://shop.example.com:443/live HTTP/1.1\" \"-\" ECDHE-RSA-AES128-GCM-SHA256 TLSv1.2 arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/shop-api/73e2d6bc24d8a067 \"Root=1-6740c9f8-ffff0000eeee1111dddd2222\" \"shop.example.com\" \"session-reused\" 1 2026-11-21T05:55:12.000000Z \"forward\" \"-\" \"-\" \"192.0.2.10:8080\" \"101\" \"-\" \"-\" -",
                &[
                    "2026-11-21T05:53:11.000Z warn status=404 duration=0.002 upstream_duration=0.002 bytes=153 client=2001:db8::1f method=GET path=/.env user_agent=Mozilla/5.0 zgrab/0.x request_id=Root=1-6740c8f1-0000aaaa1111bbbb2222cccc upstream=192.0.2.10:8080 host=shop.example.com type=h2 elb=app/shop-prod/50dc6c495c0c9188 target_status=404 received_bytes=52 ssl_cipher=TLS_AES_128_GCM_SHA256 ssl_protocol=TLSv1.3 target_group=arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/shop-api/73e2d6bc24d8a067 domain=shop.example.com chosen_cert_arn=arn:aws:acm:us-east-1:123456789012:certificate/12345678-1234-1234-1234-123456789012 matched_rule_priority=1 actions=forward targets=192.0.2.10:8080 target_status_codes=404 classification=Ambiguous classification_reason=UndefinedContentLengthSemantics conn_trace_id=TID_1 | GET https://shop.example.com:443/.env HTTP/2.0",
                    "2026-11-21T05:58:00.000Z info status=101 duration=0.001 upstream_duration=0.001 bytes=2100 client=198.51.100.64 method=GET path=/live request_id=Root=1-6740c9f8-ffff0000eeee1111dddd2222 upstream=192.0.2.10:8080 host=shop.example.com type=wss elb=app/shop-prod/50dc6c495c0c9188 target_status=101 received_bytes=500 ssl_cipher=ECDHE-RSA-AES128-GCM-SHA256 ssl_protocol=TLSv1.2 target_group=arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/shop-api/73e2d6bc24d8a067 domain=shop.example.com chosen_cert_arn=session-reused matched_rule_priority=1 actions=forward targets=192.0.2.10:8080 target_status_codes=101 | GET https://shop.example.com:443/live HTTP/1.1",
                ],
            ),
            // A request line the ALB could not read, logged with dashes; the client closed first (460).
            (
                "http 2026-11-21T05:55:40.000000Z app/shop-prod/50dc6c495c0c9188 198.51.100.213:5000 - -1 -1 -1 400 - 0 272 \"- http://shop.example.com:80- -\" \"-\" - - - \"-\" \"-\" \"-\" - 2026-11-21T05:55:40.000000Z \"-\" \"-\" \"-\" \"-\" \"-\" \"-\" \"-\" -\nhttps 2026-11-21T06:00:50.000000Z app/shop-prod/50dc6c495c0c9188 192.0.2.9:3000 192.0.2.11:8080 0.000 -1 -1 460 - 300 0 \"GET https://shop.example.com:443/api/orders/77 HTTP/1.1\" \"ShopApp/3.8.2 (iPhone; iOS 17.4.1)\" ECDHE-RSA-AES128-GCM-SHA256 TLSv1.2 arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/shop-api/73e2d6bc24d8a067 \"Root=1-6740ca72-123412341234123412341234\" \"shop.example.com\" \"session-reused\" 1 2026-11-21T06:00:48.750000Z \"forward\" \"-\" \"-\" \"192.0.2.11:8080\" \"-\" \"-\" \"-\" TID_5",
                &[
                    "2026-11-21T05:55:40.000Z warn status=400 duration=0 bytes=272 client=198.51.100.213 type=http elb=app/shop-prod/50dc6c495c0c9188 received_bytes=0 | - http://shop.example.com:80- -",
                    "2026-11-21T06:00:50.000Z warn status=460 duration=1.25 bytes=0 client=192.0.2.9 method=GET path=/api/orders/77 user_agent=ShopApp/3.8.2 (iPhone; iOS 17.4.1) request_id=Root=1-6740ca72-123412341234123412341234 upstream=192.0.2.11:8080 host=shop.example.com type=https elb=app/shop-prod/50dc6c495c0c9188 received_bytes=300 ssl_cipher=ECDHE-RSA-AES128-GCM-SHA256 ssl_protocol=TLSv1.2 target_group=arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/shop-api/73e2d6bc24d8a067 domain=shop.example.com chosen_cert_arn=session-reused matched_rule_priority=1 actions=forward targets=192.0.2.11:8080 conn_trace_id=TID_5 | GET https://shop.example.com:443/api/orders/77 HTTP/1.1",
                ],
            ),
            // Classic ELB (no type, fields end after ssl_protocol) and an early ALB entry (ends at the trace id).
            (
                "2026-11-21T05:53:12.945958Z shop-classic 192.0.2.70:2817 192.0.2.10:80 0.000073 0.001048 0.000057 200 200 0 29 \"GET http://shop.example.com:80/ HTTP/1.1\" \"curl/7.38.0\" - -\nhttp 2026-11-21T05:53:13.000000Z app/shop-prod/50dc6c495c0c9188 192.0.2.70:2818 192.0.2.10:80 0.000 0.001 0.000 200 200 34 366 \"GET http://shop.example.com:80/ HTTP/1.1\" \"curl/7.46.0\" - - arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/shop-api/73e2d6bc24d8a067 \"Root=1-58337262-36d228ad5d99923122bbe354\"",
                &[
                    "2026-11-21T05:53:12.945Z info status=200 duration=0.001178 upstream_duration=0.001048 bytes=29 client=192.0.2.70 method=GET path=/ user_agent=curl/7.38.0 upstream=192.0.2.10:80 host=shop.example.com elb=shop-classic target_status=200 received_bytes=0 | GET http://shop.example.com:80/ HTTP/1.1",
                    "2026-11-21T05:53:13.000Z info status=200 duration=0.001 upstream_duration=0.001 bytes=366 client=192.0.2.70 method=GET path=/ user_agent=curl/7.46.0 request_id=Root=1-58337262-36d228ad5d99923122bbe354 upstream=192.0.2.10:80 host=shop.example.com type=http elb=app/shop-prod/50dc6c495c0c9188 target_status=200 received_bytes=34 target_group=arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/shop-api/73e2d6bc24d8a067 | GET http://shop.example.com:80/ HTTP/1.1",
                ],
            ),
            // Malformed: an unknown type, a zone-less time, a line cut before the request, a bad status, nginx.
            (
                "tcp 2026-11-21T05:53:10.186641Z net/shop/50dc 203.0.113.17:51234 192.0.2.10:8080 0.001 0.048 0.000 200 200 384 1781 \"GET / HTTP/1.1\" \"-\"",
                &["UNPARSED | tcp 2026-11-21T05:53:10.186641Z net/shop/50dc 203.0.113.17:51234 192.0.2.10:8080 0.001 0.048 0.000 200 200 384 1781 \\\"GET / HTTP/1.1\\\" \\\"-\\\""],
            ),
            (
                "http 2026-11-21 05:53:10 app/shop-prod/50dc 203.0.113.17:51234 - -1 -1 -1 400 - 0 0 \"-\" \"-\"",
                &["UNPARSED | http 2026-11-21 05:53:10 app/shop-prod/50dc 203.0.113.17:51234 - -1 -1 -1 400 - 0 0 \\\"-\\\" \\\"-\\\""],
            ),
            (
                "http 2026-11-21T05:53:10.000000Z app/shop-prod/50dc 203.0.113.17:51234 - -1 -1 -1 400 - 0 0",
                &["UNPARSED | http 2026-11-21T05:53:10.000000Z app/shop-prod/50dc 203.0.113.17:51234 - -1 -1 -1 400 - 0 0"],
            ),
            (
                "http 2026-11-21T05:53:10.000000Z app/shop-prod/50dc 203.0.113.17:51234 - 0.1 0.2 0.3 OK - 0 0 \"-\" \"-\"",
                &["UNPARSED | http 2026-11-21T05:53:10.000000Z app/shop-prod/50dc 203.0.113.17:51234 - 0.1 0.2 0.3 OK - 0 0 \\\"-\\\" \\\"-\\\""],
            ),
            (
                "127.0.0.1 - - [21/Nov/2026:05:53:10 +0000] \"GET / HTTP/1.1\" 200 143 \"-\" \"curl/8.5.0\"",
                &["UNPARSED | 127.0.0.1 - - [21/Nov/2026:05:53:10 +0000] \\\"GET / HTTP/1.1\\\" 200 143 \\\"-\\\" \\\"curl/8.5.0\\\""],
            ),
        ],
    );
}

#[test]
fn cut_records_do_not_panic() {
    let line = "https 2026-11-21T05:53:10.186641Z app/é/5 203.0.113.17:51234 192.0.2.10:8080 0.001 -1 0.000 200 200 384 1781 \"GET https://ü:443/é HTTP/1.1\" \"ü\" - - arn \"Root=1-é\" \"é\" \"-\" 1 2026-11-21T05:53:10.137000Z \"forward\" \"-\" \"-\" \"-\" \"-\" \"-\" \"-\" TID";
    for cut in 0..=line.len() {
        if let Some(prefix) = line.get(..cut) {
            let _ = crate::testing::summaries(&AwsAlb, prefix, &ctx());
        }
    }
}

#[test]
fn detection_picks_aws_alb_on_its_sample() {
    let sample = include_bytes!("../../../../tests/samples/aws-alb.log");
    let d = Registry::default()
        .detect(sample, &ctx())
        .expect("detected");
    assert_eq!(d.format.name(), "aws-alb", "{d:?}");
    assert!(d.confidence > 0.99, "{d:?}");
}
