//! The current state of one workspace, folded from its events: what commands are validated
//! against, and what every projection reads.
//!
//! [`WorkspaceState::apply`] is pure and total: it never fails and never checks rules (events
//! are facts). It keeps history that views need (level changes of every relation, who ticked
//! what and when) because a view can only show what the state remembers.

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::area::Area;
use super::events::{
    CriterionScore, DomainEvent, Party, PersonalField, Promotion, ScreeningAnswer,
};
use super::vocabulary::{
    AgeGroup, AgreementSection, AssetCategory, Audience, BoardPhase, BoardTemplate,
    EvaluationDecision, Goal, Level, PartnershipForm, Phase, ReadinessItem, Room,
    ScreeningDecision, Sector, Zone,
};
use super::{assets, boards, network, partnerships, workspace};

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

/// A strategic focus area on the library model.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FocusArea {
    /// Its name.
    pub name: String,
    /// Its goal.
    pub goal: Goal,
    /// Its room.
    pub room: Room,
    /// What it means.
    pub description: String,
}

/// A colleague.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffMember {
    /// Their name.
    pub name: String,
    /// Their team.
    pub team: String,
    /// Their competences.
    pub competences: Vec<String>,
    /// Whether they have left.
    pub left: bool,
}

/// One move on the network circle.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LevelChange {
    /// Before.
    pub from: Option<Level>,
    /// After.
    pub to: Option<Level>,
    /// Why.
    pub reason: String,
    /// Who recorded it.
    pub actor: String,
    /// When it was recorded.
    pub recorded_at: DateTime<Utc>,
    /// When it happened, if stated.
    pub occurred_on: Option<NaiveDate>,
    /// The event's position.
    pub position: u64,
}

/// A colleague's contact with an organisation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactHolder {
    /// What they talk about.
    pub topics: Vec<String>,
    /// Since when.
    pub since: DateTime<Utc>,
}

/// A contact person at an organisation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactPerson {
    /// Their role.
    pub role: String,
    /// Name, email, phone: personal data, sealed with the person's key.
    pub personal: PersonalField,
    /// Whether the personal data was erased (its key destroyed).
    #[serde(default)]
    pub erased: bool,
}

/// An organisation in the network database and the library's relation with it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Organisation {
    /// Its name.
    pub name: String,
    /// Its sector.
    pub sector: Sector,
    /// Its kind.
    pub kind: String,
    /// Free tags (zone tags of a promoted note among them).
    pub tags: Vec<String>,
    /// What the library talks with it about.
    pub topics: Vec<String>,
    /// Its website.
    pub website: Option<String>,
    /// Age groups it reaches.
    pub age_groups: Vec<AgeGroup>,
    /// Rooms it fits.
    pub rooms: Vec<Room>,
    /// The current level on the network circle (none: no relation).
    pub level: Option<Level>,
    /// Every move on the network circle, oldest first.
    pub level_history: ChunkedLog<Arc<LevelChange>>,
    /// Colleagues holding the contact (each behind an `Arc`, so copying the organisation
    /// after a snapshot copies pointers, not topics).
    pub contact_holders: BTreeMap<Uuid, Arc<ContactHolder>>,
    /// Contact persons at the organisation.
    pub contact_persons: BTreeMap<Uuid, Arc<ContactPerson>>,
    /// Priority from a workshop note's votes, if it was promoted from one.
    pub priority: u32,
    /// When it was registered.
    pub registered_at: DateTime<Utc>,
}

/// A screening's result.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Screening {
    /// The answers.
    pub answers: Vec<ScreeningAnswer>,
    /// Points.
    pub score: u32,
    /// Highest possible points.
    pub max_score: u32,
    /// The decision.
    pub decision: ScreeningDecision,
    /// Why.
    pub decision_note: String,
    /// Who screened.
    pub actor: String,
    /// When.
    pub recorded_at: DateTime<Utc>,
}

/// The agreement: versioned sections.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Agreement {
    /// 0 before the first text.
    pub version: u32,
    /// The current text of each section.
    pub sections: BTreeMap<AgreementSection, String>,
    /// When it last changed.
    pub amended_at: Option<DateTime<Utc>>,
}

/// Resources a party committed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResourceCommitment {
    /// Its id.
    pub commitment_id: Uuid,
    /// Who.
    pub party: Party,
    /// What.
    pub description: String,
    /// Staff hours.
    pub hours: Option<u32>,
    /// Money.
    pub amount_dkk: Option<u64>,
}

/// An evaluation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Evaluation {
    /// Its id.
    pub evaluation_id: Uuid,
    /// When.
    pub evaluated_on: NaiveDate,
    /// Criteria and scores.
    pub criteria: Vec<CriterionScore>,
    /// In words.
    pub narrative: String,
    /// Continue, adjust or end.
    pub decision: EvaluationDecision,
    /// Next one due.
    pub next_evaluation_due: Option<NaiveDate>,
}

/// A line of the communication plan.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommunicationItem {
    /// Internal or external.
    pub audience: Audience,
    /// Who informs.
    pub sender: String,
    /// Whom.
    pub recipients: String,
    /// About what.
    pub about: String,
    /// When.
    pub when: String,
    /// Channel.
    pub channel: String,
}

/// A communication that was sent.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SentCommunication {
    /// The plan item, if any.
    pub item_id: Option<Uuid>,
    /// When.
    pub sent_on: NaiveDate,
    /// Channel.
    pub channel: String,
    /// What.
    pub summary: String,
    /// Who recorded it.
    pub actor: String,
}

/// A ticked checklist item: who and when.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tick {
    /// Who ticked it.
    pub actor: String,
    /// When.
    pub recorded_at: DateTime<Utc>,
    /// Evidence or remark.
    pub note: String,
}

/// How a partnership ended.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ending {
    /// Why.
    pub reason: String,
    /// When it was recorded.
    pub recorded_at: DateTime<Utc>,
    /// When it happened, if stated.
    pub ended_on: Option<NaiveDate>,
}

/// A partnership's file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Partnership {
    /// Title.
    pub title: String,
    /// Partner organisations.
    pub partner_ids: Vec<Uuid>,
    /// Purpose.
    pub purpose: String,
    /// Activity or frame.
    pub form: PartnershipForm,
    /// Goals served.
    pub goals: Vec<Goal>,
    /// Rooms served.
    pub rooms: Vec<Room>,
    /// Age groups served.
    pub age_groups: Vec<AgeGroup>,
    /// Owning colleague.
    pub owner_id: Option<Uuid>,
    /// Current phase.
    pub phase: Phase,
    /// Priority (votes of the note it came from).
    pub priority: u32,
    /// Tags.
    pub tags: Vec<String>,
    /// The latest screening (replaced whole, shared with snapshots).
    pub screening: Option<Arc<Screening>>,
    /// The agreement (copied only when amended, shared with snapshots otherwise).
    pub agreement: Arc<Agreement>,
    /// Resources from each party, held inline in their chunks: the portfolio sums them over
    /// every active partnership per "as of" query, and an `Arc` each was a cache miss each.
    pub resources: ChunkedLog<ResourceCommitment>,
    /// Evaluations, oldest first.
    pub evaluations: ChunkedLog<Arc<Evaluation>>,
    /// The communication plan.
    pub communication_plan: BTreeMap<Uuid, Arc<CommunicationItem>>,
    /// What was sent.
    pub communications_sent: ChunkedLog<Arc<SentCommunication>>,
    /// The readiness checklist: ticked items.
    pub readiness: BTreeMap<ReadinessItem, Arc<Tick>>,
    /// How it ended, if it did.
    pub ending: Option<Ending>,
    /// When it was proposed.
    pub proposed_at: DateTime<Utc>,
}

impl Partnership {
    /// Whether it is active (not ended).
    pub fn is_active(&self) -> bool {
        self.ending.is_none()
    }

    /// When the next evaluation is due: the latest evaluation's due date.
    pub fn next_evaluation_due(&self) -> Option<NaiveDate> {
        self.evaluations
            .last()
            .and_then(|evaluation| evaluation.next_evaluation_due)
    }
}

/// An item on the assets list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Asset {
    /// Category.
    pub category: AssetCategory,
    /// Title.
    pub title: String,
    /// What exactly.
    pub description: String,
    /// Who to ask.
    pub contact_staff_id: Option<Uuid>,
}

/// A note on a workshop board.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Note {
    /// Text.
    pub text: String,
    /// Author (the actor who added it).
    pub author: String,
    /// Zone.
    pub zone: Zone,
    /// Horizontal position.
    pub x: i32,
    /// Vertical position.
    pub y: i32,
    /// Colour.
    pub colour: String,
    /// Dots per voter.
    pub votes: BTreeMap<String, u32>,
    /// The group it is in.
    pub group_id: Option<Uuid>,
    /// What it was promoted to.
    pub promoted_to: Option<Promotion>,
}

impl Note {
    /// Total dots.
    pub fn vote_count(&self) -> u32 {
        self.votes.values().sum()
    }
}

/// A group of notes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoteGroup {
    /// Label.
    pub label: String,
    /// Notes.
    pub note_ids: Vec<Uuid>,
}

/// A workshop board.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Board {
    /// Title.
    pub title: String,
    /// Layout.
    pub template: BoardTemplate,
    /// Who facilitates (the creator).
    pub facilitator: String,
    /// Dots per participant.
    pub vote_budget: u32,
    /// Current phase.
    pub phase: BoardPhase,
    /// Whether authors are hidden in the current phase.
    pub anonymous: bool,
    /// Whether the facilitator locked it.
    pub locked: bool,
    /// When the running timer ends.
    pub timer_ends_at: Option<DateTime<Utc>>,
    /// Notes (each behind an `Arc`: copying the board after a snapshot copies pointers).
    pub notes: BTreeMap<Uuid, Arc<Note>>,
    /// Groups.
    pub groups: BTreeMap<Uuid, Arc<NoteGroup>>,
}

impl Board {
    /// Dots `voter` has placed on this board.
    pub fn votes_by(&self, voter: &str) -> u32 {
        self.notes
            .values()
            .filter_map(|note| note.votes.get(voter))
            .sum()
    }
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
    /// Partnerships.
    pub partnerships: BTreeMap<Uuid, Arc<Partnership>>,
    /// The assets list.
    pub assets: BTreeMap<Uuid, Arc<Asset>>,
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
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LevelMove {
    /// The organisation that moved.
    pub organisation_id: Uuid,
    /// The event's position.
    pub position: u64,
    /// When it was recorded.
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
            Area::Assets => assets::apply(self, event),
            Area::Boards => boards::apply(self, event, context),
        }
    }
}
