//! Comparing two moments of a workspace for the audit: what [`super::diff`] lists entity by
//! entity (appeared, moved level, ended), and how the views built on them changed: the gaps
//! that opened and closed, the library model's grid cell by cell (partnerships before and
//! after), and the network's and portfolio's figures before and after.
//!
//! Pure functions of two folded states and the two days each is judged on (which decide what
//! is overdue), so that any two moments compare the same way, in the API's "as of ... since"
//! and in `partnerhub replay`.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::diff::{diff, WorkspaceDiff};
use super::network::{network_view, LevelCounts, NetworkFilter};
use super::portfolio::{portfolio_view, Gap, PortfolioView};
use crate::domain::vocabulary::{Goal, Room};
use crate::domain::WorkspaceState;

/// One cell of the library model at both moments.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct CellChange {
    /// The room.
    pub room: Room,
    /// The goal.
    pub goal: Goal,
    /// Active partnerships in the cell at the first moment.
    pub before: usize,
    /// Active partnerships in the cell at the second moment.
    pub after: usize,
}

/// The figures an auditor compares, at one moment.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Figures {
    /// Organisations in the network database.
    pub organisations: usize,
    /// Relations per level of the network circle.
    pub counts_per_level: LevelCounts,
    /// Nodes of the network map.
    pub node_count: usize,
    /// Edges of the network map.
    pub edge_count: usize,
    /// The map's density, 0 to 1.
    pub density: f64,
    /// Partnerships not ended.
    pub active_partnerships: usize,
    /// Partnerships ended.
    pub ended_partnerships: usize,
    /// Gaps in the library's offer.
    pub gaps: usize,
    /// Evaluations overdue or never held, on the moment's day.
    pub overdue_evaluations: usize,
    /// Active partnerships linked to no goal.
    pub unlinked: usize,
}

/// The same figures at both moments.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct FiguresChange {
    /// At the first moment.
    pub before: Figures,
    /// At the second moment.
    pub after: Figures,
}

/// What changed between two moments: the entities ([`WorkspaceDiff`], its fields side by
/// side with these) and the views.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Comparison {
    /// Entities that appeared, moved, changed or ended.
    #[serde(flatten)]
    pub entities: WorkspaceDiff,
    /// Gaps at the second moment that were not there at the first.
    pub gaps_opened: Vec<Gap>,
    /// Gaps at the first moment that are closed at the second.
    pub gaps_closed: Vec<Gap>,
    /// Every cell of the library model, room by room and goal by goal, before and after.
    pub grid: Vec<CellChange>,
    /// The figures before and after.
    pub figures: FiguresChange,
}

/// The figures of `state` with its portfolio `portfolio`.
fn figures(state: &WorkspaceState, portfolio: &PortfolioView) -> Figures {
    let metrics = network_view(state, &NetworkFilter::default()).metrics;
    let ended = state
        .partnerships
        .values()
        .filter(|partnership| !partnership.is_active())
        .count();
    Figures {
        organisations: state.organisations.len(),
        counts_per_level: metrics.counts_per_level,
        node_count: metrics.node_count,
        edge_count: metrics.edge_count,
        density: metrics.density,
        active_partnerships: state.partnerships.len() - ended,
        ended_partnerships: ended,
        gaps: portfolio.gaps.len(),
        overdue_evaluations: portfolio.overdue_evaluations.len(),
        unlinked: portfolio.unlinked.len(),
    }
}

/// How `after` (judged on `after_day`) differs from `before` (judged on `before_day`): two
/// states of the same workspace, `before` first.
pub fn compare(
    before: &WorkspaceState,
    before_day: NaiveDate,
    after: &WorkspaceState,
    after_day: NaiveDate,
) -> Comparison {
    let old = portfolio_view(before, before_day);
    let new = portfolio_view(after, after_day);
    let grid = new
        .matrix
        .iter()
        .map(|cell| CellChange {
            room: cell.room,
            goal: cell.goal,
            before: old
                .matrix
                .iter()
                .find(|earlier| earlier.room == cell.room && earlier.goal == cell.goal)
                .map_or(0, |earlier| earlier.partnerships.len()),
            after: cell.partnerships.len(),
        })
        .collect();
    Comparison {
        entities: diff(before, after),
        gaps_opened: new
            .gaps
            .iter()
            .filter(|gap| !old.gaps.iter().any(|earlier| earlier.area == gap.area))
            .cloned()
            .collect(),
        gaps_closed: old
            .gaps
            .iter()
            .filter(|gap| !new.gaps.iter().any(|later| later.area == gap.area))
            .cloned()
            .collect(),
        grid,
        figures: FiguresChange {
            before: figures(before, &old),
            after: figures(after, &new),
        },
    }
}
