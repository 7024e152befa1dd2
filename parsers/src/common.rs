//! Pieces every format shares: quoted strings, tokens, numbers, `key=value`
//! runs, levels in brackets. Each is a nom parser over `&str` that borrows
//! from its input, so formats compose them without allocating.

use std::borrow::Cow;

use nom::bytes::complete::{take_while, take_while1};
use nom::character::complete::char;
use nom::error::{Error, ErrorKind};
use nom::{IResult, Parser};

use crate::event::{Fields, Level, Timestamp};
use crate::format::ParseError;
use crate::time::{ParsedTime, TimeContext};

/// A nom error at `i` (for hand-written parsers).
pub fn nom_fail<T>(i: &str) -> IResult<&str, T> {
    Err(nom::Err::Error(Error::new(i, ErrorKind::Verify)))
}

/// One or more spaces or tabs.
pub fn spaces(i: &str) -> IResult<&str, &str> {
    take_while1(|c| c == ' ' || c == '\t').parse(i)
}

/// Zero or more spaces or tabs.
pub fn opt_spaces(i: &str) -> IResult<&str, &str> {
    take_while(|c| c == ' ' || c == '\t').parse(i)
}

/// A run of non-space characters.
pub fn token(i: &str) -> IResult<&str, &str> {
    take_while1(|c: char| !c.is_ascii_whitespace()).parse(i)
}

/// A double-quoted string, returning its content as written (escapes such
/// as `\"` or nginx's `\x22` are kept, not decoded: the bytes stay borrowed).
pub fn quoted(i: &str) -> IResult<&str, &str> {
    let b = i.as_bytes();
    if b.first() != Some(&b'"') {
        return nom_fail(i);
    }
    let mut p = 1;
    while p < b.len() {
        match b[p] {
            b'\\' => p += 2,
            b'"' => return Ok((&i[p + 1..], &i[1..p])),
            _ => p += 1,
        }
    }
    nom_fail(i)
}

/// `[content]`, returning the content (no nesting).
pub fn bracketed(i: &str) -> IResult<&str, &str> {
    let (rest, _) = char('[').parse(i)?;
    let end = rest
        .find(']')
        .ok_or_else(|| nom::Err::Error(Error::new(rest, ErrorKind::Char)))?;
    Ok((&rest[end + 1..], &rest[..end]))
}

/// `None` for the placeholders logs write for "no value": `-`, `""`, empty.
#[inline]
pub fn non_empty(s: &str) -> Option<&str> {
    match s {
        "" | "-" => None,
        _ => Some(s),
    }
}

/// Parses an unsigned integer, `None` for `-` or garbage.
#[inline]
pub fn uint<T: std::str::FromStr>(s: &str) -> Option<T> {
    non_empty(s)?.parse().ok()
}

/// Parses a finite float, `None` for `-` or garbage.
#[inline]
pub fn float(s: &str) -> Option<f64> {
    non_empty(s)?.parse::<f64>().ok().filter(|f| f.is_finite())
}

/// A level written as a word, possibly in brackets or followed by a colon:
/// `ERROR`, `[warn]`, `<E>`, `WARNING:`. Returns the level and the rest.
pub fn level_word(i: &str) -> IResult<&str, Level> {
    let (open, close) = match i.as_bytes().first() {
        Some(b'[') => (1, Some(']')),
        Some(b'<') => (1, Some('>')),
        Some(b'(') => (1, Some(')')),
        _ => (0, None),
    };
    let body = &i[open..];
    let end = body
        .find(|c: char| !c.is_ascii_alphanumeric())
        .unwrap_or(body.len());
    let level = match Level::from_word(&body[..end]) {
        // Single letters only count when bracketed (`[E]`), else any word starting with E would.
        Some(l) if end > 1 || close.is_some() => l,
        _ => return nom_fail(i),
    };
    let mut rest = &body[end..];
    if let Some(c) = close {
        rest = rest
            .strip_prefix(c)
            .ok_or_else(|| nom::Err::Error(Error::new(rest, ErrorKind::Char)))?;
    } else if let Some(r) = rest.strip_prefix(':') {
        rest = r;
    }
    if !(rest.is_empty() || rest.starts_with([' ', '\t', ':', ']'])) {
        return nom_fail(i);
    }
    Ok((rest, level))
}

/// A level that a free-text message starts with, read conservatively so
/// that ordinary words are not taken for levels: any bracketed level
/// (`[ERROR]`, `<warn>`, see [`level_word`]), or one of the unmistakable
/// level words (`error`, `warning`, `fatal`, `panic`, `info`, `debug`…, not
/// `Note`, `Config` or `Log`) written in capitals (`ERROR db down`) or
/// followed by a colon (`error: db down`, `Warning: disk`). Returns the
/// level and the message after it.
pub fn message_level(msg: &str) -> Option<(Level, &str)> {
    if msg.starts_with(['[', '<', '(']) {
        let (rest, level) = level_word(msg).ok()?;
        return Some((level, rest.trim_start_matches([' ', '\t', ':'])));
    }
    let end = msg
        .find(|c: char| !c.is_ascii_alphabetic())
        .unwrap_or(msg.len());
    let (word, rest) = msg.split_at(end);
    let colon = rest.starts_with(':');
    let capitals = word.bytes().all(|c| c.is_ascii_uppercase());
    if !(colon || capitals && (rest.is_empty() || rest.starts_with([' ', '\t']))) {
        return None;
    }
    const WORDS: [&str; 14] = [
        "trace", "debug", "info", "notice", "warn", "warning", "error", "fatal", "panic",
        "critical", "crit", "alert", "emerg", "severe",
    ];
    if !WORDS.iter().any(|w| w.eq_ignore_ascii_case(word)) {
        return None;
    }
    let level = Level::from_word(word)?;
    Some((level, rest.trim_start_matches([' ', '\t', ':'])))
}

/// Iterates `key=value` pairs of a logfmt-style run: `a=1 b="two words"
/// c= d`. A value in quotes is returned without its quotes, with `\"` and
/// `\\` decoded (an owned string only when it had escapes). A bare word with
/// no `=` is yielded with an empty value.
pub fn kv_pairs(s: &str) -> KvPairs<'_> {
    KvPairs { rest: s }
}

/// Iterator returned by [`kv_pairs`].
pub struct KvPairs<'a> {
    rest: &'a str,
}

impl<'a> KvPairs<'a> {
    /// The text not read yet, so a caller can check how each pair was
    /// written (with `=` or bare, quoted or not).
    pub fn rest(&self) -> &'a str {
        self.rest
    }
}

impl<'a> Iterator for KvPairs<'a> {
    type Item = (&'a str, Cow<'a, str>);

    fn next(&mut self) -> Option<Self::Item> {
        let s = self.rest.trim_start();
        if s.is_empty() {
            self.rest = s;
            return None;
        }
        // Byte searches: the bytes looked for are ASCII, so their positions
        // are character boundaries.
        let key_end = s
            .bytes()
            .position(|b| b == b'=' || b.is_ascii_whitespace())
            .unwrap_or(s.len());
        let key = &s[..key_end];
        let after = &s[key_end..];
        let Some(v) = after.strip_prefix('=') else {
            self.rest = after;
            return Some((key, Cow::Borrowed("")));
        };
        if v.starts_with('"') {
            let b = v.as_bytes();
            let mut p = 1;
            let mut escaped = false;
            while p < b.len() && b[p] != b'"' {
                if b[p] == b'\\' {
                    escaped = true;
                    p += 1;
                }
                p += 1;
            }
            let inner = &v[1..p.min(v.len())];
            self.rest = v.get(p + 1..).unwrap_or("");
            let value = if escaped {
                Cow::Owned(unescape_backslashes(inner))
            } else {
                Cow::Borrowed(inner)
            };
            return Some((key, value));
        }
        let end = v
            .bytes()
            .position(|b| b.is_ascii_whitespace())
            .unwrap_or(v.len());
        self.rest = &v[end..];
        Some((key, Cow::Borrowed(&v[..end])))
    }
}

/// Iterates the fields of one CSV record (RFC 4180 as PostgreSQL's csvlog
/// writes it: `,` between fields, `"` around a field that needs it, `""`
/// for a quote inside quotes; a quoted field may hold line breaks). A field
/// borrows from the record unless it had `""` escapes. A record that is not
/// well-formed CSV — an unclosed quote, text after a closing quote, a quote
/// or a line break in an unquoted field — yields `Err(byte position)` and
/// then ends.
pub fn csv_fields(record: &str) -> CsvFields<'_> {
    CsvFields {
        record,
        pos: 0,
        done: false,
    }
}

/// Iterator returned by [`csv_fields`].
pub struct CsvFields<'a> {
    record: &'a str,
    pos: usize,
    done: bool,
}

impl<'a> Iterator for CsvFields<'a> {
    type Item = Result<Cow<'a, str>, usize>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        let b = self.record.as_bytes();
        let start = self.pos;
        if b.get(start) != Some(&b'"') {
            let end = memchr::memchr(b',', &b[start..]).map_or(b.len(), |i| start + i);
            let field = &self.record[start..end];
            if field.contains(['"', '\n']) {
                self.done = true;
                return Some(Err(start));
            }
            if end == b.len() {
                self.done = true;
            } else {
                self.pos = end + 1;
            }
            return Some(Ok(Cow::Borrowed(field)));
        }
        let mut close = start + 1;
        let mut escaped = false;
        loop {
            match memchr::memchr(b'"', &b[close..]) {
                None => {
                    self.done = true;
                    return Some(Err(start));
                }
                Some(i) if b.get(close + i + 1) == Some(&b'"') => {
                    escaped = true;
                    close += i + 2;
                }
                Some(i) => {
                    close += i;
                    break;
                }
            }
        }
        let inner = &self.record[start + 1..close];
        match b.get(close + 1) {
            None => self.done = true,
            Some(b',') => self.pos = close + 2,
            Some(_) => {
                self.done = true;
                return Some(Err(close + 1));
            }
        }
        Some(Ok(if escaped {
            Cow::Owned(inner.replace("\"\"", "\""))
        } else {
            Cow::Borrowed(inner)
        }))
    }
}

/// Decodes `\"`, `\\`, `\n`, `\t` (other escapes are kept as written).
pub fn unescape_backslashes(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('"') => out.push('"'),
            Some('\\') => out.push('\\'),
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some(o) => {
                out.push('\\');
                out.push(o);
            }
            None => out.push('\\'),
        }
    }
    out
}

/// Resolves a parsed time into the event's [`Timestamp`], or a parse error
/// if the wall clock cannot exist anywhere (out-of-range dates).
pub fn timestamp<'a>(
    text: &'a str,
    parsed: ParsedTime,
    ctx: &TimeContext,
) -> Result<Timestamp<'a>, ParseError> {
    let (utc, flags) = ctx
        .resolve(parsed)
        .ok_or(ParseError::new("timestamp out of range", 0))?;
    Ok(Timestamp { utc, text, flags })
}

/// [`timestamp`] for a time of day written without a date (`05:53:09.285`):
/// the date comes from the context, see [`TimeContext::resolve_time_of_day`].
pub fn timestamp_of_day<'a>(
    text: &'a str,
    time: chrono::NaiveTime,
    ctx: &TimeContext,
) -> Result<Timestamp<'a>, ParseError> {
    let (utc, flags) = ctx
        .resolve_time_of_day(time)
        .ok_or(ParseError::new("timestamp out of range", 0))?;
    Ok(Timestamp { utc, text, flags })
}

/// Sets [`Fields`] from the `key=value` tokens of a free-text message line
/// (`Unhandled exception request_id=ab12 POST /x`, `... (pool_size=5
/// max_overflow=5)`), leaving the message itself alone. Only tokens whose
/// key is an identifier (`[A-Za-z_][A-Za-z0-9_.-]*`, after one opening
/// `(`/`[`/`{`) count; a value loses a trailing `,`/`;` and a closing
/// bracket or quote it did not open. Words without `=` and empty values
/// are skipped. Pass one line: code in a traceback is not key/value data.
pub fn set_message_pairs<'a>(line: &'a str, fields: &mut Fields<'a>) {
    for (key, value) in kv_pairs(line) {
        let key = key.trim_start_matches(['(', '[', '{']);
        let mut bytes = key.bytes();
        let ident = bytes
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == b'_')
            && bytes.all(|c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'.' | b'-'));
        if !ident {
            continue;
        }
        let value = match value {
            Cow::Borrowed(v) => Cow::Borrowed(trim_value_punctuation(v)),
            Cow::Owned(v) => Cow::Owned(trim_value_punctuation(&v).to_string()),
        };
        if value.is_empty() {
            continue;
        }
        fields.set(key, value);
    }
}

/// Drops the punctuation that follows a value in prose: `3s)` → `3s`,
/// `5,` → `5`, but `f(x)` and `[a]` stay whole.
fn trim_value_punctuation(v: &str) -> &str {
    let mut v = v;
    loop {
        let Some(last) = v.chars().last() else {
            return v;
        };
        let strip = match last {
            ',' | ';' => true,
            ')' => !v.contains('('),
            ']' => !v.contains('['),
            '}' => !v.contains('{'),
            '"' | '\'' => v.matches(last).count() % 2 == 1,
            _ => false,
        };
        if !strip {
            return v;
        }
        v = &v[..v.len() - 1];
    }
}

/// The text consumed between `before` and `after` (a suffix of `before`).
#[inline]
pub fn consumed<'a>(before: &'a str, after: &'a str) -> &'a str {
    &before[..before.len() - after.len()]
}

/// Maps a nom failure on a record into a [`ParseError`] with a position.
pub fn nom_err(record: &str, e: nom::Err<Error<&str>>, reason: &'static str) -> ParseError {
    match e {
        nom::Err::Error(err) | nom::Err::Failure(err) => {
            ParseError::at_rest(reason, record, err.input)
        }
        nom::Err::Incomplete(_) => ParseError::new(reason, record.len()),
    }
}

/// An HTTP request line split into its parts: `GET /a?b=1 HTTP/1.1`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RequestLine<'a> {
    /// The method (`GET`, `PROPFIND`): upper-case letters, `-` or `_`.
    pub method: &'a str,
    /// The request target as sent: a path, an absolute URI (`http://h/p`), `*`…
    pub target: &'a str,
    /// The protocol (`HTTP/1.1`), `None` for an HTTP/0.9-style `GET /`.
    pub protocol: Option<&'a str>,
}

/// Splits a request line as access logs write it. Returns `None` for what
/// is not one (`-`, an empty string, TLS bytes sent to a plain-HTTP port,
/// `\x16\x03\x01…` as nginx escapes them): the caller keeps the raw text.
pub fn request_line(s: &str) -> Option<RequestLine<'_>> {
    let b = s.as_bytes();
    let sp = memchr::memchr(b' ', b)?;
    let method = &s[..sp];
    if method.is_empty()
        || method.len() > 32
        || !method
            .bytes()
            .all(|c| c.is_ascii_uppercase() || c == b'-' || c == b'_')
    {
        return None;
    }
    let rest = &s[sp + 1..];
    let (target, protocol) = match memchr::memrchr(b' ', rest.as_bytes()) {
        Some(p) => {
            let proto = &rest[p + 1..];
            if !proto.starts_with("HTTP/") {
                return None;
            }
            (&rest[..p], Some(proto))
        }
        None => (rest, None),
    };
    if target.is_empty() || target.bytes().any(|c| c == b' ' || c.is_ascii_control()) {
        return None;
    }
    Some(RequestLine {
        method,
        target,
        protocol,
    })
}

/// Splits an absolute-form request target (`https://host:443/p?q`) into
/// its authority (`host:443`) and path (`/p?q`, `/` when empty). A target
/// without a scheme is returned as the path, with no authority.
pub fn split_url(target: &str) -> (Option<&str>, &str) {
    let Some(scheme_end) = memchr::memmem::find(target.as_bytes(), b"://") else {
        return (None, target);
    };
    let scheme = &target[..scheme_end];
    if scheme.is_empty()
        || !scheme
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || c == b'+')
    {
        return (None, target);
    }
    let after = &target[scheme_end + 3..];
    match after.find(['/', '?']) {
        Some(p) => (Some(&after[..p]), &after[p..]),
        None => (Some(after), "/"),
    }
}

/// The address part of an `address:port` field: `203.0.113.5:51234` →
/// `203.0.113.5`, `[2001:db8::1]:443` → `2001:db8::1`, and — for fields
/// that always carry a port, as HAProxy and Apache write them —
/// `2001:db8::1:51234` → `2001:db8::1`. Text without a `:digits` tail is
/// returned as is.
pub fn strip_port(addr: &str) -> &str {
    if let Some(inner) = addr.strip_prefix('[') {
        return match inner.find(']') {
            Some(end) => &inner[..end],
            None => addr,
        };
    }
    match addr.rfind(':') {
        Some(p)
            if p > 0
                && p + 1 < addr.len()
                && addr.as_bytes()[p + 1..].iter().all(u8::is_ascii_digit) =>
        {
            &addr[..p]
        }
        _ => addr,
    }
}

/// Whether `s` is an IPv4 or IPv6 address (no port).
#[inline]
pub fn is_ip(s: &str) -> bool {
    s.parse::<std::net::IpAddr>().is_ok()
}

/// The client a forwarded header names: the first address of an
/// `X-Forwarded-For` (or `X-Real-IP`) value, when every item of the
/// comma-separated list is an IP address (`203.0.113.7, 10.0.0.2` →
/// `203.0.113.7`). Proxies append the peer they saw, so the first item is
/// the one the request came from.
pub fn forwarded_for(v: &str) -> Option<&str> {
    let first = v.as_bytes().first()?;
    if !(first.is_ascii_hexdigit() || *first == b':') {
        return None;
    }
    let mut head = None;
    for item in v.split(',') {
        let item = item.trim_matches(' ');
        if !is_ip(item) {
            return None;
        }
        head.get_or_insert(item);
    }
    head
}

/// The level an access log line gets from its HTTP status: 5xx error,
/// 4xx warn, anything else (or no status) info.
#[inline]
pub fn level_from_status(status: Option<u16>) -> Level {
    match status {
        Some(500..=599) => Level::Error,
        Some(400..=499) => Level::Warn,
        _ => Level::Info,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_keeps_escapes_and_stops_at_closing_quote() {
        assert_eq!(
            quoted(r#""GET / HTTP/1.1" 200"#),
            Ok((" 200", "GET / HTTP/1.1"))
        );
        assert_eq!(quoted(r#""a \"b\" c" x"#), Ok((" x", r#"a \"b\" c"#)));
        assert_eq!(quoted(r#""\x22" y"#), Ok((" y", r"\x22")));
        assert!(quoted(r#""unterminated"#).is_err());
        assert!(quoted(r#""trailing backslash\"#).is_err());
        assert!(quoted("no quote").is_err());
    }

    #[test]
    fn csv_fields_borrow_unescape_and_reject_bad_quoting() {
        let fields: Vec<_> = csv_fields("a,\"b c\",,\"say \"\"hi\"\"\",\"two\nlines\",")
            .collect::<Result<_, _>>()
            .unwrap_or_default();
        assert_eq!(
            fields,
            vec![
                Cow::Borrowed("a"),
                Cow::Borrowed("b c"),
                Cow::Borrowed(""),
                Cow::Owned::<str>("say \"hi\"".into()),
                Cow::Borrowed("two\nlines"),
                Cow::Borrowed(""),
            ]
        );
        assert!(matches!(fields.get(1), Some(Cow::Borrowed(_))));
        assert_eq!(csv_fields("").count(), 1);
        assert_eq!(
            csv_fields("\"\"\"\"").collect::<Vec<_>>(),
            vec![Ok(Cow::Owned::<str>("\"".into()))]
        );
        for bad in ["\"open", "\"a\"b,c", "a\"b", "a\nb", "x,\"y\"\""] {
            assert!(csv_fields(bad).any(|f| f.is_err()), "{bad:?}");
            assert!(csv_fields(bad).count() <= 3);
        }
    }

    #[test]
    fn kv_pairs_reads_logfmt_runs() {
        let pairs: Vec<_> =
            kv_pairs(r#"rt=0.012 uct="0.001" msg="a \"b\"" bare empty= x=1"#).collect();
        assert_eq!(
            pairs,
            vec![
                ("rt", Cow::Borrowed("0.012")),
                ("uct", Cow::Borrowed("0.001")),
                ("msg", Cow::Owned::<str>(r#"a "b""#.into())),
                ("bare", Cow::Borrowed("")),
                ("empty", Cow::Borrowed("")),
                ("x", Cow::Borrowed("1")),
            ]
        );
        // An unterminated quote takes the rest of the line, and does not panic.
        let pairs: Vec<_> = kv_pairs(r#"a="open b=2"#).collect();
        assert_eq!(pairs, vec![("a", Cow::Borrowed("open b=2"))]);
        let pairs: Vec<_> = kv_pairs(r#"a="\"#).collect();
        assert_eq!(pairs.len(), 1);
    }

    #[test]
    fn set_message_pairs_reads_only_key_value_tokens() {
        let mut f = Fields::default();
        set_message_pairs(
            "Starting app version 1.4.2 (pool_size=5 max_overflow=5 pool_timeout=3s) request_id=ab12 status=500, duration_ms=12.5; client=\"203.0.113.5\" a = b f=g(x)",
            &mut f,
        );
        assert_eq!(f.request_id.as_deref(), Some("ab12"));
        assert_eq!(f.status, Some(500));
        assert_eq!(f.duration, Some(0.0125));
        assert_eq!(f.client.as_deref(), Some("203.0.113.5"));
        assert_eq!(f.extra("pool_size"), Some("5"));
        assert_eq!(f.extra("pool_timeout"), Some("3s"));
        assert_eq!(f.extra("f"), Some("g(x)"));
        assert_eq!(f.extra("a"), None);
        assert_eq!(f.extra("b"), None);
        // Garbage does not panic and sets nothing.
        let mut g = Fields::default();
        set_message_pairs("=x ==( \"=\" (=) é=ü )", &mut g);
        assert_eq!(g, Fields::default());
    }

    #[test]
    fn message_level_reads_only_unmistakable_levels() {
        assert_eq!(
            message_level("[ERROR] db down"),
            Some((Level::Error, "db down"))
        );
        assert_eq!(
            message_level("ERROR db down"),
            Some((Level::Error, "db down"))
        );
        assert_eq!(
            message_level("error: db down"),
            Some((Level::Error, "db down"))
        );
        assert_eq!(message_level("Warning: disk"), Some((Level::Warn, "disk")));
        assert_eq!(
            message_level("panic: nil map"),
            Some((Level::Fatal, "nil map"))
        );
        assert_eq!(message_level("<warn> x"), Some((Level::Warn, "x")));
        assert_eq!(message_level("WARN"), Some((Level::Warn, "")));
        assert_eq!(message_level("Error connecting to db"), None);
        assert_eq!(message_level("Config loaded"), None);
        assert_eq!(message_level("Note: this"), None);
        assert_eq!(message_level("LOG rotated"), None);
        assert_eq!(message_level("errors: 3"), None);
        assert_eq!(message_level("INFOrmation"), None);
        assert_eq!(message_level(""), None);
        assert_eq!(message_level("é"), None);
    }

    #[test]
    fn level_word_accepts_bracketed_and_plain_levels_only() {
        assert_eq!(level_word("[error] x"), Ok((" x", Level::Error)));
        assert_eq!(level_word("WARNING: disk"), Ok((" disk", Level::Warn)));
        assert_eq!(level_word("[E] boom"), Ok((" boom", Level::Error)));
        assert_eq!(level_word("INFO"), Ok(("", Level::Info)));
        assert!(level_word("Error-prone").is_err());
        assert!(
            level_word("E boom").is_err(),
            "bare single letters are not levels"
        );
        assert!(level_word("Information2 x").is_err());
        assert!(level_word("[warn x").is_err());
    }
    #[test]
    fn request_line_splits_real_lines_and_rejects_junk() {
        let r = request_line("GET /api/orders?customer=1&limit=20 HTTP/1.1");
        assert_eq!(
            r,
            Some(RequestLine {
                method: "GET",
                target: "/api/orders?customer=1&limit=20",
                protocol: Some("HTTP/1.1"),
            })
        );
        assert_eq!(request_line("GET /").map(|r| r.protocol), Some(None));
        assert_eq!(
            request_line("CONNECT example.com:443 HTTP/1.1").map(|r| r.target),
            Some("example.com:443")
        );
        for junk in [
            "-",
            "",
            r"\x16\x03\x01\x00\xF7\x01",
            "get / HTTP/1.1",
            "GET  HTTP/1.1",
            "GET / a b",
            "GET /a b HTTP/1.1",
        ] {
            assert_eq!(request_line(junk), None, "{junk:?}");
        }
    }

    #[test]
    fn split_url_takes_the_path_of_absolute_targets() {
        assert_eq!(
            split_url("https://shop.example.com:443/api/x?q=1"),
            (Some("shop.example.com:443"), "/api/x?q=1")
        );
        assert_eq!(split_url("http://h:80"), (Some("h:80"), "/"));
        assert_eq!(split_url("http://h?x=1"), (Some("h"), "?x=1"));
        assert_eq!(split_url("/plain?x"), (None, "/plain?x"));
        assert_eq!(
            split_url("/redirect?to=http://x/"),
            (None, "/redirect?to=http://x/")
        );
    }

    #[test]
    fn strip_port_handles_v4_v6_and_brackets() {
        assert_eq!(strip_port("203.0.113.5:51234"), "203.0.113.5");
        assert_eq!(strip_port("[2001:db8::1]:443"), "2001:db8::1");
        assert_eq!(strip_port("2001:db8::1:51234"), "2001:db8::1");
        assert_eq!(strip_port("198.51.100.7"), "198.51.100.7");
        assert_eq!(strip_port("host:"), "host:");
        assert_eq!(strip_port(":80"), ":80");
        assert_eq!(strip_port("[broken"), "[broken");
        assert_eq!(strip_port(""), "");
    }
}
