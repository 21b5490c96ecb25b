//! The audit trail (revisionsspor) of a workspace or one entity, as a table an auditor can
//! file or print: for each event its position, time, who (as [`crate::visibility`] lets the
//! reader see it), what kind of event and the timeline's sentence in the chosen language
//! (both from the areas' words, [`crate::domain::describe`]), the reason given, and the
//! event's hash, so that each row can be checked against the log's chain.
//!
//! The rows are built from timeline lines already passed through [`super::timeline::seen_by`]
//! and from the recorded events (for the hash and the reason); the CSV encoding is the one
//! the network exports use ([`crate::api::graph_export::csv`]).

use std::collections::HashMap;

use serde_json::Value;

use super::timeline::TimelineLine;
use crate::domain::describe::{event_name, Language};
use crate::store::RecordedEvent;

/// The columns, in both languages.
const HEADER: [(&str, &str); 8] = [
    ("position", "position"),
    ("tidspunkt", "time"),
    ("hvem", "who"),
    ("hændelse", "event"),
    ("hændelsestype", "event type"),
    ("hvad skete", "what happened"),
    ("begrundelse", "reason"),
    ("hash", "hash"),
];

/// What the trail needs of a recorded event: its hash and the reason given with it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Recorded {
    /// The event's hash (hex).
    pub hash: String,
    /// The reason, decision note or phase note given with it, if any.
    pub reason: String,
}

impl Recorded {
    /// The hash and reason of `event`. A workshop board's events give none (what a
    /// participant wrote is the board's, and [`crate::visibility`] decides who sees it).
    pub fn of(event: &RecordedEvent) -> Self {
        let on_a_board = ["Board", "Note", "Vote"]
            .iter()
            .any(|prefix| event.event_type.starts_with(prefix));
        let reason = if on_a_board {
            String::new()
        } else {
            ["reason", "decision_note", "note"]
                .iter()
                .filter_map(|field| event.payload.get(field).and_then(Value::as_str))
                .find(|text| !text.trim().is_empty())
                .unwrap_or_default()
                .to_owned()
        };
        Recorded {
            hash: event.hash.to_hex(),
            reason,
        }
    }
}

/// The trail of `lines` as rows, header first: `recorded` gives each line's hash and reason
/// by position; an actor hidden from the reader is shown as hidden.
pub fn trail_rows(
    lines: &[TimelineLine<'_>],
    recorded: &HashMap<u64, Recorded>,
    language: Language,
) -> Vec<Vec<String>> {
    let header = HEADER
        .iter()
        .map(|(da, en)| match language {
            Language::Danish => (*da).to_owned(),
            Language::English => (*en).to_owned(),
        })
        .collect();
    let hidden = match language {
        Language::Danish => "(skjult)",
        Language::English => "(hidden)",
    };
    let rows = lines.iter().map(|line| {
        let known = recorded.get(&line.position).cloned().unwrap_or_default();
        vec![
            line.position.to_string(),
            line.recorded_at
                .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            line.actor.unwrap_or(hidden).to_owned(),
            event_name(line.event_type, language).to_owned(),
            line.event_type.to_owned(),
            line.summary.clone(),
            known.reason,
            known.hash,
        ]
    });
    std::iter::once(header).chain(rows).collect()
}
