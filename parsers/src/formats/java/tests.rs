use super::Java;
use crate::format::{Format, Registry};
use crate::testing::{check_table, check_table_in, ctx, ctx_in};

#[test]
fn java_table() {
    check_table(
        &Java,
        &[
            // logback `%d{yyyy-MM-dd HH:mm:ss,SSS} %-5level [%-20thread] %logger - %msg`:
            // a comma before the milliseconds, the thread column padded.
            (
                "2026-11-21 05:53:09,301 WARN  [main                ] o.s.b.w.e.tomcat.TomcatWebServer - Tomcat started on port(s): 8080 (http)\n2026-11-21 05:53:10,002 ERROR [pool-2-thread-1     ] c.e.shop.PaymentClient - payment failed",
                &[
                    "2026-11-21T05:53:09.301Z[zone-assumed] warn session=main logger=o.s.b.w.e.tomcat.TomcatWebServer | Tomcat started on port(s): 8080 (http)",
                    "2026-11-21T05:53:10.002Z[zone-assumed] error session=pool-2-thread-1 logger=c.e.shop.PaymentClient | payment failed",
                ],
            ),
            (
                "05:53:09.285 [main] INFO  com.shop.Api - Started Api in 3.1 seconds (process running for 3.6)",
                &["2026-11-21T05:53:09.285Z[zone-assumed][year-inferred] info session=main logger=com.shop.Api | Started Api in 3.1 seconds (process running for 3.6)"],
            ),
            (
                "23:59:58.001 [http-nio-8080-exec-4] WARN  com.shop.Api -- Slow request GET /api/orders took 2210 ms",
                &["2026-11-20T23:59:58.001Z[zone-assumed][year-inferred] warn session=http-nio-8080-exec-4 logger=com.shop.Api | Slow request GET /api/orders took 2210 ms"],
            ),
            (
                "2026-11-21 05:53:09,285 [main] ERROR com.zaxxer.hikari.pool.HikariPool - HikariPool-1 - Connection is not available, request timed out after 30000ms.",
                &["2026-11-21T05:53:09.285Z[zone-assumed] error session=main logger=com.zaxxer.hikari.pool.HikariPool | HikariPool-1 - Connection is not available, request timed out after 30000ms."],
            ),
            (
                "2026-11-21 05:53:09,285 ERROR [http-nio-8080-exec-3] com.shop.Db (Db.java:42) - Query failed\njava.sql.SQLTransientConnectionException: HikariPool-1 - Connection is not available, request timed out after 30000ms.\n\tat com.zaxxer.hikari.pool.HikariPool.createTimeoutException(HikariPool.java:696)\n\tat com.zaxxer.hikari.pool.HikariPool.getConnection(HikariPool.java:181)\n\tat com.shop.Db.query(Db.java:42)\nCaused by: org.postgresql.util.PSQLException: FATAL: remaining connection slots are reserved for non-replication superuser connections\n\tat org.postgresql.core.v3.ConnectionFactoryImpl.doAuthentication(ConnectionFactoryImpl.java:693)\n\t... 12 more\n2026-11-21 05:53:09,301 INFO  [http-nio-8080-exec-3] com.shop.Api (Api.java:88) - Returned 500",
                &["2026-11-21T05:53:09.285Z[zone-assumed] error session=http-nio-8080-exec-3 logger=com.shop.Db location=Db.java:42 exception=java.sql.SQLTransientConnectionException | Query failed\\njava.sql.SQLTransientConnectionException: HikariPool-1 - Connection is not available, request timed out after 30000ms.\\n\\tat com.zaxxer.hikari.pool.HikariPool.createTimeoutException(HikariPool.java:696)\\n\\tat com.zaxxer.hikari.pool.HikariPool.getConnection(HikariPool.java:181)\\n\\tat com.shop.Db.query(Db.java:42)\\nCaused by: org.postgresql.util.PSQLException: FATAL: remaining connection slots are reserved for non-replication superuser connections\\n\\tat org.postgresql.core.v3.ConnectionFactoryImpl.doAuthentication(ConnectionFactoryImpl.java:693)\\n\\t... 12 more", "2026-11-21T05:53:09.301Z[zone-assumed] info session=http-nio-8080-exec-3 logger=com.shop.Api location=Api.java:88 | Returned 500"],
            ),
            (
                "2026-11-21T05:53:09.285Z  INFO 12345 --- [shop-api] [nio-8080-exec-1] c.s.api.OrderController                  : Created order id=88121 total=25.99",
                &["2026-11-21T05:53:09.285Z info pid=12345 session=nio-8080-exec-1 logger=c.s.api.OrderController app=shop-api | Created order id=88121 total=25.99"],
            ),
            (
                "2026-11-21 05:53:09.285  INFO 12345 --- [nio-8080-exec-1] c.s.a.OrderController                    : Created order id=88121",
                &["2026-11-21T05:53:09.285Z[zone-assumed] info pid=12345 session=nio-8080-exec-1 logger=c.s.a.OrderController | Created order id=88121"],
            ),
            (
                "2026-11-21T06:53:09.285+01:00 ERROR 12345 --- [shop-api] [nio-8080-exec-9] [6f1b2c3d4e5f60718293a4b5c6d7e8f9-a1b2c3d4e5f60718] o.a.c.c.C.[.[.[/].[dispatcherServlet]    : Servlet.service() for servlet [dispatcherServlet] in context with path [] threw exception [Request processing failed: org.springframework.dao.DataAccessResourceFailureException: Unable to acquire JDBC Connection] with root cause\n\njava.sql.SQLTransientConnectionException: HikariPool-1 - Connection is not available, request timed out after 30000ms (total=10, active=10, idle=0, waiting=23)\n\tat com.zaxxer.hikari.pool.HikariPool.createTimeoutException(HikariPool.java:709) ~[HikariCP-5.1.0.jar!/:na]\n\tat com.zaxxer.hikari.pool.HikariPool.getConnection(HikariPool.java:188) ~[HikariCP-5.1.0.jar!/:na]\n",
                &["2026-11-21T05:53:09.285Z error pid=12345 session=nio-8080-exec-9 logger=o.a.c.c.C.[.[.[/].[dispatcherServlet] app=shop-api correlation=6f1b2c3d4e5f60718293a4b5c6d7e8f9-a1b2c3d4e5f60718 exception=java.sql.SQLTransientConnectionException | Servlet.service() for servlet [dispatcherServlet] in context with path [] threw exception [Request processing failed: org.springframework.dao.DataAccessResourceFailureException: Unable to acquire JDBC Connection] with root cause\\n\\njava.sql.SQLTransientConnectionException: HikariPool-1 - Connection is not available, request timed out after 30000ms (total=10, active=10, idle=0, waiting=23)\\n\\tat com.zaxxer.hikari.pool.HikariPool.createTimeoutException(HikariPool.java:709) ~[HikariCP-5.1.0.jar!/:na]\\n\\tat com.zaxxer.hikari.pool.HikariPool.getConnection(HikariPool.java:188) ~[HikariCP-5.1.0.jar!/:na]"],
            ),
            (
                "2026-11-21 05:53:09,285 WARN  com.shop.cache.RedisCache - Cache miss storm: 812 misses in 1s",
                &["2026-11-21T05:53:09.285Z[zone-assumed] warn logger=com.shop.cache.RedisCache | Cache miss storm: 812 misses in 1s"],
            ),
            (
                "2026-11-21 05:53:09,285 INFO c.s.Db [pool-2-thread-1] Migrated schema to version 42",
                &["2026-11-21T05:53:09.285Z[zone-assumed] info session=pool-2-thread-1 logger=c.s.Db | Migrated schema to version 42"],
            ),
            (
                "2026-11-21 05:53:09,285 [INFO ] [main] com.shop.Api [req-7f3a] - Handling GET /health",
                &["2026-11-21T05:53:09.285Z[zone-assumed] info session=main logger=com.shop.Api mdc=req-7f3a | Handling GET /health"],
            ),
            (
                "2026-11-21 05:53:09,285 ERROR Db - no dotted logger and no thread",
                &["UNPARSED | 2026-11-21 05:53:09,285 ERROR Db - no dotted logger and no thread"],
            ),
            (
                "2026-11-21 05:53:09,285 ERROR something broke",
                &["UNPARSED | 2026-11-21 05:53:09,285 ERROR something broke"],
            ),
            (
                "2026-11-21 05:53:09,285 INFO [16614] shop.api: a Python line",
                &["UNPARSED | 2026-11-21 05:53:09,285 INFO [16614] shop.api: a Python line"],
            ),
            (
                "05:53:09.285 [main] NOTICE com.shop.Api - not a logback level",
                &["UNPARSED | 05:53:09.285 [main] NOTICE com.shop.Api - not a logback level"],
            ),
            (
                "java.lang.IllegalStateException: orphan stack trace\n\tat com.shop.Api.main(Api.java:10)\n05:53:10.000 [main] INFO  com.shop.Api - next",
                &["UNPARSED | java.lang.IllegalStateException: orphan stack trace\\n\\tat com.shop.Api.main(Api.java:10)", "2026-11-21T05:53:10.000Z[zone-assumed][year-inferred] info session=main logger=com.shop.Api | next"],
            ),
            (
                "2026-11-21 05:53:08.246 UTC [16480] LOG:  starting PostgreSQL 15.18",
                &["UNPARSED | 2026-11-21 05:53:08.246 UTC [16480] LOG:  starting PostgreSQL 15.18"],
            ),

        ],
    );
}

#[test]
fn java_time_of_day_is_dated_in_the_source_zone() {
    // Reference 2026-11-21 12:00 UTC is 06:00 in Chicago: 05:53 is that
    // morning there, 23:10 the evening before.
    check_table_in(
        &Java,
        &ctx_in(chrono_tz::America::Chicago),
        &[
            (
                "05:53:09.285 [main] INFO  com.shop.Api - up",
                &["2026-11-21T11:53:09.285Z[zone-assumed][year-inferred] info session=main logger=com.shop.Api | up"],
            ),
            (
                "23:10:00,000 [main] INFO  com.shop.Api - late",
                &["2026-11-21T05:10:00.000Z[zone-assumed][year-inferred] info session=main logger=com.shop.Api | late"],
            ),
        ],
    );
}

#[test]
fn java_detects_its_samples() {
    let registry = Registry::default();
    for (name, sample) in [
        (
            "java.log",
            &include_bytes!("../../../../tests/samples/java.log")[..],
        ),
        (
            "java.logback.log",
            include_bytes!("../../../../tests/samples/java.logback.log"),
        ),
        (
            "java.log4j.log",
            include_bytes!("../../../../tests/samples/java.log4j.log"),
        ),
    ] {
        let detection = registry.detect(sample, &ctx()).expect("a format reads it");
        assert_eq!(detection.format.name(), "java", "{name}: {detection:?}");
        assert!(
            detection.confidence >= Java.specificity(),
            "{name}: {detection:?}"
        );
    }
}

#[test]
fn java_does_not_read_the_python_and_gunicorn_samples() {
    for sample in [
        &include_bytes!("../../../../tests/samples/python.log")[..],
        include_bytes!("../../../../tests/samples/python.classic.log"),
        include_bytes!("../../../../tests/samples/python.flask.log"),
        include_bytes!("../../../../tests/samples/gunicorn.log"),
    ] {
        let text = String::from_utf8_lossy(sample);
        assert!(text.lines().all(|l| !Java.is_record_start(l)), "{text}");
    }
}

#[test]
fn java_long_stack_without_frames_is_read_in_linear_time() {
    let record = format!(
        "05:53:09.285 [main] ERROR com.shop.Api - boom\n{}",
        "com.shop.NotAFrame: x\n".repeat(100_000)
    );
    let started = std::time::Instant::now();
    let got = crate::testing::summaries(&Java, &record, &ctx());
    assert_eq!(got.len(), 1);
    assert!(!got[0].contains("exception="));
    assert!(started.elapsed().as_secs() < 10);
}

#[test]
fn java_odd_lines_do_not_panic() {
    for odd in [
        "05:53:09.285 [",
        "05:53:09.285 [main",
        "05:53:09.285 [main] INFO",
        "05:53:09.285 [main] INFO  a.B (",
        "05:53:09.285 [main] INFO  a.B [",
        "05:53:09.285 [main] INFO  a.B [x] -",
        "2026-11-21 05:53:09.285  INFO 99999999999 --- [main] a.B : x",
        "2026-11-21 05:53:09.285  INFO 1 --- [a] [b] [c] [d] [e] a.B : x",
        "2026-11-21 05:53:09.285  INFO 1 --- [é] é :",
        "2026-11-21 05:53:09.285  INFO 1 --- ",
    ] {
        let _ = crate::testing::summaries(&Java, odd, &ctx());
    }
}
