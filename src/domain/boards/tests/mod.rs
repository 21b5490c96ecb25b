//! Given/when/then tests of workshop boards, one file per part:
//! - `facilitation`: creation and facilitation;
//! - `notes_and_dots`: notes, groups and dots;
//! - `promotion`: promoting notes;
//! - `voting_rules_and_handing`: the rules of a vote and handing the facilitation on.

mod facilitation;
mod notes_and_dots;
mod promotion;
mod voting_rules_and_handing;
