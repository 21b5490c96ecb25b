//! The events of the workspace in words for the timeline: what each sentence needs, recorded
//! with names as they were just before the event, and the sentence in Danish or English.

use crate::domain::describe::{other_area, EventName, Sentence, Words};
use crate::domain::events::DomainEvent;

/// The area's event types in words: the type, Danish, English.
pub(crate) const EVENT_NAMES: &[EventName] = &[(
    "WorkspaceCreated",
    "Arbejdsrum oprettet",
    "Workspace created",
)];

/// What one of the area's events' sentence needs. The top-level
/// [`describe`](crate::domain::describe()) hands only the area's events here (by
/// [`DomainEvent::area`]).
pub(crate) fn describe(event: &DomainEvent) -> Sentence {
    match event {
        DomainEvent::WorkspaceCreated { name, .. } => Sentence::build(0).text(name).done(),
        _ => other_area(),
    }
}

/// The sentence of one of the area's event types (`None` for another area's).
pub(crate) fn say(event_type: &str, _variant: u8, words: &Words, actor: &str) -> Option<String> {
    Some(match event_type {
        "WorkspaceCreated" => words.pick(
            || format!("{actor} created the workspace {}", words.text(0)),
            || format!("{actor} oprettede arbejdsrummet {}", words.text(0)),
        ),
        _ => return None,
    })
}
