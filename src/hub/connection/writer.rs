//! The writer half of a connection: one task drains the connection's bounded queue of
//! outgoing frames into the socket, so that nothing else ever waits on a slow client's socket.
//! A subscription that finds the client too slow cancels `too_slow`: the writer then stops
//! waiting for the socket, sends the 4008 close behind what the socket already holds, and ends.

use std::time::Duration;

use axum::extract::ws::{CloseFrame, Message, Utf8Bytes, WebSocket};
use futures_util::stream::SplitSink;
use futures_util::SinkExt;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use super::Outgoing;
use crate::hub::protocol::close_code;

/// Writes the frames of `outgoing` to `sink` until the queue closes, a close is sent, the
/// socket fails, or the client is found too slow.
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
        match frame {
            Outgoing::Text(text) => {
                let sent = tokio::select! {
                    // Stop waiting for a client that does not read; the next turn closes.
                    () = too_slow.cancelled() => true,
                    sent = sink.send(Message::Text(text)) => sent.is_ok(),
                };
                if !sent {
                    return;
                }
            }
            Outgoing::Ping => {
                if sink.send(Message::Ping(Default::default())).await.is_err() {
                    return;
                }
            }
            Outgoing::Close(code, reason) => {
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
