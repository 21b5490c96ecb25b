//! The cost of the checkpointer's timeline save on sled, measured (issue 19, scenario 1 at
//! 256 clients): five saves of 100,000 entries each, as one checkpoint of the 256-client
//! edits benchmark gives them (256 workspaces, one organisation each, positions dealt in
//! turn, entries of about 230 bytes), in batches of 20,000 as
//! `projection::timeline_index::save` makes them; then a read of one workspace, all and by
//! entity. Ignored: run by hand with
//! `cargo test --release --test timeline_save_cost -- --ignored --nocapture`.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a panic is how a test reports failure

use std::time::Instant;

use partnerhub::store::sled::SledEventStore;
use partnerhub::store::{EventStore, TimelineIndexEntry};
use uuid::Uuid;

/// The process's CPU time so far (user and system), in seconds, from `/proc/self/stat`.
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap();
    let after_name = &stat[stat.rfind(')').unwrap() + 2..];
    let fields: Vec<&str> = after_name.split(' ').collect();
    let ticks: u64 = fields[11].parse::<u64>().unwrap() + fields[12].parse::<u64>().unwrap();
    ticks as f64 / 100.0
}

fn directory_bytes(path: &std::path::Path) -> u64 {
    std::fs::read_dir(path)
        .unwrap()
        .map(|entry| {
            let entry = entry.unwrap();
            let meta = entry.metadata().unwrap();
            if meta.is_dir() {
                directory_bytes(&entry.path())
            } else {
                meta.len()
            }
        })
        .sum()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "a measurement, run by hand"]
async fn the_timeline_save_of_one_checkpoint_costs() {
    const WORKSPACES: usize = 256;
    const PER_SAVE: u64 = 100_000;
    const BATCH: usize = 20_000;
    let directory =
        tempfile::tempdir_in(std::env::var("TIMELINE_COST_DIR").unwrap_or_else(|_| "/tmp".into()))
            .unwrap();
    let store = SledEventStore::open(directory.path()).unwrap();
    let workspaces: Vec<(Uuid, Uuid)> = (0..WORKSPACES)
        .map(|_| (Uuid::new_v4(), Uuid::new_v4()))
        .collect();
    let bytes_of = |position: u64| {
        let mut bytes = vec![7u8; 32];
        bytes.extend_from_slice(
            format!(
                "[{position},1796558400123456789,\"member:5b0c3f7e-0000-4000-8000-000000000001\",\
                 \"OrganisationMoved\",12,\"moved the organisation from the network to the \
                 collaboration\",[\"5b0c3f7e-0000-4000-8000-00000000{position:04}\"],null]"
            )
            .as_bytes(),
        );
        bytes
    };
    let mut position = 0u64;
    for save in 0..5 {
        // The checkpointer's order: workspace by workspace, each one's entries in order.
        let mut by_workspace: Vec<Vec<TimelineIndexEntry>> = vec![Vec::new(); WORKSPACES];
        for _ in 0..PER_SAVE {
            position += 1;
            let index = (position % WORKSPACES as u64) as usize;
            let (workspace_id, organisation_id) = workspaces[index];
            by_workspace[index].push(TimelineIndexEntry {
                workspace_id,
                position,
                entity_ids: vec![organisation_id],
                bytes: bytes_of(position),
            });
        }
        let all: Vec<TimelineIndexEntry> = by_workspace.into_iter().flatten().collect();
        let (cpu, wall) = (cpu_seconds(), Instant::now());
        let mut batch = Vec::new();
        for entry in all {
            batch.push(entry);
            if batch.len() == BATCH {
                store
                    .save_timeline(std::mem::take(&mut batch), None)
                    .await
                    .unwrap();
            }
        }
        store
            .save_timeline(batch, Some(format!("mark {position}").into_bytes()))
            .await
            .unwrap();
        println!(
            "save {save}: {PER_SAVE} entries in {:.3} s wall, {:.2} s CPU",
            wall.elapsed().as_secs_f64(),
            cpu_seconds() - cpu
        );
    }
    let (workspace_id, organisation_id) = workspaces[17];
    let (cpu, wall) = (cpu_seconds(), Instant::now());
    let all = store
        .read_timeline(workspace_id, None, u64::MAX)
        .await
        .unwrap();
    let read_all = wall.elapsed().as_secs_f64();
    let about = store
        .read_timeline(workspace_id, Some(organisation_id), position / 2)
        .await
        .unwrap();
    println!(
        "read one workspace: {} entries in {:.1} ms; by entity up to the middle: {} in {:.1} ms \
         (both {:.2} s CPU)",
        all.len(),
        read_all * 1e3,
        about.len(),
        (wall.elapsed().as_secs_f64() - read_all) * 1e3,
        cpu_seconds() - cpu
    );
    assert!(all.len() as u64 >= position / WORKSPACES as u64);
    store.shutdown().await;
    println!(
        "timeline/ on disk: {:.1} MiB",
        directory_bytes(&directory.path().join("timeline")) as f64 / (1 << 20) as f64
    );
}
