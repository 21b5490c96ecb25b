//! The projections' checkpoint on PostgreSQL: one opaque value
//! ([`crate::projection::checkpoint`] says what is in it) in the table
//! `projection_checkpoint`, cut into chunks of [`CHUNK`] bytes and replaced in one
//! transaction, so a reader sees the old checkpoint or the new one, never a mix. One per
//! schema: the nodes sharing a schema share it, and each checks it before use.

use futures_util::TryStreamExt;

use super::{backend, PostgresEventStore};
use crate::store::StoreError;

/// The size of one stored chunk.
const CHUNK: usize = 4 << 20;

impl PostgresEventStore {
    /// Replaces the checkpoint with `bytes`.
    pub(super) async fn save_checkpoint_chunks(&self, bytes: &[u8]) -> Result<(), StoreError> {
        let mut client = self.client().await?;
        let transaction = client.transaction().await.map_err(backend)?;
        // Two writers (two nodes, or a node's background task and its shutdown) take turns:
        // the second replaces the first's checkpoint whole instead of colliding on its chunks.
        transaction
            .batch_execute(
                "LOCK TABLE projection_checkpoint IN EXCLUSIVE MODE;
                 DELETE FROM projection_checkpoint;",
            )
            .await
            .map_err(backend)?;
        for (index, chunk) in (0i32..).zip(bytes.chunks(CHUNK)) {
            transaction
                .execute(
                    "INSERT INTO projection_checkpoint (chunk, bytes) VALUES ($1, $2)",
                    &[&index, &chunk],
                )
                .await
                .map_err(backend)?;
        }
        transaction.commit().await.map_err(backend)
    }

    /// Hands the checkpoint kept to `pieces`, a chunk at a time as the rows arrive (one
    /// query, so one snapshot: the old checkpoint or the new one, never a mix), until its end
    /// or until `pieces` is closed.
    ///
    /// # Returns
    /// Whether one is kept.
    pub(super) async fn read_checkpoint_chunks(
        &self,
        pieces: &tokio::sync::mpsc::Sender<Vec<u8>>,
    ) -> Result<bool, StoreError> {
        let client = self.client().await?;
        let rows = client
            .query_raw(
                "SELECT bytes FROM projection_checkpoint ORDER BY chunk",
                std::iter::empty::<i32>(),
            )
            .await
            .map_err(backend)?;
        let mut rows = std::pin::pin!(rows);
        let mut found = false;
        while let Some(row) = rows.try_next().await.map_err(backend)? {
            found = true;
            let chunk: Vec<u8> = row.try_get(0).map_err(backend)?;
            if pieces.send(chunk).await.is_err() {
                break;
            }
        }
        Ok(found)
    }
}
