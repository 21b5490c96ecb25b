//! The events of workshop boards in words for the timeline, with names as they were just
//! before each event.

use crate::domain::describe::{board_title, other_area};
use crate::domain::events::{DomainEvent, Promotion};
use crate::domain::state::WorkspaceState;

/// One of the area's events as a sentence, with names as they were just before it. The
/// top-level [`describe`](crate::domain::describe()) hands only the area's events here (by
/// [`DomainEvent::area`]).
pub(crate) fn describe(before: &WorkspaceState, event: &DomainEvent, actor: &str) -> String {
    match event {
        DomainEvent::BoardCreated {
            title, template, ..
        } => {
            format!("{actor} created the workshop board \"{title}\" ({template})")
        }
        DomainEvent::BoardPhaseChanged {
            board_id,
            to,
            anonymous,
            ..
        } => format!(
            "{actor} moved {} to \"{to}\"{}",
            board_title(before, board_id),
            if *anonymous { " (anonymous)" } else { "" }
        ),
        DomainEvent::VotingRulesSet {
            board_id,
            vote_budget,
            note_cap,
        } => format!(
            "{actor} opened the vote on {} with {vote_budget} dots each{}",
            board_title(before, board_id),
            note_cap
                .map(|cap| format!(", at most {cap} on one note"))
                .unwrap_or_default()
        ),
        DomainEvent::FacilitationHanded { board_id, to, .. } => format!(
            "{actor} handed the facilitation of {} to {to}",
            board_title(before, board_id)
        ),
        DomainEvent::BoardLocked { board_id } => {
            format!("{actor} locked {}", board_title(before, board_id))
        }
        DomainEvent::BoardUnlocked { board_id } => {
            format!("{actor} unlocked {}", board_title(before, board_id))
        }
        DomainEvent::BoardTimerStarted {
            board_id, seconds, ..
        } => format!(
            "{actor} started a {seconds}-second timer on {}",
            board_title(before, board_id)
        ),
        DomainEvent::BoardTimerStopped { board_id } => {
            format!(
                "{actor} stopped the timer on {}",
                board_title(before, board_id)
            )
        }
        DomainEvent::NoteAdded { board_id, text, .. } => {
            format!(
                "{actor} added the note \"{text}\" to {}",
                board_title(before, board_id)
            )
        }
        DomainEvent::NoteEdited { board_id, text, .. } => {
            format!(
                "{actor} edited a note on {} to \"{text}\"",
                board_title(before, board_id)
            )
        }
        DomainEvent::NoteMoved { board_id, .. } => {
            format!("{actor} moved a note on {}", board_title(before, board_id))
        }
        DomainEvent::NotesGrouped {
            board_id,
            label,
            note_ids,
            ..
        } => format!(
            "{actor} grouped {} notes as \"{label}\" on {}",
            note_ids.len(),
            board_title(before, board_id)
        ),
        DomainEvent::VoteCast { board_id, .. } => {
            format!("{actor} placed a dot on {}", board_title(before, board_id))
        }
        DomainEvent::VoteRetracted { board_id, .. } => {
            format!(
                "{actor} took back a dot on {}",
                board_title(before, board_id)
            )
        }
        DomainEvent::NotePromoted {
            board_id,
            to,
            priority,
            ..
        } => {
            let what = match to {
                Promotion::Organisation(_) => "an organisation",
                Promotion::Partnership(_) => "a partnership idea",
            };
            format!(
                "{actor} promoted a note on {} to {what} with priority {priority}",
                board_title(before, board_id)
            )
        }
        _ => other_area(event, actor),
    }
}
