//! The partnership file's server side: agreements edited by colleagues at once (concurrent
//! editing is per section, a conflict shows the current text beside the caller's, any two
//! versions compare word by word) and the screening questions in words.
//! Each test runs on sled and on PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a panic is how a test reports failure

mod common;

use common::{on_every_backend, Backend, TestServer};
use serde_json::{json, Value};
use uuid::Uuid;

fn amend(partnership: Uuid, expected_version: u32, section: &str, text: &str) -> Value {
    json!({"type": "AmendAgreement", "partnership_id": partnership, "expected_version": expected_version, "sections": {section: text}})
}

async fn colleagues_edit_sections_at_once_and_compare_versions(backend: Backend) {
    let server = TestServer::start_on(backend).await;
    let anna = server.member("anna@test", "editor").await;
    let partnership = Uuid::new_v4();
    let (status, body) = server
        .command(&server.owner, json!({"type": "ProposePartnership", "partnership_id": partnership, "title": "Festival", "form": {"kind": "frame"}}))
        .await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = server
        .command(
            &server.owner,
            amend(partnership, 0, "purpose", "Reading at the festival"),
        )
        .await;
    assert_eq!(status, 200, "{body}");

    // Both read version 1; the owner changes the purpose, Anna the exit: both are saved.
    let (status, body) = server
        .command(
            &server.owner,
            amend(
                partnership,
                1,
                "purpose",
                "Reading and music at the summer festival",
            ),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = server
        .command(&anna, amend(partnership, 1, "exit", "One month's notice"))
        .await;
    assert_eq!(status, 200, "different sections do not conflict: {body}");

    // Anna, still on version 1, changes the purpose too: a conflict with both texts.
    let (status, conflict) = server
        .command(
            &anna,
            amend(partnership, 1, "purpose", "Poetry at the festival"),
        )
        .await;
    assert_eq!(status, 409, "{conflict}");
    assert_eq!(conflict["code"], "version_conflict");
    assert_eq!(conflict["details"]["actual"], 3);
    assert_eq!(
        conflict["details"]["conflicts"],
        json!([{
            "section": "purpose",
            "current": "Reading and music at the summer festival",
            "yours": "Poetry at the festival",
            "changed_in": 2,
        }])
    );
    let message = conflict["message"].as_str().unwrap();
    assert!(message.contains("amend again from version 3"), "{message}");

    let file_path = format!(
        "/api/workspaces/{}/partnerships/{partnership}",
        server.workspace_id
    );
    let (_, file) = server.get(&server.owner, &file_path).await;
    assert_eq!(file["agreement"]["version"], 3);
    assert_eq!(file["agreement"]["sections"]["exit"], "One month's notice");
    let versions = file["agreement"]["versions"].as_array().unwrap();
    assert_eq!(versions.len(), 3);
    assert_eq!(versions[2]["actor"], "anna@test");

    // Versions 1 and 3 side by side: the purpose's added words, the new exit.
    let (status, diff) = server
        .get(
            &anna,
            &format!("{file_path}/agreement/diff?from_version=1&to_version=3"),
        )
        .await;
    assert_eq!(status, 200, "{diff}");
    let sections = diff["sections"].as_array().unwrap();
    assert_eq!(sections.len(), 2, "{diff}");
    assert_eq!(sections[0]["section"], "purpose");
    let added: String = sections[0]["words"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|run| run["change"] == "added")
        .map(|run| run["text"].as_str().unwrap())
        .collect();
    assert_eq!(
        added.split_whitespace().collect::<Vec<_>>(),
        ["and", "music", "summer"]
    );
    assert_eq!(sections[1]["section"], "exit");
    assert!(sections[1]["from_text"].is_null());

    let (status, missing) = server
        .get(
            &anna,
            &format!("{file_path}/agreement/diff?from_version=1&to_version=9"),
        )
        .await;
    assert_eq!(status, 404, "{missing}");
    assert_eq!(missing["code"], "no_such_version");
    let (status, bad) = server
        .get(&anna, &format!("{file_path}/agreement/diff?from_version=x"))
        .await;
    assert_eq!(status, 400, "{bad}");
    server.stop().await;
}

/// The screening form's questions come from the server, in Danish and English, numbered as
/// screening answers name them; no login needed (they are the method, not a workspace's data).
async fn the_method_serves_the_screening_questions_in_both_languages(backend: Backend) {
    let server = TestServer::start_on(backend).await;
    let (status, method) = server.get("", "/api/method").await;
    assert_eq!(status, 200, "{method}");
    let questions = method["screening_questions"].as_array().unwrap();
    assert_eq!(questions.len(), 14);
    assert_eq!(questions[0]["number"], 1);
    assert_eq!(
        questions[0]["en"],
        "Does it support our mission and vision?"
    );
    assert_eq!(
        questions[0]["da"],
        "Understøtter det bibliotekets mission og vision?"
    );
    assert_eq!(questions[13]["number"], 14);
    assert_eq!(questions[13]["da"], "Er det muligt at finansiere?");
    for question in questions {
        assert!(
            question["da"].as_str().unwrap().ends_with('?'),
            "{question}"
        );
        assert_ne!(question["da"], question["en"]);
    }
    server.stop().await;
}

/// A partnership screened again keeps its earlier screenings in its file, oldest first, with
/// their answers, notes and decisions.
async fn earlier_screenings_stay_in_the_file(backend: Backend) {
    let server = TestServer::start_on(backend).await;
    let partnership = Uuid::new_v4();
    let (status, body) = server
        .command(&server.owner, json!({"type": "ProposePartnership", "partnership_id": partnership, "title": "Homework café", "form": {"kind": "frame"}}))
        .await;
    assert_eq!(status, 200, "{body}");
    let screen = |answer: &str, decision: &str, note: &str| {
        let answers: Vec<Value> = (1..=14)
            .map(|question| json!({"question": question, "answer": answer, "note": format!("{note} {question}")}))
            .collect();
        json!({"type": "ScreenPartnership", "partnership_id": partnership, "answers": answers, "decision": decision, "decision_note": note})
    };
    for (answer, decision, note) in [
        ("partly", "postpone", "Wait for the budget"),
        ("yes", "go", "The budget is there"),
    ] {
        let (status, body) = server
            .command(&server.owner, screen(answer, decision, note))
            .await;
        assert_eq!(status, 200, "{body}");
    }

    let (status, file) = server
        .get(
            &server.owner,
            &format!(
                "/api/workspaces/{}/partnerships/{partnership}",
                server.workspace_id
            ),
        )
        .await;
    assert_eq!(status, 200, "{file}");
    assert_eq!(file["screening"]["decision"], "go");
    assert_eq!(file["screening"]["score"], 28);
    let earlier = file["earlier_screenings"].as_array().unwrap();
    assert_eq!(earlier.len(), 1, "{file}");
    assert_eq!(earlier[0]["decision"], "postpone");
    assert_eq!(earlier[0]["score"], 14);
    assert_eq!(earlier[0]["decision_note"], "Wait for the budget");
    assert_eq!(earlier[0]["answers"][2]["note"], "Wait for the budget 3");
    server.stop().await;
}

on_every_backend!(
    colleagues_edit_sections_at_once_and_compare_versions,
    the_method_serves_the_screening_questions_in_both_languages,
    earlier_screenings_stay_in_the_file
);
