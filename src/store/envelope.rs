//! The event envelope: how a typed event (a `DomainEvent`, an `AccountEvent`) becomes the
//! log's type name and payload and back. Each event enum is serialized adjacently tagged
//! (`#[serde(tag = "event_type", content = "payload")]`); the log keeps the two halves
//! apart ([`NewEvent`](super::NewEvent), [`RecordedEvent`](super::RecordedEvent)), so the
//! type name can be indexed and read without parsing the payload. One implementation for
//! every event enum, so that all of them are stored alike.

use serde::de::value::MapDeserializer;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{Map, Value};

use super::{NewEvent, StoreError};

/// `event` as the log takes it in an append.
///
/// # Errors
/// [`StoreError::InvalidAppend`] if [`into_parts`] fails, which it does not for the event
/// enums of this crate.
pub fn new_event<E: Serialize>(event: &E) -> Result<NewEvent, StoreError> {
    let (event_type, payload) = into_parts(event).map_err(|error| {
        StoreError::InvalidAppend(format!("an event cannot be encoded: {error}"))
    })?;
    Ok(NewEvent {
        event_type,
        payload,
    })
}

/// Splits `event` into the log's type name and payload (an empty object for an event
/// without data).
///
/// # Errors
/// Only if serialization fails, or `event` is not an adjacently tagged enum with the tag
/// `event_type`, which the event enums of this crate all are.
pub fn into_parts<E: Serialize>(event: &E) -> Result<(String, Value), serde_json::Error> {
    let mut map = match serde_json::to_value(event)? {
        Value::Object(map) => map,
        _ => return Err(serde::ser::Error::custom("an event is a JSON object")),
    };
    let event_type = match map.remove("event_type") {
        Some(Value::String(name)) => name,
        _ => return Err(serde::ser::Error::custom("an event has a type")),
    };
    let payload = map
        .remove("payload")
        .unwrap_or(Value::Object(Map::default()));
    Ok((event_type, payload))
}

/// Reads an event of type `E` back from the log's type name and payload.
///
/// The two halves are read as the adjacently tagged object they were split from, the type
/// first, the payload read where it is (borrowed): the fold reads every event once, and a
/// copy of its payload's tree to wrap it in an object was a copy of every string in it.
///
/// # Errors
/// When `E` has no event of that type name or the payload does not fit it.
pub fn from_parts<E: DeserializeOwned>(
    event_type: &str,
    payload: &Value,
) -> Result<E, serde_json::Error> {
    let tag = Value::String(event_type.to_owned());
    E::deserialize(MapDeserializer::new(
        [("event_type", &tag), ("payload", payload)].into_iter(),
    ))
}

#[cfg(test)]
mod tests {
    use serde::{Deserialize, Serialize};
    use serde_json::json;

    use super::{from_parts, into_parts};

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    #[serde(tag = "event_type", content = "payload")]
    enum Sample {
        Named { name: String },
        Closed,
    }

    #[test]
    fn an_event_splits_into_type_and_payload_and_back() {
        let event = Sample::Named {
            name: "Roskilde".into(),
        };
        let (event_type, payload) = into_parts(&event).unwrap();
        assert_eq!(event_type, "Named");
        assert_eq!(payload, json!({"name": "Roskilde"}));
        assert_eq!(from_parts::<Sample>(&event_type, &payload).unwrap(), event);
        let (event_type, payload) = into_parts(&Sample::Closed).unwrap();
        assert_eq!((event_type.as_str(), payload), ("Closed", json!({})));
    }

    #[test]
    fn the_parts_read_back_as_the_object_they_were_split_from() {
        for event in [
            json!({"event_type": "Named", "payload": {"name": "Roskilde"}}),
            json!({"event_type": "Closed", "payload": {}}),
            json!({"event_type": "Named", "payload": {"name": 7}}),
            json!({"event_type": "Named", "payload": {}}),
            json!({"event_type": "Opened", "payload": {}}),
        ] {
            let whole = serde_json::from_value::<Sample>(event.clone()).map_err(|e| e.to_string());
            let parts =
                from_parts::<Sample>(event["event_type"].as_str().unwrap(), &event["payload"])
                    .map_err(|e| e.to_string());
            assert_eq!(
                whole.is_ok(),
                parts.is_ok(),
                "{event}: {whole:?} against {parts:?}"
            );
            if let (Ok(whole), Ok(parts)) = (whole, parts) {
                assert_eq!(whole, parts);
            }
        }
    }

    #[test]
    fn an_unknown_type_or_a_payload_that_does_not_fit_is_refused() {
        assert!(from_parts::<Sample>("Renamed", &json!({"name": "x"})).is_err());
        assert!(from_parts::<Sample>("Named", &json!({"name": 7})).is_err());
        assert!(into_parts(&json!("not an event")).is_err());
    }
}
