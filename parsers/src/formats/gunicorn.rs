//! gunicorn's own error log (master and workers), in gunicorn's default
//! format `%(asctime)s [%(process)d] [%(levelname)s] %(message)s` with the
//! date format `[%Y-%m-%d %H:%M:%S %z]`:
//!
//! ```text
//! [2026-11-21 05:53:08 +0000] [16487] [INFO] Starting gunicorn 23.0.0
//! [2026-11-21 06:05:08 +0000] [16487] [CRITICAL] WORKER TIMEOUT (pid:16614)
//! ```
//!
//! The bracketed offset is honoured (a zone-less time, from a custom
//! `datefmt`, is read in the source's zone). The level is one of Python's
//! `DEBUG`, `INFO`, `WARNING`, `ERROR`, `CRITICAL`. Lines that do not
//! start with the prefix — the traceback after `Exception in worker
//! process` or `Error handling request` — continue the record before them;
//! the traceback's exception goes to extra `exception`. `pid` is the
//! process that wrote the line; the worker a master line is about
//! (`Booting worker with pid: 8`, `WORKER TIMEOUT (pid:9)`) goes to extra
//! `worker_pid`, and the signal of `Handling signal: hup` to extra `signal`.
//! gunicorn's access log is a CLF variant, read by the access-log formats.

use std::borrow::Cow;

use crate::common::timestamp;
use crate::event::{Event, Fields, Kind, Level};
use crate::format::{Format, ParseError};
use crate::formats::python::traceback_exception;
use crate::time::{iso8601_zoned, ParsedTime, TimeContext};

/// gunicorn's error log (`[time +0000] [pid] [LEVEL] message`).
pub struct Gunicorn;

/// The parts of a gunicorn line's prefix.
struct Prefix<'a> {
    time_text: &'a str,
    time: ParsedTime,
    pid: u32,
    level: Level,
    message_at: usize,
}

fn prefix(line: &str) -> Option<Prefix<'_>> {
    let inner = line.strip_prefix('[')?;
    let (rest, time) = iso8601_zoned(inner).ok()?;
    let time_text = &inner[..inner.len() - rest.len()];
    let rest = rest.strip_prefix("] [")?;
    let end = rest.find(']')?;
    let pid_text = &rest[..end];
    if pid_text.is_empty() || !pid_text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let pid = pid_text.parse().ok()?;
    let rest = rest[end..].strip_prefix("] [")?;
    let end = rest.find(']')?;
    let level = match &rest[..end] {
        word @ ("DEBUG" | "INFO" | "WARNING" | "ERROR" | "CRITICAL") => Level::from_word(word)?,
        _ => return None,
    };
    let rest = &rest[end + 1..];
    let message = match rest.strip_prefix(' ') {
        Some(m) => m,
        None if rest.is_empty() => rest,
        None => return None,
    };
    Some(Prefix {
        time_text,
        time,
        pid,
        level,
        message_at: line.len() - message.len(),
    })
}

/// The number after `pid:` / `pid: ` in a master's message about a worker.
fn worker_pid(message: &str) -> Option<&str> {
    let at = message.find("pid:")?;
    let digits = message[at + 4..].trim_start_matches(' ');
    let end = digits
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(digits.len());
    (end > 0).then(|| &digits[..end])
}

impl Format for Gunicorn {
    fn name(&self) -> &str {
        "gunicorn"
    }

    fn description(&self) -> &str {
        "gunicorn error log: [time +0000] [pid] [LEVEL] message, tracebacks attached"
    }

    fn kind(&self) -> Kind {
        Kind::App
    }

    fn multiline(&self) -> bool {
        true
    }

    fn is_record_start(&self, line: &str) -> bool {
        prefix(line).is_some()
    }

    fn parse<'a>(&self, record: &'a str, ctx: &TimeContext) -> Result<Event<'a>, ParseError> {
        let first_line = record.split('\n').next().unwrap_or(record);
        let p = prefix(first_line).ok_or(ParseError::new(
            "expected `[time] [pid] [LEVEL]` as gunicorn writes it",
            0,
        ))?;
        let ts = timestamp(p.time_text, p.time, ctx)?;
        let message = record.get(p.message_at..).unwrap_or("");
        let message_line = first_line.get(p.message_at..).unwrap_or("");
        let mut fields = Fields {
            pid: Some(p.pid),
            ..Fields::default()
        };
        if let Some(worker) = worker_pid(message_line) {
            fields
                .extra
                .push((Cow::Borrowed("worker_pid"), Cow::Borrowed(worker)));
        }
        if let Some(signal) = message_line.strip_prefix("Handling signal: ") {
            fields
                .extra
                .push((Cow::Borrowed("signal"), Cow::Borrowed(signal.trim_end())));
        }
        if record.len() > first_line.len() {
            if let Some(exception) = traceback_exception(record) {
                fields
                    .extra
                    .push((Cow::Borrowed("exception"), Cow::Borrowed(exception)));
            }
        }
        Ok(Event {
            timestamp: Some(ts),
            level: p.level,
            message: Cow::Borrowed(message),
            fields,
            ..Event::default()
        })
    }
}

#[cfg(test)]
mod tests;
