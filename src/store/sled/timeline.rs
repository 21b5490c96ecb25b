//! The timeline index on sled ([`EventStore::save_timeline`](crate::store::EventStore)): a
//! sled database of its own in the data directory (`timeline/`), derived data like the
//! stream index, flushed when a batch is saved, with a small page cache, and kept as **runs**:
//! the entries of one workspace from one save as a few sled values of consecutive entries,
//! and, for every entity they are about, their positions as a few values too.
//!
//! | tree        | key                                                 | value                       |
//! |-------------|-----------------------------------------------------|-----------------------------|
//! | `entries`   | workspace (16) + first position (u64, big-endian)   | a run of entries (below)    |
//! | `entities`  | workspace (16) + entity (16) + first position (u64) | positions (u64 each, rising)|
//! | `mark`      | `mark`                                              | the index's mark            |
//!
//! A run of entries is its last position (u64), then each entry, oldest first: position
//! (u64), entity count (u16), the entity ids (16 each), byte count (u32), the entry's bytes
//! (all integers big-endian). Runs of one workspace never overlap: a save that reaches into a
//! run already there (an entry saved again) rewrites the runs it touches with the later
//! entries in. A run of positions may name an entry that no longer lists the entity (it was
//! saved again about others): the entry's own entity ids decide, so such a position is passed
//! over when read.
//!
//! **Why runs.** One sled insert per entry and one per entity it is about (the layout before,
//! format 1 of [`crate::projection::timeline_index::FORMAT`]) made the checkpointer's save of
//! one checkpoint's 100,000 entries at 256 clients the largest single item of the server's
//! CPU (BENCHMARKS.md, issue 19 scenario 1, "the sled timeline index as runs"). A run closes
//! at [`RUN_BYTES`] of entries or [`RUN_ENTRIES`] entries, so that a full leaf (17 values)
//! stays below sled's blob threshold (a quarter of its 512 KiB segment), as the command
//! index's blocks do ([`super::command_runs`]).
//!
//! Each run is inserted on its own, not in a `sled::Batch`: sled pins one epoch guard for a
//! whole batch, and every insert replaces its leaf with a new copy whose old one is freed only
//! once no guard from before can see it, and then only a few at each later pin of the thread
//! (crossbeam-epoch collects eight bags of 64 every 128 pins). Batches of 20,000 entries left
//! the old leaves behind faster than they were freed: the million entries of a rebuilt
//! server's first checkpoint grew the process to 11.5 GiB (BENCHMARKS.md, issue 19 scenario
//! 3). One at a time, the inserts' own pins free them as they go. Nothing needs the batch's
//! atomicity: entries are read only up to the mark, which moves after they are flushed.

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::Path;

use uuid::Uuid;

use super::backend;
use crate::store::{Position, StoreError, TimelineIndexEntry};

/// The page cache of the timeline's database: entries are read a page at a time.
const CACHE_BYTES: u64 = 32 << 20;
const MARK_KEY: &[u8] = b"mark";
/// A run of entries closes once its entries' bytes reach this.
pub(super) const RUN_BYTES: usize = 6 << 10;
/// A run of entries holds at most this many.
pub(super) const RUN_ENTRIES: usize = 64;
/// A run of an entity's positions holds at most this many (4 KiB).
pub(super) const POSITIONS_PER_RUN: usize = 512;

/// The timeline index's trees.
#[derive(Clone)]
pub(super) struct TimelineTrees {
    entries: sled::Tree,
    entities: sled::Tree,
    mark: sled::Tree,
}

fn entry_key(workspace_id: Uuid, position: Position) -> [u8; 24] {
    let mut key = [0; 24];
    key[..16].copy_from_slice(workspace_id.as_bytes());
    key[16..].copy_from_slice(&position.to_be_bytes());
    key
}

fn entity_key(workspace_id: Uuid, entity_id: Uuid, position: Position) -> [u8; 40] {
    let mut key = [0; 40];
    key[..16].copy_from_slice(workspace_id.as_bytes());
    key[16..32].copy_from_slice(entity_id.as_bytes());
    key[32..].copy_from_slice(&position.to_be_bytes());
    key
}

fn position_at_end(key: &[u8]) -> Result<Position, StoreError> {
    key.len()
        .checked_sub(8)
        .and_then(|start| key[start..].try_into().ok())
        .map(u64::from_be_bytes)
        .ok_or_else(|| StoreError::Backend("a timeline index key is cut short".into()))
}

/// One entry of a run, as ranges into the run's bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
struct RunEntry {
    position: Position,
    entities: Range<usize>,
    bytes: Range<usize>,
}

/// A run of entries, read and checked: its bytes and where each entry lies in them.
struct Run {
    bytes: sled::IVec,
    entries: Vec<RunEntry>,
}

impl Run {
    /// The run stored under first position `first`, its framing checked: positions rising
    /// from `first` to the last the run names, no byte left over.
    fn read(first: Position, bytes: sled::IVec) -> Result<Self, StoreError> {
        let damaged = |reason: &str| StoreError::Corrupt {
            position: first,
            reason: format!("the timeline index's run of entries {reason}"),
        };
        let mut at = 0;
        let length = bytes.len();
        let take = |at: &mut usize, count: usize| -> Result<Range<usize>, StoreError> {
            let end = *at + count;
            if end > length {
                return Err(damaged("is cut short"));
            }
            let range = *at..end;
            *at = end;
            Ok(range)
        };
        let u64_at =
            |range: Range<usize>| u64::from_be_bytes(bytes[range].try_into().unwrap_or([0; 8]));
        let last = u64_at(take(&mut at, 8)?);
        let mut entries = Vec::new();
        let mut previous: Option<Position> = None;
        loop {
            let position = u64_at(take(&mut at, 8)?);
            let count_range = take(&mut at, 2)?;
            let count = usize::from(u16::from_be_bytes([
                bytes[count_range.start],
                bytes[count_range.start + 1],
            ]));
            let entities = take(&mut at, 16 * count)?;
            let length_range = take(&mut at, 4)?;
            let size = u32::from_be_bytes(bytes[length_range].try_into().unwrap_or([0; 4]));
            let entry_bytes = take(&mut at, size as usize)?;
            let in_order = match previous {
                None => position == first,
                Some(previous) => position > previous,
            };
            if !in_order {
                return Err(damaged(&format!("holds position {position} out of order")));
            }
            previous = Some(position);
            entries.push(RunEntry {
                position,
                entities,
                bytes: entry_bytes,
            });
            if at == length {
                break;
            }
        }
        if previous != Some(last) {
            return Err(damaged(&format!(
                "names {last} as its last position, but ends at {previous:?}"
            )));
        }
        Ok(Run { bytes, entries })
    }

    fn last(&self) -> Position {
        self.entries.last().map_or(0, |entry| entry.position)
    }

    fn is_about(&self, entry: &RunEntry, entity_id: Uuid) -> bool {
        self.bytes[entry.entities.clone()]
            .chunks_exact(16)
            .any(|id| id == entity_id.as_bytes())
    }

    fn entity_ids(&self, entry: &RunEntry) -> Vec<Uuid> {
        self.bytes[entry.entities.clone()]
            .chunks_exact(16)
            .filter_map(|id| Uuid::from_slice(id).ok())
            .collect()
    }

    /// The entry at `position`, if the run holds one.
    fn find(&self, position: Position) -> Option<&RunEntry> {
        self.entries
            .binary_search_by_key(&position, |entry| entry.position)
            .ok()
            .map(|index| &self.entries[index])
    }
}

/// The bytes of a run of `entries` (at least one, positions rising).
fn encode_run(entries: &[TimelineIndexEntry]) -> Result<Vec<u8>, StoreError> {
    let too_large =
        |what: &str| StoreError::Backend(format!("a timeline entry has too many {what}"));
    let size: usize = entries
        .iter()
        .map(|entry| 14 + 16 * entry.entity_ids.len() + entry.bytes.len())
        .sum();
    let mut bytes = Vec::with_capacity(8 + size);
    let last = entries.last().map_or(0, |entry| entry.position);
    bytes.extend_from_slice(&last.to_be_bytes());
    for entry in entries {
        bytes.extend_from_slice(&entry.position.to_be_bytes());
        let count = u16::try_from(entry.entity_ids.len()).map_err(|_| too_large("entities"))?;
        bytes.extend_from_slice(&count.to_be_bytes());
        for entity_id in &entry.entity_ids {
            bytes.extend_from_slice(entity_id.as_bytes());
        }
        let length = u32::try_from(entry.bytes.len()).map_err(|_| too_large("bytes"))?;
        bytes.extend_from_slice(&length.to_be_bytes());
        bytes.extend_from_slice(&entry.bytes);
    }
    Ok(bytes)
}

/// `entries` (positions rising) cut into runs: each closes at [`RUN_BYTES`] of entry bytes
/// or [`RUN_ENTRIES`] entries.
fn runs_of(entries: &[TimelineIndexEntry]) -> Vec<&[TimelineIndexEntry]> {
    let mut runs = Vec::new();
    let (mut start, mut bytes) = (0, 0);
    for (index, entry) in entries.iter().enumerate() {
        bytes += entry.bytes.len();
        if bytes >= RUN_BYTES || index + 1 - start == RUN_ENTRIES {
            runs.push(&entries[start..=index]);
            (start, bytes) = (index + 1, 0);
        }
    }
    if start < entries.len() {
        runs.push(&entries[start..]);
    }
    runs
}

/// Positions `added` (rising) joined to a run's `stored` positions.
fn join_positions(stored: Option<&[u8]>, added: &[Position]) -> Vec<u8> {
    let mut positions: Vec<Position> = stored
        .unwrap_or_default()
        .chunks_exact(8)
        .filter_map(|bytes| bytes.try_into().ok().map(u64::from_be_bytes))
        .chain(added.iter().copied())
        .collect();
    positions.sort_unstable();
    positions.dedup();
    positions
        .iter()
        .flat_map(|position| position.to_be_bytes())
        .collect()
}

impl TimelineTrees {
    /// A tree of the timeline's database, for what acts on the whole database.
    pub(super) fn database(&self) -> sled::Tree {
        self.mark.clone()
    }

    /// Opens (or creates) the timeline's database in `directory`.
    pub(super) fn open(directory: &Path) -> Result<Self, StoreError> {
        let path = directory.join("timeline");
        let db = sled::Config::new()
            .path(&path)
            .cache_capacity(CACHE_BYTES)
            .flush_every_ms(None)
            .open()
            .map_err(|error| {
                StoreError::Backend(format!("cannot open {}: {error}", path.display()))
            })?;
        Ok(TimelineTrees {
            entries: db.open_tree("entries").map_err(backend)?,
            entities: db.open_tree("entities").map_err(backend)?,
            mark: db.open_tree("mark").map_err(backend)?,
        })
    }

    /// The run of workspace `workspace_id` whose first position is the greatest at or before
    /// `position`, if any.
    fn run_at_or_before(
        &self,
        workspace_id: Uuid,
        position: Position,
    ) -> Result<Option<Run>, StoreError> {
        let range = entry_key(workspace_id, 0)..=entry_key(workspace_id, position);
        match self.entries.range(range).next_back() {
            None => Ok(None),
            Some(item) => {
                let (key, bytes) = item.map_err(backend)?;
                Run::read(position_at_end(&key)?, bytes).map(Some)
            }
        }
    }

    /// Adds `entries`, flushes, then keeps `mark` and flushes again.
    ///
    /// Each workspace's entries become runs ([`runs_of`]); when they reach into runs already
    /// stored (an entry saved again), those runs are read, removed, and written again with
    /// the new entries in (a later entry at a position replaces the earlier). Each entity's
    /// positions become runs of [`POSITIONS_PER_RUN`], joined to a run already stored at the
    /// same key.
    pub(super) fn save(
        &self,
        mut entries: Vec<TimelineIndexEntry>,
        mark: Option<Vec<u8>>,
    ) -> Result<(), StoreError> {
        // By workspace, then position; of two at one position the later given is kept.
        entries.reverse();
        entries.sort_by_key(|entry| (entry.workspace_id, entry.position));
        entries.dedup_by_key(|entry| (entry.workspace_id, entry.position));
        let mut start = 0;
        while start < entries.len() {
            let workspace_id = entries[start].workspace_id;
            let end = start
                + entries[start..]
                    .iter()
                    .take_while(|entry| entry.workspace_id == workspace_id)
                    .count();
            self.save_workspace(workspace_id, &entries[start..end])?;
            start = end;
        }
        // One flush: the trees share the database's log.
        self.entries.flush().map_err(backend)?;
        if let Some(mark) = mark {
            self.mark.insert(MARK_KEY, mark).map_err(backend)?;
            self.mark.flush().map_err(backend)?;
        }
        Ok(())
    }

    /// Saves one workspace's `entries` (positions rising, at least one).
    fn save_workspace(
        &self,
        workspace_id: Uuid,
        entries: &[TimelineIndexEntry],
    ) -> Result<(), StoreError> {
        let (Some(first), Some(last)) = (entries.first(), entries.last()) else {
            return Ok(());
        };
        let (first, last) = (first.position, last.position);
        // The runs stored that reach into [first, last], newest key first; runs do not
        // overlap, so the first that ends before `first` ends the search.
        let mut touched = Vec::new();
        let range = entry_key(workspace_id, 0)..=entry_key(workspace_id, last);
        for item in self.entries.range(range).rev() {
            let (key, bytes) = item.map_err(backend)?;
            let run = Run::read(position_at_end(&key)?, bytes)?;
            if run.last() < first {
                break;
            }
            touched.push((key, run));
        }
        let merged;
        let to_write = if touched.is_empty() {
            entries
        } else {
            let mut all: BTreeMap<Position, TimelineIndexEntry> = BTreeMap::new();
            for (_, run) in &touched {
                for entry in &run.entries {
                    all.insert(
                        entry.position,
                        TimelineIndexEntry {
                            workspace_id,
                            position: entry.position,
                            entity_ids: run.entity_ids(entry),
                            bytes: run.bytes[entry.bytes.clone()].to_vec(),
                        },
                    );
                }
            }
            for entry in entries {
                all.insert(entry.position, entry.clone());
            }
            for (key, _) in &touched {
                self.entries.remove(key).map_err(backend)?;
            }
            merged = all.into_values().collect::<Vec<_>>();
            &merged[..]
        };
        for run in runs_of(to_write) {
            let run_first = run.first().map_or(0, |entry| entry.position);
            self.entries
                .insert(&entry_key(workspace_id, run_first)[..], encode_run(run)?)
                .map_err(backend)?;
        }
        // Each entity's positions among the new entries, rising.
        let mut by_entity: BTreeMap<Uuid, Vec<Position>> = BTreeMap::new();
        for entry in entries {
            for entity_id in &entry.entity_ids {
                by_entity
                    .entry(*entity_id)
                    .or_default()
                    .push(entry.position);
            }
        }
        for (entity_id, positions) in by_entity {
            for chunk in positions.chunks(POSITIONS_PER_RUN) {
                let key = entity_key(workspace_id, entity_id, chunk[0]);
                self.entities
                    .update_and_fetch(&key[..], |stored| Some(join_positions(stored, chunk)))
                    .map_err(backend)?;
            }
        }
        Ok(())
    }

    /// The mark kept, if one is.
    pub(super) fn mark(&self) -> Result<Option<Vec<u8>>, StoreError> {
        Ok(self
            .mark
            .get(MARK_KEY)
            .map_err(backend)?
            .map(|mark| mark.to_vec()))
    }

    /// The entries of a workspace up to a position, all or those about one entity.
    pub(super) fn read(
        &self,
        workspace_id: Uuid,
        entity_id: Option<Uuid>,
        up_to: Position,
    ) -> Result<Vec<(Position, Vec<u8>)>, StoreError> {
        let mut found = Vec::new();
        match entity_id {
            None => {
                let range = entry_key(workspace_id, 0)..=entry_key(workspace_id, up_to);
                for item in self.entries.range(range) {
                    let (key, bytes) = item.map_err(backend)?;
                    let run = Run::read(position_at_end(&key)?, bytes)?;
                    for entry in &run.entries {
                        if entry.position > up_to {
                            break;
                        }
                        found.push((entry.position, run.bytes[entry.bytes.clone()].to_vec()));
                    }
                }
            }
            Some(entity_id) => {
                let mut positions = Vec::new();
                let range = entity_key(workspace_id, entity_id, 0)
                    ..=entity_key(workspace_id, entity_id, up_to);
                for item in self.entities.range(range) {
                    let (key, stored) = item.map_err(backend)?;
                    if stored.len() % 8 != 0 {
                        return Err(StoreError::Corrupt {
                            position: position_at_end(&key)?,
                            reason: "the timeline index's run of positions is cut short".into(),
                        });
                    }
                    positions.extend(
                        stored
                            .chunks_exact(8)
                            .filter_map(|bytes| bytes.try_into().ok().map(u64::from_be_bytes))
                            .filter(|position| *position <= up_to),
                    );
                }
                positions.sort_unstable();
                positions.dedup();
                let mut run: Option<Run> = None;
                for position in positions {
                    if run.as_ref().is_none_or(|run| run.last() < position) {
                        run = self.run_at_or_before(workspace_id, position)?;
                    }
                    let entry = run
                        .as_ref()
                        .and_then(|run| run.find(position).map(|entry| (run, entry)));
                    let Some((run, entry)) = entry else {
                        return Err(StoreError::Corrupt {
                            position,
                            reason: "the timeline index names an entry it does not hold".into(),
                        });
                    };
                    // Saved again about other entities: not about this one any more.
                    if run.is_about(entry, entity_id) {
                        found.push((position, run.bytes[entry.bytes.clone()].to_vec()));
                    }
                }
            }
        }
        Ok(found)
    }

    /// Empties the index and its mark.
    pub(super) fn clear(&self) -> Result<(), StoreError> {
        self.mark.clear().map_err(backend)?;
        self.mark.flush().map_err(backend)?;
        self.entries.clear().map_err(backend)?;
        self.entities.clear().map_err(backend)?;
        self.entries.flush().map_err(backend)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(workspace_id: Uuid, position: Position, entity_ids: &[Uuid]) -> TimelineIndexEntry {
        TimelineIndexEntry {
            workspace_id,
            position,
            entity_ids: entity_ids.to_vec(),
            bytes: format!("entry {position}").repeat(20).into_bytes(),
        }
    }

    fn positions(read: &[(Position, Vec<u8>)]) -> Vec<Position> {
        read.iter().map(|(position, _)| *position).collect()
    }

    /// 1,000 entries of a workspace (every third position) about `even` or `odd` by their
    /// position's parity and all about `all`, saved in two saves, beside another workspace.
    fn filled() -> (tempfile::TempDir, TimelineTrees, Uuid, [Uuid; 3]) {
        let directory = tempfile::tempdir().unwrap();
        let trees = TimelineTrees::open(directory.path()).unwrap();
        let (workspace, other) = (Uuid::new_v4(), Uuid::new_v4());
        let entities = [Uuid::new_v4(), Uuid::new_v4(), Uuid::new_v4()];
        let [all, even, odd] = entities;
        let make = |positions: std::ops::Range<u64>| {
            positions
                .flat_map(|n| {
                    let position = 3 * n + 1;
                    let about = if position % 2 == 0 { even } else { odd };
                    [
                        entry(workspace, position, &[all, about]),
                        entry(other, position + 1, &[all]),
                    ]
                })
                .collect::<Vec<_>>()
        };
        trees.save(make(0..600), None).unwrap();
        trees.save(make(600..1000), Some(b"mark".to_vec())).unwrap();
        (directory, trees, workspace, entities)
    }

    #[test]
    fn reads_span_runs_and_stop_inside_one() {
        let (_directory, trees, workspace, [all, even, odd]) = filled();
        let runs = trees
            .entries
            .range(entry_key(workspace, 0)..=entry_key(workspace, u64::MAX))
            .count();
        assert!(runs > 20, "{runs} runs");
        let every: Vec<Position> = (0..1000).map(|n| 3 * n + 1).collect();
        let read = trees.read(workspace, None, u64::MAX).unwrap();
        assert_eq!(positions(&read), every);
        assert_eq!(read[5].1, "entry 16".repeat(20).into_bytes());
        // Up to a position inside a run, and up to one that is not an entry's.
        for up_to in [1, 2, 200, 1_500, 1_501, 2_998] {
            let expected: Vec<Position> = every.iter().copied().filter(|p| *p <= up_to).collect();
            assert_eq!(
                positions(&trees.read(workspace, None, up_to).unwrap()),
                expected
            );
            assert_eq!(
                positions(&trees.read(workspace, Some(all), up_to).unwrap()),
                expected
            );
            let evens: Vec<Position> = expected.iter().copied().filter(|p| p % 2 == 0).collect();
            assert_eq!(
                positions(&trees.read(workspace, Some(even), up_to).unwrap()),
                evens
            );
        }
        assert_eq!(trees.read(workspace, None, 0).unwrap(), vec![]);
        let odds = trees.read(workspace, Some(odd), u64::MAX).unwrap();
        assert_eq!(odds.len(), 500);
        assert!(odds.iter().all(|(position, _)| position % 2 == 1));
        assert_eq!(
            trees
                .read(workspace, Some(Uuid::new_v4()), u64::MAX)
                .unwrap(),
            vec![]
        );
    }

    #[test]
    fn an_entity_in_many_runs_of_positions() {
        let directory = tempfile::tempdir().unwrap();
        let trees = TimelineTrees::open(directory.path()).unwrap();
        let (workspace, entity) = (Uuid::new_v4(), Uuid::new_v4());
        let count = 3 * POSITIONS_PER_RUN as u64 + 7;
        for save in 0..3 {
            let entries = (save * count + 1..=(save + 1) * count)
                .map(|position| entry(workspace, position, &[entity]))
                .collect();
            trees.save(entries, None).unwrap();
        }
        let runs = trees.entities.iter().count();
        assert_eq!(runs, 3 * 4);
        let read = trees.read(workspace, Some(entity), u64::MAX).unwrap();
        assert_eq!(positions(&read), (1..=3 * count).collect::<Vec<_>>());
        let up_to = count + POSITIONS_PER_RUN as u64 + 3;
        let read = trees.read(workspace, Some(entity), up_to).unwrap();
        assert_eq!(positions(&read), (1..=up_to).collect::<Vec<_>>());
    }

    #[test]
    fn an_entry_saved_again_inside_runs_replaces_the_earlier() {
        let (_directory, trees, workspace, [all, even, odd]) = filled();
        // 1,600 was about `even` (and `all`): saved again about `odd` only, and a span across
        // run boundaries saved again with new bytes.
        let mut again: Vec<TimelineIndexEntry> = (100..160)
            .map(|n| {
                let mut entry = entry(workspace, 3 * n + 1, &[all]);
                entry.bytes = b"again".to_vec();
                entry
            })
            .collect();
        again.push(entry(workspace, 1_600, &[odd]));
        trees.save(again, None).unwrap();
        let read = trees.read(workspace, None, u64::MAX).unwrap();
        assert_eq!(
            positions(&read),
            (0..1000).map(|n| 3 * n + 1).collect::<Vec<_>>()
        );
        for (position, bytes) in &read {
            let saved_again = (301..=478).contains(position);
            assert_eq!(bytes == b"again", saved_again, "{position}");
        }
        let evens = positions(&trees.read(workspace, Some(even), u64::MAX).unwrap());
        assert!(!evens.contains(&1_600));
        assert!(!evens.contains(&304), "304 is now about `all` only");
        let odds = positions(&trees.read(workspace, Some(odd), u64::MAX).unwrap());
        assert!(odds.contains(&1_600));
        assert_eq!(odds.iter().filter(|p| **p == 1_600).count(), 1);
        // 1,600 is no longer about `all`.
        assert_eq!(
            trees.read(workspace, Some(all), u64::MAX).unwrap().len(),
            999
        );
        // Runs still do not overlap.
        let mut last = 0;
        for item in trees
            .entries
            .range(entry_key(workspace, 0)..=entry_key(workspace, u64::MAX))
        {
            let (key, bytes) = item.unwrap();
            let run = Run::read(position_at_end(&key).unwrap(), bytes).unwrap();
            assert!(run.entries[0].position > last);
            last = run.last();
        }
    }

    #[test]
    fn a_damaged_run_is_refused() {
        let (_directory, trees, workspace, [all, _, _]) = filled();
        let (key, bytes) = trees
            .entries
            .range(entry_key(workspace, 0)..=entry_key(workspace, u64::MAX))
            .nth(3)
            .unwrap()
            .unwrap();
        let first = position_at_end(&key).unwrap();
        let damages: [(&str, Vec<u8>); 3] = [
            ("cut short", bytes[..bytes.len() - 1].to_vec()),
            ("a byte more", [&bytes[..], &[0]].concat()),
            ("another first position", {
                let mut damaged = bytes.to_vec();
                damaged[15] ^= 1;
                damaged
            }),
        ];
        for (damage, damaged) in damages {
            trees.entries.insert(&key, damaged).unwrap();
            for entity in [None, Some(all)] {
                let read = trees.read(workspace, entity, u64::MAX);
                assert!(
                    matches!(read, Err(StoreError::Corrupt { position, .. }) if position == first),
                    "{damage}: {read:?}"
                );
            }
        }
        // A run of positions cut short.
        trees.entries.insert(&key, bytes).unwrap();
        assert_eq!(
            trees.read(workspace, Some(all), u64::MAX).unwrap().len(),
            1000
        );
        let key = entity_key(workspace, all, 1);
        let positions = trees.entities.get(key).unwrap().unwrap();
        trees.entities.insert(key, &positions[1..]).unwrap();
        let read = trees.read(workspace, Some(all), u64::MAX);
        assert!(
            matches!(read, Err(StoreError::Corrupt { position: 1, .. })),
            "{read:?}"
        );
    }

    #[test]
    fn runs_close_at_their_bytes_or_their_count() {
        let workspace = Uuid::new_v4();
        let small: Vec<TimelineIndexEntry> = (1..=200)
            .map(|position| TimelineIndexEntry {
                bytes: vec![1; 10],
                ..entry(workspace, position, &[])
            })
            .collect();
        let lengths: Vec<usize> = runs_of(&small).iter().map(|run| run.len()).collect();
        assert_eq!(lengths, vec![64, 64, 64, 8]);
        let large: Vec<TimelineIndexEntry> = (1..=10)
            .map(|position| TimelineIndexEntry {
                bytes: vec![1; RUN_BYTES / 3],
                ..entry(workspace, position, &[])
            })
            .collect();
        let lengths: Vec<usize> = runs_of(&large).iter().map(|run| run.len()).collect();
        assert_eq!(lengths, vec![3, 3, 3, 1]);
        assert!(runs_of(&[]).is_empty());
    }
}
