//! How the events of partnerships fold into the workspace's state: pure and total, like
//! [`WorkspaceState::apply`](crate::domain::WorkspaceState::apply) that calls it.

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::domain::events::DomainEvent;
use crate::domain::state::{
    entity_mut, set, AgreementVersion, ChunkedLog, CommunicationItem, Ending, Evaluation,
    EventContext, Partnership, ResourceCommitment, Screening, SentCommunication, Tick,
    WorkspaceState,
};
use crate::domain::vocabulary::Phase;

/// Folds one of the area's events into the state. [`WorkspaceState::apply`] hands only the
/// area's events here (by [`DomainEvent::area`]); any other changes nothing.
pub(crate) fn apply(state: &mut WorkspaceState, event: &DomainEvent, context: &EventContext) {
    let at = context.recorded_at;
    match event {
        DomainEvent::PartnershipProposed {
            partnership_id,
            title,
            partner_ids,
            purpose,
            form,
            goals,
            rooms,
            age_groups,
            owner_id,
            priority,
            tags,
        } => {
            state.partnerships.insert(
                *partnership_id,
                Arc::new(Partnership {
                    title: title.clone(),
                    partner_ids: partner_ids.clone(),
                    purpose: purpose.clone(),
                    form: form.clone(),
                    goals: goals.clone(),
                    rooms: rooms.clone(),
                    age_groups: age_groups.clone(),
                    owner_id: *owner_id,
                    phase: Phase::Idea,
                    priority: *priority,
                    tags: tags.clone(),
                    screening: None,
                    earlier_screenings: Vec::new(),
                    agreement: Arc::default(),
                    resources: ChunkedLog::default(),
                    evaluations: ChunkedLog::default(),
                    communication_plan: BTreeMap::new(),
                    communications_sent: ChunkedLog::default(),
                    readiness: BTreeMap::new(),
                    ending: None,
                    proposed_at: at,
                }),
            );
        }
        DomainEvent::PartnershipUpdated {
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
            if let Some(partnership) = entity_mut(&mut state.partnerships, partnership_id) {
                set(&mut partnership.title, title);
                set(&mut partnership.partner_ids, partner_ids);
                set(&mut partnership.purpose, purpose);
                set(&mut partnership.form, form);
                set(&mut partnership.goals, goals);
                set(&mut partnership.rooms, rooms);
                set(&mut partnership.age_groups, age_groups);
                if owner_id.is_some() {
                    partnership.owner_id = *owner_id;
                }
            }
        }
        DomainEvent::PartnershipPhaseChanged {
            partnership_id, to, ..
        } => {
            if let Some(partnership) = entity_mut(&mut state.partnerships, partnership_id) {
                partnership.phase = *to;
            }
        }
        DomainEvent::PartnershipScreened {
            partnership_id,
            answers,
            score,
            max_score,
            decision,
            decision_note,
        } => {
            if let Some(partnership) = entity_mut(&mut state.partnerships, partnership_id) {
                let latest = Arc::new(Screening {
                    answers: answers.clone(),
                    score: *score,
                    max_score: *max_score,
                    decision: *decision,
                    decision_note: decision_note.clone(),
                    actor: context.actor.clone(),
                    recorded_at: at,
                });
                if let Some(earlier) = partnership.screening.replace(latest) {
                    partnership.earlier_screenings.push(earlier);
                }
            }
        }
        DomainEvent::AgreementAmended {
            partnership_id,
            version,
            changes,
            reason,
        } => {
            if let Some(partnership) = entity_mut(&mut state.partnerships, partnership_id) {
                let agreement = Arc::make_mut(&mut partnership.agreement);
                agreement.version = *version;
                agreement.amended_at = Some(at);
                agreement.versions.push(AgreementVersion {
                    version: *version,
                    changes: changes.clone(),
                    reason: reason.clone(),
                    actor: context.actor.clone(),
                    amended_at: at,
                });
                for change in changes {
                    agreement.section_versions.insert(change.section, *version);
                    match &change.after {
                        Some(text) => {
                            agreement.sections.insert(change.section, text.clone());
                        }
                        None => {
                            agreement.sections.remove(&change.section);
                        }
                    }
                }
            }
        }
        DomainEvent::ResourcesCommitted {
            partnership_id,
            commitment_id,
            party,
            description,
            hours,
            amount_dkk,
        } => {
            if let Some(partnership) = entity_mut(&mut state.partnerships, partnership_id) {
                partnership.resources.push(ResourceCommitment {
                    commitment_id: *commitment_id,
                    party: *party,
                    description: description.clone(),
                    hours: *hours,
                    amount_dkk: *amount_dkk,
                });
            }
        }
        DomainEvent::PartnershipEvaluated {
            partnership_id,
            evaluation_id,
            evaluated_on,
            criteria,
            narrative,
            decision,
            next_evaluation_due,
        } => {
            if let Some(partnership) = entity_mut(&mut state.partnerships, partnership_id) {
                partnership.evaluations.push(Arc::new(Evaluation {
                    evaluation_id: *evaluation_id,
                    evaluated_on: *evaluated_on,
                    criteria: criteria.clone(),
                    narrative: narrative.clone(),
                    decision: *decision,
                    next_evaluation_due: *next_evaluation_due,
                }));
            }
        }
        DomainEvent::CommunicationPlanned {
            partnership_id,
            item_id,
            audience,
            sender,
            recipients,
            about,
            when,
            channel,
        } => {
            if let Some(partnership) = entity_mut(&mut state.partnerships, partnership_id) {
                partnership.communication_plan.insert(
                    *item_id,
                    Arc::new(CommunicationItem {
                        audience: *audience,
                        sender: sender.clone(),
                        recipients: recipients.clone(),
                        about: about.clone(),
                        when: when.clone(),
                        channel: channel.clone(),
                    }),
                );
            }
        }
        DomainEvent::CommunicationSent {
            partnership_id,
            item_id,
            sent_on,
            channel,
            summary,
        } => {
            if let Some(partnership) = entity_mut(&mut state.partnerships, partnership_id) {
                partnership
                    .communications_sent
                    .push(Arc::new(SentCommunication {
                        item_id: *item_id,
                        sent_on: *sent_on,
                        channel: channel.clone(),
                        summary: summary.clone(),
                        actor: context.actor.clone(),
                    }));
            }
        }
        DomainEvent::ReadinessItemTicked {
            partnership_id,
            item,
            note,
        } => {
            if let Some(partnership) = entity_mut(&mut state.partnerships, partnership_id) {
                partnership.readiness.insert(
                    *item,
                    Arc::new(Tick {
                        actor: context.actor.clone(),
                        recorded_at: at,
                        note: note.clone(),
                    }),
                );
            }
        }
        DomainEvent::ReadinessItemUnticked {
            partnership_id,
            item,
            ..
        } => {
            if let Some(partnership) = entity_mut(&mut state.partnerships, partnership_id) {
                partnership.readiness.remove(item);
            }
        }
        DomainEvent::PartnershipEnded {
            partnership_id,
            reason,
            ended_on,
            ..
        } => {
            if let Some(partnership) = entity_mut(&mut state.partnerships, partnership_id) {
                partnership.phase = Phase::Ended;
                partnership.ending = Some(Ending {
                    reason: reason.clone(),
                    recorded_at: at,
                    ended_on: *ended_on,
                });
            }
        }
        _ => {}
    }
}
