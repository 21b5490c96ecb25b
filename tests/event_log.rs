//! The event log's contract on the sled store: append, read, conflicts, idempotent retries,
//! restart, group commit and subscriptions across the catch-up/live seam.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a panic is how a test reports failure

mod common;

use std::collections::HashSet;
use std::sync::Arc;

use common::{append_many, context, request, TempStore};
use partnerhub::store::{
    transfer, AppendRequest, EventStore, ExpectedVersion, NewEvent, StoreError, Subscription,
};
use serde_json::json;
use uuid::Uuid;

#[tokio::test]
async fn appended_events_are_read_back_by_stream_and_by_position() {
    let temp = TempStore::new();
    let store = temp.dyn_store();
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
    assert_eq!(
        (
            first.first_position,
            first.last_position,
            first.stream_version
        ),
        (1, 2, 2)
    );
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
    assert_eq!(
        store
            .read_stream(Uuid::new_v4(), 1, 100)
            .await
            .unwrap()
            .len(),
        0
    );

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
}

#[tokio::test]
async fn a_stale_expected_version_is_a_conflict_naming_stream_and_versions() {
    let temp = TempStore::new();
    let store = temp.dyn_store();
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
}

#[tokio::test]
async fn concurrent_appends_at_the_same_version_let_exactly_one_win() {
    let temp = TempStore::new();
    let store = temp.dyn_store();
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
}

#[tokio::test]
async fn a_retried_command_returns_the_first_result_without_appending_again() {
    let mut temp = TempStore::new();
    let stream = Uuid::new_v4();
    let first_request = request(stream, ExpectedVersion::NoStream, &["screened", "decided"]);
    let first = temp.store.append(first_request.clone()).await.unwrap();
    assert_eq!((first.first_position, first.last_position), (1, 2));

    // The same command again (the client never saw the ack), even after other appends.
    append_many(temp.store.as_ref(), 3).await;
    let retry = temp.store.append(first_request.clone()).await.unwrap();
    assert!(retry.deduplicated);
    assert_eq!(
        (
            retry.first_position,
            retry.last_position,
            retry.stream_version
        ),
        (1, 2, 2)
    );
    assert_eq!(temp.store.head_position(), 5);

    // Many retries racing each other in one group commit append once.
    let racing = request(Uuid::new_v4(), ExpectedVersion::NoStream, &["once"]);
    let results = futures_join(temp.dyn_store(), racing, 16).await;
    let fresh: Vec<_> = results.iter().filter(|o| !o.deduplicated).collect();
    assert_eq!(fresh.len(), 1);
    assert!(results
        .iter()
        .all(|o| o.first_position == fresh[0].first_position));
    assert_eq!(temp.store.head_position(), 6);

    // And after a restart the command is still remembered.
    temp = temp.restarted().await;
    let after_restart = temp.store.append(first_request).await.unwrap();
    assert!(after_restart.deduplicated);
    assert_eq!(after_restart.first_position, 1);
    assert_eq!(temp.store.head_position(), 6);
}

async fn futures_join(
    store: Arc<dyn EventStore>,
    request: AppendRequest,
    copies: usize,
) -> Vec<partnerhub::store::AppendOutcome> {
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

#[tokio::test]
async fn malformed_appends_are_refused_with_a_reason() {
    let temp = TempStore::new();
    let store = temp.dyn_store();
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
}

#[tokio::test]
async fn the_log_survives_a_restart_and_continues_its_chain() {
    let mut temp = TempStore::new();
    let stream = Uuid::new_v4();
    temp.store
        .append(request(stream, ExpectedVersion::NoStream, &["one", "two"]))
        .await
        .unwrap();
    append_many(temp.store.as_ref(), 10).await;
    let before = temp.store.read_all(1, 100).await.unwrap();

    temp = temp.restarted().await;
    assert_eq!(temp.store.head_position(), 12);
    assert_eq!(temp.store.read_all(1, 100).await.unwrap(), before);
    // The stream's version and the chain continue where they were.
    let conflict = temp
        .store
        .append(request(stream, ExpectedVersion::NoStream, &["three"]))
        .await
        .unwrap_err();
    assert!(matches!(
        conflict,
        StoreError::VersionConflict { actual: 2, .. }
    ));
    let next = temp
        .store
        .append(request(stream, ExpectedVersion::Exact(2), &["three"]))
        .await
        .unwrap();
    assert_eq!((next.first_position, next.stream_version), (13, 3));
    let report = transfer::verify_log(temp.store.as_ref(), &mut |_| {})
        .await
        .unwrap();
    assert_eq!(report.events, 13);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_appenders_share_flushes_and_are_acknowledged_only_when_durable() {
    let temp = TempStore::new();
    let writers = 64;
    let appends_per_writer = 20;
    let mut tasks = Vec::new();
    for writer in 0..writers {
        let store = temp.store.clone();
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
                // The durable head only moves after a flush returned: an ack never runs ahead of it.
                assert!(store.head_position() >= outcome.last_position);
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
    let statistics = temp.store.write_statistics();
    assert_eq!(statistics.events, total);
    assert!(
        statistics.flushes * 2 < total,
        "{} flushes for {total} appends: concurrent appends should share flushes",
        statistics.flushes
    );
    let report = transfer::verify_log(temp.store.as_ref(), &mut |_| {})
        .await
        .unwrap();
    assert_eq!(report.events, total);
}

/// Collects `count` events from a subscription and checks they are exactly `from..from+count`.
async fn collect_in_order(mut subscription: Subscription, from: u64, count: u64) {
    for expected in from..from + count {
        let event = tokio::time::timeout(std::time::Duration::from_secs(20), subscription.next())
            .await
            .expect("subscription stalled")
            .expect("subscription ended")
            .expect("subscription failed");
        assert_eq!(event.position, expected, "gap or duplicate at the seam");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn subscriptions_catch_up_then_follow_live_without_gap_or_duplicate() {
    let temp = TempStore::new();
    let store = temp.dyn_store();
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
        tokio::time::sleep(std::time::Duration::from_millis(5 * index as u64)).await;
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
}

#[tokio::test]
async fn a_subscriber_that_falls_far_behind_still_gets_every_event_in_order() {
    let temp = TempStore::new();
    let store = temp.dyn_store();
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
        let event = subscription.next().await.unwrap().unwrap();
        assert_eq!(event.position, expected);
    }
    assert_eq!(subscription.next_position(), total + 1);
}

#[tokio::test]
async fn the_index_is_derived_from_the_log_and_rebuilt_when_lost() {
    let temp = TempStore::new();
    let stream = Uuid::new_v4();
    let first = request(stream, ExpectedVersion::NoStream, &["one", "two"]);
    temp.store.append(first.clone()).await.unwrap();
    append_many(temp.store.as_ref(), 20).await;
    let TempStore { store, dir } = temp;
    store.shutdown().await;
    drop(store);

    std::fs::remove_dir_all(dir.path().join("index")).unwrap();
    let temp = TempStore {
        store: Arc::new(partnerhub::store::SledEventStore::open(dir.path()).unwrap()),
        dir,
    };
    let events = temp.store.read_stream(stream, 1, 10).await.unwrap();
    assert_eq!(
        events.iter().map(|e| e.position).collect::<Vec<_>>(),
        vec![1, 2]
    );
    let retry = temp.store.append(first).await.unwrap();
    assert!(retry.deduplicated, "command ids are re-indexed too");
    let conflict = temp
        .store
        .append(request(stream, ExpectedVersion::Exact(1), &["three"]))
        .await
        .unwrap_err();
    assert!(matches!(
        conflict,
        StoreError::VersionConflict { actual: 2, .. }
    ));
    let checked = temp.store.clone();
    assert_eq!(
        tokio::task::spawn_blocking(move || checked.check_stream_index())
            .await
            .unwrap()
            .unwrap(),
        22
    );
}

/// Index entries reach sled some time after their events are durable (a background indexer
/// writes them in bulk). Readers and retries must not notice where an entry waits: while one
/// writer appends, readers keep reading the stream, and every read holds every event up to
/// the head it started at, in order, with no gap; every command is then deduplicated whether
/// its entry was written long ago or a moment ago.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stream_reads_and_retries_see_index_entries_wherever_they_wait() {
    let temp = TempStore::new();
    let store = temp.dyn_store();
    let stream = Uuid::new_v4();
    const APPENDS: u64 = 3_000;

    let writer = {
        let store = store.clone();
        tokio::spawn(async move {
            let mut requests = Vec::new();
            for version in 0..APPENDS {
                let expected = if version == 0 {
                    ExpectedVersion::NoStream
                } else {
                    ExpectedVersion::Exact(version)
                };
                let text = format!("note {version}");
                let next = request(stream, expected, &[text.as_str()]);
                store.append(next.clone()).await.unwrap();
                requests.push(next);
                if version % 1_000 == 999 {
                    // Let the indexer write what waits, so the reads cross the seam.
                    tokio::time::sleep(std::time::Duration::from_millis(120)).await;
                }
            }
            requests
        })
    };
    let mut reads = 0;
    while !writer.is_finished() {
        let head = store.head_position();
        let events = store.read_stream(stream, 1, usize::MAX).await.unwrap();
        assert!(events.len() as u64 >= head, "a read missed durable events");
        for (index, event) in events.iter().enumerate() {
            assert_eq!(
                event.stream_version,
                index as u64 + 1,
                "a gap in the stream"
            );
            assert_eq!(event.position, index as u64 + 1);
        }
        let middle = head / 2 + 1;
        if head > 0 {
            let tail = store.read_stream(stream, middle, 10).await.unwrap();
            assert_eq!(tail.first().map(|event| event.stream_version), Some(middle));
        }
        reads += 1;
    }
    let requests = writer.await.unwrap();
    assert!(reads > 10, "only {reads} reads raced the writer");

    // Retries of old commands (long in sled) and of the newest (perhaps still waiting).
    for (index, earlier) in requests
        .iter()
        .enumerate()
        .step_by(97)
        .chain(requests.iter().enumerate().skip(APPENDS as usize - 3))
    {
        let retry = store.append(earlier.clone()).await.unwrap();
        assert!(retry.deduplicated);
        assert_eq!(retry.first_position, index as u64 + 1);
        let outcome = store
            .command_outcome(earlier.context.command_id)
            .await
            .unwrap()
            .expect("the command is remembered");
        assert_eq!(outcome.last_position, index as u64 + 1);
    }
    assert_eq!(store.head_position(), APPENDS);
    let checked = temp.store.clone();
    assert_eq!(
        tokio::task::spawn_blocking(move || checked.check_stream_index())
            .await
            .unwrap()
            .unwrap(),
        APPENDS
    );
}
