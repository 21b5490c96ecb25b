//! The routes of one's own account: log in and out, join a workshop as a guest, change the
//! password, accept a member invite, and `GET /api/me`.

use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use schemars::gen::SchemaGenerator;
use schemars::schema::Schema;
use serde_json::json;

use super::{ApiJson, Caller};
use crate::accounts::service::{
    AcceptedInvite, Joiner, ACCOUNT_NAME_PATTERN, DISPLAY_NAME_CHARS, MIN_PASSWORD_CHARS,
};
use crate::accounts::{Principal, Role};
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

/// A login session: the answer of `POST /api/login` and of a password change.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct LoginSession {
    /// The session token, for `Authorization: Bearer`.
    pub token: String,
    /// When the session ends.
    pub expires_at: DateTime<Utc>,
    /// The account's name (its actor).
    pub account: String,
}

pub(super) async fn login(
    State(state): State<AppState>,
    ApiJson(request): ApiJson<LoginRequest>,
) -> Result<ApiJson<LoginSession>, ApiError> {
    let (token, expires_at) = state
        .accounts
        .login(&request.name, &request.password)
        .await?;
    Ok(ApiJson(LoginSession {
        token,
        expires_at,
        account: request.name,
    }))
}

/// The schema of a request's JSON value `value` (a string's rules written as JSON Schema).
fn schema_of(value: serde_json::Value) -> Schema {
    serde_json::from_value(value).unwrap_or(Schema::Bool(true))
}

/// The schema of a guest's display name: what [`crate::accounts::service`] accepts when a
/// guest joins (1 to [`DISPLAY_NAME_CHARS`] characters once trimmed, no control characters).
fn display_name_schema(_: &mut SchemaGenerator) -> Schema {
    let allowed = r"[^\x00-\x1f\x7f-\x9f]*";
    schema_of(json!({
        "type": "string",
        "minLength": 1,
        "maxLength": DISPLAY_NAME_CHARS,
        "pattern": format!(r"^{allowed}[^\s\x00-\x1f\x7f-\x9f]{allowed}$"),
    }))
}

/// The schema of a new account's name ([`ACCOUNT_NAME_PATTERN`]).
fn account_name_schema(_: &mut SchemaGenerator) -> Schema {
    schema_of(json!({"type": "string", "pattern": ACCOUNT_NAME_PATTERN}))
}

/// The schema of a new password: at least [`MIN_PASSWORD_CHARS`] characters.
fn new_password_schema(_: &mut SchemaGenerator) -> Schema {
    schema_of(json!({"type": "string", "minLength": MIN_PASSWORD_CHARS}))
}

/// Join request: an invite and the name to be shown to others.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct JoinRequest {
    /// The invite token (the part of the invite link after `#`).
    pub invite: String,
    /// The name others see beside your notes (1 to 80 characters).
    #[schemars(schema_with = "display_name_schema")]
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
) -> Result<ApiJson<LoginSession>, ApiError> {
    let (token, expires_at) = state
        .accounts
        .change_password(&principal, &request.current, &request.new)
        .await?;
    Ok(ApiJson(LoginSession {
        token,
        expires_at,
        account: principal.actor,
    }))
}

/// Accepting a member invite with a new account.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AcceptInviteRequest {
    /// The invite (the part of the invite link after `#`).
    pub invite: String,
    /// The account name to create (2 to 64 letters, digits and @ . - _).
    #[schemars(schema_with = "account_name_schema")]
    pub name: String,
    /// Its password (at least 10 characters).
    #[schemars(schema_with = "new_password_schema")]
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

/// One of the caller's workspaces, as `GET /api/workspaces` and `GET /api/me` list them.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct WorkspaceListing {
    /// Its id.
    pub workspace_id: Uuid,
    /// Its readable address (accepted wherever the id is); none before its creation is read.
    pub slug: Option<String>,
    /// Its name.
    pub name: String,
    /// The caller's role in it.
    pub role: Role,
}

/// Who a token belongs to: `GET /api/me`.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct Me {
    /// The actor (`account:<name>`, `token:<id>`, `guest:<id>`).
    pub actor: String,
    /// How people see it named.
    pub display_name: String,
    /// The account, for password logins.
    pub account_id: Option<Uuid>,
    /// For a workshop guest, the board they joined.
    pub guest_board: Option<Uuid>,
    /// The caller's workspaces.
    pub workspaces: Vec<WorkspaceListing>,
}

pub(super) fn workspace_list(state: &AppState, principal: &Principal) -> Vec<WorkspaceListing> {
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
            WorkspaceListing {
                workspace_id,
                slug,
                name,
                role,
            }
        })
        .collect()
}

pub(super) async fn me(State(state): State<AppState>, Caller(principal): Caller) -> ApiJson<Me> {
    ApiJson(Me {
        display_name: state.accounts.display_name(&principal.actor),
        account_id: principal.account_id,
        guest_board: principal.guest_board(),
        workspaces: workspace_list(&state, &principal),
        actor: principal.actor,
    })
}
