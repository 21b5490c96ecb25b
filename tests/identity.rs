//! Who is who, tried as a stranger would: nobody takes over another's workspace by naming
//! its id; a command id answers its first outcome only to whoever ran it, where they ran it;
//! actors are unique (a token's label and a guest's name are for display only), so a second
//! token with the facilitator's label is not the facilitator and two guests of one invite are
//! two people; a websocket subscription keeps to its role for its whole life (no history for
//! a viewer, closed with 4003 when access ends); hostile positions are refused. Each test runs
//! on sled and on PostgreSQL. The promises are listed in SECURITY.md with these tests' names.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a panic is how a test reports failure

mod common;

use common::{on_every_backend, Backend, Frame, TestServer, Ws};
use serde_json::{json, Value};
use uuid::Uuid;

/// Reads frames until the connection closes; returns the close code and the last error
/// frame's code before it.
async fn until_closed(ws: &mut Ws) -> (u16, Option<String>) {
    let mut last_error = None;
    loop {
        match ws.next_frame().await {
            Frame::Json(frame) => {
                if frame["type"] == "error" {
                    last_error = frame["error"]["code"].as_str().map(str::to_owned);
                }
            }
            Frame::Closed(code, _) => return (code, last_error),
        }
    }
}

fn workspaces_path(workspace_id: Uuid) -> String {
    format!("/api/workspaces/{workspace_id}")
}

async fn nobody_takes_over_a_workspace_by_creating_it_again(backend: Backend) {
    let server = TestServer::start_on(backend).await;
    let mallory = server.account("mallory@test").await;
    let (status, body) = server
        .post(
            &mallory,
            "/api/workspaces",
            json!({"name": "x", "workspace_id": server.workspace_id}),
        )
        .await;
    assert_eq!(status, 409, "{body}");
    assert_eq!(body["code"], "already_exists");
    assert!(
        body["message"].as_str().unwrap().contains("exists already"),
        "{body}"
    );
    assert!(
        !body.to_string().contains("position"),
        "the refusal tells nothing of the first outcome: {body}"
    );
    // Mallory has no role; the owner is still the only member.
    let (status, _) = server
        .get(
            &mallory,
            &format!("{}/members", workspaces_path(server.workspace_id)),
        )
        .await;
    assert_eq!(status, 404);
    let (status, listed) = server.get(&mallory, "/api/workspaces").await;
    assert_eq!(status, 200);
    assert_eq!(listed, json!([]));
    let (status, members) = server
        .get(
            &server.owner,
            &format!("{}/members", workspaces_path(server.workspace_id)),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(members, json!([{"account": "owner@test", "role": "owner"}]));
    // The creator's own retry is answered with the first outcome.
    let (status, body) = server
        .post(
            &server.owner,
            "/api/workspaces",
            json!({"name": "Roskilde", "workspace_id": server.workspace_id}),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["outcome"]["deduplicated"], true);
    // A creator who was demoted does not become owner again by retrying.
    let (status, _) = server
        .post(
            &mallory,
            "/api/workspaces",
            json!({"name": "Mallory's", "workspace_id": Uuid::from_u128(77)}),
        )
        .await;
    assert_eq!(status, 201);
    let colleague = server.account("colleague@test").await;
    let mallorys = workspaces_path(Uuid::from_u128(77));
    let (status, _) = server
        .put(
            &mallory,
            &format!("{mallorys}/members/colleague@test"),
            json!({"role": "owner"}),
        )
        .await;
    assert_eq!(status, 204);
    let (status, _) = server
        .put(
            &colleague,
            &format!("{mallorys}/members/mallory@test"),
            json!({"role": "viewer"}),
        )
        .await;
    assert_eq!(status, 204);
    let (status, body) = server
        .post(
            &mallory,
            "/api/workspaces",
            json!({"name": "Mallory's", "workspace_id": Uuid::from_u128(77)}),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    let (_, listed) = server.get(&mallory, "/api/workspaces").await;
    assert_eq!(listed[0]["role"], "viewer", "{listed}");
    server.stop().await;
}

async fn a_command_id_answers_only_whoever_ran_it_where_they_ran_it(backend: Backend) {
    let server = TestServer::start_on(backend).await;
    let command_id = Uuid::new_v4();
    let register = |name: &str| json!({"command_id": command_id, "command": {"type": "RegisterOrganisation", "organisation_id": Uuid::new_v4(), "name": name, "sector": "public", "level": "network", "reason": "met"}});
    let commands = |workspace_id: Uuid| format!("{}/commands", workspaces_path(workspace_id));
    let (status, first) = server
        .post(
            &server.owner,
            &commands(server.workspace_id),
            register("Musikskolen"),
        )
        .await;
    assert_eq!(status, 200, "{first}");
    // Mallory, in a workspace of her own, reuses the id: refused, nothing told, nothing run.
    let mallory = server.account("mallory@test").await;
    let (status, created) = server
        .post(&mallory, "/api/workspaces", json!({"name": "Mallory's"}))
        .await;
    assert_eq!(status, 201);
    let theirs: Uuid = created["workspace_id"].as_str().unwrap().parse().unwrap();
    let (status, body) = server
        .post(&mallory, &commands(theirs), register("Spy"))
        .await;
    assert_eq!(status, 409, "{body}");
    assert_eq!(body["code"], "command_id_taken");
    assert!(!body.to_string().contains("position"), "{body}");
    let (_, organisations) = server
        .get(
            &mallory,
            &format!("{}/organisations", workspaces_path(theirs)),
        )
        .await;
    assert_eq!(organisations, json!({}));
    // Over the websocket: a reject with the same code.
    let mut ws = server.websocket().await;
    ws.hello(&mallory).await;
    ws.send(json!({"type": "command", "workspace_id": theirs, "command_id": command_id, "command": register("Spy")["command"]}))
        .await;
    let reject = ws.next_of("reject").await;
    assert_eq!(reject["error"]["code"], "command_id_taken", "{reject}");
    assert!(reject.get("first_position").is_none(), "{reject}");
    // An editor of the same workspace reusing it is refused too.
    let editor = server.member("editor@test", "editor").await;
    let (status, body) = server
        .post(&editor, &commands(server.workspace_id), register("Again"))
        .await;
    assert_eq!(status, 409, "{body}");
    assert_eq!(body["code"], "command_id_taken");
    // The one who ran it gets the first outcome again.
    let (status, again) = server
        .post(
            &server.owner,
            &commands(server.workspace_id),
            register("Musikskolen"),
        )
        .await;
    assert_eq!(status, 200, "{again}");
    assert_eq!(again["deduplicated"], true);
    assert_eq!(again["first_position"], first["first_position"]);
    server.stop().await;
}

async fn a_second_token_with_the_facilitators_label_is_not_the_facilitator(backend: Backend) {
    let server = TestServer::start_on(backend).await;
    let tokens = format!("{}/tokens", workspaces_path(server.workspace_id));
    let mut issued = Vec::new();
    for _ in 0..2 {
        let (status, body) = server
            .post(
                &server.owner,
                &tokens,
                json!({"label": "facilitator", "role": "editor"}),
            )
            .await;
        assert_eq!(status, 201, "{body}");
        issued.push((
            body["token"].as_str().unwrap().to_owned(),
            body["token_id"].as_str().unwrap().to_owned(),
        ));
    }
    let board = Uuid::new_v4();
    let (status, body) = server
        .command(&issued[0].0, json!({"type": "CreateBoard", "board_id": board, "title": "Mapping", "template": "network_circle"}))
        .await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = server
        .command(
            &issued[1].0,
            json!({"type": "AdvanceBoardPhase", "board_id": board, "to": "reveal"}),
        )
        .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["code"], "not_facilitator");
    let (status, body) = server
        .command(
            &issued[0].0,
            json!({"type": "AdvanceBoardPhase", "board_id": board, "to": "reveal"}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    // The facilitator is the token's id; its label is how people see it.
    let (_, view) = server
        .get(
            &server.owner,
            &format!("{}/boards/{board}", workspaces_path(server.workspace_id)),
        )
        .await;
    let facilitator = format!("token:{}", issued[0].1);
    assert_eq!(view["facilitator"], facilitator.as_str());
    assert_eq!(view["display_names"][facilitator.as_str()], "facilitator");
    let (_, me) = server.get(&issued[1].0, "/api/me").await;
    assert_eq!(me["actor"], format!("token:{}", issued[1].1));
    assert_eq!(me["display_name"], "facilitator");
    server.stop().await;
}

async fn two_guests_of_one_invite_are_two_people(backend: Backend) {
    let server = TestServer::start_on(backend).await;
    let board = Uuid::new_v4();
    let (status, body) = server
        .command(&server.owner, json!({"type": "CreateBoard", "board_id": board, "title": "Mapping", "template": "network_circle"}))
        .await;
    assert_eq!(status, 200, "{body}");
    let invite = server.invite(board, "theatre workshop").await;
    let (first, first_actor) = server.join(&invite, "Anna").await;
    let (second, second_actor) = server.join(&invite, "Anna").await;
    assert_ne!(first_actor, second_actor, "one display name, two people");
    // Private writing: each sees only their own note.
    let mut notes = Vec::new();
    for (guest, text) in [(&first, "Theatre group"), (&second, "Choir")] {
        let note = Uuid::new_v4();
        let (status, body) = server
            .command(guest, json!({"type": "AddNote", "board_id": board, "note_id": note, "text": text, "zone": {"level": "network"}}))
            .await;
        assert_eq!(status, 200, "{body}");
        notes.push(note);
    }
    let board_path = format!("{}/boards/{board}", workspaces_path(server.workspace_id));
    for (guest, own) in [(&first, notes[0]), (&second, notes[1])] {
        let (status, view) = server.get(guest, &board_path).await;
        assert_eq!(status, 200);
        let seen: Vec<&str> = view["notes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|note| note["note_id"].as_str().unwrap())
            .collect();
        assert_eq!(seen, vec![own.to_string().as_str()], "{view}");
        assert_eq!(view["hidden_notes"], 1, "{view}");
    }
    // Separate vote budgets.
    for phase in ["reveal", "grouping", "voting"] {
        let (status, body) = server
            .command(
                &server.owner,
                json!({"type": "AdvanceBoardPhase", "board_id": board, "to": phase}),
            )
            .await;
        assert_eq!(status, 200, "{body}");
    }
    let vote = json!({"type": "CastVote", "board_id": board, "note_id": notes[0]});
    let mut spent = false;
    for _ in 0..60 {
        let (status, body) = server.command(&first, vote.clone()).await;
        if status == 422 {
            assert_eq!(body["code"], "vote_budget_spent", "{body}");
            spent = true;
            break;
        }
        assert_eq!(status, 200, "{body}");
    }
    assert!(spent, "the first guest's budget ends");
    let (status, body) = server.command(&second, vote).await;
    assert_eq!(status, 200, "the second guest has their own budget: {body}");
    // Revoking the invite ends both guests' access.
    let invite_id = invite.split('_').nth(1).unwrap();
    let invite_id = Uuid::parse_str(invite_id).unwrap();
    let (status, _) = server
        .delete(
            &server.owner,
            &format!(
                "{}/tokens/{invite_id}",
                workspaces_path(server.workspace_id)
            ),
        )
        .await;
    assert_eq!(status, 204);
    for guest in [&first, &second] {
        let (status, body) = server.get(guest, &board_path).await;
        assert_eq!(status, 401, "{body}");
    }
    let (status, body) = server
        .post(
            "",
            "/api/join",
            json!({"invite": invite, "display_name": "Late"}),
        )
        .await;
    assert_eq!(status, 410, "{body}");
    assert_eq!(body["code"], "invite_revoked", "said in words: {body}");
    server.stop().await;
}

async fn a_guest_credential_is_in_the_log_and_works_on_another_node(backend: Backend) {
    let server = TestServer::start_on(backend).await;
    let board = Uuid::new_v4();
    server
        .command(&server.owner, json!({"type": "CreateBoard", "board_id": board, "title": "Mapping", "template": "network_circle"}))
        .await;
    let invite = server.invite(board, "guests").await;
    let (guest, actor) = server.join(&invite, "Bo").await;
    let head = server.state.store.head_position();
    let joined = server.state.store.read_all(head, 1).await.unwrap();
    assert_eq!(joined[0].event_type, "GuestJoined");
    assert_eq!(joined[0].metadata.actor, actor);
    assert!(
        !joined[0]
            .payload
            .to_string()
            .contains(guest.rsplit('_').next().unwrap()),
        "only the secret's hash is kept"
    );
    if backend == Backend::Postgres {
        let other = server.second_node().await;
        other.state.projections.wait_for(head).await;
        let (status, me) = other.get(&guest, "/api/me").await;
        assert_eq!(status, 200, "{me}");
        assert_eq!(me["actor"], actor.as_str());
        assert_eq!(me["display_name"], "Bo");
        other.stop().await;
    }
    server.stop().await;
}

async fn a_viewer_subscribes_to_the_present_not_the_history(backend: Backend) {
    let server = TestServer::start_on(backend).await;
    let viewer = server.member("viewer@test", "viewer").await;
    let mut ws = server.websocket().await;
    ws.hello(&viewer).await;
    ws.send(json!({"type": "subscribe", "workspace_id": server.workspace_id, "after_position": 0}))
        .await;
    let refused = ws.next_of("error").await;
    assert_eq!(refused["error"]["code"], "history_forbidden", "{refused}");
    assert!(refused["error"]["message"]
        .as_str()
        .unwrap()
        .contains("load the views over HTTP"));
    // From the position of the views it loaded, it follows.
    let (_, summary) = server
        .get(&viewer, &workspaces_path(server.workspace_id))
        .await;
    let position = summary["position"].as_u64().unwrap();
    ws.send(json!({"type": "subscribe", "workspace_id": server.workspace_id, "after_position": position}))
        .await;
    ws.next_of("subscribed").await;
    let (status, body) = server
        .command(&server.owner, json!({"type": "RegisterOrganisation", "organisation_id": Uuid::new_v4(), "name": "Musikskolen", "sector": "public", "level": "network", "reason": "met"}))
        .await;
    assert_eq!(status, 200, "{body}");
    let event = ws.next_of("event").await;
    assert_eq!(event["event_type"], "OrganisationRegistered");
    // An auditor may catch up from the beginning.
    let auditor = server.member("auditor@test", "auditor").await;
    let mut ws = server.websocket().await;
    ws.hello(&auditor).await;
    ws.send(json!({"type": "subscribe", "workspace_id": server.workspace_id, "after_position": 0}))
        .await;
    ws.next_of("subscribed").await;
    assert_eq!(ws.next_of("event").await["event_type"], "WorkspaceCreated");
    server.stop().await;
}

async fn a_position_beyond_the_head_is_refused(backend: Backend) {
    let server = TestServer::start_on(backend).await;
    let mut ws = server.websocket().await;
    ws.hello(&server.owner).await;
    for position in [
        json!(u64::MAX),
        json!(server.state.store.head_position() + 1),
    ] {
        ws.send(json!({"type": "subscribe", "workspace_id": server.workspace_id, "after_position": position}))
            .await;
        let refused = ws.next_of("error").await;
        assert_eq!(
            refused["error"]["code"], "position_beyond_head",
            "{refused}"
        );
    }
    // The connection and the server live on.
    ws.send(json!({"type": "ping", "nonce": "still here"}))
        .await;
    assert_eq!(ws.next_of("pong").await["nonce"], "still here");
    let (status, _) = server.get("", "/healthz").await;
    assert_eq!(status, 200);
    server.stop().await;
}

async fn an_open_socket_closes_when_its_access_ends(backend: Backend) {
    let server = TestServer::start_on(backend).await;
    let base = workspaces_path(server.workspace_id);
    let subscribed = |token: String| {
        let server = &server;
        async move {
            let mut ws = server.websocket().await;
            ws.hello(&token).await;
            ws.send(json!({"type": "subscribe", "workspace_id": server.workspace_id}))
                .await;
            ws.next_of("subscribed").await;
            ws
        }
    };
    // A revoked API token.
    let (status, issued) = server
        .post(
            &server.owner,
            &format!("{base}/tokens"),
            json!({"label": "dashboard", "role": "viewer"}),
        )
        .await;
    assert_eq!(status, 201);
    let mut ws = subscribed(issued["token"].as_str().unwrap().to_owned()).await;
    let (status, _) = server
        .delete(
            &server.owner,
            &format!("{base}/tokens/{}", issued["token_id"].as_str().unwrap()),
        )
        .await;
    assert_eq!(status, 204);
    assert_eq!(
        until_closed(&mut ws).await,
        (4003, Some("access_ended".to_owned()))
    );
    // A member removed from the workspace.
    let editor = server.member("editor@test", "editor").await;
    let mut ws = subscribed(editor).await;
    let (status, _) = server
        .delete(&server.owner, &format!("{base}/members/editor@test"))
        .await;
    assert_eq!(status, 204);
    assert_eq!(
        until_closed(&mut ws).await,
        (4003, Some("access_ended".to_owned()))
    );
    // A guest whose invite is revoked.
    let board = Uuid::new_v4();
    server
        .command(&server.owner, json!({"type": "CreateBoard", "board_id": board, "title": "Mapping", "template": "network_circle"}))
        .await;
    let invite = server.invite(board, "guests").await;
    let (guest, _) = server.join(&invite, "Bo").await;
    let mut ws = subscribed(guest).await;
    let invite_id = Uuid::parse_str(invite.split('_').nth(1).unwrap()).unwrap();
    let (status, _) = server
        .delete(&server.owner, &format!("{base}/tokens/{invite_id}"))
        .await;
    assert_eq!(status, 204);
    assert_eq!(
        until_closed(&mut ws).await,
        (4003, Some("access_ended".to_owned()))
    );
    server.stop().await;
}

async fn an_invite_joins_but_never_acts(backend: Backend) {
    let server = TestServer::start_on(backend).await;
    let board = Uuid::new_v4();
    server
        .command(&server.owner, json!({"type": "CreateBoard", "board_id": board, "title": "Mapping", "template": "network_circle"}))
        .await;
    let invite = server.invite(board, "guests").await;
    let (status, body) = server.get(&invite, "/api/me").await;
    assert_eq!(status, 401, "{body}");
    let mut ws = server.websocket().await;
    ws.send(json!({"type": "hello", "token": invite})).await;
    let refused: Value = ws.next_of("error").await;
    assert_eq!(refused["error"]["code"], "unauthenticated");
    // Bad joins are refused in words.
    for (body, status) in [
        (json!({"invite": invite, "display_name": "  "}), 400),
        (json!({"invite": "ph_nothing", "display_name": "Bo"}), 404),
        // A session token is no invite: as unknown as a made-up one.
        (json!({"invite": server.owner, "display_name": "Bo"}), 404),
    ] {
        let (answered, answer) = server.post("", "/api/join", body.clone()).await;
        assert_eq!(answered, status, "{body}: {answer}");
        assert!(answer["message"].as_str().is_some_and(|m| !m.is_empty()));
    }
    server.stop().await;
}

on_every_backend!(
    nobody_takes_over_a_workspace_by_creating_it_again,
    a_command_id_answers_only_whoever_ran_it_where_they_ran_it,
    a_second_token_with_the_facilitators_label_is_not_the_facilitator,
    two_guests_of_one_invite_are_two_people,
    a_guest_credential_is_in_the_log_and_works_on_another_node,
    a_viewer_subscribes_to_the_present_not_the_history,
    a_position_beyond_the_head_is_refused,
    an_open_socket_closes_when_its_access_ends,
    an_invite_joins_but_never_acts,
);
