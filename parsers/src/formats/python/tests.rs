use super::Python;
use crate::format::Registry;
use crate::testing::{check_table, check_table_in, ctx};

#[test]
fn python_table() {
    check_table(
        &Python,
        &[
            (
                "2026-11-21 05:57:10,154 INFO [16614] shop.access: request_id=68fe86bde6ddf637362b66d21f1c6fe3 method=GET path=/api/orders?customer=2572&limit=50 status=200 duration_ms=12.2 client=203.0.113.53",
                &["2026-11-21T05:57:10.154Z[zone-assumed] info status=200 duration=0.012199999999999999 client=203.0.113.53 method=GET path=/api/orders?customer=2572&limit=50 request_id=68fe86bde6ddf637362b66d21f1c6fe3 pid=16614 logger=shop.access | request_id=68fe86bde6ddf637362b66d21f1c6fe3 method=GET path=/api/orders?customer=2572&limit=50 status=200 duration_ms=12.2 client=203.0.113.53"],
            ),
            (
                "2026-11-21 05:57:09,285 INFO [16614] shop.api: Starting app version 1.4.2 (pool_size=5 max_overflow=5 pool_timeout=3s)",
                &["2026-11-21T05:57:09.285Z[zone-assumed] info pid=16614 logger=shop.api pool_size=5 max_overflow=5 pool_timeout=3s | Starting app version 1.4.2 (pool_size=5 max_overflow=5 pool_timeout=3s)"],
            ),
            (
                "2026-11-21 06:00:46,167 ERROR [16620] shop.api: Unhandled exception request_id=78f8a427351a598604f2de707ffc7047 POST /api/checkout\nTraceback (most recent call last):\n  File \"/srv/shop-api/venv/lib/python3.11/site-packages/sqlalchemy/pool/base.py\", line 947, in __connect\n    self.dbapi_connection = connection = pool._invoke_creator(self)\n                                         ^^^^^^^^^^^^^^^^^^^^^^^^^^\npsycopg2.OperationalError: connection to server at \"127.0.0.1\", port 5432 failed: FATAL:  too many connections for role \"app\"\n\n\nThe above exception was the direct cause of the following exception:\n\nTraceback (most recent call last):\n  File \"/srv/shop-api/releases/1.4.2/shop_app.py\", line 214, in checkout\n    product = session.execute(\n              ^^^^^^^^^^^^^^^^\nsqlalchemy.exc.OperationalError: (psycopg2.OperationalError) connection to server at \"127.0.0.1\", port 5432 failed: FATAL:  too many connections for role \"app\"\n\n(Background on this error at: https://sqlalche.me/e/21/e3q8)\n2026-11-21 06:00:46,170 INFO [16620] shop.access: request_id=78f8a427351a598604f2de707ffc7047 method=POST path=/api/checkout status=500 duration_ms=3012.5 client=203.0.113.5",
                &["2026-11-21T06:00:46.167Z[zone-assumed] error request_id=78f8a427351a598604f2de707ffc7047 pid=16620 logger=shop.api exception=sqlalchemy.exc.OperationalError: (psycopg2.OperationalError) connection to server at \"127.0.0.1\", port 5432 failed: FATAL:  too many connections for role \"app\" | Unhandled exception request_id=78f8a427351a598604f2de707ffc7047 POST /api/checkout\\nTraceback (most recent call last):\\n  File \\\"/srv/shop-api/venv/lib/python3.11/site-packages/sqlalchemy/pool/base.py\\\", line 947, in __connect\\n    self.dbapi_connection = connection = pool._invoke_creator(self)\\n                                         ^^^^^^^^^^^^^^^^^^^^^^^^^^\\npsycopg2.OperationalError: connection to server at \\\"127.0.0.1\\\", port 5432 failed: FATAL:  too many connections for role \\\"app\\\"\\n\\n\\nThe above exception was the direct cause of the following exception:\\n\\nTraceback (most recent call last):\\n  File \\\"/srv/shop-api/releases/1.4.2/shop_app.py\\\", line 214, in checkout\\n    product = session.execute(\\n              ^^^^^^^^^^^^^^^^\\nsqlalchemy.exc.OperationalError: (psycopg2.OperationalError) connection to server at \\\"127.0.0.1\\\", port 5432 failed: FATAL:  too many connections for role \\\"app\\\"\\n\\n(Background on this error at: https://sqlalche.me/e/21/e3q8)", "2026-11-21T06:00:46.170Z[zone-assumed] info status=500 duration=3.0125 client=203.0.113.5 method=POST path=/api/checkout request_id=78f8a427351a598604f2de707ffc7047 pid=16620 logger=shop.access | request_id=78f8a427351a598604f2de707ffc7047 method=POST path=/api/checkout status=500 duration_ms=3012.5 client=203.0.113.5"],
            ),
            (
                "2026-11-21 05:57:09,285 - shop.db - WARNING - pool nearly exhausted checked_out=9 pool_size=5 overflow=4",
                &["2026-11-21T05:57:09.285Z[zone-assumed] warn logger=shop.db checked_out=9 pool_size=5 overflow=4 | pool nearly exhausted checked_out=9 pool_size=5 overflow=4"],
            ),
            (
                "2026-11-21 05:57:09,285 - ERROR - payment provider timed out after 3.0s",
                &["2026-11-21T05:57:09.285Z[zone-assumed] error | payment provider timed out after 3.0s"],
            ),
            (
                "2026-11-21 05:57:09,285 INFO shop.api: Listening on 0.0.0.0:8000",
                &["2026-11-21T05:57:09.285Z[zone-assumed] info logger=shop.api | Listening on 0.0.0.0:8000"],
            ),
            (
                "[2026-11-21 05:57:09,285] ERROR in app: Exception on /api/orders/42 [GET]\nTraceback (most recent call last):\n  File \"/srv/shop-api/venv/lib/python3.11/site-packages/flask/app.py\", line 917, in full_dispatch_request\n    rv = self.dispatch_request()\n         ^^^^^^^^^^^^^^^^^^^^^^^\nKeyError: 'customer_id'",
                &["2026-11-21T05:57:09.285Z[zone-assumed] error logger=app exception=KeyError: 'customer_id' | Exception on /api/orders/42 [GET]\\nTraceback (most recent call last):\\n  File \\\"/srv/shop-api/venv/lib/python3.11/site-packages/flask/app.py\\\", line 917, in full_dispatch_request\\n    rv = self.dispatch_request()\\n         ^^^^^^^^^^^^^^^^^^^^^^^\\nKeyError: \\'customer_id\\'"],
            ),
            (
                "2026-11-21 05:57:09,285:INFO:shop.api:cache warmed in 0.42s",
                &["2026-11-21T05:57:09.285Z[zone-assumed] info logger=shop.api | cache warmed in 0.42s"],
            ),
            (
                "WARNING:root:Pool is slow: 4.2s to check out a connection\nERROR:shop.api:Unhandled exception\nTraceback (most recent call last):\n  File \"app.py\", line 3, in <module>\n    1/0\nZeroDivisionError: division by zero",
                &["- warn logger=root | Pool is slow: 4.2s to check out a connection", "- error logger=shop.api exception=ZeroDivisionError: division by zero | Unhandled exception\\nTraceback (most recent call last):\\n  File \\\"app.py\\\", line 3, in <module>\\n    1/0\\nZeroDivisionError: division by zero"],
            ),
            (
                "2026-11-21 05:57:09,285 shop.db      WARNING  slow query took 1.52s",
                &["2026-11-21T05:57:09.285Z[zone-assumed] warn logger=shop.db | slow query took 1.52s"],
            ),
            (
                "2026-11-21 05:57:09,285 [INFO    ] [ThreadPoolExecutor-0_1] shop.worker: job=refund id=42 done",
                &["2026-11-21T05:57:09.285Z[zone-assumed] info session=ThreadPoolExecutor-0_1 logger=shop.worker job=refund id=42 | job=refund id=42 done"],
            ),
            (
                "2026-11-21 05:57:09,285 WARNING  [16614] shop.api: client=\"2001:db8::7\" sent an oversized body bytes=1048577",
                &["2026-11-21T05:57:09.285Z[zone-assumed] warn bytes=1048577 client=2001:db8::7 pid=16614 logger=shop.api | client=\\\"2001:db8::7\\\" sent an oversized body bytes=1048577"],
            ),
            (
                "2026-11-21T06:57:09.285+0100 CRITICAL shop.api: out of file descriptors",
                &["2026-11-21T05:57:09.285Z fatal logger=shop.api | out of file descriptors"],
            ),
            (
                "2026-11-21 05:57:09,285 INFO",
                &["UNPARSED | 2026-11-21 05:57:09,285 INFO"],
            ),
            (
                "2026-13-40 05:57:09,285 INFO [1] shop.api: bad date",
                &["UNPARSED | 2026-13-40 05:57:09,285 INFO [1] shop.api: bad date"],
            ),
            (
                "INFO:     Started server process [16614]",
                &["UNPARSED | INFO:     Started server process [16614]"],
            ),
            (
                "Traceback (most recent call last):\n  File \"x.py\", line 1\nValueError: orphan\n2026-11-21 05:57:09,285 INFO shop.api: next",
                &["UNPARSED | Traceback (most recent call last):\\n  File \\\"x.py\\\", line 1\\nValueError: orphan", "2026-11-21T05:57:09.285Z[zone-assumed] info logger=shop.api | next"],
            ),
            (
                "2026-11-21 05:57:09,285 INFO [16614] shop.api: ünïcödé «message» with a=b c == d and (x=1)",
                &["2026-11-21T05:57:09.285Z[zone-assumed] info pid=16614 logger=shop.api a=b x=1 | ünïcödé «message» with a=b c == d and (x=1)"],
            ),
        ],
    );
}

#[test]
fn python_zone_less_times_are_read_in_the_source_zone() {
    check_table_in(
        &Python,
        &crate::testing::ctx_in(chrono_tz::Europe::Berlin),
        &[(
            "2026-11-21 06:57:09,285 INFO [16614] shop.api: ready",
            &["2026-11-21T05:57:09.285Z[zone-assumed] info pid=16614 logger=shop.api | ready"],
        )],
    );
}

#[test]
fn python_detects_its_samples() {
    let registry = Registry::default();
    for (name, sample) in [
        (
            "python.log",
            &include_bytes!("../../../../tests/samples/python.log")[..],
        ),
        (
            "python.flask.log",
            include_bytes!("../../../../tests/samples/python.flask.log"),
        ),
        (
            "python.classic.log",
            include_bytes!("../../../../tests/samples/python.classic.log"),
        ),
        (
            "python.basicconfig.log",
            include_bytes!("../../../../tests/samples/python.basicconfig.log"),
        ),
    ] {
        let detection = registry.detect(sample, &ctx()).expect("a format reads it");
        assert_eq!(detection.format.name(), "python", "{name}: {detection:?}");
        assert!(detection.confidence > 0.99, "{name}: {detection:?}");
    }
}

#[test]
fn python_long_and_odd_lines_do_not_panic() {
    let long = format!(
        "2026-11-21 05:57:09,285 INFO [1] x: {}",
        "a=b ".repeat(50_000)
    );
    let _ = crate::testing::summaries(&Python, &long, &ctx());
    for odd in [
        "[",
        "[2026-11-21 05:57:09,285",
        "2026-11-21 05:57:09,285 - ",
        "ERROR:",
        "ERROR::",
        "2026-11-21 05:57:09,285 INFO [",
        "2026-11-21 05:57:09,285:INFO:é",
    ] {
        let _ = crate::testing::summaries(&Python, odd, &ctx());
    }
}
