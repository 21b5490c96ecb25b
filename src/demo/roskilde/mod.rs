//! Roskilde Bibliotekerne: the guide's Roskilde examples as one history, written by area in
//! the order it happens: the network (workspace, focus areas, colleagues, partners and their
//! levels over time), the partnerships, what the library offers, a mapping workshop, and what
//! two partners seek.

mod assets;
mod network;
mod partnerships;
mod seeks;
mod workshop;

use super::Script;

/// Jens Berg, head of the library: sets up the workspace and screens.
const JENS: &str = "jens@roskilde";
/// Mads Kruse, music: the festival and the Rockmuseum.
const MADS: &str = "mads@roskilde";
/// Anna Holm, children and young people: facilitates the workshop.
const ANNA: &str = "anna@roskilde";
/// Sofie Lund, digital: IT teaching with the unions and Eplehuset.
const SOFIE: &str = "sofie@roskilde";
/// Karen Dahl, art and culture.
const KAREN: &str = "karen@roskilde";

/// The Roskilde workspace's whole history, in order.
pub(super) fn script() -> Script {
    let mut script = Script::default();
    network::write(&mut script);
    partnerships::write(&mut script);
    assets::write(&mut script);
    workshop::write(&mut script);
    seeks::write(&mut script);
    script
}
