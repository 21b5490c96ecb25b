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
use super::projector::MetricsPoint;
use crate::domain::events::Party;
use crate::domain::state::{Partnership, WorkspaceState};
use crate::domain::vocabulary::{AgeGroup, Goal, Level, Phase, Room, Sector};

/// The phases in which a partnership should have been evaluated at least once.
const PHASES_THAT_NEED_AN_EVALUATION: [Phase; 3] =
    [Phase::Running, Phase::Evaluation, Phase::Adjustment];

/// A partnership named in a list, with what the grid is crossed by: the sectors of its
/// partners and the age groups it serves (so a reader filters the grid by both without
/// asking again).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PartnershipReference {
    /// Its id.
    pub partnership_id: Uuid,
    /// Its title.
    pub title: String,
    /// The sectors of its partners, each once, in their order.
    #[serde(default)]
    pub sectors: Vec<Sector>,
    /// The age groups it serves, in the guide's order.
    #[serde(default)]
    pub age_groups: Vec<AgeGroup>,
}

/// One cell of the library model: a room and a goal, and the active partnerships serving both.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
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
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SectorCount {
    /// The sector.
    pub sector: Sector,
    /// Active partnerships with at least one partner from it.
    pub partnerships: usize,
}

/// Active partnerships serving an age group.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct AgeGroupCount {
    /// The age group.
    pub age_group: AgeGroup,
    /// Active partnerships serving it.
    pub partnerships: usize,
}

/// Where a gap in the library's offer is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
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
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Gap {
    /// Where.
    pub area: GapArea,
    /// The gap in words.
    pub message: String,
}

/// An active partnership linked to no goal of the library model.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
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
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
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
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
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
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PhaseCount {
    /// The phase.
    pub phase: Phase,
    /// Partnerships in it, ended ones included (they are in the ended phase).
    pub partnerships: usize,
}

/// A partnership that ended, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
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
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
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

/// The network's size at one metrics point: the figures a chart over time draws (the full
/// metrics of the point, rankings and clusters, stay in the "as of" report).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct MetricsAt {
    /// The event after which they were measured.
    pub position: u64,
    /// When that event was recorded.
    pub recorded_at: DateTime<Utc>,
    /// Nodes of the unfiltered map.
    pub node_count: usize,
    /// Edges of the unfiltered map.
    pub edge_count: usize,
    /// Edges present as a share of the edges possible, 0 to 1.
    pub density: f64,
    /// Relations per level of the network circle.
    pub counts_per_level: LevelCounts,
}

/// The network metrics over time, as [`MetricsAt`] points in log order.
pub fn metrics_over_time<'a>(
    history: impl IntoIterator<Item = &'a MetricsPoint>,
) -> Vec<MetricsAt> {
    history
        .into_iter()
        .map(|point| MetricsAt {
            position: point.position,
            recorded_at: point.recorded_at,
            node_count: point.metrics.node_count,
            edge_count: point.metrics.edge_count,
            density: point.metrics.density,
            counts_per_level: point.metrics.counts_per_level,
        })
        .collect()
}

/// A strategic focus area and how many active partnerships serve its cell.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
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
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
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
    let matrix = matrix_of(state, &active, &served);
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

fn reference(
    state: &WorkspaceState,
    partnership_id: Uuid,
    partnership: &Partnership,
) -> PartnershipReference {
    let mut sectors: Vec<Sector> = partnership
        .partner_ids
        .iter()
        .filter_map(|partner_id| state.organisations.get(partner_id))
        .map(|organisation| organisation.sector)
        .collect();
    sectors.sort();
    sectors.dedup();
    PartnershipReference {
        partnership_id,
        title: partnership.title.clone(),
        sectors,
        age_groups: AgeGroup::ALL
            .iter()
            .filter(|age_group| partnership.age_groups.contains(age_group))
            .copied()
            .collect(),
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

fn matrix_of(
    state: &WorkspaceState,
    active: &[(Uuid, &Partnership)],
    served: &[Served],
) -> Vec<MatrixCell> {
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
                        reference(state, *partnership_id, partnership)
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
mod tests;
