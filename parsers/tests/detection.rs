//! Detection picks the right format for every sample file in the
//! repository's `tests/samples/` (`<format-name>[.<variant>].log`), and
//! every record of every sample parses.

use std::path::Path;

use onset_parsers::framing::Framer;
use onset_parsers::{parse_record, Registry, TimeContext};

#[test]
fn every_sample_is_detected_as_its_format_and_fully_parsed() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/samples");
    let registry = Registry::default();
    let ctx = TimeContext::default();
    let mut failures = Vec::new();
    let mut checked = 0;
    let mut entries: Vec<_> = std::fs::read_dir(&dir)
        .expect("tests/samples exists")
        .map(|e| e.expect("entry").path())
        .collect();
    entries.sort();
    for path in entries {
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_string();
        let Some(expected) = name.split('.').next().filter(|s| !s.is_empty()) else {
            continue;
        };
        let bytes = std::fs::read(&path).expect("readable sample");
        checked += 1;
        let Some(found) = registry.detect(&bytes, &ctx) else {
            failures.push(format!("{name}: no format detected"));
            continue;
        };
        if found.format.name() != expected {
            failures.push(format!(
                "{name}: detected {} ({:.2}), runner-up {:?}",
                found.format.name(),
                found.confidence,
                found.runner_up
            ));
            continue;
        }
        let format = registry.get(expected).expect("registered");
        let unparsed: Vec<String> = Framer::new(&bytes, format.as_ref(), 1, 0)
            .filter_map(|rec| {
                let ev = parse_record(format.as_ref(), &rec, &ctx, None);
                ev.unparsed
                    .then(|| format!("line {}: {}", rec.line, rec.text))
            })
            .collect();
        if !unparsed.is_empty() {
            failures.push(format!(
                "{name}: {} unparsed, first {}",
                unparsed.len(),
                unparsed[0]
            ));
        }
    }
    assert!(
        checked >= 20,
        "only {checked} samples found in {}",
        dir.display()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
