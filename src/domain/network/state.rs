//! The network as the workspace's state holds it: focus areas, colleagues, organisations
//! with their contact holders, contact persons and level history, and the places on the map
//! that people gave its nodes (and how the map names its team nodes, which have no entity of
//! their own).

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::domain::events::PersonalField;
use crate::domain::state::ChunkedLog;
use crate::domain::vocabulary::{AgeGroup, Goal, Level, Room, Sector};

/// A strategic focus area on the library model.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct FocusArea {
    /// Its name.
    pub name: String,
    /// Its goal.
    pub goal: Goal,
    /// Its room.
    pub room: Room,
    /// What it means.
    pub description: String,
}

/// A colleague.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct StaffMember {
    /// Their name.
    pub name: String,
    /// Their team.
    pub team: String,
    /// Their competences.
    pub competences: Vec<String>,
    /// Whether they have left.
    pub left: bool,
}

/// One move on the network circle.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct LevelChange {
    /// Before.
    pub from: Option<Level>,
    /// After.
    pub to: Option<Level>,
    /// Why.
    pub reason: String,
    /// Who recorded it.
    pub actor: String,
    /// When it was recorded.
    #[serde(with = "crate::domain::moment")]
    #[schemars(with = "DateTime<Utc>")]
    pub recorded_at: DateTime<Utc>,
    /// When it happened, if stated.
    pub occurred_on: Option<NaiveDate>,
    /// The event's position.
    pub position: u64,
}

/// A colleague's contact with an organisation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ContactHolder {
    /// What they talk about.
    pub topics: Vec<String>,
    /// Since when.
    #[serde(with = "crate::domain::moment")]
    #[schemars(with = "DateTime<Utc>")]
    pub since: DateTime<Utc>,
}

/// A contact person at an organisation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ContactPerson {
    /// Their role.
    pub role: String,
    /// Name, email, phone: personal data, sealed with the person's key (the views that show
    /// it reveal it first, so the API documents what they show).
    #[schemars(with = "crate::privacy::ShownPersonalData")]
    pub personal: PersonalField,
    /// Whether the personal data was erased (its key destroyed).
    #[serde(default)]
    pub erased: bool,
}

/// An organisation in the network database and the library's relation with it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Organisation {
    /// Its name.
    pub name: String,
    /// Its sector.
    pub sector: Sector,
    /// Its kind.
    pub kind: String,
    /// Free tags (zone tags of a promoted note among them).
    pub tags: Vec<String>,
    /// What the library talks with it about.
    pub topics: Vec<String>,
    /// Its website.
    pub website: Option<String>,
    /// Age groups it reaches.
    pub age_groups: Vec<AgeGroup>,
    /// Rooms it fits.
    pub rooms: Vec<Room>,
    /// What it seeks from a partnership with the library, in the words heard (absent in
    /// states stored before it was recorded).
    #[serde(default)]
    pub seeks: Vec<String>,
    /// The current level on the network circle (none: no relation).
    pub level: Option<Level>,
    /// Every move on the network circle, oldest first.
    pub level_history: ChunkedLog<Arc<LevelChange>>,
    /// Colleagues holding the contact (each behind an `Arc`, so copying the organisation
    /// after a snapshot copies pointers, not topics).
    pub contact_holders: BTreeMap<Uuid, Arc<ContactHolder>>,
    /// Contact persons at the organisation.
    pub contact_persons: BTreeMap<Uuid, Arc<ContactPerson>>,
    /// Priority from a workshop note's votes, if it was promoted from one.
    pub priority: u32,
    /// When it was registered.
    #[serde(with = "crate::domain::moment")]
    #[schemars(with = "DateTime<Utc>")]
    pub registered_at: DateTime<Utc>,
}

/// Where a node of the network map was placed by hand, in map units.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct MapPlace {
    /// Horizontal.
    pub x: i32,
    /// Vertical.
    pub y: i32,
}

/// The largest distance from the origin, in map units, a node may be placed at on either axis.
pub const MAP_EXTENT: i32 = 1_000_000;

/// The id of a team's node on the map: derived from the workspace id and the team's name, so
/// it is the same in every view of the same workspace (teams are names on colleagues, not
/// entities with ids of their own).
pub fn team_node_id(workspace_id: Uuid, team: &str) -> Uuid {
    Uuid::new_v5(&workspace_id, team.as_bytes())
}
