use super::MysqlSlow;
use crate::format::Registry;
use crate::testing::{check_table, ctx, summaries, times_us};

#[test]
fn mysql_slow_table() {
    check_table(
        &MysqlSlow,
        &[
            // MySQL 8: `# Time:` before every entry opens it (the first entry
            // here is the end of one whose `# Time:` came before the cut).
            (
                "# User@Host: app[app] @  [198.51.100.20]  Id:   118\n# Query_time: 2.104331  Lock_time: 0.000012 Rows_sent: 20  Rows_examined: 184220\nuse shop;\nSET timestamp=1795240376;\nSELECT o.id, o.total\n  FROM orders o\n WHERE o.customer_id = 4412;\n# Time: 2026-11-21T05:53:04.482907Z\n# User@Host: app[app] @ localhost [127.0.0.1]  Id:   121\n# Query_time: 3.482810  Lock_time: 3.410277 Rows_sent: 0  Rows_examined: 1\nSET timestamp=1795240381;\nUPDATE inventory SET reserved = reserved + 1 WHERE sku = 'A-1001';",
                &[
                    "2026-11-21T05:52:56.000Z info client=198.51.100.20 session=118 user=app database=shop query=SELECT o.id, o.total\n  FROM orders o\n WHERE o.customer_id = 4412 query_time=2.104331 lock_time=0.000012 rows_sent=20 rows_examined=184220 | SELECT o.id, o.total\\n  FROM orders o\\n WHERE o.customer_id = 4412",
                    "2026-11-21T05:53:01.000Z info client=127.0.0.1 session=121 host=localhost user=app query=UPDATE inventory SET reserved = reserved + 1 WHERE sku = 'A-1001' query_time=3.48281 lock_time=3.410277 rows_sent=0 rows_examined=1 | UPDATE inventory SET reserved = reserved + 1 WHERE sku = \\'A-1001\\'",
                ],
            ),
            // MariaDB: `# Time:` only when the second changes; its own lines.
            (
                "# User@Host: app[app] @  [198.51.100.21]\n# Thread_id: 121  Schema: shop  QC_hit: No\n# Query_time: 3.482810  Lock_time: 3.410277  Rows_sent: 0  Rows_examined: 1\n# Rows_affected: 1  Bytes_sent: 52\nuse `shop`;\nSET timestamp=1795240384;\nUPDATE inventory SET reserved = reserved + 1 WHERE id = 7;\n# User@Host: app[app] @  [198.51.100.22]\n# Thread_id: 122  Schema: shop  QC_hit: No\n# Query_time: 1.002210  Lock_time: 0.000020  Rows_sent: 1  Rows_examined: 61020\n# Rows_affected: 0  Bytes_sent: 311\n# Full_scan: Yes  Full_join: No  Tmp_table: No  Tmp_table_on_disk: No\n# Filesort: No  Filesort_on_disk: No  Merge_passes: 0  Priority_queue: No\nSET timestamp=1795240384;\nSELECT * FROM carts WHERE session_token = 'c1d9a7e0';",
                &[
                    "2026-11-21T05:53:04.000Z info bytes=52 client=198.51.100.21 session=121 user=app database=shop query=UPDATE inventory SET reserved = reserved + 1 WHERE id = 7 query_time=3.48281 lock_time=3.410277 rows_sent=0 rows_examined=1 Rows_affected=1 | UPDATE inventory SET reserved = reserved + 1 WHERE id = 7",
                    "2026-11-21T05:53:04.000Z info bytes=311 client=198.51.100.22 session=122 user=app database=shop query=SELECT * FROM carts WHERE session_token = 'c1d9a7e0' query_time=1.00221 lock_time=0.00002 rows_sent=1 rows_examined=61020 Rows_affected=0 Full_scan=Yes | SELECT * FROM carts WHERE session_token = \\'c1d9a7e0\\'",
                ],
            ),
            // The header is one informational event; the `# Time:` after it is the entry's.
            (
                "/usr/sbin/mysqld, Version: 8.0.36 (MySQL Community Server - GPL). started with:\nTcp port: 3306  Unix socket: /var/run/mysqld/mysqld.sock\nTime                 Id Command    Argument\n# Time: 2026-11-21T05:52:58.104431Z\n# User@Host: app[app] @  [198.51.100.20]  Id:   118\n# Query_time: 2.104331  Lock_time: 0.000012 Rows_sent: 20  Rows_examined: 184220\nSET timestamp=1795240376;\nSELECT 1;",
                &[
                    "- info version=8.0.36 (MySQL Community Server - GPL) | /usr/sbin/mysqld, Version: 8.0.36 (MySQL Community Server - GPL). started with:\\nTcp port: 3306  Unix socket: /var/run/mysqld/mysqld.sock\\nTime                 Id Command    Argument",
                    "2026-11-21T05:52:56.000Z info client=198.51.100.20 session=118 user=app query=SELECT 1 query_time=2.104331 lock_time=0.000012 rows_sent=20 rows_examined=184220 | SELECT 1",
                ],
            ),
            // log_slow_extra: the error number, a kill, and Start with microseconds
            // (the start `# Time:` less `Query_time` gives too).
            (
                "# Time: 2026-11-21T05:53:59.123623Z\n# User@Host: app[app] @  [2001:db8:4::12]  Id:     8\n# Query_time: 50.000167  Lock_time: 50.000055 Rows_sent: 0  Rows_examined: 0 Thread_id: 8 Errno: 1205 Killed: 0 Bytes_received: 0 Bytes_sent: 56 Read_first: 0 Read_last: 0 Read_key: 1 Read_next: 0 Read_prev: 0 Read_rnd: 0 Read_rnd_next: 0 Sort_merge_passes: 0 Sort_range_count: 0 Sort_rows: 0 Sort_scan_count: 0 Created_tmp_disk_tables: 0 Created_tmp_tables: 0 Count_hit_tmp_table_size: 0 Start: 2026-11-21T05:53:09.123456Z End: 2026-11-21T05:53:59.123623Z\nSET timestamp=1795240389;\nUPDATE orders SET status = 'paid' WHERE id = 88119;",
                &["2026-11-21T05:53:09.123Z error bytes=56 client=2001:db8:4::12 session=8 user=app query=UPDATE orders SET status = 'paid' WHERE id = 88119 query_time=50.000167 lock_time=50.000055 rows_sent=0 rows_examined=0 code=1205 | UPDATE orders SET status = \\'paid\\' WHERE id = 88119"],
            ),
            // Percona 5.6: `# Time:` (when logged, as SET timestamp) with
            // microseconds, `Schema:` and `Last_errno:` on their own line.
            (
                "# Time: 261121  5:53:09.058915\n# User@Host: root[root] @ localhost []  Id:    42\n# Schema: imdb  Last_errno: 0  Killed: 0\n# Query_time: 7.725616  Lock_time: 0.000328  Rows_sent: 4  Rows_examined: 1543720  Rows_affected: 0\n# Bytes_sent: 272  Tmp_tables: 0  Tmp_disk_tables: 0  Tmp_table_sizes: 0\nSET timestamp=1795240389;\nSELECT id,title,production_year FROM title WHERE title = 'Bambi';",
                &[
                    "2026-11-21T05:53:09.058Z info bytes=272 session=42 host=localhost user=root database=imdb query=SELECT id,title,production_year FROM title WHERE title = 'Bambi' query_time=7.725616 lock_time=0.000328 rows_sent=4 rows_examined=1543720 Rows_affected=0 | SELECT id,title,production_year FROM title WHERE title = \\'Bambi\\'",
                ],
            ),
            // MySQL 8 (the reference manual's layout): `# Time:` is when the
            // entry was logged, the statement's end, with microseconds; the
            // event is dated at the start, `# Time:` less `Query_time`, in the
            // second `SET timestamp` names. No entry before it, no record too many.
            (
                "# Time: 2024-03-01T10:00:05.654321Z\n# User@Host: app[app] @ localhost []  Id:     9\n# Query_time: 2.000315  Lock_time: 0.000002 Rows_sent: 1  Rows_examined: 0\nSET timestamp=1709287203;\nselect sleep(2);",
                &["2024-03-01T10:00:03.654Z info session=9 host=localhost user=app query=select sleep(2) query_time=2.000315 lock_time=0.000002 rows_sent=1 rows_examined=0 | select sleep(2)"],
            ),
            // Entries are written in the order their statements end: a long
            // query that started first comes after a short one. Times stay as
            // the statements started, out of file order.
            (
                "# Time: 2024-03-01T10:00:12.400300Z\n# User@Host: app[app] @  [10.0.0.5]  Id:    12\n# Query_time: 0.500200  Lock_time: 0.000010 Rows_sent: 1  Rows_examined: 1000\nuse shop;\nSET timestamp=1709287211;\nSELECT * FROM carts WHERE id = 7;\n# Time: 2024-03-01T10:00:12.500500Z\n# User@Host: report[report] @ localhost []  Id:    10\n# Query_time: 10.200500  Lock_time: 0.000120 Rows_sent: 31  Rows_examined: 912004\nSET timestamp=1709287202;\nSELECT DATE(created_at), COUNT(*)\n  FROM orders\n GROUP BY 1;\n# Time: 2024-03-01T10:00:13.000010Z\n# User@Host: app[app] @  [10.0.0.5]  Id:    12\n# Query_time: 1.000000  Lock_time: 0.000000 Rows_sent: 0  Rows_examined: 0\nSET timestamp=1709287212;\n# administrator command: Quit;",
                &[
                    "2024-03-01T10:00:11.900Z info client=10.0.0.5 session=12 user=app database=shop query=SELECT * FROM carts WHERE id = 7 query_time=0.5002 lock_time=0.00001 rows_sent=1 rows_examined=1000 | SELECT * FROM carts WHERE id = 7",
                    "2024-03-01T10:00:02.300Z info session=10 host=localhost user=report query=SELECT DATE(created_at), COUNT(*)\n  FROM orders\n GROUP BY 1 query_time=10.2005 lock_time=0.00012 rows_sent=31 rows_examined=912004 | SELECT DATE(created_at), COUNT(*)\\n  FROM orders\\n GROUP BY 1",
                    "2024-03-01T10:00:12.000Z info client=10.0.0.5 session=12 user=app query_time=1 lock_time=0 rows_sent=0 rows_examined=0 command=Quit | administrator command: Quit",
                ],
            ),
            // MariaDB: `# Time: YYMMDD HH:MM:SS` is the statement's start, written
            // only when the second changed; the entries after it in that second
            // share it. Out of file order too (the third started a second earlier).
            (
                "# Time: 240301 10:00:05\n# User@Host: app[app] @  [127.0.0.1]\n# Thread_id: 15  Schema: inventory  QC_hit: No\n# Query_time: 0.379231  Lock_time: 0.000052  Rows_sent: 2  Rows_examined: 200002\n# Rows_affected: 0  Bytes_sent: 391\nuse `inventory`;\nSET timestamp=1709287205;\nSELECT id FROM items WHERE sku LIKE 'BL-2992%';\n# User@Host: app[app] @  [127.0.0.1]\n# Thread_id: 16  Schema: inventory  QC_hit: No\n# Query_time: 0.412049  Lock_time: 0.000135  Rows_sent: 0  Rows_examined: 200000\n# Rows_affected: 0  Bytes_sent: 291\nSET timestamp=1709287205;\nSELECT id FROM items WHERE sku LIKE 'TR-7995%';\n# Time: 240301 10:00:04\n# User@Host: app[app] @  [127.0.0.1]\n# Thread_id: 17  Schema: inventory  QC_hit: No\n# Query_time: 1.377879  Lock_time: 0.000140  Rows_sent: 0  Rows_examined: 200000\n# Rows_affected: 0  Bytes_sent: 291\nSET timestamp=1709287204;\nSELECT id FROM items WHERE sku LIKE 'BL-7367%';",
                &[
                    "2024-03-01T10:00:05.000Z info bytes=391 client=127.0.0.1 session=15 user=app database=inventory query=SELECT id FROM items WHERE sku LIKE 'BL-2992%' query_time=0.379231 lock_time=0.000052 rows_sent=2 rows_examined=200002 Rows_affected=0 | SELECT id FROM items WHERE sku LIKE \\'BL-2992%\\'",
                    "2024-03-01T10:00:05.000Z info bytes=291 client=127.0.0.1 session=16 user=app database=inventory query=SELECT id FROM items WHERE sku LIKE 'TR-7995%' query_time=0.412049 lock_time=0.000135 rows_sent=0 rows_examined=200000 Rows_affected=0 | SELECT id FROM items WHERE sku LIKE \\'TR-7995%\\'",
                    "2024-03-01T10:00:04.000Z info bytes=291 client=127.0.0.1 session=17 user=app database=inventory query=SELECT id FROM items WHERE sku LIKE 'BL-7367%' query_time=1.377879 lock_time=0.00014 rows_sent=0 rows_examined=200000 Rows_affected=0 | SELECT id FROM items WHERE sku LIKE \\'BL-7367%\\'",
                ],
            ),
            // MySQL 5.6 and early 5.7 wrote the time they logged the entry in
            // `SET timestamp` too: `# Time:` itself names its second.
            (
                "# Time: 2024-03-01T10:00:45.500000Z\n# User@Host: app[app] @ localhost []  Id:     9\n# Query_time: 3.200000  Lock_time: 0.000002 Rows_sent: 1  Rows_examined: 0\nSET timestamp=1709287245;\nselect sleep(3.2);",
                &["2024-03-01T10:00:45.500Z info session=9 host=localhost user=app query=select sleep(3.2) query_time=3.2 lock_time=0.000002 rows_sent=1 rows_examined=0 | select sleep(3.2)"],
            ),
            // No `SET timestamp` line (a log trimmed by hand): `# Time:` alone
            // dates the entry, less `Query_time` in MySQL 5.7+'s ISO form.
            (
                "# Time: 2024-03-01T10:00:05.654321Z\n# User@Host: app[app] @ localhost []  Id:     9\n# Query_time: 2.000315  Lock_time: 0.000002 Rows_sent: 1  Rows_examined: 0\nselect sleep(2);\n# Time: 240301 10:00:09\n# User@Host: app[app] @  [127.0.0.1]\n# Thread_id: 15  Schema: inventory  QC_hit: No\n# Query_time: 0.379231  Lock_time: 0.000052  Rows_sent: 2  Rows_examined: 200002\nSELECT 1;",
                &[
                    "2024-03-01T10:00:03.654Z info session=9 host=localhost user=app query=select sleep(2) query_time=2.000315 lock_time=0.000002 rows_sent=1 rows_examined=0 | select sleep(2)",
                    "2024-03-01T10:00:09.000Z[zone-assumed] info client=127.0.0.1 session=15 user=app database=inventory query=SELECT 1 query_time=0.379231 lock_time=0.000052 rows_sent=2 rows_examined=200002 | SELECT 1",
                ],
            ),
            // A MariaDB `# Time:` (local) read in the wrong zone names another
            // second than `SET timestamp`: the exact epoch wins.
            (
                "# Time: 240301  4:00:05\n# User@Host: app[app] @  [127.0.0.1]\n# Thread_id: 15  Schema: inventory  QC_hit: No\n# Query_time: 0.379231  Lock_time: 0.000052  Rows_sent: 2  Rows_examined: 200002\nSET timestamp=1709287205;\nSELECT 1;",
                &["2024-03-01T10:00:05.000Z info client=127.0.0.1 session=15 user=app database=inventory query=SELECT 1 query_time=0.379231 lock_time=0.000052 rows_sent=2 rows_examined=200002 | SELECT 1"],
            ),
            // The header of a server on Windows; a `# Time:` with nothing after
            // it yet (a file still being written) is a record with that time.
            (
                "C:\\Program Files\\MySQL\\MySQL Server 8.0\\bin\\mysqld.exe, Version: 8.0.36 (MySQL Community Server - GPL). started with:\nTCP Port: 3306, Named Pipe: MySQL\nTime                 Id Command    Argument\n# Time: 2024-03-01T10:00:05.654321Z\n# User@Host: app[app] @ localhost []  Id:     9\n# Query_time: 2.000315  Lock_time: 0.000002 Rows_sent: 1  Rows_examined: 0\nSET timestamp=1709287203;\nselect sleep(2);\n# Time: 2024-03-01T10:00:06.000001Z",
                &[
                    "- info version=8.0.36 (MySQL Community Server - GPL) | C:\\\\Program Files\\\\MySQL\\\\MySQL Server 8.0\\\\bin\\\\mysqld.exe, Version: 8.0.36 (MySQL Community Server - GPL). started with:\\nTCP Port: 3306, Named Pipe: MySQL\\nTime                 Id Command    Argument",
                    "2024-03-01T10:00:03.654Z info session=9 host=localhost user=app query=select sleep(2) query_time=2.000315 lock_time=0.000002 rows_sent=1 rows_examined=0 | select sleep(2)",
                    "2024-03-01T10:00:06.000Z info | # Time: 2024-03-01T10:00:06.000001Z",
                ],
            ),
            // Administrator commands, replication threads, an empty MariaDB Schema,
            // SET with insert ids.
            (
                "# User@Host: app[app] @  [198.51.100.20]  Id:   140\n# Query_time: 1.240377  Lock_time: 0.000000 Rows_sent: 0  Rows_examined: 0\nSET timestamp=1795240407;\n# administrator command: Quit;",
                &["2026-11-21T05:53:27.000Z info client=198.51.100.20 session=140 user=app query_time=1.240377 lock_time=0 rows_sent=0 rows_examined=0 command=Quit | administrator command: Quit"],
            ),
            (
                "# User@Host: [SQL_SLAVE] @  []\n# Thread_id: 7  Schema:   QC_hit: No\n# Query_time: 4.100000  Lock_time: 0.000000  Rows_sent: 0  Rows_examined: 120\n# Rows_affected: 120  Bytes_sent: 0\nSET last_insert_id=88120,insert_id=88121,timestamp=1795240392;\nDELETE FROM sessions WHERE expires_at < '2026-11-20 05:53:12';",
                &["2026-11-21T05:53:12.000Z info bytes=0 session=7 user=SQL_SLAVE query=DELETE FROM sessions WHERE expires_at < '2026-11-20 05:53:12' query_time=4.1 lock_time=0 rows_sent=0 rows_examined=120 Rows_affected=120 | DELETE FROM sessions WHERE expires_at < \\'2026-11-20 05:53:12\\'"],
            ),
            // Malformed: no brackets in User@Host, no Query_time line, a bad epoch,
            // a stray line, a `# Time:` that is no time.
            (
                "# User@Host: app @ localhost\n# Query_time: 1.0  Lock_time: 0.0 Rows_sent: 0  Rows_examined: 0\nSELECT 1;",
                &["UNPARSED | # User@Host: app @ localhost\\n# Query_time: 1.0  Lock_time: 0.0 Rows_sent: 0  Rows_examined: 0\\nSELECT 1;"],
            ),
            (
                "# User@Host: app[app] @ localhost []  Id:     9\nSET timestamp=1795240407;\nSELECT 1;",
                &["UNPARSED | # User@Host: app[app] @ localhost []  Id:     9\\nSET timestamp=1795240407;\\nSELECT 1;"],
            ),
            (
                "# User@Host: app[app] @ localhost []  Id:     9\n# Query_time: 1.0  Lock_time: 0.0 Rows_sent: 0  Rows_examined: 0\nSET timestamp=yesterday;\nSELECT 1;",
                &["UNPARSED | # User@Host: app[app] @ localhost []  Id:     9\\n# Query_time: 1.0  Lock_time: 0.0 Rows_sent: 0  Rows_examined: 0\\nSET timestamp=yesterday;\\nSELECT 1;"],
            ),
            (
                "mysqldumpslow report line\n# Time: soon\n# User@Host: app[app] @ localhost []  Id:     9\n# Query_time: 1.0  Lock_time: 0.0 Rows_sent: 0  Rows_examined: 0\nSET timestamp=1795240407;\nSELECT 1;",
                &[
                    "UNPARSED | mysqldumpslow report line\\n# Time: soon",
                    "2026-11-21T05:53:27.000Z info session=9 host=localhost user=app query=SELECT 1 query_time=1 lock_time=0 rows_sent=0 rows_examined=0 | SELECT 1",
                ],
            ),
            ("# Time: soon", &["UNPARSED | # Time: soon"]),
        ],
    );
}

#[test]
fn mysql_slow_times_keep_their_microseconds() {
    let mysql8 = "# Time: 2024-03-01T10:00:05.654321Z\n# User@Host: app[app] @ localhost []  Id:     9\n# Query_time: 2.000315  Lock_time: 0.000002 Rows_sent: 1  Rows_examined: 0\nSET timestamp=1709287203;\nselect sleep(2);\n# Time: 2024-03-01T10:00:12.500500Z\n# User@Host: report[report] @ localhost []  Id:    10\n# Query_time: 10.200500  Lock_time: 0.000120 Rows_sent: 31  Rows_examined: 912004\nSET timestamp=1709287202;\nSELECT 2;\n# User@Host: app[app] @ localhost []  Id:     9\n# Query_time: 1.000000  Lock_time: 0.000002 Rows_sent: 1  Rows_examined: 0\nSET timestamp=1709287212;\nSELECT 3;\n";
    assert_eq!(
        times_us(&MysqlSlow, mysql8, &ctx()),
        [
            // `# Time:` less `Query_time`: the start, to the microsecond.
            "2024-03-01T10:00:03.654006Z",
            "2024-03-01T10:00:02.300000Z",
            // No `# Time:` of its own: `SET timestamp`, to the second.
            "2024-03-01T10:00:12.000000Z",
        ]
    );
    let percona = "# Time: 261121  5:53:09.058915\n# User@Host: root[root] @ localhost []  Id:    42\n# Query_time: 7.725616  Lock_time: 0.000328  Rows_sent: 4  Rows_examined: 1543720\nSET timestamp=1795240389;\nSELECT 1;\n";
    assert_eq!(
        times_us(&MysqlSlow, percona, &ctx()),
        ["2026-11-21T05:53:09.058915Z"]
    );
}

#[test]
fn mysql_slow_long_statement_does_not_panic() {
    let entry = format!(
        "# User@Host: app[app] @ localhost []  Id:     9\n# Query_time: 1.0 {}\nSET timestamp=1795240407;\nSELECT '{}';",
        "Key: ".repeat(50_000),
        "é\n# Time: ".repeat(50_000)
    );
    assert_eq!(summaries(&MysqlSlow, &entry, &ctx()).len(), 1);
}

#[test]
fn mysql_slow_samples_are_detected() {
    let registry = Registry::default();
    for (sample, entries) in [
        (
            &include_bytes!("../../../../tests/samples/mysql-slow.log")[..],
            8,
        ),
        (
            &include_bytes!("../../../../tests/samples/mysql-slow.mariadb.log")[..],
            6,
        ),
    ] {
        let detection = registry.detect(sample, &ctx()).expect("a format");
        assert_eq!(detection.format.name(), "mysql-slow", "{detection:?}");
        let all = summaries(
            &MysqlSlow,
            std::str::from_utf8(sample).unwrap_or(""),
            &ctx(),
        );
        assert!(all.iter().all(|s| !s.starts_with("UNPARSED")), "{all:#?}");
        // The header, then one event per entry.
        assert_eq!(all.len(), entries + 1, "{all:#?}");
    }
}
