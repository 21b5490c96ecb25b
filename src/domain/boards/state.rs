//! Workshop boards as the workspace's state holds them: boards, their notes and groups.

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::domain::events::Promotion;
use crate::domain::vocabulary::{BoardPhase, BoardTemplate, Zone};

/// A note on a workshop board.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Note {
    /// Text.
    pub text: String,
    /// Author: the actor who added it, or the name their sealed act carries
    /// ([`SealedNames::as_author`]) when it was added in an anonymous phase.
    pub author: String,
    /// Zone.
    pub zone: Zone,
    /// Horizontal position.
    pub x: i32,
    /// Vertical position.
    pub y: i32,
    /// Colour.
    pub colour: String,
    /// Dots per voter (their actor, or [`SealedNames::as_voter`] in an anonymous vote).
    pub votes: BTreeMap<String, u32>,
    /// The group it is in.
    pub group_id: Option<Uuid>,
    /// What it was promoted to.
    pub promoted_to: Option<Promotion>,
    /// The log position of the event that added it: with the board's [`Board::phases`] it
    /// tells in which phase it was written (and so whether its author stays hidden).
    #[serde(default)]
    pub added_at: u64,
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
    /// Dots per participant (the vote's, once the facilitator opened it with its own).
    pub vote_budget: u32,
    /// Most dots one participant may place on one note, when the vote was opened with a cap.
    #[serde(default)]
    pub note_cap: Option<u32>,
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
    /// Every phase the board has been in, oldest first, each with the log position where it
    /// began and its anonymity: what [`crate::visibility`] reads to judge an event by the
    /// phase at its time. Folded from the events only, so replay and "as of" agree.
    #[serde(default)]
    pub phases: Vec<PhaseSince>,
}

/// A phase of a board, from the log position where it began.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PhaseSince {
    /// The position of the event that began it (`BoardCreated` or `BoardPhaseChanged`).
    pub position: u64,
    /// The phase.
    pub phase: BoardPhase,
    /// Whether authors and voters are hidden in it.
    pub anonymous: bool,
}

impl Board {
    /// Dots `voter` has placed on this board.
    pub fn votes_by(&self, voter: &OnBoard<'_>) -> u32 {
        self.notes.values().map(|note| note.votes_by(voter)).sum()
    }
}

impl Note {
    /// Dots `voter` has placed on this note.
    pub fn votes_by(&self, voter: &OnBoard<'_>) -> u32 {
        self.votes
            .iter()
            .filter(|(name, _)| voter.is(name))
            .map(|(_, count)| count)
            .sum()
    }
}

/// How every sealed name begins: `sealed:` and 32 hex digits. Account names cannot contain a
/// colon, and `token:`/`guest:` actors begin otherwise, so no actor is mistaken for one.
pub const SEALED_PREFIX: &str = "sealed:";

/// Whether an actor as the log records it is a sealed name rather than someone's actor.
pub fn is_sealed(actor: &str) -> bool {
    actor.starts_with(SEALED_PREFIX)
}

/// The names a person's acts carry in the log on one board where they are sealed (an
/// anonymous phase, or a note written in one): one as an author (adding, editing, moving,
/// grouping and promoting notes), another as a voter, so that the log does not link a
/// person's notes to their ballot. Each is a keyed hash of their actor under the board's key
/// ([`crate::sealing`]); once the key is destroyed at the board's close nobody can tell whose
/// a name was, while the names still add up (a retracted dot takes back the dot of the same
/// name).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SealedNames {
    /// The name of their notes and note handling.
    pub as_author: String,
    /// The name of their dots.
    pub as_voter: String,
}

/// Someone on one board: their actor and, on a board whose key exists, the names their sealed
/// acts carry there. The one way rules and views ask "is this name theirs?".
#[derive(Clone, Copy, Debug)]
pub struct OnBoard<'a> {
    /// Their actor.
    pub actor: &'a str,
    /// Their sealed names on the board, when it has a key.
    pub sealed: Option<&'a SealedNames>,
}

impl<'a> OnBoard<'a> {
    /// Someone known only by their actor (a board without sealed acts, or a test).
    pub fn actor(actor: &'a str) -> Self {
        OnBoard {
            actor,
            sealed: None,
        }
    }

    /// Whether `name`, an actor as the log records it, is theirs.
    pub fn is(&self, name: &str) -> bool {
        name == self.actor
            || self
                .sealed
                .is_some_and(|sealed| name == sealed.as_author || name == sealed.as_voter)
    }
}
