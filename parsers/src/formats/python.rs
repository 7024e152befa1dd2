//! Python's standard `logging` output, in the shapes its formatters are
//! usually configured with:
//!
//! ```text
//! 2026-11-21 05:57:09,285 INFO [16614] shop.api: Starting app version 1.4.2   %(asctime)s %(levelname)s [%(process)d] %(name)s: %(message)s
//! 2026-11-21 05:57:09,285 INFO shop.api: Starting app                         %(asctime)s %(levelname)s %(name)s: %(message)s
//! 2026-11-21 05:57:09,285 [INFO] [MainThread] shop.api: Starting app          (bracketed level, thread name)
//! 2026-11-21 05:57:09,285 - shop.api - INFO - Starting app                    %(asctime)s - %(name)s - %(levelname)s - %(message)s
//! 2026-11-21 05:57:09,285 - INFO - Starting app                               %(asctime)s - %(levelname)s - %(message)s
//! 2026-11-21 05:57:09,285:INFO:shop.api:Starting app                          %(asctime)s:%(levelname)s:%(name)s:%(message)s
//! 2026-11-21 05:57:09,285 shop.api     INFO     Starting app                  %(asctime)s %(name)-12s %(levelname)-8s %(message)s
//! [2026-11-21 05:57:09,285] ERROR in app: Exception on /x [GET]               Flask's default handler
//! WARNING:shop.api:Pool is slow                                               basicConfig's default (no time)
//! ```
//!
//! A record starts only at a line that begins with one of these prefixes;
//! every other line — a traceback with its `File …` frames, `^^^^` markers,
//! blank lines, `The above exception was the direct cause…` and the final
//! exception line — continues the record that logged it, and stays in its
//! message. The levels are Python's names in capitals (`DEBUG`, `INFO`,
//! `WARNING`, `ERROR`, `CRITICAL`, plus `WARN`, `FATAL`, `TRACE`).
//!
//! Fields: `pid` from `[%(process)d]`, `session` from a bracketed thread
//! name, `logger` from `%(name)s` (Flask: `%(module)s`), the `key=value`
//! tokens of the message's first line ([`set_message_pairs`]), and for a
//! record with a traceback the exception line in extra `exception`. The
//! basicConfig shape has no time: its events have no timestamp and the
//! ingest gives them their predecessor's.

use std::borrow::Cow;

use crate::common::{set_message_pairs, timestamp};
use crate::event::{Event, Fields, Kind, Level};
use crate::format::{Format, ParseError};
use crate::time::{iso8601, ParsedTime, TimeContext};

/// Python `logging` module output (`%(asctime)s %(levelname)s …` formats and basicConfig's).
pub struct Python;

/// What the prefix of a record's first line holds.
struct Prefix<'a> {
    time: Option<(&'a str, ParsedTime)>,
    level: Level,
    pid: Option<u32>,
    thread: Option<&'a str>,
    logger: Option<&'a str>,
    /// Byte offset of the message in the line (and the record).
    message_at: usize,
}

/// A level name as Python's `%(levelname)s` writes it (capitals only).
fn python_level(word: &str) -> Option<Level> {
    match word {
        "DEBUG" | "INFO" | "WARNING" | "WARN" | "ERROR" | "CRITICAL" | "FATAL" | "TRACE" => {
            Level::from_word(word)
        }
        _ => None,
    }
}

/// Skips spaces and tabs (never a line break).
fn skip_spaces(s: &str) -> &str {
    s.trim_start_matches([' ', '\t'])
}

/// The run of non-whitespace characters at the start of `s`, and the rest.
fn word(s: &str) -> (&str, &str) {
    // A byte search: whitespace is ASCII, its position a character boundary.
    let end = s
        .bytes()
        .position(|b| b.is_ascii_whitespace())
        .unwrap_or(s.len());
    s.split_at(end)
}

/// A level written bare (`INFO`, `WARNING `) or in brackets (`[INFO]`, `[INFO ]`).
fn level_token(s: &str) -> Option<(Level, &str)> {
    if let Some(inner) = s.strip_prefix('[') {
        let end = inner.find(']')?;
        let level = python_level(inner[..end].trim_end_matches(' '))?;
        return Some((level, &inner[end + 1..]));
    }
    let end = s
        .bytes()
        .position(|b| !b.is_ascii_uppercase())
        .unwrap_or(s.len());
    let level = python_level(&s[..end])?;
    Some((level, &s[end..]))
}

/// The timestamp text and its parsed value at the start of `s` (asctime:
/// `2026-11-21 05:57:09,285`, or whatever ISO-like shape `datefmt` gave).
fn asctime(s: &str) -> Option<(&str, ParsedTime, &str)> {
    let (rest, t) = iso8601(s).ok()?;
    Some((&s[..s.len() - rest.len()], t, rest))
}

/// ` name: message` → the name (without its colon) and the message.
fn name_colon(s: &str) -> Option<(&str, &str)> {
    let (name, rest) = word(s);
    let name = name.strip_suffix(':')?;
    if name.is_empty() || name.starts_with('[') {
        return None;
    }
    Some((name, rest.strip_prefix([' ', '\t']).unwrap_or(rest)))
}

/// Reads the prefix of `line` (the first line of a record).
fn prefix(line: &str) -> Option<Prefix<'_>> {
    let at = |rest: &str| line.len() - rest.len();
    let first = *line.as_bytes().first()?;
    if first == b'[' {
        // Flask: `[asctime] LEVEL in module: message`.
        let (text, t, rest) = asctime(&line[1..])?;
        let rest = rest.strip_prefix("] ")?;
        let (level, rest) = level_token(rest)?;
        let rest = rest.strip_prefix(" in ")?;
        let (module, message) = name_colon(rest)?;
        return Some(Prefix {
            time: Some((text, t)),
            level,
            pid: None,
            thread: None,
            logger: Some(module),
            message_at: at(message),
        });
    }
    if first.is_ascii_digit() {
        let (text, t, rest) = asctime(line)?;
        let time = Some((text, t));
        let mut p = Prefix {
            time,
            level: Level::Info,
            pid: None,
            thread: None,
            logger: None,
            message_at: 0,
        };
        if let Some(rest) = rest.strip_prefix(':') {
            // `asctime:LEVEL:name:message`.
            let (level, rest) = level_token(rest)?;
            let rest = rest.strip_prefix(':')?;
            let end = rest.find(':')?;
            let name = &rest[..end];
            if name.is_empty() || name.contains(char::is_whitespace) {
                return None;
            }
            (p.level, p.logger, p.message_at) = (level, Some(name), at(&rest[end + 1..]));
            return Some(p);
        }
        if let Some(rest) = rest.strip_prefix(" - ") {
            // `asctime - name - LEVEL - message` or `asctime - LEVEL - message`.
            if let Some((level, after)) = level_token(rest) {
                if let Some(message) = after.strip_prefix(" - ") {
                    (p.level, p.message_at) = (level, at(message));
                    return Some(p);
                }
            }
            let (name, after) = word(rest);
            let after = after.strip_prefix(" - ")?;
            let (level, after) = level_token(after)?;
            let message = after.strip_prefix(" - ")?;
            (p.level, p.logger, p.message_at) = (level, Some(name), at(message));
            return Some(p);
        }
        let rest = rest.strip_prefix([' ', '\t'])?;
        let rest = skip_spaces(rest);
        if let Some((level, after)) = level_token(rest) {
            // `asctime LEVEL [pid|thread] name: message`.
            if !after.starts_with([' ', '\t']) {
                return None;
            }
            let mut after = skip_spaces(after);
            if after.starts_with('[') {
                let end = after.find(']')?;
                let inner = &after[1..end];
                match inner.parse::<u32>() {
                    Ok(pid) if !inner.starts_with('+') => p.pid = Some(pid),
                    _ if !inner.is_empty() => p.thread = Some(inner),
                    _ => return None,
                }
                after = skip_spaces(&after[end + 1..]);
            }
            let (name, message) = name_colon(after)?;
            (p.level, p.logger, p.message_at) = (level, Some(name), at(message));
            return Some(p);
        }
        // `asctime name LEVEL message` (the logging cookbook's padded columns).
        let (name, after) = word(rest);
        if name.is_empty() || name.starts_with(['[', '(', '-']) || name.ends_with(':') {
            return None;
        }
        let (level, after) = level_token(skip_spaces(after))?;
        if !(after.is_empty() || after.starts_with([' ', '\t'])) {
            return None;
        }
        (p.level, p.logger, p.message_at) = (level, Some(name), at(skip_spaces(after)));
        return Some(p);
    }
    // basicConfig's `LEVEL:name:message`.
    let (level, rest) = level_token(line)?;
    let rest = rest.strip_prefix(':')?;
    let end = rest.find(':')?;
    let name = &rest[..end];
    if name.is_empty() || name.contains(char::is_whitespace) {
        return None;
    }
    Some(Prefix {
        time: None,
        level,
        pid: None,
        thread: None,
        logger: Some(name),
        message_at: at(&rest[end + 1..]),
    })
}

/// The exception a Python traceback in `record` ends with: the first
/// unindented line after the last `Traceback (most recent call last):`
/// (`sqlalchemy.exc.TimeoutError: QueuePool limit …`), which is also right
/// when the exception's message goes on over more lines. Falls back to the
/// last non-blank line (exception groups indent everything). `None` when
/// the record holds no traceback.
pub fn traceback_exception(record: &str) -> Option<&str> {
    const HEADER: &str = "Traceback (most recent call last):";
    let start = record
        .match_indices(HEADER)
        .map(|(i, _)| i)
        .filter(|&i| i == 0 || record.as_bytes().get(i - 1) == Some(&b'\n'))
        .last()?;
    let after = &record[start + HEADER.len()..];
    after
        .lines()
        .find(|l| !l.trim().is_empty() && !l.starts_with([' ', '\t']))
        .or_else(|| after.lines().rev().find(|l| !l.trim().is_empty()))
        .map(|l| l.trim())
}

impl Format for Python {
    fn name(&self) -> &str {
        "python"
    }

    fn aliases(&self) -> &[&str] {
        &["python-logging"]
    }

    fn description(&self) -> &str {
        "Python logging module output (asctime/levelname/name formats, Flask, basicConfig), tracebacks attached"
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
            "expected a Python logging prefix (asctime, levelname, name)",
            0,
        ))?;
        let timestamp = match p.time {
            Some((text, t)) => Some(timestamp(text, t, ctx)?),
            None => None,
        };
        let message = record.get(p.message_at..).unwrap_or("");
        let mut fields = Fields {
            pid: p.pid,
            session: p.thread.map(Cow::Borrowed),
            logger: p.logger.map(Cow::Borrowed),
            ..Fields::default()
        };
        let message_line = first_line.get(p.message_at..).unwrap_or("");
        set_message_pairs(message_line, &mut fields);
        if record.len() > first_line.len() {
            if let Some(exception) = traceback_exception(record) {
                fields
                    .extra
                    .push((Cow::Borrowed("exception"), Cow::Borrowed(exception)));
            }
        }
        Ok(Event {
            timestamp,
            level: p.level,
            message: Cow::Borrowed(message),
            fields,
            ..Event::default()
        })
    }
}

#[cfg(test)]
mod tests;
