//! The embedded event store on sled: the default, one process, one data directory.
//!
//! Layout: two sled databases in the data directory, so that a group commit flushes only the
//! events and the indexes are flushed in the background:
//!
//! | database, tree     | key                                  | value                            |
//! |--------------------|--------------------------------------|----------------------------------|
//! | `log/`, `events`   | first position (u64, big-endian)     | a record of one or more events ([`records`]) |
//! | `index/`, `index`  | `s` + stream id (16) + chunk (u64)   | positions of 64 of the stream's versions ([`index`]) |
//! | `index/`, `index`  | `c` + command id (16)                | the command's [`AppendOutcome`]  |
//! | `index/`, `index`  | `m:indexed_through`                  | the last position it covers      |
//!
//! **One writer, one flusher, group commit.** Appends are sent to a single writer thread. It
//! takes every request waiting in its queue, validates them in order against the current
//! stream versions, assigns positions and hashes, inserts the events and hands the group to
//! the flusher thread. The flusher takes every group waiting for it and flushes once; only
//! then are the groups' index entries recorded, their callers acknowledged and their events
//! published live. While the flusher waits for the disk, the writer prepares the next group,
//! so the more writers there are, the more events share a flush. Readers see only events up to
//! the durable head, never an event that could still be lost.
//!
//! **No hand-off for a lone writer.** The writer's state sits behind a mutex that the writer
//! thread holds while it writes a group. When an append is the only one in flight, nothing
//! waits in the queue and no group waits for the flusher, the caller takes the writer and
//! writes its append on its own thread ([`SledEventStore::append_here`]), with the same code:
//! a lone caller appending in a loop then never waits for another thread to wake, which
//! costs tens of microseconds per append here. Likewise the writer thread commits a group
//! itself (flush, index, answer, publish, [`Committer`]) when nothing is outstanding and
//! nobody waits. Both are safe because only the writer's holder hands groups to the flusher:
//! seeing nothing outstanding, it knows the flusher is idle until its next hand-off, so groups
//! are still committed one at a time and in order, and every ack still follows the flush that
//! made its events durable.
//!
//! **Atomic appends, derived indexes.** A group's appends are packed into records of a few
//! KiB, one sled insert each, and an append never spans two records (but for one too large
//! for a record, whose records are one sled batch): sled recovers an insert or a batch whole
//! or not at all, so a crash keeps or loses each append whole. The index is derived
//! from the events and kept off the acknowledging path: once a group is durable its entries are
//! recorded in memory ([`pending`]), where readers find them at once, and an indexer thread
//! writes them into sled in bulk and moves `m:indexed_through`. Opening the store re-indexes
//! the events after that mark, so a crash can lose index entries but never leaves one
//! pointing at an event that is not there. A Bloom filter of command ids
//! ([`command_filter`]) spares the index lookup that idempotency needs for a new command.
//!
//! A failed flush stops all further writes (the in-memory view might then be ahead of the
//! disk); a restart recovers whatever sled made durable.

use std::collections::HashMap;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use async_trait::async_trait;
use tokio::sync::{broadcast, mpsc, oneshot};
use uuid::Uuid;

use self::command_filter::CommandFilter;
use self::index::read_outcome;
use self::pending::{GroupEntries, PendingIndex, MAX_PENDING};
use self::records::RecordPacker;
use super::backend::{check_continues, decode_event, LogTail, OutcomeCollector};
use super::{
    AppendOutcome, AppendRequest, EventStore, Position, RecordedEvent, StoreError, StreamVersion,
};
use crate::sync::locked;

mod command_filter;
mod index;
mod pending;
mod records;

/// The most requests one group commit takes from the queue.
const MAX_BATCH_REQUESTS: usize = 4096;
/// How many inserted groups may wait for the flusher before the writer waits.
const FLUSH_QUEUE: usize = 4;
/// How many appends may wait for the writer before callers wait to enqueue.
const WRITER_QUEUE: usize = 16_384;
/// How many live events a slow subscriber may fall behind before it reads from the store.
const LIVE_CAPACITY: usize = 4096;
/// Marks a data directory as a partnerhub sled store of this layout.
const FORMAT_KEY: &[u8] = b"partnerhub:format";
const FORMAT_VALUE: &[u8] = b"partnerhub-sled-log-3";
/// The layout before records of several events: one event per key, which is a valid store
/// of this layout as it is, so opening it only renames its format.
const FORMAT_ONE_EVENT_PER_KEY: &[u8] = b"partnerhub-sled-log-2";

/// Counters of the writer, for tests and benchmarks.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct WriteStatistics {
    /// How many flushes the writer made.
    pub flushes: u64,
    /// How many events it made durable.
    pub events: u64,
    /// Time the writer spent validating, encoding and inserting groups, in microseconds.
    pub staging_micros: u64,
    /// Time spent in flushes (by the flusher, or the writer committing a group itself), in
    /// microseconds.
    pub flushing_micros: u64,
    /// Time spent acknowledging and publishing (by the flusher, or the writer committing a
    /// group itself), in microseconds.
    pub acknowledging_micros: u64,
    /// Time the indexer spent writing index entries into sled, in microseconds.
    pub indexing_micros: u64,
    /// Appends written on their caller's thread, as the only one in flight.
    pub appends_written_by_caller: u64,
}

#[derive(Default)]
struct WriteCounters {
    flushes: AtomicU64,
    events: AtomicU64,
    staging_micros: AtomicU64,
    flushing_micros: AtomicU64,
    acknowledging_micros: AtomicU64,
    appends_written_by_caller: AtomicU64,
}

impl WriteCounters {
    fn add_time(counter: &AtomicU64, since: std::time::Instant) {
        counter.fetch_add(since.elapsed().as_micros() as u64, Ordering::Relaxed);
    }
}

/// The sled-backed [`EventStore`].
pub struct SledEventStore {
    /// Events by position; readers use it directly.
    events: sled::Tree,
    /// Stream and command indexes, derived from `events`.
    index: sled::Tree,
    /// Index entries of durable events not yet in `index`.
    pending: Arc<PendingIndex>,
    /// Position of the last flushed event: readers never look past it.
    durable_head: Arc<AtomicU64>,
    /// Where the writer publishes durable events; kept to hand out receivers.
    /// Taken on shutdown, so that once the flusher's copy is gone too every subscription
    /// learns that no more events will come.
    live: Mutex<Option<broadcast::Sender<Arc<RecordedEvent>>>>,
    /// The writer's state: locked by the writer thread for each group, and by a lone append
    /// that writes on its caller's thread (see [`SledEventStore::append_here`]).
    /// `None` once the writer has shut down, so that its hold on the live channel (through
    /// the [`Committer`]) ends with it and every subscription learns that no more events come.
    writer: Arc<Mutex<Option<Writer>>>,
    /// The writer thread's queue.
    queue: mpsc::Sender<WriterMessage>,
    /// The writer and flusher threads, joined on shutdown so the databases are closed when
    /// `shutdown` returns.
    threads: Mutex<Vec<JoinHandle<()>>>,
    counters: Arc<WriteCounters>,
    /// Appends waiting for their answer; a lone one is written on its caller's thread.
    appends_in_flight: AtomicU64,
}

/// Counts an append in flight for as long as it lives.
struct InFlight<'a> {
    counter: &'a AtomicU64,
    /// Whether no other append was in flight when this one began.
    alone: bool,
}

impl<'a> InFlight<'a> {
    fn enter(counter: &'a AtomicU64) -> Self {
        let before = counter.fetch_add(1, Ordering::AcqRel);
        InFlight {
            counter,
            alone: before == 0,
        }
    }
}

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.counter.fetch_sub(1, Ordering::AcqRel);
    }
}

/// What became of an append offered to [`SledEventStore::append_here`].
enum WrittenHere {
    /// Written (or refused) on the caller's thread: the answer.
    Answered(Result<AppendOutcome, StoreError>),
    /// The writer is busy: the request goes through the queue.
    NotNow(AppendRequest),
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

fn event_key(position: Position) -> [u8; 8] {
    position.to_be_bytes()
}

fn position_from_key(key: &[u8], offset: usize) -> Option<u64> {
    let bytes: [u8; 8] = key.get(offset..offset + 8)?.try_into().ok()?;
    Some(u64::from_be_bytes(bytes))
}

/// Opens one sled database, naming a locked directory for what it is.
fn open_database(path: &Path) -> Result<sled::Db, StoreError> {
    sled::Config::new()
        .path(path)
        .mode(sled::Mode::HighThroughput)
        // No timed background flush: the committer flushes the log for every group, and the
        // index is derived data that the indexer flushes now and then (an fsync of the
        // index every half second only delayed the log's own).
        .flush_every_ms(None)
        .open()
        .map_err(|error| match error {
            sled::Error::Io(io) if io.to_string().contains("lock") => {
                StoreError::Incompatible(format!(
                    "the data directory {} is in use by another process \
                     (is `partnerhub serve` running on it?): {io}",
                    path.parent().unwrap_or(path).display()
                ))
            }
            other => StoreError::Backend(format!(
                "cannot open the store in {}: {other}",
                path.display()
            )),
        })
}

fn backend(error: sled::Error) -> StoreError {
    StoreError::Backend(error.to_string())
}

impl SledEventStore {
    /// Opens (or creates) the store in `directory`.
    ///
    /// # Errors
    /// [`StoreError::Incompatible`] when the directory is in use by another process or holds
    /// something else, [`StoreError::Corrupt`] when the last event cannot be read back intact
    /// (a torn or damaged store), and backend failures.
    pub fn open(directory: &Path) -> Result<Self, StoreError> {
        let db = open_database(&directory.join("log"))?;
        let index_db = open_database(&directory.join("index"))?;
        match db.get(FORMAT_KEY).map_err(backend)? {
            Some(format) if format.as_ref() == FORMAT_VALUE => {}
            Some(format) if format.as_ref() == FORMAT_ONE_EVENT_PER_KEY => {
                db.insert(FORMAT_KEY, FORMAT_VALUE).map_err(backend)?;
                db.flush().map_err(backend)?;
                tracing::info!("the log keeps one event per key: now also records of several");
            }
            Some(other) => {
                return Err(StoreError::Incompatible(format!(
                    "{} holds a store of format {:?}, this partnerhub reads {:?}",
                    directory.display(),
                    String::from_utf8_lossy(&other),
                    String::from_utf8_lossy(FORMAT_VALUE)
                )))
            }
            None if db.tree_names().len() > 1 || !db.is_empty() => {
                return Err(StoreError::Incompatible(format!(
                    "{} holds a sled database that is not a partnerhub store",
                    directory.display()
                )))
            }
            None => {
                db.insert(FORMAT_KEY, FORMAT_VALUE).map_err(backend)?;
                db.flush().map_err(backend)?;
            }
        }
        let events = db.open_tree("events").map_err(backend)?;
        let index = index_db.open_tree("index").map_err(backend)?;

        let last = records::read_last(&events, |position, bytes| {
            let event = decode_event(position, bytes)?;
            let computed =
                super::chain::hash_body(&event).map_err(|error| StoreError::Corrupt {
                    position,
                    reason: error.to_string(),
                })?;
            if computed != event.hash {
                return Err(StoreError::Corrupt {
                    position,
                    reason: format!(
                        "the last event's contents hash to {computed} but its recorded hash is {}",
                        event.hash
                    ),
                });
            }
            Ok(LogTail {
                head: position,
                last_hash: event.hash,
                last_recorded_at: Some(event.metadata.recorded_at),
            })
        })?;
        let tail = last.unwrap_or(LogTail::EMPTY);
        let head = tail.head;
        index::derive_missing(&events, &index, head)?;
        let command_filter = fill_command_filter(&index)?;
        let pending = Arc::new(PendingIndex::default());

        let durable_head = Arc::new(AtomicU64::new(head));
        let (live, _) = broadcast::channel(LIVE_CAPACITY);
        let counters = Arc::new(WriteCounters::default());
        let (sender, receiver) = mpsc::channel(WRITER_QUEUE);
        let stopped = Arc::new(Mutex::new(None));
        let (flush_sender, flush_receiver) = std::sync::mpsc::sync_channel(FLUSH_QUEUE);
        let committer = Arc::new(Committer {
            db,
            index_db,
            index: index.clone(),
            pending: pending.clone(),
            durable_head: durable_head.clone(),
            live: live.clone(),
            counters: counters.clone(),
            stopped: stopped.clone(),
        });
        let outstanding = Arc::new(AtomicU64::new(0));
        let flusher = Flusher {
            committer: committer.clone(),
            outstanding: outstanding.clone(),
        };
        let writer = Writer {
            events: events.clone(),
            index: index.clone(),
            tail,
            stream_versions: HashMap::new(),
            commands_in_flight: HashMap::new(),
            command_filter,
            pending: pending.clone(),
            durable_head: durable_head.clone(),
            stopped,
            flusher: flush_sender,
            outstanding,
            committer,
            counters: counters.clone(),
        };
        let writer = Arc::new(Mutex::new(Some(writer)));
        let flusher_thread = std::thread::Builder::new()
            .name("log-flusher".into())
            .spawn(move || flusher.run(flush_receiver))
            .map_err(|error| StoreError::Backend(format!("cannot start the flusher: {error}")))?;
        let writer_thread = std::thread::Builder::new()
            .name("log-writer".into())
            .spawn({
                let writer = writer.clone();
                move || run_writer(&writer, receiver)
            })
            .map_err(|error| StoreError::Backend(format!("cannot start the writer: {error}")))?;
        let indexer_thread = {
            let (pending, index) = (pending.clone(), index.clone());
            std::thread::Builder::new()
                .name("log-indexer".into())
                .spawn(move || pending.run_indexer(&index))
                .map_err(|error| {
                    StoreError::Backend(format!("cannot start the indexer: {error}"))
                })?
        };
        tracing::info!(directory = %directory.display(), head, "opened sled event store");
        Ok(SledEventStore {
            events,
            index,
            pending,
            durable_head,
            live: Mutex::new(Some(live)),
            writer,
            queue: sender,
            threads: Mutex::new(vec![writer_thread, flusher_thread, indexer_thread]),
            counters,
            appends_in_flight: AtomicU64::new(0),
        })
    }

    /// How many flushes and durable events the writer has made since the store was opened.
    pub fn write_statistics(&self) -> WriteStatistics {
        WriteStatistics {
            flushes: self.counters.flushes.load(Ordering::Acquire),
            events: self.counters.events.load(Ordering::Acquire),
            staging_micros: self.counters.staging_micros.load(Ordering::Relaxed),
            flushing_micros: self.counters.flushing_micros.load(Ordering::Relaxed),
            acknowledging_micros: self.counters.acknowledging_micros.load(Ordering::Relaxed),
            indexing_micros: self.pending.indexing_micros.load(Ordering::Relaxed),
            appends_written_by_caller: self
                .counters
                .appends_written_by_caller
                .load(Ordering::Relaxed),
        }
    }

    /// Checks that every event is reachable from its stream index and every index entry points
    /// at the right event. Runs on the calling thread; call it from a blocking context.
    ///
    /// # Errors
    /// [`StoreError::Corrupt`] at the first inconsistency.
    pub fn check_stream_index(&self) -> Result<u64, StoreError> {
        self.pending
            .drain(&self.index)
            .map_err(StoreError::Backend)?;
        let entries = index::check_streams(&self.index, &self.events)?;
        let head = self.head_position();
        if entries != head {
            return Err(StoreError::Corrupt {
                position: head,
                reason: format!("the log holds {head} events but the stream index {entries}"),
            });
        }
        Ok(entries)
    }

    /// Writes a lone append on the caller's thread, as the writer thread would (stage, insert,
    /// flush, index, answer, publish), so that it crosses no thread: the writer thread and a
    /// woken caller each cost a system call and a reschedule, tens of microseconds here, on
    /// every append of a lone caller, which is the common case (a workspace's commands are
    /// serialized). The caller's worker is handed to the runtime for the duration
    /// ([`tokio::task::block_in_place`]), so other tasks keep running.
    ///
    /// Gives the request back when it must go through the queue instead: on a runtime that
    /// cannot lend its worker (a current-thread runtime), while the writer thread holds the
    /// writer or has appends queued, or while groups wait for the flusher. Only the holder of
    /// the writer hands groups to the flusher, so with none outstanding the flusher is idle
    /// and groups are still committed one at a time, in order.
    fn append_here(&self, request: AppendRequest) -> WrittenHere {
        let can_block = tokio::runtime::Handle::try_current().is_ok_and(|runtime| {
            runtime.runtime_flavor() == tokio::runtime::RuntimeFlavor::MultiThread
        });
        if !can_block || self.queue.capacity() != self.queue.max_capacity() {
            return WrittenHere::NotNow(request);
        }
        let Ok(mut holder) = self.writer.try_lock() else {
            return WrittenHere::NotNow(request);
        };
        let Some(writer) = holder.as_mut() else {
            return WrittenHere::Answered(Err(StoreError::Closed));
        };
        if writer.outstanding.load(Ordering::Acquire) != 0 {
            return WrittenHere::NotNow(request);
        }
        tokio::task::block_in_place(|| {
            let (reply, mut answer) = oneshot::channel();
            writer.write_group(vec![WriterMessage::Append { request, reply }], false);
            writer
                .counters
                .appends_written_by_caller
                .fetch_add(1, Ordering::Relaxed);
            WrittenHere::Answered(answer.try_recv().unwrap_or(Err(StoreError::Closed)))
        })
    }

    async fn send(&self, message: WriterMessage) -> Result<(), StoreError> {
        self.queue
            .send(message)
            .await
            .map_err(|_| StoreError::Closed)
    }
}

#[async_trait]
impl EventStore for SledEventStore {
    async fn append(&self, request: AppendRequest) -> Result<AppendOutcome, StoreError> {
        let in_flight = InFlight::enter(&self.appends_in_flight);
        let request = if in_flight.alone {
            match self.append_here(request) {
                WrittenHere::Answered(answer) => return answer,
                WrittenHere::NotNow(request) => request,
            }
        } else {
            request
        };
        let (reply, answer) = oneshot::channel();
        self.send(WriterMessage::Append { request, reply }).await?;
        answer.await.map_err(|_| StoreError::Closed)?
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
        let (events_tree, index) = (self.events.clone(), self.index.clone());
        let head = self.head_position();
        let from_version = from_version.max(1);
        // Entries waiting for the indexer first, then sled: an entry leaves the first only
        // once it is in the second, so together they hold every one (see `pending`).
        let mut positions = self.pending.stream(stream_id, from_version);
        run_blocking(move || {
            positions.extend(index::stream_positions(
                &index,
                stream_id,
                from_version,
                limit,
            )?);
            let mut events = Vec::new();
            for (_, position) in positions.into_iter().take(limit) {
                if position > head {
                    break;
                }
                let event = records::read_event(&events_tree, position, |bytes| {
                    decode_event(position, bytes)
                })?
                .ok_or_else(|| StoreError::Corrupt {
                    position,
                    reason: format!("stream {stream_id} points at a missing event"),
                })?;
                events.push(event);
            }
            Ok(events)
        })
        .await
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
        let events_tree = self.events.clone();
        run_blocking(move || {
            let mut events = Vec::with_capacity((last - from + 1) as usize);
            records::read_range(&events_tree, from, last, |position, bytes| {
                events.push(decode_event(position, bytes)?);
                Ok(())
            })?;
            Ok(events)
        })
        .await
    }

    async fn command_outcome(&self, command_id: Uuid) -> Result<Option<AppendOutcome>, StoreError> {
        let index = self.index.clone();
        let waiting = self.pending.command(command_id);
        let outcome = match waiting {
            Some(outcome) => Some(outcome),
            None => run_blocking(move || read_outcome(&index, command_id)).await?,
        };
        Ok(outcome.map(|outcome| AppendOutcome {
            deduplicated: true,
            ..outcome
        }))
    }

    fn head_position(&self) -> Position {
        self.durable_head.load(Ordering::Acquire)
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
        let threads = std::mem::take(&mut *locked(&self.threads));
        for thread in threads {
            let _ = tokio::task::spawn_blocking(move || thread.join()).await;
        }
        let sender = locked(&self.live).take();
        drop(sender);
    }
}

async fn run_blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, StoreError> + Send + 'static,
) -> Result<T, StoreError> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|error| StoreError::Backend(format!("a read task failed: {error}")))?
}

/// How long the writer polls its empty queue before it sleeps: about the time a caller
/// takes to wake on its answer and send its next append.
const SPIN_BEFORE_SLEEP: std::time::Duration = std::time::Duration::from_micros(50);

/// The writer's next message: polled for [`SPIN_BEFORE_SLEEP`] first, because a writer that
/// sleeps must be woken by the next caller's send (a system call and a reschedule, tens of
/// microseconds here), which a few callers appending in turn would pay on every group.
/// `None` once every sender is gone.
fn next_message(queue: &mut mpsc::Receiver<WriterMessage>) -> Option<WriterMessage> {
    let started = std::time::Instant::now();
    loop {
        match queue.try_recv() {
            Ok(message) => return Some(message),
            Err(mpsc::error::TryRecvError::Disconnected) => return None,
            Err(mpsc::error::TryRecvError::Empty) => {}
        }
        if started.elapsed() >= SPIN_BEFORE_SLEEP {
            return queue.blocking_recv();
        }
        // Yield rather than spin: on a busy machine the caller may need this core to send.
        std::thread::yield_now();
    }
}

/// The single writer: owns the head of the log and every stream's version.
struct Writer {
    events: sled::Tree,
    index: sled::Tree,
    /// The last event inserted (durable or not yet).
    tail: LogTail,
    /// Versions of the streams written or looked up so far, including groups in flight.
    stream_versions: HashMap<Uuid, StreamVersion>,
    /// Commands of groups not yet durable (in flight to the flusher), for idempotent retries.
    commands_in_flight: HashMap<Uuid, AppendOutcome>,
    /// Every command id in the log or in flight: a new command needs no index lookup.
    command_filter: CommandFilter,
    /// Index entries of durable events not yet in `index`.
    pending: Arc<PendingIndex>,
    durable_head: Arc<AtomicU64>,
    /// Set by the flusher when a write failed: no more writes are accepted.
    stopped: Arc<Mutex<Option<String>>>,
    /// Where finished groups go to be flushed while the writer stages the next ones.
    flusher: std::sync::mpsc::SyncSender<FlushJob>,
    /// Groups sent to the flusher and not yet acknowledged.
    outstanding: Arc<AtomicU64>,
    /// Commits a group on the writer's own thread when nothing is in flight.
    committer: Arc<Committer>,
    counters: Arc<WriteCounters>,
}

/// A group whose events are inserted and wait for the flush that makes them durable.
struct FlushJob {
    /// The last position of the group.
    head: Position,
    /// Index entries to record once the group is durable.
    entries: GroupEntries,
    events: Vec<Arc<RecordedEvent>>,
    replies: Vec<Reply>,
    /// Why inserting the group failed, if it did.
    write_error: Option<String>,
    /// Set by a shutdown request: flush everything and answer.
    shutdown: Option<oneshot::Sender<()>>,
}

/// Makes groups durable, indexes them, acknowledges and publishes them. Used by the flusher
/// thread, and by the writer's holder itself when nothing is in flight (see
/// [`Writer::write_group`]); never by both at once, so groups are committed in order.
struct Committer {
    db: sled::Db,
    index_db: sled::Db,
    index: sled::Tree,
    pending: Arc<PendingIndex>,
    durable_head: Arc<AtomicU64>,
    live: broadcast::Sender<Arc<RecordedEvent>>,
    counters: Arc<WriteCounters>,
    stopped: Arc<Mutex<Option<String>>>,
}

/// The flusher thread: commits the groups the writer hands it while the writer stages the
/// next ones.
struct Flusher {
    committer: Arc<Committer>,
    /// Groups sent to the flusher and not yet acknowledged (incremented by the writer,
    /// decremented here once a group's callers are answered).
    outstanding: Arc<AtomicU64>,
}

/// One group commit in the making: what it will write and the state after it.
struct Staged {
    /// The group's events, packed into records.
    records: RecordPacker,
    /// Index entries, recorded after the flush.
    entries: GroupEntries,
    events: Vec<Arc<RecordedEvent>>,
    /// The end of the log once the group is written.
    tail: LogTail,
    stream_versions: HashMap<Uuid, StreamVersion>,
    commands: HashMap<Uuid, AppendOutcome>,
}

enum Reply {
    Append(
        oneshot::Sender<Result<AppendOutcome, StoreError>>,
        Result<AppendOutcome, StoreError>,
    ),
    Recorded(
        oneshot::Sender<Result<(), StoreError>>,
        Result<(), StoreError>,
    ),
}

/// The writer thread: takes every request waiting in the queue (up to
/// [`MAX_BATCH_REQUESTS`]) and writes them as one group, until shutdown; then drops the
/// writer.
fn run_writer(writer: &Mutex<Option<Writer>>, mut queue: mpsc::Receiver<WriterMessage>) {
    while let Some(first) = next_message(&mut queue) {
        let mut messages = vec![first];
        while messages.len() < MAX_BATCH_REQUESTS {
            match queue.try_recv() {
                Ok(message) => messages.push(message),
                Err(_) => break,
            }
        }
        let Ok(mut holder) = writer.lock() else {
            // A panic while writing: the state may be torn, so nothing more is written.
            tracing::error!("the log writer failed; no more writes are accepted");
            return;
        };
        let Some(writer) = holder.as_mut() else {
            return;
        };
        if !writer.write_group(messages, !queue.is_empty()) {
            queue.close();
            *holder = None;
            return;
        }
    }
}

impl Writer {
    /// Stages `messages` as one group and commits it, or hands it to the flusher. Returns
    /// whether the writer goes on (false after a shutdown, or when the flusher is gone).
    ///
    /// With nothing in flight and nobody waiting (`others_waiting`), a flusher would only add
    /// a hand-off (a lone writer's case), so the group is committed here. Only the holder of
    /// the writer sends to the flusher, so `outstanding == 0` means the flusher has answered
    /// every earlier group and stays idle until the next send: groups are still committed in
    /// order.
    fn write_group(&mut self, messages: Vec<WriterMessage>, others_waiting: bool) -> bool {
        let started = std::time::Instant::now();
        let job = self.stage_group(messages);
        WriteCounters::add_time(&self.counters.staging_micros, started);
        let shutting_down = job.shutdown.is_some();
        if !shutting_down && !others_waiting && self.outstanding.load(Ordering::Acquire) == 0 {
            let _ = self.committer.commit(vec![job]);
            return true;
        }
        self.outstanding.fetch_add(1, Ordering::AcqRel);
        if self.flusher.send(job).is_err() {
            tracing::error!("the log flusher stopped; no more writes are accepted");
            return false;
        }
        !shutting_down
    }

    fn stopped_reason(&self) -> Option<String> {
        locked(&self.stopped).clone()
    }

    /// Validates one group of messages and inserts its events, ready for the flusher.
    fn stage_group(&mut self, messages: Vec<WriterMessage>) -> FlushJob {
        let durable = self.durable_head.load(Ordering::Acquire);
        self.commands_in_flight
            .retain(|_, outcome| outcome.last_position > durable);
        let mut staged = Staged {
            records: RecordPacker::default(),
            entries: GroupEntries::default(),
            events: Vec::new(),
            tail: self.tail,
            stream_versions: HashMap::new(),
            commands: HashMap::new(),
        };
        let mut replies = Vec::with_capacity(messages.len());
        let mut shutdown = None;
        let stopped = self.stopped_reason();
        for message in messages {
            match message {
                WriterMessage::Append { request, reply } => {
                    let result = match &stopped {
                        Some(reason) => Err(StoreError::WritesStopped(reason.clone())),
                        None => self.stage_append(&mut staged, request),
                    };
                    replies.push(Reply::Append(reply, result));
                }
                WriterMessage::Recorded { events, reply } => {
                    let result = match &stopped {
                        Some(reason) => Err(StoreError::WritesStopped(reason.clone())),
                        None => self.stage_recorded(&mut staged, events),
                    };
                    replies.push(Reply::Recorded(reply, result));
                }
                WriterMessage::Shutdown { reply } => shutdown = Some(reply),
            }
        }

        let write_error = records::write(&self.events, std::mem::take(&mut staged.records))
            .err()
            .map(|error| error.to_string());
        if write_error.is_none() {
            self.tail = staged.tail;
            self.stream_versions.extend(staged.stream_versions);
            self.commands_in_flight.extend(staged.commands);
        }
        FlushJob {
            head: staged.tail.head,
            entries: staged.entries,
            events: staged.events,
            replies,
            write_error,
            shutdown,
        }
    }

    fn stream_version(
        &self,
        staged: &Staged,
        stream_id: Uuid,
    ) -> Result<StreamVersion, StoreError> {
        if let Some(version) = staged.stream_versions.get(&stream_id) {
            return Ok(*version);
        }
        if let Some(version) = self.stream_versions.get(&stream_id) {
            return Ok(*version);
        }
        index::last_stream_version(&self.index, stream_id)
    }

    fn stage_append(
        &mut self,
        staged: &mut Staged,
        request: AppendRequest,
    ) -> Result<AppendOutcome, StoreError> {
        let command_id = request.context.command_id;
        if let Some(outcome) = staged
            .commands
            .get(&command_id)
            .or_else(|| self.commands_in_flight.get(&command_id))
        {
            return Ok(AppendOutcome {
                deduplicated: true,
                ..outcome.clone()
            });
        }
        if let Some(outcome) = self.stored_outcome(command_id)? {
            return Ok(AppendOutcome {
                deduplicated: true,
                ..outcome
            });
        }
        // Checked before the stream's version is looked up, as a malformed request needs none.
        super::backend::validate_request(&request)?;
        let current = self.stream_version(staged, request.stream_id)?;
        let sealed = staged.tail.seal_append(request, current)?;
        let first_position = sealed.outcome.first_position;
        staged.records.add_append(first_position, sealed.encoded);
        for event in sealed.events {
            stage_event(staged, event);
        }
        self.command_filter.insert(command_id);
        stage_command(staged, command_id, &sealed.outcome);
        Ok(sealed.outcome)
    }

    fn stage_recorded(
        &mut self,
        staged: &mut Staged,
        events: Vec<RecordedEvent>,
    ) -> Result<(), StoreError> {
        // Check every event before staging any, so a bad batch leaves nothing behind.
        let tail = staged.tail;
        check_continues(&tail, &events, |stream_id| {
            self.stream_version(staged, stream_id)
        })?;
        let encoded = events
            .iter()
            .map(|event| {
                event.to_canonical_bytes().map_err(|error| {
                    StoreError::InvalidAppend(format!("the event cannot be encoded: {error}"))
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        let mut outcomes = OutcomeCollector::default();
        // Each command's events stay together, as its append did.
        let mut run: Vec<Vec<u8>> = Vec::new();
        let mut run_start = (staged.tail.head + 1, None);
        for (event, bytes) in events.iter().zip(encoded) {
            let command_id = Some(event.metadata.command_id);
            if command_id != run_start.1 && !run.is_empty() {
                staged
                    .records
                    .add_append(run_start.0, std::mem::take(&mut run));
            }
            if run.is_empty() {
                run_start = (event.position, command_id);
            }
            run.push(bytes);
        }
        if !run.is_empty() {
            staged.records.add_append(run_start.0, run);
        }
        for event in events {
            outcomes.add(&event);
            stage_event(staged, event);
        }
        for (command_id, outcome) in outcomes.finish() {
            // A command split across import batches continues the outcome stored for it.
            let earlier = match staged.commands.get(&command_id) {
                Some(earlier) => Some(earlier.clone()),
                None => match self.commands_in_flight.get(&command_id) {
                    Some(earlier) => Some(earlier.clone()),
                    None => self.stored_outcome(command_id)?,
                },
            };
            match earlier {
                None => {
                    self.command_filter.insert(command_id);
                    stage_command(staged, command_id, &outcome);
                }
                Some(earlier)
                    if earlier.stream_id == outcome.stream_id
                        && earlier.last_position + 1 == outcome.first_position =>
                {
                    let continued = AppendOutcome {
                        last_position: outcome.last_position,
                        stream_version: outcome.stream_version,
                        ..earlier
                    };
                    stage_command(staged, command_id, &continued);
                }
                // The same id on another stream or further away is not the same command.
                Some(_) => {}
            }
        }
        Ok(())
    }

    /// The durable outcome of a command: waiting for the indexer, or in the index. The
    /// filter spares the index lookup for (nearly every) new command.
    fn stored_outcome(&self, command_id: Uuid) -> Result<Option<AppendOutcome>, StoreError> {
        if let Some(outcome) = self.pending.command(command_id) {
            return Ok(Some(outcome));
        }
        if !self.command_filter.might_contain(command_id) {
            return Ok(None);
        }
        read_outcome(&self.index, command_id)
    }
}

impl Flusher {
    fn run(self, groups: std::sync::mpsc::Receiver<FlushJob>) {
        while let Ok(first) = groups.recv() {
            let mut jobs = vec![first];
            while let Ok(job) = groups.try_recv() {
                jobs.push(job);
            }
            let count = jobs.len() as u64;
            let shutdown = self.committer.commit(jobs);
            self.outstanding.fetch_sub(count, Ordering::AcqRel);
            if let Some(shutdown) = shutdown {
                self.committer.final_flush();
                let _ = shutdown.send(());
                return;
            }
        }
        self.committer.final_flush();
    }
}

impl Committer {
    /// Flushes once for `jobs`, then indexes, publishes and answers them in order. Returns
    /// the reply of a shutdown request among them.
    fn commit(&self, jobs: Vec<FlushJob>) -> Option<oneshot::Sender<()>> {
        let mut failure = self.stopped_reason();
        if failure.is_none() {
            failure = jobs.iter().find_map(|job| job.write_error.clone());
        }
        let has_events = jobs.iter().any(|job| !job.events.is_empty());
        if failure.is_none() && has_events {
            let started = std::time::Instant::now();
            let flushed = self.db.flush();
            WriteCounters::add_time(&self.counters.flushing_micros, started);
            match flushed {
                Ok(_) => {
                    self.counters.flushes.fetch_add(1, Ordering::AcqRel);
                }
                Err(error) => failure = Some(error.to_string()),
            }
        }
        let mut shutdown = None;
        let started = std::time::Instant::now();
        for job in jobs {
            if job.shutdown.is_some() {
                shutdown = job.shutdown;
            }
            match &failure {
                None => self.acknowledge(job.head, job.entries, job.events, job.replies),
                Some(reason) => {
                    self.stop(reason);
                    for reply in job.replies {
                        reply.fail(reason);
                    }
                }
            }
        }
        WriteCounters::add_time(&self.counters.acknowledging_micros, started);
        shutdown
    }

    fn stopped_reason(&self) -> Option<String> {
        locked(&self.stopped).clone()
    }

    fn stop(&self, reason: &str) {
        let mut stopped = locked(&self.stopped);
        if stopped.is_none() {
            tracing::error!(%reason, "writing to the log failed; no more writes are accepted");
            *stopped = Some(reason.to_owned());
        }
    }

    /// Records a durable group's index entries, moves the durable head, publishes and
    /// answers.
    fn acknowledge(
        &self,
        head: Position,
        entries: GroupEntries,
        events: Vec<Arc<RecordedEvent>>,
        replies: Vec<Reply>,
    ) {
        if !events.is_empty() {
            // Recorded before the head moves, so a reader that sees an event finds its entry.
            let waiting = self.pending.record(entries, head);
            if waiting > MAX_PENDING {
                // The indexer is behind: write the entries here rather than let them pile up.
                if let Err(reason) = self.pending.drain(&self.index) {
                    // The events are durable; the index is re-derived from them at the next
                    // open.
                    self.stop(&reason);
                }
            }
            self.durable_head.store(head, Ordering::Release);
            self.counters
                .events
                .fetch_add(events.len() as u64, Ordering::AcqRel);
            for event in events {
                // No receiver is not an error: nobody is listening yet.
                let _ = self.live.send(event);
            }
        }
        for reply in replies {
            reply.send();
        }
    }

    /// Writes the waiting index entries, stops the indexer and flushes both databases.
    fn final_flush(&self) {
        if let Err(reason) = self.pending.drain(&self.index) {
            tracing::error!(%reason, "the next start re-indexes the log");
        }
        self.pending.shut_down();
        for database in [&self.db, &self.index_db] {
            if let Err(error) = database.flush() {
                tracing::error!(%error, "final flush failed");
            }
        }
    }
}

fn stage_event(staged: &mut Staged, event: RecordedEvent) {
    staged
        .entries
        .streams
        .push((event.stream_id, event.stream_version, event.position));
    staged.tail.follow(&event);
    staged
        .stream_versions
        .insert(event.stream_id, event.stream_version);
    staged.events.push(Arc::new(event));
}

fn stage_command(staged: &mut Staged, command_id: Uuid, outcome: &AppendOutcome) {
    staged.entries.commands.push((command_id, outcome.clone()));
    staged.commands.insert(command_id, outcome.clone());
}

/// A filter of every command id in the index, read from its keys.
fn fill_command_filter(index: &sled::Tree) -> Result<CommandFilter, StoreError> {
    let started = std::time::Instant::now();
    let mut command_ids = Vec::new();
    for key in index.scan_prefix([b'c']).keys() {
        let key = key.map_err(backend)?;
        if let Some(command_id) = key
            .get(1..17)
            .and_then(|bytes| Uuid::from_slice(bytes).ok())
        {
            command_ids.push(command_id);
        }
    }
    // Room for as many again before the filter needs a new layer.
    let mut filter = CommandFilter::with_capacity(command_ids.len() * 2);
    for command_id in command_ids {
        filter.insert(command_id);
    }
    tracing::debug!(
        bytes = filter.bytes(),
        elapsed_ms = started.elapsed().as_millis() as u64,
        "filled the command filter"
    );
    Ok(filter)
}

impl Reply {
    fn send(self) {
        // A caller that gave up waiting is not the writer's problem.
        match self {
            Reply::Append(reply, result) => {
                let _ = reply.send(result);
            }
            Reply::Recorded(reply, result) => {
                let _ = reply.send(result);
            }
        }
    }

    fn fail(self, reason: &str) {
        match self {
            Reply::Append(reply, result) => {
                let _ = reply.send(result.and(Err(StoreError::WritesStopped(reason.into()))));
            }
            Reply::Recorded(reply, result) => {
                let _ = reply.send(result.and(Err(StoreError::WritesStopped(reason.into()))));
            }
        }
    }
}
