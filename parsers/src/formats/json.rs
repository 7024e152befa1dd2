//! JSON lines: one JSON object per line, as structured loggers write them.
//!
//! ```text
//! {"level":30,"time":1763704389285,"pid":4242,"hostname":"web-1","reqId":"req-7","msg":"request completed","res":{"statusCode":200},"responseTime":12}
//! ```
//!
//! The time, level and message are found among the keys of the common
//! conventions — pino and bunyan (`time`, numeric `level`, `msg`), zap
//! (`ts`, `level`, `msg`, `caller`, `logger`), logrus (`time`, `level`,
//! `msg`), Serilog's compact JSON (`@t`, `@l`, `@m` or the template `@mt`
//! rendered with its properties, `@x`), structlog (`timestamp`, `level`,
//! `event`), ECS (`@timestamp`, `log.level`, `message`), Google Cloud
//! (`severity`), GELF (`short_message`, syslog `level`) and Docker's
//! json-file driver (`log`). Times may be RFC 3339 text or epoch numbers in
//! s/ms/µs/ns; numeric levels are pino's 10–60 or syslog's 0–7.
//!
//! Nested objects are flattened with dotted keys (`req.method`,
//! `http.response.status_code`) down to three levels; every other scalar
//! goes through [`Fields::set`], which maps the known names to typed fields
//! and keeps the rest in `extra`. Arrays and deeper objects are checked and
//! skipped. The object is read once by a small borrowed reader: strings
//! without escapes stay slices of the record.
//!
//! A line that is not exactly one JSON object is not this format. An object
//! without a recognizable time is still an event (without a timestamp: the
//! ingest gives it its predecessor's); one without a level is `info`.

use std::borrow::Cow;

use crate::common::timestamp;
use crate::event::{Event, Fields, Kind, Level};
use crate::format::{Format, ParseError};
use crate::time::{epoch_text, timestamp_value, ParsedTime, TimeContext};

/// One JSON object per line (pino, bunyan, zap, logrus, Serilog, structlog, ECS…).
pub struct Json;

impl Format for Json {
    fn name(&self) -> &str {
        "json"
    }

    fn aliases(&self) -> &[&str] {
        &[
            "jsonl",
            "ndjson",
            "pino",
            "bunyan",
            "zap",
            "logrus",
            "serilog",
            "structlog",
        ]
    }

    fn description(&self) -> &str {
        "JSON lines from structured loggers (pino, bunyan, zap, logrus, Serilog, structlog, ECS)"
    }

    fn kind(&self) -> Kind {
        Kind::App
    }

    fn parse<'a>(&self, record: &'a str, ctx: &TimeContext) -> Result<Event<'a>, ParseError> {
        let mut reader = Reader { s: record, pos: 0 };
        // A byte-order mark can open the first line of a file.
        if record.starts_with('\u{feff}') {
            reader.pos = '\u{feff}'.len_utf8();
        }
        reader.ws();
        if reader.peek() != Some(b'{') {
            return Err(reader.error("expected a JSON object"));
        }
        let mut pairs = Vec::with_capacity(32);
        reader.object(None, 0, &mut pairs)?;
        reader.ws();
        if reader.peek().is_some() {
            return Err(reader.error("expected the line to end after the JSON object"));
        }
        build_event(pairs, ctx)
    }
}

// ---------------------------------------------------------------------------
// Turning the flattened members into an event.

/// What a member is for.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Role {
    /// A time key; lower ranks are tried first.
    Time(u8),
    /// A level key.
    Level(u8),
    /// A message key (`Message(1)` for templates is rendered).
    Message(u8),
    /// Anything else, or a member already used.
    Other,
}

/// A flattened member: dotted key, scalar value, role.
struct Member<'a> {
    key: Cow<'a, str>,
    value: Scalar<'a>,
    role: Role,
}

/// Classifies a key (case-insensitively) by the conventions above.
fn role_of(key: &str) -> Role {
    let mut buf = [0u8; 16];
    let Some(lower) = buf.get_mut(..key.len()) else {
        return Role::Other;
    };
    for (d, s) in lower.iter_mut().zip(key.bytes()) {
        *d = s.to_ascii_lowercase();
    }
    match &*lower {
        b"@t" | b"@timestamp" => Role::Time(0),
        b"timestamp" | b"time" | b"ts" => Role::Time(1),
        b"datetime" | b"asctime" | b"timemillis" | b"@time" => Role::Time(2),
        b"date" | b"t" => Role::Time(3),
        b"level" | b"@l" | b"severity" | b"log.level" => Role::Level(0),
        b"lvl" | b"levelname" | b"loglevel" | b"level_name" | b"@level" => Role::Level(1),
        b"msg" | b"message" | b"@m" | b"renderedmessage" | b"@message" => Role::Message(0),
        b"@mt" | b"messagetemplate" => Role::Message(1),
        b"event" | b"short_message" | b"textpayload" => Role::Message(2),
        b"log" => Role::Message(3),
        b"error" | b"err" => Role::Message(4),
        _ => Role::Other,
    }
}

/// Reads a level value: a word, a pino/bunyan number (10–60), or a syslog
/// severity (0–7, as GELF writes it).
fn level_of(value: &Scalar<'_>) -> Option<Level> {
    let text = match value {
        Scalar::Num(raw) => raw,
        Scalar::Str { text, .. } => text.as_ref(),
        _ => return None,
    };
    match text.trim().parse::<i64>() {
        Ok(n @ 0..=7) => Some(Level::from_syslog_severity(n as u8)),
        Ok(n) => Some(Level::from_pino(n)),
        Err(_) => Level::from_word(text),
    }
}

/// Reads a time value: an epoch number, or text in any known shape.
fn time_of<'a>(value: &Scalar<'a>) -> Option<(&'a str, ParsedTime)> {
    match value {
        Scalar::Num(raw) => epoch_text(raw).map(|t| (*raw, t)),
        Scalar::Str { raw, text } => timestamp_value(text).map(|t| (*raw, t)),
        _ => None,
    }
}

/// Picks the member of the best rank of `role` that `accept` takes, and marks it used.
fn take_best<'a, T>(
    members: &mut [Member<'a>],
    role: fn(Role) -> Option<u8>,
    accept: impl Fn(&Scalar<'a>) -> Option<T>,
) -> Option<T> {
    let mut best: Option<(u8, usize, T)> = None;
    for (i, m) in members.iter().enumerate() {
        let Some(rank) = role(m.role) else { continue };
        if best.as_ref().is_some_and(|(r, _, _)| *r <= rank) {
            continue;
        }
        if let Some(v) = accept(&m.value) {
            best = Some((rank, i, v));
        }
    }
    let (_, i, v) = best?;
    if let Some(m) = members.get_mut(i) {
        m.role = Role::Other;
        m.value = Scalar::Null;
    }
    Some(v)
}

fn build_event<'a>(
    mut members: Vec<Member<'a>>,
    ctx: &TimeContext,
) -> Result<Event<'a>, ParseError> {
    let ts = match take_best(
        &mut members,
        |r| match r {
            Role::Time(n) => Some(n),
            _ => None,
        },
        time_of,
    ) {
        Some((text, parsed)) => Some(timestamp(text, parsed, ctx)?),
        None => None,
    };
    let level = take_best(
        &mut members,
        |r| match r {
            Role::Level(n) => Some(n),
            _ => None,
        },
        level_of,
    )
    .unwrap_or(Level::Info);
    let message = take_best(
        &mut members,
        |r| match r {
            Role::Message(n) => Some(n),
            _ => None,
        },
        |v| match v {
            Scalar::Str { text, .. } => Some(text.clone()),
            _ => None,
        },
    );
    let serilog = is_template_record(&members);
    let message = match message {
        // A template (`@mt`) has `{Property}` holes filled from the members.
        Some(m) if serilog && m.contains('{') => render_template(&m, &members),
        Some(m) => m,
        None => Cow::Borrowed(""),
    };
    let mut fields = Fields::default();
    for m in members {
        let value = match m.value {
            Scalar::Str { text, .. } => text,
            Scalar::Num(raw) => Cow::Borrowed(raw),
            Scalar::Bool(b) => Cow::Borrowed(if b { "true" } else { "false" }),
            Scalar::Null => continue,
        };
        // Durations that these loggers write in milliseconds without saying so:
        // pino-http's `responseTime`, .NET's `Elapsed` (Serilog request
        // logging) and `elapsed` (EF Core).
        let key = match m.key.as_ref() {
            "responseTime" => Cow::Borrowed("responseTime_ms"),
            "Elapsed" | "elapsed" if serilog => Cow::Borrowed("elapsed_ms"),
            _ => m.key,
        };
        fields.set(key, value);
    }
    // An access log in JSON (nginx `escape=json`, Caddy, Traefik, Envoy):
    // its message is the request line, as in the text access logs.
    let message = if message.is_empty() && fields.method.is_some() {
        match fields.extra.iter().position(|(k, _)| {
            matches!(
                k.to_ascii_lowercase().as_str(),
                "request" | "request_line" | "requestline" | "http_request"
            )
        }) {
            Some(i) => fields.extra.remove(i).1,
            None => message,
        }
    } else {
        message
    };
    // With no forwarded address, the peer that connected is the client.
    if fields.client.is_none() {
        fields.client = fields.peer.clone();
    }
    // Docker's json-file driver keeps the line break in `log`.
    let message = match message {
        Cow::Borrowed(s) => Cow::Borrowed(s.trim_end_matches(['\n', '\r'])),
        Cow::Owned(s) if s.ends_with('\n') => {
            Cow::Owned(s.trim_end_matches(['\n', '\r']).to_string())
        }
        owned => owned,
    };
    Ok(Event {
        timestamp: ts,
        level,
        message,
        fields,
        ..Event::default()
    })
}

/// Whether the record was written by Serilog (its keys start with `@` or it
/// has `Properties`), so a message in braces is a template to render.
fn is_template_record(members: &[Member<'_>]) -> bool {
    members
        .iter()
        .any(|m| m.key.starts_with('@') || m.key.starts_with("Properties."))
}

/// Renders a Serilog message template: `{Name}`, `{@Name}`, `{Name:0.00}`,
/// `{Name,8}` become the property's value (as written, strings unquoted);
/// `{{`/`}}` are literal braces; unknown names are left as written.
fn render_template<'a>(template: &str, members: &[Member<'a>]) -> Cow<'a, str> {
    let mut out = String::with_capacity(template.len() + 32);
    let mut rest = template;
    while let Some(open) = rest.find(['{', '}']) {
        out.push_str(&rest[..open]);
        let tail = &rest[open..];
        if tail.starts_with("{{") || tail.starts_with("}}") {
            out.push_str(&tail[..1]);
            rest = &tail[2..];
            continue;
        }
        let close = match (tail.starts_with('{'), tail.find('}')) {
            (true, Some(c)) => c,
            _ => {
                out.push_str(&tail[..1]);
                rest = &tail[1..];
                continue;
            }
        };
        let hole = &tail[1..close];
        let name = hole
            .trim_start_matches(['@', '$'])
            .split([':', ','])
            .next()
            .unwrap_or("");
        let value = members.iter().find_map(|m| {
            let key = m.key.as_ref();
            let matches = key == name || key.strip_prefix("Properties.") == Some(name);
            match (&m.value, matches) {
                (Scalar::Str { text, .. }, true) => Some(text.as_ref()),
                (Scalar::Num(raw), true) => Some(*raw),
                (Scalar::Bool(true), true) => Some("True"),
                (Scalar::Bool(false), true) => Some("False"),
                _ => None,
            }
        });
        match value {
            Some(v) => out.push_str(v),
            None => out.push_str(&tail[..=close]),
        }
        rest = &tail[close + 1..];
    }
    out.push_str(rest);
    Cow::Owned(out)
}

// ---------------------------------------------------------------------------
// The reader: a strict, borrowed JSON reader that flattens what it keeps.

/// A JSON scalar as read from the record.
enum Scalar<'a> {
    /// A string: as written between the quotes, and decoded.
    Str { raw: &'a str, text: Cow<'a, str> },
    /// A number, as written.
    Num(&'a str),
    /// `true` or `false`.
    Bool(bool),
    /// `null` (or a member already used).
    Null,
}

/// Objects nested deeper than this are skipped, not flattened.
const FLATTEN_DEPTH: u8 = 3;
/// Arrays and objects nested deeper than this make the line unreadable
/// (a bound on recursion, whatever the input).
const MAX_DEPTH: u8 = 64;

struct Reader<'a> {
    s: &'a str,
    pos: usize,
}

impl<'a> Reader<'a> {
    #[inline]
    fn peek(&self) -> Option<u8> {
        self.s.as_bytes().get(self.pos).copied()
    }

    fn error(&self, reason: &'static str) -> ParseError {
        ParseError::new(reason, self.pos)
    }

    #[inline]
    fn ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
    }

    fn expect(&mut self, c: u8, reason: &'static str) -> Result<(), ParseError> {
        if self.peek() == Some(c) {
            self.pos += 1;
            Ok(())
        } else {
            Err(self.error(reason))
        }
    }

    /// Reads an object at `{`, pushing its scalar members (keys prefixed with
    /// `prefix.`) and flattening nested objects while `depth` allows.
    fn object(
        &mut self,
        prefix: Option<&str>,
        depth: u8,
        out: &mut Vec<Member<'a>>,
    ) -> Result<(), ParseError> {
        self.expect(b'{', "expected a JSON object")?;
        self.ws();
        if self.peek() == Some(b'}') {
            self.pos += 1;
            return Ok(());
        }
        loop {
            self.ws();
            let (_, name) = self.string()?;
            self.ws();
            self.expect(b':', "expected `:` after a JSON key")?;
            self.ws();
            let key = match prefix {
                Some(p) => {
                    // Built by hand: `format!` costs several times more here.
                    let mut k = String::with_capacity(p.len() + 1 + name.len());
                    k.push_str(p);
                    k.push('.');
                    k.push_str(&name);
                    Cow::Owned(k)
                }
                None => name,
            };
            match self.peek() {
                Some(b'{') if depth + 1 < FLATTEN_DEPTH => {
                    self.object(Some(&key), depth + 1, out)?
                }
                Some(b'{' | b'[') => self.skip(depth + 1)?,
                _ => {
                    let value = self.scalar()?;
                    let role = if prefix.is_none() || key == "log.level" {
                        role_of(&key)
                    } else {
                        Role::Other
                    };
                    out.push(Member { key, value, role });
                }
            }
            self.ws();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b'}') => {
                    self.pos += 1;
                    return Ok(());
                }
                _ => return Err(self.error("expected `,` or `}` in a JSON object")),
            }
        }
    }

    /// Checks and skips an array or object.
    fn skip(&mut self, depth: u8) -> Result<(), ParseError> {
        if depth > MAX_DEPTH {
            return Err(self.error("JSON nested too deeply"));
        }
        let (close, is_object) = match self.peek() {
            Some(b'{') => (b'}', true),
            Some(b'[') => (b']', false),
            _ => return self.scalar().map(|_| ()),
        };
        self.pos += 1;
        self.ws();
        if self.peek() == Some(close) {
            self.pos += 1;
            return Ok(());
        }
        loop {
            self.ws();
            if is_object {
                self.string_raw()?;
                self.ws();
                self.expect(b':', "expected `:` after a JSON key")?;
                self.ws();
            }
            self.skip(depth + 1)?;
            self.ws();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(c) if c == close => {
                    self.pos += 1;
                    return Ok(());
                }
                _ => return Err(self.error("expected `,` or a closing bracket in JSON")),
            }
        }
    }

    /// Reads a string, number, `true`, `false` or `null`.
    fn scalar(&mut self) -> Result<Scalar<'a>, ParseError> {
        match self.peek() {
            Some(b'"') => {
                let (raw, text) = self.string()?;
                Ok(Scalar::Str { raw, text })
            }
            Some(b'-' | b'0'..=b'9') => self.number().map(Scalar::Num),
            Some(b't') => self.literal("true", Scalar::Bool(true)),
            Some(b'f') => self.literal("false", Scalar::Bool(false)),
            Some(b'n') => self.literal("null", Scalar::Null),
            _ => Err(self.error("expected a JSON value")),
        }
    }

    fn literal(&mut self, word: &str, value: Scalar<'a>) -> Result<Scalar<'a>, ParseError> {
        if self
            .s
            .as_bytes()
            .get(self.pos..)
            .is_some_and(|b| b.starts_with(word.as_bytes()))
        {
            self.pos += word.len();
            Ok(value)
        } else {
            Err(self.error("expected a JSON value"))
        }
    }

    /// A number: `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`, as written.
    fn number(&mut self) -> Result<&'a str, ParseError> {
        let start = self.pos;
        let b = self.s.as_bytes();
        let digits = |p: &mut usize| {
            let from = *p;
            while b.get(*p).is_some_and(u8::is_ascii_digit) {
                *p += 1;
            }
            *p > from
        };
        let mut p = self.pos;
        if b.get(p) == Some(&b'-') {
            p += 1;
        }
        if b.get(p) == Some(&b'0') {
            p += 1;
        } else if !digits(&mut p) {
            return Err(self.error("expected a JSON number"));
        }
        if b.get(p) == Some(&b'.') {
            p += 1;
            if !digits(&mut p) {
                return Err(ParseError::new(
                    "expected digits after `.` in a JSON number",
                    p,
                ));
            }
        }
        if matches!(b.get(p), Some(b'e' | b'E')) {
            p += 1;
            if matches!(b.get(p), Some(b'+' | b'-')) {
                p += 1;
            }
            if !digits(&mut p) {
                return Err(ParseError::new("expected an exponent in a JSON number", p));
            }
        }
        self.pos = p;
        Ok(&self.s[start..p])
    }

    /// Scans a string at `"`: its content as written, and whether it has escapes.
    fn string_raw(&mut self) -> Result<(&'a str, bool), ParseError> {
        if self.peek() != Some(b'"') {
            return Err(self.error("expected a JSON string"));
        }
        let b = self.s.as_bytes();
        let start = self.pos + 1;
        let mut p = start;
        let mut escaped = false;
        loop {
            let Some(off) = memchr::memchr2(b'"', b'\\', b.get(p..).unwrap_or_default()) else {
                return Err(self.error("unterminated JSON string"));
            };
            p += off;
            if b.get(p) == Some(&b'"') {
                self.pos = p + 1;
                return Ok((&self.s[start..p], escaped));
            }
            // A backslash: the next byte is escaped (checked when decoding).
            escaped = true;
            p += 2;
        }
    }

    /// Reads a string: as written, and decoded (borrowed when it has no escapes).
    fn string(&mut self) -> Result<(&'a str, Cow<'a, str>), ParseError> {
        let at = self.pos;
        let (raw, escaped) = self.string_raw()?;
        if !escaped {
            return Ok((raw, Cow::Borrowed(raw)));
        }
        match unescape_json(raw) {
            Some(s) => Ok((raw, Cow::Owned(s))),
            None => Err(ParseError::new("invalid escape in a JSON string", at)),
        }
    }
}

/// Decodes JSON escapes (`\n`, `\"`, `\u00e9`, surrogate pairs). `None`
/// for an invalid escape; a lone surrogate becomes U+FFFD.
fn unescape_json(s: &str) -> Option<String> {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(p) = rest.find('\\') {
        out.push_str(&rest[..p]);
        let esc = rest.as_bytes().get(p + 1)?;
        rest = rest.get(p + 2..)?;
        match esc {
            b'"' => out.push('"'),
            b'\\' => out.push('\\'),
            b'/' => out.push('/'),
            b'b' => out.push('\u{8}'),
            b'f' => out.push('\u{c}'),
            b'n' => out.push('\n'),
            b'r' => out.push('\r'),
            b't' => out.push('\t'),
            b'u' => {
                let hi = hex4(rest)?;
                rest = rest.get(4..)?;
                let c = if (0xD800..0xDC00).contains(&hi) {
                    match rest.strip_prefix("\\u").and_then(hex4) {
                        Some(lo @ 0xDC00..=0xDFFF) => {
                            rest = rest.get(6..)?;
                            char::from_u32(0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00))
                        }
                        _ => None,
                    }
                } else {
                    char::from_u32(hi)
                };
                out.push(c.unwrap_or('\u{fffd}'));
            }
            _ => return None,
        }
    }
    out.push_str(rest);
    Some(out)
}

/// Four hex digits at the start of `s`.
fn hex4(s: &str) -> Option<u32> {
    let h = s.get(..4)?;
    if !h.bytes().all(|c| c.is_ascii_hexdigit()) {
        return None;
    }
    u32::from_str_radix(h, 16).ok()
}

#[cfg(test)]
mod tests;
