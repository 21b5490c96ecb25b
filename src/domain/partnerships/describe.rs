//! The events of partnerships in words for the timeline: what each sentence needs, recorded
//! with names as they were just before the event, and the sentence in Danish or English.

use crate::domain::describe::{
    organisation_name, other_area, partnership_title, EventName, Sentence, Words,
};
use crate::domain::events::{DomainEvent, Party};
use crate::domain::state::WorkspaceState;
use crate::domain::vocabulary::{
    AgreementSection, Audience, EvaluationDecision, Phase, ReadinessItem, ScreeningDecision,
    SCREENING_QUESTIONS,
};

/// The area's event types in words: the type, Danish, English.
pub(crate) const EVENT_NAMES: &[EventName] = &[
    (
        "PartnershipProposed",
        "Partnerskab foreslået",
        "Partnership proposed",
    ),
    (
        "PartnershipUpdated",
        "Partnerskab ændret",
        "Partnership updated",
    ),
    ("PartnershipPhaseChanged", "Ny fase", "Phase changed"),
    ("PartnershipScreened", "Screening", "Screened"),
    ("AgreementAmended", "Aftale ændret", "Agreement amended"),
    (
        "ResourcesCommitted",
        "Ressourcer afsat",
        "Resources committed",
    ),
    ("PartnershipEvaluated", "Evaluering", "Evaluated"),
    (
        "CommunicationPlanned",
        "Kommunikation planlagt",
        "Communication planned",
    ),
    (
        "CommunicationSent",
        "Kommunikation sendt",
        "Communication sent",
    ),
    (
        "ReadinessItemTicked",
        "Tjekliste: punkt klaret",
        "Readiness item ticked",
    ),
    (
        "ReadinessItemUnticked",
        "Tjekliste: punkt åbnet igen",
        "Readiness item unticked",
    ),
    (
        "PartnershipEnded",
        "Partnerskab afsluttet",
        "Partnership ended",
    ),
];

/// The variants of `ResourcesCommitted`'s sentence: who commits.
const BY_THE_LIBRARY: u8 = 0;

/// What one of the area's events' sentence needs, with names as they were just before it.
/// The top-level [`describe`](crate::domain::describe()) hands only the area's events here
/// (by [`DomainEvent::area`]).
pub(crate) fn describe(before: &WorkspaceState, event: &DomainEvent) -> Sentence {
    match event {
        DomainEvent::PartnershipProposed {
            title, partner_ids, ..
        } => Sentence::build(0)
            .text(title)
            .names(partner_ids.iter().map(|id| organisation_name(before, id)))
            .done(),
        DomainEvent::PartnershipUpdated { partnership_id, .. } => Sentence::build(0)
            .name(partnership_title(before, partnership_id))
            .done(),
        DomainEvent::PartnershipPhaseChanged {
            partnership_id,
            from,
            to,
            note,
        } => Sentence::build(0)
            .name(partnership_title(before, partnership_id))
            .vocabulary(*from)
            .vocabulary(*to)
            .text(note)
            .done(),
        DomainEvent::PartnershipScreened {
            partnership_id,
            score,
            max_score,
            decision,
            decision_note,
            ..
        } => Sentence::build(0)
            .name(partnership_title(before, partnership_id))
            .shown(score)
            .shown(max_score)
            .vocabulary(*decision)
            .text(decision_note)
            .done(),
        DomainEvent::AgreementAmended {
            partnership_id,
            version,
            changes,
            reason,
        } => Sentence::build(0)
            .name(partnership_title(before, partnership_id))
            .shown(version)
            .vocabulary_list(changes.iter().map(|change| change.section))
            .text(reason)
            .done(),
        DomainEvent::ResourcesCommitted {
            partnership_id,
            party,
            description,
            ..
        } => {
            let sentence = match party {
                Party::Library => Sentence::build(BY_THE_LIBRARY).text(""),
                Party::Organisation(id) => Sentence::build(1).name(organisation_name(before, id)),
            };
            sentence
                .name(partnership_title(before, partnership_id))
                .text(description)
                .done()
        }
        DomainEvent::PartnershipEvaluated {
            partnership_id,
            evaluated_on,
            decision,
            ..
        } => Sentence::build(0)
            .name(partnership_title(before, partnership_id))
            .shown(evaluated_on)
            .vocabulary(*decision)
            .done(),
        DomainEvent::CommunicationPlanned {
            partnership_id,
            audience,
            sender,
            recipients,
            about,
            when,
            channel,
            ..
        } => Sentence::build(0)
            .name(partnership_title(before, partnership_id))
            .vocabulary(*audience)
            .text(sender)
            .text(recipients)
            .text(about)
            .text(when)
            .text(channel)
            .done(),
        DomainEvent::CommunicationSent {
            partnership_id,
            sent_on,
            channel,
            summary,
            ..
        } => Sentence::build(0)
            .name(partnership_title(before, partnership_id))
            .shown(sent_on)
            .text(channel)
            .text(summary)
            .done(),
        DomainEvent::ReadinessItemTicked {
            partnership_id,
            item,
            note: reason,
        }
        | DomainEvent::ReadinessItemUnticked {
            partnership_id,
            item,
            reason,
        } => Sentence::build(0)
            .name(partnership_title(before, partnership_id))
            .vocabulary(*item)
            .text(reason)
            .done(),
        DomainEvent::PartnershipEnded {
            partnership_id,
            reason,
            ..
        } => Sentence::build(0)
            .name(partnership_title(before, partnership_id))
            .text(reason)
            .done(),
        _ => other_area(),
    }
}

/// The sentence of one of the area's event types (`None` for another area's).
pub(crate) fn say(event_type: &str, variant: u8, words: &Words, actor: &str) -> Option<String> {
    if event_type == "PartnershipProposed" {
        let (title, partners) = (words.text(0), words.names_and(1));
        return Some(if partners.is_empty() {
            words.pick(
                || format!("{actor} proposed the partnership \"{title}\""),
                || format!("{actor} foreslog partnerskabet \"{title}\""),
            )
        } else {
            words.pick(
                || format!("{actor} proposed the partnership \"{title}\" with {partners}"),
                || format!("{actor} foreslog partnerskabet \"{title}\" med {partners}"),
            )
        });
    }
    let partnership = words.title(0);
    Some(match event_type {
        "PartnershipUpdated" => words.pick(
            || format!("{actor} updated {partnership}"),
            || format!("{actor} ændrede {partnership}"),
        ),
        "PartnershipPhaseChanged" => {
            let (from, to) = (words.vocabulary::<Phase>(1), words.vocabulary::<Phase>(2));
            words.with_reason(
                words.pick(
                    || format!("{actor} moved {partnership} from phase {from} to {to}"),
                    || format!("{actor} flyttede {partnership} fra fase {from} til {to}"),
                ),
                3,
            )
        }
        "PartnershipScreened" => {
            let (score, max_score, decision) = (
                words.text(1),
                words.text(2),
                words.vocabulary::<ScreeningDecision>(3),
            );
            let questions = SCREENING_QUESTIONS.len();
            words.with_reason(
                words.pick(
                    || format!("{actor} screened {partnership} with the {questions} questions: {score} of {max_score} points, decision \"{decision}\""),
                    || format!("{actor} screenede {partnership} med de {questions} spørgsmål: {score} af {max_score} point, beslutning \"{decision}\""),
                ),
                4,
            )
        }
        "AgreementAmended" => {
            let (version, sections) = (words.text(1), words.vocabulary_list::<AgreementSection>(2));
            words.with_reason(
                words.pick(
                    || format!("{actor} amended the agreement of {partnership} to version {version} ({sections})"),
                    || format!("{actor} ændrede aftalen for {partnership} til version {version} ({sections})"),
                ),
                3,
            )
        }
        "ResourcesCommitted" => {
            let who = if variant == BY_THE_LIBRARY {
                words.pick(|| "the library", || "biblioteket").to_owned()
            } else {
                words.name(0)
            };
            let (partnership, description) = (words.title(1), words.text(2));
            words.pick(
                || format!("{actor} recorded that {who} commits {description} to {partnership}"),
                || {
                    format!(
                    "{actor} registrerede, at {who} bidrager med {description} til {partnership}"
                )
                },
            )
        }
        "PartnershipEvaluated" => {
            let (on, decision) = (words.date(1), words.vocabulary::<EvaluationDecision>(2));
            words.pick(
                || format!("{actor} evaluated {partnership} on {on}: {decision}"),
                || format!("{actor} evaluerede {partnership} den {on}: {decision}"),
            )
        }
        "CommunicationPlanned" => {
            let audience = words.vocabulary::<Audience>(1);
            let (sender, recipients, about, when, channel) = (
                words.text(2),
                words.text(3),
                words.text(4),
                words.text(5),
                words.text(6),
            );
            words.pick(
                || format!("{actor} planned {audience} communication for {partnership}: {sender} informs {recipients} about {about}, {when}, by {channel}"),
                || format!("{actor} planlagde {audience} kommunikation for {partnership}: {sender} informerer {recipients} om {about}, {when}, via {channel}"),
            )
        }
        "CommunicationSent" => {
            let (on, channel, summary) = (words.date(1), words.text(2), words.text(3));
            words.pick(
                || format!("{actor} recorded a {channel} message for {partnership} on {on}: {summary}"),
                || format!("{actor} registrerede en besked via {channel} for {partnership} den {on}: {summary}"),
            )
        }
        "ReadinessItemTicked" => {
            let item = words.vocabulary::<ReadinessItem>(1);
            words.with_reason(
                words.pick(
                    || format!("{actor} ticked \"{item}\" for {partnership}"),
                    || format!("{actor} satte flueben ved \"{item}\" for {partnership}"),
                ),
                2,
            )
        }
        "ReadinessItemUnticked" => {
            let item = words.vocabulary::<ReadinessItem>(1);
            words.with_reason(
                words.pick(
                    || format!("{actor} unticked \"{item}\" for {partnership}"),
                    || format!("{actor} fjernede fluebenet ved \"{item}\" for {partnership}"),
                ),
                2,
            )
        }
        "PartnershipEnded" => words.with_reason(
            words.pick(
                || format!("{actor} ended {partnership}"),
                || format!("{actor} afsluttede {partnership}"),
            ),
            1,
        ),
        _ => return None,
    })
}
