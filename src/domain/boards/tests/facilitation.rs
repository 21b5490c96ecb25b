//! Given/when/then tests: workshop boards: creation and facilitation.

use super::notes_and_dots::add_note;
use crate::domain::testing::*;

// ---------------------------------------------------------------------------------------------
// Workshop boards: creation and facilitation.
// ---------------------------------------------------------------------------------------------

fn create_board(vote_budget: Option<u32>) -> Command {
    Command::CreateBoard {
        board_id: BOARD,
        title: format!(" {BOARD_TITLE} "),
        template: BoardTemplate::RoomsByGoals,
        vote_budget,
    }
}

fn advance(to: BoardPhase, anonymous: Option<bool>) -> Command {
    Command::AdvanceBoardPhase {
        board_id: BOARD,
        to,
        anonymous,
        vote_budget: None,
        note_cap: None,
    }
}

#[test]
fn a_board_is_created_with_five_dots_per_participant_by_default() {
    let state = given(&[workspace_created()]);

    let events = when(&state, create_board(None), BO).unwrap();

    assert_eq!(
        events,
        vec![board_created(BOARD, BoardTemplate::RoomsByGoals, 5)]
    );
    let state = then_state(state, &events, BO);
    let board = &state.boards[&BOARD];
    assert_eq!(board.facilitator, BO, "the creator facilitates");
    assert_eq!(board.phase, BoardPhase::Writing);
    assert!(board.anonymous);
    assert!(!board.locked);
    assert_eq!(board.vote_budget, 5);
}

#[test]
fn a_board_takes_its_own_vote_budget_of_1_to_50_dots() {
    let state = given(&[workspace_created()]);

    assert_eq!(
        when(&state, create_board(Some(5)), ANNA).unwrap(),
        vec![board_created(BOARD, BoardTemplate::RoomsByGoals, 5)]
    );
    for budget in [0, 51] {
        let reason = assert_invalid(
            when(&state, create_board(Some(budget)), ANNA),
            "vote_budget",
        );
        assert_eq!(reason, "give each participant 1 to 50 dots");
    }
}

#[test]
fn a_board_id_cannot_be_created_twice() {
    let state = board_in(BoardPhase::Writing);

    let error = refused(when(&state, create_board(None), ANNA));

    assert_eq!(
        error,
        DomainError::AlreadyExists {
            kind: "board",
            id: BOARD,
        }
    );
    assert_eq!(error.code(), "already_exists");
}

#[test]
fn only_the_facilitator_moves_locks_and_times_the_board() {
    let mut history = board_history(
        BoardTemplate::RoomsByGoals,
        learning_empowerment(),
        BoardPhase::Writing,
        &[],
    );
    history.push((ANNA, DomainEvent::BoardLocked { board_id: BOARD }));
    let locked = given_by(&history);
    let commands = [
        advance(BoardPhase::Reveal, None),
        Command::LockBoard { board_id: BOARD },
        Command::UnlockBoard { board_id: BOARD },
        Command::StartBoardTimer {
            board_id: BOARD,
            seconds: 300,
        },
        Command::StopBoardTimer { board_id: BOARD },
    ];

    for command in commands {
        let error = refused(when(&locked, command.clone(), BO));
        assert_eq!(
            error,
            DomainError::NotFacilitator {
                facilitator: ANNA.into(),
            },
            "{command:?}"
        );
        assert_eq!(error.code(), "not_facilitator");
    }
}

#[test]
fn the_facilitator_moves_the_board_to_its_next_phase() {
    let state = board_in(BoardPhase::Writing);

    let events = when(&state, advance(BoardPhase::Reveal, None), ANNA).unwrap();

    assert_eq!(
        events,
        vec![DomainEvent::BoardPhaseChanged {
            board_id: BOARD,
            from: BoardPhase::Writing,
            to: BoardPhase::Reveal,
            anonymous: false,
        }]
    );
    let state = then_state(state, &events, ANNA);
    assert_eq!(state.boards[&BOARD].phase, BoardPhase::Reveal);
    assert!(!state.boards[&BOARD].anonymous);
}

#[test]
fn a_board_moves_one_phase_at_a_time_and_never_back() {
    let cases = [
        (BoardPhase::Writing, BoardPhase::Grouping),
        (BoardPhase::Writing, BoardPhase::Writing),
        (BoardPhase::Voting, BoardPhase::Grouping),
        (BoardPhase::Reveal, BoardPhase::Closed),
        (BoardPhase::Closed, BoardPhase::Writing),
    ];

    for (from, to) in cases {
        let state = board_in(from);
        let error = refused(when(&state, advance(to, None), ANNA));
        assert_eq!(error, DomainError::IllegalBoardPhaseJump { from, to });
        assert_eq!(error.code(), "illegal_board_phase_jump");
    }
}

#[test]
fn authors_are_hidden_by_default_only_while_voting_after_writing() {
    let expected = [
        (BoardPhase::Writing, BoardPhase::Reveal, false),
        (BoardPhase::Reveal, BoardPhase::Grouping, false),
        (BoardPhase::Grouping, BoardPhase::Voting, true),
        (BoardPhase::Voting, BoardPhase::Discussion, false),
        (BoardPhase::Discussion, BoardPhase::Closed, false),
    ];

    for (from, to, anonymous) in expected {
        let state = board_in(from);
        assert_eq!(
            when(&state, advance(to, None), ANNA).unwrap(),
            vec![DomainEvent::BoardPhaseChanged {
                board_id: BOARD,
                from,
                to,
                anonymous,
            }],
            "{from:?} -> {to:?}"
        );
    }
    // A new board starts in the writing phase, hidden.
    assert!(board_in(BoardPhase::Writing).boards[&BOARD].anonymous);
}

#[test]
fn the_facilitator_may_choose_anonymity_for_a_phase() {
    let voting = board_in(BoardPhase::Grouping);
    assert!(matches!(
        when(&voting, advance(BoardPhase::Voting, Some(false)), ANNA)
            .unwrap()
            .as_slice(),
        [DomainEvent::BoardPhaseChanged {
            anonymous: false,
            ..
        }]
    ));

    let reveal = board_in(BoardPhase::Writing);
    assert!(matches!(
        when(&reveal, advance(BoardPhase::Reveal, Some(true)), ANNA)
            .unwrap()
            .as_slice(),
        [DomainEvent::BoardPhaseChanged {
            anonymous: true,
            ..
        }]
    ));
}

#[test]
fn the_facilitator_locks_and_unlocks_the_board() {
    let state = board_in(BoardPhase::Writing);

    let events = when(&state, Command::LockBoard { board_id: BOARD }, ANNA).unwrap();
    assert_eq!(events, vec![DomainEvent::BoardLocked { board_id: BOARD }]);
    let state = then_state(state, &events, ANNA);
    assert!(state.boards[&BOARD].locked);

    let what = assert_nothing_changed(when(&state, Command::LockBoard { board_id: BOARD }, ANNA));
    assert_eq!(what, "the board is locked already");

    let events = when(&state, Command::UnlockBoard { board_id: BOARD }, ANNA).unwrap();
    assert_eq!(events, vec![DomainEvent::BoardUnlocked { board_id: BOARD }]);
    let state = then_state(state, &events, ANNA);
    assert!(!state.boards[&BOARD].locked);

    let what = assert_nothing_changed(when(&state, Command::UnlockBoard { board_id: BOARD }, ANNA));
    assert_eq!(what, "the board is not locked");
}

#[test]
fn a_locked_board_refuses_new_moved_edited_and_voted_notes() {
    for (phase, command) in [
        (
            BoardPhase::Writing,
            add_note(NOTE_2, learning_empowerment(), None),
        ),
        (
            BoardPhase::Grouping,
            Command::MoveNote {
                board_id: BOARD,
                note_id: NOTE,
                zone: learning_empowerment(),
                x: 1,
                y: 2,
            },
        ),
        (
            BoardPhase::Reveal,
            Command::EditNote {
                board_id: BOARD,
                note_id: NOTE,
                text: "Makerspace".into(),
            },
        ),
        (
            BoardPhase::Voting,
            Command::CastVote {
                board_id: BOARD,
                note_id: NOTE,
            },
        ),
    ] {
        let mut history = board_history(
            BoardTemplate::RoomsByGoals,
            learning_empowerment(),
            phase,
            &[],
        );
        history.push((ANNA, DomainEvent::BoardLocked { board_id: BOARD }));
        let state = given_by(&history);

        let error = refused(when(&state, command.clone(), BO));
        assert_eq!(
            error,
            DomainError::BoardLocked { board_id: BOARD },
            "{command:?}"
        );
        assert_eq!(error.code(), "board_locked");
    }
}

#[test]
fn a_timer_runs_out_the_given_seconds_from_now() {
    let state = board_in(BoardPhase::Writing);

    let events = when(
        &state,
        Command::StartBoardTimer {
            board_id: BOARD,
            seconds: 300,
        },
        ANNA,
    )
    .unwrap();

    assert_eq!(
        events,
        vec![DomainEvent::BoardTimerStarted {
            board_id: BOARD,
            seconds: 300,
            ends_at: Utc.with_ymd_and_hms(2025, 3, 2, 10, 5, 0).unwrap(),
        }]
    );
    let state = then_state(state, &events, ANNA);
    assert_eq!(
        state.boards[&BOARD].timer_ends_at,
        Some(now() + Duration::seconds(300))
    );

    let events = when(&state, Command::StopBoardTimer { board_id: BOARD }, ANNA).unwrap();
    assert_eq!(
        events,
        vec![DomainEvent::BoardTimerStopped { board_id: BOARD }]
    );
    assert_eq!(
        then_state(state, &events, ANNA).boards[&BOARD].timer_ends_at,
        None
    );
}

#[test]
fn a_timer_runs_1_second_to_4_hours() {
    let state = board_in(BoardPhase::Writing);

    for seconds in [0, 4 * 3600 + 1] {
        let reason = assert_invalid(
            when(
                &state,
                Command::StartBoardTimer {
                    board_id: BOARD,
                    seconds,
                },
                ANNA,
            ),
            "seconds",
        );
        assert_eq!(reason, "a timer runs 1 second to 4 hours");
    }
    assert!(when(
        &state,
        Command::StartBoardTimer {
            board_id: BOARD,
            seconds: 4 * 3600,
        },
        ANNA,
    )
    .is_ok());
}

#[test]
fn stopping_a_timer_that_is_not_running_changes_nothing() {
    let state = board_in(BoardPhase::Writing);

    let what = assert_nothing_changed(when(
        &state,
        Command::StopBoardTimer { board_id: BOARD },
        ANNA,
    ));

    assert_eq!(what, "no timer is running");
}

#[test]
fn commands_on_an_unknown_board_are_refused() {
    let state = given(&[workspace_created()]);

    for command in [
        advance(BoardPhase::Reveal, None),
        add_note(NOTE, Zone::default(), None),
        Command::CastVote {
            board_id: BOARD,
            note_id: NOTE,
        },
    ] {
        let error = refused(when(&state, command, ANNA));
        assert_eq!(
            error,
            DomainError::Unknown {
                kind: "board",
                id: BOARD,
            }
        );
        assert_eq!(error.code(), "unknown_entity");
    }
}
