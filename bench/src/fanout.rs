//! Scenario 2: fan-out. One workspace, N websocket subscribers on loopback, a writer adding a
//! note to a workshop board 20 times a second (a lively workshop); the latency from the
//! append call to the receipt at every subscriber, and whether any subscriber missed or
//! reordered an event.
//!
//! The floor, measured in the same run with the same clients driven the same way: a bare
//! tokio-tungstenite server in this process that answers `hello` and `subscribe` and then
//! broadcasts frames of the same byte size at the same rate (one task per connection reading
//! a `tokio::sync::broadcast` channel, fed from a thread outside the runtime as the log's
//! flusher thread feeds the server's subscriptions). The server under test instead decides
//! and appends each note durably, then every subscription task follows the log, filters the
//! event for its viewer, takes the event's frame (encoded once, shared by every connection)
//! and queues it for that connection's writer task.
//!
//! Clients and servers share this process and its two cores, as they do in the floor.

use std::path::Path;
use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use serde::Serialize;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::broadcast;
use tokio::task::{JoinHandle, JoinSet};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::WebSocketStream;
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

use super::client::{self, Socket, Tally};
use super::live::{LiveServer, ACTOR};
use super::{BenchError, Latency};
use partnerhub::domain::events::DomainEvent;
use partnerhub::domain::vocabulary::Zone;
use partnerhub::domain::Command;
use partnerhub::hub::protocol::ServerMessage;
use partnerhub::store::envelope;

/// Notes per second the writer adds (a lively workshop).
pub const RATE_PER_S: f64 = 20.0;
/// How long subscribers may take to receive the last event once the writer is done.
const DRAIN: Duration = Duration::from_secs(30);
/// The issue's bar: p99 at most this many times the floor's.
const BAR_RATIO: f64 = 1.5;

/// What the subscribers of one configuration saw, all together.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct FanoutFigures {
    /// Latency from the append (or broadcast) call to the receipt at each subscriber, over
    /// every event at every subscriber.
    #[serde(flatten)]
    pub latency: Latency,
    /// Bytes of one event frame.
    pub frame_bytes: usize,
    /// Events received, summed over the subscribers.
    pub received: u64,
    /// Events some subscriber never received, summed over the subscribers.
    pub missed: u64,
    /// Events some subscriber received after a later one, summed over the subscribers.
    pub reordered: u64,
    /// Subscribers whose connection ended before the last event.
    pub closed_early: usize,
    /// Seconds it took to connect, authenticate and subscribe every client.
    pub connect_s: f64,
}

/// One measured configuration of the fan-out scenario.
#[derive(Debug, Clone, Serialize)]
pub struct FanoutResult {
    /// Always `fanout`.
    pub scenario: &'static str,
    /// Websocket subscribers.
    pub subscribers: usize,
    /// Events the writer appended (and the baseline broadcast).
    pub events: u64,
    /// The writer's rate, events per second.
    pub rate_per_s: f64,
    /// The server's figures.
    #[serde(flatten)]
    pub measured: FanoutFigures,
    /// The writer's own latency: the command from its call to its acknowledgement.
    pub append: Latency,
    /// The floor: a bare tokio-tungstenite broadcast to the same number of clients.
    pub baseline_bare_broadcast: FanoutFigures,
    /// `p50_ms` divided by the floor's.
    pub ratio_p50_to_floor: f64,
    /// `p99_ms` divided by the floor's.
    pub ratio_p99_to_floor: f64,
    /// The bar of the issue.
    pub bar: String,
    /// Whether the bar was met.
    pub bar_met: bool,
}

impl FanoutResult {
    /// The header of [`FanoutResult::table_row`].
    pub fn table_header() -> String {
        format!(
            "{:>11}  {:>6}  {:>7}  {:>8}  {:>8}  {:>8}  {:>6}  {:>6}  {:>9}  {:>9}  {:>9}  {:>6}  {:>6}  {:>9}  bar",
            "subscribers", "events", "frame B", "p50 ms", "p99 ms", "max ms", "missed", "reord",
            "floor p50", "floor p99", "floor max", "x p50", "x p99", "append p99"
        )
    }

    /// One line of a table for people.
    pub fn table_row(&self) -> String {
        let floor = &self.baseline_bare_broadcast;
        format!(
            "{:>11}  {:>6}  {:>7}  {:>8.2}  {:>8.2}  {:>8.2}  {:>6}  {:>6}  {:>9.2}  {:>9.2}  {:>9.2}  {:>6.2}  {:>6.2}  {:>9.2}  {} {}",
            self.subscribers,
            self.events,
            self.measured.frame_bytes,
            self.measured.latency.p50_ms,
            self.measured.latency.p99_ms,
            self.measured.latency.max_ms,
            self.measured.missed,
            self.measured.reordered,
            floor.latency.p50_ms,
            floor.latency.p99_ms,
            floor.latency.max_ms,
            self.ratio_p50_to_floor,
            self.ratio_p99_to_floor,
            self.append.p99_ms,
            if self.bar_met { "met" } else { "NOT MET" },
            self.bar,
        )
    }
}

/// Scenario 2 for each subscriber count in `subscriber_counts`, `seconds` of writing each.
/// The server's scratch stores go under `scratch_parent` and are removed afterwards. `report`
/// receives each result as soon as it is measured.
///
/// # Errors
/// Setup, socket and store failures (a client that cannot connect fails the configuration:
/// raise the open-file limit).
pub async fn fanout(
    scratch_parent: &Path,
    subscriber_counts: &[usize],
    seconds: u64,
    report: &mut (dyn FnMut(&FanoutResult) + Send),
) -> Result<Vec<FanoutResult>, BenchError> {
    let events = ((RATE_PER_S * seconds as f64).round() as u64).max(1);
    let mut results = Vec::new();
    for &subscribers in subscriber_counts {
        let clock = Instant::now();
        let (measured, append) = measure_server(scratch_parent, subscribers, events, clock).await?;
        let floor = measure_bare(subscribers, events, measured.frame_bytes, clock).await?;
        let ratio_p50 = measured.latency.p50_ms / floor.latency.p50_ms.max(f64::MIN_POSITIVE);
        let ratio_p99 = measured.latency.p99_ms / floor.latency.p99_ms.max(f64::MIN_POSITIVE);
        let complete = measured.missed == 0 && measured.reordered == 0;
        let result = FanoutResult {
            scenario: "fanout",
            subscribers,
            events,
            rate_per_s: RATE_PER_S,
            measured,
            append,
            baseline_bare_broadcast: floor,
            ratio_p50_to_floor: ratio_p50,
            ratio_p99_to_floor: ratio_p99,
            bar: format!("p99 ≤ {BAR_RATIO}x the floor; no event missed or reordered"),
            bar_met: ratio_p99 <= BAR_RATIO && complete,
        };
        report(&result);
        results.push(result);
    }
    Ok(results)
}

/// Subscribers following `expected` events, each a task that returns its tally and its
/// connection (`S`, closed only once every subscriber is done); stopped when dropped.
pub(super) struct Followers<S = Socket> {
    tasks: Vec<JoinHandle<(Tally, S)>>,
    stop: CancellationToken,
    _stop_on_drop: tokio_util::sync::DropGuard,
}

impl Followers {
    fn spawn(sockets: Vec<Socket>, clock: Instant, expected: u64) -> Followers {
        Followers::spawn_with(sockets, |socket, stop| {
            client::follow(socket, clock, expected, stop)
        })
    }
}

impl<S: Send + 'static> Followers<S> {
    /// One task per connection of `connections`, running `follow` on it with the stop
    /// signal.
    pub(super) fn spawn_with<C, F>(
        connections: Vec<C>,
        mut follow: impl FnMut(C, CancellationToken) -> F,
    ) -> Followers<S>
    where
        F: std::future::Future<Output = (Tally, S)> + Send + 'static,
    {
        let stop = CancellationToken::new();
        let tasks = connections
            .into_iter()
            .map(|connection| tokio::spawn(follow(connection, stop.clone())))
            .collect();
        Followers {
            tasks,
            _stop_on_drop: stop.clone().drop_guard(),
            stop,
        }
    }

    /// Waits (at most [`DRAIN`]) for every subscriber to receive the last event, then adds
    /// up what they saw. The sockets are closed only after every subscriber is done.
    pub(super) async fn finish(self, connect_s: f64) -> Result<FanoutFigures, BenchError> {
        let stop = self.stop.clone();
        let deadline = tokio::spawn(async move {
            tokio::time::sleep(DRAIN).await;
            stop.cancel();
        });
        let mut latencies = Vec::new();
        let mut figures = FanoutFigures {
            latency: Latency::default(),
            frame_bytes: 0,
            received: 0,
            missed: 0,
            reordered: 0,
            closed_early: 0,
            connect_s,
        };
        let mut sockets = Vec::with_capacity(self.tasks.len());
        for task in self.tasks {
            let (tally, socket) = task.await?;
            latencies.extend(tally.latencies);
            figures.frame_bytes = figures.frame_bytes.max(tally.frame_bytes);
            figures.received += tally.received;
            figures.missed += tally.missed;
            figures.reordered += tally.reordered;
            figures.closed_early += usize::from(tally.closed_early);
            sockets.push(socket);
        }
        deadline.abort();
        drop(sockets);
        figures.latency = Latency::of(&mut latencies);
        Ok(figures)
    }
}

/// The real server: N subscribers, a writer running `AddNote` commands at the rate.
pub(super) async fn measure_server(
    scratch_parent: &Path,
    subscribers: usize,
    events: u64,
    clock: Instant,
) -> Result<(FanoutFigures, Latency), BenchError> {
    let server = LiveServer::start(scratch_parent, "fanout").await?;
    let measured = measure_nodes(&server, &[&server], subscribers, events, clock).await;
    server.stop().await?;
    measured
}

/// N subscribers split evenly over `nodes` (servers sharing one log), and a writer running
/// `AddNote` commands at the rate through `writer`.
pub(super) async fn measure_nodes(
    writer: &LiveServer,
    nodes: &[&LiveServer],
    subscribers: usize,
    events: u64,
    clock: Instant,
) -> Result<(FanoutFigures, Latency), BenchError> {
    let connecting = Instant::now();
    let mut sockets = Vec::with_capacity(subscribers);
    let node_count = nodes.len().max(1);
    for (index, node) in nodes.iter().enumerate() {
        // The first nodes take the remainder.
        let share = subscribers / node_count + usize::from(index < subscribers % node_count);
        sockets.extend(
            client::connect_all(
                &node.websocket_url(),
                &node.token,
                writer.workspace_id,
                (share, client::DEFAULT_READ_BUFFER),
                &mut |_| {},
            )
            .await?,
        );
    }
    let connect_s = connecting.elapsed().as_secs_f64();
    let followers = Followers::spawn(sockets, clock, events);
    let mut ticks = tokio::time::interval(Duration::from_secs_f64(1.0 / RATE_PER_S));
    let mut append = Vec::with_capacity(events as usize);
    for sequence in 0..events {
        ticks.tick().await;
        let call = Instant::now();
        writer
            .run(Command::AddNote {
                board_id: writer.board_id,
                note_id: Uuid::new_v4(),
                text: client::stamp(sequence, clock.elapsed()),
                zone: Zone::default(),
                x: (sequence % 40) as i32 * 24,
                y: (sequence / 40 % 30) as i32 * 24,
                colour: None,
            })
            .await?;
        append.push(call.elapsed());
    }
    let figures = followers.finish(connect_s).await?;
    Ok((figures, Latency::of(&mut append)))
}

/// The floor: a bare tokio-tungstenite broadcast of frames of `frame_bytes` bytes.
pub(super) async fn measure_bare(
    subscribers: usize,
    events: u64,
    frame_bytes: usize,
    clock: Instant,
) -> Result<FanoutFigures, BenchError> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("ws://{}/ws", listener.local_addr()?);
    let (frames, _) = broadcast::channel::<Message>(1024);
    let accepting = tokio::spawn(accept_bare(listener, frames.clone()));
    let workspace_id = Uuid::new_v4();
    let connecting = Instant::now();
    let sockets = client::connect_all(
        &url,
        "bench",
        workspace_id,
        (subscribers, client::DEFAULT_READ_BUFFER),
        &mut |_| {},
    )
    .await;
    let sockets = match sockets {
        Ok(sockets) => sockets,
        Err(error) => {
            accepting.abort();
            return Err(error);
        }
    };
    let connect_s = connecting.elapsed().as_secs_f64();
    let followers = Followers::spawn(sockets, clock, events);
    // Broadcast from a thread outside the runtime, as the log's flusher thread publishes
    // the server's events: waking the subscribers from a runtime thread would queue them all
    // on that one worker and make the floor slower than the server.
    let broadcaster = tokio::task::spawn_blocking(move || {
        let start = Instant::now();
        for sequence in 0..events {
            let due = start + Duration::from_secs_f64(sequence as f64 / RATE_PER_S);
            std::thread::sleep(due.saturating_duration_since(Instant::now()));
            let frame = bare_frame(workspace_id, sequence, clock.elapsed(), frame_bytes);
            // No receiver is not an error here: the tally shows what was missed.
            let _ = frames.send(Message::text(frame));
        }
    });
    if let Err(error) = broadcaster.await {
        accepting.abort();
        return Err(error.into());
    }
    let figures = followers.finish(connect_s).await;
    accepting.abort();
    figures
}

/// An event frame as the server would send it for a note, padded to `size` bytes.
pub(super) fn bare_frame(workspace_id: Uuid, sequence: u64, sent: Duration, size: usize) -> String {
    let mut text = client::stamp(sequence, sent);
    let encode = |text: &str| {
        let note = DomainEvent::NoteAdded {
            board_id: workspace_id,
            note_id: Uuid::new_v4(),
            text: text.to_owned(),
            zone: Zone::default(),
            x: 0,
            y: 0,
            colour: "#ffd54f".into(),
        };
        let payload = envelope::into_parts(&note)
            .map(|(_, payload)| payload)
            .unwrap_or_default();
        serde_json::to_string(&ServerMessage::Event {
            workspace_id,
            position: sequence + 4,
            version: sequence + 3,
            event_type: "NoteAdded".into(),
            payload,
            actor: Some(ACTOR.into()),
            recorded_at: chrono::Utc::now(),
            command_id: Uuid::new_v4(),
        })
        .unwrap_or_default()
    };
    let frame = encode(&text);
    if frame.len() >= size {
        return frame;
    }
    // Padding after a space: the stamp reads only the first two words.
    text.push(' ');
    text.push_str(&"x".repeat(size - frame.len() - 1));
    encode(&text)
}

/// Accepts connections for the bare broadcast until aborted (which ends them all).
async fn accept_bare(listener: TcpListener, frames: broadcast::Sender<Message>) {
    let mut connections = JoinSet::new();
    while let Ok((stream, _)) = listener.accept().await {
        connections.spawn(bare_connection(stream, frames.clone()));
        // Reap finished connections so the set does not grow.
        while connections.try_join_next().is_some() {}
    }
}

/// One bare connection: answers `hello` and `subscribe` like the protocol, then writes every
/// broadcast frame.
async fn bare_connection(stream: TcpStream, frames: broadcast::Sender<Message>) {
    let Ok(mut socket) = tokio_tungstenite::accept_async(stream).await else {
        return;
    };
    if !next_text(&mut socket).await
        || socket
            .send(Message::text(r#"{"type":"welcome"}"#))
            .await
            .is_err()
        || !next_text(&mut socket).await
    {
        return;
    }
    // Subscribed to the broadcast before answering, as the real server follows the log.
    let receiver = frames.subscribe();
    if socket
        .send(Message::text(r#"{"type":"subscribed"}"#))
        .await
        .is_err()
    {
        return;
    }
    relay(socket, receiver).await;
}

/// Waits for the client's next text frame; false if the connection ended first.
async fn next_text(socket: &mut WebSocketStream<TcpStream>) -> bool {
    loop {
        match socket.next().await {
            Some(Ok(Message::Text(_))) => return true,
            Some(Ok(_)) => {}
            _ => return false,
        }
    }
}

/// Writes every broadcast frame until the client goes away. The socket is read in a task of
/// its own, as the server's connections do: re-polling the reader after every frame would
/// make tungstenite zero its 128 KiB read buffer once per frame.
async fn relay(socket: WebSocketStream<TcpStream>, mut frames: broadcast::Receiver<Message>) {
    let (mut sink, mut stream) = socket.split();
    let reader = tokio::spawn(async move {
        while let Some(Ok(message)) = stream.next().await {
            if matches!(message, Message::Close(_)) {
                break;
            }
        }
    });
    loop {
        match frames.recv().await {
            Ok(frame) => {
                if sink.send(frame).await.is_err() {
                    break;
                }
            }
            Err(broadcast::error::RecvError::Lagged(_)) => {}
            Err(broadcast::error::RecvError::Closed) => break,
        }
        if reader.is_finished() {
            break;
        }
    }
    reader.abort();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bare_frames_are_padded_to_the_size_asked_for() {
        let small = bare_frame(Uuid::nil(), 3, Duration::from_millis(7), 0);
        let padded = bare_frame(Uuid::nil(), 3, Duration::from_millis(7), small.len() + 40);
        assert_eq!(padded.len(), small.len() + 40);
        let value: serde_json::Value = serde_json::from_str(&padded).unwrap_or_default();
        assert_eq!(value["type"], "event");
        assert!(value["payload"]["text"]
            .as_str()
            .is_some_and(|text| text.starts_with("fanout 00000003 ")));
    }
}
