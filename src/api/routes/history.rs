//! The routes of the history: the timeline, the workspace "as of" any moment, and the
//! auditor's raw log; each as [`crate::visibility`] lets the caller see it.

use axum::extract::State;
use chrono::Utc;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use uuid::Uuid;

use super::{ApiJson, ApiPath, ApiQuery, Caller};
use crate::accounts::Permission;
use crate::app_state::{ApiError, AppState};
use crate::domain::describe::Language;
use crate::domain::state::is_sealed;
use crate::projection::report::{report_as_of, Reading};
use crate::projection::{timeline_index, AsOf};
use crate::store::RecordedEvent;
use crate::visibility::{self, Seen};

use super::{reader, reader_on_boards, view};

/// Which entity's timeline, in which language.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
pub struct TimelineQuery {
    /// An organisation, partnership, board, staff member, ...; default: the whole workspace.
    #[serde(default)]
    pub entity: Option<Uuid>,
    /// `da` (default) or `en`: the language of the sentences.
    #[serde(default)]
    pub lang: Option<String>,
}

/// The reader's language from a query's `lang` (`da`, the default, or `en`); another is a
/// bad request.
pub(super) fn language(lang: Option<&str>) -> Result<Language, ApiError> {
    Language::parse(lang)
        .map_err(|message| ApiError::bad_request("invalid_query", format!("`lang`: {message}")))
}

pub(super) async fn timeline(
    State(state): State<AppState>,
    Caller(principal): Caller,
    ApiPath(workspace_id): ApiPath<Uuid>,
    ApiQuery(query): ApiQuery<TimelineQuery>,
) -> Result<ApiJson<Value>, ApiError> {
    reader(&state, &principal, workspace_id, Permission::ReadHistory)?;
    let language = language(query.lang.as_deref())?;
    let reader = reader_on_boards(&state, workspace_id, &principal.actor).await?;
    let entity_id = query.entity.unwrap_or(workspace_id);
    let (stored_through, in_memory, boards) = view(&state, workspace_id, |view| {
        (
            view.timeline.stored_through(),
            view.timeline.entries_about(entity_id).cloned().collect(),
            view.state.boards.clone(),
        )
    })?;
    let entries = timeline_index::about(
        state.store.as_ref(),
        workspace_id,
        entity_id,
        stored_through,
        u64::MAX,
        in_memory,
    )
    .await?;
    Ok(ApiJson(json!(crate::projection::timeline::seen_by(
        &reader,
        &entries,
        &boards,
        u64::MAX,
        language,
    ))))
}

/// A moment, and optionally an earlier one.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
pub struct AsOfQuery {
    /// A log position or an RFC 3339 time.
    pub at: String,
    /// An earlier moment: adds what changed since.
    #[serde(default)]
    pub since: Option<String>,
    /// `da` (default) or `en`: the language of the timeline's sentences.
    #[serde(default)]
    pub lang: Option<String>,
}

pub(super) async fn as_of(
    State(state): State<AppState>,
    Caller(principal): Caller,
    ApiPath(workspace_id): ApiPath<Uuid>,
    ApiQuery(query): ApiQuery<AsOfQuery>,
) -> Result<ApiJson<Value>, ApiError> {
    reader(&state, &principal, workspace_id, Permission::ReadHistory)?;
    let language = language(query.lang.as_deref())?;
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
        Reading {
            reader: Some(&principal.actor),
            language,
        },
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
pub(super) fn log_entry(event: RecordedEvent, seen: Seen) -> LogEntry {
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

pub(super) async fn raw_log(
    State(state): State<AppState>,
    Caller(principal): Caller,
    ApiPath(workspace_id): ApiPath<Uuid>,
    ApiQuery(query): ApiQuery<LogQuery>,
) -> Result<ApiJson<Value>, ApiError> {
    reader(&state, &principal, workspace_id, Permission::ReadRawLog)?;
    let from = query.from.unwrap_or(1);
    if from == 0 {
        return Err(ApiError::bad_request(
            "invalid_query",
            "`from`: stream versions start at 1",
        ));
    }
    let limit = query.limit.unwrap_or(100);
    if !(1..=1000).contains(&limit) {
        return Err(ApiError::bad_request(
            "invalid_query",
            "`limit`: a page holds 1 to 1000 events",
        ));
    }
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
