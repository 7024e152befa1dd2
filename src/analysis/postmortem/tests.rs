use super::*;

fn grid(n: usize) -> Grid {
    Grid {
        start: 0,
        width: 10_000_000,
        n,
    }
}

fn signal(name: &str, values: Vec<f64>) -> Signal {
    let (source, metric) = name.split_once('.').unwrap_or((name, ""));
    Signal {
        name: name.into(),
        source: source.into(),
        kind: "database".into(),
        metric: metric.into(),
        values,
        min_spread: 1.0,
        user_facing: false,
        generic: false,
        counts: false,
    }
}

fn departure(signal: &str, onset: i64) -> Departure<'_> {
    Departure {
        signal,
        source: signal.split('.').next().unwrap_or(signal),
        onset,
        direction: Direction::Up,
        transient: false,
    }
}

fn impact(start: i64, end: i64) -> Impact {
    Impact {
        start,
        end,
        signal: "lb.5xx_ratio".into(),
        source: "lb".into(),
        ..Impact::default()
    }
}

#[test]
fn thresholds_round_outwards_to_two_digits() {
    let cases = [
        (11.0, true, 11.0),
        (11.2, true, 12.0),
        (448.3, true, 450.0),
        (448.3, false, 440.0),
        (0.0134, true, 0.014),
        (0.5, true, 0.5),
    ];
    for (x, up, want) in cases {
        let got = round_outwards(x, up);
        assert!((got - want).abs() < 1e-9, "{x} {up}: {got} != {want}");
    }
}

#[test]
fn a_climbing_gauge_fires_after_its_hold_and_before_the_impact() {
    // Flat at 8 for 30 buckets, then climbing one per bucket.
    let values: Vec<f64> = (0..100)
        .map(|i| if i < 30 { 8.0 } else { 8.0 + (i - 30) as f64 })
        .collect();
    let sigs = [signal("db.connections", values)];
    let onset = 30 * 10_000_000;
    let imp = impact(80 * 10_000_000, 95 * 10_000_000);
    let alerts = alerts(
        &grid(100),
        &sigs,
        &[departure("db.connections", onset)],
        0..30,
        Some(&imp),
    );
    assert_eq!(alerts.len(), 1);
    let a = &alerts[0];
    // Level 8, spread floored at 1: threshold 11, crossed from bucket 34
    // (value 12); three 10 s buckets make the 30 s hold: fires at the end of 36.
    assert_eq!(a.threshold, 11.0);
    assert_eq!(a.hold_seconds, 30.0);
    assert_eq!(a.fires_at, Some(37 * 10_000_000));
    assert_eq!(a.lead_seconds, Some(430.0));
    assert!(a.noisy_fires.is_empty());
}

#[test]
fn firings_before_the_onset_are_noise_and_a_short_spike_is_not_a_firing() {
    let mut values = vec![5.0; 100];
    // A 2-bucket spike (shorter than the hold), then a 5-bucket burst.
    values[35] = 50.0;
    values[36] = 50.0;
    for v in &mut values[40..45] {
        *v = 50.0;
    }
    for v in &mut values[60..] {
        *v = 40.0;
    }
    let sigs = [signal("lb.requests", values)];
    let alerts = alerts(
        &grid(100),
        &sigs,
        &[departure("lb.requests", 60 * 10_000_000)],
        0..30,
        None,
    );
    let a = &alerts[0];
    assert_eq!(a.noisy_fires, vec![43 * 10_000_000]);
    assert_eq!(a.fires_at, Some(63 * 10_000_000));
    assert_eq!(a.lead_seconds, None, "no impact, no lead");
}

#[test]
fn transient_departures_and_later_repeats_make_no_alert_of_their_own() {
    let values: Vec<f64> = (0..50).map(|i| if i < 20 { 1.0 } else { 9.0 }).collect();
    let sigs = [signal("a.x", values.clone()), signal("b.y", values)];
    let mut transient = departure("b.y", 5);
    transient.transient = true;
    let alerts = alerts(
        &grid(50),
        &sigs,
        &[
            departure("a.x", 200_000_000),
            departure("a.x", 300_000_000),
            transient,
        ],
        0..20,
        None,
    );
    assert_eq!(alerts.len(), 1);
    assert_eq!(alerts[0].onset, 200_000_000);
}

#[test]
fn the_peak_is_the_worst_bucket_of_the_window_with_the_latency_then() {
    let mut ratio = vec![0.0; 20];
    ratio[12] = 0.4;
    ratio[14] = 0.9;
    ratio[16] = 1.0; // after the window
    let mut lat = vec![0.1; 20];
    lat[14] = 4.5;
    let mut lb_ratio = signal("lb.5xx_ratio", ratio);
    lb_ratio.kind = "load-balancer".into();
    let mut lb_lat = signal("lb.latency_p95", lat);
    lb_lat.kind = "load-balancer".into();
    let app_lat = signal("app.latency_p95", vec![9.0; 20]);
    let imp = impact(10 * 10_000_000, 15 * 10_000_000);
    let p = impact_peak(&grid(20), &[app_lat, lb_ratio, lb_lat], &imp).expect("peak");
    assert_eq!(p.time, 14 * 10_000_000);
    assert_eq!(p.value, 0.9);
    assert_eq!(p.latency_signal.as_deref(), Some("lb.latency_p95"));
    assert_eq!(p.latency_seconds, Some(4.5));
}

#[test]
fn the_ending_change_is_the_deploy_of_the_last_burst_in_the_window() {
    let change = |s: i64, kind| ChangeEvent {
        time: s * 1_000_000,
        source: "app".into(),
        kind,
        description: String::new(),
        file: String::new(),
        line: 0,
        offset: 0,
    };
    let changes = [
        change(10, ChangeKind::Deploy),   // the cause, before the impact
        change(200, ChangeKind::Restart), // within, but an earlier burst
        change(400, ChangeKind::Restart),
        change(401, ChangeKind::Deploy),
        change(402, ChangeKind::Restart),
        change(500, ChangeKind::Restart), // after the impact
    ];
    let g = Grid {
        start: 0,
        width: 1_000_000,
        n: 600,
    };
    let imp = impact(100_000_000, 420_000_000);
    assert_eq!(ending_change(&g, &changes, &imp), Some(3));
    let none = impact(600_000_000, 700_000_000);
    assert_eq!(ending_change(&g, &changes, &none), None);
}

#[test]
fn all_clients_counts_each_client_once() {
    let s = SourceSeries {
        clients: crate::analysis::signals::Buckets::Sparse(vec![
            (0, [1u64, 2].into_iter().collect()),
            (7, [2u64, 3].into_iter().collect()),
        ]),
        ..SourceSeries::default()
    };
    assert_eq!(all_clients(&s), Some(3));
    assert_eq!(all_clients(&SourceSeries::default()), None);
}
