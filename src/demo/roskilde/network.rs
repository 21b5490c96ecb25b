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
];

/// A colleague: key (`staff:<key>`), name, team, competences.
const STAFF: [(&str, &str, &str, &[&str]); 5] = [
    ("jens", "Jens Berg", "Ledelse", &["strategy", "agreements"]),
    (
        "mads",
        "Mads Kruse",
        "Musik",
        &["concerts", "festival logistics"],
    ),
    (
        "anna",
        "Anna Holm",
        "Børn og unge",
        &["gaming", "events for young people"],
    ),
    (
        "sofie",
        "Sofie Lund",
        "Digital",
        &["iPad teaching", "IT courses"],
    ),
    ("karen", "Karen Dahl", "Kunst og kultur", &["exhibitions"]),
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
        topics: &["music", "festival area"],
        age_groups: &[AgeGroup::YoungAdults, AgeGroup::Adults],
        rooms: &[Room::Inspiration, Room::Performative],
        holder: "mads",
        holder_topic: "music",
        since: (2023, 1, 16),
    },
    Partner {
        key: "danmarks-rockmuseum",
        name: "Danmarks Rockmuseum",
        sector: Sector::Public,
        kind: "museum",
        website: "https://www.rockmuseum.dk",
        topics: &["music history", "library offer in the museum"],
        age_groups: &[AgeGroup::Teenagers, AgeGroup::Adults],
        rooms: &[Room::Learning, Room::Inspiration],
        holder: "mads",
        holder_topic: "music history",
        since: (2023, 5, 10),
    },
    Partner {
        key: "eplehuset",
        name: "Eplehuset",
        sector: Sector::Private,
        kind: "shop",
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
        kind: "trade unions",
        website: "https://www.fho.dk",
        topics: &["IT teaching"],
        age_groups: &[AgeGroup::Adults, AgeGroup::Seniors],
        rooms: &[Room::Learning, Room::Meeting],
        holder: "sofie",
        holder_topic: "IT teaching",
        since: (2023, 2, 6),
    },
    Partner {
        key: "museet-for-samtidskunst",
        name: "Museet for Samtidskunst",
        sector: Sector::Public,
        kind: "museum",
        website: "https://www.samtidskunst.dk",
        topics: &["contemporary art"],
        age_groups: &[AgeGroup::YoungAdults, AgeGroup::Adults],
        rooms: &[Room::Inspiration, Room::Performative],
        holder: "karen",
        holder_topic: "contemporary art",
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
        reason: "alternative festival area with the library's tent",
        on: (2023, 6, 24),
        by: MADS,
    },
    LevelChange {
        partner: "fagbevaegelsen-roskilde",
        to: Level::Collaboration,
        reason: "IT teaching for members in the library",
        on: (2023, 9, 1),
        by: SOFIE,
    },
    LevelChange {
        partner: "danmarks-rockmuseum",
        to: Level::Collaboration,
        reason: "a library offer inside the museum",
        on: (2024, 1, 15),
        by: MADS,
    },
    LevelChange {
        partner: "roskilde-festival",
        to: Level::Partnership,
        reason: "festival area agreed as a yearly frame",
        on: (2024, 5, 2),
        by: MADS,
    },
    LevelChange {
        partner: "eplehuset",
        to: Level::Collaboration,
        reason: "iPad introductions for seniors in the shop",
        on: (2024, 9, 10),
        by: SOFIE,
    },
    LevelChange {
        partner: "fagbevaegelsen-roskilde",
        to: Level::Network,
        reason: "the course series ended; we keep in touch",
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
                "Roskilde's libraries: strategic partnership work after \"Byg partnerskaber!\""
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
            competences: strings(&["gaming", "fundraising", "podcast production"]),
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
                reason: "known from earlier events".into(),
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
            topics: strings(&["gaming tent", "music"]),
        },
    );
    script.on(2023, 1, 20);
    script.send(
        MADS,
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
