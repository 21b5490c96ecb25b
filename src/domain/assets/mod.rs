//! The assets list: what the library brings to partnerships (rooms, collections, competences,
//! reach), added, rewritten and removed, each with the colleague to ask; and the share links
//! that open the list to potential partners on a public page ("Vi kan – Vil du?"), made and
//! closed by owners.
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
