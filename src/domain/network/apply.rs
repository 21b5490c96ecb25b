//! How the events of the network fold into the workspace's state: pure and total, like
//! [`WorkspaceState::apply`](crate::domain::WorkspaceState::apply) that calls it.

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::domain::events::DomainEvent;
use crate::domain::state::{
    entity_mut, set, ChunkedLog, ContactHolder, ContactPerson, EventContext, FocusArea,
    LevelChange, LevelMove, MapPlace, Organisation, StaffMember, WorkspaceState,
};

/// Folds one of the area's events into the state. [`WorkspaceState::apply`] hands only the
/// area's events here (by [`DomainEvent::area`]); any other changes nothing.
pub(crate) fn apply(state: &mut WorkspaceState, event: &DomainEvent, context: &EventContext) {
    let at = context.recorded_at;
    match event {
        DomainEvent::FocusAreaDefined {
            focus_area_id,
            name,
            goal,
            room,
            description,
        } => {
            state.focus_areas.insert(
                *focus_area_id,
                FocusArea {
                    name: name.clone(),
                    goal: *goal,
                    room: *room,
                    description: description.clone(),
                },
            );
        }
        DomainEvent::FocusAreaRemoved { focus_area_id } => {
            state.focus_areas.remove(focus_area_id);
        }
        DomainEvent::StaffMemberAdded {
            staff_id,
            name,
            team,
            competences,
        } => {
            state.staff.insert(
                *staff_id,
                StaffMember {
                    name: name.clone(),
                    team: team.clone(),
                    competences: competences.clone(),
                    left: false,
                },
            );
        }
        DomainEvent::StaffMemberUpdated {
            staff_id,
            team,
            competences,
        } => {
            if let Some(member) = state.staff.get_mut(staff_id) {
                member.team = team.clone();
                member.competences = competences.clone();
            }
        }
        DomainEvent::StaffMemberLeft { staff_id, .. } => {
            if let Some(member) = state.staff.get_mut(staff_id) {
                member.left = true;
            }
            for organisation in state.organisations.values_mut() {
                if organisation.contact_holders.contains_key(staff_id) {
                    Arc::make_mut(organisation).contact_holders.remove(staff_id);
                }
            }
        }
        DomainEvent::WantedCompetencesSet { competences } => {
            state.wanted_competences = competences.clone();
        }
        DomainEvent::OrganisationRegistered {
            organisation_id,
            name,
            sector,
            kind,
            tags,
            topics,
            website,
            age_groups,
            rooms,
        } => {
            state.organisations.insert(
                *organisation_id,
                Arc::new(Organisation {
                    name: name.clone(),
                    sector: *sector,
                    kind: kind.clone(),
                    tags: tags.clone(),
                    topics: topics.clone(),
                    website: website.clone(),
                    age_groups: age_groups.clone(),
                    rooms: rooms.clone(),
                    seeks: Vec::new(),
                    level: None,
                    level_history: ChunkedLog::default(),
                    contact_holders: BTreeMap::new(),
                    contact_persons: BTreeMap::new(),
                    priority: 0,
                    registered_at: at,
                }),
            );
        }
        DomainEvent::OrganisationUpdated {
            organisation_id,
            name,
            sector,
            kind,
            tags,
            topics,
            website,
            age_groups,
            rooms,
        } => {
            if let Some(organisation) = entity_mut(&mut state.organisations, organisation_id) {
                set(&mut organisation.name, name);
                set(&mut organisation.sector, sector);
                set(&mut organisation.kind, kind);
                set(&mut organisation.tags, tags);
                set(&mut organisation.topics, topics);
                if website.is_some() {
                    organisation.website = website.clone();
                }
                set(&mut organisation.age_groups, age_groups);
                set(&mut organisation.rooms, rooms);
            }
        }
        DomainEvent::OrganisationSeeksRecorded {
            organisation_id,
            seeks,
            ..
        } => {
            if let Some(organisation) = entity_mut(&mut state.organisations, organisation_id) {
                organisation.seeks = seeks.clone();
            }
        }
        DomainEvent::ContactHolderAssigned {
            organisation_id,
            staff_id,
            topics,
        } => {
            if let Some(organisation) = entity_mut(&mut state.organisations, organisation_id) {
                organisation.contact_holders.insert(
                    *staff_id,
                    Arc::new(ContactHolder {
                        topics: topics.clone(),
                        since: at,
                    }),
                );
            }
        }
        DomainEvent::ContactHolderRemoved {
            organisation_id,
            staff_id,
        } => {
            if let Some(organisation) = entity_mut(&mut state.organisations, organisation_id) {
                organisation.contact_holders.remove(staff_id);
            }
        }
        DomainEvent::ContactPersonAdded {
            organisation_id,
            person_id,
            role,
            personal,
        } => {
            if let Some(organisation) = entity_mut(&mut state.organisations, organisation_id) {
                organisation.contact_persons.insert(
                    *person_id,
                    Arc::new(ContactPerson {
                        role: role.clone(),
                        personal: personal.clone(),
                        erased: false,
                    }),
                );
            }
        }
        DomainEvent::ContactPersonErased {
            organisation_id,
            person_id,
            ..
        } => {
            if let Some(person) = entity_mut(&mut state.organisations, organisation_id)
                .and_then(|organisation| entity_mut(&mut organisation.contact_persons, person_id))
            {
                person.erased = true;
            }
        }
        DomainEvent::ContactPersonRemoved {
            organisation_id,
            person_id,
        } => {
            if let Some(organisation) = entity_mut(&mut state.organisations, organisation_id) {
                organisation.contact_persons.remove(person_id);
            }
        }
        DomainEvent::RelationLevelChanged {
            organisation_id,
            from,
            to,
            reason,
            occurred_on,
        } => {
            if let Some(organisation) = entity_mut(&mut state.organisations, organisation_id) {
                let previous = organisation.level;
                organisation.level = *to;
                let change = Arc::new(LevelChange {
                    from: *from,
                    to: *to,
                    reason: reason.clone(),
                    actor: context.actor.clone(),
                    recorded_at: at,
                    occurred_on: *occurred_on,
                    position: context.position,
                });
                organisation.level_history.push(change);
                state.level_moves.push(LevelMove {
                    organisation_id: *organisation_id,
                    position: context.position,
                    recorded_at: at,
                    occurred_on: *occurred_on,
                    previous,
                    from: *from,
                    to: *to,
                });
            }
        }
        DomainEvent::NodePlaced { node_id, x, y } => {
            state.map_places.insert(*node_id, MapPlace { x: *x, y: *y });
        }
        _ => {}
    }
}
