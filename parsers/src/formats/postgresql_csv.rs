//! PostgreSQL's csvlog (`log_destination = 'csvlog'`): one CSV record per message.
//!
//! ```text
//! 2026-11-21 05:53:10.147 UTC,"app","shop",16501,"198.51.100.20:52694",6571a2c6.4075,3,"authentication",2026-11-21 05:53:10 UTC,3/1,0,LOG,00000,"connection authorized: user=app database=shop application_name=shop-api",,,,,,,,,"","client backend",,0
//! ```
//!
//! The columns, in order: `log_time`, `user_name`, `database_name`,
//! `process_id`, `connection_from` (`host:port` or `[local]`), `session_id`,
//! `session_line_num`, `command_tag`, `session_start_time`,
//! `virtual_transaction_id`, `transaction_id`, `error_severity`,
//! `sql_state_code`, `message`, `detail`, `hint`, `internal_query`,
//! `internal_query_pos`, `context`, `query`, `query_pos`, `location`, then
//! `application_name` (9.0), `backend_type` (13), `leader_pid` and
//! `query_id` (14): 22 to 26 columns depending on the server version.
//!
//! Text columns are quoted with `""` escapes and keep their line breaks, so
//! a record may span lines: a record starts on a line that begins with the
//! `log_time` and a comma. The message is read for fields by the same
//! function as the stderr log's ([`super::postgresql::message_fields`]).

use std::borrow::Cow;

use crate::common::{csv_fields, timestamp};
use crate::event::{Event, Kind};
use crate::format::{Format, ParseError};
use crate::formats::postgresql::{main_level, pg_time, PgRecord};
use crate::time::TimeContext;

/// PostgreSQL's csvlog, versions 8.3 to 17.
pub struct PostgresCsv;

/// The fewest columns a csvlog record has (8.3, 8.4).
const MIN_COLUMNS: usize = 22;
/// The most (14 and later).
const MAX_COLUMNS: usize = 26;

/// Splits `connection_from`: `198.51.100.20:52694` → host and port,
/// `2001:db8::17:40112` → the IPv6 host and port (the port is always
/// written for TCP), `[local]` → host only.
fn host_and_port(s: &str) -> (&str, Option<&str>) {
    match s.rsplit_once(':') {
        Some((host, port))
            if !host.is_empty() && !port.is_empty() && port.bytes().all(|c| c.is_ascii_digit()) =>
        {
            (host, Some(port))
        }
        _ => (s, None),
    }
}

impl Format for PostgresCsv {
    fn name(&self) -> &str {
        "postgresql-csv"
    }

    fn aliases(&self) -> &[&str] {
        &["csvlog", "postgres-csv"]
    }

    fn description(&self) -> &str {
        "PostgreSQL csvlog (log_destination = 'csvlog'), 22 to 26 columns"
    }

    fn kind(&self) -> Kind {
        Kind::Database
    }

    fn multiline(&self) -> bool {
        true
    }

    fn is_record_start(&self, line: &str) -> bool {
        pg_time(line).is_some_and(|(_, _, rest)| rest.starts_with(','))
    }

    fn parse<'a>(&self, record: &'a str, ctx: &TimeContext) -> Result<Event<'a>, ParseError> {
        let (text, time, rest) = pg_time(record).ok_or(ParseError::new(
            "expected a PostgreSQL log_time (2026-11-21 05:53:08.246 UTC)",
            0,
        ))?;
        if !rest.starts_with(',') {
            return Err(ParseError::new(
                "expected a comma after log_time",
                text.len(),
            ));
        }
        let mut cols: [Cow<'a, str>; MAX_COLUMNS] = Default::default();
        let mut n = 0;
        for field in csv_fields(record) {
            let field = field.map_err(|at| ParseError::new("expected well-formed CSV", at))?;
            let slot = cols.get_mut(n).ok_or(ParseError::new(
                "expected at most 26 csvlog columns",
                record.len(),
            ))?;
            *slot = field;
            n += 1;
        }
        if n < MIN_COLUMNS {
            return Err(ParseError::new(
                "expected at least 22 csvlog columns",
                record.len(),
            ));
        }
        let mut col = |i: usize| {
            cols.get_mut(i)
                .map(std::mem::take)
                .filter(|c: &Cow<'a, str>| !c.is_empty())
        };
        let level = col(11)
            .as_deref()
            .and_then(main_level)
            .ok_or(ParseError::new("expected a severity in error_severity", 0))?;
        let line_num = col(6);
        if !line_num
            .as_deref()
            .is_some_and(|l| l.bytes().all(|c| c.is_ascii_digit()))
        {
            return Err(ParseError::new("expected a session_line_num", 0));
        }
        let pid = match col(3) {
            None => None,
            Some(p) => Some(
                p.parse()
                    .map_err(|_| ParseError::new("expected a process_id", 0))?,
            ),
        };
        let (host, port) = match col(4) {
            Some(Cow::Borrowed(from)) => {
                let (h, p) = host_and_port(from);
                (Some(Cow::Borrowed(h)), p.map(Cow::Borrowed))
            }
            Some(Cow::Owned(from)) => {
                let (h, p) = host_and_port(&from);
                (
                    Some(Cow::Owned(h.to_owned())),
                    p.map(|p| Cow::Owned(p.to_owned())),
                )
            }
            None => (None, None),
        };
        let pg = PgRecord {
            pid,
            user: col(1),
            database: col(2),
            host,
            port,
            session: col(5),
            line_num,
            command_tag: col(7),
            txid: col(10),
            code: col(12),
            detail: col(14),
            hint: col(15),
            internal_query: col(16),
            context: col(18),
            query: col(19),
            location: col(21),
            application_name: col(22),
            backend_type: col(23),
            leader_pid: col(24),
            query_id: col(25),
        };
        let message = col(13).unwrap_or_default();
        let ts = timestamp(text, time, ctx)?;
        Ok(pg.into_event(ts, level, message))
    }
}

#[cfg(test)]
mod tests;
