//! The rules of workshop boards: each of its commands, decided against the workspace's state.

use chrono::Duration;
use uuid::Uuid;

use crate::domain::area::Area;
use crate::domain::commands::{Command, PromoteTo};
use crate::domain::decide::{
    absent, invalid, misrouted, optional, required, Request, NAME_LIMIT, NOTE_LIMIT,
};
use crate::domain::error::DomainError;
use crate::domain::events::{DomainEvent, Promotion};
use crate::domain::state::{is_sealed, Board, Note, WorkspaceState};
use crate::domain::vocabulary::{BoardPhase, Zone};

/// Dots per participant when the board does not say (Parabol's default). Boards created
/// before it was 5 keep the budget their `BoardCreated` recorded.
const DEFAULT_VOTE_BUDGET: u32 = 5;
/// The range of dots a participant may be given.
const VOTE_BUDGETS: std::ops::RangeInclusive<u32> = 1..=50;
/// Default note colour.
const DEFAULT_COLOUR: &str = "#ffd54f";

/// Decides one of the area's commands against the workspace's state. The top-level
/// [`decide`](crate::domain::decide()) hands only the area's commands here (by
/// [`Command::area`]).
///
/// # Errors
/// The [`DomainError`] naming the rule the command breaks; a command of another area is
/// refused as [`misrouted`].
pub(crate) fn decide(
    state: &WorkspaceState,
    command: &Command,
    request: &Request<'_>,
) -> Result<Vec<DomainEvent>, DomainError> {
    match command {
        Command::CreateBoard {
            board_id,
            title,
            template,
            vote_budget,
        } => {
            absent(state.boards.contains_key(board_id), "board", *board_id)?;
            let vote_budget = budget_field(vote_budget.unwrap_or(DEFAULT_VOTE_BUDGET))?;
            Ok(vec![DomainEvent::BoardCreated {
                board_id: *board_id,
                title: required("title", title, NAME_LIMIT)?,
                template: *template,
                vote_budget,
            }])
        }
        Command::AdvanceBoardPhase {
            board_id,
            to,
            anonymous,
            vote_budget,
            note_cap,
        } => {
            let board = facilitated_board(state, *board_id, request)?;
            // One phase forward, or skipping the vote (Parabol's facilitator may).
            let skips_vote = board.phase == BoardPhase::Grouping && *to == BoardPhase::Discussion;
            if board.phase.next() != Some(*to) && !skips_vote {
                return Err(DomainError::IllegalBoardPhaseJump {
                    from: board.phase,
                    to: *to,
                });
            }
            let anonymous =
                anonymous.unwrap_or(matches!(to, BoardPhase::Writing | BoardPhase::Voting));
            let mut events = vec![DomainEvent::BoardPhaseChanged {
                board_id: *board_id,
                from: board.phase,
                to: *to,
                anonymous,
            }];
            if vote_budget.is_some() || note_cap.is_some() {
                if *to != BoardPhase::Voting {
                    return Err(invalid(
                        "vote_budget",
                        "dots and a cap per note are chosen when the vote opens",
                    ));
                }
                let vote_budget = budget_field(vote_budget.unwrap_or(board.vote_budget))?;
                if note_cap.is_some_and(|cap| !(1..=vote_budget).contains(&cap)) {
                    return Err(invalid(
                        "note_cap",
                        format!("a cap per note is 1 to the {vote_budget} dots of the vote"),
                    ));
                }
                events.push(DomainEvent::VotingRulesSet {
                    board_id: *board_id,
                    vote_budget,
                    note_cap: *note_cap,
                });
            }
            Ok(events)
        }
        Command::HandFacilitation { board_id, to } => {
            let board = board(state, *board_id)?;
            if board.facilitator != request.actor && !request.owner {
                return Err(DomainError::NotFacilitatorNorOwner {
                    facilitator: board.facilitator.clone(),
                });
            }
            if board.phase == BoardPhase::Closed {
                return Err(DomainError::WrongBoardPhase {
                    action: "hand on the facilitation",
                    phase: board.phase,
                });
            }
            let to = required("to", to, NAME_LIMIT)?;
            if is_sealed(&to) || to.starts_with("guest:") || to.starts_with("token:") {
                return Err(invalid(
                    "to",
                    "hand the facilitation to a member of the workspace, by their account name",
                ));
            }
            if to == board.facilitator {
                return Err(DomainError::NothingChanged {
                    what: format!("{to} facilitates the board already"),
                });
            }
            Ok(vec![DomainEvent::FacilitationHanded {
                board_id: *board_id,
                from: board.facilitator.clone(),
                to,
            }])
        }
        Command::LockBoard { board_id } => {
            let board = facilitated_board(state, *board_id, request)?;
            if board.locked {
                return Err(DomainError::NothingChanged {
                    what: "the board is locked already".into(),
                });
            }
            Ok(vec![DomainEvent::BoardLocked {
                board_id: *board_id,
            }])
        }
        Command::UnlockBoard { board_id } => {
            let board = facilitated_board(state, *board_id, request)?;
            if !board.locked {
                return Err(DomainError::NothingChanged {
                    what: "the board is not locked".into(),
                });
            }
            Ok(vec![DomainEvent::BoardUnlocked {
                board_id: *board_id,
            }])
        }
        Command::StartBoardTimer { board_id, seconds } => {
            facilitated_board(state, *board_id, request)?;
            if !(1..=4 * 3600).contains(seconds) {
                return Err(invalid("seconds", "a timer runs 1 second to 4 hours"));
            }
            Ok(vec![DomainEvent::BoardTimerStarted {
                board_id: *board_id,
                seconds: *seconds,
                ends_at: request.now + Duration::seconds(i64::from(*seconds)),
            }])
        }
        Command::StopBoardTimer { board_id } => {
            let board = facilitated_board(state, *board_id, request)?;
            if board.timer_ends_at.is_none() {
                return Err(DomainError::NothingChanged {
                    what: "no timer is running".into(),
                });
            }
            Ok(vec![DomainEvent::BoardTimerStopped {
                board_id: *board_id,
            }])
        }
        Command::AddNote {
            board_id,
            note_id,
            text,
            zone,
            x,
            y,
            colour,
        } => {
            let board = open_board(state, *board_id)?;
            // A closed board is refused by `open_board` already.
            if board.phase == BoardPhase::Voting {
                return Err(DomainError::WrongBoardPhase {
                    action: "add notes",
                    phase: board.phase,
                });
            }
            absent(board.notes.contains_key(note_id), "note", *note_id)?;
            zone.check_against(board.template)
                .map_err(|reason| invalid("zone", reason))?;
            zone_label(zone)?;
            Ok(vec![DomainEvent::NoteAdded {
                board_id: *board_id,
                note_id: *note_id,
                text: required("text", text, NOTE_LIMIT)?,
                zone: zone.clone(),
                x: *x,
                y: *y,
                colour: colour_field(colour)?,
            }])
        }
        Command::EditNote {
            board_id,
            note_id,
            text,
        } => {
            let board = open_board(state, *board_id)?;
            let note = note(board, *note_id)?;
            if !request.on_board().is(&note.author) && board.facilitator != request.actor {
                return Err(DomainError::NotAuthor);
            }
            Ok(vec![DomainEvent::NoteEdited {
                board_id: *board_id,
                note_id: *note_id,
                text: required("text", text, NOTE_LIMIT)?,
            }])
        }
        Command::MoveNote {
            board_id,
            note_id,
            zone,
            x,
            y,
        } => {
            let board = open_board(state, *board_id)?;
            note(board, *note_id)?;
            zone.check_against(board.template)
                .map_err(|reason| invalid("zone", reason))?;
            zone_label(zone)?;
            Ok(vec![DomainEvent::NoteMoved {
                board_id: *board_id,
                note_id: *note_id,
                zone: zone.clone(),
                x: *x,
                y: *y,
            }])
        }
        Command::GroupNotes {
            board_id,
            group_id,
            label,
            note_ids,
        } => {
            let board = open_board(state, *board_id)?;
            if !matches!(board.phase, BoardPhase::Grouping | BoardPhase::Discussion) {
                return Err(DomainError::WrongBoardPhase {
                    action: "group notes",
                    phase: board.phase,
                });
            }
            absent(board.groups.contains_key(group_id), "group", *group_id)?;
            if note_ids.is_empty() {
                return Err(invalid("note_ids", "a group holds at least one note"));
            }
            for note_id in note_ids {
                note(board, *note_id)?;
            }
            Ok(vec![DomainEvent::NotesGrouped {
                board_id: *board_id,
                group_id: *group_id,
                label: required("label", label, NAME_LIMIT)?,
                note_ids: note_ids.clone(),
            }])
        }
        Command::CastVote { board_id, note_id } => {
            let board = voting_board(state, *board_id)?;
            let note = note(board, *note_id)?;
            let voter = request.on_board();
            if board.votes_by(&voter) >= board.vote_budget {
                return Err(DomainError::VoteBudgetSpent {
                    budget: board.vote_budget,
                });
            }
            if let Some(cap) = board.note_cap {
                if note.votes_by(&voter) >= cap {
                    return Err(DomainError::NoteCapReached { cap });
                }
            }
            Ok(vec![DomainEvent::VoteCast {
                board_id: *board_id,
                note_id: *note_id,
            }])
        }
        Command::RetractVote { board_id, note_id } => {
            let board = voting_board(state, *board_id)?;
            let note = note(board, *note_id)?;
            if note.votes_by(&request.on_board()) == 0 {
                return Err(DomainError::NothingChanged {
                    what: "you have no dot on this note".into(),
                });
            }
            Ok(vec![DomainEvent::VoteRetracted {
                board_id: *board_id,
                note_id: *note_id,
            }])
        }
        Command::PromoteNote {
            board_id,
            note_id,
            to,
        } => promote(state, *board_id, *note_id, to),
        _ => Err(misrouted(Area::Boards)),
    }
}

fn promote(
    state: &WorkspaceState,
    board_id: Uuid,
    note_id: Uuid,
    to: &PromoteTo,
) -> Result<Vec<DomainEvent>, DomainError> {
    let board = board(state, board_id)?;
    let note = note(board, note_id)?;
    if !matches!(board.phase, BoardPhase::Discussion | BoardPhase::Closed) {
        return Err(DomainError::WrongBoardPhase {
            action: "promote notes (discuss the results first)",
            phase: board.phase,
        });
    }
    if note.promoted_to.is_some() {
        return Err(DomainError::AlreadyPromoted { note_id });
    }
    let tags = note.zone.tags();
    let priority = note.vote_count();
    let zone = &note.zone;
    let mut events = Vec::new();
    let promotion = match to {
        PromoteTo::Organisation {
            organisation_id,
            name,
            sector,
            kind,
        } => {
            absent(
                state.organisations.contains_key(organisation_id),
                "organisation",
                *organisation_id,
            )?;
            let name = required("name", name.as_deref().unwrap_or(&note.text), NAME_LIMIT)?;
            events.push(DomainEvent::OrganisationRegistered {
                organisation_id: *organisation_id,
                name,
                sector: *sector,
                kind: optional("kind", kind, NAME_LIMIT)?,
                tags: tags.clone(),
                topics: Vec::new(),
                website: None,
                age_groups: zone.age_group.into_iter().collect(),
                rooms: zone.room.into_iter().collect(),
            });
            if let Some(level) = zone.level {
                events.push(DomainEvent::RelationLevelChanged {
                    organisation_id: *organisation_id,
                    from: None,
                    to: Some(level),
                    reason: format!("mapped on the workshop board \"{}\"", board.title),
                    occurred_on: None,
                });
            }
            Promotion::Organisation(*organisation_id)
        }
        PromoteTo::PartnershipIdea {
            partnership_id,
            title,
        } => {
            absent(
                state.partnerships.contains_key(partnership_id),
                "partnership",
                *partnership_id,
            )?;
            events.push(DomainEvent::PartnershipProposed {
                partnership_id: *partnership_id,
                title: required("title", title.as_deref().unwrap_or(&note.text), NAME_LIMIT)?,
                partner_ids: Vec::new(),
                purpose: note.text.clone(),
                form: crate::domain::vocabulary::PartnershipForm::Frame,
                goals: zone.goal.into_iter().collect(),
                rooms: zone.room.into_iter().collect(),
                age_groups: zone.age_group.into_iter().collect(),
                owner_id: None,
                priority,
                tags: tags.clone(),
            });
            Promotion::Partnership(*partnership_id)
        }
    };
    events.push(DomainEvent::NotePromoted {
        board_id,
        note_id,
        to: promotion,
        tags,
        priority,
    });
    Ok(events)
}

fn budget_field(vote_budget: u32) -> Result<u32, DomainError> {
    if VOTE_BUDGETS.contains(&vote_budget) {
        Ok(vote_budget)
    } else {
        Err(invalid("vote_budget", "give each participant 1 to 50 dots"))
    }
}

/// A free zone's label passes the rules of a name's text (its length, no control
/// characters); it is kept as written.
fn zone_label(zone: &Zone) -> Result<(), DomainError> {
    match &zone.label {
        Some(label) => optional("zone", label, NAME_LIMIT).map(|_| ()),
        None => Ok(()),
    }
}

fn colour_field(colour: &Option<String>) -> Result<String, DomainError> {
    match colour {
        None => Ok(DEFAULT_COLOUR.to_owned()),
        Some(colour) => {
            let valid = colour.len() == 7
                && colour.starts_with('#')
                && colour.chars().skip(1).all(|c| c.is_ascii_hexdigit());
            if valid {
                Ok(colour.to_ascii_lowercase())
            } else {
                Err(invalid("colour", "must look like #ffd54f"))
            }
        }
    }
}

fn board(state: &WorkspaceState, id: Uuid) -> Result<&Board, DomainError> {
    state
        .boards
        .get(&id)
        .map(|board| &**board)
        .ok_or(DomainError::Unknown { kind: "board", id })
}

/// A board that accepts changes to its notes: unlocked and not closed.
fn open_board(state: &WorkspaceState, id: Uuid) -> Result<&Board, DomainError> {
    let board = board(state, id)?;
    if board.locked {
        return Err(DomainError::BoardLocked { board_id: id });
    }
    if board.phase == BoardPhase::Closed {
        return Err(DomainError::WrongBoardPhase {
            action: "change notes",
            phase: board.phase,
        });
    }
    Ok(board)
}

fn voting_board(state: &WorkspaceState, id: Uuid) -> Result<&Board, DomainError> {
    let board = open_board(state, id)?;
    if board.phase != BoardPhase::Voting {
        return Err(DomainError::WrongBoardPhase {
            action: "vote",
            phase: board.phase,
        });
    }
    Ok(board)
}

fn facilitated_board<'a>(
    state: &'a WorkspaceState,
    id: Uuid,
    request: &Request<'_>,
) -> Result<&'a Board, DomainError> {
    let board = board(state, id)?;
    if board.facilitator != request.actor {
        return Err(DomainError::NotFacilitator {
            facilitator: board.facilitator.clone(),
        });
    }
    Ok(board)
}

fn note(board: &Board, id: Uuid) -> Result<&Note, DomainError> {
    board
        .notes
        .get(&id)
        .map(|note| &**note)
        .ok_or(DomainError::Unknown { kind: "note", id })
}
