//! Moving and checking whole logs: `verify`, `export` and `import`.
//!
//! All three work through the [`EventStore`] trait, so they serve every backend alike (and a
//! later migration between backends). Exports are JSON Lines: one event per line in its
//! canonical stored form, so an export of an imported export is identical byte for byte.
//! Import checks the whole file against the hash chain before it writes anything, and only
//! into an empty store: a broken or foreign file never leaves half a log behind.

use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};

use super::{
    ChainBreak, ChainVerifier, EventHash, EventStore, Position, RecordedEvent, StoreError,
};

/// How many events an import writes per group commit.
const IMPORT_BATCH: usize = 1024;

/// What a successful verification found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VerifyReport {
    /// How many events were verified (the head position).
    pub events: Position,
    /// The head hash: keep it to prove later that history up to here was not rewritten.
    pub head_hash: EventHash,
}

/// Why a verification failed.
#[derive(Debug, thiserror::Error)]
pub enum VerifyError {
    /// The chain is broken.
    #[error("the log is broken: {0}")]
    Broken(#[from] ChainBreak),
    /// The store could not be read.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Walks the whole log in order and checks positions, hashes, links and stream versions.
/// `progress` is called with the number of events verified so far, last with those before a
/// break.
///
/// # Errors
/// The first break, or the store error that stopped the walk.
pub async fn verify_log(
    store: &dyn EventStore,
    progress: &mut (dyn FnMut(Position) + Send),
) -> Result<VerifyReport, VerifyError> {
    let mut verifier = ChainVerifier::new();
    let head = store.head_position();
    while verifier.verified() < head {
        let page = store
            .read_all(verifier.verified() + 1, super::READ_PAGE * 4)
            .await?;
        if page.is_empty() {
            break;
        }
        for event in &page {
            if let Err(chain_break) = verifier.check(event) {
                // What was verified before the break is part of the answer: how far the log
                // is whole.
                progress(verifier.verified());
                return Err(chain_break.into());
            }
        }
        progress(verifier.verified());
    }
    Ok(VerifyReport {
        events: verifier.verified(),
        head_hash: verifier.head_hash(),
    })
}

/// Why an export or import failed.
#[derive(Debug, thiserror::Error)]
pub enum TransferError {
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    File {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// A line of the import file is not an event.
    #[error("line {line}: not an exported event: {reason}")]
    UnreadableLine {
        /// 1-based line number.
        line: u64,
        /// Why it cannot be read.
        reason: String,
    },
    /// A line of the import file breaks the chain.
    #[error("line {line}: {source}")]
    BrokenChain {
        /// 1-based line number.
        line: u64,
        /// How the chain breaks there.
        source: ChainBreak,
    },
    /// Import only writes into an empty store.
    #[error("import needs an empty store, but this one already holds {events} events; choose a new --data directory")]
    StoreNotEmpty {
        /// How many events the store holds.
        events: Position,
    },
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

fn file_error(path: &Path) -> impl FnOnce(std::io::Error) -> TransferError + '_ {
    move |source| TransferError::File {
        path: path.to_path_buf(),
        source,
    }
}

/// Writes the whole log (as of now) to `path` as JSON Lines. Returns how many events.
///
/// # Errors
/// File and store errors.
pub async fn export_log(
    store: &dyn EventStore,
    path: &Path,
    progress: &mut (dyn FnMut(Position) + Send),
) -> Result<Position, TransferError> {
    let head = store.head_position();
    let file = File::create(path).map_err(file_error(path))?;
    let mut out = BufWriter::new(file);
    let mut written: Position = 0;
    while written < head {
        let page = store
            .read_all(written + 1, (head - written).min(4096) as usize)
            .await?;
        if page.is_empty() {
            break;
        }
        for event in &page {
            let bytes = event
                .to_canonical_bytes()
                .map_err(|error| StoreError::Corrupt {
                    position: event.position,
                    reason: error.to_string(),
                })?;
            out.write_all(&bytes).map_err(file_error(path))?;
            out.write_all(b"\n").map_err(file_error(path))?;
            written = event.position;
        }
        progress(written);
    }
    out.flush().map_err(file_error(path))?;
    out.get_ref().sync_all().map_err(file_error(path))?;
    Ok(written)
}

/// Reads an export file line by line, handing each event and its line number to `each`.
fn read_export(
    path: &Path,
    mut each: impl FnMut(u64, RecordedEvent) -> Result<(), TransferError>,
) -> Result<(), TransferError> {
    let file = File::open(path).map_err(file_error(path))?;
    let reader = BufReader::new(file);
    for (index, line) in reader.split(b'\n').enumerate() {
        let line_number = index as u64 + 1;
        let line = line.map_err(file_error(path))?;
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let event =
            RecordedEvent::from_bytes(&line).map_err(|error| TransferError::UnreadableLine {
                line: line_number,
                reason: error.to_string(),
            })?;
        each(line_number, event)?;
    }
    Ok(())
}

/// Checks an export file against the hash chain without writing anything.
/// Returns how many events it holds.
///
/// # Errors
/// The first unreadable line or chain break, with its line number.
pub fn check_export(
    path: &Path,
    progress: &mut (dyn FnMut(Position) + Send),
) -> Result<VerifyReport, TransferError> {
    let mut verifier = ChainVerifier::new();
    read_export(path, |line, event| {
        verifier
            .check(&event)
            .map_err(|source| TransferError::BrokenChain { line, source })?;
        if event.position % 4096 == 0 {
            progress(event.position);
        }
        Ok(())
    })?;
    progress(verifier.verified());
    Ok(VerifyReport {
        events: verifier.verified(),
        head_hash: verifier.head_hash(),
    })
}

/// Imports an export file into an empty store: checks the whole file first, then writes it.
/// `progress` is called with the number of events checked, then written.
///
/// # Errors
/// [`TransferError::StoreNotEmpty`], any error of [`check_export`], and store errors.
pub async fn import_log(
    store: &dyn EventStore,
    path: &Path,
    progress: &mut (dyn FnMut(ImportStage, Position) + Send),
) -> Result<VerifyReport, TransferError> {
    let existing = store.head_position();
    if existing > 0 {
        return Err(TransferError::StoreNotEmpty { events: existing });
    }
    let checked = {
        let owned_path = path.to_path_buf();
        let (sender, mut receiver) = tokio::sync::mpsc::unbounded_channel();
        let check = tokio::task::spawn_blocking(move || {
            check_export(&owned_path, &mut |position| {
                let _ = sender.send(position);
            })
        });
        while let Some(position) = receiver.recv().await {
            progress(ImportStage::Checking, position);
        }
        check
            .await
            .map_err(|error| StoreError::Backend(format!("the import check stopped: {error}")))??
    };

    let (sender, mut receiver) = tokio::sync::mpsc::channel::<Vec<RecordedEvent>>(4);
    let owned_path = path.to_path_buf();
    let reader = tokio::task::spawn_blocking(move || {
        let mut batch = Vec::with_capacity(IMPORT_BATCH);
        read_export(&owned_path, |_, event| {
            batch.push(event);
            if batch.len() == IMPORT_BATCH {
                let full = std::mem::replace(&mut batch, Vec::with_capacity(IMPORT_BATCH));
                if sender.blocking_send(full).is_err() {
                    return Err(TransferError::Store(StoreError::Closed));
                }
            }
            Ok(())
        })?;
        if !batch.is_empty() && sender.blocking_send(batch).is_err() {
            return Err(TransferError::Store(StoreError::Closed));
        }
        Ok(())
    });
    while let Some(batch) = receiver.recv().await {
        let last = batch.last().map(|event| event.position).unwrap_or(0);
        store.append_recorded(batch).await?;
        progress(ImportStage::Writing, last);
    }
    reader
        .await
        .map_err(|error| StoreError::Backend(format!("the import reader stopped: {error}")))??;
    Ok(checked)
}

/// Which pass of an import is under way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportStage {
    /// Reading the file and checking its chain.
    Checking,
    /// Writing the checked events.
    Writing,
}
