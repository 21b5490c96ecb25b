//! Tests of the projector: live views against fresh rebuilds, snapshots, "as of" answers.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a panic is how a test reports failure

use super::*;
use crate::domain::vocabulary::{Level, Sector};

/// A workspace history touching organisations again and again (registrations, level
/// changes, updates), so snapshots share some entities and not others.
fn history(length: u64) -> Vec<(DomainEvent, EventContext)> {
    let start = DateTime::parse_from_rfc3339("2026-01-05T09:00:00Z")
        .unwrap()
        .with_timezone(&Utc);
    let organisations: Vec<Uuid> = (0..7).map(|_| Uuid::new_v4()).collect();
    (1..=length)
        .map(|version| {
            let organisation_id = organisations[(version % 7) as usize];
            let event = match version {
                1 => DomainEvent::WorkspaceCreated {
                    name: "Snapshots".into(),
                    description: String::new(),
                },
                2..=8 => DomainEvent::OrganisationRegistered {
                    organisation_id,
                    name: format!("Organisation {version}"),
                    sector: Sector::Public,
                    kind: "museum".into(),
                    tags: Vec::new(),
                    topics: Vec::new(),
                    website: None,
                    age_groups: Vec::new(),
                    rooms: Vec::new(),
                },
                _ if version % 3 == 0 => DomainEvent::OrganisationUpdated {
                    organisation_id,
                    name: Some(format!("Renamed at {version}")),
                    sector: None,
                    kind: None,
                    tags: None,
                    topics: None,
                    website: None,
                    age_groups: None,
                    rooms: None,
                },
                _ => DomainEvent::RelationLevelChanged {
                    organisation_id,
                    from: None,
                    to: Some(if version % 2 == 0 {
                        Level::Network
                    } else {
                        Level::Collaboration
                    }),
                    reason: format!("step {version}"),
                    occurred_on: None,
                },
            };
            let context = EventContext {
                position: version * 10,
                actor: "anna".into(),
                recorded_at: start + chrono::Duration::minutes(version as i64),
            };
            (event, context)
        })
        .collect()
}

fn fold(events: &[(DomainEvent, EventContext)], workspace_id: Uuid) -> WorkspaceState {
    let mut state = WorkspaceState::new(workspace_id);
    for (event, context) in events {
        state.apply(event, context);
    }
    state
}

/// The state as of `target` the way `state_as_of` finds it: the nearest snapshot, then
/// the events after it. Also gives how many events were replayed.
fn from_snapshot(
    view: &WorkspaceView,
    events: &[(DomainEvent, EventContext)],
    target: AsOf,
) -> (WorkspaceState, u64) {
    let mut state = view
        .snapshot_before(&target)
        .map(|snapshot| (*snapshot.state).clone())
        .unwrap_or_else(|| WorkspaceState::new(view.state.workspace_id));
    let mut replayed = 0;
    for (event, context) in &events[state.version as usize..] {
        if !target.includes(context.position, context.recorded_at) {
            break;
        }
        state.apply(event, context);
        replayed += 1;
    }
    (state, replayed)
}

#[test]
fn as_of_from_a_snapshot_equals_a_replay_of_the_prefix_at_and_around_every_boundary() {
    let events = history(300);
    let workspace_id = Uuid::new_v4();
    let mut view = WorkspaceView::new(workspace_id);
    view.snapshots.every = 4;
    view.snapshots.limit = 8;
    for (event, context) in &events {
        view.apply(event, context);
    }
    // 300 events, at most 8 snapshots: the spacing doubled from 4 to 64, and the
    // snapshots left are those at multiples of 64.
    assert_eq!(view.snapshots.every, 64);
    assert_eq!(view.snapshot_versions(), vec![64, 128, 192, 256]);
    for version in 1..=events.len() as u64 {
        let expected = fold(&events[..version as usize], workspace_id);
        let (event_context, at_time) = {
            let context = &events[version as usize - 1].1;
            (context.position, context.recorded_at)
        };
        for target in [AsOf::Position(event_context), AsOf::Time(at_time)] {
            let (state, replayed) = from_snapshot(&view, &events, target);
            assert_eq!(state, expected, "as of version {version} ({target:?})");
            assert!(
                replayed < 64,
                "replayed {replayed} events for version {version}"
            );
        }
        // A moment between two events (positions are 10 apart) gives the earlier one.
        let (state, _) = from_snapshot(&view, &events, AsOf::Position(event_context + 5));
        assert_eq!(state, expected, "between version {version} and the next");
    }
}

#[test]
fn snapshots_stay_evenly_spaced_and_bounded_as_the_log_grows() {
    let events = history(2_000);
    let mut view = WorkspaceView::new(Uuid::new_v4());
    view.snapshots.every = 3;
    view.snapshots.limit = 10;
    for (index, (event, context)) in events.iter().enumerate() {
        view.apply(event, context);
        let versions = view.snapshot_versions();
        let every = view.snapshots.every;
        assert!(versions.len() <= 10, "{versions:?}");
        let expected: Vec<u64> = (1..=(index as u64 + 1) / every)
            .map(|step| step * every)
            .collect();
        assert_eq!(versions, expected, "after {} events", index + 1);
    }
}

#[test]
fn a_view_expecting_its_length_takes_only_the_snapshots_it_keeps() {
    let events = history(2_000);
    let mut grown = WorkspaceView::new(Uuid::new_v4());
    grown.snapshots.limit = 10;
    let mut planned = WorkspaceView::new(Uuid::new_v4());
    planned.snapshots = Snapshots {
        limit: 10,
        ..Snapshots::default()
    };
    planned.snapshots.every = 3;
    grown.snapshots.every = 3;
    while 2_000 / planned.snapshots.every > 10 {
        planned.snapshots.every *= 2;
    }
    let mut taken = 0;
    for (event, context) in &events {
        grown.apply(event, context);
        let before = planned.snapshots.taken.len();
        planned.apply(event, context);
        taken += planned.snapshots.taken.len().saturating_sub(before);
    }
    assert_eq!(planned.snapshot_versions(), grown.snapshot_versions());
    assert_eq!(
        taken,
        planned.snapshot_versions().len(),
        "none was thinned away"
    );
    assert_eq!(Snapshots::expecting(1_000_000).every, 2_000);
    assert_eq!(Snapshots::expecting(100_000).every, 1_000);
    assert_eq!(Snapshots::expecting(0).every, SNAPSHOT_EVERY);
}

#[test]
fn a_view_of_a_start_takes_no_snapshot_of_the_log_it_folded_and_answers_the_same() {
    // The history's positions are ten times its versions: a start at position 5,000 folded
    // versions 1 to 500.
    let events = history(1_000);
    let workspace_id = Uuid::new_v4();
    let mut every = WorkspaceView::expecting(workspace_id, 1_000, 0, 0);
    let mut started = WorkspaceView::expecting(workspace_id, 1_000, 0, 5_000);
    every.snapshots.every = 100;
    started.snapshots.every = 100;
    for (event, context) in &events {
        every.apply(event, context);
        started.apply(event, context);
    }
    assert_eq!(
        every.snapshot_versions(),
        (1..=10).map(|n| n * 100).collect::<Vec<_>>()
    );
    assert_eq!(started.snapshot_versions(), vec![600, 700, 800, 900, 1_000]);
    assert_eq!(started.state, every.state);
    assert_eq!(started.timeline, every.timeline);
    // "As of" any moment, from whichever snapshot each has (or none): the same state.
    for target in [1, 250, 499, 500, 501, 650, 999, 1_000] {
        let as_of = AsOf::Position(target * 10);
        assert_eq!(
            from_snapshot(&started, &events, as_of).0,
            from_snapshot(&every, &events, as_of).0,
            "as of version {target}"
        );
    }
}

#[test]
fn a_snapshot_shares_unchanged_entities_and_keeps_its_own_copy_of_changed_ones() {
    let events = history(40);
    let mut view = WorkspaceView::new(Uuid::new_v4());
    view.snapshots.every = 20;
    for (event, context) in &events[..20] {
        view.apply(event, context);
    }
    let snapshot = view.snapshots.taken[0].state.clone();
    let before = (*snapshot).clone();
    for (event, context) in &events[20..] {
        view.apply(event, context);
    }
    assert_eq!(
        *snapshot, before,
        "later events left the snapshot as it was"
    );
    let shared = view
        .state
        .organisations
        .iter()
        .filter(|(id, organisation)| Arc::ptr_eq(organisation, &snapshot.organisations[*id]))
        .count();
    assert!(
        shared < view.state.organisations.len(),
        "changed ones were copied"
    );
}

#[test]
fn a_small_network_gets_metrics_at_every_change() {
    let events = history(300);
    let mut view = WorkspaceView::new(Uuid::new_v4());
    for (event, context) in &events {
        view.apply(event, context);
    }
    // 7 organisations and the library: 8 nodes, 64 / METRICS_WORK_PER_EVENT = 1 apart.
    let changes: Vec<u64> = events
        .iter()
        .filter(|(event, _)| changes_network(event))
        .map(|(_, context)| context.position)
        .collect();
    let points: Vec<u64> = view
        .metrics_history
        .iter()
        .map(|point| point.position)
        .collect();
    assert_eq!(points, changes);
}

#[test]
fn metrics_carried_over_a_level_move_equal_the_metrics_measured_afresh() {
    use crate::domain::testing::{
        holder_assigned, level_changed, organisation_registered, staff_added,
    };
    let (first, second, staff_id) = (Uuid::new_v4(), Uuid::new_v4(), Uuid::new_v4());
    let mut domain_events = history(1)
        .into_iter()
        .map(|(event, _)| event)
        .collect::<Vec<_>>();
    domain_events.extend([
        staff_added(staff_id, "Mette"),
        organisation_registered(first, "Roskilde Festival"),
        organisation_registered(second, "Musicon"),
        holder_assigned(first, staff_id),
        // Moves between levels (carried over), a relation begun and ended (measured), a
        // rename between two moves (the label changes: the next move is measured).
        level_changed(first, None, Some(Level::Network)),
        level_changed(first, Some(Level::Network), Some(Level::Collaboration)),
        level_changed(first, Some(Level::Collaboration), Some(Level::Partnership)),
        level_changed(second, None, Some(Level::Network)),
        level_changed(second, Some(Level::Network), Some(Level::Collaboration)),
        level_changed(first, Some(Level::Partnership), None),
        level_changed(first, None, Some(Level::Network)),
        DomainEvent::OrganisationUpdated {
            organisation_id: second,
            name: Some("Musicon Rockmagasin".into()),
            sector: None,
            kind: None,
            tags: None,
            topics: None,
            website: None,
            age_groups: None,
            rooms: None,
        },
        level_changed(second, Some(Level::Collaboration), Some(Level::Network)),
        level_changed(second, Some(Level::Network), Some(Level::Collaboration)),
        // A move of an organisation that is not there changes nothing.
        level_changed(
            Uuid::new_v4(),
            Some(Level::Network),
            Some(Level::Collaboration),
        ),
        level_changed(first, Some(Level::Network), Some(Level::Network)),
    ]);
    let start = history(1)[0].1.recorded_at;
    let events: Vec<(DomainEvent, EventContext)> = domain_events
        .into_iter()
        .zip(1u64..)
        .map(|(event, position)| {
            let context = EventContext {
                position,
                actor: "anna".into(),
                recorded_at: start + chrono::Duration::seconds(position as i64),
            };
            (event, context)
        })
        .collect();
    let workspace_id = Uuid::new_v4();
    let mut view = WorkspaceView::new(workspace_id);
    for (event, context) in &events {
        view.apply(event, context);
    }
    assert!(view.metrics_history.len() >= 12);
    for point in &view.metrics_history {
        assert_eq!(
            point.metrics,
            network_metrics(&fold_until(&events, workspace_id, point.position)),
            "the point at {}",
            point.position
        );
    }
}

#[test]
fn a_larger_network_gets_metrics_at_most_once_per_its_size_squared_in_work() {
    let mut events = history(1);
    let start = events[0].1.recorded_at;
    let organisations: Vec<Uuid> = (0..40).map(|_| Uuid::new_v4()).collect();
    for version in 2..=1_000u64 {
        let organisation_id = organisations[(version % 40) as usize];
        let event = if version <= 41 {
            DomainEvent::OrganisationRegistered {
                organisation_id,
                name: format!("Organisation {version}"),
                sector: Sector::Private,
                kind: "shop".into(),
                tags: Vec::new(),
                topics: Vec::new(),
                website: None,
                age_groups: Vec::new(),
                rooms: Vec::new(),
            }
        } else {
            DomainEvent::RelationLevelChanged {
                organisation_id,
                from: None,
                to: Some(Level::Network),
                reason: String::new(),
                occurred_on: None,
            }
        };
        let context = EventContext {
            position: version,
            actor: "anna".into(),
            recorded_at: start + chrono::Duration::seconds(version as i64),
        };
        events.push((event, context));
    }
    let workspace_id = Uuid::new_v4();
    let mut view = WorkspaceView::new(workspace_id);
    for (event, context) in &events {
        view.apply(event, context);
    }
    let points: Vec<u64> = view
        .metrics_history
        .iter()
        .map(|point| point.position)
        .collect();
    assert_eq!(points[0], 2, "the first change of the network has a point");
    // From 41 nodes on, points are 41² / 64 = 26 events apart, and each one comes as
    // soon as it is due (every event from 42 on changes the network).
    let late: Vec<&u64> = points.iter().filter(|position| **position > 41).collect();
    for pair in late.windows(2) {
        assert_eq!(pair[1] - pair[0], 41 * 41 / METRICS_WORK_PER_EVENT);
    }
    assert!(late.len() >= 30, "{}", late.len());
    assert_eq!(
        view.metrics_history.last().map(|point| &point.metrics),
        Some(&network_metrics(&fold_until(
            &events,
            workspace_id,
            *points.last().unwrap_or(&0)
        ))),
        "a point holds the metrics of the state after its event"
    );
}

fn fold_until(
    events: &[(DomainEvent, EventContext)],
    workspace_id: Uuid,
    position: Position,
) -> WorkspaceState {
    let mut state = WorkspaceState::new(workspace_id);
    for (event, context) in events {
        if context.position > position {
            break;
        }
        state.apply(event, context);
    }
    state
}
