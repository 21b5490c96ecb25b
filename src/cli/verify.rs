//! `partnerhub verify`: check the whole log (positions, hash chain, stream versions).

use std::process::ExitCode;

use partnerhub::node::{Backing, OpenedStore, StoreLocation};
use partnerhub::store::transfer::{self, VerifyError};

use super::progress_bar;

/// Walks the whole log at `data` (positions, hash chain, stream versions, sled's stream
/// index); exits 1 naming where it is broken.
pub(crate) async fn verify(data: &StoreLocation) -> anyhow::Result<ExitCode> {
    let backing = match Backing::open(data).await {
        Ok(backing) => backing,
        Err(error) => {
            eprintln!(
                "verify failed: cannot open the store ({}): {error}",
                data.describe()
            );
            return Ok(ExitCode::FAILURE);
        }
    };
    let store = backing.event_store();
    let bar = progress_bar(store.head_position(), "verifying");
    let result = transfer::verify_log(store.as_ref(), &mut |done| bar.set_position(done)).await;
    bar.finish_and_clear();
    let index = match &result {
        Ok(_) => match &backing.store {
            // sled keeps a stream index beside the log; PostgreSQL's unique key on stream and
            // version is checked by the database itself.
            OpenedStore::Sled(sled) => {
                let checked = sled.clone();
                tokio::task::spawn_blocking(move || checked.check_stream_index()).await?
            }
            OpenedStore::Postgres(_) => Ok(0),
        },
        Err(_) => Ok(0),
    };
    store.shutdown().await;
    match (result, index) {
        (Ok(report), Ok(_)) => {
            println!(
                "verified {} events: positions, hash chain and stream versions are intact",
                report.events
            );
            println!("head hash: {}", report.head_hash);
            Ok(ExitCode::SUCCESS)
        }
        (Err(VerifyError::Broken(broken)), _) => {
            eprintln!("verify failed: the log is broken at {broken}");
            Ok(ExitCode::FAILURE)
        }
        (Err(VerifyError::Store(error)), _) | (Ok(_), Err(error)) => {
            eprintln!("verify failed: {error}");
            Ok(ExitCode::FAILURE)
        }
    }
}
