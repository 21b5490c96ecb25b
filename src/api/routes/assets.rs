//! The routes of the assets list's share links: owners make, list and close links
//! (`/api/workspaces/{id}/assets/share-links`), and anyone holding one reads the public page
//! it opens (`GET /api/public/assets/{token}`), with no login.
//!
//! A link is made here, not by a client's command: the server draws its secret (256 random
//! bits), logs only the BLAKE3 hash of it in `AssetsShareLinkCreated`, as API tokens and
//! invites keep theirs, and shows the link once. The public route answers only
//! [`PublicAssets`]; the link authorizes nothing else, since it is no bearer token of any
//! kind (`tests/public_assets.rs`). Requests are limited per link, and all unknown links
//! share one limit, so guessing is slow as well as hopeless.

use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use tracing::Instrument;
use uuid::Uuid;

use super::{reader, view, ApiJson, ApiPath, Caller};
use crate::accounts::service::{hash_secret, random_hex};
use crate::accounts::Permission;
use crate::app_state::{ApiError, AppState};
use crate::domain::Command;
use crate::projection::public_assets::{
    open_share_link, parse_share_link, share_link_text, PublicAssets, ShareLinkProblem,
};

/// The key the unknown and malformed links share in the public page's rate limit.
const UNKNOWN_LINKS: &str = "unknown";

/// A share link to make.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ShareLinkRequest {
    /// Who or what the link is for, e.g. "the folk high school" (1 to 200 characters).
    #[schemars(schema_with = "crate::domain::decide::required_name_schema")]
    pub label: String,
}

/// A share link as its workspace's owners see it listed (never its secret).
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct ShareLinkListing {
    /// Its id.
    pub link_id: Uuid,
    /// Who or what it is for.
    pub label: String,
    /// Who made it.
    pub created_by: String,
    /// When.
    pub created_at: chrono::DateTime<chrono::Utc>,
    /// Whether it is closed.
    pub revoked: bool,
}

/// A share link just made: its text and the page's address, shown this once.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct CreatedShareLink {
    /// Its id.
    pub link_id: Uuid,
    /// The link's secret text (`pha_...`), never stored.
    pub token: String,
    /// The public page's address in the app, `/vi-kan#<token>`.
    pub link: String,
}

/// `POST /api/workspaces/{id}/assets/share-links`: an owner makes a share link.
pub(super) async fn create_share_link(
    State(state): State<AppState>,
    Caller(principal): Caller,
    ApiPath(workspace_id): ApiPath<Uuid>,
    ApiJson(request): ApiJson<ShareLinkRequest>,
) -> Result<(StatusCode, ApiJson<CreatedShareLink>), ApiError> {
    reader(&state, &principal, workspace_id, Permission::ManageAccess)?;
    let link_id = Uuid::new_v4();
    let secret = random_hex(32);
    let command = Command::CreateAssetsShareLink {
        link_id,
        label: request.label,
        secret_hash: hash_secret(&secret),
    };
    let command_id = Uuid::new_v4();
    let span = tracing::info_span!("share_link", %workspace_id, %command_id, %link_id);
    state
        .workspaces
        .execute(workspace_id, &command, &principal.actor, command_id)
        .instrument(span)
        .await?;
    let token = share_link_text(workspace_id, link_id, &secret);
    Ok((
        StatusCode::CREATED,
        ApiJson(CreatedShareLink {
            link_id,
            link: format!("/vi-kan#{token}"),
            token,
        }),
    ))
}

/// `GET /api/workspaces/{id}/assets/share-links`: the workspace's share links, for owners.
pub(super) async fn share_links(
    State(state): State<AppState>,
    Caller(principal): Caller,
    ApiPath(workspace_id): ApiPath<Uuid>,
) -> Result<ApiJson<Vec<ShareLinkListing>>, ApiError> {
    reader(&state, &principal, workspace_id, Permission::ManageAccess)?;
    view(&state, workspace_id, |view| {
        let mut links: Vec<ShareLinkListing> = view
            .state
            .assets_share_links
            .iter()
            .map(|(link_id, link)| ShareLinkListing {
                link_id: *link_id,
                label: link.label.clone(),
                created_by: link.created_by.clone(),
                created_at: link.created_at,
                revoked: link.revoked,
            })
            .collect();
        links.sort_by_key(|link| std::cmp::Reverse(link.created_at));
        ApiJson(links)
    })
}

/// `DELETE /api/workspaces/{id}/assets/share-links/{link_id}`: an owner closes a link.
pub(super) async fn revoke_share_link(
    State(state): State<AppState>,
    Caller(principal): Caller,
    ApiPath((workspace_id, link_id)): ApiPath<(Uuid, Uuid)>,
) -> Result<StatusCode, ApiError> {
    let command = Command::RevokeAssetsShareLink { link_id };
    state.authorize_command(&principal, workspace_id, &command)?;
    let command_id = Uuid::new_v4();
    let span = tracing::info_span!("share_link", %workspace_id, %command_id, %link_id);
    state
        .workspaces
        .execute(workspace_id, &command, &principal.actor, command_id)
        .instrument(span)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `GET /api/public/assets/{token}`: the public assets page a share link opens, for anyone
/// holding it. 404 `share_link_unknown`, 410 `share_link_revoked`, 429 when asked too often.
pub(super) async fn public_assets(
    State(state): State<AppState>,
    ApiPath(token): ApiPath<String>,
) -> Result<Response, ApiError> {
    let parsed = parse_share_link(&token);
    let known = parsed.and_then(|(workspace_id, link_id, _)| {
        state
            .projections
            .read(workspace_id, |view| {
                view.state.assets_share_links.contains_key(&link_id)
            })
            .filter(|known| *known)
            .map(|_| link_id)
    });
    let key = known.map_or_else(|| UNKNOWN_LINKS.to_owned(), |link_id| link_id.to_string());
    if !state.public_pages.take(&key) {
        return Err(ShareLinkProblem::RateLimited.into());
    }
    let (workspace_id, link_id, secret) = parsed.ok_or(ShareLinkProblem::Unknown)?;
    let secret_hash = hash_secret(secret);
    let page: PublicAssets = state
        .projections
        .read(workspace_id, |view| {
            open_share_link(&view.state, link_id, &secret_hash)
        })
        .ok_or(ShareLinkProblem::Unknown)??;
    tracing::debug!(%workspace_id, %link_id, "public assets page read");
    Ok((
        // The page is the library's to change or close at any moment: no copies kept.
        [
            (header::CACHE_CONTROL, "no-store"),
            (header::REFERRER_POLICY, "no-referrer"),
        ],
        ApiJson(page),
    )
        .into_response())
}
