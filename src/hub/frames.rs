//! Event frames encoded once per event and redaction, and shared by every connection that
//! passes the event on that way.
//!
//! What a subscriber gets of an event is decided by [`crate::visibility`]: the whole event,
//! the event without its `actor`, or a placeholder for another's private note. Each of those
//! is the same bytes for every subscriber it applies to, so the cache is keyed by the
//! event's position *and* the redaction: the first subscription to pass an event on in one
//! way encodes that frame, and every other one takes a reference-counted handle to the same
//! bytes; on the hot path of a fan-out to thousands of sockets, each connection does its
//! filter, one short cache lookup and its write. The cache keeps the frames of the most
//! recent [`RECENT_FRAMES`] frames it was asked for (live events arrive in log order, so
//! that is the live window); an older event, wanted by a subscriber catching up from the
//! store, is encoded again once it has left the window.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, OnceLock};

use axum::extract::ws::Utf8Bytes;

use super::connection::encode;
use super::protocol::ServerMessage;
use crate::store::{Position, RecordedEvent};
use crate::sync::locked;
use crate::visibility::{placeholder_payload, Seen, PRIVATE_NOTE_ADDED};

/// How many frames (an event's in one redaction each) the cache keeps.
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
    /// By position and redaction.
    by_key: HashMap<(Position, Seen), SharedFrame>,
    /// Keys in the order they were first asked for, oldest first, for eviction.
    order: VecDeque<(Position, Seen)>,
}

impl EventFrames {
    /// The `event` frame of `event` as `seen`, encoded at most once while it is in the
    /// window; `None` when nothing of it is seen.
    ///
    /// `reader` is whose the frame is, named in a [`Seen::Own`] frame: every reader of such
    /// a frame is the one person whose sealed name the event carries, so it is shared too.
    pub fn frame(&self, event: &RecordedEvent, seen: Seen, reader: &str) -> Option<Utf8Bytes> {
        if seen == Seen::Nothing {
            return None;
        }
        let shared = {
            let mut recent = locked(&self.recent);
            recent.shared((event.position, seen))
        };
        // Encoding happens outside the lock; others asking meanwhile wait on this cell only.
        let frame = shared.get_or_init(|| {
            Utf8Bytes::from(
                event_frame(event, seen, reader)
                    .map(|message| encode(&message))
                    .unwrap_or_default(),
            )
        });
        Some(frame.clone())
    }
}

impl RecentFrames {
    fn shared(&mut self, key: (Position, Seen)) -> SharedFrame {
        if let Some(shared) = self.by_key.get(&key) {
            return shared.clone();
        }
        let shared = SharedFrame::default();
        self.by_key.insert(key, shared.clone());
        self.order.push_back(key);
        while self.order.len() > RECENT_FRAMES {
            if let Some(oldest) = self.order.pop_front() {
                self.by_key.remove(&oldest);
            }
        }
        shared
    }
}

/// The protocol's `event` message for a recorded event as `seen` (`None` for
/// [`Seen::Nothing`]).
pub fn event_frame(event: &RecordedEvent, seen: Seen, reader: &str) -> Option<ServerMessage> {
    let (event_type, payload, actor) = match seen {
        Seen::Nothing => return None,
        Seen::Whole => (
            event.event_type.clone(),
            event.payload.clone(),
            Some(event.metadata.actor.clone()),
        ),
        Seen::WithoutActor => (event.event_type.clone(), event.payload.clone(), None),
        Seen::Own => (
            event.event_type.clone(),
            event.payload.clone(),
            Some(reader.to_owned()),
        ),
        Seen::Placeholder => (
            PRIVATE_NOTE_ADDED.to_owned(),
            placeholder_payload(&event.payload),
            None,
        ),
    };
    Some(ServerMessage::Event {
        workspace_id: event.metadata.workspace_id,
        position: event.position,
        version: event.stream_version,
        event_type,
        payload,
        actor,
        recorded_at: event.metadata.recorded_at,
        command_id: event.metadata.command_id,
    })
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

    /// The frame of `event` seen whole.
    fn whole(frames: &EventFrames, event: &RecordedEvent) -> Utf8Bytes {
        frames
            .frame(event, Seen::Whole, "alice")
            .unwrap_or_else(|| Utf8Bytes::from_static("none"))
    }

    #[test]
    fn a_frame_is_the_encoded_event_message_and_is_shared() {
        let frames = EventFrames::default();
        let event = recorded(7, "first");
        let first = whole(&frames, &event);
        let expected = event_frame(&event, Seen::Whole, "alice").map(|message| encode(&message));
        assert_eq!(Some(first.as_str().to_owned()), expected);
        let second = whole(&frames, &event);
        // The same bytes, not a second encoding.
        assert_eq!(first.as_str().as_ptr(), second.as_str().as_ptr());
    }

    #[test]
    fn each_redaction_is_its_own_frame() {
        let frames = EventFrames::default();
        let event = recorded(7, "secret");
        let whole = whole(&frames, &event);
        assert!(whole.as_str().contains("alice") && whole.as_str().contains("secret"));
        let Some(anonymous) = frames.frame(&event, Seen::WithoutActor, "bob") else {
            panic!("a frame without the actor")
        };
        assert!(!anonymous.as_str().contains("alice") && anonymous.as_str().contains("secret"));
        let Some(placeholder) = frames.frame(&event, Seen::Placeholder, "bob") else {
            panic!("a placeholder frame")
        };
        assert!(!placeholder.as_str().contains("alice"));
        assert!(!placeholder.as_str().contains("secret"));
        assert!(placeholder.as_str().contains(PRIVATE_NOTE_ADDED));
        assert_eq!(frames.frame(&event, Seen::Nothing, "bob"), None);
    }

    #[test]
    fn frames_leave_the_window_oldest_first() {
        let frames = EventFrames::default();
        let oldest = whole(&frames, &recorded(1, "old"));
        for position in 2..=(RECENT_FRAMES as u64 + 1) {
            whole(&frames, &recorded(position, "filler"));
        }
        let again = whole(&frames, &recorded(1, "old"));
        assert_eq!(oldest.as_str(), again.as_str());
        assert_ne!(oldest.as_str().as_ptr(), again.as_str().as_ptr());
        let recent = whole(&frames, &recorded(RECENT_FRAMES as u64, "filler"));
        assert_eq!(
            recent.as_str().as_ptr(),
            whole(&frames, &recorded(RECENT_FRAMES as u64, "filler"))
                .as_str()
                .as_ptr()
        );
    }
}
