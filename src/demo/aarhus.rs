//! Aarhus Hovedbibliotek: the partners of the guide's Aarhus example ("Vi kan – Vil du?")
//! with their levels from the 2010 mapping, what the library offers, and a workshop board
//! on which age groups need more partners.

use super::{demo_id, strings, Script};
use crate::domain::vocabulary::{
    AgeGroup, AssetCategory, BoardTemplate, Level, Room, Sector, Zone,
};
use crate::domain::Command;

/// Lene Vestergaard, partnerships: sets up the workspace.
const LENE: &str = "lene@aarhus";
/// Peter Nygaard, children and families: runs the workshop.
const PETER: &str = "peter@aarhus";

/// A colleague: key (`staff:aarhus:<key>`), name, team.
const STAFF: [(&str, &str, &str); 3] = [
    ("lene", "Lene Vestergaard", "Partnerskaber"),
    ("peter", "Peter Nygaard", "Børn og familie"),
    ("maria", "Maria Østergaard", "Borgerservice"),
];

/// A partner from the 2010 mapping.
struct Partner {
    /// Its id is `organisation:aarhus:<key>`.
    key: &'static str,
    name: &'static str,
    sector: Sector,
    /// What it works with the library on (its topic, and its contact holder's).
    topic: &'static str,
    age_groups: &'static [AgeGroup],
    rooms: &'static [Room],
    level: Level,
    /// The colleague who holds the contact (`staff:aarhus:<holder>`).
    holder: &'static str,
}

const PARTNERS: [Partner; 6] = [
    Partner {
        key: "international-community",
        name: "International Community",
        sector: Sector::Public,
        topic: "service for nytilkomne",
        age_groups: &[AgeGroup::YoungAdults, AgeGroup::Adults],
        rooms: &[Room::Meeting],
        level: Level::Partnership,
        holder: "maria",
    },
    Partner {
        key: "red-barnet-ungdom",
        name: "Red Barnet Ungdom",
        sector: Sector::CivilSociety,
        topic: "lektiecaféer",
        age_groups: &[AgeGroup::Children, AgeGroup::Teenagers],
        rooms: &[Room::Learning],
        level: Level::Partnership,
        holder: "peter",
    },
    Partner {
        key: "stiftstidende",
        name: "Århus Stiftstidende",
        sector: Sector::Private,
        topic: "computerspil",
        age_groups: &[AgeGroup::Teenagers],
        rooms: &[Room::Performative],
        level: Level::Collaboration,
        holder: "peter",
    },
    Partner {
        key: "aarhus-universitet",
        name: "Aarhus Universitet",
        sector: Sector::Public,
        topic: "produkter og viden",
        age_groups: &[AgeGroup::YoungAdults],
        rooms: &[Room::Learning, Room::Performative],
        level: Level::Collaboration,
        holder: "lene",
    },
    Partner {
        key: "fo-aarhus",
        name: "FO-Aarhus",
        sector: Sector::CivilSociety,
        topic: "arrangementer",
        age_groups: &[AgeGroup::Adults, AgeGroup::Seniors],
        rooms: &[Room::Meeting],
        level: Level::Network,
        holder: "lene",
    },
    Partner {
        key: "fof-aarhus",
        name: "FOF Aarhus",
        sector: Sector::CivilSociety,
        topic: "arrangementer",
        age_groups: &[AgeGroup::Adults, AgeGroup::Seniors],
        rooms: &[Room::Meeting],
        level: Level::Network,
        holder: "lene",
    },
];

/// An asset: key (`asset:aarhus:<key>`), category, title, description.
const ASSETS: [(&str, AssetCategory, &str, &str); 4] = [
    (
        "visitors",
        AssetCategory::OpeningHoursAndVisitors,
        "Et af de mest besøgte steder i Aarhus",
        "Lange åbningstider og en bred brugergruppe",
    ),
    (
        "events",
        AssetCategory::Facilities,
        "Rum til arrangementer",
        "Lokaler til debatter, oplæsninger og udstillinger",
    ),
    (
        "knowledge",
        AssetCategory::InformationResources,
        "Adgang til informationsressourcer",
        "Databaser, samlinger og bibliotekarer, der søger",
    ),
    (
        "digital",
        AssetCategory::DigitalResources,
        "Digitalt testmiljø",
        "Et sted at teste produkter med rigtige brugere",
    ),
];

/// The workshop's notes: key (`note:aarhus:<key>`), text, age group.
const NOTES: [(&str, &str, AgeGroup); 2] = [
    (
        "seniors",
        "Seniorer: digital hjælp med en partner fra civilsamfundet",
        AgeGroup::Seniors,
    ),
    (
        "toddlers",
        "Småbørn: læsning med sundhedsplejersker",
        AgeGroup::Toddlers,
    ),
];

/// The days each partner of the 2010 mapping was typed into the workspace, in the order of
/// [`PARTNERS`]: the mapping was brought in bit by bit.
const TYPED_IN: [(i32, u32, u32); 6] = [
    (2023, 3, 6),
    (2023, 3, 6),
    (2023, 9, 18),
    (2024, 2, 5),
    (2024, 11, 11),
    (2025, 5, 12),
];

/// The Aarhus workspace's whole history, in order.
pub(super) fn script() -> Script {
    let mut script = Script::default();
    script.on(2023, 3, 6);
    script.send(
        LENE,
        Command::CreateWorkspace {
            name: "Aarhus Hovedbibliotek".into(),
            description: "Borgerservice og Biblioteker Aarhus: hovedbibliotekets partnere".into(),
        },
    );
    for (key, name, team) in STAFF {
        script.send(
            LENE,
            Command::AddStaffMember {
                staff_id: demo_id(&format!("staff:aarhus:{key}")),
                name: name.into(),
                team: team.into(),
                competences: Vec::new(),
            },
        );
    }
    for (partner, (year, month, day)) in PARTNERS.iter().zip(TYPED_IN) {
        let organisation_id = demo_id(&format!("organisation:aarhus:{}", partner.key));
        script.on(year, month, day);
        script.send(
            LENE,
            Command::RegisterOrganisation {
                organisation_id,
                name: partner.name.into(),
                sector: partner.sector,
                kind: String::new(),
                tags: Vec::new(),
                topics: strings(&[partner.topic]),
                website: None,
                age_groups: partner.age_groups.to_vec(),
                rooms: partner.rooms.to_vec(),
                level: Some(partner.level),
                reason: "fra kortlægningen i 2010".into(),
            },
        );
        script.send(
            LENE,
            Command::AssignContactHolder {
                organisation_id,
                staff_id: demo_id(&format!("staff:aarhus:{}", partner.holder)),
                topics: strings(&[partner.topic]),
            },
        );
    }
    script.on(2024, 3, 4);
    for (key, category, title, description) in ASSETS {
        script.send(
            LENE,
            Command::AddAsset {
                asset_id: demo_id(&format!("asset:aarhus:{key}")),
                category,
                title: title.into(),
                description: description.into(),
                contact_staff_id: None,
            },
        );
    }
    let board_id = demo_id("board:aarhus:age-groups");
    script.on(2026, 1, 19);
    script.send(
        PETER,
        Command::CreateBoard {
            board_id,
            title: "Hvilke aldersgrupper har brug for flere partnere?".into(),
            template: BoardTemplate::AgeGroups,
            vote_budget: Some(2),
        },
    );
    for (key, text, age_group) in NOTES {
        script.send(
            PETER,
            Command::AddNote {
                board_id,
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
        );
    }
    script
}
