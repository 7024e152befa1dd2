use super::MysqlError;
use crate::format::Registry;
use crate::testing::{check_table, ctx};

#[test]
fn mysql_error_table() {
    check_table(
        &MysqlError,
        &[
            // MySQL 8.0: level, error code, subsystem.
            (
                "2026-11-21T05:53:08.123456Z 0 [System] [MY-010116] [Server] /usr/sbin/mysqld (mysqld 8.0.36) starting as process 1",
                &["2026-11-21T05:53:08.123Z notice session=0 logger=Server code=MY-010116 | /usr/sbin/mysqld (mysqld 8.0.36) starting as process 1"],
            ),
            (
                "2026-11-21T05:53:12.000001Z 8 [Warning] [MY-010055] [Server] IP address '203.0.113.7' could not be resolved: Name or service not known",
                &["2026-11-21T05:53:12.000Z warn client=203.0.113.7 session=8 logger=Server host=203.0.113.7 code=MY-010055 | IP address \\'203.0.113.7\\' could not be resolved: Name or service not known"],
            ),
            // log_timestamps=SYSTEM writes the local time with its offset.
            (
                "2026-11-21T06:53:13.400000+01:00 12 [Note] [MY-010914] [Server] Aborted connection 12 to db: 'shop' user: 'app' host: '203.0.113.7' (Got an error reading communication packets).",
                &["2026-11-21T05:53:13.400Z info client=203.0.113.7 session=12 logger=Server host=203.0.113.7 user=app database=shop code=MY-010914 reason=Got an error reading communication packets | Aborted connection 12 to db: \\'shop\\' user: \\'app\\' host: \\'203.0.113.7\\' (Got an error reading communication packets)."],
            ),
            (
                "2026-11-21T05:53:14.250000Z 77 [Note] [MY-010926] [Server] Access denied for user 'app'@'2001:db8::7' (using password: YES)",
                &["2026-11-21T05:53:14.250Z info client=2001:db8::7 session=77 logger=Server host=2001:db8::7 user=app code=MY-010926 | Access denied for user \\'app\\'@\\'2001:db8::7\\' (using password: YES)"],
            ),
            // MySQL 5.7: no code, no subsystem; the InnoDB prefix names the logger.
            (
                "2026-11-21T05:53:08.123456Z 0 [Note] mysqld (mysqld 5.7.44) starting as process 1 ...\n2026-11-21T05:53:08.200000Z 0 [ERROR] InnoDB: Unable to lock ./ibdata1 error: 11",
                &[
                    "2026-11-21T05:53:08.123Z info session=0 | mysqld (mysqld 5.7.44) starting as process 1 ...",
                    "2026-11-21T05:53:08.200Z error session=0 logger=InnoDB | InnoDB: Unable to lock ./ibdata1 error: 11",
                ],
            ),
            // MariaDB 10.x: two spaces and a space-padded hour, local time;
            // the Version line after "ready for connections" continues it.
            (
                "2026-11-21  5:53:08 0 [Note] Starting MariaDB 10.11.6-MariaDB-0+deb12u1 source revision 4d6c8c1e as process 1234\n2026-11-21  5:53:09 0 [Note] /usr/sbin/mariadbd: ready for connections.\nVersion: '10.11.6-MariaDB-0+deb12u1'  socket: '/run/mysqld/mysqld.sock'  port: 3306  Debian 12",
                &[
                    "2026-11-21T05:53:08.000Z[zone-assumed] info session=0 | Starting MariaDB 10.11.6-MariaDB-0+deb12u1 source revision 4d6c8c1e as process 1234",
                    "2026-11-21T05:53:09.000Z[zone-assumed] info session=0 | /usr/sbin/mariadbd: ready for connections.\\nVersion: \\'10.11.6-MariaDB-0+deb12u1\\'  socket: \\'/run/mysqld/mysqld.sock\\'  port: 3306  Debian 12",
                ],
            ),
            (
                "2026-11-21 15:53:10 42 [Warning] Aborted connection 42 to db: 'shop' user: 'app' host: 'localhost' (Got timeout reading communication packets)",
                &["2026-11-21T15:53:10.000Z[zone-assumed] warn session=42 host=localhost user=app database=shop reason=Got timeout reading communication packets | Aborted connection 42 to db: \\'shop\\' user: \\'app\\' host: \\'localhost\\' (Got timeout reading communication packets)"],
            ),
            // MariaDB 10.1 writes the pthread id; the connection id comes from the message.
            (
                "2026-11-21  5:53:10 140201532376832 [Warning] Aborted connection 7 to db: 'unconnected' user: 'unauthenticated' host: '198.51.100.23' (This connection closed normally without authentication)",
                &["2026-11-21T05:53:10.000Z[zone-assumed] warn client=198.51.100.23 session=7 host=198.51.100.23 reason=This connection closed normally without authentication | Aborted connection 7 to db: \\'unconnected\\' user: \\'unauthenticated\\' host: \\'198.51.100.23\\' (This connection closed normally without authentication)"],
            ),
            (
                "2026-11-21  5:53:11 0 [Note] InnoDB: Buffer pool(s) load completed at 261121  5:53:11",
                &["2026-11-21T05:53:11.000Z[zone-assumed] info session=0 logger=InnoDB | InnoDB: Buffer pool(s) load completed at 261121  5:53:11"],
            ),
            // Lines a MariaDB 10.11 server wrote when a client vanished mid-query
            // and at a client's SHUTDOWN.
            (
                "2026-11-21  6:59:10 8 [Warning] Could not read packet: fd: 53  state: 1  read_length: 4  errno: 11  vio_errno: 1158  length: 0\n2026-11-21  6:59:10 0 [Note] mariadbd (initiated by: root[root] @ localhost []): Normal shutdown",
                &[
                    "2026-11-21T06:59:10.000Z[zone-assumed] warn session=8 | Could not read packet: fd: 53  state: 1  read_length: 4  errno: 11  vio_errno: 1158  length: 0",
                    "2026-11-21T06:59:10.000Z[zone-assumed] info session=0 | mariadbd (initiated by: root[root] @ localhost []): Normal shutdown",
                ],
            ),
            // MySQL 5.5 / old MariaDB: YYMMDD, no thread id; levelless InnoDB and mysqld_safe lines.
            (
                "261121 05:53:07 mysqld_safe Starting mysqld daemon with databases from /var/lib/mysql\n261121  5:53:08 [Note] Plugin 'FEDERATED' is disabled.\n261121  5:53:08  InnoDB: Error: log file ./ib_logfile0 is of different size 0 5242880 bytes",
                &[
                    "2026-11-21T05:53:07.000Z[zone-assumed] info logger=mysqld_safe | Starting mysqld daemon with databases from /var/lib/mysql",
                    "2026-11-21T05:53:08.000Z[zone-assumed] info | Plugin \\'FEDERATED\\' is disabled.",
                    "2026-11-21T05:53:08.000Z[zone-assumed] error logger=InnoDB | InnoDB: Error: log file ./ib_logfile0 is of different size 0 5242880 bytes",
                ],
            ),
            // MySQL 5.6 InnoDB lines carry the hex thread handle.
            (
                "2026-11-21 05:53:08 7f6d0c9d9740 InnoDB: Warning: Using innodb_additional_mem_pool_size is DEPRECATED.",
                &["2026-11-21T05:53:08.000Z[zone-assumed] warn session=7f6d0c9d9740 logger=InnoDB | InnoDB: Warning: Using innodb_additional_mem_pool_size is DEPRECATED."],
            ),
            // A crash: the MySQL 5.7 banner has only a time; the stack trace continues it.
            (
                "2026-11-21T05:53:20.000100Z 51 [Warning] [MY-010055] [Server] IP address '203.0.113.9' could not be resolved: Temporary failure in name resolution\n05:53:21 UTC - mysqld got signal 11 ;\nMost likely, you have hit a bug, but this error can also be caused by malfunctioning hardware.\n\nThread pointer: 0x7f1d0c000b70\nstack_bottom = 7f1d2c1f8e80 thread_stack 0x100000\n/usr/sbin/mysqld(my_print_stacktrace(unsigned char const*, unsigned long)+0x41) [0x55d5f0c2e871]\n/usr/sbin/mysqld(handle_fatal_signal+0x393) [0x55d5efc5a0a3]",
                &[
                    "2026-11-21T05:53:20.000Z warn client=203.0.113.9 session=51 logger=Server host=203.0.113.9 code=MY-010055 | IP address \\'203.0.113.9\\' could not be resolved: Temporary failure in name resolution",
                    "- fatal | mysqld got signal 11 ;\\nMost likely, you have hit a bug, but this error can also be caused by malfunctioning hardware.\\n\\nThread pointer: 0x7f1d0c000b70\\nstack_bottom = 7f1d2c1f8e80 thread_stack 0x100000\\n/usr/sbin/mysqld(my_print_stacktrace(unsigned char const*, unsigned long)+0x41) [0x55d5f0c2e871]\\n/usr/sbin/mysqld(handle_fatal_signal+0x393) [0x55d5efc5a0a3]",
                ],
            ),
            (
                "2026-11-21T05:53:21Z UTC - mysqld got signal 6 ;\nMost likely, you have hit a bug, but this error can also be caused by malfunctioning hardware.",
                &["2026-11-21T05:53:21.000Z fatal | mysqld got signal 6 ;\\nMost likely, you have hit a bug, but this error can also be caused by malfunctioning hardware."],
            ),
            (
                "261121  5:53:21 [ERROR] mysqld got signal 11 ;\nThis could be because you hit a bug. It is also possible that this binary\nServer version: 10.3.39-MariaDB-0+deb10u1",
                &["2026-11-21T05:53:21.000Z[zone-assumed] fatal | mysqld got signal 11 ;\\nThis could be because you hit a bug. It is also possible that this binary\\nServer version: 10.3.39-MariaDB-0+deb10u1"],
            ),
            // An InnoDB monitor dump: its banner has no level, so it stays in the record.
            (
                "2026-11-21T05:53:30.000000Z 0 [Warning] InnoDB: A long semaphore wait:\n--Thread 140201532376832 has waited at srv0srv.cc line 1982 for 241.00 seconds the semaphore:\n=====================================\n2026-11-21 05:53:30 0x7f83f0e3e700 INNODB MONITOR OUTPUT\n=====================================\nPer second averages calculated from the last 20 seconds",
                &["2026-11-21T05:53:30.000Z warn session=0 logger=InnoDB | InnoDB: A long semaphore wait:\\n--Thread 140201532376832 has waited at srv0srv.cc line 1982 for 241.00 seconds the semaphore:\\n=====================================\\n2026-11-21 05:53:30 0x7f83f0e3e700 INNODB MONITOR OUTPUT\\n=====================================\\nPer second averages calculated from the last 20 seconds"],
            ),
            // The Docker entrypoint's lines have no thread id but name themselves.
            (
                "2026-11-21 05:53:06+00:00 [Note] [Entrypoint]: Entrypoint script for MySQL Server 8.0.36-1.el8 started.",
                &["2026-11-21T05:53:06.000Z info logger=Entrypoint | Entrypoint script for MySQL Server 8.0.36-1.el8 started."],
            ),
            // Malformed: no thread id, a level MySQL does not write, an impossible
            // date, a continuation line with nothing before it, another format.
            ("2026-11-21T05:53:08.123456Z [Note] no thread id", &["UNPARSED | 2026-11-21T05:53:08.123456Z [Note] no thread id"]),
            ("2026-11-21T05:53:08.123456Z 3 [Info] not a level MySQL writes", &["UNPARSED | 2026-11-21T05:53:08.123456Z 3 [Info] not a level MySQL writes"]),
            ("2026-13-45T05:53:08Z 0 [Note] bad date", &["UNPARSED | 2026-13-45T05:53:08Z 0 [Note] bad date"]),
            (
                "Version: '8.0.36'  socket: '/var/run/mysqld/mysqld.sock'  port: 3306\n2026-11-21T05:53:08.123456Z 0 [Note] ok",
                &[
                    "UNPARSED | Version: \\'8.0.36\\'  socket: \\'/var/run/mysqld/mysqld.sock\\'  port: 3306",
                    "2026-11-21T05:53:08.123Z info session=0 | ok",
                ],
            ),
            (
                "2026-11-21 05:53:09.463 UTC [16488] LOG:  database system is ready to accept connections",
                &["UNPARSED | 2026-11-21 05:53:09.463 UTC [16488] LOG:  database system is ready to accept connections"],
            ),
            ("2026-11-21T05:53:08Z 0 [Warning", &["UNPARSED | 2026-11-21T05:53:08Z 0 [Warning"]),
        ],
    );
}

#[test]
fn mysql_error_long_line_does_not_panic() {
    let line = format!(
        "2026-11-21T05:53:08.123456Z 0 [Note] [MY-010116] [Server] {}",
        "é'[".repeat(100_000)
    );
    let summaries = crate::testing::summaries(&MysqlError, &line, &ctx());
    assert_eq!(summaries.len(), 1);
}

#[test]
fn mysql_error_samples_are_detected() {
    let registry = Registry::default();
    for sample in [
        &include_bytes!("../../../../tests/samples/mysql-error.log")[..],
        &include_bytes!("../../../../tests/samples/mysql-error.mariadb.log")[..],
    ] {
        let detection = registry.detect(sample, &ctx()).expect("a format");
        assert_eq!(detection.format.name(), "mysql-error", "{detection:?}");
        let unparsed = crate::testing::summaries(
            &MysqlError,
            std::str::from_utf8(sample).unwrap_or(""),
            &ctx(),
        )
        .into_iter()
        .filter(|s| s.starts_with("UNPARSED"))
        .count();
        assert_eq!(unparsed, 0);
    }
}
