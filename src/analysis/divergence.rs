//! Divergence detection on one bucketed signal.
//!
//! The baseline is a quiet stretch of the signal (by default its start):
//! its median and MAD (robust: a spike in the baseline does not inflate
//! them) give the expected level and spread. Each bucket becomes a robust
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
}

impl Default for DetectorOptions {
    fn default() -> Self {
        DetectorOptions {
            k: 1.0,
            h: 12.0,
            settle: 10,
            min_spread: 1.0,
        }
    }
}

/// Up or down from the baseline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
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
    /// First bucket back in the band, or `None` if it never came back.
    pub end: Option<usize>,
    /// Bucket of the largest deviation.
    pub peak: usize,
    /// Direction.
    pub direction: Direction,
    /// Strength: the largest accumulated excess, in spread-buckets.
    pub score: f64,
}

/// The baseline's level and spread.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Baseline {
    /// Median of the baseline buckets.
    pub level: f64,
    /// Robust spread (1.4826 × MAD), floored.
    pub spread: f64,
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
    Some(Baseline {
        level,
        spread: (1.4826 * mad).max(min_spread),
    })
}

/// Finds every divergence of `series` from the baseline taken on `base`.
/// Missing buckets (NaN) neither accumulate nor reset.
pub fn detect(series: &[f64], base: Range<usize>, opts: &DetectorOptions) -> Vec<Divergence> {
    let Some(b) = baseline(series, base, opts.min_spread) else {
        return Vec::new();
    };
    let z: Vec<f64> = series
        .iter()
        .map(|v| {
            if v.is_finite() {
                (v - b.level) / b.spread
            } else {
                f64::NAN
            }
        })
        .collect();
    let mut found = Vec::new();
    for direction in [Direction::Up, Direction::Down] {
        let sign = if direction == Direction::Up {
            1.0
        } else {
            -1.0
        };
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

/// Scans from `from` for the next alarm in direction `sign`.
fn scan_one(z: &[f64], from: usize, sign: f64, opts: &DetectorOptions) -> Option<Divergence> {
    let mut s = 0.0f64;
    let mut last_zero = from;
    let mut alarm = None;
    for (t, &zt) in z.iter().enumerate().skip(from) {
        if !zt.is_finite() {
            continue;
        }
        s = (s + sign * zt - opts.k).max(0.0);
        if s == 0.0 {
            last_zero = t + 1;
        } else if s > opts.h {
            alarm = Some(t);
            break;
        }
    }
    let alarm = alarm?;
    // Date the onset where the signal last sat at or below its baseline
    // level before the alarm (not where it crossed the band): the start of
    // the climb. The CUSUM restart bounds the search.
    // (The first *present* bucket after it: a missing bucket is no onset.)
    let onset = (from..=alarm)
        .rev()
        .find(|&t| z[t].is_finite() && sign * z[t] <= 0.0)
        .map_or(last_zero.min(alarm), |t| {
            (t + 1..=alarm).find(|&u| z[u].is_finite()).unwrap_or(alarm)
        });
    // Follow the excursion: its peak, its largest sum, and its end — the
    // first bucket of a window of `settle` present buckets whose mean is
    // back within the band.
    let mut peak = alarm;
    let mut best = f64::NEG_INFINITY;
    let mut score = s;
    let mut window: std::collections::VecDeque<(usize, f64)> = Default::default();
    let mut sum = 0.0;
    let mut end = None;
    for (t, &zt) in z.iter().enumerate().skip(onset) {
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
    Some(Divergence {
        onset,
        alarm,
        end,
        peak,
        direction: Direction::Up,
        score,
    })
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
}
