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
pub mod postgresql;
pub mod postgresql_csv;
pub mod postgresql_json;
pub mod raw;

/// Every built-in format, most specific first; the generic fallback, then
/// `raw` (which reads nothing and so never wins detection) last.
pub fn builtin() -> Vec<Arc<dyn Format>> {
    vec![
        Arc::new(postgresql::PostgresStderr),
        Arc::new(postgresql_csv::PostgresCsv),
        // Before any generic JSON-lines format: on a tie the earlier one wins.
        Arc::new(postgresql_json::PostgresJson),
        Arc::new(generic::Generic),
        Arc::new(raw::Raw),
    ]
}
