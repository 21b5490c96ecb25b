//! The live fan-out: one task follows the live log for every subscription that has caught up,
//! and pushes each event's shared frame straight into each subscriber connection's outgoing
//! queue.
//!
//! A subscription catches up from the store in a task of its own
//! ([`crate::hub::connection`]'s `follow`); once it has handed out everything durable it
//! [joins](Fanout::join) the fan-out and its task sleeps. From then on an event costs each
//! subscriber one push into its connection's queue, which wakes that connection's writer task:
//! one wake-up of one task per subscriber and event, not a wake of a subscription task that
//! then wakes the writer. The fan-out task waits for the projector once per event, not once
//! per subscriber.
//!
//! What a subscriber sees of a board event ([`crate::visibility`]) depends on who reads and
//! nothing else (no role lifts a board's secrecy), so subscribers are grouped by workspace and
//! actor: the decision, the reader's sealed names and the frame are worked out once per group
//! and event, and each member only checks its board or partnership scope.
//!
//! The fan-out never waits for a subscriber. A member whose queue is full, or who would miss
//! events because the fan-out itself fell behind the live channel, is handed back to its own
//! task at the first event it did not get: that task reads on from the store, waits (up to
//! the slow-client timeout) for room in the queue as before, and joins again once it has
//! caught up. So each subscriber still gets every event it may see, once and in order.
//!
//! The fan-out never keeps a connection alive either: it holds only a weak handle on each
//! member's queue (the subscription's task holds the strong one), so a connection whose
//! session ended closes its queue, its writer answers the client's close and ends, whether or
//! not the fan-out has looked at that member since. And a subscription's task that ends while
//! the fan-out holds its member (the client unsubscribed or left) takes it out at once
//! ([`Membership`]'s drop), not at the workspace's next event.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tokio::sync::{broadcast, oneshot, watch};
use uuid::Uuid;

use super::connection::outbox::WeakOutbox;
use super::connection::Outgoing;
use crate::app_state::AppState;
use crate::store::{Position, RecordedEvent};
use crate::sync::locked;
use crate::visibility::{self, Reader, Seen};

/// What a subscription hands the fan-out while it follows live, and gets back with the
/// position to go on from when the fan-out hands it back.
pub(crate) struct Member {
    /// Its connection's outgoing queue, weakly: the subscription's task holds the strong
    /// handle, so the queue closes (and the connection's writer ends, answering a client's
    /// close) as soon as the connection's session and its subscriptions' tasks are gone.
    pub(crate) out: WeakOutbox,
    /// How far it has come (the last position passed on or filtered out), for the ack of a
    /// command of its own connection.
    pub(crate) seen: watch::Sender<Position>,
    /// Its board scope, if any.
    pub(crate) board_id: Option<Uuid>,
    /// Its partnership scope, if any.
    pub(crate) partnership_id: Option<Uuid>,
}

/// A member handed back to its subscription's task, to follow on its own from `position`.
pub(crate) struct HandedBack {
    /// The first position it did not get.
    pub(crate) position: Position,
    /// The member, as it joined.
    pub(crate) member: Member,
}

/// A member within the fan-out.
struct Joined {
    member: Member,
    /// The first position it is to get: the fan-out skips earlier events for it (its own
    /// task passed them on).
    from: Position,
    /// Where it goes back to its task; closed when that task ended (unsubscribed, or the
    /// connection closed).
    handback: oneshot::Sender<HandedBack>,
}

/// The members of one workspace that read as the same person.
struct ReaderGroup {
    /// Who they read as, with their sealed names on the boards looked up so far.
    reader: Reader,
    members: Vec<Joined>,
}

/// Everything the fan-out task shares with the subscriptions that join it.
#[derive(Default)]
struct Members {
    /// Whether the fan-out task runs.
    running: bool,
    /// The position of the next event the fan-out task passes on: a subscription that has
    /// passed on everything before a later position may join, one that is behind it may not.
    next_position: Position,
    /// Per workspace, its members grouped by reader.
    workspaces: HashMap<Uuid, Vec<ReaderGroup>>,
}

/// The live fan-out of a hub (see the module's documentation).
#[derive(Default)]
pub struct Fanout {
    members: Mutex<Members>,
}

/// A subscription's place in the fan-out, held by its task while the fan-out follows live for
/// it. Dropped before the fan-out handed the member back (the task aborted: unsubscribed, or
/// the connection ended), it takes the member out of the fan-out at once.
pub(crate) struct Membership<'fanout> {
    fanout: &'fanout Fanout,
    workspace_id: Uuid,
    /// The reader's actor: the group the member is in.
    actor: String,
    /// Where the fan-out hands the member back; `None` once it did (or dropped it).
    handed_back: Option<oneshot::Receiver<HandedBack>>,
}

impl Membership<'_> {
    /// Waits until the fan-out hands the member back.
    ///
    /// # Returns
    /// `None` when the fan-out dropped the member instead (its connection's queue closed).
    pub(crate) async fn handed_back(&mut self) -> Option<HandedBack> {
        let receiver = self.handed_back.as_mut()?;
        let handed_back = receiver.await.ok();
        self.handed_back = None;
        handed_back
    }
}

impl Drop for Membership<'_> {
    fn drop(&mut self) {
        // Closing the receiver first is what marks this member as ended for `leave`.
        if let Some(receiver) = self.handed_back.take() {
            drop(receiver);
            self.fanout.leave(self.workspace_id, &self.actor);
        }
    }
}

/// Why a subscription could not join.
pub(crate) enum NotJoined {
    /// The fan-out has passed this position already: the subscription follows on its own.
    Behind(Member),
}

impl Fanout {
    /// Lets `member`, whose subscription of `workspace_id` reads as `actor` and has passed on
    /// every event before `from`, follow live through the fan-out (starting its task first if
    /// need be). Returns its place in the fan-out, where the fan-out hands it back.
    ///
    /// # Errors
    /// [`NotJoined::Behind`] when the fan-out has passed `from` already.
    pub(crate) fn join<'fanout>(
        &'fanout self,
        state: &AppState,
        workspace_id: Uuid,
        actor: &str,
        from: Position,
        member: Member,
    ) -> Result<Membership<'fanout>, NotJoined> {
        let mut members = locked(&self.members);
        if !members.running {
            members.running = true;
            members.next_position = state.store.head_position().saturating_add(1);
            // Made before the task runs, so nothing published from here on passes it by; an
            // event published before it is a gap the task sees, and hands back for.
            let live = state.store.live_events();
            tokio::spawn(run(state.clone(), live));
        }
        if from < members.next_position {
            return Err(NotJoined::Behind(member));
        }
        let (handback, handed_back) = oneshot::channel();
        let groups = members.workspaces.entry(workspace_id).or_default();
        let joined = Joined {
            member,
            from,
            handback,
        };
        match groups
            .iter_mut()
            .find(|group| group.reader.actor() == actor)
        {
            Some(group) => group.members.push(joined),
            None => groups.push(ReaderGroup {
                reader: Reader::unsealed(actor),
                members: vec![joined],
            }),
        }
        Ok(Membership {
            fanout: self,
            workspace_id,
            actor: actor.to_owned(),
            handed_back: Some(handed_back),
        })
    }

    /// Takes out of `actor`'s group in `workspace_id` the members whose task has ended.
    fn leave(&self, workspace_id: Uuid, actor: &str) {
        let mut members = locked(&self.members);
        let Some(groups) = members.workspaces.get_mut(&workspace_id) else {
            return;
        };
        for group in groups
            .iter_mut()
            .filter(|group| group.reader.actor() == actor)
        {
            group.members.retain(|joined| !joined.handback.is_closed());
        }
        groups.retain(|group| !group.members.is_empty());
        if groups.is_empty() {
            members.workspaces.remove(&workspace_id);
        }
    }

    /// The board an event is on, when it is a board event and some reader of its workspace
    /// is to look up that board's key ([`crate::sealing::must_learn`]).
    fn board_to_learn(&self, event: &RecordedEvent) -> Option<Uuid> {
        let board_id = board_event_board(event)?;
        let members = locked(&self.members);
        let groups = members.workspaces.get(&event.metadata.workspace_id)?;
        groups
            .iter()
            .any(|group| crate::sealing::must_learn(&group.reader, board_id, event))
            .then_some(board_id)
    }

    /// Hands back every member of every workspace: the fan-out ends (shutdown).
    fn hand_back_all(&self) {
        let mut members = locked(&self.members);
        let position = members.next_position;
        members.running = false;
        for (_, groups) in members.workspaces.drain() {
            for group in groups {
                for joined in group.members {
                    let position = position.max(joined.from);
                    let _ = joined.handback.send(HandedBack {
                        position,
                        member: joined.member,
                    });
                }
            }
        }
    }
}

/// The board of a board event, `None` for any other event.
fn board_event_board(event: &RecordedEvent) -> Option<Uuid> {
    visibility::BoardEventKind::of(&event.event_type)?;
    uuid_field(event, "board_id")
}

/// A UUID field of an event's payload.
fn uuid_field(event: &RecordedEvent, name: &str) -> Option<Uuid> {
    event
        .payload
        .get(name)
        .and_then(|value| value.as_str())
        .and_then(|text| text.parse::<Uuid>().ok())
}

/// The fan-out task: follows `live` until shutdown and passes each event on to the members.
async fn run(state: AppState, mut live: broadcast::Receiver<Arc<RecordedEvent>>) {
    loop {
        let received = tokio::select! {
            () = state.hub.shutdown.cancelled() => break,
            received = live.recv() => received,
        };
        let event = match received {
            Ok(event) => event,
            // The next event received is past a gap: the members are handed back then.
            Err(broadcast::error::RecvError::Lagged(_)) => continue,
            Err(broadcast::error::RecvError::Closed) => break,
        };
        let board_event = visibility::BoardEventKind::of(&event.event_type).is_some();
        if board_event {
            // The board's phases in the live state must reach the event.
            state.projections.wait_for(event.position).await;
        }
        let keys = match state.hub.fanout.board_to_learn(&event) {
            Some(board_id) => Some((
                board_id,
                state.workspaces.keys().board_keys(&[board_id]).await,
            )),
            None => None,
        };
        pass_on(&state, &event, board_event, keys);
    }
    state.hub.fanout.hand_back_all();
}

/// A board's id and the key store's answer for it (the keys of the boards asked for that have
/// one, by board id), looked up once for the readers that did not know it yet.
type LearnedBoardKeys = (
    Uuid,
    Result<HashMap<Uuid, [u8; 32]>, crate::store::StoreError>,
);

/// Passes `event` on to every member that is to get it (see the module's documentation);
/// `keys` is the looked-up key of its board, when some reader did not know it yet.
fn pass_on(
    state: &AppState,
    event: &RecordedEvent,
    board_event: bool,
    keys: Option<LearnedBoardKeys>,
) {
    let mut members = locked(&state.hub.fanout.members);
    let members = &mut *members;
    let gap_from = members.next_position;
    if event.position < gap_from {
        return;
    }
    members.next_position = event.position.saturating_add(1);
    // Members that were to get events the fan-out never received go back to the store.
    if event.position > gap_from {
        tracing::debug!(
            from = gap_from,
            to = event.position,
            "the live fan-out fell behind; its members read on from the store"
        );
        for groups in members.workspaces.values_mut() {
            for group in groups.iter_mut() {
                hand_back_where(&mut group.members, |joined| {
                    (joined.from < event.position).then_some(joined.from.max(gap_from))
                });
            }
        }
    }
    let workspace_id = event.metadata.workspace_id;
    let Some(groups) = members.workspaces.get_mut(&workspace_id) else {
        return;
    };
    if let Some((board_id, keys)) = keys {
        match keys {
            Ok(found) => {
                for group in groups
                    .iter_mut()
                    .filter(|group| crate::sealing::must_learn(&group.reader, board_id, event))
                {
                    let names = found
                        .get(&board_id)
                        .map(|key| crate::sealing::names(key, group.reader.actor()));
                    group.reader.learn(board_id, names);
                }
            }
            Err(error) => tracing::error!(%error, %board_id, "cannot read a board's key"),
        }
    }
    let board_id = uuid_field(event, "board_id");
    let partnership_id = uuid_field(event, "partnership_id");
    // What each reader sees, judged once per reader against the live state.
    let seen: Vec<Seen> = if board_event {
        state
            .projections
            .read(workspace_id, |view| {
                groups
                    .iter()
                    .map(|group| {
                        visibility::seen_recorded(
                            &group.reader,
                            &view.state.boards,
                            event,
                            u64::MAX,
                        )
                    })
                    .collect()
            })
            .unwrap_or_else(|| vec![Seen::Nothing; groups.len()])
    } else {
        vec![Seen::Whole; groups.len()]
    };
    for (group, seen) in groups.iter_mut().zip(seen) {
        let frame = state.hub.frames.frame(event, seen, group.reader.actor());
        hand_back_where(&mut group.members, |joined| {
            if joined.from > event.position {
                return None;
            }
            let member = &joined.member;
            let in_scope = (member.board_id.is_none() || member.board_id == board_id)
                && (member.partnership_id.is_none() || member.partnership_id == partnership_id);
            let Some(frame) = frame.as_ref().filter(|_| in_scope) else {
                member.seen.send_replace(event.position);
                return None;
            };
            // The connection is gone (its task too): dropped when its handback is found closed.
            let Some(out) = member.out.upgrade() else {
                return Some(event.position);
            };
            match out.try_send(Outgoing::Text(frame.clone())) {
                Ok(()) => {
                    member.seen.send_replace(event.position);
                    None
                }
                // The connection is gone; its task ends when the handback closes.
                Err(tokio::sync::mpsc::error::TrySendError::Closed(_)) => Some(event.position),
                // Too slow for now: its task waits for room, within the slow-client timeout.
                Err(tokio::sync::mpsc::error::TrySendError::Full(_)) => Some(event.position),
            }
        });
    }
    groups.retain(|group| !group.members.is_empty());
    if groups.is_empty() {
        members.workspaces.remove(&workspace_id);
    }
}

/// Hands back each member for which `hand_back` names a position (the first it did not
/// get), and drops those whose task has ended.
fn hand_back_where(
    members: &mut Vec<Joined>,
    mut hand_back: impl FnMut(&Joined) -> Option<Position>,
) {
    let mut index = 0;
    while index < members.len() {
        let Some(joined) = members.get(index) else {
            break;
        };
        if joined.handback.is_closed() {
            members.swap_remove(index);
            continue;
        }
        match hand_back(joined) {
            None => index += 1,
            Some(position) => {
                let joined = members.swap_remove(index);
                let _ = joined.handback.send(HandedBack {
                    position,
                    member: joined.member,
                });
            }
        }
    }
}
