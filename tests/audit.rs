//! The auditor's server side: the log's chain verified on request, the audit trail of a
//! workspace or one entity as CSV (who, when, what, why and the hash, in Danish or English),
//! and the compare mode of "as of ... since" (levels moved, endings, gaps, the grid cell by
//! cell and the figures before and after). Each test runs on sled and on PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a panic is how a test reports failure

mod common;

use common::{on_every_backend, Backend, TestServer};
use serde_json::{json, Value};
use uuid::Uuid;

fn register(id: Uuid, name: &str, reason: &str) -> Value {
    json!({"type": "RegisterOrganisation", "organisation_id": id, "name": name, "sector": "public",
           "level": "network", "reason": reason})
}

/// The CSV's records, without the byte order mark, split into fields (quoted fields may hold
/// separators and doubled quotes).
fn csv_lines(body: &Value) -> Vec<Vec<String>> {
    let text = body.as_str().expect("a CSV text");
    assert!(text.starts_with('\u{feff}'), "a byte order mark first");
    let mut records = Vec::new();
    let (mut record, mut field, mut quoted) = (Vec::new(), String::new(), false);
    let mut chars = text.trim_start_matches('\u{feff}').chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            ('"', _) => quoted = !quoted,
            (',', false) => record.push(std::mem::take(&mut field)),
            ('\r', false) => {}
            ('\n', false) => {
                record.push(std::mem::take(&mut field));
                records.push(std::mem::take(&mut record));
            }
            (c, _) => field.push(c),
        }
    }
    records
}

async fn the_chain_is_verified_and_the_trail_exported_as_csv(backend: Backend) {
    let server = TestServer::start_on(backend).await;
    let workspace = server.workspace_id;
    let museum = Uuid::new_v4();
    let (status, body) = server
        .command(
            &server.owner,
            register(museum, "Rockmuseet", "met at the opening"),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = server
        .command(
            &server.owner,
            json!({"type": "ChangeRelationLevel", "organisation_id": museum, "to": "collaboration",
                   "reason": "a library offer in the museum"}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let other = Uuid::new_v4();
    let (status, _) = server
        .command(
            &server.owner,
            register(other, "Gymnasiet", "a teacher asked"),
        )
        .await;
    assert_eq!(status, 200);

    // The chain: whole, every event of the log counted, the head's hash.
    let verify = format!("/api/workspaces/{workspace}/verify");
    let (status, verified) = server.get(&server.owner, &verify).await;
    assert_eq!(status, 200, "{verified}");
    assert_eq!(verified["ok"], true);
    let head = server.state.store.head_position();
    assert_eq!(verified["events"], head);
    let last = server.state.store.read_all(head, 1).await.unwrap();
    assert_eq!(verified["head_hash"], last[0].hash.to_hex());
    assert!(verified.get("broken").is_none());
    // Owners and auditors verify; an editor or viewer may not.
    let auditor = server.member("revisor@test", "auditor").await;
    let (status, _) = server.get(&auditor, &verify).await;
    assert_eq!(status, 200);
    let editor = server.member("anna@test", "editor").await;
    let (status, refused) = server.get(&editor, &verify).await;
    assert_eq!(status, 403, "{refused}");

    // The workspace's trail, in Danish by default: one row per event, with why and the hash.
    let (status, trail) = server
        .get(&auditor, &format!("/api/workspaces/{workspace}/audit.csv"))
        .await;
    assert_eq!(status, 200, "{trail}");
    let lines = csv_lines(&trail);
    assert_eq!(
        lines[0],
        [
            "position",
            "tidspunkt",
            "hvem",
            "hændelse",
            "hændelsestype",
            "hvad skete",
            "begrundelse",
            "hash"
        ]
    );
    let (_, log) = server
        .get(
            &server.owner,
            &format!("/api/workspaces/{workspace}/log?limit=1000"),
        )
        .await;
    let events = log["events"].as_array().unwrap();
    assert_eq!(lines.len() - 1, events.len(), "{lines:?}");
    let moved = lines
        .iter()
        .find(|line| {
            line[4] == "RelationLevelChanged" && line[6] == "a library offer in the museum"
        })
        .unwrap_or_else(|| panic!("the level change with its reason: {lines:?}"));
    assert_eq!(moved[2], "owner@test");
    assert_eq!(moved[3], "Flyttet i netværkscirklen");
    assert_eq!(
        moved[5],
        "owner@test flyttede Rockmuseet fra netværk til samarbejde: a library offer in the museum"
    );
    let logged = events
        .iter()
        .find(|event| Some(event["position"].as_u64().unwrap()) == moved[0].parse().ok())
        .unwrap();
    assert_eq!(logged["hash"], moved[7].as_str());
    assert_eq!(logged["event_type"], "RelationLevelChanged");

    // One entity's trail in English: only the museum's events.
    let (status, trail) = server
        .get(
            &server.owner,
            &format!("/api/workspaces/{workspace}/audit.csv?entity={museum}&lang=en"),
        )
        .await;
    assert_eq!(status, 200);
    let lines = csv_lines(&trail);
    assert_eq!(lines[0][1], "time");
    assert_eq!(lines[0][6], "reason");
    let kinds: Vec<&str> = lines[1..].iter().map(|line| line[4].as_str()).collect();
    assert_eq!(
        kinds,
        [
            "OrganisationRegistered",
            "RelationLevelChanged",
            "RelationLevelChanged"
        ]
    );
    assert!(lines[1..].iter().all(|line| !line[5].contains("Gymnasiet")));
    assert_eq!(lines[1][3], "Organisation registered");
    assert_eq!(
        lines[3][5],
        "owner@test moved Rockmuseet from network to collaboration: a library offer in the museum"
    );
    // Registered at a level: the reason goes with the level.
    assert_eq!(lines[2][6], "met at the opening");

    // Bad input is said in words; a viewer may not read the history.
    let (status, refused) = server
        .get(
            &server.owner,
            &format!("/api/workspaces/{workspace}/audit.csv?lang=sv"),
        )
        .await;
    assert_eq!(status, 400);
    assert_eq!(refused["code"], "invalid_query");
    assert!(refused["message"].as_str().unwrap().contains("da or en"));
    let viewer = server.member("viewer@test", "viewer").await;
    let (status, _) = server
        .get(&viewer, &format!("/api/workspaces/{workspace}/audit.csv"))
        .await;
    assert_eq!(status, 403);
    server.stop().await;
}

/// The sentences of an entity's timeline (`GET .../timeline?entity=&lang=`).
async fn sentences(server: &TestServer, entity: Uuid, lang: &str) -> (u16, Value) {
    let workspace = server.workspace_id;
    server
        .get(
            &server.owner,
            &format!("/api/workspaces/{workspace}/timeline?entity={entity}{lang}"),
        )
        .await
}

async fn the_timeline_speaks_the_readers_language(backend: Backend) {
    let server = TestServer::start_on(backend).await;
    let workspace = server.workspace_id;
    let museum = Uuid::new_v4();
    let (status, body) = server
        .command(
            &server.owner,
            register(museum, "Rockmuseet", "met at the opening"),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = server
        .command(
            &server.owner,
            json!({"type": "ProposePartnership", "partnership_id": Uuid::new_v4(),
            "title": "Musik for unge", "form": {"kind": "frame"}, "partner_ids": [museum],
            "goals": ["engagement"], "rooms": ["performative"]}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let summaries = |timeline: &Value| -> Vec<String> {
        timeline
            .as_array()
            .unwrap()
            .iter()
            .map(|line| line["summary"].as_str().unwrap().to_owned())
            .collect()
    };
    // Danish by default and with `lang=da`; English with `lang=en`: the same events.
    let (status, default) = sentences(&server, museum, "").await;
    assert_eq!(status, 200, "{default}");
    let (_, danish) = sentences(&server, museum, "&lang=da").await;
    let (_, english) = sentences(&server, museum, "&lang=en").await;
    assert_eq!(summaries(&default), summaries(&danish));
    assert_eq!(
        summaries(&danish),
        [
            "owner@test registrerede Rockmuseet (offentlig) i netværksdatabasen",
            "owner@test placerede Rockmuseet på netværkscirklen som netværk: met at the opening",
            "owner@test foreslog partnerskabet \"Musik for unge\" med Rockmuseet",
        ]
    );
    assert_eq!(
        summaries(&english),
        [
            "owner@test registered Rockmuseet (public) in the network database",
            "owner@test placed Rockmuseet at network: met at the opening",
            "owner@test proposed the partnership \"Musik for unge\" with Rockmuseet",
        ]
    );
    assert_eq!(danish[1]["event_type"], english[1]["event_type"]);
    // "As of" says its timeline in the language asked for too.
    let head = server.state.store.head_position();
    let (status, report) = server
        .get(
            &server.owner,
            &format!("/api/workspaces/{workspace}/as-of?at={head}&lang=en"),
        )
        .await;
    assert_eq!(status, 200, "{report}");
    assert!(
        report["timeline"]
            .to_string()
            .contains("proposed the partnership"),
        "{report}"
    );
    // Another language is refused in words.
    let (status, refused) = sentences(&server, museum, "&lang=sv").await;
    assert_eq!(status, 400, "{refused}");
    assert_eq!(refused["code"], "invalid_query");
    assert!(refused["message"].as_str().unwrap().contains("da or en"));
    server.stop().await;
}

/// The demo's timeline keeps its sentences in at most two thirds of the bytes of their
/// English text (what an entry held before sentences were recorded language-neutral; 6,254
/// against 10,562 bytes when this was written).
async fn a_recorded_sentence_is_smaller_than_its_text(backend: Backend) {
    use partnerhub::domain::describe::Language;
    let server = TestServer::start_on(backend).await;
    partnerhub::demo::load_demo(&server.state.workspaces)
        .await
        .unwrap();
    let roskilde = partnerhub::demo::roskilde_workspace_id();
    let (recorded, english, entries) = server
        .state
        .projections
        .read(roskilde, |view| {
            let entries = view.timeline.about(roskilde);
            let recorded: usize = entries
                .iter()
                .map(|entry| entry.sentence.parts().1.len())
                .sum();
            let english: usize = entries
                .iter()
                .map(|entry| entry.line(Language::English).summary.len())
                .sum();
            (recorded, english, entries.len())
        })
        .unwrap();
    eprintln!("{entries} entries: {recorded} bytes recorded, {english} bytes of English sentences");
    assert!(entries > 50, "{entries}");
    assert!(recorded * 3 < english * 2, "{recorded} of {english}");
    server.stop().await;
}

async fn compare_shows_levels_endings_gaps_grid_and_figures(backend: Backend) {
    let server = TestServer::start_on(backend).await;
    let workspace = server.workspace_id;
    let festival = Uuid::new_v4();
    let unions = Uuid::new_v4();
    for (id, name) in [(festival, "Festivalen"), (unions, "Fagbevægelsen")] {
        let (status, body) = server
            .command(&server.owner, register(id, name, "known"))
            .await;
        assert_eq!(status, 200, "{body}");
    }
    let teaching = Uuid::new_v4();
    let (status, body) = server
        .command(
            &server.owner,
            json!({"type": "ProposePartnership", "partnership_id": teaching,
            "title": "IT-undervisning", "form": {"kind": "frame"}, "partner_ids": [unions],
            "goals": ["empowerment"], "rooms": ["learning"]}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let before = body["last_position"].as_u64().unwrap();

    // Afterwards: the festival moves up, a partnership in the inspiration room for
    // experience starts, IT teaching ends, a new organisation appears.
    let area = Uuid::new_v4();
    for command in [
        json!({"type": "ChangeRelationLevel", "organisation_id": festival, "to": "partnership", "reason": "yearly frame"}),
        json!({"type": "ProposePartnership", "partnership_id": area, "title": "Festivalområdet",
               "form": {"kind": "frame"}, "partner_ids": [festival], "goals": ["experience"], "rooms": ["inspiration"]}),
        json!({"type": "EndPartnership", "partnership_id": teaching, "reason": "the unions took it over"}),
        register(Uuid::new_v4(), "Gymnasiet", "the workshop"),
    ] {
        let (status, body) = server.command(&server.owner, command).await;
        assert_eq!(status, 200, "{body}");
    }
    let after = server.state.store.head_position();

    let (status, report) = server
        .get(
            &server.owner,
            &format!("/api/workspaces/{workspace}/as-of?at={after}&since={before}"),
        )
        .await;
    assert_eq!(status, 200, "{report}");
    let changes = &report["changes_since"];
    // Entities, as before.
    assert_eq!(changes["organisations_appeared"][0]["name"], "Gymnasiet");
    let festival_move = changes["level_moves"]
        .as_array()
        .unwrap()
        .iter()
        .find(|level_move| level_move["organisation"]["name"] == "Festivalen")
        .unwrap();
    assert_eq!(festival_move["from"], "network");
    assert_eq!(festival_move["to"], "partnership");
    assert_eq!(
        changes["partnerships_ended"][0][0]["name"],
        "IT-undervisning"
    );
    assert_eq!(
        changes["partnerships_ended"][0][1],
        "the unions took it over"
    );
    // The grid, every cell, before and after.
    let grid = changes["grid"].as_array().unwrap();
    assert_eq!(grid.len(), 16);
    let cell = |room: &str, goal: &str| {
        let cell = grid
            .iter()
            .find(|cell| cell["room"] == room && cell["goal"] == goal)
            .unwrap();
        (
            cell["before"].as_u64().unwrap(),
            cell["after"].as_u64().unwrap(),
        )
    };
    assert_eq!(cell("learning", "empowerment"), (1, 0));
    assert_eq!(cell("inspiration", "experience"), (0, 1));
    assert_eq!(cell("meeting", "engagement"), (0, 0));
    // Gaps: the learning room and empowerment open up, inspiration and experience close.
    let areas = |field: &str| -> Vec<Value> {
        changes[field]
            .as_array()
            .unwrap()
            .iter()
            .map(|gap| gap["area"].clone())
            .collect()
    };
    assert!(areas("gaps_opened").contains(&json!({"kind": "room", "room": "learning"})));
    assert!(areas("gaps_opened").contains(&json!({"kind": "goal", "goal": "empowerment"})));
    assert!(areas("gaps_closed").contains(&json!({"kind": "room", "room": "inspiration"})));
    assert!(areas("gaps_closed").contains(&json!({"kind": "goal", "goal": "experience"})));
    // The figures.
    let figures = &changes["figures"];
    assert_eq!(figures["before"]["organisations"], 2);
    assert_eq!(figures["after"]["organisations"], 3);
    assert_eq!(figures["before"]["counts_per_level"]["partnership"], 0);
    assert_eq!(figures["after"]["counts_per_level"]["partnership"], 1);
    assert_eq!(figures["before"]["active_partnerships"], 1);
    assert_eq!(figures["after"]["active_partnerships"], 1);
    assert_eq!(figures["after"]["ended_partnerships"], 1);
    assert!(
        figures["after"]["node_count"].as_u64().unwrap()
            > figures["before"]["node_count"].as_u64().unwrap()
    );
    server.stop().await;
}

on_every_backend!(
    the_chain_is_verified_and_the_trail_exported_as_csv,
    the_timeline_speaks_the_readers_language,
    a_recorded_sentence_is_smaller_than_its_text,
    compare_shows_levels_endings_gaps_grid_and_figures,
);

/// An event changed behind the server's back (its row edited in PostgreSQL, as someone with
/// access to the database could): `GET .../verify` answers 200 with `ok: false`, the events
/// verified before the break, no head hash, and the sentence naming where and how it breaks;
/// the events before it are untouched, so the count says where to look. PostgreSQL only: a
/// running sled store has no second writer to damage it with (tests/corruption.rs damages
/// sled's files between runs, where `verify` and `serve` refuse them).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_changed_event_is_reported_by_verify_as_a_broken_chain() {
    if Backend::Postgres.skipped() {
        println!("skipped: PARTNERHUB_TEST_POSTGRES=skip");
        return;
    }
    let Some(server) = TestServer::start_on_postgres().await else {
        return;
    };
    let workspace = server.workspace_id;
    let museum = Uuid::new_v4();
    for (id, name, reason) in [
        (museum, "Rockmuseet", "met at the opening"),
        (Uuid::new_v4(), "Gymnasiet", "a teacher asked"),
    ] {
        let (status, body) = server
            .command(&server.owner, register(id, name, reason))
            .await;
        assert_eq!(status, 200, "{body}");
    }
    let verify = format!("/api/workspaces/{workspace}/verify");
    let (status, whole) = server.get(&server.owner, &verify).await;
    assert_eq!(status, 200, "{whole}");
    assert_eq!(whole["ok"], true);

    // The museum's registration: its reason rewritten in the stored bytes.
    let head = server.state.store.head_position();
    let events = server.state.store.read_all(1, head as usize).await.unwrap();
    let changed = events
        .iter()
        .find(|event| event.payload.to_string().contains("met at the opening"))
        .expect("the museum's registration is in the log")
        .position;
    let schema = server.schema.as_ref().expect("a server on PostgreSQL");
    let (client, connection) = common::postgres::raw_client(&schema.url()).await;
    let rows = client
        .execute(
            "UPDATE events SET bytes = convert_to(replace(convert_from(bytes, 'UTF8'), \
             'met at the opening', 'met at the closing'), 'UTF8') WHERE position = $1",
            &[&i64::try_from(changed).unwrap()],
        )
        .await
        .unwrap();
    assert_eq!(rows, 1);
    drop(client);
    connection.abort();

    let (status, broken) = server.get(&server.owner, &verify).await;
    assert_eq!(status, 200, "{broken}");
    assert_eq!(broken["ok"], false, "{broken}");
    assert_eq!(broken["events"], changed - 1, "{broken}");
    assert!(broken.get("head_hash").is_none(), "{broken}");
    let said = broken["broken"].as_str().unwrap();
    assert!(
        said.starts_with(&format!("position {changed}: the event's contents hash to")),
        "{said}"
    );
    assert!(
        said.contains("the event was changed after it was written"),
        "{said}"
    );
    server.stop().await;
}
