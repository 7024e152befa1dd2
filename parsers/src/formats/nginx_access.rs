//! NCSA common and combined access logs, as nginx and Apache write them.
//!
//! ```text
//! 127.0.0.1 - - [21/Nov/2026:06:00:48 +0000] "GET /api/orders/7810 HTTP/1.1" 504 160 "https://shop.example.com/" "Mozilla/5.0 (X11; Linux x86_64)" "203.0.113.100" rt=5.002 uct="0.001" urt="5.002" rid=9fd2d3cdc5482aa2929359cc99ec5cd3
//! ```
//!
//! The fixed part is `remote_addr ident remote_user [time] "request" status
//! bytes` (Apache's `common`; `vhost_combined` puts `vhost:port` first).
//! Whatever follows is read field by field, so any `log_format` that
//! extends it parses:
//!
//! - quoted strings: the first two are the referer and the user agent
//!   (`combined`); one that holds an address list is `X-Forwarded-For`, and
//!   its first address becomes `client` (the connecting `remote_addr` is
//!   always `peer`); the others go to `extra`;
//! - `key=value` and `key="value"` pairs: `rt`/`request_time` → duration,
//!   `urt`/`upstream_response_time` → upstream duration (nginx's
//!   `0.002, 0.004` for several upstreams is summed, `-` is no value),
//!   `rid`/`request_id` → request id, `ua` → user agent (or upstream, when
//!   it holds an address), `upstream_addr`, `host`; anything else to `extra`;
//! - bare numbers: a single integer is Apache's `%D` (microseconds); decimals
//!   are nginx's `$request_time` then `$upstream_response_time` (seconds).
//!
//! A request line that is not one — `"-"`, `""`, TLS bytes sent to a plain
//! port (`"\x16\x03\x01…"`, logged with status 400) — still parses: the
//! message is the raw text and method/path stay empty. This is the hot path
//! of most ingests: it scans bytes once and allocates nothing but `extra`.

use std::borrow::Cow;

use memchr::memchr;

use crate::common::{
    forwarded_for, level_from_status, quoted, request_line, strip_port, timestamp,
};
use crate::event::{Event, Fields, Kind};
use crate::format::{Format, ParseError};
use crate::time::{clf, TimeContext};

/// nginx / Apache access log in common, combined or extended combined format.
pub struct NginxAccess;

impl Format for NginxAccess {
    fn name(&self) -> &str {
        "nginx-access"
    }

    fn aliases(&self) -> &[&str] {
        &["nginx", "apache-access", "combined", "common", "clf"]
    }

    fn description(&self) -> &str {
        "nginx/Apache access log: common, combined, and combined with extra fields (rt=, urt=, X-Forwarded-For)"
    }

    fn kind(&self) -> Kind {
        Kind::LoadBalancer
    }

    fn parse<'a>(&self, record: &'a str, ctx: &TimeContext) -> Result<Event<'a>, ParseError> {
        parse_line(record, ctx)
    }
}

/// Names for trailing fields that the log does not name.
const UNNAMED: [&str; 8] = [
    "field1", "field2", "field3", "field4", "field5", "field6", "field7", "field8",
];

/// Splits `s` at its first space: (token, rest starting at the space or empty).
#[inline]
fn split_token(s: &str) -> (&str, &str) {
    match memchr(b' ', s.as_bytes()) {
        Some(p) => (&s[..p], &s[p..]),
        None => (s, ""),
    }
}

/// An address or host name as `%h`/`$remote_addr` write it (`unix:` too).
#[inline]
fn is_addr_token(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'.' | b':' | b'-' | b'_' | b'%'))
}

/// Seconds from nginx's `$upstream_*_time`: one number, `-`, or several
/// (`0.002, 0.004` for retried upstreams, `0.1 : 0.2` across internal
/// redirects), which are summed. `None` when no item is a number.
pub(crate) fn upstream_seconds(v: &str) -> Option<f64> {
    let mut total = None;
    for item in v.split([',', ':']) {
        if let Some(n) = crate::common::float(item.trim_matches(' ')) {
            *total.get_or_insert(0.0) += n;
        }
    }
    // Back to the millisecond precision nginx writes, without the sum's float noise.
    total.map(|t: f64| (t * 1e6).round() / 1e6)
}

fn parse_line<'a>(line: &'a str, ctx: &TimeContext) -> Result<Event<'a>, ParseError> {
    let b = line.as_bytes();
    let open = memchr(b'[', b).ok_or(ParseError::new(
        "expected `address ident user [time]` (no `[` found)",
        0,
    ))?;
    let head = line[..open]
        .strip_suffix(' ')
        .ok_or(ParseError::new("expected a space before [time]", open))?;
    let mut toks = [""; 4];
    let mut n = 0;
    for t in head.split(' ') {
        if n == toks.len() || t.is_empty() {
            return Err(ParseError::new(
                "expected `address ident user` before [time]",
                0,
            ));
        }
        toks[n] = t;
        n += 1;
    }
    let (vhost, addr, user) = match n {
        3 => (None, toks[0], toks[2]),
        4 if is_addr_token(toks[0]) => (Some(toks[0]), toks[1], toks[3]),
        _ => {
            return Err(ParseError::new(
                "expected `address ident user` before [time]",
                0,
            ))
        }
    };
    if !is_addr_token(addr) {
        return Err(ParseError::new("expected a client address", 0));
    }

    let close = memchr(b']', &b[open..])
        .map(|p| open + p)
        .ok_or(ParseError::new("expected `]` after the time", open))?;
    let time_text = &line[open + 1..close];
    let parsed = match clf(time_text) {
        Ok(("", t)) => t,
        _ => return Err(ParseError::new("expected a CLF time in brackets", open + 1)),
    };
    let ts = timestamp(time_text, parsed, ctx)?;

    let rest = line[close + 1..].strip_prefix(' ').ok_or(ParseError::new(
        "expected `\"request\"` after the time",
        close + 1,
    ))?;
    let (rest, request) = quoted(rest)
        .map_err(|_| ParseError::at_rest("expected a quoted request line", line, rest))?;
    let rest = rest.strip_prefix(' ').ok_or(ParseError::at_rest(
        "expected a status after the request",
        line,
        rest,
    ))?;
    let (status_text, rest) = split_token(rest);
    if status_text.len() != 3 || !status_text.bytes().all(|c| c.is_ascii_digit()) {
        return Err(ParseError::at_rest(
            "expected a three-digit status",
            line,
            rest,
        ));
    }
    let status: u16 = status_text.parse().unwrap_or(0);
    let rest = rest.strip_prefix(' ').ok_or(ParseError::at_rest(
        "expected a byte count after the status",
        line,
        rest,
    ))?;
    let (bytes_text, rest) = split_token(rest);
    let bytes = match bytes_text {
        "-" => 0,
        t => t
            .parse::<u64>()
            .map_err(|_| ParseError::at_rest("expected a byte count or `-`", line, rest))?,
    };

    let mut fields = Fields {
        status: (status != 0).then_some(status),
        bytes: Some(bytes),
        peer: Some(Cow::Borrowed(addr)),
        ..Fields::default()
    };
    if let Some(r) = request_line(request) {
        fields.method = Some(Cow::Borrowed(r.method));
        fields.path = Some(Cow::Borrowed(r.target));
    }
    if user != "-" {
        fields.user = Some(Cow::Borrowed(user));
    }
    if let Some(v) = vhost {
        fields.host = Some(Cow::Borrowed(strip_port(v)));
    }
    Trailing::default().read(rest, &mut fields);
    if fields.client.is_none() {
        fields.client = Some(Cow::Borrowed(addr));
    }

    Ok(Event {
        timestamp: Some(ts),
        level: level_from_status(fields.status),
        message: Cow::Borrowed(request),
        fields,
        ..Event::default()
    })
}

/// State while reading the fields after the byte count.
#[derive(Default)]
struct Trailing {
    /// Quoted fields seen that were not an address list (referer, UA, …).
    quoted: usize,
    /// Unnamed fields pushed to `extra`.
    unnamed: usize,
    /// Bare decimal numbers read as durations so far.
    bare_seconds: usize,
    /// Bare tokens seen, and where the single integer one went in `extra`.
    bare: usize,
    bare_integer: Option<(usize, u64)>,
}

impl Trailing {
    fn read<'a>(mut self, mut rest: &'a str, f: &mut Fields<'a>) {
        loop {
            let t = rest.trim_start_matches(' ');
            let Some(&first) = t.as_bytes().first() else {
                break;
            };
            if first == b'"' {
                let (after, v) = quoted(t).unwrap_or(("", &t[1..]));
                rest = after;
                self.quoted_field(v, f);
                continue;
            }
            let key_len = t
                .bytes()
                .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'-' | b'.'))
                .count();
            if key_len > 0 && t.as_bytes().get(key_len) == Some(&b'=') {
                let key = &t[..key_len];
                let v = &t[key_len + 1..];
                let (after, value) = if let Some(open) = v.strip_prefix('"') {
                    quoted(v).unwrap_or(("", open))
                } else {
                    let (value, after) = split_token(v);
                    (after, value)
                };
                rest = after;
                key_value(key, value, f);
            } else {
                let (tok, after) = split_token(t);
                rest = after;
                self.bare_token(tok, f);
            }
        }
        if let (1, Some((idx, n))) = (self.bare, self.bare_integer) {
            if f.duration.is_none() && idx < f.extra.len() {
                f.extra.remove(idx);
                f.duration = Some(n as f64 / 1e6);
            }
        }
    }

    fn push_unnamed<'a>(&mut self, v: &'a str, f: &mut Fields<'a>) {
        let name = UNNAMED.get(self.unnamed).copied().unwrap_or("field");
        self.unnamed += 1;
        f.extra.push((Cow::Borrowed(name), Cow::Borrowed(v)));
    }

    fn quoted_field<'a>(&mut self, v: &'a str, f: &mut Fields<'a>) {
        if f.client.is_none() {
            if let Some(first) = forwarded_for(v) {
                f.client = Some(Cow::Borrowed(first));
                if first.len() != v.len() {
                    f.extra
                        .push((Cow::Borrowed("x_forwarded_for"), Cow::Borrowed(v)));
                }
                return;
            }
        }
        let index = self.quoted;
        self.quoted += 1;
        if matches!(v, "" | "-") {
            return;
        }
        match index {
            0 => f.extra.push((Cow::Borrowed("referer"), Cow::Borrowed(v))),
            1 if f.user_agent.is_none() => f.user_agent = Some(Cow::Borrowed(v)),
            _ => self.push_unnamed(v, f),
        }
    }

    fn bare_token<'a>(&mut self, tok: &'a str, f: &mut Fields<'a>) {
        self.bare += 1;
        if tok.contains('.') {
            if let Some(secs) = crate::common::float(tok) {
                match self.bare_seconds {
                    0 if f.duration.is_none() => {
                        f.duration = Some(secs);
                        self.bare_seconds += 1;
                        return;
                    }
                    1 if f.upstream_duration.is_none() => {
                        f.upstream_duration = Some(secs);
                        self.bare_seconds += 1;
                        return;
                    }
                    _ => {}
                }
            }
        } else if let Ok(n) = tok.parse::<u64>() {
            self.bare_integer = Some((f.extra.len(), n));
        }
        if tok != "-" {
            self.push_unnamed(tok, f);
        }
    }
}

/// Maps one `key=value` pair of an extended format.
fn key_value<'a>(key: &'a str, v: &'a str, f: &mut Fields<'a>) {
    if matches!(v, "" | "-") {
        return;
    }
    let set = match key {
        "rt" | "request_time" | "rtime" | "reqtime" => set_f64(&mut f.duration, v.parse().ok()),
        "urt" | "upstream_response_time" | "upstream_time" | "ut" => {
            set_f64(&mut f.upstream_duration, upstream_seconds(v))
        }
        "rid" | "request_id" | "req_id" | "requestid" | "x_request_id" | "xrid" => {
            set_str(&mut f.request_id, v)
        }
        "ua" if v.starts_with(|c: char| c.is_ascii_digit() || c == '[')
            || v.starts_with("unix:") =>
        {
            set_str(&mut f.upstream, v)
        }
        "ua" | "user_agent" | "http_user_agent" => set_str(&mut f.user_agent, v),
        "upstream_addr" | "upstream" | "ups" | "uaddr" => set_str(&mut f.upstream, v),
        "host" | "vhost" | "http_host" | "server_name" => set_str(&mut f.host, v),
        "xff" | "x_forwarded_for" | "http_x_forwarded_for" | "forwarded_for" => {
            match forwarded_for(v) {
                Some(first) if f.client.is_none() => {
                    f.client = Some(Cow::Borrowed(first));
                    first.len() == v.len()
                }
                _ => false,
            }
        }
        _ => false,
    };
    if !set {
        f.extra.push((Cow::Borrowed(key), Cow::Borrowed(v)));
    }
}

#[inline]
fn set_f64(slot: &mut Option<f64>, v: Option<f64>) -> bool {
    match v {
        Some(n) if n.is_finite() && slot.is_none() => {
            *slot = Some(n);
            true
        }
        _ => false,
    }
}

#[inline]
fn set_str<'a>(slot: &mut Option<Cow<'a, str>>, v: &'a str) -> bool {
    if slot.is_some() {
        return false;
    }
    *slot = Some(Cow::Borrowed(v));
    true
}

#[cfg(test)]
mod tests;
