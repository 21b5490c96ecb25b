//! `partnerhub serve`: run the server until SIGTERM or Ctrl-C.

use std::net::SocketAddr;
use std::process::ExitCode;

use anyhow::Context;
use partnerhub::node::{OpenedStore, StoreLocation};

use super::demo::load_demo_with_access;
use super::{open_store, start_with_limits};

/// Serves the store at `data` on `listen` within `limits` until SIGTERM or Ctrl-C; with
/// `demo`, loads the demo workspaces into an empty store first.
pub(crate) async fn serve(
    data: &StoreLocation,
    listen: SocketAddr,
    demo: bool,
    limits: partnerhub::app_state::Limits,
) -> anyhow::Result<ExitCode> {
    let (backing, store) = open_store(data).await?;
    let state = start_with_limits(&backing, limits).await?;
    if let OpenedStore::Postgres(postgres) = &backing.store {
        partnerhub::hub::presence::relay(&state.hub, postgres).await;
    }
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .with_context(|| format!("cannot listen on {listen}"))?;
    let address = listener.local_addr()?;
    if demo {
        if store.head_position() == 0 {
            load_demo_with_access(&state, Some(address)).await?;
        } else {
            println!(
                "the store already holds {} events; the demo is loaded only into an empty store",
                store.head_position()
            );
        }
    }
    println!(
        "partnerhub listening on http://{address} ({})",
        data.describe()
    );
    partnerhub::server::run(listener, state, shutdown_signal()).await?;
    Ok(ExitCode::SUCCESS)
}

/// Completes on SIGTERM or SIGINT.
async fn shutdown_signal() {
    let interrupt = async {
        if let Err(error) = tokio::signal::ctrl_c().await {
            tracing::error!(%error, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(error) => {
                tracing::error!(%error, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => tracing::info!("interrupted; shutting down"),
        () = terminate => tracing::info!("terminated; shutting down"),
    }
}
