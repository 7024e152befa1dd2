//! Helpers for the writers' format tests: log files that write into memory
//! with a clock fixed at 2026-11-21 05:53:08 UTC.

use std::cell::RefCell;
use std::io::{self, Write};
use std::rc::Rc;

use chrono::{TimeZone, Utc};

use crate::clock::Clock;
use crate::out::LogFile;

/// A writer whose bytes the test can read back.
#[derive(Clone, Default)]
pub struct Sink(Rc<RefCell<Vec<u8>>>);

impl Write for Sink {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.borrow_mut().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl Sink {
    /// What was written.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.borrow()).into_owned()
    }
}

/// The test clock in `zone`.
pub fn clock(zone: &str) -> Clock {
    let start = Utc
        .with_ymd_and_hms(2026, 11, 21, 5, 53, 8)
        .single()
        .unwrap_or_default();
    Clock::new(start, zone.parse().unwrap_or(chrono_tz::Tz::UTC))
}

/// A log file into memory.
pub fn file(zone: &str) -> (LogFile, Sink) {
    let sink = Sink::default();
    (
        LogFile::new("test.log", Box::new(sink.clone()), clock(zone)),
        sink,
    )
}
