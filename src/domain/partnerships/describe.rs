//! The events of partnerships in words for the timeline, with names as they were just
//! before each event.

use crate::domain::describe::{organisation_name, other_area, partnership_title, with_reason};
use crate::domain::events::{DomainEvent, Party};
use crate::domain::state::WorkspaceState;
use crate::domain::vocabulary::SCREENING_QUESTIONS;

/// One of the area's events as a sentence, with names as they were just before it. The
/// top-level [`describe`](crate::domain::describe()) hands only the area's events here (by
/// [`DomainEvent::area`]).
pub(crate) fn describe(before: &WorkspaceState, event: &DomainEvent, actor: &str) -> String {
    match event {
        DomainEvent::PartnershipProposed { title, partner_ids, .. } => {
            let partners: Vec<String> = partner_ids
                .iter()
                .map(|id| organisation_name(before, id).to_string())
                .collect();
            if partners.is_empty() {
                format!("{actor} proposed the partnership \"{title}\"")
            } else {
                format!("{actor} proposed the partnership \"{title}\" with {}", partners.join(" and "))
            }
        }
        DomainEvent::PartnershipUpdated { partnership_id, .. } => {
            format!("{actor} updated {}", partnership_title(before, partnership_id))
        }
        DomainEvent::PartnershipPhaseChanged { partnership_id, from, to, note } => with_reason(
            format!(
                "{actor} moved {} from phase {} to {}",
                partnership_title(before, partnership_id),
                from.label(),
                to.label()
            ),
            note,
        ),
        DomainEvent::PartnershipScreened { partnership_id, score, max_score, decision, decision_note, .. } => {
            with_reason(
                format!(
                    "{actor} screened {} with the {} questions: {score} of {max_score} points, decision \"{decision}\"",
                    partnership_title(before, partnership_id),
                    SCREENING_QUESTIONS.len()
                ),
                decision_note,
            )
        }
        DomainEvent::AgreementAmended { partnership_id, version, changes, reason } => {
            let sections: Vec<&str> = changes.iter().map(|change| change.section.label()).collect();
            with_reason(
                format!(
                    "{actor} amended the agreement of {} to version {version} ({})",
                    partnership_title(before, partnership_id),
                    sections.join(", ")
                ),
                reason,
            )
        }
        DomainEvent::ResourcesCommitted { partnership_id, party, description, .. } => {
            let who = match party {
                Party::Library => "the library".to_owned(),
                Party::Organisation(id) => organisation_name(before, id).to_string(),
            };
            format!(
                "{actor} recorded that {who} commits {description} to {}",
                partnership_title(before, partnership_id)
            )
        }
        DomainEvent::PartnershipEvaluated { partnership_id, evaluated_on, decision, .. } => format!(
            "{actor} evaluated {} on {evaluated_on}: {decision}",
            partnership_title(before, partnership_id)
        ),
        DomainEvent::CommunicationPlanned { partnership_id, audience, sender, recipients, about, when, channel, .. } => format!(
            "{actor} planned {audience} communication for {}: {sender} informs {recipients} about {about}, {when}, by {channel}",
            partnership_title(before, partnership_id)
        ),
        DomainEvent::CommunicationSent { partnership_id, sent_on, channel, summary, .. } => format!(
            "{actor} recorded a {channel} message for {} on {sent_on}: {summary}",
            partnership_title(before, partnership_id)
        ),
        DomainEvent::ReadinessItemTicked { partnership_id, item, note } => with_reason(
            format!(
                "{actor} ticked \"{item}\" for {}",
                partnership_title(before, partnership_id)
            ),
            note,
        ),
        DomainEvent::ReadinessItemUnticked { partnership_id, item, reason } => with_reason(
            format!(
                "{actor} unticked \"{item}\" for {}",
                partnership_title(before, partnership_id)
            ),
            reason,
        ),
        DomainEvent::PartnershipEnded { partnership_id, reason, .. } => with_reason(
            format!("{actor} ended {}", partnership_title(before, partnership_id)),
            reason,
        ),
        _ => other_area(event, actor),
    }
}
