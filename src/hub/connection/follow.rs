//! The subscriptions of a connection: each catches up from the log in a task of its own,
//! filters it by workspace, scope and what [`crate::visibility`] lets its reader see, and
//! pushes the frames into the connection's queue; once caught up it follows live through the
//! hub's fan-out ([`crate::hub::fanout`]), which pushes into the same queue.

use std::time::Duration;

use tokio::sync::{mpsc, watch};
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

use super::outbox::Outbox;
use super::{encode, error_frame, Outgoing};
use crate::app_state::AppState;
use crate::hub::fanout::{HandedBack, Member, NotJoined};
use crate::store::{Position, RecordedEvent, Subscription};
use crate::visibility::{self, Reader, Seen};

/// One subscription of a connection: its board scope, the task following the log, and how
/// far that task has come.
pub(super) struct Following {
    pub(super) board_id: Option<Uuid>,
    pub(super) task: JoinHandle<()>,
    /// The last log position the task has passed on or filtered out.
    pub(super) seen: watch::Receiver<Position>,
}

impl Following {
    /// Waits (at most `patience`) until the events up to `position` are in the connection's
    /// queue, so that an ack never overtakes the events of its own command.
    pub(super) async fn reached(&mut self, position: Position, patience: Duration) {
        let _ = tokio::time::timeout(patience, self.seen.wait_for(|seen| *seen >= position)).await;
    }
}

/// Which events a subscription passes on, and as whom it sees them.
pub(super) struct Filter {
    pub(super) workspace_id: Uuid,
    pub(super) board_id: Option<Uuid>,
    pub(super) partnership_id: Option<Uuid>,
    /// Who reads, learning their sealed names board by board as the boards' events come.
    pub(super) reader: Reader,
}

impl Filter {
    /// What this subscription gets of `event`: nothing outside its workspace and scope;
    /// within, what [`crate::visibility`] lets the viewer see of a board event, judged by
    /// the board's phases as the live state holds them once it includes the event.
    async fn seen(&mut self, state: &AppState, event: &RecordedEvent) -> Seen {
        if event.metadata.workspace_id != self.workspace_id {
            return Seen::Nothing;
        }
        let field = |name: &str| {
            event
                .payload
                .get(name)
                .and_then(|value| value.as_str())
                .and_then(|text| text.parse::<Uuid>().ok())
        };
        if self.board_id.is_some() && field("board_id") != self.board_id {
            return Seen::Nothing;
        }
        if self.partnership_id.is_some() && field("partnership_id") != self.partnership_id {
            return Seen::Nothing;
        }
        if visibility::BoardEventKind::of(&event.event_type).is_none() {
            return Seen::Whole;
        }
        // The live state may not have folded this event yet (the subscription can be ahead
        // of the projector): the board's phases must reach it.
        state.projections.wait_for(event.position).await;
        if let Some(board_id) = field("board_id") {
            crate::sealing::learn(state.workspaces.keys(), &mut self.reader, board_id, event).await;
        }
        state
            .projections
            .read(self.workspace_id, |view| {
                visibility::seen_recorded(&self.reader, &view.state.boards, event, u64::MAX)
            })
            .unwrap_or(Seen::Nothing)
    }
}

/// Follows the log after `after` and pushes the filtered events into the connection's queue,
/// telling `seen` how far it has come: on its own while it catches up from the store, then
/// through the hub's live fan-out ([`crate::hub::fanout`]), and on its own again whenever the
/// fan-out hands it back (a full queue, or a gap in the fan-out's live channel).
pub(super) async fn follow(
    state: AppState,
    mut filter: Filter,
    after: u64,
    out: Outbox,
    too_slow: CancellationToken,
    seen: watch::Sender<Position>,
) {
    // The task holds the strong handle on the queue, the fan-out a weak one: when the task
    // and the session end, the queue closes and the connection's writer ends.
    let mut member = Member {
        out: out.downgrade(),
        seen,
        board_id: filter.board_id,
        partnership_id: filter.partnership_id,
    };
    let mut from = after.saturating_add(1);
    // Right after subscribing, a subscription with nothing to catch up joins at once; after
    // the fan-out turned it away or handed it back, it first passes on an event itself.
    let mut join_at_once = true;
    loop {
        let Some(caught_up) = follow_alone(
            &state,
            &mut filter,
            from,
            join_at_once,
            &out,
            &member,
            &too_slow,
        )
        .await
        else {
            return;
        };
        let workspace_id = filter.workspace_id;
        match state.hub.fanout.join(
            &state,
            workspace_id,
            filter.reader.actor(),
            caught_up,
            member,
        ) {
            Ok(mut membership) => {
                // Aborted here (unsubscribed, the connection ended), the membership's drop
                // takes the member out of the fan-out.
                let handed_back = tokio::select! {
                    () = state.hub.shutdown.cancelled() => return,
                    handed_back = membership.handed_back() => handed_back,
                };
                // The fan-out dropped it: the connection is gone.
                let Some(HandedBack {
                    position,
                    member: returned,
                }) = handed_back
                else {
                    return;
                };
                member = returned;
                from = position;
            }
            Err(NotJoined::Behind(returned)) => {
                member = returned;
                from = caught_up;
            }
        }
        join_at_once = false;
    }
}

/// Follows the log from `from` on its own, pushing the filtered events into the connection's
/// queue `out` (waiting for room up to the slow-client timeout), until everything durable is
/// passed on (at once when `join_at_once`, else after at least one event).
///
/// # Returns
/// The position of the next event, to join the fan-out at; `None` when the subscription
/// ends (shutdown, the connection gone, the client too slow, a store failure).
async fn follow_alone(
    state: &AppState,
    filter: &mut Filter,
    from: Position,
    join_at_once: bool,
    out: &Outbox,
    member: &Member,
    too_slow: &CancellationToken,
) -> Option<Position> {
    let seen = &member.seen;
    let mut subscription = Subscription::new(state.store.clone(), from);
    let mut passed_one = join_at_once;
    loop {
        if passed_one && state.store.head_position() < subscription.next_position() {
            return Some(subscription.next_position());
        }
        let next = tokio::select! {
            () = state.hub.shutdown.cancelled() => return None,
            next = subscription.next() => next,
        };
        passed_one = true;
        let event = match next {
            None => return None,
            Some(Ok(event)) => event,
            Some(Err(error)) => {
                tracing::error!(%error, "a subscription cannot read the log");
                let _ = out
                    .send(Outgoing::Text(
                        encode(&error_frame(
                            "internal_error",
                            "the log cannot be read; resubscribe later",
                        ))
                        .into(),
                    ))
                    .await;
                return None;
            }
        };
        // Encoded once for every connection that sees the event the same way: the filter is
        // this connection's own work.
        let Some(frame) = state.hub.frames.frame(
            &event,
            filter.seen(state, &event).await,
            filter.reader.actor(),
        ) else {
            seen.send_replace(event.position);
            continue;
        };
        // Room in the queue (the usual case): queued without arming a timer. Only a full
        // queue waits, for at most the slow-client timeout.
        let frame = match out.try_send(Outgoing::Text(frame)) {
            Ok(()) => {
                seen.send_replace(event.position);
                continue;
            }
            Err(mpsc::error::TrySendError::Closed(_)) => return None,
            Err(mpsc::error::TrySendError::Full(frame)) => frame,
        };
        match tokio::time::timeout(state.limits.slow_client_timeout, out.send(frame)).await {
            Ok(Ok(())) => {
                seen.send_replace(event.position);
            }
            Ok(Err(_)) => return None,
            Err(_) => {
                tracing::warn!(workspace_id = %filter.workspace_id, "closing a websocket client that cannot keep up");
                too_slow.cancel();
                return None;
            }
        }
    }
}
