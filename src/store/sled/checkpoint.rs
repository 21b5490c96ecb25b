//! The projections' checkpoint on sled: one opaque value ([`crate::projection::checkpoint`]
//! says what is in it), kept in the tree `checkpoint` of the index database, cut into chunks
//! of [`CHUNK`] bytes so that sled never holds one huge value. A new checkpoint replaces the
//! old one in one atomic batch, so a crash leaves either the old or the new, never a mix.

use super::backend;
use crate::store::StoreError;

/// The size of one stored chunk.
const CHUNK: usize = 1 << 20;
/// The key of the number of chunks of the checkpoint kept.
const COUNT_KEY: &[u8] = b"count";

fn chunk_key(index: u32) -> [u8; 5] {
    let mut key = [b'c', 0, 0, 0, 0];
    key[1..].copy_from_slice(&index.to_be_bytes());
    key
}

fn count_of(tree: &sled::Tree) -> Result<u32, StoreError> {
    Ok(match tree.get(COUNT_KEY).map_err(backend)? {
        Some(bytes) => bytes
            .as_ref()
            .try_into()
            .map(u32::from_be_bytes)
            .unwrap_or(0),
        None => 0,
    })
}

/// Replaces the checkpoint kept in `tree` with `bytes`, durably.
pub(super) fn save(tree: &sled::Tree, bytes: &[u8]) -> Result<(), StoreError> {
    let before = count_of(tree)?;
    let mut batch = sled::Batch::default();
    let mut count = 0u32;
    for chunk in bytes.chunks(CHUNK) {
        batch.insert(&chunk_key(count), chunk);
        count += 1;
    }
    for stale in count..before {
        batch.remove(&chunk_key(stale));
    }
    batch.insert(COUNT_KEY, &count.to_be_bytes());
    tree.apply_batch(batch).map_err(backend)?;
    tree.flush().map_err(backend)?;
    Ok(())
}

/// The checkpoint kept in `tree`, if one is. A missing chunk reads as no checkpoint.
pub(super) fn load(tree: &sled::Tree) -> Result<Option<Vec<u8>>, StoreError> {
    let count = count_of(tree)?;
    if count == 0 {
        return Ok(None);
    }
    let mut bytes = Vec::new();
    for index in 0..count {
        match tree.get(chunk_key(index)).map_err(backend)? {
            Some(chunk) => bytes.extend_from_slice(&chunk),
            None => return Ok(None),
        }
    }
    Ok(Some(bytes))
}
