//! The server: wires the store, the projections, the services and the hub into one
//! [`AppState`], and serves the HTTP API and the websocket hub until a shutdown signal.
//!
//! [`start`] makes the views current with the log (from the projection checkpoint the store
//! keeps, if it is usable: [`crate::projection::checkpoint`]), starts the projector and the
//! task that writes checkpoints; [`run`] takes an
//! already-bound listener and a shutdown future, so `partnerhub serve` and the tests call the
//! same entry point (tests bind `127.0.0.1:0`). On shutdown it stops accepting, tells every
//! websocket "going away" (1001) once its in-flight command is done, lets HTTP requests
//! finish, writes a checkpoint of the views, then shuts the store down so every acknowledged
//! event is on disk.
//!
//! Connections are served by hyper's HTTP/1 server directly rather than `axum::serve`,
//! because only there can a header-read timeout be set ([`Limits::header_read_timeout`]):
//! without it a client that sends its request header a byte at a time, or never, holds its
//! connection (and a file descriptor) forever.

use std::future::Future;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::DefaultBodyLimit;
use axum::http::StatusCode;
use axum::routing::get;
use axum::Router;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use crate::accounts::sessions::Sessions;
use crate::accounts::Accounts;
use crate::app_state::{ApiError, AppState, Limits};
use crate::hub::Hub;
use crate::privacy::KeyStore;
use crate::projection::checkpoint::{self, spawn_checkpointer, Start};
use crate::projection::{spawn_projector, Projections};
use crate::service::Workspaces;
use crate::store::{EventStore, Position, StoreError};

/// How long shutdown waits for websocket connections to close.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

/// Rebuilds the views from `store` (reporting progress) and starts everything a server needs;
/// `keys` holds the keys of personal data (see [`crate::privacy`]); login sessions are kept
/// in memory.
///
/// # Errors
/// Store errors while rebuilding.
pub async fn start(
    store: Arc<dyn EventStore>,
    keys: Arc<KeyStore>,
    limits: Limits,
    progress: &mut (dyn FnMut(Position) + Send),
) -> Result<AppState, StoreError> {
    start_with_sessions(store, keys, Sessions::in_memory(), limits, progress).await
}

/// Like [`start`], on what [`Backing::open`](crate::node::Backing::open) opened: login
/// sessions survive a restart (see [`Backing::sessions`](crate::node::Backing::sessions)); on
/// PostgreSQL, keys and sessions are those every node of the schema shares. (Presence is
/// relayed between nodes only when [`crate::hub::presence::relay`] is started too, as
/// `partnerhub serve` does.)
///
/// # Errors
/// Store errors while rebuilding.
pub async fn start_node(
    backing: &crate::node::Backing,
    limits: Limits,
    progress: &mut (dyn FnMut(Position) + Send),
) -> Result<AppState, StoreError> {
    start_with_sessions(
        backing.event_store(),
        backing.keys.clone(),
        backing.sessions()?,
        limits,
        progress,
    )
    .await
}

async fn start_with_sessions(
    store: Arc<dyn EventStore>,
    keys: Arc<KeyStore>,
    sessions: Sessions,
    limits: Limits,
    progress: &mut (dyn FnMut(Position) + Send),
) -> Result<AppState, StoreError> {
    let (projections, started): (Arc<Projections>, Start) =
        checkpoint::start(store.as_ref(), progress).await?;
    spawn_projector(store.clone(), projections.clone());
    let since = match started {
        Start::FromCheckpoint(position) => position,
        Start::Rebuilt { .. } => 0,
    };
    spawn_checkpointer(&store, projections.clone(), limits.checkpoints, since);
    let workspaces = Arc::new(Workspaces::new(store.clone(), projections.clone(), keys));
    let finished = workspaces.finish_erasures().await?;
    if finished > 0 {
        tracing::info!(finished, "finished erasures a crash had interrupted");
    }
    Ok(AppState {
        workspaces,
        accounts: Arc::new(Accounts::with_sessions(
            store.clone(),
            projections.clone(),
            sessions,
        )),
        hub: Hub::new(),
        store,
        projections,
        http_commands: Arc::new(crate::app_state::rate::RateLimits::new(
            limits.http_commands_per_second,
        )),
        public_pages: Arc::new(crate::app_state::rate::RateLimits::new(
            limits.public_page_per_second,
        )),
        limits,
    })
}

/// The routes of the server: the API, `/ws`, and the browser app ([`crate::web`]) for
/// everything else (a JSON 404 for unknown API paths).
pub fn router(state: AppState) -> Router {
    let body_limit = state.limits.max_message_bytes;
    crate::api::routes::router()
        .route("/ws", get(crate::hub::connection::websocket))
        .fallback(crate::web::app_or_not_found)
        .method_not_allowed_fallback(|| async {
            ApiError::new(
                StatusCode::METHOD_NOT_ALLOWED,
                "method_not_allowed",
                "this route does not take that method; see /api/openapi.json",
            )
        })
        .layer(DefaultBodyLimit::max(body_limit))
        .with_state(state)
}

/// Serves `listener` until `shutdown` completes, then closes websockets and the store.
///
/// # Errors
/// None in practice: a failed accept (out of file descriptors, a connection reset before it
/// was accepted) is logged and retried, as `axum::serve` does.
pub async fn run(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let hub = state.hub.clone();
    let store = state.store.clone();
    let projections = state.projections.clone();
    let header_read_timeout = state.limits.header_read_timeout;
    let app = router(state);
    let stopping = CancellationToken::new();
    let connections = TaskTracker::new();
    tokio::pin!(shutdown);
    loop {
        let (stream, remote) = tokio::select! {
            // The shutdown future first, every time: it must be polled from the start (a
            // signal handler is installed on its first poll), however busy the listener.
            biased;
            () = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    // Out of file descriptors or a connection gone before it was accepted:
                    // wait a moment rather than spin, and go on serving the others.
                    tracing::warn!(%error, "cannot accept a connection");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
        };
        // Frames go out as soon as they are written (a websocket event frame is small, and
        // Nagle's algorithm would hold one back behind an unacknowledged one).
        if let Err(error) = stream.set_nodelay(true) {
            tracing::debug!(%error, "cannot set TCP_NODELAY on a connection");
        }
        let service = hyper_util::service::TowerToHyperService::new(app.clone());
        let connection = hyper::server::conn::http1::Builder::new()
            .timer(hyper_util::rt::TokioTimer::new())
            .header_read_timeout(header_read_timeout)
            .serve_connection(hyper_util::rt::TokioIo::new(stream), service)
            .with_upgrades();
        let stopping = stopping.clone();
        connections.spawn(async move {
            tokio::pin!(connection);
            let served = tokio::select! {
                served = connection.as_mut() => served,
                () = stopping.cancelled() => {
                    // Finish the request in flight, then close; an idle connection closes now.
                    connection.as_mut().graceful_shutdown();
                    connection.await
                }
            };
            if let Err(error) = served {
                // Timeouts, resets and malformed requests: the client's problem, not ours.
                tracing::debug!(%remote, %error, "connection ended with an error");
            }
        });
    }
    drop(listener);
    // Websockets are upgraded connections the HTTP server no longer tracks: tell them now.
    hub.begin_shutdown();
    stopping.cancel();
    connections.close();
    connections.wait().await;
    hub.shut_down(SHUTDOWN_GRACE).await;
    // Nothing more comes in: the views are those of the last event applied. The projector may
    // still be folding the last acknowledged events; a checkpoint before them is as good.
    if let Err(error) = checkpoint::write(store.as_ref(), &projections).await {
        tracing::warn!(%error, "cannot write a projection checkpoint at shutdown");
    }
    store.shutdown().await;
    tracing::info!("server stopped; the store is closed");
    Ok(())
}

/// Installs the log subscriber of a `partnerhub` process (the server's command line and the
/// benchmarks', through [`run_command_line`]): the filter from `PARTNERHUB_LOG` (default `info`), lines on standard error,
/// coloured only on a terminal.
///
/// tungstenite logs every websocket message in full at trace level: tokens in `hello`,
/// personal data in commands. It is capped at info whatever `PARTNERHUB_LOG` asks for, so
/// that nothing secret is ever logged (tests/logging.rs).
fn init_logging() {
    let mut filter = tracing_subscriber::EnvFilter::try_from_env("PARTNERHUB_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    // sled logs at debug and trace level from destructors (`IoBufs dropped`, `dropping
    // pagecache`) that may run in a thread-local destructor as a thread exits, after the
    // fmt subscriber's own thread-local buffer is gone: at `PARTNERHUB_LOG=trace` that
    // aborted the process at shutdown now and then. Its messages are capped at info.
    for cap in ["tungstenite=info", "tokio_tungstenite=info", "sled=info"] {
        if let Ok(directive) = cap.parse() {
            filter = filter.add_directive(directive);
        }
    }
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
}

/// The one startup of both command lines, `partnerhub` and `partnerhub-bench`: installs the
/// log subscriber (`init_logging`), runs `work` to its end on a new multi-threaded tokio
/// runtime, and turns its outcome into the process's exit code. A failure is printed to
/// standard error with its chain of causes (`error: ...`) and exits with failure.
pub fn run_command_line(work: impl Future<Output = anyhow::Result<ExitCode>>) -> ExitCode {
    init_logging();
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("error: cannot start the async runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(work) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}
