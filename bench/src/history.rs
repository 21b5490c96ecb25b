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

use chrono::{Duration as Days, NaiveDate};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use uuid::Uuid;

use self::words::{KINDS, NOTE_IDEAS, PLACES, TOPICS};
use partnerhub::domain::events::{
    CriterionScore, DomainEvent, Party, PersonalField, Promotion, ScreeningAnswer,
    SealedPersonalData, SectionChange,
};
use partnerhub::domain::vocabulary::{
    AgeGroup, AgreementSection, Answer, AssetCategory, Audience, BoardPhase, BoardTemplate,
    EvaluationDecision, Goal, Level, PartnershipForm, Phase, ReadinessItem, Room,
    ScreeningDecision, Zone,
};

mod words;

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

    fn add_staff(&mut self, out: &mut Vec<DomainEvent>) {
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

    fn staff_change(&mut self, out: &mut Vec<DomainEvent>) {
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

    fn organisation_registered(&mut self, organisation_id: Uuid) -> DomainEvent {
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

    fn register_organisation(&mut self, out: &mut Vec<DomainEvent>) {
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

    fn change_level(&mut self, out: &mut Vec<DomainEvent>) {
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

    fn update_organisation(&mut self, out: &mut Vec<DomainEvent>) {
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

    fn contact_holder(&mut self, out: &mut Vec<DomainEvent>) {
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

    fn contact_person(&mut self, out: &mut Vec<DomainEvent>) {
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

    fn propose_partnership(&mut self, out: &mut Vec<DomainEvent>, id: Option<Uuid>) {
        let active = self
            .partnerships
            .iter()
            .filter(|partnership| partnership.phase != Phase::Ended)
            .count();
        if id.is_none() && active >= ACTIVE_PARTNERSHIPS {
            return;
        }
        let partnership_id = id.unwrap_or_else(|| self.id());
        let partners: Vec<Uuid> = self
            .organisations
            .choose_multiple(&mut self.rng, 2)
            .map(|organisation| organisation.id)
            .collect();
        let idea = pick(&mut self.rng, &NOTE_IDEAS);
        let form = if self.rng.gen_bool(0.6) {
            PartnershipForm::Frame
        } else {
            let starts_on = self.today() + Days::days(self.rng.gen_range(14..120));
            PartnershipForm::Activity {
                starts_on,
                ends_on: starts_on + Days::days(self.rng.gen_range(1..60)),
            }
        };
        out.push(DomainEvent::PartnershipProposed {
            partnership_id,
            title: format!("{idea} ({})", self.partnerships.len() + 1),
            partner_ids: partners,
            purpose: "At nå nye brugergrupper og styrke bibliotekets rolle i lokalsamfundet".into(),
            form,
            goals: some_of(&mut self.rng, Goal::ALL, 2),
            rooms: some_of(&mut self.rng, Room::ALL, 2),
            age_groups: some_of(&mut self.rng, AgeGroup::ALL, 3),
            owner_id: self.staff.choose(&mut self.rng).copied(),
            priority: self.rng.gen_range(0..12),
            tags: Vec::new(),
        });
        self.partnerships.push(PartnershipModel {
            id: partnership_id,
            phase: Phase::Idea,
            agreement_version: 0,
            plan_items: Vec::new(),
        });
    }

    fn partnership_step(&mut self, out: &mut Vec<DomainEvent>) {
        let active: Vec<usize> = self
            .partnerships
            .iter()
            .enumerate()
            .filter(|(_, partnership)| partnership.phase != Phase::Ended)
            .map(|(index, _)| index)
            .collect();
        let Some(&index) = active.choose(&mut self.rng) else {
            self.propose_partnership(out, None);
            return;
        };
        let roll = self.rng.gen_range(0..100u32);
        let today = self.today();
        let partnership_id = self.partnerships[index].id;
        let phase = self.partnerships[index].phase;
        match phase {
            Phase::Screening => {
                let answers: Vec<ScreeningAnswer> = (1..=14u8)
                    .map(|question| ScreeningAnswer {
                        question,
                        answer: pick(&mut self.rng, Answer::ALL),
                        note: "Drøftet på teammødet".into(),
                    })
                    .collect();
                let score = answers.iter().map(|answer| answer.answer.points()).sum();
                let decision = if roll < 15 {
                    ScreeningDecision::NoGo
                } else if roll < 25 {
                    ScreeningDecision::Postpone
                } else {
                    ScreeningDecision::Go
                };
                out.push(DomainEvent::PartnershipScreened {
                    partnership_id,
                    answers,
                    score,
                    max_score: 28,
                    decision,
                    decision_note: "Vurderet med de fjorten spørgsmål".into(),
                });
                match decision {
                    ScreeningDecision::NoGo => self.end(out, index, "Sagt nej efter screening"),
                    ScreeningDecision::Postpone => {}
                    ScreeningDecision::Go => self.move_phase(out, index, Phase::Decision),
                }
            }
            Phase::Agreement | Phase::Adjustment => {
                self.amend(out, index);
                let next = if phase == Phase::Agreement {
                    Phase::Planning
                } else {
                    Phase::Running
                };
                self.move_phase(out, index, next);
            }
            Phase::Planning if roll < 75 => match roll % 3 {
                0 => self.commit_resources(out, partnership_id),
                1 => {
                    let item_id = self.id();
                    self.partnerships[index].plan_items.push(item_id);
                    out.push(DomainEvent::CommunicationPlanned {
                        partnership_id,
                        item_id,
                        audience: pick(&mut self.rng, Audience::ALL),
                        sender: "Projektlederen".into(),
                        recipients: "Alle medarbejdere og partnerens frivillige".into(),
                        about: "Status og næste arrangementer".into(),
                        when: "månedligt".into(),
                        channel: pick(&mut self.rng, &["intranet", "nyhedsbrev", "møde"]).into(),
                    });
                }
                _ => out.push(DomainEvent::ReadinessItemTicked {
                    partnership_id,
                    item: pick(&mut self.rng, ReadinessItem::ALL),
                    note: "Godkendt af ledelsen".into(),
                }),
            },
            Phase::Running if roll < 85 => match roll {
                0..=39 => {
                    let item_id = self.partnerships[index]
                        .plan_items
                        .choose(&mut self.rng)
                        .copied();
                    out.push(DomainEvent::CommunicationSent {
                        partnership_id,
                        item_id,
                        sent_on: today,
                        channel: "nyhedsbrev".into(),
                        summary: "Fortalte om forløbets første resultater og næste datoer".into(),
                    });
                }
                40..=64 => self.amend(out, index),
                _ => self.commit_resources(out, partnership_id),
            },
            Phase::Evaluation => {
                let decision = match roll {
                    0..=9 => EvaluationDecision::End,
                    10..=39 => EvaluationDecision::Adjust,
                    _ => EvaluationDecision::Continue,
                };
                let criteria = (0..self.rng.gen_range(2..5))
                    .map(|number| CriterionScore {
                        criterion: format!("Succeskriterium {}", number + 1),
                        target: "200 deltagere pr. halvår".into(),
                        score: self.rng.gen_range(1..=5),
                        note: "Målt med deltagertælling og spørgeskema".into(),
                    })
                    .collect();
                out.push(DomainEvent::PartnershipEvaluated {
                    partnership_id,
                    evaluation_id: self.id(),
                    evaluated_on: today,
                    criteria,
                    narrative: "Forløbet har nået nye familier; samarbejdet om planlægning kan blive bedre.".into(),
                    decision,
                    next_evaluation_due: (decision != EvaluationDecision::End)
                        .then(|| today + Days::days(180)),
                });
                match decision {
                    EvaluationDecision::End => self.end(out, index, "Evalueret og afsluttet"),
                    EvaluationDecision::Adjust => self.move_phase(out, index, Phase::Adjustment),
                    EvaluationDecision::Continue => self.move_phase(out, index, Phase::Running),
                }
            }
            Phase::Ended => {}
            _ => {
                let next = Phase::ALL
                    .get(phase.number())
                    .copied()
                    .unwrap_or(Phase::Ended);
                if next == Phase::Ended {
                    self.end(out, index, "Forløbet er slut");
                } else {
                    self.move_phase(out, index, next);
                }
            }
        }
    }

    fn move_phase(&mut self, out: &mut Vec<DomainEvent>, index: usize, to: Phase) {
        let partnership = &mut self.partnerships[index];
        out.push(DomainEvent::PartnershipPhaseChanged {
            partnership_id: partnership.id,
            from: partnership.phase,
            to,
            note: format!("Videre til {}", to.label()),
        });
        partnership.phase = to;
    }

    fn end(&mut self, out: &mut Vec<DomainEvent>, index: usize, reason: &str) {
        let partnership = &mut self.partnerships[index];
        out.push(DomainEvent::PartnershipEnded {
            partnership_id: partnership.id,
            from: partnership.phase,
            reason: reason.into(),
            ended_on: None,
        });
        partnership.phase = Phase::Ended;
    }

    fn amend(&mut self, out: &mut Vec<DomainEvent>, index: usize) {
        let first = self.partnerships[index].agreement_version == 0;
        let sections = if first {
            AgreementSection::ALL.to_vec()
        } else {
            some_of(&mut self.rng, AgreementSection::ALL, 2)
        };
        let version = self.partnerships[index].agreement_version + 1;
        let changes = sections
            .into_iter()
            .map(|section| SectionChange {
                section,
                before: (!first).then(|| format!("{} (version {})", section.label(), version - 1)),
                after: Some(format!(
                    "{} (version {version}): biblioteket stiller lokaler og formidlere til rådighed; partneren bidrager med frivillige og faglig viden.",
                    section.label()
                )),
            })
            .collect();
        out.push(DomainEvent::AgreementAmended {
            partnership_id: self.partnerships[index].id,
            version,
            changes,
            reason: if first {
                "Første aftale".into()
            } else {
                "Justeret efter evaluering".into()
            },
        });
        self.partnerships[index].agreement_version = version;
    }

    fn commit_resources(&mut self, out: &mut Vec<DomainEvent>, partnership_id: Uuid) {
        let party = match self.organisations.choose(&mut self.rng) {
            Some(organisation) if self.rng.gen_bool(0.5) => Party::Organisation(organisation.id),
            _ => Party::Library,
        };
        out.push(DomainEvent::ResourcesCommitted {
            partnership_id,
            commitment_id: self.id(),
            party,
            description: "Lokale, formidlertimer og markedsføring".into(),
            hours: Some(self.rng.gen_range(5..200)),
            amount_dkk: self
                .rng
                .gen_bool(0.3)
                .then(|| self.rng.gen_range(1..50) * 1000),
        });
    }

    fn asset(&mut self, out: &mut Vec<DomainEvent>) {
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

    fn zone(&mut self, template: BoardTemplate) -> Zone {
        match template {
            BoardTemplate::RoomsByGoals => Zone {
                room: Some(pick(&mut self.rng, Room::ALL)),
                goal: Some(pick(&mut self.rng, Goal::ALL)),
                ..Zone::default()
            },
            BoardTemplate::NetworkCircle => Zone {
                level: Some(pick(&mut self.rng, Level::ALL)),
                ..Zone::default()
            },
            BoardTemplate::AgeGroups => Zone {
                age_group: Some(pick(&mut self.rng, AgeGroup::ALL)),
                ..Zone::default()
            },
            BoardTemplate::Free => Zone {
                label: Some(pick(&mut self.rng, &TOPICS).into()),
                ..Zone::default()
            },
        }
    }

    /// A whole workshop on a board: notes written, revealed, grouped, voted on, discussed,
    /// some promoted to organisations or partnership ideas, and the board closed.
    fn workshop(&mut self, out: &mut Vec<DomainEvent>) {
        self.boards += 1;
        let board_id = self.id();
        let template = pick(&mut self.rng, BoardTemplate::ALL);
        out.push(DomainEvent::BoardCreated {
            board_id,
            title: format!("Personaledag {}: nye partnerskaber", self.boards),
            template,
            vote_budget: 3,
        });
        let notes: Vec<Uuid> = (0..self.rng.gen_range(30..60)).map(|_| self.id()).collect();
        for (number, &note_id) in notes.iter().enumerate() {
            let zone = self.zone(template);
            out.push(DomainEvent::NoteAdded {
                board_id,
                note_id,
                text: format!("{} (idé {})", pick(&mut self.rng, &NOTE_IDEAS), number + 1),
                zone,
                x: self.rng.gen_range(0..1200),
                y: self.rng.gen_range(0..800),
                colour: pick(&mut self.rng, &["#ffd54f", "#81d4fa", "#a5d6a7", "#f48fb1"]).into(),
            });
        }
        for &note_id in notes.iter().step_by(3) {
            out.push(DomainEvent::NoteEdited {
                board_id,
                note_id,
                text: "Præciseret: målgruppen er familier med børn under 12".into(),
            });
        }
        let mut phase = BoardPhase::Writing;
        let mut advance = |out: &mut Vec<DomainEvent>, anonymous: bool| {
            if let Some(to) = phase.next() {
                out.push(DomainEvent::BoardPhaseChanged {
                    board_id,
                    from: phase,
                    to,
                    anonymous,
                });
                phase = to;
            }
        };
        advance(out, false); // reveal
        advance(out, false); // grouping
        for &note_id in notes.iter().step_by(2) {
            let zone = self.zone(template);
            out.push(DomainEvent::NoteMoved {
                board_id,
                note_id,
                zone,
                x: self.rng.gen_range(0..1200),
                y: self.rng.gen_range(0..800),
            });
        }
        for (group, chunk) in notes.chunks(8).enumerate() {
            out.push(DomainEvent::NotesGrouped {
                board_id,
                group_id: self.id(),
                label: format!("Tema {}", group + 1),
                note_ids: chunk.to_vec(),
            });
        }
        advance(out, true); // voting
        let mut voted = Vec::new();
        for _ in 0..self.rng.gen_range(20..45) {
            let note_id = pick(&mut self.rng, &notes);
            voted.push(note_id);
            out.push(DomainEvent::VoteCast { board_id, note_id });
        }
        for &note_id in voted.iter().take(3) {
            out.push(DomainEvent::VoteRetracted { board_id, note_id });
        }
        advance(out, false); // discussion
        for &note_id in voted.iter().skip(3).take(self.rng.gen_range(1..4)) {
            let tags = vec!["zone:workshop".to_owned()];
            if self.rng.gen_bool(0.1) {
                let organisation_id = self.id();
                out.push(DomainEvent::NotePromoted {
                    board_id,
                    note_id,
                    to: Promotion::Organisation(organisation_id),
                    tags,
                    priority: 3,
                });
                out.push(self.organisation_registered(organisation_id));
                self.organisations.push(OrganisationModel {
                    id: organisation_id,
                    level: None,
                    holders: Vec::new(),
                    persons: Vec::new(),
                });
            } else {
                let partnership_id = self.id();
                out.push(DomainEvent::NotePromoted {
                    board_id,
                    note_id,
                    to: Promotion::Partnership(partnership_id),
                    tags,
                    priority: 3,
                });
                self.propose_partnership(out, Some(partnership_id));
            }
        }
        advance(out, false); // closed
    }
}

#[cfg(test)]
mod tests;
