//! Edits per second, end to end (issue 19, scenario 1): N clients, each on its own
//! connection, each sending one single-event edit at a time and waiting for its durable
//! acknowledgement before the next, against partnerhub and against the systems a team would
//! otherwise reach for, each started by this benchmark and measured in the same run:
//!
//! - **Redis 7 Streams**: `redis-server` (Debian's) on a free loopback port, its data in a
//!   scratch directory, `appendonly yes`, `appendfsync always`; N connections each doing
//!   `XADD` of bytes as long as partnerhub's stored event to a stream of its own, waiting for
//!   each reply (a small RESP client over a tokio `TcpStream`).
//! - **PostgreSQL**: the local server, a fresh schema dropped afterwards; connections each
//!   inserting one row of the same bytes per transaction, `synchronous_commit = on` (at
//!   most [`PEER_CONNECTIONS`], since the server allows 100 connections for everyone).
//! - **partnerhub** on sled (a scratch directory) and on PostgreSQL (a fresh schema): a
//!   server process of this binary (`edits-server`) that opens its store and starts as
//!   `partnerhub serve` does, with the per-connection command rate raised through
//!   [`Limits::commands_per_second`] (`partnerhub serve --commands-per-second`); N
//!   websockets, each saying hello and then sending `change_relation_level` commands on an
//!   organisation of a workspace of its own (moving it between network and collaboration
//!   with a realistic reason), each waiting for its `ack`, which the server sends only once
//!   the event is durable. Like the RESP client's `XADD`, each client's command frames are
//!   encoded once (one per level) and each edit writes its fresh command id into a copy
//!   (`SocketClient`); the server decodes, decides and stores every frame in full.
//!
//! - **The floors** ([`super::edits_floor`]): servers of this binary speaking partnerhub's
//!   websocket protocol to the same clients that only acknowledge (`ws-floor`), append and
//!   sync a file (`ws-fsync-floor`), or insert the PostgreSQL peer's row
//!   (`ws-postgres-floor`): what any server of this protocol pays on this machine, so that
//!   the gap to the peers splits into the protocol's part and partnerhub's own.
//!
//! Each system gets a fresh server per run; runs alternate (Redis, partnerhub on sled,
//! PostgreSQL, partnerhub on PostgreSQL, then again) so that the shared machine's drift hits
//! all alike. Per run: edits per second, acknowledgement latency (p50, p99), and the CPU
//! seconds of the server side (the server process; for PostgreSQL its backends of the run)
//! and of the load generator (this process).

use std::net::SocketAddr;
use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use serde::Serialize;
use serde_json::json;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use uuid::Uuid;

use super::client::Socket;
use super::edits_floor::FloorMode;
use super::live::{ACTOR, PASSWORD};
use super::{BenchError, CpuTimes, Latency, Scratch};
use partnerhub::accounts::Role;
use partnerhub::app_state::Limits;
use partnerhub::domain::vocabulary::{Level, Sector};
use partnerhub::domain::Command;
use partnerhub::node::{Backing, StoreLocation};

/// The most connections the PostgreSQL peer opens (the server allows 100 for everyone on
/// the machine).
pub const PEER_CONNECTIONS: usize = 32;
/// The per-connection command rate the benchmark's server allows (the default of 50 per
/// second would be the limit measured, not the server).
pub const BENCH_COMMANDS_PER_SECOND: u32 = 1_000_000;
/// Where Debian puts Redis.
const REDIS_SERVER: &str = "/usr/bin/redis-server";
/// How long a server has to come up.
const START_TIMEOUT: Duration = Duration::from_secs(120);

/// The reason every edit carries: what a librarian writes when a relation moves. The stored
/// event, with its metadata and hash, is 877 bytes (the run reports the exact size).
const REASON: &str = "Efter mødet i marts har vi aftalt en fælles læsekreds for unge i \
    Læringsrummet; de stiller en underviser, vi stiller lokale og materialer. Næste skridt: \
    evaluering i juni, og om samarbejdet skal skrives ind i en aftale.";

/// What the scenario measures.
#[derive(Debug, Clone)]
pub struct EditsPlan {
    /// Client counts, each a configuration.
    pub clients: Vec<usize>,
    /// Seconds each run lasts (when `edits` is not given).
    pub seconds: f64,
    /// Edits per run, over all clients (instead of `seconds`).
    pub edits: Option<usize>,
    /// Rounds of each system, alternating.
    pub rounds: usize,
    /// PostgreSQL (for the peer and partnerhub on it); `None` runs Redis and sled only.
    pub postgres: Option<String>,
    /// The systems to run (of [`SYSTEMS`]); empty runs all of them (the PostgreSQL ones only
    /// with `postgres`). For profiling one system; the ratios need both sides of each.
    pub systems: Vec<String>,
}

/// Every system the scenario knows, in the order its runs alternate.
pub const SYSTEMS: [&str; 7] = [
    "redis",
    "partnerhub-sled",
    "postgres",
    "partnerhub-postgres",
    "ws-floor",
    "ws-fsync-floor",
    "ws-postgres-floor",
];

/// One run of one system.
#[derive(Debug, Clone, Serialize)]
pub struct EditsRun {
    /// Always `edits`.
    pub scenario: &'static str,
    /// One of [`SYSTEMS`].
    pub system: &'static str,
    /// Concurrent clients.
    pub clients: usize,
    /// Connections the system was driven over (the PostgreSQL peer uses at most
    /// [`PEER_CONNECTIONS`]).
    pub connections: usize,
    /// Round (from 1).
    pub round: usize,
    /// Bytes of one edit as stored (the peers store this many bytes per edit).
    pub edit_bytes: usize,
    /// Edits acknowledged.
    pub edits: usize,
    /// Seconds from the first send to the last acknowledgement.
    pub elapsed_s: f64,
    /// Edits acknowledged per second.
    pub edits_per_s: f64,
    /// From send to acknowledgement.
    #[serde(flatten)]
    pub latency: Latency,
    /// CPU seconds of the server side in the run.
    pub server_cpu_s: f64,
    /// CPU seconds of this process (the load generator) in the run.
    pub client_cpu_s: f64,
}

/// One configuration's summary: the rounds of each system together, and the ratios.
#[derive(Debug, Clone, Serialize)]
pub struct EditsSummary {
    /// Always `edits_summary`.
    pub scenario: &'static str,
    /// Concurrent clients.
    pub clients: usize,
    /// Rounds of each system.
    pub rounds: usize,
    /// Edits per second of each system, over all its rounds.
    pub edits_per_s: std::collections::BTreeMap<&'static str, f64>,
    /// partnerhub on sled over Redis (absent when either was not run).
    pub sled_to_redis: Option<f64>,
    /// partnerhub on sled over plain PostgreSQL inserts.
    pub sled_to_postgres: Option<f64>,
    /// partnerhub on PostgreSQL over plain PostgreSQL inserts.
    pub partnerhub_postgres_to_postgres: Option<f64>,
    /// The durable websocket floor ([`FloorMode::Fsync`]) over Redis: above 1.0, a server of
    /// partnerhub's protocol that only appends and syncs could be ahead of Redis here.
    pub fsync_floor_to_redis: Option<f64>,
    /// partnerhub on sled over the durable websocket floor: the share of the floor's rate
    /// partnerhub's own work leaves.
    pub sled_to_fsync_floor: Option<f64>,
    /// The PostgreSQL peer behind a websocket ([`FloorMode::Postgres`]) over the plain
    /// PostgreSQL peer: what the websocket's round trip leaves of the inserts' rate.
    pub postgres_floor_to_postgres: Option<f64>,
    /// Every bar of the issue met (sled ≥ 1.0x Redis and PostgreSQL; partnerhub on
    /// PostgreSQL ≥ 0.8x PostgreSQL).
    pub bar_met: bool,
}

impl EditsRun {
    /// The table's header.
    pub fn table_header() -> String {
        format!(
            "{:>20}  {:>7}  {:>5}  {:>5}  {:>7}  {:>9}  {:>8}  {:>8}  {:>9}  {:>9}",
            "system",
            "clients",
            "conn",
            "round",
            "edits",
            "edits/s",
            "p50 ms",
            "p99 ms",
            "server s",
            "client s"
        )
    }

    /// One line for people.
    pub fn table_row(&self) -> String {
        format!(
            "{:>20}  {:>7}  {:>5}  {:>5}  {:>7}  {:>9.0}  {:>8.3}  {:>8.3}  {:>9.2}  {:>9.2}",
            self.system,
            self.clients,
            self.connections,
            self.round,
            self.edits,
            self.edits_per_s,
            self.latency.p50_ms,
            self.latency.p99_ms,
            self.server_cpu_s,
            self.client_cpu_s
        )
    }
}

impl EditsSummary {
    /// One line for people.
    pub fn report(&self) -> String {
        let figures: Vec<String> = self
            .edits_per_s
            .iter()
            .map(|(system, rate)| format!("{system} {rate:.0}/s"))
            .collect();
        let ratio = |value: Option<f64>| value.map_or("-".to_owned(), |v| format!("{v:.2}x"));
        let floors = match (
            self.fsync_floor_to_redis,
            self.sled_to_fsync_floor,
            self.postgres_floor_to_postgres,
        ) {
            (None, None, None) => String::new(),
            (to_redis, sled, postgres) => format!(
                " | ws-fsync-floor/redis {}, sled/ws-fsync-floor {}, ws-postgres-floor/postgres {}",
                ratio(to_redis),
                ratio(sled),
                ratio(postgres)
            ),
        };
        format!(
            "{} clients: {} | sled/redis {}, sled/postgres {}, partnerhub-postgres/postgres {}{} | bar {}",
            self.clients,
            figures.join(", "),
            ratio(self.sled_to_redis),
            ratio(self.sled_to_postgres),
            ratio(self.partnerhub_postgres_to_postgres),
            floors,
            if self.bar_met { "met" } else { "NOT MET" }
        )
    }
}

/// How long each run lasts.
#[derive(Debug, Clone, Copy)]
enum Budget {
    /// Until this many edits are acknowledged (over all clients).
    Edits(usize),
    /// Until this much time has passed.
    Time(Duration),
}

impl Budget {
    /// Whether client `client` of `clients` may send its `sent`-th edit (from 0) at
    /// `elapsed`.
    fn allows(self, client: usize, clients: usize, sent: usize, elapsed: Duration) -> bool {
        match self {
            Budget::Edits(total) => {
                let share = total / clients + usize::from(client < total % clients);
                sent < share
            }
            Budget::Time(limit) => elapsed < limit,
        }
    }
}

/// Runs the scenario as `plan` says, scratch directories under `data`; `run_done` hears each
/// run, `summary_done` each configuration's summary.
///
/// # Errors
/// A system that cannot start or misbehaves.
pub async fn edits(
    data: &Path,
    plan: &EditsPlan,
    run_done: &mut (dyn FnMut(&EditsRun) + Send),
    summary_done: &mut (dyn FnMut(&EditsSummary) + Send),
) -> Result<(), BenchError> {
    let edit_bytes = stored_edit_size(data).await?;
    let budget = match plan.edits {
        Some(edits) => Budget::Edits(edits),
        None => Budget::Time(Duration::from_secs_f64(plan.seconds)),
    };
    let systems: Vec<&'static str> = SYSTEMS
        .into_iter()
        .filter(|system| plan.postgres.is_some() || !system.contains("postgres"))
        .filter(|system| plan.systems.is_empty() || plan.systems.iter().any(|s| s == system))
        .collect();
    if systems.is_empty() {
        return Err(BenchError::Setup(format!(
            "no system to run: --systems names none of {} (the PostgreSQL ones need --postgres)",
            SYSTEMS.join(", ")
        )));
    }
    for &clients in &plan.clients {
        let mut totals: std::collections::BTreeMap<&'static str, (usize, f64)> =
            std::collections::BTreeMap::new();
        for round in 1..=plan.rounds {
            for &system in &systems {
                let measured = match system {
                    "redis" => redis(data, clients, budget, edit_bytes).await?,
                    "ws-floor" | "ws-fsync-floor" | "ws-postgres-floor" => {
                        let mode = match system {
                            "ws-floor" => FloorMode::Ack,
                            "ws-fsync-floor" => FloorMode::Fsync,
                            _ => FloorMode::Postgres,
                        };
                        let postgres = plan
                            .postgres
                            .as_deref()
                            .filter(|_| mode == FloorMode::Postgres);
                        floor(data, postgres, mode, (clients, budget), edit_bytes).await?
                    }
                    "postgres" => {
                        postgres_peer(
                            plan.postgres.as_deref().unwrap_or_default(),
                            clients,
                            budget,
                            edit_bytes,
                        )
                        .await?
                    }
                    _ => {
                        partnerhub(
                            data,
                            plan.postgres
                                .as_deref()
                                .filter(|_| system == "partnerhub-postgres"),
                            clients,
                            budget,
                        )
                        .await?
                    }
                };
                let run = EditsRun {
                    scenario: "edits",
                    system,
                    clients,
                    connections: measured.connections,
                    round,
                    edit_bytes,
                    edits: measured.samples.len(),
                    elapsed_s: measured.elapsed.as_secs_f64(),
                    edits_per_s: measured.samples.len() as f64
                        / measured.elapsed.as_secs_f64().max(1e-9),
                    latency: Latency::of(&mut measured.samples.clone()),
                    server_cpu_s: measured.server_cpu.as_secs_f64(),
                    client_cpu_s: measured.client_cpu.as_secs_f64(),
                };
                run_done(&run);
                let total = totals.entry(system).or_default();
                total.0 += run.edits;
                total.1 += run.elapsed_s;
            }
        }
        let rate = |system: &str| {
            totals
                .get(system)
                .map(|(edits, seconds)| *edits as f64 / seconds.max(1e-9))
        };
        let sled = rate("partnerhub-sled");
        let sled_to_redis = sled.zip(rate("redis")).map(|(sled, redis)| sled / redis);
        let sled_to_postgres = sled.zip(rate("postgres")).map(|(sled, peer)| sled / peer);
        let partnerhub_postgres_to_postgres = rate("postgres")
            .zip(rate("partnerhub-postgres"))
            .map(|(peer, ours)| ours / peer);
        let fsync_floor = rate("ws-fsync-floor");
        let summary = EditsSummary {
            scenario: "edits_summary",
            clients,
            rounds: plan.rounds,
            edits_per_s: totals
                .keys()
                .filter_map(|system| Some((*system, rate(system)?)))
                .collect(),
            sled_to_redis,
            sled_to_postgres,
            partnerhub_postgres_to_postgres,
            fsync_floor_to_redis: fsync_floor
                .zip(rate("redis"))
                .map(|(floor, redis)| floor / redis),
            sled_to_fsync_floor: rate("partnerhub-sled")
                .zip(fsync_floor)
                .map(|(sled, floor)| sled / floor),
            postgres_floor_to_postgres: rate("ws-postgres-floor")
                .zip(rate("postgres"))
                .map(|(floor, peer)| floor / peer),
            bar_met: sled_to_redis.is_some_and(|ratio| ratio >= 1.0)
                && sled_to_postgres.is_none_or(|ratio| ratio >= 1.0)
                && partnerhub_postgres_to_postgres.is_none_or(|ratio| ratio >= 0.8),
        };
        summary_done(&summary);
    }
    Ok(())
}

/// What one run measured.
struct Measured {
    connections: usize,
    samples: Vec<Duration>,
    elapsed: Duration,
    server_cpu: Duration,
    client_cpu: Duration,
}

/// CPU time (user and system) process `pid` used so far.
fn process_cpu(pid: u32) -> Duration {
    crate::cpu_time_of(&pid.to_string())
}

/// One client's connection to a system under test.
trait EditClient: Send + 'static {
    /// Sends the client's edit number `sent` (from 0) and waits for its durable
    /// acknowledgement.
    fn edit(
        &mut self,
        sent: usize,
    ) -> impl std::future::Future<Output = Result<(), BenchError>> + Send;

    /// Ends the connection once the run is over.
    fn close(self) -> impl std::future::Future<Output = ()> + Send
    where
        Self: Sized,
    {
        async {}
    }
}

/// Runs every client's loop of edits concurrently, as long as `budget` allows, timing each
/// edit and the whole; `server_cpu` tells the server side's CPU time so far, asked before and
/// after the run.
async fn drive<C: EditClient>(
    clients: Vec<C>,
    budget: Budget,
    server_cpu: impl Fn() -> Duration,
) -> Result<Measured, BenchError> {
    let connections = clients.len();
    let server_before = server_cpu();
    let cpu_before = CpuTimes::now();
    let started = Instant::now();
    let tasks: Vec<_> = clients
        .into_iter()
        .enumerate()
        .map(|(client, mut connection)| {
            tokio::spawn(async move {
                let mut samples = Vec::new();
                while budget.allows(client, connections, samples.len(), started.elapsed()) {
                    let sent = Instant::now();
                    connection.edit(samples.len()).await?;
                    samples.push(sent.elapsed());
                }
                connection.close().await;
                Ok::<_, BenchError>(samples)
            })
        })
        .collect();
    let mut samples = Vec::new();
    let mut failure = None;
    for task in tasks {
        match task.await {
            Ok(Ok(more)) => samples.extend(more),
            Ok(Err(error)) => failure = failure.or(Some(error)),
            Err(error) => failure = failure.or(Some(error.into())),
        }
    }
    let elapsed = started.elapsed();
    let client_cpu = CpuTimes::now().since(&cpu_before).total;
    let server_cpu = server_cpu().saturating_sub(server_before);
    match failure {
        Some(error) => Err(error),
        None => Ok(Measured {
            connections,
            samples,
            elapsed,
            server_cpu,
            client_cpu,
        }),
    }
}

/// A free loopback port (bound and released at once).
async fn free_port() -> Result<u16, BenchError> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    Ok(listener.local_addr()?.port())
}

// ---------------------------------------------------------------------------------------
// Redis

/// One `XADD key * data <bytes>` in RESP.
fn xadd_request(key: &str, bytes: &[u8]) -> Vec<u8> {
    let mut request = Vec::with_capacity(bytes.len() + 64);
    let mut bulk = |part: &[u8]| {
        request.extend_from_slice(format!("${}\r\n", part.len()).as_bytes());
        request.extend_from_slice(part);
        request.extend_from_slice(b"\r\n");
    };
    let mut parts: Vec<&[u8]> = vec![b"XADD", key.as_bytes(), b"*", b"data", bytes];
    let header = format!("*{}\r\n", parts.len());
    let mut whole = header.into_bytes();
    for part in parts.drain(..) {
        bulk(part);
    }
    whole.extend_from_slice(&request);
    whole
}

/// Reads one RESP reply (a simple string, an error, an integer or a bulk string), returning
/// an error for a Redis error.
async fn read_reply(
    reader: &mut BufReader<tokio::net::tcp::OwnedReadHalf>,
) -> Result<(), BenchError> {
    let mut line = String::new();
    if reader.read_line(&mut line).await? == 0 {
        return Err(BenchError::Setup("Redis closed the connection".into()));
    }
    match line.as_bytes().first() {
        Some(b'+' | b':') => Ok(()),
        Some(b'-') => Err(BenchError::Setup(format!("Redis: {}", line.trim_end()))),
        Some(b'$') => {
            let length: i64 = line[1..]
                .trim_end()
                .parse()
                .map_err(|_| BenchError::Setup(format!("Redis: a bad reply {line:?}")))?;
            if length >= 0 {
                let mut rest = vec![0; length as usize + 2];
                reader.read_exact(&mut rest).await?;
            }
            Ok(())
        }
        _ => Err(BenchError::Setup(format!(
            "Redis: an unexpected reply {line:?}"
        ))),
    }
}

/// A Redis server of its own, stopped (and its directory removed) when dropped.
struct RedisServer {
    child: tokio::process::Child,
    address: SocketAddr,
    _scratch: Scratch,
}

impl RedisServer {
    async fn start(data: &Path) -> Result<RedisServer, BenchError> {
        let scratch = Scratch::new(data, "redis")?;
        let port = free_port().await?;
        let child = tokio::process::Command::new(REDIS_SERVER)
            .arg("--port")
            .arg(port.to_string())
            .args(["--bind", "127.0.0.1", "--appendonly", "yes"])
            .args(["--appendfsync", "always", "--save", "", "--dir"])
            .arg(&scratch.0)
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .kill_on_drop(true)
            .spawn()
            .map_err(|error| BenchError::Setup(format!("cannot start {REDIS_SERVER}: {error}")))?;
        let address = SocketAddr::from(([127, 0, 0, 1], port));
        let started = Instant::now();
        loop {
            if let Ok(stream) = TcpStream::connect(address).await {
                let (reader, mut writer) = stream.into_split();
                let mut reader = BufReader::new(reader);
                writer.write_all(b"*1\r\n$4\r\nPING\r\n").await?;
                if read_reply(&mut reader).await.is_ok() {
                    break;
                }
            }
            if started.elapsed() > START_TIMEOUT {
                return Err(BenchError::Setup("Redis did not answer PING".into()));
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        Ok(RedisServer {
            child,
            address,
            _scratch: scratch,
        })
    }

    fn pid(&self) -> u32 {
        self.child.id().unwrap_or(0)
    }

    async fn stop(mut self) -> Result<(), BenchError> {
        self.child.start_kill()?;
        self.child.wait().await?;
        Ok(())
    }
}

/// A Redis connection `XADD`ing to a stream of its own.
struct RedisClient {
    reader: BufReader<tokio::net::tcp::OwnedReadHalf>,
    writer: tokio::net::tcp::OwnedWriteHalf,
    /// The `XADD` it sends, every time.
    request: Vec<u8>,
}

impl EditClient for RedisClient {
    async fn edit(&mut self, _sent: usize) -> Result<(), BenchError> {
        self.writer.write_all(&self.request).await?;
        read_reply(&mut self.reader).await
    }
}

async fn redis(
    data: &Path,
    clients: usize,
    budget: Budget,
    edit_bytes: usize,
) -> Result<Measured, BenchError> {
    let server = RedisServer::start(data).await?;
    let mut connections = Vec::with_capacity(clients);
    for client in 0..clients {
        let stream = TcpStream::connect(server.address).await?;
        stream.set_nodelay(true)?;
        let (reader, writer) = stream.into_split();
        connections.push(RedisClient {
            reader: BufReader::new(reader),
            writer,
            request: xadd_request(&format!("workspace:{client}"), &vec![b'x'; edit_bytes]),
        });
    }
    let pid = server.pid();
    let measured = drive(connections, budget, || process_cpu(pid)).await;
    server.stop().await?;
    measured
}

// ---------------------------------------------------------------------------------------
// PostgreSQL

async fn postgres_peer(
    url: &str,
    clients: usize,
    budget: Budget,
    edit_bytes: usize,
) -> Result<Measured, BenchError> {
    let schema = format!("bench_edits_{}", &Uuid::new_v4().simple().to_string()[..12]);
    super::postgres::create_schema(url, &schema).await?;
    let measured = postgres_inserts(url, &schema, clients, budget, edit_bytes).await;
    super::postgres::drop_schema(url, &schema).await?;
    measured
}

async fn postgres_inserts(
    url: &str,
    schema: &str,
    clients: usize,
    budget: Budget,
    edit_bytes: usize,
) -> Result<Measured, BenchError> {
    let table = format!("\"{schema}\".edits");
    let peer = open_peer_connections(url, &table, clients.min(PEER_CONNECTIONS)).await?;
    let backends: Vec<u32> = peer.iter().map(|connection| connection.backend).collect();
    let opened: Vec<PostgresClient> = peer
        .into_iter()
        .map(|connection| PostgresClient {
            client: connection.client,
            statement: connection.statement,
            stream_id: Uuid::new_v4(),
            bytes: vec![b'x'; edit_bytes],
        })
        .collect();
    drive(opened, budget, || {
        backends
            .iter()
            .map(|pid| process_cpu(*pid))
            .sum::<Duration>()
    })
    .await
}

/// A connection of the PostgreSQL peer's, its insert prepared.
pub(crate) struct PeerConnection {
    pub(crate) client: tokio_postgres::Client,
    /// `INSERT INTO <table> (stream_id, version, bytes) VALUES ($1, $2, $3)`.
    pub(crate) statement: tokio_postgres::Statement,
    /// Its backend's process id (for the server side's CPU time).
    pub(crate) backend: u32,
}

/// Opens `connections` connections to `url` with `synchronous_commit = on`, creates the
/// peer's table `table` (`bigserial` key, stream id, version, the bytes) over the first, and
/// prepares the peer's insert on each: the PostgreSQL peer's, and its floor's
/// ([`super::edits_floor`]).
///
/// # Errors
/// A connection or statement PostgreSQL refuses.
pub(crate) async fn open_peer_connections(
    url: &str,
    table: &str,
    connections: usize,
) -> Result<Vec<PeerConnection>, BenchError> {
    let database = |what: &str, error: tokio_postgres::Error| {
        BenchError::Setup(format!("PostgreSQL, {what}: {error}"))
    };
    let mut opened = Vec::with_capacity(connections);
    for index in 0..connections {
        let (client, connection) = tokio_postgres::connect(url, tokio_postgres::NoTls)
            .await
            .map_err(|error| database("connecting", error))?;
        tokio::spawn(connection);
        if index == 0 {
            client
                .batch_execute(&format!(
                    "CREATE TABLE {table} (position bigserial PRIMARY KEY, stream_id uuid NOT NULL, \
                     version bigint NOT NULL, bytes bytea NOT NULL, UNIQUE (stream_id, version))"
                ))
                .await
                .map_err(|error| database("creating the table", error))?;
        }
        client
            .batch_execute("SET synchronous_commit = on")
            .await
            .map_err(|error| database("setting synchronous_commit", error))?;
        let backend: i32 = client
            .query_one("SELECT pg_backend_pid()", &[])
            .await
            .map_err(|error| database("asking the backend's pid", error))?
            .get(0);
        let statement = client
            .prepare(&format!(
                "INSERT INTO {table} (stream_id, version, bytes) VALUES ($1, $2, $3)"
            ))
            .await
            .map_err(|error| database("preparing the insert", error))?;
        opened.push(PeerConnection {
            client,
            statement,
            backend: backend as u32,
        });
    }
    Ok(opened)
}

/// A PostgreSQL connection inserting rows of a stream of its own, one per transaction.
struct PostgresClient {
    client: tokio_postgres::Client,
    /// The prepared insert.
    statement: tokio_postgres::Statement,
    stream_id: Uuid,
    bytes: Vec<u8>,
}

impl EditClient for PostgresClient {
    async fn edit(&mut self, sent: usize) -> Result<(), BenchError> {
        let version = sent as i64 + 1;
        self.client
            .execute(
                &self.statement,
                &[&self.stream_id, &version, &self.bytes.as_slice()],
            )
            .await
            .map_err(|error| BenchError::Setup(format!("PostgreSQL, inserting: {error}")))?;
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------
// partnerhub

/// The organisation each workspace of the benchmark holds, and the edit that moves it.
fn edit(organisation_id: Uuid, to: Level) -> Command {
    Command::ChangeRelationLevel {
        organisation_id,
        to: Some(to),
        reason: REASON.to_owned(),
        occurred_on: None,
    }
}

/// The level after `sent` edits (they alternate, so every edit changes something).
fn level_after(sent: usize) -> Level {
    if sent % 2 == 0 {
        Level::Collaboration
    } else {
        Level::Network
    }
}

/// Bytes of one edit as the log stores it: one appended on a scratch server and read back.
async fn stored_edit_size(data: &Path) -> Result<usize, BenchError> {
    let scratch = Scratch::new(data, "edit-size")?;
    let location = StoreLocation::Embedded(scratch.0.clone());
    let backing = Backing::open(&location).await?;
    let state = partnerhub::server::start_node(&backing, Limits::default(), &mut |_| {}).await?;
    let (workspace_id, organisation_id) = (Uuid::new_v4(), Uuid::new_v4());
    prepare_workspace(&state, workspace_id, organisation_id).await?;
    state
        .workspaces
        .execute(
            workspace_id,
            &edit(organisation_id, level_after(0)),
            ACTOR,
            Uuid::new_v4(),
        )
        .await
        .map_err(|error| BenchError::Setup(format!("an edit: {error}")))?;
    let head = state.store.head_position();
    let stored = state.store.read_all(head, 1).await?;
    let size = stored
        .first()
        .and_then(|event| event.to_canonical_bytes().ok())
        .map_or(0, |bytes| bytes.len());
    state.store.shutdown().await;
    Ok(size)
}

/// A workspace `workspace_id` owned by [`ACTOR`] with the organisation `organisation_id` at
/// the network level.
async fn prepare_workspace(
    state: &partnerhub::app_state::AppState,
    workspace_id: Uuid,
    organisation_id: Uuid,
) -> Result<(), BenchError> {
    let setup =
        |what: &str, error: &dyn std::fmt::Display| BenchError::Setup(format!("{what}: {error}"));
    if state.accounts.login(ACTOR, PASSWORD).await.is_err() {
        state
            .accounts
            .create_account("bench", ACTOR, PASSWORD)
            .await
            .map_err(|error| setup("creating the account", &error))?;
    }
    let commands = [
        Command::CreateWorkspace {
            name: "Benchmark Bibliotek".into(),
            description: "a workspace for the edits benchmark".into(),
        },
        Command::RegisterOrganisation {
            organisation_id,
            name: "Ungdomsskolen Vest".into(),
            sector: Sector::Public,
            kind: "ungdomsskole".into(),
            tags: vec!["unge".into()],
            topics: vec!["læsning".into()],
            website: None,
            age_groups: Vec::new(),
            rooms: Vec::new(),
            level: Some(Level::Network),
            reason: "mødt på netværksdagen".into(),
        },
    ];
    for (index, command) in commands.iter().enumerate() {
        state
            .workspaces
            .execute(workspace_id, command, ACTOR, Uuid::new_v4())
            .await
            .map_err(|error| setup("preparing a workspace", &error))?;
        if index == 0 {
            state
                .accounts
                .grant(ACTOR, ACTOR, workspace_id, Role::Owner)
                .await
                .map_err(|error| setup("granting the owner role", &error))?;
        }
    }
    Ok(())
}

/// The server process of the scenario (`partnerhub-bench edits-server`): opens the store at
/// `location` and starts as `partnerhub serve` does, with the command rate at
/// [`BENCH_COMMANDS_PER_SECOND`] and no limit of connections per account; prepares
/// `workspaces` workspaces; prints `listening <address> <token>` and one line
/// `workspace <id> <organisation id>` for each, then `ready`; serves until its standard input
/// ends.
///
/// # Errors
/// Store and network failures.
pub async fn serve_edits_until_stdin_ends(
    location: &StoreLocation,
    workspaces: usize,
) -> Result<(), BenchError> {
    let backing = Backing::open(location).await?;
    let limits = Limits {
        commands_per_second: BENCH_COMMANDS_PER_SECOND,
        connections_per_account: usize::MAX,
        ..Limits::default()
    };
    let state = partnerhub::server::start_node(&backing, limits, &mut |_| {}).await?;
    let mut prepared = Vec::with_capacity(workspaces);
    for _ in 0..workspaces {
        let (workspace_id, organisation_id) = (Uuid::new_v4(), Uuid::new_v4());
        prepare_workspace(&state, workspace_id, organisation_id).await?;
        prepared.push((workspace_id, organisation_id));
    }
    let (token, _) = state
        .accounts
        .login(ACTOR, PASSWORD)
        .await
        .map_err(|error| BenchError::Setup(format!("logging in: {error}")))?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    println!("listening {} {token}", listener.local_addr()?);
    for (workspace_id, organisation_id) in prepared {
        println!("workspace {workspace_id} {organisation_id}");
    }
    println!("ready");
    let shutdown = async {
        let mut input = tokio::io::stdin();
        let mut sink = Vec::new();
        let _ = input.read_to_end(&mut sink).await;
    };
    partnerhub::server::run(listener, state, shutdown).await?;
    if std::env::var_os(WRITE_STATISTICS_VARIABLE).is_some() {
        if let partnerhub::node::OpenedStore::Sled(store) = &backing.store {
            print_write_statistics(&store.write_statistics());
        }
    }
    Ok(())
}

/// Set (to anything) in the benchmark's environment, the sled server prints its writer's
/// counters on standard error when it stops: flushes, events per flush, and the writer's,
/// flushes' and acknowledgements' time per edit (BENCHMARKS.md, issue 19 scenario 1).
pub const WRITE_STATISTICS_VARIABLE: &str = "PARTNERHUB_BENCH_WRITE_STATISTICS";

fn print_write_statistics(statistics: &partnerhub::store::sled::WriteStatistics) {
    let events = statistics.events.max(1) as f64;
    let flushes = statistics.flushes.max(1) as f64;
    eprintln!(
        "write statistics: {} flushes, {} events ({:.2} per flush), {} written by their caller; \
         per event: staging {:.1} us, flushing {:.1} us, acknowledging {:.1} us; \
         per flush: flushing {:.1} us; indexing {:.1} us per event",
        statistics.flushes,
        statistics.events,
        events / flushes,
        statistics.appends_written_by_caller,
        statistics.staging_micros as f64 / events,
        statistics.flushing_micros as f64 / events,
        statistics.acknowledging_micros as f64 / events,
        statistics.flushing_micros as f64 / flushes,
        statistics.indexing_micros as f64 / events,
    );
}

/// A server process started by [`partnerhub`], ready for its clients.
struct ServerProcess {
    child: tokio::process::Child,
    stdin: Option<tokio::process::ChildStdin>,
    address: SocketAddr,
    token: String,
    workspaces: Vec<(Uuid, Uuid)>,
}

impl ServerProcess {
    async fn start(location: &StoreLocation, workspaces: usize) -> Result<Self, BenchError> {
        let mut command = tokio::process::Command::new(std::env::current_exe()?);
        command
            .arg("edits-server")
            .arg("--workspaces")
            .arg(workspaces.to_string());
        match location {
            StoreLocation::Embedded(directory) => command.arg("--directory").arg(directory),
            StoreLocation::Postgres(url) => command.arg("--store").arg(url),
        };
        Self::spawn(command, workspaces).await
    }

    /// Starts a floor server ([`super::edits_floor`]) in `mode`, its file in `directory`,
    /// its rows (in [`FloorMode::Postgres`]) at `postgres`.
    async fn start_floor(
        mode: FloorMode,
        directory: &Path,
        postgres: Option<&str>,
        workspaces: usize,
        (edit_bytes, prefill_bytes): (usize, u64),
    ) -> Result<Self, BenchError> {
        let mut command = tokio::process::Command::new(std::env::current_exe()?);
        command
            .arg("edits-floor-server")
            .arg("--mode")
            .arg(mode.argument())
            .arg("--directory")
            .arg(directory)
            .arg("--workspaces")
            .arg(workspaces.to_string())
            .arg("--edit-bytes")
            .arg(edit_bytes.to_string())
            .arg("--prefill-bytes")
            .arg(prefill_bytes.to_string());
        if let Some(url) = postgres {
            command.arg("--store").arg(url);
        }
        Self::spawn(command, workspaces).await
    }

    /// Runs `command`, which prints `listening <address> <token>`, a `workspace` line per
    /// client and `ready`, and waits for it to be ready.
    async fn spawn(
        mut command: tokio::process::Command,
        workspaces: usize,
    ) -> Result<Self, BenchError> {
        let mut child = command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .kill_on_drop(true)
            .spawn()?;
        let (Some(stdin), Some(stdout)) = (child.stdin.take(), child.stdout.take()) else {
            return Err(BenchError::Setup("the server process has no pipes".into()));
        };
        let mut lines = BufReader::new(stdout).lines();
        let mut address = None;
        let mut token = String::new();
        let mut prepared = Vec::with_capacity(workspaces);
        let reading = async {
            while let Some(line) = lines.next_line().await? {
                let words: Vec<&str> = line.split_whitespace().collect();
                match words.as_slice() {
                    ["listening", listening, said_token] => {
                        address = listening.parse().ok();
                        token = (*said_token).to_owned();
                    }
                    ["workspace", workspace, organisation] => {
                        let parse = |id: &str| {
                            id.parse::<Uuid>()
                                .map_err(|_| BenchError::Setup(format!("not an id: {id}")))
                        };
                        prepared.push((parse(workspace)?, parse(organisation)?));
                    }
                    ["ready"] => return Ok(()),
                    _ => {}
                }
            }
            Err(BenchError::Setup(
                "the server process ended before it was ready (see its error above)".into(),
            ))
        };
        tokio::time::timeout(START_TIMEOUT, reading)
            .await
            .map_err(|_| BenchError::Setup(format!("not ready within {START_TIMEOUT:?}")))??;
        // Whatever else it prints is not read; keep the pipe drained.
        tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
        let address =
            address.ok_or_else(|| BenchError::Setup("the server named no address".into()))?;
        Ok(ServerProcess {
            child,
            stdin: Some(stdin),
            address,
            token,
            workspaces: prepared,
        })
    }

    fn pid(&self) -> u32 {
        self.child.id().unwrap_or(0)
    }

    async fn stop(mut self) -> Result<(), BenchError> {
        drop(self.stdin.take());
        if tokio::time::timeout(Duration::from_secs(60), self.child.wait())
            .await
            .is_err()
        {
            self.child.start_kill()?;
            self.child.wait().await?;
        }
        Ok(())
    }
}

/// The read buffer of each client's websocket. tungstenite zero-fills its whole read buffer
/// before every read, so its default of 128 KiB cost the load generator a 128 KiB `memset`
/// per read, about half of its CPU time with 256 clients; an ack is some 150 bytes. The
/// server reads with 4 KiB (`hub::connection`).
const CLIENT_READ_BUFFER: usize = 4 * 1024;

async fn partnerhub(
    data: &Path,
    postgres: Option<&str>,
    clients: usize,
    budget: Budget,
) -> Result<Measured, BenchError> {
    let scratch = Scratch::new(data, "edits")?;
    let schema = format!("bench_edits_{}", &Uuid::new_v4().simple().to_string()[..12]);
    let location = match postgres {
        None => StoreLocation::Embedded(scratch.0.clone()),
        Some(url) => {
            super::postgres::create_schema(url, &schema).await?;
            StoreLocation::Postgres(with_search_path(url, &schema))
        }
    };
    let measured = partnerhub_on(&location, clients, budget).await;
    if let Some(url) = postgres {
        super::postgres::drop_schema(url, &schema).await?;
    }
    measured
}

/// A websocket of partnerhub's, sending edits to an organisation of a workspace of its own.
///
/// The command's frame is encoded once per level (the edits alternate between two) with a
/// placeholder command id, and each edit writes its new id into a copy: the same bytes the
/// server would get from encoding the command afresh, without the client spending the shared
/// cores on it, as the RESP client sends its `XADD` pre-encoded. The server does all of its
/// work on every frame as before. The ack is read into a small typed frame, not a JSON tree.
struct SocketClient {
    socket: Socket,
    /// The frame of the edit to each level ([`level_after`]: even, odd), with
    /// [`PLACEHOLDER_ID`] where the command id goes.
    frames: [CommandFrame; 2],
}

/// The command id a pre-encoded frame carries until an edit writes its own in.
const PLACEHOLDER_ID: Uuid = Uuid::nil();

/// A command frame's text and where its command id is in it.
struct CommandFrame {
    text: String,
    id_at: usize,
}

impl CommandFrame {
    /// The frame of the command that sets `organisation_id` of `workspace_id` to `to`.
    fn new(workspace_id: Uuid, organisation_id: Uuid, to: Level) -> Result<Self, BenchError> {
        let text = json!({
            "type": "command",
            "workspace_id": workspace_id,
            "command_id": PLACEHOLDER_ID,
            "command": edit(organisation_id, to),
        })
        .to_string();
        let placeholder = PLACEHOLDER_ID.hyphenated().to_string();
        let id_at = text
            .find(&placeholder)
            .filter(|at| text[at + placeholder.len()..].find(&placeholder).is_none())
            .ok_or_else(|| BenchError::Setup("a command frame without its id".into()))?;
        Ok(CommandFrame { text, id_at })
    }

    /// The frame with `command_id` written in.
    fn with_id(&self, command_id: Uuid) -> String {
        let mut buffer = Uuid::encode_buffer();
        let id = command_id.hyphenated().encode_lower(&mut buffer);
        let mut text = String::with_capacity(self.text.len());
        text.push_str(&self.text[..self.id_at]);
        text.push_str(id);
        text.push_str(&self.text[self.id_at + id.len()..]);
        text
    }
}

/// What the client reads of a frame while it waits for its ack.
#[derive(serde::Deserialize)]
struct AckFrame<'a> {
    #[serde(rename = "type")]
    kind: &'a str,
    command_id: Option<Uuid>,
}

impl SocketClient {
    fn new(socket: Socket, workspace_id: Uuid, organisation_id: Uuid) -> Result<Self, BenchError> {
        let frame = |sent| CommandFrame::new(workspace_id, organisation_id, level_after(sent));
        Ok(SocketClient {
            socket,
            frames: [frame(0)?, frame(1)?],
        })
    }
}

impl EditClient for SocketClient {
    async fn edit(&mut self, sent: usize) -> Result<(), BenchError> {
        // A version 4 id from the thread's generator, not a `getrandom` call per edit.
        let command_id = uuid::Builder::from_random_bytes(rand::random()).into_uuid();
        let frame = self.frames[sent % 2].with_id(command_id);
        self.socket.send(Message::text(frame)).await?;
        loop {
            match self.socket.next().await {
                Some(Ok(Message::Text(text))) => {
                    let frame: AckFrame<'_> =
                        serde_json::from_str(text.as_str()).map_err(|error| {
                            BenchError::Setup(format!("a frame is not JSON: {error}"))
                        })?;
                    if frame.kind == "ack" && frame.command_id == Some(command_id) {
                        return Ok(());
                    }
                    if frame.kind == "error" || frame.kind == "reject" {
                        return Err(BenchError::Setup(format!(
                            "the server refused: {}",
                            text.as_str()
                        )));
                    }
                }
                Some(Ok(Message::Close(frame))) => {
                    return Err(BenchError::Setup(format!("closed: {frame:?}")))
                }
                Some(Ok(_)) => {}
                Some(Err(error)) => return Err(error.into()),
                None => return Err(BenchError::Setup("the connection ended".into())),
            }
        }
    }

    async fn close(mut self) {
        let _ = self.socket.close(None).await;
    }
}

async fn partnerhub_on(
    location: &StoreLocation,
    clients: usize,
    budget: Budget,
) -> Result<Measured, BenchError> {
    let server = ServerProcess::start(location, clients).await?;
    drive_server(server, clients, budget).await
}

/// A run against a floor server in `mode` ([`super::edits_floor`]), its file in a scratch
/// directory, its rows (with `postgres`) in a fresh schema dropped afterwards.
async fn floor(
    data: &Path,
    postgres: Option<&str>,
    mode: FloorMode,
    (clients, budget): (usize, Budget),
    edit_bytes: usize,
) -> Result<Measured, BenchError> {
    let scratch = Scratch::new(data, mode.system())?;
    let schema = format!("bench_floor_{}", &Uuid::new_v4().simple().to_string()[..12]);
    let location = match postgres {
        None => None,
        Some(url) => {
            super::postgres::create_schema(url, &schema).await?;
            Some(with_search_path(url, &schema))
        }
    };
    // As much as the run writes, when that is known.
    let prefill_bytes = match budget {
        Budget::Edits(edits) => (edits as u64 + 1) * edit_bytes as u64,
        Budget::Time(_) => super::edits_floor::PREFILLED_BYTES,
    };
    let measured = async {
        let server = ServerProcess::start_floor(
            mode,
            &scratch.0,
            location.as_deref(),
            clients,
            (edit_bytes, prefill_bytes),
        )
        .await?;
        drive_server(server, clients, budget).await
    }
    .await;
    if let Some(url) = postgres {
        super::postgres::drop_schema(url, &schema).await?;
    }
    measured
}

/// `url` with its connections' search path set to `schema`.
fn with_search_path(url: &str, schema: &str) -> String {
    let separator = if url.contains('?') { '&' } else { '?' };
    format!("{url}{separator}options=-c%20search_path%3D{schema}")
}

/// Connects a [`SocketClient`] per prepared workspace of `server`, drives them as `budget`
/// says, and stops the server.
async fn drive_server(
    server: ServerProcess,
    clients: usize,
    budget: Budget,
) -> Result<Measured, BenchError> {
    let url = format!("ws://{}/ws", server.address);
    let mut sockets = Vec::with_capacity(clients);
    for &(workspace_id, organisation_id) in &server.workspaces {
        sockets.push(SocketClient::new(
            super::client::hello(&url, &server.token, CLIENT_READ_BUFFER).await?,
            workspace_id,
            organisation_id,
        )?);
    }
    let pid = server.pid();
    let measured = drive(sockets, budget, || process_cpu(pid)).await;
    server.stop().await?;
    measured
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_xadd_is_a_resp_array_of_bulk_strings() {
        assert_eq!(
            xadd_request("s", b"ab"),
            b"*5\r\n$4\r\nXADD\r\n$1\r\ns\r\n$1\r\n*\r\n$4\r\ndata\r\n$2\r\nab\r\n".to_vec()
        );
    }

    #[test]
    fn a_pre_encoded_command_frame_is_the_command_encoded_afresh() {
        let (workspace_id, organisation_id) = (Uuid::new_v4(), Uuid::new_v4());
        let command_id = Uuid::new_v4();
        let Ok(frame) = CommandFrame::new(workspace_id, organisation_id, Level::Network) else {
            panic!("the frame has its placeholder once");
        };
        let fresh = json!({
            "type": "command",
            "workspace_id": workspace_id,
            "command_id": command_id,
            "command": edit(organisation_id, Level::Network),
        })
        .to_string();
        assert_eq!(frame.with_id(command_id), fresh);
    }

    #[test]
    fn an_edit_budget_is_shared_out_over_the_clients() {
        let budget = Budget::Edits(10);
        let shares: Vec<usize> = (0..4)
            .map(|client| {
                (0..)
                    .take_while(|sent| budget.allows(client, 4, *sent, Duration::ZERO))
                    .count()
            })
            .collect();
        assert_eq!(shares, vec![3, 3, 2, 2]);
    }
}
