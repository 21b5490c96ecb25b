//! The machine-readable files of `protocol/`, generated from the code: the OpenAPI document,
//! JSON Schemas of every websocket message (and of commands, events and the error body), and
//! the AsyncAPI document of the websocket channel. A test fails when the checked-in files
//! differ from these; `PARTNERHUB_WRITE_PROTOCOL=1 cargo test --test protocol` rewrites them.

use schemars::gen::SchemaSettings;
use schemars::JsonSchema;
use serde_json::{json, Value};

use crate::app_state::{ErrorBody, ERROR_CODES};
use crate::domain::{Command, DomainEvent};
use crate::hub::protocol::{close_code, ClientMessage, ServerMessage, PROTOCOL_VERSION};

fn schema<T: JsonSchema>() -> Value {
    let generator = SchemaSettings::draft07().into_generator();
    serde_json::to_value(generator.into_root_schema_for::<T>()).unwrap_or(Value::Null)
}

/// The AsyncAPI 2.6 document of the websocket channel.
pub fn asyncapi_document() -> Value {
    json!({
        "asyncapi": "2.6.0",
        "info": {
            "title": "partnerhub live protocol",
            "version": PROTOCOL_VERSION.to_string(),
            "description": "JSON text frames over one websocket at /ws. The client says hello with a token, subscribes to workspaces after the last position it has seen, sends commands (answered by ack or reject) and presence; the server pushes events in log order, presence of others, and errors. See README.md beside this file for the flow, close codes and limits.",
        },
        "servers": {"local": {"url": "ws://127.0.0.1:7420/ws", "protocol": "ws"}},
        "channels": {
            "/ws": {
                "description": "One connection per client. Order of the flow: hello -> welcome; subscribe -> subscribed, then event...; command -> ack | reject; presence -> (relayed to others as presence); ping -> pong.",
                "publish": {
                    "summary": "What a client sends",
                    "message": {"oneOf": [
                        {"$ref": "#/components/messages/hello"},
                        {"$ref": "#/components/messages/subscribe"},
                        {"$ref": "#/components/messages/unsubscribe"},
                        {"$ref": "#/components/messages/command"},
                        {"$ref": "#/components/messages/presence"},
                        {"$ref": "#/components/messages/ping"},
                    ]},
                },
                "subscribe": {
                    "summary": "What the server sends",
                    "message": {"oneOf": [
                        {"$ref": "#/components/messages/welcome"},
                        {"$ref": "#/components/messages/subscribed"},
                        {"$ref": "#/components/messages/unsubscribed"},
                        {"$ref": "#/components/messages/event"},
                        {"$ref": "#/components/messages/ack"},
                        {"$ref": "#/components/messages/reject"},
                        {"$ref": "#/components/messages/presence_relayed"},
                        {"$ref": "#/components/messages/error"},
                        {"$ref": "#/components/messages/pong"},
                    ]},
                },
            },
        },
        "components": {
            "messages": {
                "hello": {"summary": "First message: authenticate with a session, an API token or a guest credential from POST /api/join (an invite token is refused)", "payload": {"$ref": "schemas/client-message.schema.json"}},
                "subscribe": {"summary": "Receive a workspace's events after a position (resume); a position beyond the head is refused (position_beyond_head), and so is one before the workspace's current state for a role without history, viewer or guest (history_forbidden)", "payload": {"$ref": "schemas/client-message.schema.json"}},
                "unsubscribe": {"summary": "Stop receiving a workspace's events", "payload": {"$ref": "schemas/client-message.schema.json"}},
                "command": {"summary": "Run a command; answered by ack or reject", "payload": {"$ref": "schemas/client-message.schema.json"}},
                "presence": {"summary": "Where I am and what I select (never logged, throttled)", "payload": {"$ref": "schemas/client-message.schema.json"}},
                "ping": {"summary": "Heartbeat", "payload": {"$ref": "schemas/client-message.schema.json"}},
                "welcome": {"summary": "Answer to hello", "payload": {"$ref": "schemas/server-message.schema.json"}},
                "subscribed": {"summary": "Answer to subscribe; events follow", "payload": {"$ref": "schemas/server-message.schema.json"}},
                "unsubscribed": {"summary": "Answer to unsubscribe", "payload": {"$ref": "schemas/server-message.schema.json"}},
                "event": {"summary": "An event of a subscribed workspace, in log order", "payload": {"$ref": "schemas/server-message.schema.json"}},
                "ack": {"summary": "A command was appended", "payload": {"$ref": "schemas/server-message.schema.json"}},
                "reject": {"summary": "A command was refused (same codes as HTTP)", "payload": {"$ref": "schemas/server-message.schema.json"}},
                "presence_relayed": {"summary": "Someone else's presence, or their leaving", "payload": {"$ref": "schemas/server-message.schema.json"}},
                "error": {"summary": "A message could not be handled", "payload": {"$ref": "schemas/server-message.schema.json"}},
                "pong": {"summary": "Answer to ping", "payload": {"$ref": "schemas/server-message.schema.json"}},
            },
        },
        "x-close-codes": {
            close_code::GOING_AWAY.to_string(): "the server is shutting down, or no answer to heartbeats (a websocket ping every 30 s) for 90 s; reconnect and resume after your last position",
            close_code::MESSAGE_TOO_BIG.to_string(): "a message far over the size limit (four times max_message_bytes)",
            close_code::UNAUTHENTICATED.to_string(): "no valid hello within 10 seconds, or an invalid token",
            close_code::ACCESS_ENDED.to_string(): "access ended while the connection was open: the token or guest invite was revoked or expired, the session expired, or the account was removed from a subscribed workspace; checked within a second of the change (within 30 s for an expiry)",
            close_code::TOO_SLOW.to_string(): "the client could not keep up even with catch-up from the store",
            close_code::TOO_MANY_CONNECTIONS.to_string(): "too many connections for this account",
        },
    })
}

/// The JSON Schema of every `code` of an error body ([`ERROR_CODES`]). The error body's own
/// schema keeps `code` a string, so that a client built against it still reads a code a newer
/// server adds.
fn error_code_schema() -> Value {
    json!({
        "$schema": "http://json-schema.org/draft-07/schema#",
        "title": "ErrorCode",
        "description": "Every code the server writes into an error body (HTTP, websocket `reject` and `error` frames, an import's refused rows).",
        "type": "string",
        "enum": ERROR_CODES,
    })
}

/// Every generated file of `protocol/`: path relative to `protocol/`, and its content.
pub fn protocol_files() -> Vec<(&'static str, String)> {
    let pretty = |value: Value| serde_json::to_string_pretty(&value).unwrap_or_default() + "\n";
    vec![
        ("openapi.json", pretty(super::openapi::document())),
        ("asyncapi.json", pretty(asyncapi_document())),
        (
            "schemas/client-message.schema.json",
            pretty(schema::<ClientMessage>()),
        ),
        (
            "schemas/server-message.schema.json",
            pretty(schema::<ServerMessage>()),
        ),
        ("schemas/command.schema.json", pretty(schema::<Command>())),
        (
            "schemas/domain-event.schema.json",
            pretty(schema::<DomainEvent>()),
        ),
        ("schemas/error.schema.json", pretty(schema::<ErrorBody>())),
        (
            "schemas/error-code.schema.json",
            pretty(error_code_schema()),
        ),
    ]
}
