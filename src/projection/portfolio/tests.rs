//! Tests of the portfolio: the rooms x goals grid, gaps, sectors, age groups, evaluations.

use super::*;
use crate::domain::events::DomainEvent;
use crate::domain::vocabulary::EvaluationDecision;
use crate::projection::network::tests::Log;

fn date(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).unwrap()
}

fn move_phase(log: &mut Log, partnership_id: Uuid, to: Phase) {
    let from = log.state.partnerships[&partnership_id].phase;
    log.apply(DomainEvent::PartnershipPhaseChanged {
        partnership_id,
        from,
        to,
        note: String::new(),
    });
}

fn evaluate(log: &mut Log, partnership_id: Uuid, on: NaiveDate, due: Option<NaiveDate>) {
    let evaluation_id = log.new_id();
    log.apply(DomainEvent::PartnershipEvaluated {
        partnership_id,
        evaluation_id,
        evaluated_on: on,
        criteria: Vec::new(),
        narrative: "fine".to_owned(),
        decision: EvaluationDecision::Continue,
        next_evaluation_due: due,
    });
}

fn commit(
    log: &mut Log,
    partnership_id: Uuid,
    party: Party,
    hours: Option<u32>,
    amount_dkk: Option<u64>,
) {
    let commitment_id = log.new_id();
    log.apply(DomainEvent::ResourcesCommitted {
        partnership_id,
        commitment_id,
        party,
        description: "rooms and staff".to_owned(),
        hours,
        amount_dkk,
    });
}

fn end(log: &mut Log, partnership_id: Uuid, reason: &str) {
    let from = log.state.partnerships[&partnership_id].phase;
    log.apply(DomainEvent::PartnershipEnded {
        partnership_id,
        from,
        reason: reason.to_owned(),
        ended_on: Some(date(2024, 2, 1)),
    });
}

struct Portfolio {
    log: Log,
    museum: Uuid,
    union: Uuid,
    homework: Uuid,
    it_courses: Uuid,
    festival_area: Uuid,
    ended: Uuid,
}

/// Three active partnerships and one ended:
/// - Homework café (Red Barnet, civil society): learning room, empowerment + innovation,
///   children and teenagers.
/// - IT courses (union, civil society, and museum, public): learning room, no goal.
/// - Festival area (museum, public): performative room, engagement, young adults.
/// - Old exhibition (ended): inspiration room, experience, seniors.
fn portfolio() -> Portfolio {
    let mut log = Log::new("Aarhus");
    let museum = log.organisation("Rockmuseum", Sector::Public, &[], &[]);
    let union = log.organisation("Trade union", Sector::CivilSociety, &[], &[]);
    let red_barnet = log.organisation("Red Barnet Ungdom", Sector::CivilSociety, &[], &[]);
    let homework = log.propose(
        "Homework café",
        &[red_barnet],
        &[Goal::Empowerment, Goal::Innovation],
        &[Room::Learning],
        &[AgeGroup::Children, AgeGroup::Teenagers],
    );
    let it_courses = log.propose(
        "IT courses",
        &[union, museum],
        &[],
        &[Room::Learning],
        &[AgeGroup::Seniors],
    );
    let festival_area = log.propose(
        "Festival area",
        &[museum],
        &[Goal::Engagement],
        &[Room::Performative],
        &[AgeGroup::YoungAdults],
    );
    let ended = log.propose(
        "Old exhibition",
        &[museum],
        &[Goal::Experience],
        &[Room::Inspiration],
        &[AgeGroup::Seniors],
    );
    end(&mut log, ended, "The exhibition closed");
    Portfolio {
        log,
        museum,
        union,
        homework,
        it_courses,
        festival_area,
        ended,
    }
}

fn cell(view: &PortfolioView, room: Room, goal: Goal) -> Vec<&str> {
    view.matrix
        .iter()
        .find(|cell| cell.room == room && cell.goal == goal)
        .unwrap()
        .partnerships
        .iter()
        .map(|partnership| partnership.title.as_str())
        .collect()
}

#[test]
fn a_partnership_serves_the_cells_of_its_rooms_and_goals() {
    let portfolio = portfolio();
    let view = portfolio_view(&portfolio.log.state, date(2024, 3, 1));
    assert_eq!(view.matrix.len(), 16);
    assert_eq!(
        cell(&view, Room::Learning, Goal::Empowerment),
        vec!["Homework café"]
    );
    assert_eq!(
        cell(&view, Room::Learning, Goal::Innovation),
        vec!["Homework café"]
    );
    assert_eq!(
        cell(&view, Room::Performative, Goal::Engagement),
        vec!["Festival area"]
    );
    assert!(
        cell(&view, Room::Inspiration, Goal::Experience).is_empty(),
        "ended partnerships serve nothing"
    );
    assert!(cell(&view, Room::Learning, Goal::Engagement).is_empty());
    let served: usize = view.matrix.iter().map(|cell| cell.partnerships.len()).sum();
    assert_eq!(served, 3);
    assert_eq!(
        view.matrix[0].partnerships.len() + view.matrix[15].partnerships.len(),
        0
    );
    assert_eq!(
        (view.matrix[0].room, view.matrix[0].goal),
        (Room::Inspiration, Goal::Experience)
    );
}

#[test]
fn sectors_and_age_groups_count_active_partnerships() {
    let portfolio = portfolio();
    let view = portfolio_view(&portfolio.log.state, date(2024, 3, 1));
    assert_eq!(
        view.by_sector,
        vec![
            SectorCount {
                sector: Sector::Public,
                partnerships: 2
            },
            SectorCount {
                sector: Sector::Private,
                partnerships: 0
            },
            SectorCount {
                sector: Sector::CivilSociety,
                partnerships: 2
            },
        ],
        "IT courses count in both public and civil society"
    );
    let seniors = view
        .by_age_group
        .iter()
        .find(|count| count.age_group == AgeGroup::Seniors)
        .unwrap();
    assert_eq!(
        seniors.partnerships, 1,
        "the ended exhibition is not counted"
    );
    assert_eq!(view.by_age_group.len(), AgeGroup::ALL.len());
}

#[test]
fn gaps_name_what_no_active_partnership_serves() {
    let portfolio = portfolio();
    let view = portfolio_view(&portfolio.log.state, date(2024, 3, 1));
    let messages: Vec<&str> = view.gaps.iter().map(|gap| gap.message.as_str()).collect();

    assert_eq!(
        view.gaps[0].area,
        GapArea::Room {
            room: Room::Inspiration
        }
    );
    assert!(messages.contains(&"No active partnership serves the inspiration room"));
    assert!(messages.contains(&"No active partnership serves the meeting room"));
    assert!(!messages.contains(&"No active partnership serves the learning room"));
    assert!(messages.contains(&"No active partnership serves the goal experience (erkendelse)"));
    assert!(messages.contains(&"No active partnership serves toddlers (0-5)"));
    assert!(messages.contains(&"No active partnership serves adults (30-64)"));
    assert!(!messages.contains(&"No active partnership serves seniors (65+)"));
    assert!(
        messages.contains(&"No active partnership serves the goal engagement in the learning room")
    );
    let cells = view
        .gaps
        .iter()
        .filter(|gap| matches!(gap.area, GapArea::Cell { .. }))
        .count();
    assert_eq!(cells, 16 - 3);
    assert_eq!(view.gaps.len(), 2 + 1 + 2 + 13);

    let empty = portfolio_view(&Log::new("Empty").state, date(2024, 3, 1));
    assert!(empty
        .gaps
        .iter()
        .any(|gap| gap.message == "No active partnership serves the learning room"));
    assert_eq!(empty.gaps.len(), 4 + 4 + 6 + 16);
}

#[test]
fn a_partnership_without_goals_is_unlinked() {
    let portfolio = portfolio();
    let view = portfolio_view(&portfolio.log.state, date(2024, 3, 1));
    assert_eq!(view.unlinked.len(), 1);
    assert_eq!(view.unlinked[0].partnership_id, portfolio.it_courses);
    assert_eq!(
        view.unlinked[0].message,
        "IT courses is not linked to any goal"
    );
}

#[test]
fn overdue_evaluations_count_days_and_flag_running_partnerships_never_evaluated() {
    let mut portfolio = portfolio();
    let log = &mut portfolio.log;
    // Homework café: evaluated, next due 1 March; today is 11 March.
    for phase in [
        Phase::Exploration,
        Phase::Screening,
        Phase::Decision,
        Phase::GoalsAndRoles,
        Phase::Agreement,
        Phase::Planning,
        Phase::Launch,
        Phase::Running,
    ] {
        move_phase(log, portfolio.homework, phase);
        move_phase(log, portfolio.festival_area, phase);
    }
    evaluate(
        log,
        portfolio.homework,
        date(2023, 12, 1),
        Some(date(2024, 3, 1)),
    );
    // Festival area: running, never evaluated. IT courses: still an idea, not flagged.
    let view = portfolio_view(&log.state, date(2024, 3, 11));
    assert_eq!(view.overdue_evaluations.len(), 2);
    let homework = &view.overdue_evaluations[0];
    assert_eq!(homework.partnership_id, portfolio.homework);
    assert_eq!(homework.due_on, Some(date(2024, 3, 1)));
    assert_eq!(homework.days_overdue, Some(10));
    assert!(!homework.never_evaluated);
    let festival = &view.overdue_evaluations[1];
    assert_eq!(festival.partnership_id, portfolio.festival_area);
    assert!(festival.never_evaluated);
    assert_eq!(festival.days_overdue, None);
    assert_eq!(festival.phase, Phase::Running);

    // A newer evaluation with a due date ahead clears the café; due today is not overdue.
    evaluate(
        log,
        portfolio.homework,
        date(2024, 3, 5),
        Some(date(2024, 9, 1)),
    );
    evaluate(
        log,
        portfolio.festival_area,
        date(2024, 3, 5),
        Some(date(2024, 3, 11)),
    );
    let view = portfolio_view(&log.state, date(2024, 3, 11));
    assert!(view.overdue_evaluations.is_empty(), "{view:?}");
}

#[test]
fn resources_are_summed_per_party_over_active_partnerships() {
    let mut portfolio = portfolio();
    let log = &mut portfolio.log;
    commit(log, portfolio.homework, Party::Library, Some(10), None);
    commit(
        log,
        portfolio.festival_area,
        Party::Library,
        Some(5),
        Some(1_000),
    );
    commit(
        log,
        portfolio.it_courses,
        Party::Organisation(portfolio.union),
        Some(3),
        Some(250),
    );
    commit(
        log,
        portfolio.ended,
        Party::Organisation(portfolio.museum),
        Some(100),
        Some(100_000),
    );

    let view = portfolio_view(&log.state, date(2024, 3, 1));
    assert_eq!(
        view.resources_by_party,
        vec![
            PartyResources {
                party: Party::Library,
                name: "Aarhus".to_owned(),
                commitments: 2,
                hours: 15,
                amount_dkk: 1_000,
            },
            PartyResources {
                party: Party::Organisation(portfolio.union),
                name: "Trade union".to_owned(),
                commitments: 1,
                hours: 3,
                amount_dkk: 250,
            },
        ],
        "the ended partnership's commitments are left out"
    );
}

#[test]
fn phases_are_all_listed_and_ended_partnerships_keep_their_reason() {
    let portfolio = portfolio();
    let view = portfolio_view(&portfolio.log.state, date(2024, 3, 1));
    assert_eq!(view.phases.len(), 12);
    assert_eq!(view.phases[0].phase, Phase::Idea);
    assert_eq!(view.phases[0].partnerships, 3);
    assert_eq!(view.phases[11].phase, Phase::Ended);
    assert_eq!(view.phases[11].partnerships, 1);
    assert_eq!(view.phases[5].partnerships, 0);

    assert_eq!(view.ended.len(), 1);
    assert_eq!(view.ended[0].partnership_id, portfolio.ended);
    assert_eq!(view.ended[0].reason, "The exhibition closed");
    assert_eq!(view.ended[0].ended_on, Some(date(2024, 2, 1)));
}

#[test]
fn level_counts_follow_every_move_on_the_network_circle() {
    let mut log = Log::new("Roskilde");
    let festival = log.organisation("Roskilde Festival", Sector::Private, &[], &[]);
    let museum = log.organisation("Rockmuseum", Sector::Public, &[], &[]);
    log.move_to(festival, Some(Level::Network));
    log.move_to(museum, Some(Level::Network));
    log.move_to(festival, Some(Level::Collaboration));
    log.apply(DomainEvent::RelationLevelChanged {
        organisation_id: festival,
        from: Some(Level::Collaboration),
        to: Some(Level::Partnership),
        reason: "a yearly festival area".to_owned(),
        occurred_on: Some(date(2023, 7, 1)),
    });
    log.move_to(museum, None);

    let series = portfolio_view(&log.state, date(2024, 3, 1)).level_counts_over_time;
    let counts: Vec<(usize, usize, usize)> = series
        .iter()
        .map(|point| {
            (
                point.counts.network,
                point.counts.collaboration,
                point.counts.partnership,
            )
        })
        .collect();
    assert_eq!(
        counts,
        vec![(1, 0, 0), (2, 0, 0), (1, 1, 0), (1, 0, 1), (0, 0, 1)]
    );
    assert!(series
        .windows(2)
        .all(|pair| pair[0].position < pair[1].position));
    assert!(series
        .windows(2)
        .all(|pair| pair[0].recorded_at < pair[1].recorded_at));
    assert_eq!(series[3].organisation_id, festival);
    assert_eq!(series[3].occurred_on, Some(date(2023, 7, 1)));
    assert_eq!(series[3].to, Some(Level::Partnership));
    assert_eq!(series[4].to, None);
}

#[test]
fn focus_areas_show_how_many_active_partnerships_serve_their_cell() {
    let mut portfolio = portfolio();
    let digital = portfolio.log.new_id();
    portfolio.log.apply(DomainEvent::FocusAreaDefined {
        focus_area_id: digital,
        name: "Det digitale bibliotek".to_owned(),
        goal: Goal::Innovation,
        room: Room::Learning,
        description: String::new(),
    });
    let music = portfolio.log.new_id();
    portfolio.log.apply(DomainEvent::FocusAreaDefined {
        focus_area_id: music,
        name: "Det musiske bibliotek".to_owned(),
        goal: Goal::Experience,
        room: Room::Inspiration,
        description: String::new(),
    });

    let view = portfolio_view(&portfolio.log.state, date(2024, 3, 1));
    assert_eq!(
        view.focus_areas,
        vec![
            FocusAreaCoverage {
                focus_area_id: digital,
                name: "Det digitale bibliotek".to_owned(),
                goal: Goal::Innovation,
                room: Room::Learning,
                active_partnerships: 1,
            },
            FocusAreaCoverage {
                focus_area_id: music,
                name: "Det musiske bibliotek".to_owned(),
                goal: Goal::Experience,
                room: Room::Inspiration,
                active_partnerships: 0,
            },
        ]
    );
}

#[test]
fn equal_states_give_identical_json() {
    let portfolio = portfolio();
    let copy = portfolio.log.state.clone();
    let today = date(2024, 3, 1);
    let first = serde_json::to_string(&portfolio_view(&portfolio.log.state, today)).unwrap();
    let second = serde_json::to_string(&portfolio_view(&copy, today)).unwrap();
    assert_eq!(first, second);
    let read_back: PortfolioView = serde_json::from_str(&first).unwrap();
    assert_eq!(read_back, portfolio_view(&copy, today));
}
