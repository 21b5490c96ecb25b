//! Tests of the suggestions' rules: which organisations fit an empty cell or a thin age
//! group, who is named as knowing them, and which assets meet what a partner seeks.

use super::*;
use crate::domain::events::DomainEvent;
use crate::domain::testing::{
    asset_added, given, holder_assigned, organisation_registered, partnership_proposed,
    staff_added, staff_left, workspace_created,
};
use crate::domain::vocabulary::SeeksSource;

fn with_facts(
    event: DomainEvent,
    fit_rooms: &[Room],
    reach: &[AgeGroup],
    about: &[&str],
) -> DomainEvent {
    match event {
        DomainEvent::OrganisationRegistered {
            organisation_id,
            name,
            sector,
            kind,
            tags,
            website,
            ..
        } => DomainEvent::OrganisationRegistered {
            organisation_id,
            name,
            sector,
            kind,
            tags,
            topics: about.iter().map(|topic| (*topic).to_owned()).collect(),
            website,
            age_groups: reach.to_vec(),
            rooms: fit_rooms.to_vec(),
        },
        other => other,
    }
}

fn serving(
    event: DomainEvent,
    goals: &[Goal],
    rooms: &[Room],
    age_groups: &[AgeGroup],
) -> DomainEvent {
    match event {
        DomainEvent::PartnershipProposed {
            partnership_id,
            title,
            partner_ids,
            purpose,
            form,
            owner_id,
            priority,
            tags,
            ..
        } => DomainEvent::PartnershipProposed {
            partnership_id,
            title,
            partner_ids,
            purpose,
            form,
            goals: goals.to_vec(),
            rooms: rooms.to_vec(),
            age_groups: age_groups.to_vec(),
            owner_id,
            priority,
            tags,
        },
        other => other,
    }
}

fn cell(view: &SuggestionsView, room: Room, goal: Goal) -> Option<&CellSuggestions> {
    view.cells
        .iter()
        .find(|cell| cell.room == room && cell.goal == goal)
}

#[test]
fn an_empty_cell_names_who_fits_its_room_and_who_knows_them() {
    let (anna, karen, museum, festival, partnership) = (
        Uuid::new_v4(),
        Uuid::new_v4(),
        Uuid::new_v4(),
        Uuid::new_v4(),
        Uuid::new_v4(),
    );
    let state = given(&[
        workspace_created(),
        staff_added(anna, "Anna Holm"),
        staff_added(karen, "Karen Dahl"),
        with_facts(
            organisation_registered(museum, "Museet for Samtidskunst"),
            &[Room::Performative],
            &[AgeGroup::YoungAdults],
            &["contemporary art"],
        ),
        with_facts(
            organisation_registered(festival, "Roskilde Festival"),
            &[Room::Inspiration],
            &[],
            &[],
        ),
        holder_assigned(museum, karen),
        holder_assigned(museum, anna),
        staff_left(anna),
        serving(
            partnership_proposed(partnership, vec![festival]),
            &[Goal::Innovation],
            &[Room::Inspiration],
            &[],
        ),
        DomainEvent::OrganisationSeeksRecorded {
            organisation_id: museum,
            seeks: vec!["exhibition space".into()],
            source: SeeksSource::Typed,
        },
    ]);
    let view = suggestions_view(&state);

    // The served cell is no gap; the performative x innovation cell names the museum (room),
    // and also the festival (it works for innovation with the library already).
    assert!(cell(&view, Room::Inspiration, Goal::Innovation).is_none());
    let gap = cell(&view, Room::Performative, Goal::Innovation).unwrap();
    let names: Vec<&str> = gap.organisations.iter().map(|o| o.name.as_str()).collect();
    assert_eq!(names, ["Museet for Samtidskunst", "Roskilde Festival"]);
    let museum = &gap.organisations[0];
    // Anna has left: only Karen is named.
    assert_eq!(museum.known_by.len(), 1);
    assert_eq!(museum.known_by[0].name, "Karen Dahl");
    assert_eq!(
        museum.explanation.da,
        "kender Karen Dahl; passer til det performative rum; søger exhibition space"
    );
    assert_eq!(
        museum.explanation.en,
        "knows Karen Dahl; fits the performative room; seeks exhibition space"
    );
    assert_eq!(
        gap.organisations[1].explanation.en,
        "already works for innovation with the library"
    );
    // Nobody fits the meeting room or works for experience: its cells name nobody.
    assert!(cell(&view, Room::Meeting, Goal::Experience)
        .unwrap()
        .organisations
        .is_empty());
}

#[test]
fn a_thin_age_group_names_who_reaches_it_but_does_not_serve_it_yet() {
    let (school, club, first, second) = (
        Uuid::new_v4(),
        Uuid::new_v4(),
        Uuid::new_v4(),
        Uuid::new_v4(),
    );
    let state = given(&[
        workspace_created(),
        with_facts(
            organisation_registered(school, "Byens skole"),
            &[],
            &[AgeGroup::Children, AgeGroup::Teenagers],
            &[],
        ),
        with_facts(
            organisation_registered(club, "Ungdomsklubben"),
            &[],
            &[AgeGroup::Teenagers],
            &[],
        ),
        serving(
            partnership_proposed(first, vec![school]),
            &[],
            &[],
            &[AgeGroup::Teenagers, AgeGroup::Adults],
        ),
        serving(
            partnership_proposed(second, vec![]),
            &[],
            &[],
            &[AgeGroup::Adults],
        ),
    ]);
    let view = suggestions_view(&state);
    let groups: Vec<AgeGroup> = view
        .age_groups
        .iter()
        .map(|group| group.age_group)
        .collect();
    // Adults have two partnerships: not thin. Every other group has fewer.
    assert!(!groups.contains(&AgeGroup::Adults));
    assert!(groups.contains(&AgeGroup::Toddlers));
    let teenagers = view
        .age_groups
        .iter()
        .find(|group| group.age_group == AgeGroup::Teenagers)
        .unwrap();
    assert_eq!(teenagers.active_partnerships, 1);
    // The school serves teenagers already; the club is the suggestion.
    let names: Vec<&str> = teenagers
        .organisations
        .iter()
        .map(|o| o.name.as_str())
        .collect();
    assert_eq!(names, ["Ungdomsklubben"]);
    assert_eq!(
        teenagers.organisations[0].explanation.da,
        "arbejder med teenagere (13-17)"
    );
    let children = view
        .age_groups
        .iter()
        .find(|group| group.age_group == AgeGroup::Children)
        .unwrap();
    assert_eq!(children.organisations[0].name, "Byens skole");
}

#[test]
fn assets_meet_what_a_partner_seeks_by_shared_stems() {
    let (union, hall, other) = (Uuid::new_v4(), Uuid::new_v4(), Uuid::new_v4());
    let state = given(&[
        workspace_created(),
        organisation_registered(union, "Fagbevægelsen"),
        asset_added(hall),
        DomainEvent::AssetAdded {
            asset_id: other,
            category: crate::domain::vocabulary::AssetCategory::DigitalResources,
            title: "E-books".into(),
            description: "Lending of e-books and audio books".into(),
            contact_staff_id: None,
        },
        DomainEvent::OrganisationSeeksRecorded {
            organisation_id: union,
            seeks: vec!["facilities for member meetings".into(), "visibility".into()],
            source: SeeksSource::Screening,
        },
    ]);
    let view = suggestions_view(&state);
    assert_eq!(view.partners.len(), 1);
    let partner = &view.partners[0];
    assert_eq!(partner.seeks.len(), 2);
    // "facilities" meets the hall's category; nothing meets the e-books.
    assert_eq!(partner.assets.len(), 1);
    assert_eq!(partner.assets[0].asset_id, hall);
    assert_eq!(partner.assets[0].meets, ["facilities for member meetings"]);
    assert_eq!(
        partner.assets[0].explanation.da,
        "Fagbevægelsen søger facilities for member meetings; biblioteket tilbyder The big hall"
    );
}

#[test]
fn words_meet_by_stem_not_by_common_words() {
    assert!(meets(
        "exhibition space",
        &["Rooms for debates and exhibitions"]
    ));
    assert!(meets("lokaler til møder", &["Lokale med scene"]));
    assert!(!meets(
        "with the library",
        &["Open with the library's card"]
    ));
    assert!(!meets("games", &["Gaming for young people"]));
}
