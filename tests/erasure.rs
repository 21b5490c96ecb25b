//! The right to erasure by crypto-shredding: a contact person's name, email and phone never
//! enter the log in clear; erasing them destroys their key, so they are unreadable in the
//! views and in exports made afterwards, while the log stays append-only and verifies. On
//! both stores: the keys in `keys/` beside a sled log, or in PostgreSQL beside its log, where
//! an erasure through one server node is in force on every node at once.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a panic is how a test reports failure

mod common;

use common::TestServer;
use partnerhub::store::transfer;
use serde_json::json;
use uuid::Uuid;

async fn export_text(server: &TestServer) -> String {
    let file = tempfile::NamedTempFile::new().unwrap();
    transfer::export_log(server.state.store.as_ref(), file.path(), &mut |_| {})
        .await
        .unwrap();
    std::fs::read_to_string(file.path()).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn erasing_a_person_makes_their_data_unreadable_everywhere_and_the_log_still_verifies() {
    erasure_makes_data_unreadable(TestServer::start().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn erasure_works_the_same_on_postgres() {
    let Some(server) = TestServer::start_on_postgres().await else {
        println!("skipped: PARTNERHUB_TEST_POSTGRES=skip");
        return;
    };
    erasure_makes_data_unreadable(server).await;
}

async fn erasure_makes_data_unreadable(server: TestServer) {
    let organisation = Uuid::new_v4();
    let person = Uuid::new_v4();
    let base = format!("/api/workspaces/{}", server.workspace_id);
    server
        .command(&server.owner, json!({"type": "RegisterOrganisation", "organisation_id": organisation, "name": "Roskilde Festival", "sector": "civil_society"}))
        .await;
    let (status, body) = server
        .command(&server.owner, json!({"type": "AddContactPerson", "organisation_id": organisation, "person_id": person, "role": "programme coordinator",
            "personal": {"name": "Lise Mortensen", "email": "lise.mortensen@example.org", "phone": "+45 46 00 00 00"}}))
        .await;
    assert_eq!(status, 200, "{body}");
    let sealed_at = body["last_position"].as_u64().unwrap();
    // Before the erasure, the view as of that moment shows the person (so the check after
    // it can fail).
    let (_, then) = server
        .get(&server.owner, &format!("{base}/as-of?at={sealed_at}"))
        .await;
    assert!(then.to_string().contains("Lise Mortensen"), "{then}");

    // The views show the data; the log holds it sealed only.
    let (_, found) = server
        .get(
            &server.owner,
            &format!("{base}/organisations/{organisation}"),
        )
        .await;
    assert_eq!(
        found["contact_persons"][person.to_string()]["personal"]["name"],
        "Lise Mortensen",
        "{found}"
    );
    let before = export_text(&server).await;
    for secret in [
        "Lise Mortensen",
        "lise.mortensen@example.org",
        "+45 46 00 00 00",
    ] {
        assert!(!before.contains(secret), "{secret} is in the log in clear");
    }
    assert!(before.contains("\"sealed\""));

    let (status, body) = server
        .command(&server.owner, json!({"type": "EraseContactPerson", "organisation_id": organisation, "person_id": person, "reason": "request from the person"}))
        .await;
    assert_eq!(status, 200, "{body}");
    assert!(
        !server
            .state
            .workspaces
            .keys()
            .has_key(person)
            .await
            .unwrap(),
        "the key is destroyed"
    );

    let (_, found) = server
        .get(
            &server.owner,
            &format!("{base}/organisations/{organisation}"),
        )
        .await;
    assert_eq!(
        found["contact_persons"][person.to_string()]["personal"],
        json!({"erased": true})
    );
    let (_, report) = server
        .get(&server.owner, &format!("{base}/as-of?at={sealed_at}"))
        .await;
    assert!(!report.to_string().contains("Lise"), "{report}");
    assert_eq!(
        report["organisations"][organisation.to_string()]["contact_persons"][person.to_string()]
            ["personal"],
        json!({"unreadable": true}),
        "{report}"
    );
    let (_, old_view) = server
        .get(
            &server.owner,
            &format!("{base}/as-of?at={}", server.state.store.head_position() - 1),
        )
        .await;
    assert_eq!(
        old_view["organisations"][organisation.to_string()]["contact_persons"][person.to_string()]
            ["personal"],
        json!({"unreadable": true}),
        "even the moment before the erasure can no longer be read"
    );
    let after = export_text(&server).await;
    assert!(
        after.starts_with(&before),
        "the log is append-only: the erasure only adds"
    );
    assert!(after.contains("ContactPersonErased"));
    let report = transfer::verify_log(server.state.store.as_ref(), &mut |_| {})
        .await
        .unwrap();
    assert_eq!(report.events, server.state.store.head_position());
    // The timeline says that it happened, not what was erased.
    let (_, timeline) = server
        .get(
            &server.owner,
            &format!("{base}/timeline?entity={person}&lang=en"),
        )
        .await;
    let lines: Vec<String> = timeline
        .as_array()
        .unwrap()
        .iter()
        .map(|entry| entry["summary"].as_str().unwrap().to_owned())
        .collect();
    assert!(
        lines
            .iter()
            .any(|line| line.contains("erased a contact person's personal data")),
        "{lines:?}"
    );
    // Erasing twice says so.
    let (status, body) = server
        .command(&server.owner, json!({"type": "EraseContactPerson", "organisation_id": organisation, "person_id": person}))
        .await;
    assert_eq!(
        (status, body["code"].as_str().unwrap()),
        (422, "nothing_changed")
    );
    server.stop().await;
}

/// Two server nodes on one PostgreSQL schema: personal data sealed through one node is
/// readable through the other, and an erasure through either destroys the key for both.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_erasure_through_one_node_is_in_force_on_every_node() {
    let Some(first) = TestServer::start_on_postgres().await else {
        println!("skipped: PARTNERHUB_TEST_POSTGRES=skip");
        return;
    };
    let second = first.second_node().await;
    let organisation = Uuid::new_v4();
    let person = Uuid::new_v4();
    let base = format!("/api/workspaces/{}", first.workspace_id);
    let (status, body) = first
        .command(&first.owner, json!({"type": "RegisterOrganisation", "organisation_id": organisation, "name": "Roskilde Festival", "sector": "civil_society"}))
        .await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = first
        .command(&first.owner, json!({"type": "AddContactPerson", "organisation_id": organisation, "person_id": person, "role": "programme coordinator",
            "personal": {"name": "Lise Mortensen", "email": "lise.mortensen@example.org"}}))
        .await;
    assert_eq!(status, 200, "{body}");
    let sealed_at = body["last_position"].as_u64().unwrap();

    // Sealed through the first node, read through the second (with the first's session).
    second.state.projections.wait_for(sealed_at).await;
    let path = format!("{base}/organisations/{organisation}");
    let (status, found) = second.get(&first.owner, &path).await;
    assert_eq!(status, 200, "{found}");
    assert_eq!(
        found["contact_persons"][person.to_string()]["personal"]["name"],
        "Lise Mortensen",
        "{found}"
    );
    // Both nodes have read the data (and, with a cache, would have kept the key).
    let (_, before) = first
        .get(&first.owner, &format!("{base}/as-of?at={sealed_at}"))
        .await;
    assert!(before.to_string().contains("Lise Mortensen"), "{before}");

    // Erased through the second node.
    let (status, body) = second
        .command(&first.owner, json!({"type": "EraseContactPerson", "organisation_id": organisation, "person_id": person, "reason": "request from the person"}))
        .await;
    assert_eq!(status, 200, "{body}");
    assert!(!first.state.workspaces.keys().has_key(person).await.unwrap());

    // The first node can no longer read it, not even as of before the erasure.
    let (_, before) = first
        .get(&first.owner, &format!("{base}/as-of?at={sealed_at}"))
        .await;
    assert!(!before.to_string().contains("Lise"), "{before}");
    assert_eq!(
        before["organisations"][organisation.to_string()]["contact_persons"][person.to_string()]
            ["personal"],
        json!({"unreadable": true})
    );
    first
        .state
        .projections
        .wait_for(body["last_position"].as_u64().unwrap())
        .await;
    let (_, now) = first.get(&first.owner, &path).await;
    assert_eq!(
        now["contact_persons"][person.to_string()]["personal"],
        json!({"erased": true})
    );
    second.stop().await;
    first.stop().await;
}

/// Runs a command given as JSON through the command service, as the API would.
async fn run(
    state: &partnerhub::app_state::AppState,
    workspace_id: Uuid,
    command: serde_json::Value,
) -> partnerhub::service::CommandOutcome {
    let command: partnerhub::domain::Command = serde_json::from_value(command).unwrap();
    state
        .workspaces
        .execute(workspace_id, &command, "owner@test", Uuid::new_v4())
        .await
        .unwrap()
}

/// A server's state on the store in `directory`, as `partnerhub serve` starts it.
/// The previous "process" in the same test lets go of the directory when its projector task
/// has seen the store shut down; until then opening finds the directory in use, so this
/// waits for that (at most 30 s) as a restarted process would wait for the old one to exit.
async fn start(directory: &std::path::Path) -> partnerhub::app_state::AppState {
    let started = std::time::Instant::now();
    let sled = loop {
        match partnerhub::store::SledEventStore::open(directory) {
            Ok(store) => break store,
            Err(error) if started.elapsed() < std::time::Duration::from_secs(30) => {
                assert!(error.to_string().contains("in use"), "{error}");
                tokio::time::sleep(std::time::Duration::from_millis(20)).await;
            }
            Err(error) => panic!("{error}"),
        }
    };
    let store: std::sync::Arc<dyn partnerhub::store::EventStore> = std::sync::Arc::new(sled);
    let keys =
        std::sync::Arc::new(partnerhub::privacy::KeyStore::open(&directory.join("keys")).unwrap());
    partnerhub::server::start(
        store,
        keys,
        partnerhub::app_state::Limits::default(),
        &mut |_| {},
    )
    .await
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_erasure_interrupted_before_its_key_was_destroyed_is_finished_at_the_next_start() {
    use partnerhub::store::{AppendRequest, CommandContext, ExpectedVersion};
    let directory = tempfile::tempdir().unwrap();
    let workspace_id = Uuid::new_v4();
    let organisation = Uuid::new_v4();
    let person = Uuid::new_v4();
    let state = start(directory.path()).await;
    run(
        &state,
        workspace_id,
        json!({"type": "CreateWorkspace", "name": "Køge"}),
    )
    .await;
    run(&state, workspace_id, json!({"type": "RegisterOrganisation", "organisation_id": organisation, "name": "Køge Museum", "sector": "public"})).await;
    run(&state, workspace_id, json!({"type": "AddContactPerson", "organisation_id": organisation, "person_id": person, "role": "curator",
        "personal": {"name": "Mette Kjær", "email": "mette.kjaer@example.org", "phone": "+45 56 00 00 00"}})).await;
    let added_at = state.store.head_position();

    // The crash point: the erasure is durable in the log, the key is not yet destroyed. The
    // event is decided by the rules exactly as `Workspaces::execute` decides it, and appended
    // the way it appends, stopping before its key deletion.
    let version = state
        .projections
        .read(workspace_id, |view| view.state.version)
        .unwrap();
    let command: partnerhub::domain::Command =
        serde_json::from_value(json!({"type": "EraseContactPerson",
        "organisation_id": organisation, "person_id": person, "reason": "request from the person"}))
        .unwrap();
    let decided = state
        .projections
        .read(workspace_id, |view| {
            partnerhub::domain::decide(
                &view.state,
                &command,
                &partnerhub::domain::Request {
                    actor: "owner@test",
                    sealed: None,
                    owner: true,
                    now: chrono::Utc::now(),
                },
            )
        })
        .unwrap()
        .unwrap();
    let events = decided
        .into_iter()
        .map(|event| partnerhub::store::envelope::new_event(&event).unwrap())
        .collect();
    let command_id = Uuid::new_v4();
    state
        .store
        .append(AppendRequest {
            stream_id: workspace_id,
            expected_version: ExpectedVersion::Exact(version),
            context: CommandContext {
                workspace_id,
                actor: "owner@test".into(),
                command_id,
                correlation_id: command_id,
                happened_at: None,
            },
            events,
        })
        .await
        .unwrap();
    assert!(
        state.workspaces.keys().has_key(person).await.unwrap(),
        "the simulated crash left the key in place"
    );
    // The process dies here: nothing more of it runs (the store is closed without anything
    // else being written, as after SIGKILL the next start finds a log ahead of the keys).
    state.store.shutdown().await;
    drop(state);

    let state = start(directory.path()).await;
    assert!(
        !state.workspaces.keys().has_key(person).await.unwrap(),
        "the key is destroyed at start"
    );
    // Views, as the API serves them (revealed through the key store).
    let mut organisation_view = state
        .projections
        .read(workspace_id, |view| {
            serde_json::to_value(&view.state.organisations[&organisation]).unwrap()
        })
        .unwrap();
    state
        .workspaces
        .keys()
        .reveal_in_json(&mut organisation_view)
        .await;
    assert_eq!(
        organisation_view["contact_persons"][person.to_string()]["personal"],
        json!({"erased": true}),
        "{organisation_view}"
    );
    // A view as of the moment the person was added, before the erasure: unreadable now.
    let before = state
        .projections
        .state_as_of(
            state.store.as_ref(),
            workspace_id,
            partnerhub::projection::AsOf::Position(added_at),
        )
        .await
        .unwrap();
    let mut before_view = serde_json::to_value(&before.state.organisations[&organisation]).unwrap();
    state
        .workspaces
        .keys()
        .reveal_in_json(&mut before_view)
        .await;
    assert_eq!(
        before_view["contact_persons"][person.to_string()]["personal"],
        json!({"unreadable": true}),
        "{before_view}"
    );
    // The export holds the sealed bytes only, and they can no longer be opened.
    let file = tempfile::NamedTempFile::new().unwrap();
    transfer::export_log(state.store.as_ref(), file.path(), &mut |_| {})
        .await
        .unwrap();
    let exported = std::fs::read_to_string(file.path()).unwrap();
    for secret in ["Mette Kjær", "mette.kjaer@example.org", "+45 56 00 00 00"] {
        assert!(!exported.contains(secret), "{secret} is in the export");
    }
    let added = exported
        .lines()
        .map(|line| serde_json::from_str::<serde_json::Value>(line).unwrap())
        .find(|event| event.to_string().contains("ContactPersonAdded"))
        .unwrap();
    let sealed = find_personal(&added).expect("the added event carries sealed personal data");
    let field: partnerhub::domain::events::PersonalField = serde_json::from_value(sealed).unwrap();
    assert!(matches!(
        field,
        partnerhub::domain::events::PersonalField::Sealed(_)
    ));
    assert_eq!(
        state.workspaces.keys().reveal(&field, false).await,
        partnerhub::privacy::Revealed::Unreadable
    );
    // The log verifies, and a second start has nothing left to finish.
    let report = transfer::verify_log(state.store.as_ref(), &mut |_| {})
        .await
        .unwrap();
    assert_eq!(report.events, state.store.head_position());
    assert_eq!(state.workspaces.finish_erasures().await.unwrap(), 0);
    state.store.shutdown().await;
}

/// The first `personal` object anywhere in a JSON value.
fn find_personal(value: &serde_json::Value) -> Option<serde_json::Value> {
    match value {
        serde_json::Value::Object(fields) => fields
            .get("personal")
            .cloned()
            .or_else(|| fields.values().find_map(find_personal)),
        serde_json::Value::Array(items) => items.iter().find_map(find_personal),
        _ => None,
    }
}

/// What a start's `finish_erasures` asks the key store: which of many subjects still have a
/// key, looked up together (more than one query's worth here, so the lookups are cut), on
/// either backend.
async fn the_key_store_says_which_of_many_subjects_have_a_key(backend: common::Backend) {
    let server = TestServer::start_on(backend).await;
    let keys = server.state.workspaces.keys().clone();
    let first = Uuid::new_v4();
    let last = Uuid::new_v4();
    keys.board_key_or_create(first).await.unwrap();
    keys.board_key_or_create(last).await.unwrap();
    let mut asked: Vec<Uuid> = (0..12_000).map(|_| Uuid::new_v4()).collect();
    asked.insert(0, first);
    asked.push(last);
    let with_keys = keys.subjects_with_keys(&asked).await.unwrap();
    assert_eq!(
        with_keys,
        std::collections::HashSet::from([first, last]),
        "exactly the two subjects with a key, the second past the first lookup's"
    );
    keys.destroy_board_key(last).await.unwrap();
    assert_eq!(
        keys.subjects_with_keys(&asked).await.unwrap(),
        std::collections::HashSet::from([first])
    );
    assert!(keys.subjects_with_keys(&[]).await.unwrap().is_empty());
    server.stop().await;
}

common::on_every_backend!(the_key_store_says_which_of_many_subjects_have_a_key);
