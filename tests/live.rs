//! The live collaboration server end to end on 127.0.0.1: two clients see each other's
//! changes live and in the same order, resume after a dropped connection without gap or
//! duplicate (also after closing their socket while following live, as a browser going
//! offline does: the close is answered at once), a concurrent agreement amendment loses with
//! 409 / reject while the winner's text is kept, slow consumers fall back to catch-up (or are
//! closed with 4008) while fast ones keep up, and shutdown closes sockets with 1001. Each test
//! runs on sled and on PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a panic is how a test reports failure

mod common;

use common::{on_every_backend, Backend, Frame, TestServer};
use serde_json::{json, Value};
use uuid::Uuid;

fn note(board: Uuid, text: &str) -> serde_json::Value {
    json!({"type": "AddNote", "board_id": board, "note_id": Uuid::new_v4(), "text": text, "x": 1, "y": 2})
}

async fn board(server: &TestServer) -> Uuid {
    let board = Uuid::new_v4();
    let (status, body) = server
        .command(&server.owner, json!({"type": "CreateBoard", "board_id": board, "title": "Staff day", "template": "free"}))
        .await;
    assert_eq!(status, 200, "{body}");
    // Past the private writing phase, so everyone sees everyone's notes.
    let (status, body) = server
        .command(
            &server.owner,
            json!({"type": "AdvanceBoardPhase", "board_id": board, "to": "reveal"}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    board
}

/// Two websockets on the workspace, the owner's and `colleague`'s, each said hello and
/// subscribed from now.
async fn owner_and_colleague_subscribed(
    server: &TestServer,
    colleague: &str,
) -> (common::Ws, common::Ws) {
    let mut first = server.websocket().await;
    let mut second = server.websocket().await;
    first.hello(&server.owner).await;
    second.hello(colleague).await;
    for client in [&mut first, &mut second] {
        client
            .send(json!({"type": "subscribe", "workspace_id": server.workspace_id}))
            .await;
        client.next_of("subscribed").await;
    }
    (first, second)
}

async fn two_clients_see_each_others_changes_live_and_in_the_same_order(backend: Backend) {
    let server = TestServer::start_on(backend).await;
    let editor = server.member("anna@test", "editor").await;
    let board = board(&server).await;
    let (mut first, mut second) = owner_and_colleague_subscribed(&server, &editor).await;
    let mut sent = Vec::new();
    for index in 0..10 {
        let command_id = Uuid::new_v4();
        let (client, who) = if index % 2 == 0 {
            (&mut first, "first")
        } else {
            (&mut second, "second")
        };
        client
            .send(json!({"type": "command", "workspace_id": server.workspace_id, "command_id": command_id, "command": note(board, &format!("{who} {index}"))}))
            .await;
        sent.push(command_id);
    }
    let mut orders = Vec::new();
    for client in [&mut first, &mut second] {
        let mut positions = Vec::new();
        let mut acks = 0;
        while positions.len() < 10 || acks < 5 {
            let frame = client.next().await;
            match frame["type"].as_str().unwrap() {
                "event" => {
                    assert_eq!(frame["event_type"], "NoteAdded");
                    positions.push((
                        frame["position"].as_u64().unwrap(),
                        frame["payload"]["text"].clone(),
                    ));
                }
                "ack" => acks += 1,
                "presence" => {}
                other => panic!("unexpected {other}: {frame}"),
            }
        }
        orders.push(positions);
    }
    assert_eq!(
        orders[0], orders[1],
        "both clients see the same events in the same order"
    );
    assert!(orders[0].windows(2).all(|pair| pair[0].0 < pair[1].0));
    let texts: Vec<String> = orders[0]
        .iter()
        .map(|(_, text)| text.as_str().unwrap().to_owned())
        .collect();
    assert!(texts.contains(&"first 0".to_owned()) && texts.contains(&"second 9".to_owned()));
    // The actor of each event is who sent it.
    server.stop().await;
}

async fn a_client_that_reconnects_gets_exactly_what_it_missed(backend: Backend) {
    let server = TestServer::start_on(backend).await;
    let board = board(&server).await;
    let mut client = server.websocket().await;
    client.hello(&server.owner).await;
    client
        .send(json!({"type": "subscribe", "workspace_id": server.workspace_id}))
        .await;
    client.next_of("subscribed").await;
    for index in 0..3 {
        server
            .command(&server.owner, note(board, &format!("before {index}")))
            .await;
    }
    let mut last_seen = 0;
    for _ in 0..3 {
        last_seen = client.next_of("event").await["position"].as_u64().unwrap();
    }
    drop(client); // the connection drops

    let mut missed = Vec::new();
    for index in 0..25 {
        let (_, body) = server
            .command(&server.owner, note(board, &format!("missed {index}")))
            .await;
        missed.push(body["last_position"].as_u64().unwrap());
    }
    let mut client = server.websocket().await;
    client.hello(&server.owner).await;
    client
        .send(json!({"type": "subscribe", "workspace_id": server.workspace_id, "after_position": last_seen}))
        .await;
    let subscribed = client.next_of("subscribed").await;
    assert_eq!(subscribed["after_position"], last_seen);
    // Live events arrive too, while the catch-up runs.
    let live = tokio::spawn({
        let server_url = server.url("");
        let token = server.owner.clone();
        let workspace = server.workspace_id;
        async move {
            let http = reqwest::Client::new();
            let mut positions = Vec::new();
            for index in 0..5 {
                let body: serde_json::Value = http
                    .post(format!("{server_url}/api/workspaces/{workspace}/commands"))
                    .bearer_auth(&token)
                    .json(&json!({"command": note(board, &format!("live {index}"))}))
                    .send()
                    .await
                    .unwrap()
                    .json()
                    .await
                    .unwrap();
                positions.push(body["last_position"].as_u64().unwrap());
            }
            positions
        }
    });
    let live_positions = live.await.unwrap();
    let mut received = Vec::new();
    while received.len() < missed.len() + live_positions.len() {
        received.push(client.next_of("event").await["position"].as_u64().unwrap());
    }
    let mut expected = missed.clone();
    expected.extend(&live_positions);
    assert_eq!(received, expected, "no gap, no duplicate, in order");
    server.stop().await;
}

async fn concurrent_agreement_amendments_keep_the_winner_and_tell_the_loser(backend: Backend) {
    let server = TestServer::start_on(backend).await;
    let editor = server.member("anna@test", "editor").await;
    let partnership = Uuid::new_v4();
    let (status, body) = server
        .command(&server.owner, json!({"type": "ProposePartnership", "partnership_id": partnership, "title": "Festival area", "form": {"kind": "frame"}}))
        .await;
    assert_eq!(status, 200, "{body}");
    let amend = |text: &str| json!({"type": "AmendAgreement", "partnership_id": partnership, "expected_version": 0, "sections": {"purpose": text}});
    // Over HTTP: both read version 0; the second loses.
    let (first, _) = server
        .command(&server.owner, amend("A calm area for festival guests"))
        .await;
    let (second, conflict) = server
        .command(&editor, amend("A loud area for festival guests"))
        .await;
    assert_eq!(first, 200);
    assert_eq!(second, 409, "{conflict}");
    assert_eq!(conflict["code"], "version_conflict");
    assert_eq!(conflict["details"]["expected"], 0);
    assert_eq!(conflict["details"]["actual"], 1);
    // Over the websocket, the loser gets a reject with the same code.
    let mut client = server.websocket().await;
    client.hello(&editor).await;
    let command_id = Uuid::new_v4();
    client
        .send(json!({"type": "command", "workspace_id": server.workspace_id, "command_id": command_id, "command": amend("Another text")}))
        .await;
    let reject = client.next_of("reject").await;
    assert_eq!(reject["command_id"], command_id.to_string());
    assert_eq!(reject["error"]["code"], "version_conflict");
    let (_, file) = server
        .get(
            &server.owner,
            &format!(
                "/api/workspaces/{}/partnerships/{partnership}",
                server.workspace_id
            ),
        )
        .await;
    assert_eq!(file["agreement"]["version"], 1);
    assert_eq!(
        file["agreement"]["sections"]["purpose"],
        "A calm area for festival guests"
    );

    // Truly concurrent amendments: exactly one wins.
    let partnership_two = Uuid::new_v4();
    server
        .command(&server.owner, json!({"type": "ProposePartnership", "partnership_id": partnership_two, "title": "Museum", "form": {"kind": "frame"}}))
        .await;
    let mut tasks = Vec::new();
    for index in 0..6 {
        let url = server.url(&format!("/api/workspaces/{}/commands", server.workspace_id));
        let token = if index % 2 == 0 {
            server.owner.clone()
        } else {
            editor.clone()
        };
        tasks.push(tokio::spawn(async move {
            reqwest::Client::new()
                .post(url)
                .bearer_auth(token)
                .json(&json!({"command": {"type": "AmendAgreement", "partnership_id": partnership_two, "expected_version": 0, "sections": {"purpose": format!("text {index}")}}}))
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }));
    }
    let mut statuses = Vec::new();
    for task in tasks {
        statuses.push(task.await.unwrap());
    }
    assert_eq!(
        statuses.iter().filter(|status| **status == 200).count(),
        1,
        "{statuses:?}"
    );
    assert!(
        statuses
            .iter()
            .all(|status| *status == 200 || *status == 409),
        "{statuses:?}"
    );
    server.stop().await;
}

async fn a_slow_consumer_catches_up_from_the_store_while_a_fast_one_keeps_up(backend: Backend) {
    let limits = partnerhub::app_state::Limits {
        connection_queue: 4,
        // The writer appends as fast as it can through one token.
        http_commands_per_second: 1_000_000,
        ..partnerhub::app_state::Limits::default()
    };
    let server = TestServer::start_on_with(backend, limits).await;
    let board = board(&server).await;
    let mut fast = server.websocket().await;
    let mut slow = server.websocket().await;
    for client in [&mut fast, &mut slow] {
        client.hello(&server.owner).await;
        client
            .send(json!({"type": "subscribe", "workspace_id": server.workspace_id}))
            .await;
        client.next_of("subscribed").await;
    }
    // Far more events than the live channel (4096) and the queue (4) hold, while `slow`
    // reads nothing and `fast` reads everything as it comes.
    let total = 4500;
    let writer = tokio::spawn({
        let url = server.url(&format!("/api/workspaces/{}/commands", server.workspace_id));
        let token = server.owner.clone();
        async move {
            let http = reqwest::Client::new();
            let mut writers = Vec::new();
            for lane in 0..8 {
                let (http, url, token) = (http.clone(), url.clone(), token.clone());
                writers.push(tokio::spawn(async move {
                    for index in 0..total / 8 {
                        let response = http
                            .post(&url)
                            .bearer_auth(&token)
                            .json(&json!({"command": note(board, &format!("{lane}-{index}"))}))
                            .send()
                            .await
                            .unwrap();
                        assert_eq!(response.status().as_u16(), 200);
                    }
                }));
            }
            for writer in writers {
                writer.await.unwrap();
            }
        }
    });
    let mut fast_positions = Vec::new();
    while fast_positions.len() < total / 8 * 8 {
        fast_positions.push(fast.next_of("event").await["position"].as_u64().unwrap());
    }
    writer.await.unwrap();
    assert!(
        fast_positions.windows(2).all(|pair| pair[0] < pair[1]),
        "the fast client sees every event in order"
    );
    // The fast client got everything while the slow one had read nothing at all. Now the
    // slow one reads: every event, in order, caught up from the store.
    let mut slow_positions = Vec::new();
    while slow_positions.len() < fast_positions.len() {
        slow_positions.push(slow.next_of("event").await["position"].as_u64().unwrap());
    }
    assert_eq!(slow_positions, fast_positions);
    server.stop().await;
}

async fn shutdown_closes_sockets_with_going_away_after_finishing_their_work(backend: Backend) {
    let server = TestServer::start_on(backend).await;
    let board = board(&server).await;
    let mut client = server.websocket().await;
    client.hello(&server.owner).await;
    let command_id = Uuid::new_v4();
    client
        .send(json!({"type": "command", "workspace_id": server.workspace_id, "command_id": command_id, "command": note(board, "last words")}))
        .await;
    let ack = client.next_of("ack").await;
    let position = ack["last_position"].as_u64().unwrap();
    let store = server.state.store.clone();
    server.stop().await;
    match client.next_frame().await {
        Frame::Closed(code, reason) => {
            assert_eq!(code, 1001, "{reason}");
            assert!(reason.contains("shutting down"), "{reason}");
        }
        Frame::Json(frame) => panic!("expected a close, got {frame}"),
    }
    assert!(
        store.head_position() >= position,
        "the acknowledged command is durable"
    );
}

async fn a_client_that_cannot_keep_up_even_so_is_closed_with_4008(backend: Backend) {
    let limits = partnerhub::app_state::Limits {
        connection_queue: 2,
        slow_client_timeout: std::time::Duration::from_millis(300),
        // The 61 commands below come as fast as the server answers (faster than the default
        // 50 per second in a release build); this test is not about rate limits.
        http_commands_per_second: 1_000,
        ..partnerhub::app_state::Limits::default()
    };
    let server = TestServer::start_on_with(backend, limits).await;
    let board = board(&server).await;
    // A client with a tiny receive buffer that stops reading after subscribing.
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.set_recv_buffer_size(4096).unwrap();
    let stream = socket.connect(server.address).await.unwrap();
    let (stream, _) = tokio_tungstenite::client_async(
        format!("ws://{}/ws", server.address),
        tokio_tungstenite::MaybeTlsStream::Plain(stream),
    )
    .await
    .unwrap();
    let mut slow = common::Ws { stream };
    slow.hello(&server.owner).await;
    slow.send(json!({"type": "subscribe", "workspace_id": server.workspace_id}))
        .await;
    slow.next_of("subscribed").await;
    // More than the server's socket buffers hold (up to 4 MiB on Linux).
    // More than the server's socket buffers hold (up to 4 MiB on Linux), in few commands:
    // agreement amendments whose events carry every section's text before and after.
    let partnership = Uuid::new_v4();
    server
        .command(&server.owner, json!({"type": "ProposePartnership", "partnership_id": partnership, "title": "Festival area", "form": {"kind": "frame"}}))
        .await;
    let sections = [
        "purpose",
        "expectations",
        "roles",
        "results",
        "resources",
        "duration",
        "communication",
        "exit",
    ];
    for version in 0..60u32 {
        let text = format!(
            "version {version}: {}",
            "clear agreements make good partners. ".repeat(500)
        );
        let body: serde_json::Map<String, serde_json::Value> = sections
            .iter()
            .map(|section| ((*section).to_owned(), json!(text)))
            .collect();
        let (status, answer) = server
            .command(&server.owner, json!({"type": "AmendAgreement", "partnership_id": partnership, "expected_version": version, "sections": body}))
            .await;
        assert_eq!(status, 200, "{answer}");
    }
    let _ = board;
    // Still not reading for longer than the server's patience, however fast the commands
    // above went (in a release build they can all be done before it runs out).
    tokio::time::sleep(std::time::Duration::from_secs(1)).await;
    // Now read: events that were already on their way, then the close that says why.
    let closed = loop {
        match slow.next_frame().await {
            Frame::Json(_) => continue,
            Frame::Closed(code, reason) => break (code, reason),
        }
    };
    assert_eq!(closed.0, 4008, "{}", closed.1);
    assert!(closed.1.contains("could not keep up"), "{}", closed.1);
    drop(slow);
    // Other clients are unaffected.
    let mut fine = server.websocket().await;
    fine.hello(&server.owner).await;
    server.stop().await;
}

async fn presence_is_relayed_to_the_others_throttled_and_never_logged(backend: Backend) {
    let server = TestServer::start_on(backend).await;
    let editor = server.member("anna@test", "editor").await;
    let board = board(&server).await;
    let mut owner = server.websocket().await;
    let mut anna = server.websocket().await;
    owner.hello(&server.owner).await;
    anna.hello(&editor).await;
    for client in [&mut owner, &mut anna] {
        client
            .send(json!({"type": "subscribe", "workspace_id": server.workspace_id}))
            .await;
        client.next_of("subscribed").await;
    }
    let head = server.state.store.head_position();
    let note = Uuid::new_v4();
    for step in 0..40 {
        anna.send(json!({"type": "presence", "workspace_id": server.workspace_id, "board_id": board, "selection": note, "cursor": {"x": f64::from(step), "y": 2.0}}))
            .await;
    }
    anna.send(json!({"type": "ping", "nonce": "done"})).await;
    assert_eq!(
        anna.next_of("pong").await["nonce"],
        "done",
        "nobody echoes your own presence back"
    );
    let first = owner.next().await;
    assert_eq!(first["type"], "presence");
    assert_eq!(first["actor"], "anna@test");
    assert_eq!(first["selection"], note.to_string());
    assert_eq!(first["left"], false);
    // Throttled: of 40 updates in a burst, about the per-second allowance (20) is relayed,
    // plus what refills while the burst is read. Once the allowance has refilled, one more
    // update marks the end: the relay keeps one sender's order, so everything before it has
    // arrived when it does (a ping would race the relay).
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    anna.send(json!({"type": "presence", "workspace_id": server.workspace_id, "board_id": board, "selection": note, "cursor": {"x": 999.0, "y": 2.0}}))
        .await;
    let mut relayed = 1;
    loop {
        let frame = owner.next().await;
        assert_eq!(frame["type"], "presence", "{frame}");
        if frame["cursor"]["x"] == 999.0 {
            break;
        }
        relayed += 1;
    }
    assert!(
        (20..=25).contains(&relayed),
        "{relayed} presence updates relayed"
    );
    assert_eq!(
        server.state.store.head_position(),
        head,
        "presence is never logged"
    );
    // In an anonymous phase (the vote), others learn that anna is on the board, not what she
    // points at: a selected note could tell whose it is.
    for to in ["grouping", "voting"] {
        let (status, body) = server
            .command(
                &server.owner,
                json!({"type": "AdvanceBoardPhase", "board_id": board, "to": to}),
            )
            .await;
        assert_eq!(status, 200, "{body}");
    }
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    anna.send(json!({"type": "presence", "workspace_id": server.workspace_id, "board_id": board, "selection": note, "cursor": {"x": 5.0, "y": 2.0}}))
        .await;
    // The phase changes' events come first.
    let anonymous = loop {
        let frame = owner.next().await;
        if frame["type"] == "presence" {
            break frame;
        }
        assert_eq!(frame["type"], "event", "{frame}");
    };
    assert_eq!(anonymous["actor"], "anna@test");
    assert!(
        anonymous.get("selection").is_none_or(Value::is_null)
            && anonymous.get("cursor").is_none_or(Value::is_null),
        "{anonymous}"
    );
    drop(anna);
    let left = owner.next_of("presence").await;
    assert_eq!(left["left"], true);
    assert_eq!(left["actor"], "anna@test");
    server.stop().await;
}

async fn roles_hold_over_the_websocket_too(backend: Backend) {
    let server = TestServer::start_on(backend).await;
    let viewer = server.member("viewer@test", "viewer").await;
    let auditor = server.member("auditor@test", "auditor").await;
    for (token, reads_history) in [(&viewer, false), (&auditor, true)] {
        let mut client = server.websocket().await;
        client.hello(token).await;
        client.send(json!({"type": "subscribe", "workspace_id": server.workspace_id, "after_position": 0})).await;
        if reads_history {
            client.next_of("subscribed").await;
            assert_eq!(
                client.next_of("event").await["event_type"],
                "WorkspaceCreated"
            );
        } else {
            let refused = client.next_of("error").await;
            assert_eq!(refused["error"]["code"], "history_forbidden", "{refused}");
        }
        let command_id = Uuid::new_v4();
        client
            .send(json!({"type": "command", "workspace_id": server.workspace_id, "command_id": command_id, "command": {"type": "AddAsset", "asset_id": Uuid::new_v4(), "category": "trust", "title": "x"}}))
            .await;
        let reject = client.next_of("reject").await;
        assert_eq!(reject["error"]["code"], "forbidden");
    }
    server.stop().await;
}

/// Everyone the late joiner should be told of, by actor, from the frames after `subscribed`
/// (a ping marks the end: the snapshot is sent before the server reads the next message).
async fn presence_snapshot(
    client: &mut common::Ws,
    workspace_id: Uuid,
    board_id: Option<Uuid>,
) -> Vec<Value> {
    let mut subscribe = json!({"type": "subscribe", "workspace_id": workspace_id});
    if let Some(board_id) = board_id {
        subscribe["board_id"] = json!(board_id);
    }
    client.send(subscribe).await;
    assert_eq!(client.next().await["type"], "subscribed");
    client.send(json!({"type": "ping", "nonce": "end"})).await;
    let mut present = Vec::new();
    loop {
        let frame = client.next().await;
        match frame["type"].as_str() {
            Some("pong") => break,
            Some("presence") => present.push(frame),
            _ => panic!("expected presence before the pong, got {frame}"),
        }
    }
    present.sort_by_key(|frame| frame["actor"].as_str().unwrap_or_default().to_owned());
    present
}

/// Sends presence and waits until the server has handled it (it answers a ping after).
async fn announce(client: &mut common::Ws, presence: Value) {
    client.send(presence).await;
    client
        .send(json!({"type": "ping", "nonce": "announced"}))
        .await;
    client.next_of("pong").await;
}

async fn a_late_joiner_is_told_of_everyone_already_there(backend: Backend) {
    let server = TestServer::start_on(backend).await;
    let editor = server.member("anna@test", "editor").await;
    let viewer = server.member("vera@test", "viewer").await;
    let late = server.member("lars@test", "editor").await;
    let board = board(&server).await;
    let workspace = server.workspace_id;
    let (selected, dragged) = (Uuid::new_v4(), Uuid::new_v4());
    let mut owner = server.websocket().await;
    let mut anna = server.websocket().await;
    let mut vera = server.websocket().await;
    let owner_actor = owner.hello(&server.owner).await["actor"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    anna.hello(&editor).await;
    vera.hello(&viewer).await;

    // Before anyone late comes: the owner on the map, selecting a node, pointing and dragging
    // another; anna on the board (shown: it is past private writing); vera, a viewer, on the
    // map, trying to drag (she may not change the map, so her drag is not relayed).
    announce(&mut owner, json!({"type": "presence", "workspace_id": workspace, "selection": selected, "cursor": {"x": 1.5, "y": -2.0}, "dragging": {"node_id": dragged, "x": 120.0, "y": -40.5}})).await;
    announce(&mut anna, json!({"type": "presence", "workspace_id": workspace, "board_id": board, "selection": selected, "cursor": {"x": 3.0, "y": 4.0}})).await;
    announce(&mut vera, json!({"type": "presence", "workspace_id": workspace, "cursor": {"x": 9.0, "y": 9.0}, "dragging": {"node_id": dragged, "x": 1.0, "y": 1.0}})).await;

    let mut lars = server.websocket().await;
    lars.hello(&late).await;
    let present = presence_snapshot(&mut lars, workspace, None).await;
    let actors: Vec<&str> = present
        .iter()
        .filter_map(|frame| frame["actor"].as_str())
        .collect();
    let mut expected = vec!["anna@test", owner_actor.as_str(), "vera@test"];
    expected.sort_unstable();
    assert_eq!(actors, expected, "{present:#?}");
    let of = |actor: &str| {
        present
            .iter()
            .find(|frame| frame["actor"] == actor)
            .cloned()
            .unwrap_or_default()
    };
    let owners = of(&owner_actor);
    assert_eq!(owners["selection"], selected.to_string());
    assert_eq!(owners["cursor"], json!({"x": 1.5, "y": -2.0}));
    assert_eq!(
        owners["dragging"],
        json!({"node_id": dragged, "x": 120.0, "y": -40.5})
    );
    assert_eq!(owners["left"], false);
    assert_eq!(owners["board_id"], Value::Null);
    assert_eq!(of("anna@test")["board_id"], board.to_string());
    assert_eq!(of("anna@test")["selection"], selected.to_string());
    assert_eq!(of("vera@test")["cursor"], json!({"x": 9.0, "y": 9.0}));
    assert!(
        of("vera@test").get("dragging").is_none_or(Value::is_null),
        "a viewer's drag is not relayed"
    );

    // A board's subscriber hears of the board only.
    let mut board_only = server.websocket().await;
    board_only.hello(&late).await;
    let on_board = presence_snapshot(&mut board_only, workspace, Some(board)).await;
    assert_eq!(on_board.len(), 1, "{on_board:#?}");
    assert_eq!(on_board[0]["actor"], "anna@test");

    // The board's vote is anonymous: a snapshot now shows that anna is on the board, not
    // what she pointed at before the vote began.
    for to in ["grouping", "voting"] {
        let (status, body) = server
            .command(
                &server.owner,
                json!({"type": "AdvanceBoardPhase", "board_id": board, "to": to}),
            )
            .await;
        assert_eq!(status, 200, "{body}");
    }
    let mut during_vote = server.websocket().await;
    during_vote.hello(&late).await;
    let present = presence_snapshot(&mut during_vote, workspace, None).await;
    let annas = present
        .iter()
        .find(|frame| frame["actor"] == "anna@test")
        .cloned()
        .unwrap_or_default();
    assert_eq!(annas["board_id"], board.to_string(), "{present:#?}");
    assert!(
        annas["selection"].is_null() && annas["cursor"].is_null(),
        "nothing she points at during an anonymous vote: {annas}"
    );

    // Anna leaves; the owner's drag ends (presence without `dragging`).
    drop(anna);
    loop {
        let frame = during_vote.next_of("presence").await;
        if frame["actor"] == "anna@test" && frame["left"] == true {
            break;
        }
    }
    announce(
        &mut owner,
        json!({"type": "presence", "workspace_id": workspace, "selection": selected}),
    )
    .await;
    let mut later = server.websocket().await;
    later.hello(&late).await;
    let present = presence_snapshot(&mut later, workspace, None).await;
    let actors: Vec<&str> = present
        .iter()
        .filter_map(|frame| frame["actor"].as_str())
        .collect();
    let mut expected = vec![owner_actor.as_str(), "vera@test"];
    expected.sort_unstable();
    assert_eq!(actors, expected, "who left is not present: {present:#?}");
    let owners = present
        .iter()
        .find(|frame| frame["actor"] == owner_actor)
        .cloned()
        .unwrap_or_default();
    assert!(
        owners.get("dragging").is_none_or(Value::is_null),
        "the drag ended: {owners}"
    );
    server.stop().await;
}

/// What the browser does when it goes offline and comes back (the browser step "a change made
/// while offline is queued, sent on reconnect, and arrives once"): its socket, following live
/// through the hub's fan-out, is closed by the page (1000), and the browser reconnects only
/// once the server has answered that close. Then the same account says hello again, resumes
/// after the last position it saw, gets what a colleague wrote meanwhile, and its queued
/// command arrives once, for it and for the colleague.
async fn a_client_that_closes_while_following_live_is_answered_and_resumes(backend: Backend) {
    use tokio_tungstenite::tungstenite::protocol::{frame::coding::CloseCode, CloseFrame};

    let server = TestServer::start_on(backend).await;
    let editor = server.member("bo@test", "editor").await;
    let board = board(&server).await;
    let subscribe = json!({"type": "subscribe", "workspace_id": server.workspace_id});
    let mut colleague = server.websocket().await;
    colleague.hello(&editor).await;
    colleague.send(subscribe.clone()).await;
    colleague.next_of("subscribed").await;
    let mut client = server.websocket().await;
    client.hello(&server.owner).await;
    client.send(subscribe.clone()).await;
    client.next_of("subscribed").await;
    // Live, through the fan-out: nothing to catch up, so the subscription joined it.
    let (_, body) = server
        .command(&editor, note(board, "while connected"))
        .await;
    let last_seen = client.next_of("event").await["position"].as_u64().unwrap();
    assert_eq!(body["last_position"], last_seen);
    assert_eq!(colleague.next_of("event").await["position"], last_seen);

    // The page goes offline: it closes its socket and waits for the server's answer.
    client
        .stream
        .close(Some(CloseFrame {
            code: CloseCode::Normal,
            reason: "offline".into(),
        }))
        .await
        .unwrap();
    match client.next_frame().await {
        Frame::Closed(code, _) => assert_eq!(code, 1000, "the server answers the close"),
        Frame::Json(frame) => panic!("a frame after the close: {frame}"),
    }
    drop(client);

    // Meanwhile the colleague writes, and sees it live.
    let (_, body) = server.command(&editor, note(board, "while offline")).await;
    let missed = body["last_position"].as_u64().unwrap();
    assert_eq!(colleague.next_of("event").await["position"], missed);

    // Back online: the same account, resuming after what it saw.
    let mut client = server.websocket().await;
    let welcome = client.hello(&server.owner).await;
    assert_eq!(welcome["head_position"], missed);
    client
        .send(json!({"type": "subscribe", "workspace_id": server.workspace_id, "after_position": last_seen}))
        .await;
    client.next_of("subscribed").await;
    let caught_up = client.next_of("event").await;
    assert_eq!(caught_up["position"], missed);
    assert_eq!(caught_up["payload"]["text"], "while offline");
    // The change made while offline, sent now.
    let command_id = Uuid::new_v4();
    client
        .send(json!({"type": "command", "workspace_id": server.workspace_id, "command_id": command_id, "command": note(board, "made offline")}))
        .await;
    let event = client.next_of("event").await;
    assert_eq!(event["payload"]["text"], "made offline");
    let ack = client.next_of("ack").await;
    assert_eq!(ack["command_id"], command_id.to_string());
    assert_eq!(ack["last_position"], event["position"]);
    let seen = colleague.next_of("event").await;
    assert_eq!(seen["position"], event["position"]);
    // Once: the next event either of them gets is the one after it.
    let (_, body) = server.command(&editor, note(board, "after")).await;
    for connection in [&mut client, &mut colleague] {
        let next = connection.next_of("event").await;
        assert_eq!(next["position"], body["last_position"]);
    }
    server.stop().await;
}

/// A connection's replies are written straight into its socket when nothing queued is still
/// unwritten (`hub::connection::writer::write_now`): they must still come in the order of the
/// requests, and an ack must still come after every event up to its position that the
/// client is sent (its own command's events among them), while events of the other client's
/// commands stream into the same connections.
async fn replies_keep_their_order_and_acks_follow_their_events(backend: Backend) {
    const COMMANDS: usize = 15;
    let server = TestServer::start_on(backend).await;
    let editor = server.member("anna@test", "editor").await;
    let board = board(&server).await;
    let (mut first, mut second) = owner_and_colleague_subscribed(&server, &editor).await;
    // Both send all their requests at once, a command and a ping in turn, without waiting.
    let mut expected = [Vec::new(), Vec::new()];
    for index in 0..COMMANDS {
        for (which, client) in [&mut first, &mut second].into_iter().enumerate() {
            let command_id = Uuid::new_v4();
            client
                .send(json!({"type": "command", "workspace_id": server.workspace_id, "command_id": command_id, "command": note(board, &format!("{which} {index}"))}))
                .await;
            expected[which].push(format!("ack {command_id}"));
            let nonce = format!("{which}-{index}");
            client.send(json!({"type": "ping", "nonce": nonce})).await;
            expected[which].push(format!("pong {nonce}"));
        }
    }
    for (which, client) in [&mut first, &mut second].into_iter().enumerate() {
        let mut replies = Vec::new();
        let mut events = 0;
        let mut last_seen = 0u64;
        while replies.len() < 2 * COMMANDS || events < 2 * COMMANDS {
            let frame = client.next().await;
            match frame["type"].as_str().unwrap() {
                "event" => {
                    let position = frame["position"].as_u64().unwrap();
                    assert!(position > last_seen, "events in order: {frame}");
                    last_seen = position;
                    events += 1;
                }
                "ack" => {
                    let last_position = frame["last_position"].as_u64().unwrap();
                    assert!(
                        last_seen >= last_position,
                        "client {which}: the ack of position {last_position} came before its event (last seen {last_seen})"
                    );
                    replies.push(format!("ack {}", frame["command_id"].as_str().unwrap()));
                }
                "pong" => replies.push(format!("pong {}", frame["nonce"].as_str().unwrap())),
                "presence" => {}
                other => panic!("unexpected {other}: {frame}"),
            }
        }
        assert_eq!(
            replies, expected[which],
            "client {which}: replies in the order of the requests"
        );
    }
    server.stop().await;
}

on_every_backend!(
    two_clients_see_each_others_changes_live_and_in_the_same_order,
    a_client_that_reconnects_gets_exactly_what_it_missed,
    a_client_that_closes_while_following_live_is_answered_and_resumes,
    concurrent_agreement_amendments_keep_the_winner_and_tell_the_loser,
    a_slow_consumer_catches_up_from_the_store_while_a_fast_one_keeps_up,
    shutdown_closes_sockets_with_going_away_after_finishing_their_work,
    a_client_that_cannot_keep_up_even_so_is_closed_with_4008,
    presence_is_relayed_to_the_others_throttled_and_never_logged,
    roles_hold_over_the_websocket_too,
    a_late_joiner_is_told_of_everyone_already_there,
    replies_keep_their_order_and_acks_follow_their_events,
);
