//! The workspace itself: creating it once, with a name and a description. Every other area
//! needs a created workspace; [`decide`](super::decide()) checks that before it hands a command
//! on.
//!
//! The area in the shape of every area of the domain:
//! - `decide`: the rules of its commands, events or a refusal;
//! - `apply`: how its events fold into the [`WorkspaceState`](super::WorkspaceState);
//! - `describe`: its events in words for the timeline;
//! - `tests`: its given/when/then tests.

mod apply;
mod decide;
mod describe;
#[cfg(test)]
mod tests;

pub(crate) use self::apply::apply;
pub(crate) use self::decide::decide;
pub(crate) use self::describe::{describe, say, EVENT_NAMES};
