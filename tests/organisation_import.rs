//! Importing organisations from a spreadsheet's CSV over HTTP: the preview says per row what
//! the import would do (created, merged, unchanged, rejected with the reason) and writes
//! nothing; the command it carries imports every accepted row at once, or nothing. Each test
//! runs on sled and on PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a panic is how a test reports failure

mod common;

use common::{on_every_backend, Backend, TestServer};
use serde_json::{json, Value};
use uuid::Uuid;

/// A Danish spreadsheet's export: `;` separated, a byte order mark, CRLF, Danish headers and
/// words; rows 2 and 3 are new, row 4 is an organisation the workspace has, rows 5 to 7 are
/// wrong, and row 8 names row 2 again.
const SPREADSHEET: &str =
    "\u{feff}Navn;Sektor;Type;Emner;Aldersgrupper;Rum;Niveau;Kontaktperson\r\n\
Æblerød Børnehus;Offentlig;børnehave;\"højtlæsning; sprog\";småbørn;Læringsrum;Netværk;Åse\r\n\
\"Kulturforeningen \"\"Ø\"\"\";civilsamfund;forening;musik;unge, voksne;;samarbejde;\r\n\
Roskilde Festival;civil society;;camps;;performativt rum;;\r\n\
;offentlig;;;;;;\r\n\
Skolebiblioteket;;;;;;;\r\n\
Gymnasiet;offentlig;;;;;måske;\r\n\
æblerød børnehus;privat;;;;;;\r\n";

async fn preview_of(server: &TestServer, token: &str, csv: &str) -> (u16, Value) {
    server
        .post(
            token,
            &format!(
                "/api/workspaces/{}/organisation-import/preview",
                server.workspace_id
            ),
            json!({ "csv": csv }),
        )
        .await
}

async fn organisation_names(server: &TestServer) -> Vec<String> {
    let (status, organisations) = server
        .get(
            &server.owner,
            &format!("/api/workspaces/{}/organisations", server.workspace_id),
        )
        .await;
    assert_eq!(status, 200, "{organisations}");
    let mut names: Vec<String> = organisations
        .as_object()
        .unwrap()
        .values()
        .map(|organisation| organisation["name"].as_str().unwrap().to_owned())
        .collect();
    names.sort();
    names
}

async fn festival(server: &TestServer) -> Uuid {
    let festival = Uuid::new_v4();
    let (status, body) = server
        .command(&server.owner, json!({"type": "RegisterOrganisation", "organisation_id": festival, "name": "Roskilde Festival", "sector": "civil_society", "topics": ["frivillige"]}))
        .await;
    assert_eq!(status, 200, "{body}");
    festival
}

async fn the_preview_says_what_each_row_would_become_and_writes_nothing(backend: Backend) {
    let server = TestServer::start_on(backend).await;
    let festival = festival(&server).await;
    let before = organisation_names(&server).await;

    let (status, preview) = preview_of(&server, &server.owner, SPREADSHEET).await;

    assert_eq!(status, 200, "{preview}");
    assert_eq!(preview["separator"], ";");
    assert_eq!(preview["ignored_columns"], json!(["Kontaktperson"]));
    let rows = preview["rows"].as_array().unwrap();
    let summary: Vec<(u64, &str, &str, &str)> = rows
        .iter()
        .map(|row| {
            (
                row["line"].as_u64().unwrap(),
                row["name"].as_str().unwrap(),
                row["outcome"].as_str().unwrap(),
                row["problem"]["code"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(
        summary,
        vec![
            (2, "Æblerød Børnehus", "created", ""),
            (3, "Kulturforeningen \"Ø\"", "created", ""),
            (4, "Roskilde Festival", "merged", ""),
            (5, "", "rejected", "name_missing"),
            (6, "Skolebiblioteket", "rejected", "sector_missing"),
            (7, "Gymnasiet", "rejected", "unknown_value"),
            (8, "æblerød børnehus", "rejected", "duplicate_name"),
        ]
    );
    assert_eq!(rows[2]["organisation_id"], festival.to_string());
    assert_eq!(
        rows[5]["problem"]["message"],
        "the level column says \"måske\", which is none of network, collaboration, partnership"
    );
    assert_eq!(
        rows[5]["problem"]["details"],
        json!({"column": "level", "value": "måske"})
    );
    assert_eq!(rows[6]["problem"]["details"]["first_line"], 2);
    assert_eq!(
        preview["counts"],
        json!({"created": 2, "merged": 1, "unchanged": 0, "rejected": 4})
    );
    let command = &preview["command"];
    assert_eq!(command["type"], "ImportOrganisations");
    assert_eq!(command["rows"].as_array().unwrap().len(), 3);
    assert_eq!(
        command["rows"][0]["topics"],
        json!(["højtlæsning", "sprog"])
    );
    assert_eq!(command["rows"][0]["age_groups"], json!(["toddlers"]));
    assert_eq!(
        command["rows"][1]["age_groups"],
        json!(["young_adults", "adults"])
    );
    assert_eq!(
        organisation_names(&server).await,
        before,
        "a preview writes nothing"
    );

    // Confirming sends the preview's command: every accepted row at once.
    let (status, outcome) = server.command(&server.owner, command.clone()).await;
    assert_eq!(status, 200, "{outcome}");
    assert_eq!(
        organisation_names(&server).await,
        vec![
            "Kulturforeningen \"Ø\"".to_owned(),
            "Roskilde Festival".to_owned(),
            "Æblerød Børnehus".to_owned(),
        ]
    );
    let (_, merged) = server
        .get(
            &server.owner,
            &format!(
                "/api/workspaces/{}/organisations/{festival}",
                server.workspace_id
            ),
        )
        .await;
    assert_eq!(merged["topics"], json!(["frivillige", "camps"]));
    assert_eq!(merged["rooms"], json!(["performative"]));

    // The same file again: the created rows are there now, so they are unchanged.
    let (_, again) = preview_of(&server, &server.owner, SPREADSHEET).await;
    assert_eq!(
        again["counts"],
        json!({"created": 0, "merged": 0, "unchanged": 3, "rejected": 4})
    );
    assert!(again.get("command").is_none(), "{again}");
    server.stop().await;
}

async fn an_import_is_all_or_nothing(backend: Backend) {
    let server = TestServer::start_on(backend).await;
    let csv = "name,sector,website\nBørnehuset,public,https://b.dk\nSkolen,public,skolen.dk\n";
    let (status, preview) = preview_of(&server, &server.owner, csv).await;
    assert_eq!(status, 200, "{preview}");
    assert_eq!(preview["separator"], ",");
    assert_eq!(preview["rows"][1]["problem"]["code"], "invalid_field");
    assert_eq!(preview["rows"][1]["problem"]["details"]["field"], "website");

    // A command with the refused row is refused whole, naming the row.
    let mut command = preview["command"].clone();
    command["rows"]
        .as_array_mut()
        .unwrap()
        .push(json!({"organisation_id": Uuid::new_v4(), "name": "Skolen", "sector": "public", "website": "skolen.dk"}));
    let (status, refusal) = server.command(&server.owner, command).await;
    assert_eq!(status, 422, "{refusal}");
    assert_eq!(refusal["code"], "import_row_refused");
    assert_eq!(refusal["details"]["row"], 2);
    assert_eq!(refusal["details"]["problem"], "invalid_field");
    assert!(
        organisation_names(&server).await.is_empty(),
        "nothing was imported"
    );
    server.stop().await;
}

async fn unreadable_files_and_roles_get_their_specific_errors(backend: Backend) {
    let server = TestServer::start_on(backend).await;
    let (status, body) = preview_of(&server, &server.owner, "navn;emner\nBørnehuset;leg\n").await;
    assert_eq!(
        (status, body["code"].as_str()),
        (400, Some("csv_columns_missing")),
        "{body}"
    );
    assert_eq!(body["details"]["missing"], json!(["sector"]));
    let (status, body) =
        preview_of(&server, &server.owner, "name,sector\n\"Børnehuset,public\n").await;
    assert_eq!(
        (status, body["code"].as_str()),
        (400, Some("csv_unreadable")),
        "{body}"
    );
    let viewer = server.member("viewer@test", "viewer").await;
    let (status, body) = preview_of(&server, &viewer, "name,sector\nA,public\n").await;
    assert_eq!(
        (status, body["code"].as_str()),
        (403, Some("forbidden")),
        "{body}"
    );
    server.stop().await;
}

on_every_backend!(
    the_preview_says_what_each_row_would_become_and_writes_nothing,
    an_import_is_all_or_nothing,
    unreadable_files_and_roles_get_their_specific_errors,
);
