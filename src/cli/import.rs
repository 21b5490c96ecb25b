//! `partnerhub import`: load an exported log into an empty store, after checking its whole
//! chain.

use std::path::Path;
use std::process::ExitCode;

use partnerhub::node::StoreLocation;
use partnerhub::store::transfer::{self, ImportStage, TransferError};

use super::{open_store, progress_bar};

/// Checks the whole of `file` against the hash chain, then loads it into the empty store at
/// `data`; a broken file is refused and nothing is written.
pub(crate) async fn import(data: &StoreLocation, file: &Path) -> anyhow::Result<ExitCode> {
    let (_backing, store) = open_store(data).await?;
    let bar = progress_bar(0, "checking");
    bar.set_length(0);
    let result = transfer::import_log(store.as_ref(), file, &mut |stage, done| {
        match stage {
            ImportStage::Checking => {
                bar.set_length(done);
            }
            ImportStage::Writing => {
                if bar.message() != "importing" {
                    bar.set_message("importing");
                }
            }
        }
        bar.set_position(done);
    })
    .await;
    bar.finish_and_clear();
    store.shutdown().await;
    match result {
        Ok(report) => {
            println!(
                "imported {} events from {}; head hash {}",
                report.events,
                file.display(),
                report.head_hash
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(error @ (TransferError::UnreadableLine { .. } | TransferError::BrokenChain { .. })) => {
            eprintln!(
                "import refused, nothing was written: {}: {error}",
                file.display()
            );
            Ok(ExitCode::FAILURE)
        }
        Err(error) => {
            eprintln!("import failed: {error}");
            Ok(ExitCode::FAILURE)
        }
    }
}
