//! Accounts and roles over HTTP and websocket: what each role may and may not do, workshop
//! guests confined to their board, tokens revoked and limited, logins limited, and a member
//! of one workspace seeing nothing of another, on every route and message. Each test runs on
//! sled and on PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a panic is how a test reports failure

mod common;

use common::{on_every_backend, Backend, TestServer};
use serde_json::json;
use uuid::Uuid;

/// Every workspace route with a GET, for a workspace id and existing entity ids.
fn read_routes(
    workspace: Uuid,
    organisation: Uuid,
    partnership: Uuid,
    board: Uuid,
) -> Vec<(String, &'static str)> {
    let base = format!("/api/workspaces/{workspace}");
    vec![
        (base.clone(), "summary"),
        (format!("{base}/network"), "views"),
        (format!("{base}/network.gexf"), "views"),
        (format!("{base}/network.graphml"), "views"),
        (format!("{base}/network/nodes.csv"), "views"),
        (format!("{base}/network/relations.csv"), "views"),
        (
            format!("{base}/organisations/{organisation}/contacts"),
            "views",
        ),
        (format!("{base}/portfolio"), "views"),
        (format!("{base}/competences"), "views"),
        (format!("{base}/organisations"), "views"),
        (format!("{base}/organisations/{organisation}"), "views"),
        (format!("{base}/partnerships"), "views"),
        (format!("{base}/partnerships/{partnership}"), "views"),
        (format!("{base}/assets"), "views"),
        (format!("{base}/boards"), "views"),
        (format!("{base}/boards/{board}"), "board"),
        (format!("{base}/timeline"), "history"),
        (format!("{base}/as-of?at=1"), "history"),
        (format!("{base}/log"), "raw_log"),
        (format!("{base}/members"), "manage"),
        (format!("{base}/tokens"), "manage"),
    ]
}

struct Fixture {
    organisation: Uuid,
    partnership: Uuid,
    board: Uuid,
}

async fn fixture(server: &TestServer) -> Fixture {
    let fixture = Fixture {
        organisation: Uuid::new_v4(),
        partnership: Uuid::new_v4(),
        board: Uuid::new_v4(),
    };
    for command in [
        json!({"type": "RegisterOrganisation", "organisation_id": fixture.organisation, "name": "Roskilde Festival", "sector": "civil_society", "level": "network", "reason": "met"}),
        json!({"type": "ProposePartnership", "partnership_id": fixture.partnership, "title": "Festival area", "form": {"kind": "frame"}}),
        json!({"type": "CreateBoard", "board_id": fixture.board, "title": "Mapping", "template": "network_circle"}),
    ] {
        let (status, body) = server.command(&server.owner, command).await;
        assert_eq!(status, 200, "{body}");
    }
    fixture
}

async fn every_role_is_allowed_what_it_may_do_and_refused_the_rest(backend: Backend) {
    let server = TestServer::start_on(backend).await;
    let fixture = fixture(&server).await;
    let editor = server.member("editor@test", "editor").await;
    let viewer = server.member("viewer@test", "viewer").await;
    let auditor = server.member("auditor@test", "auditor").await;
    let routes = read_routes(
        server.workspace_id,
        fixture.organisation,
        fixture.partnership,
        fixture.board,
    );
    // kind of route -> roles allowed
    let allowed = |role: &str, kind: &str| -> bool {
        match kind {
            "summary" | "views" | "board" => {
                matches!(role, "owner" | "editor" | "viewer" | "auditor")
            }
            "history" => matches!(role, "owner" | "editor" | "auditor"),
            "raw_log" => matches!(role, "owner" | "auditor"),
            "manage" => role == "owner",
            _ => false,
        }
    };
    for (role, token) in [
        ("owner", &server.owner),
        ("editor", &editor),
        ("viewer", &viewer),
        ("auditor", &auditor),
    ] {
        for (route, kind) in &routes {
            let (status, body) = server.get(token, route).await;
            if allowed(role, kind) {
                assert_eq!(status, 200, "{role} GET {route}: {body}");
            } else {
                assert_eq!(status, 403, "{role} GET {route}: {body}");
                assert_eq!(body["code"], "forbidden");
            }
        }
        let (status, body) = server
            .command(token, json!({"type": "AddAsset", "asset_id": Uuid::new_v4(), "category": "trust", "title": "High trust"}))
            .await;
        let may_write = matches!(role, "owner" | "editor");
        assert_eq!(
            status,
            if may_write { 200 } else { 403 },
            "{role} command: {body}"
        );
    }
    // The auditor reads the raw log with hashes; the viewer reads views but not history.
    let (_, log) = server
        .get(
            &auditor,
            &format!("/api/workspaces/{}/log", server.workspace_id),
        )
        .await;
    assert_eq!(log["events"][0]["event_type"], "WorkspaceCreated");
    assert_eq!(log["events"][0]["hash"].as_str().unwrap().len(), 64);
    // Only owners manage access.
    let (status, _) = server
        .put(
            &editor,
            &format!(
                "/api/workspaces/{}/members/viewer@test",
                server.workspace_id
            ),
            json!({"role": "owner"}),
        )
        .await;
    assert_eq!(status, 403);
    let (status, body) = server
        .post(
            &editor,
            &format!("/api/workspaces/{}/tokens", server.workspace_id),
            json!({"label": "x", "role": "owner"}),
        )
        .await;
    assert_eq!(status, 403, "{body}");
    server.stop().await;
}

async fn a_workshop_guest_may_add_move_and_vote_on_notes_of_their_board_and_see_nothing_else(
    backend: Backend,
) {
    let server = TestServer::start_on(backend).await;
    let fixture = fixture(&server).await;
    let other_board = Uuid::new_v4();
    server
        .command(&server.owner, json!({"type": "CreateBoard", "board_id": other_board, "title": "Other", "template": "free"}))
        .await;
    let (status, invite) = server
        .post(
            &server.owner,
            &format!(
                "/api/workspaces/{}/boards/{}/invites",
                server.workspace_id, fixture.board
            ),
            json!({"label": "theatre workshop"}),
        )
        .await;
    assert_eq!(status, 201, "{invite}");
    // Hours outside 1 to 720 are refused, not moved into the range.
    for hours in [0, 721, 100_000] {
        let (status, body) = server
            .post(
                &server.owner,
                &format!(
                    "/api/workspaces/{}/boards/{}/invites",
                    server.workspace_id, fixture.board
                ),
                json!({"label": "theatre workshop", "hours": hours}),
            )
            .await;
        assert_eq!(status, 400, "{hours}: {body}");
        assert_eq!(body["code"], "invite_hours_out_of_range", "{body}");
        assert_eq!(body["details"]["maximum"], 720, "{body}");
    }
    let invite_token = invite["token"].as_str().unwrap().to_owned();
    assert!(invite["link"].as_str().unwrap().starts_with("/join#ph_"));
    // The invite itself acts as nobody: it only lets people join.
    let (status, body) = server
        .command(&invite_token, json!({"type": "AddNote", "board_id": fixture.board, "note_id": Uuid::new_v4(), "text": "x"}))
        .await;
    assert_eq!(status, 401, "{body}");
    assert!(
        body["message"].as_str().unwrap().contains("/api/join"),
        "{body}"
    );
    let (guest, guest_actor) = server.join(&invite_token, "Theatre guest").await;
    assert!(guest_actor.starts_with("guest:"), "{guest_actor}");

    let note = Uuid::new_v4();
    let (status, body) = server
        .command(&guest, json!({"type": "AddNote", "board_id": fixture.board, "note_id": note, "text": "Theatre group", "zone": {"level": "network"}}))
        .await;
    assert_eq!(status, 200, "{body}");
    let (status, _) = server
        .command(&guest, json!({"type": "MoveNote", "board_id": fixture.board, "note_id": note, "zone": {"level": "collaboration"}, "x": 5, "y": 5}))
        .await;
    assert_eq!(status, 200);
    let (status, board) = server
        .get(
            &guest,
            &format!(
                "/api/workspaces/{}/boards/{}",
                server.workspace_id, fixture.board
            ),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(board["notes"][0]["author"], guest_actor.as_str());
    assert_eq!(
        board["display_names"][guest_actor.as_str()],
        "Theatre guest",
        "{board}"
    );
    // Refused: another board, any other command, every other view.
    let (status, _) = server
        .command(&guest, json!({"type": "AddNote", "board_id": other_board, "note_id": Uuid::new_v4(), "text": "x"}))
        .await;
    assert_eq!(status, 403);
    let (status, _) = server
        .command(
            &guest,
            json!({"type": "AdvanceBoardPhase", "board_id": fixture.board, "to": "reveal"}),
        )
        .await;
    assert_eq!(status, 403);
    for (route, kind) in read_routes(
        server.workspace_id,
        fixture.organisation,
        fixture.partnership,
        fixture.board,
    ) {
        if kind == "board" || kind == "summary" {
            continue;
        }
        let (status, body) = server.get(&guest, &route).await;
        assert_eq!(status, 403, "guest GET {route}: {body}");
    }
    let (status, _) = server
        .get(
            &guest,
            &format!(
                "/api/workspaces/{}/boards/{other_board}",
                server.workspace_id
            ),
        )
        .await;
    assert_eq!(status, 403);
    // Voting, with the budget, once the facilitator opens the vote.
    for phase in ["reveal", "grouping", "voting"] {
        let (status, body) = server
            .command(
                &server.owner,
                json!({"type": "AdvanceBoardPhase", "board_id": fixture.board, "to": phase}),
            )
            .await;
        assert_eq!(status, 200, "{body}");
    }
    // Five dots each by default.
    for _ in 0..5 {
        let (status, body) = server
            .command(
                &guest,
                json!({"type": "CastVote", "board_id": fixture.board, "note_id": note}),
            )
            .await;
        assert_eq!(status, 200, "{body}");
    }
    let (status, body) = server
        .command(
            &guest,
            json!({"type": "CastVote", "board_id": fixture.board, "note_id": note}),
        )
        .await;
    assert_eq!(status, 422);
    assert_eq!(body["code"], "vote_budget_spent");
    // Over the websocket the guest may only subscribe to their board.
    let mut ws = server.websocket().await;
    ws.hello(&guest).await;
    ws.send(
        json!({"type": "subscribe", "workspace_id": server.workspace_id, "board_id": other_board}),
    )
    .await;
    assert_eq!(ws.next_of("error").await["error"]["code"], "forbidden");
    // A guest sees the board as it is, not its history.
    ws.send(json!({"type": "subscribe", "workspace_id": server.workspace_id, "after_position": 0}))
        .await;
    assert_eq!(
        ws.next_of("error").await["error"]["code"],
        "history_forbidden"
    );
    ws.send(json!({"type": "subscribe", "workspace_id": server.workspace_id}))
        .await;
    assert_eq!(
        ws.next_of("subscribed").await["workspace_id"],
        server.workspace_id.to_string()
    );
    // Changes elsewhere in the workspace, then one on their board: every event that comes
    // is of their board, and the last one comes.
    let mut last_position = 0;
    for command in [
        json!({"type": "AddNote", "board_id": other_board, "note_id": Uuid::new_v4(), "text": "elsewhere"}),
        json!({"type": "RegisterOrganisation", "organisation_id": Uuid::new_v4(), "name": "Musikskolen", "sector": "public", "level": "network", "reason": "met"}),
        json!({"type": "AdvanceBoardPhase", "board_id": other_board, "to": "reveal"}),
        json!({"type": "AdvanceBoardPhase", "board_id": fixture.board, "to": "discussion"}),
    ] {
        let (status, body) = server.command(&server.owner, command).await;
        assert_eq!(status, 200, "{body}");
        last_position = body["last_position"].as_u64().unwrap();
    }
    let mut received = 0;
    loop {
        let event = ws.next_of("event").await;
        received += 1;
        assert_eq!(
            event["payload"]["board_id"],
            fixture.board.to_string(),
            "a guest got an event of something else: {event}"
        );
        if event["position"].as_u64().unwrap() >= last_position {
            break;
        }
    }
    assert_eq!(received, 1, "only the one change of their board comes");
    server.stop().await;
}

async fn a_member_of_one_workspace_sees_nothing_of_another_on_any_route_or_message(
    backend: Backend,
) {
    let server = TestServer::start_on(backend).await;
    let fixture = fixture(&server).await;
    // Another library's account and workspace.
    let stranger = server.account("aarhus@test").await;
    let (status, created) = server
        .post(&stranger, "/api/workspaces", json!({"name": "Aarhus"}))
        .await;
    assert_eq!(status, 201);
    let theirs: Uuid = created["workspace_id"].as_str().unwrap().parse().unwrap();
    let (_, mine) = server.get(&stranger, "/api/workspaces").await;
    assert_eq!(mine.as_array().unwrap().len(), 1);
    assert_eq!(mine[0]["name"], "Aarhus");

    for (route, _) in read_routes(
        server.workspace_id,
        fixture.organisation,
        fixture.partnership,
        fixture.board,
    ) {
        let (status, body) = server.get(&stranger, &route).await;
        assert_eq!(status, 404, "stranger GET {route}: {body}");
        assert_eq!(body["code"], "workspace_not_found");
        assert!(!body.to_string().contains("Roskilde"), "{body}");
    }
    let (status, body) = server
        .command(&stranger, json!({"type": "AddAsset", "asset_id": Uuid::new_v4(), "category": "trust", "title": "x"}))
        .await;
    assert_eq!(
        (status, body["code"].as_str().unwrap()),
        (404, "workspace_not_found")
    );
    let base = format!("/api/workspaces/{}", server.workspace_id);
    for (status, _) in [
        server
            .put(
                &stranger,
                &format!("{base}/members/aarhus@test"),
                json!({"role": "owner"}),
            )
            .await,
        server
            .post(
                &stranger,
                &format!("{base}/tokens"),
                json!({"label": "x", "role": "owner"}),
            )
            .await,
        server
            .post(
                &stranger,
                &format!("{base}/boards/{}/invites", fixture.board),
                json!({"label": "x"}),
            )
            .await,
        server
            .delete(&stranger, &format!("{base}/tokens/{}", Uuid::new_v4()))
            .await,
        server
            .delete(&stranger, &format!("{base}/members/owner@test"))
            .await,
    ] {
        assert_eq!(status, 404);
    }
    // And a token of their workspace does not open ours either.
    let (_, token) = server
        .post(
            &stranger,
            &format!("/api/workspaces/{theirs}/tokens"),
            json!({"label": "dashboard", "role": "owner"}),
        )
        .await;
    let token = token["token"].as_str().unwrap().to_owned();
    let (status, _) = server.get(&token, &format!("{base}/network")).await;
    assert_eq!(status, 404);

    // Websocket: subscribe, command and presence into our workspace are refused, and our
    // events never reach them.
    let mut ws = server.websocket().await;
    ws.hello(&stranger).await;
    ws.send(json!({"type": "subscribe", "workspace_id": server.workspace_id}))
        .await;
    assert_eq!(
        ws.next_of("error").await["error"]["code"],
        "workspace_not_found"
    );
    let command_id = Uuid::new_v4();
    ws.send(json!({"type": "command", "workspace_id": server.workspace_id, "command_id": command_id, "command": {"type": "AddAsset", "asset_id": Uuid::new_v4(), "category": "trust", "title": "x"}}))
        .await;
    assert_eq!(
        ws.next_of("reject").await["error"]["code"],
        "workspace_not_found"
    );
    ws.send(json!({"type": "presence", "workspace_id": server.workspace_id, "cursor": {"x": 1.0, "y": 2.0}})).await;
    assert_eq!(
        ws.next_of("error").await["error"]["code"],
        "workspace_not_found"
    );
    ws.send(json!({"type": "subscribe", "workspace_id": theirs, "after_position": 0}))
        .await;
    ws.next_of("subscribed").await;
    server.command(&server.owner, json!({"type": "AddAsset", "asset_id": Uuid::new_v4(), "category": "trust", "title": "Ours"})).await;
    let their_event = ws.next_of("event").await;
    assert_eq!(
        their_event["workspace_id"],
        theirs.to_string(),
        "only their own workspace's events"
    );
    assert_eq!(their_event["event_type"], "WorkspaceCreated");
    ws.send(json!({"type": "ping", "nonce": "after"})).await;
    assert_eq!(
        ws.next_of("pong").await["nonce"],
        "after",
        "nothing of ours arrived in between"
    );
    server.stop().await;
}

async fn tokens_are_listed_with_last_use_revocable_and_logins_are_limited(backend: Backend) {
    let server = TestServer::start_on(backend).await;
    let base = format!("/api/workspaces/{}", server.workspace_id);
    let (status, issued) = server
        .post(
            &server.owner,
            &format!("{base}/tokens"),
            json!({"label": "staff-room dashboard", "role": "viewer"}),
        )
        .await;
    assert_eq!(status, 201);
    let token = issued["token"].as_str().unwrap().to_owned();
    let (status, _) = server.get(&token, &format!("{base}/network")).await;
    assert_eq!(status, 200);
    let (_, listed) = server.get(&server.owner, &format!("{base}/tokens")).await;
    let entry = &listed.as_array().unwrap()[0];
    assert_eq!(entry["label"], "staff-room dashboard");
    assert!(entry["last_used_at"].is_string(), "{entry}");
    assert!(
        entry.get("secret_hash").is_none(),
        "the hash is never listed"
    );
    let (status, _) = server
        .delete(
            &server.owner,
            &format!("{base}/tokens/{}", issued["token_id"].as_str().unwrap()),
        )
        .await;
    assert_eq!(status, 204);
    let (status, body) = server.get(&token, &format!("{base}/network")).await;
    assert_eq!(status, 401, "{body}");
    assert_eq!(body["code"], "unauthenticated");
    // A forged secret for a real token id is refused the same way.
    let forged = format!("{}0", &token[..token.len() - 1]);
    assert_eq!(server.get(&forged, &format!("{base}/network")).await.0, 401);
    assert_eq!(server.get("", &format!("{base}/network")).await.0, 401);
    assert_eq!(
        server.get("garbage", &format!("{base}/network")).await.0,
        401
    );

    for _ in 0..5 {
        let (status, body) = server
            .post(
                "",
                "/api/login",
                json!({"name": "owner@test", "password": "wrong password"}),
            )
            .await;
        assert_eq!(status, 401);
        assert_eq!(body["message"], "wrong name or password");
    }
    let (status, body) = server
        .post(
            "",
            "/api/login",
            json!({"name": "owner@test", "password": common::PASSWORD}),
        )
        .await;
    assert_eq!(status, 429, "{body}");
    assert_eq!(body["code"], "too_many_attempts");
    // An unknown name gets the same answer as a wrong password.
    let (status, body) = server
        .post(
            "",
            "/api/login",
            json!({"name": "nobody@test", "password": "whatever else"}),
        )
        .await;
    assert_eq!(
        (status, body["message"].as_str().unwrap()),
        (401, "wrong name or password")
    );
    server.stop().await;
}

async fn connections_per_account_are_limited(backend: Backend) {
    let limits = partnerhub::app_state::Limits {
        connections_per_account: 2,
        ..partnerhub::app_state::Limits::default()
    };
    let server = TestServer::start_on_with(backend, limits).await;
    let mut first = server.websocket().await;
    let mut second = server.websocket().await;
    first.hello(&server.owner).await;
    second.hello(&server.owner).await;
    let mut third = server.websocket().await;
    third
        .send(json!({"type": "hello", "token": server.owner}))
        .await;
    assert_eq!(
        third.next_of("error").await["error"]["code"],
        "too_many_connections"
    );
    match third.next_frame().await {
        common::Frame::Closed(code, _) => assert_eq!(code, 4029),
        common::Frame::Json(frame) => panic!("expected a close, got {frame}"),
    }
    drop(first);
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    let mut fourth = server.websocket().await;
    fourth.hello(&server.owner).await;
    server.stop().await;
}

on_every_backend!(
    every_role_is_allowed_what_it_may_do_and_refused_the_rest,
    a_workshop_guest_may_add_move_and_vote_on_notes_of_their_board_and_see_nothing_else,
    a_member_of_one_workspace_sees_nothing_of_another_on_any_route_or_message,
    tokens_are_listed_with_last_use_revocable_and_logins_are_limited,
    connections_per_account_are_limited,
);
