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
//!
//! The story happens in time: each command is written under the day it happens
//! (`Script::on`), from January 2023 into 2026, and is sent with that time
//! ([`Workspaces::execute_as_of`]), both workspaces' commands merged by day.

mod aarhus;
mod roskilde;

use chrono::{DateTime, Duration, NaiveDate, Utc};
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

/// One demo workspace's history: who sends which command on which day, in the order they
/// are written (by area, each area in its own order).
#[derive(Debug)]
struct Script {
    steps: Vec<Step>,
    /// The day the next commands are sent on.
    day: NaiveDate,
}

/// A command of a script, the day it is sent on and who sends it.
#[derive(Debug)]
struct Step {
    on: NaiveDate,
    actor: &'static str,
    command: Command,
}

impl Default for Script {
    fn default() -> Self {
        Script {
            steps: Vec::new(),
            day: date(2023, 1, 9),
        }
    }
}

impl Script {
    /// The commands sent next are sent on this day.
    fn on(&mut self, year: i32, month: u32, day: u32) {
        self.day = date(year, month, day);
    }

    /// `actor` sends `command` next, on the script's current day.
    fn send(&mut self, actor: &'static str, command: Command) {
        self.steps.push(Step {
            on: self.day,
            actor,
            command,
        });
    }
}

/// A demo command ready to send: its workspace, command id and time.
struct Scheduled<'a> {
    workspace_id: Uuid,
    command_id: Uuid,
    at: DateTime<Utc>,
    step: &'a Step,
}

/// Both scripts' commands in the order they happened: by day (a stable sort, so commands of
/// one day keep the order they are written in, Roskilde's before Aarhus's), from 09:00 UTC on
/// that day two minutes apart. A command's id comes from its place in its own script, not from
/// this order.
fn schedule<'a>(scripts: &'a [(Uuid, &str, Script)]) -> Vec<Scheduled<'a>> {
    let mut all: Vec<(Uuid, Uuid, &Step)> = Vec::new();
    for (workspace_id, prefix, script) in scripts {
        for (index, step) in script.steps.iter().enumerate() {
            let command_id = demo_id(&format!("command:{prefix}:{}", index + 1));
            all.push((*workspace_id, command_id, step));
        }
    }
    all.sort_by_key(|(_, _, step)| step.on);
    let mut scheduled: Vec<Scheduled<'a>> = Vec::with_capacity(all.len());
    let mut same_day = 0;
    for (workspace_id, command_id, step) in all {
        same_day = match scheduled.last() {
            Some(previous) if previous.step.on == step.on => same_day + 1,
            _ => 0,
        };
        let morning = step.on.and_hms_opt(9, 0, 0).unwrap_or_default().and_utc();
        scheduled.push(Scheduled {
            workspace_id,
            command_id,
            at: morning + Duration::minutes(2 * same_day),
            step,
        });
    }
    scheduled
}

/// Loads both demo workspaces (or finds them loaded already).
///
/// Each command carries the day of the story it belongs to (2023 onwards, as an import of
/// earlier work would), so replaying the demo "as of" a date shows the network as it was then.
/// The log never goes back in time: loaded after later events, the demo's are recorded at the
/// last event's time.
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
    for scheduled in schedule(&scripts) {
        let outcome = workspaces
            .execute_as_of(
                scheduled.workspace_id,
                &scheduled.step.command,
                scheduled.step.actor,
                scheduled.command_id,
                scheduled.at,
            )
            .await?;
        summary.commands += 1;
        if outcome.deduplicated {
            summary.already_loaded += 1;
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
