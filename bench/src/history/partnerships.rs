//! The partnerships' share of the generated history: proposed, moved through the phases,
//! screened, agreed and amended, resourced, communicated, evaluated and ended.

use chrono::Duration as Days;
use rand::seq::SliceRandom;
use rand::Rng;
use uuid::Uuid;

use super::words::NOTE_IDEAS;
use super::{pick, some_of, History, PartnershipModel, ACTIVE_PARTNERSHIPS};
use partnerhub::domain::events::{
    CriterionScore, DomainEvent, Party, ScreeningAnswer, SectionChange,
};
use partnerhub::domain::vocabulary::{
    AgeGroup, AgreementSection, Answer, Audience, EvaluationDecision, Goal, PartnershipForm, Phase,
    ReadinessItem, Room, ScreeningDecision,
};

impl History {
    pub(super) fn propose_partnership(&mut self, out: &mut Vec<DomainEvent>, id: Option<Uuid>) {
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

    pub(super) fn partnership_step(&mut self, out: &mut Vec<DomainEvent>) {
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
}
