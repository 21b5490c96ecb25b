//! Appends a few events to a store: `cargo run --example sample_log -- <data dir>`.
//! Useful to try `verify`, `export` and `import` before the demo workspace exists.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use partnerhub::store::{
    AppendRequest, CommandContext, EventStore, ExpectedVersion, NewEvent, SledEventStore,
};
use serde_json::json;
use uuid::Uuid;

#[tokio::main]
async fn main() {
    let directory = std::env::args()
        .nth(1)
        .expect("usage: sample_log <data dir>");
    let store = SledEventStore::open(std::path::Path::new(&directory)).expect("open the store");
    let festival = Uuid::new_v4();
    for (version, (kind, payload)) in [
        ("OrganisationRegistered", json!({"name": "Roskilde Festival", "sector": "civil_society", "note": "Ærø, 1.5 °C"})),
        ("RelationLevelChanged", json!({"from": "network", "to": "collaboration", "reason": "alternative festival area"})),
        ("RelationLevelChanged", json!({"from": "collaboration", "to": "partnership", "reason": "festival area agreed", "score": 12})),
    ]
    .into_iter()
    .enumerate()
    {
        let command_id = Uuid::new_v4();
        store
            .append(AppendRequest {
                stream_id: festival,
                expected_version: ExpectedVersion::Exact(version as u64),
                context: CommandContext {
                    workspace_id: Uuid::from_u128(1),
                    actor: "anna@roskilde".into(),
                    command_id,
                    correlation_id: command_id,
                },
                events: vec![NewEvent::new(kind, payload)],
            })
            .await
            .expect("append");
    }
    store.shutdown().await;
    println!("appended 3 events to {directory}");
}
