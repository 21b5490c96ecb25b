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

pub mod openapi;
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

/// Path parameters whose rejection is an [`ApiError`].
#[derive(Debug, FromRequestParts)]
#[from_request(via(axum::extract::Path), rejection(ApiError))]
pub struct ApiPath<T>(pub T);

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
