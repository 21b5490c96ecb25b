//! The events of the network in words for the timeline: what each sentence needs, recorded
//! with names as they were just before the event, and the sentence in Danish or English.

use uuid::Uuid;

use crate::domain::describe::{
    organisation_name, other_area, staff_name, EventName, Name, Sentence, Words,
};
use crate::domain::events::DomainEvent;
use crate::domain::state::{team_node_id, WorkspaceState};
use crate::domain::vocabulary::{Goal, Level, Room, Sector, SeeksSource};

/// The area's event types in words: the type, Danish, English.
pub(crate) const EVENT_NAMES: &[EventName] = &[
    (
        "FocusAreaDefined",
        "Fokusområde fastlagt",
        "Focus area defined",
    ),
    (
        "FocusAreaRemoved",
        "Fokusområde fjernet",
        "Focus area removed",
    ),
    (
        "StaffMemberAdded",
        "Medarbejder tilføjet",
        "Staff member added",
    ),
    (
        "StaffMemberUpdated",
        "Medarbejder ændret",
        "Staff member updated",
    ),
    (
        "StaffMemberLeft",
        "Medarbejder stoppet",
        "Staff member left",
    ),
    (
        "WantedCompetencesSet",
        "Ønskede kompetencer sat",
        "Wanted competences set",
    ),
    (
        "OrganisationRegistered",
        "Organisation registreret",
        "Organisation registered",
    ),
    (
        "OrganisationUpdated",
        "Organisation ændret",
        "Organisation updated",
    ),
    (
        "ContactHolderAssigned",
        "Kontaktholder tilknyttet",
        "Contact holder assigned",
    ),
    (
        "ContactHolderRemoved",
        "Kontaktholder fjernet",
        "Contact holder removed",
    ),
    (
        "ContactPersonAdded",
        "Kontaktperson tilføjet",
        "Contact person added",
    ),
    (
        "ContactPersonErased",
        "Kontaktperson glemt",
        "Contact person erased",
    ),
    (
        "ContactPersonRemoved",
        "Kontaktperson fjernet",
        "Contact person removed",
    ),
    (
        "RelationLevelChanged",
        "Flyttet i netværkscirklen",
        "Moved on the network circle",
    ),
    ("NodePlaced", "Placeret på kortet", "Placed on the map"),
    (
        "OrganisationSeeksRecorded",
        "Hvad partneren søger",
        "What the partner seeks",
    ),
];

/// The variants of `RelationLevelChanged`'s sentence.
const PLACED: u8 = 0;
const ENDED: u8 = 1;
const MOVED: u8 = 2;

/// The variants of `NodePlaced`'s sentence: whose node it is.
const NODE_NAMED: u8 = 0;
const NODE_LIBRARY: u8 = 1;
const NODE_TEAM: u8 = 2;
const NODE_UNKNOWN: u8 = 3;

/// What one of the area's events' sentence needs, with names as they were just before it.
/// The top-level [`describe`](crate::domain::describe()) hands only the area's events here
/// (by [`DomainEvent::area`]).
pub(crate) fn describe(before: &WorkspaceState, event: &DomainEvent) -> Sentence {
    match event {
        DomainEvent::FocusAreaDefined {
            name, goal, room, ..
        } => Sentence::build(0)
            .text(name)
            .vocabulary(*goal)
            .vocabulary(*room)
            .done(),
        DomainEvent::FocusAreaRemoved { focus_area_id } => Sentence::build(0)
            .text(
                before
                    .focus_areas
                    .get(focus_area_id)
                    .map(|area| area.name.as_str())
                    .unwrap_or_default(),
            )
            .done(),
        DomainEvent::StaffMemberAdded { name, team, .. } => {
            Sentence::build(0).text(name).text(team).done()
        }
        DomainEvent::StaffMemberUpdated {
            staff_id,
            team,
            competences,
        } => Sentence::build(0)
            .name(staff_name(before, staff_id))
            .text(team)
            .list(competences.iter().map(String::as_str))
            .done(),
        DomainEvent::StaffMemberLeft { staff_id, reason } => Sentence::build(0)
            .name(staff_name(before, staff_id))
            .text(reason)
            .done(),
        DomainEvent::WantedCompetencesSet { competences } => Sentence::build(0)
            .list(competences.iter().map(String::as_str))
            .done(),
        DomainEvent::OrganisationRegistered {
            name, sector, kind, ..
        } => Sentence::build(0)
            .text(name)
            .vocabulary(*sector)
            .text(kind)
            .done(),
        DomainEvent::OrganisationUpdated {
            organisation_id, ..
        } => Sentence::build(0)
            .name(organisation_name(before, organisation_id))
            .done(),
        DomainEvent::OrganisationSeeksRecorded {
            organisation_id,
            seeks,
            source,
        } => Sentence::build(u8::from(!seeks.is_empty()))
            .name(organisation_name(before, organisation_id))
            .vocabulary(*source)
            .list(seeks.iter().map(String::as_str))
            .done(),
        DomainEvent::ContactHolderAssigned {
            organisation_id,
            staff_id,
            topics,
        } => Sentence::build(0)
            .name(staff_name(before, staff_id))
            .name(organisation_name(before, organisation_id))
            .list(topics.iter().map(String::as_str))
            .done(),
        DomainEvent::ContactHolderRemoved {
            organisation_id,
            staff_id,
        } => Sentence::build(0)
            .name(staff_name(before, staff_id))
            .name(organisation_name(before, organisation_id))
            .done(),
        DomainEvent::ContactPersonAdded {
            organisation_id,
            role,
            ..
        } => Sentence::build(0)
            .name(organisation_name(before, organisation_id))
            .text(role)
            .done(),
        DomainEvent::ContactPersonErased {
            organisation_id,
            reason,
            ..
        } => Sentence::build(0)
            .name(organisation_name(before, organisation_id))
            .text(reason)
            .done(),
        DomainEvent::ContactPersonRemoved {
            organisation_id, ..
        } => Sentence::build(0)
            .name(organisation_name(before, organisation_id))
            .done(),
        DomainEvent::RelationLevelChanged {
            organisation_id,
            from,
            to,
            reason,
            occurred_on,
        } => {
            let variant = match (from, to) {
                (None, Some(_)) => PLACED,
                (Some(_), None) => ENDED,
                _ => MOVED,
            };
            let sentence = Sentence::build(variant)
                .name(organisation_name(before, organisation_id))
                .text(reason);
            let sentence = match occurred_on {
                Some(date) => sentence.shown(date),
                None => sentence.text(""),
            };
            level_word(level_word(sentence, from), to).done()
        }
        DomainEvent::NodePlaced { node_id, .. } => node(before, *node_id),
        _ => other_area(),
    }
}

/// A level, or an empty word for no relation.
fn level_word(
    sentence: crate::domain::describe::SentenceBuilder,
    level: &Option<Level>,
) -> crate::domain::describe::SentenceBuilder {
    match level {
        Some(level) => sentence.vocabulary(*level),
        None => sentence.text(""),
    }
}

/// A node of the map by its name: the library, an organisation, a colleague or a team.
fn node(before: &WorkspaceState, node_id: Uuid) -> Sentence {
    if node_id == before.workspace_id {
        return if before.name.trim().is_empty() {
            Sentence::build(NODE_LIBRARY).done()
        } else {
            Sentence::build(NODE_NAMED).text(&before.name).done()
        };
    }
    if before.organisations.contains_key(&node_id) {
        return Sentence::build(NODE_NAMED)
            .name(organisation_name(before, &node_id))
            .done();
    }
    if before.staff.contains_key(&node_id) {
        return Sentence::build(NODE_NAMED)
            .name(staff_name(before, &node_id))
            .done();
    }
    match before
        .staff
        .values()
        .find(|member| team_node_id(before.workspace_id, &member.team) == node_id)
    {
        Some(member) => Sentence::build(NODE_TEAM)
            .name(Name::Known(&member.team))
            .done(),
        None => Sentence::build(NODE_UNKNOWN).done(),
    }
}

/// The sentence of one of the area's event types (`None` for another area's).
pub(crate) fn say(event_type: &str, variant: u8, words: &Words, actor: &str) -> Option<String> {
    Some(match event_type {
        "FocusAreaDefined" => {
            let (name, goal, room) = (
                words.text(0),
                words.vocabulary::<Goal>(1),
                words.vocabulary::<Room>(2),
            );
            words.pick(
                || format!("{actor} defined the focus area \"{name}\" ({goal}, {room})"),
                || format!("{actor} fastlagde fokusområdet \"{name}\" ({goal}, {room})"),
            )
        }
        "FocusAreaRemoved" => words.pick(
            || format!("{actor} removed the focus area \"{}\"", words.text(0)),
            || format!("{actor} fjernede fokusområdet \"{}\"", words.text(0)),
        ),
        "StaffMemberAdded" => {
            let (name, team) = (words.text(0), words.text(1));
            words.pick(
                || format!("{actor} added {name} ({team}) to the staff"),
                || format!("{actor} tilføjede {name} ({team}) til medarbejderne"),
            )
        }
        "StaffMemberUpdated" => {
            let (name, team, competences) = (words.name(0), words.text(1), words.list(2));
            words.pick(
                || format!("{actor} updated {name}: team {team}, competences {competences}"),
                || format!("{actor} ændrede {name}: team {team}, kompetencer {competences}"),
            )
        }
        "StaffMemberLeft" => {
            let name = words.name(0);
            words.with_reason(
                words.pick(
                    || format!("{actor} recorded that {name} left"),
                    || format!("{actor} registrerede, at {name} er stoppet"),
                ),
                1,
            )
        }
        "WantedCompetencesSet" => {
            let competences = words.list(0);
            words.pick(
                || {
                    format!(
                        "{actor} set the competences the library would like to have: {competences}"
                    )
                },
                || {
                    format!(
                        "{actor} satte de kompetencer, biblioteket gerne vil have: {competences}"
                    )
                },
            )
        }
        "OrganisationRegistered" => {
            let (name, sector, kind) =
                (words.text(0), words.vocabulary::<Sector>(1), words.text(2));
            let what = if kind.is_empty() {
                sector.to_owned()
            } else {
                format!("{sector}, {kind}")
            };
            words.pick(
                || format!("{actor} registered {name} ({what}) in the network database"),
                || format!("{actor} registrerede {name} ({what}) i netværksdatabasen"),
            )
        }
        "OrganisationUpdated" => {
            let name = words.name(0);
            words.pick(
                || format!("{actor} updated {name}"),
                || format!("{actor} ændrede {name}"),
            )
        }
        "OrganisationSeeksRecorded" => {
            let (name, source, seeks) = (
                words.name(0),
                words.vocabulary::<SeeksSource>(1),
                words.list(2),
            );
            if variant == 0 {
                words.pick(
                    || format!("{actor} recorded that {name} seeks nothing from the library any more ({source})"),
                    || format!("{actor} registrerede, at {name} ikke længere søger noget hos biblioteket ({source})"),
                )
            } else {
                words.pick(
                    || format!("{actor} recorded what {name} seeks: {seeks} ({source})"),
                    || format!("{actor} registrerede, hvad {name} søger: {seeks} ({source})"),
                )
            }
        }
        "ContactHolderAssigned" => {
            let (staff, organisation, topics) = (words.name(0), words.name(1), words.list(2));
            let about = if topics.is_empty() {
                String::new()
            } else {
                words.pick(|| format!(" about {topics}"), || format!(" om {topics}"))
            };
            words.pick(
                || format!("{actor} recorded that {staff} knows {organisation}{about}"),
                || format!("{actor} registrerede, at {staff} kender {organisation}{about}"),
            )
        }
        "ContactHolderRemoved" => {
            let (staff, organisation) = (words.name(0), words.name(1));
            words.pick(
                || format!("{actor} recorded that {staff} no longer holds the contact with {organisation}"),
                || format!("{actor} registrerede, at {staff} ikke længere er kontaktholder for {organisation}"),
            )
        }
        "ContactPersonAdded" => {
            let (organisation, role) = (words.name(0), words.text(1));
            words.pick(
                || format!("{actor} added a contact person ({role}) at {organisation}"),
                || format!("{actor} tilføjede en kontaktperson ({role}) hos {organisation}"),
            )
        }
        "ContactPersonErased" => {
            let organisation = words.name(0);
            words.with_reason(
                words.pick(
                    || format!("{actor} erased a contact person's personal data at {organisation}"),
                    || {
                        format!(
                        "{actor} slettede en kontaktpersons personoplysninger hos {organisation}"
                    )
                    },
                ),
                1,
            )
        }
        "ContactPersonRemoved" => {
            let organisation = words.name(0);
            words.pick(
                || format!("{actor} removed a contact person at {organisation}"),
                || format!("{actor} fjernede en kontaktperson hos {organisation}"),
            )
        }
        "RelationLevelChanged" => {
            let name = words.name(0);
            let date = words.date(2);
            let when = match (date.is_empty(), words.language) {
                (true, _) => String::new(),
                (false, crate::domain::describe::Language::English) => format!(" (on {date})"),
                (false, crate::domain::describe::Language::Danish) => format!(" (den {date})"),
            };
            let level = |index| {
                if words.text(index).is_empty() {
                    words.pick(|| "no relation", || "ingen relation")
                } else {
                    words.vocabulary::<Level>(index)
                }
            };
            let (from, to) = (level(3), level(4));
            let sentence = match variant {
                PLACED => words.pick(
                    || format!("{actor} placed {name} at {to}{when}"),
                    || format!("{actor} placerede {name} på netværkscirklen som {to}{when}"),
                ),
                ENDED => words.pick(
                    || format!("{actor} ended the relation with {name}{when}"),
                    || format!("{actor} afsluttede relationen til {name}{when}"),
                ),
                _ => words.pick(
                    || format!("{actor} moved {name} from {from} to {to}{when}"),
                    || format!("{actor} flyttede {name} fra {from} til {to}{when}"),
                ),
            };
            words.with_reason(sentence, 1)
        }
        "NodePlaced" => {
            let name = match variant {
                NODE_NAMED => words.name(0),
                NODE_LIBRARY => words.pick(|| "the library", || "biblioteket").to_owned(),
                NODE_TEAM => words.pick(
                    || format!("the team {}", words.text(0)),
                    || format!("teamet {}", words.text(0)),
                ),
                _ => words.pick(|| "a node", || "et punkt").to_owned(),
            };
            words.pick(
                || format!("{actor} moved {name} on the network map"),
                || format!("{actor} flyttede {name} på netværkskortet"),
            )
        }
        _ => return None,
    })
}
