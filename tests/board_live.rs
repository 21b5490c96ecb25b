//! The workshop board's facilitation end to end on 127.0.0.1: "bring everyone here" reaches
//! those on the board (only from the facilitator, never logged), presence says which zone
//! someone is on where pointers are shown, the facilitation is handed to a member (by the
//! facilitator or an owner) and the tools follow, and a vote opened with a cap per note
//! refuses the dot over it in words; a private note on a board made while its members
//! followed live is its author's own. Each test runs on sled and on PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a panic is how a test reports failure

mod common;

use common::{on_every_backend, Backend, TestServer};
use serde_json::{json, Value};
use uuid::Uuid;

/// A free board the owner facilitates, moved to `phase` (through the phases before it).
async fn board_in(server: &TestServer, phase: &str) -> Uuid {
    let board = Uuid::new_v4();
    let (status, body) = server
        .command(&server.owner, json!({"type": "CreateBoard", "board_id": board, "title": "Staff day", "template": "free"}))
        .await;
    assert_eq!(status, 200, "{body}");
    for to in ["reveal", "grouping", "voting", "discussion"] {
        if to == phase {
            break;
        }
        let (status, body) = advance(server, &server.owner, board, json!({"to": to})).await;
        assert_eq!(status, 200, "{body}");
    }
    if phase != "writing" {
        let (status, body) = advance(server, &server.owner, board, json!({"to": phase})).await;
        assert_eq!(status, 200, "{body}");
    }
    board
}

async fn advance(server: &TestServer, token: &str, board: Uuid, rest: Value) -> (u16, Value) {
    let mut command = json!({"type": "AdvanceBoardPhase", "board_id": board});
    for (key, value) in rest.as_object().unwrap() {
        command[key] = value.clone();
    }
    server.command(token, command).await
}

async fn board_view(server: &TestServer, token: &str, board: Uuid) -> Value {
    let (status, body) = server
        .get(
            token,
            &format!("/api/workspaces/{}/boards/{board}", server.workspace_id),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    body
}

/// A websocket of `token` following `board` (or the whole workspace).
async fn follower(server: &TestServer, token: &str, board: Option<Uuid>) -> common::Ws {
    let mut client = server.websocket().await;
    client.hello(token).await;
    let mut subscribe = json!({"type": "subscribe", "workspace_id": server.workspace_id});
    if let Some(board) = board {
        subscribe["board_id"] = json!(board);
    }
    client.send(subscribe).await;
    client.next_of("subscribed").await;
    client
}

/// The frames a client gets until the pong of a ping sent now (presence skipped).
async fn until_pong(client: &mut common::Ws) -> Vec<Value> {
    client.send(json!({"type": "ping", "nonce": "end"})).await;
    let mut frames = Vec::new();
    loop {
        let frame = client.next().await;
        match frame["type"].as_str() {
            Some("pong") => return frames,
            Some("presence") => {}
            _ => frames.push(frame),
        }
    }
}

async fn bring_everyone_here_reaches_those_on_the_board_from_the_facilitator_only(
    backend: Backend,
) {
    let server = TestServer::start_on(backend).await;
    let editor = server.member("anna@test", "editor").await;
    let board = board_in(&server, "reveal").await;
    let invite = server.invite(board, "Staff day").await;
    let (guest, _) = server.join(&invite, "Gitte").await;
    let workspace = server.workspace_id;
    let mut owner = follower(&server, &server.owner, Some(board)).await;
    let owner_actor = board_view(&server, &server.owner, board).await["facilitator"].clone();
    let mut anna = follower(&server, &editor, Some(board)).await;
    let mut gitte = follower(&server, &guest, Some(board)).await;
    let mut on_the_map = follower(&server, &editor, None).await;
    let head = server.state.store.head_position();

    for (client, who) in [(&mut anna, "an editor"), (&mut gitte, "a guest")] {
        client
            .send(json!({"type": "summon", "workspace_id": workspace, "board_id": board}))
            .await;
        let refused = client.next_of("error").await;
        assert_eq!(
            refused["error"]["code"], "not_facilitator",
            "{who}: {refused}"
        );
        assert!(
            refused["error"]["message"]
                .as_str()
                .unwrap()
                .contains("only the board's facilitator"),
            "{refused}"
        );
    }
    for client in [&mut anna, &mut gitte] {
        assert!(
            until_pong(client).await.is_empty(),
            "nobody was summoned by them"
        );
    }

    owner
        .send(json!({"type": "summon", "workspace_id": workspace, "board_id": board, "zone": {"label": "Ideas"}}))
        .await;
    for client in [&mut anna, &mut gitte] {
        let summoned = client.next_of("summoned").await;
        assert_eq!(
            summoned,
            json!({"type": "summoned", "workspace_id": workspace, "board_id": board, "facilitator": owner_actor, "zone": {"label": "Ideas"}})
        );
    }
    assert!(
        until_pong(&mut on_the_map).await.is_empty(),
        "those on the map are not pulled onto the board"
    );
    assert_eq!(
        server.state.store.head_position(),
        head,
        "a summons is never logged"
    );
    server.stop().await;
}

async fn presence_on_a_board_says_the_zone_only_where_pointers_are_shown(backend: Backend) {
    let server = TestServer::start_on(backend).await;
    let editor = server.member("anna@test", "editor").await;
    let board = board_in(&server, "reveal").await;
    let workspace = server.workspace_id;
    let mut owner = follower(&server, &server.owner, Some(board)).await;
    let mut anna = follower(&server, &editor, Some(board)).await;

    anna.send(json!({"type": "presence", "workspace_id": workspace, "board_id": board, "cursor": {"x": 0.25, "y": 0.75}, "zone": {"label": "Ideas"}}))
        .await;
    let seen = owner.next_of("presence").await;
    assert_eq!(seen["actor"], "anna@test");
    assert_eq!(seen["zone"], json!({"label": "Ideas"}));
    assert_eq!(seen["cursor"], json!({"x": 0.25, "y": 0.75}));

    for to in ["grouping", "voting"] {
        let (status, body) = advance(&server, &server.owner, board, json!({"to": to})).await;
        assert_eq!(status, 200, "{body}");
    }
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    anna.send(json!({"type": "presence", "workspace_id": workspace, "board_id": board, "cursor": {"x": 0.5, "y": 0.5}, "zone": {"label": "Ideas"}}))
        .await;
    let hidden = loop {
        let frame = owner.next().await;
        if frame["type"] == "presence" && frame["actor"] == "anna@test" {
            break frame;
        }
    };
    assert!(
        hidden.get("zone").is_none_or(Value::is_null)
            && hidden.get("cursor").is_none_or(Value::is_null),
        "in the anonymous vote others learn only that she is there: {hidden}"
    );
    server.stop().await;
}

async fn the_facilitation_is_handed_to_a_member_and_the_tools_follow(backend: Backend) {
    let server = TestServer::start_on(backend).await;
    let anna = server.member("anna@test", "editor").await;
    let bo = server.member("bo@test", "editor").await;
    let vera = server.member("vera@test", "viewer").await;
    let board = board_in(&server, "reveal").await;
    let invite = server.invite(board, "Staff day").await;
    let (guest, guest_actor) = server.join(&invite, "Gitte").await;
    let hand = |to: &str| json!({"type": "HandFacilitation", "board_id": board, "to": to});

    let (status, body) = server.command(&anna, hand("bo@test")).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (422, Some("facilitation_not_yours")),
        "{body}"
    );
    for to in [guest_actor.as_str(), "vera@test", "nobody@test"] {
        let (status, body) = server.command(&server.owner, hand(to)).await;
        assert_eq!(
            (status, body["code"].as_str()),
            (422, Some("facilitator_not_member")),
            "{to}: {body}"
        );
    }
    let (status, body) = server.command(&guest, hand("anna@test")).await;
    assert_eq!(status, 403, "a guest hands nothing: {body}");

    let (status, body) = server.command(&server.owner, hand("anna@test")).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        board_view(&server, &bo, board).await["facilitator"],
        "anna@test"
    );
    let lock = json!({"type": "LockBoard", "board_id": board});
    let (status, body) = server.command(&server.owner, lock.clone()).await;
    assert_eq!(body["code"], "not_facilitator", "{status} {body}");
    let (status, body) = server.command(&anna, lock).await;
    assert_eq!(status, 200, "the new facilitator's tools work: {body}");

    // Anna hands it to Bo; the owner, who no longer facilitates, may take it back for Anna.
    let (status, body) = server.command(&anna, hand("bo@test")).await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = server.command(&server.owner, hand("anna@test")).await;
    assert_eq!(
        status, 200,
        "an owner hands on any board's facilitation: {body}"
    );
    let unlock = json!({"type": "UnlockBoard", "board_id": board});
    let (_, body) = server.command(&bo, unlock).await;
    assert_eq!(body["code"], "not_facilitator", "{body}");

    // Each reader is told their role, so the app shows viewers no controls.
    assert_eq!(board_view(&server, &vera, board).await["my_role"], "viewer");
    assert_eq!(board_view(&server, &guest, board).await["my_role"], "guest");
    assert_eq!(board_view(&server, &anna, board).await["my_role"], "editor");
    server.stop().await;
}

async fn a_vote_with_a_cap_per_note_refuses_the_dot_over_it_in_words(backend: Backend) {
    let server = TestServer::start_on(backend).await;
    let anna = server.member("anna@test", "editor").await;
    let board = board_in(&server, "grouping").await;
    assert_eq!(
        board_view(&server, &anna, board).await["vote_budget"],
        5,
        "five dots each by default"
    );
    let note = Uuid::new_v4();
    let (status, body) = server
        .command(
            &anna,
            json!({"type": "AddNote", "board_id": board, "note_id": note, "text": "Makerspace"}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = advance(
        &server,
        &server.owner,
        board,
        json!({"to": "voting", "vote_budget": 4, "note_cap": 2}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let view = board_view(&server, &anna, board).await;
    assert_eq!(
        (view["vote_budget"].clone(), view["note_cap"].clone()),
        (json!(4), json!(2))
    );

    let dot = json!({"type": "CastVote", "board_id": board, "note_id": note});
    for _ in 0..2 {
        let (status, body) = server.command(&anna, dot.clone()).await;
        assert_eq!(status, 200, "{body}");
    }
    let (status, body) = server.command(&anna, dot).await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["code"], "note_cap_reached");
    assert_eq!(body["details"]["cap"], 2);
    assert_eq!(
        body["message"],
        "you have placed 2 dots on this note, the most this vote allows on one note; place the others elsewhere"
    );
    assert_eq!(board_view(&server, &anna, board).await["my_votes_left"], 2);

    // Another board skips the vote: from grouping straight to the discussion.
    let other = board_in(&server, "grouping").await;
    let (status, body) = advance(&server, &server.owner, other, json!({"to": "discussion"})).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        board_view(&server, &anna, other).await["phase"],
        "discussion"
    );
    server.stop().await;
}

/// A board created while its members already follow the workspace live (through the hub's
/// fan-out, where readers of the same person share what they know of the boards' keys): the
/// key is made only at the first sealed act, after everyone saw the board created without
/// one. A private note is still its author's own, live: the author reads its text, the others
/// do not.
async fn a_private_note_on_a_board_made_while_following_live_is_its_authors_own(backend: Backend) {
    let server = TestServer::start_on(backend).await;
    let editor = server.member("bo@test", "editor").await;
    let mut owner = follower(&server, &server.owner, None).await;
    let mut author = follower(&server, &editor, None).await;
    // Writing, anonymous: a note is appended under its author's sealed name.
    let board = Uuid::new_v4();
    let (status, body) = server
        .command(&server.owner, json!({"type": "CreateBoard", "board_id": board, "title": "Staff day", "template": "free"}))
        .await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = server
        .command(&editor, json!({"type": "AddNote", "board_id": board, "note_id": Uuid::new_v4(), "text": "only mine for now", "x": 1, "y": 2}))
        .await;
    assert_eq!(status, 200, "{body}");
    let own = author.next_of_event_type("NoteAdded").await;
    assert_eq!(own["payload"]["text"], "only mine for now", "{own}");
    let others = until_pong(&mut owner).await;
    assert!(
        others
            .iter()
            .all(|frame| !frame.to_string().contains("only mine for now")),
        "another does not read it: {others:?}"
    );
    server.stop().await;
}

on_every_backend!(
    bring_everyone_here_reaches_those_on_the_board_from_the_facilitator_only,
    presence_on_a_board_says_the_zone_only_where_pointers_are_shown,
    the_facilitation_is_handed_to_a_member_and_the_tools_follow,
    a_vote_with_a_cap_per_note_refuses_the_dot_over_it_in_words,
    a_private_note_on_a_board_made_while_following_live_is_its_authors_own,
);
