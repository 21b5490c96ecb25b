//! `partnerhub user`: manage local accounts.

use std::process::ExitCode;

use anyhow::Context;
use clap::Subcommand;
use partnerhub::node::StoreLocation;

use super::{find_workspace, open_store, start};

#[derive(Subcommand)]
pub(crate) enum UserAction {
    /// Create a local account; the password is read from standard input (one line).
    Add {
        /// The login name (also the actor name of the account's changes).
        name: String,
        /// Also give the account a role in a workspace (id or name).
        #[arg(long, requires = "role")]
        workspace: Option<String>,
        /// The role: owner, editor, viewer or auditor.
        #[arg(long, requires = "workspace")]
        role: Option<String>,
        /// Also make the account a server administrator: its password logins may take online
        /// backups of the whole server (every workspace and the personal-data keys).
        #[arg(long)]
        admin: bool,
    },
}

/// Creates a local account (password from standard input), with a role or as a server
/// administrator if asked.
pub(crate) async fn user(data: &StoreLocation, action: UserAction) -> anyhow::Result<ExitCode> {
    let UserAction::Add {
        name,
        workspace,
        role,
        admin,
    } = action;
    let role = role
        .map(|role| partnerhub::accounts::Role::parse(&role))
        .transpose()
        .map_err(anyhow::Error::msg)?;
    let mut password = String::new();
    std::io::stdin()
        .read_line(&mut password)
        .context("cannot read the password from standard input")?;
    let password = password.trim_end_matches(['\n', '\r']);
    let (backing, store) = open_store(data).await?;
    let state = start(&backing).await?;
    let result = async {
        let workspace_id = workspace
            .as_deref()
            .map(|wanted| find_workspace(&state, wanted))
            .transpose()?;
        state
            .accounts
            .create_account("cli", &name, password)
            .await?;
        if let (Some(workspace_id), Some(role)) = (workspace_id, role) {
            state
                .accounts
                .grant("cli", &name, workspace_id, role)
                .await?;
        }
        if admin {
            state.accounts.grant_server_admin("cli", &name).await?;
        }
        anyhow::Ok(workspace_id)
    }
    .await;
    store.shutdown().await;
    match result? {
        Some(workspace_id) => {
            println!("created account {name} with a role in workspace {workspace_id}")
        }
        None => println!("created account {name}"),
    }
    Ok(ExitCode::SUCCESS)
}
