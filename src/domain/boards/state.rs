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
    pub fn votes_by(&self, voter: &str) -> u32 {
        self.notes
            .values()
            .filter_map(|note| note.votes.get(voter))
            .sum()
    }
}
