//! The routes that read a workspace's live views: the network, organisations and their
//! contacts, partnerships, the portfolio, competences, assets and workshop boards (each board
//! as [`crate::visibility`] lets the caller see it).

use axum::extract::State;
use axum::http::StatusCode;
use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::{NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use uuid::Uuid;

use super::{ApiJson, ApiPath, ApiQuery, Caller};
use crate::accounts::Permission;
use crate::app_state::{ApiError, AppState};
use crate::domain::state::{Asset, Partnership};
use crate::domain::vocabulary::{BoardPhase, BoardTemplate};
use crate::projection::agreement::{self, AgreementDiff};
use crate::projection::board::board_view;
use crate::projection::competences::{competences_view, CompetencesView};
use crate::projection::network::{
    network_view, who_knows, ContactHolderView, NetworkFilter, NetworkView,
};
use crate::projection::portfolio::{metrics_over_time, portfolio_view, MetricsAt, PortfolioView};
use crate::projection::suggestions::{suggestions_view, SuggestionsView};
use crate::projection::WorkspaceView;

use super::{board_access, display_names, reader, reader_on_boards, view};

pub(super) async fn network(
    State(state): State<AppState>,
    Caller(principal): Caller,
    ApiPath(workspace_id): ApiPath<Uuid>,
    ApiQuery(filter): ApiQuery<NetworkFilter>,
) -> Result<ApiJson<NetworkView>, ApiError> {
    reader(&state, &principal, workspace_id, Permission::ReadViews)?;
    view(&state, workspace_id, |view| {
        ApiJson(network_view(&view.state, &filter))
    })
}

pub(super) async fn organisation_contacts(
    State(state): State<AppState>,
    Caller(principal): Caller,
    ApiPath((workspace_id, organisation_id)): ApiPath<(Uuid, Uuid)>,
) -> Result<ApiJson<Vec<ContactHolderView>>, ApiError> {
    reader(&state, &principal, workspace_id, Permission::ReadViews)?;
    view(&state, workspace_id, |view| {
        if !view.state.organisations.contains_key(&organisation_id) {
            return Err(ApiError::not_found(format!(
                "there is no organisation with id {organisation_id}"
            )));
        }
        Ok(ApiJson(who_knows(&view.state, organisation_id)))
    })?
}

/// The date the portfolio measures overdue evaluations against.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
pub struct PortfolioQuery {
    /// Default: today (UTC).
    #[serde(default)]
    pub today: Option<NaiveDate>,
}

/// The portfolio with the network's metrics over time: `GET .../portfolio`.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct PortfolioAnswer {
    /// The portfolio.
    #[serde(flatten)]
    pub portfolio: PortfolioView,
    /// The network's metrics at each recorded point, oldest first.
    pub metrics_over_time: Vec<MetricsAt>,
}

pub(super) async fn portfolio(
    State(state): State<AppState>,
    Caller(principal): Caller,
    ApiPath(workspace_id): ApiPath<Uuid>,
    ApiQuery(query): ApiQuery<PortfolioQuery>,
) -> Result<ApiJson<PortfolioAnswer>, ApiError> {
    reader(&state, &principal, workspace_id, Permission::ReadViews)?;
    let today = query.today.unwrap_or_else(|| Utc::now().date_naive());
    view(&state, workspace_id, |view| {
        ApiJson(PortfolioAnswer {
            portfolio: portfolio_view(&view.state, today),
            metrics_over_time: metrics_over_time(view.metrics_history.iter()),
        })
    })
}

/// `GET .../suggestions`: who in the network could fill each empty cell of the library model
/// and each thin age group, who at the library knows them, and which of the library's assets
/// match what each partner seeks. Nothing in it comes from a workshop board (promoted notes
/// are organisations like any other by then), so [`crate::visibility`] has nothing to hide
/// from a reader who may read the views.
pub(super) async fn suggestions(
    State(state): State<AppState>,
    Caller(principal): Caller,
    ApiPath(workspace_id): ApiPath<Uuid>,
) -> Result<ApiJson<SuggestionsView>, ApiError> {
    reader(&state, &principal, workspace_id, Permission::ReadViews)?;
    view(&state, workspace_id, |view| {
        ApiJson(suggestions_view(&view.state))
    })
}

pub(super) async fn competences(
    State(state): State<AppState>,
    Caller(principal): Caller,
    ApiPath(workspace_id): ApiPath<Uuid>,
) -> Result<ApiJson<CompetencesView>, ApiError> {
    reader(&state, &principal, workspace_id, Permission::ReadViews)?;
    view(&state, workspace_id, |view| {
        ApiJson(competences_view(&view.state))
    })
}

pub(super) async fn organisations(
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

pub(super) async fn organisation(
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

pub(super) async fn partnerships(
    State(state): State<AppState>,
    Caller(principal): Caller,
    ApiPath(workspace_id): ApiPath<Uuid>,
) -> Result<ApiJson<BTreeMap<Uuid, Arc<Partnership>>>, ApiError> {
    reader(&state, &principal, workspace_id, Permission::ReadViews)?;
    view(&state, workspace_id, |view| {
        ApiJson(view.state.partnerships.clone())
    })
}

pub(super) async fn partnership(
    State(state): State<AppState>,
    Caller(principal): Caller,
    ApiPath((workspace_id, partnership_id)): ApiPath<(Uuid, Uuid)>,
) -> Result<ApiJson<Partnership>, ApiError> {
    reader(&state, &principal, workspace_id, Permission::ReadViews)?;
    view(&state, workspace_id, |view| {
        partnership_in(view, partnership_id).map(|found| ApiJson(found.clone()))
    })?
}

/// The partnership `partnership_id` of a workspace's live views; 404 in words when there is none.
fn partnership_in(view: &WorkspaceView, partnership_id: Uuid) -> Result<&Partnership, ApiError> {
    view.state
        .partnerships
        .get(&partnership_id)
        .map(|found| &**found)
        .ok_or_else(|| {
            ApiError::not_found(format!("there is no partnership with id {partnership_id}"))
        })
}

/// Which two versions of an agreement to compare.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AgreementDiffQuery {
    /// The earlier version (0: the empty agreement before the first text).
    pub from_version: u32,
    /// The later version.
    pub to_version: u32,
}

/// `GET .../partnerships/{id}/agreement/diff?from_version=&to_version=`: two versions of the
/// agreement side by side, with the words each section's amendment kept, removed and added.
pub(super) async fn agreement_diff(
    State(state): State<AppState>,
    Caller(principal): Caller,
    ApiPath((workspace_id, partnership_id)): ApiPath<(Uuid, Uuid)>,
    ApiQuery(query): ApiQuery<AgreementDiffQuery>,
) -> Result<ApiJson<AgreementDiff>, ApiError> {
    reader(&state, &principal, workspace_id, Permission::ReadViews)?;
    view(&state, workspace_id, |view| {
        let partnership = partnership_in(view, partnership_id)?;
        agreement::agreement_diff(&partnership.agreement, query.from_version, query.to_version)
            .map(ApiJson)
            .map_err(|message| ApiError::new(StatusCode::NOT_FOUND, "no_such_version", message))
    })?
}

pub(super) async fn assets(
    State(state): State<AppState>,
    Caller(principal): Caller,
    ApiPath(workspace_id): ApiPath<Uuid>,
) -> Result<ApiJson<BTreeMap<Uuid, Arc<Asset>>>, ApiError> {
    reader(&state, &principal, workspace_id, Permission::ReadViews)?;
    view(&state, workspace_id, |view| {
        ApiJson(view.state.assets.clone())
    })
}

/// A workshop board in the list of a workspace's boards.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct BoardListing {
    /// The board's id.
    pub board_id: Uuid,
    /// Its title.
    pub title: String,
    /// Its zones' template.
    pub template: BoardTemplate,
    /// The phase it is in.
    pub phase: BoardPhase,
    /// How many notes it has (every note, the others' private ones too: a count says no
    /// text).
    pub notes: usize,
}

pub(super) async fn boards(
    State(state): State<AppState>,
    Caller(principal): Caller,
    ApiPath(workspace_id): ApiPath<Uuid>,
) -> Result<ApiJson<Vec<BoardListing>>, ApiError> {
    reader(&state, &principal, workspace_id, Permission::ReadViews)?;
    view(&state, workspace_id, |view| {
        ApiJson(
            view.state
                .boards
                .iter()
                .map(|(id, board)| BoardListing {
                    board_id: *id,
                    title: board.title.clone(),
                    template: board.template,
                    phase: board.phase,
                    notes: board.notes.len(),
                })
                .collect(),
        )
    })
}

pub(super) async fn board(
    State(state): State<AppState>,
    Caller(principal): Caller,
    ApiPath((workspace_id, board_id)): ApiPath<(Uuid, Uuid)>,
) -> Result<ApiJson<Value>, ApiError> {
    let role = board_access(&state, &principal, workspace_id, board_id)?;
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
    answer["my_role"] = json!(role);
    Ok(ApiJson(answer))
}
