//! The public assets page ("Vi kan – Vil du?"): what a potential partner who holds a share
//! link sees of a workspace, and nothing else. This is the one place that decides it: the
//! library's name, and per asset its category, title, description and the contact's name and
//! team. No ids, no other staff, no partners, boards, history or share links: the page is
//! read without a login, so it shows only what the library wrote to be shown.

use serde::Serialize;
use subtle::ConstantTimeEq;
use uuid::Uuid;

use crate::domain::vocabulary::AssetCategory;
use crate::domain::WorkspaceState;

/// The assets list as a potential partner sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct PublicAssets {
    /// The library's (the workspace's) name.
    pub library: String,
    /// What the library offers, by category (in the method's order) then title.
    pub assets: Vec<PublicAsset>,
}

/// One asset on the public page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct PublicAsset {
    /// Its category.
    pub category: AssetCategory,
    /// Its title.
    pub title: String,
    /// What exactly.
    pub description: String,
    /// Who to ask at the library, if the library named someone who has not left.
    pub contact: Option<PublicContact>,
}

/// The colleague to ask about an asset: their name and team, nothing more.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct PublicContact {
    /// Their name.
    pub name: String,
    /// Their team (their role at the library).
    pub team: String,
}

/// The public assets page of `state`.
pub fn public_assets(state: &WorkspaceState) -> PublicAssets {
    let mut assets: Vec<PublicAsset> = state
        .assets
        .values()
        .map(|asset| PublicAsset {
            category: asset.category,
            title: asset.title.clone(),
            description: asset.description.clone(),
            contact: asset
                .contact_staff_id
                .and_then(|id| state.staff.get(&id))
                .filter(|staff| !staff.left)
                .map(|staff| PublicContact {
                    name: staff.name.clone(),
                    team: staff.team.clone(),
                }),
        })
        .collect();
    assets.sort_by(|a, b| (a.category, &a.title).cmp(&(b.category, &b.title)));
    PublicAssets {
        library: state.name.clone(),
        assets,
    }
}

/// Why a share link opens no page. Each is one status and code in
/// [`ApiError`](crate::app_state::ApiError)'s one mapping.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ShareLinkProblem {
    /// No link of the library has this text (or it is not a share link at all).
    #[error("this link to the library's assets list is unknown: check that the whole link was copied, or ask the library for a new one")]
    Unknown,
    /// The library closed the link.
    #[error("the library has closed this link to its assets list: ask the library for a new one")]
    Revoked,
    /// Too many requests for one link (or for unknown links) in a moment.
    #[error("too many requests for this page just now: try again in a moment")]
    RateLimited,
}

/// The text a share link carries: `pha_<workspace id>_<link id>_<secret>`, ids in simple
/// form and the secret 64 hex digits (256 random bits).
pub fn share_link_text(workspace_id: Uuid, link_id: Uuid, secret: &str) -> String {
    format!(
        "pha_{}_{}_{secret}",
        workspace_id.simple(),
        link_id.simple()
    )
}

/// The workspace and link ids a share link's text names, and its secret; `None` when the
/// text is no share link.
pub fn parse_share_link(text: &str) -> Option<(Uuid, Uuid, &str)> {
    let mut parts = text.strip_prefix("pha_")?.splitn(3, '_');
    let workspace_id = Uuid::try_parse(parts.next()?).ok()?;
    let link_id = Uuid::try_parse(parts.next()?).ok()?;
    let secret = parts.next()?;
    Some((workspace_id, link_id, secret))
}

/// The public page `link_id` opens in `state`, if `secret_hash` (the hash of the presented
/// secret) is the link's, compared in constant time.
///
/// # Errors
/// [`ShareLinkProblem::Unknown`] for a link the workspace does not have or a wrong secret,
/// [`ShareLinkProblem::Revoked`] for a closed one (only when the secret is right, so a
/// guess learns nothing).
pub fn open_share_link(
    state: &WorkspaceState,
    link_id: Uuid,
    secret_hash: &str,
) -> Result<PublicAssets, ShareLinkProblem> {
    let link = state
        .assets_share_links
        .get(&link_id)
        .ok_or(ShareLinkProblem::Unknown)?;
    let matches: bool = link
        .secret_hash
        .as_bytes()
        .ct_eq(secret_hash.as_bytes())
        .into();
    if !matches {
        return Err(ShareLinkProblem::Unknown);
    }
    if link.revoked {
        return Err(ShareLinkProblem::Revoked);
    }
    Ok(public_assets(state))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::state::{Asset, AssetsShareLink, StaffMember};
    use std::sync::Arc;

    fn library() -> WorkspaceState {
        let mut state = WorkspaceState::new(Uuid::from_u128(1));
        state.name = "Roskilde Bibliotekerne".into();
        for (id, name, left) in [(10, "Anna Holm", false), (11, "Bo Berg", true)] {
            state.staff.insert(
                Uuid::from_u128(id),
                StaffMember {
                    name: name.into(),
                    team: "Børn og unge".into(),
                    competences: vec!["secret competence".into()],
                    left,
                },
            );
        }
        for (id, category, title, contact) in [
            (20, AssetCategory::DigitalResources, "eReolen", Some(11)),
            (21, AssetCategory::Facilities, "Salen", Some(10)),
        ] {
            state.assets.insert(
                Uuid::from_u128(id),
                Arc::new(Asset {
                    category,
                    title: title.into(),
                    description: "200 pladser".into(),
                    contact_staff_id: contact.map(Uuid::from_u128),
                }),
            );
        }
        state.assets_share_links.insert(
            Uuid::from_u128(30),
            AssetsShareLink {
                label: "Højskolen".into(),
                secret_hash: crate::accounts::service::hash_secret("right"),
                created_by: "anna@roskilde".into(),
                created_at: chrono::Utc::now(),
                revoked: false,
            },
        );
        state
    }

    #[test]
    fn the_page_shows_the_list_with_current_contacts_and_nothing_else() {
        let page = public_assets(&library());
        assert_eq!(page.library, "Roskilde Bibliotekerne");
        let titles: Vec<&str> = page.assets.iter().map(|a| a.title.as_str()).collect();
        assert_eq!(
            titles,
            ["Salen", "eReolen"],
            "by category in the method's order"
        );
        assert_eq!(
            page.assets[0].contact,
            Some(PublicContact {
                name: "Anna Holm".into(),
                team: "Børn og unge".into(),
            })
        );
        assert_eq!(
            page.assets[1].contact, None,
            "a colleague who left is not named"
        );
        let json = serde_json::to_string(&page).unwrap_or_default();
        for hidden in ["secret competence", "Højskolen", "anna@roskilde", "0000000"] {
            assert!(!json.contains(hidden), "{hidden} in {json}");
        }
    }

    #[test]
    fn a_link_opens_the_page_only_with_its_secret_and_while_open() {
        let mut state = library();
        let link = Uuid::from_u128(30);
        let right = crate::accounts::service::hash_secret("right");
        let wrong = crate::accounts::service::hash_secret("wrong");
        assert!(open_share_link(&state, link, &right).is_ok());
        assert_eq!(
            open_share_link(&state, link, &wrong),
            Err(ShareLinkProblem::Unknown)
        );
        assert_eq!(
            open_share_link(&state, Uuid::from_u128(31), &right),
            Err(ShareLinkProblem::Unknown)
        );
        if let Some(shared) = state.assets_share_links.get_mut(&link) {
            shared.revoked = true;
        }
        assert_eq!(
            open_share_link(&state, link, &right),
            Err(ShareLinkProblem::Revoked)
        );
        assert_eq!(
            open_share_link(&state, link, &wrong),
            Err(ShareLinkProblem::Unknown),
            "a wrong secret learns nothing, not even that the link was closed"
        );
    }

    #[test]
    fn a_link_text_names_its_workspace_and_link() {
        let (workspace, link) = (Uuid::from_u128(1), Uuid::from_u128(30));
        let text = share_link_text(workspace, link, "abc123");
        assert_eq!(parse_share_link(&text), Some((workspace, link, "abc123")));
        for broken in ["", "pha_", "ph_x_y_z", "pha_notauuid_x_y", &text[..20]] {
            assert_eq!(parse_share_link(broken), None, "{broken}");
        }
    }
}
