//! `partnerhub migrate-store`: copy an embedded store into an empty PostgreSQL store.

use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;
use partnerhub::node::StoreLocation;

use super::{open_backing, progress_bar};

/// Copies the embedded store in `from` (log and personal-data keys) into the empty PostgreSQL
/// store at `to`, verifying the copy.
pub(crate) async fn migrate_store(from: &Path, to: &str) -> anyhow::Result<ExitCode> {
    let destination = StoreLocation::choose(from, Some(to))?;
    anyhow::ensure!(
        matches!(destination, StoreLocation::Postgres(_)),
        "--to takes a postgres:// URL"
    );
    // Opening a directory that holds nothing would create an empty store there.
    let holds_store = std::fs::read_dir(from)
        .map(|mut entries| entries.next().is_some())
        .unwrap_or(false);
    anyhow::ensure!(
        holds_store,
        "there is no embedded store in {} to migrate",
        from.display()
    );
    let source = open_backing(&StoreLocation::Embedded(from.to_path_buf())).await?;
    let target = open_backing(&destination).await?;
    let (source_store, target_store) = (source.event_store(), target.event_store());
    let result = async {
        let events = target_store.head_position();
        let keys = target.keys.count().await?;
        if events > 0 || keys > 0 {
            anyhow::bail!(
                "the destination ({}) is not empty: it holds {events} events and {keys} \
                 keys; migrate-store copies only into an empty store \
                 (use a new database, or a new schema with ?options=-c%20search_path%3Dname)",
                destination.describe()
            );
        }
        let head = source_store.head_position();
        let bar = progress_bar(head, "copying");
        let mut last = 0;
        let report = partnerhub::store::migrate::migrate_store(
            source_store.as_ref(),
            target_store.as_ref(),
            // Counts up while copying, then again from the start while verifying.
            &mut |done| {
                if done < last {
                    bar.set_message("verifying");
                }
                last = done;
                bar.set_position(done);
            },
        )
        .await;
        bar.finish_and_clear();
        let report = report.context("the migration failed")?;
        let copied_keys = source.keys.copy_into(&target.keys).await.context(
            "the log was copied, but the keys (of personal data and of workshop boards) were not",
        )?;
        anyhow::Ok((report, copied_keys))
    }
    .await;
    source_store.shutdown().await;
    target_store.shutdown().await;
    let (report, keys) = result?;
    println!(
        "migrated {} events and {keys} keys (of personal data and of running workshop boards) from {} to {}; the copy verifies, \
         head hash {}",
        report.events,
        from.display(),
        destination.describe(),
        report.head_hash
    );
    Ok(ExitCode::SUCCESS)
}
