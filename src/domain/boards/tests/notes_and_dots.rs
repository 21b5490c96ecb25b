//! Given/when/then tests: workshop boards: notes, groups and dots.

use crate::domain::testing::*;

// ---------------------------------------------------------------------------------------------
// Workshop boards: notes, groups and dots.
// ---------------------------------------------------------------------------------------------

pub(super) fn add_note(note_id: Uuid, zone: Zone, colour: Option<&str>) -> Command {
    Command::AddNote {
        board_id: BOARD,
        note_id,
        text: " Podcast studio with the high school ".into(),
        zone,
        x: 120,
        y: -40,
        colour: colour.map(Into::into),
    }
}

fn cast(note_id: Uuid) -> Command {
    Command::CastVote {
        board_id: BOARD,
        note_id,
    }
}

#[test]
fn a_note_is_added_in_its_zone_in_the_default_colour() {
    let state = board_in(BoardPhase::Writing);
    let zone = Zone {
        room: Some(Room::Performative),
        goal: Some(Goal::Innovation),
        ..Zone::default()
    };

    let events = when(&state, add_note(NOTE_2, zone.clone(), None), CARL).unwrap();

    assert_eq!(
        events,
        vec![DomainEvent::NoteAdded {
            board_id: BOARD,
            note_id: NOTE_2,
            text: "Podcast studio with the high school".into(),
            zone,
            x: 120,
            y: -40,
            colour: "#ffd54f".into(),
        }]
    );
    let state = then_state(state, &events, CARL);
    let note = &state.boards[&BOARD].notes[&NOTE_2];
    assert_eq!(note.author, CARL);
    assert_eq!(note.vote_count(), 0);
}

#[test]
fn a_note_colour_is_a_hex_colour_and_is_lowercased() {
    let state = board_in(BoardPhase::Writing);

    assert!(matches!(
        when(&state, add_note(NOTE_2, Zone::default(), Some("#A5D6A7")), BO)
            .unwrap()
            .as_slice(),
        [DomainEvent::NoteAdded { colour, .. }] if colour == "#a5d6a7"
    ));
    for colour in ["green", "#12345", "#1234567", "#12345g", "a5d6a7#"] {
        let reason = assert_invalid(
            when(&state, add_note(NOTE_2, Zone::default(), Some(colour)), BO),
            "colour",
        );
        assert_eq!(reason, "must look like #ffd54f");
    }
}

#[test]
fn a_note_zone_must_fit_the_board_template() {
    let state = board_in(BoardPhase::Writing);
    let zone = Zone {
        level: Some(Level::Network),
        ..Zone::default()
    };

    let reason = assert_invalid(when(&state, add_note(NOTE_2, zone, None), BO), "zone");

    assert!(reason.contains("no `level` zones"), "{reason}");
}

#[test]
fn a_note_needs_text() {
    let state = board_in(BoardPhase::Writing);
    let mut command = add_note(NOTE_2, Zone::default(), None);
    if let Command::AddNote { text, .. } = &mut command {
        *text = "  ".into();
    }

    assert_invalid(when(&state, command, BO), "text");
}

#[test]
fn a_note_id_cannot_be_added_twice() {
    let state = board_in(BoardPhase::Writing);

    let error = refused(when(&state, add_note(NOTE, Zone::default(), None), BO));

    assert_eq!(
        error,
        DomainError::AlreadyExists {
            kind: "note",
            id: NOTE,
        }
    );
    assert_eq!(error.code(), "already_exists");
}

#[test]
fn notes_are_added_while_writing_revealing_grouping_and_discussing() {
    for phase in [
        BoardPhase::Writing,
        BoardPhase::Reveal,
        BoardPhase::Grouping,
        BoardPhase::Discussion,
    ] {
        let state = board_in(phase);
        assert!(
            when(&state, add_note(NOTE_2, Zone::default(), None), BO).is_ok(),
            "{phase:?}"
        );
    }
}

#[test]
fn no_notes_are_added_while_voting_or_after_closing() {
    let error = refused(when(
        &board_in(BoardPhase::Voting),
        add_note(NOTE_2, Zone::default(), None),
        BO,
    ));
    assert_eq!(
        error,
        DomainError::WrongBoardPhase {
            action: "add notes",
            phase: BoardPhase::Voting,
        }
    );
    assert_eq!(error.code(), "wrong_board_phase");

    // A closed board refuses every change to its notes (the action reads "change notes").
    let error = refused(when(
        &board_in(BoardPhase::Closed),
        add_note(NOTE_2, Zone::default(), None),
        BO,
    ));
    assert!(
        matches!(
            error,
            DomainError::WrongBoardPhase {
                phase: BoardPhase::Closed,
                ..
            }
        ),
        "{error:?}"
    );
    assert_eq!(error.code(), "wrong_board_phase");
}

#[test]
fn a_note_is_edited_by_its_author_or_the_facilitator_only() {
    let state = board_in(BoardPhase::Reveal);
    let edit = Command::EditNote {
        board_id: BOARD,
        note_id: NOTE,
        text: " Makerspace with the festival ".into(),
    };

    let error = refused(when(&state, edit.clone(), CARL));
    assert_eq!(error, DomainError::NotAuthor);
    assert_eq!(error.code(), "not_author");

    let expected = vec![DomainEvent::NoteEdited {
        board_id: BOARD,
        note_id: NOTE,
        text: "Makerspace with the festival".into(),
    }];
    assert_eq!(when(&state, edit.clone(), BO).unwrap(), expected, "author");
    let events = when(&state, edit, ANNA).unwrap();
    assert_eq!(events, expected, "facilitator");
    let state = then_state(state, &events, ANNA);
    let note = &state.boards[&BOARD].notes[&NOTE];
    assert_eq!(note.text, "Makerspace with the festival");
    assert_eq!(note.author, BO, "editing does not change the author");
}

#[test]
fn a_note_is_moved_within_the_template() {
    let state = board_in(BoardPhase::Grouping);
    let zone = Zone {
        room: Some(Room::Meeting),
        ..Zone::default()
    };

    let events = when(
        &state,
        Command::MoveNote {
            board_id: BOARD,
            note_id: NOTE,
            zone: zone.clone(),
            x: 300,
            y: 400,
        },
        CARL,
    )
    .unwrap();

    assert_eq!(
        events,
        vec![DomainEvent::NoteMoved {
            board_id: BOARD,
            note_id: NOTE,
            zone: zone.clone(),
            x: 300,
            y: 400,
        }]
    );
    let state = then_state(state, &events, CARL);
    let note = &state.boards[&BOARD].notes[&NOTE];
    assert_eq!((note.zone.clone(), note.x, note.y), (zone, 300, 400));

    let reason = assert_invalid(
        when(
            &state,
            Command::MoveNote {
                board_id: BOARD,
                note_id: NOTE,
                zone: Zone {
                    age_group: Some(AgeGroup::Seniors),
                    ..Zone::default()
                },
                x: 0,
                y: 0,
            },
            CARL,
        ),
        "zone",
    );
    assert!(reason.contains("no `age_group` zones"), "{reason}");
}

#[test]
fn moving_an_unknown_note_is_refused() {
    let state = board_in(BoardPhase::Grouping);

    let error = refused(when(
        &state,
        Command::MoveNote {
            board_id: BOARD,
            note_id: NOTE_2,
            zone: Zone::default(),
            x: 0,
            y: 0,
        },
        BO,
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

fn group(note_ids: Vec<Uuid>) -> Command {
    Command::GroupNotes {
        board_id: BOARD,
        group_id: GROUP,
        label: " Making things ".into(),
        note_ids,
    }
}

#[test]
fn notes_are_grouped_under_a_label_while_grouping() {
    let mut history = board_history(
        BoardTemplate::RoomsByGoals,
        learning_empowerment(),
        BoardPhase::Grouping,
        &[],
    );
    history.push((
        CARL,
        note_added(BOARD, NOTE_2, "3D printer", Zone::default()),
    ));
    let state = given_by(&history);

    let events = when(&state, group(vec![NOTE, NOTE_2]), ANNA).unwrap();

    assert_eq!(
        events,
        vec![DomainEvent::NotesGrouped {
            board_id: BOARD,
            group_id: GROUP,
            label: "Making things".into(),
            note_ids: vec![NOTE, NOTE_2],
        }]
    );
    let state = then_state(state, &events, ANNA);
    let board = &state.boards[&BOARD];
    assert_eq!(board.groups[&GROUP].note_ids, vec![NOTE, NOTE_2]);
    assert_eq!(board.notes[&NOTE].group_id, Some(GROUP));
    assert_eq!(board.notes[&NOTE_2].group_id, Some(GROUP));
}

#[test]
fn notes_are_grouped_only_while_grouping_or_discussing() {
    assert!(when(&board_in(BoardPhase::Discussion), group(vec![NOTE]), BO).is_ok());

    for phase in [BoardPhase::Writing, BoardPhase::Reveal, BoardPhase::Voting] {
        let error = refused(when(&board_in(phase), group(vec![NOTE]), BO));
        assert_eq!(
            error,
            DomainError::WrongBoardPhase {
                action: "group notes",
                phase,
            }
        );
        assert_eq!(error.code(), "wrong_board_phase");
    }
}

#[test]
fn a_group_holds_at_least_one_known_note() {
    let state = board_in(BoardPhase::Grouping);

    assert_invalid(when(&state, group(Vec::new()), BO), "note_ids");

    let error = refused(when(&state, group(vec![NOTE, NOTE_2]), BO));
    assert_eq!(
        error,
        DomainError::Unknown {
            kind: "note",
            id: NOTE_2,
        }
    );
    assert_eq!(error.code(), "unknown_entity");
}

#[test]
fn a_dot_is_placed_on_a_note_while_voting() {
    let state = board_in(BoardPhase::Voting);

    let events = when(&state, cast(NOTE), CARL).unwrap();

    assert_eq!(
        events,
        vec![DomainEvent::VoteCast {
            board_id: BOARD,
            note_id: NOTE,
        }]
    );
    let state = then_state(state, &events, CARL);
    let board = &state.boards[&BOARD];
    assert_eq!(board.notes[&NOTE].vote_count(), 1);
    assert_eq!(board.votes_by(&OnBoard::actor(CARL)), 1);
}

#[test]
fn dots_are_placed_only_while_voting() {
    for phase in [
        BoardPhase::Writing,
        BoardPhase::Reveal,
        BoardPhase::Grouping,
        BoardPhase::Discussion,
    ] {
        let error = refused(when(&board_in(phase), cast(NOTE), CARL));
        assert_eq!(
            error,
            DomainError::WrongBoardPhase {
                action: "vote",
                phase,
            }
        );
        assert_eq!(error.code(), "wrong_board_phase");
    }
    let error = refused(when(&board_in(BoardPhase::Closed), cast(NOTE), CARL));
    assert!(
        matches!(
            error,
            DomainError::WrongBoardPhase {
                phase: BoardPhase::Closed,
                ..
            }
        ),
        "{error:?}"
    );
    assert_eq!(error.code(), "wrong_board_phase");
}

#[test]
fn each_person_places_at_most_their_budget_of_dots_while_others_still_vote() {
    let mut history = board_history(
        BoardTemplate::RoomsByGoals,
        learning_empowerment(),
        BoardPhase::Voting,
        &[CARL, CARL],
    );
    history.push((
        CARL,
        note_added(BOARD, NOTE_2, "3D printer", Zone::default()),
    ));
    history.push((CARL, vote_cast(BOARD, NOTE_2)));
    let state = given_by(&history);
    assert_eq!(state.boards[&BOARD].votes_by(&OnBoard::actor(CARL)), 3);

    for note_id in [NOTE, NOTE_2] {
        let error = refused(when(&state, cast(note_id), CARL));
        assert_eq!(error, DomainError::VoteBudgetSpent { budget: 3 });
        assert_eq!(error.code(), "vote_budget_spent");
    }
    assert_eq!(
        when(&state, cast(NOTE), BO).unwrap(),
        vec![vote_cast(BOARD, NOTE)],
        "another participant still has dots"
    );
}

#[test]
fn voting_on_an_unknown_note_is_refused() {
    let state = board_in(BoardPhase::Voting);

    let error = refused(when(&state, cast(NOTE_2), CARL));

    assert_eq!(
        error,
        DomainError::Unknown {
            kind: "note",
            id: NOTE_2,
        }
    );
}

#[test]
fn a_dot_is_taken_back() {
    let state = given_by(&board_history(
        BoardTemplate::RoomsByGoals,
        learning_empowerment(),
        BoardPhase::Voting,
        &[CARL, CARL, BO],
    ));

    let events = when(
        &state,
        Command::RetractVote {
            board_id: BOARD,
            note_id: NOTE,
        },
        CARL,
    )
    .unwrap();

    assert_eq!(
        events,
        vec![DomainEvent::VoteRetracted {
            board_id: BOARD,
            note_id: NOTE,
        }]
    );
    let state = then_state(state, &events, CARL);
    let note = &state.boards[&BOARD].notes[&NOTE];
    assert_eq!(note.votes.get(CARL), Some(&1));
    assert_eq!(note.votes.get(BO), Some(&1), "others' dots stay");
    assert_eq!(note.vote_count(), 2);
}

#[test]
fn taking_back_a_dot_you_did_not_place_changes_nothing() {
    let state = given_by(&board_history(
        BoardTemplate::RoomsByGoals,
        learning_empowerment(),
        BoardPhase::Voting,
        &[BO],
    ));

    let what = assert_nothing_changed(when(
        &state,
        Command::RetractVote {
            board_id: BOARD,
            note_id: NOTE,
        },
        CARL,
    ));

    assert_eq!(what, "you have no dot on this note");
}

/// Carl's sealed names on the board, as the service would compute them with its key.
const CARL_AS_AUTHOR: &str = "sealed:0000000000000000000000000000c0a1";
const CARL_AS_VOTER: &str = "sealed:0000000000000000000000000000c0a2";

fn carl_sealed() -> SealedNames {
    SealedNames {
        as_author: CARL_AS_AUTHOR.into(),
        as_voter: CARL_AS_VOTER.into(),
    }
}

#[test]
fn sealed_dots_count_against_their_voters_budget_and_only_they_take_them_back() {
    let sealed = carl_sealed();
    let state = given_by(&board_history(
        BoardTemplate::RoomsByGoals,
        learning_empowerment(),
        BoardPhase::Voting,
        &[CARL_AS_VOTER, CARL_AS_VOTER, CARL_AS_VOTER],
    ));
    let carl = OnBoard {
        actor: CARL,
        sealed: Some(&sealed),
    };
    assert_eq!(state.boards[&BOARD].votes_by(&carl), 3);
    assert_eq!(state.boards[&BOARD].votes_by(&OnBoard::actor(CARL)), 0);

    let error = refused(when_sealed(&state, cast(NOTE), CARL, Some(&sealed)));
    assert_eq!(error, DomainError::VoteBudgetSpent { budget: 3 });
    let retract = Command::RetractVote {
        board_id: BOARD,
        note_id: NOTE,
    };
    assert_eq!(
        when_sealed(&state, retract.clone(), CARL, Some(&sealed)).unwrap(),
        vec![DomainEvent::VoteRetracted {
            board_id: BOARD,
            note_id: NOTE,
        }]
    );
    assert_nothing_changed(when(&state, retract, BO));
}

#[test]
fn a_sealed_author_edits_their_note_and_nobody_else_does() {
    let sealed = carl_sealed();
    let state = given_by(&[
        (ANNA, workspace_created()),
        (ANNA, board_created(BOARD, BoardTemplate::Free, 3)),
        (
            CARL_AS_AUTHOR,
            note_added(BOARD, NOTE, "Theatre group", Zone::default()),
        ),
    ]);
    let edit = Command::EditNote {
        board_id: BOARD,
        note_id: NOTE,
        text: "Theatre group for teenagers".into(),
    };
    assert!(when_sealed(&state, edit.clone(), CARL, Some(&sealed)).is_ok());
    assert_eq!(
        refused(when(&state, edit.clone(), CARL)),
        DomainError::NotAuthor
    );
    assert_eq!(refused(when(&state, edit, BO)), DomainError::NotAuthor);
}

#[test]
fn a_free_zone_label_is_as_long_as_a_name_at_most() {
    let state = given_by(&board_history(
        BoardTemplate::Free,
        Zone {
            label: Some("Ideas".into()),
            ..Zone::default()
        },
        BoardPhase::Writing,
        &[],
    ));
    let labelled = |label: String| Zone {
        label: Some(label),
        ..Zone::default()
    };

    let reason = assert_invalid(
        when(
            &state,
            add_note(NOTE_2, labelled("x".repeat(201)), None),
            BO,
        ),
        "zone",
    );
    assert!(reason.contains("201 characters"), "{reason}");
    assert!(when(
        &state,
        add_note(NOTE_2, labelled("ø".repeat(200)), None),
        BO
    )
    .is_ok());
}
