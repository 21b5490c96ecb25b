//! The auditor's routes: the log's chain verified on request (head hash, count, whole or
//! broken where), and the audit trail of a workspace or one entity as CSV, each as
//! [`crate::visibility`] lets the caller see it.

use std::collections::HashMap;

use axum::extract::State;
use axum::response::Response;
use chrono::Utc;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{reader, reader_on_boards, view, ApiJson, ApiPath, ApiQuery, Caller};
use crate::accounts::Permission;
use crate::api::graph_export::{csv, file, CSV_MEDIA_TYPE};
use crate::app_state::{ApiError, AppState};
use crate::projection::audit_trail::{trail_rows, Recorded};
use crate::projection::timeline::seen_by;
use crate::store::transfer::{verify_log, VerifyError};

/// The result of verifying the log's chain.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct Verification {
    /// Whether every event links to the one before it and its hash matches its content.
    pub ok: bool,
    /// Events verified: the whole log when `ok`, up to the break otherwise.
    pub events: u64,
    /// The hash of the log's last event when `ok` (keep it to prove later that history up to
    /// here was not rewritten).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub head_hash: Option<String>,
    /// Where and how the chain breaks, when it does.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub broken: Option<String>,
    /// When it was verified.
    pub verified_at: chrono::DateTime<Utc>,
}

/// `GET /api/workspaces/{id}/verify`: walks the whole log (every workspace shares its chain)
/// and answers whether it is whole. For those who may read the raw log (owners, auditors).
#[tracing::instrument(skip(state, principal), fields(%workspace_id))]
pub(super) async fn verify(
    State(state): State<AppState>,
    Caller(principal): Caller,
    ApiPath(workspace_id): ApiPath<Uuid>,
) -> Result<ApiJson<Verification>, ApiError> {
    reader(&state, &principal, workspace_id, Permission::ReadRawLog)?;
    view(&state, workspace_id, |_| ())?;
    let mut verified = 0;
    let outcome = verify_log(state.store.as_ref(), &mut |done| verified = done).await;
    let verified_at = Utc::now();
    match outcome {
        Ok(report) => Ok(ApiJson(Verification {
            ok: true,
            events: report.events,
            head_hash: Some(report.head_hash.to_hex()),
            broken: None,
            verified_at,
        })),
        Err(VerifyError::Broken(chain_break)) => {
            tracing::warn!(%chain_break, "the log's chain is broken");
            Ok(ApiJson(Verification {
                ok: false,
                events: verified,
                head_hash: None,
                broken: Some(chain_break.to_string()),
                verified_at,
            }))
        }
        Err(VerifyError::Store(error)) => Err(error.into()),
    }
}

/// Whose trail, in which language.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
pub struct AuditTrailQuery {
    /// An organisation, partnership, board, staff member, ...; default: the whole workspace.
    #[serde(default)]
    pub entity: Option<Uuid>,
    /// `da` (default) or `en`: the header, the kinds of event and the sentences.
    #[serde(default)]
    pub lang: Option<String>,
}

/// How many events one read of the stream takes.
const PAGE: usize = 1_000;

/// `GET /api/workspaces/{id}/audit.csv?entity=&lang=`: the audit trail (revisionsspor) as
/// CSV, for those who may read the history.
#[tracing::instrument(skip(state, principal, query), fields(%workspace_id))]
pub(super) async fn audit_csv(
    State(state): State<AppState>,
    Caller(principal): Caller,
    ApiPath(workspace_id): ApiPath<Uuid>,
    ApiQuery(query): ApiQuery<AuditTrailQuery>,
) -> Result<Response, ApiError> {
    reader(&state, &principal, workspace_id, Permission::ReadHistory)?;
    let language = super::history::language(query.lang.as_deref())?;
    let reader = reader_on_boards(&state, workspace_id, &principal.actor).await?;
    let subject = query.entity.unwrap_or(workspace_id);
    // The hash and reason of each of the workspace's events, from the log itself.
    let mut recorded = HashMap::new();
    let mut from = 1;
    loop {
        let page = state.store.read_stream(workspace_id, from, PAGE).await?;
        for event in &page {
            recorded.insert(event.position, Recorded::of(event));
        }
        match page.last() {
            Some(last) if page.len() == PAGE => from = last.stream_version + 1,
            _ => break,
        }
    }
    let (stored_through, in_memory, boards) = view(&state, workspace_id, |view| {
        (
            view.timeline.stored_through(),
            view.timeline.entries_about(subject).cloned().collect(),
            view.state.boards.clone(),
        )
    })?;
    let entries = crate::projection::timeline_index::about(
        state.store.as_ref(),
        workspace_id,
        subject,
        stored_through,
        u64::MAX,
        in_memory,
    )
    .await?;
    let lines = seen_by(&reader, &entries, &boards, u64::MAX, language);
    let rows = trail_rows(&lines, &recorded, language);
    let name = match query.entity {
        Some(entity) => format!("audit-trail-{entity}.csv"),
        None => "audit-trail.csv".to_owned(),
    };
    Ok(file(CSV_MEDIA_TYPE, &name, csv(rows)))
}
