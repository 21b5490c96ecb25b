//! The rules of partnerships: each of its commands, decided against the workspace's state.

use uuid::Uuid;

use crate::domain::area::Area;
use crate::domain::commands::Command;
use crate::domain::decide::{
    absent, active_staff, invalid, misrouted, optional, organisation, present, required,
    NAME_LIMIT, TEXT_LIMIT,
};
use crate::domain::error::{DomainError, SectionConflict};
use crate::domain::events::{DomainEvent, Party, SectionChange};
use crate::domain::state::{Partnership, WorkspaceState};
use crate::domain::vocabulary::{
    Answer, EvaluationDecision, Phase, ScreeningDecision, SCREENING_QUESTIONS,
};

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
            let agreement = &partnership.agreement;
            let actual = agreement.version;
            let stale = |conflicts| DomainError::StaleAgreement {
                partnership_id: *partnership_id,
                expected: *expected_version,
                actual,
                conflicts,
            };
            if *expected_version > actual {
                return Err(stale(Vec::new()));
            }
            let mut changes = Vec::new();
            for (section, text) in sections {
                let after = match text {
                    Some(text) => Some(required("sections", text, TEXT_LIMIT)?),
                    None => None,
                };
                let before = partnership.agreement.sections.get(section).cloned();
                if before != after {
                    changes.push(SectionChange {
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
            // Concurrent editing is per section: only a section changed since the version the
            // caller read, and changed here too, is a conflict.
            let conflicts: Vec<SectionConflict> = changes
                .iter()
                .filter_map(|change| {
                    let changed_in = *agreement.section_versions.get(&change.section)?;
                    (changed_in > *expected_version).then(|| SectionConflict {
                        section: change.section,
                        current: change.before.clone(),
                        yours: change.after.clone(),
                        changed_in,
                    })
                })
                .collect();
            if !conflicts.is_empty() {
                return Err(stale(conflicts));
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
            if let Party::Organisation(organisation_id) = party {
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
                criterion.target = optional("criteria", &criterion.target, NAME_LIMIT)?;
                criterion.note = optional("criteria", &criterion.note, TEXT_LIMIT)?;
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
        _ => Err(misrouted(Area::Partnerships)),
    }
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

fn check_form(form: &crate::domain::vocabulary::PartnershipForm) -> Result<(), DomainError> {
    if let crate::domain::vocabulary::PartnershipForm::Activity { starts_on, ends_on } = form {
        if ends_on < starts_on {
            return Err(invalid("form", "an activity cannot end before it starts"));
        }
    }
    Ok(())
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
