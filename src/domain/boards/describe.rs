//! The events of workshop boards in words for the timeline: what each sentence needs,
//! recorded with names as they were just before the event, and the sentence in Danish or
//! English. Every board event's first word is the board's title, so that the placeholder
//! of another's private note ([`PRIVATE_NOTE_ADDED`]) can be said from any of them without
//! the note's words.

use crate::domain::describe::{board_title, other_area, EventName, Sentence, Words};
use crate::domain::events::{DomainEvent, Promotion};
use crate::domain::state::WorkspaceState;
use crate::domain::vocabulary::{BoardPhase, BoardTemplate};
use crate::visibility::PRIVATE_NOTE_ADDED;

/// The area's event types in words: the type, Danish, English (and the placeholder that
/// stands for another's private note).
pub(crate) const EVENT_NAMES: &[EventName] = &[
    (
        "BoardCreated",
        "Workshoptavle oprettet",
        "Workshop board created",
    ),
    (
        "BoardPhaseChanged",
        "Tavlen skiftede fase",
        "Board phase changed",
    ),
    ("BoardLocked", "Tavlen låst", "Board locked"),
    ("BoardUnlocked", "Tavlen låst op", "Board unlocked"),
    ("BoardTimerStarted", "Nedtælling startet", "Timer started"),
    ("BoardTimerStopped", "Nedtælling stoppet", "Timer stopped"),
    (
        "VotingRulesSet",
        "Regler for afstemningen",
        "Voting rules set",
    ),
    (
        "FacilitationHanded",
        "Workshopledelsen givet videre",
        "Facilitation handed on",
    ),
    ("NoteAdded", "Seddel tilføjet", "Note added"),
    ("NoteEdited", "Seddel ændret", "Note edited"),
    ("NoteMoved", "Seddel flyttet", "Note moved"),
    ("NotesGrouped", "Sedler grupperet", "Notes grouped"),
    ("VoteCast", "Stemme afgivet", "Vote cast"),
    ("VoteRetracted", "Stemme trukket tilbage", "Vote retracted"),
    (
        "NotePromoted",
        "Seddel gjort til organisation eller partnerskab",
        "Note promoted",
    ),
    (
        PRIVATE_NOTE_ADDED,
        "Privat seddel tilføjet",
        "Private note added",
    ),
];

/// The variants of `NotePromoted`'s sentence: what the note became.
const TO_ORGANISATION: u8 = 0;
const TO_PARTNERSHIP: u8 = 1;

/// What one of the area's events' sentence needs, with names as they were just before it.
/// The top-level [`describe`](crate::domain::describe()) hands only the area's events here
/// (by [`DomainEvent::area`]).
pub(crate) fn describe(before: &WorkspaceState, event: &DomainEvent) -> Sentence {
    let on = |variant: u8, board_id| Sentence::build(variant).name(board_title(before, board_id));
    match event {
        DomainEvent::BoardCreated {
            title, template, ..
        } => Sentence::build(0).text(title).vocabulary(*template).done(),
        DomainEvent::BoardPhaseChanged {
            board_id,
            to,
            anonymous,
            ..
        } => on(u8::from(*anonymous), board_id).vocabulary(*to).done(),
        DomainEvent::VotingRulesSet {
            board_id,
            vote_budget,
            note_cap,
        } => {
            let sentence = on(0, board_id).shown(vote_budget);
            match note_cap {
                Some(cap) => sentence.shown(cap),
                None => sentence.text(""),
            }
            .done()
        }
        DomainEvent::FacilitationHanded { board_id, to, .. } => on(0, board_id).text(to).done(),
        DomainEvent::BoardLocked { board_id }
        | DomainEvent::BoardUnlocked { board_id }
        | DomainEvent::BoardTimerStopped { board_id }
        | DomainEvent::NoteMoved { board_id, .. }
        | DomainEvent::VoteCast { board_id, .. }
        | DomainEvent::VoteRetracted { board_id, .. } => on(0, board_id).done(),
        DomainEvent::BoardTimerStarted {
            board_id, seconds, ..
        } => on(0, board_id).shown(seconds).done(),
        DomainEvent::NoteAdded { board_id, text, .. }
        | DomainEvent::NoteEdited { board_id, text, .. } => on(0, board_id).text(text).done(),
        DomainEvent::NotesGrouped {
            board_id,
            label,
            note_ids,
            ..
        } => on(0, board_id).text(label).shown(note_ids.len()).done(),
        DomainEvent::NotePromoted {
            board_id,
            to,
            priority,
            ..
        } => {
            let variant = match to {
                Promotion::Organisation(_) => TO_ORGANISATION,
                Promotion::Partnership(_) => TO_PARTNERSHIP,
            };
            on(variant, board_id).shown(priority).done()
        }
        _ => other_area(),
    }
}

/// The sentence of one of the area's event types (`None` for another area's).
pub(crate) fn say(event_type: &str, variant: u8, words: &Words, actor: &str) -> Option<String> {
    let board = words.title(0);
    Some(match event_type {
        "BoardCreated" => {
            let (title, template) = (words.text(0), words.vocabulary::<BoardTemplate>(1));
            words.pick(
                || format!("{actor} created the workshop board \"{title}\" ({template})"),
                || format!("{actor} oprettede workshoptavlen \"{title}\" ({template})"),
            )
        }
        "BoardPhaseChanged" => {
            let to = words.vocabulary::<BoardPhase>(1);
            let anonymous = if variant == 1 {
                words.pick(|| " (anonymous)", || " (anonymt)")
            } else {
                ""
            };
            words.pick(
                || format!("{actor} moved {board} to \"{to}\"{anonymous}"),
                || format!("{actor} flyttede {board} til \"{to}\"{anonymous}"),
            )
        }
        "VotingRulesSet" => {
            let (budget, cap) = (words.text(1), words.text(2));
            let cap = match cap.is_empty() {
                true => String::new(),
                false => words.pick(
                    || format!(", at most {cap} on one note"),
                    || format!(", højst {cap} på én seddel"),
                ),
            };
            words.pick(
                || format!("{actor} opened the vote on {board} with {budget} dots each{cap}"),
                || {
                    format!(
                        "{actor} åbnede afstemningen på {board} med {budget} prikker til hver{cap}"
                    )
                },
            )
        }
        "FacilitationHanded" => {
            let to = words.text(1);
            words.pick(
                || format!("{actor} handed the facilitation of {board} to {to}"),
                || format!("{actor} gav workshopledelsen af {board} videre til {to}"),
            )
        }
        "BoardLocked" => words.pick(
            || format!("{actor} locked {board}"),
            || format!("{actor} låste {board}"),
        ),
        "BoardUnlocked" => words.pick(
            || format!("{actor} unlocked {board}"),
            || format!("{actor} låste {board} op"),
        ),
        "BoardTimerStarted" => {
            let seconds = words.text(1);
            words.pick(
                || format!("{actor} started a {seconds}-second timer on {board}"),
                || format!("{actor} startede en nedtælling på {seconds} sekunder på {board}"),
            )
        }
        "BoardTimerStopped" => words.pick(
            || format!("{actor} stopped the timer on {board}"),
            || format!("{actor} stoppede nedtællingen på {board}"),
        ),
        "NoteAdded" => {
            let text = words.text(1);
            words.pick(
                || format!("{actor} added the note \"{text}\" to {board}"),
                || format!("{actor} satte sedlen \"{text}\" på {board}"),
            )
        }
        "NoteEdited" => {
            let text = words.text(1);
            words.pick(
                || format!("{actor} edited a note on {board} to \"{text}\""),
                || format!("{actor} ændrede en seddel på {board} til \"{text}\""),
            )
        }
        "NoteMoved" => words.pick(
            || format!("{actor} moved a note on {board}"),
            || format!("{actor} flyttede en seddel på {board}"),
        ),
        "NotesGrouped" => {
            let (label, count) = (words.text(1), words.text(2));
            words.pick(
                || format!("{actor} grouped {count} notes as \"{label}\" on {board}"),
                || format!("{actor} samlede {count} sedler som \"{label}\" på {board}"),
            )
        }
        "VoteCast" => words.pick(
            || format!("{actor} placed a dot on {board}"),
            || format!("{actor} satte en prik på {board}"),
        ),
        "VoteRetracted" => words.pick(
            || format!("{actor} took back a dot on {board}"),
            || format!("{actor} tog en prik tilbage på {board}"),
        ),
        "NotePromoted" => {
            let priority = words.text(1);
            let what = match variant {
                TO_ORGANISATION => words.pick(|| "an organisation", || "en organisation"),
                _ => words.pick(|| "a partnership idea", || "en idé til et partnerskab"),
            };
            words.pick(
                || format!("{actor} promoted a note on {board} to {what} with priority {priority}"),
                || {
                    format!(
                        "{actor} gjorde en seddel på {board} til {what} med prioritet {priority}"
                    )
                },
            )
        }
        PRIVATE_NOTE_ADDED => words.pick(
            || format!("{actor} added a private note to {board}"),
            || format!("{actor} satte en privat seddel på {board}"),
        ),
        _ => return None,
    })
}
