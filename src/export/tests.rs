//! Golden files of the three formats on the bundled incident
//! (`sample-logs/`), and hostile records that must stay text in each.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use super::*;
use crate::incident::annotations::{Annotation, Mark};
use crate::index::Store;

/// The sample incident, ingested once per test run with paths relative
/// to the package root (where unit tests run), so snapshots do not depend
/// on where the repository lives.
fn sample() -> &'static Incident {
    static SAMPLE: OnceLock<(tempfile::TempDir, Incident)> = OnceLock::new();
    &SAMPLE
        .get_or_init(|| {
            let dir = tempfile::tempdir().expect("temp dir");
            let opts = crate::ingest::IngestOptions {
                index_dir: dir.path().join("idx"),
                paths: vec!["sample-logs".into()],
                ..Default::default()
            };
            crate::ingest::ingest(&opts).expect("ingest");
            let store = Store::open(&dir.path().join("idx")).expect("open");
            let inc = crate::analyze::incident(&store, &Default::default()).expect("analysis");
            (dir, inc)
        })
        .1
}

fn opts() -> Options {
    Options {
        title: None,
        zone: Some(chrono_tz::America::Chicago),
        command: "onset export".into(),
    }
}

fn notes(inc: &Incident) -> Vec<Annotation> {
    let first = inc.first.as_ref().expect("a first divergence");
    vec![
        Annotation {
            ts: first.divergence.onset + 120_000_000,
            mark: Mark::Detection,
            comment: "pager: checkout latency".into(),
            record: None,
        },
        Annotation {
            ts: first.divergence.onset,
            mark: Mark::RootCause,
            comment: "the 1.4.2 pool leak".into(),
            record: inc.evidence.first().cloned(),
        },
    ]
}

#[test]
fn markdown_of_the_sample_incident() {
    let inc = sample();
    let out = render(
        inc,
        &notes(inc),
        &opts(),
        Format::Markdown,
        Some("postmortem"),
    );
    insta::assert_snapshot!("markdown", out.document);
    let names: Vec<&str> = out.charts.iter().map(|c| c.0.as_str()).collect();
    insta::assert_snapshot!("markdown_charts", names.join("\n"));
    // Each chart is linked, and is a standalone SVG.
    for (name, svg) in &out.charts {
        assert!(
            out.document.contains(&format!("]({name})")),
            "{name} not linked"
        );
        assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
    }
}

#[test]
fn html_of_the_sample_incident() {
    let inc = sample();
    let out = render(inc, &notes(inc), &opts(), Format::Html, None);
    insta::assert_snapshot!("html", out.document);
}

#[test]
fn json_of_the_sample_incident() {
    let inc = sample();
    let out = render(inc, &notes(inc), &opts(), Format::Json, None);
    insta::assert_snapshot!("json", out.document);
}

#[test]
fn the_timeline_tells_the_story_in_time_order_with_the_red_herring_labelled() {
    let inc = sample();
    let d = draft::draft(inc, &notes(inc), &opts());
    let at = |kind: &str| {
        d.timeline
            .iter()
            .position(|m| m.kind == kind)
            .unwrap_or_else(|| panic!("no {kind} row"))
    };
    let (cause, first, users, fix) = (
        at("likely-cause"),
        at("first-divergence"),
        at("impact-start"),
        at("ending-change"),
    );
    assert!(cause < first && first < users && users < fix);
    assert!(d.timeline[cause]
        .quote
        .as_deref()
        .unwrap_or("")
        .contains("1.4.2"));
    assert!(d.timeline[fix]
        .quote
        .as_deref()
        .unwrap_or("")
        .contains("1.4.3"));
    // The scanner burst: a misleading path before the first divergence.
    let herring = d
        .timeline
        .iter()
        .position(|m| m.misleading && m.text.contains("4xx"))
        .expect("the scanner burst, labelled misleading");
    assert!(herring < first);
    let times: Vec<&str> = d.timeline.iter().map(|m| m.time.utc.as_str()).collect();
    assert!(times.windows(2).all(|w| w[0] <= w[1]), "time order");
    // Every row of the logs carries a record (a misleading path too weak
    // for the model's timeline has none to show).
    for m in d.timeline.iter().filter(|m| {
        m.kind != "annotation" && !m.kind.starts_with("impact") && m.kind != "misleading"
    }) {
        assert!(
            m.evidence.is_some(),
            "{} at {} has no evidence",
            m.kind,
            m.time.utc
        );
    }
    assert!(
        d.timeline[herring].evidence.is_some(),
        "the scanner's record"
    );
    // The annotations are in the timeline and in their sections.
    assert!(d
        .timeline
        .iter()
        .any(|m| m.text == "pager: checkout latency"));
    assert_eq!(d.detection.annotations.len(), 1);
    assert_eq!(d.root_cause.annotations.len(), 1);
}

#[test]
fn the_evidence_chain_runs_from_the_trigger_to_the_users() {
    let inc = sample();
    let d = draft::draft(inc, &[], &opts());
    let chain = &d.root_cause.chain;
    assert_eq!(chain.first().map(|l| l.signal.as_str()), Some("change"));
    assert_eq!(chain[1].signal, "postgresql.connections");
    assert!(
        chain.iter().any(|l| l.tier == "app"),
        "the app's tier is a link"
    );
    let users = chain
        .iter()
        .position(|l| Some(&l.signal) == inc.impact.as_ref().map(|i| &i.signal))
        .expect("the impact closes the chain");
    assert!(users >= 2);
    for w in chain.windows(2) {
        assert!(w[0].time.utc <= w[1].time.utc, "time order");
    }
}

/// Log text an attacker controls, one of each kind of injection.
const HOSTILE: [&str; 8] = [
    "<script>alert(1)</script>",
    "</svg><img src=x onerror=alert(2)>",
    "[click](https://evil.example/x) ![img](https://evil.example/i.png)",
    "| a | b |\n| --- | --- |\n| c | d |",
    "``` code fence ``` and `tick`",
    "\x1b]0;pwned\x07\x1b[2J cleared",
    "# heading\n- item\n> quote",
    "&lt;entity&gt; <https://evil.example/auto> **bold** _em_ ~~del~~",
];

/// The sample incident with `text` wherever the model holds log text, in
/// a source name and in the user's comment.
fn hostile(text: &str) -> (Incident, Vec<Annotation>) {
    let mut inc = sample().clone();
    for e in &mut inc.evidence {
        e.text = text.into();
    }
    for i in &mut inc.timeline {
        if let Some(e) = &mut i.evidence {
            e.text = text.into();
            e.file = format!("{text}.log");
        }
    }
    for c in &mut inc.changes {
        c.description = text.into();
    }
    if let Some(c) = inc.first.as_mut().and_then(|f| f.change.as_mut()) {
        c.description = text.into();
    }
    for n in &mut inc.new_templates {
        n.text = text.into();
    }
    inc.sources[0].format = text.into();
    let notes = vec![Annotation {
        ts: inc.grid.start,
        mark: Mark::Note,
        comment: text.into(),
        record: inc.evidence.first().cloned(),
    }];
    (inc, notes)
}

/// The Markdown's structure: every block and inline element but text.
fn markdown_skeleton(md: &str) -> Vec<String> {
    use pulldown_cmark::{Event, Options as MdOptions, Parser};
    let opts = MdOptions::ENABLE_TABLES | MdOptions::ENABLE_STRIKETHROUGH;
    Parser::new_ext(md, opts)
        .filter_map(|e| match e {
            Event::Text(_) | Event::Code(_) => None,
            other => Some(format!("{other:?}")),
        })
        .collect()
}

/// Every element's name, with its count; and every attribute name.
fn html_skeleton(html: &str) -> (BTreeMap<String, usize>, Vec<String>) {
    let dom = tl::parse(html, tl::ParserOptions::default()).expect("HTML parses");
    let mut tags = BTreeMap::new();
    let mut attrs = Vec::new();
    for node in dom.nodes() {
        if let Some(tag) = node.as_tag() {
            *tags
                .entry(tag.name().as_utf8_str().to_ascii_lowercase())
                .or_insert(0) += 1;
            for (k, _) in tag.attributes().iter() {
                attrs.push(k.to_ascii_lowercase());
            }
        }
    }
    attrs.sort();
    attrs.dedup();
    (tags, attrs)
}

#[test]
fn hostile_records_cannot_change_the_structure_of_any_format() {
    let (plain, plain_notes) = hostile("plain words");
    let md_plain = render(&plain, &plain_notes, &opts(), Format::Markdown, Some("pm"));
    let html_plain = render(&plain, &plain_notes, &opts(), Format::Html, None);
    for text in HOSTILE {
        let (inc, notes) = hostile(text);
        let md = render(&inc, &notes, &opts(), Format::Markdown, Some("pm"));
        assert_eq!(
            markdown_skeleton(&md.document),
            markdown_skeleton(&md_plain.document),
            "Markdown structure changed by {text:?}"
        );
        let html = render(&inc, &notes, &opts(), Format::Html, None);
        assert_eq!(
            html_skeleton(&html.document),
            html_skeleton(&html_plain.document),
            "HTML structure changed by {text:?}"
        );
        for (name, svg) in md.charts.iter().chain(&md_plain.charts) {
            assert!(name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "._-".contains(c)));
            assert!(!svg.contains("<script"));
        }
        let json = render(&inc, &notes, &opts(), Format::Json, None);
        let v: serde_json::Value = serde_json::from_str(&json.document).expect("JSON");
        // JSON keeps the log's text exactly.
        assert!(v["timeline"]
            .as_array()
            .expect("timeline")
            .iter()
            .any(|m| m["evidence"]["text"] == text));
        for doc in [&md.document, &html.document, &json.document] {
            assert!(
                !doc.contains('\x1b') && !doc.contains('\x07'),
                "raw escape in output"
            );
        }
        assert!(!html.document.contains("<script"), "{text:?}");
    }
}

#[test]
fn escaping_helpers_keep_the_text_readable() {
    use escape::{md_code, md_text, xml};
    assert_eq!(md_code("a `b` c"), "``a `b` c``");
    assert_eq!(md_code("`x"), "`` `x ``");
    assert_eq!(
        md_text("postgresql.connections rises"),
        "postgresql.connections rises"
    );
    assert_eq!(md_text("# no heading"), "\\# no heading");
    assert_eq!(md_text("1. no list"), "1\\. no list");
    assert_eq!(md_text("[a](b)"), "\\[a\\](b)");
    assert_eq!(
        xml("<a href=\"x\">&'"),
        "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
    );
    assert_eq!(xml("\x1b[2J"), "␛[2J");
}

#[test]
fn the_html_fetches_nothing_and_needs_no_script() {
    let inc = sample();
    let html = render(inc, &notes(inc), &opts(), Format::Html, None).document;
    let dom = tl::parse(&html, tl::ParserOptions::default()).expect("HTML parses");
    let parser = dom.parser();
    // Elements that load or run something.
    const LOADERS: [&str; 14] = [
        "script",
        "link",
        "iframe",
        "frame",
        "object",
        "embed",
        "img",
        "image",
        "base",
        "audio",
        "video",
        "source",
        "use",
        "foreignobject",
    ];
    // Attributes that name a resource, or run code.
    const FETCHING: [&str; 9] = [
        "href",
        "src",
        "srcset",
        "action",
        "formaction",
        "poster",
        "data",
        "xlink:href",
        "background",
    ];
    let mut svgs = 0;
    let mut csp = false;
    for node in dom.nodes() {
        let Some(tag) = node.as_tag() else { continue };
        let name = tag.name().as_utf8_str().to_ascii_lowercase();
        assert!(!LOADERS.contains(&name.as_str()), "<{name}> in the HTML");
        svgs += usize::from(name == "svg");
        for (k, v) in tag.attributes().iter() {
            let k = k.to_ascii_lowercase();
            assert!(!FETCHING.contains(&k.as_str()), "attribute {k} on <{name}>");
            assert!(!k.starts_with("on"), "event handler {k} on <{name}>");
            assert!(k != "style", "inline style attribute on <{name}>");
            if k == "http-equiv" {
                let content = tag
                    .attributes()
                    .get("content")
                    .flatten()
                    .map(|c| c.as_utf8_str().to_string())
                    .unwrap_or_default();
                assert_eq!(
                    v.map(|v| v.to_ascii_lowercase()).as_deref(),
                    Some("content-security-policy")
                );
                csp = content.contains("default-src 'none'");
            }
        }
        if name == "style" {
            let css = tag.inner_text(parser).to_ascii_lowercase();
            assert!(
                !css.contains("url(") && !css.contains("@import"),
                "the CSS fetches"
            );
        }
    }
    assert!(csp, "a content security policy forbids every fetch");
    assert_eq!(
        svgs,
        inc.key_signals().len(),
        "one inline chart per key signal"
    );
}
