//! The built-in formats, one module each, and the list the registry starts from.
//!
//! To add a format: write `formats/<name>.rs` with a unit struct that
//! implements [`Format`](crate::Format) (see [`generic`] for a small complete
//! one), a table of real lines in `formats/<name>/tests.rs`, and add it to
//! [`builtin`] below — before any more permissive format it could be
//! mistaken for.

use std::sync::Arc;

use crate::format::Format;

pub mod generic;
pub mod go_log;
pub mod json;
pub mod logfmt;
pub mod raw;
pub mod syslog;

/// Every built-in format, most specific first; the generic fallback, then
/// `raw` (which reads nothing and so never wins detection) last.
pub fn builtin() -> Vec<Arc<dyn Format>> {
    vec![
        Arc::new(json::Json),
        Arc::new(logfmt::Logfmt),
        Arc::new(go_log::GoLog),
        Arc::new(syslog::Syslog),
        Arc::new(generic::Generic),
        Arc::new(raw::Raw),
    ]
}
