//! Framing + parsing throughput of every format that has a sample.
//!
//! Each `tests/samples/<format>[.<variant>].log` at the repository root
//! (read at run time, so a new sample is benchmarked without a code change)
//! is repeated into an input of at least 4 MiB, then framed with
//! [`Framer`] and parsed with [`parse_record`] by the format its name
//! starts with. Two groups, one benchmark per sample file, named after it:
//!
//! - `bytes/<sample>`: MiB/s ([`Throughput::Bytes`]);
//! - `records/<sample>`: records/s ([`Throughput::Elements`]).
//!
//! ```text
//! cargo bench -p onset-parsers                      # everything
//! cargo bench -p onset-parsers -- nginx-access      # the samples of one format
//! ```

use std::hint::black_box;
use std::path::PathBuf;
use std::sync::Arc;

use chrono::{TimeZone, Utc};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use onset_parsers::framing::Framer;
use onset_parsers::{parse_record, Format, Registry, TimeContext};

/// The smallest benchmark input.
const MIN_INPUT: usize = 4 << 20;

/// One sample, ready to run.
struct Input {
    /// The sample's file name without `.log` (`nginx-access.combined`).
    name: String,
    format: Arc<dyn Format>,
    data: Vec<u8>,
    records: u64,
}

fn samples_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/samples")
}

fn ctx() -> TimeContext {
    TimeContext {
        zone: chrono_tz::UTC,
        reference: Utc
            .with_ymd_and_hms(2026, 11, 21, 12, 0, 0)
            .single()
            .unwrap_or_else(|| panic!("reference time")),
    }
}

/// Every sample whose name starts with a registered format, repeated to `MIN_INPUT`.
fn inputs(registry: &Registry) -> Vec<Input> {
    let dir = samples_dir();
    let mut paths: Vec<PathBuf> = match std::fs::read_dir(&dir) {
        Ok(entries) => entries
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "log"))
            .collect(),
        Err(e) => {
            eprintln!("no samples in {}: {e}", dir.display());
            Vec::new()
        }
    };
    paths.sort();
    let mut out = Vec::new();
    for path in paths {
        let Some(name) = path.file_stem().map(|s| s.to_string_lossy().into_owned()) else {
            continue;
        };
        let format_name = name.split('.').next().unwrap_or(&name);
        let Some(format) = registry.get(format_name) else {
            eprintln!("skipping {}: no format named {format_name}", path.display());
            continue;
        };
        let mut sample = match std::fs::read(&path) {
            Ok(s) if !s.is_empty() => s,
            Ok(_) => continue,
            Err(e) => {
                eprintln!("skipping {}: {e}", path.display());
                continue;
            }
        };
        if !sample.ends_with(b"\n") {
            sample.push(b'\n');
        }
        let mut data = Vec::with_capacity(MIN_INPUT + sample.len());
        while data.len() < MIN_INPUT {
            data.extend_from_slice(&sample);
        }
        let records = Framer::new(&data, format.as_ref(), 1, 0).count() as u64;
        out.push(Input {
            name,
            format,
            data,
            records,
        });
    }
    out
}

/// Frames and parses the whole input; returns the number of unparsed
/// records so the work cannot be optimized away.
fn frame_and_parse(format: &dyn Format, data: &[u8], ctx: &TimeContext) -> usize {
    let mut unparsed = 0;
    for record in Framer::new(data, format, 1, 0) {
        let event = parse_record(format, &record, ctx, None);
        unparsed += usize::from(event.unparsed);
        black_box(&event);
    }
    unparsed
}

fn parsers(c: &mut Criterion) {
    let registry = Registry::default();
    let inputs = inputs(&registry);
    let ctx = ctx();

    let mut bytes = c.benchmark_group("bytes");
    for input in &inputs {
        bytes.throughput(Throughput::Bytes(input.data.len() as u64));
        bytes.bench_function(&input.name, |b| {
            b.iter(|| frame_and_parse(input.format.as_ref(), black_box(&input.data), &ctx))
        });
    }
    bytes.finish();

    let mut records = c.benchmark_group("records");
    for input in &inputs {
        records.throughput(Throughput::Elements(input.records));
        records.bench_function(&input.name, |b| {
            b.iter(|| frame_and_parse(input.format.as_ref(), black_box(&input.data), &ctx))
        });
    }
    records.finish();
}

criterion_group! {
    name = benches;
    // 4 MiB an iteration: fewer samples than criterion's 100 keep a run short.
    config = Criterion::default().sample_size(20);
    targets = parsers
}
criterion_main!(benches);
