//! How the events of workshop boards fold into the workspace's state: pure and total, like
//! [`WorkspaceState::apply`](crate::domain::WorkspaceState::apply) that calls it.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use uuid::Uuid;

use crate::domain::events::{DomainEvent, Promotion};
use crate::domain::state::{
    entity_mut, Board, EventContext, Note, NoteGroup, PhaseSince, WorkspaceState,
};
use crate::domain::vocabulary::BoardPhase;

/// Folds one of the area's events into the state. [`WorkspaceState::apply`] hands only the
/// area's events here (by [`DomainEvent::area`]); any other changes nothing.
pub(crate) fn apply(state: &mut WorkspaceState, event: &DomainEvent, context: &EventContext) {
    match event {
        DomainEvent::BoardCreated {
            board_id,
            title,
            template,
            vote_budget,
        } => {
            state.boards.insert(
                *board_id,
                Arc::new(Board {
                    title: title.clone(),
                    template: *template,
                    facilitator: context.actor.clone(),
                    vote_budget: *vote_budget,
                    note_cap: None,
                    phase: BoardPhase::Writing,
                    anonymous: true,
                    locked: false,
                    timer_ends_at: None,
                    notes: BTreeMap::new(),
                    groups: BTreeMap::new(),
                    phases: vec![PhaseSince {
                        position: context.position,
                        phase: BoardPhase::Writing,
                        anonymous: true,
                    }],
                }),
            );
        }
        DomainEvent::BoardPhaseChanged {
            board_id,
            to,
            anonymous,
            ..
        } => {
            if let Some(board) = entity_mut(&mut state.boards, board_id) {
                board.phase = *to;
                board.anonymous = *anonymous;
                board.phases.push(PhaseSince {
                    position: context.position,
                    phase: *to,
                    anonymous: *anonymous,
                });
            }
        }
        DomainEvent::VotingRulesSet {
            board_id,
            vote_budget,
            note_cap,
        } => {
            if let Some(board) = entity_mut(&mut state.boards, board_id) {
                board.vote_budget = *vote_budget;
                board.note_cap = *note_cap;
            }
        }
        DomainEvent::FacilitationHanded { board_id, to, .. } => {
            if let Some(board) = entity_mut(&mut state.boards, board_id) {
                board.facilitator = to.clone();
            }
        }
        DomainEvent::BoardLocked { board_id } => {
            if let Some(board) = entity_mut(&mut state.boards, board_id) {
                board.locked = true;
            }
        }
        DomainEvent::BoardUnlocked { board_id } => {
            if let Some(board) = entity_mut(&mut state.boards, board_id) {
                board.locked = false;
            }
        }
        DomainEvent::BoardTimerStarted {
            board_id, ends_at, ..
        } => {
            if let Some(board) = entity_mut(&mut state.boards, board_id) {
                board.timer_ends_at = Some(*ends_at);
            }
        }
        DomainEvent::BoardTimerStopped { board_id } => {
            if let Some(board) = entity_mut(&mut state.boards, board_id) {
                board.timer_ends_at = None;
            }
        }
        DomainEvent::NoteAdded {
            board_id,
            note_id,
            text,
            zone,
            x,
            y,
            colour,
        } => {
            if let Some(board) = entity_mut(&mut state.boards, board_id) {
                board.notes.insert(
                    *note_id,
                    Arc::new(Note {
                        text: text.clone(),
                        author: context.actor.clone(),
                        zone: zone.clone(),
                        x: *x,
                        y: *y,
                        colour: colour.clone(),
                        votes: BTreeMap::new(),
                        group_id: None,
                        promoted_to: None,
                        added_at: context.position,
                    }),
                );
            }
        }
        DomainEvent::NoteEdited {
            board_id,
            note_id,
            text,
        } => {
            if let Some(note) = note_mut(state, board_id, note_id) {
                note.text = text.clone();
            }
        }
        DomainEvent::NoteMoved {
            board_id,
            note_id,
            zone,
            x,
            y,
        } => {
            if let Some(note) = note_mut(state, board_id, note_id) {
                note.zone = zone.clone();
                note.x = *x;
                note.y = *y;
            }
        }
        DomainEvent::NotesGrouped {
            board_id,
            group_id,
            label,
            note_ids,
        } => {
            if let Some(board) = entity_mut(&mut state.boards, board_id) {
                let members: BTreeSet<Uuid> = note_ids.iter().copied().collect();
                for group in board.groups.values_mut() {
                    if group.note_ids.iter().any(|id| members.contains(id)) {
                        Arc::make_mut(group)
                            .note_ids
                            .retain(|id| !members.contains(id));
                    }
                }
                board.groups.insert(
                    *group_id,
                    Arc::new(NoteGroup {
                        label: label.clone(),
                        note_ids: note_ids.clone(),
                    }),
                );
                for note_id in note_ids {
                    if let Some(note) = entity_mut(&mut board.notes, note_id) {
                        note.group_id = Some(*group_id);
                    }
                }
            }
        }
        DomainEvent::VoteCast { board_id, note_id } => {
            if let Some(note) = note_mut(state, board_id, note_id) {
                *note.votes.entry(context.actor.clone()).or_insert(0) += 1;
            }
        }
        DomainEvent::VoteRetracted { board_id, note_id } => {
            if let Some(note) = note_mut(state, board_id, note_id) {
                if let Some(count) = note.votes.get_mut(&context.actor) {
                    *count = count.saturating_sub(1);
                    if *count == 0 {
                        note.votes.remove(&context.actor);
                    }
                }
            }
        }
        DomainEvent::NotePromoted {
            board_id,
            note_id,
            to,
            priority,
            ..
        } => {
            if let Some(note) = note_mut(state, board_id, note_id) {
                note.promoted_to = Some(*to);
            }
            if let Promotion::Organisation(organisation_id) = to {
                if let Some(organisation) = entity_mut(&mut state.organisations, organisation_id) {
                    organisation.priority = *priority;
                }
            }
        }
        _ => {}
    }
}

/// The note `note_id` on board `board_id`, ready to change (both copied first if a snapshot
/// still shares them).
fn note_mut<'state>(
    state: &'state mut WorkspaceState,
    board_id: &Uuid,
    note_id: &Uuid,
) -> Option<&'state mut Note> {
    let board = entity_mut(&mut state.boards, board_id)?;
    entity_mut(&mut board.notes, note_id)
}
