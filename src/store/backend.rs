//! What every backend does the same way when it writes or reads the log.
//!
//! The log's bytes must not depend on which backend wrote them: an export of the sled store
//! imported into PostgreSQL and exported again is identical byte for byte, and a migration
//! between backends keeps every hash. So the parts of a write that decide those bytes live
//! here once, and each backend only decides *where* they go and how it serializes writers:
//!
//! - [`validate_request`]: what makes an append acceptable at all;
//! - [`LogTail`]: the end of the log a writer appends at (next position, hash to chain to,
//!   time not to go back before), and [`LogTail::seal_append`], which turns a request into
//!   recorded events and their canonical stored bytes;
//! - [`check_continues`]: the all-or-nothing check of pre-recorded events (import,
//!   migration) against the tail;
//! - [`OutcomeCollector`]: the command outcomes implied by recorded events;
//! - [`decode_event`]: reading stored bytes back, checking the position they claim.

use std::collections::HashMap;

use chrono::{DateTime, SubsecRound, Utc};
use uuid::Uuid;

use super::chain::{seal, ChainVerifier};
use super::record::{now_for_log, EventHash, EventMetadata};
use super::{AppendOutcome, AppendRequest, Position, RecordedEvent, StoreError, StreamVersion};

/// Checks what every append must satisfy, whatever the stream's state: at least one event,
/// a named actor, event type names of 1 to 128 ASCII letters and digits.
///
/// # Errors
/// [`StoreError::InvalidAppend`] naming what is wrong.
pub(crate) fn validate_request(request: &AppendRequest) -> Result<(), StoreError> {
    if request.events.is_empty() {
        return Err(StoreError::InvalidAppend(
            "an append needs at least one event".into(),
        ));
    }
    if request.context.actor.trim().is_empty() {
        return Err(StoreError::InvalidAppend(
            "every event must name its actor".into(),
        ));
    }
    for event in &request.events {
        let name = &event.event_type;
        if name.is_empty() || name.len() > 128 || !name.chars().all(|c| c.is_ascii_alphanumeric()) {
            return Err(StoreError::InvalidAppend(format!(
                "event type `{name}` must be 1 to 128 ASCII letters and digits"
            )));
        }
    }
    Ok(())
}

/// The end of the log as a writer sees it: where the next event goes and what it chains to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct LogTail {
    /// Position of the last event (0 for an empty log).
    pub(crate) head: Position,
    /// Hash of the last event ([`EventHash::GENESIS`] for an empty log).
    pub(crate) last_hash: EventHash,
    /// When the last event was recorded: the next one is never recorded earlier.
    pub(crate) last_recorded_at: Option<DateTime<Utc>>,
}

/// One append sealed at the tail: its events, their stored bytes and the caller's outcome.
#[derive(Debug)]
pub(crate) struct SealedAppend {
    /// The events as recorded, in order.
    pub(crate) events: Vec<RecordedEvent>,
    /// The canonical stored bytes of each event ([`RecordedEvent::to_canonical_bytes`]).
    pub(crate) encoded: Vec<Vec<u8>>,
    /// What the append reports to its caller.
    pub(crate) outcome: AppendOutcome,
}

impl LogTail {
    /// The tail of an empty log.
    pub(crate) const EMPTY: LogTail = LogTail {
        head: 0,
        last_hash: EventHash::GENESIS,
        last_recorded_at: None,
    };

    /// Moves the tail past `event` (one just sealed here or recorded elsewhere).
    pub(crate) fn follow(&mut self, event: &RecordedEvent) {
        self.head = event.position;
        self.last_hash = event.hash;
        self.last_recorded_at = Some(event.metadata.recorded_at);
    }

    /// Checks `request` against a stream at version `current` and seals its events at the
    /// tail: positions, stream versions, the time (never before the previous event's) and
    /// the hash chain. The tail moves only when the whole request is sealed.
    ///
    /// # Errors
    /// [`StoreError::InvalidAppend`] for a malformed request,
    /// [`StoreError::VersionConflict`] when `current` does not satisfy the expectation.
    pub(crate) fn seal_append(
        &mut self,
        request: AppendRequest,
        current: StreamVersion,
    ) -> Result<SealedAppend, StoreError> {
        validate_request(&request)?;
        if !request.expected_version.admits(current) {
            return Err(StoreError::VersionConflict {
                stream_id: request.stream_id,
                expected: request.expected_version,
                actual: current,
            });
        }
        let mut tail = *self;
        let first_position = tail.head + 1;
        let mut version = current;
        let mut events = Vec::with_capacity(request.events.len());
        let mut encoded = Vec::with_capacity(request.events.len());
        for new_event in request.events {
            version += 1;
            let now = now_for_log();
            // History from before the log keeps its time, but never one after now.
            let happened = request
                .context
                .happened_at
                .map_or(now, |at| at.trunc_subsecs(6).min(now));
            let recorded_at = match tail.last_recorded_at {
                Some(previous) if previous > happened => previous,
                _ => happened,
            };
            let mut event = RecordedEvent {
                position: tail.head + 1,
                stream_id: request.stream_id,
                stream_version: version,
                event_type: new_event.event_type,
                payload: new_event.payload,
                metadata: EventMetadata {
                    workspace_id: request.context.workspace_id,
                    actor: request.context.actor.clone(),
                    recorded_at,
                    command_id: request.context.command_id,
                    correlation_id: request.context.correlation_id,
                },
                previous_hash: tail.last_hash,
                hash: EventHash::GENESIS,
            };
            // The body is encoded once, into the bytes stored, and hashed where it lies.
            let (stored, hash) = seal(&event.body()).map_err(|error| {
                StoreError::InvalidAppend(format!("the event cannot be encoded: {error}"))
            })?;
            event.hash = hash;
            encoded.push(stored);
            tail.follow(&event);
            events.push(event);
        }
        let outcome = AppendOutcome {
            stream_id: request.stream_id,
            first_position,
            last_position: tail.head,
            stream_version: version,
            deduplicated: false,
        };
        *self = tail;
        Ok(SealedAppend {
            events,
            encoded,
            outcome,
        })
    }
}

/// Checks that pre-recorded `events` continue the log at `tail` exactly: positions, links,
/// hashes, times and stream versions. `previous_version` gives a stream's version before
/// these events (it is asked once per stream).
///
/// # Returns
/// Every stream's version after the events.
///
/// # Errors
/// [`StoreError::DoesNotContinue`] naming the first event that does not fit, and whatever
/// `previous_version` fails with.
pub(crate) fn check_continues(
    tail: &LogTail,
    events: &[RecordedEvent],
    mut previous_version: impl FnMut(Uuid) -> Result<StreamVersion, StoreError>,
) -> Result<HashMap<Uuid, StreamVersion>, StoreError> {
    let mut verifier = ChainVerifier::resume(tail.head, tail.last_hash, tail.last_recorded_at);
    let mut versions: HashMap<Uuid, StreamVersion> = HashMap::new();
    for event in events {
        let previous = match versions.get(&event.stream_id) {
            Some(version) => *version,
            None => previous_version(event.stream_id)?,
        };
        verifier
            .check_continuing(event, previous)
            .map_err(StoreError::DoesNotContinue)?;
        versions.insert(event.stream_id, event.stream_version);
    }
    Ok(versions)
}

/// Gathers the outcome of each command from its recorded events, in log order: the first
/// position of the command, and the last position and version it reached in the stream of
/// its first event.
#[derive(Debug, Default)]
pub(crate) struct OutcomeCollector {
    outcomes: Vec<(Uuid, AppendOutcome)>,
    /// Where each command's outcome is in `outcomes` (a re-index may gather millions).
    places: HashMap<Uuid, usize>,
}

impl OutcomeCollector {
    /// Adds the next event in log order.
    pub(crate) fn add(&mut self, event: &RecordedEvent) {
        let command_id = event.metadata.command_id;
        match self.places.get(&command_id) {
            Some(&place) => {
                if let Some((_, outcome)) = self.outcomes.get_mut(place) {
                    if outcome.stream_id == event.stream_id {
                        outcome.last_position = event.position;
                        outcome.stream_version = event.stream_version;
                    }
                }
            }
            None => {
                self.places.insert(command_id, self.outcomes.len());
                self.outcomes.push((
                    command_id,
                    AppendOutcome {
                        stream_id: event.stream_id,
                        first_position: event.position,
                        last_position: event.position,
                        stream_version: event.stream_version,
                        deduplicated: false,
                    },
                ));
            }
        }
    }

    /// The commands and their outcomes, in the order they first appeared.
    pub(crate) fn finish(self) -> Vec<(Uuid, AppendOutcome)> {
        self.outcomes
    }
}

/// Decodes the stored bytes of the event at `position`.
///
/// # Errors
/// [`StoreError::Corrupt`] when the bytes are not an event, or an event claiming another
/// position.
pub(crate) fn decode_event(position: Position, bytes: &[u8]) -> Result<RecordedEvent, StoreError> {
    let event = RecordedEvent::from_bytes(bytes).map_err(|error| StoreError::Corrupt {
        position,
        reason: format!("the stored event cannot be decoded: {error}"),
    })?;
    if event.position != position {
        return Err(StoreError::Corrupt {
            position,
            reason: format!("the event stored here claims position {}", event.position),
        });
    }
    Ok(event)
}
