//! One websocket connection: authenticate, subscribe, run commands, relay presence, and close
//! cleanly (on the client's wish, on shutdown with 1001, or with a documented code).
//!
//! A connection honours its credential for its whole life: whenever the accounts change (and
//! every half minute regardless) it checks the credential and its roles in the subscribed
//! workspaces again, and closes with 4003 when access ended (a revoked token or invite, an
//! expired session, a removed member). A subscription of a role that may not read history
//! (viewer, guest) starts at the workspace's current state: catching up from an earlier
//! position is refused (`history_forbidden`); a position beyond the head is refused too.
//!
//! The socket is split: a writer task drains a bounded queue of outgoing frames into the
//! socket; the connection task reads frames, answers them, and relays presence. Each
//! subscription is its own task following the log and pushing frames into the same queue.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use axum::extract::ws::{CloseFrame, Message, Utf8Bytes, WebSocket, WebSocketUpgrade};
use axum::extract::State;
use axum::response::Response;
use futures_util::{SinkExt, StreamExt};
use serde_json::json;
use tokio::sync::{mpsc, watch};
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

use super::protocol::{close_code, ClientMessage, ServerMessage, PROTOCOL_VERSION};
use super::roster;
use crate::accounts::{Permission, Principal, Role};
use crate::app_state::rate::RateLimit;
use crate::app_state::{ApiError, AppState, ErrorBody};
use crate::store::{Position, RecordedEvent, Subscription};
use crate::visibility::{self, Reader, Seen};

/// How long a client has to say `hello`.
const HELLO_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a client-initiated close waits for the writer to finish.
const CLOSE_GRACE: Duration = Duration::from_secs(5);
/// How long a server-initiated close waits for the client's answering close.
const CLOSE_WAIT: Duration = Duration::from_secs(35);
/// How often the server pings a quiet connection; three missed beats end it.
const HEARTBEAT: Duration = Duration::from_secs(30);
/// Messages larger than the limit by this factor end the connection (1009) instead of
/// getting an error frame.
const HARD_LIMIT_FACTOR: usize = 4;
/// The socket's read buffer: client messages are small (a command, a presence update).
const READ_BUFFER_BYTES: usize = 4 * 1024;
/// How much the socket buffers before writing; every send flushes anyway.
const WRITE_BUFFER_BYTES: usize = 4 * 1024;
/// How often an open connection looks whether the accounts changed; when they did, its
/// credential and its roles in the subscribed workspaces are checked again.
const ACCESS_CHECK: Duration = Duration::from_secs(1);
/// How often the credential is checked again even when the accounts did not change (a
/// session or an invite that reached its expiry).
const ACCESS_RECHECK: Duration = Duration::from_secs(30);

enum Outgoing {
    /// A text frame; event frames share their bytes with every other connection's.
    Text(Utf8Bytes),
    Ping,
    Close(u16, String),
}

/// `GET /ws`: upgrades to the websocket protocol.
pub async fn websocket(upgrade: WebSocketUpgrade, State(state): State<AppState>) -> Response {
    let hard_limit = state
        .limits
        .max_message_bytes
        .saturating_mul(HARD_LIMIT_FACTOR);
    upgrade
        .max_message_size(hard_limit)
        .max_frame_size(hard_limit)
        // tungstenite's default 128 KiB read buffer is zero-filled and resident from the first
        // read on, per connection; frames larger than this grow it on demand (up to the limit).
        .read_buffer_size(READ_BUFFER_BYTES)
        .write_buffer_size(WRITE_BUFFER_BYTES)
        .on_upgrade(move |socket| {
            let tasks = state.hub.tasks.clone();
            tasks.track_future(serve_connection(socket, state))
        })
}

/// A server message as the text of its frame.
pub(super) fn encode(message: &ServerMessage) -> String {
    serde_json::to_string(message).unwrap_or_else(|error| {
        format!(r#"{{"type":"error","error":{{"code":"internal_error","message":"{error}"}}}}"#)
    })
}

fn error_frame(code: &str, message: impl Into<String>) -> ServerMessage {
    ServerMessage::Error {
        error: ErrorBody {
            code: code.to_owned(),
            message: message.into(),
            details: serde_json::Value::Null,
        },
    }
}

/// One subscription of a connection: its board scope, the task following the log, and how
/// far that task has come.
struct Following {
    board_id: Option<Uuid>,
    task: JoinHandle<()>,
    /// The last log position the task has passed on or filtered out.
    seen: watch::Receiver<Position>,
}

impl Following {
    /// Waits (at most `patience`) until the events up to `position` are in the connection's
    /// queue, so that an ack never overtakes the events of its own command.
    async fn reached(&mut self, position: Position, patience: Duration) {
        let _ = tokio::time::timeout(patience, self.seen.wait_for(|seen| *seen >= position)).await;
    }
}

struct Session {
    state: AppState,
    connection_id: Uuid,
    out: mpsc::Sender<Outgoing>,
    principal: Option<Principal>,
    /// The credential the client said hello with, checked again while the connection lives.
    bearer: String,
    /// The accounts' version at the last check of the credential, and when that was.
    access_checked: (u64, Instant),
    /// Subscribed workspaces and how each follows the log.
    subscriptions: HashMap<Uuid, Following>,
    /// Workspaces where this connection announced presence (to say goodbye there).
    present_in: HashMap<Uuid, Option<Uuid>>,
    /// Cancelled when the client is too slow.
    too_slow: CancellationToken,
    commands: RateLimit,
    presence: RateLimit,
}

enum Next {
    Continue,
    Close(u16, String),
}

async fn serve_connection(socket: WebSocket, state: AppState) {
    let (mut sink, mut stream) = socket.split();
    let (out, mut outgoing) = mpsc::channel::<Outgoing>(state.limits.connection_queue.max(1));
    // Cancelled when a subscription finds the client too slow: the writer then stops waiting
    // for the socket, queues the 4008 close behind what the socket already holds, and ends.
    let too_slow = CancellationToken::new();
    let writer_too_slow = too_slow.clone();
    let writer = tokio::spawn(async move {
        loop {
            let frame = tokio::select! {
                // Checked first: once the session has ended the queue is closed too, and a
                // random pick of that branch would close without saying why (1005).
                biased;
                () = writer_too_slow.cancelled() => {
                    let close = Message::Close(Some(CloseFrame {
                        code: close_code::TOO_SLOW,
                        reason: Utf8Bytes::from_static("you could not keep up with the workspace's events; reconnect and resume after your last position"),
                    }));
                    // It lands behind what the socket holds; a client that reads again within
                    // half a minute learns why, one that does not is dropped.
                    let _ = tokio::time::timeout(Duration::from_secs(30), sink.send(close)).await;
                    return;
                }
                frame = outgoing.recv() => frame,
            };
            let Some(frame) = frame else { break };
            match frame {
                Outgoing::Text(text) => {
                    let sent = tokio::select! {
                        // Stop waiting for a client that does not read; the next turn closes.
                        () = writer_too_slow.cancelled() => true,
                        sent = sink.send(Message::Text(text)) => sent.is_ok(),
                    };
                    if !sent {
                        return;
                    }
                }
                Outgoing::Ping => {
                    if sink.send(Message::Ping(Default::default())).await.is_err() {
                        return;
                    }
                }
                Outgoing::Close(code, reason) => {
                    let _ = sink
                        .send(Message::Close(Some(CloseFrame {
                            code,
                            reason: Utf8Bytes::from(reason),
                        })))
                        .await;
                    return;
                }
            }
        }
        let _ = sink.close().await;
    });

    let mut session = Session {
        commands: RateLimit::new(state.limits.commands_per_second),
        presence: RateLimit::new(state.limits.presence_per_second),
        state: state.clone(),
        connection_id: Uuid::new_v4(),
        out,
        principal: None,
        bearer: String::new(),
        access_checked: (0, Instant::now()),
        subscriptions: HashMap::new(),
        present_in: HashMap::new(),
        too_slow: too_slow.clone(),
    };
    let mut presence = state.hub.presence.subscribe();
    let hello_deadline = tokio::time::sleep(HELLO_TIMEOUT);
    tokio::pin!(hello_deadline);
    let mut heartbeat = tokio::time::interval(HEARTBEAT);
    heartbeat.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut last_heard = Instant::now();
    let mut access_check = tokio::time::interval(ACCESS_CHECK);
    access_check.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let closing = loop {
        tokio::select! {
            () = state.hub.shutdown.cancelled() => {
                break Some((close_code::GOING_AWAY, "the server is shutting down; reconnect and resume after your last position".to_owned()));
            }
            // The writer sends the 4008 close itself, behind what the socket holds.
            () = too_slow.cancelled() => break Some((close_code::TOO_SLOW, String::new())),
            _ = heartbeat.tick() => {
                if last_heard.elapsed() > HEARTBEAT * 3 {
                    break Some((close_code::GOING_AWAY, "no answer to heartbeats for 90 seconds".to_owned()));
                }
                // The client's websocket library answers with a pong, which counts as heard.
                let _ = session.out.try_send(Outgoing::Ping);
            }
            _ = access_check.tick(), if session.principal.is_some() => {
                if let Some(ended) = session.access_ended().await {
                    break Some(ended);
                }
            }
            () = &mut hello_deadline, if session.principal.is_none() => {
                break Some((close_code::UNAUTHENTICATED, "no valid hello within 10 seconds".to_owned()));
            }
            frame = stream.next() => {
                last_heard = Instant::now();
                match frame {
                None | Some(Ok(Message::Close(_))) => break None,
                Some(Err(error)) => {
                    if is_over_capacity(error) {
                        break Some((close_code::MESSAGE_TOO_BIG, "message far over the size limit".to_owned()));
                    }
                    break None;
                }
                Some(Ok(Message::Text(text))) => match session.handle_text(text.as_str()).await {
                    Next::Continue => {}
                    Next::Close(code, reason) => break Some((code, reason)),
                },
                Some(Ok(Message::Binary(_))) => {
                    session.send(error_frame("unsupported_frame", "binary frames are not part of the protocol; send JSON text frames")).await;
                }
                Some(Ok(Message::Ping(_) | Message::Pong(_))) => {}
                }
            }
            relayed = presence.recv(), if session.principal.is_some() => {
                if let Ok(relayed) = relayed {
                    session.relay_presence(&relayed).await;
                }
            }
        }
    };
    let client_closed = closing.is_none();
    // A too-slow client's close is already on its way through the writer.
    let closing = closing.filter(|(code, _)| *code != close_code::TOO_SLOW);
    session.finish(closing).await;
    let mut writer = writer;
    if client_closed {
        let _ = tokio::time::timeout(CLOSE_GRACE, writer).await;
        return;
    }
    // The server closed: keep reading until the client answers the close, while the writer
    // delivers it. Dropping the socket with the client's frames unread would reset the
    // connection and could destroy the close frame, and its reason, before the client reads
    // it. A client that never answers is dropped after the writer's own limit.
    let deadline = tokio::time::sleep(CLOSE_WAIT);
    tokio::pin!(deadline);
    let mut writer_done = false;
    loop {
        tokio::select! {
            _ = &mut writer, if !writer_done => writer_done = true,
            message = stream.next() => match message {
                Some(Ok(Message::Close(_))) | Some(Err(_)) | None => break,
                Some(Ok(_)) => {}
            },
            () = &mut deadline => break,
        }
    }
}

/// Whether a read failed because a message or frame was over the size limit (tungstenite's
/// capacity error), told by the error's type rather than its text.
fn is_over_capacity(error: axum::Error) -> bool {
    use tokio_tungstenite::tungstenite::Error as WsError;
    let inner = error.into_inner();
    matches!(inner.downcast_ref::<WsError>(), Some(WsError::Capacity(_)))
}

impl Session {
    /// Checks the credential and the roles of the subscriptions again when the accounts
    /// changed or [`ACCESS_RECHECK`] passed; returns the close when access ended (after an
    /// error frame `access_ended` saying why).
    async fn access_ended(&mut self) -> Option<(u16, String)> {
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

    async fn send(&self, message: ServerMessage) {
        let _ = self.out.send(Outgoing::Text(encode(&message).into())).await;
    }

    async fn finish(mut self, closing: Option<(u16, String)>) {
        for (_, following) in self.subscriptions.drain() {
            following.task.abort();
        }
        if let Some(principal) = &self.principal {
            for (workspace_id, board_id) in self.present_in.drain() {
                self.state.hub.publish_presence(std::sync::Arc::new((
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

    async fn handle_text(&mut self, text: &str) -> Next {
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
            (Some(principal), message) => (principal.clone(), message),
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
            ClientMessage::Unsubscribe { workspace_id } => {
                if let Some(following) = self.subscriptions.remove(&workspace_id) {
                    following.task.abort();
                }
                self.send(ServerMessage::Unsubscribed { workspace_id })
                    .await;
            }
            ClientMessage::Command {
                workspace_id,
                command_id,
                command,
            } => {
                let result = if self.commands.take() {
                    match self
                        .state
                        .authorize_command(&principal, workspace_id, &command)
                    {
                        Ok(()) => self
                            .state
                            .workspaces
                            .execute(workspace_id, &command, &principal.actor, command_id)
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
            ClientMessage::Presence {
                workspace_id,
                board_id,
                selection,
                cursor,
                dragging,
            } => {
                let allowed = match principal.role_in(&self.state.accounts, workspace_id) {
                    Some(Role::Guest) => board_id.is_some() && board_id == principal.guest_board(),
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
                    self.present_in.insert(workspace_id, board_id);
                    let announced = roster::Announced {
                        workspace_id,
                        board_id,
                        selection,
                        cursor,
                        dragging,
                    };
                    roster::publish(&self.state, &principal, self.connection_id, announced);
                }
                // Over the presence rate, updates are dropped quietly: the next one carries the news.
            }
        }
        Next::Continue
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
        self.principal = Some(principal);
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

    async fn relay_presence(&self, relayed: &(Uuid, Option<Uuid>, ServerMessage)) {
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
        if let ServerMessage::Presence { connection_id, .. } = message {
            if *connection_id == self.connection_id {
                return;
            }
        }
        // Presence is best effort: a full queue drops it rather than wait.
        let _ = self.out.try_send(Outgoing::Text(encode(message).into()));
    }
}

/// Which events a subscription passes on, and as whom it sees them.
struct Filter {
    workspace_id: Uuid,
    board_id: Option<Uuid>,
    partnership_id: Option<Uuid>,
    /// Who reads, learning their sealed names board by board as the boards' events come.
    reader: Reader,
}

impl Filter {
    /// What this subscription gets of `event`: nothing outside its workspace and scope;
    /// within, what [`crate::visibility`] lets the viewer see of a board event, judged by
    /// the board's phases as the live state holds them once it includes the event.
    async fn seen(&mut self, state: &AppState, event: &RecordedEvent) -> Seen {
        if event.metadata.workspace_id != self.workspace_id {
            return Seen::Nothing;
        }
        let field = |name: &str| {
            event
                .payload
                .get(name)
                .and_then(|value| value.as_str())
                .and_then(|text| text.parse::<Uuid>().ok())
        };
        if self.board_id.is_some() && field("board_id") != self.board_id {
            return Seen::Nothing;
        }
        if self.partnership_id.is_some() && field("partnership_id") != self.partnership_id {
            return Seen::Nothing;
        }
        if visibility::BoardEventKind::of(&event.event_type).is_none() {
            return Seen::Whole;
        }
        // The live state may not have folded this event yet (the subscription can be ahead
        // of the projector): the board's phases must reach it.
        state.projections.wait_for(event.position).await;
        if let Some(board_id) = field("board_id") {
            crate::sealing::learn(state.workspaces.keys(), &mut self.reader, board_id).await;
        }
        state
            .projections
            .read(self.workspace_id, |view| {
                visibility::seen_recorded(&self.reader, &view.state.boards, event, u64::MAX)
            })
            .unwrap_or(Seen::Nothing)
    }
}

/// Follows the log after `after` and pushes the filtered events into the connection's queue,
/// telling `seen` how far it has come.
async fn follow(
    state: AppState,
    mut filter: Filter,
    after: u64,
    out: mpsc::Sender<Outgoing>,
    too_slow: CancellationToken,
    seen: watch::Sender<Position>,
) {
    let mut subscription = Subscription::new(state.store.clone(), after.saturating_add(1));
    loop {
        let next = tokio::select! {
            () = state.hub.shutdown.cancelled() => return,
            next = subscription.next() => next,
        };
        let event = match next {
            None => return,
            Some(Ok(event)) => event,
            Some(Err(error)) => {
                tracing::error!(%error, "a subscription cannot read the log");
                let _ = out
                    .send(Outgoing::Text(
                        encode(&error_frame(
                            "internal_error",
                            "the log cannot be read; resubscribe later",
                        ))
                        .into(),
                    ))
                    .await;
                return;
            }
        };
        // Encoded once for every connection that sees the event the same way: the filter is
        // this connection's own work.
        let Some(frame) = state.hub.frames.frame(
            &event,
            filter.seen(&state, &event).await,
            filter.reader.actor(),
        ) else {
            seen.send_replace(event.position);
            continue;
        };
        let frame = Outgoing::Text(frame);
        match tokio::time::timeout(state.limits.slow_client_timeout, out.send(frame)).await {
            Ok(Ok(())) => {
                seen.send_replace(event.position);
            }
            Ok(Err(_)) => return,
            Err(_) => {
                tracing::warn!(workspace_id = %filter.workspace_id, "closing a websocket client that cannot keep up");
                too_slow.cancel();
                return;
            }
        }
    }
}

/// Parses a client message, naming what is wrong: malformed JSON, an unknown type, or a
/// message that does not fit its type.
fn parse(text: &str) -> Result<ClientMessage, ErrorBody> {
    let value: serde_json::Value = serde_json::from_str(text).map_err(|error| ErrorBody {
        code: "malformed_json".into(),
        message: format!("the message is not valid JSON: {error}"),
        details: serde_json::Value::Null,
    })?;
    const KNOWN: [&str; 6] = [
        "hello",
        "subscribe",
        "unsubscribe",
        "command",
        "presence",
        "ping",
    ];
    match value.get("type").and_then(|kind| kind.as_str()) {
        None => {
            return Err(ErrorBody {
                code: "invalid_message".into(),
                message: "every message is a JSON object with a `type`".into(),
                details: serde_json::Value::Null,
            })
        }
        Some(kind) if !KNOWN.contains(&kind) => {
            return Err(ErrorBody {
                code: "unknown_message_type".into(),
                message: format!(
                    "`{kind}` is not a message type; known: {}",
                    KNOWN.join(", ")
                ),
                details: json!({"type": kind, "known": KNOWN}),
            })
        }
        Some(_) => {}
    }
    serde_json::from_value(value).map_err(|error| ErrorBody {
        code: "invalid_message".into(),
        message: format!("the message does not fit its type: {error}"),
        details: serde_json::Value::Null,
    })
}
