//! What a postmortem needs beyond the detection: the alerts that would have
//! fired earliest, the impact's peak (and the latency then), the clients
//! of the whole span, and the change that likely ended the impact.
//!
//! Pure functions over the signals, the divergences and the accumulator,
//! called by the glue (`crate::analyze`) once per analysis; their results
//! are fields of the incident model, which the export renders.
//!
//! An alert is a rule a team could have had in place: "this signal beyond
//! a threshold for a while". Its threshold is taken from the signal's
//! quiet baseline (the level plus three of the baseline band's spreads,
//! rounded outwards to two significant digits), it must hold for
//! [`HOLD`] (or three buckets, if wider), and the question is when it
//! would first have fired after the divergence began, how long before
//! users were hurt, and how often it would have fired before (noise).

use std::collections::HashSet;
use std::ops::Range;

use serde::{Deserialize, Serialize};

use super::divergence::{baseline, Direction};
use super::report::{ChangeEvent, ChangeKind, Impact, Signal, SignalDivergence};
use super::signals::{Grid, SourceSeries};

/// How long a threshold must be crossed before an alert fires, at least.
pub const HOLD: i64 = 30_000_000;

/// Spreads of the baseline band between the level and a threshold.
const SPREADS: f64 = 3.0;

/// Most noisy firings kept per alert.
const MAX_NOISY: usize = 10;

/// An alert rule derived from a diverging signal, and when it would have fired.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Alert {
    /// The signal (`source.metric`).
    pub signal: String,
    /// Its source.
    pub source: String,
    /// Above (`up`) or below (`down`) the threshold.
    pub direction: Direction,
    /// The threshold, in the signal's units.
    pub threshold: f64,
    /// The baseline level it was derived from.
    pub baseline: f64,
    /// How long the threshold must be crossed, seconds.
    pub hold_seconds: f64,
    /// The onset of the divergence the alert is for, µs.
    pub onset: i64,
    /// When it would have fired first at or after that onset, µs (`None`:
    /// the signal never held beyond the threshold long enough).
    pub fires_at: Option<i64>,
    /// Seconds from `fires_at` to the impact start (positive: before users
    /// were hurt; `None` without an impact or a firing).
    pub lead_seconds: Option<f64>,
    /// When it would have fired before the onset (false alarms), µs, at most ten.
    pub noisy_fires: Vec<i64>,
}

/// Rounds `x` away from `level` to two significant digits.
fn round_outwards(x: f64, up: bool) -> f64 {
    if x == 0.0 || !x.is_finite() {
        return x;
    }
    let scale = 10f64.powi(x.abs().log10().floor() as i32 - 1);
    let q = x / scale;
    // Guard against 11.000000001 becoming 12.
    let q = if (q - q.round()).abs() < 1e-9 {
        q.round()
    } else if up {
        q.ceil()
    } else {
        q.floor()
    };
    q * scale
}

/// A divergence as the alerts need it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Departure<'a> {
    /// The signal (`source.metric`).
    pub signal: &'a str,
    /// Its source.
    pub source: &'a str,
    /// Onset, µs.
    pub onset: i64,
    /// Up or down.
    pub direction: Direction,
    /// Came back before the impact.
    pub transient: bool,
}

impl<'a> From<&'a SignalDivergence> for Departure<'a> {
    fn from(d: &'a SignalDivergence) -> Self {
        Departure {
            signal: &d.signal,
            source: &d.source,
            onset: d.onset,
            direction: d.direction,
            transient: d.transient,
        }
    }
}

/// The alerts of every signal with a lasting divergence that began before
/// the impact ended (or, without an impact, at all), the earliest-firing
/// first. `base` is the baseline's buckets, as the detector used them.
pub fn alerts(
    grid: &Grid,
    signals: &[Signal],
    divergences: &[Departure<'_>],
    base: Range<usize>,
    impact: Option<&Impact>,
) -> Vec<Alert> {
    let hold = HOLD.max(3 * grid.width);
    let need = ((hold + grid.width - 1) / grid.width).max(1) as usize;
    let mut seen: HashSet<&str> = HashSet::new();
    let mut lasting: Vec<&Departure<'_>> = divergences
        .iter()
        .filter(|d| !d.transient)
        .filter(|d| impact.is_none_or(|i| d.onset < i.end))
        .collect();
    lasting.sort_by_key(|d| d.onset);
    let mut out = Vec::new();
    for d in lasting {
        if !seen.insert(d.signal) {
            continue;
        }
        let Some(s) = signals.iter().find(|s| s.name == d.signal) else {
            continue;
        };
        let Some(b) = baseline(&s.values, base.clone(), s.min_spread) else {
            continue;
        };
        let up = d.direction == Direction::Up;
        let raw = if up {
            b.level + SPREADS * b.up
        } else {
            b.level - SPREADS * b.down
        };
        if !up && raw <= 0.0 {
            // Nothing falls below zero: no rule to write.
            continue;
        }
        let threshold = round_outwards(raw, up);
        let beyond = |v: f64| v.is_finite() && if up { v > threshold } else { v < threshold };
        let onset_bucket = grid.bucket(d.onset).unwrap_or(0);
        let mut fires_at = None;
        let mut noisy_fires = Vec::new();
        let mut run = 0usize;
        for (i, &v) in s.values.iter().enumerate() {
            run = if beyond(v) { run + 1 } else { 0 };
            if run != need {
                continue;
            }
            let at = grid.time_of(i + 1);
            if i + 1 - need >= onset_bucket {
                fires_at = Some(at);
                break;
            }
            if noisy_fires.len() < MAX_NOISY {
                noisy_fires.push(at);
            }
        }
        out.push(Alert {
            signal: d.signal.to_string(),
            source: d.source.to_string(),
            direction: d.direction,
            threshold,
            baseline: b.level,
            hold_seconds: (need as i64 * grid.width) as f64 / 1e6,
            onset: d.onset,
            lead_seconds: fires_at
                .zip(impact)
                .map(|(f, i)| (i.start - f) as f64 / 1e6),
            fires_at,
            noisy_fires,
        });
    }
    out.sort_by_key(|a| (a.fires_at.is_none(), a.fires_at, a.onset));
    out
}

/// The worst moment of the impact and what the users saw then.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImpactPeak {
    /// Start of the bucket with the highest share of failed requests (or,
    /// without request logs, the highest value of the impact signal), µs.
    pub time: i64,
    /// The signal the peak was read from.
    pub signal: String,
    /// Its value then.
    pub value: f64,
    /// A latency quantile's signal at that bucket, if one was logged.
    pub latency_signal: Option<String>,
    /// Its value then, seconds.
    pub latency_seconds: Option<f64>,
}

/// The peak of the impact: the first bucket of the window with the highest
/// 5xx share of the impact's source (its impact signal if it has none),
/// and the p95 latency then (the impact source's, else the outermost
/// tier's that logs one).
pub fn impact_peak(grid: &Grid, signals: &[Signal], impact: &Impact) -> Option<ImpactPeak> {
    let window = grid.bucket(impact.start).unwrap_or(0)..grid.bucket(impact.end).unwrap_or(grid.n);
    let ratio = format!("{}.5xx_ratio", impact.source);
    let peak_of = signals
        .iter()
        .find(|s| s.name == ratio)
        .or_else(|| signals.iter().find(|s| s.name == impact.signal))?;
    let mut best: Option<(usize, f64)> = None;
    for b in window.clone() {
        let v = peak_of.values.get(b).copied().unwrap_or(f64::NAN);
        if v.is_finite() && best.is_none_or(|(_, m)| v > m) {
            best = Some((b, v));
        }
    }
    let (b, value) = best?;
    let depth = |s: &Signal| match s.kind.as_str() {
        "load-balancer" => 0,
        "app" => 1,
        _ => 2,
    };
    let latency = signals
        .iter()
        .filter(|s| s.metric == "latency_p95")
        .filter(|s| s.values.get(b).is_some_and(|v| v.is_finite()))
        .min_by_key(|s| (s.source != impact.source, depth(s)));
    Some(ImpactPeak {
        time: grid.time_of(b),
        signal: peak_of.name.clone(),
        value,
        latency_signal: latency.map(|s| s.name.clone()),
        latency_seconds: latency.and_then(|s| s.values.get(b).copied()),
    })
}

/// Distinct clients of a source over the whole span (the denominator of
/// "share of all clients"), `None` if it logged none.
pub fn all_clients(series: &SourceSeries) -> Option<u64> {
    let mut all = super::distinct::Distinct::default();
    for (_, c) in series.clients.iter() {
        all.merge(c);
    }
    (!all.is_empty()).then_some(all.len())
}

/// The change that likely ended the impact, as an index into `changes`
/// (sorted by time): among the changes after the impact started and no
/// later than one bucket after it ended, the last one's burst (changes
/// within 30 s before it), preferring a deploy, then a schema change, then
/// a reload, a restart, a backend transition.
pub fn ending_change(grid: &Grid, changes: &[ChangeEvent], impact: &Impact) -> Option<usize> {
    let rank = |k: ChangeKind| match k {
        ChangeKind::Deploy => 4,
        ChangeKind::Schema => 3,
        ChangeKind::Reload => 2,
        ChangeKind::Restart => 1,
        ChangeKind::Backend => 0,
    };
    let within: Vec<usize> = (0..changes.len())
        .filter(|&i| changes[i].time > impact.start && changes[i].time <= impact.end + grid.width)
        .collect();
    let last = changes[*within.last()?].time;
    within
        .into_iter()
        .filter(|&i| changes[i].time >= last - 30_000_000)
        .max_by_key(|&i| (rank(changes[i].kind), std::cmp::Reverse(changes[i].time)))
}

#[cfg(test)]
mod tests;
