//! The embedded event store on sled: the default, one process, one data directory.
//!
//! Layout: two sled databases in the data directory, so that a group commit flushes only the
//! events and the indexes are flushed in the background:
//!
//! | database, tree     | key                                  | value                            |
//! |--------------------|--------------------------------------|----------------------------------|
//! | `log/`, `events`   | first position (u64, big-endian)     | a record of one or more events ([`records`]) |
//! | `index/`, `index`  | `s` + stream id (16) + chunk (u64)   | positions of 64 of the stream's versions ([`index`]) |
//! | `index/`, `index`  | `r` + run (u64) + block (u32)        | commands' [`AppendOutcome`]s in sorted runs ([`command_runs`]) |
//! | `index/`, `index`  | `c` + command id (16)                | a command's [`AppendOutcome`] (stores written before runs) |
//! | `index/`, `index`  | `m:indexed_through`                  | the last position it covers      |
//!
//! Beside them, the file `checkpoint`: the projections' checkpoint ([`checkpoint`]); and the
//! sled database `timeline/`, the timeline index ([`timeline`]).
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
//! sled is the vendored 0.34.7 of `vendor/sled` (`vendor/README.md`): its `flush` writes the
//! sealed IO buffer on the flushing thread (the committer's) instead of handing it to sled's
//! thread pool and waiting to be woken, so a group's flush crosses no thread (unless the writer
//! thread is still inserting into that buffer: then its insert hands it to the pool, as before);
//! and it keeps a written segment's buffer for a later segment instead of freeing it, so the
//! inserts do not fault in and zero fresh pages for every 512 KiB of log; its file is
//! extended 2 MiB ahead of its writes, so that a group's `fdatasync` need not persist a new
//! file length as well, and the log's file is prefilled with written, synced zeros ahead of
//! its writes by a thread of its own (`open_database`'s `prefill`), so that a group's sync
//! allocates no blocks either.
//!
//! **No hand-off for a lone writer.** The writer's state sits behind a mutex that the writer
//! thread holds while it writes a group. When an append is the only one in flight, nothing
//! waits in the queue and no group waits for the flusher, the caller takes the writer and
//! writes its append on its own thread ([`SledEventStore::append_here`]), with the same code:
//! a lone caller appending in a loop then never waits for another thread to wake, which
//! costs tens of microseconds per append here. Only while the groups hold one request each,
//! and only on a runtime of two workers or more: among many callers, an append that happens
//! to be alone goes through the queue like the others. Likewise the writer thread commits a group
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
//! The commands' outcomes are written as one sorted run per drain of the indexer, in the
//! same sled batch as its mark, and merged in the background ([`command_runs`]), instead of
//! one random-key insert per command.
//!
//! A failed flush stops all further writes (the in-memory view might then be ahead of the
//! disk); a restart recovers whatever sled made durable.
//!
//! The writer, the flusher and the [`Committer`] are in `writer`; records, the index, the
//! pending index entries and the command filter in the modules named so.

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
use self::writer::{fill_command_filter, run_writer, Committer, Flusher, Writer};
use super::backend::{check_continues, decode_event, LogTail, OutcomeCollector};
use super::{
    AppendOutcome, AppendRequest, EventStore, FoldSlot, Position, PublishedFold, RecordedEvent,
    StoreError, StreamVersion, TimelineIndexEntry,
};
use crate::sync::locked;

mod bloom;
mod checkpoint;
mod command_filter;
mod command_runs;
mod index;
mod pending;
mod records;
mod timeline;
mod writer;

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
    /// The data directory, where the projections' checkpoint is kept ([`checkpoint`]).
    directory: std::path::PathBuf,
    /// The timeline index ([`timeline`]).
    timeline: timeline::TimelineTrees,
    /// The lock on the timeline index, holding whether it is closed to writes (set by
    /// `shutdown`). Its reads and writes share it; bringing sled's snapshot of the index to
    /// the end of its log (after each checkpoint, and at shutdown) takes it alone, since
    /// nothing may write meanwhile, and in sled a read can write (it finishes a node's
    /// split).
    timeline_lock: Arc<std::sync::RwLock<bool>>,
    /// Index entries of durable events not yet in `index`.
    pending: Arc<PendingIndex>,
    /// Position of the last flushed event: readers never look past it.
    durable_head: Arc<AtomicU64>,
    /// Where the writer publishes durable events; kept to hand out receivers.
    /// Taken on shutdown, so that once the flusher's copy is gone too every subscription
    /// learns that no more events will come.
    live: Mutex<Option<broadcast::Sender<Arc<RecordedEvent>>>>,
    /// What the committer calls with each durable event before it answers
    /// ([`EventStore::fold_when_published`]).
    fold: Arc<FoldSlot>,
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

/// The page cache of the index's database (streams, commands). sled's default (1 GiB) filled
/// as a rebuild read the million events of the log once, and stayed resident: 0.8 GiB of a
/// rebuilt server's memory (BENCHMARKS.md, issue 19 scenario 3).
const INDEX_CACHE_BYTES: u64 = 128 << 20;
/// The page cache of the log's database, smaller still: appends touch its last pages, and reads
/// of older events are served by the kernel's page cache of the files, while what a rebuild
/// read stays in it for good (sled counts a page at its size on disk; it holds about twice
/// that). 32 MiB instead of 128 takes ~65 MiB off a rebuilt server's steady memory at a
/// million events; "as of" questions, which read a stretch of older events, took ~12 % more
/// CPU in one loaded run of scenario 4 (BENCHMARKS.md, issue 19 scenario 3).
const LOG_CACHE_BYTES: u64 = 32 << 20;

/// Opens one sled database with a page cache of `cache_bytes`, naming a locked directory for
/// what it is. `prefill` asks the vendored sled to write and sync zeros ahead of the file's
/// writes, off the writing threads, so that a group's `fdatasync` allocates no blocks: for the
/// log, synced after every group of a few hundred bytes; not for the index, whose syncs are
/// rare and whose writes are whole 512 KiB buffers (its bytes written would double for nothing)
/// (`vendor/README.md`, change 6).
fn open_database(path: &Path, cache_bytes: u64, prefill: bool) -> Result<sled::Db, StoreError> {
    sled::Config::new()
        .path(path)
        .mode(sled::Mode::HighThroughput)
        .cache_capacity(cache_bytes)
        .prefill_log(prefill)
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

/// Opens the store's three sled databases (the log, the command index, the timeline index)
/// side by side, each on a thread of its own. Each open reads its database's log forward
/// from its snapshot and zeroes its free segments, and none needs another: one after the
/// other, a start waited for the sum (BENCHMARKS.md, issue 19 scenario 3, "Free segments
/// zeroed as ranges, and the store's databases opened side by side"). A failure to open the
/// log is said first, as it was.
fn open_databases(
    directory: &Path,
) -> Result<(sled::Db, sled::Db, timeline::TimelineTrees), StoreError> {
    std::thread::scope(|scope| {
        let index = scope.spawn(|| {
            timed_open("index", || {
                open_database(&directory.join("index"), INDEX_CACHE_BYTES, false)
            })
        });
        let timeline =
            scope.spawn(|| timed_open("timeline", || timeline::TimelineTrees::open(directory)));
        let log = timed_open("log", || {
            open_database(&directory.join("log"), LOG_CACHE_BYTES, true)
        });
        let index = joined("index", index);
        let timeline = joined("timeline", timeline);
        Ok((log?, index?, timeline?))
    })
}

/// What the thread opening `database` returned; a panic there as a store error.
fn joined<T>(
    database: &str,
    thread: std::thread::ScopedJoinHandle<'_, Result<T, StoreError>>,
) -> Result<T, StoreError> {
    thread.join().unwrap_or_else(|_| {
        Err(StoreError::Backend(format!(
            "opening the store's {database} database panicked"
        )))
    })
}

/// `open()`, with how long it took logged (at debug level) under `database`'s name.
fn timed_open<T>(
    database: &str,
    open: impl FnOnce() -> Result<T, StoreError>,
) -> Result<T, StoreError> {
    let started = std::time::Instant::now();
    let opened = open();
    tracing::debug!(
        database,
        millis = started.elapsed().as_millis() as u64,
        "opened a sled database of the store"
    );
    opened
}

/// A sled failure as a store error. Damage sled finds where it reads (a message whose
/// checksum fails) is said as such, with what to do: since a clean shutdown brings sled's
/// snapshot to the end of the log (`vendor/README.md`, change 9), an open reads no old
/// message, so damage is found when a page holding it is first read, not at the open.
fn backend(error: sled::Error) -> StoreError {
    match error {
        sled::Error::Corruption { at, .. } => StoreError::Backend(format!(
            "the store's files are damaged: sled read corrupted data at offset {} of its log; \
             `partnerhub verify` checks the whole log, and `partnerhub restore` brings back a \
             backup",
            at.map_or_else(|| "unknown".to_owned(), |at| at.lid().to_string())
        )),
        other => StoreError::Backend(other.to_string()),
    }
}

impl SledEventStore {
    /// Opens (or creates) the store in `directory`.
    ///
    /// # Errors
    /// [`StoreError::Incompatible`] when the directory is in use by another process or holds
    /// something else, [`StoreError::Corrupt`] when the last event cannot be read back intact
    /// (a torn or damaged store), and backend failures.
    pub fn open(directory: &Path) -> Result<Self, StoreError> {
        let (db, index_db, timeline) = open_databases(directory)?;
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
        let indexing = std::time::Instant::now();
        let (runs, command_ids) = index::derive_missing(&events, &index, head)?;
        let run_statistics = runs.statistics();
        tracing::debug!(
            millis = indexing.elapsed().as_millis() as u64,
            runs = run_statistics.runs,
            commands = run_statistics.entries,
            directory_bytes = run_statistics.directory_bytes,
            "read the directory of the command runs"
        );
        let command_filter = fill_command_filter(&index, command_ids)?;
        let pending = Arc::new(PendingIndex::new(runs));

        let durable_head = Arc::new(AtomicU64::new(head));
        let (live, _) = broadcast::channel(LIVE_CAPACITY);
        let counters = Arc::new(WriteCounters::default());
        let (sender, receiver) = mpsc::channel(WRITER_QUEUE);
        let stopped = Arc::new(Mutex::new(None));
        let (flush_sender, flush_receiver) = std::sync::mpsc::sync_channel(FLUSH_QUEUE);
        let fold = Arc::new(FoldSlot::default());
        let committer = Arc::new(Committer {
            fold: fold.clone(),
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
            // A store starts as a lone caller's: its first appends are written by the caller.
            last_group_requests: 1,
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
            directory: directory.to_path_buf(),
            timeline,
            timeline_lock: Arc::new(std::sync::RwLock::new(false)),
            pending,
            durable_head,
            live: Mutex::new(Some(live)),
            fold,
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
    /// serialized).
    ///
    /// The append holds the caller's worker for its flush (one `pwrite` and one
    /// `fdatasync`, about 0.1 ms on a quiet disk here) instead of handing the worker's core to another
    /// thread with [`tokio::task::block_in_place`]: that hand-off woke a thread of the blocking
    /// pool on every lone append, moved the core to it, and left the caller's task to finish
    /// on a thread without a core, so that its ack reached the socket's writer task through
    /// the runtime's inject queue and another wake-up (six `futex` calls per edit at one
    /// client; BENCHMARKS.md, issue 19 scenario 1). Now the connection's task wakes its
    /// writer task on the same worker. The runtime's other workers take the held worker's
    /// queued tasks meanwhile (work stealing), which is why this is done on a multi-thread
    /// runtime only, and only when no other append is in flight, so at most one worker
    /// waits for the disk here at a time.
    ///
    /// Gives the request back when it must go through the queue instead: on a runtime with
    /// one worker (a current-thread runtime, or a multi-thread one on a machine of one core,
    /// where nothing else could run meanwhile), while the writer thread holds the writer or
    /// has appends queued, while groups wait for the flusher, or when the last group held
    /// more than one request. Only the holder of the writer hands groups to the flusher, so
    /// with none outstanding the flusher is idle and groups are still committed one at a
    /// time, in order.
    ///
    /// The last condition keeps this to a lone caller's case. Under many callers an append
    /// also finds itself alone now and then (between two groups' acks): written here, it
    /// held the writer, and so every append that came meanwhile, for a flush of one event,
    /// and held a worker for that flush. At 256 clients 35 % of the flushes were such groups
    /// of one, and the store did 0.39-0.44x Redis's edits per second against 0.48-0.49x
    /// through the queue; at 16 clients 0.78-0.81x against 0.84-0.88x. On a runtime of one
    /// worker, 16 clients fell to a quarter of their rate: the held worker read no other
    /// client's command, so the next append was alone again (BENCHMARKS.md, issue 19
    /// scenario 1, "Lone appends written by their caller only while groups hold one").
    fn append_here(&self, request: AppendRequest) -> WrittenHere {
        let can_block = tokio::runtime::Handle::try_current().is_ok_and(|runtime| {
            runtime.runtime_flavor() == tokio::runtime::RuntimeFlavor::MultiThread
                && runtime.metrics().num_workers() > 1
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
        if writer.outstanding.load(Ordering::Acquire) != 0 || writer.last_group_requests > 1 {
            return WrittenHere::NotNow(request);
        }
        let (reply, mut answer) = oneshot::channel();
        writer.write_group(vec![WriterMessage::Append { request, reply }], false);
        writer
            .counters
            .appends_written_by_caller
            .fetch_add(1, Ordering::Relaxed);
        WrittenHere::Answered(answer.try_recv().unwrap_or(Err(StoreError::Closed)))
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
            None => {
                let pending = self.pending.clone();
                run_blocking(move || read_outcome(&index, &pending.runs, command_id)).await?
            }
        };
        Ok(outcome.map(|outcome| AppendOutcome {
            deduplicated: true,
            ..outcome
        }))
    }

    async fn save_checkpoint(&self, bytes: Vec<u8>) -> Result<(), StoreError> {
        let directory = self.directory.clone();
        // The checkpointer's work, in the background: at a lower CPU priority than commands.
        run_lowered(move || checkpoint::save(&directory, &bytes)).await?;
        // The checkpointer saved the timeline entries up to the checkpoint first.
        self.snapshot_timeline().await;
        Ok(())
    }

    async fn read_checkpoint(
        &self,
        pieces: tokio::sync::mpsc::Sender<Vec<u8>>,
    ) -> Result<bool, StoreError> {
        let directory = self.directory.clone();
        run_blocking(move || checkpoint::read(&directory, &pieces)).await
    }

    async fn save_timeline(
        &self,
        entries: Vec<TimelineIndexEntry>,
        mark: Option<Vec<u8>>,
    ) -> Result<(), StoreError> {
        // The checkpointer's work, in the background: at a lower CPU priority than commands.
        run_lowered(self.timeline_write(move |timeline| timeline.save(entries, mark))).await
    }

    async fn timeline_mark(&self) -> Result<Option<Vec<u8>>, StoreError> {
        run_blocking(self.timeline_read(timeline::TimelineTrees::mark)).await
    }

    async fn read_timeline(
        &self,
        workspace_id: Uuid,
        entity_id: Option<Uuid>,
        up_to: Position,
    ) -> Result<Vec<(Position, Vec<u8>)>, StoreError> {
        run_blocking(
            self.timeline_read(move |timeline| timeline.read(workspace_id, entity_id, up_to)),
        )
        .await
    }

    async fn clear_timeline(&self) -> Result<(), StoreError> {
        run_blocking(self.timeline_write(timeline::TimelineTrees::clear)).await
    }

    fn head_position(&self) -> Position {
        self.durable_head.load(Ordering::Acquire)
    }

    async fn catch_up(&self) -> Result<Position, StoreError> {
        // This process is the only writer: what is durable is already read.
        Ok(self.head_position())
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
        self.fold.set(fold)
    }

    async fn shutdown(&self) {
        let (reply, done) = oneshot::channel();
        if self.send(WriterMessage::Shutdown { reply }).await.is_ok() {
            let _ = done.await;
        }
        let threads = std::mem::take(&mut *locked(&self.threads));
        let stopped_now = !threads.is_empty();
        for thread in threads {
            let _ = tokio::task::spawn_blocking(move || thread.join()).await;
        }
        let sender = locked(&self.live).take();
        drop(sender);
        if stopped_now {
            self.snapshot_at_rest().await;
        }
    }
}

impl SledEventStore {
    /// `write` to the timeline index, as work for a blocking thread: refused as
    /// [`StoreError::Closed`] once the store is shut down, and holding the shared side of
    /// the timeline's lock while it runs, so that no snapshot of the index is taken meanwhile.
    fn timeline_write(
        &self,
        write: impl FnOnce(&timeline::TimelineTrees) -> Result<(), StoreError> + Send + 'static,
    ) -> impl FnOnce() -> Result<(), StoreError> + Send + 'static {
        self.timeline_shared(move |timeline, closed| {
            if closed {
                return Err(StoreError::Closed);
            }
            write(timeline)
        })
    }

    /// `read` of the timeline index, as work for a blocking thread, holding the shared side
    /// of the timeline's lock while it runs (a sled read can write: it finishes a node's
    /// split). Reads are not refused once the store is shut down.
    fn timeline_read<T: Send + 'static>(
        &self,
        read: impl FnOnce(&timeline::TimelineTrees) -> Result<T, StoreError> + Send + 'static,
    ) -> impl FnOnce() -> Result<T, StoreError> + Send + 'static {
        self.timeline_shared(move |timeline, _closed| read(timeline))
    }

    /// `work` on the timeline index, told whether the store is shut down, under the shared
    /// side of the timeline's lock.
    fn timeline_shared<T: Send + 'static>(
        &self,
        work: impl FnOnce(&timeline::TimelineTrees, bool) -> Result<T, StoreError> + Send + 'static,
    ) -> impl FnOnce() -> Result<T, StoreError> + Send + 'static {
        let timeline = self.timeline.clone();
        let lock = self.timeline_lock.clone();
        move || {
            let closed = lock
                .read()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            work(&timeline, *closed)
        }
    }

    /// Brings the timeline index's sled snapshot to the end of its log, alone on the index
    /// (the timeline's lock taken whole: no read or write of it runs meanwhile, and every
    /// later one starts after the end the snapshot covers), as a clean shutdown does for every
    /// database (`vendor/README.md`, change 9). Called once a checkpoint is stored, whose
    /// timeline entries the checkpointer saved just before: a start after a crash then reads
    /// only what the index took since, not every entry saved since the last open (after a
    /// rebuild, a million of them: 0.3-0.4 s more before the server is ready, by
    /// `partnerhub-bench startup --after-crash`). At the checkpointer's lower CPU priority;
    /// a failure costs only that time at the next open, so it is a warning.
    async fn snapshot_timeline(&self) {
        let database = self.timeline.database();
        let lock = self.timeline_lock.clone();
        let started = std::time::Instant::now();
        let advanced = run_lowered(move || {
            let closed = lock
                .write()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            if *closed {
                // Shut down: its own snapshot was taken then.
                return Ok(0);
            }
            database.snapshot_at_rest().map_err(backend)
        })
        .await;
        let millis = started.elapsed().as_millis() as u64;
        match advanced {
            Ok(advanced_bytes) => tracing::debug!(
                advanced_bytes,
                millis,
                "brought the timeline index's sled snapshot to the end of its log"
            ),
            Err(error) => tracing::warn!(
                %error,
                "cannot bring the timeline index's sled snapshot up to date; a start after a \
                 crash reads the entries saved since the last one"
            ),
        }
    }

    /// Advances each database's sled snapshot to the end of its log, once the writers are
    /// gone (`vendor/README.md`, change 9): the log's and the index's threads are joined,
    /// and the timeline index is closed to writes first (a save in flight is waited for, a
    /// later one refused as [`StoreError::Closed`]; reads wait until the snapshots are
    /// taken). sled reads its log forward from its last snapshot when it opens, and advances
    /// that snapshot only then: without this, the start after a day of writes (or after a
    /// rebuild saved a million timeline entries) read all of them again before the server
    /// could answer, up to 0.7 s at a million events. Done here, the next start reads only
    /// what a crash left after the last clean stop (for the timeline index, after the last
    /// checkpoint: [`SledEventStore::snapshot_timeline`]). A failure costs only that time at
    /// the next open, so it is a warning.
    async fn snapshot_at_rest(&self) {
        let databases = [
            ("log", self.events.clone()),
            ("index", self.index.clone()),
            ("timeline", self.timeline.database()),
        ];
        let started = std::time::Instant::now();
        let timeline_lock = self.timeline_lock.clone();
        let advanced = run_blocking(move || {
            // The log's and the index's writers are joined; the timeline's are waited for,
            // and the lock is held until every snapshot is taken.
            let mut closed = timeline_lock
                .write()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            *closed = true;
            let mut advanced = 0;
            for (name, tree) in databases {
                match tree.snapshot_at_rest() {
                    Ok(bytes) => advanced += bytes,
                    Err(error) => tracing::warn!(
                        database = name,
                        %error,
                        "cannot bring sled's snapshot up to date; the next start reads the \
                         log written since the last one"
                    ),
                }
            }
            Ok(advanced)
        })
        .await
        .unwrap_or(0);
        let millis = started.elapsed().as_millis() as u64;
        if advanced > 0 {
            tracing::info!(
                advanced_bytes = advanced,
                millis,
                "brought sled's snapshots up to the end of the log"
            );
        } else {
            tracing::debug!(millis, "sled's snapshots were at the end of the log");
        }
    }
}

/// Runs `work` on a thread of its own at a lower CPU priority ([`crate::background`]).
async fn run_lowered<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, StoreError> + Send + 'static,
) -> Result<T, StoreError> {
    crate::background::run_lowered("partnerhub-store-background", work)
        .await
        .map_err(|error| StoreError::Backend(error.to_string()))?
}

async fn run_blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, StoreError> + Send + 'static,
) -> Result<T, StoreError> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|error| StoreError::Backend(format!("a read task failed: {error}")))?
}
