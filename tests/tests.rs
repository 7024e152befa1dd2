//! Integration tests: the `onset` binary on the project's own fixtures.
#![allow(clippy::unwrap_used)]

mod util;

mod analyze;
mod export;
mod ingest;
mod regression;
mod tui;
mod user_formats;
