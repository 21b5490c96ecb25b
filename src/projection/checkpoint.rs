//! Projection checkpoints: the views as of a position of the log, kept in the store, so that a
//! server starts from them and folds only the events after, instead of the whole log.
//!
//! A checkpoint can never show wrong data, because nothing in it is trusted before it is
//! checked, and anything that does not check out is ignored (with a warning in the log) and
//! the views are rebuilt from the log, as without one:
//!
//! - **versioned**: it names its format ([`FORMAT`]) and the code that folded it
//!   ([`CODE_VERSION`], a fingerprint `build.rs` takes of every source file of the fold:
//!   the domain, the projections, the accounts, visibility, the envelope and `Cargo.lock`),
//!   so a checkpoint written by any other build of the fold is stale, with nothing to bump
//!   by hand;
//! - **whole**: its body carries a BLAKE3 hash, so a damaged byte is found;
//! - **of this log**: it names the position it was taken at and the hash of the log's event
//!   there; the event at that position must have that hash (and, by the hash chain, so must
//!   every event before it), so a checkpoint of another log, or of a log restored to an
//!   earlier point, is not used.
//!
//! What it holds is only what the log holds: the fold is pure and knows no keys, so personal
//! data is in it sealed as in the log (see [`crate::privacy`]), and anonymous names sealed
//! with their board's key (see [`crate::sealing`]). Erasing a person or closing a board
//! destroys the key, which makes the copies in every checkpoint unreadable as well as those in
//! the log; and the erasure's own event is folded when the server catches up.
//!
//! It keeps every workspace's state and network metrics, and the slugs; the timelines are in
//! the timeline index ([`super::timeline_index`]), which the checkpointer fills up to the
//! checkpoint's position before it writes the checkpoint, and a checkpoint is used only with
//! an index that holds every entry up to its position ([`Unusable::TimelineBehind`]). The
//! accounts are folded again from the system stream up to its position (a few events), and
//! the evenly spaced snapshots "as of" questions start from are not kept (nor does a start
//! that rebuilds take them of the log it folds, so both kinds of start hold the same): they
//! are taken again as the log grows, and until then a question about a moment before the
//! start replays the workspace's stream from its start (the same answer, more slowly).
//!
//! Its sections are MessagePack with their fields named ([`FORMAT`] 4 and 5): a fifth smaller
//! than the JSON of format 3 (identifiers as 16 bytes, not 36 characters) and decoded in about
//! 0.6 of its time, which is most of a start from a checkpoint. Format 5 keeps each workspace's
//! network metrics history as rows, with the rankings and clusters a run of points shares once
//! (its module `metrics`), its moments as two integers and the state's moves without field names: in
//! a workspace where every event moves a relation that halves the bytes.
//!
//! A start decodes it on every core as it is read: each workspace's organisations,
//! partnerships, assets, boards and moves are kept in parts of their own; the
//! store hands the checkpoint over in pieces of a few MiB, and each section is decoded as soon
//! as it is whole while the rest is still read and one thread hashes the body as it comes
//! ([`read`]); nothing decoded is used unless the hash matches.
//!
//! Checkpoints are written off the hot path, one at a time (a shutdown's waits for the
//! background one, then saves only what came after it): [`spawn_checkpointer`] copies the views under
//! their lock (the state shares its entities and the timeline its chunks, so the copy is a
//! few pointers per entity), saves the timeline entries into the index in batches, then
//! encodes and stores the copy while the projector goes on; the server also writes one at a
//! clean shutdown. The encoding, the store's write and the index's saves run on threads of
//! lower CPU priority ([`crate::background`]), so that they take the CPU the commands leave. After a write the allocator is asked to give back at
//! once what the write freed ([`partnerhub_memory::return_freed_memory`]): the body and the
//! timeline entries the views forgot, which it would otherwise keep resident while the server
//! is at rest (0.4 GiB after a rebuilt server's first checkpoint at a million events).

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::projector::{catch_up, rebuild_for_start, LastCheckpoint, MetricsHistory, Projections};
use super::slugs::Slugs;
use super::timeline::TimelineEntries;
use super::timeline_index::{self, hash_at};
use crate::accounts::{AccountEvent, AccountsState, SYSTEM_STREAM};
use crate::domain::state::{Asset, Board, LevelMove, Organisation, Partnership, WorkspaceState};
use crate::store::{envelope, EventHash, EventStore, Position, StoreError, READ_PAGE};

mod metrics;
mod read;

use metrics::KeptMetrics;

/// The layout of a checkpoint; another is ignored. Format 4 encodes its sections in
/// MessagePack with named fields (format 3 in JSON), each workspace's organisations,
/// partnerships, assets, boards and moves in parts of their own, decoded on several threads at
/// once (format 2 kept the state whole, in one section). Named, not positional, fields so
/// that the state's optional and defaulted fields read as they do from the log's JSON. Format
/// 5 keeps the metrics history as rows of figures and the rankings they share (its module
/// `metrics`), not as one named structure per point, the state's moves in order (`Fields`),
/// and the state's moments as two integers ([`crate::domain::moment`]).
pub const FORMAT: u32 = 5;
/// How many entities (or moves) one part of a workspace's state holds: small enough that the
/// parts of one large workspace spread over the threads that decode them.
const PART_ENTITIES: usize = 256;
const PART_MOVES: usize = 16_384;
/// The fingerprint of the code that folds the views (see the module's documentation).
pub const CODE_VERSION: &str = env!("PARTNERHUB_PROJECTION_CODE");
/// What every checkpoint starts with.
const MAGIC: &[u8; 8] = b"phproj\0\0";
/// How many pieces of a checkpoint being read may wait for the thread that cuts them into
/// sections.
const PIECES_AHEAD: usize = 8;

/// When the background task writes a checkpoint.
///
/// A checkpoint holds the whole state, every relation's history with it, so writing one
/// costs in proportion to the log's length, not to the events since the last: in the edits
/// benchmark 44 MB encoded and stored in 0.3 s at 100,000 events, 425 MB in 2.5–3 s at
/// 960,000. Under a sustained load the writes came back to back, every 100,000 events, and
/// took a core at any length. So after a checkpoint whose encoding and store took `T`, the
/// next waits until `rest_factor × T` has passed (at most `every`): its share of the time
/// stays at most `1 / (1 + rest_factor)`, a tenth by default, whatever the log's length. The
/// timeline entries, whose cost is per entry, are saved into the timeline index every
/// `every_events` as before, so the views' memory stays bounded; only the state's checkpoint
/// rests. What the rest costs is a longer fold after a crash under such a load (a clean
/// shutdown writes a checkpoint anyway).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CheckpointPolicy {
    /// After this many events since the last checkpoint (and at once when the views were
    /// rebuilt from further back than that).
    pub every_events: u64,
    /// After this long, if any event came since the last checkpoint.
    pub every: Duration,
    /// How many times its own duration a checkpoint of the state waits after the last one
    /// (0: none).
    pub rest_factor: u32,
}

impl Default for CheckpointPolicy {
    fn default() -> Self {
        CheckpointPolicy {
            every_events: 100_000,
            every: Duration::from_secs(600),
            rest_factor: 9,
        }
    }
}

/// Why a checkpoint was not used.
#[derive(Debug, thiserror::Error)]
pub enum Unusable {
    /// Not a checkpoint, or cut short.
    #[error("it is not a projection checkpoint, or it is cut short")]
    NotACheckpoint,
    /// Another layout.
    #[error("it is of format {found}, this server reads format {FORMAT}")]
    OtherFormat {
        /// Its format.
        found: u32,
    },
    /// Folded by other code.
    #[error("it was folded by other code ({found}), this server's fold is {CODE_VERSION}")]
    OtherCode {
        /// Its code version.
        found: String,
    },
    /// Its bytes changed since it was written.
    #[error("it is damaged: its contents do not match their hash")]
    Damaged,
    /// It cannot be decoded.
    #[error("it cannot be decoded: {0}")]
    Undecodable(String),
    /// It is of a position the log does not reach.
    #[error("it is of position {position}, but the log ends at {head}")]
    BeyondTheLog {
        /// Its position.
        position: Position,
        /// The log's head.
        head: Position,
    },
    /// The log's event at its position is another.
    #[error("the log's event at position {position} has hash {in_log}, the checkpoint's {kept}")]
    OtherLog {
        /// Its position.
        position: Position,
        /// The hash it kept.
        kept: EventHash,
        /// The hash in the log.
        in_log: EventHash,
    },
    /// The timeline index does not hold every entry up to its position (emptied, or of
    /// another log).
    #[error("it is of position {position}, but the timeline index holds entries only up to {stored_through}")]
    TimelineBehind {
        /// Its position.
        position: Position,
        /// Where the index's entries end.
        stored_through: Position,
    },
}

/// One workspace's views as a checkpoint keeps them (its timeline is in the timeline index),
/// but for the entities and moves of its state, which follow in [`Part`]s.
#[derive(Serialize, Deserialize)]
struct KeptView {
    /// The state without its organisations, partnerships, assets and boards.
    state: WorkspaceState,
    metrics: KeptMetrics,
    last_metrics_version: Option<u64>,
    snapshot_every: u64,
}

/// A part of one workspace's state, kept in a section of its own so that the parts decode on
/// several threads at once; [`PartOf`] writes the same shape from borrowed entities.
#[derive(Deserialize)]
enum Part {
    Organisations(Vec<(Uuid, Arc<Organisation>)>),
    Partnerships(Vec<(Uuid, Arc<Partnership>)>),
    Assets(Vec<(Uuid, Arc<Asset>)>),
    Boards(Vec<(Uuid, Arc<Board>)>),
    /// The state's list of moves, in order (its own serialization leaves it out).
    LevelMoves(Vec<LevelMove>),
}

/// A [`Part`] as it is written.
#[derive(Serialize)]
enum PartOf<'a> {
    Organisations(&'a [(&'a Uuid, &'a Arc<Organisation>)]),
    Partnerships(&'a [(&'a Uuid, &'a Arc<Partnership>)]),
    Assets(&'a [(&'a Uuid, &'a Arc<Asset>)]),
    Boards(&'a [(&'a Uuid, &'a Arc<Board>)]),
    LevelMoves(&'a [LevelMove]),
}

/// The first section of a checkpoint's body; then per workspace its [`KeptView`] and its
/// `parts` [`Part`]s.
#[derive(Serialize, Deserialize)]
struct Head {
    position: Position,
    hash: EventHash,
    skipped: u64,
    slugs: Vec<(Uuid, String)>,
    /// How many parts follow each workspace's view, one number per workspace.
    parts: Vec<usize>,
}

/// One workspace's views, copied under the lock: cheap to copy, encoded afterwards (its
/// timeline entries saved into the timeline index).
struct CopiedView {
    state: WorkspaceState,
    timeline: TimelineEntries,
    metrics_history: MetricsHistory,
    last_metrics_version: Option<u64>,
    snapshot_every: u64,
}

/// The views copied at one position.
struct CopiedViews {
    position: Position,
    skipped: u64,
    slugs: Vec<(Uuid, String)>,
    workspaces: Vec<CopiedView>,
}

fn copy(projections: &Projections) -> CopiedViews {
    projections.read_all_views(|workspaces, slugs, position, skipped| CopiedViews {
        position,
        skipped,
        slugs: slugs.assigned(),
        workspaces: workspaces
            .values()
            .map(|view| {
                let (last_metrics_version, snapshot_every) = view.checkpoint_parts();
                CopiedView {
                    state: view.state.clone(),
                    timeline: view.timeline.entries().clone(),
                    metrics_history: view.metrics_history.clone(),
                    last_metrics_version,
                    snapshot_every,
                }
            })
            .collect(),
    })
}

/// How a section writes the fields of its structures.
#[derive(Clone, Copy)]
enum Fields {
    /// By name (see [`FORMAT`]).
    Named,
    /// In order, without names: only for structures that write every field and nothing else
    /// (no skipped field, no internally tagged enum), such as the state's moves, which are
    /// about half as large so. A reader accepts either.
    InOrder,
}

/// Appends one section: its length (8 bytes, little-endian), then `value` in MessagePack.
fn section(
    body: &mut Vec<u8>,
    value: &impl Serialize,
    fields: Fields,
) -> Result<(), rmp_serde::encode::Error> {
    let start = body.len();
    body.extend_from_slice(&[0; 8]);
    let mut serializer = rmp_serde::Serializer::new(&mut *body);
    match fields {
        Fields::Named => value.serialize(&mut serializer.with_struct_map())?,
        Fields::InOrder => value.serialize(&mut serializer)?,
    }
    let length = (body.len() - start - 8) as u64;
    body[start..start + 8].copy_from_slice(&length.to_le_bytes());
    Ok(())
}

/// One workspace's entities in parts of at most `size`.
fn parts_of<T>(map: &BTreeMap<Uuid, Arc<T>>, size: usize) -> Vec<Vec<(&Uuid, &Arc<T>)>> {
    let entries: Vec<_> = map.iter().collect();
    entries.chunks(size).map(<[_]>::to_vec).collect()
}

/// Encodes a copy of the views at `hash` (of the event at its position).
/// `capacity` is the size to expect (the last checkpoint's, with room to grow; 0 when unknown).
fn encode(
    copy: CopiedViews,
    hash: EventHash,
    capacity: usize,
) -> Result<Vec<u8>, rmp_serde::encode::Error> {
    // The header, with room for the body's hash, then the body, written in place (one buffer
    // of ~150 MiB at a million events, not two).
    let mut bytes = Vec::with_capacity(capacity);
    bytes.extend_from_slice(MAGIC);
    bytes.extend_from_slice(&FORMAT.to_le_bytes());
    let code = CODE_VERSION.as_bytes();
    bytes.extend_from_slice(&(code.len() as u16).to_le_bytes());
    bytes.extend_from_slice(code);
    let hash_at = bytes.len();
    bytes.extend_from_slice(&[0; 32]);
    let body_at = bytes.len();
    let split: Vec<_> = copy
        .workspaces
        .into_iter()
        .map(|mut copied| {
            let entities = (
                std::mem::take(&mut copied.state.organisations),
                std::mem::take(&mut copied.state.partnerships),
                std::mem::take(&mut copied.state.assets),
                std::mem::take(&mut copied.state.boards),
            );
            let moves: Vec<LevelMove> = std::mem::take(&mut copied.state.level_moves)
                .iter()
                .copied()
                .collect();
            (copied, entities, moves)
        })
        .collect();
    let parts: Vec<_> = split
        .iter()
        .map(
            |(_, (organisations, partnerships, assets, boards), moves)| {
                (
                    parts_of(organisations, PART_ENTITIES),
                    parts_of(partnerships, PART_ENTITIES),
                    parts_of(assets, PART_ENTITIES),
                    parts_of(boards, PART_ENTITIES),
                    moves.chunks(PART_MOVES).collect::<Vec<_>>(),
                )
            },
        )
        .collect();
    section(
        &mut bytes,
        &Head {
            position: copy.position,
            hash,
            skipped: copy.skipped,
            slugs: copy.slugs,
            parts: parts
                .iter()
                .map(|(o, p, a, b, m)| o.len() + p.len() + a.len() + b.len() + m.len())
                .collect(),
        },
        Fields::Named,
    )?;
    for ((copied, _, _), (organisations, partnerships, assets, boards, moves)) in
        split.iter().zip(&parts)
    {
        section(
            &mut bytes,
            &KeptView {
                state: copied.state.clone(),
                metrics: KeptMetrics::of(&copied.metrics_history),
                last_metrics_version: copied.last_metrics_version,
                snapshot_every: copied.snapshot_every,
            },
            Fields::Named,
        )?;
        for part in organisations {
            section(&mut bytes, &PartOf::Organisations(part), Fields::Named)?;
        }
        for part in partnerships {
            section(&mut bytes, &PartOf::Partnerships(part), Fields::Named)?;
        }
        for part in assets {
            section(&mut bytes, &PartOf::Assets(part), Fields::Named)?;
        }
        for part in boards {
            section(&mut bytes, &PartOf::Boards(part), Fields::Named)?;
        }
        for part in moves {
            section(&mut bytes, &PartOf::LevelMoves(part), Fields::InOrder)?;
        }
    }
    let body_hash = blake3::hash(&bytes[body_at..]);
    bytes[hash_at..body_at].copy_from_slice(body_hash.as_bytes());
    Ok(bytes)
}

/// Writes a checkpoint of `projections` as they are now into `store`.
///
/// Writes go one at a time: a write that finds another under way waits for it, then writes
/// only if the views moved past it.
///
/// # Returns
/// The position it was taken at, or that of the checkpoint already written when the views
/// did not move past it (`None`: nothing to keep, the views hold no event).
///
/// # Errors
/// Store errors, and a failure to encode (as [`StoreError::Backend`]).
pub async fn write(
    store: &dyn EventStore,
    projections: &Projections,
) -> Result<Option<Position>, StoreError> {
    Ok(write_parts(store, projections, Parts::Whole)
        .await?
        .map(|written| written.position))
}

/// What [`write_parts`] writes.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Parts {
    /// The timeline entries into the index, then the checkpoint.
    Whole,
    /// The timeline entries into the index alone (the checkpoint rests).
    TimelineOnly,
}

/// What [`write_parts`] wrote.
struct Written {
    /// The position the timeline index, and the checkpoint if one was written, are at.
    position: Position,
    /// How long encoding and storing the checkpoint took (`None`: none was written).
    checkpoint_took: Option<Duration>,
}

/// As [`write`], with the checkpoint itself left out when `parts` says so.
async fn write_parts(
    store: &dyn EventStore,
    projections: &Projections,
    parts: Parts,
) -> Result<Option<Written>, StoreError> {
    // One write at a time: a second (the shutdown's, while the background one runs) waits,
    // then keeps only what is newer than the first; the latest checkpoint wins.
    let mut written = projections.checkpoint_written().lock().await;
    let mut copied = copy(projections);
    let position = copied.position;
    if position == 0 {
        return Ok(None);
    }
    if position <= written.position {
        return Ok(Some(Written {
            position: written.position,
            checkpoint_took: None,
        }));
    }
    let Some(hash) = hash_at(store, position).await? else {
        return Err(StoreError::Corrupt {
            position,
            reason: "the views are at an event the log does not hold".into(),
        });
    };
    let started = Instant::now();
    // The timeline entries first, into the index (then the views forget them): a checkpoint
    // is used only with an index that holds every entry up to its position.
    let timelines = copied
        .workspaces
        .iter_mut()
        .map(|view| (view.state.workspace_id, std::mem::take(&mut view.timeline)))
        .collect();
    timeline_index::save(store, timelines, position, hash).await?;
    projections.forget_timeline_through(position);
    let timeline_saved = started.elapsed();
    if parts == Parts::TimelineOnly {
        tracing::debug!(
            position,
            millis = timeline_saved.as_millis() as u64,
            "saved the timeline index; the projection checkpoint rests"
        );
        return Ok(Some(Written {
            position,
            checkpoint_took: None,
        }));
    }
    // A tenth more room than the last one took: the views grow between checkpoints.
    let capacity = written.bytes + written.bytes / 10;
    let bytes = crate::background::run_lowered("partnerhub-checkpoint", move || {
        encode(copied, hash, capacity)
    })
    .await
    .map_err(|error| StoreError::Backend(format!("encoding a checkpoint failed: {error}")))?
    .map_err(|error| StoreError::Backend(format!("cannot encode a checkpoint: {error}")))?;
    let size = bytes.len();
    let encoded = started.elapsed();
    store.save_checkpoint(bytes).await?;
    *written = LastCheckpoint {
        position,
        bytes: size,
    };
    // The body (a few hundred MiB at a million events) and the timeline entries the views
    // forgot are freed now; without this the allocator keeps them resident until the
    // process's next burst of work (BENCHMARKS.md, issue 19 scenario 3).
    partnerhub_memory::return_freed_memory();
    tracing::info!(
        position,
        bytes = size,
        millis = started.elapsed().as_millis() as u64,
        timeline_millis = timeline_saved.as_millis() as u64,
        encode_millis = (encoded - timeline_saved).as_millis() as u64,
        "wrote a projection checkpoint"
    );
    Ok(Some(Written {
        position,
        checkpoint_took: Some(started.elapsed() - timeline_saved),
    }))
}

/// Folds the system stream up to `position` into the accounts.
async fn accounts_up_to(
    store: &dyn EventStore,
    position: Position,
) -> Result<AccountsState, StoreError> {
    let mut accounts = AccountsState::default();
    let mut next_version = 1;
    loop {
        let page = store
            .read_stream(SYSTEM_STREAM, next_version, READ_PAGE)
            .await?;
        if page.is_empty() {
            return Ok(accounts);
        }
        for event in &page {
            if event.position > position {
                return Ok(accounts);
            }
            next_version = event.stream_version + 1;
            if event.metadata.workspace_id != SYSTEM_STREAM {
                continue;
            }
            if let Ok(account_event) =
                envelope::from_parts::<AccountEvent>(&event.event_type, &event.payload)
            {
                accounts.apply(&account_event, event.metadata.recorded_at);
            }
        }
    }
}

/// What the log says of a checkpoint's head: why the checkpoint is not of this log (`None`:
/// it is), the accounts folded up to its position when it is, and the log's head.
async fn against_log(
    store: &dyn EventStore,
    position: Position,
    hash: EventHash,
    timeline_stored_through: Position,
) -> Result<(Option<Unusable>, AccountsState, Position), StoreError> {
    let log_head = store.head_position();
    let unusable = if position > log_head {
        Some(Unusable::BeyondTheLog {
            position,
            head: log_head,
        })
    } else {
        match hash_at(store, position).await? {
            Some(in_log) if in_log == hash => {
                (timeline_stored_through < position).then_some(Unusable::TimelineBehind {
                    position,
                    stored_through: timeline_stored_through,
                })
            }
            Some(in_log) => Some(Unusable::OtherLog {
                position,
                kept: hash,
                in_log,
            }),
            None => Some(Unusable::BeyondTheLog {
                position,
                head: log_head,
            }),
        }
    };
    let accounts = match unusable {
        None => accounts_up_to(store, position).await?,
        Some(_) => AccountsState::default(),
    };
    Ok((unusable, accounts, log_head))
}

/// The projections the store's checkpoint holds, if it is usable (`None`: there is none, or
/// it cannot be read). It is decoded as it is read ([`read`]); the head's position and hash
/// are checked against the log, and the accounts folded, meanwhile.
///
/// # Errors
/// Store errors while checking it against the log.
async fn restore(
    store: &dyn EventStore,
    timeline_stored_through: Position,
) -> Result<Option<Result<Arc<Projections>, Unusable>>, StoreError> {
    let (pieces, received) = tokio::sync::mpsc::channel(PIECES_AHEAD);
    let (head_sender, head) = tokio::sync::oneshot::channel();
    let decoding = tokio::task::spawn_blocking(move || {
        read::read(received, head_sender, timeline_stored_through)
    });
    let checking = async {
        match head.await {
            Ok((position, hash)) => {
                Some(against_log(store, position, hash, timeline_stored_through).await)
            }
            Err(_) => None,
        }
    };
    let (read, checked) = tokio::join!(store.read_checkpoint(pieces), checking);
    let decoded = decoding.await;
    if let Err(error) = read {
        tracing::warn!(%error, "cannot read the projection checkpoint; rebuilding the views from the log");
        return Ok(None);
    }
    let read = match decoded {
        Ok(None) => return Ok(None),
        Ok(Some(Ok(read))) => read,
        Ok(Some(Err(unusable))) => return Ok(Some(Err(unusable))),
        Err(error) => return Ok(Some(Err(Unusable::Undecodable(error.to_string())))),
    };
    let Some(checked) = checked else {
        return Ok(Some(Err(Unusable::Undecodable(
            "its head was not checked against the log".into(),
        ))));
    };
    let (unusable, accounts, log_head) = checked?;
    if let Some(unusable) = unusable {
        return Ok(Some(Err(unusable)));
    }
    Ok(Some(Ok(Projections::from_parts(
        LastCheckpoint {
            position: read.head.position,
            bytes: read.bytes,
        },
        read.views,
        Slugs::from_assigned(read.head.slugs),
        accounts,
        read.head.skipped,
        log_head,
        timeline_stored_through,
    ))))
}

/// How the views of a starting server were made.
#[derive(Debug)]
pub enum Start {
    /// From the checkpoint at this position, then the events after it.
    FromCheckpoint(Position),
    /// From the whole log: there was no checkpoint, or the one there was is `ignored`.
    Rebuilt {
        /// Why the checkpoint kept was not used (`None`: there was none).
        ignored: Option<Unusable>,
    },
}

/// The views of a starting server, current with the log: from the store's checkpoint if it is
/// usable, then folding the events after it; otherwise (and with a warning when there was a
/// checkpoint) rebuilt from the whole log.
///
/// # Errors
/// Store errors while reading the checkpoint or the log.
pub async fn start(
    store: &dyn EventStore,
    progress: &mut (dyn FnMut(Position) + Send),
) -> Result<(Arc<Projections>, Start), StoreError> {
    let timeline_stored_through = timeline_index::open(store).await?;
    let started = Instant::now();
    let ignored = match restore(store, timeline_stored_through).await? {
        None => None,
        Some(Ok(projections)) => {
            let position = projections.checkpoint();
            tracing::info!(
                position,
                millis = started.elapsed().as_millis() as u64,
                "views restored from the projection checkpoint"
            );
            catch_up(store, &projections, progress).await?;
            return Ok((projections, Start::FromCheckpoint(position)));
        }
        Some(Err(unusable)) => {
            tracing::warn!(
                reason = %unusable,
                "ignored the projection checkpoint; rebuilding the views from the log"
            );
            Some(unusable)
        }
    };
    let projections = rebuild_for_start(store, timeline_stored_through, progress).await?;
    Ok((projections, Start::Rebuilt { ignored }))
}

/// Writes checkpoints in the background as `policy` says: the first as soon as the views are
/// `policy.every_events` past `since` (the position of the checkpoint they started from; 0
/// when rebuilt), each later one once the last has rested (see [`CheckpointPolicy`]; until
/// then only the timeline entries are saved). It holds the store only while it writes, and
/// ends once the store is gone (dropped by everyone else) or shut down.
pub fn spawn_checkpointer(
    store: &Arc<dyn EventStore>,
    projections: Arc<Projections>,
    policy: CheckpointPolicy,
    since: Position,
) -> tokio::task::JoinHandle<()> {
    let store = Arc::downgrade(store);
    tokio::spawn(async move {
        let mut written = since;
        let mut rests_until: Option<Instant> = None;
        loop {
            let due = written.saturating_add(policy.every_events.max(1));
            let _ = tokio::time::timeout(policy.every, projections.wait_for(due)).await;
            let Some(store) = store.upgrade() else {
                return;
            };
            if projections.checkpoint() <= written {
                continue;
            }
            let parts = if rests_until.is_some_and(|until| Instant::now() < until) {
                Parts::TimelineOnly
            } else {
                Parts::Whole
            };
            match write_parts(store.as_ref(), &projections, parts).await {
                Ok(Some(Written {
                    position,
                    checkpoint_took,
                })) => {
                    written = position;
                    if let Some(took) = checkpoint_took {
                        // Never longer than `every`: a checkpoint at least that often.
                        let rest = took.saturating_mul(policy.rest_factor).min(policy.every);
                        rests_until = Instant::now().checked_add(rest);
                    }
                }
                Ok(None) => {}
                Err(StoreError::Closed) => return,
                Err(error) => {
                    tracing::warn!(%error, "cannot write a projection checkpoint; trying again later");
                    written = projections.checkpoint();
                }
            }
        }
    })
}
