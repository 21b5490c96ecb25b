//! The event log's contract, one body per test, run against every backend: sled in a
//! temporary directory and PostgreSQL in a schema of its own (`ph_test_<random>`, dropped at
//! the end). Then what only PostgreSQL has: several store instances ("nodes") on one schema,
//! writers whose transactions interleave, a writer killed while it holds the head lock, the
//! unique key as the last line of defence, and migrations between the backends.
//!
//! PostgreSQL is reached at `PARTNERHUB_TEST_POSTGRES` (default
//! `postgres://postgres@127.0.0.1:5432/test`); set it to `skip` to run the sled half only.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a panic is how a test reports failure

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::Duration;

use chrono::SubsecRound;
use partnerhub::store::migrate::migrate_store;
use partnerhub::store::postgres::PostgresOptions;
use partnerhub::store::transfer::{self, TransferError};
use partnerhub::store::{
    AppendOutcome, AppendRequest, CommandContext, EventStore, ExpectedVersion, NewEvent,
    PostgresEventStore, RecordedEvent, SledEventStore, StoreError, Subscription,
    TimelineIndexEntry,
};
use serde_json::json;
use uuid::Uuid;

mod common;

use common::postgres::{raw_client, TestSchema};

// ---------------------------------------------------------------------------------------
// Backends
// ---------------------------------------------------------------------------------------

/// Which backend a contract test runs against.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Backend {
    Sled,
    Postgres,
}

/// An open store and where it keeps its data. Fields drop in order: the store first.
struct Harness {
    store: Open,
    place: Place,
}

enum Open {
    Sled(Arc<SledEventStore>),
    Postgres(Arc<PostgresEventStore>),
}

enum Place {
    Directory(tempfile::TempDir),
    Schema(TestSchema),
}

impl Harness {
    /// A new empty store, or `None` when PostgreSQL is to be skipped.
    async fn new(backend: Backend) -> Option<Self> {
        match backend {
            Backend::Sled => {
                let directory = tempfile::tempdir().unwrap();
                let store = Arc::new(SledEventStore::open(directory.path()).unwrap());
                Some(Harness {
                    store: Open::Sled(store),
                    place: Place::Directory(directory),
                })
            }
            Backend::Postgres => {
                let schema = TestSchema::create().await?;
                let store = Arc::new(PostgresEventStore::connect(&schema.url()).await.unwrap());
                Some(Harness {
                    store: Open::Postgres(store),
                    place: Place::Schema(schema),
                })
            }
        }
    }

    fn store(&self) -> Arc<dyn EventStore> {
        match &self.store {
            Open::Sled(store) => store.clone(),
            Open::Postgres(store) => store.clone(),
        }
    }

    fn schema(&self) -> &TestSchema {
        match &self.place {
            Place::Schema(schema) => schema,
            Place::Directory(_) => panic!("not a PostgreSQL harness"),
        }
    }

    /// How many group commits (sled: flushes; PostgreSQL: transactions) wrote events.
    fn commits(&self) -> u64 {
        match &self.store {
            Open::Sled(store) => store.write_statistics().flushes,
            Open::Postgres(store) => store.commit_statistics().commits,
        }
    }

    /// How many events this instance's writer made durable.
    fn written_events(&self) -> u64 {
        match &self.store {
            Open::Sled(store) => store.write_statistics().events,
            Open::Postgres(store) => store.commit_statistics().events,
        }
    }

    /// Another store instance on the same schema: a second "node".
    async fn second_instance(&self) -> Arc<PostgresEventStore> {
        Arc::new(
            PostgresEventStore::connect(&self.schema().url())
                .await
                .unwrap(),
        )
    }

    /// Shuts the store down and opens the same place again, as a restarted process would.
    async fn restarted(self) -> Self {
        let Harness { store, place } = self;
        match store {
            Open::Sled(store) => {
                store.shutdown().await;
                drop(store);
                let Place::Directory(directory) = &place else {
                    unreachable!()
                };
                let store = Arc::new(SledEventStore::open(directory.path()).unwrap());
                Harness {
                    store: Open::Sled(store),
                    place,
                }
            }
            Open::Postgres(store) => {
                store.shutdown().await;
                drop(store);
                let Place::Schema(schema) = &place else {
                    unreachable!()
                };
                let store = Arc::new(PostgresEventStore::connect(&schema.url()).await.unwrap());
                Harness {
                    store: Open::Postgres(store),
                    place,
                }
            }
        }
    }

    async fn finish(self) {
        self.store().shutdown().await;
    }
}

// ---------------------------------------------------------------------------------------
// Requests
// ---------------------------------------------------------------------------------------

fn context(actor: &str) -> CommandContext {
    let command_id = Uuid::new_v4();
    CommandContext {
        workspace_id: Uuid::from_u128(7),
        actor: actor.into(),
        command_id,
        correlation_id: command_id,
        happened_at: None,
    }
}

fn request(stream_id: Uuid, expected: ExpectedVersion, texts: &[&str]) -> AppendRequest {
    AppendRequest {
        stream_id,
        expected_version: expected,
        context: context("anna@roskilde"),
        events: texts
            .iter()
            .map(|text| NewEvent::new("NoteAdded", json!({"text": text, "zone": "learning"})))
            .collect(),
    }
}

/// Appends `count` single-event commands to fresh streams, in order.
/// Where an append's events went: its first and last positions and the stream's version
/// after it.
fn span(outcome: &AppendOutcome) -> (u64, u64, u64) {
    (
        outcome.first_position,
        outcome.last_position,
        outcome.stream_version,
    )
}

async fn append_many(store: &dyn EventStore, count: usize) {
    for index in 0..count {
        store
            .append(request(
                Uuid::new_v4(),
                ExpectedVersion::NoStream,
                &[&format!("Partner {index}")],
            ))
            .await
            .unwrap();
    }
}

async fn racing_copies(
    store: Arc<dyn EventStore>,
    request: AppendRequest,
    copies: usize,
) -> Vec<AppendOutcome> {
    let tasks: Vec<_> = (0..copies)
        .map(|_| {
            let store = store.clone();
            let request = request.clone();
            tokio::spawn(async move { store.append(request).await })
        })
        .collect();
    let mut outcomes = Vec::new();
    for task in tasks {
        outcomes.push(task.await.unwrap().unwrap());
    }
    outcomes
}

/// Takes the next event of a subscription, failing after 20 seconds.
async fn next_event(subscription: &mut Subscription) -> Arc<RecordedEvent> {
    tokio::time::timeout(Duration::from_secs(20), subscription.next())
        .await
        .expect("subscription stalled")
        .expect("subscription ended")
        .expect("subscription failed")
}

/// Collects `count` events from a subscription and checks they are exactly `from..from+count`.
async fn collect_in_order(
    mut subscription: Subscription,
    from: u64,
    count: u64,
) -> Vec<Arc<RecordedEvent>> {
    let mut events = Vec::with_capacity(count as usize);
    for expected in from..from + count {
        let event = next_event(&mut subscription).await;
        assert_eq!(event.position, expected, "gap or duplicate at the seam");
        events.push(event);
    }
    events
}

/// Waits until `store` can read up to `position`.
async fn wait_for_head(store: &dyn EventStore, position: u64) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    while store.head_position() < position {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the head stayed at {} instead of reaching {position}",
            store.head_position()
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

async fn read_everything(store: &dyn EventStore) -> Vec<RecordedEvent> {
    let mut events = Vec::new();
    loop {
        let page = store.read_all(events.len() as u64 + 1, 500).await.unwrap();
        if page.is_empty() {
            return events;
        }
        events.extend(page);
    }
}

// ---------------------------------------------------------------------------------------
// The contract, one body per test
// ---------------------------------------------------------------------------------------

/// Runs each named contract test against every backend, as `sled::name` and
/// `postgres::name`.
macro_rules! for_every_backend {
    ($($name:ident),* $(,)?) => {
        mod sled {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name(super::Backend::Sled).await
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name(super::Backend::Postgres).await
                }
            )*
        }
    };
}

for_every_backend!(
    appended_events_are_read_back_by_stream_and_by_position,
    a_stale_expected_version_is_a_conflict_naming_stream_and_versions,
    concurrent_appends_at_the_same_version_let_exactly_one_win,
    a_retried_command_returns_the_first_result_without_appending_again,
    malformed_appends_are_refused_with_a_reason,
    the_log_survives_a_restart_and_continues_its_chain,
    concurrent_appenders_share_commits_and_are_acknowledged_only_when_readable,
    subscriptions_catch_up_then_follow_live_without_gap_or_duplicate,
    a_subscriber_that_falls_far_behind_still_gets_every_event_in_order,
    recorded_events_must_continue_the_log_all_or_nothing,
    verify_export_and_import_round_trip_byte_for_byte,
    shutdown_ends_subscriptions_and_refuses_appends,
    an_import_that_splits_a_command_across_batches_keeps_its_whole_outcome,
    history_keeps_its_time_but_the_log_never_goes_back_nor_ahead,
    a_checkpoint_is_kept_whole_replaced_whole_and_survives_a_restart,
    the_timeline_index_is_read_by_workspace_and_entity_and_survives_a_restart,
    the_fold_sees_every_event_in_order_before_its_append_is_answered,
);

/// The fold set with `fold_when_published` (the projections' fold) is called with every
/// published event, in log order, before the append the event belongs to is answered; a
/// second fold is refused.
async fn the_fold_sees_every_event_in_order_before_its_append_is_answered(backend: Backend) {
    let Some(harness) = Harness::new(backend).await else {
        return;
    };
    let store = harness.store();
    let folded = Arc::new(std::sync::Mutex::new(Vec::new()));
    let seen = folded.clone();
    assert!(
        store.fold_when_published(Arc::new(move |event: &RecordedEvent| {
            seen.lock().unwrap().push(event.position);
        }))
    );
    assert!(!store.fold_when_published(Arc::new(|_: &RecordedEvent| {})));
    let writers = 8;
    let appends = 25;
    let tasks: Vec<_> = (0..writers)
        .map(|_| {
            let (store, folded) = (store.clone(), folded.clone());
            tokio::spawn(async move {
                let stream_id = Uuid::new_v4();
                for version in 0..appends {
                    let expected = match version {
                        0 => ExpectedVersion::NoStream,
                        _ => ExpectedVersion::Exact(version),
                    };
                    let outcome = store
                        .append(request(stream_id, expected, &["Roskilde Bibliotek"]))
                        .await
                        .unwrap();
                    // Answered only once the fold has seen the append's events.
                    let last_folded = folded.lock().unwrap().last().copied();
                    assert!(last_folded >= Some(outcome.last_position));
                }
            })
        })
        .collect();
    for task in tasks {
        task.await.unwrap();
    }
    let total = writers * appends;
    let folded = folded.lock().unwrap().clone();
    assert_eq!(folded, (1..=total).collect::<Vec<_>>());
    harness.finish().await;
}

/// An append of history (`happened_at`) is recorded at that time; one earlier than the last
/// event's is recorded at the last event's time, one in the future at now; the chain verifies.
async fn history_keeps_its_time_but_the_log_never_goes_back_nor_ahead(backend: Backend) {
    let Some(harness) = Harness::new(backend).await else {
        return;
    };
    let store = harness.store();
    let at = |text: &str| chrono::DateTime::parse_from_rfc3339(text).unwrap().to_utc();
    let append_at = |time: Option<chrono::DateTime<chrono::Utc>>| {
        let mut request = request(Uuid::new_v4(), ExpectedVersion::NoStream, &["a note"]);
        request.context.happened_at = time;
        let store = store.clone();
        async move { store.append(request).await.unwrap().first_position }
    };
    let story = append_at(Some(at("2023-05-10T09:00:00.1234567Z"))).await;
    let earlier = append_at(Some(at("2023-01-16T09:00:00Z"))).await;
    let later = append_at(Some(at("2024-02-05T09:00:00Z"))).await;
    let before = chrono::Utc::now();
    let future = append_at(Some(at("2999-01-01T00:00:00Z"))).await;
    let after = chrono::Utc::now();
    let events = read_everything(store.as_ref()).await;
    let time_of = |position: u64| events[position as usize - 1].metadata.recorded_at;
    // Kept to the microsecond the log records.
    assert_eq!(time_of(story), at("2023-05-10T09:00:00.123456Z"));
    assert_eq!(time_of(earlier), time_of(story));
    assert_eq!(time_of(later), at("2024-02-05T09:00:00Z"));
    assert!(before.trunc_subsecs(6) <= time_of(future) && time_of(future) <= after);
    let report = transfer::verify_log(store.as_ref(), &mut |_| {})
        .await
        .unwrap();
    assert_eq!(report.events, 4);
}

async fn a_checkpoint_is_kept_whole_replaced_whole_and_survives_a_restart(backend: Backend) {
    let Some(mut harness) = Harness::new(backend).await else {
        return;
    };
    assert_eq!(harness.store().load_checkpoint().await.unwrap(), None);
    // Larger than a chunk (4 MiB on PostgreSQL), with
    // bytes that differ from chunk to chunk, so a chunk out of order or lost shows.
    let large: Vec<u8> = (0..9_500_000u32)
        .map(|index| (index % 251) as u8 ^ (index >> 20) as u8)
        .collect();
    harness
        .store()
        .save_checkpoint(large.clone())
        .await
        .unwrap();
    assert_eq!(
        harness.store().load_checkpoint().await.unwrap().as_deref(),
        Some(large.as_slice())
    );
    // Read in pieces, in order (more than one: a reader starts on the first while the rest
    // are read); a reader that stops taking them stops the read, without an error.
    let (sender, mut pieces) = tokio::sync::mpsc::channel(16);
    assert!(harness.store().read_checkpoint(sender).await.unwrap());
    let mut read = Vec::new();
    let mut count = 0;
    while let Some(piece) = pieces.recv().await {
        read.extend_from_slice(&piece);
        count += 1;
    }
    assert!(count > 1, "{count} piece");
    assert!(read == large);
    let (sender, mut pieces) = tokio::sync::mpsc::channel(1);
    let store = harness.store();
    let reading = store.read_checkpoint(sender);
    let first = async {
        let first = pieces.recv().await;
        drop(pieces);
        first
    };
    let (found, first) = tokio::join!(reading, first);
    assert!(found.unwrap());
    assert!(first.is_some_and(|piece| large.starts_with(&piece)));
    drop(store);
    // A smaller one replaces it whole: no chunk of the larger one is left behind.
    harness
        .store()
        .save_checkpoint(b"smaller".to_vec())
        .await
        .unwrap();
    assert_eq!(
        harness.store().load_checkpoint().await.unwrap().as_deref(),
        Some(&b"smaller"[..])
    );
    // It does not touch the log.
    assert_eq!(harness.store().head_position(), 0);
    harness = harness.restarted().await;
    assert_eq!(
        harness.store().load_checkpoint().await.unwrap().as_deref(),
        Some(&b"smaller"[..])
    );
    harness.finish().await;
}

/// The timeline index's entries of a workspace up to a position (all, or about one entity),
/// each as its position and its bytes as text.
async fn read_timeline(
    harness: &Harness,
    workspace_id: Uuid,
    entity_id: Option<Uuid>,
    up_to: u64,
) -> Vec<(u64, String)> {
    harness
        .store()
        .read_timeline(workspace_id, entity_id, up_to)
        .await
        .unwrap()
        .into_iter()
        .map(|(position, bytes)| (position, String::from_utf8(bytes).unwrap()))
        .collect()
}

/// The timeline index: entries saved in batches are read back by workspace (all, up to a
/// position) and by entity, in position order; an entry saved again is replaced; the mark is
/// kept only when given; all of it survives a restart, and clearing empties it.
async fn the_timeline_index_is_read_by_workspace_and_entity_and_survives_a_restart(
    backend: Backend,
) {
    let Some(mut harness) = Harness::new(backend).await else {
        return;
    };
    let (workspace, other_workspace) = (Uuid::new_v4(), Uuid::new_v4());
    let (organisation, board) = (Uuid::new_v4(), Uuid::new_v4());
    let entry =
        |workspace_id: Uuid, position: u64, entity_ids: Vec<Uuid>, text: &str| TimelineIndexEntry {
            workspace_id,
            position,
            entity_ids,
            bytes: text.as_bytes().to_vec(),
        };
    assert_eq!(harness.store().timeline_mark().await.unwrap(), None);
    // Two batches, the second out of order and with the mark.
    harness
        .store()
        .save_timeline(
            vec![
                entry(workspace, 1, vec![organisation], "registered"),
                entry(other_workspace, 2, vec![organisation], "elsewhere"),
            ],
            None,
        )
        .await
        .unwrap();
    assert_eq!(harness.store().timeline_mark().await.unwrap(), None);
    harness
        .store()
        .save_timeline(
            vec![
                entry(workspace, 300, vec![board], "a note"),
                entry(workspace, 4, vec![organisation, board], "on the board"),
            ],
            Some(b"mark 300".to_vec()),
        )
        .await
        .unwrap();
    assert_eq!(
        harness.store().timeline_mark().await.unwrap().as_deref(),
        Some(&b"mark 300"[..])
    );
    let all = vec![
        (1, "registered".to_owned()),
        (4, "on the board".to_owned()),
        (300, "a note".to_owned()),
    ];
    assert_eq!(
        read_timeline(&harness, workspace, None, u64::MAX).await,
        all
    );
    assert_eq!(
        read_timeline(&harness, workspace, None, 299).await,
        all[..2].to_vec()
    );
    assert_eq!(
        read_timeline(&harness, workspace, Some(organisation), u64::MAX).await,
        all[..2].to_vec()
    );
    assert_eq!(
        read_timeline(&harness, workspace, Some(board), 300).await,
        all[1..].to_vec()
    );
    assert_eq!(
        read_timeline(&harness, workspace, Some(Uuid::new_v4()), u64::MAX).await,
        vec![]
    );
    assert_eq!(
        read_timeline(&harness, other_workspace, None, u64::MAX).await,
        vec![(2, "elsewhere".to_owned())]
    );
    // Saved again: replaced, not doubled.
    harness
        .store()
        .save_timeline(
            vec![entry(workspace, 4, vec![organisation, board], "again")],
            None,
        )
        .await
        .unwrap();
    harness = harness.restarted().await;
    assert_eq!(
        read_timeline(&harness, workspace, Some(board), u64::MAX).await,
        vec![(4, "again".to_owned()), (300, "a note".to_owned())]
    );
    assert_eq!(
        harness.store().timeline_mark().await.unwrap().as_deref(),
        Some(&b"mark 300"[..])
    );
    // It does not touch the log.
    assert_eq!(harness.store().head_position(), 0);
    harness.store().clear_timeline().await.unwrap();
    assert_eq!(harness.store().timeline_mark().await.unwrap(), None);
    assert_eq!(
        read_timeline(&harness, workspace, None, u64::MAX).await,
        vec![]
    );
    assert_eq!(
        read_timeline(&harness, workspace, Some(board), u64::MAX).await,
        vec![]
    );
    harness.finish().await;
}

async fn appended_events_are_read_back_by_stream_and_by_position(backend: Backend) {
    let Some(harness) = Harness::new(backend).await else {
        return;
    };
    let store = harness.store();
    let festival = Uuid::new_v4();
    let museum = Uuid::new_v4();

    let first = store
        .append(request(
            festival,
            ExpectedVersion::NoStream,
            &["met at the festival", "agreed area"],
        ))
        .await
        .unwrap();
    assert_eq!(span(&first), (1, 2, 2));
    assert!(!first.deduplicated);
    let second = store
        .append(request(
            museum,
            ExpectedVersion::NoStream,
            &["library in the museum"],
        ))
        .await
        .unwrap();
    assert_eq!((second.first_position, second.stream_version), (3, 1));
    let third = store
        .append(request(festival, ExpectedVersion::Exact(2), &["evaluated"]))
        .await
        .unwrap();
    assert_eq!((third.first_position, third.stream_version), (4, 3));

    let stream = store.read_stream(festival, 1, 100).await.unwrap();
    let versions: Vec<_> = stream
        .iter()
        .map(|e| (e.position, e.stream_version))
        .collect();
    assert_eq!(versions, vec![(1, 1), (2, 2), (4, 3)]);
    assert_eq!(
        stream[2].payload,
        json!({"text": "evaluated", "zone": "learning"})
    );
    assert_eq!(stream[0].metadata.actor, "anna@roskilde");
    assert_eq!(stream[0].metadata.workspace_id, Uuid::from_u128(7));
    assert_eq!(store.read_stream(festival, 3, 100).await.unwrap().len(), 1);
    assert_eq!(store.read_stream(festival, 1, 2).await.unwrap().len(), 2);
    assert!(store
        .read_stream(Uuid::new_v4(), 1, 100)
        .await
        .unwrap()
        .is_empty());

    let all = store.read_all(1, 100).await.unwrap();
    assert_eq!(
        all.iter().map(|e| e.position).collect::<Vec<_>>(),
        vec![1, 2, 3, 4]
    );
    assert_eq!(
        all[1].previous_hash, all[0].hash,
        "each event chains to the one before"
    );
    assert!(all
        .windows(2)
        .all(|w| w[0].metadata.recorded_at <= w[1].metadata.recorded_at));
    assert_eq!(store.read_all(3, 1).await.unwrap()[0].stream_id, museum);
    assert!(store.read_all(5, 10).await.unwrap().is_empty());
    assert_eq!(store.head_position(), 4);

    let outcome = store
        .command_outcome(first_command(&all))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (
            outcome.first_position,
            outcome.last_position,
            outcome.deduplicated
        ),
        (1, 2, true)
    );
    assert!(store
        .command_outcome(Uuid::new_v4())
        .await
        .unwrap()
        .is_none());
    harness.finish().await;
}

fn first_command(events: &[RecordedEvent]) -> Uuid {
    events[0].metadata.command_id
}

async fn a_stale_expected_version_is_a_conflict_naming_stream_and_versions(backend: Backend) {
    let Some(harness) = Harness::new(backend).await else {
        return;
    };
    let store = harness.store();
    let agreement = Uuid::new_v4();
    store
        .append(request(agreement, ExpectedVersion::NoStream, &["v1", "v2"]))
        .await
        .unwrap();

    let error = store
        .append(request(
            agreement,
            ExpectedVersion::Exact(1),
            &["stale amendment"],
        ))
        .await
        .unwrap_err();
    match error {
        StoreError::VersionConflict {
            stream_id,
            expected,
            actual,
        } => {
            assert_eq!(stream_id, agreement);
            assert_eq!(expected, ExpectedVersion::Exact(1));
            assert_eq!(actual, 2);
        }
        other => panic!("expected a version conflict, got {other:?}"),
    }
    let message = store
        .append(request(agreement, ExpectedVersion::NoStream, &["again"]))
        .await
        .unwrap_err()
        .to_string();
    assert!(
        message.contains(&agreement.to_string()) && message.contains("version 2"),
        "{message}"
    );
    assert_eq!(store.head_position(), 2, "a rejected append writes nothing");
    harness.finish().await;
}

async fn concurrent_appends_at_the_same_version_let_exactly_one_win(backend: Backend) {
    let Some(harness) = Harness::new(backend).await else {
        return;
    };
    let store = harness.store();
    let agreement = Uuid::new_v4();
    store
        .append(request(agreement, ExpectedVersion::NoStream, &["draft"]))
        .await
        .unwrap();
    let mut tasks = Vec::new();
    for index in 0..32 {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            store
                .append(request(
                    agreement,
                    ExpectedVersion::Exact(1),
                    &[&format!("amendment {index}")],
                ))
                .await
        }));
    }
    let mut winners = 0;
    for task in tasks {
        match task.await.unwrap() {
            Ok(outcome) => {
                winners += 1;
                assert_eq!(outcome.stream_version, 2);
            }
            Err(StoreError::VersionConflict { actual: 2, .. }) => {}
            Err(other) => panic!("unexpected error {other:?}"),
        }
    }
    assert_eq!(winners, 1);
    assert_eq!(store.read_stream(agreement, 1, 100).await.unwrap().len(), 2);
    assert_eq!(store.head_position(), 2);
    harness.finish().await;
}

async fn a_retried_command_returns_the_first_result_without_appending_again(backend: Backend) {
    let Some(mut harness) = Harness::new(backend).await else {
        return;
    };
    let stream = Uuid::new_v4();
    let first_request = request(stream, ExpectedVersion::NoStream, &["screened", "decided"]);
    let first = harness.store().append(first_request.clone()).await.unwrap();
    assert_eq!((first.first_position, first.last_position), (1, 2));

    // The same command again (the client never saw the ack), even after other appends.
    append_many(harness.store().as_ref(), 3).await;
    let retry = harness.store().append(first_request.clone()).await.unwrap();
    assert!(retry.deduplicated);
    assert_eq!(span(&retry), (1, 2, 2));
    assert_eq!(harness.store().head_position(), 5);

    // Many retries racing each other (in one group commit or several) append once.
    let racing = request(Uuid::new_v4(), ExpectedVersion::NoStream, &["once"]);
    let results = racing_copies(harness.store(), racing, 16).await;
    let fresh: Vec<_> = results.iter().filter(|o| !o.deduplicated).collect();
    assert_eq!(fresh.len(), 1);
    assert!(results
        .iter()
        .all(|o| o.first_position == fresh[0].first_position));
    assert_eq!(harness.store().head_position(), 6);

    // And after a restart the command is still remembered.
    harness = harness.restarted().await;
    let after_restart = harness.store().append(first_request).await.unwrap();
    assert!(after_restart.deduplicated);
    assert_eq!(after_restart.first_position, 1);
    assert_eq!(harness.store().head_position(), 6);
    harness.finish().await;
}

async fn malformed_appends_are_refused_with_a_reason(backend: Backend) {
    let Some(harness) = Harness::new(backend).await else {
        return;
    };
    let store = harness.store();
    let empty = AppendRequest {
        stream_id: Uuid::new_v4(),
        expected_version: ExpectedVersion::Any,
        context: context("anna"),
        events: vec![],
    };
    assert!(
        matches!(store.append(empty).await, Err(StoreError::InvalidAppend(m)) if m.contains("at least one event"))
    );
    let bad_type = AppendRequest {
        events: vec![NewEvent::new("Note Added!", json!({}))],
        ..request(Uuid::new_v4(), ExpectedVersion::Any, &[])
    };
    assert!(
        matches!(store.append(bad_type).await, Err(StoreError::InvalidAppend(m)) if m.contains("Note Added!"))
    );
    let anonymous = AppendRequest {
        context: context(" "),
        ..request(Uuid::new_v4(), ExpectedVersion::Any, &["x"])
    };
    assert!(
        matches!(store.append(anonymous).await, Err(StoreError::InvalidAppend(m)) if m.contains("actor"))
    );
    assert_eq!(store.head_position(), 0);
    // A malformed request in the same group as good ones fails alone.
    let mut tasks = Vec::new();
    for index in 0..8 {
        let store = store.clone();
        let actor = if index == 3 { " " } else { "anna" };
        tasks.push(tokio::spawn(async move {
            store
                .append(AppendRequest {
                    context: context(actor),
                    ..request(Uuid::new_v4(), ExpectedVersion::NoStream, &["x"])
                })
                .await
        }));
    }
    let mut refused = 0;
    for task in tasks {
        if task.await.unwrap().is_err() {
            refused += 1;
        }
    }
    assert_eq!(refused, 1);
    assert_eq!(store.head_position(), 7);
    harness.finish().await;
}

async fn the_log_survives_a_restart_and_continues_its_chain(backend: Backend) {
    let Some(mut harness) = Harness::new(backend).await else {
        return;
    };
    let stream = Uuid::new_v4();
    harness
        .store()
        .append(request(stream, ExpectedVersion::NoStream, &["one", "two"]))
        .await
        .unwrap();
    append_many(harness.store().as_ref(), 10).await;
    let before = harness.store().read_all(1, 100).await.unwrap();

    harness = harness.restarted().await;
    let store = harness.store();
    assert_eq!(store.head_position(), 12);
    assert_eq!(store.read_all(1, 100).await.unwrap(), before);
    // The stream's version and the chain continue where they were.
    let conflict = store
        .append(request(stream, ExpectedVersion::NoStream, &["three"]))
        .await
        .unwrap_err();
    assert!(matches!(
        conflict,
        StoreError::VersionConflict { actual: 2, .. }
    ));
    let next = store
        .append(request(stream, ExpectedVersion::Exact(2), &["three"]))
        .await
        .unwrap();
    assert_eq!((next.first_position, next.stream_version), (13, 3));
    let after = store.read_all(13, 1).await.unwrap();
    assert_eq!(after[0].previous_hash, before[11].hash);
    assert!(after[0].metadata.recorded_at >= before[11].metadata.recorded_at);
    let report = transfer::verify_log(store.as_ref(), &mut |_| {})
        .await
        .unwrap();
    assert_eq!(report.events, 13);
    harness.finish().await;
}

async fn concurrent_appenders_share_commits_and_are_acknowledged_only_when_readable(
    backend: Backend,
) {
    let Some(harness) = Harness::new(backend).await else {
        return;
    };
    let writers = 64;
    let appends_per_writer = 20;
    let mut tasks = Vec::new();
    for writer in 0..writers {
        let store = harness.store();
        tasks.push(tokio::spawn(async move {
            let stream = Uuid::new_v4();
            let mut acknowledged = Vec::new();
            for index in 0..appends_per_writer {
                let outcome = store
                    .append(request(
                        stream,
                        ExpectedVersion::Exact(index),
                        &[&format!("writer {writer} note {index}")],
                    ))
                    .await
                    .unwrap();
                // The head moves before the ack: an ack never runs ahead of what readers see.
                assert!(store.head_position() >= outcome.last_position);
                let read = store.read_all(outcome.last_position, 1).await.unwrap();
                assert_eq!(read[0].stream_id, stream);
                acknowledged.push(outcome.last_position);
            }
            acknowledged
        }));
    }
    let mut positions = HashSet::new();
    for task in tasks {
        for position in task.await.unwrap() {
            assert!(
                positions.insert(position),
                "position {position} acknowledged twice"
            );
        }
    }
    let total = writers * appends_per_writer;
    assert_eq!(positions.len() as u64, total);
    assert_eq!(
        positions.iter().max().copied(),
        Some(total),
        "positions are gap-free"
    );
    assert_eq!(harness.written_events(), total);
    let commits = harness.commits();
    assert!(
        commits * 2 < total,
        "{commits} commits for {total} appends: concurrent appends should share commits"
    );
    let report = transfer::verify_log(harness.store().as_ref(), &mut |_| {})
        .await
        .unwrap();
    assert_eq!(report.events, total);
    harness.finish().await;
}

async fn subscriptions_catch_up_then_follow_live_without_gap_or_duplicate(backend: Backend) {
    let Some(harness) = Harness::new(backend).await else {
        return;
    };
    let store = harness.store();
    append_many(store.as_ref(), 300).await;

    let total: u64 = 300 + 8 * 150;
    let mut writers = Vec::new();
    for _ in 0..8 {
        let store = store.clone();
        writers.push(tokio::spawn(async move {
            append_many(store.as_ref(), 150).await
        }));
    }
    // Subscribers start while the writers run: some from the beginning, some mid-log,
    // some at the head, so each crosses the catch-up/live seam under concurrent appends.
    let mut readers = Vec::new();
    for (index, from) in [1u64, 1, 150, 299, 301].into_iter().enumerate() {
        let subscription = Subscription::new(store.clone(), from);
        readers.push(tokio::spawn(collect_in_order(
            subscription,
            from,
            total - from + 1,
        )));
        tokio::time::sleep(Duration::from_millis(5 * index as u64)).await;
    }
    for writer in writers {
        writer.await.unwrap();
    }
    let late = Subscription::new(store.clone(), store.head_position() + 1);
    let late_reader = tokio::spawn(collect_in_order(late, total + 1, 5));
    append_many(store.as_ref(), 5).await;
    for reader in readers {
        reader.await.unwrap();
    }
    late_reader.await.unwrap();
    harness.finish().await;
}

async fn a_subscriber_that_falls_far_behind_still_gets_every_event_in_order(backend: Backend) {
    let Some(harness) = Harness::new(backend).await else {
        return;
    };
    let store = harness.store();
    let mut subscription = Subscription::new(store.clone(), 1);
    // Far more events than the live channel holds arrive while nobody reads.
    let total = 5000u64;
    let mut tasks = Vec::new();
    for _ in 0..10 {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            append_many(store.as_ref(), 500).await
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
    for expected in 1..=total {
        let event = next_event(&mut subscription).await;
        assert_eq!(event.position, expected);
    }
    assert_eq!(subscription.next_position(), total + 1);
    harness.finish().await;
}

async fn recorded_events_must_continue_the_log_all_or_nothing(backend: Backend) {
    let Some(source) = Harness::new(backend).await else {
        return;
    };
    let Some(target) = Harness::new(backend).await else {
        return;
    };
    let stream = Uuid::new_v4();
    source
        .store()
        .append(request(stream, ExpectedVersion::NoStream, &["a", "b"]))
        .await
        .unwrap();
    append_many(source.store().as_ref(), 4).await;
    let events = source.store().read_all(1, 100).await.unwrap();
    assert_eq!(events.len(), 6);
    let store = target.store();

    store.append_recorded(events[0..2].to_vec()).await.unwrap();
    assert_eq!(store.head_position(), 2);
    // A batch whose first event fits but whose second skips a position: nothing is written.
    let error = store
        .append_recorded(vec![events[2].clone(), events[4].clone()])
        .await
        .unwrap_err();
    assert!(matches!(error, StoreError::DoesNotContinue(_)), "{error:?}");
    assert_eq!(store.head_position(), 2);
    assert_eq!(store.read_all(3, 10).await.unwrap().len(), 0);
    // An event of another log does not continue this one.
    let foreign = {
        let mut event = events[2].clone();
        event.previous_hash = events[2].hash;
        event
    };
    assert!(matches!(
        store.append_recorded(vec![foreign]).await,
        Err(StoreError::DoesNotContinue(_))
    ));
    store.append_recorded(events[2..].to_vec()).await.unwrap();
    assert_eq!(store.head_position(), 6);
    assert_eq!(store.read_all(1, 100).await.unwrap(), events);
    // Streams and commands imported are known: versions continue, retries are recognised.
    assert!(matches!(
        store
            .append(request(stream, ExpectedVersion::Exact(1), &["c"]))
            .await,
        Err(StoreError::VersionConflict { actual: 2, .. })
    ));
    let retry = AppendRequest {
        context: CommandContext {
            command_id: events[0].metadata.command_id,
            ..context("anna@roskilde")
        },
        ..request(stream, ExpectedVersion::NoStream, &["a", "b"])
    };
    let outcome = store.append(retry).await.unwrap();
    assert!(outcome.deduplicated);
    assert_eq!((outcome.first_position, outcome.last_position), (1, 2));
    // Appends continue the imported chain.
    let next = store
        .append(request(stream, ExpectedVersion::Exact(2), &["c"]))
        .await
        .unwrap();
    assert_eq!(next.first_position, 7);
    let report = transfer::verify_log(store.as_ref(), &mut |_| {})
        .await
        .unwrap();
    assert_eq!(report.events, 7);
    source.finish().await;
    target.finish().await;
}

async fn verify_export_and_import_round_trip_byte_for_byte(backend: Backend) {
    let Some(source) = Harness::new(backend).await else {
        return;
    };
    let Some(target) = Harness::new(backend).await else {
        return;
    };
    let files = tempfile::tempdir().unwrap();
    let stream = Uuid::new_v4();
    source
        .store()
        .append(request(
            stream,
            ExpectedVersion::NoStream,
            &["é and \"quotes\"", "two"],
        ))
        .await
        .unwrap();
    let mut tasks = Vec::new();
    for _ in 0..4 {
        let store = source.store();
        tasks.push(tokio::spawn(async move {
            append_many(store.as_ref(), 300).await
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
    let verified = transfer::verify_log(source.store().as_ref(), &mut |_| {})
        .await
        .unwrap();
    assert_eq!(verified.events, 1202);

    let first = files.path().join("first.jsonl");
    let exported = transfer::export_log(source.store().as_ref(), &first, &mut |_| {})
        .await
        .unwrap();
    assert_eq!(exported, 1202);
    let imported = transfer::import_log(target.store().as_ref(), &first, &mut |_, _| {})
        .await
        .unwrap();
    assert_eq!(imported, verified);
    let second = files.path().join("second.jsonl");
    transfer::export_log(target.store().as_ref(), &second, &mut |_| {})
        .await
        .unwrap();
    assert_eq!(
        std::fs::read(&first).unwrap(),
        std::fs::read(&second).unwrap(),
        "an export of an import is identical byte for byte"
    );
    assert_eq!(
        transfer::verify_log(target.store().as_ref(), &mut |_| {})
            .await
            .unwrap(),
        verified
    );
    // A second import into the now non-empty store is refused.
    assert!(matches!(
        transfer::import_log(target.store().as_ref(), &first, &mut |_, _| {}).await,
        Err(TransferError::StoreNotEmpty { events: 1202 })
    ));
    // A changed line is refused naming it, and nothing is written.
    let Some(empty) = Harness::new(backend).await else {
        return;
    };
    let text = std::fs::read_to_string(&first).unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    lines[99] = lines[99].replace("Partner", "Someone");
    let broken = files.path().join("broken.jsonl");
    std::fs::write(&broken, lines.join("\n") + "\n").unwrap();
    match transfer::import_log(empty.store().as_ref(), &broken, &mut |_, _| {}).await {
        Err(TransferError::BrokenChain { line: 100, .. }) => {}
        other => panic!("expected a broken chain at line 100, got {other:?}"),
    }
    assert_eq!(empty.store().head_position(), 0);
    source.finish().await;
    target.finish().await;
    empty.finish().await;
}

async fn shutdown_ends_subscriptions_and_refuses_appends(backend: Backend) {
    let Some(harness) = Harness::new(backend).await else {
        return;
    };
    let store = harness.store();
    append_many(store.as_ref(), 3).await;
    let mut caught_up = Subscription::new(store.clone(), 1);
    for position in 1..=3 {
        assert_eq!(next_event(&mut caught_up).await.position, position);
    }
    // One subscriber is still behind when the store shuts down: it gets the rest, then ends.
    let mut behind = Subscription::new(store.clone(), 2);
    store.shutdown().await;
    let ended = tokio::time::timeout(Duration::from_secs(10), caught_up.next())
        .await
        .expect("a subscription must end with the store");
    assert!(ended.is_none());
    assert_eq!(next_event(&mut behind).await.position, 2);
    assert_eq!(next_event(&mut behind).await.position, 3);
    let ended = tokio::time::timeout(Duration::from_secs(10), behind.next())
        .await
        .expect("a subscription must end with the store");
    assert!(ended.is_none());
    assert!(matches!(
        store
            .append(request(
                Uuid::new_v4(),
                ExpectedVersion::NoStream,
                &["late"]
            ))
            .await,
        Err(StoreError::Closed)
    ));
    assert_eq!(store.head_position(), 3);
    drop(store);
    harness.finish().await;
}

// ---------------------------------------------------------------------------------------
// PostgreSQL only: several processes on one schema, and what can go wrong between them
// ---------------------------------------------------------------------------------------

/// Appends `count` notes to a stream of its own, in order, returning every acknowledgement.
async fn write_stream(store: Arc<dyn EventStore>, count: u64) -> Vec<(u64, Uuid, u64)> {
    let stream = Uuid::new_v4();
    let mut acknowledged = Vec::new();
    for version in 0..count {
        let outcome = store
            .append(request(
                stream,
                ExpectedVersion::Exact(version),
                &[&format!("note {version}")],
            ))
            .await
            .unwrap();
        acknowledged.push((outcome.last_position, stream, outcome.stream_version));
    }
    acknowledged
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_nodes_on_one_schema_see_every_event_of_both_in_one_order() {
    let Some(harness) = Harness::new(Backend::Postgres).await else {
        return;
    };
    let first: Arc<dyn EventStore> = harness.store();
    let second: Arc<dyn EventStore> = harness.second_instance().await;
    let writers_per_node = 4;
    let appends_per_writer = 40;
    let total = 2 * writers_per_node * appends_per_writer;
    let readers: Vec<_> = [first.clone(), second.clone()]
        .into_iter()
        .map(|store| tokio::spawn(collect_in_order(Subscription::new(store, 1), 1, total)))
        .collect();
    let mut writers = Vec::new();
    for _ in 0..writers_per_node {
        writers.push(tokio::spawn(write_stream(
            first.clone(),
            appends_per_writer,
        )));
        writers.push(tokio::spawn(write_stream(
            second.clone(),
            appends_per_writer,
        )));
    }
    let mut acknowledged = Vec::new();
    for writer in writers {
        acknowledged.extend(writer.await.unwrap());
    }
    let mut seen = Vec::new();
    for reader in readers {
        seen.push(reader.await.unwrap());
    }
    // Both nodes delivered the same events, in the same order, hash for hash.
    let hashes =
        |events: &[Arc<RecordedEvent>]| events.iter().map(|event| event.hash).collect::<Vec<_>>();
    assert_eq!(hashes(&seen[0]), hashes(&seen[1]));
    // Every acknowledged append is there, where its acknowledgement said.
    assert_eq!(acknowledged.len() as u64, total);
    for (position, stream, version) in acknowledged {
        let event = &seen[0][position as usize - 1];
        assert_eq!((event.stream_id, event.stream_version), (stream, version));
    }
    for store in [&first, &second] {
        wait_for_head(store.as_ref(), total).await;
        let report = transfer::verify_log(store.as_ref(), &mut |_| {})
            .await
            .unwrap();
        assert_eq!(report.events, total);
    }
    second.shutdown().await;
    harness.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn interleaved_writers_on_two_nodes_keep_the_order_gap_free_and_streams_contiguous() {
    let Some(harness) = Harness::new(Backend::Postgres).await else {
        return;
    };
    let nodes: Vec<Arc<dyn EventStore>> = vec![harness.store(), harness.second_instance().await];
    interleave_writers(&nodes).await;
    nodes[1].shutdown().await;
    harness.finish().await;
}

/// Twelve writers, alternating between `nodes`, each appending 15 times to one of three
/// shared streams and deciding again on every conflict; then every node holds one gap-free
/// log, each stream's versions contiguous and the chain verified.
async fn interleave_writers(nodes: &[Arc<dyn EventStore>]) {
    let streams: Vec<Uuid> = (0..3).map(|_| Uuid::new_v4()).collect();
    let mut writers = Vec::new();
    for writer in 0..12usize {
        let store = nodes[writer % 2].clone();
        let streams = streams.clone();
        writers.push(tokio::spawn(async move {
            let mut successes = 0u64;
            let mut conflicts = 0u64;
            let mut believed: HashMap<Uuid, u64> = HashMap::new();
            for round in 0..15usize {
                let stream = streams[(writer + round) % streams.len()];
                loop {
                    let expected = *believed.get(&stream).unwrap_or(&0);
                    let note = format!("writer {writer} round {round}");
                    match store
                        .append(request(stream, ExpectedVersion::Exact(expected), &[&note]))
                        .await
                    {
                        Ok(outcome) => {
                            believed.insert(stream, outcome.stream_version);
                            successes += 1;
                            break;
                        }
                        Err(StoreError::VersionConflict { actual, .. }) => {
                            // Decide again on the version the other writers reached.
                            believed.insert(stream, actual);
                            conflicts += 1;
                        }
                        Err(other) => panic!("unexpected error {other:?}"),
                    }
                }
            }
            (successes, conflicts)
        }));
    }
    let (mut successes, mut conflicts) = (0, 0);
    for writer in writers {
        let (won, lost) = writer.await.unwrap();
        successes += won;
        conflicts += lost;
    }
    assert_eq!(successes, 12 * 15);
    // Every stream starts at version 0 once: at least 9 of the 12 first attempts conflict,
    // across nodes as well as within one.
    assert!(conflicts >= 9, "{conflicts} conflicts");
    for node in nodes {
        // A node that does not listen learns of the others' last commits when asked.
        node.catch_up().await.unwrap();
        wait_for_head(node.as_ref(), successes).await;
        let events = read_everything(node.as_ref()).await;
        let positions: Vec<u64> = events.iter().map(|event| event.position).collect();
        assert_eq!(positions, (1..=successes).collect::<Vec<_>>());
        let mut versions: HashMap<Uuid, Vec<u64>> = HashMap::new();
        for event in &events {
            versions
                .entry(event.stream_id)
                .or_default()
                .push(event.stream_version);
        }
        for (stream, versions) in versions {
            assert_eq!(
                versions,
                (1..=versions.len() as u64).collect::<Vec<_>>(),
                "stream {stream} has gaps or duplicates"
            );
        }
        transfer::verify_log(node.as_ref(), &mut |_| {})
            .await
            .unwrap();
    }
}

/// A node that neither listens nor polls: it learns of other nodes' commits only when it
/// commits itself (or a caller asks it to catch up).
async fn deaf_node(harness: &Harness) -> Arc<PostgresEventStore> {
    let options = PostgresOptions {
        listen: false,
        poll_interval: Duration::from_secs(3600),
        ..PostgresOptions::default()
    };
    Arc::new(
        PostgresEventStore::connect_with(harness.schema().url().parse().unwrap(), options)
            .await
            .unwrap(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_node_behind_the_log_appends_after_what_it_has_not_read() {
    let Some(harness) = Harness::new(Backend::Postgres).await else {
        return;
    };
    let other = harness.store();
    let behind = deaf_node(&harness).await;
    let stream = Uuid::new_v4();
    let first = behind
        .append(request(stream, ExpectedVersion::NoStream, &["one"]))
        .await
        .unwrap();
    assert_eq!(first.first_position, 1);
    assert_eq!(
        behind.commit_statistics().in_one_round_trip,
        1,
        "the tail it opened on holds: one statement"
    );

    // The other node moves the stream on and runs a command of its own.
    let second = other
        .append(request(stream, ExpectedVersion::Exact(1), &["two"]))
        .await
        .unwrap();
    let theirs = request(Uuid::new_v4(), ExpectedVersion::NoStream, &["theirs"]);
    let their_outcome = other.append(theirs.clone()).await.unwrap();
    assert_eq!(
        (second.first_position, their_outcome.first_position),
        (2, 3)
    );
    assert_eq!(behind.head_position(), 1, "the deaf node has not read them");

    // Its next append assumes the tail at 1: that statement writes nothing, and the commit
    // that reads the tail first puts the append after the other node's events.
    let mine = behind
        .append(request(
            Uuid::new_v4(),
            ExpectedVersion::NoStream,
            &["mine"],
        ))
        .await
        .unwrap();
    assert_eq!(mine.first_position, 4);
    let statistics = behind.commit_statistics();
    assert_eq!((statistics.commits, statistics.in_one_round_trip), (2, 1));
    assert_eq!(behind.head_position(), 4, "it read what it had missed");

    // A retry of the other node's command gets that command's first outcome.
    let retried = behind.append(theirs).await.unwrap();
    assert_eq!(
        retried,
        AppendOutcome {
            deduplicated: true,
            ..their_outcome
        }
    );
    // A decision taken before the other node's append is a conflict at the stored version.
    match behind
        .append(request(stream, ExpectedVersion::Exact(1), &["stale"]))
        .await
    {
        Err(StoreError::VersionConflict {
            stream_id, actual, ..
        }) => assert_eq!((stream_id, actual), (stream, 2)),
        other => panic!("expected a version conflict, got {other:?}"),
    }
    // Its tail is current again: one statement.
    let third = behind
        .append(request(stream, ExpectedVersion::Exact(2), &["three"]))
        .await
        .unwrap();
    assert_eq!((third.first_position, third.stream_version), (5, 3));
    let statistics = behind.commit_statistics();
    assert_eq!((statistics.commits, statistics.in_one_round_trip), (3, 2));

    // One log, one chain, on both nodes.
    wait_for_head(other.as_ref(), 5).await;
    let (theirs, ours) = (
        read_everything(other.as_ref()).await,
        read_everything(behind.as_ref()).await,
    );
    assert_eq!(theirs, ours);
    for node in [other.clone(), behind.clone() as Arc<dyn EventStore>] {
        let report = transfer::verify_log(node.as_ref(), &mut |_| {})
            .await
            .unwrap();
        assert_eq!(report.events, 5);
    }
    behind.shutdown().await;
    harness.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn writers_on_a_node_behind_the_log_and_on_another_lose_nothing_and_fork_nothing() {
    let Some(harness) = Harness::new(Backend::Postgres).await else {
        return;
    };
    let behind = deaf_node(&harness).await;
    let nodes: Vec<Arc<dyn EventStore>> = vec![harness.store(), behind.clone()];
    interleave_writers(&nodes).await;
    let statistics = behind.commit_statistics();
    assert!(
        statistics.in_one_round_trip < statistics.commits,
        "the deaf node's tail went stale: {statistics:?}"
    );
    behind.shutdown().await;
    harness.finish().await;
}

/// A writer outside the store that has inserted a row at `position` (not an event) and not
/// committed it: an append's insert of that position waits until the returned client rolls
/// back (or its connection dies).
async fn hold_position(
    harness: &Harness,
    position: i64,
) -> (tokio_postgres::Client, tokio::task::JoinHandle<()>) {
    let (holder, connection) = raw_client(&harness.schema().url()).await;
    holder.batch_execute("BEGIN").await.unwrap();
    holder
        .execute(
            "INSERT INTO events (position, stream_id, stream_version, command_id, recorded_at, bytes)
             VALUES ($1, gen_random_uuid(), 1, gen_random_uuid(), now(), 'not an event')",
            &[&position],
        )
        .await
        .unwrap();
    (holder, connection)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_writer_killed_while_holding_the_next_position_leaves_no_gap() {
    let Some(harness) = Harness::new(Backend::Postgres).await else {
        return;
    };
    let store = harness.store();
    append_many(store.as_ref(), 5).await;

    // Another "process" writes position 6... and dies before it commits.
    let (killed, connection) = hold_position(&harness, 6).await;
    let mut appends = Vec::new();
    for _ in 0..3 {
        let store = store.clone();
        appends.push(tokio::spawn(async move {
            store
                .append(request(
                    Uuid::new_v4(),
                    ExpectedVersion::NoStream,
                    &["after"],
                ))
                .await
        }));
    }
    tokio::time::sleep(Duration::from_millis(700)).await;
    assert!(
        appends.iter().all(|append| !append.is_finished()),
        "appends wait for the uncommitted position's key"
    );
    assert_eq!(
        store.head_position(),
        5,
        "an uncommitted position is never seen"
    );
    assert!(store.read_all(6, 10).await.unwrap().is_empty());

    connection.abort();
    drop(killed);
    let mut positions = Vec::new();
    for append in appends {
        let outcome = tokio::time::timeout(Duration::from_secs(20), append)
            .await
            .expect("the key is free when the killed writer's connection goes")
            .unwrap()
            .unwrap();
        positions.push(outcome.first_position);
    }
    positions.sort_unstable();
    assert_eq!(
        positions,
        vec![6, 7, 8],
        "the dead writer's position is reused"
    );
    let events = read_everything(store.as_ref()).await;
    assert_eq!(
        events
            .iter()
            .map(|event| event.position)
            .collect::<Vec<_>>(),
        (1..=8).collect::<Vec<_>>()
    );
    transfer::verify_log(store.as_ref(), &mut |_| {})
        .await
        .unwrap();

    // A transaction that rolls back after taking positions leaves no gap either.
    let (client, connection) = raw_client(&harness.schema().url()).await;
    client
        .batch_execute(
            "BEGIN;
             INSERT INTO events (position, stream_id, stream_version, command_id, recorded_at, bytes)
             VALUES (9, gen_random_uuid(), 1, gen_random_uuid(), now(), 'not an event');
             ROLLBACK;",
        )
        .await
        .unwrap();
    drop(client);
    let _ = connection.await;
    let next = store
        .append(request(
            Uuid::new_v4(),
            ExpectedVersion::NoStream,
            &["next"],
        ))
        .await
        .unwrap();
    assert_eq!(next.first_position, 9);
    harness.finish().await;
}

/// A PostgreSQL store holding version 1 of a stream (`None` when PostgreSQL is skipped).
async fn postgres_stream_at_version_one() -> Option<(Harness, Arc<dyn EventStore>, Uuid)> {
    let harness = Harness::new(Backend::Postgres).await?;
    let store = harness.store();
    let stream = Uuid::new_v4();
    store
        .append(request(stream, ExpectedVersion::NoStream, &["one"]))
        .await
        .unwrap();
    Some((harness, store, stream))
}

/// A rogue writer, not chaining to the tail: inserts version 2 of `stream` at position
/// 1,000,000, in a transaction left open when `uncommitted`.
async fn rogue_inserts_version_two(
    harness: &Harness,
    stream: Uuid,
    uncommitted: bool,
) -> (tokio_postgres::Client, tokio::task::JoinHandle<()>) {
    let (rogue, connection) = raw_client(&harness.schema().url()).await;
    let begin = if uncommitted { "BEGIN;" } else { "" };
    rogue
        .batch_execute(&format!(
            "{begin}
             INSERT INTO events (position, stream_id, stream_version, command_id, recorded_at, bytes)
             VALUES (1000000, '{stream}', 2, gen_random_uuid(), now(), 'rogue');"
        ))
        .await
        .unwrap();
    (rogue, connection)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_uncommitted_stream_version_holds_the_append_until_it_rolls_back() {
    let Some((harness, store, stream)) = postgres_stream_at_version_one().await else {
        return;
    };
    // A rogue writer, not chaining to the tail, inserts version 2 and has not committed yet.
    let (rogue, connection) = rogue_inserts_version_two(&harness, stream, true).await;
    let racing = {
        let store = store.clone();
        tokio::spawn(async move {
            store
                .append(request(stream, ExpectedVersion::Exact(1), &["two"]))
                .await
        })
    };
    let bystander = {
        let store = store.clone();
        tokio::spawn(async move {
            store
                .append(request(
                    Uuid::new_v4(),
                    ExpectedVersion::NoStream,
                    &["other"],
                ))
                .await
        })
    };
    // The store's insert of version 2 waits on the rogue's uncommitted key (a committed
    // rogue row would be a corrupt log: the tail is the last event), and goes on once the
    // rogue rolls back.
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(
        !racing.is_finished(),
        "the append waits for the rogue's key"
    );
    assert!(
        store
            .read_all(1, 10)
            .await
            .unwrap()
            .iter()
            .all(|event| event.stream_id != stream || event.stream_version == 1),
        "nothing uncommitted is seen"
    );
    rogue.batch_execute("ROLLBACK").await.unwrap();
    drop(rogue);
    let _ = connection.await;
    let racing = tokio::time::timeout(Duration::from_secs(20), racing)
        .await
        .expect("the key is free once the rogue rolled back")
        .unwrap()
        .unwrap();
    assert_eq!(racing.stream_version, 2);
    assert!(bystander.await.unwrap().is_ok());
    assert_eq!(
        store.head_position(),
        3,
        "no gap: the rogue's position was never taken"
    );
    harness.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_group_waits_for_as_many_appends_as_were_lately_outstanding() {
    let Some(harness) = Harness::new(Backend::Postgres).await else {
        return;
    };
    let options = PostgresOptions {
        gather_wait: Duration::from_secs(5),
        ..PostgresOptions::default()
    };
    let store = Arc::new(
        PostgresEventStore::connect_with(harness.schema().url().parse().unwrap(), options)
            .await
            .unwrap(),
    );
    let append = |text: &'static str| {
        let store = store.clone();
        tokio::spawn(async move {
            store
                .append(request(Uuid::new_v4(), ExpectedVersion::NoStream, &[text]))
                .await
        })
    };
    // The first append's insert of position 1 waits on a rogue's uncommitted row there,
    // while sixteen more queue behind it.
    let (rogue, connection) = hold_position(&harness, 1).await;
    let first = append("first");
    tokio::time::sleep(Duration::from_millis(300)).await;
    let queued: Vec<_> = (0..16).map(|_| append("queued")).collect();
    tokio::time::sleep(Duration::from_millis(300)).await;
    rogue.batch_execute("ROLLBACK").await.unwrap();
    drop(rogue);
    let _ = connection.await;
    assert_eq!(first.await.unwrap().unwrap().first_position, 1);

    // Seventeen were outstanding at once: the sixteen wait for one more, not for the
    // gathering's end (five seconds here).
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(queued.iter().all(|task| !task.is_finished()));
    assert_eq!(store.commit_statistics().commits, 1);
    let last = append("last");
    let started = std::time::Instant::now();
    let mut positions: Vec<u64> = Vec::new();
    for task in queued.into_iter().chain([last]) {
        positions.push(task.await.unwrap().unwrap().first_position);
    }
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "not the deadline"
    );
    positions.sort_unstable();
    assert_eq!(positions, (2..=18).collect::<Vec<u64>>());
    let statistics = store.commit_statistics();
    assert_eq!(
        (statistics.commits, statistics.events),
        (2, 18),
        "the seventeen in one group"
    );
    let report = transfer::verify_log(store.as_ref(), &mut |_| {})
        .await
        .unwrap();
    assert_eq!(report.events, 18);
    store.shutdown().await;
    harness.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_row_committed_off_the_chain_is_reported_as_corruption_and_nothing_is_written() {
    let Some((harness, store, stream)) = postgres_stream_at_version_one().await else {
        return;
    };
    // A rogue writer, not chaining to the tail, commits version 2 of the stream far past it.
    // The tail is the last event, so the log now ends in a row that is not an event: the
    // store must say so, at that position, rather than write after it or report the stream
    // version the rogue took as an ordinary conflict.
    let (rogue, connection) = rogue_inserts_version_two(&harness, stream, false).await;
    drop(rogue);
    let _ = connection.await;
    let answer = tokio::time::timeout(
        Duration::from_secs(20),
        store.append(request(stream, ExpectedVersion::Exact(1), &["two"])),
    )
    .await
    .expect("the append is answered");
    match answer {
        Err(StoreError::Corrupt { position, reason }) => {
            assert_eq!(position, 1_000_000, "the rogue's row is named: {reason}");
        }
        other => panic!("expected the rogue's row reported as corrupt, got {other:?}"),
    }
    assert_eq!(store.head_position(), 1, "nothing of the refused append");
    let (client, connection) = raw_client(&harness.schema().url()).await;
    let positions: Vec<i64> = client
        .query("SELECT position FROM events ORDER BY position", &[])
        .await
        .unwrap()
        .iter()
        .map(|row| row.get(0))
        .collect();
    assert_eq!(
        positions,
        vec![1, 1_000_000],
        "no row of the refused append"
    );
    drop(client);
    let _ = connection.await;
    harness.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn migrations_are_idempotent_and_a_schema_can_be_named() {
    let Some(harness) = Harness::new(Backend::Postgres).await else {
        return;
    };
    append_many(harness.store().as_ref(), 3).await;
    // Two more instances connecting at once apply nothing twice.
    let url = harness.schema().url();
    let (again, twice) = tokio::join!(
        PostgresEventStore::connect(&url),
        PostgresEventStore::connect(&url)
    );
    let (again, twice) = (again.unwrap(), twice.unwrap());
    assert_eq!(again.head_position(), 3);
    assert_eq!(twice.head_position(), 3);
    again.shutdown().await;
    twice.shutdown().await;
    let (client, connection) = raw_client(&harness.schema().url()).await;
    let versions: Vec<i32> = client
        .query(
            "SELECT version FROM schema_migrations ORDER BY version",
            &[],
        )
        .await
        .unwrap()
        .iter()
        .map(|row| row.get(0))
        .collect();
    // 1: the log; 2: what the server nodes share beside it (personal-data keys, sessions);
    // 3: the keys table holds boards' keys too; 4: the projection checkpoint; 5: the
    // timeline index; 6: the checkpoint's chunks compressed with LZ4; 7: command outcomes in
    // typed columns; 8: no `log_head` (the events' primary key orders the writers).
    assert_eq!(versions, vec![1, 2, 3, 4, 5, 6, 7, 8]);
    // The stored bytes are exactly the canonical bytes of each event.
    let rows = client
        .query("SELECT position, bytes FROM events ORDER BY position", &[])
        .await
        .unwrap();
    let events = harness.store().read_all(1, 10).await.unwrap();
    for (row, event) in rows.iter().zip(&events) {
        let bytes: Vec<u8> = row.get(1);
        assert_eq!(bytes, event.to_canonical_bytes().unwrap());
    }
    // A log written by a newer partnerhub is refused.
    client
        .batch_execute("INSERT INTO schema_migrations (version) VALUES (999)")
        .await
        .unwrap();
    drop(client);
    let _ = connection.await;
    assert!(matches!(
        PostgresEventStore::connect(&harness.schema().url()).await,
        Err(StoreError::Incompatible(message)) if message.contains("999")
    ));

    // Two processes opening a new schema at once create its tables once.
    let fresh = TestSchema::create().await.unwrap();
    let url = fresh.url();
    let (one, other) = tokio::join!(
        PostgresEventStore::connect(&url),
        PostgresEventStore::connect(&url)
    );
    let (one, other) = (one.unwrap(), other.unwrap());
    append_many(&one, 2).await;
    wait_for_head(&other, 2).await;
    one.shutdown().await;
    other.shutdown().await;

    // connect_to_schema creates its schema and keeps the tables there.
    let named = TestSchema {
        name: format!("ph_test_{}", Uuid::new_v4().simple()),
        base_url: harness.schema().base_url.clone(),
    };
    let store = PostgresEventStore::connect_to_schema(&named.base_url, &named.name)
        .await
        .unwrap();
    append_many(&store, 2).await;
    store.shutdown().await;
    drop(store);
    let reopened = PostgresEventStore::connect(&named.url()).await.unwrap();
    assert_eq!(reopened.head_position(), 2);
    reopened.shutdown().await;
    assert!(matches!(
        PostgresEventStore::connect_to_schema(&named.base_url, "no; drop").await,
        Err(StoreError::Incompatible(_))
    ));
    harness.finish().await;
}

/// Puts every command outcome of the harness's schema back into the form schema versions 1–6
/// wrote: JSONB only, the typed columns empty.
async fn outcomes_as_before_migration_7(harness: &Harness) {
    let (client, connection) = raw_client(&harness.schema().url()).await;
    client
        .batch_execute(
            "UPDATE commands SET outcome = jsonb_build_object(
                 'stream_id', stream_id, 'first_position', first_position,
                 'last_position', last_position, 'stream_version', stream_version,
                 'deduplicated', false),
             stream_id = NULL, first_position = NULL, last_position = NULL,
             stream_version = NULL
             WHERE stream_id IS NOT NULL",
        )
        .await
        .unwrap();
    drop(client);
    let _ = connection.await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn commands_recorded_before_the_typed_outcome_columns_are_still_deduplicated_and_extended() {
    let Some(harness) = Harness::new(Backend::Postgres).await else {
        return;
    };
    let stream = Uuid::new_v4();
    let first_request = request(stream, ExpectedVersion::NoStream, &["screened", "decided"]);
    harness.store().append(first_request.clone()).await.unwrap();
    append_many(harness.store().as_ref(), 2).await;
    outcomes_as_before_migration_7(&harness).await;
    let harness = harness.restarted().await;
    // A retry finds its first outcome in the old row, in one group and alone.
    let retry = harness.store().append(first_request.clone()).await.unwrap();
    assert!(retry.deduplicated);
    assert_eq!(span(&retry), (1, 2, 2));
    let outcome = harness
        .store()
        .command_outcome(first_request.context.command_id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((outcome.first_position, outcome.last_position), (1, 2));
    // New appends beside it are written and read in the typed columns.
    let fresh = request(Uuid::new_v4(), ExpectedVersion::NoStream, &["new"]);
    let written = harness.store().append(fresh.clone()).await.unwrap();
    assert_eq!(written.first_position, 5);
    let again = harness.store().append(fresh).await.unwrap();
    assert!(again.deduplicated);
    assert_eq!(again.first_position, 5);
    assert_eq!(harness.store().head_position(), 5);

    // An import whose earlier batch was recorded in the old form extends that outcome.
    let Some(target) = Harness::new(Backend::Postgres).await else {
        return;
    };
    let events = harness.store().read_all(1, 10).await.unwrap();
    target
        .store()
        .append_recorded(events[..1].to_vec())
        .await
        .unwrap();
    outcomes_as_before_migration_7(&target).await;
    let target = target.restarted().await;
    target
        .store()
        .append_recorded(events[1..].to_vec())
        .await
        .unwrap();
    let outcome = target
        .store()
        .command_outcome(first_request.context.command_id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(span(&outcome), (1, 2, 2));
    harness.finish().await;
    target.finish().await;
}

async fn an_import_that_splits_a_command_across_batches_keeps_its_whole_outcome(backend: Backend) {
    let Some(source) = Harness::new(backend).await else {
        return;
    };
    let Some(target) = Harness::new(backend).await else {
        return;
    };
    let stream = Uuid::new_v4();
    let command = request(stream, ExpectedVersion::NoStream, &["one", "two", "three"]);
    let command_id = command.context.command_id;
    source.store().append(command.clone()).await.unwrap();
    let events = source.store().read_all(1, 10).await.unwrap();
    // The batch boundary falls inside the command, in separate commits and in one group.
    target
        .store()
        .append_recorded(events[..1].to_vec())
        .await
        .unwrap();
    target
        .store()
        .append_recorded(events[1..].to_vec())
        .await
        .unwrap();
    let outcome = target
        .store()
        .command_outcome(command_id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(span(&outcome), (1, 3, 3));
    let retry = target.store().append(command.clone()).await.unwrap();
    assert!(retry.deduplicated);
    assert_eq!((retry.first_position, retry.last_position), (1, 3));

    let Some(grouped) = Harness::new(backend).await else {
        return;
    };
    let store = grouped.store();
    let (first, second) = tokio::join!(
        store.append_recorded(events[..2].to_vec()),
        store.append_recorded(events[2..].to_vec())
    );
    first.unwrap();
    second.unwrap();
    let outcome = store.command_outcome(command_id).await.unwrap().unwrap();
    assert_eq!((outcome.first_position, outcome.last_position), (1, 3));
    for harness in [source, target, grouped] {
        harness.finish().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sled_export_imports_into_postgres_and_exports_again_byte_for_byte() {
    let Some(sled) = Harness::new(Backend::Sled).await else {
        return;
    };
    let Some(postgres) = Harness::new(Backend::Postgres).await else {
        return;
    };
    let files = tempfile::tempdir().unwrap();
    let stream = Uuid::new_v4();
    sled.store()
        .append(request(
            stream,
            ExpectedVersion::NoStream,
            &["ø", "{\"nested\": 1}"],
        ))
        .await
        .unwrap();
    append_many(sled.store().as_ref(), 700).await;
    let from_sled = files.path().join("sled.jsonl");
    transfer::export_log(sled.store().as_ref(), &from_sled, &mut |_| {})
        .await
        .unwrap();
    let imported = transfer::import_log(postgres.store().as_ref(), &from_sled, &mut |_, _| {})
        .await
        .unwrap();
    assert_eq!(imported.events, 702);
    let from_postgres = files.path().join("postgres.jsonl");
    transfer::export_log(postgres.store().as_ref(), &from_postgres, &mut |_| {})
        .await
        .unwrap();
    assert_eq!(
        std::fs::read(&from_sled).unwrap(),
        std::fs::read(&from_postgres).unwrap()
    );
    // The imported log goes on in PostgreSQL.
    let next = postgres
        .store()
        .append(request(stream, ExpectedVersion::Exact(2), &["three"]))
        .await
        .unwrap();
    assert_eq!((next.first_position, next.stream_version), (703, 3));
    sled.finish().await;
    postgres.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn migrate_store_copies_sled_into_postgres_and_back_hash_for_hash() {
    let Some(sled) = Harness::new(Backend::Sled).await else {
        return;
    };
    let Some(postgres) = Harness::new(Backend::Postgres).await else {
        return;
    };
    let mut tasks = Vec::new();
    for _ in 0..3 {
        let store = sled.store();
        tasks.push(tokio::spawn(async move {
            append_many(store.as_ref(), 1000).await
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
    let source_report = transfer::verify_log(sled.store().as_ref(), &mut |_| {})
        .await
        .unwrap();
    let mut calls = Vec::new();
    let report = migrate_store(
        sled.store().as_ref(),
        postgres.store().as_ref(),
        &mut |position| calls.push(position),
    )
    .await
    .unwrap();
    assert_eq!(report, source_report);
    assert!(calls.contains(&3000) && calls.len() >= 3, "{calls:?}");
    assert_eq!(
        read_everything(postgres.store().as_ref()).await,
        read_everything(sled.store().as_ref()).await
    );

    // Back into a new sled store: the same log again.
    let Some(back) = Harness::new(Backend::Sled).await else {
        return;
    };
    let round_trip = migrate_store(
        postgres.store().as_ref(),
        back.store().as_ref(),
        &mut |_| {},
    )
    .await
    .unwrap();
    assert_eq!(round_trip, source_report);

    // A destination that already holds events is refused, and left as it was.
    let Some(occupied) = Harness::new(Backend::Postgres).await else {
        return;
    };
    append_many(occupied.store().as_ref(), 2).await;
    match migrate_store(
        sled.store().as_ref(),
        occupied.store().as_ref(),
        &mut |_| {},
    )
    .await
    {
        Err(TransferError::StoreNotEmpty { events: 2 }) => {}
        other => panic!("expected StoreNotEmpty, got {other:?}"),
    }
    assert_eq!(occupied.store().head_position(), 2);
    // An empty source migrates to an empty log.
    let Some(empty) = Harness::new(Backend::Sled).await else {
        return;
    };
    let Some(empty_target) = Harness::new(Backend::Postgres).await else {
        return;
    };
    let nothing = migrate_store(
        empty.store().as_ref(),
        empty_target.store().as_ref(),
        &mut |_| {},
    )
    .await
    .unwrap();
    assert_eq!(nothing.events, 0);
    for harness in [sled, postgres, back, occupied, empty, empty_target] {
        harness.finish().await;
    }
}

/// A second node that polls only as often as `poll_interval`, with its own
/// `application_name` so that its connections can be found in `pg_stat_activity`.
async fn quiet_node(
    harness: &Harness,
    application_name: &str,
    poll_interval: Duration,
) -> Arc<PostgresEventStore> {
    let url = format!(
        "{}&application_name={application_name}",
        harness.schema().url()
    );
    let config: tokio_postgres::Config = url.parse().unwrap();
    let options = PostgresOptions {
        poll_interval,
        ..PostgresOptions::default()
    };
    Arc::new(
        PostgresEventStore::connect_with(config, options)
            .await
            .unwrap(),
    )
}

/// The backend process ids of a node's notification connection.
async fn listener_pids(client: &tokio_postgres::Client, application_name: &str) -> Vec<i32> {
    client
        .query(
            "SELECT pid FROM pg_stat_activity
             WHERE application_name = $1 AND query = 'LISTEN \"partnerhub_log\"'",
            &[&application_name],
        )
        .await
        .unwrap()
        .iter()
        .map(|row| row.get(0))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn notifications_alone_tell_another_node_of_new_events() {
    let Some(harness) = Harness::new(Backend::Postgres).await else {
        return;
    };
    // This node polls once an hour: whatever it learns, it learns from NOTIFY.
    let quiet = quiet_node(&harness, "ph_test_quiet", Duration::from_secs(3600)).await;
    let mut live = quiet.live_events();
    append_many(harness.store().as_ref(), 3).await;
    for position in 1..=3 {
        let event = tokio::time::timeout(Duration::from_secs(5), live.recv())
            .await
            .expect("the notification tells the quiet node")
            .unwrap();
        assert_eq!(event.position, position);
    }
    assert_eq!(quiet.head_position(), 3);
    assert_eq!(quiet.read_all(1, 10).await.unwrap().len(), 3);
    // A command appended on one node is a known command on the other.
    let first = harness.store().read_all(1, 1).await.unwrap();
    let outcome = quiet
        .command_outcome(first[0].metadata.command_id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((outcome.first_position, outcome.deduplicated), (1, true));
    quiet.shutdown().await;
    harness.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_node_that_loses_its_notification_connection_polls_and_listens_again() {
    let Some(harness) = Harness::new(Backend::Postgres).await else {
        return;
    };
    let name = format!("ph_test_{}", Uuid::new_v4().simple());
    let quiet = quiet_node(&harness, &name, Duration::from_millis(100)).await;
    let (client, connection) = raw_client(&harness.schema().url()).await;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    let mut pids = listener_pids(&client, &name).await;
    while pids.is_empty() {
        assert!(tokio::time::Instant::now() < deadline, "no listener");
        tokio::time::sleep(Duration::from_millis(20)).await;
        pids = listener_pids(&client, &name).await;
    }
    client
        .execute("SELECT pg_terminate_backend($1)", &[&pids[0]])
        .await
        .unwrap();

    let mut live = quiet.live_events();
    append_many(harness.store().as_ref(), 3).await;
    for position in 1..=3 {
        let event = tokio::time::timeout(Duration::from_secs(5), live.recv())
            .await
            .expect("polling tells the node while it cannot listen")
            .unwrap();
        assert_eq!(event.position, position);
    }
    // And it listens again on a new connection.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        let now = listener_pids(&client, &name).await;
        if !now.is_empty() && !now.contains(&pids[0]) {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the listener did not come back"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    drop(client);
    let _ = connection.await;
    quiet.shutdown().await;
    harness.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_schema_of_version_7_loses_its_log_head_and_continues_its_chain() {
    let Some(harness) = Harness::new(Backend::Postgres).await else {
        return;
    };
    let store = harness.store();
    append_many(store.as_ref(), 4).await;
    // The schema as a partnerhub of version 7 left it: `log_head` naming the last event.
    let (client, connection) = raw_client(&harness.schema().url()).await;
    client
        .batch_execute(
            "CREATE TABLE log_head (
                 only_row BOOLEAN PRIMARY KEY DEFAULT TRUE CHECK (only_row),
                 position BIGINT NOT NULL CHECK (position >= 0),
                 last_hash TEXT NOT NULL,
                 last_recorded_at TIMESTAMPTZ);
             INSERT INTO log_head (position, last_hash, last_recorded_at)
             VALUES (4, 'stale', now());
             DELETE FROM schema_migrations WHERE version = 8;",
        )
        .await
        .unwrap();
    let reopened = PostgresEventStore::connect(&harness.schema().url())
        .await
        .unwrap();
    assert_eq!(reopened.head_position(), 4);
    let tables: i64 = client
        .query_one(
            "SELECT count(*) FROM pg_tables
             WHERE schemaname = current_schema() AND tablename = 'log_head'",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(tables, 0, "migration 8 drops log_head");
    let next = reopened
        .append(request(
            Uuid::new_v4(),
            ExpectedVersion::NoStream,
            &["after the upgrade"],
        ))
        .await
        .unwrap();
    assert_eq!(next.first_position, 5);
    // The first store's assumed tail is stale now: it reads the new one and chains to it.
    let later = store
        .append(request(
            Uuid::new_v4(),
            ExpectedVersion::NoStream,
            &["from the first"],
        ))
        .await
        .unwrap();
    assert_eq!(later.first_position, 6);
    transfer::verify_log(&reopened, &mut |_| {}).await.unwrap();
    drop(client);
    let _ = connection.await;
    reopened.shutdown().await;
    harness.finish().await;
}
