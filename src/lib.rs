//! onset: a log and timeline correlation engine for outage postmortems.
//!
//! The binary's library: [`ingest`] reads a pile of logs into the on-disk
//! [`index`]; [`analysis`] derives signals and the first divergence from it;
//! [`cli`] is the command line. Parsing lives in the `onset-parsers` crate.

#![forbid(unsafe_code)]

pub mod analysis;
pub mod analyze;
pub mod cli;
pub mod export;
pub mod incident;
pub mod index;
pub mod ingest;
pub mod render;
pub mod text;
pub mod timearg;
pub mod tui;
