//! Who is present where: the last presence of every connection the hub has heard of (its
//! own and, with several nodes, the other nodes'), so that someone who subscribes late is told
//! of everyone already there instead of waiting until each of them moves; and the one place
//! that shapes what a presence update says to the others.
//!
//! - **What a presence says.** Who, where (the workspace, the board), and, where pointing is
//!   not a secret, what they select, where their pointer is (on a board: in which zone) and
//!   which node of the map they are dragging to where. On a board whose phase hides authors ([`visibility::pointers_shown`])
//!   others learn only that they are there; a drag is the map's (no board) and only of
//!   someone whose role may change the map, as only they can drop it.
//! - **The snapshot on subscribe.** The roster keeps each connection's last presence until it
//!   says goodbye (`left`), so it holds one entry per present connection, never a history.
//!   A snapshot is judged like a live relay, and again by the board's phase *now*: a board
//!   that turned anonymous since someone last moved shows only that they are there.
//! - A node that is killed cannot say its clients' goodbyes; their entries stay until the
//!   server restarts (the same known limit as the relay's, see [`super::presence`]).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use uuid::Uuid;

use super::protocol::{Cursor, Dragging, ServerMessage};
use super::PresenceItem;
use crate::accounts::{Permission, Principal};
use crate::app_state::AppState;
use crate::domain::vocabulary::Zone;
use crate::sync::locked;
use crate::visibility;

/// The last presence of each present connection, by connection and workspace (a connection
/// may be present in several workspaces, and says goodbye in each).
#[derive(Default)]
pub(crate) struct Roster {
    last: Mutex<HashMap<(Uuid, Uuid), Arc<PresenceItem>>>,
}

impl Roster {
    /// Remembers a presence message as its connection's last (forgets the connection when it
    /// left). Anything but presence is ignored.
    pub(crate) fn remember(&self, item: &Arc<PresenceItem>) {
        let ServerMessage::Presence {
            connection_id,
            left,
            ..
        } = &item.2
        else {
            return;
        };
        let key = (*connection_id, item.0);
        let mut last = locked(&self.last);
        if *left {
            last.remove(&key);
        } else {
            last.insert(key, item.clone());
        }
    }

    /// The last presence of every connection in `workspace_id` but `except`, within `scope`
    /// (a board, or the whole workspace), in a stable order (by actor, then connection).
    fn present(&self, workspace_id: Uuid, scope: Option<Uuid>, except: Uuid) -> Vec<ServerMessage> {
        let last = locked(&self.last);
        let mut present: Vec<ServerMessage> = last
            .iter()
            .filter(|((connection_id, _), item)| {
                *connection_id != except
                    && item.0 == workspace_id
                    && (scope.is_none() || scope == item.1)
            })
            .map(|(_, item)| item.2.clone())
            .collect();
        drop(last);
        present.sort_by(|first, second| order_key(first).cmp(&order_key(second)));
        present
    }
}

fn order_key(message: &ServerMessage) -> (&str, Uuid) {
    match message {
        ServerMessage::Presence {
            actor,
            connection_id,
            ..
        } => (actor.as_str(), *connection_id),
        _ => ("", Uuid::nil()),
    }
}

/// What a connection says about where it is, before the server shapes it for the others.
pub(crate) struct Announced {
    /// The workspace.
    pub(crate) workspace_id: Uuid,
    /// The board, if any (none: the network map).
    pub(crate) board_id: Option<Uuid>,
    /// What it selects.
    pub(crate) selection: Option<Uuid>,
    /// Its pointer.
    pub(crate) cursor: Option<Cursor>,
    /// The map node it is dragging, and where to.
    pub(crate) dragging: Option<Dragging>,
    /// The zone of the board it is on.
    pub(crate) zone: Option<Zone>,
}

/// Publishes what `principal`'s connection `connection_id` announced, as the others may see
/// it (see the module's rules), to this node's connections and the other nodes.
pub(crate) fn publish(
    state: &AppState,
    principal: &Principal,
    connection_id: Uuid,
    announced: Announced,
) {
    let Announced {
        workspace_id,
        board_id,
        selection,
        cursor,
        dragging,
        zone,
    } = announced;
    let may_drag = board_id.is_none()
        && principal
            .role_in(&state.accounts, workspace_id)
            .is_some_and(|role| role.allows(Permission::RunCommands));
    let message = shown(
        state,
        ServerMessage::Presence {
            workspace_id,
            actor: principal.actor.clone(),
            connection_id,
            board_id,
            selection,
            cursor,
            dragging: dragging.filter(|_| may_drag),
            zone: zone.filter(|_| board_id.is_some()),
            name: Some(state.accounts.display_name(&principal.actor)),
            left: false,
        },
    );
    state
        .hub
        .publish_presence(Arc::new((workspace_id, board_id, message)));
}

/// The presence of everyone already in `workspace_id` (within `scope`) but the connection
/// `except`, as a newcomer may see it now: what [`super::connection`] sends after
/// `subscribed`.
pub(crate) fn snapshot(
    state: &AppState,
    workspace_id: Uuid,
    scope: Option<Uuid>,
    except: Uuid,
) -> Vec<ServerMessage> {
    state
        .hub
        .roster
        .present(workspace_id, scope, except)
        .into_iter()
        .map(|message| shown(state, message))
        .collect()
}

/// `message` without what its board's phase hides now: on a board that does not show
/// pointers, only who is there.
fn shown(state: &AppState, message: ServerMessage) -> ServerMessage {
    match message {
        ServerMessage::Presence {
            workspace_id,
            actor,
            connection_id,
            board_id: Some(board_id),
            name,
            left,
            ..
        } if !pointers_shown(state, workspace_id, board_id) => ServerMessage::Presence {
            workspace_id,
            actor,
            connection_id,
            board_id: Some(board_id),
            selection: None,
            cursor: None,
            dragging: None,
            zone: None,
            name,
            left,
        },
        other => other,
    }
}

/// Whether others are shown what someone on `board_id` points at now (an unknown board: yes,
/// there is nothing on it to give away).
fn pointers_shown(state: &AppState, workspace_id: Uuid, board_id: Uuid) -> bool {
    state
        .projections
        .read(workspace_id, |view| {
            view.state
                .boards
                .get(&board_id)
                .is_none_or(|board| visibility::pointers_shown(board))
        })
        .unwrap_or(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn presence(
        connection: u128,
        workspace: u128,
        board: Option<u128>,
        left: bool,
    ) -> Arc<PresenceItem> {
        let workspace_id = Uuid::from_u128(workspace);
        let board_id = board.map(Uuid::from_u128);
        Arc::new((
            workspace_id,
            board_id,
            ServerMessage::Presence {
                workspace_id,
                actor: format!("person-{connection}"),
                connection_id: Uuid::from_u128(connection),
                board_id,
                selection: None,
                cursor: Some(Cursor {
                    x: connection as f64,
                    y: 0.0,
                }),
                dragging: None,
                zone: None,
                name: None,
                left,
            },
        ))
    }

    fn connections(messages: &[ServerMessage]) -> Vec<u128> {
        messages
            .iter()
            .map(|message| match message {
                ServerMessage::Presence { connection_id, .. } => connection_id.as_u128(),
                _ => 0,
            })
            .collect()
    }

    #[test]
    fn the_roster_keeps_each_connections_last_presence_until_it_leaves() {
        let roster = Roster::default();
        roster.remember(&presence(1, 10, None, false));
        roster.remember(&presence(2, 10, None, false));
        roster.remember(&presence(2, 10, Some(7), false));
        roster.remember(&presence(3, 11, None, false));
        roster.remember(&presence(4, 10, None, false));
        roster.remember(&presence(4, 10, None, true));

        let everyone = roster.present(Uuid::from_u128(10), None, Uuid::from_u128(99));
        assert_eq!(
            connections(&everyone),
            vec![1, 2],
            "one entry per connection, the left one gone, only this workspace"
        );
        assert_eq!(
            everyone[1],
            presence(2, 10, Some(7), false).2,
            "the last presence"
        );
        assert_eq!(
            connections(&roster.present(Uuid::from_u128(10), None, Uuid::from_u128(1))),
            vec![2],
            "not the asker's own"
        );
        assert_eq!(
            connections(&roster.present(
                Uuid::from_u128(10),
                Some(Uuid::from_u128(7)),
                Uuid::nil()
            )),
            vec![2],
            "a board's subscriber: that board only"
        );
    }

    #[test]
    fn a_connection_present_in_two_workspaces_leaves_each_on_its_own() {
        let roster = Roster::default();
        roster.remember(&presence(1, 10, None, false));
        roster.remember(&presence(1, 11, None, false));
        roster.remember(&presence(1, 10, None, true));

        assert!(roster
            .present(Uuid::from_u128(10), None, Uuid::nil())
            .is_empty());
        assert_eq!(
            connections(&roster.present(Uuid::from_u128(11), None, Uuid::nil())),
            vec![1]
        );
    }
}
