//! The network map's files for scripts (`GET .../network.gexf`, `.graphml`,
//! `network/nodes.csv`, `network/relations.csv`): each parses as its format with the same
//! nodes and edges as the map view, in UTF-8 with the Danish letters intact, with its media
//! type, and the map's filters apply. Role checks are in `tests/access.rs` with every other
//! read route. Each test runs on sled and on PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a panic is how a test reports failure

mod common;

use std::collections::BTreeSet;

use common::{on_every_backend, Backend, TestServer};
use serde_json::{json, Value};
use uuid::Uuid;

/// Names with Danish letters and the characters CSV and XML must escape.
const BOERNEHUS: &str = "Æblerød Børnehus";
const KULTURHUS: &str = "Kulturhuset \"Ærø\", Å; & <Co>";

/// A small network: two organisations, a colleague who knows one of them about two topics.
async fn network(server: &TestServer) {
    let staff = Uuid::new_v4();
    let boernehus = Uuid::new_v4();
    for command in [
        json!({"type": "AddStaffMember", "staff_id": staff, "name": "Søren Østergård", "team": "Børn & unge"}),
        json!({"type": "RegisterOrganisation", "organisation_id": boernehus, "name": BOERNEHUS, "sector": "public", "level": "collaboration", "reason": "læsekreds", "age_groups": ["toddlers", "children"], "rooms": ["learning"], "tags": ["små børn"]}),
        json!({"type": "RegisterOrganisation", "organisation_id": Uuid::new_v4(), "name": KULTURHUS, "sector": "civil_society", "level": "network", "reason": "mødt"}),
        json!({"type": "AssignContactHolder", "organisation_id": boernehus, "staff_id": staff, "topics": ["højtlæsning", "sprog; leg"]}),
    ] {
        let (status, body) = server.command(&server.owner, command).await;
        assert_eq!(status, 200, "{body}");
    }
}

/// A file route's answer: status, media type and body.
async fn fetch(server: &TestServer, path: &str) -> (u16, String, String) {
    let response = server
        .http
        .get(server.url(&format!("/api/workspaces/{}{path}", server.workspace_id)))
        .bearer_auth(&server.owner)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let media_type = response
        .headers()
        .get("content-type")
        .map(|value| value.to_str().unwrap().to_owned())
        .unwrap_or_default();
    (status, media_type, response.text().await.unwrap())
}

async fn map_view(server: &TestServer, query: &str) -> Value {
    let (status, view) = server
        .get(
            &server.owner,
            &format!("/api/workspaces/{}/network{query}", server.workspace_id),
        )
        .await;
    assert_eq!(status, 200, "{view}");
    view
}

fn labels_of(view: &Value) -> BTreeSet<String> {
    view["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|node| node["label"].as_str().unwrap().to_owned())
        .collect()
}

/// The records of a CSV text (RFC 4180: quoted fields may hold separators, quotes and line
/// breaks), after its byte order mark.
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let text = text
        .strip_prefix('\u{feff}')
        .expect("a byte order mark first");
    let mut records = Vec::new();
    let mut record = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut characters = text.chars().peekable();
    while let Some(character) = characters.next() {
        match (quoted, character) {
            (true, '"') if characters.peek() == Some(&'"') => {
                characters.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, other) => field.push(other),
            (false, '"') => quoted = true,
            (false, ',') => record.push(std::mem::take(&mut field)),
            (false, '\r') => {}
            (false, '\n') => {
                record.push(std::mem::take(&mut field));
                records.push(std::mem::take(&mut record));
            }
            (false, other) => field.push(other),
        }
    }
    assert!(field.is_empty() && record.is_empty(), "the last line ends");
    records
}

async fn gexf_and_graphml_parse_with_the_map_views_nodes_and_edges(backend: Backend) {
    let server = TestServer::start_on(backend).await;
    network(&server).await;
    let view = map_view(&server, "").await;
    let node_count = view["nodes"].as_array().unwrap().len();
    let edge_count = view["edges"].as_array().unwrap().len();
    assert_eq!(node_count, 5, "library, team, colleague, two organisations");

    let (status, media_type, gexf) = fetch(&server, "/network.gexf").await;
    assert_eq!(status, 200, "{gexf}");
    assert_eq!(media_type, "application/gexf+xml; charset=utf-8");
    let document = roxmltree::Document::parse(&gexf).unwrap();
    let nodes: Vec<_> = document
        .descendants()
        .filter(|element| element.has_tag_name("node"))
        .collect();
    let edges = document
        .descendants()
        .filter(|element| element.has_tag_name("edge"))
        .count();
    assert_eq!((nodes.len(), edges), (node_count, edge_count));
    let gexf_labels: BTreeSet<String> = nodes
        .iter()
        .map(|node| node.attribute("label").unwrap().to_owned())
        .collect();
    assert_eq!(gexf_labels, labels_of(&view));
    let boernehus = nodes
        .iter()
        .find(|node| node.attribute("label") == Some(BOERNEHUS))
        .unwrap();
    let values: Vec<(&str, &str)> = boernehus
        .descendants()
        .filter(|element| element.has_tag_name("attvalue"))
        .map(|value| {
            (
                value.attribute("for").unwrap(),
                value.attribute("value").unwrap(),
            )
        })
        .collect();
    assert!(values.contains(&("level", "collaboration")), "{values:?}");
    assert!(
        values.contains(&("age_groups", "toddlers; children")),
        "{values:?}"
    );
    assert!(values.contains(&("tags", "små børn")), "{values:?}");

    let (status, media_type, graphml) = fetch(&server, "/network.graphml").await;
    assert_eq!(status, 200, "{graphml}");
    assert_eq!(media_type, "application/graphml+xml; charset=utf-8");
    let document = roxmltree::Document::parse(&graphml).unwrap();
    let count = |tag: &str| {
        document
            .descendants()
            .filter(|element| element.has_tag_name(tag))
            .count()
    };
    assert_eq!((count("node"), count("edge")), (node_count, edge_count));
    let graphml_labels: BTreeSet<String> = document
        .descendants()
        .filter(|element| element.attribute("key") == Some("n_label"))
        .map(|label| label.text().unwrap().to_owned())
        .collect();
    assert_eq!(graphml_labels, labels_of(&view));
    let topics: Vec<&str> = document
        .descendants()
        .filter(|element| element.attribute("key") == Some("e_topics"))
        .filter_map(|element| element.text())
        .collect();
    assert_eq!(topics, vec!["højtlæsning; sprog; leg"]);
    server.stop().await;
}

async fn csv_files_round_trip_the_danish_letters_and_separators(backend: Backend) {
    let server = TestServer::start_on(backend).await;
    network(&server).await;
    let view = map_view(&server, "").await;

    let (status, media_type, nodes) = fetch(&server, "/network/nodes.csv").await;
    assert_eq!(status, 200, "{nodes}");
    assert_eq!(media_type, "text/csv; charset=utf-8");
    let records = parse_csv(&nodes);
    assert_eq!(
        records[0],
        [
            "id",
            "label",
            "kind",
            "sector",
            "level",
            "rooms",
            "age_groups",
            "tags",
            "team"
        ]
    );
    assert_eq!(records.len() - 1, view["nodes"].as_array().unwrap().len());
    let labels: BTreeSet<String> = records[1..]
        .iter()
        .map(|record| record[1].clone())
        .collect();
    assert_eq!(labels, labels_of(&view));
    let kulturhus = records
        .iter()
        .find(|record| record[1] == KULTURHUS)
        .unwrap();
    assert_eq!(
        &kulturhus[2..5],
        ["organisation", "civil_society", "network"]
    );
    let colleague = records
        .iter()
        .find(|record| record[1] == "Søren Østergård")
        .unwrap();
    assert_eq!(colleague[8], "Børn & unge");

    let (status, _, relations) = fetch(&server, "/network/relations.csv").await;
    assert_eq!(status, 200, "{relations}");
    let records = parse_csv(&relations);
    assert_eq!(
        records[0],
        [
            "source",
            "source_label",
            "kind",
            "target",
            "target_label",
            "level",
            "topics"
        ]
    );
    assert_eq!(records.len() - 1, view["edges"].as_array().unwrap().len());
    let knows = records.iter().find(|record| record[2] == "knows").unwrap();
    assert_eq!(
        (knows[1].as_str(), knows[4].as_str(), knows[6].as_str()),
        ("Søren Østergård", BOERNEHUS, "højtlæsning; sprog; leg")
    );
    server.stop().await;
}

async fn the_exports_take_the_maps_filters(backend: Backend) {
    let server = TestServer::start_on(backend).await;
    network(&server).await;
    let view = map_view(&server, "?sector=civil_society").await;
    let (status, _, nodes) = fetch(&server, "/network/nodes.csv?sector=civil_society").await;
    assert_eq!(status, 200, "{nodes}");
    let labels: BTreeSet<String> = parse_csv(&nodes)[1..]
        .iter()
        .map(|record| record[1].clone())
        .collect();
    assert_eq!(labels, labels_of(&view));
    assert!(
        labels.contains(KULTURHUS) && !labels.contains(BOERNEHUS),
        "{labels:?}"
    );
    let (status, _, body) = fetch(&server, "/network.gexf?sector=cooperative").await;
    assert_eq!(status, 400, "{body}");
    server.stop().await;
}

on_every_backend!(
    gexf_and_graphml_parse_with_the_map_views_nodes_and_edges,
    csv_files_round_trip_the_danish_letters_and_separators,
    the_exports_take_the_maps_filters,
);
