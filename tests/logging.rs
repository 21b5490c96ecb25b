//! Nothing secret is logged: the real server, at the most verbose log level, is given a
//! password, session and API tokens, a guest invite, a share link of the public assets page
//! and contact persons' personal data, over HTTP and the websocket; none of them may appear
//! in anything it writes.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a panic is how a test reports failure

mod common;

use common::process::{cli_ok, Place, ServerProcess};
use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use tokio_tungstenite::tungstenite::Message;
use uuid::Uuid;

const PASSWORD: &str = "sommerfugl-over-fjorden";

async fn send(http: &reqwest::Client, request: reqwest::RequestBuilder) -> (u16, Value) {
    let _ = http;
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// The secret part of a token (`ph_<id>_<secret>`, or a whole session token `phs_<secret>`).
fn secret_of(token: &str) -> String {
    if token.starts_with("phs_") {
        token.to_owned()
    } else {
        token.rsplit('_').next().unwrap().to_owned()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_server_logs_no_password_token_or_personal_data_even_at_trace_level() {
    let directory = tempfile::tempdir().unwrap();
    let data = directory.path().join("data");
    cli_ok(&data, &["demo"], "");
    cli_ok(
        &data,
        &[
            "user",
            "add",
            "lone@roskilde",
            "--workspace",
            "Roskilde Bibliotekerne",
            "--role",
            "owner",
            "--admin",
        ],
        &format!("{PASSWORD}\n"),
    );
    let server = ServerProcess::start_with_log(
        &Place::Directory(data.clone()),
        &directory.path().join("serve.stderr"),
        "trace",
    );
    let http = reqwest::Client::new();

    let (status, login) = send(
        &http,
        http.post(server.url("/api/login"))
            .json(&json!({"name": "lone@roskilde", "password": PASSWORD})),
    )
    .await;
    assert_eq!(status, 200, "{login}");
    let session = login["token"].as_str().unwrap().to_owned();
    // A failed login with a near miss of the password is not logged either.
    let near_miss = format!("{PASSWORD}!");
    let (status, _) = send(
        &http,
        http.post(server.url("/api/login"))
            .json(&json!({"name": "lone@roskilde", "password": near_miss})),
    )
    .await;
    assert_eq!(status, 401);
    let workspace_id = server.first_workspace(&http, &session).await;
    let base = format!("/api/workspaces/{workspace_id}");
    let (status, token) = send(
        &http,
        http.post(server.url(&format!("{base}/tokens")))
            .bearer_auth(&session)
            .json(&json!({"label": "dashboard", "role": "editor"})),
    )
    .await;
    assert_eq!(status, 201, "{token}");
    let api_token = token["token"].as_str().unwrap().to_owned();
    let (_, boards) = send(
        &http,
        http.get(server.url(&format!("{base}/boards")))
            .bearer_auth(&session),
    )
    .await;
    let board_id = boards
        .as_array()
        .and_then(|boards| boards.first())
        .and_then(|board| board["board_id"].as_str())
        .unwrap_or_else(|| panic!("the demo has a board: {boards}"))
        .to_owned();
    let (status, invite) = send(
        &http,
        http.post(server.url(&format!("{base}/boards/{board_id}/invites")))
            .bearer_auth(&session)
            .json(&json!({"label": "workshop guests"})),
    )
    .await;
    assert_eq!(status, 201, "{invite}");
    let invite_token = invite["token"].as_str().unwrap().to_owned();

    // Personal data over HTTP, with the API token, and over the websocket, with the session.
    let organisation = Uuid::new_v4();
    let personal = [
        (
            "Henriette Skovgaard",
            "henriette.skovgaard@example.org",
            "+45 20 11 22 33",
        ),
        (
            "Mikkel Brandtoft",
            "mikkel.brandtoft@example.org",
            "+45 31 44 55 66",
        ),
    ];
    let commands = server.url(&format!("{base}/commands"));
    for command in [
        json!({"type": "RegisterOrganisation", "organisation_id": organisation, "name": "Lejre Museum", "sector": "public"}),
        json!({"type": "AddContactPerson", "organisation_id": organisation, "person_id": Uuid::new_v4(), "role": "curator",
               "personal": {"name": personal[0].0, "email": personal[0].1, "phone": personal[0].2}}),
    ] {
        let (status, body) = send(
            &http,
            http.post(&commands)
                .bearer_auth(&api_token)
                .json(&json!({"command": command})),
        )
        .await;
        assert_eq!(status, 200, "{body}");
    }
    // A refused command carrying personal data (unknown organisation).
    let (status, _) = send(
        &http,
        http.post(&commands)
            .bearer_auth(&api_token)
            .json(&json!({"command":
        {"type": "AddContactPerson", "organisation_id": Uuid::new_v4(), "person_id": Uuid::new_v4(),
         "personal": {"name": personal[1].0, "email": personal[1].1, "phone": personal[1].2}}})),
    )
    .await;
    assert!((400..500).contains(&status));
    let (mut socket, _) = tokio_tungstenite::connect_async(format!("ws://{}/ws", server.address))
        .await
        .unwrap();
    for message in [
        json!({"type": "hello", "token": session}),
        json!({"type": "command", "workspace_id": workspace_id, "command_id": Uuid::new_v4(), "command":
            {"type": "AddContactPerson", "organisation_id": organisation, "person_id": Uuid::new_v4(),
             "personal": {"name": personal[1].0, "email": personal[1].1, "phone": personal[1].2}}}),
    ] {
        socket
            .send(Message::text(message.to_string()))
            .await
            .unwrap();
        loop {
            let Message::Text(text) = socket.next().await.unwrap().unwrap() else {
                continue;
            };
            let frame: Value = serde_json::from_str(text.as_str()).unwrap();
            match frame["type"].as_str().unwrap() {
                "welcome" | "ack" => break,
                "presence" => continue,
                other => panic!("unexpected {other}: {frame}"),
            }
        }
    }
    // A guest joins through the invite and uses their credential, and a backup is taken
    // (it carries keys).
    let (status, joined) = send(
        &http,
        http.post(server.url("/api/join"))
            .json(&json!({"invite": invite_token, "display_name": "Theatre guest"})),
    )
    .await;
    assert_eq!(status, 201, "{joined}");
    let guest_token = joined["token"].as_str().unwrap().to_owned();
    let (status, _) = send(
        &http,
        http.get(server.url(&format!("{base}/boards/{board_id}")))
            .bearer_auth(&guest_token),
    )
    .await;
    assert_eq!(status, 200);
    // A share link to the public assets page, opened without a login (its secret is in the
    // request's path).
    let (status, shared) = send(
        &http,
        http.post(server.url(&format!("{base}/assets/share-links")))
            .bearer_auth(&session)
            .json(&json!({"label": "the folk high school"})),
    )
    .await;
    assert_eq!(status, 201, "{shared}");
    let share_link = shared["token"].as_str().unwrap().to_owned();
    let (status, page) = send(
        &http,
        http.get(server.url(&format!("/api/public/assets/{share_link}"))),
    )
    .await;
    assert_eq!(status, 200, "{page}");
    let backup = http
        .get(server.url("/api/backup"))
        .bearer_auth(&session)
        .send()
        .await
        .unwrap();
    assert_eq!(backup.status().as_u16(), 200);
    let _ = backup.bytes().await.unwrap();
    drop(socket);
    let output_before_stop = server.output();
    let output = server.terminate();
    assert!(output.len() >= output_before_stop.len());
    assert!(
        output.contains("TRACE") || output.contains("trace"),
        "the server logged at trace level"
    );
    let mut secrets = vec![
        PASSWORD.to_owned(),
        secret_of(&session),
        secret_of(&api_token),
        secret_of(&invite_token),
        secret_of(&guest_token),
        secret_of(&share_link),
    ];
    for (name, email, phone) in personal {
        secrets.extend([name.to_owned(), email.to_owned(), phone.to_owned()]);
    }
    for secret in &secrets {
        let lines: Vec<&str> = output
            .lines()
            .filter(|line| line.contains(secret.as_str()))
            .take(3)
            .collect();
        assert!(
            lines.is_empty(),
            "`{secret}` is in the server's log:\n{}",
            lines.join("\n")
        );
    }
}
