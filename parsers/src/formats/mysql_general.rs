//! The MySQL / MariaDB general query log (`mysql-general`): every
//! connection, disconnection and statement the server received.
//!
//! MySQL 5.7 and 8.0 write the time (ISO 8601, UTC or with an offset) on
//! every line, then a tab, the thread id right-aligned, the command, a tab
//! and its argument:
//!
//! ```text
//! 2026-11-21T05:53:09.123456Z\t   42 Connect\tapp@localhost on shop using TCP/IP
//! 2026-11-21T05:53:09.123789Z\t   42 Query\tSELECT 1
//! 2026-11-21T05:53:09.200000Z\t   42 Quit\t
//! ```
//!
//! MySQL 5.6 and MariaDB write a local `YYMMDD H:MM:SS` time only when the
//! second changed, and two tabs instead on the lines after it; those lines
//! have no time of their own (the ingest gives them their predecessor's):
//!
//! ```text
//! 261121  5:53:09\t    42 Connect\tapp@localhost as anonymous on shop
//! \t\t    42 Query\tSELECT 1
//! ```
//!
//! A line that does not start that way continues the statement before it
//! (a multi-line query). Every event has the thread id as `session` and the
//! command (`Connect`, `Query`, `Quit`, `Init DB`, `Prepare`, `Execute`,
//! `Change user`…) in `extra` as `command`, so connections can be followed
//! from their `Connect` to their `Quit`. `Connect` and `Change user` fill
//! `user`, `host` (and `client` for an address), `database` and the
//! `transport` (`TCP/IP`, `SSL/TLS`, `Socket`). A refused login is a
//! second `Connect` of the same thread (`Connect\tAccess denied for user
//! 'app'@'…'`): a warning with `access=denied`, and no `Quit` follows it —
//! it ends the attempt the first `Connect` began. `Query`,
//! `Prepare` and `Execute` put their statement in `query`, `Init DB` its
//! database in `database`. The message is the command and its argument.
//!
//! The three lines `mysqld` writes each time it opens the log — at the top,
//! and again mid-file after a restart or a reopen —
//!
//! ```text
//! /usr/sbin/mysqld, Version: 8.0.36 (MySQL Community Server - GPL). started with:
//! Tcp port: 3306  Unix socket: /var/run/mysqld/mysqld.sock
//! Time                 Id Command    Argument
//! ```
//!
//! (on Windows `TCP Port: 3306, Named Pipe: MySQL`; MariaDB's column titles
//! are tab-separated) are no entry: they are one informational event with
//! the server's `version` and no time of its own.

use std::borrow::Cow;

use crate::common::timestamp;
use crate::event::{Event, Fields, Kind, Level};
use crate::format::{Format, ParseError};
use crate::time::{iso8601, mysql_short, ParsedTime, TimeContext};

use super::mysql_shared::{access_denied, header_event, is_header_start, set_host};

/// The MySQL / MariaDB general query log.
pub struct MysqlGeneral;

/// The start of an entry: its time (if written), thread id, command, and
/// where the command and the argument begin in the line.
struct Entry<'a> {
    time: Option<(&'a str, ParsedTime)>,
    id: &'a str,
    command: &'a str,
    command_at: usize,
    argument_at: usize,
}

fn entry(line: &str) -> Option<Entry<'_>> {
    let (time, rest) = match line.strip_prefix("\t\t") {
        Some(rest) => (None, rest),
        None => {
            let (rest, parsed) = iso8601(line).or_else(|_| mysql_short(line)).ok()?;
            let text = &line[..line.len() - rest.len()];
            (Some((text, parsed)), rest.strip_prefix('\t')?)
        }
    };
    let rest = rest.trim_start_matches(' ');
    let id_len = rest.bytes().take_while(u8::is_ascii_digit).count();
    if id_len == 0 {
        return None;
    }
    let id = &rest[..id_len];
    let rest = rest[id_len..].strip_prefix(' ')?;
    let command_at = line.len() - rest.len();
    let end = rest.find('\t').unwrap_or(rest.len());
    let command = &rest[..end];
    let shape = command.len() <= 40
        && command
            .bytes()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic())
        && command
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || c == b' ' || c == b'_');
    if !shape {
        return None;
    }
    Some(Entry {
        time,
        id,
        command,
        command_at,
        argument_at: (command_at + end + 1).min(line.len()),
    })
}

/// Reads a `Connect` / `Change user` argument: `app@localhost on shop using
/// TCP/IP` (MySQL 5.7+, MariaDB 10.x), `app@localhost as anonymous on shop`
/// (5.6), or `Access denied for user 'app'@'…' (using password: YES)`.
/// Returns whether the connection was refused.
fn connect<'a>(argument: &'a str, fields: &mut Fields<'a>) -> bool {
    if let Some((user, host)) = access_denied(argument) {
        if !user.is_empty() {
            fields.user = Some(Cow::Borrowed(user));
        }
        set_host(fields, host);
        return true;
    }
    let first = argument.lines().next().unwrap_or("");
    let (account, target) = match first.split_once(" on ") {
        Some((account, target)) => (account, Some(target)),
        None => (first, None),
    };
    let account = account.split_once(" as ").map_or(account, |(a, _)| a);
    if let Some((user, host)) = account.rsplit_once('@') {
        if !user.is_empty() {
            fields.user = Some(Cow::Borrowed(user));
        }
        set_host(fields, host);
    }
    if let Some(target) = target {
        let (db, transport) = match target.split_once("using ") {
            Some((db, transport)) => (db.trim(), Some(transport.trim())),
            None => (target.trim(), None),
        };
        if !db.is_empty() {
            fields.database = Some(Cow::Borrowed(db));
        }
        if let Some(t) = transport.filter(|t| !t.is_empty()) {
            fields
                .extra
                .push((Cow::Borrowed("transport"), Cow::Borrowed(t)));
        }
    }
    false
}

impl Format for MysqlGeneral {
    fn name(&self) -> &str {
        "mysql-general"
    }

    fn aliases(&self) -> &[&str] {
        &["general-log", "mariadb-general"]
    }

    fn description(&self) -> &str {
        "MySQL 5.x-8.x and MariaDB general query log: connects, quits and every statement"
    }

    fn kind(&self) -> Kind {
        Kind::Database
    }

    fn multiline(&self) -> bool {
        true
    }

    fn is_record_start(&self, line: &str) -> bool {
        entry(line).is_some() || is_header_start(line)
    }

    fn parse<'a>(&self, record: &'a str, ctx: &TimeContext) -> Result<Event<'a>, ParseError> {
        let first = record.split('\n').next().unwrap_or(record);
        let Some(e) = entry(first) else {
            return header_event(record, |_| false).ok_or(ParseError::new(
                "expected a general log line: time or two tabs, thread id, command",
                0,
            ));
        };
        let timestamp = match e.time {
            Some((text, parsed)) => Some(timestamp(text, parsed, ctx)?),
            None => None,
        };
        let argument = record.get(e.argument_at..).unwrap_or("").trim();
        let mut fields = Fields {
            session: Some(Cow::Borrowed(e.id)),
            ..Fields::default()
        };
        let mut level = Level::Info;
        let is_connect = matches!(e.command, "Connect" | "Change user");
        if is_connect && connect(argument, &mut fields) {
            level = Level::Warn;
            fields
                .extra
                .push((Cow::Borrowed("access"), Cow::Borrowed("denied")));
        }
        match e.command {
            "Init DB" if !argument.is_empty() => {
                fields.database = Some(Cow::Borrowed(argument));
            }
            "Query" | "Prepare" | "Execute" if !argument.is_empty() => {
                fields.query = Some(Cow::Borrowed(argument));
            }
            _ => {}
        }
        fields
            .extra
            .insert(0, (Cow::Borrowed("command"), Cow::Borrowed(e.command)));
        let message = record.get(e.command_at..).unwrap_or("").trim_end();
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
