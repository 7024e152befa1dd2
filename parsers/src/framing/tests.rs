use std::io::Cursor;

use super::*;
use crate::event::{Event, Kind};
use crate::format::ParseError;
use crate::time::TimeContext;

/// A test format: every line a record, or (multi-line) records start at
/// lines that do not begin with whitespace — the shape of a stack trace.
struct Lines {
    multiline: bool,
}

const SINGLE: Lines = Lines { multiline: false };
const MULTI: Lines = Lines { multiline: true };

impl Format for Lines {
    fn name(&self) -> &str {
        "lines"
    }
    fn description(&self) -> &str {
        "test format"
    }
    fn kind(&self) -> Kind {
        Kind::App
    }
    fn multiline(&self) -> bool {
        self.multiline
    }
    fn is_record_start(&self, line: &str) -> bool {
        !line.starts_with([' ', '\t'])
    }
    fn parse<'a>(&self, record: &'a str, _: &TimeContext) -> Result<Event<'a>, ParseError> {
        Ok(Event::unparsed(record))
    }
}

/// A multi-line test format with lead lines: records start at lines that
/// do not begin with whitespace, and a line that begins with `@` leads the
/// record after it (a slow log's `# Time:` above its `# User@Host:`).
struct Led;

impl Format for Led {
    fn name(&self) -> &str {
        "led"
    }
    fn description(&self) -> &str {
        "test format"
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
        line.starts_with('@')
    }
    fn parse<'a>(&self, record: &'a str, _: &TimeContext) -> Result<Event<'a>, ParseError> {
        Ok(Event::unparsed(record))
    }
}

/// (text, line, offset, lines, truncated, lossy) of every record, and the blank lines.
type Summary = (Vec<(String, u64, u64, u32, bool, bool)>, u64);

fn frame(data: &[u8], format: &dyn Format) -> Summary {
    let mut framer = Framer::new(data, format, 1, 0);
    let records = framer
        .by_ref()
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
        .collect();
    (records, framer.blank_lines())
}

fn rec(text: &str, line: u64, offset: u64, lines: u32) -> (String, u64, u64, u32, bool, bool) {
    (text.to_string(), line, offset, lines, false, false)
}

#[test]
fn crlf_line_ends_are_removed() {
    assert_eq!(
        frame(b"a 1\r\nb 2\r\n", &SINGLE),
        (vec![rec("a 1", 1, 0, 1), rec("b 2", 2, 5, 1)], 0)
    );
    // In a multi-line record every CRLF becomes LF; a lone CR stays.
    assert_eq!(
        frame(b"E boom\r\n  at x\r\n  at\ry\r\nnext", &MULTI),
        (
            vec![
                rec("E boom\n  at x\n  at\ry", 1, 0, 3),
                rec("next", 4, 24, 1)
            ],
            0
        )
    );
    // A CRLF blank line is blank.
    assert_eq!(frame(b"a\r\n\r\nb", &SINGLE).1, 1);
}

#[test]
fn blank_lines_are_skipped_and_counted() {
    let input = b"\n\na 1\n   \n\t\nb 2\n\n";
    assert_eq!(
        frame(input, &SINGLE),
        (vec![rec("a 1", 3, 2, 1), rec("b 2", 6, 12, 1)], 5)
    );
    assert_eq!(frame(b"", &SINGLE), (vec![], 0));
    assert_eq!(frame(b"\n", &SINGLE), (vec![], 1));
    // No line break at the end: the last line is a record all the same.
    assert_eq!(frame(b"a\nb", &SINGLE).0.len(), 2);
}

#[test]
fn invalid_utf8_is_decoded_lossily_and_flagged() {
    let (records, _) = frame(b"ok\n\xff\xfebad \xc3\n\xc3\xa9t\xc3\xa9\n", &SINGLE);
    assert_eq!(
        records,
        vec![
            rec("ok", 1, 0, 1),
            (
                "\u{fffd}\u{fffd}bad \u{fffd}".to_string(),
                2,
                3,
                1,
                false,
                true
            ),
            rec("été", 3, 11, 1),
        ]
    );
}

#[test]
fn multiline_record_with_trailing_blank_lines() {
    let input = b"E boom\n  at one\n\n  at two\n\n\nI next\n\n";
    assert_eq!(
        frame(input, &MULTI),
        (
            vec![
                // A blank line inside the record stays; the ones after it do not.
                rec("E boom\n  at one\n\n  at two", 1, 0, 4),
                rec("I next", 7, 28, 1),
            ],
            3
        )
    );
}

#[test]
fn orphan_continuation_lines_at_the_start_make_one_record() {
    let input = b"  at the middle\n  of a trace\nE start\n  at x\n";
    assert_eq!(
        frame(input, &MULTI),
        (
            vec![
                rec("  at the middle\n  of a trace", 1, 0, 2),
                rec("E start\n  at x", 3, 29, 2),
            ],
            0
        )
    );
}

#[test]
fn first_line_and_offset_carry_into_records() {
    let mut framer = Framer::new(b"a\n\nb\n", &SINGLE, 100, 5000);
    let a = framer.next().unwrap_or_else(|| panic!("a"));
    let b = framer.next().unwrap_or_else(|| panic!("b"));
    assert_eq!((a.line, a.offset, b.line, b.offset), (100, 5000, 102, 5003));
    assert!(framer.next().is_none());
}

#[test]
fn max_record_splitting_loses_nothing() {
    // A record of 6 MiB of continuation lines: ended at MAX_RECORD, the
    // rest starts new records, and every line and byte is still there.
    let line = format!("  {}\n", "x".repeat(1021)); // 1 KiB a line
    let mut input = String::from("E huge\n");
    let n = 6 * 1024;
    for _ in 0..n {
        input.push_str(&line);
    }
    input.push_str("I after\n");
    let (records, blank) = frame(input.as_bytes(), &MULTI);
    assert_eq!(blank, 0);
    assert!(records.len() >= 3, "{} records", records.len());
    assert!(records.iter().all(|r| r.0.len() <= MAX_RECORD && !r.4));
    let lines: u64 = records.iter().map(|r| u64::from(r.3)).sum();
    assert_eq!(lines, n + 2);
    let joined: Vec<&str> = records.iter().map(|r| r.0.as_str()).collect();
    assert_eq!(joined.join("\n") + "\n", input);
    // Line numbers and offsets follow each other exactly.
    for w in records.windows(2) {
        assert_eq!(w[1].1, w[0].1 + u64::from(w[0].3));
        assert_eq!(w[1].2, w[0].2 + w[0].0.len() as u64 + 1);
    }
    assert_eq!(records.last().map(|r| r.0.as_str()), Some("I after"));
}

#[test]
fn an_over_long_line_is_cut_on_a_char_boundary_and_flagged() {
    // `é` is two bytes: put one across the cut.
    let mut long = "a".repeat(MAX_LINE - 1);
    long.push('é');
    long.push_str(&"b".repeat(100));
    let input = format!("{long}\nnext\n");
    for format in [&SINGLE, &MULTI] {
        let (records, _) = frame(input.as_bytes(), format);
        assert_eq!(records.len(), 2);
        let (text, line, offset, lines, truncated, lossy) = &records[0];
        assert_eq!(text.len(), MAX_LINE - 1);
        assert!(*truncated && !*lossy && *line == 1 && *offset == 0 && *lines == 1);
        assert_eq!(records[1], rec("next", 2, long.len() as u64 + 1, 1));
    }
    // An over-long continuation line starts a new (truncated) record.
    let input = format!("E x\n {}\n  y\n", "c".repeat(MAX_LINE + 5));
    let (records, _) = frame(input.as_bytes(), &MULTI);
    assert_eq!(records.len(), 3);
    assert_eq!(records[0], rec("E x", 1, 0, 1));
    assert!(records[1].4 && records[1].0.len() == MAX_LINE && records[1].1 == 2);
    // A truncated record takes no continuation line: `  y` is a record of its own.
    assert_eq!(records[2].0, "  y");
    assert_eq!(records[2].1, 3);
}

/// A reader that hands out at most `step` bytes a read, so chunk
/// boundaries fall everywhere.
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

fn chunks(data: &[u8], format: &dyn Format, target: usize, step: usize) -> Vec<Chunk> {
    Chunker::new(Trickle { data, step }, format, target)
        .map(|c| c.unwrap_or_else(|e| panic!("{e}")))
        .collect()
}

fn frame_chunks(data: &[u8], format: &dyn Format, target: usize, step: usize) -> Summary {
    let mut all = Vec::new();
    let mut blank = 0;
    for chunk in chunks(data, format, target, step) {
        let mut framer = Framer::for_chunk(&chunk, format);
        all.extend(framer.by_ref().map(|r| {
            (
                r.text.into_owned(),
                r.line,
                r.offset,
                r.lines,
                r.truncated,
                r.lossy,
            )
        }));
        blank += framer.blank_lines();
    }
    (all, blank)
}

/// Chunked framing gives the records (and blank lines) of whole framing.
fn assert_chunked_equals_whole(input: &[u8], target: usize, step: usize) {
    for format in [&SINGLE, &MULTI] {
        assert_eq!(
            frame_chunks(input, format, target, step),
            frame(input, format),
            "target {target}, step {step}, multiline {}",
            format.multiline
        );
    }
}

#[test]
fn chunks_end_on_record_boundaries() {
    let input = b"E one\n  at a\n  at b\nI two\n\nE three\r\n  at c\nI four";
    for target in [1, 2, 5, 8, 13, 64, 1 << 16] {
        for step in [1, 3, 7, 64 * 1024] {
            assert_chunked_equals_whole(input, target, step);
            for chunk in chunks(input, &MULTI, target, step) {
                assert!(
                    chunk.data.first().is_some_and(|&b| b != b' '),
                    "a chunk starts inside a record: {chunk:?}"
                );
            }
        }
    }
}

#[test]
fn chunker_continues_lines_and_offsets_and_counts_bytes() {
    let data = b"a\nb\nc\n";
    let mut chunker = Chunker::new(Trickle { data, step: 2 }, &SINGLE, 1).starting_at(41, 900);
    let got: Vec<Chunk> = chunker
        .by_ref()
        .map(|c| c.unwrap_or_else(|e| panic!("{e}")))
        .collect();
    let want: Vec<Chunk> = [("a\n", 41, 900), ("b\n", 42, 902), ("c\n", 43, 904)]
        .iter()
        .map(|&(d, first_line, offset)| Chunk {
            data: d.as_bytes().to_vec(),
            first_line,
            offset,
            end_offset: offset + 2,
            end_line: first_line + 1,
        })
        .collect();
    assert_eq!(got, want);
    assert_eq!(chunker.bytes_read(), 6);
    // Read all at once, the same bytes come in one chunk.
    let one: Vec<Chunk> = Chunker::new(Cursor::new(data), &SINGLE, 1)
        .map(|c| c.unwrap_or_else(|e| panic!("{e}")))
        .collect();
    assert_eq!(one.len(), 1);
    assert_eq!(one[0].data, data);
}

#[test]
fn chunker_buffer_stays_bounded_with_any_target() {
    // A line longer than MAX_LINE between short ones, for targets around and
    // above MAX_LINE, the line either fitting in the buffer or not: no chunk
    // may exceed target + MAX_LINE + one 64 KiB read, and the records are
    // those of framing the whole input.
    for long_len in [MAX_LINE + MAX_LINE / 5, 3 * MAX_LINE] {
        let long = "z".repeat(long_len);
        let input = format!("short 1\n{long}\nshort 2\n");
        for target in [1, 4096, 64 * 1024, 600_000, MAX_LINE, 3 * MAX_LINE / 2] {
            for format in [&SINGLE, &MULTI] {
                for c in chunks(input.as_bytes(), format, target, 64 * 1024) {
                    assert!(
                        c.data.len() <= target + MAX_LINE + 64 * 1024,
                        "line {long_len}, target {target}: chunk of {} bytes",
                        c.data.len()
                    );
                }
                let (records, _) = frame_chunks(input.as_bytes(), format, target, 64 * 1024);
                let got: Vec<(usize, u64, u64, bool)> =
                    records.iter().map(|r| (r.0.len(), r.1, r.2, r.4)).collect();
                assert_eq!(
                    got,
                    vec![
                        (7, 1, 0, false),
                        (MAX_LINE, 2, 8, true),
                        (7, 3, 8 + long_len as u64 + 1, false)
                    ],
                    "line {long_len}, target {target}"
                );
            }
        }
    }
}

#[test]
fn looks_binary_tells_binary_from_text() {
    assert!(!looks_binary(b""));
    assert!(!looks_binary(
        b"2026-11-21 05:53:09 INFO ok\r\n\tindented\x1b[31mred\x1b[0m\n"
    ));
    assert!(!looks_binary("héllo wörld — ünïcode\n".as_bytes()));
    assert!(looks_binary(b"\x7fELF\x02\x01\x01\x00\x00\x00"));
    assert!(looks_binary(b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03")); // gzip
    assert!(looks_binary(&[0x01, 0x02, 0x03, 0x04, b'a', b'b', b'c']));
    // A NUL after the first 8 KiB is not looked at.
    let mut late = vec![b'a'; 9000];
    late.push(0);
    assert!(!looks_binary(&late));
    // A few control bytes in text are tolerated (under 10%).
    let mut text = vec![b'a'; 100];
    text[50] = 0x07;
    assert!(!looks_binary(&text));
}

#[test]
fn a_nul_run_ends_the_record_and_is_skipped_and_counted() {
    // Before a record of a multi-line format: the record is not a continuation.
    let input = b"E one\n  at a\n\0\0\0\0E two\n  at b\n";
    let mut framer = Framer::new(input, &MULTI, 1, 0);
    let got: Vec<_> = framer
        .by_ref()
        .map(|r| (r.text.into_owned(), r.line, r.offset))
        .collect();
    assert_eq!(
        got,
        vec![
            ("E one\n  at a".into(), 1, 0),
            ("E two\n  at b".into(), 3, 17)
        ]
    );
    assert_eq!(framer.nul_bytes(), 4);
    // In the middle of a line: both parts are kept, as records of their own.
    let (records, blank) = frame(b"a 1\nb 2 cut\0\0\0c 3\nd 4\n", &SINGLE);
    let texts: Vec<_> = records.iter().map(|r| (r.0.as_str(), r.1)).collect();
    assert_eq!(texts, [("a 1", 1), ("b 2 cut", 2), ("c 3", 2), ("d 4", 3)]);
    assert_eq!(blank, 0);
    // Inside a multi-line record: the part before the hole stays in it.
    let (records, _) = frame(b"E one\n  at a\0\0  at b\nE two\n", &MULTI);
    let texts: Vec<_> = records.iter().map(|r| r.0.as_str()).collect();
    assert_eq!(texts, ["E one\n  at a", "  at b", "E two"]);
}

#[test]
fn chunks_split_at_nul_runs_like_whole_framing() {
    let input = b"E one\n  at a\n\0\0\0\0E two\n  at b\0\0\0\n\nI three\0";
    for target in [1, 2, 5, 8, 13, 64] {
        for step in [1, 3, 7, 64 * 1024] {
            assert_chunked_equals_whole(input, target, step);
        }
    }
}

fn held(
    data: &[u8],
    format: &dyn Format,
    target: usize,
    step: usize,
) -> (Vec<Chunk>, Option<Chunk>) {
    let mut chunker = Chunker::new(Trickle { data, step }, format, target).hold_tail(true);
    let mut chunks = Vec::new();
    while let Some(c) = chunker.next_chunk().unwrap_or_else(|e| panic!("{e}")) {
        chunks.push(c);
    }
    (chunks, chunker.finish())
}

#[test]
fn holding_the_tail_keeps_the_unfinished_last_record_back() {
    for target in [1, 4, 64] {
        for step in [1, 5, 64] {
            // Single-line: only an unterminated last line is held.
            let (chunks, tail) = held(b"a 1\nb 2\nc hal", &SINGLE, target, step);
            let end = chunks.last().map(|c| (c.end_offset, c.end_line));
            assert_eq!(end, Some((8, 3)), "target {target}, step {step}");
            let tail = tail.expect("held");
            assert_eq!(
                (tail.offset, tail.first_line, &tail.data[..]),
                (8, 3, &b"c hal"[..])
            );
            let (chunks, tail) = held(b"a 1\nb 2\n", &SINGLE, target, step);
            assert_eq!(chunks.last().map(|c| c.end_offset), Some(8));
            assert!(tail.is_none());
            // Multi-line: the last record may still gain lines.
            let (chunks, tail) = held(b"E one\n  at a\nE two\n  at b\n", &MULTI, target, step);
            assert_eq!(chunks.last().map(|c| c.end_offset), Some(13));
            assert_eq!(tail.map(|t| t.data), Some(b"E two\n  at b\n".to_vec()));
        }
    }
}

#[test]
fn an_over_long_line_ends_its_chunk_where_the_line_ends_in_the_input() {
    let long = "z".repeat(3 * MAX_LINE);
    let input = format!("short 1\n{long}\nshort 2\n");
    let chunks = chunks(input.as_bytes(), &SINGLE, 4096, 64 * 1024);
    let cut = chunks.iter().find(|c| !c.is_whole()).expect("a cut chunk");
    assert_eq!(cut.end_offset, 8 + long.len() as u64 + 1);
    assert_eq!(cut.end_line, 3);
    // At the end of the input, unterminated, it is held (a file still being written).
    let input = format!("short 1\n{long}");
    let (whole, tail) = held(input.as_bytes(), &SINGLE, 4096, 64 * 1024);
    assert_eq!(whole.last().map(|c| c.end_offset), Some(8));
    let tail = tail.expect("held");
    assert_eq!(tail.end_offset, input.len() as u64);
}

#[test]
fn lead_lines_open_the_record_after_them() {
    let input =
        b"@t1\nE one\n  at a\n@t2\r\n@t3\nE two\nE three\n@t4\n  cont\nE four\n@t5\n\nE five\n@t6";
    let texts: Vec<String> = frame(input, &Led).0.into_iter().map(|r| r.0).collect();
    assert_eq!(
        texts,
        [
            // A lead, the record start after it, its continuation lines.
            "@t1\nE one\n  at a",
            // Several leads in a row lead the same record.
            "@t2\n@t3\nE two",
            // A record start with no lead before it starts a record as before.
            "E three",
            // A continuation line after a lead ends the lead: the next start is a record.
            "@t4\n  cont",
            "E four",
            // So does a blank line; and a lead at the end is a record of its own.
            "@t5",
            "E five",
            "@t6",
        ]
    );
    let (records, blank) = frame(input, &Led);
    assert_eq!(blank, 1);
    assert_eq!(
        (records[1].1, records[1].2, records[1].3),
        (4, 17, 3),
        "{records:?}"
    );
    // Chunks never end after a lead: chunked framing is whole framing.
    for target in [1, 2, 5, 8, 13, 64, 1 << 16] {
        for step in [1, 3, 7, 64 * 1024] {
            assert_eq!(
                frame_chunks(input, &Led, target, step),
                frame(input, &Led),
                "target {target}, step {step}"
            );
        }
    }
}
