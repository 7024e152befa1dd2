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

use std::borrow::Cow;
use std::io::{self, Read};

use memchr::memchr;

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

/// Iterates the records of a buffer for one format.
pub struct Framer<'a> {
    data: &'a [u8],
    pos: usize,
    line: u64,
    base_offset: u64,
    format: &'a dyn Format,
    multiline: bool,
    blank_lines: u64,
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

    /// The next line at `pos`: (content end without `\r\n`, start of the next line).
    #[inline]
    fn line_at(&self, pos: usize) -> (usize, usize) {
        let rest = &self.data[pos..];
        let (end, next) = match memchr(b'\n', rest) {
            Some(i) => (pos + i, pos + i + 1),
            None => (self.data.len(), self.data.len()),
        };
        let end = if end > pos && self.data[end - 1] == b'\r' {
            end - 1
        } else {
            end
        };
        (end, next)
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
        // Skip blank lines between records.
        let (first_end, mut next) = loop {
            if self.pos >= self.data.len() {
                return None;
            }
            let (end, next) = self.line_at(self.pos);
            if is_blank(&self.data[self.pos..end]) {
                self.blank_lines += 1;
                self.pos = next;
                self.line += 1;
                continue;
            }
            break (end, next);
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
        self.line += 1;
        if self.multiline && !truncated {
            // The end of the last non-blank line taken, so trailing blank lines stay out.
            let mut taken = next;
            let mut last_content_end = end;
            let mut pending_blank = 0u64;
            while next < self.data.len() {
                let (le, ln) = self.line_at(next);
                let line = &self.data[next..le];
                if le - next > MAX_LINE || le - start > MAX_RECORD || lines == u32::MAX {
                    break;
                }
                let blank = is_blank(line);
                if !blank && starts(self.format, line) {
                    break;
                }
                lines += 1;
                if blank {
                    pending_blank += 1;
                } else {
                    last_content_end = le;
                    pending_blank = 0;
                    taken = ln;
                }
                next = ln;
            }
            // Trailing blank lines are not part of the record: give them back.
            lines -= pending_blank as u32;
            next = taken;
            end = last_content_end;
        }
        self.pos = next;
        self.line = first_line + u64::from(lines);
        let bytes = &self.data[start..end];
        let (text, lossy) = match std::str::from_utf8(bytes) {
            Ok(s) if memchr(b'\r', bytes).is_none() => (Cow::Borrowed(s), false),
            Ok(s) => (Cow::Owned(s.replace("\r\n", "\n")), false),
            Err(_) => {
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
}

/// Cuts a reader into [`Chunk`]s of about `target` bytes that end on record
/// boundaries, holding at most `target + MAX_LINE` bytes at once (plus
/// one 64 KiB read).
pub struct Chunker<'f, R> {
    reader: R,
    format: &'f dyn Format,
    buf: Vec<u8>,
    target: usize,
    eof: bool,
    /// Inside an over-long line whose kept part was already emitted: drop bytes until `\n`.
    discarding: bool,
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
            discarding: false,
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

    /// Bytes read from the reader so far (for progress).
    pub fn bytes_read(&self) -> u64 {
        self.bytes_read
    }

    fn fill(&mut self, want: usize) -> io::Result<()> {
        let mut tmp = [0u8; 64 * 1024];
        while self.buf.len() < want && !self.eof {
            let n = match self.reader.read(&mut tmp) {
                Ok(0) => {
                    self.eof = true;
                    break;
                }
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            self.bytes_read += n as u64;
            let mut data = &tmp[..n];
            if self.discarding {
                match memchr(b'\n', data) {
                    Some(i) => {
                        self.discarding = false;
                        self.next_offset += i as u64 + 1;
                        data = &data[i + 1..];
                    }
                    None => {
                        self.next_offset += n as u64;
                        continue;
                    }
                }
            }
            self.buf.extend_from_slice(data);
        }
        Ok(())
    }

    /// Where the last complete record in `buf` ends, or `None` if `buf`
    /// holds no record boundary after its first line.
    fn boundary(&self) -> Option<usize> {
        let multiline = self.format.multiline();
        let mut end = self.buf.len();
        // `end` is one past a '\n': the candidate boundary is `end`.
        while let Some(nl) = memchr::memrchr(b'\n', &self.buf[..end]) {
            let candidate = nl + 1;
            if candidate == 0 {
                return None;
            }
            if !multiline {
                return Some(candidate);
            }
            let line_end = memchr(b'\n', &self.buf[candidate..]).map(|i| candidate + i);
            // A line not yet complete cannot be judged: look earlier.
            if let Some(le) = line_end {
                let line = &self.buf[candidate..le];
                let line = line.strip_suffix(b"\r").unwrap_or(line);
                if !is_blank(line) && starts(self.format, line) {
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

    /// The next chunk, or `None` at the end of the input.
    pub fn next_chunk(&mut self) -> io::Result<Option<Chunk>> {
        let mut want = self.target;
        loop {
            self.fill(want)?;
            if self.buf.is_empty() {
                return Ok(None);
            }
            if self.eof {
                let data = std::mem::take(&mut self.buf);
                return Ok(Some(self.emit(data)));
            }
            if let Some(b) = self.boundary() {
                if b > 0 {
                    let rest = self.buf.split_off(b);
                    let data = std::mem::replace(&mut self.buf, rest);
                    return Ok(Some(self.emit(data)));
                }
            }
            // No boundary: one record or one line fills the buffer.
            if self.buf.len() >= self.target + MAX_LINE || self.buf.len() >= MAX_RECORD {
                return Ok(Some(self.force_split()));
            }
            // Read more, but never past the bound: a read can still add up
            // to 64 KiB over it, which is the slack the bound allows.
            want = (self.buf.len() + self.target.max(64 * 1024)).min(self.target + MAX_LINE);
        }
    }

    /// Emits what the buffer holds when no record boundary was found in it:
    /// up to the last line break, or the kept part of one over-long line.
    fn force_split(&mut self) -> Chunk {
        match memchr::memrchr(b'\n', &self.buf) {
            Some(nl) => {
                let rest = self.buf.split_off(nl + 1);
                let data = std::mem::replace(&mut self.buf, rest);
                self.emit(data)
            }
            None => {
                // One line longer than the buffer: keep MAX_LINE + 1 bytes so the
                // framer sees it is over-long and flags it, drop the rest of it.
                let total = self.buf.len() as u64;
                let mut data = std::mem::take(&mut self.buf);
                data.truncate(MAX_LINE + 1);
                data.push(b'\n');
                let chunk = Chunk {
                    first_line: self.next_line,
                    offset: self.next_offset,
                    data,
                };
                self.next_line += 1;
                self.next_offset += total;
                self.discarding = true;
                chunk
            }
        }
    }

    fn emit(&mut self, data: Vec<u8>) -> Chunk {
        let chunk = Chunk {
            first_line: self.next_line,
            offset: self.next_offset,
            data,
        };
        self.next_line += memchr::memchr_iter(b'\n', &chunk.data).count() as u64;
        self.next_offset += chunk.data.len() as u64;
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

/// Whether a file's first bytes look binary (NUL bytes, or mostly control
/// bytes): such a file is refused rather than indexed as garbage.
pub fn looks_binary(head: &[u8]) -> bool {
    let sample = &head[..head.len().min(8192)];
    if sample.is_empty() {
        return false;
    }
    if memchr(0, sample).is_some() {
        return true;
    }
    let control = sample
        .iter()
        .filter(|&&b| b < 0x20 && !matches!(b, b'\n' | b'\r' | b'\t' | 0x0c | 0x1b))
        .count();
    control * 10 > sample.len()
}

#[cfg(test)]
mod tests;
