//! Importing organisations from a spreadsheet in one command (`ImportOrganisations`): each
//! row is what `RegisterOrganisation` takes; a row whose name is already in the network
//! database is merged into that organisation instead of registered twice. The import is all
//! or nothing: one row the rules refuse refuses the whole command, so a person previews it
//! first ([`plan`], the same rules without writing) and sends only the rows the preview
//! accepts.
//!
//! Each row is decided by the rules of the commands it stands for, so an import can do
//! nothing a person could not do by hand: a new organisation as `RegisterOrganisation`, a
//! merge as `UpdateOrganisation` (lists are joined, facts given replace facts held) and, for
//! a level, as a move on the network circle, which needs a reason once the organisation has
//! a level (an unplaced one is placed as at registration).

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::domain::commands::Command;
use crate::domain::decide::{invalid, required, NAME_LIMIT, TEXT_LIMIT};
use crate::domain::error::DomainError;
use crate::domain::events::DomainEvent;
use crate::domain::state::{Organisation, WorkspaceState};
use crate::domain::vocabulary::{AgeGroup, Level, Room, Sector};

/// The most rows one import may hold.
pub const IMPORT_ROW_LIMIT: usize = 2_000;

/// One organisation of an import: the fields of `RegisterOrganisation`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ImportedOrganisation {
    /// Its id if it is new (an organisation of the same name is merged and keeps its id).
    pub organisation_id: Uuid,
    /// Name; an organisation of this name (ignoring case) is merged.
    #[schemars(schema_with = "crate::domain::decide::required_name_schema")]
    pub name: String,
    /// Sector.
    pub sector: Sector,
    /// Kind.
    #[serde(default)]
    #[schemars(schema_with = "crate::domain::decide::optional_name_schema")]
    pub kind: String,
    /// Tags.
    #[serde(default)]
    #[schemars(schema_with = "crate::domain::decide::words_schema")]
    pub tags: Vec<String>,
    /// Topics.
    #[serde(default)]
    #[schemars(schema_with = "crate::domain::decide::words_schema")]
    pub topics: Vec<String>,
    /// Website.
    #[serde(default)]
    #[schemars(schema_with = "crate::domain::decide::required_name_or_null_schema")]
    pub website: Option<String>,
    /// Age groups.
    #[serde(default)]
    pub age_groups: Vec<AgeGroup>,
    /// Rooms.
    #[serde(default)]
    pub rooms: Vec<Room>,
    /// The level on the network circle, if any.
    #[serde(default)]
    pub level: Option<Level>,
    /// Why at that level (needed to move an organisation that has a level already).
    #[serde(default)]
    #[schemars(schema_with = "crate::domain::decide::optional_text_schema")]
    pub reason: String,
}

/// Why a row cannot be imported.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ImportProblem {
    /// The same name (ignoring case) is in an earlier row of the import.
    #[error("{name} is in the import already (row {first_row})")]
    DuplicateName {
        /// The name.
        name: String,
        /// The earlier row, counted from 1.
        first_row: usize,
    },
    /// The row would move an organisation on the network circle without saying why.
    #[error("{name} is at level {from}; moving it to {to} needs a reason (the reason column)")]
    LevelMoveNeedsReason {
        /// The organisation.
        name: String,
        /// Its level now.
        from: Level,
        /// The level of the row.
        to: Level,
    },
    /// A rule of the row's command refuses it.
    #[error("{0}")]
    Refused(DomainError),
}

impl ImportProblem {
    /// The stable code of the problem (a [`DomainError`]'s own code when a rule refuses it).
    pub fn code(&self) -> &'static str {
        match self {
            ImportProblem::DuplicateName { .. } => "duplicate_name",
            ImportProblem::LevelMoveNeedsReason { .. } => "level_move_needs_reason",
            ImportProblem::Refused(error) => error.code(),
        }
    }
}

/// What an import does with one row.
#[derive(Clone, Debug, PartialEq)]
pub enum RowPlan {
    /// A new organisation: its events.
    Created {
        /// The events.
        events: Vec<DomainEvent>,
    },
    /// Merged into the organisation of the same name: its events.
    Merged {
        /// The organisation merged into.
        organisation_id: Uuid,
        /// The events.
        events: Vec<DomainEvent>,
    },
    /// The organisation of the same name has everything the row says already.
    Unchanged {
        /// The organisation.
        organisation_id: Uuid,
    },
    /// Refused, and why.
    Rejected(ImportProblem),
}

/// What importing `rows` into `state` would do with each row, in their order: the rules of
/// [`decide_import`] without refusing the whole import.
pub fn plan(state: &WorkspaceState, rows: &[ImportedOrganisation]) -> Vec<RowPlan> {
    let mut names: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    let mut ids = std::collections::HashSet::new();
    rows.iter()
        .enumerate()
        .map(|(index, row)| {
            let key = name_key(&row.name);
            if !key.is_empty() {
                if let Some(first) = names.get(&key) {
                    return RowPlan::Rejected(ImportProblem::DuplicateName {
                        name: row.name.trim().to_owned(),
                        first_row: first + 1,
                    });
                }
                names.insert(key, index);
            }
            let planned = plan_row(state, row);
            if let RowPlan::Created { .. } = planned {
                if !ids.insert(row.organisation_id) {
                    return RowPlan::Rejected(ImportProblem::Refused(DomainError::AlreadyExists {
                        kind: "organisation",
                        id: row.organisation_id,
                    }));
                }
            }
            planned
        })
        .collect()
}

/// Decides `ImportOrganisations`: the events of every row, or the first row's refusal.
///
/// # Errors
/// [`DomainError::ImportRowRefused`] naming the first row that cannot be imported;
/// [`DomainError::NothingChanged`] when no row changes anything; [`DomainError::InvalidField`]
/// for an empty import or one over [`IMPORT_ROW_LIMIT`] rows.
pub(crate) fn decide_import(
    state: &WorkspaceState,
    rows: &[ImportedOrganisation],
) -> Result<Vec<DomainEvent>, DomainError> {
    if rows.is_empty() {
        return Err(invalid("rows", "an import needs at least one row"));
    }
    if rows.len() > IMPORT_ROW_LIMIT {
        return Err(invalid(
            "rows",
            format!(
                "{} rows; an import takes at most {IMPORT_ROW_LIMIT}",
                rows.len()
            ),
        ));
    }
    let mut events = Vec::new();
    for (index, (row, planned)) in rows.iter().zip(plan(state, rows)).enumerate() {
        match planned {
            RowPlan::Created { events: row_events }
            | RowPlan::Merged {
                events: row_events, ..
            } => {
                events.extend(row_events);
            }
            RowPlan::Unchanged { .. } => {}
            RowPlan::Rejected(problem) => {
                return Err(DomainError::ImportRowRefused {
                    row: index + 1,
                    name: row.name.trim().to_owned(),
                    problem: problem.code(),
                    reason: problem.to_string(),
                });
            }
        }
    }
    if events.is_empty() {
        return Err(DomainError::NothingChanged {
            what: "every organisation of the import is in the network database already, as the import says".into(),
        });
    }
    Ok(events)
}

/// A name as names are compared: trimmed, in lower case.
fn name_key(name: &str) -> String {
    name.trim().to_lowercase()
}

/// The organisation named `name` (ignoring case), the earliest registered if several are.
fn named<'a>(state: &'a WorkspaceState, name: &str) -> Option<(Uuid, &'a Organisation)> {
    let key = name_key(name);
    state
        .organisations
        .iter()
        .filter(|(_, organisation)| name_key(&organisation.name) == key)
        .min_by_key(|(id, organisation)| (organisation.registered_at, **id))
        .map(|(id, organisation)| (*id, &**organisation))
}

fn plan_row(state: &WorkspaceState, row: &ImportedOrganisation) -> RowPlan {
    let decided = match named(state, &row.name) {
        None => super::decide(state, &register(row)).map(|events| RowPlan::Created { events }),
        Some((organisation_id, existing)) => merge(state, organisation_id, existing, row),
    };
    decided.unwrap_or_else(|error| RowPlan::Rejected(ImportProblem::Refused(error)))
}

fn register(row: &ImportedOrganisation) -> Command {
    Command::RegisterOrganisation {
        organisation_id: row.organisation_id,
        name: row.name.clone(),
        sector: row.sector,
        kind: row.kind.clone(),
        tags: row.tags.clone(),
        topics: row.topics.clone(),
        website: row.website.clone(),
        age_groups: row.age_groups.clone(),
        rooms: row.rooms.clone(),
        level: row.level,
        reason: row.reason.clone(),
    }
}

/// `values` followed by those of `added` it lacks (words ignoring case), or `None` when it
/// lacks none.
fn joined<T: Clone>(values: &[T], added: &[T], same: impl Fn(&T, &T) -> bool) -> Option<Vec<T>> {
    let mut all = values.to_vec();
    for value in added {
        if !all.iter().any(|held| same(held, value)) {
            all.push(value.clone());
        }
    }
    (all.len() > values.len()).then_some(all)
}

fn same_word(first: &str, second: &str) -> bool {
    first.trim().to_lowercase() == second.trim().to_lowercase()
}

/// The events merging `row` into the organisation `existing`: an update of the facts it
/// adds or changes, and a move on the network circle to the row's level.
fn merge(
    state: &WorkspaceState,
    organisation_id: Uuid,
    existing: &Organisation,
    row: &ImportedOrganisation,
) -> Result<RowPlan, DomainError> {
    let kind = row.kind.trim();
    let website = row
        .website
        .as_deref()
        .map(str::trim)
        .filter(|url| !url.is_empty());
    let update = Command::UpdateOrganisation {
        organisation_id,
        name: None,
        sector: (row.sector != existing.sector).then_some(row.sector),
        kind: (!kind.is_empty() && kind != existing.kind).then(|| kind.to_owned()),
        tags: joined(&existing.tags, &row.tags, |a, b| same_word(a, b)),
        topics: joined(&existing.topics, &row.topics, |a, b| same_word(a, b)),
        website: website
            .filter(|url| existing.website.as_deref() != Some(*url))
            .map(str::to_owned),
        age_groups: joined(&existing.age_groups, &row.age_groups, PartialEq::eq),
        rooms: joined(&existing.rooms, &row.rooms, PartialEq::eq),
    };
    let mut events = match super::decide(state, &update) {
        Ok(events) => events,
        Err(DomainError::NothingChanged { .. }) => Vec::new(),
        Err(error) => return Err(error),
    };
    match (existing.level, row.level) {
        (_, None) => {}
        (Some(from), Some(to)) if from == to => {}
        (None, Some(to)) => events.push(DomainEvent::RelationLevelChanged {
            organisation_id,
            from: None,
            to: Some(to),
            reason: crate::domain::decide::optional("reason", &row.reason, TEXT_LIMIT)?,
            occurred_on: None,
        }),
        (Some(from), Some(to)) => {
            if row.reason.trim().is_empty() {
                return Ok(RowPlan::Rejected(ImportProblem::LevelMoveNeedsReason {
                    name: existing.name.clone(),
                    from,
                    to,
                }));
            }
            events.extend(super::decide(
                state,
                &Command::ChangeRelationLevel {
                    organisation_id,
                    to: Some(to),
                    reason: row.reason.clone(),
                    occurred_on: None,
                },
            )?);
        }
    }
    // The row's name must pass the rules even though a merge keeps the name held.
    required("name", &row.name, NAME_LIMIT)?;
    Ok(if events.is_empty() {
        RowPlan::Unchanged { organisation_id }
    } else {
        RowPlan::Merged {
            organisation_id,
            events,
        }
    })
}
