//! Sealing who did what on a workshop board in an anonymous phase, so that not even the log
//! keeps it once the board closes.
//!
//! [`crate::visibility`] hides the author of a note written in an anonymous phase, and the
//! voter of a dot in an anonymous vote, from every reader. Here the log itself is made to keep
//! no more: such an act is appended under a *sealed name* instead of its actor, a keyed
//! BLAKE3 hash of the actor under the board's own key ([`SealedNames`]: one name as an author,
//! another as a voter, so that a person's notes are not linked to their ballot). While the
//! board runs, the server recognises each person's sealed acts by computing their names again
//! with the key: they edit their own anonymous notes, see their own private notes and dots,
//! and the dot budget holds. When the board closes its key is destroyed
//! ([`crate::privacy::KeyStore::destroy_board_key`], finished at the next start if a crash
//! came between, like an erasure): from then on nobody, the administrator with the raw log and
//! the key store included, can tell whose a name was, not even by trying every account name
//! (the hash needs the key). The log is never rewritten, so `verify` passes, and the names
//! still add up: a retracted dot takes back the dot of the same name, and the tallies and
//! the timeline ("a participant added a note") stay as they were.
//!
//! Which acts are sealed is [`crate::visibility::seals`]: exactly those whose actor no reader
//! may ever see. Promoting a note, and the facilitation, are never sealed.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use uuid::Uuid;

use crate::domain::state::{Board, SealedNames, SEALED_PREFIX};
use crate::domain::vocabulary::BoardPhase;
use crate::domain::Command;
use crate::privacy::KeyStore;
use crate::store::{RecordedEvent, StoreError};
use crate::visibility::{self, BoardEventKind, Reader};

/// The names `actor`'s sealed acts carry on the board whose key is `key`.
pub fn names(key: &[u8; 32], actor: &str) -> SealedNames {
    let name = |role: &str| {
        let mut hasher = blake3::Hasher::new_keyed(key);
        hasher.update(role.as_bytes());
        hasher.update(&[0]);
        hasher.update(actor.as_bytes());
        let hash = hasher.finalize();
        format!("{SEALED_PREFIX}{}", hex::encode(&hash.as_bytes()[..16]))
    };
    SealedNames {
        as_author: name("author"),
        as_voter: name("voter"),
    }
}

/// A participant's act on a board that a command asks for: the board, the kind of event it
/// becomes, and the note it handles (none for a new note or a group).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BoardAct {
    /// The board.
    pub board_id: Uuid,
    /// What it becomes.
    pub kind: BoardEventKind,
    /// The note it handles.
    pub note_id: Option<Uuid>,
}

impl BoardAct {
    /// The act `command` asks for, `None` for commands that are not a participant's act on a
    /// board (the facilitation, promotions, everything else).
    pub fn of(command: &Command) -> Option<BoardAct> {
        let (board_id, kind, note_id) = match command {
            Command::AddNote { board_id, .. } => (*board_id, BoardEventKind::NoteAdded, None),
            Command::EditNote {
                board_id, note_id, ..
            } => (*board_id, BoardEventKind::NoteEdited, Some(*note_id)),
            Command::MoveNote {
                board_id, note_id, ..
            } => (*board_id, BoardEventKind::NoteHandled, Some(*note_id)),
            Command::GroupNotes { board_id, .. } => (*board_id, BoardEventKind::NoteHandled, None),
            Command::CastVote { board_id, note_id }
            | Command::RetractVote { board_id, note_id } => {
                (*board_id, BoardEventKind::Vote, Some(*note_id))
            }
            _ => return None,
        };
        Some(BoardAct {
            board_id,
            kind,
            note_id,
        })
    }

    /// The name this act is appended under on `board` (the board as the decision sees it):
    /// one of `names` when [`visibility::seals`] says so, else `None` (the actor itself).
    pub fn sealed_name<'n>(&self, board: &Board, names: &'n SealedNames) -> Option<&'n str> {
        let note = self.note_id.and_then(|note_id| board.notes.get(&note_id));
        visibility::seals(board, self.kind, note.map(|note| &**note)).then(|| {
            if self.kind == BoardEventKind::Vote {
                names.as_voter.as_str()
            } else {
                names.as_author.as_str()
            }
        })
    }
}

/// `actor`'s sealed names on `board_id`, its key created (durably, before anything is sealed
/// with it) if the board has none yet; `None` for a closed board, whose key is gone for good.
///
/// # Errors
/// Key store failures.
pub async fn names_on(
    keys: &KeyStore,
    board: &Board,
    board_id: Uuid,
    actor: &str,
) -> Result<Option<SealedNames>, StoreError> {
    if board.phase == BoardPhase::Closed {
        return Ok(None);
    }
    Ok(Some(names(
        &keys.board_key_or_create(board_id).await?,
        actor,
    )))
}

/// `actor` as a reader of `boards`: with their sealed names on every board that has a key
/// (the closed ones have none). A key store failure is logged and the reader gets no sealed
/// names: they then see their own anonymous notes and dots as anyone else's, which hides
/// more, never less.
pub async fn reader(keys: &KeyStore, actor: &str, boards: &BTreeMap<Uuid, Arc<Board>>) -> Reader {
    let running: Vec<Uuid> = boards
        .iter()
        .filter(|(_, board)| board.phase != BoardPhase::Closed)
        .map(|(board_id, _)| *board_id)
        .collect();
    if running.is_empty() {
        return Reader::unsealed(actor);
    }
    match keys.board_keys(&running).await {
        Ok(found) => Reader::new(
            actor,
            running
                .iter()
                .map(|board_id| (*board_id, found.get(board_id).map(|key| names(key, actor))))
                .collect::<HashMap<_, _>>(),
        ),
        Err(error) => {
            tracing::error!(%error, "cannot read the boards' keys; the reader's sealed acts are not recognised");
            Reader::unsealed(actor)
        }
    }
}

/// Whether `reader` is to look up the key of `board_id` at `event`: when it never did, and
/// when it found none then but the event is a sealed act. A board's key is made at its first
/// sealed act, and a reader can outlive that moment (a subscription, a fan-out's group of
/// readers): one that saw the board created (no key yet) would otherwise never recognise its
/// own sealed notes and dots.
pub fn must_learn(reader: &Reader, board_id: Uuid, event: &RecordedEvent) -> bool {
    !reader.knows(board_id)
        || (crate::domain::state::is_sealed(&event.metadata.actor)
            && !reader.has_names_on(board_id))
}

/// Learns `reader`'s sealed names on `board_id` at `event` when [`must_learn`] says so. A
/// failure is logged and looked up again next time.
pub async fn learn(keys: &KeyStore, reader: &mut Reader, board_id: Uuid, event: &RecordedEvent) {
    if !must_learn(reader, board_id, event) {
        return;
    }
    match keys.board_keys(&[board_id]).await {
        Ok(found) => {
            let names = found.get(&board_id).map(|key| names(key, reader.actor()));
            reader.learn(board_id, names);
        }
        Err(error) => {
            tracing::error!(%error, %board_id, "cannot read a board's key");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_differ_per_person_role_and_board_and_hide_the_actor() {
        let board_key = [7u8; 32];
        let ann = names(&board_key, "ann");
        assert_eq!(
            ann,
            names(&board_key, "ann"),
            "the same person, the same names"
        );
        assert_ne!(ann.as_author, ann.as_voter, "notes are not linked to dots");
        assert_ne!(ann, names(&board_key, "bob"));
        assert_ne!(ann, names(&[8u8; 32], "ann"), "another board, other names");
        for name in [&ann.as_author, &ann.as_voter] {
            assert!(name.starts_with(SEALED_PREFIX));
            assert!(!name.contains("ann"));
            assert_eq!(name.len(), SEALED_PREFIX.len() + 32);
        }
    }
}
