//! Signals: per-source, per-time-bucket aggregates of the events, and the
//! series derived from them (`source.metric`).
//!
//! [`Accumulator`] receives one [`Row`] per event (the index scan feeds it
//! from fast columns, tests feed it directly) and keeps per-bucket counts,
//! latency histograms, client sets and the few individual events the
//! analysis needs (database connection events, failed requests). It is pure:
//! no I/O, and its memory depends on buckets × sources, not on events.

use std::collections::{HashMap, HashSet};

use regex::RegexSet;

use super::distinct::Distinct;

/// The time grid of the analysis: `n` buckets of `width` µs from `start`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Grid {
    /// Start of the first bucket, µs since the epoch.
    pub start: i64,
    /// Bucket width in µs.
    pub width: i64,
    /// Number of buckets.
    pub n: usize,
}

/// Bucket widths the grid may use, in seconds.
const WIDTHS: [i64; 12] = [1, 5, 10, 30, 60, 300, 600, 1800, 3600, 10800, 21600, 86400];

impl Grid {
    /// A grid over `[start, end]` with the smallest round width that gives at
    /// most 1000 buckets (so 300–1000 buckets for spans from minutes to days).
    pub fn for_span(start: i64, end: i64) -> Grid {
        let span = (end - start).max(1);
        let width_s = WIDTHS
            .iter()
            .copied()
            .find(|w| span / (w * 1_000_000) < 1000)
            .unwrap_or(86400 * 7);
        let width = width_s * 1_000_000;
        let start = start.div_euclid(width) * width;
        let n = ((end - start) / width + 1).max(1) as usize;
        Grid { start, width, n }
    }

    /// The bucket of a time, if inside the grid.
    pub fn bucket(&self, ts: i64) -> Option<usize> {
        if ts < self.start {
            return None;
        }
        let b = ((ts - self.start) / self.width) as usize;
        (b < self.n).then_some(b)
    }

    /// Start time of bucket `b`, µs.
    pub fn time_of(&self, b: usize) -> i64 {
        self.start + b as i64 * self.width
    }

    /// Bucket width in seconds.
    pub fn width_secs(&self) -> f64 {
        self.width as f64 / 1e6
    }
}

/// What a database event says about connections.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ConnEvent {
    /// A session was established.
    Connect,
    /// A session ended.
    Disconnect,
    /// A connection was refused for lack of capacity.
    Refused,
}

/// Classifies message templates into connection events. The patterns are
/// the messages PostgreSQL, MySQL/MariaDB and common pools write; a user
/// database with other words simply has no connection gauge.
pub struct ConnClassifier {
    refused: RegexSet,
    ignore: RegexSet,
    connect: RegexSet,
    disconnect: RegexSet,
}

impl Default for ConnClassifier {
    fn default() -> Self {
        let set = |p: &[&str]| RegexSet::new(p).expect("valid built-in patterns");
        ConnClassifier {
            refused: set(&[
                r"(?i)too many (clients|connections)",
                r"(?i)remaining connection slots are reserved",
                r"(?i)connection limit (exceeded|reached)",
                r"(?i)max_connections",
                r"(?i)(cannot|can't) accept (new )?connections",
            ]),
            ignore: set(&[r"(?i)access denied", r"(?i)authentication failed"]),
            connect: set(&[
                r"(?i)^connection authorized",
                r"(?i)^connect\b",
                r"(?i)^(new|accepted) connection\b",
                r"(?i)^connection (accepted|established)\b",
            ]),
            disconnect: set(&[
                r"(?i)^disconnection\b",
                r"(?i)^quit\b",
                r"(?i)^aborted connection\b",
                r"(?i)^(connection|session) (closed|terminated|ended)\b",
                r"(?i)^end connection\b",
                r"(?i)^unexpected eof on client connection",
                r"(?i)^terminating connection\b",
            ]),
        }
    }
}

impl ConnClassifier {
    /// The connection event a template stands for, if any.
    pub fn classify(&self, template: &str) -> Option<ConnEvent> {
        if self.refused.is_match(template) {
            return Some(ConnEvent::Refused);
        }
        if self.ignore.is_match(template) {
            return None;
        }
        if self.connect.is_match(template) {
            return Some(ConnEvent::Connect);
        }
        if self.disconnect.is_match(template) {
            return Some(ConnEvent::Disconnect);
        }
        None
    }
}

/// Level codes the accumulator distinguishes.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub enum Severity {
    /// Below warning.
    Normal,
    /// Warning.
    Warn,
    /// Error or worse.
    Error,
}

impl Severity {
    /// The severity of a level as the index names it (`unknown`: none).
    pub fn of(level: &str) -> Option<Severity> {
        match level {
            "warn" => Some(Severity::Warn),
            "error" | "fatal" => Some(Severity::Error),
            "unknown" => None,
            _ => Some(Severity::Normal),
        }
    }
}

/// One event as the analysis sees it.
#[derive(Debug, Clone, Copy, Default)]
pub struct Row {
    /// Time, µs.
    pub ts: i64,
    /// Warning, error or neither.
    pub severity: Option<Severity>,
    /// The record was unparsed.
    pub unparsed: bool,
    /// HTTP status.
    pub status: Option<u16>,
    /// Request duration, seconds.
    pub duration: Option<f64>,
    /// Client identity (a hash of the address).
    pub client: Option<u64>,
    /// Global template id (see [`Accumulator::template_id`]).
    pub template: Option<u32>,
    /// Process id.
    pub pid: Option<u64>,
    /// Session id hash.
    pub session: Option<u64>,
    /// Statement time, seconds.
    pub query_time: Option<f64>,
    /// The record names an upstream time: its writer passed the request on
    /// (a proxy, whatever its log syntax).
    pub proxied: bool,
    /// Request id hash (for the clock estimates).
    pub request: Option<u64>,
}

impl Row {
    /// A response that failed (5xx) or was slower than
    /// [`SLOW_RESPONSE_SECS`]: it hurt a user.
    pub fn is_bad(&self) -> bool {
        self.status.is_some_and(|s| s >= 500)
            || (self.status.is_some() && self.duration.is_some_and(|d| d > SLOW_RESPONSE_SECS))
    }

    /// The duration, seconds, if it can be a latency.
    pub fn latency(&self) -> Option<f64> {
        self.duration.filter(|d| d.is_finite() && *d >= 0.0)
    }

    /// The statement time, seconds, if it is a number.
    pub fn statement_time(&self) -> Option<f64> {
        self.query_time.filter(|q| q.is_finite())
    }

    /// What pairs a connection event with its session: the session id, or
    /// the process id.
    pub fn connection(&self) -> u64 {
        self.session.or(self.pid).unwrap_or(0)
    }
}

/// A response slower than this hurts a user as much as an error.
pub const SLOW_RESPONSE_SECS: f64 = 2.0;

/// Log-scale latency histogram bins: 1 ms × 2^(i/4), 64 bins (up to ~60 s).
const LAT_BINS: usize = 64;

fn lat_bin(secs: f64) -> usize {
    if secs.is_nan() || secs <= 0.001 {
        return 0;
    }
    ((secs / 0.001).log2() * 4.0)
        .floor()
        .clamp(0.0, (LAT_BINS - 1) as f64) as usize
}

fn lat_value(bin: usize) -> f64 {
    0.001 * 2f64.powf((bin as f64 + 0.5) / 4.0)
}

/// Values per bucket: a sorted list of the buckets used while they are
/// few, a vector over the whole grid once they are many. A source with a
/// few events costs a few entries, not a grid's worth (20,000 small
/// sources must not cost 20,000 grids).
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub enum Buckets<T> {
    /// `(bucket, value)` pairs, by bucket.
    Sparse(Vec<(u32, T)>),
    /// One value per bucket of the grid.
    Dense(Vec<T>),
}

impl<T> Default for Buckets<T> {
    fn default() -> Self {
        Buckets::Sparse(Vec::new())
    }
}

/// A sparse list turns dense when it uses more than 1/`DENSE_SHARE` of the
/// grid's buckets (and at least 16).
const DENSE_SHARE: usize = 8;

impl<T: Default + Clone> Buckets<T> {
    /// The value of bucket `b` of a grid of `n` buckets, to update.
    pub fn at(&mut self, b: usize, n: usize) -> &mut T {
        if let Buckets::Sparse(v) = self {
            if v.len() >= (n / DENSE_SHARE).max(16) {
                let mut dense = vec![T::default(); n];
                for (k, x) in v.drain(..) {
                    if let Some(slot) = dense.get_mut(k as usize) {
                        *slot = x;
                    }
                }
                *self = Buckets::Dense(dense);
            }
        }
        match self {
            Buckets::Dense(d) => {
                if b >= d.len() {
                    d.resize(b + 1, T::default());
                }
                &mut d[b]
            }
            Buckets::Sparse(v) => {
                let i = match v.last() {
                    Some(&(last, _)) if last as usize == b => v.len() - 1,
                    _ => match v.binary_search_by_key(&(b as u32), |e| e.0) {
                        Ok(i) => i,
                        Err(i) => {
                            v.insert(i, (b as u32, T::default()));
                            i
                        }
                    },
                };
                &mut v[i].1
            }
        }
    }

    /// The value of bucket `b`, if it was set.
    pub fn get(&self, b: usize) -> Option<&T> {
        match self {
            Buckets::Dense(d) => d.get(b),
            Buckets::Sparse(v) => v
                .binary_search_by_key(&(b as u32), |e| e.0)
                .ok()
                .map(|i| &v[i].1),
        }
    }

    /// The buckets set and their values, in bucket order.
    pub fn iter(&self) -> Box<dyn Iterator<Item = (usize, &T)> + '_> {
        match self {
            Buckets::Dense(d) => Box::new(d.iter().enumerate()),
            Buckets::Sparse(v) => Box::new(v.iter().map(|(b, x)| (*b as usize, x))),
        }
    }

    /// Whether no bucket was set.
    pub fn is_empty(&self) -> bool {
        match self {
            Buckets::Dense(d) => d.is_empty(),
            Buckets::Sparse(v) => v.is_empty(),
        }
    }

    /// One value per bucket of a grid of `n` buckets.
    pub fn dense(&self, n: usize) -> Vec<T> {
        let mut out = vec![T::default(); n];
        for (b, x) in self.iter() {
            if let Some(slot) = out.get_mut(b) {
                *slot = x.clone();
            }
        }
        out
    }
}

impl Buckets<u32> {
    /// The sum over every bucket.
    pub fn total(&self) -> u64 {
        self.iter().map(|(_, &c)| u64::from(c)).sum()
    }

    /// The first bucket with a count.
    pub fn first(&self) -> Option<usize> {
        self.iter().find(|(_, &c)| c > 0).map(|(b, _)| b)
    }
}

/// A latency histogram (see [`lat_bin`]).
#[derive(Debug, Clone, Copy)]
pub struct Histogram(pub [u32; LAT_BINS]);

impl Histogram {
    /// The bin of a duration, seconds.
    pub fn bin(secs: f64) -> usize {
        lat_bin(secs)
    }
}

impl Default for Histogram {
    fn default() -> Self {
        Histogram([0; LAT_BINS])
    }
}

/// Per-bucket aggregates of one source, as the scan gathers them (see
/// [`Buckets`]); [`SourceSeries::dense`] gives them one value per bucket.
#[derive(Debug, Clone, Default)]
pub struct SourceSeries {
    /// Events per bucket.
    pub events: Buckets<u32>,
    /// Warnings per bucket.
    pub warnings: Buckets<u32>,
    /// Errors per bucket.
    pub errors: Buckets<u32>,
    /// Unparsed records per bucket.
    pub unparsed: Buckets<u32>,
    /// Events with an HTTP status per bucket.
    pub requests: Buckets<u32>,
    /// 5xx per bucket.
    pub status_5xx: Buckets<u32>,
    /// 4xx per bucket.
    pub status_4xx: Buckets<u32>,
    /// Responses that were 5xx or slower than [`SLOW_RESPONSE_SECS`].
    pub bad: Buckets<u32>,
    /// Latency histogram per bucket.
    pub latency: Buckets<Histogram>,
    /// Distinct clients per bucket.
    pub clients: Buckets<Distinct>,
    /// Statements with a duration (slow-query log entries, `duration:` lines).
    pub queries: Buckets<u32>,
    /// Sum of statement times, seconds.
    pub query_time: Buckets<f64>,
    /// Connection events, in arrival order: (time, event, session key).
    pub conn_events: Vec<(i64, ConnEvent, u64)>,
    /// Distinct clients of bad responses per bucket.
    pub bad_clients: Buckets<HashSet<u64>>,
    /// Requests whose record names an upstream time (see [`Row::proxied`]).
    pub proxied: u64,
}

impl SourceSeries {
    /// The aggregates with one value per bucket of a grid of `n` buckets.
    pub fn dense(&self, n: usize) -> DenseSeries {
        DenseSeries {
            events: self.events.dense(n),
            warnings: self.warnings.dense(n),
            errors: self.errors.dense(n),
            unparsed: self.unparsed.dense(n),
            requests: self.requests.dense(n),
            status_5xx: self.status_5xx.dense(n),
            status_4xx: self.status_4xx.dense(n),
            bad: self.bad.dense(n),
            latency: if self.latency.is_empty() {
                Vec::new()
            } else {
                self.latency.dense(n).into_iter().map(|h| h.0).collect()
            },
            clients: if self.clients.is_empty() {
                Vec::new()
            } else {
                self.clients.dense(n)
            },
            queries: self.queries.dense(n),
            query_time: self.query_time.dense(n),
        }
    }
}

/// One source's aggregates, one value per bucket (built for one source at a
/// time, while its signals are made).
#[derive(Debug, Clone, Default)]
pub struct DenseSeries {
    /// Events per bucket.
    pub events: Vec<u32>,
    /// Warnings per bucket.
    pub warnings: Vec<u32>,
    /// Errors per bucket.
    pub errors: Vec<u32>,
    /// Unparsed records per bucket.
    pub unparsed: Vec<u32>,
    /// Events with an HTTP status per bucket.
    pub requests: Vec<u32>,
    /// 5xx per bucket.
    pub status_5xx: Vec<u32>,
    /// 4xx per bucket.
    pub status_4xx: Vec<u32>,
    /// Responses that were 5xx or slower than [`SLOW_RESPONSE_SECS`].
    pub bad: Vec<u32>,
    /// Latency histogram per bucket (empty if the source has no durations).
    pub latency: Vec<[u32; LAT_BINS]>,
    /// Distinct clients per bucket (empty if the source has no clients).
    pub clients: Vec<Distinct>,
    /// Statements with a duration.
    pub queries: Vec<u32>,
    /// Sum of statement times, seconds.
    pub query_time: Vec<f64>,
}

impl DenseSeries {
    /// Latency quantile `q` per bucket (NaN where the bucket has no requests).
    pub fn latency_quantile(&self, q: f64) -> Vec<f64> {
        self.latency
            .iter()
            .map(|h| {
                let total: u32 = h.iter().sum();
                if total == 0 {
                    return f64::NAN;
                }
                let want = (q * f64::from(total)).ceil().max(1.0) as u32;
                let mut seen = 0;
                for (bin, &c) in h.iter().enumerate() {
                    seen += c;
                    if seen >= want {
                        return lat_value(bin);
                    }
                }
                lat_value(LAT_BINS - 1)
            })
            .collect()
    }
}

/// Statistics of one message template of one source.
#[derive(Debug, Clone)]
pub struct TemplateStats {
    /// Source index.
    pub source: usize,
    /// The template text.
    pub text: String,
    /// First occurrence, µs.
    pub first_ts: i64,
    /// Last occurrence, µs.
    pub last_ts: i64,
    /// Occurrences.
    pub count: u64,
    /// Most severe level seen.
    pub severity: Severity,
    /// Connection event it stands for.
    pub conn: Option<ConnEvent>,
}

/// Gathers the rows of every source on a grid.
pub struct Accumulator {
    /// The grid.
    pub grid: Grid,
    /// Per-source series, by source index.
    pub sources: Vec<SourceSeries>,
    /// Templates by global id.
    pub templates: Vec<TemplateStats>,
    template_ids: HashMap<(usize, String), u32>,
    classifier: ConnClassifier,
    /// Per source, µs added to every time (a clock correction).
    shifts: Vec<i64>,
}

impl Accumulator {
    /// An empty accumulator for `sources` sources.
    pub fn new(grid: Grid, sources: usize) -> Accumulator {
        Accumulator {
            grid,
            sources: (0..sources).map(|_| SourceSeries::default()).collect(),
            templates: Vec::new(),
            template_ids: HashMap::new(),
            classifier: ConnClassifier::default(),
            shifts: vec![0; sources],
        }
    }

    /// Corrects source `source`'s clock: `shift` µs are added to each of
    /// its times from now on (`--align`).
    pub fn set_shift(&mut self, source: usize, shift: i64) {
        if let Some(s) = self.shifts.get_mut(source) {
            *s = shift;
        }
    }

    /// The global id of a source's template (interned on first sight).
    pub fn template_id(&mut self, source: usize, text: &str) -> u32 {
        if let Some(&id) = self.template_ids.get(&(source, text.to_string())) {
            return id;
        }
        let id = self.templates.len() as u32;
        self.templates.push(TemplateStats {
            source,
            text: text.to_string(),
            first_ts: i64::MAX,
            last_ts: i64::MIN,
            count: 0,
            severity: Severity::Normal,
            conn: self.classifier.classify(text),
        });
        self.template_ids.insert((source, text.to_string()), id);
        id
    }

    /// Adds one event of source `source`.
    pub fn add(&mut self, source: usize, row: &Row) {
        let shifted;
        let row = match self.shifts.get(source) {
            Some(&shift) if shift != 0 => {
                shifted = Row {
                    ts: row.ts + shift,
                    ..*row
                };
                &shifted
            }
            _ => row,
        };
        let Some(b) = self.grid.bucket(row.ts) else {
            return;
        };
        let n = self.grid.n;
        let Some(s) = self.sources.get_mut(source) else {
            return;
        };
        *s.events.at(b, n) += 1;
        match row.severity {
            Some(Severity::Warn) => *s.warnings.at(b, n) += 1,
            Some(Severity::Error) => *s.errors.at(b, n) += 1,
            _ => {}
        }
        if row.unparsed {
            *s.unparsed.at(b, n) += 1;
        }
        if let Some(status) = row.status {
            *s.requests.at(b, n) += 1;
            if row.proxied {
                s.proxied += 1;
            }
            if status >= 500 {
                *s.status_5xx.at(b, n) += 1;
            } else if status >= 400 {
                *s.status_4xx.at(b, n) += 1;
            }
        }
        if row.is_bad() {
            *s.bad.at(b, n) += 1;
            if let Some(c) = row.client {
                s.bad_clients.at(b, n).insert(c);
            }
        }
        if let Some(d) = row.latency() {
            s.latency.at(b, n).0[lat_bin(d)] += 1;
        }
        if let Some(c) = row.client {
            s.clients.at(b, n).insert(c);
        }
        if let Some(q) = row.statement_time() {
            *s.queries.at(b, n) += 1;
            *s.query_time.at(b, n) += q;
        }
        if let Some(t) = row
            .template
            .and_then(|t| self.templates.get_mut(t as usize))
        {
            t.first_ts = t.first_ts.min(row.ts);
            t.last_ts = t.last_ts.max(row.ts);
            t.count += 1;
            if let Some(sev) = row.severity {
                t.severity = t.severity.max(sev);
            }
            if let Some(conn) = t.conn {
                s.conn_events.push((row.ts, conn, row.connection()));
            }
        }
    }
}

/// The open-connections gauge of one source, per bucket (its value at the
/// end of the bucket), reconstructed from connect/disconnect events paired by session:
/// a session that disconnects without having been seen to connect was open
/// before the logs begin, and counts from the start; a refusal ends the
/// session it names.
///
/// A gauge needs both sides: a source that logs only one of them (MariaDB's
/// error log records aborted connections, not every connect) has none —
/// its counts are rates ([`conn_counts`]), not a level.
pub fn open_connections(grid: &Grid, events: &[(i64, ConnEvent, u64)]) -> Option<Vec<f64>> {
    let logs = |want: ConnEvent| events.iter().any(|e| e.1 == want);
    if !(logs(ConnEvent::Connect) && logs(ConnEvent::Disconnect)) {
        return None;
    }
    let mut events = events.to_vec();
    // Events arrive in index order, not file order: at equal times a
    // session must open before it can be refused or closed.
    let rank = |e: ConnEvent| match e {
        ConnEvent::Connect => 0,
        ConnEvent::Refused => 1,
        ConnEvent::Disconnect => 2,
    };
    events.sort_by_key(|e| (e.0, rank(e.1)));
    let mut open: HashSet<u64> = HashSet::new();
    let mut seen: HashSet<u64> = HashSet::new();
    let mut initial = 0i64;
    for &(_, ev, key) in &events {
        if ev == ConnEvent::Disconnect && !seen.contains(&key) {
            initial += 1;
        }
        seen.insert(key);
    }
    let mut level = initial;
    let mut touched: HashSet<u64> = HashSet::new();
    let mut gauge = vec![f64::NAN; grid.n];
    let mut current = initial as f64;
    let mut i = 0;
    for (b, slot) in gauge.iter_mut().enumerate() {
        let end = grid.time_of(b + 1);
        while i < events.len() && events[i].0 < end {
            let (_, ev, key) = events[i];
            // Key 0: no session id at all; count blindly.
            let first_sight = touched.insert(key);
            match ev {
                ConnEvent::Connect => {
                    if key == 0 || open.insert(key) {
                        level += 1;
                    }
                }
                // A session closes once, whatever the number of lines that
                // say so (`unexpected EOF`, then `disconnection`); one seen
                // first closing was open before the logs and counted in `initial`.
                ConnEvent::Disconnect => {
                    if key == 0 || open.remove(&key) || first_sight {
                        level = (level - 1).max(0);
                    }
                }
                // A refused session was authorized a moment before (PostgreSQL
                // logs both): the refusal ends it.
                ConnEvent::Refused => {
                    if key != 0 && open.remove(&key) {
                        level = (level - 1).max(0);
                    }
                }
            }
            current = level as f64;
            i += 1;
        }
        *slot = current;
    }
    Some(gauge)
}

/// Connection events of one kind per bucket.
pub fn conn_counts(grid: &Grid, events: &[(i64, ConnEvent, u64)], want: ConnEvent) -> Vec<u32> {
    let mut v = vec![0u32; grid.n];
    for &(ts, ev, _) in events {
        if ev == want {
            if let Some(b) = grid.bucket(ts) {
                v[b] += 1;
            }
        }
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grid_widths_are_round_and_give_at_most_1000_buckets() {
        let s = 1_800_000_000_000_000;
        let g = Grid::for_span(s + 123, s + 14 * 60_000_000);
        assert_eq!(g.width, 1_000_000);
        assert_eq!(g.n, 841);
        let g = Grid::for_span(s, s + 3 * 3600 * 1_000_000);
        assert_eq!(g.width, 30_000_000);
        assert!(g.n <= 1000 && g.n >= 300);
        assert_eq!(g.bucket(s - 1), None);
        assert_eq!(g.bucket(g.time_of(5) + 1), Some(5));
    }

    #[test]
    fn connection_messages_are_classified_across_databases() {
        let c = ConnClassifier::default();
        let cases = [
            (
                "connection authorized: user=app database=shop application_name=shop-api",
                Some(ConnEvent::Connect),
            ),
            (
                "disconnection: session time: <*> user=app database=shop host=<*> port=<*>",
                Some(ConnEvent::Disconnect),
            ),
            (
                "remaining connection slots are reserved for non-replication superuser connections",
                Some(ConnEvent::Refused),
            ),
            ("sorry, too many clients already", Some(ConnEvent::Refused)),
            (
                "Connect app@localhost on shop using TCP/IP",
                Some(ConnEvent::Connect),
            ),
            ("Connect Access denied for user 'x'@'y'", None),
            ("Quit", Some(ConnEvent::Disconnect)),
            (
                "Aborted connection <*> to db: 'shop'",
                Some(ConnEvent::Disconnect),
            ),
            ("Too many connections", Some(ConnEvent::Refused)),
            ("connection received: host=<*> port=<*>", None),
            ("checkpoint complete: wrote <*> buffers", None),
            (
                "unexpected EOF on client connection with an open transaction",
                Some(ConnEvent::Disconnect),
            ),
        ];
        for (text, want) in cases {
            assert_eq!(c.classify(text), want, "{text}");
        }
    }

    #[test]
    fn the_gauge_pairs_sessions_and_counts_those_open_before_the_logs() {
        let g = Grid {
            start: 0,
            width: 10,
            n: 5,
        };
        let ev = [
            (1, ConnEvent::Disconnect, 7), // open before the logs began
            (12, ConnEvent::Connect, 1),
            (13, ConnEvent::Connect, 2),
            (14, ConnEvent::Connect, 3),
            (15, ConnEvent::Refused, 3), // authorized, then refused: not open
            (24, ConnEvent::Disconnect, 1),
            (25, ConnEvent::Disconnect, 1), // a second line about the same close
            (31, ConnEvent::Connect, 4),
            (33, ConnEvent::Connect, 5),
        ];
        let gauge = open_connections(&g, &ev).expect("a gauge");
        assert_eq!(gauge, vec![0.0, 2.0, 1.0, 3.0, 3.0]);
        assert!(open_connections(&g, &[(1, ConnEvent::Refused, 1)]).is_none());
    }

    #[test]
    fn a_gauge_needs_both_connects_and_disconnects() {
        let g = Grid {
            start: 0,
            width: 10,
            n: 3,
        };
        // Only aborted connections and refusals (an error log): no level.
        let aborted = [
            (1, ConnEvent::Disconnect, 4),
            (12, ConnEvent::Disconnect, 5),
            (13, ConnEvent::Refused, 0),
            (14, ConnEvent::Disconnect, 6),
        ];
        assert!(open_connections(&g, &aborted).is_none());
        assert_eq!(
            conn_counts(&g, &aborted, ConnEvent::Disconnect),
            vec![1, 2, 0]
        );
        assert_eq!(conn_counts(&g, &aborted, ConnEvent::Refused), vec![0, 1, 0]);
        // Only connects: no level either.
        assert!(open_connections(&g, &[(1, ConnEvent::Connect, 1)]).is_none());
    }

    #[test]
    fn regression_a_refusal_at_the_same_time_as_its_connect_closes_it() {
        // Index order may put the refusal first; the session still ends.
        let g = Grid {
            start: 0,
            width: 10,
            n: 1,
        };
        // (The source logs disconnections too: another session's, earlier.)
        let ev = [
            (1, ConnEvent::Disconnect, 3),
            (5, ConnEvent::Refused, 9),
            (5, ConnEvent::Connect, 9),
        ];
        assert_eq!(open_connections(&g, &ev), Some(vec![0.0]));
    }

    #[test]
    fn a_clock_correction_moves_every_time_of_its_source_only() {
        let g = Grid {
            start: 0,
            width: 10,
            n: 4,
        };
        let mut acc = Accumulator::new(g, 2);
        acc.set_shift(1, -20);
        let t = acc.template_id(1, "connection authorized: user=<*>");
        for source in [0, 1] {
            acc.add(
                source,
                &Row {
                    ts: 25,
                    template: (source == 1).then_some(t),
                    ..Row::default()
                },
            );
        }
        assert_eq!(acc.sources[0].events.dense(4), vec![0, 0, 1, 0]);
        assert_eq!(acc.sources[1].events.dense(4), vec![1, 0, 0, 0]);
        assert_eq!(acc.templates[t as usize].first_ts, 5);
        assert_eq!(acc.sources[1].conn_events[0].0, 5);
    }

    #[test]
    fn latency_quantiles_come_from_log_histograms() {
        let g = Grid {
            start: 0,
            width: 10,
            n: 2,
        };
        let mut acc = Accumulator::new(g, 1);
        for i in 0..100 {
            let d = if i < 90 { 0.010 } else { 3.0 };
            acc.add(
                0,
                &Row {
                    ts: 1,
                    status: Some(200),
                    duration: Some(d),
                    client: Some(i % 7),
                    ..Row::default()
                },
            );
        }
        let s = &acc.sources[0].dense(2);
        let p50 = s.latency_quantile(0.5);
        let p99 = s.latency_quantile(0.99);
        assert!((p50[0] - 0.010).abs() < 0.002, "{}", p50[0]);
        assert!((p99[0] - 3.0).abs() < 0.5, "{}", p99[0]);
        assert!(p50[1].is_nan());
        assert_eq!(s.bad[0], 10);
        assert_eq!(s.clients[0].len(), 7);
    }
}
