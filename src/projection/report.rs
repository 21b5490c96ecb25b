//! One workspace's views together, as `partnerhub replay` prints them and the API will serve
//! them: the network map, the portfolio, every partnership's file, the network database, the
//! assets list, the boards, the metrics history and the timeline.
//!
//! [`report_as_of`] is the one "as of" assembly (which date is "today" at a past moment,
//! which history belongs to it, what changed since an earlier moment, [`compare`]d) that both
//! `GET /api/workspaces/{id}/as-of` and `partnerhub replay` answer with.

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::{NaiveDate, Utc};
use serde::Serialize;
use serde_json::{json, Value};
use uuid::Uuid;

use super::board::{board_view, BoardView};
use super::compare::compare;
use super::competences::{competences_view, CompetencesView};
use super::network::{network_view, NetworkFilter, NetworkView};
use super::portfolio::{portfolio_view, PortfolioView};
use super::projector::{AsOf, MetricsPoint, Projections, WorkspaceView};
use super::timeline::{seen_by, TimelineEntry, TimelineLine};
use crate::domain::describe::Language;
use crate::domain::state::{Asset, Board, FocusArea, Organisation, Partnership, StaffMember};
use crate::privacy::KeyStore;
use crate::store::{EventStore, StoreError};

/// Everything known about a workspace at one moment.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct WorkspaceReport<'a> {
    /// The workspace.
    pub workspace_id: Uuid,
    /// Its name.
    pub name: &'a str,
    /// The position of the last event included.
    pub position: u64,
    /// How many of the workspace's events are included.
    pub version: u64,
    /// The date overdue evaluations are measured against.
    pub today: NaiveDate,
    /// The network map.
    pub network: NetworkView,
    /// The portfolio.
    pub portfolio: PortfolioView,
    /// Competences the library has and lacks.
    pub competences: CompetencesView,
    /// Strategic focus areas.
    pub focus_areas: &'a BTreeMap<Uuid, FocusArea>,
    /// Staff.
    pub staff: &'a BTreeMap<Uuid, StaffMember>,
    /// The network database.
    pub organisations: &'a BTreeMap<Uuid, Arc<Organisation>>,
    /// Every partnership's file.
    pub partnerships: &'a BTreeMap<Uuid, Arc<Partnership>>,
    /// The assets list.
    pub assets: &'a BTreeMap<Uuid, Arc<Asset>>,
    /// Workshop boards. (Not in the derived schema: the API's "as of" answers each board as
    /// the reader may see it, a `BoardView`, and documents that in `crate::api::openapi`.)
    #[schemars(skip)]
    pub boards: &'a BTreeMap<Uuid, Arc<Board>>,
    /// Network metrics recorded at changes of the network up to this moment (at most one per
    /// `nodes² / METRICS_WORK_PER_EVENT` events, see
    /// [`METRICS_WORK_PER_EVENT`](super::projector::METRICS_WORK_PER_EVENT)).
    pub metrics_history: Vec<&'a MetricsPoint>,
    /// Every event of the workspace up to this moment, in words of the report's language.
    /// (Not in the derived schema: documented with the API's "as of" in `crate::api::openapi`.)
    #[schemars(skip)]
    pub timeline: Vec<TimelineLine<'a>>,
}

/// The live view's history up to one position: the timeline entries about the workspace and
/// the metrics points at or before it. A report of an earlier moment needs only these from the
/// live view, so an "as of" request copies them under the read lock (not the whole live view
/// with its timeline index, snapshots and later entries) and lets the projector go on.
#[derive(Clone, Debug, Default)]
pub struct HistoryUntil {
    /// Network metrics points at or before the position.
    pub metrics_history: Vec<MetricsPoint>,
    /// Timeline entries about the workspace at or before the position (those the views hold
    /// until [`HistoryUntil::with_stored`] adds the timeline index's).
    pub timeline: Vec<TimelineEntry>,
    /// The position up to which the timeline's entries are in the timeline index.
    pub stored_through: u64,
    /// The position the history is of.
    pub position: u64,
}

impl HistoryUntil {
    /// Copies `live`'s metrics points and workspace timeline entries up to `position`.
    pub fn of(live: &WorkspaceView, position: u64) -> Self {
        HistoryUntil {
            metrics_history: live
                .metrics_history
                .iter()
                .take_while(|point| point.position <= position)
                .cloned()
                .collect(),
            timeline: live
                .timeline
                .entries_about(live.state.workspace_id)
                .take_while(|entry| entry.position <= position)
                .cloned()
                .collect(),
            stored_through: live.timeline.stored_through(),
            position,
        }
    }

    /// Adds the timeline index's entries of workspace `workspace_id` before those copied from
    /// the views ([`super::timeline_index::about`]).
    ///
    /// # Errors
    /// Store errors; [`StoreError::Corrupt`] for a damaged entry.
    pub async fn with_stored(
        mut self,
        store: &dyn EventStore,
        workspace_id: Uuid,
    ) -> Result<Self, StoreError> {
        self.timeline = super::timeline_index::about(
            store,
            workspace_id,
            workspace_id,
            self.stored_through,
            self.position,
            std::mem::take(&mut self.timeline),
        )
        .await?;
        self.stored_through = 0;
        Ok(self)
    }
}

/// Who reads a report and in which language its timeline is said.
#[derive(Clone, Copy, Debug)]
pub struct Reading<'a> {
    /// The reader's actor; none for the server's administrator (`partnerhub replay`).
    pub reader: Option<&'a str>,
    /// The language of the timeline's sentences.
    pub language: Language,
}

/// The report of workspace `workspace_id` as of `moment`, as JSON with its personal data
/// revealed by `keys` (or shown erased), and under `changes_since` what changed since
/// `earlier` when that is given; its timeline in `reading`'s language.
///
/// With a `reader` in `reading`, the boards and the timeline are what [`crate::visibility`] lets that
/// reader see at the moment (each board as [`board_view`] shows it, the timeline as
/// [`seen_by`]); without one (the administrator's `partnerhub replay`), as recorded.
///
/// Overdue evaluations are measured against the moment asked for: its date, or for a
/// position the date its last event was recorded (today if it has none). Only the live
/// timeline and metrics up to the moment are copied, not the live view.
///
/// # Returns
/// `None` when the live views hold no workspace `workspace_id`.
///
/// # Errors
/// Reading the log to replay up to `moment` or `earlier` fails.
pub async fn report_as_of(
    projections: &Projections,
    store: &dyn EventStore,
    keys: &KeyStore,
    workspace_id: Uuid,
    moment: AsOf,
    earlier: Option<AsOf>,
    reading: Reading<'_>,
) -> Result<Option<Value>, StoreError> {
    let Reading { reader, language } = reading;
    let then = projections.state_as_of(store, workspace_id, moment).await?;
    let Some(history) = projections.read(workspace_id, |live| {
        HistoryUntil::of(live, then.state.position)
    }) else {
        return Ok(None);
    };
    let history = history.with_stored(store, workspace_id).await?;
    let today = day_of(moment, &then);
    let mut report = json!(workspace_report_until(&then, &history, today, language));
    if let Some(reader) = reader {
        let reader = crate::sealing::reader(keys, reader, &then.state.boards).await;
        let boards: BTreeMap<Uuid, BoardView> = then
            .state
            .boards
            .iter()
            .map(|(board_id, board)| {
                (
                    *board_id,
                    board_view(*board_id, board, &reader.on(*board_id)),
                )
            })
            .collect();
        report["boards"] = json!(boards);
        report["timeline"] = json!(seen_by(
            &reader,
            &history.timeline,
            &then.state.boards,
            then.state.position,
            language,
        ));
    }
    if let Some(earlier) = earlier {
        let before = projections
            .state_as_of(store, workspace_id, earlier)
            .await?;
        let before_day = day_of(earlier, &before);
        report["changes_since"] = json!(compare(&before.state, before_day, &then.state, today));
    }
    keys.reveal_in_json(&mut report).await;
    Ok(Some(report))
}

/// The day a moment's report is judged on (what is overdue): the time's date, or for a
/// position the date its last event was recorded (today if it has none).
fn day_of(moment: AsOf, view: &WorkspaceView) -> NaiveDate {
    match moment {
        AsOf::Time(time) => time.date_naive(),
        AsOf::Position(_) => view
            .state
            .updated_at
            .map(|time| time.date_naive())
            .unwrap_or_else(|| Utc::now().date_naive()),
    }
}

/// The report of workspace `workspace_id`'s live view as JSON, as recorded (nothing hidden,
/// personal data as sealed), with its whole timeline: the timeline index's entries and those
/// the views hold.
///
/// # Returns
/// `None` when the live views hold no workspace `workspace_id`.
///
/// # Errors
/// Store errors; [`StoreError::Corrupt`] for a damaged timeline entry.
pub async fn live_report(
    projections: &Projections,
    store: &dyn EventStore,
    workspace_id: Uuid,
    today: NaiveDate,
    language: Language,
) -> Result<Option<Value>, StoreError> {
    let Some((view, history)) = projections.read(workspace_id, |live| {
        (live.clone(), HistoryUntil::of(live, live.state.position))
    }) else {
        return Ok(None);
    };
    let history = history.with_stored(store, workspace_id).await?;
    Ok(Some(json!(workspace_report_until(
        &view, &history, today, language
    ))))
}

/// Assembles the report of `view` with the timeline and metrics history copied from the live
/// view by [`HistoryUntil::of`] (what "as of" requests use).
pub fn workspace_report_until<'a>(
    view: &'a WorkspaceView,
    history: &'a HistoryUntil,
    today: NaiveDate,
    language: Language,
) -> WorkspaceReport<'a> {
    report_up_to_view(
        view,
        history.metrics_history.iter(),
        history.timeline.iter(),
        today,
        language,
    )
}

/// Assembles the report of `view`. `timeline_source` supplies the timeline and the metrics
/// history (a view from [`Projections::state_as_of`](super::Projections::state_as_of) holds
/// neither; a view replayed by [`replay_stream`](super::projector::replay_stream) or rebuilt
/// by [`rebuild`](super::rebuild) holds all of them, a live view only the timeline entries
/// after the timeline index's: [`live_report`] reads the index too). The timeline is said in
/// `language`.
pub fn workspace_report<'a>(
    view: &'a WorkspaceView,
    timeline_source: &'a WorkspaceView,
    today: NaiveDate,
    language: Language,
) -> WorkspaceReport<'a> {
    report_up_to_view(
        view,
        timeline_source.metrics_history.iter(),
        timeline_source
            .timeline
            .about(view.state.workspace_id)
            .into_iter(),
        today,
        language,
    )
}

/// The report of `view`, with the metrics points and timeline entries at or before its
/// position.
fn report_up_to_view<'a>(
    view: &'a WorkspaceView,
    metrics_history: impl Iterator<Item = &'a MetricsPoint>,
    timeline: impl Iterator<Item = &'a TimelineEntry>,
    today: NaiveDate,
    language: Language,
) -> WorkspaceReport<'a> {
    let position = view.state.position;
    report_with(
        view,
        metrics_history
            .filter(|point| point.position <= position)
            .collect(),
        timeline
            .filter(|entry| entry.position <= position)
            .map(|entry| entry.line(language))
            .collect(),
        today,
    )
}

fn report_with<'a>(
    view: &'a WorkspaceView,
    metrics_history: Vec<&'a MetricsPoint>,
    timeline: Vec<TimelineLine<'a>>,
    today: NaiveDate,
) -> WorkspaceReport<'a> {
    let state = &view.state;
    let position = state.position;
    WorkspaceReport {
        workspace_id: state.workspace_id,
        name: &state.name,
        position,
        version: state.version,
        today,
        network: network_view(state, &NetworkFilter::default()),
        portfolio: portfolio_view(state, today),
        competences: competences_view(state),
        focus_areas: &state.focus_areas,
        staff: &state.staff,
        organisations: &state.organisations,
        partnerships: &state.partnerships,
        assets: &state.assets,
        boards: &state.boards,
        metrics_history,
        timeline,
    }
}
