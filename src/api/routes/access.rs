//! The routes that decide who gets in: workshop guest invites, members and their roles,
//! member invites, API tokens.

use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use schemars::gen::SchemaGenerator;
use schemars::schema::Schema;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{ApiJson, ApiPath, Caller};
use crate::accounts::service::{MemberInviteListing, MEMBER_INVITE_HOURS};
use crate::accounts::{Permission, Role};
use crate::app_state::{ApiError, AppState};

use super::{reader, view};

/// How long a workshop guest invite works unless asked otherwise: three days, a workshop
/// and its follow-up.
const GUEST_INVITE_HOURS: u32 = 72;

/// Invite request.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct InviteRequest {
    /// Who or what the invite is for, e.g. "theatre workshop guests" (1 to 200 characters).
    #[schemars(schema_with = "crate::domain::decide::required_name_schema")]
    pub label: String,
    /// Hours until it stops working, 1 to 720 (default 72).
    #[serde(default)]
    #[schemars(range(min = 1, max = 720))]
    pub hours: Option<u32>,
}

/// The hours an invite (a workshop guest invite or a member invite) may work: 1 to 720
/// (30 days). The request schemas say the same (`#[schemars(range(min = 1, max = 720))]`).
const INVITE_HOURS: std::ops::RangeInclusive<u32> = 1..=24 * 30;

/// When an invite asked to work for `hours` (or `default` hours) stops working.
///
/// # Errors
/// 400 `invite_hours_out_of_range` for hours outside [`INVITE_HOURS`]: refused, not
/// silently moved into the range, so that the person asking learns the invite would not
/// work as long as they asked.
fn invite_expiry(hours: Option<u32>, default: u32) -> Result<DateTime<Utc>, ApiError> {
    let hours = hours.unwrap_or(default);
    if !INVITE_HOURS.contains(&hours) {
        return Err(ApiError::bad_request(
            "invite_hours_out_of_range",
            format!(
                "an invite works for {} to {} hours, not {hours}",
                INVITE_HOURS.start(),
                INVITE_HOURS.end()
            ),
        )
        .with_details(serde_json::json!({
            "hours": hours,
            "minimum": INVITE_HOURS.start(),
            "maximum": INVITE_HOURS.end(),
        })));
    }
    Ok(Utc::now() + chrono::Duration::hours(i64::from(hours)))
}

/// A workshop invite: its text (shown once) and link.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct CreatedBoardInvite {
    /// The invite's token id (revoke it as a token).
    pub token_id: Uuid,
    /// The invite's text.
    pub token: String,
    /// The link guests open: `/join#<token>`.
    pub link: String,
    /// When it stops working.
    pub expires_at: DateTime<Utc>,
}

/// The schema of a role a member or an API token may have: every [`Role`] but `guest`
/// (guests come by a workshop invite; granting it otherwise is refused).
fn role_not_guest(generator: &mut SchemaGenerator) -> Schema {
    let mut schema = Role::json_schema(generator).into_object();
    if let Some(subschemas) = schema.subschemas.as_mut() {
        if let Some(one_of) = subschemas.one_of.as_mut() {
            one_of.retain(|role| {
                let role = role.clone().into_object();
                !role
                    .enum_values
                    .is_some_and(|values| values.contains(&serde_json::json!(Role::Guest)))
            });
        }
    }
    Schema::Object(schema)
}

pub(super) async fn invite_guest(
    State(state): State<AppState>,
    Caller(principal): Caller,
    ApiPath((workspace_id, board_id)): ApiPath<(Uuid, Uuid)>,
    ApiJson(request): ApiJson<InviteRequest>,
) -> Result<(StatusCode, ApiJson<CreatedBoardInvite>), ApiError> {
    reader(&state, &principal, workspace_id, Permission::ManageAccess)
        .or_else(|_| reader(&state, &principal, workspace_id, Permission::RunCommands))?;
    view(&state, workspace_id, |view| {
        if view.state.boards.contains_key(&board_id) {
            Ok(())
        } else {
            Err(ApiError::not_found(format!(
                "there is no board with id {board_id}"
            )))
        }
    })??;
    let expires_at = invite_expiry(request.hours, GUEST_INVITE_HOURS)?;
    let (token_id, token) = state
        .accounts
        .issue_token(
            &principal.actor,
            &request.label,
            None,
            workspace_id,
            Role::Guest,
            Some(board_id),
            Some(expires_at),
        )
        .await?;
    Ok((
        StatusCode::CREATED,
        ApiJson(CreatedBoardInvite {
            token_id,
            link: format!("/join#{token}"),
            token,
            expires_at,
        }),
    ))
}

pub(super) async fn members(
    State(state): State<AppState>,
    Caller(principal): Caller,
    ApiPath(workspace_id): ApiPath<Uuid>,
) -> Result<ApiJson<Vec<MemberListing>>, ApiError> {
    reader(&state, &principal, workspace_id, Permission::ManageAccess)?;
    let members = state
        .accounts
        .members_of(workspace_id)
        .into_iter()
        .map(|(account, role)| MemberListing { account, role })
        .collect();
    Ok(ApiJson(members))
}

/// A member of a workspace.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct MemberListing {
    /// The account's name.
    pub account: String,
    /// Its role.
    pub role: Role,
}

/// A role to grant.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GrantRequest {
    /// The role (not guest).
    #[schemars(schema_with = "role_not_guest")]
    pub role: Role,
}

pub(super) async fn grant_member(
    State(state): State<AppState>,
    Caller(principal): Caller,
    ApiPath((workspace_id, account_name)): ApiPath<(Uuid, String)>,
    ApiJson(request): ApiJson<GrantRequest>,
) -> Result<StatusCode, ApiError> {
    reader(&state, &principal, workspace_id, Permission::ManageAccess)?;
    state
        .accounts
        .grant(&principal.actor, &account_name, workspace_id, request.role)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

pub(super) async fn revoke_member(
    State(state): State<AppState>,
    Caller(principal): Caller,
    ApiPath((workspace_id, account_name)): ApiPath<(Uuid, String)>,
) -> Result<StatusCode, ApiError> {
    reader(&state, &principal, workspace_id, Permission::ManageAccess)?;
    state
        .accounts
        .revoke_membership(&principal.actor, &account_name, workspace_id)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

pub(super) async fn member_invites(
    State(state): State<AppState>,
    Caller(principal): Caller,
    ApiPath(workspace_id): ApiPath<Uuid>,
) -> Result<ApiJson<Vec<MemberInviteListing>>, ApiError> {
    reader(&state, &principal, workspace_id, Permission::ManageAccess)?;
    Ok(ApiJson(state.accounts.member_invites_of(workspace_id)))
}

/// A member invite to issue.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MemberInviteRequest {
    /// The role the colleague gets (owner, editor, viewer or auditor).
    #[schemars(schema_with = "role_not_guest")]
    pub role: Role,
    /// Hours until it stops working, 1 to 720 (default 72).
    #[serde(default)]
    #[schemars(range(min = 1, max = 720))]
    pub hours: Option<u32>,
}

/// `POST /api/workspaces/{id}/member-invites`: an owner invites a colleague; the answer
/// carries the invite's text and link, shown once.
pub(super) async fn invite_member(
    State(state): State<AppState>,
    Caller(principal): Caller,
    ApiPath(workspace_id): ApiPath<Uuid>,
    ApiJson(request): ApiJson<MemberInviteRequest>,
) -> Result<(StatusCode, ApiJson<CreatedMemberInvite>), ApiError> {
    reader(&state, &principal, workspace_id, Permission::ManageAccess)?;
    let expires_at = invite_expiry(request.hours, MEMBER_INVITE_HOURS)?;
    let (invite_id, token) = state
        .accounts
        .invite_member(&principal.actor, workspace_id, request.role, expires_at)
        .await?;
    Ok((
        StatusCode::CREATED,
        ApiJson(CreatedMemberInvite {
            invite_id,
            link: format!("/invite#{token}"),
            token,
            role: request.role,
            expires_at,
        }),
    ))
}

/// A member invite: its text (shown once) and link.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct CreatedMemberInvite {
    /// Its id (to revoke it).
    pub invite_id: Uuid,
    /// Its text.
    pub token: String,
    /// The link the colleague opens: `/invite#<token>`.
    pub link: String,
    /// The role it gives.
    pub role: Role,
    /// When it stops working.
    pub expires_at: DateTime<Utc>,
}

pub(super) async fn revoke_member_invite(
    State(state): State<AppState>,
    Caller(principal): Caller,
    ApiPath((workspace_id, invite_id)): ApiPath<(Uuid, Uuid)>,
) -> Result<StatusCode, ApiError> {
    reader(&state, &principal, workspace_id, Permission::ManageAccess)?;
    state
        .accounts
        .revoke_member_invite(&principal.actor, workspace_id, invite_id)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

pub(super) async fn tokens(
    State(state): State<AppState>,
    Caller(principal): Caller,
    ApiPath(workspace_id): ApiPath<Uuid>,
) -> Result<ApiJson<Vec<crate::accounts::service::TokenListing>>, ApiError> {
    reader(&state, &principal, workspace_id, Permission::ManageAccess)?;
    Ok(ApiJson(state.accounts.tokens_of(workspace_id)))
}

/// A token to issue.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TokenRequest {
    /// What it is for (1 to 200 characters).
    #[schemars(schema_with = "crate::domain::decide::required_name_schema")]
    pub label: String,
    /// Its role (not guest; guests come by invite).
    #[schemars(schema_with = "role_not_guest")]
    pub role: Role,
}

pub(super) async fn issue_token(
    State(state): State<AppState>,
    Caller(principal): Caller,
    ApiPath(workspace_id): ApiPath<Uuid>,
    ApiJson(request): ApiJson<TokenRequest>,
) -> Result<(StatusCode, ApiJson<IssuedToken>), ApiError> {
    reader(&state, &principal, workspace_id, Permission::ManageAccess)?;
    let (token_id, token) = state
        .accounts
        .issue_token(
            &principal.actor,
            &request.label,
            None,
            workspace_id,
            request.role,
            None,
            None,
        )
        .await?;
    Ok((
        StatusCode::CREATED,
        ApiJson(IssuedToken { token_id, token }),
    ))
}

/// An issued API token: its text is shown once.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct IssuedToken {
    /// Its id (to revoke it).
    pub token_id: Uuid,
    /// Its text, for `Authorization: Bearer`.
    pub token: String,
}

pub(super) async fn revoke_token(
    State(state): State<AppState>,
    Caller(principal): Caller,
    ApiPath((workspace_id, token_id)): ApiPath<(Uuid, Uuid)>,
) -> Result<StatusCode, ApiError> {
    reader(&state, &principal, workspace_id, Permission::ManageAccess)?;
    state
        .accounts
        .revoke_token(&principal.actor, workspace_id, token_id)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
