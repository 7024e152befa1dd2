//! The event model: what every format turns a log record into.
//!
//! An [`Event`] borrows from the record text it was parsed from (`'a`), so
//! parsing a line allocates only where a value had to be rebuilt (an escaped
//! JSON string, a message joined from pieces). Everything downstream — the
//! index, the analysis, the exports — consumes this one shape.

use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Utc};
use serde::Serialize;

/// Severity, normalized across formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// Finest-grained tracing.
    Trace,
    /// Debugging detail.
    Debug,
    /// Normal operation.
    Info,
    /// Normal but significant (syslog notice, PostgreSQL NOTICE).
    Notice,
    /// Something unexpected that did not fail.
    Warn,
    /// A failure of one operation.
    Error,
    /// A failure of the process or the session (FATAL, PANIC, CRITICAL, emerg…).
    Fatal,
    /// No level could be read, or the record could not be parsed.
    #[default]
    Unknown,
}

impl Level {
    /// Every level, from the least to the most severe, then `Unknown`.
    pub const ALL: [Level; 8] = [
        Level::Trace,
        Level::Debug,
        Level::Info,
        Level::Notice,
        Level::Warn,
        Level::Error,
        Level::Fatal,
        Level::Unknown,
    ];

    /// The lower-case name used in the index and in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Trace => "trace",
            Level::Debug => "debug",
            Level::Info => "info",
            Level::Notice => "notice",
            Level::Warn => "warn",
            Level::Error => "error",
            Level::Fatal => "fatal",
            Level::Unknown => "unknown",
        }
    }

    /// Reads a level word as the many formats write it (`WARN`, `warning`,
    /// `E`, `err`, `CRITICAL`, `PANIC`, syslog's `emerg`…), case-insensitively.
    /// Returns `None` for a word that is not a level.
    pub fn from_word(word: &str) -> Option<Level> {
        let w = word.trim();
        if w.is_empty() || w.len() > 11 {
            return None;
        }
        let mut buf = [0u8; 11];
        for (d, s) in buf.iter_mut().zip(w.bytes()) {
            *d = s.to_ascii_lowercase();
        }
        let lower = &buf[..w.len()];
        Some(match lower {
            b"trace" | b"trc" | b"finest" | b"finer" | b"verbose" | b"t" | b"v" => Level::Trace,
            b"debug" | b"dbg" | b"debug1" | b"debug2" | b"debug3" | b"debug4" | b"debug5"
            | b"fine" | b"d" | b"config" => Level::Debug,
            b"info" | b"inf" | b"information" | b"informational" | b"log" | b"i" | b"note" => {
                Level::Info
            }
            b"notice" | b"n" | b"statement" => Level::Notice,
            b"warn" | b"warning" | b"wrn" | b"w" => Level::Warn,
            b"error" | b"err" | b"e" | b"severe" | b"eror" => Level::Error,
            b"fatal" | b"panic" | b"critical" | b"crit" | b"alert" | b"emerg" | b"emergency"
            | b"f" | b"c" | b"dpanic" | b"ftl" => Level::Fatal,
            _ => return None,
        })
    }

    /// Maps a syslog severity (0 = emerg … 7 = debug).
    pub fn from_syslog_severity(severity: u8) -> Level {
        match severity {
            0..=2 => Level::Fatal,
            3 => Level::Error,
            4 => Level::Warn,
            5 => Level::Notice,
            6 => Level::Info,
            _ => Level::Debug,
        }
    }

    /// Maps a pino/bunyan numeric level (10 trace, 20 debug, 30 info, 40 warn,
    /// 50 error, 60 fatal).
    pub fn from_pino(n: i64) -> Level {
        match n {
            i64::MIN..=14 => Level::Trace,
            15..=24 => Level::Debug,
            25..=34 => Level::Info,
            35..=44 => Level::Warn,
            45..=54 => Level::Error,
            _ => Level::Fatal,
        }
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Level {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.eq_ignore_ascii_case("unknown") {
            return Ok(Level::Unknown);
        }
        Level::from_word(s).ok_or_else(|| format!("unknown level `{s}`"))
    }
}

/// Which tier of the stack a source belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// Load balancers, reverse proxies, web servers (nginx, HAProxy, ALB, Apache).
    LoadBalancer,
    /// Application logs.
    App,
    /// Database servers.
    Database,
    /// Operating-system and other infrastructure logs (syslog).
    System,
}

impl Kind {
    /// The name used in the index, the CLI and JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::LoadBalancer => "load-balancer",
            Kind::App => "app",
            Kind::Database => "database",
            Kind::System => "system",
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Kind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "load-balancer" | "lb" | "loadbalancer" | "load_balancer" | "web" | "proxy" => {
                Ok(Kind::LoadBalancer)
            }
            "app" | "application" => Ok(Kind::App),
            "database" | "db" => Ok(Kind::Database),
            "system" | "sys" | "os" => Ok(Kind::System),
            _ => Err(format!(
                "unknown kind `{s}` (expected load-balancer, app, database or system)"
            )),
        }
    }
}

/// How a timestamp was turned into UTC, when that took a guess.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash, Serialize)]
pub struct TimeFlags(u8);

impl TimeFlags {
    /// The text had no zone or offset: it was read in the configured zone.
    pub const ZONE_ASSUMED: TimeFlags = TimeFlags(1);
    /// The local time fell in a DST overlap (it happened twice); the earlier was taken.
    pub const DST_AMBIGUOUS: TimeFlags = TimeFlags(2);
    /// The local time fell in a DST gap (it never happened); it was moved forward.
    pub const DST_GAP: TimeFlags = TimeFlags(4);
    /// The text had no year (or a two-digit one): the year was inferred.
    pub const YEAR_INFERRED: TimeFlags = TimeFlags(8);
    /// The record had no timestamp of its own: it was given its predecessor's.
    pub const INHERITED: TimeFlags = TimeFlags(16);
    /// The zone abbreviation in the text was not recognized: the configured zone was used.
    pub const ZONE_UNRECOGNIZED: TimeFlags = TimeFlags(32);

    /// No flag.
    pub const fn empty() -> TimeFlags {
        TimeFlags(0)
    }
    /// Whether every flag of `other` is set.
    pub const fn contains(self, other: TimeFlags) -> bool {
        self.0 & other.0 == other.0
    }
    /// Whether no flag is set.
    pub const fn is_empty(self) -> bool {
        self.0 == 0
    }
    /// The raw bits, for storage.
    pub const fn bits(self) -> u8 {
        self.0
    }
    /// Rebuilds flags from [`TimeFlags::bits`].
    pub const fn from_bits(bits: u8) -> TimeFlags {
        TimeFlags(bits)
    }
    /// The names of the set flags, for display.
    pub fn names(self) -> Vec<&'static str> {
        let all = [
            (Self::ZONE_ASSUMED, "zone-assumed"),
            (Self::DST_AMBIGUOUS, "dst-ambiguous"),
            (Self::DST_GAP, "dst-gap"),
            (Self::YEAR_INFERRED, "year-inferred"),
            (Self::INHERITED, "inherited"),
            (Self::ZONE_UNRECOGNIZED, "zone-unrecognized"),
        ];
        all.iter()
            .filter(|(f, _)| self.contains(*f))
            .map(|(_, n)| *n)
            .collect()
    }
}

impl std::ops::BitOr for TimeFlags {
    type Output = TimeFlags;
    fn bitor(self, rhs: TimeFlags) -> TimeFlags {
        TimeFlags(self.0 | rhs.0)
    }
}

impl std::ops::BitOrAssign for TimeFlags {
    fn bitor_assign(&mut self, rhs: TimeFlags) {
        self.0 |= rhs.0;
    }
}

/// A point in time, normalized to UTC, with the text it was read from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Timestamp<'a> {
    /// The instant in UTC (nanosecond precision where the text had it).
    pub utc: DateTime<Utc>,
    /// The timestamp exactly as written in the record.
    pub text: &'a str,
    /// What had to be assumed to get `utc`.
    pub flags: TimeFlags,
}

/// Where a record came from: enough to find it again and to quote it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Provenance<'a> {
    /// The file (or `-` for standard input), as named by the caller.
    pub file: Option<&'a str>,
    /// 1-based number of the record's first line in the file.
    pub line: u64,
    /// Byte offset of the record's first byte in the (decompressed) file.
    pub offset: u64,
    /// How many lines the record spans (1 + continuation lines).
    pub lines: u32,
    /// The record text as read (continuation lines joined with `\n`).
    pub raw: &'a str,
    /// A line of the record was longer than the limit and was cut.
    pub truncated: bool,
    /// The record was not valid UTF-8 and was decoded lossily.
    pub lossy: bool,
}

/// Typed fields that formats fill when they know them. Every field is optional.
///
/// Durations are in seconds whatever unit the log wrote (`rt=0.012`,
/// `duration_ms=12.2`, `Query_time: 1.5`, HAProxy's milliseconds) so that
/// signals can compare sources.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Fields<'a> {
    /// HTTP status code.
    pub status: Option<u16>,
    /// Request duration in seconds (total time seen by this tier).
    pub duration: Option<f64>,
    /// Time the upstream/backend took, in seconds.
    pub upstream_duration: Option<f64>,
    /// Response size in bytes.
    pub bytes: Option<u64>,
    /// Client address as seen by this tier (for an LB behind another proxy,
    /// the first `X-Forwarded-For` address when logged).
    pub client: Option<Cow<'a, str>>,
    /// The address of the peer that connected (remote_addr), when it differs from `client`.
    pub peer: Option<Cow<'a, str>>,
    /// HTTP method.
    pub method: Option<Cow<'a, str>>,
    /// Request path, with its query string.
    pub path: Option<Cow<'a, str>>,
    /// HTTP user agent.
    pub user_agent: Option<Cow<'a, str>>,
    /// Request or correlation id.
    pub request_id: Option<Cow<'a, str>>,
    /// Upstream / backend server the request went to.
    pub upstream: Option<Cow<'a, str>>,
    /// Process id.
    pub pid: Option<u32>,
    /// Thread, connection or session id within the process (MySQL thread id,
    /// PostgreSQL session id `%c`, Java thread name).
    pub session: Option<Cow<'a, str>>,
    /// Logger, component or program name (`shop.api`, `sshd`, `haproxy`).
    pub logger: Option<Cow<'a, str>>,
    /// Host that wrote the record (syslog hostname, PostgreSQL `%h` client host).
    pub host: Option<Cow<'a, str>>,
    /// Database user / role.
    pub user: Option<Cow<'a, str>>,
    /// Database name.
    pub database: Option<Cow<'a, str>>,
    /// SQL statement.
    pub query: Option<Cow<'a, str>>,
    /// Statement execution time in seconds (slow log, `duration:` lines).
    pub query_time: Option<f64>,
    /// Lock wait time in seconds.
    pub lock_time: Option<f64>,
    /// Rows returned.
    pub rows_sent: Option<u64>,
    /// Rows examined.
    pub rows_examined: Option<u64>,
    /// Error code (PostgreSQL SQLSTATE, MySQL error number, HAProxy termination state).
    pub code: Option<Cow<'a, str>>,
    /// Any other key/value the format exposed.
    pub extra: Vec<(Cow<'a, str>, Cow<'a, str>)>,
}

impl<'a> Fields<'a> {
    /// Sets a field by name, converting the text to the field's type. Known
    /// names and their common aliases (`status_code`, `duration_ms`,
    /// `remote_addr`, `x_request_id`…) go to typed fields — with unit
    /// conversion for durations named `*_ms`, `*_us`, `*_ns` — and anything
    /// else, or a value that does not convert, goes to `extra`. Used by the
    /// key/value formats (JSON, logfmt) and by user-defined formats.
    pub fn set(&mut self, key: impl Into<Cow<'a, str>>, value: impl Into<Cow<'a, str>>) {
        let key = key.into();
        let value = value.into();
        if !self.set_known(&key, &value) {
            self.extra.push((key, value));
        }
    }

    // The Cow is cloned into the field, keeping a borrowed value borrowed.
    #[allow(clippy::ptr_arg)]
    fn set_known(&mut self, key: &str, value: &Cow<'a, str>) -> bool {
        let v = value.trim();
        if v.is_empty() || v == "-" {
            return false;
        }
        let mut buf = [0u8; KEY_MAX];
        if let Some((base, scale)) = normalize_key(key, &mut buf) {
            if self.set_normalized(base, scale, v, value) {
                return true;
            }
        }
        // A dotted key from a nested object (`req.method`, `http.response.status_code`,
        // `httpRequest.latency`): drop leading container segments one at a time.
        let mut rest = key;
        while let Some(dot) = memchr::memchr(b'.', rest.as_bytes()) {
            let (head, tail) = (&rest[..dot], &rest[dot + 1..]);
            if !is_container(head) {
                break;
            }
            rest = tail;
            if let Some((base, scale)) = normalize_key(rest, &mut buf) {
                if self.set_normalized(base, scale, v, value) {
                    return true;
                }
            }
        }
        false
    }

    /// Sets the field named by a normalized key `base` (see [`normalize_key`])
    /// whose unit suffix gave `scale`; `v` is the trimmed value.
    #[allow(clippy::ptr_arg)]
    fn set_normalized(&mut self, base: &[u8], scale: f64, v: &str, value: &Cow<'a, str>) -> bool {
        macro_rules! num {
            ($slot:expr, $t:ty) => {{
                match v.parse::<$t>() {
                    Ok(n) if $slot.is_none() => {
                        $slot = Some(n);
                        true
                    }
                    _ => false,
                }
            }};
        }
        macro_rules! text {
            ($slot:expr) => {{
                if $slot.is_none() {
                    $slot = Some(value.clone());
                    true
                } else {
                    false
                }
            }};
        }
        match base {
            b"status" | b"statuscode" | b"httpstatus" | b"responsestatus" | b"elbstatuscode" => {
                num!(self.status, u16)
            }
            b"duration" | b"requesttime" | b"elapsed" | b"latency" | b"responsetime" | b"took"
            | b"rt" | b"timetaken" => match parse_seconds(v, scale) {
                Some(s) if self.duration.is_none() => {
                    self.duration = Some(s);
                    true
                }
                _ => false,
            },
            // ECS `event.duration` is in nanoseconds.
            b"eventduration" => match parse_seconds(v, scale * 1e-9) {
                Some(s) if self.duration.is_none() => {
                    self.duration = Some(s);
                    true
                }
                _ => false,
            },
            b"upstreamresponsetime" | b"urt" | b"upstreamduration" | b"targetprocessingtime" => {
                match parse_seconds(v, scale) {
                    Some(s) if self.upstream_duration.is_none() => {
                        self.upstream_duration = Some(s);
                        true
                    }
                    _ => false,
                }
            }
            b"querytime" => match parse_seconds(v, scale) {
                Some(s) if self.query_time.is_none() => {
                    self.query_time = Some(s);
                    true
                }
                _ => false,
            },
            b"locktime" => match parse_seconds(v, scale) {
                Some(s) if self.lock_time.is_none() => {
                    self.lock_time = Some(s);
                    true
                }
                _ => false,
            },
            b"bytes" | b"bytessent" | b"bodybytessent" | b"size" | b"responsesize"
            | b"sentbytes" | b"responsebodybytes" => {
                num!(self.bytes, u64)
            }
            b"remoteip" | b"ip" | b"sourceip" | b"sourceaddress" => text!(self.client),
            // Named the client: it wins over an address a looser key gave,
            // which becomes the peer (Caddy's `remote_ip`, then `client_ip`).
            b"client" | b"clientip" | b"clientaddr" | b"clientaddress" => {
                if self.client.is_some() && self.peer.is_some() {
                    return false;
                }
                if self.client.is_some() {
                    self.peer = self.client.take();
                }
                self.client = Some(value.clone());
                true
            }
            // A forwarded header names the client behind the proxies: its
            // first address (the peer that connected stays in `peer`). The
            // whole list goes to `extra` too when it names proxies as well.
            b"xff"
            | b"xforwardedfor"
            | b"httpxforwardedfor"
            | b"forwardedfor"
            | b"headersxforwardedfor"
            | b"realip"
            | b"xrealip"
            | b"httpxrealip"
            | b"headersxrealip" => {
                let first = match value {
                    Cow::Borrowed(b) => crate::common::forwarded_for(b.trim()).map(Cow::Borrowed),
                    Cow::Owned(o) => {
                        crate::common::forwarded_for(o.trim()).map(|f| Cow::Owned(f.to_string()))
                    }
                };
                match first {
                    Some(first) if self.peer.is_none() || self.client.is_none() => {
                        let whole = first.len() == v.len();
                        if self.client.is_some() {
                            self.peer = self.client.take();
                        }
                        self.client = Some(first);
                        whole
                    }
                    _ => false,
                }
            }
            b"remoteaddr" | b"peer" | b"peeraddr" | b"remoteaddress" => text!(self.peer),
            b"method" | b"httpmethod" | b"requestmethod" | b"verb" => text!(self.method),
            // A whole request line (`"request":"GET /a HTTP/1.1"`, nginx's
            // `$request` in a JSON log_format): its method and path.
            b"request" | b"requestline" | b"httprequest"
                if self.method.is_none() && self.path.is_none() =>
            {
                let parts = match value {
                    Cow::Borrowed(b) => crate::common::request_line(b.trim())
                        .map(|r| (Cow::Borrowed(r.method), Cow::Borrowed(r.target))),
                    Cow::Owned(o) => crate::common::request_line(o.trim()).map(|r| {
                        (
                            Cow::Owned(r.method.to_string()),
                            Cow::Owned(r.target.to_string()),
                        )
                    }),
                };
                match parts {
                    Some((method, path)) => {
                        self.method = Some(method);
                        self.path = Some(path);
                        // The line itself is kept: it is the access log's message.
                        false
                    }
                    None => false,
                }
            }
            b"path" | b"url" | b"uri" | b"requesturi" | b"requestpath" | b"route"
            | b"requesturl" | b"urlpath" | b"urloriginal" => text!(self.path),
            b"useragent" | b"ua" | b"httpuseragent" | b"useragentoriginal"
            | b"headersuseragent" => {
                text!(self.user_agent)
            }
            b"requestid" | b"reqid" | b"rid" | b"xrequestid" | b"traceid" | b"correlationid"
            | b"xcorrelationid" | b"httprequestid" | b"headersxrequestid" => text!(self.request_id),
            b"upstream" | b"upstreamaddr" | b"backend" | b"target" | b"server" => {
                text!(self.upstream)
            }
            b"pid" | b"processid" | b"process" => num!(self.pid, u32),
            b"session" | b"sessionid" | b"thread" | b"threadid" | b"tid" | b"connectionid"
            | b"conn" | b"connid" => text!(self.session),
            b"logger" | b"loggername" | b"name" | b"component" | b"module" | b"program"
            | b"caller" | b"sourcecontext" | b"category" | b"servicename" => text!(self.logger),
            b"host" | b"hostname" | b"hosthostname" => text!(self.host),
            b"user" | b"username" | b"dbuser" | b"role" => text!(self.user),
            b"database" | b"db" | b"dbname" | b"schema" => text!(self.database),
            b"query" | b"statement" | b"sql" | b"dbstatement" => text!(self.query),
            b"rowssent" | b"rows" => num!(self.rows_sent, u64),
            b"rowsexamined" => num!(self.rows_examined, u64),
            b"code" | b"errorcode" | b"errcode" | b"sqlstate" | b"errno" => text!(self.code),
            _ => false,
        }
    }

    /// Looks up an `extra` value by key.
    pub fn extra(&self, key: &str) -> Option<&str> {
        self.extra
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_ref())
    }

    /// Copies every borrowed value so the fields outlive the record text.
    pub fn into_owned(self) -> Fields<'static> {
        fn o(c: Option<Cow<'_, str>>) -> Option<Cow<'static, str>> {
            c.map(|c| Cow::Owned(c.into_owned()))
        }
        Fields {
            status: self.status,
            duration: self.duration,
            upstream_duration: self.upstream_duration,
            bytes: self.bytes,
            client: o(self.client),
            peer: o(self.peer),
            method: o(self.method),
            path: o(self.path),
            user_agent: o(self.user_agent),
            request_id: o(self.request_id),
            upstream: o(self.upstream),
            pid: self.pid,
            session: o(self.session),
            logger: o(self.logger),
            host: o(self.host),
            user: o(self.user),
            database: o(self.database),
            query: o(self.query),
            query_time: self.query_time,
            lock_time: self.lock_time,
            rows_sent: self.rows_sent,
            rows_examined: self.rows_examined,
            code: o(self.code),
            extra: self
                .extra
                .into_iter()
                .map(|(k, v)| (Cow::Owned(k.into_owned()), Cow::Owned(v.into_owned())))
                .collect(),
        }
    }
}

/// The longest normalized key that can name a field; longer keys go to `extra`.
const KEY_MAX: usize = 48;

/// Normalizes a key into `buf` without allocating: lower-cased, separators
/// dropped (`X-Request-ID`, `request_id`, `http.request_id` → `xrequestid`,
/// `requestid`, `httprequestid`), and a unit suffix split off as the factor
/// that turns the unit into seconds (`duration_ms`, `latencyMs` → `duration`,
/// `latency` and 1e-3). `None` when the key is too long to name a field.
fn normalize_key<'b>(key: &str, buf: &'b mut [u8; KEY_MAX]) -> Option<(&'b [u8], f64)> {
    // One pass over the key (this runs for every key of every record): copy
    // its letters and digits lower-cased, and note where the last separator
    // and the last upper-case letter are with how much was copied before
    // them, so that the stem a unit suffix leaves is a prefix of the copy.
    let mut len = 0;
    let mut last_sep = None;
    let mut last_upper = None;
    for (i, &c) in key.as_bytes().iter().enumerate() {
        match KEY_BYTES[usize::from(c)] {
            SKIP => {}
            SEPARATOR => last_sep = Some((i, len)),
            t => {
                if t & UPPER != 0 {
                    last_upper = Some((i, len));
                }
                if let Some(d) = buf.get_mut(len) {
                    *d = t & !UPPER;
                }
                len += 1;
            }
        }
    }
    let (stem_len, scale) = split_unit(key, last_sep, last_upper).unwrap_or((len, 1.0));
    Some((buf.get(..stem_len)?, scale))
}

/// How [`normalize_key`] takes each byte: [`SKIP`], [`SEPARATOR`] (`_`,
/// `.`, `-`), or a letter or digit lower-cased, with [`UPPER`] set for an
/// upper-case letter. A table: one load a byte instead of several tests.
const KEY_BYTES: [u8; 256] = {
    let mut t = [SKIP; 256];
    let mut c = 0;
    while c < 256 {
        let b = c as u8;
        t[c] = if b.is_ascii_uppercase() {
            b.to_ascii_lowercase() | UPPER
        } else if b.is_ascii_alphanumeric() {
            b
        } else if matches!(b, b'_' | b'.' | b'-') {
            SEPARATOR
        } else {
            SKIP
        };
        c += 1;
    }
    t
};
const SKIP: u8 = 0;
const SEPARATOR: u8 = 1;
/// Marks an upper-case letter (the lower-cased ASCII byte has bit 7 clear).
const UPPER: u8 = 0x80;

/// Splits a unit suffix off a key: after a separator (`_ms`, `.us`, `-seconds`,
/// any case) or camel-cased (`durationMs`, `elapsedMillis`). Takes the last
/// separator and the last upper-case letter of the key, each with the
/// normalized length before it; returns the normalized length of the stem
/// and the factor to seconds, or `None` when there is no unit.
fn split_unit(
    key: &str,
    last_sep: Option<(usize, usize)>,
    last_upper: Option<(usize, usize)>,
) -> Option<(usize, f64)> {
    fn factor(unit: &str) -> Option<f64> {
        // Every unit starts with m, u, n or s: most words stop here.
        if !matches!(
            unit.as_bytes().first(),
            Some(b'm' | b'M' | b'u' | b'U' | b'n' | b'N' | b's' | b'S')
        ) {
            return None;
        }
        // Lower-cased on the stack: this runs for every key of every record.
        let mut buf = [0u8; 12];
        let lower = buf.get_mut(..unit.len())?;
        for (d, s) in lower.iter_mut().zip(unit.bytes()) {
            *d = s.to_ascii_lowercase();
        }
        Some(match &*lower {
            b"ms" | b"millis" | b"milliseconds" => 1e-3,
            b"us" | b"micros" | b"microseconds" => 1e-6,
            b"ns" | b"nanos" | b"nanoseconds" => 1e-9,
            b"s" | b"sec" | b"secs" | b"seconds" => 1.0,
            _ => return None,
        })
    }
    if let Some((p, stem_len)) = last_sep {
        if p > 0 {
            if let Some(f) = factor(&key[p + 1..]) {
                return Some((stem_len, f));
            }
        }
    }
    // camelCase: the unit starts at the last upper-case letter after a lower-case one.
    let b = key.as_bytes();
    let (p, stem_len) = last_upper?;
    let after_lower = p > 0
        && b.get(p - 1)
            .is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit());
    let unit = &key[p..];
    let camel = unit.len() > 1 && unit.bytes().skip(1).all(|c| c.is_ascii_lowercase());
    if after_lower && camel {
        return factor(unit).map(|f| (stem_len, f));
    }
    None
}

/// Segments of a dotted key that only group others (`req.`, `http.`,
/// `httpRequest.`, `context.`): `req.method` is a method.
fn is_container(segment: &str) -> bool {
    const CONTAINERS: [&str; 20] = [
        "req",
        "request",
        "res",
        "response",
        "http",
        "httprequest",
        "http_request",
        "ctx",
        "context",
        "fields",
        "data",
        "attrs",
        "attributes",
        "labels",
        "log",
        "process",
        "properties",
        "extra",
        "meta",
        "metadata",
    ];
    CONTAINERS.iter().any(|c| c.eq_ignore_ascii_case(segment))
}

/// Parses a duration: a plain number scaled by `scale`, or a number with a
/// unit suffix (`12ms`, `1.5s`, `300µs`, `2m`), or Go's compound form
/// (`1m30.5s`, `1h2m`), as zap/logrus/Go write them.
pub fn parse_seconds(v: &str, scale: f64) -> Option<f64> {
    if let Ok(n) = v.parse::<f64>() {
        return n.is_finite().then(|| scaled(n, scale));
    }
    let (negative, mut rest) = match v.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, v),
    };
    if rest.is_empty() {
        return None;
    }
    let mut total = 0.0;
    while !rest.is_empty() {
        let split = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let (num, tail) = rest.split_at(split);
        let n: f64 = num.parse().ok()?;
        let unit_len = tail
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(tail.len());
        let (unit, tail) = tail.split_at(unit_len);
        let factor = match unit {
            "ns" => 1e-9,
            "us" | "µs" | "μs" => 1e-6,
            "ms" => 1e-3,
            "s" => 1.0,
            "m" | "min" => 60.0,
            "h" => 3600.0,
            _ => return None,
        };
        total += scaled(n, factor);
        rest = tail;
    }
    let total = if negative { -total } else { total };
    total.is_finite().then_some(total)
}

/// `n * scale`, dividing for sub-second units so that `12.3` ms is `0.0123`
/// exactly as written rather than `0.012300000000000002`.
fn scaled(n: f64, scale: f64) -> f64 {
    if scale < 1.0 {
        n / (1.0 / scale).round()
    } else {
        n * scale
    }
}

/// One parsed log record.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Event<'a> {
    /// When it happened. `None` when the record had no readable time (the
    /// ingest then gives it its predecessor's time, flagged `INHERITED`).
    pub timestamp: Option<Timestamp<'a>>,
    /// Normalized severity.
    pub level: Level,
    /// The human message: for access logs the request line, for others the
    /// text after the prefix, continuation lines included.
    pub message: Cow<'a, str>,
    /// Typed and extra fields.
    pub fields: Fields<'a>,
    /// Where the record came from.
    pub provenance: Provenance<'a>,
    /// The record could not be parsed by its format: only `message` (the raw
    /// text) and `provenance` are meaningful.
    pub unparsed: bool,
}

impl<'a> Event<'a> {
    /// The event for a record that no format could read: level unknown,
    /// message = raw text, nothing dropped.
    pub fn unparsed(raw: &'a str) -> Event<'a> {
        Event {
            message: Cow::Borrowed(raw),
            unparsed: true,
            ..Event::default()
        }
    }
}

impl Event<'_> {
    /// A one-line rendering of everything the event holds, in a fixed order:
    /// `TIME LEVEL key=value… | message` (`-` for no time, `UNPARSED` for an
    /// unparsed record). Used by the format test tables and `onset parse`,
    /// so a difference in any field shows up in a diff.
    pub fn summary(&self) -> String {
        use std::fmt::Write;
        let mut out = String::new();
        if self.unparsed {
            let _ = write!(out, "UNPARSED | {}", self.message.escape_debug());
            return out;
        }
        match &self.timestamp {
            Some(t) => {
                out.push_str(&crate::time::rfc3339_ms(&t.utc));
                for name in t.flags.names() {
                    let _ = write!(out, "[{name}]");
                }
            }
            None => out.push('-'),
        }
        let _ = write!(out, " {}", self.level);
        let f = &self.fields;
        macro_rules! put {
            ($name:literal, $v:expr) => {
                if let Some(v) = &$v {
                    let _ = write!(out, " {}={}", $name, v);
                }
            };
        }
        put!("status", f.status);
        put!("duration", f.duration);
        put!("upstream_duration", f.upstream_duration);
        put!("bytes", f.bytes);
        put!("client", f.client);
        put!("peer", f.peer);
        put!("method", f.method);
        put!("path", f.path);
        put!("user_agent", f.user_agent);
        put!("request_id", f.request_id);
        put!("upstream", f.upstream);
        put!("pid", f.pid);
        put!("session", f.session);
        put!("logger", f.logger);
        put!("host", f.host);
        put!("user", f.user);
        put!("database", f.database);
        put!("query", f.query);
        put!("query_time", f.query_time);
        put!("lock_time", f.lock_time);
        put!("rows_sent", f.rows_sent);
        put!("rows_examined", f.rows_examined);
        put!("code", f.code);
        for (k, v) in &f.extra {
            let _ = write!(out, " {k}={v}");
        }
        let _ = write!(out, " | {}", self.message.escape_debug());
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(pairs: &[(&'static str, &'static str)]) -> Fields<'static> {
        let mut f = Fields::default();
        for (k, v) in pairs {
            f.set(*k, *v);
        }
        f
    }

    #[test]
    fn set_maps_nested_and_dotted_keys_through_containers() {
        let f = fields(&[
            ("req.method", "GET"),
            ("req.url", "/api/orders/42"),
            ("req.headers.user-agent", "curl/8.4.0"),
            ("req.headers.host", "shop.example.com"),
            ("res.statusCode", "503"),
            ("http.request.id", "r-1"),
            ("httpRequest.latency", "0.250s"),
            ("process.pid", "4242"),
            ("host.hostname", "web-1"),
            ("url.path", "/ignored-second-path"),
            ("db.statement", "SELECT 1"),
        ]);
        assert_eq!(f.method.as_deref(), Some("GET"));
        assert_eq!(f.path.as_deref(), Some("/api/orders/42"));
        assert_eq!(f.user_agent.as_deref(), Some("curl/8.4.0"));
        assert_eq!(f.status, Some(503));
        assert_eq!(f.request_id.as_deref(), Some("r-1"));
        assert_eq!(f.duration, Some(0.25));
        assert_eq!(f.pid, Some(4242));
        assert_eq!(f.host.as_deref(), Some("web-1"));
        assert_eq!(f.query.as_deref(), Some("SELECT 1"));
        // An HTTP Host header is not the machine; a second path is kept aside.
        assert_eq!(f.extra("req.headers.host"), Some("shop.example.com"));
        assert_eq!(f.extra("url.path"), Some("/ignored-second-path"));
    }

    #[test]
    fn set_reads_duration_units_from_suffixes_and_values() {
        let d = |k: &'static str, v: &'static str| fields(&[(k, v)]).duration;
        assert_eq!(d("duration_ms", "12.3"), Some(0.0123));
        assert_eq!(d("latencyMs", "250"), Some(0.25));
        assert_eq!(d("elapsedMilliseconds", "1500"), Some(1.5));
        assert_eq!(d("took-us", "1500"), Some(0.0015));
        assert_eq!(d("event.duration", "5001000000"), Some(5.001));
        assert_eq!(d("latency", "1m30.5s"), Some(90.5));
        assert_eq!(d("latency", "12ms"), Some(0.012));
        assert_eq!(d("latency", "fast"), None);
        // `status` ends in "us" but is no duration; `Items` ends in "ms".
        assert_eq!(fields(&[("status", "200")]).status, Some(200));
        assert_eq!(fields(&[("responseItems", "3")]).duration, None);
    }

    #[test]
    fn parse_seconds_reads_go_durations() {
        assert_eq!(parse_seconds("1h2m3s", 1.0), Some(3723.0));
        assert_eq!(parse_seconds("300µs", 1.0), Some(0.0003));
        assert_eq!(parse_seconds("-1.5s", 1.0), Some(-1.5));
        assert_eq!(parse_seconds("2", 1e-3), Some(0.002));
        assert_eq!(parse_seconds("1x", 1.0), None);
        assert_eq!(parse_seconds("ms", 1.0), None);
        assert_eq!(parse_seconds("", 1.0), None);
    }
}
