//! Given/when/then tests: workshop boards: the rules of a vote (the budget by default, a
//! budget and a cap per note chosen when the vote opens, skipping the vote) and handing the
//! facilitation to someone else.

use crate::domain::testing::*;

fn open_vote(vote_budget: Option<u32>, note_cap: Option<u32>) -> Command {
    Command::AdvanceBoardPhase {
        board_id: BOARD,
        to: BoardPhase::Voting,
        anonymous: None,
        vote_budget,
        note_cap,
    }
}

fn cast(note_id: Uuid) -> Command {
    Command::CastVote {
        board_id: BOARD,
        note_id,
    }
}

fn hand(to: &str) -> Command {
    Command::HandFacilitation {
        board_id: BOARD,
        to: to.into(),
    }
}

fn as_owner(
    state: &WorkspaceState,
    command: Command,
    actor: &str,
) -> Result<Vec<DomainEvent>, DomainError> {
    decide(
        state,
        &command,
        &Request {
            actor,
            sealed: None,
            owner: true,
            now: now(),
        },
    )
}

/// Records `command` decided as `actor` and answers the state after it.
fn after(state: WorkspaceState, command: Command, actor: &str) -> WorkspaceState {
    let events = when(&state, command, actor).unwrap();
    then_state(state, &events, actor)
}

#[test]
fn a_new_board_gives_five_dots_each_while_a_recorded_board_keeps_its_budget() {
    let state = given(&[workspace_created()]);
    let events = when(
        &state,
        Command::CreateBoard {
            board_id: BOARD,
            title: BOARD_TITLE.into(),
            template: BoardTemplate::Free,
            vote_budget: None,
        },
        ANNA,
    )
    .unwrap();
    assert_eq!(events, vec![board_created(BOARD, BoardTemplate::Free, 5)]);

    // A board recorded with three dots (the old default) replays with three.
    let recorded = board_in(BoardPhase::Voting);
    assert_eq!(recorded.boards[&BOARD].vote_budget, 3);
}

#[test]
fn the_vote_opens_with_its_own_budget_and_cap_per_note() {
    let state = board_in(BoardPhase::Grouping);

    let events = when(&state, open_vote(Some(6), Some(2)), ANNA).unwrap();

    assert_eq!(
        events,
        vec![
            board_moved(BOARD, BoardPhase::Grouping, BoardPhase::Voting),
            DomainEvent::VotingRulesSet {
                board_id: BOARD,
                vote_budget: 6,
                note_cap: Some(2),
            }
        ]
    );
    let state = then_state(state, &events, ANNA);
    assert_eq!(state.boards[&BOARD].vote_budget, 6);
    assert_eq!(state.boards[&BOARD].note_cap, Some(2));
}

#[test]
fn a_vote_opened_without_rules_records_none_and_keeps_the_boards_budget() {
    let state = board_in(BoardPhase::Grouping);

    let events = when(&state, open_vote(None, None), ANNA).unwrap();

    assert_eq!(
        events,
        vec![board_moved(BOARD, BoardPhase::Grouping, BoardPhase::Voting)]
    );
    let state = then_state(state, &events, ANNA);
    assert_eq!(state.boards[&BOARD].vote_budget, 3);
    assert_eq!(state.boards[&BOARD].note_cap, None);
}

#[test]
fn a_cap_alone_keeps_the_boards_budget_and_fits_within_it() {
    let state = board_in(BoardPhase::Grouping);

    assert_eq!(
        when(&state, open_vote(None, Some(3)), ANNA).unwrap()[1],
        DomainEvent::VotingRulesSet {
            board_id: BOARD,
            vote_budget: 3,
            note_cap: Some(3),
        }
    );
    for cap in [0, 4] {
        let reason = assert_invalid(when(&state, open_vote(None, Some(cap)), ANNA), "note_cap");
        assert_eq!(reason, "a cap per note is 1 to the 3 dots of the vote");
    }
    let reason = assert_invalid(when(&state, open_vote(Some(51), None), ANNA), "vote_budget");
    assert_eq!(reason, "give each participant 1 to 50 dots");
}

#[test]
fn vote_rules_belong_to_opening_the_vote() {
    let state = board_in(BoardPhase::Reveal);

    let command = Command::AdvanceBoardPhase {
        board_id: BOARD,
        to: BoardPhase::Grouping,
        anonymous: None,
        vote_budget: None,
        note_cap: Some(2),
    };
    let reason = assert_invalid(when(&state, command, ANNA), "vote_budget");
    assert_eq!(
        reason,
        "dots and a cap per note are chosen when the vote opens"
    );
}

#[test]
fn a_dot_over_the_cap_per_note_is_refused_in_words_while_other_notes_take_dots() {
    let mut history = board_history(
        BoardTemplate::RoomsByGoals,
        learning_empowerment(),
        BoardPhase::Grouping,
        &[],
    );
    history.push((
        CARL,
        note_added(BOARD, NOTE_2, "Second", learning_empowerment()),
    ));
    let state = after(given_by(&history), open_vote(Some(5), Some(2)), ANNA);

    let state = after(state, cast(NOTE), CARL);
    let state = after(state, cast(NOTE), CARL);
    let error = refused(when(&state, cast(NOTE), CARL));
    assert_eq!(error, DomainError::NoteCapReached { cap: 2 });
    assert_eq!(error.code(), "note_cap_reached");
    assert_eq!(
        error.to_string(),
        "you have placed 2 dots on this note, the most this vote allows on one note; place the others elsewhere"
    );
    assert!(
        when(&state, cast(NOTE_2), CARL).is_ok(),
        "another note takes the dot"
    );
    assert!(
        when(&state, cast(NOTE), BO).is_ok(),
        "someone else still may"
    );
}

#[test]
fn the_facilitator_may_skip_the_vote_from_grouping_to_discussion() {
    let state = board_in(BoardPhase::Grouping);

    let events = when(
        &state,
        Command::AdvanceBoardPhase {
            board_id: BOARD,
            to: BoardPhase::Discussion,
            anonymous: Some(false),
            vote_budget: None,
            note_cap: None,
        },
        ANNA,
    )
    .unwrap();

    assert_eq!(
        events,
        vec![DomainEvent::BoardPhaseChanged {
            board_id: BOARD,
            from: BoardPhase::Grouping,
            to: BoardPhase::Discussion,
            anonymous: false,
        }]
    );
    // Only the vote may be skipped; only the facilitator skips it.
    let state_reveal = board_in(BoardPhase::Reveal);
    let error = refused(when(
        &state_reveal,
        Command::AdvanceBoardPhase {
            board_id: BOARD,
            to: BoardPhase::Voting,
            anonymous: None,
            vote_budget: None,
            note_cap: None,
        },
        ANNA,
    ));
    assert_eq!(error.code(), "illegal_board_phase_jump");
    let error = refused(when(
        &state,
        Command::AdvanceBoardPhase {
            board_id: BOARD,
            to: BoardPhase::Discussion,
            anonymous: None,
            vote_budget: None,
            note_cap: None,
        },
        BO,
    ));
    assert_eq!(error.code(), "not_facilitator");
}

#[test]
fn the_facilitator_hands_the_facilitation_on_and_the_tools_go_with_it() {
    let state = board_in(BoardPhase::Reveal);

    let events = when(&state, hand(" bo@roskilde "), ANNA).unwrap();

    assert_eq!(
        events,
        vec![DomainEvent::FacilitationHanded {
            board_id: BOARD,
            from: ANNA.into(),
            to: BO.into(),
        }]
    );
    let state = then_state(state, &events, ANNA);
    assert_eq!(state.boards[&BOARD].facilitator, BO);
    assert!(when(&state, Command::LockBoard { board_id: BOARD }, BO).is_ok());
    assert_eq!(
        refused(when(&state, Command::LockBoard { board_id: BOARD }, ANNA)).code(),
        "not_facilitator",
        "the former facilitator's tools are gone"
    );
}

#[test]
fn only_the_facilitator_or_an_owner_hands_the_facilitation_on() {
    let state = board_in(BoardPhase::Reveal);

    let error = refused(when(&state, hand(CARL), BO));
    assert_eq!(
        error,
        DomainError::NotFacilitatorNorOwner {
            facilitator: ANNA.into()
        }
    );
    assert_eq!(error.code(), "facilitation_not_yours");

    assert_eq!(
        as_owner(&state, hand(CARL), BO).unwrap(),
        vec![DomainEvent::FacilitationHanded {
            board_id: BOARD,
            from: ANNA.into(),
            to: CARL.into(),
        }],
        "an owner may take the facilitation from someone who left"
    );
}

#[test]
fn the_facilitation_goes_to_a_member_by_name_not_to_a_guest_or_to_whoever_has_it() {
    let state = board_in(BoardPhase::Reveal);

    for to in ["guest:0b1c", "token:7", "sealed:00ff", "  "] {
        assert!(
            matches!(
                refused(when(&state, hand(to), ANNA)),
                DomainError::InvalidField { field: "to", .. }
            ),
            "{to:?}"
        );
    }
    assert_eq!(
        assert_nothing_changed(when(&state, hand(ANNA), ANNA)),
        "anna@roskilde facilitates the board already"
    );
    let closed = board_in(BoardPhase::Closed);
    assert_eq!(
        refused(when(&closed, hand(BO), ANNA)).code(),
        "wrong_board_phase"
    );
}
