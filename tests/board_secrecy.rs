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
const VIEWER: usize = 2;
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

/// How a route is held to the workshop's secrecy. Every route of the router has an entry in
/// [`ROUTES`] (the test fails otherwise), and each is requested by every reader at every stage.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Rule {
    /// Shows the workspace, or nothing of it: no other participant's name as an author or
    /// voter, no other's private text, whatever the status.
    Shows,
    /// Lists people with their roles (members, tokens, member invites): their names are what
    /// it lists; nobody's private text is in it.
    ListsPeople,
    /// The server administrator's backup: refused to every reader here (they are no
    /// administrators); what it holds after the close is searched by `sealed_for_good`.
    Administrator,
    /// A change, sent with an empty body by every reader: refused, saying nothing secret.
    Changes,
    /// Ends the caller's session: not requested here (`tests/accounts.rs` covers it).
    EndsSession,
}

/// Every route of the API: method, path as the router and the OpenAPI document name it, the
/// query it is asked with here, and its rule.
const ROUTES: &[(&str, &str, &str, Rule)] = &[
    ("get", "/healthz", "", Rule::Shows),
    ("get", "/readyz", "", Rule::Shows),
    ("get", "/api/openapi.json", "", Rule::Shows),
    ("get", "/api/backup", "", Rule::Administrator),
    ("get", "/api/method", "", Rule::Shows),
    ("post", "/api/login", "", Rule::Changes),
    ("post", "/api/join", "", Rule::Changes),
    ("post", "/api/logout", "", Rule::EndsSession),
    ("get", "/api/me", "", Rule::Shows),
    ("post", "/api/me/password", "", Rule::Changes),
    ("post", "/api/me/accept-invite", "", Rule::Changes),
    ("post", "/api/invites/accept", "", Rule::Changes),
    ("get", "/api/workspaces", "", Rule::Shows),
    ("post", "/api/workspaces", "", Rule::Changes),
    ("get", "/api/workspaces/{workspace_id}", "", Rule::Shows),
    (
        "get",
        "/api/workspaces/{workspace_id}/as-of",
        "?at={head}",
        Rule::Shows,
    ),
    (
        "get",
        "/api/workspaces/{workspace_id}/assets",
        "",
        Rule::Shows,
    ),
    (
        "get",
        "/api/workspaces/{workspace_id}/assets/share-links",
        "",
        Rule::ListsPeople,
    ),
    (
        "post",
        "/api/workspaces/{workspace_id}/assets/share-links",
        "",
        Rule::Changes,
    ),
    (
        "delete",
        "/api/workspaces/{workspace_id}/assets/share-links/{link_id}",
        "",
        Rule::Changes,
    ),
    ("get", "/api/public/assets/{token}", "", Rule::Shows),
    (
        "get",
        "/api/workspaces/{workspace_id}/boards",
        "",
        Rule::Shows,
    ),
    (
        "get",
        "/api/workspaces/{workspace_id}/boards/{board_id}",
        "",
        Rule::Shows,
    ),
    (
        "post",
        "/api/workspaces/{workspace_id}/boards/{board_id}/invites",
        "",
        Rule::Changes,
    ),
    (
        "post",
        "/api/workspaces/{workspace_id}/commands",
        "",
        Rule::Changes,
    ),
    (
        "get",
        "/api/workspaces/{workspace_id}/competences",
        "",
        Rule::Shows,
    ),
    (
        "get",
        "/api/workspaces/{workspace_id}/log",
        "?limit=1000",
        Rule::Shows,
    ),
    (
        "get",
        "/api/workspaces/{workspace_id}/verify",
        "",
        Rule::Shows,
    ),
    (
        "get",
        "/api/workspaces/{workspace_id}/audit.csv",
        "",
        Rule::Shows,
    ),
    (
        "get",
        "/api/workspaces/{workspace_id}/member-invites",
        "",
        Rule::ListsPeople,
    ),
    (
        "post",
        "/api/workspaces/{workspace_id}/member-invites",
        "",
        Rule::Changes,
    ),
    (
        "delete",
        "/api/workspaces/{workspace_id}/member-invites/{invite_id}",
        "",
        Rule::Changes,
    ),
    (
        "get",
        "/api/workspaces/{workspace_id}/members",
        "",
        Rule::ListsPeople,
    ),
    (
        "put",
        "/api/workspaces/{workspace_id}/members/{account_name}",
        "",
        Rule::Changes,
    ),
    (
        "delete",
        "/api/workspaces/{workspace_id}/members/{account_name}",
        "",
        Rule::Changes,
    ),
    (
        "get",
        "/api/workspaces/{workspace_id}/network",
        "",
        Rule::Shows,
    ),
    (
        "get",
        "/api/workspaces/{workspace_id}/network.gexf",
        "",
        Rule::Shows,
    ),
    (
        "get",
        "/api/workspaces/{workspace_id}/network.graphml",
        "",
        Rule::Shows,
    ),
    (
        "get",
        "/api/workspaces/{workspace_id}/network/nodes.csv",
        "",
        Rule::Shows,
    ),
    (
        "get",
        "/api/workspaces/{workspace_id}/network/relations.csv",
        "",
        Rule::Shows,
    ),
    (
        "post",
        "/api/workspaces/{workspace_id}/organisation-import/preview",
        "",
        Rule::Changes,
    ),
    (
        "get",
        "/api/workspaces/{workspace_id}/organisations",
        "",
        Rule::Shows,
    ),
    (
        "get",
        "/api/workspaces/{workspace_id}/organisations/{organisation_id}",
        "",
        Rule::Shows,
    ),
    (
        "get",
        "/api/workspaces/{workspace_id}/organisations/{organisation_id}/contacts",
        "",
        Rule::Shows,
    ),
    (
        "get",
        "/api/workspaces/{workspace_id}/partnerships",
        "",
        Rule::Shows,
    ),
    (
        "get",
        "/api/workspaces/{workspace_id}/partnerships/{partnership_id}",
        "",
        Rule::Shows,
    ),
    (
        "get",
        "/api/workspaces/{workspace_id}/partnerships/{partnership_id}/agreement/diff",
        "?from_version=0&to_version=0",
        Rule::Shows,
    ),
    (
        "get",
        "/api/workspaces/{workspace_id}/portfolio",
        "",
        Rule::Shows,
    ),
    (
        "get",
        "/api/workspaces/{workspace_id}/suggestions",
        "",
        Rule::Shows,
    ),
    (
        "get",
        "/api/workspaces/{workspace_id}/timeline",
        "",
        Rule::Shows,
    ),
    (
        "get",
        "/api/workspaces/{workspace_id}/timeline",
        "?entity={board_id}",
        Rule::Shows,
    ),
    (
        "get",
        "/api/workspaces/{workspace_id}/tokens",
        "",
        Rule::ListsPeople,
    ),
    (
        "post",
        "/api/workspaces/{workspace_id}/tokens",
        "",
        Rule::Changes,
    ),
    (
        "delete",
        "/api/workspaces/{workspace_id}/tokens/{token_id}",
        "",
        Rule::Changes,
    ),
];

/// Every message type of the websocket protocol, and how it is held to the secrecy.
const MESSAGES: &[(&str, &str)] = &[
    ("client hello", "answered by welcome"),
    ("client subscribe", "catch-up and live frames, checked at every stage"),
    ("client unsubscribe", "says nothing of the board"),
    ("client command", "answered by ack or reject, as the commands route"),
    ("client presence", "relayed without selection and cursor where they could tell whose a note is, checked at every stage"),
    ("client summon", "the facilitator's only (others get error not_facilitator); relayed to those on the board as summoned, never logged"),
    ("client ping", "answered by pong"),
    ("server welcome", "names the reader only"),
    ("server subscribed", "positions only"),
    ("server unsubscribed", "the workspace only"),
    ("server event", "as visibility says, searched at every stage"),
    ("server ack", "positions only"),
    ("server reject", "the refusal of one's own command"),
    ("server presence", "who is there; pointers only where shown, checked at every stage"),
    ("server summoned", "the board, its facilitator (known to all) and a zone of the template: nothing of anyone's notes"),
    ("server error", "the error of one's own message"),
    ("server pong", "the nonce"),
];

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
        forbidden.extend(self.secret_texts(reader, stage));
        forbidden
    }

    /// The private texts `reader` must not learn at `stage`.
    fn secret_texts(&self, reader: usize, stage: Stage) -> Vec<String> {
        if stage != Stage::PrivateWriting {
            return Vec::new();
        }
        self.notes
            .iter()
            .filter(|note| note.author != reader)
            .map(|note| secret_of(note.text).to_owned())
            .collect()
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
                    &format!(
                        "/api/workspaces/{workspace}/timeline?entity={}&lang=en",
                        self.board
                    ),
                )
                .await;
            // The same lines in Danish: as much hidden.
            let (_, danish) = self
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
                assert_hidden(&danish, &forbidden, stage, name, "Danish timeline");
                assert_eq!(
                    danish.as_array().map(Vec::len),
                    timeline.as_array().map(Vec::len),
                    "{name}"
                );
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
                        for entry in danish
                            .as_array()
                            .unwrap()
                            .iter()
                            .filter(|entry| entry["event_type"] == "PrivateNoteAdded")
                        {
                            assert_eq!(
                                entry["summary"],
                                "en deltager satte en privat seddel på \"Mapping\"",
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
                    Stage::VoteClosed => {
                        let own_votes =
                            votes().iter().filter(|(voter, _)| *voter == reader).count();
                        assert_eq!(
                            anonymous_votes,
                            votes().len() - own_votes,
                            "{name}: {timeline}"
                        );
                    }
                    // Closed: the key is gone, so even one's own dots are nobody's.
                    Stage::BoardClosed => {
                        assert_eq!(anonymous_votes, votes().len(), "{name}: {timeline}");
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
            self.every_route(reader, stage, barrier).await;
        }
        self.presence(stage).await;
    }

    /// Every route of [`ROUTES`], asked by `reader` at `stage`, keeps to its rule.
    async fn every_route(&self, reader: usize, stage: Stage, head: u64) {
        let name = self.readers[reader].name;
        let token = &self.readers[reader].token;
        let forbidden = self.forbidden(reader, stage);
        let texts = self.secret_texts(reader, stage);
        for (method, path, query, rule) in ROUTES {
            if *rule == Rule::EndsSession {
                continue;
            }
            let concrete = format!("{path}{query}")
                .replace("{workspace_id}", &self.server.workspace_id.to_string())
                .replace("{board_id}", &self.board.to_string())
                .replace("{head}", &head.to_string())
                .replace("{account_name}", "nobody@test")
                .replace("{organisation_id}", &Uuid::nil().to_string())
                .replace("{partnership_id}", &Uuid::nil().to_string())
                .replace("{invite_id}", &Uuid::nil().to_string())
                .replace("{token_id}", &Uuid::nil().to_string())
                .replace("{link_id}", &Uuid::nil().to_string())
                .replace("{token}", "pha_unknown");
            let what = format!("{method} {concrete}");
            let (status, body) = match *method {
                "get" => self.server.get(token, &concrete).await,
                "post" => self.server.post(token, &concrete, json!({})).await,
                "put" => self.server.put(token, &concrete, json!({})).await,
                "delete" => self.server.delete(token, &concrete).await,
                other => panic!("no method {other}"),
            };
            match rule {
                Rule::Shows => assert_hidden(&body, &forbidden, stage, name, &what),
                Rule::ListsPeople => assert_hidden(&body, &texts, stage, name, &what),
                Rule::Administrator => {
                    assert!(status == 401 || status == 403, "{name} {what}: {status}");
                    assert_hidden(&body, &forbidden, stage, name, &what);
                }
                Rule::Changes => {
                    assert!(
                        (400..500).contains(&status),
                        "{name} {what} with an empty body: {status} {body}"
                    );
                    assert_hidden(&body, &forbidden, stage, name, &what);
                }
                Rule::EndsSession => {}
            }
        }
    }

    /// The first guest points at their own note: the readers on the board see that they are
    /// there, and what they point at only where that cannot tell whose a note is.
    async fn presence(&mut self, stage: Stage) {
        let note = self.notes[0].id;
        let pointer_shown = matches!(
            stage,
            Stage::Revealed | Stage::VoteClosed | Stage::BoardClosed
        );
        let (workspace, board) = (self.server.workspace_id, self.board);
        let pointing = self.readers[GUEST_ONE].actor.clone();
        let Some(guest) = self.readers[GUEST_ONE].live.as_mut() else {
            panic!("the guest follows live")
        };
        guest
            .send(json!({"type": "presence", "workspace_id": workspace, "board_id": board, "selection": note, "cursor": {"x": 0.5, "y": 0.25}, "zone": {"label": "Ideer"}}))
            .await;
        for reader in [VIEWER, GUEST_TWO] {
            let Some(live) = self.readers[reader].live.as_mut() else {
                continue;
            };
            let presence = live.next_of("presence").await;
            assert_eq!(presence["actor"], pointing.as_str());
            let name = self.readers[reader].name;
            if pointer_shown {
                assert_eq!(
                    presence["selection"],
                    note.to_string(),
                    "{name} at {stage:?}"
                );
                assert_eq!(
                    presence["zone"],
                    json!({"label": "Ideer"}),
                    "{name} at {stage:?}"
                );
            } else {
                assert!(
                    presence.get("selection").is_none_or(Value::is_null)
                        && presence.get("cursor").is_none_or(Value::is_null)
                        && presence.get("zone").is_none_or(Value::is_null),
                    "{name} learns what the guest points at, at {stage:?}: {presence}"
                );
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
            // The placeholders: each other's note by id and zone, nothing more.
            let private = view["private_notes"].as_array().unwrap();
            assert_eq!(private.len(), self.notes.len() - own, "{name} {path}");
            for placeholder in private {
                let fields: Vec<&String> = placeholder.as_object().unwrap().keys().collect();
                assert_eq!(fields, ["note_id", "zone"], "{name} {path}: {placeholder}");
                assert!(self
                    .notes
                    .iter()
                    .any(|note| note.author != reader
                        && placeholder["note_id"] == note.id.to_string()));
            }
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
            if note.author == reader && stage != Stage::BoardClosed {
                assert_eq!(shown["author"], self.readers[reader].actor, "{name} {path}");
            } else {
                // Others' notes; and once the board closed, the author's own too: the key
                // that told them theirs is destroyed (crate::sealing).
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
            match stage {
                Stage::VoteOpen | Stage::VoteClosed => {
                    assert_eq!(shown["my_votes"], mine, "{name} {path}: {shown}")
                }
                // The anonymous vote's dots are nobody's once the board's key is gone.
                Stage::BoardClosed => assert_eq!(shown["my_votes"], 0, "{name} {path}: {shown}"),
                Stage::PrivateWriting | Stage::Revealed => {}
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
    workshop.sealed_for_good().await;
}

impl Workshop {
    /// After the close: the authors and voters of the anonymous notes and dots (the editor
    /// and both guests: their actors, the guests' ids and display names) are in none of the
    /// auditor's raw log, an export of the log and a backup, and the board's key is in no
    /// backup; `verify` passes. Searched are the workspace's events, every line of them; the
    /// accounts' own stream says who is a member and who joined through the invite, not who
    /// wrote or voted what.
    async fn sealed_for_good(&self) {
        let server = &self.server;
        let workspace = server.workspace_id;
        let mut identities = vec![];
        for reader in [EDITOR, GUEST_ONE, GUEST_TWO] {
            let actor = self.readers[reader].actor.clone();
            if let Some(id) = actor.strip_prefix("guest:") {
                identities.push(id.to_owned());
            }
            identities.push(actor);
        }
        identities.extend(self.guest_names.iter().map(|name| name.to_string()));
        let search = |what: &str, text: &str| {
            for identity in &identities {
                assert!(
                    !text.contains(identity.as_str()),
                    "{what} names {identity} after the board closed"
                );
            }
        };

        let (status, log) = server
            .get(
                &self.readers[AUDITOR].token,
                &format!("/api/workspaces/{workspace}/log?limit=1000"),
            )
            .await;
        assert_eq!(status, 200, "{log}");
        let raw = log.to_string();
        search("the auditor's raw log", &raw);
        assert!(
            raw.contains("sealed:"),
            "the anonymous acts are in the log, under sealed names: {raw}"
        );

        let store = server.state.store.as_ref();
        let export = tempfile::NamedTempFile::new().unwrap();
        partnerhub::store::transfer::export_log(store, export.path(), &mut |_| {})
            .await
            .unwrap();
        let exported = std::fs::read_to_string(export.path()).unwrap();
        let workspace_lines = |text: &str| {
            text.lines()
                .filter(|line| line.contains(&workspace.to_string()))
                .collect::<Vec<_>>()
                .join("\n")
        };
        let exported_workspace = workspace_lines(&exported);
        assert!(exported_workspace.contains("NoteAdded"));
        search("the export", &exported_workspace);

        let keys = server.state.workspaces.keys();
        let (sender, mut receiver) = tokio::sync::mpsc::channel(64);
        let collect = tokio::spawn(async move {
            let mut bytes = Vec::new();
            while let Some(chunk) = receiver.recv().await {
                bytes.extend(chunk);
            }
            bytes
        });
        partnerhub::backup::stream_backup(store, keys, &sender)
            .await
            .unwrap();
        drop(sender);
        let backup = String::from_utf8(collect.await.unwrap()).unwrap();
        search("the backup", &workspace_lines(&backup));
        assert!(
            !backup.contains(&self.board.to_string().replace('-', ""))
                && !backup.contains("board_key"),
            "a closed board's key is in no backup"
        );
        assert!(
            keys.board_keys(&[self.board]).await.unwrap().is_empty(),
            "the board's key is destroyed at its close"
        );

        partnerhub::store::transfer::verify_log(store, &mut |_| {})
            .await
            .unwrap();
    }
}

on_every_backend!(secrecy_holds_on_every_path_in_every_phase);

/// The tables above name every route of the router (as the OpenAPI document lists them, which
/// `tests/protocol.rs` holds equal to the router) with every method, and every message type
/// of the websocket protocol: a route or a message type added without an entry fails here.
#[test]
fn every_route_and_message_type_has_a_secrecy_rule() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("protocol");
    let read = |name: &str| -> Value {
        serde_json::from_str(&std::fs::read_to_string(root.join(name)).unwrap()).unwrap()
    };
    let openapi = read("openapi.json");
    let mut documented = std::collections::BTreeSet::new();
    for (path, item) in openapi["paths"].as_object().unwrap() {
        for method in ["get", "post", "put", "delete", "patch"] {
            if item.get(method).is_some() {
                documented.insert(format!("{method} {path}"));
            }
        }
    }
    let mut routed: Vec<&str> = partnerhub::api::routes::route_paths();
    routed.sort_unstable();
    let mut paths: Vec<&str> = openapi["paths"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    paths.sort_unstable();
    assert_eq!(routed, paths, "the router and the OpenAPI document differ");
    let ruled: std::collections::BTreeSet<String> = ROUTES
        .iter()
        .map(|(method, path, _, _)| format!("{method} {path}"))
        .collect();
    assert_eq!(
        ruled, documented,
        "every route needs a secrecy rule in ROUTES, and every entry a route"
    );

    let mut types = std::collections::BTreeSet::new();
    for (side, file) in [("client", "client-message"), ("server", "server-message")] {
        let schema = read(&format!("schemas/{file}.schema.json"));
        for variant in schema["oneOf"].as_array().unwrap() {
            let kind = &variant["properties"]["type"];
            let name = kind["const"]
                .as_str()
                .or_else(|| kind["enum"][0].as_str())
                .unwrap();
            types.insert(format!("{side} {name}"));
        }
    }
    let ruled: std::collections::BTreeSet<String> = MESSAGES
        .iter()
        .map(|(kind, _)| (*kind).to_owned())
        .collect();
    assert_eq!(
        ruled, types,
        "every websocket message type needs a secrecy entry in MESSAGES"
    );
}
