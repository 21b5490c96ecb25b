//! The public assets page ("Vi kan – Vil du?") and its share links, on sled and on
//! PostgreSQL: an owner's link opens the page with no login; it shows the library's name and
//! its assets with the contacts' names and teams and nothing else of the workspace; a closed
//! link answers 410 and an unknown one 404, in words; the link authorizes no other route nor
//! the websocket; only owners make and close links (never through a client's command); and
//! the page is rate-limited like the other unauthenticated routes.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a panic is how a test reports failure

mod common;

use common::{on_every_backend, Backend, Frame, TestServer};
use serde_json::{json, Value};
use uuid::Uuid;

const ANNA: Uuid = Uuid::from_u128(0x5001);
const BO: Uuid = Uuid::from_u128(0x5002);
const HALL: Uuid = Uuid::from_u128(0x2001);
const EREOLEN: Uuid = Uuid::from_u128(0x2002);
/// Words the workspace holds that the public page must never show.
const PRIVATE: &[&str] = &[
    "Roskilde Festival",
    "festival-topic",
    "knows-everyone",
    "Bo Berg",
    "folk high school",
    "owner@test",
];

/// A workspace with two colleagues (one has left), a partner organisation and two assets.
async fn library(backend: Backend) -> TestServer {
    let server = TestServer::start_on(backend).await;
    for command in [
        json!({"type": "AddStaffMember", "staff_id": ANNA, "name": "Anna Holm", "team": "Børn og unge", "competences": ["knows-everyone"]}),
        json!({"type": "AddStaffMember", "staff_id": BO, "name": "Bo Berg", "team": "Voksne"}),
        json!({"type": "RegisterOrganisation", "organisation_id": Uuid::from_u128(1), "name": "Roskilde Festival", "sector": "civil_society", "tags": ["festival-topic"]}),
        json!({"type": "AddAsset", "asset_id": HALL, "category": "facilities", "title": "Salen", "description": "200 pladser", "contact_staff_id": ANNA}),
        json!({"type": "AddAsset", "asset_id": EREOLEN, "category": "digital_resources", "title": "eReolen", "contact_staff_id": BO}),
        json!({"type": "RecordStaffDeparture", "staff_id": BO, "reason": "new job"}),
    ] {
        let (status, body) = server.command(&server.owner, command.clone()).await;
        assert_eq!(status, 200, "{command}: {body}");
    }
    server
}

fn links_path(server: &TestServer) -> String {
    format!("/api/workspaces/{}/assets/share-links", server.workspace_id)
}

/// An owner makes a share link; returns its text and id.
async fn share(server: &TestServer, label: &str) -> (String, String) {
    let (status, body) = server
        .post(
            &server.owner,
            &links_path(server),
            json!({ "label": label }),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    let token = body["token"].as_str().unwrap().to_owned();
    assert_eq!(body["link"], format!("/vi-kan#{token}"));
    (token, body["link_id"].as_str().unwrap().to_owned())
}

async fn public(server: &TestServer, token: &str) -> (u16, Value) {
    server.get("", &format!("/api/public/assets/{token}")).await
}

async fn a_share_link_opens_the_page_without_a_login_until_it_is_closed(backend: Backend) {
    let server = library(backend).await;
    let (token, link_id) = share(&server, "The folk high school").await;

    let (status, page) = public(&server, &token).await;
    assert_eq!(status, 200, "{page}");
    assert_eq!(
        page,
        json!({
            "library": "Roskilde",
            "assets": [
                {"category": "facilities", "title": "Salen", "description": "200 pladser",
                 "contact": {"name": "Anna Holm", "team": "Børn og unge"}},
                {"category": "digital_resources", "title": "eReolen", "description": "",
                 "contact": null},
            ],
        }),
        "the list, its contacts' names and teams (not one who left), nothing else"
    );
    let text = page.to_string();
    for private in PRIVATE {
        assert!(!text.contains(private), "{private} on the public page");
    }
    for id in [server.workspace_id, HALL, EREOLEN, ANNA] {
        assert!(!text.contains(&id.to_string()), "an id on the public page");
    }

    // An edit in the app shows on the page at once.
    let (status, body) = server
        .command(
            &server.owner,
            json!({"type": "UpdateAsset", "asset_id": HALL, "category": "facilities", "title": "Salen og scenen", "description": "250 pladser"}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let (_, page) = public(&server, &token).await;
    assert_eq!(page["assets"][0]["title"], "Salen og scenen");

    // Only the hash of the secret is kept: not in the owners' list, not in the log.
    let secret = token.rsplit('_').next().unwrap().to_owned();
    let (status, links) = server.get(&server.owner, &links_path(&server)).await;
    assert_eq!(status, 200, "{links}");
    assert_eq!(links[0]["link_id"], link_id.as_str());
    assert_eq!(links[0]["label"], "The folk high school");
    assert_eq!(links[0]["revoked"], false);
    assert!(!links.to_string().contains(&secret));
    let (status, log) = server
        .get(
            &server.owner,
            &format!("/api/workspaces/{}/log?limit=1000", server.workspace_id),
        )
        .await;
    assert_eq!(status, 200, "{log}");
    let log_text = log.to_string();
    assert!(log_text.contains("AssetsShareLinkCreated"));
    assert!(log_text.contains(blake3::hash(secret.as_bytes()).to_hex().as_str()));
    assert!(!log_text.contains(&secret), "the secret is in the log");

    // Closed: 410 in words, and the timeline says who closed it.
    let (status, body) = server
        .delete(&server.owner, &format!("{}/{link_id}", links_path(&server)))
        .await;
    assert_eq!(status, 204, "{body}");
    let (status, body) = public(&server, &token).await;
    assert_eq!(status, 410, "{body}");
    assert_eq!(body["code"], "share_link_revoked");
    assert!(
        body["message"].as_str().unwrap().contains("closed"),
        "{body}"
    );
    let (_, links) = server.get(&server.owner, &links_path(&server)).await;
    assert_eq!(links[0]["revoked"], true);
    let (status, timeline) = server
        .get(
            &server.owner,
            &format!("/api/workspaces/{}/timeline?lang=en", server.workspace_id),
        )
        .await;
    assert_eq!(status, 200);
    let timeline = timeline.to_string();
    assert!(
        timeline
            .contains("closed the public link to the assets list for \\\"The folk high school\\\""),
        "{timeline}"
    );
    // Closing it again changes nothing, and says so.
    let (status, body) = server
        .delete(&server.owner, &format!("{}/{link_id}", links_path(&server)))
        .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (422, Some("nothing_changed")),
        "{body}"
    );

    // Unknown: 404 in words, whatever is wrong with it; a closed link with a wrong secret
    // is as unknown as any other.
    let other_secret = format!(
        "{}{}",
        &token[..token.len() - 1],
        if token.ends_with('0') { '1' } else { '0' }
    );
    let other_link = token.replace(
        &Uuid::parse_str(&link_id).unwrap().simple().to_string(),
        &Uuid::new_v4().simple().to_string(),
    );
    for unknown in [
        other_secret.as_str(),
        other_link.as_str(),
        "pha_nonsense",
        "nothing-at-all",
    ] {
        let (status, body) = public(&server, unknown).await;
        assert_eq!(status, 404, "{unknown}: {body}");
        assert_eq!(body["code"], "share_link_unknown", "{unknown}");
        assert!(
            body["message"].as_str().unwrap().contains("unknown"),
            "{body}"
        );
    }
    server.stop().await;
}

/// Every route of the API, as `protocol/openapi.json` lists it, with a path to ask: the
/// test workspace, its organisation, the owner's account, an unknown link; nil for other ids.
fn every_route(server: &TestServer) -> Vec<(String, String)> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("protocol/openapi.json");
    let openapi: Value = serde_json::from_str(&std::fs::read_to_string(root).unwrap()).unwrap();
    let mut routes = Vec::new();
    for (path, item) in openapi["paths"].as_object().unwrap() {
        let mut concrete = path.clone();
        while let Some(start) = concrete.find('{') {
            let end = start + concrete[start..].find('}').unwrap();
            let value = match &concrete[start + 1..end] {
                "workspace_id" => server.workspace_id.to_string(),
                "organisation_id" => Uuid::from_u128(1).to_string(),
                "account_name" => "owner@test".to_owned(),
                "token" => "pha_nonsense".to_owned(),
                _ => Uuid::nil().to_string(),
            };
            concrete.replace_range(start..=end, &value);
        }
        for method in ["get", "post", "put", "delete", "patch"] {
            if item.get(method).is_some() {
                routes.push((method.to_owned(), concrete.clone()));
            }
        }
    }
    routes
}

async fn the_link_authorizes_no_other_route_nor_the_websocket(backend: Backend) {
    let server = library(backend).await;
    let (token, _) = share(&server, "The folk high school").await;
    let routes = every_route(&server);
    assert!(routes.len() > 40, "{} routes", routes.len());
    let open_to_anyone = [
        "/healthz",
        "/readyz",
        "/api/openapi.json",
        "/api/method",
        "/api/public/assets/",
    ];
    for (method, path) in &routes {
        let ask = |credential: &'static str| {
            let url = server.url(path);
            let client = server.http.clone();
            let method = method.clone();
            let token = token.clone();
            async move {
                let mut request = match method.as_str() {
                    "get" => client.get(url),
                    "post" => client.post(url).json(&json!({})),
                    "put" => client.put(url).json(&json!({"role": "owner"})),
                    "delete" => client.delete(url),
                    other => panic!("no method {other}"),
                };
                if credential == "link" {
                    request = request.bearer_auth(&token);
                }
                let response = request.send().await.unwrap();
                let status = response.status().as_u16();
                (status, response.text().await.unwrap())
            }
        };
        let (with_link, body) = ask("link").await;
        let (without, _) = ask("none").await;
        if open_to_anyone.iter().any(|open| path.starts_with(open)) {
            assert_eq!(
                with_link, without,
                "{method} {path}: the link changed the answer"
            );
            continue;
        }
        assert!(
            with_link == 401 || (with_link == 400 && without == 400),
            "{method} {path} with the share link as a bearer: {with_link} {body}"
        );
        for private in PRIVATE {
            assert!(
                !body.contains(private),
                "{method} {path}: {private} in {body}"
            );
        }
    }

    // Nor does it open the websocket.
    let mut ws = server.websocket().await;
    ws.send(json!({"type": "hello", "token": token})).await;
    match ws.next_frame().await {
        Frame::Json(frame) => assert_ne!(frame["type"], "welcome", "{frame}"),
        Frame::Closed(code, _) => assert_ne!(code, 1000),
    }
    server.stop().await;
}

async fn only_owners_make_and_close_links_and_never_by_command(backend: Backend) {
    let server = library(backend).await;
    let editor = server.member("editor@test", "editor").await;
    let viewer = server.member("viewer@test", "viewer").await;
    let auditor = server.member("auditor@test", "auditor").await;
    let (token, link_id) = share(&server, "The folk high school").await;
    let link_path = format!("{}/{link_id}", links_path(&server));

    for (who, credential) in [
        ("editor", &editor),
        ("viewer", &viewer),
        ("auditor", &auditor),
    ] {
        let (status, body) = server
            .post(credential, &links_path(&server), json!({"label": "mine"}))
            .await;
        assert_eq!(status, 403, "{who} made a link: {body}");
        let (status, body) = server.get(credential, &links_path(&server)).await;
        assert_eq!(status, 403, "{who} listed links: {body}");
        let (status, body) = server.delete(credential, &link_path).await;
        assert_eq!(status, 403, "{who} closed a link: {body}");
        let (status, body) = server
            .command(
                credential,
                json!({"type": "RevokeAssetsShareLink", "link_id": link_id}),
            )
            .await;
        assert_eq!(status, 403, "{who} closed a link by command: {body}");
    }
    // Nobody, not even an owner, sends a link with a secret of their choosing.
    let chosen = blake3::hash(b"password").to_hex().to_string();
    for (who, credential) in [("owner", &server.owner), ("editor", &editor)] {
        let (status, body) = server
            .command(
                credential,
                json!({"type": "CreateAssetsShareLink", "link_id": Uuid::new_v4(), "label": "mine", "secret_hash": chosen}),
            )
            .await;
        assert_eq!(status, 403, "{who}: {body}");
        assert!(
            body["message"]
                .as_str()
                .unwrap()
                .contains("made by the server"),
            "{body}"
        );
    }
    let (status, body) = server
        .post(&server.owner, &links_path(&server), json!({"label": "  "}))
        .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (400, Some("invalid_field")),
        "{body}"
    );
    let (status, _) = public(&server, &token).await;
    assert_eq!(status, 200, "the link is still open");

    // Viewers read the list but change nothing of it; editors edit it.
    let (status, body) = server
        .get(
            &viewer,
            &format!("/api/workspaces/{}/assets", server.workspace_id),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(body[HALL.to_string()]["title"], "Salen");
    let (status, body) = server
        .command(
            &viewer,
            json!({"type": "SetAssetContact", "asset_id": HALL, "contact_staff_id": null}),
        )
        .await;
    assert_eq!(status, 403, "{body}");
    let (status, body) = server
        .command(
            &editor,
            json!({"type": "SetAssetContact", "asset_id": HALL, "contact_staff_id": null}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let (_, page) = public(&server, &token).await;
    assert_eq!(page["assets"][0]["contact"], Value::Null);
    let (status, body) = server
        .command(
            &editor,
            json!({"type": "SetAssetContact", "asset_id": HALL, "contact_staff_id": BO}),
        )
        .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (422, Some("staff_member_left")),
        "{body}"
    );
    server.stop().await;
}

async fn the_page_is_rate_limited_per_link_and_for_unknown_links_together(backend: Backend) {
    let limits = partnerhub::app_state::Limits {
        public_page_per_second: 2,
        ..Default::default()
    };
    let server = TestServer::start_on_with(backend, limits).await;
    let (token, _) = share(&server, "one").await;
    let (other, _) = share(&server, "two").await;
    let mut statuses = Vec::new();
    for _ in 0..3 {
        statuses.push(public(&server, &token).await.0);
    }
    assert_eq!(statuses, [200, 200, 429]);
    let (status, body) = public(&server, &token).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (429, Some("rate_limited")),
        "{body}"
    );
    assert_eq!(
        public(&server, &other).await.0,
        200,
        "another link has its own limit"
    );
    // Guessing: every unknown link shares one limit.
    let mut statuses = Vec::new();
    for guess in 0..3 {
        let guess = format!(
            "pha_{}_{}_{guess}",
            Uuid::new_v4().simple(),
            Uuid::new_v4().simple()
        );
        statuses.push(public(&server, &guess).await.0);
    }
    assert_eq!(statuses, [404, 404, 429]);
    server.stop().await;
}

on_every_backend!(
    a_share_link_opens_the_page_without_a_login_until_it_is_closed,
    the_link_authorizes_no_other_route_nor_the_websocket,
    only_owners_make_and_close_links_and_never_by_command,
    the_page_is_rate_limited_per_link_and_for_unknown_links_together,
);
