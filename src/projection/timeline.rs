//! Timelines: every event about one entity, in words a colleague would use, in Danish or
//! English ("anna@roskilde flyttede Roskilde Festival fra samarbejde til partnerskab" /
//! "anna@roskilde moved Roskilde Festival from collaboration to partnership").
//!
//! The words come from the domain: [`describe()`] records what one event's sentence needs
//! (a language-neutral [`Sentence`]: which sentence, names as they were just before the
//! event), each area its own events, and [`Sentence::render`] says it in the reader's
//! language when it is read. Here the projector keeps one [`Timeline`] per workspace, with an
//! index from every entity id an event mentions to its entries.
//!
//! The entries up to the position the timeline index holds are in the store, not here
//! ([`super::timeline_index`]): a [`Timeline`] holds only those after
//! ([`Timeline::stored_through`]), and a reader reads the rest from the index.
//!
//! A timeline is read by someone: [`Timeline::about`] gives the entries as recorded (for the
//! administrator's `partnerhub replay`, [`TimelineEntry::line`]), [`seen_by`] what one reader
//! may see of them, as [`crate::visibility`] decides for entries about workshop boards (an
//! anonymous note's sentence without the name, a private note's without its text: the same
//! recorded sentence said without its actor, or as the placeholder that says only the
//! board).

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::domain::describe::{hidden_actor, Language, Sentence};
use crate::domain::state::{Board, ChunkedLog, WorkspaceState};
use crate::domain::{describe, DomainEvent, EventContext};
use crate::visibility::{self, BoardEvent, BoardEventKind, Reader, Seen, PRIVATE_NOTE_ADDED};

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
    /// What happened, as a sentence to say in the reader's language.
    pub sentence: Sentence,
    /// The entities it is about.
    pub entity_ids: Vec<Uuid>,
    /// For an entry about a workshop board: what a reader may be shown instead.
    #[serde(skip)]
    pub board_secrecy: Option<Box<BoardSecrecy>>,
}

/// What a timeline entry about a workshop board needs so that [`crate::visibility`] can hide
/// what a reader may not see.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BoardSecrecy {
    /// The board.
    pub board_id: Uuid,
    /// The note it is about, if one.
    pub note_id: Option<Uuid>,
    /// The event's kind.
    pub kind: BoardEventKind,
}

/// One line of a timeline as a reader sees it (an entry of `GET .../timeline`, of an "as
/// of" answer's `timeline`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct TimelineLine<'a> {
    /// The event's position in the log.
    pub position: u64,
    /// When it was recorded.
    pub recorded_at: DateTime<Utc>,
    /// Who did it; absent where it is hidden from the reader.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub actor: Option<&'a str>,
    /// The event's type.
    pub event_type: &'a str,
    /// What happened, in words the reader may see, in the reader's language.
    pub summary: String,
    /// The entities it is about.
    pub entity_ids: &'a [Uuid],
}

impl TimelineEntry {
    /// The entry as recorded, said in `language` (what the administrator's `partnerhub
    /// replay` prints: nothing hidden).
    pub fn line(&self, language: Language) -> TimelineLine<'_> {
        TimelineLine {
            position: self.position,
            recorded_at: self.recorded_at,
            actor: Some(&self.actor),
            event_type: &self.event_type,
            summary: self
                .sentence
                .render(&self.event_type, &self.actor, language),
            entity_ids: &self.entity_ids,
        }
    }
}

/// What `reader` may see of `entries`, in `language`, with the workspace's boards as `boards`
/// holds them at `moment` (the live state and the head, or an "as of" state and its
/// position).
pub fn seen_by<'a>(
    reader: &'a Reader,
    entries: impl IntoIterator<Item = &'a TimelineEntry>,
    boards: &BTreeMap<Uuid, Arc<Board>>,
    moment: u64,
    language: Language,
) -> Vec<TimelineLine<'a>> {
    entries
        .into_iter()
        .filter_map(|entry| {
            let Some(secrecy) = &entry.board_secrecy else {
                return Some(entry.line(language));
            };
            let hidden = hidden_actor(language);
            let without_actor = || entry.sentence.render(&entry.event_type, hidden, language);
            let whole = TimelineLine {
                position: entry.position,
                recorded_at: entry.recorded_at,
                actor: Some(&entry.actor),
                event_type: &entry.event_type,
                summary: String::new(),
                entity_ids: &entry.entity_ids,
            };
            let event = BoardEvent {
                kind: secrecy.kind,
                actor: &entry.actor,
                position: entry.position,
                board_id: secrecy.board_id,
                note_id: secrecy.note_id,
            };
            match visibility::seen_on(reader, boards, &event, moment) {
                Seen::Whole => Some(entry.line(language)),
                Seen::WithoutActor => Some(TimelineLine {
                    actor: None,
                    summary: without_actor(),
                    ..whole
                }),
                Seen::Own => Some(TimelineLine {
                    actor: Some(reader.actor()),
                    summary: without_actor(),
                    ..whole
                }),
                Seen::Placeholder => Some(TimelineLine {
                    actor: None,
                    event_type: PRIVATE_NOTE_ADDED,
                    summary: entry.sentence.render(PRIVATE_NOTE_ADDED, hidden, language),
                    ..whole
                }),
                Seen::Nothing => None,
            }
        })
        .collect()
}

/// A timeline's entries in chunks of 64: a checkpoint's copy of them (or a clone) shares the
/// chunks, and the first entry recorded after it copies the last, partly filled chunk. With
/// chunks of 1,024 that copy was up to a thousand entries, each with its sentence, per
/// workspace and per checkpoint, on the fold's path (BENCHMARKS.md, issue 19 scenario 1).
pub type TimelineEntries = ChunkedLog<TimelineEntry, 64>;

/// A workspace's timeline: all entries in log order and, per entity, where its entries are.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Timeline {
    /// In chunks shared between clones, so that a checkpoint takes a copy of a million
    /// entries in some ten thousand pointers ([`super::checkpoint`]).
    entries: TimelineEntries,
    /// Where each entity's entries are. A hash map: the record of every event looks up every
    /// id it mentions, among some hundred thousand entities at a million events.
    by_entity: HashMap<Uuid, Vec<usize>>,
    /// Every actor's name once: entries share it instead of each holding a copy.
    #[serde(skip)]
    actors: HashSet<Arc<str>>,
    /// The position up to which the entries are in the timeline index, not here: events up
    /// to it are not recorded again.
    #[serde(default)]
    stored_through: u64,
}

impl Timeline {
    /// Records `event`, described against the state just before it.
    pub fn record(&mut self, before: &WorkspaceState, event: &DomainEvent, context: &EventContext) {
        if context.position <= self.stored_through {
            return;
        }
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
        let board_secrecy =
            BoardEvent::of_domain(event, &context.actor, context.position).map(|board_event| {
                Box::new(BoardSecrecy {
                    board_id: board_event.board_id,
                    note_id: board_event.note_id,
                    kind: board_event.kind,
                })
            });
        self.entries.push(TimelineEntry {
            position: context.position,
            recorded_at: context.recorded_at,
            actor,
            event_type: Cow::Borrowed(event.event_type()),
            sentence: describe(before, event),
            entity_ids,
            board_secrecy,
        });
    }

    /// An empty timeline whose entries up to `position` are in the timeline index.
    pub(crate) fn stored_through_position(position: u64) -> Self {
        Timeline {
            stored_through: position,
            ..Timeline::default()
        }
    }

    /// The position up to which the entries are in the timeline index, not here.
    pub fn stored_through(&self) -> u64 {
        self.stored_through
    }

    /// Forgets the entries up to `position`, which the timeline index now holds (of the
    /// workspace `workspace_id`).
    pub(crate) fn forget_through(&mut self, workspace_id: Uuid, position: u64) {
        if position <= self.stored_through {
            return;
        }
        // Moved, not copied: the checkpoint's copy of the entries is gone by now.
        let entries = std::mem::take(&mut self.entries);
        let kept = entries
            .into_iter()
            .filter(|entry| entry.position > position);
        *self = Timeline::from_entries(workspace_id, kept);
        self.stored_through = position;
    }

    /// Every entry held here (after [`Timeline::stored_through`]) about `entity_id` (the
    /// workspace id gives all), oldest first.
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

    /// Every entry held here about `entity_id` (the workspace id gives all), oldest first,
    /// without collecting them.
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

    /// Every entry held here, in log order (what the checkpointer saves into the index).
    pub(crate) fn entries(&self) -> &TimelineEntries {
        &self.entries
    }

    /// The timeline of the workspace `workspace_id` that holds `entries`, in log order: the
    /// index by entity and the shared actors' names made again as [`Timeline::record`] makes
    /// them (a checkpoint does not keep them).
    pub(crate) fn from_entries(
        workspace_id: Uuid,
        entries: impl IntoIterator<Item = TimelineEntry>,
    ) -> Self {
        let mut timeline = Timeline::default();
        for mut entry in entries {
            let index = timeline.entries.len();
            for id in &entry.entity_ids {
                timeline.by_entity.entry(*id).or_default().push(index);
            }
            timeline
                .by_entity
                .entry(workspace_id)
                .or_default()
                .push(index);
            match timeline.actors.get(&entry.actor) {
                Some(actor) => entry.actor = actor.clone(),
                None => {
                    timeline.actors.insert(entry.actor.clone());
                }
            }
            timeline.entries.push(entry);
        }
        timeline
    }
}
