//! The timeline index on sled ([`EventStore::save_timeline`](crate::store::EventStore)): a
//! sled database of its own in the data directory (`timeline/`), derived data like the
//! stream index, flushed when a batch is saved, with a small page cache, and written a key at
//! a time ([`TimelineTrees::save`]), so that writing a million entries does not leave them
//! resident.
//!
//! | tree        | key                                           | value                 |
//! |-------------|-----------------------------------------------|-----------------------|
//! | `entries`   | workspace (16) + position (u64, big-endian)   | the entry's bytes     |
//! | `entities`  | workspace (16) + entity (16) + position (u64) | empty                 |
//! | `mark`      | `mark`                                        | the index's mark      |

use std::path::Path;

use uuid::Uuid;

use super::backend;
use crate::store::{Position, StoreError, TimelineIndexEntry};

/// The page cache of the timeline's database: entries are read a page at a time.
const CACHE_BYTES: u64 = 32 << 20;
const MARK_KEY: &[u8] = b"mark";

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

impl TimelineTrees {
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

    /// Adds `entries`, flushes, then keeps `mark` and flushes again.
    ///
    /// Each key is inserted on its own, not in a `sled::Batch`: sled pins one epoch guard for
    /// a whole batch, and every insert replaces its leaf with a new copy whose old one is freed
    /// only once no guard from before can see it, and then only a few at each later pin of the
    /// thread (crossbeam-epoch collects eight bags of 64 every 128 pins). Batches of 20,000
    /// entries left the old leaves behind faster than they were freed: the million entries of
    /// a rebuilt server's first checkpoint grew the process to 11.5 GiB (BENCHMARKS.md, issue
    /// 19 scenario 3). One at a time, the inserts' own pins free them as they go. Nothing needs
    /// the batch's atomicity: entries are read only up to the mark, which moves after they are
    /// flushed, and saving an entry again writes the same bytes.
    pub(super) fn save(
        &self,
        entries: Vec<TimelineIndexEntry>,
        mark: Option<Vec<u8>>,
    ) -> Result<(), StoreError> {
        for entry in entries {
            for entity_id in &entry.entity_ids {
                self.entities
                    .insert(
                        &entity_key(entry.workspace_id, *entity_id, entry.position)[..],
                        &[][..],
                    )
                    .map_err(backend)?;
            }
            self.entries
                .insert(
                    &entry_key(entry.workspace_id, entry.position)[..],
                    entry.bytes,
                )
                .map_err(backend)?;
        }
        self.entries.flush().map_err(backend)?;
        if let Some(mark) = mark {
            self.mark.insert(MARK_KEY, mark).map_err(backend)?;
            self.mark.flush().map_err(backend)?;
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
                    found.push((position_at_end(&key)?, bytes.to_vec()));
                }
            }
            Some(entity_id) => {
                let range = entity_key(workspace_id, entity_id, 0)
                    ..=entity_key(workspace_id, entity_id, up_to);
                for item in self.entities.range(range) {
                    let (key, _) = item.map_err(backend)?;
                    let position = position_at_end(&key)?;
                    let bytes = self
                        .entries
                        .get(entry_key(workspace_id, position))
                        .map_err(backend)?
                        .ok_or_else(|| StoreError::Corrupt {
                            position,
                            reason: "the timeline index names an entry it does not hold".into(),
                        })?;
                    found.push((position, bytes.to_vec()));
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
