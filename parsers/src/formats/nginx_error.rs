//! nginx's error log.
//!
//! ```text
//! 2026/11/21 06:00:48 [error] 16497#16497: *7974 upstream timed out (110: Connection timed out) while reading response header from upstream, client: 127.0.0.1, server: shop.example.com, request: "GET /x HTTP/1.1", upstream: "http://127.0.0.1:18000/x", host: "shop.example.com"
//! 2026/11/21 05:53:09 [notice] 16495#16495: start worker process 16496
//! ```
//!
//! `time [level] pid#tid: [*connection] message[, context]`. The level is
//! one of nginx's eight (`debug` … `emerg`); the connection number becomes
//! the session; the context nginx appends to request errors (`client:`,
//! `server:`, `request: "…"`, `upstream: "…"`, `host: "…"`, `referrer:
//! "…"`) fills client, method/path, upstream, host and `extra`, and is cut
//! from the message so that the same error reads the same for every
//! request. Startup and shutdown notices carry no connection. A message can
//! span lines (FastCGI stderr): a line that does not start with a time
//! continues the record before it.

use std::borrow::Cow;

use memchr::memmem;

use crate::common::{quoted, request_line, timestamp};
use crate::event::{Event, Fields, Kind, Level};
use crate::format::{Format, ParseError};
use crate::time::{iso8601, TimeContext};

/// nginx error log (`error_log`).
pub struct NginxError;

impl Format for NginxError {
    fn name(&self) -> &str {
        "nginx-error"
    }

    fn description(&self) -> &str {
        "nginx error log: `2026/11/21 06:00:48 [error] pid#tid: *conn message, client: …`"
    }

    fn kind(&self) -> Kind {
        Kind::LoadBalancer
    }

    fn multiline(&self) -> bool {
        true
    }

    fn is_record_start(&self, line: &str) -> bool {
        starts_with_time(line.as_bytes())
    }

    fn parse<'a>(&self, record: &'a str, ctx: &TimeContext) -> Result<Event<'a>, ParseError> {
        parse_record(record, ctx)
    }
}

/// `YYYY/MM/DD HH:MM:SS [`, checked byte by byte.
fn starts_with_time(b: &[u8]) -> bool {
    const SHAPE: &[u8; 21] = b"0000/00/00 00:00:00 [";
    b.len() > SHAPE.len()
        && b.iter().zip(SHAPE).all(|(&c, &s)| match s {
            b'0' => c.is_ascii_digit(),
            _ => c == s,
        })
}

/// nginx's levels, as `error_log` writes them.
fn nginx_level(word: &str) -> Option<Level> {
    match word {
        "debug" | "info" | "notice" | "warn" | "error" | "crit" | "alert" | "emerg" => {
            Level::from_word(word)
        }
        _ => None,
    }
}

/// Leading ASCII digits of `s`: (digits, rest).
#[inline]
fn digits(s: &str) -> (&str, &str) {
    let n = s.bytes().take_while(u8::is_ascii_digit).count();
    (&s[..n], &s[n..])
}

fn parse_record<'a>(record: &'a str, ctx: &TimeContext) -> Result<Event<'a>, ParseError> {
    if !starts_with_time(record.as_bytes()) {
        return Err(ParseError::new("expected `YYYY/MM/DD HH:MM:SS [level]`", 0));
    }
    let (rest, parsed) =
        iso8601(record).map_err(|_| ParseError::new("expected a valid date and time", 0))?;
    let time_text = &record[..record.len() - rest.len()];
    let ts = timestamp(time_text, parsed, ctx)?;

    let rest =
        rest.strip_prefix(" [")
            .ok_or(ParseError::at_rest("expected ` [level]`", record, rest))?;
    let close = rest.find(']').ok_or(ParseError::at_rest(
        "expected `]` after the level",
        record,
        rest,
    ))?;
    let level = nginx_level(&rest[..close]).ok_or(ParseError::at_rest(
        "expected an nginx level (debug … emerg)",
        record,
        rest,
    ))?;
    let rest = rest[close + 1..]
        .strip_prefix(' ')
        .ok_or(ParseError::at_rest("expected ` pid#tid:`", record, rest))?;

    let (pid, rest) = digits(rest);
    let rest =
        rest.strip_prefix('#')
            .ok_or(ParseError::at_rest("expected `pid#tid:`", record, rest))?;
    let (tid, rest) = digits(rest);
    let rest =
        rest.strip_prefix(':')
            .ok_or(ParseError::at_rest("expected `pid#tid:`", record, rest))?;
    let pid: u32 = pid
        .parse()
        .map_err(|_| ParseError::at_rest("expected a process id", record, rest))?;
    if tid.is_empty() {
        return Err(ParseError::at_rest("expected a thread id", record, rest));
    }
    let mut fields = Fields {
        pid: Some(pid),
        ..Fields::default()
    };
    if tid != "0" && tid.parse::<u32>() != Ok(pid) {
        fields
            .extra
            .push((Cow::Borrowed("tid"), Cow::Borrowed(tid)));
    }

    let mut message = rest.strip_prefix(' ').unwrap_or(rest);
    if let Some(after_star) = message.strip_prefix('*') {
        let (cid, after) = digits(after_star);
        if !cid.is_empty() && (after.is_empty() || after.starts_with(' ')) {
            fields.session = Some(Cow::Borrowed(cid));
            message = after.trim_start_matches(' ');
        }
    }
    if let Some(at) = memmem::rfind(message.as_bytes(), b", client: ") {
        read_context(&message[at + 2..], &mut fields);
        message = &message[..at];
    }

    Ok(Event {
        timestamp: Some(ts),
        level,
        message: Cow::Borrowed(message),
        fields,
        ..Event::default()
    })
}

/// Reads `client: 1.2.3.4, server: x, request: "GET / HTTP/1.1", …`. Stops
/// quietly at anything it cannot read (the rest is not lost: it is in the
/// record's raw text).
fn read_context<'a>(mut s: &'a str, f: &mut Fields<'a>) {
    while !s.is_empty() {
        let Some(colon) = s.find(": ") else {
            return;
        };
        let key = &s[..colon];
        if key.is_empty() || !key.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'_') {
            return;
        }
        let v = &s[colon + 2..];
        let (value, after) = if v.starts_with('"') {
            match quoted(v) {
                Ok((after, value)) => (value, after),
                Err(_) => return,
            }
        } else {
            match memmem::find(v.as_bytes(), b", ") {
                Some(p) => (&v[..p], &v[p..]),
                None => (v, ""),
            }
        };
        context_field(key, value, f);
        s = match after.strip_prefix(", ") {
            Some(next) => next,
            None => return,
        };
    }
}

fn context_field<'a>(key: &'a str, value: &'a str, f: &mut Fields<'a>) {
    let v = Cow::Borrowed(value);
    match key {
        "client" if f.client.is_none() => f.client = Some(v),
        "upstream" if f.upstream.is_none() => f.upstream = Some(v),
        "host" if f.host.is_none() => f.host = Some(v),
        "request" if f.method.is_none() => match request_line(value) {
            Some(r) => {
                f.method = Some(Cow::Borrowed(r.method));
                f.path = Some(Cow::Borrowed(r.target));
            }
            None => f.extra.push((Cow::Borrowed(key), v)),
        },
        _ => f.extra.push((Cow::Borrowed(key), v)),
    }
}

#[cfg(test)]
mod tests;
