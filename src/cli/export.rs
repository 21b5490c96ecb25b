//! `partnerhub export`: write the whole log to a file as JSON Lines.

use std::path::Path;
use std::process::ExitCode;

use partnerhub::node::StoreLocation;
use partnerhub::store::transfer;

use super::{open_store, progress_bar};

/// Writes the whole log at `data` to `out` as JSON Lines, with progress.
pub(crate) async fn export(data: &StoreLocation, out: &Path) -> anyhow::Result<ExitCode> {
    let (_backing, store) = open_store(data).await?;
    let bar = progress_bar(store.head_position(), "exporting");
    let result =
        transfer::export_log(store.as_ref(), out, &mut |done| bar.set_position(done)).await;
    bar.finish_and_clear();
    store.shutdown().await;
    let events = result?;
    println!("exported {events} events to {}", out.display());
    Ok(ExitCode::SUCCESS)
}
