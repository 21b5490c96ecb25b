//! The tables of the PostgreSQL store: versioned migrations applied once each, in one
//! transaction under an advisory lock, so that opening is idempotent and two processes may
//! open at once.

use super::*;

/// The schema, one migration per version, applied in order and each only once.
pub(super) const MIGRATIONS: &[(i32, &str)] = &[
    (
        1,
        "CREATE TABLE events (
         position BIGINT PRIMARY KEY CHECK (position > 0),
         stream_id UUID NOT NULL,
         stream_version BIGINT NOT NULL CHECK (stream_version > 0),
         command_id UUID NOT NULL,
         recorded_at TIMESTAMPTZ NOT NULL,
         bytes BYTEA NOT NULL,
         CONSTRAINT events_stream_version_key UNIQUE (stream_id, stream_version)
     );
     CREATE TABLE commands (
         command_id UUID PRIMARY KEY,
         outcome JSONB NOT NULL
     );
     CREATE TABLE log_head (
         only_row BOOLEAN PRIMARY KEY DEFAULT TRUE CHECK (only_row),
         position BIGINT NOT NULL CHECK (position >= 0),
         last_hash TEXT NOT NULL,
         last_recorded_at TIMESTAMPTZ
     );
     INSERT INTO log_head (position, last_hash, last_recorded_at)
     VALUES (0, '0000000000000000000000000000000000000000000000000000000000000000', NULL);",
    ),
    (
        2,
        // What the nodes of one deployment share besides the log: the keys of personal data
        // (crate::privacy) and login sessions (crate::accounts::sessions).
        "CREATE TABLE person_keys (
         person_id UUID PRIMARY KEY,
         key BYTEA NOT NULL CHECK (length(key) = 32),
         created_at TIMESTAMPTZ NOT NULL DEFAULT now()
     );
     CREATE TABLE sessions (
         secret_hash TEXT PRIMARY KEY,
         account_id UUID NOT NULL,
         name TEXT NOT NULL,
         expires_at TIMESTAMPTZ NOT NULL
     );
     CREATE INDEX sessions_expires_at ON sessions (expires_at);",
    ),
    (
        3,
        // The keys table holds workshop boards' keys as well (crate::sealing): one key per
        // sealed subject, a contact person or a board.
        "ALTER TABLE person_keys RENAME TO sealing_keys;
     ALTER TABLE sealing_keys RENAME COLUMN person_id TO subject_id;",
    ),
    (
        4,
        // The projections' checkpoint (crate::projection::checkpoint), in chunks: one per
        // schema, written by whichever node wrote last, checked by every node that reads it.
        "CREATE TABLE projection_checkpoint (
         chunk INTEGER PRIMARY KEY CHECK (chunk >= 0),
         bytes BYTEA NOT NULL
     );",
    ),
    (
        5,
        // The timeline index (crate::projection::timeline_index): every workspace's timeline
        // entries by position, which entities each is about, and what the index holds.
        "CREATE TABLE timeline_entries (
         workspace_id UUID NOT NULL,
         position BIGINT NOT NULL,
         entry BYTEA NOT NULL,
         PRIMARY KEY (workspace_id, position)
     );
     CREATE TABLE timeline_entities (
         workspace_id UUID NOT NULL,
         entity_id UUID NOT NULL,
         position BIGINT NOT NULL,
         PRIMARY KEY (workspace_id, entity_id, position)
     );
     CREATE TABLE timeline_mark (
         only_row BOOLEAN PRIMARY KEY DEFAULT TRUE CHECK (only_row),
         mark BYTEA NOT NULL
     );",
    ),
    (
        6,
        // The checkpoint's chunks compressed with LZ4 rather than pglz: a start reads the
        // whole checkpoint (200 MiB at a million events), and PostgreSQL decompresses LZ4 in
        // about half the time (BENCHMARKS.md, issue 19 scenario 3). Where the server has no
        // LZ4 (built without it, or older than PostgreSQL 14), the chunks stay as they were.
        "DO $$
     BEGIN
         EXECUTE 'ALTER TABLE projection_checkpoint ALTER COLUMN bytes SET COMPRESSION lz4';
     EXCEPTION WHEN OTHERS THEN
         NULL;
     END
     $$;",
    ),
    (
        7,
        // Command outcomes in typed columns rather than JSONB: the commit parsed the JSON of
        // every new command, and the `commands` row was the largest single part of the
        // one-statement commit's time in PostgreSQL (BENCHMARKS.md, issue 19 scenario 1,
        // `h12/pg`). Rows written before keep their JSONB outcome and are read from it.
        "ALTER TABLE commands
         ADD COLUMN stream_id UUID,
         ADD COLUMN first_position BIGINT,
         ADD COLUMN last_position BIGINT,
         ADD COLUMN stream_version BIGINT,
         ALTER COLUMN outcome DROP NOT NULL;",
    ),
    (
        8,
        // No `log_head`: every commit updated its one row under its lock, a third of the
        // one-statement commit's work in PostgreSQL (BENCHMARKS.md, issue 19 scenario 1,
        // `h14/pglight`). The events' primary key orders the writers, and the tail is the
        // last event. Dropped rather than left behind, so that a partnerhub of an older
        // schema version cannot write here (it refuses a newer schema version anyway).
        "DROP TABLE log_head;",
    ),
];

/// Creates or upgrades the tables, each missing migration once, in one transaction.
///
/// # Returns
/// The schema the tables are in.
pub(super) async fn migrate(pool: &Pool) -> Result<String, StoreError> {
    let mut client = pool.get().await.map_err(pool_error)?;
    let transaction = client.transaction().await.map_err(backend)?;
    match apply_migrations(&transaction).await {
        Ok(schema) => {
            transaction.commit().await.map_err(backend)?;
            Ok(schema)
        }
        Err(error) => {
            // Said now rather than when the dropped transaction gets to it: the pool may be
            // dropped right after a failed open.
            let _ = transaction.rollback().await;
            Err(error)
        }
    }
}

pub(super) async fn apply_migrations(
    transaction: &deadpool_postgres::Transaction<'_>,
) -> Result<String, StoreError> {
    let schema: Option<String> = transaction
        .query_one("SELECT current_schema()", &[])
        .await
        .map_err(backend)?
        .get(0);
    let Some(schema) = schema else {
        return Err(StoreError::Incompatible(
            "the connection's search_path names no existing schema to keep the log in; \
             create it first (CREATE SCHEMA name) or use PostgresEventStore::connect_to_schema"
                .into(),
        ));
    };
    // Two processes opening a new schema at once must not both create the tables.
    transaction
        .execute(
            "SELECT pg_advisory_xact_lock(hashtext('partnerhub migrations ' || $1::text)::bigint)",
            &[&schema],
        )
        .await
        .map_err(backend)?;
    transaction
        .batch_execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations (
                 version INTEGER PRIMARY KEY,
                 applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
             )",
        )
        .await
        .map_err(backend)?;
    let applied: HashSet<i32> = transaction
        .query("SELECT version FROM schema_migrations", &[])
        .await
        .map_err(backend)?
        .iter()
        .map(|row| row.get(0))
        .collect();
    let known = MIGRATIONS
        .iter()
        .map(|(version, _)| *version)
        .max()
        .unwrap_or(0);
    if let Some(newer) = applied
        .iter()
        .copied()
        .filter(|version| *version > known)
        .max()
    {
        return Err(StoreError::Incompatible(format!(
            "schema {schema} holds a partnerhub log of schema version {newer}, \
             this partnerhub knows versions up to {known}"
        )));
    }
    for (version, sql) in MIGRATIONS {
        if applied.contains(version) {
            continue;
        }
        transaction.batch_execute(sql).await.map_err(|error| {
            StoreError::Incompatible(format!(
                "cannot create the log's tables in schema {schema} (migration {version}): {}",
                describe(&error)
            ))
        })?;
        transaction
            .execute(
                "INSERT INTO schema_migrations (version) VALUES ($1)",
                &[version],
            )
            .await
            .map_err(backend)?;
        tracing::info!(%schema, version, "applied a migration of the PostgreSQL event store");
    }
    Ok(schema)
}
