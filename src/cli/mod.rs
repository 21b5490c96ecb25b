//! The subcommands of the `partnerhub` command line, one module each, and what they share:
//! opening the store, rebuilding the views with a progress bar, finding a workspace by id or
//! name. `main.rs` parses the arguments and calls one of them; each returns the exit code.

pub(crate) mod backup;
pub(crate) mod demo;
pub(crate) mod export;
pub(crate) mod import;
pub(crate) mod migrate;
pub(crate) mod replay;
pub(crate) mod restore;
pub(crate) mod serve;
pub(crate) mod token;
pub(crate) mod user;
pub(crate) mod verify;

use std::sync::Arc;

use anyhow::Context;
use indicatif::{ProgressBar, ProgressStyle};
use partnerhub::node::{Backing, StoreLocation};
use partnerhub::store::EventStore;

/// Opens the log at `location` with its key store.
pub(crate) async fn open_backing(location: &StoreLocation) -> anyhow::Result<Backing> {
    Backing::open(location)
        .await
        .with_context(|| format!("cannot open the store ({})", location.describe()))
}

/// Opens the log at `location` (the key store is opened by [`start`] where it is needed).
pub(crate) async fn open_store(
    location: &StoreLocation,
) -> anyhow::Result<(Backing, Arc<dyn EventStore>)> {
    let backing = open_backing(location).await?;
    let store = backing.event_store();
    Ok((backing, store))
}

/// A progress bar over `length` events, labelled `message` (drawn only on a terminal).
pub(crate) fn progress_bar(length: u64, message: &'static str) -> ProgressBar {
    let bar = ProgressBar::new(length);
    if let Ok(style) =
        ProgressStyle::with_template("{msg} [{bar:40}] {pos}/{len} events ({per_sec}, {eta} left)")
    {
        bar.set_style(style.progress_chars("=> "));
    }
    bar.set_message(message);
    bar
}

/// Rebuilds the views from the log (with progress) and starts the services with the
/// default limits.
pub(crate) async fn start(backing: &Backing) -> anyhow::Result<partnerhub::app_state::AppState> {
    start_with_limits(backing, partnerhub::app_state::Limits::default()).await
}

/// [`start`] with `limits` (those `serve` was given).
pub(crate) async fn start_with_limits(
    backing: &Backing,
    limits: partnerhub::app_state::Limits,
) -> anyhow::Result<partnerhub::app_state::AppState> {
    let bar = progress_bar(backing.event_store().head_position(), "rebuilding views");
    let state =
        partnerhub::server::start_node(backing, limits, &mut |done| bar.set_position(done)).await?;
    bar.finish_and_clear();
    if state.projections.skipped() > 0 {
        tracing::warn!(
            skipped = state.projections.skipped(),
            "some events of the log are not partnerhub events and were skipped"
        );
    }
    Ok(state)
}

/// The id of the workspace named `wanted` (its id or its name), or an error listing the
/// workspaces the log holds.
pub(crate) fn find_workspace(
    state: &partnerhub::app_state::AppState,
    wanted: &str,
) -> anyhow::Result<uuid::Uuid> {
    state.projections.find_workspace(wanted).ok_or_else(|| {
        let known: Vec<String> = state
            .projections
            .workspace_names()
            .into_iter()
            .map(|(id, name)| format!("{name} ({id})"))
            .collect();
        anyhow::anyhow!(
            "no workspace `{wanted}`; the log holds: {}",
            if known.is_empty() {
                "none".to_owned()
            } else {
                known.join(", ")
            }
        )
    })
}
