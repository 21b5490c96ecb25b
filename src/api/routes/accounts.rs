//! The routes of one's own account: log in and out, join a workshop as a guest, change the
//! password, accept a member invite, and `GET /api/me`.

use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use serde_json::{json, Value};

use super::{ApiJson, Caller};
use crate::accounts::service::{AcceptedInvite, Joiner};
use crate::accounts::Principal;
use crate::app_state::{ApiError, AppState};

/// Login request.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    /// Account name.
    pub name: String,
    /// Password.
    pub password: String,
}

pub(super) async fn login(
    State(state): State<AppState>,
    ApiJson(request): ApiJson<LoginRequest>,
) -> Result<ApiJson<Value>, ApiError> {
    let (token, expires_at) = state
        .accounts
        .login(&request.name, &request.password)
        .await?;
    Ok(ApiJson(
        json!({"token": token, "expires_at": expires_at, "account": request.name}),
    ))
}

/// Join request: an invite and the name to be shown to others.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct JoinRequest {
    /// The invite token (the part of the invite link after `#`).
    pub invite: String,
    /// The name others see beside your notes (1 to 80 characters).
    pub display_name: String,
}

/// `POST /api/join`: a person joins the workshop an invite opens and gets a guest credential
/// of their own (the invite itself acts as nobody).
pub(super) async fn join(
    State(state): State<AppState>,
    ApiJson(request): ApiJson<JoinRequest>,
) -> Result<
    (
        StatusCode,
        ApiJson<crate::accounts::service::GuestCredential>,
    ),
    ApiError,
> {
    let credential = state
        .accounts
        .join(&request.invite, &request.display_name)
        .await?;
    Ok((StatusCode::CREATED, ApiJson(credential)))
}

/// `POST /api/logout`: ends the caller's login session on the server.
pub(super) async fn logout(
    State(state): State<AppState>,
    Caller(principal): Caller,
) -> Result<StatusCode, ApiError> {
    state.accounts.logout(&principal).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A password change: the current password and the new one.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordChangeRequest {
    /// The password now.
    pub current: String,
    /// The new password (at least 10 characters).
    pub new: String,
}

/// `POST /api/me/password`: changes the caller's password; every session of the account
/// ends and the caller gets a new one.
pub(super) async fn change_password(
    State(state): State<AppState>,
    Caller(principal): Caller,
    ApiJson(request): ApiJson<PasswordChangeRequest>,
) -> Result<ApiJson<Value>, ApiError> {
    let (token, expires_at) = state
        .accounts
        .change_password(&principal, &request.current, &request.new)
        .await?;
    Ok(ApiJson(
        json!({"token": token, "expires_at": expires_at, "account": principal.actor}),
    ))
}

/// Accepting a member invite with a new account.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AcceptInviteRequest {
    /// The invite (the part of the invite link after `#`).
    pub invite: String,
    /// The account name to create (2 to 64 letters, digits and @ . - _).
    pub name: String,
    /// Its password (at least 10 characters).
    pub password: String,
}

/// `POST /api/invites/accept`: a colleague creates an account through a member invite and
/// becomes a member; the answer carries their login session.
pub(super) async fn accept_invite(
    State(state): State<AppState>,
    ApiJson(request): ApiJson<AcceptInviteRequest>,
) -> Result<(StatusCode, ApiJson<AcceptedInvite>), ApiError> {
    let accepted = state
        .accounts
        .accept_member_invite(
            &request.invite,
            Joiner::NewAccount {
                name: &request.name,
                password: &request.password,
            },
        )
        .await?;
    Ok((StatusCode::CREATED, ApiJson(accepted)))
}

/// Accepting a member invite with the account one is logged in with.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AcceptInviteAsMeRequest {
    /// The invite (the part of the invite link after `#`).
    pub invite: String,
}

/// `POST /api/me/accept-invite`: the logged-in account becomes a member through an invite.
pub(super) async fn accept_invite_as_me(
    State(state): State<AppState>,
    Caller(principal): Caller,
    ApiJson(request): ApiJson<AcceptInviteAsMeRequest>,
) -> Result<ApiJson<AcceptedInvite>, ApiError> {
    let accepted = state
        .accounts
        .accept_member_invite(&request.invite, Joiner::Existing(&principal))
        .await?;
    Ok(ApiJson(accepted))
}

pub(super) fn workspace_list(state: &AppState, principal: &Principal) -> Vec<Value> {
    state
        .accounts
        .workspaces_of(principal)
        .into_iter()
        .map(|(workspace_id, role)| {
            let name = state
                .projections
                .read(workspace_id, |view| view.state.name.clone())
                .unwrap_or_default();
            let slug = state.projections.slug_of(workspace_id);
            json!({"workspace_id": workspace_id, "slug": slug, "name": name, "role": role})
        })
        .collect()
}

pub(super) async fn me(State(state): State<AppState>, Caller(principal): Caller) -> ApiJson<Value> {
    ApiJson(json!({
        "actor": principal.actor,
        "display_name": state.accounts.display_name(&principal.actor),
        "account_id": principal.account_id,
        "guest_board": principal.guest_board(),
        "workspaces": workspace_list(&state, &principal),
    }))
}
