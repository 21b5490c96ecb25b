//! Given/when/then tests of partnerships, one file per part:
//! - `proposal_and_phases`: proposal, update, the twelve phases and the screening;
//! - `agreement_to_ending`: the agreement, resources, evaluations, communication, readiness and ending.

mod agreement_to_ending;
mod proposal_and_phases;
