//! The rules: [`decide`] turns a command into events, or refuses it with a [`DomainError`].
//!
//! Pure and synchronous: the state, the command, who asks and the time in; events or an
//! error out. Nothing here reads a clock, a store or a network, so every rule is tested
//! given/when/then right below.

use chrono::{DateTime, Duration, Utc};
use uuid::Uuid;

use super::commands::{Command, PromoteTo};
use super::error::DomainError;
use super::events::DomainEvent;
use super::state::{Board, Note, Organisation, Partnership, WorkspaceState};
use super::vocabulary::{
    Answer, BoardPhase, EvaluationDecision, Phase, ScreeningDecision, SCREENING_QUESTIONS,
};

/// Longest name or title.
const NAME_LIMIT: usize = 200;
/// Longest free text (purpose, narrative, agreement section).
const TEXT_LIMIT: usize = 20_000;
/// Longest note on a board.
const NOTE_LIMIT: usize = 1_000;
/// Dots per participant when the board does not say.
const DEFAULT_VOTE_BUDGET: u32 = 3;
/// Default note colour.
const DEFAULT_COLOUR: &str = "#ffd54f";

/// Who asks and when: the parts of deciding that come from outside the command.
#[derive(Clone, Debug)]
pub struct Request<'a> {
    /// Who asks (an account name).
    pub actor: &'a str,
    /// The time of the request.
    pub now: DateTime<Utc>,
}

/// Decides a command against the workspace's current state.
///
/// # Errors
/// The [`DomainError`] naming the rule the command breaks.
pub fn decide(
    state: &WorkspaceState,
    command: &Command,
    request: &Request<'_>,
) -> Result<Vec<DomainEvent>, DomainError> {
    if let Command::CreateWorkspace { name, description } = command {
        if state.created {
            return Err(DomainError::WorkspaceAlreadyCreated);
        }
        return Ok(vec![DomainEvent::WorkspaceCreated {
            name: required("name", name, NAME_LIMIT)?,
            description: optional("description", description, TEXT_LIMIT)?,
        }]);
    }
    if !state.created {
        return Err(DomainError::WorkspaceNotCreated);
    }
    match command {
        Command::CreateWorkspace { .. } => Err(DomainError::WorkspaceAlreadyCreated),
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
            Ok(vec![DomainEvent::ContactPersonAdded {
                organisation_id: *organisation_id,
                person_id: *person_id,
                role: optional("role", role, NAME_LIMIT)?,
                personal: super::events::PersonalField::Clear(personal),
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
        Command::ProposePartnership {
            partnership_id,
            title,
            partner_ids,
            purpose,
            form,
            goals,
            rooms,
            age_groups,
            owner_id,
        } => {
            absent(
                state.partnerships.contains_key(partnership_id),
                "partnership",
                *partnership_id,
            )?;
            for partner in partner_ids {
                organisation(state, *partner)?;
            }
            if let Some(owner) = owner_id {
                active_staff(state, *owner)?;
            }
            check_form(form)?;
            Ok(vec![DomainEvent::PartnershipProposed {
                partnership_id: *partnership_id,
                title: required("title", title, NAME_LIMIT)?,
                partner_ids: partner_ids.clone(),
                purpose: optional("purpose", purpose, TEXT_LIMIT)?,
                form: form.clone(),
                goals: goals.clone(),
                rooms: rooms.clone(),
                age_groups: age_groups.clone(),
                owner_id: *owner_id,
                priority: 0,
                tags: Vec::new(),
            }])
        }
        Command::UpdatePartnership {
            partnership_id,
            title,
            partner_ids,
            purpose,
            form,
            goals,
            rooms,
            age_groups,
            owner_id,
        } => {
            open_partnership(state, *partnership_id)?;
            for partner in partner_ids.iter().flatten() {
                organisation(state, *partner)?;
            }
            if let Some(owner) = owner_id {
                active_staff(state, *owner)?;
            }
            if let Some(form) = form {
                check_form(form)?;
            }
            if title.is_none()
                && partner_ids.is_none()
                && purpose.is_none()
                && form.is_none()
                && goals.is_none()
                && rooms.is_none()
                && age_groups.is_none()
                && owner_id.is_none()
            {
                return Err(DomainError::NothingChanged {
                    what: "the update names no field".into(),
                });
            }
            Ok(vec![DomainEvent::PartnershipUpdated {
                partnership_id: *partnership_id,
                title: title
                    .as_ref()
                    .map(|title| required("title", title, NAME_LIMIT))
                    .transpose()?,
                partner_ids: partner_ids.clone(),
                purpose: purpose
                    .as_ref()
                    .map(|purpose| optional("purpose", purpose, TEXT_LIMIT))
                    .transpose()?,
                form: form.clone(),
                goals: goals.clone(),
                rooms: rooms.clone(),
                age_groups: age_groups.clone(),
                owner_id: *owner_id,
            }])
        }
        Command::MovePartnershipPhase {
            partnership_id,
            to,
            note,
        } => {
            let partnership = open_partnership(state, *partnership_id)?;
            let from = partnership.phase;
            if !from.may_move_to(*to) {
                return Err(DomainError::IllegalPhaseJump { from, to: *to });
            }
            if to.number() > from.number() {
                phase_requirements(partnership, *to)?;
            }
            Ok(vec![DomainEvent::PartnershipPhaseChanged {
                partnership_id: *partnership_id,
                from,
                to: *to,
                note: optional("note", note, TEXT_LIMIT)?,
            }])
        }
        Command::ScreenPartnership {
            partnership_id,
            answers,
            decision,
            decision_note,
        } => {
            open_partnership(state, *partnership_id)?;
            let mut seen = [false; SCREENING_QUESTIONS.len()];
            for answer in answers {
                let index = usize::from(answer.question).wrapping_sub(1);
                match seen.get_mut(index) {
                    Some(slot) if !*slot => *slot = true,
                    Some(_) => {
                        return Err(invalid(
                            "answers",
                            format!("question {} is answered twice", answer.question),
                        ))
                    }
                    None => {
                        return Err(invalid(
                            "answers",
                            format!(
                                "there is no question {}; they are numbered 1 to 14",
                                answer.question
                            ),
                        ))
                    }
                }
                if answer.note.chars().count() > TEXT_LIMIT {
                    return Err(invalid("answers", "a note is too long"));
                }
            }
            let missing: Vec<u8> = (1..=SCREENING_QUESTIONS.len() as u8)
                .filter(|question| !seen[usize::from(*question) - 1])
                .collect();
            if !missing.is_empty() {
                return Err(DomainError::ScreeningIncomplete { missing });
            }
            let mut answers = answers.clone();
            answers.sort_by_key(|answer| answer.question);
            let score = answers.iter().map(|answer| answer.answer.points()).sum();
            Ok(vec![DomainEvent::PartnershipScreened {
                partnership_id: *partnership_id,
                answers,
                score,
                max_score: SCREENING_QUESTIONS.len() as u32 * Answer::Yes.points(),
                decision: *decision,
                decision_note: optional("decision_note", decision_note, TEXT_LIMIT)?,
            }])
        }
        Command::AmendAgreement {
            partnership_id,
            expected_version,
            sections,
            reason,
        } => {
            let partnership = open_partnership(state, *partnership_id)?;
            let actual = partnership.agreement.version;
            if *expected_version != actual {
                return Err(DomainError::StaleAgreement {
                    partnership_id: *partnership_id,
                    expected: *expected_version,
                    actual,
                });
            }
            let mut changes = Vec::new();
            for (section, text) in sections {
                let after = match text {
                    Some(text) => Some(required("sections", text, TEXT_LIMIT)?),
                    None => None,
                };
                let before = partnership.agreement.sections.get(section).cloned();
                if before != after {
                    changes.push(super::events::SectionChange {
                        section: *section,
                        before,
                        after,
                    });
                }
            }
            if changes.is_empty() {
                return Err(DomainError::NothingChanged {
                    what: "every section already reads like that".into(),
                });
            }
            Ok(vec![DomainEvent::AgreementAmended {
                partnership_id: *partnership_id,
                version: actual + 1,
                changes,
                reason: optional("reason", reason, TEXT_LIMIT)?,
            }])
        }
        Command::CommitResources {
            partnership_id,
            commitment_id,
            party,
            description,
            hours,
            amount_dkk,
        } => {
            let partnership = open_partnership(state, *partnership_id)?;
            if partnership
                .resources
                .iter()
                .any(|resource| resource.commitment_id == *commitment_id)
            {
                return Err(DomainError::AlreadyExists {
                    kind: "resource commitment",
                    id: *commitment_id,
                });
            }
            if let super::events::Party::Organisation(organisation_id) = party {
                if !partnership.partner_ids.contains(organisation_id) {
                    return Err(invalid(
                        "party",
                        format!(
                            "organisation {organisation_id} is not a partner of this partnership"
                        ),
                    ));
                }
            }
            Ok(vec![DomainEvent::ResourcesCommitted {
                partnership_id: *partnership_id,
                commitment_id: *commitment_id,
                party: *party,
                description: required("description", description, TEXT_LIMIT)?,
                hours: *hours,
                amount_dkk: *amount_dkk,
            }])
        }
        Command::EvaluatePartnership {
            partnership_id,
            evaluation_id,
            evaluated_on,
            criteria,
            narrative,
            decision,
            next_evaluation_due,
        } => {
            let partnership = open_partnership(state, *partnership_id)?;
            if partnership
                .evaluations
                .iter()
                .any(|evaluation| evaluation.evaluation_id == *evaluation_id)
            {
                return Err(DomainError::AlreadyExists {
                    kind: "evaluation",
                    id: *evaluation_id,
                });
            }
            if criteria.is_empty() {
                return Err(invalid(
                    "criteria",
                    "an evaluation scores at least one measurable success criterion",
                ));
            }
            let mut checked = Vec::with_capacity(criteria.len());
            for criterion in criteria {
                if !(1..=5).contains(&criterion.score) {
                    return Err(invalid(
                        "criteria",
                        format!(
                            "score {} of \"{}\" is not 1 to 5",
                            criterion.score, criterion.criterion
                        ),
                    ));
                }
                let mut criterion = criterion.clone();
                criterion.criterion = required("criteria", &criterion.criterion, NAME_LIMIT)?;
                checked.push(criterion);
            }
            match (decision, next_evaluation_due) {
                (EvaluationDecision::End, Some(_)) => {
                    return Err(invalid(
                        "next_evaluation_due",
                        "a partnership that ends needs no next evaluation",
                    ))
                }
                (_, Some(due)) if due <= evaluated_on => {
                    return Err(invalid(
                        "next_evaluation_due",
                        "the next evaluation must come after this one",
                    ))
                }
                _ => {}
            }
            Ok(vec![DomainEvent::PartnershipEvaluated {
                partnership_id: *partnership_id,
                evaluation_id: *evaluation_id,
                evaluated_on: *evaluated_on,
                criteria: checked,
                narrative: required("narrative", narrative, TEXT_LIMIT)?,
                decision: *decision,
                next_evaluation_due: *next_evaluation_due,
            }])
        }
        Command::PlanCommunication {
            partnership_id,
            item_id,
            audience,
            sender,
            recipients,
            about,
            when,
            channel,
        } => {
            let partnership = open_partnership(state, *partnership_id)?;
            absent(
                partnership.communication_plan.contains_key(item_id),
                "communication plan item",
                *item_id,
            )?;
            Ok(vec![DomainEvent::CommunicationPlanned {
                partnership_id: *partnership_id,
                item_id: *item_id,
                audience: *audience,
                sender: required("sender", sender, NAME_LIMIT)?,
                recipients: required("recipients", recipients, NAME_LIMIT)?,
                about: required("about", about, TEXT_LIMIT)?,
                when: required("when", when, NAME_LIMIT)?,
                channel: required("channel", channel, NAME_LIMIT)?,
            }])
        }
        Command::RecordCommunicationSent {
            partnership_id,
            item_id,
            sent_on,
            channel,
            summary,
        } => {
            let partnership = open_partnership(state, *partnership_id)?;
            if let Some(item_id) = item_id {
                present(
                    partnership.communication_plan.contains_key(item_id),
                    "communication plan item",
                    *item_id,
                )?;
            }
            Ok(vec![DomainEvent::CommunicationSent {
                partnership_id: *partnership_id,
                item_id: *item_id,
                sent_on: *sent_on,
                channel: required("channel", channel, NAME_LIMIT)?,
                summary: required("summary", summary, TEXT_LIMIT)?,
            }])
        }
        Command::TickReadinessItem {
            partnership_id,
            item,
            note,
        } => {
            let partnership = open_partnership(state, *partnership_id)?;
            if let Some(tick) = partnership.readiness.get(item) {
                return Err(DomainError::NothingChanged {
                    what: format!(
                        "\"{item}\" was ticked by {} at {}",
                        tick.actor,
                        tick.recorded_at.to_rfc3339()
                    ),
                });
            }
            Ok(vec![DomainEvent::ReadinessItemTicked {
                partnership_id: *partnership_id,
                item: *item,
                note: optional("note", note, TEXT_LIMIT)?,
            }])
        }
        Command::UntickReadinessItem {
            partnership_id,
            item,
            reason,
        } => {
            let partnership = open_partnership(state, *partnership_id)?;
            if !partnership.readiness.contains_key(item) {
                return Err(DomainError::NothingChanged {
                    what: format!("\"{item}\" is not ticked"),
                });
            }
            Ok(vec![DomainEvent::ReadinessItemUnticked {
                partnership_id: *partnership_id,
                item: *item,
                reason: optional("reason", reason, TEXT_LIMIT)?,
            }])
        }
        Command::EndPartnership {
            partnership_id,
            reason,
            ended_on,
        } => {
            let partnership = open_partnership(state, *partnership_id)?;
            Ok(vec![DomainEvent::PartnershipEnded {
                partnership_id: *partnership_id,
                from: partnership.phase,
                reason: required("reason", reason, TEXT_LIMIT)?,
                ended_on: *ended_on,
            }])
        }
        Command::AddAsset {
            asset_id,
            category,
            title,
            description,
            contact_staff_id,
        } => {
            absent(state.assets.contains_key(asset_id), "asset", *asset_id)?;
            if let Some(staff_id) = contact_staff_id {
                active_staff(state, *staff_id)?;
            }
            Ok(vec![DomainEvent::AssetAdded {
                asset_id: *asset_id,
                category: *category,
                title: required("title", title, NAME_LIMIT)?,
                description: optional("description", description, TEXT_LIMIT)?,
                contact_staff_id: *contact_staff_id,
            }])
        }
        Command::UpdateAsset {
            asset_id,
            category,
            title,
            description,
        } => {
            present(state.assets.contains_key(asset_id), "asset", *asset_id)?;
            Ok(vec![DomainEvent::AssetUpdated {
                asset_id: *asset_id,
                category: *category,
                title: required("title", title, NAME_LIMIT)?,
                description: optional("description", description, TEXT_LIMIT)?,
            }])
        }
        Command::RemoveAsset { asset_id, reason } => {
            present(state.assets.contains_key(asset_id), "asset", *asset_id)?;
            Ok(vec![DomainEvent::AssetRemoved {
                asset_id: *asset_id,
                reason: optional("reason", reason, TEXT_LIMIT)?,
            }])
        }
        Command::CreateBoard {
            board_id,
            title,
            template,
            vote_budget,
        } => {
            absent(state.boards.contains_key(board_id), "board", *board_id)?;
            let vote_budget = vote_budget.unwrap_or(DEFAULT_VOTE_BUDGET);
            if !(1..=50).contains(&vote_budget) {
                return Err(invalid("vote_budget", "give each participant 1 to 50 dots"));
            }
            Ok(vec![DomainEvent::BoardCreated {
                board_id: *board_id,
                title: required("title", title, NAME_LIMIT)?,
                template: *template,
                vote_budget,
            }])
        }
        Command::AdvanceBoardPhase {
            board_id,
            to,
            anonymous,
        } => {
            let board = facilitated_board(state, *board_id, request)?;
            if board.phase.next() != Some(*to) {
                return Err(DomainError::IllegalBoardPhaseJump {
                    from: board.phase,
                    to: *to,
                });
            }
            let anonymous =
                anonymous.unwrap_or(matches!(to, BoardPhase::Writing | BoardPhase::Voting));
            Ok(vec![DomainEvent::BoardPhaseChanged {
                board_id: *board_id,
                from: board.phase,
                to: *to,
                anonymous,
            }])
        }
        Command::LockBoard { board_id } => {
            let board = facilitated_board(state, *board_id, request)?;
            if board.locked {
                return Err(DomainError::NothingChanged {
                    what: "the board is locked already".into(),
                });
            }
            Ok(vec![DomainEvent::BoardLocked {
                board_id: *board_id,
            }])
        }
        Command::UnlockBoard { board_id } => {
            let board = facilitated_board(state, *board_id, request)?;
            if !board.locked {
                return Err(DomainError::NothingChanged {
                    what: "the board is not locked".into(),
                });
            }
            Ok(vec![DomainEvent::BoardUnlocked {
                board_id: *board_id,
            }])
        }
        Command::StartBoardTimer { board_id, seconds } => {
            facilitated_board(state, *board_id, request)?;
            if !(1..=4 * 3600).contains(seconds) {
                return Err(invalid("seconds", "a timer runs 1 second to 4 hours"));
            }
            Ok(vec![DomainEvent::BoardTimerStarted {
                board_id: *board_id,
                seconds: *seconds,
                ends_at: request.now + Duration::seconds(i64::from(*seconds)),
            }])
        }
        Command::StopBoardTimer { board_id } => {
            let board = facilitated_board(state, *board_id, request)?;
            if board.timer_ends_at.is_none() {
                return Err(DomainError::NothingChanged {
                    what: "no timer is running".into(),
                });
            }
            Ok(vec![DomainEvent::BoardTimerStopped {
                board_id: *board_id,
            }])
        }
        Command::AddNote {
            board_id,
            note_id,
            text,
            zone,
            x,
            y,
            colour,
        } => {
            let board = open_board(state, *board_id)?;
            // A closed board is refused by `open_board` already.
            if board.phase == BoardPhase::Voting {
                return Err(DomainError::WrongBoardPhase {
                    action: "add notes",
                    phase: board.phase,
                });
            }
            absent(board.notes.contains_key(note_id), "note", *note_id)?;
            zone.check_against(board.template)
                .map_err(|reason| invalid("zone", reason))?;
            Ok(vec![DomainEvent::NoteAdded {
                board_id: *board_id,
                note_id: *note_id,
                text: required("text", text, NOTE_LIMIT)?,
                zone: zone.clone(),
                x: *x,
                y: *y,
                colour: colour_field(colour)?,
            }])
        }
        Command::EditNote {
            board_id,
            note_id,
            text,
        } => {
            let board = open_board(state, *board_id)?;
            let note = note(board, *note_id)?;
            if note.author != request.actor && board.facilitator != request.actor {
                return Err(DomainError::NotAuthor);
            }
            Ok(vec![DomainEvent::NoteEdited {
                board_id: *board_id,
                note_id: *note_id,
                text: required("text", text, NOTE_LIMIT)?,
            }])
        }
        Command::MoveNote {
            board_id,
            note_id,
            zone,
            x,
            y,
        } => {
            let board = open_board(state, *board_id)?;
            note(board, *note_id)?;
            zone.check_against(board.template)
                .map_err(|reason| invalid("zone", reason))?;
            Ok(vec![DomainEvent::NoteMoved {
                board_id: *board_id,
                note_id: *note_id,
                zone: zone.clone(),
                x: *x,
                y: *y,
            }])
        }
        Command::GroupNotes {
            board_id,
            group_id,
            label,
            note_ids,
        } => {
            let board = open_board(state, *board_id)?;
            if !matches!(board.phase, BoardPhase::Grouping | BoardPhase::Discussion) {
                return Err(DomainError::WrongBoardPhase {
                    action: "group notes",
                    phase: board.phase,
                });
            }
            absent(board.groups.contains_key(group_id), "group", *group_id)?;
            if note_ids.is_empty() {
                return Err(invalid("note_ids", "a group holds at least one note"));
            }
            for note_id in note_ids {
                note(board, *note_id)?;
            }
            Ok(vec![DomainEvent::NotesGrouped {
                board_id: *board_id,
                group_id: *group_id,
                label: required("label", label, NAME_LIMIT)?,
                note_ids: note_ids.clone(),
            }])
        }
        Command::CastVote { board_id, note_id } => {
            let board = voting_board(state, *board_id)?;
            note(board, *note_id)?;
            if board.votes_by(request.actor) >= board.vote_budget {
                return Err(DomainError::VoteBudgetSpent {
                    budget: board.vote_budget,
                });
            }
            Ok(vec![DomainEvent::VoteCast {
                board_id: *board_id,
                note_id: *note_id,
            }])
        }
        Command::RetractVote { board_id, note_id } => {
            let board = voting_board(state, *board_id)?;
            let note = note(board, *note_id)?;
            if !note.votes.contains_key(request.actor) {
                return Err(DomainError::NothingChanged {
                    what: "you have no dot on this note".into(),
                });
            }
            Ok(vec![DomainEvent::VoteRetracted {
                board_id: *board_id,
                note_id: *note_id,
            }])
        }
        Command::PromoteNote {
            board_id,
            note_id,
            to,
        } => promote(state, *board_id, *note_id, to),
    }
}

fn promote(
    state: &WorkspaceState,
    board_id: Uuid,
    note_id: Uuid,
    to: &PromoteTo,
) -> Result<Vec<DomainEvent>, DomainError> {
    let board = board(state, board_id)?;
    let note = note(board, note_id)?;
    if !matches!(board.phase, BoardPhase::Discussion | BoardPhase::Closed) {
        return Err(DomainError::WrongBoardPhase {
            action: "promote notes (discuss the results first)",
            phase: board.phase,
        });
    }
    if note.promoted_to.is_some() {
        return Err(DomainError::AlreadyPromoted { note_id });
    }
    let tags = note.zone.tags();
    let priority = note.vote_count();
    let zone = &note.zone;
    let mut events = Vec::new();
    let promotion = match to {
        PromoteTo::Organisation {
            organisation_id,
            name,
            sector,
            kind,
        } => {
            absent(
                state.organisations.contains_key(organisation_id),
                "organisation",
                *organisation_id,
            )?;
            let name = required("name", name.as_deref().unwrap_or(&note.text), NAME_LIMIT)?;
            events.push(DomainEvent::OrganisationRegistered {
                organisation_id: *organisation_id,
                name,
                sector: *sector,
                kind: optional("kind", kind, NAME_LIMIT)?,
                tags: tags.clone(),
                topics: Vec::new(),
                website: None,
                age_groups: zone.age_group.into_iter().collect(),
                rooms: zone.room.into_iter().collect(),
            });
            if let Some(level) = zone.level {
                events.push(DomainEvent::RelationLevelChanged {
                    organisation_id: *organisation_id,
                    from: None,
                    to: Some(level),
                    reason: format!("mapped on the workshop board \"{}\"", board.title),
                    occurred_on: None,
                });
            }
            super::events::Promotion::Organisation(*organisation_id)
        }
        PromoteTo::PartnershipIdea {
            partnership_id,
            title,
        } => {
            absent(
                state.partnerships.contains_key(partnership_id),
                "partnership",
                *partnership_id,
            )?;
            events.push(DomainEvent::PartnershipProposed {
                partnership_id: *partnership_id,
                title: required("title", title.as_deref().unwrap_or(&note.text), NAME_LIMIT)?,
                partner_ids: Vec::new(),
                purpose: note.text.clone(),
                form: super::vocabulary::PartnershipForm::Frame,
                goals: zone.goal.into_iter().collect(),
                rooms: zone.room.into_iter().collect(),
                age_groups: zone.age_group.into_iter().collect(),
                owner_id: None,
                priority,
                tags: tags.clone(),
            });
            super::events::Promotion::Partnership(*partnership_id)
        }
    };
    events.push(DomainEvent::NotePromoted {
        board_id,
        note_id,
        to: promotion,
        tags,
        priority,
    });
    Ok(events)
}

/// What a partnership must have before it moves forward into `to`.
fn phase_requirements(partnership: &Partnership, to: Phase) -> Result<(), DomainError> {
    let missing = match to {
        Phase::Decision if partnership.screening.is_none() => {
            Some("screen it with the fourteen questions first".to_owned())
        }
        Phase::GoalsAndRoles => match &partnership.screening {
            Some(screening) if screening.decision == ScreeningDecision::Go => None,
            Some(screening) => Some(format!(
                "the screening decided \"{}\"; only a \"go\" leads on",
                screening.decision
            )),
            None => Some("screen it and decide \"go\" first".to_owned()),
        },
        Phase::Planning if partnership.agreement.version == 0 => {
            Some("write the agreement first".to_owned())
        }
        Phase::Adjustment if partnership.evaluations.is_empty() => {
            Some("record an evaluation first".to_owned())
        }
        _ => None,
    };
    match missing {
        Some(missing) => Err(DomainError::PhaseRequirement { to, missing }),
        None => Ok(()),
    }
}

fn invalid(field: &'static str, reason: impl Into<String>) -> DomainError {
    DomainError::InvalidField {
        field,
        reason: reason.into(),
    }
}

/// A required text: trimmed, not empty, at most `limit` characters, no control characters
/// other than line breaks and tabs.
fn required(field: &'static str, value: &str, limit: usize) -> Result<String, DomainError> {
    let text = optional(field, value, limit)?;
    if text.is_empty() {
        return Err(invalid(field, "must not be empty"));
    }
    Ok(text)
}

/// An optional text: trimmed, at most `limit` characters.
fn optional(field: &'static str, value: &str, limit: usize) -> Result<String, DomainError> {
    let text = value.trim();
    let length = text.chars().count();
    if length > limit {
        return Err(invalid(
            field,
            format!("is {length} characters long; at most {limit} fit"),
        ));
    }
    if text
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\t' && c != '\r')
    {
        return Err(invalid(field, "contains control characters"));
    }
    Ok(text.to_owned())
}

/// A list of short words (tags, topics, competences): each trimmed and non-empty.
fn words(field: &'static str, values: &[String]) -> Result<Vec<String>, DomainError> {
    if values.len() > 100 {
        return Err(invalid(field, "at most 100 entries fit"));
    }
    values
        .iter()
        .map(|value| required(field, value, NAME_LIMIT))
        .collect()
}

fn website_field(website: &Option<String>) -> Result<Option<String>, DomainError> {
    match website {
        None => Ok(None),
        Some(url) => {
            let url = required("website", url, NAME_LIMIT)?;
            if !(url.starts_with("https://") || url.starts_with("http://")) {
                return Err(invalid("website", "must start with https:// or http://"));
            }
            Ok(Some(url))
        }
    }
}

fn colour_field(colour: &Option<String>) -> Result<String, DomainError> {
    match colour {
        None => Ok(DEFAULT_COLOUR.to_owned()),
        Some(colour) => {
            let valid = colour.len() == 7
                && colour.starts_with('#')
                && colour.chars().skip(1).all(|c| c.is_ascii_hexdigit());
            if valid {
                Ok(colour.to_ascii_lowercase())
            } else {
                Err(invalid("colour", "must look like #ffd54f"))
            }
        }
    }
}

fn check_form(form: &super::vocabulary::PartnershipForm) -> Result<(), DomainError> {
    if let super::vocabulary::PartnershipForm::Activity { starts_on, ends_on } = form {
        if ends_on < starts_on {
            return Err(invalid("form", "an activity cannot end before it starts"));
        }
    }
    Ok(())
}

fn absent(exists: bool, kind: &'static str, id: Uuid) -> Result<(), DomainError> {
    if exists {
        Err(DomainError::AlreadyExists { kind, id })
    } else {
        Ok(())
    }
}

fn present(exists: bool, kind: &'static str, id: Uuid) -> Result<(), DomainError> {
    if exists {
        Ok(())
    } else {
        Err(DomainError::Unknown { kind, id })
    }
}

fn organisation(state: &WorkspaceState, id: Uuid) -> Result<&Organisation, DomainError> {
    state
        .organisations
        .get(&id)
        .map(|organisation| &**organisation)
        .ok_or(DomainError::Unknown {
            kind: "organisation",
            id,
        })
}

fn active_staff(state: &WorkspaceState, id: Uuid) -> Result<(), DomainError> {
    match state.staff.get(&id) {
        None => Err(DomainError::Unknown {
            kind: "staff member",
            id,
        }),
        Some(member) if member.left => Err(DomainError::StaffMemberLeft { staff_id: id }),
        Some(_) => Ok(()),
    }
}

fn open_partnership(state: &WorkspaceState, id: Uuid) -> Result<&Partnership, DomainError> {
    let partnership = state.partnerships.get(&id).ok_or(DomainError::Unknown {
        kind: "partnership",
        id,
    })?;
    if partnership.ending.is_some() {
        return Err(DomainError::PartnershipEnded { partnership_id: id });
    }
    Ok(partnership)
}

fn board(state: &WorkspaceState, id: Uuid) -> Result<&Board, DomainError> {
    state
        .boards
        .get(&id)
        .map(|board| &**board)
        .ok_or(DomainError::Unknown { kind: "board", id })
}

/// A board that accepts changes to its notes: unlocked and not closed.
fn open_board(state: &WorkspaceState, id: Uuid) -> Result<&Board, DomainError> {
    let board = board(state, id)?;
    if board.locked {
        return Err(DomainError::BoardLocked { board_id: id });
    }
    if board.phase == BoardPhase::Closed {
        return Err(DomainError::WrongBoardPhase {
            action: "change notes",
            phase: board.phase,
        });
    }
    Ok(board)
}

fn voting_board(state: &WorkspaceState, id: Uuid) -> Result<&Board, DomainError> {
    let board = open_board(state, id)?;
    if board.phase != BoardPhase::Voting {
        return Err(DomainError::WrongBoardPhase {
            action: "vote",
            phase: board.phase,
        });
    }
    Ok(board)
}

fn facilitated_board<'a>(
    state: &'a WorkspaceState,
    id: Uuid,
    request: &Request<'_>,
) -> Result<&'a Board, DomainError> {
    let board = board(state, id)?;
    if board.facilitator != request.actor {
        return Err(DomainError::NotFacilitator {
            facilitator: board.facilitator.clone(),
        });
    }
    Ok(board)
}

fn note(board: &Board, id: Uuid) -> Result<&Note, DomainError> {
    board
        .notes
        .get(&id)
        .map(|note| &**note)
        .ok_or(DomainError::Unknown { kind: "note", id })
}
