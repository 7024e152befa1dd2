//! `onset ingest`, `sources`, `search`: formats, counts, idempotence,
//! incremental reads, rotation, compression, bad input, crash safety.

use std::io::Write;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::util::{source, Scratch};

/// Records in the fixture incident: lines minus continuation lines.
const ACCESS_RECORDS: u64 = 120;
const APP_RECORDS: u64 = 135;
const PG_RECORDS: u64 = 25;

#[test]
fn ingest_reports_each_source_with_format_kind_counts_and_span() {
    let s = Scratch::new();
    let logs = s.copy_fixture("incident", "logs");
    s.onset(&["ingest", logs.to_str().unwrap()]).ok();
    let sources = s.onset(&["sources", "--json"]).json();
    let access = source(&sources, "access");
    assert_eq!(access["format"], "nginx-access");
    assert_eq!(access["kind"], "load-balancer");
    assert_eq!(access["events"], ACCESS_RECORDS);
    assert_eq!(access["unparsed"], 0);
    assert_eq!(access["first"], "2026-03-14T09:00:00.000Z");
    assert_eq!(access["last"], "2026-03-14T09:02:58.000Z");
    let app = source(&sources, "app");
    assert_eq!(app["format"], "python");
    assert_eq!(app["kind"], "app");
    assert_eq!(app["events"], APP_RECORDS);
    assert_eq!(app["unparsed"], 0);
    let pg = source(&sources, "postgresql");
    assert_eq!(pg["format"], "postgresql");
    assert_eq!(pg["kind"], "database");
    assert_eq!(pg["events"], PG_RECORDS);
    assert_eq!(pg["unparsed"], 0);
    assert_eq!(pg["first"], "2026-03-14T09:00:00.007Z");
}

#[test]
fn ingesting_twice_adds_nothing() {
    let s = Scratch::new();
    let logs = s.copy_fixture("incident", "logs");
    let first = s
        .onset(&["ingest", "--json", logs.to_str().unwrap()])
        .json();
    assert_eq!(first["added"], ACCESS_RECORDS + APP_RECORDS + PG_RECORDS);
    let second = s
        .onset(&["ingest", "--json", logs.to_str().unwrap()])
        .json();
    assert_eq!(second["added"], 0);
    let statuses: Vec<_> = second["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["status"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(statuses, ["up-to-date"; 3]);
    let sources = s.onset(&["sources", "--json"]).json();
    assert_eq!(source(&sources, "access")["events"], ACCESS_RECORDS);
}

#[test]
fn a_grown_file_adds_only_its_new_records() {
    let s = Scratch::new();
    let logs = s.copy_fixture("incident", "logs");
    let access = logs.join("access.log");
    s.onset(&["ingest", access.to_str().unwrap()]).ok();
    let mut f = std::fs::OpenOptions::new()
        .append(true)
        .open(&access)
        .unwrap();
    for i in 0..7 {
        writeln!(
            f,
            r#"127.0.0.1 - - [14/Mar/2026:09:10:0{i} +0000] "GET /late/{i} HTTP/1.1" 200 10 "-" "curl/8.5.0" "192.0.2.9" rt=0.001 uct="0.000" urt="0.001" rid=late{i}"#
        )
        .unwrap();
    }
    drop(f);
    let again = s
        .onset(&["ingest", "--json", access.to_str().unwrap()])
        .json();
    assert_eq!(again["added"], 7);
    let hits = s.onset(&["search", "--json", "path:/late/3"]).json_lines();
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0]["line"], ACCESS_RECORDS + 4);
}

#[test]
fn a_rotated_and_compressed_file_is_not_counted_twice() {
    let s = Scratch::new();
    let logs = s.copy_fixture("incident", "logs");
    let access = logs.join("access.log");
    s.onset(&["ingest", access.to_str().unwrap()]).ok();
    // logrotate: access.log -> access.log.1.gz, and a new access.log begins.
    let content = std::fs::read(&access).unwrap();
    let gz = std::fs::File::create(logs.join("access.log.1.gz")).unwrap();
    let mut enc = flate2::write::GzEncoder::new(gz, flate2::Compression::default());
    enc.write_all(&content).unwrap();
    enc.finish().unwrap();
    std::fs::write(
        &access,
        "127.0.0.1 - - [14/Mar/2026:09:20:00 +0000] \"GET /new HTTP/1.1\" 503 0 \"-\" \"curl/8.5.0\" \"192.0.2.9\" rt=0.001 uct=\"-\" urt=\"-\" rid=new1\n",
    )
    .unwrap();
    let again = s
        .onset(&[
            "ingest",
            "--json",
            logs.join("access.log.1.gz").to_str().unwrap(),
            access.to_str().unwrap(),
        ])
        .json();
    assert_eq!(again["added"], 1, "{again:#}");
    let sources = s.onset(&["sources", "--json"]).json();
    assert_eq!(source(&sources, "access")["events"], ACCESS_RECORDS + 1);
}

#[test]
fn compressed_inputs_read_like_plain_ones() {
    let s = Scratch::new();
    let logs = s.copy_fixture("incident", "logs");
    let content = std::fs::read(logs.join("postgresql.log")).unwrap();
    std::fs::remove_file(logs.join("postgresql.log")).unwrap();
    let zst = zstd::encode_all(&content[..], 3).unwrap();
    std::fs::write(logs.join("postgresql.log.zst"), zst).unwrap();
    s.onset(&["ingest", logs.to_str().unwrap()]).ok();
    let sources = s.onset(&["sources", "--json"]).json();
    let pg = source(&sources, "postgresql");
    assert_eq!(pg["format"], "postgresql");
    assert_eq!(pg["events"], PG_RECORDS);
}

#[test]
fn bad_inputs_are_named_and_the_rest_goes_on() {
    let s = Scratch::new();
    let logs = s.copy_fixture("incident", "logs");
    std::fs::write(logs.join("empty.log"), "").unwrap();
    std::fs::write(logs.join("core.bin"), [0u8, 1, 2, 3, 0, 0, 7, 8, 0, 255]).unwrap();
    // A gzip cut in the middle: the records before the damage are kept.
    // (Lines reversed: the same head as access.log would be recognized as a
    // rotated copy of it, and rightly not read twice.)
    let text = std::fs::read_to_string(logs.join("access.log")).unwrap();
    let content: String = text.lines().rev().map(|l| format!("{l}\n")).collect();
    let content = content.into_bytes();
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(&content).unwrap();
    let gz = enc.finish().unwrap();
    std::fs::create_dir_all(s.path("other")).unwrap();
    std::fs::write(s.path("other/edge.log.gz"), &gz[..gz.len() * 2 / 3]).unwrap();
    let missing = s.path("nope/missing.log");
    let run = s.onset(&[
        "ingest",
        logs.to_str().unwrap(),
        s.path("other").to_str().unwrap(),
        missing.to_str().unwrap(),
    ]);
    assert_eq!(
        run.code(),
        1,
        "a missing path and a damaged file are failures"
    );
    let err = run.stderr();
    assert!(
        err.contains("missing.log") && err.contains("no such file"),
        "{err}"
    );
    assert!(
        err.contains("edge.log.gz") && err.contains("read error"),
        "{err}"
    );
    // What was skipped without an error is listed in the summary, once.
    let out = run.stdout();
    let not_read = &out[out.find("Not read:").expect("a `Not read` list")..];
    for (file, why) in [
        ("empty.log", "empty"),
        ("core.bin", "binary"),
        ("missing.log", "no such file"),
        ("edge.log.gz", "read error"),
    ] {
        assert!(
            not_read
                .lines()
                .any(|l| l.contains(file) && l.contains(why)),
            "{file}: {out}"
        );
    }
    assert!(
        !err.contains("empty.log") && !err.contains("core.bin"),
        "{err}"
    );
    let sources = s.onset(&["sources", "--json"]).json();
    assert_eq!(source(&sources, "access")["events"], ACCESS_RECORDS);
    let edge = source(&sources, "edge")["events"].as_u64().unwrap();
    assert!(
        edge > 0 && edge < ACCESS_RECORDS,
        "edge kept {edge} records"
    );
}

#[test]
fn stdin_is_a_source() {
    let s = Scratch::new();
    let content = std::fs::read(crate::util::fixtures().join("incident/postgresql.log")).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_onset"))
        .args(["ingest", "--source", "db=-", "-"])
        .env("ONSET_INDEX", s.index())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(&content).unwrap();
    assert!(child.wait_with_output().unwrap().status.success());
    let sources = s.onset(&["sources", "--json"]).json();
    assert_eq!(source(&sources, "db")["events"], PG_RECORDS);
}

#[test]
fn search_finds_fields_and_words_in_time_order() {
    let s = Scratch::new();
    let logs = s.copy_fixture("incident", "logs");
    s.onset(&["ingest", logs.to_str().unwrap()]).ok();
    let hits = s
        .onset(&["search", "--json", "--limit", "1000", "status:502"])
        .json_lines();
    assert_eq!(hits.len(), 7);
    assert!(hits
        .iter()
        .all(|h| h["fields"]["status"] == 502 && h["source"] == "access"));
    let times: Vec<&str> = hits.iter().map(|h| h["time"].as_str().unwrap()).collect();
    let mut sorted = times.clone();
    sorted.sort();
    assert_eq!(times, sorted);
    let words = s.onset(&["search", "--json", "QueuePool"]).json_lines();
    assert_eq!(words.len(), 15, "one per traceback record");
    assert!(words
        .iter()
        .all(|h| h["source"] == "app" && h["level"] == "error"));
    let db = s
        .onset(&["search", "--json", "--source", "postgresql", "deadlock"])
        .json_lines();
    assert_eq!(db.len(), 1);
    assert!(db[0]["raw"].as_str().unwrap().contains("STATEMENT:"));
    let window = s
        .onset(&[
            "search",
            "--json",
            "--from",
            "2026-03-14 09:02:00",
            "--to",
            "2026-03-14T09:02:30Z",
            "source:access",
        ])
        .json_lines();
    assert_eq!(window.len(), 20, "one request every 1.5 s");
}

/// What the fixture's access log says, line by line: (path, status, client).
fn fixture_requests() -> Vec<(String, u64, String)> {
    let text = std::fs::read_to_string(crate::util::fixtures().join("incident/access.log"))
        .expect("fixture");
    text.lines()
        .map(|l| {
            let quoted: Vec<&str> = l.split('"').collect();
            let path = quoted[1].split(' ').nth(1).expect("path").to_string();
            let status = quoted[2].split_whitespace().next().expect("status");
            (path, status.parse().expect("status"), quoted[7].to_string())
        })
        .collect()
}

#[test]
fn exact_value_fields_match_values_prefixes_sets_and_ranges() {
    let s = Scratch::new();
    let logs = s.copy_fixture("incident", "logs");
    s.onset(&["ingest", logs.to_str().unwrap()]).ok();
    let requests = fixture_requests();
    let count = |q: &str| {
        s.onset(&[
            "search", "--json", "--limit", "1000", "--source", "access", q,
        ])
        .json_lines()
        .len()
    };
    let expect =
        |pred: &dyn Fn(&(String, u64, String)) -> bool| requests.iter().filter(|r| pred(r)).count();
    assert_eq!(
        count("status:IN [502 504]"),
        expect(&|r| r.1 == 502 || r.1 == 504)
    );
    assert_eq!(
        count("path:/api/orders/1*"),
        expect(&|r| r.0.starts_with("/api/orders/1"))
    );
    assert_eq!(
        count("path:/api/orders/1* AND NOT status:200"),
        expect(&|r| r.0.starts_with("/api/orders/1") && r.1 != 200)
    );
    assert_eq!(
        count("client:[198.51.100.0 TO 198.51.100.9]"),
        // Addresses, not text: 198.51.100.10 is not in the range.
        expect(&|r| {
            r.2.strip_prefix("198.51.100.")
                .and_then(|n| n.parse::<u8>().ok())
                .is_some_and(|n| n <= 9)
        })
    );
    assert_eq!(count("NOT status:200"), expect(&|r| r.1 != 200));
    // A whole value, not a word of it.
    assert_eq!(count("path:/api"), expect(&|r| r.0 == "/api"));
    let bad = s.onset(&["search", "status:abc"]);
    assert_eq!(bad.code(), 2);
    assert!(bad.stderr().contains("status"), "{}", bad.stderr());
}

#[test]
fn usage_errors_exit_with_2_and_say_why() {
    let s = Scratch::new();
    let run = s.onset(&["ingest", "--tz", "Mars/Olympus", "x.log"]);
    assert_eq!(run.code(), 2);
    assert!(run.stderr().contains("Mars/Olympus"), "{}", run.stderr());
    let run = s.onset(&["search", "--from", "yesterday", "x"]);
    assert_eq!(run.code(), 2);
    let run = s.onset(&["sources"]);
    assert_eq!(run.code(), 1);
    assert!(run.stderr().contains("no onset index"), "{}", run.stderr());
}

/// Writes `n` nginx access lines (about 200 bytes each).
fn write_access_log(path: &std::path::Path, n: usize) {
    let mut f = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    for i in 0..n {
        let (m, sec) = ((i / 60) % 60, i % 60);
        writeln!(
            f,
            r#"127.0.0.1 - - [14/Mar/2026:1{}:{m:02}:{sec:02} +0000] "GET /api/orders/{i} HTTP/1.1" 200 512 "-" "curl/8.5.0" "198.51.100.{}" rt=0.010 uct="0.001" urt="0.009" rid={i:032x}"#,
            (i / 3600) % 10,
            i % 250
        )
        .unwrap();
    }
}

#[test]
fn an_ingest_killed_mid_way_resumes_without_duplicates_or_losses() {
    let s = Scratch::new();
    std::fs::create_dir_all(s.path("logs")).unwrap();
    let lines = 150_000;
    write_access_log(&s.path("logs/big.log"), lines);
    let mut child = Command::new(env!("CARGO_BIN_EXE_onset"))
        .args(["ingest", "--threads", "1", "--commit-bytes", "2000000"])
        .arg(s.path("logs"))
        .env("ONSET_INDEX", s.index())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Wait for a commit that holds part of the file, then kill -9.
    let meta = s.index().join("meta.json");
    let started = Instant::now();
    let mut killed_mid_way = false;
    loop {
        if let Ok(text) = std::fs::read_to_string(&meta) {
            if text.contains("\\\"offset\\\":") && !text.contains("\\\"complete\\\":true") {
                let _ = child.kill();
                killed_mid_way = true;
                break;
            }
        }
        if child.try_wait().unwrap().is_some() || started.elapsed() > Duration::from_secs(120) {
            break;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    let _ = child.wait();
    assert!(
        killed_mid_way,
        "the ingest ended before it could be interrupted"
    );
    // The index opens and holds a prefix of the file.
    let partial = s.onset(&["sources", "--json"]).json();
    let before = source(&partial, "big")["events"].as_u64().unwrap();
    assert!(before < lines as u64, "the kill came after the end");
    // Its signals are those of what it holds.
    signals_agree_with_the_index(&s.index());
    // The next run completes it: every line exactly once.
    s.onset(&["ingest", s.path("logs").to_str().unwrap()]).ok();
    let total = s.onset(&["search", "--limit", "1", "source:big"]).ok();
    assert!(
        total.contains(&format!("of {} matching", crate_thousands(lines as u64))),
        "{total}"
    );
    ends_as_one_never_killed(&s, lines);
}

/// After the run that completes an interrupted ingest of `logs/big.log`
/// (`lines` access lines): every line is in the index exactly once, the
/// signals are the index's, and the analysis is that of an ingest never
/// interrupted.
fn ends_as_one_never_killed(s: &Scratch, lines: usize) {
    let logs = s.path("logs");
    let done = s.onset(&["sources", "--json"]).json();
    assert_eq!(source(&done, "big")["events"], lines as u64);
    for probe in [0usize, 1, lines / 3, lines / 2, lines - 1] {
        let hits = s
            .onset(&["search", "--json", &format!("request_id:{probe:032x}")])
            .json_lines();
        assert_eq!(hits.len(), 1, "request {probe} is indexed exactly once");
    }
    signals_agree_with_the_index(&s.index());
    let whole = Scratch::new();
    whole.onset(&["ingest", logs.to_str().unwrap()]).ok();
    let analysis = |s: &Scratch| {
        let mut a = s.onset(&["analyze", "--json"]).json();
        a.as_object_mut().unwrap().remove("index");
        a
    };
    assert_eq!(analysis(s), analysis(&whole));
}

/// Killed again and again at moments spread over an ingest — before the
/// index exists, while it is created, while parsing, while committing —
/// each run goes on from the last commit: the index opens (once it exists)
/// with the signals of exactly what it holds, and the last run ends with
/// the index and the analysis of an ingest never interrupted.
#[test]
fn an_ingest_killed_at_any_moment_again_and_again_ends_as_one_never_killed() {
    let s = Scratch::new();
    std::fs::create_dir_all(s.path("logs")).unwrap();
    let lines = 60_000;
    write_access_log(&s.path("logs/big.log"), lines);
    let logs = s.path("logs");
    let mut held = Vec::new();
    for delay in [0, 5, 20, 50, 100, 200, 350, 500, 800, 1200] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_onset"))
            .args(["ingest", "--threads", "1", "--commit-bytes", "400000"])
            .arg(&logs)
            .env("ONSET_INDEX", s.index())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(delay));
        let _ = child.kill();
        let _ = child.wait();
        // An index that exists opens; what it holds, its signals hold.
        if s.index().join("meta.json").exists() {
            let events = onset::index::Store::open(&s.index())
                .and_then(|store| store.manifest())
                .map(|m| m.events())
                .unwrap_or_else(|e| {
                    panic!("killed after {delay} ms: the index does not open: {e:#}")
                });
            if events > 0 {
                signals_agree_with_the_index(&s.index());
            }
            held.push(events);
        }
    }
    // Some of the kills came while the file was part-way in.
    assert!(
        held.iter().any(|&n| n > 0 && n < lines as u64),
        "no kill left a partial index: {held:?}"
    );
    s.onset(&["ingest", logs.to_str().unwrap()]).ok();
    ends_as_one_never_killed(&s, lines);
}

/// The fine signals the manifest names are whole and are exactly what the
/// index's columns give.
fn signals_agree_with_the_index(index: &std::path::Path) {
    let store = onset::index::Store::open(index).unwrap();
    let manifest = store.manifest().unwrap();
    let kept = onset::index::signals::load(&store.dir, &manifest)
        .expect("the manifest names signals that are whole");
    let rebuilt = onset::index::signals::rebuild(&store, &manifest).unwrap();
    assert!(kept.events() > 0);
    assert!(kept == rebuilt, "the signals disagree with the index");
}

#[test]
fn the_signals_gathered_while_parsing_are_those_of_the_index() {
    let s = Scratch::new();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    // Every format of the samples, the sample incident, the fixture incident
    // (ingested twice: the second ingest adds to the signals of the first).
    // The last one again: nothing new, the signals stay those of the index.
    for dir in [
        "tests/samples",
        "sample-logs",
        "tests/fixtures/incident",
        "tests/fixtures/incident",
    ] {
        s.onset(&["ingest", "--tz", "UTC", root.join(dir).to_str().unwrap()])
            .ok();
        signals_agree_with_the_index(&s.index());
    }
    // Read from the signals or, without them, from the columns: one analysis.
    let with = s.onset(&["analyze", "--json"]).json();
    let files: Vec<_> = std::fs::read_dir(s.index())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.file_name()
                .unwrap()
                .to_str()
                .unwrap()
                .starts_with("signals-")
        })
        .collect();
    assert_eq!(files.len(), 1, "earlier commits' signals are removed");
    std::fs::write(&files[0], b"damaged").unwrap();
    std::fs::remove_file(s.index().join("incident.json")).unwrap();
    let without = s.onset(&["analyze", "--json"]).json();
    assert_eq!(with, without);
    // An ingest with nothing new writes them again.
    let fixture = root.join("tests/fixtures/incident");
    s.onset(&["ingest", "--tz", "UTC", fixture.to_str().unwrap()])
        .ok();
    signals_agree_with_the_index(&s.index());
}

fn crate_thousands(n: u64) -> String {
    onset::cli::thousands(n)
}
