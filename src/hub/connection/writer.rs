//! The writer half of a connection: one task drains the connection's bounded queue of
//! outgoing frames into the socket, so that nothing else ever waits on a slow client's socket.
//! A subscription that finds the client too slow cancels `too_slow`: the writer then stops
//! waiting for the socket, sends the 4008 close behind what the socket already holds, and ends.
//! Frames that queued up while the writer waited for the socket are written together with
//! one flush.

use std::time::Duration;

use axum::extract::ws::{CloseFrame, Message, Utf8Bytes, WebSocket};
use futures_util::stream::SplitSink;
use futures_util::SinkExt;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use super::Outgoing;
use crate::hub::protocol::close_code;

/// At most this many queued frames are written with one flush: a connection that fell
/// behind catches up with one system call per socket buffer's worth of frames, not one per
/// frame.
const BATCH_FRAMES: usize = 64;

/// What the writer does after a batch.
enum Next {
    /// Wait for more frames.
    More,
    /// Send this close (after the frames before it), then end.
    Close(u16, String),
    /// The socket failed: end.
    End,
}

/// Writes the frames of `outgoing` to `sink` until the queue closes, a close is sent, the
/// socket fails, or the client is found too slow. The frames already queued when the writer
/// wakes are written together, with one flush.
pub(super) async fn write_frames(
    mut sink: SplitSink<WebSocket, Message>,
    mut outgoing: mpsc::Receiver<Outgoing>,
    too_slow: CancellationToken,
) {
    loop {
        let frame = tokio::select! {
            // Checked first: once the session has ended the queue is closed too, and a
            // random pick of that branch would close without saying why (1005).
            biased;
            () = too_slow.cancelled() => {
                let close = Message::Close(Some(CloseFrame {
                    code: close_code::TOO_SLOW,
                    reason: Utf8Bytes::from_static("you could not keep up with the workspace's events; reconnect and resume after your last position"),
                }));
                // It lands behind what the socket holds; a client that reads again within
                // half a minute learns why, one that does not is dropped.
                let _ = tokio::time::timeout(Duration::from_secs(30), sink.send(close)).await;
                return;
            }
            frame = outgoing.recv() => frame,
        };
        let Some(frame) = frame else { break };
        let next = tokio::select! {
            // Stop waiting for a client that does not read; the next turn closes.
            () = too_slow.cancelled() => Next::More,
            next = write_batch(&mut sink, frame, &mut outgoing) => next,
        };
        match next {
            Next::More => {}
            Next::End => return,
            Next::Close(code, reason) => {
                let _ = sink
                    .send(Message::Close(Some(CloseFrame {
                        code,
                        reason: Utf8Bytes::from(reason),
                    })))
                    .await;
                return;
            }
        }
    }
    let _ = sink.close().await;
}

/// Feeds `first` and the frames queued behind it (up to [`BATCH_FRAMES`], stopping before a
/// close) into the socket, then flushes once.
async fn write_batch(
    sink: &mut SplitSink<WebSocket, Message>,
    first: Outgoing,
    outgoing: &mut mpsc::Receiver<Outgoing>,
) -> Next {
    let mut frame = Some(first);
    let mut fed = 0usize;
    let mut after = Next::More;
    while let Some(next) = frame.take() {
        let message = match next {
            Outgoing::Text(text) => Message::Text(text),
            Outgoing::Ping => Message::Ping(Default::default()),
            Outgoing::Close(code, reason) => {
                after = Next::Close(code, reason);
                break;
            }
        };
        if sink.feed(message).await.is_err() {
            return Next::End;
        }
        fed += 1;
        if fed < BATCH_FRAMES {
            frame = outgoing.try_recv().ok();
        }
    }
    if fed > 0 && sink.flush().await.is_err() {
        return Next::End;
    }
    after
}
