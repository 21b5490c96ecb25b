//! Tests of the history generator: deterministic, readable back, folding into a lively workspace.

use std::collections::BTreeMap;

use partnerhub::domain::events::Promotion;
use partnerhub::domain::vocabulary::Level;
use partnerhub::domain::{EventContext, WorkspaceState};
use partnerhub::projection::network::LevelCounts;
use partnerhub::projection::portfolio::{portfolio_view, LevelCountsAt};
use partnerhub::store::envelope;

use super::*;

/// The ids `entity_ids` finds, read the slow way through a JSON value: the reference of
/// the server's own tests (`domain::entity_ids`, test-only there and so out of reach of
/// this crate), written again here to check it against a whole generated history.
fn ids_through_json(event: &DomainEvent) -> Vec<Uuid> {
    let Ok(value) = serde_json::to_value(event) else {
        return Vec::new();
    };
    let payload = value["payload"].as_object().cloned().unwrap_or_default();
    let ordered: BTreeMap<_, _> = payload.into_iter().collect();
    let mut ids = Vec::new();
    for (key, field) in ordered {
        let id_of = |item: &serde_json::Value| -> Option<Uuid> {
            item.as_str().and_then(|text| text.parse().ok())
        };
        if key.ends_with("_id") {
            ids.extend(id_of(&field));
        }
        if key == "partner_ids" || key == "note_ids" {
            ids.extend(field.as_array().into_iter().flatten().filter_map(id_of));
        }
    }
    ids
}

#[test]
fn entity_ids_of_the_history_equal_those_read_through_json() {
    let mut history = History::new(11);
    let mut events = history.opening("Test");
    while events.len() < 5_000 {
        history.next_activity(&mut events);
    }
    for event in &events {
        let mut expected = ids_through_json(event);
        if let DomainEvent::NotePromoted {
            to: Promotion::Organisation(id) | Promotion::Partnership(id),
            ..
        } = event
        {
            expected.push(*id);
        }
        assert_eq!(event.entity_ids(), expected, "{event:?}");
    }
}

#[test]
fn the_history_is_deterministic_and_folds_into_a_lively_workspace() {
    let generate = |seed| {
        let mut history = History::new(seed);
        let mut events = history.opening("Test");
        while events.len() < 20_000 {
            history.next_activity(&mut events);
        }
        events
    };
    let events = generate(7);
    assert_eq!(events, generate(7));
    let mut state = WorkspaceState::new(Uuid::nil());
    for (index, event) in events.iter().enumerate() {
        let (event_type, payload) = envelope::into_parts(event).unwrap_or_default();
        let back = envelope::from_parts::<DomainEvent>(&event_type, &payload);
        assert_eq!(back.as_ref().ok(), Some(event), "{event_type} reads back");
        state.apply(
            event,
            &EventContext {
                position: index as u64 + 1,
                actor: "bench".into(),
                recorded_at: chrono::Utc::now(),
            },
        );
    }
    assert!(
        state.organisations.len() > 500,
        "{}",
        state.organisations.len()
    );
    assert!(
        state.partnerships.len() > 50,
        "{}",
        state.partnerships.len()
    );
    assert!(!state.boards.is_empty());
    let ended = state
        .partnerships
        .values()
        .filter(|partnership| !partnership.is_active())
        .count();
    assert!(ended > 0);
}

/// The series as it was computed before the state kept its moves in log order: every
/// organisation's history merged by position, each move counted from the organisation's
/// move before.
fn level_counts_from_histories(state: &WorkspaceState) -> Vec<LevelCountsAt> {
    let mut moves: Vec<(
        u64,
        Uuid,
        &partnerhub::domain::state::LevelChange,
        Option<Level>,
    )> = state
        .organisations
        .iter()
        .flat_map(|(organisation_id, organisation)| {
            let previous = std::iter::once(None)
                .chain(organisation.level_history.iter().map(|change| change.to));
            organisation
                .level_history
                .iter()
                .zip(previous)
                .map(move |(change, previous)| {
                    (change.position, *organisation_id, &**change, previous)
                })
        })
        .collect();
    moves.sort_by_key(|(position, organisation_id, _, _)| (*position, *organisation_id));
    let mut counts = LevelCounts::default();
    moves
        .into_iter()
        .map(|(_, organisation_id, change, previous)| {
            if let Some(previous) = previous {
                counts.remove(previous);
            }
            if let Some(level) = change.to {
                counts.add(level);
            }
            LevelCountsAt {
                position: change.position,
                recorded_at: change.recorded_at,
                occurred_on: change.occurred_on,
                organisation_id,
                from: change.from,
                to: change.to,
                counts,
            }
        })
        .collect()
}

#[test]
fn the_level_counts_kept_in_log_order_equal_a_merge_of_every_organisations_history() {
    let mut history = History::new(11);
    let mut events = history.opening("Series");
    while events.len() < 30_000 {
        history.next_activity(&mut events);
    }
    let start = chrono::DateTime::parse_from_rfc3339("2024-01-01T08:00:00Z")
        .unwrap()
        .with_timezone(&chrono::Utc);
    let today = chrono::NaiveDate::from_ymd_opt(2030, 1, 1).unwrap();
    let mut state = WorkspaceState::new(Uuid::nil());
    let mut snapshot = None;
    for (index, event) in events.iter().enumerate() {
        state.apply(
            event,
            &EventContext {
                position: index as u64 + 1,
                actor: "bench".into(),
                recorded_at: start + chrono::Duration::seconds(index as i64),
            },
        );
        if index == events.len() / 2 {
            snapshot = Some((state.clone(), level_counts_from_histories(&state)));
        }
    }
    let series = portfolio_view(&state, today).level_counts_over_time;
    assert!(series.len() > 1_000, "{}", series.len());
    assert_eq!(series, level_counts_from_histories(&state));
    let (snapshot, expected) = snapshot.unwrap();
    assert_eq!(
        portfolio_view(&snapshot, today).level_counts_over_time,
        expected,
        "a clone taken midway keeps its own moves"
    );
}
