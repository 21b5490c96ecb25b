//! Start-up at any log length (issue 19, scenario 3): how long a server holding a long log
//! takes from its start to answering `/readyz` (views current), with and without the
//! projection checkpoint, in the same run, and how much memory it holds once started.
//!
//! The history of scenario 4 (`history`, one workspace) is appended to a scratch store (sled
//! in a scratch directory, or a fresh PostgreSQL schema). Then, in alternating rounds, a
//! server process is started on it (a second process of this binary, `startup-server`, which
//! opens the store and starts exactly as `partnerhub serve` does: `Backing::open`,
//! `server::start_node`, `server::run`) and timed from its spawn to its first `200` from
//! `/readyz`:
//!
//! - **rebuild**: the checkpoint and the timeline index are removed first, so the server
//!   folds the whole log, every timeline entry included;
//! - **checkpoint**: the server starts from the checkpoint the previous server wrote at its
//!   clean shutdown;
//! - with `--after-crash`, two more per round: **rebuild-killed**, a rebuild whose server is
//!   killed (`SIGKILL`) once its checkpoint is written and its memory read, and
//!   **checkpoint-after-kill**, the start from that checkpoint: what a start costs after a
//!   crash, when nothing brought sled's snapshots to the end of the log (a clean shutdown
//!   does) and the open reads forward everything written since the killed server's own open.
//!
//! For each start: seconds to ready, the server's CPU seconds by then, its resident memory
//! at ready and [`SETTLE`] later, how long after ready its first checkpoint was written (a
//! rebuilt server writes it in the background, saving every timeline entry into the timeline
//! index; a server started from a checkpoint has it already), its resident memory [`SETTLE`]
//! after that write (steady) and the most it held from ready until then (peak, read every
//! [`SAMPLE_EVERY`]), and how long its clean shutdown took (which writes a checkpoint). The
//! memory bar (steady ≤ 1 GiB) is judged for both kinds of start, the time bar (ready ≤ 1 s)
//! for a start from the checkpoint.

use std::net::SocketAddr;
use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use serde::Serialize;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use uuid::Uuid;

use super::{BenchError, Scratch};
use partnerhub::node::{Backing, StoreLocation};
use partnerhub::store::EventStore;

/// How long after ready, and after the first checkpoint is written, memory is read.
pub const SETTLE: Duration = Duration::from_secs(5);
/// How often the server's resident memory is read for its peak.
pub const SAMPLE_EVERY: Duration = Duration::from_millis(250);
/// The bar: ready at most this long after start, from a checkpoint.
const BAR_READY_S: f64 = 1.0;
/// The bar: steady resident memory at most this much.
const BAR_RSS_BYTES: u64 = 1 << 30;
/// How long a server may take to be ready before the run gives up.
const READY_TIMEOUT: Duration = Duration::from_secs(600);

/// One start of a server.
#[derive(Debug, Clone, Serialize)]
pub struct StartupResult {
    /// Always `startup`.
    pub scenario: &'static str,
    /// `sled` or `postgres`.
    pub store: &'static str,
    /// Events in the log.
    pub events: u64,
    /// The round (starts of both kinds alternate).
    pub round: usize,
    /// `rebuild` (no checkpoint), `checkpoint`, and with `--after-crash` `rebuild-killed`
    /// and `checkpoint-after-kill`.
    pub start: &'static str,
    /// Seconds from the spawn of the server process to its first `200` from `/readyz`.
    pub ready_s: f64,
    /// CPU seconds (user and system, all threads) the server used by then.
    pub cpu_s: f64,
    /// Its resident memory when ready, MiB.
    pub rss_ready_mib: f64,
    /// Its resident memory [`SETTLE`] after ready, MiB (for a rebuilt server, while its first
    /// checkpoint is being written).
    pub rss_settle_mib: f64,
    /// Seconds from ready to the end of its first checkpoint's write (0 when it started from
    /// one; `None` when the log is shorter than the events between background checkpoints,
    /// so that none is written before the server stops).
    pub checkpoint_written_s: Option<f64>,
    /// Its resident memory [`SETTLE`] after its first checkpoint was written, MiB.
    pub rss_steady_mib: f64,
    /// The most resident memory read from ready until `rss_steady_mib` was, MiB.
    pub rss_peak_mib: f64,
    /// Seconds from the request to stop to its exit (a clean shutdown writes a checkpoint;
    /// a killed server's is the kill's).
    pub shutdown_s: f64,
    /// Bytes of the checkpoint it left.
    pub checkpoint_bytes: u64,
    /// Steady memory within 1 GiB, and for a start from a checkpoint also ready within 1 s.
    pub bar_met: bool,
}

impl StartupResult {
    /// A header for [`StartupResult::table_row`].
    pub fn table_header() -> String {
        format!(
            "{:>8}  {:>9}  {:>5}  {:>10}  {:>8}  {:>7}  {:>9}  {:>9}  {:>8}  {:>10}  {:>8}  {:>10}  {:>11}  bar",
            "store",
            "events",
            "round",
            "start",
            "ready s",
            "cpu s",
            "rss MiB",
            "+5 s MiB",
            "ckpt s",
            "steady MiB",
            "peak MiB",
            "stop s",
            "checkpoint"
        )
    }

    /// One row of a table.
    pub fn table_row(&self) -> String {
        format!(
            "{:>8}  {:>9}  {:>5}  {:>10}  {:>8.2}  {:>7.2}  {:>9.0}  {:>9.0}  {:>8.2}  {:>10.0}  {:>8.0}  {:>10.2}  {:>7.0} MiB  {}",
            self.store,
            self.events,
            self.round,
            self.start,
            self.ready_s,
            self.cpu_s,
            self.rss_ready_mib,
            self.rss_settle_mib,
            self.checkpoint_written_s.unwrap_or(f64::NAN),
            self.rss_steady_mib,
            self.rss_peak_mib,
            self.shutdown_s,
            self.checkpoint_bytes as f64 / 1024.0 / 1024.0,
            if self.bar_met { "met" } else { "NOT MET" }
        )
    }
}

/// Where the scenario's log is.
pub enum StartupStore {
    /// A scratch sled store under the data directory.
    Sled,
    /// A fresh schema in the PostgreSQL database at this URL (dropped afterwards).
    Postgres(String),
}

/// Runs the scenario: `rounds` starts of each kind, alternating, on a log of `events` events;
/// hands each start's figures to `report`.
///
/// # Errors
/// Store, process and network failures.
pub async fn startup(
    data: &Path,
    store: StartupStore,
    (events, rounds, after_crash): (u64, usize, bool),
    report: &mut (dyn FnMut(&StartupResult) + Send),
) -> Result<(), BenchError> {
    let scratch = Scratch::new(data, "startup")?;
    let schema = format!("bench_startup_{}", Uuid::new_v4().simple());
    let (location, kind, base_url) = match &store {
        StartupStore::Sled => (StoreLocation::Embedded(scratch.0.clone()), "sled", None),
        StartupStore::Postgres(url) => {
            super::postgres::create_schema(url, &schema).await?;
            let separator = if url.contains('?') { '&' } else { '?' };
            (
                StoreLocation::Postgres(format!(
                    "{url}{separator}options=-c%20search_path%3D{schema}"
                )),
                "postgres",
                Some(url.clone()),
            )
        }
    };
    let starts: &[&'static str] = if after_crash {
        &[
            "rebuild",
            "checkpoint",
            "rebuild-killed",
            "checkpoint-after-kill",
        ]
    } else {
        &["rebuild", "checkpoint"]
    };
    let outcome = run_rounds(&location, kind, (events, rounds, starts), report).await;
    if let Some(url) = base_url {
        super::postgres::drop_schema(&url, &schema).await?;
    }
    outcome
}

async fn run_rounds(
    location: &StoreLocation,
    kind: &'static str,
    (events, rounds, starts): (u64, usize, &[&'static str]),
    report: &mut (dyn FnMut(&StartupResult) + Send),
) -> Result<(), BenchError> {
    let generating = Instant::now();
    {
        let backing = Backing::open(location).await?;
        let store = backing.event_store();
        super::rebuild::generate(store.as_ref(), Uuid::new_v4(), events).await?;
        store.shutdown().await;
    }
    eprintln!(
        "startup: {events} events appended to {kind} in {:.1} s",
        generating.elapsed().as_secs_f64()
    );
    // A start is reported once the store is opened after it (before the next rebuild, or
    // at the end), which reads the checkpoint's size: nothing opens the store between a
    // server's stop and the next server's start, since an open moves sled's snapshot on and
    // would spare the next start what a real one pays.
    let mut unreported: Vec<StartupResult> = Vec::new();
    for round in 1..=rounds {
        for &start in starts {
            let rebuild = start.starts_with("rebuild");
            if rebuild {
                // No checkpoint (an empty one reads as none), no timeline index.
                let backing = open_when_free(location).await?;
                let store = backing.event_store();
                report_unreported(store.as_ref(), &mut unreported, report).await?;
                store.save_checkpoint(Vec::new()).await?;
                store.clear_timeline().await?;
                store.shutdown().await;
            }
            let stop = if start == "rebuild-killed" {
                Stop::Kill
            } else {
                Stop::Clean
            };
            let result = start_once(location, stop).await?;
            unreported.push(StartupResult {
                store: kind,
                events,
                round,
                start,
                ..result
            });
        }
    }
    let backing = open_when_free(location).await?;
    let store = backing.event_store();
    report_unreported(store.as_ref(), &mut unreported, report).await?;
    store.shutdown().await;
    Ok(())
}

/// Reports the starts not yet reported, with the size of the checkpoint `store` holds (the
/// one their servers started from or wrote; a start from it writes no other).
async fn report_unreported(
    store: &dyn EventStore,
    unreported: &mut Vec<StartupResult>,
    report: &mut (dyn FnMut(&StartupResult) + Send),
) -> Result<(), BenchError> {
    if unreported.is_empty() {
        return Ok(());
    }
    let checkpoint_bytes = store
        .load_checkpoint()
        .await?
        .map_or(0, |bytes| bytes.len() as u64);
    for result in unreported.drain(..) {
        let result = StartupResult {
            checkpoint_bytes,
            bar_met: (result.start.starts_with("rebuild") || result.ready_s <= BAR_READY_S)
                && result.rss_steady_mib * 1024.0 * 1024.0 <= BAR_RSS_BYTES as f64,
            ..result
        };
        report(&result);
    }
    Ok(())
}

/// Opens the store, waiting for a server process that just exited to let go of it.
async fn open_when_free(location: &StoreLocation) -> Result<Backing, BenchError> {
    let started = Instant::now();
    loop {
        match Backing::open(location).await {
            Ok(backing) => return Ok(backing),
            Err(error) if started.elapsed() < Duration::from_secs(30) => {
                if !error.to_string().contains("in use") {
                    return Err(error.into());
                }
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            Err(error) => return Err(error.into()),
        }
    }
}

/// How a started server is stopped once measured.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Stop {
    /// Its standard input closed: a clean shutdown, which writes a checkpoint and brings
    /// sled's snapshots to the end of the log.
    Clean,
    /// `SIGKILL`, as a crash.
    Kill,
}

/// Starts a server process on `location`, times it to ready, reads its memory, stops it.
async fn start_once(location: &StoreLocation, stop: Stop) -> Result<StartupResult, BenchError> {
    let mut command = tokio::process::Command::new(std::env::current_exe()?);
    command.arg("startup-server");
    match location {
        StoreLocation::Embedded(directory) => command.arg("--directory").arg(directory),
        StoreLocation::Postgres(url) => command.arg("--store").arg(url),
    };
    let started = Instant::now();
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .kill_on_drop(true)
        .spawn()?;
    let pid = child
        .id()
        .ok_or_else(|| BenchError::Setup("the server process has no id".into()))?;
    let (Some(stdin), Some(stdout)) = (child.stdin.take(), child.stdout.take()) else {
        return Err(BenchError::Setup("the server process has no pipes".into()));
    };
    let mut lines = BufReader::new(stdout).lines();
    let address: SocketAddr = tokio::time::timeout(READY_TIMEOUT, async {
        while let Some(line) = lines.next_line().await? {
            if let Some(address) = line.strip_prefix("listening ") {
                return address
                    .parse()
                    .map_err(|_| BenchError::Setup(format!("not an address: {address}")));
            }
        }
        Err(BenchError::Setup(
            "the server process ended before it listened (see its error above)".into(),
        ))
    })
    .await
    .map_err(|_| BenchError::Setup(format!("not listening within {READY_TIMEOUT:?}")))??;
    while !ready(address).await {
        if started.elapsed() > READY_TIMEOUT {
            return Err(BenchError::Setup(format!(
                "not ready within {READY_TIMEOUT:?}"
            )));
        }
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    let ready = Instant::now();
    let ready_s = started.elapsed().as_secs_f64();
    let cpu_s = crate::cpu_seconds_of(&pid.to_string());
    let rss_ready = process_rss(pid);
    let mut rss_peak = rss_ready;
    let mut rss_settle = None;
    let mut sampling = tokio::time::interval(SAMPLE_EVERY);
    // Until the server says its first checkpoint is written (then SETTLE more), its memory is
    // read every SAMPLE_EVERY for the peak, and SETTLE after ready.
    let mut heard = false;
    let mut checkpoint_written = None;
    let mut steady_at = None;
    let rss_steady = loop {
        tokio::select! {
            line = lines.next_line(), if !heard => {
                match line? {
                    Some(line) if line.starts_with("checkpointed ") => {
                        heard = true;
                        checkpoint_written =
                            (line != "checkpointed none").then(|| ready.elapsed());
                        steady_at = Some(Instant::now() + SETTLE);
                    }
                    Some(_) => {}
                    None => {
                        return Err(BenchError::Setup(
                            "the server process ended before its first checkpoint".into(),
                        ))
                    }
                }
            }
            _ = sampling.tick() => {
                let rss = process_rss(pid);
                rss_peak = rss_peak.max(rss);
                if rss_settle.is_none() && ready.elapsed() >= SETTLE {
                    rss_settle = Some(rss);
                }
                if steady_at.is_some_and(|at| Instant::now() >= at) && rss_settle.is_some() {
                    break rss;
                }
                if !heard && ready.elapsed() > READY_TIMEOUT {
                    return Err(BenchError::Setup(format!(
                        "no checkpoint written within {READY_TIMEOUT:?} of ready"
                    )));
                }
            }
        }
    };
    let stopping = Instant::now();
    match stop {
        Stop::Clean => {
            drop(stdin);
            while lines.next_line().await?.is_some() {}
        }
        Stop::Kill => child.start_kill()?,
    }
    child.wait().await?;
    Ok(StartupResult {
        scenario: "startup",
        store: "",
        events: 0,
        round: 0,
        start: "",
        ready_s,
        cpu_s,
        rss_ready_mib: mib(rss_ready),
        rss_settle_mib: mib(rss_settle.unwrap_or(rss_steady)),
        checkpoint_written_s: checkpoint_written.map(|at| at.as_secs_f64()),
        rss_steady_mib: mib(rss_steady),
        rss_peak_mib: mib(rss_peak),
        shutdown_s: stopping.elapsed().as_secs_f64(),
        checkpoint_bytes: 0,
        bar_met: false,
    })
}

/// Whether `GET /readyz` answers `200`.
async fn ready(address: SocketAddr) -> bool {
    let Ok(mut stream) = tokio::net::TcpStream::connect(address).await else {
        return false;
    };
    let request = format!("GET /readyz HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n");
    if stream.write_all(request.as_bytes()).await.is_err() {
        return false;
    }
    let mut answer = Vec::new();
    if stream.read_to_end(&mut answer).await.is_err() {
        return false;
    }
    answer.starts_with(b"HTTP/1.1 200")
}

fn mib(bytes: u64) -> f64 {
    bytes as f64 / 1024.0 / 1024.0
}

/// A process's resident memory, from `/proc/<pid>/status`; 0 where that cannot be read.
fn process_rss(pid: u32) -> u64 {
    crate::resident_bytes_of(&pid.to_string())
}

/// The server process of the scenario: opens the store at `location` and starts as
/// `partnerhub serve` does, prints `listening <address>`, then `checkpointed <position>` once
/// a checkpoint of the views it started with is written (at once when it started from one;
/// `checkpointed none` when its log is too short for a background checkpoint to be due),
/// and serves until its standard input ends; then shuts down cleanly (writing a checkpoint).
///
/// # Errors
/// Store and network failures.
pub async fn serve_until_stdin_ends(location: &StoreLocation) -> Result<(), BenchError> {
    let backing = Backing::open(location).await?;
    let limits = partnerhub::app_state::Limits::default();
    let due = limits.checkpoints.every_events;
    let state = partnerhub::server::start_node(&backing, limits, &mut |_| {}).await?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    println!("listening {}", listener.local_addr()?);
    let projections = state.projections.clone();
    let started_at = projections.checkpoint();
    tokio::spawn(async move {
        loop {
            let written = projections.checkpoint_written_through().await;
            if written >= started_at {
                println!("checkpointed {written}");
                return;
            }
            if started_at < due {
                // The background checkpointer writes its first after `due` events (or
                // minutes later): none before the bench stops this server.
                println!("checkpointed none");
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    });
    let shutdown = async {
        let mut input = tokio::io::stdin();
        let mut sink = Vec::new();
        let _ = input.read_to_end(&mut sink).await;
    };
    partnerhub::server::run(listener, state, shutdown).await?;
    println!("done");
    Ok(())
}
