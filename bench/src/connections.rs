//! Scenario 3: connections held. The server in this process, N idle authenticated
//! subscribers of one workspace in a second process (this same binary, re-run as the hidden
//! `partnerhub-bench connections-client`), because the open-file limit is per process and
//! each side of a loopback connection is a file. Measured: the server process's resident
//! memory (`VmRSS`) before and after, per connection, and the latency of `GET /healthz` with
//! every client connected, beside the same health check on the same server before any
//! client connected (the baseline of the same run).
//!
//! The health checks are spread over half a minute so that they meet the server's heartbeat
//! pings (every 30 seconds per connection) at least once.
//!
//! The client process reads the session token as the first line of its standard input,
//! prints `ready <connections> <its own resident bytes per connection>` once every client is
//! subscribed, holds them until its standard input ends, then closes them and prints
//! `done <still open>`.

use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use serde::Serialize;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

use super::client;
use super::live::LiveServer;
use super::{resident_bytes, BenchError, Latency};

/// The bar for memory: at most this many bytes per idle connection.
const BAR_BYTES_PER_CONNECTION: f64 = 32.0 * 1024.0;
/// The bar for responsiveness: health check p99 at most this many milliseconds.
const BAR_HEALTH_P99_MS: f64 = 10.0;
/// Time between two health checks.
const HEALTH_SPACING: Duration = Duration::from_millis(20);
/// How long the client process may take to connect everything.
const READY_TIMEOUT: Duration = Duration::from_secs(900);
/// The read buffer of the idle clients: 4 KiB, as the server's (tungstenite's default of
/// 128 KiB is zero-filled before the first read and stays resident per connection).
const IDLE_CLIENT_READ_BUFFER: usize = 4 * 1024;
/// How long memory is left to settle after the last client subscribed.
const SETTLE: Duration = Duration::from_secs(2);

/// The measured configuration of the connections scenario.
#[derive(Debug, Clone, Serialize)]
pub struct ConnectionsResult {
    /// Always `connections`.
    pub scenario: &'static str,
    /// Idle subscribers asked for.
    pub connections: usize,
    /// Websocket connections the server counted as open with every client connected.
    pub open_on_server: usize,
    /// Seconds the client process took to connect, authenticate and subscribe them all.
    pub connect_s: f64,
    /// The server process's resident memory before any client connected, in bytes.
    pub rss_before_bytes: u64,
    /// The server process's resident memory with every client connected, in bytes.
    pub rss_after_bytes: u64,
    /// The difference, per connection, in bytes.
    pub bytes_per_connection: f64,
    /// The client process's resident memory per connection, in bytes: tokio-tungstenite's
    /// side of the same connections, with 4 KiB read buffers as the server's, for comparison.
    pub client_bytes_per_connection: f64,
    /// Health checks made in each phase.
    pub health_checks: usize,
    /// `GET /healthz` (a new TCP connection each) with every client connected.
    pub health: Latency,
    /// Baseline: the same health check on the same server before any client connected.
    pub baseline_health_no_connections: Latency,
    /// `health.p99_ms` divided by the baseline's.
    pub ratio_health_p99_to_baseline: f64,
    /// The bar of the issue.
    pub bar: String,
    /// Whether the bar was met.
    pub bar_met: bool,
}

impl ConnectionsResult {
    /// The figures for people, one per line.
    pub fn report(&self) -> String {
        let mib = |bytes: u64| bytes as f64 / (1024.0 * 1024.0);
        format!(
            "idle subscribers     {} asked, {} open on the server (connected in {:.1} s)\n\
             server memory        {:.1} MiB before, {:.1} MiB after: {:.1} KiB per connection\n\
             client memory        {:.1} KiB per connection (the second process; 4 KiB read buffers, as the server's)\n\
             health checks        {} each: p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms with every client connected\n\
             baseline             p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms before any client connected (x {:.2} at p99)\n\
             bar                  {}: {}",
            self.connections,
            self.open_on_server,
            self.connect_s,
            mib(self.rss_before_bytes),
            mib(self.rss_after_bytes),
            self.bytes_per_connection / 1024.0,
            self.client_bytes_per_connection / 1024.0,
            self.health_checks,
            self.health.p50_ms,
            self.health.p99_ms,
            self.health.max_ms,
            self.baseline_health_no_connections.p50_ms,
            self.baseline_health_no_connections.p99_ms,
            self.baseline_health_no_connections.max_ms,
            self.ratio_health_p99_to_baseline,
            self.bar,
            if self.bar_met { "met" } else { "NOT MET" },
        )
    }
}

/// Scenario 3: `connections` idle subscribers held by a server in this process, driven from a
/// child process; `health_checks` health checks before and with them. The server's scratch
/// store goes under `scratch_parent` and is removed afterwards.
///
/// # Errors
/// Setup, socket and child process failures.
pub async fn connections_held(
    scratch_parent: &Path,
    connections: usize,
    health_checks: usize,
) -> Result<ConnectionsResult, BenchError> {
    let server = LiveServer::start(scratch_parent, "connections").await?;
    let baseline = check_health(server.address, health_checks).await?;
    let rss_before = resident_bytes();

    let mut child = tokio::process::Command::new(std::env::current_exe()?)
        .args([
            "connections-client",
            "--url",
            &server.websocket_url(),
            "--workspace",
            &server.workspace_id.to_string(),
            "--connections",
            &connections.to_string(),
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .kill_on_drop(true)
        .spawn()?;
    let (Some(mut stdin), Some(stdout)) = (child.stdin.take(), child.stdout.take()) else {
        return Err(BenchError::Setup("the client process has no pipes".into()));
    };
    stdin
        .write_all(format!("{}\n", server.token).as_bytes())
        .await?;
    stdin.flush().await?;
    let mut lines = BufReader::new(stdout).lines();
    let connecting = Instant::now();
    let client_bytes_per_connection = tokio::time::timeout(READY_TIMEOUT, async {
        while let Some(line) = lines.next_line().await? {
            if let Some(rest) = line.strip_prefix("ready ") {
                let bytes = rest
                    .split(' ')
                    .nth(1)
                    .and_then(|bytes| bytes.parse::<f64>().ok())
                    .unwrap_or(0.0);
                return Ok(bytes);
            }
        }
        Err(BenchError::Setup(
            "the client process ended before its clients were ready (see its error above)".into(),
        ))
    })
    .await
    .map_err(|_| BenchError::Setup(format!("clients not ready within {READY_TIMEOUT:?}")))??;
    let connect_s = connecting.elapsed().as_secs_f64();

    tokio::time::sleep(SETTLE).await;
    let rss_after = resident_bytes();
    let open_on_server = server.state.hub.open_connections();
    let health = check_health(server.address, health_checks).await?;

    // End of its standard input: the client process closes its connections and exits.
    drop(stdin);
    while let Some(line) = lines.next_line().await? {
        if line.starts_with("done") {
            break;
        }
    }
    let _ = tokio::time::timeout(Duration::from_secs(60), child.wait()).await;
    server.stop().await?;

    let bytes_per_connection =
        rss_after.saturating_sub(rss_before) as f64 / connections.max(1) as f64;
    let bar_met = bytes_per_connection <= BAR_BYTES_PER_CONNECTION
        && health.p99_ms <= BAR_HEALTH_P99_MS
        && open_on_server == connections;
    Ok(ConnectionsResult {
        scenario: "connections",
        connections,
        open_on_server,
        connect_s,
        rss_before_bytes: rss_before,
        rss_after_bytes: rss_after,
        bytes_per_connection,
        client_bytes_per_connection,
        health_checks,
        health,
        baseline_health_no_connections: baseline,
        ratio_health_p99_to_baseline: health.p99_ms / baseline.p99_ms.max(f64::MIN_POSITIVE),
        bar: format!(
            "≤ 32 KiB per idle connection, health check p99 ≤ {BAR_HEALTH_P99_MS} ms, every connection open"
        ),
        bar_met,
    })
}

/// `count` health checks, [`HEALTH_SPACING`] apart.
async fn check_health(address: std::net::SocketAddr, count: usize) -> Result<Latency, BenchError> {
    let mut samples = Vec::with_capacity(count);
    for _ in 0..count {
        let call = Instant::now();
        let mut stream = TcpStream::connect(address).await?;
        stream
            .write_all(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
            .await?;
        let mut response = Vec::with_capacity(256);
        stream.read_to_end(&mut response).await?;
        samples.push(call.elapsed());
        if !response.starts_with(b"HTTP/1.1 200") {
            return Err(BenchError::Setup(format!(
                "the health check answered {}",
                String::from_utf8_lossy(&response[..response.len().min(80)])
            )));
        }
        tokio::time::sleep(HEALTH_SPACING).await;
    }
    Ok(Latency::of(&mut samples))
}

/// The client side of scenario 3 (`partnerhub-bench connections-client`): reads the token
/// from the first line of standard input, opens `connections` subscriptions to `url` for
/// `workspace_id`, reports `ready`, holds them idle until standard input ends, then closes
/// them and reports `done`.
///
/// # Errors
/// A client that cannot connect or subscribe, or standard input/output failing.
pub async fn hold_idle_connections(
    url: &str,
    workspace_id: Uuid,
    connections: usize,
) -> Result<(), BenchError> {
    let mut input = BufReader::new(tokio::io::stdin()).lines();
    let token = input
        .next_line()
        .await?
        .ok_or_else(|| BenchError::Setup("no token on standard input".into()))?;
    let mut output = tokio::io::stdout();
    let rss_before = resident_bytes();
    let sockets = client::connect_all(
        url,
        &token,
        workspace_id,
        (connections, IDLE_CLIENT_READ_BUFFER),
        &mut |open| {
            if open % 1000 == 0 {
                tracing::info!(open, "idle clients connected");
            }
        },
    )
    .await?;
    let stop = CancellationToken::new();
    let holders: Vec<_> = sockets
        .into_iter()
        .map(|socket| tokio::spawn(client::hold(socket, stop.clone())))
        .collect();
    tokio::time::sleep(SETTLE).await;
    let per_connection =
        resident_bytes().saturating_sub(rss_before) as f64 / connections.max(1) as f64;
    output
        .write_all(format!("ready {connections} {per_connection:.0}\n").as_bytes())
        .await?;
    output.flush().await?;
    while input.next_line().await?.is_some() {}
    stop.cancel();
    let mut still_open = 0usize;
    for holder in holders {
        still_open += usize::from(holder.await?);
    }
    output
        .write_all(format!("done {still_open}\n").as_bytes())
        .await?;
    output.flush().await?;
    Ok(())
}
