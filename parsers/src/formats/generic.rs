//! The fallback: a timestamp, an optional level, a message.
//!
//! Reads any line that begins with a timestamp the [`any_timestamp`]
//! readers know (ISO 8601 with or without brackets, CLF, syslog, ctime,
//! MySQL short), then an optional level word (`ERROR`, `[warn]`, `<E>`),
//! then the message. Lines that do not begin with a timestamp continue the
//! record before them, so a stack trace stays with its first line. Its low
//! specificity makes every real format win detection over it.

use std::borrow::Cow;

use crate::common::{level_word, opt_spaces, timestamp};
use crate::event::{Event, Kind, Level};
use crate::format::{Format, ParseError};
use crate::time::{any_timestamp, ParsedTime, TimeContext};

/// A timestamp + optional level + message log of unknown origin.
pub struct Generic;

/// Reads the timestamp at the start of `line`, optionally in brackets.
/// Returns the timestamp text, the parsed time and the rest of the line.
fn leading_timestamp(line: &str) -> Option<(&str, ParsedTime, &str)> {
    let (inner, bracketed) = match line.strip_prefix('[') {
        Some(r) => (r, true),
        None => (line, false),
    };
    let (rest, t) = any_timestamp(inner).ok()?;
    let text = &inner[..inner.len() - rest.len()];
    let rest = if bracketed {
        rest.strip_prefix(']')?
    } else {
        rest
    };
    Some((text, t, rest))
}

impl Format for Generic {
    fn name(&self) -> &str {
        "generic"
    }

    fn description(&self) -> &str {
        "Any log whose lines start with a timestamp, optionally followed by a level"
    }

    fn kind(&self) -> Kind {
        Kind::App
    }

    fn multiline(&self) -> bool {
        true
    }

    fn is_record_start(&self, line: &str) -> bool {
        leading_timestamp(line).is_some()
    }

    fn specificity(&self) -> f64 {
        0.3
    }

    fn parse<'a>(&self, record: &'a str, ctx: &TimeContext) -> Result<Event<'a>, ParseError> {
        let (text, parsed, rest) = leading_timestamp(record).ok_or(ParseError::new(
            "expected a timestamp at the start of the line",
            0,
        ))?;
        let ts = timestamp(text, parsed, ctx)?;
        let (rest, _) = opt_spaces(rest).unwrap_or((rest, ""));
        // Skip separators some loggers put between time and level (`|`, `-`).
        let rest = rest.trim_start_matches(['|', '-', ' ']);
        let (level, message) = match level_word(rest) {
            Ok((after, level)) => (level, after.trim_start_matches([' ', ':', '-', '|'])),
            // A parsed line without a level word: a plain message.
            Err(_) => (Level::Info, rest),
        };
        Ok(Event {
            timestamp: Some(ts),
            level,
            message: Cow::Borrowed(message),
            ..Event::default()
        })
    }
}

#[cfg(test)]
mod tests;
