//! Given/when/then tests: importing organisations from a spreadsheet in one command.

use crate::domain::import::{plan, ImportProblem, ImportedOrganisation, RowPlan};
use crate::domain::testing::*;

const BOERNEHUS: Uuid = Uuid::from_u128(0x0101);
const BIBLIOTEK: Uuid = Uuid::from_u128(0x0102);

fn row(organisation_id: Uuid, name: &str, sector: Sector) -> ImportedOrganisation {
    ImportedOrganisation {
        organisation_id,
        name: name.into(),
        sector,
        kind: String::new(),
        tags: Vec::new(),
        topics: Vec::new(),
        website: None,
        age_groups: Vec::new(),
        rooms: Vec::new(),
        level: None,
        reason: String::new(),
    }
}

fn import(rows: Vec<ImportedOrganisation>) -> Command {
    Command::ImportOrganisations { rows }
}

#[test]
fn new_names_are_registered_and_a_known_name_is_merged_in_one_command() {
    let state = given(&basics());
    let new = ImportedOrganisation {
        level: Some(Level::Network),
        topics: vec!["højtlæsning".into()],
        age_groups: vec![AgeGroup::Toddlers],
        ..row(BOERNEHUS, " Æblerød Børnehus ", Sector::Public)
    };
    let known = ImportedOrganisation {
        topics: vec!["camps".into()],
        rooms: vec![Room::Performative],
        ..row(
            Uuid::from_u128(0x0999),
            "roskilde festival",
            Sector::CivilSociety,
        )
    };

    let events = when(&state, import(vec![new, known]), ANNA).unwrap();

    assert_eq!(
        events,
        vec![
            DomainEvent::OrganisationRegistered {
                organisation_id: BOERNEHUS,
                name: "Æblerød Børnehus".into(),
                sector: Sector::Public,
                kind: String::new(),
                tags: Vec::new(),
                topics: vec!["højtlæsning".into()],
                website: None,
                age_groups: vec![AgeGroup::Toddlers],
                rooms: Vec::new(),
            },
            DomainEvent::RelationLevelChanged {
                organisation_id: BOERNEHUS,
                from: None,
                to: Some(Level::Network),
                reason: String::new(),
                occurred_on: None,
            },
            DomainEvent::OrganisationUpdated {
                organisation_id: FESTIVAL,
                name: None,
                sector: None,
                kind: None,
                tags: None,
                topics: Some(vec!["camps".into()]),
                website: None,
                age_groups: None,
                rooms: Some(vec![Room::Performative]),
            },
        ]
    );
    let state = then_state(state, &events, ANNA);
    assert_eq!(state.organisations.len(), 2, "merged, not registered twice");
    assert_eq!(state.organisations[&FESTIVAL].name, "Roskilde Festival");
}

#[test]
fn one_row_the_rules_refuse_refuses_the_whole_import_naming_the_row() {
    let state = given(&basics());
    let good = row(BOERNEHUS, "Æblerød Børnehus", Sector::Public);
    let bad = ImportedOrganisation {
        website: Some("www.bibliotek.dk".into()),
        ..row(BIBLIOTEK, "Skolebiblioteket", Sector::Public)
    };

    let error = refused(when(&state, import(vec![good, bad]), ANNA));

    assert_eq!(
        error,
        DomainError::ImportRowRefused {
            row: 2,
            name: "Skolebiblioteket".into(),
            problem: "invalid_field",
            reason: "`website`: must start with https:// or http://".into(),
        }
    );
    assert_eq!(error.code(), "import_row_refused");
}

#[test]
fn a_name_twice_in_the_import_is_rejected_at_its_second_row() {
    let state = given(&basics());
    let rows = vec![
        row(BOERNEHUS, "Æblerød Børnehus", Sector::Public),
        row(BIBLIOTEK, "ÆBLERØD BØRNEHUS ", Sector::Private),
    ];

    let plans = plan(&state, &rows);

    assert!(matches!(plans[0], RowPlan::Created { .. }));
    assert_eq!(
        plans[1],
        RowPlan::Rejected(ImportProblem::DuplicateName {
            name: "ÆBLERØD BØRNEHUS".into(),
            first_row: 1
        })
    );
}

#[test]
fn a_merge_moves_a_placed_organisation_only_with_a_reason() {
    let mut events = basics();
    events.push(level_changed(FESTIVAL, None, Some(Level::Network)));
    let state = given(&events);
    let without_reason = ImportedOrganisation {
        level: Some(Level::Partnership),
        ..row(BOERNEHUS, "Roskilde Festival", Sector::CivilSociety)
    };

    assert_eq!(
        plan(&state, std::slice::from_ref(&without_reason)),
        vec![RowPlan::Rejected(ImportProblem::LevelMoveNeedsReason {
            name: "Roskilde Festival".into(),
            from: Level::Network,
            to: Level::Partnership,
        })]
    );

    let with_reason = ImportedOrganisation {
        reason: "signed the frame agreement".into(),
        ..without_reason
    };
    let events = when(&state, import(vec![with_reason]), ANNA).unwrap();
    assert_eq!(
        events,
        vec![DomainEvent::RelationLevelChanged {
            organisation_id: FESTIVAL,
            from: Some(Level::Network),
            to: Some(Level::Partnership),
            reason: "signed the frame agreement".into(),
            occurred_on: None,
        }]
    );
}

#[test]
fn an_import_that_changes_nothing_is_refused_as_such() {
    let state = given(&basics());
    let same = ImportedOrganisation {
        kind: "festival".into(),
        ..row(BOERNEHUS, "Roskilde Festival", Sector::CivilSociety)
    };

    assert_eq!(
        plan(&state, std::slice::from_ref(&same)),
        vec![RowPlan::Unchanged {
            organisation_id: FESTIVAL
        }]
    );
    assert_nothing_changed(when(&state, import(vec![same]), ANNA));
    assert_invalid(when(&state, import(Vec::new()), ANNA), "rows");
}
