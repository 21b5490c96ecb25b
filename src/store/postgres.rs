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
//! - `commands`: each command id's first [`AppendOutcome`], for idempotent retries, in typed
//!   columns (rows written before schema version 7 hold it as JSONB, and are read from it);
//! - `sealing_keys` and `sessions`: not part of the log, but what the server nodes on one
//!   schema share besides it: the keys of personal data ([`crate::privacy::KeyStore`]) and
//!   login sessions ([`crate::accounts::sessions`]).
//!
//! ## Global order: the events' primary key
//!
//! A writer reads the log's tail (its last event: position, hash and time), assigns the next
//! positions, seals the events with the code sled uses (same hashes, clamped times and
//! bytes), and inserts events and command outcomes in one transaction. The primary key on
//! `position` orders all writers, in this process and in every other process on the same
//! schema: the next position can be inserted once, and a second writer's insert of it waits
//! for the first's transaction, then fails on the key if that one committed (and succeeds if
//! it rolled back); the loser reads the new tail and decides again. No row is locked or
//! updated besides the rows a commit adds (until schema version 8 every commit also moved a
//! one-row `log_head` table under its lock, a third of the commit's work in PostgreSQL;
//! migration 8 drops it). Hence:
//!
//! - **Positions become visible in order.** Every writer chains to a tail it has seen
//!   committed (read from `events`, or its own commit), and checks in its statement that the
//!   tail is stored; so a transaction that writes position `n + 1` starts after the one that
//!   wrote `n` has committed, and every snapshot sees the committed events as exactly
//!   `1..=max(position)`.
//! - **No gaps.** A transaction that rolls back (an error, a killed client, a dropped
//!   connection) leaves its positions free; the next writer inserts the same positions again.
//!
//! A design that takes positions from a `bigserial` does not have these properties: sequence
//! values are handed out at insert time but become visible at commit, in any order. A reader
//! that sees position 11 committed and moves its cursor past it can miss position 10, whose
//! transaction started earlier and commits a moment later: the subscriber then never sees
//! that event. Rolled-back transactions also leave permanent holes. Here nothing is visible
//! until its whole prefix is, so a reader may safely move past anything it has read.
//!
//! Stream versions are checked inside the same transaction, against versions read after the
//! tail (a commit after the tail read makes the insert fail on the position key), so
//! optimistic concurrency holds across processes too; the unique key
//! `(stream_id, stream_version)` is the last line of defence, and hitting it is reported as
//! [`StoreError::VersionConflict`] with the stream's actual version. A row committed past the
//! tail by a writer that does not chain to it becomes the tail: the next append reads it,
//! reports it as [`StoreError::Corrupt`] at its position and writes nothing after it.
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
//! A group of appends is first tried in **one round trip**: one statement, its own
//! transaction, sealed on the tail this instance last read or committed (usually its own
//! previous group) and on each stream being at the version its first request expects
//! (`NoStream` or `Exact`, what the domain sends). It inserts only if that tail is stored, no
//! stream is at another version and no command id of the group is stored (its inserts and
//! its `NOTIFY` take their rows from one row of checks, so a stale assumption writes
//! nothing), and the position key refuses it if another writer took the next position
//! meanwhile. The group is then committed as described above, reading first: another node committed in between, a command
//! is retried, a decision was taken on an old version, or the group holds an import or an
//! `Any` expectation. Callers get the same answers either way. The writer has a connection
//! of its own, on which its statements run on generic plans, made once per connection rather
//! than for every group (`WRITER_SESSION`).
//!
//! A group waits, up to [`PostgresOptions::gather_wait`], for as many appends as were lately
//! outstanding at once: with sixteen clients the groups were eleven appends on median and a
//! tenth of them one (the clients just answered sent again a moment after the others had
//! queued), each a statement and a flush; gathered, they are one group of sixteen
//! (BENCHMARKS.md, issue 19 scenario 1).
//!
//! If a commit's outcome is unknown (the connection broke during `COMMIT`), the callers get
//! [`StoreError::Backend`]; retrying with the same command id returns the outcome if the
//! commit did happen.
//!
//! ## Following the log: notifications carry positions only
//!
//! A committing transaction issues `NOTIFY partnerhub_log, '<last position>'`, delivered on
//! commit. Each instance keeps a dedicated `LISTEN` connection (unless
//! [`PostgresOptions::listen`] is off) and, as a fallback, reads the last position every 500 ms
//! ([`PostgresOptions::poll_interval`]); a caller that must see what another process has
//! just committed asks for it ([`EventStore::catch_up`]). When it learns of new
//! positions (its own or another process's) it reads the new events from `events` in
//! position order, moves its
//! [`head_position`](EventStore::head_position) and publishes them on its
//! [`live_events`](EventStore::live_events) channel. The head moves only past events this
//! instance has read (or committed itself), so readers, which never look above the head, see
//! a gap-free prefix. The channel name is per database, not per schema: stores in other
//! schemas of the same database wake each other up, which costs a query and nothing else,
//! since the payload is only a hint and the truth is read from this schema's `events`.
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
//! After [`EventStore::shutdown`] the writer (with its connection) and the listener are
//! stopped and the pool shrinks
//! to one connection, so that subscribers still read every event up to the final head (as
//! they do on sled); the pool is closed when the store is dropped.
//!
//! ## Files
//!
//! This file holds the store and its reads; `writer` the group commit, `follower` how each
//! instance follows the log and wakes on `NOTIFY`, `schema` the migrations.

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
    AppendOutcome, AppendRequest, EventStore, FoldSlot, Position, PublishedFold, RecordedEvent,
    StoreError, StreamVersion, TimelineIndexEntry,
};
use crate::sync::locked;

mod checkpoint;
mod follower;
mod schema;
mod timeline;
mod writer;

use self::follower::{follow, Follower, Wakeups};
pub(crate) use self::follower::{listen, Heard};
use self::schema::migrate;
use self::writer::Writer;

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

/// Tuning of a [`PostgresEventStore`]; [`PostgresOptions::default`] suits a server.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PostgresOptions {
    /// Connections in the pool (at least 2) for readers (catch-up of subscriptions,
    /// `read_stream`) and the server's other services. Default 8. The writer has one more of
    /// its own, and so has the listener.
    pub pool_size: usize,
    /// How often the instance reads the log's last position in case a notification was lost (the
    /// notification connection dropped, or another process's notification queue
    /// overflowed): the most another process's event can be late here when notifications
    /// fail. Default 500 ms.
    pub poll_interval: Duration,
    /// Whether the instance `LISTEN`s for other processes' commits (default true). Without
    /// it, it learns of them only by polling every `poll_interval` or when a caller asks
    /// ([`EventStore::catch_up`]): for a connection pooler in transaction mode, where
    /// `LISTEN` does not work, and for tests of a node that is behind the shared log.
    pub listen: bool,
    /// How long a group commit waits at most for the appends expected with it: as many as
    /// were lately outstanding at once (a group and those that queued while it committed).
    /// Among many clients the ones just answered send again a moment after the others
    /// queued; without the wait they make a group, a statement and a flush of their own.
    /// Default 1 ms; zero never waits.
    pub gather_wait: Duration,
}

impl Default for PostgresOptions {
    fn default() -> Self {
        PostgresOptions {
            pool_size: 8,
            poll_interval: Duration::from_millis(500),
            listen: true,
            gather_wait: Duration::from_millis(1),
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
    /// How many of those commits were one statement on the tail this instance knew, without
    /// reading the tail first (the rest found an assumption stale, or held an import).
    pub in_one_round_trip: u64,
}

#[derive(Default)]
struct Counters {
    commits: AtomicU64,
    events: AtomicU64,
    in_one_round_trip: AtomicU64,
}

/// The PostgreSQL-backed [`EventStore`]. See the [module docs](self) for the design.
pub struct PostgresEventStore {
    /// Connections for reads and the reading follower (also lent to the key store, sessions
    /// and presence relay of a server on this schema); the writer has its own.
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
    /// The writer, follower, watch and listener tasks, awaited on shutdown.
    tasks: Mutex<Vec<JoinHandle<()>>>,
    /// Stops the follower, the watch and the listener.
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
    /// the last event does not hash to its recorded hash;
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
        let config = parse_url(url)?;
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
        let config = with_options(&config, &format!("-c search_path={schema}"));
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
        let pool = build_pool(config.clone(), options.pool_size.max(2))?;
        // The writer's statements on generic plans (see `WRITER_SESSION`).
        let writer_pool = build_pool(with_options(&config, WRITER_SESSION), 1)?;
        let schema = migrate(&pool).await?;
        let tail = open_tail(&pool).await?;

        let (live, _) = broadcast::channel(LIVE_CAPACITY);
        let follower = Arc::new(Follower {
            pool: pool.clone(),
            head: AtomicU64::new(tail.head),
            tail: Mutex::new(tail),
            live: tokio::sync::Mutex::new(Some(live.clone())),
            fold: FoldSlot::default(),
            committing: AtomicU64::new(0),
        });
        let counters = Arc::new(Counters::default());
        let stop = CancellationToken::new();
        let wakeups = Arc::new(Wakeups::default());
        let (sender, receiver) = mpsc::channel(WRITER_QUEUE);
        let writer = Writer {
            pool: writer_pool,
            held: tokio::sync::Mutex::new(None),
            gather_wait: options.gather_wait,
            follower: follower.clone(),
            counters: counters.clone(),
        };
        let mut tasks = vec![
            tokio::spawn(writer.run(receiver)),
            tokio::spawn(follow(
                follower.clone(),
                wakeups.clone(),
                options.poll_interval,
                stop.clone(),
            )),
        ];
        if options.listen {
            let known = follower.clone();
            tasks.push(tokio::spawn(listen(
                config.clone(),
                NOTIFY_CHANNEL.to_owned(),
                move |heard| match heard {
                    // Whatever was committed before the LISTEN took effect sent no
                    // notification here.
                    Heard::Listening => wakeups.notified(None),
                    Heard::Payload(payload) => match payload.parse() {
                        // Most often this instance's own commit: no need to wake the
                        // follower only for it to find that out.
                        Ok(position) if known.knows(position) => {}
                        position => wakeups.notified(position.ok()),
                    },
                },
                stop.clone(),
            )));
        }
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
            in_one_round_trip: self.counters.in_one_round_trip.load(Ordering::Acquire),
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
        let (stream_id, command_id) = (request.stream_id, request.context.command_id);
        let (reply, answer) = oneshot::channel();
        self.send(WriterMessage::Append { request, reply }).await?;
        let answer = answer.await.map_err(|_| StoreError::Closed)?;
        if let Err(StoreError::VersionConflict { .. }) = &answer {
            // Most likely another process appended to the stream: read its events before
            // answering, so a caller that catches up to `head_position` and decides again
            // decides on them, instead of on the state that just conflicted.
            if let Err(error) = self.follower.catch_up().await {
                // Named here: the command's own span is at debug level (`execute_as`).
                tracing::warn!(%error, %stream_id, %command_id, "cannot catch up after a version conflict");
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
                &format!("SELECT {OUTCOME_COLUMNS} FROM commands WHERE command_id = $1"),
                &[&command_id],
            )
            .await
            .map_err(backend)?;
        drop(client);
        let Some(row) = row else {
            return Ok(None);
        };
        let outcome = outcome_from_row(command_id, &row, 0)?;
        if outcome.last_position > self.head_position() {
            // Committed by another process and not read here yet: read it before naming it.
            self.follower.catch_up().await?;
        }
        Ok(Some(AppendOutcome {
            deduplicated: true,
            ..outcome
        }))
    }

    async fn save_checkpoint(&self, bytes: Vec<u8>) -> Result<(), StoreError> {
        self.save_checkpoint_chunks(&bytes).await
    }

    async fn read_checkpoint(&self, pieces: mpsc::Sender<Vec<u8>>) -> Result<bool, StoreError> {
        self.read_checkpoint_chunks(&pieces).await
    }

    async fn save_timeline(
        &self,
        entries: Vec<TimelineIndexEntry>,
        mark: Option<Vec<u8>>,
    ) -> Result<(), StoreError> {
        self.save_timeline_rows(entries, mark).await
    }

    async fn timeline_mark(&self) -> Result<Option<Vec<u8>>, StoreError> {
        self.timeline_mark_row().await
    }

    async fn read_timeline(
        &self,
        workspace_id: Uuid,
        entity_id: Option<Uuid>,
        up_to: Position,
    ) -> Result<Vec<(Position, Vec<u8>)>, StoreError> {
        self.read_timeline_rows(workspace_id, entity_id, up_to)
            .await
    }

    async fn clear_timeline(&self) -> Result<(), StoreError> {
        self.clear_timeline_rows().await
    }

    fn head_position(&self) -> Position {
        self.follower.head()
    }

    async fn catch_up(&self) -> Result<Position, StoreError> {
        self.follower.catch_up().await?;
        Ok(self.follower.head())
    }

    fn live_events(&self) -> broadcast::Receiver<Arc<RecordedEvent>> {
        let live = locked(&self.live);
        match live.as_ref() {
            Some(sender) => sender.subscribe(),
            // Shut down: a receiver whose channel is already closed.
            None => broadcast::channel(1).1,
        }
    }

    fn fold_when_published(&self, fold: PublishedFold) -> bool {
        self.follower.fold.set(fold)
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

/// A pool of at most `size` connections made with `config`.
fn build_pool(config: tokio_postgres::Config, size: usize) -> Result<Pool, StoreError> {
    let manager = Manager::from_config(
        config,
        NoTls,
        ManagerConfig {
            recycling_method: RecyclingMethod::Fast,
        },
    );
    Pool::builder(manager)
        .max_size(size)
        .build()
        .map_err(|error| StoreError::Backend(format!("cannot build the pool: {error}")))
}

/// `config` with `options` (`-c name=value` settings of the session) after its own.
fn with_options(config: &tokio_postgres::Config, options: &str) -> tokio_postgres::Config {
    let mut config = config.clone();
    let options = match config.get_options() {
        Some(existing) if !existing.trim().is_empty() => format!("{existing} {options}"),
        _ => options.to_owned(),
    };
    config.options(options);
    config
}

/// The writer's session: its prepared statements run on their generic plans, made once per
/// connection, instead of being planned again for every group. PostgreSQL keeps replanning
/// the one-statement commit by default (it cannot tell a generic plan for arrays of unknown
/// length is as cheap), and that planning was about a fifth of the database's CPU per
/// commit (BENCHMARKS.md, issue 19 scenario 1). Every statement of the writer finds its
/// rows by a key, looked up one by one, so its generic plan stays on the keys however empty
/// the tables were when it was made; the readers' pool keeps the default.
const WRITER_SESSION: &str = "-c plan_cache_mode=force_generic_plan";

/// The log's last event, by its key from the end: what the tail is (no event: empty).
const LAST_EVENT: &str = "SELECT position, bytes FROM events ORDER BY position DESC LIMIT 1";

/// Reads the tail of the log: its last event, which must hash to its recorded hash.
async fn open_tail(pool: &Pool) -> Result<LogTail, StoreError> {
    let client = pool.get().await.map_err(pool_error)?;
    let row = client.query_opt(LAST_EVENT, &[]).await.map_err(backend)?;
    tail_from_last(row.as_ref())
}

/// The tail after the last event, a row of [`LAST_EVENT`], checked: the event's contents must
/// hash to its recorded hash, which the next event chains to.
fn tail_from_last(row: Option<&tokio_postgres::Row>) -> Result<LogTail, StoreError> {
    let Some(row) = row else {
        return Ok(LogTail::EMPTY);
    };
    let event = event_from_row(row)?;
    let computed = hash_body(&event).map_err(|error| StoreError::Corrupt {
        position: event.position,
        reason: error.to_string(),
    })?;
    if computed != event.hash {
        return Err(StoreError::Corrupt {
            position: event.position,
            reason: format!(
                "the last event's contents hash to {computed}, its recorded hash is {}",
                event.hash
            ),
        });
    }
    let mut tail = LogTail::EMPTY;
    tail.follow(&event);
    Ok(tail)
}

fn event_from_row(row: &tokio_postgres::Row) -> Result<RecordedEvent, StoreError> {
    let position = from_sql(row.get(0), 0)?;
    let bytes: &[u8] = row.get(1);
    decode_event(position, bytes)
}

/// The columns of `commands` that hold an outcome, in the order [`outcome_from_row`] reads
/// them: the typed columns (migration 7), then the JSONB of rows written before them.
const OUTCOME_COLUMNS: &str = "stream_id, first_position, last_position, stream_version, outcome";

/// The outcome of command `command_id` from a row that holds [`OUTCOME_COLUMNS`] from column
/// `first` on: its typed columns, or, for a row written before they existed, its JSONB.
fn outcome_from_row(
    command_id: Uuid,
    row: &tokio_postgres::Row,
    first: usize,
) -> Result<AppendOutcome, StoreError> {
    let stream_id: Option<Uuid> = row.get(first);
    if let Some(stream_id) = stream_id {
        let number = |offset: usize| -> Result<u64, StoreError> {
            let value: Option<i64> = row.get(first + offset);
            let value = value.ok_or_else(|| StoreError::Corrupt {
                position: 0,
                reason: format!("the record of command {command_id} is incomplete"),
            })?;
            from_sql(value, 0)
        };
        return Ok(AppendOutcome {
            stream_id,
            first_position: number(1)?,
            last_position: number(2)?,
            stream_version: number(3)?,
            deduplicated: false,
        });
    }
    let json: Option<serde_json::Value> = row.get(first + 4);
    let json = json.ok_or_else(|| StoreError::Corrupt {
        position: 0,
        reason: format!("the record of command {command_id} holds no outcome"),
    })?;
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
