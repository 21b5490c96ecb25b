//! Projections over time: the demo workspace as `replay` prints it, any moment by position or
//! time, the difference between two moments, snapshots, and views after a restart. Each test
//! runs on sled and on PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a panic is how a test reports failure

mod common;

use std::process::Command as Process;

use chrono::NaiveDate;
use common::{binary, on_every_backend, Backend, Running, TestLocation};
use partnerhub::domain::vocabulary::{BoardTemplate, Level, PartnershipForm, Sector, Zone};
use partnerhub::domain::Command;
use partnerhub::projection::diff::diff;
use partnerhub::projection::projector::replay_stream;
use partnerhub::projection::AsOf;
use serde_json::Value;
use uuid::Uuid;

fn replay(data: &TestLocation, args: &[&str]) -> (Option<i32>, String, String) {
    let output = Process::new(binary())
        .args(data.cli_args())
        .arg("replay")
        .args(args)
        .output()
        .unwrap();
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

fn find<'a>(items: &'a Value, field: &str, value: &str) -> (&'a String, &'a Value) {
    items
        .as_object()
        .unwrap()
        .iter()
        .find(|(_, item)| item[field] == value)
        .unwrap_or_else(|| panic!("no item with {field} = {value}"))
}

async fn replay_of_the_demo_shows_the_guides_examples_and_their_history(backend: Backend) {
    let data = TestLocation::on(backend).await;
    let demo = Process::new(binary())
        .args(data.cli_args())
        .arg("demo")
        .output()
        .unwrap();
    assert!(
        demo.status.success(),
        "{}",
        String::from_utf8_lossy(&demo.stderr)
    );
    let again = Process::new(binary())
        .args(data.cli_args())
        .arg("demo")
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&again.stdout).contains("loaded already; nothing was appended"));

    let (code, stdout, stderr) = replay(
        &data,
        &["--workspace", "Roskilde Bibliotekerne", "--lang", "en"],
    );
    assert_eq!(code, Some(0), "{stderr}");
    let output: Value = serde_json::from_str(&stdout).unwrap();
    let roskilde = &output["workspaces"][0];
    assert_eq!(roskilde["name"], "Roskilde Bibliotekerne");

    let (_, festival) = find(&roskilde["organisations"], "name", "Roskilde Festival");
    assert_eq!(festival["level"], "partnership");
    let levels: Vec<&Value> = festival["level_history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| &c["to"])
        .collect();
    assert_eq!(levels, ["network", "collaboration", "partnership"]);
    assert_eq!(festival["level_history"][2]["actor"], "mads@roskilde");

    let (_, area) = find(
        &roskilde["partnerships"],
        "title",
        "Bibliotekets alternative festivalområde",
    );
    assert_eq!(area["agreement"]["version"], 2);
    assert!(area["agreement"]["sections"]["resources"]
        .as_str()
        .unwrap()
        .contains("4 dage med 8 medarbejdere"));
    assert_eq!(area["screening"]["score"], 23);
    assert_eq!(area["screening"]["decision"], "go");
    assert_eq!(area["evaluations"].as_array().unwrap().len(), 2);
    assert_eq!(area["evaluations"][1]["decision"], "adjust");
    assert_eq!(area["communication_plan"].as_object().unwrap().len(), 2);
    assert_eq!(area["readiness"].as_object().unwrap().len(), 6);
    assert_eq!(
        area["readiness"]["evaluation_planned"]["actor"],
        "jens@roskilde"
    );
    assert_eq!(area["phase"], "adjustment");

    let (_, ended) = find(
        &roskilde["partnerships"],
        "title",
        "IT-undervisning med fagbevægelsen",
    );
    assert!(ended["ending"]["reason"]
        .as_str()
        .unwrap()
        .contains("nåede sit mål"));
    assert_eq!(roskilde["assets"].as_object().unwrap().len(), 6);
    let (_, board) = find(&roskilde["boards"], "template", "network_circle");
    let promoted = board["notes"]
        .as_object()
        .unwrap()
        .values()
        .filter(|note| !note["promoted_to"].is_null())
        .count();
    assert_eq!(promoted, 1);
    let (_, gymnasium) = find(&roskilde["organisations"], "name", "Roskilde Gymnasium");
    assert_eq!(gymnasium["priority"], 4, "the promoted note's four dots");
    assert_eq!(gymnasium["tags"][0], "level:collaboration");

    let timeline: Vec<&str> = roskilde["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["summary"].as_str().unwrap())
        .collect();
    assert!(timeline.iter().any(|line| line.contains(
        "mads@roskilde moved Roskilde Festival from collaboration to partnership (on 2 May 2024): festivalområdet aftalt som en årlig ramme"
    )));
    assert_eq!(
        roskilde["network"]["duplicate_contacts"][0]["organisation_name"],
        "Roskilde Festival"
    );
    assert!(!roskilde["metrics_history"].as_array().unwrap().is_empty());
    assert!(roskilde["portfolio"]["gaps"].as_array().is_some());

    // Without --lang the sentences are Danish.
    let (_, all, _) = replay(&data, &[]);
    let all: Value = serde_json::from_str(&all).unwrap();
    assert!(all.to_string().contains(
        "mads@roskilde flyttede Roskilde Festival fra samarbejde til partnerskab (den 2. maj 2024): festivalområdet aftalt som en årlig ramme"
    ));
    let (code, _, stderr) = replay(&data, &["--lang", "sv"]);
    assert_eq!(code, Some(2));
    assert!(stderr.contains("da or en"), "{stderr}");
    let names: Vec<&str> = all["workspaces"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["name"].as_str().unwrap())
        .collect();
    assert!(names.contains(&"Aarhus Hovedbibliotek") && names.contains(&"Roskilde Bibliotekerne"));

    let (code, _, stderr) = replay(&data, &["--as-of", "yesterday"]);
    assert_eq!(code, Some(2));
    assert!(stderr.contains("neither a log position"), "{stderr}");
    let (code, _, stderr) = replay(&data, &["--workspace", "Odense"]);
    assert_eq!(code, Some(1));
    assert!(
        stderr.contains("no workspace `Odense`") && stderr.contains("Roskilde Bibliotekerne"),
        "{stderr}"
    );
}

fn create(name: &str) -> Command {
    Command::CreateWorkspace {
        name: name.into(),
        description: String::new(),
    }
}

fn register(id: Uuid, name: &str) -> Command {
    Command::RegisterOrganisation {
        organisation_id: id,
        name: name.into(),
        sector: Sector::CivilSociety,
        kind: "festival".into(),
        tags: vec![],
        topics: vec![],
        website: None,
        age_groups: vec![],
        rooms: vec![],
        level: Some(Level::Network),
        reason: "met at a conference".into(),
    }
}

async fn any_moment_by_position_or_time_and_the_difference_between_two(backend: Backend) {
    let data = TestLocation::on(backend).await;
    let running = Running::open_at(&data.location()).await;
    let workspace = Uuid::new_v4();
    let festival = Uuid::new_v4();
    let partnership = Uuid::new_v4();
    running.run(workspace, "anna", create("Roskilde")).await;
    let registered = running
        .run(workspace, "anna", register(festival, "Roskilde Festival"))
        .await;
    tokio::time::sleep(std::time::Duration::from_millis(30)).await;
    let between = chrono::Utc::now();
    tokio::time::sleep(std::time::Duration::from_millis(30)).await;
    running
        .run(
            workspace,
            "mads",
            Command::ChangeRelationLevel {
                organisation_id: festival,
                to: Some(Level::Collaboration),
                reason: "festival area".into(),
                occurred_on: None,
            },
        )
        .await;
    running
        .run(
            workspace,
            "mads",
            Command::ProposePartnership {
                partnership_id: partnership,
                title: "Festival area".into(),
                partner_ids: vec![festival],
                purpose: String::new(),
                form: PartnershipForm::Frame,
                goals: vec![],
                rooms: vec![],
                age_groups: vec![],
                owner_id: None,
            },
        )
        .await;
    running
        .run(
            workspace,
            "mads",
            Command::EndPartnership {
                partnership_id: partnership,
                reason: "the festival was cancelled".into(),
                ended_on: None,
            },
        )
        .await;
    let store = running.store.as_ref();

    let by_position = running
        .projections
        .state_as_of(store, workspace, AsOf::Position(registered.last_position))
        .await
        .unwrap();
    assert_eq!(
        by_position.state.organisations[&festival].level,
        Some(Level::Network)
    );
    assert!(by_position.state.partnerships.is_empty());
    let by_time = running
        .projections
        .state_as_of(store, workspace, AsOf::Time(between))
        .await
        .unwrap();
    assert_eq!(
        by_time.state, by_position.state,
        "the moment between is the same state"
    );
    let now = running
        .projections
        .state_as_of(store, workspace, AsOf::Position(store.head_position()))
        .await
        .unwrap();
    assert_eq!(
        now.state.organisations[&festival].level,
        Some(Level::Collaboration)
    );
    let live = running
        .projections
        .read(workspace, |view| view.state.clone())
        .unwrap();
    assert_eq!(now.state, live);
    let before_anything = running
        .projections
        .state_as_of(
            store,
            workspace,
            AsOf::Time(chrono::Utc::now() - chrono::Duration::days(1)),
        )
        .await
        .unwrap();
    assert!(!before_anything.state.created);

    let changes = diff(&by_time.state, &now.state);
    assert_eq!(changes.level_moves.len(), 1);
    assert_eq!(changes.level_moves[0].from, Some(Level::Network));
    assert_eq!(changes.level_moves[0].to, Some(Level::Collaboration));
    assert_eq!(changes.partnerships_appeared.len(), 1);
    assert_eq!(
        changes.partnerships_ended[0].1,
        "the festival was cancelled"
    );
    assert!(changes.organisations_appeared.is_empty());
    running.close().await;

    // The same through the command line, as an auditor would ask.
    let (code, stdout, stderr) = replay(
        &data,
        &[
            "--as-of",
            &registered.last_position.to_string(),
            "--since",
            "1",
        ],
    );
    assert_eq!(code, Some(0), "{stderr}");
    let output: Value = serde_json::from_str(&stdout).unwrap();
    let workspace_report = &output["workspaces"][0];
    assert_eq!(workspace_report["position"], registered.last_position);
    assert_eq!(
        workspace_report["changes_since"]["organisations_appeared"][0]["name"],
        "Roskilde Festival"
    );
    let (code, stdout, _) = replay(&data, &["--as-of", &between.to_rfc3339()]);
    assert_eq!(code, Some(0));
    let output: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(
        output["workspaces"][0]["position"],
        registered.last_position
    );
}

async fn snapshots_give_the_same_state_as_a_replay_from_the_start(backend: Backend) {
    let data = TestLocation::on(backend).await;
    let running = Running::open_at(&data.location()).await;
    let workspace = Uuid::new_v4();
    let board = Uuid::new_v4();
    running.run(workspace, "anna", create("Aarhus")).await;
    running
        .run(
            workspace,
            "anna",
            Command::CreateBoard {
                board_id: board,
                title: "Staff day".into(),
                template: BoardTemplate::Free,
                vote_budget: None,
            },
        )
        .await;
    let total = partnerhub::projection::projector::SNAPSHOT_EVERY as usize * 2 + 150;
    let mut positions = Vec::new();
    for index in 0..total {
        let outcome = running
            .run(
                workspace,
                "anna",
                Command::AddNote {
                    board_id: board,
                    note_id: Uuid::new_v4(),
                    text: format!("idea {index}"),
                    zone: Zone {
                        label: Some(format!("cluster {}", index % 7)),
                        ..Zone::default()
                    },
                    x: index as i32,
                    y: 0,
                    colour: None,
                },
            )
            .await;
        positions.push(outcome.last_position);
    }
    let store = running.store.as_ref();
    // The notes are versions 3 onwards: positions[index] is version index + 3. Snapshots are
    // taken at versions 500 and 1000; ask at, just before and just after each.
    let every = partnerhub::projection::projector::SNAPSHOT_EVERY as usize;
    let mut indexes = vec![10, total / 2, total - 160, total - 1];
    for boundary in [every, 2 * every] {
        indexes.extend([boundary - 4, boundary - 3, boundary - 2]);
    }
    for index in indexes {
        let position = positions[index];
        let recorded_at = store.read_all(position, 1).await.unwrap()[0]
            .metadata
            .recorded_at;
        for moment in [AsOf::Position(position), AsOf::Time(recorded_at)] {
            let with_snapshot = running
                .projections
                .state_as_of(store, workspace, moment)
                .await
                .unwrap();
            let from_scratch = replay_stream(store, workspace, None, moment).await.unwrap();
            assert_eq!(
                with_snapshot.state,
                from_scratch.state,
                "as of {moment:?} (version {})",
                index + 3
            );
            if let AsOf::Position(_) = moment {
                assert_eq!(with_snapshot.state.position, position);
            }
        }
    }
    running.close().await;
}

async fn projections_after_a_restart_equal_those_before(backend: Backend) {
    let data = TestLocation::on(backend).await;
    let today = NaiveDate::from_ymd_opt(2026, 11, 24).unwrap();
    let running = Running::open_at(&data.location()).await;
    partnerhub::demo::load_demo(&running.workspaces)
        .await
        .unwrap();
    let roskilde = partnerhub::demo::roskilde_workspace_id();
    let aarhus = partnerhub::demo::aarhus_workspace_id();
    let before = (
        running.report_json(roskilde, today).await,
        running.report_json(aarhus, today).await,
    );
    running.close().await;

    let restarted = Running::open_at(&data.location()).await;
    let after = (
        restarted.report_json(roskilde, today).await,
        restarted.report_json(aarhus, today).await,
    );
    assert_eq!(before, after);
    // The restarted service continues where the log ends.
    let outcome = restarted
        .run(
            roskilde,
            "jens@roskilde",
            register(Uuid::new_v4(), "Roskilde Kommune"),
        )
        .await;
    assert!(outcome.first_position > before.0["position"].as_u64().unwrap());
    restarted.close().await;
}

/// The demo tells its story in time: its events carry the days of the story (2023 onwards),
/// so the network "as of" a day in 2023 is smaller than today's; the log's times never go
/// back; and the workspace keeps working from now on.
async fn the_demo_happens_over_the_years_of_its_story(backend: Backend) {
    let data = TestLocation::on(backend).await;
    let running = Running::open_at(&data.location()).await;
    partnerhub::demo::load_demo(&running.workspaces)
        .await
        .unwrap();
    let events = running.store.read_all(1, 100_000).await.unwrap();
    assert!(events.len() > 50, "{} events", events.len());
    let times: Vec<_> = events.iter().map(|e| e.metadata.recorded_at).collect();
    assert!(
        times.windows(2).all(|pair| pair[0] <= pair[1]),
        "the log's times go back somewhere"
    );
    let first = times[0];
    let last = times[times.len() - 1];
    assert_eq!(
        first.date_naive(),
        NaiveDate::from_ymd_opt(2023, 1, 9).unwrap()
    );
    assert!(last <= chrono::Utc::now());
    let years: std::collections::BTreeSet<i32> = times.iter().map(chrono::Datelike::year).collect();
    assert!(
        years.contains(&2023) && years.contains(&2024) && years.contains(&2025),
        "{years:?}"
    );

    let roskilde = partnerhub::demo::roskilde_workspace_id();
    let count = |report: &Value, field: &str| report[field].as_object().unwrap().len();
    let as_of = |moment: &str| {
        let moment = AsOf::parse(moment).unwrap();
        let running = &running;
        async move {
            partnerhub::projection::report::report_as_of(
                &running.projections,
                running.store.as_ref(),
                running.workspaces.keys(),
                roskilde,
                moment,
                None,
                partnerhub::projection::report::Reading {
                    reader: None,
                    language: partnerhub::domain::describe::Language::English,
                },
            )
            .await
            .unwrap()
            .unwrap()
        }
    };
    let mid_2023 = as_of("2023-06-30T12:00:00Z").await;
    let now = as_of(&chrono::Utc::now().to_rfc3339()).await;
    // Mid 2023: the festival and the unions are known, the Rockmuseum since May; no
    // partnership yet, and only the festival has moved up the circle.
    assert_eq!(count(&mid_2023, "organisations"), 3);
    assert!(count(&now, "organisations") > count(&mid_2023, "organisations"));
    assert_eq!(count(&mid_2023, "partnerships"), 0);
    assert_eq!(count(&now, "partnerships"), 3);
    let relations = |report: &Value| report["network"]["edges"].as_array().map_or(0, Vec::len);
    assert!(
        relations(&mid_2023) < relations(&now),
        "{} relations then, {} now",
        relations(&mid_2023),
        relations(&now)
    );
    let (_, festival) = find(&mid_2023["organisations"], "name", "Roskilde Festival");
    assert_eq!(festival["level"], "collaboration");
    // Overdue evaluations are measured against the moment: in mid 2023 none is due yet.
    assert_eq!(mid_2023["today"], "2023-06-30");
    // Before the story began the workspace did not exist yet.
    assert_eq!(as_of("2022-12-31T00:00:00Z").await["version"], 0);

    // Loading again appends nothing; new work is recorded now, after the story.
    let again = partnerhub::demo::load_demo(&running.workspaces)
        .await
        .unwrap();
    assert_eq!(again.already_loaded, again.commands);
    let outcome = running
        .run(
            roskilde,
            "jens@roskilde",
            register(Uuid::new_v4(), "Roskilde Kommune"),
        )
        .await;
    let newest = running
        .store
        .read_all(outcome.first_position, 1)
        .await
        .unwrap();
    assert!(newest[0].metadata.recorded_at >= last);
    assert!(chrono::Utc::now() - newest[0].metadata.recorded_at < chrono::Duration::minutes(5));
    running.close().await;
}

on_every_backend!(
    the_demo_happens_over_the_years_of_its_story,
    replay_of_the_demo_shows_the_guides_examples_and_their_history,
    any_moment_by_position_or_time_and_the_difference_between_two,
    snapshots_give_the_same_state_as_a_replay_from_the_start,
    projections_after_a_restart_equal_those_before,
);
