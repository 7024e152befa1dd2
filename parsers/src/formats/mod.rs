//! The built-in formats, one module each, and the list the registry starts from.
//!
//! To add a format: write `formats/<name>.rs` with a unit struct that
//! implements [`Format`](crate::Format) (see [`generic`] for a small complete
//! one), a table of real lines in `formats/<name>/tests.rs`, and add it to
//! [`builtin`] below — before any more permissive format it could be
//! mistaken for.

use std::sync::Arc;

use crate::format::Format;

pub mod apache_error;
pub mod aws_alb;
pub mod generic;
pub mod go_log;
pub mod gunicorn;
pub mod haproxy;
pub mod java;
pub mod json;
pub mod logfmt;
pub mod mysql_error;
pub mod mysql_general;
pub(crate) mod mysql_shared;
pub mod mysql_slow;
pub mod nginx_access;
pub mod nginx_error;
pub mod postgresql;
pub mod postgresql_csv;
pub mod postgresql_json;
pub mod python;
pub mod raw;
pub mod syslog;

/// Every built-in format, most specific first; the generic fallback, then
/// `raw` (which reads nothing and so never wins detection) last.
pub fn builtin() -> Vec<Arc<dyn Format>> {
    vec![
        Arc::new(nginx_access::NginxAccess),
        Arc::new(nginx_error::NginxError),
        Arc::new(apache_error::ApacheError),
        Arc::new(haproxy::Haproxy),
        Arc::new(aws_alb::AwsAlb),
        Arc::new(postgresql::PostgresStderr),
        Arc::new(postgresql_csv::PostgresCsv),
        Arc::new(postgresql_json::PostgresJson),
        Arc::new(mysql_error::MysqlError),
        Arc::new(mysql_slow::MysqlSlow),
        Arc::new(mysql_general::MysqlGeneral),
        Arc::new(gunicorn::Gunicorn),
        Arc::new(python::Python),
        Arc::new(java::Java),
        Arc::new(json::Json),
        Arc::new(logfmt::Logfmt),
        Arc::new(go_log::GoLog),
        Arc::new(syslog::Syslog),
        Arc::new(generic::Generic),
        Arc::new(raw::Raw),
    ]
}
