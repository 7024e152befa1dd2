//! The incident's dense span: where the events are, not where a stray one
//! says they are.
//!
//! One record dated 1970 (a clock not yet set at boot), 9999 (a sentinel)
//! or a year off (a yearless syslog line read in the wrong year) would
//! otherwise stretch the analysis grid over decades, one bucket holding the
//! whole incident: no impact, no first divergence, and nothing said. The
//! span is grown from the middle of the times outward, and stops at a gap
//! much longer than the times' own spread; what lies beyond is reported,
//! not analysed.

/// The shortest gap that separates the dense span from an outlier, µs: a
/// night or a weekend day of silence is still one incident's logs.
pub const MIN_GAP: i64 = 24 * 3_600_000_000;

/// The window `(lo, hi)` that holds the dense part of `sorted` (times in
/// µs, ascending; a sample is enough). From the median outward, a time
/// joins while it is within `gap` of the times already in, where `gap` is
/// the larger of [`MIN_GAP`] and the spread of the middle half. The window
/// reaches `gap` beyond the outermost time that joined, so times the sample
/// skipped next to the edge still fall inside it.
pub fn dense_window(sorted: &[i64]) -> Option<(i64, i64)> {
    let n = sorted.len();
    if n == 0 {
        return None;
    }
    debug_assert!(sorted.windows(2).all(|w| w[0] <= w[1]));
    let spread = sorted[(3 * n) / 4].saturating_sub(sorted[n / 4]);
    let gap = MIN_GAP.max(spread);
    let mid = n / 2;
    let mut lo = mid;
    while lo > 0 && sorted[lo].saturating_sub(sorted[lo - 1]) <= gap {
        lo -= 1;
    }
    let mut hi = mid;
    while hi + 1 < n && sorted[hi + 1].saturating_sub(sorted[hi]) <= gap {
        hi += 1;
    }
    Some((
        sorted[lo].saturating_sub(gap),
        sorted[hi].saturating_add(gap),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    const H: i64 = 3_600_000_000;
    const T0: i64 = 1_760_000_000_000_000;

    fn minutes(n: i64) -> Vec<i64> {
        (0..n).map(|i| T0 + i * 60_000_000).collect()
    }

    #[test]
    fn stray_dates_far_off_are_left_outside() {
        let mut ts = minutes(600);
        ts.insert(0, 0); // 1970
        ts.push(253_402_300_799_000_000); // 9999-12-31
        let (lo, hi) = dense_window(&ts).unwrap();
        assert!((1..=T0).contains(&lo));
        assert!((T0 + 599 * 60_000_000..253_402_300_799_000_000).contains(&hi));
    }

    #[test]
    fn an_ordinary_span_with_a_night_of_silence_is_kept_whole() {
        let mut ts = minutes(300);
        // Twenty hours later, the incident.
        ts.extend(minutes(300).iter().map(|t| t + 20 * H + 300 * 60_000_000));
        let (lo, hi) = dense_window(&ts).unwrap();
        assert!(lo <= ts[0] && hi >= *ts.last().unwrap());
    }

    #[test]
    fn a_long_capture_keeps_gaps_as_long_as_its_own_spread() {
        // A month of hourly records with a three-day hole in the middle.
        let mut ts: Vec<i64> = (0..360).map(|i| T0 + i * H).collect();
        ts.extend((0..360).map(|i| T0 + (360 + 72 + i) * H));
        let (lo, hi) = dense_window(&ts).unwrap();
        assert!(lo <= ts[0] && hi >= *ts.last().unwrap());
    }

    #[test]
    fn a_source_a_year_off_is_outside() {
        let mut ts = minutes(1000);
        ts.extend(minutes(50).iter().map(|t| t - 365 * 24 * H));
        ts.sort_unstable();
        let (lo, _) = dense_window(&ts).unwrap();
        assert!(lo > T0 - 365 * 24 * H + 50 * 60_000_000);
        assert!(lo <= T0);
    }

    #[test]
    fn one_time_or_none() {
        assert_eq!(dense_window(&[]), None);
        assert_eq!(dense_window(&[T0]), Some((T0 - MIN_GAP, T0 + MIN_GAP)));
        // The extremes of the i64 range do not overflow.
        assert!(dense_window(&[i64::MIN, 0, i64::MAX]).is_some());
    }
}
