use super::PostgresJson;
use crate::testing::check_table;

#[test]
fn postgresql_json_table() {
    check_table(
        &PostgresJson,
        &[
            (
                r#"{"timestamp":"2026-11-21 05:53:08.257 UTC","pid":16480,"session_id":"6b0131c4.4060","line_num":3,"session_start":"2026-11-21 05:53:08 UTC","txid":0,"error_severity":"LOG","message":"database system is ready to accept connections","backend_type":"postmaster","query_id":0}"#,
                &[
                    "2026-11-21T05:53:08.257Z info pid=16480 session=6b0131c4.4060 line_num=3 backend_type=postmaster | database system is ready to accept connections",
                ],
            ),
            (
                r#"{"timestamp":"2026-11-21 05:53:10.143 UTC","pid":16501,"remote_host":"198.51.100.20","remote_port":52694,"session_id":"6b0131c6.4075","line_num":1,"ps":"","session_start":"2026-11-21 05:53:10 UTC","txid":0,"error_severity":"LOG","message":"connection received: host=198.51.100.20 port=52694","backend_type":"not initialized","query_id":0}"#,
                &[
                    "2026-11-21T05:53:10.143Z info client=198.51.100.20 pid=16501 session=6b0131c6.4075 host=198.51.100.20 port=52694 line_num=1 backend_type=not initialized | connection received: host=198.51.100.20 port=52694",
                ],
            ),
            (
                r#"{"timestamp":"2026-11-21 05:53:10.147 UTC","user":"app","dbname":"shop","pid":16501,"remote_host":"198.51.100.20","remote_port":52694,"session_id":"6b0131c6.4075","line_num":2,"ps":"authentication","session_start":"2026-11-21 05:53:10 UTC","vxid":"3/1","txid":0,"error_severity":"LOG","message":"connection authorized: user=app database=shop application_name=shop-api","application_name":"shop-api","backend_type":"client backend","query_id":0}"#,
                &[
                    "2026-11-21T05:53:10.147Z info client=198.51.100.20 pid=16501 session=6b0131c6.4075 host=198.51.100.20 user=app database=shop application_name=shop-api port=52694 line_num=2 command_tag=authentication backend_type=client backend | connection authorized: user=app database=shop application_name=shop-api",
                ],
            ),
            (
                r#"{"timestamp":"2026-11-21 05:55:41.902 UTC","user":"app","dbname":"shop","pid":16501,"remote_host":"198.51.100.20","remote_port":52694,"session_id":"6b0131c6.4075","line_num":3,"ps":"SELECT","session_start":"2026-11-21 05:53:10 UTC","vxid":"3/118","txid":0,"error_severity":"LOG","message":"duration: 1834.522 ms  statement: SELECT o.id\n\tFROM orders o\n\tWHERE o.customer_id = 4711","application_name":"shop-api","backend_type":"client backend","query_id":-4315729843021127671}"#,
                &[
                    "2026-11-21T05:55:41.902Z info client=198.51.100.20 pid=16501 session=6b0131c6.4075 host=198.51.100.20 user=app database=shop query=SELECT o.id\n\tFROM orders o\n\tWHERE o.customer_id = 4711 query_time=1.834522 application_name=shop-api port=52694 line_num=3 command_tag=SELECT backend_type=client backend query_id=-4315729843021127671 | duration: 1834.522 ms  statement: SELECT o.id\\n\\tFROM orders o\\n\\tWHERE o.customer_id = 4711",
                ],
            ),
            (
                r#"{"timestamp":"2026-11-21 07:01:01.544 UTC","user":"app","dbname":"shop","pid":3505,"remote_host":"::1","remote_port":40098,"session_id":"6b0141ad.db1","line_num":4,"ps":"SELECT","session_start":"2026-11-21 07:01:01 UTC","vxid":"3/8","txid":0,"error_severity":"ERROR","state_code":"42P01","message":"relation \"ordrs\" does not exist","statement":"select * from ordrs where \"weird \"\"name\"\"\" = 'it''s';","cursor_position":15,"application_name":"shop-api","backend_type":"client backend","query_id":0}"#,
                &[
                    "2026-11-21T07:01:01.544Z error client=::1 pid=3505 session=6b0141ad.db1 host=::1 user=app database=shop query=select * from ordrs where \"weird \"\"name\"\"\" = 'it''s'; code=42P01 application_name=shop-api port=40098 line_num=4 command_tag=SELECT backend_type=client backend | relation \\\"ordrs\\\" does not exist",
                ],
            ),
            (
                r#"{"timestamp":"2026-11-21 06:01:00.113 UTC","user":"app","dbname":"shop","pid":16501,"remote_host":"198.51.100.20","remote_port":52694,"session_id":"6b0131c6.4075","line_num":5,"ps":"UPDATE","session_start":"2026-11-21 05:53:10 UTC","vxid":"3/290","txid":7771,"error_severity":"ERROR","state_code":"40P01","message":"deadlock detected","detail":"Process 16501 waits for ShareLock on transaction 7772; blocked by process 16503.\nProcess 16503 waits for ShareLock on transaction 7771; blocked by process 16501.","hint":"See server log for query details.","context":"while updating tuple (5,2) in relation \"products\"","statement":"UPDATE products SET stock = stock - 1 WHERE id = 42","func_name":"DeadLockReport","file_name":"deadlock.c","file_line_num":1135,"application_name":"shop-api","backend_type":"client backend","query_id":-913358874260710843}"#,
                &[
                    "2026-11-21T06:01:00.113Z error client=198.51.100.20 pid=16501 session=6b0131c6.4075 host=198.51.100.20 user=app database=shop query=UPDATE products SET stock = stock - 1 WHERE id = 42 code=40P01 application_name=shop-api port=52694 line_num=5 command_tag=UPDATE txid=7771 backend_type=client backend query_id=-913358874260710843 detail=Process 16501 waits for ShareLock on transaction 7772; blocked by process 16503.\nProcess 16503 waits for ShareLock on transaction 7771; blocked by process 16501. hint=See server log for query details. context=while updating tuple (5,2) in relation \"products\" location=DeadLockReport, deadlock.c:1135 | deadlock detected",
                ],
            ),
            (
                r#"{"timestamp":"2026-11-21 06:03:58.221 UTC","user":"app","dbname":"shop","pid":16805,"remote_host":"198.51.100.22","remote_port":40130,"session_id":"6b01344e.41a5","line_num":2,"ps":"initializing","session_start":"2026-11-21 06:03:58 UTC","txid":0,"error_severity":"FATAL","state_code":"53300","message":"sorry, too many clients already","backend_type":"client backend","query_id":0}"#,
                &[
                    "2026-11-21T06:03:58.221Z fatal client=198.51.100.22 pid=16805 session=6b01344e.41a5 host=198.51.100.22 user=app database=shop code=53300 port=40130 line_num=2 command_tag=initializing backend_type=client backend | sorry, too many clients already",
                ],
            ),
            (
                r#"{"timestamp":"2026-11-21 06:04:01.007 CET","user":"app","dbname":"shop","pid":16811,"session_id":"6b013451.41ab","line_num":1,"session_start":"2026-11-21 06:04:01 CET","vxid":"9/3","txid":0,"error_severity":"DEBUG","message":"parallel worker \u00e9 started","application_name":"shop-api","backend_type":"parallel worker","leader_pid":16501,"query_id":0}"#,
                &[
                    "2026-11-21T05:04:01.007Z debug pid=16811 session=6b013451.41ab user=app database=shop application_name=shop-api line_num=1 backend_type=parallel worker leader_pid=16501 | parallel worker é started",
                ],
            ),
            // Malformed: not PostgreSQL's (no error_severity, ISO time, unknown severity, broken JSON).
            (
                r#"{"time":"2026-11-21T05:53:08.246Z","level":"info","msg":"listening","pid":1}"#,
                &[
                    "UNPARSED | {\\\"time\\\":\\\"2026-11-21T05:53:08.246Z\\\",\\\"level\\\":\\\"info\\\",\\\"msg\\\":\\\"listening\\\",\\\"pid\\\":1}",
                ],
            ),
            (
                r#"{"timestamp":"2026-11-21T05:53:08.246Z","error_severity":"LOG","message":"iso time"}"#,
                &[
                    "UNPARSED | {\\\"timestamp\\\":\\\"2026-11-21T05:53:08.246Z\\\",\\\"error_severity\\\":\\\"LOG\\\",\\\"message\\\":\\\"iso time\\\"}",
                ],
            ),
            (
                r#"{"timestamp":"2026-11-21 05:53:08.246 UTC","error_severity":"info","message":"lower case"}"#,
                &[
                    "UNPARSED | {\\\"timestamp\\\":\\\"2026-11-21 05:53:08.246 UTC\\\",\\\"error_severity\\\":\\\"info\\\",\\\"message\\\":\\\"lower case\\\"}",
                ],
            ),
            (
                r#"{"timestamp":"2026-11-21 05:53:08.246 UTC","error_severity":"LOG","message":"cut sh"#,
                &[
                    "UNPARSED | {\\\"timestamp\\\":\\\"2026-11-21 05:53:08.246 UTC\\\",\\\"error_severity\\\":\\\"LOG\\\",\\\"message\\\":\\\"cut sh",
                ],
            ),
            (
                r#"{"timestamp":"2026-11-21 05:53:08.246 UTC","pid":"16480","error_severity":"LOG","message":"pid as a string"}"#,
                &[
                    "UNPARSED | {\\\"timestamp\\\":\\\"2026-11-21 05:53:08.246 UTC\\\",\\\"pid\\\":\\\"16480\\\",\\\"error_severity\\\":\\\"LOG\\\",\\\"message\\\":\\\"pid as a string\\\"}",
                ],
            ),
        ],
    );
}

#[test]
fn postgresql_json_sample_is_detected() {
    let sample = include_bytes!("../../../../tests/samples/postgresql-json.log");
    let detection = crate::Registry::default()
        .detect(sample, &crate::testing::ctx())
        .expect("detected");
    assert_eq!(detection.format.name(), "postgresql-json", "{detection:?}");
    assert_eq!(detection.confidence, 1.0);
}

proptest::proptest! {
    #[test]
    fn never_panics(s in "\\PC{0,200}") {
        use crate::format::Format;
        let f = PostgresJson;
        let _ = f.parse(&format!("{{\"timestamp\":\"2026-11-21 05:53:08.246 UTC\",{s}"), &crate::testing::ctx());
        let _ = f.parse(&s, &crate::testing::ctx());
    }
}
