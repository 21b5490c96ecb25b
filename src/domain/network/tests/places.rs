//! Given/when/then tests: places of the network map's nodes.

use crate::domain::describe::said;
use crate::domain::state::{team_node_id, MapPlace, MAP_EXTENT};
use crate::domain::testing::*;

fn place(node_id: Uuid, x: i32, y: i32) -> Command {
    Command::PlaceNode { node_id, x, y }
}

#[test]
fn every_kind_of_node_on_the_map_can_be_placed_and_the_state_remembers_where() {
    let state = given(&basics());
    let team = team_node_id(WORKSPACE, "Børn og unge");

    for (node_id, x) in [
        (WORKSPACE, 0),
        (FESTIVAL, 120),
        (STAFF_ANNA, -340),
        (team, 55),
    ] {
        let events = when(&state, place(node_id, x, -7), BO).unwrap();

        assert_eq!(events, vec![DomainEvent::NodePlaced { node_id, x, y: -7 }]);
        let after = then_state(state.clone(), &events, BO);
        assert_eq!(after.map_places[&node_id], MapPlace { x, y: -7 });
    }
}

#[test]
fn a_later_place_replaces_the_earlier_one() {
    let state = given(
        &[
            basics(),
            vec![DomainEvent::NodePlaced {
                node_id: FESTIVAL,
                x: 10,
                y: 20,
            }],
        ]
        .concat(),
    );

    let events = when(&state, place(FESTIVAL, 11, 20), ANNA).unwrap();

    let state = then_state(state, &events, ANNA);
    assert_eq!(state.map_places[&FESTIVAL], MapPlace { x: 11, y: 20 });
    assert_eq!(state.map_places.len(), 1);
}

#[test]
fn placing_a_node_where_it_is_changes_nothing() {
    let state = given(
        &[
            basics(),
            vec![DomainEvent::NodePlaced {
                node_id: FESTIVAL,
                x: 10,
                y: 20,
            }],
        ]
        .concat(),
    );

    let what = assert_nothing_changed(when(&state, place(FESTIVAL, 10, 20), ANNA));

    assert_eq!(what, "the node is at (10, 20) already");
}

#[test]
fn only_nodes_the_map_has_can_be_placed() {
    let state = given(&[basics(), vec![staff_left(STAFF_ANNA)]].concat());

    for node_id in [MUSEUM, STAFF_ANNA, team_node_id(WORKSPACE, "Børn og unge")] {
        let error = refused(when(&state, place(node_id, 1, 1), ANNA));

        assert_eq!(
            error,
            DomainError::Unknown {
                kind: "node of the network map",
                id: node_id,
            }
        );
        assert_eq!(error.code(), "unknown_entity");
    }
}

#[test]
fn a_place_beyond_the_map_extent_is_refused_with_the_limit_in_words() {
    let state = given(&basics());

    let reason = assert_invalid(when(&state, place(FESTIVAL, MAP_EXTENT + 1, 0), ANNA), "x");
    assert_eq!(
        reason,
        "a place on the map is at most 1000000 map units from the centre on each axis, not 1000001"
    );
    assert_invalid(when(&state, place(FESTIVAL, 0, -MAP_EXTENT - 1), ANNA), "y");
    assert!(when(&state, place(FESTIVAL, -MAP_EXTENT, MAP_EXTENT), ANNA).is_ok());
}

#[test]
fn a_placed_node_reads_in_the_timeline_by_its_name() {
    let state = given(&basics());
    let team = team_node_id(WORKSPACE, "Børn og unge");

    let sentences: Vec<String> = [WORKSPACE, FESTIVAL, STAFF_ANNA, team]
        .into_iter()
        .map(|node_id| {
            said(
                &state,
                &DomainEvent::NodePlaced {
                    node_id,
                    x: 1,
                    y: 2,
                },
                BO,
                crate::domain::describe::Language::English,
            )
        })
        .collect();

    assert_eq!(
        sentences,
        vec![
            "bo@roskilde moved Roskilde Bibliotekerne on the network map",
            "bo@roskilde moved Roskilde Festival on the network map",
            "bo@roskilde moved Anna Holm on the network map",
            "bo@roskilde moved the team Børn og unge on the network map",
        ]
    );
}
