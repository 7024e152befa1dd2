use super::Gunicorn;
use crate::format::Registry;
use crate::testing::{check_table, ctx};

#[test]
fn gunicorn_table() {
    check_table(
        &Gunicorn,
        &[
            (
                "[2026-11-21 05:53:08 +0000] [16487] [INFO] Starting gunicorn 27.0.1",
                &["2026-11-21T05:53:08.000Z info pid=16487 | Starting gunicorn 27.0.1"],
            ),
            (
                "[2026-11-21 05:53:08 +0000] [16488] [INFO] Booting worker with pid: 16488",
                &["2026-11-21T05:53:08.000Z info pid=16488 worker_pid=16488 | Booting worker with pid: 16488"],
            ),
            (
                "[2026-11-21 05:57:08 +0000] [16487] [INFO] Handling signal: hup",
                &["2026-11-21T05:57:08.000Z info pid=16487 signal=hup | Handling signal: hup"],
            ),
            (
                "[2026-11-21 06:05:08 +0000] [16487] [CRITICAL] WORKER TIMEOUT (pid:16614)",
                &["2026-11-21T06:05:08.000Z fatal pid=16487 worker_pid=16614 | WORKER TIMEOUT (pid:16614)"],
            ),
            (
                "[2026-11-21 06:05:08 +0000] [16487] [ERROR] Worker (pid:16614) was sent SIGKILL! Perhaps out of memory?",
                &["2026-11-21T06:05:08.000Z error pid=16487 worker_pid=16614 | Worker (pid:16614) was sent SIGKILL! Perhaps out of memory?"],
            ),
            (
                "[2026-11-21 07:05:08 +0200] [16487] [WARNING] Worker graceful timeout (pid:16616)",
                &["2026-11-21T05:05:08.000Z warn pid=16487 worker_pid=16616 | Worker graceful timeout (pid:16616)"],
            ),
            (
                "[2026-11-21 06:05:09 +0000] [16620] [ERROR] Error handling request /api/orders?customer=12&limit=20\nTraceback (most recent call last):\n  File \"/srv/shop-api/venv/lib/python3.11/site-packages/gunicorn/workers/gthread.py\", line 285, in handle\n    keepalive = self.handle_request(req, conn)\n                ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^\n\nOSError: [Errno 9] Bad file descriptor\n[2026-11-21 06:05:09 +0000] [16620] [INFO] Worker exiting (pid: 16620)",
                &["2026-11-21T06:05:09.000Z error pid=16620 exception=OSError: [Errno 9] Bad file descriptor | Error handling request /api/orders?customer=12&limit=20\\nTraceback (most recent call last):\\n  File \\\"/srv/shop-api/venv/lib/python3.11/site-packages/gunicorn/workers/gthread.py\\\", line 285, in handle\\n    keepalive = self.handle_request(req, conn)\\n                ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^\\n\\nOSError: [Errno 9] Bad file descriptor", "2026-11-21T06:05:09.000Z info pid=16620 worker_pid=16620 | Worker exiting (pid: 16620)"],
            ),
            (
                "[2026-11-21 05:53:08] [16487] [DEBUG] Current configuration:",
                &["2026-11-21T05:53:08.000Z[zone-assumed] debug pid=16487 | Current configuration:"],
            ),
            (
                "[2026-11-21 05:53:08 +0000] [16487] [NOTICE] not a gunicorn level",
                &["UNPARSED | [2026-11-21 05:53:08 +0000] [16487] [NOTICE] not a gunicorn level"],
            ),
            (
                "[2026-11-21 05:53:08 +0000] [master] [INFO] pid is not a number",
                &["UNPARSED | [2026-11-21 05:53:08 +0000] [master] [INFO] pid is not a number"],
            ),
            (
                "2026-11-21 05:53:08 +0000 [16487] [INFO] no brackets around the time",
                &["UNPARSED | 2026-11-21 05:53:08 +0000 [16487] [INFO] no brackets around the time"],
            ),
            (
                "[2026-11-21 05:57:09,285] ERROR in app: a Flask line",
                &["UNPARSED | [2026-11-21 05:57:09,285] ERROR in app: a Flask line"],
            ),
            (
                "[2026-11-21 05:53:08 +0000] [16487] [INFO]",
                &["2026-11-21T05:53:08.000Z info pid=16487 | "],
            ),

        ],
    );
}

#[test]
fn gunicorn_detects_its_sample() {
    let sample = include_bytes!("../../../../tests/samples/gunicorn.log");
    let detection = Registry::default()
        .detect(sample, &ctx())
        .expect("a format reads it");
    assert_eq!(detection.format.name(), "gunicorn", "{detection:?}");
    assert!(detection.confidence > 0.99, "{detection:?}");
}

#[test]
fn gunicorn_odd_lines_do_not_panic() {
    for odd in [
        "[",
        "[2026-11-21 05:53:08 +0000",
        "[2026-11-21 05:53:08 +0000] [",
        "[2026-11-21 05:53:08 +0000] [1] [",
        "[2026-11-21 05:53:08 +0000] [99999999999] [INFO] x",
        "[2026-11-21 05:53:08 +0000] [1] [INFO] pid:",
        "[2026-11-21 05:53:08 +0000] [1] [INFO] pid:é",
    ] {
        let _ = crate::testing::summaries(&Gunicorn, odd, &ctx());
    }
}
