//! The demo workspaces, built from the guide's own examples through the same commands as real
//! use, so their history (who moved which partner when, and why) replays like any other.
//!
//! Roskilde Bibliotekerne: the four focus areas on the library model, five colleagues, the
//! Roskilde partners of the guide with their levels over time, a screened partnership with
//! the festival (an amended agreement, a communication plan, two evaluations, a ticked
//! readiness checklist), a partnership in the agreement phase, an ended one, the assets list
//! and a mapping workshop board with notes, votes and a promoted note. Aarhus Hovedbibliotek:
//! the Aarhus partners, "Vi kan – Vil du?" and an age-group mapping board.
//!
//! ## Layout
//!
//! Each workspace's history is data: a `Script` of who sends which command, in order,
//! written by area in `roskilde/` (network, partnerships, assets, workshop) and in `aarhus`.
//! [`load_demo`] sends each script's commands through [`Workspaces::execute`], nothing else.
//!
//! Every id and command id is derived from a name ([`demo_id`]; a command's from its
//! workspace and its place in the script), so loading the demo twice appends nothing the
//! second time: every command is recognised as a retry. Reordering a script changes the
//! command ids, so a store that holds the demo already would get it a second time.

mod aarhus;
mod roskilde;

use chrono::NaiveDate;
use uuid::Uuid;

use crate::domain::events::ScreeningAnswer;
use crate::domain::vocabulary::Answer;
use crate::domain::Command;
use crate::service::{CommandError, Workspaces};

/// The namespace of every demo id.
const DEMO_NAMESPACE: Uuid = Uuid::from_u128(0x7061_7274_6e65_7268_7562_2d64_656d_6f21);

/// A stable id for a demo entity or command, derived from its name.
pub fn demo_id(name: &str) -> Uuid {
    Uuid::new_v5(&DEMO_NAMESPACE, name.as_bytes())
}

/// The Roskilde demo workspace's id.
pub fn roskilde_workspace_id() -> Uuid {
    demo_id("workspace:roskilde")
}

/// The Aarhus demo workspace's id.
pub fn aarhus_workspace_id() -> Uuid {
    demo_id("workspace:aarhus")
}

/// What loading the demo did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoSummary {
    /// Commands run.
    pub commands: usize,
    /// Commands that had run before (the demo was loaded already).
    pub already_loaded: usize,
    /// The workspaces, id and name.
    pub workspaces: Vec<(Uuid, String)>,
}

/// One demo workspace's history: who sends which command, in the order they are sent.
#[derive(Debug, Default)]
struct Script {
    steps: Vec<(&'static str, Command)>,
}

impl Script {
    /// `actor` sends `command` next.
    fn send(&mut self, actor: &'static str, command: Command) {
        self.steps.push((actor, command));
    }
}

/// Loads both demo workspaces (or finds them loaded already).
///
/// # Errors
/// The first command that fails.
pub async fn load_demo(workspaces: &Workspaces) -> Result<DemoSummary, CommandError> {
    let mut summary = DemoSummary {
        commands: 0,
        already_loaded: 0,
        workspaces: vec![
            (roskilde_workspace_id(), "Roskilde Bibliotekerne".into()),
            (aarhus_workspace_id(), "Aarhus Hovedbibliotek".into()),
        ],
    };
    let scripts = [
        (roskilde_workspace_id(), "roskilde", roskilde::script()),
        (aarhus_workspace_id(), "aarhus", aarhus::script()),
    ];
    for (workspace_id, prefix, script) in scripts {
        for (index, (actor, command)) in script.steps.iter().enumerate() {
            let command_id = demo_id(&format!("command:{prefix}:{}", index + 1));
            let outcome = workspaces
                .execute(workspace_id, command, actor, command_id)
                .await?;
            summary.commands += 1;
            if outcome.deduplicated {
                summary.already_loaded += 1;
            }
        }
    }
    Ok(summary)
}

/// A day of the demo's history.
fn date(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).unwrap_or_default()
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|item| (*item).to_owned()).collect()
}

/// A screening's fourteen answers, in question order, with `note` on the first.
fn all_answers(pattern: [Answer; 14], note: &str) -> Vec<ScreeningAnswer> {
    pattern
        .iter()
        .enumerate()
        .map(|(index, answer)| ScreeningAnswer {
            question: index as u8 + 1,
            answer: *answer,
            note: if index == 0 {
                note.to_owned()
            } else {
                String::new()
            },
        })
        .collect()
}
