//! What the fuzz targets share: picking formats by kind from
//! `Registry::default()` (so new formats are fuzzed without a change here),
//! and running input through framing, parsing and chunking while checking
//! the invariants the rest of onset relies on. A broken invariant panics,
//! which libFuzzer reports as a crash with the input that caused it.

use std::borrow::Cow;
use std::io::Read;
use std::sync::{Arc, OnceLock};

use chrono::{TimeZone, Utc};
use onset_parsers::event::Kind;
use onset_parsers::framing::{Chunker, Framer};
use onset_parsers::{parse_record, Event, Format, Level, Registry, TimeContext};

/// The built-in formats of the given kinds.
pub fn formats_of(kinds: &[Kind]) -> Vec<Arc<dyn Format>> {
    Registry::default()
        .formats()
        .iter()
        .filter(|f| kinds.contains(&f.kind()))
        .cloned()
        .collect()
}

/// A fixed reference (so runs reproduce) in a zone with DST, and in UTC.
pub fn contexts() -> &'static [TimeContext; 2] {
    static CTX: OnceLock<[TimeContext; 2]> = OnceLock::new();
    CTX.get_or_init(|| {
        let reference = Utc
            .with_ymd_and_hms(2026, 11, 21, 12, 0, 0)
            .single()
            .unwrap_or_else(|| panic!("reference"));
        [
            TimeContext {
                zone: chrono_tz::America::Chicago,
                reference,
            },
            TimeContext {
                zone: chrono_tz::UTC,
                reference,
            },
        ]
    })
}

/// The house rules for one event parsed from `text`.
pub fn check_event(format: &dyn Format, text: &str, event: &Event<'_>) {
    let name = format.name();
    if event.unparsed {
        assert_eq!(
            event.message, text,
            "{name}: an unparsed event lost its text"
        );
        assert_eq!(
            event.level,
            Level::Unknown,
            "{name}: unparsed but has a level"
        );
    } else {
        assert_ne!(
            event.level,
            Level::Unknown,
            "{name}: a parsed record has level unknown: {text:?}"
        );
        if let Some(ts) = &event.timestamp {
            assert!(
                text.contains(ts.text),
                "{name}: timestamp text {:?} not in the record {text:?}",
                ts.text
            );
        }
    }
}

/// Frames `data` with `format`, parses every record and checks that
/// records are in order and account for every line.
pub fn frame_and_parse(format: &dyn Format, data: &[u8], ctx: &TimeContext) {
    let name = format.name();
    let mut framer = Framer::new(data, format, 1, 0);
    let mut lines = 0u64;
    while let Some(record) = framer.next() {
        assert_eq!(
            record.line,
            1 + lines + framer.blank_lines(),
            "{name}: record line number"
        );
        assert!(
            record.offset < data.len() as u64,
            "{name}: offset past the input"
        );
        assert_eq!(record.text.matches('\n').count() + 1, record.lines as usize);
        if let Cow::Borrowed(t) = &record.text {
            let at = record.offset as usize;
            assert_eq!(
                data.get(at..at + t.len()),
                Some(t.as_bytes()),
                "{name}: borrowed text"
            );
        }
        lines += u64::from(record.lines);
        let event = parse_record(format, &record, ctx, None);
        assert_eq!(event.provenance.raw, &*record.text);
        check_event(format, &record.text, &event);
    }
    let newlines = data.iter().filter(|&&b| b == b'\n').count() as u64;
    let total = newlines + u64::from(!data.is_empty() && !data.ends_with(b"\n"));
    assert_eq!(lines + framer.blank_lines(), total, "{name}: lines lost");
}

/// `parse` straight on text that did not go through the framer: the whole
/// input (several lines) and each line.
pub fn parse_directly(format: &dyn Format, text: &str, ctx: &TimeContext) {
    if let Ok(event) = format.parse(text, ctx) {
        check_event(format, text, &event);
    }
    for line in text.split('\n') {
        let _ = format.is_record_start(line);
        if let Ok(event) = format.parse(line, ctx) {
            check_event(format, line, &event);
        }
    }
}

/// Everything a format does with `data`.
pub fn exercise(formats: &[Arc<dyn Format>], data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    for ctx in contexts() {
        for format in formats {
            frame_and_parse(format.as_ref(), data, ctx);
            parse_directly(format.as_ref(), &text, ctx);
        }
    }
}

/// Hands out at most `step` bytes a read.
struct Trickle<'a> {
    data: &'a [u8],
    step: usize,
}

impl Read for Trickle<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.step.min(buf.len()).min(self.data.len());
        buf[..n].copy_from_slice(&self.data[..n]);
        self.data = &self.data[n..];
        Ok(n)
    }
}

type Framed = Vec<(String, u64, u64, u32, bool, bool)>;

fn framed(framer: Framer<'_>) -> Framed {
    framer
        .map(|r| {
            (
                r.text.into_owned(),
                r.line,
                r.offset,
                r.lines,
                r.truncated,
                r.lossy,
            )
        })
        .collect()
}

/// Chunked framing (chunks of about `target` bytes, reads of `step`)
/// must give the records of framing the whole input.
pub fn check_chunking(format: &dyn Format, data: &[u8], target: usize, step: usize) {
    let whole = framed(Framer::new(data, format, 1, 0));
    let mut chunked = Vec::new();
    let mut offset = 0u64;
    for chunk in Chunker::new(
        Trickle {
            data,
            step: step.max(1),
        },
        format,
        target,
    ) {
        let chunk = chunk.unwrap_or_else(|e| panic!("reading from memory: {e}"));
        assert_eq!(
            chunk.offset,
            offset,
            "{}: chunks not contiguous",
            format.name()
        );
        offset += chunk.data.len() as u64;
        chunked.extend(framed(Framer::for_chunk(&chunk, format)));
    }
    assert_eq!(
        chunked,
        whole,
        "{}: chunked framing (target {target}, step {step}) differs",
        format.name()
    );
}
