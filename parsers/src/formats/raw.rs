//! The format of last resort: every line is a record, none is understood.
//!
//! Used when detection finds no format that reads a file (or when forced
//! with `--format raw`): each line is kept as an unparsed event with its raw
//! text, counted as unparsed, so nothing is lost and the summary says so.

use crate::event::{Event, Kind};
use crate::format::{Format, ParseError};
use crate::time::TimeContext;

/// Lines kept as they are, unparsed.
pub struct Raw;

impl Format for Raw {
    fn name(&self) -> &str {
        "raw"
    }

    fn description(&self) -> &str {
        "Unrecognized text: every line kept as an unparsed event"
    }

    fn kind(&self) -> Kind {
        Kind::App
    }

    fn parse<'a>(&self, _record: &'a str, _ctx: &TimeContext) -> Result<Event<'a>, ParseError> {
        Err(ParseError::new("no format reads this file", 0))
    }
}

#[cfg(test)]
mod tests {
    use super::Raw;
    use crate::testing::check_table;

    #[test]
    fn every_line_is_one_unparsed_record() {
        check_table(
            &Raw,
            &[
                ("hello", &["UNPARSED | hello"]),
                (
                    "a\nb\n\nc",
                    &["UNPARSED | a", "UNPARSED | b", "UNPARSED | c"],
                ),
                (
                    "2026-11-21 05:53:09 INFO looks like a log",
                    &["UNPARSED | 2026-11-21 05:53:09 INFO looks like a log"],
                ),
            ],
        );
    }
}
