//! Moving a whole log from one backend to another (sled to PostgreSQL, or back).
//!
//! A migration is an import that reads from a store instead of a file: it copies the log in
//! batches through [`EventStore::append_recorded`], so the destination checks every batch
//! against its hash chain as it goes and keeps positions, times and hashes unchanged, and it
//! writes only into an empty destination, like [`transfer::import_log`]. Afterwards it walks
//! the destination with [`transfer::verify_log`] and compares its head with the source's, so
//! a migration that returns `Ok` has produced the same log, hash for hash.

use super::transfer::{self, TransferError, VerifyError, VerifyReport};
use super::{ChainBreak, EventStore, Position, StoreError};

/// How many events a migration reads and writes at a time.
const MIGRATE_BATCH: usize = 1024;

/// Copies every event of `from` (up to its head when the migration starts) into the empty
/// store `to`, then verifies `to`. Stop writers to `from` first: later appends are not copied.
///
/// `progress` is called with the number of events copied so far, then, while the
/// destination is verified, with the number of events verified so far.
///
/// # Returns
/// The destination's verification: its number of events and head hash (those of the source).
///
/// # Errors
/// [`TransferError::StoreNotEmpty`] when `to` already holds events (nothing is written), and
/// the store errors of either side: [`StoreError::DoesNotContinue`] when a batch does not
/// continue the destination's chain, [`StoreError::Corrupt`] when the destination does not
/// verify or its head differs from the source's.
pub async fn migrate_store(
    from: &dyn EventStore,
    to: &dyn EventStore,
    progress: &mut (dyn FnMut(Position) + Send),
) -> Result<VerifyReport, TransferError> {
    let existing = to.head_position();
    if existing > 0 {
        return Err(TransferError::StoreNotEmpty { events: existing });
    }
    let head = from.head_position();
    let page = |next: Position| (head + 1 - next).min(MIGRATE_BATCH as u64) as usize;
    let mut batch = if head > 0 {
        from.read_all(1, page(1)).await?
    } else {
        Vec::new()
    };
    let mut copied: Position = 0;
    while let Some(last) = batch.last().map(|event| event.position) {
        if last > head {
            return Err(StoreError::Corrupt {
                position: last,
                reason: format!("the source handed out an event beyond its head {head}"),
            }
            .into());
        }
        // Read the next batch while the destination writes this one.
        let next = async {
            if last < head {
                from.read_all(last + 1, page(last + 1)).await
            } else {
                Ok(Vec::new())
            }
        };
        let (written, next) = tokio::join!(to.append_recorded(batch), next);
        written?;
        copied = last;
        progress(copied);
        batch = next?;
    }
    if copied != head {
        return Err(StoreError::Corrupt {
            position: copied + 1,
            reason: format!("the source's head is {head} but reading stopped after {copied}"),
        }
        .into());
    }

    let report = transfer::verify_log(to, progress)
        .await
        .map_err(|error| match error {
            VerifyError::Store(error) => TransferError::Store(error),
            VerifyError::Broken(chain_break) => TransferError::Store(StoreError::Corrupt {
                position: break_position(&chain_break),
                reason: format!("the migrated log does not verify: {chain_break}"),
            }),
        })?;
    let source_head_hash = match head {
        0 => super::EventHash::GENESIS,
        _ => from
            .read_all(head, 1)
            .await?
            .first()
            .map(|event| event.hash)
            .ok_or_else(|| StoreError::Corrupt {
                position: head,
                reason: "the source's last event cannot be read again".into(),
            })?,
    };
    if report.events != head || report.head_hash != source_head_hash {
        return Err(StoreError::Corrupt {
            position: report.events,
            reason: format!(
                "the destination ends at {} with hash {}, the source at {head} with hash {}",
                report.events, report.head_hash, source_head_hash
            ),
        }
        .into());
    }
    Ok(report)
}

/// Where a chain break is.
fn break_position(chain_break: &ChainBreak) -> Position {
    match chain_break {
        ChainBreak::PositionOutOfOrder { expected, .. } => *expected,
        ChainBreak::BrokenLink { position, .. }
        | ChainBreak::ContentChanged { position, .. }
        | ChainBreak::StreamVersionOutOfOrder { position, .. }
        | ChainBreak::TimeWentBackwards { position, .. }
        | ChainBreak::Unencodable { position, .. } => *position,
    }
}
