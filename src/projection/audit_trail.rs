//! The audit trail (revisionsspor) of a workspace or one entity, as a table an auditor can
//! file or print: for each event its position, time, who (as [`crate::visibility`] lets the
//! reader see it), what kind of event in words of the chosen language, the timeline's
//! sentence, the reason given, and the event's hash, so that each row can be checked against
//! the log's chain.
//!
//! The rows are built from timeline lines already passed through [`super::timeline::seen_by`]
//! and from the recorded events (for the hash and the reason); the CSV encoding is the one
//! the network exports use ([`crate::api::graph_export::csv`]).

use std::collections::HashMap;

use serde_json::Value;

use super::timeline::TimelineLine;
use crate::store::RecordedEvent;

/// The language of a trail's header and event kinds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Language {
    /// Dansk (the default).
    Danish,
    /// English.
    English,
}

impl Language {
    /// `da` or `en` (absent: Danish).
    ///
    /// # Errors
    /// A sentence naming the languages there are.
    pub fn parse(text: Option<&str>) -> Result<Self, String> {
        match text.unwrap_or("da") {
            "da" => Ok(Language::Danish),
            "en" => Ok(Language::English),
            other => Err(format!(
                "`{other}` is not a language of the audit trail; use da or en"
            )),
        }
    }
}

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

/// Each event type in words: Danish, English.
const EVENT_WORDS: [(&str, &str, &str); 50] = [
    (
        "WorkspaceCreated",
        "Arbejdsrum oprettet",
        "Workspace created",
    ),
    (
        "FocusAreaDefined",
        "Fokusområde fastlagt",
        "Focus area defined",
    ),
    (
        "FocusAreaRemoved",
        "Fokusområde fjernet",
        "Focus area removed",
    ),
    (
        "StaffMemberAdded",
        "Medarbejder tilføjet",
        "Staff member added",
    ),
    (
        "StaffMemberUpdated",
        "Medarbejder ændret",
        "Staff member updated",
    ),
    (
        "StaffMemberLeft",
        "Medarbejder stoppet",
        "Staff member left",
    ),
    (
        "WantedCompetencesSet",
        "Ønskede kompetencer sat",
        "Wanted competences set",
    ),
    (
        "OrganisationRegistered",
        "Organisation registreret",
        "Organisation registered",
    ),
    (
        "OrganisationUpdated",
        "Organisation ændret",
        "Organisation updated",
    ),
    (
        "ContactHolderAssigned",
        "Kontaktholder tilknyttet",
        "Contact holder assigned",
    ),
    (
        "ContactHolderRemoved",
        "Kontaktholder fjernet",
        "Contact holder removed",
    ),
    (
        "ContactPersonAdded",
        "Kontaktperson tilføjet",
        "Contact person added",
    ),
    (
        "ContactPersonErased",
        "Kontaktperson glemt",
        "Contact person erased",
    ),
    (
        "ContactPersonRemoved",
        "Kontaktperson fjernet",
        "Contact person removed",
    ),
    (
        "RelationLevelChanged",
        "Flyttet i netværkscirklen",
        "Moved on the network circle",
    ),
    ("NodePlaced", "Placeret på kortet", "Placed on the map"),
    (
        "OrganisationSeeksRecorded",
        "Hvad partneren søger",
        "What the partner seeks",
    ),
    (
        "PartnershipProposed",
        "Partnerskab foreslået",
        "Partnership proposed",
    ),
    (
        "PartnershipUpdated",
        "Partnerskab ændret",
        "Partnership updated",
    ),
    ("PartnershipPhaseChanged", "Ny fase", "Phase changed"),
    ("PartnershipScreened", "Screening", "Screened"),
    ("AgreementAmended", "Aftale ændret", "Agreement amended"),
    (
        "ResourcesCommitted",
        "Ressourcer afsat",
        "Resources committed",
    ),
    ("PartnershipEvaluated", "Evaluering", "Evaluated"),
    (
        "CommunicationPlanned",
        "Kommunikation planlagt",
        "Communication planned",
    ),
    (
        "CommunicationSent",
        "Kommunikation sendt",
        "Communication sent",
    ),
    (
        "ReadinessItemTicked",
        "Tjekliste: punkt klaret",
        "Readiness item ticked",
    ),
    (
        "ReadinessItemUnticked",
        "Tjekliste: punkt åbnet igen",
        "Readiness item unticked",
    ),
    (
        "PartnershipEnded",
        "Partnerskab afsluttet",
        "Partnership ended",
    ),
    ("AssetAdded", "Aktiv tilføjet", "Asset added"),
    ("AssetUpdated", "Aktiv ændret", "Asset updated"),
    ("AssetRemoved", "Aktiv fjernet", "Asset removed"),
    ("AssetContactSet", "Aktivets kontakt", "Asset contact set"),
    (
        "AssetsShareLinkCreated",
        "Delingslink til aktiverne oprettet",
        "Assets share link created",
    ),
    (
        "AssetsShareLinkRevoked",
        "Delingslink til aktiverne lukket",
        "Assets share link revoked",
    ),
    (
        "BoardCreated",
        "Workshoptavle oprettet",
        "Workshop board created",
    ),
    (
        "BoardPhaseChanged",
        "Tavlen skiftede fase",
        "Board phase changed",
    ),
    ("BoardLocked", "Tavlen låst", "Board locked"),
    ("BoardUnlocked", "Tavlen låst op", "Board unlocked"),
    ("BoardTimerStarted", "Nedtælling startet", "Timer started"),
    ("BoardTimerStopped", "Nedtælling stoppet", "Timer stopped"),
    (
        "VotingRulesSet",
        "Regler for afstemningen",
        "Voting rules set",
    ),
    (
        "FacilitationHanded",
        "Workshopledelsen givet videre",
        "Facilitation handed on",
    ),
    ("NoteAdded", "Seddel tilføjet", "Note added"),
    ("NoteEdited", "Seddel ændret", "Note edited"),
    ("NoteMoved", "Seddel flyttet", "Note moved"),
    ("NotesGrouped", "Sedler grupperet", "Notes grouped"),
    ("VoteCast", "Stemme afgivet", "Vote cast"),
    ("VoteRetracted", "Stemme trukket tilbage", "Vote retracted"),
    (
        "NotePromoted",
        "Seddel gjort til organisation eller partnerskab",
        "Note promoted",
    ),
];

/// An event type in words of `language` (the type's own name if it has none).
pub fn event_words(event_type: &str, language: Language) -> &str {
    EVENT_WORDS
        .iter()
        .find(|(name, _, _)| *name == event_type)
        .map_or(event_type, |(_, da, en)| match language {
            Language::Danish => da,
            Language::English => en,
        })
}

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
            event_words(line.event_type, language).to_owned(),
            line.event_type.to_owned(),
            line.summary.to_owned(),
            known.reason,
            known.hash,
        ]
    });
    std::iter::once(header).chain(rows).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_event_type_has_words_in_both_languages() {
        for name in <crate::domain::DomainEvent as strum::VariantNames>::VARIANTS {
            assert_ne!(event_words(name, Language::Danish), *name, "{name}");
            assert_ne!(event_words(name, Language::English), *name, "{name}");
        }
        assert_eq!(
            EVENT_WORDS.len(),
            <crate::domain::DomainEvent as strum::VariantNames>::VARIANTS.len()
        );
    }

    #[test]
    fn a_language_is_da_or_en() {
        assert_eq!(Language::parse(None), Ok(Language::Danish));
        assert_eq!(Language::parse(Some("en")), Ok(Language::English));
        assert!(Language::parse(Some("sv"))
            .unwrap_err()
            .contains("da or en"));
    }
}
