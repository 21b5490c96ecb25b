//! Soak: how much disk the sled store takes for the events it holds, over a long run.
//!
//! sled 0.34 has open reports of heavy space amplification (its log-structured pages are
//! rewritten and old segments reclaimed lazily), and a library's history only grows. This
//! scenario appends a realistic history (the generator of the rebuild scenario, one
//! workspace per writer, each activity one durable append, as commands arrive) and at regular
//! intervals compares the bytes the data directory takes on disk with the logical bytes of
//! the events it holds (their canonical stored form, what an export writes). It then closes
//! the store, opens it again (sled reclaims and compacts on open) and measures once more. The
//! baseline is the logical size itself: an append-only file of the same events (an export)
//! takes exactly that, so the ratio is the store's amplification.
//!
//! The same events are then written into other embedded stores in the same run
//! ([`super::soak_alternatives`]: raw sled, redb and fjall in fixed durable batches), so the
//! figures of a switch are measured beside the store's own.

use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Instant;

use serde::Serialize;
use uuid::Uuid;

use super::history::History;
use super::soak_alternatives::{soak_alternative, AlternativeStore, SoakEvent};
use super::{BenchError, Scratch};
use partnerhub::store::{
    envelope, AppendRequest, CommandContext, EventStore, ExpectedVersion, Position, SledEventStore,
};

/// Concurrent writers (one workspace each), so group commit works as on a busy server.
const WRITERS: usize = 32;

/// One measurement of the soak.
#[derive(Debug, Clone, Serialize)]
pub struct SoakSample {
    /// Always `soak`.
    pub scenario: &'static str,
    /// The store measured: `sled` (partnerhub's store, group commit as it comes), or a
    /// baseline written in fixed durable batches: `sled-batched`, `redb`, `fjall`.
    pub store: &'static str,
    /// When it was taken: `appending`, or `reopened` after a close and a new open.
    pub stage: &'static str,
    /// Events in the log.
    pub events: Position,
    /// Bytes of the events in their canonical stored form (an export's size, less newlines).
    pub logical_bytes: u64,
    /// Bytes the data directory takes on disk (allocated blocks).
    pub disk_bytes: u64,
    /// Apparent size of the files of the data directory (sparse files count in full).
    pub apparent_bytes: u64,
    /// Of `disk_bytes`, the event log (sled: `log/`; fjall: the `log` partition; redb: the
    /// whole file, which holds the index too).
    pub log_disk_bytes: u64,
    /// Of `disk_bytes`, the stream and command index (sled: `index/`; fjall: the `streams`
    /// and `commands` partitions; redb: 0, in the one file).
    pub index_disk_bytes: u64,
    /// `disk_bytes` / `logical_bytes`.
    pub amplification: f64,
    /// Events appended per second so far (durable before acknowledged; for the baselines,
    /// over the time spent in their writes).
    pub events_per_s: f64,
}

impl SoakSample {
    /// Measures the store in `directory` whose log and index take `parts` bytes on disk.
    pub(crate) fn measure(
        store: &'static str,
        directory: &Path,
        stage: &'static str,
        events: Position,
        logical_bytes: u64,
        parts: (u64, u64),
        events_per_s: f64,
    ) -> Result<SoakSample, BenchError> {
        let (disk_bytes, apparent_bytes) = directory_bytes(directory)?;
        Ok(SoakSample {
            scenario: "soak",
            store,
            stage,
            events,
            logical_bytes,
            disk_bytes,
            apparent_bytes,
            log_disk_bytes: parts.0,
            index_disk_bytes: parts.1,
            amplification: if logical_bytes == 0 {
                0.0
            } else {
                disk_bytes as f64 / logical_bytes as f64
            },
            events_per_s,
        })
    }
}

/// Bytes a directory takes: (allocated on disk, apparent), recursively.
pub(crate) fn directory_bytes(path: &Path) -> std::io::Result<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    let mut allocated = 0;
    let mut apparent = 0;
    if !path.exists() {
        return Ok((0, 0));
    }
    for entry in std::fs::read_dir(path)? {
        let entry = entry?;
        let metadata = entry.metadata()?;
        if metadata.is_dir() {
            let (inner_allocated, inner_apparent) = directory_bytes(&entry.path())?;
            allocated += inner_allocated;
            apparent += inner_apparent;
        } else {
            allocated += metadata.blocks() * 512;
            apparent += metadata.len();
        }
    }
    Ok((allocated, apparent))
}

/// Adds the canonical sizes of the events after `counted` up to the head to `logical`.
async fn count_logical(
    store: &dyn EventStore,
    counted: &mut Position,
    logical: &mut u64,
) -> Result<(), BenchError> {
    let head = store.head_position();
    while *counted < head {
        let page = store.read_all(*counted + 1, 4096).await?;
        if page.is_empty() {
            break;
        }
        for event in &page {
            let bytes = event.to_canonical_bytes().map_err(|error| {
                BenchError::Setup(format!("an event cannot be encoded: {error}"))
            })?;
            *logical += bytes.len() as u64;
            *counted = event.position;
        }
    }
    Ok(())
}

fn sample(
    data: &Path,
    stage: &'static str,
    events: Position,
    logical_bytes: u64,
    events_per_s: f64,
) -> Result<SoakSample, BenchError> {
    let (log_disk_bytes, _) = directory_bytes(&data.join("log"))?;
    let (index_disk_bytes, _) = directory_bytes(&data.join("index"))?;
    SoakSample::measure(
        "sled",
        data,
        stage,
        events,
        logical_bytes,
        (log_disk_bytes, index_disk_bytes),
        events_per_s,
    )
}

/// Every event of the store, in log order, as the baselines write them.
async fn read_events(store: &dyn EventStore) -> Result<Vec<SoakEvent>, BenchError> {
    let head = store.head_position();
    let mut events = Vec::with_capacity(head as usize);
    let mut next: Position = 1;
    while next <= head {
        let page = store.read_all(next, 4096).await?;
        if page.is_empty() {
            break;
        }
        for event in page {
            let bytes = event.to_canonical_bytes().map_err(|error| {
                BenchError::Setup(format!("an event cannot be encoded: {error}"))
            })?;
            next = event.position + 1;
            events.push(SoakEvent {
                position: event.position,
                stream_id: event.stream_id,
                stream_version: event.stream_version,
                command_id: event.metadata.command_id,
                bytes,
            });
        }
    }
    Ok(events)
}

/// One writer: its own workspace's history, one durable append per activity, until `total`
/// events have been claimed by all writers together.
async fn writer(
    store: Arc<SledEventStore>,
    seed: u64,
    claimed: Arc<AtomicU64>,
    total: u64,
) -> Result<(), BenchError> {
    let workspace_id = Uuid::new_v4();
    let mut history = History::new(seed);
    let mut pending = history.opening(&format!("Soak {seed}"));
    let mut version = 0u64;
    loop {
        if pending.is_empty() {
            history.next_activity(&mut pending);
            continue;
        }
        let activity = std::mem::take(&mut pending);
        let count = activity.len() as u64;
        if claimed.fetch_add(count, Ordering::SeqCst) >= total {
            return Ok(());
        }
        let mut events = Vec::with_capacity(activity.len());
        for event in activity {
            events.push(envelope::new_event(&event)?);
        }
        let command_id = Uuid::new_v4();
        let outcome = store
            .append(AppendRequest {
                stream_id: workspace_id,
                expected_version: if version == 0 {
                    ExpectedVersion::NoStream
                } else {
                    ExpectedVersion::Exact(version)
                },
                context: CommandContext {
                    workspace_id,
                    actor: format!("writer{seed}@bibliotek"),
                    command_id,
                    correlation_id: command_id,
                    happened_at: None,
                },
                events,
            })
            .await?;
        version = outcome.stream_version;
    }
}

/// Appends about `events` events to a scratch store under `data`, reporting a sample every
/// `every` events and one after reopening; then writes the same events into each baseline
/// store in durable batches of at least `batch_events` events (whole commands), sampled the
/// same way. Scratch stores are removed as soon as they are measured. Returns the sled
/// store's sample after reopening and the mean events per durable flush of its group commit.
///
/// # Errors
/// Store, file and task failures.
pub async fn soak(
    data: &Path,
    events: u64,
    every: u64,
    batch_events: usize,
    report: &mut (dyn FnMut(&SoakSample) + Send),
) -> Result<(SoakSample, f64), BenchError> {
    let scratch = Scratch::new(data, "soak")?;
    let directory = scratch.0.join("store");
    let store = Arc::new(SledEventStore::open(&directory)?);
    let claimed = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let mut writers = Vec::with_capacity(WRITERS);
    for seed in 0..WRITERS as u64 {
        writers.push(tokio::spawn(writer(
            store.clone(),
            seed + 1,
            claimed.clone(),
            events,
        )));
    }
    let mut counted: Position = 0;
    let mut logical = 0u64;
    let mut next_report = every.max(1);
    let mut reported: Position = 0;
    while writers.iter().any(|writer| !writer.is_finished()) {
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        if store.head_position() >= next_report {
            count_logical(store.as_ref(), &mut counted, &mut logical).await?;
            let rate = counted as f64 / started.elapsed().as_secs_f64();
            report(&sample(&directory, "appending", counted, logical, rate)?);
            reported = counted;
            next_report = (counted / every.max(1) + 1) * every.max(1);
        }
    }
    for writer in writers {
        writer.await??;
    }
    count_logical(store.as_ref(), &mut counted, &mut logical).await?;
    let rate = counted as f64 / started.elapsed().as_secs_f64();
    if reported != counted {
        report(&sample(&directory, "appending", counted, logical, rate)?);
    }
    let statistics = store.write_statistics();
    let group_events = statistics.events as f64 / statistics.flushes.max(1) as f64;
    store.shutdown().await;
    drop(store);

    let reopened = SledEventStore::open(&directory)?;
    let head = reopened.head_position();
    reopened.shutdown().await;
    drop(reopened);
    if head != counted {
        return Err(BenchError::Setup(format!(
            "the reopened store holds {head} events, {counted} were acknowledged"
        )));
    }
    let last = sample(&directory, "reopened", counted, logical, rate)?;
    report(&last);

    let reopened = SledEventStore::open(&directory)?;
    let stored = read_events(&reopened).await?;
    reopened.shutdown().await;
    drop(reopened);
    drop(scratch);
    for kind in AlternativeStore::ALL {
        // Blocking on purpose: nothing else runs on the runtime while a baseline writes.
        soak_alternative(kind, data, &stored, batch_events, every, report)?;
    }
    Ok((last, group_events))
}
