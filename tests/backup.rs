//! Online backup and restore: a backup taken through a running server while clients write is
//! restored to a log identical byte for byte to the original's prefix, with identical views;
//! personal data stays readable, and a person erased before the backup stays erased.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a panic is how a test reports failure

mod common;

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;

use common::process::{cli_ok, cli_with_input, demo_with_owner_token, Place, ServerProcess};
use serde_json::{json, Value};
use uuid::Uuid;

const ADMIN_PASSWORD: &str = "backup operator password";

async fn post(http: &reqwest::Client, url: String, token: &str, body: Value) -> (u16, Value) {
    let response = http
        .post(url)
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap())
}

/// The contact persons of an organisation, wherever a report holds it.
fn contact_persons(value: &Value, organisation: Uuid) -> Option<Value> {
    match value {
        Value::Object(fields) => {
            if let Some(found) = fields
                .get(&organisation.to_string())
                .and_then(|entry| entry.get("contact_persons"))
            {
                return Some(found.clone());
            }
            fields
                .values()
                .find_map(|child| contact_persons(child, organisation))
        }
        Value::Array(items) => items
            .iter()
            .find_map(|item| contact_persons(item, organisation)),
        _ => None,
    }
}

/// The `workspaces` part of `partnerhub replay --as-of <position>`.
fn replay_at(data: &std::path::Path, position: u64) -> Value {
    let out = cli_ok(data, &["replay", "--as-of", &position.to_string()], "");
    let report: Value = serde_json::from_str(&out).unwrap();
    report["workspaces"].clone()
}

fn export(data: &std::path::Path, file: &std::path::Path) -> Vec<u8> {
    cli_ok(data, &["export", "--out", file.to_str().unwrap()], "");
    std::fs::read(file).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_taken_while_clients_write_restores_to_the_identical_log_and_views() {
    let directory = tempfile::tempdir().unwrap();
    let data = directory.path().join("data");
    let owner = demo_with_owner_token(&data);
    cli_ok(
        &data,
        &["user", "add", "admin@roskilde", "--admin"],
        &format!("{ADMIN_PASSWORD}\n"),
    );
    let server = ServerProcess::start_with_log(
        &Place::Directory(data.clone()),
        &directory.path().join("serve.stderr"),
        "warn",
    );
    let http = reqwest::Client::new();
    let workspace_id = server.first_workspace(&http, &owner).await;
    let commands = server.url(&format!("/api/workspaces/{workspace_id}/commands"));

    // Two contact persons; one of them is erased before the backup.
    let organisation = Uuid::new_v4();
    let (kept, erased) = (Uuid::new_v4(), Uuid::new_v4());
    for command in [
        json!({"type": "RegisterOrganisation", "organisation_id": organisation, "name": "Roskilde Museum", "sector": "public"}),
        json!({"type": "AddContactPerson", "organisation_id": organisation, "person_id": kept, "role": "curator",
               "personal": {"name": "Karen Holm", "email": "karen.holm@example.org"}}),
        json!({"type": "AddContactPerson", "organisation_id": organisation, "person_id": erased, "role": "director",
               "personal": {"name": "Bo Lund", "email": "bo.lund@example.org", "phone": "+45 46 31 00 00"}}),
        json!({"type": "EraseContactPerson", "organisation_id": organisation, "person_id": erased, "reason": "asked to be forgotten"}),
    ] {
        let (status, body) =
            post(&http, commands.clone(), &owner, json!({"command": command})).await;
        assert_eq!(status, 200, "{body}");
    }

    // A workspace owner who is no server administrator may not take a backup.
    let response = http
        .get(server.url("/api/backup"))
        .bearer_auth(&owner)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 403);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["code"], "forbidden", "{body}");

    // Clients keep writing while the backup is taken.
    let stop = Arc::new(AtomicBool::new(false));
    let acknowledged = Arc::new(AtomicUsize::new(0));
    let mut writers = Vec::new();
    for writer in 0..4 {
        let (http, url, token) = (http.clone(), commands.clone(), owner.clone());
        let (stop, acknowledged) = (stop.clone(), acknowledged.clone());
        writers.push(tokio::spawn(async move {
            let mut index = 0;
            while !stop.load(Ordering::SeqCst) {
                index += 1;
                let command = json!({"type": "AddAsset", "asset_id": Uuid::new_v4(), "category": "trust",
                                     "title": format!("Asset {index} of writer {writer}")});
                let (status, body) = post(&http, url.clone(), &token, json!({"command": command})).await;
                if status == 429 {
                    // Over the HTTP command limit: a well-behaved client waits and goes on.
                    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                    continue;
                }
                assert_eq!(status, 200, "{body}");
                acknowledged.fetch_add(1, Ordering::SeqCst);
            }
        }));
    }
    while acknowledged.load(Ordering::SeqCst) < 50 {
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    let backup_file = directory.path().join("roskilde.backup");
    let server_url = server.url("");
    let (backup_data, backup_path) = (data.clone(), backup_file.clone());
    let backed_up = tokio::task::spawn_blocking(move || {
        cli_ok(
            &backup_data,
            &[
                "backup",
                "--server",
                &server_url,
                "--user",
                "admin@roskilde",
                "--out",
                backup_path.to_str().unwrap(),
            ],
            &format!("{ADMIN_PASSWORD}\n"),
        )
    })
    .await
    .unwrap();
    let during = acknowledged.load(Ordering::SeqCst);
    while acknowledged.load(Ordering::SeqCst) < during + 50 {
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    stop.store(true, Ordering::SeqCst);
    for writer in writers {
        writer.await.unwrap();
    }
    server.terminate();

    let position: u64 = backed_up
        .strip_prefix("backed up ")
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|count| count.parse().ok())
        .unwrap_or_else(|| panic!("unexpected backup output: {backed_up}"));
    let backup_text = std::fs::read_to_string(&backup_file).unwrap();
    let key_line = |person: Uuid| format!("{{\"person_key\":{{\"person_id\":\"{person}\"");
    assert!(
        backup_text.contains(&key_line(kept)),
        "the kept person's key is in the backup"
    );
    assert!(
        !backup_text.contains(&key_line(erased)),
        "no key of the erased person is in the backup"
    );
    for secret in [
        ADMIN_PASSWORD,
        "Karen Holm",
        "Bo Lund",
        "bo.lund@example.org",
    ] {
        assert!(
            !backup_text.contains(secret),
            "{secret} is in the backup in clear"
        );
    }

    // Restore into a new data directory.
    let restored = directory.path().join("restored");
    let out = cli_ok(&restored, &["restore", backup_file.to_str().unwrap()], "");
    assert!(
        out.starts_with(&format!("restored {position} events and ")),
        "{out}"
    );

    // The restored log is the original's prefix up to the backup's position, byte for byte,
    // and the original went on past it (the clients wrote during and after the backup).
    let original_export = export(&data, &directory.path().join("original.jsonl"));
    let restored_export = export(&restored, &directory.path().join("restored.jsonl"));
    let original_lines: Vec<&[u8]> = original_export
        .split(|byte| *byte == b'\n')
        .filter(|line| !line.is_empty())
        .collect();
    let restored_lines: Vec<&[u8]> = restored_export
        .split(|byte| *byte == b'\n')
        .filter(|line| !line.is_empty())
        .collect();
    assert_eq!(restored_lines.len() as u64, position);
    assert!(
        original_lines.len() as u64 > position,
        "the clients wrote after the backup's position"
    );
    assert!(
        restored_lines
            .iter()
            .zip(&original_lines)
            .all(|(a, b)| a == b),
        "the restored log differs from the original's prefix"
    );
    cli_ok(&restored, &["verify"], "");

    // The views of the restored store equal the original's as of the backup's position,
    // personal data revealed through each store's own keys.
    let original_views = replay_at(&data, position);
    let restored_views = replay_at(&restored, position);
    assert_eq!(original_views, restored_views);
    let views = restored_views.to_string();
    assert!(
        views.contains("Karen Holm"),
        "the kept person is readable after the restore"
    );
    assert!(!views.contains("Bo Lund"), "the erased person stays erased");
    let persons = contact_persons(&restored_views, organisation)
        .unwrap_or_else(|| panic!("organisation {organisation} is not in {restored_views}"));
    assert_eq!(
        persons[erased.to_string()]["personal"],
        json!({"erased": true}),
        "{persons}"
    );
    assert_eq!(
        persons[kept.to_string()]["personal"]["name"],
        "Karen Holm",
        "{persons}"
    );
}

#[test]
fn a_cut_off_or_altered_backup_is_refused_and_nothing_is_restored() {
    let directory = tempfile::tempdir().unwrap();
    let data = directory.path().join("data");
    cli_ok(&data, &["demo"], "");
    cli_ok(
        &data,
        &["user", "add", "admin@roskilde", "--admin"],
        &format!("{ADMIN_PASSWORD}\n"),
    );
    let server = ServerProcess::start_with_log(
        &Place::Directory(data.clone()),
        &directory.path().join("serve.stderr"),
        "warn",
    );
    let backup_file = directory.path().join("full.backup");
    cli_ok(
        &data,
        &[
            "backup",
            "--server",
            &server.url(""),
            "--user",
            "admin@roskilde",
            "--out",
            backup_file.to_str().unwrap(),
        ],
        &format!("{ADMIN_PASSWORD}\n"),
    );
    // A wrong password gets no backup.
    let refused = cli_with_input(
        &data,
        &[
            "backup",
            "--server",
            &server.url(""),
            "--user",
            "admin@roskilde",
            "--out",
            directory.path().join("x").to_str().unwrap(),
        ],
        "wrong password\n",
    );
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("login refused"));
    server.terminate();

    let text = std::fs::read_to_string(&backup_file).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let cut_off = directory.path().join("cut.backup");
    std::fs::write(&cut_off, lines[..lines.len() - 1].join("\n")).unwrap();
    let altered = directory.path().join("altered.backup");
    std::fs::write(&altered, text.replacen("Roskilde", "Roskilda", 1)).unwrap();
    for (file, reason) in [(&cut_off, "the copy was cut off"), (&altered, "")] {
        let target = directory.path().join(format!("restore-{}", Uuid::new_v4()));
        let output = cli_with_input(&target, &["restore", file.to_str().unwrap()], "");
        assert!(!output.status.success(), "{file:?} was restored");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            stderr.contains("restore refused") && stderr.contains(reason),
            "{stderr}"
        );
        let verified = cli_ok(&target, &["verify"], "");
        assert!(
            verified.starts_with("verified 0 events"),
            "nothing was written: {verified}"
        );
    }
}
