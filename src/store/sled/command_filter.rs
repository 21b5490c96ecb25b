//! A Bloom filter of every command id in the log, so that a new command (almost every
//! append) is known to be new without a lookup in the sled index.
//!
//! Appends are idempotent by command id: the writer must answer a repeated command with its
//! first outcome, so before sealing an append it asks whether the command was seen before.
//! Asking the sled index costs a tree lookup on every append, and the answer is nearly always
//! "no". The filter answers "certainly new" for all but about 1 % of new commands, and only a
//! "maybe" is looked up; it never says "new" for a command it was given, so no repeat is
//! missed.
//!
//! The filter grows in layers, each twice the capacity of the one before, so it needs no
//! size up front and costs about 1.2 bytes per command (≈ 1.2 MiB per million). It lives in
//! memory only: [`super::SledEventStore::open`] fills it from the index.

use std::hash::{BuildHasher, Hasher};

use uuid::Uuid;

/// Bits per command in each layer; with [`PROBES`] probes it gives ≈ 1 % false "maybe"s.
const BITS_PER_COMMAND: usize = 10;
/// Bits probed per command.
const PROBES: u64 = 7;
/// Capacity of the first layer, in commands.
const FIRST_LAYER_CAPACITY: usize = 1 << 16;

/// A growing Bloom filter of command ids.
#[derive(Debug)]
pub(super) struct CommandFilter {
    layers: Vec<Layer>,
    hasher: std::hash::BuildHasherDefault<std::collections::hash_map::DefaultHasher>,
}

#[derive(Debug)]
struct Layer {
    bits: Vec<u64>,
    capacity: usize,
    commands: usize,
}

impl Layer {
    fn with_capacity(capacity: usize) -> Self {
        let words = (capacity * BITS_PER_COMMAND).div_ceil(64).max(1);
        Layer {
            bits: vec![0; words],
            capacity,
            commands: 0,
        }
    }

    /// The bit positions of a hash: double hashing over `bit_count` bits.
    fn probes(bit_count: u64, hash: u64) -> impl Iterator<Item = usize> {
        let first = hash & 0xffff_ffff;
        let step = (hash >> 32) | 1;
        (0..PROBES)
            .map(move |probe| (first.wrapping_add(probe.wrapping_mul(step)) % bit_count) as usize)
    }

    fn bit_count(&self) -> u64 {
        self.bits.len() as u64 * 64
    }

    fn insert(&mut self, hash: u64) {
        for bit in Layer::probes(self.bit_count(), hash) {
            if let Some(word) = self.bits.get_mut(bit / 64) {
                *word |= 1 << (bit % 64);
            }
        }
        self.commands += 1;
    }

    fn might_contain(&self, hash: u64) -> bool {
        Layer::probes(self.bit_count(), hash).all(|bit| {
            self.bits
                .get(bit / 64)
                .is_some_and(|word| word & (1 << (bit % 64)) != 0)
        })
    }
}

impl CommandFilter {
    /// An empty filter with room for `expected` commands in its first layer (at least
    /// 65,536).
    pub(super) fn with_capacity(expected: usize) -> Self {
        CommandFilter {
            layers: vec![Layer::with_capacity(expected.max(FIRST_LAYER_CAPACITY))],
            hasher: Default::default(),
        }
    }

    /// Remembers `command_id`.
    pub(super) fn insert(&mut self, command_id: Uuid) {
        let hash = self.hash(command_id);
        let needs_layer = self
            .layers
            .last()
            .is_none_or(|layer| layer.commands >= layer.capacity);
        if needs_layer {
            let capacity = self
                .layers
                .last()
                .map_or(FIRST_LAYER_CAPACITY, |layer| layer.capacity * 2);
            self.layers.push(Layer::with_capacity(capacity));
        }
        if let Some(layer) = self.layers.last_mut() {
            layer.insert(hash);
        }
    }

    /// `false` only when `command_id` was certainly never inserted; `true` when it may have
    /// been (look it up to know).
    pub(super) fn might_contain(&self, command_id: Uuid) -> bool {
        let hash = self.hash(command_id);
        self.layers.iter().any(|layer| layer.might_contain(hash))
    }

    /// Bytes the filter's bits take.
    pub(super) fn bytes(&self) -> usize {
        self.layers.iter().map(|layer| layer.bits.len() * 8).sum()
    }

    fn hash(&self, command_id: Uuid) -> u64 {
        // Command ids come from clients and need not be random (v5 ids, say), so they are
        // hashed rather than used as bits; a crafted id can only cause a needless lookup.
        let mut hasher = self.hasher.build_hasher();
        hasher.write(command_id.as_bytes());
        hasher.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_forgets_a_command_across_layers() {
        let mut filter = CommandFilter::with_capacity(0);
        let commands: Vec<Uuid> = (0..200_000u128).map(Uuid::from_u128).collect();
        for command in &commands {
            filter.insert(*command);
        }
        assert!(filter.layers.len() > 1, "the filter grew new layers");
        assert!(commands
            .iter()
            .all(|command| filter.might_contain(*command)));
    }

    #[test]
    fn says_new_for_nearly_every_new_command() {
        let mut filter = CommandFilter::with_capacity(0);
        for index in 0..100_000u128 {
            filter.insert(Uuid::from_u128(index));
        }
        let false_maybes = (1_000_000..1_100_000u128)
            .filter(|index| filter.might_contain(Uuid::from_u128(*index)))
            .count();
        // Two layers, each about 1 % false "maybe"s at capacity.
        assert!(
            false_maybes < 3_000,
            "{false_maybes} false maybes in 100,000"
        );
    }

    #[test]
    fn costs_about_a_byte_and_a_quarter_per_command() {
        let mut filter = CommandFilter::with_capacity(1_000_000);
        for index in 0..1_000_000u128 {
            filter.insert(Uuid::from_u128(index));
        }
        assert_eq!(filter.layers.len(), 1);
        assert!(filter.bytes() <= 1_250_016, "{} bytes", filter.bytes());
    }
}
