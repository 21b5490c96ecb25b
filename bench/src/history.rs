//! A generated, realistic history of one workspace for the rebuild benchmark: years of a
//! large library system's partnership work, as valid domain events in a plausible order.
//!
//! A seeded random walk over a small model of the workspace (staff, organisations and their
//! level on the network circle, partnerships and their phase, the workshop board in progress)
//! chooses the next activity. The mix by event count is roughly: workshop boards 40 % (notes
//! added, edited, moved, grouped, voted on, promoted), partnership work 30 % (phase changes,
//! screenings, agreement amendments, resources, evaluations, communication, readiness),
//! relation level changes 12 %, organisation updates 7 %, contact holders and persons 7 %,
//! new organisations, staff and assets the rest. The network grows to some 1,600
//! organisations early and to about 2,700 over a million events (staying under the size
//! above which betweenness is skipped); partnerships start and end throughout.
//!
//! This file holds the model and the walk ([`History::next_activity`] picks an activity);
//! each area's activities are methods in a module of their own: `network` (staff,
//! organisations, levels, contacts, assets), `partnerships` and `workshop`; `words` holds
//! the Danish words they are made of.

use chrono::{Duration as Days, NaiveDate};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use uuid::Uuid;

use partnerhub::domain::events::DomainEvent;
use partnerhub::domain::vocabulary::{Goal, Level, Phase, Room};

mod network;
mod partnerships;
mod words;
mod workshop;

/// Organisations the network grows to; after that new ones are rare.
const ORGANISATIONS: usize = 1_600;
/// Staff the library keeps (some leave, others join).
const STAFF: usize = 80;
/// Active partnerships the library can carry at once.
const ACTIVE_PARTNERSHIPS: usize = 250;
/// Events per simulated day (dates in the events advance with the history).
const EVENTS_PER_DAY: u64 = 400;

struct OrganisationModel {
    id: Uuid,
    level: Option<Level>,
    holders: Vec<Uuid>,
    persons: Vec<Uuid>,
}

struct PartnershipModel {
    id: Uuid,
    phase: Phase,
    agreement_version: u32,
    plan_items: Vec<Uuid>,
}

/// The generator: a seeded random walk producing a valid workspace history.
pub(crate) struct History {
    rng: StdRng,
    /// Events produced so far (the dates advance with it).
    produced: u64,
    staff: Vec<Uuid>,
    organisations: Vec<OrganisationModel>,
    partnerships: Vec<PartnershipModel>,
    assets: Vec<Uuid>,
    boards: u64,
}

fn pick<T: Copy>(rng: &mut StdRng, items: &[T]) -> T {
    items[rng.gen_range(0..items.len())]
}

fn some_of<T: Copy + PartialEq>(rng: &mut StdRng, items: &[T], most: usize) -> Vec<T> {
    let count = rng.gen_range(1..=most.min(items.len()));
    let mut chosen: Vec<T> = items.choose_multiple(rng, count).copied().collect();
    chosen.dedup();
    chosen
}

impl History {
    /// A generator seeded with `seed`; the same seed gives the same history.
    pub(crate) fn new(seed: u64) -> Self {
        History {
            rng: StdRng::seed_from_u64(seed),
            produced: 0,
            staff: Vec::new(),
            organisations: Vec::new(),
            partnerships: Vec::new(),
            assets: Vec::new(),
            boards: 0,
        }
    }

    /// The events that open the history: the workspace, its staff, its first organisations.
    pub(crate) fn opening(&mut self, name: &str) -> Vec<DomainEvent> {
        let mut events = vec![DomainEvent::WorkspaceCreated {
            name: name.to_owned(),
            description: "Partnerskaber for hele bibliotekssystemet, genereret til benchmark"
                .into(),
        }];
        for _ in 0..STAFF {
            self.add_staff(&mut events);
        }
        for goal in Goal::ALL {
            events.push(DomainEvent::FocusAreaDefined {
                focus_area_id: self.id(),
                name: format!("Fokus: {}", goal.label()),
                goal: *goal,
                room: pick(&mut self.rng, Room::ALL),
                description: "Strategisk fokusområde fra bibliotekets udviklingsplan".into(),
            });
        }
        self.produced += events.len() as u64;
        events
    }

    fn id(&mut self) -> Uuid {
        uuid::Builder::from_random_bytes(self.rng.gen()).into_uuid()
    }

    fn today(&self) -> NaiveDate {
        let start = NaiveDate::from_ymd_opt(2019, 1, 7).unwrap_or_default();
        start + Days::days((self.produced / EVENTS_PER_DAY) as i64)
    }

    /// Appends the events of the next activity to `out` (one or more; a workshop is about a
    /// hundred and fifty).
    pub(crate) fn next_activity(&mut self, out: &mut Vec<DomainEvent>) {
        let before = out.len();
        let roll = self.rng.gen_range(0..1000u32);
        let growing = self.organisations.len() < ORGANISATIONS;
        match roll {
            0..=4 => self.workshop(out),
            5..=104 if growing || roll == 5 => self.register_organisation(out),
            5..=244 => self.change_level(out),
            245..=324 => self.update_organisation(out),
            325..=404 => self.contact_holder(out),
            405..=434 => self.contact_person(out),
            435..=474 => self.propose_partnership(out, None),
            475..=984 => self.partnership_step(out),
            985..=991 => self.staff_change(out),
            _ => self.asset(out),
        }
        // Nothing to do (no partnership to move, or the active list is full): a level change.
        if out.len() == before {
            self.change_level(out);
        }
        self.produced += (out.len() - before) as u64;
    }
}

#[cfg(test)]
mod tests;
