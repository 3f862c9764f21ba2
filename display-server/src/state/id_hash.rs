//! The hasher of the state's maps keyed by ids ([`IdMap`]): one multiplication per key
//! instead of SipHash's rounds, which cost more than the rest of a no-op request.
//!
//! Why not a fixed fast hash (FxHash)? Ids are chosen by the clients, and a client that
//! knows the function could pick ids that all land in one bucket and slow every lookup
//! of the state thread, which serves everyone. So the key and multiplier are random per
//! process (from the standard library's random keys), and each word is mixed by a folded
//! multiply: the full 128-bit product of (word ^ key) and the multiplier, its high half
//! XORed onto its low half. Every bit of the result then depends on every bit of the id
//! (a plain 64-bit product's low bits, which pick the bucket, would ignore an id's high
//! bits: clients choosing id spaces that agree in their low bits would share buckets).
//! `finish` folds once more with a second random multiplier: with one fold alone, about
//! one key in thirty put 4096 consecutive ids of one space 30 or more to a bucket (mean 4,
//! worst seen 125); with two, the worst over 20,000 keys was 18.

use std::collections::HashMap;
use std::hash::{BuildHasher, Hasher};
use std::sync::OnceLock;

/// A map keyed by ids (or other small integers), hashed by [`IdHasher`].
pub type IdMap<K, V> = HashMap<K, V, IdHashBuilder>;

/// Makes [`IdHasher`]s with the process's random multiplier.
#[derive(Debug, Clone, Copy)]
pub struct IdHashBuilder {
    seed: u64,
    k: u64,
    k2: u64,
}

impl Default for IdHashBuilder {
    fn default() -> Self {
        static KEYS: OnceLock<(u64, u64, u64)> = OnceLock::new();
        let (seed, k, k2) = *KEYS.get_or_init(|| {
            let random = std::collections::hash_map::RandomState::new();
            (
                random.hash_one(0u64),
                random.hash_one(1u64),
                random.hash_one(2u64),
            )
        });
        IdHashBuilder::with_keys(seed, k, k2)
    }
}

impl IdHashBuilder {
    /// A builder with the given keys (the multipliers are made odd).
    fn with_keys(seed: u64, k: u64, k2: u64) -> Self {
        IdHashBuilder {
            seed,
            k: k | 1,
            k2: k2 | 1,
        }
    }
}

/// The full 128-bit product of `a` and `b`, its high half XORed onto its low half.
#[inline]
fn folded_multiply(a: u64, b: u64) -> u64 {
    let p = (a as u128) * (b as u128);
    (p as u64) ^ ((p >> 64) as u64)
}

impl BuildHasher for IdHashBuilder {
    type Hasher = IdHasher;
    fn build_hasher(&self) -> IdHasher {
        IdHasher {
            h: self.seed,
            k: self.k,
            k2: self.k2,
        }
    }
}

/// Multiply-shift hashing of integer keys (see the module doc).
#[derive(Debug, Clone, Copy)]
pub struct IdHasher {
    h: u64,
    k: u64,
    k2: u64,
}

impl Hasher for IdHasher {
    fn write(&mut self, bytes: &[u8]) {
        // Not used by id keys; correct for any key all the same.
        for chunk in bytes.chunks(8) {
            let mut word = [0; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            self.write_u64(u64::from_le_bytes(word));
        }
    }

    #[inline]
    fn write_u64(&mut self, n: u64) {
        self.h = folded_multiply(self.h ^ n, self.k);
    }

    #[inline]
    fn write_u32(&mut self, n: u32) {
        self.write_u64(n as u64);
    }

    #[inline]
    fn finish(&self) -> u64 {
        folded_multiply(self.h, self.k2)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 400 key sets from a fixed generator (SplitMix64), then this process's own keys: the
    /// bounds must hold for every one, so a weak mixing shows on every run, not one in
    /// thirty.
    fn builders() -> impl Iterator<Item = IdHashBuilder> {
        let mut state = 0x5eed_u64;
        let mut next = move || {
            state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
            let mut z = state;
            z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            z ^ (z >> 31)
        };
        (0..400)
            .map(move |_| IdHashBuilder::with_keys(next(), next(), next()))
            .chain(std::iter::once(IdHashBuilder::default()))
    }

    fn fullest_bucket(b: &IdHashBuilder, keys: impl Iterator<Item = u64>) -> u32 {
        let mut buckets = vec![0u32; 1024];
        for key in keys {
            buckets[(b.hash_one(key) & 1023) as usize] += 1;
        }
        buckets.into_iter().max().unwrap_or(0)
    }

    #[test]
    fn ids_of_one_space_spread_over_the_buckets() {
        let space = 0x1234_5678u64 << 32;
        // 4096 consecutive ids into 1024 buckets (mean 4): no bucket gets many.
        for b in builders() {
            let fullest = fullest_bucket(&b, (1..=4096u64).map(|n| space | n));
            assert!(fullest < 24, "{b:?}: {fullest} ids in one bucket");
        }
    }

    #[test]
    fn id_spaces_that_differ_only_in_high_bits_spread_too() {
        // The same id number in 2048 spaces that agree in their low 20 bits (mean 2).
        for b in builders() {
            let fullest = fullest_bucket(&b, (0..2048u64).map(|j| (j << 20) << 32 | 1));
            assert!(fullest < 16, "{b:?}: {fullest} ids in one bucket");
        }
    }

    #[test]
    fn one_fold_alone_would_fail_these_bounds() {
        // The bound above is tight enough to catch the weaker hash this module replaced.
        let space = 0x1234_5678u64 << 32;
        let weak = |b: &IdHashBuilder| {
            let mut buckets = vec![0u32; 1024];
            for n in 1..=4096u64 {
                buckets[(folded_multiply(b.seed ^ (space | n), b.k) & 1023) as usize] += 1;
            }
            buckets.into_iter().max().unwrap_or(0)
        };
        assert!(builders().any(|b| weak(&b) >= 24));
    }

    #[test]
    fn works_as_a_map() {
        let mut m: IdMap<u64, u64> = IdMap::default();
        for i in 0..10_000u64 {
            m.insert(i << 32 | 7, i);
        }
        assert!((0..10_000u64).all(|i| m[&(i << 32 | 7)] == i));
    }
}
