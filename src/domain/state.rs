//! The current state of one workspace, folded from its events: what commands are validated
//! against, and what every projection reads.
//!
//! [`WorkspaceState::apply`] is pure and total: it never fails and never checks rules (events
//! are facts). It keeps history that views need (level changes of every relation, who ticked
//! what and when) because a view can only show what the state remembers.
//!
//! Here: the [`WorkspaceState`] itself, what it keeps across areas ([`LevelMove`]s,
//! [`ChunkedLog`]) and the copy-on-write helpers the areas' folds use. Each area's entities
//! ([`Organisation`], [`Partnership`], [`Asset`], [`Board`], ...) are defined in the area's
//! own `state` module, beside the fold that builds them, and re-exported here.

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::area::Area;
use super::events::DomainEvent;
use super::vocabulary::Level;
use super::{assets, boards, network, partnerships, workspace};

pub use super::assets::state::{Asset, AssetsShareLink};
pub use super::boards::state::{
    is_sealed, Board, Note, NoteGroup, OnBoard, PhaseSince, SealedNames, SEALED_PREFIX,
};
pub use super::network::state::{
    team_node_id, ContactHolder, ContactPerson, FocusArea, LevelChange, MapPlace, Organisation,
    StaffMember, MAP_EXTENT,
};
pub use super::partnerships::state::{
    Agreement, AgreementVersion, CommunicationItem, Ending, Evaluation, Partnership,
    ResourceCommitment, Screening, SentCommunication, Tick,
};

/// Where and when an event happened, and who did it: the log's part of an applied event.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventContext {
    /// The event's global position.
    pub position: u64,
    /// Who made the change.
    pub actor: String,
    /// When the log recorded it.
    pub recorded_at: DateTime<Utc>,
}

/// A workspace: one library or library system, everything it knows.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkspaceState {
    /// Its id (also the id of its stream in the log).
    pub workspace_id: Uuid,
    /// Its name; empty until created.
    pub name: String,
    /// What it covers.
    pub description: String,
    /// Whether `WorkspaceCreated` happened.
    pub created: bool,
    /// How many events were applied (the stream version).
    pub version: u64,
    /// The position of the last applied event.
    pub position: u64,
    /// When the last applied event was recorded.
    pub updated_at: Option<DateTime<Utc>>,
    /// Strategic focus areas.
    pub focus_areas: BTreeMap<Uuid, FocusArea>,
    /// Staff.
    pub staff: BTreeMap<Uuid, StaffMember>,
    /// Competences the library would like to have.
    #[serde(default)]
    pub wanted_competences: Vec<String>,
    /// The network database.
    pub organisations: BTreeMap<Uuid, Arc<Organisation>>,
    /// Where people placed nodes of the network map, by node id (a node without a place is
    /// laid out by the map).
    #[serde(default)]
    pub map_places: BTreeMap<Uuid, MapPlace>,
    /// Partnerships.
    pub partnerships: BTreeMap<Uuid, Arc<Partnership>>,
    /// The assets list.
    pub assets: BTreeMap<Uuid, Arc<Asset>>,
    /// The share links that open the assets list to potential partners, revoked ones too.
    #[serde(default)]
    pub assets_share_links: BTreeMap<Uuid, AssetsShareLink>,
    /// Workshop boards.
    pub boards: BTreeMap<Uuid, Arc<Board>>,
    /// Every move on the network circle of every organisation, in log order: the same
    /// changes as the organisations' level histories, kept in one list as the state folds so
    /// that the portfolio's level counts over time need no sort of every organisation's
    /// history. Derived from the events like everything here, but not serialized (the
    /// organisations' histories hold the same facts).
    #[serde(skip)]
    pub level_moves: ChunkedLog<LevelMove, 256>,
}

/// One move on the network circle in the workspace's list of moves: what the level counts
/// over time need, held inline (reading 120,000 moves through pointers to their
/// [`LevelChange`]s was most of an "as of" portfolio at a million events).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LevelMove {
    /// The organisation that moved.
    pub organisation_id: Uuid,
    /// The event's position.
    pub position: u64,
    /// When it was recorded.
    #[serde(with = "crate::domain::moment")]
    pub recorded_at: DateTime<Utc>,
    /// When it happened, if stated.
    pub occurred_on: Option<NaiveDate>,
    /// Its level before, as the fold had it (absent: no relation yet), which the recorded
    /// `from` may disagree with.
    pub previous: Option<Level>,
    /// The recorded level before.
    pub from: Option<Level>,
    /// After.
    pub to: Option<Level>,
}

/// An append-only list whose full chunks of `CHUNK` entries are shared between clones:
/// cloning it copies one pointer per chunk, and the first append after a clone copies at most
/// one chunk. A copy of an entity holding long histories (made when it first changes after a
/// snapshot) so costs a few pointers, not one per entry. Reads like a slice: `len`, `iter`,
/// `last`, indexing; serialized as a plain list.
#[derive(Clone, Debug)]
pub struct ChunkedLog<T, const CHUNK: usize = 32> {
    full: Vec<Arc<Vec<T>>>,
    tail: Arc<Vec<T>>,
}

impl<T, const CHUNK: usize> Default for ChunkedLog<T, CHUNK> {
    fn default() -> Self {
        ChunkedLog {
            full: Vec::new(),
            tail: Arc::new(Vec::new()),
        }
    }
}

impl<T: Clone, const CHUNK: usize> ChunkedLog<T, CHUNK> {
    /// Appends one entry (copying the last, partly filled chunk if a clone shares it).
    pub fn push(&mut self, entry: T) {
        if self.tail.len() >= CHUNK {
            let full = std::mem::replace(&mut self.tail, Arc::new(Vec::with_capacity(CHUNK)));
            self.full.push(full);
        }
        Arc::make_mut(&mut self.tail).push(entry);
    }
}

impl<T, const CHUNK: usize> ChunkedLog<T, CHUNK> {
    /// The entries, oldest first.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &T> {
        self.full
            .iter()
            .chain(std::iter::once(&self.tail))
            .flat_map(|chunk| chunk.iter())
    }

    /// How many entries there are.
    pub fn len(&self) -> usize {
        self.full.len() * CHUNK + self.tail.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The newest entry.
    pub fn last(&self) -> Option<&T> {
        self.tail
            .last()
            .or_else(|| self.full.last().and_then(|chunk| chunk.last()))
    }

    /// The entry at `index`, oldest first.
    pub fn get(&self, index: usize) -> Option<&T> {
        match self.full.get(index / CHUNK) {
            Some(chunk) => chunk.get(index % CHUNK),
            None if index / CHUNK == self.full.len() => self.tail.get(index % CHUNK),
            None => None,
        }
    }
}

impl<T, const CHUNK: usize> std::ops::Index<usize> for ChunkedLog<T, CHUNK> {
    type Output = T;

    fn index(&self, index: usize) -> &T {
        match self.get(index) {
            Some(entry) => entry,
            None => panic!("index {index} out of a log of {}", self.len()),
        }
    }
}

impl<'log, T, const CHUNK: usize> IntoIterator for &'log ChunkedLog<T, CHUNK> {
    type Item = &'log T;
    type IntoIter = Box<dyn DoubleEndedIterator<Item = &'log T> + 'log>;

    fn into_iter(self) -> Self::IntoIter {
        Box::new(self.iter())
    }
}

/// The entries by value, oldest first: a chunk no clone shares is moved out, a shared one
/// copied.
impl<T: Clone, const CHUNK: usize> IntoIterator for ChunkedLog<T, CHUNK> {
    type Item = T;
    type IntoIter = std::iter::FlatMap<
        std::iter::Chain<std::vec::IntoIter<Arc<Vec<T>>>, std::iter::Once<Arc<Vec<T>>>>,
        Vec<T>,
        fn(Arc<Vec<T>>) -> Vec<T>,
    >;

    fn into_iter(self) -> Self::IntoIter {
        let chunks = self.full.into_iter().chain(std::iter::once(self.tail));
        chunks.flat_map(Arc::unwrap_or_clone as fn(Arc<Vec<T>>) -> Vec<T>)
    }
}

impl<T: Clone, const CHUNK: usize> FromIterator<T> for ChunkedLog<T, CHUNK> {
    fn from_iter<I: IntoIterator<Item = T>>(entries: I) -> Self {
        let mut log = ChunkedLog::default();
        for entry in entries {
            log.push(entry);
        }
        log
    }
}

impl<T: PartialEq, const CHUNK: usize> PartialEq for ChunkedLog<T, CHUNK> {
    fn eq(&self, other: &Self) -> bool {
        self.len() == other.len() && self.iter().eq(other.iter())
    }
}

impl<T: Eq, const CHUNK: usize> Eq for ChunkedLog<T, CHUNK> {}

impl<T: Serialize, const CHUNK: usize> Serialize for ChunkedLog<T, CHUNK> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.iter())
    }
}

impl<'de, T: Deserialize<'de> + Clone, const CHUNK: usize> Deserialize<'de>
    for ChunkedLog<T, CHUNK>
{
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Vec::<T>::deserialize(deserializer).map(|entries| entries.into_iter().collect())
    }
}

/// Documented as what it serializes to: a JSON array of the entries, oldest first.
impl<T: schemars::JsonSchema, const CHUNK: usize> schemars::JsonSchema for ChunkedLog<T, CHUNK> {
    fn is_referenceable() -> bool {
        false
    }

    fn schema_name() -> String {
        Vec::<T>::schema_name()
    }

    fn json_schema(generator: &mut schemars::gen::SchemaGenerator) -> schemars::schema::Schema {
        Vec::<T>::json_schema(generator)
    }
}

/// The entity `id` of one of the state's shared collections, ready to change: copied first
/// if a snapshot still shares it (copy on write), so snapshots cost only what changed.
pub(crate) fn entity_mut<'map, T: Clone>(
    map: &'map mut BTreeMap<Uuid, Arc<T>>,
    id: &Uuid,
) -> Option<&'map mut T> {
    map.get_mut(id).map(Arc::make_mut)
}

pub(crate) fn set<T: Clone>(target: &mut T, value: &Option<T>) {
    if let Some(value) = value {
        *target = value.clone();
    }
}

impl WorkspaceState {
    /// An empty, not yet created workspace.
    pub fn new(workspace_id: Uuid) -> Self {
        WorkspaceState {
            workspace_id,
            ..WorkspaceState::default()
        }
    }

    /// Folds one event into the state: counts it, then hands it to its area's fold.
    pub fn apply(&mut self, event: &DomainEvent, context: &EventContext) {
        self.version += 1;
        self.position = context.position;
        self.updated_at = Some(context.recorded_at);
        match event.area() {
            Area::Workspace => workspace::apply(self, event),
            Area::Network => network::apply(self, event, context),
            Area::Partnerships => partnerships::apply(self, event, context),
            Area::Assets => assets::apply(self, event, context),
            Area::Boards => boards::apply(self, event, context),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::ChunkedLog;

    #[test]
    fn a_chunked_log_reads_like_a_list_across_its_chunks() {
        let log: ChunkedLog<u32, 4> = (0..10).collect();
        assert_eq!(log.len(), 10);
        assert_eq!(log.get(0), Some(&0));
        assert_eq!(log.get(4), Some(&4));
        assert_eq!(log.get(9), Some(&9));
        assert_eq!(log.get(10), None);
        assert_eq!(log.last(), Some(&9));
        assert_eq!(
            log.iter().copied().collect::<Vec<_>>(),
            (0..10).collect::<Vec<_>>()
        );
    }

    #[test]
    fn a_clone_shares_the_chunks_and_a_push_after_it_leaves_the_clone_as_it_was() {
        let mut log: ChunkedLog<Arc<str>, 4> = ["a", "b", "c", "d", "e", "f"]
            .into_iter()
            .map(Arc::from)
            .collect();
        let copy = log.clone();
        assert!(Arc::ptr_eq(&log.full[0], &copy.full[0]));
        assert!(Arc::ptr_eq(&log.tail, &copy.tail));
        log.push(Arc::from("g"));
        assert!(
            Arc::ptr_eq(&log.full[0], &copy.full[0]),
            "full chunks stay shared"
        );
        assert_eq!(copy.len(), 6);
        assert_eq!(log.len(), 7);
        assert_eq!(log.last().map(|entry| &**entry), Some("g"));
        assert_eq!(copy.last().map(|entry| &**entry), Some("f"));
    }

    /// An entry that counts its copies.
    #[derive(Debug)]
    struct Counted(u32, Arc<std::sync::atomic::AtomicUsize>);

    impl Clone for Counted {
        fn clone(&self) -> Self {
            self.1.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            Counted(self.0, self.1.clone())
        }
    }

    #[test]
    fn taken_by_value_a_log_moves_its_own_chunks_and_copies_shared_ones() {
        let copies = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let copied = || copies.load(std::sync::atomic::Ordering::Relaxed);
        let log: ChunkedLog<Counted, 4> = (0..10).map(|n| Counted(n, copies.clone())).collect();
        let numbers = |entries: &[Counted]| entries.iter().map(|entry| entry.0).collect::<Vec<_>>();

        let moved: Vec<Counted> = log.into_iter().collect();
        assert_eq!(numbers(&moved), (0..10).collect::<Vec<_>>());
        assert_eq!(copied(), 0, "a log nobody shares is moved out");

        let log: ChunkedLog<Counted, 4> = moved.into_iter().collect();
        let copy = log.clone();
        let taken: Vec<Counted> = log.into_iter().collect();
        assert_eq!(numbers(&taken), (0..10).collect::<Vec<_>>());
        assert_eq!(copied(), 10, "shared chunks are copied");
        assert_eq!(copy.len(), 10, "and the clone keeps its entries");
    }
}
