//! Soak baselines: the soak's events written into other embedded stores, to measure whether
//! one of them would keep the store's promise at a lower space amplification.
//!
//! The soak found sled at about 3.1x disk per logical byte. To tell what is sled's and what is
//! partnerhub's layout, the exact events of the same run (read back from the sled store, byte
//! for byte) are written again, in log order, into three stores with the layout the sled store
//! has: the log (position → canonical bytes), the stream index (stream id + version →
//! position) and the command index (command id → outcome JSON):
//!
//! - `sled-batched`: raw sled with the store's two databases, the log flushed per batch and the
//!   index written after it without a flush, as the store does; only the batching differs.
//! - `redb`: one file, three tables, log and index entries in one write transaction per batch
//!   (`Durability::Immediate`: the commit returns after its `fsync`s).
//! - `fjall`: one keyspace, partitions `log`, `streams` and `commands`, one atomic batch per
//!   batch committed with `PersistMode::SyncAll`.
//!
//! A batch is whole commands until it holds at least `batch_events` events, so no append is
//! split across commits. Each store is sampled like the soak (disk against logical bytes),
//! closed, reopened and checked to hold every event, then removed before the next one runs,
//! so only one store is on disk at a time.
//!
//! [`crash_check`] is the abrupt-stop check: a child process (`partnerhub-bench soak-crash-child`)
//! appends fsync'd batches to redb or fjall and prints each acknowledged position; it is
//! killed with `SIGKILL`, and the store reopened must hold every acknowledged event with its
//! index entry, with no hole and no partial batch.

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use rand::Rng;
use redb::{ReadableTable, ReadableTableMetadata, TableDefinition};
use serde::Serialize;
use uuid::Uuid;

use super::soak::{directory_bytes, SoakSample};
use super::{BenchError, Scratch};
use partnerhub::store::{AppendOutcome, Position};

const REDB_EVENTS: TableDefinition<u64, &[u8]> = TableDefinition::new("events");
const REDB_STREAMS: TableDefinition<&[u8], u64> = TableDefinition::new("streams");
const REDB_COMMANDS: TableDefinition<&[u8], &[u8]> = TableDefinition::new("commands");
/// The sled store's index key of the last position the index covers.
const INDEXED_THROUGH_KEY: &[u8] = b"m:indexed_through";

/// One event of the soak as the stores keep it.
#[derive(Debug, Clone)]
pub(crate) struct SoakEvent {
    /// Its position in the log.
    pub(crate) position: Position,
    /// Its stream.
    pub(crate) stream_id: Uuid,
    /// Its version in the stream.
    pub(crate) stream_version: u64,
    /// The command that appended it.
    pub(crate) command_id: Uuid,
    /// Its canonical stored bytes.
    pub(crate) bytes: Vec<u8>,
}

/// The stores measured beside sled's own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, strum::EnumString, strum::Display)]
#[strum(serialize_all = "kebab-case")]
pub enum AlternativeStore {
    /// Raw sled, the store's layout, fixed batches.
    SledBatched,
    /// redb 2: copy-on-write B-tree in one file.
    Redb,
    /// fjall 2: LSM tree with a write-ahead journal.
    Fjall,
}

impl AlternativeStore {
    /// The stores run after the soak, in order.
    pub const ALL: [AlternativeStore; 3] = [
        AlternativeStore::SledBatched,
        AlternativeStore::Redb,
        AlternativeStore::Fjall,
    ];

    /// The name in samples (static for [`SoakSample::store`]).
    pub fn label(self) -> &'static str {
        match self {
            AlternativeStore::SledBatched => "sled-batched",
            AlternativeStore::Redb => "redb",
            AlternativeStore::Fjall => "fjall",
        }
    }

    /// (log bytes, index bytes) on disk, where the store keeps them apart (0 where not:
    /// redb keeps all tables in one file, counted as log).
    fn part_bytes(self, directory: &Path) -> Result<(u64, u64), BenchError> {
        Ok(match self {
            AlternativeStore::SledBatched => (
                directory_bytes(&directory.join("log"))?.0,
                directory_bytes(&directory.join("index"))?.0,
            ),
            AlternativeStore::Redb => (directory_bytes(directory)?.0, 0),
            AlternativeStore::Fjall => {
                let partitions = directory.join("partitions");
                (
                    directory_bytes(&partitions.join("log"))?.0,
                    directory_bytes(&partitions.join("streams"))?.0
                        + directory_bytes(&partitions.join("commands"))?.0,
                )
            }
        })
    }
}

fn stream_key(stream_id: Uuid, version: u64) -> [u8; 24] {
    let mut key = [0u8; 24];
    key[..16].copy_from_slice(stream_id.as_bytes());
    key[16..].copy_from_slice(&version.to_be_bytes());
    key
}

/// An open alternative store.
enum OpenStore {
    SledBatched { log: sled::Db, index: sled::Db },
    Redb(redb::Database),
    Fjall(FjallStore),
}

struct FjallStore {
    keyspace: fjall::Keyspace,
    log: fjall::PartitionHandle,
    streams: fjall::PartitionHandle,
    commands: fjall::PartitionHandle,
}

fn redb_error(error: impl Into<redb::Error>) -> BenchError {
    BenchError::Setup(format!("redb: {}", error.into()))
}

fn fjall_error(error: fjall::Error) -> BenchError {
    BenchError::Setup(format!("fjall: {error}"))
}

impl OpenStore {
    fn open(kind: AlternativeStore, directory: &Path) -> Result<OpenStore, BenchError> {
        std::fs::create_dir_all(directory)?;
        Ok(match kind {
            AlternativeStore::SledBatched => {
                let open = |name: &str| {
                    sled::Config::new()
                        .path(directory.join(name))
                        .mode(sled::Mode::HighThroughput)
                        .open()
                };
                OpenStore::SledBatched {
                    log: open("log")?,
                    index: open("index")?,
                }
            }
            AlternativeStore::Redb => {
                let database =
                    redb::Database::create(directory.join("store.redb")).map_err(redb_error)?;
                let transaction = database.begin_write().map_err(redb_error)?;
                transaction.open_table(REDB_EVENTS).map_err(redb_error)?;
                transaction.open_table(REDB_STREAMS).map_err(redb_error)?;
                transaction.open_table(REDB_COMMANDS).map_err(redb_error)?;
                transaction.commit().map_err(redb_error)?;
                OpenStore::Redb(database)
            }
            AlternativeStore::Fjall => {
                let keyspace = fjall::Config::new(directory).open().map_err(fjall_error)?;
                let partition = |name: &str| {
                    keyspace
                        .open_partition(name, fjall::PartitionCreateOptions::default())
                        .map_err(fjall_error)
                };
                OpenStore::Fjall(FjallStore {
                    log: partition("log")?,
                    streams: partition("streams")?,
                    commands: partition("commands")?,
                    keyspace,
                })
            }
        })
    }

    /// Writes one batch durably: returns once the store says it survives a crash.
    fn write_batch(
        &self,
        events: &[SoakEvent],
        commands: &[(Uuid, Vec<u8>)],
    ) -> Result<(), BenchError> {
        match self {
            OpenStore::SledBatched { log, index } => {
                let mut batch = sled::Batch::default();
                for event in events {
                    batch.insert(&event.position.to_be_bytes(), event.bytes.as_slice());
                }
                log.apply_batch(batch)?;
                log.flush()?;
                for event in events {
                    let mut key = vec![b's'];
                    key.extend_from_slice(&stream_key(event.stream_id, event.stream_version));
                    index.insert(key, &event.position.to_be_bytes())?;
                }
                for (command_id, outcome) in commands {
                    let mut key = vec![b'c'];
                    key.extend_from_slice(command_id.as_bytes());
                    index.insert(key, outcome.as_slice())?;
                }
                if let Some(last) = events.last() {
                    index.insert(INDEXED_THROUGH_KEY, &last.position.to_be_bytes())?;
                }
            }
            OpenStore::Redb(database) => {
                let transaction = database.begin_write().map_err(redb_error)?;
                {
                    let mut log = transaction.open_table(REDB_EVENTS).map_err(redb_error)?;
                    let mut streams = transaction.open_table(REDB_STREAMS).map_err(redb_error)?;
                    let mut outcomes = transaction.open_table(REDB_COMMANDS).map_err(redb_error)?;
                    for event in events {
                        log.insert(event.position, event.bytes.as_slice())
                            .map_err(redb_error)?;
                        streams
                            .insert(
                                &stream_key(event.stream_id, event.stream_version)[..],
                                event.position,
                            )
                            .map_err(redb_error)?;
                    }
                    for (command_id, outcome) in commands {
                        outcomes
                            .insert(&command_id.as_bytes()[..], outcome.as_slice())
                            .map_err(redb_error)?;
                    }
                }
                transaction.commit().map_err(redb_error)?;
            }
            OpenStore::Fjall(store) => {
                let mut batch = store
                    .keyspace
                    .batch()
                    .durability(Some(fjall::PersistMode::SyncAll));
                for event in events {
                    batch.insert(
                        &store.log,
                        event.position.to_be_bytes(),
                        event.bytes.as_slice(),
                    );
                    batch.insert(
                        &store.streams,
                        stream_key(event.stream_id, event.stream_version),
                        event.position.to_be_bytes(),
                    );
                }
                for (command_id, outcome) in commands {
                    batch.insert(&store.commands, command_id.as_bytes(), outcome.as_slice());
                }
                batch.commit().map_err(fjall_error)?;
            }
        }
        Ok(())
    }

    /// Events in the log and the last position (they are equal when the log has no hole).
    fn log_extent(&self) -> Result<(u64, Position), BenchError> {
        Ok(match self {
            OpenStore::SledBatched { log, .. } => {
                let last = log
                    .last()?
                    .and_then(|(key, _)| key.as_ref().try_into().ok().map(u64::from_be_bytes))
                    .unwrap_or(0);
                (log.len() as u64, last)
            }
            OpenStore::Redb(database) => {
                let transaction = database.begin_read().map_err(redb_error)?;
                let log = transaction.open_table(REDB_EVENTS).map_err(redb_error)?;
                let last = log
                    .last()
                    .map_err(redb_error)?
                    .map_or(0, |(key, _)| key.value());
                (log.len().map_err(redb_error)?, last)
            }
            OpenStore::Fjall(store) => {
                let last = store
                    .log
                    .last_key_value()
                    .map_err(fjall_error)?
                    .and_then(|(key, _)| key.as_ref().try_into().ok().map(u64::from_be_bytes))
                    .unwrap_or(0);
                (store.log.len().map_err(fjall_error)? as u64, last)
            }
        })
    }

    /// The stored bytes of a position and the position its stream index entry names.
    fn lookup(
        &self,
        position: Position,
        stream_id: Uuid,
        stream_version: u64,
    ) -> Result<(Option<Vec<u8>>, Option<Position>), BenchError> {
        let key = stream_key(stream_id, stream_version);
        Ok(match self {
            OpenStore::SledBatched { log, index } => {
                let mut index_key = vec![b's'];
                index_key.extend_from_slice(&key);
                (
                    log.get(position.to_be_bytes())?.map(|value| value.to_vec()),
                    index
                        .get(index_key)?
                        .and_then(|value| value.as_ref().try_into().ok().map(u64::from_be_bytes)),
                )
            }
            OpenStore::Redb(database) => {
                let transaction = database.begin_read().map_err(redb_error)?;
                let log = transaction.open_table(REDB_EVENTS).map_err(redb_error)?;
                let streams = transaction.open_table(REDB_STREAMS).map_err(redb_error)?;
                (
                    log.get(position)
                        .map_err(redb_error)?
                        .map(|value| value.value().to_vec()),
                    streams
                        .get(&key[..])
                        .map_err(redb_error)?
                        .map(|value| value.value()),
                )
            }
            OpenStore::Fjall(store) => (
                store
                    .log
                    .get(position.to_be_bytes())
                    .map_err(fjall_error)?
                    .map(|value| value.to_vec()),
                store
                    .streams
                    .get(key)
                    .map_err(fjall_error)?
                    .and_then(|value| value.as_ref().try_into().ok().map(u64::from_be_bytes)),
            ),
        })
    }

    /// Flushes what the store flushes on a clean close, and closes it.
    fn close(self) -> Result<(), BenchError> {
        match self {
            OpenStore::SledBatched { log, index } => {
                log.flush()?;
                index.flush()?;
            }
            OpenStore::Redb(database) => drop(database),
            OpenStore::Fjall(store) => {
                store
                    .keyspace
                    .persist(fjall::PersistMode::SyncAll)
                    .map_err(fjall_error)?;
                drop(store);
            }
        }
        Ok(())
    }
}

/// The outcomes of a batch's commands: (command id, the outcome's JSON).
type CommandOutcomes = Vec<(Uuid, Vec<u8>)>;

/// Splits the events into batches of whole commands of at least `batch_events` events each
/// (the last may be smaller), with each command's outcome as the sled store encodes it.
fn batches(
    events: &[SoakEvent],
    batch_events: usize,
) -> Result<Vec<(&[SoakEvent], CommandOutcomes)>, BenchError> {
    let mut result = Vec::new();
    let mut start = 0;
    let mut commands = Vec::new();
    let mut index = 0;
    while index < events.len() {
        let first = &events[index];
        let mut end = index + 1;
        while end < events.len() && events[end].command_id == first.command_id {
            end += 1;
        }
        let last = &events[end - 1];
        let outcome = AppendOutcome {
            stream_id: first.stream_id,
            first_position: first.position,
            last_position: last.position,
            stream_version: last.stream_version,
            deduplicated: false,
        };
        let bytes = serde_json::to_vec(&outcome)
            .map_err(|error| BenchError::Setup(format!("an outcome cannot be encoded: {error}")))?;
        commands.push((first.command_id, bytes));
        index = end;
        if index - start >= batch_events || index == events.len() {
            result.push((&events[start..index], std::mem::take(&mut commands)));
            start = index;
        }
    }
    Ok(result)
}

/// Writes `events` into a new store of `kind` under `parent` in durable batches, sampling
/// every `every` events and after reopening; returns the sample after reopening.
pub(crate) fn soak_alternative(
    kind: AlternativeStore,
    parent: &Path,
    events: &[SoakEvent],
    batch_events: usize,
    every: u64,
    report: &mut (dyn FnMut(&SoakSample) + Send),
) -> Result<SoakSample, BenchError> {
    let scratch = Scratch::new(parent, kind.label())?;
    let directory = scratch.0.join("store");
    let store = OpenStore::open(kind, &directory)?;
    let sample = |stage: &'static str, count: u64, logical: u64, rate: f64| {
        let (log, index) = kind.part_bytes(&directory)?;
        SoakSample::measure(
            kind.label(),
            &directory,
            stage,
            count,
            logical,
            (log, index),
            rate,
        )
    };
    let mut writing = Duration::ZERO;
    let mut written = 0u64;
    let mut logical = 0u64;
    let mut next_report = every.max(1);
    for (batch, commands) in batches(events, batch_events)? {
        let started = Instant::now();
        store.write_batch(batch, &commands)?;
        writing += started.elapsed();
        written += batch.len() as u64;
        logical += batch
            .iter()
            .map(|event| event.bytes.len() as u64)
            .sum::<u64>();
        if written >= next_report || written == events.len() as u64 {
            let rate = written as f64 / writing.as_secs_f64().max(1e-9);
            report(&sample("appending", written, logical, rate)?);
            next_report = (written / every.max(1) + 1) * every.max(1);
        }
    }
    let rate = written as f64 / writing.as_secs_f64().max(1e-9);
    store.close()?;

    let reopened = OpenStore::open(kind, &directory)?;
    let (count, last) = reopened.log_extent()?;
    if count != written || last != events.last().map_or(0, |event| event.position) {
        return Err(BenchError::Setup(format!(
            "{}: the reopened store holds {count} events up to position {last}, {written} were written",
            kind.label()
        )));
    }
    if let Some(event) = events.last() {
        let (bytes, indexed) =
            reopened.lookup(event.position, event.stream_id, event.stream_version)?;
        if bytes.as_deref() != Some(event.bytes.as_slice()) || indexed != Some(event.position) {
            return Err(BenchError::Setup(format!(
                "{}: the last event or its stream entry is not as written after reopening",
                kind.label()
            )));
        }
    }
    reopened.close()?;
    let last_sample = sample("reopened", written, logical, rate)?;
    report(&last_sample);
    Ok(last_sample)
}

/// Streams of the crash check's synthetic events (position p is in stream (p - 1) % 8).
const CRASH_STREAMS: u64 = 8;

/// The synthetic event at `position` of the crash check: its stream, version, command and
/// bytes (a deterministic body of about the soak's mean size, so a damaged copy is seen).
fn crash_event(position: Position) -> SoakEvent {
    let stream = (position - 1) % CRASH_STREAMS;
    let stream_id = Uuid::from_u64_pair(0x7061_7274, stream);
    let mut bytes = format!("{{\"position\":{position},\"body\":\"").into_bytes();
    let digest = blake3::hash(&position.to_be_bytes()).to_hex();
    while bytes.len() < 740 {
        bytes.extend_from_slice(digest.as_bytes());
    }
    bytes.extend_from_slice(b"\"}");
    SoakEvent {
        position,
        stream_id,
        stream_version: (position - 1) / CRASH_STREAMS + 1,
        command_id: Uuid::from_u64_pair(0x636d64, position),
        bytes,
    }
}

/// The child of [`crash_check`]: opens `kind` in `directory`, appends fsync'd batches of
/// `batch_events` synthetic events after the last one it finds, and prints `acked <position>`
/// after each commit returns, until it is killed or has appended `limit` events.
///
/// # Errors
/// Store and output failures.
pub fn crash_child(
    kind: AlternativeStore,
    directory: &Path,
    batch_events: usize,
    limit: u64,
) -> Result<(), BenchError> {
    let store = OpenStore::open(kind, directory)?;
    let (_, mut head) = store.log_extent()?;
    let stop = head + limit;
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "opened {head}")?;
    stdout.flush()?;
    while head < stop {
        let events: Vec<SoakEvent> = (head + 1..=head + batch_events.max(1) as u64)
            .map(crash_event)
            .collect();
        let commands: CommandOutcomes = events
            .iter()
            .map(|event| (event.command_id, event.position.to_be_bytes().to_vec()))
            .collect();
        store.write_batch(&events, &commands)?;
        head += events.len() as u64;
        writeln!(stdout, "acked {head}")?;
        stdout.flush()?;
    }
    store.close()
}

/// What the abrupt-stop check found for one store.
#[derive(Debug, Clone, Serialize)]
pub struct CrashCheckResult {
    /// Always `soak-crash`.
    pub scenario: &'static str,
    /// The store.
    pub store: &'static str,
    /// Kills (each followed by a reopen and a check).
    pub kills: usize,
    /// Events per fsync'd batch.
    pub batch_events: usize,
    /// The last position acknowledged to the parent before the last kill.
    pub acknowledged: Position,
    /// Events found after the last reopen (may exceed `acknowledged`: a batch durable but
    /// not yet reported).
    pub found: Position,
    /// Acknowledged events missing or damaged, over all kills (must be 0).
    pub lost: u64,
    /// Kills after which the log had a hole, a partial batch or a missing index entry
    /// (must be 0).
    pub inconsistent: usize,
}

/// Kills a child appending to `kind` with `SIGKILL` `kills` times at random moments (each
/// after it has acknowledged a random number of batches) and checks the store after each.
///
/// # Errors
/// Store, process and i/o failures; a lost event is a finding, not an error.
pub fn crash_check(
    kind: AlternativeStore,
    parent: &Path,
    kills: usize,
    batch_events: usize,
) -> Result<CrashCheckResult, BenchError> {
    let scratch = Scratch::new(parent, &format!("crash-{}", kind.label()))?;
    let directory = scratch.0.join("store");
    let executable = std::env::current_exe()?;
    let mut random = rand::thread_rng();
    let mut acknowledged: Position = 0;
    let mut found: Position = 0;
    let mut lost = 0u64;
    let mut inconsistent = 0usize;
    for _ in 0..kills {
        let mut child = Command::new(&executable)
            .arg("--data")
            .arg(&scratch.0)
            .args(["soak-crash-child", "--engine", kind.label()])
            .arg("--directory")
            .arg(&directory)
            .args(["--batch", &batch_events.to_string()])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()?;
        let stdout = child
            .stdout
            .take()
            .ok_or_else(|| BenchError::Setup("the crash child has no standard output".into()))?;
        let wanted = random.gen_range(5..60u32);
        let mut acks = 0u32;
        let mut lines = BufReader::new(stdout).lines();
        for line in lines.by_ref() {
            let line = line?;
            if let Some(position) = line.strip_prefix("acked ") {
                acknowledged = position.trim().parse().map_err(|error| {
                    BenchError::Setup(format!("the crash child printed {line:?}: {error}"))
                })?;
                acks += 1;
                if acks >= wanted {
                    break;
                }
            }
        }
        // Keep reading, so the child goes on appending (not stopped by a broken pipe) until
        // the kill.
        let drain = std::thread::spawn(move || lines.for_each(drop));
        if acks == 0 {
            let status = child.wait()?;
            return Err(BenchError::Setup(format!(
                "the crash child for {} acknowledged nothing ({status})",
                kind.label()
            )));
        }
        // Let it run into the middle of a later batch before the kill.
        std::thread::sleep(Duration::from_micros(random.gen_range(0..20_000)));
        child.kill()?;
        let status = child.wait()?;
        let _ = drain.join();
        {
            use std::os::unix::process::ExitStatusExt;
            if status.signal() != Some(9) {
                return Err(BenchError::Setup(format!(
                    "the crash child for {} ended before the kill ({status})",
                    kind.label()
                )));
            }
        }

        let store = OpenStore::open(kind, &directory)?;
        let (count, last) = store.log_extent()?;
        found = last;
        let mut damaged = count != last || last % batch_events as u64 != 0;
        for position in 1..=acknowledged.max(last) {
            let event = crash_event(position);
            let (bytes, indexed) = store.lookup(position, event.stream_id, event.stream_version)?;
            let intact = bytes.as_deref() == Some(event.bytes.as_slice());
            if position <= acknowledged && !intact {
                lost += 1;
            }
            if bytes.is_some() && (!intact || indexed != Some(position)) {
                damaged = true;
            }
        }
        inconsistent += usize::from(damaged);
        store.close()?;
    }
    Ok(CrashCheckResult {
        scenario: "soak-crash",
        store: kind.label(),
        kills,
        batch_events,
        acknowledged,
        found,
        lost,
        inconsistent,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Synthetic events where every third command appends two events.
    fn events(count: u64) -> Vec<SoakEvent> {
        let mut events: Vec<SoakEvent> = (1..=count).map(crash_event).collect();
        for position in (2..=count).step_by(3) {
            let previous = events[position as usize - 2].command_id;
            events[position as usize - 1].command_id = previous;
        }
        events
    }

    #[test]
    fn batches_keep_commands_whole_and_cover_every_event() -> Result<(), BenchError> {
        let events = events(1000);
        let batches = batches(&events, 10)?;
        let mut next = 1;
        for (batch, commands) in &batches {
            assert_eq!(batch[0].position, next);
            next = batch[batch.len() - 1].position + 1;
            let distinct: std::collections::HashSet<Uuid> =
                batch.iter().map(|event| event.command_id).collect();
            assert_eq!(commands.len(), distinct.len());
        }
        assert_eq!(next, 1001);
        for pair in batches.windows(2) {
            assert!(pair[0].0.len() >= 10);
            assert_ne!(
                pair[0].0[pair[0].0.len() - 1].command_id,
                pair[1].0[0].command_id
            );
        }
        Ok(())
    }

    #[test]
    fn every_store_holds_every_event_after_reopening() -> Result<(), BenchError> {
        let parent = tempfile::tempdir()?;
        let events = events(700);
        for kind in AlternativeStore::ALL {
            let mut samples = Vec::new();
            let last = soak_alternative(kind, parent.path(), &events, 64, 300, &mut |sample| {
                samples.push(sample.clone())
            })?;
            assert_eq!(last.stage, "reopened");
            assert_eq!(last.events, 700);
            assert_eq!(
                last.logical_bytes,
                events
                    .iter()
                    .map(|event| event.bytes.len() as u64)
                    .sum::<u64>()
            );
            assert!(last.disk_bytes > 0);
            assert_eq!(
                samples.len(),
                4,
                "{kind}: three while appending, one reopened"
            );
        }
        Ok(())
    }
}
