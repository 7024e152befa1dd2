use super::PostgresStderr;
use crate::format::Format;
use crate::testing::check_table;

#[test]
fn postgresql_table() {
    check_table(
        &PostgresStderr,
        &[
            // The RDS-style prefix `%t:%r:%u@%d:[%p]:` (client host(port), and
            // empty user/database for background processes).
            (
                "2026-11-21 05:53:09 UTC:10.0.1.5(51234):app@shop:[4242]:ERROR:  relation \"orderz\" does not exist at character 15\n2026-11-21 05:53:11 UTC::@:[3012]:LOG:  checkpoint starting: time",
                &[
                    "2026-11-21T05:53:09.000Z error client=10.0.1.5 pid=4242 host=10.0.1.5 user=app database=shop port=51234 | relation \\\"orderz\\\" does not exist at character 15",
                    "2026-11-21T05:53:11.000Z info pid=3012 | checkpoint starting: time",
                ],
            ),
            (
                "2026-11-21 05:53:10.147 UTC [16501] app@shop LOG:  connection authorized: user=app database=shop application_name=shop-api",
                &[
                    "2026-11-21T05:53:10.147Z info pid=16501 user=app database=shop application_name=shop-api | connection authorized: user=app database=shop application_name=shop-api",
                ],
            ),
            (
                "2026-11-21 05:53:10.143 UTC [16501] [unknown]@[unknown] LOG:  connection received: host=127.0.0.1 port=52694",
                &[
                    "2026-11-21T05:53:10.143Z info client=127.0.0.1 pid=16501 host=127.0.0.1 port=52694 | connection received: host=127.0.0.1 port=52694",
                ],
            ),
            (
                "2026-11-21 05:58:08.379 UTC [16481] LOG:  checkpoint complete: wrote 648 buffers (4.0%); 0 WAL file(s) added, 0 removed, 0 recycled; write=64.643 s, sync=0.002 s, total=64.647 s; sync files=25, longest=0.001 s, average=0.001 s; distance=1255 kB, estimate=1255 kB",
                &[
                    "2026-11-21T05:58:08.379Z info pid=16481 | checkpoint complete: wrote 648 buffers (4.0%); 0 WAL file(s) added, 0 removed, 0 recycled; write=64.643 s, sync=0.002 s, total=64.647 s; sync files=25, longest=0.001 s, average=0.001 s; distance=1255 kB, estimate=1255 kB",
                ],
            ),
            (
                "2026-11-21 05:53:10 UTC:198.51.100.23(52694):app@shop:[16501]:LOG:  connection received: host=198.51.100.23 port=52694",
                &[
                    "2026-11-21T05:53:10.000Z info client=198.51.100.23 pid=16501 host=198.51.100.23 user=app database=shop port=52694 | connection received: host=198.51.100.23 port=52694",
                ],
            ),
            (
                "2026-11-21 05:53:11 UTC:2001:db8::17(40112):app@shop:[16502]:FATAL:  password authentication failed for user \"app\"\n\
                 2026-11-21 05:53:11 UTC:2001:db8::17(40112):app@shop:[16502]:DETAIL:  Connection matched pg_hba.conf line 87: \"host all all all scram-sha-256\"",
                &[
                    "2026-11-21T05:53:11.000Z fatal client=2001:db8::17 pid=16502 host=2001:db8::17 user=app database=shop port=40112 detail=Connection matched pg_hba.conf line 87: \"host all all all scram-sha-256\" | password authentication failed for user \\\"app\\\"",
                ],
            ),
            (
                "2026-11-21 05:58:12 UTC [16620]: [3-1] user=app,db=shop,app=shop-api,client=192.0.2.10 LOG:  duration: 1234.567 ms  statement: SELECT o.id, o.amount_cents\n\
                 \tFROM orders o\n\
                 \tWHERE o.customer_id = 4711\n\
                 \tORDER BY o.created_at DESC LIMIT 20\n\
                 2026-11-21 05:58:13 UTC [16621]: [1-1] user=app,db=shop,app=shop-api,client=192.0.2.11 LOG:  duration: 12.3 ms  execute <unnamed>: SELECT * FROM products WHERE id = $1\n\
                 2026-11-21 05:58:13 UTC [16621]: [2-1] user=app,db=shop,app=shop-api,client=192.0.2.11 DETAIL:  parameters: $1 = '17'",
                &[
                    "2026-11-21T05:58:12.000Z info client=192.0.2.10 pid=16620 host=192.0.2.10 user=app database=shop query=SELECT o.id, o.amount_cents\n\tFROM orders o\n\tWHERE o.customer_id = 4711\n\tORDER BY o.created_at DESC LIMIT 20 query_time=1.234567 application_name=shop-api line_num=3 | duration: 1234.567 ms  statement: SELECT o.id, o.amount_cents\\n\\tFROM orders o\\n\\tWHERE o.customer_id = 4711\\n\\tORDER BY o.created_at DESC LIMIT 20",
                    "2026-11-21T05:58:13.000Z info client=192.0.2.11 pid=16621 host=192.0.2.11 user=app database=shop query=SELECT * FROM products WHERE id = $1 query_time=0.0123 application_name=shop-api line_num=1 detail=parameters: $1 = '17' | duration: 12.3 ms  execute <unnamed>: SELECT * FROM products WHERE id = $1",
                ],
            ),
            (
                "2026-11-21 06:01:02.511 UTC [16630] app@shop ERROR:  deadlock detected\n\
                 2026-11-21 06:01:02.511 UTC [16630] app@shop DETAIL:  Process 16630 waits for ShareLock on transaction 7772; blocked by process 16631.\n\
                 \tProcess 16631 waits for ShareLock on transaction 7771; blocked by process 16630.\n\
                 \tProcess 16630: UPDATE products SET stock = stock - 1 WHERE id = 17\n\
                 \tProcess 16631: UPDATE products SET stock = stock - 1 WHERE id = 42\n\
                 2026-11-21 06:01:02.511 UTC [16630] app@shop HINT:  See server log for query details.\n\
                 2026-11-21 06:01:02.511 UTC [16630] app@shop CONTEXT:  while updating tuple (3,14) in relation \"products\"\n\
                 2026-11-21 06:01:02.511 UTC [16630] app@shop STATEMENT:  UPDATE products SET stock = stock - 1\n\
                 \t  WHERE id = 17",
                &[
                    "2026-11-21T06:01:02.511Z error pid=16630 user=app database=shop query=UPDATE products SET stock = stock - 1\n\t  WHERE id = 17 detail=Process 16630 waits for ShareLock on transaction 7772; blocked by process 16631.\n\tProcess 16631 waits for ShareLock on transaction 7771; blocked by process 16630.\n\tProcess 16630: UPDATE products SET stock = stock - 1 WHERE id = 17\n\tProcess 16631: UPDATE products SET stock = stock - 1 WHERE id = 42 hint=See server log for query details. context=while updating tuple (3,14) in relation \"products\" | deadlock detected",
                ],
            ),
            (
                "2026-11-21 06:02:48.200 UTC [16801] app@shop FATAL:  sorry, too many clients already",
                &[
                    "2026-11-21T06:02:48.200Z fatal pid=16801 user=app database=shop | sorry, too many clients already",
                ],
            ),
            (
                "1795240988.200 [16802] 6571a2b4.41a2 53300 FATAL:  remaining connection slots are reserved for non-replication superuser connections",
                &[
                    "2026-11-21T06:03:08.200Z fatal pid=16802 session=6571a2b4.41a2 code=53300 | remaining connection slots are reserved for non-replication superuser connections",
                ],
            ),
            (
                "2026-11-21 06:00:59.104 UTC [16640] app@shop LOG:  process 16640 still waiting for ShareLock on transaction 7771 after 1000.127 ms\n\
                 2026-11-21 06:00:59.104 UTC [16640] app@shop DETAIL:  Process holding the lock: 16641. Wait queue: 16640.\n\
                 2026-11-21 06:00:59.104 UTC [16640] app@shop CONTEXT:  while locking tuple (3,14) in relation \"products\"\n\
                 2026-11-21 06:00:59.104 UTC [16640] app@shop STATEMENT:  SELECT * FROM products WHERE id = 17 FOR UPDATE",
                &[
                    "2026-11-21T06:00:59.104Z info pid=16640 user=app database=shop query=SELECT * FROM products WHERE id = 17 FOR UPDATE lock_time=1.000127 detail=Process holding the lock: 16641. Wait queue: 16640. context=while locking tuple (3,14) in relation \"products\" | process 16640 still waiting for ShareLock on transaction 7771 after 1000.127 ms",
                ],
            ),
            (
                "2026-11-21 05:53:08 UTC-6571a2b4.4059-LOG:  checkpoint starting: time",
                &[
                    "2026-11-21T05:53:08.000Z info session=6571a2b4.4059 | checkpoint starting: time",
                ],
            ),
            (
                "2026-11-21 06:53:08.246 CET [16480] LOG:  database system is ready to accept connections\n\
                 2026-11-21 05:53:08.246 XYZT [16480] LOG:  unknown zone",
                &[
                    "2026-11-21T05:53:08.246Z info pid=16480 | database system is ready to accept connections",
                    "2026-11-21T05:53:08.246Z[zone-unrecognized] info pid=16480 | unknown zone",
                ],
            ),
            (
                "waiting for server to start.... done\n\
                 server started\n\
                 2026-11-21 05:53:08.246 UTC [16480] LOG:  starting\n\
                 2026-11-21 05:53:08.246 UTC [16480] LOG: one space only\n\
                 2026-11-21T05:53:08.246Z [16480] LOG:  iso with T",
                &[
                    "UNPARSED | waiting for server to start.... done\\nserver started",
                    "2026-11-21T05:53:08.246Z info pid=16480 | starting",
                    "UNPARSED | 2026-11-21 05:53:08.246 UTC [16480] LOG: one space only\\n2026-11-21T05:53:08.246Z [16480] LOG:  iso with T",
                ],
            ),
            (
                "2026-11-21 05:53:09.001 UTC [16630] app@shop STATEMENT:  SELECT 1",
                &[
                    "2026-11-21T05:53:09.001Z info pid=16630 user=app database=shop query=SELECT 1 | SELECT 1",
                ],
            ),
            (
                "2026-11-21 05:53:09.001 UTC [16630] app@shop ERROR:  relation \"order\" does not exist at character 15\n\
                 2026-11-21 05:53:09.001 UTC [16630] app@shop STATEMENT:  SELECT * FROM order",
                &[
                    "2026-11-21T05:53:09.001Z error pid=16630 user=app database=shop query=SELECT * FROM order | relation \\\"order\\\" does not exist at character 15",
                ],
            ),
            (
                "2026-11-21 05:53:09.001 UTC [16630] ::1(41000) postgres@postgres 42P01 ERROR:  relation \"x\" does not exist",
                &[
                    "2026-11-21T05:53:09.001Z error client=::1 pid=16630 host=::1 user=postgres database=postgres code=42P01 port=41000 | relation \\\"x\\\" does not exist",
                ],
            ),
            (
                "2026-11-21 05:53:09.001 UTC [16630-7] [local] postgres@postgres LOG:  statement: SELECT 1;",
                &[
                    "2026-11-21T05:53:09.001Z info client=[local] pid=16630 host=[local] user=postgres database=postgres query=SELECT 1; line_num=7 | statement: SELECT 1;",
                ],
            ),
            (
                "2026-11-21 05:53:09.001 UTC [16630] [user=app,db=shop,app=psql] LOG:  statement: BEGIN;",
                &[
                    "2026-11-21T05:53:09.001Z info pid=16630 user=app database=shop query=BEGIN; application_name=psql | statement: BEGIN;",
                ],
            ),
            (
                "2026-11-21 05:53:09.001 UTC ::1 [16630] LOG:  connection received: host=::1 port=41000",
                &[
                    "2026-11-21T05:53:09.001Z info client=::1 pid=16630 host=::1 port=41000 | connection received: host=::1 port=41000",
                ],
            ),
            (
                "2026-11-21 05:53:09 UTC 53300 [16630] FATAL:  sorry, too many clients already",
                &[
                    "2026-11-21T05:53:09.000Z fatal pid=16630 code=53300 | sorry, too many clients already",
                ],
            ),
            (
                "2026-11-21 05:53:09.001 UTC [16630] app@shop LOG:  duration: 0.052 ms",
                &[
                    "2026-11-21T05:53:09.001Z info pid=16630 user=app database=shop query_time=0.000052 | duration: 0.052 ms",
                ],
            ),
            (
                "2026-11-21 07:01:20 UTC [4237]: [3-1] user=app,db=shop,app=my app,client=::1 ERROR:  division by zero\n\
                 2026-11-21 07:01:20 UTC [4237]: [4-1] user=app,db=shop,app=my app,client=::1 STATEMENT:  select 1/0",
                &[
                    "2026-11-21T07:01:20.000Z error client=::1 pid=4237 host=::1 user=app database=shop query=select 1/0 application_name=my app line_num=3 | division by zero",
                ],
            ),
            (
                "2026-11-21 07:01:24.072 UTC [4433-1] [user=[unknown],db=[unknown],app=[unknown]] LOG:  connection received: host=127.0.0.1 port=48716",
                &[
                    "2026-11-21T07:01:24.072Z info client=127.0.0.1 pid=4433 host=127.0.0.1 line_num=1 port=48716 | connection received: host=127.0.0.1 port=48716",
                ],
            ),
            (
                "2026-11-21 07:01:27.381 UTC ::1(40742) my app app shop 4641 22012 ERROR:  division by zero",
                &[
                    "2026-11-21T07:01:27.381Z error client=::1 pid=4641 host=::1 code=22012 port=40742 | division by zero",
                ],
            ),
            (
                "2026-11-21 07:01:29.085 UTC [4745] 0 3/92 SELECT 2026-11-21 07:01:29 UTC ERROR:  division by zero",
                &[
                    "2026-11-21T07:01:29.085Z error pid=4745 | division by zero",
                ],
            ),
            (
                "2026-11-21 07:03:52.940 UTC [10628] app@shop ERROR:  42P01: relation \"nosuch\" does not exist at character 15\n\
                 2026-11-21 07:03:52.940 UTC [10628] app@shop LOCATION:  parserOpenTable, parse_relation.c:1392\n\
                 2026-11-21 07:03:52.940 UTC [10628] app@shop STATEMENT:  select * from nosuch\n\
                 2026-11-21 07:03:53.008 UTC [10633] app@shop LOG:  00000: connection authorized: user=app database=shop application_name=psql\n\
                 2026-11-21 07:03:53.008 UTC [10633] app@shop LOCATION:  PerformAuthentication, postinit.c:296",
                &[
                    "2026-11-21T07:03:52.940Z error pid=10628 user=app database=shop query=select * from nosuch code=42P01 location=parserOpenTable, parse_relation.c:1392 | relation \\\"nosuch\\\" does not exist at character 15",
                    "2026-11-21T07:03:53.008Z info pid=10633 user=app database=shop location=PerformAuthentication, postinit.c:296 application_name=psql | connection authorized: user=app database=shop application_name=psql",
                ],
            ),
        ],
    );
}

#[test]
fn postgresql_samples_are_detected() {
    let registry = crate::Registry::default();
    let ctx = crate::testing::ctx();
    for sample in [
        &include_bytes!("../../../../tests/samples/postgresql.log")[..],
        &include_bytes!("../../../../tests/samples/postgresql.rds.log")[..],
        &include_bytes!("../../../../tests/samples/postgresql.pgbadger.log")[..],
    ] {
        let detection = registry.detect(sample, &ctx).expect("detected");
        assert_eq!(detection.format.name(), "postgresql", "{detection:?}");
        assert_eq!(detection.confidence, 1.0);
    }
}

#[test]
fn secondary_lines_do_not_start_records() {
    let f = PostgresStderr;
    assert!(
        f.is_record_start("2026-11-21 06:01:00.113 UTC [16641] app@shop ERROR:  deadlock detected")
    );
    assert!(!f.is_record_start(
        "2026-11-21 06:01:00.113 UTC [16641] app@shop DETAIL:  Process 16641 waits"
    ));
    assert!(!f.is_record_start(
        "2026-11-21 06:01:00 UTC:198.51.100.21(52708):app@shop:[16641]:STATEMENT:  UPDATE x"
    ));
    assert!(!f.is_record_start("\tFROM orders o"));
    assert!(!f.is_record_start("2026-11-21 05:57:09,285 INFO [16501] shop.api: Starting app"));
    assert!(f.is_record_start("2026-11-21 05:57:09.285 UTC no severity here"));
}

#[test]
fn durations_and_session_times_are_exact() {
    assert_eq!(super::millis_to_seconds("412.907"), Some(0.412907));
    assert_eq!(super::millis_to_seconds("1000"), Some(1.0));
    assert_eq!(super::millis_to_seconds("0.052"), Some(0.000052));
    assert_eq!(super::millis_to_seconds("-1"), None);
    assert_eq!(super::millis_to_seconds("1.2.3"), None);
    assert_eq!(super::millis_to_seconds("12345678901234567"), None);
    assert_eq!(
        super::session_seconds("0:06:58.205").as_deref(),
        Some("418.205")
    );
    assert_eq!(
        super::session_seconds("27:00:00.000").as_deref(),
        Some("97200.000")
    );
    assert_eq!(super::session_seconds("0:61:00.000"), None);
    assert_eq!(super::session_seconds("0:01:00.+05"), None);
}

#[test]
fn long_and_odd_lines_do_not_panic() {
    let f = PostgresStderr;
    let ctx = crate::testing::ctx();
    let long = format!(
        "2026-11-21 05:53:08.246 UTC [1] {} LOG:  {}",
        "é".repeat(5000),
        "x".repeat(100_000)
    );
    let _ = f.parse(&long, &ctx);
    for odd in [
        "2026-11-21 05:53:08.246 UTC [",
        "2026-11-21 05:53:08.246 UTC [1-] é@ü::é(1) LOG:",
        "2026-11-21 05:53:08.246 UTC ::é LOG:  x",
        "2026-11-21 05:53:08.246 UTC user=é,db= app=(é) ERROR:  x\n2026-11-21 05:53:08.246 UTC DETAIL:",
        "1795240988.2 [1] LOG:  x",
        "99999999999.246 [1] LOG:  x",
    ] {
        let _ = f.is_record_start(odd);
        let _ = f.parse(odd, &ctx);
    }
}

proptest::proptest! {
    #[test]
    fn never_panics(s in "\\PC{0,200}", prefix in "(2026-11-21 05:53:08(\\.246)? (UTC|CET|\\+03|XYZ) )?") {
        let f = PostgresStderr;
        let line = format!("{prefix}{s}");
        let _ = f.is_record_start(&line);
        let _ = f.parse(&line, &crate::testing::ctx());
    }
}
