//! Given/when/then tests: the assets list.

use crate::domain::testing::*;

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
