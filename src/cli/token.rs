//! `partnerhub token`: manage API tokens.

use std::process::ExitCode;

use clap::Subcommand;
use partnerhub::node::StoreLocation;

use super::{find_workspace, open_store, start};

#[derive(Subcommand)]
pub(crate) enum TokenAction {
    /// Issue an API token for a workspace and print it (it is shown only once).
    Create {
        /// The workspace (id or name).
        #[arg(long)]
        workspace: String,
        /// The role: owner, editor, viewer or auditor.
        #[arg(long)]
        role: String,
        /// What it is for.
        #[arg(long, default_value = "command line")]
        label: String,
    },
}

/// Issues an API token and prints it (shown once).
pub(crate) async fn token(data: &StoreLocation, action: TokenAction) -> anyhow::Result<ExitCode> {
    let TokenAction::Create {
        workspace,
        role,
        label,
    } = action;
    let role = partnerhub::accounts::Role::parse(&role).map_err(anyhow::Error::msg)?;
    anyhow::ensure!(
        role != partnerhub::accounts::Role::Guest,
        "guests join one board through an invite link (POST /api/workspaces/{{id}}/boards/{{board}}/invites)"
    );
    let (backing, store) = open_store(data).await?;
    let state = start(&backing).await?;
    let result = async {
        let workspace_id = find_workspace(&state, &workspace)?;
        let (_, text) = state
            .accounts
            .issue_token("cli", &label, None, workspace_id, role, None, None)
            .await?;
        anyhow::Ok(text)
    }
    .await;
    store.shutdown().await;
    println!("{}", result?);
    Ok(ExitCode::SUCCESS)
}
