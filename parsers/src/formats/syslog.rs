//! Syslog: the BSD format (RFC 3164) as files and relays write it, its
//! ISO-timestamp flavour, and RFC 5424.
//!
//! ```text
//! <34>Nov 21 05:53:09 web-1 app[123]: message
//! Nov  1 05:53:09 web-1 kernel: [12345.678901] message
//! 2026-11-21T05:53:09.285123+00:00 web-1 app[123]: message
//! <165>1 2026-11-21T05:53:09.003Z web-1 app 1234 ID47 [exampleSDID@32473 iut="3"] message
//! ```
//!
//! The `<PRI>` is optional in the BSD forms (files written by rsyslog or
//! syslog-ng have none); the BSD time has no year (it is inferred and
//! flagged) and no zone (the source's zone is assumed). The ISO flavour is
//! what rsyslog writes by default on Debian (`RSYSLOG_FileFormat`). In RFC
//! 5424 every header field may be `-`, the structured data's parameters
//! are read like any key/value (typed fields for the known names, else
//! `extra`), and a BOM before the message is dropped.
//!
//! The host goes to `host`, the program or APP-NAME to `logger`, the pid or
//! PROCID to `pid` (kept in `extra` as `procid` when not a number). The
//! level comes from the PRI's severity, else from a level word the message
//! starts with (`error: …`, `[WARN] …`), else `info`.
//!
//! Syslog is an envelope that many programs write into: a program-specific
//! format that comes with a syslog header (HAProxy's) must win over it, so
//! this format's specificity is 0.6.

use std::borrow::Cow;

use crate::common::{message_level, timestamp};
use crate::event::{Event, Fields, Kind, Level};
use crate::format::{Format, ParseError};
use crate::time::{iso8601, syslog_bsd, ParsedTime, TimeContext, ZoneSpec};

/// Syslog files and messages (RFC 3164, its ISO-time flavour, RFC 5424).
pub struct Syslog;

/// Facility names, by facility number.
const FACILITIES: [&str; 24] = [
    "kern",
    "user",
    "mail",
    "daemon",
    "auth",
    "syslog",
    "lpr",
    "news",
    "uucp",
    "cron",
    "authpriv",
    "ftp",
    "ntp",
    "security",
    "console",
    "solaris-cron",
    "local0",
    "local1",
    "local2",
    "local3",
    "local4",
    "local5",
    "local6",
    "local7",
];

impl Format for Syslog {
    fn name(&self) -> &str {
        "syslog"
    }

    fn aliases(&self) -> &[&str] {
        &["rfc3164", "rfc5424", "syslog-3164", "syslog-5424"]
    }

    fn description(&self) -> &str {
        "Syslog: BSD (RFC 3164) files and messages, rsyslog's ISO-time files, RFC 5424"
    }

    fn kind(&self) -> Kind {
        Kind::System
    }

    fn specificity(&self) -> f64 {
        0.6
    }

    fn parse<'a>(&self, record: &'a str, ctx: &TimeContext) -> Result<Event<'a>, ParseError> {
        let (pri, rest) = priority(record)?;
        let at = |rest: &str| record.len() - rest.len();
        let mut event = match rest.as_bytes() {
            // RFC 5424: `<PRI>VERSION SP`.
            [b'1'..=b'9', b' ', ..] | [b'1'..=b'9', b'0'..=b'9', b' ', ..] if pri.is_some() => {
                let version_end = rest.find(' ').unwrap_or(0);
                rfc5424(record, &rest[version_end + 1..], ctx)?
            }
            _ => rfc3164(record, rest, pri.is_some(), ctx)?,
        };
        match pri {
            Some(pri) => {
                event.level = Level::from_syslog_severity(pri & 7);
                if let Some(name) = FACILITIES.get(usize::from(pri >> 3)) {
                    event
                        .fields
                        .extra
                        .push((Cow::Borrowed("facility"), Cow::Borrowed(name)));
                }
            }
            None => {
                event.level = message_level(&event.message).map_or(Level::Info, |(l, _)| l);
            }
        }
        if event.message.is_empty() && event.fields.logger.is_none() && event.fields.host.is_none()
        {
            return Err(ParseError::new("expected a syslog header", at(rest)));
        }
        Ok(event)
    }
}

/// Reads an optional `<PRI>` (0–191). Returns the priority and the rest.
fn priority(record: &str) -> Result<(Option<u8>, &str), ParseError> {
    let Some(after) = record.strip_prefix('<') else {
        return Ok((None, record));
    };
    let digits = after.bytes().take_while(u8::is_ascii_digit).count();
    let value = after
        .get(..digits)
        .filter(|d| (1..=3).contains(&d.len()))
        .and_then(|d| d.parse::<u8>().ok())
        .filter(|p| *p <= 191);
    match (value, after.get(digits..).and_then(|r| r.strip_prefix('>'))) {
        (Some(p), Some(rest)) => Ok((Some(p), rest)),
        _ => Err(ParseError::new(
            "expected <PRI> with a priority of 0 to 191",
            0,
        )),
    }
}

/// Splits the next space-delimited field off `s`: (field, rest after one space).
fn field(s: &str) -> (&str, &str) {
    match s.find(' ') {
        Some(p) => (&s[..p], &s[p + 1..]),
        None => (s, ""),
    }
}

/// `-` (RFC 5424's nil value) as `None`.
fn nil(s: &str) -> Option<&str> {
    (s != "-").then_some(s)
}

/// Whether `s` can be a host name or address (`web-1`, `db.example.com`,
/// `192.0.2.7`, `2001:db8::7`).
fn is_host(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 255
        && s.bytes()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'.' | b'-' | b'_' | b':' | b'%'))
        && Level::from_word(s).is_none()
}

/// Reads a BSD tag at the start of `s`: `program[pid]: ` or `program: `.
/// Returns the program, the pid text and the message after it.
fn tag(s: &str) -> Option<(&str, Option<&str>, &str)> {
    let end = s
        .find(|c: char| {
            !(c.is_ascii_alphanumeric()
                || matches!(c, '_' | '-' | '.' | '/' | '@' | '(' | ')' | '+'))
        })
        .unwrap_or(s.len());
    if end == 0 || end > 64 {
        return None;
    }
    let program = &s[..end];
    let mut rest = &s[end..];
    let mut pid = None;
    if let Some(inner) = rest.strip_prefix('[') {
        let close = inner.find(']')?;
        pid = Some(&inner[..close]);
        rest = &inner[close + 1..];
    }
    let message = rest.strip_prefix(':')?;
    Some((program, pid, message.strip_prefix(' ').unwrap_or(message)))
}

/// Sets the pid, or keeps a PROCID that is not a number in `extra`.
fn set_pid<'a>(fields: &mut Fields<'a>, pid: &'a str) {
    match pid.parse::<u32>() {
        Ok(n) => fields.pid = Some(n),
        Err(_) => fields
            .extra
            .push((Cow::Borrowed("procid"), Cow::Borrowed(pid))),
    }
}

/// RFC 3164 and its ISO flavour, after the optional PRI.
fn rfc3164<'a>(
    record: &'a str,
    rest: &'a str,
    has_pri: bool,
    ctx: &TimeContext,
) -> Result<Event<'a>, ParseError> {
    let at = |r: &str| record.len() - r.len();
    let (after, parsed, iso): (&str, ParsedTime, bool) = if let Ok((after, t)) = syslog_bsd(rest) {
        (after, t, false)
    } else if rest.as_bytes().get(10) == Some(&b'T') {
        let (after, t) =
            iso8601(rest).map_err(|_| ParseError::new("expected a syslog timestamp", at(rest)))?;
        // Without a PRI, an ISO time must carry its offset, as rsyslog writes it.
        if !has_pri && t.zone == ZoneSpec::Local {
            return Err(ParseError::new(
                "expected a UTC offset on the time",
                at(after),
            ));
        }
        (after, t, true)
    } else {
        return Err(ParseError::new(
            "expected a syslog timestamp (Nov 21 05:53:09 or RFC 3339)",
            at(rest),
        ));
    };
    let time_text = &rest[..rest.len() - after.len()];
    let ts = timestamp(time_text, parsed, ctx)?;
    let after = after.strip_prefix(' ').ok_or(ParseError::new(
        "expected a space after the time",
        at(after),
    ))?;

    let mut fields = Fields::default();
    // The host is optional before a tag (`<34>Nov 21 05:53:09 su: …`).
    let (host, body) = match tag(after) {
        Some(_) if !after.starts_with(|c: char| c.is_ascii_digit()) => (None, after),
        _ => {
            let (host, body) = field(after);
            if !is_host(host) {
                return Err(ParseError::new("expected a host name", at(after)));
            }
            (Some(host), body)
        }
    };
    fields.host = host.map(Cow::Borrowed);
    let message = match tag(body) {
        Some((program, pid, message)) => {
            fields.logger = Some(Cow::Borrowed(program));
            if let Some(pid) = pid {
                set_pid(&mut fields, pid);
            }
            message
        }
        // A line without a tag (`last message repeated 3 times`) is fine in
        // a syslog file; after an ISO time it is more likely another format.
        None if iso && !has_pri => {
            return Err(ParseError::new("expected a program tag", at(body)));
        }
        None => body,
    };
    Ok(Event {
        timestamp: Some(ts),
        message: Cow::Borrowed(message),
        fields,
        ..Event::default()
    })
}

/// RFC 5424, after `<PRI>VERSION `.
fn rfc5424<'a>(record: &'a str, rest: &'a str, ctx: &TimeContext) -> Result<Event<'a>, ParseError> {
    let at = |r: &str| record.len() - r.len();
    let (time_text, rest) = field(rest);
    let ts = match nil(time_text) {
        None => None,
        Some(text) => match iso8601(text) {
            Ok(("", parsed)) => Some(timestamp(text, parsed, ctx)?),
            _ => return Err(ParseError::new("expected an RFC 3339 timestamp", at(rest))),
        },
    };
    let (host, rest) = field(rest);
    let (app, rest) = field(rest);
    let (procid, rest) = field(rest);
    let (msgid, rest) = field(rest);
    if [host, app, procid, msgid].iter().any(|f| f.is_empty()) {
        return Err(ParseError::new(
            "expected HOSTNAME APP-NAME PROCID MSGID",
            at(rest),
        ));
    }
    let mut fields = Fields {
        host: nil(host).map(Cow::Borrowed),
        logger: nil(app).map(Cow::Borrowed),
        ..Fields::default()
    };
    if let Some(procid) = nil(procid) {
        set_pid(&mut fields, procid);
    }
    if let Some(msgid) = nil(msgid) {
        fields
            .extra
            .push((Cow::Borrowed("msgid"), Cow::Borrowed(msgid)));
    }
    let message = if let Some(after) = rest.strip_prefix("- ").or((rest == "-").then_some("")) {
        after
    } else if rest.starts_with('[') {
        let after = structured_data(rest, &mut fields)
            .ok_or(ParseError::new("malformed structured data", at(rest)))?;
        after.strip_prefix(' ').unwrap_or(after)
    } else {
        // Some senders (Heroku's drains) leave the structured data out.
        rest
    };
    let message = message.strip_prefix('\u{feff}').unwrap_or(message);
    Ok(Event {
        timestamp: ts,
        message: Cow::Borrowed(message),
        fields,
        ..Event::default()
    })
}

/// Reads SD-ELEMENTs (`[id name="value" …][id2 …]`) into `fields` by
/// parameter name — typed fields for the known names (`request_id`,
/// `status`, `duration_ms`), `extra` for the others — unescaping `\"`,
/// `\\` and `\]`. Returns the rest.
fn structured_data<'a>(mut s: &'a str, fields: &mut Fields<'a>) -> Option<&'a str> {
    while let Some(element) = s.strip_prefix('[') {
        let id_end = element.find([' ', ']'])?;
        let id = &element[..id_end];
        if id.is_empty() {
            return None;
        }
        let mut rest = &element[id_end..];
        loop {
            if let Some(after) = rest.strip_prefix(']') {
                s = after;
                break;
            }
            rest = rest.strip_prefix(' ')?;
            let eq = rest.find('=')?;
            let name = &rest[..eq];
            let value_start = rest[eq + 1..].strip_prefix('"')?;
            let (value, after) = sd_value(value_start)?;
            fields.set(name, value);
            rest = after;
        }
    }
    Some(s)
}

/// A PARAM-VALUE up to its closing quote: the value (unescaped when it had
/// escapes) and the text after the quote.
fn sd_value(s: &str) -> Option<(Cow<'_, str>, &str)> {
    let b = s.as_bytes();
    let mut p = 0;
    let mut escaped = false;
    while let Some(&c) = b.get(p) {
        match c {
            b'\\' => {
                escaped = true;
                p += 2;
            }
            b'"' => {
                let raw = &s[..p];
                let value = if escaped {
                    let mut out = String::with_capacity(raw.len());
                    let mut chars = raw.chars();
                    while let Some(c) = chars.next() {
                        match (c, chars.clone().next()) {
                            ('\\', Some(n @ ('"' | '\\' | ']'))) => {
                                out.push(n);
                                chars.next();
                            }
                            _ => out.push(c),
                        }
                    }
                    Cow::Owned(out)
                } else {
                    Cow::Borrowed(raw)
                };
                return Some((value, &s[p + 1..]));
            }
            _ => p += 1,
        }
    }
    None
}

#[cfg(test)]
mod tests;
