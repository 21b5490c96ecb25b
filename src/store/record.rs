//! The shape of one event in the log, and its one canonical encoding.
//!
//! An event is written once and never changed, so its bytes must mean the same thing forever:
//! the hash chain, `verify`, export files and a future PostgreSQL copy all depend on every
//! writer producing the same bytes for the same event. This module owns that encoding:
//! JSON with object keys sorted and no insignificant white space ([`canonical_json`]), wrapped
//! in an envelope `{"event":{...},"hash":"<hex>"}` whose `hash` is the BLAKE3 hash of exactly
//! the bytes of the `event` value (see [`crate::store::chain`]).

use std::fmt;

use chrono::{DateTime, SubsecRound, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use uuid::Uuid;

/// Global position of an event in the log: 1 for the first event, gap-free, strictly increasing.
/// Position 0 means "before the first event".
pub type Position = u64;

/// Version of a stream: 1 for its first event; 0 means the stream has no events yet.
pub type StreamVersion = u64;

/// A 32-byte BLAKE3 hash, written as 64 lower-case hex digits.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct EventHash(pub [u8; 32]);

impl EventHash {
    /// The hash the first event of a log chains to: 32 zero bytes.
    pub const GENESIS: EventHash = EventHash([0; 32]);

    /// The hash as 64 lower-case hex digits.
    pub fn to_hex(&self) -> String {
        hex::encode(self.0)
    }

    /// Parses 64 hex digits.
    ///
    /// # Errors
    /// A message naming what is wrong when `text` is not 64 hex digits.
    pub fn from_hex(text: &str) -> Result<Self, String> {
        let mut bytes = [0u8; 32];
        hex::decode_to_slice(text, &mut bytes)
            .map_err(|error| format!("`{text}` is not a 64-digit hex hash: {error}"))?;
        Ok(EventHash(bytes))
    }
}

impl fmt::Debug for EventHash {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "EventHash({})", self.to_hex())
    }
}

impl fmt::Display for EventHash {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(&self.to_hex())
    }
}

impl Serialize for EventHash {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        // Into a buffer on the stack: every event's encoding writes two hashes.
        let mut digits = [0u8; 64];
        hex::encode_to_slice(self.0, &mut digits).map_err(serde::ser::Error::custom)?;
        let text = std::str::from_utf8(&digits).map_err(serde::ser::Error::custom)?;
        serializer.serialize_str(text)
    }
}

impl<'de> Deserialize<'de> for EventHash {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        EventHash::from_hex(&text).map_err(serde::de::Error::custom)
    }
}

/// Who asked for a change and on behalf of which command: the caller's part of the metadata.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommandContext {
    /// The workspace (one library or library system) the change belongs to.
    pub workspace_id: Uuid,
    /// Who made the change: an account name, a token's label or `system`.
    pub actor: String,
    /// Chosen by the client for each command; a retry with the same id returns the first result.
    pub command_id: Uuid,
    /// Ties together the commands of one piece of work (a workshop, an import); often the
    /// command id itself.
    pub correlation_id: Uuid,
    /// When the change happened, for history brought in from before the log (the demo's
    /// story, an import of earlier work); `None` (the rule) records the moment of the append.
    /// The log still never goes back in time: a time before the previous event's, or after
    /// now, is recorded as that event's time or as now.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub happened_at: Option<DateTime<Utc>>,
}

/// Metadata recorded with every event: the caller's [`CommandContext`] plus the time the log
/// recorded it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventMetadata {
    // Fields are in alphabetical order: serialized as declared, that is the canonical order.
    /// Who made the change.
    pub actor: String,
    /// The command that produced the event.
    pub command_id: Uuid,
    /// The piece of work the command belongs to.
    pub correlation_id: Uuid,
    /// When the log recorded the event, in UTC with microsecond precision. Never earlier than
    /// the event before it in the log, so "as of a time" is a position.
    pub recorded_at: DateTime<Utc>,
    /// The workspace the event belongs to.
    pub workspace_id: Uuid,
}

/// An event as the caller hands it to the log: a type name and a JSON payload.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NewEvent {
    /// The event's type name in past tense, for example `PartnershipScreened`.
    pub event_type: String,
    /// The event's data. Its meaning belongs to the domain; the log only keeps it.
    pub payload: Value,
}

impl NewEvent {
    /// An event of `event_type` carrying `payload`.
    pub fn new(event_type: impl Into<String>, payload: Value) -> Self {
        NewEvent {
            event_type: event_type.into(),
            payload,
        }
    }
}

/// An event as the log recorded it: position, stream, metadata and its place in the hash chain.
#[derive(Clone, Debug, PartialEq)]
pub struct RecordedEvent {
    /// Global position in the log.
    pub position: Position,
    /// The stream (one aggregate: a partnership, an organisation, a board) it belongs to.
    pub stream_id: Uuid,
    /// Its version within the stream.
    pub stream_version: StreamVersion,
    /// The event's type name.
    pub event_type: String,
    /// The event's data.
    pub payload: Value,
    /// Who, when, and on behalf of which command.
    pub metadata: EventMetadata,
    /// The hash of the event before it in the log ([`EventHash::GENESIS`] for the first).
    pub previous_hash: EventHash,
    /// The hash of this event's canonical body; see [`crate::store::chain::hash_body`].
    pub hash: EventHash,
}

/// The hashed part of a recorded event as it is read back: everything but its own hash.
#[derive(Deserialize)]
pub(crate) struct EventBody {
    pub(crate) event_type: String,
    pub(crate) metadata: EventMetadata,
    pub(crate) payload: Value,
    pub(crate) position: Position,
    pub(crate) previous_hash: EventHash,
    pub(crate) stream_id: Uuid,
    pub(crate) stream_version: StreamVersion,
}

/// The hashed part of a recorded event as it is written: everything but its own hash,
/// borrowed from the event (sealing, verifying or exporting an event copies none of it).
/// Fields are in alphabetical order and the payload is written with sorted keys, so
/// `serde_json` writes the canonical encoding directly; the field names are
/// [`EventBody`]'s.
#[derive(Serialize)]
pub(crate) struct BodyRef<'a> {
    event_type: &'a str,
    metadata: &'a EventMetadata,
    #[serde(serialize_with = "serialize_canonical")]
    payload: &'a Value,
    position: Position,
    previous_hash: EventHash,
    stream_id: Uuid,
    stream_version: StreamVersion,
}

/// The stored and exported form: `{"event": <body>, "hash": "<hex>"}`.
#[derive(Deserialize)]
struct Envelope {
    event: EventBody,
    hash: EventHash,
}

impl RecordedEvent {
    /// The hashed body, borrowed.
    pub(crate) fn body(&self) -> BodyRef<'_> {
        BodyRef {
            event_type: &self.event_type,
            metadata: &self.metadata,
            payload: &self.payload,
            position: self.position,
            previous_hash: self.previous_hash,
            stream_id: self.stream_id,
            stream_version: self.stream_version,
        }
    }

    /// Joins a body and its hash.
    pub(crate) fn from_body(body: EventBody, hash: EventHash) -> Self {
        RecordedEvent {
            position: body.position,
            stream_id: body.stream_id,
            stream_version: body.stream_version,
            event_type: body.event_type,
            payload: body.payload,
            metadata: body.metadata,
            previous_hash: body.previous_hash,
            hash,
        }
    }

    /// The canonical stored bytes of this event (one export line without its newline), with
    /// the hash it records.
    ///
    /// # Errors
    /// Only if the payload cannot be represented as JSON, which a `Value` always can.
    pub fn to_canonical_bytes(&self) -> Result<Vec<u8>, serde_json::Error> {
        Ok(OpenEnvelope::of(&self.body())?.close(&self.hash))
    }

    /// Decodes stored or exported bytes. The hash is not checked here; the chain verifier
    /// does that.
    ///
    /// # Errors
    /// The JSON error when the bytes are not an event envelope.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, serde_json::Error> {
        let envelope: Envelope = serde_json::from_slice(bytes)?;
        Ok(RecordedEvent::from_body(envelope.event, envelope.hash))
    }
}

/// What the stored envelope starts with; the body's canonical bytes follow.
const ENVELOPE_HEAD: &[u8] = b"{\"event\":";
/// Room for a typical event's envelope (about 900 bytes) in one allocation.
const ENVELOPE_CAPACITY: usize = 1024;

/// The stored envelope being written, `{"event":` and the body's canonical bytes, its hash
/// still to come: the body is encoded once, straight into the buffer that is stored, and
/// hashed where it lies.
pub(crate) struct OpenEnvelope(Vec<u8>);

impl OpenEnvelope {
    /// `{"event":` and `body`'s canonical bytes.
    ///
    /// # Errors
    /// Only if the payload cannot be represented as JSON, which a `Value` always can.
    pub(crate) fn of(body: &BodyRef<'_>) -> Result<Self, serde_json::Error> {
        let mut bytes = Vec::with_capacity(ENVELOPE_CAPACITY);
        bytes.extend_from_slice(ENVELOPE_HEAD);
        serde_json::to_writer(&mut bytes, body)?;
        Ok(OpenEnvelope(bytes))
    }

    /// The body's canonical bytes: what the event's hash is taken over.
    pub(crate) fn body_bytes(&self) -> &[u8] {
        self.0.get(ENVELOPE_HEAD.len()..).unwrap_or_default()
    }

    /// The whole envelope, closed with `hash`; itself canonical (`event` sorts before
    /// `hash`).
    pub(crate) fn close(self, hash: &EventHash) -> Vec<u8> {
        let mut bytes = self.0;
        let mut digits = [0u8; 64];
        // 32 bytes always fit 64 digits.
        let _ = hex::encode_to_slice(hash.0, &mut digits);
        bytes.extend_from_slice(b",\"hash\":\"");
        bytes.extend_from_slice(&digits);
        bytes.extend_from_slice(b"\"}");
        bytes
    }
}

/// The current time as the log records it: UTC, truncated to microseconds so that it survives
/// a round trip through its text form unchanged.
pub fn now_for_log() -> DateTime<Utc> {
    Utc::now().trunc_subsecs(6)
}

/// Encodes `value` as canonical JSON: object keys sorted by their UTF-8 bytes, no white space,
/// strings escaped and numbers written as `serde_json` writes them.
///
/// This does not depend on how `serde_json::Map` orders keys (a dependency enabling
/// `preserve_order` would otherwise change every hash).
pub fn canonical_json(value: &Value) -> Vec<u8> {
    // Serializing a `Value` into a `Vec` cannot fail.
    serde_json::to_vec(&Canonical(value)).unwrap_or_default()
}

/// A `Value` that serializes with object keys sorted, at every depth.
struct Canonical<'a>(&'a Value);

impl Serialize for Canonical<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::{SerializeMap, SerializeSeq};
        match self.0 {
            Value::Object(map) => {
                let mut out = serializer.serialize_map(Some(map.len()))?;
                // `serde_json::Map` is sorted already unless a dependency enables
                // `preserve_order`: then, and only then, the keys are sorted here.
                let keys = || map.keys().map(|key| key.as_bytes());
                if keys().zip(keys().skip(1)).all(|(left, right)| left < right) {
                    for (key, item) in map {
                        out.serialize_entry(key, &Canonical(item))?;
                    }
                } else {
                    let mut entries: Vec<(&String, &Value)> = map.iter().collect();
                    entries
                        .sort_unstable_by(|left, right| left.0.as_bytes().cmp(right.0.as_bytes()));
                    for (key, item) in entries {
                        out.serialize_entry(key, &Canonical(item))?;
                    }
                }
                out.end()
            }
            Value::Array(items) => {
                let mut out = serializer.serialize_seq(Some(items.len()))?;
                for item in items {
                    out.serialize_element(&Canonical(item))?;
                }
                out.end()
            }
            scalar => scalar.serialize(serializer),
        }
    }
}

fn serialize_canonical<S: serde::Serializer>(
    value: &&Value,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    Canonical(value).serialize(serializer)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn canonical_json_sorts_keys_at_every_depth_and_drops_white_space() {
        let value = json!({"b": 1, "a": {"z": [true, null, {"y": 1.5, "x": "é\n"}], "c": -3}});
        assert_eq!(
            String::from_utf8(canonical_json(&value)).unwrap(),
            r#"{"a":{"c":-3,"z":[true,null,{"x":"é\n","y":1.5}]},"b":1}"#
        );
    }

    #[test]
    fn canonical_json_is_stable_through_a_parse_round_trip() {
        let value = json!({"n": 0.1, "big": 18446744073709551615u64, "neg": -9007199254740993i64});
        let once = canonical_json(&value);
        let reparsed: Value = serde_json::from_slice(&once).unwrap();
        assert_eq!(canonical_json(&reparsed), once);
    }

    fn sample_event() -> RecordedEvent {
        RecordedEvent {
            event_type: "PartnershipScreened".into(),
            metadata: EventMetadata {
                actor: "anna \"æøå\"".into(),
                command_id: Uuid::new_v4(),
                correlation_id: Uuid::new_v4(),
                recorded_at: now_for_log(),
                workspace_id: Uuid::new_v4(),
            },
            payload: json!({"z": {"b": [1, {"d": 2, "c": 3}], "a": null}, "answers": "yes"}),
            position: 42,
            previous_hash: EventHash([9; 32]),
            stream_id: Uuid::new_v4(),
            stream_version: 3,
            hash: EventHash([5; 32]),
        }
    }

    #[test]
    fn a_body_serializes_directly_in_canonical_form() {
        let event = sample_event();
        let direct = serde_json::to_vec(&event.body()).unwrap();
        let via_value = canonical_json(&serde_json::to_value(event.body()).unwrap());
        assert_eq!(
            String::from_utf8(direct).unwrap(),
            String::from_utf8(via_value).unwrap()
        );
    }

    #[test]
    fn the_envelope_is_the_canonical_body_and_its_hash_and_reads_back() {
        let event = sample_event();
        let body = canonical_json(&serde_json::to_value(event.body()).unwrap());
        let open = OpenEnvelope::of(&event.body()).unwrap();
        assert_eq!(open.body_bytes(), body.as_slice());
        let stored = open.close(&event.hash);
        let expected = format!(
            r#"{{"event":{},"hash":"{}"}}"#,
            String::from_utf8(body).unwrap(),
            event.hash.to_hex()
        );
        assert_eq!(String::from_utf8(stored.clone()).unwrap(), expected);
        assert_eq!(event.to_canonical_bytes().unwrap(), stored);
        assert_eq!(RecordedEvent::from_bytes(&stored).unwrap(), event);
    }

    #[test]
    fn hashes_round_trip_through_hex_and_reject_bad_text() {
        let hash = EventHash([7; 32]);
        assert_eq!(EventHash::from_hex(&hash.to_hex()).unwrap(), hash);
        assert!(EventHash::from_hex("abc").is_err());
        assert!(EventHash::from_hex(&"zz".repeat(32)).is_err());
    }

    #[test]
    fn log_time_survives_its_text_form() {
        let time = now_for_log();
        let text = serde_json::to_string(&time).unwrap();
        let back: DateTime<Utc> = serde_json::from_str(&text).unwrap();
        assert_eq!(back, time);
        assert_eq!(serde_json::to_string(&back).unwrap(), text);
    }
}
