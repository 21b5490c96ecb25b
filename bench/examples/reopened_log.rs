//! Writes into a reopened sled log's free segments, three ways in alternating rounds (issue 19,
//! scenario 3, "Writes into a reopened log's free segments" in BENCHMARKS.md; changes 10 and
//! 11 of `vendor/README.md`).
//!
//! A log database (opened as the sled store opens its log: `prefill_log`, no timed flush) is
//! filled with `--values` values of 900 bytes and then has nine tenths of them removed, so
//! that many of its segments are free. Each round copies it afresh and times `--edits` single
//! inserts, each flushed (a one-client edit's write and sync), in a process of this example
//! of its own per way, since the vendored sled reads its switches once per process:
//!
//! - **written**: the free segments zeroed by writing zeros at the open (`SLED_ZERO_SEGMENTS_BY_WRITE=1`);
//! - **ranges**: zeroed as ranges of the file, left as unwritten extents (`SLED_WRITE_FREE_SEGMENTS=0`);
//! - **ranges, written ahead**: as ranges, then written with zeros by the prefill's thread
//!   ahead of their use (the default).
//!
//! ```sh
//! cargo run --release -p partnerhub-bench --example reopened_log -- --values 150000 --edits 12000 --rounds 4
//! ```

use std::path::Path;
use std::process::Command;
use std::time::Instant;

use anyhow::{bail, Context};

/// The size of one value: one event's record in the log.
const VALUE_BYTES: usize = 900;

/// The three ways, each with the environment that asks for it.
const WAYS: [(&str, &str, &str); 3] = [
    ("written", "SLED_ZERO_SEGMENTS_BY_WRITE", "1"),
    ("ranges", "SLED_WRITE_FREE_SEGMENTS", "0"),
    ("ranges, written ahead", "SLED_WRITE_FREE_SEGMENTS", "1"),
];

fn open(path: &Path) -> anyhow::Result<sled::Db> {
    Ok(sled::Config::new()
        .path(path)
        .mode(sled::Mode::HighThroughput)
        .cache_capacity(32 << 20)
        .prefill_log(true)
        .flush_every_ms(None)
        .open()?)
}

/// The value of `--name` among `arguments`, or `default`.
fn option(arguments: &[String], name: &str, default: u64) -> anyhow::Result<u64> {
    match arguments.iter().position(|argument| argument == name) {
        None => Ok(default),
        Some(at) => arguments
            .get(at + 1)
            .with_context(|| format!("{name} needs a number"))?
            .parse()
            .with_context(|| format!("{name} needs a number")),
    }
}

/// Fills a log at `path` with `values` values, then removes nine tenths of them.
fn make(path: &Path, values: u64) -> anyhow::Result<()> {
    let db = open(path)?;
    let value = vec![7_u8; VALUE_BYTES];
    for key in 0..values {
        db.insert(key.to_be_bytes(), value.as_slice())?;
        if key % 64 == 0 {
            db.flush()?;
        }
    }
    db.flush()?;
    for key in 0..values * 9 / 10 {
        db.remove(key.to_be_bytes())?;
        if key % 4096 == 0 {
            db.flush()?;
        }
    }
    db.flush()?;
    Ok(())
}

/// Opens the log at `path` and times `edits` flushed inserts; prints the open's milliseconds,
/// the inserts per second and their p50 and p99 in microseconds on one line.
fn edit(path: &Path, edits: u64) -> anyhow::Result<()> {
    let started = Instant::now();
    let db = open(path)?;
    let opened = started.elapsed();
    let value = vec![7_u8; VALUE_BYTES];
    let mut micros = Vec::with_capacity(usize::try_from(edits)?);
    let all = Instant::now();
    for key in 0..edits {
        let one = Instant::now();
        db.insert((u64::MAX - key).to_be_bytes(), value.as_slice())?;
        db.flush()?;
        micros.push(one.elapsed().as_micros());
    }
    let elapsed = all.elapsed();
    micros.sort_unstable();
    let at = |share: f64| micros.get((micros.len() as f64 * share) as usize).copied();
    println!(
        "{} {:.0} {} {}",
        opened.as_millis(),
        edits as f64 / elapsed.as_secs_f64(),
        at(0.5).unwrap_or_default(),
        at(0.99).unwrap_or_default()
    );
    Ok(())
}

fn main() -> anyhow::Result<()> {
    let arguments: Vec<String> = std::env::args().skip(1).collect();
    if arguments.first().map(String::as_str) == Some("edit") {
        let path = arguments.get(1).context("edit needs a directory")?;
        return edit(Path::new(path), option(&arguments, "--edits", 12_000)?);
    }
    let values = option(&arguments, "--values", 150_000)?;
    let edits = option(&arguments, "--edits", 12_000)?;
    let rounds = option(&arguments, "--rounds", 4)?;
    let scratch = tempfile::tempdir_in(std::env::temp_dir())?;
    let template = scratch.path().join("template");
    make(&template, values)?;
    println!(
        "{:>22}  {:>5}  {:>8}  {:>10}  {:>7}  {:>7}",
        "way", "round", "open ms", "inserts/s", "p50 us", "p99 us"
    );
    for round in 1..=rounds {
        for (way, variable, setting) in WAYS {
            let copy = scratch.path().join("copy");
            let _ = std::fs::remove_dir_all(&copy);
            let copied = Command::new("cp")
                .arg("-a")
                .arg(&template)
                .arg(&copy)
                .status()?;
            let synced = Command::new("sync").status()?;
            if !copied.success() || !synced.success() {
                bail!("cannot copy the log for a round");
            }
            let output = Command::new(std::env::current_exe()?)
                .arg("edit")
                .arg(&copy)
                .arg("--edits")
                .arg(edits.to_string())
                .env(variable, setting)
                .output()?;
            if !output.status.success() {
                bail!(
                    "the {way} round failed: {}",
                    String::from_utf8_lossy(&output.stderr)
                );
            }
            let line = String::from_utf8_lossy(&output.stdout);
            let figures: Vec<&str> = line.split_whitespace().collect();
            let [open_ms, per_s, p50, p99] = figures.as_slice() else {
                bail!("the {way} round printed {line:?}");
            };
            println!("{way:>22}  {round:>5}  {open_ms:>8}  {per_s:>10}  {p50:>7}  {p99:>7}");
        }
    }
    Ok(())
}
