//! The method of the guide as code: commands, events, the state they fold into, and the
//! rules that decide one from the other. Pure: no I/O, no clock, no store.
//!
//! Shared by every area:
//! - [`vocabulary`]: the guide's words as types (goals, rooms, levels, phases, ...).
//! - [`commands`]: what users ask ([`Command`]), every area's commands in one enum so the
//!   protocol has one command type.
//! - [`events`]: what happened ([`DomainEvent`]), as stored in the log, likewise one enum.
//! - [`area`]: which [`Area`] each command and event belongs to: the one routing list.
//! - [`state`]: a workspace's state folded from its events ([`WorkspaceState`]);
//!   [`WorkspaceState::apply`] hands each event to its area's fold. The areas' entities are
//!   re-exported here, so `domain::state::Board` names a board wherever it is defined.
//! - [`decide()`]: the rules' entry point (a command and the state in, events or a
//!   [`DomainError`] out), handing each command to its area's rules; beside it the checks
//!   every area shares (text fields, ids, lookups).
//! - [`describe()`]: an event in words for the timeline, likewise by area.
//!
//! The areas, each owning its commands' rules (`decide.rs`), its events' fold (`apply.rs`),
//! the entities that fold builds (`state.rs`, but for `workspace`), its words for the
//! timeline (`describe.rs`) and its given/when/then tests (`tests`):
//! - `workspace`: creating the workspace;
//! - `network`: focus areas, staff and competences, organisations, contact holders and
//!   contact persons, relation levels;
//! - `partnerships`: proposal, phases, screening, the agreement, resources, evaluations,
//!   communication, readiness, the end;
//! - `assets`: the assets list;
//! - `boards`: workshop boards, notes, dots and promotion.
//!
//! Adding a command: its variant in [`commands`] (and its event in [`events`]), its area in
//! [`area`], its arm in the area's `decide`, `apply` and `describe`, and its tests in the
//! area's `tests`.
//!
//! Each workspace is one stream of the log (its id is the stream id), so every command is
//! decided against the whole workspace and its events are appended atomically.

pub mod area;
mod assets;
mod boards;
pub mod commands;
pub mod decide;
pub mod describe;
pub(crate) mod entity_ids;
pub mod error;
pub mod events;
pub mod moment;
mod network;
mod partnerships;
pub mod state;
pub mod vocabulary;
mod workspace;

pub use self::area::Area;
pub use self::commands::{Command, PromoteTo};
pub use self::decide::{decide, Request};
pub use self::describe::describe;
pub use self::error::DomainError;
pub use self::events::DomainEvent;
pub use self::network::import;
pub use self::state::{EventContext, WorkspaceState};

#[cfg(test)]
pub(crate) mod testing; // the projections' tests build states with its fixtures too
