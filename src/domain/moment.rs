//! How the state writes a moment: as RFC 3339 text in human-readable formats (the API's JSON,
//! unchanged), and as seconds and nanoseconds since 1970 in binary ones (a projection
//! checkpoint's MessagePack, [`crate::projection::checkpoint`]). Formatting the text one
//! character at a time was a fifth of encoding a checkpoint in which every event moved a
//! relation (BENCHMARKS.md, issue 19 scenario 1), and parsing it is most of reading one back;
//! two integers are written and read at once. Used as
//! `#[serde(with = "crate::domain::moment")]` (and `#[schemars(with = "DateTime<Utc>")]`, the
//! schema being the text's) on the moments the state keeps per event.

use chrono::{DateTime, Utc};
use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Writes `moment` as text or, in a binary format, as `(seconds, nanoseconds)`.
///
/// # Errors
/// The serializer's.
pub fn serialize<S: Serializer>(moment: &DateTime<Utc>, serializer: S) -> Result<S::Ok, S::Error> {
    if serializer.is_human_readable() {
        moment.serialize(serializer)
    } else {
        (moment.timestamp(), moment.timestamp_subsec_nanos()).serialize(serializer)
    }
}

/// Reads a moment written by [`serialize`].
///
/// # Errors
/// The deserializer's, and a moment chrono cannot hold.
pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<DateTime<Utc>, D::Error> {
    if deserializer.is_human_readable() {
        DateTime::<Utc>::deserialize(deserializer)
    } else {
        let (seconds, nanoseconds) = <(i64, u32)>::deserialize(deserializer)?;
        DateTime::from_timestamp(seconds, nanoseconds).ok_or_else(|| {
            D::Error::custom(format!(
                "no moment is {seconds} seconds and {nanoseconds} nanoseconds from 1970"
            ))
        })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)] // a panic is how a test reports failure

    use super::*;

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Kept {
        #[serde(with = "super")]
        at: DateTime<Utc>,
    }

    fn kept() -> Kept {
        Kept {
            at: DateTime::parse_from_rfc3339("2026-12-07T05:20:31.123456789Z")
                .unwrap()
                .to_utc(),
        }
    }

    #[test]
    fn json_keeps_the_text_and_messagepack_two_integers_and_both_read_back() {
        let json = serde_json::to_string(&kept()).unwrap();
        assert_eq!(json, r#"{"at":"2026-12-07T05:20:31.123456789Z"}"#);
        assert_eq!(serde_json::from_str::<Kept>(&json).unwrap(), kept());

        let mut bytes = Vec::new();
        kept()
            .serialize(&mut rmp_serde::Serializer::new(&mut bytes).with_struct_map())
            .unwrap();
        assert!(
            !bytes.windows(4).any(|window| window == b"2026"),
            "{bytes:?}"
        );
        assert_eq!(rmp_serde::from_slice::<Kept>(&bytes).unwrap(), kept());
    }

    #[test]
    fn a_binary_moment_chrono_cannot_hold_is_refused_in_words() {
        let mut bytes = Vec::new();
        #[derive(Serialize)]
        struct Raw {
            at: (i64, u32),
        }
        Raw { at: (i64::MAX, 0) }
            .serialize(&mut rmp_serde::Serializer::new(&mut bytes).with_struct_map())
            .unwrap();
        let error = rmp_serde::from_slice::<Kept>(&bytes).unwrap_err();
        assert!(error.to_string().contains("no moment is"), "{error}");
    }
}
