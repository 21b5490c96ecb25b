//! The event store on PostgreSQL: the same log as [`SledEventStore`](super::SledEventStore),
//! for deployments that already run PostgreSQL, several server processes on one database, or
//! backups and replication the database already provides.
//!
//! ## Tables
//!
//! Created by versioned migrations (`schema_migrations`, applied in one transaction under an
//! advisory lock, so opening is idempotent and two processes may open at once):
//!
//! - `events`: `position` (primary key), `stream_id`, `stream_version` (unique per stream),
//!   `command_id`, `recorded_at`, and `bytes`: exactly the canonical stored bytes of the
//!   event ([`RecordedEvent::to_canonical_bytes`]), so exports and hashes are those of every
//!   other backend;
//! - `commands`: each command id's first [`AppendOutcome`], for idempotent retries;
//! - `log_head`: one row, the last position, its hash and its time: the tail that new
//!   events chain to, and the row whose lock orders all writers;
//! - `person_keys` and `sessions`: not part of the log, but what the server nodes on one
//!   schema share besides it: the keys of personal data ([`crate::privacy::KeyStore`]) and
//!   login sessions ([`crate::accounts::sessions`]).
//!
//! ## Global order: one lock, held to commit
//!
//! Every append transaction starts with `SELECT … FROM log_head FOR UPDATE`. The row lock
//! serializes all writers, in this process and in every other process on the same schema,
//! and is held until the transaction commits or rolls back. Under the lock a writer reads
//! the tail, assigns the next positions, seals the events with the code sled uses (same
//! hashes, clamped times and bytes), inserts events and command outcomes, moves `log_head`
//! and commits. Hence:
//!
//! - **Positions become visible in order.** The next writer gets the lock only after the
//!   previous one has committed (PostgreSQL makes a transaction visible before it releases its
//!   locks), so every committed position has all lower positions committed before it: at any
//!   moment the committed events are exactly `1..=log_head.position`.
//! - **No gaps.** A transaction that rolls back (an error, a killed client, a dropped
//!   connection) releases the lock without moving `log_head`; the next writer assigns the same
//!   positions again.
//!
//! A design that takes positions from a `bigserial` does not have these properties: sequence
//! values are handed out at insert time but become visible at commit, in any order. A reader
//! that sees position 11 committed and moves its cursor past it can miss position 10, whose
//! transaction started earlier and commits a moment later: the subscriber then never sees
//! that event. Rolled-back transactions also leave permanent holes. Here nothing is visible
//! until its whole prefix is, so a reader may safely move past anything it has read.
//!
//! Stream versions are checked inside the same transaction, against versions read under the
//! lock, so optimistic concurrency holds across processes too; the unique key
//! `(stream_id, stream_version)` is the last line of defence, and hitting it is reported as
//! [`StoreError::VersionConflict`] with the stream's actual version.
//!
//! ## Group commit
//!
//! Like sled, each store instance has one writer task. It takes every append waiting in its
//! queue and commits them in **one** transaction: each request is validated in order against
//! the stream versions read in that transaction plus those the group has already written (a
//! conflict fails only that request), command ids are looked up so that a retry returns the
//! first outcome (`deduplicated: true`, also when both copies are in one group), and imports
//! ([`EventStore::append_recorded`]) are checked all-or-nothing with
//! [`ChainVerifier::resume`](super::ChainVerifier::resume). Callers are answered after the
//! commit, once this instance can read their events.
//!
//! If a commit's outcome is unknown (the connection broke during `COMMIT`), the callers get
//! [`StoreError::Backend`]; retrying with the same command id returns the outcome if the
//! commit did happen.
//!
//! ## Following the log: notifications carry positions only
//!
//! A committing transaction issues `NOTIFY partnerhub_log, '<last position>'`, delivered on
//! commit. Each instance keeps a dedicated `LISTEN` connection and, as a fallback, reads
//! `log_head` every 500 ms ([`PostgresOptions::poll_interval`]). When it learns of new
//! positions (its own or another process's) it reads the new events from `events` in
//! position order, moves its
//! [`head_position`](EventStore::head_position) and publishes them on its
//! [`live_events`](EventStore::live_events) channel. The head moves only past events this
//! instance has read (or committed itself), so readers, which never look above the head, see
//! a gap-free prefix. The channel name is per database, not per schema: stores in other
//! schemas of the same database wake each other up, which costs a query and nothing else,
//! since the payload is only a hint and the truth is read from this schema's `log_head`.
//!
//! ## Opening a store
//!
//! - [`PostgresEventStore::connect`] with a URL: `postgres://user@host:5432/db` keeps the
//!   tables in the connection's default schema (normally `public`);
//!   `postgres://user@host:5432/db?options=-c%20search_path%3Dname` keeps them in the
//!   existing schema `name`.
//! - [`PostgresEventStore::connect_to_schema`] with a URL and a schema name creates the
//!   schema when it is missing and keeps the tables there.
//! - [`PostgresEventStore::connect_with`] takes a built `tokio_postgres::Config` and
//!   [`PostgresOptions`] (pool size, poll interval).
//!
//! After [`EventStore::shutdown`] the writer and the listener are stopped and the pool shrinks
//! to one connection, so that subscribers still read every event up to the final head (as
//! they do on sled); the pool is closed when the store is dropped.

use std::collections::hash_map::Entry;
use std::collections::{HashMap, HashSet};
use std::str::FromStr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod};
use tokio::sync::{broadcast, mpsc, oneshot};
use tokio::task::JoinHandle;
use tokio_postgres::error::SqlState;
use tokio_postgres::{AsyncMessage, NoTls};
use tokio_util::sync::{CancellationToken, DropGuard};
use uuid::Uuid;

use super::backend::{check_continues, decode_event, LogTail, OutcomeCollector};
use super::chain::hash_body;
use super::{
    AppendOutcome, AppendRequest, EventHash, EventStore, Position, RecordedEvent, StoreError,
    StreamVersion,
};
use crate::sync::locked;

/// The channel every commit notifies, with its last position as the payload.
pub const NOTIFY_CHANNEL: &str = "partnerhub_log";
/// How long the listener waits before connecting again after losing its connection.
const RECONNECT_DELAY: Duration = Duration::from_secs(1);
/// How long the listener waits for its connection to close politely when stopping.
const CLOSE_TIMEOUT: Duration = Duration::from_secs(1);
/// The most requests one group commit takes from the queue.
const MAX_BATCH_REQUESTS: usize = 4096;
/// How many appends may wait for the writer before callers wait to enqueue.
const WRITER_QUEUE: usize = 16_384;
/// How many live events a slow subscriber may fall behind before it reads from the store.
const LIVE_CAPACITY: usize = 4096;
/// How many events the follower reads per query.
const FOLLOW_PAGE: i64 = 1024;
/// The name of the unique key of `(stream_id, stream_version)`.
const STREAM_VERSION_KEY: &str = "events_stream_version_key";

/// The schema, one migration per version, applied in order and each only once.
const MIGRATIONS: &[(i32, &str)] = &[
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
];

/// Tuning of a [`PostgresEventStore`]; [`PostgresOptions::default`] suits a server.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PostgresOptions {
    /// Connections in the pool (at least 2): the writer uses one at a time, readers (catch-up
    /// of subscriptions, `read_stream`) the rest. Default 8. The listener has one more.
    pub pool_size: usize,
    /// How often the instance reads `log_head` in case a notification was lost (the
    /// notification connection dropped, or another process's notification queue
    /// overflowed): the most another process's event can be late here when notifications
    /// fail. Default 500 ms.
    pub poll_interval: Duration,
}

impl Default for PostgresOptions {
    fn default() -> Self {
        PostgresOptions {
            pool_size: 8,
            poll_interval: Duration::from_millis(500),
        }
    }
}

/// Counters of the writer, for tests and benchmarks.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CommitStatistics {
    /// How many transactions wrote events (one per group commit).
    pub commits: u64,
    /// How many events those transactions wrote.
    pub events: u64,
}

#[derive(Default)]
struct Counters {
    commits: AtomicU64,
    events: AtomicU64,
}

/// The PostgreSQL-backed [`EventStore`]. See the [module docs](self) for the design.
pub struct PostgresEventStore {
    /// Connections for reads and the writer's transactions (also lent to the key store,
    /// sessions and presence relay of a server on this schema).
    pool: Pool,
    /// How to connect, for the services of a server that need a connection of their own (a
    /// `LISTEN`).
    config: tokio_postgres::Config,
    /// The schema the tables are in.
    schema: String,
    /// This instance's view of the log: its head and its live channel.
    follower: Arc<Follower>,
    /// Kept to hand out live receivers synchronously; taken on shutdown so that, once the
    /// follower's copy is gone too, every subscription learns that no more events will come.
    live: Mutex<Option<broadcast::Sender<Arc<RecordedEvent>>>>,
    /// The writer task's queue.
    writer: mpsc::Sender<WriterMessage>,
    /// The writer, follower and listener tasks, awaited on shutdown.
    tasks: Mutex<Vec<JoinHandle<()>>>,
    /// Stops the follower and the listener.
    stop: CancellationToken,
    /// Stops them too when the store is dropped without a shutdown.
    _stop_on_drop: DropGuard,
    counters: Arc<Counters>,
}

enum WriterMessage {
    Append {
        request: AppendRequest,
        reply: oneshot::Sender<Result<AppendOutcome, StoreError>>,
    },
    Recorded {
        events: Vec<RecordedEvent>,
        reply: oneshot::Sender<Result<(), StoreError>>,
    },
    Shutdown {
        reply: oneshot::Sender<()>,
    },
}

impl PostgresEventStore {
    /// Connects to the database at `url`, creates or upgrades the tables and starts the
    /// writer, the listener and the follower.
    ///
    /// `url` is a `postgres://user[:password]@host[:port]/database` URL (or libpq key=value
    /// text). The tables go into the connection's first schema on its `search_path`: add
    /// `?options=-c%20search_path%3Dname` to use the existing schema `name`, or use
    /// [`PostgresEventStore::connect_to_schema`]. Connecting gives up after 10 s unless the
    /// URL sets its own `connect_timeout`.
    ///
    /// # Errors
    /// [`StoreError::Incompatible`] for a URL that cannot be parsed, a search path naming no
    /// existing schema, or tables written by a newer partnerhub; [`StoreError::Corrupt`] when
    /// `log_head` and `events` disagree or the last event does not hash to its recorded hash;
    /// [`StoreError::Backend`] when the database cannot be reached.
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        Self::connect_with(parse_url(url)?, PostgresOptions::default()).await
    }

    /// Like [`PostgresEventStore::connect`], keeping the tables in `schema`, which is created
    /// when it does not exist.
    ///
    /// # Errors
    /// [`StoreError::Incompatible`] when `schema` is not a plain name (lower-case ASCII
    /// letters, digits and `_`, not starting with a digit, at most 63 bytes), and every
    /// error of
    /// [`PostgresEventStore::connect`].
    pub async fn connect_to_schema(url: &str, schema: &str) -> Result<Self, StoreError> {
        let plain = !schema.is_empty()
            && schema.len() <= 63
            && schema
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
            && !schema.starts_with(|c: char| c.is_ascii_digit());
        if !plain {
            return Err(StoreError::Incompatible(format!(
                "`{schema}` is not a plain schema name (lower-case ASCII letters, digits and _)"
            )));
        }
        let mut config = parse_url(url)?;
        let (client, connection) = config.connect(NoTls).await.map_err(backend)?;
        let driver = tokio::spawn(connection);
        let created = client
            .batch_execute(&format!("CREATE SCHEMA IF NOT EXISTS \"{schema}\""))
            .await;
        drop(client);
        let _ = driver.await;
        if let Err(error) = created {
            // Another process creating it at the same moment is as good as creating it.
            let raced = matches!(
                error.code(),
                Some(code) if *code == SqlState::UNIQUE_VIOLATION || *code == SqlState::DUPLICATE_SCHEMA
            );
            if !raced {
                return Err(backend(error));
            }
        }
        let options = match config.get_options() {
            Some(existing) if !existing.trim().is_empty() => {
                format!("{existing} -c search_path={schema}")
            }
            _ => format!("-c search_path={schema}"),
        };
        config.options(options);
        Self::connect_with(config, PostgresOptions::default()).await
    }

    /// Like [`PostgresEventStore::connect`], with an already built connection configuration
    /// and options.
    ///
    /// # Errors
    /// As [`PostgresEventStore::connect`].
    pub async fn connect_with(
        config: tokio_postgres::Config,
        options: PostgresOptions,
    ) -> Result<Self, StoreError> {
        let manager = Manager::from_config(
            config.clone(),
            NoTls,
            ManagerConfig {
                recycling_method: RecyclingMethod::Fast,
            },
        );
        let pool = Pool::builder(manager)
            .max_size(options.pool_size.max(2))
            .build()
            .map_err(|error| StoreError::Backend(format!("cannot build the pool: {error}")))?;
        let schema = migrate(&pool).await?;
        let tail = open_tail(&pool).await?;

        let (live, _) = broadcast::channel(LIVE_CAPACITY);
        let follower = Arc::new(Follower {
            pool: pool.clone(),
            head: AtomicU64::new(tail.head),
            live: tokio::sync::Mutex::new(Some(live.clone())),
        });
        let counters = Arc::new(Counters::default());
        let stop = CancellationToken::new();
        let wakeups = Arc::new(Wakeups::default());
        let (sender, receiver) = mpsc::channel(WRITER_QUEUE);
        let writer = Writer {
            pool: pool.clone(),
            follower: follower.clone(),
            counters: counters.clone(),
        };
        let tasks = vec![
            tokio::spawn(writer.run(receiver)),
            tokio::spawn(follow(
                follower.clone(),
                wakeups.clone(),
                options.poll_interval,
                stop.clone(),
            )),
            tokio::spawn(listen(
                config.clone(),
                NOTIFY_CHANNEL.to_owned(),
                move |heard| match heard {
                    // Whatever was committed before the LISTEN took effect sent no
                    // notification here.
                    Heard::Listening => wakeups.notified(None),
                    Heard::Payload(payload) => wakeups.notified(payload.parse().ok()),
                },
                stop.clone(),
            )),
        ];
        tracing::info!(head = tail.head, %schema, "opened PostgreSQL event store");
        Ok(PostgresEventStore {
            pool,
            config,
            schema,
            follower,
            live: Mutex::new(Some(live)),
            writer: sender,
            tasks: Mutex::new(tasks),
            _stop_on_drop: stop.clone().drop_guard(),
            stop,
            counters,
        })
    }

    /// How many commits and events the writer of this instance has made since it connected.
    pub fn commit_statistics(&self) -> CommitStatistics {
        CommitStatistics {
            commits: self.counters.commits.load(Ordering::Acquire),
            events: self.counters.events.load(Ordering::Acquire),
        }
    }

    async fn send(&self, message: WriterMessage) -> Result<(), StoreError> {
        self.writer
            .send(message)
            .await
            .map_err(|_| StoreError::Closed)
    }

    async fn client(&self) -> Result<deadpool_postgres::Client, StoreError> {
        self.pool.get().await.map_err(pool_error)
    }

    /// The connection pool, shared with the other services of a server on this schema.
    pub(crate) fn pool(&self) -> &Pool {
        &self.pool
    }

    /// How this store connects (for a connection of one's own, such as a `LISTEN`).
    pub(crate) fn connection_config(&self) -> &tokio_postgres::Config {
        &self.config
    }

    /// The schema the tables are in.
    pub fn schema(&self) -> &str {
        &self.schema
    }
}

impl Drop for PostgresEventStore {
    fn drop(&mut self) {
        self.pool.close();
    }
}

#[async_trait]
impl EventStore for PostgresEventStore {
    async fn append(&self, request: AppendRequest) -> Result<AppendOutcome, StoreError> {
        let (reply, answer) = oneshot::channel();
        self.send(WriterMessage::Append { request, reply }).await?;
        let answer = answer.await.map_err(|_| StoreError::Closed)?;
        if let Err(StoreError::VersionConflict { .. }) = &answer {
            // Most likely another process appended to the stream: read its events before
            // answering, so a caller that catches up to `head_position` and decides again
            // decides on them, instead of on the state that just conflicted.
            if let Err(error) = self.follower.catch_up().await {
                tracing::warn!(%error, "cannot catch up after a version conflict");
            }
        }
        answer
    }

    async fn append_recorded(&self, events: Vec<RecordedEvent>) -> Result<(), StoreError> {
        let (reply, answer) = oneshot::channel();
        self.send(WriterMessage::Recorded { events, reply }).await?;
        answer.await.map_err(|_| StoreError::Closed)?
    }

    async fn read_stream(
        &self,
        stream_id: Uuid,
        from_version: StreamVersion,
        limit: usize,
    ) -> Result<Vec<RecordedEvent>, StoreError> {
        let head = self.head_position();
        if limit == 0 || head == 0 {
            return Ok(Vec::new());
        }
        let client = self.client().await?;
        let statement = client
            .prepare_cached(
                "SELECT position, bytes FROM events
                 WHERE stream_id = $1 AND stream_version >= $2 AND position <= $3
                 ORDER BY stream_version LIMIT $4",
            )
            .await
            .map_err(backend)?;
        let rows = client
            .query(
                &statement,
                &[
                    &stream_id,
                    &to_sql(from_version.max(1)),
                    &to_sql(head),
                    &to_sql(limit as u64),
                ],
            )
            .await
            .map_err(backend)?;
        rows.iter().map(event_from_row).collect()
    }

    async fn read_all(
        &self,
        from_position: Position,
        limit: usize,
    ) -> Result<Vec<RecordedEvent>, StoreError> {
        let head = self.head_position();
        let from = from_position.max(1);
        if from > head || limit == 0 {
            return Ok(Vec::new());
        }
        let last = head.min(from.saturating_add(limit as u64 - 1));
        let client = self.client().await?;
        let statement = client
            .prepare_cached(
                "SELECT position, bytes FROM events
                 WHERE position BETWEEN $1 AND $2 ORDER BY position",
            )
            .await
            .map_err(backend)?;
        let rows = client
            .query(&statement, &[&to_sql(from), &to_sql(last)])
            .await
            .map_err(backend)?;
        let mut events = Vec::with_capacity(rows.len());
        let mut expected = from;
        for row in &rows {
            let event = event_from_row(row)?;
            if event.position != expected {
                break;
            }
            events.push(event);
            expected += 1;
        }
        if expected != last + 1 {
            return Err(StoreError::Corrupt {
                position: expected,
                reason: "the event at this position is missing".into(),
            });
        }
        Ok(events)
    }

    async fn command_outcome(&self, command_id: Uuid) -> Result<Option<AppendOutcome>, StoreError> {
        let client = self.client().await?;
        let row = client
            .query_opt(
                "SELECT outcome FROM commands WHERE command_id = $1",
                &[&command_id],
            )
            .await
            .map_err(backend)?;
        drop(client);
        let Some(row) = row else {
            return Ok(None);
        };
        let outcome = outcome_from_json(command_id, row.get(0))?;
        if outcome.last_position > self.head_position() {
            // Committed by another process and not read here yet: read it before naming it.
            self.follower.catch_up().await?;
        }
        Ok(Some(AppendOutcome {
            deduplicated: true,
            ..outcome
        }))
    }

    fn head_position(&self) -> Position {
        self.follower.head()
    }

    fn live_events(&self) -> broadcast::Receiver<Arc<RecordedEvent>> {
        let live = locked(&self.live);
        match live.as_ref() {
            Some(sender) => sender.subscribe(),
            // Shut down: a receiver whose channel is already closed.
            None => broadcast::channel(1).1,
        }
    }

    async fn shutdown(&self) {
        let (reply, done) = oneshot::channel();
        if self.send(WriterMessage::Shutdown { reply }).await.is_ok() {
            let _ = done.await;
        }
        self.stop.cancel();
        let tasks = std::mem::take(&mut *locked(&self.tasks));
        for task in tasks {
            let _ = task.await;
        }
        let sender = locked(&self.live).take();
        drop(sender);
        drop(self.follower.live.lock().await.take());
        // Readers may still catch up to the final head; the pool closes with the store.
        self.pool.resize(1);
    }
}

/// This instance's view of the log: how far it has read, and where it publishes.
struct Follower {
    pool: Pool,
    /// The last position this instance has read or committed: readers never look past it.
    /// Only moved while `live` is locked, so events are published in order.
    head: AtomicU64,
    /// The live channel (taken on shutdown). Its lock serializes moving the head.
    live: tokio::sync::Mutex<Option<broadcast::Sender<Arc<RecordedEvent>>>>,
}

impl Follower {
    fn head(&self) -> Position {
        self.head.load(Ordering::Acquire)
    }

    /// Reads and publishes everything committed up to `log_head` now.
    async fn catch_up(&self) -> Result<(), StoreError> {
        let live = self.live.lock().await;
        let client = self.pool.get().await.map_err(pool_error)?;
        let row = client
            .query_one("SELECT position FROM log_head", &[])
            .await
            .map_err(backend)?;
        let target = from_sql(row.get(0), 0)?;
        self.read_through(&client, &live, target).await
    }

    /// Moves the head past a group this instance committed: first reads what other
    /// processes committed before it (up to `before`), then publishes the group's events.
    async fn advance(
        &self,
        before: Position,
        events: Vec<Arc<RecordedEvent>>,
    ) -> Result<(), StoreError> {
        let live = self.live.lock().await;
        if self.head() < before {
            let client = self.pool.get().await.map_err(pool_error)?;
            self.read_through(&client, &live, before).await?;
        }
        let head = self.head();
        let fresh: Vec<Arc<RecordedEvent>> = events
            .into_iter()
            .filter(|event| event.position > head)
            .collect();
        if let Some(first) = fresh.first() {
            if first.position != head + 1 {
                return Err(StoreError::Corrupt {
                    position: head + 1,
                    reason: format!(
                        "this instance has read up to {head}, but its own commit starts at {}",
                        first.position
                    ),
                });
            }
        }
        self.publish(&live, fresh);
        Ok(())
    }

    /// Reads committed events after the head up to `target`, in pages, moving the head and
    /// publishing each page.
    async fn read_through(
        &self,
        client: &deadpool_postgres::Client,
        live: &Option<broadcast::Sender<Arc<RecordedEvent>>>,
        target: Position,
    ) -> Result<(), StoreError> {
        let statement = client
            .prepare_cached(
                "SELECT position, bytes FROM events
                 WHERE position > $1 AND position <= $2 ORDER BY position LIMIT $3",
            )
            .await
            .map_err(backend)?;
        while self.head() < target {
            let head = self.head();
            let rows = client
                .query(&statement, &[&to_sql(head), &to_sql(target), &FOLLOW_PAGE])
                .await
                .map_err(backend)?;
            let mut page = Vec::with_capacity(rows.len());
            for row in &rows {
                let event = event_from_row(row)?;
                if event.position != head + 1 + page.len() as u64 {
                    break;
                }
                page.push(Arc::new(event));
            }
            if page.is_empty() {
                return Err(StoreError::Corrupt {
                    position: head + 1,
                    reason: format!(
                        "the log head says position {target} is committed, \
                         but the event at this position is missing"
                    ),
                });
            }
            self.publish(live, page);
        }
        Ok(())
    }

    /// Moves the head to the last of `events` (consecutive, right after the head) and
    /// publishes them.
    fn publish(
        &self,
        live: &Option<broadcast::Sender<Arc<RecordedEvent>>>,
        events: Vec<Arc<RecordedEvent>>,
    ) {
        let Some(last) = events.last() else {
            return;
        };
        self.head.store(last.position, Ordering::Release);
        if let Some(sender) = live {
            for event in events {
                // No receiver is not an error: nobody is listening yet.
                let _ = sender.send(event);
            }
        }
    }
}

/// What the listener tells the follower: however many notifications arrive while the
/// follower is busy, it wakes once and learns the highest position among them.
#[derive(Default)]
struct Wakeups {
    /// The highest position notified since the follower last looked (0: none).
    newest: AtomicU64,
    /// Whether something may have been committed without a usable notification (a payload
    /// that is not a position, or a new `LISTEN` that missed earlier ones).
    unknown: std::sync::atomic::AtomicBool,
    notify: tokio::sync::Notify,
}

impl Wakeups {
    fn notified(&self, position: Option<Position>) {
        match position {
            Some(position) => {
                self.newest.fetch_max(position, Ordering::AcqRel);
            }
            None => self.unknown.store(true, Ordering::Release),
        }
        // Stores a permit when the follower is busy, so the wake-up is not lost.
        self.notify.notify_one();
    }
}

/// Wakes the follower on notifications and every `poll_interval`, and catches up.
async fn follow(
    follower: Arc<Follower>,
    wakeups: Arc<Wakeups>,
    poll_interval: Duration,
    stop: CancellationToken,
) {
    let mut poll = tokio::time::interval(poll_interval);
    poll.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        let polled = tokio::select! {
            _ = stop.cancelled() => return,
            _ = wakeups.notify.notified() => false,
            _ = poll.tick() => true,
        };
        // A notification names a position; anything else (a poll, a reconnect) may hide news.
        let newest = wakeups.newest.swap(0, Ordering::AcqRel);
        let unknown = wakeups.unknown.swap(false, Ordering::AcqRel) || polled;
        if !unknown && newest <= follower.head() {
            continue;
        }
        if let Err(error) = follower.catch_up().await {
            tracing::warn!(%error, "following the PostgreSQL log failed; trying again");
        }
    }
}

/// What a `LISTEN` connection hears.
pub(crate) enum Heard<'a> {
    /// The `LISTEN` took effect (on the first connection and after every reconnect):
    /// notifications sent before were not heard.
    Listening,
    /// A notification's payload.
    Payload(&'a str),
}

/// Keeps a connection that `LISTEN`s on `channel` and hands what it hears to `heard`;
/// reconnects after [`RECONNECT_DELAY`] when the connection is lost, until `stop`.
pub(crate) async fn listen(
    config: tokio_postgres::Config,
    channel: String,
    heard: impl Fn(Heard<'_>) + Send + Sync + 'static,
    stop: CancellationToken,
) {
    let heard = Arc::new(heard);
    loop {
        let ended = listen_once(&config, &channel, &heard, &stop).await;
        if stop.is_cancelled() {
            return;
        }
        if let Err(error) = ended {
            tracing::warn!(%error, %channel, "a PostgreSQL notification connection was lost; connecting again");
        }
        tokio::select! {
            _ = stop.cancelled() => return,
            _ = tokio::time::sleep(RECONNECT_DELAY) => {}
        }
    }
}

async fn listen_once<F>(
    config: &tokio_postgres::Config,
    channel: &str,
    heard: &Arc<F>,
    stop: &CancellationToken,
) -> Result<(), String>
where
    F: Fn(Heard<'_>) + Send + Sync + 'static,
{
    let (client, mut connection) = config
        .connect(NoTls)
        .await
        .map_err(|error| describe(&error))?;
    let forward = heard.clone();
    let wanted = channel.to_owned();
    let mut driver = tokio::spawn(async move {
        loop {
            match std::future::poll_fn(|context| connection.poll_message(context)).await {
                Some(Ok(AsyncMessage::Notification(note))) if note.channel() == wanted => {
                    forward(Heard::Payload(note.payload()));
                }
                Some(Ok(_)) => {}
                Some(Err(error)) => return Err(describe(&error)),
                None => return Ok(()),
            }
        }
    });
    if let Err(error) = client.batch_execute(&format!("LISTEN \"{channel}\"")).await {
        driver.abort();
        return Err(describe(&error));
    }
    heard(Heard::Listening);
    tokio::select! {
        _ = stop.cancelled() => {
            // Dropping the client makes the connection say goodbye and end.
            drop(client);
            if tokio::time::timeout(CLOSE_TIMEOUT, &mut driver).await.is_err() {
                driver.abort();
            }
            Ok(())
        }
        ended = &mut driver => match ended {
            Ok(Ok(())) => Err("the server closed the connection".to_owned()),
            Ok(Err(error)) => Err(error),
            Err(error) => Err(error.to_string()),
        },
    }
}

/// The writer task: one group commit at a time.
struct Writer {
    pool: Pool,
    follower: Arc<Follower>,
    counters: Arc<Counters>,
}

/// One request of a group and where its answer goes.
struct Item {
    work: Work,
    reply: Reply,
}

enum Work {
    Append(AppendRequest),
    Recorded(Vec<RecordedEvent>),
}

enum Reply {
    Append(oneshot::Sender<Result<AppendOutcome, StoreError>>),
    Recorded(oneshot::Sender<Result<(), StoreError>>),
}

/// A request's answer within a group: an append's outcome, or `None` for an import.
type Answer = Result<Option<AppendOutcome>, StoreError>;

/// A committed group.
struct Committed {
    /// The log's head before the group: everything up to it was committed earlier.
    before: Position,
    /// The group's events, in order.
    events: Vec<Arc<RecordedEvent>>,
    /// One answer per item.
    answers: Vec<Answer>,
}

/// Why a group was not committed.
enum CommitError {
    /// The database refused or failed before the commit: nothing was written.
    Database(tokio_postgres::Error),
    /// No connection could be had.
    Pool(String),
    /// The stored tail cannot be read.
    Store(StoreError),
    /// `COMMIT` itself failed: the group may or may not have been written.
    Commit(tokio_postgres::Error),
}

impl From<tokio_postgres::Error> for CommitError {
    fn from(error: tokio_postgres::Error) -> Self {
        CommitError::Database(error)
    }
}

impl CommitError {
    /// The constraint a unique violation hit, if that is what happened.
    fn unique_violation(&self) -> Option<String> {
        let CommitError::Database(error) = self else {
            return None;
        };
        let db = error.as_db_error()?;
        (*db.code() == SqlState::UNIQUE_VIOLATION)
            .then(|| db.constraint().unwrap_or_default().to_owned())
    }

    fn to_store_error(&self) -> StoreError {
        match self {
            CommitError::Database(error) => StoreError::Backend(describe(error)),
            CommitError::Pool(reason) => StoreError::Backend(reason.clone()),
            CommitError::Store(error) => copy_error(error),
            CommitError::Commit(error) if error.as_db_error().is_some() => {
                StoreError::Backend(format!("the commit failed: {}", describe(error)))
            }
            CommitError::Commit(error) => StoreError::Backend(format!(
                "the connection failed during the commit, which may or may not have happened \
                 (retry with the same command id): {}",
                describe(error)
            )),
        }
    }
}

/// Rows of a group, in the column arrays `UNNEST` inserts at once.
#[derive(Default)]
struct Rows {
    positions: Vec<i64>,
    stream_ids: Vec<Uuid>,
    versions: Vec<i64>,
    command_ids: Vec<Uuid>,
    times: Vec<DateTime<Utc>>,
    bytes: Vec<Vec<u8>>,
    events: Vec<Arc<RecordedEvent>>,
    /// Outcomes of new appends: their command ids are new (checked under the lock).
    new_commands: Vec<(Uuid, AppendOutcome)>,
    /// Outcomes implied by imported events, with where each is in the list. An imported
    /// command may already be stored from an earlier batch it straddles: the insert then
    /// extends the stored outcome.
    recorded_commands: Vec<(Uuid, AppendOutcome)>,
    recorded_index: HashMap<Uuid, usize>,
}

/// Whether `later` continues the command `earlier` (an import batch ended inside it).
fn continues(earlier: &AppendOutcome, later: &AppendOutcome) -> bool {
    earlier.stream_id == later.stream_id && earlier.last_position + 1 == later.first_position
}

/// Command ids and outcomes as the arrays `UNNEST` inserts.
fn command_columns(
    commands: &[(Uuid, AppendOutcome)],
) -> Result<(Vec<Uuid>, Vec<serde_json::Value>), StoreError> {
    let mut ids = Vec::with_capacity(commands.len());
    let mut outcomes = Vec::with_capacity(commands.len());
    for (command_id, outcome) in commands {
        ids.push(*command_id);
        outcomes.push(outcome_to_json(outcome)?);
    }
    Ok((ids, outcomes))
}

impl Rows {
    fn add(&mut self, events: Vec<RecordedEvent>, encoded: Vec<Vec<u8>>) {
        for (event, bytes) in events.into_iter().zip(encoded) {
            self.positions.push(to_sql(event.position));
            self.stream_ids.push(event.stream_id);
            self.versions.push(to_sql(event.stream_version));
            self.command_ids.push(event.metadata.command_id);
            self.times.push(event.metadata.recorded_at);
            self.bytes.push(bytes);
            self.events.push(Arc::new(event));
        }
    }
}

impl Writer {
    async fn run(self, mut queue: mpsc::Receiver<WriterMessage>) {
        while let Some(first) = queue.recv().await {
            let mut messages = vec![first];
            while messages.len() < MAX_BATCH_REQUESTS {
                match queue.try_recv() {
                    Ok(message) => messages.push(message),
                    Err(_) => break,
                }
            }
            let mut items = Vec::with_capacity(messages.len());
            let mut shutdown = None;
            for message in messages {
                match message {
                    WriterMessage::Append { request, reply } => items.push(Item {
                        work: Work::Append(request),
                        reply: Reply::Append(reply),
                    }),
                    WriterMessage::Recorded { events, reply } => items.push(Item {
                        work: Work::Recorded(events),
                        reply: Reply::Recorded(reply),
                    }),
                    WriterMessage::Shutdown { reply } => shutdown = Some(reply),
                }
            }
            if !items.is_empty() {
                self.commit_group(items).await;
            }
            if let Some(reply) = shutdown {
                queue.close();
                let _ = reply.send(());
                return;
            }
        }
    }

    /// Commits a group in one transaction and answers its callers.
    async fn commit_group(&self, items: Vec<Item>) {
        match self.try_commit(&items).await {
            Ok(committed) => self.acknowledge(items, committed).await,
            Err(error) if items.len() > 1 && error.unique_violation().is_some() => {
                // Another writer got past the lock (it should not exist): find out which
                // request collides by committing each alone.
                tracing::warn!(
                    constraint = error.unique_violation().unwrap_or_default(),
                    "a group commit hit a unique key; committing its requests one by one"
                );
                for item in items {
                    let items = vec![item];
                    match self.try_commit(&items).await {
                        Ok(committed) => self.acknowledge(items, committed).await,
                        Err(error) => self.fail(items, &error).await,
                    }
                }
            }
            Err(error) => self.fail(items, &error).await,
        }
    }

    /// Answers every item of a group that was not committed.
    async fn fail(&self, items: Vec<Item>, error: &CommitError) {
        let conflict = error.unique_violation().as_deref() == Some(STREAM_VERSION_KEY);
        for item in items {
            let answer = match (&item.work, conflict) {
                (Work::Append(request), true) => match self.stream_version(request.stream_id).await
                {
                    Ok(actual) => StoreError::VersionConflict {
                        stream_id: request.stream_id,
                        expected: request.expected_version,
                        actual,
                    },
                    Err(error) => error,
                },
                _ => error.to_store_error(),
            };
            item.reply.send(Err(answer));
        }
    }

    /// Lets this instance read a committed group, then answers its callers: an append is
    /// acknowledged only once `head_position` covers it.
    async fn acknowledge(&self, items: Vec<Item>, committed: Committed) {
        let advanced = self
            .follower
            .advance(committed.before, committed.events)
            .await;
        if let Err(error) = &advanced {
            tracing::error!(%error, "a committed group cannot be read back");
        }
        for (item, answer) in items.into_iter().zip(committed.answers) {
            let answer = match (&advanced, answer) {
                (Err(error), Ok(_)) => Err(StoreError::Backend(format!(
                    "the append was committed but cannot be read back yet ({error}); \
                     retry with the same command id"
                ))),
                (_, answer) => answer,
            };
            item.reply.send(answer);
        }
    }

    /// The current version of one stream, outside any group.
    async fn stream_version(&self, stream_id: Uuid) -> Result<StreamVersion, StoreError> {
        let client = self.pool.get().await.map_err(pool_error)?;
        let row = client
            .query_opt(
                "SELECT stream_version FROM events WHERE stream_id = $1
                 ORDER BY stream_version DESC LIMIT 1",
                &[&stream_id],
            )
            .await
            .map_err(backend)?;
        match row {
            Some(row) => from_sql(row.get(0), 0),
            None => Ok(0),
        }
    }

    /// Validates, seals and writes a group in one transaction under the `log_head` lock.
    async fn try_commit(&self, items: &[Item]) -> Result<Committed, CommitError> {
        let mut client = self
            .pool
            .get()
            .await
            .map_err(|error| CommitError::Pool(pool_error(error).to_string()))?;
        let transaction = client.transaction().await?;
        let lock = transaction
            .prepare_cached("SELECT position, last_hash, last_recorded_at FROM log_head FOR UPDATE")
            .await?;
        let row = transaction.query_one(&lock, &[]).await?;
        let before = tail_from_row(&row).map_err(CommitError::Store)?;

        let mut command_ids = Vec::new();
        let mut stream_ids = HashSet::new();
        for item in items {
            match &item.work {
                Work::Append(request) => {
                    command_ids.push(request.context.command_id);
                    stream_ids.insert(request.stream_id);
                }
                Work::Recorded(events) => {
                    stream_ids.extend(events.iter().map(|event| event.stream_id));
                }
            }
        }
        let mut known: HashMap<Uuid, AppendOutcome> = HashMap::new();
        if !command_ids.is_empty() {
            let statement = transaction
                .prepare_cached(
                    "SELECT command_id, outcome FROM commands WHERE command_id = ANY($1)",
                )
                .await?;
            for row in transaction.query(&statement, &[&command_ids]).await? {
                let command_id: Uuid = row.get(0);
                let outcome =
                    outcome_from_json(command_id, row.get(1)).map_err(CommitError::Store)?;
                known.insert(command_id, outcome);
            }
        }
        let mut versions: HashMap<Uuid, StreamVersion> = HashMap::new();
        if !stream_ids.is_empty() {
            let stream_ids: Vec<Uuid> = stream_ids.into_iter().collect();
            let statement = transaction
                .prepare_cached(
                    "SELECT s.stream_id,
                            (SELECT e.stream_version FROM events e WHERE e.stream_id = s.stream_id
                             ORDER BY e.stream_version DESC LIMIT 1)
                     FROM UNNEST($1::uuid[]) AS s(stream_id)",
                )
                .await?;
            for row in transaction.query(&statement, &[&stream_ids]).await? {
                let version: Option<i64> = row.get(1);
                let version = from_sql(version.unwrap_or(0), 0).map_err(CommitError::Store)?;
                versions.insert(row.get(0), version);
            }
        }

        let mut tail = before;
        let mut rows = Rows::default();
        let mut answers = Vec::with_capacity(items.len());
        for item in items {
            let answer = match &item.work {
                Work::Append(request) => {
                    stage_append(&mut tail, &mut rows, &mut known, &mut versions, request)
                }
                Work::Recorded(events) => {
                    stage_recorded(&mut tail, &mut rows, &mut known, &mut versions, events)
                }
            };
            answers.push(answer);
        }

        let written = rows.events.len() as u64;
        if written > 0 {
            let insert = transaction
                .prepare_cached(
                    "INSERT INTO events
                         (position, stream_id, stream_version, command_id, recorded_at, bytes)
                     SELECT * FROM UNNEST($1::bigint[], $2::uuid[], $3::bigint[], $4::uuid[],
                                          $5::timestamptz[], $6::bytea[])",
                )
                .await?;
            transaction
                .execute(
                    &insert,
                    &[
                        &rows.positions,
                        &rows.stream_ids,
                        &rows.versions,
                        &rows.command_ids,
                        &rows.times,
                        &rows.bytes,
                    ],
                )
                .await?;
            if !rows.new_commands.is_empty() {
                let (ids, outcomes) =
                    command_columns(&rows.new_commands).map_err(CommitError::Store)?;
                let insert = transaction
                    .prepare_cached(
                        "INSERT INTO commands (command_id, outcome)
                         SELECT * FROM UNNEST($1::uuid[], $2::jsonb[])",
                    )
                    .await?;
                transaction.execute(&insert, &[&ids, &outcomes]).await?;
            }
            if !rows.recorded_commands.is_empty() {
                let (ids, outcomes) =
                    command_columns(&rows.recorded_commands).map_err(CommitError::Store)?;
                // A command already stored keeps its first outcome, extended when these
                // events continue it (an earlier import batch ended inside the command).
                let insert = transaction
                    .prepare_cached(
                        "INSERT INTO commands (command_id, outcome)
                         SELECT * FROM UNNEST($1::uuid[], $2::jsonb[])
                         ON CONFLICT (command_id) DO UPDATE
                         SET outcome = commands.outcome || jsonb_build_object(
                                 'last_position', EXCLUDED.outcome -> 'last_position',
                                 'stream_version', EXCLUDED.outcome -> 'stream_version')
                         WHERE commands.outcome ->> 'stream_id' = EXCLUDED.outcome ->> 'stream_id'
                           AND (commands.outcome ->> 'last_position')::bigint + 1
                               = (EXCLUDED.outcome ->> 'first_position')::bigint",
                    )
                    .await?;
                transaction.execute(&insert, &[&ids, &outcomes]).await?;
            }
            let update = transaction
                .prepare_cached(
                    "UPDATE log_head SET position = $1, last_hash = $2, last_recorded_at = $3",
                )
                .await?;
            transaction
                .execute(
                    &update,
                    &[
                        &to_sql(tail.head),
                        &tail.last_hash.to_hex(),
                        &tail.last_recorded_at,
                    ],
                )
                .await?;
            // Delivered when (and only if) the transaction commits.
            let notify = transaction
                .prepare_cached("SELECT pg_notify($1, $2)")
                .await?;
            transaction
                .execute(&notify, &[&NOTIFY_CHANNEL, &tail.head.to_string()])
                .await?;
        }
        transaction.commit().await.map_err(CommitError::Commit)?;
        if written > 0 {
            self.counters.commits.fetch_add(1, Ordering::AcqRel);
            self.counters.events.fetch_add(written, Ordering::AcqRel);
        }
        Ok(Committed {
            before: before.head,
            events: rows.events,
            answers,
        })
    }
}

/// Stages one append of a group: a known command id returns its first outcome, otherwise the
/// request is checked against its stream's version and sealed at the tail.
fn stage_append(
    tail: &mut LogTail,
    rows: &mut Rows,
    known: &mut HashMap<Uuid, AppendOutcome>,
    versions: &mut HashMap<Uuid, StreamVersion>,
    request: &AppendRequest,
) -> Answer {
    let command_id = request.context.command_id;
    if let Some(outcome) = known.get(&command_id) {
        return Ok(Some(AppendOutcome {
            deduplicated: true,
            ..outcome.clone()
        }));
    }
    let current = versions.get(&request.stream_id).copied().unwrap_or(0);
    let sealed = tail.seal_append(request.clone(), current)?;
    versions.insert(request.stream_id, sealed.outcome.stream_version);
    known.insert(command_id, sealed.outcome.clone());
    rows.new_commands.push((command_id, sealed.outcome.clone()));
    rows.add(sealed.events, sealed.encoded);
    Ok(Some(sealed.outcome))
}

/// Stages one import message of a group: all of it continues the log, or none is written.
fn stage_recorded(
    tail: &mut LogTail,
    rows: &mut Rows,
    known: &mut HashMap<Uuid, AppendOutcome>,
    versions: &mut HashMap<Uuid, StreamVersion>,
    events: &[RecordedEvent],
) -> Answer {
    let after = check_continues(tail, events, |stream_id| {
        Ok(versions.get(&stream_id).copied().unwrap_or(0))
    })?;
    let mut encoded = Vec::with_capacity(events.len());
    let mut outcomes = OutcomeCollector::default();
    for event in events {
        encoded.push(event.to_canonical_bytes().map_err(|error| {
            StoreError::InvalidAppend(format!("the event cannot be encoded: {error}"))
        })?);
        outcomes.add(event);
    }
    for (command_id, outcome) in outcomes.finish() {
        if let Some(&index) = rows.recorded_index.get(&command_id) {
            // Imported earlier in this group: extend it if these events continue it.
            let earlier = &mut rows.recorded_commands[index].1;
            if continues(earlier, &outcome) {
                earlier.last_position = outcome.last_position;
                earlier.stream_version = outcome.stream_version;
                known.insert(command_id, earlier.clone());
            }
        } else if let Entry::Vacant(entry) = known.entry(command_id) {
            rows.recorded_index
                .insert(command_id, rows.recorded_commands.len());
            rows.recorded_commands.push((command_id, outcome.clone()));
            entry.insert(outcome);
        }
    }
    versions.extend(after);
    if let Some(last) = events.last() {
        tail.follow(last);
    }
    rows.add(events.to_vec(), encoded);
    Ok(None)
}

impl Reply {
    fn send(self, answer: Answer) {
        // A caller that gave up waiting is not the writer's problem.
        match self {
            Reply::Append(reply) => {
                let _ = reply.send(answer.and_then(|outcome| {
                    outcome.ok_or_else(|| {
                        StoreError::Backend("the writer lost the append's outcome".into())
                    })
                }));
            }
            Reply::Recorded(reply) => {
                let _ = reply.send(answer.map(|_| ()));
            }
        }
    }
}

/// Creates or upgrades the tables, each missing migration once, in one transaction.
///
/// # Returns
/// The schema the tables are in.
async fn migrate(pool: &Pool) -> Result<String, StoreError> {
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

async fn apply_migrations(
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

/// Reads the tail of the log and checks it, in one snapshot: `log_head` must name the last
/// event, and that event must hash to its recorded hash.
async fn open_tail(pool: &Pool) -> Result<LogTail, StoreError> {
    let client = pool.get().await.map_err(pool_error)?;
    let row = client
        .query_one(
            "SELECT h.position, h.last_hash, h.last_recorded_at,
                    (SELECT max(position) FROM events),
                    (SELECT bytes FROM events WHERE position = h.position)
             FROM log_head h",
            &[],
        )
        .await
        .map_err(backend)?;
    let tail = tail_from_row(&row)?;
    let last: Option<i64> = row.get(3);
    let last = from_sql(last.unwrap_or(0), tail.head)?;
    if last != tail.head {
        return Err(StoreError::Corrupt {
            position: last.max(tail.head),
            reason: format!(
                "log_head says the log ends at position {} but events hold up to {last}",
                tail.head
            ),
        });
    }
    if tail.head > 0 {
        let bytes: Option<Vec<u8>> = row.get(4);
        let bytes = bytes.ok_or_else(|| StoreError::Corrupt {
            position: tail.head,
            reason: "the last event is missing".into(),
        })?;
        let event = decode_event(tail.head, &bytes)?;
        let computed = hash_body(&event).map_err(|error| StoreError::Corrupt {
            position: tail.head,
            reason: error.to_string(),
        })?;
        if computed != event.hash || event.hash != tail.last_hash {
            return Err(StoreError::Corrupt {
                position: tail.head,
                reason: format!(
                    "the last event's contents hash to {computed}, its recorded hash is {} \
                     and log_head says {}",
                    event.hash, tail.last_hash
                ),
            });
        }
    }
    Ok(tail)
}

fn tail_from_row(row: &tokio_postgres::Row) -> Result<LogTail, StoreError> {
    let head = from_sql(row.get(0), 0)?;
    let hash: String = row.get(1);
    let last_hash = EventHash::from_hex(&hash).map_err(|reason| StoreError::Corrupt {
        position: head,
        reason: format!("log_head holds a bad hash: {reason}"),
    })?;
    Ok(LogTail {
        head,
        last_hash,
        last_recorded_at: row.get(2),
    })
}

fn event_from_row(row: &tokio_postgres::Row) -> Result<RecordedEvent, StoreError> {
    let position = from_sql(row.get(0), 0)?;
    let bytes: &[u8] = row.get(1);
    decode_event(position, bytes)
}

fn outcome_to_json(outcome: &AppendOutcome) -> Result<serde_json::Value, StoreError> {
    serde_json::to_value(outcome).map_err(|error| {
        StoreError::InvalidAppend(format!("the outcome cannot be encoded: {error}"))
    })
}

fn outcome_from_json(
    command_id: Uuid,
    json: serde_json::Value,
) -> Result<AppendOutcome, StoreError> {
    serde_json::from_value(json).map_err(|error| StoreError::Corrupt {
        position: 0,
        reason: format!("the record of command {command_id} cannot be read: {error}"),
    })
}

/// How long connecting may take when the URL does not say (`connect_timeout`): an
/// unreachable host is an error, not a hang.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

fn parse_url(url: &str) -> Result<tokio_postgres::Config, StoreError> {
    // The URL may hold a password: name the problem, not the URL.
    let mut config = tokio_postgres::Config::from_str(url).map_err(|error| {
        StoreError::Incompatible(format!("not a PostgreSQL connection URL: {error}"))
    })?;
    if config.get_connect_timeout().is_none() {
        config.connect_timeout(CONNECT_TIMEOUT);
    }
    Ok(config)
}

/// Where `url` points, for messages: user, hosts, ports and database, never the password.
/// A URL that cannot be parsed is described as such.
pub fn describe_url(url: &str) -> String {
    let Ok(config) = tokio_postgres::Config::from_str(url) else {
        return "an unparsable PostgreSQL URL".to_owned();
    };
    let hosts: Vec<String> = config
        .get_hosts()
        .iter()
        .enumerate()
        .map(|(index, host)| {
            let name = match host {
                tokio_postgres::config::Host::Tcp(name) => name.clone(),
                #[cfg(unix)]
                tokio_postgres::config::Host::Unix(path) => path.display().to_string(),
            };
            match config.get_ports().get(index).or(config.get_ports().first()) {
                Some(port) => format!("{name}:{port}"),
                None => name,
            }
        })
        .collect();
    format!(
        "postgres://{}{}/{}",
        config
            .get_user()
            .map(|user| format!("{user}@"))
            .unwrap_or_default(),
        hosts.join(","),
        config.get_dbname().unwrap_or_default()
    )
}

/// A position or version as PostgreSQL stores it (`BIGINT`); a log never gets near 2⁶³.
fn to_sql(value: u64) -> i64 {
    i64::try_from(value).unwrap_or(i64::MAX)
}

/// A stored position or version, which the tables' checks keep positive.
fn from_sql(value: i64, position: Position) -> Result<u64, StoreError> {
    u64::try_from(value).map_err(|_| StoreError::Corrupt {
        position,
        reason: format!("a stored position or version is negative ({value})"),
    })
}

/// The database's own message where there is one (tokio-postgres shows only "db error"),
/// else the error with its cause ("error connecting to server: Connection refused").
pub(crate) fn describe(error: &tokio_postgres::Error) -> String {
    if let Some(db) = error.as_db_error() {
        return db.to_string();
    }
    match std::error::Error::source(error) {
        Some(cause) => format!("{error}: {cause}"),
        None => error.to_string(),
    }
}

fn backend(error: tokio_postgres::Error) -> StoreError {
    StoreError::Backend(describe(&error))
}

fn pool_error(error: deadpool_postgres::PoolError) -> StoreError {
    match error {
        deadpool_postgres::PoolError::Closed => StoreError::Closed,
        deadpool_postgres::PoolError::Backend(error) => backend(error),
        other => StoreError::Backend(format!("no database connection: {other}")),
    }
}

/// The same error again, for answering every request of a failed group.
fn copy_error(error: &StoreError) -> StoreError {
    match error {
        StoreError::VersionConflict {
            stream_id,
            expected,
            actual,
        } => StoreError::VersionConflict {
            stream_id: *stream_id,
            expected: *expected,
            actual: *actual,
        },
        StoreError::InvalidAppend(reason) => StoreError::InvalidAppend(reason.clone()),
        StoreError::DoesNotContinue(chain_break) => {
            StoreError::DoesNotContinue(chain_break.clone())
        }
        StoreError::Corrupt { position, reason } => StoreError::Corrupt {
            position: *position,
            reason: reason.clone(),
        },
        StoreError::Incompatible(reason) => StoreError::Incompatible(reason.clone()),
        StoreError::WritesStopped(reason) => StoreError::WritesStopped(reason.clone()),
        StoreError::Closed => StoreError::Closed,
        StoreError::Backend(reason) => StoreError::Backend(reason.clone()),
    }
}
