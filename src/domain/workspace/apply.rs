//! How the events of the workspace fold into the workspace's state: pure and total, like
//! [`WorkspaceState::apply`](crate::domain::WorkspaceState::apply) that calls it.

use crate::domain::events::DomainEvent;
use crate::domain::state::WorkspaceState;

/// Folds one of the area's events into the state.
pub(crate) fn apply(state: &mut WorkspaceState, event: &DomainEvent) {
    match event {
        DomainEvent::WorkspaceCreated { name, description } => {
            state.created = true;
            state.name = name.clone();
            state.description = description.clone();
        }
        _ => {}
    }
}
