//! The hasher of the state's maps keyed by ids ([`IdMap`]): one multiplication per key
//! instead of SipHash's rounds, which cost more than the rest of a no-op request.
//!
//! Why not a fixed fast hash (FxHash)? Ids are chosen by the clients, and a client that
//! knows the function could pick ids that all land in one bucket and slow every lookup
//! of the state thread, which serves everyone. So the multiplier is random per process
//! (odd, from the standard library's random keys): multiply-shift hashing, whose high
//! product bits a client cannot steer without knowing it. `finish` folds those high bits
//! onto the low ones, which pick the bucket.

use std::collections::HashMap;
use std::hash::{BuildHasher, Hasher};
use std::sync::OnceLock;

/// A map keyed by ids (or other small integers), hashed by [`IdHasher`].
pub type IdMap<K, V> = HashMap<K, V, IdHashBuilder>;

/// Makes [`IdHasher`]s with the process's random multiplier.
#[derive(Debug, Clone, Copy)]
pub struct IdHashBuilder {
    k: u64,
}

impl Default for IdHashBuilder {
    fn default() -> Self {
        static K: OnceLock<u64> = OnceLock::new();
        let k =
            *K.get_or_init(|| std::collections::hash_map::RandomState::new().hash_one(0u64) | 1);
        IdHashBuilder { k }
    }
}

impl BuildHasher for IdHashBuilder {
    type Hasher = IdHasher;
    fn build_hasher(&self) -> IdHasher {
        IdHasher { h: 0, k: self.k }
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
        self.h = (self.h.rotate_left(32) ^ n).wrapping_mul(self.k);
    }

    #[inline]
    fn write_u32(&mut self, n: u32) {
        self.write_u64(n as u64);
    }

    #[inline]
    fn finish(&self) -> u64 {
        self.h ^ (self.h >> 32)
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
    fn works_as_a_map() {
        let mut m: IdMap<u64, u64> = IdMap::default();
        for i in 0..10_000u64 {
            m.insert(i << 32 | 7, i);
        }
        assert!((0..10_000u64).all(|i| m[&(i << 32 | 7)] == i));
    }
}
