//! Helpers shared by the integration tests: temporary stores, requests and the binary.
#![allow(dead_code, unreachable_pub, clippy::unwrap_used)]

use std::sync::Arc;

use partnerhub::store::{
    AppendRequest, CommandContext, EventStore, ExpectedVersion, NewEvent, SledEventStore,
};
use serde_json::json;
use uuid::Uuid;

/// A sled store in a fresh temporary directory, removed when the guard drops.
pub struct TempStore {
    pub store: Arc<SledEventStore>,
    pub dir: tempfile::TempDir,
}

impl TempStore {
    pub fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let store = Arc::new(SledEventStore::open(dir.path()).unwrap());
        TempStore { store, dir }
    }

    pub fn dyn_store(&self) -> Arc<dyn EventStore> {
        self.store.clone()
    }

    /// Shuts the store down and opens the same directory again, as a restarted process would.
    pub async fn restarted(self) -> Self {
        let TempStore { store, dir } = self;
        store.shutdown().await;
        drop(store);
        let store = Arc::new(SledEventStore::open(dir.path()).unwrap());
        TempStore { store, dir }
    }
}

pub fn context(actor: &str) -> CommandContext {
    let command_id = Uuid::new_v4();
    CommandContext {
        workspace_id: Uuid::from_u128(7),
        actor: actor.into(),
        command_id,
        correlation_id: command_id,
    }
}

pub fn request(stream_id: Uuid, expected: ExpectedVersion, texts: &[&str]) -> AppendRequest {
    AppendRequest {
        stream_id,
        expected_version: expected,
        context: context("anna@roskilde"),
        events: texts
            .iter()
            .map(|text| NewEvent::new("NoteAdded", json!({"text": text, "zone": "learning"})))
            .collect(),
    }
}

/// Appends `count` single-event commands to fresh streams, in order.
pub async fn append_many(store: &dyn EventStore, count: usize) {
    for index in 0..count {
        store
            .append(request(
                Uuid::new_v4(),
                ExpectedVersion::NoStream,
                &[&format!("Partner {index}")],
            ))
            .await
            .unwrap();
    }
}

/// Path of the built `partnerhub` binary.
pub fn binary() -> std::path::PathBuf {
    std::path::PathBuf::from(env!("CARGO_BIN_EXE_partnerhub"))
}

/// A store with running projections and the command service, as the server wires them.
pub struct Running {
    pub store: Arc<SledEventStore>,
    pub projections: Arc<partnerhub::projection::Projections>,
    pub workspaces: partnerhub::service::Workspaces,
    projector: tokio::task::JoinHandle<()>,
}

impl Running {
    pub async fn open(path: &std::path::Path) -> Self {
        let store = Arc::new(SledEventStore::open(path).unwrap());
        let projections = partnerhub::projection::rebuild(store.as_ref(), &mut |_| {})
            .await
            .unwrap();
        let dyn_store: Arc<dyn EventStore> = store.clone();
        let projector =
            partnerhub::projection::spawn_projector(dyn_store.clone(), projections.clone());
        let workspaces = partnerhub::service::Workspaces::new(dyn_store, projections.clone());
        Running {
            store,
            projections,
            workspaces,
            projector,
        }
    }

    /// Runs a command as `actor`, panicking with the error if it is refused.
    pub async fn run(
        &self,
        workspace_id: Uuid,
        actor: &str,
        command: partnerhub::domain::Command,
    ) -> partnerhub::service::CommandOutcome {
        self.workspaces
            .execute(workspace_id, &command, actor, Uuid::new_v4())
            .await
            .unwrap_or_else(|error| panic!("{command:?} was refused: {error}"))
    }

    /// The report of a workspace as JSON, as `replay` prints it, for comparisons.
    pub fn report_json(&self, workspace_id: Uuid, today: chrono::NaiveDate) -> serde_json::Value {
        self.projections
            .read(workspace_id, |view| {
                serde_json::to_value(partnerhub::projection::report::workspace_report(
                    view, view, today,
                ))
                .unwrap()
            })
            .unwrap()
    }

    /// Shuts the store down and waits for the projector to let go of it, so the data
    /// directory can be opened again.
    pub async fn close(self) {
        self.store.shutdown().await;
        let Running {
            store,
            workspaces,
            projector,
            ..
        } = self;
        drop(workspaces);
        drop(store);
        projector.await.unwrap();
    }
}
