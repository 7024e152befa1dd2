//! Clock offsets between sources: how far each source's clock runs ahead of
//! a reference source's, so `--align` can put every tier on one time axis.
//!
//! Two estimators, both pure:
//!
//! - **shared request ids** ([`offset_from_ids`]): the records of one
//!   request, in any tier, all fall within that request's lifetime. For a
//!   request id seen in both sources, the offset therefore lies within the
//!   difference of their times widened by the request's longest logged
//!   duration and the two clocks' resolutions (clocks truncate: a time is
//!   at most one resolution early). Whether a tier logs at the start or
//!   the end of a request does not matter. The estimate is the
//!   offset most of these intervals agree on; correct clocks give exactly 0.
//! - **aligned rate changes** ([`offset_from_rates`]): every request moves
//!   every tier, so the short-term fluctuations of their event rates are
//!   shared. The lag that best correlates the two rates' bucket-to-bucket
//!   changes (winsorized, so one step such as an outage's cannot decide on
//!   its own) is the offset, accepted only when its correlation peak is
//!   significant and clearly above every other lag's; found on a coarse
//!   grid over a wide window (whole hours, for a wrong `--tz`), then refined
//!   on the fine grid.
//!
//! ```
//! use onset::analysis::align::{offset_from_rates, RateOptions};
//!
//! // Two tiers that see the same traffic, the second's clock 3 buckets ahead.
//! let mut x = 1u64;
//! let traffic: Vec<u32> = (0..600)
//!     .map(|_| {
//!         x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
//!         20 + (x >> 60) as u32
//!     })
//!     .collect();
//! let ahead: Vec<u32> = std::iter::repeat(20).take(3).chain(traffic.iter().copied()).take(600).collect();
//! let est = offset_from_rates(&traffic, &ahead, &RateOptions { width: 1_000_000, max_lag: 60_000_000 });
//! let offset = est.expect("a clear peak").offset;
//! assert!((offset - 3_000_000).abs() <= 500_000, "{offset}");
//! ```

use super::signals::Buckets;
use std::collections::HashMap;

use serde::{Deserialize, Serialize};

/// One second, µs.
const SECOND: i64 = 1_000_000;

/// Fewer shared request ids than this say nothing about a clock.
pub const MIN_ID_MATCHES: usize = 20;

/// Request ids kept per source (a consistent sample: the smallest hashes).
pub const ID_SAMPLE: usize = 20_000;

/// The records of one request in one source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdSpan {
    /// Earliest record, µs.
    pub first: i64,
    /// Latest record, µs.
    pub last: i64,
    /// Longest duration logged with it, µs (0: none).
    pub longest: i64,
}

/// What one source contributes to the clock estimates: a consistent sample
/// of its request ids, its event counts on a fine grid, and the resolution
/// of its clock.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct SourceClock {
    /// Sampled request ids (by hash) and their records' times.
    pub ids: HashMap<u64, IdSpan>,
    /// Ids whose hash is at or above this are not kept.
    threshold: u64,
    /// Events per fine bucket (sparse for a source with few events).
    pub counts: Buckets<u32>,
    /// Fine buckets in all.
    pub buckets: usize,
    /// Every time seen was a whole second / a whole millisecond.
    whole_seconds: bool,
    whole_millis: bool,
    /// Events seen.
    pub events: u64,
}

impl SourceClock {
    /// An empty source on `buckets` fine buckets.
    pub fn new(buckets: usize) -> SourceClock {
        SourceClock {
            ids: HashMap::new(),
            threshold: u64::MAX,
            counts: Buckets::default(),
            buckets,
            whole_seconds: true,
            whole_millis: true,
            events: 0,
        }
    }

    /// Adds one event: its time, its fine bucket, and its request id's hash
    /// and duration (µs) if it has them.
    pub fn add(&mut self, ts: i64, bucket: Option<usize>, id: Option<u64>, duration: Option<i64>) {
        self.events += 1;
        self.whole_millis &= ts % 1_000 == 0;
        self.whole_seconds &= ts % SECOND == 0;
        if let Some(b) = bucket.filter(|&b| b < self.buckets) {
            *self.counts.at(b, self.buckets) += 1;
        }
        let Some(h) = id.filter(|&h| h < self.threshold) else {
            return;
        };
        let longest = duration.unwrap_or(0).max(0);
        let e = self.ids.entry(h).or_insert(IdSpan {
            first: ts,
            last: ts,
            longest,
        });
        e.first = e.first.min(ts);
        e.last = e.last.max(ts);
        e.longest = e.longest.max(longest);
        if self.ids.len() > 2 * ID_SAMPLE {
            // Keep the smallest hashes: every source keeps the same ids.
            self.trim();
        }
    }

    /// Keeps the [`ID_SAMPLE`] smallest hashes: what [`SourceClock::add`]
    /// keeps depends on the order the ids came in, these do not (they are
    /// always among those kept).
    pub fn trim(&mut self) {
        if self.ids.len() > ID_SAMPLE {
            let mut hashes: Vec<u64> = self.ids.keys().copied().collect();
            let (_, &mut cut, _) = hashes.select_nth_unstable(ID_SAMPLE);
            self.threshold = self.threshold.min(cut);
            self.ids.retain(|&k, _| k < cut);
        }
    }

    /// The clock's resolution, µs: 1 s if every time was a whole second,
    /// 1 ms if every time was a whole millisecond, else 1 µs.
    pub fn resolution(&self) -> i64 {
        if self.events == 0 {
            1
        } else if self.whole_seconds {
            SECOND
        } else if self.whole_millis {
            1_000
        } else {
            1
        }
    }
}

/// How an offset was estimated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    /// From request ids both sources log.
    RequestId,
    /// From the cross-correlation of event rates.
    Rate,
}

/// An estimate of one source's clock offset.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Estimate {
    /// How far the source's clock runs ahead of the reference's, µs.
    pub offset: i64,
    /// Request ids matched (0 for [`Method::Rate`]).
    pub matches: usize,
    /// Share of matched ids that agree with the offset, or the peak
    /// correlation of the rates.
    pub confidence: f64,
}

/// The offset of `other`'s clock against `reference`'s from the request ids
/// both logged (`resolutions`: the two clocks' resolutions, µs). `None`
/// when too few ids are shared or they do not agree; `Some` with offset 0
/// when the clocks agree within a second.
pub fn offset_from_ids(
    reference: &HashMap<u64, IdSpan>,
    other: &HashMap<u64, IdSpan>,
    resolutions: (i64, i64),
) -> Option<Estimate> {
    // A clock of resolution `res` truncates: a record written at true time
    // t reads in [t - res, t].
    let (res_r, res_s) = resolutions;
    // For each shared id: the offsets consistent with every one of its
    // records in both sources lying within one request lifetime.
    let mut bounds: Vec<(i64, i32)> = Vec::new();
    let mut matches = 0usize;
    for (h, r) in reference {
        let Some(s) = other.get(h) else { continue };
        matches += 1;
        let life = r.longest.max(s.longest);
        let lo = s.last - r.first - res_r - life;
        let hi = s.first - r.last + res_s + life;
        if lo <= hi {
            bounds.push((lo, 1));
            bounds.push((hi, -1));
        }
    }
    if matches < MIN_ID_MATCHES {
        return None;
    }
    // Sweep: the coverage of every offset, openings before closings.
    bounds.sort_by_key(|&(x, d)| (x, -d));
    let mut cover = 0i32;
    let mut best = 0i32;
    let mut plateau = (0i64, 0i64);
    let mut inside = false;
    for &(x, d) in &bounds {
        cover += d;
        if d > 0 && cover > best {
            best = cover;
            plateau = (x, x);
            inside = true;
        } else if d < 0 && inside {
            plateau.1 = x;
            inside = false;
        }
    }
    let best = best.max(0) as usize;
    // Most matched ids must agree, or the ids are not one request's.
    if best * 2 < matches {
        return None;
    }
    // Intervals are closed: one opening at `t` covers it, one closing does not end before it.
    let coverage_at = |t: i64| -> i32 {
        bounds
            .iter()
            .filter(|&&(x, d)| (d > 0 && x <= t) || (d < 0 && x < t))
            .map(|&(_, d)| d)
            .sum()
    };
    let mid = plateau.0 + (plateau.1 - plateau.0) / 2;
    // Clocks that agree (0 is about as well supported as the best offset,
    // or the best is within a second) get exactly 0.
    let offset = if mid.abs() < SECOND || coverage_at(0).max(0) as usize * 10 >= best * 9 {
        0
    } else {
        mid
    };
    Some(Estimate {
        offset,
        matches,
        confidence: best as f64 / matches as f64,
    })
}

/// The grid and window of [`offset_from_rates`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateOptions {
    /// Width of a fine bucket, µs.
    pub width: i64,
    /// Largest offset looked for, µs.
    pub max_lag: i64,
}

/// Coarse buckets at most: the wide search runs on a grid this long.
const COARSE_BUCKETS: usize = 1000;

/// Changes of `sqrt(count)` between present buckets, winsorized at 3 robust
/// spreads: the rate's short-term fluctuations, with one step (an outage, a
/// burst) clipped to the size of an ordinary fluctuation. `NaN` where the
/// source has no data (before its first event or after its last).
fn fluctuations(counts: &[u32]) -> Vec<f64> {
    let mut out = vec![f64::NAN; counts.len()];
    let (Some(first), Some(last)) = (
        counts.iter().position(|&c| c > 0),
        counts.iter().rposition(|&c| c > 0),
    ) else {
        return out;
    };
    for t in first + 1..=last {
        out[t] = f64::from(counts[t]).sqrt() - f64::from(counts[t - 1]).sqrt();
    }
    let mut v: Vec<f64> = out.iter().copied().filter(|x| x.is_finite()).collect();
    let Some(m) = super::divergence::median(&mut v) else {
        return out;
    };
    let mut dev: Vec<f64> = v.iter().map(|x| (x - m).abs()).collect();
    let spread = 1.4826 * super::divergence::median(&mut dev).unwrap_or(0.0);
    if spread > 0.0 {
        let (lo, hi) = (m - 3.0 * spread, m + 3.0 * spread);
        for x in out.iter_mut().filter(|x| x.is_finite()) {
            *x = x.clamp(lo, hi);
        }
    }
    out
}

/// Pearson correlation of `x[t]` with `y[t + lag]` over the buckets where
/// both are present, and how many there were.
fn correlation(x: &[f64], y: &[f64], lag: i64) -> (f64, usize) {
    let (mut n, mut sx, mut sy, mut sxx, mut syy, mut sxy) = (0usize, 0.0, 0.0, 0.0, 0.0, 0.0);
    for (t, &a) in x.iter().enumerate() {
        let u = t as i64 + lag;
        if u < 0 || u as usize >= y.len() || !a.is_finite() {
            continue;
        }
        let b = y[u as usize];
        if !b.is_finite() {
            continue;
        }
        n += 1;
        sx += a;
        sy += b;
        sxx += a * a;
        syy += b * b;
        sxy += a * b;
    }
    if n < 3 {
        return (0.0, n);
    }
    let nf = n as f64;
    let cov = sxy - sx * sy / nf;
    let vx = sxx - sx * sx / nf;
    let vy = syy - sy * sy / nf;
    if vx <= 0.0 || vy <= 0.0 {
        return (0.0, n);
    }
    (cov / (vx * vy).sqrt(), n)
}

/// The lag in `lags` with the clearest correlation peak: significant (well
/// above the noise of that many buckets, over that many lags tried) and
/// above every lag more than `apart` buckets away by half again (both
/// weighed by the buckets they rest on). Returns (lag, correlation).
fn clear_peak(
    x: &[f64],
    y: &[f64],
    lags: std::ops::RangeInclusive<i64>,
    apart: i64,
) -> Option<(i64, f64)> {
    let present = |v: &[f64]| v.iter().filter(|a| a.is_finite()).count();
    let min_overlap = (present(x).min(present(y)) / 5).max(30);
    let rs: Vec<(i64, f64, usize)> = lags
        .map(|l| {
            let (r, n) = correlation(x, y, l);
            (l, r, n)
        })
        .filter(|&(_, _, n)| n >= min_overlap)
        .collect();
    // Under no relation, r over n buckets is about N(0, 1/n): lags are
    // compared by r·√n, and the largest of many unrelated lags stays below
    // 5 of those spreads.
    let z = |r: f64, n: usize| r * (n as f64).sqrt();
    let &(lag, r, n) = rs
        .iter()
        .max_by(|a, b| z(a.1, a.2).total_cmp(&z(b.1, b.2)))?;
    let runner_up = rs
        .iter()
        .filter(|o| (o.0 - lag).abs() > apart)
        .map(|o| z(o.1, o.2))
        .fold(0.0f64, f64::max);
    (z(r, n) >= 5.0 && z(r, n) >= 1.5 * runner_up).then_some((lag, r))
}

/// The offset of the source counted in `other` against the one counted in
/// `reference` (events per fine bucket on one grid), from their rates.
/// `None` when no lag stands out; `Some` with offset 0 when the best lag is
/// within a bucket of none.
pub fn offset_from_rates(reference: &[u32], other: &[u32], opts: &RateOptions) -> Option<Estimate> {
    let n = reference.len().min(other.len());
    if n < 30 || opts.width <= 0 {
        return None;
    }
    // Coarse search over the whole window.
    let factor = n.div_ceil(COARSE_BUCKETS).max(1);
    let coarse =
        |c: &[u32]| -> Vec<u32> { c[..n].chunks(factor).map(|k| k.iter().sum()).collect() };
    let (cx, cy) = (
        fluctuations(&coarse(reference)),
        fluctuations(&coarse(other)),
    );
    let coarse_width = opts.width * factor as i64;
    let max_lag = (opts.max_lag / coarse_width).min(cx.len() as i64);
    let (lag, r) = clear_peak(&cx, &cy, -max_lag..=max_lag, 2)?;
    // Refine on the fine grid around the coarse peak.
    let (lag, r) = if factor == 1 {
        (lag as f64 + sub_bucket(&cx, &cy, lag), r)
    } else {
        let (fx, fy) = (fluctuations(&reference[..n]), fluctuations(&other[..n]));
        let f = factor as i64;
        let around = lag * f - 2 * f..=lag * f + 2 * f;
        let best = around
            .map(|l| (l, correlation(&fx, &fy, l).0))
            .max_by(|a, b| a.1.total_cmp(&b.1))?;
        if best.1 <= 0.0 {
            (lag as f64 * f as f64, r)
        } else {
            (best.0 as f64 + sub_bucket(&fx, &fy, best.0), best.1)
        }
    };
    // A peak within a bucket of no lag is clocks that agree (a tier logging
    // at the end of its requests moves it that much).
    let offset = if lag.abs() < 1.5 {
        0
    } else {
        (lag * opts.width as f64).round() as i64
    };
    Some(Estimate {
        offset: if offset.abs() < SECOND { 0 } else { offset },
        matches: 0,
        confidence: (r * 1000.0).round() / 1000.0,
    })
}

/// Parabolic interpolation of the correlation peak at `lag`: a fraction of
/// a bucket in [-0.5, 0.5].
fn sub_bucket(x: &[f64], y: &[f64], lag: i64) -> f64 {
    let (a, b, c) = (
        correlation(x, y, lag - 1).0,
        correlation(x, y, lag).0,
        correlation(x, y, lag + 1).0,
    );
    let den = a - 2.0 * b + c;
    if den >= 0.0 {
        return 0.0;
    }
    (0.5 * (a - c) / den).clamp(-0.5, 0.5)
}

/// One source's estimated clock offset.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClockOffset {
    /// The source.
    pub source: String,
    /// The source it was compared with.
    pub reference: String,
    /// How far the source's clock runs ahead of the reference's, seconds
    /// (`--align` subtracts it from the source's times).
    pub offset_seconds: f64,
    /// How it was estimated.
    pub method: Method,
    /// Request ids matched (request-id method).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub matches: Option<usize>,
    /// Share of ids that agree, or the rates' peak correlation.
    pub confidence: f64,
}

impl ClockOffset {
    /// The offset in µs.
    pub fn micros(&self) -> i64 {
        (self.offset_seconds * 1e6).round() as i64
    }
}

/// Fewest events a source needs for its clock to be estimated from its rate.
const MIN_RATE_EVENTS: u64 = 100;

/// Most sources whose clocks are estimated from their rates (the busiest).
const MAX_RATE_SOURCES: usize = 256;

/// Estimates every source's clock against one reference: the load balancer
/// with the most events (users' time), else the busiest source. A source
/// that shares enough request ids with it is compared by ids, any other by
/// rates. `sources` are (name, kind, clock); sources with no estimate are
/// left out.
pub fn estimate(sources: &[(&str, &str, &SourceClock)], opts: &RateOptions) -> Vec<ClockOffset> {
    let Some(reference) = sources
        .iter()
        .max_by_key(|(_, kind, c)| (*kind == "load-balancer", c.events))
    else {
        return Vec::new();
    };
    let reference_counts = reference.2.counts.dense(reference.2.buckets);
    // Rates are compared for the busiest sources only: a source with a few
    // events has no rate to speak of, and a fleet of thousands would cost
    // seconds each thousand.
    let mut by_events: Vec<u64> = sources
        .iter()
        .filter(|(name, _, _)| *name != reference.0)
        .map(|(_, _, c)| c.events)
        .collect();
    let rate_floor = if by_events.len() > MAX_RATE_SOURCES {
        let (_, &mut floor, _) =
            by_events.select_nth_unstable_by(MAX_RATE_SOURCES - 1, |a, b| b.cmp(a));
        floor.max(MIN_RATE_EVENTS)
    } else {
        MIN_RATE_EVENTS
    };
    let mut rated = 0;
    let mut out = Vec::new();
    for &(name, _, clock) in sources {
        if name == reference.0 || clock.events == 0 {
            continue;
        }
        let by_ids = offset_from_ids(
            &reference.2.ids,
            &clock.ids,
            (reference.2.resolution(), clock.resolution()),
        )
        .map(|e| (e, Method::RequestId));
        let found = by_ids.or_else(|| {
            if clock.events < rate_floor || rated >= MAX_RATE_SOURCES {
                return None;
            }
            rated += 1;
            let counts = clock.counts.dense(clock.buckets);
            offset_from_rates(&reference_counts, &counts, opts).map(|e| (e, Method::Rate))
        });
        if let Some((e, method)) = found {
            out.push(ClockOffset {
                source: name.to_string(),
                reference: reference.0.to_string(),
                offset_seconds: e.offset as f64 / 1e6,
                method,
                matches: (method == Method::RequestId).then_some(e.matches),
                confidence: (e.confidence * 1000.0).round() / 1000.0,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests;
