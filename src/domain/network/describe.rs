//! The events of the network in words for the timeline, with names as they were just
//! before each event.

use crate::domain::describe::{level_name, organisation_name, other_area, staff_name, with_reason};
use crate::domain::events::DomainEvent;
use crate::domain::state::{team_node_id, WorkspaceState};
use uuid::Uuid;

/// One of the area's events as a sentence, with names as they were just before it. The
/// top-level [`describe`](crate::domain::describe()) hands only the area's events here (by
/// [`DomainEvent::area`]).
pub(crate) fn describe(before: &WorkspaceState, event: &DomainEvent, actor: &str) -> String {
    match event {
        DomainEvent::FocusAreaDefined {
            name, goal, room, ..
        } => {
            format!("{actor} defined the focus area \"{name}\" ({goal}, {room})")
        }
        DomainEvent::FocusAreaRemoved { focus_area_id } => {
            let name = before
                .focus_areas
                .get(focus_area_id)
                .map(|area| area.name.clone())
                .unwrap_or_default();
            format!("{actor} removed the focus area \"{name}\"")
        }
        DomainEvent::StaffMemberAdded { name, team, .. } => {
            format!("{actor} added {name} ({team}) to the staff")
        }
        DomainEvent::StaffMemberUpdated {
            staff_id,
            team,
            competences,
        } => format!(
            "{actor} updated {}: team {team}, competences {}",
            staff_name(before, staff_id),
            competences.join(", ")
        ),
        DomainEvent::StaffMemberLeft { staff_id, reason } => with_reason(
            format!(
                "{actor} recorded that {} left",
                staff_name(before, staff_id)
            ),
            reason,
        ),
        DomainEvent::WantedCompetencesSet { competences } => format!(
            "{actor} set the competences the library would like to have: {}",
            competences.join(", ")
        ),
        DomainEvent::OrganisationRegistered {
            name, sector, kind, ..
        } => {
            format!("{actor} registered {name} ({sector}, {kind}) in the network database")
        }
        DomainEvent::OrganisationUpdated {
            organisation_id, ..
        } => {
            format!(
                "{actor} updated {}",
                organisation_name(before, organisation_id)
            )
        }
        DomainEvent::OrganisationSeeksRecorded {
            organisation_id,
            seeks,
            source,
        } => {
            let organisation = organisation_name(before, organisation_id);
            if seeks.is_empty() {
                format!("{actor} recorded that {organisation} seeks nothing from the library any more ({source})")
            } else {
                format!(
                    "{actor} recorded what {organisation} seeks: {} ({source})",
                    seeks.join(", ")
                )
            }
        }
        DomainEvent::ContactHolderAssigned {
            organisation_id,
            staff_id,
            topics,
        } => {
            let about = if topics.is_empty() {
                String::new()
            } else {
                format!(" about {}", topics.join(", "))
            };
            format!(
                "{actor} recorded that {} knows {}{about}",
                staff_name(before, staff_id),
                organisation_name(before, organisation_id)
            )
        }
        DomainEvent::ContactHolderRemoved {
            organisation_id,
            staff_id,
        } => format!(
            "{actor} recorded that {} no longer holds the contact with {}",
            staff_name(before, staff_id),
            organisation_name(before, organisation_id)
        ),
        DomainEvent::ContactPersonAdded {
            organisation_id,
            role,
            ..
        } => format!(
            "{actor} added a contact person ({role}) at {}",
            organisation_name(before, organisation_id)
        ),
        DomainEvent::ContactPersonErased {
            organisation_id,
            reason,
            ..
        } => with_reason(
            format!(
                "{actor} erased a contact person's personal data at {}",
                organisation_name(before, organisation_id)
            ),
            reason,
        ),
        DomainEvent::ContactPersonRemoved {
            organisation_id, ..
        } => format!(
            "{actor} removed a contact person at {}",
            organisation_name(before, organisation_id)
        ),
        DomainEvent::RelationLevelChanged {
            organisation_id,
            from,
            to,
            reason,
            occurred_on,
        } => {
            let name = organisation_name(before, organisation_id);
            let when = occurred_on
                .map(|date| format!(" (on {date})"))
                .unwrap_or_default();
            let sentence = match (from, to) {
                (None, Some(level)) => format!("{actor} placed {name} at {}{when}", level.label()),
                (Some(_), None) => format!("{actor} ended the relation with {name}{when}"),
                _ => format!(
                    "{actor} moved {name} from {} to {}{when}",
                    level_name(from),
                    level_name(to)
                ),
            };
            with_reason(sentence, reason)
        }
        DomainEvent::NodePlaced { node_id, .. } => {
            format!(
                "{actor} moved {} on the network map",
                node_name(before, *node_id)
            )
        }
        _ => other_area(event, actor),
    }
}

/// A node of the map by its name: the library, an organisation, a colleague or a team.
fn node_name(before: &WorkspaceState, node_id: Uuid) -> String {
    if node_id == before.workspace_id {
        return if before.name.trim().is_empty() {
            "the library".to_owned()
        } else {
            before.name.clone()
        };
    }
    if before.organisations.contains_key(&node_id) {
        return organisation_name(before, &node_id).to_string();
    }
    if before.staff.contains_key(&node_id) {
        return staff_name(before, &node_id).to_string();
    }
    before
        .staff
        .values()
        .find(|member| team_node_id(before.workspace_id, &member.team) == node_id)
        .map(|member| format!("the team {}", member.team))
        .unwrap_or_else(|| "a node".to_owned())
}
