//! Workshop secrecy on every read path: a board written privately and anonymously, revealed,
//! voted on anonymously, the vote closed and the board closed, and at each phase what the
//! owner (who facilitates), an editor, a viewer, an auditor and two guests of one invite see
//! of it through the board view, "as of" at the head, the board's timeline, a websocket
//! catching up from the board's start (the roles that may read history) and live frames
//! (the roles that may not). Each test runs on sled and on PostgreSQL.
//!
//! The promises (SECURITY.md): others' notes written privately are placeholders until the
//! reveal (no text, no author); nobody learns who wrote a note in an anonymous phase or who
//! voted in an anonymous vote, during the board or afterwards; tallies are hidden while the
//! vote is open and shown as totals once it has closed. No role is exempt.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a panic is how a test reports failure

mod common;

use common::{on_every_backend, Backend, TestServer, Ws};
use serde_json::{json, Value};
use uuid::Uuid;

/// One reader of the board.
struct Reader {
    name: &'static str,
    token: String,
    actor: String,
    /// Whether their role reads history (as-of, timeline, catch-up).
    history: bool,
    /// Their live subscription, for the roles that may not catch up.
    live: Option<Ws>,
}

/// The notes: id, author's index among the readers, text (with a marker found nowhere else).
struct Written {
    id: Uuid,
    author: usize,
    text: &'static str,
}

const OWNER: usize = 0;
const EDITOR: usize = 1;
const AUDITOR: usize = 3;
const GUEST_ONE: usize = 4;
const GUEST_TWO: usize = 5;

/// The phases the test checks, in order.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Stage {
    PrivateWriting,
    Revealed,
    VoteOpen,
    VoteClosed,
    BoardClosed,
}

struct Workshop {
    server: TestServer,
    board: Uuid,
    /// The position just before the board was created: catching up after it gives the
    /// board's whole history.
    board_start: u64,
    readers: Vec<Reader>,
    notes: Vec<Written>,
    /// The guests' display names (one invite, two people).
    guest_names: [&'static str; 2],
}

impl Workshop {
    async fn open(backend: Backend) -> Self {
        let server = TestServer::start_on(backend).await;
        let board = Uuid::new_v4();
        let (status, body) = server
            .get(
                &server.owner,
                &format!("/api/workspaces/{}", server.workspace_id),
            )
            .await;
        assert_eq!(status, 200, "{body}");
        let board_start = server.state.store.head_position();
        let (status, body) = server
            .command(
                &server.owner,
                json!({"type": "CreateBoard", "board_id": board, "title": "Mapping", "template": "network_circle"}),
            )
            .await;
        assert_eq!(status, 200, "{body}");
        let editor = server.member("editor@test", "editor").await;
        let viewer = server.member("viewer@test", "viewer").await;
        let auditor = server.member("auditor@test", "auditor").await;
        let invite = server.invite(board, "theatre guests").await;
        let guest_names = ["Gina Guest", "Gus Guest"];
        let (guest_one, guest_one_actor) = server.join(&invite, guest_names[0]).await;
        let (guest_two, guest_two_actor) = server.join(&invite, guest_names[1]).await;
        assert_ne!(guest_one_actor, guest_two_actor, "one invite, two people");
        let mut readers = Vec::new();
        for (name, token, history) in [
            ("owner", server.owner.clone(), true),
            ("editor", editor, true),
            ("viewer", viewer, false),
            ("auditor", auditor, true),
            ("guest one", guest_one, false),
            ("guest two", guest_two, false),
        ] {
            let mut ws = server.websocket().await;
            let actor = ws.hello(&token).await["actor"].as_str().unwrap().to_owned();
            let live = if history {
                None
            } else {
                ws.send(json!({"type": "subscribe", "workspace_id": server.workspace_id, "board_id": board}))
                    .await;
                ws.next_of("subscribed").await;
                Some(ws)
            };
            readers.push(Reader {
                name,
                token,
                actor,
                history,
                live,
            });
        }
        Workshop {
            server,
            board,
            board_start,
            readers,
            notes: vec![
                Written {
                    id: Uuid::new_v4(),
                    author: GUEST_ONE,
                    text: "Theatre group secret-one",
                },
                Written {
                    id: Uuid::new_v4(),
                    author: GUEST_TWO,
                    text: "Brewery tour secret-two",
                },
                Written {
                    id: Uuid::new_v4(),
                    author: EDITOR,
                    text: "Museum night secret-three",
                },
            ],
            guest_names,
        }
    }

    async fn run(&self, who: usize, command: Value) -> u64 {
        let (status, body) = self.server.command(&self.readers[who].token, command).await;
        assert_eq!(
            status, 200,
            "{} ran a command: {body}",
            self.readers[who].name
        );
        body["last_position"].as_u64().unwrap()
    }

    async fn advance(&self, to: &str) -> u64 {
        self.run(
            OWNER,
            json!({"type": "AdvanceBoardPhase", "board_id": self.board, "to": to}),
        )
        .await
    }

    /// An event every reader sees (the facilitator starts a timer): its position ends what
    /// a stage's frames are compared up to.
    async fn barrier(&self) -> u64 {
        self.run(
            OWNER,
            json!({"type": "StartBoardTimer", "board_id": self.board, "seconds": 60}),
        )
        .await
    }

    /// What `reader` must never find in anything they are shown at `stage`: the others'
    /// names as authors and voters (every note and vote here is anonymous) and, while
    /// writing is private, the others' texts.
    fn forbidden(&self, reader: usize, stage: Stage) -> Vec<String> {
        let mut forbidden = Vec::new();
        for (index, other) in [EDITOR, GUEST_ONE, GUEST_TWO].into_iter().enumerate() {
            if other == reader {
                continue;
            }
            forbidden.push(self.readers[other].actor.clone());
            if index > 0 {
                forbidden.push(self.guest_names[index - 1].to_owned());
            }
        }
        if stage == Stage::PrivateWriting {
            for note in &self.notes {
                if note.author != reader {
                    forbidden.push(secret_of(note.text).to_owned());
                }
            }
        }
        forbidden
    }

    fn own_notes(&self, reader: usize) -> usize {
        self.notes
            .iter()
            .filter(|note| note.author == reader)
            .count()
    }

    /// Checks every path for every reader at `stage`; `barrier` is the position of the
    /// stage's last event.
    async fn check(&mut self, stage: Stage, barrier: u64) {
        let workspace = self.server.workspace_id;
        for reader in 0..self.readers.len() {
            let name = self.readers[reader].name;
            let token = self.readers[reader].token.clone();
            let forbidden = self.forbidden(reader, stage);
            let own = self.own_notes(reader);
            let others = self.notes.len() - own;
            // The board view.
            let (status, view) = self
                .server
                .get(
                    &token,
                    &format!("/api/workspaces/{workspace}/boards/{}", self.board),
                )
                .await;
            assert_eq!(status, 200, "{name}: {view}");
            assert_hidden(&view, &forbidden, stage, name, "board view");
            self.check_view(&view, reader, stage, "board view");
            let history = self.readers[reader].history;
            // As of the head, and the board's timeline.
            let (status, report) = self
                .server
                .get(
                    &token,
                    &format!("/api/workspaces/{workspace}/as-of?at={barrier}"),
                )
                .await;
            let (timeline_status, timeline) = self
                .server
                .get(
                    &token,
                    &format!("/api/workspaces/{workspace}/timeline?entity={}", self.board),
                )
                .await;
            if !history {
                assert_eq!((status, timeline_status), (403, 403), "{name}");
            } else {
                assert_eq!(status, 200, "{name}: {report}");
                assert_hidden(&report, &forbidden, stage, name, "as-of");
                self.check_view(
                    &report["boards"][self.board.to_string()],
                    reader,
                    stage,
                    "as-of board",
                );
                assert_eq!(timeline_status, 200, "{name}: {timeline}");
                assert_hidden(&timeline, &forbidden, stage, name, "timeline");
                let entries = timeline.as_array().unwrap();
                let private = entries
                    .iter()
                    .filter(|entry| entry["event_type"] == "PrivateNoteAdded")
                    .count();
                let anonymous_votes = entries
                    .iter()
                    .filter(|entry| entry["event_type"] == "VoteCast" && entry["actor"].is_null())
                    .count();
                match stage {
                    Stage::PrivateWriting => {
                        assert_eq!(private, others, "{name}: timeline {timeline}");
                        for entry in entries
                            .iter()
                            .filter(|entry| entry["event_type"] == "PrivateNoteAdded")
                        {
                            assert_eq!(
                                entry["summary"],
                                "a participant added a private note to \"Mapping\"",
                                "{name}"
                            );
                        }
                    }
                    Stage::VoteOpen => {
                        assert_eq!(private, 0, "{name}");
                        assert_eq!(
                            anonymous_votes, 0,
                            "{name}: others' votes hidden: {timeline}"
                        );
                    }
                    Stage::VoteClosed | Stage::BoardClosed => {
                        let own_votes =
                            votes().iter().filter(|(voter, _)| *voter == reader).count();
                        assert_eq!(
                            anonymous_votes,
                            votes().len() - own_votes,
                            "{name}: {timeline}"
                        );
                    }
                    Stage::Revealed => assert_eq!(private, 0, "{name}"),
                }
            }
            // The websocket: catching up from the board's start, or the live frames.
            let frames = match self.readers[reader].live.as_mut() {
                Some(live) => frames_until(live, barrier).await,
                None => {
                    let mut ws = self.server.websocket().await;
                    ws.hello(&token).await;
                    ws.send(json!({"type": "subscribe", "workspace_id": workspace, "after_position": self.board_start}))
                        .await;
                    ws.next_of("subscribed").await;
                    frames_until(&mut ws, barrier).await
                }
            };
            let frames = Value::Array(frames);
            assert_hidden(&frames, &forbidden, stage, name, "websocket");
            let frames = frames.as_array().unwrap();
            let of_type = |kind: &str| {
                frames
                    .iter()
                    .filter(|frame| frame["event_type"] == kind)
                    .collect::<Vec<_>>()
            };
            for frame in of_type("PrivateNoteAdded") {
                assert!(frame.get("actor").is_none(), "{name}: {frame}");
                assert!(frame["payload"].get("text").is_none(), "{name}: {frame}");
            }
            let caught_up = self.readers[reader].live.is_none();
            let votes_seen = of_type("VoteCast");
            match stage {
                Stage::PrivateWriting => {
                    assert_eq!(
                        of_type("PrivateNoteAdded").len(),
                        others,
                        "{name}: {frames:?}"
                    );
                    assert_eq!(of_type("NoteAdded").len(), own, "{name}");
                }
                Stage::VoteOpen => {
                    let own_votes = votes().iter().filter(|(voter, _)| *voter == reader).count();
                    assert_eq!(votes_seen.len(), own_votes, "{name}: {frames:?}");
                    assert!(votes_seen
                        .iter()
                        .all(|frame| frame["actor"] == self.readers[reader].actor));
                }
                Stage::VoteClosed | Stage::BoardClosed if caught_up => {
                    // The whole history again, the vote now closed: every dot, others' without
                    // the voter; the notes with their text, without their authors.
                    assert_eq!(votes_seen.len(), votes().len(), "{name}: {frames:?}");
                    assert_eq!(of_type("NoteAdded").len(), self.notes.len(), "{name}");
                    assert_eq!(of_type("PrivateNoteAdded").len(), 0, "{name}");
                }
                _ => {}
            }
        }
    }

    /// What a board (from the board view or "as of") must show `reader` at `stage`.
    fn check_view(&self, view: &Value, reader: usize, stage: Stage, path: &str) {
        let name = self.readers[reader].name;
        let notes = view["notes"]
            .as_array()
            .unwrap_or_else(|| panic!("{name} {path}: {view}"));
        let own = self.own_notes(reader);
        if stage == Stage::PrivateWriting {
            assert_eq!(notes.len(), own, "{name} {path}: {view}");
            assert_eq!(
                view["hidden_notes"],
                self.notes.len() - own,
                "{name} {path}"
            );
        } else {
            assert_eq!(notes.len(), self.notes.len(), "{name} {path}: {view}");
            assert_eq!(view["hidden_notes"], 0, "{name} {path}");
        }
        for shown in notes {
            let note = self
                .notes
                .iter()
                .find(|note| shown["note_id"] == note.id.to_string())
                .unwrap();
            if note.author == reader {
                assert_eq!(shown["author"], self.readers[reader].actor, "{name} {path}");
            } else {
                assert!(shown["author"].is_null(), "{name} {path}: {shown}");
            }
            let total = votes()
                .iter()
                .filter(|(_, on)| *on == note_index(self, note))
                .count();
            let mine = votes()
                .iter()
                .filter(|(voter, on)| *voter == reader && *on == note_index(self, note))
                .count();
            match stage {
                Stage::VoteClosed | Stage::BoardClosed => {
                    assert_eq!(shown["votes"], total, "{name} {path}: {shown}")
                }
                _ => assert!(shown["votes"].is_null(), "{name} {path}: {shown}"),
            }
            if matches!(
                stage,
                Stage::VoteOpen | Stage::VoteClosed | Stage::BoardClosed
            ) {
                assert_eq!(shown["my_votes"], mine, "{name} {path}: {shown}");
            }
        }
    }
}

fn note_index(workshop: &Workshop, note: &Written) -> usize {
    workshop
        .notes
        .iter()
        .position(|candidate| candidate.id == note.id)
        .unwrap()
}

/// The dots of the anonymous vote: (voter, note index).
fn votes() -> [(usize, usize); 4] {
    [(GUEST_ONE, 1), (GUEST_ONE, 1), (GUEST_TWO, 0), (EDITOR, 0)]
}

/// The marker in a note's text that nothing else contains.
fn secret_of(text: &str) -> &str {
    text.rsplit(' ').next().unwrap()
}

fn assert_hidden(shown: &Value, forbidden: &[String], stage: Stage, reader: &str, path: &str) {
    let text = shown.to_string();
    for secret in forbidden {
        assert!(
            !text.contains(secret.as_str()),
            "{reader} learns {secret:?} through the {path} at {stage:?}: {text}"
        );
    }
}

/// The event frames up to and including `position` (the stage's barrier).
async fn frames_until(ws: &mut Ws, position: u64) -> Vec<Value> {
    let mut frames = Vec::new();
    loop {
        let frame = ws.next_of("event").await;
        let at = frame["position"].as_u64().unwrap();
        frames.push(frame);
        if at >= position {
            return frames;
        }
    }
}

async fn secrecy_holds_on_every_path_in_every_phase(backend: Backend) {
    let mut workshop = Workshop::open(backend).await;
    let board = workshop.board;
    // Private, anonymous writing: three notes, one edited and moved by its author.
    for index in 0..workshop.notes.len() {
        let note = &workshop.notes[index];
        workshop
            .run(
                note.author,
                json!({"type": "AddNote", "board_id": board, "note_id": note.id, "text": note.text, "zone": {"level": "network"}}),
            )
            .await;
    }
    let first = workshop.notes[0].id;
    workshop
        .run(
            GUEST_ONE,
            json!({"type": "EditNote", "board_id": board, "note_id": first, "text": "Theatre group secret-one, twice"}),
        )
        .await;
    workshop
        .run(
            GUEST_ONE,
            json!({"type": "MoveNote", "board_id": board, "note_id": first, "zone": {"level": "collaboration"}, "x": 3, "y": 4}),
        )
        .await;
    let barrier = workshop.barrier().await;
    workshop.check(Stage::PrivateWriting, barrier).await;

    // Revealed (not anonymous): the texts show, the authors of anonymous notes never; the
    // editor's later edit of their anonymous note does not name them either.
    workshop.advance("reveal").await;
    let third = workshop.notes[2].id;
    workshop
        .run(
            EDITOR,
            json!({"type": "EditNote", "board_id": board, "note_id": third, "text": "Museum night secret-three, late"}),
        )
        .await;
    let barrier = workshop.barrier().await;
    workshop.check(Stage::Revealed, barrier).await;

    // The anonymous vote, open: each voter sees their own dots only.
    workshop.advance("grouping").await;
    workshop.advance("voting").await;
    for (voter, note) in votes() {
        let note = workshop.notes[note].id;
        workshop
            .run(
                voter,
                json!({"type": "CastVote", "board_id": board, "note_id": note}),
            )
            .await;
    }
    let barrier = workshop.barrier().await;
    workshop.check(Stage::VoteOpen, barrier).await;

    // The vote closed: totals, never ballots.
    workshop.advance("discussion").await;
    let barrier = workshop.barrier().await;
    workshop.check(Stage::VoteClosed, barrier).await;

    workshop.advance("closed").await;
    let barrier = workshop.barrier().await;
    workshop.check(Stage::BoardClosed, barrier).await;

    // The auditor's raw log keeps every actor until sealing lands (SECURITY.md): its bytes
    // are what `verify` checks.
    let (status, log) = workshop
        .server
        .get(
            &workshop.readers[AUDITOR].token,
            &format!(
                "/api/workspaces/{}/log?limit=1000",
                workshop.server.workspace_id
            ),
        )
        .await;
    assert_eq!(status, 200, "{log}");
    assert!(log
        .to_string()
        .contains(workshop.readers[GUEST_ONE].actor.as_str()));
}

on_every_backend!(secrecy_holds_on_every_path_in_every_phase);
