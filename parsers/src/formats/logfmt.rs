//! logfmt: lines made only of `key=value` pairs, as Go kit, logrus's text
//! formatter, Go's `log/slog` text handler and Heroku write them.
//!
//! ```text
//! time=2026-11-21T05:53:09.285Z level=info msg="starting server" addr=:8080 request_id=abc duration=12ms
//! ```
//!
//! The time comes from `time`, `ts`, `t`, `timestamp` or `at` (RFC 3339 or
//! epoch), the level from `level`, `lvl`, `severity` or Heroku's `at=info`,
//! the message from `msg`/`message` (else `event`, `desc`, `error`). Every
//! other pair goes through [`Fields::set`] (`duration=12ms`, `status=200`,
//! `req.method=GET`…). Quoted values are unquoted and unescaped.
//!
//! A line is this format only if it is nothing but `key=value` pairs (no
//! bare words, no unterminated quotes), at least two of them, with a time
//! or a level among them — so free text with a few `a=b` inside (a Python
//! log line, an nginx line with `rt=0.012`) is left to its own format.

use std::borrow::Cow;

use crate::common::{kv_pairs, timestamp};
use crate::event::{Event, Fields, Kind, Level};
use crate::format::{Format, ParseError};
use crate::time::{timestamp_value, TimeContext};

/// `key=value` lines (Go kit, logrus text, slog text, Heroku router).
pub struct Logfmt;

/// What a key is for.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Role {
    Time,
    Level,
    /// Heroku's `at`: a level (`at=info`), elsewhere sometimes a time.
    TimeOrLevel,
    /// A message key; lower ranks win.
    Message(u8),
    Other,
    /// Used for the time, level or message.
    Taken,
}

fn role_of(key: &str) -> Role {
    const ROLES: [(&str, Role); 16] = [
        ("time", Role::Time),
        ("ts", Role::Time),
        ("t", Role::Time),
        ("timestamp", Role::Time),
        ("@timestamp", Role::Time),
        ("at", Role::TimeOrLevel),
        ("level", Role::Level),
        ("lvl", Role::Level),
        ("severity", Role::Level),
        ("msg", Role::Message(0)),
        ("message", Role::Message(0)),
        ("event", Role::Message(1)),
        ("desc", Role::Message(1)),
        ("error", Role::Message(2)),
        ("err", Role::Message(2)),
        ("loglevel", Role::Level),
    ];
    ROLES
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(key))
        .map_or(Role::Other, |(_, r)| *r)
}

/// A logfmt key: a letter, `_` or `@`, then letters, digits and `_.-/@`.
fn is_key(key: &str) -> bool {
    let b = key.as_bytes();
    b.first()
        .is_some_and(|c| c.is_ascii_alphabetic() || matches!(c, b'_' | b'@'))
        && b.iter()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'.' | b'-' | b'/' | b'@'))
}

impl Format for Logfmt {
    fn name(&self) -> &str {
        "logfmt"
    }

    fn description(&self) -> &str {
        "key=value lines (Go kit, logrus text, slog text, Heroku router)"
    }

    fn kind(&self) -> Kind {
        Kind::App
    }

    fn specificity(&self) -> f64 {
        0.8
    }

    fn parse<'a>(&self, record: &'a str, ctx: &TimeContext) -> Result<Event<'a>, ParseError> {
        let mut pairs = kv_pairs(record);
        let mut members: Vec<(&'a str, Cow<'a, str>, Role)> = Vec::with_capacity(12);
        loop {
            let before = pairs.rest().trim_start();
            let at = record.len() - before.len();
            let Some((key, value)) = pairs.next() else {
                break;
            };
            let after_key = before.get(key.len()..).unwrap_or("");
            if !after_key.starts_with('=') || !is_key(key) {
                return Err(ParseError::new("expected only key=value pairs", at));
            }
            if after_key.as_bytes().get(1) == Some(&b'"') {
                let written = &before[..before.len() - pairs.rest().len()];
                if written.len() < key.len() + 3 || !written.ends_with('"') {
                    return Err(ParseError::new("unterminated quoted value", at));
                }
            }
            members.push((key, value, role_of(key)));
        }
        if members.len() < 2 {
            return Err(ParseError::new("expected at least two key=value pairs", 0));
        }

        let mut ts = None;
        let mut level = None;
        let mut message: Option<(u8, usize)> = None;
        for (i, (_, value, role)) in members.iter_mut().enumerate() {
            if ts.is_none() && matches!(role, Role::Time | Role::TimeOrLevel) {
                // The time is quoted as written, so only an unescaped value serves.
                if let Cow::Borrowed(text) = value {
                    if let Some(parsed) = timestamp_value(text) {
                        ts = Some(timestamp(text, parsed, ctx)?);
                        *role = Role::Taken;
                        continue;
                    }
                }
            }
            if level.is_none() && matches!(role, Role::Level | Role::TimeOrLevel) {
                if let Some(l) = Level::from_word(value) {
                    level = Some(l);
                    *role = Role::Taken;
                    continue;
                }
            }
            if let Role::Message(rank) = *role {
                if message.is_none_or(|(best, _)| rank < best) {
                    message = Some((rank, i));
                }
            }
        }
        if ts.is_none() && level.is_none() {
            return Err(ParseError::new("expected a time or level key", 0));
        }
        let mut text = Cow::Borrowed("");
        if let Some(m) = message.and_then(|(_, i)| members.get_mut(i)) {
            text = std::mem::take(&mut m.1);
            m.2 = Role::Taken;
        }

        let mut fields = Fields::default();
        for (key, value, role) in members {
            if role != Role::Taken {
                fields.set(key, value);
            }
        }
        Ok(Event {
            timestamp: ts,
            level: level.unwrap_or(Level::Info),
            message: text,
            fields,
            ..Event::default()
        })
    }
}

#[cfg(test)]
mod tests;
