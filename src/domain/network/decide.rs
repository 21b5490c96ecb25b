//! The rules of the network: each of its commands, decided against the workspace's state.

use crate::domain::area::Area;
use crate::domain::commands::Command;
use crate::domain::decide::{
    absent, active_staff, invalid, misrouted, optional, organisation, present, required,
    website_field, words, NAME_LIMIT, TEXT_LIMIT,
};
use crate::domain::error::DomainError;
use crate::domain::events::{DomainEvent, PersonalField};
use crate::domain::state::{team_node_id, MapPlace, WorkspaceState, MAP_EXTENT};
use uuid::Uuid;

/// Decides one of the area's commands against the workspace's state. The top-level
/// [`decide`](crate::domain::decide()) hands only the area's commands here (by
/// [`Command::area`]).
///
/// # Errors
/// The [`DomainError`] naming the rule the command breaks; a command of another area is
/// refused as [`misrouted`].
pub(crate) fn decide(
    state: &WorkspaceState,
    command: &Command,
) -> Result<Vec<DomainEvent>, DomainError> {
    match command {
        Command::DefineFocusArea {
            focus_area_id,
            name,
            goal,
            room,
            description,
        } => {
            absent(
                state.focus_areas.contains_key(focus_area_id),
                "focus area",
                *focus_area_id,
            )?;
            Ok(vec![DomainEvent::FocusAreaDefined {
                focus_area_id: *focus_area_id,
                name: required("name", name, NAME_LIMIT)?,
                goal: *goal,
                room: *room,
                description: optional("description", description, TEXT_LIMIT)?,
            }])
        }
        Command::RemoveFocusArea { focus_area_id } => {
            present(
                state.focus_areas.contains_key(focus_area_id),
                "focus area",
                *focus_area_id,
            )?;
            Ok(vec![DomainEvent::FocusAreaRemoved {
                focus_area_id: *focus_area_id,
            }])
        }
        Command::AddStaffMember {
            staff_id,
            name,
            team,
            competences,
        } => {
            absent(
                state.staff.contains_key(staff_id),
                "staff member",
                *staff_id,
            )?;
            Ok(vec![DomainEvent::StaffMemberAdded {
                staff_id: *staff_id,
                name: required("name", name, NAME_LIMIT)?,
                team: optional("team", team, NAME_LIMIT)?,
                competences: words("competences", competences)?,
            }])
        }
        Command::UpdateStaffMember {
            staff_id,
            team,
            competences,
        } => {
            active_staff(state, *staff_id)?;
            Ok(vec![DomainEvent::StaffMemberUpdated {
                staff_id: *staff_id,
                team: optional("team", team, NAME_LIMIT)?,
                competences: words("competences", competences)?,
            }])
        }
        Command::RecordStaffDeparture { staff_id, reason } => {
            active_staff(state, *staff_id)?;
            Ok(vec![DomainEvent::StaffMemberLeft {
                staff_id: *staff_id,
                reason: optional("reason", reason, TEXT_LIMIT)?,
            }])
        }
        Command::SetWantedCompetences { competences } => {
            let competences = words("competences", competences)?;
            if competences == state.wanted_competences {
                return Err(DomainError::NothingChanged {
                    what: "the list of wanted competences reads like that already".into(),
                });
            }
            Ok(vec![DomainEvent::WantedCompetencesSet { competences }])
        }
        Command::RegisterOrganisation {
            organisation_id,
            name,
            sector,
            kind,
            tags,
            topics,
            website,
            age_groups,
            rooms,
            level,
            reason,
        } => {
            absent(
                state.organisations.contains_key(organisation_id),
                "organisation",
                *organisation_id,
            )?;
            let mut events = vec![DomainEvent::OrganisationRegistered {
                organisation_id: *organisation_id,
                name: required("name", name, NAME_LIMIT)?,
                sector: *sector,
                kind: optional("kind", kind, NAME_LIMIT)?,
                tags: words("tags", tags)?,
                topics: words("topics", topics)?,
                website: website_field(website)?,
                age_groups: age_groups.clone(),
                rooms: rooms.clone(),
            }];
            if let Some(level) = level {
                events.push(DomainEvent::RelationLevelChanged {
                    organisation_id: *organisation_id,
                    from: None,
                    to: Some(*level),
                    reason: optional("reason", reason, TEXT_LIMIT)?,
                    occurred_on: None,
                });
            }
            Ok(events)
        }
        Command::UpdateOrganisation {
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
            organisation(state, *organisation_id)?;
            let event = DomainEvent::OrganisationUpdated {
                organisation_id: *organisation_id,
                name: name
                    .as_ref()
                    .map(|name| required("name", name, NAME_LIMIT))
                    .transpose()?,
                sector: *sector,
                kind: kind
                    .as_ref()
                    .map(|kind| optional("kind", kind, NAME_LIMIT))
                    .transpose()?,
                tags: tags.as_ref().map(|tags| words("tags", tags)).transpose()?,
                topics: topics
                    .as_ref()
                    .map(|topics| words("topics", topics))
                    .transpose()?,
                website: website_field(website)?,
                age_groups: age_groups.clone(),
                rooms: rooms.clone(),
            };
            if let DomainEvent::OrganisationUpdated {
                name: None,
                sector: None,
                kind: None,
                tags: None,
                topics: None,
                website: None,
                age_groups: None,
                rooms: None,
                ..
            } = event
            {
                return Err(DomainError::NothingChanged {
                    what: "the update names no field".into(),
                });
            }
            Ok(vec![event])
        }
        Command::RecordOrganisationSeeks {
            organisation_id,
            seeks,
            source,
        } => {
            let found = organisation(state, *organisation_id)?;
            let seeks = words("seeks", seeks)?;
            if seeks == found.seeks {
                return Err(DomainError::NothingChanged {
                    what: format!("what {} seeks reads like that already", found.name),
                });
            }
            Ok(vec![DomainEvent::OrganisationSeeksRecorded {
                organisation_id: *organisation_id,
                seeks,
                source: *source,
            }])
        }
        Command::AssignContactHolder {
            organisation_id,
            staff_id,
            topics,
        } => {
            organisation(state, *organisation_id)?;
            active_staff(state, *staff_id)?;
            Ok(vec![DomainEvent::ContactHolderAssigned {
                organisation_id: *organisation_id,
                staff_id: *staff_id,
                topics: words("topics", topics)?,
            }])
        }
        Command::RemoveContactHolder {
            organisation_id,
            staff_id,
        } => {
            let found = organisation(state, *organisation_id)?;
            present(
                found.contact_holders.contains_key(staff_id),
                "contact holder",
                *staff_id,
            )?;
            Ok(vec![DomainEvent::ContactHolderRemoved {
                organisation_id: *organisation_id,
                staff_id: *staff_id,
            }])
        }
        Command::AddContactPerson {
            organisation_id,
            person_id,
            role,
            personal,
        } => {
            let found = organisation(state, *organisation_id)?;
            absent(
                found.contact_persons.contains_key(person_id),
                "contact person",
                *person_id,
            )?;
            let mut personal = personal.clone();
            personal.name = required("personal.name", &personal.name, NAME_LIMIT)?;
            if let Some(email) = &personal.email {
                if !email.contains('@') || email.trim() != email || email.len() > NAME_LIMIT {
                    return Err(invalid("personal.email", "is not an email address"));
                }
            }
            if let Some(phone) = &personal.phone {
                personal.phone = Some(optional("personal.phone", phone, NAME_LIMIT)?);
            }
            Ok(vec![DomainEvent::ContactPersonAdded {
                organisation_id: *organisation_id,
                person_id: *person_id,
                role: optional("role", role, NAME_LIMIT)?,
                personal: PersonalField::Clear(personal),
            }])
        }
        Command::EraseContactPerson {
            organisation_id,
            person_id,
            reason,
        } => {
            let found = organisation(state, *organisation_id)?;
            match found.contact_persons.get(person_id) {
                None => Err(DomainError::Unknown {
                    kind: "contact person",
                    id: *person_id,
                }),
                Some(person) if person.erased => Err(DomainError::NothingChanged {
                    what: "this person's data was erased already".into(),
                }),
                Some(_) => Ok(vec![DomainEvent::ContactPersonErased {
                    organisation_id: *organisation_id,
                    person_id: *person_id,
                    reason: optional("reason", reason, TEXT_LIMIT)?,
                }]),
            }
        }
        Command::RemoveContactPerson {
            organisation_id,
            person_id,
        } => {
            let found = organisation(state, *organisation_id)?;
            present(
                found.contact_persons.contains_key(person_id),
                "contact person",
                *person_id,
            )?;
            Ok(vec![DomainEvent::ContactPersonRemoved {
                organisation_id: *organisation_id,
                person_id: *person_id,
            }])
        }
        Command::ChangeRelationLevel {
            organisation_id,
            to,
            reason,
            occurred_on,
        } => {
            let found = organisation(state, *organisation_id)?;
            if found.level == *to {
                return Err(DomainError::NothingChanged {
                    what: match to {
                        Some(level) => format!("{} is already at level {level}", found.name),
                        None => format!("{} has no relation to end", found.name),
                    },
                });
            }
            Ok(vec![DomainEvent::RelationLevelChanged {
                organisation_id: *organisation_id,
                from: found.level,
                to: *to,
                reason: required("reason", reason, TEXT_LIMIT)?,
                occurred_on: *occurred_on,
            }])
        }
        Command::PlaceNode { node_id, x, y } => {
            if !is_map_node(state, *node_id) {
                return Err(DomainError::Unknown {
                    kind: "node of the network map",
                    id: *node_id,
                });
            }
            let x = map_coordinate("x", *x)?;
            let y = map_coordinate("y", *y)?;
            if state.map_places.get(node_id) == Some(&MapPlace { x, y }) {
                return Err(DomainError::NothingChanged {
                    what: format!("the node is at ({x}, {y}) already"),
                });
            }
            Ok(vec![DomainEvent::NodePlaced {
                node_id: *node_id,
                x,
                y,
            }])
        }
        Command::ImportOrganisations { rows } => super::import::decide_import(state, rows),
        _ => Err(misrouted(Area::Network)),
    }
}

/// Whether the network map has a node with this id now: the library (the workspace id), an
/// organisation, a colleague who has not left, or the team of one.
fn is_map_node(state: &WorkspaceState, node_id: Uuid) -> bool {
    node_id == state.workspace_id
        || state.organisations.contains_key(&node_id)
        || state.staff.get(&node_id).is_some_and(|member| !member.left)
        || state.staff.values().any(|member| {
            !member.left
                && !member.team.trim().is_empty()
                && team_node_id(state.workspace_id, &member.team) == node_id
        })
}

/// A coordinate within the map's extent.
fn map_coordinate(field: &'static str, value: i32) -> Result<i32, DomainError> {
    if (-MAP_EXTENT..=MAP_EXTENT).contains(&value) {
        Ok(value)
    } else {
        Err(invalid(
            field,
            format!("a place on the map is at most {MAP_EXTENT} map units from the centre on each axis, not {value}"),
        ))
    }
}
