//! How the events of the assets list fold into the workspace's state: pure and total, like
//! [`WorkspaceState::apply`](crate::domain::WorkspaceState::apply) that calls it.

use std::sync::Arc;

use crate::domain::events::DomainEvent;
use crate::domain::state::{entity_mut, Asset, AssetsShareLink, EventContext, WorkspaceState};

/// Folds one of the area's events into the state. [`WorkspaceState::apply`] hands only the
/// area's events here (by [`DomainEvent::area`]); any other changes nothing.
pub(crate) fn apply(state: &mut WorkspaceState, event: &DomainEvent, context: &EventContext) {
    match event {
        DomainEvent::AssetAdded {
            asset_id,
            category,
            title,
            description,
            contact_staff_id,
        } => {
            state.assets.insert(
                *asset_id,
                Arc::new(Asset {
                    category: *category,
                    title: title.clone(),
                    description: description.clone(),
                    contact_staff_id: *contact_staff_id,
                }),
            );
        }
        DomainEvent::AssetUpdated {
            asset_id,
            category,
            title,
            description,
        } => {
            if let Some(asset) = entity_mut(&mut state.assets, asset_id) {
                asset.category = *category;
                asset.title = title.clone();
                asset.description = description.clone();
            }
        }
        DomainEvent::AssetRemoved { asset_id, .. } => {
            state.assets.remove(asset_id);
        }
        DomainEvent::AssetContactSet {
            asset_id,
            contact_staff_id,
        } => {
            if let Some(asset) = entity_mut(&mut state.assets, asset_id) {
                asset.contact_staff_id = *contact_staff_id;
            }
        }
        DomainEvent::AssetsShareLinkCreated {
            link_id,
            label,
            secret_hash,
        } => {
            state.assets_share_links.insert(
                *link_id,
                AssetsShareLink {
                    label: label.clone(),
                    secret_hash: secret_hash.clone(),
                    created_by: context.actor.clone(),
                    created_at: context.recorded_at,
                    revoked: false,
                },
            );
        }
        DomainEvent::AssetsShareLinkRevoked { link_id } => {
            if let Some(link) = state.assets_share_links.get_mut(link_id) {
                link.revoked = true;
            }
        }
        _ => {}
    }
}
