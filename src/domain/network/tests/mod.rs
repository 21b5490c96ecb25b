//! Given/when/then tests of the network, one file per part:
//! - `staff`: focus areas, staff and wanted competences;
//! - `organisations`: organisations, their contacts and relation levels;
//! - `import`: importing organisations from a spreadsheet in one command.

mod import;
mod organisations;
mod staff;
