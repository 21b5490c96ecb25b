//! The projector: keeps every workspace's views current by consuming the log in order, and
//! answers "as of" questions by replaying from the nearest snapshot.
//!
//! [`Projections`] holds, per workspace, the folded [`WorkspaceState`], its [`Timeline`], the
//! network metrics recorded at changes of the network (kept per point in time, never
//! overwritten; at most one per `nodes² / `[`METRICS_WORK_PER_EVENT`] events, so their cost
//! per event is bounded on any network) and evenly spaced snapshots of the state that share
//! unchanged entities with it (every [`SNAPSHOT_EVERY`] events, the spacing doubling to keep
//! at most [`SNAPSHOT_LIMIT`]). "As of" questions fold the state only. Its checkpoint
//! is the position of the last event applied; [`Projections::wait_for`] lets a command see
//! its own effects. The store folds each event in as it publishes it, and [`spawn_projector`]
//! follows the log with a [`Subscription`](crate::store::Subscription) wherever the fold did
//! not (the log before it started, an event it met out of turn). On start the views are
//! rebuilt from the log (or a checkpoint verified against it); either way a server's start
//! keeps no snapshot of the log it started from ([`rebuild_for_start`]).

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use tokio::sync::broadcast;
use uuid::Uuid;

use super::network::{network_metrics, NetworkMetrics};
use super::progress::Progress;
use super::slugs::Slugs;
use super::timeline::Timeline;
use crate::accounts::{AccountEvent, AccountsState, SYSTEM_STREAM};
use crate::domain::state::ChunkedLog;
use crate::domain::vocabulary::Level;
use crate::domain::{DomainEvent, EventContext, WorkspaceState};
use crate::store::{
    envelope, EventStore, Position, RecordedEvent, StoreError, Subscription, READ_PAGE,
};
use crate::sync::unpoisoned;

/// How many events of a workspace between two snapshots of its state at first; the spacing
/// doubles whenever a workspace holds more than [`SNAPSHOT_LIMIT`] snapshots.
pub const SNAPSHOT_EVERY: u64 = 1_000;
/// How many snapshots a workspace keeps at most. When one more is taken, the spacing doubles
/// and only the snapshots at multiples of the new spacing stay, so they stay evenly spaced:
/// an "as of" question replays fewer than `spacing` events from the nearest one, and on a log
/// of `n` events the spacing is at most `max(SNAPSHOT_EVERY, 2n / SNAPSHOT_LIMIT)`.
pub const SNAPSHOT_LIMIT: usize = 512;
/// Network metrics cost about (nodes)² (Brandes' betweenness on a sparse graph). A metrics
/// point is recorded at a change of the network once at least `nodes² / METRICS_WORK_PER_EVENT`
/// events have passed since the previous point, so the metrics cost per event stays bounded
/// whatever the network's size: networks of up to 8 nodes get a point at every change, one of
/// 100 nodes at most every 156 events, one of 2,800 (the million-event benchmark's) at most
/// every 122,500.
pub const METRICS_WORK_PER_EVENT: u64 = 64;

/// Network metrics at one point in time.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct MetricsPoint {
    /// The event after which they were measured.
    pub position: Position,
    /// When that event was recorded.
    pub recorded_at: DateTime<Utc>,
    /// The metrics.
    pub metrics: NetworkMetrics,
}

/// A workspace's metrics points, oldest first, in shared chunks: a checkpoint's copy of the
/// views takes a pointer per 256 points, not a copy of each.
pub type MetricsHistory = ChunkedLog<MetricsPoint, 256>;

/// A snapshot of a workspace's state. The state's large collections hold their entities
/// behind `Arc`s, so a snapshot shares every entity that has not changed since.
#[derive(Clone, Debug)]
struct Snapshot {
    position: Position,
    recorded_at: DateTime<Utc>,
    state: Arc<WorkspaceState>,
}

/// Evenly spaced snapshots of one workspace's state, at stream versions that are multiples
/// of `every`, of the log after position `after` only.
#[derive(Clone, Debug)]
struct Snapshots {
    every: u64,
    limit: usize,
    /// None is taken of the log up to this position: the log a server's start folded (see
    /// [`rebuild_for_start`]).
    after: Position,
    taken: Vec<Snapshot>,
}

impl Default for Snapshots {
    fn default() -> Self {
        Snapshots {
            every: SNAPSHOT_EVERY,
            limit: SNAPSHOT_LIMIT,
            after: 0,
            taken: Vec::new(),
        }
    }
}

impl Snapshots {
    /// Snapshots of a stream expected to reach at most `events` events: the spacing starts
    /// where doubling would have taken it by then, so a rebuild takes no snapshot it would
    /// thin away later (a third of them at a million events). The bound on the spacing holds:
    /// at most `max(SNAPSHOT_EVERY, 2 * events / SNAPSHOT_LIMIT)`.
    fn expecting(events: u64) -> Self {
        let mut snapshots = Snapshots::default();
        while events / snapshots.every > snapshots.limit as u64 {
            snapshots.every *= 2;
        }
        snapshots
    }

    /// Takes a snapshot of `state` if its version is due; thins to the doubled spacing when
    /// more than `limit` ([`SNAPSHOT_LIMIT`]) are kept.
    fn after_apply(&mut self, state: &WorkspaceState) {
        if state.version % self.every != 0 || state.position <= self.after {
            return;
        }
        self.taken.push(Snapshot {
            position: state.position,
            recorded_at: state.updated_at.unwrap_or_default(),
            state: Arc::new(state.clone()),
        });
        if self.taken.len() > self.limit {
            self.every *= 2;
            let every = self.every;
            self.taken
                .retain(|snapshot| snapshot.state.version % every == 0);
        }
    }

    /// The newest snapshot taken at or before `target`.
    fn before(&self, target: &AsOf) -> Option<&Snapshot> {
        self.taken
            .iter()
            .rev()
            .find(|snapshot| target.includes(snapshot.position, snapshot.recorded_at))
    }
}

/// Everything the projector keeps for one workspace.
#[derive(Clone, Debug)]
pub struct WorkspaceView {
    /// The current state.
    pub state: WorkspaceState,
    /// Every event about every entity, in words.
    pub timeline: Timeline,
    /// Network metrics at changes of the network, at most one per
    /// `nodes² / METRICS_WORK_PER_EVENT` events (see [`METRICS_WORK_PER_EVENT`]).
    pub metrics_history: MetricsHistory,
    /// The stream version of the last metrics point.
    last_metrics_version: Option<u64>,
    snapshots: Snapshots,
}

impl WorkspaceView {
    fn new(workspace_id: Uuid) -> Self {
        WorkspaceView::expecting(workspace_id, 0, 0, 0)
    }

    /// An empty view whose stream is expected to reach at most `events` events (0: unknown),
    /// which sets the snapshots' first spacing (see `Snapshots::expecting`), with its
    /// timeline's entries up to `timeline_stored_through` in the timeline index, and no
    /// snapshot of the log up to `snapshots_after`.
    fn expecting(
        workspace_id: Uuid,
        events: u64,
        timeline_stored_through: Position,
        snapshots_after: Position,
    ) -> Self {
        WorkspaceView {
            state: WorkspaceState::new(workspace_id),
            timeline: Timeline::stored_through_position(timeline_stored_through),
            metrics_history: MetricsHistory::default(),
            last_metrics_version: None,
            snapshots: Snapshots {
                after: snapshots_after,
                ..Snapshots::expecting(events)
            },
        }
    }

    /// Applies one event: timeline first (it reads the state before), then the state, then
    /// metrics and snapshots.
    pub fn apply(&mut self, event: &DomainEvent, context: &EventContext) {
        self.timeline.record(&self.state, event, context);
        let level_before = moved_organisation_level(&self.state, event);
        self.state.apply(event, context);
        if changes_network(event) && self.metrics_due() {
            let metrics = self
                .metrics_after_level_move(event, level_before)
                .unwrap_or_else(|| network_metrics(&self.state));
            self.last_metrics_version = Some(self.state.version);
            self.metrics_history.push(MetricsPoint {
                position: context.position,
                recorded_at: context.recorded_at,
                metrics,
            });
        }
        self.snapshots.after_apply(&self.state);
    }

    /// The metrics after `event` without measuring the graph again, when the event only moved
    /// a relation from one level to another (`level_before`, read before it was applied) and
    /// the last metrics point was taken just before it: the map then has the same nodes,
    /// labels and edges (the graph measures do not look at levels), so everything but the
    /// counts per level is what the last point says, and the counts move by one. `None` when
    /// that does not hold; the metrics are then measured in full. The same figures either way
    /// (a unit test compares them); measuring costs a graph build and Brandes' betweenness per
    /// event in a small workspace, where a point is due at every change.
    fn metrics_after_level_move(
        &self,
        event: &DomainEvent,
        level_before: Option<Level>,
    ) -> Option<NetworkMetrics> {
        let DomainEvent::RelationLevelChanged {
            organisation_id, ..
        } = event
        else {
            return None;
        };
        let from = level_before?;
        let to = self.state.organisations.get(organisation_id)?.level?;
        let last = self.metrics_history.last()?;
        if self.last_metrics_version != Some(self.state.version - 1) {
            return None;
        }
        let mut metrics = last.metrics.clone();
        metrics.counts_per_level.remove(from);
        metrics.counts_per_level.add(to);
        Some(metrics)
    }

    /// Whether enough events passed since the last metrics point for the network's size.
    fn metrics_due(&self) -> bool {
        let Some(last) = self.last_metrics_version else {
            return true;
        };
        let nodes = (self.state.organisations.len() + self.state.staff.len() + 1) as u64;
        self.state.version - last >= nodes * nodes / METRICS_WORK_PER_EVENT
    }

    /// The newest snapshot taken at or before `target`.
    fn snapshot_before(&self, target: &AsOf) -> Option<&Snapshot> {
        self.snapshots.before(target)
    }

    /// A view restored from a checkpoint ([`super::checkpoint`]): its snapshots for "as of"
    /// questions start empty, at the spacing `snapshot_every` it had.
    pub(super) fn restored(
        state: WorkspaceState,
        timeline: Timeline,
        metrics_history: MetricsHistory,
        last_metrics_version: Option<u64>,
        snapshot_every: u64,
    ) -> Self {
        WorkspaceView {
            state,
            timeline,
            metrics_history,
            last_metrics_version,
            snapshots: Snapshots {
                every: snapshot_every.max(1),
                ..Snapshots::default()
            },
        }
    }

    /// What a checkpoint keeps of the view besides its state and timeline: the stream
    /// version of the last metrics point and the snapshots' spacing.
    pub(super) fn checkpoint_parts(&self) -> (Option<u64>, u64) {
        (self.last_metrics_version, self.snapshots.every)
    }

    /// The stream versions of the snapshots kept, oldest first (for tests and benchmarks).
    pub fn snapshot_versions(&self) -> Vec<u64> {
        self.snapshots
            .taken
            .iter()
            .map(|snapshot| snapshot.state.version)
            .collect()
    }
}

/// The level an organisation's relation stands at before `event`, when the event is a move
/// of that relation (see `WorkspaceView::metrics_after_level_move`).
fn moved_organisation_level(state: &WorkspaceState, event: &DomainEvent) -> Option<Level> {
    match event {
        DomainEvent::RelationLevelChanged {
            organisation_id, ..
        } => state.organisations.get(organisation_id)?.level,
        _ => None,
    }
}

/// Whether an event changes the network map (and so its metrics).
fn changes_network(event: &DomainEvent) -> bool {
    matches!(
        event,
        DomainEvent::OrganisationRegistered { .. }
            | DomainEvent::RelationLevelChanged { .. }
            | DomainEvent::ContactHolderAssigned { .. }
            | DomainEvent::ContactHolderRemoved { .. }
            | DomainEvent::StaffMemberAdded { .. }
            | DomainEvent::StaffMemberUpdated { .. }
            | DomainEvent::StaffMemberLeft { .. }
    )
}

/// A moment in the log: a position, or a time (the last event recorded at or before it).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "at")]
pub enum AsOf {
    /// After the event at this position.
    Position(Position),
    /// After the last event recorded at or before this time.
    Time(DateTime<Utc>),
}

impl AsOf {
    /// Parses a position (digits) or an RFC 3339 time.
    ///
    /// # Errors
    /// A message saying what is expected.
    pub fn parse(text: &str) -> Result<AsOf, String> {
        if let Ok(position) = text.parse::<u64>() {
            return Ok(AsOf::Position(position));
        }
        DateTime::parse_from_rfc3339(text)
            .map(|time| AsOf::Time(time.with_timezone(&Utc)))
            .map_err(|_| {
                format!("`{text}` is neither a log position (like 42) nor an RFC 3339 time (like 2026-11-24T15:00:00Z)")
            })
    }

    /// Whether an event at `position`, recorded at `recorded_at`, happened by this moment.
    pub fn includes(&self, position: Position, recorded_at: DateTime<Utc>) -> bool {
        match self {
            AsOf::Position(limit) => position <= *limit,
            AsOf::Time(limit) => recorded_at <= *limit,
        }
    }
}

/// Decodes a recorded event into the domain event and its context.
///
/// # Errors
/// The decoding error when the event is not a domain event.
pub fn decode(event: &RecordedEvent) -> Result<(DomainEvent, EventContext), serde_json::Error> {
    let domain: DomainEvent = envelope::from_parts(&event.event_type, &event.payload)?;
    Ok((
        domain,
        EventContext {
            position: event.position,
            actor: event.metadata.actor.clone(),
            recorded_at: event.metadata.recorded_at,
        },
    ))
}

/// The views of every workspace, kept current by consuming the log in order.
pub struct Projections {
    workspaces: RwLock<BTreeMap<Uuid, WorkspaceView>>,
    /// Every workspace's slug, given in the order the workspaces were created.
    slugs: RwLock<Slugs>,
    /// Accounts, roles and tokens, folded from the system stream.
    accounts: RwLock<AccountsState>,
    /// The position of the last event applied, and who waits for a later one.
    checkpoint: Progress,
    /// Held by [`Projections::apply_next`] from reading the checkpoint to moving it, so that
    /// the store's fold and the projector task never both apply an event.
    next: Mutex<()>,
    skipped: AtomicU64,
    /// How many events a workspace's stream may reach, as far as a rebuild knows (the log's
    /// length; 0 when unknown): sets the first snapshot spacing of the workspaces it creates.
    expected_events: AtomicU64,
    /// The position up to which a rebuild takes no snapshot for "as of" questions (a
    /// server's start, [`rebuild_for_start`]; 0: every snapshot is taken).
    snapshots_after: AtomicU64,
    /// The position up to which every timeline entry is in the timeline index
    /// ([`super::timeline_index`]), not in the views.
    timeline_stored_through: AtomicU64,
    /// Held by [`super::checkpoint::write`] while it writes a checkpoint, so that writes go
    /// one at a time (a shutdown's waits for the background one, then saves only what came
    /// after it): the last checkpoint this process wrote or started from.
    checkpoint_written: tokio::sync::Mutex<LastCheckpoint>,
}

/// The last checkpoint a process wrote or started from.
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct LastCheckpoint {
    /// Its position.
    pub(super) position: Position,
    /// Its size in bytes (0 when unknown): the next one is encoded into a buffer of about
    /// that size, not one doubled a dozen times, each doubling a copy of all written so far.
    pub(super) bytes: usize,
}

impl Default for Projections {
    fn default() -> Self {
        Projections {
            workspaces: RwLock::new(BTreeMap::new()),
            slugs: RwLock::new(Slugs::default()),
            accounts: RwLock::new(AccountsState::default()),
            checkpoint: Progress::new(0),
            next: Mutex::new(()),
            skipped: AtomicU64::new(0),
            expected_events: AtomicU64::new(0),
            snapshots_after: AtomicU64::new(0),
            timeline_stored_through: AtomicU64::new(0),
            checkpoint_written: tokio::sync::Mutex::new(LastCheckpoint::default()),
        }
    }
}

impl Projections {
    /// Empty views at checkpoint 0.
    pub fn new() -> Arc<Self> {
        Arc::new(Projections::default())
    }

    /// Applies the next event of the log. Events must come in position order; one that is not
    /// a domain event (written by another tool) is counted and skipped.
    pub fn apply(&self, event: &RecordedEvent) {
        if event.metadata.workspace_id == SYSTEM_STREAM {
            self.apply_account_event(event);
            self.checkpoint.advance(event.position);
            return;
        }
        self.apply_decoded(event, decode(event));
    }

    /// Applies `event` if it is the next one the views lack (its position follows the
    /// checkpoint), and returns whether it did. The store's fold
    /// ([`EventStore::fold_when_published`]) and the projector task both offer every event
    /// they see: whichever comes first applies it, the other finds it applied, and an event
    /// beyond a gap (the fold set while the task still catches up) is left to the task.
    pub fn apply_next(&self, event: &RecordedEvent) -> bool {
        let _next = unpoisoned(self.next.lock());
        if event.position != self.checkpoint() + 1 {
            return false;
        }
        self.apply(event);
        true
    }

    /// Applies the next event of the log, already decoded by [`decode`] (on another thread
    /// during a rebuild). `event` must not be of the system stream.
    fn apply_decoded(
        &self,
        event: &RecordedEvent,
        decoded: Result<(DomainEvent, EventContext), serde_json::Error>,
    ) {
        match decoded {
            Ok((domain, context)) => {
                let workspace_id = event.metadata.workspace_id;
                if let DomainEvent::WorkspaceCreated { name, .. } = &domain {
                    unpoisoned(self.slugs.write()).assign(workspace_id, name);
                }
                let mut workspaces = unpoisoned(self.workspaces.write());
                workspaces
                    .entry(workspace_id)
                    .or_insert_with(|| {
                        WorkspaceView::expecting(
                            workspace_id,
                            self.expected_events.load(Ordering::Relaxed),
                            self.timeline_stored_through.load(Ordering::Relaxed),
                            self.snapshots_after.load(Ordering::Relaxed),
                        )
                    })
                    .apply(&domain, &context);
                // Moved while the views are locked, so that whoever reads them under the lock
                // (a checkpoint) reads the position they hold.
                self.checkpoint.advance(event.position);
                return;
            }
            Err(error) => {
                self.skipped.fetch_add(1, Ordering::Relaxed);
                tracing::warn!(
                    position = event.position,
                    event_type = %event.event_type,
                    %error,
                    "skipped an event that is not a partnerhub domain event"
                );
            }
        }
        self.checkpoint.advance(event.position);
    }

    fn apply_account_event(&self, event: &RecordedEvent) {
        match envelope::from_parts::<AccountEvent>(&event.event_type, &event.payload) {
            Ok(account_event) => {
                let mut accounts = unpoisoned(self.accounts.write());
                accounts.apply(&account_event, event.metadata.recorded_at);
            }
            Err(error) => {
                self.skipped.fetch_add(1, Ordering::Relaxed);
                tracing::warn!(position = event.position, %error, "skipped an unreadable account event");
            }
        }
    }

    /// Reads every view, the slugs, the checkpoint and the count of skipped events at once,
    /// under the views' locks (what [`super::checkpoint`] copies).
    pub(super) fn read_all_views<R>(
        &self,
        reader: impl FnOnce(&BTreeMap<Uuid, WorkspaceView>, &Slugs, Position, u64) -> R,
    ) -> R {
        let workspaces = unpoisoned(self.workspaces.read());
        let slugs = unpoisoned(self.slugs.read());
        reader(&workspaces, &slugs, self.checkpoint(), self.skipped())
    }

    /// Forgets every timeline entry up to `position`, which the timeline index now holds
    /// ([`super::timeline_index`]).
    pub(super) fn forget_timeline_through(&self, position: Position) {
        let mut workspaces = unpoisoned(self.workspaces.write());
        for (workspace_id, view) in workspaces.iter_mut() {
            view.timeline.forget_through(*workspace_id, position);
        }
        self.timeline_stored_through
            .fetch_max(position, Ordering::Relaxed);
    }

    /// Projections at `checkpoint`'s position made of parts it kept ([`super::checkpoint`]);
    /// `expected_events` as for [`rebuild`]; the timeline index holds every entry up to
    /// `timeline_stored_through`.
    pub(super) fn from_parts(
        checkpoint: LastCheckpoint,
        workspaces: BTreeMap<Uuid, WorkspaceView>,
        slugs: Slugs,
        accounts: AccountsState,
        skipped: u64,
        expected_events: u64,
        timeline_stored_through: Position,
    ) -> Arc<Self> {
        Arc::new(Projections {
            workspaces: RwLock::new(workspaces),
            slugs: RwLock::new(slugs),
            accounts: RwLock::new(accounts),
            checkpoint: Progress::new(checkpoint.position),
            next: Mutex::new(()),
            skipped: AtomicU64::new(skipped),
            expected_events: AtomicU64::new(expected_events),
            snapshots_after: AtomicU64::new(0),
            timeline_stored_through: AtomicU64::new(timeline_stored_through),
            checkpoint_written: tokio::sync::Mutex::new(checkpoint),
        })
    }

    /// The lock checkpoint writes take one at a time, holding the last checkpoint written (or
    /// started from).
    pub(super) fn checkpoint_written(&self) -> &tokio::sync::Mutex<LastCheckpoint> {
        &self.checkpoint_written
    }

    /// The position of the last checkpoint this process wrote or started from, once no write
    /// is under way: waits for the one being written to end.
    pub async fn checkpoint_written_through(&self) -> Position {
        self.checkpoint_written.lock().await.position
    }

    /// Reads the accounts, roles and tokens.
    pub fn accounts<R>(&self, reader: impl FnOnce(&AccountsState) -> R) -> R {
        let accounts = unpoisoned(self.accounts.read());
        reader(&accounts)
    }

    /// The position of the last event applied.
    pub fn checkpoint(&self) -> Position {
        self.checkpoint.get()
    }

    /// How many events were skipped because they were not domain events.
    pub fn skipped(&self) -> u64 {
        self.skipped.load(Ordering::Relaxed)
    }

    /// Waits until the event at `position` has been applied.
    pub async fn wait_for(&self, position: Position) {
        self.checkpoint.wait_for(position).await;
    }

    /// Reads one workspace's views.
    pub fn read<R>(
        &self,
        workspace_id: Uuid,
        reader: impl FnOnce(&WorkspaceView) -> R,
    ) -> Option<R> {
        let workspaces = unpoisoned(self.workspaces.read());
        workspaces.get(&workspace_id).map(reader)
    }

    /// Every workspace's id and name.
    pub fn workspace_names(&self) -> Vec<(Uuid, String)> {
        let workspaces = unpoisoned(self.workspaces.read());
        workspaces
            .iter()
            .map(|(id, view)| (*id, view.state.name.clone()))
            .collect()
    }

    /// The workspace a slug names (see [`super::slugs`]).
    pub fn workspace_by_slug(&self, slug: &str) -> Option<Uuid> {
        unpoisoned(self.slugs.read()).workspace(slug)
    }

    /// A workspace's slug (see [`super::slugs`]).
    pub fn slug_of(&self, workspace_id: Uuid) -> Option<String> {
        unpoisoned(self.slugs.read())
            .slug(workspace_id)
            .map(str::to_owned)
    }

    /// Finds a workspace by id, by slug or by name.
    pub fn find_workspace(&self, id_or_name: &str) -> Option<Uuid> {
        let names = self.workspace_names();
        if let Ok(id) = id_or_name.parse::<Uuid>() {
            return names
                .iter()
                .find(|(known, _)| *known == id)
                .map(|(id, _)| *id);
        }
        if let Some(id) = self.workspace_by_slug(id_or_name) {
            return Some(id);
        }
        names
            .iter()
            .find(|(_, name)| name.eq_ignore_ascii_case(id_or_name))
            .map(|(id, _)| *id)
    }

    /// A workspace's state as of a moment: from the nearest snapshot, replaying its stream.
    ///
    /// Only the state is folded: the view's timeline and metrics history are empty (the live
    /// view holds them for every moment; [`workspace_report`](super::report::workspace_report)
    /// takes them from there). Replaying reads fewer events than the snapshot spacing.
    ///
    /// # Errors
    /// Store errors while reading the stream.
    pub async fn state_as_of(
        &self,
        store: &dyn EventStore,
        workspace_id: Uuid,
        as_of: AsOf,
    ) -> Result<WorkspaceView, StoreError> {
        let start = self
            .read(workspace_id, |view| {
                view.snapshot_before(&as_of)
                    .map(|snapshot| (*snapshot.state).clone())
            })
            .flatten();
        let mut view = WorkspaceView::new(workspace_id);
        view.state = replay_state(store, workspace_id, start, as_of).await?;
        Ok(view)
    }
}

/// Reads a workspace's stream after `from_version` up to `as_of`, handing each domain event
/// to `apply`.
async fn replay_events(
    store: &dyn EventStore,
    workspace_id: Uuid,
    from_version: u64,
    as_of: AsOf,
    mut apply: impl FnMut(&DomainEvent, &EventContext),
) -> Result<(), StoreError> {
    let mut next_version = from_version + 1;
    loop {
        let page = store
            .read_stream(workspace_id, next_version, READ_PAGE)
            .await?;
        if page.is_empty() {
            return Ok(());
        }
        for event in &page {
            if !as_of.includes(event.position, event.metadata.recorded_at) {
                return Ok(());
            }
            if let Ok((domain, context)) = decode(event) {
                apply(&domain, &context);
            }
            next_version = event.stream_version + 1;
        }
    }
}

/// Replays a workspace's stream onto `start` (or an empty workspace) up to `as_of`: every
/// view, the timeline and metrics history included.
///
/// # Errors
/// Store errors while reading the stream.
pub async fn replay_stream(
    store: &dyn EventStore,
    workspace_id: Uuid,
    start: Option<WorkspaceState>,
    as_of: AsOf,
) -> Result<WorkspaceView, StoreError> {
    let mut view = WorkspaceView::new(workspace_id);
    if let Some(state) = start {
        view.state = state;
    }
    let from_version = view.state.version;
    replay_events(
        store,
        workspace_id,
        from_version,
        as_of,
        |event, context| {
            view.apply(event, context);
        },
    )
    .await?;
    Ok(view)
}

/// Replays a workspace's stream onto `start` (or an empty workspace) up to `as_of`, folding
/// the state only (no timeline, metrics or snapshots): what "as of" questions need.
///
/// # Errors
/// Store errors while reading the stream.
pub async fn replay_state(
    store: &dyn EventStore,
    workspace_id: Uuid,
    start: Option<WorkspaceState>,
    as_of: AsOf,
) -> Result<WorkspaceState, StoreError> {
    let mut state = start.unwrap_or_else(|| WorkspaceState::new(workspace_id));
    let from_version = state.version;
    replay_events(
        store,
        workspace_id,
        from_version,
        as_of,
        |event, context| {
            state.apply(event, context);
        },
    )
    .await?;
    Ok(state)
}

/// One event of a page read by [`rebuild`], decoded ahead of the fold.
struct DecodedEvent {
    event: RecordedEvent,
    /// `None` for the system stream, which the fold decodes itself.
    decoded: Option<Result<(DomainEvent, EventContext), serde_json::Error>>,
}

fn decode_page(page: Vec<RecordedEvent>) -> Vec<DecodedEvent> {
    page.into_iter()
        .map(|event| {
            let decoded = (event.metadata.workspace_id != SYSTEM_STREAM).then(|| decode(&event));
            DecodedEvent { event, decoded }
        })
        .collect()
}

fn apply_page(projections: &Projections, page: Vec<DecodedEvent>) {
    for DecodedEvent { event, decoded } in page {
        match decoded {
            Some(decoded) => projections.apply_decoded(&event, decoded),
            None => projections.apply(&event),
        }
    }
}

/// Waits for the fold of a page; a panic in it goes on as a panic of the rebuild.
async fn finish_fold(folding: tokio::task::JoinHandle<()>) -> bool {
    match folding.await {
        Ok(()) => true,
        Err(error) if error.is_panic() => std::panic::resume_unwind(error.into_panic()),
        Err(_) => false,
    }
}

/// Rebuilds every view from the whole log (the projections of a fresh start).
///
/// Reading and decoding a page overlaps the fold of the page before, which runs on a
/// blocking thread (one fold at a time, pages in order, so events are applied in log order as
/// ever): on two cores the rebuild takes about as long as the fold alone, not the scan, the
/// decoding and the fold one after the other. `progress` hears the position of the last event
/// folded, after each page.
///
/// # Errors
/// Store errors while reading the log.
pub async fn rebuild(
    store: &dyn EventStore,
    progress: &mut (dyn FnMut(Position) + Send),
) -> Result<Arc<Projections>, StoreError> {
    rebuild_with(store, 0, 0, progress).await
}

/// The views of a server's start from the whole log ([`super::checkpoint::start`], when no
/// checkpoint is usable): what [`rebuild`] makes, but for the timeline entries up to
/// `timeline_stored_through`, which the timeline index holds ([`super::timeline_index`]), and
/// without the snapshots for "as of" questions about the log it folds. A start from a
/// checkpoint has none of those either, so both kinds of start hold the same; an "as of"
/// question about a moment before the start replays the workspace's stream from its start
/// (the same answer, more slowly), and snapshots are taken again as the log grows. Kept, they
/// were most of what a rebuilt server held at a million events (about 1 GiB of the copies of
/// changed entities and of the maps that share the others, and the allocator's pages they
/// fragmented; BENCHMARKS.md, issue 19 scenario 3).
///
/// # Errors
/// Store errors while reading the log.
pub(super) async fn rebuild_for_start(
    store: &dyn EventStore,
    timeline_stored_through: Position,
    progress: &mut (dyn FnMut(Position) + Send),
) -> Result<Arc<Projections>, StoreError> {
    let head = store.head_position();
    rebuild_with(store, timeline_stored_through, head, progress).await
}

/// Rebuilds every view from the whole log, but for the timeline entries up to
/// `timeline_stored_through` and the snapshots of the log up to `snapshots_after`.
async fn rebuild_with(
    store: &dyn EventStore,
    timeline_stored_through: Position,
    snapshots_after: Position,
    progress: &mut (dyn FnMut(Position) + Send),
) -> Result<Arc<Projections>, StoreError> {
    let projections = Projections::new();
    projections
        .timeline_stored_through
        .store(timeline_stored_through, Ordering::Relaxed);
    projections
        .snapshots_after
        .store(snapshots_after, Ordering::Relaxed);
    // No workspace's stream is longer than the log: plan the snapshots' spacing for it.
    projections
        .expected_events
        .store(store.head_position(), Ordering::Relaxed);
    catch_up(store, &projections, progress).await?;
    Ok(projections)
}

/// Folds the log from the event after the projections' checkpoint up to the head the store
/// has now, as [`rebuild`] does from the start.
///
/// # Errors
/// Store errors while reading the log.
pub(super) async fn catch_up(
    store: &dyn EventStore,
    projections: &Arc<Projections>,
    progress: &mut (dyn FnMut(Position) + Send),
) -> Result<(), StoreError> {
    let head = store.head_position();
    let mut next = projections.checkpoint() + 1;
    let mut folding: Option<(tokio::task::JoinHandle<()>, Position)> = None;
    while next <= head {
        let page = store.read_all(next, READ_PAGE * 4).await?;
        let Some(last) = page.last().map(|event| event.position) else {
            break;
        };
        next = last + 1;
        let page = decode_page(page);
        if let Some((previous, folded_to)) = folding.take() {
            if !finish_fold(previous).await {
                return Ok(());
            }
            progress(folded_to);
        }
        let for_fold = projections.clone();
        folding = Some((
            tokio::task::spawn_blocking(move || apply_page(&for_fold, page)),
            last,
        ));
    }
    if let Some((previous, folded_to)) = folding {
        if finish_fold(previous).await {
            progress(folded_to);
        }
    }
    Ok(())
}

/// Keeps the views at the head of the log, forever (until the store shuts down).
///
/// The store folds each event into the views as it publishes it, before it answers the
/// append ([`EventStore::fold_when_published`]): a command's caller is answered with its
/// events in the views, without a wake-up of this task and of the caller again in between.
/// The task folds what the store's fold did not: it follows the log from the checkpoint until
/// the views hold every event the store has published (the log up to the fold's start), then
/// leaves the rest to the fold and sleeps until the fold meets an event that is not the next
/// one, when it follows the log again. So the views follow the log in order either way, and
/// while the fold keeps up, no published event wakes this task. With a fold set by someone
/// else, the task follows the log alone.
pub fn spawn_projector(
    store: Arc<dyn EventStore>,
    projections: Arc<Projections>,
) -> tokio::task::JoinHandle<()> {
    let folding = projections.clone();
    let fold_missed = Arc::new(tokio::sync::Notify::new());
    let missed = fold_missed.clone();
    let folded_by_store = store.fold_when_published(Arc::new(move |event: &RecordedEvent| {
        // An event beyond the next one: the task reads the log up to it. (One the task
        // applied already is behind the checkpoint and needs nothing.)
        if !folding.apply_next(event) && event.position > folding.checkpoint() {
            missed.notify_one();
        }
    }));
    if !folded_by_store {
        tracing::warn!("the store folds into other views; the projector task follows alone");
    }
    tokio::spawn(async move {
        while follow_until_folded(&store, &projections, folded_by_store).await {
            // A permit stored by a miss while the task followed wakes it at once. Asleep, the
            // task looks now and then whether the store shut down, to let go of it then.
            let mut shutdown_check = tokio::time::interval(SHUTDOWN_CHECK);
            loop {
                tokio::select! {
                    () = fold_missed.notified() => break,
                    _ = shutdown_check.tick() => {
                        let live = store.live_events().try_recv();
                        if matches!(live, Err(broadcast::error::TryRecvError::Closed)) {
                            return;
                        }
                    }
                }
            }
        }
    })
}

/// How often the projector task, asleep while the store's fold keeps the views, looks
/// whether the store shut down.
const SHUTDOWN_CHECK: std::time::Duration = std::time::Duration::from_millis(200);

/// Applies the log from the checkpoint on until the views hold every published event (with
/// `folded_by_store`; otherwise forever). Returns false once the store has shut down.
async fn follow_until_folded(
    store: &Arc<dyn EventStore>,
    projections: &Projections,
    folded_by_store: bool,
) -> bool {
    // Caught up to the head: every later event is published after it, in order, so the
    // store's fold finds each one the next (the head moves before the fold of its events,
    // so a checkpoint at the head means those folds are done).
    let caught_up = || folded_by_store && projections.checkpoint() >= store.head_position();
    let mut subscription = Subscription::new(store.clone(), projections.checkpoint() + 1);
    while !caught_up() {
        match subscription.next().await {
            Some(Ok(event)) => {
                projections.apply_next(&event);
            }
            Some(Err(error)) => {
                tracing::error!(%error, "the projector cannot read the log; retrying");
                tokio::time::sleep(std::time::Duration::from_secs(1)).await;
            }
            None => return false,
        }
    }
    true
}

#[cfg(test)]
mod tests;
