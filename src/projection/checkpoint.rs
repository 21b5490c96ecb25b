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
//! the evenly spaced snapshots "as of" questions start from are not kept: they are taken again
//! as the log grows, and until then a question about a moment before the checkpoint replays
//! the workspace's stream from its start (the same answer, more slowly).
//!
//! A start decodes it on every core: each workspace's organisations, partnerships, assets,
//! boards and moves are kept in parts of their own ([`FORMAT`] 3), decoded side by side while
//! one thread checks the body's hash; nothing decoded is used unless the hash matches.
//!
//! Checkpoints are written off the hot path, one at a time (a shutdown's waits for the
//! background one, then saves only what came after it): [`spawn_checkpointer`] copies the views under
//! their lock (the state shares its entities and the timeline its chunks, so the copy is a
//! few pointers per entity), saves the timeline entries into the index in batches, then
//! encodes and stores the copy on a blocking thread while the projector goes on; the server
//! also writes one at a clean shutdown.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::projector::{catch_up, rebuild_after_stored, MetricsPoint, Projections, WorkspaceView};
use super::slugs::Slugs;
use super::timeline::{Timeline, TimelineEntry};
use super::timeline_index::{self, hash_at};
use crate::accounts::{AccountEvent, AccountsState, SYSTEM_STREAM};
use crate::domain::state::{
    Asset, Board, ChunkedLog, LevelMove, Organisation, Partnership, WorkspaceState,
};
use crate::store::{envelope, EventHash, EventStore, Position, StoreError, READ_PAGE};

/// The layout of a checkpoint; another is ignored. Format 3 keeps each workspace's
/// organisations, partnerships, assets, boards and moves in parts of their own, decoded on
/// several threads at once (format 2 kept the state whole, in one section).
pub const FORMAT: u32 = 3;
/// How many entities (or moves) one part of a workspace's state holds: small enough that the
/// parts of one large workspace spread over the threads that decode them.
const PART_ENTITIES: usize = 256;
const PART_MOVES: usize = 16_384;
/// The fingerprint of the code that folds the views (see the module's documentation).
pub const CODE_VERSION: &str = env!("PARTNERHUB_PROJECTION_CODE");
/// What every checkpoint starts with.
const MAGIC: &[u8; 8] = b"phproj\0\0";

/// When the background task writes a checkpoint.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CheckpointPolicy {
    /// After this many events since the last checkpoint (and at once when the views were
    /// rebuilt from further back than that).
    pub every_events: u64,
    /// After this long, if any event came since the last checkpoint.
    pub every: Duration,
}

impl Default for CheckpointPolicy {
    fn default() -> Self {
        CheckpointPolicy {
            every_events: 100_000,
            every: Duration::from_secs(600),
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
    metrics_history: Vec<MetricsPoint>,
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
    timeline: ChunkedLog<TimelineEntry, 1024>,
    metrics_history: Vec<MetricsPoint>,
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

/// Appends one section: its length (8 bytes, little-endian), then `value` as JSON.
fn section(body: &mut Vec<u8>, value: &impl Serialize) -> Result<(), serde_json::Error> {
    let start = body.len();
    body.extend_from_slice(&[0; 8]);
    serde_json::to_writer(&mut *body, value)?;
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
fn encode(copy: CopiedViews, hash: EventHash) -> Result<Vec<u8>, serde_json::Error> {
    // The header, with room for the body's hash, then the body, written in place (one buffer
    // of half a GiB at a million events, not two).
    let mut bytes = Vec::new();
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
    )?;
    for ((copied, _, _), (organisations, partnerships, assets, boards, moves)) in
        split.iter().zip(&parts)
    {
        section(
            &mut bytes,
            &KeptView {
                state: copied.state.clone(),
                metrics_history: copied.metrics_history.clone(),
                last_metrics_version: copied.last_metrics_version,
                snapshot_every: copied.snapshot_every,
            },
        )?;
        for part in organisations {
            section(&mut bytes, &PartOf::Organisations(part))?;
        }
        for part in partnerships {
            section(&mut bytes, &PartOf::Partnerships(part))?;
        }
        for part in assets {
            section(&mut bytes, &PartOf::Assets(part))?;
        }
        for part in boards {
            section(&mut bytes, &PartOf::Boards(part))?;
        }
        for part in moves {
            section(&mut bytes, &PartOf::LevelMoves(part))?;
        }
    }
    let body_hash = blake3::hash(&bytes[body_at..]);
    bytes[hash_at..body_at].copy_from_slice(body_hash.as_bytes());
    Ok(bytes)
}

/// Takes `count` bytes off the front of `bytes`.
fn take<'a>(bytes: &mut &'a [u8], count: usize) -> Result<&'a [u8], Unusable> {
    if bytes.len() < count {
        return Err(Unusable::NotACheckpoint);
    }
    let (front, rest) = bytes.split_at(count);
    *bytes = rest;
    Ok(front)
}

/// Takes the next section off the front of `bytes`, undecoded.
fn next_section<'a>(bytes: &mut &'a [u8]) -> Result<&'a [u8], Unusable> {
    let length = u64::from_le_bytes(
        take(bytes, 8)?
            .try_into()
            .map_err(|_| Unusable::NotACheckpoint)?,
    );
    let length = usize::try_from(length).map_err(|_| Unusable::NotACheckpoint)?;
    take(bytes, length)
}

/// Decodes one section.
fn decode_section<T: serde::de::DeserializeOwned>(section: &[u8]) -> Result<T, Unusable> {
    serde_json::from_slice(section).map_err(|error| Unusable::Undecodable(error.to_string()))
}

/// A checkpoint's header checked (magic, format, code) and its head decoded, not yet its
/// hash: [`decode_views`] checks that while it decodes the views, and [`restore`] before it
/// reports anything the head says.
struct Opened<'a> {
    head: Head,
    /// The hash the body should have.
    hash: &'a [u8],
    /// The body: the head, then the views.
    body: &'a [u8],
    /// The views, after the head.
    views: &'a [u8],
}

impl Opened<'_> {
    /// Whether the body matches its hash.
    fn whole(&self) -> bool {
        blake3::hash(self.body).as_bytes() == self.hash
    }
}

/// Checks a checkpoint's header and decodes its head (its hash is checked later, see
/// [`Opened`]). A head that cannot be decoded is [`Unusable::Damaged`] when the body does not
/// match its hash.
fn open(mut bytes: &[u8]) -> Result<Opened<'_>, Unusable> {
    if take(&mut bytes, MAGIC.len())? != MAGIC {
        return Err(Unusable::NotACheckpoint);
    }
    let format = u32::from_le_bytes(
        take(&mut bytes, 4)?
            .try_into()
            .map_err(|_| Unusable::NotACheckpoint)?,
    );
    if format != FORMAT {
        return Err(Unusable::OtherFormat { found: format });
    }
    let code_length = u16::from_le_bytes(
        take(&mut bytes, 2)?
            .try_into()
            .map_err(|_| Unusable::NotACheckpoint)?,
    );
    let code = take(&mut bytes, usize::from(code_length))?;
    if code != CODE_VERSION.as_bytes() {
        return Err(Unusable::OtherCode {
            found: String::from_utf8_lossy(code).into_owned(),
        });
    }
    let hash = take(&mut bytes, 32)?;
    let body = bytes;
    let head = next_section(&mut bytes).and_then(decode_section::<Head>);
    match head {
        Ok(head) => Ok(Opened {
            head,
            hash,
            body,
            views: bytes,
        }),
        Err(_) if blake3::hash(body).as_bytes() != hash => Err(Unusable::Damaged),
        Err(unusable) => Err(unusable),
    }
}

/// What one section of the views decodes to.
enum Decoded {
    View(Box<KeptView>),
    Part(Part),
}

/// Decodes the views after a checkpoint's head, each with an empty timeline whose entries up
/// to `timeline_stored_through` are in the timeline index, on every core, while one of them
/// checks the body's hash.
///
/// # Errors
/// [`Unusable::Damaged`] when the body does not match its hash (whatever else is wrong),
/// otherwise what a section cannot be decoded for.
fn decode_views(
    opened: &Opened<'_>,
    timeline_stored_through: Position,
) -> Result<BTreeMap<Uuid, WorkspaceView>, Unusable> {
    // The sections, found by their lengths: per workspace its view, then its parts.
    let mut bytes = opened.views;
    let mut sections = Vec::new();
    for parts in &opened.head.parts {
        for _ in 0..=*parts {
            sections.push(next_section(&mut bytes));
        }
    }
    // Job 0 is the hash; job i + 1 decodes section i. Each thread takes the next job.
    let next_job = std::sync::atomic::AtomicUsize::new(0);
    let jobs = sections.len() + 1;
    let first_views: Vec<usize> = {
        let mut at = 0;
        opened
            .head
            .parts
            .iter()
            .map(|parts| {
                let first = at;
                at += parts + 1;
                first
            })
            .collect()
    };
    let work = || {
        let mut done = Vec::new();
        let mut whole = None;
        loop {
            let job = next_job.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            if job >= jobs {
                return (whole, done);
            }
            if job == 0 {
                whole = Some(opened.whole());
                continue;
            }
            let index = job - 1;
            let decoded = match sections[index] {
                Err(_) => Err(Unusable::NotACheckpoint),
                Ok(section) if first_views.binary_search(&index).is_ok() => {
                    decode_section::<KeptView>(section).map(|view| Decoded::View(Box::new(view)))
                }
                Ok(section) => decode_section::<Part>(section).map(Decoded::Part),
            };
            done.push((index, decoded));
        }
    };
    let threads = std::thread::available_parallelism().map_or(1, |count| count.get().min(4));
    let mut whole = None;
    let mut decoded: Vec<Option<Result<Decoded, Unusable>>> = std::iter::repeat_with(|| None)
        .take(sections.len())
        .collect();
    std::thread::scope(|scope| {
        let helpers: Vec<_> = (1..threads).map(|_| scope.spawn(work)).collect();
        // A helper that panicked leaves its jobs undone, reported below.
        let results = std::iter::once(work())
            .chain(helpers.into_iter().filter_map(|helper| helper.join().ok()));
        for (thread_whole, done) in results {
            whole = whole.or(thread_whole);
            for (index, result) in done {
                decoded[index] = Some(result);
            }
        }
    });
    match whole {
        Some(true) => {}
        Some(false) => return Err(Unusable::Damaged),
        None => return Err(Unusable::Undecodable("its hash was not checked".into())),
    }
    let mut decoded = decoded.into_iter();
    let mut next = || match decoded.next() {
        Some(Some(result)) => result,
        _ => Err(Unusable::Undecodable("a section was not decoded".into())),
    };
    let mut views = BTreeMap::new();
    for parts in &opened.head.parts {
        let Decoded::View(kept) = next()? else {
            return Err(Unusable::Undecodable("a part where a view belongs".into()));
        };
        let mut kept = *kept;
        let state = &mut kept.state;
        let mut moves = Vec::new();
        for _ in 0..*parts {
            match next()? {
                Decoded::Part(Part::Organisations(entities)) => {
                    state.organisations.extend(entities)
                }
                Decoded::Part(Part::Partnerships(entities)) => state.partnerships.extend(entities),
                Decoded::Part(Part::Assets(entities)) => state.assets.extend(entities),
                Decoded::Part(Part::Boards(entities)) => state.boards.extend(entities),
                Decoded::Part(Part::LevelMoves(part)) => moves.extend(part),
                Decoded::View(_) => {
                    return Err(Unusable::Undecodable("a view where a part belongs".into()))
                }
            }
        }
        state.level_moves = moves.into_iter().collect();
        let workspace_id = state.workspace_id;
        let view = WorkspaceView::restored(
            kept.state,
            Timeline::stored_through_position(timeline_stored_through),
            kept.metrics_history,
            kept.last_metrics_version,
            kept.snapshot_every,
        );
        views.insert(workspace_id, view);
    }
    Ok(views)
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
    // One write at a time: a second (the shutdown's, while the background one runs) waits,
    // then keeps only what is newer than the first; the latest checkpoint wins.
    let mut written = projections.checkpoint_written().lock().await;
    let mut copied = copy(projections);
    let position = copied.position;
    if position == 0 {
        return Ok(None);
    }
    if position <= *written {
        return Ok(Some(*written));
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
    let bytes = tokio::task::spawn_blocking(move || encode(copied, hash))
        .await
        .map_err(|error| StoreError::Backend(format!("encoding a checkpoint failed: {error}")))?
        .map_err(|error| StoreError::Backend(format!("cannot encode a checkpoint: {error}")))?;
    let size = bytes.len();
    store.save_checkpoint(bytes).await?;
    *written = position;
    tracing::info!(
        position,
        bytes = size,
        millis = started.elapsed().as_millis() as u64,
        "wrote a projection checkpoint"
    );
    Ok(Some(position))
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

/// The projections a checkpoint of this log holds, if it is usable.
async fn restore(
    store: &dyn EventStore,
    bytes: Vec<u8>,
    timeline_stored_through: Position,
) -> Result<Result<Arc<Projections>, Unusable>, StoreError> {
    // The head first (small), to check against the log while the views decode and the
    // body's hash is checked; a damaged body is reported as such whatever else is wrong.
    let (position, hash) = match open(&bytes) {
        Ok(opened) => (opened.head.position, opened.head.hash),
        Err(unusable) => return Ok(Err(unusable)),
    };
    let decoding = tokio::task::spawn_blocking(move || {
        let opened = open(&bytes)?;
        let views = decode_views(&opened, timeline_stored_through)?;
        Ok::<_, Unusable>((opened.head, views))
    });
    let log_head = store.head_position();
    let against_log = if position > log_head {
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
    // The accounts are folded from the log while the views decode.
    let accounts = match against_log {
        None => accounts_up_to(store, position).await?,
        Some(_) => AccountsState::default(),
    };
    let (head, workspaces) = match decoding.await {
        Ok(Ok(decoded)) => decoded,
        Ok(Err(unusable)) => return Ok(Err(unusable)),
        Err(error) => return Ok(Err(Unusable::Undecodable(error.to_string()))),
    };
    if let Some(unusable) = against_log {
        return Ok(Err(unusable));
    }
    Ok(Ok(Projections::from_parts(
        head.position,
        workspaces,
        Slugs::from_assigned(head.slugs),
        accounts,
        head.skipped,
        log_head,
        timeline_stored_through,
    )))
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
    let kept = match store.load_checkpoint().await {
        Ok(kept) => kept,
        Err(error) => {
            tracing::warn!(%error, "cannot read the projection checkpoint; rebuilding the views from the log");
            None
        }
    };
    let timeline_stored_through = timeline_index::open(store).await?;
    let mut ignored = None;
    if let Some(bytes) = kept {
        let started = Instant::now();
        match restore(store, bytes, timeline_stored_through).await? {
            Ok(projections) => {
                let position = projections.checkpoint();
                tracing::info!(
                    position,
                    millis = started.elapsed().as_millis() as u64,
                    "views restored from the projection checkpoint"
                );
                catch_up(store, &projections, progress).await?;
                return Ok((projections, Start::FromCheckpoint(position)));
            }
            Err(unusable) => {
                tracing::warn!(
                    reason = %unusable,
                    "ignored the projection checkpoint; rebuilding the views from the log"
                );
                ignored = Some(unusable);
            }
        }
    }
    let projections = rebuild_after_stored(store, timeline_stored_through, progress).await?;
    Ok((projections, Start::Rebuilt { ignored }))
}

/// Writes checkpoints in the background as `policy` says: the first as soon as the views are
/// `policy.every_events` past `since` (the position of the checkpoint they started from; 0
/// when rebuilt). It holds the store only while it writes, and ends once the store is gone
/// (dropped by everyone else) or shut down.
pub fn spawn_checkpointer(
    store: &Arc<dyn EventStore>,
    projections: Arc<Projections>,
    policy: CheckpointPolicy,
    since: Position,
) -> tokio::task::JoinHandle<()> {
    let store = Arc::downgrade(store);
    tokio::spawn(async move {
        let mut written = since;
        loop {
            let due = written.saturating_add(policy.every_events.max(1));
            let _ = tokio::time::timeout(policy.every, projections.wait_for(due)).await;
            let Some(store) = store.upgrade() else {
                return;
            };
            if projections.checkpoint() <= written {
                continue;
            }
            match write(store.as_ref(), &projections).await {
                Ok(Some(position)) => written = position,
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
