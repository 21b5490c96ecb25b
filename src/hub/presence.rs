//! Presence across server nodes: when several nodes serve one PostgreSQL schema, a client on
//! node A sees the presence of a client on node B.
//!
//! Presence is ephemeral and never logged, so it does not go through the event log. Each
//! node passes the presence its own connections publish to the others with PostgreSQL's
//! `NOTIFY`, on a channel of its own (`partnerhub_presence_<hash of the schema>`, so that
//! deployments on other schemas of the same database hear nothing), and `LISTEN`s on that
//! channel on a connection of its own, handing what other nodes sent to its connections as if
//! they had published it here.
//!
//! - **Few notifications.** A `NOTIFY` takes a database-wide lock at commit, so the sender
//!   takes every message waiting in its queue and packs them into as few notifications as
//!   fit under PostgreSQL's 8000-byte payload cap ([`MAX_PAYLOAD`]). Each connection already
//!   sends at most `Limits::presence_per_second` updates.
//! - **Best effort, bounded.** The queue to the sender is bounded ([`RELAY_QUEUE`]); when it
//!   is full, or the database cannot be reached, presence is dropped, as a slow websocket's
//!   presence is: the next update carries the news.
//! - **Distrust what is heard.** A payload that is over the cap, not JSON of the expected
//!   shape, or holds anything but presence messages (or a facilitator's summons) is dropped
//!   (and logged at debug level). Each node has a random id; a node ignores its own notifications.
//! - A node that stops cleanly passes on its connections' goodbyes (`left`) before it
//!   stops relaying. A node that is killed cannot: the other nodes are not told that its
//!   clients left (a known limit, stated in the README).

use std::sync::{Arc, Weak};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

use super::protocol::ServerMessage;
use super::{Hub, PresenceItem};
use crate::store::postgres::{listen, Heard};
use crate::store::PostgresEventStore;

/// The largest notification payload sent or accepted (PostgreSQL's cap is 8000 bytes).
pub const MAX_PAYLOAD: usize = 7900;
/// How many presence messages may wait for the sender before new ones are dropped.
pub const RELAY_QUEUE: usize = 1024;
/// How long stopping waits for the sender to pass on what is queued.
const STOP_GRACE: Duration = Duration::from_secs(2);
/// How long starting waits for the `LISTEN` to take effect.
const LISTEN_WAIT: Duration = Duration::from_secs(10);

/// What one notification carries: who sent it and some presence messages.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Relayed {
    /// The sending node (a node ignores its own).
    node: Uuid,
    /// Presence messages (`ServerMessage::Presence` and `ServerMessage::Summoned` only).
    presence: Vec<ServerMessage>,
}

/// The channel the nodes on `schema` relay presence on.
pub fn channel_for(schema: &str) -> String {
    let hash = blake3::hash(schema.as_bytes()).to_hex();
    format!("partnerhub_presence_{}", &hash.as_str()[..16])
}

/// The sending side of a relay, held by the [`Hub`].
pub(crate) struct RelayHandle {
    queue: mpsc::Sender<Arc<PresenceItem>>,
    sender: JoinHandle<()>,
    stop_listening: CancellationToken,
    listener: JoinHandle<()>,
}

impl RelayHandle {
    /// Queues a message for the other nodes; drops it when the queue is full.
    pub(crate) fn pass_on(&self, item: &Arc<PresenceItem>) {
        if self.queue.try_send(item.clone()).is_err() {
            tracing::debug!("the presence relay is behind; dropped a presence update");
        }
    }

    /// Passes on what is queued (waiting at most [`STOP_GRACE`]) and stops listening.
    pub(crate) async fn stop(self) {
        let RelayHandle {
            queue,
            mut sender,
            stop_listening,
            listener,
        } = self;
        drop(queue);
        if tokio::time::timeout(STOP_GRACE, &mut sender).await.is_err() {
            sender.abort();
        }
        stop_listening.cancel();
        let _ = listener.await;
    }
}

/// Relays presence between `hub` and the other nodes on `store`'s schema, until the hub shuts
/// down. Call once per hub, on a server node. Returns once this node listens (or, if the
/// database does not let it within 10 s, with a warning: it keeps trying), so a node that
/// is up hears the others from the start.
pub async fn relay(hub: &Arc<Hub>, store: &PostgresEventStore) {
    let node = Uuid::new_v4();
    let channel = channel_for(store.schema());
    let (queue, waiting) = mpsc::channel(RELAY_QUEUE);
    let sender = tokio::spawn(send(store.pool().clone(), channel.clone(), node, waiting));
    let stop_listening = CancellationToken::new();
    let weak: Weak<Hub> = Arc::downgrade(hub);
    let listening = Arc::new(tokio::sync::Notify::new());
    let heard_listening = listening.clone();
    let listener = tokio::spawn(listen(
        store.connection_config().clone(),
        channel.clone(),
        move |heard| {
            let payload = match heard {
                Heard::Listening => {
                    heard_listening.notify_one();
                    return;
                }
                Heard::Payload(payload) => payload,
            };
            let Some(hub) = weak.upgrade() else {
                return;
            };
            for item in decode(payload, node) {
                hub.deliver_relayed(Arc::new(item));
            }
        },
        stop_listening.clone(),
    ));
    hub.set_relay(RelayHandle {
        queue,
        sender,
        stop_listening,
        listener,
    });
    if tokio::time::timeout(LISTEN_WAIT, listening.notified())
        .await
        .is_err()
    {
        tracing::warn!(%channel, "cannot listen for other nodes' presence yet; still trying");
    }
    tracing::info!(%node, %channel, "relaying presence to the other nodes on this schema");
}

/// Sends what is queued, packed into as few notifications as fit, until the queue closes.
async fn send(
    pool: deadpool_postgres::Pool,
    channel: String,
    node: Uuid,
    mut waiting: mpsc::Receiver<Arc<PresenceItem>>,
) {
    while let Some(first) = waiting.recv().await {
        let mut batch = vec![first];
        while batch.len() < RELAY_QUEUE {
            match waiting.try_recv() {
                Ok(item) => batch.push(item),
                Err(_) => break,
            }
        }
        let payloads = encode(node, batch.iter().map(|item| &item.2));
        let client = match pool.get().await {
            Ok(client) => client,
            Err(error) => {
                tracing::warn!(%error, "cannot relay presence to the other nodes; dropped it");
                continue;
            }
        };
        for payload in payloads {
            if let Err(error) = client
                .execute("SELECT pg_notify($1, $2)", &[&channel, &payload])
                .await
            {
                tracing::warn!(%error, "cannot relay presence to the other nodes; dropped it");
                break;
            }
        }
    }
}

/// Packs presence messages into payloads of at most [`MAX_PAYLOAD`] bytes, in order. A
/// message too large to fit even alone is dropped.
fn encode<'a>(node: Uuid, messages: impl Iterator<Item = &'a ServerMessage>) -> Vec<String> {
    let head = format!("{{\"node\":\"{node}\",\"presence\":[");
    let tail = "]}";
    let mut payloads = Vec::new();
    let mut current = String::new();
    for message in messages {
        let Ok(text) = serde_json::to_string(message) else {
            continue;
        };
        if head.len() + text.len() + tail.len() > MAX_PAYLOAD {
            tracing::warn!(
                bytes = text.len(),
                "a presence message is too large to relay; dropped it"
            );
            continue;
        }
        if !current.is_empty() && current.len() + 1 + text.len() + tail.len() > MAX_PAYLOAD {
            current.push_str(tail);
            payloads.push(std::mem::take(&mut current));
        }
        if current.is_empty() {
            current.push_str(&head);
        } else {
            current.push(',');
        }
        current.push_str(&text);
    }
    if !current.is_empty() {
        current.push_str(tail);
        payloads.push(current);
    }
    payloads
}

/// The presence messages of a payload another node sent; nothing for this node's own, an
/// oversized or malformed payload, or a payload holding anything but presence.
fn decode(payload: &str, this_node: Uuid) -> Vec<PresenceItem> {
    if payload.len() > MAX_PAYLOAD {
        tracing::debug!(
            bytes = payload.len(),
            "ignored an oversized presence notification"
        );
        return Vec::new();
    }
    let relayed: Relayed = match serde_json::from_str(payload) {
        Ok(relayed) => relayed,
        Err(error) => {
            tracing::debug!(%error, "ignored a malformed presence notification");
            return Vec::new();
        }
    };
    if relayed.node == this_node {
        return Vec::new();
    }
    let mut items = Vec::with_capacity(relayed.presence.len());
    for message in relayed.presence {
        match &message {
            ServerMessage::Presence {
                workspace_id,
                board_id,
                ..
            } => items.push((*workspace_id, *board_id, message.clone())),
            ServerMessage::Summoned {
                workspace_id,
                board_id,
                ..
            } => items.push((*workspace_id, Some(*board_id), message.clone())),
            _ => {
                tracing::debug!("ignored a presence notification holding another message");
                return Vec::new();
            }
        }
    }
    items
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hub::protocol::Cursor;

    fn presence(actor: &str) -> ServerMessage {
        ServerMessage::Presence {
            workspace_id: Uuid::from_u128(1),
            actor: actor.to_owned(),
            connection_id: Uuid::from_u128(2),
            board_id: Some(Uuid::from_u128(3)),
            selection: None,
            cursor: Some(Cursor { x: 1.5, y: 2.0 }),
            dragging: None,
            zone: None,
            name: None,
            left: false,
        }
    }

    #[test]
    fn messages_are_packed_under_the_payload_cap_and_read_back_in_order() {
        let sender = Uuid::new_v4();
        let messages: Vec<ServerMessage> = (0..200)
            .map(|index| presence(&format!("person-{index}@library")))
            .collect();
        let payloads = encode(sender, messages.iter());
        assert!(payloads.len() > 1, "200 messages do not fit in one payload");
        assert!(payloads.iter().all(|payload| payload.len() <= MAX_PAYLOAD));
        let read: Vec<ServerMessage> = payloads
            .iter()
            .flat_map(|payload| decode(payload, Uuid::new_v4()))
            .map(|(_, _, message)| message)
            .collect();
        assert_eq!(read, messages);
        // The sender's own notifications are ignored.
        assert!(decode(&payloads[0], sender).is_empty());
    }

    #[test]
    fn oversized_malformed_and_foreign_payloads_are_dropped() {
        let huge = presence(&"x".repeat(MAX_PAYLOAD));
        assert!(encode(Uuid::new_v4(), [&huge].into_iter()).is_empty());
        let other = Uuid::new_v4();
        assert!(decode("not json", other).is_empty());
        assert!(decode(&"x".repeat(MAX_PAYLOAD + 1), other).is_empty());
        assert!(decode(r#"{"node":"00000000-0000-0000-0000-000000000001"}"#, other).is_empty());
        let pong = format!(
            r#"{{"node":"{}","presence":[{}]}}"#,
            Uuid::new_v4(),
            serde_json::to_string(&ServerMessage::Pong { nonce: None }).unwrap()
        );
        assert!(decode(&pong, other).is_empty(), "only presence is relayed");
        let good = encode(Uuid::new_v4(), [&presence("anna")].into_iter());
        let items = decode(&good[0], other);
        assert_eq!(items.len(), 1);
        assert_eq!(items[0].0, Uuid::from_u128(1));
        assert_eq!(items[0].1, Some(Uuid::from_u128(3)));
    }

    #[test]
    fn a_facilitators_summons_crosses_too_for_its_board() {
        let summoned = ServerMessage::Summoned {
            workspace_id: Uuid::from_u128(1),
            board_id: Uuid::from_u128(3),
            facilitator: "anna@library".into(),
            zone: None,
        };
        let payloads = encode(Uuid::new_v4(), [&summoned].into_iter());
        assert_eq!(
            decode(&payloads[0], Uuid::new_v4()),
            vec![(Uuid::from_u128(1), Some(Uuid::from_u128(3)), summoned)]
        );
    }

    #[test]
    fn each_schema_has_its_own_channel() {
        assert_ne!(channel_for("public"), channel_for("ph_test_1"));
        assert!(
            channel_for("a_schema_name_of_sixty_three_bytes_which_is_the_longest_allowed").len()
                < 63
        );
    }
}
