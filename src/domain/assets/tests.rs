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

// ---------------------------------------------------------------------------------------------
// The colleague to ask.
// ---------------------------------------------------------------------------------------------

fn set_contact(contact_staff_id: Option<Uuid>) -> Command {
    Command::SetAssetContact {
        asset_id: ASSET,
        contact_staff_id,
    }
}

#[test]
fn an_asset_gets_a_colleague_to_ask_and_loses_them_again() {
    let mut events = basics();
    events.push(asset_added(ASSET));
    let state = given(&events);

    let named = when(&state, set_contact(Some(STAFF_ANNA)), ANNA).unwrap();
    assert_eq!(
        named,
        vec![DomainEvent::AssetContactSet {
            asset_id: ASSET,
            contact_staff_id: Some(STAFF_ANNA),
        }]
    );
    let sentence = crate::domain::describe::said(
        &state,
        &named[0],
        BO,
        crate::domain::describe::Language::English,
    );
    assert!(sentence.contains("the contact for"), "{sentence}");
    let state = then_state(state, &named, ANNA);
    assert_eq!(state.assets[&ASSET].contact_staff_id, Some(STAFF_ANNA));
    assert_eq!(state.assets[&ASSET].title, "The big hall", "the text stays");

    let cleared = when(&state, set_contact(None), ANNA).unwrap();
    let sentence = crate::domain::describe::said(
        &state,
        &cleared[0],
        BO,
        crate::domain::describe::Language::English,
    );
    assert!(sentence.ends_with("without a contact"), "{sentence}");
    let state = then_state(state, &cleared, ANNA);
    assert_eq!(state.assets[&ASSET].contact_staff_id, None);
}

#[test]
fn an_asset_contact_is_a_current_colleague_of_a_listed_asset() {
    let state = given(&basics());
    let error = refused(when(&state, set_contact(Some(STAFF_ANNA)), ANNA));
    assert_eq!(error.code(), "unknown_entity", "no such asset: {error}");

    let mut events = basics();
    events.push(asset_added(ASSET));
    events.push(staff_left(STAFF_ANNA));
    let state = given(&events);
    let error = refused(when(&state, set_contact(Some(STAFF_ANNA)), ANNA));
    assert_eq!(
        error,
        DomainError::StaffMemberLeft {
            staff_id: STAFF_ANNA,
        }
    );
    let error = refused(when(&state, set_contact(Some(STAFF_BO)), ANNA));
    assert_eq!(error.code(), "unknown_entity", "no such colleague: {error}");
}

// ---------------------------------------------------------------------------------------------
// Share links to the public page.
// ---------------------------------------------------------------------------------------------

const LINK: Uuid = Uuid::from_u128(0x2101);
const HASH: &str = "af1349b9f5f9a1a6a0404dea36dcc9499bcb25c9adc112b7cc9a93cae41f3262";

fn create_link(secret_hash: &str) -> Command {
    Command::CreateAssetsShareLink {
        link_id: LINK,
        label: " The folk high school ".into(),
        secret_hash: secret_hash.into(),
    }
}

#[test]
fn a_share_link_is_made_with_the_hash_of_its_secret_and_closed() {
    let state = given(&basics());

    let made = when(&state, create_link(HASH), ANNA).unwrap();
    assert_eq!(
        made,
        vec![DomainEvent::AssetsShareLinkCreated {
            link_id: LINK,
            label: "The folk high school".into(),
            secret_hash: HASH.into(),
        }]
    );
    let sentence = crate::domain::describe::said(
        &state,
        &made[0],
        ANNA,
        crate::domain::describe::Language::English,
    );
    assert_eq!(
        sentence,
        "anna@roskilde shared the assets list with a public link for \"The folk high school\""
    );
    let state = then_state(state, &made, ANNA);
    let link = &state.assets_share_links[&LINK];
    assert_eq!(
        (link.created_by.as_str(), link.revoked),
        (ANNA, false),
        "{link:?}"
    );

    let closed = when(&state, Command::RevokeAssetsShareLink { link_id: LINK }, BO).unwrap();
    assert_eq!(
        closed,
        vec![DomainEvent::AssetsShareLinkRevoked { link_id: LINK }]
    );
    let sentence = crate::domain::describe::said(
        &state,
        &closed[0],
        BO,
        crate::domain::describe::Language::English,
    );
    assert!(sentence.contains("\"The folk high school\""), "{sentence}");
    let state = then_state(state, &closed, BO);
    assert!(state.assets_share_links[&LINK].revoked);

    let again = refused(when(
        &state,
        Command::RevokeAssetsShareLink { link_id: LINK },
        BO,
    ));
    assert_eq!(again.code(), "nothing_changed", "{again}");
}

#[test]
fn a_share_link_needs_a_real_hash_a_label_and_a_new_id() {
    let state = given(&basics());
    for bad in ["", "secret", &HASH.to_uppercase(), &HASH[1..]] {
        let error = refused(when(&state, create_link(bad), ANNA));
        assert_eq!(
            error,
            DomainError::InvalidField {
                field: "secret_hash",
                reason: "must be the 64 hex digits of a BLAKE3 hash".into(),
            },
            "{bad:?}"
        );
    }
    let error = refused(when(
        &state,
        Command::CreateAssetsShareLink {
            link_id: LINK,
            label: "  ".into(),
            secret_hash: HASH.into(),
        },
        ANNA,
    ));
    assert_eq!(error.code(), "invalid_field", "{error}");

    let made = when(&state, create_link(HASH), ANNA).unwrap();
    let state = then_state(state, &made, ANNA);
    let error = refused(when(&state, create_link(HASH), ANNA));
    assert_eq!(
        error,
        DomainError::AlreadyExists {
            kind: "share link",
            id: LINK,
        }
    );
    let error = refused(when(
        &state,
        Command::RevokeAssetsShareLink {
            link_id: Uuid::from_u128(0x2102),
        },
        ANNA,
    ));
    assert_eq!(error.code(), "unknown_entity", "{error}");
}
