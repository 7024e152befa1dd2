//! Go's standard `log` package: a local date and time, then the message.
//!
//! ```text
//! 2026/11/21 05:53:09 listening on :8080
//! 2026/11/21 05:53:09.123456 main.go:23: [ERROR] db down
//! myapp: 2026/11/21 05:53:09 starting
//! ```
//!
//! The header is `log.LstdFlags` (`2026/11/21 05:53:09`), with
//! `Lmicroseconds` a fraction, with `Lshortfile`/`Llongfile` a
//! `file.go:23: ` caller (→ `logger`), and with a prefix set by
//! `log.New`/`SetPrefix` (`myapp: `, `[api] `, `INFO: `) before the date.
//! The time is local (zone assumed) unless the source's zone says otherwise.
//!
//! Go's log has no level: a level word that the prefix or the message
//! starts with is read (`[ERROR] db down`, `INFO: `, `panic: …`), else the
//! record is `info`. Lines that do not start with a header — a panic
//! (`panic: …`, `goroutine 1 [running]:`, tab-indented frames) or a
//! multi-line message — continue the record before them; a record whose
//! continuation shows a panic or a fatal runtime error is `fatal`, one with
//! a goroutine dump (a recovered `http: panic serving …`) at least `error`.
//!
//! nginx's error log starts with the same date (`2026/11/21 06:00:48
//! [error] 16497#16497: …`): this format's specificity is below 1 so that
//! nginx's own format wins there.

use std::borrow::Cow;

use crate::common::{message_level, timestamp};
use crate::event::{Event, Kind, Level};
use crate::format::{Format, ParseError};
use crate::time::{iso8601, ParsedTime, TimeContext};

/// Go's standard library logger (`log.Printf`).
pub struct GoLog;

/// The longest prefix looked at before the date.
const MAX_PREFIX: usize = 32;

/// A header: the prefix before the date, the timestamp text and value, and
/// the rest of the line after the space that follows the time.
struct Header<'a> {
    prefix: &'a str,
    time_text: &'a str,
    time: ParsedTime,
    rest: &'a str,
}

/// Whether `b` starts with `dddd/dd/dd ` (Go's date, then a space).
#[inline]
fn starts_with_go_date(b: &[u8]) -> bool {
    b.len() > 11
        && b[..4].iter().all(u8::is_ascii_digit)
        && b[4] == b'/'
        && b[5..7].iter().all(u8::is_ascii_digit)
        && b[7] == b'/'
        && b[8..10].iter().all(u8::is_ascii_digit)
        && b[10] == b' '
}

/// Reads the header at the start of `line`: the date at once, or after a
/// prefix of one word (a trailing space allowed: `myapp: `, `[api] `).
fn header(line: &str) -> Option<Header<'_>> {
    let b = line.as_bytes();
    let start = if starts_with_go_date(b) {
        0
    } else {
        let limit = b.len().min(MAX_PREFIX + 1);
        let p = (1..limit).find(|&p| starts_with_go_date(&b[p..]))?;
        // The prefix is one word, with at most a trailing space before the date.
        let prefix = &b[..p];
        let word = prefix.strip_suffix(b" ").unwrap_or(prefix);
        if word.is_empty() || word.iter().any(|c| c.is_ascii_whitespace()) {
            return None;
        }
        p
    };
    // `start` is the position of an ASCII digit, so a character boundary.
    let from_date = &line[start..];
    let (after, time) = iso8601(from_date).ok()?;
    // The time is followed by a space (or nothing: an empty message).
    let rest = match after.strip_prefix(' ') {
        Some(r) => r,
        None if after.is_empty() => after,
        None => return None,
    };
    if time.zone != crate::time::ZoneSpec::Local {
        return None;
    }
    Some(Header {
        prefix: &line[..start],
        time_text: &from_date[..from_date.len() - after.len()],
        time,
        rest,
    })
}

/// Splits a `file.go:23: ` caller (`Lshortfile`/`Llongfile`) off the message.
fn caller(rest: &str) -> Option<(&str, &str)> {
    let end = rest
        .find(": ")
        .or_else(|| rest.strip_suffix(':').map(str::len))?;
    let candidate = &rest[..end];
    let (file, line) = candidate.rsplit_once(':')?;
    let is_go_file = file.ends_with(".go") && !file.contains(' ');
    let is_line = !line.is_empty() && line.bytes().all(|c| c.is_ascii_digit());
    if !(is_go_file && is_line) {
        return None;
    }
    let after = rest.get(end + 1..).unwrap_or("");
    Some((candidate, after.strip_prefix(' ').unwrap_or(after)))
}

impl Format for GoLog {
    fn name(&self) -> &str {
        "go-log"
    }

    fn aliases(&self) -> &[&str] {
        &["go", "golang", "go-stdlib"]
    }

    fn description(&self) -> &str {
        "Go's standard log package (2026/11/21 05:53:09 message), panics included"
    }

    fn kind(&self) -> Kind {
        Kind::App
    }

    fn multiline(&self) -> bool {
        true
    }

    fn is_record_start(&self, line: &str) -> bool {
        header(line).is_some()
    }

    fn specificity(&self) -> f64 {
        0.7
    }

    fn parse<'a>(&self, record: &'a str, ctx: &TimeContext) -> Result<Event<'a>, ParseError> {
        let h = header(record).ok_or(ParseError::new(
            "expected a Go log date and time (2026/11/21 05:53:09)",
            0,
        ))?;
        let ts = timestamp(h.time_text, h.time, ctx)?;
        let mut event = Event {
            timestamp: Some(ts),
            level: Level::Info,
            ..Event::default()
        };
        let mut level = None;
        // A prefix is a level (`INFO: `, `[ERROR] `) or a name (`myapp: `, `[api] `).
        if !h.prefix.is_empty() {
            match message_level(h.prefix) {
                Some((l, _)) => level = Some(l),
                None => {
                    let name = h.prefix.trim_end().trim_end_matches(':');
                    let name = name
                        .strip_prefix('[')
                        .and_then(|n| n.strip_suffix(']'))
                        .unwrap_or(name);
                    event.fields.logger = Some(Cow::Borrowed(name));
                }
            }
        }
        let mut message = h.rest;
        if let Some((file_line, after)) = caller(message) {
            if event.fields.logger.is_none() {
                event.fields.logger = Some(Cow::Borrowed(file_line));
            } else {
                event
                    .fields
                    .extra
                    .push((Cow::Borrowed("caller"), Cow::Borrowed(file_line)));
            }
            message = after;
        }
        if let Some((l, after)) = message_level(message) {
            level = level.or(Some(l));
            message = after;
        }
        let mut level = level.unwrap_or(Level::Info);
        // A panic or a goroutine dump in the continuation lines.
        if let Some((_, continuation)) = message.split_once('\n') {
            for line in continuation.lines() {
                if line.starts_with("panic: ") || line.starts_with("fatal error: ") {
                    level = level.max(Level::Fatal);
                } else if line.starts_with("goroutine ") {
                    level = level.max(Level::Error);
                }
            }
        }
        event.level = level;
        event.message = Cow::Borrowed(message);
        Ok(event)
    }
}

#[cfg(test)]
mod tests;
