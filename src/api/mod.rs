//! The HTTP API: every command and every view of a workspace over JSON, accounts and
//! tokens, health and readiness, and the OpenAPI document describing all of it.
//!
//! Handlers are small: authenticate ([`Caller`]), check the role ([`Principal::require`]),
//! call the service or read the projections, answer JSON. Every failure is an [`ApiError`]
//! with one body shape, produced in [`crate::app_state::error`] and nowhere else; even a
//! malformed body or a wrong path parameter goes through it, because the extractors here
//! reject with it. The state the handlers reach ([`AppState`]) and that error are shared with
//! the websocket hub, so they live in [`crate::app_state`], which both depend on.
//!
//! [`Principal::require`]: crate::accounts::Principal::require

pub mod graph_export;
pub mod openapi;
pub mod organisation_import;
pub mod protocol_files;
pub mod routes;

use axum::extract::{FromRequest, FromRequestParts};
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::accounts::Principal;
use crate::app_state::{ApiError, AppState};

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
