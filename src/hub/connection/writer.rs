//! The writer half of a connection: one task drains the connection's bounded queue of
//! outgoing frames into the socket, so that nothing else ever waits on a slow client's socket.
//! A subscription that finds the client too slow cancels `too_slow`: the writer then stops
//! waiting for the socket, sends the 4008 close behind what the socket already holds, and ends.
//! Frames that queued up while the writer waited for the socket are written together with
//! one flush.
//!
//! The connection's own task writes its replies (an `ack`, a `pong`, an error) straight into
//! the socket when nothing queued is still unwritten ([`write_now`]): handing a reply to the
//! writer task woke that task, on a 2-core machine often on the other core, for every command
//! (and tungstenite wakes the task that last wrote whenever the socket turns readable, so the
//! writer task was woken again by the client's next command). The socket's sending half is
//! shared behind a lock for that; the writer holds it for each batch.

use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::Poll;
use std::time::Duration;

use axum::extract::ws::{CloseFrame, Message, Utf8Bytes, WebSocket};
use futures_util::stream::SplitSink;
use futures_util::{Sink, SinkExt};
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use super::Outgoing;
use crate::hub::protocol::close_code;

/// The socket's sending half, shared by the writer task and the connection's task.
pub(super) type SharedSink = Arc<tokio::sync::Mutex<SplitSink<WebSocket, Message>>>;

/// What became of a frame offered to [`write_now`].
pub(super) enum WrittenNow {
    /// In the socket.
    Written,
    /// Handed to the socket, which could not take all of it yet: queue an
    /// [`Outgoing::Flush`] so that the writer finishes it.
    Unflushed,
    /// Not written (the writer holds the socket, queued frames are still unwritten, or the
    /// socket is full): queue it.
    NotNow(Utf8Bytes),
    /// The socket failed; the connection's reads will end it.
    Failed,
}

/// Writes `text` into the socket at once when that cannot overtake a queued frame: the
/// writer does not hold the socket and `unwritten` (the [`Outbox`](super::outbox::Outbox)'s
/// count) is zero, so everything queued before this look is in the socket already. Never waits:
/// a socket that cannot take the frame now gives it back.
pub(super) async fn write_now(
    sink: &SharedSink,
    unwritten: &AtomicUsize,
    text: Utf8Bytes,
) -> WrittenNow {
    let Ok(mut sink) = sink.try_lock() else {
        return WrittenNow::NotNow(text);
    };
    if unwritten.load(Ordering::SeqCst) != 0 {
        return WrittenNow::NotNow(text);
    }
    let mut frame = Some(text);
    std::future::poll_fn(|context| {
        let Some(text) = frame.take() else {
            return Poll::Ready(WrittenNow::Failed);
        };
        let mut sink = Pin::new(&mut *sink);
        match sink.as_mut().poll_ready(context) {
            Poll::Pending => return Poll::Ready(WrittenNow::NotNow(text)),
            Poll::Ready(Err(_)) => return Poll::Ready(WrittenNow::Failed),
            Poll::Ready(Ok(())) => {}
        }
        if sink.as_mut().start_send(Message::Text(text)).is_err() {
            return Poll::Ready(WrittenNow::Failed);
        }
        Poll::Ready(match sink.poll_flush(context) {
            Poll::Ready(Ok(())) => WrittenNow::Written,
            Poll::Ready(Err(_)) => WrittenNow::Failed,
            Poll::Pending => WrittenNow::Unflushed,
        })
    })
    .await
}

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
/// wakes are written together, with one flush; `unwritten` (the queue's count) falls by
/// them once they are flushed, with the socket still held.
pub(super) async fn write_frames(
    sink: SharedSink,
    mut outgoing: mpsc::Receiver<Outgoing>,
    unwritten: Arc<AtomicUsize>,
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
                let _ = tokio::time::timeout(Duration::from_secs(30), async {
                    sink.lock().await.send(close).await
                })
                .await;
                return;
            }
            frame = outgoing.recv() => frame,
        };
        let Some(frame) = frame else { break };
        let mut sink = tokio::select! {
            () = too_slow.cancelled() => continue,
            sink = sink.lock() => sink,
        };
        let next = tokio::select! {
            // Stop waiting for a client that does not read; the next turn closes.
            () = too_slow.cancelled() => Next::More,
            (next, taken) = write_batch(&mut sink, frame, &mut outgoing) => {
                unwritten.fetch_sub(taken, Ordering::SeqCst);
                next
            }
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
    let _ = sink.lock().await.close().await;
}

/// Feeds `first` and the frames queued behind it (up to [`BATCH_FRAMES`], stopping before a
/// close) into the socket, then flushes once. Returns what to do next and how many frames it
/// took from the queue.
async fn write_batch(
    sink: &mut SplitSink<WebSocket, Message>,
    first: Outgoing,
    outgoing: &mut mpsc::Receiver<Outgoing>,
) -> (Next, usize) {
    let mut frame = Some(first);
    let mut taken = 0usize;
    let mut fed = 0usize;
    let mut flush = false;
    let mut after = Next::More;
    while let Some(next) = frame.take() {
        taken += 1;
        let message = match next {
            Outgoing::Text(text) => Message::Text(text),
            Outgoing::Ping => Message::Ping(Default::default()),
            // A reply the connection's task wrote that the socket could not take whole.
            Outgoing::Flush => {
                flush = true;
                frame = outgoing.try_recv().ok();
                continue;
            }
            Outgoing::Close(code, reason) => {
                after = Next::Close(code, reason);
                break;
            }
        };
        if sink.feed(message).await.is_err() {
            return (Next::End, taken);
        }
        fed += 1;
        if fed < BATCH_FRAMES {
            frame = outgoing.try_recv().ok();
        }
    }
    if (fed > 0 || flush) && sink.flush().await.is_err() {
        return (Next::End, taken);
    }
    (after, taken)
}
