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
}

impl Default for IdHashBuilder {
    fn default() -> Self {
        static KEYS: OnceLock<(u64, u64)> = OnceLock::new();
        let (seed, k) = *KEYS.get_or_init(|| {
            let random = std::collections::hash_map::RandomState::new();
            (random.hash_one(0u64), random.hash_one(1u64) | 1)
        });
        IdHashBuilder { seed, k }
    }
}

impl BuildHasher for IdHashBuilder {
    type Hasher = IdHasher;
    fn build_hasher(&self) -> IdHasher {
        IdHasher {
            h: self.seed,
            k: self.k,
        }
    }
}

/// Multiply-shift hashing of integer keys (see the module doc).
#[derive(Debug, Clone, Copy)]
pub struct IdHasher {
    h: u64,
    k: u64,
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
        let p = ((self.h ^ n) as u128) * (self.k as u128);
        self.h = (p as u64) ^ ((p >> 64) as u64);
    }

    #[inline]
    fn write_u32(&mut self, n: u32) {
        self.write_u64(n as u64);
    }

    #[inline]
    fn finish(&self) -> u64 {
        self.h
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_of_one_space_spread_over_the_buckets() {
        let b = IdHashBuilder::default();
        let space = 0x1234_5678u64 << 32;
        // 4096 consecutive ids into 1024 buckets: no bucket gets many.
        let mut buckets = vec![0u32; 1024];
        for n in 1..=4096u64 {
            buckets[(b.hash_one(space | n) & 1023) as usize] += 1;
        }
        assert!(
            buckets.iter().all(|&c| c < 24),
            "{:?}",
            buckets.iter().max()
        );
    }

    #[test]
    fn id_spaces_that_differ_only_in_high_bits_spread_too() {
        let b = IdHashBuilder::default();
        // The same id number in 2048 spaces that agree in their low 20 bits.
        let mut buckets = vec![0u32; 1024];
        for j in 0..2048u64 {
            buckets[(b.hash_one((j << 20) << 32 | 1) & 1023) as usize] += 1;
        }
        assert!(
            buckets.iter().all(|&c| c < 16),
            "{:?}",
            buckets.iter().max()
        );
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
