//! The routes of the HTTP API and their handlers. [`router`] lists every route in one place;
//! `protocol/openapi.json` documents the same list (see [`super::openapi`]).

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{delete, get, post, put, MethodRouter};
use axum::Router;
use chrono::{NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use uuid::Uuid;

use super::{
    graph_export, organisation_import, ApiError, ApiJson, ApiPath, ApiQuery, AppState, Caller,
};
use crate::accounts::service::{AcceptedInvite, Joiner, MemberInviteListing, MEMBER_INVITE_HOURS};
use crate::accounts::{Permission, Principal, Role};
use crate::domain::state::is_sealed;
use crate::domain::Command;
use crate::projection::board::board_view;
use crate::projection::competences::competences_view;
use crate::projection::network::{network_view, who_knows, NetworkFilter};
use crate::projection::portfolio::portfolio_view;
use crate::projection::report::report_as_of;
use crate::projection::{AsOf, WorkspaceView};
use crate::service::{CommandError, CommandOutcome};
use crate::store::RecordedEvent;
use crate::visibility::{self, Reader, Seen};

/// Every route of the API.
pub fn router() -> Router<AppState> {
    route_table()
        .into_iter()
        .fold(Router::new(), |router, (path, handlers)| {
            router.route(path, handlers)
        })
}

/// The path of every route [`router`] has, in its order; the protocol tests compare them
/// (and the methods each answers) with the OpenAPI document.
pub fn route_paths() -> Vec<&'static str> {
    route_table().into_iter().map(|(path, _)| path).collect()
}

/// Every route of the API: its path and its handler per method.
fn route_table() -> Vec<(&'static str, MethodRouter<AppState>)> {
    vec![
        ("/healthz", get(health)),
        ("/readyz", get(ready)),
        ("/api/openapi.json", get(super::openapi::serve_document)),
        ("/api/login", post(login)),
        ("/api/join", post(join)),
        ("/api/logout", post(logout)),
        ("/api/invites/accept", post(accept_invite)),
        ("/api/me", get(me)),
        ("/api/me/password", post(change_password)),
        ("/api/me/accept-invite", post(accept_invite_as_me)),
        ("/api/backup", get(backup)),
        (
            "/api/workspaces",
            get(list_workspaces).post(create_workspace),
        ),
        ("/api/workspaces/{workspace_id}", get(workspace_summary)),
        ("/api/workspaces/{workspace_id}/commands", post(run_command)),
        ("/api/workspaces/{workspace_id}/network", get(network)),
        (
            "/api/workspaces/{workspace_id}/network.gexf",
            get(graph_export::network_gexf),
        ),
        (
            "/api/workspaces/{workspace_id}/network.graphml",
            get(graph_export::network_graphml),
        ),
        (
            "/api/workspaces/{workspace_id}/network/nodes.csv",
            get(graph_export::network_nodes_csv),
        ),
        (
            "/api/workspaces/{workspace_id}/network/relations.csv",
            get(graph_export::network_relations_csv),
        ),
        (
            "/api/workspaces/{workspace_id}/organisations/{organisation_id}/contacts",
            get(organisation_contacts),
        ),
        ("/api/workspaces/{workspace_id}/portfolio", get(portfolio)),
        (
            "/api/workspaces/{workspace_id}/competences",
            get(competences),
        ),
        (
            "/api/workspaces/{workspace_id}/organisations",
            get(organisations),
        ),
        (
            "/api/workspaces/{workspace_id}/organisation-import/preview",
            post(organisation_import::preview_organisation_import),
        ),
        (
            "/api/workspaces/{workspace_id}/organisations/{organisation_id}",
            get(organisation),
        ),
        (
            "/api/workspaces/{workspace_id}/partnerships",
            get(partnerships),
        ),
        (
            "/api/workspaces/{workspace_id}/partnerships/{partnership_id}",
            get(partnership),
        ),
        ("/api/workspaces/{workspace_id}/assets", get(assets)),
        ("/api/workspaces/{workspace_id}/boards", get(boards)),
        (
            "/api/workspaces/{workspace_id}/boards/{board_id}",
            get(board),
        ),
        (
            "/api/workspaces/{workspace_id}/boards/{board_id}/invites",
            post(invite_guest),
        ),
        ("/api/workspaces/{workspace_id}/timeline", get(timeline)),
        ("/api/workspaces/{workspace_id}/as-of", get(as_of)),
        ("/api/workspaces/{workspace_id}/log", get(raw_log)),
        ("/api/workspaces/{workspace_id}/members", get(members)),
        (
            "/api/workspaces/{workspace_id}/members/{account_name}",
            put(grant_member).delete(revoke_member),
        ),
        (
            "/api/workspaces/{workspace_id}/member-invites",
            get(member_invites).post(invite_member),
        ),
        (
            "/api/workspaces/{workspace_id}/member-invites/{invite_id}",
            delete(revoke_member_invite),
        ),
        (
            "/api/workspaces/{workspace_id}/tokens",
            get(tokens).post(issue_token),
        ),
        (
            "/api/workspaces/{workspace_id}/tokens/{token_id}",
            delete(revoke_token),
        ),
    ]
}

/// `GET /healthz`: the process answers.
async fn health(State(state): State<AppState>) -> ApiJson<Value> {
    ApiJson(json!({"status": "ok", "head_position": state.store.head_position()}))
}

/// `GET /readyz`: the store answers and the views have caught up with the log.
async fn ready(State(state): State<AppState>) -> Result<ApiJson<Value>, ApiError> {
    let head = state.store.head_position();
    let checkpoint = state.projections.checkpoint();
    state.store.read_all(head.max(1), 1).await?;
    if checkpoint < head {
        return Err(ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "not_ready",
            format!("the views are catching up with the log ({checkpoint} of {head})"),
        )
        .with_details(json!({"head_position": head, "checkpoint": checkpoint})));
    }
    Ok(ApiJson(
        json!({"status": "ready", "head_position": head, "checkpoint": checkpoint}),
    ))
}

/// Login request.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    /// Account name.
    pub name: String,
    /// Password.
    pub password: String,
}

async fn login(
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
async fn join(
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
async fn logout(
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
async fn change_password(
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
async fn accept_invite(
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
async fn accept_invite_as_me(
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

fn workspace_list(state: &AppState, principal: &Principal) -> Vec<Value> {
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

async fn me(State(state): State<AppState>, Caller(principal): Caller) -> ApiJson<Value> {
    ApiJson(json!({
        "actor": principal.actor,
        "display_name": state.accounts.display_name(&principal.actor),
        "account_id": principal.account_id,
        "guest_board": principal.guest_board(),
        "workspaces": workspace_list(&state, &principal),
    }))
}

/// `GET /api/backup`: a consistent backup of the whole server as of now, streamed as JSON
/// Lines (see [`crate::backup`]). Only a server administrator's password login may take it.
async fn backup(
    State(state): State<AppState>,
    Caller(principal): Caller,
) -> Result<axum::response::Response, ApiError> {
    use axum::response::IntoResponse;
    use tracing::Instrument;
    if !principal.is_server_admin(&state.accounts) {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            "only a server administrator's password login may take a backup (partnerhub user add --admin)",
        ));
    }
    let (sender, receiver) = tokio::sync::mpsc::channel::<Vec<u8>>(8);
    let store = state.store.clone();
    let keys = state.workspaces.keys().clone();
    let span = tracing::info_span!("backup", actor = %principal.actor);
    tokio::spawn(
        async move {
            match crate::backup::stream_backup(store.as_ref(), &keys, &sender).await {
                Ok(summary) => {
                    tracing::info!(events = summary.events, keys = summary.keys, "backup taken")
                }
                // The stream ends without its trailer: the client sees a cut-off backup.
                Err(error) => tracing::warn!(%error, "backup stopped"),
            }
        }
        .instrument(span),
    );
    let chunks = futures_util::stream::unfold(receiver, |mut receiver| async move {
        let chunk = receiver.recv().await?;
        Some((Ok::<_, std::io::Error>(chunk), receiver))
    });
    Ok((
        [(axum::http::header::CONTENT_TYPE, "application/x-ndjson")],
        axum::body::Body::from_stream(chunks),
    )
        .into_response())
}

async fn list_workspaces(
    State(state): State<AppState>,
    Caller(principal): Caller,
) -> ApiJson<Vec<Value>> {
    ApiJson(workspace_list(&state, &principal))
}

/// Create-workspace request.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateWorkspaceRequest {
    /// Its id (chosen by the client for safe retries; random if absent).
    #[serde(default)]
    pub workspace_id: Option<Uuid>,
    /// Its name.
    pub name: String,
    /// What it covers.
    #[serde(default)]
    pub description: String,
}

async fn create_workspace(
    State(state): State<AppState>,
    Caller(principal): Caller,
    ApiJson(request): ApiJson<CreateWorkspaceRequest>,
) -> Result<(StatusCode, ApiJson<Value>), ApiError> {
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
        ApiJson(json!({"workspace_id": workspace_id, "outcome": outcome})),
    ))
}

/// Reads `workspace_id`'s live views; 404 when there is no such workspace.
pub(super) fn view<R>(
    state: &AppState,
    workspace_id: Uuid,
    reader: impl FnOnce(&WorkspaceView) -> R,
) -> Result<R, ApiError> {
    state
        .projections
        .read(workspace_id, reader)
        .ok_or_else(ApiError::workspace_not_found)
}

async fn workspace_summary(
    State(state): State<AppState>,
    Caller(principal): Caller,
    ApiPath(workspace_id): ApiPath<Uuid>,
) -> Result<ApiJson<Value>, ApiError> {
    let role = principal
        .role_in(&state.accounts, workspace_id)
        .ok_or_else(|| ApiError::from(crate::accounts::AccessError::NotMember))?;
    let guest_board = principal.guest_board();
    let slug = state.projections.slug_of(workspace_id);
    view(&state, workspace_id, |view| {
        let workspace = &view.state;
        if role == Role::Guest {
            return ApiJson(
                json!({"workspace_id": workspace_id, "slug": slug, "name": workspace.name, "role": role, "board_id": guest_board}),
            );
        }
        ApiJson(json!({
            "workspace_id": workspace_id,
            "slug": slug,
            "name": workspace.name,
            "description": workspace.description,
            "role": role,
            "version": workspace.version,
            "position": workspace.position,
            "focus_areas": workspace.focus_areas,
            "counts": {
                "staff": workspace.staff.len(),
                "organisations": workspace.organisations.len(),
                "partnerships": workspace.partnerships.len(),
                "assets": workspace.assets.len(),
                "boards": workspace.boards.len(),
            },
        }))
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

/// Whether `principal` may run `command` in `workspace_id`: members by role, guests only the
/// note commands of their board.
pub fn authorize_command(
    state: &AppState,
    principal: &Principal,
    workspace_id: Uuid,
    command: &Command,
) -> Result<(), ApiError> {
    let role = principal
        .role_in(&state.accounts, workspace_id)
        .ok_or(crate::accounts::AccessError::NotMember)?;
    if role == Role::Guest {
        let board = match command {
            Command::AddNote { board_id, .. }
            | Command::MoveNote { board_id, .. }
            | Command::EditNote { board_id, .. }
            | Command::CastVote { board_id, .. }
            | Command::RetractVote { board_id, .. } => Some(*board_id),
            _ => None,
        };
        return match board {
            Some(board_id) if Some(board_id) == principal.guest_board() => Ok(()),
            _ => Err(ApiError::new(
                StatusCode::FORBIDDEN,
                "forbidden",
                "a workshop guest may add, move, edit and vote on notes of their board, nothing else",
            )),
        };
    }
    principal.require(&state.accounts, workspace_id, Permission::RunCommands)?;
    Ok(())
}

async fn run_command(
    State(state): State<AppState>,
    Caller(principal): Caller,
    ApiPath(workspace_id): ApiPath<Uuid>,
    ApiJson(request): ApiJson<CommandRequest>,
) -> Result<ApiJson<CommandOutcome>, ApiError> {
    authorize_command(&state, &principal, workspace_id, &request.command)?;
    if !state.http_commands.take(&principal.actor) {
        return Err(ApiError::rate_limited(format!(
            "at most {} commands per second from one account or token; retry shortly",
            state.limits.http_commands_per_second
        )));
    }
    let command_id = request.command_id.unwrap_or_else(Uuid::new_v4);
    let outcome = state
        .workspaces
        .execute(workspace_id, &request.command, &principal.actor, command_id)
        .await?;
    Ok(ApiJson(outcome))
}

/// Checks that `principal` has `permission` in `workspace_id`; answers their role.
pub(super) fn reader(
    state: &AppState,
    principal: &Principal,
    workspace_id: Uuid,
    permission: Permission,
) -> Result<Role, ApiError> {
    Ok(principal.require(&state.accounts, workspace_id, permission)?)
}

async fn network(
    State(state): State<AppState>,
    Caller(principal): Caller,
    ApiPath(workspace_id): ApiPath<Uuid>,
    ApiQuery(filter): ApiQuery<NetworkFilter>,
) -> Result<ApiJson<Value>, ApiError> {
    reader(&state, &principal, workspace_id, Permission::ReadViews)?;
    view(&state, workspace_id, |view| {
        ApiJson(json!(network_view(&view.state, &filter)))
    })
}

async fn organisation_contacts(
    State(state): State<AppState>,
    Caller(principal): Caller,
    ApiPath((workspace_id, organisation_id)): ApiPath<(Uuid, Uuid)>,
) -> Result<ApiJson<Value>, ApiError> {
    reader(&state, &principal, workspace_id, Permission::ReadViews)?;
    view(&state, workspace_id, |view| {
        if !view.state.organisations.contains_key(&organisation_id) {
            return Err(ApiError::not_found(format!(
                "there is no organisation with id {organisation_id}"
            )));
        }
        Ok(ApiJson(json!(who_knows(&view.state, organisation_id))))
    })?
}

/// The date the portfolio measures overdue evaluations against.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
pub struct PortfolioQuery {
    /// Default: today (UTC).
    #[serde(default)]
    pub today: Option<NaiveDate>,
}

async fn portfolio(
    State(state): State<AppState>,
    Caller(principal): Caller,
    ApiPath(workspace_id): ApiPath<Uuid>,
    ApiQuery(query): ApiQuery<PortfolioQuery>,
) -> Result<ApiJson<Value>, ApiError> {
    reader(&state, &principal, workspace_id, Permission::ReadViews)?;
    let today = query.today.unwrap_or_else(|| Utc::now().date_naive());
    view(&state, workspace_id, |view| {
        ApiJson(json!(portfolio_view(&view.state, today)))
    })
}

async fn competences(
    State(state): State<AppState>,
    Caller(principal): Caller,
    ApiPath(workspace_id): ApiPath<Uuid>,
) -> Result<ApiJson<Value>, ApiError> {
    reader(&state, &principal, workspace_id, Permission::ReadViews)?;
    view(&state, workspace_id, |view| {
        ApiJson(json!(competences_view(&view.state)))
    })
}

async fn organisations(
    State(state): State<AppState>,
    Caller(principal): Caller,
    ApiPath(workspace_id): ApiPath<Uuid>,
) -> Result<ApiJson<Value>, ApiError> {
    reader(&state, &principal, workspace_id, Permission::ReadViews)?;
    let mut organisations = view(&state, workspace_id, |view| json!(view.state.organisations))?;
    state
        .workspaces
        .keys()
        .reveal_in_json(&mut organisations)
        .await;
    Ok(ApiJson(organisations))
}

async fn organisation(
    State(state): State<AppState>,
    Caller(principal): Caller,
    ApiPath((workspace_id, organisation_id)): ApiPath<(Uuid, Uuid)>,
) -> Result<ApiJson<Value>, ApiError> {
    reader(&state, &principal, workspace_id, Permission::ReadViews)?;
    let mut found = view(&state, workspace_id, |view| {
        view.state
            .organisations
            .get(&organisation_id)
            .map(|found| json!(found))
            .ok_or_else(|| {
                ApiError::not_found(format!(
                    "there is no organisation with id {organisation_id}"
                ))
            })
    })??;
    state.workspaces.keys().reveal_in_json(&mut found).await;
    Ok(ApiJson(found))
}

async fn partnerships(
    State(state): State<AppState>,
    Caller(principal): Caller,
    ApiPath(workspace_id): ApiPath<Uuid>,
) -> Result<ApiJson<Value>, ApiError> {
    reader(&state, &principal, workspace_id, Permission::ReadViews)?;
    view(&state, workspace_id, |view| {
        ApiJson(json!(view.state.partnerships))
    })
}

async fn partnership(
    State(state): State<AppState>,
    Caller(principal): Caller,
    ApiPath((workspace_id, partnership_id)): ApiPath<(Uuid, Uuid)>,
) -> Result<ApiJson<Value>, ApiError> {
    reader(&state, &principal, workspace_id, Permission::ReadViews)?;
    view(&state, workspace_id, |view| {
        view.state
            .partnerships
            .get(&partnership_id)
            .map(|found| ApiJson(json!(found)))
            .ok_or_else(|| {
                ApiError::not_found(format!("there is no partnership with id {partnership_id}"))
            })
    })?
}

async fn assets(
    State(state): State<AppState>,
    Caller(principal): Caller,
    ApiPath(workspace_id): ApiPath<Uuid>,
) -> Result<ApiJson<Value>, ApiError> {
    reader(&state, &principal, workspace_id, Permission::ReadViews)?;
    view(&state, workspace_id, |view| {
        ApiJson(json!(view.state.assets))
    })
}

async fn boards(
    State(state): State<AppState>,
    Caller(principal): Caller,
    ApiPath(workspace_id): ApiPath<Uuid>,
) -> Result<ApiJson<Value>, ApiError> {
    reader(&state, &principal, workspace_id, Permission::ReadViews)?;
    view(&state, workspace_id, |view| {
        let boards: Vec<Value> = view
            .state
            .boards
            .iter()
            .map(|(id, board)| json!({"board_id": id, "title": board.title, "template": board.template, "phase": board.phase, "notes": board.notes.len()}))
            .collect();
        ApiJson(json!(boards))
    })
}

/// Whether `principal` may see `board_id` (what they see of it is decided by
/// [`crate::visibility`], the same for every role).
pub fn board_access(
    state: &AppState,
    principal: &Principal,
    workspace_id: Uuid,
    board_id: Uuid,
) -> Result<(), ApiError> {
    let role = principal
        .role_in(&state.accounts, workspace_id)
        .ok_or(crate::accounts::AccessError::NotMember)?;
    match role {
        Role::Guest if principal.guest_board() == Some(board_id) => Ok(()),
        Role::Guest => Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            "your invite opens another board",
        )),
        Role::Owner | Role::Auditor | Role::Editor | Role::Viewer => Ok(()),
    }
}

/// `actor` as a reader of the workspace's boards, knowing their sealed names
/// ([`crate::sealing::reader`]).
async fn reader_on_boards(
    state: &AppState,
    workspace_id: Uuid,
    actor: &str,
) -> Result<Reader, ApiError> {
    let boards = view(state, workspace_id, |view| view.state.boards.clone())?;
    Ok(crate::sealing::reader(state.workspaces.keys(), actor, &boards).await)
}

async fn board(
    State(state): State<AppState>,
    Caller(principal): Caller,
    ApiPath((workspace_id, board_id)): ApiPath<(Uuid, Uuid)>,
) -> Result<ApiJson<Value>, ApiError> {
    board_access(&state, &principal, workspace_id, board_id)?;
    let reader = reader_on_boards(&state, workspace_id, &principal.actor).await?;
    let board = view(&state, workspace_id, |view| {
        let board =
            view.state.boards.get(&board_id).ok_or_else(|| {
                ApiError::not_found(format!("there is no board with id {board_id}"))
            })?;
        Ok::<_, ApiError>(board_view(board_id, board, &reader.on(board_id)))
    })??;
    let mut answer = json!(board);
    answer["display_names"] = display_names(
        &state,
        std::iter::once(board.facilitator.as_str())
            .chain(board.notes.iter().filter_map(|note| note.author.as_deref())),
    );
    Ok(ApiJson(answer))
}

/// How the actors a view shows are named for people: `{"<actor>": "<display name>"}`.
fn display_names<'a>(state: &AppState, actors: impl Iterator<Item = &'a str>) -> Value {
    let names: std::collections::BTreeMap<&str, String> = actors
        .map(|actor| (actor, state.accounts.display_name(actor)))
        .collect();
    json!(names)
}

/// Invite request.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct InviteRequest {
    /// Who or what the invite is for, e.g. "theatre workshop guests".
    pub label: String,
    /// Hours until it stops working (default 72).
    #[serde(default)]
    pub hours: Option<u32>,
}

async fn invite_guest(
    State(state): State<AppState>,
    Caller(principal): Caller,
    ApiPath((workspace_id, board_id)): ApiPath<(Uuid, Uuid)>,
    ApiJson(request): ApiJson<InviteRequest>,
) -> Result<(StatusCode, ApiJson<Value>), ApiError> {
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
    let hours = request.hours.unwrap_or(72).clamp(1, 24 * 30);
    let expires_at = Utc::now() + chrono::Duration::hours(i64::from(hours));
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
        ApiJson(json!({
            "token_id": token_id,
            "token": token,
            "link": format!("/join#{token}"),
            "expires_at": expires_at,
        })),
    ))
}

/// Which entity's timeline.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
pub struct TimelineQuery {
    /// An organisation, partnership, board, staff member, ...; default: the whole workspace.
    #[serde(default)]
    pub entity: Option<Uuid>,
}

async fn timeline(
    State(state): State<AppState>,
    Caller(principal): Caller,
    ApiPath(workspace_id): ApiPath<Uuid>,
    ApiQuery(query): ApiQuery<TimelineQuery>,
) -> Result<ApiJson<Value>, ApiError> {
    reader(&state, &principal, workspace_id, Permission::ReadHistory)?;
    let reader = reader_on_boards(&state, workspace_id, &principal.actor).await?;
    view(&state, workspace_id, |view| {
        ApiJson(json!(crate::projection::timeline::seen_by(
            &reader,
            view.timeline.about(query.entity.unwrap_or(workspace_id)),
            &view.state.boards,
            u64::MAX,
        )))
    })
}

/// A moment, and optionally an earlier one.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
pub struct AsOfQuery {
    /// A log position or an RFC 3339 time.
    pub at: String,
    /// An earlier moment: adds what changed since.
    #[serde(default)]
    pub since: Option<String>,
}

async fn as_of(
    State(state): State<AppState>,
    Caller(principal): Caller,
    ApiPath(workspace_id): ApiPath<Uuid>,
    ApiQuery(query): ApiQuery<AsOfQuery>,
) -> Result<ApiJson<Value>, ApiError> {
    reader(&state, &principal, workspace_id, Permission::ReadHistory)?;
    let moment = AsOf::parse(&query.at)
        .map_err(|message| ApiError::bad_request("invalid_query", format!("`at`: {message}")))?;
    let earlier = query
        .since
        .as_deref()
        .map(AsOf::parse)
        .transpose()
        .map_err(|message| ApiError::bad_request("invalid_query", format!("`since`: {message}")))?;
    view(&state, workspace_id, |_| ())?;
    let report = report_as_of(
        &state.projections,
        state.store.as_ref(),
        state.workspaces.keys(),
        workspace_id,
        moment,
        earlier,
        Some(&principal.actor),
    )
    .await?;
    // `None` only if the live views lost the workspace since the check above (they never
    // drop one): answered as that check answers.
    report.map(ApiJson).ok_or_else(|| {
        view(&state, workspace_id, |_| ())
            .err()
            .unwrap_or_else(|| ApiError::internal(&"the workspace left the live views"))
    })
}

/// A page of the raw log.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
pub struct LogQuery {
    /// First stream version (1 is the workspace's first event).
    #[serde(default)]
    pub from: Option<u64>,
    /// At most this many (default 100, at most 1000).
    #[serde(default)]
    pub limit: Option<usize>,
}

/// One event of the raw log, as auditors read it: as recorded, but for what the workshop's
/// secrecy withholds from everyone for now ([`crate::visibility`]): another's note in private
/// writing until the reveal (a `PrivateNoteAdded` placeholder), dots while their vote is open
/// (`Withheld`), an actor a phase hides (left out). The authors and voters of anonymous phases
/// are recorded under sealed names (`sealed:…`, [`crate::sealing`]) and shown as such.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct LogEntry {
    /// Global position.
    pub position: u64,
    /// Version within the workspace's stream.
    pub version: u64,
    /// Type (`PrivateNoteAdded` or `Withheld` for an event withheld for now).
    pub event_type: String,
    /// Data (what may be seen of it).
    pub payload: Value,
    /// Who, unless withheld.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub actor: Option<String>,
    /// Whether part of the event is withheld for now: its hash cannot be checked against
    /// what is shown until the secret is lifted (the reveal, the vote's close); the chain of
    /// hashes still links.
    pub withheld: bool,
    /// When.
    pub recorded_at: chrono::DateTime<Utc>,
    /// The command.
    pub command_id: Uuid,
    /// Hash of the previous event of the log.
    pub previous_hash: String,
    /// This event's hash.
    pub hash: String,
}

/// `event` as a raw log entry, as `seen`.
fn log_entry(event: RecordedEvent, seen: Seen) -> LogEntry {
    let actor = event.metadata.actor;
    let (event_type, payload, actor, withheld) = match seen {
        Seen::Whole | Seen::Own => (event.event_type, event.payload, Some(actor), false),
        // A sealed name names nobody: shown, so that the event's hash can be checked.
        Seen::WithoutActor if is_sealed(&actor) => {
            (event.event_type, event.payload, Some(actor), false)
        }
        Seen::WithoutActor => (event.event_type, event.payload, None, true),
        Seen::Placeholder => (
            visibility::PRIVATE_NOTE_ADDED.to_owned(),
            visibility::placeholder_payload(&event.payload),
            None,
            true,
        ),
        Seen::Nothing => ("Withheld".to_owned(), json!({}), None, true),
    };
    LogEntry {
        position: event.position,
        version: event.stream_version,
        event_type,
        payload,
        actor,
        withheld,
        recorded_at: event.metadata.recorded_at,
        command_id: event.metadata.command_id,
        previous_hash: event.previous_hash.to_hex(),
        hash: event.hash.to_hex(),
    }
}

async fn raw_log(
    State(state): State<AppState>,
    Caller(principal): Caller,
    ApiPath(workspace_id): ApiPath<Uuid>,
    ApiQuery(query): ApiQuery<LogQuery>,
) -> Result<ApiJson<Value>, ApiError> {
    reader(&state, &principal, workspace_id, Permission::ReadRawLog)?;
    let from = query.from.unwrap_or(1).max(1);
    let limit = query.limit.unwrap_or(100).clamp(1, 1000);
    let events = state.store.read_stream(workspace_id, from, limit).await?;
    let next = events.last().map(|event| event.stream_version + 1);
    // The boards' phases must reach the last event read.
    if let Some(last) = events.last() {
        state.projections.wait_for(last.position).await;
    }
    let reader = reader_on_boards(&state, workspace_id, &principal.actor).await?;
    let entries: Vec<LogEntry> = view(&state, workspace_id, |view| {
        events
            .into_iter()
            .map(|event| {
                let seen = visibility::seen_recorded(&reader, &view.state.boards, &event, u64::MAX);
                log_entry(event, seen)
            })
            .collect()
    })?;
    let more = entries.len() == limit;
    Ok(ApiJson(
        json!({"events": entries, "next_from": if more { next } else { None }}),
    ))
}

async fn members(
    State(state): State<AppState>,
    Caller(principal): Caller,
    ApiPath(workspace_id): ApiPath<Uuid>,
) -> Result<ApiJson<Value>, ApiError> {
    reader(&state, &principal, workspace_id, Permission::ManageAccess)?;
    let members: Vec<Value> = state
        .accounts
        .members_of(workspace_id)
        .into_iter()
        .map(|(name, role)| json!({"account": name, "role": role}))
        .collect();
    Ok(ApiJson(json!(members)))
}

/// A role to grant.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GrantRequest {
    /// The role.
    pub role: Role,
}

async fn grant_member(
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

async fn revoke_member(
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

async fn member_invites(
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
    pub role: Role,
    /// Hours until it stops working, 1 to 720 (default 72).
    #[serde(default)]
    #[schemars(range(min = 1, max = 720))]
    pub hours: Option<u32>,
}

/// `POST /api/workspaces/{id}/member-invites`: an owner invites a colleague; the answer
/// carries the invite's text and link, shown once.
async fn invite_member(
    State(state): State<AppState>,
    Caller(principal): Caller,
    ApiPath(workspace_id): ApiPath<Uuid>,
    ApiJson(request): ApiJson<MemberInviteRequest>,
) -> Result<(StatusCode, ApiJson<Value>), ApiError> {
    reader(&state, &principal, workspace_id, Permission::ManageAccess)?;
    let hours = request.hours.unwrap_or(MEMBER_INVITE_HOURS);
    if !(1..=24 * 30).contains(&hours) {
        return Err(ApiError::bad_request(
            "invalid_input",
            "an invite works for 1 to 720 hours",
        ));
    }
    let expires_at = Utc::now() + chrono::Duration::hours(i64::from(hours));
    let (invite_id, token) = state
        .accounts
        .invite_member(&principal.actor, workspace_id, request.role, expires_at)
        .await?;
    Ok((
        StatusCode::CREATED,
        ApiJson(json!({
            "invite_id": invite_id,
            "token": token,
            "link": format!("/invite#{token}"),
            "role": request.role,
            "expires_at": expires_at,
        })),
    ))
}

async fn revoke_member_invite(
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

async fn tokens(
    State(state): State<AppState>,
    Caller(principal): Caller,
    ApiPath(workspace_id): ApiPath<Uuid>,
) -> Result<ApiJson<Value>, ApiError> {
    reader(&state, &principal, workspace_id, Permission::ManageAccess)?;
    Ok(ApiJson(json!(state.accounts.tokens_of(workspace_id))))
}

/// A token to issue.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TokenRequest {
    /// What it is for.
    pub label: String,
    /// Its role (not guest; guests come by invite).
    pub role: Role,
}

async fn issue_token(
    State(state): State<AppState>,
    Caller(principal): Caller,
    ApiPath(workspace_id): ApiPath<Uuid>,
    ApiJson(request): ApiJson<TokenRequest>,
) -> Result<(StatusCode, ApiJson<Value>), ApiError> {
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
        ApiJson(json!({"token_id": token_id, "token": token})),
    ))
}

async fn revoke_token(
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
