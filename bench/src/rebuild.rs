//! Scenario 4: rebuild and replay. A generated, realistic history of one workspace (see
//! `history`) is appended straight to a scratch sled store in large batches (valid domain
//! events, not decided one command at a time), then:
//!
//! - the floor: scan the whole log with `read_all` pages and parse each event into its typed
//!   [`DomainEvent`], nothing else; measured before and after the rebuild, the faster of the
//!   two counts;
//! - the full rebuild of every view ([`partnerhub::projection::rebuild`]): events per second;
//! - "as of" queries of the portfolio at random moments of the history: the state from the
//!   nearest snapshot ([`Projections::state_as_of`]) beside the same replay from the first
//!   event ([`replay_state`] from nothing), each followed by the portfolio view. Both fold
//!   the state only, as every "as of" question does.

use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde::Serialize;
use uuid::Uuid;

use super::history::History;
use super::{resident_bytes, BenchError, Latency, Scratch};
use partnerhub::domain::DomainEvent;
use partnerhub::projection::portfolio::portfolio_view;
use partnerhub::projection::projector::replay_state;
use partnerhub::projection::{AsOf, Projections};
use partnerhub::store::{
    envelope, AppendRequest, CommandContext, EventStore, ExpectedVersion, SledEventStore, READ_PAGE,
};

/// Events per append while generating the history.
const BATCH: usize = 1_000;
/// Seed of the history (the same history every run).
const SEED: u64 = 20_261_124;
/// The bar for the rebuild: at least this share of the floor's events per second.
const BAR_REBUILD_RATIO: f64 = 0.5;
/// The bar for "as of" with snapshots: p99 at most this many milliseconds.
const BAR_AS_OF_P99_MS: f64 = 50.0;

/// A pass over the whole log.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Pass {
    /// Events per second.
    pub events_per_s: f64,
    /// Seconds for the whole log.
    pub seconds: f64,
    /// CPU seconds this process used for it (every thread).
    pub cpu_s: f64,
}

/// The measured configuration of the rebuild scenario.
#[derive(Debug, Clone, Serialize)]
pub struct RebuildResult {
    /// Always `rebuild`.
    pub scenario: &'static str,
    /// Events in the generated history (one workspace).
    pub events: u64,
    /// Mean bytes of one stored event (a page from the middle of the log).
    pub event_bytes: f64,
    /// Seconds it took to generate and append the history.
    pub generate_s: f64,
    /// Organisations in the workspace at the end of the history.
    pub organisations: usize,
    /// Partnerships (active and ended) at the end.
    pub partnerships: usize,
    /// Notes on all the boards at the end.
    pub notes: usize,
    /// Bytes of the final state as JSON (what a deep copy of the state would copy).
    pub state_json_bytes: usize,
    /// Snapshots of the state kept at the end (they share unchanged entities).
    pub snapshots_kept: usize,
    /// Events between two snapshots at the end: an "as of" question replays fewer.
    pub snapshot_spacing: u64,
    /// Entries of the workspace's timeline.
    pub timeline_entries: usize,
    /// Points of network metrics recorded over the history.
    pub metrics_points: usize,
    /// The memory limit the rebuild and the queries ran under, in bytes.
    pub memory_limit_bytes: u64,
    /// Whether the rebuild finished within the memory limit.
    pub rebuild_completed: bool,
    /// Events the rebuild applied (all of them, unless it was stopped).
    pub rebuilt_events: u64,
    /// Why the rebuild was stopped, if it was.
    pub stopped: Option<String>,
    /// Events the projector skipped as unreadable (0 for a valid history).
    pub skipped: u64,
    /// The full rebuild of every view: events per second (of the events it applied).
    pub events_per_s: f64,
    /// Seconds the rebuild took.
    pub rebuild_s: f64,
    /// CPU seconds this process used during the rebuild (every thread: it decodes the next
    /// page while it folds the current one).
    pub rebuild_cpu_s: f64,
    /// The floor: scan and parse into typed events, nothing else (the faster of a pass
    /// before and a pass after the rebuild).
    pub baseline_scan_and_parse: Pass,
    /// The floor's pass before the rebuild (the first one reads a cold cache).
    pub baseline_scan_and_parse_before: Pass,
    /// `events_per_s` divided by the floor's.
    pub ratio_to_floor: f64,
    /// This process's resident memory once the views are rebuilt, in bytes.
    pub rss_after_rebuild_bytes: u64,
    /// "As of a time" queries made with snapshots.
    pub as_of_queries: usize,
    /// State as of a random time from the nearest snapshot, then the portfolio view.
    pub as_of_with_snapshots: Latency,
    /// "As of a time" queries made without snapshots (the first moments of the same list).
    pub as_of_queries_without: usize,
    /// The same, replaying the workspace from its first event.
    pub as_of_without_snapshots: Latency,
    /// CPU time of this process per query with snapshots (every thread: the replay's reads run
    /// on the store's blocking threads). It moves less than the wall time when other
    /// processes share the cores (they still compete for caches and memory).
    pub as_of_with_snapshots_cpu: Latency,
    /// The same moments with snapshots, for a like-for-like ratio.
    pub as_of_with_snapshots_same_moments: Latency,
    /// p99 without snapshots divided by p99 with them (same moments).
    pub ratio_as_of_p99_without_to_with: f64,
    /// The bars of the issue.
    pub bar: String,
    /// Whether the rebuild bar was met.
    pub bar_rebuild_met: bool,
    /// Whether the "as of" bar was met.
    pub bar_as_of_met: bool,
    /// Whether both were met.
    pub bar_met: bool,
}

impl RebuildResult {
    /// The figures for people, one per line.
    pub fn report(&self) -> String {
        let met = |met: bool| if met { "met" } else { "NOT MET" };
        let mib = |bytes: u64| bytes as f64 / (1024.0 * 1024.0);
        let mut lines = vec![format!(
            "history              {} events of one workspace ({:.0} bytes each), generated and appended in {:.1} s",
            self.events, self.event_bytes, self.generate_s
        )];
        lines.push(if self.rebuild_completed {
            format!(
                "at its end           {} organisations, {} partnerships, {} notes on boards; state {:.1} MiB as JSON, {} timeline entries, {} metrics points, {} snapshots {} events apart",
                self.organisations,
                self.partnerships,
                self.notes,
                mib(self.state_json_bytes as u64),
                self.timeline_entries,
                self.metrics_points,
                self.snapshots_kept,
                self.snapshot_spacing
            )
        } else {
            "at its end           (not measured: the rebuild did not finish)".to_owned()
        });
        lines.push(format!(
            "rebuild              {:.0} events/s over {} events ({:.1} s), {:.0} MiB resident after it",
            self.events_per_s,
            self.rebuilt_events,
            self.rebuild_s,
            mib(self.rss_after_rebuild_bytes)
        ));
        if let Some(reason) = &self.stopped {
            lines.push(format!(
                "stopped              {reason} (limit {:.1} GiB)",
                self.memory_limit_bytes as f64 / GIB
            ));
        }
        lines.push(format!(
            "floor                {:.0} events/s ({:.1} s) scanning and parsing only (first pass {:.0} events/s)",
            self.baseline_scan_and_parse.events_per_s,
            self.baseline_scan_and_parse.seconds,
            self.baseline_scan_and_parse_before.events_per_s
        ));
        lines.push(format!(
            "CPU time             rebuild {:.1} s, floor {:.1} s (all threads)",
            self.rebuild_cpu_s, self.baseline_scan_and_parse.cpu_s
        ));
        lines.push(format!(
            "ratio                {:.3} x the floor: bar >= {BAR_REBUILD_RATIO}x {}",
            self.ratio_to_floor,
            met(self.bar_rebuild_met)
        ));
        lines.push(format!(
            "as of, snapshots     {} queries: p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms: bar p99 <= {BAR_AS_OF_P99_MS} ms {}",
            self.as_of_queries,
            self.as_of_with_snapshots.p50_ms,
            self.as_of_with_snapshots.p99_ms,
            self.as_of_with_snapshots.max_ms,
            met(self.bar_as_of_met)
        ));
        lines.push(format!(
            "as of, CPU time      per query with snapshots: p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms (all threads; moved less than wall time by other processes)",
            self.as_of_with_snapshots_cpu.p50_ms,
            self.as_of_with_snapshots_cpu.p99_ms,
            self.as_of_with_snapshots_cpu.max_ms
        ));
        lines.push(format!(
            "as of, no snapshots  {} queries: p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms ({:.1}x the p99 with snapshots at the same moments)",
            self.as_of_queries_without,
            self.as_of_without_snapshots.p50_ms,
            self.as_of_without_snapshots.p99_ms,
            self.as_of_without_snapshots.max_ms,
            self.ratio_as_of_p99_without_to_with
        ));
        lines.join("\n")
    }
}

/// Scenario 4 on a generated history of `events` events; `queries` "as of" queries with
/// snapshots and `queries_without` without. The scratch store goes under `scratch_parent` and
/// is removed afterwards. `progress` hears what is being done.
///
/// The rebuild and each query run as a task that is stopped if this process's resident
/// memory passes `memory_limit` bytes (a guard against a projector whose memory grows with
/// the history, as it did when snapshots were deep copies): the result then says
/// how far it got.
///
/// # Errors
/// Store and file errors, and an event that cannot be encoded.
pub async fn rebuild_and_replay(
    scratch_parent: &Path,
    events: u64,
    queries: usize,
    queries_without: usize,
    memory_limit: u64,
    progress: &mut (dyn FnMut(&str) + Send),
) -> Result<RebuildResult, BenchError> {
    let scratch = Scratch::new(scratch_parent, "rebuild")?;
    let sled_store = Arc::new(SledEventStore::open(&scratch.0.join("store"))?);
    let store: Arc<dyn EventStore> = sled_store.clone();
    let workspace_id = Uuid::new_v4();

    progress(&format!("generating a history of {events} events"));
    let generating = Instant::now();
    generate(store.as_ref(), workspace_id, events).await?;
    let generate_s = generating.elapsed().as_secs_f64();
    let event_bytes = mean_event_bytes(store.as_ref()).await?;
    let head = store.head_position();

    progress("floor: scan and parse (before)");
    let floor_before = scan_and_parse(store.as_ref()).await?;
    progress("rebuilding every view");
    let reached = Arc::new(AtomicU64::new(0));
    let rebuilding = Instant::now();
    let rebuild_cpu_before = process_cpu();
    let rebuilt = within_memory(memory_limit, {
        let (store, reached) = (store.clone(), reached.clone());
        async move {
            partnerhub::projection::rebuild(store.as_ref(), &mut |position| {
                reached.store(position, Ordering::Relaxed);
            })
            .await
        }
    })
    .await?
    .transpose()?;
    let rebuild_s = rebuilding.elapsed().as_secs_f64();
    let rebuild_cpu_s = process_cpu()
        .saturating_sub(rebuild_cpu_before)
        .as_secs_f64();
    let rss_after_rebuild = resident_bytes();
    let rebuilt_events = match &rebuilt {
        Some(_) => head,
        None => reached.load(Ordering::Relaxed),
    };
    let events_per_s = rebuilt_events as f64 / rebuild_s.max(f64::MIN_POSITIVE);
    let stopped = rebuilt.is_none().then(|| {
        format!(
            "the rebuild was stopped after {rebuilt_events} of {head} events, at {:.1} GiB resident",
            rss_after_rebuild as f64 / GIB
        )
    });
    if let Some(reason) = &stopped {
        progress(reason);
    }
    progress("floor: scan and parse (after)");
    let floor_after = scan_and_parse(store.as_ref()).await?;
    let floor = if floor_after.events_per_s > floor_before.events_per_s {
        floor_after
    } else {
        floor_before
    };
    let mut result = RebuildResult {
        scenario: "rebuild",
        events: head,
        event_bytes,
        generate_s,
        organisations: 0,
        partnerships: 0,
        notes: 0,
        state_json_bytes: 0,
        timeline_entries: 0,
        metrics_points: 0,
        snapshots_kept: 0,
        snapshot_spacing: 0,
        skipped: 0,
        memory_limit_bytes: memory_limit,
        rebuild_completed: rebuilt.is_some(),
        rebuilt_events,
        stopped,
        events_per_s,
        rebuild_s,
        rebuild_cpu_s,
        baseline_scan_and_parse: floor,
        baseline_scan_and_parse_before: floor_before,
        ratio_to_floor: events_per_s / floor.events_per_s.max(f64::MIN_POSITIVE),
        rss_after_rebuild_bytes: rss_after_rebuild,
        as_of_queries: 0,
        as_of_with_snapshots: Latency::default(),
        as_of_with_snapshots_cpu: Latency::default(),
        as_of_queries_without: 0,
        as_of_without_snapshots: Latency::default(),
        as_of_with_snapshots_same_moments: Latency::default(),
        ratio_as_of_p99_without_to_with: 0.0,
        bar: format!(
            "rebuild ≥ {BAR_REBUILD_RATIO}x the floor; as-of p99 ≤ {BAR_AS_OF_P99_MS} ms with snapshots"
        ),
        bar_rebuild_met: false,
        bar_as_of_met: false,
        bar_met: false,
    };
    result.bar_rebuild_met = rebuilt.is_some() && result.ratio_to_floor >= BAR_REBUILD_RATIO;
    if let Some(projections) = rebuilt {
        describe_state(&mut result, &projections, workspace_id);
        query_as_of(
            &mut result,
            &projections,
            &store,
            workspace_id,
            (queries, queries_without),
            memory_limit,
            progress,
        )
        .await?;
    }
    store.shutdown().await;
    drop((store, sled_store));
    result.bar_met = result.bar_rebuild_met && result.bar_as_of_met;
    Ok(result)
}

const GIB: f64 = 1024.0 * 1024.0 * 1024.0;

/// Fills in the size of the workspace at the end of the history.
fn describe_state(result: &mut RebuildResult, projections: &Projections, workspace_id: Uuid) {
    result.skipped = projections.skipped();
    projections.read(workspace_id, |view| {
        result.organisations = view.state.organisations.len();
        result.partnerships = view.state.partnerships.len();
        result.notes = view
            .state
            .boards
            .values()
            .map(|board| board.notes.len())
            .sum();
        result.state_json_bytes = serde_json::to_vec(&view.state).map_or(0, |json| json.len());
        result.timeline_entries = view.timeline.len();
        result.metrics_points = view.metrics_history.len();
        let versions = view.snapshot_versions();
        result.snapshots_kept = versions.len();
        result.snapshot_spacing = match versions.as_slice() {
            [first, second, ..] => second - first,
            [only] => *only,
            [] => 0,
        };
    });
}

/// "As of" queries at random moments, with snapshots, then without (the first moments of
/// the same list), each within the memory limit.
async fn query_as_of(
    result: &mut RebuildResult,
    projections: &Arc<Projections>,
    store: &Arc<dyn EventStore>,
    workspace_id: Uuid,
    (queries, queries_without): (usize, usize),
    memory_limit: u64,
    progress: &mut (dyn FnMut(&str) + Send),
) -> Result<(), BenchError> {
    let moments = random_moments(store.as_ref(), queries.max(queries_without)).await?;
    progress(&format!("{} as-of queries with snapshots", moments.len()));
    let mut with = Vec::with_capacity(moments.len());
    let mut with_cpu = Vec::with_capacity(moments.len());
    for &moment in &moments {
        let (projections, store) = (projections.clone(), store.clone());
        let query = within_memory(memory_limit, async move {
            as_of_with_snapshots(&projections, store.as_ref(), workspace_id, moment).await
        });
        let cpu_before = process_cpu();
        match query.await?.transpose()? {
            Some(elapsed) => {
                with.push(elapsed);
                with_cpu.push(process_cpu().saturating_sub(cpu_before));
            }
            None => break,
        }
    }
    let count_without = queries_without.min(moments.len());
    progress(&format!("{count_without} as-of queries without snapshots"));
    let mut without = Vec::with_capacity(count_without);
    for &moment in moments.iter().take(count_without) {
        let store = store.clone();
        let query = within_memory(memory_limit, async move {
            as_of_without_snapshots(store.as_ref(), workspace_id, moment).await
        });
        match query.await?.transpose()? {
            Some(elapsed) => without.push(elapsed),
            None => {
                progress("an as-of query without snapshots passed the memory limit; stopped");
                break;
            }
        }
    }
    let mut same_moments: Vec<Duration> = with.iter().take(without.len()).copied().collect();
    let same_moments = Latency::of(&mut same_moments);
    let asked = queries.min(with.len());
    result.as_of_queries = asked;
    result.as_of_with_snapshots = Latency::of(&mut with[..asked]);
    with_cpu.truncate(asked);
    result.as_of_with_snapshots_cpu = Latency::of(&mut with_cpu);
    result.as_of_queries_without = without.len();
    result.as_of_without_snapshots = Latency::of(&mut without);
    result.as_of_with_snapshots_same_moments = same_moments;
    result.ratio_as_of_p99_without_to_with =
        result.as_of_without_snapshots.p99_ms / same_moments.p99_ms.max(f64::MIN_POSITIVE);
    result.bar_as_of_met =
        asked == queries && result.as_of_with_snapshots.p99_ms <= BAR_AS_OF_P99_MS;
    Ok(())
}

/// CPU time used so far by every thread of this process (`/proc/self/task/*/schedstat`,
/// nanoseconds); zero where that cannot be read.
fn process_cpu() -> Duration {
    let Ok(tasks) = std::fs::read_dir("/proc/self/task") else {
        return Duration::ZERO;
    };
    let nanos: u64 = tasks
        .filter_map(Result::ok)
        .filter_map(|task| std::fs::read_to_string(task.path().join("schedstat")).ok())
        .filter_map(|line| line.split_whitespace().next()?.parse::<u64>().ok())
        .sum();
    Duration::from_nanos(nanos)
}

/// Runs `work` as a task; stops it (at its next await) and returns `None` if this process's
/// resident memory passes `limit` bytes first.
async fn within_memory<T: Send + 'static>(
    limit: u64,
    work: impl std::future::Future<Output = T> + Send + 'static,
) -> Result<Option<T>, BenchError> {
    let mut task = tokio::spawn(work);
    let mut ticks = tokio::time::interval(Duration::from_millis(100));
    loop {
        tokio::select! {
            done = &mut task => return Ok(Some(done?)),
            _ = ticks.tick() => {
                if resident_bytes() > limit {
                    task.abort();
                    let _ = task.await;
                    return Ok(None);
                }
            }
        }
    }
}

/// Appends the generated history to the workspace's stream in batches of [`BATCH`].
pub(crate) async fn generate(
    store: &dyn EventStore,
    workspace_id: Uuid,
    events: u64,
) -> Result<(), BenchError> {
    let mut history = History::new(SEED);
    let mut pending = history.opening("Genererede Bibliotekerne");
    let mut version = 0u64;
    let actors = [
        "anna@bibliotek",
        "jens@bibliotek",
        "sara@bibliotek",
        "ali@bibliotek",
    ];
    while version < events {
        while pending.len() < BATCH {
            history.next_activity(&mut pending);
        }
        let take = BATCH.min((events - version) as usize);
        let rest = pending.split_off(take);
        let batch = std::mem::replace(&mut pending, rest);
        let mut new_events = Vec::with_capacity(batch.len());
        for event in batch {
            new_events.push(envelope::new_event(&event)?);
        }
        let count = new_events.len() as u64;
        let command_id = Uuid::new_v4();
        store
            .append(AppendRequest {
                stream_id: workspace_id,
                expected_version: if version == 0 {
                    ExpectedVersion::NoStream
                } else {
                    ExpectedVersion::Exact(version)
                },
                context: CommandContext {
                    workspace_id,
                    actor: actors[(version / BATCH as u64) as usize % actors.len()].into(),
                    command_id,
                    correlation_id: command_id,
                    happened_at: None,
                },
                events: new_events,
            })
            .await?;
        version += count;
    }
    Ok(())
}

/// The floor: every event read with `read_all` (pages as the rebuild reads them) and parsed
/// into its typed event.
async fn scan_and_parse(store: &dyn EventStore) -> Result<Pass, BenchError> {
    let head = store.head_position();
    let started = Instant::now();
    let cpu_before = process_cpu();
    let mut next = 1;
    let mut parsed = 0u64;
    while next <= head {
        let page = store.read_all(next, READ_PAGE * 4).await?;
        if page.is_empty() {
            break;
        }
        for event in &page {
            if let Ok(domain) =
                envelope::from_parts::<DomainEvent>(&event.event_type, &event.payload)
            {
                std::hint::black_box(&domain);
                parsed += 1;
            }
            next = event.position + 1;
        }
    }
    let seconds = started.elapsed().as_secs_f64();
    Ok(Pass {
        events_per_s: parsed as f64 / seconds.max(f64::MIN_POSITIVE),
        seconds,
        cpu_s: process_cpu().saturating_sub(cpu_before).as_secs_f64(),
    })
}

/// `count` random times between the first and the last event, the same every run.
async fn random_moments(
    store: &dyn EventStore,
    count: usize,
) -> Result<Vec<DateTime<Utc>>, BenchError> {
    let head = store.head_position();
    let first = store.read_all(1, 1).await?;
    let last = store.read_all(head, 1).await?;
    let (Some(first), Some(last)) = (first.first(), last.first()) else {
        return Ok(Vec::new());
    };
    let start = first.metadata.recorded_at;
    let span = (last.metadata.recorded_at - start)
        .num_microseconds()
        .unwrap_or(0)
        .max(1);
    let mut rng = StdRng::seed_from_u64(SEED);
    Ok((0..count)
        .map(|_| start + chrono::Duration::microseconds(rng.gen_range(0..=span)))
        .collect())
}

async fn as_of_with_snapshots(
    projections: &Projections,
    store: &dyn EventStore,
    workspace_id: Uuid,
    moment: DateTime<Utc>,
) -> Result<Duration, BenchError> {
    let call = Instant::now();
    let view = projections
        .state_as_of(store, workspace_id, AsOf::Time(moment))
        .await?;
    std::hint::black_box(portfolio_view(&view.state, moment.date_naive()));
    Ok(call.elapsed())
}

async fn as_of_without_snapshots(
    store: &dyn EventStore,
    workspace_id: Uuid,
    moment: DateTime<Utc>,
) -> Result<Duration, BenchError> {
    let call = Instant::now();
    let state = replay_state(store, workspace_id, None, AsOf::Time(moment)).await?;
    std::hint::black_box(portfolio_view(&state, moment.date_naive()));
    Ok(call.elapsed())
}

/// Mean stored size of the events of a page from the middle of the log.
async fn mean_event_bytes(store: &dyn EventStore) -> Result<f64, BenchError> {
    let page = store
        .read_all(store.head_position() / 2, READ_PAGE * 4)
        .await?;
    let bytes: usize = page
        .iter()
        .filter_map(|event| event.to_canonical_bytes().ok())
        .map(|bytes| bytes.len())
        .sum();
    Ok(bytes as f64 / page.len().max(1) as f64)
}
