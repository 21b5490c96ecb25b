//! Torn and corrupt data on disk: a closed store is damaged the way a failing disk, a full
//! file system or a careless copy damages it, and `partnerhub verify` and `partnerhub serve`
//! must each refuse it, with a message and a non-zero exit, rather than serve a history with
//! acknowledged events missing. Damage the storage engine can absorb without losing anything
//! must leave a log that `verify` proves intact, with the same head hash as before.
//!
//! What sled 0.34 does with a damaged log file (`<data>/log/db`), as observed here: sled keeps
//! a snapshot of its page table, which partnerhub brings to the end of the log at every clean
//! shutdown (`vendor/README.md`, change 9; sled itself writes one only when it opens a
//! database). An open reads forward from the snapshot; a message there that fails its
//! checksum is taken for a torn write: sled's recovery stops at it, silently drops it and
//! everything after it, and zeroes that part of the file, so the first process to open the
//! store destroys the evidence. Since the snapshot is at the end of the log after a clean
//! stop, that region is only what a crash left unsnapshotted, and a log cut short behind the
//! snapshot is refused ("unexpected corruption encountered in storage snapshot file"). Damage
//! to the bytes the snapshot covers is found when sled first reads the page holding them
//! ("the store's files are damaged: sled read corrupted data at offset ..."), by `verify`,
//! which reads every event, and by `serve` wherever its start reads; damage to an older copy of
//! a page, which sled never reads again, loses nothing. Only the stream index, a separate sled
//! database, still remembers events a recovery dropped; `verify` compares the two, `serve`
//! does not (yet). Each check therefore runs on its own copy of the damaged directory, so
//! that one command's recovery cannot hide the damage from the next.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a panic is how a test reports failure

mod common;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use serde_json::json;
use uuid::Uuid;

/// Commands appended in the fixture's last session, after the demo: enough to fill sled's
/// first segment, so that the end and the middle of the log file are this session's bytes.
const LAST_SESSION_COMMANDS: usize = 200;

/// Runs the `partnerhub` binary to completion on `data`.
fn cli(data: &Path, args: &[&str]) -> Output {
    Command::new(common::binary())
        .arg("--data")
        .arg(data)
        .args(args)
        .env("PARTNERHUB_LOG", "warn")
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A closed store: the demo (one process), then a session of the command service appending
/// `last_session_commands` assets to the Roskilde workspace, closed cleanly.
struct Fixture {
    _directory: tempfile::TempDir,
    /// The undamaged data directory; never opened again after the fixture closed it.
    data: PathBuf,
    /// Where damaged copies go.
    scratch: PathBuf,
    /// Events in the log: every one of them was acknowledged.
    events: u64,
    /// `verify`'s report of the undamaged store (run on a copy).
    verified: String,
}

impl Fixture {
    async fn new(last_session_commands: usize) -> Fixture {
        let directory = tempfile::tempdir().unwrap();
        let data = directory.path().join("data");
        let out = cli(&data, &["demo"]);
        assert!(out.status.success(), "{}", text(&out.stderr));
        let running = common::Running::open(&data).await;
        let workspace_id = partnerhub::demo::roskilde_workspace_id();
        for index in 0..last_session_commands {
            let command = serde_json::from_value(json!({
                "type": "AddAsset",
                "asset_id": Uuid::new_v4(),
                "category": "trust",
                "title": format!("Acknowledged asset number {index:04}"),
            }))
            .unwrap();
            running.run(workspace_id, "anna@roskilde", command).await;
        }
        let events = running.store.head_position();
        running.close().await;
        let scratch = directory.path().join("scratch");
        std::fs::create_dir(&scratch).unwrap();
        let fixture = Fixture {
            _directory: directory,
            data,
            scratch,
            events,
            verified: String::new(),
        };
        let copy = fixture.copy("pristine");
        let out = cli(&copy, &["verify"]);
        assert!(out.status.success(), "{}", text(&out.stderr));
        let verified = text(&out.stdout);
        assert!(
            verified.starts_with(&format!("verified {events} events")),
            "{verified}"
        );
        Fixture {
            verified,
            ..fixture
        }
    }

    /// A copy of the undamaged data directory.
    fn copy(&self, name: &str) -> PathBuf {
        let target = self.scratch.join(name);
        copy_dir(&self.data, &target);
        target
    }

    /// Two copies of the store, each damaged by `damage` on its log file: one for `verify`, one
    /// for `serve`.
    fn damaged(&self, name: &str, damage: impl Fn(&Path)) -> (PathBuf, PathBuf) {
        let for_verify = self.copy(&format!("{name}-verify"));
        let for_serve = self.copy(&format!("{name}-serve"));
        damage(&log_file(&for_verify));
        damage(&log_file(&for_serve));
        (for_verify, for_serve)
    }
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// The largest file under `<data>/log/`: sled's log of the events.
fn log_file(data: &Path) -> PathBuf {
    fn walk(directory: &Path, files: &mut Vec<(u64, PathBuf)>) {
        for entry in std::fs::read_dir(directory).unwrap() {
            let entry = entry.unwrap();
            if entry.file_type().unwrap().is_dir() {
                walk(&entry.path(), files);
            } else {
                files.push((entry.metadata().unwrap().len(), entry.path()));
            }
        }
    }
    let mut files = Vec::new();
    walk(&data.join("log"), &mut files);
    files.sort();
    files.pop().unwrap().1
}

/// Where the written part of a file ends: sled preallocates its segments with zeros.
fn written_end(file: &Path) -> u64 {
    let bytes = std::fs::read(file).unwrap();
    bytes.iter().rposition(|byte| *byte != 0).unwrap() as u64 + 1
}

fn truncate_to(file: &Path, length: u64) {
    std::fs::OpenOptions::new()
        .write(true)
        .open(file)
        .unwrap()
        .set_len(length)
        .unwrap();
}

fn flip_byte(file: &Path, offset: u64) {
    let mut bytes = std::fs::read(file).unwrap();
    bytes[offset as usize] ^= 0xff;
    std::fs::write(file, bytes).unwrap();
}

/// What `partnerhub serve` did with a store.
#[derive(Debug)]
enum Served {
    /// It refused to start: exit status and standard error.
    Refused(std::process::ExitStatus, String),
    /// It started: what `/healthz` and `/readyz` answered.
    Serving {
        health: serde_json::Value,
        ready_status: u16,
    },
}

/// Starts `partnerhub serve` on `data`; if it comes up, asks it about its log and kills it.
async fn serve(data: &Path) -> Served {
    let mut child = Command::new(common::binary())
        .arg("--data")
        .arg(data)
        .args(["serve", "--listen", "127.0.0.1:0"])
        .env("PARTNERHUB_LOG", "warn")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let (found, listening) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if let Some(rest) = line.strip_prefix("partnerhub listening on http://") {
                let _ = found.send(rest.split_whitespace().next().unwrap_or("").to_owned());
            }
        }
    });
    // Either the banner or the end of stdout (the process exited) within 30 seconds.
    match listening.recv_timeout(Duration::from_secs(30)) {
        Ok(address) => {
            let http = reqwest::Client::new();
            let health = http
                .get(format!("http://{address}/healthz"))
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            let ready_status = http
                .get(format!("http://{address}/readyz"))
                .send()
                .await
                .unwrap()
                .status()
                .as_u16();
            child.kill().unwrap();
            child.wait().unwrap();
            Served::Serving {
                health,
                ready_status,
            }
        }
        Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => {
            let output = child.wait_with_output().unwrap();
            Served::Refused(output.status, text(&output.stderr))
        }
        Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {
            child.kill().unwrap();
            panic!("partnerhub serve neither started nor stopped within 30 seconds");
        }
    }
}

/// `verify` must exit non-zero and say so.
fn assert_verify_refuses(data: &Path, damage: &str) {
    let out = cli(data, &["verify"]);
    let stderr = text(&out.stderr);
    assert!(
        !out.status.success(),
        "verify accepted a store with {damage}:\n{}",
        text(&out.stdout)
    );
    assert!(
        stderr.contains("verify failed"),
        "verify gave no clear message for {damage}: {stderr}"
    );
    println!("verify on {damage}: {}", stderr.trim());
}

/// `serve` must refuse to start, naming the store as the reason.
async fn assert_serve_refuses(data: &Path, damage: &str, events: u64) {
    let written_before = written_end(&log_file(data));
    match serve(data).await {
        Served::Refused(status, stderr) => {
            assert!(!status.success());
            assert!(
                stderr.contains("store"),
                "serve gave no clear message for {damage}: {stderr}"
            );
            println!("serve on {damage}: {}", stderr.trim());
        }
        Served::Serving {
            health,
            ready_status,
        } => {
            let written_after = written_end(&log_file(data));
            panic!(
                "partnerhub serve started on a store with {damage} and answered /readyz with \
                 {ready_status}: its log ends at position {} ({health}), but all {events} \
                 events of the undamaged store were acknowledged. It serves a history with \
                 acknowledged events missing; opening the store zeroed the log file from byte \
                 {written_after} to {written_before}. Only `verify` notices, through the stream \
                 index.",
                health["head_position"]
            )
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cutting_only_the_unwritten_end_of_the_log_file_loses_nothing() {
    // The demo alone fills part of sled's first segment; the rest of the file is zeros.
    let fixture = Fixture::new(0).await;
    let file = log_file(&fixture.data);
    let length = std::fs::metadata(&file).unwrap().len();
    let end = written_end(&file);
    // sled preallocates; cut into the zeros it has not written yet, but not into data.
    assert!(
        length > end + 4096,
        "the log file has no unwritten end to cut"
    );
    let cut = (length - end) / 2;
    let (for_verify, for_serve) =
        fixture.damaged("unwritten", |file| truncate_to(file, length - cut));

    let out = cli(&for_verify, &["verify"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    // Same number of events and the same head hash: the log is intact.
    assert_eq!(text(&out.stdout), fixture.verified);
    match serve(&for_serve).await {
        Served::Serving {
            health,
            ready_status,
        } => {
            assert_eq!(ready_status, 200);
            assert_eq!(health["head_position"], json!(fixture.events));
        }
        refused => panic!("serve refused an intact store: {refused:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_torn_log_file_is_refused_by_verify_and_serve() {
    let fixture = Fixture::new(LAST_SESSION_COMMANDS).await;
    let end = written_end(&log_file(&fixture.data));
    let damage = "the last 100 written bytes of its log file cut off";
    let (for_verify, for_serve) = fixture.damaged("torn", |file| truncate_to(file, end - 100));
    assert_verify_refuses(&for_verify, damage);
    assert_serve_refuses(&for_serve, damage, fixture.events).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_flipped_byte_in_the_middle_of_the_log_file_is_refused_by_verify_and_serve() {
    let fixture = Fixture::new(LAST_SESSION_COMMANDS).await;
    let end = written_end(&log_file(&fixture.data));
    let damage = "one byte flipped in the middle of its log file";
    let (for_verify, for_serve) = fixture.damaged("middle", |file| flip_byte(file, end / 2));
    assert_verify_refuses(&for_verify, damage);
    assert_serve_refuses(&for_serve, damage, fixture.events).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_flipped_byte_in_an_event_of_an_earlier_session_is_refused_by_verify_and_serve() {
    let fixture = Fixture::new(LAST_SESSION_COMMANDS).await;
    // Every place the log file holds the title of one of the demo's assets: a byte of an
    // event written by the demo's process, before the last session opened the store. sled
    // writes a page anew when it changes, so the file holds older copies of the event beside
    // the one its page table points at; damage to an older copy alone is damage sled never
    // reads again (it loses nothing: `verify` proves the log intact). Each copy is damaged.
    let title = "Lange åbningstider og mange besøgende".as_bytes();
    let bytes = std::fs::read(log_file(&fixture.data)).unwrap();
    let offsets: Vec<u64> = bytes
        .windows(title.len())
        .enumerate()
        .filter(|(_, window)| *window == title)
        .map(|(offset, _)| offset as u64)
        .collect();
    assert!(
        !offsets.is_empty(),
        "the log file holds the event's title in clear"
    );
    let damage = "one byte flipped inside an event of an earlier session";
    let (for_verify, for_serve) = fixture.damaged("earlier", |file| {
        for offset in &offsets {
            flip_byte(file, offset + 5);
        }
    });
    assert_verify_refuses(&for_verify, damage);
    assert_serve_refuses(&for_serve, damage, fixture.events).await;
}
