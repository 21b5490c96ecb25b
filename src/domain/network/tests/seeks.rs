//! Given/when/then tests: what an organisation seeks from a partnership with the library.

use crate::domain::describe::said;
use crate::domain::testing::*;
use crate::domain::vocabulary::SeeksSource;

fn record(seeks: &[&str], source: SeeksSource) -> Command {
    Command::RecordOrganisationSeeks {
        organisation_id: FESTIVAL,
        seeks: seeks.iter().map(|what| (*what).to_owned()).collect(),
        source,
    }
}

#[test]
fn what_an_organisation_seeks_is_recorded_trimmed_and_replaces_the_list() {
    let state = given(&basics());

    let events = when(
        &state,
        record(
            &[" venues ", "contact with young people"],
            SeeksSource::Screening,
        ),
        ANNA,
    )
    .unwrap();

    assert_eq!(
        events,
        vec![DomainEvent::OrganisationSeeksRecorded {
            organisation_id: FESTIVAL,
            seeks: vec!["venues".into(), "contact with young people".into()],
            source: SeeksSource::Screening,
        }]
    );
    let state = then_state(state, &events, ANNA);
    assert_eq!(
        state.organisations[&FESTIVAL].seeks,
        ["venues", "contact with young people"]
    );

    // A new list replaces the old one; the same list again changes nothing.
    let events = when(&state, record(&["visibility"], SeeksSource::Typed), ANNA).unwrap();
    let state = then_state(state, &events, ANNA);
    assert_eq!(state.organisations[&FESTIVAL].seeks, ["visibility"]);
    let what = assert_nothing_changed(when(
        &state,
        record(&["visibility"], SeeksSource::Typed),
        ANNA,
    ));
    assert_eq!(what, "what Roskilde Festival seeks reads like that already");

    // An empty list says it seeks nothing any more.
    let events = when(&state, record(&[], SeeksSource::Typed), ANNA).unwrap();
    let state = then_state(state, &events, ANNA);
    assert!(state.organisations[&FESTIVAL].seeks.is_empty());
}

#[test]
fn seeks_must_be_words_for_a_known_organisation() {
    let state = given(&basics());

    assert_invalid(
        when(&state, record(&["venues", "  "], SeeksSource::Typed), ANNA),
        "seeks",
    );
    let error = refused(when(
        &state,
        Command::RecordOrganisationSeeks {
            organisation_id: MUSEUM,
            seeks: vec!["venues".into()],
            source: SeeksSource::Typed,
        },
        ANNA,
    ));
    assert_eq!(
        error,
        DomainError::Unknown {
            kind: "organisation",
            id: MUSEUM
        }
    );
}

#[test]
fn a_command_without_a_source_was_typed_in_the_app() {
    let command: Command = serde_json::from_value(serde_json::json!({
        "type": "RecordOrganisationSeeks",
        "organisation_id": FESTIVAL,
        "seeks": ["venues"],
    }))
    .unwrap();
    assert_eq!(command, record(&["venues"], SeeksSource::Typed));
}

#[test]
fn what_an_organisation_seeks_reads_in_the_timeline() {
    let state = given(&basics());
    let sentence = |seeks: Vec<String>| {
        said(
            &state,
            &DomainEvent::OrganisationSeeksRecorded {
                organisation_id: FESTIVAL,
                seeks,
                source: SeeksSource::MappingWorkshop,
            },
            BO,
            crate::domain::describe::Language::English,
        )
    };
    assert_eq!(
        sentence(vec!["venues".into(), "visibility".into()]),
        "bo@roskilde recorded what Roskilde Festival seeks: venues, visibility (the mapping workshop)"
    );
    assert_eq!(
        sentence(Vec::new()),
        "bo@roskilde recorded that Roskilde Festival seeks nothing from the library any more (the mapping workshop)"
    );
}
