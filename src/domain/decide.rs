//! The rules' entry point: [`decide`] turns a command into events, or refuses it with a
//! [`DomainError`], by handing the command to the area that owns it (see [`Area`]); and the
//! checks every area's rules share, kept here once: text fields (trimmed, limited, no
//! control characters), lists of words, web addresses, ids that must or must not exist, and
//! the lookups of organisations and colleagues that several areas refer to.
//!
//! Pure and synchronous: the state, the command, who asks and the time in; events or an
//! error out. Nothing here reads a clock, a store or a network, so every rule is tested
//! given/when/then beside its area.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::area::Area;
use super::commands::Command;
use super::error::DomainError;
use super::events::DomainEvent;
use super::state::{OnBoard, Organisation, SealedNames, WorkspaceState};
use super::{assets, boards, network, partnerships, workspace};

/// Who asks and when: the parts of deciding that come from outside the command.
#[derive(Clone, Debug)]
pub struct Request<'a> {
    /// Who asks (an account name).
    pub actor: &'a str,
    /// The names the asker's sealed acts carry on the board the command is about, when that
    /// board has a key (see [`SealedNames`]): so that the rules recognise their anonymous
    /// notes and dots.
    pub sealed: Option<&'a SealedNames>,
    /// Whether the asker owns the workspace (roles live in the accounts, outside the log:
    /// the edge that authorized the command says). An owner may hand on any board's
    /// facilitation.
    pub owner: bool,
    /// The time of the request.
    pub now: DateTime<Utc>,
}

impl<'a> Request<'a> {
    /// The asker on the command's board.
    pub fn on_board(&self) -> OnBoard<'a> {
        OnBoard {
            actor: self.actor,
            sealed: self.sealed,
        }
    }
}

/// Decides a command against the workspace's current state: refuses every command but
/// `CreateWorkspace` before the workspace exists, then lets the command's area decide.
///
/// # Errors
/// The [`DomainError`] naming the rule the command breaks.
pub fn decide(
    state: &WorkspaceState,
    command: &Command,
    request: &Request<'_>,
) -> Result<Vec<DomainEvent>, DomainError> {
    let area = command.area();
    if !state.created && area != Area::Workspace {
        return Err(DomainError::WorkspaceNotCreated);
    }
    match area {
        Area::Workspace => workspace::decide(state, command),
        Area::Network => network::decide(state, command),
        Area::Partnerships => partnerships::decide(state, command),
        Area::Assets => assets::decide(state, command),
        Area::Boards => boards::decide(state, command, request),
    }
}

/// The refusal an area gives a command that belongs to another area. [`decide`] routes by
/// [`Command::area`], so it is only seen if an area's `decide` and [`Command::area`]
/// disagree about a command, which every command's given/when/then tests would show.
pub(crate) fn misrouted(area: Area) -> DomainError {
    invalid(
        "type",
        format!("the {area} area does not decide this command"),
    )
}

/// Longest name or title.
pub(crate) const NAME_LIMIT: usize = 200;
/// Longest free text (purpose, narrative, agreement section).
pub(crate) const TEXT_LIMIT: usize = 20_000;
/// Longest note on a workshop board.
pub(crate) const NOTE_LIMIT: usize = 1_000;
/// Most entries in a list of words (tags, topics, competences).
pub(crate) const WORDS_LIMIT: usize = 100;

pub(crate) fn invalid(field: &'static str, reason: impl Into<String>) -> DomainError {
    DomainError::InvalidField {
        field,
        reason: reason.into(),
    }
}

/// The characters no text of a command may hold: control characters other than line
/// breaks and tabs (what [`optional`] refuses), as a regular expression's class body.
const CONTROL_CHARACTERS: &str = r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f";

/// The schema of a text [`required`] takes with [`NAME_LIMIT`]: not blank, at most that
/// many characters, no control characters but line breaks and tabs (for request fields
/// checked with the same rule, such as a share link's or a token's label).
pub fn required_name_schema(
    _generator: &mut schemars::gen::SchemaGenerator,
) -> schemars::schema::Schema {
    text_schema(1, NAME_LIMIT)
}

/// The schema of a text [`optional`] takes with [`TEXT_LIMIT`] (a description, a reason).
pub fn optional_text_schema(
    _generator: &mut schemars::gen::SchemaGenerator,
) -> schemars::schema::Schema {
    text_schema(0, TEXT_LIMIT)
}

/// The schema of a text [`required`] takes with [`TEXT_LIMIT`] (a narrative, a reason that
/// must be given).
pub fn required_text_schema(
    _generator: &mut schemars::gen::SchemaGenerator,
) -> schemars::schema::Schema {
    text_schema(1, TEXT_LIMIT)
}

/// The schema of a text [`optional`] takes with [`NAME_LIMIT`] (a team, a kind, a role).
pub fn optional_name_schema(
    _generator: &mut schemars::gen::SchemaGenerator,
) -> schemars::schema::Schema {
    text_schema(0, NAME_LIMIT)
}

/// The schema of a workshop note's text: [`required`] with [`NOTE_LIMIT`].
pub fn note_text_schema(
    _generator: &mut schemars::gen::SchemaGenerator,
) -> schemars::schema::Schema {
    text_schema(1, NOTE_LIMIT)
}

/// The schema of an absent-or-given name that [`required`] takes when given (a new name, a
/// website): null, or as [`required_name_schema`].
pub fn required_name_or_null_schema(
    _generator: &mut schemars::gen::SchemaGenerator,
) -> schemars::schema::Schema {
    text_or_null_schema(1, NAME_LIMIT)
}

/// The schema of an absent-or-given text [`optional`] takes with [`NAME_LIMIT`] (a new kind).
pub fn optional_name_or_null_schema(
    _generator: &mut schemars::gen::SchemaGenerator,
) -> schemars::schema::Schema {
    text_or_null_schema(0, NAME_LIMIT)
}

/// The schema of an absent-or-given text [`optional`] takes with [`TEXT_LIMIT`] (a new
/// purpose).
pub fn optional_text_or_null_schema(
    _generator: &mut schemars::gen::SchemaGenerator,
) -> schemars::schema::Schema {
    text_or_null_schema(0, TEXT_LIMIT)
}

/// The schema of an amendment's sections: each section's new text as [`required`] takes it
/// with [`TEXT_LIMIT`], or null to clear it.
pub fn amended_sections_schema(
    _generator: &mut schemars::gen::SchemaGenerator,
) -> schemars::schema::Schema {
    super::vocabulary::agreement_sections_of(text_or_null_schema(1, TEXT_LIMIT))
}

/// The schema of the list [`words`] takes: at most [`WORDS_LIMIT`] names.
pub fn words_schema(_generator: &mut schemars::gen::SchemaGenerator) -> schemars::schema::Schema {
    words_json(false)
}

/// The schema of an absent-or-given list [`words`] takes when given.
pub fn words_or_null_schema(
    _generator: &mut schemars::gen::SchemaGenerator,
) -> schemars::schema::Schema {
    words_json(true)
}

fn words_json(or_null: bool) -> schemars::schema::Schema {
    let kind = if or_null {
        serde_json::json!(["array", "null"])
    } else {
        serde_json::json!("array")
    };
    schema_from(serde_json::json!({
        "type": kind,
        "maxItems": WORDS_LIMIT,
        "items": text_json(1, NAME_LIMIT),
    }))
}

/// The schema of a string of `min` to `max` characters that [`required`] (`min` 1) or
/// [`optional`] (`min` 0) takes: with `min` 1 it must hold a character that is not blank.
pub fn text_schema(min: usize, max: usize) -> schemars::schema::Schema {
    schema_from(text_json(min, max))
}

/// [`text_schema`], or null (an `Option` of it).
fn text_or_null_schema(min: usize, max: usize) -> schemars::schema::Schema {
    let mut json = text_json(min, max);
    json["type"] = serde_json::json!(["string", "null"]);
    schema_from(json)
}

fn text_json(min: usize, max: usize) -> serde_json::Value {
    let allowed = format!("[^{CONTROL_CHARACTERS}]*");
    let pattern = if min > 0 {
        format!(r"^{allowed}[^\s{CONTROL_CHARACTERS}]{allowed}$")
    } else {
        format!("^{allowed}$")
    };
    serde_json::json!({
        "type": "string",
        "minLength": min,
        "maxLength": max,
        "pattern": pattern,
    })
}

fn schema_from(json: serde_json::Value) -> schemars::schema::Schema {
    serde_json::from_value(json).unwrap_or(schemars::schema::Schema::Bool(true))
}

/// A required text: trimmed, not empty, at most `limit` characters, no control characters
/// other than line breaks and tabs.
pub(crate) fn required(
    field: &'static str,
    value: &str,
    limit: usize,
) -> Result<String, DomainError> {
    let text = optional(field, value, limit)?;
    if text.is_empty() {
        return Err(invalid(field, "must not be empty"));
    }
    Ok(text)
}

/// An optional text: trimmed, at most `limit` characters.
pub(crate) fn optional(
    field: &'static str,
    value: &str,
    limit: usize,
) -> Result<String, DomainError> {
    let text = value.trim();
    let length = text.chars().count();
    if length > limit {
        return Err(invalid(
            field,
            format!("is {length} characters long; at most {limit} fit"),
        ));
    }
    if text
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\t' && c != '\r')
    {
        return Err(invalid(field, "contains control characters"));
    }
    Ok(text.to_owned())
}

/// A list of short words (tags, topics, competences): each trimmed and non-empty.
pub(crate) fn words(field: &'static str, values: &[String]) -> Result<Vec<String>, DomainError> {
    if values.len() > WORDS_LIMIT {
        return Err(invalid(field, format!("at most {WORDS_LIMIT} entries fit")));
    }
    values
        .iter()
        .map(|value| required(field, value, NAME_LIMIT))
        .collect()
}

pub(crate) fn website_field(website: &Option<String>) -> Result<Option<String>, DomainError> {
    match website {
        None => Ok(None),
        Some(url) => {
            let url = required("website", url, NAME_LIMIT)?;
            if !(url.starts_with("https://") || url.starts_with("http://")) {
                return Err(invalid("website", "must start with https:// or http://"));
            }
            Ok(Some(url))
        }
    }
}

pub(crate) fn absent(exists: bool, kind: &'static str, id: Uuid) -> Result<(), DomainError> {
    if exists {
        Err(DomainError::AlreadyExists { kind, id })
    } else {
        Ok(())
    }
}

pub(crate) fn present(exists: bool, kind: &'static str, id: Uuid) -> Result<(), DomainError> {
    if exists {
        Ok(())
    } else {
        Err(DomainError::Unknown { kind, id })
    }
}

pub(crate) fn organisation(state: &WorkspaceState, id: Uuid) -> Result<&Organisation, DomainError> {
    state
        .organisations
        .get(&id)
        .map(|organisation| &**organisation)
        .ok_or(DomainError::Unknown {
            kind: "organisation",
            id,
        })
}

pub(crate) fn active_staff(state: &WorkspaceState, id: Uuid) -> Result<(), DomainError> {
    match state.staff.get(&id) {
        None => Err(DomainError::Unknown {
            kind: "staff member",
            id,
        }),
        Some(member) if member.left => Err(DomainError::StaffMemberLeft { staff_id: id }),
        Some(_) => Ok(()),
    }
}
