//! Timelines: every event about one entity, in words a colleague would use
//! ("anna@roskilde moved Roskilde Festival from collaboration to partnership: festival area
//! agreed").
//!
//! [`describe`] turns one event into a sentence, reading names from the state as it was
//! just before the event; the projector keeps one [`Timeline`] per workspace, with an index
//! from every entity id an event mentions to its entries.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::fmt;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::domain::events::{Party, Promotion};
use crate::domain::state::WorkspaceState;
use crate::domain::vocabulary::SCREENING_QUESTIONS;
use crate::domain::{DomainEvent, EventContext};

/// One line of a timeline.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimelineEntry {
    /// The event's position in the log.
    pub position: u64,
    /// When it was recorded.
    pub recorded_at: DateTime<Utc>,
    /// Who did it (one shared copy per actor in a timeline).
    pub actor: Arc<str>,
    /// The event's type (a name known at compile time when recorded).
    pub event_type: Cow<'static, str>,
    /// What happened, in words.
    pub summary: String,
    /// The entities it is about.
    pub entity_ids: Vec<Uuid>,
}

/// A workspace's timeline: all entries in log order and, per entity, where its entries are.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Timeline {
    entries: Vec<TimelineEntry>,
    /// Where each entity's entries are. A hash map: the record of every event looks up every
    /// id it mentions, among some hundred thousand entities at a million events.
    by_entity: HashMap<Uuid, Vec<usize>>,
    /// Every actor's name once: entries share it instead of each holding a copy.
    #[serde(skip)]
    actors: HashSet<Arc<str>>,
}

impl Timeline {
    /// Records `event`, described against the state just before it.
    pub fn record(&mut self, before: &WorkspaceState, event: &DomainEvent, context: &EventContext) {
        let entity_ids = event.entity_ids();
        let index = self.entries.len();
        for id in &entity_ids {
            self.by_entity.entry(*id).or_default().push(index);
        }
        self.by_entity
            .entry(before.workspace_id)
            .or_default()
            .push(index);
        let actor = match self.actors.get(context.actor.as_str()) {
            Some(actor) => actor.clone(),
            None => {
                let actor: Arc<str> = Arc::from(context.actor.as_str());
                self.actors.insert(actor.clone());
                actor
            }
        };
        self.entries.push(TimelineEntry {
            position: context.position,
            recorded_at: context.recorded_at,
            actor,
            event_type: Cow::Borrowed(event.event_type()),
            summary: describe(before, event, &context.actor),
            entity_ids,
        });
    }

    /// Every entry about `entity_id` (the workspace id gives all), oldest first.
    pub fn about(&self, entity_id: Uuid) -> Vec<&TimelineEntry> {
        self.by_entity
            .get(&entity_id)
            .map(|indexes| {
                indexes
                    .iter()
                    .filter_map(|index| self.entries.get(*index))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Every entry about `entity_id` (the workspace id gives all), oldest first, without
    /// collecting them.
    pub fn entries_about(&self, entity_id: Uuid) -> impl Iterator<Item = &TimelineEntry> {
        self.by_entity
            .get(&entity_id)
            .into_iter()
            .flatten()
            .filter_map(|index| self.entries.get(*index))
    }

    /// How many entries there are.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

/// A name in a sentence, written straight into it (no copy of the name first).
enum Name<'state> {
    /// As the state has it.
    Plain(&'state str),
    /// As the state has it, in quotes (titles).
    Quoted(&'state str),
    /// Not (or no longer) in the state: its kind and id.
    Unknown(&'static str, &'state Uuid),
}

impl fmt::Display for Name<'_> {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Name::Plain(name) => formatter.write_str(name),
            Name::Quoted(title) => write!(formatter, "\"{title}\""),
            Name::Unknown(kind, id) => write!(formatter, "{kind} {id}"),
        }
    }
}

fn organisation_name<'state>(state: &'state WorkspaceState, id: &'state Uuid) -> Name<'state> {
    state
        .organisations
        .get(id)
        .map_or(Name::Unknown("organisation", id), |organisation| {
            Name::Plain(&organisation.name)
        })
}

fn partnership_title<'state>(state: &'state WorkspaceState, id: &'state Uuid) -> Name<'state> {
    state
        .partnerships
        .get(id)
        .map_or(Name::Unknown("partnership", id), |partnership| {
            Name::Quoted(&partnership.title)
        })
}

fn staff_name<'state>(state: &'state WorkspaceState, id: &'state Uuid) -> Name<'state> {
    state
        .staff
        .get(id)
        .map_or(Name::Unknown("staff member", id), |member| {
            Name::Plain(&member.name)
        })
}

fn board_title<'state>(state: &'state WorkspaceState, id: &'state Uuid) -> Name<'state> {
    state
        .boards
        .get(id)
        .map_or(Name::Unknown("board", id), |board| {
            Name::Quoted(&board.title)
        })
}

fn level_name(level: &Option<crate::domain::vocabulary::Level>) -> String {
    match level {
        Some(level) => level.label().to_owned(),
        None => "no relation".to_owned(),
    }
}

fn with_reason(mut sentence: String, reason: &str) -> String {
    if !reason.is_empty() {
        sentence.reserve(2 + reason.len());
        sentence.push_str(": ");
        sentence.push_str(reason);
    }
    sentence
}

/// One event as a sentence, with names as they were just before it.
pub fn describe(before: &WorkspaceState, event: &DomainEvent, actor: &str) -> String {
    match event {
        DomainEvent::WorkspaceCreated { name, .. } => format!("{actor} created the workspace {name}"),
        DomainEvent::FocusAreaDefined { name, goal, room, .. } => {
            format!("{actor} defined the focus area \"{name}\" ({goal}, {room})")
        }
        DomainEvent::FocusAreaRemoved { focus_area_id } => {
            let name = before
                .focus_areas
                .get(focus_area_id)
                .map(|area| area.name.clone())
                .unwrap_or_default();
            format!("{actor} removed the focus area \"{name}\"")
        }
        DomainEvent::StaffMemberAdded { name, team, .. } => {
            format!("{actor} added {name} ({team}) to the staff")
        }
        DomainEvent::StaffMemberUpdated { staff_id, team, competences } => format!(
            "{actor} updated {}: team {team}, competences {}",
            staff_name(before, staff_id),
            competences.join(", ")
        ),
        DomainEvent::StaffMemberLeft { staff_id, reason } => with_reason(
            format!("{actor} recorded that {} left", staff_name(before, staff_id)),
            reason,
        ),
        DomainEvent::WantedCompetencesSet { competences } => format!(
            "{actor} set the competences the library would like to have: {}",
            competences.join(", ")
        ),
        DomainEvent::OrganisationRegistered { name, sector, kind, .. } => {
            format!("{actor} registered {name} ({sector}, {kind}) in the network database")
        }
        DomainEvent::OrganisationUpdated { organisation_id, .. } => {
            format!("{actor} updated {}", organisation_name(before, organisation_id))
        }
        DomainEvent::ContactHolderAssigned { organisation_id, staff_id, topics } => {
            let about = if topics.is_empty() {
                String::new()
            } else {
                format!(" about {}", topics.join(", "))
            };
            format!(
                "{actor} recorded that {} knows {}{about}",
                staff_name(before, staff_id),
                organisation_name(before, organisation_id)
            )
        }
        DomainEvent::ContactHolderRemoved { organisation_id, staff_id } => format!(
            "{actor} recorded that {} no longer holds the contact with {}",
            staff_name(before, staff_id),
            organisation_name(before, organisation_id)
        ),
        DomainEvent::ContactPersonAdded { organisation_id, role, .. } => format!(
            "{actor} added a contact person ({role}) at {}",
            organisation_name(before, organisation_id)
        ),
        DomainEvent::ContactPersonErased { organisation_id, reason, .. } => with_reason(
            format!(
                "{actor} erased a contact person's personal data at {}",
                organisation_name(before, organisation_id)
            ),
            reason,
        ),
        DomainEvent::ContactPersonRemoved { organisation_id, .. } => format!(
            "{actor} removed a contact person at {}",
            organisation_name(before, organisation_id)
        ),
        DomainEvent::RelationLevelChanged { organisation_id, from, to, reason, occurred_on } => {
            let name = organisation_name(before, organisation_id);
            let when = occurred_on
                .map(|date| format!(" (on {date})"))
                .unwrap_or_default();
            let sentence = match (from, to) {
                (None, Some(level)) => format!("{actor} placed {name} at {}{when}", level.label()),
                (Some(_), None) => format!("{actor} ended the relation with {name}{when}"),
                _ => format!(
                    "{actor} moved {name} from {} to {}{when}",
                    level_name(from),
                    level_name(to)
                ),
            };
            with_reason(sentence, reason)
        }
        DomainEvent::PartnershipProposed { title, partner_ids, .. } => {
            let partners: Vec<String> = partner_ids
                .iter()
                .map(|id| organisation_name(before, id).to_string())
                .collect();
            if partners.is_empty() {
                format!("{actor} proposed the partnership \"{title}\"")
            } else {
                format!("{actor} proposed the partnership \"{title}\" with {}", partners.join(" and "))
            }
        }
        DomainEvent::PartnershipUpdated { partnership_id, .. } => {
            format!("{actor} updated {}", partnership_title(before, partnership_id))
        }
        DomainEvent::PartnershipPhaseChanged { partnership_id, from, to, note } => with_reason(
            format!(
                "{actor} moved {} from phase {} to {}",
                partnership_title(before, partnership_id),
                from.label(),
                to.label()
            ),
            note,
        ),
        DomainEvent::PartnershipScreened { partnership_id, score, max_score, decision, decision_note, .. } => {
            with_reason(
                format!(
                    "{actor} screened {} with the {} questions: {score} of {max_score} points, decision \"{decision}\"",
                    partnership_title(before, partnership_id),
                    SCREENING_QUESTIONS.len()
                ),
                decision_note,
            )
        }
        DomainEvent::AgreementAmended { partnership_id, version, changes, reason } => {
            let sections: Vec<&str> = changes.iter().map(|change| change.section.label()).collect();
            with_reason(
                format!(
                    "{actor} amended the agreement of {} to version {version} ({})",
                    partnership_title(before, partnership_id),
                    sections.join(", ")
                ),
                reason,
            )
        }
        DomainEvent::ResourcesCommitted { partnership_id, party, description, .. } => {
            let who = match party {
                Party::Library => "the library".to_owned(),
                Party::Organisation(id) => organisation_name(before, id).to_string(),
            };
            format!(
                "{actor} recorded that {who} commits {description} to {}",
                partnership_title(before, partnership_id)
            )
        }
        DomainEvent::PartnershipEvaluated { partnership_id, evaluated_on, decision, .. } => format!(
            "{actor} evaluated {} on {evaluated_on}: {decision}",
            partnership_title(before, partnership_id)
        ),
        DomainEvent::CommunicationPlanned { partnership_id, audience, sender, recipients, about, when, channel, .. } => format!(
            "{actor} planned {audience} communication for {}: {sender} informs {recipients} about {about}, {when}, by {channel}",
            partnership_title(before, partnership_id)
        ),
        DomainEvent::CommunicationSent { partnership_id, sent_on, channel, summary, .. } => format!(
            "{actor} recorded a {channel} message for {} on {sent_on}: {summary}",
            partnership_title(before, partnership_id)
        ),
        DomainEvent::ReadinessItemTicked { partnership_id, item, note } => with_reason(
            format!(
                "{actor} ticked \"{item}\" for {}",
                partnership_title(before, partnership_id)
            ),
            note,
        ),
        DomainEvent::ReadinessItemUnticked { partnership_id, item, reason } => with_reason(
            format!(
                "{actor} unticked \"{item}\" for {}",
                partnership_title(before, partnership_id)
            ),
            reason,
        ),
        DomainEvent::PartnershipEnded { partnership_id, reason, .. } => with_reason(
            format!("{actor} ended {}", partnership_title(before, partnership_id)),
            reason,
        ),
        DomainEvent::AssetAdded { title, category, .. } => {
            format!("{actor} added \"{title}\" ({category}) to the assets list")
        }
        DomainEvent::AssetUpdated { title, .. } => format!("{actor} rewrote the asset \"{title}\""),
        DomainEvent::AssetRemoved { asset_id, reason } => {
            let title = before
                .assets
                .get(asset_id)
                .map(|asset| asset.title.clone())
                .unwrap_or_default();
            with_reason(format!("{actor} removed \"{title}\" from the assets list"), reason)
        }
        DomainEvent::BoardCreated { title, template, .. } => {
            format!("{actor} created the workshop board \"{title}\" ({template})")
        }
        DomainEvent::BoardPhaseChanged { board_id, to, anonymous, .. } => format!(
            "{actor} moved {} to \"{to}\"{}",
            board_title(before, board_id),
            if *anonymous { " (anonymous)" } else { "" }
        ),
        DomainEvent::BoardLocked { board_id } => format!("{actor} locked {}", board_title(before, board_id)),
        DomainEvent::BoardUnlocked { board_id } => {
            format!("{actor} unlocked {}", board_title(before, board_id))
        }
        DomainEvent::BoardTimerStarted { board_id, seconds, .. } => format!(
            "{actor} started a {seconds}-second timer on {}",
            board_title(before, board_id)
        ),
        DomainEvent::BoardTimerStopped { board_id } => {
            format!("{actor} stopped the timer on {}", board_title(before, board_id))
        }
        DomainEvent::NoteAdded { board_id, text, .. } => {
            format!("{actor} added the note \"{text}\" to {}", board_title(before, board_id))
        }
        DomainEvent::NoteEdited { board_id, text, .. } => {
            format!("{actor} edited a note on {} to \"{text}\"", board_title(before, board_id))
        }
        DomainEvent::NoteMoved { board_id, .. } => {
            format!("{actor} moved a note on {}", board_title(before, board_id))
        }
        DomainEvent::NotesGrouped { board_id, label, note_ids, .. } => format!(
            "{actor} grouped {} notes as \"{label}\" on {}",
            note_ids.len(),
            board_title(before, board_id)
        ),
        DomainEvent::VoteCast { board_id, .. } => {
            format!("{actor} placed a dot on {}", board_title(before, board_id))
        }
        DomainEvent::VoteRetracted { board_id, .. } => {
            format!("{actor} took back a dot on {}", board_title(before, board_id))
        }
        DomainEvent::NotePromoted { board_id, to, priority, .. } => {
            let what = match to {
                Promotion::Organisation(_) => "an organisation",
                Promotion::Partnership(_) => "a partnership idea",
            };
            format!(
                "{actor} promoted a note on {} to {what} with priority {priority}",
                board_title(before, board_id)
            )
        }
    }
}
