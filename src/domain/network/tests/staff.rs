//! Given/when/then tests: focus areas, Staff and Wanted competences.

use crate::domain::testing::*;

// ---------------------------------------------------------------------------------------------
// Focus areas.
// ---------------------------------------------------------------------------------------------

fn define_focus_area(focus_area_id: Uuid) -> Command {
    Command::DefineFocusArea {
        focus_area_id,
        name: " Det digitale bibliotek ".into(),
        goal: Goal::Innovation,
        room: Room::Learning,
        description: "Digital literacy for all".into(),
    }
}

#[test]
fn a_focus_area_is_mapped_onto_the_library_model() {
    let state = given(&[workspace_created()]);

    let events = when(&state, define_focus_area(FOCUS), ANNA).unwrap();

    assert_eq!(
        events,
        vec![DomainEvent::FocusAreaDefined {
            focus_area_id: FOCUS,
            name: "Det digitale bibliotek".into(),
            goal: Goal::Innovation,
            room: Room::Learning,
            description: "Digital literacy for all".into(),
        }]
    );
    let state = then_state(state, &events, ANNA);
    let area = &state.focus_areas[&FOCUS];
    assert_eq!(area.name, "Det digitale bibliotek");
    assert_eq!((area.goal, area.room), (Goal::Innovation, Room::Learning));
}

#[test]
fn a_focus_area_id_cannot_be_defined_twice() {
    let state = given(&[workspace_created()]);
    let state = then_state(
        state.clone(),
        &when(&state, define_focus_area(FOCUS), ANNA).unwrap(),
        ANNA,
    );

    let error = refused(when(&state, define_focus_area(FOCUS), ANNA));

    assert_eq!(
        error,
        DomainError::AlreadyExists {
            kind: "focus area",
            id: FOCUS,
        }
    );
    assert_eq!(error.code(), "already_exists");
}

#[test]
fn a_focus_area_without_a_name_is_invalid() {
    let state = given(&[workspace_created()]);

    assert_invalid(
        when(
            &state,
            Command::DefineFocusArea {
                focus_area_id: FOCUS,
                name: " ".into(),
                goal: Goal::Engagement,
                room: Room::Meeting,
                description: String::new(),
            },
            ANNA,
        ),
        "name",
    );
}

#[test]
fn a_defined_focus_area_can_be_removed() {
    let state = given(&[workspace_created()]);
    let state = then_state(
        state.clone(),
        &when(&state, define_focus_area(FOCUS), ANNA).unwrap(),
        ANNA,
    );

    let events = when(
        &state,
        Command::RemoveFocusArea {
            focus_area_id: FOCUS,
        },
        ANNA,
    )
    .unwrap();

    assert_eq!(
        events,
        vec![DomainEvent::FocusAreaRemoved {
            focus_area_id: FOCUS,
        }]
    );
    assert!(then_state(state, &events, ANNA).focus_areas.is_empty());
}

#[test]
fn removing_an_unknown_focus_area_is_refused() {
    let state = given(&[workspace_created()]);

    let error = refused(when(
        &state,
        Command::RemoveFocusArea {
            focus_area_id: FOCUS,
        },
        ANNA,
    ));

    assert_eq!(
        error,
        DomainError::Unknown {
            kind: "focus area",
            id: FOCUS,
        }
    );
    assert_eq!(error.code(), "unknown_entity");
}

// ---------------------------------------------------------------------------------------------
// Staff.
// ---------------------------------------------------------------------------------------------

#[test]
fn a_colleague_is_added_with_trimmed_competences() {
    let state = given(&[workspace_created()]);

    let events = when(
        &state,
        Command::AddStaffMember {
            staff_id: STAFF_BO,
            name: " Bo Jensen ".into(),
            team: " Voksne ".into(),
            competences: vec![" events ".into(), "podcasts".into()],
        },
        ANNA,
    )
    .unwrap();

    assert_eq!(
        events,
        vec![DomainEvent::StaffMemberAdded {
            staff_id: STAFF_BO,
            name: "Bo Jensen".into(),
            team: "Voksne".into(),
            competences: vec!["events".into(), "podcasts".into()],
        }]
    );
    let state = then_state(state, &events, ANNA);
    assert!(!state.staff[&STAFF_BO].left);
}

#[test]
fn a_staff_id_cannot_be_added_twice() {
    let state = given(&basics());

    let error = refused(when(
        &state,
        Command::AddStaffMember {
            staff_id: STAFF_ANNA,
            name: "Anna Holm".into(),
            team: String::new(),
            competences: Vec::new(),
        },
        ANNA,
    ));

    assert_eq!(
        error,
        DomainError::AlreadyExists {
            kind: "staff member",
            id: STAFF_ANNA,
        }
    );
    assert_eq!(error.code(), "already_exists");
}

#[test]
fn an_empty_competence_is_invalid() {
    let state = given(&[workspace_created()]);

    assert_invalid(
        when(
            &state,
            Command::AddStaffMember {
                staff_id: STAFF_BO,
                name: "Bo Jensen".into(),
                team: String::new(),
                competences: vec!["events".into(), "  ".into()],
            },
            ANNA,
        ),
        "competences",
    );
}

#[test]
fn a_colleague_changes_team_and_competences() {
    let state = given(&basics());

    let events = when(
        &state,
        Command::UpdateStaffMember {
            staff_id: STAFF_ANNA,
            team: "Voksne".into(),
            competences: vec!["makerspace".into()],
        },
        ANNA,
    )
    .unwrap();

    assert_eq!(
        events,
        vec![DomainEvent::StaffMemberUpdated {
            staff_id: STAFF_ANNA,
            team: "Voksne".into(),
            competences: vec!["makerspace".into()],
        }]
    );
    let state = then_state(state, &events, ANNA);
    assert_eq!(state.staff[&STAFF_ANNA].team, "Voksne");
    assert_eq!(state.staff[&STAFF_ANNA].competences, vec!["makerspace"]);
}

#[test]
fn updating_an_unknown_colleague_is_refused() {
    let state = given(&basics());

    let error = refused(when(
        &state,
        Command::UpdateStaffMember {
            staff_id: STAFF_BO,
            team: "Voksne".into(),
            competences: Vec::new(),
        },
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
fn a_departure_marks_the_colleague_as_left_and_frees_their_contacts() {
    let mut events = basics();
    events.extend([
        staff_added(STAFF_BO, "Bo Jensen"),
        organisation_registered(MUSEUM, "Vikingeskibsmuseet"),
        holder_assigned(FESTIVAL, STAFF_ANNA),
        holder_assigned(MUSEUM, STAFF_ANNA),
        holder_assigned(MUSEUM, STAFF_BO),
    ]);
    let state = given(&events);

    let events = when(
        &state,
        Command::RecordStaffDeparture {
            staff_id: STAFF_ANNA,
            reason: " retired ".into(),
        },
        BO,
    )
    .unwrap();

    assert_eq!(
        events,
        vec![DomainEvent::StaffMemberLeft {
            staff_id: STAFF_ANNA,
            reason: "retired".into(),
        }]
    );
    let state = then_state(state, &events, BO);
    assert!(state.staff[&STAFF_ANNA].left);
    assert!(state.organisations[&FESTIVAL].contact_holders.is_empty());
    assert_eq!(
        state.organisations[&MUSEUM]
            .contact_holders
            .keys()
            .copied()
            .collect::<Vec<_>>(),
        vec![STAFF_BO],
        "colleagues who stay keep their contacts"
    );
}

#[test]
fn a_colleague_who_left_cannot_leave_again_or_be_updated() {
    let mut events = basics();
    events.push(staff_left(STAFF_ANNA));
    let state = given(&events);
    let expected = DomainError::StaffMemberLeft {
        staff_id: STAFF_ANNA,
    };

    for command in [
        Command::RecordStaffDeparture {
            staff_id: STAFF_ANNA,
            reason: String::new(),
        },
        Command::UpdateStaffMember {
            staff_id: STAFF_ANNA,
            team: "Voksne".into(),
            competences: Vec::new(),
        },
    ] {
        let error = refused(when(&state, command, ANNA));
        assert_eq!(error, expected);
        assert_eq!(error.code(), "staff_member_left");
    }
}

#[test]
fn a_colleague_who_left_cannot_become_a_contact_holder() {
    let mut events = basics();
    events.push(staff_left(STAFF_ANNA));
    let state = given(&events);

    let error = refused(when(
        &state,
        Command::AssignContactHolder {
            organisation_id: FESTIVAL,
            staff_id: STAFF_ANNA,
            topics: Vec::new(),
        },
        BO,
    ));

    assert_eq!(
        error,
        DomainError::StaffMemberLeft {
            staff_id: STAFF_ANNA,
        }
    );
    assert_eq!(error.code(), "staff_member_left");
}

#[test]
fn a_colleague_who_left_cannot_own_a_partnership() {
    let mut events = with_partnership();
    events.push(staff_left(STAFF_ANNA));
    let state = given(&events);
    let expected = DomainError::StaffMemberLeft {
        staff_id: STAFF_ANNA,
    };

    let error = refused(when(
        &state,
        Command::ProposePartnership {
            partnership_id: Uuid::from_u128(0xb002),
            title: "Another".into(),
            partner_ids: Vec::new(),
            purpose: String::new(),
            form: PartnershipForm::Frame,
            goals: Vec::new(),
            rooms: Vec::new(),
            age_groups: Vec::new(),
            owner_id: Some(STAFF_ANNA),
        },
        BO,
    ));
    assert_eq!(error, expected);
    assert_eq!(error.code(), "staff_member_left");

    let error = refused(when(
        &state,
        Command::UpdatePartnership {
            partnership_id: PARTNERSHIP,
            title: None,
            partner_ids: None,
            purpose: None,
            form: None,
            goals: None,
            rooms: None,
            age_groups: None,
            owner_id: Some(STAFF_ANNA),
        },
        BO,
    ));
    assert_eq!(error, expected);
    assert_eq!(error.code(), "staff_member_left");
}

// ---------------------------------------------------------------------------------------------
// Wanted competences.
// ---------------------------------------------------------------------------------------------

#[test]
fn wanted_competences_are_set_trimmed_and_replace_the_previous_list() {
    let state = given(&[workspace_created()]);
    let events = when(
        &state,
        Command::SetWantedCompetences {
            competences: vec![" fundraising ".into(), "podcasts".into()],
        },
        ANNA,
    )
    .unwrap();
    assert_eq!(
        events,
        vec![DomainEvent::WantedCompetencesSet {
            competences: vec!["fundraising".into(), "podcasts".into()],
        }]
    );
    let state = then_state(state, &events, ANNA);
    assert_eq!(state.wanted_competences, vec!["fundraising", "podcasts"]);

    let what = assert_nothing_changed(when(
        &state,
        Command::SetWantedCompetences {
            competences: vec!["fundraising".into(), "podcasts".into()],
        },
        ANNA,
    ));
    assert!(what.contains("wanted competences"), "{what}");
    assert_invalid(
        when(
            &state,
            Command::SetWantedCompetences {
                competences: vec!["".into()],
            },
            ANNA,
        ),
        "competences",
    );
}
