//! Roskilde's mapping workshop on the network circle: notes placed by level, grouped, voted
//! on, and the favourite promoted to an organisation of the network.

use super::{ANNA, JENS, KAREN, MADS, SOFIE};
use crate::demo::{demo_id, strings, Script};
use crate::domain::vocabulary::{BoardPhase, BoardTemplate, Level, Sector, Zone};
use crate::domain::{Command, PromoteTo};

/// A note: key (`note:<key>`), author, text, level on the circle, position.
const NOTES: [(&str, &str, &str, Level, i32, i32); 4] = [
    (
        "gymnasium",
        MADS,
        "Roskilde Gymnasiums gamingklub",
        Level::Collaboration,
        40,
        60,
    ),
    (
        "kulturforvaltning",
        KAREN,
        "Kommunens kulturforvaltning",
        Level::Network,
        220,
        40,
    ),
    (
        "roede-kors",
        SOFIE,
        "Røde Kors Ungdom: lektiehjælp",
        Level::Network,
        140,
        180,
    ),
    (
        "festival-volunteers",
        ANNA,
        "Festivalens frivillige som læseambassadører",
        Level::Partnership,
        300,
        200,
    ),
];

/// The votes, in the order they were cast: voter and note key.
const VOTES: [(&str, &str); 7] = [
    (MADS, "gymnasium"),
    (MADS, "gymnasium"),
    (SOFIE, "gymnasium"),
    (KAREN, "kulturforvaltning"),
    (SOFIE, "roede-kors"),
    (ANNA, "festival-volunteers"),
    (JENS, "gymnasium"),
];

/// The workshop, facilitated by Anna, from the empty board to the promoted note.
pub(super) fn write(script: &mut Script) {
    let board_id = demo_id("board:mapping-2025");
    script.on(2025, 10, 27);
    script.send(
        ANNA,
        Command::CreateBoard {
            board_id,
            title: "Kortlægning af vores netværk, personaledag 2025".into(),
            template: BoardTemplate::NetworkCircle,
            vote_budget: Some(3),
        },
    );
    for (key, author, text, level, x, y) in NOTES {
        script.send(
            author,
            Command::AddNote {
                board_id,
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
        );
    }
    script.on(2025, 11, 4);
    for to in [BoardPhase::Reveal, BoardPhase::Grouping] {
        script.send(
            ANNA,
            Command::AdvanceBoardPhase {
                board_id,
                to,
                anonymous: None,
                vote_budget: None,
                note_cap: None,
            },
        );
    }
    script.send(
        ANNA,
        Command::GroupNotes {
            board_id,
            group_id: demo_id("group:young-people"),
            label: "Unge".into(),
            note_ids: vec![demo_id("note:gymnasium"), demo_id("note:roede-kors")],
        },
    );
    script.send(
        ANNA,
        Command::AdvanceBoardPhase {
            board_id,
            to: BoardPhase::Voting,
            anonymous: None,
            vote_budget: None,
            note_cap: None,
        },
    );
    for (voter, note) in VOTES {
        script.send(
            voter,
            Command::CastVote {
                board_id,
                note_id: demo_id(&format!("note:{note}")),
            },
        );
    }
    script.send(
        ANNA,
        Command::AdvanceBoardPhase {
            board_id,
            to: BoardPhase::Discussion,
            anonymous: Some(false),
            vote_budget: None,
            note_cap: None,
        },
    );
    let gymnasium = demo_id("organisation:roskilde-gymnasium");
    script.send(
        ANNA,
        Command::PromoteNote {
            board_id,
            note_id: demo_id("note:gymnasium"),
            to: PromoteTo::Organisation {
                organisation_id: gymnasium,
                name: Some("Roskilde Gymnasium".into()),
                sector: Sector::Public,
                kind: "gymnasium".into(),
            },
        },
    );
    script.send(
        ANNA,
        Command::AssignContactHolder {
            organisation_id: gymnasium,
            staff_id: demo_id("staff:anna"),
            topics: strings(&["gamingklub"]),
        },
    );
}
