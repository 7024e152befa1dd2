//! Framing: how records are cut from a stream of bytes, once for every format.
//!
//! A *record* is a first line plus the continuation lines that follow it
//! (a Python traceback, a PostgreSQL `DETAIL:`/`STATEMENT:` line, a Java
//! stack trace, a MySQL slow-log entry). Formats only say which lines start
//! a record ([`Format::is_record_start`]); this module does the rest:
//!
//! - [`Framer`] iterates the records of an in-memory buffer, borrowing from
//!   it (a record is a contiguous byte range, so valid UTF-8 costs no copy).
//! - [`Chunker`] cuts a reader into owned chunks that end on record
//!   boundaries, so chunks can be framed and parsed in parallel; its line
//!   numbers and byte offsets continue across chunks.
//!
//! Limits keep memory bounded whatever the input: a line longer than
//! [`MAX_LINE`] is cut (the record is flagged `truncated`, the excess is not
//! kept), and a record is ended after [`MAX_RECORD`] bytes (the following
//! lines start a new record, so nothing is lost). Invalid UTF-8 is decoded
//! lossily and flagged. Blank lines between records are skipped and counted.
//!
//! A record may also open with *lead* lines ([`Format::is_record_lead`]):
//! lines that start a record but take the record start that follows them
//! into it, as a slow log's `# Time:` line takes the `# User@Host:` entry
//! it dates. A chunk never ends after a lead line.
//!
//! A run of NUL bytes — what a filesystem leaves where a crash lost a write —
//! ends the line and the record it is in, and is skipped and counted
//! ([`Framer::nul_bytes`]): the record after it is read on its own, not glued
//! to the one before.

use std::borrow::Cow;
use std::io::{self, Read};

use memchr::{memchr, memchr2};

use crate::format::Format;

/// The longest line kept, in bytes (1 MiB). Longer lines are cut and flagged.
pub const MAX_LINE: usize = 1 << 20;

/// The most bytes one multi-line record gathers (4 MiB) before it is ended.
pub const MAX_RECORD: usize = 4 << 20;

/// One record cut from the input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record<'a> {
    /// The record text: first line and continuation lines joined by `\n`,
    /// without the final line break.
    pub text: Cow<'a, str>,
    /// 1-based number of the first line.
    pub line: u64,
    /// Byte offset of the first byte in the input.
    pub offset: u64,
    /// Number of lines in the record.
    pub lines: u32,
    /// A line was longer than [`MAX_LINE`] and was cut.
    pub truncated: bool,
    /// The bytes were not valid UTF-8 and were decoded lossily.
    pub lossy: bool,
}

/// How a line ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum LineEnd {
    /// A `\n` (a `\r` before it is not part of the line).
    Newline,
    /// A run of NUL bytes: what a filesystem leaves where a crash lost a
    /// write. It ends the line and the record; it is skipped and counted.
    Nul,
    /// The end of the data.
    Eof,
}

/// Iterates the records of a buffer for one format.
pub struct Framer<'a> {
    data: &'a [u8],
    pos: usize,
    line: u64,
    base_offset: u64,
    format: &'a dyn Format,
    multiline: bool,
    blank_lines: u64,
    nul_bytes: u64,
    /// `data` as text when all of it is UTF-8 (checked once: every line and
    /// record is then a slice of it, not checked again).
    text: Option<&'a str>,
    /// Whether `data` holds a `\r` (records then have `\r\n` made `\n`).
    has_cr: bool,
}

impl<'a> Framer<'a> {
    /// Frames `data` (a whole file or a [`Chunk`]) whose first byte is at
    /// `offset` in the input and whose first line is number `first_line`.
    pub fn new(data: &'a [u8], format: &'a dyn Format, first_line: u64, offset: u64) -> Self {
        Framer {
            data,
            pos: 0,
            line: first_line,
            base_offset: offset,
            format,
            multiline: format.multiline(),
            blank_lines: 0,
            nul_bytes: 0,
            text: std::str::from_utf8(data).ok(),
            has_cr: memchr(b'\r', data).is_some(),
        }
    }

    /// `data[start..end]` as text, if it is UTF-8.
    #[inline]
    fn str_at(&self, start: usize, end: usize) -> Option<&'a str> {
        match self.text {
            Some(text) => text.get(start..end),
            None => std::str::from_utf8(&self.data[start..end]).ok(),
        }
    }

    /// Whether the line `data[start..end]` starts a record.
    fn starts_at(&self, start: usize, end: usize) -> bool {
        match self.str_at(start, end) {
            Some(s) => self.format.is_record_start(s),
            None => starts(self.format, &self.data[start..end]),
        }
    }

    /// Whether the line `data[start..end]`, known to start a record, is a
    /// lead line.
    fn is_lead_at(&self, start: usize, end: usize) -> bool {
        match self.str_at(start, end) {
            Some(s) => self.format.is_record_lead(s),
            None => is_lead(self.format, &self.data[start..end]),
        }
    }

    /// Frames a chunk produced by a [`Chunker`].
    pub fn for_chunk(chunk: &'a Chunk, format: &'a dyn Format) -> Self {
        Framer::new(&chunk.data, format, chunk.first_line, chunk.offset)
    }

    /// Blank lines skipped so far (they carry nothing, but are counted).
    pub fn blank_lines(&self) -> u64 {
        self.blank_lines
    }

    /// NUL bytes skipped so far (runs of them end lines and records).
    pub fn nul_bytes(&self) -> u64 {
        self.nul_bytes
    }

    /// The next line at `pos`: (content end without `\r\n`, start of the
    /// next line, how it ends).
    #[inline]
    fn line_at(&self, pos: usize) -> (usize, usize, LineEnd) {
        let rest = &self.data[pos..];
        match memchr2(b'\n', 0, rest) {
            Some(i) if rest[i] == b'\n' => {
                let end = pos + i;
                let end = if end > pos && self.data[end - 1] == b'\r' {
                    end - 1
                } else {
                    end
                };
                (end, pos + i + 1, LineEnd::Newline)
            }
            Some(i) => {
                let run = rest[i..].iter().take_while(|&&b| b == 0).count();
                (pos + i, pos + i + run, LineEnd::Nul)
            }
            None => (self.data.len(), self.data.len(), LineEnd::Eof),
        }
    }
}

#[inline]
fn is_blank(line: &[u8]) -> bool {
    line.iter().all(u8::is_ascii_whitespace)
}

/// Cuts `[start, end)` back to at most `max` bytes on a UTF-8 character boundary.
fn cut_to(data: &[u8], start: usize, end: usize, max: usize) -> usize {
    if end - start <= max {
        return end;
    }
    let mut e = start + max;
    // Step back over continuation bytes so a character is not split.
    let mut steps = 0;
    while e > start && steps < 3 && (data[e] & 0xC0) == 0x80 {
        e -= 1;
        steps += 1;
    }
    e
}

impl<'a> Iterator for Framer<'a> {
    type Item = Record<'a>;

    fn next(&mut self) -> Option<Record<'a>> {
        // Skip blank lines and NUL runs between records.
        let (first_end, mut next, first_ends) = loop {
            if self.pos >= self.data.len() {
                return None;
            }
            let (end, next, ends) = self.line_at(self.pos);
            if is_blank(&self.data[self.pos..end]) {
                match ends {
                    LineEnd::Newline => {
                        self.blank_lines += 1;
                        self.line += 1;
                    }
                    LineEnd::Nul => self.nul_bytes += (next - end) as u64,
                    LineEnd::Eof => self.blank_lines += 1,
                }
                self.pos = next;
                continue;
            }
            break (end, next, ends);
        };
        let start = self.pos;
        let first_line = self.line;
        let mut end = first_end;
        let mut truncated = false;
        if end - start > MAX_LINE {
            end = cut_to(self.data, start, end, MAX_LINE);
            truncated = true;
        }
        let mut lines = 1u32;
        let mut newlines = u64::from(first_ends == LineEnd::Newline);
        if first_ends == LineEnd::Nul {
            self.nul_bytes += (next - first_end) as u64;
        }
        if self.multiline && !truncated && first_ends == LineEnd::Newline {
            // Whether the record so far is lead lines only: a record start
            // after them joins it (see `Format::is_record_lead`).
            let mut leading = self.is_lead_at(start, end) && self.starts_at(start, end);
            // What was taken so far: trailing blank lines stay out of the record.
            let mut scan = next;
            let mut scan_lines = lines;
            let mut scan_newlines = newlines;
            while scan < self.data.len() {
                let (le, ln, ends) = self.line_at(scan);
                let line = &self.data[scan..le];
                if le - scan > MAX_LINE || le - start > MAX_RECORD || scan_lines == u32::MAX {
                    break;
                }
                let blank = is_blank(line);
                if blank && ends == LineEnd::Nul {
                    break;
                }
                if !blank && self.starts_at(scan, le) {
                    if !leading {
                        break;
                    }
                    leading = self.is_lead_at(scan, le);
                } else {
                    leading = false;
                }
                scan_lines += 1;
                scan_newlines += u64::from(ends == LineEnd::Newline);
                scan = ln;
                if !blank {
                    next = ln;
                    end = le;
                    lines = scan_lines;
                    newlines = scan_newlines;
                    if ends == LineEnd::Nul {
                        self.nul_bytes += (ln - le) as u64;
                    }
                }
                if ends != LineEnd::Newline {
                    // A NUL run ends the record (and so does the end of the data).
                    break;
                }
            }
        }
        self.pos = next;
        self.line = first_line + newlines;
        let bytes = &self.data[start..end];
        let (text, lossy) = match self.str_at(start, end) {
            Some(s) if !self.has_cr || memchr(b'\r', bytes).is_none() => (Cow::Borrowed(s), false),
            Some(s) => (Cow::Owned(s.replace("\r\n", "\n")), false),
            None => {
                let s = String::from_utf8_lossy(bytes).replace("\r\n", "\n");
                (Cow::Owned(s), true)
            }
        };
        Some(Record {
            text,
            line: first_line,
            offset: self.base_offset + start as u64,
            lines,
            truncated,
            lossy,
        })
    }
}

/// An owned piece of the input that ends on a record boundary.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Chunk {
    /// The bytes (lines longer than the chunker's buffer were cut).
    pub data: Vec<u8>,
    /// Number of the first line.
    pub first_line: u64,
    /// Offset of the first byte in the input.
    pub offset: u64,
    /// Offset in the input just past the chunk: where reading resumes. It is
    /// `offset + data.len()` unless the end of an over-long line was dropped.
    pub end_offset: u64,
    /// Number of the line just past the chunk.
    pub end_line: u64,
}

impl Chunk {
    /// Whether `data` ends where the input does at `end_offset` (it does
    /// not when the chunk ends with the kept part of an over-long line).
    pub fn is_whole(&self) -> bool {
        self.offset + self.data.len() as u64 == self.end_offset
    }
}

/// Cuts a reader into [`Chunk`]s of about `target` bytes that end on record
/// boundaries, holding at most `target + MAX_LINE` bytes at once (plus
/// one 64 KiB read).
///
/// For a file that may still be growing, [`Chunker::hold_tail`] keeps its
/// last record back at the end of the input — a line still being written,
/// a traceback whose lines are still to come — so that it is read whole by
/// a later pass; [`Chunker::finish`] hands it out once the input is known
/// to be complete.
pub struct Chunker<'f, R> {
    reader: R,
    format: &'f dyn Format,
    buf: Vec<u8>,
    target: usize,
    eof: bool,
    /// Keep the last record back at the end of the input.
    hold: bool,
    /// An over-long line whose end was not found before the end of the input.
    held_cut: Option<Chunk>,
    next_line: u64,
    next_offset: u64,
    bytes_read: u64,
}

impl<'f, R: Read> Chunker<'f, R> {
    /// A chunker over `reader` for `format`, aiming at chunks of `target` bytes.
    pub fn new(reader: R, format: &'f dyn Format, target: usize) -> Self {
        Chunker {
            reader,
            format,
            buf: Vec::with_capacity(target.max(1) + 64 * 1024),
            target: target.max(1),
            eof: false,
            hold: false,
            held_cut: None,
            next_line: 1,
            next_offset: 0,
            bytes_read: 0,
        }
    }

    /// Continues line numbers and offsets from a previous read (an
    /// incremental ingest that resumes at `offset`, line `line`).
    pub fn starting_at(mut self, line: u64, offset: u64) -> Self {
        self.next_line = line;
        self.next_offset = offset;
        self
    }

    /// Keeps the last record back at the end of the input (see the type's
    /// documentation): for a single-line format an unterminated last line,
    /// for a multi-line one the whole last record.
    pub fn hold_tail(mut self, hold: bool) -> Self {
        self.hold = hold;
        self
    }

    /// Bytes read from the reader so far (for progress).
    pub fn bytes_read(&self) -> u64 {
        self.bytes_read
    }

    /// Whether a record is held back (after [`Chunker::next_chunk`] returned `None`).
    pub fn holds_tail(&self) -> bool {
        !self.buf.is_empty() || self.held_cut.is_some()
    }

    /// The held-back record as a last chunk, once the input is known to be
    /// complete (`None` if nothing is held).
    pub fn finish(&mut self) -> Option<Chunk> {
        if let Some(cut) = self.held_cut.take() {
            self.next_line = cut.end_line;
            self.next_offset = cut.end_offset;
            return Some(cut);
        }
        if self.buf.is_empty() {
            return None;
        }
        let data = std::mem::take(&mut self.buf);
        Some(self.emit(data))
    }

    fn read_some(&mut self, tmp: &mut [u8]) -> io::Result<usize> {
        loop {
            match self.reader.read(tmp) {
                Ok(0) => {
                    self.eof = true;
                    return Ok(0);
                }
                Ok(n) => {
                    self.bytes_read += n as u64;
                    return Ok(n);
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            }
        }
    }

    fn fill(&mut self, want: usize) -> io::Result<()> {
        let mut tmp = [0u8; 64 * 1024];
        while self.buf.len() < want && !self.eof {
            let n = self.read_some(&mut tmp)?;
            self.buf.extend_from_slice(&tmp[..n]);
        }
        Ok(())
    }

    /// Where the last complete record in `buf` ends, or `None` if `buf`
    /// holds no record boundary after its first line. A NUL run always ends
    /// a record; a line break does for single-line formats, and for
    /// multi-line ones when the (complete) line after it starts a record.
    fn boundary(&self) -> Option<usize> {
        let multiline = self.format.multiline();
        let mut end = self.buf.len();
        while let Some(nl) = memchr::memrchr2(b'\n', 0, &self.buf[..end]) {
            let candidate = nl + 1;
            if !multiline || self.buf[nl] == 0 {
                return Some(candidate);
            }
            let line_end = memchr2(b'\n', 0, &self.buf[candidate..]).map(|i| candidate + i);
            // A line not yet complete cannot be judged: look earlier.
            if let Some(le) = line_end {
                let line = &self.buf[candidate..le];
                let line = line.strip_suffix(b"\r").unwrap_or(line);
                if !is_blank(line) && starts(self.format, line) && !self.lead_ends_at(nl) {
                    return Some(candidate);
                }
            }
            if nl == 0 {
                return None;
            }
            end = nl;
        }
        None
    }

    /// Whether the line that ends at `nl` in `buf` is a lead line (see
    /// [`Format::is_record_lead`]): the record start after it joins its record.
    fn lead_ends_at(&self, nl: usize) -> bool {
        let from = memchr::memrchr2(b'\n', 0, &self.buf[..nl]).map_or(0, |i| i + 1);
        let line = &self.buf[from..nl];
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        !is_blank(line) && leads(self.format, line)
    }

    /// Where what is certain ends in `buf` at the end of the input of a
    /// file that may grow: before its last record (see [`Chunker::hold_tail`]).
    fn certain_end(&self) -> usize {
        if self.format.multiline() {
            self.boundary().unwrap_or(0)
        } else {
            memchr::memrchr2(b'\n', 0, &self.buf).map_or(0, |i| i + 1)
        }
    }

    /// The next chunk, or `None` at the end of the input (or, holding the
    /// tail, at the last record).
    pub fn next_chunk(&mut self) -> io::Result<Option<Chunk>> {
        let mut want = self.target;
        loop {
            if self.held_cut.is_some() {
                return Ok(None);
            }
            self.fill(want)?;
            if self.buf.is_empty() {
                return Ok(None);
            }
            if self.eof {
                let end = if self.hold {
                    self.certain_end()
                } else {
                    self.buf.len()
                };
                if end == 0 {
                    return Ok(None);
                }
                let data = self.take_front(end);
                return Ok(Some(self.emit(data)));
            }
            if let Some(b) = self.boundary() {
                if b > 0 {
                    let data = self.take_front(b);
                    return Ok(Some(self.emit(data)));
                }
            }
            // No boundary: one record or one line fills the buffer.
            if self.buf.len() >= self.target + MAX_LINE || self.buf.len() >= MAX_RECORD {
                if let Some(chunk) = self.force_split()? {
                    return Ok(Some(chunk));
                }
                continue;
            }
            // Read more, but never past the bound: a read can still add up
            // to 64 KiB over it, which is the slack the bound allows.
            want = (self.buf.len() + self.target.max(64 * 1024)).min(self.target + MAX_LINE);
        }
    }

    /// Emits what the buffer holds when no record boundary was found in it:
    /// up to the last line break, or the kept part of one over-long line
    /// (its rest is read and dropped here, so the chunk ends where the line
    /// does). `None` when that line reached the end of the input and the
    /// tail is held.
    fn force_split(&mut self) -> io::Result<Option<Chunk>> {
        if let Some(nl) = memchr::memrchr2(b'\n', 0, &self.buf) {
            let data = self.take_front(nl + 1);
            return Ok(Some(self.emit(data)));
        }
        // One line longer than the buffer: keep MAX_LINE + 1 bytes so the
        // framer sees it is over-long and flags it, drop the rest of it.
        let mut span = self.buf.len() as u64;
        let mut data = std::mem::take(&mut self.buf);
        data.truncate(MAX_LINE + 1);
        let mut tmp = [0u8; 64 * 1024];
        let mut ended = false;
        let mut end_line = self.next_line;
        while !self.eof {
            let n = self.read_some(&mut tmp)?;
            match memchr2(b'\n', 0, &tmp[..n]) {
                Some(i) => {
                    // A `\n` ends the line; a NUL run stays for the framer
                    // to skip and count.
                    let newline = tmp[i] == b'\n';
                    span += (i + usize::from(newline)) as u64;
                    end_line += u64::from(newline);
                    self.buf
                        .extend_from_slice(&tmp[i + usize::from(newline)..n]);
                    ended = true;
                    break;
                }
                None => span += n as u64,
            }
        }
        data.push(b'\n');
        let chunk = Chunk {
            first_line: self.next_line,
            offset: self.next_offset,
            end_offset: self.next_offset + span,
            end_line,
            data,
        };
        if !ended && self.hold {
            self.held_cut = Some(chunk);
            return Ok(None);
        }
        self.next_offset = chunk.end_offset;
        self.next_line = chunk.end_line;
        Ok(Some(chunk))
    }

    /// The buffer's first `at` bytes; the rest stays, in a new buffer
    /// sized for a whole chunk (not grown again by doubling as it fills).
    fn take_front(&mut self, at: usize) -> Vec<u8> {
        let capacity = (self.target + 64 * 1024).max(self.buf.len() - at);
        let mut rest = Vec::with_capacity(capacity);
        rest.extend_from_slice(&self.buf[at..]);
        let mut data = std::mem::replace(&mut self.buf, rest);
        data.truncate(at);
        data
    }

    fn emit(&mut self, data: Vec<u8>) -> Chunk {
        let end_line = self.next_line + memchr::memchr_iter(b'\n', &data).count() as u64;
        let end_offset = self.next_offset + data.len() as u64;
        let chunk = Chunk {
            first_line: self.next_line,
            offset: self.next_offset,
            end_offset,
            end_line,
            data,
        };
        self.next_line = end_line;
        self.next_offset = end_offset;
        chunk
    }
}

impl<R: Read> Iterator for Chunker<'_, R> {
    type Item = io::Result<Chunk>;
    fn next(&mut self) -> Option<io::Result<Chunk>> {
        self.next_chunk().transpose()
    }
}

fn starts(format: &dyn Format, line: &[u8]) -> bool {
    match std::str::from_utf8(line) {
        Ok(s) => format.is_record_start(s),
        Err(_) => format.is_record_start(&String::from_utf8_lossy(line)),
    }
}

/// Whether `line`, known to start a record, is a lead line.
fn is_lead(format: &dyn Format, line: &[u8]) -> bool {
    match std::str::from_utf8(line) {
        Ok(s) => format.is_record_lead(s),
        Err(_) => format.is_record_lead(&String::from_utf8_lossy(line)),
    }
}

/// Whether `line` starts a record and is a lead line.
fn leads(format: &dyn Format, line: &[u8]) -> bool {
    is_lead(format, line) && starts(format, line)
}

/// Whether a file's first bytes are mostly not text: such a file is
/// refused rather than indexed as garbage. NUL bytes are left out of the
/// count — runs of them are what a crash leaves in a log, and the framer
/// skips them — so a log with a hole in its first kilobytes is still read;
/// what is counted against the text is other control bytes and bytes that
/// are not UTF-8. More than a quarter of those is binary. (UTF-16 text is
/// decoded before it gets here.)
pub fn looks_binary(head: &[u8]) -> bool {
    let sample = &head[..head.len().min(8192)];
    let mut text = 0usize;
    let mut other = 0usize;
    for piece in sample.utf8_chunks() {
        for c in piece.valid().chars() {
            match c {
                '\0' => {}
                '\n' | '\r' | '\t' | '\x0c' | '\x1b' => text += 1,
                c if c.is_control() => other += 1,
                c => text += c.len_utf8(),
            }
        }
        other += piece.invalid().len();
    }
    // A character cut by the end of the sample is not held against it.
    if sample.len() == 8192 {
        other = other.saturating_sub(3);
    }
    other * 4 > text + other
}

#[cfg(test)]
mod tests;
