//! Roskilde's network: the workspace, the four focus areas on the library model, five
//! colleagues, the guide's Roskilde partners with their contact holders, and how each moved
//! on the network circle over two years.

use super::{ANNA, JENS, MADS, SOFIE};
use crate::demo::{date, demo_id, strings, Script};
use crate::domain::events::PersonalData;
use crate::domain::vocabulary::{AgeGroup, Goal, Level, Room, Sector};
use crate::domain::Command;

/// A focus area: name, goal, room on the library model, description.
const FOCUS_AREAS: [(&str, Goal, Room, &str); 4] = [
    (
        "Det musiske bibliotek",
        Goal::Experience,
        Room::Inspiration,
        "Musik og kunst som oplevelse",
    ),
    (
        "Det digitale bibliotek",
        Goal::Empowerment,
        Room::Learning,
        "Digitale færdigheder for alle",
    ),
    (
        "Biblioteket som mødested",
        Goal::Engagement,
        Room::Meeting,
        "Biblioteket som byens mødested",
    ),
    (
        "Det dynamiske bibliotek",
        Goal::Innovation,
        Room::Performative,
        "Brugerne skaber og optræder",
    ),
];

/// A colleague: key (`staff:<key>`), name, team, competences.
const STAFF: [(&str, &str, &str, &[&str]); 5] = [
    ("jens", "Jens Berg", "Ledelse", &["strategi", "aftaler"]),
    (
        "mads",
        "Mads Kruse",
        "Musik",
        &["koncerter", "festivallogistik"],
    ),
    (
        "anna",
        "Anna Holm",
        "Børn og unge",
        &["gaming", "arrangementer for unge"],
    ),
    (
        "sofie",
        "Sofie Lund",
        "Digital",
        &["iPad-undervisning", "IT-kurser"],
    ),
    ("karen", "Karen Dahl", "Kunst og kultur", &["udstillinger"]),
];

/// A partner of the guide's Roskilde examples, registered at the network level.
struct Partner {
    /// Its id is `organisation:<key>`.
    key: &'static str,
    name: &'static str,
    sector: Sector,
    kind: &'static str,
    website: &'static str,
    topics: &'static [&'static str],
    age_groups: &'static [AgeGroup],
    rooms: &'static [Room],
    /// The colleague who holds the contact (`staff:<holder>`), and about what.
    holder: &'static str,
    holder_topic: &'static str,
    /// The day it entered the network: year, month, day.
    since: (i32, u32, u32),
}

const PARTNERS: [Partner; 5] = [
    Partner {
        key: "roskilde-festival",
        name: "Roskilde Festival",
        sector: Sector::CivilSociety,
        kind: "festival",
        website: "https://www.roskilde-festival.dk",
        topics: &["musik", "festivalområde"],
        age_groups: &[AgeGroup::YoungAdults, AgeGroup::Adults],
        rooms: &[Room::Inspiration, Room::Performative],
        holder: "mads",
        holder_topic: "musik",
        since: (2023, 1, 16),
    },
    Partner {
        key: "danmarks-rockmuseum",
        name: "Danmarks Rockmuseum",
        sector: Sector::Public,
        kind: "museum",
        website: "https://www.rockmuseum.dk",
        // Not "bibliotekstilbud": the suggestions compare words by a five-letter stem, and
        // "bibli..." would make it talk about the focus area "Det dynamiske bibliotek".
        topics: &["musikhistorie", "tilbud i museet"],
        age_groups: &[AgeGroup::Teenagers, AgeGroup::Adults],
        rooms: &[Room::Learning, Room::Inspiration],
        holder: "mads",
        holder_topic: "musikhistorie",
        since: (2023, 5, 10),
    },
    Partner {
        key: "eplehuset",
        name: "Eplehuset",
        sector: Sector::Private,
        kind: "butik",
        website: "https://www.eplehuset.dk",
        topics: &["iPads"],
        age_groups: &[AgeGroup::Adults, AgeGroup::Seniors],
        rooms: &[Room::Learning],
        holder: "sofie",
        holder_topic: "iPads",
        since: (2023, 8, 14),
    },
    Partner {
        key: "fagbevaegelsen-roskilde",
        name: "Fagbevægelsen i Roskilde",
        sector: Sector::CivilSociety,
        kind: "fagforeninger",
        website: "https://www.fho.dk",
        topics: &["IT-undervisning"],
        age_groups: &[AgeGroup::Adults, AgeGroup::Seniors],
        rooms: &[Room::Learning, Room::Meeting],
        holder: "sofie",
        holder_topic: "IT-undervisning",
        since: (2023, 2, 6),
    },
    Partner {
        key: "museet-for-samtidskunst",
        name: "Museet for Samtidskunst",
        sector: Sector::Public,
        kind: "museum",
        website: "https://www.samtidskunst.dk",
        topics: &["samtidskunst"],
        age_groups: &[AgeGroup::YoungAdults, AgeGroup::Adults],
        rooms: &[Room::Inspiration, Room::Performative],
        holder: "karen",
        holder_topic: "samtidskunst",
        since: (2024, 10, 1),
    },
];

/// A move on the network circle.
struct LevelChange {
    /// The partner's key (`organisation:<key>`).
    partner: &'static str,
    to: Level,
    reason: &'static str,
    /// The day it happened: year, month, day.
    on: (i32, u32, u32),
    /// Who moved it.
    by: &'static str,
}

/// How the partners moved on the network circle over two years, in order.
const LEVEL_CHANGES: [LevelChange; 6] = [
    LevelChange {
        partner: "roskilde-festival",
        to: Level::Collaboration,
        reason: "alternativt festivalområde med bibliotekets telt",
        on: (2023, 6, 24),
        by: MADS,
    },
    LevelChange {
        partner: "fagbevaegelsen-roskilde",
        to: Level::Collaboration,
        reason: "IT-undervisning for medlemmer på biblioteket",
        on: (2023, 9, 1),
        by: SOFIE,
    },
    LevelChange {
        partner: "danmarks-rockmuseum",
        to: Level::Collaboration,
        reason: "et bibliotekstilbud inde i museet",
        on: (2024, 1, 15),
        by: MADS,
    },
    LevelChange {
        partner: "roskilde-festival",
        to: Level::Partnership,
        reason: "festivalområdet aftalt som en årlig ramme",
        on: (2024, 5, 2),
        by: MADS,
    },
    LevelChange {
        partner: "eplehuset",
        to: Level::Collaboration,
        reason: "iPad-introduktioner for seniorer i butikken",
        on: (2024, 9, 10),
        by: SOFIE,
    },
    LevelChange {
        partner: "fagbevaegelsen-roskilde",
        to: Level::Network,
        reason: "kursusrækken sluttede; vi holder kontakten",
        on: (2025, 3, 31),
        by: SOFIE,
    },
];

/// The workspace, its focus areas and colleagues, the partners and their levels over time.
pub(super) fn write(script: &mut Script) {
    script.on(2023, 1, 9);
    script.send(
        JENS,
        Command::CreateWorkspace {
            name: "Roskilde Bibliotekerne".into(),
            description:
                "Roskilde Bibliotekerne: strategisk partnerskabsarbejde efter \"Byg partnerskaber!\""
                    .into(),
        },
    );
    for (name, goal, room, description) in FOCUS_AREAS {
        script.send(
            JENS,
            Command::DefineFocusArea {
                focus_area_id: demo_id(&format!("focus:{name}")),
                name: name.into(),
                goal,
                room,
                description: description.into(),
            },
        );
    }
    for (key, name, team, competences) in STAFF {
        script.send(
            JENS,
            Command::AddStaffMember {
                staff_id: demo_id(&format!("staff:{key}")),
                name: name.into(),
                team: team.into(),
                competences: strings(competences),
            },
        );
    }
    script.send(
        JENS,
        Command::SetWantedCompetences {
            competences: strings(&["gaming", "fundraising", "podcastproduktion"]),
        },
    );
    for partner in &PARTNERS {
        let organisation_id = demo_id(&format!("organisation:{}", partner.key));
        let (year, month, day) = partner.since;
        script.on(year, month, day);
        script.send(
            JENS,
            Command::RegisterOrganisation {
                organisation_id,
                name: partner.name.into(),
                sector: partner.sector,
                kind: partner.kind.into(),
                tags: Vec::new(),
                topics: strings(partner.topics),
                website: Some(partner.website.into()),
                age_groups: partner.age_groups.to_vec(),
                rooms: partner.rooms.to_vec(),
                level: Some(Level::Network),
                reason: "kendt fra tidligere arrangementer".into(),
            },
        );
        script.send(
            JENS,
            Command::AssignContactHolder {
                organisation_id,
                staff_id: demo_id(&format!("staff:{}", partner.holder)),
                topics: strings(&[partner.holder_topic]),
            },
        );
    }
    let festival = demo_id("organisation:roskilde-festival");
    // Anna courts the festival too, about gaming for young people: a duplicate contact.
    script.on(2024, 6, 3);
    script.send(
        ANNA,
        Command::AssignContactHolder {
            organisation_id: festival,
            staff_id: demo_id("staff:anna"),
            topics: strings(&["gamingtelt", "musik"]),
        },
    );
    script.on(2023, 1, 20);
    script.send(
        MADS,
        Command::AddContactPerson {
            organisation_id: festival,
            person_id: demo_id("person:festival-program"),
            role: "programkoordinator".into(),
            personal: PersonalData {
                name: "Lise Mortensen".into(),
                email: Some("lise.mortensen@example.org".into()),
                phone: Some("+45 46 00 00 00".into()),
            },
        },
    );
    for change in &LEVEL_CHANGES {
        let (year, month, day) = change.on;
        script.on(year, month, day);
        script.send(
            change.by,
            Command::ChangeRelationLevel {
                organisation_id: demo_id(&format!("organisation:{}", change.partner)),
                to: Some(change.to),
                reason: change.reason.into(),
                occurred_on: Some(date(year, month, day)),
            },
        );
    }
}
