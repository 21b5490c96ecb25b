//! Given/when/then tests: promoting notes.

use crate::domain::testing::*;

// ---------------------------------------------------------------------------------------------
// Promoting notes.
// ---------------------------------------------------------------------------------------------

fn promote_to_organisation(name: Option<&str>) -> Command {
    Command::PromoteNote {
        board_id: BOARD,
        note_id: NOTE,
        to: PromoteTo::Organisation {
            organisation_id: PROMOTED,
            name: name.map(Into::into),
            sector: Sector::Private,
            kind: " festival ".into(),
        },
    }
}

fn promote_to_idea(title: Option<&str>) -> Command {
    Command::PromoteNote {
        board_id: BOARD,
        note_id: NOTE,
        to: PromoteTo::PartnershipIdea {
            partnership_id: PROMOTED,
            title: title.map(Into::into),
        },
    }
}

/// A board of `template` in discussion with Bo's note in `zone` and three dots on it.
fn discussed(template: BoardTemplate, zone: Zone) -> WorkspaceState {
    given_by(&board_history(
        template,
        zone,
        BoardPhase::Discussion,
        &[BO, CARL, CARL],
    ))
}

#[test]
fn notes_are_promoted_only_once_discussed() {
    for phase in [
        BoardPhase::Writing,
        BoardPhase::Reveal,
        BoardPhase::Grouping,
        BoardPhase::Voting,
    ] {
        let error = refused(when(&board_in(phase), promote_to_idea(None), ANNA));
        assert_eq!(
            error,
            DomainError::WrongBoardPhase {
                action: "promote notes (discuss the results first)",
                phase,
            }
        );
        assert_eq!(error.code(), "wrong_board_phase");
    }
    assert!(when(&board_in(BoardPhase::Closed), promote_to_idea(None), ANNA).is_ok());
}

#[test]
fn a_note_promoted_to_an_organisation_carries_its_zone_and_votes() {
    let state = discussed(BoardTemplate::RoomsByGoals, learning_empowerment());

    let events = when(&state, promote_to_organisation(None), ANNA).unwrap();

    let tags: Vec<String> = vec!["room:learning".into(), "goal:empowerment".into()];
    assert_eq!(
        events,
        vec![
            DomainEvent::OrganisationRegistered {
                organisation_id: PROMOTED,
                name: NOTE_TEXT.into(),
                sector: Sector::Private,
                kind: "festival".into(),
                tags: tags.clone(),
                topics: Vec::new(),
                website: None,
                age_groups: Vec::new(),
                rooms: vec![Room::Learning],
            },
            DomainEvent::NotePromoted {
                board_id: BOARD,
                note_id: NOTE,
                to: Promotion::Organisation(PROMOTED),
                tags,
                priority: 3,
            },
        ]
    );
    let state = then_state(state, &events, ANNA);
    let organisation = &state.organisations[&PROMOTED];
    assert_eq!(organisation.priority, 3);
    assert_eq!(organisation.level, None);
    assert_eq!(
        state.boards[&BOARD].notes[&NOTE].promoted_to,
        Some(Promotion::Organisation(PROMOTED))
    );
}

#[test]
fn a_note_on_the_network_circle_enters_the_circle_at_its_level() {
    let zone = Zone {
        level: Some(Level::Collaboration),
        ..Zone::default()
    };
    let state = discussed(BoardTemplate::NetworkCircle, zone);

    let events = when(
        &state,
        promote_to_organisation(Some("Roskilde Festival")),
        ANNA,
    )
    .unwrap();

    let tags: Vec<String> = vec!["level:collaboration".into()];
    assert_eq!(
        events,
        vec![
            DomainEvent::OrganisationRegistered {
                organisation_id: PROMOTED,
                name: "Roskilde Festival".into(),
                sector: Sector::Private,
                kind: "festival".into(),
                tags: tags.clone(),
                topics: Vec::new(),
                website: None,
                age_groups: Vec::new(),
                rooms: Vec::new(),
            },
            DomainEvent::RelationLevelChanged {
                organisation_id: PROMOTED,
                from: None,
                to: Some(Level::Collaboration),
                reason: format!("mapped on the workshop board \"{BOARD_TITLE}\""),
                occurred_on: None,
            },
            DomainEvent::NotePromoted {
                board_id: BOARD,
                note_id: NOTE,
                to: Promotion::Organisation(PROMOTED),
                tags,
                priority: 3,
            },
        ]
    );
    let state = then_state(state, &events, ANNA);
    let organisation = &state.organisations[&PROMOTED];
    assert_eq!(organisation.level, Some(Level::Collaboration));
    assert_eq!(organisation.level_history[0].actor, ANNA);
}

#[test]
fn a_note_in_an_age_group_zone_gives_the_organisation_that_age_group() {
    let zone = Zone {
        age_group: Some(AgeGroup::Teenagers),
        ..Zone::default()
    };
    let state = discussed(BoardTemplate::AgeGroups, zone);

    let events = when(&state, promote_to_organisation(None), ANNA).unwrap();

    assert!(
        matches!(
            events.as_slice(),
            [
                DomainEvent::OrganisationRegistered { tags, age_groups, rooms, .. },
                DomainEvent::NotePromoted { .. },
            ] if tags == &["age_group:teenagers"]
                && age_groups == &[AgeGroup::Teenagers]
                && rooms.is_empty()
        ),
        "{events:#?}"
    );
}

#[test]
fn a_note_promoted_to_a_partnership_idea_carries_its_goal_room_and_votes() {
    let state = discussed(BoardTemplate::RoomsByGoals, learning_empowerment());

    let events = when(&state, promote_to_idea(Some(" Festivalmakerspace ")), ANNA).unwrap();

    let tags: Vec<String> = vec!["room:learning".into(), "goal:empowerment".into()];
    assert_eq!(
        events,
        vec![
            DomainEvent::PartnershipProposed {
                partnership_id: PROMOTED,
                title: "Festivalmakerspace".into(),
                partner_ids: Vec::new(),
                purpose: NOTE_TEXT.into(),
                form: PartnershipForm::Frame,
                goals: vec![Goal::Empowerment],
                rooms: vec![Room::Learning],
                age_groups: Vec::new(),
                owner_id: None,
                priority: 3,
                tags: tags.clone(),
            },
            DomainEvent::NotePromoted {
                board_id: BOARD,
                note_id: NOTE,
                to: Promotion::Partnership(PROMOTED),
                tags: tags.clone(),
                priority: 3,
            },
        ]
    );
    let state = then_state(state, &events, ANNA);
    let idea = &state.partnerships[&PROMOTED];
    assert_eq!(idea.phase, Phase::Idea);
    assert_eq!(idea.priority, 3);
    assert_eq!(idea.tags, tags);
}

#[test]
fn a_promoted_idea_is_named_after_its_note_by_default() {
    let state = discussed(BoardTemplate::RoomsByGoals, learning_empowerment());

    let events = when(&state, promote_to_idea(None), ANNA).unwrap();

    assert!(matches!(
        events.first(),
        Some(DomainEvent::PartnershipProposed { title, .. }) if title == NOTE_TEXT
    ));
}

#[test]
fn a_note_is_promoted_only_once() {
    let state = discussed(BoardTemplate::RoomsByGoals, learning_empowerment());
    let state = then_state(
        state.clone(),
        &when(&state, promote_to_idea(None), ANNA).unwrap(),
        ANNA,
    );

    for command in [promote_to_idea(None), promote_to_organisation(None)] {
        let error = refused(when(&state, command, ANNA));
        assert_eq!(error, DomainError::AlreadyPromoted { note_id: NOTE });
        assert_eq!(error.code(), "already_promoted");
    }
}

#[test]
fn a_note_is_not_promoted_onto_an_existing_id() {
    let mut history = board_history(
        BoardTemplate::RoomsByGoals,
        learning_empowerment(),
        BoardPhase::Discussion,
        &[],
    );
    history.push((ANNA, organisation_registered(PROMOTED, "Taken")));
    history.push((ANNA, partnership_proposed(PROMOTED, Vec::new())));
    let state = given_by(&history);

    let error = refused(when(&state, promote_to_organisation(None), ANNA));
    assert_eq!(
        error,
        DomainError::AlreadyExists {
            kind: "organisation",
            id: PROMOTED,
        }
    );
    let error = refused(when(&state, promote_to_idea(None), ANNA));
    assert_eq!(
        error,
        DomainError::AlreadyExists {
            kind: "partnership",
            id: PROMOTED,
        }
    );
    assert_eq!(error.code(), "already_exists");
}

#[test]
fn promoting_an_unknown_note_is_refused() {
    let state = board_in(BoardPhase::Discussion);

    let error = refused(when(
        &state,
        Command::PromoteNote {
            board_id: BOARD,
            note_id: NOTE_2,
            to: PromoteTo::PartnershipIdea {
                partnership_id: PROMOTED,
                title: None,
            },
        },
        ANNA,
    ));

    assert_eq!(
        error,
        DomainError::Unknown {
            kind: "note",
            id: NOTE_2,
        }
    );
    assert_eq!(error.code(), "unknown_entity");
}
