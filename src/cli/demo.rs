//! `partnerhub demo` (and `serve --demo`): load the demo workspaces.

use std::net::SocketAddr;
use std::process::ExitCode;

use anyhow::Context;
use partnerhub::node::StoreLocation;

use super::{open_store, start};

/// Loads the demo, creates its owner account and a guest invite, and prints how to use them.
pub(crate) async fn load_demo_with_access(
    state: &partnerhub::app_state::AppState,
    listen: Option<SocketAddr>,
) -> anyhow::Result<()> {
    use partnerhub::accounts::Role;
    let summary = partnerhub::demo::load_demo(&state.workspaces)
        .await
        .context("loading the demo workspaces failed")?;
    let password = format!("demo-{}", uuid::Uuid::new_v4().simple());
    let owner = "jens@roskilde";
    state
        .accounts
        .create_account("system", owner, &password)
        .await?;
    for (workspace_id, _) in &summary.workspaces {
        state
            .accounts
            .grant("system", owner, *workspace_id, Role::Owner)
            .await?;
    }
    let board = partnerhub::demo::demo_id("board:mapping-2025");
    let (_, invite) = state
        .accounts
        .issue_token(
            owner,
            "demo workshop guests",
            None,
            partnerhub::demo::roskilde_workspace_id(),
            Role::Guest,
            Some(board),
            Some(chrono::Utc::now() + chrono::Duration::days(7)),
        )
        .await?;
    println!(
        "loaded the demo workspaces ({} commands): {}",
        summary.commands,
        summary
            .workspaces
            .iter()
            .map(|(_, name)| name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    );
    println!("owner login: {owner} / {password}  (POST /api/login; shown once)");
    let base = listen
        .map(|address| format!("http://{address}"))
        .unwrap_or_default();
    println!("guest invite to the mapping board: {base}/join#{invite}");
    println!(
        "  (each guest joins once with POST /api/join {{\"invite\": ..., \"display_name\": ...}} and acts with the credential it returns)"
    );
    Ok(())
}

/// Loads the demo workspaces into the store at `data` (again: nothing is appended).
pub(crate) async fn demo(data: &StoreLocation) -> anyhow::Result<ExitCode> {
    let (backing, store) = open_store(data).await?;
    let state = start(&backing).await?;
    let result = partnerhub::demo::load_demo(&state.workspaces).await;
    store.shutdown().await;
    let summary = result.context("loading the demo workspaces failed")?;
    if summary.already_loaded == summary.commands {
        println!("the demo workspaces were loaded already; nothing was appended");
    } else {
        println!(
            "loaded the demo workspaces: {} commands, log head at position {}",
            summary.commands - summary.already_loaded,
            store.head_position()
        );
    }
    for (id, name) in summary.workspaces {
        println!("  {name}  {id}");
    }
    Ok(ExitCode::SUCCESS)
}
