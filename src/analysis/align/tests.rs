use super::*;
use crate::analysis::signals::Buckets;

/// Deterministic xorshift draws.
struct Draws(u64);

impl Draws {
    fn new(seed: u64) -> Draws {
        Draws(
            seed.wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407)
                | 1,
        )
    }
    fn unit(&mut self) -> f64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
    fn below(&mut self, n: i64) -> i64 {
        (self.unit() * n as f64) as i64
    }
    /// A Poisson draw (Knuth; small means).
    fn poisson(&mut self, mean: f64) -> u32 {
        let limit = (-mean).exp();
        let (mut k, mut p) = (0u32, 1.0);
        loop {
            p *= self.unit();
            if p <= limit {
                return k;
            }
            k += 1;
        }
    }
}

const S: i64 = 1_000_000;
const T0: i64 = 1_800_000_000 * S;

/// Requests through a load balancer (logs at the end, whole seconds, with
/// the duration) and an app (logs twice during the request, µs, its clock
/// `skew` µs ahead). Ids are hashes 0..n.
fn requests(n: u64, skew: i64, seed: u64) -> (SourceClock, SourceClock) {
    let mut d = Draws::new(seed);
    let (mut lb, mut app) = (SourceClock::new(0), SourceClock::new(0));
    let mut t = T0;
    for id in 0..n {
        t += d.below(200_000);
        // Mostly fast requests, some slow ones.
        let dur = if d.unit() < 0.9 {
            2_000 + d.below(50_000)
        } else {
            d.below(30 * S)
        };
        let end = t + dur;
        lb.add(end - end.rem_euclid(S), None, Some(id), Some(dur));
        for _ in 0..2 {
            let at = t + d.below(dur.max(1));
            app.add(at + skew, None, Some(id), None);
        }
    }
    (lb, app)
}

#[test]
fn shared_request_ids_give_the_offset_of_a_skewed_clock() {
    for skew in [45 * S, -7 * S - 300_000, 3_600 * S] {
        let (lb, app) = requests(2_000, skew, 3);
        assert_eq!(lb.resolution(), S);
        let e = offset_from_ids(&lb.ids, &app.ids, (lb.resolution(), app.resolution()))
            .expect("an estimate");
        assert!((e.offset - skew).abs() <= S, "skew {skew}: {e:?}");
        assert_eq!(e.matches, 2_000);
        assert!(e.confidence > 0.9, "{e:?}");
    }
}

#[test]
fn clocks_that_agree_get_exactly_zero_from_request_ids() {
    for seed in 1..5 {
        let (lb, app) = requests(1_000, 0, seed);
        let e = offset_from_ids(&lb.ids, &app.ids, (lb.resolution(), app.resolution()))
            .expect("an estimate");
        assert_eq!(e.offset, 0, "{e:?}");
        // A skew below the clocks' resolution is no offset either.
        let (lb, app) = requests(1_000, 400_000, seed);
        let e = offset_from_ids(&lb.ids, &app.ids, (lb.resolution(), app.resolution()))
            .expect("an estimate");
        assert_eq!(e.offset, 0, "{e:?}");
    }
}

#[test]
fn ids_that_do_not_describe_the_same_requests_give_no_offset() {
    // Two sources whose id values collide by chance (other requests, other
    // times): no offset is agreed on.
    let (lb, _) = requests(1_000, 0, 1);
    let (_, other) = requests(1_000, 0, 2);
    let shuffled: HashMap<u64, IdSpan> = other
        .ids
        .iter()
        .map(|(&h, &s)| ((h * 7919) % 1_000, s))
        .collect();
    assert_eq!(
        offset_from_ids(&lb.ids, &shuffled, (lb.resolution(), other.resolution())),
        None
    );
    // Too few shared ids say nothing.
    let few: HashMap<u64, IdSpan> = lb.ids.iter().take(5).map(|(&h, &s)| (h, s)).collect();
    assert_eq!(offset_from_ids(&few, &lb.ids, (S, S)), None);
}

#[test]
fn the_id_sample_is_bounded_and_consistent_across_sources() {
    let (mut a, mut b) = (SourceClock::new(0), SourceClock::new(0));
    for i in 0..100_000u64 {
        let h = xxhash_rust::xxh3::xxh3_64(&i.to_le_bytes());
        a.add(T0, None, Some(h), None);
        if i % 2 == 0 {
            b.add(T0, None, Some(h), None);
        }
    }
    assert!(a.ids.len() <= 2 * ID_SAMPLE && b.ids.len() <= 2 * ID_SAMPLE);
    let shared = a.ids.keys().filter(|h| b.ids.contains_key(h)).count();
    // Half of b's ids are all of b's; they are kept by a too when small enough.
    assert!(shared >= ID_SAMPLE / 4, "{shared}");
}

/// Traffic per second for `n` seconds: a noisy rate with slow waves and an
/// outage step; each tier logs about `per_request` events per request.
fn traffic(n: usize, seed: u64) -> Vec<f64> {
    let mut d = Draws::new(seed);
    (0..n)
        .map(|t| {
            let wave = 1.0 + 0.3 * (t as f64 / 600.0).sin();
            let outage = if (n * 3 / 5..n * 4 / 5).contains(&t) {
                3.0
            } else {
                1.0
            };
            // Bursty arrivals: the rate itself wanders from second to second.
            10.0 * wave * outage * (0.5 + d.unit())
        })
        .collect()
}

fn tier(rate: &[f64], per_request: f64, shift: i64, seed: u64) -> Vec<u32> {
    let mut d = Draws::new(seed);
    (0..rate.len() as i64)
        .map(|t| {
            let u = t - shift;
            if u < 0 || u >= rate.len() as i64 {
                return 0;
            }
            d.poisson(rate[u as usize] * per_request)
        })
        .collect()
}

fn opts() -> RateOptions {
    RateOptions {
        width: S,
        max_lag: 15 * 3_600 * S,
    }
}

#[test]
fn aligned_rate_changes_give_the_offset_of_a_skewed_clock() {
    let rate = traffic(3_000, 1);
    let lb = tier(&rate, 1.0, 0, 2);
    for shift in [37i64, -90, 8] {
        let app = tier(&rate, 3.0, shift, 3);
        let e = offset_from_rates(&lb, &app, &opts()).expect("a clear peak");
        assert!((e.offset - shift * S).abs() <= S, "shift {shift}: {e:?}");
    }
}

#[test]
fn a_shift_of_hours_with_partial_overlap_is_found_on_a_long_span() {
    // 5 h of 1 s buckets; the second source's clock 2 h ahead (a wrong
    // zone), so they share only 3 h.
    let n = 5 * 3_600;
    let rate = traffic(n, 4);
    let lb = tier(&rate, 1.0, 0, 5);
    let mut db = tier(&rate, 2.0, 7_200, 6);
    // It has logged nothing since: its own span ends with the data.
    db.truncate(n);
    let e = offset_from_rates(&lb, &db, &opts()).expect("a clear peak");
    assert!((e.offset - 7_200 * S).abs() <= 2 * S, "{e:?}");
}

#[test]
fn rates_of_clocks_that_agree_give_zero() {
    for seed in 0..4 {
        let rate = traffic(1_200, 10 + seed);
        let lb = tier(&rate, 1.0, 0, 20 + seed);
        let app = tier(&rate, 2.0, 0, 30 + seed);
        let e = offset_from_rates(&lb, &app, &opts()).expect("a clear peak");
        assert_eq!(e.offset, 0, "{e:?}");
    }
}

#[test]
fn unrelated_sources_get_no_offset_even_with_a_step_each() {
    for seed in 0..4 {
        // Each has its own traffic, with its own step at another time.
        let a = tier(&traffic(1_500, 40 + seed), 1.0, 0, 50 + seed);
        let mut b = tier(&traffic(1_500, 60 + seed), 1.0, 0, 70 + seed);
        b.rotate_left(400);
        assert_eq!(offset_from_rates(&a, &b, &opts()), None, "seed {seed}");
    }
}

#[test]
fn the_reference_is_the_load_balancer_and_each_source_uses_the_best_method() {
    let (lb, app) = requests(500, 12 * S, 9);
    let mut lb = lb;
    let mut app = app;
    // Rates on a fine grid too: 600 buckets.
    let rate = traffic(600, 11);
    lb.counts = Buckets::Dense(tier(&rate, 1.0, 0, 12));
    app.counts = Buckets::Dense(tier(&rate, 2.0, 12, 13));
    let mut db = SourceClock::new(600);
    db.counts = Buckets::Dense(tier(&rate, 4.0, -20, 14));
    (lb.buckets, app.buckets) = (600, 600);
    db.events = db.counts.total();
    // The app is the busiest, but the load balancer is users' time.
    app.events = 10 * lb.events;
    let out = estimate(
        &[
            ("app", "app", &app),
            ("db", "database", &db),
            ("edge", "load-balancer", &lb),
        ],
        &opts(),
    );
    assert_eq!(out.len(), 2, "{out:?}");
    assert!(out.iter().all(|o| o.reference == "edge"));
    let app = &out[0];
    assert_eq!(
        (app.source.as_str(), app.method),
        ("app", Method::RequestId)
    );
    assert!((app.offset_seconds - 12.0).abs() <= 1.0, "{app:?}");
    let db = &out[1];
    assert_eq!((db.source.as_str(), db.method), ("db", Method::Rate));
    assert!((db.offset_seconds + 20.0).abs() <= 1.0, "{db:?}");
}
