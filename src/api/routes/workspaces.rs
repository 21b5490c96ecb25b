//! The routes of workspaces as wholes: list and create them, their summary, and running a
//! command (`POST .../commands`), the one way anything changes over HTTP.

use axum::extract::State;
use axum::http::StatusCode;
use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{ApiJson, ApiPath, Caller};
use crate::accounts::Role;
use crate::app_state::{ApiError, AppState};
use crate::domain::state::FocusArea;
use crate::domain::Command;
use crate::service::{CommandError, CommandOutcome};

use super::accounts::{workspace_list, WorkspaceListing};
use super::view;

pub(super) async fn list_workspaces(
    State(state): State<AppState>,
    Caller(principal): Caller,
) -> ApiJson<Vec<WorkspaceListing>> {
    ApiJson(workspace_list(&state, &principal))
}

/// Create-workspace request.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateWorkspaceRequest {
    /// Its id (chosen by the client for safe retries; random if absent).
    #[serde(default)]
    pub workspace_id: Option<Uuid>,
    /// Its name (not empty or blank; at most 200 characters once trimmed).
    #[schemars(schema_with = "crate::domain::decide::required_name_schema")]
    pub name: String,
    /// What it covers (at most 20,000 characters).
    #[serde(default)]
    #[schemars(schema_with = "crate::domain::decide::optional_text_schema")]
    pub description: String,
}

/// A created workspace (or, for a retry by its creator, the first creation's outcome).
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct CreatedWorkspace {
    /// Its id.
    pub workspace_id: Uuid,
    /// The outcome of its `CreateWorkspace` command.
    pub outcome: CommandOutcome,
}

pub(super) async fn create_workspace(
    State(state): State<AppState>,
    Caller(principal): Caller,
    ApiJson(request): ApiJson<CreateWorkspaceRequest>,
) -> Result<(StatusCode, ApiJson<CreatedWorkspace>), ApiError> {
    if principal.token.is_some() || principal.account_id.is_none() {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            "log in with an account to create a workspace",
        ));
    }
    let workspace_id = request.workspace_id.unwrap_or_else(Uuid::new_v4);
    let command = Command::CreateWorkspace {
        name: request.name,
        description: request.description,
    };
    let already_exists = || {
        ApiError::new(
            StatusCode::CONFLICT,
            "already_exists",
            format!("a workspace with the id {workspace_id} exists already; create yours with another id, or leave the id out"),
        )
    };
    // Only the account that created the workspace gets its first outcome again (a retry);
    // anyone else is refused and given no role.
    let outcome = state
        .workspaces
        .execute(
            workspace_id,
            &command,
            &principal.actor,
            Uuid::new_v5(&workspace_id, b"create"),
        )
        .await
        .map_err(|error| match error {
            CommandError::CommandIdTaken
            | CommandError::Domain(crate::domain::DomainError::WorkspaceAlreadyCreated) => {
                already_exists()
            }
            other => ApiError::from(other),
        })?;
    state
        .accounts
        .grant_creator(&principal.actor, workspace_id)
        .await?;
    Ok((
        StatusCode::CREATED,
        ApiJson(CreatedWorkspace {
            workspace_id,
            outcome,
        }),
    ))
}

/// How many of each a workspace holds.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct WorkspaceCounts {
    /// Colleagues.
    pub staff: usize,
    /// Organisations of the network.
    pub organisations: usize,
    /// Partnerships.
    pub partnerships: usize,
    /// Assets.
    pub assets: usize,
    /// Workshop boards.
    pub boards: usize,
}

/// A workspace's summary, `GET /api/workspaces/{id}`. A workshop guest is told only its id,
/// slug, name, role and board; members get the rest.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct WorkspaceSummary {
    /// Its id.
    pub workspace_id: Uuid,
    /// Its readable address.
    pub slug: Option<String>,
    /// Its name.
    pub name: String,
    /// The caller's role.
    pub role: Role,
    /// A guest's board (guests only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub board_id: Option<Uuid>,
    /// What it covers (members only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// How many events it has (members only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<u64>,
    /// The log position of its last event (members only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub position: Option<u64>,
    /// Its strategic focus areas (members only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub focus_areas: Option<BTreeMap<Uuid, FocusArea>>,
    /// How many of each it holds (members only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub counts: Option<WorkspaceCounts>,
}

pub(super) async fn workspace_summary(
    State(state): State<AppState>,
    Caller(principal): Caller,
    ApiPath(workspace_id): ApiPath<Uuid>,
) -> Result<ApiJson<WorkspaceSummary>, ApiError> {
    let role = principal
        .role_in(&state.accounts, workspace_id)
        .ok_or_else(|| ApiError::from(crate::accounts::AccessError::NotMember))?;
    let guest_board = principal.guest_board();
    let slug = state.projections.slug_of(workspace_id);
    view(&state, workspace_id, |view| {
        let workspace = &view.state;
        let summary = WorkspaceSummary {
            workspace_id,
            slug,
            name: workspace.name.clone(),
            role,
            board_id: None,
            description: None,
            version: None,
            position: None,
            focus_areas: None,
            counts: None,
        };
        if role == Role::Guest {
            return ApiJson(WorkspaceSummary {
                board_id: guest_board,
                ..summary
            });
        }
        ApiJson(WorkspaceSummary {
            description: Some(workspace.description.clone()),
            version: Some(workspace.version),
            position: Some(workspace.position),
            focus_areas: Some(workspace.focus_areas.clone()),
            counts: Some(WorkspaceCounts {
                staff: workspace.staff.len(),
                organisations: workspace.organisations.len(),
                partnerships: workspace.partnerships.len(),
                assets: workspace.assets.len(),
                boards: workspace.boards.len(),
            }),
            ..summary
        })
    })
}

/// A command request.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CommandRequest {
    /// Chosen by the client; a retry with the same id returns the first outcome. Random if absent.
    #[serde(default)]
    pub command_id: Option<Uuid>,
    /// The command.
    pub command: Command,
}

pub(super) async fn run_command(
    State(state): State<AppState>,
    Caller(principal): Caller,
    ApiPath(workspace_id): ApiPath<Uuid>,
    ApiJson(request): ApiJson<CommandRequest>,
) -> Result<ApiJson<CommandOutcome>, ApiError> {
    let role = state.authorize_command(&principal, workspace_id, &request.command)?;
    if !state.http_commands.take(&principal.actor) {
        return Err(ApiError::rate_limited(format!(
            "at most {} commands per second from one account or token; retry shortly",
            state.limits.http_commands_per_second
        )));
    }
    let command_id = request.command_id.unwrap_or_else(Uuid::new_v4);
    let outcome = state
        .workspaces
        .execute_as(
            workspace_id,
            &request.command,
            &principal.actor,
            role == Role::Owner,
            command_id,
        )
        .await?;
    Ok(ApiJson(outcome))
}
