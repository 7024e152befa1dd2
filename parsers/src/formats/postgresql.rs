//! PostgreSQL's stderr log (`log_destination = 'stderr'`), whatever its `log_line_prefix`.
//!
//! ```text
//! 2026-11-21 05:53:10.147 UTC [16501] app@shop LOG:  connection authorized: user=app database=shop application_name=shop-api
//! ```
//!
//! The prefix is configurable and not known in advance, so it is read by
//! shape: a timestamp first (`%m` `2026-11-21 05:53:08.246 UTC`, `%t`
//! without milliseconds, `%n` epoch `1763704388.246`), then what the prefix
//! holds — `[%p]`, `[%p-%l]`, `%u@%d`, `user=%u,db=%d,app=%a,client=%h`,
//! `%r` `10.0.0.5(52694)`, `%c` `6571a2b4.4059`, `%e` `53300` — up to the
//! severity and its colon and two spaces (`LOG:  `, `ERROR:  `). Shapes it
//! does not recognize are skipped, not an error; a line without the
//! timestamp or the severity is not PostgreSQL's.
//!
//! A record is the main line, its physical continuation lines (a statement
//! written over several lines), and the secondary lines the server writes
//! right after it with the same prefix: `DETAIL:`, `HINT:`, `CONTEXT:`,
//! `STATEMENT:`, `QUERY:`, `LOCATION:`. They go to the extra fields
//! `detail`, `hint`, `context`, `internal_query`, `location` and, for the
//! statement, to `query`.
//!
//! What the messages themselves say (connections received and authorized,
//! disconnections, statement durations, lock waits) is read by
//! [`message_fields`], which the csvlog and jsonlog formats share through
//! [`PgRecord`].

use std::borrow::Cow;

use chrono::Duration;
use memchr::memchr;

use crate::common::{kv_pairs, timestamp};
use crate::event::{Event, Fields, Kind, Level, Timestamp};
use crate::format::{Format, ParseError};
use crate::time::{epoch_text, fixed_digits, iso8601_zone_word, ParsedTime, TimeContext, ZoneSpec};

/// PostgreSQL's stderr log, any `log_line_prefix` that starts with a timestamp.
pub struct PostgresStderr;

/// How far after the timestamp the severity may stand: the prefix escapes
/// expand to at most a few names of 63 bytes (NAMEDATALEN) and numbers.
const MAX_PREFIX: usize = 512;

/// The parts of a message the server writes on lines of their own after
/// the main line, each with the prefix and its own severity word.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Section {
    /// `DETAIL:`
    Detail,
    /// `HINT:`
    Hint,
    /// `CONTEXT:`
    Context,
    /// `STATEMENT:` — the statement that caused the message.
    Statement,
    /// `QUERY:` — the internal query (PL/pgSQL) that caused it.
    Query,
    /// `LOCATION:` — the source location (`log_error_verbosity = verbose`).
    Location,
}

/// What a severity word says about the line it is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Severity {
    /// The line starts a message of this level (`LOG`, `ERROR`, `DEBUG1`…).
    Main(Level),
    /// The line continues the message before it (`DETAIL`, `STATEMENT`…).
    Secondary(Section),
}

/// Reads a severity word as PostgreSQL writes it (upper case, English).
pub(crate) fn severity(word: &str) -> Option<Severity> {
    Some(match word {
        // The levels `Level::from_word` gives these words, without its lower-casing.
        "DEBUG" | "DEBUG1" | "DEBUG2" | "DEBUG3" | "DEBUG4" | "DEBUG5" => {
            Severity::Main(Level::Debug)
        }
        "LOG" | "INFO" => Severity::Main(Level::Info),
        "NOTICE" => Severity::Main(Level::Notice),
        "WARNING" => Severity::Main(Level::Warn),
        "ERROR" => Severity::Main(Level::Error),
        "FATAL" | "PANIC" => Severity::Main(Level::Fatal),
        "DETAIL" => Severity::Secondary(Section::Detail),
        "HINT" => Severity::Secondary(Section::Hint),
        "CONTEXT" => Severity::Secondary(Section::Context),
        "STATEMENT" => Severity::Secondary(Section::Statement),
        "QUERY" => Severity::Secondary(Section::Query),
        "LOCATION" => Severity::Secondary(Section::Location),
        _ => return None,
    })
}

/// The level of a main severity word (`LOG` → info, `FATAL` → fatal), as
/// csvlog's and jsonlog's `error_severity` holds it.
pub(crate) fn main_level(word: &str) -> Option<Level> {
    match severity(word)? {
        Severity::Main(level) => Some(level),
        Severity::Secondary(_) => None,
    }
}

/// Reads the timestamp PostgreSQL writes for `%m` and `%t`, and in csvlog
/// and jsonlog: `2026-11-21 05:53:08.246 UTC` — date, a space, the time
/// with optional milliseconds, a space and a zone (`UTC`, `CET`, `+03`; an
/// unknown abbreviation is flagged). Returns the text, the time and the rest.
pub(crate) fn pg_time(s: &str) -> Option<(&str, ParsedTime, &str)> {
    let b = s.as_bytes();
    if b.get(4) != Some(&b'-') || b.get(10) != Some(&b' ') {
        return None;
    }
    let (rest, t) = iso8601_zone_word(s).ok()?;
    let text = s.get(..s.len() - rest.len())?;
    // PostgreSQL always writes a zone word after a space, never a comma
    // before the fraction nor an offset glued to the time. (Byte searches:
    // the text is short and this runs for every line.)
    let tb = text.as_bytes();
    let zone_after_space = tb.get(11..).is_some_and(|t| find_byte(t, b' ').is_some());
    if t.zone == ZoneSpec::Local || !zone_after_space || find_byte(tb, b',').is_some() {
        return None;
    }
    Some((text, t, rest))
}

/// Reads `%n`, the epoch with milliseconds (`1763704388.246`), exactly.
fn epoch_ms(s: &str) -> Option<(&str, ParsedTime, &str)> {
    let b = s.as_bytes();
    let int = b.iter().take_while(|c| c.is_ascii_digit()).count();
    if !(9..=10).contains(&int) || b.get(int) != Some(&b'.') {
        return None;
    }
    let frac = b[int + 1..]
        .iter()
        .take_while(|c| c.is_ascii_digit())
        .count();
    if !(1..=9).contains(&frac) || b.get(int + 1 + frac) != Some(&b' ') {
        return None;
    }
    let end = int + 1 + frac;
    let mut t = epoch_text(&s[..int])?;
    let nanos = fixed_digits(&b[int + 1..], frac)? * 10u32.pow(9 - frac as u32);
    t.naive = t
        .naive
        .checked_add_signed(Duration::nanoseconds(i64::from(nanos)))?;
    Some((&s[..end], t, &s[end..]))
}

/// Finds the severity in the first line after the timestamp: an upper-case
/// word, not glued to a letter before it, followed by `:` and two spaces
/// (or the end of the line). Returns where the word starts, the severity,
/// and where the message starts.
fn find_severity(line: &str) -> Option<(usize, Severity, usize)> {
    let b = line.as_bytes();
    let limit = b.len().min(MAX_PREFIX);
    let mut from = 0;
    while let Some(i) = memchr(b':', &b[from..limit]) {
        let colon = from + i;
        from = colon + 1;
        let spaced = b.get(colon + 1..colon + 3) == Some(b"  ") || colon + 1 == b.len();
        if !spaced {
            continue;
        }
        let start = b[..colon]
            .iter()
            .rposition(|c| !(c.is_ascii_uppercase() || c.is_ascii_digit()))
            .map_or(0, |p| p + 1);
        let glued = start > 0 && (b[start - 1].is_ascii_alphanumeric() || b[start - 1] == b'_');
        if start == colon || glued {
            continue;
        }
        if let Some(sev) = severity(&line[start..colon]) {
            return Some((start, sev, (colon + 3).min(b.len())));
        }
    }
    None
}

/// One physical line with a prefix, read up to its message.
struct PrefixLine<'a> {
    time_text: &'a str,
    time: ParsedTime,
    /// The prefix between the timestamp and the severity.
    tail: &'a str,
    severity: Severity,
    /// Where the message starts in the line.
    message_at: usize,
}

/// Reads the prefix of `line` (only its first physical line is looked at).
fn read_line(line: &str) -> Result<PrefixLine<'_>, ParseError> {
    let (time_text, time, rest) =
        pg_time(line)
            .or_else(|| epoch_ms(line))
            .ok_or(ParseError::new(
                "expected a PostgreSQL timestamp (%m, %t or %n) at the start",
                0,
            ))?;
    let first = &rest[..memchr(b'\n', rest.as_bytes()).unwrap_or(rest.len())];
    let (word_at, severity, msg_at) = find_severity(first).ok_or(ParseError::new(
        "expected a severity followed by a colon and two spaces (`LOG:  `)",
        time_text.len(),
    ))?;
    Ok(PrefixLine {
        time_text,
        time,
        tail: &rest[..word_at],
        severity,
        message_at: time_text.len() + msg_at,
    })
}

impl Format for PostgresStderr {
    fn name(&self) -> &str {
        "postgresql"
    }

    fn aliases(&self) -> &[&str] {
        &["postgres", "pg", "postgresql-stderr"]
    }

    fn description(&self) -> &str {
        "PostgreSQL server log on stderr, any log_line_prefix starting with %m, %t or %n"
    }

    fn kind(&self) -> Kind {
        Kind::Database
    }

    fn multiline(&self) -> bool {
        true
    }

    fn is_record_start(&self, line: &str) -> bool {
        // What `read_line` decides, reading the timestamp only once.
        if let Some((_, _, rest)) = pg_time(line) {
            // A timestamped line without a severity starts a record of its
            // own (unparsed, but seen).
            return find_severity(first_line_of(rest))
                .is_none_or(|(_, sev, _)| matches!(sev, Severity::Main(_)));
        }
        // Other lines continue a statement, unless they start with `%n`.
        epoch_ms(line).is_some_and(|(_, _, rest)| {
            find_severity(first_line_of(rest))
                .is_some_and(|(_, sev, _)| matches!(sev, Severity::Main(_)))
        })
    }

    fn parse<'a>(&self, record: &'a str, ctx: &TimeContext) -> Result<Event<'a>, ParseError> {
        let first = read_line(record)?;
        let ts = timestamp(first.time_text, first.time, ctx)?;
        let mut pg = PgRecord::default();
        read_prefix(first.tail, &mut pg);

        // Cut the record into the main message and its secondary sections.
        let b = record.as_bytes();
        let mut main_end = None;
        let mut open: Option<(Section, usize)> = None;
        let mut pos = memchr(b'\n', b).map_or(b.len(), |i| i + 1);
        while pos < b.len() {
            let line_end = memchr(b'\n', &b[pos..]).map_or(b.len(), |i| pos + i);
            if let Ok(line) = read_line(&record[pos..line_end]) {
                if let Severity::Secondary(section) = line.severity {
                    let end = pos - 1;
                    match open.take() {
                        Some((s, start)) => pg.section(s, Cow::Borrowed(&record[start..end])),
                        None => main_end = main_end.or(Some(end)),
                    }
                    open = Some((section, pos + line.message_at));
                }
            }
            pos = line_end + 1;
        }
        if let Some((s, start)) = open {
            pg.section(s, Cow::Borrowed(&record[start..]));
        }
        let mut message = &record[first.message_at..main_end.unwrap_or(record.len())];
        // `log_error_verbosity = verbose` writes the SQLSTATE first: `ERROR:  42P01: relation…`.
        if let Some((code, rest)) = message.split_at_checked(5) {
            if let (true, Some(rest)) = (is_sqlstate(code), rest.strip_prefix(": ")) {
                set(&mut pg.code, code);
                message = rest;
            }
        }

        let level = match first.severity {
            Severity::Main(level) => level,
            // A secondary line whose main line is not in the file.
            Severity::Secondary(section) => {
                if section == Section::Statement {
                    pg.section(section, Cow::Borrowed(message));
                }
                Level::Info
            }
        };
        Ok(pg.into_event(ts, level, Cow::Borrowed(message)))
    }
}

/// Reads the fields of a `log_line_prefix` tail by their shapes.
fn read_prefix<'a>(tail: &'a str, pg: &mut PgRecord<'a>) {
    let mut bare_pid = None;
    read_prefix_in(tail, pg, true, &mut bare_pid);
}

fn is_prefix_separator(c: char) -> bool {
    u8::try_from(c).is_ok_and(is_prefix_separator_byte)
}

/// [`is_prefix_separator`] on bytes: the separators are ASCII, so a scan by
/// bytes stops where a scan by chars would.
fn is_prefix_separator_byte(c: u8) -> bool {
    matches!(
        c,
        b' ' | b'\t'
            | b':'
            | b','
            | b'-'
            | b'|'
            | b';'
            | b'<'
            | b'>'
            | b'('
            | b')'
            | b'='
            | b'/'
            | b']'
            | b'%'
    )
}

/// Reads the tokens of a prefix tail. `nested` allows one level of
/// brackets holding tokens (`[user=app,db=shop]`). `bare_pid` remembers a
/// pid taken from an unbracketed number, which a bracketed one overrides.
fn read_prefix_in<'a>(
    tail: &'a str,
    pg: &mut PgRecord<'a>,
    nested: bool,
    bare_pid: &mut Option<&'a str>,
) {
    let mut rest = tail;
    loop {
        let skip = rest
            .bytes()
            .position(|c| !is_prefix_separator_byte(c))
            .unwrap_or(rest.len());
        let token = &rest[skip..];
        if token.is_empty() {
            return;
        }
        // An IPv6 address may begin with the colons taken as separators (`::1`).
        let skipped = &rest[..rest.len() - token.len()];
        if skipped.ends_with("::") {
            let at = &rest[skipped.len() - 2..];
            if let Some((addr, port, used)) = leading_ip(at) {
                set(&mut pg.host, addr);
                if let Some(p) = port {
                    set(&mut pg.port, p);
                }
                rest = &at[used..];
                continue;
            }
        }
        rest = token;
        let used = prefix_token(rest, pg, nested, bare_pid).max(1);
        match rest.get(used..) {
            Some(r) => rest = r,
            None => return,
        }
    }
}

/// The end of a word in a prefix: the next space, colon or comma.
fn word_end(s: &str) -> usize {
    s.bytes()
        .position(|c| matches!(c, b' ' | b'\t' | b':' | b','))
        .unwrap_or(s.len())
}

/// A leading IP address (v4 or v6), with the `(port)` `%r` adds. Returns
/// the address, the port and the bytes used.
fn leading_ip(s: &str) -> Option<(&str, Option<&str>, usize)> {
    let run = s
        .bytes()
        .take_while(|c| c.is_ascii_hexdigit() || *c == b':' || *c == b'.')
        .count();
    let addr = &s[..run];
    // Every address has a `.` or a `:`: most words are rejected before the parser.
    if !addr.bytes().any(|c| c == b'.' || c == b':') || addr.parse::<std::net::IpAddr>().is_err() {
        return None;
    }
    let after = &s[run..];
    if let Some(port) = after
        .strip_prefix('(')
        .and_then(|p| p.split_once(')'))
        .map(|(p, _)| p)
        .filter(|p| !p.is_empty() && p.bytes().all(|c| c.is_ascii_digit()))
    {
        return Some((addr, Some(port), run + port.len() + 2));
    }
    match after.chars().next() {
        None => Some((addr, None, run)),
        Some(c) if is_prefix_separator(c) || c == '[' => Some((addr, None, run)),
        Some(_) => None,
    }
}

/// Reads one token of a prefix tail into `pg`; returns the bytes used.
fn prefix_token<'a>(
    s: &'a str,
    pg: &mut PgRecord<'a>,
    nested: bool,
    bare_pid: &mut Option<&'a str>,
) -> usize {
    let b = s.as_bytes();
    // `%s`, the session start time, would read as numbers: step over it.
    if let Some((text, _, _)) = pg_time(s) {
        return text.len();
    }
    if let Some((addr, port, used)) = leading_ip(s) {
        set(&mut pg.host, addr);
        if let Some(p) = port {
            set(&mut pg.port, p);
        }
        return used;
    }
    let end = word_end(s);
    let word = &s[..end];
    if let Some(eq) = find_byte(word.as_bytes(), b'=') {
        let key = &word[..eq];
        if !key.is_empty() && key.bytes().all(|c| c.is_ascii_alphabetic() || c == b'_') {
            let value_s = &s[eq + 1..];
            let vend = value_end(value_s, !nested);
            prefix_key(pg, key, &value_s[..vend]);
            return eq + 1 + vend;
        }
    }
    if let Some((user, db)) =
        find_byte(word.as_bytes(), b'@').map(|at| (&word[..at], &word[at + 1..]))
    {
        set(&mut pg.user, user);
        set(&mut pg.database, db);
        return end;
    }
    if b.first() == Some(&b'[') {
        let Some(close) = closing_bracket(b) else {
            return s.len();
        };
        let inner = &s[1..close];
        if inner == "local" {
            set(&mut pg.host, &s[..=close]);
        } else if let Some((n, line)) = number_pair(inner) {
            bracketed_pid(pg, n, line, bare_pid);
        } else if nested && inner != "unknown" {
            read_prefix_in(inner, pg, false, bare_pid);
        }
        return close + 1;
    }
    // A host name with the `(port)` of `%r`.
    if let Some((host, port)) = word
        .strip_suffix(')')
        .and_then(|w| w.split_once('('))
        .filter(|(h, p)| !h.is_empty() && p.bytes().all(|c| c.is_ascii_digit()))
    {
        set(&mut pg.host, host);
        set(&mut pg.port, port);
        return end;
    }
    let w = word.trim_end_matches(['-', '.']);
    if !w.is_empty() && w.bytes().all(|c| c.is_ascii_digit()) {
        bare_number(pg, w, bare_pid);
    } else if is_session_id(w) {
        set(&mut pg.session, w);
    } else if is_sqlstate(w) {
        set(&mut pg.code, w);
    }
    end
}

/// Where the `]` that closes the `[` at `b[0]` is (`[user=[unknown],db=x]`).
fn closing_bracket(b: &[u8]) -> Option<usize> {
    let mut depth = 0usize;
    for (i, &c) in b.iter().enumerate() {
        match c {
            b'[' => depth += 1,
            b']' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => {}
        }
    }
    None
}

/// Where the value of a `key=value` in a prefix ends: at a comma or a
/// space — but an application name may hold spaces (`app=my app,client=…`),
/// so a space is kept when the value goes on to a comma and another
/// `key=`, or, inside brackets, to the end with no other `key=`.
fn value_end(v: &str, in_brackets: bool) -> usize {
    let b = v.as_bytes();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b',' | b'\t' => return i,
            b' ' => {
                let rest = &v[i + 1..];
                let rb = rest.as_bytes();
                let goes_on = match find_byte(rb, b',') {
                    Some(p) => {
                        find_byte(&rb[..p], b'=').is_none() && starts_with_key(&rest[p + 1..])
                    }
                    None => in_brackets && !rest.is_empty() && find_byte(rb, b'=').is_none(),
                };
                if !goes_on {
                    return i;
                }
                i += 1;
            }
            _ => i += 1,
        }
    }
    b.len()
}

/// The first `c` in `b`: a plain loop, cheaper than `memchr`'s setup on the
/// short words of a prefix and timestamp.
fn find_byte(b: &[u8], c: u8) -> Option<usize> {
    b.iter().position(|&x| x == c)
}

/// Whether `s` begins with `key=`.
fn starts_with_key(s: &str) -> bool {
    let key = s
        .bytes()
        .take_while(|c| c.is_ascii_alphabetic() || *c == b'_')
        .count();
    key > 0 && s.as_bytes().get(key) == Some(&b'=')
}

/// `16501` or `16501-3` (pid and line, or line and a literal as in `[%l-1]`).
fn number_pair(s: &str) -> Option<(&str, Option<&str>)> {
    let digits = |t: &str| !t.is_empty() && t.bytes().all(|c| c.is_ascii_digit());
    match s.split_once('-') {
        Some((a, b)) if digits(a) && digits(b) => Some((a, Some(b))),
        None if digits(s) => Some((s, None)),
        _ => None,
    }
}

/// A bracketed number: the pid (overriding one guessed from a bare
/// number), or when the pid is known the session line number.
fn bracketed_pid<'a>(
    pg: &mut PgRecord<'a>,
    n: &'a str,
    second: Option<&'a str>,
    bare_pid: &mut Option<&'a str>,
) {
    if let Some(bare) = bare_pid.take() {
        pg.pid = None;
        if bare.len() == 5 {
            set(&mut pg.code, bare);
        } else {
            set(&mut pg.line_num, bare);
        }
    }
    if pg.pid.is_none() {
        pg.pid = n.parse().ok();
        if let Some(line) = second {
            set(&mut pg.line_num, line);
        }
    } else {
        set(&mut pg.line_num, n);
    }
}

/// An unbracketed number: the pid if none yet, else a SQLSTATE (five
/// digits) or the session line number.
fn bare_number<'a>(pg: &mut PgRecord<'a>, n: &'a str, bare_pid: &mut Option<&'a str>) {
    // A zero is no pid nor line number (`%l` starts at 1): `%x` outside a transaction.
    if n.bytes().all(|c| c == b'0') && n.len() != 5 {
        return;
    }
    if pg.pid.is_none() {
        pg.pid = n.parse().ok();
        *bare_pid = Some(n);
    } else if n.len() == 5 {
        set(&mut pg.code, n);
    } else {
        set(&mut pg.line_num, n);
    }
}

/// `user=%u,db=%d,app=%a,client=%h` and similar spellings.
fn prefix_key<'a>(pg: &mut PgRecord<'a>, key: &str, value: &'a str) {
    // Lower-cased on the stack (keys are ASCII letters and `_`); longer keys are none of these.
    let mut buf = [0u8; 16];
    let Some(lower) = buf.get_mut(..key.len()) else {
        return;
    };
    for (d, s) in lower.iter_mut().zip(key.bytes()) {
        *d = s.to_ascii_lowercase();
    }
    match &*lower {
        b"user" | b"usr" | b"u" | b"username" | b"role" => set(&mut pg.user, value),
        b"db" | b"database" | b"dbname" | b"d" => set(&mut pg.database, value),
        b"app" | b"application" | b"application_name" | b"appname" | b"a" => {
            set(&mut pg.application_name, value)
        }
        b"client" | b"host" | b"remote" | b"h" | b"r" | b"client_addr" | b"remote_host" | b"ip" => {
            match leading_ip(value) {
                Some((addr, port, _)) => {
                    set(&mut pg.host, addr);
                    if let Some(p) = port {
                        set(&mut pg.port, p);
                    }
                }
                None => match value.strip_suffix(')').and_then(|v| v.split_once('(')) {
                    Some((h, p)) => {
                        set(&mut pg.host, h);
                        set(&mut pg.port, p);
                    }
                    None => set(&mut pg.host, value),
                },
            }
        }
        b"pid" | b"p" if pg.pid.is_none() => pg.pid = value.parse().ok(),
        b"session" | b"sid" | b"session_id" | b"c" => set(&mut pg.session, value),
        b"line" | b"l" | b"line_num" => set(&mut pg.line_num, value),
        b"sqlstate" | b"state" | b"code" | b"e" | b"state_code" => set(&mut pg.code, value),
        b"tag" | b"command_tag" | b"i" => set(&mut pg.command_tag, value),
        b"txid" | b"xid" | b"x" => set(&mut pg.txid, value),
        _ => {}
    }
}

/// `%c`: the session start time and the pid in hex, `6571a2b4.4059`.
fn is_session_id(s: &str) -> bool {
    let hex = |t: &str| {
        !t.is_empty()
            && t.len() <= 16
            && t.bytes()
                .all(|c| c.is_ascii_digit() || (b'a'..=b'f').contains(&c))
    };
    match find_byte(s.as_bytes(), b'.') {
        Some(dot) => dot >= 6 && hex(&s[..dot]) && hex(&s[dot + 1..]),
        None => false,
    }
}

/// `%e`: a SQLSTATE of five digits or upper-case letters with a digit (`53300`, `42P01`).
fn is_sqlstate(s: &str) -> bool {
    s.len() == 5
        && s.bytes()
            .all(|c| c.is_ascii_digit() || c.is_ascii_uppercase())
        && s.bytes().any(|c| c.is_ascii_digit())
}

/// Sets an empty slot to `value`, leaving out the placeholders PostgreSQL
/// writes for "none" (empty, `[unknown]`).
fn set<'a>(slot: &mut Option<Cow<'a, str>>, value: &'a str) {
    if slot.is_none() && !matches!(value, "" | "[unknown]" | "unknown") {
        *slot = Some(Cow::Borrowed(value));
    }
}

/// What a PostgreSQL record says, whichever way it was written: the
/// stderr prefix and secondary lines, csvlog's columns, jsonlog's keys.
/// [`PgRecord::into_event`] turns it into an event the same way for all
/// three, so the fields are named alike whatever the destination.
#[derive(Debug, Default)]
pub(crate) struct PgRecord<'a> {
    pub pid: Option<u32>,
    pub user: Option<Cow<'a, str>>,
    pub database: Option<Cow<'a, str>>,
    /// Client host (`%h`, `%r`, csvlog `connection_from`, jsonlog `remote_host`).
    pub host: Option<Cow<'a, str>>,
    pub port: Option<Cow<'a, str>>,
    pub session: Option<Cow<'a, str>>,
    pub line_num: Option<Cow<'a, str>>,
    pub command_tag: Option<Cow<'a, str>>,
    pub txid: Option<Cow<'a, str>>,
    /// SQLSTATE.
    pub code: Option<Cow<'a, str>>,
    pub detail: Option<Cow<'a, str>>,
    pub hint: Option<Cow<'a, str>>,
    pub context: Option<Cow<'a, str>>,
    /// The statement (`STATEMENT:`, csvlog `query`, jsonlog `statement`).
    pub query: Option<Cow<'a, str>>,
    pub internal_query: Option<Cow<'a, str>>,
    pub location: Option<Cow<'a, str>>,
    pub application_name: Option<Cow<'a, str>>,
    pub backend_type: Option<Cow<'a, str>>,
    pub leader_pid: Option<Cow<'a, str>>,
    pub query_id: Option<Cow<'a, str>>,
}

impl<'a> PgRecord<'a> {
    /// Keeps the text of a secondary section (the first of each kind).
    pub(crate) fn section(&mut self, section: Section, text: Cow<'a, str>) {
        let slot = match section {
            Section::Detail => &mut self.detail,
            Section::Hint => &mut self.hint,
            Section::Context => &mut self.context,
            Section::Statement => &mut self.query,
            Section::Query => &mut self.internal_query,
            Section::Location => &mut self.location,
        };
        if slot.is_none() && !text.is_empty() {
            *slot = Some(text);
        }
    }

    /// The event: typed fields from the record, extra fields in a fixed
    /// order, then what [`message_fields`] reads from the message.
    pub(crate) fn into_event(
        self,
        ts: Timestamp<'a>,
        level: Level,
        message: Cow<'a, str>,
    ) -> Event<'a> {
        fn keep<'a>(v: Option<Cow<'a, str>>) -> Option<Cow<'a, str>> {
            v.filter(|v| !matches!(v.as_ref(), "" | "[unknown]"))
        }
        let host = keep(self.host);
        let mut fields = Fields {
            pid: self.pid,
            client: host.clone(),
            host,
            user: keep(self.user),
            database: keep(self.database),
            session: keep(self.session),
            query: keep(self.query),
            // 00000 is "successful completion", the code of every LOG line.
            code: keep(self.code).filter(|c| c != "00000"),
            ..Fields::default()
        };
        let extras = [
            ("application_name", keep(self.application_name)),
            ("port", keep(self.port)),
            ("line_num", keep(self.line_num)),
            ("command_tag", keep(self.command_tag)),
            ("txid", keep(self.txid).filter(|t| t != "0")),
            ("backend_type", keep(self.backend_type)),
            ("leader_pid", keep(self.leader_pid)),
            ("query_id", keep(self.query_id).filter(|q| q != "0")),
            ("detail", self.detail),
            ("hint", self.hint),
            ("context", self.context),
            ("internal_query", self.internal_query),
            ("location", self.location),
        ];
        for (key, value) in extras {
            if let Some(v) = value {
                fields.extra.push((Cow::Borrowed(key), v));
            }
        }
        message_fields(&message, &mut fields);
        Event {
            timestamp: Some(ts),
            level,
            message,
            fields,
            ..Event::default()
        }
    }
}

/// Reads the fields of the messages PostgreSQL writes about sessions,
/// statements and locks, filling only the fields not set yet:
///
/// - `connection received: host=127.0.0.1 port=52694` → host, client, `port`
/// - `connection authorized: user=app database=shop application_name=shop-api`
///   → user, database, `application_name`
/// - `disconnection: session time: 0:06:58.205 user=app database=shop host=… port=…`
///   → user, database, host, client, `port`, `session_time` (seconds)
/// - `duration: 1234.567 ms  statement: SELECT …` (also `execute <unnamed>:`,
///   `parse S_1:`, `bind S_1:`, or nothing after the duration) → query_time, query
/// - `statement: …`, `execute S_1: …` (`log_statement`) → query
/// - `process 16501 still waiting for ShareLock on transaction 1234 after 1000.123 ms`
///   (also `acquired`, `detected deadlock`) → lock_time
/// - `temporary file: path "…", size 123` → bytes
/// - `password authentication failed for user "app"`, `role "x" does not
///   exist`, `database "x" does not exist`, `no pg_hba.conf entry for host
///   "…", user "…", database "…"` → user, database, host
///
/// One function for the stderr, csvlog and jsonlog formats. A message that
/// had to be rebuilt (unescaped) gives owned values, else they borrow —
/// hence `&Cow`: whether the text is borrowed is what decides.
#[allow(clippy::ptr_arg)]
pub(crate) fn message_fields<'a>(message: &Cow<'a, str>, fields: &mut Fields<'a>) {
    match message {
        Cow::Borrowed(m) => read_message(m).apply(fields, |s: &'a str| Cow::Borrowed(s)),
        Cow::Owned(m) => read_message(m).apply(fields, |s: &str| Cow::Owned(s.to_owned())),
    }
}

/// The fields one message gave, borrowed from it.
#[derive(Debug, Default)]
struct MessageFields<'m> {
    user: Option<&'m str>,
    database: Option<&'m str>,
    host: Option<&'m str>,
    port: Option<&'m str>,
    application_name: Option<&'m str>,
    query: Option<&'m str>,
    query_time: Option<f64>,
    lock_time: Option<f64>,
    bytes: Option<u64>,
    session_time: Option<String>,
}

impl<'m> MessageFields<'m> {
    fn apply<'a>(self, f: &mut Fields<'a>, conv: impl Fn(&'m str) -> Cow<'a, str>) {
        fn fill<'a>(slot: &mut Option<Cow<'a, str>>, v: Option<Cow<'a, str>>) {
            if slot.is_none() {
                *slot = v;
            }
        }
        fill(&mut f.user, self.user.map(&conv));
        fill(&mut f.database, self.database.map(&conv));
        fill(&mut f.host, self.host.map(&conv));
        fill(&mut f.client, self.host.map(&conv));
        fill(&mut f.query, self.query.map(&conv));
        f.query_time = f.query_time.or(self.query_time);
        f.lock_time = f.lock_time.or(self.lock_time);
        f.bytes = f.bytes.or(self.bytes);
        for (key, value) in [
            ("application_name", self.application_name.map(&conv)),
            ("port", self.port.map(&conv)),
            ("session_time", self.session_time.map(Cow::Owned)),
        ] {
            if let Some(v) = value {
                if f.extra(key).is_none() {
                    f.extra.push((Cow::Borrowed(key), v));
                }
            }
        }
    }
}

/// The value of a `key=value` word, if it was written without quotes.
fn plain(v: Cow<'_, str>) -> Option<&str> {
    match v {
        Cow::Borrowed(s) if !s.is_empty() => Some(s),
        _ => None,
    }
}

fn read_message(m: &str) -> MessageFields<'_> {
    let mut out = MessageFields::default();
    let first_line = &m[..memchr(b'\n', m.as_bytes()).unwrap_or(m.len())];
    if let Some(r) = m.strip_prefix("connection received: ") {
        for (k, v) in kv_pairs(first_line_of(r)) {
            match k {
                "host" => out.host = plain(v),
                "port" => out.port = plain(v),
                _ => {}
            }
        }
    } else if let Some(r) = m
        .strip_prefix("connection authorized: ")
        .or_else(|| m.strip_prefix("replication connection authorized: "))
    {
        for (k, v) in kv_pairs(first_line_of(r)) {
            match k {
                "user" => out.user = plain(v),
                "database" => out.database = plain(v),
                "application_name" => out.application_name = plain(v),
                _ => {}
            }
        }
    } else if let Some(r) = m.strip_prefix("disconnection: session time: ") {
        let r = first_line_of(r);
        let (time, rest) = r.split_once(' ').unwrap_or((r, ""));
        out.session_time = session_seconds(time);
        for (k, v) in kv_pairs(rest) {
            match k {
                "user" => out.user = plain(v),
                "database" => out.database = plain(v),
                "host" => out.host = plain(v),
                "port" => out.port = plain(v),
                _ => {}
            }
        }
    } else if let Some(r) = m.strip_prefix("duration: ") {
        let num_end = r.find(' ').unwrap_or(r.len());
        if let (Some(secs), Some(after)) = (
            millis_to_seconds(&r[..num_end]),
            r[num_end..].strip_prefix(" ms"),
        ) {
            out.query_time = Some(secs);
            out.query = statement_text(after.trim_start_matches(' '));
        }
    } else if let Some(q) = statement_text(m) {
        out.query = Some(q);
    } else if m.starts_with("process ") && first_line.ends_with(" ms") {
        let head = &first_line[..first_line.len() - 3];
        if let Some(p) = head.rfind(" after ") {
            out.lock_time = millis_to_seconds(&head[p + 7..]);
        }
    } else if let Some(r) = m.strip_prefix("temporary file: path \"") {
        if let Some((_, size)) = first_line_of(r).rsplit_once("\", size ") {
            out.bytes = crate::common::uint(size);
        }
    } else if let Some(r) = m.strip_prefix("password authentication failed for user \"") {
        out.user = r.split_once('"').map(|(u, _)| u);
    } else if let Some(r) = m.strip_prefix("role \"") {
        out.user = r
            .split_once("\" does not exist")
            .map(|(u, _)| u)
            .filter(|u| !u.contains('"'));
    } else if let Some(r) = m.strip_prefix("database \"") {
        out.database = r
            .split_once("\" does not exist")
            .map(|(d, _)| d)
            .filter(|d| !d.contains('"'));
    } else if let Some(r) = m.strip_prefix("no pg_hba.conf entry for ") {
        let quoted_after = |key: &str| {
            let start = r.find(key)? + key.len();
            let v = &r[start..];
            v.split_once('"').map(|(v, _)| v)
        };
        out.host = quoted_after("host \"");
        out.user = quoted_after("user \"");
        out.database = quoted_after("database \"");
    }
    out
}

fn first_line_of(s: &str) -> &str {
    &s[..memchr(b'\n', s.as_bytes()).unwrap_or(s.len())]
}

/// The statement of `statement: …`, `execute S_1: …`, `parse <unnamed>: …`,
/// `bind S_1/C_1: …`, `execute fetch from S_1/C_1: …`.
fn statement_text(s: &str) -> Option<&str> {
    if let Some(q) = s.strip_prefix("statement: ") {
        return Some(q);
    }
    let named = s
        .strip_prefix("execute ")
        .or_else(|| s.strip_prefix("parse "))
        .or_else(|| s.strip_prefix("bind "))?;
    let colon = named.find(": ")?;
    // The name is one word (`S_1`, `<unnamed>`, `S_1/C_1`, `fetch from S_1`).
    let name = &named[..colon];
    let name = name.strip_prefix("fetch from ").unwrap_or(name);
    if name.is_empty() || name.contains([' ', '\n']) {
        return None;
    }
    Some(&named[colon + 2..])
}

/// Milliseconds written as a decimal (`412.907`) in seconds, rounded once
/// (`0.412907`, where `412.907 / 1000.0` would give `0.41290699999999997`).
fn millis_to_seconds(s: &str) -> Option<f64> {
    const POW10: [f64; 19] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
        1e17, 1e18,
    ];
    let (int, frac) = s.split_once('.').unwrap_or((s, ""));
    let digits = |t: &str| t.bytes().all(|c| c.is_ascii_digit());
    if int.is_empty() || !digits(int) || !digits(frac) || int.len() + frac.len() > 15 {
        return None;
    }
    let mut mantissa = 0u64;
    for c in int.bytes().chain(frac.bytes()) {
        mantissa = mantissa * 10 + u64::from(c - b'0');
    }
    Some(mantissa as f64 / *POW10.get(frac.len() + 3)?)
}

/// `H:MM:SS.mmm` (hours unbounded) as seconds with milliseconds: `0:06:58.205` → `418.205`.
fn session_seconds(t: &str) -> Option<String> {
    let (hms, ms) = t.split_once('.')?;
    let mut parts = hms.splitn(3, ':');
    let h: u64 = parts.next()?.parse().ok()?;
    let m: u64 = parts.next()?.parse().ok()?;
    let s: u64 = parts.next()?.parse().ok()?;
    if ms.len() != 3 || !ms.bytes().all(|c| c.is_ascii_digit()) || m > 59 || s > 59 {
        return None;
    }
    let ms: u64 = ms.parse().ok()?;
    let total = h.checked_mul(3600)?.checked_add(m * 60 + s)?;
    Some(format!("{total}.{ms:03}"))
}

#[cfg(test)]
mod tests;
