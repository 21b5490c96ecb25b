//! The network: the library's strategic focus areas on the library model, its staff and their
//! competences (and the competences it would like to have), the organisations of the network
//! database, who holds the contact with each (contact holders), the contact persons there
//! (whose personal data is sealed and can be erased), and each relation's level on the network
//! circle.
//!
//! The area in the shape of every area of the domain:
//! - `decide`: the rules of its commands, events or a refusal;
//! - `apply`: how its events fold into the [`WorkspaceState`](super::WorkspaceState);
//! - `describe`: its events in words for the timeline;
//! - `import`: importing organisations from a spreadsheet in one command, and its preview;
//! - `state`: its entities as the workspace's state holds them (re-exported from
//!   [`state`](super::state), which keeps the workspace itself);
//! - `tests`: its given/when/then tests.

mod apply;
mod decide;
mod describe;
pub mod import;
pub(crate) mod state;
#[cfg(test)]
mod tests;

pub(crate) use self::apply::apply;
pub(crate) use self::decide::decide;
pub(crate) use self::describe::{describe, say, EVENT_NAMES};
