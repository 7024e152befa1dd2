//! The MySQL / MariaDB slow query log (`mysql-slow`): one event per entry.
//!
//! ```text
//! # Time: 2026-11-21T05:53:09.123456Z
//! # User@Host: app[app] @ localhost [127.0.0.1]  Id:    42
//! # Query_time: 1.234567  Lock_time: 0.000123 Rows_sent: 1  Rows_examined: 50000
//! use shop;
//! SET timestamp=1763704388;
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
//! formats keep no state — but the server writes `# Time:` only when the
//! second changed since the last entry (always in MySQL 5.7+, not in 5.6
//! and MariaDB), so no single line marks the start of every entry:
//!
//! - starting records at `# Time:` would merge the entries of one second;
//! - starting them at both `# Time:` and `# User@Host:` would make each
//!   `# Time:` line a record, and an event, of its own.
//!
//! So an entry starts at its `# User@Host:` line, which every entry has,
//! and a `# Time:` line is a continuation line: it ends up at the end of the
//! entry *before* the one it dates, where parsing ignores it. The entry's
//! time comes from the `SET timestamp=…;` line every entry has (epoch
//! seconds: exact, zone-free; the query's start in MySQL 8 and MariaDB 10.x,
//! the time it was logged in MySQL 5.x), or from `Start:` when
//! `log_slow_extra` writes it (the same instant, with microseconds). As
//! entries are written when their query ends, these times are not in file
//! order: a long query comes after the short ones that started later. The cost is that an
//! entry's raw text also holds the next entry's `# Time:` line; its fields
//! and message do not. A `# Time:` line with no entry before it (the top
//! of a rotated file) makes a small informational record with that time.
//!
//! The header `mysqld` writes when it opens the log
//! (`/usr/sbin/mysqld, Version: 8.0.36 (…). started with:`, `Tcp port: …`,
//! `Time  Id Command  Argument`) is one informational event. Entries
//! written with `--log-short-format` (no `# User@Host:` line) are not read.

use std::borrow::Cow;

use crate::common::{float, timestamp, uint};
use crate::event::{Event, Fields, Kind, Level, Timestamp};
use crate::format::{Format, ParseError};
use crate::time::{epoch_text, iso8601, mysql_short, TimeContext};

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

/// A `# Time:` line: the text of its timestamp and the time.
fn time_line<'a>(line: &'a str, ctx: &TimeContext) -> Option<Result<Timestamp<'a>, ParseError>> {
    let text = line.strip_prefix("# Time: ")?.trim();
    let (rest, parsed) = iso8601(text).or_else(|_| mysql_short(text)).ok()?;
    if !rest.is_empty() {
        return None;
    }
    Some(timestamp(text, parsed, ctx))
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
        let first = record.split('\n').next().unwrap_or(record);
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
        let mut lines = lines_at(record).skip(1).peekable();
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
        // The next entry's `# Time:` lines close this record: not part of the statement.
        let mut stmt_to = rest.len();
        while stmt_to > stmt_from && rest[stmt_to - 1].1.starts_with("# Time: ") {
            stmt_to -= 1;
        }
        let statement = match (rest.get(stmt_from), rest.get(stmt_to.wrapping_sub(1))) {
            (Some(&(from, _)), Some(&(last, last_line))) if stmt_to > stmt_from => record
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
        let timestamp = match (start, epoch) {
            (Some((text, parsed)), _) => Some(timestamp(text, parsed, ctx)?),
            (None, Some(text)) => {
                let parsed =
                    epoch_text(text).ok_or(err("expected epoch seconds in SET timestamp"))?;
                Some(timestamp(text, parsed, ctx)?)
            }
            (None, None) => None,
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
        line.starts_with("# User@Host: ") || is_header_start(line)
    }

    fn parse<'a>(&self, record: &'a str, ctx: &TimeContext) -> Result<Event<'a>, ParseError> {
        if record.starts_with("# User@Host: ") {
            return self.entry(record, ctx);
        }
        if let Some(event) = header_event(record, |l| l.starts_with("# Time: ")) {
            return Ok(event);
        }
        // A `# Time:` line with no entry before it: the top of a rotated file.
        let first = record.split('\n').next().unwrap_or(record);
        if let Some(ts) = time_line(first, ctx) {
            let ts = ts?;
            return Ok(Event {
                timestamp: Some(ts),
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
