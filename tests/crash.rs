//! Crash test of the real server: the `partnerhub serve` binary is killed with SIGKILL while
//! many HTTP clients append, several times over on one store, and after every kill the log
//! must hold every acknowledged command, whole, in a verifiable chain, with views equal to a
//! fresh rebuild. The same rounds run on both stores: a sled data directory, and a PostgreSQL
//! schema of the test's own (`tests/nodes.rs` kills one of two nodes on PostgreSQL).
//!
//! `tests/durability.rs` proves the same promise one layer down (a store in a child process);
//! this file proves it end to end, through the HTTP API, the command service, the projector
//! and the command line (`verify`, `replay`), as an operator would meet a power cut. Each
//! round kills the server after a random number (50..=500) of acknowledged commands; the seed
//! is printed, and `PARTNERHUB_CRASH_SEED=<seed>` replays the same kill points.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a panic is how a test reports failure

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use rand::{Rng, SeedableRng};
use serde_json::{json, Value};
use uuid::Uuid;

mod common;

use common::postgres::TestSchema;
use common::process::{Place, ServerProcess as Server};

/// Kill rounds on the same store.
const ROUNDS: usize = 4;
/// Concurrent HTTP clients per workspace: one registers organisations (two events per
/// command, in one append), the others add assets (one event per command). Few
/// organisations, because rebuilding the network views grows fast with them (`replay` runs
/// four times per round).
const CLIENTS_PER_WORKSPACE: usize = 8;
/// The demo workspaces the clients write to.
const WORKSPACES: [&str; 2] = ["Roskilde Bibliotekerne", "Aarhus Hovedbibliotek"];
/// How long one round may take to reach its kill point.
const ROUND_LIMIT: Duration = Duration::from_secs(15);

/// A command the clients send: one that becomes one event, or one that becomes two in a
/// single append (so a kill can land between them if appends were not atomic).
#[derive(Clone, Copy, Debug)]
enum Sent {
    /// `AddAsset` → `AssetAdded`.
    Asset(Uuid),
    /// `RegisterOrganisation` with a level → `OrganisationRegistered`, `RelationLevelChanged`.
    Organisation(Uuid),
}

impl Sent {
    fn command(self, title: &str) -> Value {
        match self {
            Sent::Asset(asset_id) => json!({
                "type": "AddAsset", "asset_id": asset_id, "category": "trust", "title": title,
            }),
            Sent::Organisation(organisation_id) => json!({
                "type": "RegisterOrganisation", "organisation_id": organisation_id,
                "name": title, "sector": "civil_society", "level": "network",
                "reason": "met at the crash test",
            }),
        }
    }

    /// The events the command must leave in the log, all of them or none: type, id field, id.
    fn events(self) -> Vec<(&'static str, &'static str, Uuid)> {
        match self {
            Sent::Asset(id) => vec![("AssetAdded", "asset_id", id)],
            Sent::Organisation(id) => vec![
                ("OrganisationRegistered", "organisation_id", id),
                ("RelationLevelChanged", "organisation_id", id),
            ],
        }
    }
}

/// One command the server acknowledged (HTTP 200).
#[derive(Clone, Debug)]
struct Acknowledged {
    workspace_id: Uuid,
    command_id: Uuid,
    sent: Sent,
    first_position: u64,
    last_position: u64,
}

/// What the clients of one round saw.
#[derive(Default)]
struct Round {
    /// Every command sent, acknowledged or not.
    sent: Mutex<HashMap<Uuid, Sent>>,
    acknowledged: Mutex<Vec<Acknowledged>>,
    acknowledged_count: AtomicUsize,
    /// Answers other than 200 while the server was alive: each one is a failure.
    unexpected: Mutex<Vec<String>>,
    /// Set right after the kill: from then on, a failed request is expected.
    killed: AtomicBool,
}

/// Appends commands to `workspace_id` until the server stops answering: assets, or
/// organisations when `organisations` is set.
async fn client(
    http: reqwest::Client,
    url: String,
    token: String,
    workspace_id: Uuid,
    organisations: bool,
    round: Arc<Round>,
) {
    for index in 0.. {
        let command_id = Uuid::new_v4();
        let sent = if organisations {
            Sent::Organisation(Uuid::new_v4())
        } else {
            Sent::Asset(Uuid::new_v4())
        };
        round.sent.lock().unwrap().insert(command_id, sent);
        let body = json!({
            "command_id": command_id,
            "command": sent.command(&format!("Crash test {index} from {command_id}")),
        });
        let response = http
            .post(&url)
            .bearer_auth(&token)
            .json(&body)
            .timeout(Duration::from_secs(10))
            .send()
            .await;
        let response = match response {
            Ok(response) => response,
            Err(error) => {
                if !round.killed.load(Ordering::SeqCst) {
                    round
                        .unexpected
                        .lock()
                        .unwrap()
                        .push(format!("request failed before the kill: {error}"));
                }
                return;
            }
        };
        let status = response.status().as_u16();
        // A body cut off by the kill is not an acknowledgement.
        let Ok(answer) = response.json::<Value>().await else {
            return;
        };
        if status == 429 {
            // Over the HTTP command limit (nothing was appended): wait and send the next one,
            // as a well-behaved client does.
            round.sent.lock().unwrap().remove(&command_id);
            tokio::time::sleep(Duration::from_millis(50)).await;
            continue;
        }
        if status != 200 {
            round
                .unexpected
                .lock()
                .unwrap()
                .push(format!("{status}: {answer}"));
            return;
        }
        assert_eq!(answer["command_id"], json!(command_id), "{answer}");
        assert_eq!(answer["deduplicated"], json!(false), "{answer}");
        round.acknowledged.lock().unwrap().push(Acknowledged {
            workspace_id,
            command_id,
            sent,
            first_position: answer["first_position"].as_u64().unwrap(),
            last_position: answer["last_position"].as_u64().unwrap(),
        });
        round.acknowledged_count.fetch_add(1, Ordering::SeqCst);
    }
}

async fn get_json(
    http: &reqwest::Client,
    server: &Server,
    token: &str,
    path: &str,
) -> (u16, Value) {
    let response = http
        .get(server.url(path))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap())
}

/// The whole raw log of a workspace, through the auditors' endpoint.
async fn workspace_log(
    http: &reqwest::Client,
    server: &Server,
    token: &str,
    workspace_id: Uuid,
) -> Vec<Value> {
    let mut events = Vec::new();
    let mut from = 1u64;
    loop {
        let (status, page) = get_json(
            http,
            server,
            token,
            &format!("/api/workspaces/{workspace_id}/log?from={from}&limit=1000"),
        )
        .await;
        assert_eq!(status, 200, "{page}");
        events.extend(page["events"].as_array().unwrap().iter().cloned());
        match page["next_from"].as_u64() {
            Some(next) => from = next,
            None => return events,
        }
    }
}

/// Checks everything a restarted server must show after a crash: every acknowledged command
/// in the log at its acknowledged position, no command twice or mixed up, views equal to a
/// fresh rebuild, readiness, and idempotent retries of acknowledged commands.
async fn check_after_restart(
    http: &reqwest::Client,
    server: &Server,
    tokens: &[(Uuid, String)],
    acknowledged: &[Acknowledged],
    sent: &HashMap<Uuid, Sent>,
    replayed: &HashMap<Uuid, Value>,
) {
    let (status, ready) = get_json(http, server, "", "/readyz").await;
    assert_eq!(status, 200, "/readyz after the restart: {ready}");

    for (workspace_id, token) in tokens {
        let log = workspace_log(http, server, token, *workspace_id).await;
        // The events of each command this test sent, in log order.
        let mut by_command: HashMap<Uuid, Vec<&Value>> = HashMap::new();
        for event in &log {
            let command_id: Uuid = event["command_id"].as_str().unwrap().parse().unwrap();
            if sent.contains_key(&command_id) {
                by_command.entry(command_id).or_default().push(event);
            }
        }
        // Acknowledged or not, a command is in the log whole, once, side by side, and
        // carrying what was sent; or not at all.
        for (command_id, events) in &by_command {
            let expected = sent[command_id].events();
            assert_eq!(
                events.len(),
                expected.len(),
                "command {command_id} left {} of its {} events: {events:?}",
                events.len(),
                expected.len()
            );
            let first = events[0]["position"].as_u64().unwrap();
            for (offset, (event, (event_type, field, id))) in
                events.iter().zip(&expected).enumerate()
            {
                assert_eq!(event["event_type"], *event_type, "{event}");
                assert_eq!(event["payload"][*field], json!(id), "{event}");
                assert_eq!(event["position"], json!(first + offset as u64), "{event}");
            }
        }
        for ack in acknowledged
            .iter()
            .filter(|ack| ack.workspace_id == *workspace_id)
        {
            let events = by_command.get(&ack.command_id).unwrap_or_else(|| {
                panic!(
                    "acknowledged command {} (positions {} to {}) is missing after the crash",
                    ack.command_id, ack.first_position, ack.last_position
                )
            });
            assert_eq!(events[0]["position"], json!(ack.first_position));
            assert_eq!(
                events[events.len() - 1]["position"],
                json!(ack.last_position)
            );
        }

        // The views the restarted server rebuilt equal `replay`'s fresh rebuild, and hold
        // every acknowledged asset and organisation.
        let rebuilt = &replayed[workspace_id];
        let mut views = HashMap::new();
        for view in ["assets", "organisations"] {
            let (status, body) = get_json(
                http,
                server,
                token,
                &format!("/api/workspaces/{workspace_id}/{view}"),
            )
            .await;
            assert_eq!(status, 200, "{body}");
            assert_eq!(
                body, rebuilt[view],
                "the server's {view} differ from replay's"
            );
            views.insert(view, body);
        }
        let (status, summary) = get_json(
            http,
            server,
            token,
            &format!("/api/workspaces/{workspace_id}"),
        )
        .await;
        assert_eq!(status, 200, "{summary}");
        assert_eq!(summary["version"], rebuilt["version"]);
        assert_eq!(summary["position"], rebuilt["position"]);
        assert_eq!(summary["version"], json!(log.len()));
        for ack in acknowledged
            .iter()
            .filter(|ack| ack.workspace_id == *workspace_id)
        {
            let (view, id) = match ack.sent {
                Sent::Asset(id) => ("assets", id),
                Sent::Organisation(id) => ("organisations", id),
            };
            assert!(
                views[view].get(id.to_string()).is_some(),
                "{id} of acknowledged command {} is not in the {view}",
                ack.command_id
            );
        }
    }

    // The last acknowledged commands are the likeliest to have lost their command-index
    // entries in the crash; a retry must still return their first outcome, not append again.
    for ack in acknowledged.iter().rev().take(8) {
        let token = &tokens
            .iter()
            .find(|(id, _)| *id == ack.workspace_id)
            .unwrap()
            .1;
        let response = http
            .post(server.url(&format!("/api/workspaces/{}/commands", ack.workspace_id)))
            .bearer_auth(token)
            .json(&json!({"command_id": ack.command_id, "command": ack.sent.command("a retry")}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), 200);
        let answer: Value = response.json().await.unwrap();
        assert_eq!(answer["deduplicated"], json!(true), "{answer}");
        assert_eq!(
            answer["last_position"],
            json!(ack.last_position),
            "{answer}"
        );
        assert_eq!(
            answer["first_position"],
            json!(ack.first_position),
            "{answer}"
        );
    }
}

/// How many events the acknowledged commands appended.
fn acknowledged_events(acknowledged: &[Acknowledged]) -> u64 {
    acknowledged
        .iter()
        .map(|ack| ack.sent.events().len() as u64)
        .sum()
}

/// `partnerhub replay` of one workspace, run twice: both runs must print the same thing.
fn replay_twice(place: &Place, workspace: &str) -> Value {
    let first = place.cli_ok(&["replay", "--workspace", workspace]);
    let second = place.cli_ok(&["replay", "--workspace", workspace]);
    assert_eq!(first, second, "two replays of {workspace} differ");
    let report: Value = serde_json::from_str(&first).unwrap();
    report["workspaces"][0].clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acknowledged_commands_survive_sigkill_of_the_server() {
    let directory = tempfile::tempdir().unwrap();
    let place = Place::Directory(directory.path().join("data"));
    kill_rounds(&place, directory.path()).await;
}

/// The same rounds on PostgreSQL: the server's own commits, its notifications and the
/// followers of the log are all cut short by the kill.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acknowledged_commands_survive_sigkill_of_the_server_on_postgres() {
    let Some(schema) = TestSchema::create().await else {
        println!("skipped: PARTNERHUB_TEST_POSTGRES=skip");
        return;
    };
    let directory = tempfile::tempdir().unwrap();
    kill_rounds(&Place::Postgres(schema), directory.path()).await;
}

/// Kills the server [`ROUNDS`] times at `place` while clients append, checking after each
/// kill; `scratch` holds logs and the final export.
async fn kill_rounds(place: &Place, scratch: &std::path::Path) {
    let started = Instant::now();
    let seed: u64 = std::env::var("PARTNERHUB_CRASH_SEED")
        .ok()
        .and_then(|seed| seed.parse().ok())
        .unwrap_or_else(rand::random);
    println!("crash test seed: {seed} (PARTNERHUB_CRASH_SEED={seed} replays the kill points)");
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);

    let stderr_log = scratch.join("serve.stderr");
    place.cli_ok(&["demo"]);
    let mut tokens: Vec<(Uuid, String)> = Vec::new();
    for workspace in WORKSPACES {
        let out = place.cli_ok(&[
            "token",
            "create",
            "--workspace",
            workspace,
            "--role",
            "owner",
        ]);
        tokens.push((Uuid::nil(), out.trim().to_owned()));
    }
    let initial_events = place.verified_events();

    let http = reqwest::Client::new();
    let mut server = Server::start(place, &stderr_log);
    // The workspace ids, as a client finds them.
    for ((workspace_id, token), name) in tokens.iter_mut().zip(WORKSPACES) {
        let (status, list) = get_json(&http, &server, token, "/api/workspaces").await;
        assert_eq!(status, 200, "{list}");
        let entry = list
            .as_array()
            .unwrap()
            .iter()
            .find(|entry| entry["name"] == name)
            .unwrap_or_else(|| panic!("{name} is not in {list}"));
        *workspace_id = entry["workspace_id"].as_str().unwrap().parse().unwrap();
    }

    let mut acknowledged: Vec<Acknowledged> = Vec::new();
    let mut sent: HashMap<Uuid, Sent> = HashMap::new();
    for round_number in 1..=ROUNDS {
        let kill_after: usize = rng.gen_range(50..=500);
        let round = Arc::new(Round::default());
        let mut clients = Vec::new();
        for (workspace_id, token) in &tokens {
            let url = server.url(&format!("/api/workspaces/{workspace_id}/commands"));
            for index in 0..CLIENTS_PER_WORKSPACE {
                clients.push(tokio::spawn(client(
                    http.clone(),
                    url.clone(),
                    token.clone(),
                    *workspace_id,
                    index == 0,
                    round.clone(),
                )));
            }
        }
        let round_started = Instant::now();
        while round.acknowledged_count.load(Ordering::SeqCst) < kill_after {
            let unexpected = round.unexpected.lock().unwrap().clone();
            assert!(unexpected.is_empty(), "before the kill: {unexpected:?}");
            assert!(
                round_started.elapsed() < ROUND_LIMIT,
                "round {round_number}: only {} of {kill_after} commands acknowledged in {ROUND_LIMIT:?}",
                round.acknowledged_count.load(Ordering::SeqCst)
            );
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        // Flagged a moment early: a request that fails from here on was cut by the kill.
        round.killed.store(true, Ordering::SeqCst);
        server.kill();
        for client in clients {
            client.await.unwrap();
        }
        let unexpected = round.unexpected.lock().unwrap().clone();
        assert!(
            unexpected.is_empty(),
            "round {round_number}: {unexpected:?}"
        );
        let round_acknowledged = round.acknowledged.lock().unwrap().clone();
        let round_sent = round.sent.lock().unwrap().len();
        acknowledged.extend(round_acknowledged.iter().cloned());
        sent.extend(round.sent.lock().unwrap().drain());

        // The log on disk: intact, and at least as long as everything acknowledged.
        let events = place.verified_events();
        let highest = acknowledged.iter().map(|ack| ack.last_position).max();
        assert!(events >= initial_events + acknowledged_events(&acknowledged));
        assert!(events >= highest.unwrap_or(0));
        let replayed: HashMap<Uuid, Value> = tokens
            .iter()
            .zip(WORKSPACES)
            .map(|((workspace_id, _), name)| (*workspace_id, replay_twice(place, name)))
            .collect();

        server = Server::start(place, &stderr_log);
        check_after_restart(&http, &server, &tokens, &acknowledged, &sent, &replayed).await;
        println!(
            "round {round_number}: killed after {} acknowledged of {round_sent} sent \
             (kill point {kill_after}); log verified with {events} events; {:.1} s so far",
            round_acknowledged.len(),
            started.elapsed().as_secs_f64()
        );
    }

    // A clean stop at the end leaves the same, complete log.
    server.terminate();
    let events = place.verified_events();
    assert!(events >= initial_events + acknowledged_events(&acknowledged));
    let export = scratch.join("log.jsonl");
    let out = place.cli_ok(&["export", "--out", export.to_str().unwrap()]);
    assert!(
        out.starts_with(&format!("exported {events} events")),
        "{out}"
    );
    // The tokens the clients used are in the log only as hashes.
    let exported = std::fs::read_to_string(&export).unwrap();
    for (_, token) in &tokens {
        let secret = token.rsplit('_').next().unwrap();
        assert!(secret.len() >= 32, "{token}");
        assert!(!exported.contains(secret), "a token's secret is in the log");
    }
    println!(
        "{} commands acknowledged over {ROUNDS} kills, none lost; {:.1} s",
        acknowledged.len(),
        started.elapsed().as_secs_f64()
    );
}
