//! The method of the guide as code: commands, events, the state they fold into, and the
//! rules that decide one from the other. Pure: no I/O, no clock, no store.
//!
//! - [`vocabulary`]: the guide's words as types (goals, rooms, levels, phases, ...).
//! - [`commands`]: what users ask ([`Command`]).
//! - [`events`]: what happened ([`DomainEvent`]), as stored in the log.
//! - [`state`]: a workspace's state folded from its events ([`WorkspaceState`]).
//! - [`decide()`]: the rules; a command and the state in, events or a [`DomainError`] out.
//!
//! Each workspace is one stream of the log (its id is the stream id), so every command is
//! decided against the whole workspace and its events are appended atomically.

pub mod commands;
pub mod decide;
pub(crate) mod entity_ids;
pub mod error;
pub mod events;
pub mod state;
pub mod vocabulary;

pub use self::commands::{Command, PromoteTo};
pub use self::decide::{decide, Request};
pub use self::error::DomainError;
pub use self::events::DomainEvent;
pub use self::state::{EventContext, WorkspaceState};

#[cfg(test)]
mod decide_tests;
