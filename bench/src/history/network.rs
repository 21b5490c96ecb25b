//! The network's share of the generated history: staff who join, change and leave,
//! organisations registered and updated, their level on the network circle, their contact
//! holders and persons, and the assets the library offers.

use rand::seq::SliceRandom;
use rand::Rng;
use uuid::Uuid;

use super::words::{KINDS, PLACES, TOPICS};
use super::{pick, some_of, History, OrganisationModel, STAFF};
use partnerhub::domain::events::{DomainEvent, PersonalField, SealedPersonalData};
use partnerhub::domain::vocabulary::{AgeGroup, AssetCategory, Level, Room};

impl History {
    pub(super) fn add_staff(&mut self, out: &mut Vec<DomainEvent>) {
        let staff_id = self.id();
        let number = self.staff.len() + 1;
        let competences = some_of(&mut self.rng, &TOPICS, 3)
            .into_iter()
            .map(str::to_owned)
            .collect();
        out.push(DomainEvent::StaffMemberAdded {
            staff_id,
            name: format!("Medarbejder {number:03} {}", pick(&mut self.rng, &PLACES)),
            team: pick(
                &mut self.rng,
                &["Børn", "Voksne", "Digital", "Formidling", "Ledelse"],
            )
            .into(),
            competences,
        });
        self.staff.push(staff_id);
    }

    pub(super) fn staff_change(&mut self, out: &mut Vec<DomainEvent>) {
        if self.staff.len() > STAFF / 2 && self.rng.gen_bool(0.3) {
            let index = self.rng.gen_range(0..self.staff.len());
            let staff_id = self.staff.swap_remove(index);
            out.push(DomainEvent::StaffMemberLeft {
                staff_id,
                reason: "Ny stilling i en anden kommune".into(),
            });
            for organisation in &mut self.organisations {
                organisation.holders.retain(|holder| *holder != staff_id);
            }
            self.add_staff(out);
        } else if let Some(&staff_id) = self.staff.choose(&mut self.rng) {
            let competences = some_of(&mut self.rng, &TOPICS, 4)
                .into_iter()
                .map(str::to_owned)
                .collect();
            out.push(DomainEvent::StaffMemberUpdated {
                staff_id,
                team: pick(&mut self.rng, &["Børn", "Voksne", "Digital", "Formidling"]).into(),
                competences,
            });
        }
    }

    pub(super) fn organisation_registered(&mut self, organisation_id: Uuid) -> DomainEvent {
        let (kind, sector) = pick(&mut self.rng, &KINDS);
        let place = pick(&mut self.rng, &PLACES);
        let number = self.organisations.len() + 1;
        DomainEvent::OrganisationRegistered {
            organisation_id,
            name: format!("{place} {kind} {number}"),
            sector,
            kind: kind.to_lowercase(),
            tags: some_of(
                &mut self.rng,
                &["lokal", "regional", "frivillig", "skole"],
                2,
            )
            .into_iter()
            .map(str::to_owned)
            .collect(),
            topics: some_of(&mut self.rng, &TOPICS, 3)
                .into_iter()
                .map(str::to_owned)
                .collect(),
            website: Some(format!(
                "https://{}-{}.dk",
                place.to_lowercase(),
                kind.to_lowercase()
            )),
            age_groups: some_of(&mut self.rng, AgeGroup::ALL, 3),
            rooms: some_of(&mut self.rng, Room::ALL, 2),
        }
    }

    pub(super) fn register_organisation(&mut self, out: &mut Vec<DomainEvent>) {
        let organisation_id = self.id();
        out.push(self.organisation_registered(organisation_id));
        out.push(DomainEvent::RelationLevelChanged {
            organisation_id,
            from: None,
            to: Some(Level::Network),
            reason: "Mødt til netværksmøde i kommunen".into(),
            occurred_on: Some(self.today()),
        });
        let mut holders = Vec::new();
        if let Some(&staff_id) = self.staff.choose(&mut self.rng) {
            out.push(DomainEvent::ContactHolderAssigned {
                organisation_id,
                staff_id,
                topics: some_of(&mut self.rng, &TOPICS, 2)
                    .into_iter()
                    .map(str::to_owned)
                    .collect(),
            });
            holders.push(staff_id);
        }
        self.organisations.push(OrganisationModel {
            id: organisation_id,
            level: Some(Level::Network),
            holders,
            persons: Vec::new(),
        });
    }

    pub(super) fn change_level(&mut self, out: &mut Vec<DomainEvent>) {
        if self.organisations.is_empty() {
            return;
        }
        let index = self.rng.gen_range(0..self.organisations.len());
        let from = self.organisations[index].level;
        // A relation moves one step in or out on the circle; from the ends it can only turn.
        let up = match from {
            None => true,
            Some(Level::Partnership) => false,
            Some(_) => self.rng.gen_bool(0.5),
        };
        let to = match (from, up) {
            (None, _) => Some(Level::Network),
            (Some(Level::Network), true) => Some(Level::Collaboration),
            (Some(Level::Network), false) => None,
            (Some(Level::Collaboration), true) => Some(Level::Partnership),
            (Some(Level::Collaboration), false) => Some(Level::Network),
            (Some(Level::Partnership), _) => Some(Level::Collaboration),
        };
        let reason = match to {
            Some(Level::Partnership) => "Fælles aftale underskrevet efter screening",
            Some(Level::Collaboration) if up => "Første fælles arrangement gennemført",
            Some(Level::Collaboration) => "Aftalen udløb; vi samarbejder fortsat om enkelte ting",
            Some(Level::Network) if from.is_none() => "Genoptaget kontakt på et netværksmøde",
            Some(Level::Network) => "Kontaktpersonen stoppede; relationen er kølet af",
            None => "Organisationen er lukket",
        };
        let organisation = &mut self.organisations[index];
        organisation.level = to;
        let organisation_id = organisation.id;
        out.push(DomainEvent::RelationLevelChanged {
            organisation_id,
            from,
            to,
            reason: reason.into(),
            occurred_on: self.rng.gen_bool(0.3).then(|| self.today()),
        });
    }

    pub(super) fn update_organisation(&mut self, out: &mut Vec<DomainEvent>) {
        let Some(organisation_id) = self.organisations.choose(&mut self.rng).map(|o| o.id) else {
            return;
        };
        let topics = self.rng.gen_bool(0.6).then(|| {
            some_of(&mut self.rng, &TOPICS, 4)
                .into_iter()
                .map(str::to_owned)
                .collect()
        });
        let rooms = self
            .rng
            .gen_bool(0.3)
            .then(|| some_of(&mut self.rng, Room::ALL, 3));
        let age_groups = self
            .rng
            .gen_bool(0.3)
            .then(|| some_of(&mut self.rng, AgeGroup::ALL, 3));
        out.push(DomainEvent::OrganisationUpdated {
            organisation_id,
            name: None,
            sector: None,
            kind: None,
            tags: None,
            topics,
            website: None,
            age_groups,
            rooms,
        });
    }

    pub(super) fn contact_holder(&mut self, out: &mut Vec<DomainEvent>) {
        if self.organisations.is_empty() || self.staff.is_empty() {
            return;
        }
        let index = self.rng.gen_range(0..self.organisations.len());
        let staff_id = pick(&mut self.rng, &self.staff);
        let topics: Vec<String> = some_of(&mut self.rng, &TOPICS, 2)
            .into_iter()
            .map(str::to_owned)
            .collect();
        let organisation = &mut self.organisations[index];
        if organisation.holders.len() > 1 && organisation.holders.contains(&staff_id) {
            organisation.holders.retain(|holder| *holder != staff_id);
            out.push(DomainEvent::ContactHolderRemoved {
                organisation_id: organisation.id,
                staff_id,
            });
        } else {
            if !organisation.holders.contains(&staff_id) {
                organisation.holders.push(staff_id);
            }
            out.push(DomainEvent::ContactHolderAssigned {
                organisation_id: organisation.id,
                staff_id,
                topics,
            });
        }
    }

    pub(super) fn contact_person(&mut self, out: &mut Vec<DomainEvent>) {
        if self.organisations.is_empty() {
            return;
        }
        let index = self.rng.gen_range(0..self.organisations.len());
        let person_id = self.id();
        let sealed: [u8; 24] = self.rng.gen();
        let tag: [u8; 32] = self.rng.gen();
        let role = pick(
            &mut self.rng,
            &["leder", "koordinator", "formidler", "frivillig"],
        );
        let organisation = &mut self.organisations[index];
        if organisation.persons.len() >= 3 {
            let person_id = organisation.persons.remove(0);
            out.push(DomainEvent::ContactPersonRemoved {
                organisation_id: organisation.id,
                person_id,
            });
            return;
        }
        organisation.persons.push(person_id);
        out.push(DomainEvent::ContactPersonAdded {
            organisation_id: organisation.id,
            person_id,
            role: role.into(),
            // As the log keeps it: sealed with the person's key (nonce and ciphertext, hex).
            personal: PersonalField::Sealed(SealedPersonalData {
                key: person_id,
                sealed: format!("{}{}", hex::encode(sealed), hex::encode(tag)),
            }),
        });
    }

    pub(super) fn asset(&mut self, out: &mut Vec<DomainEvent>) {
        if !self.assets.is_empty() && self.rng.gen_bool(0.3) {
            let asset_id = pick(&mut self.rng, &self.assets);
            out.push(DomainEvent::AssetUpdated {
                asset_id,
                category: pick(&mut self.rng, AssetCategory::ALL),
                title: "Mødelokaler og scene".into(),
                description: "Tre mødelokaler og en scene med lyd, bookes via formidlingen".into(),
            });
            return;
        }
        let asset_id = self.id();
        self.assets.push(asset_id);
        out.push(DomainEvent::AssetAdded {
            asset_id,
            category: pick(&mut self.rng, AssetCategory::ALL),
            title: format!("Ressource {}", self.assets.len()),
            description: "Noget biblioteket kan tilbyde partnere".into(),
            contact_staff_id: self.staff.choose(&mut self.rng).copied(),
        });
    }
}
