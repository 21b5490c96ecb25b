//! Fuzz target `client_message`: arbitrary bytes as a websocket text frame, read the way the
//! hub reads one, and as an HTTP command body.
//!
//! The hub's own parser (`parse` in `src/hub/connection.rs`) is private, so this repeats its
//! steps on the public types: the frame must be UTF-8 (websocket text frames are), then JSON,
//! then an object with a `type`, then a [`ClientMessage`]. A command body of
//! `POST /api/workspaces/{id}/commands` is read as a [`Command`] straight from the bytes.
//! Nothing may panic, and whatever is accepted must survive being written out and read back
//! unchanged, because the server echoes commands into events and examples.
#![no_main]

use libfuzzer_sys::fuzz_target;
use partnerhub::domain::Command;
use partnerhub::hub::protocol::ClientMessage;

fuzz_target!(|data: &[u8]| {
    if let Ok(command) = serde_json::from_slice::<Command>(data) {
        let text = serde_json::to_string(&command).expect("an accepted command can be written");
        let again: Command = serde_json::from_str(&text).expect("a written command reads back");
        assert_eq!(again, command);
    }

    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(value) = serde_json::from_str::<serde_json::Value>(text) else {
        return;
    };
    if value.get("type").and_then(|kind| kind.as_str()).is_none() {
        return;
    }
    let Ok(message) = serde_json::from_value::<ClientMessage>(value) else {
        return;
    };
    let text = serde_json::to_string(&message).expect("an accepted message can be written");
    let again: ClientMessage = serde_json::from_str(&text).expect("a written message reads back");
    // Presence cursors are floats, which serde_json's default parser may read back one unit in
    // the last place off; every other message must come back exactly.
    if !matches!(message, ClientMessage::Presence { .. }) {
        assert_eq!(again, message);
    }
});
