//! Given/when/then tests of workshop boards, one file per part:
//! - `facilitation`: creation and facilitation;
//! - `notes_and_dots`: notes, groups and dots;
//! - `promotion`: promoting notes.

mod facilitation;
mod notes_and_dots;
mod promotion;
