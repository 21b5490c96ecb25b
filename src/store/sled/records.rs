//! How events sit in the sled log tree: records of one or more consecutive events, each under
//! the position of its first event, and the one way they are packed, found and read back.
//!
//! | the value starts with | it holds                                                        |
//! |-----------------------|-----------------------------------------------------------------|
//! | `{`                   | one event's canonical bytes (the only kind `partnerhub-sled-log-2` wrote) |
//! | [`GROUP_TAG`] (0)     | several events: for each, its length (u32, big-endian), then its canonical bytes |
//!
//! **Why records.** A group commit of 128 events used to be 128 sled inserts, and sled splits
//! a leaf every 16 entries: at 256 writers, inserting was 40 % of the writer's time
//! (BENCHMARKS.md, scenario 1). Packing a group's appends into records of about
//! [`RECORD_TARGET_BYTES`] makes that a handful of inserts. Records stay small because sled
//! rewrites a whole leaf (up to 17 records) every few inserts and writes a leaf above about
//! 128 KiB as a separate blob file.
//!
//! **Atomic appends.** An append (or the events of one command in an import) is one record,
//! and one sled insert is recovered whole or not at all, so a crash keeps or loses each
//! append whole. Only an append larger than a record (more than about six events of a
//! typical size, or a generated history's thousand) is split into several, written together as one sled batch, which
//! is atomic too but stops every other sled write in the process while it applies.
//!
//! A lone append is a record of one event, stored exactly as before, so stores written
//! one event per key are valid records as they are.

use sled::IVec;

use super::{backend, event_key, position_from_key};
use crate::store::{Position, StoreError};

/// Marks a record of several events (a lone event's canonical JSON starts with `{`).
const GROUP_TAG: u8 = 0;
/// Size at which a record takes no further append.
const RECORD_TARGET_BYTES: usize = 4096;

/// A record's sled key (its first position) and value.
type Record = ([u8; 8], Vec<u8>);

/// How records are written so that every append is recovered whole or not at all.
#[derive(Debug, PartialEq, Eq)]
enum RecordWrite {
    /// One record, holding whole appends: a plain insert.
    Alone(Record),
    /// The records of one append too large for a record: one sled batch.
    Together(Vec<Record>),
}

/// Packs a group's appends into records, in log order.
#[derive(Debug, Default)]
pub(super) struct RecordPacker {
    finished: Vec<RecordWrite>,
    /// The record being filled: its first position, its events' bytes and their total size.
    open: Option<(Position, Vec<Vec<u8>>, usize)>,
}

impl RecordPacker {
    /// Adds the events of one append, which start at `first_position` and follow what was
    /// added before; they go into one record.
    pub(super) fn add_append(&mut self, first_position: Position, encoded: Vec<Vec<u8>>) {
        let size: usize = encoded.iter().map(|bytes| bytes.len() + 4).sum();
        if size > RECORD_TARGET_BYTES && encoded.len() > 1 {
            self.close();
            self.finished
                .push(RecordWrite::Together(split_append(first_position, encoded)));
            return;
        }
        if let Some((_, _, open_size)) = &self.open {
            if open_size + size > RECORD_TARGET_BYTES {
                self.close();
            }
        }
        match &mut self.open {
            Some((_, events, open_size)) => {
                events.extend(encoded);
                *open_size += size;
            }
            None => self.open = Some((first_position, encoded, size)),
        }
    }

    fn close(&mut self) {
        if let Some((first_position, events, _)) = self.open.take() {
            self.finished.push(RecordWrite::Alone((
                event_key(first_position),
                encode_record(events),
            )));
        }
    }

    /// The records, in log order, each append's in one write.
    fn finish(mut self) -> Vec<RecordWrite> {
        self.close();
        self.finished
    }
}

/// Writes a group's records so that sled recovers each append whole or not at all: a plain
/// insert per record, one batch for the records of an append too large for a record.
///
/// # Errors
/// Sled's; the records before the failing one may be written (not yet flushed).
pub(super) fn write(tree: &sled::Tree, packer: RecordPacker) -> Result<(), sled::Error> {
    for write in packer.finish() {
        match write {
            RecordWrite::Alone((key, value)) => {
                tree.insert(key, value)?;
            }
            RecordWrite::Together(records) => {
                let mut batch = sled::Batch::default();
                for (key, value) in records {
                    batch.insert(&key, value);
                }
                tree.apply_batch(batch)?;
            }
        }
    }
    Ok(())
}

/// The events of one large append as records of about [`RECORD_TARGET_BYTES`] (at least one
/// event each).
fn split_append(first_position: Position, encoded: Vec<Vec<u8>>) -> Vec<Record> {
    let mut records = Vec::new();
    let mut events: Vec<Vec<u8>> = Vec::new();
    let (mut start, mut size) = (first_position, 0);
    for (offset, bytes) in encoded.into_iter().enumerate() {
        if !events.is_empty() && size + bytes.len() + 4 > RECORD_TARGET_BYTES {
            let full = std::mem::take(&mut events);
            records.push((event_key(start), encode_record(full)));
            (start, size) = (first_position + offset as u64, 0);
        }
        size += bytes.len() + 4;
        events.push(bytes);
    }
    if !events.is_empty() {
        records.push((event_key(start), encode_record(events)));
    }
    records
}

/// A record's value: a lone event as its bytes, several behind [`GROUP_TAG`].
fn encode_record(mut events: Vec<Vec<u8>>) -> Vec<u8> {
    if events.len() == 1 {
        if let Some(bytes) = events.pop() {
            return bytes;
        }
    }
    let size: usize = events.iter().map(|bytes| bytes.len() + 4).sum();
    let mut value = Vec::with_capacity(1 + size);
    value.push(GROUP_TAG);
    for bytes in events {
        // An event is far below 4 GiB: the server caps a request's size.
        value.extend_from_slice(&(bytes.len() as u32).to_be_bytes());
        value.extend_from_slice(&bytes);
    }
    value
}

/// The events of the record at `first_position`, with their positions.
///
/// # Errors
/// [`StoreError::Corrupt`] when a group record is cut short.
pub(super) fn record_events(
    first_position: Position,
    value: &[u8],
) -> Result<Vec<(Position, &[u8])>, StoreError> {
    let Some((&GROUP_TAG, mut rest)) = value.split_first() else {
        return Ok(vec![(first_position, value)]);
    };
    let mut events = Vec::new();
    while !rest.is_empty() {
        let position = first_position + events.len() as u64;
        let cut_short = || StoreError::Corrupt {
            position,
            reason: format!("the record at position {first_position} is cut short"),
        };
        let length_bytes: [u8; 4] = rest
            .get(..4)
            .and_then(|bytes| bytes.try_into().ok())
            .ok_or_else(cut_short)?;
        let length = u32::from_be_bytes(length_bytes) as usize;
        let bytes = rest.get(4..4 + length).ok_or_else(cut_short)?;
        events.push((position, bytes));
        rest = &rest[4 + length..];
    }
    Ok(events)
}

/// The record holding `position`: the last one that starts at or before it.
fn record_at(
    tree: &sled::Tree,
    position: Position,
) -> Result<Option<(Position, IVec)>, StoreError> {
    let found = tree
        .range(..=event_key(position))
        .next_back()
        .transpose()
        .map_err(backend)?;
    Ok(found.map(|(key, value)| (position_from_key(&key, 0).unwrap_or(0), value)))
}

/// Calls `visit` with the bytes of the event at `position`; `None` when there is none.
///
/// # Errors
/// [`StoreError::Corrupt`] for a damaged record, and `visit`'s.
pub(super) fn read_event<T>(
    tree: &sled::Tree,
    position: Position,
    visit: impl FnOnce(&[u8]) -> Result<T, StoreError>,
) -> Result<Option<T>, StoreError> {
    // An event that starts its record (a lone append's, say) is found by its key, the others
    // by the record before them.
    let record = match tree.get(event_key(position)).map_err(backend)? {
        Some(value) => Some((position, value)),
        None => record_at(tree, position)?,
    };
    let Some((first_position, value)) = record else {
        return Ok(None);
    };
    let events = record_events(first_position, &value)?;
    match events.into_iter().find(|(at, _)| *at == position) {
        Some((_, bytes)) => visit(bytes).map(Some),
        None => Ok(None),
    }
}

/// Calls `visit` with the position and bytes of every event from `from` to `last`, in order.
///
/// # Errors
/// [`StoreError::Corrupt`] naming the first missing position, when a position in the range has
/// no event, or a record is damaged; and `visit`'s.
pub(super) fn read_range(
    tree: &sled::Tree,
    from: Position,
    last: Position,
    mut visit: impl FnMut(Position, &[u8]) -> Result<(), StoreError>,
) -> Result<(), StoreError> {
    if from > last {
        return Ok(());
    }
    let start = record_at(tree, from)?.map_or(from, |(first_position, _)| first_position);
    let mut expected = from;
    for item in tree.range(event_key(start)..=event_key(last)) {
        let (key, value) = item.map_err(backend)?;
        let first_position = position_from_key(&key, 0).unwrap_or(0);
        if first_position > expected {
            // No record holds `expected`.
            break;
        }
        // A record's events are consecutive: past those already seen, each is the next.
        for (position, bytes) in record_events(first_position, &value)? {
            if position < expected {
                continue;
            }
            if position > last {
                return Ok(());
            }
            visit(position, bytes)?;
            expected += 1;
        }
    }
    if expected != last + 1 {
        return Err(StoreError::Corrupt {
            position: expected,
            reason: "the event at this position is missing".into(),
        });
    }
    Ok(())
}

/// Calls `visit` with the position and bytes of the log's last event; `None` for an empty log.
///
/// # Errors
/// [`StoreError::Corrupt`] for a damaged record, and `visit`'s.
pub(super) fn read_last<T>(
    tree: &sled::Tree,
    visit: impl FnOnce(Position, &[u8]) -> Result<T, StoreError>,
) -> Result<Option<T>, StoreError> {
    let Some((key, value)) = tree.last().map_err(backend)? else {
        return Ok(None);
    };
    let first_position = position_from_key(&key, 0).unwrap_or(0);
    match record_events(first_position, &value)?.last() {
        Some((position, bytes)) => visit(*position, bytes).map(Some),
        None => Err(StoreError::Corrupt {
            position: first_position,
            reason: "the log's last record holds no event".into(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(position: Position, size: usize) -> Vec<u8> {
        let mut bytes = format!("{{\"position\":{position}").into_bytes();
        bytes.resize(size.max(bytes.len() + 1) - 1, b' ');
        bytes.push(b'}');
        bytes
    }

    fn temporary_tree() -> sled::Tree {
        let db = sled::Config::new().temporary(true).open().unwrap();
        db.open_tree("events").unwrap()
    }

    /// Writes appends of the given sizes (in events) from `first` on, as one group; returns
    /// the last position.
    fn write_group(tree: &sled::Tree, first: Position, appends: &[usize], size: usize) -> Position {
        let mut packer = RecordPacker::default();
        let mut next = first;
        for &count in appends {
            let encoded = (next..next + count as u64)
                .map(|at| event(at, size))
                .collect();
            packer.add_append(next, encoded);
            next += count as u64;
        }
        write(tree, packer).unwrap();
        next - 1
    }

    fn all_events(tree: &sled::Tree, from: Position, last: Position) -> Vec<Position> {
        let mut seen = Vec::new();
        read_range(tree, from, last, |position, bytes| {
            assert_eq!(bytes, &event(position, bytes.len())[..]);
            seen.push(position);
            Ok(())
        })
        .unwrap();
        seen
    }

    #[test]
    fn a_lone_event_is_stored_as_its_bytes() {
        let mut packer = RecordPacker::default();
        packer.add_append(7, vec![event(7, 300)]);
        assert_eq!(
            packer.finish(),
            vec![RecordWrite::Alone((event_key(7), event(7, 300)))]
        );
    }

    #[test]
    fn appends_are_packed_into_records_without_ever_being_split() {
        let tree = temporary_tree();
        // 40 appends of 1 to 5 events of 300 bytes: about 13 events per record.
        let appends: Vec<usize> = (0..40).map(|index| index % 5 + 1).collect();
        let head = write_group(&tree, 1, &appends, 300);
        assert_eq!(head, 120);
        assert!(tree.len() < 15, "{} records for 120 events", tree.len());
        // Every record starts where an append starts.
        let mut append_starts = vec![1u64];
        for &count in &appends {
            append_starts.push(append_starts.last().unwrap() + count as u64);
        }
        for key in tree.iter().keys() {
            let first = position_from_key(&key.unwrap(), 0).unwrap();
            assert!(append_starts.contains(&first), "a record starts at {first}");
        }
        assert_eq!(all_events(&tree, 1, 120), (1..=120).collect::<Vec<_>>());
        assert_eq!(all_events(&tree, 57, 61), (57..=61).collect::<Vec<_>>());
        for position in [1, 2, 13, 14, 119, 120] {
            let found = read_event(&tree, position, |bytes| Ok(bytes.to_vec())).unwrap();
            assert_eq!(found, Some(event(position, 300)));
        }
        assert_eq!(read_event(&tree, 121, |_| Ok(())).unwrap(), None);
        assert_eq!(read_last(&tree, |at, _| Ok(at)).unwrap(), Some(120));
    }

    #[test]
    fn an_append_larger_than_a_record_is_split_into_records_written_together() {
        let mut packer = RecordPacker::default();
        packer.add_append(1, vec![event(1, 300)]);
        packer.add_append(2, (2..32).map(|at| event(at, 300)).collect());
        packer.add_append(32, vec![event(32, 300)]);
        let writes = packer.finish();
        assert_eq!(writes.len(), 3);
        let RecordWrite::Together(split) = &writes[1] else {
            panic!("the large append is one batch: {writes:?}");
        };
        // 13 events of 304 bytes fill a record.
        let firsts: Vec<[u8; 8]> = split.iter().map(|(key, _)| *key).collect();
        assert_eq!(firsts, vec![event_key(2), event_key(15), event_key(28)]);

        let tree = temporary_tree();
        write_group(&tree, 1, &[1, 30, 1], 300);
        let firsts: Vec<u64> = tree
            .iter()
            .keys()
            .map(|key| position_from_key(&key.unwrap(), 0).unwrap())
            .collect();
        assert_eq!(firsts, vec![1, 2, 15, 28, 32]);
        assert_eq!(all_events(&tree, 1, 32), (1..=32).collect::<Vec<_>>());
    }

    #[test]
    fn records_of_one_event_per_key_read_as_before() {
        let tree = temporary_tree();
        for position in 1..=5 {
            tree.insert(event_key(position), event(position, 200))
                .unwrap();
        }
        write_group(&tree, 6, &[3, 3], 200);
        assert_eq!(all_events(&tree, 1, 11), (1..=11).collect::<Vec<_>>());
        assert_eq!(all_events(&tree, 4, 7), (4..=7).collect::<Vec<_>>());
    }

    #[test]
    fn a_missing_or_damaged_record_is_named() {
        let tree = temporary_tree();
        for first in [1, 5, 9] {
            write_group(&tree, first, &[4], 300);
        }
        tree.remove(event_key(5)).unwrap();
        let missing = read_range(&tree, 1, 12, |_, _| Ok(())).unwrap_err();
        assert!(
            matches!(missing, StoreError::Corrupt { position: 5, .. }),
            "{missing}"
        );

        let mut value = tree.get(event_key(9)).unwrap().unwrap().to_vec();
        value.truncate(value.len() - 10);
        tree.insert(event_key(9), value).unwrap();
        let cut = read_event(&tree, 12, |_| Ok(())).unwrap_err();
        assert!(matches!(cut, StoreError::Corrupt { .. }), "{cut}");
    }

    /// Each write's positions: from the first event of its first record to the last event of
    /// its last.
    fn write_span(write: &RecordWrite) -> (Position, Position) {
        let records = match write {
            RecordWrite::Alone(record) => std::slice::from_ref(record),
            RecordWrite::Together(records) => records.as_slice(),
        };
        let positions: Vec<Position> = records
            .iter()
            .flat_map(|(key, value)| {
                let first = position_from_key(key, 0).unwrap();
                record_events(first, value)
                    .unwrap()
                    .into_iter()
                    .map(|(position, _)| position)
                    .collect::<Vec<_>>()
            })
            .collect();
        (positions[0], positions[positions.len() - 1])
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig {
            cases: 64,
            ..proptest::prelude::ProptestConfig::default()
        })]

        /// Whatever the appends' sizes, each append lies inside one write (one record, or one
        /// batch of records), and any range reads back every event whole and in order.
        #[test]
        fn any_group_reads_back_whole_and_in_order_with_no_append_split(
            appends in proptest::collection::vec((1usize..8, 40usize..1500), 1..40),
            from_offset in 0u64..1000,
            length in 1u64..400,
        ) {
            let mut sizes = vec![0];
            let mut spans = Vec::new();
            let (mut inspected, mut written) = (RecordPacker::default(), RecordPacker::default());
            for &(count, size) in &appends {
                let first = sizes.len() as u64;
                let encoded: Vec<Vec<u8>> =
                    (first..first + count as u64).map(|at| event(at, size)).collect();
                inspected.add_append(first, encoded.clone());
                written.add_append(first, encoded);
                sizes.extend(std::iter::repeat_n(size, count));
                spans.push((first, first + count as u64 - 1));
            }
            let write_spans: Vec<_> = inspected.finish().iter().map(write_span).collect();
            for (first, last) in spans {
                let write = write_spans
                    .iter()
                    .find(|(start, end)| (*start..=*end).contains(&first))
                    .unwrap();
                proptest::prop_assert!(write.1 >= last, "append {first}..={last} split at {write:?}");
            }

            let tree = temporary_tree();
            write(&tree, written).unwrap();
            let head = sizes.len() as u64 - 1;
            let from = 1 + from_offset % head;
            let last = head.min(from + length - 1);
            let mut read = Vec::new();
            read_range(&tree, from, last, |position, bytes| {
                assert_eq!(bytes, &event(position, sizes[position as usize])[..]);
                read.push(position);
                Ok(())
            })
            .unwrap();
            proptest::prop_assert_eq!(read, (from..=last).collect::<Vec<_>>());
            let position = from + length % (last - from + 1);
            let found = read_event(&tree, position, |bytes| Ok(bytes.len())).unwrap();
            proptest::prop_assert_eq!(found, Some(event(position, sizes[position as usize]).len()));
        }

        /// Any value decodes to its events or to a clear error, never a panic.
        #[test]
        fn any_bytes_behind_the_group_tag_decode_or_are_refused(
            bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..300),
        ) {
            let mut value = vec![GROUP_TAG];
            value.extend(bytes);
            match record_events(1, &value) {
                Ok(events) => {
                    let framed: usize = events.iter().map(|(_, bytes)| bytes.len() + 4).sum();
                    proptest::prop_assert_eq!(framed, value.len() - 1);
                }
                Err(error) => {
                    let corrupt = matches!(error, StoreError::Corrupt { .. });
                    proptest::prop_assert!(corrupt, "{}", error);
                }
            }
        }
    }
}
