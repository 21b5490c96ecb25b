//! Roskilde's partnerships: the festival area through the whole method (screening, an
//! amended agreement, resources, a communication plan, the readiness checklist, two
//! evaluations), the Rockmuseum screened and in the agreement phase, and IT teaching with
//! the unions, ended.

use std::collections::BTreeMap;

use super::{JENS, MADS, SOFIE};
use crate::demo::{all_answers, date, demo_id, Script};
use crate::domain::events::{CriterionScore, Party};
use crate::domain::vocabulary::{
    AgeGroup, AgreementSection, Answer, Audience, EvaluationDecision, Goal, PartnershipForm, Phase,
    ReadinessItem, Room, ScreeningDecision,
};
use crate::domain::Command;

use Answer::{Partly, Unknown, Yes};

/// The festival agreement's first text, section by section.
const FESTIVAL_AGREEMENT: [(AgreementSection, &str); 8] = [
    (
        AgreementSection::Purpose,
        "Et roligt biblioteksområde på festivalen: musik, bøger og samtaler.",
    ),
    (
        AgreementSection::Expectations,
        "Festivalen stiller området til rådighed; biblioteket driver det.",
    ),
    (
        AgreementSection::Roles,
        "Mads Kruse (biblioteket) og festivalens programkoordinator.",
    ),
    (
        AgreementSection::Results,
        "3.000 besøg i området; 20 samtaler.",
    ),
    (
        AgreementSection::Resources,
        "Biblioteket: 3 dage med 8 medarbejdere. Festivalen: område, strøm, billetter.",
    ),
    (AgreementSection::Duration, "Årligt; gennemgås hver august."),
    (
        AgreementSection::Communication,
        "Festivalens app og program; bibliotekets hjemmeside og nyhedsbrev.",
    ),
    (
        AgreementSection::Exit,
        "Hver part kan afslutte det inden 1. december for det næste år.",
    ),
];

/// The festival's communication plan: item key, audience, sender, recipients, about, when,
/// channel.
const FESTIVAL_COMMUNICATION: [(&str, Audience, &str, &str, &str, &str, &str); 2] = [
    (
        "staff-meeting",
        Audience::Internal,
        "Mads Kruse",
        "alle medarbejdere",
        "vagter og hvad området byder på",
        "månedligt personalemøde fra marts",
        "personalemøde",
    ),
    (
        "press",
        Audience::External,
        "festivalens presseafdeling",
        "festivalgæster og presse",
        "biblioteksområdets program",
        "to uger før festivalen",
        "festivalens app og pressemeddelelse",
    ),
];

/// The festival's readiness checklist, ticked with a note each.
const FESTIVAL_READINESS: [(ReadinessItem, &str); 6] = [
    (ReadinessItem::StrategyLink, "Det musiske bibliotek"),
    (
        ReadinessItem::PartnerChosenWithCare,
        "screenet 2024: 23 af 28",
    ),
    (ReadinessItem::AgreementInPlace, "version 2"),
    (
        ReadinessItem::RolesClear,
        "Mads Kruse og programkoordinatoren",
    ),
    (ReadinessItem::CommunicationPlanned, "intern og ekstern"),
    (ReadinessItem::EvaluationPlanned, "hver august"),
];

/// The three partnerships, in the order they happen.
pub(super) fn write(script: &mut Script) {
    festival_area(script);
    rockmuseum(script);
    it_teaching(script);
}

/// `actor` moves `partnership_id` through `phases`, one command each, with a note each.
fn move_through(
    script: &mut Script,
    actor: &'static str,
    partnership_id: uuid::Uuid,
    phases: &[(Phase, &str)],
) {
    for (to, note) in phases {
        script.send(
            actor,
            Command::MovePartnershipPhase {
                partnership_id,
                to: *to,
                note: (*note).into(),
            },
        );
    }
}

/// The festival partnership: the full method.
fn festival_area(script: &mut Script) {
    let festival = demo_id("organisation:roskilde-festival");
    let partnership_id = demo_id("partnership:festival-area");
    script.on(2023, 10, 2);
    script.send(
        MADS,
        Command::ProposePartnership {
            partnership_id,
            title: "Bibliotekets alternative festivalområde".into(),
            partner_ids: vec![festival],
            purpose:
                "Mød festivalgæsterne, hvor de er, med musik, læsning og ro midt på festivalen"
                    .into(),
            form: PartnershipForm::Frame,
            goals: vec![Goal::Experience, Goal::Engagement],
            rooms: vec![Room::Inspiration, Room::Performative],
            age_groups: vec![AgeGroup::YoungAdults, AgeGroup::Adults],
            owner_id: Some(demo_id("staff:mads")),
        },
    );
    move_through(
        script,
        MADS,
        partnership_id,
        &[
            (Phase::Exploration, "hvem på biblioteket kender festivalen?"),
            (Phase::Screening, "screening med afdelingslederne"),
        ],
    );
    script.on(2023, 11, 20);
    script.send(
        JENS,
        Command::ScreenPartnership {
            partnership_id,
            answers: all_answers(
                [
                    Yes, Yes, Partly, Yes, Yes, Partly, Yes, Yes, Yes, Yes, Yes, Yes, Partly,
                    Unknown,
                ],
                "Det musiske bibliotek er et af vores fire fokusområder",
            ),
            decision: ScreeningDecision::Go,
            decision_note: "passer godt; finansiering af medarbejdertimer skal findes".into(),
        },
    );
    script.on(2023, 12, 4);
    move_through(
        script,
        JENS,
        partnership_id,
        &[
            (Phase::Decision, "ledelsen siger ja"),
            (
                Phase::GoalsAndRoles,
                "Mads og festivalens programkoordinator leder",
            ),
            (Phase::Agreement, ""),
        ],
    );
    let first_text: BTreeMap<AgreementSection, Option<String>> = FESTIVAL_AGREEMENT
        .into_iter()
        .map(|(section, text)| (section, Some(text.to_owned())))
        .collect();
    script.on(2024, 1, 22);
    script.send(
        JENS,
        Command::AmendAgreement {
            partnership_id,
            expected_version: 0,
            sections: first_text,
            reason: "første aftale".into(),
        },
    );
    script.on(2024, 2, 12);
    script.send(
        MADS,
        Command::AmendAgreement {
            partnership_id,
            expected_version: 1,
            sections: [(
                AgreementSection::Resources,
                Some("Biblioteket: 4 dage med 8 medarbejdere. Festivalen: område, strøm, billetter, en tid på scenen.".to_owned()),
            )]
            .into_iter()
            .collect(),
            reason: "festivalen gav os en tid på scenen; vi lægger en dag til".into(),
        },
    );
    for (commitment, party, description, hours, amount_dkk) in [
        (
            "library-staff",
            Party::Library,
            "medarbejdere til området, 4 dage x 8 personer",
            Some(256),
            None,
        ),
        (
            "festival-area",
            Party::Organisation(festival),
            "område, strøm, billetter og en tid på scenen",
            None,
            Some(40_000),
        ),
    ] {
        script.send(
            MADS,
            Command::CommitResources {
                partnership_id,
                commitment_id: demo_id(&format!("commitment:{commitment}")),
                party,
                description: description.into(),
                hours,
                amount_dkk,
            },
        );
    }
    script.on(2024, 2, 19);
    move_through(script, MADS, partnership_id, &[(Phase::Planning, "")]);
    for (item, audience, sender, recipients, about, when, channel) in FESTIVAL_COMMUNICATION {
        script.send(
            MADS,
            Command::PlanCommunication {
                partnership_id,
                item_id: demo_id(&format!("communication:{item}")),
                audience,
                sender: sender.into(),
                recipients: recipients.into(),
                about: about.into(),
                when: when.into(),
                channel: channel.into(),
            },
        );
    }
    script.on(2024, 3, 12);
    script.send(
        MADS,
        Command::RecordCommunicationSent {
            partnership_id,
            item_id: Some(demo_id("communication:staff-meeting")),
            sent_on: date(2024, 3, 12),
            channel: "personalemøde".into(),
            summary: "vagtplanen præsenteret; 14 frivillige meldte sig".into(),
        },
    );
    script.on(2024, 5, 27);
    for (item, note) in FESTIVAL_READINESS {
        script.send(
            JENS,
            Command::TickReadinessItem {
                partnership_id,
                item,
                note: note.into(),
            },
        );
    }
    script.on(2024, 6, 24);
    move_through(
        script,
        MADS,
        partnership_id,
        &[(Phase::Launch, ""), (Phase::Running, "")],
    );
    script.on(2024, 8, 5);
    move_through(script, MADS, partnership_id, &[(Phase::Evaluation, "")]);
    script.on(2024, 8, 15);
    script.send(
        MADS,
        Command::EvaluatePartnership {
            partnership_id,
            evaluation_id: demo_id("evaluation:festival-2024"),
            evaluated_on: date(2024, 8, 15),
            criteria: vec![
                CriterionScore {
                    criterion: "besøg i området".into(),
                    target: "3.000".into(),
                    score: 4,
                    note: "2.700 talt".into(),
                },
                CriterionScore {
                    criterion: "samtaler holdt".into(),
                    target: "20".into(),
                    score: 5,
                    note: "22".into(),
                },
            ],
            narrative: "Gæsterne brugte området som et roligt sted; samtalerne var fulde.".into(),
            decision: EvaluationDecision::Continue,
            next_evaluation_due: Some(date(2025, 8, 31)),
        },
    );
    move_through(script, MADS, partnership_id, &[(Phase::Adjustment, "")]);
    script.on(2025, 6, 28);
    move_through(script, MADS, partnership_id, &[(Phase::Running, "")]);
    script.on(2025, 8, 11);
    move_through(script, MADS, partnership_id, &[(Phase::Evaluation, "")]);
    script.on(2025, 8, 20);
    script.send(
        MADS,
        Command::EvaluatePartnership {
            partnership_id,
            evaluation_id: demo_id("evaluation:festival-2025"),
            evaluated_on: date(2025, 8, 20),
            criteria: vec![
                CriterionScore {
                    criterion: "besøg i området".into(),
                    target: "3.000".into(),
                    score: 5,
                    note: "3.400 talt".into(),
                },
                CriterionScore {
                    criterion: "unge voksne nået".into(),
                    target: "halvdelen af de besøgende".into(),
                    score: 3,
                    note: "omkring en tredjedel".into(),
                },
            ],
            narrative: "Flere besøg, men færre unge voksne end håbet: flyt gamingteltet ved siden af området.".into(),
            decision: EvaluationDecision::Adjust,
            next_evaluation_due: Some(date(2026, 8, 31)),
        },
    );
    script.on(2025, 9, 8);
    move_through(
        script,
        MADS,
        partnership_id,
        &[(Phase::Adjustment, "gamingteltet ved siden af området")],
    );
}

/// The Rockmuseum: screened, in the agreement phase.
fn rockmuseum(script: &mut Script) {
    let partnership_id = demo_id("partnership:rockmuseum");
    script.on(2025, 4, 22);
    script.send(
        MADS,
        Command::ProposePartnership {
            partnership_id,
            title: "Bibliotekstilbud i Danmarks Rockmuseum".into(),
            partner_ids: vec![demo_id("organisation:danmarks-rockmuseum")],
            purpose: "Bøger, musik og en bibliotekar i museets café i weekenderne".into(),
            form: PartnershipForm::Activity {
                starts_on: date(2025, 9, 1),
                ends_on: date(2026, 6, 30),
            },
            goals: vec![Goal::Experience],
            rooms: vec![Room::Learning, Room::Inspiration],
            age_groups: vec![AgeGroup::Teenagers, AgeGroup::Adults],
            owner_id: Some(demo_id("staff:mads")),
        },
    );
    move_through(
        script,
        MADS,
        partnership_id,
        &[(Phase::Exploration, ""), (Phase::Screening, "")],
    );
    script.on(2025, 5, 19);
    script.send(
        JENS,
        Command::ScreenPartnership {
            partnership_id,
            answers: all_answers(
                [
                    Yes, Partly, Yes, Yes, Partly, Partly, Yes, Yes, Partly, Yes, Yes, Partly,
                    Partly, Partly,
                ],
                "passer til Det musiske bibliotek",
            ),
            decision: ScreeningDecision::Go,
            decision_note: "en prøvesæson".into(),
        },
    );
    move_through(script, MADS, partnership_id, &[(Phase::Decision, "")]);
    script.on(2025, 6, 16);
    move_through(
        script,
        MADS,
        partnership_id,
        &[(Phase::GoalsAndRoles, ""), (Phase::Agreement, "")],
    );
}

/// IT teaching with the unions and Eplehuset: ended when the unions took the courses over.
fn it_teaching(script: &mut Script) {
    let partnership_id = demo_id("partnership:it-teaching");
    script.on(2023, 8, 21);
    script.send(
        SOFIE,
        Command::ProposePartnership {
            partnership_id,
            title: "IT-undervisning med fagbevægelsen".into(),
            partner_ids: vec![
                demo_id("organisation:fagbevaegelsen-roskilde"),
                demo_id("organisation:eplehuset"),
            ],
            purpose: "IT-kurser for fagforeningsmedlemmer, med iPads lånt af Eplehuset".into(),
            form: PartnershipForm::Activity {
                starts_on: date(2023, 9, 1),
                ends_on: date(2025, 3, 31),
            },
            goals: vec![Goal::Empowerment],
            rooms: vec![Room::Learning],
            age_groups: vec![AgeGroup::Adults, AgeGroup::Seniors],
            owner_id: Some(demo_id("staff:sofie")),
        },
    );
    script.on(2025, 3, 31);
    script.send(
        SOFIE,
        Command::EndPartnership {
            partnership_id,
            reason: "kursusrækken nåede sit mål; fagforeningerne holder nu selv kurserne".into(),
            ended_on: Some(date(2025, 3, 31)),
        },
    );
}
