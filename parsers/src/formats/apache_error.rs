//! Apache httpd's error log, in the 2.4 and 2.2 default formats.
//!
//! ```text
//! [Sat Nov 21 05:53:08.123456 2026] [proxy_http:error] [pid 1234:tid 140000] (70007)The timeout specified has expired: [client 203.0.113.5:51234] AH01102: error reading status line from remote server 127.0.0.1:8080, referer: https://shop.example.com/
//! [Sat Nov 21 05:53:08 2026] [error] [client 192.0.2.4] File does not exist: /var/www/html/favicon.ico
//! ```
//!
//! 2.4 writes `[time with µs] [module:level] [pid P:tid T] file(line):
//! (errno)text: [client ip:port] message, referer: …` (source location only
//! at debug, errno only when there is one); 2.2 writes `[time] [level]
//! [client ip] message`. The module becomes the logger, the thread the
//! session, the `AHnnnnn` message number the code; `[remote …]` (a backend
//! connection) the upstream; the referer goes to `extra`. The client
//! bracket is cut from the message, the errno text stays in it. Lines that
//! do not start with a time (startup messages written before the log was
//! set up, CGI output) continue the record before them.

use std::borrow::Cow;

use memchr::memmem;

use crate::common::{strip_port, timestamp};
use crate::event::{Event, Fields, Kind, Level};
use crate::format::{Format, ParseError};
use crate::time::{ctime, TimeContext};

/// Apache httpd error log (`ErrorLog`, default `ErrorLogFormat`).
pub struct ApacheError;

impl Format for ApacheError {
    fn name(&self) -> &str {
        "apache-error"
    }

    fn description(&self) -> &str {
        "Apache httpd 2.4/2.2 error log: `[ctime] [module:level] [pid P:tid T] [client ip] message`"
    }

    fn kind(&self) -> Kind {
        Kind::LoadBalancer
    }

    fn multiline(&self) -> bool {
        true
    }

    fn is_record_start(&self, line: &str) -> bool {
        starts_with_ctime(line.as_bytes())
    }

    fn parse<'a>(&self, record: &'a str, ctx: &TimeContext) -> Result<Event<'a>, ParseError> {
        parse_record(record, ctx)
    }
}

/// `[Www Mmm ` — the cheap shape check of a record's first line.
fn starts_with_ctime(b: &[u8]) -> bool {
    b.len() > 9
        && b[0] == b'['
        && b[1..4].iter().all(u8::is_ascii_alphabetic)
        && b[4] == b' '
        && b[5..8].iter().all(u8::is_ascii_alphabetic)
        && b[8] == b' '
}

/// Apache's levels: emerg … debug, trace1 … trace8.
fn apache_level(word: &str) -> Option<Level> {
    match word {
        "emerg" | "alert" | "crit" | "error" | "warn" | "notice" | "info" | "debug" => {
            Level::from_word(word)
        }
        _ => {
            let n = word.strip_prefix("trace")?;
            matches!(n, "1" | "2" | "3" | "4" | "5" | "6" | "7" | "8").then_some(Level::Trace)
        }
    }
}

/// Length of an APR status prefix `(70007)The timeout specified has expired: `.
fn status_prefix(s: &str) -> Option<usize> {
    let inner = s.strip_prefix('(')?;
    let inner = inner.strip_prefix('-').unwrap_or(inner);
    let n = inner.bytes().take_while(u8::is_ascii_digit).count();
    if n == 0 || inner.as_bytes().get(n) != Some(&b')') {
        return None;
    }
    // Look at the first 256 bytes only (as bytes: a cut inside a multi-byte
    // character must not panic); `": "` and `[` are ASCII, so `end` is a
    // character boundary of `s`.
    let head = &s.as_bytes()[..s.len().min(256)];
    let end = memmem::find(head, b": ")?;
    (!head[..end].contains(&b'[')).then_some(end + 2)
}

/// Length of a source location prefix `mod_proxy.c(1234): ` (debug level).
fn file_line_prefix(s: &str) -> Option<usize> {
    let open = s.find('(')?;
    let name = &s[..open];
    if name.is_empty()
        || !name
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || c == b'_' || c == b'.')
    {
        return None;
    }
    let after = &s[open + 1..];
    let n = after.bytes().take_while(u8::is_ascii_digit).count();
    (n > 0 && after[n..].starts_with("): ")).then_some(open + 1 + n + 3)
}

/// `AH01102` at the start of `s` (followed by `:`).
fn message_code(s: &str) -> Option<&str> {
    let b = s.as_bytes();
    (b.len() > 7 && b.starts_with(b"AH") && b[2..7].iter().all(u8::is_ascii_digit) && b[7] == b':')
        .then(|| &s[..7])
}

fn parse_record<'a>(record: &'a str, ctx: &TimeContext) -> Result<Event<'a>, ParseError> {
    let inner = record
        .strip_prefix('[')
        .ok_or(ParseError::new("expected `[` and a ctime timestamp", 0))?;
    let (after_time, parsed) =
        ctime(inner).map_err(|_| ParseError::new("expected a ctime timestamp", 1))?;
    let time_text = &inner[..inner.len() - after_time.len()];
    let ts = timestamp(time_text, parsed, ctx)?;
    let rest = after_time.strip_prefix("] [").ok_or(ParseError::at_rest(
        "expected `] [level]`",
        record,
        after_time,
    ))?;

    let close = rest.find(']').ok_or(ParseError::at_rest(
        "expected `]` after the level",
        record,
        rest,
    ))?;
    let (module, level_word, v24) = match rest[..close].split_once(':') {
        Some((m, l)) => (m, l, true),
        None => ("", &rest[..close], false),
    };
    let level = apache_level(level_word).ok_or(ParseError::at_rest(
        "expected an Apache level",
        record,
        rest,
    ))?;
    let mut fields = Fields::default();
    if !module.is_empty() {
        fields.logger = Some(Cow::Borrowed(module));
    }
    let mut rest = rest[close + 1..].trim_start_matches(' ');

    if let Some(p) = rest.strip_prefix("[pid ") {
        let end =
            p.find(']')
                .ok_or(ParseError::at_rest("expected `]` after the pid", record, p))?;
        let (pid, tid) = match p[..end].split_once(":tid ") {
            Some((pid, tid)) => (pid, Some(tid)),
            None => (&p[..end], None),
        };
        fields.pid = Some(
            pid.parse()
                .map_err(|_| ParseError::at_rest("expected a process id", record, p))?,
        );
        if let Some(tid) = tid.filter(|t| !t.is_empty()) {
            fields.session = Some(Cow::Borrowed(tid));
        }
        rest = p[end + 1..].trim_start_matches(' ');
    }

    // The referer is appended after the message.
    if let Some(at) = memmem::rfind(rest.as_bytes(), b", referer: ") {
        fields
            .extra
            .push((Cow::Borrowed("referer"), Cow::Borrowed(&rest[at + 11..])));
        rest = &rest[..at];
    }

    // Prefix pieces before the message, in the order either version writes them.
    let mut pos = 0;
    let mut bracket = None;
    for _ in 0..4 {
        let s = &rest[pos..];
        let tag = if s.starts_with("[client ") {
            Some(true)
        } else if s.starts_with("[remote ") {
            Some(false)
        } else {
            None
        };
        if let Some(is_client) = tag {
            if bracket.is_some() {
                break;
            }
            let Some(end) = s.find(']') else { break };
            let addr = &s[8..end];
            let addr = if v24 { strip_port(addr) } else { addr };
            let slot = if is_client {
                &mut fields.client
            } else {
                &mut fields.upstream
            };
            *slot = Some(Cow::Borrowed(if is_client { addr } else { &s[8..end] }));
            let mut used = end + 1;
            if s.as_bytes().get(used) == Some(&b' ') {
                used += 1;
            }
            bracket = Some((pos, pos + used));
            pos += used;
        } else if let Some(n) = status_prefix(s).or_else(|| file_line_prefix(s)) {
            pos += n;
        } else {
            break;
        }
    }
    if let Some(code) = message_code(&rest[pos..]) {
        fields.code = Some(Cow::Borrowed(code));
    }
    let message = match bracket {
        None => Cow::Borrowed(rest),
        Some((0, end)) => Cow::Borrowed(&rest[end..]),
        Some((start, end)) if end == rest.len() => Cow::Borrowed(rest[..start].trim_end()),
        Some((start, end)) => Cow::Owned(format!("{}{}", &rest[..start], &rest[end..])),
    };

    Ok(Event {
        timestamp: Some(ts),
        level,
        message,
        fields,
        ..Event::default()
    })
}

#[cfg(test)]
mod tests;
