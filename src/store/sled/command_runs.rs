//! The command index as sorted runs: each indexer drain writes its commands' outcomes as one
//! run of a few sequentially keyed blocks, instead of one random-key sled insert per command,
//! and an in-memory directory finds a command's block again.
//!
//! | key                                          | value                                        |
//! |----------------------------------------------|----------------------------------------------|
//! | `r` + run number (u64) + block number (u32)  | up to [`ENTRIES_PER_BLOCK`] entries, sorted by command id: id (16) + outcome ([`OUTCOME_BYTES`]) |
//!
//! **Why.** A random-key insert walks to its leaf, clones it and logs a fragment, and sled
//! rewrites the leaf whole every few fragments: at 256 clients the command entries were
//! 11.7 % of the server's CPU (BENCHMARKS.md, "Server CPU per edit at 256 clients"). A run is
//! written as one block per [`ENTRIES_PER_BLOCK`] commands, at keys that only grow, so a
//! drain of 8,192 commands costs 74 inserts at the tree's right edge instead of 8,192
//! scattered ones. Blocks are small enough (6 KiB) that a full leaf of 17 of them stays below
//! sled's blob threshold (a quarter of its 512 KiB segment), so no block is written as a
//! file of its own.
//!
//! **Finding a command.** A lookup is rare (an idempotent retry, or one of the ~1 % of new
//! commands the store's Bloom filter cannot rule out). The directory keeps, for every run, the
//! first command id of each block (16 bytes per 112 commands) and a Bloom filter of the run's
//! ids (10 bits per command, ≈ 1 % false "maybe"s): 1.4 bytes per command in all, 1.4 MiB
//! per million. A lookup hashes the id once, asks each run's filter, newest run first, and
//! reads only the one block a "maybe" points at; the first run holding the id answers, since
//! a later run holds the later outcome of a command continued across import batches.
//!
//! **Merging.** Runs are merged in the background of the indexer (after its drain, on its
//! thread), size-tiered like an LSM tree: when [`MERGE_FANOUT`] neighbouring runs are of
//! one size tier (smaller runs between them counted with them, as Lucene's log merge policy
//! does), they are merged into one (the newer run's outcome wins for an id in both), up to
//! [`MAX_MERGED`] commands per run. Each command is rewritten about log₈ of the
//! command count over 256 times, sequentially; the number of runs (and of filters a lookup
//! asks) stays near 7 per tier, and above [`MAX_RUNS`] the smallest neighbours are merged
//! whatever their tiers.
//!
//! **Crash safety.** A drain's run goes into the same sled batch as its stream chunks and
//! `m:indexed_through`, and sled recovers a batch whole or not at all: a crash loses the run
//! only together with the mark, and opening the store derives both again from the events. A
//! merge is one batch too: it removes its runs' blocks and writes the merged run under the
//! newest merged run's number (so runs keep their order by age), so after a crash either the
//! runs or their merge are there, never both halves. The directory is changed only after the
//! batch is applied, and lookups read under the directory's lock, which a merge holds while
//! it applies its batch: a lookup never reads a block that a merge has removed.
//!
//! Stores written before runs hold one `c` + command id key per command; those stay
//! readable ([`super::index::read_outcome`] asks the runs first, then that key), so no
//! migration is needed.

use std::sync::{RwLock, RwLockReadGuard, RwLockWriteGuard};

use uuid::Uuid;

use super::backend;
use super::bloom::{hash_id, BloomFilter};
use super::index::{decode_outcome, encode_outcome, OUTCOME_BYTES};
use crate::store::{AppendOutcome, StoreError};
use crate::sync::unpoisoned;

/// First byte of every block's key.
pub(super) const RUN_PREFIX: u8 = b'r';
/// Commands per block: 17 blocks (a full sled leaf) stay below sled's blob threshold.
pub(super) const ENTRIES_PER_BLOCK: usize = 112;
/// Bytes of one entry in a block: the command id and its outcome.
const ENTRY_BYTES: usize = 16 + OUTCOME_BYTES;
/// Runs of one tier merged at once, and the ratio between tiers.
const MERGE_FANOUT: usize = 8;
/// Runs below this many commands are of tier 0.
const TIER_BASE: usize = 256;
/// The most commands a merge makes one run of (≈ 15 MiB of blocks, held while merging).
const MAX_MERGED: usize = 1 << 18;
/// Runs above which the smallest neighbours are merged whatever their tiers.
const MAX_RUNS: usize = 64;

/// One run as the directory knows it.
#[derive(Debug)]
struct Run {
    number: u64,
    entries: usize,
    /// The first command id of each block, by block number.
    block_firsts: Vec<[u8; 16]>,
    /// A Bloom filter of the run's command ids.
    filter: BloomFilter,
}

/// A run being read by [`CommandRuns::load`]: its ids' hashes wait for its filter.
struct LoadingRun {
    number: u64,
    block_firsts: Vec<[u8; 16]>,
    hashes: Vec<u64>,
}

#[derive(Debug, Default)]
struct Directory {
    /// Oldest first.
    runs: Vec<Run>,
    /// The number of the next drain's run.
    next_number: u64,
}

/// The directory of the command runs in the sled index.
#[derive(Debug, Default)]
pub(super) struct CommandRuns {
    directory: RwLock<Directory>,
}

/// A run written into a batch, to be added to the directory once the batch is applied.
#[derive(Debug)]
pub(super) struct StagedRun(Option<Run>);

/// How the directory and the runs' blocks stand, for tests and the benchmark's notes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(super) struct RunStatistics {
    pub(super) runs: usize,
    pub(super) entries: usize,
    /// Bytes the directory holds (block firsts and filters).
    pub(super) directory_bytes: usize,
}

fn tier(entries: usize) -> u32 {
    let mut tier = 0;
    let mut size = entries / TIER_BASE;
    while size > 0 {
        size /= MERGE_FANOUT;
        tier += 1;
    }
    tier
}

/// The key of `block` of run `number`.
fn block_key(number: u64, block: u32) -> [u8; 13] {
    let mut key = [0u8; 13];
    key[0] = RUN_PREFIX;
    key[1..9].copy_from_slice(&number.to_be_bytes());
    key[9..].copy_from_slice(&block.to_be_bytes());
    key
}

/// All keys of run `number`'s blocks.
fn run_range(number: u64) -> std::ops::RangeInclusive<[u8; 13]> {
    block_key(number, 0)..=block_key(number, u32::MAX)
}

fn corrupt(reason: String) -> StoreError {
    StoreError::Corrupt {
        position: 0,
        reason: format!(
            "{reason}; delete the data directory's `index` folder and start again to derive it anew"
        ),
    }
}

fn entry_id(entry: &[u8]) -> [u8; 16] {
    let mut id = [0u8; 16];
    if let Some(bytes) = entry.get(..16) {
        id.copy_from_slice(bytes);
    }
    id
}

/// The entries of a block, checked for size.
fn block_entries(number: u64, block: &[u8]) -> Result<std::slice::ChunksExact<'_, u8>, StoreError> {
    if block.is_empty() || block.len() % ENTRY_BYTES != 0 {
        return Err(corrupt(format!(
            "a block of command run {number} is {} bytes long",
            block.len()
        )));
    }
    Ok(block.chunks_exact(ENTRY_BYTES))
}

/// Writes `entries` (sorted by id, one per id) as run `number` into `batch`; returns its
/// directory entry.
fn stage_blocks(batch: &mut sled::Batch, number: u64, entries: &[[u8; ENTRY_BYTES]]) -> Run {
    let mut block_firsts = Vec::with_capacity(entries.len().div_ceil(ENTRIES_PER_BLOCK));
    for (block, chunk) in entries.chunks(ENTRIES_PER_BLOCK).enumerate() {
        let mut value = Vec::with_capacity(chunk.len() * ENTRY_BYTES);
        for entry in chunk {
            value.extend_from_slice(entry);
        }
        if let Some(first) = chunk.first() {
            block_firsts.push(entry_id(first));
        }
        batch.insert(&block_key(number, block as u32)[..], value);
    }
    let hashes: Vec<u64> = entries
        .iter()
        .map(|entry| hash_id(&entry_id(entry)))
        .collect();
    let filter = BloomFilter::of(&hashes);
    Run {
        number,
        entries: entries.len(),
        block_firsts,
        filter,
    }
}

impl CommandRuns {
    fn read(&self) -> RwLockReadGuard<'_, Directory> {
        unpoisoned(self.directory.read())
    }

    fn write(&self) -> RwLockWriteGuard<'_, Directory> {
        unpoisoned(self.directory.write())
    }

    /// Reads the directory from the runs in `index`, calling `each` with every command id in
    /// them.
    ///
    /// # Errors
    /// Sled's, and [`StoreError::Corrupt`] for a block of the wrong size.
    pub(super) fn load(
        index: &sled::Tree,
        mut each: impl FnMut(Uuid),
    ) -> Result<CommandRuns, StoreError> {
        let mut directory = Directory::default();
        let mut current: Option<LoadingRun> = None;
        let finish = |current: Option<LoadingRun>, directory: &mut Directory| {
            if let Some(run) = current {
                directory.runs.push(Run {
                    number: run.number,
                    entries: run.hashes.len(),
                    block_firsts: run.block_firsts,
                    filter: BloomFilter::of(&run.hashes),
                });
                directory.next_number = run.number + 1;
            }
        };
        for item in index.scan_prefix([RUN_PREFIX]) {
            let (key, value) = item.map_err(backend)?;
            let number = super::position_from_key(&key, 1)
                .ok_or_else(|| corrupt("a command run's key is too short".into()))?;
            if current.as_ref().is_none_or(|run| run.number != number) {
                finish(current.take(), &mut directory);
                current = Some(LoadingRun {
                    number,
                    block_firsts: Vec::new(),
                    hashes: Vec::new(),
                });
            }
            if let Some(run) = current.as_mut() {
                let mut entries = block_entries(number, &value)?.peekable();
                if let Some(first) = entries.peek() {
                    run.block_firsts.push(entry_id(first));
                }
                for entry in entries {
                    let id = entry_id(entry);
                    each(Uuid::from_bytes(id));
                    run.hashes.push(hash_id(&id));
                }
            }
        }
        finish(current, &mut directory);
        Ok(CommandRuns {
            directory: RwLock::new(directory),
        })
    }

    /// Writes `commands` as the next run into `batch`. Add the run to the directory with
    /// [`CommandRuns::publish`] once the batch is applied. Of two outcomes of one command the
    /// later in `commands` is kept.
    pub(super) fn stage<'a>(
        &self,
        batch: &mut sled::Batch,
        commands: impl IntoIterator<Item = (Uuid, &'a AppendOutcome)>,
    ) -> StagedRun {
        let mut entries: Vec<[u8; ENTRY_BYTES]> = commands
            .into_iter()
            .map(|(command_id, outcome)| {
                let mut entry = [0u8; ENTRY_BYTES];
                entry[..16].copy_from_slice(command_id.as_bytes());
                entry[16..].copy_from_slice(&encode_outcome(outcome));
                entry
            })
            .collect();
        if entries.is_empty() {
            return StagedRun(None);
        }
        sort_keeping_last(&mut entries);
        let number = self.read().next_number;
        StagedRun(Some(stage_blocks(batch, number, &entries)))
    }

    /// Adds a run staged by [`CommandRuns::stage`], whose batch is now applied.
    pub(super) fn publish(&self, staged: StagedRun) {
        if let Some(run) = staged.0 {
            let mut directory = self.write();
            directory.next_number = directory.next_number.max(run.number + 1);
            directory.runs.push(run);
        }
    }

    /// The newest outcome of `command_id` in the runs.
    ///
    /// # Errors
    /// Sled's, and [`StoreError::Corrupt`] for a block that cannot be read.
    pub(super) fn lookup(
        &self,
        index: &sled::Tree,
        command_id: Uuid,
    ) -> Result<Option<AppendOutcome>, StoreError> {
        let id = *command_id.as_bytes();
        let hashed = hash_id(&id);
        let directory = self.read();
        for run in directory.runs.iter().rev() {
            if !run.filter.might_contain(hashed) {
                continue;
            }
            let after = run.block_firsts.partition_point(|first| *first <= id);
            let Some(block) = after.checked_sub(1) else {
                continue;
            };
            let Some(value) = index
                .get(block_key(run.number, block as u32))
                .map_err(backend)?
            else {
                return Err(corrupt(format!(
                    "block {block} of command run {} is missing",
                    run.number
                )));
            };
            let entries: Vec<&[u8]> = block_entries(run.number, &value)?.collect();
            if let Ok(found) = entries.binary_search_by(|entry| entry_id(entry).cmp(&id)) {
                let bytes = entries.get(found).and_then(|entry| entry.get(16..));
                return match bytes.and_then(decode_outcome) {
                    Some(outcome) => Ok(Some(outcome)),
                    None => Err(corrupt(format!(
                        "the outcome of command {command_id} in run {} cannot be read",
                        run.number
                    ))),
                };
            }
        }
        Ok(None)
    }

    /// How many runs and commands the directory knows, and its size.
    pub(super) fn statistics(&self) -> RunStatistics {
        let directory = self.read();
        RunStatistics {
            runs: directory.runs.len(),
            entries: directory.runs.iter().map(|run| run.entries).sum(),
            directory_bytes: directory
                .runs
                .iter()
                .map(|run| run.block_firsts.len() * 16 + run.filter.bytes())
                .sum(),
        }
    }

    /// Merges runs while some neighbours call for it (see the module's doc). Called by the
    /// one thread that writes runs, after its drain.
    ///
    /// # Errors
    /// Sled's, and [`StoreError::Corrupt`] for a block that cannot be read; the runs are then
    /// as they were.
    pub(super) fn merge(&self, index: &sled::Tree) -> Result<usize, StoreError> {
        let mut merges = 0;
        while let Some(group) = self.next_merge() {
            self.merge_group(index, &group)?;
            merges += 1;
        }
        Ok(merges)
    }

    /// The numbers of the neighbouring runs to merge next, oldest first.
    fn next_merge(&self) -> Option<Vec<u64>> {
        let directory = self.read();
        let runs = &directory.runs;
        let numbers = |group: &[Run]| group.iter().map(|run| run.number).collect::<Vec<_>>();
        let total = |group: &[Run]| group.iter().map(|run| run.entries).sum::<usize>();
        // As Lucene's log merge policy: the runs from `start` up to the last one of the
        // highest tier among them count as that tier, smaller ones between included, so that
        // drains of changing sizes do not leave runs of interleaved tiers unmerged.
        let mut start = 0;
        while let Some(rest) = runs.get(start..).filter(|rest| !rest.is_empty()) {
            let top = rest.iter().map(|run| tier(run.entries)).max()?;
            let upto = rest.iter().rposition(|run| tier(run.entries) == top)?;
            let group = rest.get(..=upto)?;
            if let Some(window) = group
                .windows(MERGE_FANOUT)
                .find(|window| total(window) <= MAX_MERGED)
            {
                return Some(numbers(window));
            }
            start += upto + 1;
        }
        if runs.len() > MAX_RUNS {
            // Tiers interleaved: merge the smallest neighbours, if not too large.
            let smallest = runs
                .windows(MERGE_FANOUT)
                .min_by_key(|group| total(group))?;
            if total(smallest) <= MAX_MERGED {
                return Some(numbers(smallest));
            }
        }
        None
    }

    /// Merges the runs `numbers` (neighbours, oldest first) into one under the newest one's
    /// number.
    fn merge_group(&self, index: &sled::Tree, numbers: &[u64]) -> Result<(), StoreError> {
        let mut entries: Vec<[u8; ENTRY_BYTES]> = Vec::new();
        let mut batch = sled::Batch::default();
        for &number in numbers {
            for item in index.range(run_range(number)) {
                let (key, value) = item.map_err(backend)?;
                for entry in block_entries(number, &value)? {
                    let mut fixed = [0u8; ENTRY_BYTES];
                    fixed.copy_from_slice(entry);
                    entries.push(fixed);
                }
                batch.remove(key);
            }
        }
        sort_keeping_last(&mut entries);
        let Some(&newest) = numbers.last() else {
            return Ok(());
        };
        let merged = stage_blocks(&mut batch, newest, &entries);
        let mut directory = self.write();
        index.apply_batch(batch).map_err(backend)?;
        let at = directory
            .runs
            .iter()
            .position(|run| run.number == numbers[0])
            .unwrap_or(directory.runs.len());
        directory.runs.retain(|run| !numbers.contains(&run.number));
        let at = at.min(directory.runs.len());
        directory.runs.insert(at, merged);
        Ok(())
    }
}

/// Sorts `entries` by command id and keeps, of entries with one id, the last (the newest).
fn sort_keeping_last(entries: &mut Vec<[u8; ENTRY_BYTES]>) {
    // Stable, so that entries with one id stay in the order they came.
    entries.sort_by(|a, b| a[..16].cmp(&b[..16]));
    let mut kept: Vec<[u8; ENTRY_BYTES]> = Vec::with_capacity(entries.len());
    for entry in entries.drain(..) {
        match kept.last_mut() {
            Some(last) if last[..16] == entry[..16] => *last = entry,
            _ => kept.push(entry),
        }
    }
    *entries = kept;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temporary_index() -> sled::Tree {
        let db = sled::Config::new().temporary(true).open().unwrap();
        db.open_tree("index").unwrap()
    }

    fn outcome(n: u64) -> AppendOutcome {
        AppendOutcome {
            stream_id: Uuid::from_u128(u128::from(n % 7)),
            first_position: n,
            last_position: n + 1,
            stream_version: n / 2,
            deduplicated: false,
        }
    }

    /// Ids that are not in order, as clients' are not.
    fn id(n: u64) -> Uuid {
        Uuid::from_u128(u128::from(n + 1).wrapping_mul(0x9e37_79b9_7f4a_7c15_f39c_c060_5ced_c835))
    }

    /// Writes `commands` as one run, as a drain does.
    fn drain(index: &sled::Tree, runs: &CommandRuns, commands: &[(Uuid, AppendOutcome)]) {
        let mut batch = sled::Batch::default();
        let staged = runs.stage(
            &mut batch,
            commands
                .iter()
                .map(|(command, outcome)| (*command, outcome)),
        );
        index.apply_batch(batch).unwrap();
        runs.publish(staged);
        runs.merge(index).unwrap();
    }

    #[test]
    fn a_run_is_written_in_sorted_blocks_and_every_command_is_found() {
        let index = temporary_index();
        let runs = CommandRuns::default();
        let commands: Vec<_> = (0..1_000).map(|n| (id(n), outcome(n))).collect();
        drain(&index, &runs, &commands);
        assert_eq!(
            index.scan_prefix([RUN_PREFIX]).count(),
            1_000usize.div_ceil(ENTRIES_PER_BLOCK)
        );
        let mut previous = None;
        for item in index.scan_prefix([RUN_PREFIX]) {
            let (_, block) = item.unwrap();
            assert!(block.len() <= ENTRIES_PER_BLOCK * ENTRY_BYTES);
            for entry in block_entries(0, &block).unwrap() {
                let id = entry_id(entry);
                assert!(previous < Some(id), "sorted, one entry per id");
                previous = Some(id);
            }
        }
        for (command, outcome) in &commands {
            assert_eq!(
                runs.lookup(&index, *command).unwrap().as_ref(),
                Some(outcome)
            );
        }
        for n in 1_000..2_000 {
            assert_eq!(runs.lookup(&index, id(n)).unwrap(), None);
        }
        assert_eq!(runs.lookup(&index, Uuid::nil()).unwrap(), None);
        assert_eq!(runs.lookup(&index, Uuid::max()).unwrap(), None);
    }

    #[test]
    fn the_newest_outcome_of_a_command_wins_in_a_run_across_runs_and_in_merges() {
        let index = temporary_index();
        let runs = CommandRuns::default();
        // One drain holding a command twice (continued within it), then continued again in
        // each later drain: every lookup must see the latest.
        drain(&index, &runs, &[(id(1), outcome(10)), (id(1), outcome(11))]);
        assert_eq!(runs.lookup(&index, id(1)).unwrap(), Some(outcome(11)));
        for drain_number in 0..(MERGE_FANOUT as u64 * 3) {
            let mut commands: Vec<_> = (100..110)
                .map(|n| (id(n * 1_000 + drain_number), outcome(n)))
                .collect();
            commands.push((id(1), outcome(20 + drain_number)));
            drain(&index, &runs, &commands);
            assert_eq!(
                runs.lookup(&index, id(1)).unwrap(),
                Some(outcome(20 + drain_number))
            );
        }
        assert!(
            runs.statistics().runs < MERGE_FANOUT,
            "merged: {:?}",
            runs.statistics()
        );
    }

    #[test]
    fn runs_are_merged_by_tier_and_lookups_stay_correct() {
        let index = temporary_index();
        let runs = CommandRuns::default();
        let mut written = 0u64;
        for drain_number in 0..200u64 {
            // Drains of changing sizes, as a server's rate changes.
            let size = [30, 300, 3_000][(drain_number % 3) as usize];
            let commands: Vec<_> = (written..written + size)
                .map(|n| (id(n), outcome(n)))
                .collect();
            written += size;
            drain(&index, &runs, &commands);
        }
        let statistics = runs.statistics();
        assert_eq!(statistics.entries as u64, written);
        assert!(statistics.runs <= 3 * MERGE_FANOUT, "{statistics:?}");
        assert_eq!(
            index.scan_prefix([RUN_PREFIX]).count(),
            runs.read()
                .runs
                .iter()
                .map(|run| run.block_firsts.len())
                .sum::<usize>(),
            "merged runs' blocks are removed"
        );
        for n in (0..written).step_by(97) {
            assert_eq!(runs.lookup(&index, id(n)).unwrap(), Some(outcome(n)));
        }
        assert_eq!(runs.lookup(&index, id(written + 1)).unwrap(), None);
        // About 1.4 bytes per command.
        assert!(
            statistics.directory_bytes as u64 <= written * 3 / 2 + 4_096,
            "{statistics:?}"
        );

        // The directory read again from the blocks finds the same.
        let mut ids = Vec::new();
        let reloaded = CommandRuns::load(&index, |command| ids.push(command)).unwrap();
        assert_eq!(ids.len() as u64, written);
        assert_eq!(reloaded.statistics(), statistics);
        for n in (0..written).step_by(101) {
            assert_eq!(reloaded.lookup(&index, id(n)).unwrap(), Some(outcome(n)));
        }
        // New runs after a reload are numbered after the old ones.
        drain(&index, &reloaded, &[(id(1), outcome(99))]);
        assert_eq!(reloaded.lookup(&index, id(1)).unwrap(), Some(outcome(99)));
    }

    #[test]
    fn tiers_grow_by_the_fanout() {
        assert_eq!(tier(0), 0);
        assert_eq!(tier(TIER_BASE - 1), 0);
        assert_eq!(tier(TIER_BASE), 1);
        assert_eq!(tier(TIER_BASE * MERGE_FANOUT - 1), 1);
        assert_eq!(tier(TIER_BASE * MERGE_FANOUT), 2);
    }

    #[test]
    fn a_damaged_block_is_reported_not_misread() {
        let index = temporary_index();
        let runs = CommandRuns::default();
        drain(&index, &runs, &[(id(1), outcome(1))]);
        index.insert(block_key(0, 0), &b"short"[..]).unwrap();
        assert!(matches!(
            runs.lookup(&index, id(1)),
            Err(StoreError::Corrupt { .. })
        ));
        assert!(matches!(
            CommandRuns::load(&index, |_| {}),
            Err(StoreError::Corrupt { .. })
        ));
    }
}
