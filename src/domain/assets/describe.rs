//! The events of the assets list in words for the timeline: what each sentence needs,
//! recorded with names as they were just before the event, and the sentence in Danish or
//! English.

use crate::domain::describe::{other_area, staff_name, EventName, Sentence, Words};
use crate::domain::events::DomainEvent;
use crate::domain::state::WorkspaceState;
use crate::domain::vocabulary::AssetCategory;

/// The area's event types in words: the type, Danish, English.
pub(crate) const EVENT_NAMES: &[EventName] = &[
    ("AssetAdded", "Aktiv tilføjet", "Asset added"),
    ("AssetUpdated", "Aktiv ændret", "Asset updated"),
    ("AssetRemoved", "Aktiv fjernet", "Asset removed"),
    ("AssetContactSet", "Aktivets kontakt", "Asset contact set"),
    (
        "AssetsShareLinkCreated",
        "Delingslink til aktiverne oprettet",
        "Assets share link created",
    ),
    (
        "AssetsShareLinkRevoked",
        "Delingslink til aktiverne lukket",
        "Assets share link revoked",
    ),
];

/// What one of the area's events' sentence needs, with names as they were just before it.
/// The top-level [`describe`](crate::domain::describe()) hands only the area's events here
/// (by [`DomainEvent::area`]).
pub(crate) fn describe(before: &WorkspaceState, event: &DomainEvent) -> Sentence {
    let asset_title = |asset_id| {
        before
            .assets
            .get(asset_id)
            .map(|asset| asset.title.as_str())
            .unwrap_or_default()
    };
    match event {
        DomainEvent::AssetAdded {
            title, category, ..
        } => Sentence::build(0).text(title).vocabulary(*category).done(),
        DomainEvent::AssetUpdated { title, .. } => Sentence::build(0).text(title).done(),
        DomainEvent::AssetRemoved { asset_id, reason } => Sentence::build(0)
            .text(asset_title(asset_id))
            .text(reason)
            .done(),
        DomainEvent::AssetContactSet {
            asset_id,
            contact_staff_id,
        } => match contact_staff_id
            .as_ref()
            .filter(|id| before.staff.contains_key(id))
        {
            Some(staff_id) => Sentence::build(0)
                .text(asset_title(asset_id))
                .name(staff_name(before, staff_id))
                .done(),
            None => Sentence::build(1).text(asset_title(asset_id)).done(),
        },
        DomainEvent::AssetsShareLinkCreated { label, .. } => Sentence::build(0).text(label).done(),
        DomainEvent::AssetsShareLinkRevoked { link_id } => Sentence::build(0)
            .text(
                before
                    .assets_share_links
                    .get(link_id)
                    .map(|link| link.label.as_str())
                    .unwrap_or_default(),
            )
            .done(),
        _ => other_area(),
    }
}

/// The sentence of one of the area's event types (`None` for another area's).
pub(crate) fn say(event_type: &str, variant: u8, words: &Words, actor: &str) -> Option<String> {
    let title = words.text(0);
    Some(match event_type {
        "AssetAdded" => {
            let category = words.vocabulary::<AssetCategory>(1);
            words.pick(
                || format!("{actor} added \"{title}\" ({category}) to the assets list"),
                || format!("{actor} føjede \"{title}\" ({category}) til listen over aktiver"),
            )
        }
        "AssetUpdated" => words.pick(
            || format!("{actor} rewrote the asset \"{title}\""),
            || format!("{actor} omskrev aktivet \"{title}\""),
        ),
        "AssetRemoved" => words.with_reason(
            words.pick(
                || format!("{actor} removed \"{title}\" from the assets list"),
                || format!("{actor} fjernede \"{title}\" fra listen over aktiver"),
            ),
            1,
        ),
        "AssetContactSet" if variant == 0 => {
            let staff = words.name(1);
            words.pick(
                || format!("{actor} made {staff} the contact for \"{title}\" on the assets list"),
                || {
                    format!(
                        "{actor} gjorde {staff} til kontakt for \"{title}\" på listen over aktiver"
                    )
                },
            )
        }
        "AssetContactSet" => words.pick(
            || format!("{actor} left \"{title}\" on the assets list without a contact"),
            || format!("{actor} lod \"{title}\" stå uden kontakt på listen over aktiver"),
        ),
        "AssetsShareLinkCreated" => words.pick(
            || format!("{actor} shared the assets list with a public link for \"{title}\""),
            || format!("{actor} delte listen over aktiver med et offentligt link til \"{title}\""),
        ),
        "AssetsShareLinkRevoked" => words.pick(
            || format!("{actor} closed the public link to the assets list for \"{title}\""),
            || {
                format!(
                    "{actor} lukkede det offentlige link til listen over aktiver for \"{title}\""
                )
            },
        ),
        _ => return None,
    })
}
