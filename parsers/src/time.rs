//! Timestamps: the hand-written readers for the shapes logs write, and the
//! one place where a time without zone or year becomes a UTC instant.
//!
//! A format reads its timestamp text into a [`ParsedTime`] (the wall-clock
//! fields plus what the text said about the zone) and hands it to
//! [`TimeContext::resolve`], which applies the source's zone, resolves DST
//! gaps and overlaps, infers a missing year, and says with [`TimeFlags`] what
//! it had to assume. Epoch and offset-bearing timestamps ignore the zone.
//!
//! The readers work on bytes with fixed-width digit parsing — they sit on
//! the hot path of every format — and have the nom signature
//! `fn(&str) -> IResult<&str, ParsedTime>` so formats compose them.

use chrono::{
    DateTime, Datelike, Duration, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, Offset,
    TimeZone, Utc,
};
use chrono_tz::Tz;
use nom::error::{Error, ErrorKind};
use nom::IResult;

use crate::event::TimeFlags;

/// What the timestamp text said about its zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ZoneSpec {
    /// A fixed offset east of UTC, in seconds (`Z`, `+0000`, `-05:00`, `UTC`, `CET`).
    Offset(i32),
    /// No zone at all: use the source's zone.
    Local,
    /// A full IANA zone name (`Europe/Berlin`): its own rules apply.
    Named(Tz),
    /// A zone abbreviation the table does not know: use the source's zone and flag it.
    Unrecognized,
}

/// A timestamp as read from the text, before zone and year are applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParsedTime {
    /// Wall-clock date and time as written (or the UTC instant for epochs).
    pub naive: NaiveDateTime,
    /// Zone information in the text.
    pub zone: ZoneSpec,
    /// The year was missing (syslog `Nov 21 …`) or two-digit: infer it.
    pub year_missing: bool,
}

impl ParsedTime {
    /// A UTC instant (epoch timestamps).
    pub fn utc(naive: NaiveDateTime) -> ParsedTime {
        ParsedTime {
            naive,
            zone: ZoneSpec::Offset(0),
            year_missing: false,
        }
    }
}

/// How zone-less and year-less timestamps of one source are read.
#[derive(Debug, Clone)]
pub struct TimeContext {
    /// The zone of zone-less timestamps (IANA, e.g. `America/Chicago`).
    pub zone: Tz,
    /// An instant shortly after the log was written (the file's modification
    /// time, else now): a year-less timestamp gets the latest year that does
    /// not put it after this instant (plus a day of slack).
    pub reference: DateTime<Utc>,
}

impl Default for TimeContext {
    fn default() -> Self {
        TimeContext {
            zone: chrono_tz::UTC,
            reference: Utc::now(),
        }
    }
}

impl TimeContext {
    /// A context for zone-less timestamps in `zone`, years inferred against now.
    pub fn in_zone(zone: Tz) -> TimeContext {
        TimeContext {
            zone,
            ..TimeContext::default()
        }
    }

    /// Turns a parsed timestamp into a UTC instant, with flags saying what was assumed.
    /// Never panics: impossible local times (DST gaps) move forward, ambiguous
    /// ones take the earlier instant.
    pub fn resolve(&self, t: ParsedTime) -> Option<(DateTime<Utc>, TimeFlags)> {
        let mut flags = TimeFlags::empty();
        let mut naive = t.naive;
        if t.year_missing {
            flags |= TimeFlags::YEAR_INFERRED;
            naive = self.infer_year(naive)?;
        }
        match t.zone {
            ZoneSpec::Offset(secs) => {
                let utc = naive.checked_sub_signed(Duration::seconds(i64::from(secs)))?;
                Some((Utc.from_utc_datetime(&utc), flags))
            }
            ZoneSpec::Named(tz) => {
                let (utc, dst) = local_to_utc(&tz, naive)?;
                Some((utc, flags | dst))
            }
            ZoneSpec::Local | ZoneSpec::Unrecognized => {
                flags |= if t.zone == ZoneSpec::Local {
                    TimeFlags::ZONE_ASSUMED
                } else {
                    TimeFlags::ZONE_UNRECOGNIZED
                };
                let (utc, dst) = local_to_utc(&self.zone, naive)?;
                Some((utc, flags | dst))
            }
        }
    }

    /// Dates a time of day that was written without any date (logback's and
    /// log4j2's default `%d{HH:mm:ss.SSS}`): it gets the latest date, in the
    /// source's zone, that puts it no later than [`TIME_OF_DAY_SLACK`] after
    /// the reference (a line is written before its file's modification
    /// time). Flagged `ZONE_ASSUMED` and `YEAR_INFERRED` — there is no
    /// separate flag for an inferred day: the whole date, year included, was
    /// taken from the reference. So a time-only log is placed within the day
    /// before its reference; one that spans several days folds onto that day.
    pub fn resolve_time_of_day(&self, time: NaiveTime) -> Option<(DateTime<Utc>, TimeFlags)> {
        let local_ref = self.reference.with_timezone(&self.zone).naive_local();
        let limit = local_ref.checked_add_signed(TIME_OF_DAY_SLACK)?;
        let mut naive = local_ref.date().and_time(time);
        if naive > limit {
            naive = naive.checked_sub_signed(Duration::days(1))?;
        }
        let (utc, dst) = local_to_utc(&self.zone, naive)?;
        Some((
            utc,
            TimeFlags::ZONE_ASSUMED | TimeFlags::YEAR_INFERRED | dst,
        ))
    }

    /// Gives a year-less wall-clock time the latest year that keeps it no
    /// later than a day after the reference.
    fn infer_year(&self, naive: NaiveDateTime) -> Option<NaiveDateTime> {
        let limit = self.reference.naive_utc() + Duration::days(1);
        let mut year = self.reference.year();
        for _ in 0..8 {
            // Feb 29 exists only in leap years: step back until it does.
            if let Some(d) = NaiveDate::from_ymd_opt(year, naive.month(), naive.day()) {
                let candidate = d.and_time(naive.time());
                if candidate <= limit {
                    return Some(candidate);
                }
            }
            year -= 1;
        }
        None
    }
}

/// How far after the reference a time of day may fall and still be dated on
/// the reference's day (clock skew, a reference taken just before the last write).
pub const TIME_OF_DAY_SLACK: Duration = Duration::minutes(5);

/// Reads a wall-clock time in `zone`, resolving DST gaps and overlaps.
pub fn local_to_utc(zone: &Tz, naive: NaiveDateTime) -> Option<(DateTime<Utc>, TimeFlags)> {
    match zone.from_local_datetime(&naive) {
        LocalResult::Single(t) => Some((t.with_timezone(&Utc), TimeFlags::empty())),
        LocalResult::Ambiguous(early, _) => {
            Some((early.with_timezone(&Utc), TimeFlags::DST_AMBIGUOUS))
        }
        LocalResult::None => {
            // In a gap: the clock jumped over this time. Read it with the
            // offset in force before the jump, which moves it forward by the
            // length of the gap (02:30 in a 02:00→03:00 gap becomes 03:30),
            // so it lands after the jump and order with its neighbours holds.
            for minutes in [30i64, 60, 90, 120, 180] {
                let earlier = naive.checked_sub_signed(Duration::minutes(minutes))?;
                if let LocalResult::Single(t) | LocalResult::Ambiguous(_, t) =
                    zone.from_local_datetime(&earlier)
                {
                    let offset = i64::from(t.offset().fix().local_minus_utc());
                    let utc = naive.checked_sub_signed(Duration::seconds(offset))?;
                    return Some((Utc.from_utc_datetime(&utc), TimeFlags::DST_GAP));
                }
            }
            None
        }
    }
}

// ---------------------------------------------------------------------------
// Byte-level helpers.

fn fail<T>(i: &str) -> IResult<&str, T> {
    Err(nom::Err::Error(Error::new(i, ErrorKind::Verify)))
}

#[inline]
fn digit(b: u8) -> Option<u32> {
    b.is_ascii_digit().then(|| u32::from(b - b'0'))
}

/// Reads exactly `n` ASCII digits at the start of `b`.
#[inline]
pub(crate) fn fixed_digits(b: &[u8], n: usize) -> Option<u32> {
    if b.len() < n {
        return None;
    }
    let mut v = 0u32;
    for &c in &b[..n] {
        v = v * 10 + digit(c)?;
    }
    Some(v)
}

/// Reads 1 or 2 digits (hours like ` 5:57:09`), returning value and length.
#[inline]
fn one_or_two_digits(b: &[u8]) -> Option<(u32, usize)> {
    let first = digit(*b.first()?)?;
    match b.get(1).and_then(|&c| digit(c)) {
        Some(second) => Some((first * 10 + second, 2)),
        None => Some((first, 1)),
    }
}

/// Parses `HH:MM:SS` then an optional `.fff`/`,fff` fraction (up to 9 digits
/// kept; more are read and dropped). Returns the time and bytes consumed.
fn hms_frac(b: &[u8]) -> Option<(NaiveTime, usize)> {
    let (h, hl) = one_or_two_digits(b)?;
    let b2 = &b[hl..];
    if b2.len() < 6 || b2[0] != b':' || b2[3] != b':' {
        return None;
    }
    let m = fixed_digits(&b2[1..], 2)?;
    let s = fixed_digits(&b2[4..], 2)?;
    let mut used = hl + 6;
    let mut nanos = 0u32;
    if let Some(&sep) = b.get(used) {
        if (sep == b'.' || sep == b',') && b.get(used + 1).is_some_and(u8::is_ascii_digit) {
            used += 1;
            let mut count = 0;
            while let Some(d) = b.get(used).and_then(|&c| digit(c)) {
                if count < 9 {
                    nanos = nanos * 10 + d;
                    count += 1;
                }
                used += 1;
            }
            nanos *= 10u32.pow(9 - count);
        }
    }
    // A leap second (:60) is folded into the last nanosecond of :59.
    let t = if s == 60 {
        NaiveTime::from_hms_nano_opt(h, m, 59, 999_999_999)?
    } else {
        NaiveTime::from_hms_nano_opt(h, m, s, nanos)?
    };
    Some((t, used))
}

/// Parses a numeric offset `Z`, `+HH:MM`, `+HHMM`, `+HH` at the start of `b`.
fn numeric_offset(b: &[u8]) -> Option<(i32, usize)> {
    match b.first()? {
        b'Z' | b'z' => Some((0, 1)),
        &sign @ (b'+' | b'-') => {
            let h = fixed_digits(&b[1..], 2)?;
            let (m, used) = if b.get(3) == Some(&b':') {
                (fixed_digits(&b[4..], 2)?, 6)
            } else if let Some(m) = fixed_digits(&b[3..], 2) {
                (m, 5)
            } else {
                (0, 3)
            };
            if h > 23 || m > 59 {
                return None;
            }
            let secs = (h * 3600 + m * 60) as i32;
            Some((if sign == b'-' { -secs } else { secs }, used))
        }
        _ => None,
    }
}

const MONTHS: [&[u8; 3]; 12] = [
    b"jan", b"feb", b"mar", b"apr", b"may", b"jun", b"jul", b"aug", b"sep", b"oct", b"nov", b"dec",
];

/// Reads a three-letter English month abbreviation (any case).
#[inline]
pub(crate) fn month_abbrev(b: &[u8]) -> Option<u32> {
    if b.len() < 3 {
        return None;
    }
    let lower = [
        b[0].to_ascii_lowercase(),
        b[1].to_ascii_lowercase(),
        b[2].to_ascii_lowercase(),
    ];
    MONTHS
        .iter()
        .position(|m| **m == lower)
        .map(|p| p as u32 + 1)
}

/// Offsets of the zone abbreviations servers print (PostgreSQL `%t`/`%m`,
/// MySQL, Java `%d{z}`). Ambiguous ones (IST, CST as China) take the most
/// common meaning in server logs; an unknown one falls back to the source's zone.
pub fn zone_abbreviation(name: &str) -> Option<i32> {
    const H: i32 = 3600;
    Some(match name {
        "UTC" | "GMT" | "Z" | "UT" | "WET" | "Etc/UTC" | "Etc/GMT" => 0,
        "BST" | "CET" | "WEST" | "MET" => H,
        "CEST" | "EET" | "MEST" | "SAST" => 2 * H,
        "EEST" | "MSK" | "IDT" | "TRT" | "AST_ARABIA" => 3 * H,
        "GST" => 4 * H,
        "PKT" => 5 * H,
        "IST" => 5 * H + 30 * 60,
        "ICT" | "WIB" => 7 * H,
        "HKT" | "SGT" | "AWST" | "PHT" => 8 * H,
        "JST" | "KST" => 9 * H,
        "ACST" => 9 * H + 30 * 60,
        "AEST" | "ACDT" => 10 * H,
        "AEDT" => 11 * H,
        "NZST" => 12 * H,
        "NZDT" => 13 * H,
        "ADT" => -3 * H,
        "EDT" | "AST" => -4 * H,
        "EST" | "CDT" => -5 * H,
        "CST" | "MDT" => -6 * H,
        "MST" | "PDT" => -7 * H,
        "PST" | "AKDT" => -8 * H,
        "AKST" | "HDT" => -9 * H,
        "HST" => -10 * H,
        _ => return None,
    })
}

/// Reads a zone written after a space: a numeric offset (`+03`, `-0500`) or
/// an abbreviation of 2–5 upper-case letters (`UTC`, `CEST`). Returns the
/// spec and the bytes consumed (0 when there is nothing zone-like). An
/// unknown upper-case word is taken as an unrecognized zone only when
/// `lenient` (the caller knows a zone stands there), else left alone — it
/// may be a level (`INFO`).
fn zone_word(s: &str, lenient: bool) -> (ZoneSpec, usize) {
    let b = s.as_bytes();
    if let Some((off, used)) = numeric_offset(b) {
        if b[0] != b'Z' || !b.get(1).is_some_and(u8::is_ascii_alphanumeric) {
            return (ZoneSpec::Offset(off), used);
        }
    }
    let len = b
        .iter()
        .take_while(|c| c.is_ascii_uppercase() || **c == b'/' || c.is_ascii_lowercase())
        .count();
    if (2..=32).contains(&len) && !b.get(len).is_some_and(u8::is_ascii_alphanumeric) {
        // The word is ASCII: slicing the `&str` spares a UTF-8 check.
        let word = s.get(..len).unwrap_or("");
        if let Some(off) = zone_abbreviation(word) {
            return (ZoneSpec::Offset(off), len);
        }
        if let Ok(tz) = word.parse::<Tz>() {
            return (ZoneSpec::Named(tz), len);
        }
        if lenient && b[..len].iter().all(u8::is_ascii_uppercase) && len <= 5 {
            return (ZoneSpec::Unrecognized, len);
        }
    }
    (ZoneSpec::Local, 0)
}

// ---------------------------------------------------------------------------
// The timestamp readers.

/// ISO 8601 / RFC 3339 and their log variants: `2026-11-21T05:53:08.246Z`,
/// `2026-11-21 05:53:08,463`, `2026-11-21 05:53:08.246+01:00`,
/// `2026/11/21 06:00:48` (slashes, as nginx writes), `2026-11-21  5:53:08`
/// (hour padded with a space, as MariaDB writes). An offset directly after
/// the time is read; a zone *word* after a space is not (see [`iso8601_zoned`]).
pub fn iso8601(i: &str) -> IResult<&str, ParsedTime> {
    match iso8601_bytes(i, None) {
        Some((t, used)) => Ok((&i[used..], t)),
        None => fail(i),
    }
}

/// [`iso8601`] that also reads a known zone written after a space
/// (`2026-11-21 05:53:08.246 UTC`, `… CEST`, `… +03`, `… Europe/Berlin`).
/// An unknown word is left unread (it may be a level).
pub fn iso8601_zoned(i: &str) -> IResult<&str, ParsedTime> {
    match iso8601_bytes(i, Some(false)) {
        Some((t, used)) => Ok((&i[used..], t)),
        None => fail(i),
    }
}

/// [`iso8601_zoned`] for formats that always write a zone word after the
/// time (PostgreSQL's `%m`/`%t`): an unknown abbreviation is consumed and
/// flagged, and the source's zone is used.
pub fn iso8601_zone_word(i: &str) -> IResult<&str, ParsedTime> {
    match iso8601_bytes(i, Some(true)) {
        Some((t, used)) => Ok((&i[used..], t)),
        None => fail(i),
    }
}

fn iso8601_bytes(s: &str, zone_after_space: Option<bool>) -> Option<(ParsedTime, usize)> {
    let b = s.as_bytes();
    if b.len() < 10 {
        return None;
    }
    let y = fixed_digits(b, 4)?;
    let sep = b[4];
    if !(sep == b'-' || sep == b'/') || b[7] != sep {
        return None;
    }
    let mo = fixed_digits(&b[5..], 2)?;
    let d = fixed_digits(&b[8..], 2)?;
    let date = NaiveDate::from_ymd_opt(y as i32, mo, d)?;
    let mut used = 10;
    if !matches!(b.get(used), Some(b'T' | b't' | b' ' | b'_')) {
        return None;
    }
    used += 1;
    // A space-padded hour after a space (`%2d`, MariaDB's `2026-11-21  5:53:08`).
    if b[10] == b' '
        && b.get(used) == Some(&b' ')
        && b.get(used + 1).is_some_and(u8::is_ascii_digit)
        && b.get(used + 2) == Some(&b':')
    {
        used += 1;
    }
    let (time, tl) = hms_frac(&b[used..])?;
    used += tl;
    let mut zone = ZoneSpec::Local;
    if let Some((off, ol)) = b.get(used..).and_then(numeric_offset) {
        zone = ZoneSpec::Offset(off);
        used += ol;
    } else if let (Some(lenient), Some(b' ')) = (zone_after_space, b.get(used)) {
        let (z, zl) = zone_word(s.get(used + 1..).unwrap_or(""), lenient);
        if zl > 0 {
            zone = z;
            used += 1 + zl;
        }
    }
    Some((
        ParsedTime {
            naive: date.and_time(time),
            zone,
            year_missing: false,
        },
        used,
    ))
}

/// The Common Log Format time inside the brackets: `21/Nov/2026:05:53:10 +0000`.
pub fn clf(i: &str) -> IResult<&str, ParsedTime> {
    let b = i.as_bytes();
    let parsed = (|| {
        if b.len() < 20 || b[2] != b'/' || b[6] != b'/' || b[11] != b':' {
            return None;
        }
        let d = fixed_digits(b, 2)?;
        let mo = month_abbrev(&b[3..])?;
        let y = fixed_digits(&b[7..], 4)?;
        let (time, tl) = hms_frac(&b[12..])?;
        let mut used = 12 + tl;
        let mut zone = ZoneSpec::Local;
        if b.get(used) == Some(&b' ') {
            if let Some((off, ol)) = numeric_offset(&b[used + 1..]) {
                zone = ZoneSpec::Offset(off);
                used += 1 + ol;
            }
        }
        let date = NaiveDate::from_ymd_opt(y as i32, mo, d)?;
        Some((
            ParsedTime {
                naive: date.and_time(time),
                zone,
                year_missing: false,
            },
            used,
        ))
    })();
    match parsed {
        Some((t, used)) => Ok((&i[used..], t)),
        None => fail(i),
    }
}

/// BSD syslog time: `Nov 21 05:53:10` or `Nov  1 05:53:10` (no year, no
/// zone), also with a fraction. A year right after (`Nov 21 2026 05:53:10`) is read.
pub fn syslog_bsd(i: &str) -> IResult<&str, ParsedTime> {
    let b = i.as_bytes();
    let parsed = (|| {
        let mo = month_abbrev(b)?;
        if b.get(3) != Some(&b' ') {
            return None;
        }
        let mut p = 4;
        if b.get(p) == Some(&b' ') {
            p += 1;
        }
        let (d, dl) = one_or_two_digits(&b[p..])?;
        p += dl;
        if b.get(p) != Some(&b' ') {
            return None;
        }
        p += 1;
        let mut year = None;
        if let Some(y) = fixed_digits(&b[p..], 4) {
            if b.get(p + 4) == Some(&b' ') {
                year = Some(y as i32);
                p += 5;
            }
        }
        let (time, tl) = hms_frac(&b[p..])?;
        p += tl;
        // A placeholder leap year keeps Feb 29 valid until the year is inferred.
        let date = NaiveDate::from_ymd_opt(year.unwrap_or(2000), mo, d)?;
        Some((
            ParsedTime {
                naive: date.and_time(time),
                zone: ZoneSpec::Local,
                year_missing: year.is_none(),
            },
            p,
        ))
    })();
    match parsed {
        Some((t, used)) => Ok((&i[used..], t)),
        None => fail(i),
    }
}

/// ctime-style time as Apache's error log writes it:
/// `Sat Nov 21 05:53:08.123456 2026` (the fraction is optional).
pub fn ctime(i: &str) -> IResult<&str, ParsedTime> {
    let b = i.as_bytes();
    let parsed = (|| {
        if b.len() < 24 || b[3] != b' ' || !b[..3].iter().all(u8::is_ascii_alphabetic) {
            return None;
        }
        let (rest, t) = syslog_bsd(&i[4..]).ok()?;
        let rb = rest.as_bytes();
        if rb.first() != Some(&b' ') {
            return None;
        }
        let y = fixed_digits(&rb[1..], 4)?;
        let date = NaiveDate::from_ymd_opt(y as i32, t.naive.month(), t.naive.day())?;
        let used = i.len() - rest.len() + 5;
        Some((
            ParsedTime {
                naive: date.and_time(t.naive.time()),
                zone: ZoneSpec::Local,
                year_missing: false,
            },
            used,
        ))
    })();
    match parsed {
        Some((t, used)) => Ok((&i[used..], t)),
        None => fail(i),
    }
}

/// MySQL's short form `261121  5:57:09` / `261121 05:57:09` (YYMMDD, hour
/// maybe space-padded), used by the 5.x slow and general logs. The century
/// is taken as 2000: flagged as a year to infer only in the sense that it was two digits.
pub fn mysql_short(i: &str) -> IResult<&str, ParsedTime> {
    let b = i.as_bytes();
    let parsed = (|| {
        let yy = fixed_digits(b, 2)?;
        let mo = fixed_digits(&b[2..], 2)?;
        let d = fixed_digits(&b[4..], 2)?;
        let mut p = 6;
        if b.get(p) != Some(&b' ') {
            return None;
        }
        while b.get(p) == Some(&b' ') {
            p += 1;
        }
        let (time, tl) = hms_frac(&b[p..])?;
        let date = NaiveDate::from_ymd_opt(2000 + yy as i32, mo, d)?;
        Some((
            ParsedTime {
                naive: date.and_time(time),
                zone: ZoneSpec::Local,
                year_missing: false,
            },
            p + tl,
        ))
    })();
    match parsed {
        Some((t, used)) => Ok((&i[used..], t)),
        None => fail(i),
    }
}

/// An epoch number with its unit guessed from its magnitude: seconds
/// (`1763704388`, `1763704388.246`), milliseconds, microseconds or nanoseconds.
/// Plausible range: years 1990–2200 whatever the unit.
pub fn epoch_number(v: f64) -> Option<ParsedTime> {
    if !v.is_finite() || v <= 0.0 {
        return None;
    }
    // Seconds from 1990 to 2200 span 6.3e8..7.3e9; each unit is 1000x the last.
    let secs = if v < 1e10 {
        v
    } else if v < 1e13 {
        v / 1e3
    } else if v < 1e16 {
        v / 1e6
    } else {
        v / 1e9
    };
    if !(6.0e8..7.3e9).contains(&secs) {
        return None;
    }
    // An f64 near 1.8e9 resolves about 0.24 µs: digits below the microsecond
    // are noise (`1795240389.463` is 1795240389.46300005…), so round to it.
    let mut whole = secs.floor();
    let mut micros = ((secs - whole) * 1e6).round();
    if micros >= 1e6 {
        whole += 1.0;
        micros = 0.0;
    }
    let dt = DateTime::<Utc>::from_timestamp(whole as i64, micros as u32 * 1_000)?;
    Some(ParsedTime::utc(dt.naive_utc()))
}

/// An epoch given as text, its unit guessed from the magnitude of its
/// integer part like [`epoch_number`]. Decimal text (`1795240389`,
/// `1795240389.463`, `1795240389463123`) is read exactly, to the
/// nanosecond; other number shapes (`1.795e9`) go through `f64`.
pub fn epoch_text(s: &str) -> Option<ParsedTime> {
    let s = s.trim();
    let (int, frac) = match s.split_once('.') {
        Some((i, f)) => (i, f),
        None => (s, ""),
    };
    let decimal = !int.is_empty()
        && int.len() <= 19
        && int.bytes().all(|b| b.is_ascii_digit())
        && frac.bytes().all(|b| b.is_ascii_digit());
    if !decimal {
        return epoch_number(s.parse::<f64>().ok()?);
    }
    let n: u64 = int.parse().ok()?;
    // Nanoseconds per unit of the integer part.
    let unit: u64 = if n < 10_000_000_000 {
        1_000_000_000
    } else if n < 10_000_000_000_000 {
        1_000_000
    } else if n < 10_000_000_000_000_000 {
        1_000
    } else {
        1
    };
    let (secs, mut nanos) = (
        n / (1_000_000_000 / unit),
        (n % (1_000_000_000 / unit)) * unit,
    );
    // The fraction of one unit, to the nanosecond (further digits dropped).
    let mut scale = unit;
    for d in frac.bytes() {
        if scale < 10 {
            break;
        }
        scale /= 10;
        nanos += u64::from(d - b'0') * scale;
    }
    if !(600_000_000..7_300_000_000).contains(&secs) {
        return None;
    }
    let dt =
        DateTime::<Utc>::from_timestamp(i64::try_from(secs).ok()?, u32::try_from(nanos).ok()?)?;
    Some(ParsedTime::utc(dt.naive_utc()))
}

/// A time of day with no date: `05:53:09.285`, `05:53:09,285`, `05:53:09`
/// (logback's and log4j2's default `%d{HH:mm:ss.SSS}`). The hour must have
/// two digits. Date it with [`TimeContext::resolve_time_of_day`].
pub fn time_of_day(i: &str) -> IResult<&str, NaiveTime> {
    let b = i.as_bytes();
    if b.len() < 8 || !b[0].is_ascii_digit() || !b[1].is_ascii_digit() || b[2] != b':' {
        return fail(i);
    }
    match hms_frac(b) {
        Some((t, used)) => Ok((&i[used..], t)),
        None => fail(i),
    }
}

/// A whole field value that is a timestamp (a JSON `"time"`, a logfmt
/// `ts=`): epoch digits in any unit ([`epoch_text`]) or any textual shape
/// [`any_timestamp`] reads, with nothing after it but spaces.
pub fn timestamp_value(s: &str) -> Option<ParsedTime> {
    let s = s.trim();
    let first = *s.as_bytes().first()?;
    if first.is_ascii_digit() && s.bytes().all(|c| c.is_ascii_digit() || c == b'.') {
        if let Some(t) = epoch_text(s) {
            return Some(t);
        }
    }
    match any_timestamp(s) {
        Ok((rest, t)) if rest.trim().is_empty() => Some(t),
        _ => None,
    }
}

/// Any of the readers above, tried in turn (for generic and user formats).
pub fn any_timestamp(i: &str) -> IResult<&str, ParsedTime> {
    iso8601_zoned(i)
        .or_else(|_| clf(i))
        .or_else(|_| syslog_bsd(i))
        .or_else(|_| ctime(i))
        .or_else(|_| mysql_short(i))
}

/// Parses a timestamp with a chrono `strftime` pattern (user formats).
/// Patterns with `%z`/`%:z` give offsets; without, the time is local; a
/// pattern without a year (`%b %d %H:%M:%S`) marks the year as missing.
pub fn with_pattern(text: &str, pattern: &str) -> Option<ParsedTime> {
    if pattern == "epoch" {
        return epoch_text(text);
    }
    if pattern.contains("%z") || pattern.contains("%:z") || pattern.contains("%#z") {
        let dt = DateTime::parse_from_str(text, pattern).ok()?;
        return Some(ParsedTime {
            naive: dt.naive_local(),
            zone: ZoneSpec::Offset(dt.offset().local_minus_utc()),
            year_missing: false,
        });
    }
    let has_year = pattern.contains("%Y")
        || pattern.contains("%y")
        || pattern.contains("%F")
        || pattern.contains("%D")
        || pattern.contains("%c");
    if has_year {
        let naive = NaiveDateTime::parse_from_str(text, pattern).ok()?;
        return Some(ParsedTime {
            naive,
            zone: ZoneSpec::Local,
            year_missing: false,
        });
    }
    // No year in the pattern: parse with a placeholder leap year.
    let naive =
        NaiveDateTime::parse_from_str(&format!("2000 {text}"), &format!("%Y {pattern}")).ok()?;
    Some(ParsedTime {
        naive,
        zone: ZoneSpec::Local,
        year_missing: true,
    })
}

/// Formats a UTC instant as RFC 3339 with milliseconds (`2026-11-21T05:53:08.246Z`).
pub fn rfc3339_ms(t: &DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

#[cfg(test)]
mod tests;
