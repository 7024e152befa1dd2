//! [`Span`]: a length of time (or an offset from the start of a run) that
//! reads and writes as a short human string: `"4m"`, `"2.5s"`, `"250ms"`,
//! `"1h30m"`.
//!
//! The simulation counts time in microseconds since the start of the run
//! (`i64`); a `Span` is that count with a friendly serde form, so scenario
//! files stay readable.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A non-negative length of time with microsecond resolution.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
#[serde(try_from = "String", into = "String")]
pub struct Span(i64);

impl Span {
    /// Zero.
    pub const ZERO: Span = Span(0);

    /// From microseconds.
    pub const fn micros(us: i64) -> Span {
        Span(us)
    }

    /// From milliseconds.
    pub const fn millis(ms: i64) -> Span {
        Span(ms * 1_000)
    }

    /// From seconds.
    pub const fn secs(s: i64) -> Span {
        Span(s * 1_000_000)
    }

    /// From minutes.
    pub const fn mins(m: i64) -> Span {
        Span(m * 60_000_000)
    }

    /// From minutes and seconds.
    pub const fn min_sec(m: i64, s: i64) -> Span {
        Span(m * 60_000_000 + s * 1_000_000)
    }

    /// From fractional seconds.
    pub fn from_secs_f64(s: f64) -> Span {
        Span((s * 1e6).round() as i64)
    }

    /// Microseconds.
    pub const fn as_micros(self) -> i64 {
        self.0
    }

    /// Fractional seconds.
    pub fn as_secs_f64(self) -> f64 {
        self.0 as f64 / 1e6
    }
}

impl fmt::Display for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut us = self.0;
        if us == 0 {
            return f.write_str("0s");
        }
        if us < 0 {
            f.write_str("-")?;
            us = -us;
        }
        let h = us / 3_600_000_000;
        let m = us / 60_000_000 % 60;
        let s = us / 1_000_000 % 60;
        let frac = us % 1_000_000;
        if h > 0 {
            write!(f, "{h}h")?;
        }
        if m > 0 {
            write!(f, "{m}m")?;
        }
        if s > 0 || frac > 0 {
            if frac == 0 {
                write!(f, "{s}s")?;
            } else if s == 0 && h == 0 && m == 0 && frac % 1000 == 0 {
                write!(f, "{}ms", frac / 1000)?;
            } else {
                let digits = format!("{frac:06}");
                write!(f, "{s}.{}s", digits.trim_end_matches('0'))?;
            }
        }
        Ok(())
    }
}

/// Why a span did not parse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpanError(String);

impl fmt::Display for SpanError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "invalid duration {:?}: expected e.g. 14m, 2.5s, 250ms, 1h30m",
            self.0
        )
    }
}

impl std::error::Error for SpanError {}

impl FromStr for Span {
    type Err = SpanError;

    fn from_str(text: &str) -> Result<Span, SpanError> {
        let err = || SpanError(text.to_string());
        let s = text.trim();
        if s.is_empty() {
            return Err(err());
        }
        let (neg, mut rest) = match s.strip_prefix('-') {
            Some(r) => (true, r),
            None => (false, s),
        };
        let mut total = 0f64;
        while !rest.is_empty() {
            let num_len = rest
                .find(|c: char| !(c.is_ascii_digit() || c == '.'))
                .unwrap_or(rest.len());
            if num_len == 0 {
                return Err(err());
            }
            let value: f64 = rest[..num_len].parse().map_err(|_| err())?;
            rest = &rest[num_len..];
            let unit_len = rest
                .find(|c: char| c.is_ascii_digit() || c == '.')
                .unwrap_or(rest.len());
            let scale = match &rest[..unit_len] {
                "h" => 3_600e6,
                "m" | "min" => 60e6,
                "s" | "" => 1e6,
                "ms" => 1e3,
                "us" | "µs" => 1.0,
                _ => return Err(err()),
            };
            rest = &rest[unit_len..];
            total += value * scale;
        }
        let us = total.round() as i64;
        Ok(Span(if neg { -us } else { us }))
    }
}

impl TryFrom<String> for Span {
    type Error = SpanError;

    fn try_from(s: String) -> Result<Span, SpanError> {
        s.parse()
    }
}

impl From<Span> for String {
    fn from(s: Span) -> String {
        s.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips() {
        for (text, us) in [
            ("0s", 0),
            ("14m", 840_000_000),
            ("2.5s", 2_500_000),
            ("250ms", 250_000),
            ("1h30m", 5_400_000_000),
            ("3m59.75s", 239_750_000),
            ("-1s", -1_000_000),
        ] {
            let s: Span = text.parse().expect(text);
            assert_eq!(s.as_micros(), us, "{text}");
            assert_eq!(s.to_string(), text);
        }
        assert_eq!("90".parse::<Span>().map(|s| s.as_micros()), Ok(90_000_000));
        assert!("4 weeks".parse::<Span>().is_err());
        assert!("".parse::<Span>().is_err());
    }
}
