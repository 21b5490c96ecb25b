//! The hash chain that makes the log tamper-evident, and the verifier that walks it.
//!
//! Each event's hash is BLAKE3 (in key-derivation mode, so the hashes of partnerhub events
//! cannot be confused with any other use of BLAKE3) over the canonical bytes of its body, and
//! the body contains the previous event's hash. Changing, removing or reordering any stored
//! event therefore breaks the chain at that event or the one after it, and [`ChainVerifier`]
//! says exactly where and how. The same verifier checks exports before they are imported, so
//! a broken file is refused before anything is written.
//!
//! A chain proves the log was not changed *after the head an auditor trusts*: keep the head
//! hash printed by `partnerhub verify` to detect a rewrite of the whole chain later.

use std::collections::HashMap;

use uuid::Uuid;

use super::record::{BodyRef, EventHash, OpenEnvelope, Position, RecordedEvent, StreamVersion};

const HASH_CONTEXT: &str = "partnerhub 2026-11 event chain v1";

/// Hashes the canonical bytes of an event body.
pub(crate) fn hash_body_bytes(body_bytes: &[u8]) -> EventHash {
    let mut hasher = blake3::Hasher::new_derive_key(HASH_CONTEXT);
    hasher.update(body_bytes);
    EventHash(*hasher.finalize().as_bytes())
}

/// Encodes a body canonically, straight into its stored envelope (its `Serialize` writes the
/// canonical form), and returns the envelope's bytes and the body's hash.
///
/// # Errors
/// Only if the body cannot be represented as JSON, which it always can.
pub(crate) fn seal(body: &BodyRef<'_>) -> Result<(Vec<u8>, EventHash), serde_json::Error> {
    let open = OpenEnvelope::of(body)?;
    let hash = hash_body_bytes(open.body_bytes());
    Ok((open.close(&hash), hash))
}

/// Recomputes the hash an event should have from its contents.
///
/// # Errors
/// Only if the event cannot be represented as JSON, which it always can.
pub fn hash_body(event: &RecordedEvent) -> Result<EventHash, serde_json::Error> {
    Ok(hash_body_bytes(
        OpenEnvelope::of(&event.body())?.body_bytes(),
    ))
}

/// How the log is broken, at the first place it is broken.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChainBreak {
    /// An event sits at the wrong position: a gap, a duplicate or a reordering.
    #[error("expected the event at position {expected} but found position {found}: events are missing, duplicated or out of order")]
    PositionOutOfOrder {
        /// The position the log should continue with.
        expected: Position,
        /// The position the event claims.
        found: Position,
    },
    /// The event does not chain to the hash of the event before it.
    #[error("position {position}: the event links to previous hash {found} but the event before it has hash {expected}: an event before it was changed, removed or inserted")]
    BrokenLink {
        /// The event's position.
        position: Position,
        /// The hash of the event before it.
        expected: EventHash,
        /// The previous hash the event records.
        found: EventHash,
    },
    /// The event's contents do not hash to its recorded hash.
    #[error("position {position}: the event's contents hash to {computed} but its recorded hash is {recorded}: the event was changed after it was written")]
    ContentChanged {
        /// The event's position.
        position: Position,
        /// The hash stored with the event.
        recorded: EventHash,
        /// The hash of its contents now.
        computed: EventHash,
    },
    /// A stream's versions are not 1, 2, 3, ... in log order.
    #[error("position {position}: stream {stream_id} continues at version {found} but its previous version is {previous}")]
    StreamVersionOutOfOrder {
        /// The event's position.
        position: Position,
        /// The stream.
        stream_id: Uuid,
        /// The version the stream had before this event.
        previous: StreamVersion,
        /// The version this event claims.
        found: StreamVersion,
    },
    /// The event recorded an earlier time than the event before it.
    #[error("position {position}: recorded at {found}, before the previous event's {previous}")]
    TimeWentBackwards {
        /// The event's position.
        position: Position,
        /// The previous event's time, RFC 3339.
        previous: String,
        /// This event's time, RFC 3339.
        found: String,
    },
    /// The event could not be encoded to be hashed.
    #[error("position {position}: the event cannot be encoded: {reason}")]
    Unencodable {
        /// The event's position.
        position: Position,
        /// Why.
        reason: String,
    },
}

/// Checks a log event by event, in position order, keeping only what the next check needs.
#[derive(Debug, Default)]
pub struct ChainVerifier {
    last_position: Position,
    last_hash: EventHash,
    last_recorded_at: Option<chrono::DateTime<chrono::Utc>>,
    stream_versions: HashMap<Uuid, StreamVersion>,
}

impl ChainVerifier {
    /// A verifier expecting the first event of a log.
    pub fn new() -> Self {
        ChainVerifier::default()
    }

    /// A verifier that continues a log whose last event is at `last_position` with
    /// `last_hash`, recorded at `last_recorded_at`. Stream versions come from the caller
    /// through [`ChainVerifier::check_continuing`].
    pub fn resume(
        last_position: Position,
        last_hash: EventHash,
        last_recorded_at: Option<chrono::DateTime<chrono::Utc>>,
    ) -> Self {
        ChainVerifier {
            last_position,
            last_hash,
            last_recorded_at,
            stream_versions: HashMap::new(),
        }
    }

    /// Checks the next event and remembers it.
    ///
    /// # Errors
    /// The first way in which `event` does not continue the chain.
    pub fn check(&mut self, event: &RecordedEvent) -> Result<(), ChainBreak> {
        let previous_version = self
            .stream_versions
            .get(&event.stream_id)
            .copied()
            .unwrap_or(0);
        self.check_continuing(event, previous_version)?;
        self.stream_versions
            .insert(event.stream_id, event.stream_version);
        Ok(())
    }

    /// Checks the next event given its stream's previous version, which the caller tracks.
    ///
    /// # Errors
    /// The first way in which `event` does not continue the chain.
    pub fn check_continuing(
        &mut self,
        event: &RecordedEvent,
        previous_version: StreamVersion,
    ) -> Result<(), ChainBreak> {
        let expected_position = self.last_position + 1;
        if event.position != expected_position {
            return Err(ChainBreak::PositionOutOfOrder {
                expected: expected_position,
                found: event.position,
            });
        }
        let computed = hash_body(event).map_err(|error| ChainBreak::Unencodable {
            position: event.position,
            reason: error.to_string(),
        })?;
        if computed != event.hash {
            return Err(ChainBreak::ContentChanged {
                position: event.position,
                recorded: event.hash,
                computed,
            });
        }
        if event.previous_hash != self.last_hash {
            return Err(ChainBreak::BrokenLink {
                position: event.position,
                expected: self.last_hash,
                found: event.previous_hash,
            });
        }
        if event.stream_version != previous_version + 1 {
            return Err(ChainBreak::StreamVersionOutOfOrder {
                position: event.position,
                stream_id: event.stream_id,
                previous: previous_version,
                found: event.stream_version,
            });
        }
        if let Some(previous) = self.last_recorded_at {
            if event.metadata.recorded_at < previous {
                return Err(ChainBreak::TimeWentBackwards {
                    position: event.position,
                    previous: previous.to_rfc3339(),
                    found: event.metadata.recorded_at.to_rfc3339(),
                });
            }
        }
        self.last_position = event.position;
        self.last_hash = event.hash;
        self.last_recorded_at = Some(event.metadata.recorded_at);
        Ok(())
    }

    /// How many events were verified so far (the position of the last one).
    pub fn verified(&self) -> Position {
        self.last_position
    }

    /// The hash of the last verified event: the head an auditor can keep.
    pub fn head_hash(&self) -> EventHash {
        self.last_hash
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::record::{now_for_log, EventMetadata};
    use serde_json::json;

    fn chain_of(count: u64) -> Vec<RecordedEvent> {
        let stream_id = Uuid::new_v4();
        let mut previous_hash = EventHash::GENESIS;
        let mut events = Vec::new();
        for position in 1..=count {
            let mut event = RecordedEvent {
                position,
                stream_id,
                stream_version: position,
                event_type: "OrganisationRegistered".into(),
                payload: json!({"name": format!("Partner {position}")}),
                metadata: EventMetadata {
                    workspace_id: Uuid::nil(),
                    actor: "tester".into(),
                    recorded_at: now_for_log(),
                    command_id: Uuid::new_v4(),
                    correlation_id: Uuid::nil(),
                },
                previous_hash,
                hash: EventHash::GENESIS,
            };
            event.hash = seal(&event.body()).unwrap().1;
            previous_hash = event.hash;
            events.push(event);
        }
        events
    }

    fn verify(events: &[RecordedEvent]) -> Result<Position, ChainBreak> {
        let mut verifier = ChainVerifier::new();
        for event in events {
            verifier.check(event)?;
        }
        Ok(verifier.verified())
    }

    #[test]
    fn an_intact_chain_verifies() {
        assert_eq!(verify(&chain_of(5)), Ok(5));
    }

    #[test]
    fn a_changed_payload_is_caught_at_its_position() {
        let mut events = chain_of(5);
        events[2].payload = json!({"name": "Someone else"});
        assert!(matches!(
            verify(&events),
            Err(ChainBreak::ContentChanged { position: 3, .. })
        ));
    }

    #[test]
    fn a_removed_event_is_caught_as_a_gap() {
        let mut events = chain_of(5);
        events.remove(1);
        assert_eq!(
            verify(&events),
            Err(ChainBreak::PositionOutOfOrder {
                expected: 2,
                found: 3
            })
        );
    }

    #[test]
    fn a_rehashed_change_is_caught_at_the_next_link() {
        let mut events = chain_of(4);
        events[1].payload = json!({"name": "rewritten"});
        events[1].hash = hash_body(&events[1]).unwrap();
        assert!(matches!(
            verify(&events),
            Err(ChainBreak::BrokenLink { position: 3, .. })
        ));
    }

    #[test]
    fn a_skipped_stream_version_is_caught() {
        let mut events = chain_of(2);
        events[1].stream_version = 3;
        events[1].hash = hash_body(&events[1]).unwrap();
        assert!(matches!(
            verify(&events),
            Err(ChainBreak::StreamVersionOutOfOrder {
                position: 2,
                previous: 1,
                found: 3,
                ..
            })
        ));
    }
}
