//! Analysis: pure functions over what the index holds (no I/O here).

pub mod divergence;
pub mod signals;
pub mod template;
