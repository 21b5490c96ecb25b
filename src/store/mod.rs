//! The event log: the one source of truth of partnerhub.
//!
//! Everything that happens in a workspace is an event appended here; every view (network map,
//! portfolio, timelines) is rebuilt from it. This module owns the contract every backend
//! keeps, as the [`EventStore`] trait:
//!
//! - **Append** a command's events to one stream with an expected stream version
//!   (optimistic concurrency; a conflict is [`StoreError::VersionConflict`] naming the stream
//!   and both versions). A command id seen before returns the first result again
//!   ([`AppendOutcome::deduplicated`]), so clients may retry safely.
//! - **Durable before acknowledged**: `append` returns only after the events are on disk.
//!   Concurrent appends share one flush (group commit).
//! - **Read** a stream, or the whole log from a position; **subscribe** from a position
//!   ([`Subscription`]): catch up from disk, then follow live, with no gap and no duplicate.
//! - Every event is chained to the one before it by a hash ([`chain`]), so `verify` can prove
//!   the log was not changed.
//!
//! Backends, each tested against the same contract suite (`tests/store_contract.rs`):
//!
//! - [`SledEventStore`] ([`sled`]): embedded, one process, one data directory; the default.
//! - [`PostgresEventStore`] ([`postgres`]): tables in a PostgreSQL schema, shared by any
//!   number of server processes; a row lock held to commit gives one gap-free global order,
//!   and `LISTEN`/`NOTIFY` tells every process of new positions.
//!
//! [`envelope`] turns a typed event into the type name and payload the log keeps, and back.
//!
//! Readers only ever see durable events. [`transfer`] moves logs through files (verify,
//! export, import) and [`migrate`] from one store to another; both work through the trait,
//! so they serve every backend alike.

mod backend;
pub mod chain;
pub mod envelope;
pub mod migrate;
pub mod postgres;
pub mod record;
pub mod sled;
pub mod subscription;
pub mod transfer;

use std::fmt;
use std::sync::Arc;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use tokio::sync::broadcast;
use uuid::Uuid;

pub use self::chain::{ChainBreak, ChainVerifier};
pub use self::postgres::PostgresEventStore;
pub use self::record::{
    CommandContext, EventHash, EventMetadata, NewEvent, Position, RecordedEvent, StreamVersion,
};
pub use self::sled::SledEventStore;
pub use self::subscription::Subscription;

/// What the caller believes the stream's current version to be.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "version")]
pub enum ExpectedVersion {
    /// Append whatever the stream's version is.
    Any,
    /// The stream must not exist yet (version 0).
    NoStream,
    /// The stream must be at exactly this version.
    Exact(StreamVersion),
}

impl ExpectedVersion {
    /// Whether a stream at `actual` satisfies this expectation.
    pub fn admits(self, actual: StreamVersion) -> bool {
        match self {
            ExpectedVersion::Any => true,
            ExpectedVersion::NoStream => actual == 0,
            ExpectedVersion::Exact(expected) => actual == expected,
        }
    }
}

impl fmt::Display for ExpectedVersion {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ExpectedVersion::Any => formatter.write_str("any version"),
            ExpectedVersion::NoStream => formatter.write_str("no stream (version 0)"),
            ExpectedVersion::Exact(version) => write!(formatter, "version {version}"),
        }
    }
}

/// One command's events for one stream.
#[derive(Clone, Debug, PartialEq)]
pub struct AppendRequest {
    /// The stream to append to.
    pub stream_id: Uuid,
    /// The version the caller read before deciding on these events.
    pub expected_version: ExpectedVersion,
    /// Who asks, for which workspace and command.
    pub context: CommandContext,
    /// The events, in order; at least one.
    pub events: Vec<NewEvent>,
}

/// What an append did: where its events landed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppendOutcome {
    /// The stream appended to.
    pub stream_id: Uuid,
    /// Position of the first event appended.
    pub first_position: Position,
    /// Position of the last event appended (events of one append are contiguous).
    pub last_position: Position,
    /// The stream's version after the append.
    pub stream_version: StreamVersion,
    /// True when the command id had been appended before and this is the first result again.
    #[serde(default)]
    pub deduplicated: bool,
}

/// Everything that can go wrong in the log.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The stream is not at the version the caller expected.
    #[error("stream {stream_id} is at version {actual}, but the command expected {expected}")]
    VersionConflict {
        /// The stream.
        stream_id: Uuid,
        /// What the caller expected.
        expected: ExpectedVersion,
        /// The stream's version now.
        actual: StreamVersion,
    },
    /// The request itself is not acceptable (no events, an empty type name, ...).
    #[error("invalid append: {0}")]
    InvalidAppend(String),
    /// Pre-recorded events (an import) do not continue this log.
    #[error("the events do not continue this log: {0}")]
    DoesNotContinue(ChainBreak),
    /// Stored data cannot be read back as it was written.
    #[error("the store is damaged at position {position}: {reason}")]
    Corrupt {
        /// Where.
        position: Position,
        /// What is wrong.
        reason: String,
    },
    /// The data directory holds something that is not a partnerhub store of this format.
    #[error("{0}")]
    Incompatible(String),
    /// A write failed to reach the disk; the store accepts no more writes until restarted.
    #[error("the store stopped accepting writes after a failed write: {0}")]
    WritesStopped(String),
    /// The store was shut down.
    #[error("the store is shut down")]
    Closed,
    /// The storage engine failed.
    #[error("storage engine error: {0}")]
    Backend(String),
}

/// One entry of the timeline index ([`EventStore::save_timeline`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TimelineIndexEntry {
    /// The workspace whose timeline it is in.
    pub workspace_id: Uuid,
    /// Its event's position in the log.
    pub position: Position,
    /// The entities it is about (what [`EventStore::read_timeline`] finds it by).
    pub entity_ids: Vec<Uuid>,
    /// The entry, encoded by its writer.
    pub bytes: Vec<u8>,
}

/// The event log's contract, kept by every backend and tested against each.
///
/// All methods are safe to call from many tasks at once.
#[async_trait]
pub trait EventStore: Send + Sync + 'static {
    /// Appends a command's events to a stream, durably.
    ///
    /// # Returns
    /// Where the events landed. A request whose command id was appended before is not
    /// appended again: the first outcome comes back with `deduplicated: true`.
    ///
    /// # Errors
    /// [`StoreError::VersionConflict`] when the stream's version does not match,
    /// [`StoreError::InvalidAppend`] for a malformed request, and backend failures.
    async fn append(&self, request: AppendRequest) -> Result<AppendOutcome, StoreError>;

    /// Appends events recorded elsewhere (an import, a migration), keeping their positions,
    /// times and hashes. They must continue this log exactly; nothing is written otherwise.
    ///
    /// # Errors
    /// [`StoreError::DoesNotContinue`] naming the first event that does not fit.
    async fn append_recorded(&self, events: Vec<RecordedEvent>) -> Result<(), StoreError>;

    /// Reads up to `limit` events of a stream, from `from_version` (1 is the first).
    ///
    /// # Errors
    /// [`StoreError::Corrupt`] when stored data cannot be decoded, and backend failures.
    async fn read_stream(
        &self,
        stream_id: Uuid,
        from_version: StreamVersion,
        limit: usize,
    ) -> Result<Vec<RecordedEvent>, StoreError>;

    /// Reads up to `limit` events of the log, from `from_position` (1 is the first).
    ///
    /// # Errors
    /// [`StoreError::Corrupt`] when stored data cannot be decoded, and backend failures.
    async fn read_all(
        &self,
        from_position: Position,
        limit: usize,
    ) -> Result<Vec<RecordedEvent>, StoreError>;

    /// The outcome of an earlier append with this command id, if it is durable.
    ///
    /// # Errors
    /// Backend failures.
    async fn command_outcome(&self, command_id: Uuid) -> Result<Option<AppendOutcome>, StoreError>;

    /// Keeps `bytes` as the projections' checkpoint, durably, replacing the one kept before
    /// (whole: a crash leaves the old one or the new one). The store does not look inside;
    /// [`crate::projection::checkpoint`] writes them and checks them when it reads them.
    ///
    /// # Errors
    /// Backend failures.
    async fn save_checkpoint(&self, bytes: Vec<u8>) -> Result<(), StoreError>;

    /// The checkpoint kept by [`EventStore::save_checkpoint`], handed to `pieces` in order as
    /// it is read (a few MiB each), so that a reader works on the first pieces while the store
    /// reads the rest. Stops early, without an error, once `pieces` is closed.
    ///
    /// # Returns
    /// Whether there is one (`false`: nothing was sent).
    ///
    /// # Errors
    /// Backend failures (the pieces sent before are then not the whole checkpoint).
    async fn read_checkpoint(
        &self,
        pieces: tokio::sync::mpsc::Sender<Vec<u8>>,
    ) -> Result<bool, StoreError>;

    /// The checkpoint kept by [`EventStore::save_checkpoint`], whole, if there is one: its
    /// pieces ([`EventStore::read_checkpoint`]) put together.
    ///
    /// # Errors
    /// Backend failures.
    async fn load_checkpoint(&self) -> Result<Option<Vec<u8>>, StoreError> {
        let (sender, mut receiver) = tokio::sync::mpsc::channel::<Vec<u8>>(4);
        let collecting = async {
            let mut bytes: Vec<u8> = Vec::new();
            while let Some(piece) = receiver.recv().await {
                bytes.extend_from_slice(&piece);
            }
            bytes
        };
        let (found, bytes) = tokio::join!(self.read_checkpoint(sender), collecting);
        Ok(found?.then_some(bytes))
    }

    /// Adds `entries` to the timeline index, a derived, persistent index of every
    /// workspace's timeline ([`crate::projection::timeline_index`] writes and checks it),
    /// then, when `mark` is given, keeps `mark` as what the index holds (after the entries
    /// are durable, so a crash never leaves a mark ahead of its entries). An entry already
    /// there (same workspace and position) is replaced. The store does not look inside the
    /// entries' bytes or the mark.
    ///
    /// # Errors
    /// Backend failures.
    async fn save_timeline(
        &self,
        entries: Vec<TimelineIndexEntry>,
        mark: Option<Vec<u8>>,
    ) -> Result<(), StoreError>;

    /// The mark last kept by [`EventStore::save_timeline`], if any.
    ///
    /// # Errors
    /// Backend failures.
    async fn timeline_mark(&self) -> Result<Option<Vec<u8>>, StoreError>;

    /// The timeline index's entries of workspace `workspace_id` at or before `up_to`, oldest
    /// first: those naming `entity_id` among their entities, or all with `None`; each as its
    /// position and its bytes.
    ///
    /// # Errors
    /// Backend failures.
    async fn read_timeline(
        &self,
        workspace_id: Uuid,
        entity_id: Option<Uuid>,
        up_to: Position,
    ) -> Result<Vec<(Position, Vec<u8>)>, StoreError>;

    /// Empties the timeline index, its mark included.
    ///
    /// # Errors
    /// Backend failures.
    async fn clear_timeline(&self) -> Result<(), StoreError>;

    /// The position of the last durable event (0 for an empty log).
    fn head_position(&self) -> Position;

    /// Reads what other processes sharing this store (other nodes on PostgreSQL) committed
    /// until now, publishes it live, and returns the head position after it: for a caller
    /// that must not take "not found" for an answer while this process may be behind the
    /// shared log (an invite made through another node a moment ago). A store no other
    /// process writes to (sled) has nothing to read and returns its head.
    ///
    /// # Errors
    /// Backend failures.
    async fn catch_up(&self) -> Result<Position, StoreError>;

    /// A receiver of events as they become durable, in log order. It may lag and miss events;
    /// use [`Subscription`], which falls back to reading the store.
    fn live_events(&self) -> broadcast::Receiver<Arc<RecordedEvent>>;

    /// Has `fold` called with every event this store publishes from now on, in log order, on
    /// the thread that publishes it, after the event is durable and before the appends it
    /// belongs to are answered. The projections fold events so ([`crate::projection`]): an
    /// append's caller then finds its events in the views when it is answered, with no
    /// wake-up of a projector task and of the caller again in between. Set once: returns
    /// false, ignoring `fold`, when a fold is set already.
    fn fold_when_published(&self, fold: PublishedFold) -> bool;

    /// Stops accepting appends, finishes those in flight and flushes.
    async fn shutdown(&self);
}

/// What [`EventStore::fold_when_published`] calls with each published event. It runs on the
/// store's publishing thread before callers are answered, so it must be quick and must not
/// block on the store.
pub type PublishedFold = Arc<dyn Fn(&RecordedEvent) + Send + Sync>;

/// Where a store keeps its [`PublishedFold`]: set once, called by whoever publishes.
#[derive(Default)]
pub(crate) struct FoldSlot(std::sync::OnceLock<PublishedFold>);

impl FoldSlot {
    /// Sets the fold; false when one is set already.
    pub(crate) fn set(&self, fold: PublishedFold) -> bool {
        self.0.set(fold).is_ok()
    }

    /// Calls the fold, if one is set, with `event`.
    pub(crate) fn fold(&self, event: &RecordedEvent) {
        if let Some(fold) = self.0.get() {
            fold(event);
        }
    }
}

/// How many events a catch-up reads from the store at a time.
pub const READ_PAGE: usize = 512;
