//! A workshop board as one participant may see it: notes written privately stay private
//! until the reveal, authors are hidden in anonymous phases, and dot tallies stay hidden
//! until the vote closes (each voter sees their own dots). What is hidden is decided by
//! [`crate::visibility`]; this module only assembles the view.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::domain::events::Promotion;
use crate::domain::state::{is_sealed, Board, OnBoard};
use crate::domain::vocabulary::{BoardPhase, BoardTemplate, Zone};
use crate::visibility;

/// A note as the viewer may see it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct NoteView {
    /// Its id.
    pub note_id: Uuid,
    /// Text.
    pub text: String,
    /// Author: the viewer's own notes always; others' only when the note was not written in
    /// an anonymous phase and the board's phase now is not anonymous.
    pub author: Option<String>,
    /// Zone.
    pub zone: Zone,
    /// Horizontal position.
    pub x: i32,
    /// Vertical position.
    pub y: i32,
    /// Colour.
    pub colour: String,
    /// Group.
    pub group_id: Option<Uuid>,
    /// The viewer's own dots on it.
    pub my_votes: u32,
    /// All dots (a total, never per voter), once the vote has closed.
    pub votes: Option<u32>,
    /// What it was promoted to.
    pub promoted_to: Option<Promotion>,
}

/// Another's note still private (the board is in private writing): that it exists, and
/// where; the same as the `PrivateNoteAdded` placeholder a subscriber gets.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PrivateNoteView {
    /// Its id.
    pub note_id: Uuid,
    /// Its zone.
    pub zone: Zone,
}

/// A board as the viewer may see it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct BoardView {
    /// Its id.
    pub board_id: Uuid,
    /// Title.
    pub title: String,
    /// Layout.
    pub template: BoardTemplate,
    /// Facilitator.
    pub facilitator: String,
    /// Phase.
    pub phase: BoardPhase,
    /// Whether authors are hidden now.
    pub anonymous: bool,
    /// Whether locked.
    pub locked: bool,
    /// Timer end.
    pub timer_ends_at: Option<chrono::DateTime<chrono::Utc>>,
    /// Dots per participant.
    pub vote_budget: u32,
    /// Most dots one participant may place on one note in this vote (absent: no cap).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note_cap: Option<u32>,
    /// Dots the viewer has left.
    pub my_votes_left: u32,
    /// Notes others wrote that are still private (writing phase): the viewer learns only
    /// how many.
    pub hidden_notes: usize,
    /// The same notes as placeholders: which zone each is in, no text, no author.
    #[serde(default)]
    pub private_notes: Vec<PrivateNoteView>,
    /// The notes the viewer may see.
    pub notes: Vec<NoteView>,
    /// Groups: id, label, notes.
    pub groups: Vec<(Uuid, String, Vec<Uuid>)>,
}

/// The board as `viewer` sees it, by the rules of [`crate::visibility`] (the same for every
/// role, the facilitator included).
///
/// A note's author is shown as the viewer's own actor on their own notes (whether the log
/// names them or their sealed name), as recorded on others' notes where the rules allow, and
/// a sealed name never.
pub fn board_view(board_id: Uuid, board: &Board, viewer: &OnBoard<'_>) -> BoardView {
    let tallies = visibility::tallies_shown(board);
    let mut private_notes = Vec::new();
    let notes = board
        .notes
        .iter()
        .filter(|(note_id, note)| {
            let shown = visibility::note_shown(viewer, board, note);
            if !shown {
                private_notes.push(PrivateNoteView {
                    note_id: **note_id,
                    zone: note.zone.clone(),
                });
            }
            shown
        })
        .map(|(note_id, note)| NoteView {
            note_id: *note_id,
            text: note.text.clone(),
            author: if viewer.is(&note.author) {
                Some(viewer.actor.to_owned())
            } else {
                (visibility::author_shown(viewer, board, note) && !is_sealed(&note.author))
                    .then(|| note.author.clone())
            },
            zone: note.zone.clone(),
            x: note.x,
            y: note.y,
            colour: note.colour.clone(),
            group_id: note.group_id,
            my_votes: note.votes_by(viewer),
            votes: tallies.then(|| note.vote_count()),
            promoted_to: note.promoted_to,
        })
        .collect();
    BoardView {
        board_id,
        title: board.title.clone(),
        template: board.template,
        facilitator: board.facilitator.clone(),
        phase: board.phase,
        anonymous: board.anonymous,
        locked: board.locked,
        timer_ends_at: board.timer_ends_at,
        vote_budget: board.vote_budget,
        note_cap: board.note_cap,
        my_votes_left: board.vote_budget.saturating_sub(board.votes_by(viewer)),
        hidden_notes: private_notes.len(),
        private_notes,
        notes,
        groups: board
            .groups
            .iter()
            .map(|(id, group)| (*id, group.label.clone(), group.note_ids.clone()))
            .collect(),
    }
}
