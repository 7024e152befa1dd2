//! One test per fixed bug, named after it (as ripgrep's `tests/regression.rs`).
//! Each says what went wrong and asserts the exact behaviour that is now right.

use crate::util::Scratch;

#[allow(dead_code)]
fn _scratch() -> Scratch {
    Scratch::new()
}
