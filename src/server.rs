//! The HTTP server: one entry point, [`run`], used by `partnerhub serve` and by the tests.
//!
//! [`run`] takes an already-bound listener and a shutdown future, so tests can bind
//! `127.0.0.1:0` and stop the server when they like. On shutdown it stops accepting, lets
//! in-flight requests finish, then shuts the store down so every acknowledged event is on disk.
//! Today it answers liveness (`GET /healthz`); the API and the websocket hub are added here.

use std::future::Future;
use std::sync::Arc;

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{json, Value};
use tokio::net::TcpListener;

use crate::store::EventStore;

/// What every request handler can reach.
#[derive(Clone)]
pub struct AppState {
    /// The event log.
    pub store: Arc<dyn EventStore>,
}

/// The routes of the server.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/healthz", get(health))
        .with_state(state)
}

/// `GET /healthz`: the process is up and answering. Also reports the log's head position.
async fn health(State(state): State<AppState>) -> Json<Value> {
    Json(json!({
        "status": "ok",
        "head_position": state.store.head_position(),
    }))
}

/// Serves `listener` until `shutdown` completes, then closes the store.
///
/// # Errors
/// An I/O error of the listener.
pub async fn run(
    listener: TcpListener,
    store: Arc<dyn EventStore>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let app = router(AppState {
        store: store.clone(),
    });
    let served = axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await;
    store.shutdown().await;
    tracing::info!("server stopped; the store is closed");
    served
}
