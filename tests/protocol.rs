//! The documented protocol is the real one: the checked-in `protocol/` files equal what the
//! code generates, the served OpenAPI document equals the checked-in one and names exactly
//! the router's routes and the methods each answers, the example
//! transcripts replay against a real server, and bad input of every kind gets its specific
//! error while the connection and the server survive. The tests with a server run on sled
//! and on PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a panic is how a test reports failure

mod common;

use std::collections::{HashMap, HashSet};
use std::path::Path;

use common::{on_every_backend, Backend, Frame, TestServer};
use serde_json::{json, Value};
use uuid::Uuid;

fn protocol_dir() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/protocol"))
}

#[test]
fn checked_in_protocol_files_are_current() {
    let write = std::env::var_os("PARTNERHUB_WRITE_PROTOCOL").is_some();
    let mut stale = Vec::new();
    for (path, content) in partnerhub::api::protocol_files::protocol_files() {
        let full = protocol_dir().join(path);
        if write {
            std::fs::create_dir_all(full.parent().unwrap()).unwrap();
            std::fs::write(&full, &content).unwrap();
        } else if std::fs::read_to_string(&full).ok().as_deref() != Some(content.as_str()) {
            stale.push(path);
        }
    }
    assert!(
        stale.is_empty(),
        "protocol/{stale:?} differ from the code; regenerate with PARTNERHUB_WRITE_PROTOCOL=1 cargo test --test protocol"
    );
}

/// Where in `schema` a string may hold free text with no limit: a string with neither a
/// `format`, an `enum`, a `maxLength` nor a `pattern`, or a list with no `maxItems`.
fn unlimited_texts_in(schema: &Value, path: &str, found: &mut Vec<String>) {
    match schema {
        Value::Object(fields) => {
            let types: Vec<&str> = match fields.get("type") {
                Some(Value::String(kind)) => vec![kind.as_str()],
                Some(Value::Array(kinds)) => kinds.iter().filter_map(Value::as_str).collect(),
                _ => Vec::new(),
            };
            let free_text = types.contains(&"string")
                && !["format", "enum", "maxLength", "pattern"]
                    .iter()
                    .any(|key| fields.contains_key(*key));
            let endless_list = types.contains(&"array") && !fields.contains_key("maxItems");
            if free_text || endless_list {
                found.push(path.to_owned());
            }
            for (key, value) in fields {
                unlimited_texts_in(value, &format!("{path}/{key}"), found);
            }
        }
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                unlimited_texts_in(item, &format!("{path}/{index}"), found);
            }
        }
        _ => {}
    }
}

/// Every text a command carries has the limit the server enforces written in its schema
/// (so a client generated from `protocol/` knows it before it is refused); lists of words
/// have their most entries. Lists of structured items (criteria, answers, rows) are bounded
/// by the request body's size and are listed here by name.
#[test]
fn every_text_in_a_command_has_its_limit_in_the_schema() {
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(protocol_dir().join("schemas/command.schema.json")).unwrap(),
    )
    .unwrap();
    let mut found = Vec::new();
    unlimited_texts_in(&schema, "", &mut found);
    let bounded_by_the_body = [
        "criteria",
        "answers",
        "rows",
        "parties",
        "note_ids",
        "resources",
        "rooms",
        "age_groups",
        "goals",
        "audiences",
        "partner_ids",
    ];
    found.retain(|path| {
        !bounded_by_the_body
            .iter()
            .any(|name| path.ends_with(&format!("/properties/{name}")))
    });
    assert!(
        found.is_empty(),
        "texts with no limit in command.schema.json: {found:#?}"
    );
}

/// Whether `schema` (a `$ref` followed into `components`) says nothing about its object's
/// fields: `{"type": "object"}` with no properties, no map values and no composition.
fn is_bare_object(schema: &Value, components: &Value) -> bool {
    let resolved = match schema["$ref"].as_str() {
        Some(reference) => {
            let name = reference.trim_start_matches("#/components/schemas/");
            &components[name]
        }
        None => schema,
    };
    resolved["type"] == "object"
        && [
            "properties",
            "additionalProperties",
            "allOf",
            "anyOf",
            "oneOf",
        ]
        .iter()
        .all(|key| resolved.get(key).is_none())
}

/// Every place inside `schema` where an object is documented bare: the schema itself, the
/// items of its arrays, the values of its maps, its properties and its compositions, with
/// each `$ref` followed into `components` once. `at` names the place found.
fn bare_objects_in(
    schema: &Value,
    components: &Value,
    at: &str,
    followed: &mut HashSet<String>,
    found: &mut Vec<String>,
) {
    if is_bare_object(schema, components) {
        found.push(at.to_owned());
        return;
    }
    let (schema, at) = match schema["$ref"].as_str() {
        Some(reference) => {
            let name = reference.trim_start_matches("#/components/schemas/");
            if !followed.insert(name.to_owned()) {
                return;
            }
            (&components[name], name.to_owned())
        }
        None => (schema, at.to_owned()),
    };
    let mut inner = |schema: &Value, place: String| {
        bare_objects_in(schema, components, &place, followed, found);
    };
    if schema["items"].is_object() {
        inner(&schema["items"], format!("{at}[]"));
    }
    if schema["additionalProperties"].is_object() {
        inner(&schema["additionalProperties"], format!("{at}{{}}"));
    }
    for (name, property) in schema["properties"].as_object().into_iter().flatten() {
        inner(property, format!("{at}.{name}"));
    }
    for key in ["allOf", "anyOf", "oneOf"] {
        for (index, part) in schema[key].as_array().into_iter().flatten().enumerate() {
            inner(part, format!("{at}/{key}[{index}]"));
        }
    }
}

#[test]
fn every_success_body_has_its_real_schema() {
    let document = partnerhub::api::openapi::document();
    let components = &document["components"]["schemas"];
    let mut bare = Vec::new();
    for (path, item) in document["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            for (status, response) in operation["responses"].as_object().unwrap() {
                if !status.starts_with('2') || path == "/api/openapi.json" {
                    continue;
                }
                for (media_type, content) in response["content"].as_object().into_iter().flatten() {
                    bare_objects_in(
                        &content["schema"],
                        components,
                        &format!("{method} {path} {status} {media_type}"),
                        &mut HashSet::new(),
                        &mut bare,
                    );
                }
            }
        }
    }
    assert!(
        bare.is_empty(),
        "success bodies with a part documented as a bare object: {bare:#?}"
    );
    // The check itself finds a bare object, a bare item of a list, a bare value of a map
    // and a bare property.
    for schema in [
        json!({"type": "object"}),
        json!({"type": "array", "items": {"type": "object"}}),
        json!({"type": "object", "additionalProperties": {"type": "object"}}),
        json!({"allOf": [{"type": "object", "properties": {"rows": {"type": "array", "items": {"type": "object"}}}}]}),
    ] {
        let mut found = Vec::new();
        bare_objects_in(
            &schema,
            components,
            "probe",
            &mut HashSet::new(),
            &mut found,
        );
        assert_eq!(found.len(), 1, "{schema}: {found:?}");
    }
}

/// The error code a string literal at the start of `text` names (after blanks and, for
/// `StatusCode::NAME,`, the status), if it is one: lower case letters and `_`.
fn code_literal(text: &str) -> Option<&str> {
    let mut rest = text.trim_start();
    if let Some(after) = rest.strip_prefix("StatusCode::") {
        rest = after
            .trim_start_matches(|c: char| c.is_ascii_uppercase() || c == '_')
            .strip_prefix(',')?
            .trim_start();
    }
    let literal = rest.strip_prefix('"')?;
    let code = &literal[..literal.find('"')?];
    (!code.is_empty() && code.chars().all(|c| c.is_ascii_lowercase() || c == '_')).then_some(code)
}

/// Every `.rs` file under `dir`.
fn rust_files(dir: &Path, files: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, files);
        } else if path.extension().is_some_and(|extension| extension == "rs") {
            files.push(path);
        }
    }
}

#[test]
fn every_error_code_the_source_writes_is_listed_and_every_listed_one_is_written() {
    let listed: HashSet<&str> = partnerhub::app_state::ERROR_CODES.iter().copied().collect();
    assert_eq!(
        listed.len(),
        partnerhub::app_state::ERROR_CODES.len(),
        "a code listed twice"
    );
    let mut files = Vec::new();
    rust_files(
        Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/src")),
        &mut files,
    );
    // Where the source writes a code: as the argument of the error constructors, the
    // websocket's error frames, a `code` field, after a status (`(StatusCode::GONE,
    // "invite_used")`) and as the code of a domain error or an import's row problem
    // (`DomainError::X { .. } => "x"`).
    let markers = [
        "ApiError::new(",
        "bad_request(",
        "error_frame(",
        "code: ",
        "(StatusCode::",
    ];
    let mut written: HashMap<String, String> = HashMap::new();
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap();
        let name = file.display().to_string();
        for marker in markers {
            for (at, _) in text.match_indices(marker) {
                let after = &text[at + marker.len()..];
                let after = if marker == "(StatusCode::" {
                    &text[at + 1..]
                } else {
                    after
                };
                if let Some(code) = code_literal(after) {
                    written.insert(code.to_owned(), name.clone());
                }
            }
        }
        for line in text.lines() {
            let line = line.trim_start();
            if line.starts_with("DomainError::") || line.starts_with("ImportProblem::") {
                if let Some(code) = line.split("=> ").nth(1).and_then(code_literal) {
                    written.insert(code.to_owned(), name.clone());
                }
            }
        }
    }
    let mut unlisted: Vec<_> = written
        .iter()
        .filter(|(code, _)| !listed.contains(code.as_str()))
        .collect();
    unlisted.sort();
    assert!(
        unlisted.is_empty(),
        "error codes the source writes that ERROR_CODES (src/app_state/error.rs) does not list: {unlisted:?}"
    );
    let mut unwritten: Vec<_> = listed
        .iter()
        .filter(|code| !written.contains_key(**code))
        .collect();
    unwritten.sort();
    assert!(
        unwritten.is_empty(),
        "ERROR_CODES lists codes the source never writes: {unwritten:?}"
    );
    // The domain's codes are found (the scan looks where they are).
    assert!(written.contains_key("vote_budget_spent"), "{written:?}");
    assert!(written.contains_key("invite_used"), "{written:?}");
    assert!(written.contains_key("duplicate_name"), "{written:?}");
}

async fn the_served_openapi_document_equals_the_checked_in_one(backend: Backend) {
    let server = TestServer::start_on(backend).await;
    let (status, served) = server.get("", "/api/openapi.json").await;
    assert_eq!(status, 200);
    let checked_in: Value = serde_json::from_str(
        &std::fs::read_to_string(protocol_dir().join("openapi.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(served, checked_in);
    // The router's routes are the documented paths, no more and no fewer.
    let documented = served["paths"].as_object().unwrap();
    let mut routed: Vec<&str> = partnerhub::api::routes::route_paths();
    routed.sort_unstable();
    let mut paths: Vec<&str> = documented.keys().map(String::as_str).collect();
    paths.sort_unstable();
    assert_eq!(
        routed, paths,
        "the router's routes and the OpenAPI paths differ"
    );
    // On every path, each documented method is routed and every other one is answered 405.
    for (path, item) in documented {
        let concrete = path
            .replace("{workspace_id}", &server.workspace_id.to_string())
            // No member of that name: a DELETE routed here changes nothing.
            .replace("{account_name}", "nobody@test")
            .replace(['{', '}'], "")
            .replace("organisation_id", &Uuid::nil().to_string())
            .replace("partnership_id", &Uuid::nil().to_string())
            .replace("board_id", &Uuid::nil().to_string())
            .replace("token_id", &Uuid::nil().to_string());
        for method in ["get", "post", "put", "delete", "patch"] {
            let request = server
                .http
                .request(
                    reqwest::Method::from_bytes(method.to_uppercase().as_bytes()).unwrap(),
                    server.url(&concrete),
                )
                .bearer_auth(&server.owner)
                // A body that is no request of any route: a routed method answers 400 or
                // 415, never 405.
                .header("content-type", "text/plain")
                .body("x");
            let response = request.send().await.unwrap();
            let status = response.status().as_u16();
            let body = response.text().await.unwrap();
            let is_documented = item.get(method).is_some();
            assert!(
                !body.contains("no such route"),
                "{method} {path}: no such route"
            );
            if is_documented {
                assert_ne!(
                    status, 405,
                    "{method} {path} is documented but not routed: {body}"
                );
            } else {
                assert_eq!(
                    status, 405,
                    "{method} {path} is routed but not documented: {body}"
                );
            }
        }
    }
    server.stop().await;
}

/// Whether `actual` matches the `expected` pattern: objects by their expected keys,
/// "<any>" anything, "<number>" any number, everything else exactly.
fn matches(expected: &Value, actual: &Value) -> bool {
    match expected {
        Value::String(pattern) if pattern == "<any>" => true,
        Value::String(pattern) if pattern == "<number>" => actual.is_number(),
        Value::Object(fields) => fields.iter().all(|(key, value)| {
            actual.get(key).is_some_and(|found| matches(value, found))
                || (value.is_null() && actual.get(key).is_none())
        }),
        other => other == actual,
    }
}

fn substitute(value: &Value, names: &HashMap<String, Value>) -> Value {
    match value {
        Value::String(text) if text.starts_with('$') => {
            names.get(text).cloned().unwrap_or_else(|| value.clone())
        }
        Value::Array(items) => {
            Value::Array(items.iter().map(|item| substitute(item, names)).collect())
        }
        Value::Object(fields) => Value::Object(
            fields
                .iter()
                .map(|(key, item)| (key.clone(), substitute(item, names)))
                .collect(),
        ),
        other => other.clone(),
    }
}

async fn the_example_transcripts_replay_against_a_real_server(backend: Backend) {
    let mut transcripts: Vec<_> = std::fs::read_dir(protocol_dir().join("examples"))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| {
            path.extension()
                .is_some_and(|extension| extension == "jsonl")
        })
        .collect();
    transcripts.sort();
    assert!(transcripts.len() >= 3);
    for transcript in transcripts {
        let server = TestServer::start_on(backend).await;
        let mut names: HashMap<String, Value> = HashMap::new();
        names.insert("$TOKEN".into(), json!(server.owner));
        names.insert("$WORKSPACE".into(), json!(server.workspace_id));
        names.insert("$HEAD".into(), json!(server.state.store.head_position()));
        for index in 1..=9 {
            names.insert(format!("$ID{index}"), json!(Uuid::new_v4()));
        }
        let mut ws = server.websocket().await;
        for (number, line) in std::fs::read_to_string(&transcript)
            .unwrap()
            .lines()
            .enumerate()
        {
            let step: Value = serde_json::from_str(line)
                .unwrap_or_else(|error| panic!("{transcript:?}:{}: {error}", number + 1));
            let place = format!("{}:{}", transcript.display(), number + 1);
            if let Some(message) = step.get("send") {
                ws.send(substitute(message, &names)).await;
            } else if let Some(text) = step.get("send_text") {
                ws.send_text(text.as_str().unwrap().to_owned()).await;
            } else if let Some(pattern) = step.get("expect") {
                let pattern = substitute(pattern, &names);
                let frame = ws.next().await;
                assert!(
                    matches(&pattern, &frame),
                    "{place}: expected {pattern}\n got {frame}"
                );
            }
        }
        server.stop().await;
    }
}

async fn bad_http_input_gets_its_specific_error_and_the_server_survives(backend: Backend) {
    let server = TestServer::start_on(backend).await;
    let url = server.url(&format!("/api/workspaces/{}/commands", server.workspace_id));
    let send = |body: String, content_type: &'static str| {
        let request = server
            .http
            .post(&url)
            .bearer_auth(&server.owner)
            .header("content-type", content_type)
            .body(body);
        async move {
            let response = request.send().await.unwrap();
            let status = response.status().as_u16();
            (status, response.json::<Value>().await.unwrap())
        }
    };
    let (status, body) = send("{\"command\": ".into(), "application/json").await;
    assert_eq!(
        (status, body["code"].as_str().unwrap()),
        (400, "malformed_json"),
        "{body}"
    );
    let (status, body) = send(
        json!({"command": {"type": "Teleport"}}).to_string(),
        "application/json",
    )
    .await;
    assert_eq!(
        (status, body["code"].as_str().unwrap()),
        (400, "invalid_body"),
        "{body}"
    );
    assert!(
        body["message"].as_str().unwrap().contains("Teleport"),
        "{body}"
    );
    let (status, body) = send(json!({"command": {"type": "AddAsset", "asset_id": "not-a-uuid", "category": "trust", "title": "x"}}).to_string(), "application/json").await;
    assert_eq!(
        (status, body["code"].as_str().unwrap()),
        (400, "invalid_body"),
        "{body}"
    );
    let (status, body) = send(json!({"command": {"type": "AddAsset", "asset_id": Uuid::new_v4(), "category": "trust", "title": "x".repeat(201)}}).to_string(), "application/json").await;
    assert_eq!(
        (status, body["code"].as_str().unwrap()),
        (400, "invalid_field"),
        "{body}"
    );
    assert_eq!(body["details"]["field"], "title");
    let (status, body) = send("{}".into(), "text/plain").await;
    assert_eq!(
        (status, body["code"].as_str().unwrap()),
        (415, "unsupported_media_type"),
        "{body}"
    );
    let (status, body) = send(
        format!(
            "{{\"command\": {{\"type\": \"AddAsset\", \"title\": \"{}\"}}}}",
            "x".repeat(300 * 1024)
        ),
        "application/json",
    )
    .await;
    assert_eq!(
        (status, body["code"].as_str().unwrap()),
        (413, "payload_too_large"),
        "{body}"
    );
    // (A workspace's place takes its slug too: `not-a-uuid` would be an unknown slug, 404.)
    let (status, body) = server
        .get(
            &server.owner,
            &format!(
                "/api/workspaces/{}/organisations/not-a-uuid",
                server.workspace_id
            ),
        )
        .await;
    assert_eq!(
        (status, body["code"].as_str().unwrap()),
        (400, "invalid_path"),
        "{body}"
    );
    let (status, body) = server
        .get(
            &server.owner,
            &format!(
                "/api/workspaces/{}/network?level=galaxy",
                server.workspace_id
            ),
        )
        .await;
    assert_eq!(
        (status, body["code"].as_str().unwrap()),
        (400, "invalid_query"),
        "{body}"
    );
    // A page size or a first version out of range is refused, not clamped.
    for query in ["limit=0", "limit=1001", "from=0"] {
        let (status, body) = server
            .get(
                &server.owner,
                &format!("/api/workspaces/{}/log?{query}", server.workspace_id),
            )
            .await;
        assert_eq!(
            (status, body["code"].as_str().unwrap()),
            (400, "invalid_query"),
            "{query}: {body}"
        );
    }
    let (status, body) = server.get(&server.owner, "/api/nowhere").await;
    assert_eq!((status, body["code"].as_str().unwrap()), (404, "not_found"));
    let response = server
        .http
        .delete(server.url("/api/login"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 405);
    let (status, body) = server
        .command(&server.owner, json!({"type": "MovePartnershipPhase", "partnership_id": Uuid::new_v4(), "to": "running"}))
        .await;
    assert_eq!(
        (status, body["code"].as_str().unwrap()),
        (404, "unknown_entity")
    );
    // Still serving.
    assert_eq!(server.get("", "/healthz").await.0, 200);
    assert_eq!(server.get("", "/readyz").await.0, 200);
    server.stop().await;
}

async fn bad_websocket_input_gets_its_specific_error_and_the_connection_survives(backend: Backend) {
    let limits = partnerhub::app_state::Limits {
        max_message_bytes: 4096,
        commands_per_second: 3,
        ..partnerhub::app_state::Limits::default()
    };
    let server = TestServer::start_on_with(backend, limits).await;
    let mut ws = server.websocket().await;
    ws.hello(&server.owner).await;
    ws.send_text("x".repeat(5000)).await;
    let error = ws.next_of("error").await;
    assert_eq!(error["error"]["code"], "message_too_large", "{error}");
    {
        use futures_util::SinkExt;
        ws.stream
            .send(tokio_tungstenite::tungstenite::Message::binary(vec![
                1u8, 2, 3,
            ]))
            .await
            .unwrap();
    }
    assert_eq!(
        ws.next_of("error").await["error"]["code"],
        "unsupported_frame"
    );
    ws.send(json!({"type": "hello", "token": server.owner}))
        .await;
    assert_eq!(
        ws.next_of("error").await["error"]["code"],
        "already_authenticated"
    );
    // Commands beyond the rate are refused, not queued.
    let mut codes = Vec::new();
    for _ in 0..6 {
        let command_id = Uuid::new_v4();
        ws.send(json!({"type": "command", "workspace_id": server.workspace_id, "command_id": command_id,
            "command": {"type": "AddAsset", "asset_id": Uuid::new_v4(), "category": "trust", "title": "Trust"}}))
            .await;
        let answer = loop {
            let frame = ws.next().await;
            if frame["type"] == "ack" || frame["type"] == "reject" {
                break frame;
            }
        };
        codes.push(answer["error"]["code"].as_str().unwrap_or("ok").to_owned());
    }
    assert!(codes.contains(&"rate_limited".to_owned()), "{codes:?}");
    assert_eq!(
        codes.iter().filter(|code| *code == "ok").count(),
        3,
        "{codes:?}"
    );
    ws.send(json!({"type": "ping", "nonce": "alive"})).await;
    assert_eq!(ws.next_of("pong").await["nonce"], "alive");
    // Far over the limit: the connection is closed with 1009, the server goes on.
    ws.send_text("y".repeat(4096 * 5)).await;
    match ws.next_frame().await {
        Frame::Closed(code, _) => assert!(code == 1009 || code == 1006, "closed with {code}"),
        Frame::Json(frame) => panic!("expected a close, got {frame}"),
    }
    // A bad token is refused and closed with 4001; no hello at all as well (after 10 s).
    let mut stranger = server.websocket().await;
    stranger
        .send(json!({"type": "hello", "token": "ph_0_0"}))
        .await;
    assert_eq!(
        stranger.next_of("error").await["error"]["code"],
        "unauthenticated"
    );
    match stranger.next_frame().await {
        Frame::Closed(code, _) => assert_eq!(code, 4001),
        Frame::Json(frame) => panic!("expected a close, got {frame}"),
    }
    let mut fresh = server.websocket().await;
    fresh.hello(&server.owner).await;
    server.stop().await;
}

on_every_backend!(
    the_served_openapi_document_equals_the_checked_in_one,
    the_example_transcripts_replay_against_a_real_server,
    bad_http_input_gets_its_specific_error_and_the_server_survives,
    bad_websocket_input_gets_its_specific_error_and_the_connection_survives,
);
