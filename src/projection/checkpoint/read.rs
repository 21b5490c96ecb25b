//! Reading a checkpoint as it arrives: the store hands it over in pieces of a few MiB
//! ([`EventStore::read_checkpoint`](crate::store::EventStore::read_checkpoint)), and its
//! sections are decoded on every core as soon as each is whole, while the rest is still being
//! read (out of PostgreSQL, or the file beside a sled store).
//!
//! One thread, the reader, takes the pieces in order: it checks the header (magic, format,
//! code), decodes the head and hands its position and hash to the caller (who checks them
//! against the log meanwhile), feeds every byte of the body to the BLAKE3 hash as it comes,
//! and cuts the body into its sections, each a job for the decoding threads. A section inside
//! one piece is decoded where it lies; one that spans pieces is copied out first. Nothing
//! decoded is used unless the whole body matches its hash, and a body that does not is
//! reported as damaged whatever else is wrong with it: on any failure the reader still reads
//! and hashes to the end before it says why.

use std::collections::BTreeMap;
use std::ops::Range;
use std::sync::{Arc, Mutex};

use tokio::sync::{mpsc, oneshot};
use uuid::Uuid;

use super::{Head, KeptView, Part, Unusable, CODE_VERSION, FORMAT, MAGIC};
use crate::domain::state::LevelMove;
use crate::projection::projector::WorkspaceView;
use crate::projection::timeline::Timeline;
use crate::store::{EventHash, Position};

/// A run of a checkpoint's bytes: a range of the piece it lies in, or of a copy of the bytes
/// of several pieces.
struct Run {
    piece: Arc<Vec<u8>>,
    range: Range<usize>,
}

impl std::ops::Deref for Run {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        self.piece.get(self.range.clone()).unwrap_or_default()
    }
}

/// The pieces of a checkpoint, taken in order, a run of bytes at a time.
struct Pieces {
    receiver: mpsc::Receiver<Vec<u8>>,
    current: Arc<Vec<u8>>,
    /// Where in `current` the next run starts.
    at: usize,
    /// The body's hash so far, once the header is behind (every piece is added as it comes).
    hasher: Option<blake3::Hasher>,
    /// Whether any piece came.
    any: bool,
    /// The bytes of every piece so far.
    received: usize,
}

impl Pieces {
    fn new(receiver: mpsc::Receiver<Vec<u8>>) -> Self {
        Pieces {
            receiver,
            current: Arc::new(Vec::new()),
            at: 0,
            hasher: None,
            any: false,
            received: 0,
        }
    }

    /// Moves to the next piece; `false` at the end.
    fn next_piece(&mut self) -> bool {
        let Some(piece) = self.receiver.blocking_recv() else {
            return false;
        };
        if let Some(hasher) = &mut self.hasher {
            hasher.update(&piece);
        }
        self.any = true;
        self.received += piece.len();
        self.current = Arc::new(piece);
        self.at = 0;
        true
    }

    fn left_in_piece(&self) -> usize {
        self.current.len().saturating_sub(self.at)
    }

    /// The next `count` bytes.
    fn take(&mut self, count: usize) -> Result<Run, Unusable> {
        while count > 0 && self.left_in_piece() == 0 {
            if !self.next_piece() {
                return Err(Unusable::NotACheckpoint);
            }
        }
        if count <= self.left_in_piece() {
            let range = self.at..self.at + count;
            self.at += count;
            return Ok(Run {
                piece: self.current.clone(),
                range,
            });
        }
        // Across pieces: copied out (rare, pieces are MiBs and sections small). The length
        // may be damaged, so room is made as bytes come, not for all of it at once.
        let mut copy = Vec::with_capacity(count.min(self.current.len() * 2));
        copy.extend_from_slice(self.current.get(self.at..).unwrap_or_default());
        self.at = self.current.len();
        while copy.len() < count {
            if !self.next_piece() {
                return Err(Unusable::NotACheckpoint);
            }
            let wanted = (count - copy.len()).min(self.current.len());
            copy.extend_from_slice(self.current.get(..wanted).unwrap_or_default());
            self.at = wanted;
        }
        Ok(Run {
            piece: Arc::new(copy),
            range: 0..count,
        })
    }

    fn take_array<const N: usize>(&mut self) -> Result<[u8; N], Unusable> {
        (*self.take(N)?)
            .try_into()
            .map_err(|_| Unusable::NotACheckpoint)
    }

    /// The next section, undecoded: its length (8 bytes, little-endian), then its bytes.
    fn section(&mut self) -> Result<Run, Unusable> {
        let length = u64::from_le_bytes(self.take_array()?);
        self.take(usize::try_from(length).map_err(|_| Unusable::NotACheckpoint)?)
    }

    /// From here on every byte is the body's: hash it.
    fn start_hashing(&mut self) {
        let mut hasher = blake3::Hasher::new();
        hasher.update(self.current.get(self.at..).unwrap_or_default());
        self.hasher = Some(hasher);
    }

    /// Reads to the end; whether the body matched `expected`.
    fn whole(&mut self, expected: &[u8; 32]) -> bool {
        while self.next_piece() {}
        self.hasher
            .as_ref()
            .is_some_and(|hasher| hasher.finalize().as_bytes() == expected)
    }
}

/// Decodes one section.
fn decode_section<T: serde::de::DeserializeOwned>(section: &[u8]) -> Result<T, Unusable> {
    rmp_serde::from_slice(section).map_err(|error| Unusable::Undecodable(error.to_string()))
}

/// What one section of the views decodes to.
enum Decoded {
    View(Box<KeptView>),
    Part(Part),
}

/// A checkpoint read and decoded, not yet checked against the log.
pub(super) struct Read {
    pub(super) head: Head,
    pub(super) views: BTreeMap<Uuid, WorkspaceView>,
    /// The checkpoint's size in bytes: the next one written is about as big.
    pub(super) bytes: usize,
}

/// Reads the checkpoint whose pieces come through `pieces` and decodes its views, each with
/// an empty timeline whose entries up to `timeline_stored_through` are in the timeline index;
/// `head` is told the position and hash the head names as soon as it is decoded (before the
/// body's hash is checked), so that the caller checks them against the log meanwhile.
///
/// # Returns
/// `None` when no piece came (there is no checkpoint).
///
/// # Errors
/// [`Unusable::OtherFormat`] and [`Unusable::OtherCode`] from the header alone;
/// [`Unusable::Damaged`] when the body does not match its hash (whatever else is wrong),
/// otherwise what the body cannot be read or decoded for.
pub(super) fn read(
    pieces: mpsc::Receiver<Vec<u8>>,
    head: oneshot::Sender<(Position, EventHash)>,
    timeline_stored_through: Position,
) -> Option<Result<Read, Unusable>> {
    let mut pieces = Pieces::new(pieces);
    let header = read_header(&mut pieces);
    if !pieces.any {
        return None;
    }
    let expected = match header {
        Ok(expected) => expected,
        Err(unusable) => return Some(Err(unusable)),
    };
    pieces.start_hashing();
    let decoded_head = pieces
        .section()
        .and_then(|section| decode_section::<Head>(&section));
    let decoded_head = match decoded_head {
        Ok(decoded) => decoded,
        Err(unusable) => {
            return Some(Err(if pieces.whole(&expected) {
                unusable
            } else {
                Unusable::Damaged
            }))
        }
    };
    // The caller may have stopped waiting (it then ignores the checkpoint anyway).
    let _ = head.send((decoded_head.position, decoded_head.hash));
    Some(read_views(
        pieces,
        &expected,
        decoded_head,
        timeline_stored_through,
    ))
}

/// Checks the header (magic, format, code); the hash the body should have.
fn read_header(pieces: &mut Pieces) -> Result<[u8; 32], Unusable> {
    if pieces.take_array::<8>()? != *MAGIC {
        return Err(Unusable::NotACheckpoint);
    }
    let format = u32::from_le_bytes(pieces.take_array()?);
    if format != FORMAT {
        return Err(Unusable::OtherFormat { found: format });
    }
    let code_length = u16::from_le_bytes(pieces.take_array()?);
    let code = pieces.take(usize::from(code_length))?;
    if *code != *CODE_VERSION.as_bytes() {
        return Err(Unusable::OtherCode {
            found: String::from_utf8_lossy(&code).into_owned(),
        });
    }
    pieces.take_array()
}

/// Cuts the rest of the body into its sections and decodes them on every core as they come.
fn read_views(
    mut pieces: Pieces,
    expected: &[u8; 32],
    head: Head,
    timeline_stored_through: Position,
) -> Result<Read, Unusable> {
    // Per workspace its view, then its parts.
    let first_views: Vec<usize> = {
        let mut at = 0usize;
        head.parts
            .iter()
            .map(|parts| {
                let first = at;
                at = at.saturating_add(parts.saturating_add(1));
                first
            })
            .collect()
    };
    let (jobs, queue) = std::sync::mpsc::channel::<(usize, Run)>();
    let queue = Mutex::new(queue);
    let work = || {
        let mut done = Vec::new();
        loop {
            let job = match queue.lock() {
                Ok(queue) => queue.recv(),
                Err(_) => return done,
            };
            let Ok((index, section)) = job else {
                return done;
            };
            let decoded = if first_views.binary_search(&index).is_ok() {
                decode_section::<KeptView>(&section).map(|view| Decoded::View(Box::new(view)))
            } else {
                decode_section::<Part>(&section).map(Decoded::Part)
            };
            done.push((index, decoded));
        }
    };
    let threads = std::thread::available_parallelism().map_or(1, |count| count.get().min(4));
    let mut cut = Ok(0);
    let mut decoded: Vec<Option<Result<Decoded, Unusable>>> = Vec::new();
    std::thread::scope(|scope| {
        let decoders: Vec<_> = (0..threads).map(|_| scope.spawn(work)).collect();
        let mut index = 0;
        'cutting: for parts in &head.parts {
            for _ in 0..=*parts {
                match pieces.section() {
                    Ok(section) => {
                        if jobs.send((index, section)).is_err() {
                            cut = Err(Unusable::Undecodable("the decoding threads ended".into()));
                            break 'cutting;
                        }
                        index += 1;
                    }
                    Err(unusable) => {
                        cut = Err(unusable);
                        break 'cutting;
                    }
                }
            }
        }
        drop(jobs);
        if cut.is_ok() {
            cut = Ok(index);
        }
        decoded = std::iter::repeat_with(|| None).take(index).collect();
        // A decoder that panicked leaves its jobs undone, reported below.
        for done in decoders
            .into_iter()
            .filter_map(|decoder| decoder.join().ok())
        {
            for (index, result) in done {
                if let Some(slot) = decoded.get_mut(index) {
                    *slot = Some(result);
                }
            }
        }
    });
    if !pieces.whole(expected) {
        return Err(Unusable::Damaged);
    }
    cut?;
    let mut decoded = decoded.into_iter();
    let mut next = || match decoded.next() {
        Some(Some(result)) => result,
        _ => Err(Unusable::Undecodable("a section was not decoded".into())),
    };
    let mut views = BTreeMap::new();
    for parts in &head.parts {
        let Decoded::View(kept) = next()? else {
            return Err(Unusable::Undecodable("a part where a view belongs".into()));
        };
        let mut kept = *kept;
        let state = &mut kept.state;
        let mut moves: Vec<LevelMove> = Vec::new();
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
            kept.metrics.into_history()?,
            kept.last_metrics_version,
            kept.snapshot_every,
        );
        views.insert(workspace_id, view);
    }
    Ok(Read {
        head,
        views,
        bytes: pieces.received,
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)] // a panic is how a test reports failure

    use chrono::{DateTime, Utc};

    use super::super::{encode, CopiedView, CopiedViews};
    use super::*;
    use crate::domain::state::{EventContext, WorkspaceState};
    use crate::domain::vocabulary::{Level, Sector};
    use crate::domain::DomainEvent;

    /// A workspace of `organisations` organisations that change level `moves` times: its
    /// organisations and moves take several parts each.
    fn state(organisations: usize, moves: usize) -> WorkspaceState {
        let start = DateTime::parse_from_rfc3339("2026-01-05T09:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let ids: Vec<Uuid> = (0..organisations).map(|_| Uuid::new_v4()).collect();
        let mut state = WorkspaceState::new(Uuid::new_v4());
        let mut position = 0;
        let mut apply = |state: &mut WorkspaceState, event: DomainEvent| {
            position += 1;
            let context = EventContext {
                position,
                actor: "anna".into(),
                recorded_at: start + chrono::Duration::seconds(position as i64),
            };
            state.apply(&event, &context);
        };
        apply(
            &mut state,
            DomainEvent::WorkspaceCreated {
                name: "Parts".into(),
                description: String::new(),
            },
        );
        for (index, organisation_id) in ids.iter().enumerate() {
            apply(
                &mut state,
                DomainEvent::OrganisationRegistered {
                    organisation_id: *organisation_id,
                    name: format!("Organisation {index}"),
                    sector: Sector::Public,
                    kind: "museum".into(),
                    tags: Vec::new(),
                    topics: Vec::new(),
                    website: None,
                    age_groups: Vec::new(),
                    rooms: Vec::new(),
                },
            );
        }
        for index in 0..moves {
            apply(
                &mut state,
                DomainEvent::RelationLevelChanged {
                    organisation_id: ids[index % ids.len()],
                    from: None,
                    to: Some(if index % 2 == 0 {
                        Level::Network
                    } else {
                        Level::Collaboration
                    }),
                    reason: format!("step {index}"),
                    occurred_on: None,
                },
            );
        }
        state
    }

    /// Two workspaces, one in many parts, one small; their states, and the checkpoint of
    /// them at position 7.
    fn checkpoint() -> (Vec<WorkspaceState>, Vec<u8>) {
        let states = vec![state(600, 20_000), state(3, 5)];
        let copy = CopiedViews {
            position: 7,
            skipped: 0,
            slugs: Vec::new(),
            workspaces: states
                .iter()
                .map(|state| CopiedView {
                    state: state.clone(),
                    timeline: Default::default(),
                    metrics_history: Default::default(),
                    last_metrics_version: None,
                    snapshot_every: 64,
                })
                .collect(),
        };
        let bytes = encode(copy, EventHash([7; 32]), 0).unwrap();
        (states, bytes)
    }

    /// What the head said, and what the read came to.
    type Outcome = (
        Option<(Position, EventHash)>,
        Option<Result<Read, Unusable>>,
    );

    /// Reads `bytes` handed over in pieces of `size`.
    fn read_in_pieces(bytes: &[u8], size: usize) -> Outcome {
        let (sender, receiver) = mpsc::channel(2);
        let (head_sender, head) = oneshot::channel();
        let pieces: Vec<Vec<u8>> = bytes.chunks(size).map(<[u8]>::to_vec).collect();
        let sending = std::thread::spawn(move || {
            for piece in pieces {
                if sender.blocking_send(piece).is_err() {
                    return;
                }
            }
        });
        let outcome = read(receiver, head_sender, 5);
        sending.join().unwrap();
        (head.blocking_recv().ok(), outcome)
    }

    #[test]
    fn a_checkpoint_read_in_pieces_of_any_size_gives_its_views() {
        let (states, bytes) = checkpoint();
        assert!(bytes.len() > 1 << 20, "{} bytes", bytes.len());
        for size in [61, 4096, 100_003, 1 << 20, bytes.len()] {
            let (head, outcome) = read_in_pieces(&bytes, size);
            assert_eq!(head, Some((7, EventHash([7; 32]))), "pieces of {size}");
            let read = match outcome {
                Some(Ok(read)) => read,
                Some(Err(unusable)) => panic!("pieces of {size}: {unusable}"),
                None => panic!("pieces of {size}: no checkpoint"),
            };
            assert_eq!(read.bytes, bytes.len(), "pieces of {size}");
            assert_eq!(read.head.parts.len(), 2);
            assert!(read.head.parts[0] > 4, "{:?}", read.head.parts);
            assert_eq!(read.views.len(), 2);
            for state in &states {
                let view = &read.views[&state.workspace_id];
                assert!(view.state == *state, "pieces of {size}");
                assert_eq!(view.timeline.stored_through(), 5);
            }
        }
    }

    #[test]
    fn a_damaged_part_is_found_whatever_the_pieces() {
        let (_, bytes) = checkpoint();
        // A byte of a part in the middle, and the length of the first part after the
        // head (a section of the body claiming to run far past its end).
        let mut in_a_part = bytes.clone();
        let middle = bytes.len() / 2;
        in_a_part[middle] ^= 0x20;
        let mut a_length = bytes.clone();
        let code = usize::from(u16::from_le_bytes([bytes[12], bytes[13]]));
        let body = 14 + code + 32;
        let head = usize::try_from(u64::from_le_bytes(
            bytes[body..body + 8].try_into().unwrap(),
        ))
        .unwrap();
        a_length[body + 8 + head + 6] ^= 0x01;
        for damaged in [&in_a_part, &a_length] {
            for size in [61, 4096, 1 << 20, bytes.len()] {
                let (_, outcome) = read_in_pieces(damaged, size);
                assert!(
                    matches!(outcome, Some(Err(Unusable::Damaged))),
                    "pieces of {size}: {:?}",
                    outcome.map(|outcome| outcome.map(|read| read.views.len()))
                );
            }
        }
        // Cut short in the body: damaged too; in the header: not a checkpoint.
        let (_, outcome) = read_in_pieces(&bytes[..bytes.len() - 1000], 4096);
        assert!(matches!(outcome, Some(Err(Unusable::Damaged))));
        let (_, outcome) = read_in_pieces(&bytes[..20], 7);
        assert!(matches!(outcome, Some(Err(Unusable::NotACheckpoint))));
    }

    #[test]
    fn no_pieces_is_no_checkpoint() {
        let (head, outcome) = read_in_pieces(&[], 1);
        assert!(head.is_none() && outcome.is_none());
    }
}
