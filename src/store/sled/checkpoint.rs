//! The projections' checkpoint beside a sled store: one opaque value
//! ([`crate::projection::checkpoint`] says what is in it), kept as the file `checkpoint` in the
//! data directory rather than in sled, whose page cache would keep a copy of all of it (half
//! a GiB at a million events) resident after it was read once. A new checkpoint is written to
//! a temporary file, synced, and renamed over the old one (the directory synced too), so a
//! crash leaves either the old or the new, never a mix. An empty checkpoint is none.

use std::io::{Read, Write};
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

/// How many bytes of the checkpoint one piece holds as it is read.
const PIECE: usize = 4 << 20;

/// Hands the checkpoint kept in `directory` to `pieces` in order, [`PIECE`] bytes at a time,
/// until its end or until `pieces` is closed.
///
/// # Returns
/// Whether one is kept (an empty file is none).
pub(super) fn read(
    directory: &Path,
    pieces: &tokio::sync::mpsc::Sender<Vec<u8>>,
) -> Result<bool, StoreError> {
    let path = directory.join(FILE);
    let mut file = match std::fs::File::open(&path) {
        Ok(file) => file,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(false),
        Err(error) => return Err(io("read", &path, error)),
    };
    let mut found = false;
    loop {
        let mut piece = Vec::with_capacity(PIECE);
        (&mut file)
            .take(PIECE as u64)
            .read_to_end(&mut piece)
            .map_err(|error| io("read", &path, error))?;
        if piece.is_empty() {
            return Ok(found);
        }
        found = true;
        if pieces.blocking_send(piece).is_err() {
            return Ok(true);
        }
    }
}
