//! The portfolio view and the suggestions over HTTP: the grid crossed by sector and age
//! group, the network metrics over time beside the level counts, what partners seek recorded
//! by a command, and suggestions for empty cells, thin age groups and partners' wishes, on the
//! demo and on a workspace built here. Each test runs on sled and on PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a panic is how a test reports failure

mod common;

use common::{on_every_backend, Backend, TestServer};
use serde_json::{json, Value};
use uuid::Uuid;

/// The cell of `room` and `goal` in a portfolio's matrix.
fn cell<'a>(portfolio: &'a Value, room: &str, goal: &str) -> &'a Value {
    portfolio["matrix"]
        .as_array()
        .unwrap()
        .iter()
        .find(|cell| cell["room"] == room && cell["goal"] == goal)
        .unwrap_or_else(|| panic!("no cell {room} x {goal}"))
}

/// The suggestions for the empty cell of `room` and `goal`, if it is one.
fn suggested_for<'a>(suggestions: &'a Value, room: &str, goal: &str) -> Option<&'a Value> {
    suggestions["cells"]
        .as_array()
        .unwrap()
        .iter()
        .find(|cell| cell["room"] == room && cell["goal"] == goal)
}

fn names(organisations: &Value) -> Vec<&str> {
    organisations
        .as_array()
        .unwrap()
        .iter()
        .map(|organisation| organisation["name"].as_str().unwrap())
        .collect()
}

async fn the_demo_portfolio_crosses_its_grid_and_suggests_who_fills_a_gap(backend: Backend) {
    let server = TestServer::start_on(backend).await;
    partnerhub::demo::load_demo(&server.state.workspaces)
        .await
        .unwrap();
    let roskilde = partnerhub::demo::roskilde_workspace_id();
    let viewer = server.account("viewer@test").await;
    server
        .state
        .accounts
        .grant(
            "test",
            "viewer@test",
            roskilde,
            partnerhub::accounts::Role::Viewer,
        )
        .await
        .unwrap();

    let (status, portfolio) = server
        .get(&viewer, &format!("/api/workspaces/{roskilde}/portfolio"))
        .await;
    assert_eq!(status, 200, "{portfolio}");
    // The festival area serves the inspiration room's experience goal; its reference carries
    // its partner's sector and its age groups, so the grid can be crossed by both.
    let festival = &cell(&portfolio, "inspiration", "experience")["partnerships"];
    let festival = festival
        .as_array()
        .unwrap()
        .iter()
        .find(|reference| reference["title"] == "Bibliotekets alternative festivalområde")
        .unwrap_or_else(|| panic!("{festival}"));
    assert_eq!(festival["sectors"], json!(["civil_society"]));
    assert_eq!(festival["age_groups"], json!(["young_adults", "adults"]));
    // The fields the portfolio had stay as they were.
    for field in [
        "by_sector",
        "by_age_group",
        "gaps",
        "unlinked",
        "overdue_evaluations",
        "level_counts_over_time",
        "focus_areas",
    ] {
        assert!(portfolio.get(field).is_some(), "{field} is missing");
    }
    // The performative room's innovation goal is a gap.
    assert!(
        cell(&portfolio, "performative", "innovation")["partnerships"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    // Metrics over time: the network grew, and the last point counts the levels as now.
    let metrics = portfolio["metrics_over_time"].as_array().unwrap();
    assert!(metrics.len() >= 2, "{metrics:?}");
    let first = metrics.first().unwrap();
    let last = metrics.last().unwrap();
    assert!(last["node_count"].as_u64() > first["node_count"].as_u64());
    assert!(last["position"].as_u64() > first["position"].as_u64());
    let levels = portfolio["level_counts_over_time"].as_array().unwrap();
    assert_eq!(last["counts_per_level"], levels.last().unwrap()["counts"]);

    let (status, suggestions) = server
        .get(&viewer, &format!("/api/workspaces/{roskilde}/suggestions"))
        .await;
    assert_eq!(status, 200, "{suggestions}");
    // A served cell is no gap; the empty one names the museum of contemporary art, which
    // fits the performative room, and says who knows it and what it seeks.
    assert!(suggested_for(&suggestions, "inspiration", "experience").is_none());
    let gap = suggested_for(&suggestions, "performative", "innovation").unwrap();
    let museum = gap["organisations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|organisation| organisation["name"] == "Museet for Samtidskunst")
        .unwrap_or_else(|| panic!("{gap}"));
    assert_eq!(museum["known_by"][0]["name"], "Karen Dahl");
    assert_eq!(
        museum["explanation"]["da"],
        "kender Karen Dahl; passer til det performative rum; søger udstillingsplads, kontakt med unge"
    );
    assert_eq!(
        museum["explanation"]["en"],
        "knows Karen Dahl; fits the performative room; seeks udstillingsplads, kontakt med unge"
    );
    // The museum seeks an exhibition space: the library's rooms for exhibitions meet it.
    let partner = suggestions["partners"]
        .as_array()
        .unwrap()
        .iter()
        .find(|partner| partner["name"] == "Museet for Samtidskunst")
        .unwrap();
    let hall = partner["assets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|asset| asset["title"] == "Rum til debat og udstillinger")
        .unwrap_or_else(|| panic!("{partner}"));
    assert_eq!(hall["meets"], json!(["udstillingsplads"]));
    assert_eq!(hall["contact"]["name"], "Karen Dahl");

    // Someone who is no member of the workspace reads neither.
    let stranger = server.account("stranger@test").await;
    for view in ["portfolio", "suggestions"] {
        let (status, body) = server
            .get(&stranger, &format!("/api/workspaces/{roskilde}/{view}"))
            .await;
        assert!(status == 403 || status == 404, "{view}: {status} {body}");
        assert!(body["message"].as_str().is_some_and(|m| !m.is_empty()));
    }
    server.stop().await;
}

async fn what_partners_seek_is_recorded_and_feeds_the_suggestions(backend: Backend) {
    let server = TestServer::start_on(backend).await;
    let workspace = server.workspace_id;
    let (school, club, sofie, partnership, hall) = (
        Uuid::new_v4(),
        Uuid::new_v4(),
        Uuid::new_v4(),
        Uuid::new_v4(),
        Uuid::new_v4(),
    );
    for command in [
        json!({"type": "AddStaffMember", "staff_id": sofie, "name": "Sofie Lund", "team": "Digital"}),
        json!({"type": "RegisterOrganisation", "organisation_id": school, "name": "Byens skole", "sector": "public", "age_groups": ["children", "teenagers"], "rooms": ["learning"]}),
        json!({"type": "RegisterOrganisation", "organisation_id": club, "name": "Ungdomsklubben", "sector": "civil_society", "age_groups": ["teenagers"], "rooms": ["meeting"], "level": "network", "reason": "met at the town festival"}),
        json!({"type": "AssignContactHolder", "organisation_id": club, "staff_id": sofie, "topics": ["gaming nights"]}),
        json!({"type": "ProposePartnership", "partnership_id": partnership, "title": "Homework café", "partner_ids": [school], "form": {"kind": "frame"}, "goals": ["empowerment"], "rooms": ["learning"], "age_groups": ["teenagers"]}),
        json!({"type": "AddAsset", "asset_id": hall, "category": "facilities", "title": "The big hall", "description": "Seats 200, a stage and a projector"}),
    ] {
        let (status, body) = server.command(&server.owner, command).await;
        assert_eq!(status, 200, "{body}");
    }

    // The crossing: the homework café carries its partner's sector and its age group.
    let (status, portfolio) = server
        .get(
            &server.owner,
            &format!("/api/workspaces/{workspace}/portfolio"),
        )
        .await;
    assert_eq!(status, 200, "{portfolio}");
    let café = &cell(&portfolio, "learning", "empowerment")["partnerships"][0];
    assert_eq!(café["title"], "Homework café");
    assert_eq!(café["sectors"], json!(["public"]));
    assert_eq!(café["age_groups"], json!(["teenagers"]));

    // What the club seeks, recorded as typed in the app; an unknown organisation is refused in
    // words, and a viewer may not record it.
    let seeks = json!({"type": "RecordOrganisationSeeks", "organisation_id": club, "seeks": ["a stage for concerts", "visibility"]});
    let (status, body) = server.command(&server.owner, seeks.clone()).await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = server.command(&server.owner, seeks).await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["code"], "nothing_changed");
    let (status, body) = server
        .command(
            &server.owner,
            json!({"type": "RecordOrganisationSeeks", "organisation_id": Uuid::new_v4(), "seeks": ["rooms"]}),
        )
        .await;
    assert_eq!(status, 404, "{body}");
    assert_eq!(body["code"], "unknown_entity");
    assert!(
        body["message"].as_str().unwrap().contains("organisation"),
        "{body}"
    );
    let viewer = server.member("viewer@test", "viewer").await;
    let (status, body) = server
        .command(
            &viewer,
            json!({"type": "RecordOrganisationSeeks", "organisation_id": club, "seeks": []}),
        )
        .await;
    assert_eq!(status, 403, "{body}");
    let (status, organisation) = server
        .get(
            &viewer,
            &format!("/api/workspaces/{workspace}/organisations/{club}"),
        )
        .await;
    assert_eq!(status, 200, "{organisation}");
    assert_eq!(
        organisation["seeks"],
        json!(["a stage for concerts", "visibility"])
    );

    let (status, suggestions) = server
        .get(&viewer, &format!("/api/workspaces/{workspace}/suggestions"))
        .await;
    assert_eq!(status, 200, "{suggestions}");
    // The learning x empowerment cell is served; the meeting room's cells name the club, the
    // learning room's other goals the school (which fits the room).
    assert!(suggested_for(&suggestions, "learning", "empowerment").is_none());
    let meeting = suggested_for(&suggestions, "meeting", "engagement").unwrap();
    assert_eq!(names(&meeting["organisations"]), ["Ungdomsklubben"]);
    assert_eq!(
        meeting["organisations"][0]["explanation"]["da"],
        "kender Sofie Lund; passer til møderummet; søger a stage for concerts, visibility"
    );
    let learning = suggested_for(&suggestions, "learning", "innovation").unwrap();
    assert_eq!(names(&learning["organisations"]), ["Byens skole"]);
    // Teenagers have one partnership: thin. The school serves them in it; the club does not.
    let teenagers = suggestions["age_groups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|group| group["age_group"] == "teenagers")
        .unwrap();
    assert_eq!(teenagers["active_partnerships"], 1);
    assert_eq!(names(&teenagers["organisations"]), ["Ungdomsklubben"]);
    // The club seeks a stage: the big hall has one.
    let partners = suggestions["partners"].as_array().unwrap();
    assert_eq!(partners.len(), 1, "{partners:?}");
    assert_eq!(partners[0]["assets"][0]["title"], "The big hall");
    assert_eq!(
        partners[0]["assets"][0]["meets"],
        json!(["a stage for concerts"])
    );
    assert_eq!(
        partners[0]["assets"][0]["explanation"]["en"],
        "Ungdomsklubben seeks a stage for concerts; the library offers The big hall"
    );

    // The timeline says it in words.
    let (status, timeline) = server
        .get(
            &server.owner,
            &format!("/api/workspaces/{workspace}/timeline?entity={club}&lang=en"),
        )
        .await;
    assert_eq!(status, 200, "{timeline}");
    assert!(
        timeline
            .to_string()
            .contains("seeks: a stage for concerts, visibility (typed in the app)"),
        "{timeline}"
    );
    server.stop().await;
}

on_every_backend!(
    the_demo_portfolio_crosses_its_grid_and_suggests_who_fills_a_gap,
    what_partners_seek_is_recorded_and_feeds_the_suggestions,
);
