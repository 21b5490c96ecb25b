//! The demo workspaces, built from the guide's own examples through the same commands as real
//! use, so their history (who moved which partner when, and why) replays like any other.
//!
//! Roskilde Bibliotekerne: the four focus areas on the library model, five colleagues, the
//! Roskilde partners of the guide with their levels over time, a screened partnership with
//! the festival (an amended agreement, a communication plan, two evaluations, a ticked
//! readiness checklist), a partnership in the agreement phase, an ended one, the assets list
//! and a mapping workshop board with notes, votes and a promoted note. Aarhus Hovedbibliotek:
//! the Aarhus partners, "Vi kan – Vil du?" and an age-group mapping board.
//!
//! Every id and command id is derived from a name ([`demo_id`]), so loading the demo twice
//! appends nothing the second time: every command is recognised as a retry.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use uuid::Uuid;

use crate::domain::events::{CriterionScore, Party, PersonalData, ScreeningAnswer};
use crate::domain::vocabulary::{
    AgeGroup, AgreementSection, Answer, AssetCategory, Audience, BoardPhase, BoardTemplate,
    EvaluationDecision, Goal, Level, PartnershipForm, Phase, ReadinessItem, Room,
    ScreeningDecision, Sector, Zone,
};
use crate::domain::{Command, PromoteTo};
use crate::service::{CommandError, Workspaces};

/// The namespace of every demo id.
const DEMO_NAMESPACE: Uuid = Uuid::from_u128(0x7061_7274_6e65_7268_7562_2d64_656d_6f21);

/// A stable id for a demo entity or command, derived from its name.
pub fn demo_id(name: &str) -> Uuid {
    Uuid::new_v5(&DEMO_NAMESPACE, name.as_bytes())
}

/// The Roskilde demo workspace's id.
pub fn roskilde_workspace_id() -> Uuid {
    demo_id("workspace:roskilde")
}

/// The Aarhus demo workspace's id.
pub fn aarhus_workspace_id() -> Uuid {
    demo_id("workspace:aarhus")
}

/// What loading the demo did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoSummary {
    /// Commands run.
    pub commands: usize,
    /// Commands that had run before (the demo was loaded already).
    pub already_loaded: usize,
    /// The workspaces, id and name.
    pub workspaces: Vec<(Uuid, String)>,
}

struct Script<'a> {
    workspaces: &'a Workspaces,
    workspace_id: Uuid,
    prefix: &'static str,
    step: usize,
    already_loaded: usize,
}

impl Script<'_> {
    async fn run(&mut self, actor: &str, command: Command) -> Result<(), CommandError> {
        self.step += 1;
        let command_id = demo_id(&format!("command:{}:{}", self.prefix, self.step));
        let outcome = self
            .workspaces
            .execute(self.workspace_id, &command, actor, command_id)
            .await?;
        if outcome.deduplicated {
            self.already_loaded += 1;
        }
        Ok(())
    }
}

fn date(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).unwrap_or_default()
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|item| (*item).to_owned()).collect()
}

fn all_answers(pattern: [Answer; 14], note: &str) -> Vec<ScreeningAnswer> {
    pattern
        .iter()
        .enumerate()
        .map(|(index, answer)| ScreeningAnswer {
            question: index as u8 + 1,
            answer: *answer,
            note: if index == 0 {
                note.to_owned()
            } else {
                String::new()
            },
        })
        .collect()
}

/// Loads both demo workspaces (or finds them loaded already).
///
/// # Errors
/// The first command that fails.
pub async fn load_demo(workspaces: &Workspaces) -> Result<DemoSummary, CommandError> {
    let mut roskilde = Script {
        workspaces,
        workspace_id: roskilde_workspace_id(),
        prefix: "roskilde",
        step: 0,
        already_loaded: 0,
    };
    load_roskilde(&mut roskilde).await?;
    let mut aarhus = Script {
        workspaces,
        workspace_id: aarhus_workspace_id(),
        prefix: "aarhus",
        step: 0,
        already_loaded: 0,
    };
    load_aarhus(&mut aarhus).await?;
    Ok(DemoSummary {
        commands: roskilde.step + aarhus.step,
        already_loaded: roskilde.already_loaded + aarhus.already_loaded,
        workspaces: vec![
            (roskilde_workspace_id(), "Roskilde Bibliotekerne".into()),
            (aarhus_workspace_id(), "Aarhus Hovedbibliotek".into()),
        ],
    })
}

async fn load_roskilde(script: &mut Script<'_>) -> Result<(), CommandError> {
    let jens = "jens@roskilde";
    let mads = "mads@roskilde";
    let anna = "anna@roskilde";
    let sofie = "sofie@roskilde";
    let karen = "karen@roskilde";
    script
        .run(
            jens,
            Command::CreateWorkspace {
                name: "Roskilde Bibliotekerne".into(),
                description:
                    "Roskilde's libraries: strategic partnership work after \"Byg partnerskaber!\""
                        .into(),
            },
        )
        .await?;
    for (name, goal, room, description) in [
        (
            "Det musiske bibliotek",
            Goal::Experience,
            Room::Inspiration,
            "Music and the arts as experience",
        ),
        (
            "Det digitale bibliotek",
            Goal::Empowerment,
            Room::Learning,
            "Digital skills for everyone",
        ),
        (
            "Biblioteket som mødested",
            Goal::Engagement,
            Room::Meeting,
            "The library as the town's meeting place",
        ),
        (
            "Det dynamiske bibliotek",
            Goal::Innovation,
            Room::Performative,
            "Users create and perform",
        ),
    ] {
        script
            .run(
                jens,
                Command::DefineFocusArea {
                    focus_area_id: demo_id(&format!("focus:{name}")),
                    name: name.into(),
                    goal,
                    room,
                    description: description.into(),
                },
            )
            .await?;
    }
    let staff = [
        (
            "jens",
            "Jens Berg",
            "Ledelse",
            &["strategy", "agreements"][..],
        ),
        (
            "mads",
            "Mads Kruse",
            "Musik",
            &["concerts", "festival logistics"][..],
        ),
        (
            "anna",
            "Anna Holm",
            "Børn og unge",
            &["gaming", "events for young people"][..],
        ),
        (
            "sofie",
            "Sofie Lund",
            "Digital",
            &["iPad teaching", "IT courses"][..],
        ),
        (
            "karen",
            "Karen Dahl",
            "Kunst og kultur",
            &["exhibitions"][..],
        ),
    ];
    for (key, name, team, competences) in staff {
        script
            .run(
                jens,
                Command::AddStaffMember {
                    staff_id: demo_id(&format!("staff:{key}")),
                    name: name.into(),
                    team: team.into(),
                    competences: strings(competences),
                },
            )
            .await?;
    }
    script
        .run(
            jens,
            Command::SetWantedCompetences {
                competences: strings(&["gaming", "fundraising", "podcast production"]),
            },
        )
        .await?;
    let festival = demo_id("organisation:roskilde-festival");
    let rockmuseum = demo_id("organisation:danmarks-rockmuseum");
    let eplehuset = demo_id("organisation:eplehuset");
    let unions = demo_id("organisation:fagbevaegelsen-roskilde");
    let samtidskunst = demo_id("organisation:museet-for-samtidskunst");
    let organisations = [
        (
            festival,
            "Roskilde Festival",
            Sector::CivilSociety,
            "festival",
            "https://www.roskilde-festival.dk",
            &["music", "festival area"][..],
            &[AgeGroup::YoungAdults, AgeGroup::Adults][..],
            &[Room::Inspiration, Room::Performative][..],
            "mads",
            "music",
        ),
        (
            rockmuseum,
            "Danmarks Rockmuseum",
            Sector::Public,
            "museum",
            "https://www.rockmuseum.dk",
            &["music history", "library offer in the museum"][..],
            &[AgeGroup::Teenagers, AgeGroup::Adults][..],
            &[Room::Learning, Room::Inspiration][..],
            "mads",
            "music history",
        ),
        (
            eplehuset,
            "Eplehuset",
            Sector::Private,
            "shop",
            "https://www.eplehuset.dk",
            &["iPads"][..],
            &[AgeGroup::Adults, AgeGroup::Seniors][..],
            &[Room::Learning][..],
            "sofie",
            "iPads",
        ),
        (
            unions,
            "Fagbevægelsen i Roskilde",
            Sector::CivilSociety,
            "trade unions",
            "https://www.fho.dk",
            &["IT teaching"][..],
            &[AgeGroup::Adults, AgeGroup::Seniors][..],
            &[Room::Learning, Room::Meeting][..],
            "sofie",
            "IT teaching",
        ),
        (
            samtidskunst,
            "Museet for Samtidskunst",
            Sector::Public,
            "museum",
            "https://www.samtidskunst.dk",
            &["contemporary art"][..],
            &[AgeGroup::YoungAdults, AgeGroup::Adults][..],
            &[Room::Inspiration, Room::Performative][..],
            "karen",
            "contemporary art",
        ),
    ];
    for (id, name, sector, kind, website, topics, age_groups, rooms, holder, holder_topic) in
        organisations
    {
        script
            .run(
                jens,
                Command::RegisterOrganisation {
                    organisation_id: id,
                    name: name.into(),
                    sector,
                    kind: kind.into(),
                    tags: Vec::new(),
                    topics: strings(topics),
                    website: Some(website.into()),
                    age_groups: age_groups.to_vec(),
                    rooms: rooms.to_vec(),
                    level: Some(Level::Network),
                    reason: "known from earlier events".into(),
                },
            )
            .await?;
        script
            .run(
                jens,
                Command::AssignContactHolder {
                    organisation_id: id,
                    staff_id: demo_id(&format!("staff:{holder}")),
                    topics: strings(&[holder_topic]),
                },
            )
            .await?;
    }
    // Anna courts the festival too, about gaming for young people: a duplicate contact.
    script
        .run(
            anna,
            Command::AssignContactHolder {
                organisation_id: festival,
                staff_id: demo_id("staff:anna"),
                topics: strings(&["gaming tent", "music"]),
            },
        )
        .await?;
    script
        .run(
            mads,
            Command::AddContactPerson {
                organisation_id: festival,
                person_id: demo_id("person:festival-program"),
                role: "programme coordinator".into(),
                personal: PersonalData {
                    name: "Lise Mortensen".into(),
                    email: Some("lise.mortensen@example.org".into()),
                    phone: Some("+45 46 00 00 00".into()),
                },
            },
        )
        .await?;

    // The network circle over time.
    for (organisation_id, to, reason, occurred_on, actor) in [
        (
            festival,
            Some(Level::Collaboration),
            "alternative festival area with the library's tent",
            date(2023, 6, 24),
            mads,
        ),
        (
            unions,
            Some(Level::Collaboration),
            "IT teaching for members in the library",
            date(2023, 9, 1),
            sofie,
        ),
        (
            rockmuseum,
            Some(Level::Collaboration),
            "a library offer inside the museum",
            date(2024, 1, 15),
            mads,
        ),
        (
            festival,
            Some(Level::Partnership),
            "festival area agreed as a yearly frame",
            date(2024, 5, 2),
            mads,
        ),
        (
            eplehuset,
            Some(Level::Collaboration),
            "iPad introductions for seniors in the shop",
            date(2024, 9, 10),
            sofie,
        ),
        (
            unions,
            Some(Level::Network),
            "the course series ended; we keep in touch",
            date(2025, 3, 31),
            sofie,
        ),
    ] {
        script
            .run(
                actor,
                Command::ChangeRelationLevel {
                    organisation_id,
                    to,
                    reason: reason.into(),
                    occurred_on: Some(occurred_on),
                },
            )
            .await?;
    }

    // The festival partnership: the full method.
    let festival_partnership = demo_id("partnership:festival-area");
    script
        .run(
            mads,
            Command::ProposePartnership {
                partnership_id: festival_partnership,
                title: "The library's alternative festival area".into(),
                partner_ids: vec![festival],
                purpose: "Meet festival guests where they are, with music, reading and quiet in the middle of the festival".into(),
                form: PartnershipForm::Frame,
                goals: vec![Goal::Experience, Goal::Engagement],
                rooms: vec![Room::Inspiration, Room::Performative],
                age_groups: vec![AgeGroup::YoungAdults, AgeGroup::Adults],
                owner_id: Some(demo_id("staff:mads")),
            },
        )
        .await?;
    for (to, note) in [
        (Phase::Exploration, "who at the library knows the festival?"),
        (Phase::Screening, "screening with the department heads"),
    ] {
        script
            .run(
                mads,
                Command::MovePartnershipPhase {
                    partnership_id: festival_partnership,
                    to,
                    note: note.into(),
                },
            )
            .await?;
    }
    use Answer::{Partly, Unknown, Yes};
    script
        .run(
            jens,
            Command::ScreenPartnership {
                partnership_id: festival_partnership,
                answers: all_answers(
                    [
                        Yes, Yes, Partly, Yes, Yes, Partly, Yes, Yes, Yes, Yes, Yes, Yes, Partly,
                        Unknown,
                    ],
                    "Det musiske bibliotek is one of our four focus areas",
                ),
                decision: ScreeningDecision::Go,
                decision_note: "strong fit; financing of staff hours to be found".into(),
            },
        )
        .await?;
    for (to, note) in [
        (Phase::Decision, "management says go"),
        (
            Phase::GoalsAndRoles,
            "Mads and the festival's programme coordinator lead",
        ),
        (Phase::Agreement, ""),
    ] {
        script
            .run(
                jens,
                Command::MovePartnershipPhase {
                    partnership_id: festival_partnership,
                    to,
                    note: note.into(),
                },
            )
            .await?;
    }
    let first_text: BTreeMap<AgreementSection, Option<String>> = [
        (
            AgreementSection::Purpose,
            "A calm library area at the festival: music, books and talks.",
        ),
        (
            AgreementSection::Expectations,
            "The festival provides the area; the library runs it.",
        ),
        (
            AgreementSection::Roles,
            "Mads Kruse (library) and the festival's programme coordinator.",
        ),
        (
            AgreementSection::Results,
            "3,000 visits to the area; 20 talks.",
        ),
        (
            AgreementSection::Resources,
            "Library: 3 staff days of 8 people. Festival: area, power, tickets.",
        ),
        (AgreementSection::Duration, "Yearly; reviewed each August."),
        (
            AgreementSection::Communication,
            "Festival app and programme; library website and newsletter.",
        ),
        (
            AgreementSection::Exit,
            "Either party ends it by 1 December for the next year.",
        ),
    ]
    .into_iter()
    .map(|(section, text)| (section, Some(text.to_owned())))
    .collect();
    script
        .run(
            jens,
            Command::AmendAgreement {
                partnership_id: festival_partnership,
                expected_version: 0,
                sections: first_text,
                reason: "first agreement".into(),
            },
        )
        .await?;
    script
        .run(
            mads,
            Command::AmendAgreement {
                partnership_id: festival_partnership,
                expected_version: 1,
                sections: [(
                    AgreementSection::Resources,
                    Some("Library: 4 staff days of 8 people. Festival: area, power, tickets, a stage slot.".to_owned()),
                )]
                .into_iter()
                .collect(),
                reason: "the festival added a stage slot; we add a day".into(),
            },
        )
        .await?;
    for (commitment, party, description, hours, amount) in [
        (
            "library-staff",
            Party::Library,
            "staff for the area, 4 days x 8 people",
            Some(256),
            None,
        ),
        (
            "festival-area",
            Party::Organisation(festival),
            "area, power, tickets and a stage slot",
            None,
            Some(40_000),
        ),
    ] {
        script
            .run(
                mads,
                Command::CommitResources {
                    partnership_id: festival_partnership,
                    commitment_id: demo_id(&format!("commitment:{commitment}")),
                    party,
                    description: description.into(),
                    hours,
                    amount_dkk: amount,
                },
            )
            .await?;
    }
    script
        .run(
            mads,
            Command::MovePartnershipPhase {
                partnership_id: festival_partnership,
                to: Phase::Planning,
                note: String::new(),
            },
        )
        .await?;
    let internal_item = demo_id("communication:staff-meeting");
    for (item, audience, sender, recipients, about, when, channel) in [
        (
            internal_item,
            Audience::Internal,
            "Mads Kruse",
            "all staff",
            "shifts and what the area offers",
            "monthly staff meeting from March",
            "staff meeting",
        ),
        (
            demo_id("communication:press"),
            Audience::External,
            "the festival's press office",
            "festival guests and press",
            "the library area's programme",
            "two weeks before the festival",
            "festival app and press release",
        ),
    ] {
        script
            .run(
                mads,
                Command::PlanCommunication {
                    partnership_id: festival_partnership,
                    item_id: item,
                    audience,
                    sender: sender.into(),
                    recipients: recipients.into(),
                    about: about.into(),
                    when: when.into(),
                    channel: channel.into(),
                },
            )
            .await?;
    }
    script
        .run(
            mads,
            Command::RecordCommunicationSent {
                partnership_id: festival_partnership,
                item_id: Some(internal_item),
                sent_on: date(2024, 3, 12),
                channel: "staff meeting".into(),
                summary: "shift plan presented; 14 volunteers signed up".into(),
            },
        )
        .await?;
    for (item, note) in [
        (ReadinessItem::StrategyLink, "Det musiske bibliotek"),
        (
            ReadinessItem::PartnerChosenWithCare,
            "screened 2024: 23 of 28",
        ),
        (ReadinessItem::AgreementInPlace, "version 2"),
        (
            ReadinessItem::RolesClear,
            "Mads Kruse and the programme coordinator",
        ),
        (ReadinessItem::CommunicationPlanned, "internal and external"),
        (ReadinessItem::EvaluationPlanned, "each August"),
    ] {
        script
            .run(
                jens,
                Command::TickReadinessItem {
                    partnership_id: festival_partnership,
                    item,
                    note: note.into(),
                },
            )
            .await?;
    }
    for to in [Phase::Launch, Phase::Running, Phase::Evaluation] {
        script
            .run(
                mads,
                Command::MovePartnershipPhase {
                    partnership_id: festival_partnership,
                    to,
                    note: String::new(),
                },
            )
            .await?;
    }
    script
        .run(
            mads,
            Command::EvaluatePartnership {
                partnership_id: festival_partnership,
                evaluation_id: demo_id("evaluation:festival-2024"),
                evaluated_on: date(2024, 8, 15),
                criteria: vec![
                    CriterionScore {
                        criterion: "visits to the area".into(),
                        target: "3,000".into(),
                        score: 4,
                        note: "2,700 counted".into(),
                    },
                    CriterionScore {
                        criterion: "talks held".into(),
                        target: "20".into(),
                        score: 5,
                        note: "22".into(),
                    },
                ],
                narrative: "Guests used the area as a calm space; talks were full.".into(),
                decision: EvaluationDecision::Continue,
                next_evaluation_due: Some(date(2025, 8, 31)),
            },
        )
        .await?;
    for to in [Phase::Adjustment, Phase::Running, Phase::Evaluation] {
        script
            .run(
                mads,
                Command::MovePartnershipPhase {
                    partnership_id: festival_partnership,
                    to,
                    note: String::new(),
                },
            )
            .await?;
    }
    script
        .run(
            mads,
            Command::EvaluatePartnership {
                partnership_id: festival_partnership,
                evaluation_id: demo_id("evaluation:festival-2025"),
                evaluated_on: date(2025, 8, 20),
                criteria: vec![
                    CriterionScore { criterion: "visits to the area".into(), target: "3,000".into(), score: 5, note: "3,400 counted".into() },
                    CriterionScore { criterion: "young adults reached".into(), target: "half of visitors".into(), score: 3, note: "about a third".into() },
                ],
                narrative: "More visits, but fewer young adults than hoped: move the gaming tent next to the area.".into(),
                decision: EvaluationDecision::Adjust,
                next_evaluation_due: Some(date(2026, 8, 31)),
            },
        )
        .await?;
    script
        .run(
            mads,
            Command::MovePartnershipPhase {
                partnership_id: festival_partnership,
                to: Phase::Adjustment,
                note: "gaming tent next to the area".into(),
            },
        )
        .await?;

    // The Rockmuseum: screened, in the agreement phase.
    let rockmuseum_partnership = demo_id("partnership:rockmuseum");
    script
        .run(
            mads,
            Command::ProposePartnership {
                partnership_id: rockmuseum_partnership,
                title: "Library offer in Danmarks Rockmuseum".into(),
                partner_ids: vec![rockmuseum],
                purpose: "Books, music and a librarian in the museum's café on weekends".into(),
                form: PartnershipForm::Activity {
                    starts_on: date(2025, 9, 1),
                    ends_on: date(2026, 6, 30),
                },
                goals: vec![Goal::Experience],
                rooms: vec![Room::Learning, Room::Inspiration],
                age_groups: vec![AgeGroup::Teenagers, AgeGroup::Adults],
                owner_id: Some(demo_id("staff:mads")),
            },
        )
        .await?;
    for to in [Phase::Exploration, Phase::Screening] {
        script
            .run(
                mads,
                Command::MovePartnershipPhase {
                    partnership_id: rockmuseum_partnership,
                    to,
                    note: String::new(),
                },
            )
            .await?;
    }
    script
        .run(
            jens,
            Command::ScreenPartnership {
                partnership_id: rockmuseum_partnership,
                answers: all_answers(
                    [
                        Yes, Partly, Yes, Yes, Partly, Partly, Yes, Yes, Partly, Yes, Yes, Partly,
                        Partly, Partly,
                    ],
                    "fits Det musiske bibliotek",
                ),
                decision: ScreeningDecision::Go,
                decision_note: "a trial season".into(),
            },
        )
        .await?;
    for to in [Phase::Decision, Phase::GoalsAndRoles, Phase::Agreement] {
        script
            .run(
                mads,
                Command::MovePartnershipPhase {
                    partnership_id: rockmuseum_partnership,
                    to,
                    note: String::new(),
                },
            )
            .await?;
    }

    // IT teaching with the unions: ended.
    let unions_partnership = demo_id("partnership:it-teaching");
    script
        .run(
            sofie,
            Command::ProposePartnership {
                partnership_id: unions_partnership,
                title: "IT teaching with the trade unions".into(),
                partner_ids: vec![unions, eplehuset],
                purpose: "IT courses for union members, with iPads lent by Eplehuset".into(),
                form: PartnershipForm::Activity {
                    starts_on: date(2023, 9, 1),
                    ends_on: date(2025, 3, 31),
                },
                goals: vec![Goal::Empowerment],
                rooms: vec![Room::Learning],
                age_groups: vec![AgeGroup::Adults, AgeGroup::Seniors],
                owner_id: Some(demo_id("staff:sofie")),
            },
        )
        .await?;
    script
        .run(
            sofie,
            Command::EndPartnership {
                partnership_id: unions_partnership,
                reason:
                    "the course series reached its goal; the unions now run the courses themselves"
                        .into(),
                ended_on: Some(date(2025, 3, 31)),
            },
        )
        .await?;

    // What the library offers.
    for (key, category, title, description, contact) in [
        (
            "contact-surface",
            AssetCategory::ContactSurface,
            "A broad contact surface",
            "Users of every age and background, every day",
            None,
        ),
        (
            "trust",
            AssetCategory::Trust,
            "High trust",
            "Citizens trust the library as a neutral place",
            None,
        ),
        (
            "facilities",
            AssetCategory::Facilities,
            "Rooms for debates and exhibitions",
            "Hall for 120, exhibition walls, a stage",
            Some("karen"),
        ),
        (
            "opening-hours",
            AssetCategory::OpeningHoursAndVisitors,
            "Long opening hours and many visitors",
            "Open 8-22 with self-service; one of the highest visitor counts in town",
            None,
        ),
        (
            "gaming",
            AssetCategory::Competences,
            "Gaming for young people",
            "Staff who run gaming events and tournaments",
            Some("anna"),
        ),
        (
            "festival-logistics",
            AssetCategory::Competences,
            "Festival logistics",
            "We have run an area at Roskilde Festival since 2023",
            Some("mads"),
        ),
    ] {
        script
            .run(
                jens,
                Command::AddAsset {
                    asset_id: demo_id(&format!("asset:{key}")),
                    category,
                    title: title.into(),
                    description: description.into(),
                    contact_staff_id: contact.map(|staff| demo_id(&format!("staff:{staff}"))),
                },
            )
            .await?;
    }

    // A mapping workshop on the network circle.
    let board = demo_id("board:mapping-2025");
    script
        .run(
            anna,
            Command::CreateBoard {
                board_id: board,
                title: "Mapping our network, staff day 2025".into(),
                template: BoardTemplate::NetworkCircle,
                vote_budget: Some(3),
            },
        )
        .await?;
    let notes = [
        (
            "gymnasium",
            mads,
            "Roskilde Gymnasium's gaming club",
            Level::Collaboration,
            40,
            60,
        ),
        (
            "kulturforvaltning",
            karen,
            "The municipality's culture department",
            Level::Network,
            220,
            40,
        ),
        (
            "roede-kors",
            sofie,
            "Red Cross youth: homework help",
            Level::Network,
            140,
            180,
        ),
        (
            "festival-volunteers",
            anna,
            "Festival volunteers as reading ambassadors",
            Level::Partnership,
            300,
            200,
        ),
    ];
    for (key, author, text, level, x, y) in notes {
        script
            .run(
                author,
                Command::AddNote {
                    board_id: board,
                    note_id: demo_id(&format!("note:{key}")),
                    text: text.into(),
                    zone: Zone {
                        level: Some(level),
                        ..Zone::default()
                    },
                    x,
                    y,
                    colour: None,
                },
            )
            .await?;
    }
    for to in [BoardPhase::Reveal, BoardPhase::Grouping] {
        script
            .run(
                anna,
                Command::AdvanceBoardPhase {
                    board_id: board,
                    to,
                    anonymous: None,
                },
            )
            .await?;
    }
    script
        .run(
            anna,
            Command::GroupNotes {
                board_id: board,
                group_id: demo_id("group:young-people"),
                label: "Young people".into(),
                note_ids: vec![demo_id("note:gymnasium"), demo_id("note:roede-kors")],
            },
        )
        .await?;
    script
        .run(
            anna,
            Command::AdvanceBoardPhase {
                board_id: board,
                to: BoardPhase::Voting,
                anonymous: None,
            },
        )
        .await?;
    for (voter, note) in [
        (mads, "gymnasium"),
        (mads, "gymnasium"),
        (sofie, "gymnasium"),
        (karen, "kulturforvaltning"),
        (sofie, "roede-kors"),
        (anna, "festival-volunteers"),
        (jens, "gymnasium"),
    ] {
        script
            .run(
                voter,
                Command::CastVote {
                    board_id: board,
                    note_id: demo_id(&format!("note:{note}")),
                },
            )
            .await?;
    }
    script
        .run(
            anna,
            Command::AdvanceBoardPhase {
                board_id: board,
                to: BoardPhase::Discussion,
                anonymous: Some(false),
            },
        )
        .await?;
    script
        .run(
            anna,
            Command::PromoteNote {
                board_id: board,
                note_id: demo_id("note:gymnasium"),
                to: PromoteTo::Organisation {
                    organisation_id: demo_id("organisation:roskilde-gymnasium"),
                    name: Some("Roskilde Gymnasium".into()),
                    sector: Sector::Public,
                    kind: "upper secondary school".into(),
                },
            },
        )
        .await?;
    script
        .run(
            anna,
            Command::AssignContactHolder {
                organisation_id: demo_id("organisation:roskilde-gymnasium"),
                staff_id: demo_id("staff:anna"),
                topics: strings(&["gaming club"]),
            },
        )
        .await?;
    Ok(())
}

async fn load_aarhus(script: &mut Script<'_>) -> Result<(), CommandError> {
    let lene = "lene@aarhus";
    let peter = "peter@aarhus";
    script
        .run(
            lene,
            Command::CreateWorkspace {
                name: "Aarhus Hovedbibliotek".into(),
                description: "Borgerservice og Biblioteker Aarhus: the main library's partners"
                    .into(),
            },
        )
        .await?;
    for (key, name, team) in [
        ("lene", "Lene Vestergaard", "Partnerskaber"),
        ("peter", "Peter Nygaard", "Børn og familie"),
        ("maria", "Maria Østergaard", "Borgerservice"),
    ] {
        script
            .run(
                lene,
                Command::AddStaffMember {
                    staff_id: demo_id(&format!("staff:aarhus:{key}")),
                    name: name.into(),
                    team: team.into(),
                    competences: Vec::new(),
                },
            )
            .await?;
    }
    let partners = [
        (
            "international-community",
            "International Community",
            Sector::Public,
            "services for newcomers",
            &[AgeGroup::YoungAdults, AgeGroup::Adults][..],
            &[Room::Meeting][..],
            Level::Partnership,
            "maria",
        ),
        (
            "red-barnet-ungdom",
            "Red Barnet Ungdom",
            Sector::CivilSociety,
            "homework cafés",
            &[AgeGroup::Children, AgeGroup::Teenagers][..],
            &[Room::Learning][..],
            Level::Partnership,
            "peter",
        ),
        (
            "stiftstidende",
            "Århus Stiftstidende",
            Sector::Private,
            "computer games",
            &[AgeGroup::Teenagers][..],
            &[Room::Performative][..],
            Level::Collaboration,
            "peter",
        ),
        (
            "aarhus-universitet",
            "Aarhus Universitet",
            Sector::Public,
            "products and knowledge",
            &[AgeGroup::YoungAdults][..],
            &[Room::Learning, Room::Performative][..],
            Level::Collaboration,
            "lene",
        ),
        (
            "fo-aarhus",
            "FO-Aarhus",
            Sector::CivilSociety,
            "events",
            &[AgeGroup::Adults, AgeGroup::Seniors][..],
            &[Room::Meeting][..],
            Level::Network,
            "lene",
        ),
        (
            "fof-aarhus",
            "FOF Aarhus",
            Sector::CivilSociety,
            "events",
            &[AgeGroup::Adults, AgeGroup::Seniors][..],
            &[Room::Meeting][..],
            Level::Network,
            "lene",
        ),
    ];
    for (key, name, sector, topic, age_groups, rooms, level, holder) in partners {
        let organisation_id = demo_id(&format!("organisation:aarhus:{key}"));
        script
            .run(
                lene,
                Command::RegisterOrganisation {
                    organisation_id,
                    name: name.into(),
                    sector,
                    kind: String::new(),
                    tags: Vec::new(),
                    topics: strings(&[topic]),
                    website: None,
                    age_groups: age_groups.to_vec(),
                    rooms: rooms.to_vec(),
                    level: Some(level),
                    reason: "from the 2010 mapping".into(),
                },
            )
            .await?;
        script
            .run(
                lene,
                Command::AssignContactHolder {
                    organisation_id,
                    staff_id: demo_id(&format!("staff:aarhus:{holder}")),
                    topics: strings(&[topic]),
                },
            )
            .await?;
    }
    for (key, category, title, description) in [
        (
            "visitors",
            AssetCategory::OpeningHoursAndVisitors,
            "One of the most visited places in Aarhus",
            "Long opening hours and a broad user group",
        ),
        (
            "events",
            AssetCategory::Facilities,
            "Event spaces",
            "Rooms for debates, readings and exhibitions",
        ),
        (
            "knowledge",
            AssetCategory::InformationResources,
            "Access to information resources",
            "Databases, collections and librarians who search",
        ),
        (
            "digital",
            AssetCategory::DigitalResources,
            "Digital test bed",
            "A place to test products with real users",
        ),
    ] {
        script
            .run(
                lene,
                Command::AddAsset {
                    asset_id: demo_id(&format!("asset:aarhus:{key}")),
                    category,
                    title: title.into(),
                    description: description.into(),
                    contact_staff_id: None,
                },
            )
            .await?;
    }
    let board = demo_id("board:aarhus:age-groups");
    script
        .run(
            peter,
            Command::CreateBoard {
                board_id: board,
                title: "Which age groups need more partners?".into(),
                template: BoardTemplate::AgeGroups,
                vote_budget: Some(2),
            },
        )
        .await?;
    for (key, text, age_group) in [
        (
            "seniors",
            "Seniors: digital help with a civil society partner",
            AgeGroup::Seniors,
        ),
        (
            "toddlers",
            "Toddlers: reading with health visitors",
            AgeGroup::Toddlers,
        ),
    ] {
        script
            .run(
                peter,
                Command::AddNote {
                    board_id: board,
                    note_id: demo_id(&format!("note:aarhus:{key}")),
                    text: text.into(),
                    zone: Zone {
                        age_group: Some(age_group),
                        ..Zone::default()
                    },
                    x: 0,
                    y: 0,
                    colour: Some("#81d4fa".into()),
                },
            )
            .await?;
    }
    Ok(())
}
