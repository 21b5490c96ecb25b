//! What a reader may see of a workshop board: the one place that rule lives. Every read path
//! asks here (the board view, "as of" reports, timelines, websocket frames live and caught
//! up); none judges a board's secrecy itself.
//!
//! Three promises, for every reader alike (owner, editor, viewer, auditor, guest, and the
//! facilitator too: no role and no facilitation lifts them, and there is no facilitator
//! "peek"):
//! - **Private writing**: while a board is in its writing phase, a note (its adding and its
//!   edits) is seen only by its author; everyone else learns that a note exists, on which
//!   board and in which zone, never its text or author, until the board moves on.
//! - **Anonymity**: of a note written in a phase marked anonymous, and of anything done to a
//!   note (moved, grouped, promoted, voted on) in such a phase, nobody but the person who
//!   did it learns who did it: not during the board, not afterwards.
//! - **Hidden tallies**: while a vote is open, each voter sees only their own dots; once it
//!   closes, tallies are shown, and of an anonymous vote only without the voters.
//!
//! An event is judged by the board's phase and anonymity **at the event's position**, read
//! from [`Board::phases`]: the list of the board's phases with the log position where each
//! began, folded from the events like the rest of the state (so replaying the log, an "as
//! of" state and the live state give the same answer, and no path depends on the board's
//! phase *now*). Only whether a secret has since been lifted (the writing phase or the vote
//! ended) is judged at the reader's `moment`: the live head for the live paths, the asked
//! position for "as of". A state from before the list existed (no phases recorded) is judged
//! by its current phase.
//!
//! Who the reader is on each board is a [`Reader`]: their actor and, on boards whose anonymous
//! acts are sealed ([`crate::sealing`]), the names those acts carry in the log, so that the
//! reader's own sealed notes and dots are recognised as theirs and nobody else's are.
//! [`seals`] says which acts are sealed: exactly those whose actor this module hides from
//! everyone else for good, so the log itself keeps no more than any reader may see.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use serde_json::Value;
use uuid::Uuid;

use crate::domain::state::{is_sealed, Board, Note, OnBoard, PhaseSince, SealedNames};
use crate::domain::vocabulary::BoardPhase;
use crate::domain::DomainEvent;
use crate::store::RecordedEvent;

/// The type of the placeholder event frame that stands for another's private note.
pub const PRIVATE_NOTE_ADDED: &str = "PrivateNoteAdded";

/// Who reads: their actor, and their sealed names on the boards that have keys.
#[derive(Clone, Debug, Default)]
pub struct Reader {
    actor: String,
    /// Per board looked up: their names there, `None` when the board has no key.
    sealed: HashMap<Uuid, Option<SealedNames>>,
}

impl Reader {
    /// `actor`, with their sealed names per board (see [`crate::sealing::reader`]).
    pub fn new(actor: &str, sealed: HashMap<Uuid, Option<SealedNames>>) -> Self {
        Reader {
            actor: actor.to_owned(),
            sealed,
        }
    }

    /// `actor`, known by no sealed name: on a board with sealed acts, none of them is theirs.
    pub fn unsealed(actor: &str) -> Self {
        Reader::new(actor, HashMap::new())
    }

    /// Their actor.
    pub fn actor(&self) -> &str {
        &self.actor
    }

    /// Whether `board_id`'s key was looked up for them (found or not).
    pub fn knows(&self, board_id: Uuid) -> bool {
        self.sealed.contains_key(&board_id)
    }

    /// Whether their sealed names on `board_id` are known (its key was found).
    pub fn has_names_on(&self, board_id: Uuid) -> bool {
        self.sealed.get(&board_id).is_some_and(Option::is_some)
    }

    /// Their sealed names on a board, or that it has no key.
    pub fn learn(&mut self, board_id: Uuid, names: Option<SealedNames>) {
        self.sealed.insert(board_id, names);
    }

    /// The reader on `board_id`.
    pub fn on(&self, board_id: Uuid) -> OnBoard<'_> {
        OnBoard {
            actor: &self.actor,
            sealed: self.sealed.get(&board_id).and_then(Option::as_ref),
        }
    }
}

/// What a reader gets of one event.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Seen {
    /// The event as recorded.
    Whole,
    /// The event without who did it (the actor, and any author or voter it names).
    WithoutActor,
    /// The reader's own act, which the log keeps under a sealed name: the event with the
    /// reader's actor in place of that name (only its owner is ever told so).
    Own,
    /// A placeholder: that a note exists, its board and zone; no text, no author.
    Placeholder,
    /// Nothing.
    Nothing,
}

/// The board events' kinds, as far as secrecy cares.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum BoardEventKind {
    /// The handling of the board that is known to all: its facilitation (created, phase,
    /// lock, timer) and promoting a note, the library's decision after the discussion.
    Facilitation,
    /// A note added.
    NoteAdded,
    /// A note's text edited.
    NoteEdited,
    /// A note moved, or notes grouped.
    NoteHandled,
    /// A dot placed or taken back.
    Vote,
}

impl BoardEventKind {
    /// The kind of an event by its type name, `None` for events not about a board.
    pub fn of(event_type: &str) -> Option<BoardEventKind> {
        Some(match event_type {
            "BoardCreated" | "BoardPhaseChanged" | "VotingRulesSet" | "FacilitationHanded"
            | "BoardLocked" | "BoardUnlocked" | "BoardTimerStarted" | "BoardTimerStopped"
            | "NotePromoted" => BoardEventKind::Facilitation,
            "NoteAdded" => BoardEventKind::NoteAdded,
            "NoteEdited" => BoardEventKind::NoteEdited,
            "NoteMoved" | "NotesGrouped" => BoardEventKind::NoteHandled,
            "VoteCast" | "VoteRetracted" => BoardEventKind::Vote,
            _ => return None,
        })
    }
}

/// One board event as secrecy needs it: what kind, by whom, where in the log, on which
/// board and note.
#[derive(Clone, Copy, Debug)]
pub struct BoardEvent<'a> {
    /// Its kind.
    pub kind: BoardEventKind,
    /// Who did it.
    pub actor: &'a str,
    /// Its log position.
    pub position: u64,
    /// The board.
    pub board_id: Uuid,
    /// The note it is about, if one.
    pub note_id: Option<Uuid>,
}

impl<'a> BoardEvent<'a> {
    /// A domain event as a board event, `None` when it is not about a board.
    pub fn of_domain(event: &DomainEvent, actor: &'a str, position: u64) -> Option<Self> {
        let (board_id, note_id) = match event {
            DomainEvent::BoardCreated { board_id, .. }
            | DomainEvent::BoardPhaseChanged { board_id, .. }
            | DomainEvent::VotingRulesSet { board_id, .. }
            | DomainEvent::FacilitationHanded { board_id, .. }
            | DomainEvent::BoardLocked { board_id }
            | DomainEvent::BoardUnlocked { board_id }
            | DomainEvent::BoardTimerStarted { board_id, .. }
            | DomainEvent::BoardTimerStopped { board_id }
            | DomainEvent::NotesGrouped { board_id, .. } => (*board_id, None),
            DomainEvent::NoteAdded {
                board_id, note_id, ..
            }
            | DomainEvent::NoteEdited {
                board_id, note_id, ..
            }
            | DomainEvent::NoteMoved {
                board_id, note_id, ..
            }
            | DomainEvent::VoteCast { board_id, note_id }
            | DomainEvent::VoteRetracted { board_id, note_id }
            | DomainEvent::NotePromoted {
                board_id, note_id, ..
            } => (*board_id, Some(*note_id)),
            _ => return None,
        };
        Some(BoardEvent {
            kind: BoardEventKind::of(event.event_type())?,
            actor,
            position,
            board_id,
            note_id,
        })
    }

    /// A recorded event (type name and payload) as a board event, `None` when it is not
    /// about a board.
    pub fn of_recorded(
        event_type: &str,
        payload: &Value,
        actor: &'a str,
        position: u64,
    ) -> Option<Self> {
        let field = |name: &str| {
            payload
                .get(name)
                .and_then(Value::as_str)
                .and_then(|text| text.parse::<Uuid>().ok())
        };
        Some(BoardEvent {
            kind: BoardEventKind::of(event_type)?,
            actor,
            position,
            board_id: field("board_id")?,
            note_id: field("note_id"),
        })
    }
}

/// The phase a board was in at `position` (the last one begun at or before it).
fn phase_index(board: &Board, position: u64) -> Option<usize> {
    board
        .phases
        .iter()
        .rposition(|phase| phase.position <= position)
}

/// The phase at `position`, or the board's current one when no phases are recorded.
fn phase_at(board: &Board, position: u64) -> PhaseSince {
    phase_index(board, position)
        .and_then(|index| board.phases.get(index).copied())
        .unwrap_or(PhaseSince {
            position: 0,
            phase: board.phase,
            anonymous: board.anonymous,
        })
}

/// Whether the phase at `position` is still the phase at `moment` (no change in between).
fn same_phase(board: &Board, position: u64, moment: u64) -> bool {
    phase_index(board, position) == phase_index(board, moment)
}

/// Whether a note's author stays hidden from others for good: it was written in an
/// anonymous phase.
fn written_anonymously(board: &Board, note: &Note) -> bool {
    phase_at(board, note.added_at).anonymous
}

/// What `reader` sees of `event` on `board` (the board as the reader's state holds it, its
/// phase list reaching at least the event), at `moment` (the latest position the reader's
/// view includes). See the module's documentation for the rules.
pub fn event_seen(
    reader: &OnBoard<'_>,
    board: &Board,
    event: &BoardEvent<'_>,
    moment: u64,
) -> Seen {
    if reader.is(event.actor) {
        // Their own act; a sealed name is shown on no read path: to its owner, the act is
        // shown as theirs.
        return if is_sealed(event.actor) {
            Seen::Own
        } else {
            Seen::Whole
        };
    }
    let then = phase_at(board, event.position);
    let still_then = same_phase(board, event.position, moment);
    let note = event.note_id.and_then(|note_id| board.notes.get(&note_id));
    // A private note is private from everyone but its author, whoever changed it (the
    // facilitator may edit it).
    let readers_own_note = note.is_some_and(|note| reader.is(&note.author));
    let private_writing = then.phase == BoardPhase::Writing && still_then && !readers_own_note;
    let anonymous_note = note.is_some_and(|note| written_anonymously(board, note));
    let anonymous = then.anonymous || anonymous_note;
    match event.kind {
        BoardEventKind::Facilitation => Seen::Whole,
        BoardEventKind::NoteAdded if private_writing => Seen::Placeholder,
        // The placeholder of the note's adding already told that it exists.
        BoardEventKind::NoteEdited if private_writing => Seen::Nothing,
        BoardEventKind::NoteAdded | BoardEventKind::NoteEdited | BoardEventKind::NoteHandled
            if anonymous || private_writing =>
        {
            Seen::WithoutActor
        }
        BoardEventKind::NoteAdded | BoardEventKind::NoteEdited | BoardEventKind::NoteHandled => {
            Seen::Whole
        }
        BoardEventKind::Vote if then.phase == BoardPhase::Voting && still_then => Seen::Nothing,
        BoardEventKind::Vote if anonymous => Seen::WithoutActor,
        BoardEventKind::Vote => Seen::Whole,
    }
}

/// What `reader` sees of `event`, finding its board in `boards` (a state at `moment`): as
/// [`event_seen`]; of a board the state does not hold, only the facilitation.
pub fn seen_on(
    reader: &Reader,
    boards: &BTreeMap<Uuid, Arc<Board>>,
    event: &BoardEvent<'_>,
    moment: u64,
) -> Seen {
    match boards.get(&event.board_id) {
        Some(board) => event_seen(&reader.on(event.board_id), board, event, moment),
        None if event.kind == BoardEventKind::Facilitation => Seen::Whole,
        None => Seen::Nothing,
    }
}

/// What `reader` sees of a recorded event of the workspace whose boards are `boards` (a state
/// that includes the event), at `moment`: [`seen_on`] for a board event, the whole event for
/// any other.
pub fn seen_recorded(
    reader: &Reader,
    boards: &BTreeMap<Uuid, Arc<Board>>,
    event: &RecordedEvent,
    moment: u64,
) -> Seen {
    match BoardEvent::of_recorded(
        &event.event_type,
        &event.payload,
        &event.metadata.actor,
        event.position,
    ) {
        Some(board_event) => seen_on(reader, boards, &board_event, moment),
        None => Seen::Whole,
    }
}

/// Whether `reader` sees `note` on `board` in the board's current phase: others' notes are
/// hidden while the board is in private writing.
pub fn note_shown(reader: &OnBoard<'_>, board: &Board, note: &Note) -> bool {
    board.phase != BoardPhase::Writing || reader.is(&note.author)
}

/// Whether `reader` sees who wrote `note`: their own always; others' only when the note was
/// not written in an anonymous phase and the board's current phase is not anonymous.
pub fn author_shown(reader: &OnBoard<'_>, board: &Board, note: &Note) -> bool {
    reader.is(&note.author) || !(board.anonymous || written_anonymously(board, note))
}

/// Whether others are shown what someone on `board` points at (their presence's selection
/// and cursor): not while the board's phase is anonymous or private writing, where pointing
/// at a note could tell whose it is. That someone is on the board is always shown.
pub fn pointers_shown(board: &Board) -> bool {
    !board.anonymous && board.phase != BoardPhase::Writing
}

/// Whether an act of `kind` on `board` now, about `note`, is sealed in the log (its actor
/// recorded as a [`SealedNames`] name): when this module hides its actor from everyone else
/// for good, that is when the board's phase is anonymous, or the act handles a note written
/// in an anonymous phase (a dot only in an anonymous vote). The facilitation is never
/// sealed: the facilitator is known to all.
pub fn seals(board: &Board, kind: BoardEventKind, note: Option<&Note>) -> bool {
    match kind {
        BoardEventKind::Facilitation => false,
        BoardEventKind::Vote => board.anonymous,
        BoardEventKind::NoteAdded | BoardEventKind::NoteEdited | BoardEventKind::NoteHandled => {
            board.anonymous || note.is_some_and(|note| written_anonymously(board, note))
        }
    }
}

/// Whether the board's vote tallies (totals per note) are shown: once the vote has closed.
/// Per-voter ballots are never shown to anyone but each voter, of any vote.
pub fn tallies_shown(board: &Board) -> bool {
    matches!(board.phase, BoardPhase::Discussion | BoardPhase::Closed)
}

/// The placeholder payload for another's private note: its board, id and zone.
pub fn placeholder_payload(payload: &Value) -> Value {
    let mut placeholder = serde_json::Map::new();
    for field in ["board_id", "note_id", "zone"] {
        if let Some(value) = payload.get(field) {
            placeholder.insert(field.to_owned(), value.clone());
        }
    }
    Value::Object(placeholder)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::vocabulary::{BoardTemplate, Zone};

    const BOARD: Uuid = Uuid::from_u128(1);
    const NOTE: Uuid = Uuid::from_u128(2);

    /// A board written privately and anonymously from 1, revealed at 10, voted anonymously
    /// from 20, discussed from 30; one note by "ann" added at 5.
    fn board(phase_count: usize) -> Board {
        let phases = [
            (1, BoardPhase::Writing, true),
            (10, BoardPhase::Reveal, false),
            (20, BoardPhase::Voting, true),
            (30, BoardPhase::Discussion, false),
        ]
        .into_iter()
        .take(phase_count)
        .map(|(position, phase, anonymous)| PhaseSince {
            position,
            phase,
            anonymous,
        })
        .collect::<Vec<_>>();
        let last = phases.last().copied().unwrap_or(PhaseSince {
            position: 0,
            phase: BoardPhase::Writing,
            anonymous: true,
        });
        let note = Note {
            text: "theatre".into(),
            author: "ann".into(),
            zone: Zone::default(),
            x: 0,
            y: 0,
            colour: "yellow".into(),
            votes: BTreeMap::new(),
            group_id: None,
            promoted_to: None,
            added_at: 5,
        };
        Board {
            title: "map".into(),
            template: BoardTemplate::Free,
            facilitator: "fay".into(),
            vote_budget: 3,
            note_cap: None,
            phase: last.phase,
            anonymous: last.anonymous,
            locked: false,
            timer_ends_at: None,
            notes: BTreeMap::from([(NOTE, Arc::new(note))]),
            groups: BTreeMap::new(),
            phases,
        }
    }

    fn event(kind: BoardEventKind, actor: &str, position: u64) -> BoardEvent<'_> {
        BoardEvent {
            kind,
            actor,
            position,
            board_id: BOARD,
            note_id: Some(NOTE),
        }
    }

    #[test]
    fn a_private_note_is_a_placeholder_for_everyone_else_until_the_reveal() {
        let added = event(BoardEventKind::NoteAdded, "ann", 5);
        for reader in ["fay", "owner", "auditor", "bob"] {
            assert_eq!(
                event_seen(&OnBoard::actor(reader), &board(1), &added, 5),
                Seen::Placeholder
            );
            let edited = event(BoardEventKind::NoteEdited, "ann", 6);
            assert_eq!(
                event_seen(&OnBoard::actor(reader), &board(1), &edited, 6),
                Seen::Nothing
            );
        }
        assert_eq!(
            event_seen(&OnBoard::actor("ann"), &board(1), &added, 5),
            Seen::Whole
        );
        // The facilitator's edit of ann's private note reaches ann, not naming the editor
        // in the anonymous phase; nobody else learns of it.
        let facilitators_edit = event(BoardEventKind::NoteEdited, "fay", 7);
        assert_eq!(
            event_seen(&OnBoard::actor("ann"), &board(1), &facilitators_edit, 7),
            Seen::WithoutActor
        );
        assert_eq!(
            event_seen(&OnBoard::actor("bob"), &board(1), &facilitators_edit, 7),
            Seen::Nothing
        );
        // Revealed since: the text, never the author (written anonymously).
        assert_eq!(
            event_seen(&OnBoard::actor("bob"), &board(2), &added, 10),
            Seen::WithoutActor
        );
        // Judged by the phase then, not now: "as of" before the reveal still hides it.
        assert_eq!(
            event_seen(&OnBoard::actor("bob"), &board(4), &added, 9),
            Seen::Placeholder
        );
    }

    #[test]
    fn an_anonymous_authors_edits_later_do_not_name_them() {
        let edited = event(BoardEventKind::NoteEdited, "ann", 12);
        assert_eq!(
            event_seen(&OnBoard::actor("bob"), &board(2), &edited, 12),
            Seen::WithoutActor
        );
        let moved = event(BoardEventKind::NoteHandled, "ann", 12);
        assert_eq!(
            event_seen(&OnBoard::actor("fay"), &board(2), &moved, 12),
            Seen::WithoutActor
        );
    }

    #[test]
    fn votes_are_hidden_while_open_and_anonymous_afterwards() {
        let vote = event(BoardEventKind::Vote, "bob", 21);
        for reader in ["fay", "owner", "ann"] {
            assert_eq!(
                event_seen(&OnBoard::actor(reader), &board(3), &vote, 25),
                Seen::Nothing
            );
            assert_eq!(
                event_seen(&OnBoard::actor(reader), &board(4), &vote, 30),
                Seen::WithoutActor
            );
            // "As of" a moment while the vote was open: still hidden.
            assert_eq!(
                event_seen(&OnBoard::actor(reader), &board(4), &vote, 29),
                Seen::Nothing
            );
        }
        assert_eq!(
            event_seen(&OnBoard::actor("bob"), &board(3), &vote, 25),
            Seen::Whole
        );
    }

    #[test]
    fn a_sealed_name_is_its_owners_and_nobody_elses() {
        let names = SealedNames {
            as_author: "sealed:aa".into(),
            as_voter: "sealed:bb".into(),
        };
        let mut writing = board(1);
        if let Some(note) = writing.notes.get_mut(&NOTE) {
            Arc::make_mut(note).author = names.as_author.clone();
        }
        let Some(note) = writing.notes.get(&NOTE).cloned() else {
            panic!("the test board has its note")
        };
        let ann = OnBoard {
            actor: "ann",
            sealed: Some(&names),
        };
        assert!(note_shown(&ann, &writing, &note));
        assert!(author_shown(&ann, &writing, &note));
        assert!(!note_shown(&OnBoard::actor("ann"), &writing, &note));
        let added = event(BoardEventKind::NoteAdded, "sealed:aa", 5);
        assert_eq!(event_seen(&ann, &writing, &added, 5), Seen::Own);
        assert_eq!(
            event_seen(&OnBoard::actor("bob"), &writing, &added, 5),
            Seen::Placeholder
        );
    }

    #[test]
    fn exactly_the_acts_hidden_for_good_are_sealed() {
        let Some(note) = board(1).notes.get(&NOTE).cloned() else {
            panic!("the test board has its note")
        };
        // Writing anonymously: notes sealed; the facilitation never.
        assert!(seals(&board(1), BoardEventKind::NoteAdded, None));
        assert!(!seals(&board(1), BoardEventKind::Facilitation, None));
        // Revealed (not anonymous): a note written anonymously stays sealed when edited or
        // moved; a new note is not.
        assert!(seals(&board(2), BoardEventKind::NoteEdited, Some(&note)));
        assert!(seals(&board(2), BoardEventKind::NoteHandled, Some(&note)));
        assert!(!seals(&board(2), BoardEventKind::NoteAdded, None));
        // Dots: sealed in an anonymous vote only.
        assert!(seals(&board(3), BoardEventKind::Vote, Some(&note)));
        assert!(!seals(&board(4), BoardEventKind::Vote, Some(&note)));
    }

    #[test]
    fn facilitation_is_seen_by_all() {
        let phase = event(BoardEventKind::Facilitation, "fay", 10);
        assert_eq!(
            event_seen(&OnBoard::actor("bob"), &board(2), &phase, 10),
            Seen::Whole
        );
    }

    #[test]
    fn the_view_hides_private_notes_anonymous_authors_and_open_tallies() {
        let writing = board(1);
        let note = writing.notes.get(&NOTE).cloned();
        let Some(note) = note else {
            panic!("the test board has its note")
        };
        assert!(!note_shown(&OnBoard::actor("fay"), &writing, &note));
        assert!(note_shown(&OnBoard::actor("ann"), &writing, &note));
        assert!(note_shown(&OnBoard::actor("fay"), &board(2), &note));
        // Written anonymously: hidden even in the non-anonymous reveal and after the vote.
        assert!(!author_shown(&OnBoard::actor("owner"), &board(2), &note));
        assert!(!author_shown(&OnBoard::actor("owner"), &board(4), &note));
        assert!(author_shown(&OnBoard::actor("ann"), &board(4), &note));
        assert!(!tallies_shown(&board(3)));
        assert!(tallies_shown(&board(4)));
    }
}
