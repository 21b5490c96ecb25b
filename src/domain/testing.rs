//! What every area's given/when/then tests share: the given (a state folded from events with
//! [`WorkspaceState::apply`]), the when ([`decide`] at a fixed time), the then (asserting a
//! refusal), the fixtures that build the given states, and the types they name. An area's
//! tests take it all with `use crate::domain::testing::*;`.

pub(crate) use std::collections::BTreeMap;

pub(crate) use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
pub(crate) use uuid::Uuid;

pub(crate) use crate::domain::commands::{Command, PromoteTo};
pub(crate) use crate::domain::decide::{decide, Request};
pub(crate) use crate::domain::error::{DomainError, SectionConflict};
pub(crate) use crate::domain::events::{
    CriterionScore, DomainEvent, Party, PersonalData, PersonalField, Promotion, ScreeningAnswer,
    SectionChange,
};
pub(crate) use crate::domain::state::{EventContext, OnBoard, SealedNames, WorkspaceState};
pub(crate) use crate::domain::vocabulary::{
    AgeGroup, AgreementSection, Answer, AssetCategory, Audience, BoardPhase, BoardTemplate,
    EvaluationDecision, Goal, Level, PartnershipForm, Phase, ReadinessItem, Room,
    ScreeningDecision, Sector, Zone,
};

// ---------------------------------------------------------------------------------------------
// Helpers: given, when, then.
// ---------------------------------------------------------------------------------------------

pub(crate) const ANNA: &str = "anna@roskilde";
pub(crate) const BO: &str = "bo@roskilde";
pub(crate) const CARL: &str = "carl@roskilde";

pub(crate) const WORKSPACE: Uuid = Uuid::from_u128(0xa000);
pub(crate) const FOCUS: Uuid = Uuid::from_u128(0xf001);
pub(crate) const STAFF_ANNA: Uuid = Uuid::from_u128(0x5001);
pub(crate) const STAFF_BO: Uuid = Uuid::from_u128(0x5002);
pub(crate) const FESTIVAL: Uuid = Uuid::from_u128(0x0001);
pub(crate) const MUSEUM: Uuid = Uuid::from_u128(0x0002);
pub(crate) const PERSON: Uuid = Uuid::from_u128(0xc001);
pub(crate) const PARTNERSHIP: Uuid = Uuid::from_u128(0xb001);
pub(crate) const COMMITMENT: Uuid = Uuid::from_u128(0xd001);
pub(crate) const EVALUATION: Uuid = Uuid::from_u128(0xe001);
pub(crate) const PLAN_ITEM: Uuid = Uuid::from_u128(0x1001);
pub(crate) const ASSET: Uuid = Uuid::from_u128(0x2001);
pub(crate) const BOARD: Uuid = Uuid::from_u128(0x3001);
pub(crate) const NOTE: Uuid = Uuid::from_u128(0x4001);
pub(crate) const NOTE_2: Uuid = Uuid::from_u128(0x4002);
pub(crate) const GROUP: Uuid = Uuid::from_u128(0x6001);
pub(crate) const PROMOTED: Uuid = Uuid::from_u128(0x7001);

pub(crate) const BOARD_TITLE: &str = "Workshop: nye partnerskaber";
pub(crate) const NOTE_TEXT: &str = "Makerspace med Roskilde Festival";

/// When the given events were recorded.
pub(crate) fn recorded_at() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 3, 1, 9, 0, 0).unwrap()
}

/// When the command under test is decided.
pub(crate) fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 3, 2, 10, 0, 0).unwrap()
}

pub(crate) fn date(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).unwrap()
}

/// The state folded from `events`, all recorded by Anna.
pub(crate) fn given(events: &[DomainEvent]) -> WorkspaceState {
    given_by(&by(ANNA, events.to_vec()))
}

/// The state folded from `events`, each recorded by its actor, at positions 1, 2, 3, ...
pub(crate) fn given_by(events: &[(&str, DomainEvent)]) -> WorkspaceState {
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
pub(crate) fn by(
    actor: &'static str,
    events: Vec<DomainEvent>,
) -> Vec<(&'static str, DomainEvent)> {
    events.into_iter().map(|event| (actor, event)).collect()
}

/// Decides `command` as `actor`, at [`now`].
pub(crate) fn when(
    state: &WorkspaceState,
    command: Command,
    actor: &str,
) -> Result<Vec<DomainEvent>, DomainError> {
    when_sealed(state, command, actor, None)
}

/// Decides `command` as `actor` known on the command's board by the sealed names `sealed`.
pub(crate) fn when_sealed(
    state: &WorkspaceState,
    command: Command,
    actor: &str,
    sealed: Option<&SealedNames>,
) -> Result<Vec<DomainEvent>, DomainError> {
    decide(
        state,
        &command,
        &Request {
            actor,
            sealed,
            owner: false,
            now: now(),
        },
    )
}

/// The state after the decided `events` are recorded by `actor`.
pub(crate) fn then_state(
    mut state: WorkspaceState,
    events: &[DomainEvent],
    actor: &str,
) -> WorkspaceState {
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
pub(crate) fn refused(result: Result<Vec<DomainEvent>, DomainError>) -> DomainError {
    match result {
        Ok(events) => panic!("expected a refusal, got {events:#?}"),
        Err(error) => error,
    }
}

/// Asserts the refusal is an `InvalidField` for `field`, and returns its reason.
pub(crate) fn assert_invalid(
    result: Result<Vec<DomainEvent>, DomainError>,
    expected: &str,
) -> String {
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
pub(crate) fn assert_nothing_changed(result: Result<Vec<DomainEvent>, DomainError>) -> String {
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

pub(crate) fn workspace_created() -> DomainEvent {
    DomainEvent::WorkspaceCreated {
        name: "Roskilde Bibliotekerne".into(),
        description: String::new(),
    }
}

pub(crate) fn staff_added(staff_id: Uuid, name: &str) -> DomainEvent {
    DomainEvent::StaffMemberAdded {
        staff_id,
        name: name.into(),
        team: "Børn og unge".into(),
        competences: Vec::new(),
    }
}

pub(crate) fn staff_left(staff_id: Uuid) -> DomainEvent {
    DomainEvent::StaffMemberLeft {
        staff_id,
        reason: "new job".into(),
    }
}

pub(crate) fn organisation_registered(organisation_id: Uuid, name: &str) -> DomainEvent {
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

pub(crate) fn level_changed(
    organisation_id: Uuid,
    from: Option<Level>,
    to: Option<Level>,
) -> DomainEvent {
    DomainEvent::RelationLevelChanged {
        organisation_id,
        from,
        to,
        reason: "met at the festival".into(),
        occurred_on: None,
    }
}

pub(crate) fn holder_assigned(organisation_id: Uuid, staff_id: Uuid) -> DomainEvent {
    DomainEvent::ContactHolderAssigned {
        organisation_id,
        staff_id,
        topics: vec!["events".into()],
    }
}

pub(crate) fn person_added(organisation_id: Uuid, person_id: Uuid) -> DomainEvent {
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

pub(crate) fn partnership_proposed(partnership_id: Uuid, partner_ids: Vec<Uuid>) -> DomainEvent {
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

pub(crate) fn phase_changed(partnership_id: Uuid, from: Phase, to: Phase) -> DomainEvent {
    DomainEvent::PartnershipPhaseChanged {
        partnership_id,
        from,
        to,
        note: String::new(),
    }
}

pub(crate) fn answered(answer: Answer) -> Vec<ScreeningAnswer> {
    (1..=14)
        .map(|question| ScreeningAnswer {
            question,
            answer,
            note: String::new(),
        })
        .collect()
}

pub(crate) fn screened(partnership_id: Uuid, decision: ScreeningDecision) -> DomainEvent {
    DomainEvent::PartnershipScreened {
        partnership_id,
        answers: answered(Answer::Yes),
        score: 28,
        max_score: 28,
        decision,
        decision_note: String::new(),
    }
}

pub(crate) fn agreement_amended(
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

pub(crate) fn criterion(name: &str, score: u8) -> CriterionScore {
    CriterionScore {
        criterion: name.into(),
        target: "500 loans".into(),
        score,
        note: String::new(),
    }
}

pub(crate) fn evaluated(partnership_id: Uuid, evaluation_id: Uuid) -> DomainEvent {
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

pub(crate) fn partnership_ended(partnership_id: Uuid, from: Phase) -> DomainEvent {
    DomainEvent::PartnershipEnded {
        partnership_id,
        from,
        reason: "the festival closed".into(),
        ended_on: None,
    }
}

pub(crate) fn asset_added(asset_id: Uuid) -> DomainEvent {
    DomainEvent::AssetAdded {
        asset_id,
        category: AssetCategory::Facilities,
        title: "The big hall".into(),
        description: "Seats 200".into(),
        contact_staff_id: None,
    }
}

pub(crate) fn board_created(
    board_id: Uuid,
    template: BoardTemplate,
    vote_budget: u32,
) -> DomainEvent {
    DomainEvent::BoardCreated {
        board_id,
        title: BOARD_TITLE.into(),
        template,
        vote_budget,
    }
}

pub(crate) fn board_moved(board_id: Uuid, from: BoardPhase, to: BoardPhase) -> DomainEvent {
    DomainEvent::BoardPhaseChanged {
        board_id,
        from,
        to,
        anonymous: matches!(to, BoardPhase::Writing | BoardPhase::Voting),
    }
}

pub(crate) fn note_added(board_id: Uuid, note_id: Uuid, text: &str, zone: Zone) -> DomainEvent {
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

pub(crate) fn vote_cast(board_id: Uuid, note_id: Uuid) -> DomainEvent {
    DomainEvent::VoteCast { board_id, note_id }
}

pub(crate) fn learning_empowerment() -> Zone {
    Zone {
        room: Some(Room::Learning),
        goal: Some(Goal::Empowerment),
        ..Zone::default()
    }
}

/// A created workspace with a colleague (Anna) and an organisation (the festival).
pub(crate) fn basics() -> Vec<DomainEvent> {
    vec![
        workspace_created(),
        staff_added(STAFF_ANNA, "Anna Holm"),
        organisation_registered(FESTIVAL, "Roskilde Festival"),
    ]
}

/// [`basics`] and a partnership with the festival, at phase 1 (idea).
pub(crate) fn with_partnership() -> Vec<DomainEvent> {
    let mut events = basics();
    events.push(partnership_proposed(PARTNERSHIP, vec![FESTIVAL]));
    events
}

/// [`with_partnership`], moved to `phase` (events are facts: the move is not checked).
pub(crate) fn partnership_in(phase: Phase) -> Vec<DomainEvent> {
    let mut events = with_partnership();
    if phase != Phase::Idea {
        events.push(phase_changed(PARTNERSHIP, Phase::Idea, phase));
    }
    events
}

/// A workspace with one board that Anna facilitates, with Bo's note in `zone`, moved through
/// its phases up to `phase`; on entering the vote each of `voters` places one dot on the note.
pub(crate) fn board_history(
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
pub(crate) fn board_in(phase: BoardPhase) -> WorkspaceState {
    given_by(&board_history(
        BoardTemplate::RoomsByGoals,
        learning_empowerment(),
        phase,
        &[],
    ))
}
