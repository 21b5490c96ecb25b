//! Event frames encoded once per event and shared by every connection that passes it on.
//!
//! An event's `event` frame is the same bytes for every subscriber allowed to see it: the
//! per-connection filter decides *whether* a connection gets an event, never *what* it gets.
//! So the first subscription to pass an event on encodes its frame, and every other one takes
//! a reference-counted handle to the same bytes; on the hot path of a fan-out to thousands of
//! sockets, each connection does its filter, one short cache lookup and its write. The cache
//! keeps the frames of the most recent [`RECENT_FRAMES`] positions it was asked for (live
//! events arrive in log order, so that is the live window); an older event, wanted by a
//! subscriber catching up from the store, is encoded again once it has left the window.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, OnceLock};

use axum::extract::ws::Utf8Bytes;

use super::connection::encode;
use super::protocol::ServerMessage;
use crate::store::{Position, RecordedEvent};
use crate::sync::locked;

/// How many positions' frames the cache keeps.
pub const RECENT_FRAMES: usize = 4096;

/// A frame, encoded by whoever asks first.
type SharedFrame = Arc<OnceLock<Utf8Bytes>>;

/// The frames of recent events, by global position (see the module's documentation).
#[derive(Default)]
pub struct EventFrames {
    recent: Mutex<RecentFrames>,
}

#[derive(Default)]
struct RecentFrames {
    by_position: HashMap<Position, SharedFrame>,
    /// Positions in the order they were first asked for, oldest first, for eviction.
    order: VecDeque<Position>,
}

impl EventFrames {
    /// The `event` frame of `event`, encoded at most once while it is in the window.
    pub fn frame(&self, event: &RecordedEvent) -> Utf8Bytes {
        let shared = {
            let mut recent = locked(&self.recent);
            recent.shared(event.position)
        };
        // Encoding happens outside the lock; others asking meanwhile wait on this cell only.
        shared
            .get_or_init(|| Utf8Bytes::from(encode(&event_frame(event))))
            .clone()
    }
}

impl RecentFrames {
    fn shared(&mut self, position: Position) -> SharedFrame {
        if let Some(shared) = self.by_position.get(&position) {
            return shared.clone();
        }
        let shared = SharedFrame::default();
        self.by_position.insert(position, shared.clone());
        self.order.push_back(position);
        while self.order.len() > RECENT_FRAMES {
            if let Some(oldest) = self.order.pop_front() {
                self.by_position.remove(&oldest);
            }
        }
        shared
    }
}

/// The protocol's `event` message for a recorded event.
pub fn event_frame(event: &RecordedEvent) -> ServerMessage {
    ServerMessage::Event {
        workspace_id: event.metadata.workspace_id,
        position: event.position,
        version: event.stream_version,
        event_type: event.event_type.clone(),
        payload: event.payload.clone(),
        actor: event.metadata.actor.clone(),
        recorded_at: event.metadata.recorded_at,
        command_id: event.metadata.command_id,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn recorded(position: Position, text: &str) -> RecordedEvent {
        let ids = uuid::Uuid::from_u128;
        RecordedEvent {
            position,
            stream_id: ids(1),
            stream_version: position,
            event_type: "NoteAdded".to_owned(),
            payload: serde_json::json!({ "text": text }),
            metadata: crate::store::EventMetadata {
                actor: "alice".to_owned(),
                command_id: ids(2),
                correlation_id: ids(2),
                recorded_at: chrono::DateTime::UNIX_EPOCH,
                workspace_id: ids(3),
            },
            previous_hash: crate::store::EventHash::GENESIS,
            hash: crate::store::EventHash::GENESIS,
        }
    }

    #[test]
    fn a_frame_is_the_encoded_event_message_and_is_shared() {
        let frames = EventFrames::default();
        let event = recorded(7, "first");
        let first = frames.frame(&event);
        assert_eq!(first.as_str(), encode(&event_frame(&event)));
        let second = frames.frame(&event);
        // The same bytes, not a second encoding.
        assert_eq!(first.as_str().as_ptr(), second.as_str().as_ptr());
    }

    #[test]
    fn frames_leave_the_window_oldest_first() {
        let frames = EventFrames::default();
        let oldest = frames.frame(&recorded(1, "old"));
        for position in 2..=(RECENT_FRAMES as u64 + 1) {
            frames.frame(&recorded(position, "filler"));
        }
        let again = frames.frame(&recorded(1, "old"));
        assert_eq!(oldest.as_str(), again.as_str());
        assert_ne!(oldest.as_str().as_ptr(), again.as_str().as_ptr());
        let recent = frames.frame(&recorded(RECENT_FRAMES as u64, "filler"));
        assert_eq!(
            recent.as_str().as_ptr(),
            frames
                .frame(&recorded(RECENT_FRAMES as u64, "filler"))
                .as_str()
                .as_ptr()
        );
    }
}
