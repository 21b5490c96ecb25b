//! Following the log: catch up from the store, then go live, with no gap and no duplicate.
//!
//! A [`Subscription`] subscribes to the store's live events *before* it reads anything, so an
//! event made durable while it catches up is either read from the store or received live
//! (usually both; the copy at or below the last delivered position is dropped). When the live
//! channel skips ahead (a lagging receiver, or a live event beyond the next wanted position) it
//! goes back to reading the store from the next wanted position. A slow subscriber therefore
//! still gets every event, in order, and never holds more than the live channel's capacity.

use std::sync::Arc;

use tokio::sync::broadcast::{self, error::RecvError};

use super::{EventStore, Position, RecordedEvent, StoreError, READ_PAGE};

/// A reader of the log from a position on, forever.
pub struct Subscription {
    store: Arc<dyn EventStore>,
    live: broadcast::Receiver<Arc<RecordedEvent>>,
    /// The position the next event handed out must have.
    next_position: Position,
    /// Events read from the store, not yet handed out.
    buffer: std::collections::VecDeque<Arc<RecordedEvent>>,
    /// Whether the next events come from the store rather than the live channel.
    catching_up: bool,
}

impl Subscription {
    /// Follows `store` from `from_position` (1 is the first event; a client resuming after
    /// position `p` passes `p + 1`).
    pub fn new(store: Arc<dyn EventStore>, from_position: Position) -> Self {
        let live = store.live_events();
        Subscription {
            store,
            live,
            next_position: from_position.max(1),
            buffer: std::collections::VecDeque::new(),
            catching_up: true,
        }
    }

    /// The position the next event will have.
    pub fn next_position(&self) -> Position {
        self.next_position
    }

    /// Waits for the next event.
    ///
    /// # Returns
    /// `None` once the store has shut down and every durable event was handed out, so tasks
    /// that follow the log end with the store.
    ///
    /// # Errors
    /// Store read failures while catching up; the subscription may be polled again.
    pub async fn next(&mut self) -> Option<Result<Arc<RecordedEvent>, StoreError>> {
        loop {
            if let Some(event) = self.buffer.pop_front() {
                self.next_position = event.position + 1;
                return Some(Ok(event));
            }
            if self.catching_up {
                match self.store.read_all(self.next_position, READ_PAGE).await {
                    Ok(page) if page.is_empty() => self.catching_up = false,
                    Ok(page) => self.buffer.extend(page.into_iter().map(Arc::new)),
                    Err(error) => return Some(Err(error)),
                }
                continue;
            }
            match self.live.recv().await {
                Ok(event) if event.position < self.next_position => continue,
                Ok(event) if event.position == self.next_position => {
                    self.next_position += 1;
                    return Some(Ok(event));
                }
                Ok(_) | Err(RecvError::Lagged(_)) => self.catching_up = true,
                Err(RecvError::Closed) => {
                    // The writer is gone; hand out whatever became durable before it stopped.
                    if self.store.head_position() >= self.next_position {
                        self.catching_up = true;
                    } else {
                        return None;
                    }
                }
            }
        }
    }
}
