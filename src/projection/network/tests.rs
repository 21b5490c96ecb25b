//! Tests of the network map, and the event [`Log`] helper other projections' tests build
//! workspaces with.

use chrono::DateTime;

use super::*;
use crate::domain::events::DomainEvent;
use crate::domain::state::EventContext;
use crate::domain::vocabulary::{Goal, PartnershipForm, Phase};

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
            recorded_at: DateTime::from_timestamp(1_704_067_200 + position as i64 * 60, 0).unwrap(),
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

#[test]
fn each_node_carries_the_place_it_was_last_given_and_unplaced_nodes_none() {
    let mut log = Log::new("Roskilde");
    let anna = log.staff("Anna", "Børn");
    let museum = log.organisation("Museum", Sector::Public, &[], &[]);
    let festival = log.organisation("Festival", Sector::CivilSociety, &[], &[]);
    let team = team_node_id(WORKSPACE_ID, "Børn");
    for (node_id, x, y) in [
        (museum, 5, 6),
        (museum, -40, 12),
        (anna, 1, 2),
        (team, 3, 4),
    ] {
        log.apply(DomainEvent::NodePlaced { node_id, x, y });
    }

    let view = network_view(&log.state, &NetworkFilter::default());

    let place_of = |id: Uuid| {
        view.nodes
            .iter()
            .find(|node| node.id == id)
            .map(|node| node.place)
    };
    assert_eq!(place_of(museum), Some(Some(MapPlace { x: -40, y: 12 })));
    assert_eq!(place_of(anna), Some(Some(MapPlace { x: 1, y: 2 })));
    assert_eq!(place_of(team), Some(Some(MapPlace { x: 3, y: 4 })));
    assert_eq!(place_of(festival), Some(None));
    assert_eq!(place_of(WORKSPACE_ID), Some(None));
    let json = serde_json::to_value(&view.nodes).unwrap();
    let museum_json = json
        .as_array()
        .unwrap()
        .iter()
        .find(|node| node["id"] == museum.to_string())
        .unwrap();
    assert_eq!(museum_json["place"], serde_json::json!({"x": -40, "y": 12}));
}

#[test]
fn the_goal_filter_selects_the_partners_of_active_partnerships_serving_the_goal() {
    let mut roskilde = roskilde();
    roskilde.log.propose(
        "Festival library",
        &[roskilde.festival],
        &[Goal::Experience, Goal::Engagement],
        &[],
        &[],
    );
    roskilde.log.propose(
        "Rock school",
        &[roskilde.museum],
        &[Goal::Empowerment],
        &[],
        &[],
    );
    let ended = roskilde.log.propose(
        "Union course",
        &[roskilde.union],
        &[Goal::Engagement],
        &[],
        &[],
    );
    roskilde.log.apply(DomainEvent::PartnershipEnded {
        partnership_id: ended,
        from: Phase::Idea,
        reason: "no time this year".to_owned(),
        ended_on: None,
    });
    let state = &roskilde.log.state;

    let engagement = network_view(
        state,
        &NetworkFilter {
            goal: Some(Goal::Engagement),
            ..NetworkFilter::default()
        },
    );
    assert_eq!(
        organisation_labels(&engagement),
        vec!["Roskilde Festival"],
        "the union's partnership for engagement has ended"
    );

    let everything = network_view(state, &NetworkFilter::default());
    let goals_of = |label: &str| {
        everything
            .nodes
            .iter()
            .find(|node| node.label == label)
            .map(|node| node.goals.clone())
    };
    assert_eq!(
        goals_of("Roskilde Festival"),
        Some(vec![Goal::Experience, Goal::Engagement])
    );
    assert_eq!(
        goals_of("Danmarks Rockmuseum"),
        Some(vec![Goal::Empowerment])
    );
    assert_eq!(goals_of("Local trade union"), Some(vec![]));
}
