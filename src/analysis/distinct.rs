//! Distinct counts that merge: how many clients a bucket, a window or the
//! whole span saw, in bounded memory.
//!
//! [`Distinct`] keeps the hashes themselves (folded to 32 bits) while they
//! are few — the count is exact but for collisions, about one in two
//! thousand sets of 4,096 — and a HyperLogLog sketch of 2^14 registers once
//! they are more than [`EXACT_MAX`] (16 KiB whatever the count, as much as
//! the largest exact set; a standard error of 0.8 %, linear counting below
//! forty thousand). Two sketches merge into the sketch of the union, so
//! per-second counts add up to any window's.

use serde::{Deserialize, Serialize};

/// Hashes kept exactly, at most.
pub const EXACT_MAX: usize = 4096;

/// Register index bits.
const P: u32 = 14;
const M: usize = 1 << P;

/// A set of 64-bit hashes, for its size.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Distinct {
    /// The hashes folded to 32 bits, sorted (stored as their differences).
    Exact(#[serde(with = "deltas")] Vec<u32>),
    /// HyperLogLog registers.
    Sketch(Vec<u8>),
}

impl Default for Distinct {
    fn default() -> Self {
        Distinct::Exact(Vec::new())
    }
}

fn register(h: u32) -> (usize, u8) {
    let index = (h >> (32 - P)) as usize;
    let rest = h << P;
    let rank = (rest.leading_zeros().min(32 - P) + 1) as u8;
    (index, rank)
}

impl Distinct {
    /// Adds a hash.
    pub fn insert(&mut self, h: u64) {
        self.insert_half((h ^ (h >> 32)) as u32);
    }

    fn insert_half(&mut self, h: u32) {
        let full = match self {
            Distinct::Exact(v) => {
                if let Err(i) = v.binary_search(&h) {
                    v.insert(i, h);
                }
                v.len() > EXACT_MAX
            }
            Distinct::Sketch(r) => {
                let (i, rank) = register(h);
                r[i] = r[i].max(rank);
                false
            }
        };
        if full {
            self.make_sketch();
        }
    }

    fn make_sketch(&mut self) {
        if let Distinct::Exact(v) = self {
            let mut r = vec![0u8; M];
            for &h in v.iter() {
                let (i, rank) = register(h);
                r[i] = r[i].max(rank);
            }
            *self = Distinct::Sketch(r);
        }
    }

    /// Makes this the set of both.
    pub fn merge(&mut self, other: &Distinct) {
        match other {
            Distinct::Exact(o) => {
                let Distinct::Exact(v) = self else {
                    o.iter().for_each(|&h| self.insert_half(h));
                    return;
                };
                if v.is_empty() {
                    v.clone_from(o);
                    return;
                }
                // Two sorted lists: one merge, not a search per hash.
                let mut merged = Vec::with_capacity(v.len() + o.len());
                let (mut i, mut j) = (0, 0);
                while i < v.len() && j < o.len() {
                    let (a, b) = (v[i], o[j]);
                    merged.push(a.min(b));
                    i += usize::from(a <= b);
                    j += usize::from(b <= a);
                }
                merged.extend_from_slice(&v[i..]);
                merged.extend_from_slice(&o[j..]);
                *v = merged;
                if v.len() > EXACT_MAX {
                    self.make_sketch();
                }
            }
            Distinct::Sketch(o) => {
                self.make_sketch();
                if let Distinct::Sketch(r) = self {
                    for (x, y) in r.iter_mut().zip(o) {
                        *x = (*x).max(*y);
                    }
                }
            }
        }
    }

    /// Whether nothing was added.
    pub fn is_empty(&self) -> bool {
        matches!(self, Distinct::Exact(v) if v.is_empty())
    }

    /// How many distinct hashes were added (exact while they are few).
    pub fn len(&self) -> u64 {
        match self {
            Distinct::Exact(v) => v.len() as u64,
            Distinct::Sketch(r) => {
                let m = M as f64;
                let zeros = r.iter().filter(|&&x| x == 0).count();
                let sum: f64 = r.iter().map(|&x| 2f64.powi(-i32::from(x))).sum();
                let alpha = 0.7213 / (1.0 + 1.079 / m);
                let raw = alpha * m * m / sum;
                let estimate = if raw <= 2.5 * m && zeros > 0 {
                    m * (m / zeros as f64).ln()
                } else {
                    raw
                };
                estimate.round() as u64
            }
        }
    }
}

/// A sorted list stored as its first value and the differences that follow
/// (small numbers, so their variable-length encoding is short): the signals
/// file holds millions of such hashes.
pub mod deltas {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    /// Unsigned integers that can be differenced.
    pub trait Delta: Copy + Default {
        /// `self - prev`, wrapping.
        fn sub(self, prev: Self) -> Self;
        /// `self + d`, wrapping.
        fn add(self, d: Self) -> Self;
    }

    impl Delta for u32 {
        fn sub(self, prev: u32) -> u32 {
            self.wrapping_sub(prev)
        }
        fn add(self, d: u32) -> u32 {
            self.wrapping_add(d)
        }
    }

    impl Delta for u64 {
        fn sub(self, prev: u64) -> u64 {
            self.wrapping_sub(prev)
        }
        fn add(self, d: u64) -> u64 {
            self.wrapping_add(d)
        }
    }

    /// Writes the differences.
    pub fn serialize<T: Delta + Serialize, S: Serializer>(
        v: &[T],
        s: S,
    ) -> Result<S::Ok, S::Error> {
        let mut prev = T::default();
        let d: Vec<T> = v
            .iter()
            .map(|&x| {
                let d = x.sub(prev);
                prev = x;
                d
            })
            .collect();
        d.serialize(s)
    }

    /// Reads the differences back into the list.
    pub fn deserialize<'de, T, D>(d: D) -> Result<Vec<T>, D::Error>
    where
        T: Delta + Deserialize<'de>,
        D: Deserializer<'de>,
    {
        let mut v: Vec<T> = Vec::deserialize(d)?;
        let mut prev = T::default();
        for x in &mut v {
            prev = prev.add(*x);
            *x = prev;
        }
        Ok(v)
    }
}

impl FromIterator<u64> for Distinct {
    fn from_iter<I: IntoIterator<Item = u64>>(iter: I) -> Distinct {
        let mut d = Distinct::default();
        iter.into_iter().for_each(|h| d.insert(h));
        d
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hash(i: u64) -> u64 {
        xxhash_rust::xxh3::xxh3_64(&i.to_le_bytes())
    }

    #[test]
    fn few_are_counted_exactly_and_duplicates_once() {
        let mut d = Distinct::default();
        for i in 0..EXACT_MAX as u64 {
            d.insert(hash(i));
            d.insert(hash(i));
        }
        assert_eq!(d.len(), EXACT_MAX as u64);
        assert!(matches!(d, Distinct::Exact(_)));
    }

    #[test]
    fn many_are_estimated_within_a_few_percent() {
        for n in [5_000u64, 40_000, 1_000_000] {
            let mut d = Distinct::default();
            for i in 0..n {
                d.insert(hash(i));
            }
            let err = (d.len() as f64 - n as f64).abs() / n as f64;
            assert!(err < 0.05, "{n}: {} ({err})", d.len());
        }
    }

    #[test]
    fn merged_sets_count_their_union() {
        // Two windows sharing half their clients, one large and one small.
        let (mut a, mut b, mut small) = (
            Distinct::default(),
            Distinct::default(),
            Distinct::default(),
        );
        (0..20_000).for_each(|i| a.insert(hash(i)));
        (10_000..30_000).for_each(|i| b.insert(hash(i)));
        assert!(matches!(
            (&a, &b),
            (Distinct::Sketch(_), Distinct::Sketch(_))
        ));
        (29_990..30_010).for_each(|i| small.insert(hash(i)));
        let mut u = Distinct::default();
        for d in [&small, &a, &b] {
            u.merge(d);
        }
        let err = (u.len() as f64 - 30_010.0).abs() / 30_010.0;
        assert!(err < 0.05, "{}", u.len());
        // Exact sets merge exactly.
        let mut e = small.clone();
        e.merge(&small);
        assert_eq!(e.len(), 20);
        let other: Distinct = (29_000..29_995).map(hash).collect();
        e.merge(&other);
        assert_eq!(e.len(), 1_010);
        let mut by_one = other.clone();
        (29_990..30_010).for_each(|i| by_one.insert(hash(i)));
        assert_eq!(e, by_one);
    }
}
