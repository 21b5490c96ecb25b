//! `partnerhub restore`: a backup into an empty data directory, after checking the whole
//! file.

use std::path::Path;
use std::process::ExitCode;

use partnerhub::node::StoreLocation;

use super::open_store;

/// Checks the backup `file` whole, then restores it into the empty store at `data`.
pub(crate) async fn restore(data: &StoreLocation, file: &Path) -> anyhow::Result<ExitCode> {
    let (backing, store) = open_store(data).await?;
    // The events are checked into a scratch file first: beside the data, or in the temporary
    // directory for PostgreSQL.
    let scratch = match data {
        StoreLocation::Embedded(directory) => directory.clone(),
        StoreLocation::Postgres(_) => std::env::temp_dir(),
    };
    let result =
        partnerhub::backup::restore_backup(file, store.as_ref(), &backing.keys, &scratch).await;
    store.shutdown().await;
    match result {
        Ok(summary) => {
            println!(
                "restored {} events and {} keys (of personal data and of running workshop boards) from {}; head hash {}",
                summary.events,
                summary.keys,
                file.display(),
                summary.head_hash
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(error) => {
            eprintln!("restore refused: {}: {error}", file.display());
            Ok(ExitCode::FAILURE)
        }
    }
}
