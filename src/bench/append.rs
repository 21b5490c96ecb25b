//! Scenario 1: durable appends with 1, 16 and 256 concurrent writers, each to its own stream,
//! beside raw sled loops on the same disk that flush per event (a) and per 256 events (b).

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde::Serialize;
use serde_json::json;
use uuid::Uuid;

use super::{BenchError, CpuTimes, Scratch, Throughput};
use crate::store::sled::WriteStatistics;
use crate::store::{
    AppendRequest, CommandContext, EventStore, ExpectedVersion, NewEvent, RecordedEvent,
    SledEventStore, StoreError,
};

/// One measured configuration of the durable-append scenario.
#[derive(Debug, Clone, Serialize)]
pub struct DurableAppendResult {
    /// Always `durable_append`.
    pub scenario: &'static str,
    /// Concurrent writers.
    pub writers: usize,
    /// Events appended.
    pub events: usize,
    /// Bytes of one stored event (the baselines write values of this size).
    pub event_bytes: usize,
    /// The event log's figures.
    #[serde(flatten)]
    pub measured: Throughput,
    /// Flushes the log made (events per flush shows group commit at work).
    pub flushes: u64,
    /// Share of the run the writer thread spent validating, encoding and inserting.
    pub writer_busy: f64,
    /// Share of the run spent in flushes (flusher thread, or the writer committing alone).
    pub flusher_flushing: f64,
    /// Share of the run spent indexing, acknowledging and publishing (flusher thread, or the
    /// writer committing alone).
    pub flusher_acknowledging: f64,
    /// Share of the run the indexer thread spent writing index entries into sled (off the
    /// acknowledging path).
    pub indexer_busy: f64,
    /// Microseconds of CPU per event the whole process used during the run (`total`, which
    /// includes the writers' tasks generating the load), and the log's own threads.
    pub cpu_us_per_event: BTreeMap<String, f64>,
    /// The same for baseline (b).
    pub baseline_flush_per_256_cpu_us_per_event: f64,
    /// Baseline (a): raw sled, insert one value and flush, per event.
    pub baseline_flush_per_event: Throughput,
    /// Baseline (b): raw sled, insert 256 values and flush, per batch.
    pub baseline_flush_per_256: Throughput,
    /// `events_per_s` divided by baseline (a)'s.
    pub ratio_to_flush_per_event: f64,
    /// `events_per_s` divided by baseline (b)'s.
    pub ratio_to_flush_per_256: f64,
    /// The bar of the issue for this writer count, and whether it was met.
    pub bar: String,
    /// Whether the bar was met.
    pub bar_met: bool,
}

/// A realistic small event: a note on a workshop board, about 300 bytes stored.
pub(super) fn sample_event(index: usize) -> NewEvent {
    NewEvent::new(
        "BoardNoteAdded",
        json!({
            "board_id": "5b0e7a52-3c1e-4a57-9d0c-1f2a3b4c5d6e",
            "text": format!("Homework café with Red Barnet Ungdom, note {index:06}"),
            "zone": "learning",
        }),
    )
}

pub(super) fn context() -> CommandContext {
    let command_id = Uuid::new_v4();
    CommandContext {
        workspace_id: Uuid::from_u128(1),
        actor: "bench".into(),
        command_id,
        correlation_id: command_id,
    }
}

/// The stored size of a sample event, so the baselines write values of the same size.
pub(super) async fn stored_event_size(scratch: &Path) -> Result<usize, BenchError> {
    let store = SledEventStore::open(&scratch.join("size"))?;
    store
        .append(AppendRequest {
            stream_id: Uuid::new_v4(),
            expected_version: ExpectedVersion::NoStream,
            context: context(),
            events: vec![sample_event(0)],
        })
        .await?;
    let events: Vec<RecordedEvent> = store.read_all(1, 1).await?;
    store.shutdown().await;
    let size = match events.first() {
        Some(event) => event
            .to_canonical_bytes()
            .map(|bytes| bytes.len())
            .unwrap_or(300),
        None => 300,
    };
    Ok(size)
}

fn baseline_flush_per_event(
    directory: &Path,
    events: usize,
    size: usize,
) -> Result<Throughput, BenchError> {
    let db = sled::Config::new()
        .path(directory)
        .mode(sled::Mode::HighThroughput)
        .open()?;
    let tree = db.open_tree("log")?;
    let value = vec![b'x'; size];
    let mut samples = Vec::with_capacity(events);
    let started = Instant::now();
    for index in 0..events as u64 {
        let call = Instant::now();
        tree.insert(index.to_be_bytes(), value.as_slice())?;
        db.flush()?;
        samples.push(call.elapsed());
    }
    let elapsed = started.elapsed();
    Ok(Throughput::of(events, elapsed, &mut samples))
}

fn baseline_flush_per_batch(
    directory: &Path,
    events: usize,
    size: usize,
    batch_size: usize,
) -> Result<Throughput, BenchError> {
    let db = sled::Config::new()
        .path(directory)
        .mode(sled::Mode::HighThroughput)
        .open()?;
    let tree = db.open_tree("log")?;
    let value = vec![b'x'; size];
    let mut samples = Vec::new();
    let started = Instant::now();
    let mut written = 0u64;
    while (written as usize) < events {
        let call = Instant::now();
        let mut batch = sled::Batch::default();
        for _ in 0..batch_size.min(events - written as usize) {
            batch.insert(&written.to_be_bytes(), value.as_slice());
            written += 1;
        }
        tree.apply_batch(batch)?;
        db.flush()?;
        samples.push(call.elapsed());
    }
    let elapsed = started.elapsed();
    Ok(Throughput::of(events, elapsed, &mut samples))
}

/// The sled log with `writers` concurrent writers; also its writer statistics, the run's
/// duration, and the CPU it used per event (in all, and by the log's threads).
pub(super) async fn measure_log(
    directory: &Path,
    writers: usize,
    events: usize,
) -> Result<(Throughput, WriteStatistics, Duration, BTreeMap<String, f64>), BenchError> {
    let store = Arc::new(SledEventStore::open(directory)?);
    let cpu_before = CpuTimes::now();
    let started = Instant::now();
    let measured = append_concurrently(store.clone(), writers, events).await;
    let elapsed = started.elapsed();
    // Read before the shutdown ends the log's threads.
    let cpu = CpuTimes::now().per_event_since(
        &cpu_before,
        writers * events.div_ceil(writers),
        &[
            "log-writer",
            "log-flusher",
            "log-indexer",
            "tokio-rt-worker",
            "sled-io",
        ],
    );
    let statistics = store.write_statistics();
    store.shutdown().await;
    Ok((measured?, statistics, elapsed, cpu))
}

/// `writers` concurrent writers, each appending single-event commands to its own stream with
/// an exact expected version, `events` in all (rounded up to a multiple of `writers`).
///
/// # Errors
/// The store refusing or failing an append.
pub(super) async fn append_concurrently(
    store: Arc<dyn EventStore>,
    writers: usize,
    events: usize,
) -> Result<Throughput, BenchError> {
    let per_writer = events.div_ceil(writers);
    let started = Instant::now();
    let mut tasks = Vec::with_capacity(writers);
    for _ in 0..writers {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            let stream_id = Uuid::new_v4();
            let mut samples = Vec::with_capacity(per_writer);
            for index in 0..per_writer {
                let call = Instant::now();
                store
                    .append(AppendRequest {
                        stream_id,
                        expected_version: ExpectedVersion::Exact(index as u64),
                        context: context(),
                        events: vec![sample_event(index)],
                    })
                    .await?;
                samples.push(call.elapsed());
            }
            Ok::<_, StoreError>(samples)
        }));
    }
    let mut samples = Vec::with_capacity(per_writer * writers);
    for task in tasks {
        samples.extend(task.await??);
    }
    let elapsed = started.elapsed();
    Ok(Throughput::of(samples.len(), elapsed, &mut samples))
}

/// Scenario 1: durable appends with 1, 16 and 256 writers beside raw sled baselines.
/// `events` is the number of events per configuration (and per baseline); scratch stores go
/// under `scratch_parent` and are removed afterwards. `report` receives each result as soon
/// as it is measured.
///
/// # Errors
/// Store, sled and file errors.
pub async fn durable_append(
    scratch_parent: &Path,
    events: usize,
    writer_counts: &[usize],
    report: &mut (dyn FnMut(&DurableAppendResult) + Send),
) -> Result<Vec<DurableAppendResult>, BenchError> {
    let scratch = Scratch::new(scratch_parent, "append")?;
    let event_bytes = stored_event_size(&scratch.0).await?;
    let mut results = Vec::new();
    for &writers in writer_counts {
        // Baselines right beside each measurement, on the same disk, so drift hits both.
        let directory = scratch.0.join(format!("a-{writers}"));
        let baseline_a = tokio::task::spawn_blocking(move || {
            baseline_flush_per_event(&directory, events.min(20_000), event_bytes)
        })
        .await??;
        let directory = scratch.0.join(format!("b-{writers}"));
        let cpu_before_b = CpuTimes::now();
        let baseline_b = tokio::task::spawn_blocking(move || {
            baseline_flush_per_batch(&directory, events, event_bytes, 256)
        })
        .await??;
        let cpu_b = CpuTimes::now().per_event_since(&cpu_before_b, events, &[]);
        let (measured, statistics, elapsed, cpu) =
            measure_log(&scratch.0.join(format!("log-{writers}")), writers, events).await?;
        let share = |micros: u64| micros as f64 / 1e6 / elapsed.as_secs_f64();
        let ratio_a = measured.events_per_s / baseline_a.events_per_s;
        let ratio_b = measured.events_per_s / baseline_b.events_per_s;
        let (bar, bar_met) = match writers {
            1 => ("≥ 0.8x baseline (a)".to_owned(), ratio_a >= 0.8),
            256 => (
                "≥ 10x baseline (a) and ≥ 0.4x baseline (b)".to_owned(),
                ratio_a >= 10.0 && ratio_b >= 0.4,
            ),
            _ => ("none (reported)".to_owned(), true),
        };
        let result = DurableAppendResult {
            scenario: "durable_append",
            writers,
            events: writers * events.div_ceil(writers),
            event_bytes,
            measured,
            flushes: statistics.flushes,
            writer_busy: share(statistics.staging_micros),
            flusher_flushing: share(statistics.flushing_micros),
            flusher_acknowledging: share(statistics.acknowledging_micros),
            indexer_busy: share(statistics.indexing_micros),
            cpu_us_per_event: cpu,
            baseline_flush_per_256_cpu_us_per_event: cpu_b.get("total").copied().unwrap_or(0.0),
            baseline_flush_per_event: baseline_a,
            baseline_flush_per_256: baseline_b,
            ratio_to_flush_per_event: ratio_a,
            ratio_to_flush_per_256: ratio_b,
            bar,
            bar_met,
        };
        report(&result);
        results.push(result);
    }
    Ok(results)
}
