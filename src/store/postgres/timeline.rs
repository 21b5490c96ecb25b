//! The timeline index on PostgreSQL ([`EventStore::save_timeline`](crate::store::EventStore)):
//! the table `timeline_entries` (workspace, position, the entry's bytes), the table
//! `timeline_entities` (workspace, entity, position: which entries are about which entity) and
//! the one-row table `timeline_mark`. Derived data, shared by the nodes on a schema; each batch
//! is one transaction, the mark moved in the transaction of the last batch.

use uuid::Uuid;

use super::{backend, PostgresEventStore};
use crate::store::{Position, StoreError, TimelineIndexEntry};

fn position_of(position: Position) -> Result<i64, StoreError> {
    i64::try_from(position)
        .map_err(|_| StoreError::Backend(format!("position {position} is beyond PostgreSQL's")))
}

impl PostgresEventStore {
    /// Adds `entries` and, in the same transaction, keeps `mark`.
    pub(super) async fn save_timeline_rows(
        &self,
        entries: Vec<TimelineIndexEntry>,
        mark: Option<Vec<u8>>,
    ) -> Result<(), StoreError> {
        let mut workspaces = Vec::with_capacity(entries.len());
        let mut positions = Vec::with_capacity(entries.len());
        let mut bytes = Vec::with_capacity(entries.len());
        let mut entity_workspaces = Vec::new();
        let mut entity_ids = Vec::new();
        let mut entity_positions = Vec::new();
        for entry in entries {
            let position = position_of(entry.position)?;
            for entity_id in entry.entity_ids {
                entity_workspaces.push(entry.workspace_id);
                entity_ids.push(entity_id);
                entity_positions.push(position);
            }
            workspaces.push(entry.workspace_id);
            positions.push(position);
            bytes.push(entry.bytes);
        }
        let mut client = self.client().await?;
        let transaction = client.transaction().await.map_err(backend)?;
        transaction
            .execute(
                "INSERT INTO timeline_entries (workspace_id, position, entry)
                 SELECT * FROM UNNEST($1::uuid[], $2::bigint[], $3::bytea[])
                 ON CONFLICT (workspace_id, position) DO UPDATE SET entry = EXCLUDED.entry",
                &[&workspaces, &positions, &bytes],
            )
            .await
            .map_err(backend)?;
        transaction
            .execute(
                "INSERT INTO timeline_entities (workspace_id, entity_id, position)
                 SELECT * FROM UNNEST($1::uuid[], $2::uuid[], $3::bigint[])
                 ON CONFLICT DO NOTHING",
                &[&entity_workspaces, &entity_ids, &entity_positions],
            )
            .await
            .map_err(backend)?;
        if let Some(mark) = mark {
            transaction
                .execute(
                    "INSERT INTO timeline_mark (only_row, mark) VALUES (TRUE, $1)
                     ON CONFLICT (only_row) DO UPDATE SET mark = EXCLUDED.mark",
                    &[&mark],
                )
                .await
                .map_err(backend)?;
        }
        transaction.commit().await.map_err(backend)
    }

    /// The mark kept, if one is.
    pub(super) async fn timeline_mark_row(&self) -> Result<Option<Vec<u8>>, StoreError> {
        let client = self.client().await?;
        let row = client
            .query_opt("SELECT mark FROM timeline_mark", &[])
            .await
            .map_err(backend)?;
        Ok(row.map(|row| row.get(0)))
    }

    /// The entries of a workspace up to a position, all or those about one entity.
    pub(super) async fn read_timeline_rows(
        &self,
        workspace_id: Uuid,
        entity_id: Option<Uuid>,
        up_to: Position,
    ) -> Result<Vec<(Position, Vec<u8>)>, StoreError> {
        let up_to = position_of(up_to.min(i64::MAX as u64))?;
        let client = self.client().await?;
        let rows = match entity_id {
            None => client
                .query(
                    "SELECT position, entry FROM timeline_entries
                     WHERE workspace_id = $1 AND position <= $2 ORDER BY position",
                    &[&workspace_id, &up_to],
                )
                .await
                .map_err(backend)?,
            Some(entity_id) => client
                .query(
                    "SELECT e.position, e.entry FROM timeline_entities t
                     JOIN timeline_entries e
                       ON e.workspace_id = t.workspace_id AND e.position = t.position
                     WHERE t.workspace_id = $1 AND t.entity_id = $2 AND t.position <= $3
                     ORDER BY t.position",
                    &[&workspace_id, &entity_id, &up_to],
                )
                .await
                .map_err(backend)?,
        };
        rows.into_iter()
            .map(|row| {
                let position: i64 = row.get(0);
                Ok((position as u64, row.get::<_, Vec<u8>>(1)))
            })
            .collect()
    }

    /// Empties the index and its mark.
    pub(super) async fn clear_timeline_rows(&self) -> Result<(), StoreError> {
        let client = self.client().await?;
        client
            .batch_execute("TRUNCATE timeline_mark, timeline_entries, timeline_entities")
            .await
            .map_err(backend)
    }
}
