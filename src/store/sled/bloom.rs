//! The one Bloom filter of command ids the sled store keeps, in two places: the store-wide
//! filter that tells a new command from a possible repeat before any lookup
//! ([`super::command_filter`]), and each command run's filter that tells which run's block to
//! read ([`super::command_runs`]).
//!
//! Both ask the same question of the same ids at the same false-"maybe" rate, so they share
//! the hash, the bit layout and the probing here: ten bits per id and seven probes give about
//! 1 % false "maybe"s at capacity, and an id that was inserted is never answered "no". Command
//! ids come from clients and need not be random (v5 ids, say), so they are hashed rather than
//! used as bits; a crafted id can only cause a needless lookup.

use std::hash::{BuildHasher, Hasher};

/// Bits per id at capacity; with [`PROBES`] probes it gives ≈ 1 % false "maybe"s.
const BITS_PER_ID: usize = 10;
/// Bits probed per id.
const PROBES: u64 = 7;

/// The hash of a command id that [`BloomFilter`] takes: computed once per id and asked of
/// every filter it meets.
pub(super) fn hash_id(command_id: &[u8; 16]) -> u64 {
    let mut hasher =
        std::hash::BuildHasherDefault::<std::collections::hash_map::DefaultHasher>::default()
            .build_hasher();
    hasher.write(command_id);
    hasher.finish()
}

/// A Bloom filter of a fixed number of bits, sized for a number of ids.
#[derive(Debug)]
pub(super) struct BloomFilter {
    bits: Vec<u64>,
}

impl BloomFilter {
    /// An empty filter sized for `capacity` ids.
    pub(super) fn with_capacity(capacity: usize) -> Self {
        let words = (capacity * BITS_PER_ID).div_ceil(64).max(1);
        BloomFilter {
            bits: vec![0; words],
        }
    }

    /// A filter of the ids whose hashes ([`hash_id`]) are `hashes`, sized for them.
    pub(super) fn of(hashes: &[u64]) -> Self {
        let mut filter = BloomFilter::with_capacity(hashes.len());
        for &hash in hashes {
            filter.insert(hash);
        }
        filter
    }

    /// Remembers the id whose hash is `hash`.
    pub(super) fn insert(&mut self, hash: u64) {
        for bit in self.probes(hash) {
            if let Some(word) = self.bits.get_mut(bit / 64) {
                *word |= 1 << (bit % 64);
            }
        }
    }

    /// `false` only when the id whose hash is `hash` was certainly never inserted.
    pub(super) fn might_contain(&self, hash: u64) -> bool {
        self.probes(hash).all(|bit| {
            self.bits
                .get(bit / 64)
                .is_some_and(|word| word & (1 << (bit % 64)) != 0)
        })
    }

    /// Bytes the filter's bits take.
    pub(super) fn bytes(&self) -> usize {
        self.bits.len() * 8
    }

    /// The bit positions of a hash: double hashing over the filter's bits.
    fn probes(&self, hash: u64) -> impl Iterator<Item = usize> {
        let bit_count = self.bits.len() as u64 * 64;
        let first = hash & 0xffff_ffff;
        let step = (hash >> 32) | 1;
        (0..PROBES)
            .map(move |probe| (first.wrapping_add(probe.wrapping_mul(step)) % bit_count) as usize)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hashes(ids: std::ops::Range<u128>) -> Vec<u64> {
        ids.map(|id| hash_id(&id.to_be_bytes())).collect()
    }

    #[test]
    fn never_says_no_to_an_inserted_id() {
        let inserted = hashes(0..50_000);
        let filter = BloomFilter::of(&inserted);
        assert!(inserted.iter().all(|hash| filter.might_contain(*hash)));
    }

    #[test]
    fn says_no_to_about_ninety_nine_in_a_hundred_other_ids_at_capacity() {
        let filter = BloomFilter::of(&hashes(0..100_000));
        let false_maybes = hashes(1_000_000..1_100_000)
            .iter()
            .filter(|hash| filter.might_contain(**hash))
            .count();
        assert!(
            false_maybes < 1_500,
            "{false_maybes} false maybes in 100,000"
        );
    }

    #[test]
    fn an_empty_filter_says_no() {
        let filter = BloomFilter::of(&[]);
        assert_eq!(filter.bytes(), 8);
        assert!(!filter.might_contain(hash_id(&[7; 16])));
    }
}
