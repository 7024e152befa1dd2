//! Log files: a buffered writer with a small reorder buffer.
//!
//! The simulation runs in time order, and a line is emitted while handling
//! an event at time `now`, with a timestamp `ts >= now` (a PostgreSQL
//! backend logs "connection authorized" a few milliseconds after "connection
//! received"; a query logs when it ends). Lines wait in a min-heap until the
//! simulation has moved past their time, so every file comes out in time
//! order, as the real servers write it, while memory stays bounded by what
//! is in flight.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::io::{self, Write};

use crate::clock::{Clock, Time};

/// One pending line (or multi-line record), ordered by time then emission.
#[derive(Debug)]
struct Pending {
    ts: Time,
    seq: u64,
    raw: bool,
    buf: Vec<u8>,
}

/// A prefix decided when a record is written, because it depends on the
/// record written before it (MariaDB prints a time only when the second
/// changes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Prefix {
    /// MariaDB general log: `YYMMDD H:MM:SS\t`, or `\t\t` within the same second.
    MariadbGeneral,
    /// MariaDB slow log: a `# Time: YYMMDD H:MM:SS` line when the second changes.
    MariadbSlow,
}

impl PartialEq for Pending {
    fn eq(&self, other: &Self) -> bool {
        (self.ts, self.seq) == (other.ts, other.seq)
    }
}
impl Eq for Pending {}
impl PartialOrd for Pending {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Pending {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        (self.ts, self.seq).cmp(&(other.ts, other.seq))
    }
}

/// An output log file.
pub struct LogFile {
    /// File name inside the output directory.
    pub name: String,
    w: Box<dyn Write>,
    pending: BinaryHeap<Reverse<Pending>>,
    seq: u64,
    now: Time,
    free: Vec<Vec<u8>>,
    /// Bytes written so far.
    pub bytes: u64,
    /// The timestamp of the last record written.
    pub last_ts: Option<Time>,
    /// This file's copy of the run clock.
    pub clock: Clock,
    prefix: Option<Prefix>,
    last_second: i64,
}

impl LogFile {
    /// A log file writing to `w`.
    pub fn new(name: &str, w: Box<dyn Write>, clock: Clock) -> LogFile {
        LogFile {
            name: name.to_string(),
            w,
            pending: BinaryHeap::new(),
            seq: 0,
            now: Time::MIN,
            free: Vec::new(),
            bytes: 0,
            last_ts: None,
            clock,
            prefix: None,
            last_second: i64::MIN,
        }
    }

    /// Sets a write-time prefix.
    pub fn with_prefix(mut self, prefix: Prefix) -> LogFile {
        self.prefix = Some(prefix);
        self
    }

    /// An empty buffer to format one record into.
    pub fn buf(&mut self) -> Vec<u8> {
        self.free.pop().unwrap_or_else(|| Vec::with_capacity(512))
    }

    /// Queues a formatted record (ending in a newline) for time `ts`.
    pub fn push(&mut self, ts: Time, buf: Vec<u8>) -> io::Result<()> {
        self.push_with(ts, buf, false)
    }

    /// Queues a record that gets no write-time prefix (file headers).
    pub fn push_raw(&mut self, ts: Time, buf: Vec<u8>) -> io::Result<()> {
        self.push_with(ts, buf, true)
    }

    fn push_with(&mut self, ts: Time, buf: Vec<u8>, raw: bool) -> io::Result<()> {
        let ts = ts.max(self.now);
        if self.pending.is_empty() && ts <= self.now {
            self.write(ts, &buf, raw)?;
            self.recycle(buf);
            return Ok(());
        }
        self.seq += 1;
        self.pending.push(Reverse(Pending {
            ts,
            seq: self.seq,
            raw,
            buf,
        }));
        Ok(())
    }

    /// Writes every queued record older than `t`: nothing earlier can come.
    pub fn advance(&mut self, t: Time) -> io::Result<()> {
        self.now = t;
        while let Some(Reverse(top)) = self.pending.peek() {
            if top.ts >= t {
                break;
            }
            if let Some(Reverse(p)) = self.pending.pop() {
                self.write(p.ts, &p.buf, p.raw)?;
                self.recycle(p.buf);
            }
        }
        Ok(())
    }

    /// Writes everything still queued and flushes.
    pub fn finish(&mut self) -> io::Result<()> {
        while let Some(Reverse(p)) = self.pending.pop() {
            self.write(p.ts, &p.buf, p.raw)?;
        }
        self.w.flush()
    }

    fn write(&mut self, ts: Time, buf: &[u8], raw: bool) -> io::Result<()> {
        if let (Some(prefix), false) = (self.prefix, raw) {
            let second = self.clock.unix_us(ts).div_euclid(1_000_000);
            let mut p = Vec::with_capacity(32);
            let changed = second != self.last_second;
            self.last_second = second;
            match prefix {
                Prefix::MariadbGeneral if changed => {
                    crate::clock::mysql_short(&mut p, &mut self.clock, ts);
                    p.push(b'\t');
                }
                Prefix::MariadbGeneral => p.extend_from_slice(b"\t\t"),
                Prefix::MariadbSlow if changed => {
                    p.extend_from_slice(b"# Time: ");
                    crate::clock::mysql_short(&mut p, &mut self.clock, ts);
                    p.push(b'\n');
                }
                Prefix::MariadbSlow => {}
            }
            self.bytes += p.len() as u64;
            self.w.write_all(&p)?;
        }
        self.bytes += buf.len() as u64;
        self.last_ts = Some(ts);
        self.w.write_all(buf)
    }

    fn recycle(&mut self, mut buf: Vec<u8>) {
        if self.free.len() < 64 && buf.capacity() <= 16 * 1024 {
            buf.clear();
            self.free.push(buf);
        }
    }
}

/// A writer that only counts (for sizing runs).
pub struct Counter;

impl Write for Counter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::RefCell;
    use std::rc::Rc;

    #[derive(Clone, Default)]
    struct Shared(Rc<RefCell<Vec<u8>>>);
    impl Write for Shared {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            self.0.borrow_mut().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn lines_come_out_in_time_order() -> io::Result<()> {
        let sink = Shared::default();
        let clock = Clock::new(chrono::DateTime::UNIX_EPOCH, chrono_tz::Tz::UTC);
        let mut f = LogFile::new("x", Box::new(sink.clone()), clock);
        f.advance(10)?;
        f.push(15, b"c\n".to_vec())?;
        f.push(10, b"a\n".to_vec())?;
        f.push(12, b"b\n".to_vec())?;
        f.advance(13)?;
        f.push(13, b"b2\n".to_vec())?;
        f.advance(20)?;
        f.push(20, b"d\n".to_vec())?;
        f.finish()?;
        assert_eq!(
            String::from_utf8_lossy(&sink.0.borrow()),
            "a\nb\nb2\nc\nd\n"
        );
        Ok(())
    }
}
