//! The routes of the HTTP API and their handlers. [`router`] lists every route in one place;
//! `protocol/openapi.json` documents the same list (see [`super::openapi`]).
//!
//! The handlers live by what they are about: `accounts` (one's own login, password, invites
//! accepted, `/api/me`), `workspaces` (listing, creating, the summary, running commands),
//! `views` (the live views), `history` (timeline, "as of", the raw log), `audit` (the chain
//! verified, the audit trail as CSV), `access` (guest invites, members, member invites,
//! tokens) and `assets` (the assets list's share links and the public page they open). Here:
//! the table, the server's own routes
//! (health, readiness, the administrator's backup) and the checks every handler shares.

mod access;
mod accounts;
mod assets;
mod audit;
mod history;
mod views;
mod workspaces;

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{delete, get, post, put, MethodRouter};
use axum::{Extension, Router};
use serde::Serialize;
use serde_json::{json, Value};
use uuid::Uuid;

use super::graph_export::NetworkFile;
use super::{graph_export, organisation_import, ApiJson, ApiPath, ApiQuery, Caller};
use crate::accounts::{Permission, Principal, Role};
use crate::app_state::{ApiError, AppState};
use crate::domain::vocabulary::{SCREENING_QUESTIONS, SCREENING_QUESTIONS_DA};
use crate::projection::WorkspaceView;
use crate::visibility::Reader;

pub use self::access::{
    CreatedBoardInvite, CreatedMemberInvite, GrantRequest, InviteRequest, IssuedToken,
    MemberInviteRequest, MemberListing, TokenRequest,
};
pub use self::accounts::{
    AcceptInviteAsMeRequest, AcceptInviteRequest, JoinRequest, LoginRequest, LoginSession, Me,
    PasswordChangeRequest, WorkspaceListing,
};
pub use self::assets::{CreatedShareLink, ShareLinkListing, ShareLinkRequest};
pub use self::audit::{AuditTrailQuery, Verification};
pub use self::history::{AsOfQuery, LogEntry, LogQuery, TimelineQuery};
pub use self::views::{AgreementDiffQuery, BoardListing, PortfolioAnswer, PortfolioQuery};
pub use self::workspaces::{
    CommandRequest, CreateWorkspaceRequest, CreatedWorkspace, WorkspaceCounts, WorkspaceSummary,
};

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
        ("/api/login", post(accounts::login)),
        ("/api/join", post(accounts::join)),
        ("/api/logout", post(accounts::logout)),
        ("/api/invites/accept", post(accounts::accept_invite)),
        ("/api/me", get(accounts::me)),
        ("/api/me/password", post(accounts::change_password)),
        ("/api/me/accept-invite", post(accounts::accept_invite_as_me)),
        ("/api/backup", get(backup)),
        ("/api/method", get(method)),
        (
            "/api/workspaces",
            get(workspaces::list_workspaces).post(workspaces::create_workspace),
        ),
        (
            "/api/workspaces/{workspace_id}",
            get(workspaces::workspace_summary),
        ),
        (
            "/api/workspaces/{workspace_id}/commands",
            post(workspaces::run_command),
        ),
        (
            "/api/workspaces/{workspace_id}/network",
            get(views::network),
        ),
        (
            "/api/workspaces/{workspace_id}/network.gexf",
            get(graph_export::network_file).layer(Extension(NetworkFile::Gexf)),
        ),
        (
            "/api/workspaces/{workspace_id}/network.graphml",
            get(graph_export::network_file).layer(Extension(NetworkFile::Graphml)),
        ),
        (
            "/api/workspaces/{workspace_id}/network/nodes.csv",
            get(graph_export::network_file).layer(Extension(NetworkFile::NodesCsv)),
        ),
        (
            "/api/workspaces/{workspace_id}/network/relations.csv",
            get(graph_export::network_file).layer(Extension(NetworkFile::RelationsCsv)),
        ),
        (
            "/api/workspaces/{workspace_id}/organisations/{organisation_id}/contacts",
            get(views::organisation_contacts),
        ),
        (
            "/api/workspaces/{workspace_id}/portfolio",
            get(views::portfolio),
        ),
        (
            "/api/workspaces/{workspace_id}/suggestions",
            get(views::suggestions),
        ),
        (
            "/api/workspaces/{workspace_id}/competences",
            get(views::competences),
        ),
        (
            "/api/workspaces/{workspace_id}/organisations",
            get(views::organisations),
        ),
        (
            "/api/workspaces/{workspace_id}/organisation-import/preview",
            post(organisation_import::preview_organisation_import),
        ),
        (
            "/api/workspaces/{workspace_id}/organisations/{organisation_id}",
            get(views::organisation),
        ),
        (
            "/api/workspaces/{workspace_id}/partnerships",
            get(views::partnerships),
        ),
        (
            "/api/workspaces/{workspace_id}/partnerships/{partnership_id}",
            get(views::partnership),
        ),
        (
            "/api/workspaces/{workspace_id}/partnerships/{partnership_id}/agreement/diff",
            get(views::agreement_diff),
        ),
        ("/api/workspaces/{workspace_id}/assets", get(views::assets)),
        (
            "/api/workspaces/{workspace_id}/assets/share-links",
            get(assets::share_links).post(assets::create_share_link),
        ),
        (
            "/api/workspaces/{workspace_id}/assets/share-links/{link_id}",
            delete(assets::revoke_share_link),
        ),
        ("/api/public/assets/{token}", get(assets::public_assets)),
        ("/api/workspaces/{workspace_id}/boards", get(views::boards)),
        (
            "/api/workspaces/{workspace_id}/boards/{board_id}",
            get(views::board),
        ),
        (
            "/api/workspaces/{workspace_id}/boards/{board_id}/invites",
            post(access::invite_guest),
        ),
        (
            "/api/workspaces/{workspace_id}/timeline",
            get(history::timeline),
        ),
        ("/api/workspaces/{workspace_id}/as-of", get(history::as_of)),
        ("/api/workspaces/{workspace_id}/log", get(history::raw_log)),
        ("/api/workspaces/{workspace_id}/verify", get(audit::verify)),
        (
            "/api/workspaces/{workspace_id}/audit.csv",
            get(audit::audit_csv),
        ),
        (
            "/api/workspaces/{workspace_id}/members",
            get(access::members),
        ),
        (
            "/api/workspaces/{workspace_id}/members/{account_name}",
            put(access::grant_member).delete(access::revoke_member),
        ),
        (
            "/api/workspaces/{workspace_id}/member-invites",
            get(access::member_invites).post(access::invite_member),
        ),
        (
            "/api/workspaces/{workspace_id}/member-invites/{invite_id}",
            delete(access::revoke_member_invite),
        ),
        (
            "/api/workspaces/{workspace_id}/tokens",
            get(access::tokens).post(access::issue_token),
        ),
        (
            "/api/workspaces/{workspace_id}/tokens/{token_id}",
            delete(access::revoke_token),
        ),
    ]
}

/// A screening question of the method, in both languages.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct ScreeningQuestion {
    /// Its number, 1 to 14, as screening answers name it.
    pub number: u8,
    /// In Danish.
    pub da: &'static str,
    /// In English.
    pub en: &'static str,
}

/// The texts of the method that the server's data refers to by number, in Danish and
/// English, so that no client has to write them again.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct Method {
    /// The fourteen screening questions ("How to Say No").
    pub screening_questions: Vec<ScreeningQuestion>,
}

/// `GET /api/method`: the method's texts (the screening questions), for anyone.
async fn method() -> ApiJson<Method> {
    let screening_questions = SCREENING_QUESTIONS
        .iter()
        .zip(SCREENING_QUESTIONS_DA)
        .zip(1u8..)
        .map(|((en, da), number)| ScreeningQuestion { number, da, en })
        .collect();
    ApiJson(Method {
        screening_questions,
    })
}

/// The answer of `GET /healthz`.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct Health {
    /// Always `ok`.
    pub status: String,
    /// The log position of the last event.
    pub head_position: u64,
}

/// The answer of `GET /readyz` (503 `not_ready` with the same positions while the views catch up).
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct Readiness {
    /// Always `ready`.
    pub status: String,
    /// The log position of the last event.
    pub head_position: u64,
    /// The position the views have reached.
    pub checkpoint: u64,
}

/// `GET /healthz`: the process answers.
async fn health(State(state): State<AppState>) -> ApiJson<Health> {
    ApiJson(Health {
        status: "ok".to_owned(),
        head_position: state.store.head_position(),
    })
}

/// `GET /readyz`: the store answers and the views have caught up with the log.
async fn ready(State(state): State<AppState>) -> Result<ApiJson<Readiness>, ApiError> {
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
    Ok(ApiJson(Readiness {
        status: "ready".to_owned(),
        head_position: head,
        checkpoint,
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

/// Checks that `principal` has `permission` in `workspace_id`; answers their role.
pub(super) fn reader(
    state: &AppState,
    principal: &Principal,
    workspace_id: Uuid,
    permission: Permission,
) -> Result<Role, ApiError> {
    Ok(principal.require(&state.accounts, workspace_id, permission)?)
}

/// Whether `principal` may see `board_id`, answering their role (what they see of it is decided by
/// [`crate::visibility`], the same for every role).
pub fn board_access(
    state: &AppState,
    principal: &Principal,
    workspace_id: Uuid,
    board_id: Uuid,
) -> Result<Role, ApiError> {
    let role = principal
        .role_in(&state.accounts, workspace_id)
        .ok_or(crate::accounts::AccessError::NotMember)?;
    match role {
        Role::Guest if principal.guest_board() == Some(board_id) => Ok(role),
        Role::Guest => Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            "your invite opens another board",
        )),
        Role::Owner | Role::Auditor | Role::Editor | Role::Viewer => Ok(role),
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

/// How the actors a view shows are named for people: `{"<actor>": "<display name>"}`.
fn display_names<'a>(state: &AppState, actors: impl Iterator<Item = &'a str>) -> Value {
    let names: std::collections::BTreeMap<&str, String> = actors
        .map(|actor| (actor, state.accounts.display_name(actor)))
        .collect();
    json!(names)
}
