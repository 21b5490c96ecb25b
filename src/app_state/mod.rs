//! What the server's two edges share: the HTTP API ([`crate::api`]) and the websocket hub
//! ([`crate::hub`]) both reach the same application state ([`AppState`], with its
//! [`Limits`]), answer with the same error shape ([`ApiError`], [`ErrorBody`]) and limit
//! commands with the same token bucket ([`rate`]). Both depend on this module for them, not
//! on each other.

pub mod error;
pub mod rate;

use std::sync::Arc;

pub use self::error::{ApiError, ErrorBody, ERROR_CODES};
use crate::accounts::{Accounts, Permission, Principal, Role};
use crate::domain::Command;
use crate::hub::Hub;
use crate::projection::Projections;
use crate::service::Workspaces;
use crate::store::EventStore;
use axum::http::StatusCode;
use uuid::Uuid;

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
    /// Requests per second for the public assets page of one share link (all unknown links
    /// together count as one); more get 429 `rate_limited`.
    pub public_page_per_second: u32,
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
    /// When the views are written to a checkpoint in the background
    /// ([`crate::projection::checkpoint`]), so that the next start folds only what came after.
    pub checkpoints: crate::projection::checkpoint::CheckpointPolicy,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_message_bytes: 256 * 1024,
            commands_per_second: 50,
            http_commands_per_second: 50,
            public_page_per_second: 10,
            connections_per_account: 20,
            connection_queue: 1024,
            presence_per_second: 20,
            slow_client_timeout: std::time::Duration::from_secs(10),
            header_read_timeout: std::time::Duration::from_secs(15),
            checkpoints: crate::projection::checkpoint::CheckpointPolicy::default(),
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
    /// The public assets page's rate limit, per share link (unknown links share one), since
    /// its readers have no account to count by.
    pub public_pages: Arc<rate::RateLimits>,
}

impl AppState {
    /// Whether `principal` may run `command` in `workspace_id`: members by role, guests only the
    /// note commands of their board; a share link of the assets list is closed by owners only
    /// and made only by the server (never sent by a client). The facilitation of a board is
    /// handed only to a member whose role may change the workspace (only they can use the
    /// facilitator's tools). Answers the principal's role, which the rules need to know of an
    /// owner.
    pub fn authorize_command(
        &self,
        principal: &Principal,
        workspace_id: Uuid,
        command: &Command,
    ) -> Result<Role, ApiError> {
        let role = principal
            .role_in(&self.accounts, workspace_id)
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
                Some(board_id) if Some(board_id) == principal.guest_board() => Ok(role),
                _ => Err(ApiError::new(
                    StatusCode::FORBIDDEN,
                    "forbidden",
                    "a workshop guest may add, move, edit and vote on notes of their board, nothing else",
                )),
            };
        }
        match command {
            // The server makes a share link's secret (POST .../assets/share-links): a link
            // whose secret a client chose could be guessable.
            Command::CreateAssetsShareLink { .. } => Err(ApiError::new(
                StatusCode::FORBIDDEN,
                "forbidden",
                "a share link is made by the server: POST /api/workspaces/{id}/assets/share-links",
            )),
            // Who may see the public page is access, as members and tokens are: owners decide.
            Command::RevokeAssetsShareLink { .. } => {
                principal.require(&self.accounts, workspace_id, Permission::ManageAccess)?;
                Ok(role)
            }
            Command::HandFacilitation { to, .. } => {
                principal.require(&self.accounts, workspace_id, Permission::RunCommands)?;
                let may_facilitate = self
                    .accounts
                    .members_of(workspace_id)
                    .iter()
                    .any(|(name, role)| name == to.trim() && role.allows(Permission::RunCommands));
                if may_facilitate {
                    Ok(role)
                } else {
                    Err(ApiError::new(
                        StatusCode::UNPROCESSABLE_ENTITY,
                        "facilitator_not_member",
                        format!("{to} is no member of this workspace who may change it (an owner or an editor), so they cannot facilitate the board"),
                    ))
                }
            }
            _ => {
                principal.require(&self.accounts, workspace_id, Permission::RunCommands)?;
                Ok(role)
            }
        }
    }
}
