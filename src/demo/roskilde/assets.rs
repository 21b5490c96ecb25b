//! What Roskilde's libraries offer partners (the guide's assets list, "Vi kan – Vil du?"), in
//! Danish as the public page shows it to potential partners, some with the colleague to ask.

use super::JENS;
use crate::demo::{demo_id, Script};
use crate::domain::vocabulary::AssetCategory;
use crate::domain::Command;

/// An asset: key (`asset:<key>`), category, title, description, the colleague to ask.
const ASSETS: [(&str, AssetCategory, &str, &str, Option<&str>); 6] = [
    (
        "contact-surface",
        AssetCategory::ContactSurface,
        "En bred kontaktflade",
        "Brugere i alle aldre og med alle baggrunde, hver dag",
        None,
    ),
    (
        "trust",
        AssetCategory::Trust,
        "Høj tillid",
        "Borgerne har tillid til biblioteket som et neutralt sted",
        None,
    ),
    (
        "facilities",
        AssetCategory::Facilities,
        "Rum til debat og udstillinger",
        "Sal til 120, udstillingsvægge og en scene",
        Some("karen"),
    ),
    (
        "opening-hours",
        AssetCategory::OpeningHoursAndVisitors,
        "Lange åbningstider og mange besøgende",
        "Åbent 8-22 med selvbetjening; et af byens højeste besøgstal",
        None,
    ),
    (
        "gaming",
        AssetCategory::Competences,
        "Gaming for unge",
        "Medarbejdere, der holder gamingarrangementer og turneringer",
        Some("anna"),
    ),
    (
        "festival-logistics",
        AssetCategory::Competences,
        "Festivallogistik",
        "Vi har drevet et område på Roskilde Festival siden 2023",
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
