//! The projections' checkpoint beside a sled store: one opaque value
//! ([`crate::projection::checkpoint`] says what is in it), kept as the file `checkpoint` in the
//! data directory rather than in sled, whose page cache would keep a copy of all of it (half
//! a GiB at a million events) resident after it was read once. A new checkpoint is written to
//! a temporary file, synced, and renamed over the old one (the directory synced too), so a
//! crash leaves either the old or the new, never a mix. An empty checkpoint is none.

use std::io::Write;
use std::path::Path;

use crate::store::StoreError;

/// The file's name in the data directory.
pub(super) const FILE: &str = "checkpoint";

fn io(what: &str, path: &Path, error: std::io::Error) -> StoreError {
    StoreError::Backend(format!("cannot {what} {}: {error}", path.display()))
}

/// Replaces the checkpoint kept in `directory` with `bytes`, durably.
pub(super) fn save(directory: &Path, bytes: &[u8]) -> Result<(), StoreError> {
    let path = directory.join(FILE);
    let temporary = directory.join(format!("{FILE}.new"));
    let mut file =
        std::fs::File::create(&temporary).map_err(|error| io("create", &temporary, error))?;
    file.write_all(bytes)
        .and_then(|()| file.sync_all())
        .map_err(|error| io("write", &temporary, error))?;
    drop(file);
    std::fs::rename(&temporary, &path).map_err(|error| io("replace", &path, error))?;
    std::fs::File::open(directory)
        .and_then(|directory| directory.sync_all())
        .map_err(|error| io("sync", directory, error))?;
    Ok(())
}

/// The checkpoint kept in `directory`, if one is.
pub(super) fn load(directory: &Path) -> Result<Option<Vec<u8>>, StoreError> {
    let path = directory.join(FILE);
    match std::fs::read(&path) {
        Ok(bytes) if bytes.is_empty() => Ok(None),
        Ok(bytes) => Ok(Some(bytes)),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(error) => Err(io("read", &path, error)),
    }
}
