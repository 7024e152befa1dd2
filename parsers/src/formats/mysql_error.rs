//! The MySQL and MariaDB error log (`mysql-error`): what `mysqld` /
//! `mariadbd` write to `log_error`, in every shape the versions use.
//!
//! ```text
//! 2026-11-21T05:53:08.123456Z 0 [System] [MY-010116] [Server] /usr/sbin/mysqld (mysqld 8.0.36) starting as process 1
//! 2026-11-21T05:53:12.000001Z 8 [Warning] [MY-010055] [Server] IP address '203.0.113.7' could not be resolved: Name or service not known
//! 2026-11-21T05:53:08.123456Z 0 [Note] mysqld (mysqld 5.7.44) starting as process 1 ...
//! 2026-11-21  5:53:08 0 [Note] Starting MariaDB 10.11.6-MariaDB-0+deb12u1 source revision 4d6c8c1e as process 1234
//! 2026-11-21 05:53:08 140201532376832 [Warning] Aborted connection 42 to db: 'shop' user: 'app' host: 'localhost' (Got an error reading communication packets)
//! 261121  5:53:08 [Note] Plugin 'FEDERATED' is disabled.
//! 261121  5:53:08  InnoDB: Completed initialization of buffer pool
//! 261121 05:53:07 mysqld_safe Starting mysqld daemon with databases from /var/lib/mysql
//! ```
//!
//! A line starts a record when it is a timestamp — ISO 8601 with `Z` or an
//! offset (MySQL 5.7/8.0, `log_timestamps=UTC|SYSTEM`), zone-less with a
//! zero- or space-padded hour (MySQL 5.6, MariaDB 10.x), or `YYMMDD H:MM:SS`
//! (MySQL 5.5, old MariaDB) — then a thread id (decimal, or InnoDB's hex
//! thread handle), then a bracketed level (`[Note]` → info, `[System]` →
//! notice, `[Warning]` → warn, `[ERROR]` → error), or, for the lines older
//! servers and scripts write without a level, `InnoDB: …` or `mysqld_safe …`.
//! MySQL 8's `[MY-010116]` becomes `code`, its `[Server]`/`[InnoDB]`/`[Repl]`
//! the `logger` (MariaDB's `InnoDB: …` message prefix too), the thread id
//! the `session`. A crash report (`mysqld got signal 11 ;`) is a fatal
//! record, also when MySQL 5.7 starts it with a bare `05:53:08 UTC - ` (it
//! then has no date: its time is its predecessor's).
//!
//! Every other line — the `Version: '…'  socket: …` line MariaDB writes after
//! "ready for connections", InnoDB monitor and deadlock dumps (whose own
//! `2026-11-21 05:53:08 0x7f… INNODB MONITOR OUTPUT` banner has no level),
//! the stack trace after a crash — continues the record before it.
//!
//! Messages that name a client fill its fields: `Aborted connection 42 to db:
//! 'shop' user: 'app' host: 'localhost' (…)` gives `session`, `database`,
//! `user`, `host` and the `reason`; `Access denied for user 'app'@'…'`,
//! `IP address '…' could not be resolved` and `Host '…' is blocked` give the
//! user and the host (`client` too when it is an address), `Forcing close
//! of thread 148  user: 'app'` the session and user.

use std::borrow::Cow;

use crate::common::timestamp;
use crate::event::{Event, Fields, Kind, Level};
use crate::format::{Format, ParseError};
use crate::time::{iso8601, mysql_short, ParsedTime, TimeContext};

use super::mysql_shared::{access_denied, quoted_after, set_host};

/// The MySQL / MariaDB error log.
pub struct MysqlError;

/// What the start of a record says, with the byte offset of its message.
struct Prefix<'a> {
    time: Option<(&'a str, ParsedTime)>,
    session: Option<&'a str>,
    level: Level,
    code: Option<&'a str>,
    logger: Option<&'a str>,
    message_at: usize,
}

/// Message prefixes that name the subsystem that wrote the line (MariaDB and
/// MySQL before 8.0 write `InnoDB: …` where MySQL 8 writes `[InnoDB]`).
const SUBSYSTEMS: [&str; 8] = [
    "InnoDB",
    "Aria",
    "WSREP",
    "mysqld",
    "mariadbd",
    "Event Scheduler",
    "Slave SQL",
    "Slave I/O",
];

/// The levels MySQL writes in brackets.
fn bracket_level(word: &str) -> Option<Level> {
    if word.eq_ignore_ascii_case("note") {
        Some(Level::Info)
    } else if word.eq_ignore_ascii_case("system") {
        Some(Level::Notice)
    } else if word.eq_ignore_ascii_case("warning") {
        Some(Level::Warn)
    } else if word.eq_ignore_ascii_case("error") {
        Some(Level::Error)
    } else {
        None
    }
}

/// `[content]` at the start of `s` when the content is one short word
/// (`MY-010116`, `Server`, `Entrypoint`): the content and what follows.
fn bracket_word(s: &str) -> Option<(&str, &str)> {
    let inner = s.strip_prefix('[')?;
    let end = inner.find(']')?;
    let word = &inner[..end];
    let ok = !word.is_empty()
        && word.len() <= 32
        && word
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b' ' | b'.'));
    ok.then(|| (word, &inner[end + 1..]))
}

/// A thread id after the timestamp: decimal (`0`, `42`, `140201532376832`)
/// or InnoDB's thread handle (`7f6d0c9d9740`, `0x7f1d0c0d9700`), followed by
/// a space. Returns the id and the rest after the space.
fn thread_id(s: &str) -> Option<(&str, &str)> {
    let b = s.as_bytes();
    if !b.first()?.is_ascii_digit() {
        return None;
    }
    let len = b
        .iter()
        .take_while(|c| c.is_ascii_hexdigit() || **c == b'x')
        .count();
    if b.get(len) != Some(&b' ') {
        return None;
    }
    Some((&s[..len], &s[len + 1..]))
}

/// `05:53:08 UTC - ` (the crash banner of MySQL 5.x), returning the rest.
fn bare_crash_time(line: &str) -> Option<&str> {
    let b = line.as_bytes();
    let shape = b.len() >= 15
        && b[2] == b':'
        && b[5] == b':'
        && [0, 1, 3, 4, 6, 7].iter().all(|&i| b[i].is_ascii_digit());
    if !shape {
        return None;
    }
    line.get(8..)?.strip_prefix(" UTC - ")
}

/// Reads the start of a record, or `None` when `line` does not start one.
fn prefix(line: &str) -> Option<Prefix<'_>> {
    let at = |rest: &str| line.len() - rest.len();
    if let Some(rest) = bare_crash_time(line) {
        return Some(Prefix {
            time: None,
            session: None,
            level: Level::Fatal,
            code: None,
            logger: None,
            message_at: at(rest),
        });
    }
    let (rest, parsed, iso) = match iso8601(line) {
        Ok((rest, t)) => (rest, t, true),
        Err(_) => {
            let (rest, t) = mysql_short(line).ok()?;
            (rest, t, false)
        }
    };
    let time = Some((&line[..at(rest)], parsed));
    let after = rest.trim_start_matches(' ');
    if after.len() == rest.len() {
        return None;
    }
    if iso {
        // MySQL 8's crash banner: `2026-11-21T05:53:08Z UTC - mysqld got signal 11 ;`.
        if let Some(msg) = after.strip_prefix("UTC - ") {
            return Some(Prefix {
                time,
                session: None,
                level: Level::Fatal,
                code: None,
                logger: None,
                message_at: at(msg),
            });
        }
    }
    let (session, body) = match thread_id(after) {
        Some((id, body)) => (Some(id), body),
        None => (None, after),
    };
    let body = body.trim_start_matches(' ');
    if let Some((word, rest)) = bracket_word(body) {
        let level = bracket_level(word)?;
        let mut rest = rest.trim_start_matches(' ');
        let mut code = None;
        if let Some((c, r)) = bracket_word(rest).filter(|(c, _)| c.starts_with("MY-")) {
            code = Some(c);
            rest = r.trim_start_matches(' ');
        }
        let mut logger = None;
        if let Some((l, r)) = bracket_word(rest) {
            if r.is_empty() || r.starts_with([' ', ':']) {
                logger = Some(l);
                rest = r.trim_start_matches(':').trim_start_matches(' ');
            }
        }
        // ISO-stamped lines always carry a thread id, except the lines of
        // the Docker entrypoint script (`… [Note] [Entrypoint]: …`): without
        // either, the line is some other software's.
        if iso && session.is_none() && logger.is_none() {
            return None;
        }
        if logger.is_none() {
            logger = SUBSYSTEMS.iter().copied().find(|s| {
                rest.strip_prefix(s)
                    .is_some_and(|r| r.starts_with(": ") || r == ":")
            });
        }
        return Some(Prefix {
            time,
            session,
            level,
            code,
            logger,
            message_at: at(rest),
        });
    }
    if let Some(msg) = body.strip_prefix("InnoDB: ") {
        // MySQL 5.5/5.6 InnoDB lines carry no bracketed level.
        let level = match msg.split(':').next() {
            Some(w) if w.eq_ignore_ascii_case("error") => Level::Error,
            Some(w) if w.eq_ignore_ascii_case("warning") => Level::Warn,
            _ => Level::Info,
        };
        return Some(Prefix {
            time,
            session,
            level,
            code: None,
            logger: Some("InnoDB"),
            message_at: at(body),
        });
    }
    if let Some(msg) = body.strip_prefix("mysqld_safe ") {
        return Some(Prefix {
            time,
            session,
            level: Level::Info,
            code: None,
            logger: Some("mysqld_safe"),
            message_at: at(msg),
        });
    }
    None
}

/// Fills the fields that messages about a client name.
fn client_fields<'a>(message: &'a str, fields: &mut Fields<'a>) {
    let first = message.lines().next().unwrap_or("");
    if let Some(rest) = first.strip_prefix("Aborted connection ") {
        let id = rest.split(' ').next().unwrap_or("");
        if !id.is_empty() && id.bytes().all(|c| c.is_ascii_digit()) {
            fields.session = Some(Cow::Borrowed(id));
        }
        // `unconnected` / `unauthenticated` stand for "none".
        if let Some(db) = quoted_after(rest, "db: ").filter(|d| *d != "unconnected") {
            fields.database = Some(Cow::Borrowed(db));
        }
        if let Some(user) = quoted_after(rest, "user: ").filter(|u| *u != "unauthenticated") {
            fields.user = Some(Cow::Borrowed(user));
        }
        if let Some(host) = quoted_after(rest, "host: ") {
            set_host(fields, host);
        }
        if let (Some(open), Some(close)) = (rest.rfind(" ("), rest.rfind(')')) {
            if open + 2 <= close {
                fields.extra.push((
                    Cow::Borrowed("reason"),
                    Cow::Borrowed(&rest[open + 2..close]),
                ));
            }
        }
    } else if let Some(at) = first.find("Forcing close of thread ") {
        // `/usr/sbin/mysqld: Forcing close of thread 148  user: 'app'.` at shutdown.
        let rest = &first[at + "Forcing close of thread ".len()..];
        let id = rest.split(' ').next().unwrap_or("");
        if !id.is_empty() && id.bytes().all(|c| c.is_ascii_digit()) {
            fields.session = Some(Cow::Borrowed(id));
        }
        if let Some(user) = quoted_after(rest, "user: ") {
            fields.user = Some(Cow::Borrowed(user));
        }
    } else if let Some((user, host)) = access_denied(first) {
        if !user.is_empty() {
            fields.user = Some(Cow::Borrowed(user));
        }
        set_host(fields, host);
    } else if let Some(host) = quoted_after(first, "IP address ") {
        set_host(fields, host);
    } else if let Some(host) = first
        .strip_prefix("Host ")
        .and_then(|r| quoted_after(r, ""))
    {
        set_host(fields, host);
    }
}

impl Format for MysqlError {
    fn name(&self) -> &str {
        "mysql-error"
    }

    fn aliases(&self) -> &[&str] {
        &["mysql", "mariadb", "mariadb-error", "mysqld"]
    }

    fn description(&self) -> &str {
        "MySQL 5.5–8.x and MariaDB error log (log_error), crash reports and InnoDB dumps included"
    }

    fn kind(&self) -> Kind {
        Kind::Database
    }

    fn multiline(&self) -> bool {
        true
    }

    fn is_record_start(&self, line: &str) -> bool {
        prefix(line).is_some()
    }

    fn parse<'a>(&self, record: &'a str, ctx: &TimeContext) -> Result<Event<'a>, ParseError> {
        let first = record.split('\n').next().unwrap_or(record);
        let p = prefix(first).ok_or(ParseError::new(
            "expected a MySQL error log line: timestamp, thread id, [Level]",
            0,
        ))?;
        let timestamp = match p.time {
            Some((text, parsed)) => Some(timestamp(text, parsed, ctx)?),
            None => None,
        };
        // A message may begin on the next line (InnoDB's deadlock dumps).
        let message = record.get(p.message_at..).unwrap_or("").trim();
        let mut level = p.level;
        let mut fields = Fields {
            session: p.session.map(Cow::Borrowed),
            logger: p.logger.map(Cow::Borrowed),
            code: p.code.map(Cow::Borrowed),
            ..Fields::default()
        };
        client_fields(message, &mut fields);
        if level == Level::Error && first.contains(" got signal ") {
            level = Level::Fatal;
        }
        Ok(Event {
            timestamp,
            level,
            message: Cow::Borrowed(message),
            fields,
            ..Event::default()
        })
    }
}

#[cfg(test)]
mod tests;
