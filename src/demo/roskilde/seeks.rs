//! What two of Roskilde's partners seek from the library, recorded after the mapping
//! workshop, in Danish as the staff typed it: the museum of contemporary art wants room for
//! exhibitions and contact with young people, the trade unions want rooms for member meetings. With it the suggestions have
//! something to match against the assets list, and the museum (Karen knows it) is a fitting
//! partner for the empty performative x innovation cell.

use super::{KAREN, SOFIE};
use crate::demo::{demo_id, strings, Script};
use crate::domain::vocabulary::SeeksSource;
use crate::domain::Command;

/// What the partners seek.
pub(super) fn write(script: &mut Script) {
    script.send(
        KAREN,
        Command::RecordOrganisationSeeks {
            organisation_id: demo_id("organisation:museet-for-samtidskunst"),
            seeks: strings(&["udstillingsplads", "kontakt med unge"]),
            source: SeeksSource::Typed,
        },
    );
    script.send(
        SOFIE,
        Command::RecordOrganisationSeeks {
            organisation_id: demo_id("organisation:fagbevaegelsen-roskilde"),
            seeks: strings(&["lokaler til medlemsmøder"]),
            source: SeeksSource::MappingWorkshop,
        },
    );
}
