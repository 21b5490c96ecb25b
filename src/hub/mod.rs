//! The websocket hub (`/ws`): pushes every change live to everyone looking at it, relays
//! presence, and runs commands sent over the socket.
//!
//! One task per connection ([`connection`]). A subscription follows the log with a
//! [`Subscription`](crate::store::Subscription): it catches up from the store, then follows
//! live, with no gap and no duplicate, so resuming after a dropped connection is subscribing
//! after the last position seen. Once caught up, a subscription follows live through the
//! hub's [`fanout`]: one task that pushes each event's shared frame straight into every
//! subscriber connection's queue. Each connection has a bounded outgoing queue; a subscription
//! whose client is slow waits on that queue, falls behind the live channel and is moved back
//! to reading the store (it still gets every event, in order, and memory stays bounded). A
//! client that cannot keep up even so is told why and closed with code 4008.
//!
//! Presence (who is here, what they select, where their pointer is, which map node they drag)
//! goes over a broadcast channel and is never logged, as does a board facilitator's "bring
//! everyone here" (`summoned`, to those on the board); [`roster`] keeps each connection's last
//! presence so a newcomer is told who is already there. With several server nodes on one
//! PostgreSQL schema, [`presence`] relays it between the nodes too. On shutdown every connection is closed with
//! 1001 ("going away") after in-flight commands finish.

pub mod connection;
pub mod fanout;
pub mod frames;
pub mod presence;
pub mod protocol;
pub(crate) mod roster;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tokio::sync::broadcast;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use self::protocol::ServerMessage;
use crate::sync::locked;

/// How many presence messages may be in flight to slow receivers before they skip some.
const PRESENCE_CAPACITY: usize = 1024;

/// One presence message with the workspace and board it is for.
pub type PresenceItem = (uuid::Uuid, Option<uuid::Uuid>, ServerMessage);

/// Shared state of all websocket connections.
pub struct Hub {
    /// Presence of everyone, for every workspace; connections filter what they relay.
    presence: broadcast::Sender<Arc<PresenceItem>>,
    /// The last presence of every present connection, for a newcomer's snapshot.
    roster: roster::Roster,
    /// Passes this node's presence on to the other nodes, when there are any.
    relay: Mutex<Option<presence::RelayHandle>>,
    /// Open connections per actor, for the per-account limit.
    connections: Mutex<HashMap<String, usize>>,
    /// Cancelled on shutdown.
    shutdown: CancellationToken,
    /// Every connection task, so shutdown can wait for them.
    tasks: TaskTracker,
    /// Event frames, encoded once and shared by every connection.
    frames: frames::EventFrames,
    /// The live fan-out of events to the subscriptions that caught up.
    fanout: fanout::Fanout,
}

impl Default for Hub {
    fn default() -> Self {
        Hub {
            presence: broadcast::channel(PRESENCE_CAPACITY).0,
            roster: roster::Roster::default(),
            relay: Mutex::new(None),
            connections: Mutex::new(HashMap::new()),
            shutdown: CancellationToken::new(),
            tasks: TaskTracker::new(),
            frames: frames::EventFrames::default(),
            fanout: fanout::Fanout::default(),
        }
    }
}

impl Hub {
    /// A hub with no connections.
    pub fn new() -> Arc<Self> {
        Arc::new(Hub::default())
    }

    /// Tells every connection to close with "going away" (they finish their in-flight
    /// command first).
    pub fn begin_shutdown(&self) {
        self.shutdown.cancel();
    }

    /// Closes every connection with "going away" and waits (at most `grace`) for them; then
    /// stops relaying presence (after passing on the goodbyes of the closed connections).
    pub async fn shut_down(&self, grace: std::time::Duration) {
        self.shutdown.cancel();
        self.tasks.close();
        if tokio::time::timeout(grace, self.tasks.wait())
            .await
            .is_err()
        {
            tracing::warn!("some websocket connections did not close in time");
        }
        let relay = locked(&self.relay).take();
        if let Some(relay) = relay {
            relay.stop().await;
        }
    }

    /// Tells this node's connections of a presence message and, when presence is relayed,
    /// the other nodes too.
    pub(crate) fn publish_presence(&self, item: Arc<PresenceItem>) {
        self.roster.remember(&item);
        let relay = locked(&self.relay);
        if let Some(relay) = relay.as_ref() {
            relay.pass_on(&item);
        }
        drop(relay);
        // No receiver is not an error: nobody is connected.
        let _ = self.presence.send(item);
    }

    /// Tells this node's connections of a presence message another node relayed.
    fn deliver_relayed(&self, item: Arc<PresenceItem>) {
        self.roster.remember(&item);
        let _ = self.presence.send(item);
    }

    /// Starts passing presence on through `relay` (replacing an earlier one).
    fn set_relay(&self, relay: presence::RelayHandle) {
        let mut current = locked(&self.relay);
        *current = Some(relay);
    }

    /// How many websocket connections are open.
    pub fn open_connections(&self) -> usize {
        locked(&self.connections).values().sum()
    }

    /// Counts a connection of `actor`; false if that would exceed `limit`.
    fn admit(&self, actor: &str, limit: usize) -> bool {
        let mut counts = locked(&self.connections);
        let count = counts.entry(actor.to_owned()).or_insert(0);
        if *count >= limit {
            return false;
        }
        *count += 1;
        true
    }

    fn release(&self, actor: &str) {
        let mut counts = locked(&self.connections);
        if let Some(count) = counts.get_mut(actor) {
            *count = count.saturating_sub(1);
            if *count == 0 {
                counts.remove(actor);
            }
        }
    }
}
