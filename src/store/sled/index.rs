//! The sled index's layout: how stream and command entries are keyed and encoded, written in
//! bulk, read back, checked, and derived again from the events.
//!
//! | key                                         | value                                        |
//! |---------------------------------------------|----------------------------------------------|
//! | `s` + stream id (16) + chunk number (u64)   | positions of the chunk's versions, 8 bytes each |
//! | `r` + run (u64) + block (u32)               | command outcomes in sorted runs ([`super::command_runs`]) |
//! | `c` + command id (16)                       | a command's outcome, [`OUTCOME_BYTES`], as stores written before runs hold them (read, no longer written) |
//! | `m:indexed_through`                         | the last position the index covers           |
//! | `m:format`                                  | [`INDEX_FORMAT`]                             |
//!
//! A stream's versions are dense (1, 2, 3, ...), so its positions are kept in chunks of
//! [`STREAM_CHUNK`] versions: chunk `n` holds versions `n * 64 + 1` to `n * 64 + 64`, in
//! order. A stream that gains many events between two drains of the indexer costs one write
//! per chunk instead of one per event, and reading a stream reads a chunk at a time.
//!
//! A drain's entries (its stream chunks, its run of commands and the new `m:indexed_through`)
//! are one sled batch, recovered whole or not at all.
//!
//! Every entry is derived from the events, so an index of another layout (or a damaged one)
//! is simply dropped and derived again when the store opens. An index of the layout before
//! runs ([`INDEX_FORMAT_BEFORE_RUNS`]) is kept as it is: its `c` entries stay readable, and
//! new commands go into runs.

use std::collections::BTreeMap;

use uuid::Uuid;

use super::command_runs::CommandRuns;
use super::{backend, position_from_key, records};
use crate::store::backend::{decode_event, OutcomeCollector};
use crate::store::{AppendOutcome, Position, StoreError, StreamVersion};

/// Versions per stream chunk.
pub(super) const STREAM_CHUNK: u64 = 64;
/// Index key of the last position the index covers.
pub(super) const INDEXED_THROUGH_KEY: &[u8] = b"m:indexed_through";
/// Index key of the layout the index is written in.
const FORMAT_KEY: &[u8] = b"m:format";
/// This layout (version 1 kept one entry per event and JSON outcomes; version 2 one `c` key
/// per command). A binary of version 2 opening this layout drops it and derives it again, as
/// it would not see the runs.
const INDEX_FORMAT: &[u8] =
    b"partnerhub-sled-index-3: streams in chunks of 64, commands in sorted runs";
/// The layout before runs: a valid index of this layout as it is (its `c` keys are read).
const INDEX_FORMAT_BEFORE_RUNS: &[u8] =
    b"partnerhub-sled-index-2: streams in chunks of 64, binary outcomes";
/// Bytes of a command outcome in the index: stream id, first and last position, version.
pub(super) const OUTCOME_BYTES: usize = 16 + 8 + 8 + 8;

/// The key of the chunk holding `version` of `stream_id` (versions start at 1).
fn stream_chunk_key(stream_id: Uuid, version: StreamVersion) -> [u8; 25] {
    chunk_key(stream_id, version.saturating_sub(1) / STREAM_CHUNK)
}

fn chunk_key(stream_id: Uuid, chunk: u64) -> [u8; 25] {
    let mut key = [0u8; 25];
    key[0] = b's';
    key[1..17].copy_from_slice(stream_id.as_bytes());
    key[17..].copy_from_slice(&chunk.to_be_bytes());
    key
}

/// The key of a command's outcome.
pub(super) fn command_key(command_id: Uuid) -> [u8; 17] {
    let mut key = [0u8; 17];
    key[0] = b'c';
    key[1..].copy_from_slice(command_id.as_bytes());
    key
}

/// A command's outcome as the index keeps it: fixed-size binary, so that the indexer spends
/// nothing on encoding and sled's pages stay small.
pub(super) fn encode_outcome(outcome: &AppendOutcome) -> [u8; OUTCOME_BYTES] {
    let mut bytes = [0; OUTCOME_BYTES];
    bytes[..16].copy_from_slice(outcome.stream_id.as_bytes());
    bytes[16..24].copy_from_slice(&outcome.first_position.to_be_bytes());
    bytes[24..32].copy_from_slice(&outcome.last_position.to_be_bytes());
    bytes[32..].copy_from_slice(&outcome.stream_version.to_be_bytes());
    bytes
}

pub(super) fn decode_outcome(bytes: &[u8]) -> Option<AppendOutcome> {
    if bytes.len() != OUTCOME_BYTES {
        return None;
    }
    let number = |offset: usize| position_from_key(bytes, offset);
    Some(AppendOutcome {
        stream_id: Uuid::from_slice(bytes.get(..16)?).ok()?,
        first_position: number(16)?,
        last_position: number(24)?,
        stream_version: number(32)?,
        deduplicated: false,
    })
}

/// Reads a command's outcome from the index: from its runs, newest first, else from the `c`
/// key of a store written before runs.
pub(super) fn read_outcome(
    index: &sled::Tree,
    runs: &CommandRuns,
    command_id: Uuid,
) -> Result<Option<AppendOutcome>, StoreError> {
    if let Some(outcome) = runs.lookup(index, command_id)? {
        return Ok(Some(outcome));
    }
    let Some(bytes) = index.get(command_key(command_id)).map_err(backend)? else {
        return Ok(None);
    };
    decode_outcome(&bytes)
        .map(Some)
        .ok_or_else(|| StoreError::Corrupt {
            position: 0,
            reason: format!("the index record of command {command_id} cannot be read"),
        })
}

/// Writes index entries into the sled index, then marks everything through `through`
/// covered, all in one sled batch; the commands become a run in `runs`, and runs are merged
/// if they call for it. The one way entries are written: by the indexer, and when the store
/// derives the index again at open. Each stream's new versions must continue what the index holds for
/// it (they do: entries are written in log order); a chunk that already holds some of them,
/// because a crash came between writing it and moving the mark, is overwritten from there.
///
/// # Errors
/// Sled's, and [`StoreError::Corrupt`] when the index lacks versions before the new ones.
pub(super) fn write_entries<'a>(
    index: &sled::Tree,
    runs: &CommandRuns,
    streams: impl IntoIterator<Item = (Uuid, StreamVersion, Position)>,
    commands: impl IntoIterator<Item = (Uuid, &'a AppendOutcome)>,
    through: Position,
) -> Result<(), StoreError> {
    let mut chunks: BTreeMap<[u8; 25], Vec<(StreamVersion, Position)>> = BTreeMap::new();
    for (stream_id, version, position) in streams {
        chunks
            .entry(stream_chunk_key(stream_id, version))
            .or_default()
            .push((version, position));
    }
    let mut batch = sled::Batch::default();
    for (key, mut entries) in chunks {
        entries.sort_unstable();
        write_chunk(index, &mut batch, key, &entries)?;
    }
    let run = runs.stage(&mut batch, commands);
    batch.insert(INDEXED_THROUGH_KEY, &through.to_be_bytes()[..]);
    index.apply_batch(batch).map_err(backend)?;
    runs.publish(run);
    runs.merge(index)?;
    Ok(())
}

/// Adds `entries` (versions of one chunk, ascending and consecutive) to the chunk at `key`,
/// in `batch`.
fn write_chunk(
    index: &sled::Tree,
    batch: &mut sled::Batch,
    key: [u8; 25],
    entries: &[(StreamVersion, Position)],
) -> Result<(), StoreError> {
    let Some(&(first_version, first_position)) = entries.first() else {
        return Ok(());
    };
    let offset = ((first_version - 1) % STREAM_CHUNK) as usize;
    let mut value = if offset == 0 {
        Vec::with_capacity(entries.len() * 8)
    } else {
        let existing = index.get(key).map_err(backend)?;
        let mut existing = existing.map(|bytes| bytes.to_vec()).unwrap_or_default();
        if existing.len() < offset * 8 {
            return Err(StoreError::Corrupt {
                position: first_position,
                reason: format!(
                    "the stream index lacks versions before version {first_version}; delete the \
                     data directory's `index` folder and start again to derive it anew"
                ),
            });
        }
        existing.truncate(offset * 8);
        existing
    };
    for (_, position) in entries {
        value.extend_from_slice(&position.to_be_bytes());
    }
    batch.insert(&key[..], value);
    Ok(())
}

/// Up to `limit` positions of `stream_id`'s versions from `from_version` (at least 1) on,
/// by version, as the sled index holds them.
pub(super) fn stream_positions(
    index: &sled::Tree,
    stream_id: Uuid,
    from_version: StreamVersion,
    limit: usize,
) -> Result<Vec<(StreamVersion, Position)>, StoreError> {
    let mut found = Vec::new();
    let range = stream_chunk_key(stream_id, from_version)..=chunk_key(stream_id, u64::MAX);
    for item in index.range(range) {
        let (key, value) = item.map_err(backend)?;
        let chunk = position_from_key(&key, 17).unwrap_or(0);
        for (offset, bytes) in value.chunks_exact(8).enumerate() {
            let version = chunk * STREAM_CHUNK + offset as u64 + 1;
            if version < from_version {
                continue;
            }
            if found.len() == limit {
                return Ok(found);
            }
            found.push((version, position_from_key(bytes, 0).unwrap_or(0)));
        }
    }
    Ok(found)
}

/// The last version of `stream_id` the sled index holds (0 for none).
pub(super) fn last_stream_version(
    index: &sled::Tree,
    stream_id: Uuid,
) -> Result<StreamVersion, StoreError> {
    let last = index
        .range(chunk_key(stream_id, 0)..=chunk_key(stream_id, u64::MAX))
        .next_back()
        .transpose()
        .map_err(backend)?;
    Ok(last.map_or(0, |(key, value)| {
        let chunk = position_from_key(&key, 17).unwrap_or(0);
        chunk * STREAM_CHUNK + (value.len() / 8) as u64
    }))
}

/// Checks that every stream entry points at the event of that stream and version; returns
/// how many entries there are.
///
/// # Errors
/// [`StoreError::Corrupt`] at the first inconsistency.
pub(super) fn check_streams(index: &sled::Tree, events: &sled::Tree) -> Result<u64, StoreError> {
    let mut entries = 0u64;
    for item in index.scan_prefix([b's']) {
        let (key, value) = item.map_err(backend)?;
        let stream_id = key
            .get(1..17)
            .and_then(|bytes| Uuid::from_slice(bytes).ok())
            .unwrap_or_default();
        let chunk = position_from_key(&key, 17).unwrap_or(0);
        for (offset, bytes) in value.chunks_exact(8).enumerate() {
            let version = chunk * STREAM_CHUNK + offset as u64 + 1;
            let position = position_from_key(bytes, 0).unwrap_or(0);
            let Some(event) =
                records::read_event(events, position, |bytes| decode_event(position, bytes))?
            else {
                return Err(StoreError::Corrupt {
                    position,
                    reason: format!(
                        "the index of stream {stream_id} version {version} points at a missing event"
                    ),
                });
            };
            if event.stream_id != stream_id || event.stream_version != version {
                return Err(StoreError::Corrupt {
                    position,
                    reason: format!(
                        "the index says stream {stream_id} version {version}, the event says stream {} version {}",
                        event.stream_id, event.stream_version
                    ),
                });
            }
            entries += 1;
        }
    }
    Ok(entries)
}

/// Brings the index up to the log's `head`: an index of another layout is dropped first;
/// then the entries of events after `m:indexed_through` are derived from the events (those
/// a crash lost after their events were flushed, or all of them). Returns the directory of
/// the command runs and every command id in the runs.
///
/// # Errors
/// [`StoreError::Corrupt`] when the index covers more than the log holds (acknowledged events
/// are missing), and read or write failures.
pub(super) fn derive_missing(
    events: &sled::Tree,
    index: &sled::Tree,
    head: Position,
) -> Result<(CommandRuns, Vec<Uuid>), StoreError> {
    let format = index.get(FORMAT_KEY).map_err(backend)?;
    if format.as_deref() == Some(INDEX_FORMAT_BEFORE_RUNS) {
        index.insert(FORMAT_KEY, INDEX_FORMAT).map_err(backend)?;
    } else if format.as_deref() != Some(INDEX_FORMAT) {
        if !index.is_empty() {
            tracing::info!("the index has an older layout: deriving it again from the log");
            index.clear().map_err(backend)?;
        }
        index.insert(FORMAT_KEY, INDEX_FORMAT).map_err(backend)?;
    }
    let indexed_through = index
        .get(INDEXED_THROUGH_KEY)
        .map_err(backend)?
        .and_then(|value| position_from_key(&value, 0))
        .unwrap_or(0);
    if indexed_through > head {
        // The index is written only after its events are flushed, so it is never ahead of
        // an intact log: acknowledged events have been lost from the log's files.
        return Err(StoreError::Corrupt {
            position: head + 1,
            reason: format!(
                "the log ends at position {head} but events up to position {indexed_through} were \
                 acknowledged: the log's files are damaged and acknowledged events are missing; \
                 restore the data directory from a backup (partnerhub refuses to serve a \
                 shortened history)"
            ),
        });
    }
    let mut command_ids = Vec::new();
    let runs = CommandRuns::load(index, |command_id| command_ids.push(command_id))?;
    if indexed_through == head {
        return Ok((runs, command_ids));
    }
    let mut outcomes = OutcomeCollector::default();
    let mut streams = Vec::new();
    records::read_range(events, indexed_through + 1, head, |position, bytes| {
        let event = decode_event(position, bytes)?;
        streams.push((event.stream_id, event.stream_version, position));
        outcomes.add(&event);
        Ok(())
    })?;
    let outcomes = outcomes.finish();
    command_ids.extend(outcomes.iter().map(|(command_id, _)| *command_id));
    write_entries(
        index,
        &runs,
        streams,
        outcomes
            .iter()
            .map(|(command_id, outcome)| (*command_id, outcome)),
        head,
    )?;
    index.flush().map_err(backend)?;
    tracing::info!(
        from = indexed_through + 1,
        to = head,
        "derived the index of the log's tail"
    );
    Ok((runs, command_ids))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temporary_index() -> sled::Tree {
        let db = sled::Config::new().temporary(true).open().unwrap();
        db.open_tree("index").unwrap()
    }

    #[test]
    fn outcomes_round_trip_through_their_bytes() {
        let outcome = AppendOutcome {
            stream_id: Uuid::from_u128(0xfeed),
            first_position: 7,
            last_position: 9,
            stream_version: 3,
            deduplicated: false,
        };
        assert_eq!(decode_outcome(&encode_outcome(&outcome)), Some(outcome));
        assert_eq!(decode_outcome(b"{\"stream_id\":1}"), None);
    }

    #[test]
    fn streams_are_written_in_chunks_and_read_from_any_version() {
        let index = temporary_index();
        let runs = CommandRuns::default();
        let stream = Uuid::from_u128(1);
        let other = Uuid::from_u128(2);
        // 150 versions in three drains that end mid-chunk, interleaved with another stream.
        for (versions, through) in [(1..=40u64, 80), (41..=100, 200), (101..=150, 300)] {
            let entries: Vec<_> = versions
                .flat_map(|version| {
                    [
                        (stream, version, version * 2),
                        (other, version, version * 2 + 1),
                    ]
                })
                .collect();
            write_entries(&index, &runs, entries, [], through).unwrap();
        }
        assert_eq!(
            index.scan_prefix([b's']).count(),
            6,
            "three chunks per stream"
        );
        let all = stream_positions(&index, stream, 1, usize::MAX).unwrap();
        assert_eq!(all.len(), 150);
        assert!(all
            .iter()
            .all(|(version, position)| *position == version * 2));
        assert_eq!(
            stream_positions(&index, stream, 64, 3).unwrap(),
            vec![(64, 128), (65, 130), (66, 132)]
        );
        assert_eq!(stream_positions(&index, stream, 151, 10).unwrap(), vec![]);
        assert_eq!(last_stream_version(&index, stream).unwrap(), 150);
        assert_eq!(last_stream_version(&index, Uuid::from_u128(3)).unwrap(), 0);
    }

    #[test]
    fn a_chunk_written_again_after_a_crash_is_overwritten_not_doubled() {
        let index = temporary_index();
        let runs = CommandRuns::default();
        let stream = Uuid::from_u128(1);
        write_entries(&index, &runs, (1..=10).map(|v| (stream, v, v)), [], 10).unwrap();
        // The same versions again (the mark was lost in a crash), then more.
        write_entries(&index, &runs, (6..=12).map(|v| (stream, v, v)), [], 12).unwrap();
        let all = stream_positions(&index, stream, 1, usize::MAX).unwrap();
        assert_eq!(all, (1..=12).map(|v| (v, v)).collect::<Vec<_>>());
        // A gap before the new versions is damage, not something to paper over.
        let refused = write_entries(&index, &runs, [(stream, 20, 20)], [], 20).unwrap_err();
        assert!(matches!(refused, StoreError::Corrupt { position: 20, .. }));
    }

    #[test]
    fn an_index_written_before_runs_is_kept_and_its_command_keys_read() {
        let db = sled::Config::new().temporary(true).open().unwrap();
        let (events, index) = (
            db.open_tree("events").unwrap(),
            db.open_tree("index").unwrap(),
        );
        let outcome = |position| AppendOutcome {
            stream_id: Uuid::from_u128(5),
            first_position: position,
            last_position: position,
            stream_version: position,
            deduplicated: false,
        };
        index.insert(FORMAT_KEY, INDEX_FORMAT_BEFORE_RUNS).unwrap();
        index
            .insert(
                command_key(Uuid::from_u128(1)),
                &encode_outcome(&outcome(1))[..],
            )
            .unwrap();
        index
            .insert(
                command_key(Uuid::from_u128(2)),
                &encode_outcome(&outcome(2))[..],
            )
            .unwrap();
        index
            .insert(INDEXED_THROUGH_KEY, &0u64.to_be_bytes())
            .unwrap();
        let (runs, ids) = derive_missing(&events, &index, 0).unwrap();
        assert!(ids.is_empty(), "no runs yet");
        assert_eq!(
            index.get(FORMAT_KEY).unwrap().as_deref(),
            Some(INDEX_FORMAT)
        );
        assert_eq!(
            read_outcome(&index, &runs, Uuid::from_u128(1)).unwrap(),
            Some(outcome(1))
        );
        // A command continued after the upgrade: its run's outcome wins over its old key.
        let continued = AppendOutcome {
            last_position: 3,
            ..outcome(2)
        };
        write_entries(&index, &runs, [], [(Uuid::from_u128(2), &continued)], 0).unwrap();
        assert_eq!(
            read_outcome(&index, &runs, Uuid::from_u128(2)).unwrap(),
            Some(continued)
        );
        assert_eq!(
            read_outcome(&index, &runs, Uuid::from_u128(3)).unwrap(),
            None
        );
    }

    #[test]
    fn an_index_of_another_layout_is_derived_again() {
        let db = sled::Config::new().temporary(true).open().unwrap();
        let (events, index) = (
            db.open_tree("events").unwrap(),
            db.open_tree("index").unwrap(),
        );
        index.insert(b"s-old-entry", b"x").unwrap();
        index
            .insert(INDEXED_THROUGH_KEY, &5u64.to_be_bytes())
            .unwrap();
        derive_missing(&events, &index, 0).unwrap();
        assert!(index.get(b"s-old-entry").unwrap().is_none());
        assert_eq!(
            index.get(FORMAT_KEY).unwrap().as_deref(),
            Some(INDEX_FORMAT)
        );
    }
}
