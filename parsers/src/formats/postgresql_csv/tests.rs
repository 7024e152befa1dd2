use super::PostgresCsv;
use crate::testing::check_table;

#[test]
fn postgresql_csv_table() {
    check_table(
        &PostgresCsv,
        &[
            // PostgreSQL 15: 26 columns, a postmaster line (no session fields).
            (
                "2026-11-21 05:53:08.257 UTC,,,16480,,6b0131c4.4060,3,,2026-11-21 05:53:08 UTC,,0,LOG,00000,\"database system is ready to accept connections\",,,,,,,,,\"\",\"postmaster\",,0",
                &[
                    "2026-11-21T05:53:08.257Z info pid=16480 session=6b0131c4.4060 line_num=3 backend_type=postmaster | database system is ready to accept connections",
                ],
            ),
            // PostgreSQL 13: 24 columns.
            (
                "2026-11-21 05:53:10.147 UTC,\"app\",\"shop\",16501,\"198.51.100.20:52694\",6b0131c6.4075,2,\"authentication\",2026-11-21 05:53:10 UTC,3/1,0,LOG,00000,\"connection authorized: user=app database=shop application_name=shop-api\",,,,,,,,,\"shop-api\",\"client backend\"",
                &[
                    "2026-11-21T05:53:10.147Z info client=198.51.100.20 pid=16501 session=6b0131c6.4075 host=198.51.100.20 user=app database=shop application_name=shop-api port=52694 line_num=2 command_tag=authentication backend_type=client backend | connection authorized: user=app database=shop application_name=shop-api",
                ],
            ),
            // PostgreSQL 12: 23 columns, a Unix-socket session.
            (
                "2026-11-21 05:53:30.001 UTC,\"postgres\",\"postgres\",16510,\"[local]\",6b0131da.407e,3,\"idle\",2026-11-21 05:53:30 UTC,5/0,0,LOG,00000,\"disconnection: session time: 0:00:00.014 user=postgres database=postgres host=[local]\",,,,,,,,,\"psql\"",
                &[
                    "2026-11-21T05:53:30.001Z info client=[local] pid=16510 session=6b0131da.407e host=[local] user=postgres database=postgres application_name=psql line_num=3 command_tag=idle session_time=0.014 | disconnection: session time: 0:00:00.014 user=postgres database=postgres host=[local]",
                ],
            ),
            // PostgreSQL 8.4: 22 columns, no application_name.
            (
                "2026-11-21 05:53:31.500 UTC,\"app\",\"shop\",16511,\"198.51.100.20:52700\",6b0131db.407f,1,\"SELECT\",2026-11-21 05:53:31 UTC,2/14,0,ERROR,57014,\"canceling statement due to statement timeout\",,,,,,\"SELECT pg_sleep(10)\",,",
                &[
                    "2026-11-21T05:53:31.500Z error client=198.51.100.20 pid=16511 session=6b0131db.407f host=198.51.100.20 user=app database=shop query=SELECT pg_sleep(10) code=57014 port=52700 line_num=1 command_tag=SELECT | canceling statement due to statement timeout",
                ],
            ),
            // A statement over several lines inside the quoted message.
            (
                "2026-11-21 05:55:41.902 UTC,\"app\",\"shop\",16501,\"198.51.100.20:52694\",6b0131c6.4075,3,\"SELECT\",2026-11-21 05:53:10 UTC,3/118,0,LOG,00000,\"duration: 1834.522 ms  statement: SELECT o.id, o.amount_cents\n\
                 \tFROM orders o\n\
                 \tWHERE o.customer_id = 4711\",,,,,,,,,\"shop-api\",\"client backend\",,-4315729843021127671\n\
                 2026-11-21 05:55:42.001 UTC,\"app\",\"shop\",16501,\"198.51.100.20:52694\",6b0131c6.4075,4,\"idle\",2026-11-21 05:53:10 UTC,3/0,0,LOG,00000,\"statement: COMMIT\",,,,,,,,,\"shop-api\",\"client backend\",,0",
                &[
                    "2026-11-21T05:55:41.902Z info client=198.51.100.20 pid=16501 session=6b0131c6.4075 host=198.51.100.20 user=app database=shop query=SELECT o.id, o.amount_cents\n\tFROM orders o\n\tWHERE o.customer_id = 4711 query_time=1.834522 application_name=shop-api port=52694 line_num=3 command_tag=SELECT backend_type=client backend query_id=-4315729843021127671 | duration: 1834.522 ms  statement: SELECT o.id, o.amount_cents\\n\\tFROM orders o\\n\\tWHERE o.customer_id = 4711",
                    "2026-11-21T05:55:42.001Z info client=198.51.100.20 pid=16501 session=6b0131c6.4075 host=198.51.100.20 user=app database=shop query=COMMIT application_name=shop-api port=52694 line_num=4 command_tag=idle backend_type=client backend | statement: COMMIT",
                ],
            ),
            // Quotes doubled inside quotes; an IPv6 client.
            (
                "2026-11-21 05:57:12.310 UTC,\"app\",\"shop\",16503,\"2001:db8::17:40112\",6b0131c6.4077,4,\"SELECT\",2026-11-21 05:53:10 UTC,4/164,0,ERROR,42P01,\"relation \"\"ordrs\"\" does not exist\",,,,,,\"SELECT * FROM ordrs WHERE id = 5\",15,,\"shop-api\",\"client backend\",,0",
                &[
                    "2026-11-21T05:57:12.310Z error client=2001:db8::17 pid=16503 session=6b0131c6.4077 host=2001:db8::17 user=app database=shop query=SELECT * FROM ordrs WHERE id = 5 code=42P01 application_name=shop-api port=40112 line_num=4 command_tag=SELECT backend_type=client backend | relation \\\"ordrs\\\" does not exist",
                ],
            ),
            // A deadlock: detail on several lines, hint, context, statement.
            (
                "2026-11-21 06:01:00.113 UTC,\"app\",\"shop\",16501,\"198.51.100.20:52694\",6b0131c6.4075,5,\"UPDATE\",2026-11-21 05:53:10 UTC,3/290,7771,ERROR,40P01,\"deadlock detected\",\"Process 16501 waits for ShareLock on transaction 7772; blocked by process 16503.\n\
                 Process 16503 waits for ShareLock on transaction 7771; blocked by process 16501.\",\"See server log for query details.\",,,\"while updating tuple (5,2) in relation \"\"products\"\"\",\"UPDATE products SET stock = stock - 1 WHERE id = 42\",,,\"shop-api\",\"client backend\",,-913358874260710843",
                &[
                    "2026-11-21T06:01:00.113Z error client=198.51.100.20 pid=16501 session=6b0131c6.4075 host=198.51.100.20 user=app database=shop query=UPDATE products SET stock = stock - 1 WHERE id = 42 code=40P01 application_name=shop-api port=52694 line_num=5 command_tag=UPDATE txid=7771 backend_type=client backend query_id=-913358874260710843 detail=Process 16501 waits for ShareLock on transaction 7772; blocked by process 16503.\nProcess 16503 waits for ShareLock on transaction 7771; blocked by process 16501. hint=See server log for query details. context=while updating tuple (5,2) in relation \"products\" | deadlock detected",
                ],
            ),
            // Too many clients, and a parallel worker with its leader.
            (
                "2026-11-21 06:03:58.221 UTC,\"app\",\"shop\",16805,\"198.51.100.22:40130\",6b01344e.41a5,2,\"initializing\",2026-11-21 06:03:58 UTC,,0,FATAL,53300,\"sorry, too many clients already\",,,,,,,,,\"\",\"client backend\",,0\n\
                 2026-11-21 06:04:01.007 UTC,\"app\",\"shop\",16811,,6b013451.41ab,1,\"SELECT\",2026-11-21 06:04:01 UTC,9/3,0,ERROR,57014,\"canceling statement due to user request\",,,,,\"parallel worker\",,,,\"shop-api\",\"parallel worker\",16501,0",
                &[
                    "2026-11-21T06:03:58.221Z fatal client=198.51.100.22 pid=16805 session=6b01344e.41a5 host=198.51.100.22 user=app database=shop code=53300 port=40130 line_num=2 command_tag=initializing backend_type=client backend | sorry, too many clients already",
                    "2026-11-21T06:04:01.007Z error pid=16811 session=6b013451.41ab user=app database=shop code=57014 application_name=shop-api line_num=1 command_tag=SELECT backend_type=parallel worker leader_pid=16501 context=parallel worker | canceling statement due to user request",
                ],
            ),
            // Malformed: an unclosed quote, too few and too many columns, an unknown severity.
            (
                "2026-11-21 06:05:00.000 UTC,\"app\",\"shop\",16501,\"198.51.100.20:52694\",6b0131c6.4075,9,\"idle\",2026-11-21 05:53:10 UTC,3/0,0,LOG,00000,\"unterminated\n\
                 still inside\n\
                 2026-11-21 06:05:01.000 UTC,,,16480,,6b0131c4.4060,6,,2026-11-21 05:53:08 UTC,,0,LOG,00000,\"twenty one\",,,,,,",
                &[
                    "UNPARSED | 2026-11-21 06:05:00.000 UTC,\\\"app\\\",\\\"shop\\\",16501,\\\"198.51.100.20:52694\\\",6b0131c6.4075,9,\\\"idle\\\",2026-11-21 05:53:10 UTC,3/0,0,LOG,00000,\\\"unterminated\\nstill inside",
                    "UNPARSED | 2026-11-21 06:05:01.000 UTC,,,16480,,6b0131c4.4060,6,,2026-11-21 05:53:08 UTC,,0,LOG,00000,\\\"twenty one\\\",,,,,,",
                ],
            ),
            (
                "2026-11-21 06:05:02.000 UTC,,,16480,,6b0131c4.4060,7,,2026-11-21 05:53:08 UTC,,0,LOG,00000,\"too many\",,,,,,,,,\"\",\"postmaster\",,0,extra\n\
                 2026-11-21 06:05:03.000 UTC,,,16480,,6b0131c4.4060,8,,2026-11-21 05:53:08 UTC,,0,NOTE,00000,\"bad severity\",,,,,,,,,\"\",\"postmaster\",,0",
                &[
                    "UNPARSED | 2026-11-21 06:05:02.000 UTC,,,16480,,6b0131c4.4060,7,,2026-11-21 05:53:08 UTC,,0,LOG,00000,\\\"too many\\\",,,,,,,,,\\\"\\\",\\\"postmaster\\\",,0,extra",
                    "UNPARSED | 2026-11-21 06:05:03.000 UTC,,,16480,,6b0131c4.4060,8,,2026-11-21 05:53:08 UTC,,0,NOTE,00000,\\\"bad severity\\\",,,,,,,,,\\\"\\\",\\\"postmaster\\\",,0",
                ],
            ),
            // A continuation line with no record before it; the stderr log is not csvlog.
            (
                "\tFROM orders o\n\
                 2026-11-21 05:53:10.147 UTC [16501] app@shop LOG:  connection authorized: user=app database=shop",
                &[
                    "UNPARSED | \\tFROM orders o\\n2026-11-21 05:53:10.147 UTC [16501] app@shop LOG:  connection authorized: user=app database=shop",
                ],
            ),
        ],
    );
}

#[test]
fn postgresql_csv_sample_is_detected() {
    let sample = include_bytes!("../../../../tests/samples/postgresql-csv.log");
    let detection = crate::Registry::default()
        .detect(sample, &crate::testing::ctx())
        .expect("detected");
    assert_eq!(detection.format.name(), "postgresql-csv", "{detection:?}");
    assert_eq!(detection.confidence, 1.0);
}

#[test]
fn records_start_at_a_log_time_and_a_comma() {
    use crate::format::Format;
    let f = PostgresCsv;
    assert!(f.is_record_start("2026-11-21 05:53:08.257 UTC,,,16480,,6b0131c4.4060,3,,"));
    assert!(f.is_record_start("2026-11-21 05:53:08 CET,\"app\""));
    assert!(!f.is_record_start("2026-11-21 05:53:08.257 UTC [16480] LOG:  x"));
    assert!(!f.is_record_start("\tFROM orders o\","));
    assert!(!f.is_record_start("2026-11-21T05:53:08.257Z,a,b"));
}

proptest::proptest! {
    #[test]
    fn never_panics(s in "[\"a,\\n\\\\PC]{0,300}") {
        use crate::format::Format;
        let f = PostgresCsv;
        let record = format!("2026-11-21 05:53:08.257 UTC,{s}");
        let _ = f.is_record_start(&record);
        let _ = f.parse(&record, &crate::testing::ctx());
    }
}
