//! The fixture the browser app's unit tests apply events with (`web/src/store/networkEvents.test.ts`):
//! a history of network events as the websocket hands them over, and the network view the
//! server makes after each of them. The app applies a colleague's change to the map it holds
//! instead of loading the view again; its test checks that applying the events gives the view
//! a reload would give. This test keeps the fixture true to the server: it fails when the
//! checked-in file differs from what the projection makes now (regenerate with
//! `PARTNERHUB_WRITE_FIXTURE=1 cargo test --test network_events_fixture`).
#![allow(clippy::unwrap_used, clippy::expect_used)] // a panic is how a test reports failure

use std::path::PathBuf;

use chrono::{TimeZone, Utc};
use partnerhub::domain::state::{EventContext, WorkspaceState};
use partnerhub::domain::DomainEvent;
use partnerhub::projection::network::{network_view, NetworkFilter};
use serde_json::{json, Value};
use uuid::Uuid;

fn fixture_path() -> PathBuf {
    PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/web/src/store/fixtures/network-events.json"
    ))
}

fn id(n: u8) -> String {
    Uuid::from_bytes([n; 16]).to_string()
}

/// Everything the map is built from, in an order that exercises replacing and removing:
/// colleagues in teams, organisations registered, moved along the network circle and ended,
/// contacts held and given up, a colleague changing team (one team emptied) and leaving,
/// nodes placed, an organisation renamed and registered again.
fn history() -> Vec<Value> {
    let (anna, mads, sofie, ida, kim) = (id(0x11), id(0x12), id(0x13), id(0x14), id(0x15));
    let (festival, museum, shop, union) = (id(0x21), id(0x22), id(0x23), id(0x24));
    let organisation =
        |organisation_id: &str, name: &str, sector: &str, rooms: Value, age_groups: Value| {
            json!({"event_type": "OrganisationRegistered", "payload": {
            "organisation_id": organisation_id, "name": name, "sector": sector, "kind": "",
            "tags": [], "topics": [], "website": null, "age_groups": age_groups, "rooms": rooms}})
        };
    let level = |organisation_id: &str, from: Value, to: Value| {
        json!({"event_type": "RelationLevelChanged", "payload": {
            "organisation_id": organisation_id, "from": from, "to": to, "reason": "fixture"}})
    };
    let holds = |organisation_id: &str, staff_id: &str, topics: Value| {
        json!({"event_type": "ContactHolderAssigned", "payload": {
            "organisation_id": organisation_id, "staff_id": staff_id, "topics": topics}})
    };
    vec![
        json!({"event_type": "WorkspaceCreated", "payload": {"name": "Roskilde Bibliotekerne", "description": ""}}),
        json!({"event_type": "StaffMemberAdded", "payload": {"staff_id": anna, "name": "Anna", "team": "Børn og unge", "competences": ["gaming"]}}),
        json!({"event_type": "StaffMemberAdded", "payload": {"staff_id": mads, "name": "Mads", "team": "Voksne", "competences": []}}),
        json!({"event_type": "StaffMemberAdded", "payload": {"staff_id": sofie, "name": "Sofie", "team": "Voksne", "competences": []}}),
        // The start the app loads; what follows are the events it applies.
        organisation(
            &festival,
            "Roskilde Festival",
            "civil_society",
            json!(["performative"]),
            json!(["teenagers"]),
        ),
        level(&festival, Value::Null, json!("network")),
        holds(&festival, &mads, json!(["Music"])),
        holds(&festival, &anna, json!(["music", "gaming tent"])),
        organisation(
            &museum,
            "Ragnarock",
            "public",
            json!([]),
            json!(["children"]),
        ),
        level(&museum, Value::Null, json!("collaboration")),
        holds(&museum, &mads, json!([])),
        level(&festival, json!("network"), json!("partnership")),
        organisation(
            &shop,
            "Æblehuset",
            "private",
            json!(["learning"]),
            json!([]),
        ),
        level(&shop, Value::Null, json!("network")),
        holds(&shop, &sofie, json!(["iPads"])),
        json!({"event_type": "NodePlaced", "payload": {"node_id": festival, "x": 120, "y": -40}}),
        json!({"event_type": "NodePlaced", "payload": {"node_id": anna, "x": -80, "y": 15}}),
        json!({"event_type": "OrganisationUpdated", "payload": {"organisation_id": shop, "name": "Eplehuset", "rooms": ["learning", "meeting"], "tags": ["it"]}}),
        json!({"event_type": "ContactHolderRemoved", "payload": {"organisation_id": festival, "staff_id": anna}}),
        // Anna's team stays, Sofie moves to it and the team "Voksne" keeps Mads.
        json!({"event_type": "StaffMemberUpdated", "payload": {"staff_id": sofie, "team": "Børn og unge", "competences": ["it"]}}),
        // Anna leaves: her node, her contacts and (with Sofie still there) not her team.
        json!({"event_type": "StaffMemberLeft", "payload": {"staff_id": anna, "reason": "new job"}}),
        level(&museum, json!("collaboration"), Value::Null),
        organisation(
            &union,
            "Fagbevægelsen; Roskilde",
            "civil_society",
            json!([]),
            json!([]),
        ),
        // Registered again: a fresh organisation (no level, no holders), its place kept.
        organisation(
            &festival,
            "Roskilde Festival",
            "civil_society",
            json!([]),
            json!(["young_adults"]),
        ),
        // Mads leaves: the team "Voksne" is nobody's any more.
        json!({"event_type": "StaffMemberLeft", "payload": {"staff_id": mads, "reason": ""}}),
        json!({"event_type": "NodePlaced", "payload": {"node_id": union, "x": 3, "y": 4}}),
        // Findings: two in one team talking about the same thing, then a key person, renamed,
        // then two from different teams (one in none).
        json!({"event_type": "StaffMemberAdded", "payload": {"staff_id": ida, "name": "Ida", "team": "Børn og unge", "competences": []}}),
        holds(&shop, &ida, json!(["ipads ", "læsning"])),
        level(&shop, json!("network"), json!("partnership")),
        json!({"event_type": "ContactHolderRemoved", "payload": {"organisation_id": shop, "staff_id": sofie}}),
        json!({"event_type": "OrganisationUpdated", "payload": {"organisation_id": shop, "name": "Eplehuset Roskilde"}}),
        json!({"event_type": "StaffMemberAdded", "payload": {"staff_id": kim, "name": "Kim", "team": "", "competences": []}}),
        holds(&shop, &kim, json!([])),
    ]
}

/// The events before the app loads its view.
const LOADED_AFTER: usize = 4;

fn make_fixture() -> Value {
    let workspace_id = Uuid::from_bytes([0x01; 16]);
    let mut state = WorkspaceState::new(workspace_id);
    let mut steps = Vec::new();
    let mut start = Value::Null;
    for (index, raw) in history().into_iter().enumerate() {
        let event: DomainEvent = serde_json::from_value(raw).expect("a domain event");
        let context = EventContext {
            position: index as u64 + 1,
            actor: "fixture".to_owned(),
            recorded_at: Utc.with_ymd_and_hms(2026, 12, 1, 9, 0, 0).unwrap(),
        };
        state.apply(&event, &context);
        let view = view_of(&state);
        if index + 1 == LOADED_AFTER {
            start = view;
        } else if index + 1 > LOADED_AFTER {
            steps.push(json!({"event": event, "view": view}));
        }
    }
    json!({
        "comment": "Made by tests/network_events_fixture.rs; do not edit.",
        "workspace_id": workspace_id,
        "start": start,
        "steps": steps,
    })
}

/// The map's part of the view: what the app draws and flags from events (nodes, edges and
/// the findings; the metrics the map computes itself).
fn view_of(state: &WorkspaceState) -> Value {
    let view = json!(network_view(state, &NetworkFilter::default()));
    json!({
        "nodes": view["nodes"],
        "edges": view["edges"],
        "key_person_risks": view["key_person_risks"],
        "duplicate_contacts": view["duplicate_contacts"],
    })
}

#[test]
fn the_apps_event_fixture_is_what_the_server_makes() {
    let content = format!(
        "{}\n",
        serde_json::to_string_pretty(&make_fixture()).expect("json")
    );
    let path = fixture_path();
    if std::env::var_os("PARTNERHUB_WRITE_FIXTURE").is_some() {
        std::fs::create_dir_all(path.parent().expect("a folder")).expect("folder made");
        std::fs::write(&path, &content).expect("fixture written");
    }
    assert!(
        std::fs::read_to_string(&path).ok().as_deref() == Some(content.as_str()),
        "web/src/store/fixtures/network-events.json differs from the projection; regenerate with \
         PARTNERHUB_WRITE_FIXTURE=1 cargo test --test network_events_fixture"
    );
}
