//! One test per fixed bug, named after it (as ripgrep's `tests/regression.rs`).
//! Each says what went wrong and asserts the exact behaviour that is now right.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::util::{fixtures, source, Run, Scratch};

/// Records of the fixture incident's files.
const ACCESS_RECORDS: u64 = 120;
const APP_RECORDS: u64 = 135;

/// The fixture file `name` of the incident.
fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(fixtures().join("incident").join(name)).expect("fixture")
}

/// The text of `path` for a command line.
fn arg(path: &Path) -> &str {
    path.to_str().expect("UTF-8 scratch path")
}

/// Runs `onset ARGS…` on the scratch index with extra environment, killed
/// (and the test failed) if it has not ended within `limit`.
fn onset_within(s: &Scratch, args: &[&str], env: &[(&str, &str)], limit: Duration) -> Run {
    let mut child = Command::new(env!("CARGO_BIN_EXE_onset"))
        .args(args)
        .env("ONSET_INDEX", s.index())
        .envs(env.iter().copied())
        .current_dir(s.dir.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run onset");
    let started = Instant::now();
    while child.try_wait().expect("wait").is_none() {
        if started.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("onset {args:?} still running after {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    Run(child.wait_with_output().expect("output"))
}

/// `n` nginx access lines, request `i` from client `client(i)`, path `/{tag}/{i}`.
fn access_lines(n: usize, tag: &str, client: impl Fn(usize) -> String) -> String {
    (0..n)
        .map(|i| {
            format!(
                "127.0.0.1 - - [14/Mar/2026:1{}:{:02}:{:02} +0000] \"GET /{tag}/{i} HTTP/1.1\" 200 512 \"-\" \"curl/8.5.0\" \"{}\" rt=0.010 uct=\"0.001\" urt=\"0.009\" rid={tag}{i:08}\n",
                (i / 3600) % 10,
                (i / 60) % 60,
                i % 60,
                client(i)
            )
        })
        .collect()
}

fn events(s: &Scratch, name: &str) -> u64 {
    let sources = s.onset(&["sources", "--json"]).json();
    source(&sources, name)["events"].as_u64().expect("events")
}

fn unparsed(s: &Scratch, name: &str) -> u64 {
    let sources = s.onset(&["sources", "--json"]).json();
    source(&sources, name)["unparsed"]
        .as_u64()
        .expect("unparsed")
}

// ---------------------------------------------------------------------------
// 1. NUL runs and UTF-16

/// `text` with `len` NUL bytes before its line number `at` (0-based).
fn with_hole(text: &str, at: usize, len: usize) -> Vec<u8> {
    let mut holed = Vec::new();
    for (i, l) in text.lines().enumerate() {
        if i == at {
            holed.extend(std::iter::repeat_n(0u8, len));
        }
        holed.extend_from_slice(l.as_bytes());
        holed.push(b'\n');
    }
    holed
}

#[test]
fn nul_run_before_a_record_does_not_glue_it_to_the_previous_one() {
    let s = Scratch::new();
    std::fs::create_dir_all(s.path("logs")).unwrap();
    // Multi-line format: a crash's hole before the 11th line's record.
    let app = String::from_utf8(fixture("app.log")).unwrap();
    let lines: Vec<&str> = app.lines().collect();
    assert!(lines[10].starts_with("2026-"), "{}", lines[10]);
    std::fs::write(s.path("logs/app.log"), with_hole(&app, 10, 4096)).unwrap();
    // Single-line format: the same, before the 51st line.
    let access = String::from_utf8(fixture("access.log")).unwrap();
    std::fs::write(s.path("logs/access.log"), with_hole(&access, 50, 512)).unwrap();
    let report = s.onset(&["ingest", "--json", arg(&s.path("logs"))]).json();
    assert_eq!(report["added"], APP_RECORDS + ACCESS_RECORDS);
    let nuls: Vec<(String, u64)> = report["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let path = f["path"].as_str().unwrap();
            let name = Path::new(path).file_name().unwrap().to_str().unwrap();
            (name.to_string(), f["nul_bytes"].as_u64().unwrap())
        })
        .collect();
    assert!(nuls.contains(&("app.log".into(), 4096)), "{nuls:?}");
    assert!(nuls.contains(&("access.log".into(), 512)), "{nuls:?}");
    assert_eq!(events(&s, "app"), APP_RECORDS);
    assert_eq!(unparsed(&s, "app"), 0);
    assert_eq!(events(&s, "access"), ACCESS_RECORDS);
    assert_eq!(unparsed(&s, "access"), 0);
    // The record after the hole is an event of its own, with its fields.
    let id = lines[10]
        .split("request_id=")
        .nth(1)
        .and_then(|r| r.split_whitespace().next())
        .expect("a request id on line 11");
    let hits = s
        .onset(&[
            "search",
            "--json",
            "--source",
            "app",
            &format!("request_id:{id}"),
        ])
        .json_lines();
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0]["raw"], lines[10]);
    // The summary says what was skipped.
    let text = s.onset(&["ingest", arg(&s.path("logs"))]).ok();
    assert!(!text.contains("NUL bytes skipped"), "nothing new: {text}");
}

#[test]
fn a_nul_in_the_first_8_kib_or_utf16_does_not_make_a_log_binary() {
    let s = Scratch::new();
    std::fs::create_dir_all(s.path("logs")).unwrap();
    let access = fixture("access.log");
    // A hole at the very start (the first block of the file was lost).
    let mut holed = vec![0u8; 1000];
    holed.extend_from_slice(&access);
    std::fs::write(s.path("logs/edge.log"), &holed).unwrap();
    // UTF-16LE with a byte-order mark, and UTF-16BE without one.
    let text = String::from_utf8(fixture("app.log")).unwrap();
    let mut le = vec![0xFF, 0xFE];
    le.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    std::fs::write(s.path("logs/win.log"), &le).unwrap();
    let be: Vec<u8> = String::from_utf8(fixture("postgresql.log"))
        .unwrap()
        .encode_utf16()
        .flat_map(u16::to_be_bytes)
        .collect();
    std::fs::write(s.path("logs/db.log"), &be).unwrap();
    let run = s.onset(&["ingest", "--json", arg(&s.path("logs"))]);
    assert_eq!(run.code(), 0, "{}", run.stderr());
    let sources = s.onset(&["sources", "--json"]).json();
    assert_eq!(source(&sources, "edge")["events"], ACCESS_RECORDS);
    assert_eq!(source(&sources, "edge")["unparsed"], 0);
    assert_eq!(source(&sources, "win")["format"], "python");
    assert_eq!(source(&sources, "win")["events"], APP_RECORDS);
    assert_eq!(source(&sources, "win")["unparsed"], 0);
    assert_eq!(source(&sources, "db")["format"], "postgresql");
    assert_eq!(source(&sources, "db")["events"], 25);
    // Decoded text is searchable as text, and a second run reads nothing again.
    let hits = s
        .onset(&["search", "--json", "--source", "win", "QueuePool"])
        .json_lines();
    assert_eq!(hits.len(), 15);
    let again = s.onset(&["ingest", "--json", arg(&s.path("logs"))]).json();
    assert_eq!(again["added"], 0);
}

// ---------------------------------------------------------------------------
// 2, 3. Files still being written; over-long last lines

/// Appends `content` to `path` in blocks of `block` bytes (cutting lines and
/// records anywhere), one every `pause`.
fn append_slowly(path: PathBuf, content: Vec<u8>, block: usize, pause: Duration) {
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .unwrap();
    for piece in content.chunks(block) {
        f.write_all(piece).unwrap();
        f.flush().unwrap();
        std::thread::sleep(pause);
    }
}

#[test]
fn a_record_cut_by_an_ingest_of_a_growing_file_is_read_whole_later() {
    let s = Scratch::new();
    std::fs::create_dir_all(s.path("logs")).unwrap();
    let copies = 8;
    let access = fixture("access.log").repeat(copies);
    let app = fixture("app.log").repeat(copies);
    let writers = [
        (s.path("logs/access.log"), access),
        (s.path("logs/app.log"), app),
    ]
    .map(|(path, content)| {
        std::thread::spawn(move || append_slowly(path, content, 4096, Duration::from_millis(25)))
    });
    // Ingest again and again while both files grow…
    let mut runs = 0;
    while writers.iter().any(|w| !w.is_finished()) {
        s.onset(&["ingest", arg(&s.path("logs"))]).ok();
        runs += 1;
    }
    for w in writers {
        w.join().unwrap();
    }
    // …then once more, when they no longer change.
    s.onset(&["ingest", arg(&s.path("logs"))]).ok();
    assert!(runs >= 2, "the ingests did not overlap the writes ({runs})");
    assert_eq!(events(&s, "access"), ACCESS_RECORDS * copies as u64);
    assert_eq!(unparsed(&s, "access"), 0);
    assert_eq!(events(&s, "app"), APP_RECORDS * copies as u64);
    assert_eq!(unparsed(&s, "app"), 0);
    // Every traceback stayed with its record.
    let hits = s
        .onset(&[
            "search",
            "--json",
            "--limit",
            "1000",
            "--source",
            "app",
            "QueuePool",
        ])
        .json_lines();
    assert_eq!(hits.len(), 15 * copies);
    assert!(hits.iter().all(|h| h["level"] == "error"));
}

#[test]
fn a_last_line_over_1_mib_is_not_read_again_by_each_ingest() {
    let s = Scratch::new();
    std::fs::create_dir_all(s.path("logs")).unwrap();
    let long = format!(
        "127.0.0.1 - - [14/Mar/2026:10:00:00 +0000] \"GET /{} HTTP/1.1\" 200 1 \"-\" \"x\" \"192.0.2.1\" rt=0.001",
        "z".repeat(2 << 20)
    );
    // Terminated, and (in another file) cut: both are read once.
    let lines = access_lines(300, "ended", |i| format!("198.51.100.{}", i % 200));
    std::fs::write(s.path("logs/ended.log"), format!("{lines}{long}\n")).unwrap();
    let lines = access_lines(300, "cut", |i| format!("198.51.100.{}", i % 200));
    std::fs::write(s.path("logs/cut.log"), format!("{lines}{long}")).unwrap();
    for run in 0..3 {
        let report = s.onset(&["ingest", "--json", arg(&s.path("logs"))]).json();
        let want = if run == 0 { 2 * 301 } else { 0 };
        assert_eq!(report["added"], want, "run {run}: {report:#}");
        assert_eq!(events(&s, "ended"), 301, "run {run}");
        assert_eq!(events(&s, "cut"), 301, "run {run}");
    }
}

// ---------------------------------------------------------------------------
// 5. IP ranges

#[test]
fn client_ranges_compare_addresses_not_text() {
    let s = Scratch::new();
    std::fs::create_dir_all(s.path("logs")).unwrap();
    let v4 = access_lines(256, "v4", |i| format!("203.0.113.{i}"));
    let v6 = access_lines(300, "v6", |i| format!("2001:db8::{i:x}"));
    std::fs::write(s.path("logs/edge.log"), format!("{v4}{v6}")).unwrap();
    s.onset(&["ingest", arg(&s.path("logs"))]).ok();
    let count = |q: &str| -> usize {
        let out = s.onset(&["search", "--json", "--limit", "1000", q]);
        assert_eq!(out.code(), 0, "{q}: {}", out.stderr());
        out.json_lines().len()
    };
    assert_eq!(count("client:[203.0.113.0 TO 203.0.113.99]"), 100);
    assert_eq!(count("client:{203.0.113.0 TO 203.0.113.99}"), 98);
    assert_eq!(count("client:[203.0.113.100 TO 203.0.113.255]"), 156);
    // IPv4 addresses order before IPv6 ones (as their IPv4-mapped forms).
    assert_eq!(count("client:[203.0.113.100 TO *]"), 156 + 300);
    assert_eq!(count("client:203.0.113.0/25"), 128);
    assert_eq!(
        count("client:203.0.113.128/26 AND NOT client:203.0.113.130"),
        63
    );
    // IPv6 values are quoted (the query syntax reads `:` as a field separator).
    assert_eq!(count("client:\"2001:db8::/120\""), 256);
    assert_eq!(count("client:[2001:db8::100 TO 2001:db8::1ff]"), 44);
    // Text ranges on other fields are still text ranges.
    assert_eq!(count("path:[/v4/0 TO /v4/1]"), 2);
}

// ---------------------------------------------------------------------------
// 4. Outlying times

#[test]
fn one_bogus_timestamp_stretched_the_span_to_decades_and_hid_the_incident() {
    /// The bundled sample incident, copied into `s` as `logs/`.
    fn sample(s: &Scratch) -> PathBuf {
        let to = s.path("logs");
        std::fs::create_dir_all(&to).unwrap();
        let from = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-logs");
        for f in ["access.log", "app.log", "postgresql.log"] {
            std::fs::copy(from.join(f), to.join(f)).unwrap();
        }
        to
    }
    let s = Scratch::new();
    s.onset(&["ingest", arg(&sample(&s))]).ok();
    let before = s.onset(&["analyze", "--json"]).json();
    assert!(before["first_divergence"].is_object(), "{before}");
    assert!(before["impact"].is_object(), "{before}");

    // The same incident with a line from a clock not yet set at boot and
    // one dated with a sentinel year.
    let t = Scratch::new();
    let logs = sample(&t);
    let app = logs.join("app.log");
    let mut text =
        String::from("1970-01-01 00:00:00,000 INFO [4100] shop.boot: clock not yet synchronised\n");
    text.push_str(&std::fs::read_to_string(&app).unwrap());
    std::fs::write(&app, text).unwrap();
    let access = logs.join("access.log");
    let access_lines = std::fs::read_to_string(&access).unwrap().lines().count();
    let mut file = std::fs::OpenOptions::new()
        .append(true)
        .open(&access)
        .unwrap();
    writeln!(
        file,
        "10.0.0.2 - - [31/Dec/9999:23:59:59 +0000] \"GET /health HTTP/1.1\" 200 2 \"-\" \"probe\""
    )
    .unwrap();
    drop(file);
    t.onset(&["ingest", arg(&logs)]).ok();
    let after = t.onset(&["analyze", "--json"]).json();

    // The span, the first divergence and the impact are the incident's
    // (the records they quote are in other folders, one line further down).
    fn without_places(v: &mut serde_json::Value) {
        match v {
            serde_json::Value::Object(m) => {
                m.remove("file");
                m.remove("line");
                m.values_mut().for_each(without_places);
            }
            serde_json::Value::Array(a) => a.iter_mut().for_each(without_places),
            _ => {}
        }
    }
    for key in ["span", "first_divergence", "impact", "change_events"] {
        let (mut a, mut b) = (after[key].clone(), before[key].clone());
        without_places(&mut a);
        without_places(&mut b);
        assert_eq!(a, b, "{key}");
    }
    // The two strays are named, with their files and lines.
    let warnings = after["warnings"].as_array().expect("warnings");
    let outlying: Vec<&str> = warnings
        .iter()
        .filter_map(|w| w.as_str())
        .filter(|w| w.contains("outside the incident's span"))
        .collect();
    assert_eq!(outlying.len(), 1, "{warnings:?}");
    let w = outlying[0];
    assert!(w.starts_with("2 records dated far outside"), "{w}");
    assert!(w.contains("app.log:1 dated 1970-01-01T00:00:00"), "{w}");
    let last = format!("access.log:{} dated 9999-12-31T23:59:59", access_lines + 1);
    assert!(w.contains(&last), "{w}");
    // Nothing is lost: the strays are in the index.
    assert_eq!(events(&t, "app"), events(&s, "app") + 1);
    assert_eq!(events(&t, "access"), events(&s, "access") + 1);
    // No such warning when nothing is out of place.
    assert!(!before["warnings"]
        .to_string()
        .contains("outside the incident's span"));
}

// ---------------------------------------------------------------------------
// 6. Zones

#[test]
fn a_zone_change_on_a_source_with_events_is_refused_and_a_tz_must_name_a_source() {
    let s = Scratch::new();
    std::fs::create_dir_all(s.path("logs")).unwrap();
    let app = String::from_utf8(fixture("app.log")).unwrap();
    let lines: Vec<&str> = app.lines().collect();
    let first: String = lines[..40].iter().map(|l| format!("{l}\n")).collect();
    let rest: String = lines[40..].iter().map(|l| format!("{l}\n")).collect();
    let path = s.path("logs/app.log");
    std::fs::write(&path, &first).unwrap();
    s.onset(&["ingest", "--tz", "Europe/Berlin", arg(&path)])
        .ok();
    let before = events(&s, "app");
    assert_eq!(before, 40);
    std::fs::OpenOptions::new()
        .append(true)
        .open(&path)
        .unwrap()
        .write_all(rest.as_bytes())
        .unwrap();
    let run = s.onset(&["ingest", "--tz", "app=America/Chicago", arg(&path)]);
    assert_eq!(run.code(), 2);
    assert!(
        run.stderr().contains("`app`") && run.stderr().contains("Europe/Berlin"),
        "{}",
        run.stderr()
    );
    assert_eq!(events(&s, "app"), before, "nothing was read");
    // Without --tz, the source keeps its zone.
    s.onset(&["ingest", arg(&path)]).ok();
    let sources = s.onset(&["sources", "--json"]).json();
    assert_eq!(source(&sources, "app")["zone"], "Europe/Berlin");
    assert_eq!(source(&sources, "app")["events"], APP_RECORDS);
    assert_eq!(source(&sources, "app")["first"], "2026-03-14T08:00:00.188Z");
    // A --tz that names no source, or none at all, is a usage error.
    for tz in ["nosuch=UTC", "=UTC"] {
        let run = s.onset(&["ingest", "--tz", tz, arg(&path)]);
        assert_eq!(run.code(), 2, "--tz {tz}: {}", run.stderr());
        assert!(run.stderr().contains("--tz"), "{}", run.stderr());
    }
}

// ---------------------------------------------------------------------------
// 7, 8. Folders: links, loops, hidden files; names that are not UTF-8

#[cfg(unix)]
#[test]
fn a_folder_with_symlink_loops_is_read_once_and_ends() {
    use std::os::unix::fs::symlink;
    let s = Scratch::new();
    std::fs::create_dir_all(s.path("logs/sub")).unwrap();
    std::fs::write(
        s.path("logs/one.log"),
        access_lines(1, "one", |_| "192.0.2.1".into()),
    )
    .unwrap();
    std::fs::write(
        s.path("logs/.hidden.log"),
        access_lines(5, "hid", |_| "192.0.2.2".into()),
    )
    .unwrap();
    symlink(".", s.path("logs/self")).unwrap();
    symlink("..", s.path("logs/sub/up")).unwrap();
    let run = onset_within(
        &s,
        &["ingest", "--json", arg(&s.path("logs"))],
        &[],
        Duration::from_secs(60),
    );
    assert_eq!(run.code(), 0, "{}", run.stderr());
    let report = run.json();
    assert_eq!(report["added"], 1);
    assert_eq!(report["files"].as_array().unwrap().len(), 1);
    let sources = s.onset(&["sources", "--json"]).json();
    assert_eq!(sources.as_array().unwrap().len(), 1);
    assert_eq!(source(&sources, "one")["events"], 1);
}

#[cfg(unix)]
#[test]
fn files_whose_names_are_not_utf8_keep_their_own_sources_and_formats() {
    use std::ffi::OsStr;
    use std::os::unix::ffi::OsStrExt;
    let s = Scratch::new();
    let logs = s.path("logs");
    std::fs::create_dir_all(&logs).unwrap();
    std::fs::write(
        logs.join(OsStr::from_bytes(b"app-\xff.log")),
        fixture("app.log"),
    )
    .unwrap();
    std::fs::write(
        logs.join(OsStr::from_bytes(b"edge-\xfe.log")),
        fixture("access.log"),
    )
    .unwrap();
    s.onset(&["ingest", arg(&logs)]).ok();
    let sources = s.onset(&["sources", "--json"]).json();
    assert_eq!(sources.as_array().unwrap().len(), 2, "{sources:#}");
    let app = source(&sources, "app-\\xFF");
    assert_eq!(app["format"], "python");
    assert_eq!(app["events"], APP_RECORDS);
    let edge = source(&sources, "edge-\\xFE");
    assert_eq!(edge["format"], "nginx-access");
    assert_eq!(edge["events"], ACCESS_RECORDS);
}

// ---------------------------------------------------------------------------
// 9. A different file with the same head

#[test]
fn a_file_sharing_the_head_of_an_ingested_one_is_read_from_its_start() {
    let s = Scratch::new();
    std::fs::create_dir_all(s.path("logs")).unwrap();
    let head = access_lines(50, "head", |i| format!("198.51.100.{i}"));
    assert!(head.len() > 4096);
    let a = format!("{head}{}", access_lines(1980, "a", |_| "192.0.2.1".into()));
    let b = format!("{head}{}", access_lines(3980, "b", |_| "192.0.2.2".into()));
    std::fs::write(s.path("logs/a.log"), a).unwrap();
    s.onset(&["ingest", arg(&s.path("logs/a.log"))]).ok();
    std::fs::write(s.path("logs/b.log"), b).unwrap();
    s.onset(&["ingest", arg(&s.path("logs/b.log"))]).ok();
    assert_eq!(events(&s, "a"), 2030);
    assert_eq!(events(&s, "b"), 4030);
    assert_eq!(unparsed(&s, "b"), 0);
    // Both are then up to date.
    let again = s.onset(&["ingest", "--json", arg(&s.path("logs"))]).json();
    assert_eq!(again["added"], 0);
}

// ---------------------------------------------------------------------------
// 10, 11. A full disk; the reorder buffer

/// A folder `logs` with `big.log`: `lines` access lines, request ids `r00000000`….
fn big_log(s: &Scratch, lines: usize) -> PathBuf {
    let logs = s.path("logs");
    std::fs::create_dir_all(&logs).unwrap();
    let text = access_lines(lines, "r", |i| format!("198.51.100.{}", i % 250));
    std::fs::write(logs.join("big.log"), text).unwrap();
    logs
}

#[test]
fn a_full_disk_ends_the_ingest_promptly_with_its_cause_and_the_index_stays_usable() {
    let s = Scratch::new();
    let lines = 40_000;
    let logs = big_log(&s, lines);
    // The size of the whole index, written without a limit.
    s.onset(&[
        "ingest",
        "--threads",
        "2",
        "--commit-bytes",
        "1000000",
        arg(&logs),
    ])
    .ok();
    let size: u64 = std::fs::read_dir(s.index())
        .unwrap()
        .map(|e| e.unwrap().metadata().unwrap().len())
        .sum();
    // The disk fills at a tenth of it, at half of it, at nine tenths.
    for limit in [size / 10, size / 2, size * 9 / 10].map(|n| n.to_string()) {
        let limit = limit.as_str();
        let _ = std::fs::remove_dir_all(s.index());
        let run = onset_within(
            &s,
            &[
                "ingest",
                "--threads",
                "2",
                "--commit-bytes",
                "1000000",
                arg(&logs),
            ],
            &[("ONSET_TEST_WRITE_LIMIT", limit)],
            Duration::from_secs(120),
        );
        assert_eq!(run.code(), 1, "limit {limit}: {}", run.stderr());
        assert!(
            run.stderr().contains("is full") && run.stderr().contains("No space left"),
            "limit {limit}: {}",
            run.stderr()
        );
        // The index opens, and the next ingest completes it: every line once.
        let _ = s.onset(&["sources", "--json"]);
        s.onset(&["ingest", arg(&logs)]).ok();
        assert_eq!(events(&s, "big"), lines as u64, "limit {limit}");
        let total = s.onset(&["search", "--limit", "0", "source:big"]).ok();
        assert!(total.contains("of 40,000 matching"), "{total}");
    }
}

#[test]
fn many_chunks_parsed_out_of_order_are_indexed_in_order_exactly_once() {
    // The reorder buffer is bounded by tickets (a debug assertion checks
    // it on every chunk); the records come out whole and in file order.
    let s = Scratch::new();
    let lines = 60_000;
    let logs = big_log(&s, lines);
    s.onset(&["ingest", "--threads", "4", arg(&logs)]).ok();
    assert_eq!(events(&s, "big"), lines as u64);
    for probe in [0, 1, 29_999, 59_999] {
        let hits = s
            .onset(&["search", "--json", &format!("request_id:r{probe:08}")])
            .json_lines();
        assert_eq!(hits.len(), 1, "{probe}");
        assert_eq!(hits[0]["line"], probe + 1);
    }
}

// ---------------------------------------------------------------------------
// 12. The analysis's memory and the number of sources

#[test]
fn analyze_memory_grew_with_sources_bad_responses_clients_and_connections() {
    use onset::analysis::signals::{Accumulator, Buckets, Grid, Row};
    // 20,000 sources of 40 requests each on a grid of 1,000 buckets: each
    // source's aggregates hold its 40 buckets, not the grid's 1,000 (as
    // dense vectors they took 6.85 GB in all).
    let grid = Grid {
        start: 0,
        width: 1_000_000,
        n: 1000,
    };
    let sources = 20_000;
    let mut acc = Accumulator::new(grid, sources);
    for k in 0..sources {
        for i in 0..40 {
            acc.add(
                k,
                &Row {
                    ts: ((k * 7 + i * 25) % 1000) as i64 * 1_000_000,
                    status: Some(if i % 10 == 0 { 503 } else { 200 }),
                    duration: Some(0.05),
                    client: Some((k * 40 + i) as u64),
                    ..Row::default()
                },
            );
        }
    }
    let used = |b: &Buckets<u32>| match b {
        Buckets::Sparse(v) => v.len(),
        Buckets::Dense(v) => v.len(),
    };
    for s in &acc.sources {
        assert_eq!(s.events.total(), 40);
        assert!(used(&s.events) <= 40, "{}", used(&s.events));
        assert!(used(&s.requests) <= 40);
        assert!(matches!(s.latency, Buckets::Sparse(ref v) if v.len() <= 40));
        assert!(matches!(s.clients, Buckets::Sparse(ref v) if v.len() <= 40));
    }
    // A source that covers the grid turns dense once, and stays one vector.
    let mut busy = Accumulator::new(grid, 1);
    for b in 0..1000 {
        for _ in 0..3 {
            busy.add(
                0,
                &Row {
                    ts: b * 1_000_000,
                    status: Some(503),
                    client: Some(7),
                    ..Row::default()
                },
            );
        }
    }
    let s = &busy.sources[0];
    assert!(matches!(s.events, Buckets::Dense(ref v) if v.len() == 1000));
    // 3,000 bad responses from one client: one client per bucket, not one
    // entry per response.
    let affected: usize = s.bad_clients.iter().map(|(_, c)| c.len()).sum();
    assert_eq!(affected, 1000);
    assert_eq!(s.bad.total(), 3000);
}

// ---------------------------------------------------------------------------
// Found by the generator's new presets (issue 10)

/// An edge source on 600 one-second buckets: 20 requests a second, and
/// `failed(b)` of them 5xx in bucket `b`.
fn edge_analysis(failed: impl Fn(usize) -> u32) -> onset::analysis::report::Analysis {
    use onset::analysis::report::{analyse, default_baseline, SourceInfo};
    use onset::analysis::signals::{Accumulator, Grid, Row};
    let grid = Grid {
        start: 0,
        width: 1_000_000,
        n: 600,
    };
    let mut acc = Accumulator::new(grid, 1);
    for b in 0..grid.n {
        for i in 0..20u32 {
            acc.add(
                0,
                &Row {
                    ts: b as i64 * 1_000_000 + i64::from(i) * 1000,
                    status: Some(if i < failed(b) { 503 } else { 200 }),
                    duration: Some(0.02),
                    client: Some(u64::from(i) + b as u64 % 7 * 20),
                    ..Row::default()
                },
            );
        }
    }
    let sources = [SourceInfo {
        name: "edge".into(),
        kind: "load-balancer".into(),
    }];
    analyse(&acc, &sources, default_baseline(&grid), Vec::new())
}

#[test]
fn an_impact_that_began_as_a_trickle_of_failures_was_dated_at_the_burst_after_it() {
    // A 5xx every 6 s from 300 s (a pool timing out now and then), a pause
    // at 390–410 s, then most requests fail from 420 s to 500 s.
    let failed = |b: usize| match b {
        300..=389 if b % 6 == 0 => 1,
        420..=499 => 15,
        _ => 0,
    };
    let impact = edge_analysis(failed).impact.expect("an impact");
    assert_eq!(impact.start, 300 * 1_000_000, "{impact:?}");
    // Every failed request counts: 15 trickling, 80 × 15 in the burst.
    assert_eq!(impact.failed_requests, 15 + 80 * 15, "{impact:?}");
}

#[test]
fn a_few_failures_long_before_the_outage_do_not_start_it() {
    // A restart's three 502s at 150 s, minutes of calm, then the outage.
    let failed = |b: usize| match b {
        150..=152 => 1,
        420..=499 => 15,
        _ => 0,
    };
    let impact = edge_analysis(failed).impact.expect("an impact");
    assert_eq!(impact.start, 420 * 1_000_000, "{impact:?}");
    assert_eq!(impact.failed_requests, 80 * 15, "{impact:?}");
}

#[test]
fn the_order_of_simultaneous_changes_followed_the_index_segment_order() {
    // The sample's gunicorn restarts are bursts of lines within a second;
    // which line spoke for a burst depended on the order of the index's
    // segments, which differs from one ingest to the next.
    let runs: Vec<serde_json::Value> = (0..4)
        .map(|_| {
            let s = Scratch::new();
            let logs = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-logs");
            s.onset(&["ingest", arg(&logs)]).ok();
            let mut v = s.onset(&["analyze", "--json"]).json();
            v["change_events"].take()
        })
        .collect();
    assert!(runs[0].as_array().is_some_and(|a| a.len() > 3));
    for r in &runs[1..] {
        assert_eq!(r, &runs[0]);
    }
}

// ---------------------------------------------------------------------------
// 13, 14. Usage errors and exit codes

#[test]
fn deep_queries_and_huge_limits_are_usage_errors_not_crashes() {
    let s = Scratch::new();
    s.onset(&["ingest", arg(&fixtures().join("incident/access.log"))])
        .ok();
    let nots = format!("{}status:200", "NOT ".repeat(1871));
    let parens = format!("{}status:200{}", "(".repeat(10_000), ")".repeat(10_000));
    for q in [&nots, &parens] {
        let run = s.onset(&["search", q]);
        assert_eq!(run.code(), 2, "{}", run.stderr());
        assert!(run.stderr().contains("nested"), "{}", run.stderr());
    }
    // At the bound, it runs.
    let plain = s
        .onset(&["search", "--json", "--limit", "1000", "status:200"])
        .json_lines();
    let deep = format!("{}status:200{}", "(".repeat(100), ")".repeat(100));
    let hits = s
        .onset(&["search", "--json", "--limit", "1000", &deep])
        .json_lines();
    assert_eq!(hits.len(), plain.len());
    assert_eq!(hits.len(), 105);
    for limit in ["1000000000000", "18446744073709551615", "1000001"] {
        let run = s.onset(&["search", "--limit", limit, "status:200"]);
        assert_eq!(run.code(), 2, "--limit {limit}: {}", run.stderr());
        assert!(run.stderr().contains("--limit"), "{}", run.stderr());
    }
}

#[test]
fn unread_inputs_and_misused_options_give_the_documented_exit_codes() {
    let s = Scratch::new();
    let access = fixtures().join("incident/access.log");
    // analyze PATH with an input that cannot be read: the analysis of the
    // rest is printed, and the run is a failure.
    let run = s.onset(&["analyze", arg(&access), arg(&s.path("missing.log"))]);
    assert_eq!(run.code(), 1, "{}", run.stderr());
    assert!(run.stderr().contains("missing.log"), "{}", run.stderr());
    assert!(!run.stdout().is_empty());
    // An ingest that reads nothing at all.
    std::fs::create_dir_all(s.path("junk")).unwrap();
    std::fs::write(s.path("junk/core.bin"), [1u8, 2, 3, 4, 5, 6, 7, 8]).unwrap();
    std::fs::write(s.path("junk/empty.log"), "").unwrap();
    let run = s.onset(&["ingest", arg(&s.path("junk"))]);
    assert_eq!(run.code(), 1);
    assert!(run.stderr().contains("no log was read"), "{}", run.stderr());
    // Usage errors: 2.
    let run = s.onset(&["ingest", "--format", "nope", arg(&access)]);
    assert_eq!(run.code(), 2);
    assert!(run.stderr().contains("nope"), "{}", run.stderr());
    for cmd in ["search", "timeline"] {
        let run = s.onset(&[
            cmd,
            "--from",
            "2026-03-14 10:00",
            "--to",
            "2026-03-14 09:00",
        ]);
        assert_eq!(run.code(), 2, "{cmd}: {}", run.stderr());
        assert!(run.stderr().contains("--from"), "{}", run.stderr());
    }
}

// ---------------------------------------------------------------------------
// 15. A read-only index; what tantivy's errors mean

#[test]
fn an_index_that_cannot_be_written_can_still_be_searched() {
    let s = Scratch::new();
    s.onset(&["ingest", arg(&fixtures().join("incident/access.log"))])
        .ok();
    // The readers' lock file cannot be created (a read-only mount, another
    // user's folder): here, something else stands where it would be.
    let lock = s.index().join(".tantivy-meta.lock");
    let _ = std::fs::remove_file(&lock);
    std::fs::create_dir_all(lock.join("x")).unwrap();
    let hits = s
        .onset(&["search", "--json", "--limit", "1000", "status:502"])
        .json_lines();
    assert_eq!(hits.len(), 7);
    s.onset(&["analyze"]).ok();
}

#[test]
fn an_index_being_written_says_so_instead_of_showing_tantivy_internals() {
    let s = Scratch::new();
    // An ingest of standard input holds the index until its input ends.
    let mut first = Command::new(env!("CARGO_BIN_EXE_onset"))
        .args(["ingest", "--source", "db=-", "-"])
        .env("ONSET_INDEX", s.index())
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while !s.index().join("meta.json").exists() && started.elapsed() < Duration::from_secs(30) {
        std::thread::sleep(Duration::from_millis(20));
    }
    std::thread::sleep(Duration::from_millis(500));
    let run = s.onset(&["ingest", arg(&fixtures().join("incident/access.log"))]);
    let mut stdin = first.stdin.take().unwrap();
    stdin.write_all(&fixture("postgresql.log")).unwrap();
    drop(stdin);
    assert!(first.wait().unwrap().success());
    assert_eq!(run.code(), 1);
    let err = run.stderr();
    assert!(
        err.contains("being written by another `onset ingest`") && !err.contains("LockBusy"),
        "{err}"
    );
    // Meanwhile and after, it reads.
    assert_eq!(events(&s, "db"), 25);
}

// ---------------------------------------------------------------------------
// 16. Terminal safety

#[test]
fn control_characters_from_logs_never_reach_the_terminal() {
    let s = Scratch::new();
    std::fs::create_dir_all(s.path("logs")).unwrap();
    let nasty = [
        "\x1b]52;c;aGVsbG8=\x07",
        "\x1b]0;pwned\x07",
        "\x1b[2J\x1b[H",
        "ok\rFAKE",
        "abc\x08\x08\x08xyz",
    ];
    let mut log = String::new();
    for (i, n) in nasty.iter().enumerate() {
        log.push_str(&format!(
            "127.0.0.1 - - [14/Mar/2026:09:00:0{i} +0000] \"GET /x{n} HTTP/1.1\" 500 1 \"-\" \"{n}\" \"192.0.2.{i}\" rt=0.001 rid=evil{i}\n"
        ));
    }
    let name = "edge\x1b[31m.log";
    std::fs::write(s.path("logs").join(name), &log).unwrap();
    let logs = s.path("logs");
    let outputs = [
        s.onset(&["ingest", arg(&logs)]),
        s.onset(&["sources"]),
        s.onset(&["search", "status:500"]),
        s.onset(&["trace", "evil0"]),
        s.onset(&["timeline"]),
        s.onset(&["analyze"]),
    ];
    for (i, run) in outputs.iter().enumerate() {
        for (stream, bytes) in [("stdout", &run.0.stdout), ("stderr", &run.0.stderr)] {
            let bad: Vec<u8> = bytes
                .iter()
                .copied()
                .filter(|&b| b < 0x20 && b != b'\n' && b != b'\t' || b == 0x7f)
                .collect();
            assert!(
                bad.is_empty(),
                "command {i} wrote control bytes {bad:?} to {stream}:\n{}",
                String::from_utf8_lossy(bytes)
            );
        }
    }
    let found = outputs[2].stdout();
    assert!(found.contains("␛]52;c;aGVsbG8=␇"), "{found}");
    assert!(found.contains("-- 5 of 5 matching events"), "{found}");
    assert!(
        outputs[1].stdout().contains("edge␛[31m"),
        "{}",
        outputs[1].stdout()
    );
}

// ---------------------------------------------------------------------------
// Diagnosis on logs as other people's servers write them (issue 10). Each
// incident is written here, line by line, in the layouts those servers use.

use std::collections::HashSet;
use std::fmt::Write as _;

use chrono::{DateTime, TimeZone, Utc};

/// Deterministic uniform numbers in [0, 1).
struct Draw(u64);

impl Draw {
    fn next(&mut self) -> f64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Arrival times (s from 0) of a Poisson stream of rate `rate(t)` per s.
    fn arrivals(&mut self, until: f64, rate: impl Fn(f64) -> f64) -> Vec<f64> {
        let mut t = 0.0;
        let mut out = Vec::new();
        loop {
            t += -(1.0 - self.next()).ln() / rate(t);
            if t >= until {
                return out;
            }
            out.push(t);
        }
    }
}

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 10, 10, 0, 0).unwrap()
}

fn at(secs: f64) -> DateTime<Utc> {
    t0() + chrono::Duration::milliseconds((secs * 1000.0) as i64)
}

/// A scratch index of the logs `files` (name, text), ingested with `args`.
fn ingested(files: &[(&str, String)], args: &[&str]) -> Scratch {
    let s = Scratch::new();
    let dir = s.path("logs");
    std::fs::create_dir_all(&dir).unwrap();
    for (name, text) in files {
        std::fs::write(dir.join(name), text).unwrap();
    }
    let dir = dir.to_str().unwrap().to_string();
    let mut run = vec!["ingest"];
    run.extend_from_slice(args);
    run.push(&dir);
    s.onset(&run).ok();
    s
}

fn first_divergence(a: &serde_json::Value) -> (String, f64) {
    let fd = &a["first_divergence"];
    let onset = DateTime::parse_from_rfc3339(fd["onset"].as_str().expect("an onset"))
        .unwrap()
        .with_timezone(&Utc);
    (
        fd["signal"].as_str().unwrap_or("").to_string(),
        (onset - t0()).num_milliseconds() as f64 / 1000.0,
    )
}

/// A slow query that appears with a release: HAProxy (the client in a
/// captured `X-Forwarded-For`, the peer 127.0.0.1), a pino app, a MariaDB
/// slow log that is silent until the release and opens with its header, and
/// an error log that records aborted connections but no connects. Returns
/// the scratch folder, the failed requests and the clients that saw them.
fn slow_query_behind_a_proxy() -> (Scratch, u64, usize) {
    let mut draw = Draw(7);
    let (release, first_slow, hurt) = (600.0, 605.0, 840.0);
    let (mut lb, mut failed, mut clients) = (String::new(), 0u64, HashSet::new());
    for (i, t) in draw.arrivals(1200.0, |_| 5.0).into_iter().enumerate() {
        let client = format!("198.51.100.{}", 1 + i * 37 % 100);
        let bad = t >= hurt && i % 3 == 0;
        let (status, ta) = if bad { (503, 3000) } else { (200, 12) };
        if bad {
            failed += 1;
            clients.insert(client.clone());
        }
        let _ = writeln!(
            lb,
            "127.0.0.1:{} [{}] fe_shop be_app/app1 0/0/0/{ta}/{ta} {status} 120 - - ---- 3/3/1/1/0 0/0 {{{client}}} \"GET /api/items/{i} HTTP/1.1\"",
            20000 + i % 40000,
            at(t).format("%d/%b/%Y:%H:%M:%S%.3f"),
        );
    }
    let mut app = String::new();
    let ms = |t: f64| at(t).timestamp_millis();
    let _ = writeln!(
        app,
        r#"{{"level":30,"time":{},"pid":41,"version":"2.6.4","msg":"release config loaded"}}"#,
        ms(0.2)
    );
    for k in 1..80 {
        let t = k as f64 * 15.0;
        let _ = writeln!(
            app,
            r#"{{"level":30,"time":{},"pid":41,"free":4,"msg":"db pool stats"}}"#,
            ms(t)
        );
        if (t - release).abs() < 7.5 {
            let _ = writeln!(
                app,
                r#"{{"level":30,"time":{},"pid":41,"version":"2.7.0","previousVersion":"2.6.4","msg":"release config loaded"}}"#,
                ms(release)
            );
        }
    }
    let mut slow = String::from(
        "/usr/sbin/mariadbd, Version: 10.11.6-MariaDB-log (Debian). started with:\nTcp port: 3306  Unix socket: /run/mysqld/mysqld.sock\nTime\t\t    Id Command\tArgument\n",
    );
    for (k, t) in draw
        .arrivals(1200.0 - first_slow, |x| 0.2 + x / 300.0)
        .into_iter()
        .enumerate()
    {
        let t = if k == 0 { first_slow } else { first_slow + t };
        let _ = write!(
            slow,
            "# Time: {}\n# User@Host: app[app] @  [127.0.0.1]\n# Thread_id: {}  Schema: shop  QC_hit: No\n# Query_time: {:.6}  Lock_time: 0.000050  Rows_sent: 1  Rows_examined: 200000\nSET timestamp={};\nSELECT id FROM items WHERE sku LIKE 'AB-{k}%' LIMIT 20;\n",
            at(t).format("%y%m%d %H:%M:%S"),
            10 + k,
            0.4 + (t - first_slow) / 200.0,
            at(t).timestamp(),
        );
    }
    let mut error = format!(
        "{} 0 [Note] Starting MariaDB 10.11.6-MariaDB-log source revision 0 as process 9\n",
        at(0.0).format("%Y-%m-%d %H:%M:%S")
    );
    let aborted = draw.arrivals(1200.0, |t| if t >= hurt { 2.0 } else { 0.03 });
    for (k, t) in aborted.into_iter().enumerate() {
        let _ = writeln!(
            error,
            "{} {} [Warning] Aborted connection {} to db: 'shop' user: 'app' host: '127.0.0.1' (Got an error reading communication packets)",
            at(t).format("%Y-%m-%d %H:%M:%S"),
            100 + k,
            100 + k
        );
    }
    let s = ingested(
        &[
            ("haproxy.log", lb),
            ("app.log", app),
            ("mariadb-slow.log", slow),
            ("mariadb-error.log", error),
        ],
        &["--tz", "UTC"],
    );
    (s, failed, clients.len())
}

#[test]
fn regression_clients_behind_a_proxy_were_counted_as_the_one_peer_address() {
    let (s, failed, clients) = slow_query_behind_a_proxy();
    let a = s.onset(&["analyze", "--json"]).json();
    let imp = &a["impact"];
    assert!(
        imp["signal"].as_str().unwrap().starts_with("haproxy."),
        "{imp}"
    );
    assert_eq!(imp["failed_requests"], failed, "{imp}");
    assert_eq!(imp["affected_clients"], clients as u64, "{imp}");
    assert!(clients > 50, "the forwarded clients, not 127.0.0.1");
}

#[test]
fn regression_a_connection_gauge_was_built_from_aborted_connections_alone() {
    let (s, _, _) = slow_query_behind_a_proxy();
    let a = s.onset(&["analyze", "--json"]).json();
    let signals: Vec<&str> = a["divergences"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|d| d["signal"].as_str())
        .collect();
    assert!(
        !signals.iter().any(|s| s.ends_with(".connections")),
        "{signals:?}"
    );
    assert!(
        signals.contains(&"mariadb-error.disconnections"),
        "a rate instead: {signals:?}"
    );
}

#[test]
fn regression_a_silent_slow_log_was_not_ranked_and_its_header_was_a_deploy() {
    let (s, _, _) = slow_query_behind_a_proxy();
    let a = s.onset(&["analyze", "--json"]).json();
    let (signal, onset) = first_divergence(&a);
    assert_eq!(signal, "mariadb-slow.slow_queries");
    assert!((604.0..=615.0).contains(&onset), "onset {onset} s");
    let cause = &a["first_divergence"]["change_event"];
    assert!(
        cause["description"].as_str().unwrap().contains("2.7.0"),
        "{cause}"
    );
    assert!(
        !a["change_events"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["source"] == "mariadb-slow"),
        "{}",
        a["change_events"]
    );
}

/// Traffic that ramps linearly (nothing changed) through nginx writing its
/// access log in JSON (`escape=json`, the client in `xff`) in front of an
/// app whose JSON lines are request lines too. Returns the scratch folder,
/// the 5xx and the clients that got one.
fn ramp_through_a_json_access_log(ramp_start: f64) -> (Scratch, u64, usize) {
    let mut draw = Draw(11);
    let rate = move |t: f64| 10.0 + ((t - ramp_start).clamp(0.0, 480.0) / 480.0) * 30.0;
    let (mut access, mut app) = (String::new(), String::new());
    let _ = writeln!(
        app,
        r#"{{"event":"catalog starting","version":"3.7.2","level":"info","timestamp":"{}"}}"#,
        at(0.1).to_rfc3339()
    );
    let (mut failed, mut clients) = (0u64, HashSet::new());
    for (i, t) in draw.arrivals(1200.0, rate).into_iter().enumerate() {
        let client = format!("203.0.113.{}", 1 + i * 53 % 200);
        let over = (rate(t) - 30.0).max(0.0) / rate(t);
        let bad = draw.next() < over;
        let (status, secs) = if bad { (504, 4.0) } else { (200, 0.05) };
        if bad {
            failed += 1;
            clients.insert(client.clone());
        }
        let _ = writeln!(
            access,
            r#"{{"time":"{}","remote_addr":"127.0.0.1","xff":"{client}","request":"GET /api/products/{i} HTTP/1.1","status":{status},"bytes":120,"request_time":{secs:.3},"upstream_response_time":"{secs:.3}","request_id":"r{i}"}}"#,
            at(t)
                .with_timezone(&chrono_tz::America::New_York)
                .to_rfc3339()
        );
        let _ = writeln!(
            app,
            r#"{{"request_id":"r{i}","method":"GET","path":"/api/products/{i}","status":{status},"duration_ms":{:.1},"client_ip":"{client}","event":"request","level":"info","timestamp":"{}"}}"#,
            secs * 1000.0,
            at(t).to_rfc3339()
        );
    }
    let s = ingested(&[("access.log", access), ("app.log", app)], &[]);
    (s, failed, clients.len())
}

#[test]
fn regression_a_json_access_log_was_not_read_as_the_request_log_of_the_edge() {
    let (s, failed, clients) = ramp_through_a_json_access_log(480.0);
    let a = s.onset(&["analyze", "--json"]).json();
    let imp = &a["impact"];
    assert!(
        imp["signal"].as_str().unwrap().starts_with("access."),
        "{imp}"
    );
    assert_eq!(imp["failed_requests"], failed, "{imp}");
    assert_eq!(imp["affected_clients"], clients as u64, "{imp}");
}

#[test]
fn regression_a_linear_ramp_was_dated_at_the_alarm_and_caused_by_the_startup_line() {
    let (s, _, _) = ramp_through_a_json_access_log(480.0);
    let a = s.onset(&["analyze", "--json"]).json();
    let (signal, onset) = first_divergence(&a);
    assert_eq!(signal, "access.requests");
    assert!(
        (450.0..=510.0).contains(&onset),
        "onset {onset} s, want 480 ± 30"
    );
    // Nothing changed: the app's start-up line opens its log.
    assert_eq!(
        a["first_divergence"]["change_event"],
        serde_json::Value::Null
    );
}

// ---------------------------------------------------------------------------
// MySQL 8 layouts (issue 10): the general log's header, the slow log's `# Time:`.

/// The events of source `name`, in time order, as `onset search --json` gives them.
fn source_events(s: &Scratch, name: &str) -> Vec<serde_json::Value> {
    s.onset(&["search", "--json", "--source", name, "--limit", "1000"])
        .json_lines()
}

/// The three lines `mysqld` writes each time it opens a general or slow log.
const MYSQL8_HEADER: &str = "/usr/sbin/mysqld, Version: 8.0.36 (MySQL Community Server - GPL). started with:\nTcp port: 3306  Unix socket: /var/run/mysqld/mysqld.sock\nTime                 Id Command    Argument\n";

#[test]
fn mysql8_general_log_header_from_windows_was_an_unparsed_record() {
    // On Linux, at the top and again after a restart; on Windows the second
    // line is `TCP Port: …, Named Pipe: …`, and the whole header was one
    // unparsed record.
    let linux = format!(
        "{MYSQL8_HEADER}2024-03-01T10:00:00.123456Z\t    8 Connect\troot@localhost on  using Socket\n2024-03-01T10:00:00.123789Z\t    8 Query\tselect 1\n2024-03-01T10:00:01.000001Z\t    8 Quit\t\n{MYSQL8_HEADER}2024-03-01T10:05:00.500000Z\t    9 Connect\tapp@10.0.0.5 on shop using TCP/IP\n"
    );
    let windows = "C:\\Program Files\\MySQL\\MySQL Server 8.0\\bin\\mysqld.exe, Version: 8.0.36 (MySQL Community Server - GPL). started with:\nTCP Port: 3306, Named Pipe: MySQL\nTime                 Id Command    Argument\n2024-03-01T10:00:02.250000Z\t   11 Connect\troot@localhost on  using Named Pipe\n2024-03-01T10:00:02.250300Z\t   11 Query\tselect 2\n".to_string();
    let s = ingested(
        &[("general.log", linux), ("general-windows.log", windows)],
        &[],
    );
    for (name, entries, headers) in [("general", 4, 2), ("general-windows", 2, 1)] {
        assert_eq!(unparsed(&s, name), 0, "{name}");
        // One event per entry, and one per header — not one per header line.
        assert_eq!(events(&s, name), entries + headers, "{name}");
        let all = source_events(&s, name);
        let header: Vec<&serde_json::Value> = all
            .iter()
            .filter(|e| e["fields"]["command"].is_null())
            .collect();
        assert_eq!(header.len() as u64, headers, "{all:#?}");
        for h in &header {
            // Informational, with the version, and no time of its own.
            assert_eq!(h["level"], "info", "{h}");
            assert_eq!(
                h["fields"]["version"],
                "8.0.36 (MySQL Community Server - GPL)"
            );
            assert_eq!(h["time_flags"], serde_json::json!(["inherited"]), "{h}");
            assert_eq!(
                h["message"].as_str().unwrap_or("").lines().count(),
                3,
                "{h}"
            );
        }
        let commands: Vec<&str> = all
            .iter()
            .filter_map(|e| e["fields"]["command"].as_str())
            .collect();
        assert_eq!(commands.len() as u64, entries, "{all:#?}");
    }
    // The entries keep their times (a header takes the next one's).
    let times: Vec<String> = source_events(&s, "general-windows")
        .iter()
        .filter(|e| e["time_flags"].is_null())
        .map(|e| e["time"].as_str().unwrap_or("").to_string())
        .collect();
    assert_eq!(
        times,
        ["2024-03-01T10:00:02.250Z", "2024-03-01T10:00:02.250Z"]
    );
    // A header names the running server's version: it is no change.
    let a = s.onset(&["analyze", "--json"]).json();
    assert_eq!(
        a["change_events"],
        serde_json::json!([]),
        "{}",
        a["change_events"]
    );
}

#[test]
fn mysql8_slow_log_lost_the_first_time_fraction_and_counted_one_record_too_many() {
    // MySQL 8 writes `# Time:` — when it logged the entry, with microseconds —
    // above each entry's `# User@Host:`. The first one was a record of its
    // own, each later one was read as the end of the entry before it, and
    // entries were dated by `SET timestamp`'s whole second.
    let mysql = "# Time: 2024-03-01T10:00:05.654321Z\n# User@Host: app[app] @ localhost []  Id:     9\n# Query_time: 2.000315  Lock_time: 0.000002 Rows_sent: 1  Rows_examined: 0\nSET timestamp=1709287203;\nselect sleep(2);\n# Time: 2024-03-01T10:00:12.400300Z\n# User@Host: app[app] @  [10.0.0.5]  Id:    12\n# Query_time: 0.500200  Lock_time: 0.000010 Rows_sent: 1  Rows_examined: 1000\nuse shop;\nSET timestamp=1709287211;\nSELECT * FROM carts WHERE id = 7;\n# Time: 2024-03-01T10:00:12.500500Z\n# User@Host: report[report] @ localhost []  Id:    10\n# Query_time: 10.200500  Lock_time: 0.000120 Rows_sent: 31  Rows_examined: 912004\nSET timestamp=1709287202;\nSELECT DATE(created_at), COUNT(*) FROM orders GROUP BY 1;\n";
    // MariaDB writes `# Time: YYMMDD HH:MM:SS` (the statement's start) only
    // when the second changed: the second entry shares the first one's.
    let mariadb = "# Time: 240301 10:00:05\n# User@Host: app[app] @  [127.0.0.1]\n# Thread_id: 15  Schema: inventory  QC_hit: No\n# Query_time: 0.379231  Lock_time: 0.000052  Rows_sent: 2  Rows_examined: 200002\n# Rows_affected: 0  Bytes_sent: 391\nuse `inventory`;\nSET timestamp=1709287205;\nSELECT id FROM items WHERE sku LIKE 'BL-2992%';\n# User@Host: app[app] @  [127.0.0.1]\n# Thread_id: 16  Schema: inventory  QC_hit: No\n# Query_time: 0.412049  Lock_time: 0.000135  Rows_sent: 0  Rows_examined: 200000\n# Rows_affected: 0  Bytes_sent: 291\nSET timestamp=1709287205;\nSELECT id FROM items WHERE sku LIKE 'TR-7995%';\n# Time: 240301 10:00:04\n# User@Host: app[app] @  [127.0.0.1]\n# Thread_id: 17  Schema: inventory  QC_hit: No\n# Query_time: 1.377879  Lock_time: 0.000140  Rows_sent: 0  Rows_examined: 200000\n# Rows_affected: 0  Bytes_sent: 291\nSET timestamp=1709287204;\nSELECT id FROM items WHERE sku LIKE 'BL-7367%';\n";
    let s = ingested(
        &[
            ("mysql-slow.log", mysql.to_string()),
            ("mariadb-slow.log", mariadb.to_string()),
        ],
        &["--tz", "UTC"],
    );
    // (time, first line of the record, query time) of every event, in time
    // order (then file order).
    let read = |name: &str| -> Vec<(String, u64, f64)> {
        assert_eq!(unparsed(&s, name), 0, "{name}");
        let mut all: Vec<(String, u64, f64)> = source_events(&s, name)
            .iter()
            .map(|e| {
                (
                    e["time"].as_str().unwrap_or("").to_string(),
                    e["line"].as_u64().unwrap_or(0),
                    e["fields"]["query_time"].as_f64().unwrap_or(-1.0),
                )
            })
            .collect();
        all.sort_by(|a, b| (&a.0, a.1).cmp(&(&b.0, b.1)));
        all
    };
    // One event per entry, from its `# Time:` line, dated when the statement
    // started (`# Time:` less `Query_time`), with the fraction. The long
    // query logged last started first: times are not in file order.
    assert_eq!(events(&s, "mysql-slow"), 3);
    assert_eq!(
        read("mysql-slow"),
        [
            ("2024-03-01T10:00:02.300Z".to_string(), 12, 10.2005),
            ("2024-03-01T10:00:03.654Z".to_string(), 1, 2.000315),
            ("2024-03-01T10:00:11.900Z".to_string(), 6, 0.5002),
        ]
    );
    // The `# Time:` line is its entry's first line, not a record of its own.
    let first = source_events(&s, "mysql-slow")
        .into_iter()
        .find(|e| e["line"] == 1)
        .expect("the entry at line 1");
    assert!(
        first["raw"]
            .as_str()
            .unwrap_or("")
            .starts_with("# Time: 2024-03-01T10:00:05.654321Z\n# User@Host: app[app]"),
        "{first}"
    );
    assert_eq!(first["fields"]["query"], "select sleep(2)");
    // MariaDB's layout still reads as before: one event per entry.
    assert_eq!(events(&s, "mariadb-slow"), 3);
    assert_eq!(
        read("mariadb-slow"),
        [
            ("2024-03-01T10:00:04.000Z".to_string(), 15, 1.377879),
            ("2024-03-01T10:00:05.000Z".to_string(), 1, 0.379231),
            ("2024-03-01T10:00:05.000Z".to_string(), 9, 0.412049),
        ]
    );
}

#[test]
/// `onset open PATH`: an ingest that failed after the preview had answered
/// was said as "ingest done" (its error overwritten), and the analysis of
/// the unfinished index replaced the whole story.
fn a_failed_ingest_behind_open_was_said_done_and_its_partial_story_replaced_the_whole() {
    let events = |s: &Scratch| -> u64 {
        s.onset(&["sources", "--json"])
            .json()
            .as_array()
            .unwrap()
            .iter()
            .map(|source| source["events"].as_u64().unwrap())
            .sum()
    };
    let whole = events(&crate::tui::sample_index());
    let s = Scratch::new();
    let sample = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-logs");
    let trace = s.path("trace.txt");
    // Every index write past 300 kB fails, as on a full disk: the ingest
    // stops after the preview has answered.
    let ui = crate::tui::Session::open_with(
        &s,
        &[sample.to_str().unwrap()],
        &[
            ("ONSET_TUI_TRACE", trace.as_os_str()),
            ("ONSET_TEST_WRITE_LIMIT", std::ffi::OsStr::new("300000")),
        ],
    );
    ui.wait_for("FIRST DIVERGENCE");
    ui.wait_for("ingest failed");
    assert_eq!(ui.quit().0, 0);
    let text = std::fs::read_to_string(&trace).unwrap();
    let drawn = crate::tui::analyses_drawn(&text);
    assert!(
        !drawn.is_empty() && drawn.iter().all(|&n| n == whole),
        "the story of the unfinished index was drawn over the whole one ({drawn:?} of {whole} events):\n{text}"
    );
}

/// A panic while parsing a chunk (a bug in a format) killed that parser
/// thread; the writer waited for its chunk forever. Now the file ends
/// before that chunk with an error naming it, what came before is kept, and
/// the other files are read.
#[test]
fn a_panic_in_a_format_hung_the_ingest_instead_of_ending_that_file_with_an_error() {
    let s = Scratch::new();
    let logs = s.path("logs");
    std::fs::create_dir_all(&logs).unwrap();
    let lines = 20_000;
    for name in ["a", "b"] {
        let text = access_lines(lines, name, |i| format!("198.51.100.{}", i % 250));
        std::fs::write(logs.join(format!("{name}.log")), text).unwrap();
    }
    let run = onset_within(
        &s,
        &["ingest", arg(&logs)],
        &[("ONSET_TEST_PANIC_IN", "a.log:1")],
        Duration::from_secs(120),
    );
    assert_eq!(run.code(), 1, "{}", run.stderr());
    assert!(
        run.stderr().contains("a.log") && run.stderr().contains("internal error while parsing"),
        "{}",
        run.stderr()
    );
    let kept = events(&s, "a");
    assert!(kept > 0 && kept < lines as u64, "a.log: {kept} events");
    assert_eq!(events(&s, "b"), lines as u64);
    // Once the bug is gone, the next run reads the rest: every line once.
    s.onset(&["ingest", arg(&logs)]).ok();
    assert_eq!(events(&s, "a"), lines as u64);
    for i in [0, lines / 2, lines - 1] {
        let hits = s
            .onset(&["search", "--json", &format!("request_id:a{i:08}")])
            .json_lines();
        assert_eq!(hits.len(), 1, "a.log request {i}");
    }
}

/// `onset open PATH`: a panic off the UI thread (a parser's) was printed
/// over the screen by the panic hook, which also left the alternate screen
/// while the UI went on. Now it is said in the status line.
#[test]
fn a_panic_off_the_ui_thread_garbled_the_screen_instead_of_being_said() {
    let s = Scratch::new();
    let logs = s.path("logs");
    std::fs::create_dir_all(&logs).unwrap();
    let text = access_lines(20_000, "a", |i| format!("198.51.100.{}", i % 250));
    std::fs::write(logs.join("a.log"), text).unwrap();
    let ui = crate::tui::Session::open_with(
        &s,
        &[arg(&logs)],
        &[("ONSET_TEST_PANIC_IN", std::ffi::OsStr::new("a.log:1"))],
    );
    ui.wait_for("internal error while parsing");
    let (code, raw, alternate) = ui.quit();
    assert_eq!(code, 0);
    assert!(!alternate, "still on the alternate screen after quitting");
    assert!(
        !String::from_utf8_lossy(&raw).contains("panicked at"),
        "the panic was printed over the screen"
    );
}
