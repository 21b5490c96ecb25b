//! One error shape for the whole API, and the one place where every error of the library
//! becomes an HTTP status and a protocol error code.
//!
//! The body is always `{"code": "...", "message": "...", "details": {...}}`. The same
//! [`ErrorBody`] travels in websocket `reject` and `error` frames, so clients handle one
//! shape. Internal failures are logged with their cause and answered with a generic message.

use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::accounts::service::InviteProblem;
use crate::accounts::AccessError;
use crate::domain::DomainError;
use crate::projection::public_assets::ShareLinkProblem;
use crate::service::CommandError;
use crate::store::StoreError;

/// Every `code` the server writes into an [`ErrorBody`], over HTTP and the websocket, and
/// into the rows an organisation import refuses. Checked into `protocol/` as
/// `schemas/error-code.schema.json`, so the app can tell (in a test) that it has a sentence
/// in Danish and English for each; `tests/protocol.rs` fails when the source writes a code
/// that is not here, or when one here is written nowhere.
pub const ERROR_CODES: &[&str] = &[
    // Bad input (400), and the websocket's malformed frames.
    "malformed_json",
    "invalid_body",
    "invalid_field",
    "invalid_input",
    "invalid_path",
    "invalid_query",
    "invalid_append",
    "invalid_account_name",
    "invite_hours_out_of_range",
    "weak_password",
    "csv_unreadable",
    "csv_columns_missing",
    "invalid_message",
    "unknown_message_type",
    "unsupported_frame",
    "message_too_large",
    // Rows of an organisation import that are not rows of the import.
    "name_missing",
    "sector_missing",
    "unknown_value",
    "duplicate_name",
    "level_move_needs_reason",
    // Who may (401, 403) and the websocket's order of messages.
    "unauthenticated",
    "forbidden",
    "wrong_password",
    "history_forbidden",
    "hello_first",
    "already_authenticated",
    "access_ended",
    // What does not exist (404, 405, 410).
    "workspace_not_found",
    "workspace_not_created",
    "unknown_entity",
    "not_found",
    "no_such_version",
    "position_beyond_head",
    "method_not_allowed",
    "invite_unknown",
    "invite_used",
    "invite_revoked",
    "invite_expired",
    "share_link_unknown",
    "share_link_revoked",
    // Conflicts (409) and sizes (413, 415).
    "version_conflict",
    "already_exists",
    "workspace_already_created",
    "command_id_taken",
    "conflict",
    "name_taken",
    "payload_too_large",
    "unsupported_media_type",
    // The method's rules (422).
    "illegal_phase_jump",
    "phase_requirement",
    "partnership_ended",
    "screening_incomplete",
    "nothing_changed",
    "illegal_board_phase_jump",
    "board_locked",
    "wrong_board_phase",
    "not_facilitator",
    "facilitator_not_member",
    "facilitation_not_yours",
    "vote_budget_spent",
    "note_cap_reached",
    "not_author",
    "already_promoted",
    "staff_member_left",
    "import_row_refused",
    // Limits and the server's state (429, 500, 503).
    "rate_limited",
    "too_many_attempts",
    "too_many_connections",
    "busy",
    "shutting_down",
    "not_ready",
    "internal_error",
];

/// The error body of every failed request and every rejected websocket message.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ErrorBody {
    /// A stable, machine-readable code, e.g. `version_conflict`.
    pub code: String,
    /// What went wrong, for people.
    pub message: String,
    /// Specifics, e.g. `{"expected": 1, "actual": 2}`.
    #[serde(default, skip_serializing_if = "Value::is_null")]
    pub details: Value,
}

/// An error of the API: a status and a body.
#[derive(Debug)]
pub struct ApiError {
    /// The HTTP status.
    pub status: StatusCode,
    /// The body.
    pub body: ErrorBody,
}

impl ApiError {
    /// An error with no details.
    pub fn new(status: StatusCode, code: &str, message: impl Into<String>) -> Self {
        ApiError {
            status,
            body: ErrorBody {
                code: code.to_owned(),
                message: message.into(),
                details: Value::Null,
            },
        }
    }

    /// Adds details.
    pub fn with_details(mut self, details: Value) -> Self {
        self.body.details = details;
        self
    }

    /// 400 with a code.
    pub fn bad_request(code: &str, message: impl Into<String>) -> Self {
        ApiError::new(StatusCode::BAD_REQUEST, code, message)
    }

    /// 404 for something that does not exist.
    pub fn not_found(message: impl Into<String>) -> Self {
        ApiError::new(StatusCode::NOT_FOUND, "not_found", message)
    }

    /// 404 for a workspace that does not exist or that the caller is not a member of (the
    /// two are not told apart).
    pub fn workspace_not_found() -> Self {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "workspace_not_found",
            "no such workspace, or you are not a member of it",
        )
    }

    /// 429 for a client over a limit.
    pub fn rate_limited(message: impl Into<String>) -> Self {
        ApiError::new(StatusCode::TOO_MANY_REQUESTS, "rate_limited", message)
    }

    /// 500 with a generic message; the cause is logged, never sent.
    pub fn internal(cause: &dyn std::fmt::Display) -> Self {
        tracing::error!(%cause, "internal error");
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal_error",
            "something went wrong on the server; it has been logged",
        )
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.status, Json(self.body)).into_response()
    }
}

impl From<DomainError> for ApiError {
    fn from(error: DomainError) -> Self {
        let status = match &error {
            DomainError::Unknown { .. } | DomainError::WorkspaceNotCreated => StatusCode::NOT_FOUND,
            DomainError::AlreadyExists { .. }
            | DomainError::WorkspaceAlreadyCreated
            | DomainError::StaleAgreement { .. } => StatusCode::CONFLICT,
            DomainError::InvalidField { .. } => StatusCode::BAD_REQUEST,
            _ => StatusCode::UNPROCESSABLE_ENTITY,
        };
        let details = match &error {
            DomainError::Unknown { kind, id } => json!({"kind": kind, "id": id}),
            DomainError::AlreadyExists { kind, id } => json!({"kind": kind, "id": id}),
            DomainError::InvalidField { field, reason } => {
                json!({"field": field, "reason": reason})
            }
            DomainError::IllegalPhaseJump { from, to } => json!({"from": from, "to": to}),
            DomainError::PhaseRequirement { to, missing } => json!({"to": to, "missing": missing}),
            DomainError::ScreeningIncomplete { missing } => json!({"missing": missing}),
            DomainError::StaleAgreement {
                partnership_id,
                expected,
                actual,
                conflicts,
            } => {
                json!({"partnership_id": partnership_id, "expected": expected, "actual": actual, "conflicts": conflicts})
            }
            DomainError::IllegalBoardPhaseJump { from, to } => json!({"from": from, "to": to}),
            DomainError::WrongBoardPhase { phase, .. } => json!({"phase": phase}),
            DomainError::VoteBudgetSpent { budget } => json!({"budget": budget}),
            DomainError::NoteCapReached { cap } => json!({"cap": cap}),
            DomainError::ImportRowRefused {
                row,
                name,
                problem,
                reason,
            } => json!({"row": row, "name": name, "problem": problem, "reason": reason}),
            _ => Value::Null,
        };
        ApiError::new(status, error.code(), error.to_string()).with_details(details)
    }
}

impl From<StoreError> for ApiError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::VersionConflict { stream_id, expected, actual } => ApiError::new(
                StatusCode::CONFLICT,
                "version_conflict",
                format!("someone changed this workspace at the same moment (it is at version {actual}); try again"),
            )
            .with_details(json!({"stream_id": stream_id, "expected": expected, "actual": actual})),
            StoreError::InvalidAppend(message) => ApiError::bad_request("invalid_append", message),
            StoreError::Closed => ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "shutting_down",
                "the server is shutting down; try again in a moment",
            ),
            other => ApiError::internal(&other),
        }
    }
}

impl From<CommandError> for ApiError {
    fn from(error: CommandError) -> Self {
        match error {
            CommandError::Domain(error) => error.into(),
            CommandError::CommandIdTaken => ApiError::new(
                StatusCode::CONFLICT,
                "command_id_taken",
                CommandError::CommandIdTaken.to_string(),
            ),
            CommandError::Store(error) => error.into(),
        }
    }
}

impl From<AccessError> for ApiError {
    fn from(error: AccessError) -> Self {
        let message = error.to_string();
        match error {
            AccessError::Unauthenticated(_) => {
                ApiError::new(StatusCode::UNAUTHORIZED, "unauthenticated", message)
            }
            AccessError::NotMember => {
                ApiError::new(StatusCode::NOT_FOUND, "workspace_not_found", message)
            }
            AccessError::Forbidden(_) => ApiError::new(StatusCode::FORBIDDEN, "forbidden", message),
            AccessError::InvalidInput(_) => ApiError::bad_request("invalid_input", message),
            AccessError::Conflict(_) => ApiError::new(StatusCode::CONFLICT, "conflict", message),
            AccessError::NotFound(_) => ApiError::not_found(message),
            AccessError::TooManyAttempts => {
                ApiError::new(StatusCode::TOO_MANY_REQUESTS, "too_many_attempts", message)
            }
            AccessError::Busy => ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "busy", message),
            AccessError::InvalidAccountName(_) => {
                ApiError::bad_request("invalid_account_name", message)
            }
            AccessError::NameTaken(_) => ApiError::new(StatusCode::CONFLICT, "name_taken", message),
            AccessError::WeakPassword(_) => ApiError::bad_request("weak_password", message),
            AccessError::WrongPassword => {
                ApiError::new(StatusCode::FORBIDDEN, "wrong_password", message)
            }
            AccessError::Invite(problem) => {
                let (status, code) = match problem {
                    InviteProblem::Unknown => (StatusCode::NOT_FOUND, "invite_unknown"),
                    InviteProblem::Used => (StatusCode::GONE, "invite_used"),
                    InviteProblem::Revoked => (StatusCode::GONE, "invite_revoked"),
                    InviteProblem::Expired => (StatusCode::GONE, "invite_expired"),
                };
                ApiError::new(status, code, message)
            }
            AccessError::Store(error) => error.into(),
        }
    }
}

impl From<ShareLinkProblem> for ApiError {
    fn from(problem: ShareLinkProblem) -> Self {
        let (status, code) = match problem {
            ShareLinkProblem::Unknown => (StatusCode::NOT_FOUND, "share_link_unknown"),
            ShareLinkProblem::Revoked => (StatusCode::GONE, "share_link_revoked"),
            ShareLinkProblem::RateLimited => (StatusCode::TOO_MANY_REQUESTS, "rate_limited"),
        };
        ApiError::new(status, code, problem.to_string())
    }
}

impl From<JsonRejection> for ApiError {
    fn from(rejection: JsonRejection) -> Self {
        match rejection {
            JsonRejection::JsonSyntaxError(error) => ApiError::bad_request(
                "malformed_json",
                format!("the body is not valid JSON: {}", error.body_text()),
            ),
            JsonRejection::JsonDataError(error) => ApiError::bad_request(
                "invalid_body",
                format!("the body does not fit: {}", error.body_text()),
            ),
            JsonRejection::MissingJsonContentType(_) => ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                "send the body as JSON with `Content-Type: application/json`",
            ),
            JsonRejection::BytesRejection(error)
                if error.status() == StatusCode::PAYLOAD_TOO_LARGE =>
            {
                ApiError::new(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    "payload_too_large",
                    error.body_text(),
                )
            }
            other => ApiError::bad_request("invalid_body", other.body_text()),
        }
    }
}

impl From<PathRejection> for ApiError {
    fn from(rejection: PathRejection) -> Self {
        ApiError::bad_request("invalid_path", rejection.body_text())
    }
}

impl From<QueryRejection> for ApiError {
    fn from(rejection: QueryRejection) -> Self {
        ApiError::bad_request("invalid_query", rejection.body_text())
    }
}
