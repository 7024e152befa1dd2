//! Java application logs written by logback or log4j pattern layouts, in
//! the shapes found in the wild:
//!
//! ```text
//! 05:53:09.285 [main] INFO  com.shop.Api - Started                                     logback/log4j2 default: %d{HH:mm:ss.SSS} [%thread] %-5level %logger{36} - %msg
//! 2026-11-21 05:53:09,285 [main] ERROR com.zaxxer.hikari.pool.HikariPool - HikariPool-1 - Connection is not available, request timed out after 30000ms.
//! 2026-11-21 05:53:09,285 ERROR [http-nio-8080-exec-3] com.shop.Db (Db.java:42) - Query failed   log4j: %d %-5p [%t] %c (%F:%L) - %m
//! 2026-11-21 05:53:09,285 ERROR com.shop.Db - Query failed                             %d %-5p %c - %m (a dotted logger is required)
//! 2026-11-21 05:53:09,285 ERROR c.s.Db [main] Query failed                             log4j2's %d %p %c{1.} [%t] %m
//! 2026-11-21T05:53:09.285Z  INFO 12345 --- [shop-api] [nio-8080-exec-1] c.s.api.OrderController  : Created order   Spring Boot 3
//! 2026-11-21 05:53:09.285  INFO 12345 --- [nio-8080-exec-1] c.s.a.OrderController    : Created order   Spring Boot 1–2
//! ```
//!
//! The logger is separated from the message by ` - ` (logback ≥ 1.3's
//! TTLLLayout writes ` -- `), or by ` : ` after Spring Boot's `---`. A
//! bracketed level (`[INFO ]`), bracketed MDC values before the separator
//! (`com.shop.Api [req-42] - msg`) and Spring Boot's correlation group
//! (`[traceId-spanId]`) are read too. A time with no date (the logback
//! default) is dated from the context's reference day, flagged
//! `year-inferred` (see [`TimeContext::resolve_time_of_day`]).
//!
//! Lines that do not begin with such a prefix — a stack trace's exception
//! line, `\tat …` frames, `Caused by: …`, `\t... 12 more`, Spring Boot's
//! blank line before the trace — continue the record before them. Fields:
//! thread → `session`, `logger`, Spring Boot's `pid` (and application name
//! in extra `app`), `(File.java:42)` in extra `location`, and the class of
//! the first exception of a stack trace in extra `exception`.

use std::borrow::Cow;

use chrono::NaiveTime;

use crate::common::{timestamp, timestamp_of_day};
use crate::event::{Event, Fields, Kind, Level};
use crate::format::{Format, ParseError};
use crate::time::{iso8601, time_of_day, ParsedTime, TimeContext};

/// logback / log4j / Spring Boot pattern-layout output.
pub struct Java;

/// A Java timestamp: a full date-time, or only a time of day.
#[derive(Clone, Copy)]
enum JavaTime {
    Full(ParsedTime),
    OfDay(NaiveTime),
}

/// The parts of a record's first line.
struct Prefix<'a> {
    time_text: &'a str,
    time: JavaTime,
    level: Level,
    pid: Option<u32>,
    thread: Option<&'a str>,
    logger: &'a str,
    location: Option<&'a str>,
    app: Option<&'a str>,
    correlation: Option<&'a str>,
    mdc: Option<&'a str>,
    message_at: usize,
}

/// The most bracketed groups Spring Boot writes after `---`
/// (application name, application group, thread, correlation id).
const MAX_SPRING_GROUPS: usize = 4;

/// A level as logback and log4j write it (capitals only).
fn java_level(word: &str) -> Option<Level> {
    match word {
        "TRACE" | "DEBUG" | "INFO" | "WARN" | "ERROR" | "FATAL" => Level::from_word(word),
        _ => None,
    }
}

/// A level written bare (`INFO`) or in brackets (`[INFO ]`), and the rest.
fn level_token(s: &str) -> Option<(Level, &str)> {
    if let Some(inner) = s.strip_prefix('[') {
        let end = inner.find(']')?;
        let level = java_level(inner[..end].trim_matches(' '))?;
        return Some((level, &inner[end + 1..]));
    }
    let end = s.find(|c: char| !c.is_ascii_uppercase()).unwrap_or(s.len());
    let level = java_level(&s[..end])?;
    Some((level, &s[end..]))
}

/// `[content]` → the content and the rest (no nesting).
fn bracket(s: &str) -> Option<(&str, &str)> {
    let inner = s.strip_prefix('[')?;
    let end = inner.find(']')?;
    Some((&inner[..end], &inner[end + 1..]))
}

/// One or more spaces, required.
fn spaces(s: &str) -> Option<&str> {
    let rest = s.trim_start_matches(' ');
    (rest.len() < s.len()).then_some(rest)
}

/// The separator between logger and message: ` - ` or ` -- ` (the leading
/// space already skipped). Returns the message.
fn separator(s: &str) -> Option<&str> {
    let rest = s.strip_prefix("--").or_else(|| s.strip_prefix('-'))?;
    match rest.strip_prefix(' ') {
        Some(message) => Some(message),
        None if rest.is_empty() => Some(rest),
        None => None,
    }
}

/// A dotted Java name: `com.shop.Db`, `o.s.w.DispatcherServlet`, `Outer$Inner` segments.
fn qualified_name(s: &str) -> bool {
    let mut segments = 0;
    for seg in s.split('.') {
        let mut chars = seg.chars();
        let ok = chars
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == '$')
            && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$');
        if !ok {
            return false;
        }
        segments += 1;
    }
    segments >= 2
}

/// A Java class name as a stack trace's exception line starts with it.
fn exception_class(s: &str) -> bool {
    qualified_name(s)
        && s.rsplit('.')
            .next()
            .is_some_and(|last| last.starts_with(|c: char| c.is_ascii_uppercase()))
}

/// Spring Boot's correlation group: `traceId-spanId` in hex, or blanks.
fn is_correlation(s: &str) -> bool {
    let t = s.trim();
    t.is_empty()
        || (t.len() >= 16
            && t.contains('-')
            && t.bytes().all(|b| b.is_ascii_hexdigit() || b == b'-'))
}

/// Reads the timestamp at the start of a line: ISO 8601 or a time of day.
fn java_time(line: &str) -> Option<(&str, JavaTime, &str)> {
    let (rest, time) = match iso8601(line) {
        Ok((rest, t)) => (rest, JavaTime::Full(t)),
        Err(_) => {
            let (rest, t) = time_of_day(line).ok()?;
            (rest, JavaTime::OfDay(t))
        }
    };
    Some((&line[..line.len() - rest.len()], time, rest))
}

fn prefix(line: &str) -> Option<Prefix<'_>> {
    let (time_text, time, rest) = java_time(line)?;
    let mut rest = spaces(rest)?;
    let mut p = Prefix {
        time_text,
        time,
        level: Level::Info,
        pid: None,
        thread: None,
        logger: "",
        location: None,
        app: None,
        correlation: None,
        mdc: None,
        message_at: 0,
    };
    let at = |rest: &str| line.len() - rest.len();

    // `[thread] LEVEL`, `[LEVEL] …` or `LEVEL …`.
    let mut level = None;
    if rest.starts_with('[') {
        if let Some((l, after)) = level_token(rest) {
            level = Some(l);
            rest = after;
        } else {
            let (thread, after) = bracket(rest)?;
            p.thread = Some(thread);
            rest = after;
        }
        rest = spaces(rest)?;
    }
    if level.is_none() {
        let (l, after) = level_token(rest)?;
        level = Some(l);
        rest = spaces(after)?;
    }
    p.level = level?;

    // Spring Boot: `PID --- [app] [thread] [correlation] logger : message`.
    if p.thread.is_none() {
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        let after_pid = if digits > 0 {
            spaces(&rest[digits..])
        } else {
            Some(rest)
        };
        let dashes =
            after_pid.and_then(|r| r.strip_prefix("--- ").or_else(|| r.strip_prefix("- ")));
        if let Some(mut groups_text) = dashes {
            if digits > 0 {
                p.pid = Some(rest[..digits].parse().ok()?);
            }
            let mut groups = [""; MAX_SPRING_GROUPS];
            let mut n = 0;
            loop {
                groups_text = groups_text.trim_start_matches(' ');
                let Some((group, after)) = bracket(groups_text) else {
                    break;
                };
                *groups.get_mut(n)? = group;
                n += 1;
                groups_text = after;
            }
            if n > 1 && is_correlation(groups[n - 1]) {
                let c = groups[n - 1].trim();
                p.correlation = (!c.is_empty()).then_some(c);
                n -= 1;
            }
            if n == 0 {
                return None;
            }
            p.thread = Some(groups[n - 1].trim());
            if n > 1 {
                p.app = Some(groups[0]);
            }
            let (logger, message) = match groups_text.find(" : ") {
                Some(i) => (&groups_text[..i], &groups_text[i + 3..]),
                None => (groups_text.strip_suffix(" :")?, ""),
            };
            p.logger = logger.trim();
            if p.logger.is_empty() {
                return None;
            }
            p.message_at = at(message);
            return Some(p);
        }
    }

    // log4j: `LEVEL [thread] logger …`.
    if p.thread.is_none() && rest.starts_with('[') {
        let (thread, after) = bracket(rest)?;
        p.thread = Some(thread);
        rest = spaces(after)?;
    }
    let end = rest
        .find(|c: char| c.is_ascii_whitespace())
        .unwrap_or(rest.len());
    let logger = &rest[..end];
    if logger.is_empty() || logger.ends_with(':') || logger.starts_with(['[', '-', '(']) {
        return None;
    }
    p.logger = logger;
    rest = rest[end..].trim_start_matches(' ');
    if rest.starts_with('(') {
        let close = rest.find(')')?;
        p.location = Some(&rest[1..close]);
        rest = rest[close + 1..].trim_start_matches(' ');
    }
    if rest.starts_with('[') {
        let (group, after) = bracket(rest)?;
        let after_spaces = after.trim_start_matches(' ');
        if separator(after_spaces).is_some() {
            p.mdc = Some(group);
            rest = after_spaces;
        } else if p.thread.is_none() && p.location.is_none() {
            // log4j2's `%d %p %c{1.} [%t] %m`.
            p.thread = Some(group);
            let message = match after.strip_prefix(' ') {
                Some(m) => m,
                None if after.is_empty() => after,
                None => return None,
            };
            p.message_at = at(message);
            return Some(p);
        } else {
            return None;
        }
    }
    let message = separator(rest)?;
    // Without a thread the shape is loose: ask for a dotted logger name.
    if p.thread.is_none() && !qualified_name(p.logger) {
        return None;
    }
    p.message_at = at(message);
    Some(p)
}

/// The class of the first exception of a stack trace in the continuation
/// lines: the first line that starts with a class name followed by `:` or
/// nothing, with an `at …` frame somewhere after it (the exception's
/// message may span lines before the first frame).
fn first_exception(continuation: &str) -> Option<&str> {
    // Where the last frame line starts: candidates must come before it.
    // (Found first, so a long record is scanned twice, never quadratically.)
    let mut last_frame = None;
    let mut offset = 0;
    for line in continuation.split('\n') {
        if line.trim_start().starts_with("at ") {
            last_frame = Some(offset);
        }
        offset += line.len() + 1;
    }
    let last_frame = last_frame?;
    let mut offset = 0;
    for line in continuation.split('\n') {
        if offset >= last_frame {
            break;
        }
        offset += line.len() + 1;
        let end = line
            .find(|c: char| c == ':' || c.is_ascii_whitespace())
            .unwrap_or(line.len());
        let class = &line[..end];
        if exception_class(class) && (end == line.len() || line[end..].starts_with(':')) {
            return Some(class);
        }
    }
    None
}

impl Format for Java {
    fn name(&self) -> &str {
        "java"
    }

    fn aliases(&self) -> &[&str] {
        &["logback", "log4j", "log4j2", "spring", "spring-boot"]
    }

    fn description(&self) -> &str {
        "Java logback/log4j/Spring Boot pattern layouts, stack traces attached"
    }

    fn kind(&self) -> Kind {
        Kind::App
    }

    fn multiline(&self) -> bool {
        true
    }

    fn is_record_start(&self, line: &str) -> bool {
        prefix(line).is_some()
    }

    /// Below 1: the thread-less `TIME LEVEL a.b.C - message` shape is loose.
    fn specificity(&self) -> f64 {
        0.95
    }

    fn parse<'a>(&self, record: &'a str, ctx: &TimeContext) -> Result<Event<'a>, ParseError> {
        let first_line = record.split('\n').next().unwrap_or(record);
        let p = prefix(first_line).ok_or(ParseError::new(
            "expected a logback/log4j prefix: time, level, [thread], logger, separator",
            0,
        ))?;
        let ts = match p.time {
            JavaTime::Full(t) => timestamp(p.time_text, t, ctx)?,
            JavaTime::OfDay(t) => timestamp_of_day(p.time_text, t, ctx)?,
        };
        let mut fields = Fields {
            pid: p.pid,
            session: p
                .thread
                .map(|t| Cow::Borrowed(t.trim()))
                .filter(|t| !t.is_empty()),
            logger: Some(Cow::Borrowed(p.logger)),
            ..Fields::default()
        };
        let mut extra = |k: &'static str, v: Option<&'a str>| {
            if let Some(v) = v {
                fields.extra.push((Cow::Borrowed(k), Cow::Borrowed(v)));
            }
        };
        extra("app", p.app);
        extra("correlation", p.correlation);
        extra("mdc", p.mdc);
        extra("location", p.location);
        extra(
            "exception",
            record.get(first_line.len()..).and_then(first_exception),
        );
        Ok(Event {
            timestamp: Some(ts),
            level: p.level,
            message: Cow::Borrowed(record.get(p.message_at..).unwrap_or("")),
            fields,
            ..Event::default()
        })
    }
}

#[cfg(test)]
mod tests;
