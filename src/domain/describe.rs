//! The timeline's words: [`describe`] turns one event into a sentence a colleague would use
//! ("anna@roskilde moved Roskilde Festival from collaboration to partnership: festival area
//! agreed"), by handing it to its area's words (see [`Area`]); and the ways of naming things
//! in a sentence that every area's words share.
//!
//! The words live in the domain beside each area's events, not in the timeline projection
//! that records them: they read only the state as it was just before the event, so a new
//! event brings its sentence in the same area as its rules and its fold.

use std::fmt;

use uuid::Uuid;

use super::area::Area;
use super::events::DomainEvent;
use super::state::WorkspaceState;
use super::vocabulary::Level;
use super::{assets, boards, network, partnerships, workspace};

/// One event as a sentence, with names as they were just before it.
pub fn describe(before: &WorkspaceState, event: &DomainEvent, actor: &str) -> String {
    match event.area() {
        Area::Workspace => workspace::describe(event, actor),
        Area::Network => network::describe(before, event, actor),
        Area::Partnerships => partnerships::describe(before, event, actor),
        Area::Assets => assets::describe(before, event, actor),
        Area::Boards => boards::describe(before, event, actor),
    }
}

/// The sentence for an event of another area: [`describe`] routes by [`DomainEvent::area`],
/// so an area only says this if its words and [`DomainEvent::area`] disagree about an event.
pub(crate) fn other_area(event: &DomainEvent, actor: &str) -> String {
    format!("{actor} recorded {}", event.event_type())
}

/// A name in a sentence, written straight into it (no copy of the name first).
pub(crate) enum Name<'state> {
    /// As the state has it.
    Plain(&'state str),
    /// As the state has it, in quotes (titles).
    Quoted(&'state str),
    /// Not (or no longer) in the state: its kind and id.
    Unknown(&'static str, &'state Uuid),
}

impl fmt::Display for Name<'_> {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Name::Plain(name) => formatter.write_str(name),
            Name::Quoted(title) => write!(formatter, "\"{title}\""),
            Name::Unknown(kind, id) => write!(formatter, "{kind} {id}"),
        }
    }
}

pub(crate) fn organisation_name<'state>(
    state: &'state WorkspaceState,
    id: &'state Uuid,
) -> Name<'state> {
    state
        .organisations
        .get(id)
        .map_or(Name::Unknown("organisation", id), |organisation| {
            Name::Plain(&organisation.name)
        })
}

pub(crate) fn partnership_title<'state>(
    state: &'state WorkspaceState,
    id: &'state Uuid,
) -> Name<'state> {
    state
        .partnerships
        .get(id)
        .map_or(Name::Unknown("partnership", id), |partnership| {
            Name::Quoted(&partnership.title)
        })
}

pub(crate) fn staff_name<'state>(state: &'state WorkspaceState, id: &'state Uuid) -> Name<'state> {
    state
        .staff
        .get(id)
        .map_or(Name::Unknown("staff member", id), |member| {
            Name::Plain(&member.name)
        })
}

pub(crate) fn board_title<'state>(state: &'state WorkspaceState, id: &'state Uuid) -> Name<'state> {
    state
        .boards
        .get(id)
        .map_or(Name::Unknown("board", id), |board| {
            Name::Quoted(&board.title)
        })
}

pub(crate) fn level_name(level: &Option<Level>) -> String {
    match level {
        Some(level) => level.label().to_owned(),
        None => "no relation".to_owned(),
    }
}

pub(crate) fn with_reason(mut sentence: String, reason: &str) -> String {
    if !reason.is_empty() {
        sentence.reserve(2 + reason.len());
        sentence.push_str(": ");
        sentence.push_str(reason);
    }
    sentence
}
