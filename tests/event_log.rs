//! What only the sled store has: its derived index, re-derived when lost, index entries
//! that wait in memory for the indexer while readers and retries must find them, and lone
//! appends written on their caller's thread, and its records of several events. The event
//! log's contract itself (append, read, conflicts, retries, restart, group commit,
//! subscriptions) is tested on every store in `store_contract.rs`.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a panic is how a test reports failure

mod common;

use std::sync::Arc;

use common::{append_many, request, TempStore};
use partnerhub::store::{EventStore, ExpectedVersion, StoreError};
use uuid::Uuid;

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
    assert_eq!(checked_stream_index(&temp).await, 22);
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
        let indexed = temp.store.clone();
        tokio::spawn(async move {
            let mut requests = Vec::new();
            for version in 0..APPENDS {
                let expected = expected_after(version);
                let text = format!("note {version}");
                let next = request(stream, expected, &[text.as_str()]);
                store.append(next.clone()).await.unwrap();
                requests.push(next);
                if version % 1_000 == 999 {
                    // Write what waits into the index now, so the reads cross the seam.
                    let indexed = indexed.clone();
                    let checked = tokio::task::spawn_blocking(move || indexed.check_stream_index())
                        .await
                        .unwrap()
                        .unwrap();
                    assert_eq!(checked, version + 1);
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
    assert_eq!(checked_stream_index(&temp).await, APPENDS);
}

/// What an append expects of a stream that holds `version` events.
fn expected_after(version: u64) -> ExpectedVersion {
    match version {
        0 => ExpectedVersion::NoStream,
        _ => ExpectedVersion::Exact(version),
    }
}

/// A lone append is written on its caller's thread; appends that overlap go through the
/// writer thread and share its flushes; both keep every stream's order and every event.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lone_append_is_written_by_its_caller_and_overlapping_ones_by_the_writer() {
    let temp = TempStore::new();
    let stream = Uuid::new_v4();
    for version in 0..20u64 {
        let expected = expected_after(version);
        let outcome = temp
            .store
            .append(request(stream, expected, &["alone"]))
            .await
            .unwrap();
        assert_eq!(outcome.stream_version, version + 1);
    }
    let alone = temp.store.write_statistics();
    assert_eq!(alone.appends_written_by_caller, 20);
    assert_eq!(
        alone.flushes, 20,
        "each lone append is durable before its ack"
    );

    let writers: Vec<_> = (0..32)
        .map(|_| {
            let store = temp.store.clone();
            tokio::spawn(async move {
                let stream = Uuid::new_v4();
                for version in 0..25u64 {
                    let expected = expected_after(version);
                    store
                        .append(request(stream, expected, &["together"]))
                        .await
                        .unwrap();
                }
            })
        })
        .collect();
    for writer in writers {
        writer.await.unwrap();
    }
    let together = temp.store.write_statistics();
    let by_writer = 32 * 25 - (together.appends_written_by_caller - 20);
    assert!(by_writer > 0, "overlapping appends went through the writer");
    assert!(
        together.flushes - alone.flushes < 32 * 25,
        "overlapping appends share flushes"
    );
    assert_eq!(temp.store.head_position(), 20 + 32 * 25);
    assert_eq!(checked_stream_index(&temp).await, 20 + 32 * 25);
}

/// Among many callers an append that happens to be alone goes through the writer thread too
/// (only while the groups hold one request each is a lone append written by its caller), but
/// once the crowd is gone the lone caller's appends are written on its thread again: after
/// at most one group of one through the writer.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lone_appends_after_a_crowd_are_written_by_their_caller_again() {
    let temp = TempStore::new();
    let streams: Vec<Uuid> = (0..64).map(|_| Uuid::new_v4()).collect();
    // Many appends at once, from tasks that all start before any is answered.
    let barrier = std::sync::Arc::new(tokio::sync::Barrier::new(streams.len()));
    let crowd: Vec<_> = streams
        .iter()
        .map(|stream| {
            let (store, stream, barrier) = (temp.store.clone(), *stream, barrier.clone());
            tokio::spawn(async move {
                barrier.wait().await;
                store
                    .append(request(stream, ExpectedVersion::NoStream, &["crowd"]))
                    .await
                    .unwrap();
            })
        })
        .collect();
    for task in crowd {
        task.await.unwrap();
    }
    let after_crowd = temp.store.write_statistics();
    assert!(
        after_crowd.flushes < 64,
        "the crowd's appends shared flushes, so some group held several"
    );
    let lone_stream = Uuid::new_v4();
    for version in 0..5u64 {
        // A client's next command comes a network round trip after its ack. Without that
        // pause the next append can arrive while the writer thread that answered the last one
        // still holds the writer (it answers before it lets go), and go through the queue.
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        let expected = expected_after(version);
        temp.store
            .append(request(lone_stream, expected, &["alone again"]))
            .await
            .unwrap();
    }
    let after_lone = temp.store.write_statistics();
    // The crowd's last group may have been a single append (then every lone one is its
    // caller's); if it held several, the first lone append went through the writer.
    let by_caller = after_lone.appends_written_by_caller - after_crowd.appends_written_by_caller;
    assert!(
        by_caller >= 4,
        "after one group of one, lone appends are their callers' again (written by callers: {by_caller})"
    );
    assert_eq!(temp.store.head_position(), 64 + 5);
    assert_eq!(checked_stream_index(&temp).await, 64 + 5);
}

/// On a multi-thread runtime of one worker, the caller's worker is the only one: every
/// append goes through the writer thread rather than hold it for a flush, during which no
/// other caller's command would be read.
#[tokio::test(flavor = "multi_thread", worker_threads = 1)]
async fn a_runtime_of_one_worker_always_hands_appends_to_the_writer() {
    let temp = TempStore::new();
    append_many(temp.store.as_ref(), 5).await;
    let statistics = temp.store.write_statistics();
    assert_eq!(statistics.appends_written_by_caller, 0);
    assert_eq!(statistics.events, 5);
}

/// On a current-thread runtime the caller's thread is the runtime's only one, so every
/// append goes through the writer thread rather than block it.
#[tokio::test]
async fn a_current_thread_runtime_always_hands_appends_to_the_writer() {
    let temp = TempStore::new();
    append_many(temp.store.as_ref(), 5).await;
    let statistics = temp.store.write_statistics();
    assert_eq!(statistics.appends_written_by_caller, 0);
    assert_eq!(statistics.events, 5);
}

/// Overlapping appends are packed into records of several events, each record starting
/// where an append starts; after a restart every event reads back whole, by position and by
/// stream, and an index derived again from the records matches the log.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn overlapping_appends_are_packed_into_records_and_read_back_whole_after_a_restart() {
    let temp = TempStore::new();
    let writers: Vec<_> = (0..32)
        .map(|writer| {
            let store = temp.store.clone();
            tokio::spawn(async move {
                let stream = Uuid::new_v4();
                let mut texts = Vec::new();
                let mut first_positions = Vec::new();
                for append in 0..20usize {
                    let expected = expected_after(texts.len() as u64);
                    let new: Vec<String> = (0..append % 3 + 1)
                        .map(|event| format!("writer {writer} append {append} event {event}"))
                        .collect();
                    let borrowed: Vec<&str> = new.iter().map(String::as_str).collect();
                    let outcome = store
                        .append(request(stream, expected, &borrowed))
                        .await
                        .unwrap();
                    first_positions.push(outcome.first_position);
                    texts.extend(new);
                }
                (stream, texts, first_positions)
            })
        })
        .collect();
    let mut written = Vec::new();
    for writer in writers {
        written.push(writer.await.unwrap());
    }
    let events: u64 = written.iter().map(|(_, texts, _)| texts.len() as u64).sum();
    assert_eq!(temp.store.head_position(), events);
    let TempStore { store, dir } = temp;
    store.shutdown().await;
    drop(store);

    {
        let db = sled::open(dir.path().join("log")).unwrap();
        let records: Vec<u64> = db
            .open_tree("events")
            .unwrap()
            .iter()
            .keys()
            .map(|key| u64::from_be_bytes(key.unwrap().as_ref().try_into().unwrap()))
            .collect();
        assert!(
            (records.len() as u64) < events / 2,
            "{} records hold {events} events",
            records.len()
        );
        let append_starts: std::collections::HashSet<u64> = written
            .iter()
            .flat_map(|(_, _, firsts)| firsts.iter().copied())
            .collect();
        for first in records {
            assert!(append_starts.contains(&first), "a record starts at {first}");
        }
    }

    // Without its index, the store derives it again from the records.
    std::fs::remove_dir_all(dir.path().join("index")).unwrap();
    let temp = TempStore {
        store: Arc::new(partnerhub::store::SledEventStore::open(dir.path()).unwrap()),
        dir,
    };
    let all = temp.store.read_all(1, usize::MAX).await.unwrap();
    assert_eq!(
        all.iter().map(|event| event.position).collect::<Vec<_>>(),
        (1..=events).collect::<Vec<_>>()
    );
    for (stream, texts, _) in &written {
        let read = temp
            .store
            .read_stream(*stream, 1, usize::MAX)
            .await
            .unwrap();
        let read_texts: Vec<&str> = read
            .iter()
            .map(|event| event.payload["text"].as_str().unwrap())
            .collect();
        assert_eq!(
            read_texts,
            texts.iter().map(String::as_str).collect::<Vec<_>>()
        );
        // From the middle of a stream too, which may start inside a record.
        let tail = temp.store.read_stream(*stream, 7, 3).await.unwrap();
        assert_eq!(
            tail.iter()
                .map(|event| event.stream_version)
                .collect::<Vec<_>>(),
            vec![7, 8, 9]
        );
    }
    let middle = temp.store.read_all(events / 2, 5).await.unwrap();
    assert_eq!(middle.first().map(|event| event.position), Some(events / 2));
    assert_eq!(middle.len(), 5);
    assert_eq!(checked_stream_index(&temp).await, events);
}

/// A store of the layout before records (one event per key, `partnerhub-sled-log-2`) is
/// valid as it is: it opens, reads, takes appends of several events, and is marked as the new
/// layout, so that an older partnerhub refuses it rather than misread it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_store_of_one_event_per_key_opens_as_it_is_and_takes_records() {
    let temp = TempStore::new();
    append_many(temp.store.as_ref(), 5).await;
    let TempStore { store, dir } = temp;
    store.shutdown().await;
    drop(store);
    let mark = |value: &[u8]| {
        let db = sled::open(dir.path().join("log")).unwrap();
        let before = db.get("partnerhub:format").unwrap().unwrap().to_vec();
        db.insert("partnerhub:format", value).unwrap();
        db.flush().unwrap();
        before
    };
    mark(b"partnerhub-sled-log-2");

    let store = Arc::new(partnerhub::store::SledEventStore::open(dir.path()).unwrap());
    let stream = Uuid::new_v4();
    store
        .append(request(stream, ExpectedVersion::NoStream, &["a", "b", "c"]))
        .await
        .unwrap();
    let all = store.read_all(1, usize::MAX).await.unwrap();
    assert_eq!(all.len(), 8);
    assert_eq!(
        store
            .read_stream(stream, 2, 10)
            .await
            .unwrap()
            .iter()
            .map(|event| event.payload["text"].as_str().unwrap().to_owned())
            .collect::<Vec<_>>(),
        vec!["b", "c"]
    );
    store.shutdown().await;
    drop(store);
    assert_eq!(mark(b"partnerhub-sled-log-3"), b"partnerhub-sled-log-3");
}

/// Checks the whole stream index against the log; returns its entries.
async fn checked_stream_index(temp: &TempStore) -> u64 {
    let checked = temp.store.clone();
    tokio::task::spawn_blocking(move || checked.check_stream_index())
        .await
        .unwrap()
        .unwrap()
}
