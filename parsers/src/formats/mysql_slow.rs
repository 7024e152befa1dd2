//! The MySQL / MariaDB slow query log (`mysql-slow`): one event per entry.
//!
//! ```text
//! # Time: 2026-11-21T05:53:09.123456Z
//! # User@Host: app[app] @ localhost [127.0.0.1]  Id:    42
//! # Query_time: 1.234567  Lock_time: 0.000123 Rows_sent: 1  Rows_examined: 50000
//! use shop;
//! SET timestamp=1795240387;
//! SELECT * FROM orders
//!   WHERE customer_id = 7;
//! ```
//!
//! MariaDB (and Percona Server) add lines of their own — `# Thread_id: 42
//! Schema: shop  QC_hit: No`, `# Rows_affected: 0  Bytes_sent: 123`,
//! `# Full_scan: Yes …`, `# explain: …` — and MySQL 8 with
//! `log_slow_extra` puts `Thread_id`, `Errno`, `Bytes_sent`, `Start` and
//! `End` on the `# Query_time:` line. Every `# Key: value` is read the same
//! way: `Query_time`/`Lock_time` (seconds), `Rows_sent`, `Rows_examined`,
//! `Id`/`Thread_id` (session), `Schema` (database, as is `use db;`),
//! `Bytes_sent` (bytes) and a non-zero `Errno` (code; level error) become
//! typed fields; the figures worth a glance in an incident — rows affected,
//! a kill, full scans and joins, on-disk temporary tables and sorts — go to
//! `extra` when they say something happened. The statement, without the
//! `;` the server appends, is the `query` and the message; an
//! `# administrator command: Quit;` entry gets `command=Quit` instead.
//!
//! # Where an entry starts
//!
//! The framer asks each line on its own whether it starts a record, and
//! formats keep no state — but MySQL 5.6 and MariaDB write `# Time:` only
//! when the second changed since the last entry (MySQL 5.7+ always does),
//! so no single line marks the start of every entry. An entry starts at its
//! `# User@Host:` line, which every entry has, and a `# Time:` line *leads*
//! the entry below it ([`Format::is_record_lead`]): it starts a record that
//! takes that entry in. An entry with a `# Time:` line is one record with
//! it; the entries after it in the same second are records of their own.
//!
//! # The time of an entry
//!
//! An event is dated when its statement started:
//!
//! - by `Start:` when `log_slow_extra` writes it (MySQL 8.0.14+), to the
//!   microsecond;
//! - else by the `SET timestamp=…;` line every entry has (epoch seconds:
//!   exact, zone-free; the statement's start in MySQL 8 and MariaDB, the
//!   time the entry was logged in MySQL 5.6 and early 5.7), to the
//!   microsecond when the entry's own `# Time:` line names the same second.
//!   MySQL 5.7+ writes there, in ISO 8601, the time it logged the entry —
//!   the statement's end — so the start is that time less `Query_time`;
//!   MariaDB writes (as `YYMMDD HH:MM:SS`) the statement's start. The first
//!   of these (for ISO 8601, `# Time:` less `Query_time`, then `# Time:`
//!   itself) in the second `SET timestamp` names is taken; a `# Time:` that
//!   names another second (a local time read in the wrong zone, a session
//!   that set its own timestamp) gives way to `SET timestamp`. An entry
//!   that shares an earlier entry's `# Time:` is dated by `SET timestamp`.
//! - with no `SET timestamp`, by its `# Time:` line, read as above.
//!
//! As entries are written when their statement ends, these times are not
//! in file order: a long query comes after the short ones that started
//! later. A `# Time:` line with no entry after it (the end of a file still
//! being written) makes a small informational record with that time.
//!
//! The header `mysqld` writes when it opens the log
//! (`/usr/sbin/mysqld, Version: 8.0.36 (…). started with:`, `Tcp port: …`
//! or on Windows `TCP Port: …, Named Pipe: …`, `Time  Id Command
//! Argument`) is one informational event without a time of its own. Entries
//! written with `--log-short-format` (no `# User@Host:` line) are not read.

use std::borrow::Cow;

use chrono::TimeDelta;

use crate::common::{float, timestamp, uint};
use crate::event::{Event, Fields, Kind, Level, TimeFlags, Timestamp};
use crate::format::{Format, ParseError};
use crate::time::{epoch_text, iso8601, mysql_short, ParsedTime, TimeContext};

use super::mysql_shared::{header_event, is_header_start, set_host};

/// The MySQL / MariaDB slow query log.
pub struct MysqlSlow;

/// `app[app] @ localhost [127.0.0.1]  Id:    42` (after `# User@Host: `):
/// the account, the host name and address, and the thread id (MySQL 5.7+).
struct Account<'a> {
    user: &'a str,
    host: &'a str,
    ip: &'a str,
    id: Option<&'a str>,
}

fn account(s: &str) -> Option<Account<'_>> {
    // `priv_user[user] @ host [ip]`: the account that matched, the login
    // name, then the client's host name and address (either may be empty).
    let open = s.find('[')?;
    let priv_user = &s[..open];
    let rest = &s[open + 1..];
    let close = rest.find("] @ ")?;
    let login = &rest[..close];
    let rest = &rest[close + 4..];
    let ip_open = rest.find('[')?;
    let host = rest[..ip_open].trim();
    let rest = &rest[ip_open + 1..];
    let ip_close = rest.find(']')?;
    let ip = &rest[..ip_close];
    let rest = rest[ip_close + 1..].trim_start();
    let id = rest
        .strip_prefix("Id:")
        .map(str::trim)
        .filter(|id| !id.is_empty() && id.bytes().all(|c| c.is_ascii_digit()));
    Some(Account {
        user: if login.is_empty() { priv_user } else { login },
        host,
        ip,
        id,
    })
}

/// The `Key: value` pairs of a `# …` line. A key with nothing after it
/// (MariaDB's `Schema:` outside any database) has an empty value.
fn meta_pairs(line: &str) -> impl Iterator<Item = (&str, &str)> {
    let mut tokens = line
        .trim_start_matches('#')
        .split_ascii_whitespace()
        .peekable();
    let is_key = |t: &str| {
        t.len() > 1
            && t.ends_with(':')
            && t[..t.len() - 1]
                .bytes()
                .all(|c| c.is_ascii_alphanumeric() || c == b'_')
    };
    std::iter::from_fn(move || loop {
        let token = tokens.next()?;
        if !is_key(token) {
            continue;
        }
        let value = match tokens.peek() {
            Some(v) if !is_key(v) => tokens.next().unwrap_or(""),
            _ => "",
        };
        return Some((&token[..token.len() - 1], value));
    })
}

/// What the `# …` lines of an entry said.
#[derive(Default)]
struct Meta<'a> {
    query_time_seen: bool,
    start: Option<&'a str>,
    killed: bool,
}

fn read_meta<'a>(line: &'a str, fields: &mut Fields<'a>, meta: &mut Meta<'a>) {
    for (key, value) in meta_pairs(line) {
        let nonzero = !value.is_empty() && value != "0";
        match key {
            "Query_time" => {
                fields.query_time = float(value);
                meta.query_time_seen = fields.query_time.is_some();
            }
            "Lock_time" => fields.lock_time = float(value),
            "Rows_sent" => fields.rows_sent = uint(value),
            "Rows_examined" => fields.rows_examined = uint(value),
            "Thread_id" | "Id" if fields.session.is_none() && !value.is_empty() => {
                fields.session = Some(Cow::Borrowed(value));
            }
            "Schema" if fields.database.is_none() && !value.is_empty() => {
                fields.database = Some(Cow::Borrowed(value));
            }
            "Bytes_sent" => fields.bytes = uint(value),
            "Errno" | "Last_errno" if nonzero && fields.code.is_none() => {
                fields.code = Some(Cow::Borrowed(value));
            }
            "Start" if !value.is_empty() => meta.start = Some(value),
            "Killed" if nonzero => {
                meta.killed = true;
                fields
                    .extra
                    .push((Cow::Borrowed(key), Cow::Borrowed(value)));
            }
            "Rows_affected" => {
                fields
                    .extra
                    .push((Cow::Borrowed(key), Cow::Borrowed(value)));
            }
            "Tmp_disk_tables" | "Created_tmp_disk_tables" if nonzero => {
                fields
                    .extra
                    .push((Cow::Borrowed(key), Cow::Borrowed(value)));
            }
            "Full_scan" | "Full_join" | "Tmp_table_on_disk" | "Filesort_on_disk"
                if value == "Yes" =>
            {
                fields
                    .extra
                    .push((Cow::Borrowed(key), Cow::Borrowed(value)));
            }
            _ => {}
        }
    }
}

/// The database of a `use shop;` line (MariaDB quotes it: ``use `shop`;``).
fn use_db(line: &str) -> Option<&str> {
    let db = line.strip_prefix("use ")?.strip_suffix(';')?;
    let db = db
        .strip_prefix('`')
        .and_then(|d| d.strip_suffix('`'))
        .unwrap_or(db);
    (!db.is_empty()).then_some(db)
}

/// The `timestamp=` value of a `SET …timestamp=1763704388;` line.
fn set_timestamp(line: &str) -> Option<&str> {
    let body = line.strip_prefix("SET ")?.strip_suffix(';')?;
    body.split(',')
        .find_map(|part| part.strip_prefix("timestamp="))
}

/// The time a `# Time:` line holds.
struct TimeLine<'a> {
    /// The timestamp as written.
    text: &'a str,
    parsed: ParsedTime,
    /// Written in ISO 8601 (MySQL 5.7+): the time the entry was logged, the
    /// statement's end. Otherwise (`YYMMDD HH:MM:SS`) MariaDB's statement
    /// start, or MySQL 5.6's time the entry was logged.
    logged: bool,
}

/// Reads a `# Time:` line: `# Time: 2026-11-21T05:53:09.123456Z`,
/// `# Time: 261121  5:53:09`. `None` for any other line.
fn time_line(line: &str) -> Option<TimeLine<'_>> {
    let text = line.strip_prefix("# Time: ")?.trim();
    if let Ok(("", parsed)) = iso8601(text) {
        return Some(TimeLine {
            text,
            parsed,
            logged: true,
        });
    }
    match mysql_short(text) {
        Ok(("", parsed)) => Some(TimeLine {
            text,
            parsed,
            logged: false,
        }),
        _ => None,
    }
}

impl<'a> TimeLine<'a> {
    /// The time as written.
    fn written(&self, ctx: &TimeContext) -> Result<Timestamp<'a>, ParseError> {
        timestamp(self.text, self.parsed, ctx)
    }

    /// When the statement of the entry this line opens started, if the
    /// line was written when the entry was logged: `query_time` earlier.
    fn less(&self, query_time: f64, ctx: &TimeContext) -> Option<Timestamp<'a>> {
        if !self.logged {
            return None;
        }
        let mut ts = self.written(ctx).ok()?;
        let took = TimeDelta::microseconds((query_time * 1e6).round() as i64);
        ts.utc = ts.utc.checked_sub_signed(took)?;
        Some(ts)
    }

    /// When the statement started, by this line alone (no `SET timestamp`
    /// to check it against): MySQL 5.7+'s time less `query_time`, else the
    /// time as written.
    fn start(&self, query_time: f64, ctx: &TimeContext) -> Result<Timestamp<'a>, ParseError> {
        match self.less(query_time, ctx) {
            Some(ts) => Ok(ts),
            None => self.written(ctx),
        }
    }

    /// The instant this line gives in the second `second` (a `SET
    /// timestamp`): the time less `query_time` or the time as written, the
    /// first that falls in it, with no flag: `second` confirms it.
    fn within(
        &self,
        second: &Timestamp<'_>,
        query_time: f64,
        ctx: &TimeContext,
    ) -> Option<Timestamp<'a>> {
        let less = self.less(query_time, ctx);
        let written = self.written(ctx).ok();
        let ts = [less, written]
            .into_iter()
            .flatten()
            .find(|t| t.utc.timestamp() == second.utc.timestamp())?;
        Some(Timestamp {
            flags: TimeFlags::empty(),
            ..ts
        })
    }
}

/// The lines of `record` with the byte offset each starts at.
fn lines_at(record: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut at = 0;
    record.split('\n').map(move |line| {
        let start = at;
        at += line.len() + 1;
        (start, line)
    })
}

impl MysqlSlow {
    fn entry<'a>(&self, record: &'a str, ctx: &TimeContext) -> Result<Event<'a>, ParseError> {
        let err = |reason| ParseError::new(reason, 0);
        // The `# Time:` lines that lead the entry: the last is its own.
        let mut lines = lines_at(record).peekable();
        let mut own_time = None;
        while let Some((_, line)) = lines.next_if(|(_, l)| time_line(l).is_some()) {
            own_time = time_line(line);
        }
        let (_, first) = lines.next().unwrap_or((0, ""));
        let acc = first
            .strip_prefix("# User@Host: ")
            .and_then(account)
            .ok_or(err("expected `# User@Host: user[user] @ host [ip]`"))?;
        let mut fields = Fields::default();
        if !acc.user.is_empty() {
            fields.user = Some(Cow::Borrowed(acc.user));
        }
        set_host(&mut fields, acc.host);
        if !acc.ip.is_empty() {
            fields.client = Some(Cow::Borrowed(acc.ip));
        }
        fields.session = acc.id.map(Cow::Borrowed);
        let mut meta = Meta::default();

        // The `# …` lines, then `use db;`, then `SET …timestamp=…;`, then the statement.
        while let Some((_, line)) = lines
            .next_if(|(_, l)| l.starts_with('#') && !l.starts_with("# administrator command: "))
        {
            read_meta(line, &mut fields, &mut meta);
        }
        if !meta.query_time_seen {
            return Err(err("expected a `# Query_time:` line"));
        }
        let rest: Vec<(usize, &str)> = lines.collect();
        let set_at = rest.iter().position(|(_, l)| set_timestamp(l).is_some());
        let mut stmt_from = match set_at {
            Some(i) => i + 1,
            None => 0,
        };
        for (_, line) in &rest[..set_at.unwrap_or(0)] {
            if let Some(db) = use_db(line) {
                fields.database = Some(Cow::Borrowed(db));
            }
        }
        if set_at.is_none() {
            while let Some(db) = rest.get(stmt_from).and_then(|(_, l)| use_db(l)) {
                fields.database = Some(Cow::Borrowed(db));
                stmt_from += 1;
            }
        }
        let statement = match (rest.get(stmt_from), rest.last()) {
            (Some(&(from, _)), Some(&(last, last_line))) => record
                .get(from..last + last_line.len())
                .unwrap_or("")
                .trim(),
            _ => "",
        };
        let statement = statement.strip_suffix(';').unwrap_or(statement);

        let mut message = statement;
        if let Some(cmd) = statement.strip_prefix("# administrator command: ") {
            message = &statement[2..];
            fields
                .extra
                .push((Cow::Borrowed("command"), Cow::Borrowed(cmd)));
        } else if !statement.is_empty() {
            fields.query = Some(Cow::Borrowed(statement));
        }

        let start = meta.start.and_then(|text| match iso8601(text) {
            Ok(("", parsed)) => Some((text, parsed)),
            _ => None,
        });
        let epoch = set_at
            .and_then(|i| rest.get(i))
            .and_then(|(_, l)| set_timestamp(l));
        let query_time = fields.query_time.unwrap_or(0.0);
        let timestamp = match (start, epoch, own_time) {
            (Some((text, parsed)), _, _) => Some(timestamp(text, parsed, ctx)?),
            (None, Some(text), own) => {
                let parsed =
                    epoch_text(text).ok_or(err("expected epoch seconds in SET timestamp"))?;
                let second = timestamp(text, parsed, ctx)?;
                // The entry's own `# Time:` gives the fraction when it names that second.
                let exact = own.and_then(|line| line.within(&second, query_time, ctx));
                Some(exact.unwrap_or(second))
            }
            (None, None, Some(line)) => Some(line.start(query_time, ctx)?),
            (None, None, None) => None,
        };
        let level = if fields.code.is_some() {
            Level::Error
        } else if meta.killed {
            Level::Warn
        } else {
            Level::Info
        };
        Ok(Event {
            timestamp,
            level,
            message: Cow::Borrowed(message),
            fields,
            ..Event::default()
        })
    }
}

impl Format for MysqlSlow {
    fn name(&self) -> &str {
        "mysql-slow"
    }

    fn aliases(&self) -> &[&str] {
        &["slow-log", "mysql-slow-query", "mariadb-slow"]
    }

    fn description(&self) -> &str {
        "MySQL 5.x-8.x, MariaDB and Percona slow query log, one event per entry"
    }

    fn kind(&self) -> Kind {
        Kind::Database
    }

    fn multiline(&self) -> bool {
        true
    }

    fn is_record_start(&self, line: &str) -> bool {
        line.starts_with("# User@Host: ") || time_line(line).is_some() || is_header_start(line)
    }

    fn is_record_lead(&self, line: &str) -> bool {
        time_line(line).is_some()
    }

    fn parse<'a>(&self, record: &'a str, ctx: &TimeContext) -> Result<Event<'a>, ParseError> {
        let entry = record
            .split('\n')
            .find(|l| time_line(l).is_none())
            .is_some_and(|l| l.starts_with("# User@Host: "));
        if entry {
            return self.entry(record, ctx);
        }
        if let Some(event) = header_event(record, |l| l.starts_with("# Time: ")) {
            return Ok(event);
        }
        // A `# Time:` line with no entry after it: the end of a file still being written.
        let first = record.split('\n').next().unwrap_or(record);
        if let Some(line) = time_line(first) {
            return Ok(Event {
                timestamp: Some(line.written(ctx)?),
                level: Level::Info,
                message: Cow::Borrowed(record.trim_end()),
                ..Event::default()
            });
        }
        Err(ParseError::new(
            "expected a slow log entry (`# User@Host:`) or the log header",
            0,
        ))
    }
}

#[cfg(test)]
mod tests;
