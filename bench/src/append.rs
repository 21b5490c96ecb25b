//! Scenario 1: durable appends with 1, 16 and 256 concurrent writers, each to its own stream,
//! beside raw sled loops on the same disk that flush per event (a) and per 256 events (b).
//! The three take turns, a slice of each per round, so that drift hits them alike.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde::Serialize;
use serde_json::json;
use uuid::Uuid;

use super::{BenchError, CpuTimes, Scratch, Throughput};
use partnerhub::store::sled::WriteStatistics;
use partnerhub::store::{
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
        happened_at: None,
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

/// Rounds in which the log and the two baselines take turns, each writing a slice of its
/// events per round, so that the machine's drift during a configuration (its disk, its other
/// tenants) hits all three alike rather than whichever ran in the slow second.
const ROUNDS: usize = 5;

/// The part of `total` written in `round` (of [`ROUNDS`]).
fn slice_of(total: usize, round: usize) -> usize {
    total / ROUNDS + usize::from(round < total % ROUNDS)
}

/// Latency samples and time spent, gathered over one or more slices of a run.
#[derive(Debug, Default)]
pub(super) struct Timed {
    events: usize,
    elapsed: Duration,
    samples: Vec<Duration>,
}

impl Timed {
    fn add(&mut self, slice: Timed) {
        self.events += slice.events;
        self.elapsed += slice.elapsed;
        self.samples.extend(slice.samples);
    }

    /// Events per second over all slices, and the latency percentiles of every sample.
    pub(super) fn throughput(mut self) -> Throughput {
        Throughput::of(self.events, self.elapsed, &mut self.samples)
    }
}

/// A raw sled database for the baselines, written a slice at a time, with the figures and
/// the CPU of its slices.
struct RawSled {
    db: sled::Db,
    tree: sled::Tree,
    /// A value of the stored event's size.
    value: Vec<u8>,
    next_key: u64,
    timed: Timed,
    cpu: CpuTimes,
}

impl RawSled {
    fn open(directory: &Path, size: usize) -> Result<RawSled, BenchError> {
        let db = sled::Config::new()
            .path(directory)
            .mode(sled::Mode::HighThroughput)
            .open()?;
        let tree = db.open_tree("log")?;
        Ok(RawSled {
            db,
            tree,
            value: vec![b'x'; size],
            next_key: 0,
            timed: Timed::default(),
            cpu: CpuTimes::default(),
        })
    }

    /// Baseline (a): insert one value and flush, `events` times.
    fn flush_per_event(
        &mut self,
        events: usize,
        samples: &mut Vec<Duration>,
    ) -> Result<(), BenchError> {
        for _ in 0..events {
            let call = Instant::now();
            self.tree
                .insert(self.next_key.to_be_bytes(), self.value.as_slice())?;
            self.db.flush()?;
            self.next_key += 1;
            samples.push(call.elapsed());
        }
        Ok(())
    }

    /// Baseline (b): insert `batch_size` values as one batch and flush, until `events` are
    /// written.
    fn flush_per_batch(
        &mut self,
        events: usize,
        batch_size: usize,
        samples: &mut Vec<Duration>,
    ) -> Result<(), BenchError> {
        let mut written = 0;
        while written < events {
            let call = Instant::now();
            let mut batch = sled::Batch::default();
            for _ in 0..batch_size.min(events - written) {
                batch.insert(&self.next_key.to_be_bytes(), self.value.as_slice());
                self.next_key += 1;
                written += 1;
            }
            self.tree.apply_batch(batch)?;
            self.db.flush()?;
            samples.push(call.elapsed());
        }
        Ok(())
    }

    /// Runs one slice of `events` on a blocking thread, as the raw loops block on the disk:
    /// `write` writes them and records a latency sample per call.
    async fn slice(
        mut self,
        events: usize,
        write: impl FnOnce(&mut RawSled, &mut Vec<Duration>) -> Result<(), BenchError> + Send + 'static,
    ) -> Result<RawSled, BenchError> {
        tokio::task::spawn_blocking(move || {
            let before = CpuTimes::now();
            let started = Instant::now();
            let mut samples = Vec::with_capacity(events);
            write(&mut self, &mut samples)?;
            self.timed.add(Timed {
                events,
                elapsed: started.elapsed(),
                samples,
            });
            self.cpu.add(&CpuTimes::now().since(&before));
            Ok(self)
        })
        .await?
    }
}

/// The sled log under measurement, written a slice at a time, with the CPU its slices used.
pub(super) struct LogUnderTest {
    store: Arc<SledEventStore>,
    timed: Timed,
    cpu: CpuTimes,
}

/// The threads whose CPU time the append scenario reports.
const LOG_THREADS: [&str; 5] = [
    "log-writer",
    "log-flusher",
    "log-indexer",
    "tokio-rt-worker",
    "sled-io",
];

impl LogUnderTest {
    pub(super) fn open(directory: &Path) -> Result<LogUnderTest, BenchError> {
        Ok(LogUnderTest {
            store: Arc::new(SledEventStore::open(directory)?),
            timed: Timed::default(),
            cpu: CpuTimes::default(),
        })
    }

    /// One slice: `events` appended by `writers` concurrent writers.
    pub(super) async fn append(&mut self, writers: usize, events: usize) -> Result<(), BenchError> {
        let before = CpuTimes::now();
        let slice = append_concurrently(self.store.clone(), writers, events).await?;
        self.cpu.add(&CpuTimes::now().since(&before));
        self.timed.add(slice);
        Ok(())
    }

    /// Shuts the log down; its figures over every slice, its writer statistics, the time its
    /// slices took, and the CPU they used per event (in all, and by the log's threads).
    pub(super) async fn finish(
        self,
    ) -> (Throughput, WriteStatistics, Duration, BTreeMap<String, f64>) {
        let cpu = self.cpu.per_event(self.timed.events, &LOG_THREADS);
        let statistics = self.store.write_statistics();
        self.store.shutdown().await;
        let elapsed = self.timed.elapsed;
        (self.timed.throughput(), statistics, elapsed, cpu)
    }
}

/// The sled log with `writers` concurrent writers, in one slice (see [`LogUnderTest::finish`]).
pub(super) async fn measure_log(
    directory: &Path,
    writers: usize,
    events: usize,
) -> Result<(Throughput, WriteStatistics, Duration, BTreeMap<String, f64>), BenchError> {
    let mut log = LogUnderTest::open(directory)?;
    let appended = log.append(writers, events).await;
    let figures = log.finish().await;
    appended.map(|()| figures)
}

/// `writers` concurrent writers, each appending single-event commands to its own stream with
/// an exact expected version, `events` in all (rounded up to a multiple of `writers`). The
/// requests are made before the clock starts, as the baselines' values are: what is timed is
/// the log's work, not the load generator's.
///
/// # Errors
/// The store refusing or failing an append.
pub(super) async fn append_concurrently(
    store: Arc<dyn EventStore>,
    writers: usize,
    events: usize,
) -> Result<Timed, BenchError> {
    let per_writer = events.div_ceil(writers);
    let requests: Vec<Vec<AppendRequest>> = (0..writers)
        .map(|_| {
            let stream_id = Uuid::new_v4();
            (0..per_writer)
                .map(|index| AppendRequest {
                    stream_id,
                    expected_version: ExpectedVersion::Exact(index as u64),
                    context: context(),
                    events: vec![sample_event(index)],
                })
                .collect()
        })
        .collect();
    let started = Instant::now();
    let mut tasks = Vec::with_capacity(writers);
    for requests in requests {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            let mut samples = Vec::with_capacity(requests.len());
            for request in requests {
                let call = Instant::now();
                store.append(request).await?;
                samples.push(call.elapsed());
            }
            Ok::<_, StoreError>(samples)
        }));
    }
    let mut samples = Vec::with_capacity(per_writer * writers);
    for task in tasks {
        samples.extend(task.await??);
    }
    Ok(Timed {
        events: samples.len(),
        elapsed: started.elapsed(),
        samples,
    })
}

/// Scenario 1: durable appends with 1, 16 and 256 writers beside raw sled baselines.
/// `events` is the number of events per configuration (and per baseline; baseline (a) writes
/// at most 20,000), written in [`ROUNDS`] rounds in which the baselines and the log take
/// turns. Scratch stores go under `scratch_parent` and are removed afterwards. `report` receives each result as soon
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
        // Baselines beside the log, on the same disk, taking turns with it.
        let mut baseline_a = RawSled::open(&scratch.0.join(format!("a-{writers}")), event_bytes)?;
        let mut baseline_b = RawSled::open(&scratch.0.join(format!("b-{writers}")), event_bytes)?;
        let mut log = LogUnderTest::open(&scratch.0.join(format!("log-{writers}")))?;
        for round in 0..ROUNDS {
            let slice = slice_of(events.min(20_000), round);
            baseline_a = baseline_a
                .slice(slice, move |raw, samples| {
                    raw.flush_per_event(slice, samples)
                })
                .await?;
            let slice = slice_of(events, round);
            baseline_b = baseline_b
                .slice(slice, move |raw, samples| {
                    raw.flush_per_batch(slice, 256, samples)
                })
                .await?;
            if let Err(error) = log.append(writers, slice).await {
                log.finish().await;
                return Err(error);
            }
        }
        let cpu_b = baseline_b.cpu.per_event(baseline_b.timed.events, &[]);
        let (baseline_a, baseline_b) =
            (baseline_a.timed.throughput(), baseline_b.timed.throughput());
        let events_appended = log.timed.events;
        let (measured, statistics, elapsed, cpu) = log.finish().await;
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
            events: events_appended,
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
