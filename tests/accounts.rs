//! Accounts on a running server, as the app uses them: an owner invites a colleague by link
//! (single use, expiring, revocable; only owners), the colleague creates an account through it
//! or accepts with the account they are logged in with; owners change and remove roles;
//! changing a password ends every other session (on every node); logging out ends the
//! session on the server. Each test runs on sled and on PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a panic is how a test reports failure

mod common;

use common::{on_every_backend, Backend, TestServer, PASSWORD};
use serde_json::{json, Value};

fn invites_path(server: &TestServer) -> String {
    format!("/api/workspaces/{}/member-invites", server.workspace_id)
}

/// The owner invites a colleague with `role`; returns the invite text and its id.
async fn invite(server: &TestServer, role: &str) -> (String, String) {
    let (status, body) = server
        .post(
            &server.owner,
            &invites_path(server),
            json!({ "role": role }),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    let token = body["token"].as_str().unwrap().to_owned();
    assert_eq!(body["link"], format!("/invite#{token}"));
    assert_eq!(body["role"], role);
    (token, body["invite_id"].as_str().unwrap().to_owned())
}

async fn accept(server: &TestServer, invite: &str, name: &str, password: &str) -> (u16, Value) {
    server
        .post(
            "",
            "/api/invites/accept",
            json!({"invite": invite, "name": name, "password": password}),
        )
        .await
}

async fn members(server: &TestServer) -> Vec<(String, String)> {
    let (status, body) = server
        .get(
            &server.owner,
            &format!("/api/workspaces/{}/members", server.workspace_id),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    body.as_array()
        .unwrap()
        .iter()
        .map(|member| {
            (
                member["account"].as_str().unwrap().to_owned(),
                member["role"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

async fn login(server: &TestServer, name: &str, password: &str) -> (u16, Value) {
    server
        .post(
            "",
            "/api/login",
            json!({"name": name, "password": password}),
        )
        .await
}

async fn a_colleague_joins_through_an_invite_and_the_invite_works_once(backend: Backend) {
    let server = TestServer::start_on(backend).await;
    let (invite_text, invite_id) = invite(&server, "editor").await;

    let (status, body) = accept(&server, &invite_text, "karen@roskilde", PASSWORD).await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["account"], "karen@roskilde");
    assert_eq!(body["role"], "editor");
    assert_eq!(body["workspace_id"], server.workspace_id.to_string());
    let karen = body["token"].as_str().unwrap().to_owned();
    // The session the answer carries works: she sees the map and may change it.
    let (status, _) = server
        .get(
            &karen,
            &format!("/api/workspaces/{}/network", server.workspace_id),
        )
        .await;
    assert_eq!(status, 200);
    let (status, body) = server
        .command(
            &karen,
            json!({"type": "AddAsset", "asset_id": uuid::Uuid::new_v4(), "category": "trust", "title": "High trust"}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert!(members(&server)
        .await
        .contains(&("karen@roskilde".into(), "editor".into())));
    // And she can log in with the password she chose.
    assert_eq!(login(&server, "karen@roskilde", PASSWORD).await.0, 200);

    // The invite works once.
    let (status, body) = accept(&server, &invite_text, "mallory@test", PASSWORD).await;
    assert_eq!(status, 410, "{body}");
    assert_eq!(body["code"], "invite_used");
    assert!(
        body["message"].as_str().unwrap().contains("used already"),
        "{body}"
    );
    assert_eq!(login(&server, "mallory@test", PASSWORD).await.0, 401);

    // Owners see it used, and by whom, never its secret.
    let (status, body) = server.get(&server.owner, &invites_path(&server)).await;
    assert_eq!(status, 200, "{body}");
    let listed = &body.as_array().unwrap()[0];
    assert_eq!(listed["invite_id"], invite_id);
    assert_eq!(listed["state"], "used");
    assert_eq!(listed["accepted_by"], "karen@roskilde");
    assert!(!body.to_string().contains(&invite_text[40..]), "{body}");
}

async fn revoked_expired_and_unknown_invites_are_refused_in_words(backend: Backend) {
    let server = TestServer::start_on(backend).await;
    let (revoked, revoked_id) = invite(&server, "viewer").await;
    let (status, body) = server
        .delete(
            &server.owner,
            &format!("{}/{revoked_id}", invites_path(&server)),
        )
        .await;
    assert_eq!(status, 204, "{body}");
    let (status, body) = accept(&server, &revoked, "karen@roskilde", PASSWORD).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (410, Some("invite_revoked"))
    );
    assert!(body["message"].as_str().unwrap().contains("revoked"));

    let (_, expired) = server
        .state
        .accounts
        .invite_member(
            "owner@test",
            server.workspace_id,
            partnerhub::accounts::Role::Editor,
            chrono::Utc::now() - chrono::Duration::minutes(1),
        )
        .await
        .unwrap();
    let (status, body) = accept(&server, &expired, "karen@roskilde", PASSWORD).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (410, Some("invite_expired"))
    );
    assert!(body["message"].as_str().unwrap().contains("expired"));

    // A guessed secret for a real invite id is as unknown as a made-up invite.
    let (open, _) = invite(&server, "editor").await;
    let guessed = format!("{}{}", &open[..open.len() - 4], "0000");
    for text in [guessed.as_str(), "phm_nonsense", "ph_not_an_invite"] {
        let (status, body) = accept(&server, text, "karen@roskilde", PASSWORD).await;
        assert_eq!(
            (status, body["code"].as_str()),
            (404, Some("invite_unknown")),
            "{text}: {body}"
        );
    }
    // None of them made an account; the open invite still works.
    assert_eq!(login(&server, "karen@roskilde", PASSWORD).await.0, 401);
    assert_eq!(
        accept(&server, &open, "karen@roskilde", PASSWORD).await.0,
        201
    );
    // A used invite cannot be revoked any more.
    let (status, body) = server.get(&server.owner, &invites_path(&server)).await;
    assert_eq!(status, 200);
    let used_id = body
        .as_array()
        .unwrap()
        .iter()
        .find(|listed| listed["state"] == "used")
        .unwrap()["invite_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let (status, body) = server
        .delete(
            &server.owner,
            &format!("{}/{used_id}", invites_path(&server)),
        )
        .await;
    assert_eq!((status, body["code"].as_str()), (410, Some("invite_used")));
}

async fn a_taken_name_or_a_weak_password_leaves_the_invite_open(backend: Backend) {
    let server = TestServer::start_on(backend).await;
    let (text, _) = invite(&server, "editor").await;
    let (status, body) = accept(&server, &text, "owner@test", PASSWORD).await;
    assert_eq!((status, body["code"].as_str()), (409, Some("name_taken")));
    assert!(
        body["message"].as_str().unwrap().contains("is taken"),
        "{body}"
    );
    let (status, body) = accept(&server, &text, "karen@roskilde", "short").await;
    assert_eq!(
        (status, body["code"].as_str()),
        (400, Some("weak_password"))
    );
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("at least 10 characters"),
        "{body}"
    );
    let (status, body) = accept(&server, &text, "karen roskilde!", PASSWORD).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (400, Some("invalid_account_name"))
    );
    assert_eq!(
        accept(&server, &text, "karen@roskilde", PASSWORD).await.0,
        201
    );
}

async fn only_owners_invite_and_nobody_is_invited_as_a_guest(backend: Backend) {
    let server = TestServer::start_on(backend).await;
    for role in ["editor", "viewer", "auditor"] {
        let token = server.member(&format!("{role}@test"), role).await;
        let (status, body) = server
            .post(&token, &invites_path(&server), json!({"role": "owner"}))
            .await;
        assert_eq!(status, 403, "{role}: {body}");
        assert_eq!(server.get(&token, &invites_path(&server)).await.0, 403);
    }
    let stranger = server.account("stranger@test").await;
    let (status, _) = server
        .post(&stranger, &invites_path(&server), json!({"role": "editor"}))
        .await;
    assert_eq!(status, 404);
    let (status, body) = server
        .post(
            &server.owner,
            &invites_path(&server),
            json!({"role": "guest"}),
        )
        .await;
    assert_eq!(status, 400, "{body}");
    let (status, body) = server
        .post(
            &server.owner,
            &invites_path(&server),
            json!({"role": "editor", "hours": 0}),
        )
        .await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["code"], "invite_hours_out_of_range", "{body}");
}

async fn a_logged_in_colleague_accepts_with_their_account_and_owners_change_roles(
    backend: Backend,
) {
    let server = TestServer::start_on(backend).await;
    let karen = server.account("karen@roskilde").await;
    let (text, _) = invite(&server, "viewer").await;
    let (status, body) = server
        .post(&karen, "/api/me/accept-invite", json!({"invite": text}))
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["role"], "viewer");
    assert!(body["token"].is_null(), "{body}");
    let (status, body) = server.get(&karen, "/api/workspaces").await;
    assert_eq!(status, 200);
    assert_eq!(body.as_array().unwrap().len(), 1, "{body}");

    // A member already does not use up another invite.
    let (second, _) = invite(&server, "owner").await;
    let (status, body) = server
        .post(&karen, "/api/me/accept-invite", json!({"invite": second}))
        .await;
    assert_eq!(status, 409, "{body}");
    assert!(
        body["message"].as_str().unwrap().contains("viewer"),
        "{body}"
    );

    // The owner makes her an editor, then removes her.
    let member_path = format!(
        "/api/workspaces/{}/members/karen@roskilde",
        server.workspace_id
    );
    let (status, body) = server
        .put(&server.owner, &member_path, json!({"role": "editor"}))
        .await;
    assert_eq!(status, 204, "{body}");
    assert!(members(&server)
        .await
        .contains(&("karen@roskilde".into(), "editor".into())));
    assert_eq!(server.delete(&server.owner, &member_path).await.0, 204);
    assert!(!members(&server)
        .await
        .iter()
        .any(|(name, _)| name == "karen@roskilde"));
    let (status, _) = server
        .get(&karen, &format!("/api/workspaces/{}", server.workspace_id))
        .await;
    assert_eq!(status, 404);
}

async fn changing_the_password_ends_every_other_session(backend: Backend) {
    let server = TestServer::start_on(backend).await;
    let first = server.account("karen@roskilde").await;
    let (_, body) = login(&server, "karen@roskilde", PASSWORD).await;
    let second = body["token"].as_str().unwrap().to_owned();
    let other_node = match backend {
        Backend::Postgres => {
            let node = server.second_node().await;
            // The other node has seen (and keeps) the second session.
            assert_eq!(node.get(&second, "/api/me").await.0, 200);
            Some(node)
        }
        Backend::Sled => None,
    };

    let (status, body) = server
        .post(
            &first,
            "/api/me/password",
            json!({"current": "not my password", "new": "a much better password"}),
        )
        .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (403, Some("wrong_password"))
    );
    assert!(body["message"]
        .as_str()
        .unwrap()
        .contains("current password"));
    let (status, body) = server
        .post(
            &first,
            "/api/me/password",
            json!({"current": PASSWORD, "new": "short"}),
        )
        .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (400, Some("weak_password"))
    );
    assert!(body["message"]
        .as_str()
        .unwrap()
        .contains("at least 10 characters"));

    let (status, body) = server
        .post(
            &first,
            "/api/me/password",
            json!({"current": PASSWORD, "new": "a much better password"}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let renewed = body["token"].as_str().unwrap().to_owned();
    assert_eq!(server.get(&renewed, "/api/me").await.0, 200);
    for old in [&first, &second] {
        let (status, body) = server.get(old, "/api/me").await;
        assert_eq!(status, 401, "{body}");
    }
    if let Some(node) = &other_node {
        // The change reaches the other node through the log it follows: once it has read up
        // to the change (a few milliseconds, longer under load), it refuses the old session.
        node.state
            .projections
            .wait_for(server.state.store.head_position())
            .await;
        let (status, body) = node.get(&second, "/api/me").await;
        assert_eq!(status, 401, "the other node ends it too: {body}");
        assert_eq!(node.get(&renewed, "/api/me").await.0, 200);
    }
    assert_eq!(login(&server, "karen@roskilde", PASSWORD).await.0, 401);
    assert_eq!(
        login(&server, "karen@roskilde", "a much better password")
            .await
            .0,
        200
    );
    // An API token does not change a password.
    let (status, body) = server
        .post(
            &server.owner,
            &format!("/api/workspaces/{}/tokens", server.workspace_id),
            json!({"label": "dashboard", "role": "viewer"}),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    let api_token = body["token"].as_str().unwrap();
    let (status, _) = server
        .post(
            api_token,
            "/api/me/password",
            json!({"current": PASSWORD, "new": "a much better password"}),
        )
        .await;
    assert_eq!(status, 403);
    if let Some(node) = other_node {
        node.stop().await;
    }
}

async fn logging_out_ends_the_session_on_the_server(backend: Backend) {
    let server = TestServer::start_on(backend).await;
    let first = server.account("karen@roskilde").await;
    let (_, body) = login(&server, "karen@roskilde", PASSWORD).await;
    let second = body["token"].as_str().unwrap().to_owned();
    let (status, body) = server.post(&first, "/api/logout", json!({})).await;
    assert_eq!(status, 204, "{body}");
    let (status, body) = server.get(&first, "/api/me").await;
    assert_eq!(status, 401, "{body}");
    assert_eq!(server.post(&first, "/api/logout", json!({})).await.0, 401);
    // Only that session ended.
    assert_eq!(server.get(&second, "/api/me").await.0, 200);
}

on_every_backend!(
    a_colleague_joins_through_an_invite_and_the_invite_works_once,
    revoked_expired_and_unknown_invites_are_refused_in_words,
    a_taken_name_or_a_weak_password_leaves_the_invite_open,
    only_owners_invite_and_nobody_is_invited_as_a_guest,
    a_logged_in_colleague_accepts_with_their_account_and_owners_change_roles,
    changing_the_password_ends_every_other_session,
    logging_out_ends_the_session_on_the_server,
);
