//! The `partnerhub` binary as an operator runs it: one-shot commands and `serve` processes
//! that can be killed with SIGKILL, on either store (a data directory or a PostgreSQL schema),
//! for tests that need what only a process has (its own resident memory, its own log output,
//! a data directory it holds locked, a kill).
#![allow(dead_code, unreachable_pub, clippy::unwrap_used)]

use std::ffi::OsString;
use std::io::{BufRead, BufReader, Write};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use super::postgres::TestSchema;

/// Where the binary keeps its store: `--data <dir>` or `--store <postgres URL>`.
pub enum Place {
    /// The embedded store in this directory.
    Directory(PathBuf),
    /// A PostgreSQL schema of the test's own (dropped with it).
    Postgres(TestSchema),
}

impl Place {
    /// The global options that point the binary at this place.
    pub fn args(&self) -> Vec<OsString> {
        match self {
            Place::Directory(data) => vec!["--data".into(), data.clone().into()],
            Place::Postgres(schema) => vec!["--store".into(), schema.url().into()],
        }
    }

    /// Runs the binary to completion here.
    pub fn cli(&self, args: &[&str]) -> Output {
        self.cli_with_input(args, "")
    }

    /// Runs the binary to completion here, with `input` on its standard input.
    pub fn cli_with_input(&self, args: &[&str], input: &str) -> Output {
        let mut child = Command::new(super::binary())
            .args(self.args())
            .args(args)
            .env("PARTNERHUB_LOG", "warn")
            .env_remove("PARTNERHUB_STORE")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
        child.wait_with_output().unwrap()
    }

    /// Runs the binary and insists on success, returning its standard output.
    pub fn cli_ok(&self, args: &[&str]) -> String {
        checked(args, self.cli(args))
    }

    /// Like [`Place::cli_ok`], with `input` on standard input.
    pub fn cli_ok_with_input(&self, args: &[&str], input: &str) -> String {
        checked(args, self.cli_with_input(args, input))
    }

    /// The number of events `partnerhub verify` reports; it must exit 0.
    pub fn verified_events(&self) -> u64 {
        let out = self.cli_ok(&["verify"]);
        out.strip_prefix("verified ")
            .and_then(|rest| rest.split_whitespace().next())
            .and_then(|count| count.parse().ok())
            .unwrap_or_else(|| panic!("unexpected verify output: {out}"))
    }
}

/// Standard output or standard error as text.
pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Runs `partnerhub --data <data> <args>` to completion with `stdin` as its standard input.
pub fn cli_with_input(data: &Path, args: &[&str], stdin: &str) -> Output {
    Place::Directory(data.to_path_buf()).cli_with_input(args, stdin)
}

/// Runs `partnerhub --data <data> <args>`, insists on success and returns its standard output.
pub fn cli_ok(data: &Path, args: &[&str], stdin: &str) -> String {
    Place::Directory(data.to_path_buf()).cli_ok_with_input(args, stdin)
}

fn checked(args: &[&str], output: Output) -> String {
    assert!(
        output.status.success(),
        "partnerhub {args:?} failed ({}):\n{}{}",
        output.status,
        text(&output.stdout),
        text(&output.stderr)
    );
    text(&output.stdout)
}

/// A running `partnerhub serve` child process.
pub struct ServerProcess {
    child: Child,
    pub address: SocketAddr,
    /// Everything the server printed on standard output so far.
    stdout: std::sync::Arc<std::sync::Mutex<String>>,
    /// Where its standard error goes.
    stderr_log: PathBuf,
    /// The thread that drains standard output; it ends when the server does.
    drain: Option<std::thread::JoinHandle<()>>,
}

impl ServerProcess {
    /// Starts `partnerhub serve` on a free port at `place` and waits for its "listening"
    /// line; its standard error goes to `stderr_log`.
    pub fn start(place: &Place, stderr_log: &Path) -> ServerProcess {
        ServerProcess::start_with_log(place, stderr_log, "warn")
    }

    /// Like [`ServerProcess::start`], with `PARTNERHUB_LOG=<log>`.
    pub fn start_with_log(place: &Place, stderr_log: &Path, log: &str) -> ServerProcess {
        let stderr = std::fs::File::create(stderr_log).unwrap();
        let mut child = Command::new(super::binary())
            .args(place.args())
            .args(["serve", "--listen", "127.0.0.1:0"])
            .env("PARTNERHUB_LOG", log)
            .env_remove("PARTNERHUB_STORE")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(stderr)
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let (found, listening) = std::sync::mpsc::channel();
        let printed = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
        let kept = printed.clone();
        // Reads the banner, then keeps draining stdout so the server never blocks on it.
        let drain = std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if let Ok(mut kept) = kept.lock() {
                    kept.push_str(&line);
                    kept.push('\n');
                }
                if let Some(rest) = line.strip_prefix("partnerhub listening on http://") {
                    let address = rest
                        .split_whitespace()
                        .next()
                        .unwrap_or_default()
                        .to_owned();
                    let _ = found.send(address);
                }
            }
        });
        let address = match listening.recv_timeout(Duration::from_secs(60)) {
            Ok(address) => address.parse().unwrap(),
            Err(_) => {
                let _ = child.kill();
                let status = child.wait().unwrap();
                panic!(
                    "partnerhub serve did not start ({status}):\n{}",
                    std::fs::read_to_string(stderr_log).unwrap_or_default()
                );
            }
        };
        ServerProcess {
            child,
            address,
            stdout: printed,
            stderr_log: stderr_log.to_path_buf(),
            drain: Some(drain),
        }
    }

    /// The server's resident memory (`VmRSS` of `/proc/<pid>/status`), in bytes.
    pub fn resident_bytes(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).unwrap();
        let kib: u64 = status
            .lines()
            .find_map(|line| line.strip_prefix("VmRSS:"))
            .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap();
        kib * 1024
    }

    /// Everything the server wrote to standard output and error so far.
    pub fn output(&self) -> String {
        format!(
            "{}{}",
            self.stdout
                .lock()
                .map(|out| out.clone())
                .unwrap_or_default(),
            std::fs::read_to_string(&self.stderr_log).unwrap_or_default()
        )
    }

    /// The URL of `path` on this server.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.address)
    }

    /// SIGKILL: no destructor, no graceful shutdown, no final flush.
    pub fn kill(mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }

    /// SIGTERM: the graceful shutdown an operator asks for; it must exit 0. Returns all it
    /// wrote to standard output and error, to the end.
    pub fn terminate(mut self) -> String {
        let status = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
        let started = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                assert!(status.success(), "serve exited with {status} after SIGTERM");
                if let Some(drain) = self.drain.take() {
                    let _ = drain.join();
                }
                return self.output();
            }
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "serve did not stop within 30 s of SIGTERM"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

/// The workspace `partnerhub demo` creates.
pub const DEMO_WORKSPACE: &str = "Roskilde Bibliotekerne";

/// Creates the demo workspace in `data` and returns a fresh owner token for it.
pub fn demo_with_owner_token(data: &Path) -> String {
    cli_ok(data, &["demo"], "");
    cli_ok(
        data,
        &[
            "token",
            "create",
            "--workspace",
            DEMO_WORKSPACE,
            "--role",
            "owner",
        ],
        "",
    )
    .trim()
    .to_owned()
}

impl ServerProcess {
    /// The first workspace `token` reaches, as a client finds it (`GET /api/me`).
    pub async fn first_workspace(&self, http: &reqwest::Client, token: &str) -> uuid::Uuid {
        let me: serde_json::Value = http
            .get(self.url("/api/me"))
            .bearer_auth(token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        me["workspaces"][0]["workspace_id"]
            .as_str()
            .unwrap_or_else(|| panic!("no workspace in {me}"))
            .parse()
            .unwrap()
    }
}

impl Drop for ServerProcess {
    /// A test that fails leaves no server behind.
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}
