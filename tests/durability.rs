//! Durable before acknowledged, proven the hard way: a child process appends from many tasks
//! and reports every acknowledgement; the parent kills it with SIGKILL at a random moment,
//! reopens the store and finds every acknowledged event, with an intact chain.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a panic is how a test reports failure

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::Arc;

use partnerhub::store::{
    transfer, EventStore, ExpectedVersion, SledEventStore, StoreError, TimelineIndexEntry,
};
use uuid::Uuid;

const CHILD_DIRECTORY: &str = "PARTNERHUB_TEST_CHILD_DIRECTORY";
const TIMELINE_CHILD_DIRECTORY: &str = "PARTNERHUB_TEST_TIMELINE_CHILD_DIRECTORY";
const TIMELINE_CHILD_ROUND: &str = "PARTNERHUB_TEST_TIMELINE_CHILD_ROUND";

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
        let mut child = child_test(
            "child_appender",
            &[(CHILD_DIRECTORY, directory.path().as_os_str())],
        );
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

/// The keys `rewrite_across_reopens` writes.
const REWRITTEN_KEYS: u32 = 300;
/// The size of the segments of the databases it writes: small, so that a few passes free many.
const SMALL_SEGMENT: usize = 64 * 1024;

/// Opens a sled database as `config` says, once the previous instance has let go of its
/// file: a dropped `sled::Db` closes its file when the last of its threads does (its pool's,
/// the log's prefill), which can be a moment after the drop returns; until then the open
/// finds the file locked. Tried again for up to ten seconds; any other error fails at once.
fn open_when_released(config: &sled::Config) -> sled::Db {
    let started = std::time::Instant::now();
    loop {
        match config.open() {
            Ok(db) => return db,
            Err(error)
                if error.to_string().contains("could not acquire lock")
                    && started.elapsed() < std::time::Duration::from_secs(10) =>
            {
                std::thread::sleep(std::time::Duration::from_millis(10));
            }
            Err(error) => panic!("cannot open the database: {error}"),
        }
    }
}

/// The value of `key` written in pass `pass` of round `round`: about 600 bytes.
fn rewritten_value(round: u32, pass: u32, key: u32) -> String {
    format!("{round}/{pass}/{key}:").repeat(60)
}

/// Four opens of one sled database, `open(round)` making each (and checking what its test
/// checks about that open). Between them every key is rewritten twelve times, so that whole
/// segments fall free, and flushed after each pass when `flush_each_pass`, otherwise once per
/// round; after each open every key must hold its last value.
fn rewrite_across_reopens(mut open: impl FnMut(u32) -> sled::Db, flush_each_pass: bool) {
    let mut last_written: Option<(u32, u32)> = None;
    for round in 0..4 {
        let db = open(round);
        if let Some((last_round, last_pass)) = last_written {
            for key in 0..REWRITTEN_KEYS {
                let read = db.get(key.to_be_bytes()).unwrap().expect("a key was lost");
                assert_eq!(
                    read.as_ref(),
                    rewritten_value(last_round, last_pass, key).as_bytes(),
                    "key {key} after reopen {round}"
                );
            }
        }
        if round == 3 {
            break;
        }
        for pass in 0..12 {
            for key in 0..REWRITTEN_KEYS {
                db.insert(
                    key.to_be_bytes(),
                    rewritten_value(round, pass, key).as_bytes(),
                )
                .unwrap();
            }
            if flush_each_pass {
                db.flush().unwrap();
            }
            last_written = Some((round, pass));
        }
        db.flush().unwrap();
    }
}

/// sled zeroes every free segment of a database when it opens it, before the segment can be
/// reused (since `vendor/README.md` change 10, as a range of the file rather than by writing
/// zeros). A database whose values are rewritten over and over, so that whole segments fall
/// free, is closed and reopened three times: each open turns segments that held old messages
/// into zeros, and after writing again (into those segments) every key holds its last value.
#[test]
fn a_sled_database_reopened_over_its_zeroed_free_segments_keeps_every_value() {
    let directory = tempfile::tempdir().unwrap();
    let file = directory.path().join("db");
    let segments = |bytes: &[u8]| -> Vec<bool> {
        bytes
            .chunks(SMALL_SEGMENT)
            .map(|segment| segment.iter().all(|byte| *byte == 0))
            .collect()
    };
    rewrite_across_reopens(
        |round| {
            let before = std::fs::read(&file).map(|bytes| segments(&bytes));
            let db = open_when_released(
                &sled::Config::new()
                    .path(directory.path())
                    .segment_size(SMALL_SEGMENT)
                    .cache_capacity(1 << 20),
            );
            if let Ok(before) = before {
                let after = segments(&std::fs::read(&file).unwrap());
                let zeroed = before
                    .iter()
                    .zip(&after)
                    .filter(|(was_zero, is_zero)| !**was_zero && **is_zero)
                    .count();
                assert!(
                    zeroed > 0,
                    "reopen {round} zeroed none of the segments the rewrites freed"
                );
            }
            db
        },
        false,
    );
}

/// How many bytes of the file at `path` between `from` and `to` lie in unwritten extents
/// (allocated, read as zeros, converted at their first write), from its extent map as
/// `filefrag -v -s` (e2fsprogs) prints it after syncing the file. A file system without
/// extent maps (tmpfs) has none: sled writes its zeros there (it refuses `ZERO_RANGE` too).
#[cfg(target_os = "linux")]
fn unwritten_bytes(path: &std::path::Path, from: u64, to: u64) -> u64 {
    let output = Command::new("filefrag")
        .args(["-v", "-s", "-b4096"])
        .arg(path)
        .output()
        .expect("filefrag (Debian's e2fsprogs) reads a file's extent map for this test");
    let said = String::from_utf8_lossy(&output.stdout);
    if !output.status.success()
        && String::from_utf8_lossy(&output.stderr).contains("FIEMAP unsupported")
    {
        return 0;
    }
    assert!(output.status.success(), "filefrag: {output:?}");
    let mut unwritten = 0;
    // Extent lines: `   1:    11904..   30719:    7779968..   7798783:  18816:   unwritten`,
    // offsets in blocks of 4096 bytes, both ends included.
    for line in said.lines() {
        if !line.contains("unwritten") {
            continue;
        }
        let fields: Vec<&str> = line.split(':').map(str::trim).collect();
        let Some((start, end)) = fields.get(1).and_then(|range| range.split_once("..")) else {
            continue;
        };
        let (Ok(start), Ok(end)) = (start.trim().parse::<u64>(), end.trim().parse::<u64>()) else {
            continue;
        };
        let (start, end) = (start * 4096, (end + 1) * 4096);
        unwritten += end.min(to).saturating_sub(start.max(from));
    }
    unwritten
}

/// The log's free segments zeroed as ranges at an open are unwritten extents, whose first
/// writes the file system converts inside the log's syncs; the log's prefill thread writes
/// zeros into the ones sled uses next (`vendor/README.md` change 11), racing sled's own
/// writes there. A log database (`prefill_log`) whose values are rewritten so that segments
/// fall free is reopened three times: after each open the lowest segment reading as zeros
/// (the next one sled will write into) becomes written blocks, and after writing again, with
/// a flush per pass so that sled claims those segments while the thread works, every key
/// holds its last value at the next open.
#[cfg(target_os = "linux")]
#[test]
fn a_reopened_log_writes_its_zeroed_free_segments_ahead_of_use_and_keeps_every_value() {
    let directory = tempfile::tempdir().unwrap();
    let file = directory.path().join("db");
    let mut checked_a_range = false;
    rewrite_across_reopens(
        |round| {
            let db = open_when_released(
                &sled::Config::new()
                    .path(directory.path())
                    .segment_size(SMALL_SEGMENT)
                    .cache_capacity(1 << 20)
                    .prefill_log(true),
            );
            if round > 0 {
                let bytes = std::fs::read(&file).unwrap();
                let lowest_zeroed = bytes
                    .chunks(SMALL_SEGMENT)
                    .position(|segment| segment.iter().all(|byte| *byte == 0))
                    .expect("no free segment was zeroed at the open")
                    as u64
                    * SMALL_SEGMENT as u64;
                let range = (lowest_zeroed, lowest_zeroed + SMALL_SEGMENT as u64);
                let waited = std::time::Instant::now();
                let mut unwritten = unwritten_bytes(&file, range.0, range.1);
                while unwritten > 0 && waited.elapsed() < std::time::Duration::from_secs(20) {
                    std::thread::sleep(std::time::Duration::from_millis(20));
                    unwritten = unwritten_bytes(&file, range.0, range.1);
                }
                assert_eq!(
                    unwritten, 0,
                    "reopen {round}: the free segment at {} is still unwritten",
                    range.0
                );
                checked_a_range = true;
            }
            db
        },
        true,
    );
    assert!(checked_a_range);
}

/// The timeline entries of round `round` of `a_crash_after_a_checkpoint_loses_no_timeline_entry`:
/// `count` entries of one workspace from `first`, each with a text of about 600 bytes, so
/// that a round spans several of sled's segments.
fn timeline_entries(workspace_id: Uuid, first: u64, count: u64) -> Vec<TimelineIndexEntry> {
    (first..first + count)
        .map(|position| TimelineIndexEntry {
            workspace_id,
            position,
            entity_ids: vec![Uuid::from_u128(u128::from(position % 7))],
            bytes: format!("entry {position}: {}", "x".repeat(600)).into_bytes(),
        })
        .collect()
}

const TIMELINE_WORKSPACE: Uuid = Uuid::from_u128(0x7133_11e5);
const TIMELINE_PER_SAVE: u64 = 1_500;

/// Runs only as the child of `a_crash_after_a_checkpoint_loses_no_timeline_entry`: saves a
/// round's timeline entries, stores a checkpoint (which brings the timeline index's sled
/// snapshot to its end), saves more entries after it, reports the snapshot files before and
/// after the checkpoint, and waits to be killed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn child_timeline_saver() {
    let Ok(directory) = std::env::var(TIMELINE_CHILD_DIRECTORY) else {
        return;
    };
    let round: u64 = std::env::var(TIMELINE_CHILD_ROUND)
        .unwrap()
        .parse()
        .unwrap();
    let directory = std::path::Path::new(&directory);
    let store = SledEventStore::open(directory).unwrap();
    let first = round * 2 * TIMELINE_PER_SAVE + 1;
    store
        .save_timeline(
            timeline_entries(TIMELINE_WORKSPACE, first, TIMELINE_PER_SAVE),
            Some(format!("before checkpoint {round}").into_bytes()),
        )
        .await
        .unwrap();
    println!("before {}", snapshot_files(directory).join(","));
    store
        .save_checkpoint(format!("checkpoint {round}").into_bytes())
        .await
        .unwrap();
    println!("after {}", snapshot_files(directory).join(","));
    // After the snapshot: a read (which may finish a split, a write) and more entries.
    let read = store
        .read_timeline(TIMELINE_WORKSPACE, None, u64::MAX)
        .await
        .unwrap();
    assert_eq!(read.len() as u64, first - 1 + TIMELINE_PER_SAVE);
    store
        .save_timeline(
            timeline_entries(
                TIMELINE_WORKSPACE,
                first + TIMELINE_PER_SAVE,
                TIMELINE_PER_SAVE,
            ),
            Some(format!("after checkpoint {round}").into_bytes()),
        )
        .await
        .unwrap();
    println!("saved");
    tokio::time::sleep(std::time::Duration::from_secs(600)).await;
}

/// A checkpoint brings the timeline index's sled snapshot to the end of its log, while the
/// store goes on; a process killed after more entries were saved past that snapshot loses
/// none of them, round after round on the same directory (each reopen reads forward from the
/// killed process's checkpoint snapshot; the next round's process writes on top of it).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_crash_after_a_checkpoint_loses_no_timeline_entry() {
    let directory = tempfile::tempdir().unwrap();
    for round in 0..3u64 {
        let round_text = round.to_string();
        let mut child = child_test(
            "child_timeline_saver",
            &[
                (TIMELINE_CHILD_DIRECTORY, directory.path().as_os_str()),
                (TIMELINE_CHILD_ROUND, round_text.as_ref()),
            ],
        );
        let stdout = child.stdout.take().unwrap();
        let (mut before, mut after) = (None, None);
        for line in BufReader::new(stdout).lines() {
            let line = line.unwrap();
            // The harness's "test child_timeline_saver ... " may precede any of the lines.
            if let Some((_, files)) = line.split_once("before ") {
                before = Some(files.to_owned());
            } else if let Some((_, files)) = line.split_once("after ") {
                after = Some(files.to_owned());
            } else if line.ends_with("saved") {
                child.kill().unwrap(); // SIGKILL: no shutdown, no snapshot at rest
                break;
            }
        }
        child.wait().unwrap();
        let (before, after) = (before.unwrap(), after.unwrap());
        // The snapshot files of the timeline index (`true`) or of the other databases.
        let snapshots = |files: &str, timeline: bool| {
            files
                .split(',')
                .filter(|name| !name.is_empty() && name.starts_with("timeline/") == timeline)
                .map(str::to_owned)
                .collect::<Vec<_>>()
        };
        assert_ne!(
            snapshots(&after, true),
            snapshots(&before, true),
            "round {round}: the checkpoint did not move the timeline index's snapshot"
        );
        assert_eq!(
            snapshots(&after, false),
            snapshots(&before, false),
            "round {round}: only the timeline index is snapshotted at a checkpoint"
        );

        let store = SledEventStore::open(directory.path()).unwrap();
        let saved = (round + 1) * 2 * TIMELINE_PER_SAVE;
        let read = store
            .read_timeline(TIMELINE_WORKSPACE, None, u64::MAX)
            .await
            .unwrap();
        let expected: Vec<(u64, Vec<u8>)> = timeline_entries(TIMELINE_WORKSPACE, 1, saved)
            .into_iter()
            .map(|entry| (entry.position, entry.bytes))
            .collect();
        assert_eq!(read.len(), expected.len(), "round {round}: entries lost");
        assert!(read == expected, "round {round}: entries differ");
        assert_eq!(
            store.timeline_mark().await.unwrap(),
            Some(format!("after checkpoint {round}").into_bytes())
        );
        let by_entity = store
            .read_timeline(TIMELINE_WORKSPACE, Some(Uuid::from_u128(3)), u64::MAX)
            .await
            .unwrap();
        assert_eq!(
            by_entity.len() as u64,
            (1..=saved).filter(|position| position % 7 == 3).count() as u64
        );
        store.shutdown().await;
    }
}

/// This test binary run again for the one test `name` alone, with `env` set, its output
/// piped.
fn child_test(name: &str, env: &[(&str, &std::ffi::OsStr)]) -> std::process::Child {
    let mut command = Command::new(std::env::current_exe().unwrap());
    command
        .args(["--exact", name, "--nocapture", "--test-threads=1"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    for (key, value) in env {
        command.env(key, value);
    }
    command.spawn().unwrap()
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
