//! Log writers: one module per tier, one type per server, each spelling the
//! simulation's records ([`crate::records`]) exactly the way that server
//! writes its log.
//!
//! | tier | type | files |
//! | --- | --- | --- |
//! | load balancer | [`lb::Nginx`] | `access.log` (combined + timings, or JSON), `error.log` |
//! | | [`lb::Haproxy`] | `haproxy.log` |
//! | | [`lb::Alb`] | `alb.log` |
//! | app | [`app::Python`] | `app.log`, `gunicorn.log` |
//! | | [`app::Pino`] | `app.json.log` |
//! | | [`app::Slog`] | `app.log` |
//! | database | [`db::Postgres`] | `postgresql.log` or `postgresql.csv` |
//! | | [`db::Mysql`] | `mysql-error.log`, `mysql-general.log` (if on), `mysql-slow.log` |
//! | cache | [`redis::Redis`] | `redis.log` |

pub mod app;
pub mod db;
pub mod lb;
pub mod redis;
#[cfg(test)]
mod testing;

use std::io;

use crate::clock::Time;
use crate::out::LogFile;
use crate::records::{AppRequest, Exchange, Failure, Order, Refusal, Session};
use crate::sql::Stmt;

/// What a load balancer logs.
pub trait LbLog {
    /// The LB starts.
    fn start(&mut self, t: Time) -> io::Result<()>;
    /// One exchange ended.
    fn exchange(&mut self, x: &Exchange) -> io::Result<()>;
    /// An upstream was taken out of (`up = false`) or put into rotation.
    fn server_state(&mut self, t: Time, slot: u32, up: bool, active: u32) -> io::Result<()>;
    /// The LB stops.
    fn stop(&mut self, t: Time) -> io::Result<()>;
    /// Its files.
    fn files(&mut self) -> Vec<&mut LogFile>;
    /// Lets its files write what is older than `t`.
    fn advance(&mut self, t: Time) -> io::Result<()>;
}

/// What the app tier (and its process manager) logs. The process-manager
/// events default to writing nothing, for apps whose logs have no such lines.
pub trait AppLog {
    /// The process manager starts (gunicorn master).
    fn master_start(&mut self, _t: Time, _pid: u32) -> io::Result<()> {
        Ok(())
    }
    /// A worker process is forked / an instance is launched.
    fn worker_boot(&mut self, _t: Time, _pid: u32) -> io::Result<()> {
        Ok(())
    }
    /// The master says where its control socket listens (gunicorn).
    fn control_socket(&mut self, _t: Time) -> io::Result<()> {
        Ok(())
    }
    /// A worker loaded the app and serves.
    fn worker_ready(&mut self, t: Time, pid: u32, slot: u32, version: &str) -> io::Result<()>;
    /// A reload (deploy) signal.
    fn reload(&mut self, _t: Time) -> io::Result<()> {
        Ok(())
    }
    /// A worker was asked to stop.
    fn worker_stopping(&mut self, _t: Time, _pid: u32) -> io::Result<()> {
        Ok(())
    }
    /// A worker exits (or gives up waiting for its requests).
    fn worker_exiting(&mut self, _t: Time, _pid: u32) -> io::Result<()> {
        Ok(())
    }
    /// The master notices a stuck worker.
    fn worker_timeout(&mut self, _t: Time, _pid: u32) -> io::Result<()> {
        Ok(())
    }
    /// The worker is killed.
    fn worker_killed(&mut self, _t: Time, _pid: u32) -> io::Result<()> {
        Ok(())
    }
    /// The process manager is told to stop.
    fn shutdown_start(&mut self, _t: Time) -> io::Result<()> {
        Ok(())
    }
    /// It has stopped.
    fn shutdown_done(&mut self, _t: Time) -> io::Result<()> {
        Ok(())
    }
    /// A request finished; with the error that failed it or the order it made.
    fn request(
        &mut self,
        r: &AppRequest,
        failure: Option<&Failure>,
        order: Option<&Order>,
    ) -> io::Result<()>;
    /// The cache could not be reached.
    fn cache_unavailable(&mut self, t: Time, pid: u32, request_id: &str) -> io::Result<()>;
    /// A schema migration ran.
    fn migration(&mut self, t: Time, pid: u32, stmt: Stmt, duration_us: i64) -> io::Result<()>;
    /// Its files.
    fn files(&mut self) -> Vec<&mut LogFile>;
    /// Lets its files write what is older than `t`.
    fn advance(&mut self, t: Time) -> io::Result<()>;
}

/// What a database server logs.
pub trait DbLog {
    /// The server starts.
    fn startup(&mut self, t: Time) -> io::Result<()>;
    /// A client connects (`received`), authenticates (`authorized`), and is
    /// perhaps refused.
    fn connect(
        &mut self,
        s: &mut Session,
        received: Time,
        authorized: Time,
        refused: Option<Refusal>,
    ) -> io::Result<()>;
    /// A session ends; `abrupt`: the client vanished without saying goodbye.
    fn disconnect(&mut self, s: &mut Session, t: Time, abrupt: bool) -> io::Result<()>;
    /// A statement ran from `start` to `end`.
    fn statement(
        &mut self,
        s: &mut Session,
        stmt: Stmt,
        start: Time,
        end: Time,
        rows: (u64, u64),
    ) -> io::Result<bool>;
    /// A checkpoint writing `buffers` of `shared_buffers`.
    fn checkpoint(&mut self, start: Time, end: Time, buffers: u64, shared: u64) -> io::Result<()>;
    /// The server shuts down.
    fn shutdown(&mut self, t: Time) -> io::Result<()>;
    /// Its files.
    fn files(&mut self) -> Vec<&mut LogFile>;
    /// Lets its files write what is older than `t`.
    fn advance(&mut self, t: Time) -> io::Result<()>;
}

/// Appends a string.
pub(crate) fn s(b: &mut Vec<u8>, text: &str) {
    b.extend_from_slice(text.as_bytes());
}

/// Appends a string escaped for a JSON string body (without quotes).
pub(crate) fn json_escape(b: &mut Vec<u8>, text: &str) {
    for c in text.bytes() {
        match c {
            b'"' => s(b, "\\\""),
            b'\\' => s(b, "\\\\"),
            b'\n' => s(b, "\\n"),
            b'\t' => s(b, "\\t"),
            b'\r' => s(b, "\\r"),
            0..=0x1f => {
                s(b, "\\u00");
                let hex = b"0123456789abcdef";
                b.push(hex[(c >> 4) as usize]);
                b.push(hex[(c & 15) as usize]);
            }
            _ => b.push(c),
        }
    }
}

/// Appends a JSON string (with quotes).
pub(crate) fn json_str(b: &mut Vec<u8>, text: &str) {
    b.push(b'"');
    json_escape(b, text);
    b.push(b'"');
}

/// True for user agents nginx treats as Chrome (error-page padding).
pub(crate) fn is_chrome(ua: &str) -> bool {
    ua.contains("Chrome/") && !ua.contains("Opera")
}
