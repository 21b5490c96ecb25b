//! Given/when/then tests: the agreement, Resources, Evaluations, Communication, The readiness checklist and Ending a partnership.

use crate::domain::testing::*;

// ---------------------------------------------------------------------------------------------
// The agreement.
// ---------------------------------------------------------------------------------------------

fn amend(expected_version: u32, sections: &[(AgreementSection, Option<&str>)]) -> Command {
    Command::AmendAgreement {
        partnership_id: PARTNERSHIP,
        expected_version,
        sections: sections
            .iter()
            .map(|(section, text)| (*section, text.map(str::to_owned)))
            .collect(),
        reason: " after the meeting ".into(),
    }
}

/// A partnership in phase 6 whose agreement is at version 1 with a purpose and roles.
fn with_agreement() -> Vec<DomainEvent> {
    let mut events = partnership_in(Phase::Agreement);
    events.push(agreement_amended(
        PARTNERSHIP,
        1,
        &[
            (AgreementSection::Purpose, "Reading at the festival"),
            (AgreementSection::Roles, "The library brings books"),
        ],
    ));
    events
}

#[test]
fn the_first_amendment_writes_version_1_from_nothing() {
    let state = given(&partnership_in(Phase::Agreement));

    let events = when(
        &state,
        amend(
            0,
            &[
                (AgreementSection::Roles, Some(" The library brings books ")),
                (AgreementSection::Purpose, Some("Reading at the festival")),
            ],
        ),
        ANNA,
    )
    .unwrap();

    assert_eq!(
        events,
        vec![DomainEvent::AgreementAmended {
            partnership_id: PARTNERSHIP,
            version: 1,
            changes: vec![
                SectionChange {
                    section: AgreementSection::Purpose,
                    before: None,
                    after: Some("Reading at the festival".into()),
                },
                SectionChange {
                    section: AgreementSection::Roles,
                    before: None,
                    after: Some("The library brings books".into()),
                },
            ],
            reason: "after the meeting".into(),
        }]
    );
    let state = then_state(state, &events, ANNA);
    let agreement = &state.partnerships[&PARTNERSHIP].agreement;
    assert_eq!(agreement.version, 1);
    assert_eq!(agreement.amended_at, Some(now()));
    assert_eq!(
        agreement.sections[&AgreementSection::Roles],
        "The library brings books"
    );
}

#[test]
fn a_second_amendment_shows_each_changed_section_before_and_after() {
    let state = given(&with_agreement());

    let events = when(
        &state,
        amend(
            1,
            &[
                (
                    AgreementSection::Purpose,
                    Some("Reading and community at the festival"),
                ),
                (AgreementSection::Roles, Some("The library brings books")),
                (AgreementSection::Exit, Some("One month's notice")),
            ],
        ),
        BO,
    )
    .unwrap();

    assert_eq!(
        events,
        vec![DomainEvent::AgreementAmended {
            partnership_id: PARTNERSHIP,
            version: 2,
            changes: vec![
                SectionChange {
                    section: AgreementSection::Purpose,
                    before: Some("Reading at the festival".into()),
                    after: Some("Reading and community at the festival".into()),
                },
                SectionChange {
                    section: AgreementSection::Exit,
                    before: None,
                    after: Some("One month's notice".into()),
                },
            ],
            reason: "after the meeting".into(),
        }],
        "the unchanged roles are not among the changes"
    );
}

#[test]
fn changing_a_section_someone_changed_since_is_a_conflict_showing_both_texts() {
    let state = given(&with_agreement());

    let error = refused(when(
        &state,
        amend(
            0,
            &[(AgreementSection::Purpose, Some("Poetry at the festival"))],
        ),
        BO,
    ));

    assert_eq!(
        error,
        DomainError::StaleAgreement {
            partnership_id: PARTNERSHIP,
            expected: 0,
            actual: 1,
            conflicts: vec![SectionConflict {
                section: AgreementSection::Purpose,
                current: Some("Reading at the festival".into()),
                yours: Some("Poetry at the festival".into()),
                changed_in: 1,
            }],
        }
    );
    assert_eq!(error.code(), "version_conflict");
    assert!(
        error.to_string().contains("amend again from version 1"),
        "{error}"
    );
}

#[test]
fn a_version_not_written_yet_is_a_version_conflict() {
    let state = given(&with_agreement());

    let error = refused(when(
        &state,
        amend(2, &[(AgreementSection::Exit, Some("Notice"))]),
        BO,
    ));

    assert_eq!(
        error,
        DomainError::StaleAgreement {
            partnership_id: PARTNERSHIP,
            expected: 2,
            actual: 1,
            conflicts: Vec::new(),
        }
    );
}

#[test]
fn colleagues_editing_different_sections_from_one_version_both_succeed() {
    // Bo and Carl both read version 1; Bo changes the purpose first.
    let mut history = with_agreement();
    let bo = when(
        &given(&history),
        amend(1, &[(AgreementSection::Purpose, Some("Reading and music"))]),
        BO,
    )
    .unwrap();
    history.extend(bo);
    let state = given(&history);

    // Carl's amendment of another section, written against version 1, is no conflict.
    let events = when(
        &state,
        amend(1, &[(AgreementSection::Exit, Some("One month's notice"))]),
        CARL,
    )
    .unwrap();
    assert_eq!(
        events,
        vec![DomainEvent::AgreementAmended {
            partnership_id: PARTNERSHIP,
            version: 3,
            changes: vec![SectionChange {
                section: AgreementSection::Exit,
                before: None,
                after: Some("One month's notice".into()),
            }],
            reason: "after the meeting".into(),
        }]
    );
    let state = then_state(state, &events, CARL);
    let agreement = &state.partnerships[&PARTNERSHIP].agreement;
    assert_eq!(agreement.version, 3);
    assert_eq!(
        agreement.sections[&AgreementSection::Purpose],
        "Reading and music",
        "Bo's change stays"
    );
    // Every version is kept, and any one can be read again.
    assert_eq!(
        agreement
            .versions
            .iter()
            .map(|v| v.version)
            .collect::<Vec<_>>(),
        [1, 2, 3]
    );
    assert_eq!(agreement.versions[2].actor, CARL);
    let first = agreement.sections_at(1).unwrap();
    assert_eq!(first[&AgreementSection::Purpose], "Reading at the festival");
    assert!(!first.contains_key(&AgreementSection::Exit));
    assert_eq!(agreement.sections_at(3).unwrap(), agreement.sections);
    assert_eq!(agreement.sections_at(4), None);
}

#[test]
fn an_amendment_that_keeps_every_text_changes_nothing() {
    let state = given(&with_agreement());

    let what = assert_nothing_changed(when(
        &state,
        amend(
            1,
            &[
                (AgreementSection::Purpose, Some(" Reading at the festival ")),
                (AgreementSection::Results, None),
            ],
        ),
        ANNA,
    ));

    assert_eq!(what, "every section already reads like that");
}

#[test]
fn null_removes_a_section() {
    let state = given(&with_agreement());

    let events = when(&state, amend(1, &[(AgreementSection::Roles, None)]), ANNA).unwrap();

    assert_eq!(
        events,
        vec![DomainEvent::AgreementAmended {
            partnership_id: PARTNERSHIP,
            version: 2,
            changes: vec![SectionChange {
                section: AgreementSection::Roles,
                before: Some("The library brings books".into()),
                after: None,
            }],
            reason: "after the meeting".into(),
        }]
    );
    let state = then_state(state, &events, ANNA);
    let agreement = &state.partnerships[&PARTNERSHIP].agreement;
    assert_eq!(agreement.version, 2);
    assert_eq!(
        agreement.sections.keys().copied().collect::<Vec<_>>(),
        vec![AgreementSection::Purpose]
    );
}

#[test]
fn an_empty_section_text_is_invalid_use_null_to_remove_it() {
    let state = given(&with_agreement());

    assert_invalid(
        when(
            &state,
            amend(1, &[(AgreementSection::Roles, Some("  "))]),
            ANNA,
        ),
        "sections",
    );
}

// ---------------------------------------------------------------------------------------------
// Resources.
// ---------------------------------------------------------------------------------------------

fn commit(party: Party) -> Command {
    Command::CommitResources {
        partnership_id: PARTNERSHIP,
        commitment_id: COMMITMENT,
        party,
        description: " Two librarians for the festival week ".into(),
        hours: Some(80),
        amount_dkk: Some(15_000),
    }
}

#[test]
fn the_library_commits_resources() {
    let state = given(&partnership_in(Phase::Planning));

    let events = when(&state, commit(Party::Library), ANNA).unwrap();

    assert_eq!(
        events,
        vec![DomainEvent::ResourcesCommitted {
            partnership_id: PARTNERSHIP,
            commitment_id: COMMITMENT,
            party: Party::Library,
            description: "Two librarians for the festival week".into(),
            hours: Some(80),
            amount_dkk: Some(15_000),
        }]
    );
    let state = then_state(state, &events, ANNA);
    let resources = &state.partnerships[&PARTNERSHIP].resources;
    assert_eq!(resources.len(), 1);
    assert_eq!(resources[0].party, Party::Library);
}

#[test]
fn a_partner_commits_resources() {
    let state = given(&partnership_in(Phase::Planning));

    let events = when(&state, commit(Party::Organisation(FESTIVAL)), ANNA).unwrap();

    assert!(matches!(
        events.as_slice(),
        [DomainEvent::ResourcesCommitted {
            party: Party::Organisation(FESTIVAL),
            ..
        }]
    ));
}

#[test]
fn only_a_partner_of_the_partnership_commits_resources() {
    let mut events = partnership_in(Phase::Planning);
    events.push(organisation_registered(MUSEUM, "Vikingeskibsmuseet"));
    let state = given(&events);

    let reason = assert_invalid(
        when(&state, commit(Party::Organisation(MUSEUM)), ANNA),
        "party",
    );

    assert!(reason.contains("is not a partner"), "{reason}");
}

#[test]
fn a_commitment_id_cannot_be_committed_twice() {
    let state = given(&partnership_in(Phase::Planning));
    let state = then_state(
        state.clone(),
        &when(&state, commit(Party::Library), ANNA).unwrap(),
        ANNA,
    );

    let error = refused(when(&state, commit(Party::Organisation(FESTIVAL)), ANNA));

    assert_eq!(
        error,
        DomainError::AlreadyExists {
            kind: "resource commitment",
            id: COMMITMENT,
        }
    );
    assert_eq!(error.code(), "already_exists");
}

// ---------------------------------------------------------------------------------------------
// Evaluations.
// ---------------------------------------------------------------------------------------------

pub(super) fn evaluate(
    criteria: Vec<CriterionScore>,
    decision: EvaluationDecision,
    next_evaluation_due: Option<NaiveDate>,
) -> Command {
    Command::EvaluatePartnership {
        partnership_id: PARTNERSHIP,
        evaluation_id: EVALUATION,
        evaluated_on: date(2025, 9, 1),
        criteria,
        narrative: " More borrowers than expected ".into(),
        decision,
        next_evaluation_due,
    }
}

#[test]
fn an_evaluation_scores_its_criteria_and_sets_the_next_due_date() {
    let state = given(&partnership_in(Phase::Evaluation));

    let events = when(
        &state,
        evaluate(
            vec![
                criterion("  loans at the festival ", 4),
                criterion("reach", 1),
            ],
            EvaluationDecision::Adjust,
            Some(date(2026, 3, 1)),
        ),
        ANNA,
    )
    .unwrap();

    assert_eq!(
        events,
        vec![DomainEvent::PartnershipEvaluated {
            partnership_id: PARTNERSHIP,
            evaluation_id: EVALUATION,
            evaluated_on: date(2025, 9, 1),
            criteria: vec![criterion("loans at the festival", 4), criterion("reach", 1)],
            narrative: "More borrowers than expected".into(),
            decision: EvaluationDecision::Adjust,
            next_evaluation_due: Some(date(2026, 3, 1)),
        }]
    );
    let state = then_state(state, &events, ANNA);
    let partnership = &state.partnerships[&PARTNERSHIP];
    assert_eq!(partnership.evaluations.len(), 1);
    assert_eq!(partnership.next_evaluation_due(), Some(date(2026, 3, 1)));
}

#[test]
fn a_criterions_target_and_note_keep_within_their_limits() {
    let state = given(&partnership_in(Phase::Evaluation));
    let with = |target: String, note: String| {
        evaluate(
            vec![CriterionScore {
                target,
                note,
                ..criterion("reach", 3)
            }],
            EvaluationDecision::Continue,
            Some(date(2026, 3, 1)),
        )
    };

    let reason = assert_invalid(
        when(&state, with("x".repeat(201), String::new()), ANNA),
        "criteria",
    );
    assert!(reason.contains("201 characters"), "{reason}");
    let reason = assert_invalid(
        when(&state, with("500 loans".into(), "x".repeat(20_001)), ANNA),
        "criteria",
    );
    assert!(reason.contains("20001 characters"), "{reason}");
    assert!(when(&state, with("ø".repeat(200), "ø".repeat(20_000)), ANNA).is_ok());
}

#[test]
fn a_criterion_scores_1_to_5() {
    let state = given(&partnership_in(Phase::Evaluation));

    for score in [0u8, 6] {
        let reason = assert_invalid(
            when(
                &state,
                evaluate(
                    vec![criterion("reach", score)],
                    EvaluationDecision::Continue,
                    None,
                ),
                ANNA,
            ),
            "criteria",
        );
        assert_eq!(reason, format!("score {score} of \"reach\" is not 1 to 5"));
    }
}

#[test]
fn an_evaluation_without_criteria_is_invalid() {
    let state = given(&partnership_in(Phase::Evaluation));

    assert_invalid(
        when(
            &state,
            evaluate(Vec::new(), EvaluationDecision::Continue, None),
            ANNA,
        ),
        "criteria",
    );
}

#[test]
fn the_next_evaluation_must_come_after_this_one() {
    let state = given(&partnership_in(Phase::Evaluation));

    for due in [date(2025, 9, 1), date(2025, 8, 31)] {
        let reason = assert_invalid(
            when(
                &state,
                evaluate(
                    vec![criterion("reach", 3)],
                    EvaluationDecision::Continue,
                    Some(due),
                ),
                ANNA,
            ),
            "next_evaluation_due",
        );
        assert_eq!(reason, "the next evaluation must come after this one");
    }
}

#[test]
fn an_evaluation_that_ends_the_partnership_has_no_next_due_date() {
    let state = given(&partnership_in(Phase::Evaluation));

    let reason = assert_invalid(
        when(
            &state,
            evaluate(
                vec![criterion("reach", 2)],
                EvaluationDecision::End,
                Some(date(2026, 3, 1)),
            ),
            ANNA,
        ),
        "next_evaluation_due",
    );
    assert_eq!(reason, "a partnership that ends needs no next evaluation");

    assert!(when(
        &state,
        evaluate(vec![criterion("reach", 2)], EvaluationDecision::End, None),
        ANNA,
    )
    .is_ok());
}

#[test]
fn an_evaluation_id_cannot_be_recorded_twice() {
    let mut events = partnership_in(Phase::Evaluation);
    events.push(evaluated(PARTNERSHIP, EVALUATION));
    let state = given(&events);

    let error = refused(when(
        &state,
        evaluate(
            vec![criterion("reach", 3)],
            EvaluationDecision::Continue,
            None,
        ),
        ANNA,
    ));

    assert_eq!(
        error,
        DomainError::AlreadyExists {
            kind: "evaluation",
            id: EVALUATION,
        }
    );
    assert_eq!(error.code(), "already_exists");
}

// ---------------------------------------------------------------------------------------------
// Communication.
// ---------------------------------------------------------------------------------------------

pub(super) fn plan_communication(item_id: Uuid) -> Command {
    Command::PlanCommunication {
        partnership_id: PARTNERSHIP,
        item_id,
        audience: Audience::Internal,
        sender: " Anna ".into(),
        recipients: "the culture committee".into(),
        about: "the first year".into(),
        when: "quarterly".into(),
        channel: "newsletter".into(),
    }
}

fn sent(item_id: Option<Uuid>) -> Command {
    Command::RecordCommunicationSent {
        partnership_id: PARTNERSHIP,
        item_id,
        sent_on: date(2025, 10, 1),
        channel: "newsletter".into(),
        summary: " Q3 report ".into(),
    }
}

#[test]
fn a_line_is_added_to_the_communication_plan() {
    let state = given(&partnership_in(Phase::Planning));

    let events = when(&state, plan_communication(PLAN_ITEM), ANNA).unwrap();

    assert_eq!(
        events,
        vec![DomainEvent::CommunicationPlanned {
            partnership_id: PARTNERSHIP,
            item_id: PLAN_ITEM,
            audience: Audience::Internal,
            sender: "Anna".into(),
            recipients: "the culture committee".into(),
            about: "the first year".into(),
            when: "quarterly".into(),
            channel: "newsletter".into(),
        }]
    );
    let state = then_state(state, &events, ANNA);
    assert_eq!(
        state.partnerships[&PARTNERSHIP].communication_plan[&PLAN_ITEM].when,
        "quarterly"
    );
}

#[test]
fn a_communication_plan_item_id_cannot_be_planned_twice() {
    let state = given(&partnership_in(Phase::Planning));
    let state = then_state(
        state.clone(),
        &when(&state, plan_communication(PLAN_ITEM), ANNA).unwrap(),
        ANNA,
    );

    let error = refused(when(&state, plan_communication(PLAN_ITEM), ANNA));

    assert_eq!(
        error,
        DomainError::AlreadyExists {
            kind: "communication plan item",
            id: PLAN_ITEM,
        }
    );
    assert_eq!(error.code(), "already_exists");
}

#[test]
fn a_sent_communication_is_logged_against_its_plan_item() {
    let state = given(&partnership_in(Phase::Running));
    let state = then_state(
        state.clone(),
        &when(&state, plan_communication(PLAN_ITEM), ANNA).unwrap(),
        ANNA,
    );

    let events = when(&state, sent(Some(PLAN_ITEM)), BO).unwrap();

    assert_eq!(
        events,
        vec![DomainEvent::CommunicationSent {
            partnership_id: PARTNERSHIP,
            item_id: Some(PLAN_ITEM),
            sent_on: date(2025, 10, 1),
            channel: "newsletter".into(),
            summary: "Q3 report".into(),
        }]
    );
    let state = then_state(state, &events, BO);
    let log = &state.partnerships[&PARTNERSHIP].communications_sent;
    assert_eq!(log.len(), 1);
    assert_eq!(log[0].actor, BO);
}

#[test]
fn a_sent_communication_needs_no_plan_item() {
    let state = given(&partnership_in(Phase::Running));

    assert!(when(&state, sent(None), ANNA).is_ok());
}

#[test]
fn a_sent_communication_for_an_unknown_plan_item_is_refused() {
    let state = given(&partnership_in(Phase::Running));

    let error = refused(when(&state, sent(Some(PLAN_ITEM)), ANNA));

    assert_eq!(
        error,
        DomainError::Unknown {
            kind: "communication plan item",
            id: PLAN_ITEM,
        }
    );
    assert_eq!(error.code(), "unknown_entity");
}

// ---------------------------------------------------------------------------------------------
// The readiness checklist.
// ---------------------------------------------------------------------------------------------

pub(super) fn tick(item: ReadinessItem) -> Command {
    Command::TickReadinessItem {
        partnership_id: PARTNERSHIP,
        item,
        note: " see the strategy 2025-2028 ".into(),
    }
}

pub(super) fn untick(item: ReadinessItem) -> Command {
    Command::UntickReadinessItem {
        partnership_id: PARTNERSHIP,
        item,
        reason: " the strategy changed ".into(),
    }
}

#[test]
fn ticking_a_readiness_item_records_who_ticked_it_and_why() {
    let state = given(&partnership_in(Phase::Planning));

    let events = when(&state, tick(ReadinessItem::StrategyLink), BO).unwrap();

    assert_eq!(
        events,
        vec![DomainEvent::ReadinessItemTicked {
            partnership_id: PARTNERSHIP,
            item: ReadinessItem::StrategyLink,
            note: "see the strategy 2025-2028".into(),
        }]
    );
    let state = then_state(state, &events, BO);
    let tick = &state.partnerships[&PARTNERSHIP].readiness[&ReadinessItem::StrategyLink];
    assert_eq!(tick.actor, BO);
    assert_eq!(tick.note, "see the strategy 2025-2028");
    assert_eq!(tick.recorded_at, now());
}

#[test]
fn ticking_a_ticked_item_changes_nothing_and_says_who_ticked_it() {
    let state = given(&partnership_in(Phase::Planning));
    let state = then_state(
        state.clone(),
        &when(&state, tick(ReadinessItem::StrategyLink), BO).unwrap(),
        BO,
    );

    let what = assert_nothing_changed(when(&state, tick(ReadinessItem::StrategyLink), ANNA));

    assert!(what.contains("\"linked to strategy\""), "{what}");
    assert!(what.contains("was ticked by bo@roskilde"), "{what}");
    assert!(what.contains(&now().to_rfc3339()), "{what}");
}

#[test]
fn unticking_an_item_that_is_not_ticked_changes_nothing() {
    let state = given(&partnership_in(Phase::Planning));

    let what = assert_nothing_changed(when(&state, untick(ReadinessItem::RolesClear), ANNA));

    assert_eq!(what, "\"roles clear\" is not ticked");
}

#[test]
fn a_ticked_item_is_unticked() {
    let state = given(&partnership_in(Phase::Planning));
    let state = then_state(
        state.clone(),
        &when(&state, tick(ReadinessItem::RolesClear), BO).unwrap(),
        BO,
    );

    let events = when(&state, untick(ReadinessItem::RolesClear), ANNA).unwrap();

    assert_eq!(
        events,
        vec![DomainEvent::ReadinessItemUnticked {
            partnership_id: PARTNERSHIP,
            item: ReadinessItem::RolesClear,
            reason: "the strategy changed".into(),
        }]
    );
    let state = then_state(state, &events, ANNA);
    assert!(state.partnerships[&PARTNERSHIP].readiness.is_empty());
}

// ---------------------------------------------------------------------------------------------
// Ending a partnership.
// ---------------------------------------------------------------------------------------------

#[test]
fn ending_a_partnership_records_the_phase_it_ended_from() {
    let state = given(&partnership_in(Phase::Running));

    let events = when(
        &state,
        Command::EndPartnership {
            partnership_id: PARTNERSHIP,
            reason: " the festival was cancelled ".into(),
            ended_on: Some(date(2025, 6, 1)),
        },
        ANNA,
    )
    .unwrap();

    assert_eq!(
        events,
        vec![DomainEvent::PartnershipEnded {
            partnership_id: PARTNERSHIP,
            from: Phase::Running,
            reason: "the festival was cancelled".into(),
            ended_on: Some(date(2025, 6, 1)),
        }]
    );
    let state = then_state(state, &events, ANNA);
    let partnership = &state.partnerships[&PARTNERSHIP];
    assert_eq!(partnership.phase, Phase::Ended);
    assert!(!partnership.is_active());
    let ending = partnership.ending.clone().unwrap();
    assert_eq!(ending.reason, "the festival was cancelled");
    assert_eq!(ending.ended_on, Some(date(2025, 6, 1)));
    assert_eq!(ending.recorded_at, now());
}

#[test]
fn a_partnership_may_end_from_its_first_phase() {
    let state = given(&with_partnership());

    let events = when(
        &state,
        Command::EndPartnership {
            partnership_id: PARTNERSHIP,
            reason: "screened out early".into(),
            ended_on: None,
        },
        ANNA,
    )
    .unwrap();

    assert!(matches!(
        events.as_slice(),
        [DomainEvent::PartnershipEnded {
            from: Phase::Idea,
            ..
        }]
    ));
}

#[test]
fn ending_a_partnership_needs_a_reason() {
    let state = given(&partnership_in(Phase::Running));

    assert_invalid(
        when(
            &state,
            Command::EndPartnership {
                partnership_id: PARTNERSHIP,
                reason: " ".into(),
                ended_on: None,
            },
            ANNA,
        ),
        "reason",
    );
}
