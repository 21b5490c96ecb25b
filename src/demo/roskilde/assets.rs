//! What Roskilde's libraries offer partners (the guide's assets list), some with the
//! colleague to ask.

use super::JENS;
use crate::demo::{demo_id, Script};
use crate::domain::vocabulary::AssetCategory;
use crate::domain::Command;

/// An asset: key (`asset:<key>`), category, title, description, the colleague to ask.
const ASSETS: [(&str, AssetCategory, &str, &str, Option<&str>); 6] = [
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
];

/// The assets list.
pub(super) fn write(script: &mut Script) {
    script.on(2024, 4, 8);
    for (key, category, title, description, contact) in ASSETS {
        script.send(
            JENS,
            Command::AddAsset {
                asset_id: demo_id(&format!("asset:{key}")),
                category,
                title: title.into(),
                description: description.into(),
                contact_staff_id: contact.map(|staff| demo_id(&format!("staff:{staff}"))),
            },
        );
    }
}
