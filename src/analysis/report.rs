//! From accumulated series to the incident story: signals, divergences,
//! the impact window, change events and the first divergence.
//!
//! Everything here is pure: the index scan fills an [`Accumulator`], the
//! change events come in as plain values, and the result is data that the
//! CLI prints and the exports render.

use std::collections::{HashMap, HashSet};
use std::ops::Range;

use regex::Regex;
use serde::{Deserialize, Serialize};

use super::distinct::Distinct;
use super::divergence::{detect, detect_sparse, DetectorOptions, Direction, Divergence};
use super::signals::{conn_counts, open_connections, Accumulator, ConnEvent, Grid, SourceSeries};

/// What the analysis knows of a source.
#[derive(Debug, Clone)]
pub struct SourceInfo {
    /// Name.
    pub name: String,
    /// Kind (`load-balancer`, `app`, `database`, `system`).
    pub kind: String,
}

/// One bucketed series.
#[derive(Debug, Clone, Serialize)]
pub struct Signal {
    /// `source.metric`.
    pub name: String,
    /// Source name.
    pub source: String,
    /// Source kind.
    pub kind: String,
    /// Metric name.
    pub metric: String,
    /// Value per bucket (NaN = no data).
    #[serde(skip)]
    pub values: Vec<f64>,
    /// The smallest deviation that matters, in the signal's units.
    #[serde(skip)]
    pub min_spread: f64,
    /// Whether users feel this signal directly (errors and latency at the edge).
    #[serde(skip)]
    pub user_facing: bool,
    /// Generic activity (event counts): weaker evidence than a specific metric.
    #[serde(skip)]
    pub generic: bool,
    /// A rate of counted events (`value × bucket width` is a count), which
    /// the detector reads as counts when its baseline is silence.
    #[serde(skip)]
    pub counts: bool,
}

/// A source is a request log when at least this share of its events are
/// requests (records with an HTTP status), whatever its syntax.
const REQUEST_LOG_SHARE: u64 = 4;

/// Whether a source logs requests (one record per request, with a status).
fn request_log(s: &SourceSeries) -> bool {
    let requests = s.requests.total();
    requests > 0 && requests * REQUEST_LOG_SHARE >= s.events.total()
}

/// The sources with the tier their records show: a request log whose
/// records name an upstream time passed the requests on, so it is a proxy
/// (the load-balancer tier) whatever format wrote it — nginx or Envoy
/// access logs in JSON read as application logs by their syntax.
pub fn effective_sources(acc: &Accumulator, sources: &[SourceInfo]) -> Vec<SourceInfo> {
    sources
        .iter()
        .zip(&acc.sources)
        .map(|(info, s)| {
            let mut info = info.clone();
            if info.kind != "load-balancer" && request_log(s) && s.proxied * 2 >= s.requests.total()
            {
                info.kind = "load-balancer".to_string();
            }
            info
        })
        .collect()
}

/// How deep in the path of a request a tier sits (0: the edge).
fn depth(kind: &str) -> u8 {
    match kind {
        "load-balancer" => 0,
        "database" | "system" => 2,
        _ => 1,
    }
}

/// Which sources are the edge: the request logs of the outermost tier that
/// logs requests (the load balancer's; the application's when nothing in
/// front of it logs them). Users feel what these record.
fn edges(acc: &Accumulator, sources: &[SourceInfo]) -> Vec<bool> {
    let logs: Vec<bool> = acc.sources.iter().map(request_log).collect();
    let outer = sources
        .iter()
        .zip(&logs)
        .filter(|(_, &l)| l)
        .map(|(i, _)| depth(&i.kind))
        .min();
    sources
        .iter()
        .zip(&logs)
        .map(|(i, &l)| l && Some(depth(&i.kind)) == outer)
        .collect()
}

/// Builds every signal of every source.
pub fn signals(acc: &Accumulator, sources: &[SourceInfo]) -> Vec<Signal> {
    signals_of(acc, sources, |_| true)
}

/// Builds the signals of the sources (by index) `keep` keeps.
pub fn signals_of(
    acc: &Accumulator,
    sources: &[SourceInfo],
    keep: impl Fn(usize) -> bool,
) -> Vec<Signal> {
    let edges = edges(acc, sources);
    (0..sources.len().min(acc.sources.len()))
        .filter(|&k| keep(k))
        .flat_map(|k| source_signals(acc, sources, &edges, k))
        .collect()
}

/// Builds the signals of source `k` (`edges`: which sources are the edge).
fn source_signals(
    acc: &Accumulator,
    sources: &[SourceInfo],
    edges: &[bool],
    k: usize,
) -> Vec<Signal> {
    let mut out = Vec::new();
    let w = acc.grid.width_secs();
    let (Some(series), Some(info), Some(&edge)) =
        (acc.sources.get(k), sources.get(k), edges.get(k))
    else {
        return out;
    };
    {
        let conn_events = &series.conn_events;
        let series = &series.dense(acc.grid.n);
        let mut push =
            |metric: &str, values: Vec<f64>, min_spread: f64, user_facing: bool, generic: bool| {
                if values.iter().any(|v| v.is_finite() && *v != 0.0) {
                    out.push(Signal {
                        name: format!("{}.{metric}", info.name),
                        source: info.name.clone(),
                        kind: info.kind.clone(),
                        metric: metric.to_string(),
                        values,
                        min_spread,
                        user_facing,
                        generic,
                        counts: matches!(
                            metric,
                            "events"
                                | "warnings"
                                | "errors"
                                | "requests"
                                | "slow_queries"
                                | "disconnections"
                                | "refused_connections"
                        ),
                    });
                }
            };
        let rate = |v: &[u32]| v.iter().map(|&c| f64::from(c) / w).collect::<Vec<_>>();
        let count_spread = 1.0 / w;
        push("events", rate(&series.events), count_spread, false, true);
        push(
            "warnings",
            rate(&series.warnings),
            count_spread,
            false,
            false,
        );
        push("errors", rate(&series.errors), count_spread, false, false);
        if series.requests.iter().any(|&r| r > 0) {
            push(
                "requests",
                rate(&series.requests),
                count_spread,
                false,
                false,
            );
            push(
                "5xx_ratio",
                ratio(&series.status_5xx, &series.requests),
                0.02,
                edge,
                false,
            );
            push(
                "4xx_ratio",
                ratio(&series.status_4xx, &series.requests),
                0.02,
                false,
                false,
            );
            push(
                "bad_ratio",
                ratio(&series.bad, &series.requests),
                0.02,
                edge,
                false,
            );
        }
        if !series.latency.is_empty() {
            for (q, name) in [
                (0.5, "latency_p50"),
                (0.95, "latency_p95"),
                (0.99, "latency_p99"),
            ] {
                push(name, series.latency_quantile(q), 0.01, edge, false);
            }
        }
        if !series.clients.is_empty() {
            let distinct = series.clients.iter().map(|c| c.len() as f64).collect();
            push("clients", distinct, 1.0, false, true);
        }
        if series.queries.iter().any(|&q| q > 0) {
            push(
                "slow_queries",
                rate(&series.queries),
                count_spread,
                false,
                false,
            );
            let mean: Vec<f64> = series
                .query_time
                .iter()
                .zip(&series.queries)
                .map(|(t, &n)| if n > 0 { t / f64::from(n) } else { f64::NAN })
                .collect();
            push("query_time", mean, 0.01, false, false);
        }
        // A level where both connects and disconnects are logged; rates of
        // what is logged otherwise (aborted connections in an error log).
        let gauge = open_connections(&acc.grid, conn_events);
        let count = |ev| conn_counts(&acc.grid, conn_events, ev);
        if gauge.is_none() {
            push(
                "disconnections",
                rate(&count(ConnEvent::Disconnect)),
                count_spread,
                false,
                false,
            );
        }
        if let Some(gauge) = gauge {
            push("connections", gauge, 1.0, false, false);
        }
        push(
            "refused_connections",
            rate(&count(ConnEvent::Refused)),
            count_spread,
            false,
            false,
        );
    }
    out
}

fn ratio(num: &[u32], den: &[u32]) -> Vec<f64> {
    num.iter()
        .zip(den)
        .map(|(&a, &b)| {
            if b == 0 {
                f64::NAN
            } else {
                f64::from(a) / f64::from(b)
            }
        })
        .collect()
}

/// A divergence of a named signal, with times.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct SignalDivergence {
    /// Signal name (`source.metric`).
    pub signal: String,
    /// Source.
    pub source: String,
    /// Source kind.
    pub kind: String,
    /// Onset, µs.
    pub onset: i64,
    /// When it was back to baseline, µs (`None`: never).
    pub end: Option<i64>,
    /// Up or down.
    pub direction: Direction,
    /// Strength.
    pub score: f64,
    /// Came back before the impact (or, with no impact, at all).
    pub transient: bool,
    /// Baseline level and the peak value, in the signal's units.
    pub baseline: f64,
    /// Peak value.
    pub peak: f64,
    /// Time of the peak, µs.
    pub peak_time: i64,
    #[serde(skip)]
    generic: bool,
    #[serde(skip)]
    user_facing: bool,
    /// How far the peak got from the baseline level, in the baseline
    /// band's spreads on that side.
    #[serde(skip)]
    height: f64,
    /// How uncertain the onset is, µs: how far a fitted ramp moved it back.
    #[serde(skip)]
    uncertainty: i64,
}

impl SignalDivergence {
    fn metric_is_ratio(&self) -> bool {
        self.signal.ends_with("_ratio")
    }

    /// The metric's name (the signal without its source).
    fn metric(&self) -> &str {
        self.signal
            .strip_prefix(self.source.as_str())
            .and_then(|m| m.strip_prefix('.'))
            .unwrap_or(&self.signal)
    }
}

/// The window when users were hurt.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Impact {
    /// Start, µs.
    pub start: i64,
    /// End (recovery), µs.
    pub end: i64,
    /// Requests in the window.
    pub requests: u64,
    /// Failed (5xx) requests in the window.
    pub failed_requests: u64,
    /// Slow (> 2 s) or failed requests in the window.
    pub bad_requests: u64,
    /// Distinct clients in the window.
    pub clients: u64,
    /// Distinct clients that saw a 5xx or a response slower than 2 s.
    pub affected_clients: u64,
    /// Highest share of failed requests in one bucket.
    pub peak_error_ratio: f64,
    /// The signal the window was read from.
    pub signal: String,
    /// Its source.
    pub source: String,
}

/// What kind of change an event is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ChangeKind {
    /// A new version started (deploy).
    Deploy,
    /// A process or server (re)started or stopped.
    Restart,
    /// A configuration reload.
    Reload,
    /// A schema change (DDL).
    Schema,
    /// A load-balancer backend went down or up.
    Backend,
}

/// A change found in the logs.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ChangeEvent {
    /// Time, µs.
    pub time: i64,
    /// Source.
    pub source: String,
    /// Kind of change.
    pub kind: ChangeKind,
    /// The message that shows it.
    pub description: String,
    /// Where it is: file and line.
    pub file: String,
    /// Line.
    pub line: u64,
    /// Byte offset of the record in its (decompressed) file.
    #[serde(default)]
    pub offset: u64,
}

/// Routine messages that use the words of changes (`checkpoint starting`).
pub fn routine_pattern() -> Regex {
    Regex::new(r"(?i)checkpoint|vacuum|\banalyze\b|rotat(e|ing|ion)")
        .expect("valid built-in pattern")
}

/// Templates that announce changes, with their kind. Checked on the
/// masked template (digits are `<*>`), so they are about words only.
pub fn change_patterns() -> Vec<(ChangeKind, Regex)> {
    let r = |p: &str| Regex::new(p).expect("valid built-in pattern");
    vec![
        (
            ChangeKind::Schema,
            r(r"(?i)\b(alter|create|drop)\s+(table|index)\b"),
        ),
        (
            ChangeKind::Backend,
            r(r"(?i)\bis (down|up)\b|has no server available|\bmarked (down|up)\b"),
        ),
        (
            ChangeKind::Reload,
            r(r"(?i)reloading|configuration files? (changed|reloaded)|received sighup"),
        ),
        (
            ChangeKind::Deploy,
            r(r"(?i)\bversion\b|\bdeploy(ed|ing|ment)?\b|\brelease\b"),
        ),
        (
            ChangeKind::Restart,
            r(
                r"(?i)(^|[\s:])(starting|started|booting|boot(ed)?|restart(ing|ed)?|ready to accept|ready for connections|listening (on|at)|shutting down|shutdown request|worker exiting|handling signal|exiting)\b",
            ),
        ),
    ]
}

/// The time range used as baseline: the first fifth of the span (at least
/// 30 buckets when there are that many), or the user's choice.
pub fn default_baseline(grid: &Grid) -> Range<usize> {
    let n = (grid.n / 5).max(30.min(grid.n));
    0..n.max(1)
}

/// The result of an analysis.
#[derive(Debug, Clone, Serialize)]
pub struct Analysis {
    /// The grid.
    pub grid: Grid,
    /// Every divergence, strongest first.
    pub divergences: Vec<SignalDivergence>,
    /// The impact window, if users were hurt.
    pub impact: Option<Impact>,
    /// The first divergence and how it relates to the impact.
    pub first: Option<FirstDivergence>,
    /// Changes found.
    pub changes: Vec<ChangeEvent>,
}

/// The earliest lasting departure before the impact.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct FirstDivergence {
    /// The divergence.
    pub divergence: SignalDivergence,
    /// Seconds from its onset to the impact start.
    pub lead_seconds: f64,
    /// The change that likely caused it: the last change before the onset.
    pub change: Option<ChangeEvent>,
}

/// Analyses the signals.
pub fn analyse(
    acc: &Accumulator,
    sources: &[SourceInfo],
    baseline: Range<usize>,
    changes: Vec<ChangeEvent>,
) -> Analysis {
    let grid = acc.grid;
    let tiers = effective_sources(acc, sources);
    let sources = tiers.as_slice();
    let mut all: Vec<SignalDivergence> = Vec::new();
    let w = grid.width_secs();
    // One source at a time: its signals are made, searched and dropped.
    let edges = edges(acc, sources);
    let mut edge_signals: Vec<String> = Vec::new();
    for s in (0..sources.len()).flat_map(|k| source_signals(acc, sources, &edges, k)) {
        if s.user_facing && s.metric == "bad_ratio" {
            edge_signals.push(s.name.clone());
        }
        let opts = DetectorOptions {
            min_spread: s.min_spread,
            ..DetectorOptions::default()
        };
        let b = super::divergence::baseline(&s.values, baseline.clone(), s.min_spread);
        // A count whose baseline is silence is read as counts (see `detect_sparse`).
        let sparse = if s.counts {
            let counts: Vec<f64> = s.values.iter().map(|v| (v * w).round()).collect();
            detect_sparse(&counts, baseline.clone(), &opts)
        } else {
            None
        };
        for d in sparse.unwrap_or_else(|| detect(&s.values, baseline.clone(), &opts)) {
            all.push(to_signal_divergence(&grid, &s, &d, b));
        }
    }
    let impact = impact(acc, sources, &edge_signals, &all, baseline.clone());
    let impact_start = impact.as_ref().map(|i| i.start);
    for d in &mut all {
        d.transient = match (d.end, impact_start) {
            (Some(end), Some(start)) => end <= start,
            (Some(_), None) => true,
            (None, _) => false,
        };
    }
    let first = impact
        .as_ref()
        .and_then(|imp| first_divergence(&grid, &all, imp, &changes, &openings(acc, sources)));
    all.sort_by(|a, b| b.score.total_cmp(&a.score));
    Analysis {
        grid,
        divergences: all,
        impact,
        first,
        changes,
    }
}

fn to_signal_divergence(
    grid: &Grid,
    s: &Signal,
    d: &Divergence,
    b: Option<super::divergence::Baseline>,
) -> SignalDivergence {
    let level = b.map_or(0.0, |b| b.level);
    let peak = s.values.get(d.peak).copied().unwrap_or(f64::NAN);
    let spread = b.map_or(1.0, |b| match d.direction {
        Direction::Up => b.up,
        Direction::Down => b.down,
    });
    SignalDivergence {
        signal: s.name.clone(),
        source: s.source.clone(),
        kind: s.kind.clone(),
        onset: grid.time_of(d.onset),
        end: d.end.map(|e| grid.time_of(e)),
        direction: d.direction,
        score: (d.score * 10.0).round() / 10.0,
        transient: false,
        baseline: level,
        peak,
        peak_time: grid.time_of(d.peak),
        generic: s.generic,
        user_facing: s.user_facing,
        height: ((peak - level).abs() / spread).max(0.0),
        uncertainty: d.refit as i64 * grid.width,
    }
}

/// The impact window: the first lasting rise of the share of bad responses
/// at the edge (load balancer), else of application errors.
fn impact(
    acc: &Accumulator,
    sources: &[SourceInfo],
    edge: &[String],
    divs: &[SignalDivergence],
    baseline: Range<usize>,
) -> Option<Impact> {
    let grid = acc.grid;
    let candidates: Vec<&SignalDivergence> = divs
        .iter()
        .filter(|d| d.direction == Direction::Up)
        .filter(|d| {
            if edge.is_empty() {
                d.kind == "app" && d.signal.ends_with(".errors")
            } else {
                edge.contains(&d.signal)
            }
        })
        .collect();
    // The strongest departure is the outage; it starts with the first bad
    // response of the run that leads into it (gaps of a few buckets allowed).
    let main = candidates
        .iter()
        .max_by(|a, b| a.score.total_cmp(&b.score))?;
    // Users were hurt from the first of the episodes that lead into it
    // without a return to the baseline (a plateau, then a jump).
    let mut first: &SignalDivergence = main;
    while let Some(earlier) = candidates
        .iter()
        .find(|d| d.signal == first.signal && d.end == Some(first.onset))
    {
        first = earlier;
    }
    let start = run_start(acc, sources, first, &baseline);
    let end = main.end.unwrap_or(grid.time_of(grid.n));
    let (b0, b1) = (
        grid.bucket(start).unwrap_or(0),
        grid.bucket(end).unwrap_or(grid.n),
    );
    let mut imp = Impact {
        start,
        end,
        signal: main.signal.clone(),
        source: main.source.clone(),
        ..Impact::default()
    };
    let mut clients = Distinct::default();
    let mut affected: HashSet<u64> = HashSet::new();
    for (series, info) in acc.sources.iter().zip(sources) {
        if edge.is_empty() || info.name != main.source {
            continue;
        }
        add_window(series, b0..b1, &mut imp, &mut clients, &mut affected);
    }
    if edge.is_empty() {
        if let Some((series, _)) = acc
            .sources
            .iter()
            .zip(sources)
            .find(|(_, i)| i.name == main.source)
        {
            imp.failed_requests = series
                .errors
                .iter()
                .filter(|(b, _)| (b0..b1.min(grid.n)).contains(b))
                .map(|(_, &c)| u64::from(c))
                .sum();
        }
    }
    imp.clients = clients.len();
    imp.affected_clients = affected.len() as u64;
    Some(imp)
}

/// Walks back from a divergence's onset over the buckets of its source that
/// still had bad responses (or errors), allowing gaps of up to 3 buckets.
fn run_start(
    acc: &Accumulator,
    sources: &[SourceInfo],
    d: &SignalDivergence,
    baseline: &Range<usize>,
) -> i64 {
    let grid = acc.grid;
    let Some(series) = sources
        .iter()
        .position(|s| s.name == d.source)
        .and_then(|i| acc.sources.get(i))
    else {
        return d.onset;
    };
    let bad = if d.metric_is_ratio() {
        &series.bad
    } else {
        &series.errors
    };
    let Some(mut b) = grid.bucket(d.onset) else {
        return d.onset;
    };
    // Users were hurt from the first bad response: a gradual rise is dated
    // at its knee, which may come before it.
    let until = d.end.and_then(|e| grid.bucket(e)).unwrap_or(grid.n);
    if let Some(first) = (b..until).find(|&t| bad.get(t).copied().unwrap_or(0) > 0) {
        b = first;
    }
    let mut t = b;
    while t > 0 && b - (t - 1) <= 4 {
        t -= 1;
        if bad.get(t).copied().unwrap_or(0) > 0 {
            b = t;
        }
    }
    // The trickle is of failures (a slow response alone is not one).
    let failed = if d.metric_is_ratio() {
        &series.status_5xx
    } else {
        &series.errors
    };
    let count = |t: usize| failed.get(t).copied().unwrap_or(0);
    if let Some(s) = trickle_start(&count, baseline, b, until) {
        b = b.min(s);
    }
    grid.time_of(b)
}

/// Log-likelihood ratio a trickle must reach to be one.
const MIN_TRICKLE_LLR: f64 = 10.0;

/// Where a trickle of bad responses that leads into the episode from
/// bucket `to` to bucket `until` began, if
/// there is one: the change point, after the baseline, of a Poisson rate
/// from the baseline's to a higher one that best explains the counts (a
/// pool that times out now and then, then more and more, hurts users long
/// before the rise the detector sees). A start is one trickle with what
/// follows only if no silence in between is longer than the trouble after
/// it (so a restart's few 502s minutes earlier stay apart). `None` when no start explains the counts much better than the
/// baseline's rate.
fn trickle_start(
    count: &dyn Fn(usize) -> u32,
    baseline: &Range<usize>,
    to: usize,
    until: usize,
) -> Option<usize> {
    let base_len = baseline.len().max(1) as f64;
    let base: f64 = baseline.clone().map(|t| f64::from(count(t))).sum();
    // Half an event over the baseline when it had none: never a zero rate.
    let l0 = (base + 0.5) / base_len;
    let mut best: Option<(f64, usize)> = None;
    let (mut sum, mut silence, mut later) = (0.0, 0usize, to);
    for s in (baseline.end.min(to)..to).rev() {
        let c = count(s);
        if c == 0 {
            silence += 1;
            continue;
        }
        // A silence longer than the trouble after it: what came before
        // was another episode.
        if silence > until.max(to) - later {
            break;
        }
        silence = 0;
        later = s;
        sum += f64::from(c);
        let len = (to - s) as f64;
        let l1 = sum / len;
        if l1 <= l0 {
            continue;
        }
        let llr = sum * (l1 / l0).ln() - len * (l1 - l0);
        if best.is_none_or(|(v, _)| llr > v) {
            best = Some((llr, s));
        }
    }
    let (llr, s) = best?;
    (llr >= MIN_TRICKLE_LLR).then_some(s)
}

fn add_window(
    s: &SourceSeries,
    window: Range<usize>,
    imp: &mut Impact,
    clients: &mut Distinct,
    affected: &mut HashSet<u64>,
) {
    let count = |c: &super::signals::Buckets<u32>, b: usize| c.get(b).copied().unwrap_or(0);
    for (b, &requests) in s.requests.iter() {
        if !window.contains(&b) {
            continue;
        }
        imp.requests += u64::from(requests);
        imp.failed_requests += u64::from(count(&s.status_5xx, b));
        imp.bad_requests += u64::from(count(&s.bad, b));
        if requests > 0 {
            let r = f64::from(count(&s.status_5xx, b)) / f64::from(requests);
            imp.peak_error_ratio = imp.peak_error_ratio.max((r * 1000.0).round() / 1000.0);
        }
        if let Some(c) = s.clients.get(b) {
            clients.merge(c);
        }
    }
    for (b, c) in s.bad_clients.iter() {
        if window.contains(&b) {
            affected.extend(c);
        }
    }
}

/// The earliest significant lasting departure that precedes the impact.
/// Onsets within a few buckets of each other are one wave: within it,
/// specific signals (a gauge, a latency, an error rate) are preferred over
/// generic activity counts; among specific signals within a tie, the one
/// where the change likely began (see [`origin_rank`]), then the earliest,
/// then the strongest.
/// Spreads from its baseline a first divergence must reach.
const MIN_CAUSE_HEIGHT: f64 = 3.0;

/// How long a source's opening lasts: the start-up lines a log begins with
/// describe what was running when the logs begin, not a change.
const OPENING_US: i64 = 30_000_000;

/// Per source, when its opening ends: [`OPENING_US`] (or three buckets)
/// after its first bucket with events.
fn openings(acc: &Accumulator, sources: &[SourceInfo]) -> HashMap<String, i64> {
    let grid = acc.grid;
    acc.sources
        .iter()
        .zip(sources)
        .filter_map(|(s, info)| {
            let first = s.events.first()?;
            let end = grid.time_of(first) + OPENING_US.max(3 * grid.width);
            Some((info.name.clone(), end))
        })
        .collect()
}

/// `openings` says, per source, until when its lines are its opening (see
/// [`openings`]): changes there are not candidates for the cause.
fn first_divergence(
    grid: &Grid,
    all: &[SignalDivergence],
    imp: &Impact,
    changes: &[ChangeEvent],
    openings: &HashMap<String, i64>,
) -> Option<FirstDivergence> {
    // Candidates: lasting departures that begin before the impact. The
    // edge's own error and latency signals are the impact itself, not its cause.
    let mut lasting: Vec<&SignalDivergence> = all
        .iter()
        .filter(|d| !d.transient && d.onset < imp.start && d.signal != imp.signal)
        .filter(|d| d.end.is_none_or(|e| e >= imp.start))
        .filter(|d| !d.user_facing)
        // A departure that never gets three spreads from its baseline (a
        // pool that opens two more connections and keeps them) is a wobble,
        // however long it lasts, not what set the incident off.
        .filter(|d| d.height.is_nan() || d.height >= MIN_CAUSE_HEIGHT)
        .collect();
    lasting.sort_by(|a, b| a.onset.cmp(&b.onset).then(b.score.total_cmp(&a.score)));
    // The earliest specific signal (traffic, a gauge, a latency, an error
    // rate) wins; onsets within a few buckets are a tie, won by the likelier
    // origin, then the earlier, then the stronger (strength in spreads does
    // not compare across signals: a latency with a tight baseline scores
    // far above the slow queries behind it).
    // Generic activity counts only serve when no specific signal moved
    // within a wave of them.
    let wave = (grid.width * 30).max(60_000_000);
    let tie = grid.width * 3;
    let earliest_generic = lasting.iter().find(|d| d.generic).map(|d| d.onset);
    let specific: Vec<&&SignalDivergence> = lasting
        .iter()
        .filter(|d| !d.generic && earliest_generic.is_none_or(|g| d.onset <= g + wave))
        .collect();
    let chosen = match specific.first() {
        // A ramp's knee is dated within about as far as the fit moved it.
        Some(first) => specific
            .iter()
            .filter(|d| d.onset <= first.onset + tie.max(first.uncertainty))
            .max_by(|a, b| {
                origin_rank(a)
                    .cmp(&origin_rank(b))
                    .then(b.onset.cmp(&a.onset))
                    .then(a.score.total_cmp(&b.score))
            })
            .copied()?,
        None => lasting.first()?,
    };
    let lead_seconds = (imp.start - chosen.onset) as f64 / 1e6;
    // The likely cause: the last change at or before the onset (allowing
    // the same few buckets as a tie: a deploy often names its version only
    // once the new process is up, after its migration ran and the old
    // workers stopped), preferring a deploy that names a version not named
    // before (a log file's banner repeats the running server's version).
    // A process's start-up line at the top of its log states the version
    // that was running (it still counts as seen: a later restart of the same
    // version is no new one); with no change after the openings, no cause.
    let fresh = new_versions(changes);
    let before: Vec<(&ChangeEvent, bool)> = changes
        .iter()
        .zip(fresh)
        .filter(|(c, _)| c.time <= chosen.onset + tie)
        .filter(|(c, _)| openings.get(&c.source).is_none_or(|&end| c.time >= end))
        .collect();
    let change = before.last().map(|&(last, _)| {
        let cluster_start = last.time - 30_000_000;
        before
            .iter()
            .filter(|(c, _)| c.time >= cluster_start)
            .max_by_key(|&&(c, fresh)| {
                (
                    c.kind == ChangeKind::Deploy && fresh,
                    c.kind == ChangeKind::Deploy,
                    has_version(&c.description),
                    c.time,
                )
            })
            .map_or_else(|| last.clone(), |(c, _)| (*c).clone())
    });
    Some(FirstDivergence {
        divergence: (*chosen).clone(),
        lead_seconds,
        change,
    })
}

/// Where, among signals that moved within the same few buckets, the change
/// most likely began (higher: likelier). Requests enter at the edge and are
/// served at the back: more demand shows first at the edge and explains
/// the rest, while a change in how the work is done (slower queries, held
/// connections, errors) shows first at the back and reaches the tiers in
/// front of it within the same buckets. So request rates come first, read
/// from the edge inwards; every other signal is read from the back outwards.
fn origin_rank(d: &SignalDivergence) -> (bool, u8) {
    let depth = match d.kind.as_str() {
        "load-balancer" => 0,
        "database" | "system" => 2,
        _ => 1,
    };
    if d.metric() == "requests" {
        (true, 2 - depth)
    } else {
        (false, depth)
    }
}

/// The version numbers a message names (`1.4.2`, `10.11.6`).
fn versions(s: &str) -> impl Iterator<Item = &str> {
    s.split(|c: char| !(c.is_ascii_digit() || c == '.'))
        .filter(|t| t.matches('.').count() >= 1 && t.split('.').all(|p| !p.is_empty()))
}

fn has_version(s: &str) -> bool {
    versions(s).next().is_some()
}

/// For each change (in time order), whether it names a version that no
/// change before it named.
fn new_versions(changes: &[ChangeEvent]) -> Vec<bool> {
    let mut seen: HashSet<&str> = HashSet::new();
    changes
        .iter()
        .map(|c| {
            let mut new = false;
            for v in versions(&c.description) {
                new |= seen.insert(v);
            }
            new
        })
        .collect()
}

/// A message template first seen after the baseline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewTemplate {
    /// Source.
    pub source: String,
    /// The template.
    pub text: String,
    /// First occurrence, µs.
    pub first: i64,
    /// Occurrences.
    pub count: u64,
    /// The most severe level it was logged at.
    pub level: TemplateLevel,
}

/// How severe a template's records were (the most severe of them).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TemplateLevel {
    /// Logged at error level or above at least once.
    Error,
    /// Logged at warning level at least once.
    Warn,
    /// Never above info.
    Info,
}

impl TemplateLevel {
    /// `error`, `warn` or `info`.
    pub fn as_str(self) -> &'static str {
        match self {
            TemplateLevel::Error => "error",
            TemplateLevel::Warn => "warn",
            TemplateLevel::Info => "info",
        }
    }
}

/// At most this many warning/error templates are reported.
const MAX_NEW_ALARMING: usize = 50;

/// At most this many other (info, debug…) templates are reported.
const MAX_NEW_ROUTINE: usize = 10;

/// An info template that recurs this often after its first sight is a new
/// behaviour, not a one-off line.
const MIN_ROUTINE_REPEATS: u64 = 10;

/// Templates first seen at or after `baseline_end`: every warning/error one
/// (up to a cap), and of the others only those that recur or that first
/// appear within `near` µs of one of `moments` (the first divergence, the
/// impact), those near a moment first, then the most frequent — so a quiet
/// log does not produce a wall of one-off lines. In time order.
pub fn new_templates(
    acc: &Accumulator,
    sources: &[SourceInfo],
    baseline_end: i64,
    moments: &[i64],
    near: i64,
) -> Vec<NewTemplate> {
    use super::signals::Severity;
    let fresh = acc
        .templates
        .iter()
        .filter(|t| t.first_ts >= baseline_end && t.first_ts != i64::MAX && t.count > 0);
    let mut alarming = Vec::new();
    let mut routine = Vec::new();
    for t in fresh {
        let Some(info) = sources.get(t.source) else {
            continue;
        };
        let close = moments.iter().any(|&m| (t.first_ts - m).abs() <= near);
        let item = NewTemplate {
            source: info.name.clone(),
            text: t.text.clone(),
            first: t.first_ts,
            count: t.count,
            level: match t.severity {
                Severity::Error => TemplateLevel::Error,
                Severity::Warn => TemplateLevel::Warn,
                Severity::Normal => TemplateLevel::Info,
            },
        };
        if t.severity >= Severity::Warn {
            alarming.push(item);
        } else if close || t.count >= MIN_ROUTINE_REPEATS {
            routine.push((close, item));
        }
    }
    // Templates come in the index's segment order, which differs from one
    // ingest to the next: every order here is total.
    let key = |t: &NewTemplate| (t.first, t.source.clone(), t.text.clone());
    alarming.sort_by_key(key);
    alarming.truncate(MAX_NEW_ALARMING);
    routine.sort_by(|a, b| {
        b.0.cmp(&a.0)
            .then(b.1.count.cmp(&a.1.count))
            .then_with(|| key(&a.1).cmp(&key(&b.1)))
    });
    alarming.extend(routine.into_iter().take(MAX_NEW_ROUTINE).map(|r| r.1));
    alarming.sort_by_key(key);
    alarming
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::signals::{Row, Severity};

    /// A lasting upward divergence of `source.metric` from `at` seconds.
    fn lasting(source: &str, kind: &str, metric: &str, at: i64, score: f64) -> SignalDivergence {
        SignalDivergence {
            signal: format!("{source}.{metric}"),
            source: source.into(),
            kind: kind.into(),
            onset: at * 1_000_000,
            end: None,
            direction: Direction::Up,
            score,
            transient: false,
            baseline: 0.0,
            peak: 1.0,
            peak_time: at * 1_000_000,
            generic: false,
            user_facing: false,
            height: f64::NAN,
            uncertainty: 0,
        }
    }

    /// A grid of 600 one-second buckets and an impact from bucket 300.
    fn ten_minutes_hurt_from_minute_five() -> (Grid, Impact) {
        let grid = Grid {
            start: 0,
            width: 1_000_000,
            n: 600,
        };
        let imp = Impact {
            start: 300_000_000,
            signal: "lb.bad_ratio".into(),
            ..Impact::default()
        };
        (grid, imp)
    }

    #[test]
    fn the_impact_starts_with_the_first_of_the_episodes_that_lead_into_it() {
        // At the edge, two responses in ten fail in every fifth bucket from
        // bucket 300 (gaps too long for the walk back over bad buckets),
        // then most of them from bucket 420: two episodes, one impact.
        let grid = Grid {
            start: 0,
            width: 1_000_000,
            n: 600,
        };
        let mut acc = Accumulator::new(grid, 1);
        for b in 0..600i64 {
            for r in 0..10 {
                let failed = match b {
                    300..420 => b % 5 == 0 && r < 2,
                    420.. => r < 8,
                    _ => false,
                };
                let row = Row {
                    ts: b * 1_000_000 + r * 10_000,
                    status: Some(if failed { 502 } else { 200 }),
                    duration: Some(0.01),
                    ..Row::default()
                };
                acc.add(0, &row);
            }
        }
        let sources = [SourceInfo {
            name: "lb".into(),
            kind: "load-balancer".into(),
        }];
        let a = analyse(&acc, &sources, 0..120, Vec::new());
        let episodes: Vec<i64> = a
            .divergences
            .iter()
            .filter(|d| d.signal == "lb.bad_ratio")
            .map(|d| d.onset / 1_000_000)
            .collect();
        assert!(episodes.contains(&420), "{episodes:?}");
        let imp = a.impact.expect("an impact");
        assert!(
            (300_000_000..=320_000_000).contains(&imp.start),
            "{}",
            imp.start
        );
        assert!(imp.failed_requests >= 180 * 8 + 2 * 20, "{imp:?}");
    }

    #[test]
    fn the_cause_is_the_deploy_of_a_new_version_not_a_banner_repeating_the_old_one() {
        let (grid, imp) = ten_minutes_hurt_from_minute_five();
        let change = |at: f64, source: &str, kind: ChangeKind, description: &str| ChangeEvent {
            time: (at * 1e6) as i64,
            source: source.into(),
            kind,
            description: description.into(),
            file: format!("{source}.log"),
            line: 1,
            offset: 0,
        };
        let changes = [
            change(0.0, "db", ChangeKind::Restart, "Starting server 10.11.6"),
            change(
                1.0,
                "app",
                ChangeKind::Deploy,
                "starting shop-api version=3.2.0",
            ),
            // The deploy: its migration, the old workers stopping, a log
            // file's banner (the server's version, again), and the new
            // version's start a second after the first slow query.
            change(
                190.0,
                "db",
                ChangeKind::Schema,
                "ALTER TABLE orders DROP INDEX i",
            ),
            change(
                190.0,
                "db-slow",
                ChangeKind::Deploy,
                "server, Version: 10.11.6 started with:",
            ),
            change(190.4, "app", ChangeKind::Restart, "shutting down"),
            change(
                191.1,
                "app",
                ChangeKind::Deploy,
                "starting shop-api version=3.3.0",
            ),
            // The fix, long after.
            change(
                250.0,
                "app",
                ChangeKind::Deploy,
                "starting shop-api version=3.3.1",
            ),
        ];
        let slow = [lasting("db-slow", "database", "slow_queries", 190, 700.0)];
        let first = first_divergence(&grid, &slow, &imp, &changes, &HashMap::new())
            .expect("a first divergence");
        let cause = first.change.expect("a cause");
        assert_eq!(cause.description, "starting shop-api version=3.3.0");
    }

    #[test]
    fn in_a_tie_slowness_is_read_from_the_back_and_demand_from_the_edge() {
        let (grid, imp) = ten_minutes_hurt_from_minute_five();
        let first = |all: &[SignalDivergence]| {
            first_divergence(&grid, all, &imp, &[], &HashMap::new()).map(|f| f.divergence.signal)
        };
        // Queries turn slow: the app's latency (tight baseline, huge score)
        // moves in the same bucket as the slow-query log, the connections
        // the slow queries hold a bucket later.
        let slow = [
            lasting("app", "app", "latency_p99", 200, 344_000.0),
            lasting("db-slow", "database", "slow_queries", 201, 700.0),
            lasting("db", "database", "connections", 202, 6_700.0),
            lasting("app", "app", "latency_p50", 202, 188_000.0),
        ];
        assert_eq!(first(&slow).as_deref(), Some("db-slow.slow_queries"));
        // Demand surges: the edge's request rate, though not the strongest.
        let surge = [
            lasting("lb", "load-balancer", "requests", 200, 1_700.0),
            lasting("app", "app", "requests", 200, 1_750.0),
            lasting("db", "database", "connections", 201, 300.0),
        ];
        assert_eq!(first(&surge).as_deref(), Some("lb.requests"));
        // Outside a tie, the earliest still wins.
        let apart = [
            lasting("app", "app", "latency_p99", 150, 344_000.0),
            lasting("db-slow", "database", "slow_queries", 201, 700.0),
        ];
        assert_eq!(first(&apart).as_deref(), Some("app.latency_p99"));
    }

    #[test]
    fn a_lasting_wobble_of_a_few_spreads_is_not_the_first_divergence() {
        let (grid, imp) = ten_minutes_hurt_from_minute_five();
        let first = |all: &[SignalDivergence]| {
            first_divergence(&grid, all, &imp, &[], &HashMap::new()).map(|f| f.divergence.signal)
        };
        // A pool opens two more connections early and keeps them (two
        // spreads), minutes before the demand that hurt users.
        let mut wobble = lasting("db", "database", "connections", 100, 110.0);
        wobble.height = 2.0;
        let mut surge = lasting("lb", "load-balancer", "requests", 250, 2_000.0);
        surge.height = 40.0;
        assert_eq!(
            first(&[wobble.clone(), surge.clone()]).as_deref(),
            Some("lb.requests")
        );
        // A leak climbs far from its baseline: it is the first divergence.
        wobble.height = 30.0;
        assert_eq!(first(&[wobble, surge]).as_deref(), Some("db.connections"));
    }

    #[test]
    fn new_info_templates_are_kept_only_when_they_recur_or_come_near_the_onset() {
        let grid = Grid {
            start: 0,
            width: 1_000_000,
            n: 1_000,
        };
        let mut acc = Accumulator::new(grid, 1);
        let sources = [SourceInfo {
            name: "app".into(),
            kind: "app".into(),
        }];
        let mut log = |text: &str, severity: Severity, times: &[i64]| {
            let id = acc.template_id(0, text);
            for &ts in times {
                acc.add(
                    0,
                    &Row {
                        ts,
                        severity: Some(severity),
                        template: Some(id),
                        ..Row::default()
                    },
                );
            }
        };
        let s = 1_000_000;
        log("request served in <*> ms", Severity::Normal, &[s, 600 * s]);
        log("pool timeout after <*> s", Severity::Error, &[700 * s]);
        log("one-off line", Severity::Normal, &[300 * s]);
        let retries: Vec<i64> = (0..12).map(|i| (400 + i) * s).collect();
        log("retrying query (attempt <*>)", Severity::Normal, &retries);
        log("cache miss storm", Severity::Normal, &[650 * s]);
        // Dozens of one-off lines in a quiet log stay out.
        for i in 0..40 {
            log(
                &format!("scheduled job {i} done"),
                Severity::Normal,
                &[(250 + i) * s],
            );
        }
        // Many recurring ones are capped.
        for i in 0..30 {
            let times: Vec<i64> = (0..10 + i).map(|k| (500 + k) * s).collect();
            log(&format!("batch {i} progress"), Severity::Normal, &times);
        }
        let found = new_templates(&acc, &sources, 200 * s, &[655 * s], 60 * s);
        let texts: Vec<&str> = found.iter().map(|t| t.text.as_str()).collect();
        assert!(texts.contains(&"pool timeout after <*> s"), "{texts:?}");
        assert!(
            texts.contains(&"cache miss storm"),
            "near the onset: {texts:?}"
        );
        assert!(!texts.contains(&"one-off line"), "{texts:?}");
        assert!(
            !texts.contains(&"request served in <*> ms"),
            "in the baseline"
        );
        assert!(!texts.iter().any(|t| t.starts_with("scheduled job")));
        assert_eq!(found.len(), 1 + MAX_NEW_ROUTINE, "{texts:?}");
        // The most frequent recurring ones win the remaining places.
        assert!(texts.contains(&"batch 29 progress"), "{texts:?}");
        assert!(
            !texts.contains(&"retrying query (attempt <*>)"),
            "{texts:?}"
        );
        let level = |t: &str| found.iter().find(|f| f.text == t).map(|f| f.level.as_str());
        assert_eq!(level("pool timeout after <*> s"), Some("error"));
        assert_eq!(level("cache miss storm"), Some("info"));
        let times: Vec<i64> = found.iter().map(|t| t.first).collect();
        assert!(times.windows(2).all(|w| w[0] <= w[1]), "time order");
    }
}
