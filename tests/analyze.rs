//! `onset analyze` on incidents with a known ground truth: the bundled
//! `sample-logs/` and incidents the project's generator makes with other
//! stacks, formats, leak rates, causes and time zones — and a quiet run.

use std::path::Path;

use chrono::DateTime;
use regex::Regex;
use serde_json::Value;

use crate::util::Scratch;

fn time(v: &Value) -> Option<i64> {
    DateTime::parse_from_rfc3339(v.as_str()?)
        .ok()
        .map(|t| t.timestamp_millis())
}

fn warnings(analysis: &Value) -> Vec<&str> {
    analysis["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|w| w.as_str())
        .collect()
}

fn dig<'a>(v: &'a Value, dotted: &str) -> &'a Value {
    dotted.split('.').fold(v, |v, k| &v[k])
}

/// Ingests `logs` (every file but the ground truth and READMEs), analyses,
/// and checks the result against `GROUND_TRUTH.json`'s `checks`: the same
/// rules as the shared acceptance script. Returns the failures.
fn check_incident(logs: &Path) -> Vec<String> {
    let truth: Value =
        serde_json::from_str(&std::fs::read_to_string(logs.join("GROUND_TRUTH.json")).unwrap())
            .unwrap();
    let s = Scratch::new();
    let zone = truth["timezone"].as_str().unwrap_or("UTC").to_string();
    let mut args = vec!["analyze".to_string(), "--json".into(), "--tz".into(), zone];
    for entry in std::fs::read_dir(logs).unwrap() {
        let p = entry.unwrap().path();
        let name = p.file_name().unwrap().to_string_lossy().to_string();
        if name != "GROUND_TRUTH.json" && name != "README.md" {
            args.push(p.display().to_string());
        }
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    // Into a new index: the answer comes before the index, from the signals
    // of the parse; it is the answer the index gives.
    let before = s.onset(&args).json();
    std::fs::remove_file(s.index().join("incident.json")).ok();
    let a = s.onset(&["analyze", "--json"]).json();
    assert_eq!(before, a, "{}: the answer before the index", logs.display());
    let fd = &a["first_divergence"];
    let imp = &a["impact"];
    let ck = &truth["checks"];
    let mut failures = Vec::new();
    let mut expect = |ok: bool, what: String| {
        if !ok {
            failures.push(what);
        }
    };
    if truth["first_divergence"].is_null() {
        expect(
            fd.is_null(),
            format!("quiet run, yet a first divergence: {fd}"),
        );
        return failures;
    }
    let re = |k: &str| Regex::new(&format!("(?i){}", ck[k].as_str().unwrap())).unwrap();
    let signal = fd["signal"].as_str().unwrap_or("");
    expect(
        re("signal_re").is_match(signal)
            && re("source_re").is_match(&format!("{} {signal}", fd["source"])),
        format!("first divergence {signal} ({})", fd["source"]),
    );
    for (name, got, key) in [
        ("onset", &fd["onset"], "onset"),
        ("impact start", &imp["start"], "impact"),
    ] {
        let want = dig(&truth, ck[key].as_str().unwrap());
        let err = time(got).zip(time(want)).map(|(g, w)| (g - w).abs());
        expect(
            err.is_some_and(|e| e <= 60_000),
            format!("{name}: {got} vs {want}"),
        );
    }
    if ck.get("cause_re").is_some() {
        let cause = fd["change_event"].to_string();
        expect(re("cause_re").is_match(&cause), format!("cause: {cause}"));
    }
    for name in ["affected_clients", "failed_requests"] {
        let want = dig(&truth, ck[name].as_str().unwrap()).as_f64().unwrap();
        let have = imp[name].as_f64();
        expect(
            have.is_some_and(|h| (h - want).abs() <= 0.1 * want),
            format!("{name}: {have:?} vs {want}"),
        );
    }
    // The red herring is not taken: the first divergence does not begin
    // inside a scanner burst, and neither it nor its cause is the
    // restarted side component.
    if let Some(burst) = truth.get("scanner_burst").filter(|b| !b.is_null()) {
        let (s0, s1, on) = (
            time(&burst["start"]),
            time(&burst["end"]),
            time(&fd["onset"]),
        );
        if let (Some(s0), Some(s1), Some(on)) = (s0, s1, on) {
            expect(
                !(s0 - 30_000..=s1).contains(&on),
                format!("onset {on} in the scanner burst"),
            );
        }
    }
    if let Some(component) = truth["cache_restart"]["component"].as_str() {
        let cause_source = fd["change_event"]["source"].as_str().unwrap_or("");
        expect(
            !fd["source"].as_str().unwrap_or("").contains(component)
                && !cause_source.contains(component),
            format!("took the {component} restart: {fd}"),
        );
    }
    failures
}

#[test]
fn the_bundled_sample_incident_is_explained() {
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-logs");
    let failures = check_incident(&sample);
    assert!(failures.is_empty(), "sample-logs: {failures:#?}");
}

#[test]
fn generated_incidents_across_stacks_causes_and_zones_are_explained() {
    // Each preset is another stack, format set, cause, rate or zone; `quiet`
    // has no incident at all and must yield no first divergence.
    let presets = [
        "haproxy-json-mysql",
        "alb-logfmt-pgcsv",
        "leak-fast",
        "leak-slow",
        "surge",
        "slow-query",
        "quiet",
    ];
    let mut report = Vec::new();
    for name in presets {
        let dir = tempfile::tempdir().unwrap();
        let scenario = onset_gen::Scenario::preset(name).expect("known preset");
        onset_gen::generate(&scenario, dir.path()).unwrap();
        let failures = check_incident(dir.path());
        if !failures.is_empty() {
            report.push(format!("{name}: {failures:#?}"));
        }
    }
    assert!(report.is_empty(), "{}", report.join("\n"));
}

#[test]
fn timeline_and_trace_tell_the_fixture_incident() {
    let s = Scratch::new();
    let logs = s.copy_fixture("incident", "logs");
    s.onset(&["ingest", logs.to_str().unwrap()]).ok();
    let items = s.onset(&["timeline", "--json"]).json_lines();
    let kinds: Vec<&str> = items.iter().filter_map(|i| i["kind"].as_str()).collect();
    assert!(kinds.contains(&"impact-start"), "{kinds:?}");
    let times: Vec<&str> = items.iter().filter_map(|i| i["time"].as_str()).collect();
    let mut sorted = times.clone();
    sorted.sort();
    assert_eq!(times, sorted, "in time order");
    // One item per episode and source, whatever the signals that show it.
    let onsets: Vec<(&str, &str)> = items
        .iter()
        .filter(|i| i["kind"] == "onset")
        .map(|i| (i["source"].as_str().unwrap(), i["time"].as_str().unwrap()))
        .collect();
    let distinct: std::collections::HashSet<_> = onsets.iter().collect();
    assert_eq!(distinct.len(), onsets.len(), "{items:#?}");
    let start = items.iter().find(|i| i["kind"] == "impact-start").unwrap();
    // The fixture's first bad response is request 81 at 09:02:00.
    assert_eq!(start["time"], "2026-03-14T09:02:00.000Z");
    let window = s
        .onset(&["timeline", "--json", "--from", "2026-03-14 09:02:30"])
        .json_lines();
    assert!(window
        .iter()
        .all(|i| i["time"].as_str().unwrap() >= "2026-03-14T09:02:30"));
    // One failed request across the tiers: the 502 at the edge, the
    // traceback and the access line of the app.
    let hops = s
        .onset(&["trace", "--json", "00000000000000000000000000000052"])
        .json_lines();
    let sources: Vec<&str> = hops.iter().filter_map(|h| h["source"].as_str()).collect();
    assert_eq!(
        sources.iter().filter(|&&s| s == "access").count(),
        1,
        "{sources:?}"
    );
    assert_eq!(
        sources.iter().filter(|&&s| s == "app").count(),
        2,
        "{sources:?}"
    );
    assert!(hops.iter().any(|h| h["fields"]["status"] == 502));
    let none = s.onset(&["trace", "no-such-request"]).ok();
    assert!(none.contains("No event carries"), "{none}");
}

#[test]
fn a_zone_less_source_read_in_the_wrong_zone_is_flagged() {
    let s = Scratch::new();
    let logs = s.copy_fixture("incident", "logs");
    // The app's times carry no zone; the others are UTC. Reading the app in
    // Chicago (UTC-5 in March 2026) moves it five hours away from them.
    s.onset(&[
        "ingest",
        "--tz",
        "app=America/Chicago",
        logs.to_str().unwrap(),
    ])
    .ok();
    let a = s.onset(&["analyze", "--json"]).json();
    let warnings = warnings(&a);
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(
        warnings[0].contains("`app`") && warnings[0].contains("-5 h"),
        "{warnings:?}"
    );
    // Read in the right zone, nothing to say.
    let ok = Scratch::new();
    let logs = ok.copy_fixture("incident", "logs");
    ok.onset(&["ingest", logs.to_str().unwrap()]).ok();
    let a = ok.onset(&["analyze", "--json"]).json();
    assert_eq!(a["warnings"], serde_json::json!([]));
}

/// Generates the sample incident with some files written by other machines
/// (`(file, skew seconds, zone)`), ingests it with `ingest_args`, and
/// returns the scratch index.
fn generated(
    machines: &[(&str, f64, Option<&str>)],
    duration: Option<onset_gen::Span>,
    page_views_per_s: Option<f64>,
    ingest_args: &[&str],
) -> Scratch {
    let mut scenario = onset_gen::Scenario::preset("sample").expect("known preset");
    if let Some(d) = duration {
        scenario.duration = d;
    }
    if let Some(r) = page_views_per_s {
        scenario.traffic.page_views_per_s = r;
    }
    for &(file, skew, zone) in machines {
        scenario.machines.insert(
            file.to_string(),
            onset_gen::Machine {
                skew_seconds: skew,
                zone: zone.map(str::to_string),
            },
        );
    }
    let s = Scratch::new();
    let logs = s.path("logs");
    onset_gen::generate(&scenario, &logs).unwrap();
    let mut args = vec!["ingest".to_string()];
    args.extend(ingest_args.iter().map(|a| a.to_string()));
    for entry in std::fs::read_dir(&logs).unwrap() {
        let p = entry.unwrap().path();
        if p.extension().is_some_and(|e| e == "log") {
            args.push(p.display().to_string());
        }
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    s.onset(&args).ok();
    s
}

fn offset_of<'a>(analysis: &'a Value, source: &str) -> &'a Value {
    analysis["clock_offsets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["source"] == source)
        .unwrap_or_else(|| panic!("no clock offset for {source}: {analysis:#}"))
}

/// The strongest divergences of one source: (signal, onset).
fn strongest(analysis: &Value, source: &str, n: usize) -> Vec<(String, i64)> {
    analysis["divergences"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["source"] == source)
        .take(n)
        .map(|d| {
            (
                d["signal"].as_str().unwrap().to_string(),
                time(&d["onset"]).unwrap(),
            )
        })
        .collect()
}

/// Whether each of `want` has a divergence of the same signal in `analysis`
/// with an onset within `tolerance` ms.
fn all_found(want: &[(String, i64)], analysis: &Value, source: &str, tolerance: i64) -> bool {
    let got = strongest(analysis, source, usize::MAX);
    want.iter().all(|(w, at)| {
        got.iter()
            .any(|(g, t)| g == w && (t - at).abs() <= tolerance)
    })
}

#[test]
fn a_skewed_clock_is_estimated_from_request_ids_and_corrected_with_align() {
    let truth = generated(&[], None, None, &[]);
    let t = truth.onset(&["analyze", "--json"]).json();
    // Clocks that agree: an estimate of exactly zero, and nothing to warn about.
    assert_eq!(offset_of(&t, "app")["offset_seconds"], 0.0, "{t:#}");
    assert_eq!(t["warnings"], serde_json::json!([]));

    // The app's machine (app.log and gunicorn.log) runs 45.3 s ahead.
    let skewed = generated(
        &[("app.log", 45.3, None), ("gunicorn.log", 45.3, None)],
        None,
        None,
        &[],
    );
    let a = skewed.onset(&["analyze", "--json"]).json();
    let app = offset_of(&a, "app");
    assert_eq!(app["method"], "request_id");
    assert_eq!(app["reference"], "access");
    let est = app["offset_seconds"].as_f64().unwrap();
    assert!((est - 45.3).abs() <= 1.0, "{app}");
    let warnings = a["warnings"].to_string();
    assert!(warnings.contains("--align"), "{warnings}");
    assert!(skewed.onset(&["analyze"]).ok().contains("Clock offsets"));
    // Uncorrected, the app's strongest divergences begin 45 s late.
    let bucket = 1000 * t["span"]["bucket_seconds"].as_f64().unwrap() as i64;
    let want = strongest(&t, "app", 5);
    assert_eq!(want.len(), 5, "{t:#}");
    assert!(!all_found(&want, &a, "app", 2 * bucket));

    // Corrected: the app's divergences, the impact and the first divergence
    // are those of the incident with true clocks (within a bucket or two:
    // the buckets cut the app's events at other fractions of a second).
    let b = skewed.onset(&["analyze", "--json", "--align"]).json();
    assert_eq!(b["aligned"], true);
    assert!(
        !b["warnings"].to_string().contains("--align"),
        "{}",
        b["warnings"]
    );
    assert!(all_found(&want, &b, "app", 2 * bucket), "{want:?} in {b:#}");
    let (fd_t, fd_b) = (&t["first_divergence"], &b["first_divergence"]);
    assert_eq!(fd_t["signal"], fd_b["signal"]);
    assert!((time(&fd_t["onset"]).unwrap() - time(&fd_b["onset"]).unwrap()).abs() <= bucket);
    assert_eq!(t["impact"]["start"], b["impact"]["start"]);
    // The timeline is on the corrected clock too.
    let timeline = skewed
        .onset(&["timeline", "--json", "--align"])
        .json_lines();
    let start = timeline
        .iter()
        .find(|i| i["kind"] == "impact-start")
        .unwrap();
    assert_eq!(start["time"], t["impact"]["start"]);
}

#[test]
fn a_zone_less_source_partly_overlapping_the_others_but_an_hour_off_is_flagged() {
    // 90 quiet minutes; the app's machine writes its zone-less times in
    // Berlin (UTC+1 in November), but is ingested as UTC like the rest: it
    // runs an hour ahead, and still shares half an hour with the others.
    let wrong = generated(
        &[("app.log", 0.0, Some("Europe/Berlin"))],
        Some(onset_gen::Span::mins(90)),
        Some(2.0),
        &[],
    );
    let a = wrong.onset(&["analyze", "--json"]).json();
    let warnings = warnings(&a);
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(
        warnings[0].contains("`app`")
            && warnings[0].contains("+1 h")
            && warnings[0].contains("--tz"),
        "{warnings:?}"
    );
    // Read in its zone, nothing to say.
    let right = generated(
        &[("app.log", 0.0, Some("Europe/Berlin"))],
        Some(onset_gen::Span::mins(90)),
        Some(2.0),
        &["--tz", "app=Europe/Berlin"],
    );
    let a = right.onset(&["analyze", "--json"]).json();
    assert_eq!(a["warnings"], serde_json::json!([]));
    assert_eq!(offset_of(&a, "app")["offset_seconds"], 0.0);
}

#[test]
fn the_text_report_shows_one_line_per_episode_and_per_change() {
    let s = Scratch::new();
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-logs");
    let text = s.onset(&["analyze", sample.to_str().unwrap()]).ok();
    let json = s.onset(&["analyze", "--json"]).json();
    let section = |title: &str| -> Vec<String> {
        text.lines()
            .skip_while(|l| !l.starts_with(title))
            .skip(1)
            .take_while(|l| !l.is_empty())
            .map(str::to_string)
            .collect()
    };
    let episodes = section("Divergences");
    let divergences = json["divergences"].as_array().unwrap();
    assert!(
        !episodes.is_empty() && episodes.len() < divergences.len(),
        "{text}"
    );
    if !episodes.iter().any(|l| l.contains("more episodes")) {
        // Every divergence is on some line.
        for d in divergences {
            let name = d["signal"].as_str().unwrap();
            let onset = d["onset"].as_str().unwrap();
            assert!(
                episodes.iter().any(|l| l.contains(name)),
                "{name} at {onset} missing:\n{text}"
            );
        }
    }
    let changes = section("Changes:");
    let events = json["change_events"].as_array().unwrap();
    assert!(changes.len() < events.len(), "{text}");
    // Each change line stands for itself and the lines it says it groups.
    let grouped: usize = changes
        .iter()
        .map(|l| {
            let more = Regex::new(r"\(and (\d+) more lines?\)$").unwrap();
            1 + more
                .captures(l)
                .map_or(0, |c| c[1].parse::<usize>().unwrap())
        })
        .sum();
    assert_eq!(grouped, events.len(), "{text}");
}

/// The evidence lookups read only the blocks of their time window; they
/// find what a tantivy query over every document finds.
#[test]
fn evidence_lookups_find_what_a_query_over_every_event_finds() {
    use onset::index::lookup::{Filter, Lookup};
    use tantivy::collector::TopDocs;
    use tantivy::query::{BooleanQuery, Occur, Query, RangeQuery, TermQuery};
    use tantivy::schema::IndexRecordOption;
    use tantivy::{Order, Term};

    let s = Scratch::new();
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-logs");
    // Small commits: many segments, each a stretch of time.
    s.onset(&[
        "ingest",
        "--commit-bytes",
        "200000",
        sample.to_str().unwrap(),
    ])
    .ok();
    let store = onset::index::Store::open(&s.index()).unwrap();
    let reader = store.reader().unwrap();
    let searcher = reader.searcher();
    assert!(searcher.segment_readers().len() > 4);
    let lookup = Lookup::new(&searcher);
    let f = &store.fields;
    let manifest = store.manifest().unwrap();
    let (start, end) = manifest
        .sources
        .values()
        .fold((i64::MAX, i64::MIN), |(a, b), s| {
            (a.min(s.first_ts.unwrap()), b.max(s.last_ts.unwrap()))
        });
    let term = |field, text: &str| -> Box<dyn Query> {
        Box::new(TermQuery::new(
            Term::from_field_text(field, text),
            IndexRecordOption::Basic,
        ))
    };
    let mut checked = 0;
    for source in manifest.sources.keys() {
        for k in 0..12i64 {
            let from = start + (end - start) * k / 12;
            for (width, filter) in [
                (
                    1_000_000,
                    Filter {
                        source,
                        ..Filter::default()
                    },
                ),
                (
                    60_000_000,
                    Filter {
                        source,
                        levels: vec!["error", "fatal"],
                        ..Filter::default()
                    },
                ),
                (
                    600_000_000,
                    Filter {
                        source,
                        status: Some((500, 600)),
                        ..Filter::default()
                    },
                ),
            ] {
                let to = from + width;
                let got = lookup.first(&filter, 5, (from, to)).unwrap();
                let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![
                    (Occur::Must, term(f.source, source)),
                    (
                        Occur::Must,
                        Box::new(RangeQuery::new(
                            std::ops::Bound::Included(Term::from_field_i64(f.ts, from)),
                            std::ops::Bound::Included(Term::from_field_i64(f.ts, to)),
                        )),
                    ),
                ];
                if !filter.levels.is_empty() {
                    let any = filter
                        .levels
                        .iter()
                        .map(|l| (Occur::Should, term(f.level, l)))
                        .collect();
                    clauses.push((Occur::Must, Box::new(BooleanQuery::new(any))));
                }
                if filter.status.is_some() {
                    clauses.push((
                        Occur::Must,
                        Box::new(RangeQuery::new(
                            std::ops::Bound::Included(Term::from_field_u64(f.status, 500)),
                            std::ops::Bound::Excluded(Term::from_field_u64(f.status, 600)),
                        )),
                    ));
                }
                let top = TopDocs::with_limit(5).order_by_fast_field::<i64>("ts", Order::Asc);
                let want = searcher.search(&BooleanQuery::new(clauses), &top).unwrap();
                let time = |a: tantivy::DocAddress| {
                    let doc: tantivy::TantivyDocument = searcher.doc(a).unwrap();
                    store.event(&doc).unwrap().ts_micros
                };
                let got_times: Vec<i64> = got.iter().map(|&a| time(a)).collect();
                let want_times: Vec<i64> = want.iter().map(|&(_, a)| time(a)).collect();
                assert_eq!(got_times, want_times, "{source} {filter:?} from {from}");
                checked += usize::from(!got.is_empty());
            }
        }
    }
    assert!(checked > 20, "lookups that found something: {checked}");
}

/// The preview's answer and the index's, for the logs in `paths`: `None`
/// when the preview leaves the answer to the index.
fn before_and_after(
    paths: &[std::path::PathBuf],
) -> Option<(onset::incident::Incident, onset::incident::Incident)> {
    use onset::analyze::{incident, preview_incident, Options};
    use onset::ingest::{ingest, preview, IngestOptions};
    let s = Scratch::new();
    let opts = IngestOptions {
        index_dir: s.index(),
        paths: paths.iter().map(|p| p.display().to_string()).collect(),
        zone: Some(chrono_tz::UTC),
        ..IngestOptions::default()
    };
    let (_, previewed) = preview(&opts).unwrap();
    let before = preview_incident(&previewed, &Options::default());
    ingest(&opts).unwrap();
    let store = onset::index::Store::open(&s.index()).unwrap();
    let after = incident(&store, &Options::default());
    // Logs with no event: neither answers.
    let (before, mut after) = match (before, after) {
        (Err(_), Err(_)) => return None,
        (before, after) => (before.unwrap()?, after.unwrap()),
    };
    after.key = before.key.clone();
    Some((before, after))
}

#[test]
fn the_answer_before_the_index_reads_compressed_and_rotated_files_again() {
    use std::io::Write;
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-logs");
    let s = Scratch::new();
    let logs = s.path("logs");
    std::fs::create_dir_all(&logs).unwrap();
    // The application's log compressed, the load balancer's rotated in two.
    let app = std::fs::read(sample.join("app.log")).unwrap();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(&app).unwrap();
    std::fs::write(logs.join("app.log.gz"), gz.finish().unwrap()).unwrap();
    let access = std::fs::read_to_string(sample.join("access.log")).unwrap();
    let lines: Vec<&str> = access.split_inclusive('\n').collect();
    let (older, newer) = lines.split_at(lines.len() / 2);
    std::fs::write(logs.join("access.log.1"), older.concat()).unwrap();
    std::fs::write(logs.join("access.log"), newer.concat()).unwrap();
    for name in ["error.log", "gunicorn.log", "postgresql.log"] {
        std::fs::copy(sample.join(name), logs.join(name)).unwrap();
    }
    let (before, after) = before_and_after(&[logs]).expect("the preview answers");
    assert_eq!(before, after);
    assert!(before.first.is_some(), "the sample's first divergence");
    assert!(!before.evidence.is_empty());
    // Records were read again from the compressed and the rotated files.
    let files: Vec<&str> = before
        .timeline
        .iter()
        .filter_map(|i| i.evidence.as_ref())
        .map(|e| e.file.as_str())
        .collect();
    for name in ["app.log.gz", "access.log"] {
        assert!(files.iter().any(|f| f.ends_with(name)), "{name}: {files:?}");
    }
}

#[test]
fn the_samples_of_every_format_are_answered_alike_or_left_to_the_index() {
    let samples = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/samples");
    // Records dated years apart: only the index can sample the dense span.
    // Each file alone spans less: the preview answers, as the index does.
    let mut answered = 0;
    for entry in std::fs::read_dir(&samples).unwrap() {
        let path = entry.unwrap().path();
        if let Some((before, after)) = before_and_after(std::slice::from_ref(&path)) {
            assert_eq!(before, after, "{}", path.display());
            answered += 1;
        }
    }
    assert!(
        answered > 10,
        "{answered} samples answered before the index"
    );
}

#[test]
fn the_answer_before_the_index_is_the_answer_of_the_index() {
    use onset::analyze::{incident, preview_incident, Options};
    use onset::ingest::{ingest, preview, IngestOptions};
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for dir in ["sample-logs", "tests/fixtures/incident"] {
        let s = Scratch::new();
        let opts = IngestOptions {
            index_dir: s.index(),
            paths: vec![root.join(dir).display().to_string()],
            zone: Some(chrono_tz::UTC),
            ..IngestOptions::default()
        };
        let (report, previewed) = preview(&opts).unwrap();
        assert!(report.added > 0);
        // Nothing is written: the index is still empty.
        let store = onset::index::Store::open(&s.index()).unwrap();
        assert!(store.manifest().unwrap().sources.is_empty());
        for options in [
            Options::default(),
            Options {
                align: true,
                ..Options::default()
            },
        ] {
            let before = preview_incident(&previewed, &options)
                .unwrap()
                .unwrap_or_else(|| panic!("{dir}: the preview answers"));
            if options == Options::default() {
                ingest(&opts).unwrap();
            }
            let store = onset::index::Store::open(&s.index()).unwrap();
            let mut after = incident(&store, &options).unwrap();
            after.key = before.key.clone();
            // Every time, number and record: the whole model.
            assert_eq!(before, after, "{dir} {options:?}");
            // Records read again from the files, not only counts.
            assert!(after.timeline.iter().any(|i| i.evidence.is_some()));
            assert!(after.episode_evidence.iter().any(Option::is_some));
        }
    }
}
