use super::MysqlGeneral;
use crate::format::Registry;
use crate::testing::{check_table, ctx, summaries, times_us};

#[test]
fn mysql_general_table() {
    check_table(
        &MysqlGeneral,
        &[
            // MySQL 5.7/8.0: a time on every line; `%5u` thread ids.
            (
                "2026-11-21T05:53:09.123456Z\t   42 Connect\tapp@localhost on shop using TCP/IP\n2026-11-21T05:53:09.123789Z\t   42 Query\tSELECT 1\n2026-11-21T05:53:09.200000Z\t   42 Quit\t",
                &[
                    "2026-11-21T05:53:09.123Z info session=42 host=localhost user=app database=shop command=Connect transport=TCP/IP | Connect\\tapp@localhost on shop using TCP/IP",
                    "2026-11-21T05:53:09.123Z info session=42 query=SELECT 1 command=Query | Query\\tSELECT 1",
                    "2026-11-21T05:53:09.200Z info session=42 command=Quit | Quit",
                ],
            ),
            // log_timestamps=SYSTEM; an IPv6 client with no default database;
            // a six-digit thread id fills the column.
            (
                "2026-11-21T06:53:10.000001+01:00\t123456 Connect\treport@2001:db8:4::12 on  using SSL/TLS\n2026-11-21T06:53:10.000200+01:00\t123456 Init DB\tanalytics",
                &[
                    "2026-11-21T05:53:10.000Z info client=2001:db8:4::12 session=123456 host=2001:db8:4::12 user=report command=Connect transport=SSL/TLS | Connect\\treport@2001:db8:4::12 on  using SSL/TLS",
                    "2026-11-21T05:53:10.000Z info session=123456 database=analytics command=Init DB | Init DB\\tanalytics",
                ],
            ),
            // MySQL 5.6 / MariaDB: the time only when the second changes, two
            // tabs otherwise; a multi-line query continues on the next lines.
            (
                "261121  5:52:55\t   118 Connect\tapp@198.51.100.20 as anonymous on shop\n\t\t   118 Query\tSELECT o.id\n  FROM orders o\n WHERE o.customer_id = 4412\n\t\t   118 Quit\t",
                &[
                    "2026-11-21T05:52:55.000Z[zone-assumed] info client=198.51.100.20 session=118 host=198.51.100.20 user=app database=shop command=Connect | Connect\\tapp@198.51.100.20 as anonymous on shop",
                    "- info session=118 query=SELECT o.id\n  FROM orders o\n WHERE o.customer_id = 4412 command=Query | Query\\tSELECT o.id\\n  FROM orders o\\n WHERE o.customer_id = 4412",
                    "- info session=118 command=Quit | Quit",
                ],
            ),
            (
                "261121 15:53:00\t    131 Connect\tcron@localhost on shop using Socket",
                &["2026-11-21T15:53:00.000Z[zone-assumed] info session=131 host=localhost user=cron database=shop command=Connect transport=Socket | Connect\\tcron@localhost on shop using Socket"],
            ),
            // A refused connection; prepared statements; other commands.
            (
                "2026-11-21T05:53:15.000301Z\t  152 Connect\tAccess denied for user 'app'@'198.51.100.21' (using password: YES)",
                &["2026-11-21T05:53:15.000Z warn client=198.51.100.21 session=152 host=198.51.100.21 user=app command=Connect access=denied | Connect\\tAccess denied for user \\'app\\'@\\'198.51.100.21\\' (using password: YES)"],
            ),
            (
                "2026-11-21T05:52:55.121410Z\t  118 Prepare\tSELECT * FROM orders WHERE id = ?\n2026-11-21T05:52:55.121998Z\t  118 Execute\tSELECT * FROM orders WHERE id = 88119\n2026-11-21T05:52:58.104911Z\t  118 Close stmt\t\n2026-11-21T05:52:58.200000Z\t  118 Change user\troot@localhost on  using Socket",
                &[
                    "2026-11-21T05:52:55.121Z info session=118 query=SELECT * FROM orders WHERE id = ? command=Prepare | Prepare\\tSELECT * FROM orders WHERE id = ?",
                    "2026-11-21T05:52:55.121Z info session=118 query=SELECT * FROM orders WHERE id = 88119 command=Execute | Execute\\tSELECT * FROM orders WHERE id = 88119",
                    "2026-11-21T05:52:58.104Z info session=118 command=Close stmt | Close stmt",
                    "2026-11-21T05:52:58.200Z info session=118 host=localhost user=root command=Change user transport=Socket | Change user\\troot@localhost on  using Socket",
                ],
            ),
            // The header is one informational event.
            (
                "/usr/sbin/mariadbd, Version: 10.11.6-MariaDB-0+deb12u1-log (Debian 12). started with:\nTcp port: 3306  Unix socket: /run/mysqld/mysqld.sock\nTime\t\t    Id Command\tArgument\n261121  5:52:55\t   118 Quit\t",
                &[
                    "- info version=10.11.6-MariaDB-0+deb12u1-log (Debian 12) | /usr/sbin/mariadbd, Version: 10.11.6-MariaDB-0+deb12u1-log (Debian 12). started with:\\nTcp port: 3306  Unix socket: /run/mysqld/mysqld.sock\\nTime\\t\\t    Id Command\\tArgument",
                    "2026-11-21T05:52:55.000Z[zone-assumed] info session=118 command=Quit | Quit",
                ],
            ),
            // MySQL 8 (the reference manual's layout): the header, then an entry
            // a line. The header is one informational event with no time of its
            // own (the ingest gives it the next record's), not one per line.
            (
                "/usr/sbin/mysqld, Version: 8.0.36 (MySQL Community Server - GPL). started with:\nTcp port: 3306  Unix socket: /var/run/mysqld/mysqld.sock\nTime                 Id Command    Argument\n2024-03-01T10:00:00.123456Z\t    8 Connect\troot@localhost on  using Socket\n2024-03-01T10:00:00.123789Z\t    8 Query\tselect 1\n",
                &[
                    "- info version=8.0.36 (MySQL Community Server - GPL) | /usr/sbin/mysqld, Version: 8.0.36 (MySQL Community Server - GPL). started with:\\nTcp port: 3306  Unix socket: /var/run/mysqld/mysqld.sock\\nTime                 Id Command    Argument",
                    "2024-03-01T10:00:00.123Z info session=8 host=localhost user=root command=Connect transport=Socket | Connect\\troot@localhost on  using Socket",
                    "2024-03-01T10:00:00.123Z info session=8 query=select 1 command=Query | Query\\tselect 1",
                ],
            ),
            // The header again mid-file: the server restarted (or the log was
            // reopened); a multi-line statement before it keeps its lines.
            (
                "2024-03-01T10:00:01.000100Z\t    8 Query\tSELECT id\n  FROM orders\n2024-03-01T10:00:01.500000Z\t    8 Quit\t\n/usr/sbin/mysqld, Version: 8.0.36 (MySQL Community Server - GPL). started with:\nTcp port: 3306  Unix socket: /var/run/mysqld/mysqld.sock\nTime                 Id Command    Argument\n2024-03-01T10:02:30.000042Z\t    9 Connect\tapp@10.0.0.5 on shop using TCP/IP\n",
                &[
                    "2024-03-01T10:00:01.000Z info session=8 query=SELECT id\n  FROM orders command=Query | Query\\tSELECT id\\n  FROM orders",
                    "2024-03-01T10:00:01.500Z info session=8 command=Quit | Quit",
                    "- info version=8.0.36 (MySQL Community Server - GPL) | /usr/sbin/mysqld, Version: 8.0.36 (MySQL Community Server - GPL). started with:\\nTcp port: 3306  Unix socket: /var/run/mysqld/mysqld.sock\\nTime                 Id Command    Argument",
                    "2024-03-01T10:02:30.000Z info client=10.0.0.5 session=9 host=10.0.0.5 user=app database=shop command=Connect transport=TCP/IP | Connect\\tapp@10.0.0.5 on shop using TCP/IP",
                ],
            ),
            // A server on Windows writes `TCP Port: …, Named Pipe: …`; a log
            // just switched on holds the header alone.
            (
                "C:\\Program Files\\MySQL\\MySQL Server 8.0\\bin\\mysqld.exe, Version: 8.0.36 (MySQL Community Server - GPL). started with:\nTCP Port: 3306, Named Pipe: MySQL\nTime                 Id Command    Argument\n2024-03-01T10:00:00.123456Z\t    8 Connect\troot@localhost on  using Named Pipe\n",
                &[
                    "- info version=8.0.36 (MySQL Community Server - GPL) | C:\\\\Program Files\\\\MySQL\\\\MySQL Server 8.0\\\\bin\\\\mysqld.exe, Version: 8.0.36 (MySQL Community Server - GPL). started with:\\nTCP Port: 3306, Named Pipe: MySQL\\nTime                 Id Command    Argument",
                    "2024-03-01T10:00:00.123Z info session=8 host=localhost user=root command=Connect transport=Named Pipe | Connect\\troot@localhost on  using Named Pipe",
                ],
            ),
            (
                "/usr/sbin/mysqld, Version: 8.0.36 (MySQL Community Server - GPL). started with:\nTcp port: 0  Unix socket: /var/run/mysqld/mysqld.sock\nTime                 Id Command    Argument\n",
                &["- info version=8.0.36 (MySQL Community Server - GPL) | /usr/sbin/mysqld, Version: 8.0.36 (MySQL Community Server - GPL). started with:\\nTcp port: 0  Unix socket: /var/run/mysqld/mysqld.sock\\nTime                 Id Command    Argument"],
            ),
            // MariaDB after a restart: its header, then `YYMMDD HH:MM:SS` when the
            // second changes and two tabs under it; a statement over two lines.
            (
                "240301 10:00:00\t    5 Query\tselect 1\n\t\t    5 Quit\t\n/usr/sbin/mariadbd, Version: 10.11.6-MariaDB-0+deb12u1-log (Debian 12). started with:\nTcp port: 3306  Unix socket: /run/mysqld/mysqld.sock\nTime\t\t    Id Command\tArgument\n240301 10:00:09\t     3 Connect\troot@localhost on  using Socket\n\t\t     3 Query\tselect @@version_comment limit 1\n\t\t     3 Query\tSELECT *\n  FROM t\n240301 10:00:10\t     3 Quit\t\n",
                &[
                    "2024-03-01T10:00:00.000Z[zone-assumed] info session=5 query=select 1 command=Query | Query\\tselect 1",
                    "- info session=5 command=Quit | Quit",
                    "- info version=10.11.6-MariaDB-0+deb12u1-log (Debian 12) | /usr/sbin/mariadbd, Version: 10.11.6-MariaDB-0+deb12u1-log (Debian 12). started with:\\nTcp port: 3306  Unix socket: /run/mysqld/mysqld.sock\\nTime\\t\\t    Id Command\\tArgument",
                    "2024-03-01T10:00:09.000Z[zone-assumed] info session=3 host=localhost user=root command=Connect transport=Socket | Connect\\troot@localhost on  using Socket",
                    "- info session=3 query=select @@version_comment limit 1 command=Query | Query\\tselect @@version_comment limit 1",
                    "- info session=3 query=SELECT *\n  FROM t command=Query | Query\\tSELECT *\\n  FROM t",
                    "2024-03-01T10:00:10.000Z[zone-assumed] info session=3 command=Quit | Quit",
                ],
            ),
            // Malformed: no thread id, space instead of tab, a bad date, a
            // continuation with nothing before it, an error log line.
            (
                "2026-11-21T05:53:09.123456Z\tConnect\tapp@localhost on shop",
                &["UNPARSED | 2026-11-21T05:53:09.123456Z\\tConnect\\tapp@localhost on shop"],
            ),
            (
                "2026-11-21T05:53:09.123456Z    42 Query\tSELECT 1",
                &["UNPARSED | 2026-11-21T05:53:09.123456Z    42 Query\\tSELECT 1"],
            ),
            (
                "2026-02-30T05:53:09Z\t   42 Query\tSELECT 1",
                &["UNPARSED | 2026-02-30T05:53:09Z\\t   42 Query\\tSELECT 1"],
            ),
            (
                "  FROM orders o\n\t\t   42 Query\tSELECT 2",
                &[
                    "UNPARSED |   FROM orders o",
                    "- info session=42 query=SELECT 2 command=Query | Query\\tSELECT 2",
                ],
            ),
            (
                "2026-11-21T05:53:08.123456Z 0 [Note] [MY-010914] [Server] Aborted connection 12",
                &["UNPARSED | 2026-11-21T05:53:08.123456Z 0 [Note] [MY-010914] [Server] Aborted connection 12"],
            ),
            ("\t\t   42 \tSELECT 1", &["UNPARSED | \\t\\t   42 \\tSELECT 1"]),
        ],
    );
}

#[test]
fn mysql_general_times_keep_their_microseconds() {
    let log = "/usr/sbin/mysqld, Version: 8.0.36 (MySQL Community Server - GPL). started with:\nTcp port: 3306  Unix socket: /var/run/mysqld/mysqld.sock\nTime                 Id Command    Argument\n2024-03-01T10:00:00.123456Z\t    8 Connect\troot@localhost on  using Socket\n2024-03-01T11:00:00.123789+01:00\t    8 Query\tselect 1\n";
    assert_eq!(
        times_us(&MysqlGeneral, log, &ctx()),
        [
            "-",
            "2024-03-01T10:00:00.123456Z",
            "2024-03-01T10:00:00.123789Z"
        ]
    );
}

#[test]
fn mysql_general_long_line_does_not_panic() {
    let line = format!("\t\t   42 Query\t{}", "é\t".repeat(100_000));
    assert_eq!(summaries(&MysqlGeneral, &line, &ctx()).len(), 1);
    let line = format!("\t\t   42 {}", "é".repeat(100_000));
    assert_eq!(summaries(&MysqlGeneral, &line, &ctx()).len(), 1);
}

#[test]
fn mysql_general_samples_are_detected() {
    let registry = Registry::default();
    for (sample, connects, quits) in [
        (
            &include_bytes!("../../../../tests/samples/mysql-general.log")[..],
            11,
            4,
        ),
        (
            &include_bytes!("../../../../tests/samples/mysql-general.mariadb.log")[..],
            7,
            3,
        ),
    ] {
        let detection = registry.detect(sample, &ctx()).expect("a format");
        assert_eq!(detection.format.name(), "mysql-general", "{detection:?}");
        let all = summaries(
            &MysqlGeneral,
            std::str::from_utf8(sample).unwrap_or(""),
            &ctx(),
        );
        assert!(all.iter().all(|s| !s.starts_with("UNPARSED")), "{all:#?}");
        let count = |c: &str| {
            all.iter()
                .filter(|s| s.contains(&format!(" command={c} ")))
                .count()
        };
        assert_eq!(
            (count("Connect"), count("Quit")),
            (connects, quits),
            "{all:#?}"
        );
    }
}
