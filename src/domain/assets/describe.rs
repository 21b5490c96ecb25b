//! The events of the assets list in words for the timeline, with names as they were just
//! before each event.

use crate::domain::describe::{other_area, with_reason};
use crate::domain::events::DomainEvent;
use crate::domain::state::WorkspaceState;

/// One of the area's events as a sentence, with names as they were just before it. The
/// top-level [`describe`](crate::domain::describe()) hands only the area's events here (by
/// [`DomainEvent::area`]).
pub(crate) fn describe(before: &WorkspaceState, event: &DomainEvent, actor: &str) -> String {
    match event {
        DomainEvent::AssetAdded {
            title, category, ..
        } => {
            format!("{actor} added \"{title}\" ({category}) to the assets list")
        }
        DomainEvent::AssetUpdated { title, .. } => format!("{actor} rewrote the asset \"{title}\""),
        DomainEvent::AssetRemoved { asset_id, reason } => {
            let title = before
                .assets
                .get(asset_id)
                .map(|asset| asset.title.clone())
                .unwrap_or_default();
            with_reason(
                format!("{actor} removed \"{title}\" from the assets list"),
                reason,
            )
        }
        _ => other_area(event, actor),
    }
}
