//! Given/when/then tests: partnerships: proposal and update, Partnerships: the twelve phases and Screening with the fourteen questions.

use super::agreement_to_ending::{evaluate, plan_communication, tick, untick};
use crate::domain::testing::*;

// ---------------------------------------------------------------------------------------------
// Partnerships: proposal and update.
// ---------------------------------------------------------------------------------------------

fn propose(partner_ids: Vec<Uuid>, owner_id: Option<Uuid>, form: PartnershipForm) -> Command {
    Command::ProposePartnership {
        partnership_id: PARTNERSHIP,
        title: " Festivalbiblioteket ".into(),
        partner_ids,
        purpose: " Reading at the festival ".into(),
        form,
        goals: vec![Goal::Experience],
        rooms: vec![Room::Inspiration],
        age_groups: vec![AgeGroup::YoungAdults],
        owner_id,
    }
}

fn update(partnership_id: Uuid) -> Command {
    Command::UpdatePartnership {
        partnership_id,
        title: None,
        partner_ids: None,
        purpose: None,
        form: None,
        goals: None,
        rooms: None,
        age_groups: None,
        owner_id: None,
    }
}

fn move_to(to: Phase) -> Command {
    Command::MovePartnershipPhase {
        partnership_id: PARTNERSHIP,
        to,
        note: String::new(),
    }
}

#[test]
fn a_partnership_is_proposed_as_an_idea() {
    let state = given(&basics());
    let form = PartnershipForm::Activity {
        starts_on: date(2025, 6, 28),
        ends_on: date(2025, 7, 5),
    };

    let events = when(
        &state,
        propose(vec![FESTIVAL], Some(STAFF_ANNA), form.clone()),
        ANNA,
    )
    .unwrap();

    assert_eq!(
        events,
        vec![DomainEvent::PartnershipProposed {
            partnership_id: PARTNERSHIP,
            title: "Festivalbiblioteket".into(),
            partner_ids: vec![FESTIVAL],
            purpose: "Reading at the festival".into(),
            form,
            goals: vec![Goal::Experience],
            rooms: vec![Room::Inspiration],
            age_groups: vec![AgeGroup::YoungAdults],
            owner_id: Some(STAFF_ANNA),
            priority: 0,
            tags: Vec::new(),
        }]
    );
    let state = then_state(state, &events, ANNA);
    let partnership = &state.partnerships[&PARTNERSHIP];
    assert_eq!(partnership.phase, Phase::Idea);
    assert!(partnership.is_active());
    assert_eq!(partnership.agreement.version, 0);
    assert_eq!(partnership.proposed_at, now());
}

#[test]
fn a_one_day_activity_may_start_and_end_on_the_same_day() {
    let state = given(&basics());
    let form = PartnershipForm::Activity {
        starts_on: date(2025, 6, 28),
        ends_on: date(2025, 6, 28),
    };

    assert!(when(&state, propose(Vec::new(), None, form), ANNA).is_ok());
}

#[test]
fn a_partnership_with_an_unknown_partner_is_refused() {
    let state = given(&basics());

    let error = refused(when(
        &state,
        propose(vec![FESTIVAL, MUSEUM], None, PartnershipForm::Frame),
        ANNA,
    ));

    assert_eq!(
        error,
        DomainError::Unknown {
            kind: "organisation",
            id: MUSEUM,
        }
    );
    assert_eq!(error.code(), "unknown_entity");
}

#[test]
fn a_partnership_with_an_unknown_owner_is_refused() {
    let state = given(&basics());

    let error = refused(when(
        &state,
        propose(vec![FESTIVAL], Some(STAFF_BO), PartnershipForm::Frame),
        ANNA,
    ));

    assert_eq!(
        error,
        DomainError::Unknown {
            kind: "staff member",
            id: STAFF_BO,
        }
    );
    assert_eq!(error.code(), "unknown_entity");
}

#[test]
fn an_activity_that_ends_before_it_starts_is_refused() {
    let state = given(&basics());
    let form = PartnershipForm::Activity {
        starts_on: date(2025, 7, 5),
        ends_on: date(2025, 6, 28),
    };

    let reason = assert_invalid(when(&state, propose(Vec::new(), None, form), ANNA), "form");
    assert_eq!(reason, "an activity cannot end before it starts");
}

#[test]
fn a_partnership_id_cannot_be_proposed_twice() {
    let state = given(&with_partnership());

    let error = refused(when(
        &state,
        propose(Vec::new(), None, PartnershipForm::Frame),
        ANNA,
    ));

    assert_eq!(
        error,
        DomainError::AlreadyExists {
            kind: "partnership",
            id: PARTNERSHIP,
        }
    );
    assert_eq!(error.code(), "already_exists");
}

#[test]
fn a_partnership_update_carries_only_the_named_fields() {
    let mut events = with_partnership();
    events.push(organisation_registered(MUSEUM, "Vikingeskibsmuseet"));
    let state = given(&events);
    let mut command = update(PARTNERSHIP);
    if let Command::UpdatePartnership {
        title,
        partner_ids,
        owner_id,
        ..
    } = &mut command
    {
        *title = Some(" Festival- og museumsbiblioteket ".into());
        *partner_ids = Some(vec![FESTIVAL, MUSEUM]);
        *owner_id = Some(STAFF_ANNA);
    }

    let events = when(&state, command, ANNA).unwrap();

    assert_eq!(
        events,
        vec![DomainEvent::PartnershipUpdated {
            partnership_id: PARTNERSHIP,
            title: Some("Festival- og museumsbiblioteket".into()),
            partner_ids: Some(vec![FESTIVAL, MUSEUM]),
            purpose: None,
            form: None,
            goals: None,
            rooms: None,
            age_groups: None,
            owner_id: Some(STAFF_ANNA),
        }]
    );
    let state = then_state(state, &events, ANNA);
    let partnership = &state.partnerships[&PARTNERSHIP];
    assert_eq!(partnership.title, "Festival- og museumsbiblioteket");
    assert_eq!(partnership.partner_ids, vec![FESTIVAL, MUSEUM]);
    assert_eq!(partnership.owner_id, Some(STAFF_ANNA));
    assert_eq!(partnership.form, PartnershipForm::Frame);
}

#[test]
fn a_partnership_update_naming_no_field_changes_nothing() {
    let state = given(&with_partnership());

    let what = assert_nothing_changed(when(&state, update(PARTNERSHIP), ANNA));

    assert_eq!(what, "the update names no field");
}

#[test]
fn updating_an_unknown_partnership_is_refused() {
    let state = given(&basics());

    let error = refused(when(&state, update(PARTNERSHIP), ANNA));

    assert_eq!(
        error,
        DomainError::Unknown {
            kind: "partnership",
            id: PARTNERSHIP,
        }
    );
    assert_eq!(error.code(), "unknown_entity");
}

// ---------------------------------------------------------------------------------------------
// Partnerships: the twelve phases.
// ---------------------------------------------------------------------------------------------

#[test]
fn a_partnership_moves_one_phase_forward() {
    let state = given(&with_partnership());

    let events = when(
        &state,
        Command::MovePartnershipPhase {
            partnership_id: PARTNERSHIP,
            to: Phase::Exploration,
            note: " who knows them? ".into(),
        },
        ANNA,
    )
    .unwrap();

    assert_eq!(
        events,
        vec![DomainEvent::PartnershipPhaseChanged {
            partnership_id: PARTNERSHIP,
            from: Phase::Idea,
            to: Phase::Exploration,
            note: "who knows them?".into(),
        }]
    );
    let state = then_state(state, &events, ANNA);
    assert_eq!(state.partnerships[&PARTNERSHIP].phase, Phase::Exploration);
}

#[test]
fn skipping_a_phase_is_an_illegal_phase_jump() {
    let state = given(&with_partnership());

    let error = refused(when(&state, move_to(Phase::Screening), ANNA));

    assert_eq!(
        error,
        DomainError::IllegalPhaseJump {
            from: Phase::Idea,
            to: Phase::Screening,
        }
    );
    assert_eq!(error.code(), "illegal_phase_jump");
}

#[test]
fn moving_to_the_current_phase_is_an_illegal_phase_jump() {
    let state = given(&partnership_in(Phase::Agreement));

    let error = refused(when(&state, move_to(Phase::Agreement), ANNA));

    assert_eq!(
        error,
        DomainError::IllegalPhaseJump {
            from: Phase::Agreement,
            to: Phase::Agreement,
        }
    );
}

#[test]
fn a_partnership_moves_back_to_any_earlier_phase_without_requirements() {
    let state = given(&partnership_in(Phase::Agreement));

    let events = when(&state, move_to(Phase::Exploration), ANNA).unwrap();

    assert_eq!(
        events,
        vec![phase_changed(
            PARTNERSHIP,
            Phase::Agreement,
            Phase::Exploration
        )]
    );
}

#[test]
fn moving_a_partnership_to_ended_is_refused_it_has_its_own_command() {
    let state = given(&partnership_in(Phase::Adjustment));

    let error = refused(when(&state, move_to(Phase::Ended), ANNA));

    assert_eq!(
        error,
        DomainError::IllegalPhaseJump {
            from: Phase::Adjustment,
            to: Phase::Ended,
        }
    );
    assert_eq!(error.code(), "illegal_phase_jump");
}

#[test]
fn the_decision_phase_requires_a_screening() {
    let state = given(&partnership_in(Phase::Screening));

    let error = refused(when(&state, move_to(Phase::Decision), ANNA));

    assert_eq!(
        error,
        DomainError::PhaseRequirement {
            to: Phase::Decision,
            missing: "screen it with the fourteen questions first".into(),
        }
    );
    assert_eq!(error.code(), "phase_requirement");
}

#[test]
fn the_decision_phase_follows_any_screening_even_a_no() {
    let mut events = partnership_in(Phase::Screening);
    events.push(screened(PARTNERSHIP, ScreeningDecision::NoGo));
    let state = given(&events);

    let events = when(&state, move_to(Phase::Decision), ANNA).unwrap();

    assert_eq!(
        events,
        vec![phase_changed(
            PARTNERSHIP,
            Phase::Screening,
            Phase::Decision
        )]
    );
}

#[test]
fn goals_and_roles_require_a_screening_that_said_go() {
    let unscreened = given(&partnership_in(Phase::Decision));
    let error = refused(when(&unscreened, move_to(Phase::GoalsAndRoles), ANNA));
    assert_eq!(
        error,
        DomainError::PhaseRequirement {
            to: Phase::GoalsAndRoles,
            missing: "screen it and decide \"go\" first".into(),
        }
    );
    assert_eq!(error.code(), "phase_requirement");

    let mut events = partnership_in(Phase::Decision);
    events.push(screened(PARTNERSHIP, ScreeningDecision::Postpone));
    let postponed = given(&events);
    let error = refused(when(&postponed, move_to(Phase::GoalsAndRoles), ANNA));
    assert_eq!(
        error,
        DomainError::PhaseRequirement {
            to: Phase::GoalsAndRoles,
            missing: "the screening decided \"postpone\"; only a \"go\" leads on".into(),
        }
    );
    assert_eq!(error.code(), "phase_requirement");

    let mut events = partnership_in(Phase::Decision);
    events.push(screened(PARTNERSHIP, ScreeningDecision::Go));
    let go = given(&events);
    assert_eq!(
        when(&go, move_to(Phase::GoalsAndRoles), ANNA).unwrap(),
        vec![phase_changed(
            PARTNERSHIP,
            Phase::Decision,
            Phase::GoalsAndRoles
        )]
    );
}

#[test]
fn planning_requires_an_agreement() {
    let state = given(&partnership_in(Phase::Agreement));
    let error = refused(when(&state, move_to(Phase::Planning), ANNA));
    assert_eq!(
        error,
        DomainError::PhaseRequirement {
            to: Phase::Planning,
            missing: "write the agreement first".into(),
        }
    );
    assert_eq!(error.code(), "phase_requirement");

    let mut events = partnership_in(Phase::Agreement);
    events.push(agreement_amended(
        PARTNERSHIP,
        1,
        &[(AgreementSection::Purpose, "Reading at the festival")],
    ));
    let state = given(&events);
    assert_eq!(
        when(&state, move_to(Phase::Planning), ANNA).unwrap(),
        vec![phase_changed(
            PARTNERSHIP,
            Phase::Agreement,
            Phase::Planning
        )]
    );
}

#[test]
fn adjustment_requires_an_evaluation() {
    let state = given(&partnership_in(Phase::Evaluation));
    let error = refused(when(&state, move_to(Phase::Adjustment), ANNA));
    assert_eq!(
        error,
        DomainError::PhaseRequirement {
            to: Phase::Adjustment,
            missing: "record an evaluation first".into(),
        }
    );
    assert_eq!(error.code(), "phase_requirement");

    let mut events = partnership_in(Phase::Evaluation);
    events.push(evaluated(PARTNERSHIP, EVALUATION));
    let state = given(&events);
    assert_eq!(
        when(&state, move_to(Phase::Adjustment), ANNA).unwrap(),
        vec![phase_changed(
            PARTNERSHIP,
            Phase::Evaluation,
            Phase::Adjustment
        )]
    );
}

#[test]
fn after_adjustment_the_partnership_runs_again_and_is_evaluated_again() {
    let mut events = partnership_in(Phase::Adjustment);
    events.push(evaluated(PARTNERSHIP, EVALUATION));
    let state = given(&events);

    let events = when(&state, move_to(Phase::Running), ANNA).unwrap();
    assert_eq!(
        events,
        vec![phase_changed(
            PARTNERSHIP,
            Phase::Adjustment,
            Phase::Running
        )]
    );
    let state = then_state(state, &events, ANNA);

    let events = when(&state, move_to(Phase::Evaluation), ANNA).unwrap();
    assert_eq!(
        events,
        vec![phase_changed(
            PARTNERSHIP,
            Phase::Running,
            Phase::Evaluation
        )]
    );
}

#[test]
fn an_ended_partnership_refuses_every_command_about_it() {
    let mut events = partnership_in(Phase::Running);
    events.push(partnership_ended(PARTNERSHIP, Phase::Running));
    let state = given(&events);
    let mut amend_sections = BTreeMap::new();
    amend_sections.insert(AgreementSection::Exit, Some("Ended".to_owned()));
    let mut rename = update(PARTNERSHIP);
    if let Command::UpdatePartnership { title, .. } = &mut rename {
        *title = Some("Renamed".into());
    }
    let commands = [
        rename,
        move_to(Phase::Idea),
        move_to(Phase::Evaluation),
        Command::ScreenPartnership {
            partnership_id: PARTNERSHIP,
            answers: answered(Answer::Yes),
            decision: ScreeningDecision::Go,
            decision_note: String::new(),
        },
        Command::AmendAgreement {
            partnership_id: PARTNERSHIP,
            expected_version: 0,
            sections: amend_sections,
            reason: String::new(),
        },
        Command::CommitResources {
            partnership_id: PARTNERSHIP,
            commitment_id: COMMITMENT,
            party: Party::Library,
            description: "Books".into(),
            hours: None,
            amount_dkk: None,
        },
        evaluate(
            vec![criterion("loans", 3)],
            EvaluationDecision::Continue,
            None,
        ),
        plan_communication(PLAN_ITEM),
        Command::RecordCommunicationSent {
            partnership_id: PARTNERSHIP,
            item_id: None,
            sent_on: date(2025, 8, 1),
            channel: "email".into(),
            summary: "Thanks".into(),
        },
        tick(ReadinessItem::StrategyLink),
        untick(ReadinessItem::StrategyLink),
        Command::EndPartnership {
            partnership_id: PARTNERSHIP,
            reason: "again".into(),
            ended_on: None,
        },
    ];

    for command in commands {
        let error = refused(when(&state, command.clone(), ANNA));
        assert_eq!(
            error,
            DomainError::PartnershipEnded {
                partnership_id: PARTNERSHIP,
            },
            "{command:?}"
        );
        assert_eq!(error.code(), "partnership_ended");
    }
}

// ---------------------------------------------------------------------------------------------
// Screening with the fourteen questions.
// ---------------------------------------------------------------------------------------------

fn screen(answers: Vec<ScreeningAnswer>) -> Command {
    Command::ScreenPartnership {
        partnership_id: PARTNERSHIP,
        answers,
        decision: ScreeningDecision::Go,
        decision_note: " strong fit ".into(),
    }
}

fn answer(question: u8, answer: Answer) -> ScreeningAnswer {
    ScreeningAnswer {
        question,
        answer,
        note: String::new(),
    }
}

#[test]
fn a_full_screening_is_scored_out_of_28_with_its_answers_in_order() {
    let state = given(&partnership_in(Phase::Screening));
    let points = |question: u8| match question {
        1..=6 => Answer::Yes,
        7..=10 => Answer::Partly,
        11 | 12 => Answer::No,
        _ => Answer::Unknown,
    };
    let shuffled: Vec<ScreeningAnswer> = (1..=14u8)
        .rev()
        .map(|question| answer(question, points(question)))
        .collect();

    let events = when(&state, screen(shuffled), BO).unwrap();

    let sorted: Vec<ScreeningAnswer> = (1..=14u8)
        .map(|question| answer(question, points(question)))
        .collect();
    assert_eq!(
        events,
        vec![DomainEvent::PartnershipScreened {
            partnership_id: PARTNERSHIP,
            answers: sorted,
            score: 6 * 2 + 4,
            max_score: 28,
            decision: ScreeningDecision::Go,
            decision_note: "strong fit".into(),
        }]
    );
    let state = then_state(state, &events, BO);
    let screening = state.partnerships[&PARTNERSHIP].screening.clone().unwrap();
    assert_eq!((screening.score, screening.max_score), (16, 28));
    assert_eq!(screening.actor, BO);
    assert_eq!(screening.recorded_at, now());
}

#[test]
fn screening_again_keeps_the_earlier_screenings_oldest_first() {
    let mut events = partnership_in(Phase::Screening);
    events.push(screened(PARTNERSHIP, ScreeningDecision::Postpone));
    events.push(screened(PARTNERSHIP, ScreeningDecision::NoGo));
    let state = given(&events);

    let screened_again = when(&state, screen(answered(Answer::Yes)), BO).unwrap();
    let state = then_state(state, &screened_again, BO);

    let partnership = &state.partnerships[&PARTNERSHIP];
    let latest = partnership.screening.clone().unwrap();
    assert_eq!(
        (latest.decision, latest.score, latest.actor.as_str()),
        (ScreeningDecision::Go, 28, BO)
    );
    let earlier: Vec<ScreeningDecision> = partnership
        .earlier_screenings
        .iter()
        .map(|screening| screening.decision)
        .collect();
    assert_eq!(
        earlier,
        [ScreeningDecision::Postpone, ScreeningDecision::NoGo]
    );
}

#[test]
fn all_yes_scores_the_full_28() {
    let state = given(&partnership_in(Phase::Screening));

    let events = when(&state, screen(answered(Answer::Yes)), ANNA).unwrap();

    assert!(matches!(
        events.as_slice(),
        [DomainEvent::PartnershipScreened {
            score: 28,
            max_score: 28,
            ..
        }]
    ));
}

#[test]
fn a_screening_with_missing_questions_is_incomplete() {
    let state = given(&partnership_in(Phase::Screening));
    let answers: Vec<ScreeningAnswer> = answered(Answer::Yes)
        .into_iter()
        .filter(|answer| ![3, 14].contains(&answer.question))
        .collect();

    let error = refused(when(&state, screen(answers), ANNA));

    assert_eq!(
        error,
        DomainError::ScreeningIncomplete {
            missing: vec![3, 14],
        }
    );
    assert_eq!(error.code(), "screening_incomplete");
}

#[test]
fn an_empty_screening_misses_all_fourteen_questions() {
    let state = given(&partnership_in(Phase::Screening));

    let error = refused(when(&state, screen(Vec::new()), ANNA));

    assert_eq!(
        error,
        DomainError::ScreeningIncomplete {
            missing: (1..=14).collect(),
        }
    );
}

#[test]
fn questions_are_numbered_1_to_14() {
    let state = given(&partnership_in(Phase::Screening));

    for question in [0u8, 15, 255] {
        let mut answers = answered(Answer::Yes);
        answers.push(answer(question, Answer::Yes));
        let reason = assert_invalid(when(&state, screen(answers), ANNA), "answers");
        assert_eq!(
            reason,
            format!("there is no question {question}; they are numbered 1 to 14")
        );
    }
}

#[test]
fn a_question_answered_twice_is_invalid() {
    let state = given(&partnership_in(Phase::Screening));
    let mut answers = answered(Answer::Yes);
    answers.push(answer(7, Answer::No));

    let reason = assert_invalid(when(&state, screen(answers), ANNA), "answers");

    assert_eq!(reason, "question 7 is answered twice");
}
