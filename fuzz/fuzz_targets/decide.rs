//! Fuzz target `decide`: arbitrary JSON as commands, decided by the pure rules of the method
//! against a small fixed workspace, as the command service does for every request.
//!
//! The input is one command or a JSON array of up to 16, decided in turn, each against the
//! state the previous ones left. The fixed workspace (built once, from commands) has a focus
//! area, two staff members, an organisation with a contact person, a partnership, an asset
//! and a board with a note, so that commands naming `00000000-0000-0000-0000-00000000000N`
//! ids reach deep into the rules. [`decide`] must never panic; a decided event must be
//! storable (type and payload) and read back unchanged, and applying it must not panic.
#![no_main]

use std::sync::OnceLock;

use chrono::{DateTime, TimeZone, Utc};
use libfuzzer_sys::fuzz_target;
use partnerhub::domain::{decide, Command, DomainEvent, EventContext, Request, WorkspaceState};
use partnerhub::store::envelope;
use serde_json::{json, Value};
use uuid::Uuid;

const ACTOR: &str = "fuzz@roskilde";
const MOST_COMMANDS: usize = 16;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 1, 12, 0, 0)
        .single()
        .expect("a valid time")
}

fn id(n: u128) -> Uuid {
    Uuid::from_u128(n)
}

/// Decides `command` against `state` and applies its events; `Err` if the rules refuse it.
fn run(state: &mut WorkspaceState, command: &Command) -> Result<(), String> {
    let request = Request {
        actor: ACTOR,
        sealed: None,
        owner: false,
        now: now(),
    };
    let events = decide(state, command, &request).map_err(|error| error.to_string())?;
    for event in events {
        let (event_type, payload) =
            envelope::into_parts(&event).expect("a decided event can be stored");
        let stored = envelope::from_parts::<DomainEvent>(&event_type, &payload)
            .expect("a stored event reads back from the log");
        assert_eq!(
            stored, event,
            "{event_type} changed on its way through the log"
        );
        let context = EventContext {
            position: state.position + 1,
            actor: ACTOR.to_owned(),
            recorded_at: now(),
        };
        state.apply(&event, &context);
    }
    Ok(())
}

/// The fixed workspace every input starts from.
fn fixture() -> &'static WorkspaceState {
    static STATE: OnceLock<WorkspaceState> = OnceLock::new();
    STATE.get_or_init(|| {
        let setup: Vec<Value> = vec![
            json!({"type": "CreateWorkspace", "name": "Fuzz Bibliotek"}),
            json!({"type": "DefineFocusArea", "focus_area_id": id(1), "name": "Reading", "goal": "experience", "room": "learning"}),
            json!({"type": "AddStaffMember", "staff_id": id(2), "name": "Anna", "team": "Children", "competences": ["reading"]}),
            json!({"type": "AddStaffMember", "staff_id": id(3), "name": "Mads", "team": "Events"}),
            json!({"type": "RegisterOrganisation", "organisation_id": id(4), "name": "Festival", "sector": "civil_society", "level": "network", "reason": "met"}),
            json!({"type": "AssignContactHolder", "organisation_id": id(4), "staff_id": id(2)}),
            json!({"type": "AddContactPerson", "organisation_id": id(4), "person_id": id(5), "role": "chair", "personal": {"name": "Mette Lund", "email": "mette@example.org"}}),
            json!({"type": "ProposePartnership", "partnership_id": id(6), "title": "Summer reading", "partner_ids": [id(4)], "form": {"kind": "frame"}, "owner_id": id(2)}),
            json!({"type": "AddAsset", "asset_id": id(7), "category": "trust", "title": "Trusted by families"}),
            json!({"type": "CreateBoard", "board_id": id(8), "title": "Mapping", "template": "rooms_by_goals"}),
            json!({"type": "AddNote", "board_id": id(8), "note_id": id(9), "text": "Reading club"}),
        ];
        let mut state = WorkspaceState::new(id(100));
        for command in setup {
            let parsed: Command = serde_json::from_value(command.clone())
                .unwrap_or_else(|error| panic!("the fixture's {command} no longer parses: {error}"));
            run(&mut state, &parsed)
                .unwrap_or_else(|error| panic!("the fixture's {command} is refused: {error}"));
        }
        state
    })
}

fuzz_target!(|data: &[u8]| {
    let commands: Vec<Command> = match serde_json::from_slice::<Value>(data) {
        Ok(Value::Array(items)) => items
            .into_iter()
            .take(MOST_COMMANDS)
            .filter_map(|item| serde_json::from_value(item).ok())
            .collect(),
        Ok(value) => serde_json::from_value(value).into_iter().collect(),
        Err(_) => return,
    };
    if commands.is_empty() {
        return;
    }
    let mut state = fixture().clone();
    for command in &commands {
        let _ = run(&mut state, command);
    }
});
