//! The projector: keeps every workspace's views current by consuming the log in order, and
//! answers "as of" questions by replaying from the nearest snapshot.
//!
//! [`Projections`] holds, per workspace, the folded [`WorkspaceState`], its [`Timeline`], the
//! network metrics recorded at each change of the network (kept per point in time, never
//! overwritten) and snapshots of the state every [`SNAPSHOT_EVERY`] events. Its checkpoint
//! is the position of the last event applied; [`Projections::wait_for`] lets a command see
//! its own effects. [`spawn_projector`] follows the log with a
//! [`Subscription`](crate::store::Subscription), so the checkpoint survives nothing: on start
//! the views are rebuilt from the log, which is the point of event sourcing.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use tokio::sync::watch;
use uuid::Uuid;

use super::network::{network_metrics, NetworkMetrics};
use super::timeline::Timeline;
use crate::accounts::{AccountEvent, AccountsState, SYSTEM_STREAM};
use crate::domain::{DomainEvent, EventContext, WorkspaceState};
use crate::store::{EventStore, Position, RecordedEvent, StoreError, Subscription, READ_PAGE};

/// How many events of a workspace between two snapshots of its state.
pub const SNAPSHOT_EVERY: u64 = 500;
/// How many snapshots a workspace keeps; when full, every other one is dropped, so the
/// spacing doubles and memory stays bounded on any log.
const SNAPSHOT_LIMIT: usize = 128;
/// Networks up to this many nodes get metrics recorded at every change; larger ones at
/// every [`METRICS_SAMPLE`]th change, since betweenness costs nodes x edges.
const METRICS_EVERY_CHANGE_UP_TO: usize = 500;
const METRICS_SAMPLE: u64 = 100;

/// Network metrics at one point in time.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MetricsPoint {
    /// The event after which they were measured.
    pub position: Position,
    /// When that event was recorded.
    pub recorded_at: DateTime<Utc>,
    /// The metrics.
    pub metrics: NetworkMetrics,
}

/// A snapshot of a workspace's state.
#[derive(Clone, Debug)]
struct Snapshot {
    position: Position,
    recorded_at: DateTime<Utc>,
    state: Arc<WorkspaceState>,
}

/// Everything the projector keeps for one workspace.
#[derive(Clone, Debug)]
pub struct WorkspaceView {
    /// The current state.
    pub state: WorkspaceState,
    /// Every event about every entity, in words.
    pub timeline: Timeline,
    /// Network metrics at each change of the network.
    pub metrics_history: Vec<MetricsPoint>,
    graph_changes: u64,
    snapshots: Vec<Snapshot>,
}

impl WorkspaceView {
    fn new(workspace_id: Uuid) -> Self {
        WorkspaceView {
            state: WorkspaceState::new(workspace_id),
            timeline: Timeline::default(),
            metrics_history: Vec::new(),
            graph_changes: 0,
            snapshots: Vec::new(),
        }
    }

    /// Applies one event: timeline first (it reads the state before), then the state, then
    /// metrics and snapshots.
    pub fn apply(&mut self, event: &DomainEvent, context: &EventContext) {
        self.timeline.record(&self.state, event, context);
        self.state.apply(event, context);
        if changes_network(event) {
            self.graph_changes += 1;
            let small = self.state.organisations.len() + self.state.staff.len()
                <= METRICS_EVERY_CHANGE_UP_TO;
            if small || self.graph_changes % METRICS_SAMPLE == 1 {
                self.metrics_history.push(MetricsPoint {
                    position: context.position,
                    recorded_at: context.recorded_at,
                    metrics: network_metrics(&self.state),
                });
            }
        }
        if self.state.version % SNAPSHOT_EVERY == 0 {
            self.snapshots.push(Snapshot {
                position: context.position,
                recorded_at: context.recorded_at,
                state: Arc::new(self.state.clone()),
            });
            if self.snapshots.len() > SNAPSHOT_LIMIT {
                let mut index = 0;
                self.snapshots.retain(|_| {
                    index += 1;
                    index % 2 == 0
                });
            }
        }
    }

    /// The newest snapshot taken at or before `target`.
    fn snapshot_before(&self, target: &AsOf) -> Option<&Snapshot> {
        self.snapshots
            .iter()
            .rev()
            .find(|snapshot| target.includes(snapshot.position, snapshot.recorded_at))
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
    let domain = DomainEvent::from_parts(&event.event_type, &event.payload)?;
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
    /// Accounts, roles and tokens, folded from the system stream.
    accounts: RwLock<AccountsState>,
    checkpoint: watch::Sender<Position>,
    skipped: AtomicU64,
}

impl Default for Projections {
    fn default() -> Self {
        Projections {
            workspaces: RwLock::new(BTreeMap::new()),
            accounts: RwLock::new(AccountsState::default()),
            checkpoint: watch::channel(0).0,
            skipped: AtomicU64::new(0),
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
            self.checkpoint.send_replace(event.position);
            return;
        }
        match decode(event) {
            Ok((domain, context)) => {
                let workspace_id = event.metadata.workspace_id;
                let mut workspaces = match self.workspaces.write() {
                    Ok(guard) => guard,
                    Err(poisoned) => poisoned.into_inner(),
                };
                workspaces
                    .entry(workspace_id)
                    .or_insert_with(|| WorkspaceView::new(workspace_id))
                    .apply(&domain, &context);
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
        self.checkpoint.send_replace(event.position);
    }

    fn apply_account_event(&self, event: &RecordedEvent) {
        let mut map = serde_json::Map::with_capacity(2);
        map.insert(
            "event_type".into(),
            serde_json::Value::String(event.event_type.clone()),
        );
        map.insert("payload".into(), event.payload.clone());
        match serde_json::from_value::<AccountEvent>(serde_json::Value::Object(map)) {
            Ok(account_event) => {
                let mut accounts = match self.accounts.write() {
                    Ok(guard) => guard,
                    Err(poisoned) => poisoned.into_inner(),
                };
                accounts.apply(&account_event, event.metadata.recorded_at);
            }
            Err(error) => {
                self.skipped.fetch_add(1, Ordering::Relaxed);
                tracing::warn!(position = event.position, %error, "skipped an unreadable account event");
            }
        }
    }

    /// Reads the accounts, roles and tokens.
    pub fn accounts<R>(&self, reader: impl FnOnce(&AccountsState) -> R) -> R {
        let accounts = match self.accounts.read() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        };
        reader(&accounts)
    }

    /// The position of the last event applied.
    pub fn checkpoint(&self) -> Position {
        *self.checkpoint.borrow()
    }

    /// How many events were skipped because they were not domain events.
    pub fn skipped(&self) -> u64 {
        self.skipped.load(Ordering::Relaxed)
    }

    /// Waits until the event at `position` has been applied.
    pub async fn wait_for(&self, position: Position) {
        let mut receiver = self.checkpoint.subscribe();
        // The sender lives as long as `self`, so this only ends when the position is reached.
        let _ = receiver
            .wait_for(|checkpoint| *checkpoint >= position)
            .await;
    }

    /// Reads one workspace's views.
    pub fn read<R>(
        &self,
        workspace_id: Uuid,
        reader: impl FnOnce(&WorkspaceView) -> R,
    ) -> Option<R> {
        let workspaces = match self.workspaces.read() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        };
        workspaces.get(&workspace_id).map(reader)
    }

    /// Every workspace's id and name.
    pub fn workspace_names(&self) -> Vec<(Uuid, String)> {
        let workspaces = match self.workspaces.read() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        };
        workspaces
            .iter()
            .map(|(id, view)| (*id, view.state.name.clone()))
            .collect()
    }

    /// Finds a workspace by id or by name.
    pub fn find_workspace(&self, id_or_name: &str) -> Option<Uuid> {
        let names = self.workspace_names();
        if let Ok(id) = id_or_name.parse::<Uuid>() {
            return names
                .iter()
                .find(|(known, _)| *known == id)
                .map(|(id, _)| *id);
        }
        names
            .iter()
            .find(|(_, name)| name.eq_ignore_ascii_case(id_or_name))
            .map(|(id, _)| *id)
    }

    /// A workspace's state as of a moment: from the nearest snapshot, replaying its stream.
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
        replay_stream(store, workspace_id, start, as_of).await
    }
}

/// Replays a workspace's stream onto `start` (or an empty workspace) up to `as_of`.
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
    let mut next_version = view.state.version + 1;
    'reading: loop {
        let page = store
            .read_stream(workspace_id, next_version, READ_PAGE)
            .await?;
        if page.is_empty() {
            break;
        }
        for event in &page {
            if !as_of.includes(event.position, event.metadata.recorded_at) {
                break 'reading;
            }
            if let Ok((domain, context)) = decode(event) {
                view.apply(&domain, &context);
            }
            next_version = event.stream_version + 1;
        }
    }
    Ok(view)
}

/// Rebuilds every view from the whole log (the projections of a fresh start).
///
/// # Errors
/// Store errors while reading the log.
pub async fn rebuild(
    store: &dyn EventStore,
    progress: &mut (dyn FnMut(Position) + Send),
) -> Result<Arc<Projections>, StoreError> {
    let projections = Projections::new();
    let head = store.head_position();
    let mut next = 1;
    while next <= head {
        let page = store.read_all(next, READ_PAGE * 4).await?;
        if page.is_empty() {
            break;
        }
        for event in &page {
            projections.apply(event);
            next = event.position + 1;
        }
        progress(next - 1);
    }
    Ok(projections)
}

/// Follows the log from the projections' checkpoint, forever (until the store shuts down).
pub fn spawn_projector(
    store: Arc<dyn EventStore>,
    projections: Arc<Projections>,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut subscription = Subscription::new(store, projections.checkpoint() + 1);
        while let Some(next) = subscription.next().await {
            match next {
                Ok(event) => projections.apply(&event),
                Err(error) => {
                    tracing::error!(%error, "the projector cannot read the log; retrying");
                    tokio::time::sleep(std::time::Duration::from_secs(1)).await;
                }
            }
        }
    })
}
