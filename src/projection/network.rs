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

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::domain::state::{ContactHolder, Organisation, StaffMember, WorkspaceState};
use crate::domain::vocabulary::{AgeGroup, Level, Room, Sector};

/// Above this many nodes betweenness centrality is skipped: Brandes' algorithm costs
/// nodes x edges, which stops being interactive somewhere past a few thousand nodes.
pub const BETWEENNESS_NODE_LIMIT: usize = 3_000;

/// How many nodes the degree and betweenness rankings report.
pub const RANKING_LENGTH: usize = 10;

/// Rounds of label propagation before it stops even if labels still change (it can oscillate).
pub const LABEL_PROPAGATION_ROUNDS: usize = 50;

/// Which organisations the map shows. Every criterion that is set must hold; an empty filter
/// shows the whole network.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
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
}

impl NetworkFilter {
    /// Whether no criterion is set, so the whole network is shown.
    pub fn is_empty(&self) -> bool {
        *self == NetworkFilter::default()
    }

    /// Whether `organisation` passes every criterion that is set.
    pub fn selects(&self, organisation: &Organisation) -> bool {
        self.sector
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

/// What a node of the map stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
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
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
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
    /// The organisation's free tags.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    /// The colleague's team.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub team: Option<String>,
    /// The colleague's competences.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub competences: Vec<String>,
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
            tags: Vec::new(),
            team: None,
            competences: Vec::new(),
        }
    }
}

/// What an edge of the map says.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
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
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
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
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
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
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
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
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
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
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
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
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
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
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
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
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
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
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
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
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Community {
    /// Its number of nodes.
    pub size: usize,
    /// The labels of its nodes, sorted.
    pub members: Vec<String>,
}

/// Figures about the shape of the whole network.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NetworkMetrics {
    /// Nodes of the unfiltered map.
    pub node_count: usize,
    /// Edges of the unfiltered map, taken as undirected.
    pub edge_count: usize,
    /// Edges present as a share of the edges possible, 0 to 1, rounded to four decimals.
    pub density: f64,
    /// The best linked nodes, most neighbours first (at most [`RANKING_LENGTH`]).
    pub top_degree: Vec<NodeDegree>,
    /// The strongest bridges, highest first, only nodes above zero (at most
    /// [`RANKING_LENGTH`]); empty when skipped.
    pub top_betweenness: Vec<NodeBetweenness>,
    /// Whether betweenness was skipped because the map has more than
    /// [`BETWEENNESS_NODE_LIMIT`] nodes.
    pub betweenness_skipped: bool,
    /// Clusters, largest first.
    pub communities: Vec<Community>,
    /// Relations per level of the network circle.
    pub counts_per_level: LevelCounts,
}

/// The network map with its findings.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
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

/// The id of a team's node: derived from the workspace id and the team's name, so it is the
/// same in every view of the same workspace.
pub fn team_node_id(workspace_id: Uuid, team: &str) -> Uuid {
    Uuid::new_v5(&workspace_id, team.as_bytes())
}

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
    for (organisation_id, organisation) in &state.organisations {
        if !filter.selects(organisation) {
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

    for (organisation_id, organisation) in &state.organisations {
        if !filter.selects(organisation) {
            continue;
        }
        nodes.push(NetworkNode {
            sector: Some(organisation.sector),
            level: organisation.level,
            rooms: organisation.rooms.clone(),
            age_groups: organisation.age_groups.clone(),
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

    nodes.sort_by(|first, second| {
        (first.kind, &first.label, first.id).cmp(&(second.kind, &second.label, second.id))
    });
    edges.sort_by(|first, second| {
        (first.kind, first.source, first.target).cmp(&(second.kind, second.source, second.target))
    });
    (nodes, edges)
}

/// The map as an undirected graph: nodes in id order, each with its sorted neighbours.
struct UndirectedGraph<'view> {
    nodes: Vec<&'view NetworkNode>,
    neighbours: Vec<Vec<usize>>,
    edge_count: usize,
}

impl<'view> UndirectedGraph<'view> {
    fn new(nodes: &'view [NetworkNode], edges: &[NetworkEdge]) -> Self {
        let mut ordered: Vec<&NetworkNode> = nodes.iter().collect();
        ordered.sort_by_key(|node| node.id);
        ordered.dedup_by_key(|node| node.id);
        let index: BTreeMap<Uuid, usize> = ordered
            .iter()
            .enumerate()
            .map(|(position, node)| (node.id, position))
            .collect();
        let pairs: BTreeSet<(usize, usize)> = edges
            .iter()
            .filter_map(|edge| {
                let source = *index.get(&edge.source)?;
                let target = *index.get(&edge.target)?;
                (source != target).then(|| (source.min(target), source.max(target)))
            })
            .collect();
        let mut neighbours = vec![Vec::new(); ordered.len()];
        for (first, second) in &pairs {
            neighbours[*first].push(*second);
            neighbours[*second].push(*first);
        }
        for list in &mut neighbours {
            list.sort_unstable();
        }
        UndirectedGraph {
            nodes: ordered,
            neighbours,
            edge_count: pairs.len(),
        }
    }
}

fn graph_metrics(
    nodes: &[NetworkNode],
    edges: &[NetworkEdge],
    counts_per_level: LevelCounts,
) -> NetworkMetrics {
    let graph = UndirectedGraph::new(nodes, edges);
    let node_count = graph.nodes.len();
    let density = if node_count < 2 {
        0.0
    } else {
        2.0 * graph.edge_count as f64 / (node_count as f64 * (node_count as f64 - 1.0))
    };

    let mut top_degree: Vec<NodeDegree> = graph
        .nodes
        .iter()
        .zip(&graph.neighbours)
        .map(|(node, neighbours)| NodeDegree {
            id: node.id,
            kind: node.kind,
            label: node.label.clone(),
            degree: neighbours.len(),
        })
        .collect();
    top_degree.sort_by(|first, second| {
        second
            .degree
            .cmp(&first.degree)
            .then_with(|| first.label.cmp(&second.label))
            .then_with(|| first.id.cmp(&second.id))
    });
    top_degree.truncate(RANKING_LENGTH);

    let betweenness_skipped = node_count > BETWEENNESS_NODE_LIMIT;
    let mut top_betweenness = Vec::new();
    if !betweenness_skipped {
        top_betweenness = graph
            .nodes
            .iter()
            .zip(betweenness(&graph.neighbours))
            .map(|(node, value)| NodeBetweenness {
                id: node.id,
                kind: node.kind,
                label: node.label.clone(),
                betweenness: round_to_four_decimals(value),
            })
            .filter(|entry| entry.betweenness > 0.0)
            .collect();
        top_betweenness.sort_by(|first, second| {
            second
                .betweenness
                .total_cmp(&first.betweenness)
                .then_with(|| first.label.cmp(&second.label))
                .then_with(|| first.id.cmp(&second.id))
        });
        top_betweenness.truncate(RANKING_LENGTH);
    }

    // The library node touches every relation; left in, it would pull the whole network
    // into one community. Communities are found among colleagues, teams and partners.
    let is_library: Vec<bool> = graph
        .nodes
        .iter()
        .map(|node| node.kind == NodeKind::Library)
        .collect();
    let without_library: Vec<Vec<usize>> = graph
        .neighbours
        .iter()
        .enumerate()
        .map(|(node, adjacent)| {
            if is_library[node] {
                Vec::new()
            } else {
                adjacent
                    .iter()
                    .copied()
                    .filter(|neighbour| !is_library[*neighbour])
                    .collect()
            }
        })
        .collect();
    let labels = label_propagation(&without_library);
    let mut clusters: BTreeMap<usize, Vec<String>> = BTreeMap::new();
    for ((node, label), library) in graph.nodes.iter().zip(labels).zip(&is_library) {
        if !library {
            clusters.entry(label).or_default().push(node.label.clone());
        }
    }
    let mut communities: Vec<Community> = clusters
        .into_values()
        .map(|mut members| {
            members.sort();
            Community {
                size: members.len(),
                members,
            }
        })
        .collect();
    communities.sort_by(|first, second| {
        second
            .size
            .cmp(&first.size)
            .then_with(|| first.members.cmp(&second.members))
    });

    NetworkMetrics {
        node_count,
        edge_count: graph.edge_count,
        density: round_to_four_decimals(density),
        top_degree,
        top_betweenness,
        betweenness_skipped,
        communities,
        counts_per_level,
    }
}

/// Betweenness centrality of every node of an unweighted, undirected graph (Brandes 2001),
/// normalised to 0..1 by the number of pairs of other nodes.
fn betweenness(neighbours: &[Vec<usize>]) -> Vec<f64> {
    let node_count = neighbours.len();
    let mut centrality = vec![0.0_f64; node_count];
    if node_count < 3 {
        return centrality;
    }
    let mut visit_order = Vec::with_capacity(node_count);
    let mut predecessors: Vec<Vec<usize>> = vec![Vec::new(); node_count];
    let mut shortest_paths = vec![0.0_f64; node_count];
    let mut distance: Vec<Option<usize>> = vec![None; node_count];
    let mut dependency = vec![0.0_f64; node_count];
    let mut queue = VecDeque::new();

    for source in 0..node_count {
        visit_order.clear();
        predecessors.iter_mut().for_each(Vec::clear);
        shortest_paths.fill(0.0);
        distance.fill(None);
        dependency.fill(0.0);
        shortest_paths[source] = 1.0;
        distance[source] = Some(0);
        queue.push_back(source);

        while let Some(node) = queue.pop_front() {
            visit_order.push(node);
            let next_distance = distance[node].map_or(0, |steps| steps + 1);
            for &neighbour in &neighbours[node] {
                if distance[neighbour].is_none() {
                    distance[neighbour] = Some(next_distance);
                    queue.push_back(neighbour);
                }
                if distance[neighbour] == Some(next_distance) {
                    shortest_paths[neighbour] += shortest_paths[node];
                    predecessors[neighbour].push(node);
                }
            }
        }

        while let Some(node) = visit_order.pop() {
            for &predecessor in &predecessors[node] {
                dependency[predecessor] +=
                    shortest_paths[predecessor] / shortest_paths[node] * (1.0 + dependency[node]);
            }
            if node != source {
                centrality[node] += dependency[node];
            }
        }
    }

    // Every unordered pair was counted from both ends; halve, then divide by the
    // (n - 1)(n - 2) / 2 pairs of other nodes: together, divide by (n - 1)(n - 2).
    let scale = 1.0 / ((node_count - 1) as f64 * (node_count - 2) as f64);
    for value in &mut centrality {
        *value *= scale;
    }
    centrality
}

/// Community label of every node by label propagation: each node in index order takes the
/// label most common among its neighbours (ties: the smallest), until nothing changes or
/// [`LABEL_PROPAGATION_ROUNDS`] rounds have passed. Nodes start with their own index.
fn label_propagation(neighbours: &[Vec<usize>]) -> Vec<usize> {
    let mut labels: Vec<usize> = (0..neighbours.len()).collect();
    for _ in 0..LABEL_PROPAGATION_ROUNDS {
        let mut changed = false;
        for (node, adjacent) in neighbours.iter().enumerate() {
            let mut tally: BTreeMap<usize, usize> = BTreeMap::new();
            for &neighbour in adjacent {
                *tally.entry(labels[neighbour]).or_insert(0) += 1;
            }
            let mut best: Option<(usize, usize)> = None;
            for (label, count) in tally {
                if best.is_none_or(|(_, best_count)| count > best_count) {
                    best = Some((label, count));
                }
            }
            if let Some((label, _)) = best {
                if labels[node] != label {
                    labels[node] = label;
                    changed = true;
                }
            }
        }
        if !changed {
            break;
        }
    }
    labels
}

/// Rounds to four decimals, so floats serialize the same on every run.
fn round_to_four_decimals(value: f64) -> f64 {
    (value * 10_000.0).round() / 10_000.0
}

#[cfg(test)]
pub(crate) mod tests {
    use chrono::DateTime;

    use super::*;
    use crate::domain::events::DomainEvent;
    use crate::domain::state::EventContext;
    use crate::domain::vocabulary::{Goal, PartnershipForm};

    /// The test workspace's id: far above the small ids [`Log::new_id`] hands out.
    const WORKSPACE_ID: Uuid = Uuid::from_u128(0x5eed_0000_0000_0000_0000_0000_0000_0000);

    /// A workspace built by applying events, with ids handed out in increasing order.
    pub(crate) struct Log {
        pub(crate) state: WorkspaceState,
        next_id: u128,
    }

    impl Log {
        pub(crate) fn new(name: &str) -> Self {
            let mut log = Log {
                state: WorkspaceState::new(WORKSPACE_ID),
                next_id: 1,
            };
            log.apply(DomainEvent::WorkspaceCreated {
                name: name.to_owned(),
                description: String::new(),
            });
            log
        }

        pub(crate) fn apply(&mut self, event: DomainEvent) {
            let position = self.state.position + 1;
            let context = EventContext {
                position,
                actor: "coordinator".to_owned(),
                recorded_at: DateTime::from_timestamp(1_704_067_200 + position as i64 * 60, 0)
                    .unwrap(),
            };
            self.state.apply(&event, &context);
        }

        pub(crate) fn new_id(&mut self) -> Uuid {
            self.next_id += 1;
            Uuid::from_u128(self.next_id)
        }

        pub(crate) fn staff(&mut self, name: &str, team: &str) -> Uuid {
            let staff_id = self.new_id();
            self.apply(DomainEvent::StaffMemberAdded {
                staff_id,
                name: name.to_owned(),
                team: team.to_owned(),
                competences: vec!["events".to_owned()],
            });
            staff_id
        }

        pub(crate) fn organisation(
            &mut self,
            name: &str,
            sector: Sector,
            rooms: &[Room],
            age_groups: &[AgeGroup],
        ) -> Uuid {
            let organisation_id = self.new_id();
            self.apply(DomainEvent::OrganisationRegistered {
                organisation_id,
                name: name.to_owned(),
                sector,
                kind: "museum".to_owned(),
                tags: vec!["local".to_owned()],
                topics: Vec::new(),
                website: None,
                age_groups: age_groups.to_vec(),
                rooms: rooms.to_vec(),
            });
            organisation_id
        }

        pub(crate) fn move_to(&mut self, organisation_id: Uuid, to: Option<Level>) {
            let from = self.state.organisations[&organisation_id].level;
            self.apply(DomainEvent::RelationLevelChanged {
                organisation_id,
                from,
                to,
                reason: "it happened".to_owned(),
                occurred_on: None,
            });
        }

        pub(crate) fn hold(&mut self, organisation_id: Uuid, staff_id: Uuid, topics: &[&str]) {
            self.apply(DomainEvent::ContactHolderAssigned {
                organisation_id,
                staff_id,
                topics: topics.iter().map(|topic| (*topic).to_owned()).collect(),
            });
        }

        pub(crate) fn propose(
            &mut self,
            title: &str,
            partner_ids: &[Uuid],
            goals: &[Goal],
            rooms: &[Room],
            age_groups: &[AgeGroup],
        ) -> Uuid {
            let partnership_id = self.new_id();
            self.apply(DomainEvent::PartnershipProposed {
                partnership_id,
                title: title.to_owned(),
                partner_ids: partner_ids.to_vec(),
                purpose: "win-win".to_owned(),
                form: PartnershipForm::Frame,
                goals: goals.to_vec(),
                rooms: rooms.to_vec(),
                age_groups: age_groups.to_vec(),
                owner_id: None,
                priority: 0,
                tags: Vec::new(),
            });
            partnership_id
        }
    }

    struct Roskilde {
        log: Log,
        anna: Uuid,
        bo: Uuid,
        museum: Uuid,
        festival: Uuid,
        union: Uuid,
    }

    /// Anna (children's team) holds the museum and the festival; Bo (adults' team) holds the
    /// union and the festival.
    fn roskilde() -> Roskilde {
        let mut log = Log::new("Roskilde Bibliotekerne");
        let anna = log.staff("Anna", "Børn");
        let bo = log.staff("Bo", "Voksne");
        let museum = log.organisation(
            "Danmarks Rockmuseum",
            Sector::Public,
            &[Room::Inspiration],
            &[AgeGroup::Children],
        );
        let festival = log.organisation(
            "Roskilde Festival",
            Sector::Private,
            &[Room::Performative],
            &[AgeGroup::YoungAdults],
        );
        let union = log.organisation(
            "Local trade union",
            Sector::CivilSociety,
            &[Room::Learning],
            &[AgeGroup::Adults],
        );
        log.move_to(museum, Some(Level::Network));
        log.move_to(museum, Some(Level::Partnership));
        log.move_to(festival, Some(Level::Collaboration));
        log.move_to(union, Some(Level::Network));
        log.hold(museum, anna, &["exhibitions"]);
        log.hold(festival, anna, &["festival area"]);
        log.hold(festival, bo, &["volunteers"]);
        log.hold(union, bo, &["IT teaching"]);
        Roskilde {
            log,
            anna,
            bo,
            museum,
            festival,
            union,
        }
    }

    fn organisation_labels(view: &NetworkView) -> Vec<&str> {
        view.nodes
            .iter()
            .filter(|node| node.kind == NodeKind::Organisation)
            .map(|node| node.label.as_str())
            .collect()
    }

    fn staff_labels(view: &NetworkView) -> Vec<&str> {
        view.nodes
            .iter()
            .filter(|node| node.kind == NodeKind::Staff)
            .map(|node| node.label.as_str())
            .collect()
    }

    #[test]
    fn an_empty_filter_shows_the_library_teams_staff_and_every_organisation() {
        let roskilde = roskilde();
        let state = &roskilde.log.state;
        let view = network_view(state, &NetworkFilter::default());

        assert_eq!(view.nodes[0].kind, NodeKind::Library);
        assert_eq!(view.nodes[0].id, state.workspace_id);
        assert_eq!(view.nodes[0].label, "Roskilde Bibliotekerne");
        assert_eq!(view.nodes.len(), 1 + 2 + 2 + 3);
        let team = view
            .nodes
            .iter()
            .find(|node| node.kind == NodeKind::Team && node.label == "Børn")
            .unwrap();
        assert_eq!(
            team.id,
            Uuid::new_v5(&state.workspace_id, "Børn".as_bytes())
        );
        let museum = view
            .nodes
            .iter()
            .find(|node| node.id == roskilde.museum)
            .unwrap();
        assert_eq!(museum.sector, Some(Sector::Public));
        assert_eq!(museum.level, Some(Level::Partnership));
        assert_eq!(museum.rooms, vec![Room::Inspiration]);
        assert_eq!(museum.tags, vec!["local"]);
        let anna = view
            .nodes
            .iter()
            .find(|node| node.id == roskilde.anna)
            .unwrap();
        assert_eq!(anna.team.as_deref(), Some("Børn"));
        assert_eq!(anna.competences, vec!["events"]);

        let relation = view
            .edges
            .iter()
            .find(|edge| edge.kind == EdgeKind::Relation && edge.target == roskilde.museum)
            .unwrap();
        assert_eq!(relation.source, state.workspace_id);
        assert_eq!(relation.level, Some(Level::Partnership));
        let knows = view
            .edges
            .iter()
            .find(|edge| {
                edge.kind == EdgeKind::Knows
                    && edge.source == roskilde.bo
                    && edge.target == roskilde.union
            })
            .unwrap();
        assert_eq!(knows.topics, vec!["IT teaching"]);
        assert_eq!(
            view.edges
                .iter()
                .filter(|edge| edge.kind == EdgeKind::MemberOf)
                .count(),
            2
        );
        assert_eq!(view.edges.len(), 3 + 4 + 2);
    }

    #[test]
    fn filters_select_organisations_and_drop_what_does_not_touch_them() {
        let roskilde = roskilde();
        let state = &roskilde.log.state;

        let public = network_view(
            state,
            &NetworkFilter {
                sector: Some(Sector::Public),
                ..NetworkFilter::default()
            },
        );
        assert_eq!(organisation_labels(&public), vec!["Danmarks Rockmuseum"]);
        assert_eq!(staff_labels(&public), vec!["Anna"]);
        assert!(public
            .nodes
            .iter()
            .all(|node| node.kind != NodeKind::Team || node.label == "Børn"));
        assert_eq!(public.nodes[0].kind, NodeKind::Library, "the library stays");
        assert!(public
            .edges
            .iter()
            .all(|edge| edge.source != roskilde.bo && edge.target != roskilde.union));

        let by_level = network_view(
            state,
            &NetworkFilter {
                level: Some(Level::Collaboration),
                ..NetworkFilter::default()
            },
        );
        assert_eq!(organisation_labels(&by_level), vec!["Roskilde Festival"]);
        assert_eq!(staff_labels(&by_level), vec!["Anna", "Bo"]);

        let by_room = network_view(
            state,
            &NetworkFilter {
                room: Some(Room::Learning),
                ..NetworkFilter::default()
            },
        );
        assert_eq!(organisation_labels(&by_room), vec!["Local trade union"]);

        let by_age_group = network_view(
            state,
            &NetworkFilter {
                age_group: Some(AgeGroup::Children),
                ..NetworkFilter::default()
            },
        );
        assert_eq!(
            organisation_labels(&by_age_group),
            vec!["Danmarks Rockmuseum"]
        );

        let by_owner = network_view(
            state,
            &NetworkFilter {
                owner: Some(roskilde.bo),
                ..NetworkFilter::default()
            },
        );
        assert_eq!(
            organisation_labels(&by_owner),
            vec!["Local trade union", "Roskilde Festival"]
        );

        let nothing = network_view(
            state,
            &NetworkFilter {
                sector: Some(Sector::Public),
                level: Some(Level::Network),
                ..NetworkFilter::default()
            },
        );
        assert_eq!(nothing.nodes.len(), 1, "only the library is left");
        assert!(nothing.edges.is_empty());
        assert_eq!(
            nothing.metrics,
            network_metrics(state),
            "metrics cover the whole network"
        );
    }

    #[test]
    fn a_filter_reads_from_partial_json() {
        let filter: NetworkFilter = serde_json::from_str(r#"{"sector":"civil_society"}"#).unwrap();
        assert_eq!(filter.sector, Some(Sector::CivilSociety));
        assert!(!filter.is_empty());
        assert!(serde_json::from_str::<NetworkFilter>("{}")
            .unwrap()
            .is_empty());
    }

    #[test]
    fn who_knows_lists_active_holders_by_name() {
        let mut roskilde = roskilde();
        let carla = roskilde.log.staff("Carla", "Børn");
        let aage = roskilde.log.staff("Aage", "Voksne");
        roskilde.log.hold(roskilde.festival, carla, &["press"]);
        roskilde.log.hold(roskilde.festival, aage, &["bands"]);
        roskilde.log.apply(DomainEvent::StaffMemberLeft {
            staff_id: carla,
            reason: "new job".to_owned(),
        });

        let holders = who_knows(&roskilde.log.state, roskilde.festival);
        let names: Vec<&str> = holders.iter().map(|holder| holder.name.as_str()).collect();
        assert_eq!(names, vec!["Aage", "Anna", "Bo"]);
        assert_eq!(holders[1].staff_id, roskilde.anna);
        assert_eq!(holders[1].team, "Børn");
        assert_eq!(holders[1].topics, vec!["festival area"]);
        assert!(holders[0].since > holders[1].since);
        assert!(who_knows(&roskilde.log.state, Uuid::from_u128(999_999)).is_empty());
    }

    #[test]
    fn a_partner_only_one_colleague_knows_is_a_key_person_risk() {
        let mut roskilde = roskilde();
        let kunsthal = roskilde.log.organisation(
            "Museet for Samtidskunst",
            Sector::Public,
            &[Room::Inspiration],
            &[],
        );
        roskilde.log.move_to(kunsthal, Some(Level::Collaboration));
        let view = network_view(&roskilde.log.state, &NetworkFilter::default());

        // The museum (partnership) has one holder: flagged. The festival (collaboration) has
        // two: not flagged. The union has one holder but is only network: not flagged.
        assert_eq!(view.key_person_risks.len(), 1);
        let risk = &view.key_person_risks[0];
        assert_eq!(risk.organisation_id, roskilde.museum);
        assert_eq!(risk.level, Level::Partnership);
        assert_eq!(risk.staff_id, roskilde.anna);
        assert_eq!(risk.staff_name, "Anna");
        assert!(risk
            .message
            .starts_with("Only one colleague knows this partner"));

        assert_eq!(view.unheld_relations.len(), 1);
        assert_eq!(view.unheld_relations[0].organisation_id, kunsthal);
        assert_eq!(view.unheld_relations[0].level, Level::Collaboration);

        // When Anna leaves, the museum is held by nobody.
        roskilde.log.apply(DomainEvent::StaffMemberLeft {
            staff_id: roskilde.anna,
            reason: String::new(),
        });
        let view = network_view(&roskilde.log.state, &NetworkFilter::default());
        assert!(view
            .key_person_risks
            .iter()
            .all(|risk| risk.organisation_id != roskilde.museum));
        assert!(view
            .unheld_relations
            .iter()
            .any(|relation| relation.organisation_id == roskilde.museum));
        assert!(staff_labels(&view).iter().all(|name| *name != "Anna"));
    }

    #[test]
    fn two_colleagues_courting_the_same_partner_are_reported() {
        let mut roskilde = roskilde();
        let dorte = roskilde.log.staff("Dorte", "Voksne");
        let erik = roskilde.log.staff("Erik", "Voksne");
        // Same team, overlapping topic (spelled differently): a duplicate.
        roskilde
            .log
            .hold(roskilde.union, dorte, &["it teaching ", "courses"]);
        let eplehuset = roskilde.log.organisation(
            "Eplehuset",
            Sector::Private,
            &[Room::Learning],
            &[AgeGroup::Seniors],
        );
        // Same team, different topics: not a duplicate.
        roskilde.log.hold(eplehuset, dorte, &["iPads"]);
        roskilde.log.hold(eplehuset, erik, &["repairs"]);

        let view = network_view(&roskilde.log.state, &NetworkFilter::default());
        assert_eq!(view.duplicate_contacts.len(), 2);

        let union = &view.duplicate_contacts[0];
        assert_eq!(union.organisation_id, roskilde.union);
        assert_eq!(union.holders[0].staff_id, roskilde.bo);
        assert_eq!(union.holders[1].staff_id, dorte);
        assert_eq!(union.shared_topics, vec!["it teaching"]);
        assert!(!union.different_teams);
        assert!(
            union.message.contains("both talk with"),
            "{}",
            union.message
        );

        // The festival: Anna (Børn) and Bo (Voksne), no shared topic but different teams.
        let festival = &view.duplicate_contacts[1];
        assert_eq!(festival.organisation_id, roskilde.festival);
        let names: Vec<&str> = festival
            .holders
            .iter()
            .map(|holder| holder.name.as_str())
            .collect();
        assert_eq!(names, vec!["Anna", "Bo"]);
        assert!(festival.shared_topics.is_empty());
        assert!(festival.different_teams);
        assert!(festival.message.contains("different teams"));
    }

    #[test]
    fn the_middle_of_a_path_has_the_highest_betweenness() {
        // a - b - c
        let path = betweenness(&[vec![1], vec![0, 2], vec![1]]);
        assert_eq!(path, vec![0.0, 1.0, 0.0]);
        // A star: the centre bridges every pair of leaves.
        let star = betweenness(&[vec![1, 2, 3], vec![0], vec![0], vec![0]]);
        assert_eq!(star, vec![1.0, 0.0, 0.0, 0.0]);
        // A square: each node lies on one of two shortest paths between its two neighbours.
        let square = betweenness(&[vec![1, 3], vec![0, 2], vec![1, 3], vec![0, 2]]);
        for value in square {
            assert!((value - 1.0 / 6.0).abs() < 1e-12);
        }
    }

    #[test]
    fn the_colleague_between_team_and_partner_is_the_top_bridge() {
        // Team - Anna - Museum, and the library alone (no relation yet).
        let mut log = Log::new("Solrød Bibliotek");
        let anna = log.staff("Anna", "Børn");
        let museum = log.organisation("Museum", Sector::Public, &[], &[]);
        log.hold(museum, anna, &["art"]);

        let metrics = network_metrics(&log.state);
        assert_eq!(metrics.node_count, 4);
        assert_eq!(metrics.edge_count, 2);
        assert_eq!(metrics.density, round_to_four_decimals(2.0 * 2.0 / 12.0));
        assert!(!metrics.betweenness_skipped);
        assert_eq!(metrics.top_betweenness.len(), 1);
        assert_eq!(metrics.top_betweenness[0].id, anna);
        // Raw 1 pair (team, museum) of the 3 pairs of other nodes.
        assert_eq!(metrics.top_betweenness[0].betweenness, 0.3333);
        assert_eq!(metrics.top_degree[0].id, anna);
        assert_eq!(metrics.top_degree[0].degree, 2);
    }

    #[test]
    fn label_propagation_finds_two_separate_clusters() {
        let mut log = Log::new("Aarhus");
        let mut cluster = |team: &str, first: &str, second: &str, partners: [&str; 2]| {
            let staff = [log.staff(first, team), log.staff(second, team)];
            for partner in partners {
                let organisation = log.organisation(partner, Sector::CivilSociety, &[], &[]);
                // Every partner also relates to the library: the hub must not merge them.
                log.move_to(organisation, Some(Level::Collaboration));
                for staff_id in staff {
                    log.hold(organisation, staff_id, &["events"]);
                }
            }
        };
        cluster("Børn", "Anna", "Bo", ["Red Barnet Ungdom", "FOF Aarhus"]);
        cluster(
            "Digital",
            "Carl",
            "Dina",
            ["Århus Stiftstidende", "Aarhus Universitet"],
        );

        let metrics = network_metrics(&log.state);
        let sizes: Vec<usize> = metrics
            .communities
            .iter()
            .map(|community| community.size)
            .collect();
        assert_eq!(sizes, vec![5, 5], "{:?}", metrics.communities);
        assert_eq!(
            metrics.communities[1].members,
            vec!["Anna", "Bo", "Børn", "FOF Aarhus", "Red Barnet Ungdom"]
        );
        assert_eq!(
            metrics.communities[0].members,
            vec![
                "Aarhus Universitet",
                "Carl",
                "Digital",
                "Dina",
                "Århus Stiftstidende"
            ]
        );
        assert!(
            metrics
                .communities
                .iter()
                .all(|community| !community.members.contains(&"Aarhus".to_owned())),
            "the library node is no community member"
        );
    }

    #[test]
    fn relations_are_counted_per_level() {
        let roskilde = roskilde();
        let metrics = network_metrics(&roskilde.log.state);
        assert_eq!(
            metrics.counts_per_level,
            LevelCounts {
                network: 1,
                collaboration: 1,
                partnership: 1,
            }
        );
    }

    #[test]
    fn betweenness_is_skipped_for_very_large_networks() {
        let mut log = Log::new("Big city");
        for number in 0..BETWEENNESS_NODE_LIMIT {
            log.staff(&format!("Colleague {number}"), "");
        }
        let metrics = network_metrics(&log.state);
        assert_eq!(metrics.node_count, BETWEENNESS_NODE_LIMIT + 1);
        assert!(metrics.betweenness_skipped);
        assert!(metrics.top_betweenness.is_empty());
        assert_eq!(metrics.top_degree.len(), RANKING_LENGTH);
    }

    #[test]
    fn equal_states_give_identical_json() {
        let roskilde = roskilde();
        let copy = roskilde.log.state.clone();
        let filter = NetworkFilter::default();
        let first = serde_json::to_string(&network_view(&roskilde.log.state, &filter)).unwrap();
        let second = serde_json::to_string(&network_view(&copy, &filter)).unwrap();
        assert_eq!(first, second);
        let read_back: NetworkView = serde_json::from_str(&first).unwrap();
        assert_eq!(read_back, network_view(&copy, &filter));
    }
}
