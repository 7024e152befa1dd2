//! Detection and framing over arbitrary bytes: `looks_binary`,
//! `Registry::detect`, the chosen format over the input, and chunked
//! framing (chunk size and read size taken from the input) against whole
//! framing for every format of `Registry::default()`.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use onset_parsers::framing::looks_binary;
use onset_parsers::Registry;
use onset_parsers_fuzz::{check_chunking, contexts, frame_and_parse};

fn registry() -> &'static Registry {
    static R: OnceLock<Registry> = OnceLock::new();
    R.get_or_init(Registry::default)
}

fuzz_target!(|data: &[u8]| {
    let _ = looks_binary(data);
    for ctx in contexts() {
        if let Some(d) = registry().detect(data, ctx) {
            assert!(d.confidence > 0.0 && d.confidence <= 1.0, "{d:?}");
            frame_and_parse(d.format.as_ref(), data, ctx);
        }
    }
    let (target, step) = match data {
        [a, b, ..] => (1 + usize::from(*a) * 16, 1 + usize::from(*b)),
        _ => (1, 1),
    };
    for format in registry().formats() {
        check_chunking(format.as_ref(), data, target, step);
    }
});
