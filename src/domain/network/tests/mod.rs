//! Given/when/then tests of the network, one file per part:
//! - `staff`: focus areas, staff and wanted competences;
//! - `organisations`: organisations, their contacts and relation levels;
//! - `places`: places of the map's nodes;
//! - `seeks`: what organisations seek from the library;
//! - `import`: importing organisations from a spreadsheet in one command.

mod import;
mod organisations;
mod places;
mod seeks;
mod staff;
