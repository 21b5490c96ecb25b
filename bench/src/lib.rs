//! Benchmarks that print figures beside baselines measured in the same run
//! (`partnerhub-bench <scenario>`, the binary of this crate).
//!
//! Absolute times on shared machines drift, so every scenario measures its own floor or
//! ceiling on the same machine, with events or frames of the same size, right before or after
//! the real thing, and reports the ratio. Nothing here asserts a time; the figures are for
//! people and for `BENCHMARKS.md`.
//!
//! ## Layout
//!
//! - [`append`]: scenario 1, durable appends beside raw sled loops.
//! - [`fanout`](mod@fanout): scenario 2, one workspace's events pushed to many websocket subscribers,
//!   beside a bare tokio-tungstenite broadcast of frames of the same size.
//! - [`nats_fanout`]: issue 19, scenario 2: the same live fan-out against `nats-server`'s
//!   websocket listener, each server in a process of its own, in alternating rounds.
//! - [`connections`]: scenario 3, idle authenticated subscribers held by the server, driven
//!   from a second process; resident memory per connection and health-check latency.
//! - [`postgres`](mod@postgres): scenario 5, scenarios 1 and 2 on the PostgreSQL store (fan-out
//!   on two nodes sharing one schema), beside plain `INSERT`s and the same on sled.
//! - [`rebuild`]: scenario 4, rebuilding the views from a generated history of a million
//!   events beside a scan that only parses, and "as of" queries with and without snapshots.
//! - [`soak`]: sled's space amplification over a long run of durable appends, beside
//!   [`soak_alternatives`]: the same events in raw sled, redb and fjall, and an abrupt-stop
//!   check of the latter two.
//! - [`edits`](mod@edits): issue 19, scenario 1, edits per second end to end over websockets
//!   beside Redis Streams and plain PostgreSQL inserts, in alternating rounds.
//! - [`startup`]: start-up of a server holding a long log, from its projection checkpoint
//!   beside a full rebuild, in alternating rounds; resident memory once started.
//! - `history` (private): the generator of that history; `live` (private): a real server in
//!   this process with an account and a workspace; `client` (private): the websocket
//!   subscriber every scenario drives the same way.

pub mod append;
mod client;
pub mod connections;
pub mod edits;
pub mod edits_floor;
pub mod fanout;
mod history;
mod live;
pub mod nats_fanout;
pub mod postgres;
pub mod rebuild;
pub mod soak;
pub mod soak_alternatives;
pub mod startup;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Serialize;
use uuid::Uuid;

pub use self::append::{durable_append, DurableAppendResult};
pub use self::connections::{connections_held, hold_idle_connections, ConnectionsResult};
pub use self::edits::{edits, EditsPlan, EditsRun, EditsSummary};
pub use self::fanout::{fanout, FanoutFigures, FanoutResult};
pub use self::nats_fanout::{nats_fanout, NatsFanoutPlan, NatsFanoutResult};
pub use self::postgres::{postgres_store, PostgresPlan, PostgresResult};
pub use self::rebuild::{rebuild_and_replay, RebuildResult};
pub use self::soak::{soak, SoakSample};
pub use self::soak_alternatives::{crash_check, crash_child, AlternativeStore, CrashCheckResult};
pub use self::startup::{startup, StartupResult, StartupStore};
use partnerhub::store::StoreError;

/// Latency percentiles of a set of samples, in milliseconds.
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct Latency {
    /// Median.
    pub p50_ms: f64,
    /// 99th percentile.
    pub p99_ms: f64,
    /// Slowest.
    pub max_ms: f64,
}

impl Latency {
    /// Percentiles of `samples` (sorted in place).
    pub fn of(samples: &mut [Duration]) -> Latency {
        samples.sort_unstable();
        let at = |quantile: f64| -> f64 {
            if samples.is_empty() {
                return 0.0;
            }
            let index = ((samples.len() as f64 - 1.0) * quantile).round() as usize;
            samples[index.min(samples.len() - 1)].as_secs_f64() * 1000.0
        };
        Latency {
            p50_ms: at(0.50),
            p99_ms: at(0.99),
            max_ms: at(1.0),
        }
    }
}

/// A throughput figure with its latencies.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Throughput {
    /// Events made durable (or processed) per second.
    pub events_per_s: f64,
    /// Latency from the call to the acknowledgement (per flush for the batched baseline).
    #[serde(flatten)]
    pub latency: Latency,
}

impl Throughput {
    /// `events` done in `elapsed`, with the latency `samples` (sorted in place).
    pub fn of(events: usize, elapsed: Duration, samples: &mut [Duration]) -> Throughput {
        Throughput {
            events_per_s: events as f64 / elapsed.as_secs_f64(),
            latency: Latency::of(samples),
        }
    }
}

/// Why a benchmark could not run.
#[derive(Debug, thiserror::Error)]
pub enum BenchError {
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The raw sled baseline failed.
    #[error("sled baseline: {0}")]
    Sled(#[from] sled::Error),
    /// Scratch files, sockets or a child process failed.
    #[error("i/o: {0}")]
    Io(#[from] std::io::Error),
    /// A benchmark task failed.
    #[error("benchmark task failed: {0}")]
    Task(#[from] tokio::task::JoinError),
    /// A websocket connection failed.
    #[error("websocket: {0}")]
    Websocket(#[from] tokio_tungstenite::tungstenite::Error),
    /// Setting up the server, the account, the workspace or a client failed, or a peer did
    /// not behave as the protocol says.
    #[error("{0}")]
    Setup(String),
}

/// A scratch directory beside the data, removed when dropped.
pub(crate) struct Scratch(pub(crate) PathBuf);

impl Scratch {
    pub(crate) fn new(parent: &Path, name: &str) -> Result<Scratch, std::io::Error> {
        let path = parent.join(format!("bench-{name}-{}", Uuid::new_v4()));
        std::fs::create_dir_all(&path)?;
        Ok(Scratch(path))
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Raises this process's soft limit of open files to its hard limit (sockets are files: the
/// websocket scenarios hold thousands). Returns the soft and hard limits now in force.
///
/// # Errors
/// The system calls failing.
pub fn raise_open_file_limit() -> Result<(u64, u64), BenchError> {
    rlimit::increase_nofile_limit(u64::MAX)?;
    Ok(rlimit::Resource::NOFILE.get()?)
}

/// This process's resident memory (`VmRSS` of `/proc/self/status`), in bytes; 0 where that
/// file does not exist.
pub fn resident_bytes() -> u64 {
    resident_bytes_of("self")
}

/// The resident memory of process `process` (a pid, or `self`), in bytes; 0 where
/// `/proc/<process>/status` cannot be read.
pub fn resident_bytes_of(process: &str) -> u64 {
    let Ok(status) = std::fs::read_to_string(format!("/proc/{process}/status")) else {
        return 0;
    };
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|rest| {
            rest.trim()
                .trim_end_matches("kB")
                .trim()
                .parse::<u64>()
                .ok()
        })
        .map_or(0, |kib| kib * 1024)
}

/// The CPU seconds (user and system, all threads) process `process` (a pid, or `self`) has
/// used, from `/proc/<process>/stat`; 0 where that cannot be read.
pub fn cpu_seconds_of(process: &str) -> f64 {
    cpu_time_of(process).as_secs_f64()
}

/// [`cpu_seconds_of`] as a duration; zero where it cannot be read.
pub fn cpu_time_of(process: &str) -> Duration {
    std::fs::read_to_string(format!("/proc/{process}/stat"))
        .ok()
        .and_then(|stat| cpu_of_stat(&stat))
        .unwrap_or_default()
}

/// CPU time (user and system) this process has used: in all, and by thread name (a trailing
/// number dropped, so `sled-io-3` counts as `sled-io`). Read from `/proc`; empty elsewhere.
/// Threads that ended count in the total only.
#[derive(Debug, Clone, Default)]
pub struct CpuTimes {
    total: Duration,
    by_thread: BTreeMap<String, Duration>,
}

/// Linux reports CPU time in ticks of 1/100 s (`USER_HZ`).
const TICK: Duration = Duration::from_millis(10);

/// User plus system ticks from the text of a `/proc/.../stat` file.
pub(crate) fn cpu_of_stat(stat: &str) -> Option<Duration> {
    // The fields after the command name, which is in parentheses and may hold spaces.
    let fields: Vec<&str> = stat.rsplit_once(") ")?.1.split_whitespace().collect();
    let user: u32 = fields.get(11)?.parse().ok()?;
    let system: u32 = fields.get(12)?.parse().ok()?;
    Some(TICK * (user + system))
}

impl CpuTimes {
    /// The times now.
    pub fn now() -> CpuTimes {
        let mut times = CpuTimes::default();
        if let Some(total) = std::fs::read_to_string("/proc/self/stat")
            .ok()
            .and_then(|stat| cpu_of_stat(&stat))
        {
            times.total = total;
        }
        let Ok(tasks) = std::fs::read_dir("/proc/self/task") else {
            return times;
        };
        for task in tasks.flatten() {
            let path = task.path();
            let (Ok(name), Ok(stat)) = (
                std::fs::read_to_string(path.join("comm")),
                std::fs::read_to_string(path.join("stat")),
            ) else {
                continue;
            };
            let name = name.trim().trim_end_matches(|c: char| c.is_ascii_digit());
            let name = name.trim_end_matches('-').to_owned();
            if let Some(used) = cpu_of_stat(&stat) {
                *times.by_thread.entry(name).or_default() += used;
            }
        }
        times
    }

    /// The CPU used from `earlier` to these times.
    pub fn since(&self, earlier: &CpuTimes) -> CpuTimes {
        let by_thread = self
            .by_thread
            .iter()
            .map(|(name, now)| {
                let then = earlier.by_thread.get(name).copied().unwrap_or_default();
                (name.clone(), now.saturating_sub(then))
            })
            .collect();
        CpuTimes {
            total: self.total.saturating_sub(earlier.total),
            by_thread,
        }
    }

    /// Adds the CPU of `more` (a [`CpuTimes::since`]) to these times.
    pub fn add(&mut self, more: &CpuTimes) {
        self.total += more.total;
        for (name, used) in &more.by_thread {
            *self.by_thread.entry(name.clone()).or_default() += *used;
        }
    }

    /// Microseconds of CPU per event of these times (a [`CpuTimes::since`] or a sum of them),
    /// for `events` events: `total`, and each of `threads` that used any.
    pub fn per_event(&self, events: usize, threads: &[&str]) -> BTreeMap<String, f64> {
        let per_event = |used: Duration| used.as_secs_f64() * 1e6 / events.max(1) as f64;
        let mut figures = BTreeMap::new();
        figures.insert("total".to_owned(), per_event(self.total));
        for thread in threads {
            let used = self.by_thread.get(*thread).copied().unwrap_or_default();
            if !used.is_zero() {
                figures.insert((*thread).to_owned(), per_event(used));
            }
        }
        figures
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_pick_the_nearest_rank() {
        let mut samples: Vec<Duration> = (1..=100).map(Duration::from_millis).collect();
        let latency = Latency::of(&mut samples);
        assert_eq!(latency.p50_ms, 51.0);
        assert_eq!(latency.p99_ms, 99.0);
        assert_eq!(latency.max_ms, 100.0);
        assert_eq!(Latency::of(&mut []).p99_ms, 0.0);
    }

    #[test]
    fn cpu_time_is_read_from_proc_stat() {
        let stat = "4242 (log writer) S 1 2 3 4 5 6 7 8 9 10 250 30 0 0 20 0 9 0 100";
        assert_eq!(cpu_of_stat(stat), Some(Duration::from_millis(2_800)));
        if Path::new("/proc/self/stat").exists() {
            let before = CpuTimes::now();
            let mut spin = 0u64;
            let started = std::time::Instant::now();
            while started.elapsed() < Duration::from_millis(60) {
                spin = spin.wrapping_add(1);
            }
            let used = CpuTimes::now().since(&before).per_event(1, &[]);
            assert!(spin > 0);
            assert!(used["total"] >= 10_000.0, "{used:?}");
        }
    }

    #[test]
    fn resident_memory_is_read_on_linux() {
        if Path::new("/proc/self/status").exists() {
            assert!(resident_bytes() > 0);
        }
    }
}
