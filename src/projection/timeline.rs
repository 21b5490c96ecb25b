//! Timelines: every event about one entity, in words a colleague would use
//! ("anna@roskilde moved Roskilde Festival from collaboration to partnership: festival area
//! agreed").
//!
//! The words come from the domain: [`describe()`] turns one event into a sentence, each area
//! its own events, reading names from the state as it was just before the event. Here the
//! projector keeps one [`Timeline`] per workspace, with an index from every entity id an
//! event mentions to its entries.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::domain::state::WorkspaceState;
use crate::domain::{describe, DomainEvent, EventContext};

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
