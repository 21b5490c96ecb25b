//! Given/when/then tests of the domain rules: [`decide`] against states folded with
//! [`WorkspaceState::apply`], covering every command's happy path and its refusals.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use uuid::Uuid;

use super::commands::{Command, PromoteTo};
use super::decide::{decide, Request};
use super::error::DomainError;
use super::events::{
    CriterionScore, DomainEvent, Party, PersonalData, PersonalField, Promotion, ScreeningAnswer,
    SectionChange,
};
use super::state::{EventContext, WorkspaceState};
use super::vocabulary::{
    AgeGroup, AgreementSection, Answer, AssetCategory, Audience, BoardPhase, BoardTemplate,
    EvaluationDecision, Goal, Level, PartnershipForm, Phase, ReadinessItem, Room,
    ScreeningDecision, Sector, Zone,
};

// ---------------------------------------------------------------------------------------------
// Helpers: given, when, then.
// ---------------------------------------------------------------------------------------------

const ANNA: &str = "anna@roskilde";
const BO: &str = "bo@roskilde";
const CARL: &str = "carl@roskilde";

const WORKSPACE: Uuid = Uuid::from_u128(0xa000);
const FOCUS: Uuid = Uuid::from_u128(0xf001);
const STAFF_ANNA: Uuid = Uuid::from_u128(0x5001);
const STAFF_BO: Uuid = Uuid::from_u128(0x5002);
const FESTIVAL: Uuid = Uuid::from_u128(0x0001);
const MUSEUM: Uuid = Uuid::from_u128(0x0002);
const PERSON: Uuid = Uuid::from_u128(0xc001);
const PARTNERSHIP: Uuid = Uuid::from_u128(0xb001);
const COMMITMENT: Uuid = Uuid::from_u128(0xd001);
const EVALUATION: Uuid = Uuid::from_u128(0xe001);
const PLAN_ITEM: Uuid = Uuid::from_u128(0x1001);
const ASSET: Uuid = Uuid::from_u128(0x2001);
const BOARD: Uuid = Uuid::from_u128(0x3001);
const NOTE: Uuid = Uuid::from_u128(0x4001);
const NOTE_2: Uuid = Uuid::from_u128(0x4002);
const GROUP: Uuid = Uuid::from_u128(0x6001);
const PROMOTED: Uuid = Uuid::from_u128(0x7001);

const BOARD_TITLE: &str = "Workshop: nye partnerskaber";
const NOTE_TEXT: &str = "Makerspace med Roskilde Festival";

/// When the given events were recorded.
fn recorded_at() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 3, 1, 9, 0, 0).unwrap()
}

/// When the command under test is decided.
fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 3, 2, 10, 0, 0).unwrap()
}

fn date(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).unwrap()
}

/// The state folded from `events`, all recorded by Anna.
fn given(events: &[DomainEvent]) -> WorkspaceState {
    given_by(&by(ANNA, events.to_vec()))
}

/// The state folded from `events`, each recorded by its actor, at positions 1, 2, 3, ...
fn given_by(events: &[(&str, DomainEvent)]) -> WorkspaceState {
    let mut state = WorkspaceState::new(WORKSPACE);
    for (index, (actor, event)) in events.iter().enumerate() {
        state.apply(
            event,
            &EventContext {
                position: index as u64 + 1,
                actor: (*actor).into(),
                recorded_at: recorded_at(),
            },
        );
    }
    state
}

/// The same events, all by one actor.
fn by(actor: &'static str, events: Vec<DomainEvent>) -> Vec<(&'static str, DomainEvent)> {
    events.into_iter().map(|event| (actor, event)).collect()
}

/// Decides `command` as `actor`, at [`now`].
fn when(
    state: &WorkspaceState,
    command: Command,
    actor: &str,
) -> Result<Vec<DomainEvent>, DomainError> {
    decide(state, &command, &Request { actor, now: now() })
}

/// The state after the decided `events` are recorded by `actor`.
fn then_state(mut state: WorkspaceState, events: &[DomainEvent], actor: &str) -> WorkspaceState {
    for event in events {
        let position = state.position + 1;
        state.apply(
            event,
            &EventContext {
                position,
                actor: actor.into(),
                recorded_at: now(),
            },
        );
    }
    state
}

/// The refusal of a command that should have been refused.
fn refused(result: Result<Vec<DomainEvent>, DomainError>) -> DomainError {
    match result {
        Ok(events) => panic!("expected a refusal, got {events:#?}"),
        Err(error) => error,
    }
}

/// Asserts the refusal is an `InvalidField` for `field`, and returns its reason.
fn assert_invalid(result: Result<Vec<DomainEvent>, DomainError>, expected: &str) -> String {
    let error = refused(result);
    assert_eq!(error.code(), "invalid_field", "{error:?}");
    match error {
        DomainError::InvalidField { field, reason } => {
            assert_eq!(field, expected, "reason: {reason}");
            reason
        }
        other => panic!("expected InvalidField {{ field: {expected:?} }}, got {other:?}"),
    }
}

/// Asserts the refusal is `NothingChanged`, and returns what is already so.
fn assert_nothing_changed(result: Result<Vec<DomainEvent>, DomainError>) -> String {
    let error = refused(result);
    assert_eq!(error.code(), "nothing_changed", "{error:?}");
    match error {
        DomainError::NothingChanged { what } => what,
        other => panic!("expected NothingChanged, got {other:?}"),
    }
}

// ---------------------------------------------------------------------------------------------
// Fixtures: events that build the given state.
// ---------------------------------------------------------------------------------------------

fn workspace_created() -> DomainEvent {
    DomainEvent::WorkspaceCreated {
        name: "Roskilde Bibliotekerne".into(),
        description: String::new(),
    }
}

fn staff_added(staff_id: Uuid, name: &str) -> DomainEvent {
    DomainEvent::StaffMemberAdded {
        staff_id,
        name: name.into(),
        team: "Børn og unge".into(),
        competences: Vec::new(),
    }
}

fn staff_left(staff_id: Uuid) -> DomainEvent {
    DomainEvent::StaffMemberLeft {
        staff_id,
        reason: "new job".into(),
    }
}

fn organisation_registered(organisation_id: Uuid, name: &str) -> DomainEvent {
    DomainEvent::OrganisationRegistered {
        organisation_id,
        name: name.into(),
        sector: Sector::CivilSociety,
        kind: "festival".into(),
        tags: Vec::new(),
        topics: Vec::new(),
        website: None,
        age_groups: Vec::new(),
        rooms: Vec::new(),
    }
}

fn level_changed(organisation_id: Uuid, from: Option<Level>, to: Option<Level>) -> DomainEvent {
    DomainEvent::RelationLevelChanged {
        organisation_id,
        from,
        to,
        reason: "met at the festival".into(),
        occurred_on: None,
    }
}

fn holder_assigned(organisation_id: Uuid, staff_id: Uuid) -> DomainEvent {
    DomainEvent::ContactHolderAssigned {
        organisation_id,
        staff_id,
        topics: vec!["events".into()],
    }
}

fn person_added(organisation_id: Uuid, person_id: Uuid) -> DomainEvent {
    DomainEvent::ContactPersonAdded {
        organisation_id,
        person_id,
        role: "programme lead".into(),
        personal: PersonalField::Clear(PersonalData {
            name: "Mette Lund".into(),
            email: Some("mette@example.org".into()),
            phone: None,
        }),
    }
}

fn partnership_proposed(partnership_id: Uuid, partner_ids: Vec<Uuid>) -> DomainEvent {
    DomainEvent::PartnershipProposed {
        partnership_id,
        title: "Festivalbiblioteket".into(),
        partner_ids,
        purpose: String::new(),
        form: PartnershipForm::Frame,
        goals: Vec::new(),
        rooms: Vec::new(),
        age_groups: Vec::new(),
        owner_id: None,
        priority: 0,
        tags: Vec::new(),
    }
}

fn phase_changed(partnership_id: Uuid, from: Phase, to: Phase) -> DomainEvent {
    DomainEvent::PartnershipPhaseChanged {
        partnership_id,
        from,
        to,
        note: String::new(),
    }
}

fn answered(answer: Answer) -> Vec<ScreeningAnswer> {
    (1..=14)
        .map(|question| ScreeningAnswer {
            question,
            answer,
            note: String::new(),
        })
        .collect()
}

fn screened(partnership_id: Uuid, decision: ScreeningDecision) -> DomainEvent {
    DomainEvent::PartnershipScreened {
        partnership_id,
        answers: answered(Answer::Yes),
        score: 28,
        max_score: 28,
        decision,
        decision_note: String::new(),
    }
}

fn agreement_amended(
    partnership_id: Uuid,
    version: u32,
    sections: &[(AgreementSection, &str)],
) -> DomainEvent {
    DomainEvent::AgreementAmended {
        partnership_id,
        version,
        changes: sections
            .iter()
            .map(|(section, text)| SectionChange {
                section: *section,
                before: None,
                after: Some((*text).into()),
            })
            .collect(),
        reason: String::new(),
    }
}

fn criterion(name: &str, score: u8) -> CriterionScore {
    CriterionScore {
        criterion: name.into(),
        target: "500 loans".into(),
        score,
        note: String::new(),
    }
}

fn evaluated(partnership_id: Uuid, evaluation_id: Uuid) -> DomainEvent {
    DomainEvent::PartnershipEvaluated {
        partnership_id,
        evaluation_id,
        evaluated_on: date(2025, 9, 1),
        criteria: vec![criterion("loans at the festival", 4)],
        narrative: "More borrowers than expected".into(),
        decision: EvaluationDecision::Adjust,
        next_evaluation_due: Some(date(2026, 3, 1)),
    }
}

fn partnership_ended(partnership_id: Uuid, from: Phase) -> DomainEvent {
    DomainEvent::PartnershipEnded {
        partnership_id,
        from,
        reason: "the festival closed".into(),
        ended_on: None,
    }
}

fn asset_added(asset_id: Uuid) -> DomainEvent {
    DomainEvent::AssetAdded {
        asset_id,
        category: AssetCategory::Facilities,
        title: "The big hall".into(),
        description: "Seats 200".into(),
        contact_staff_id: None,
    }
}

fn board_created(board_id: Uuid, template: BoardTemplate, vote_budget: u32) -> DomainEvent {
    DomainEvent::BoardCreated {
        board_id,
        title: BOARD_TITLE.into(),
        template,
        vote_budget,
    }
}

fn board_moved(board_id: Uuid, from: BoardPhase, to: BoardPhase) -> DomainEvent {
    DomainEvent::BoardPhaseChanged {
        board_id,
        from,
        to,
        anonymous: matches!(to, BoardPhase::Writing | BoardPhase::Voting),
    }
}

fn note_added(board_id: Uuid, note_id: Uuid, text: &str, zone: Zone) -> DomainEvent {
    DomainEvent::NoteAdded {
        board_id,
        note_id,
        text: text.into(),
        zone,
        x: 10,
        y: 20,
        colour: "#ffd54f".into(),
    }
}

fn vote_cast(board_id: Uuid, note_id: Uuid) -> DomainEvent {
    DomainEvent::VoteCast { board_id, note_id }
}

fn learning_empowerment() -> Zone {
    Zone {
        room: Some(Room::Learning),
        goal: Some(Goal::Empowerment),
        ..Zone::default()
    }
}

/// A created workspace with a colleague (Anna) and an organisation (the festival).
fn basics() -> Vec<DomainEvent> {
    vec![
        workspace_created(),
        staff_added(STAFF_ANNA, "Anna Holm"),
        organisation_registered(FESTIVAL, "Roskilde Festival"),
    ]
}

/// [`basics`] and a partnership with the festival, at phase 1 (idea).
fn with_partnership() -> Vec<DomainEvent> {
    let mut events = basics();
    events.push(partnership_proposed(PARTNERSHIP, vec![FESTIVAL]));
    events
}

/// [`with_partnership`], moved to `phase` (events are facts: the move is not checked).
fn partnership_in(phase: Phase) -> Vec<DomainEvent> {
    let mut events = with_partnership();
    if phase != Phase::Idea {
        events.push(phase_changed(PARTNERSHIP, Phase::Idea, phase));
    }
    events
}

/// A workspace with one board that Anna facilitates, with Bo's note in `zone`, moved through
/// its phases up to `phase`; on entering the vote each of `voters` places one dot on the note.
fn board_history(
    template: BoardTemplate,
    zone: Zone,
    phase: BoardPhase,
    voters: &[&'static str],
) -> Vec<(&'static str, DomainEvent)> {
    let mut history = vec![
        (ANNA, workspace_created()),
        (ANNA, board_created(BOARD, template, 3)),
        (BO, note_added(BOARD, NOTE, NOTE_TEXT, zone)),
    ];
    let mut current = BoardPhase::Writing;
    while current != phase {
        let next = current.next().unwrap();
        history.push((ANNA, board_moved(BOARD, current, next)));
        if next == BoardPhase::Voting {
            for voter in voters {
                history.push((*voter, vote_cast(BOARD, NOTE)));
            }
        }
        current = next;
    }
    history
}

/// A library model board in `phase` with Bo's note in the learning room, goal empowerment.
fn board_in(phase: BoardPhase) -> WorkspaceState {
    given_by(&board_history(
        BoardTemplate::RoomsByGoals,
        learning_empowerment(),
        phase,
        &[],
    ))
}

// ---------------------------------------------------------------------------------------------
// Workspace.
// ---------------------------------------------------------------------------------------------

#[test]
fn a_workspace_is_created_with_its_name_and_description_trimmed() {
    let state = given(&[]);

    let events = when(
        &state,
        Command::CreateWorkspace {
            name: "  Roskilde Bibliotekerne \n".into(),
            description: " Roskilde's libraries ".into(),
        },
        ANNA,
    )
    .unwrap();

    assert_eq!(
        events,
        vec![DomainEvent::WorkspaceCreated {
            name: "Roskilde Bibliotekerne".into(),
            description: "Roskilde's libraries".into(),
        }]
    );
    let state = then_state(state, &events, ANNA);
    assert!(state.created);
    assert_eq!(state.name, "Roskilde Bibliotekerne");
    assert_eq!(state.workspace_id, WORKSPACE);
    assert_eq!(state.version, 1);
    assert_eq!(state.position, 1);
    assert_eq!(state.updated_at, Some(now()));
}

#[test]
fn creating_a_workspace_twice_is_refused() {
    let state = given(&[workspace_created()]);

    let error = refused(when(
        &state,
        Command::CreateWorkspace {
            name: "Again".into(),
            description: String::new(),
        },
        ANNA,
    ));

    assert_eq!(error, DomainError::WorkspaceAlreadyCreated);
    assert_eq!(error.code(), "workspace_already_created");
}

#[test]
fn every_command_but_create_is_refused_before_the_workspace_exists() {
    let state = given(&[]);
    let commands = [
        Command::DefineFocusArea {
            focus_area_id: FOCUS,
            name: "Det digitale bibliotek".into(),
            goal: Goal::Innovation,
            room: Room::Learning,
            description: String::new(),
        },
        Command::AddStaffMember {
            staff_id: STAFF_ANNA,
            name: "Anna Holm".into(),
            team: String::new(),
            competences: Vec::new(),
        },
        Command::RemoveAsset {
            asset_id: ASSET,
            reason: String::new(),
        },
        Command::CreateBoard {
            board_id: BOARD,
            title: BOARD_TITLE.into(),
            template: BoardTemplate::Free,
            vote_budget: None,
        },
        Command::EndPartnership {
            partnership_id: PARTNERSHIP,
            reason: "never began".into(),
            ended_on: None,
        },
    ];

    for command in commands {
        let error = refused(when(&state, command.clone(), ANNA));
        assert_eq!(error, DomainError::WorkspaceNotCreated, "{command:?}");
        assert_eq!(error.code(), "workspace_not_created");
    }
}

#[test]
fn an_empty_or_blank_workspace_name_is_an_invalid_name() {
    let state = given(&[]);

    for name in ["", "   ", "\n\t "] {
        let reason = assert_invalid(
            when(
                &state,
                Command::CreateWorkspace {
                    name: name.into(),
                    description: String::new(),
                },
                ANNA,
            ),
            "name",
        );
        assert_eq!(reason, "must not be empty");
    }
}

#[test]
fn a_workspace_name_longer_than_200_characters_is_invalid() {
    let state = given(&[]);
    let create = |name: String| Command::CreateWorkspace {
        name,
        description: String::new(),
    };

    let reason = assert_invalid(when(&state, create("x".repeat(201)), ANNA), "name");
    assert!(reason.contains("201 characters"), "{reason}");

    // The limit counts characters, not bytes.
    let events = when(&state, create("ø".repeat(200)), ANNA).unwrap();
    assert_eq!(
        events,
        vec![DomainEvent::WorkspaceCreated {
            name: "ø".repeat(200),
            description: String::new(),
        }]
    );
}

#[test]
fn a_workspace_name_with_control_characters_is_invalid() {
    let state = given(&[]);

    for name in ["Roskilde\u{0}", "Ros\u{7}kilde", "Roskilde\u{1b}[31m"] {
        let reason = assert_invalid(
            when(
                &state,
                Command::CreateWorkspace {
                    name: name.into(),
                    description: String::new(),
                },
                ANNA,
            ),
            "name",
        );
        assert_eq!(reason, "contains control characters");
    }
}

#[test]
fn a_description_keeps_its_inner_line_breaks_and_tabs() {
    let state = given(&[]);

    let events = when(
        &state,
        Command::CreateWorkspace {
            name: "Roskilde".into(),
            description: "Main library\n\tand branches\r\n".into(),
        },
        ANNA,
    )
    .unwrap();

    assert_eq!(
        events,
        vec![DomainEvent::WorkspaceCreated {
            name: "Roskilde".into(),
            description: "Main library\n\tand branches".into(),
        }]
    );
}

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
fn a_stale_agreement_amendment_is_a_version_conflict() {
    let state = given(&with_agreement());

    for expected_version in [0, 2] {
        let error = refused(when(
            &state,
            amend(
                expected_version,
                &[(AgreementSection::Exit, Some("Notice"))],
            ),
            BO,
        ));
        assert_eq!(
            error,
            DomainError::StaleAgreement {
                partnership_id: PARTNERSHIP,
                expected: expected_version,
                actual: 1,
            }
        );
        assert_eq!(error.code(), "version_conflict");
    }
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

fn evaluate(
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

fn plan_communication(item_id: Uuid) -> Command {
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

fn tick(item: ReadinessItem) -> Command {
    Command::TickReadinessItem {
        partnership_id: PARTNERSHIP,
        item,
        note: " see the strategy 2025-2028 ".into(),
    }
}

fn untick(item: ReadinessItem) -> Command {
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

// ---------------------------------------------------------------------------------------------
// The assets list.
// ---------------------------------------------------------------------------------------------

fn add_asset(contact_staff_id: Option<Uuid>) -> Command {
    Command::AddAsset {
        asset_id: ASSET,
        category: AssetCategory::Facilities,
        title: " The big hall ".into(),
        description: "Seats 200".into(),
        contact_staff_id,
    }
}

#[test]
fn an_asset_is_added_with_a_colleague_to_ask() {
    let state = given(&basics());

    let events = when(&state, add_asset(Some(STAFF_ANNA)), ANNA).unwrap();

    assert_eq!(
        events,
        vec![DomainEvent::AssetAdded {
            asset_id: ASSET,
            category: AssetCategory::Facilities,
            title: "The big hall".into(),
            description: "Seats 200".into(),
            contact_staff_id: Some(STAFF_ANNA),
        }]
    );
    let state = then_state(state, &events, ANNA);
    assert_eq!(state.assets[&ASSET].contact_staff_id, Some(STAFF_ANNA));
}

#[test]
fn an_asset_id_cannot_be_added_twice() {
    let mut events = basics();
    events.push(asset_added(ASSET));
    let state = given(&events);

    let error = refused(when(&state, add_asset(None), ANNA));

    assert_eq!(
        error,
        DomainError::AlreadyExists {
            kind: "asset",
            id: ASSET,
        }
    );
    assert_eq!(error.code(), "already_exists");
}

#[test]
fn an_asset_contact_must_be_a_current_colleague() {
    let state = given(&basics());
    let error = refused(when(&state, add_asset(Some(STAFF_BO)), ANNA));
    assert_eq!(
        error,
        DomainError::Unknown {
            kind: "staff member",
            id: STAFF_BO,
        }
    );
    assert_eq!(error.code(), "unknown_entity");

    let mut events = basics();
    events.push(staff_left(STAFF_ANNA));
    let state = given(&events);
    let error = refused(when(&state, add_asset(Some(STAFF_ANNA)), ANNA));
    assert_eq!(
        error,
        DomainError::StaffMemberLeft {
            staff_id: STAFF_ANNA,
        }
    );
    assert_eq!(error.code(), "staff_member_left");
}

#[test]
fn an_asset_is_rewritten() {
    let mut events = basics();
    events.push(asset_added(ASSET));
    let state = given(&events);

    let events = when(
        &state,
        Command::UpdateAsset {
            asset_id: ASSET,
            category: AssetCategory::PhysicalResources,
            title: "The big hall and its stage".into(),
            description: " Seats 250 ".into(),
        },
        ANNA,
    )
    .unwrap();

    assert_eq!(
        events,
        vec![DomainEvent::AssetUpdated {
            asset_id: ASSET,
            category: AssetCategory::PhysicalResources,
            title: "The big hall and its stage".into(),
            description: "Seats 250".into(),
        }]
    );
    let state = then_state(state, &events, ANNA);
    assert_eq!(state.assets[&ASSET].title, "The big hall and its stage");
    assert_eq!(
        state.assets[&ASSET].category,
        AssetCategory::PhysicalResources
    );
}

#[test]
fn an_asset_is_taken_off_the_list() {
    let mut events = basics();
    events.push(asset_added(ASSET));
    let state = given(&events);

    let events = when(
        &state,
        Command::RemoveAsset {
            asset_id: ASSET,
            reason: "being renovated".into(),
        },
        ANNA,
    )
    .unwrap();

    assert_eq!(
        events,
        vec![DomainEvent::AssetRemoved {
            asset_id: ASSET,
            reason: "being renovated".into(),
        }]
    );
    assert!(then_state(state, &events, ANNA).assets.is_empty());
}

#[test]
fn updating_or_removing_an_unknown_asset_is_refused() {
    let state = given(&basics());
    let expected = DomainError::Unknown {
        kind: "asset",
        id: ASSET,
    };

    for command in [
        Command::UpdateAsset {
            asset_id: ASSET,
            category: AssetCategory::Trust,
            title: "Trust".into(),
            description: String::new(),
        },
        Command::RemoveAsset {
            asset_id: ASSET,
            reason: String::new(),
        },
    ] {
        let error = refused(when(&state, command, ANNA));
        assert_eq!(error, expected);
        assert_eq!(error.code(), "unknown_entity");
    }
}

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
    }
}

#[test]
fn a_board_is_created_with_three_dots_per_participant_by_default() {
    let state = given(&[workspace_created()]);

    let events = when(&state, create_board(None), BO).unwrap();

    assert_eq!(
        events,
        vec![board_created(BOARD, BoardTemplate::RoomsByGoals, 3)]
    );
    let state = then_state(state, &events, BO);
    let board = &state.boards[&BOARD];
    assert_eq!(board.facilitator, BO, "the creator facilitates");
    assert_eq!(board.phase, BoardPhase::Writing);
    assert!(board.anonymous);
    assert!(!board.locked);
    assert_eq!(board.vote_budget, 3);
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

// ---------------------------------------------------------------------------------------------
// Workshop boards: notes, groups and dots.
// ---------------------------------------------------------------------------------------------

fn add_note(note_id: Uuid, zone: Zone, colour: Option<&str>) -> Command {
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
    assert_eq!(board.votes_by(CARL), 1);
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
    assert_eq!(state.boards[&BOARD].votes_by(CARL), 3);

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
