//! partnerhub: the log file prefilled with written zeros ahead of sled's writes, off the
//! writing threads (change 6 in `vendor/README.md`).
//!
//! Change 5 (`IoBufs::cover_in_file`) sets the file's length ahead of its writes, so a sync no
//! longer persists a new length; the blocks past the last write are still a hole, allocated
//! when a write's pages are written back, i.e. inside the `fdatasync` of a group whose write
//! reached a new block (one in four or five groups at one client). On ext4 that allocation
//! writes the inode's extent and the block bitmap in the sync, before the disk's cache flush.
//! PostgreSQL writes and syncs each WAL segment's zeros before using it, so its `fdatasync`
//! writes data over allocated blocks. This does the same for sled's log file: a thread of the
//! database's own writes zeros past the furthest write and syncs them, [`PREFILL_STEP`] at a
//! time, whenever a write comes within [`PREFILL_STEP`] of the prefilled end; a write past the
//! prefilled end (the prefill has not kept up) falls back to change 5's `set_len`, and never
//! waits for the prefill's write or sync. Each chunk of zeros is written out to the disk as
//! soon as it is in the page cache ([`write_out`]), so that a writer's `fdatasync`, which
//! writes every dirty page of the file, never carries more than one chunk of them.
//!
//! **Never a zero over sled's data**: the prefill writes only at or past `written_end`, the
//! furthest end of any sled write that reached past the prefilled end and never below the
//! file's length when the process first wrote to it (its earlier data), and writes each
//! [`CHUNK`] holding the lock under which a writer publishes that end *before* its `pwrite`.
//! A writer whose write ends below the prefilled end (`zeroed_to`) publishes nothing: the
//! prefill never writes below `zeroed_to` again (each prefill starts at or past it, and
//! `zeroed_to` is only raised by the prefill itself, after its sync). sled's truncation of the
//! file's free end (`SegmentAccountant::truncate`) takes the same lock, lowers the marks and
//! bumps a generation that makes a prefill in flight discard its result.
//!
//! **Free segments zeroed as ranges at the open** (change 10: `segment::zero_segment`) are
//! unwritten extents: the first write into each of their blocks is converted at write-back,
//! a journal transaction each that a group's `fdatasync` waits for (measured: mean +15–30 %,
//! p99 +40–80 % per flushed insert until those segments are used up). sled hands free
//! segments out lowest first (`SegmentAccountant::next`), so the same thread writes and
//! syncs zeros into the lowest of them, [`PREFILL_STEP`] of segments ahead of their use, and
//! no more: a start does not pay for all of them at once, and the disk is not kept busy with
//! zeros nobody needs yet. **Never a zero over sled's data** here either: each chunk is
//! written holding the lock, only while its segment is still `writing`, and
//! `SegmentAccountant::next` claims a segment ([`Prefill::claimed`]) under that lock before
//! sled writes into it; a truncation drops the segments past its end. A segment claimed
//! before its zeros were written is used as it is (its syncs are the slower ones, as without
//! this). `SLED_WRITE_FREE_SEGMENTS=0` switches this off alone.
//!
//! **Crash safety**: what a crash can leave is zeros, or a hole read as zeros, past the last
//! message sled wrote (the prefill's zeros not yet synced are either on disk or not; the
//! file's length is the prefill's or the one before): the state of change 5, which sled's
//! recovery reads as the end of the log (see `IoBufs::cover_in_file`).

use std::{
    collections::BTreeSet,
    fs::File,
    sync::atomic::{AtomicBool, AtomicU64, Ordering::*},
    thread::JoinHandle,
};

use log::warn;
use parking_lot::{Condvar, Mutex, MutexGuard};

use super::{pwrite_all, LogOffset};
use crate::Arc;

/// How far ahead of the writes the file is prefilled, and how much each prefill writes.
pub(crate) const PREFILL_STEP: LogOffset = 2 << 20;

/// The zeros written under the lock at a time: a writer that must publish its end waits for
/// at most one such `pwrite` into the page cache (tens of µs), never for the sync.
const CHUNK: usize = 64 << 10;

/// The file system's block: the prefill starts at the block after the furthest write, never
/// inside a block holding data.
const BLOCK: LogOffset = 4096;

/// What the writers and the prefill agree on under [`Shared::marks`].
#[derive(Debug, Default)]
pub(crate) struct Marks {
    /// The furthest end of a sled write that reached past `zeroed_to`, published before that
    /// write's `pwrite`.
    written_end: LogOffset,
    /// Bumped by a truncation: a prefill that began before it discards its result.
    generation: u64,
    /// `written_end` has been raised to the file's length as this process first found it
    /// ([`Prefill::publish`]).
    floor_set: bool,
    /// A prefill is asked for.
    wanted: bool,
    /// The database is closing: the prefill thread ends.
    stop: bool,
    /// Free segments zeroed as ranges at the open whose blocks are still to be written with
    /// zeros, lowest first.
    to_write: BTreeSet<LogOffset>,
    /// The segment whose zeros are being written: cleared when sled claims it.
    writing: Option<LogOffset>,
    /// Segments whose zeros are written and synced, not yet claimed by sled.
    written_ahead: BTreeSet<LogOffset>,
    /// How many segments are written ahead of sled's use at most.
    ahead: usize,
    /// The size of a segment.
    segment_size: LogOffset,
}

impl Marks {
    /// Whether the prefill thread has a free segment to write zeros into now.
    fn segment_due(&self) -> bool {
        !self.to_write.is_empty() && self.written_ahead.len() < self.ahead
    }
}

#[derive(Debug, Default)]
struct Shared {
    marks: Mutex<Marks>,
    wake: Condvar,
    /// The file holds written and synced zeros (or sled's data) up to here, past the last
    /// write: a write ending at or below it has nothing to publish.
    zeroed_to: AtomicU64,
    /// A prefill is asked for or under way.
    running: AtomicBool,
    /// A prefill failed (an I/O error): no more are asked for; writes past the prefilled end
    /// use `set_len` as without this change.
    failed: AtomicBool,
}

/// The prefill of one database's log file; its thread is started at the first prefill and
/// joined when the last `RunningConfig` holding this is dropped.
#[derive(Debug, Default)]
pub(crate) struct Prefill {
    shared: Arc<Shared>,
    worker: Mutex<Option<JoinHandle<()>>>,
}

impl Prefill {
    /// How far the file holds written and synced zeros.
    pub(crate) fn zeroed_to(&self) -> LogOffset {
        self.shared.zeroed_to.load(Acquire)
    }

    /// The lock under which a writer publishes its end ([`Prefill::publish`]) and sled
    /// truncates the file ([`Prefill::truncated`]).
    pub(crate) fn lock(&self) -> MutexGuard<'_, Marks> {
        self.shared.marks.lock()
    }

    /// Records, under `marks`, that a write ending at `end` is about to be made. The first
    /// time, also the file's length: what the file held when this process opened it may be
    /// live data anywhere below that length (sled reuses free segments, so the first writes
    /// of a process can land below its end), and the prefill must never write below it.
    /// (Without this floor, a prefill started after a restart wrote zeros from the end of the
    /// process's first write, in a reused low segment, over the live segments above it: caught
    /// by `tests/crash.rs`, whose reopen found "Read corrupted data".)
    pub(crate) fn publish(
        marks: &mut Marks,
        file: &File,
        end: LogOffset,
    ) -> std::io::Result<()> {
        if !marks.floor_set {
            marks.written_end = marks.written_end.max(file.metadata()?.len());
            marks.floor_set = true;
        }
        marks.written_end = marks.written_end.max(end);
        Ok(())
    }

    /// Records, under `marks`, that sled truncates the file to `at`: nothing reaches past it
    /// (sled truncates only the free segments at the end of the file). Before the file's
    /// length is known ([`Prefill::publish`]), nothing changes: the floor is then taken after
    /// the truncation.
    pub(crate) fn truncated(&self, marks: &mut Marks, at: LogOffset) {
        marks.generation += 1;
        // No zeros past the new end: they would make the file longer again.
        let _ = marks.to_write.split_off(&at);
        let _ = marks.written_ahead.split_off(&at);
        if marks.writing.map_or(false, |base| base >= at) {
            marks.writing = None;
        }
        if marks.floor_set {
            marks.written_end = marks.written_end.min(at);
        }
        self.shared.zeroed_to.fetch_min(at, SeqCst);
    }

    /// Hands the prefill thread `segments`, free segments zeroed as ranges at the open (see
    /// the module's documentation), `segment_size` each, to write zeros into ahead of their
    /// use. Unless `SLED_WRITE_FREE_SEGMENTS=0`.
    pub(crate) fn write_free_segments(
        &self,
        segments: BTreeSet<LogOffset>,
        segment_size: usize,
        file: &Arc<File>,
        file_covers: &Arc<AtomicU64>,
    ) {
        if segments.is_empty() || !crate::write_free_segments() {
            return;
        }
        {
            let mut marks = self.shared.marks.lock();
            marks.segment_size = segment_size as LogOffset;
            // PREFILL_STEP's worth of segments, at least one: four of 512 KiB.
            #[allow(clippy::cast_possible_truncation)]
            let ahead =
                (PREFILL_STEP / marks.segment_size.max(1)).max(1) as usize;
            marks.ahead = ahead;
            marks.to_write.extend(segments);
        }
        if self.spawn_worker(file, file_covers) {
            self.shared.wake.notify_one();
        }
    }

    /// Records, under `marks`, that sled is about to write into the free segment at `base`:
    /// no zero is written into it from now on.
    pub(crate) fn claimed(&self, marks: &mut Marks, base: LogOffset) {
        let was_due = marks.segment_due();
        marks.to_write.remove(&base);
        marks.written_ahead.remove(&base);
        if marks.writing == Some(base) {
            marks.writing = None;
        }
        if !was_due && marks.segment_due() {
            self.shared.wake.notify_one();
        }
    }

    /// Starts the prefill thread unless it runs; whether it runs.
    fn spawn_worker(
        &self,
        file: &Arc<File>,
        file_covers: &Arc<AtomicU64>,
    ) -> bool {
        let mut worker = self.worker.lock();
        if worker.is_none() {
            let shared = self.shared.clone();
            let file = file.clone();
            let file_covers = file_covers.clone();
            let spawned = std::thread::Builder::new()
                .name("sled-log-prefill".into())
                .spawn(move || run(&shared, &file, &file_covers));
            match spawned {
                Ok(handle) => *worker = Some(handle),
                Err(error) => {
                    warn!("no thread to prefill the log file: {}", error);
                    self.shared.failed.store(true, Release);
                    return false;
                }
            }
        }
        true
    }

    /// Asks for a prefill past the furthest write, unless one is asked for or under way.
    /// Costs a wake-up of the prefill thread (its start the first time); never waits for a
    /// write or a sync.
    pub(crate) fn start(
        &self,
        file: &Arc<File>,
        file_covers: &Arc<AtomicU64>,
    ) {
        if self.shared.failed.load(Acquire)
            || self.shared.running.swap(true, AcqRel)
        {
            return;
        }
        if !self.spawn_worker(file, file_covers) {
            return;
        }
        let mut marks = self.shared.marks.lock();
        marks.wanted = true;
        drop(marks);
        self.shared.wake.notify_one();
    }
}

impl Drop for Prefill {
    fn drop(&mut self) {
        self.shared.marks.lock().stop = true;
        self.shared.wake.notify_one();
        if let Some(handle) = self.worker.lock().take() {
            let _ = handle.join();
        }
    }
}

/// The prefill thread: one prefill per request, and between them the zeros of the free
/// segments zeroed as ranges, one segment at a time and only as far ahead as
/// [`Marks::segment_due`] says, until the database closes or a write fails.
fn run(shared: &Shared, file: &File, file_covers: &AtomicU64) {
    let zeros = vec![0_u8; CHUNK];
    loop {
        let segment = {
            let mut marks = shared.marks.lock();
            while !marks.wanted && !marks.stop && !marks.segment_due() {
                shared.wake.wait(&mut marks);
            }
            if marks.stop {
                return;
            }
            if marks.wanted {
                marks.wanted = false;
                None
            } else {
                let base = marks.to_write.iter().next().copied();
                if let Some(base) = base {
                    marks.to_write.remove(&base);
                    marks.writing = Some(base);
                }
                base
            }
        };
        match segment {
            None => {
                if let Err(error) =
                    prefill_once(shared, file, file_covers, &zeros)
                {
                    warn!(
                        "prefilling the log file failed, left as a hole: {}",
                        error
                    );
                    shared.failed.store(true, Release);
                    return;
                }
                shared.running.store(false, Release);
            }
            Some(base) => {
                if let Err(error) = write_segment(shared, file, base, &zeros) {
                    // Nothing is lost: the segment reads as zeros either way.
                    warn!(
                        "writing zeros into a free segment of the log file failed, \
                         left as it is: {}",
                        error
                    );
                    let mut marks = shared.marks.lock();
                    marks.to_write.clear();
                    marks.writing = None;
                }
            }
        }
    }
}

/// Writes zeros over the free segment at `base` (zeroed as a range at the open), a
/// [`CHUNK`] at a time under the lock and only while sled has not claimed it, then, once the
/// whole segment is written, syncs them, so that the writes sled makes there later find
/// written blocks. A claim or the database's close ends it at once, with no sync.
fn write_segment(
    shared: &Shared,
    file: &File,
    base: LogOffset,
    zeros: &[u8],
) -> std::io::Result<()> {
    let mut at = base;
    loop {
        let marks = shared.marks.lock();
        if marks.stop || marks.writing != Some(base) {
            // Closing (the file stays open, and so locked, until this returns), or sled
            // claimed the segment: nothing more to do for it.
            return Ok(());
        }
        let end = base + marks.segment_size;
        if at >= end {
            break;
        }
        #[allow(clippy::cast_possible_truncation)]
        let len = (end - at).min(zeros.len() as LogOffset) as usize;
        pwrite_all(file, &zeros[..len], at)?;
        drop(marks);
        write_out(file, at, len as LogOffset);
        at += len as LogOffset;
    }
    // The conversion of the blocks persisted here, not in a writer's sync.
    file.sync_data()?;
    let mut marks = shared.marks.lock();
    if marks.writing == Some(base) {
        marks.writing = None;
        marks.written_ahead.insert(base);
    }
    Ok(())
}

/// Writes a chunk of zeros just written into the page cache out to the disk and waits for
/// it, without a cache flush: a log write's `fdatasync` writes every dirty page of the file,
/// so zeros left dirty until the prefill's own sync rode in whichever writer's sync came first
/// (up to [`PREFILL_STEP`] of them: at 16 clients about one sync in 200 took 1–3 ms instead of
/// 0.2, the ack latency's p99). Written out chunk by chunk, a writer's sync meets at most one
/// [`CHUNK`]. Linux only (`sync_file_range`); elsewhere the zeros wait for the sync below.
/// `SLED_PREFILL_WRITE_OUT=0` leaves them to it on Linux too. A failure here stops nothing
/// (it is said once): the zeros are in the page cache, and the sync after the last chunk
/// reports a real I/O error.
#[cfg(target_os = "linux")]
fn write_out(file: &File, start: LogOffset, len: LogOffset) {
    use std::os::unix::io::AsRawFd;
    if !crate::prefill_write_out() {
        return;
    }
    let flags = libc::SYNC_FILE_RANGE_WAIT_BEFORE
        | libc::SYNC_FILE_RANGE_WRITE
        | libc::SYNC_FILE_RANGE_WAIT_AFTER;
    #[allow(clippy::cast_possible_wrap)]
    // SAFETY: a plain system call on an open descriptor; no memory is passed.
    let result = unsafe {
        libc::sync_file_range(
            file.as_raw_fd(),
            start as libc::off64_t,
            len as libc::off64_t,
            flags,
        )
    };
    if result != 0 {
        // Once per process: a file system that refuses the call refuses every chunk.
        static WARNED: AtomicBool = AtomicBool::new(false);
        let error = std::io::Error::last_os_error();
        if !WARNED.swap(true, Relaxed) {
            warn!(
                "writing out the log file's prefilled zeros failed, left to its sync: {}",
                error
            );
        }
    }
}

#[cfg(not(target_os = "linux"))]
fn write_out(_file: &File, _start: LogOffset, _len: LogOffset) {}

/// Writes [`PREFILL_STEP`] of zeros from the block after the furthest write (or from the
/// prefilled end), a [`CHUNK`] at a time under the lock, then syncs them and raises the marks.
fn prefill_once(
    shared: &Shared,
    file: &File,
    file_covers: &AtomicU64,
    zeros: &[u8],
) -> std::io::Result<()> {
    let (from, generation) = {
        let marks = shared.marks.lock();
        let after_writes = (marks.written_end + BLOCK - 1) / BLOCK * BLOCK;
        (shared.zeroed_to.load(Acquire).max(after_writes), marks.generation)
    };
    let target = from + PREFILL_STEP;
    let mut at = from;
    while at < target {
        let marks = shared.marks.lock();
        if marks.stop || marks.generation != generation {
            return Ok(());
        }
        // A write may have reached past `at` since: start after it.
        let after_writes = (marks.written_end + BLOCK - 1) / BLOCK * BLOCK;
        let start = at.max(after_writes);
        if start >= target {
            // The writes overtook the prefill (they extend with `set_len`).
            return Ok(());
        }
        #[allow(clippy::cast_possible_truncation)]
        let len = (target - start).min(zeros.len() as LogOffset) as usize;
        pwrite_all(file, &zeros[..len], start)?;
        drop(marks);
        write_out(file, start, len as LogOffset);
        at = start + len as LogOffset;
    }
    // The blocks allocated and the length persisted here, not in a writer's sync.
    file.sync_data()?;
    let marks = shared.marks.lock();
    if marks.generation == generation {
        shared.zeroed_to.fetch_max(target, SeqCst);
        file_covers.fetch_max(target, SeqCst);
    }
    Ok(())
}
