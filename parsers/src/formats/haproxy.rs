//! HAProxy's logs: HTTP (`option httplog`) and TCP (`option tcplog`) traffic
//! lines, and the process's own messages (servers going DOWN and UP,
//! proxies starting and stopping).
//!
//! ```text
//! Nov 21 05:53:10 lb1 haproxy[1234]: 203.0.113.9:51234 [21/Nov/2026:05:53:10.123] fe_http be_app/app1 0/0/1/12/13 200 512 - - ---- 10/10/2/1/0 0/0 {shop.example.com|curl/8.5.0} "GET /api HTTP/1.1"
//! 203.0.113.9:51236 [21/Nov/2026:05:53:11.002] fe_pg be_pg/pg1 0/1/5007 212 -- 3/3/1/1/0 0/0
//! Nov 21 05:53:12 lb1 haproxy[1234]: Server be_app/app1 is DOWN, reason: Layer4 connection problem, info: "Connection refused", check duration: 0ms. 1 active and 0 backup servers left.
//! ```
//!
//! A line may start with a syslog header — BSD (`Nov 21 05:53:10 host
//! tag[pid]:`, host optional, `<PRI>` optional, the year inferred), an
//! RFC 3339 time as rsyslog writes it, or RFC 5424 (`<134>1 2026-11-21T…
//! host haproxy 1234 - -`) — or directly with the client address (`log
//! stdout format raw`). The body must have HAProxy's exact shape: a generic
//! syslog line is not taken. Messages other than traffic lines are taken
//! when the tag is `haproxy…` or when they read like HAProxy's own
//! (`Server b/s is DOWN`, `Proxy p started.`, `[WARNING]  (1234) : …`).
//!
//! Traffic lines are timed at the accept date HAProxy writes in brackets
//! (millisecond precision), not at the syslog header. Timers are
//! milliseconds, `-1` when the step did not happen: duration is `Ta`
//! (`Tt` in 1.x and TCP logs), upstream duration is `Tr`. The
//! termination state is the code; it raises the level with the status:
//! server-side or resource failures (`S`, `s`, `R`, `I`, `D`) are errors,
//! proxy denials, kills and client timeouts (`P`, `K`, `c`) warnings.

use std::borrow::Cow;

use crate::common::{
    forwarded_for, level_from_status, quoted, request_line, strip_port, timestamp,
};
use crate::event::{Event, Fields, Kind, Level};
use crate::format::{Format, ParseError};
use crate::time::{clf, iso8601, syslog_bsd, ParsedTime, TimeContext};

/// HAProxy traffic and process logs, with or without a syslog header.
pub struct Haproxy;

impl Format for Haproxy {
    fn name(&self) -> &str {
        "haproxy"
    }

    fn aliases(&self) -> &[&str] {
        &["haproxy-http", "haproxy-tcp"]
    }

    fn description(&self) -> &str {
        "HAProxy HTTP/TCP traffic logs and server UP/DOWN messages, with or without a syslog header"
    }

    fn kind(&self) -> Kind {
        Kind::LoadBalancer
    }

    fn specificity(&self) -> f64 {
        1.0
    }

    fn parse<'a>(&self, record: &'a str, ctx: &TimeContext) -> Result<Event<'a>, ParseError> {
        let (header, body) = read_header(record)?;
        if starts_with_client_address(body) {
            return traffic(record, body, &header, ctx);
        }
        process_message(record, body, &header, ctx)
    }
}

/// What a syslog header said.
#[derive(Default)]
struct Header<'a> {
    time: Option<(&'a str, ParsedTime)>,
    host: Option<&'a str>,
    program: Option<&'a str>,
    pid: Option<u32>,
    severity: Option<u8>,
}

impl<'a> Header<'a> {
    fn is_haproxy(&self) -> bool {
        self.program.is_some_and(|p| p.starts_with("haproxy"))
    }

    fn fill(&self, f: &mut Fields<'a>) {
        f.host = self.host.map(Cow::Borrowed);
        f.logger = self.program.map(Cow::Borrowed);
        f.pid = self.pid;
    }
}

/// The first space-delimited token and what follows its space.
#[inline]
fn token(s: &str) -> (&str, &str) {
    match memchr::memchr(b' ', s.as_bytes()) {
        Some(p) => (&s[..p], &s[p + 1..]),
        None => (s, ""),
    }
}

/// Reads an optional syslog header; returns it and the message body.
fn read_header(line: &str) -> Result<(Header<'_>, &str), ParseError> {
    let mut header = Header::default();
    let mut rest = line;
    if let Some(r) = line.strip_prefix('<') {
        let n = r.bytes().take_while(u8::is_ascii_digit).count();
        let pri: u16 = r[..n]
            .parse()
            .ok()
            .filter(|p| *p <= 191 && r.as_bytes().get(n) == Some(&b'>'))
            .ok_or(ParseError::new("expected a syslog <PRI>", 0))?;
        header.severity = Some((pri & 7) as u8);
        rest = &r[n + 1..];
        if let Some(r) = rest.strip_prefix("1 ") {
            return rfc5424(line, r, header);
        }
    }
    let time = syslog_bsd(rest).or_else(|_| iso8601(rest));
    let Ok((after, parsed)) = time else {
        if header.severity.is_some() {
            return Err(ParseError::at_rest(
                "expected a syslog timestamp after <PRI>",
                line,
                rest,
            ));
        }
        return Ok((header, line));
    };
    header.time = Some((&rest[..rest.len() - after.len()], parsed));
    let after = after.strip_prefix(' ').ok_or(ParseError::at_rest(
        "expected a space after the time",
        line,
        after,
    ))?;
    let (first, after_first) = token(after);
    let (tag, body) = if first.ends_with(':') {
        (first, after_first)
    } else {
        header.host = Some(first).filter(|h| !h.is_empty());
        token(after_first)
    };
    let tag = tag.strip_suffix(':').ok_or(ParseError::at_rest(
        "expected a syslog tag `program[pid]:`",
        line,
        after,
    ))?;
    match tag.split_once('[') {
        Some((program, pid)) => {
            header.program = Some(program);
            header.pid = pid.strip_suffix(']').and_then(|p| p.parse().ok());
        }
        None => header.program = Some(tag),
    }
    if !matches!(header.program, Some(p) if !p.is_empty()) {
        return Err(ParseError::at_rest("expected a syslog tag", line, after));
    }
    Ok((header, body))
}

/// `TIMESTAMP HOST APP PROCID MSGID SD MSG` after `<PRI>1 `.
fn rfc5424<'a>(
    line: &'a str,
    rest: &'a str,
    mut header: Header<'a>,
) -> Result<(Header<'a>, &'a str), ParseError> {
    let err = |r| ParseError::at_rest("expected an RFC 5424 header", line, r);
    let (ts, rest) = token(rest);
    if ts != "-" {
        match iso8601(ts) {
            Ok(("", t)) => header.time = Some((ts, t)),
            _ => return Err(err(rest)),
        }
    }
    let (host, rest) = token(rest);
    let (app, rest) = token(rest);
    let (procid, rest) = token(rest);
    let (_msgid, mut rest) = token(rest);
    if host.is_empty() || app.is_empty() || procid.is_empty() {
        return Err(err(rest));
    }
    header.host = (host != "-").then_some(host);
    header.program = (app != "-").then_some(app);
    header.pid = procid.parse().ok();
    if let Some(r) = rest.strip_prefix('-') {
        rest = r;
    } else {
        while rest.starts_with('[') {
            let b = rest.as_bytes();
            let mut p = 1;
            while p < b.len() && b[p] != b']' {
                p += if b[p] == b'\\' { 2 } else { 1 };
            }
            rest = rest.get(p + 1..).ok_or(err(rest))?;
        }
    }
    let body = match rest.strip_prefix(' ') {
        Some(b) => b,
        None if rest.is_empty() => rest,
        None => return Err(err(rest)),
    };
    Ok((header, body.strip_prefix('\u{feff}').unwrap_or(body)))
}

/// `ip:port [` — the start of a traffic line.
fn starts_with_client_address(body: &str) -> bool {
    let (addr, rest) = token(body);
    rest.starts_with('[') && client_address(addr).is_some()
}

/// The address of `ip:port` (IPv6 unbracketed, as HAProxy writes it; `unix:N`).
fn client_address(s: &str) -> Option<&str> {
    let colon = s.rfind(':')?;
    let (addr, port) = (&s[..colon], &s[colon + 1..]);
    let ok = !addr.is_empty()
        && !port.is_empty()
        && port.bytes().all(|c| c.is_ascii_digit())
        && addr.bytes().all(|c| {
            c.is_ascii_hexdigit() || matches!(c, b'.' | b':' | b'%') || c.is_ascii_alphabetic()
        });
    ok.then(|| strip_port(s))
}

/// A timer as HAProxy logs it: `12`, `-1`, `+1234` (with `option logasap`).
fn timer(s: &str) -> Option<i64> {
    s.strip_prefix('+').unwrap_or(s).parse().ok()
}

/// A byte count (`512`, or `+512` with `option logasap`).
fn byte_count(s: &str) -> Option<u64> {
    timer(s).and_then(|b| u64::try_from(b).ok())
}

/// `n/n/…` with exactly `N` parts that all read as timers.
fn slashed<const N: usize>(s: &str) -> Option<[i64; N]> {
    let mut out = [0i64; N];
    let mut parts = s.split('/');
    for slot in out.iter_mut() {
        *slot = timer(parts.next()?)?;
    }
    parts.next().is_none().then_some(out)
}

/// Milliseconds to seconds, `None` for HAProxy's `-1`.
#[inline]
fn ms(v: i64) -> Option<f64> {
    (v >= 0).then(|| v as f64 / 1000.0)
}

/// A termination state: `n` characters of HAProxy's flag alphabet.
fn termination_state(s: &str, n: usize) -> bool {
    s.len() == n && s.bytes().all(|c| c.is_ascii_alphabetic() || c == b'-')
}

/// The level a termination state calls for, on its own.
fn termination_level(tsc: &str) -> Level {
    match tsc.as_bytes().first() {
        Some(b'S' | b's' | b'R' | b'I' | b'D') => Level::Error,
        Some(b'P' | b'K' | b'c') => Level::Warn,
        _ => Level::Info,
    }
}

fn traffic<'a>(
    record: &'a str,
    body: &'a str,
    header: &Header<'a>,
    ctx: &TimeContext,
) -> Result<Event<'a>, ParseError> {
    let bad = |reason, at: &str| ParseError::at_rest(reason, record, at);
    let (client_port, rest) = token(body);
    let client = client_address(client_port).ok_or(bad("expected `ip:port`", body))?;
    let inner = rest
        .strip_prefix('[')
        .ok_or(bad("expected `[accept date]`", rest))?;
    let close = inner.find(']').ok_or(bad("expected `]`", inner))?;
    let date_text = &inner[..close];
    let parsed = match clf(date_text) {
        Ok(("", t)) => t,
        _ => {
            return Err(bad(
                "expected an accept date `21/Nov/2026:05:53:10.123`",
                inner,
            ))
        }
    };
    let ts = timestamp(date_text, parsed, ctx)?;
    let rest = inner[close + 1..]
        .strip_prefix(' ')
        .ok_or(bad("expected a frontend after the date", inner))?;
    let after_date = rest;
    let (frontend, rest) = token(rest);
    if frontend.is_empty() {
        return Err(bad("expected a frontend name", rest));
    }

    let mut fields = Fields {
        client: Some(Cow::Borrowed(client)),
        ..Fields::default()
    };
    header.fill(&mut fields);

    // Connection errors (2.x): `fe_https/1: SSL handshake failure`.
    if let Some(bind) = frontend.strip_suffix(':') {
        if rest.is_empty() {
            return Err(bad("expected a connection error message", rest));
        }
        fields
            .extra
            .push((Cow::Borrowed("frontend"), Cow::Borrowed(bind)));
        return Ok(Event {
            timestamp: Some(ts),
            level: Level::Warn,
            message: Cow::Borrowed(rest),
            fields,
            ..Event::default()
        });
    }

    let (backend_server, rest) = token(rest);
    if !backend_server.contains('/') {
        return Err(bad("expected `backend/server`", rest));
    }
    let (timers, rest) = token(rest);
    fields.upstream = Some(Cow::Borrowed(backend_server));
    fields
        .extra
        .push((Cow::Borrowed("frontend"), Cow::Borrowed(frontend)));

    let (level, message) = if let Some(t) = slashed::<5>(timers) {
        // HTTP: TR/Tw/Tc/Tr/Ta status bytes cc cs tsc conns queues {req} {res} "request"
        fields.duration = ms(t[4]);
        fields.upstream_duration = ms(t[3]);
        let (status, rest) = token(rest);
        let status: i64 = status.parse().map_err(|_| bad("expected a status", rest))?;
        fields.status = u16::try_from(status).ok().filter(|s| *s > 0);
        let (bytes, rest) = token(rest);
        fields.bytes = Some(byte_count(bytes).ok_or(bad("expected a byte count", rest))?);
        let (cc, rest) = token(rest);
        let (cs, rest) = token(rest);
        let (tsc, rest) = token(rest);
        if cc.is_empty() || cs.is_empty() || !termination_state(tsc, 4) {
            return Err(bad(
                "expected cookies and a 4-letter termination state",
                rest,
            ));
        }
        let (conns, rest) = token(rest);
        let (queues, mut rest) = token(rest);
        if slashed::<5>(conns).is_none() || slashed::<2>(queues).is_none() {
            return Err(bad("expected `act/fe/be/srv/retries sq/bq`", rest));
        }
        fields.code = Some(Cow::Borrowed(tsc));
        for (name, v) in [("request_cookie", cc), ("response_cookie", cs)] {
            if v != "-" {
                fields.extra.push((Cow::Borrowed(name), Cow::Borrowed(v)));
            }
        }
        fields
            .extra
            .push((Cow::Borrowed("timers"), Cow::Borrowed(timers)));
        fields
            .extra
            .push((Cow::Borrowed("conns"), Cow::Borrowed(conns)));
        fields
            .extra
            .push((Cow::Borrowed("queues"), Cow::Borrowed(queues)));
        for name in ["request_headers", "response_headers"] {
            let Some(open) = rest.strip_prefix('{') else {
                break;
            };
            let end = open.find('}').ok_or(bad("expected `}`", open))?;
            // Behind another proxy the socket peer is that proxy: the client
            // is the first address of a captured `X-Forwarded-For` (any
            // request header whose value is an address list); the peer
            // stays in its own field.
            if name == "request_headers" {
                if let Some(first) = open[..end].split('|').find_map(forwarded_for) {
                    fields.peer = fields.client.take();
                    fields.client = Some(Cow::Borrowed(first));
                }
            }
            if end > 0 {
                fields
                    .extra
                    .push((Cow::Borrowed(name), Cow::Borrowed(&open[..end])));
            }
            rest = open[end + 1..].trim_start_matches(' ');
        }
        let Some(unquoted) = rest.strip_prefix('"') else {
            return Err(bad("expected a quoted request", rest));
        };
        // A request longer than the log line is cut without its closing quote.
        let (request, after) = quoted(rest)
            .map(|(after, r)| (r, after))
            .unwrap_or((unquoted, ""));
        if let Some(r) = request_line(request) {
            fields.method = Some(Cow::Borrowed(r.method));
            fields.path = Some(Cow::Borrowed(r.target));
        }
        let after = after.trim_start_matches(' ');
        if !after.is_empty() {
            fields
                .extra
                .push((Cow::Borrowed("trailing"), Cow::Borrowed(after)));
        }
        let level = level_from_status(fields.status).max(termination_level(tsc));
        (level, request)
    } else if let Some(t) = slashed::<3>(timers) {
        // TCP: Tw/Tc/Tt bytes tsc conns queues
        fields.duration = ms(t[2]);
        let (bytes, rest) = token(rest);
        fields.bytes = Some(byte_count(bytes).ok_or(bad("expected a byte count", rest))?);
        let (tsc, rest) = token(rest);
        let (conns, rest) = token(rest);
        let (queues, rest) = token(rest);
        if !termination_state(tsc, 2)
            || slashed::<5>(conns).is_none()
            || slashed::<2>(queues).is_none()
        {
            return Err(bad(
                "expected `bytes tsc act/fe/be/srv/retries sq/bq`",
                rest,
            ));
        }
        fields.code = Some(Cow::Borrowed(tsc));
        fields
            .extra
            .push((Cow::Borrowed("timers"), Cow::Borrowed(timers)));
        fields
            .extra
            .push((Cow::Borrowed("conns"), Cow::Borrowed(conns)));
        fields
            .extra
            .push((Cow::Borrowed("queues"), Cow::Borrowed(queues)));
        if !rest.is_empty() {
            fields
                .extra
                .push((Cow::Borrowed("trailing"), Cow::Borrowed(rest)));
        }
        (termination_level(tsc), after_date)
    } else {
        return Err(bad("expected HTTP (5) or TCP (3) timers", timers));
    };

    Ok(Event {
        timestamp: Some(ts),
        level,
        message: Cow::Borrowed(message),
        fields,
        ..Event::default()
    })
}

/// HAProxy's own messages: with a `haproxy` syslog tag any text is taken;
/// otherwise only the stderr shape (`[WARNING]  (1234) : …`) or a message
/// that reads like HAProxy's own.
fn process_message<'a>(
    record: &'a str,
    body: &'a str,
    header: &Header<'a>,
    ctx: &TimeContext,
) -> Result<Event<'a>, ParseError> {
    let mut fields = Fields::default();
    header.fill(&mut fields);
    let mut message = body;
    let mut level = None;
    if header.program.is_none() {
        if let Some((word_level, pid, msg)) = stderr_prefix(body) {
            level = Some(word_level);
            fields.pid = Some(pid);
            message = msg;
        }
    }
    let known = known_message(message, &mut fields);
    if level.is_none() && !header.is_haproxy() && known.is_none() {
        return Err(ParseError::new(
            "expected an HAProxy traffic line or HAProxy message",
            record.len() - body.len(),
        ));
    }
    let level = known
        .or(level)
        .or(header.severity.map(Level::from_syslog_severity))
        .unwrap_or(Level::Info);
    let timestamp = match header.time {
        Some((text, parsed)) => Some(timestamp(text, parsed, ctx)?),
        None => None,
    };
    Ok(Event {
        timestamp,
        level,
        message: Cow::Borrowed(message),
        fields,
        ..Event::default()
    })
}

/// `[WARNING]  (1234) : message` (2.x) or `[WARNING] 324/055310 (1234) : message` (1.x).
fn stderr_prefix(s: &str) -> Option<(Level, u32, &str)> {
    let inner = s.strip_prefix('[')?;
    let close = inner.find(']')?;
    let word = &inner[..close];
    if !matches!(word, "NOTICE" | "WARNING" | "ALERT" | "DEBUG" | "INFO") {
        return None;
    }
    let level = Level::from_word(word)?;
    let mut rest = inner[close + 1..].trim_start_matches(' ');
    if !rest.starts_with('(') {
        // 1.x: day-of-year/HHMMSS
        let (stamp, after) = token(rest);
        if !stamp.bytes().all(|c| c.is_ascii_digit() || c == b'/') || stamp.is_empty() {
            return None;
        }
        rest = after;
    }
    let p = rest.strip_prefix('(')?;
    let end = p.find(')')?;
    let pid = p[..end].parse().ok()?;
    let msg = p[end + 1..].trim_start_matches(' ').strip_prefix(':')?;
    Some((level, pid, msg.trim_start_matches(' ')))
}

/// Recognizes HAProxy's messages about servers, backends and proxies; fills
/// the upstream (`backend/server` or `backend`) and says the level they deserve.
fn known_message<'a>(m: &'a str, f: &mut Fields<'a>) -> Option<Level> {
    let server_event = |rest: &'a str, f: &mut Fields<'a>| -> Option<&'a str> {
        let (name, after) = token(rest);
        let name = name.trim_end_matches([',', ':']);
        if !name.contains('/') {
            return None;
        }
        f.upstream = Some(Cow::Borrowed(name));
        Some(after)
    };
    if let Some(rest) = m
        .strip_prefix("Server ")
        .or_else(|| m.strip_prefix("Backup Server "))
    {
        let after = server_event(rest, f)?;
        return Some(if after.starts_with("is DOWN") {
            Level::Error
        } else if after.starts_with("is going DOWN") || after.starts_with("is stopping") {
            Level::Warn
        } else if after.starts_with("is UP") || after.starts_with("was DOWN") {
            Level::Notice
        } else {
            Level::Info
        });
    }
    if let Some(rest) = m
        .strip_prefix("Health check for server ")
        .or_else(|| m.strip_prefix("Health check for backup server "))
        .or_else(|| m.strip_prefix("Agent check for server "))
    {
        let after = server_event(rest, f)?;
        return Some(if after.starts_with("failed") {
            Level::Warn
        } else {
            Level::Info
        });
    }
    if let Some(rest) = m.strip_prefix("backend ") {
        let (name, after) = token(rest);
        let name = name.trim_matches('\'');
        if after.starts_with("has no server available") {
            f.upstream = Some(Cow::Borrowed(name));
            return Some(Level::Fatal);
        }
        return None;
    }
    let proxy = m
        .strip_prefix("Proxy ")
        .or_else(|| m.strip_prefix("Stopping frontend "))
        .or_else(|| m.strip_prefix("Stopping backend "))
        .or_else(|| m.strip_prefix("Stopping proxy "))
        .or_else(|| m.strip_prefix("Pausing proxy "))
        .or_else(|| m.strip_prefix("Pausing frontend "))
        .or_else(|| m.strip_prefix("Resuming proxy "))
        .or_else(|| m.strip_prefix("Resuming frontend "));
    if let Some(rest) = proxy {
        let (name, after) = token(rest);
        let name = name.trim_end_matches('.');
        let known = after.is_empty()
            || after.starts_with("started")
            || after.starts_with("stopped")
            || after.starts_with("in ")
            || after.starts_with("reached");
        if name.is_empty() || !known {
            return None;
        }
        f.extra.push((Cow::Borrowed("proxy"), Cow::Borrowed(name)));
        return Some(Level::Info);
    }
    if let Some(rest) = m.strip_prefix("Connect from ") {
        let (from, after) = token(rest);
        let client = client_address(from)?;
        if !after.starts_with("to ") {
            return None;
        }
        f.client = Some(Cow::Borrowed(client));
        return Some(Level::Info);
    }
    None
}

#[cfg(test)]
mod tests;
