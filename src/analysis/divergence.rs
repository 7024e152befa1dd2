//! Divergence detection on one bucketed signal.
//!
//! The baseline is a quiet stretch of the signal (by default its start):
//! its median and MAD (robust: a spike in the baseline does not inflate
//! them) give the expected level and spread, widened on each side to what
//! the baseline's 5th and 95th percentiles imply when the signal's quiet
//! stretch itself flicks that far (see [`Baseline::up`]). Each bucket becomes a robust
//! z-score, and a two-sided CUSUM accumulates the excess over a slack of
//! `k` spreads. An alarm (the sum passing `h`) means the signal has left
//! its baseline; the **onset** is dated at the last bucket where the sum
//! was still zero — when the signal *began* to leave, not when it crossed a
//! threshold, so a slowly growing gauge is dated at the start of its growth.
//! The divergence ends when a window of buckets is back within the
//! baseline band; one that ends is *transient*.

use std::ops::Range;

/// Tuning of the detector, in units of the baseline's spread.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DetectorOptions {
    /// CUSUM slack: deviations below `k` spreads do not accumulate.
    pub k: f64,
    /// CUSUM alarm level, in spread-buckets.
    pub h: f64,
    /// Buckets that must be back in the band to end a divergence.
    pub settle: usize,
    /// A deviation smaller than this in the signal's own units never counts
    /// (one event, a 1 % ratio…): the floor of the spread.
    pub min_spread: f64,
    /// A lasting jump to a level this many times the highest the departure
    /// held before (its 90th percentile) begins a new episode.
    pub shift: f64,
}

impl Default for DetectorOptions {
    fn default() -> Self {
        DetectorOptions {
            k: 1.0,
            h: 12.0,
            settle: 10,
            min_spread: 1.0,
            shift: 4.0,
        }
    }
}

/// Up or down from the baseline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    /// Above the baseline.
    Up,
    /// Below the baseline.
    Down,
}

/// One departure of a signal from its baseline, in bucket indices.
#[derive(Debug, Clone, PartialEq)]
pub struct Divergence {
    /// First bucket of the departure.
    pub onset: usize,
    /// Bucket where the alarm fired (the departure was certain).
    pub alarm: usize,
    /// First bucket back in the band (or of the next, much higher episode),
    /// or `None` if it never came back.
    pub end: Option<usize>,
    /// Bucket of the largest deviation.
    pub peak: usize,
    /// Direction.
    pub direction: Direction,
    /// Strength: the largest accumulated excess, in spread-buckets.
    pub score: f64,
    /// Buckets by which a fitted ramp moved the onset back from where the
    /// climb was seen to begin (0 if not a ramp): how uncertain the date is.
    pub refit: usize,
}

/// The baseline's level and spread.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Baseline {
    /// Median of the baseline buckets.
    pub level: f64,
    /// Robust spread (1.4826 × MAD), floored.
    pub spread: f64,
    /// The spread above the level: the wider of `spread` and the one the
    /// baseline's 95th percentile implies for a normal distribution
    /// ((P95 − median) / 1.645). A signal that regularly flicks up during
    /// its quiet baseline (a p99 per bucket at low traffic, which is the one
    /// slow request of the bucket or nothing) has a wide band above it, where
    /// MAD alone would call each flick a departure; a baseline spike that
    /// fills under 5 % of the baseline buckets moves neither.
    pub up: f64,
    /// The same below the level, from the 5th percentile.
    pub down: f64,
}

/// Median of finite values (`None` if there are none).
pub fn median(values: &mut Vec<f64>) -> Option<f64> {
    values.retain(|v| v.is_finite());
    if values.is_empty() {
        return None;
    }
    values.sort_by(f64::total_cmp);
    let n = values.len();
    Some(if n % 2 == 1 {
        values[n / 2]
    } else {
        (values[n / 2 - 1] + values[n / 2]) / 2.0
    })
}

/// Level and spread of `series[range]`, ignoring missing (NaN) buckets.
pub fn baseline(series: &[f64], range: Range<usize>, min_spread: f64) -> Option<Baseline> {
    let range = range.start.min(series.len())..range.end.min(series.len());
    let mut values: Vec<f64> = series[range].to_vec();
    let level = median(&mut values)?;
    let mut deviations: Vec<f64> = values.iter().map(|v| (v - level).abs()).collect();
    let mad = median(&mut deviations).unwrap_or(0.0);
    let spread = (1.4826 * mad).max(min_spread);
    // `values` is sorted (and finite) since `median`.
    let quantile = |q: f64| values[((values.len() - 1) as f64 * q).round() as usize];
    Some(Baseline {
        level,
        spread,
        up: ((quantile(0.95) - level) / 1.645).max(spread),
        down: ((level - quantile(0.05)) / 1.645).max(spread),
    })
}

/// Finds every divergence of `series` from the baseline taken on `base`.
/// Missing buckets (NaN) neither accumulate nor reset.
pub fn detect(series: &[f64], base: Range<usize>, opts: &DetectorOptions) -> Vec<Divergence> {
    let Some(b) = baseline(series, base, opts.min_spread) else {
        return Vec::new();
    };
    let mut found = Vec::new();
    for direction in [Direction::Up, Direction::Down] {
        let (sign, spread) = if direction == Direction::Up {
            (1.0, b.up)
        } else {
            (-1.0, b.down)
        };
        let z: Vec<f64> = series
            .iter()
            .map(|v| {
                if v.is_finite() {
                    (v - b.level) / spread
                } else {
                    f64::NAN
                }
            })
            .collect();
        let mut t = 0;
        while t < z.len() {
            match scan_one(&z, t, sign, opts) {
                Some(mut d) => {
                    d.direction = direction;
                    t = d.end.unwrap_or(z.len()).max(d.alarm + 1);
                    found.push(d);
                }
                None => break,
            }
        }
    }
    found.sort_by_key(|d| d.onset);
    found
}

/// A rise of a silent source's event rate worth an alarm: this many times
/// its baseline rate.
const SPARSE_RATIO: f64 = 10.0;

/// Events at the raised rate, close together, that make an alarm.
const SPARSE_ALARM_EVENTS: f64 = 2.5;

/// Finds the divergences of a count series (events per bucket) whose
/// baseline is silence: a log that writes only when something is wrong (a
/// slow-query log, an error log). Most of its baseline buckets are empty,
/// so the median is zero and the spread the floor, and a detector in
/// spreads would wait for several events *per bucket*; but for such a log
/// its first entries are the departure. A Poisson CUSUM compares the rate
/// `SPARSE_RATIO` times the baseline's (its events plus one, over its
/// buckets: silence is evidence of a low rate, not of none) with the
/// baseline's: each event adds `ln SPARSE_RATIO`, each bucket takes away the
/// difference of the rates, and a few events close together alarm. The onset
/// is the first event of the run that alarmed; the episode ends where a
/// stretch of buckets with no event begins (long enough to expect two events
/// at the raised rate). Returns `None` when the baseline is not silent (its
/// median count is not zero): [`detect`] reads it.
pub fn detect_sparse(
    counts: &[f64],
    base: Range<usize>,
    opts: &DetectorOptions,
) -> Option<Vec<Divergence>> {
    let base = base.start.min(counts.len())..base.end.min(counts.len());
    let mut values: Vec<f64> = counts[base].to_vec();
    if median(&mut values)? > 0.0 {
        return None;
    }
    let rate0 = (values.iter().sum::<f64>() + 1.0) / values.len() as f64;
    let rate1 = SPARSE_RATIO * rate0;
    let gain = SPARSE_RATIO.ln();
    let drift = rate1 - rate0;
    let h = SPARSE_ALARM_EVENTS * gain;
    let quiet = opts.settle.max((2.0 / rate1).ceil() as usize);
    let mut found = Vec::new();
    let mut from = 0;
    while from < counts.len() {
        let Some((alarm, last_zero, mut sum)) = cusum_alarm(counts, from, h, |x| x * gain - drift)
        else {
            break;
        };
        let onset = (last_zero..=alarm)
            .find(|&t| counts[t] > 0.0)
            .unwrap_or(alarm);
        // Follow the run: its peak, its largest sum, and the first bucket of
        // a long enough silence.
        let (mut peak, mut score, mut silent, mut end) = (onset, sum, 0usize, None);
        for (t, &x) in counts.iter().enumerate().skip(onset) {
            if !x.is_finite() {
                continue;
            }
            if x > counts[peak] {
                peak = t;
            }
            if t > alarm {
                sum = (sum + x * gain - drift).max(0.0);
                score = score.max(sum);
            }
            if x > 0.0 {
                silent = 0;
            } else {
                silent += 1;
                if t > alarm && silent >= quiet {
                    end = Some(t + 1 - silent);
                    break;
                }
            }
        }
        found.push(Divergence {
            onset,
            alarm,
            end,
            peak,
            direction: Direction::Up,
            score,
            refit: 0,
        });
        match end {
            Some(e) => from = e.max(alarm + 1),
            None => break,
        }
    }
    Some(found)
}

/// A one-sided CUSUM from `from`: the sum of `step(value)` over present
/// buckets, never below zero, until it passes `h`. Returns the bucket of
/// the alarm, the bucket after the last where the sum was zero, and the sum.
fn cusum_alarm(
    values: &[f64],
    from: usize,
    h: f64,
    step: impl Fn(f64) -> f64,
) -> Option<(usize, usize, f64)> {
    let mut sum = 0.0f64;
    let mut last_zero = from;
    for (t, &v) in values.iter().enumerate().skip(from) {
        if !v.is_finite() {
            continue;
        }
        sum = (sum + step(v)).max(0.0);
        if sum == 0.0 {
            last_zero = t + 1;
        } else if sum > h {
            return Some((t, last_zero, sum));
        }
    }
    None
}

/// Scans from `from` for the next alarm in direction `sign`.
fn scan_one(z: &[f64], from: usize, sign: f64, opts: &DetectorOptions) -> Option<Divergence> {
    let (alarm, last_zero, s) = cusum_alarm(z, from, opts.h, |zt| sign * zt - opts.k)?;
    // Date the onset where the signal last sat at or below its baseline
    // level before the alarm (not where it crossed the band): the start of
    // the climb. The CUSUM restart bounds the search.
    // (The first *present* bucket after it: a missing bucket is no onset.)
    let mut onset = (from..=alarm)
        .rev()
        .find(|&t| z[t].is_finite() && sign * z[t] <= 0.0)
        .map_or(last_zero.min(alarm), |t| {
            (t + 1..=alarm).find(|&u| z[u].is_finite()).unwrap_or(alarm)
        });
    let climb = onset;
    let mut excursion = follow(z, sign, onset, alarm, s, z.len(), opts);
    // One level, one episode: a sharp, lasting jump to a much higher level
    // is a new departure, not the continuation of the one before it.
    let limit = excursion.end.unwrap_or(z.len());
    while let Some(jump) = level_shift(z, sign, onset, limit, opts) {
        if jump <= alarm {
            // What came before the jump never alarmed by itself: a creep
            // above the baseline level, not a departure. This one begins at
            // the jump.
            onset = jump;
            excursion = follow(z, sign, onset, alarm, s, z.len(), opts);
        } else {
            // What came before alarmed by itself: an episode of its own,
            // which the jump ends; the next scan dates the new one there.
            excursion = follow(z, sign, onset, alarm, s, jump, opts);
            excursion.end = Some(jump);
            break;
        }
    }
    // A gradual departure (a ramp) leaves the band long after it began,
    // and noise puts the last at-or-below-baseline bucket near the alarm:
    // date it by fitting the change instead (not a jump: that is a step).
    let mut refit = 0;
    if onset == climb {
        if let Some(start) = gradual_start(z, sign, from, alarm) {
            // Only if the signal was already on its way up in between (above
            // its level on average, and rising): a gauge that sat a notch
            // above its level and then climbed fast has its start where it
            // left the level for good.
            if on_the_way_up(z, sign, start.min(onset)..onset, opts) {
                refit = onset - start.min(onset);
                onset = start;
            }
        }
    }
    Some(Divergence {
        onset,
        alarm,
        end: excursion.end,
        peak: excursion.peak,
        direction: Direction::Up,
        score: excursion.score,
        refit,
    })
}

/// How far above its level, on average, a signal must have been between
/// the knee of a fitted ramp and the onset the climb gave, in spreads, for
/// the knee to date the departure.
const GRADUAL_MIN_MEAN: f64 = 0.5;

/// Whether `z[range]` (present buckets, in the direction `sign`) is on
/// average [`GRADUAL_MIN_MEAN`] above the level and trends up, and what
/// follows it continues the climb rather than jumping away from it (the
/// median of the next `settle` buckets under `shift` times the top (90th
/// percentile) of the range: a flickering quantile before a step is no ramp).
fn on_the_way_up(z: &[f64], sign: f64, range: Range<usize>, opts: &DetectorOptions) -> bool {
    let mut next: Vec<f64> = z[range.end..(range.end + opts.settle).min(z.len())]
        .iter()
        .map(|v| sign * v)
        .collect();
    // The top of the range: its 90th percentile (a bucket or two of the
    // coming step do not count).
    let mut before: Vec<f64> = z[range.clone()]
        .iter()
        .filter(|v| v.is_finite())
        .map(|v| sign * v)
        .collect();
    before.sort_by(f64::total_cmp);
    let top = before
        .get(before.len().saturating_sub(1) * 9 / 10)
        .copied()
        .unwrap_or(0.0)
        .max(opts.k);
    if median(&mut next).is_some_and(|m| m >= opts.shift * top) {
        return false;
    }
    let points: Vec<(f64, f64)> = z[range.clone()]
        .iter()
        .enumerate()
        .filter(|(_, v)| v.is_finite())
        .map(|(i, v)| (i as f64, sign * v))
        .collect();
    if points.len() < 3 {
        return false;
    }
    let n = points.len() as f64;
    let (mt, my) = (
        points.iter().map(|p| p.0).sum::<f64>() / n,
        points.iter().map(|p| p.1).sum::<f64>() / n,
    );
    let trend: f64 = points.iter().map(|p| (p.0 - mt) * (p.1 - my)).sum();
    my >= GRADUAL_MIN_MEAN && trend > 0.0
}

/// Where a gradual departure began, if it is one: on the window from the
/// scan's start `from` to a little past the `alarm`, the best *hinge* (flat,
/// then a straight climb in the direction `sign`) is compared with the best
/// *step* (flat, then flat at another level), each fitted by least squares
/// over every split; when the hinge fits better, the departure is a ramp
/// that began at its knee. `None` for a step, or a knee at the window's edge.
fn gradual_start(z: &[f64], sign: f64, from: usize, alarm: usize) -> Option<usize> {
    let hi = (alarm + 1 + (alarm.saturating_sub(from)) / 4).min(z.len());
    let points: Vec<(f64, f64)> = (from..hi)
        .filter(|&t| z[t].is_finite())
        .map(|t| ((t - from) as f64, z[t]))
        .collect();
    let m = points.len();
    if m < 8 {
        return None;
    }
    // Suffix sums from i: count, Σt, Σt², Σy, Σty.
    let mut suffix = vec![[0.0f64; 5]; m + 1];
    for i in (0..m).rev() {
        let (t, y) = points[i];
        let next = suffix[i + 1];
        suffix[i] = [
            next[0] + 1.0,
            next[1] + t,
            next[2] + t * t,
            next[3] + y,
            next[4] + t * y,
        ];
    }
    let [n, _, _, sy, _] = suffix[0];
    let syy: f64 = points.iter().map(|p| p.1 * p.1).sum();
    let mut best_step = f64::INFINITY;
    let mut best_hinge = (f64::INFINITY, 0usize);
    for k in 1..m - 1 {
        let [nr, t1, t2, yr, ty] = suffix[k];
        let nl = n - nr;
        let yl = sy - yr;
        best_step = best_step.min(syy - yl * yl / nl - yr * yr / nr);
        // Hinge at the k-th point's time: x = max(0, t − τ).
        let tau = points[k].0;
        let sx = t1 - tau * nr;
        let sxx = t2 - 2.0 * tau * t1 + tau * tau * nr;
        let sxy = ty - tau * yr;
        let vxx = sxx - sx * sx / n;
        if vxx <= 0.0 {
            continue;
        }
        let cxy = sxy - sx * sy / n;
        if cxy * sign <= 0.0 {
            continue;
        }
        let sse = syy - sy * sy / n - cxy * cxy / vxx;
        if sse < best_hinge.0 {
            // The knee is the last point on the flat part.
            best_hinge = (sse, k);
        }
    }
    let (sse, k) = best_hinge;
    if sse.is_nan() || sse >= best_step || k < 2 {
        return None;
    }
    Some(from + points[k].0 as usize)
}

/// Peak, strength and end of an excursion.
struct Excursion {
    peak: usize,
    score: f64,
    end: Option<usize>,
}

/// Follows an excursion from its onset, looking no further than `stop`:
/// its peak, its largest sum (`s` is the sum at the alarm), and its end —
/// the first bucket of a window of `settle` present buckets whose mean is
/// back within the band.
fn follow(
    z: &[f64],
    sign: f64,
    onset: usize,
    alarm: usize,
    mut s: f64,
    stop: usize,
    opts: &DetectorOptions,
) -> Excursion {
    let mut peak = alarm;
    let mut best = f64::NEG_INFINITY;
    let mut score = s;
    let mut window: std::collections::VecDeque<(usize, f64)> = Default::default();
    let mut sum = 0.0;
    let mut end = None;
    for (t, &zt) in z.iter().enumerate().take(stop).skip(onset) {
        if !zt.is_finite() {
            continue;
        }
        let dev = sign * zt;
        if dev > best {
            best = dev;
            peak = t;
        }
        if t > alarm {
            s = (s + dev - opts.k).max(0.0);
            score = score.max(s);
            window.push_back((t, dev));
            sum += dev;
            if window.len() > opts.settle {
                if let Some((_, old)) = window.pop_front() {
                    sum -= old;
                }
            }
            if window.len() == opts.settle && sum / opts.settle as f64 <= opts.k {
                end = window.front().map(|w| w.0);
                break;
            }
        }
    }
    Excursion { peak, score, end }
}

/// The first sharp, lasting jump of level in the excursion that begins at
/// `onset`, at a bucket before `limit`: the median of the `settle` present
/// buckets from there is at least `shift` times the level the excursion
/// held before it — the top of that stretch (its 90th percentile: a few
/// outliers do not count), or its last `settle` buckets if higher, and at
/// least the slack. The stretch must span at least two windows. A ramp,
/// however steep, never jumps that far above its own past, and a signal
/// that only flickers (a p99 over a few requests) jumps to no level it had
/// not touched already; a plateau followed by a step does. Dated at the
/// split of the two windows around it that best separates the values below
/// and above the (geometric) midpoint of the two levels.
fn level_shift(
    z: &[f64],
    sign: f64,
    onset: usize,
    limit: usize,
    opts: &DetectorOptions,
) -> Option<usize> {
    let w = opts.settle.max(1);
    let present: Vec<(usize, f64)> = z
        .iter()
        .enumerate()
        .skip(onset)
        .filter(|(_, v)| v.is_finite())
        .map(|(t, v)| (t, sign * v))
        .collect();
    let median_of = |part: &[(usize, f64)]| {
        let mut v: Vec<f64> = part.iter().map(|p| p.1).collect();
        median(&mut v).unwrap_or(0.0)
    };
    let insert = |sorted: &mut Vec<f64>, v: f64| {
        let at = sorted.partition_point(|&x| x < v);
        sorted.insert(at, v);
    };
    // `before` holds the values of `present[..i]`, sorted.
    let reference = |before: &[f64], i: usize| {
        let top = before.get((before.len().saturating_sub(1)) * 9 / 10);
        top.copied()
            .unwrap_or(0.0)
            .max(median_of(&present[i.saturating_sub(w)..i]))
            .max(opts.k)
    };
    let last = present.len().saturating_sub(w - 1);
    // The jump first shows at `first`; its bucket is dated among the
    // windows around it.
    let split = |first: usize, level: f64, after: f64, mut more: Vec<f64>| {
        // The first windows that show the jump still mix both levels: take
        // those of the next few that contrast them most.
        let (mut i, mut level, mut after) = (first, level, after);
        for j in first + 1..(first + w).min(last) {
            insert(&mut more, present[j - 1].1);
            let (l, a) = (reference(&more, j), median_of(&present[j..j + w]));
            if a >= opts.shift * l && a - l > after - level {
                (i, level, after) = (j, l, a);
            }
        }
        // The split with the fewest values on the wrong side of the
        // midpoint (geometric: a jump is a ratio); the earliest such.
        let mid = (level * after).sqrt();
        let span = &present[i - w..i + w];
        let mut wrong = span.iter().filter(|p| p.1 < mid).count();
        let (mut best, mut at) = (wrong, 0);
        for (j, p) in span.iter().enumerate() {
            if p.1 < mid {
                wrong -= 1;
            } else {
                wrong += 1;
            }
            if wrong < best {
                best = wrong;
                at = j + 1;
            }
        }
        let at = span.get(at).map_or(present[i].0, |p| p.0);
        (at < limit && at > onset).then_some(at)
    };
    let mut before: Vec<f64> = Vec::with_capacity(present.len());
    for first in 0..last {
        if present[first].0 >= limit {
            break;
        }
        if first >= 2 * w {
            let (level, after) = (
                reference(&before, first),
                median_of(&present[first..first + w]),
            );
            if after >= opts.shift * level {
                return split(first, level, after, before);
            }
        }
        insert(&mut before, present[first].1);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Deterministic noise in [-1, 1].
    fn noise(n: usize, seed: u64) -> Vec<f64> {
        let mut x = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (0..n)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                (x % 2001) as f64 / 1000.0 - 1.0
            })
            .collect()
    }

    fn opts() -> DetectorOptions {
        DetectorOptions::default()
    }

    #[test]
    fn a_step_is_dated_at_its_first_bucket() {
        let mut s: Vec<f64> = noise(600, 1).iter().map(|n| 20.0 + 2.0 * n).collect();
        for v in &mut s[300..] {
            *v += 15.0;
        }
        let d = detect(&s, 0..200, &opts());
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].direction, Direction::Up);
        assert!((299..=301).contains(&d[0].onset), "onset {}", d[0].onset);
        assert_eq!(d[0].end, None, "a step never comes back");
    }

    #[test]
    fn a_slow_ramp_is_dated_at_the_start_of_its_growth_not_at_a_threshold() {
        // A gauge flat at 10 that gains one unit every 8 buckets from bucket 240.
        let s: Vec<f64> = (0..700)
            .map(|t| {
                10.0 + if t >= 240 {
                    ((t - 240) / 8) as f64
                } else {
                    0.0
                }
            })
            .collect();
        let d = detect(&s, 0..200, &opts());
        assert_eq!(d.len(), 1, "{d:?}");
        assert!(
            (240..=250).contains(&d[0].onset),
            "onset {} should be the start of the ramp, alarm at {}",
            d[0].onset,
            d[0].alarm
        );
        assert!(d[0].alarm > d[0].onset);
    }

    #[test]
    fn a_noisy_linear_ramp_is_dated_near_its_start_not_at_the_alarm() {
        // Traffic at 15 ± 4 a bucket that climbs linearly from bucket 400 by
        // 0.125 a bucket (four times the level in six minutes of seconds):
        // it leaves the band long after it began.
        for seed in 0..5 {
            let s: Vec<f64> = noise(900, 20 + seed)
                .iter()
                .enumerate()
                .map(|(t, n)| {
                    let ramp = if t >= 400 {
                        (t - 400) as f64 * 0.125
                    } else {
                        0.0
                    };
                    15.0 + 4.0 * n + ramp
                })
                .collect();
            let d = detect(&s, 0..180, &DetectorOptions::default());
            let ramp = d.iter().find(|d| d.end.is_none()).expect("the ramp");
            assert!(
                (370..=430).contains(&ramp.onset),
                "seed {seed}: onset {} (alarm {})",
                ramp.onset,
                ramp.alarm
            );
        }
    }

    #[test]
    fn a_silent_log_departs_at_its_first_entries() {
        // A slow-query log: nothing for 400 buckets, then entries every few
        // buckets, more and more often.
        let mut s = vec![0.0; 900];
        for t in [400, 401, 414, 418, 424, 425, 431, 432, 435, 436, 439] {
            s[t] += 1.0;
        }
        for t in (440..800).step_by(2) {
            s[t] += 2.0;
        }
        let d = detect_sparse(&s, 0..180, &opts()).expect("a silent baseline");
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].onset, 400, "{d:?}");
        let end = d[0].end.expect("it stops");
        assert_eq!(end, 799, "the bucket after the last entry: {d:?}");
        // One stray entry, or two far apart, are no departure.
        let mut stray = vec![0.0; 900];
        stray[300] = 1.0;
        stray[600] = 1.0;
        assert_eq!(detect_sparse(&stray, 0..180, &opts()), Some(vec![]));
        // A burst that stops is an episode that ends.
        let mut burst = vec![0.0; 900];
        for v in &mut burst[300..330] {
            *v = 10.0;
        }
        let d = detect_sparse(&burst, 0..180, &opts()).expect("silent");
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!((d[0].onset, d[0].end), (300, Some(330)), "{d:?}");
        // A baseline that is not silent is left to `detect`.
        let busy: Vec<f64> = (0..900).map(|t| (t % 3) as f64).collect();
        assert_eq!(detect_sparse(&busy, 0..180, &opts()), None);
    }

    #[test]
    fn a_moderate_plateau_followed_by_a_big_step_is_two_episodes_the_step_dated_at_the_step() {
        // A plateau a few spreads up from bucket 250 (enough to alarm by
        // itself), then a step ten times higher from bucket 400.
        let mut s: Vec<f64> = noise(700, 5).iter().map(|n| 20.0 + 2.0 * n).collect();
        for v in &mut s[250..400] {
            *v += 8.0;
        }
        for v in &mut s[400..] {
            *v += 100.0;
        }
        let d = detect(&s, 0..200, &opts());
        assert_eq!(d.len(), 2, "{d:?}");
        assert!((249..=251).contains(&d[0].onset), "{d:?}");
        assert!(
            d[0].end.is_some_and(|e| (399..=401).contains(&e)),
            "the plateau ends where the step begins: {d:?}"
        );
        assert!((399..=401).contains(&d[1].onset), "{d:?}");
        assert_eq!(d[1].end, None, "{d:?}");
        assert!(d[1].score > d[0].score, "{d:?}");
    }

    #[test]
    fn a_creep_too_weak_to_alarm_does_not_date_the_step_after_it() {
        // A minute just above the baseline median (never below it, never
        // enough to alarm), then a step: the departure is the step.
        let mut s: Vec<f64> = noise(600, 6).iter().map(|n| 20.0 + 2.0 * n).collect();
        for v in &mut s[300..360] {
            *v = 21.0;
        }
        for v in &mut s[360..] {
            *v += 30.0;
        }
        let d = detect(&s, 0..200, &opts());
        assert_eq!(d.len(), 1, "{d:?}");
        assert!((359..=361).contains(&d[0].onset), "{d:?}");
    }

    #[test]
    fn a_steep_or_accelerating_climb_stays_one_episode_dated_at_its_start() {
        // A gauge flat at 10 that climbs from bucket 240: linearly and fast,
        // then quadratically (a leak that speeds up), up to a ceiling.
        let climbs: [fn(f64) -> f64; 2] = [|x| 3.0 * x, |x| x * x / 20.0];
        for climb in climbs {
            let s: Vec<f64> = (0..700)
                .map(|t| {
                    10.0 + if t >= 240 {
                        climb((t - 240) as f64).min(400.0)
                    } else {
                        0.0
                    }
                })
                .collect();
            let d = detect(&s, 0..200, &opts());
            assert_eq!(d.len(), 1, "{d:?}");
            assert!((240..=242).contains(&d[0].onset), "{d:?}");
            assert_eq!(d[0].end, None, "{d:?}");
        }
    }

    #[test]
    fn a_flickering_latency_is_not_cut_into_episodes_until_it_really_jumps() {
        // A p99 over a few requests a bucket: 2 ms, or 100–200 ms when a
        // heavy request lands in the bucket (a third of them). The baseline
        // flickers the same way, so its band above covers the flicker: no
        // alarm, and in any case no split into episodes. Then every request
        // takes over a second.
        let mut s: Vec<f64> = noise(700, 8)
            .iter()
            .map(|n| if *n > 0.35 { 0.1 + 0.15 * n } else { 0.002 })
            .collect();
        let o = DetectorOptions {
            min_spread: 0.01,
            ..opts()
        };
        let flicker = detect(&s, 0..200, &o);
        let splits = |d: &[Divergence]| {
            d.windows(2)
                .filter(|w| w[0].end == Some(w[1].onset))
                .map(|w| w[1].onset)
                .collect::<Vec<_>>()
        };
        assert!(
            flicker.is_empty(),
            "the flicker is the baseline's own: {flicker:?}"
        );
        for v in &mut s[500..] {
            *v += 1.2;
        }
        let d = detect(&s, 0..200, &o);
        let last = d.last().expect("the jump is found");
        assert!((499..=501).contains(&last.onset), "{d:?}");
        assert_eq!(last.end, None, "{d:?}");
        assert!(splits(&d).iter().all(|&t| t == last.onset), "{d:?}");
    }

    #[test]
    fn a_spike_that_comes_back_is_transient() {
        let mut s: Vec<f64> = noise(600, 2).iter().map(|n| 50.0 + 5.0 * n).collect();
        for v in &mut s[250..290] {
            *v += 150.0;
        }
        let d = detect(&s, 0..200, &opts());
        assert_eq!(d.len(), 1, "{d:?}");
        assert!((249..=251).contains(&d[0].onset), "{d:?}");
        let end = d[0].end.expect("the spike ends");
        assert!((289..=292).contains(&end), "end {end}");
        assert!((250..290).contains(&d[0].peak));
    }

    #[test]
    fn noise_alone_raises_nothing() {
        for seed in 0..20 {
            let s: Vec<f64> = noise(1000, seed).iter().map(|n| 100.0 + 10.0 * n).collect();
            let d = detect(&s, 0..250, &opts());
            assert!(d.is_empty(), "seed {seed}: {d:?}");
        }
    }

    #[test]
    fn missing_buckets_neither_trigger_nor_hide_a_divergence() {
        let mut s: Vec<f64> = noise(600, 3).iter().map(|n| 1.0 + 0.2 * n).collect();
        for v in s.iter_mut().skip(100).step_by(3) {
            *v = f64::NAN;
        }
        assert!(detect(
            &s,
            0..200,
            &DetectorOptions {
                min_spread: 0.05,
                ..opts()
            }
        )
        .is_empty());
        for v in s[400..].iter_mut().filter(|v| v.is_finite()) {
            *v += 3.0;
        }
        let d = detect(
            &s,
            0..200,
            &DetectorOptions {
                min_spread: 0.05,
                ..opts()
            },
        );
        assert_eq!(d.len(), 1, "{d:?}");
        assert!((399..=402).contains(&d[0].onset), "{d:?}");
    }

    #[test]
    fn regression_the_onset_is_never_a_missing_bucket() {
        // A ratio with no requests in bucket 300 (NaN), then a step.
        let mut s: Vec<f64> = vec![0.0; 400];
        s[300] = f64::NAN;
        for v in &mut s[301..] {
            *v = 1.0;
        }
        let d = detect(
            &s,
            0..200,
            &DetectorOptions {
                min_spread: 0.02,
                ..opts()
            },
        );
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].onset, 301);
    }

    #[test]
    fn a_drop_is_found_as_a_downward_divergence() {
        let mut s: Vec<f64> = noise(500, 4).iter().map(|n| 40.0 + 3.0 * n).collect();
        for v in &mut s[300..] {
            *v = 2.0;
        }
        let d = detect(&s, 0..200, &opts());
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].direction, Direction::Down);
        assert!((299..=301).contains(&d[0].onset));
    }

    #[test]
    fn a_flat_baseline_uses_the_floor_so_one_event_is_not_an_outage() {
        // Zero errors in the baseline (MAD = 0), then a single error.
        let mut s = vec![0.0; 400];
        s[300] = 1.0;
        assert!(detect(&s, 0..200, &opts()).is_empty());
        // …but a sustained run of errors is.
        for v in &mut s[300..340] {
            *v = 3.0;
        }
        assert_eq!(detect(&s, 0..200, &opts()).len(), 1);
    }

    #[test]
    fn empty_or_all_missing_series_give_nothing() {
        assert!(detect(&[], 0..10, &opts()).is_empty());
        assert!(detect(&[f64::NAN; 50], 0..10, &opts()).is_empty());
        assert!(baseline(&[1.0, 2.0], 5..9, 1.0).is_none());
    }

    #[test]
    fn the_band_above_covers_a_baseline_that_flicks_up_but_not_a_lone_spike() {
        // Flicks: 1 bucket in 6 at 100 over a level of 10 (spread floor 1).
        let flicky: Vec<f64> = (0..600)
            .map(|i| if i % 6 == 0 { 100.0 } else { 10.0 })
            .collect();
        assert!(detect(&flicky, 0..200, &opts()).is_empty());
        // The same flicks with a lasting rise to 300 are found.
        let mut risen = flicky.clone();
        for v in &mut risen[400..] {
            *v = 300.0;
        }
        let d = detect(&risen, 0..200, &opts());
        assert!(d.iter().any(|d| d.onset == 400 && d.end.is_none()), "{d:?}");
        // A lone spike in the baseline (under 5 % of it) does not widen the
        // band: a later rise of 20 over a level of 10 ± 1 is found.
        let mut quiet: Vec<f64> = noise(600, 3).iter().map(|n| 10.0 + n).collect();
        quiet[50] = 500.0;
        for v in &mut quiet[400..] {
            *v += 20.0;
        }
        let d = detect(&quiet, 0..200, &opts());
        assert!(d.iter().any(|d| (399..=401).contains(&d.onset)), "{d:?}");
    }
}
