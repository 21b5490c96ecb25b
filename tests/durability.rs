//! Durable before acknowledged, proven the hard way: a child process appends from many tasks
//! and reports every acknowledgement; the parent kills it with SIGKILL at a random moment,
//! reopens the store and finds every acknowledged event, with an intact chain.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a panic is how a test reports failure

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::Arc;

use partnerhub::store::{transfer, EventStore, ExpectedVersion, SledEventStore, StoreError};
use uuid::Uuid;

const CHILD_DIRECTORY: &str = "PARTNERHUB_TEST_CHILD_DIRECTORY";

/// Runs only as the child of `acknowledged_events_survive_sigkill`: appends until killed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn child_appender() {
    let Ok(directory) = std::env::var(CHILD_DIRECTORY) else {
        return;
    };
    let store: Arc<dyn EventStore> =
        Arc::new(SledEventStore::open(std::path::Path::new(&directory)).unwrap());
    let mut tasks = Vec::new();
    for _ in 0..32 {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            let stream = Uuid::new_v4();
            for version in 0.. {
                let outcome = store
                    .append(common::request(
                        stream,
                        ExpectedVersion::Exact(version),
                        &["a note that must not be lost"],
                    ))
                    .await
                    .unwrap();
                println!(
                    "ack {} {stream} {}",
                    outcome.last_position, outcome.stream_version
                );
            }
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acknowledged_events_survive_sigkill() {
    let directory = tempfile::tempdir().unwrap();
    let mut acknowledged: Vec<(u64, Uuid, u64)> = Vec::new();
    // Several rounds on the same directory, each killed after a different number of acks.
    for kill_after in [150usize, 1_000, 2_500, 400] {
        let mut child = Command::new(std::env::current_exe().unwrap())
            .args([
                "--exact",
                "child_appender",
                "--nocapture",
                "--test-threads=1",
            ])
            .env(CHILD_DIRECTORY, directory.path())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let mut seen = 0;
        for line in BufReader::new(stdout).lines() {
            let line = line.unwrap();
            let mut parts = line.split_whitespace();
            if parts.next() != Some("ack") {
                continue;
            }
            let position: u64 = parts.next().unwrap().parse().unwrap();
            let stream: Uuid = parts.next().unwrap().parse().unwrap();
            let version: u64 = parts.next().unwrap().parse().unwrap();
            acknowledged.push((position, stream, version));
            seen += 1;
            if seen == kill_after {
                child.kill().unwrap(); // SIGKILL: no destructor, no final flush
                break;
            }
        }
        child.wait().unwrap();

        let store = SledEventStore::open(directory.path()).unwrap();
        for (position, stream, version) in &acknowledged {
            let events = store.read_all(*position, 1).await.unwrap();
            assert_eq!(events.len(), 1, "acknowledged position {position} was lost");
            assert_eq!(
                (events[0].stream_id, events[0].stream_version),
                (*stream, *version)
            );
        }
        let report = transfer::verify_log(&store, &mut |_| {}).await.unwrap();
        assert!(report.events >= acknowledged.len() as u64);
        store.shutdown().await;
    }
}

/// sled's log file is extended ahead of its writes (`vendor/README.md`, change 5), so a crash
/// can leave zeros past the last message sled wrote: in the rest of its segment, and in whole
/// segments after it. A store whose file ends so (here with a partial segment too) reopens with
/// every event and an intact chain, and appends after them, round after round.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_log_file_reaching_past_its_last_write_reopens_whole() {
    reopens_whole_with_the_log_file_extended(|file, length, extension| {
        file.set_len(length + extension).unwrap();
    })
    .await;
}

/// The log file is prefilled with written zeros ahead of its writes, by a thread of its own
/// (`vendor/README.md`, change 6), so a crash can leave written zeros (not only a hole) past
/// the last message: here whole and partial segments of them, written and synced after each
/// round as the prefill does. The store reopens with every event and an intact chain, and
/// appends after them, round after round.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_log_file_prefilled_with_zeros_past_its_last_write_reopens_whole() {
    reopens_whole_with_the_log_file_extended(|file, length, extension| {
        use std::os::unix::fs::FileExt;
        let zeros = vec![0_u8; usize::try_from(extension).unwrap()];
        file.write_all_at(&zeros, length).unwrap();
        file.sync_all().unwrap();
    })
    .await;
}

/// Three rounds of 300 appends, each followed by `extend(file, its length, bytes)` on the
/// closed store's log file (a growing number of whole segments and a partial one), then a
/// reopen that must find every event, an intact chain and a whole stream index.
async fn reopens_whole_with_the_log_file_extended(extend: impl Fn(&std::fs::File, u64, u64)) {
    const SEGMENT: u64 = 512 * 1024;
    let directory = tempfile::tempdir().unwrap();
    let log_file = directory.path().join("log").join("db");
    let mut expected = 0;
    for round in 1..=3 {
        let store = SledEventStore::open(directory.path()).unwrap();
        assert_eq!(store.head_position(), expected, "round {round}");
        common::append_many(&store, 300).await;
        expected += 300;
        store.shutdown().await;
        drop(store);
        let file = std::fs::OpenOptions::new()
            .write(true)
            .open(&log_file)
            .unwrap();
        let length = file.metadata().unwrap().len();
        extend(&file, length, round * SEGMENT + 4096);
    }
    let store = SledEventStore::open(directory.path()).unwrap();
    assert_eq!(store.head_position(), expected);
    let report = transfer::verify_log(&store, &mut |_| {}).await.unwrap();
    assert_eq!(report.events, expected);
    let indexed = tokio::task::block_in_place(|| store.check_stream_index()).unwrap();
    assert_eq!(indexed, expected);
    store.shutdown().await;
}

/// Appends from many tasks at once through several of the prefill's 2 MiB steps, the
/// prefill's zeros written beside the writers' groups: no zero lands on an event (the store
/// reopens with every one, its chain intact).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn appends_through_the_log_files_prefill_reopen_whole() {
    const TASKS: u64 = 16;
    const PER_TASK: u64 = 600;
    let directory = tempfile::tempdir().unwrap();
    let store = Arc::new(SledEventStore::open(directory.path()).unwrap());
    let mut tasks = Vec::new();
    for _ in 0..TASKS {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            common::append_many(store.as_ref(), PER_TASK as usize).await;
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
    store.shutdown().await;
    drop(store);
    let metadata = std::fs::metadata(directory.path().join("log").join("db")).unwrap();
    assert!(
        metadata.len() > 4 << 20,
        "the log reached {} bytes, fewer than two prefills",
        metadata.len()
    );
    let store = SledEventStore::open(directory.path()).unwrap();
    assert_eq!(store.head_position(), TASKS * PER_TASK);
    let report = transfer::verify_log(&store, &mut |_| {}).await.unwrap();
    assert_eq!(report.events, TASKS * PER_TASK);
    store.shutdown().await;
}

/// A clean shutdown brings each sled database's snapshot up to the end of its log
/// (`vendor/README.md`, change 9), so the next open has nothing to read forward: the
/// snapshots a reopen finds (and would otherwise advance and rewrite) are the ones the
/// shutdown left, and the store still holds every event. Without it, each open read every
/// message written since the previous open. After the shutdown the timeline index takes no
/// more writes (one would land after its snapshot).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_clean_shutdown_leaves_sleds_snapshots_at_the_end_of_the_log() {
    let directory = tempfile::tempdir().unwrap();
    let store = SledEventStore::open(directory.path()).unwrap();
    common::append_many(&store, 500).await;
    let while_open = snapshot_files(directory.path());
    store.shutdown().await;
    // Nothing writes once the snapshots are taken: the timeline index refuses.
    assert!(matches!(
        store
            .save_timeline(Vec::new(), Some(b"mark".to_vec()))
            .await,
        Err(StoreError::Closed)
    ));
    drop(store);
    let after_shutdown = snapshot_files(directory.path());
    assert_ne!(
        after_shutdown, while_open,
        "the shutdown wrote no snapshot past the 500 appends"
    );
    let store = SledEventStore::open(directory.path()).unwrap();
    assert_eq!(
        snapshot_files(directory.path()),
        after_shutdown,
        "the reopen found log to read past the shutdown's snapshots"
    );
    assert_eq!(store.head_position(), 500);
    let report = transfer::verify_log(&store, &mut |_| {}).await.unwrap();
    assert_eq!(report.events, 500);
    store.shutdown().await;
}

/// The names of the snapshot files of the store's sled databases (each names the log
/// position it is of), sorted.
fn snapshot_files(directory: &std::path::Path) -> Vec<String> {
    let mut names = Vec::new();
    for database in ["log", "index", "timeline"] {
        for entry in std::fs::read_dir(directory.join(database)).unwrap() {
            let name = entry.unwrap().file_name().to_string_lossy().into_owned();
            if name.starts_with("snap.") {
                names.push(format!("{database}/{name}"));
            }
        }
    }
    names.sort();
    names
}
