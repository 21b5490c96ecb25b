//! Given/when/then tests: workspace.

use crate::domain::testing::*;

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
