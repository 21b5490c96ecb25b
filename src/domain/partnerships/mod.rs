//! Partnerships through the twelve phases of the method: proposal and update, moving between
//! phases (and what each phase needs first), the screening with the fourteen questions, the
//! agreement and its amendments, the resources each party commits, evaluations, the
//! communication plan and what was sent, the readiness checklist, and the end of a partnership.
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
