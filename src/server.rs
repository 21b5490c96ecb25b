//! The server: wires the store, the projections, the services and the hub into one
//! [`AppState`], and serves the HTTP API and the websocket hub until a shutdown signal.
//!
//! [`start`] rebuilds the views from the log and starts the projector; [`run`] takes an
//! already-bound listener and a shutdown future, so `partnerhub serve` and the tests call the
//! same entry point (tests bind `127.0.0.1:0`). On shutdown it stops accepting, tells every
//! websocket "going away" (1001) once its in-flight command is done, lets HTTP requests
//! finish, then shuts the store down so every acknowledged event is on disk.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::DefaultBodyLimit;
use axum::http::StatusCode;
use axum::routing::get;
use axum::Router;
use tokio::net::TcpListener;

use crate::accounts::sessions::Sessions;
use crate::accounts::Accounts;
use crate::api::{ApiError, AppState, Limits};
use crate::hub::Hub;
use crate::privacy::KeyStore;
use crate::projection::{rebuild, spawn_projector, Projections};
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

/// Like [`start`], on what [`Backing::open`](crate::node::Backing::open) opened: on
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
        backing.sessions(),
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
    let projections: Arc<Projections> = rebuild(store.as_ref(), progress).await?;
    spawn_projector(store.clone(), projections.clone());
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
        limits,
    })
}

/// The routes of the server: the API, `/ws`, and a JSON 404 for everything else.
pub fn router(state: AppState) -> Router {
    let body_limit = state.limits.max_message_bytes;
    crate::api::routes::router()
        .route("/ws", get(crate::hub::connection::websocket))
        .fallback(|| async {
            ApiError::new(
                StatusCode::NOT_FOUND,
                "not_found",
                "no such route; see /api/openapi.json",
            )
        })
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
/// An I/O error of the listener.
pub async fn run(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let hub = state.hub.clone();
    let store = state.store.clone();
    let app = router(state);
    let signal_hub = hub.clone();
    let served = axum::serve(listener, app)
        .with_graceful_shutdown(async move {
            shutdown.await;
            // Websockets are upgraded connections axum does not wait for: tell them now.
            signal_hub.begin_shutdown();
        })
        .await;
    hub.shut_down(SHUTDOWN_GRACE).await;
    store.shutdown().await;
    tracing::info!("server stopped; the store is closed");
    served
}
