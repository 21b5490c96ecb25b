//! The reading half of a connection: the [`Session`] answers each client message by one
//! method (`hello`, `subscribe`, `unsubscribe`, `command`, `presence`, `summon`, `ping`),
//! relays the others' presence and a board facilitator's summons, checks its credential
//! again while it lives, and says goodbye.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Instant;

use serde_json::json;
use tokio::sync::{broadcast, watch};
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

use super::follow::{follow, Filter, Following};
use super::outbox::Outbox;
use super::writer::{write_now, SharedSink, WrittenNow};
use super::{encode, error_frame, parse, Outgoing, ACCESS_RECHECK};
use crate::accounts::{Permission, Principal, Role};
use crate::app_state::rate::RateLimit;
use crate::app_state::{ApiError, AppState, ErrorBody};
use crate::domain::vocabulary::Zone;
use crate::domain::Command;
use crate::hub::protocol::{close_code, ClientMessage, ServerMessage, PROTOCOL_VERSION};
use crate::hub::{roster, PresenceItem};
use crate::visibility::Reader;

/// One connection's conversation with its client: who it is, what it follows, its limits.
pub(super) struct Session {
    state: AppState,
    connection_id: Uuid,
    out: Outbox,
    /// The socket's sending half, for replies written at once ([`write_now`]).
    sink: SharedSink,
    /// Shared, so that a message borrows it for its handling without copying it.
    principal: Option<Arc<Principal>>,
    /// The credential the client said hello with, checked again while the connection lives.
    bearer: String,
    /// The accounts' version at the last check of the credential, and when that was.
    access_checked: (u64, Instant),
    /// Subscribed workspaces and how each follows the log.
    subscriptions: HashMap<Uuid, Following>,
    /// Everyone's presence, while the connection follows a workspace (only then is any of it
    /// relayed): taken up by the first subscription, before its roster snapshot, and let go
    /// with the last, so that a connection that only sends commands polls no shared channel
    /// for every frame it reads.
    presence_feed: Option<broadcast::Receiver<Arc<PresenceItem>>>,
    /// Workspaces where this connection announced presence (to say goodbye there).
    present_in: HashMap<Uuid, Option<Uuid>>,
    /// Cancelled when the client is too slow.
    too_slow: CancellationToken,
    commands: RateLimit,
    presence: RateLimit,
}

pub(super) enum Next {
    Continue,
    Close(u16, String),
}

impl Session {
    /// A session of a new connection, with no credential yet.
    pub(super) fn new(
        state: AppState,
        out: Outbox,
        sink: SharedSink,
        too_slow: CancellationToken,
    ) -> Self {
        Session {
            commands: RateLimit::new(state.limits.commands_per_second),
            presence: RateLimit::new(state.limits.presence_per_second),
            state,
            connection_id: Uuid::new_v4(),
            out,
            sink,
            principal: None,
            bearer: String::new(),
            access_checked: (0, Instant::now()),
            subscriptions: HashMap::new(),
            presence_feed: None,
            present_in: HashMap::new(),
            too_slow,
        }
    }

    /// Whether the client said a valid hello.
    pub(super) fn authenticated(&self) -> bool {
        self.principal.is_some()
    }

    /// Whether the connection follows a workspace, and so relays the others' presence.
    pub(super) fn follows_any(&self) -> bool {
        self.presence_feed.is_some()
    }

    /// The next presence message of anyone (for [`relay_presence`](Self::relay_presence));
    /// never ready while the connection follows no workspace.
    pub(super) async fn next_presence(
        &mut self,
    ) -> Result<Arc<PresenceItem>, broadcast::error::RecvError> {
        match &mut self.presence_feed {
            Some(feed) => feed.recv().await,
            None => std::future::pending().await,
        }
    }

    /// Pings the client (the heartbeat); a full queue skips the beat.
    pub(super) fn ping(&self) {
        let _ = self.out.try_send(Outgoing::Ping);
    }

    /// Checks the credential and the roles of the subscriptions again when the accounts
    /// changed or [`ACCESS_RECHECK`] passed; returns the close when access ended (after an
    /// error frame `access_ended` saying why).
    pub(super) async fn access_ended(&mut self) -> Option<(u16, String)> {
        let version = self.state.projections.accounts(|state| state.version);
        let (checked_version, checked_at) = self.access_checked;
        if version == checked_version && checked_at.elapsed() < ACCESS_RECHECK {
            return None;
        }
        let why = match self.state.accounts.authenticate(&self.bearer).await {
            // The shared session table may be briefly out of reach: check again later.
            Err(crate::accounts::AccessError::Store(error)) => {
                tracing::warn!(%error, "a websocket credential cannot be checked now");
                return None;
            }
            Err(error) => Some(error.to_string()),
            Ok(principal) => self
                .subscriptions
                .keys()
                .find(|workspace_id| {
                    !principal
                        .role_in(&self.state.accounts, **workspace_id)
                        .is_some_and(|role| {
                            role == Role::Guest || role.allows(Permission::ReadViews)
                        })
                })
                .map(|workspace_id| format!("you may no longer read workspace {workspace_id}")),
        };
        self.access_checked = (version, Instant::now());
        let why = why?;
        self.send(error_frame(
            "access_ended",
            format!("{why}; this connection ends"),
        ))
        .await;
        Some((close_code::ACCESS_ENDED, "access ended".to_owned()))
    }

    /// Sends a reply: straight into the socket when that overtakes nothing queued (no wake-up
    /// of the writer task), else through the queue.
    pub(super) async fn send(&self, message: ServerMessage) {
        let text = encode(&message).into();
        let frame = match write_now(&self.sink, self.out.unwritten(), text).await {
            WrittenNow::Written | WrittenNow::Failed => return,
            WrittenNow::Unflushed => Outgoing::Flush,
            WrittenNow::NotNow(text) => Outgoing::Text(text),
        };
        let _ = self.out.send(frame).await;
    }

    pub(super) async fn finish(mut self, closing: Option<(u16, String)>) {
        for (_, following) in self.subscriptions.drain() {
            following.task.abort();
        }
        if let Some(principal) = &self.principal {
            for (workspace_id, board_id) in self.present_in.drain() {
                self.state.hub.publish_presence(Arc::new((
                    workspace_id,
                    board_id,
                    ServerMessage::Presence {
                        workspace_id,
                        actor: principal.actor.clone(),
                        connection_id: self.connection_id,
                        board_id,
                        selection: None,
                        cursor: None,
                        dragging: None,
                        zone: None,
                        name: None,
                        left: true,
                    },
                )));
            }
            self.state.hub.release(&principal.actor);
        }
        if let Some((code, reason)) = closing {
            let _ = self.out.send(Outgoing::Close(code, reason)).await;
        }
    }

    pub(super) async fn handle_text(&mut self, text: &str) -> Next {
        if text.len() > self.state.limits.max_message_bytes {
            self.send(error_frame(
                "message_too_large",
                format!(
                    "the message has {} bytes; at most {} fit",
                    text.len(),
                    self.state.limits.max_message_bytes
                ),
            ))
            .await;
            return Next::Continue;
        }
        let message = match parse(text) {
            Ok(message) => message,
            Err(error) => {
                self.send(ServerMessage::Error { error }).await;
                return Next::Continue;
            }
        };
        let (principal, message) = match (&self.principal, message) {
            (None, ClientMessage::Hello { token }) => return self.hello(&token).await,
            (None, _) => {
                self.send(error_frame(
                    "hello_first",
                    "send hello with your token first",
                ))
                .await;
                return Next::Continue;
            }
            (Some(_), ClientMessage::Hello { .. }) => {
                self.send(error_frame(
                    "already_authenticated",
                    "this connection said hello already",
                ))
                .await;
                return Next::Continue;
            }
            (Some(principal), message) => (Arc::clone(principal), message),
        };
        match message {
            ClientMessage::Hello { .. } => {}
            ClientMessage::Ping { nonce } => self.send(ServerMessage::Pong { nonce }).await,
            ClientMessage::Subscribe {
                workspace_id,
                after_position,
                board_id,
                partnership_id,
            } => {
                self.subscribe(
                    &principal,
                    workspace_id,
                    after_position,
                    board_id,
                    partnership_id,
                )
                .await;
            }
            ClientMessage::Unsubscribe { workspace_id } => self.unsubscribe(workspace_id).await,
            ClientMessage::Command {
                workspace_id,
                command_id,
                command,
            } => {
                self.command(&principal, workspace_id, command_id, &command)
                    .await;
            }
            ClientMessage::Presence {
                workspace_id,
                board_id,
                selection,
                cursor,
                dragging,
                zone,
            } => {
                let announced = roster::Announced {
                    workspace_id,
                    board_id,
                    selection,
                    cursor,
                    dragging,
                    zone,
                };
                self.presence(&principal, announced).await;
            }
            ClientMessage::Summon {
                workspace_id,
                board_id,
                zone,
            } => self.summon(&principal, workspace_id, board_id, zone).await,
        }
        Next::Continue
    }

    /// `unsubscribe`: stops following the workspace.
    async fn unsubscribe(&mut self, workspace_id: Uuid) {
        if let Some(following) = self.subscriptions.remove(&workspace_id) {
            following.task.abort();
        }
        if self.subscriptions.is_empty() {
            self.presence_feed = None;
        }
        self.send(ServerMessage::Unsubscribed { workspace_id })
            .await;
    }

    /// `command`: runs it (within the connection's rate) and answers `ack`, after the
    /// command's own events when the connection follows the workspace, or `reject`.
    async fn command(
        &mut self,
        principal: &Principal,
        workspace_id: Uuid,
        command_id: Uuid,
        command: &Command,
    ) {
        let result = if self.commands.take() {
            match self
                .state
                .authorize_command(principal, workspace_id, command)
            {
                Ok(role) => self
                    .state
                    .workspaces
                    .execute_as(
                        workspace_id,
                        command,
                        &principal.actor,
                        role == Role::Owner,
                        command_id,
                    )
                    .await
                    .map_err(ApiError::from),
                Err(error) => Err(error),
            }
        } else {
            Err(ApiError::rate_limited(format!(
                "at most {} commands per second on one connection",
                self.state.limits.commands_per_second
            )))
        };
        match result {
            Ok(outcome) => {
                // Subscribed to the workspace: its own events go out first.
                let patience = self.state.limits.slow_client_timeout;
                if let Some(following) = self.subscriptions.get_mut(&workspace_id) {
                    following.reached(outcome.last_position, patience).await;
                }
                self.send(ServerMessage::Ack {
                    command_id,
                    first_position: outcome.first_position,
                    last_position: outcome.last_position,
                    deduplicated: outcome.deduplicated,
                })
                .await;
            }
            Err(error) => {
                self.send(ServerMessage::Reject {
                    command_id,
                    error: error.body,
                })
                .await
            }
        }
    }

    /// `presence`: relayed to the others on the workspace (or board), within the rate.
    async fn presence(&mut self, principal: &Principal, announced: roster::Announced) {
        let allowed = match principal.role_in(&self.state.accounts, announced.workspace_id) {
            Some(Role::Guest) => {
                announced.board_id.is_some() && announced.board_id == principal.guest_board()
            }
            Some(_) => true,
            None => false,
        };
        if !allowed {
            self.send(error_frame(
                "workspace_not_found",
                "no such workspace (or board), or you are not a member of it",
            ))
            .await;
        } else if self.presence.take() {
            self.present_in
                .insert(announced.workspace_id, announced.board_id);
            roster::publish(&self.state, principal, self.connection_id, announced);
        }
        // Over the presence rate, updates are dropped quietly: the next one carries the news.
    }

    /// `summon`: the board's facilitator brings everyone on it to a zone (within the presence
    /// rate: it goes the same way, never logged); anyone else is told they may not.
    async fn summon(
        &mut self,
        principal: &Principal,
        workspace_id: Uuid,
        board_id: Uuid,
        zone: Option<Zone>,
    ) {
        let facilitator = principal
            .role_in(&self.state.accounts, workspace_id)
            .is_some_and(|role| role != Role::Guest || principal.guest_board() == Some(board_id))
            .then(|| {
                self.state.projections.read(workspace_id, |view| {
                    view.state
                        .boards
                        .get(&board_id)
                        .map(|board| board.facilitator.clone())
                })
            })
            .flatten()
            .flatten();
        match facilitator {
            None => {
                self.send(error_frame(
                    "workspace_not_found",
                    "no such workspace or board, or you are not a member of it",
                ))
                .await;
            }
            Some(facilitator) if facilitator != principal.actor => {
                self.send(error_frame(
                    "not_facilitator",
                    format!("only the board's facilitator ({facilitator}) may bring everyone to where they are"),
                ))
                .await;
            }
            Some(facilitator) => {
                if self.presence.take() {
                    tracing::debug!(%workspace_id, %board_id, "summoned everyone on the board");
                    self.state.hub.publish_presence(Arc::new((
                        workspace_id,
                        Some(board_id),
                        ServerMessage::Summoned {
                            workspace_id,
                            board_id,
                            facilitator,
                            zone,
                        },
                    )));
                }
            }
        }
    }

    async fn hello(&mut self, token: &str) -> Next {
        let principal = match self.state.accounts.authenticate(token).await {
            Ok(principal) => principal,
            Err(error) => {
                let error = ApiError::from(error);
                self.send(ServerMessage::Error { error: error.body }).await;
                return Next::Close(close_code::UNAUTHENTICATED, "invalid token".to_owned());
            }
        };
        if !self
            .state
            .hub
            .admit(&principal.actor, self.state.limits.connections_per_account)
        {
            self.send(error_frame(
                "too_many_connections",
                format!(
                    "at most {} connections per account",
                    self.state.limits.connections_per_account
                ),
            ))
            .await;
            return Next::Close(
                close_code::TOO_MANY_CONNECTIONS,
                "too many connections".to_owned(),
            );
        }
        self.send(ServerMessage::Welcome {
            actor: principal.actor.clone(),
            protocol: PROTOCOL_VERSION,
            server_time: chrono::Utc::now(),
            head_position: self.state.store.head_position(),
            max_message_bytes: self.state.limits.max_message_bytes,
            commands_per_second: self.state.limits.commands_per_second,
        })
        .await;
        self.principal = Some(Arc::new(principal));
        self.bearer = token.to_owned();
        self.access_checked = (
            self.state.projections.accounts(|state| state.version),
            Instant::now(),
        );
        Next::Continue
    }

    async fn subscribe(
        &mut self,
        principal: &Principal,
        workspace_id: Uuid,
        after_position: Option<u64>,
        board_id: Option<Uuid>,
        partnership_id: Option<Uuid>,
    ) {
        let role = principal.role_in(&self.state.accounts, workspace_id);
        let board_id = match role {
            None => {
                self.send(error_frame(
                    "workspace_not_found",
                    "no such workspace, or you are not a member of it",
                ))
                .await;
                return;
            }
            Some(Role::Guest) => {
                let own = principal.guest_board();
                if board_id.is_some() && board_id != own {
                    self.send(error_frame("forbidden", "your invite opens another board"))
                        .await;
                    return;
                }
                own
            }
            Some(_) => board_id,
        };
        if role != Some(Role::Guest) && !role.is_some_and(|role| role.allows(Permission::ReadViews))
        {
            self.send(error_frame(
                "forbidden",
                "your role may not read this workspace",
            ))
            .await;
            return;
        }
        let head = self.state.store.head_position();
        let after = after_position.unwrap_or(head);
        if after > head {
            self.send(ServerMessage::Error {
                error: ErrorBody {
                    code: "position_beyond_head".into(),
                    message: format!(
                        "after_position {after} is beyond the end of the log ({head}); subscribe after a position you have seen, or leave it out to start now"
                    ),
                    details: json!({"after_position": after, "head_position": head}),
                },
            })
            .await;
            return;
        }
        if !role.is_some_and(|role| role.allows(Permission::ReadHistory)) {
            // The workspace's last event so far: anything earlier is history.
            let current = self
                .state
                .projections
                .read(workspace_id, |view| view.state.position)
                .unwrap_or(0);
            if after < current {
                self.send(ServerMessage::Error {
                    error: ErrorBody {
                        code: "history_forbidden".into(),
                        message: format!(
                            "your role sees the current state, not the history: load the views over HTTP and subscribe after their position ({current}), or leave after_position out"
                        ),
                        details: json!({"after_position": after, "workspace_position": current}),
                    },
                })
                .await;
                return;
            }
        }
        if let Some(following) = self.subscriptions.remove(&workspace_id) {
            following.task.abort();
        }
        self.send(ServerMessage::Subscribed {
            workspace_id,
            after_position: after,
            head_position: head,
        })
        .await;
        let filter = Filter {
            workspace_id,
            board_id,
            partnership_id,
            reader: Reader::unsealed(&principal.actor),
        };
        let (seen_sender, seen) = watch::channel(after);
        let task = tokio::spawn(follow(
            self.state.clone(),
            filter,
            after,
            self.out.clone(),
            self.too_slow.clone(),
            seen_sender,
        ));
        // Presence from now on, before the snapshot of those already here.
        if self.presence_feed.is_none() {
            self.presence_feed = Some(self.state.hub.presence.subscribe());
        }
        self.subscriptions.insert(
            workspace_id,
            Following {
                board_id,
                task,
                seen,
            },
        );
        // Those already here, so a newcomer need not wait until each of them moves.
        for present in roster::snapshot(&self.state, workspace_id, board_id, self.connection_id) {
            self.send(present).await;
        }
    }

    pub(super) async fn relay_presence(&self, relayed: &(Uuid, Option<Uuid>, ServerMessage)) {
        let (workspace_id, board_id, message) = relayed;
        let Some(Following {
            board_id: scope, ..
        }) = self.subscriptions.get(workspace_id)
        else {
            return;
        };
        if scope.is_some() && scope != board_id {
            return;
        }
        // A summons is for those looking at its board, not at the whole workspace.
        if matches!(message, ServerMessage::Summoned { .. }) && scope.is_none() {
            return;
        }
        if let ServerMessage::Presence { connection_id, .. } = message {
            if *connection_id == self.connection_id {
                return;
            }
        }
        // Presence is best effort: a full queue drops it rather than wait.
        let _ = self.out.try_send(Outgoing::Text(encode(message).into()));
    }
}
