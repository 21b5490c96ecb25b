//! The assets list as the workspace's state holds it, and the share links that open it to
//! potential partners.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::domain::vocabulary::AssetCategory;

/// An item on the assets list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Asset {
    /// Category.
    pub category: AssetCategory,
    /// Title.
    pub title: String,
    /// What exactly.
    pub description: String,
    /// Who to ask.
    pub contact_staff_id: Option<Uuid>,
}

/// A share link that opens the assets list to potential partners, read-only and without a
/// login (`GET /api/public/assets/{token}`). Only the hash of its secret is kept, as with API
/// tokens: the link itself is shown once, to the owner who made it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct AssetsShareLink {
    /// Who or what it is for.
    pub label: String,
    /// BLAKE3 hash (hex) of its secret, compared in constant time.
    pub secret_hash: String,
    /// Who made it.
    pub created_by: String,
    /// When it was made.
    #[serde(with = "crate::domain::moment")]
    #[schemars(with = "DateTime<Utc>")]
    pub created_at: DateTime<Utc>,
    /// Whether an owner closed it (its page then answers 410).
    pub revoked: bool,
}
