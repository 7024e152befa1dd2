//! No input may panic: property tests over every format of
//! `Registry::default()` (plus the worked user format), the framing, the
//! chunker, detection and the timestamp readers.
//!
//! Inputs are arbitrary bytes, strings biased toward log shapes (digits,
//! `-:/.[]"= `, level words, timestamps, newlines), and real sample lines
//! from `tests/samples/` with random edits. Besides "no panic", each run
//! checks what the rest of onset relies on: records come in order and
//! account for every line, provenance points into the input, unparsed
//! events keep their raw text, parsed events have a level, and chunked
//! framing gives exactly the records of framing the whole input.
//!
//! New formats and samples are picked up without changing this file.

use std::borrow::Cow;
use std::io::{self, Read};
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

use chrono::{TimeZone, Utc};
use proptest::prelude::*;

use onset_parsers::event::Kind;
use onset_parsers::framing::{looks_binary, Chunk, Chunker, Framer, MAX_LINE};
use onset_parsers::time::{self, TimeContext};
use onset_parsers::{parse_record, user, Event, Format, Level, ParseError, Registry};

fn repo_dir(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(rel)
}

/// Every built-in format, plus the user formats of `tests/user-formats/`.
fn registry() -> &'static Registry {
    static REGISTRY: OnceLock<Registry> = OnceLock::new();
    REGISTRY.get_or_init(|| {
        let mut registry = Registry::default();
        let formats = user::load_dir(repo_dir("tests/user-formats"))
            .unwrap_or_else(|e| panic!("the worked user formats load: {e}"));
        for f in formats {
            registry.add(Arc::new(f));
        }
        registry
    })
}

/// The sample files (`tests/samples/*.log`), by file name.
fn samples() -> &'static [(String, Vec<u8>)] {
    static SAMPLES: OnceLock<Vec<(String, Vec<u8>)>> = OnceLock::new();
    SAMPLES.get_or_init(|| {
        let mut out = Vec::new();
        if let Ok(dir) = std::fs::read_dir(repo_dir("tests/samples")) {
            for entry in dir.flatten() {
                let path = entry.path();
                if path.extension().is_some_and(|e| e == "log") {
                    if let Ok(data) = std::fs::read(&path) {
                        let name = path
                            .file_name()
                            .map(|n| n.to_string_lossy().into_owned())
                            .unwrap_or_default();
                        out.push((name, data));
                    }
                }
            }
        }
        out.sort();
        out
    })
}

/// Contexts that exercise zones with DST and year inference.
fn contexts() -> [TimeContext; 2] {
    let reference = Utc
        .with_ymd_and_hms(2026, 11, 21, 12, 0, 0)
        .single()
        .unwrap_or_else(|| panic!("reference"));
    [
        TimeContext {
            zone: chrono_tz::UTC,
            reference,
        },
        TimeContext {
            zone: chrono_tz::America::Chicago,
            reference,
        },
    ]
}

/// Lines in `input` as the framer counts them: every `\n`, plus a last line without one.
fn count_lines(input: &[u8]) -> u64 {
    let newlines = input.iter().filter(|&&b| b == b'\n').count() as u64;
    let tail = !input.is_empty() && !input.ends_with(b"\n");
    newlines + u64::from(tail)
}

/// The checks on one event parsed from `text`.
fn check_event(format: &dyn Format, text: &str, event: &Event<'_>) -> Result<(), TestCaseError> {
    let name = format.name();
    if event.unparsed {
        prop_assert_eq!(
            &event.message,
            text,
            "{}: unparsed event lost its text",
            name
        );
        prop_assert_eq!(event.level, Level::Unknown, "{}", name);
    } else {
        prop_assert_ne!(
            event.level,
            Level::Unknown,
            "{}: a parsed record has level unknown: {:?}",
            name,
            text
        );
        if let Some(ts) = &event.timestamp {
            prop_assert!(
                text.contains(ts.text),
                "{}: timestamp text {:?} is not in the record {:?}",
                name,
                ts.text,
                text
            );
        }
    }
    Ok(())
}

/// Frames `input` with `format`, parses every record, and checks the invariants.
fn check_framing(
    format: &dyn Format,
    input: &[u8],
    ctx: &TimeContext,
) -> Result<(), TestCaseError> {
    let name = format.name();
    let mut framer = Framer::new(input, format, 1, 0);
    let mut lines_before = 0u64;
    let mut last_offset: Option<u64> = None;
    for record in framer.by_ref() {
        // In order, numbered by the line breaks before it (NUL runs end
        // records, not lines).
        let breaks = input[..record.offset as usize]
            .iter()
            .filter(|&&b| b == b'\n')
            .count() as u64;
        prop_assert_eq!(record.line, 1 + breaks, "{}: record line number", name);
        prop_assert!(record.lines >= 1);
        prop_assert!(
            record.offset < input.len() as u64,
            "{}: offset past the input",
            name
        );
        if let Some(last) = last_offset {
            prop_assert!(record.offset > last, "{}: offsets go back", name);
        }
        last_offset = Some(record.offset);
        prop_assert_eq!(
            record.text.matches('\n').count() + 1,
            record.lines as usize,
            "{}: lines vs text",
            name
        );
        if let Cow::Borrowed(text) = &record.text {
            let start = usize::try_from(record.offset).unwrap_or(usize::MAX);
            prop_assert_eq!(
                input.get(start..start + text.len()),
                Some(text.as_bytes()),
                "{}: a borrowed record is not the input at its offset",
                name
            );
        }
        lines_before += u64::from(record.lines);

        let event = parse_record(format, &record, ctx, None);
        prop_assert_eq!(event.provenance.raw, &*record.text);
        prop_assert_eq!(event.provenance.line, record.line);
        prop_assert_eq!(event.provenance.offset, record.offset);
        prop_assert_eq!(event.provenance.lines, record.lines);
        check_event(format, &record.text, &event)?;
    }
    // (A NUL run splits a line into records, so this holds without them.)
    if !input.contains(&0) {
        prop_assert_eq!(
            lines_before + framer.blank_lines(),
            count_lines(input),
            "{}: records and blank lines do not account for every line",
            name
        );
    }
    Ok(())
}

/// Everything a reader of arbitrary input goes through.
fn check_all(input: &[u8]) -> Result<(), TestCaseError> {
    check_all_but(input, &[])
}

/// [`check_all`], leaving out the formats named in `skip`.
fn check_all_but(input: &[u8], skip: &[&str]) -> Result<(), TestCaseError> {
    let mut filtered = Registry::empty();
    for f in registry().formats() {
        if !skip.contains(&f.name()) {
            filtered.add(f.clone());
        }
    }
    let registry = &filtered;
    let text = String::from_utf8_lossy(input);
    for ctx in &contexts() {
        for format in registry.formats() {
            let format = format.as_ref();
            check_framing(format, input, ctx)?;
            // Directly, whole (a record with many lines) and line by line.
            if let Ok(event) = format.parse(&text, ctx) {
                check_event(format, &text, &event)?;
            }
            for line in text.split('\n') {
                let _ = format.is_record_start(line);
                if let Ok(event) = format.parse(line, ctx) {
                    check_event(format, line, &event)?;
                }
            }
        }
        if let Some(d) = registry.detect(input, ctx) {
            prop_assert!(d.confidence > 0.0 && d.confidence <= 1.0, "{:?}", d);
        }
    }
    Ok(())
}

/// Pieces logs are made of, to build log-like strings.
fn fragment() -> impl Strategy<Value = String> {
    let words = prop::sample::select(vec![
        "INFO",
        "ERROR",
        "WARN",
        "warning",
        "DEBUG",
        "FATAL",
        "PANIC",
        "LOG:",
        "DETAIL:",
        "STATEMENT:",
        "HINT:",
        "[error]",
        "[warn]",
        "<E>",
        "[E]",
        "E",
        "W",
        "I",
        "notice",
        "crit",
        "Traceback (most recent call last):",
        "  File \"x.py\", line 3, in f",
        "\tat com.shop.Api.run(Api.java:42)",
        "Caused by: ",
        "# Time: ",
        "# Query_time: ",
        "# User@Host: ",
        "SET timestamp=",
        "GET /cart?id=1 HTTP/1.1",
        "HTTP/2.0\" 200 ",
        "\"-\"",
        "-",
        "- -",
        "2001:db8::1",
        "[2001:db8::1]:443",
        "203.0.113.7",
        "UTC",
        "CEST",
        "+01:00",
        "-0500",
        "Z",
        "2026-11-21T05:53:09.463Z",
        "2026-11-21 05:53:09,463",
        "2026-11-21 05:53:09.463 UTC",
        "2026/11/21 05:53:09",
        "21/Nov/2026:05:53:10 +0000",
        "Nov 21 05:53:10",
        "Nov  1 05:53:10",
        "Sat Nov 21 05:53:08.123456 2026",
        "261121  5:57:09",
        "1795240389",
        "1795240389.463",
        "1795240389463",
        "{\"",
        "\":\"",
        "\":",
        "\",\"",
        "}",
        "{",
        "[",
        "]",
        "(",
        ")",
        "=",
        "\"",
        "\\\"",
        "\\",
        "'",
        ",",
        ";",
        ":",
        "/",
        ".",
        "|",
        " ",
        "  ",
        "\t",
        "\n",
        "\n",
        "\n  ",
        "\r\n",
        "\n\n",
        "é",
        "€",
        "🙂",
        "\u{0}",
        "\u{7f}",
        "\u{feff}",
        "level=",
        "msg=",
        "ts=",
        "time=",
        "status=",
        "request_id=",
        "duration_ms=",
        "pid=",
        "[16488]",
        "<134>",
        "<11>1 ",
        "user=shop",
        "db=shop",
        "sshd[812]:",
        "app=",
        "haproxy[1]:",
    ])
    .prop_map(str::to_string);
    prop_oneof![
        6 => words,
        2 => "[0-9]{1,12}",
        1 => "[a-zA-Z_]{1,8}",
        1 => "[-:/.\\[\\]\"= ]{1,4}",
        1 => any::<char>().prop_map(String::from),
    ]
}

fn log_like() -> impl Strategy<Value = String> {
    prop::collection::vec(fragment(), 0..80).prop_map(|v| v.concat())
}

/// A sample file's lines with a few random edits: close to valid input,
/// so formats get past their first checks.
fn mutated_sample() -> impl Strategy<Value = Vec<u8>> {
    let edits = prop::collection::vec((any::<prop::sample::Index>(), 0u8..4, fragment()), 0..6);
    (
        any::<prop::sample::Index>(),
        any::<prop::sample::Index>(),
        1usize..6,
        edits,
    )
        .prop_map(|(file, start, count, edits)| {
            let samples = samples();
            if samples.is_empty() {
                return Vec::new();
            }
            let data = &samples[file.index(samples.len())].1;
            let lines: Vec<&[u8]> = data.split(|&b| b == b'\n').collect();
            let from = start.index(lines.len());
            let mut out = lines[from..(from + count).min(lines.len())].join(&b'\n');
            out.push(b'\n');
            for (at, kind, frag) in edits {
                let pos = at.index(out.len() + 1);
                match kind {
                    // Insert a fragment.
                    0 => {
                        out.splice(pos..pos, frag.bytes());
                    }
                    // Delete a few bytes.
                    1 => {
                        let end = (pos + frag.len()).min(out.len());
                        out.drain(pos..end);
                    }
                    // Overwrite a byte (maybe breaking UTF-8).
                    2 => {
                        if let Some(b) = out.get_mut(pos) {
                            *b = frag.bytes().next().unwrap_or(0xff) ^ 0x80;
                        }
                    }
                    // Cut the input short.
                    _ => out.truncate(pos),
                }
            }
            out
        })
}

type Reader = fn(&str) -> nom::IResult<&str, time::ParsedTime>;

/// A sample line with a long run of one multi-byte character inserted:
/// catches slicing at a fixed byte count (`&s[..256]`), which panics when
/// the cut falls inside a character.
fn multibyte_run_in_sample() -> impl Strategy<Value = Vec<u8>> {
    let chars = prop::sample::select(vec!["é", "€", "🙂", "\u{3000}", "ß"]);
    (
        any::<prop::sample::Index>(),
        any::<prop::sample::Index>(),
        any::<prop::sample::Index>(),
        chars,
        1usize..400,
    )
        .prop_map(|(file, line, at, ch, n)| {
            let samples = samples();
            let run = ch.repeat(n);
            if samples.is_empty() {
                return run.into_bytes();
            }
            let data = String::from_utf8_lossy(&samples[file.index(samples.len())].1).into_owned();
            let lines: Vec<&str> = data.lines().collect();
            let mut line = lines
                .get(line.index(lines.len().max(1)))
                .copied()
                .unwrap_or("")
                .to_string();
            let mut pos = at.index(line.len() + 1);
            while !line.is_char_boundary(pos) {
                pos -= 1;
            }
            line.insert_str(pos, &run);
            line.push('\n');
            line.into_bytes()
        })
}

/// Readers of timestamps over arbitrary text: the rest is a suffix of the
/// input, and resolving never panics.
fn check_time_readers(s: &str) -> Result<(), TestCaseError> {
    let readers: [(&str, Reader); 8] = [
        ("iso8601", time::iso8601),
        ("iso8601_zoned", time::iso8601_zoned),
        ("iso8601_zone_word", time::iso8601_zone_word),
        ("clf", time::clf),
        ("syslog_bsd", time::syslog_bsd),
        ("ctime", time::ctime),
        ("mysql_short", time::mysql_short),
        ("any_timestamp", time::any_timestamp),
    ];
    let ctxs = contexts();
    for (name, reader) in readers {
        if let Ok((rest, parsed)) = reader(s) {
            prop_assert!(s.ends_with(rest) && rest.len() < s.len(), "{}: rest", name);
            for ctx in &ctxs {
                let _ = ctx.resolve(parsed);
            }
        }
    }
    for parsed in [time::epoch_text(s)].into_iter().flatten() {
        for ctx in &ctxs {
            let _ = ctx.resolve(parsed);
        }
    }
    for pattern in [
        "%Y-%m-%d %H:%M:%S%.f",
        "%d/%b/%Y:%H:%M:%S %z",
        "%b %e %H:%M:%S",
        "%s",
        "epoch",
        "%+",
    ] {
        if let Some(parsed) = time::with_pattern(s, pattern) {
            for ctx in &ctxs {
                let _ = ctx.resolve(parsed);
            }
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn arbitrary_bytes_never_panic(input in prop::collection::vec(any::<u8>(), 0..2048)) {
        check_all(&input)?;
    }

    #[test]
    fn log_like_text_never_panics(input in log_like()) {
        check_all(input.as_bytes())?;
    }

    #[test]
    fn mutated_samples_never_panic(input in mutated_sample()) {
        check_all(&input)?;
    }

    #[test]
    fn multibyte_runs_in_sample_lines_never_panic(input in multibyte_run_in_sample()) {
        check_all_but(&input, &[])?;
    }

    #[test]
    fn time_readers_never_panic(s in log_like(), v in any::<f64>(), pattern in "(%[a-zA-Z.:#+0-9-]{1,2}|[ -~]){0,10}") {
        check_time_readers(&s)?;
        let _ = time::epoch_number(v);
        let _ = time::with_pattern(&s, &pattern);
        // Timestamp-looking prefixes with random tails.
        for prefix in ["2026-11-21T05:53:09", "21/Nov/2026:05:53:10", "Nov 21 05:53:10", "Sat Nov 21 05:53:08"] {
            check_time_readers(&format!("{prefix}{s}"))?;
        }
    }
}

// ---------------------------------------------------------------------------
// Chunked framing gives the records of whole framing.

/// A single-line test format.
struct EveryLine;
/// A multi-line test format: records start at lines not beginning with whitespace.
struct Indented;

impl Format for EveryLine {
    fn name(&self) -> &str {
        "test-every-line"
    }
    fn description(&self) -> &str {
        "test"
    }
    fn kind(&self) -> Kind {
        Kind::App
    }
    fn parse<'a>(&self, record: &'a str, _: &TimeContext) -> Result<Event<'a>, ParseError> {
        Err(ParseError::new("test", record.len()))
    }
}

impl Format for Indented {
    fn name(&self) -> &str {
        "test-indented"
    }
    fn description(&self) -> &str {
        "test"
    }
    fn kind(&self) -> Kind {
        Kind::App
    }
    fn multiline(&self) -> bool {
        true
    }
    fn is_record_start(&self, line: &str) -> bool {
        !line.starts_with([' ', '\t'])
    }
    fn parse<'a>(&self, record: &'a str, _: &TimeContext) -> Result<Event<'a>, ParseError> {
        Err(ParseError::new("test", record.len()))
    }
}

/// A multi-line test format with lead lines: records start at lines not
/// beginning with whitespace, and a line beginning with `#` leads the
/// record after it.
struct IndentedWithLeads;

impl Format for IndentedWithLeads {
    fn name(&self) -> &str {
        "test-indented-with-leads"
    }
    fn description(&self) -> &str {
        "test"
    }
    fn kind(&self) -> Kind {
        Kind::App
    }
    fn multiline(&self) -> bool {
        true
    }
    fn is_record_start(&self, line: &str) -> bool {
        !line.starts_with([' ', '\t'])
    }
    fn is_record_lead(&self, line: &str) -> bool {
        line.starts_with('#')
    }
    fn parse<'a>(&self, record: &'a str, _: &TimeContext) -> Result<Event<'a>, ParseError> {
        Err(ParseError::new("test", record.len()))
    }
}

/// Hands out at most `step` bytes a read.
struct Trickle<'a> {
    data: &'a [u8],
    step: usize,
}

impl Read for Trickle<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.step.min(buf.len()).min(self.data.len());
        buf[..n].copy_from_slice(&self.data[..n]);
        self.data = &self.data[n..];
        Ok(n)
    }
}

type Framed = Vec<(String, u64, u64, u32, bool, bool)>;

fn framed(framer: &mut Framer<'_>) -> Framed {
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

fn chunks(input: &[u8], format: &dyn Format, target: usize, step: usize) -> Vec<Chunk> {
    Chunker::new(Trickle { data: input, step }, format, target)
        .map(|c| c.unwrap_or_else(|e| panic!("reading from memory: {e}")))
        .collect()
}

fn check_chunking(
    format: &dyn Format,
    input: &[u8],
    target: usize,
    step: usize,
) -> Result<(), TestCaseError> {
    let whole = framed(&mut Framer::new(input, format, 1, 0));
    let mut chunked = Vec::new();
    let mut expected_offset = 0u64;
    for chunk in chunks(input, format, target, step) {
        prop_assert_eq!(
            chunk.offset,
            expected_offset,
            "{}: chunks are contiguous",
            format.name()
        );
        prop_assert!(chunk.is_whole(), "short lines are never cut");
        expected_offset = chunk.end_offset;
        chunked.extend(framed(&mut Framer::for_chunk(&chunk, format)));
    }
    prop_assert_eq!(expected_offset, input.len() as u64);
    prop_assert_eq!(
        chunked,
        whole,
        "{}: chunked framing (target {}, reads of {}) differs",
        format.name(),
        target,
        step
    );
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn chunker_yields_the_records_of_whole_framing(
        input in prop_oneof![
            log_like().prop_map(String::into_bytes),
            mutated_sample(),
            prop::collection::vec(any::<u8>(), 0..1024),
        ],
        target in 1usize..4096,
        step in 1usize..512,
    ) {
        check_chunking(&EveryLine, &input, target, step)?;
        check_chunking(&Indented, &input, target, step)?;
        check_chunking(&IndentedWithLeads, &input, target, step)?;
        for format in registry().formats() {
            check_chunking(format.as_ref(), &input, target, step)?;
        }
    }

    #[test]
    fn looks_binary_on_text_and_binary(text in "\\PC{0,400}", binary in prop::collection::vec(any::<u8>(), 1..400), at in any::<prop::sample::Index>()) {
        // Printable text, with line breaks and tabs, is never binary.
        let text = text.replace('a', "\n").replace('b', "\t");
        prop_assert!(!looks_binary(text.as_bytes()));
        // Nor is it with a run of NULs anywhere (what a crash leaves).
        let bounds: Vec<usize> = text.char_indices().map(|(i, _)| i).chain([text.len()]).collect();
        let i = bounds[at.index(bounds.len())];
        let mut holed = text.into_bytes();
        holed.splice(i..i, [0u8; 64]);
        prop_assert!(!looks_binary(&holed));
        // Bytes that are mostly control bytes are binary.
        let control: Vec<u8> = binary.iter().map(|b| b % 8 + 1).collect();
        prop_assert!(looks_binary(&control));
    }
}

// ---------------------------------------------------------------------------
// Over-long lines, through both the framer and the chunker, for every format.

/// The first line of the format's sample, or a generic line.
fn first_sample_line(format: &dyn Format) -> String {
    samples()
        .iter()
        .find(|(file, _)| file.split('.').next() == Some(format.name()))
        .and_then(|(_, data)| {
            data.split(|&b| b == b'\n')
                .find(|l| !l.trim_ascii().is_empty())
                .map(|l| String::from_utf8_lossy(l).into_owned())
        })
        .unwrap_or_else(|| "2026-11-21 05:53:09.463 INFO a line".to_string())
}

#[test]
fn over_long_lines_are_cut_flagged_and_the_next_line_still_parsed() {
    let ctx = &contexts()[0];
    for format in registry().formats() {
        let format = format.as_ref();
        let name = format.name();
        let line = first_sample_line(format);
        let alone = Framer::new(line.as_bytes(), format, 1, 0)
            .next()
            .map(|r| parse_record(format, &r, ctx, None).summary());
        // Long enough to be cut by the framer and to overflow the chunker's buffer.
        for extra in [MAX_LINE, 2 * MAX_LINE + 12_345] {
            let long = format!("{line} {}", "x".repeat(extra));
            let input = format!("{line}\n{long}\n{line}\n");
            let offsets = [
                0,
                line.len() as u64 + 1,
                (line.len() + long.len()) as u64 + 2,
            ];

            let records: Framed = framed(&mut Framer::new(input.as_bytes(), format, 1, 0));
            let got: Vec<(u64, u64, bool)> = records.iter().map(|r| (r.1, r.2, r.4)).collect();
            assert_eq!(
                got,
                vec![
                    (1, offsets[0], false),
                    (2, offsets[1], true),
                    (3, offsets[2], false)
                ],
                "{name}: framing around a long line"
            );
            assert!(
                records[1].0.len() <= MAX_LINE,
                "{name}: the long line is cut"
            );
            let after = Framer::new(input.as_bytes(), format, 1, 0)
                .nth(2)
                .map(|r| parse_record(format, &r, ctx, None).summary());
            assert_eq!(after, alone, "{name}: the line after a long line");

            for target in [4096, 64 * 1024, MAX_LINE] {
                let cs = chunks(input.as_bytes(), format, target, 64 * 1024);
                for c in &cs {
                    assert!(
                        c.data.len() <= target + MAX_LINE + 64 * 1024,
                        "{name}: target {target}, chunk of {} bytes",
                        c.data.len()
                    );
                }
                let chunked: Framed = cs
                    .iter()
                    .flat_map(|c| framed(&mut Framer::for_chunk(c, format)))
                    .collect();
                let got: Vec<(u64, u64, bool)> = chunked.iter().map(|r| (r.1, r.2, r.4)).collect();
                assert_eq!(
                    got,
                    vec![
                        (1, offsets[0], false),
                        (2, offsets[1], true),
                        (3, offsets[2], false)
                    ],
                    "{name}: chunked (target {target}) around a long line"
                );
                assert_eq!(chunked[2].0, line, "{name}: target {target}");
            }
        }
    }
}

#[test]
fn samples_frame_cleanly_and_are_not_binary() {
    for (file, data) in samples() {
        assert!(!looks_binary(data), "{file} looks binary");
        for ctx in &contexts() {
            for format in registry().formats() {
                check_framing(format.as_ref(), data, ctx)
                    .unwrap_or_else(|e| panic!("{file} with {}: {e}", format.name()));
            }
        }
    }
}
