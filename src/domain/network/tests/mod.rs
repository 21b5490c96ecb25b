//! Given/when/then tests of the network, one file per part:
//! - `staff`: focus areas, staff and wanted competences;
//! - `organisations`: organisations, their contacts and relation levels;
//! - `places`: places of the map's nodes.

mod organisations;
mod places;
mod staff;
