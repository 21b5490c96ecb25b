//! Given/when/then tests: organisations and Relation levels on the network circle.

use crate::domain::testing::*;

// ---------------------------------------------------------------------------------------------
// Organisations.
// ---------------------------------------------------------------------------------------------

fn register(organisation_id: Uuid, level: Option<Level>) -> Command {
    Command::RegisterOrganisation {
        organisation_id,
        name: " Vikingeskibsmuseet ".into(),
        sector: Sector::Public,
        kind: "museum".into(),
        tags: vec![" history ".into()],
        topics: vec!["viking ships".into()],
        website: Some("https://www.vikingeskibsmuseet.dk".into()),
        age_groups: vec![AgeGroup::Children],
        rooms: vec![Room::Inspiration],
        level,
        reason: " worked together on a summer camp ".into(),
    }
}

fn museum_registered() -> DomainEvent {
    DomainEvent::OrganisationRegistered {
        organisation_id: MUSEUM,
        name: "Vikingeskibsmuseet".into(),
        sector: Sector::Public,
        kind: "museum".into(),
        tags: vec!["history".into()],
        topics: vec!["viking ships".into()],
        website: Some("https://www.vikingeskibsmuseet.dk".into()),
        age_groups: vec![AgeGroup::Children],
        rooms: vec![Room::Inspiration],
    }
}

#[test]
fn an_organisation_registered_without_a_level_has_no_relation_yet() {
    let state = given(&basics());

    let events = when(&state, register(MUSEUM, None), ANNA).unwrap();

    assert_eq!(events, vec![museum_registered()]);
    let state = then_state(state, &events, ANNA);
    let museum = &state.organisations[&MUSEUM];
    assert_eq!(museum.level, None);
    assert!(museum.level_history.is_empty());
    assert_eq!(museum.registered_at, now());
}

#[test]
fn an_organisation_registered_at_a_level_enters_the_network_circle_from_nowhere() {
    let state = given(&basics());

    let events = when(&state, register(MUSEUM, Some(Level::Collaboration)), ANNA).unwrap();

    assert_eq!(
        events,
        vec![
            museum_registered(),
            DomainEvent::RelationLevelChanged {
                organisation_id: MUSEUM,
                from: None,
                to: Some(Level::Collaboration),
                reason: "worked together on a summer camp".into(),
                occurred_on: None,
            },
        ]
    );
    let state = then_state(state, &events, ANNA);
    assert_eq!(
        state.organisations[&MUSEUM].level,
        Some(Level::Collaboration)
    );
    assert_eq!(state.organisations[&MUSEUM].level_history.len(), 1);
}

#[test]
fn an_organisation_id_cannot_be_registered_twice() {
    let state = given(&basics());

    let error = refused(when(&state, register(FESTIVAL, None), ANNA));

    assert_eq!(
        error,
        DomainError::AlreadyExists {
            kind: "organisation",
            id: FESTIVAL,
        }
    );
    assert_eq!(error.code(), "already_exists");
}

#[test]
fn a_website_must_be_a_web_address() {
    let state = given(&basics());

    for website in ["www.vikingeskibsmuseet.dk", "ftp://example.org", "  "] {
        let mut command = register(MUSEUM, None);
        if let Command::RegisterOrganisation { website: field, .. } = &mut command {
            *field = Some(website.into());
        }
        assert_invalid(when(&state, command, ANNA), "website");
    }
}

#[test]
fn an_organisation_update_naming_no_field_changes_nothing() {
    let state = given(&basics());

    let what = assert_nothing_changed(when(
        &state,
        Command::UpdateOrganisation {
            organisation_id: FESTIVAL,
            name: None,
            sector: None,
            kind: None,
            tags: None,
            topics: None,
            website: None,
            age_groups: None,
            rooms: None,
        },
        ANNA,
    ));

    assert_eq!(what, "the update names no field");
}

#[test]
fn an_organisation_update_carries_only_the_named_fields() {
    let state = given(&basics());

    let events = when(
        &state,
        Command::UpdateOrganisation {
            organisation_id: FESTIVAL,
            name: Some(" Roskilde Festival Group ".into()),
            sector: None,
            kind: None,
            tags: Some(vec!["music".into(), " volunteers ".into()]),
            topics: None,
            website: Some("https://www.roskilde-festival.dk".into()),
            age_groups: None,
            rooms: Some(vec![Room::Performative]),
        },
        ANNA,
    )
    .unwrap();

    assert_eq!(
        events,
        vec![DomainEvent::OrganisationUpdated {
            organisation_id: FESTIVAL,
            name: Some("Roskilde Festival Group".into()),
            sector: None,
            kind: None,
            tags: Some(vec!["music".into(), "volunteers".into()]),
            topics: None,
            website: Some("https://www.roskilde-festival.dk".into()),
            age_groups: None,
            rooms: Some(vec![Room::Performative]),
        }]
    );
    let state = then_state(state, &events, ANNA);
    let festival = &state.organisations[&FESTIVAL];
    assert_eq!(festival.name, "Roskilde Festival Group");
    assert_eq!(festival.kind, "festival", "absent fields stay as they are");
    assert_eq!(festival.sector, Sector::CivilSociety);
    assert_eq!(festival.rooms, vec![Room::Performative]);
    assert_eq!(
        festival.website.as_deref(),
        Some("https://www.roskilde-festival.dk")
    );
}

#[test]
fn updating_an_unknown_organisation_is_refused() {
    let state = given(&basics());

    let error = refused(when(
        &state,
        Command::UpdateOrganisation {
            organisation_id: MUSEUM,
            name: Some("Vikingeskibsmuseet".into()),
            sector: None,
            kind: None,
            tags: None,
            topics: None,
            website: None,
            age_groups: None,
            rooms: None,
        },
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
fn a_colleague_is_recorded_as_holding_the_contact() {
    let state = given(&basics());

    let events = when(
        &state,
        Command::AssignContactHolder {
            organisation_id: FESTIVAL,
            staff_id: STAFF_ANNA,
            topics: vec!["volunteers".into()],
        },
        BO,
    )
    .unwrap();

    assert_eq!(
        events,
        vec![DomainEvent::ContactHolderAssigned {
            organisation_id: FESTIVAL,
            staff_id: STAFF_ANNA,
            topics: vec!["volunteers".into()],
        }]
    );
    let state = then_state(state, &events, BO);
    let holder = &state.organisations[&FESTIVAL].contact_holders[&STAFF_ANNA];
    assert_eq!(holder.topics, vec!["volunteers"]);
    assert_eq!(holder.since, now());
}

#[test]
fn an_unknown_colleague_cannot_hold_a_contact() {
    let state = given(&basics());

    let error = refused(when(
        &state,
        Command::AssignContactHolder {
            organisation_id: FESTIVAL,
            staff_id: STAFF_BO,
            topics: Vec::new(),
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
fn a_contact_holder_is_removed() {
    let mut events = basics();
    events.push(holder_assigned(FESTIVAL, STAFF_ANNA));
    let state = given(&events);

    let events = when(
        &state,
        Command::RemoveContactHolder {
            organisation_id: FESTIVAL,
            staff_id: STAFF_ANNA,
        },
        ANNA,
    )
    .unwrap();

    assert_eq!(
        events,
        vec![DomainEvent::ContactHolderRemoved {
            organisation_id: FESTIVAL,
            staff_id: STAFF_ANNA,
        }]
    );
    let state = then_state(state, &events, ANNA);
    assert!(state.organisations[&FESTIVAL].contact_holders.is_empty());
}

#[test]
fn removing_a_colleague_who_holds_no_contact_is_refused() {
    let state = given(&basics());

    let error = refused(when(
        &state,
        Command::RemoveContactHolder {
            organisation_id: FESTIVAL,
            staff_id: STAFF_ANNA,
        },
        ANNA,
    ));

    assert_eq!(
        error,
        DomainError::Unknown {
            kind: "contact holder",
            id: STAFF_ANNA,
        }
    );
    assert_eq!(error.code(), "unknown_entity");
}

fn add_person(email: Option<&str>) -> Command {
    Command::AddContactPerson {
        organisation_id: FESTIVAL,
        person_id: PERSON,
        role: " programme lead ".into(),
        personal: PersonalData {
            name: " Mette Lund ".into(),
            email: email.map(Into::into),
            phone: Some("+45 12 34 56 78".into()),
        },
    }
}

#[test]
fn a_contact_person_is_recorded_with_their_personal_data() {
    let state = given(&basics());

    let events = when(&state, add_person(Some("mette@example.org")), ANNA).unwrap();

    assert_eq!(
        events,
        vec![DomainEvent::ContactPersonAdded {
            organisation_id: FESTIVAL,
            person_id: PERSON,
            role: "programme lead".into(),
            personal: PersonalField::Clear(PersonalData {
                name: "Mette Lund".into(),
                email: Some("mette@example.org".into()),
                phone: Some("+45 12 34 56 78".into()),
            }),
        }]
    );
    let state = then_state(state, &events, ANNA);
    let person = &state.organisations[&FESTIVAL].contact_persons[&PERSON];
    assert!(matches!(&person.personal, PersonalField::Clear(data) if data.name == "Mette Lund"));
    assert!(!person.erased);
}

#[test]
fn erasing_a_contact_person_marks_them_erased_once() {
    let state = given(&[basics(), vec![person_added(FESTIVAL, PERSON)]].concat());
    let erase = || Command::EraseContactPerson {
        organisation_id: FESTIVAL,
        person_id: PERSON,
        reason: "request from the person".into(),
    };
    let events = when(&state, erase(), ANNA).unwrap();
    assert_eq!(
        events,
        vec![DomainEvent::ContactPersonErased {
            organisation_id: FESTIVAL,
            person_id: PERSON,
            reason: "request from the person".into(),
        }]
    );
    let state = then_state(state, &events, ANNA);
    assert!(state.organisations[&FESTIVAL].contact_persons[&PERSON].erased);
    assert_nothing_changed(when(&state, erase(), ANNA));
    let unknown = refused(when(
        &state,
        Command::EraseContactPerson {
            organisation_id: FESTIVAL,
            person_id: Uuid::from_u128(0xdead),
            reason: String::new(),
        },
        ANNA,
    ));
    assert_eq!(unknown.code(), "unknown_entity");
}

#[test]
fn a_contact_person_with_a_malformed_email_is_refused() {
    let state = given(&basics());

    for email in ["mette.example.org", " mette@example.org", ""] {
        let reason = assert_invalid(
            when(&state, add_person(Some(email)), ANNA),
            "personal.email",
        );
        assert_eq!(reason, "is not an email address");
    }
}

#[test]
fn a_contact_person_needs_a_name() {
    let state = given(&basics());
    let mut command = add_person(None);
    if let Command::AddContactPerson { personal, .. } = &mut command {
        personal.name = " ".into();
    }

    assert_invalid(when(&state, command, ANNA), "personal.name");
}

#[test]
fn a_contact_person_id_cannot_be_added_twice() {
    let mut events = basics();
    events.push(person_added(FESTIVAL, PERSON));
    let state = given(&events);

    let error = refused(when(&state, add_person(None), ANNA));

    assert_eq!(
        error,
        DomainError::AlreadyExists {
            kind: "contact person",
            id: PERSON,
        }
    );
    assert_eq!(error.code(), "already_exists");
}

#[test]
fn a_contact_person_is_removed() {
    let mut events = basics();
    events.push(person_added(FESTIVAL, PERSON));
    let state = given(&events);

    let events = when(
        &state,
        Command::RemoveContactPerson {
            organisation_id: FESTIVAL,
            person_id: PERSON,
        },
        ANNA,
    )
    .unwrap();

    assert_eq!(
        events,
        vec![DomainEvent::ContactPersonRemoved {
            organisation_id: FESTIVAL,
            person_id: PERSON,
        }]
    );
    let state = then_state(state, &events, ANNA);
    assert!(state.organisations[&FESTIVAL].contact_persons.is_empty());
}

#[test]
fn removing_an_unknown_contact_person_is_refused() {
    let state = given(&basics());

    let error = refused(when(
        &state,
        Command::RemoveContactPerson {
            organisation_id: FESTIVAL,
            person_id: PERSON,
        },
        ANNA,
    ));

    assert_eq!(
        error,
        DomainError::Unknown {
            kind: "contact person",
            id: PERSON,
        }
    );
    assert_eq!(error.code(), "unknown_entity");
}

// ---------------------------------------------------------------------------------------------
// Relation levels on the network circle.
// ---------------------------------------------------------------------------------------------

fn change_level(to: Option<Level>, reason: &str) -> Command {
    Command::ChangeRelationLevel {
        organisation_id: FESTIVAL,
        to,
        reason: reason.into(),
        occurred_on: Some(date(2025, 2, 14)),
    }
}

#[test]
fn a_relation_moves_on_the_network_circle_with_its_story() {
    let mut events = basics();
    events.push(level_changed(FESTIVAL, None, Some(Level::Network)));
    let state = given(&events);

    let events = when(
        &state,
        change_level(Some(Level::Collaboration), " a reading tent together "),
        BO,
    )
    .unwrap();

    assert_eq!(
        events,
        vec![DomainEvent::RelationLevelChanged {
            organisation_id: FESTIVAL,
            from: Some(Level::Network),
            to: Some(Level::Collaboration),
            reason: "a reading tent together".into(),
            occurred_on: Some(date(2025, 2, 14)),
        }]
    );
}

#[test]
fn moving_a_relation_to_its_current_level_changes_nothing() {
    let mut events = basics();
    events.push(level_changed(FESTIVAL, None, Some(Level::Network)));
    let state = given(&events);

    let what = assert_nothing_changed(when(
        &state,
        change_level(Some(Level::Network), "still friends"),
        ANNA,
    ));

    assert_eq!(what, "Roskilde Festival is already at level network");
}

#[test]
fn a_level_change_needs_a_reason() {
    let state = given(&basics());

    let reason = assert_invalid(
        when(&state, change_level(Some(Level::Network), "  "), ANNA),
        "reason",
    );
    assert_eq!(reason, "must not be empty");
}

#[test]
fn a_relation_ends_by_moving_to_no_level() {
    let mut events = basics();
    events.push(level_changed(FESTIVAL, None, Some(Level::Partnership)));
    let state = given(&events);

    let events = when(&state, change_level(None, "the festival moved away"), ANNA).unwrap();

    assert_eq!(
        events,
        vec![DomainEvent::RelationLevelChanged {
            organisation_id: FESTIVAL,
            from: Some(Level::Partnership),
            to: None,
            reason: "the festival moved away".into(),
            occurred_on: Some(date(2025, 2, 14)),
        }]
    );
    let state = then_state(state, &events, ANNA);
    assert_eq!(state.organisations[&FESTIVAL].level, None);
}

#[test]
fn ending_a_relation_that_does_not_exist_changes_nothing() {
    let state = given(&basics());

    let what = assert_nothing_changed(when(&state, change_level(None, "bye"), ANNA));

    assert_eq!(what, "Roskilde Festival has no relation to end");
}

#[test]
fn the_level_history_remembers_who_moved_the_relation_and_where_in_the_log() {
    let mut history = by(ANNA, basics());
    history.push((BO, level_changed(FESTIVAL, None, Some(Level::Network))));
    let state = given_by(&history);

    let events = when(
        &state,
        change_level(Some(Level::Collaboration), "the reading tent"),
        CARL,
    )
    .unwrap();
    let state = then_state(state, &events, CARL);

    let history = &state.organisations[&FESTIVAL].level_history;
    assert_eq!(history.len(), 2);
    assert_eq!(
        (
            history[0].from,
            history[0].to,
            history[0].actor.as_str(),
            history[0].position,
        ),
        (None, Some(Level::Network), BO, 4)
    );
    assert_eq!(
        (
            history[1].from,
            history[1].to,
            history[1].actor.as_str(),
            history[1].position,
        ),
        (Some(Level::Network), Some(Level::Collaboration), CARL, 5)
    );
    assert_eq!(history[1].reason, "the reading tent");
    assert_eq!(history[1].recorded_at, now());
    assert_eq!(history[1].occurred_on, Some(date(2025, 2, 14)));
    assert_eq!(
        state.organisations[&FESTIVAL].level,
        Some(Level::Collaboration)
    );
}

#[test]
fn a_contact_persons_phone_is_as_long_as_a_name_at_most() {
    let state = given(&basics());
    let mut command = add_person(None);
    if let Command::AddContactPerson { personal, .. } = &mut command {
        personal.phone = Some("1".repeat(201));
    }

    let reason = assert_invalid(when(&state, command, ANNA), "personal.phone");

    assert!(reason.contains("201 characters"), "{reason}");
}
