//! The run's clock: turns simulation time (microseconds since the start of
//! the run) into the timestamp shapes the real servers write.
//!
//! Every tier shares one clock. Zone-less shapes (Python's `asctime`, the
//! nginx error log, syslog headers, MariaDB) are wall-clock time in the run's
//! zone; offset-bearing shapes (`$time_local`, gunicorn's `%z`, RFC 3339 with
//! an offset) carry that zone's offset; PostgreSQL's `%m` carries the zone's
//! abbreviation; ALB logs and epoch times are zone-independent. Conversions
//! are cached per second, so formatting a timestamp is a few digit writes.

use chrono::{DateTime, Datelike, Offset, TimeZone, Timelike, Utc};
use chrono_tz::{OffsetName, Tz};

/// Simulation time: microseconds since the start of the run.
pub type Time = i64;

/// Month abbreviations as C locales print them.
pub const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// Calendar fields of one second in one zone.
#[derive(Debug, Clone, Default)]
pub struct Parts {
    /// Unix seconds this describes.
    pub unix: i64,
    /// Year.
    pub year: i32,
    /// Month, 1-12.
    pub month: u32,
    /// Day of month.
    pub day: u32,
    /// Hour.
    pub hour: u32,
    /// Minute.
    pub min: u32,
    /// Second.
    pub sec: u32,
    /// Offset east of UTC in seconds.
    pub offset: i32,
    /// Zone abbreviation (`UTC`, `CST`, `JST`, `CET`, or `+04` style).
    pub abbrev: String,
}

/// Converts simulation time to calendar fields in one zone, with a cache.
#[derive(Debug, Clone)]
pub struct Clock {
    tz: Tz,
    start_us: i64,
    local: Parts,
    utc: Parts,
}

impl Clock {
    /// A clock for a run starting at `start` and writing wall time in `tz`.
    pub fn new(start: DateTime<Utc>, tz: Tz) -> Clock {
        let start_us = start.timestamp_micros();
        Clock {
            tz,
            start_us,
            local: Parts {
                unix: i64::MIN,
                ..Parts::default()
            },
            utc: Parts {
                unix: i64::MIN,
                ..Parts::default()
            },
        }
    }

    /// Unix microseconds of simulation time `t`.
    pub fn unix_us(&self, t: Time) -> i64 {
        self.start_us + t
    }

    /// Unix microseconds of the run start.
    pub fn start_unix_us(&self) -> i64 {
        self.start_us
    }

    /// The zone.
    pub fn tz(&self) -> Tz {
        self.tz
    }

    /// Sub-second microseconds of `t`.
    pub fn micros(&self, t: Time) -> u32 {
        self.unix_us(t).rem_euclid(1_000_000) as u32
    }

    /// Local calendar fields of the second containing `t`.
    pub fn local(&mut self, t: Time) -> &Parts {
        let unix = self.unix_us(t).div_euclid(1_000_000);
        if self.local.unix != unix {
            let utc = Utc.timestamp_opt(unix, 0).single().unwrap_or_default();
            let dt = utc.with_timezone(&self.tz);
            let off = dt.offset();
            self.local = Parts {
                unix,
                year: dt.year(),
                month: dt.month(),
                day: dt.day(),
                hour: dt.hour(),
                min: dt.minute(),
                sec: dt.second(),
                offset: off.fix().local_minus_utc(),
                abbrev: off.abbreviation().unwrap_or("UTC").to_string(),
            };
        }
        &self.local
    }

    /// UTC calendar fields of the second containing `t`.
    pub fn utc(&mut self, t: Time) -> &Parts {
        let unix = self.unix_us(t).div_euclid(1_000_000);
        if self.utc.unix != unix {
            let dt = Utc.timestamp_opt(unix, 0).single().unwrap_or_default();
            self.utc = Parts {
                unix,
                year: dt.year(),
                month: dt.month(),
                day: dt.day(),
                hour: dt.hour(),
                min: dt.minute(),
                sec: dt.second(),
                offset: 0,
                abbrev: "UTC".to_string(),
            };
        }
        &self.utc
    }
}

/// Appends `n` in decimal.
pub fn num(b: &mut Vec<u8>, n: u64) {
    let mut tmp = [0u8; 20];
    let mut i = tmp.len();
    let mut n = n;
    loop {
        i -= 1;
        tmp[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    b.extend_from_slice(&tmp[i..]);
}

/// Appends a signed integer.
pub fn int(b: &mut Vec<u8>, n: i64) {
    if n < 0 {
        b.push(b'-');
    }
    num(b, n.unsigned_abs());
}

/// Appends `n` zero-padded to `width` digits.
pub fn pad(b: &mut Vec<u8>, n: u64, width: usize) {
    let mut tmp = [b'0'; 20];
    let mut i = tmp.len();
    let mut n = n;
    while n > 0 || tmp.len() - i < width {
        i -= 1;
        tmp[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if i == 0 {
            break;
        }
    }
    b.extend_from_slice(&tmp[i..]);
}

/// Appends `n` right-aligned with spaces to `width`.
pub fn space_pad(b: &mut Vec<u8>, n: u64, width: usize) {
    let mut digits = Vec::with_capacity(20);
    num(&mut digits, n);
    for _ in digits.len()..width {
        b.push(b' ');
    }
    b.extend_from_slice(&digits);
}

/// Appends a duration given in microseconds as seconds with `digits`
/// decimals (rounded half up), e.g. `secs(b, 3_006_400, 3)` → `3.006`.
pub fn secs(b: &mut Vec<u8>, us: i64, digits: u32) {
    let neg = us < 0;
    let us = us.unsigned_abs();
    let unit = 10u64.pow(6 - digits);
    let scaled = (us + unit / 2) / unit;
    let div = 10u64.pow(digits);
    if neg {
        b.push(b'-');
    }
    num(b, scaled / div);
    if digits > 0 {
        b.push(b'.');
        pad(b, scaled % div, digits as usize);
    }
}

/// Appends a duration given in microseconds as milliseconds with `digits`
/// decimals, e.g. `millis(b, 3_005_140, 1)` → `3005.1`.
pub fn millis(b: &mut Vec<u8>, us: i64, digits: u32) {
    let us = us.max(0) as u64;
    let unit = 10u64.pow(3 - digits);
    let scaled = (us + unit / 2) / unit;
    let div = 10u64.pow(digits);
    num(b, scaled / div);
    if digits > 0 {
        b.push(b'.');
        pad(b, scaled % div, digits as usize);
    }
}

/// Appends the fraction of a second: `digits` (1-6) leading digits of `micros`.
pub fn frac(b: &mut Vec<u8>, micros: u32, digits: u32) {
    pad(
        b,
        u64::from(micros) / 10u64.pow(6 - digits),
        digits as usize,
    );
}

/// Appends `YYYY-MM-DD`.
pub fn date_dashes(b: &mut Vec<u8>, p: &Parts) {
    pad(b, p.year as u64, 4);
    b.push(b'-');
    pad(b, u64::from(p.month), 2);
    b.push(b'-');
    pad(b, u64::from(p.day), 2);
}

/// Appends `HH:MM:SS`.
pub fn time_colons(b: &mut Vec<u8>, p: &Parts) {
    pad(b, u64::from(p.hour), 2);
    b.push(b':');
    pad(b, u64::from(p.min), 2);
    b.push(b':');
    pad(b, u64::from(p.sec), 2);
}

/// Appends an offset as `+HHMM` (`colon = false`) or `+HH:MM`.
pub fn offset(b: &mut Vec<u8>, seconds: i32, colon: bool) {
    b.push(if seconds < 0 { b'-' } else { b'+' });
    let s = seconds.unsigned_abs();
    pad(b, u64::from(s / 3600), 2);
    if colon {
        b.push(b':');
    }
    pad(b, u64::from(s / 60 % 60), 2);
}

/// Appends an RFC 3339 offset: `Z` for UTC when `z_for_utc`, else `+HH:MM`.
pub fn rfc3339_offset(b: &mut Vec<u8>, seconds: i32, z_for_utc: bool) {
    if seconds == 0 && z_for_utc {
        b.push(b'Z');
    } else {
        offset(b, seconds, true);
    }
}

/// `YYYY-MM-DDTHH:MM:SS.ffffff` + offset in local time (`digits` decimals).
pub fn iso_local(b: &mut Vec<u8>, c: &mut Clock, t: Time, digits: u32, z_for_utc: bool) {
    let micros = c.micros(t);
    let p = c.local(t);
    date_dashes(b, p);
    b.push(b'T');
    time_colons(b, p);
    if digits > 0 {
        b.push(b'.');
        frac(b, micros, digits);
    }
    let off = p.offset;
    rfc3339_offset(b, off, z_for_utc);
}

/// `YYYY-MM-DDTHH:MM:SS.ffffffZ` in UTC.
pub fn iso_utc(b: &mut Vec<u8>, c: &mut Clock, t: Time, digits: u32) {
    let micros = c.micros(t);
    let p = c.utc(t);
    date_dashes(b, p);
    b.push(b'T');
    time_colons(b, p);
    if digits > 0 {
        b.push(b'.');
        frac(b, micros, digits);
    }
    b.push(b'Z');
}

/// `YYMMDD H:MM:SS` (MySQL 5.x / MariaDB general and slow logs).
pub fn mysql_short(b: &mut Vec<u8>, c: &mut Clock, t: Time) {
    let p = c.local(t);
    pad(b, (p.year % 100) as u64, 2);
    pad(b, u64::from(p.month), 2);
    pad(b, u64::from(p.day), 2);
    b.push(b' ');
    space_pad(b, u64::from(p.hour), 2);
    b.push(b':');
    pad(b, u64::from(p.min), 2);
    b.push(b':');
    pad(b, u64::from(p.sec), 2);
}

/// Formats unix microseconds as RFC 3339 UTC with milliseconds (ground truth).
pub fn rfc3339_ms(unix_us: i64) -> String {
    let dt = Utc
        .timestamp_micros(unix_us.div_euclid(1000) * 1000)
        .single()
        .unwrap_or_default();
    dt.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn clock(zone: &str) -> Clock {
        let start = Utc
            .with_ymd_and_hms(2026, 11, 21, 5, 53, 8)
            .single()
            .unwrap_or_default();
        Clock::new(start, zone.parse().unwrap_or(Tz::UTC))
    }

    #[test]
    fn numbers() {
        let mut b = Vec::new();
        num(&mut b, 0);
        b.push(b' ');
        pad(&mut b, 7, 3);
        b.push(b' ');
        secs(&mut b, 3_006_400, 3);
        b.push(b' ');
        secs(&mut b, 9_999_996, 3);
        b.push(b' ');
        millis(&mut b, 3_005_140, 1);
        b.push(b' ');
        space_pad(&mut b, 42, 6);
        b.push(b' ');
        int(&mut b, -1);
        assert_eq!(
            String::from_utf8_lossy(&b),
            "0 007 3.006 10.000 3005.1     42 -1"
        );
    }

    #[test]
    fn zones() {
        let mut c = clock("America/Chicago");
        let mut b = Vec::new();
        iso_local(&mut b, &mut c, 1_234_567, 3, true);
        assert_eq!(String::from_utf8_lossy(&b), "2026-11-20T23:53:09.234-06:00");
        assert_eq!(c.local(0).abbrev, "CST");
        let mut b = Vec::new();
        iso_utc(&mut b, &mut c, 1_234_567, 6);
        assert_eq!(String::from_utf8_lossy(&b), "2026-11-21T05:53:09.234567Z");
        let mut t = clock("Asia/Tokyo");
        assert_eq!(t.local(0).abbrev, "JST");
        assert_eq!(t.local(0).offset, 9 * 3600);
        assert_eq!(rfc3339_ms(c.unix_us(1_234_567)), "2026-11-21T05:53:09.234Z");
    }
}
