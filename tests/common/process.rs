//! The `partnerhub` binary as a separate process: one-shot commands and a running server,
//! for tests that need what only a process has (its own resident memory, its own log output,
//! a data directory it holds locked, a kill).
#![allow(dead_code, unreachable_pub, clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufRead, BufReader, Write};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Runs `partnerhub --data <data> <args>` to completion with `stdin` as its standard input.
pub fn cli_with_input(data: &Path, args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_partnerhub"))
        .arg("--data")
        .arg(data)
        .args(args)
        .env("PARTNERHUB_LOG", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

/// Runs the binary and insists on success, returning its standard output.
pub fn cli_ok(data: &Path, args: &[&str], stdin: &str) -> String {
    let output = cli_with_input(data, args, stdin);
    assert!(
        output.status.success(),
        "partnerhub {args:?} failed ({}):\n{}{}",
        output.status,
        text(&output.stdout),
        text(&output.stderr)
    );
    text(&output.stdout)
}

/// A running `partnerhub serve` child process; its standard output and error go to files.
pub struct ServerProcess {
    pub child: Child,
    pub address: SocketAddr,
    pub stdout_path: PathBuf,
    pub stderr_path: PathBuf,
}

impl ServerProcess {
    /// Starts `partnerhub serve` on a free port with `PARTNERHUB_LOG=<log>` and waits until
    /// it listens. Output goes to `<logs>.stdout` and `<logs>.stderr`.
    pub fn start(data: &Path, logs: &Path, log: &str) -> ServerProcess {
        let stdout_path = logs.with_extension("stdout");
        let stderr_path = logs.with_extension("stderr");
        let mut child = Command::new(env!("CARGO_BIN_EXE_partnerhub"))
            .arg("--data")
            .arg(data)
            .args(["serve", "--listen", "127.0.0.1:0"])
            .env("PARTNERHUB_LOG", log)
            .stdin(Stdio::null())
            .stdout(std::fs::File::create(&stdout_path).unwrap())
            .stderr(std::fs::File::create(&stderr_path).unwrap())
            .spawn()
            .unwrap();
        let started = Instant::now();
        let address = loop {
            let printed = std::fs::read_to_string(&stdout_path).unwrap_or_default();
            let found = BufReader::new(printed.as_bytes()).lines().find_map(|line| {
                let line = line.ok()?;
                let rest = line.strip_prefix("partnerhub listening on http://")?;
                rest.split_whitespace().next()?.parse::<SocketAddr>().ok()
            });
            if let Some(address) = found {
                break address;
            }
            if let Some(status) = child.try_wait().unwrap() {
                panic!(
                    "partnerhub serve exited ({status}):\n{}",
                    std::fs::read_to_string(&stderr_path).unwrap_or_default()
                );
            }
            assert!(
                started.elapsed() < Duration::from_secs(60),
                "partnerhub serve did not start within 60 s"
            );
            std::thread::sleep(Duration::from_millis(20));
        };
        ServerProcess {
            child,
            address,
            stdout_path,
            stderr_path,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.address)
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
            std::fs::read_to_string(&self.stdout_path).unwrap_or_default(),
            std::fs::read_to_string(&self.stderr_path).unwrap_or_default()
        )
    }

    /// SIGTERM, then waits for a clean exit (0) within 30 seconds.
    pub fn terminate(mut self) {
        let status = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
        let started = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                assert!(status.success(), "serve exited with {status} after SIGTERM");
                return;
            }
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "serve did not stop within 30 s of SIGTERM"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        // A test that failed midway must not leave its server running.
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}
