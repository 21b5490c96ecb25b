//! Workshop boards: creating a board from a template, its facilitation (phases, lock, timer),
//! the notes on it and their groups, dot votes within each participant's budget, and promoting
//! a note to an organisation or a partnership idea.
//!
//! The area in the shape of every area of the domain:
//! - `decide`: the rules of its commands, events or a refusal;
//! - `apply`: how its events fold into the [`WorkspaceState`](super::WorkspaceState);
//! - `describe`: its events in words for the timeline;
//! - `state`: its entities as the workspace's state holds them (re-exported from
//!   [`state`](super::state), which keeps the workspace itself);
//! - `tests`: its given/when/then tests.

mod apply;
mod decide;
mod describe;
pub(crate) mod state;
#[cfg(test)]
mod tests;

pub(crate) use self::apply::apply;
pub(crate) use self::decide::decide;
pub(crate) use self::describe::{describe, say, EVENT_NAMES};
