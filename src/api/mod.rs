//! The HTTP API: every command and every view of a workspace over JSON, accounts and
//! tokens, health and readiness, and the OpenAPI document describing all of it.
//!
//! Handlers are small: authenticate ([`Caller`]), check the role ([`Principal::require`]),
//! call the service or read the projections, answer JSON. Every failure is an [`ApiError`]
//! with one body shape, produced in `error.rs` and nowhere else; even a malformed body or a
//! wrong path parameter goes through it, because the extractors here reject with it.
//!
//! [`Principal::require`]: crate::accounts::Principal::require

pub mod error;
pub mod graph_export;
pub mod openapi;
pub mod organisation_import;
pub mod protocol_files;
pub mod rate;
pub mod routes;

use std::sync::Arc;

use axum::extract::{FromRequest, FromRequestParts};
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

pub use self::error::{ApiError, ErrorBody};
use crate::accounts::{Accounts, Principal};
use crate::hub::Hub;
use crate::projection::Projections;
use crate::service::Workspaces;
use crate::store::EventStore;

/// Limits the server enforces, with the defaults of `partnerhub serve`.
#[derive(Clone, Debug)]
pub struct Limits {
    /// Largest HTTP body or websocket message, in bytes.
    pub max_message_bytes: usize,
    /// Commands per second one websocket connection may send (a burst of as many is allowed).
    pub commands_per_second: u32,
    /// Commands per second one account (or API token) may send over HTTP, across all its
    /// requests (a burst of as many is allowed); more get 429 `rate_limited`.
    pub http_commands_per_second: u32,
    /// Open websocket connections per account (or token).
    pub connections_per_account: usize,
    /// Events a websocket connection may have queued before it is moved back to catch-up.
    pub connection_queue: usize,
    /// Presence updates per second one connection may send; more are dropped quietly.
    pub presence_per_second: u32,
    /// How long a subscription waits for room in a full outgoing queue before the client is
    /// closed as too slow (4008).
    pub slow_client_timeout: std::time::Duration,
    /// How long a client has to send a request's whole header (from the moment the server
    /// starts waiting for it, including an idle keep-alive connection's wait for its next
    /// request); then the connection is closed. Stops slowloris clients holding connections
    /// with a header sent a byte at a time, or never.
    pub header_read_timeout: std::time::Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_message_bytes: 256 * 1024,
            commands_per_second: 50,
            http_commands_per_second: 50,
            connections_per_account: 20,
            connection_queue: 1024,
            presence_per_second: 20,
            slow_client_timeout: std::time::Duration::from_secs(10),
            header_read_timeout: std::time::Duration::from_secs(15),
        }
    }
}

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    /// The event log.
    pub store: Arc<dyn EventStore>,
    /// The views.
    pub projections: Arc<Projections>,
    /// Commands.
    pub workspaces: Arc<Workspaces>,
    /// Accounts, roles, tokens.
    pub accounts: Arc<Accounts>,
    /// The websocket hub.
    pub hub: Arc<Hub>,
    /// Limits.
    pub limits: Limits,
    /// The HTTP command rate limit, per account or token.
    pub http_commands: Arc<rate::RateLimits>,
}

/// A JSON body whose rejection is an [`ApiError`].
#[derive(Debug, Clone, Copy, Default, FromRequest)]
#[from_request(via(axum::Json), rejection(ApiError))]
pub struct ApiJson<T>(pub T);

impl<T: Serialize> IntoResponse for ApiJson<T> {
    fn into_response(self) -> Response {
        axum::Json(self.0).into_response()
    }
}

/// Path parameters whose rejection is an [`ApiError`]: one parameter as `T`, several as a
/// tuple in their order. A `{workspace_id}` may be the workspace's id or its slug
/// ([`crate::projection::slugs`]): this extractor is the one place that resolves a slug, so
/// every workspace route takes both. Every other `…_id` parameter must be an id (a UUID).
#[derive(Debug)]
pub struct ApiPath<T>(pub T);

impl<T: serde::de::DeserializeOwned + Send> FromRequestParts<AppState> for ApiPath<T> {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let params = axum::extract::RawPathParams::from_request_parts(parts, state)
            .await
            .map_err(|rejection| ApiError::bad_request("invalid_path", rejection.body_text()))?;
        let mut values = Vec::new();
        for (name, value) in &params {
            values.push(serde_json::Value::String(path_value(state, name, value)?));
        }
        let value = match <[serde_json::Value; 1]>::try_from(values) {
            Ok([one]) => one,
            Err(values) => serde_json::Value::Array(values),
        };
        serde_json::from_value(value).map(ApiPath).map_err(|error| {
            ApiError::bad_request("invalid_path", format!("the address does not fit: {error}"))
        })
    }
}

/// A path parameter's value as the handler reads it: a workspace's slug as its id; an id
/// checked to be one.
fn path_value(state: &AppState, name: &str, value: &str) -> Result<String, ApiError> {
    let is_id = value.parse::<uuid::Uuid>().is_ok();
    if name == "workspace_id" && !is_id {
        if !crate::projection::slugs::is_slug_form(value) {
            return Err(ApiError::bad_request(
                "invalid_path",
                format!("`{value}` is neither a workspace's id (a UUID) nor its slug (lower-case letters, digits and hyphens, e.g. roskilde-bibliotekerne)"),
            ));
        }
        return state
            .projections
            .workspace_by_slug(value)
            .map(|id| id.to_string())
            .ok_or_else(ApiError::workspace_not_found);
    }
    if name.ends_with("_id") && !is_id {
        return Err(ApiError::bad_request(
            "invalid_path",
            format!("`{name}` must be an id (a UUID), not `{value}`"),
        ));
    }
    Ok(value.to_owned())
}

/// Query parameters whose rejection is an [`ApiError`].
#[derive(Debug, FromRequestParts)]
#[from_request(via(axum::extract::Query), rejection(ApiError))]
pub struct ApiQuery<T>(pub T);

/// The authenticated caller, from `Authorization: Bearer <token>` (a session from
/// `POST /api/login` or an API token).
#[derive(Debug, Clone)]
pub struct Caller(pub Principal);

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let header = parts
            .headers
            .get(axum::http::header::AUTHORIZATION)
            .and_then(|value| value.to_str().ok())
            .ok_or_else(|| {
                ApiError::new(
                    axum::http::StatusCode::UNAUTHORIZED,
                    "unauthenticated",
                    "send `Authorization: Bearer <token>` (log in with POST /api/login, or use an API token)",
                )
            })?;
        let token = header.strip_prefix("Bearer ").unwrap_or(header).trim();
        Ok(Caller(state.accounts.authenticate(token).await?))
    }
}
