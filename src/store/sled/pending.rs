//! Index entries of durable events that the sled index does not hold yet, and the indexer
//! thread that writes them there in bulk.
//!
//! Writing a group's stream and command entries into the sled index on the acknowledging
//! path cost more than everything else an append does (two random-key tree inserts per
//! event, beside one sequential insert for the event itself; BENCHMARKS.md, scenario 1).
//! So the committer only records them here, in hash maps, before it moves the durable head;
//! the indexer thread takes everything recorded, writes it into the sled index sorted by
//! key, moves `m:indexed_through`, and only then forgets it.
//!
//! **Nothing is missed.** An entry is written to sled before it is forgotten here, so at
//! every moment it is here, in sled, or both. A reader that looks here first and in sled
//! second therefore sees every entry of every durable event, and merges the two by key.
//!
//! **Nothing is lost.** The entries are derived from the events, which are durable before
//! they get here. A crash loses at most entries after `m:indexed_through`, which the store
//! derives again from the events when it opens.
//!
//! **Memory stays bounded.** When more than [`MAX_PENDING`] entries wait, the committer
//! writes them itself before acknowledging more, so a slow indexer slows the writers down
//! instead of growing without limit.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use uuid::Uuid;

use super::command_runs::CommandRuns;
use crate::store::{AppendOutcome, Position, StoreError, StreamVersion};
use crate::sync::{locked, unpoisoned};

/// Entries waiting before the indexer is woken early.
const WAKE_AT: usize = 8_192;
/// The longest an entry waits for the indexer when few arrive. Each drain costs the index
/// database a write and a sync or two of sled's own, whatever it holds, on the disk the log
/// syncs every group on: drained every 50 ms, a server taking 20 commands a second synced its
/// index 181 times in 4 s beside its log's 80 (BENCHMARKS.md, issue 19 scenario 2). Nothing
/// waits for a drain: readers find the entries here until they are written, and a crash
/// derives the few not yet written again from the log.
const WAIT_AT_MOST: Duration = Duration::from_secs(1);
/// How often the indexer makes the index durable.
const FLUSH_EVERY: Duration = Duration::from_secs(5);
/// Entries waiting above which the committer writes them itself.
pub(super) const MAX_PENDING: usize = 1 << 18;

/// The index entries of one group, recorded by the committer once the group is durable.
#[derive(Debug, Default)]
pub(super) struct GroupEntries {
    /// Stream, version and position of each event.
    pub(super) streams: Vec<(Uuid, StreamVersion, Position)>,
    /// The outcome of each command, as it now stands.
    pub(super) commands: Vec<(Uuid, AppendOutcome)>,
}

/// Entries recorded and not yet written to sled.
#[derive(Debug, Default)]
struct Entries {
    streams: HashMap<Uuid, Vec<(StreamVersion, Position)>>,
    commands: HashMap<Uuid, AppendOutcome>,
    /// The last position these entries cover.
    through: Position,
    count: usize,
}

#[derive(Debug, Default)]
struct Generations {
    /// Where the committer records.
    recording: Entries,
    /// Taken by a drain and being written to sled; readable until written.
    being_written: Option<Arc<Entries>>,
    shutting_down: bool,
    /// Why writing to the index failed, if it did: the entries then stay here.
    failed: Option<String>,
}

/// The index entries between the durable head and `m:indexed_through`.
#[derive(Debug, Default)]
pub(super) struct PendingIndex {
    generations: Mutex<Generations>,
    /// Serializes drains (the indexer, a committer under pressure, shutdown, checks).
    draining: Mutex<()>,
    wake_indexer: Condvar,
    /// Time spent writing entries to sled, in microseconds.
    pub(super) indexing_micros: std::sync::atomic::AtomicU64,
    /// The directory of the command runs the drains write ([`super::command_runs`]).
    pub(super) runs: CommandRuns,
}

impl PendingIndex {
    /// Pending entries over the index whose command runs `runs` lists.
    pub(super) fn new(runs: CommandRuns) -> Self {
        PendingIndex {
            runs,
            ..PendingIndex::default()
        }
    }

    fn generations(&self) -> MutexGuard<'_, Generations> {
        locked(&self.generations)
    }

    /// Records the entries of a durable group ending at `head`; returns how many entries now
    /// wait.
    pub(super) fn record(&self, group: GroupEntries, head: Position) -> usize {
        let mut generations = self.generations();
        let recording = &mut generations.recording;
        recording.count += group.streams.len() + group.commands.len();
        for (stream_id, version, position) in group.streams {
            recording
                .streams
                .entry(stream_id)
                .or_default()
                .push((version, position));
        }
        recording.commands.extend(group.commands);
        recording.through = head;
        let waiting = recording.count;
        drop(generations);
        if waiting >= WAKE_AT {
            self.wake_indexer.notify_one();
        }
        waiting
    }

    /// The outcome recorded for `command_id`, if it waits here.
    pub(super) fn command(&self, command_id: Uuid) -> Option<AppendOutcome> {
        let generations = self.generations();
        generations
            .recording
            .commands
            .get(&command_id)
            .or_else(|| {
                generations
                    .being_written
                    .as_ref()
                    .and_then(|entries| entries.commands.get(&command_id))
            })
            .cloned()
    }

    /// The positions of `stream_id`'s events from `from_version` on that wait here, by
    /// version.
    pub(super) fn stream(
        &self,
        stream_id: Uuid,
        from_version: StreamVersion,
    ) -> BTreeMap<StreamVersion, Position> {
        let generations = self.generations();
        let mut found = BTreeMap::new();
        let written = generations.being_written.as_deref();
        for entries in [written, Some(&generations.recording)]
            .into_iter()
            .flatten()
        {
            if let Some(versions) = entries.streams.get(&stream_id) {
                found.extend(
                    versions
                        .iter()
                        .filter(|(version, _)| *version >= from_version)
                        .copied(),
                );
            }
        }
        found
    }

    /// Writes every recorded entry into `index` and moves `m:indexed_through`.
    ///
    /// # Errors
    /// The sled error, also remembered: the entries stay readable here and later drains
    /// refuse, so the index never claims to cover what it does not hold.
    pub(super) fn drain(&self, index: &sled::Tree) -> Result<(), String> {
        let _draining = locked(&self.draining);
        let taken = {
            let mut generations = self.generations();
            if let Some(reason) = &generations.failed {
                return Err(reason.clone());
            }
            if generations.recording.count == 0 {
                return Ok(());
            }
            let taken = Arc::new(std::mem::take(&mut generations.recording));
            generations.being_written = Some(taken.clone());
            taken
        };
        let started = Instant::now();
        let written = write_all(index, &self.runs, &taken);
        self.indexing_micros.fetch_add(
            started.elapsed().as_micros() as u64,
            std::sync::atomic::Ordering::Relaxed,
        );
        let mut generations = self.generations();
        match written {
            Ok(()) => {
                generations.being_written = None;
                Ok(())
            }
            Err(error) => {
                let reason = format!("writing the index failed: {error}");
                generations.failed = Some(reason.clone());
                Err(reason)
            }
        }
    }

    /// The indexer thread's loop: drains whenever enough entries wait or the oldest has
    /// waited long enough, until [`PendingIndex::shut_down`]; then drains what is left.
    pub(super) fn run_indexer(&self, index: &sled::Tree) {
        let mut last_flush = Instant::now();
        loop {
            let shutting_down = {
                let mut generations = self.generations();
                if !generations.shutting_down && generations.recording.count < WAKE_AT {
                    generations =
                        unpoisoned(self.wake_indexer.wait_timeout(generations, WAIT_AT_MOST)).0;
                }
                generations.shutting_down
            };
            if let Err(reason) = self.drain(index) {
                tracing::error!(%reason, "the indexer stopped; the next start re-indexes the log");
                return;
            }
            if last_flush.elapsed() >= FLUSH_EVERY {
                // Bounds what a crash makes the next start derive again; nothing depends on
                // it being sooner.
                if let Err(error) = index.flush() {
                    tracing::warn!(%error, "flushing the index failed");
                }
                last_flush = Instant::now();
            }
            if shutting_down {
                return;
            }
        }
    }

    /// Asks the indexer thread to write what is left and stop.
    pub(super) fn shut_down(&self) {
        self.generations().shutting_down = true;
        self.wake_indexer.notify_one();
    }
}

/// Writes everything in `entries`.
fn write_all(index: &sled::Tree, runs: &CommandRuns, entries: &Entries) -> Result<(), StoreError> {
    let streams = entries.streams.iter().flat_map(|(stream_id, versions)| {
        versions
            .iter()
            .map(move |(version, position)| (*stream_id, *version, *position))
    });
    let commands = entries
        .commands
        .iter()
        .map(|(command_id, outcome)| (*command_id, outcome));
    super::index::write_entries(index, runs, streams, commands, entries.through)
}

#[cfg(test)]
mod tests {
    use super::super::index::{read_outcome, stream_positions, INDEXED_THROUGH_KEY};
    use super::*;

    fn outcome(stream_id: Uuid, position: Position) -> AppendOutcome {
        AppendOutcome {
            stream_id,
            first_position: position,
            last_position: position,
            stream_version: position,
            deduplicated: false,
        }
    }

    fn group(stream_id: Uuid, positions: std::ops::RangeInclusive<u64>) -> GroupEntries {
        GroupEntries {
            streams: positions
                .clone()
                .map(|position| (stream_id, position, position))
                .collect(),
            commands: positions
                .map(|position| {
                    (
                        Uuid::from_u128(position.into()),
                        outcome(stream_id, position),
                    )
                })
                .collect(),
        }
    }

    fn temporary_index() -> (tempfile::TempDir, sled::Tree) {
        let directory = tempfile::tempdir().unwrap();
        let db = sled::Config::new()
            .path(directory.path())
            .temporary(true)
            .open()
            .unwrap();
        let tree = db.open_tree("index").unwrap();
        (directory, tree)
    }

    #[test]
    fn entries_are_readable_before_and_after_they_are_written() {
        let (_directory, index) = temporary_index();
        let pending = PendingIndex::default();
        let stream_id = Uuid::from_u128(7);
        pending.record(group(stream_id, 1..=3), 3);
        assert_eq!(
            pending.stream(stream_id, 2).into_iter().collect::<Vec<_>>(),
            vec![(2, 2), (3, 3)]
        );
        assert_eq!(
            pending.command(Uuid::from_u128(2)),
            Some(outcome(stream_id, 2))
        );

        pending.drain(&index).unwrap();
        assert!(pending.stream(stream_id, 1).is_empty());
        assert_eq!(pending.command(Uuid::from_u128(2)), None);
        assert_eq!(
            stream_positions(&index, stream_id, 3, 10).unwrap(),
            vec![(3, 3)]
        );
        assert_eq!(
            read_outcome(&index, &pending.runs, Uuid::from_u128(1)).unwrap(),
            Some(outcome(stream_id, 1))
        );
        assert_eq!(
            index.get(INDEXED_THROUGH_KEY).unwrap().as_deref(),
            Some(&3u64.to_be_bytes()[..])
        );
    }

    #[test]
    fn the_indexer_writes_everything_when_it_shuts_down() {
        let (_directory, index) = temporary_index();
        let pending = Arc::new(PendingIndex::default());
        let indexer = {
            let (pending, index) = (pending.clone(), index.clone());
            std::thread::spawn(move || pending.run_indexer(&index))
        };
        let stream_id = Uuid::from_u128(9);
        for first in (1..=10_000u64).step_by(100) {
            pending.record(group(stream_id, first..=first + 99), first + 99);
        }
        pending.shut_down();
        indexer.join().unwrap();
        assert_eq!(pending.stream(stream_id, 1).len(), 0);
        let positions = stream_positions(&index, stream_id, 1, usize::MAX).unwrap();
        assert_eq!(positions, (1..=10_000).map(|v| (v, v)).collect::<Vec<_>>());
        assert_eq!(index.scan_prefix([b'c']).count(), 0, "no command keys");
        assert_eq!(pending.runs.statistics().entries, 10_000);
        for command in [1u128, 5_000, 10_000] {
            assert_eq!(
                read_outcome(&index, &pending.runs, Uuid::from_u128(command)).unwrap(),
                Some(outcome(stream_id, command as u64))
            );
        }
        assert_eq!(
            index.get(INDEXED_THROUGH_KEY).unwrap().as_deref(),
            Some(&10_000u64.to_be_bytes()[..])
        );
    }
}
