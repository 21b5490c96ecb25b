//! Issue 19, scenario 2: live fan-out to browsers, partnerhub beside NATS. N websocket
//! subscribers on one workspace (partnerhub) or one subject (NATS), one writer at 20
//! messages a second; the latency from the writer's send to each subscriber's receipt, what
//! each subscriber missed or got out of order, each server's resident memory per subscriber
//! and CPU, and the load generator's CPU.
//!
//! Each server runs in a process of its own, so that its memory and CPU are its own:
//!
//! - **NATS**: `nats-server` (Debian's) started with a configuration file in a scratch
//!   directory that enables its websocket listener (`websocket { no_tls: true }`) on a free
//!   loopback port beside its client port. A subscriber speaks NATS's text protocol over the
//!   websocket (`CONNECT`, `SUB`, `PING` until `PONG`; then `MSG`s, answering the server's
//!   `PING`s); the publisher is a plain NATS client on the client port sending `PUB`s whose
//!   payload is an event frame as partnerhub would send it, of the same size.
//! - **partnerhub**: this binary re-run as the hidden `nats-fanout-server`, a real server
//!   (as `partnerhub serve`) over a scratch sled store with an account, a workspace and an
//!   open board; the per-account connection limit is raised through its [`Limits`]
//!   (`connections_per_account`), as an operator would configure it, since every subscriber
//!   logs in as the same account. The writer is one websocket client sending `AddNote`
//!   commands; each is appended durably before it is fanned out, which NATS does not do.
//!
//! Both get the same subscribers (tokio-tungstenite, 8 KiB read buffers, connected 64 at a
//! time), the same clock (the note's text carries its send time), the same parsing of each
//! frame as JSON, the same rate and the same frame bytes. Rounds alternate: NATS, then
//! partnerhub, for each subscriber count. The load generator (this process) and both
//! servers share the machine's cores.
//!
//! [`Limits`]: partnerhub::app_state::Limits

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use serde::Serialize;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;
use tokio::process::{Child, ChildStdin};
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::tungstenite::Message;
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

use super::client::{self, Socket, Tally};
use super::fanout::{bare_frame, Followers, RATE_PER_S};
use super::live::LiveServer;
use super::{cpu_seconds_of, resident_bytes_of, BenchError, CpuTimes, Latency, Scratch};
use partnerhub::domain::vocabulary::Zone;
use partnerhub::domain::Command;
use partnerhub::hub::protocol::ClientMessage;

/// Bytes of one event frame: about the size of one method event's frame.
pub const FRAME_BYTES: usize = 700;
/// The NATS subject every subscriber listens on.
const SUBJECT: &str = "partnerhub.workspace.bench";
/// The subscribers' read buffer (tungstenite's default is 128 KiB, zero-filled, per socket).
const READ_BUFFER: usize = 8 * 1024;
/// How many subscribers connect at once.
const CONNECT_CONCURRENCY: usize = 64;
/// How long a server or a client may take to answer during setup.
const SETUP_TIMEOUT: Duration = Duration::from_secs(60);
/// How long memory is left to settle before it is read.
const SETTLE: Duration = Duration::from_secs(1);
/// How long the writer waits for its last acknowledgement.
const ACK_DRAIN: Duration = Duration::from_secs(30);
/// The issue's bar: partnerhub's p99 at most this many times NATS's.
const BAR_RATIO: f64 = 1.0;

/// What to run.
pub struct NatsFanoutPlan {
    /// Subscriber counts, each measured in every round.
    pub subscribers: Vec<usize>,
    /// Seconds of writing per measurement.
    pub seconds: u64,
    /// Rounds (NATS, then partnerhub, in each).
    pub rounds: usize,
    /// The `nats-server` executable.
    pub nats_server: PathBuf,
}

/// What one server's subscribers saw, and what the server and the load generator used.
#[derive(Debug, Clone, Serialize)]
pub struct ServerFigures {
    /// `nats` or `partnerhub`.
    pub server: &'static str,
    /// Latency from the writer's send to the receipt at each subscriber, over every message
    /// at every subscriber.
    #[serde(flatten)]
    pub latency: Latency,
    /// Bytes of one event frame (NATS: of the payload).
    pub frame_bytes: usize,
    /// Messages received, summed over the subscribers.
    pub received: u64,
    /// Messages some subscriber never received, summed over the subscribers.
    pub missed: u64,
    /// Messages some subscriber received after a later one, summed over the subscribers.
    pub reordered: u64,
    /// Subscribers whose connection ended before the last message.
    pub closed_early: usize,
    /// Seconds it took to connect and subscribe every subscriber.
    pub connect_s: f64,
    /// The server's resident memory before any subscriber connected, bytes.
    pub rss_idle_bytes: u64,
    /// With every subscriber connected, after the messages, bytes.
    pub rss_loaded_bytes: u64,
    /// The difference per subscriber, bytes.
    pub bytes_per_subscriber: f64,
    /// The server's CPU seconds from the first message to the last receipt.
    pub server_cpu_s: f64,
    /// The load generator's (subscribers' and writer's) CPU seconds in the same time.
    pub generator_cpu_s: f64,
    /// partnerhub only: the writer's command from its send to its acknowledgement (durable).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ack: Option<Latency>,
}

/// One subscriber count in one round: both servers' figures.
#[derive(Debug, Clone, Serialize)]
pub struct NatsFanoutResult {
    /// Always `nats-fanout`.
    pub scenario: &'static str,
    /// Websocket subscribers.
    pub subscribers: usize,
    /// The round.
    pub round: usize,
    /// Messages the writer sent.
    pub messages: u64,
    /// The writer's rate, messages per second.
    pub rate_per_s: f64,
    /// partnerhub's figures.
    pub partnerhub: ServerFigures,
    /// NATS's figures (measured first in the round).
    pub nats: ServerFigures,
    /// partnerhub's `p99_ms` divided by NATS's.
    pub ratio_p99_to_nats: f64,
    /// partnerhub's bytes per subscriber divided by NATS's.
    pub ratio_memory_to_nats: f64,
    /// The bar of the issue.
    pub bar: String,
    /// Whether the bar was met.
    pub bar_met: bool,
}

impl NatsFanoutResult {
    /// The header of [`NatsFanoutResult::table_row`].
    pub fn table_header() -> String {
        format!(
            "{:>6} {:>2} {:>10}  {:>7} {:>7} {:>7}  {:>6} {:>5} {:>5}  {:>8}  {:>6}  {:>6}  {:>7} {:>7}  {:>6}  bar",
            "subs", "r", "server", "p50 ms", "p99 ms", "max ms", "missed", "reord", "shut",
            "KiB/sub", "srv s", "gen s", "ack p99", "ack max", "x p99"
        )
    }

    /// Two lines of a table for people: NATS, then partnerhub with the ratios and the bar.
    /// partnerhub's line also gives its writer's durable acknowledgement (`ack p99`, `ack
    /// max`, ms): a delivery can come no sooner than its event is durable, so when the ack's
    /// tail is as long as the deliveries', the disk made it (NATS stores nothing: `-`).
    pub fn table_row(&self) -> String {
        let line = |figures: &ServerFigures| {
            let ack = figures.ack.as_ref().map_or_else(
                || format!("{:>7} {:>7}", "-", "-"),
                |ack| format!("{:>7.2} {:>7.2}", ack.p99_ms, ack.max_ms),
            );
            format!(
                "{:>6} {:>2} {:>10}  {:>7.2} {:>7.2} {:>7.2}  {:>6} {:>5} {:>5}  {:>8.1}  {:>6.2}  {:>6.2}  {ack}",
                self.subscribers,
                self.round,
                figures.server,
                figures.latency.p50_ms,
                figures.latency.p99_ms,
                figures.latency.max_ms,
                figures.missed,
                figures.reordered,
                figures.closed_early,
                figures.bytes_per_subscriber / 1024.0,
                figures.server_cpu_s,
                figures.generator_cpu_s,
            )
        };
        format!(
            "{}\n{}  {:>6.2}  {} {}",
            line(&self.nats),
            line(&self.partnerhub),
            self.ratio_p99_to_nats,
            if self.bar_met { "met" } else { "NOT MET" },
            self.bar
        )
    }
}

/// Runs the scenario as `plan` says; hands each result to `report` as soon as it is
/// measured. Scratch directories go under `data` and are removed.
///
/// # Errors
/// A server that cannot start, a client that cannot connect or subscribe (raise the
/// open-file limit), socket and process failures.
pub async fn nats_fanout(
    data: &Path,
    plan: &NatsFanoutPlan,
    report: &mut (dyn FnMut(&NatsFanoutResult) + Send),
) -> Result<Vec<NatsFanoutResult>, BenchError> {
    let messages = ((RATE_PER_S * plan.seconds as f64).round() as u64).max(1);
    let mut results = Vec::new();
    for &subscribers in &plan.subscribers {
        for round in 1..=plan.rounds {
            let nats = measure_nats(data, &plan.nats_server, subscribers, messages).await?;
            let partnerhub = measure_partnerhub(data, subscribers, messages).await?;
            let ratio_p99 = partnerhub.latency.p99_ms / nats.latency.p99_ms.max(f64::MIN_POSITIVE);
            let complete =
                partnerhub.missed == 0 && partnerhub.reordered == 0 && partnerhub.closed_early == 0;
            let result = NatsFanoutResult {
                scenario: "nats-fanout",
                subscribers,
                round,
                messages,
                rate_per_s: RATE_PER_S,
                ratio_memory_to_nats: partnerhub.bytes_per_subscriber
                    / nats.bytes_per_subscriber.max(1.0),
                partnerhub,
                nats,
                ratio_p99_to_nats: ratio_p99,
                bar: format!(
                    "partnerhub p99 ≤ {BAR_RATIO}x NATS's; partnerhub misses and reorders nothing"
                ),
                bar_met: ratio_p99 <= BAR_RATIO && complete,
            };
            report(&result);
            results.push(result);
        }
    }
    Ok(results)
}

/// A free loopback port (bound and released; the server binds it a moment later).
fn free_port() -> Result<u16, BenchError> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port())
}

/// A server process of this scenario: its pid for memory and CPU.
struct Measured {
    pid: String,
}

impl Measured {
    fn rss(&self) -> u64 {
        resident_bytes_of(&self.pid)
    }
    fn cpu_s(&self) -> f64 {
        cpu_seconds_of(&self.pid)
    }
}

/// What is the same for both servers once the subscribers are connected: runs the writer
/// (`write`, which sends `messages` stamped by `clock`), waits for the subscribers and
/// measures.
async fn measure_window<S, W>(
    server: &'static str,
    process: &Measured,
    rss_idle: u64,
    (followers, connect_s): (Followers<S>, f64),
    subscribers: usize,
    write: W,
) -> Result<ServerFigures, BenchError>
where
    S: Send + 'static,
    W: std::future::Future<Output = Result<Option<Latency>, BenchError>>,
{
    let server_cpu = process.cpu_s();
    let generator_cpu = CpuTimes::now();
    let ack = write.await?;
    let seen = followers.finish(connect_s).await?;
    let server_cpu_s = process.cpu_s() - server_cpu;
    let generator_cpu_s = CpuTimes::now()
        .since(&generator_cpu)
        .per_event(1, &[])
        .get("total")
        .copied()
        .unwrap_or(0.0)
        / 1e6;
    tokio::time::sleep(SETTLE).await;
    let rss_loaded = process.rss();
    Ok(ServerFigures {
        server,
        latency: seen.latency,
        frame_bytes: seen.frame_bytes,
        received: seen.received,
        missed: seen.missed,
        reordered: seen.reordered,
        closed_early: seen.closed_early,
        connect_s: seen.connect_s,
        rss_idle_bytes: rss_idle,
        rss_loaded_bytes: rss_loaded,
        bytes_per_subscriber: rss_loaded.saturating_sub(rss_idle) as f64
            / subscribers.max(1) as f64,
        server_cpu_s,
        generator_cpu_s,
        ack,
    })
}

/// Connects `count` clients with `connect`, [`CONNECT_CONCURRENCY`] at a time; returns them
/// and the seconds it took.
async fn connect_many<C, F>(
    count: usize,
    connect: impl Fn() -> F,
) -> Result<(Vec<C>, f64), BenchError>
where
    F: std::future::Future<Output = Result<C, BenchError>>,
{
    let connecting = Instant::now();
    let clients = futures_util::stream::iter(0..count)
        .map(|_| connect())
        .buffer_unordered(CONNECT_CONCURRENCY);
    futures_util::pin_mut!(clients);
    let mut connected = Vec::with_capacity(count);
    while let Some(client) = clients.next().await {
        connected.push(client?);
    }
    Ok((connected, connecting.elapsed().as_secs_f64()))
}

// ---------------------------------------------------------------------------------------
// NATS

/// A `nats-server` process with its websocket listener, killed when dropped.
struct NatsServer {
    child: Child,
    client_port: u16,
    websocket_port: u16,
    _scratch: Scratch,
}

impl NatsServer {
    async fn start(data: &Path, executable: &Path) -> Result<NatsServer, BenchError> {
        let scratch = Scratch::new(data, "nats")?;
        let client_port = free_port()?;
        let websocket_port = free_port()?;
        let configuration = scratch.0.join("nats.conf");
        std::fs::write(
            &configuration,
            format!(
                "listen: \"127.0.0.1:{client_port}\"\n\
                 websocket {{\n  listen: \"127.0.0.1:{websocket_port}\"\n  no_tls: true\n}}\n"
            ),
        )?;
        let log = std::fs::File::create(scratch.0.join("nats.log"))?;
        let child = tokio::process::Command::new(executable)
            .arg("-c")
            .arg(&configuration)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(log)
            .kill_on_drop(true)
            .spawn()
            .map_err(|error| {
                BenchError::Setup(format!("cannot start {}: {error}", executable.display()))
            })?;
        let server = NatsServer {
            child,
            client_port,
            websocket_port,
            _scratch: scratch,
        };
        let started = Instant::now();
        for port in [client_port, websocket_port] {
            while TcpStream::connect(("127.0.0.1", port)).await.is_err() {
                if started.elapsed() > SETUP_TIMEOUT {
                    return Err(BenchError::Setup(format!(
                        "nats-server does not listen on port {port} (its log: {})",
                        server._scratch.0.join("nats.log").display()
                    )));
                }
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
        }
        Ok(server)
    }

    fn measured(&self) -> Result<Measured, BenchError> {
        let pid = self
            .child
            .id()
            .ok_or_else(|| BenchError::Setup("nats-server has no process id".into()))?;
        Ok(Measured {
            pid: pid.to_string(),
        })
    }

    async fn stop(mut self) -> Result<(), BenchError> {
        self.child.kill().await?;
        Ok(())
    }
}

/// One operation of NATS's text protocol, as the server sends them.
#[derive(Debug, PartialEq)]
enum NatsOp {
    /// `INFO`, `+OK` and anything else that needs no answer.
    Other,
    Ping,
    Pong,
    /// `-ERR` with its text.
    Error(String),
    /// A message's payload.
    Message(Vec<u8>),
}

/// Bytes received from a NATS server (websocket frames do not follow operation
/// boundaries), cut into operations.
#[derive(Default)]
struct NatsReader {
    pending: Vec<u8>,
}

impl NatsReader {
    fn push(&mut self, bytes: &[u8]) {
        self.pending.extend_from_slice(bytes);
    }

    /// The next whole operation, if one has arrived.
    fn next_op(&mut self) -> Option<NatsOp> {
        let line_end = self.pending.windows(2).position(|pair| pair == b"\r\n")?;
        let line = &self.pending[..line_end];
        if let Some(arguments) = line.strip_prefix(b"MSG ") {
            // MSG <subject> <sid> [reply-to] <#bytes>
            let length: usize = std::str::from_utf8(arguments)
                .ok()
                .and_then(|text| text.split(' ').next_back())
                .and_then(|length| length.parse().ok())
                .unwrap_or(0);
            let start = line_end + 2;
            if self.pending.len() < start + length + 2 {
                return None;
            }
            let payload = self.pending[start..start + length].to_vec();
            self.pending.drain(..start + length + 2);
            return Some(NatsOp::Message(payload));
        }
        let op = if line == b"PING" {
            NatsOp::Ping
        } else if line == b"PONG" {
            NatsOp::Pong
        } else if let Some(error) = line.strip_prefix(b"-ERR") {
            NatsOp::Error(String::from_utf8_lossy(error).trim().to_owned())
        } else {
            NatsOp::Other
        };
        self.pending.drain(..line_end + 2);
        Some(op)
    }
}

/// The bytes of a websocket message from NATS (it sends binary frames; text is read too).
fn nats_bytes(message: &Message) -> Option<&[u8]> {
    match message {
        Message::Binary(bytes) => Some(bytes),
        Message::Text(text) => Some(text.as_bytes()),
        _ => None,
    }
}

/// A NATS websocket subscriber: connected, subscribed to [`SUBJECT`], and known by the
/// server to be (its `PING` answered).
async fn nats_subscribe(url: &str) -> Result<(Socket, NatsReader), BenchError> {
    let config = WebSocketConfig::default().read_buffer_size(READ_BUFFER);
    let (mut socket, _) =
        tokio_tungstenite::connect_async_with_config(url, Some(config), true).await?;
    socket
        .send(Message::text(format!(
            "CONNECT {{\"verbose\":false,\"pedantic\":false}}\r\nSUB {SUBJECT} 1\r\nPING\r\n"
        )))
        .await?;
    let mut reader = NatsReader::default();
    let deadline = tokio::time::Instant::now() + SETUP_TIMEOUT;
    loop {
        let frame = tokio::time::timeout_at(deadline, socket.next())
            .await
            .map_err(|_| BenchError::Setup("no PONG from nats-server in time".into()))?;
        let message = match frame {
            Some(Ok(message)) => message,
            Some(Err(error)) => return Err(error.into()),
            None => return Err(BenchError::Setup("nats-server closed a subscriber".into())),
        };
        if let Some(bytes) = nats_bytes(&message) {
            reader.push(bytes);
        }
        while let Some(op) = reader.next_op() {
            match op {
                NatsOp::Pong => return Ok((socket, reader)),
                NatsOp::Ping => socket.send(Message::text("PONG\r\n")).await?,
                NatsOp::Error(error) => {
                    return Err(BenchError::Setup(format!("nats-server refused: {error}")))
                }
                NatsOp::Other | NatsOp::Message(_) => {}
            }
        }
    }
}

/// Reads messages until the one numbered `expected - 1` (or a later one) has come, `stop`
/// is cancelled, or the connection ends; as [`client::follow`] does for partnerhub.
async fn nats_follow(
    (mut socket, mut reader): (Socket, NatsReader),
    clock: Instant,
    expected: u64,
    stop: CancellationToken,
) -> (Tally, Socket) {
    let mut tally = Tally::expecting(expected);
    let mut next = 0u64;
    'reading: while next < expected {
        let frame = tokio::select! {
            () = stop.cancelled() => break,
            frame = socket.next() => frame,
        };
        let received_at = clock.elapsed();
        let message = match frame {
            Some(Ok(message)) => message,
            Some(Err(_)) | None => {
                tally.closed_early = true;
                break;
            }
        };
        if matches!(message, Message::Close(_)) {
            tally.closed_early = true;
            break;
        }
        if let Some(bytes) = nats_bytes(&message) {
            reader.push(bytes);
        }
        while let Some(op) = reader.next_op() {
            match op {
                NatsOp::Message(payload) => {
                    tally.count(&String::from_utf8_lossy(&payload), received_at, &mut next);
                }
                NatsOp::Ping => {
                    if socket.send(Message::text("PONG\r\n")).await.is_err() {
                        tally.closed_early = true;
                        break 'reading;
                    }
                }
                NatsOp::Pong | NatsOp::Other | NatsOp::Error(_) => {}
            }
        }
    }
    tally.missed += expected.saturating_sub(next);
    (tally, socket)
}

/// Reads what the server sent the publisher and answers its `PING`s.
async fn answer_pings(
    connection: &mut TcpStream,
    reader: &mut NatsReader,
    buffer: &mut [u8],
) -> Result<bool, BenchError> {
    let read = connection.read(buffer).await?;
    if read == 0 {
        return Err(BenchError::Setup("nats-server closed the publisher".into()));
    }
    reader.push(&buffer[..read]);
    let mut pong = false;
    while let Some(op) = reader.next_op() {
        match op {
            NatsOp::Ping => connection.write_all(b"PONG\r\n").await?,
            NatsOp::Pong => pong = true,
            NatsOp::Error(error) => {
                return Err(BenchError::Setup(format!(
                    "nats-server refused the publisher: {error}"
                )))
            }
            NatsOp::Other | NatsOp::Message(_) => {}
        }
    }
    Ok(pong)
}

/// The publisher: a plain NATS client on the client port sending `messages` event frames at
/// the rate, each stamped with its send time.
async fn nats_publish(port: u16, messages: u64, clock: Instant) -> Result<(), BenchError> {
    let mut connection = TcpStream::connect(("127.0.0.1", port)).await?;
    connection.set_nodelay(true)?;
    connection
        .write_all(b"CONNECT {\"verbose\":false,\"pedantic\":false}\r\nPING\r\n")
        .await?;
    let mut reader = NatsReader::default();
    let mut buffer = vec![0u8; 4096];
    while !answer_pings(&mut connection, &mut reader, &mut buffer).await? {}
    let workspace_id = Uuid::new_v4();
    let mut ticks = tokio::time::interval(Duration::from_secs_f64(1.0 / RATE_PER_S));
    for sequence in 0..messages {
        loop {
            tokio::select! {
                _ = ticks.tick() => break,
                answered = answer_pings(&mut connection, &mut reader, &mut buffer) => { answered?; }
            }
        }
        let payload = bare_frame(workspace_id, sequence, clock.elapsed(), FRAME_BYTES);
        let mut operation = format!("PUB {SUBJECT} {}\r\n", payload.len()).into_bytes();
        operation.extend_from_slice(payload.as_bytes());
        operation.extend_from_slice(b"\r\n");
        connection.write_all(&operation).await?;
    }
    Ok(())
}

/// One measurement of NATS with `subscribers` subscribers.
async fn measure_nats(
    data: &Path,
    executable: &Path,
    subscribers: usize,
    messages: u64,
) -> Result<ServerFigures, BenchError> {
    let server = NatsServer::start(data, executable).await?;
    let process = server.measured()?;
    tokio::time::sleep(SETTLE).await;
    let rss_idle = process.rss();
    let url = format!("ws://127.0.0.1:{}", server.websocket_port);
    let (sockets, connect_s) = connect_many(subscribers, || nats_subscribe(&url)).await?;
    tokio::time::sleep(SETTLE).await;
    let clock = Instant::now();
    let followers = Followers::spawn_with(sockets, |socket, stop| {
        nats_follow(socket, clock, messages, stop)
    });
    let figures = measure_window(
        "nats",
        &process,
        rss_idle,
        (followers, connect_s),
        subscribers,
        async {
            nats_publish(server.client_port, messages, clock).await?;
            Ok(None)
        },
    )
    .await;
    server.stop().await?;
    figures
}

// ---------------------------------------------------------------------------------------
// partnerhub

/// The partnerhub server process (`nats-fanout-server`), stopped by ending its standard
/// input.
struct HubProcess {
    child: Child,
    stdin: Option<ChildStdin>,
    url: String,
    workspace_id: Uuid,
    board_id: Uuid,
    token: String,
}

impl HubProcess {
    async fn start(data: &Path) -> Result<HubProcess, BenchError> {
        let mut child = tokio::process::Command::new(std::env::current_exe()?)
            .arg("--data")
            .arg(data)
            .arg("nats-fanout-server")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .kill_on_drop(true)
            .spawn()?;
        let (Some(stdin), Some(stdout)) = (child.stdin.take(), child.stdout.take()) else {
            return Err(BenchError::Setup("the server process has no pipes".into()));
        };
        let mut lines = BufReader::new(stdout).lines();
        let line = tokio::time::timeout(SETUP_TIMEOUT, lines.next_line())
            .await
            .map_err(|_| BenchError::Setup("the server process is not ready in time".into()))??
            .ok_or_else(|| {
                BenchError::Setup("the server process ended (see its error above)".into())
            })?;
        let parts: Vec<&str> = line.split(' ').collect();
        let [ready, url, workspace_id, board_id, token] = parts[..] else {
            return Err(BenchError::Setup(format!(
                "the server process said {line:?}"
            )));
        };
        let id = |text: &str| {
            text.parse::<Uuid>()
                .map_err(|_| BenchError::Setup(format!("not an id: {text}")))
        };
        if ready != "ready" {
            return Err(BenchError::Setup(format!(
                "the server process said {line:?}"
            )));
        }
        Ok(HubProcess {
            url: url.to_owned(),
            workspace_id: id(workspace_id)?,
            board_id: id(board_id)?,
            token: token.to_owned(),
            stdin: Some(stdin),
            child,
        })
    }

    fn measured(&self) -> Result<Measured, BenchError> {
        let pid = self
            .child
            .id()
            .ok_or_else(|| BenchError::Setup("the server process has no id".into()))?;
        Ok(Measured {
            pid: pid.to_string(),
        })
    }

    async fn stop(mut self) -> Result<(), BenchError> {
        drop(self.stdin.take());
        if tokio::time::timeout(SETUP_TIMEOUT, self.child.wait())
            .await
            .is_err()
        {
            self.child.kill().await?;
        }
        Ok(())
    }
}

/// The server side of the partnerhub measurement (`partnerhub-bench nats-fanout-server`): a
/// real server over a scratch store under `data`, with the per-account connection limit
/// raised; prints `ready <websocket url> <workspace> <board> <token>`, serves until standard
/// input ends, then stops.
///
/// # Errors
/// Store, socket and setup failures.
pub async fn serve_until_stdin_ends(data: &Path) -> Result<(), BenchError> {
    super::raise_open_file_limit()?;
    let server = LiveServer::start(data, "nats-fanout-partnerhub").await?;
    let mut output = tokio::io::stdout();
    output
        .write_all(
            format!(
                "ready {} {} {} {}\n",
                server.websocket_url(),
                server.workspace_id,
                server.board_id,
                server.token
            )
            .as_bytes(),
        )
        .await?;
    output.flush().await?;
    let mut input = tokio::io::stdin();
    let mut sink = Vec::new();
    let _ = input.read_to_end(&mut sink).await;
    server.stop().await
}

/// The text of note `sequence`: its [`client::stamp`], padded so that its event frame is
/// about [`FRAME_BYTES`] bytes, as NATS's payload.
fn padded_note(sequence: u64, sent: Duration, padding: usize) -> String {
    let mut text = client::stamp(sequence, sent);
    if padding > 1 {
        text.push(' ');
        text.push_str(&"x".repeat(padding - 1));
    }
    text
}

/// The writer: one websocket connection sending `messages` `AddNote` commands at the rate,
/// each note stamped with its send time; returns the latency from each send to its ack.
async fn partnerhub_write(
    hub: &HubProcess,
    messages: u64,
    clock: Instant,
) -> Result<Option<Latency>, BenchError> {
    let socket = client::hello(&hub.url, &hub.token, READ_BUFFER).await?;
    let (mut sink, mut stream) = socket.split();
    let sent: Arc<Mutex<HashMap<Uuid, Instant>>> = Arc::default();
    let acknowledging = {
        let sent = sent.clone();
        tokio::spawn(async move {
            let mut acks = Vec::with_capacity(messages as usize);
            let mut rejected = Vec::new();
            while (acks.len() + rejected.len()) < messages as usize {
                let text = match stream.next().await {
                    Some(Ok(Message::Text(text))) => text,
                    // The server's heartbeat pings (answered by tungstenite), and the like.
                    Some(Ok(Message::Ping(_) | Message::Pong(_) | Message::Binary(_))) => continue,
                    _ => break,
                };
                let Ok(value) = serde_json::from_str::<serde_json::Value>(text.as_str()) else {
                    continue;
                };
                let command = value["command_id"]
                    .as_str()
                    .and_then(|id| id.parse::<Uuid>().ok());
                let Some(at) = command.and_then(|id| {
                    sent.lock()
                        .unwrap_or_else(std::sync::PoisonError::into_inner)
                        .remove(&id)
                }) else {
                    continue;
                };
                match value["type"].as_str() {
                    Some("ack") => acks.push(at.elapsed()),
                    _ => rejected.push(text.as_str().to_owned()),
                }
            }
            (acks, rejected)
        })
    };
    let padding =
        FRAME_BYTES.saturating_sub(bare_frame(hub.workspace_id, 0, Duration::ZERO, 0).len());
    let mut ticks = tokio::time::interval(Duration::from_secs_f64(1.0 / RATE_PER_S));
    for sequence in 0..messages {
        ticks.tick().await;
        let command_id = Uuid::new_v4();
        let message = ClientMessage::Command {
            workspace_id: hub.workspace_id,
            command_id,
            command: Command::AddNote {
                board_id: hub.board_id,
                note_id: Uuid::new_v4(),
                text: padded_note(sequence, clock.elapsed(), padding),
                zone: Zone::default(),
                x: (sequence % 40) as i32 * 24,
                y: (sequence / 40 % 30) as i32 * 24,
                colour: None,
            },
        };
        let text = serde_json::to_string(&message)
            .map_err(|error| BenchError::Setup(format!("cannot encode a command: {error}")))?;
        sent.lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .insert(command_id, Instant::now());
        sink.send(Message::text(text)).await?;
    }
    let (mut acks, rejected) = tokio::time::timeout(ACK_DRAIN, acknowledging)
        .await
        .map_err(|_| BenchError::Setup("the writer's commands were not all answered".into()))??;
    if acks.len() + rejected.len() < messages as usize {
        return Err(BenchError::Setup(format!(
            "the writer's connection ended after {} of {messages} answers",
            acks.len() + rejected.len()
        )));
    }
    if let Some(first) = rejected.first() {
        return Err(BenchError::Setup(format!(
            "{} of the writer's commands were refused, the first: {first}",
            rejected.len()
        )));
    }
    let _ = sink.close().await;
    Ok(Some(Latency::of(&mut acks)))
}

/// One measurement of partnerhub with `subscribers` subscribers.
async fn measure_partnerhub(
    data: &Path,
    subscribers: usize,
    messages: u64,
) -> Result<ServerFigures, BenchError> {
    let hub = HubProcess::start(data).await?;
    let process = hub.measured()?;
    tokio::time::sleep(SETTLE).await;
    let rss_idle = process.rss();
    let (sockets, connect_s) = connect_many(subscribers, || {
        client::subscribe(&hub.url, &hub.token, hub.workspace_id, READ_BUFFER)
    })
    .await?;
    tokio::time::sleep(SETTLE).await;
    let clock = Instant::now();
    let followers = Followers::spawn_with(sockets, |socket, stop| {
        client::follow(socket, clock, messages, stop)
    });
    let figures = measure_window(
        "partnerhub",
        &process,
        rss_idle,
        (followers, connect_s),
        subscribers,
        partnerhub_write(&hub, messages, clock),
    )
    .await;
    hub.stop().await?;
    figures
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nats_operations_are_cut_out_of_frames_that_split_them() {
        let mut reader = NatsReader::default();
        reader.push(b"INFO {\"server_id\":\"x\"}\r\nPI");
        assert_eq!(reader.next_op(), Some(NatsOp::Other));
        assert_eq!(reader.next_op(), None);
        reader.push(b"NG\r\nMSG subject 1 5\r\nhel");
        assert_eq!(reader.next_op(), Some(NatsOp::Ping));
        assert_eq!(reader.next_op(), None);
        reader.push(b"lo\r\nMSG subject 1 reply 2\r\nhi\r\n-ERR 'Slow Consumer'\r\n");
        assert_eq!(reader.next_op(), Some(NatsOp::Message(b"hello".to_vec())));
        assert_eq!(reader.next_op(), Some(NatsOp::Message(b"hi".to_vec())));
        assert_eq!(
            reader.next_op(),
            Some(NatsOp::Error("'Slow Consumer'".into()))
        );
        assert_eq!(reader.next_op(), None);
    }

    fn figures(server: &'static str, p99_ms: f64, ack: Option<Latency>) -> ServerFigures {
        ServerFigures {
            server,
            latency: Latency {
                p50_ms: 1.0,
                p99_ms,
                max_ms: p99_ms * 2.0,
            },
            frame_bytes: 1000,
            received: 100,
            missed: 0,
            reordered: 0,
            closed_early: 0,
            connect_s: 0.1,
            rss_idle_bytes: 0,
            rss_loaded_bytes: 0,
            bytes_per_subscriber: 0.0,
            server_cpu_s: 0.5,
            generator_cpu_s: 0.5,
            ack,
        }
    }

    #[test]
    fn the_table_gives_partnerhubs_durable_ack_beside_its_deliveries() {
        let ack = Latency {
            p50_ms: 0.3,
            p99_ms: 24.25,
            max_ms: 127.5,
        };
        let result = NatsFanoutResult {
            scenario: "nats-fanout",
            subscribers: 100,
            round: 1,
            messages: 300,
            rate_per_s: RATE_PER_S,
            partnerhub: figures("partnerhub", 25.6, Some(ack)),
            nats: figures("nats", 5.3, None),
            ratio_p99_to_nats: 25.6 / 5.3,
            ratio_memory_to_nats: 0.0,
            bar: "partnerhub p99 ≤ 1x NATS's".into(),
            bar_met: false,
        };
        let row = result.table_row();
        let lines: Vec<&str> = row.lines().collect();
        assert_eq!(lines.len(), 2);
        let header = NatsFanoutResult::table_header();
        let column = |name: &str| header.find(name).map(|at| at + name.len());
        let (Some(p99_end), Some(max_end)) = (column("ack p99"), column("ack max")) else {
            panic!("the header names the ack's columns: {header}");
        };
        // Right-aligned under their headings, on both lines.
        assert_eq!(&lines[0][p99_end - 1..p99_end], "-");
        assert_eq!(&lines[0][max_end - 1..max_end], "-");
        assert_eq!(
            lines[1][..p99_end].trim_end().rsplit(' ').next(),
            Some("24.25")
        );
        assert_eq!(
            lines[1][..max_end].trim_end().rsplit(' ').next(),
            Some("127.50")
        );
        assert!(lines[1].ends_with("NOT MET partnerhub p99 ≤ 1x NATS's"));
    }

    #[test]
    fn padded_notes_keep_their_stamp_readable() {
        let note = padded_note(12, Duration::from_millis(3), 40);
        assert!(note.starts_with(&client::stamp(12, Duration::from_millis(3))));
        assert_eq!(note.len(), client::stamp(0, Duration::ZERO).len() + 40);
    }
}
