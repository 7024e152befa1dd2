use std::sync::Arc;

use super::*;
use crate::format::{parse_record, Registry};
use crate::framing::Framer;
use crate::testing::{check_table, ctx};

/// The worked example shipped in `tests/user-formats/`.
const SHOP_WORKER_TOML: &str = include_str!("../../../tests/user-formats/shop-worker.toml");
const SHOP_WORKER_LOG: &str = include_str!("../../../tests/user-formats/shop-worker.log");

fn one(toml: &str) -> UserFormat {
    let mut formats = from_toml_str(toml).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(formats.len(), 1);
    formats.remove(0)
}

fn shop_worker() -> UserFormat {
    one(SHOP_WORKER_TOML)
}

#[test]
fn shop_worker_table() {
    check_table(
        &shop_worker(),
        &[
            (
                "2026-11-21 06:53:09.463 [W] shop.queue - queue depth 1200 above 1000",
                &["2026-11-21T05:53:09.463Z[zone-assumed] warn logger=shop.queue | queue depth 1200 above 1000"],
            ),
            (
                "2026-11-21 06:53:10.001 [ERROR] shop.payments - charge failed",
                &["2026-11-21T05:53:10.001Z[zone-assumed] error logger=shop.payments | charge failed"],
            ),
            (
                // `[levels]` is looked up ignoring case after an exact miss.
                "2026-11-21 06:53:10.002 [crit] shop.db - pool exhausted",
                &["2026-11-21T05:53:10.002Z[zone-assumed] fatal logger=shop.db | pool exhausted"],
            ),
            (
                // An unknown level word: info, the word kept in extra.
                "2026-11-21 06:53:10.003 [BOGUS] shop.db - odd level",
                &["2026-11-21T05:53:10.003Z[zone-assumed] info logger=shop.db level=BOGUS | odd level"],
            ),
            (
                "2026-11-21 06:53:11.000 [E] shop.worker - job 42 failed\nTraceback (most recent call last):\n  File \"worker.py\", line 7, in run\nTimeoutError: pool timeout\n2026-11-21 06:53:12.000 [I] shop.worker - job 43 done",
                &[
                    "2026-11-21T05:53:11.000Z[zone-assumed] error logger=shop.worker | job 42 failed\\nTraceback (most recent call last):\\n  File \\\"worker.py\\\", line 7, in run\\nTimeoutError: pool timeout",
                    "2026-11-21T05:53:12.000Z[zone-assumed] info logger=shop.worker | job 43 done",
                ],
            ),
            (
                // Orphan continuation lines before the first record: one unparsed record.
                "  at the middle of a trace\n  still the trace\n2026-11-21 06:53:12.500 [I] shop.worker - ok",
                &[
                    "UNPARSED |   at the middle of a trace\\n  still the trace",
                    "2026-11-21T05:53:12.500Z[zone-assumed] info logger=shop.worker | ok",
                ],
            ),
            (
                // Starts like a record but is not the shape: unparsed.
                "2026-11-21 06:53:13.000 shop.worker job without level",
                &["UNPARSED | 2026-11-21 06:53:13.000 shop.worker job without level"],
            ),
            (
                // Matches the regex, but the time is not a date.
                "2026-13-45 06:53:13.000 [I] shop.worker - bad date",
                &["UNPARSED | 2026-13-45 06:53:13.000 [I] shop.worker - bad date"],
            ),
            (
                // Milliseconds are required by the time_format.
                "2026-11-21 06:53:13 [I] shop.worker - no millis",
                &["UNPARSED | 2026-11-21 06:53:13 [I] shop.worker - no millis"],
            ),
            (
                // DST in the format's own zone: the last Sunday of March in Berlin.
                "2026-03-29 01:30:00.000 [I] shop.worker - before the jump\n2026-03-29 03:30:00.000 [I] shop.worker - after the jump",
                &[
                    "2026-03-29T00:30:00.000Z[zone-assumed] info logger=shop.worker | before the jump",
                    "2026-03-29T01:30:00.000Z[zone-assumed] info logger=shop.worker | after the jump",
                ],
            ),
            ("", &[]),
        ],
    );
}

const SEVERAL: &str = r#"
[[format]]
name = "edge-proxy"
kind = "load-balancer"
description = "Our edge proxy"
regex = '^(?P<time>\d{10}\.\d{3}) (?P<client>\S+) "(?P<method>[A-Z]+) (?P<path>\S+)" (?P<status>\d{3}) (?P<duration_ms>[\d.]+) rid=(?P<request_id>\S+)$'
time_format = "epoch"

[[format]]
name = "batch"
regex = '^(?P<time>\S+) pid=(?P<pid>\d+) (?P<level>\w+): (?P<message>.*)$'

[[format]]
name = "no-time"
kind = "system"
regex = '^(?P<host>[\w-]+): (?P<message>.+)$'
multiline = true
"#;

/// Lines for the formats of [`SEVERAL`].
const SEVERAL_SAMPLE_LINES: &[&str] = &[
    r#"1795240389.463 203.0.113.7 "GET /cart?id=1" 200 12.5 rid=abc-1"#,
    "2026-11-21T05:53:09Z pid=42 WARN: disk almost full",
    "edge-7: restarting",
];

fn several() -> Vec<UserFormat> {
    from_toml_str(SEVERAL).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn epoch_and_typed_fields_table() {
    let formats = several();
    let proxy = &formats[0];
    assert_eq!(proxy.kind(), Kind::LoadBalancer);
    assert_eq!(proxy.description(), "Our edge proxy");
    check_table(
        proxy,
        &[
            (
                r#"1795240389.463 203.0.113.7 "GET /cart?id=1" 200 12.5 rid=abc-1"#,
                &["2026-11-21T05:53:09.463Z info status=200 duration=0.0125 client=203.0.113.7 method=GET path=/cart?id=1 request_id=abc-1 | 1795240389.463 203.0.113.7 \\\"GET /cart?id=1\\\" 200 12.5 rid=abc-1"],
            ),
            (
                // No level capture: the status decides.
                r#"1795240390.000 2001:db8::7 "POST /pay" 503 30001 rid=abc-2"#,
                &["2026-11-21T05:53:10.000Z error status=503 duration=30.001 client=2001:db8::7 method=POST path=/pay request_id=abc-2 | 1795240390.000 2001:db8::7 \\\"POST /pay\\\" 503 30001 rid=abc-2"],
            ),
            (
                r#"1795240391.000 198.51.100.4 "GET /missing" 404 0.4 rid=-"#,
                &["2026-11-21T05:53:11.000Z warn status=404 duration=0.0004 client=198.51.100.4 method=GET path=/missing | 1795240391.000 198.51.100.4 \\\"GET /missing\\\" 404 0.4 rid=-"],
            ),
            (
                // An epoch out of the plausible range is not a time.
                r#"0000000001.000 198.51.100.4 "GET /" 200 1 rid=x"#,
                &["UNPARSED | 0000000001.000 198.51.100.4 \\\"GET /\\\" 200 1 rid=x"],
            ),
        ],
    );
}

#[test]
fn auto_time_and_pid_table() {
    let formats = several();
    check_table(
        &formats[1],
        &[
            (
                "2026-11-21T06:53:09.5+01:00 pid=4242 WARNING: slow batch",
                &["2026-11-21T05:53:09.500Z warn pid=4242 | slow batch"],
            ),
            (
                // Auto reads every shape any_timestamp knows, and epochs.
                "1795240389 pid=1 info: epoch seconds",
                &["2026-11-21T05:53:09.000Z info pid=1 | epoch seconds"],
            ),
            (
                // A pid that is not digits does not match the regex.
                "2026-11-21T05:53:09Z pid=x1 error: odd pid",
                &["UNPARSED | 2026-11-21T05:53:09Z pid=x1 error: odd pid"],
            ),
            (
                "not-a-time pid=1 info: x",
                &["UNPARSED | not-a-time pid=1 info: x"],
            ),
        ],
    );
}

#[test]
fn no_time_capture_and_multiline_by_main_regex_table() {
    let formats = several();
    let no_time = &formats[2];
    assert!(no_time.multiline());
    check_table(
        no_time,
        &[
            (
                "web-1: disk almost full\n  /var at 97%\nweb-2: ok",
                &[
                    "- info host=web-1 | disk almost full\\n  /var at 97%",
                    "- info host=web-2 | ok",
                ],
            ),
            ("no colon here", &["UNPARSED | no colon here"]),
        ],
    );
}

#[test]
fn message_capture_not_at_line_end_is_joined_with_continuation() {
    let f = one(r#"
        name = "mid"
        regex = '^(?P<time>\S+) (?P<message>\w+) tail$'
        multiline_start = '^\d'
        "#);
    check_table(
        &f,
        &[(
            "2026-11-21T05:53:09Z hello tail\n  more",
            &["2026-11-21T05:53:09.000Z info | hello\\n  more"],
        )],
    );
}

#[test]
fn year_less_pattern_and_offset_pattern() {
    let f = one(r#"
        name = "yearless"
        regex = '^(?P<time>\w{3} \d{2} \d{2}:\d{2}:\d{2}) (?P<message>.*)$'
        time_format = "%b %d %H:%M:%S"
        "#);
    check_table(
        &f,
        &[(
            "Nov 21 05:53:09 hello",
            &["2026-11-21T05:53:09.000Z[zone-assumed][year-inferred] info | hello"],
        )],
    );
    let f = one(r#"
        name = "offset"
        regex = '^\[(?P<time>[^\]]+)\] (?P<message>.*)$'
        time_format = "%d/%m/%Y %H:%M:%S %z"
        zone = "Asia/Tokyo"
        "#);
    check_table(
        &f,
        &[(
            "[21/11/2026 06:53:09 +0100] hello",
            &["2026-11-21T05:53:09.000Z info | hello"],
        )],
    );
}

/// Every way a file can be wrong, and the words the message must contain.
#[test]
fn errors_say_what_is_wrong() {
    let cases: &[(&str, &[&str])] = &[
        (r#"regex = '^x$'"#, &["missing `name`"]),
        (r#"name = "a""#, &["format `a`", "missing `regex`"]),
        (
            r#"name = "a"
               regex = '^(?P<time>\S+'"#,
            &["format `a`", "bad regex in `regex`"],
        ),
        (
            r#"name = "a"
               regex = '^x'
               multiline_start = '(['"#,
            &["bad regex in `multiline_start`"],
        ),
        (
            r#"name = "a"
               kind = "queue"
               regex = '^x'"#,
            &[
                "unknown kind `queue`",
                "load-balancer, app, database or system",
            ],
        ),
        (
            r#"name = "a"
               regex = '^x'
               [levels]
               W = "loud""#,
            &["unknown level `loud` for `W`"],
        ),
        (
            r#"name = "a"
               regex = '^x'
               zone = "Mars/Olympus""#,
            &["unknown zone `Mars/Olympus`"],
        ),
        (
            r#"name = "a"
               regex = '^x'
               time_format = "%Y-%m-%d %Q""#,
            &["bad time_format `%Y-%m-%d %Q`"],
        ),
        (
            r#"name = "a"
               regex = '^x'
               specificity = 1.5"#,
            &["specificity 1.5 is not in (0, 1]"],
        ),
        (
            r#"name = "has space"
               regex = '^x'"#,
            &["format `has space`", "a name must be"],
        ),
        (
            r#"name = "a"
               regx = '^x'"#,
            &["invalid TOML", "unknown field `regx`"],
        ),
        (r#"name = "a"#, &["invalid TOML"]),
        (
            r#"name = "a"
               regex = '^x'
               [[format]]
               name = "b""#,
            &["cannot also have top-level keys"],
        ),
        ("format = 3", &["array of tables"]),
        (
            r#"[[format]]
               name = "a"
               regex = '^x'
               [[format]]
               name = "a"
               regex = '^y'"#,
            &["format `a` is defined twice"],
        ),
    ];
    let mut failures = Vec::new();
    for (toml, words) in cases {
        match from_toml_str(toml) {
            Ok(_) => failures.push(format!("{toml:?}: accepted")),
            Err(e) => {
                let msg = e.to_string();
                for w in *words {
                    if !msg.contains(w) {
                        failures.push(format!("{toml:?}: {msg:?} lacks {w:?}"));
                    }
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// A unique empty directory under the system temp dir, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(tag: &str) -> TempDir {
        use std::sync::atomic::{AtomicU32, Ordering};
        static N: AtomicU32 = AtomicU32::new(0);
        let dir = std::env::temp_dir().join(format!(
            "onset-user-{tag}-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
        TempDir(dir)
    }
}

fn write(path: &std::path::Path, text: &str) {
    std::fs::write(path, text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[test]
fn load_dir_registers_a_format_that_detection_picks_with_no_rust_change() {
    let dir = TempDir::new("load");
    write(&dir.0.join("shop-worker.toml"), SHOP_WORKER_TOML);
    write(&dir.0.join("README.txt"), "not a format");
    let formats = load_dir(&dir.0).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(formats.len(), 1);

    let mut registry = Registry::default();
    for f in formats {
        registry.add(Arc::new(f));
    }
    let ctx = ctx();
    let detection = registry
        .detect(SHOP_WORKER_LOG.as_bytes(), &ctx)
        .expect("a format reads the sample");
    assert_eq!(detection.format.name(), "shop-worker", "{detection:?}");
    let format = registry.get("SHOP-WORKER").expect("looked up by name");
    let events: Vec<_> = Framer::new(SHOP_WORKER_LOG.as_bytes(), format.as_ref(), 1, 0)
        .map(|rec| parse_record(format.as_ref(), &rec, &ctx, None).summary())
        .collect();
    assert!(events.len() >= 20, "{}", events.len());
    let unparsed: Vec<_> = events
        .iter()
        .filter(|s| s.starts_with("UNPARSED"))
        .collect();
    assert!(unparsed.is_empty(), "{unparsed:#?}");
    assert!(events.iter().any(|s| s.contains(" fatal ")));
    assert!(
        events.iter().any(|s| s.contains("\\n  File ")),
        "traceback kept"
    );
}

#[test]
fn load_dir_errors_name_the_file() {
    let dir = TempDir::new("errors");
    write(
        &dir.0.join("broken.toml"),
        "name = \"x\"\nregex = '^(?P<time>'\n",
    );
    let err = load_dir(&dir.0).expect_err("a bad regex is refused");
    let msg = err.to_string();
    assert!(msg.contains("broken.toml"), "{msg}");
    assert!(msg.contains("bad regex in `regex`"), "{msg}");

    let dir = TempDir::new("dup");
    write(&dir.0.join("a.toml"), SHOP_WORKER_TOML);
    write(&dir.0.join("b.toml"), SHOP_WORKER_TOML);
    let msg = load_dir(&dir.0).expect_err("duplicate").to_string();
    assert!(
        msg.contains("b.toml") && msg.contains("first in") && msg.contains("a.toml"),
        "{msg}"
    );

    let missing = dir.0.join("does-not-exist");
    let msg = load_dir(&missing).expect_err("missing dir").to_string();
    assert!(msg.contains("does-not-exist"), "{msg}");
}

#[test]
fn a_user_format_can_replace_a_builtin_by_name() {
    let mut registry = Registry::default();
    let n = registry.formats().len();
    registry.add(Arc::new(one(r#"
        name = "generic"
        regex = '^(?P<message>.*)$'
        "#)));
    assert_eq!(registry.formats().len(), n);
    let g = registry.get("generic").expect("still there");
    assert_eq!(g.description(), "User-defined format `generic`");
}

#[test]
fn the_worked_example_directory_loads() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/user-formats");
    let formats = load_dir(dir).unwrap_or_else(|e| panic!("{e}"));
    let names: Vec<&str> = formats.iter().map(|f| f.name()).collect();
    assert_eq!(names, ["shop-worker"]);
}

#[test]
fn a_definition_reads_back_as_the_same_format() {
    let mut formats = several();
    formats.push(shop_worker());
    for format in formats {
        let definition = format.definition().expect("user formats have one");
        let again = one(definition);
        assert_eq!(again.name(), format.name());
        assert_eq!(again.kind(), format.kind());
        assert_eq!(again.multiline(), format.multiline());
        let ctx = ctx();
        for line in SHOP_WORKER_LOG
            .lines()
            .chain(SEVERAL_SAMPLE_LINES.iter().copied())
        {
            let a = format.parse(line, &ctx).map(|e| e.summary()).ok();
            let b = again.parse(line, &ctx).map(|e| e.summary()).ok();
            assert_eq!(a, b, "{} on {line:?}", format.name());
        }
    }
}
