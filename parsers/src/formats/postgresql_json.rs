//! PostgreSQL's jsonlog (`log_destination = 'jsonlog'`, PostgreSQL 15 and later).
//!
//! ```text
//! {"timestamp":"2026-11-21 05:53:10.147 UTC","user":"app","dbname":"shop","pid":16501,"remote_host":"198.51.100.20","remote_port":52694,"session_id":"6b0131c6.4075","line_num":2,"ps":"authentication","session_start":"2026-11-21 05:53:10 UTC","vxid":"3/1","txid":0,"error_severity":"LOG","message":"connection authorized: user=app database=shop application_name=shop-api","application_name":"shop-api","backend_type":"client backend","query_id":0}
//! ```
//!
//! One JSON object per line, with the keys the server writes (`jsonlog.c`):
//! `timestamp`, `user`, `dbname`, `pid`, `remote_host`, `remote_port`,
//! `session_id`, `line_num`, `ps`, `session_start`, `vxid`, `txid`,
//! `error_severity`, `state_code`, `message`, `detail`, `hint`,
//! `internal_query`, `internal_position`, `context`, `statement`,
//! `cursor_position`, `func_name`, `file_name`, `file_line_num`,
//! `application_name`, `backend_type`, `leader_pid`, `query_id`. Keys
//! without a value are left out by the server, and unknown keys are
//! ignored here.
//!
//! It must win detection over a generic JSON-lines format, so it is strict:
//! the object needs `timestamp` in PostgreSQL's shape and an
//! `error_severity` PostgreSQL writes, and it is registered before any
//! generic JSON format (ties go to the earlier one). The message is read
//! for fields by the same function as the stderr log's
//! ([`super::postgresql::message_fields`]).

use std::borrow::Cow;

use serde::{Deserialize, Deserializer};

use crate::common::timestamp;
use crate::event::{Event, Kind};
use crate::format::{Format, ParseError};
use crate::formats::postgresql::{main_level, pg_time, PgRecord};
use crate::time::TimeContext;

/// PostgreSQL's jsonlog.
pub struct PostgresJson;

/// A string that borrows from the line unless it had escapes.
fn text<'de: 'a, 'a, D: Deserializer<'de>>(d: D) -> Result<Option<Cow<'a, str>>, D::Error> {
    #[derive(Deserialize)]
    struct Text<'a>(#[serde(borrow)] Cow<'a, str>);
    Ok(Option::<Text<'a>>::deserialize(d)?.map(|t| t.0))
}

/// One jsonlog line; every key but `timestamp` and `error_severity` may be absent.
#[derive(Deserialize)]
struct JsonLog<'a> {
    timestamp: &'a str,
    #[serde(borrow)]
    error_severity: Cow<'a, str>,
    #[serde(default, borrow, deserialize_with = "text")]
    user: Option<Cow<'a, str>>,
    #[serde(default, borrow, deserialize_with = "text")]
    dbname: Option<Cow<'a, str>>,
    #[serde(default)]
    pid: Option<u32>,
    #[serde(default, borrow, deserialize_with = "text")]
    remote_host: Option<Cow<'a, str>>,
    #[serde(default)]
    remote_port: Option<u32>,
    #[serde(default, borrow, deserialize_with = "text")]
    session_id: Option<Cow<'a, str>>,
    #[serde(default)]
    line_num: Option<u64>,
    #[serde(default, borrow, deserialize_with = "text")]
    ps: Option<Cow<'a, str>>,
    #[serde(default)]
    txid: Option<u64>,
    #[serde(default, borrow, deserialize_with = "text")]
    state_code: Option<Cow<'a, str>>,
    #[serde(default, borrow, deserialize_with = "text")]
    message: Option<Cow<'a, str>>,
    #[serde(default, borrow, deserialize_with = "text")]
    detail: Option<Cow<'a, str>>,
    #[serde(default, borrow, deserialize_with = "text")]
    hint: Option<Cow<'a, str>>,
    #[serde(default, borrow, deserialize_with = "text")]
    internal_query: Option<Cow<'a, str>>,
    #[serde(default, borrow, deserialize_with = "text")]
    context: Option<Cow<'a, str>>,
    #[serde(default, borrow, deserialize_with = "text")]
    statement: Option<Cow<'a, str>>,
    #[serde(default, borrow, deserialize_with = "text")]
    func_name: Option<Cow<'a, str>>,
    #[serde(default, borrow, deserialize_with = "text")]
    file_name: Option<Cow<'a, str>>,
    #[serde(default)]
    file_line_num: Option<u64>,
    #[serde(default, borrow, deserialize_with = "text")]
    application_name: Option<Cow<'a, str>>,
    #[serde(default, borrow, deserialize_with = "text")]
    backend_type: Option<Cow<'a, str>>,
    #[serde(default)]
    leader_pid: Option<u32>,
    #[serde(default)]
    query_id: Option<i64>,
}

/// A number as extra text.
fn number<T: ToString>(n: Option<T>) -> Option<Cow<'static, str>> {
    n.map(|n| Cow::Owned(n.to_string()))
}

impl Format for PostgresJson {
    fn name(&self) -> &str {
        "postgresql-json"
    }

    fn aliases(&self) -> &[&str] {
        &["jsonlog", "postgres-json"]
    }

    fn description(&self) -> &str {
        "PostgreSQL jsonlog (log_destination = 'jsonlog', PostgreSQL 15+)"
    }

    fn kind(&self) -> Kind {
        Kind::Database
    }

    fn parse<'a>(&self, record: &'a str, ctx: &TimeContext) -> Result<Event<'a>, ParseError> {
        if !record.starts_with('{') {
            return Err(ParseError::new("expected a JSON object", 0));
        }
        let log: JsonLog<'a> = serde_json::from_str(record).map_err(|_| {
            ParseError::new(
                "expected a jsonlog object with timestamp and error_severity",
                0,
            )
        })?;
        let (text, time, _) = pg_time(log.timestamp)
            .filter(|(_, _, rest)| rest.is_empty())
            .ok_or(ParseError::new(
                "expected a PostgreSQL timestamp (2026-11-21 05:53:08.246 UTC)",
                0,
            ))?;
        let level = main_level(&log.error_severity).ok_or(ParseError::new(
            "expected a PostgreSQL severity in error_severity",
            0,
        ))?;
        // With `log_error_verbosity = verbose`: `exec_simple_query, postgres.c:1234`, as csvlog writes it.
        let location = match (log.func_name, log.file_name, log.file_line_num) {
            (Some(func), Some(file), Some(line)) => {
                Some(Cow::Owned(format!("{func}, {file}:{line}")))
            }
            (None, Some(file), Some(line)) => Some(Cow::Owned(format!("{file}:{line}"))),
            _ => None,
        };
        let pg = PgRecord {
            pid: log.pid,
            user: log.user,
            database: log.dbname,
            host: log.remote_host,
            port: number(log.remote_port),
            session: log.session_id,
            line_num: number(log.line_num),
            command_tag: log.ps,
            txid: number(log.txid.filter(|&t| t != 0)),
            code: log.state_code,
            detail: log.detail,
            hint: log.hint,
            internal_query: log.internal_query,
            context: log.context,
            query: log.statement,
            location,
            application_name: log.application_name,
            backend_type: log.backend_type,
            leader_pid: number(log.leader_pid),
            query_id: number(log.query_id.filter(|&q| q != 0)),
        };
        let ts = timestamp(text, time, ctx)?;
        Ok(pg.into_event(ts, level, log.message.unwrap_or_default()))
    }
}

#[cfg(test)]
mod tests;
