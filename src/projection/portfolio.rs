//! The portfolio: the overall partnership work (det overordnede partnerskabsarbejde) seen
//! through the library model. It owns the rooms x goals matrix, the spread over sectors and
//! age groups, the gaps in the library's offer, partnerships linked to no goal, overdue
//! evaluations, the resources each party brings, the phases, the ended partnerships, the
//! network circle's levels over time and the coverage of the strategic focus areas. The guide
//! uses the library model exactly so: to overview existing partnerships, find gaps, expose
//! partnerships that do not contribute to the goals, and end unproductive ones.
//!
//! Everything here is a pure function of a folded [`WorkspaceState`] and today's date.
//! "Active" means not ended, whatever the phase. Output is deterministic: lists are sorted and
//! maps are `BTreeMap`s, so equal states serialize to byte-identical JSON.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::network::LevelCounts;
use crate::domain::events::Party;
use crate::domain::state::{Partnership, WorkspaceState};
use crate::domain::vocabulary::{AgeGroup, Goal, Level, Phase, Room, Sector};

/// The phases in which a partnership should have been evaluated at least once.
const PHASES_THAT_NEED_AN_EVALUATION: [Phase; 3] =
    [Phase::Running, Phase::Evaluation, Phase::Adjustment];

/// A partnership named in a list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartnershipReference {
    /// Its id.
    pub partnership_id: Uuid,
    /// Its title.
    pub title: String,
}

/// One cell of the library model: a room and a goal, and the active partnerships serving both.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MatrixCell {
    /// The room.
    pub room: Room,
    /// The goal.
    pub goal: Goal,
    /// Active partnerships with this room among their rooms and this goal among their goals,
    /// sorted by title.
    pub partnerships: Vec<PartnershipReference>,
}

/// Active partnerships with a partner from a sector.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SectorCount {
    /// The sector.
    pub sector: Sector,
    /// Active partnerships with at least one partner from it.
    pub partnerships: usize,
}

/// Active partnerships serving an age group.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgeGroupCount {
    /// The age group.
    pub age_group: AgeGroup,
    /// Active partnerships serving it.
    pub partnerships: usize,
}

/// Where a gap in the library's offer is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum GapArea {
    /// A whole room of the library model.
    Room {
        /// The room.
        room: Room,
    },
    /// A whole goal of the library model.
    Goal {
        /// The goal.
        goal: Goal,
    },
    /// A user age group.
    AgeGroup {
        /// The age group.
        age_group: AgeGroup,
    },
    /// One cell of the library model.
    Cell {
        /// The room.
        room: Room,
        /// The goal.
        goal: Goal,
    },
}

/// A part of the library's offer no active partnership serves: where new partnerships are
/// needed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Gap {
    /// Where.
    pub area: GapArea,
    /// The gap in words.
    pub message: String,
}

/// An active partnership linked to no goal of the library model.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnlinkedPartnership {
    /// Its id.
    pub partnership_id: Uuid,
    /// Its title.
    pub title: String,
    /// Its phase.
    pub phase: Phase,
    /// The finding in words.
    pub message: String,
}

/// An active partnership whose evaluation is late: the next one was due before today, or it
/// is running without ever having been evaluated.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OverdueEvaluation {
    /// Its id.
    pub partnership_id: Uuid,
    /// Its title.
    pub title: String,
    /// Its phase.
    pub phase: Phase,
    /// When the next evaluation was due (absent if it was never evaluated).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due_on: Option<NaiveDate>,
    /// Days between the due date and today (absent if it was never evaluated).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub days_overdue: Option<i64>,
    /// Whether it has never been evaluated.
    pub never_evaluated: bool,
    /// The finding in words.
    pub message: String,
}

/// What one party committed over all active partnerships.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartyResources {
    /// The party.
    pub party: Party,
    /// Its name: the workspace's for the library, the organisation's otherwise.
    pub name: String,
    /// Number of commitments.
    pub commitments: usize,
    /// Staff hours committed.
    pub hours: u64,
    /// Money committed, in DKK.
    pub amount_dkk: u64,
}

/// Partnerships in a phase.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PhaseCount {
    /// The phase.
    pub phase: Phase,
    /// Partnerships in it, ended ones included (they are in the ended phase).
    pub partnerships: usize,
}

/// A partnership that ended, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EndedPartnership {
    /// Its id.
    pub partnership_id: Uuid,
    /// Its title.
    pub title: String,
    /// Why it ended.
    pub reason: String,
    /// When it ended, if stated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ended_on: Option<NaiveDate>,
    /// When the ending was recorded.
    pub recorded_at: DateTime<Utc>,
}

/// The relations per level of the network circle right after one move on it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LevelCountsAt {
    /// The move's position in the log.
    pub position: u64,
    /// When the move was recorded.
    pub recorded_at: DateTime<Utc>,
    /// When it happened, if stated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub occurred_on: Option<NaiveDate>,
    /// The organisation that moved.
    pub organisation_id: Uuid,
    /// Its level before (absent: no relation yet).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<Level>,
    /// Its level after (absent: the relation ended).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<Level>,
    /// Relations per level after the move.
    pub counts: LevelCounts,
}

/// A strategic focus area and how many active partnerships serve its cell.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FocusAreaCoverage {
    /// Its id.
    pub focus_area_id: Uuid,
    /// Its name.
    pub name: String,
    /// Its goal.
    pub goal: Goal,
    /// Its room.
    pub room: Room,
    /// Active partnerships serving its room and goal.
    pub active_partnerships: usize,
}

/// The portfolio of a workspace.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PortfolioView {
    /// Every room x goal cell (rooms, then goals, in the guide's order).
    pub matrix: Vec<MatrixCell>,
    /// Active partnerships per sector of their partners (every sector listed).
    pub by_sector: Vec<SectorCount>,
    /// Active partnerships per age group served (every age group listed).
    pub by_age_group: Vec<AgeGroupCount>,
    /// Rooms, goals, age groups and cells no active partnership serves, in that order.
    pub gaps: Vec<Gap>,
    /// Active partnerships serving no goal, sorted by title.
    pub unlinked: Vec<UnlinkedPartnership>,
    /// Late evaluations, most days overdue first, never evaluated last.
    pub overdue_evaluations: Vec<OverdueEvaluation>,
    /// Resources per party over active partnerships: the library first, then organisations
    /// in id order.
    pub resources_by_party: Vec<PartyResources>,
    /// Partnerships per phase (all twelve, in order).
    pub phases: Vec<PhaseCount>,
    /// Ended partnerships, in the order their endings were recorded.
    pub ended: Vec<EndedPartnership>,
    /// Relations per level of the network circle after each move, in log order.
    pub level_counts_over_time: Vec<LevelCountsAt>,
    /// Focus areas with their coverage, sorted by name.
    pub focus_areas: Vec<FocusAreaCoverage>,
}

/// The portfolio of `state` as of `today` (which decides what is overdue).
pub fn portfolio_view(state: &WorkspaceState, today: NaiveDate) -> PortfolioView {
    let mut active: Vec<(Uuid, &Partnership)> = state
        .partnerships
        .iter()
        .filter(|(_, partnership)| partnership.is_active())
        .map(|(partnership_id, partnership)| (*partnership_id, &**partnership))
        .collect();
    active.sort_by(|(first_id, first), (second_id, second)| {
        (&first.title, first_id).cmp(&(&second.title, second_id))
    });

    // What each active partnership serves, read once into bits side by side: the matrix, the
    // gaps and the age groups then scan these instead of every partnership's lists again.
    let served: Vec<Served> = active
        .iter()
        .map(|(_, partnership)| Served::of(partnership))
        .collect();
    let matrix = matrix_of(&active, &served);
    PortfolioView {
        gaps: gaps_of(&served, &matrix),
        by_sector: by_sector(state, &active),
        by_age_group: AgeGroup::ALL
            .iter()
            .enumerate()
            .map(|(index, age_group)| AgeGroupCount {
                age_group: *age_group,
                partnerships: served
                    .iter()
                    .filter(|served| served.age_groups & (1 << index) != 0)
                    .count(),
            })
            .collect(),
        unlinked: active
            .iter()
            .filter(|(_, partnership)| partnership.goals.is_empty())
            .map(|(partnership_id, partnership)| UnlinkedPartnership {
                partnership_id: *partnership_id,
                title: partnership.title.clone(),
                phase: partnership.phase,
                message: format!("{} is not linked to any goal", partnership.title),
            })
            .collect(),
        overdue_evaluations: overdue_evaluations(&active, today),
        resources_by_party: resources_by_party(state, &active),
        phases: phases(state),
        ended: ended(state),
        level_counts_over_time: level_counts_over_time(state),
        focus_areas: focus_areas(state, &matrix),
        matrix,
    }
}

/// Partnerships per phase, every phase listed in order, counted in one pass.
fn phases(state: &WorkspaceState) -> Vec<PhaseCount> {
    let mut counts = vec![0usize; Phase::ALL.len()];
    for partnership in state.partnerships.values() {
        if let Some(index) = Phase::ALL
            .iter()
            .position(|phase| *phase == partnership.phase)
        {
            counts[index] += 1;
        }
    }
    Phase::ALL
        .iter()
        .zip(counts)
        .map(|(phase, partnerships)| PhaseCount {
            phase: *phase,
            partnerships,
        })
        .collect()
}

fn reference(partnership_id: Uuid, partnership: &Partnership) -> PartnershipReference {
    PartnershipReference {
        partnership_id,
        title: partnership.title.clone(),
    }
}

/// The rooms, goals and age groups one partnership serves, as bits in the order of
/// `Room::ALL`, `Goal::ALL` and `AgeGroup::ALL`.
#[derive(Clone, Copy)]
struct Served {
    rooms: u64,
    goals: u64,
    age_groups: u64,
}

impl Served {
    fn of(partnership: &Partnership) -> Self {
        Served {
            rooms: bits(Room::ALL, &partnership.rooms),
            goals: bits(Goal::ALL, &partnership.goals),
            age_groups: bits(AgeGroup::ALL, &partnership.age_groups),
        }
    }
}

fn bits<T: PartialEq>(all: &[T], chosen: &[T]) -> u64 {
    chosen
        .iter()
        .filter_map(|item| all.iter().position(|known| known == item))
        .fold(0, |bits, index| bits | 1 << index)
}

fn matrix_of(active: &[(Uuid, &Partnership)], served: &[Served]) -> Vec<MatrixCell> {
    let mut matrix = Vec::with_capacity(Room::ALL.len() * Goal::ALL.len());
    for (room_index, room) in Room::ALL.iter().enumerate() {
        for (goal_index, goal) in Goal::ALL.iter().enumerate() {
            matrix.push(MatrixCell {
                room: *room,
                goal: *goal,
                partnerships: active
                    .iter()
                    .zip(served)
                    .filter(|(_, served)| {
                        served.rooms & (1 << room_index) != 0
                            && served.goals & (1 << goal_index) != 0
                    })
                    .map(|((partnership_id, partnership), _)| {
                        reference(*partnership_id, partnership)
                    })
                    .collect(),
            });
        }
    }
    matrix
}

fn gaps_of(served: &[Served], matrix: &[MatrixCell]) -> Vec<Gap> {
    let mut gaps = Vec::new();
    let any = served.iter().fold(
        Served {
            rooms: 0,
            goals: 0,
            age_groups: 0,
        },
        |any, served| Served {
            rooms: any.rooms | served.rooms,
            goals: any.goals | served.goals,
            age_groups: any.age_groups | served.age_groups,
        },
    );
    for (index, room) in Room::ALL.iter().enumerate() {
        if any.rooms & (1 << index) == 0 {
            gaps.push(Gap {
                area: GapArea::Room { room: *room },
                message: format!("No active partnership serves the {room}"),
            });
        }
    }
    for (index, goal) in Goal::ALL.iter().enumerate() {
        if any.goals & (1 << index) == 0 {
            gaps.push(Gap {
                area: GapArea::Goal { goal: *goal },
                message: format!("No active partnership serves the goal {goal}"),
            });
        }
    }
    for (index, age_group) in AgeGroup::ALL.iter().enumerate() {
        if any.age_groups & (1 << index) == 0 {
            gaps.push(Gap {
                area: GapArea::AgeGroup {
                    age_group: *age_group,
                },
                message: format!("No active partnership serves {age_group}"),
            });
        }
    }
    for cell in matrix.iter().filter(|cell| cell.partnerships.is_empty()) {
        gaps.push(Gap {
            area: GapArea::Cell {
                room: cell.room,
                goal: cell.goal,
            },
            message: format!(
                "No active partnership serves the goal {} in the {}",
                cell.goal, cell.room
            ),
        });
    }
    gaps
}

fn by_sector(state: &WorkspaceState, active: &[(Uuid, &Partnership)]) -> Vec<SectorCount> {
    // Sectors in their order (`Sector::ALL` is sorted), counted without a set per partnership.
    let mut sectors: Vec<Sector> = Sector::ALL.to_vec();
    sectors.sort();
    let mut counts = vec![0usize; sectors.len()];
    let mut seen = vec![false; sectors.len()];
    for (_, partnership) in active {
        seen.iter_mut().for_each(|flag| *flag = false);
        for organisation in partnership
            .partner_ids
            .iter()
            .filter_map(|partner_id| state.organisations.get(partner_id))
        {
            if let Some(index) = sectors
                .iter()
                .position(|sector| *sector == organisation.sector)
            {
                seen[index] = true;
            }
        }
        for (count, seen) in counts.iter_mut().zip(&seen) {
            *count += usize::from(*seen);
        }
    }
    sectors
        .into_iter()
        .zip(counts)
        .map(|(sector, partnerships)| SectorCount {
            sector,
            partnerships,
        })
        .collect()
}

fn overdue_evaluations(
    active: &[(Uuid, &Partnership)],
    today: NaiveDate,
) -> Vec<OverdueEvaluation> {
    let mut overdue = Vec::new();
    for (partnership_id, partnership) in active {
        if partnership.evaluations.is_empty() {
            if PHASES_THAT_NEED_AN_EVALUATION.contains(&partnership.phase) {
                overdue.push(OverdueEvaluation {
                    partnership_id: *partnership_id,
                    title: partnership.title.clone(),
                    phase: partnership.phase,
                    due_on: None,
                    days_overdue: None,
                    never_evaluated: true,
                    message: format!(
                        "{} is in phase {} and has never been evaluated",
                        partnership.title, partnership.phase
                    ),
                });
            }
            continue;
        }
        if let Some(due_on) = partnership.next_evaluation_due() {
            if due_on < today {
                let days = (today - due_on).num_days();
                overdue.push(OverdueEvaluation {
                    partnership_id: *partnership_id,
                    title: partnership.title.clone(),
                    phase: partnership.phase,
                    due_on: Some(due_on),
                    days_overdue: Some(days),
                    never_evaluated: false,
                    message: format!(
                        "The evaluation of {} was due on {due_on}, {days} days ago",
                        partnership.title
                    ),
                });
            }
        }
    }
    // Most days overdue first; never evaluated (no days) after all dated ones; the active list
    // is already sorted by title, and the sort is stable.
    overdue.sort_by_key(|entry| std::cmp::Reverse(entry.days_overdue));
    overdue
}

fn resources_by_party(
    state: &WorkspaceState,
    active: &[(Uuid, &Partnership)],
) -> Vec<PartyResources> {
    let mut totals: BTreeMap<Party, PartyResources> = BTreeMap::new();
    for (_, partnership) in active {
        for commitment in &partnership.resources {
            let entry = totals
                .entry(commitment.party)
                .or_insert_with(|| PartyResources {
                    party: commitment.party,
                    name: party_name(state, commitment.party),
                    commitments: 0,
                    hours: 0,
                    amount_dkk: 0,
                });
            entry.commitments += 1;
            entry.hours = entry
                .hours
                .saturating_add(u64::from(commitment.hours.unwrap_or(0)));
            entry.amount_dkk = entry
                .amount_dkk
                .saturating_add(commitment.amount_dkk.unwrap_or(0));
        }
    }
    totals.into_values().collect()
}

fn party_name(state: &WorkspaceState, party: Party) -> String {
    match party {
        Party::Library if state.name.trim().is_empty() => "the library".to_owned(),
        Party::Library => state.name.clone(),
        Party::Organisation(organisation_id) => {
            state.organisations.get(&organisation_id).map_or_else(
                || "unknown organisation".to_owned(),
                |organisation| organisation.name.clone(),
            )
        }
    }
}

fn ended(state: &WorkspaceState) -> Vec<EndedPartnership> {
    let mut ended: Vec<EndedPartnership> = state
        .partnerships
        .iter()
        .filter_map(|(partnership_id, partnership)| {
            let ending = partnership.ending.as_ref()?;
            Some(EndedPartnership {
                partnership_id: *partnership_id,
                title: partnership.title.clone(),
                reason: ending.reason.clone(),
                ended_on: ending.ended_on,
                recorded_at: ending.recorded_at,
            })
        })
        .collect();
    ended.sort_by(|first, second| {
        (first.recorded_at, first.partnership_id).cmp(&(second.recorded_at, second.partnership_id))
    });
    ended
}

/// Counts relations per level after each move on the network circle, in log order. The level
/// an organisation is counted at is the one the fold last gave it (the move's `previous`), so a
/// move whose recorded `from` disagrees cannot make a count drift. The state keeps the moves in
/// log order as it folds, so this is one pass.
fn level_counts_over_time(state: &WorkspaceState) -> Vec<LevelCountsAt> {
    let mut counts = LevelCounts::default();
    let mut series = Vec::with_capacity(state.level_moves.len());
    for level_move in state.level_moves.iter() {
        if let Some(previous) = level_move.previous {
            counts.remove(previous);
        }
        if let Some(level) = level_move.to {
            counts.add(level);
        }
        series.push(LevelCountsAt {
            position: level_move.position,
            recorded_at: level_move.recorded_at,
            occurred_on: level_move.occurred_on,
            organisation_id: level_move.organisation_id,
            from: level_move.from,
            to: level_move.to,
            counts,
        });
    }
    series
}

fn focus_areas(state: &WorkspaceState, matrix: &[MatrixCell]) -> Vec<FocusAreaCoverage> {
    let mut focus_areas: Vec<FocusAreaCoverage> = state
        .focus_areas
        .iter()
        .map(|(focus_area_id, focus_area)| FocusAreaCoverage {
            focus_area_id: *focus_area_id,
            name: focus_area.name.clone(),
            goal: focus_area.goal,
            room: focus_area.room,
            active_partnerships: matrix
                .iter()
                .find(|cell| cell.room == focus_area.room && cell.goal == focus_area.goal)
                .map_or(0, |cell| cell.partnerships.len()),
        })
        .collect();
    focus_areas.sort_by(|first, second| {
        (&first.name, first.focus_area_id).cmp(&(&second.name, second.focus_area_id))
    });
    focus_areas
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::events::DomainEvent;
    use crate::domain::vocabulary::EvaluationDecision;
    use crate::projection::network::tests::Log;

    fn date(year: i32, month: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(year, month, day).unwrap()
    }

    fn move_phase(log: &mut Log, partnership_id: Uuid, to: Phase) {
        let from = log.state.partnerships[&partnership_id].phase;
        log.apply(DomainEvent::PartnershipPhaseChanged {
            partnership_id,
            from,
            to,
            note: String::new(),
        });
    }

    fn evaluate(log: &mut Log, partnership_id: Uuid, on: NaiveDate, due: Option<NaiveDate>) {
        let evaluation_id = log.new_id();
        log.apply(DomainEvent::PartnershipEvaluated {
            partnership_id,
            evaluation_id,
            evaluated_on: on,
            criteria: Vec::new(),
            narrative: "fine".to_owned(),
            decision: EvaluationDecision::Continue,
            next_evaluation_due: due,
        });
    }

    fn commit(
        log: &mut Log,
        partnership_id: Uuid,
        party: Party,
        hours: Option<u32>,
        amount_dkk: Option<u64>,
    ) {
        let commitment_id = log.new_id();
        log.apply(DomainEvent::ResourcesCommitted {
            partnership_id,
            commitment_id,
            party,
            description: "rooms and staff".to_owned(),
            hours,
            amount_dkk,
        });
    }

    fn end(log: &mut Log, partnership_id: Uuid, reason: &str) {
        let from = log.state.partnerships[&partnership_id].phase;
        log.apply(DomainEvent::PartnershipEnded {
            partnership_id,
            from,
            reason: reason.to_owned(),
            ended_on: Some(date(2024, 2, 1)),
        });
    }

    struct Portfolio {
        log: Log,
        museum: Uuid,
        union: Uuid,
        homework: Uuid,
        it_courses: Uuid,
        festival_area: Uuid,
        ended: Uuid,
    }

    /// Three active partnerships and one ended:
    /// - Homework café (Red Barnet, civil society): learning room, empowerment + innovation,
    ///   children and teenagers.
    /// - IT courses (union, civil society, and museum, public): learning room, no goal.
    /// - Festival area (museum, public): performative room, engagement, young adults.
    /// - Old exhibition (ended): inspiration room, experience, seniors.
    fn portfolio() -> Portfolio {
        let mut log = Log::new("Aarhus");
        let museum = log.organisation("Rockmuseum", Sector::Public, &[], &[]);
        let union = log.organisation("Trade union", Sector::CivilSociety, &[], &[]);
        let red_barnet = log.organisation("Red Barnet Ungdom", Sector::CivilSociety, &[], &[]);
        let homework = log.propose(
            "Homework café",
            &[red_barnet],
            &[Goal::Empowerment, Goal::Innovation],
            &[Room::Learning],
            &[AgeGroup::Children, AgeGroup::Teenagers],
        );
        let it_courses = log.propose(
            "IT courses",
            &[union, museum],
            &[],
            &[Room::Learning],
            &[AgeGroup::Seniors],
        );
        let festival_area = log.propose(
            "Festival area",
            &[museum],
            &[Goal::Engagement],
            &[Room::Performative],
            &[AgeGroup::YoungAdults],
        );
        let ended = log.propose(
            "Old exhibition",
            &[museum],
            &[Goal::Experience],
            &[Room::Inspiration],
            &[AgeGroup::Seniors],
        );
        end(&mut log, ended, "The exhibition closed");
        Portfolio {
            log,
            museum,
            union,
            homework,
            it_courses,
            festival_area,
            ended,
        }
    }

    fn cell(view: &PortfolioView, room: Room, goal: Goal) -> Vec<&str> {
        view.matrix
            .iter()
            .find(|cell| cell.room == room && cell.goal == goal)
            .unwrap()
            .partnerships
            .iter()
            .map(|partnership| partnership.title.as_str())
            .collect()
    }

    #[test]
    fn a_partnership_serves_the_cells_of_its_rooms_and_goals() {
        let portfolio = portfolio();
        let view = portfolio_view(&portfolio.log.state, date(2024, 3, 1));
        assert_eq!(view.matrix.len(), 16);
        assert_eq!(
            cell(&view, Room::Learning, Goal::Empowerment),
            vec!["Homework café"]
        );
        assert_eq!(
            cell(&view, Room::Learning, Goal::Innovation),
            vec!["Homework café"]
        );
        assert_eq!(
            cell(&view, Room::Performative, Goal::Engagement),
            vec!["Festival area"]
        );
        assert!(
            cell(&view, Room::Inspiration, Goal::Experience).is_empty(),
            "ended partnerships serve nothing"
        );
        assert!(cell(&view, Room::Learning, Goal::Engagement).is_empty());
        let served: usize = view.matrix.iter().map(|cell| cell.partnerships.len()).sum();
        assert_eq!(served, 3);
        assert_eq!(
            view.matrix[0].partnerships.len() + view.matrix[15].partnerships.len(),
            0
        );
        assert_eq!(
            (view.matrix[0].room, view.matrix[0].goal),
            (Room::Inspiration, Goal::Experience)
        );
    }

    #[test]
    fn sectors_and_age_groups_count_active_partnerships() {
        let portfolio = portfolio();
        let view = portfolio_view(&portfolio.log.state, date(2024, 3, 1));
        assert_eq!(
            view.by_sector,
            vec![
                SectorCount {
                    sector: Sector::Public,
                    partnerships: 2
                },
                SectorCount {
                    sector: Sector::Private,
                    partnerships: 0
                },
                SectorCount {
                    sector: Sector::CivilSociety,
                    partnerships: 2
                },
            ],
            "IT courses count in both public and civil society"
        );
        let seniors = view
            .by_age_group
            .iter()
            .find(|count| count.age_group == AgeGroup::Seniors)
            .unwrap();
        assert_eq!(
            seniors.partnerships, 1,
            "the ended exhibition is not counted"
        );
        assert_eq!(view.by_age_group.len(), AgeGroup::ALL.len());
    }

    #[test]
    fn gaps_name_what_no_active_partnership_serves() {
        let portfolio = portfolio();
        let view = portfolio_view(&portfolio.log.state, date(2024, 3, 1));
        let messages: Vec<&str> = view.gaps.iter().map(|gap| gap.message.as_str()).collect();

        assert_eq!(
            view.gaps[0].area,
            GapArea::Room {
                room: Room::Inspiration
            }
        );
        assert!(messages.contains(&"No active partnership serves the inspiration room"));
        assert!(messages.contains(&"No active partnership serves the meeting room"));
        assert!(!messages.contains(&"No active partnership serves the learning room"));
        assert!(messages.contains(&"No active partnership serves the goal experience (erkendelse)"));
        assert!(messages.contains(&"No active partnership serves toddlers (0-5)"));
        assert!(messages.contains(&"No active partnership serves adults (30-64)"));
        assert!(!messages.contains(&"No active partnership serves seniors (65+)"));
        assert!(messages
            .contains(&"No active partnership serves the goal engagement in the learning room"));
        let cells = view
            .gaps
            .iter()
            .filter(|gap| matches!(gap.area, GapArea::Cell { .. }))
            .count();
        assert_eq!(cells, 16 - 3);
        assert_eq!(view.gaps.len(), 2 + 1 + 2 + 13);

        let empty = portfolio_view(&Log::new("Empty").state, date(2024, 3, 1));
        assert!(empty
            .gaps
            .iter()
            .any(|gap| gap.message == "No active partnership serves the learning room"));
        assert_eq!(empty.gaps.len(), 4 + 4 + 6 + 16);
    }

    #[test]
    fn a_partnership_without_goals_is_unlinked() {
        let portfolio = portfolio();
        let view = portfolio_view(&portfolio.log.state, date(2024, 3, 1));
        assert_eq!(view.unlinked.len(), 1);
        assert_eq!(view.unlinked[0].partnership_id, portfolio.it_courses);
        assert_eq!(
            view.unlinked[0].message,
            "IT courses is not linked to any goal"
        );
    }

    #[test]
    fn overdue_evaluations_count_days_and_flag_running_partnerships_never_evaluated() {
        let mut portfolio = portfolio();
        let log = &mut portfolio.log;
        // Homework café: evaluated, next due 1 March; today is 11 March.
        for phase in [
            Phase::Exploration,
            Phase::Screening,
            Phase::Decision,
            Phase::GoalsAndRoles,
            Phase::Agreement,
            Phase::Planning,
            Phase::Launch,
            Phase::Running,
        ] {
            move_phase(log, portfolio.homework, phase);
            move_phase(log, portfolio.festival_area, phase);
        }
        evaluate(
            log,
            portfolio.homework,
            date(2023, 12, 1),
            Some(date(2024, 3, 1)),
        );
        // Festival area: running, never evaluated. IT courses: still an idea, not flagged.
        let view = portfolio_view(&log.state, date(2024, 3, 11));
        assert_eq!(view.overdue_evaluations.len(), 2);
        let homework = &view.overdue_evaluations[0];
        assert_eq!(homework.partnership_id, portfolio.homework);
        assert_eq!(homework.due_on, Some(date(2024, 3, 1)));
        assert_eq!(homework.days_overdue, Some(10));
        assert!(!homework.never_evaluated);
        let festival = &view.overdue_evaluations[1];
        assert_eq!(festival.partnership_id, portfolio.festival_area);
        assert!(festival.never_evaluated);
        assert_eq!(festival.days_overdue, None);
        assert_eq!(festival.phase, Phase::Running);

        // A newer evaluation with a due date ahead clears the café; due today is not overdue.
        evaluate(
            log,
            portfolio.homework,
            date(2024, 3, 5),
            Some(date(2024, 9, 1)),
        );
        evaluate(
            log,
            portfolio.festival_area,
            date(2024, 3, 5),
            Some(date(2024, 3, 11)),
        );
        let view = portfolio_view(&log.state, date(2024, 3, 11));
        assert!(view.overdue_evaluations.is_empty(), "{view:?}");
    }

    #[test]
    fn resources_are_summed_per_party_over_active_partnerships() {
        let mut portfolio = portfolio();
        let log = &mut portfolio.log;
        commit(log, portfolio.homework, Party::Library, Some(10), None);
        commit(
            log,
            portfolio.festival_area,
            Party::Library,
            Some(5),
            Some(1_000),
        );
        commit(
            log,
            portfolio.it_courses,
            Party::Organisation(portfolio.union),
            Some(3),
            Some(250),
        );
        commit(
            log,
            portfolio.ended,
            Party::Organisation(portfolio.museum),
            Some(100),
            Some(100_000),
        );

        let view = portfolio_view(&log.state, date(2024, 3, 1));
        assert_eq!(
            view.resources_by_party,
            vec![
                PartyResources {
                    party: Party::Library,
                    name: "Aarhus".to_owned(),
                    commitments: 2,
                    hours: 15,
                    amount_dkk: 1_000,
                },
                PartyResources {
                    party: Party::Organisation(portfolio.union),
                    name: "Trade union".to_owned(),
                    commitments: 1,
                    hours: 3,
                    amount_dkk: 250,
                },
            ],
            "the ended partnership's commitments are left out"
        );
    }

    #[test]
    fn phases_are_all_listed_and_ended_partnerships_keep_their_reason() {
        let portfolio = portfolio();
        let view = portfolio_view(&portfolio.log.state, date(2024, 3, 1));
        assert_eq!(view.phases.len(), 12);
        assert_eq!(view.phases[0].phase, Phase::Idea);
        assert_eq!(view.phases[0].partnerships, 3);
        assert_eq!(view.phases[11].phase, Phase::Ended);
        assert_eq!(view.phases[11].partnerships, 1);
        assert_eq!(view.phases[5].partnerships, 0);

        assert_eq!(view.ended.len(), 1);
        assert_eq!(view.ended[0].partnership_id, portfolio.ended);
        assert_eq!(view.ended[0].reason, "The exhibition closed");
        assert_eq!(view.ended[0].ended_on, Some(date(2024, 2, 1)));
    }

    #[test]
    fn level_counts_follow_every_move_on_the_network_circle() {
        let mut log = Log::new("Roskilde");
        let festival = log.organisation("Roskilde Festival", Sector::Private, &[], &[]);
        let museum = log.organisation("Rockmuseum", Sector::Public, &[], &[]);
        log.move_to(festival, Some(Level::Network));
        log.move_to(museum, Some(Level::Network));
        log.move_to(festival, Some(Level::Collaboration));
        log.apply(DomainEvent::RelationLevelChanged {
            organisation_id: festival,
            from: Some(Level::Collaboration),
            to: Some(Level::Partnership),
            reason: "a yearly festival area".to_owned(),
            occurred_on: Some(date(2023, 7, 1)),
        });
        log.move_to(museum, None);

        let series = portfolio_view(&log.state, date(2024, 3, 1)).level_counts_over_time;
        let counts: Vec<(usize, usize, usize)> = series
            .iter()
            .map(|point| {
                (
                    point.counts.network,
                    point.counts.collaboration,
                    point.counts.partnership,
                )
            })
            .collect();
        assert_eq!(
            counts,
            vec![(1, 0, 0), (2, 0, 0), (1, 1, 0), (1, 0, 1), (0, 0, 1)]
        );
        assert!(series
            .windows(2)
            .all(|pair| pair[0].position < pair[1].position));
        assert!(series
            .windows(2)
            .all(|pair| pair[0].recorded_at < pair[1].recorded_at));
        assert_eq!(series[3].organisation_id, festival);
        assert_eq!(series[3].occurred_on, Some(date(2023, 7, 1)));
        assert_eq!(series[3].to, Some(Level::Partnership));
        assert_eq!(series[4].to, None);
    }

    #[test]
    fn focus_areas_show_how_many_active_partnerships_serve_their_cell() {
        let mut portfolio = portfolio();
        let digital = portfolio.log.new_id();
        portfolio.log.apply(DomainEvent::FocusAreaDefined {
            focus_area_id: digital,
            name: "Det digitale bibliotek".to_owned(),
            goal: Goal::Innovation,
            room: Room::Learning,
            description: String::new(),
        });
        let music = portfolio.log.new_id();
        portfolio.log.apply(DomainEvent::FocusAreaDefined {
            focus_area_id: music,
            name: "Det musiske bibliotek".to_owned(),
            goal: Goal::Experience,
            room: Room::Inspiration,
            description: String::new(),
        });

        let view = portfolio_view(&portfolio.log.state, date(2024, 3, 1));
        assert_eq!(
            view.focus_areas,
            vec![
                FocusAreaCoverage {
                    focus_area_id: digital,
                    name: "Det digitale bibliotek".to_owned(),
                    goal: Goal::Innovation,
                    room: Room::Learning,
                    active_partnerships: 1,
                },
                FocusAreaCoverage {
                    focus_area_id: music,
                    name: "Det musiske bibliotek".to_owned(),
                    goal: Goal::Experience,
                    room: Room::Inspiration,
                    active_partnerships: 0,
                },
            ]
        );
    }

    #[test]
    fn equal_states_give_identical_json() {
        let portfolio = portfolio();
        let copy = portfolio.log.state.clone();
        let today = date(2024, 3, 1);
        let first = serde_json::to_string(&portfolio_view(&portfolio.log.state, today)).unwrap();
        let second = serde_json::to_string(&portfolio_view(&copy, today)).unwrap();
        assert_eq!(first, second);
        let read_back: PortfolioView = serde_json::from_str(&first).unwrap();
        assert_eq!(read_back, portfolio_view(&copy, today));
    }
}
