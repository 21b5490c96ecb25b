//! Executing commands: decide against the current state, append to the workspace's stream,
//! wait until the projections show the result.
//!
//! [`Workspaces`] is the one way anything changes a workspace: the HTTP API, the websocket
//! hub, the demo loader and the tests all call [`Workspaces::execute`]. Commands of one
//! workspace are serialized in this process (a per-workspace lock), and the append carries
//! the stream version the decision was made against, so a command decided on stale state
//! (another process appended first) is a version conflict, retried on fresh state. A
//! command id seen before returns its first outcome, so clients retry safely, but only to
//! the actor who ran it, in the workspace it ran in ([`CommandError::CommandIdTaken`]
//! otherwise, which says nothing of the first outcome). Whether a retry carries *the same
//! command* is not checked: the log keeps the events a command became, not the command, and
//! comparing would need the command's hash in the stored metadata (a format change); a
//! retry by the same actor in the same workspace with another command under the same id gets
//! the first outcome and runs nothing.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::domain::events::PersonalField;
use crate::domain::state::{OnBoard, SealedNames};
use crate::domain::vocabulary::BoardPhase;
use crate::domain::{decide, Command, DomainError, DomainEvent, Request};
use crate::privacy::KeyStore;
use crate::projection::Projections;
use crate::sealing::{self, BoardAct};
use crate::store::{
    envelope, AppendRequest, CommandContext, EventStore, ExpectedVersion, Position, StoreError,
};
use crate::sync::locked;

/// How long a command decided on stale state keeps being decided again before it is refused
/// as a conflict. Several server nodes writing to one workspace collide often: each node
/// serializes only its own commands, and a node that just appended decides its next command
/// on current state at once, while the node that lost must first read what the other wrote.
/// So the loser may lose as many rounds as the winner has commands waiting; a count of
/// rounds would refuse commands under a burst, a time limit only under a sustained one.
pub(crate) const CONFLICT_PATIENCE: std::time::Duration = std::time::Duration::from_secs(10);

/// Waits a random moment of up to a few milliseconds before deciding again after the
/// `attempt`-th conflict in a row, so that two nodes that keep meeting fall out of step.
pub(crate) async fn pause_after_conflict(attempt: u32) {
    if attempt > 1 {
        let pause = rand::random::<u64>() % (u64::from(attempt.min(8)) + 1);
        tokio::time::sleep(std::time::Duration::from_millis(pause)).await;
    }
}

/// Whether any of `events` carries personal data that is sealed before the append.
fn needs_sealing(events: &[DomainEvent]) -> bool {
    events.iter().any(|event| {
        matches!(
            event,
            DomainEvent::ContactPersonAdded {
                personal: PersonalField::Clear(_),
                ..
            }
        )
    })
}

/// Where a command's events landed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct CommandOutcome {
    /// The workspace.
    pub workspace_id: Uuid,
    /// The command's id.
    pub command_id: Uuid,
    /// Position of its first event.
    pub first_position: Position,
    /// Position of its last event.
    pub last_position: Position,
    /// The workspace stream's version after it.
    pub workspace_version: u64,
    /// True when the command had run before and this is its first outcome again.
    pub deduplicated: bool,
}

/// Why a command did not run.
#[derive(Debug, thiserror::Error)]
pub enum CommandError {
    /// The rules refuse it.
    #[error(transparent)]
    Domain(#[from] DomainError),
    /// The command id was used before by another actor or in another workspace. Nothing of
    /// that first command is told.
    #[error("this command id is taken by another command; send your command with a new id")]
    CommandIdTaken,
    /// The log failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Executes commands against workspaces.
pub struct Workspaces {
    store: Arc<dyn EventStore>,
    projections: Arc<Projections>,
    /// Seals personal data before it is appended, and destroys keys on erasure.
    keys: Arc<KeyStore>,
    locks: Mutex<HashMap<Uuid, Arc<tokio::sync::Mutex<()>>>>,
}

impl Workspaces {
    /// Commands go to `store`; decisions read `projections`, which a projector keeps current;
    /// personal data is sealed with keys from `keys`.
    pub fn new(
        store: Arc<dyn EventStore>,
        projections: Arc<Projections>,
        keys: Arc<KeyStore>,
    ) -> Self {
        Workspaces {
            store,
            projections,
            keys,
            locks: Mutex::new(HashMap::new()),
        }
    }

    /// The personal-data keys.
    pub fn keys(&self) -> &Arc<KeyStore> {
        &self.keys
    }

    /// Destroys the keys of every person whose erasure is in the log and of every closed
    /// board (an erasure or a close whose key deletion a crash interrupted is finished here).
    /// Returns how many keys were destroyed.
    ///
    /// # Errors
    /// Key store failures.
    pub async fn finish_erasures(&self) -> Result<usize, StoreError> {
        let mut erased = Vec::new();
        for (workspace_id, _) in self.projections.workspace_names() {
            self.projections.read(workspace_id, |view| {
                for organisation in view.state.organisations.values() {
                    for (person_id, person) in &organisation.contact_persons {
                        if person.erased {
                            erased.push(*person_id);
                        }
                    }
                }
                for (board_id, board) in &view.state.boards {
                    if board.phase == BoardPhase::Closed {
                        erased.push(*board_id);
                    }
                }
            });
        }
        // Looked up together: one query per subject made a start on PostgreSQL wait 0.5 s
        // at a million events (BENCHMARKS.md, issue 19 scenario 3).
        let with_keys = self.keys.subjects_with_keys(&erased).await?;
        let mut destroyed = 0;
        for subject_id in erased {
            if with_keys.contains(&subject_id) {
                self.keys.erase(subject_id).await?;
                destroyed += 1;
            }
        }
        Ok(destroyed)
    }

    /// `actor`'s sealed names on the board of `act`, its key created if needed; `None` when
    /// the command is no participant's act on a board, or the board is closed or unknown.
    async fn sealed_names(
        &self,
        workspace_id: Uuid,
        act: Option<BoardAct>,
        actor: &str,
    ) -> Result<Option<SealedNames>, StoreError> {
        let Some(act) = act else { return Ok(None) };
        let board = self.projections.read(workspace_id, |view| {
            view.state.boards.get(&act.board_id).cloned()
        });
        match board.flatten() {
            Some(board) => sealing::names_on(&self.keys, &board, act.board_id, actor).await,
            None => Ok(None),
        }
    }

    /// The projections commands are decided against.
    pub fn projections(&self) -> &Arc<Projections> {
        &self.projections
    }

    /// The event log.
    pub fn store(&self) -> &Arc<dyn EventStore> {
        &self.store
    }

    fn lock_for(&self, workspace_id: Uuid) -> Arc<tokio::sync::Mutex<()>> {
        let mut locks = locked(&self.locks);
        locks.entry(workspace_id).or_default().clone()
    }

    /// The first outcome of `command_id`, told again only to the actor who ran it in the
    /// workspace it ran in: the stored outcome names the stream, and the event at its first
    /// position names the actor (or their sealed name on the board, while it has its key).
    ///
    /// # Errors
    /// [`CommandError::CommandIdTaken`] for anyone else; store failures.
    async fn earlier_outcome(
        &self,
        workspace_id: Uuid,
        caller: &OnBoard<'_>,
        command_id: Uuid,
        outcome: crate::store::AppendOutcome,
    ) -> Result<CommandOutcome, CommandError> {
        if outcome.stream_id != workspace_id {
            return Err(CommandError::CommandIdTaken);
        }
        let first = self.store.read_all(outcome.first_position, 1).await?;
        let same_actor = first.first().is_some_and(|event| {
            caller.is(&event.metadata.actor)
                && event.metadata.command_id == command_id
                && event.metadata.workspace_id == workspace_id
        });
        if !same_actor {
            return Err(CommandError::CommandIdTaken);
        }
        self.projections.wait_for(outcome.last_position).await;
        Ok(CommandOutcome {
            workspace_id,
            command_id,
            first_position: outcome.first_position,
            last_position: outcome.last_position,
            workspace_version: outcome.stream_version,
            deduplicated: true,
        })
    }

    /// Decides `command` for `workspace_id` on behalf of `actor`, appends its events and waits
    /// until the projections include them.
    ///
    /// # Errors
    /// [`CommandError::Domain`] when the rules refuse it (nothing is written);
    /// [`CommandError::CommandIdTaken`] when another actor or workspace used the command id;
    /// [`CommandError::Store`] when the log fails.
    pub async fn execute(
        &self,
        workspace_id: Uuid,
        command: &Command,
        actor: &str,
        command_id: Uuid,
    ) -> Result<CommandOutcome, CommandError> {
        self.decide_and_append(workspace_id, command, actor, false, command_id, None)
            .await
    }

    /// [`execute`](Self::execute) for an asker whose role the edge knows: `owner` says
    /// whether they own the workspace (the rules let an owner hand on any board's
    /// facilitation).
    ///
    /// Its span is at debug level: this is every websocket command's way in, and the span
    /// enabled (the default filter is `info`) cost every command its registration and the
    /// formatting of its fields, about 4 % of the server's time per edit (BENCHMARKS.md,
    /// issue 19 scenario 1).
    ///
    /// # Errors
    /// As [`execute`](Self::execute).
    #[tracing::instrument(level = "debug", skip(self, command), fields(%workspace_id, %command_id, %actor, owner))]
    pub async fn execute_as(
        &self,
        workspace_id: Uuid,
        command: &Command,
        actor: &str,
        owner: bool,
        command_id: Uuid,
    ) -> Result<CommandOutcome, CommandError> {
        self.decide_and_append(workspace_id, command, actor, owner, command_id, None)
            .await
    }

    /// As [`Workspaces::execute`], for history brought in from before the log (the demo's
    /// story, earlier work typed in afterwards): the command is decided as of `happened_at`
    /// and its events carry that time, as long as the log does not go back in time (see
    /// [`CommandContext::happened_at`]). Not reachable over HTTP: a client's command happens
    /// when it arrives.
    ///
    /// # Errors
    /// As [`Workspaces::execute`].
    #[tracing::instrument(skip(self, command), fields(%workspace_id, %command_id, %actor, %happened_at))]
    pub async fn execute_as_of(
        &self,
        workspace_id: Uuid,
        command: &Command,
        actor: &str,
        command_id: Uuid,
        happened_at: DateTime<Utc>,
    ) -> Result<CommandOutcome, CommandError> {
        self.decide_and_append(
            workspace_id,
            command,
            actor,
            false,
            command_id,
            Some(happened_at),
        )
        .await
    }

    /// Decides `command` (as of `happened_at`, or now) and appends its events; `owner` as
    /// in [`execute_as`](Self::execute_as).
    async fn decide_and_append(
        &self,
        workspace_id: Uuid,
        command: &Command,
        actor: &str,
        owner: bool,
        command_id: Uuid,
        happened_at: Option<DateTime<Utc>>,
    ) -> Result<CommandOutcome, CommandError> {
        let lock = self.lock_for(workspace_id);
        let _serialized = lock.lock().await;
        // A participant's act on a board: their sealed names there (crate::sealing).
        let act = BoardAct::of(command);
        let sealed = self.sealed_names(workspace_id, act, actor).await?;
        let caller = OnBoard {
            actor,
            sealed: sealed.as_ref(),
        };
        let started = tokio::time::Instant::now();
        let mut attempt = 0;
        loop {
            attempt += 1;
            let decide_on = |state: &crate::domain::WorkspaceState| {
                let request = Request {
                    actor,
                    sealed: sealed.as_ref(),
                    owner,
                    now: happened_at.unwrap_or_else(Utc::now),
                };
                // The name the act is appended under, judged on the state it is decided on.
                let acting_as = act.zip(sealed.as_ref()).and_then(|(act, names)| {
                    let board = state.boards.get(&act.board_id)?;
                    act.sealed_name(board, names).map(str::to_owned)
                });
                (state.version, decide(state, command, &request), acting_as)
            };
            let (version, decided, acting_as) = self
                .projections
                .read(workspace_id, |view| decide_on(&view.state))
                .unwrap_or_else(|| decide_on(&crate::domain::WorkspaceState::new(workspace_id)));
            // A command id seen before gets its first outcome. The log is asked only where
            // the answer matters before the append: when the rules refuse the command (a
            // retry of a command that ran is usually refused now: its change is made), and
            // before personal data is sealed (a retry must not make a key). Otherwise the
            // append itself finds the id and answers with the first outcome, so a new
            // command (nearly every one) costs no lookup before its append.
            if decided.is_err() || needs_sealing(decided.as_deref().unwrap_or_default()) {
                if let Some(outcome) = self.store.command_outcome(command_id).await? {
                    return self
                        .earlier_outcome(workspace_id, &caller, command_id, outcome)
                        .await;
                }
            }
            let events = decided?;
            tracing::trace!(
                events = events.len(),
                version,
                attempt,
                sealed = acting_as.is_some(),
                "decided"
            );
            let mut new_events = Vec::with_capacity(events.len());
            let mut erasures = Vec::new();
            let mut closed_boards = Vec::new();
            for mut event in events {
                match &mut event {
                    // Personal data never enters the log in clear.
                    DomainEvent::ContactPersonAdded {
                        person_id,
                        personal,
                        ..
                    } => {
                        if let PersonalField::Clear(data) = personal {
                            *personal =
                                PersonalField::Sealed(self.keys.seal(*person_id, data).await?);
                        }
                    }
                    DomainEvent::ContactPersonErased { person_id, .. } => erasures.push(*person_id),
                    DomainEvent::BoardPhaseChanged {
                        board_id,
                        to: BoardPhase::Closed,
                        ..
                    } => closed_boards.push(*board_id),
                    _ => {}
                }
                new_events.push(envelope::new_event(&event)?);
            }
            let request = AppendRequest {
                stream_id: workspace_id,
                expected_version: if version == 0 {
                    ExpectedVersion::NoStream
                } else {
                    ExpectedVersion::Exact(version)
                },
                context: CommandContext {
                    workspace_id,
                    actor: acting_as.unwrap_or_else(|| actor.to_owned()),
                    command_id,
                    correlation_id: command_id,
                    happened_at,
                },
                events: new_events,
            };
            match self.store.append(request).await {
                Ok(outcome) if outcome.deduplicated => {
                    // Another process appended this command id first.
                    return self
                        .earlier_outcome(workspace_id, &caller, command_id, outcome)
                        .await;
                }
                Ok(outcome) => {
                    // The erasure or the close is in the log; now destroy the key (a crash in
                    // between is finished by `finish_erasures` at the next start).
                    for person_id in erasures {
                        self.keys.erase(person_id).await?;
                    }
                    for board_id in closed_boards {
                        self.keys.destroy_board_key(board_id).await?;
                    }
                    self.projections.wait_for(outcome.last_position).await;
                    return Ok(CommandOutcome {
                        workspace_id,
                        command_id,
                        first_position: outcome.first_position,
                        last_position: outcome.last_position,
                        workspace_version: outcome.stream_version,
                        deduplicated: outcome.deduplicated,
                    });
                }
                Err(StoreError::VersionConflict { .. })
                    if started.elapsed() < CONFLICT_PATIENCE =>
                {
                    // Another process appended first: catch up and decide again.
                    self.projections.wait_for(self.store.head_position()).await;
                    pause_after_conflict(attempt).await;
                }
                Err(error) => return Err(error.into()),
            }
        }
    }
}
