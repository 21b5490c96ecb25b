//! The network map: who at the library knows which external party, about what, and at which
//! level of the network circle (netværkscirklen). It owns the graph of the library, its teams,
//! its colleagues and the organisations of the network database; the filters staff narrow it
//! with; the risks it exposes (a partner only one colleague knows, relations nobody holds, two
//! colleagues courting the same partner); and the graph metrics that show hubs, bridges and
//! clusters. The guide's network database exists for exactly these questions: avoid two staff
//! contacting the same partner, know which colleague to ask, see where network must be grown.
//!
//! Everything here is a pure function of a folded [`WorkspaceState`]. Output is deterministic:
//! lists are sorted, maps are `BTreeMap`s and floats are rounded to four decimals, so equal
//! states serialize to byte-identical JSON.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::domain::state::{ContactHolder, MapPlace, Organisation, StaffMember, WorkspaceState};
use crate::domain::vocabulary::{AgeGroup, Goal, Level, Room, Sector};

/// Above this many nodes betweenness centrality is skipped: Brandes' algorithm costs
/// nodes x edges, which stops being interactive somewhere past a few thousand nodes.
pub const BETWEENNESS_NODE_LIMIT: usize = 3_000;

/// How many nodes the degree and betweenness rankings report.
pub const RANKING_LENGTH: usize = 10;

/// Rounds of label propagation before it stops even if labels still change (it can oscillate).
pub const LABEL_PROPAGATION_ROUNDS: usize = 50;

/// Which organisations the map shows. Every criterion that is set must hold; an empty filter
/// shows the whole network.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default)]
pub struct NetworkFilter {
    /// Only organisations from this sector.
    pub sector: Option<Sector>,
    /// Only relations currently at this level of the network circle.
    pub level: Option<Level>,
    /// Only organisations that fit this room of the library model.
    pub room: Option<Room>,
    /// Only organisations that reach this age group.
    pub age_group: Option<AgeGroup>,
    /// Only organisations whose contact this colleague holds.
    pub owner: Option<Uuid>,
    /// Only organisations that are partners in an active partnership serving this goal of the
    /// library model.
    pub goal: Option<Goal>,
}

impl NetworkFilter {
    /// Whether no criterion is set, so the whole network is shown.
    pub fn is_empty(&self) -> bool {
        *self == NetworkFilter::default()
    }

    /// Whether `organisation` passes every criterion that is set; `goals` are the goals it
    /// serves (see [`goals_by_organisation`]).
    pub fn selects(&self, organisation: &Organisation, goals: Option<&BTreeSet<Goal>>) -> bool {
        self.goal
            .is_none_or(|goal| goals.is_some_and(|goals| goals.contains(&goal)))
            && self
                .sector
                .is_none_or(|sector| organisation.sector == sector)
            && self
                .level
                .is_none_or(|level| organisation.level == Some(level))
            && self
                .room
                .is_none_or(|room| organisation.rooms.contains(&room))
            && self
                .age_group
                .is_none_or(|age_group| organisation.age_groups.contains(&age_group))
            && self
                .owner
                .is_none_or(|owner| organisation.contact_holders.contains_key(&owner))
    }
}

/// The goals of the library model each organisation serves: those of the active partnerships
/// it is a partner in. The network view carries them on each organisation's node, and the
/// goal filter selects by them.
pub fn goals_by_organisation(state: &WorkspaceState) -> BTreeMap<Uuid, BTreeSet<Goal>> {
    let mut goals: BTreeMap<Uuid, BTreeSet<Goal>> = BTreeMap::new();
    for partnership in state.partnerships.values() {
        if !partnership.is_active() {
            continue;
        }
        for partner_id in &partnership.partner_ids {
            goals
                .entry(*partner_id)
                .or_default()
                .extend(partnership.goals.iter().copied());
        }
    }
    goals
}

/// What a node of the map stands for.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum NodeKind {
    /// The library itself (the workspace), the centre of the network circle.
    Library,
    /// A team of colleagues.
    Team,
    /// A colleague who has not left.
    Staff,
    /// An organisation of the network database.
    Organisation,
}

/// One node of the map. Which optional fields are present depends on [`NodeKind`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct NetworkNode {
    /// What it stands for.
    pub kind: NodeKind,
    /// The workspace id for the library, a name-based id (see [`team_node_id`]) for a team,
    /// the staff id for a colleague, the organisation id for an organisation.
    pub id: Uuid,
    /// The name shown on the map.
    pub label: String,
    /// The organisation's sector.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sector: Option<Sector>,
    /// The organisation's current level on the network circle (absent: no relation yet).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub level: Option<Level>,
    /// The rooms the organisation fits.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rooms: Vec<Room>,
    /// The age groups the organisation reaches.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub age_groups: Vec<AgeGroup>,
    /// The goals of the library model the organisation serves, through the active
    /// partnerships it is a partner in.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub goals: Vec<Goal>,
    /// The organisation's free tags.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    /// The colleague's team.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub team: Option<String>,
    /// The colleague's competences.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub competences: Vec<String>,
    /// Where someone placed the node on the map (`NodePlaced`), in map units; absent: the
    /// map lays it out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub place: Option<MapPlace>,
}

impl NetworkNode {
    fn bare(kind: NodeKind, id: Uuid, label: String) -> Self {
        NetworkNode {
            kind,
            id,
            label,
            sector: None,
            level: None,
            rooms: Vec::new(),
            age_groups: Vec::new(),
            goals: Vec::new(),
            tags: Vec::new(),
            team: None,
            competences: Vec::new(),
            place: None,
        }
    }
}

/// What an edge of the map says.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum EdgeKind {
    /// The library has a relation with an organisation, at a level of the network circle.
    Relation,
    /// A colleague holds the contact with an organisation, about some topics.
    Knows,
    /// A colleague belongs to a team.
    MemberOf,
}

/// One edge of the map, directed as it reads: library to organisation, colleague to
/// organisation, colleague to team.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct NetworkEdge {
    /// What it says.
    pub kind: EdgeKind,
    /// Where it starts.
    pub source: Uuid,
    /// Where it ends.
    pub target: Uuid,
    /// The relation's level (relation edges).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub level: Option<Level>,
    /// What the colleague talks with the organisation about (knows edges).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub topics: Vec<String>,
}

/// A relation beyond mere network that only one colleague holds: if they leave or fall ill,
/// the library loses its way in. The guide (KQED's lesson) asks for continuity of persons.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct KeyPersonRisk {
    /// The organisation.
    pub organisation_id: Uuid,
    /// Its name.
    pub organisation_name: String,
    /// The relation's level (collaboration or partnership).
    pub level: Level,
    /// The one colleague who holds the contact.
    pub staff_id: Uuid,
    /// Their name.
    pub staff_name: String,
    /// The risk in words.
    pub message: String,
}

/// A relation beyond mere network that no active colleague holds.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct UnheldRelation {
    /// The organisation.
    pub organisation_id: Uuid,
    /// Its name.
    pub organisation_name: String,
    /// The relation's level (collaboration or partnership).
    pub level: Level,
    /// The gap in words.
    pub message: String,
}

/// A colleague as named in a finding.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct StaffReference {
    /// Their id.
    pub staff_id: Uuid,
    /// Their name.
    pub name: String,
    /// Their team.
    pub team: String,
}

/// Two colleagues holding the contact with the same partner about the same things, or from
/// different teams: the double courting the network database is meant to prevent.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct DuplicateContact {
    /// The organisation.
    pub organisation_id: Uuid,
    /// Its name.
    pub organisation_name: String,
    /// The two colleagues, ordered by name.
    pub holders: Vec<StaffReference>,
    /// Topics both talk about (trimmed, lower case), sorted.
    pub shared_topics: Vec<String>,
    /// Whether the two are in different teams.
    pub different_teams: bool,
    /// The finding in words.
    pub message: String,
}

/// A colleague who holds the contact with an organisation: whom to ask about a partner.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ContactHolderView {
    /// Their id.
    pub staff_id: Uuid,
    /// Their name.
    pub name: String,
    /// Their team.
    pub team: String,
    /// What they talk with the organisation about.
    pub topics: Vec<String>,
    /// Since when they hold the contact.
    pub since: DateTime<Utc>,
}

/// How many relations sit at each level of the network circle.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema,
)]
pub struct LevelCounts {
    /// Relations at level network (netværk).
    pub network: usize,
    /// Relations at level collaboration (samarbejde).
    pub collaboration: usize,
    /// Relations at level partnership (partnerskab).
    pub partnership: usize,
}

impl LevelCounts {
    /// The current level of every organisation in the workspace, counted.
    pub fn of(state: &WorkspaceState) -> Self {
        let mut counts = LevelCounts::default();
        for level in state
            .organisations
            .values()
            .filter_map(|organisation| organisation.level)
        {
            counts.add(level);
        }
        counts
    }

    /// Counts one more relation at `level`.
    pub fn add(&mut self, level: Level) {
        *self.count_mut(level) += 1;
    }

    /// Counts one relation fewer at `level` (never below zero).
    pub fn remove(&mut self, level: Level) {
        let count = self.count_mut(level);
        *count = count.saturating_sub(1);
    }

    fn count_mut(&mut self, level: Level) -> &mut usize {
        match level {
            Level::Network => &mut self.network,
            Level::Collaboration => &mut self.collaboration,
            Level::Partnership => &mut self.partnership,
        }
    }
}

/// A node's degree: how many others it is directly linked with.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct NodeDegree {
    /// The node.
    pub id: Uuid,
    /// What it stands for.
    pub kind: NodeKind,
    /// Its name.
    pub label: String,
    /// Its number of neighbours.
    pub degree: usize,
}

/// A node's betweenness centrality: how much it bridges otherwise distant parts of the network.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct NodeBetweenness {
    /// The node.
    pub id: Uuid,
    /// What it stands for.
    pub kind: NodeKind,
    /// Its name.
    pub label: String,
    /// The share of shortest paths between other nodes that pass through it, 0 to 1,
    /// rounded to four decimals.
    pub betweenness: f64,
}

/// A cluster of the network found by label propagation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Community {
    /// Its number of nodes.
    pub size: usize,
    /// The labels of its nodes, sorted.
    pub members: Vec<String>,
}

/// Figures about the shape of the whole network.
// Its rankings and clusters are shared (`Arc`): the metrics after a move between levels differ
// from the last only in their counts per level, so they copy three pointers, not the lists (a
// small network keeps a point at every such move, see `projector::METRICS_WORK_PER_EVENT`).
// Not in the doc comment, which the API's schema publishes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct NetworkMetrics {
    /// Nodes of the unfiltered map.
    pub node_count: usize,
    /// Edges of the unfiltered map, taken as undirected.
    pub edge_count: usize,
    /// Edges present as a share of the edges possible, 0 to 1, rounded to four decimals.
    pub density: f64,
    /// The best linked nodes, most neighbours first (at most [`RANKING_LENGTH`]).
    pub top_degree: Arc<[NodeDegree]>,
    /// The strongest bridges, highest first, only nodes above zero (at most
    /// [`RANKING_LENGTH`]); empty when skipped.
    pub top_betweenness: Arc<[NodeBetweenness]>,
    /// Whether betweenness was skipped because the map has more than
    /// [`BETWEENNESS_NODE_LIMIT`] nodes.
    pub betweenness_skipped: bool,
    /// Clusters, largest first.
    pub communities: Arc<[Community]>,
    /// Relations per level of the network circle.
    pub counts_per_level: LevelCounts,
}

/// The network map with its findings.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct NetworkView {
    /// The library, then teams, colleagues and organisations, each sorted by label.
    pub nodes: Vec<NetworkNode>,
    /// Relations, contacts and team memberships, sorted by kind, source and target.
    pub edges: Vec<NetworkEdge>,
    /// Selected relations beyond network that exactly one colleague holds.
    pub key_person_risks: Vec<KeyPersonRisk>,
    /// Selected relations beyond network that no colleague holds.
    pub unheld_relations: Vec<UnheldRelation>,
    /// Pairs of colleagues courting the same selected partner.
    pub duplicate_contacts: Vec<DuplicateContact>,
    /// Metrics of the whole, unfiltered network, so the figures do not move with the filter.
    pub metrics: NetworkMetrics,
}

pub use crate::domain::state::team_node_id;

/// The network map of `state`, narrowed by `filter`.
///
/// The filter selects organisations; colleagues, teams and edges that do not touch a selected
/// organisation are dropped, and the library node always stays. With an empty filter every
/// colleague who has not left is shown, including those holding no contact yet. The risks and
/// duplicate contacts cover the selected organisations; the metrics cover the whole network.
pub fn network_view(state: &WorkspaceState, filter: &NetworkFilter) -> NetworkView {
    let (nodes, edges) = build_graph(state, filter);
    let metrics = if filter.is_empty() {
        graph_metrics(&nodes, &edges, LevelCounts::of(state))
    } else {
        network_metrics(state)
    };

    let mut key_person_risks = Vec::new();
    let mut unheld_relations = Vec::new();
    let mut duplicate_contacts = Vec::new();
    let goals = goals_by_organisation(state);
    for (organisation_id, organisation) in &state.organisations {
        if !filter.selects(organisation, goals.get(organisation_id)) {
            continue;
        }
        let holders = holders_of(state, organisation);
        if let Some(level @ (Level::Collaboration | Level::Partnership)) = organisation.level {
            match holders.as_slice() {
                [] => unheld_relations.push(UnheldRelation {
                    organisation_id: *organisation_id,
                    organisation_name: organisation.name.clone(),
                    level,
                    message: format!(
                        "No colleague holds the contact with {} ({})",
                        organisation.name, level
                    ),
                }),
                [only] => key_person_risks.push(KeyPersonRisk {
                    organisation_id: *organisation_id,
                    organisation_name: organisation.name.clone(),
                    level,
                    staff_id: only.staff_id,
                    staff_name: only.name.clone(),
                    message: format!(
                        "Only one colleague knows this partner: {} is the only contact with {} ({})",
                        only.name, organisation.name, level
                    ),
                }),
                _ => {}
            }
        }
        duplicate_contacts.extend(duplicates_among(*organisation_id, organisation, &holders));
    }
    key_person_risks.sort_by(|first, second| {
        (&first.organisation_name, first.organisation_id)
            .cmp(&(&second.organisation_name, second.organisation_id))
    });
    unheld_relations.sort_by(|first, second| {
        (&first.organisation_name, first.organisation_id)
            .cmp(&(&second.organisation_name, second.organisation_id))
    });
    duplicate_contacts.sort_by(|first, second| {
        (&first.organisation_name, first.organisation_id)
            .cmp(&(&second.organisation_name, second.organisation_id))
    });

    NetworkView {
        nodes,
        edges,
        key_person_risks,
        unheld_relations,
        duplicate_contacts,
        metrics,
    }
}

/// The colleagues who hold the contact with an organisation, sorted by name: whom to ask about
/// a partner. Empty if the organisation is unknown. Colleagues who left (or are unknown to the
/// workspace) are not listed.
pub fn who_knows(state: &WorkspaceState, organisation_id: Uuid) -> Vec<ContactHolderView> {
    match state.organisations.get(&organisation_id) {
        Some(organisation) => holders_of(state, organisation),
        None => Vec::new(),
    }
}

/// Metrics of the whole, unfiltered network map: counts, density, degree and betweenness
/// rankings, communities by label propagation, and relations per level.
///
/// The map is taken as an undirected graph. Betweenness follows Brandes' algorithm
/// (unweighted, normalised to 0..1) and is skipped above [`BETWEENNESS_NODE_LIMIT`] nodes.
/// Label propagation visits nodes in id order, breaks ties by the smallest label and stops
/// after [`LABEL_PROPAGATION_ROUNDS`] rounds at the latest, so the result is deterministic.
pub fn network_metrics(state: &WorkspaceState) -> NetworkMetrics {
    let (nodes, edges) = build_graph(state, &NetworkFilter::default());
    graph_metrics(&nodes, &edges, LevelCounts::of(state))
}

/// Active holders of an organisation's contact, sorted by name then id.
fn holders_of(state: &WorkspaceState, organisation: &Organisation) -> Vec<ContactHolderView> {
    let mut holders: Vec<ContactHolderView> = active_holders(state, organisation)
        .map(|(staff_id, member, holder)| ContactHolderView {
            staff_id,
            name: member.name.clone(),
            team: member.team.clone(),
            topics: holder.topics.clone(),
            since: holder.since,
        })
        .collect();
    holders.sort_by(|first, second| {
        (&first.name, first.staff_id).cmp(&(&second.name, second.staff_id))
    });
    holders
}

/// The contact holders of an organisation who are known colleagues and have not left.
fn active_holders<'state>(
    state: &'state WorkspaceState,
    organisation: &'state Organisation,
) -> impl Iterator<Item = (Uuid, &'state StaffMember, &'state ContactHolder)> + 'state {
    organisation
        .contact_holders
        .iter()
        .filter_map(|(staff_id, holder)| {
            let member = state.staff.get(staff_id)?;
            (!member.left).then_some((*staff_id, member, &**holder))
        })
}

/// Every pair of holders whose topics overlap or who sit in different teams.
fn duplicates_among(
    organisation_id: Uuid,
    organisation: &Organisation,
    holders: &[ContactHolderView],
) -> Vec<DuplicateContact> {
    let mut duplicates = Vec::new();
    for (index, first) in holders.iter().enumerate() {
        for second in &holders[index + 1..] {
            let shared_topics: Vec<String> = normalised_topics(&first.topics)
                .intersection(&normalised_topics(&second.topics))
                .cloned()
                .collect();
            let different_teams = first.team.trim() != second.team.trim();
            if shared_topics.is_empty() && !different_teams {
                continue;
            }
            let message = if shared_topics.is_empty() {
                format!(
                    "{} ({}) and {} ({}) hold the contact with {} from different teams",
                    first.name,
                    team_or_none(&first.team),
                    second.name,
                    team_or_none(&second.team),
                    organisation.name
                )
            } else {
                format!(
                    "{} and {} both talk with {} about {}",
                    first.name,
                    second.name,
                    organisation.name,
                    shared_topics.join(", ")
                )
            };
            duplicates.push(DuplicateContact {
                organisation_id,
                organisation_name: organisation.name.clone(),
                holders: vec![staff_reference(first), staff_reference(second)],
                shared_topics,
                different_teams,
                message,
            });
        }
    }
    duplicates
}

fn staff_reference(holder: &ContactHolderView) -> StaffReference {
    StaffReference {
        staff_id: holder.staff_id,
        name: holder.name.clone(),
        team: holder.team.clone(),
    }
}

fn team_or_none(team: &str) -> &str {
    if team.trim().is_empty() {
        "no team"
    } else {
        team
    }
}

/// Topics trimmed and in lower case, so "IT-undervisning" and "it-undervisning " match.
fn normalised_topics(topics: &[String]) -> BTreeSet<String> {
    topics
        .iter()
        .map(|topic| topic.trim().to_lowercase())
        .filter(|topic| !topic.is_empty())
        .collect()
}

/// The nodes and edges of the map narrowed by `filter`, sorted.
fn build_graph(
    state: &WorkspaceState,
    filter: &NetworkFilter,
) -> (Vec<NetworkNode>, Vec<NetworkEdge>) {
    let library_label = if state.name.trim().is_empty() {
        "the library".to_owned()
    } else {
        state.name.clone()
    };
    let mut nodes = vec![NetworkNode::bare(
        NodeKind::Library,
        state.workspace_id,
        library_label,
    )];
    let mut edges = Vec::new();

    let mut shown_staff: BTreeSet<Uuid> = if filter.is_empty() {
        state
            .staff
            .iter()
            .filter(|(_, member)| !member.left)
            .map(|(staff_id, _)| *staff_id)
            .collect()
    } else {
        BTreeSet::new()
    };

    let goals = goals_by_organisation(state);
    for (organisation_id, organisation) in &state.organisations {
        let organisation_goals = goals.get(organisation_id);
        if !filter.selects(organisation, organisation_goals) {
            continue;
        }
        nodes.push(NetworkNode {
            sector: Some(organisation.sector),
            level: organisation.level,
            rooms: organisation.rooms.clone(),
            age_groups: organisation.age_groups.clone(),
            goals: organisation_goals
                .map(|goals| goals.iter().copied().collect())
                .unwrap_or_default(),
            tags: organisation.tags.clone(),
            ..NetworkNode::bare(
                NodeKind::Organisation,
                *organisation_id,
                organisation.name.clone(),
            )
        });
        if let Some(level) = organisation.level {
            edges.push(NetworkEdge {
                kind: EdgeKind::Relation,
                source: state.workspace_id,
                target: *organisation_id,
                level: Some(level),
                topics: Vec::new(),
            });
        }
        for (staff_id, _, holder) in active_holders(state, organisation) {
            shown_staff.insert(staff_id);
            edges.push(NetworkEdge {
                kind: EdgeKind::Knows,
                source: staff_id,
                target: *organisation_id,
                level: None,
                topics: holder.topics.clone(),
            });
        }
    }

    let mut teams: BTreeMap<&str, Uuid> = BTreeMap::new();
    for staff_id in shown_staff {
        let Some(member) = state.staff.get(&staff_id) else {
            continue;
        };
        nodes.push(NetworkNode {
            team: Some(member.team.clone()),
            competences: member.competences.clone(),
            ..NetworkNode::bare(NodeKind::Staff, staff_id, member.name.clone())
        });
        if !member.team.trim().is_empty() {
            let team_id = *teams
                .entry(member.team.as_str())
                .or_insert_with(|| team_node_id(state.workspace_id, &member.team));
            edges.push(NetworkEdge {
                kind: EdgeKind::MemberOf,
                source: staff_id,
                target: team_id,
                level: None,
                topics: Vec::new(),
            });
        }
    }
    for (team, team_id) in teams {
        nodes.push(NetworkNode::bare(NodeKind::Team, team_id, team.to_owned()));
    }

    for node in &mut nodes {
        node.place = state.map_places.get(&node.id).copied();
    }
    nodes.sort_by(|first, second| {
        (first.kind, &first.label, first.id).cmp(&(second.kind, &second.label, second.id))
    });
    edges.sort_by(|first, second| {
        (first.kind, first.source, first.target).cmp(&(second.kind, second.source, second.target))
    });
    (nodes, edges)
}

mod graph;
use graph::graph_metrics;
#[cfg(test)]
use graph::{betweenness, round_to_four_decimals};

#[cfg(test)]
pub(crate) mod tests;
