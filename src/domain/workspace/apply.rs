//! How the events of the workspace fold into the workspace's state: pure and total, like
//! [`WorkspaceState::apply`](crate::domain::WorkspaceState::apply) that calls it.

use crate::domain::events::DomainEvent;
use crate::domain::state::WorkspaceState;

/// Folds one of the area's events into the state. [`WorkspaceState::apply`] hands only the
/// area's events here (by [`DomainEvent::area`]); any other changes nothing.
pub(crate) fn apply(state: &mut WorkspaceState, event: &DomainEvent) {
    if let DomainEvent::WorkspaceCreated { name, description } = event {
        state.created = true;
        state.name = name.clone();
        state.description = description.clone();
    }
}
