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
        DomainEvent::AssetContactSet {
            asset_id,
            contact_staff_id,
        } => {
            let title = before
                .assets
                .get(asset_id)
                .map(|asset| asset.title.as_str())
                .unwrap_or_default();
            match contact_staff_id.and_then(|id| before.staff.get(&id)) {
                Some(staff) => format!(
                    "{actor} made {} the contact for \"{title}\" on the assets list",
                    staff.name
                ),
                None => format!("{actor} left \"{title}\" on the assets list without a contact"),
            }
        }
        DomainEvent::AssetsShareLinkCreated { label, .. } => {
            format!("{actor} shared the assets list with a public link for \"{label}\"")
        }
        DomainEvent::AssetsShareLinkRevoked { link_id } => {
            let label = before
                .assets_share_links
                .get(link_id)
                .map(|link| link.label.as_str())
                .unwrap_or_default();
            format!("{actor} closed the public link to the assets list for \"{label}\"")
        }
        _ => other_area(event, actor),
    }
}
