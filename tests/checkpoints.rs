//! Projection checkpoints (issue 19, scenario 3): a server starts from the views kept in the
//! store and folds only the events after them, with the same views as a full rebuild; a
//! checkpoint that is damaged, of another log, of other code or of another format is ignored
//! and the views rebuilt; an erasure stays in force through a checkpoint taken before it; the
//! server writes one at a clean shutdown. On sled and on PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a panic is how a test reports failure

mod common;

use std::sync::Arc;

use common::{on_every_backend, Backend, TestLocation};
use partnerhub::app_state::AppState;
use partnerhub::node::{Backing, StoreLocation};
use partnerhub::projection::checkpoint::{self, Start, Unusable};
use partnerhub::projection::{timeline_index, Projections};
use partnerhub::store::EventStore;
use serde_json::{json, Value};
use uuid::Uuid;

/// The store at `location`; on sled it waits for a previous "process" in the test to let go
/// of the directory, as a restarted process would.
async fn open(location: &StoreLocation) -> Backing {
    let started = std::time::Instant::now();
    loop {
        match Backing::open(location).await {
            Ok(backing) => return backing,
            Err(error) if started.elapsed() < std::time::Duration::from_secs(30) => {
                assert!(error.to_string().contains("in use"), "{error}");
                tokio::time::sleep(std::time::Duration::from_millis(20)).await;
            }
            Err(error) => panic!("{error}"),
        }
    }
}

/// A server's state on `location`, as `partnerhub serve` starts it.
async fn start(location: &StoreLocation) -> AppState {
    start_with(location, partnerhub::app_state::Limits::default()).await
}

/// As [`start`], with `limits`.
async fn start_with(location: &StoreLocation, limits: partnerhub::app_state::Limits) -> AppState {
    let backing = open(location).await;
    partnerhub::server::start_node(&backing, limits, &mut |_| {})
        .await
        .unwrap()
}

async fn stop(state: AppState) {
    state.store.shutdown().await;
    drop(state);
}

async fn run(state: &AppState, workspace_id: Uuid, actor: &str, command: Value) {
    let command: partnerhub::domain::Command = serde_json::from_value(command).unwrap();
    state
        .workspaces
        .execute(workspace_id, &command, actor, Uuid::new_v4())
        .await
        .unwrap_or_else(|error| panic!("{command:?} was refused: {error}"));
}

/// Anna creates workspace `workspace_id`, named `name`.
async fn create_workspace(state: &AppState, workspace_id: Uuid, name: &str) {
    run(
        state,
        workspace_id,
        "anna",
        json!({"type": "CreateWorkspace", "name": name}),
    )
    .await;
}

/// Commands of every area: the network with a contact person (personal data), a
/// partnership, an asset, and a workshop board with an anonymous phase (sealed names,
/// timeline entries with secrecy). `round` makes the ids and names of each call new.
async fn work(state: &AppState, workspace_id: Uuid, round: u32) {
    let organisation = Uuid::new_v4();
    let staff = Uuid::new_v4();
    let board = Uuid::new_v4();
    run(state, workspace_id, "anna", json!({"type": "AddStaffMember", "staff_id": staff, "name": format!("Colleague {round}"), "team": "Musik", "competences": []})).await;
    run(state, workspace_id, "anna", json!({"type": "RegisterOrganisation", "organisation_id": organisation, "name": format!("Partner {round}"), "sector": "civil_society", "level": "network", "reason": "met"})).await;
    run(state, workspace_id, "mads", json!({"type": "ChangeRelationLevel", "organisation_id": organisation, "to": "collaboration", "reason": "a festival"})).await;
    run(state, workspace_id, "mads", json!({"type": "AssignContactHolder", "organisation_id": organisation, "staff_id": staff, "topics": ["music"]})).await;
    run(state, workspace_id, "anna", json!({"type": "AddContactPerson", "organisation_id": organisation, "person_id": Uuid::new_v4(), "role": "curator",
        "personal": {"name": format!("Person {round}"), "email": format!("person{round}@example.org"), "phone": "+45 00 00 00 00"}})).await;
    run(state, workspace_id, "anna", json!({"type": "ProposePartnership", "partnership_id": Uuid::new_v4(), "title": format!("Partnership {round}"),
        "partner_ids": [organisation], "purpose": "reading", "form": {"kind": "frame"}})).await;
    run(state, workspace_id, "anna", json!({"type": "CreateBoard", "board_id": board, "title": format!("Board {round}"), "template": "network_circle"})).await;
    run(state, workspace_id, "sofie", json!({"type": "AddNote", "board_id": board, "note_id": Uuid::new_v4(), "text": format!("idea {round}")})).await;
}

/// A workspace's state, timeline (with each entry's secrecy) and metrics, and the slugs and
/// accounts, as one comparable value.
/// The timeline is whole: the timeline index's entries and those the views hold.
async fn views(
    projections: &Projections,
    store: &dyn EventStore,
    workspace_id: Uuid,
) -> impl PartialEq + std::fmt::Debug {
    let view = projections
        .read(workspace_id, |view| {
            (view.state.clone(), view.metrics_history.clone())
        })
        .unwrap();
    let timeline = timeline_index::live_about(store, projections, workspace_id, workspace_id)
        .await
        .unwrap()
        .unwrap();
    let slug = projections.slug_of(workspace_id);
    let accounts = projections.accounts(Clone::clone);
    (view, timeline, slug, accounts, projections.checkpoint())
}

/// The views a start from the store's checkpoint makes, how it made them, and those of a
/// full rebuild of the same log.
async fn start_and_rebuild(store: &dyn EventStore) -> (Arc<Projections>, Start, Arc<Projections>) {
    let (started, how) = checkpoint::start(store, &mut |_| {}).await.unwrap();
    let rebuilt = partnerhub::projection::rebuild(store, &mut |_| {})
        .await
        .unwrap();
    (started, how, rebuilt)
}

/// A server with a workspace and two rounds of work, a checkpoint after the first: its
/// location, the workspace, and where the checkpoint was taken.
async fn server_with_a_checkpoint(backend: Backend) -> (TestLocation, Uuid, u64) {
    let location = TestLocation::on(backend).await;
    let state = start(&location.location()).await;
    let workspace_id = Uuid::new_v4();
    create_workspace(&state, workspace_id, "Roskilde Bibliotekerne").await;
    work(&state, workspace_id, 1).await;
    let taken = checkpoint::write(state.store.as_ref(), &state.projections)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(taken, state.store.head_position());
    work(&state, workspace_id, 2).await;
    stop(state).await;
    (location, workspace_id, taken)
}

async fn a_start_from_a_checkpoint_equals_a_full_rebuild(backend: Backend) {
    let (location, workspace_id, taken) = server_with_a_checkpoint(backend).await;
    let backing = open(&location.location()).await;
    let store = backing.event_store();
    let (started, how, rebuilt) = start_and_rebuild(store.as_ref()).await;
    assert!(
        matches!(how, Start::FromCheckpoint(at) if at == taken),
        "{how:?}"
    );
    assert!(
        taken < store.head_position(),
        "the second round was caught up"
    );
    assert_eq!(
        views(&started, store.as_ref(), workspace_id).await,
        views(&rebuilt, store.as_ref(), workspace_id).await
    );
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 24).unwrap();
    let report = |projections: Arc<Projections>| {
        let store = store.clone();
        async move {
            partnerhub::projection::report::live_report(
                &projections,
                store.as_ref(),
                workspace_id,
                today,
                partnerhub::domain::describe::Language::Danish,
            )
            .await
            .unwrap()
            .unwrap()
        }
    };
    assert_eq!(report(started.clone()).await, report(rebuilt.clone()).await);
    // "As of" a moment before the checkpoint, whose snapshots it does not keep: the same.
    let early = partnerhub::projection::AsOf::Position(3);
    let then = started
        .state_as_of(store.as_ref(), workspace_id, early)
        .await
        .unwrap();
    let then_rebuilt = rebuilt
        .state_as_of(store.as_ref(), workspace_id, early)
        .await
        .unwrap();
    assert_eq!(then.state, then_rebuilt.state);
    store.shutdown().await;
}

/// Stores what `change` makes of the kept checkpoint, starts, and says how the start went;
/// the views must equal a full rebuild's whatever it was.
async fn start_after(
    location: &TestLocation,
    workspace_id: Uuid,
    change: impl FnOnce(&mut Vec<u8>),
) -> Start {
    let backing = open(&location.location()).await;
    let store = backing.event_store();
    let mut bytes = store.load_checkpoint().await.unwrap().unwrap();
    change(&mut bytes);
    store.save_checkpoint(bytes).await.unwrap();
    let (started, how, rebuilt) = start_and_rebuild(store.as_ref()).await;
    assert_eq!(
        views(&started, store.as_ref(), workspace_id).await,
        views(&rebuilt, store.as_ref(), workspace_id).await
    );
    store.shutdown().await;
    how
}

fn ignored(how: &Start) -> &Unusable {
    match how {
        Start::Rebuilt {
            ignored: Some(unusable),
        } => unusable,
        other => panic!("the checkpoint was used: {other:?}"),
    }
}

async fn a_damaged_checkpoint_is_ignored_and_the_views_rebuilt(backend: Backend) {
    let (location, workspace_id, _) = server_with_a_checkpoint(backend).await;
    let how = start_after(&location, workspace_id, |bytes| {
        let middle = bytes.len() / 2;
        bytes[middle] ^= 0x20;
    })
    .await;
    assert!(matches!(ignored(&how), Unusable::Damaged), "{how:?}");
    // Cut short.
    let how = start_after(&location, workspace_id, |bytes| bytes.truncate(20)).await;
    assert!(matches!(ignored(&how), Unusable::NotACheckpoint), "{how:?}");
}

async fn a_checkpoint_of_other_code_or_another_format_is_ignored(backend: Backend) {
    let (location, workspace_id, _) = server_with_a_checkpoint(backend).await;
    // The code version follows the magic (8 bytes), the format (4) and its length (2).
    let how = start_after(&location, workspace_id, |bytes| {
        bytes[14] = if bytes[14] == b'0' { b'1' } else { b'0' };
    })
    .await;
    assert!(
        matches!(ignored(&how), Unusable::OtherCode { .. }),
        "{how:?}"
    );
    let how = start_after(&location, workspace_id, |bytes| {
        bytes[8..12].copy_from_slice(&(checkpoint::FORMAT - 1).to_le_bytes());
    })
    .await;
    assert!(
        matches!(ignored(&how), Unusable::OtherFormat { found } if *found == checkpoint::FORMAT - 1),
        "{how:?}"
    );
}

async fn a_checkpoint_of_another_log_is_ignored(backend: Backend) {
    let (location, workspace_id, _) = server_with_a_checkpoint(backend).await;
    // The same commands on another store: the same positions, other events (other ids and
    // times), so other hashes.
    let other = TestLocation::on(backend).await;
    let state = start(&other.location()).await;
    create_workspace(&state, workspace_id, "Roskilde Bibliotekerne").await;
    work(&state, workspace_id, 1).await;
    work(&state, workspace_id, 2).await;
    checkpoint::write(state.store.as_ref(), &state.projections)
        .await
        .unwrap();
    let foreign = state.store.load_checkpoint().await.unwrap().unwrap();
    // And a third log, shorter than the checkpoint's position.
    work(&state, workspace_id, 3).await;
    checkpoint::write(state.store.as_ref(), &state.projections)
        .await
        .unwrap();
    let longer = state.store.load_checkpoint().await.unwrap().unwrap();
    stop(state).await;

    let how = start_after(&location, workspace_id, |bytes| *bytes = foreign).await;
    assert!(
        matches!(ignored(&how), Unusable::OtherLog { .. }),
        "{how:?}"
    );
    let how = start_after(&location, workspace_id, |bytes| *bytes = longer).await;
    assert!(
        matches!(ignored(&how), Unusable::BeyondTheLog { .. }),
        "{how:?}"
    );
}

async fn an_erasure_after_a_checkpoint_holds_after_a_restart_from_it(backend: Backend) {
    let location = TestLocation::on(backend).await;
    let state = start(&location.location()).await;
    let workspace_id = Uuid::new_v4();
    let organisation = Uuid::new_v4();
    let person = Uuid::new_v4();
    create_workspace(&state, workspace_id, "Køge").await;
    run(&state, workspace_id, "anna", json!({"type": "RegisterOrganisation", "organisation_id": organisation, "name": "Køge Museum", "sector": "public"})).await;
    run(&state, workspace_id, "anna", json!({"type": "AddContactPerson", "organisation_id": organisation, "person_id": person, "role": "curator",
        "personal": {"name": "Mette Kjær", "email": "mette.kjaer@example.org", "phone": "+45 56 00 00 00"}})).await;
    let contact = |state: &AppState| {
        let state = state.clone();
        async move {
            let mut view = state
                .projections
                .read(workspace_id, |view| {
                    serde_json::to_value(&view.state.organisations[&organisation]).unwrap()
                })
                .unwrap();
            state.workspaces.keys().reveal_in_json(&mut view).await;
            view["contact_persons"][person.to_string()]["personal"].clone()
        }
    };
    assert_eq!(contact(&state).await["name"], "Mette Kjær");
    // The checkpoint holds the person, sealed as in the log: never in clear.
    checkpoint::write(state.store.as_ref(), &state.projections)
        .await
        .unwrap()
        .unwrap();
    let kept = state.store.load_checkpoint().await.unwrap().unwrap();
    let kept = String::from_utf8_lossy(&kept);
    assert!(
        kept.contains("curator"),
        "the checkpoint holds the contact person"
    );
    for secret in ["Mette Kjær", "mette.kjaer@example.org", "+45 56 00 00 00"] {
        assert!(
            !kept.contains(secret),
            "{secret} is in the checkpoint in clear"
        );
    }
    run(&state, workspace_id, "anna", json!({"type": "EraseContactPerson", "organisation_id": organisation, "person_id": person, "reason": "asked"})).await;
    stop(state).await;

    // Restarted from the checkpoint taken before the erasure: the person is gone.
    let state = start(&location.location()).await;
    assert!(state.store.load_checkpoint().await.unwrap().is_some());
    assert_eq!(contact(&state).await, json!({"erased": true}));
    // And from one taken after it.
    checkpoint::write(state.store.as_ref(), &state.projections)
        .await
        .unwrap();
    stop(state).await;
    let state = start(&location.location()).await;
    assert_eq!(contact(&state).await, json!({"erased": true}));
    stop(state).await;
}

async fn the_server_writes_a_checkpoint_at_shutdown_and_starts_from_it(backend: Backend) {
    let location = TestLocation::on(backend).await;
    let state = start(&location.location()).await;
    let workspace_id = Uuid::new_v4();
    create_workspace(&state, workspace_id, "Vejle").await;
    work(&state, workspace_id, 1).await;
    let head = state.store.head_position();
    let store = state.store.clone();
    assert_eq!(store.load_checkpoint().await.unwrap(), None);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    partnerhub::server::run(listener, state, async {})
        .await
        .unwrap();
    assert!(store.load_checkpoint().await.unwrap().is_some());
    drop(store);
    let backing = open(&location.location()).await;
    let store = backing.event_store();
    let (started, how, rebuilt) = start_and_rebuild(store.as_ref()).await;
    assert!(
        matches!(how, Start::FromCheckpoint(at) if at == head),
        "{how:?}"
    );
    assert_eq!(
        views(&started, store.as_ref(), workspace_id).await,
        views(&rebuilt, store.as_ref(), workspace_id).await
    );
    store.shutdown().await;
}

/// A checkpoint is used only with a timeline index that holds every entry up to its
/// position: with the index emptied, or with a mark that does not check out (which empties
/// it), the views are rebuilt, the timeline with them, and equal a full rebuild's.
async fn a_checkpoint_without_its_timeline_index_is_ignored_and_the_views_rebuilt(
    backend: Backend,
) {
    let (location, workspace_id, mut taken) = server_with_a_checkpoint(backend).await;
    for damage in ["emptied", "a mark of nothing", "a mark of format 1"] {
        let backing = open(&location.location()).await;
        let store = backing.event_store();
        if damage == "a mark of format 1" {
            // The layout before runs: its mark, every other field right, is emptied with it.
            let mut mark: serde_json::Value =
                serde_json::from_slice(&store.timeline_mark().await.unwrap().unwrap()).unwrap();
            assert_eq!(mark["format"], timeline_index::FORMAT);
            mark["format"] = 1.into();
            store
                .save_timeline(Vec::new(), Some(serde_json::to_vec(&mark).unwrap()))
                .await
                .unwrap();
        } else {
            store.clear_timeline().await.unwrap();
        }
        if damage == "a mark of nothing" {
            store
                .save_timeline(Vec::new(), Some(b"not a mark".to_vec()))
                .await
                .unwrap();
        }
        let (started, how, rebuilt) = start_and_rebuild(store.as_ref()).await;
        assert!(
            matches!(ignored(&how), Unusable::TimelineBehind { position, stored_through: 0 } if *position == taken),
            "{damage}: {how:?}"
        );
        assert_eq!(store.timeline_mark().await.unwrap(), None, "{damage}");
        assert_eq!(
            views(&started, store.as_ref(), workspace_id).await,
            views(&rebuilt, store.as_ref(), workspace_id).await,
            "{damage}"
        );
        // The next checkpoint fills the index again, and the next start uses both.
        let head = checkpoint::write(store.as_ref(), &started)
            .await
            .unwrap()
            .unwrap();
        taken = head;
        let (again, how, rebuilt) = start_and_rebuild(store.as_ref()).await;
        assert!(
            matches!(how, Start::FromCheckpoint(at) if at == head),
            "{damage}: {how:?}"
        );
        assert_eq!(
            views(&again, store.as_ref(), workspace_id).await,
            views(&rebuilt, store.as_ref(), workspace_id).await,
            "{damage}"
        );
        store.shutdown().await;
    }
}

/// An entry of the timeline index whose bytes changed is never shown: reading it fails.
async fn a_damaged_timeline_entry_is_not_shown(backend: Backend) {
    let (location, workspace_id, _) = server_with_a_checkpoint(backend).await;
    let backing = open(&location.location()).await;
    let store = backing.event_store();
    let (started, how) = checkpoint::start(store.as_ref(), &mut |_| {})
        .await
        .unwrap();
    assert!(matches!(how, Start::FromCheckpoint(_)), "{how:?}");
    let (position, mut bytes) = store
        .read_timeline(workspace_id, None, u64::MAX)
        .await
        .unwrap()
        .pop()
        .unwrap();
    let last = bytes.len() - 2;
    bytes[last] ^= 0x01;
    store
        .save_timeline(
            vec![partnerhub::store::TimelineIndexEntry {
                workspace_id,
                position,
                entity_ids: vec![workspace_id],
                bytes,
            }],
            None,
        )
        .await
        .unwrap();
    let read =
        timeline_index::live_about(store.as_ref(), &started, workspace_id, workspace_id).await;
    assert!(
        matches!(read, Err(partnerhub::store::StoreError::Corrupt { position: at, .. }) if at == position),
        "{read:?}"
    );
    store.shutdown().await;
}

/// A workspace larger than one part of a checkpoint (its organisations and moves are kept in
/// parts decoded on several threads) beside a small one, checkpointed by two writes at once
/// (they go one at a time; the second finds nothing newer): a start from it equals a full
/// rebuild.
async fn a_large_workspace_in_parts_and_two_writes_at_once_start_as_a_rebuild(backend: Backend) {
    let location = TestLocation::on(backend).await;
    let state = start(&location.location()).await;
    let large = Uuid::new_v4();
    let small = Uuid::new_v4();
    create_workspace(&state, large, "Aarhus").await;
    create_workspace(&state, small, "Vejle").await;
    for batch in 0..2 {
        let rows: Vec<Value> = (0..400)
            .map(|row| {
                json!({"organisation_id": Uuid::new_v4(), "name": format!("Forening {batch}-{row}"),
                "sector": "civil_society", "level": "network", "reason": "imported"})
            })
            .collect();
        run(
            &state,
            large,
            "anna",
            json!({"type": "ImportOrganisations", "rows": rows}),
        )
        .await;
    }
    work(&state, large, 1).await;
    work(&state, small, 1).await;
    let head = state.store.head_position();
    let (first, second) = tokio::join!(
        checkpoint::write(state.store.as_ref(), &state.projections),
        checkpoint::write(state.store.as_ref(), &state.projections),
    );
    assert_eq!(first.unwrap(), Some(head));
    assert_eq!(second.unwrap(), Some(head));
    stop(state).await;
    let backing = open(&location.location()).await;
    let store = backing.event_store();
    let (started, how, rebuilt) = start_and_rebuild(store.as_ref()).await;
    assert!(
        matches!(how, Start::FromCheckpoint(at) if at == head),
        "{how:?}"
    );
    assert_eq!(
        started.read(large, |view| view.state.organisations.len()),
        Some(801)
    );
    for workspace_id in [large, small] {
        assert_eq!(
            views(&started, store.as_ref(), workspace_id).await,
            views(&rebuilt, store.as_ref(), workspace_id).await
        );
    }
    store.shutdown().await;
}

on_every_backend!(
    a_large_workspace_in_parts_and_two_writes_at_once_start_as_a_rebuild,
    a_checkpoint_without_its_timeline_index_is_ignored_and_the_views_rebuilt,
    a_damaged_timeline_entry_is_not_shown,
    a_start_from_a_checkpoint_equals_a_full_rebuild,
    a_damaged_checkpoint_is_ignored_and_the_views_rebuilt,
    a_checkpoint_of_other_code_or_another_format_is_ignored,
    a_checkpoint_of_another_log_is_ignored,
    an_erasure_after_a_checkpoint_holds_after_a_restart_from_it,
    the_server_writes_a_checkpoint_at_shutdown_and_starts_from_it,
    a_resting_checkpointer_saves_the_timeline_and_leaves_the_checkpoint,
);

/// Waits until the timeline index holds every entry up to `head` and the store's checkpoint is
/// usable (and, if `whole`, at `head`), and says the checkpoint's position.
async fn saved_through(store: &dyn EventStore, head: u64, whole: bool) -> u64 {
    let waited = std::time::Instant::now();
    loop {
        // The index's mark, checked against the log as a start checks it.
        if timeline_index::open(store).await.unwrap() >= head {
            match checkpoint::start(store, &mut |_| {}).await.unwrap().1 {
                Start::FromCheckpoint(position) if !whole || position == head => return position,
                _ => {}
            }
        }
        assert!(
            waited.elapsed() < std::time::Duration::from_secs(30),
            "the checkpointer did not save through {head}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
}

/// The background checkpointer, saving whenever an event came: resting (a large
/// `rest_factor`), it writes the first checkpoint and then only saves the timeline entries
/// into the index, and a start from the older checkpoint with the newer index equals a full
/// rebuild; with no rest it writes a checkpoint each time.
async fn a_resting_checkpointer_saves_the_timeline_and_leaves_the_checkpoint(backend: Backend) {
    for rest_factor in [1_000_000, 0] {
        let location = TestLocation::on(backend).await;
        let limits = partnerhub::app_state::Limits {
            checkpoints: checkpoint::CheckpointPolicy {
                every_events: 1,
                every: std::time::Duration::from_secs(600),
                rest_factor,
            },
            ..partnerhub::app_state::Limits::default()
        };
        let state = start_with(&location.location(), limits).await;
        let workspace_id = Uuid::new_v4();
        create_workspace(&state, workspace_id, "Roskilde Bibliotekerne").await;
        let store = state.store.clone();
        let mut first = None;
        for round in 1..=3 {
            work(&state, workspace_id, round).await;
            let head = store.head_position();
            let kept = saved_through(store.as_ref(), head, rest_factor == 0).await;
            let first = *first.get_or_insert(kept);
            if rest_factor > 0 {
                assert_eq!(kept, first, "round {round}: the checkpoint rests");
                assert!(first < head, "round {round}: the index went on past it");
            }
        }
        let (started, how, rebuilt) = start_and_rebuild(store.as_ref()).await;
        assert!(matches!(how, Start::FromCheckpoint(_)), "{how:?}");
        assert_eq!(
            views(&started, store.as_ref(), workspace_id).await,
            views(&rebuilt, store.as_ref(), workspace_id).await
        );
        drop(store);
        stop(state).await;
    }
}
