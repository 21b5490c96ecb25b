//! The `partnerhub` binary: serve, verify, export and import, as a user runs them.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a panic is how a test reports failure

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use common::{append_many, binary, TempStore};
use partnerhub::store::EventStore;

fn run(data: &Path, args: &[&str]) -> Output {
    Command::new(binary())
        .arg("--data")
        .arg(data)
        .args(args)
        .output()
        .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A store with `count` events, closed so the binary can open it.
async fn store_with_events(count: usize) -> tempfile::TempDir {
    let temp = TempStore::new();
    append_many(temp.store.as_ref(), count).await;
    let TempStore { store, dir } = temp;
    store.shutdown().await;
    drop(store);
    dir
}

#[tokio::test]
async fn verify_counts_the_events_of_an_intact_log() {
    let data = store_with_events(25).await;
    let output = run(data.path(), &["verify"]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    let stdout = text(&output.stdout);
    assert!(stdout.contains("verified 25 events"), "{stdout}");
    assert!(stdout.contains("head hash: "), "{stdout}");
}

#[tokio::test]
async fn verify_says_where_an_event_was_changed_in_the_store() {
    let data = store_with_events(10).await;
    {
        let db = sled::open(data.path().join("log")).unwrap();
        let log = db.open_tree("events").unwrap();
        let key = 4u64.to_be_bytes();
        let original = text(&log.get(key).unwrap().unwrap());
        assert!(original.contains("Partner 3"));
        log.insert(key, original.replace("Partner 3", "Partner X").as_bytes())
            .unwrap();
        db.flush().unwrap();
    }
    let output = run(data.path(), &["verify"]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = text(&output.stderr);
    assert!(stderr.contains("position 4"), "{stderr}");
    assert!(stderr.contains("changed after it was written"), "{stderr}");
}

#[tokio::test]
async fn export_then_import_gives_the_identical_log_byte_for_byte() {
    let source = store_with_events(1500).await;
    let files = tempfile::tempdir().unwrap();
    let first_export = files.path().join("first.jsonl");
    let output = run(
        source.path(),
        &["export", "--out", first_export.to_str().unwrap()],
    );
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert!(text(&output.stdout).contains("exported 1500 events"));

    let target = tempfile::tempdir().unwrap();
    let output = run(target.path(), &["import", first_export.to_str().unwrap()]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert!(text(&output.stdout).contains("imported 1500 events"));

    let second_export = files.path().join("second.jsonl");
    let output = run(
        target.path(),
        &["export", "--out", second_export.to_str().unwrap()],
    );
    assert!(output.status.success(), "{}", text(&output.stderr));
    let first = std::fs::read(&first_export).unwrap();
    let second = std::fs::read(&second_export).unwrap();
    assert_eq!(first.len(), second.len());
    assert!(first == second, "the re-exported log differs");
    assert_eq!(first.iter().filter(|b| **b == b'\n').count(), 1500);

    // The imported store is a working store: it verifies and knows its streams.
    let output = run(target.path(), &["verify"]);
    assert!(text(&output.stdout).contains("verified 1500 events"));

    // Importing into a store that already has events is refused.
    let output = run(target.path(), &["import", first_export.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        text(&output.stderr).contains("empty store"),
        "{}",
        text(&output.stderr)
    );
}

#[tokio::test]
async fn import_refuses_a_broken_file_naming_the_line_and_writes_nothing() {
    let source = store_with_events(20).await;
    let files = tempfile::tempdir().unwrap();
    let export = files.path().join("log.jsonl");
    assert!(run(
        source.path(),
        &["export", "--out", export.to_str().unwrap()]
    )
    .status
    .success());
    let lines: Vec<String> = std::fs::read_to_string(&export)
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect();

    let cases: Vec<(&str, Vec<String>, &str)> = vec![
        (
            "changed",
            lines
                .iter()
                .enumerate()
                .map(|(i, l)| {
                    if i == 6 {
                        l.replace("Partner 6", "Partner 9")
                    } else {
                        l.clone()
                    }
                })
                .collect(),
            "line 7: position 7: the event's contents hash to",
        ),
        (
            "missing",
            lines
                .iter()
                .enumerate()
                .filter(|(i, _)| *i != 11)
                .map(|(_, l)| l.clone())
                .collect(),
            "line 12: expected the event at position 12 but found position 13",
        ),
        (
            "garbled",
            lines
                .iter()
                .enumerate()
                .map(|(i, l)| {
                    if i == 2 {
                        l[..l.len() / 2].to_owned()
                    } else {
                        l.clone()
                    }
                })
                .collect(),
            "line 3: not an exported event",
        ),
    ];
    for (name, content, expected) in cases {
        let broken = files.path().join(format!("{name}.jsonl"));
        std::fs::write(&broken, content.join("\n") + "\n").unwrap();
        let target = tempfile::tempdir().unwrap();
        let output = run(target.path(), &["import", broken.to_str().unwrap()]);
        assert_eq!(output.status.code(), Some(1), "{name}");
        let stderr = text(&output.stderr);
        assert!(stderr.contains("nothing was written"), "{name}: {stderr}");
        assert!(stderr.contains(expected), "{name}: {stderr}");
        let output = run(target.path(), &["verify"]);
        assert!(text(&output.stdout).contains("verified 0 events"), "{name}");
    }

    let output = run(
        files.path().join("store").as_path(),
        &["import", "/nonexistent/log.jsonl"],
    );
    assert_eq!(output.status.code(), Some(1));
    assert!(text(&output.stderr).contains("/nonexistent/log.jsonl"));
}

#[tokio::test]
async fn a_second_process_on_the_same_data_directory_gets_a_clear_error() {
    let data = store_with_events(1).await;
    let mut server = start_server(data.path());
    let output = run(data.path(), &["verify"]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = text(&output.stderr);
    assert!(stderr.contains("in use by another process"), "{stderr}");
    server.stop();
}

struct Server {
    child: std::process::Child,
    address: String,
    /// What the server printed before it listened.
    banner: String,
}

impl Server {
    fn stop(&mut self) -> std::process::ExitStatus {
        let status = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(Instant::now() < deadline, "server did not stop on SIGTERM");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

fn start_server(data: &Path) -> Server {
    start_server_with(data, &[])
}

fn start_server_with(data: &Path, extra: &[&str]) -> Server {
    let mut child = Command::new(binary())
        .arg("--data")
        .arg(data)
        .args(["serve", "--listen", "127.0.0.1:0"])
        .args(extra)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    let mut banner = String::new();
    while !line.contains("listening on") {
        line.clear();
        assert!(
            stdout.read_line(&mut line).unwrap() > 0,
            "the server exited"
        );
        banner.push_str(&line);
    }
    let address = line
        .split("http://")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .unwrap_or_else(|| panic!("no address in {line:?}"))
        .to_owned();
    Server {
        child,
        address,
        banner,
    }
}

fn http_get(address: &str, path: &str) -> String {
    let mut stream = std::net::TcpStream::connect(address).unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    response
}

#[tokio::test]
async fn serve_answers_health_checks_and_stops_cleanly_on_sigterm() {
    let data = store_with_events(3).await;
    let mut server = start_server(data.path());
    let response = http_get(&server.address, "/healthz");
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    assert!(response.contains(r#""status":"ok""#), "{response}");
    assert!(response.contains(r#""head_position":3"#), "{response}");
    assert!(http_get(&server.address, "/api/nope").starts_with("HTTP/1.1 404"));
    assert!(http_get(&server.address, "/").contains("<div id=\"app\">"));
    let status = server.stop();
    assert!(status.success(), "exit status {status:?}");
    // The store was closed cleanly and is intact.
    let output = run(data.path(), &["verify"]);
    assert!(text(&output.stdout).contains("verified 3 events"));
}

/// Sends a request with an optional bearer token and JSON body; returns the raw response.
fn http_request(address: &str, method: &str, path: &str, bearer: &str, body: &str) -> String {
    let mut stream = std::net::TcpStream::connect(address).unwrap();
    let authorization = if bearer.is_empty() {
        String::new()
    } else {
        format!("Authorization: Bearer {bearer}\r\n")
    };
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: x\r\n{authorization}Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    response
}

fn session_token(login: &str) -> String {
    login
        .split("\"token\":\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap_or_else(|| panic!("no session in {login}"))
        .to_owned()
}

#[test]
fn login_sessions_survive_a_restart_of_serve_on_the_embedded_store() {
    let data = tempfile::tempdir().unwrap();
    let mut server = start_server_with(data.path(), &["--demo"]);
    let password = server
        .banner
        .split("owner login: jens@roskilde / ")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .unwrap_or_else(|| panic!("no owner login in {}", server.banner))
        .to_owned();
    let body = format!(r#"{{"name":"jens@roskilde","password":"{password}"}}"#);
    let kept = session_token(&http_request(
        &server.address,
        "POST",
        "/api/login",
        "",
        &body,
    ));
    let ended = session_token(&http_request(
        &server.address,
        "POST",
        "/api/login",
        "",
        &body,
    ));
    let logout = http_request(&server.address, "POST", "/api/logout", &ended, "");
    assert!(logout.starts_with("HTTP/1.1 204"), "{logout}");
    assert!(server.stop().success());

    let mut server = start_server(data.path());
    let me = http_request(&server.address, "GET", "/api/me", &kept, "");
    assert!(
        me.starts_with("HTTP/1.1 200") && me.contains("jens@roskilde"),
        "{me}"
    );
    let me = http_request(&server.address, "GET", "/api/me", &ended, "");
    assert!(me.starts_with("HTTP/1.1 401"), "a logout lasts: {me}");
    // Only hashes are kept: the secret is nowhere in the data directory.
    let secret = kept.trim_start_matches("phs_");
    for entry in walk(data.path()) {
        let bytes = std::fs::read(&entry).unwrap();
        assert!(
            !bytes
                .windows(secret.len())
                .any(|window| window == secret.as_bytes()),
            "{} holds the session secret",
            entry.display()
        );
    }
    assert!(server.stop().success());
}

/// Every file under `directory`.
fn walk(directory: &Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(directory).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(walk(&path));
        } else {
            files.push(path);
        }
    }
    files
}

#[test]
fn serve_with_demo_loads_the_demo_workspaces_into_an_empty_store_only() {
    let data = tempfile::tempdir().unwrap();
    let mut server = start_server_with(data.path(), &["--demo"]);
    let response = http_get(&server.address, "/healthz");
    let head: u64 = response
        .split("\"head_position\":")
        .nth(1)
        .and_then(|rest| rest.split(|c: char| !c.is_ascii_digit()).next())
        .and_then(|digits| digits.parse().ok())
        .unwrap_or(0);
    assert!(head > 100, "{response}");
    // The banner gives a working owner login and a guest invite.
    let password = server
        .banner
        .split("owner login: jens@roskilde / ")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .unwrap_or_else(|| panic!("no owner login in {}", server.banner))
        .to_owned();
    assert!(server
        .banner
        .contains("guest invite to the mapping board: http://"));
    let body = format!(r#"{{"name":"jens@roskilde","password":"{password}"}}"#);
    let mut stream = std::net::TcpStream::connect(&server.address).unwrap();
    write!(
        stream,
        "POST /api/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut login = String::new();
    stream.read_to_string(&mut login).unwrap();
    assert!(
        login.starts_with("HTTP/1.1 200") && login.contains("phs_"),
        "{login}"
    );
    assert!(server.stop().success());
    // A second start with --demo leaves the store as it is.
    let mut server = start_server_with(data.path(), &["--demo"]);
    assert!(http_get(&server.address, "/healthz").contains(&format!("\"head_position\":{head}")));
    assert!(server.stop().success());
}

#[test]
fn user_add_and_token_create_bootstrap_access_from_the_command_line() {
    let data = tempfile::tempdir().unwrap();
    assert!(run(data.path(), &["demo"]).status.success());
    let mut child = Command::new(binary())
        .arg("--data")
        .arg(data.path())
        .args([
            "user",
            "add",
            "lene@aarhus",
            "--workspace",
            "Aarhus Hovedbibliotek",
            "--role",
            "auditor",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"a long enough password\n")
        .unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert!(text(&output.stdout).contains("created account lene@aarhus"));

    let output = run(
        data.path(),
        &[
            "token",
            "create",
            "--workspace",
            "Roskilde Bibliotekerne",
            "--role",
            "viewer",
            "--label",
            "dashboard",
        ],
    );
    assert!(output.status.success(), "{}", text(&output.stderr));
    let token = text(&output.stdout).trim().to_owned();
    assert!(token.starts_with("ph_"), "{token}");
    let mut server = start_server(data.path());
    let mut stream = std::net::TcpStream::connect(&server.address).unwrap();
    write!(stream, "GET /api/me HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\nConnection: close\r\n\r\n").unwrap();
    let mut me = String::new();
    stream.read_to_string(&mut me).unwrap();
    assert!(
        me.starts_with("HTTP/1.1 200")
            && me.contains("\"display_name\":\"dashboard\"")
            && me.contains("viewer"),
        "{me}"
    );
    assert!(server.stop().success());

    // Clear errors for bad input, with a non-zero exit.
    let output = run(
        data.path(),
        &[
            "token",
            "create",
            "--workspace",
            "Odense",
            "--role",
            "viewer",
        ],
    );
    assert_eq!(output.status.code(), Some(1));
    assert!(text(&output.stderr).contains("no workspace `Odense`"));
    let output = run(
        data.path(),
        &[
            "token",
            "create",
            "--workspace",
            "Roskilde Bibliotekerne",
            "--role",
            "admin",
        ],
    );
    assert_eq!(output.status.code(), Some(1));
    assert!(text(&output.stderr).contains("not a role"));
    let mut child = Command::new(binary())
        .arg("--data")
        .arg(data.path())
        .args(["user", "add", "x"])
        .stdin(Stdio::piped())
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(b"short\n").unwrap();
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(
        text(&output.stderr).contains("not an account name"),
        "{}",
        text(&output.stderr)
    );
}

#[test]
fn every_subcommand_has_help() {
    for subcommand in [
        "serve",
        "demo",
        "replay",
        "verify",
        "export",
        "import",
        "user",
        "token",
        "migrate-store",
    ] {
        let output = Command::new(binary())
            .args([subcommand, "--help"])
            .output()
            .unwrap();
        assert!(output.status.success(), "{subcommand}");
        assert!(text(&output.stdout).contains("--data"), "{subcommand}");
        assert!(text(&output.stdout).contains("--store"), "{subcommand}");
    }
    let output = Command::new(binary()).arg("frobnicate").output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(text(&output.stderr).contains("unrecognized subcommand"));
}

/// `migrate-store` copies a sled store's log and keys into PostgreSQL: the
/// copy verifies, and `replay` there prints exactly what it printed on sled, contact persons'
/// names included (so the keys came along). A second migration into the same schema is
/// refused.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn migrate_store_copies_log_and_keys_into_an_empty_postgres_store_only() {
    use common::process::Place;
    let Some(schema) = common::postgres::TestSchema::create().await else {
        println!("skipped: PARTNERHUB_TEST_POSTGRES=skip");
        return;
    };
    let directory = tempfile::tempdir().unwrap();
    let sled = Place::Directory(directory.path().join("data"));
    sled.cli_ok(&["demo"]);
    let events = sled.verified_events();
    let on_sled = sled.cli_ok(&["replay", "--workspace", "Roskilde Bibliotekerne"]);
    assert!(
        on_sled.contains("\"name\": \"Lise"),
        "the demo has a contact person: {on_sled}"
    );

    let url = schema.url();
    let data = directory.path().join("data");
    let migrate = [
        "migrate-store",
        "--from",
        data.to_str().unwrap(),
        "--to",
        &url,
    ];
    let out = sled.cli_ok(&migrate);
    assert!(
        // One contact person's key, and the keys of the demo's running boards.
        out.starts_with(&format!("migrated {events} events and "))
            && out.contains(" keys (of personal data and of running workshop boards)"),
        "{out}"
    );
    assert!(
        !out.contains("search_path"),
        "the URL is described, not repeated: {out}"
    );
    let postgres = Place::Postgres(schema);
    assert_eq!(postgres.verified_events(), events);
    let on_postgres = postgres.cli_ok(&["replay", "--workspace", "Roskilde Bibliotekerne"]);
    assert_eq!(on_postgres, on_sled);

    let again = sled.cli(&migrate);
    assert_eq!(again.status.code(), Some(1));
    let message = text(&again.stderr);
    assert!(
        message.contains(&format!("is not empty: it holds {events} events and "))
            && message.contains(" keys; migrate-store copies only into an empty store"),
        "{message}"
    );
    assert_eq!(postgres.verified_events(), events, "nothing was written");
}

/// A `--store` that is not a PostgreSQL URL, or a database that cannot be reached, is a clear
/// error with a non-zero exit, and never shows the password.
#[test]
fn a_bad_or_unreachable_store_is_a_clear_error() {
    let directory = tempfile::tempdir().unwrap();
    let nothing = directory.path().join("nothing");
    let cases: [(&[&str], &str); 4] = [
        (
            &["--store", "mysql://root:secret@127.0.0.1/test", "verify"],
            "takes a PostgreSQL URL such as postgres://user@host:5432/database, but was given a mysql:// URL",
        ),
        (
            &["--store", "postgres://root:secret@127.0.0.1:1/test", "demo"],
            "cannot open the store (store postgres://root@127.0.0.1:1/test)",
        ),
        (
            &["--store", "postgres://root:secret@127.0.0.1:1/test", "verify"],
            "Connection refused",
        ),
        (
            &[
                "migrate-store",
                "--from",
                nothing.to_str().unwrap(),
                "--to",
                "postgres://root:secret@127.0.0.1:1/test",
            ],
            "there is no embedded store in",
        ),
    ];
    for (args, expected) in cases {
        let output = Command::new(binary())
            .args(args)
            .env_remove("PARTNERHUB_STORE")
            .output()
            .unwrap();
        let stderr = text(&output.stderr);
        assert_eq!(output.status.code(), Some(1), "{args:?}: {stderr}");
        assert!(stderr.contains(expected), "{args:?}: {stderr}");
        assert!(
            !stderr.contains("secret"),
            "{args:?} shows the password: {stderr}"
        );
    }
}
