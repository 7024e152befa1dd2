//! Pieces every format shares: quoted strings, tokens, numbers, `key=value`
//! runs, levels in brackets. Each is a nom parser over `&str` that borrows
//! from its input, so formats compose them without allocating.

use std::borrow::Cow;

use nom::bytes::complete::{take_while, take_while1};
use nom::character::complete::char;
use nom::error::{Error, ErrorKind};
use nom::{IResult, Parser};

use crate::event::{Level, Timestamp};
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
        let key_end = s
            .find(|c: char| c == '=' || c.is_ascii_whitespace())
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
        let end = v.find(|c: char| c.is_ascii_whitespace()).unwrap_or(v.len());
        self.rest = &v[end..];
        Some((key, Cow::Borrowed(&v[..end])))
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
}
