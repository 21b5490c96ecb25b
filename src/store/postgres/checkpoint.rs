//! The projections' checkpoint on PostgreSQL: one opaque value
//! ([`crate::projection::checkpoint`] says what is in it) in the table
//! `projection_checkpoint`, cut into chunks of [`CHUNK`] bytes and replaced in one
//! transaction, so a reader sees the old checkpoint or the new one, never a mix. One per
//! schema: the nodes sharing a schema share it, and each checks it before use.

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

    /// The checkpoint kept, if one is.
    pub(super) async fn load_checkpoint_chunks(&self) -> Result<Option<Vec<u8>>, StoreError> {
        let client = self.client().await?;
        let rows = client
            .query(
                "SELECT bytes FROM projection_checkpoint ORDER BY chunk",
                &[],
            )
            .await
            .map_err(backend)?;
        if rows.is_empty() {
            return Ok(None);
        }
        let mut bytes = Vec::new();
        for row in rows {
            let chunk: &[u8] = row.get(0);
            bytes.extend_from_slice(chunk);
        }
        Ok(Some(bytes))
    }
}
