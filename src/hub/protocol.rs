//! The websocket protocol's messages: what a client sends ([`ClientMessage`]) and what the
//! server sends ([`ServerMessage`]), as JSON text frames with a `type` field. The JSON
//! Schemas in `protocol/` are generated from these types.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use uuid::Uuid;

use crate::app_state::ErrorBody;
use crate::domain::vocabulary::Zone;
use crate::domain::Command;

/// The protocol's version, sent in `welcome`.
pub const PROTOCOL_VERSION: u32 = 1;

/// Close codes the server uses, documented in `protocol/README.md`.
pub mod close_code {
    /// The server is shutting down ("going away").
    pub const GOING_AWAY: u16 = 1001;
    /// A message larger than the hard limit.
    pub const MESSAGE_TOO_BIG: u16 = 1009;
    /// No valid `hello` in time, or the token stopped being valid.
    pub const UNAUTHENTICATED: u16 = 4001;
    /// The connection's access ended while it was open: its token or guest invite was
    /// revoked or expired, its session expired, or its account was removed from a
    /// subscribed workspace.
    pub const ACCESS_ENDED: u16 = 4003;
    /// The client could not keep up even with catch-up from the store.
    pub const TOO_SLOW: u16 = 4008;
    /// Too many connections for this account.
    pub const TOO_MANY_CONNECTIONS: u16 = 4029;
}

/// A pointer position on a board or map.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Cursor {
    /// Horizontal.
    pub x: f64,
    /// Vertical.
    pub y: f64,
}

/// A node of the network map being dragged, and where it is now: live, before the drop is
/// recorded (`PlaceNode`).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Dragging {
    /// The node (as in the network view and `PlaceNode`).
    pub node_id: Uuid,
    /// Horizontal place, in map units (as `PlaceNode`'s).
    pub x: f64,
    /// Vertical place, in map units.
    pub y: f64,
}

/// What a client sends.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum ClientMessage {
    /// The first message: authenticate with a session or API token.
    Hello {
        /// A token from `POST /api/login`, an API token, or a guest credential from
        /// `POST /api/join` (an invite token itself is refused).
        token: String,
    },
    /// Receive a workspace's events, in log order, after a position.
    Subscribe {
        /// The workspace.
        workspace_id: Uuid,
        /// The last position the client has seen: it gets every later event of the workspace,
        /// first from the store, then live. Absent: only events from now on. Beyond the end
        /// of the log: `error position_beyond_head`. Roles without history (viewer, guest)
        /// may not start before the workspace's current position: `error history_forbidden`.
        #[serde(default)]
        after_position: Option<u64>,
        /// Only events of this board (guests must give their board).
        #[serde(default)]
        board_id: Option<Uuid>,
        /// Only events of this partnership.
        #[serde(default)]
        partnership_id: Option<Uuid>,
    },
    /// Stop receiving a workspace's events.
    Unsubscribe {
        /// The workspace.
        workspace_id: Uuid,
    },
    /// Run a command; answered by `ack` or `reject` with the same `command_id`.
    Command {
        /// The workspace.
        workspace_id: Uuid,
        /// Chosen by the client; resending it after a lost answer returns the first outcome.
        command_id: Uuid,
        /// The command (the same as over HTTP).
        command: Command,
    },
    /// Where the client is and what it selects: relayed to the others, never logged.
    Presence {
        /// The workspace.
        workspace_id: Uuid,
        /// The board it is on, if any.
        #[serde(default)]
        board_id: Option<Uuid>,
        /// What it selects (a node, a note), if anything.
        #[serde(default)]
        selection: Option<Uuid>,
        /// Its pointer.
        #[serde(default)]
        cursor: Option<Cursor>,
        /// The map node it is dragging and where to (map presence only, no board; relayed
        /// only from roles that may run commands). Send presence without it when the drag
        /// ends, and record the drop with `PlaceNode`.
        #[serde(default)]
        dragging: Option<Dragging>,
        /// The zone of the board it is on (board presence only); its `cursor` is then a
        /// place within that zone, each coordinate from 0 to 1, so that screens of any size
        /// show it in the same spot.
        #[serde(default)]
        zone: Option<Zone>,
    },
    /// "Bring everyone here": the facilitator of a board takes everyone on it to the zone
    /// they are looking at. Relayed to everyone on the board as `summoned`, never logged;
    /// anyone but the board's facilitator is answered `error not_facilitator`.
    Summon {
        /// The workspace.
        workspace_id: Uuid,
        /// The board.
        board_id: Uuid,
        /// The zone to look at (absent: the top of the board).
        #[serde(default)]
        zone: Option<Zone>,
    },
    /// Heartbeat; answered by `pong` with the same nonce.
    Ping {
        /// Anything, echoed back.
        #[serde(default)]
        nonce: Option<String>,
    },
}

/// What the server sends.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ServerMessage {
    /// The answer to a valid `hello`.
    Welcome {
        /// Who the token belongs to (the actor of their events).
        actor: String,
        /// The protocol's version.
        protocol: u32,
        /// The server's time.
        server_time: DateTime<Utc>,
        /// The log's head position now.
        head_position: u64,
        /// Largest message, in bytes.
        max_message_bytes: usize,
        /// Commands per second allowed.
        commands_per_second: u32,
    },
    /// The answer to `subscribe`; events follow.
    Subscribed {
        /// The workspace.
        workspace_id: Uuid,
        /// Events after this position follow.
        after_position: u64,
        /// The log's head position when subscribing.
        head_position: u64,
    },
    /// The answer to `unsubscribe`.
    Unsubscribed {
        /// The workspace.
        workspace_id: Uuid,
    },
    /// An event of a subscribed workspace, in log order. Positions are global: a
    /// subscription sees only its workspace's (and scope's) events, so they are increasing
    /// but not contiguous. Keep the last one to resume.
    Event {
        /// The workspace.
        workspace_id: Uuid,
        /// Global position.
        position: u64,
        /// Version within the workspace.
        version: u64,
        /// The event's type, e.g. `NoteAdded`; `PrivateNoteAdded` is the placeholder a
        /// subscriber gets for another's note written in private writing.
        event_type: String,
        /// Its data. For `PrivateNoteAdded` (the placeholder of another's note written
        /// privately): only `board_id`, `note_id` and `zone`.
        payload: Value,
        /// Who made the change; absent where the board's secrecy hides it from this
        /// subscriber (anonymous phases, private notes, votes of an anonymous vote).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        actor: Option<String>,
        /// When the log recorded it.
        recorded_at: DateTime<Utc>,
        /// The command that produced it.
        command_id: Uuid,
    },
    /// A command was appended.
    Ack {
        /// The command.
        command_id: Uuid,
        /// Position of its first event.
        first_position: u64,
        /// Position of its last event.
        last_position: u64,
        /// True when this command id had run before (first outcome returned again).
        deduplicated: bool,
    },
    /// A command was refused; same codes as HTTP.
    Reject {
        /// The command.
        command_id: Uuid,
        /// Why.
        error: ErrorBody,
    },
    /// Someone's presence (or their leaving, with `left`). Right after `subscribed`, the
    /// last presence of everyone already there follows, one such message each.
    Presence {
        /// The workspace.
        workspace_id: Uuid,
        /// Who.
        actor: String,
        /// Their connection (one person may have several).
        connection_id: Uuid,
        /// The board, if any.
        board_id: Option<Uuid>,
        /// What they select.
        selection: Option<Uuid>,
        /// Their pointer.
        cursor: Option<Cursor>,
        /// The map node they are dragging and where it is now (absent: none).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        dragging: Option<Dragging>,
        /// The zone of the board they are on, where pointers are shown (absent: none, or
        /// hidden in this phase); their `cursor` is then a place within it.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        zone: Option<Zone>,
        /// Their name for people (an account's name, a guest's chosen name; absent when they
        /// left).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        name: Option<String>,
        /// They left.
        left: bool,
    },
    /// The board's facilitator brings everyone on it to where they are: show this zone.
    /// Ephemeral, like presence: sent to those on the board now, never logged.
    Summoned {
        /// The workspace.
        workspace_id: Uuid,
        /// The board.
        board_id: Uuid,
        /// The facilitator who asked.
        facilitator: String,
        /// The zone to show (absent: the top of the board).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        zone: Option<Zone>,
    },
    /// A message could not be handled; the connection stays open unless a close follows.
    Error {
        /// Why.
        error: ErrorBody,
    },
    /// The answer to `ping`.
    Pong {
        /// The ping's nonce.
        nonce: Option<String>,
    },
}
