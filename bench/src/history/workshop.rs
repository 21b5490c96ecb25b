//! The workshops' share of the generated history: a whole board at a time, its notes
//! written, revealed, grouped, voted on, discussed, some promoted, and the board closed.

use rand::Rng;
use uuid::Uuid;

use super::words::{NOTE_IDEAS, TOPICS};
use super::{pick, History, OrganisationModel};
use partnerhub::domain::events::{DomainEvent, Promotion};
use partnerhub::domain::vocabulary::{
    AgeGroup, BoardPhase, BoardTemplate, Goal, Level, Room, Zone,
};

impl History {
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
    pub(super) fn workshop(&mut self, out: &mut Vec<DomainEvent>) {
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
