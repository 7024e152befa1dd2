//! `onset-parsers`: read the logs of every tier of a web stack into one event model.
//!
//! This crate turns log text into [`Event`]s: a UTC timestamp (with the
//! original text and what had to be assumed to get it), a normalized
//! [`Level`], a message, typed [`Fields`] (status, durations, client,
//! request id, pid, user, database, query…) and [`Provenance`] (file, line,
//! byte offset, raw text). It knows nothing of indexes or terminals.
//!
//! - [`Format`] is one way a log is written; [`Registry`] lists them all
//!   (built-in ones from [`formats`], user-defined ones from TOML via [`user`])
//!   and detects which one a file is in.
//! - [`framing`] cuts bytes into records — multi-line ones included — once
//!   for every format, and into chunks for parallel parsing.
//! - [`time`] reads timestamps and resolves zones, DST and missing years.
//!
//! ```
//! use onset_parsers::{framing::Framer, parse_record, Registry, TimeContext};
//!
//! let log = b"2026-11-21 05:53:09.463 UTC [16488] LOG:  database system is ready\n";
//! let registry = Registry::default();
//! let ctx = TimeContext::default();
//! let detection = registry.detect(log, &ctx).expect("a format reads it");
//! let format = detection.format.as_ref();
//! for record in Framer::new(log, format, 1, 0) {
//!     let event = parse_record(format, &record, &ctx, None);
//!     assert!(!event.unparsed);
//! }
//! ```
#![warn(missing_docs)]
#![forbid(unsafe_code)]

pub mod common;
pub mod event;
pub mod format;
pub mod formats;
pub mod framing;
pub mod time;
pub mod user;

pub use event::{Event, Fields, Kind, Level, Provenance, TimeFlags, Timestamp};
pub use format::{parse_record, Detection, Format, ParseError, Registry};
pub use time::TimeContext;

#[cfg(test)]
pub(crate) mod testing;
