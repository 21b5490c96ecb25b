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
//! The socket is split: a writer task ([`writer`]) drains a bounded queue of outgoing frames
//! ([`outbox`]) into the socket; the connection task reads frames and hands each message to its
//! [`session::Session`], which answers it (one method per message, the answer written straight
//! into the socket when nothing queued is still unwritten) and relays presence. Each
//! subscription ([`follow`]) is its own task catching up from the log and pushing frames into
//! the same queue; once caught up, the hub's [`fanout`](crate::hub::fanout) pushes the live
//! events into the queue and the subscription's task sleeps until it is handed back.

mod follow;
pub(crate) mod outbox;
mod session;
mod writer;

use self::outbox::Outbox;
use self::session::{Next, Session};

use std::time::{Duration, Instant};

use axum::extract::ws::{Message, Utf8Bytes, WebSocket, WebSocketUpgrade};
use axum::extract::State;
use axum::response::Response;
use futures_util::StreamExt;
use serde_json::json;
use tokio_util::sync::CancellationToken;

use super::protocol::{close_code, ClientMessage, ServerMessage};
use crate::app_state::{AppState, ErrorBody};

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
/// How often an open connection looks whether the accounts changed (when they did, its
/// credential and its roles in the subscribed workspaces are checked again) and whether a
/// heartbeat is due.
const ACCESS_CHECK: Duration = Duration::from_secs(1);
/// How often the credential is checked again even when the accounts did not change (a
/// session or an invite that reached its expiry).
const ACCESS_RECHECK: Duration = Duration::from_secs(30);

pub(crate) enum Outgoing {
    /// A text frame; event frames share their bytes with every other connection's.
    Text(Utf8Bytes),
    Ping,
    /// Flush what the connection's task left in the socket (see [`writer::write_now`]).
    Flush,
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

async fn serve_connection(socket: WebSocket, state: AppState) {
    let (sink, mut stream) = socket.split();
    let sink = std::sync::Arc::new(tokio::sync::Mutex::new(sink));
    let (out, outgoing) = Outbox::channel(state.limits.connection_queue.max(1));
    // Cancelled when a subscription finds the client too slow: the writer then stops waiting
    // for the socket, queues the 4008 close behind what the socket already holds, and ends.
    let too_slow = CancellationToken::new();
    let writer = tokio::spawn(writer::write_frames(
        sink.clone(),
        outgoing,
        out.unwritten().clone(),
        too_slow.clone(),
    ));

    let mut session = Session::new(state.clone(), out, sink, too_slow.clone());
    // The loop below polls every enabled branch each time the task wakes, that is for every
    // frame the client sends: what it polls is kept cheap. The shutdown is watched through a
    // token of the connection's own (the hub's is shared by every connection, and a wait on
    // it registers under its lock), and both waits live across the turns instead of being
    // registered and withdrawn again for each frame. One timer serves the heartbeat and the
    // access checks; the others' presence is polled only while the connection follows a
    // workspace (see `Session::next_presence`).
    let shutdown = state.hub.shutdown.child_token();
    let shutting_down = shutdown.cancelled();
    tokio::pin!(shutting_down);
    let found_too_slow = too_slow.cancelled();
    tokio::pin!(found_too_slow);
    let hello_deadline = tokio::time::sleep(HELLO_TIMEOUT);
    tokio::pin!(hello_deadline);
    let mut ticks = tokio::time::interval(ACCESS_CHECK);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut last_beat: Option<Instant> = None;
    let mut last_heard = Instant::now();
    let closing = loop {
        tokio::select! {
            () = &mut shutting_down => {
                break Some((close_code::GOING_AWAY, "the server is shutting down; reconnect and resume after your last position".to_owned()));
            }
            // The writer sends the 4008 close itself, behind what the socket holds.
            () = &mut found_too_slow => break Some((close_code::TOO_SLOW, String::new())),
            _ = ticks.tick() => {
                // The heartbeat: the first tick at once, then every HEARTBEAT.
                if last_beat.is_none_or(|beat| beat.elapsed() >= HEARTBEAT) {
                    if last_heard.elapsed() > HEARTBEAT * 3 {
                        break Some((close_code::GOING_AWAY, "no answer to heartbeats for 90 seconds".to_owned()));
                    }
                    last_beat = Some(Instant::now());
                    // The client's websocket library answers with a pong, which counts as heard.
                    session.ping();
                }
                if session.authenticated() {
                    if let Some(ended) = session.access_ended().await {
                        break Some(ended);
                    }
                }
            }
            () = &mut hello_deadline, if !session.authenticated() => {
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
            relayed = session.next_presence(), if session.follows_any() => {
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

/// A `command` message, read straight into its fields. Read as the internally tagged
/// [`ClientMessage`], every command was first buffered whole as generic content (its keys
/// and strings copied) to find its `type`, then read again from that.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct CommandMessage {
    #[serde(rename = "type")]
    _kind: CommandType,
    workspace_id: uuid::Uuid,
    command_id: uuid::Uuid,
    command: crate::domain::Command,
}

/// The only `type` a [`CommandMessage`] has.
#[derive(serde::Deserialize)]
enum CommandType {
    #[serde(rename = "command")]
    Command,
}

/// Parses a client message, naming what is wrong: malformed JSON, an unknown type, or a
/// message that does not fit its type. A well-formed message is read straight into its type
/// (a command, the most frequent, without buffering it first); only a message that does not
/// read is looked at again, as a JSON value, to say why (so every command does not pay for a
/// tree of values it throws away).
fn parse(text: &str) -> Result<ClientMessage, ErrorBody> {
    if let Ok(CommandMessage {
        workspace_id,
        command_id,
        command,
        ..
    }) = serde_json::from_str(text)
    {
        return Ok(ClientMessage::Command {
            workspace_id,
            command_id,
            command,
        });
    }
    match serde_json::from_str(text) {
        Ok(message) => Ok(message),
        Err(_) => explain_unreadable(text),
    }
}

/// Why `text` is not a client message (or, should it read after all, the message).
fn explain_unreadable(text: &str) -> Result<ClientMessage, ErrorBody> {
    let value: serde_json::Value = serde_json::from_str(text).map_err(|error| ErrorBody {
        code: "malformed_json".into(),
        message: format!("the message is not valid JSON: {error}"),
        details: serde_json::Value::Null,
    })?;
    const KNOWN: [&str; 7] = [
        "hello",
        "subscribe",
        "unsubscribe",
        "command",
        "presence",
        "summon",
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

#[cfg(test)]
mod tests {
    use super::*;

    /// What the message reads as without the shortcut for commands.
    fn as_client_message(text: &str) -> Result<ClientMessage, String> {
        serde_json::from_str::<ClientMessage>(text).map_err(|error| error.to_string())
    }

    #[test]
    fn a_command_reads_as_the_client_message_it_is() {
        let workspace_id = uuid::Uuid::new_v4();
        let command_id = uuid::Uuid::new_v4();
        let organisation_id = uuid::Uuid::new_v4();
        let text = json!({
            "type": "command",
            "workspace_id": workspace_id,
            "command_id": command_id,
            "command": {
                "type": "ChangeRelationLevel",
                "organisation_id": organisation_id,
                "to": "collaboration",
                "reason": "Vi mødes hver måned"
            }
        })
        .to_string();
        let expected = as_client_message(&text).expect("a valid command");
        assert!(matches!(expected, ClientMessage::Command { .. }));
        assert_eq!(parse(&text).ok(), Some(expected));
        // The keys in another order read the same.
        let reordered = format!(
            r#"{{"command_id":"{command_id}","command":{{"type":"ChangeRelationLevel","organisation_id":"{organisation_id}","to":"collaboration","reason":"Vi mødes hver måned"}},"workspace_id":"{workspace_id}","type":"command"}}"#
        );
        assert_eq!(parse(&reordered).ok(), as_client_message(&reordered).ok());
    }

    #[test]
    fn what_is_not_a_well_formed_command_is_read_and_explained_as_before() {
        let workspace_id = uuid::Uuid::new_v4();
        let unknown_field = format!(
            r#"{{"type":"command","workspace_id":"{workspace_id}","command_id":"{workspace_id}","command":{{"type":"ArchiveWorkspace"}},"extra":1}}"#
        );
        let error = parse(&unknown_field).expect_err("an unknown field is refused");
        assert_eq!(error.code, "invalid_message");
        let ping = r#"{"type":"ping","nonce":"7"}"#;
        assert_eq!(parse(ping).ok(), as_client_message(ping).ok());
        assert!(matches!(parse(ping), Ok(ClientMessage::Ping { .. })));
        let unknown = parse(r#"{"type":"shout"}"#).expect_err("no such type");
        assert_eq!(unknown.code, "unknown_message_type");
        let malformed = parse(r#"{"type":"command""#).expect_err("cut short");
        assert_eq!(malformed.code, "malformed_json");
    }
}
