//! The timeline index: every workspace's timeline kept in the store
//! ([`EventStore::save_timeline`]), so that the live views hold only the entries after what it
//! holds, and a start neither decodes nor folds the million entries of a long log.
//!
//! A timeline entry is written once, when its event is folded, and read a page at a time, by
//! entity: the index is derived data like a checkpoint, and trusted like one only once it is
//! checked. Its mark names its format, the code that folded it
//! ([`CODE_VERSION`](super::checkpoint::CODE_VERSION)), the position it holds every entry up to,
//! and the hash of the log's event there; each entry carries the BLAKE3 hash of its bytes.
//! At a start, [`open`] checks the mark against the log: a mark of another format, other code,
//! or another log (a position the log does not reach, or another event there) empties the
//! index, and the views record every entry again from the log. An entry whose bytes do not
//! match their hash is never shown: reading it fails.
//!
//! Entries reach the index off the hot path, in batches: the checkpointer
//! ([`super::checkpoint::write`]) saves the entries the views hold up to the checkpoint's
//! position, moves the mark, and only then do the views forget them
//! ([`super::Projections::forget_timeline_through`]). A reader takes the entries in memory
//! and the position the index holds up to at once, under the views' lock, then the index's
//! entries up to that position ([`about`]): each entry is read once, from one place.
//!
//! What entries hold is what the log holds: no personal data (contact persons are named in
//! sentences by role, see [`crate::domain::describe`]), actors of anonymous acts under their
//! sealed names ([`crate::sealing`]); what a reader may see of them is decided when they are
//! read, by [`super::timeline::seen_by`] through [`crate::visibility`].

use std::borrow::Cow;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::checkpoint::CODE_VERSION;
use super::timeline::{BoardSecrecy, TimelineEntries, TimelineEntry};
use crate::domain::describe::Sentence;
use crate::domain::DomainEvent;
use crate::store::{EventHash, EventStore, Position, StoreError, TimelineIndexEntry};
use crate::visibility::BoardEventKind;

/// The layout of the index's entries and mark; another is emptied. 2: the sled store keeps
/// its entries as runs of a workspace's consecutive entries (`store::sled::timeline`), not
/// one key each; the PostgreSQL store's layout did not change, its index is recorded again
/// once all the same.
pub const FORMAT: u32 = 2;
/// How many entries one [`EventStore::save_timeline`] call takes.
const BATCH: usize = 20_000;

/// What the index holds: every entry up to `position`, of the log whose event there has
/// `hash`, folded by `code` in `format`.
#[derive(Debug, PartialEq, Eq, Serialize, Deserialize)]
struct Mark {
    format: u32,
    code: String,
    position: Position,
    hash: EventHash,
}

/// A timeline entry's board secrecy as the index keeps it.
#[derive(Serialize, Deserialize)]
struct KeptSecrecy {
    board_id: Uuid,
    note_id: Option<Uuid>,
    kind: BoardEventKind,
}

/// A timeline entry as the index keeps it (the entry's own serialization leaves its secrecy
/// out, which is right for answers and wrong here): position, time recorded (in nanoseconds
/// since 1970), actor, event type, the sentence's variant and words, entity ids, secrecy.
#[derive(Serialize, Deserialize)]
struct KeptEntry(
    Position,
    i64,
    String,
    String,
    u8,
    String,
    Vec<Uuid>,
    Option<KeptSecrecy>,
);

impl KeptEntry {
    fn of(entry: &TimelineEntry) -> Self {
        let (variant, words) = entry.sentence.parts();
        KeptEntry(
            entry.position,
            entry.recorded_at.timestamp_nanos_opt().unwrap_or(i64::MAX),
            entry.actor.to_string(),
            entry.event_type.to_string(),
            variant,
            words.to_owned(),
            entry.entity_ids.clone(),
            entry.board_secrecy.as_ref().map(|secrecy| KeptSecrecy {
                board_id: secrecy.board_id,
                note_id: secrecy.note_id,
                kind: secrecy.kind,
            }),
        )
    }

    fn into_entry(self) -> TimelineEntry {
        let KeptEntry(position, nanos, actor, event_type, variant, words, entity_ids, secrecy) =
            self;
        // The type's name as the code has it (no copy per entry), when it is one it knows.
        let event_type = <DomainEvent as strum::VariantNames>::VARIANTS
            .iter()
            .find(|name| **name == event_type)
            .map_or(Cow::Owned(event_type), |name| Cow::Borrowed(*name));
        TimelineEntry {
            position,
            recorded_at: DateTime::<Utc>::from_timestamp_nanos(nanos),
            actor: Arc::from(actor),
            event_type,
            sentence: Sentence::from_parts(variant, words),
            entity_ids,
            board_secrecy: secrecy.map(|secrecy| {
                Box::new(BoardSecrecy {
                    board_id: secrecy.board_id,
                    note_id: secrecy.note_id,
                    kind: secrecy.kind,
                })
            }),
        }
    }
}

/// An entry's stored bytes: the BLAKE3 hash of its JSON, then the JSON.
fn encode_entry(entry: &TimelineEntry) -> Result<Vec<u8>, serde_json::Error> {
    let json = serde_json::to_vec(&KeptEntry::of(entry))?;
    let mut bytes = Vec::with_capacity(32 + json.len());
    bytes.extend_from_slice(blake3::hash(&json).as_bytes());
    bytes.extend_from_slice(&json);
    Ok(bytes)
}

/// The entry stored at `position` as `bytes`, checked.
fn decode_entry(position: Position, bytes: &[u8]) -> Result<TimelineEntry, StoreError> {
    let damaged = |reason: String| StoreError::Corrupt {
        position,
        reason: format!("the timeline index's entry {reason}"),
    };
    if bytes.len() < 32 || blake3::hash(&bytes[32..]).as_bytes() != &bytes[..32] {
        return Err(damaged("does not match its hash".into()));
    }
    let entry = serde_json::from_slice::<KeptEntry>(&bytes[32..])
        .map_err(|error| damaged(format!("cannot be decoded: {error}")))?
        .into_entry();
    if entry.position != position {
        return Err(damaged(format!("claims position {}", entry.position)));
    }
    Ok(entry)
}

/// The hash of the log's event at `position`.
pub(super) async fn hash_at(
    store: &dyn EventStore,
    position: Position,
) -> Result<Option<EventHash>, StoreError> {
    Ok(store
        .read_all(position, 1)
        .await?
        .into_iter()
        .find(|event| event.position == position)
        .map(|event| event.hash))
}

/// Checks the store's timeline index against this build and this log, and empties it when it
/// does not match (with a warning).
///
/// # Returns
/// The position it holds every entry up to (0 when empty).
///
/// # Errors
/// Store errors.
pub async fn open(store: &dyn EventStore) -> Result<Position, StoreError> {
    let Some(bytes) = store.timeline_mark().await? else {
        return Ok(0);
    };
    let why_not = match serde_json::from_slice::<Mark>(&bytes) {
        Err(error) => Some(format!("its mark cannot be decoded: {error}")),
        Ok(mark) if mark.format != FORMAT => Some(format!(
            "it is of format {}, this server reads format {FORMAT}",
            mark.format
        )),
        Ok(mark) if mark.code != CODE_VERSION => Some(format!(
            "it was folded by other code ({}), this server's fold is {CODE_VERSION}",
            mark.code
        )),
        Ok(mark) => match hash_at(store, mark.position).await? {
            Some(in_log) if in_log == mark.hash => return Ok(mark.position),
            Some(in_log) => Some(format!(
                "the log's event at position {} has hash {in_log}, the index's {}",
                mark.position, mark.hash
            )),
            None => Some(format!(
                "it holds entries up to position {}, but the log ends at {}",
                mark.position,
                store.head_position()
            )),
        },
    };
    if let Some(reason) = why_not {
        tracing::warn!(%reason, "emptied the timeline index; the views record it again from the log");
        store.clear_timeline().await?;
    }
    Ok(0)
}

/// Saves `timelines` (each workspace's entries the views hold, all at or before `position`)
/// into the index and moves its mark to `position`, whose event has `hash`.
///
/// # Errors
/// Store errors, and a failure to encode (as [`StoreError::Backend`]).
pub(super) async fn save(
    store: &dyn EventStore,
    timelines: Vec<(Uuid, TimelineEntries)>,
    position: Position,
    hash: EventHash,
) -> Result<(), StoreError> {
    let encoding = |error: serde_json::Error| {
        StoreError::Backend(format!("cannot encode a timeline entry: {error}"))
    };
    // The entries are encoded in batches on a thread of lower CPU priority
    // ([`crate::background`]) while the batch before is saved; the last goes with the mark.
    let (batches, mut encoded) = tokio::sync::mpsc::channel(1);
    let encoder = crate::background::run_lowered("partnerhub-timeline", move || {
        let mut batch = Vec::with_capacity(BATCH);
        for (workspace_id, entries) in timelines {
            for entry in entries.iter() {
                batch.push(TimelineIndexEntry {
                    workspace_id,
                    position: entry.position,
                    entity_ids: entry.entity_ids.clone(),
                    bytes: encode_entry(entry)?,
                });
                if batch.len() == BATCH
                    && batches.blocking_send(std::mem::take(&mut batch)).is_err()
                {
                    // The saving side gave up (a store error): nothing more to encode.
                    return Ok(());
                }
            }
        }
        let _ = batches.blocking_send(batch);
        Ok(())
    });
    let mut last = Vec::new();
    while let Some(batch) = encoded.recv().await {
        let before = std::mem::replace(&mut last, batch);
        if !before.is_empty() {
            store.save_timeline(before, None).await?;
        }
    }
    encoder
        .await
        .map_err(|error| StoreError::Backend(format!("encoding timeline entries failed: {error}")))?
        .map_err(encoding)?;
    let batch = last;
    let mark = serde_json::to_vec(&Mark {
        format: FORMAT,
        code: CODE_VERSION.to_owned(),
        position,
        hash,
    })
    .map_err(encoding)?;
    store.save_timeline(batch, Some(mark)).await
}

/// Every entry of workspace `workspace_id`'s timeline about `entity_id` (the workspace's id
/// gives all) at or before `up_to`, oldest first: the index's up to `stored_through`, then
/// `in_memory` (the views' entries after `stored_through`, taken with it under their lock).
///
/// # Errors
/// Store errors; [`StoreError::Corrupt`] for a damaged entry.
pub async fn about(
    store: &dyn EventStore,
    workspace_id: Uuid,
    entity_id: Uuid,
    stored_through: Position,
    up_to: Position,
    in_memory: Vec<TimelineEntry>,
) -> Result<Vec<TimelineEntry>, StoreError> {
    let mut entries = Vec::new();
    let stored_up_to = stored_through.min(up_to);
    if stored_up_to > 0 {
        let entity = (entity_id != workspace_id).then_some(entity_id);
        for (position, bytes) in store
            .read_timeline(workspace_id, entity, stored_up_to)
            .await?
        {
            entries.push(decode_entry(position, &bytes)?);
        }
    }
    entries.extend(
        in_memory
            .into_iter()
            .filter(|entry| entry.position > stored_through && entry.position <= up_to),
    );
    Ok(entries)
}

/// Every entry of workspace `workspace_id`'s live timeline about `entity_id` (the workspace's
/// id gives all), from the index and the views.
///
/// # Returns
/// `None` when the views hold no such workspace.
///
/// # Errors
/// As [`about`].
pub async fn live_about(
    store: &dyn EventStore,
    projections: &super::Projections,
    workspace_id: Uuid,
    entity_id: Uuid,
) -> Result<Option<Vec<TimelineEntry>>, StoreError> {
    let Some((stored_through, in_memory)) = projections.read(workspace_id, |view| {
        (
            view.timeline.stored_through(),
            view.timeline
                .entries_about(entity_id)
                .cloned()
                .collect::<Vec<_>>(),
        )
    }) else {
        return Ok(None);
    };
    about(
        store,
        workspace_id,
        entity_id,
        stored_through,
        Position::MAX,
        in_memory,
    )
    .await
    .map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An entry about a board note, with two entities and a sentence of several words.
    fn entry() -> TimelineEntry {
        TimelineEntry {
            position: 42,
            recorded_at: DateTime::<Utc>::from_timestamp_nanos(1_796_000_000_123_456_789),
            actor: Arc::from("anna@roskilde"),
            event_type: Cow::Borrowed("NoteAdded"),
            sentence: Sentence::from_parts(3, "Musik\u{1f}idé \"1\"\u{1f}".to_owned()),
            entity_ids: vec![Uuid::from_u128(1), Uuid::from_u128(2)],
            board_secrecy: Some(Box::new(BoardSecrecy {
                board_id: Uuid::from_u128(1),
                note_id: Some(Uuid::from_u128(2)),
                kind: BoardEventKind::NoteAdded,
            })),
        }
    }

    #[test]
    fn an_entry_reads_back_whole_and_a_changed_byte_or_position_is_refused() {
        let entry = entry();
        let bytes = encode_entry(&entry).expect("encodes");
        assert_eq!(&bytes[..32], blake3::hash(&bytes[32..]).as_bytes());
        assert_eq!(decode_entry(42, &bytes).expect("reads back"), entry);
        let mut damaged = bytes.clone();
        let last = damaged.len() - 2;
        damaged[last] ^= 1;
        assert!(decode_entry(42, &damaged).is_err(), "a changed byte");
        assert!(decode_entry(43, &bytes).is_err(), "another position");
        assert!(decode_entry(42, &bytes[..20]).is_err(), "cut short");
    }
}
