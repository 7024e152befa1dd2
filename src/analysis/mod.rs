//! Analysis: pure functions over what the index holds (no I/O here).

pub mod align;
pub mod distinct;
pub mod divergence;
pub mod fine;
pub mod postmortem;
pub mod report;
pub mod signals;
pub mod span;
pub mod template;
