//! The websocket subscriber every scenario drives the same way, against the real server and
//! against the bare baseline alike: connect, `hello`, `subscribe`, then read event frames,
//! noting for each its latency (from the send time the note's text carries to its receipt)
//! and whether it came in order.

use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

use super::BenchError;

/// A client's websocket.
pub(crate) type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// How many subscribers connect at once while the clients are being set up.
const CONNECT_CONCURRENCY: usize = 64;
/// How long a client waits for the answer to `hello` or `subscribe`.
const ANSWER_TIMEOUT: Duration = Duration::from_secs(60);

/// tungstenite's default read buffer: it zero-fills all of it before its first read, so every
/// connection keeps this much resident.
pub(crate) const DEFAULT_READ_BUFFER: usize = 128 * 1024;

/// Connects to `url` with a read buffer of `read_buffer` bytes, says hello with `token` and
/// subscribes to `workspace_id` from now on.
///
/// # Errors
/// Connection failures, a refused hello or subscription, no answer in time.
pub(crate) async fn subscribe(
    url: &str,
    token: &str,
    workspace_id: Uuid,
    read_buffer: usize,
) -> Result<Socket, BenchError> {
    let mut socket = hello(url, token, read_buffer).await?;
    socket
        .send(Message::text(
            json!({"type": "subscribe", "workspace_id": workspace_id}).to_string(),
        ))
        .await?;
    expect(&mut socket, "subscribed").await?;
    Ok(socket)
}

/// Connects to `url` with a read buffer of `read_buffer` bytes and says hello with `token`
/// (the connection of a writer, which subscribes to nothing).
///
/// # Errors
/// Connection failures, a refused hello, no answer in time.
pub(crate) async fn hello(
    url: &str,
    token: &str,
    read_buffer: usize,
) -> Result<Socket, BenchError> {
    let config = WebSocketConfig::default().read_buffer_size(read_buffer);
    let (mut socket, _) =
        tokio_tungstenite::connect_async_with_config(url, Some(config), true).await?;
    socket
        .send(Message::text(
            json!({"type": "hello", "token": token}).to_string(),
        ))
        .await?;
    expect(&mut socket, "welcome").await?;
    Ok(socket)
}

/// Opens `count` subscriptions with read buffers of `read_buffer` bytes, a few at a time;
/// `progress` hears how many are open.
///
/// # Errors
/// The first client that cannot connect or subscribe.
pub(crate) async fn connect_all(
    url: &str,
    token: &str,
    workspace_id: Uuid,
    (count, read_buffer): (usize, usize),
    progress: &mut (dyn FnMut(usize) + Send),
) -> Result<Vec<Socket>, BenchError> {
    let connecting = futures_util::stream::iter(0..count)
        .map(|_| subscribe(url, token, workspace_id, read_buffer))
        .buffer_unordered(CONNECT_CONCURRENCY);
    futures_util::pin_mut!(connecting);
    let mut sockets = Vec::with_capacity(count);
    while let Some(socket) = connecting.next().await {
        sockets.push(socket?);
        progress(sockets.len());
    }
    Ok(sockets)
}

/// Waits for a frame of type `kind`, skipping presence and other frames.
async fn expect(socket: &mut Socket, kind: &str) -> Result<Value, BenchError> {
    let deadline = tokio::time::Instant::now() + ANSWER_TIMEOUT;
    loop {
        let frame = tokio::time::timeout_at(deadline, socket.next())
            .await
            .map_err(|_| BenchError::Setup(format!("no `{kind}` within {ANSWER_TIMEOUT:?}")))?;
        match frame {
            Some(Ok(Message::Text(text))) => {
                let value: Value = serde_json::from_str(text.as_str())
                    .map_err(|error| BenchError::Setup(format!("a frame is not JSON: {error}")))?;
                if value["type"] == kind {
                    return Ok(value);
                }
                if value["type"] == "error" {
                    return Err(BenchError::Setup(format!(
                        "the server refused while waiting for `{kind}`: {}",
                        value["error"]
                    )));
                }
            }
            Some(Ok(Message::Close(frame))) => {
                return Err(BenchError::Setup(format!(
                    "closed while waiting for `{kind}`: {frame:?}"
                )))
            }
            Some(Ok(_)) => {}
            Some(Err(error)) => return Err(error.into()),
            None => {
                return Err(BenchError::Setup(format!(
                    "the connection ended while waiting for `{kind}`"
                )))
            }
        }
    }
}

/// The text a measured note carries: its sequence number and the time it was sent (in
/// microseconds on the benchmark's clock), fixed width so every frame has the same size.
pub(crate) fn stamp(sequence: u64, sent: Duration) -> String {
    format!("fanout {sequence:08} {:014}", sent.as_micros())
}

/// Reads a [`stamp`] back.
fn read_stamp(text: &str) -> Option<(u64, u64)> {
    let mut parts = text.strip_prefix("fanout ")?.split(' ');
    let sequence = parts.next()?.parse().ok()?;
    let sent = parts.next()?.parse().ok()?;
    Some((sequence, sent))
}

/// What one subscriber saw.
#[derive(Debug, Default)]
pub(crate) struct Tally {
    /// Latency of every event received.
    pub(crate) latencies: Vec<Duration>,
    /// Events received.
    pub(crate) received: u64,
    /// Events never received (gaps in the sequence, and the missing end).
    pub(crate) missed: u64,
    /// Events received after a later one (or twice).
    pub(crate) reordered: u64,
    /// The largest event frame, in bytes.
    pub(crate) frame_bytes: usize,
    /// The connection ended before the last event.
    pub(crate) closed_early: bool,
}

impl Tally {
    /// Counts `text`, received at `received_at`, if it is an event frame carrying a
    /// [`stamp`]; `next` is the sequence number expected next, moved on past it.
    pub(crate) fn count(&mut self, text: &str, received_at: Duration, next: &mut u64) {
        let Ok(value) = serde_json::from_str::<Value>(text) else {
            return;
        };
        if value["type"] != "event" {
            return;
        }
        let Some((sequence, sent_micros)) = value["payload"]["text"].as_str().and_then(read_stamp)
        else {
            return;
        };
        self.received += 1;
        self.frame_bytes = self.frame_bytes.max(text.len());
        self.latencies
            .push(received_at.saturating_sub(Duration::from_micros(sent_micros)));
        if sequence == *next {
            *next += 1;
        } else if sequence > *next {
            self.missed += sequence - *next;
            *next = sequence + 1;
        } else {
            self.reordered += 1;
        }
    }

    /// A tally ready for `expected` events.
    pub(crate) fn expecting(expected: u64) -> Tally {
        Tally {
            latencies: Vec::with_capacity(expected as usize),
            ..Tally::default()
        }
    }
}

/// Reads event frames until the one with sequence number `expected - 1` (or any later one)
/// has come, or `stop` is cancelled, or the connection ends. Returns the tally and the socket,
/// still open, so that closing it does not disturb subscribers still receiving.
pub(crate) async fn follow(
    mut socket: Socket,
    clock: Instant,
    expected: u64,
    stop: CancellationToken,
) -> (Tally, Socket) {
    let mut tally = Tally::expecting(expected);
    let mut next = 0u64;
    while next < expected {
        let frame = tokio::select! {
            () = stop.cancelled() => break,
            frame = socket.next() => frame,
        };
        let received_at = clock.elapsed();
        match frame {
            Some(Ok(Message::Text(text))) => tally.count(text.as_str(), received_at, &mut next),
            Some(Ok(Message::Close(_))) | Some(Err(_)) | None => {
                tally.closed_early = true;
                break;
            }
            Some(Ok(_)) => {}
        }
    }
    tally.missed += expected.saturating_sub(next);
    (tally, socket)
}

/// Holds an idle subscription: reads (so pings are answered) until `stop` is cancelled or
/// the connection ends, then closes. Returns whether it was still open at the stop.
pub(crate) async fn hold(mut socket: Socket, stop: CancellationToken) -> bool {
    loop {
        let frame = tokio::select! {
            () = stop.cancelled() => break,
            frame = socket.next() => frame,
        };
        match frame {
            Some(Ok(Message::Close(_))) | Some(Err(_)) | None => return false,
            Some(Ok(_)) => {}
        }
    }
    let _ = tokio::time::timeout(Duration::from_secs(5), socket.close(None)).await;
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stamps_have_a_fixed_width_and_read_back() {
        let first = stamp(0, Duration::from_micros(5));
        let later = stamp(1234, Duration::from_secs(86_400));
        assert_eq!(first.len(), later.len());
        assert_eq!(read_stamp(&later), Some((1234, 86_400_000_000)));
        assert_eq!(read_stamp("a note"), None);
    }
}
