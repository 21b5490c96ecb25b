//! The floors under partnerhub's edits (issue 19, scenario 1): the least a server speaking
//! partnerhub's websocket protocol to the same load generator can do per edit, measured in
//! the same runs as partnerhub and its peers, so that the ratios say how much of the gap is
//! partnerhub's own work and how much is the protocol's and the disk's.
//!
//! A floor server is a process of this binary (`edits-floor-server`) on tokio-tungstenite,
//! as partnerhub's server is, with the same 4 KiB read buffer and `TCP_NODELAY`. It answers
//! the client's `hello` with a `welcome`, and each `command` frame, parsed as JSON (its
//! envelope read, its command skipped over but scanned, so a malformed frame is refused as
//! partnerhub would refuse it), with an `ack` of partnerhub's shape:
//!
//! - [`FloorMode::Ack`] (`ws-floor`): at once, nothing stored: what the websocket, the JSON
//!   and the load generator cost, and nothing else.
//! - [`FloorMode::Fsync`] (`ws-fsync-floor`): once the frame, padded to the bytes partnerhub
//!   stores per edit, is appended to one file and `fdatasync`ed. One writer thread takes
//!   every frame waiting, writes them in one `write` and syncs once per group (as Redis's
//!   `appendfsync always` does per event-loop turn), then answers the group: a durable log
//!   with no hash chain, no index, no validation and no views. The file is first filled with
//!   written zeros (as much as the run will write, at most [`PREFILLED_BYTES`]) and synced, so that a sync within them flushes the
//!   data only, not the file's new size as well (partnerhub's sled log is kept ahead of its
//!   writes the same way; Redis appends).
//! - [`FloorMode::Postgres`] (`ws-postgres-floor`): once the plain PostgreSQL peer's row
//!   (the same table, the same prepared `INSERT` of the padded bytes, one transaction per edit,
//!   `synchronous_commit = on`) is committed, over at most [`super::edits::PEER_CONNECTIONS`]
//!   connections shared by the clients in turn: the PostgreSQL peer behind a websocket.
//!
//! The clients are partnerhub's ([`super::edits`]'s `SocketClient`), so both sides of the
//! connection do the same work as with partnerhub per message.

use std::io::Write;
use std::os::unix::fs::FileExt;
use std::path::Path;
use std::sync::Arc;

use futures_util::{SinkExt, StreamExt};
use serde::{Deserialize, Serialize};
use tokio::io::AsyncReadExt;
use tokio::net::TcpStream;
use tokio::sync::oneshot;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::tungstenite::Message;
use uuid::Uuid;

use super::edits::{open_peer_connections, PeerConnection};
use super::BenchError;

/// What a floor server does before it acknowledges a command.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FloorMode {
    /// Acknowledges at once; stores nothing.
    Ack,
    /// Appends the edit's bytes to a file and syncs it before acknowledging.
    Fsync,
    /// Inserts the edit's bytes as the PostgreSQL peer does before acknowledging.
    Postgres,
}

impl FloorMode {
    /// The system's name in the scenario's tables.
    pub fn system(self) -> &'static str {
        match self {
            FloorMode::Ack => "ws-floor",
            FloorMode::Fsync => "ws-fsync-floor",
            FloorMode::Postgres => "ws-postgres-floor",
        }
    }

    /// The word `edits-floor-server --mode` takes.
    pub fn argument(self) -> &'static str {
        match self {
            FloorMode::Ack => "ack",
            FloorMode::Fsync => "fsync",
            FloorMode::Postgres => "postgres",
        }
    }
}

/// The token a floor server's `hello` carries (it checks none).
const FLOOR_TOKEN: &str = "floor";

/// The most of the durable floor's log file written with zeros before the clients come: more
/// than a three-second run at 256 clients writes; beyond it the file grows as it is written.
pub const PREFILLED_BYTES: u64 = 256 * 1024 * 1024;

/// The read buffer of each connection, as partnerhub's (`hub::connection`).
const READ_BUFFER: usize = 4 * 1024;

/// A frame from a client: its type, and for a command its id (the command itself is read
/// over and not kept).
#[derive(Deserialize)]
struct ClientFrame<'a> {
    #[serde(rename = "type")]
    kind: &'a str,
    #[serde(default)]
    command_id: Option<Uuid>,
    #[serde(default, rename = "command")]
    _command: Option<serde::de::IgnoredAny>,
}

/// An ack of partnerhub's shape (`hub::protocol`'s `ServerMessage::Ack`).
#[derive(Serialize)]
struct AckFrame {
    #[serde(rename = "type")]
    kind: &'static str,
    command_id: Uuid,
    first_position: u64,
    last_position: u64,
    deduplicated: bool,
}

/// What a waiting edit hears from the connection that wrote the group before it.
enum Turn {
    /// Its edit is durable at this position.
    Written(u64),
    /// It writes the next group (the file and its own bytes are handed over).
    Lead(std::fs::File, String),
    /// The log failed.
    Failed(String),
}

/// The durable floor's log file. There is no writer thread: the connection that finds no
/// write in progress writes and syncs, on its own task, its edit and every edit waiting (a
/// group), answers them, and hands the file to the first edit that arrived meanwhile, which
/// writes the next group. A lone client's edit is so written with no hand-off between
/// threads, as Redis writes and syncs on its one thread; concurrent clients share syncs.
struct FloorLog {
    /// Bytes each edit takes.
    edit_bytes: usize,
    state: std::sync::Mutex<LogState>,
}

struct LogState {
    /// The file, when no group is being written.
    file: Option<std::fs::File>,
    /// Where the next group is written.
    offset: u64,
    /// Edits that arrived while a group was being written.
    waiting: std::collections::VecDeque<(String, oneshot::Sender<Turn>)>,
    /// The last position written.
    position: u64,
    /// Why the log stopped, if it did.
    failed: Option<String>,
}

impl FloorLog {
    fn new(file: std::fs::File, edit_bytes: usize) -> Self {
        FloorLog {
            edit_bytes,
            state: std::sync::Mutex::new(LogState {
                file: Some(file),
                offset: 0,
                waiting: std::collections::VecDeque::new(),
                position: 0,
                failed: None,
            }),
        }
    }

    fn state(&self) -> std::sync::MutexGuard<'_, LogState> {
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Appends `bytes` (padded to the edit's size) and returns its position once synced.
    async fn append(&self, bytes: String) -> Result<u64, String> {
        let answered = {
            let mut state = self.state();
            if let Some(reason) = &state.failed {
                return Err(reason.clone());
            }
            match state.file.take() {
                Some(file) => {
                    drop(state);
                    return self.lead(file, bytes);
                }
                None => {
                    let (answer, answered) = oneshot::channel();
                    state.waiting.push_back((bytes, answer));
                    answered
                }
            }
        };
        match answered.await {
            Ok(Turn::Written(position)) => Ok(position),
            Ok(Turn::Lead(file, bytes)) => self.lead(file, bytes),
            Ok(Turn::Failed(reason)) => Err(reason),
            Err(_) => Err("the floor's log stopped".to_owned()),
        }
    }

    /// Writes `own` and every edit waiting as one group, syncs, answers them, and hands the
    /// file on; returns `own`'s position.
    fn lead(&self, file: std::fs::File, own: String) -> Result<u64, String> {
        let (group, offset): (Vec<(String, oneshot::Sender<Turn>)>, u64) = {
            let mut state = self.state();
            (state.waiting.drain(..).collect(), state.offset)
        };
        let mut buffer = Vec::with_capacity((group.len() + 1) * self.edit_bytes);
        for bytes in std::iter::once(&own).chain(group.iter().map(|(bytes, _)| bytes)) {
            let start = buffer.len();
            buffer.extend_from_slice(bytes.as_bytes());
            buffer.resize(start + bytes.len().max(self.edit_bytes), 0);
        }
        let written = file
            .write_all_at(&buffer, offset)
            .and_then(|()| file.sync_data());
        let mut state = self.state();
        state.offset = offset + buffer.len() as u64;
        if let Err(error) = written {
            let reason = format!("the floor's log: {error}");
            state.failed = Some(reason.clone());
            for (_, answer) in group.into_iter().chain(state.waiting.drain(..)) {
                let _ = answer.send(Turn::Failed(reason.clone()));
            }
            return Err(reason);
        }
        state.position += 1;
        let own_position = state.position;
        for (_, answer) in group {
            state.position += 1;
            let _ = answer.send(Turn::Written(state.position));
        }
        // The first edit that arrived meanwhile writes the next group; one whose connection
        // is gone passes its turn on.
        let mut file = Some(file);
        while let Some((bytes, next)) = state.waiting.pop_front() {
            let Some(handed) = file.take() else { break };
            match next.send(Turn::Lead(handed, bytes)) {
                Ok(()) => break,
                Err(Turn::Lead(back, _)) => file = Some(back),
                Err(_) => {}
            }
        }
        if file.is_some() {
            state.file = file;
        }
        Ok(own_position)
    }
}

/// Writes `bytes` of zeros to `file` and syncs it, so that later writes within them change
/// no metadata a sync must flush.
fn prefill(file: &mut std::fs::File, bytes: u64) -> std::io::Result<()> {
    let zeros = vec![0_u8; 1024 * 1024];
    let mut written = 0;
    while written < bytes {
        let chunk = zeros.len().min((bytes - written) as usize);
        file.write_all(&zeros[..chunk])?;
        written += chunk as u64;
    }
    file.sync_all()
}

/// What a floor server does with a command before its ack.
#[derive(Clone)]
enum Durability {
    /// Nothing.
    None,
    /// Appends it to the log file ([`FloorLog`]).
    File(Arc<FloorLog>),
    /// Inserts it over one of these connections.
    Postgres(Arc<Vec<PeerConnection>>),
}

/// The floor server process (`partnerhub-bench edits-floor-server`): listens on a free
/// loopback port, prints `listening <address> <token>`, one line `workspace <id> <organisation
/// id>` for each of `workspaces` clients (ids of nothing: the frames only carry them), then
/// `ready`; serves until its standard input ends. In [`FloorMode::Fsync`] the log file is
/// `directory/floor.log`, its first `prefill_bytes` written with zeros first; in
/// [`FloorMode::Postgres`] the rows go to `postgres`'s schema. Every edit stores `edit_bytes`.
///
/// # Errors
/// Network, file and database failures; [`FloorMode::Postgres`] without `postgres`.
pub async fn serve_floor_until_stdin_ends(
    mode: FloorMode,
    directory: &Path,
    postgres: Option<&str>,
    workspaces: usize,
    (edit_bytes, prefill_bytes): (usize, u64),
) -> Result<(), BenchError> {
    let durability = match mode {
        FloorMode::Ack => Durability::None,
        FloorMode::Postgres => {
            let url = postgres.ok_or_else(|| {
                BenchError::Setup("the PostgreSQL floor needs --store <url>".into())
            })?;
            let connections = workspaces.clamp(1, super::edits::PEER_CONNECTIONS);
            Durability::Postgres(Arc::new(
                open_peer_connections(url, "edits", connections).await?,
            ))
        }
        FloorMode::Fsync => {
            let mut file = std::fs::OpenOptions::new()
                .create(true)
                .write(true)
                .truncate(true)
                .open(directory.join("floor.log"))?;
            prefill(&mut file, prefill_bytes)?;
            Durability::File(Arc::new(FloorLog::new(file, edit_bytes)))
        }
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    println!("listening {} {FLOOR_TOKEN}", listener.local_addr()?);
    for _ in 0..workspaces {
        println!("workspace {} {}", Uuid::new_v4(), Uuid::new_v4());
    }
    println!("ready");
    let shutdown = async {
        let mut input = tokio::io::stdin();
        let mut sink = Vec::new();
        let _ = input.read_to_end(&mut sink).await;
    };
    tokio::pin!(shutdown);
    let mut accepted_connections = 0_usize;
    loop {
        tokio::select! {
            () = &mut shutdown => return Ok(()),
            accepted = listener.accept() => {
                let (stream, _) = accepted?;
                let durability = durability.clone();
                let connection = Connection {
                    number: accepted_connections,
                    stream_id: Uuid::new_v4(),
                    edit_bytes,
                };
                accepted_connections += 1;
                tokio::spawn(async move {
                    if let Err(error) = serve_connection(stream, durability, connection).await {
                        eprintln!("floor connection: {error}");
                    }
                });
            }
        }
    }
}

/// Who one connection is to its floor server.
struct Connection {
    /// Accepted as the how-manieth (from 0): picks its PostgreSQL connection.
    number: usize,
    /// The stream its PostgreSQL rows belong to.
    stream_id: Uuid,
    /// Bytes each edit stores.
    edit_bytes: usize,
}

/// Answers one client: `welcome` to its `hello`, an `ack` to each command once `durability`
/// is done with it.
async fn serve_connection(
    stream: TcpStream,
    durability: Durability,
    connection: Connection,
) -> Result<(), BenchError> {
    stream.set_nodelay(true)?;
    let config = WebSocketConfig::default().read_buffer_size(READ_BUFFER);
    let mut socket = tokio_tungstenite::accept_async_with_config(stream, Some(config)).await?;
    let mut acknowledged = 0_u64;
    while let Some(message) = socket.next().await {
        let text = match message? {
            Message::Text(text) => text,
            Message::Close(_) => break,
            _ => continue,
        };
        let frame: ClientFrame<'_> = serde_json::from_str(text.as_str())
            .map_err(|error| BenchError::Setup(format!("a frame is not a command: {error}")))?;
        let answer = match (frame.kind, frame.command_id) {
            ("hello", _) => r#"{"type":"welcome","protocol":1}"#.to_owned(),
            ("command", Some(command_id)) => {
                acknowledged += 1;
                let position = match &durability {
                    Durability::None => acknowledged,
                    Durability::Postgres(inserts) => {
                        let insert = &inserts[connection.number % inserts.len()];
                        let mut bytes = text.as_str().as_bytes().to_vec();
                        bytes.resize(bytes.len().max(connection.edit_bytes), 0);
                        let version = acknowledged as i64;
                        insert
                            .client
                            .execute(
                                &insert.statement,
                                &[&connection.stream_id, &version, &bytes],
                            )
                            .await
                            .map_err(|error| {
                                BenchError::Setup(format!("PostgreSQL, inserting: {error}"))
                            })?;
                        acknowledged
                    }
                    Durability::File(log) => log
                        .append(text.as_str().to_owned())
                        .await
                        .map_err(BenchError::Setup)?,
                };
                serde_json::to_string(&AckFrame {
                    kind: "ack",
                    command_id,
                    first_position: position,
                    last_position: position,
                    deduplicated: false,
                })
                .map_err(|error| BenchError::Setup(format!("encoding an ack: {error}")))?
            }
            (kind, _) => {
                return Err(BenchError::Setup(format!(
                    "the floor server takes hello and command frames, not {kind:?}"
                )))
            }
        };
        socket.send(Message::text(answer)).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_log_appends_each_edit_padded_and_answers_positions_in_order() {
        let directory = tempfile::tempdir().expect("a scratch directory");
        let path = directory.path().join("floor.log");
        let file = std::fs::File::create(&path).expect("the log file");
        let log = Arc::new(FloorLog::new(file, 32));
        assert_eq!(log.append("short".to_owned()).await, Ok(1));
        let appends: Vec<_> = (0..50)
            .map(|index| {
                let log = log.clone();
                tokio::spawn(async move { log.append(format!("edit {index}")).await })
            })
            .collect();
        let mut positions = Vec::new();
        for append in appends {
            positions.push(append.await.expect("joined").expect("written"));
        }
        positions.sort_unstable();
        assert_eq!(positions, (2..=51).collect::<Vec<u64>>());
        let bytes = std::fs::read(&path).expect("the log");
        assert_eq!(bytes.len(), 51 * 32);
        assert_eq!(log.state().offset, 51 * 32);
        assert!(bytes.starts_with(b"short\0"));
        for position in 2..=51_usize {
            let slot = &bytes[(position - 1) * 32..position * 32];
            assert!(slot.starts_with(b"edit "), "slot {position} holds an edit");
        }
        assert!(
            log.state().file.is_some(),
            "the file is back once nobody waits"
        );
    }

    #[test]
    fn a_command_frame_is_read_for_its_id_and_its_command_scanned() {
        let id = Uuid::new_v4();
        let text = format!(
            r#"{{"type":"command","workspace_id":"{id}","command_id":"{id}","command":{{"type":"x","a":[1,2]}}}}"#
        );
        let frame: ClientFrame<'_> = serde_json::from_str(&text).expect("a command frame");
        assert_eq!((frame.kind, frame.command_id), ("command", Some(id)));
        let broken = r#"{"type":"command","command_id":"00000000-0000-0000-0000-000000000000","command":{"a":}}"#;
        assert!(serde_json::from_str::<ClientFrame<'_>>(broken).is_err());
    }
}
