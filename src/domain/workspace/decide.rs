//! The rules of the workspace: each of its commands, decided against the workspace's state.

use crate::domain::area::Area;
use crate::domain::commands::Command;
use crate::domain::decide::{misrouted, optional, required, NAME_LIMIT, TEXT_LIMIT};
use crate::domain::error::DomainError;
use crate::domain::events::DomainEvent;
use crate::domain::state::WorkspaceState;

/// Decides one of the area's commands against the workspace's state. The top-level
/// [`decide`](crate::domain::decide()) hands only the area's commands here (by
/// [`Command::area`]).
///
/// # Errors
/// The [`DomainError`] naming the rule the command breaks; a command of another area is
/// refused as [`misrouted`].
pub(crate) fn decide(
    state: &WorkspaceState,
    command: &Command,
) -> Result<Vec<DomainEvent>, DomainError> {
    match command {
        Command::CreateWorkspace { name, description } => {
            if state.created {
                return Err(DomainError::WorkspaceAlreadyCreated);
            }
            Ok(vec![DomainEvent::WorkspaceCreated {
                name: required("name", name, NAME_LIMIT)?,
                description: optional("description", description, TEXT_LIMIT)?,
            }])
        }
        _ => Err(misrouted(Area::Workspace)),
    }
}
