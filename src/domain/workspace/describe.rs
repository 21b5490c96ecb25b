//! The events of the workspace in words for the timeline, with names as they were just
//! before each event.

use crate::domain::describe::other_area;
use crate::domain::events::DomainEvent;

/// One of the area's events as a sentence, with names as they were just before it. The
/// top-level [`describe`](crate::domain::describe()) hands only the area's events here (by
/// [`DomainEvent::area`]).
pub(crate) fn describe(event: &DomainEvent, actor: &str) -> String {
    match event {
        DomainEvent::WorkspaceCreated { name, .. } => {
            format!("{actor} created the workspace {name}")
        }
        _ => other_area(event, actor),
    }
}
