//! Workspaces are addressable by a readable slug as well as by their id: unique, derived from
//! the name with the Danish letters spelt out, listed with the workspaces, and accepted by
//! every route with a workspace in its path, with the same role checks and the same answer
//! for a workspace one may not see as for one that does not exist. Each test runs on sled
//! and on PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a panic is how a test reports failure

mod common;

use common::{on_every_backend, Backend, TestServer};
use serde_json::{json, Value};
use uuid::Uuid;

async fn create(server: &TestServer, name: &str) -> Uuid {
    let (status, body) = server
        .post(&server.owner, "/api/workspaces", json!({ "name": name }))
        .await;
    assert_eq!(status, 201, "{body}");
    body["workspace_id"].as_str().unwrap().parse().unwrap()
}

fn slug_in(list: &Value, workspace_id: Uuid) -> String {
    list.as_array()
        .unwrap()
        .iter()
        .find(|entry| entry["workspace_id"] == workspace_id.to_string())
        .map(|entry| entry["slug"].as_str().unwrap().to_owned())
        .unwrap()
}

async fn workspaces_are_listed_with_unique_slugs_from_their_names(backend: Backend) {
    let server = TestServer::start_on(backend).await;
    let aeroe = create(&server, "Ærø Bibliotek & Kulturhus").await;
    let again = create(&server, "ÆRØ bibliotek – kulturhus").await;
    let (status, list) = server.get(&server.owner, "/api/workspaces").await;
    assert_eq!(status, 200, "{list}");
    assert_eq!(slug_in(&list, server.workspace_id), "roskilde");
    assert_eq!(slug_in(&list, aeroe), "aeroe-bibliotek-kulturhus");
    assert_eq!(slug_in(&list, again), "aeroe-bibliotek-kulturhus-2");
    let (status, summary) = server
        .get(&server.owner, "/api/workspaces/aeroe-bibliotek-kulturhus-2")
        .await;
    assert_eq!(status, 200, "{summary}");
    assert_eq!(summary["workspace_id"], again.to_string());
    assert_eq!(summary["slug"], "aeroe-bibliotek-kulturhus-2");
    server.stop().await;
}

async fn every_workspace_route_takes_the_slug_as_it_takes_the_id(backend: Backend) {
    let server = TestServer::start_on(backend).await;
    let organisation = Uuid::new_v4();
    let (status, body) = server
        .post(
            &server.owner,
            "/api/workspaces/roskilde/commands",
            json!({"command": {"type": "RegisterOrganisation", "organisation_id": organisation, "name": "Roskilde Festival", "sector": "civil_society"}}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let id = server.workspace_id;
    for path in [
        "/network",
        "/network.gexf",
        "/network/nodes.csv",
        "/portfolio?today=2026-01-01",
        "/organisations",
        &format!("/organisations/{organisation}"),
        &format!("/organisations/{organisation}/contacts"),
        "/timeline",
        "/members",
    ] {
        let by_id = server
            .get(&server.owner, &format!("/api/workspaces/{id}{path}"))
            .await;
        let by_slug = server
            .get(&server.owner, &format!("/api/workspaces/roskilde{path}"))
            .await;
        assert_eq!(by_id.0, 200, "{path}: {}", by_id.1);
        assert_eq!(by_slug, by_id, "{path}");
    }
    // A route with a second parameter: a member's role set through the slug.
    server.account("editor@test").await;
    let (status, body) = server
        .put(
            &server.owner,
            "/api/workspaces/roskilde/members/editor@test",
            json!({"role": "editor"}),
        )
        .await;
    assert_eq!(status, 204, "{body}");
    server.stop().await;
}

async fn a_slug_tells_no_more_than_an_id_and_a_wrong_one_is_said_in_words(backend: Backend) {
    let server = TestServer::start_on(backend).await;
    let stranger = server.account("stranger@test").await;
    let (unknown_status, unknown) = server.get(&server.owner, "/api/workspaces/aarhus").await;
    let (hidden_status, hidden) = server.get(&stranger, "/api/workspaces/roskilde").await;
    assert_eq!((unknown_status, hidden_status), (404, 404));
    assert_eq!(
        unknown, hidden,
        "an unknown slug and another's workspace look the same"
    );
    assert_eq!(unknown["code"], "workspace_not_found");
    let viewer = server.member("viewer@test", "viewer").await;
    let (status, body) = server
        .post(
            &viewer,
            "/api/workspaces/roskilde/commands",
            json!({"command": {"type": "AddAsset", "asset_id": Uuid::new_v4(), "category": "trust", "title": "x"}}),
        )
        .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (403, Some("forbidden")),
        "{body}"
    );
    let (status, body) = server
        .get(&server.owner, "/api/workspaces/Roskilde!/network")
        .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (400, Some("invalid_path")),
        "{body}"
    );
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("neither a workspace's id"),
        "{body}"
    );
    let (status, body) = server
        .get(
            &server.owner,
            "/api/workspaces/roskilde/organisations/festival",
        )
        .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (400, Some("invalid_path")),
        "{body}"
    );
    assert_eq!(
        body["message"],
        "`organisation_id` must be an id (a UUID), not `festival`"
    );
    server.stop().await;
}

on_every_backend!(
    workspaces_are_listed_with_unique_slugs_from_their_names,
    every_workspace_route_takes_the_slug_as_it_takes_the_id,
    a_slug_tells_no_more_than_an_id_and_a_wrong_one_is_said_in_words,
);
