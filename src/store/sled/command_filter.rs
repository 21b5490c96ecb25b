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
//! The filter grows in layers of [`super::bloom::BloomFilter`], each twice the capacity of the
//! one before, so it needs no size up front and costs about 1.2 bytes per command (≈ 1.2 MiB
//! per million). It lives in memory only: [`super::SledEventStore::open`] fills it from the
//! index.

use uuid::Uuid;

use super::bloom::{hash_id, BloomFilter};

/// Capacity of the first layer, in commands.
const FIRST_LAYER_CAPACITY: usize = 1 << 16;

/// A growing Bloom filter of command ids.
#[derive(Debug)]
pub(super) struct CommandFilter {
    layers: Vec<Layer>,
}

/// One layer: a filter sized for `capacity` commands and how many it holds.
#[derive(Debug)]
struct Layer {
    filter: BloomFilter,
    capacity: usize,
    commands: usize,
}

impl Layer {
    fn with_capacity(capacity: usize) -> Self {
        Layer {
            filter: BloomFilter::with_capacity(capacity),
            capacity,
            commands: 0,
        }
    }
}

impl CommandFilter {
    /// An empty filter with room for `expected` commands in its first layer (at least
    /// 65,536).
    pub(super) fn with_capacity(expected: usize) -> Self {
        CommandFilter {
            layers: vec![Layer::with_capacity(expected.max(FIRST_LAYER_CAPACITY))],
        }
    }

    /// Remembers `command_id`.
    pub(super) fn insert(&mut self, command_id: Uuid) {
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
            layer.filter.insert(hash_id(command_id.as_bytes()));
            layer.commands += 1;
        }
    }

    /// `false` only when `command_id` was certainly never inserted; `true` when it may have
    /// been (look it up to know).
    pub(super) fn might_contain(&self, command_id: Uuid) -> bool {
        let hash = hash_id(command_id.as_bytes());
        self.layers
            .iter()
            .any(|layer| layer.filter.might_contain(hash))
    }

    /// Bytes the filter's bits take.
    pub(super) fn bytes(&self) -> usize {
        self.layers.iter().map(|layer| layer.filter.bytes()).sum()
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
