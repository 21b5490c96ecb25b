//! The rules of the assets list: each of its commands, decided against the workspace's state.

use crate::domain::area::Area;
use crate::domain::commands::Command;
use crate::domain::decide::{
    absent, active_staff, misrouted, optional, present, required, NAME_LIMIT, TEXT_LIMIT,
};
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
        Command::AddAsset {
            asset_id,
            category,
            title,
            description,
            contact_staff_id,
        } => {
            absent(state.assets.contains_key(asset_id), "asset", *asset_id)?;
            if let Some(staff_id) = contact_staff_id {
                active_staff(state, *staff_id)?;
            }
            Ok(vec![DomainEvent::AssetAdded {
                asset_id: *asset_id,
                category: *category,
                title: required("title", title, NAME_LIMIT)?,
                description: optional("description", description, TEXT_LIMIT)?,
                contact_staff_id: *contact_staff_id,
            }])
        }
        Command::UpdateAsset {
            asset_id,
            category,
            title,
            description,
        } => {
            present(state.assets.contains_key(asset_id), "asset", *asset_id)?;
            Ok(vec![DomainEvent::AssetUpdated {
                asset_id: *asset_id,
                category: *category,
                title: required("title", title, NAME_LIMIT)?,
                description: optional("description", description, TEXT_LIMIT)?,
            }])
        }
        Command::RemoveAsset { asset_id, reason } => {
            present(state.assets.contains_key(asset_id), "asset", *asset_id)?;
            Ok(vec![DomainEvent::AssetRemoved {
                asset_id: *asset_id,
                reason: optional("reason", reason, TEXT_LIMIT)?,
            }])
        }
        Command::SetAssetContact {
            asset_id,
            contact_staff_id,
        } => {
            present(state.assets.contains_key(asset_id), "asset", *asset_id)?;
            if let Some(staff_id) = contact_staff_id {
                active_staff(state, *staff_id)?;
            }
            Ok(vec![DomainEvent::AssetContactSet {
                asset_id: *asset_id,
                contact_staff_id: *contact_staff_id,
            }])
        }
        Command::CreateAssetsShareLink {
            link_id,
            label,
            secret_hash,
        } => {
            absent(
                state.assets_share_links.contains_key(link_id),
                "share link",
                *link_id,
            )?;
            if !is_secret_hash(secret_hash) {
                return Err(DomainError::InvalidField {
                    field: "secret_hash",
                    reason: "must be the 64 hex digits of a BLAKE3 hash".into(),
                });
            }
            Ok(vec![DomainEvent::AssetsShareLinkCreated {
                link_id: *link_id,
                label: required("label", label, NAME_LIMIT)?,
                secret_hash: secret_hash.clone(),
            }])
        }
        Command::RevokeAssetsShareLink { link_id } => match state.assets_share_links.get(link_id) {
            None => Err(DomainError::Unknown {
                kind: "share link",
                id: *link_id,
            }),
            Some(link) if link.revoked => Err(DomainError::NothingChanged {
                what: format!("the share link \"{}\" is revoked already", link.label),
            }),
            Some(_) => Ok(vec![DomainEvent::AssetsShareLinkRevoked {
                link_id: *link_id,
            }]),
        },
        _ => Err(misrouted(Area::Assets)),
    }
}

/// Whether `text` looks like a BLAKE3 hash in hex (64 lower-case hex digits): what a share
/// link keeps of its secret.
fn is_secret_hash(text: &str) -> bool {
    text.len() == 64
        && text
            .bytes()
            .all(|byte| byte.is_ascii_digit() || (b'a'..=b'f').contains(&byte))
}
