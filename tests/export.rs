//! `onset export` on the bundled incident: the draft's times and numbers
//! are those of `onset analyze --json`, and the user's annotations are in it.

use std::collections::HashSet;
use std::path::Path;

use onset::incident::annotations::{self, Annotation, Mark};

use crate::util::Scratch;

/// A scratch index of `sample-logs/`.
fn sample() -> Scratch {
    let s = Scratch::new();
    let logs = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-logs");
    s.onset(&["ingest", logs.to_str().unwrap()]).ok();
    s
}

/// Every RFC 3339 UTC time (`2026-11-21T09:20:42.000Z`) in `text`.
fn times(text: &str) -> Vec<String> {
    let re = regex::Regex::new(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z").unwrap();
    re.find_iter(text).map(|m| m.as_str().to_string()).collect()
}

/// The number after `- **label:** ` in the Markdown.
fn field(md: &str, label: &str) -> String {
    let head = format!("- **{label}:** ");
    let line = md
        .lines()
        .find(|l| l.starts_with(&head))
        .unwrap_or_else(|| panic!("no {label} in\n{md}"));
    line[head.len()..].to_string()
}

fn number(s: &str) -> f64 {
    let n: String = s
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '.')
        .collect();
    n.parse().unwrap_or_else(|_| panic!("no number at {s:?}"))
}

#[test]
fn every_time_and_number_of_the_markdown_is_the_analysis() {
    let s = sample();
    let analysis = s.onset(&["analyze", "--json"]).json();
    let timeline = s.onset(&["timeline", "--json"]).ok();
    let sources = s.onset(&["sources", "--json"]).ok();
    let md = s.onset(&["export"]).ok();
    // Times: each one in the draft is one the analysis, its timeline or
    // the sources' spans give.
    let known: HashSet<String> = times(&analysis.to_string())
        .into_iter()
        .chain(times(&timeline))
        .chain(times(&sources))
        .collect();
    let used = times(&md);
    assert!(used.len() > 20, "the draft is full of times");
    for t in &used {
        assert!(
            known.contains(t),
            "{t} is in the draft but not in the analysis"
        );
    }
    // Numbers of the summary.
    let imp = &analysis["impact"];
    assert_eq!(field(&md, "Impact start"), imp["start"].as_str().unwrap());
    assert_eq!(field(&md, "Impact end"), imp["end"].as_str().unwrap());
    assert_eq!(
        number(&field(&md, "Requests")),
        imp["requests"].as_f64().unwrap()
    );
    let failed = field(&md, "Failed requests");
    assert_eq!(number(&failed), imp["failed_requests"].as_f64().unwrap());
    let share =
        100.0 * imp["failed_requests"].as_f64().unwrap() / imp["requests"].as_f64().unwrap();
    assert!(
        failed.contains(&format!("({share:.1} % of requests)")),
        "{failed}"
    );
    let clients = field(&md, "Affected clients");
    assert_eq!(number(&clients), imp["affected_clients"].as_f64().unwrap());
    let all = imp["all_clients"].as_u64().unwrap();
    assert!(
        clients.contains(&format!("of all {all} clients")),
        "{clients}"
    );
    let peak = field(&md, "Peak error ratio");
    assert_eq!(
        number(&peak) / 100.0,
        imp["peak_error_ratio"].as_f64().unwrap()
    );
    assert!(
        peak.ends_with(imp["peak"]["time"].as_str().unwrap()),
        "{peak}"
    );
    let latency = field(&md, "Latency at the peak");
    let want = imp["peak"]["latency_seconds"].as_f64().unwrap();
    assert!(
        (number(&latency) - want).abs() < 0.005,
        "{latency} vs {want}"
    );
    let duration = field(&md, "Duration");
    let secs = (chrono_secs(imp["end"].as_str().unwrap())
        - chrono_secs(imp["start"].as_str().unwrap()))
    .round();
    assert_eq!(number(&duration), secs);
    // The hypothesis: the first divergence's onset, lead and cause.
    let first = &analysis["first_divergence"];
    let h = field(&md, "Root-cause hypothesis");
    assert!(h.starts_with(first["signal"].as_str().unwrap()), "{h}");
    assert!(h.contains(first["onset"].as_str().unwrap()), "{h}");
    let lead = first["lead_seconds"].as_f64().unwrap().round();
    assert!(
        h.contains(&format!(", {lead} s before users were hurt")),
        "{h}"
    );
    assert!(
        h.contains(first["change_event"]["time"].as_str().unwrap()),
        "{h}"
    );
    // The earliest alert is the analysis's.
    let alert = &analysis["alerts"][0];
    let plain = |v: &serde_json::Value| {
        let x = v.as_f64().unwrap();
        if x.fract() == 0.0 {
            format!("{x:.0}")
        } else {
            x.to_string()
        }
    };
    let rule = format!(
        "`{} > {} for {} s`",
        alert["signal"].as_str().unwrap(),
        plain(&alert["threshold"]),
        plain(&alert["hold_seconds"])
    );
    assert!(
        md.contains(&format!("The earliest alert the logs support: {rule}")),
        "{rule}"
    );
}

fn chrono_secs(t: &str) -> f64 {
    chrono::DateTime::parse_from_rfc3339(t)
        .unwrap()
        .timestamp_millis() as f64
        / 1e3
}

#[test]
fn the_export_includes_the_annotations_made_in_the_tui() {
    let s = sample();
    let analysis = s.onset(&["analyze", "--json"]).json();
    let start = chrono::DateTime::parse_from_rfc3339(analysis["impact"]["start"].as_str().unwrap())
        .unwrap()
        .timestamp_micros();
    let list = vec![
        Annotation {
            ts: start + 60_000_000,
            mark: Mark::Detection,
            comment: "paged by the checkout SLO".into(),
            record: None,
        },
        Annotation {
            ts: start - 200_000_000,
            mark: Mark::MisleadingPath,
            comment: "we chased the scanner <b>first</b>".into(),
            record: None,
        },
    ];
    annotations::save(&s.index(), &list).unwrap();
    let md = s.onset(&["export"]).ok();
    assert!(
        md.contains("**annotation: detection** — paged by the checkout SLO"),
        "{md}"
    );
    assert!(
        md.contains("we chased the scanner \\<b\\>first\\</b\\>"),
        "escaped: {md}"
    );
    let json = s.onset(&["export", "--format", "json"]).json();
    let rows = json["timeline"].as_array().unwrap();
    let detection = rows
        .iter()
        .find(|r| r["mark"] == "detection")
        .expect("the detection annotation");
    assert_eq!(detection["text"], "paged by the checkout SLO");
    assert_eq!(
        json["detection"]["annotations"][0]["text"],
        "paged by the checkout SLO"
    );
    assert!(rows
        .iter()
        .any(|r| r["mark"] == "misleading-path" && r["misleading"] == true));
    // In time order among the logs' moments.
    let at: Vec<&str> = rows
        .iter()
        .map(|r| r["time"]["utc"].as_str().unwrap())
        .collect();
    assert!(at.windows(2).all(|w| w[0] <= w[1]));
    // The HTML too, escaped.
    let html = s.onset(&["export", "--format", "html"]).ok();
    assert!(html.contains("we chased the scanner &lt;b&gt;first&lt;/b&gt;"));
}

#[test]
fn markdown_to_a_file_writes_its_charts_beside_it() {
    let s = sample();
    let out = s.path("pm/draft.md");
    std::fs::create_dir_all(s.path("pm")).unwrap();
    let run = s.onset(&[
        "export",
        "-o",
        out.to_str().unwrap(),
        "--tz",
        "America/Chicago",
    ]);
    run.ok();
    let md = std::fs::read_to_string(&out).unwrap();
    let charts: Vec<String> = std::fs::read_dir(s.path("pm"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".svg"))
        .collect();
    assert!(!charts.is_empty());
    for c in &charts {
        assert!(c.starts_with("draft-"), "{c}");
        assert!(md.contains(&format!("]({c})")), "{c} is not linked");
    }
    assert!(md.contains("-06:00 CST"), "times in the --tz zone too");
    assert!(run.stderr().contains("charts beside it"));
    // A zone that does not exist is a usage error.
    assert_eq!(s.onset(&["export", "--tz", "Mars/Olympus"]).code(), 2);
}
