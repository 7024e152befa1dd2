//! Database formats (every `Kind::Database` format).
#![no_main]

use std::sync::{Arc, OnceLock};

use libfuzzer_sys::fuzz_target;
use onset_parsers::event::Kind;
use onset_parsers::Format;
use onset_parsers_fuzz::{exercise, formats_of};

fn formats() -> &'static [Arc<dyn Format>] {
    static F: OnceLock<Vec<Arc<dyn Format>>> = OnceLock::new();
    F.get_or_init(|| formats_of(&[Kind::Database]))
}

fuzz_target!(|data: &[u8]| exercise(formats(), data));
