//! The assets list as the workspace's state holds it.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::domain::vocabulary::AssetCategory;

/// An item on the assets list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
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
