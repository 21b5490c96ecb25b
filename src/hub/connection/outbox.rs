//! A connection's outgoing queue, counting the frames put into it that the writer has not yet
//! written: the count is what lets the connection's own task write a reply straight into the
//! socket ([`super::writer::write_now`]) without overtaking anything queued before it.
//!
//! Every frame is counted before it enters the queue and uncounted by the writer only once it
//! is written and flushed (or when it never entered: the queue was full or closed). So a task
//! that holds the socket and reads a count of zero knows that every frame queued before its
//! look (by any task: a subscription's events, the fan-out's, its own earlier replies) is in
//! the socket already, and that a reply it writes now lands behind all of them.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use tokio::sync::mpsc::{self, error::SendError, error::TrySendError};

use super::Outgoing;

/// The sending side of a connection's outgoing queue.
#[derive(Clone)]
pub(crate) struct Outbox {
    queue: mpsc::Sender<Outgoing>,
    unwritten: Arc<AtomicUsize>,
}

/// An [`Outbox`] that does not keep the queue open (the fan-out's hold on a member).
pub(crate) struct WeakOutbox {
    queue: mpsc::WeakSender<Outgoing>,
    unwritten: Arc<AtomicUsize>,
}

/// Uncounts a frame unless it entered the queue.
struct Counted<'a> {
    unwritten: &'a AtomicUsize,
    queued: bool,
}

impl Drop for Counted<'_> {
    fn drop(&mut self) {
        if !self.queued {
            self.unwritten.fetch_sub(1, Ordering::SeqCst);
        }
    }
}

impl Outbox {
    /// A queue of `capacity` frames: its sending side, and the receiving side for the writer.
    pub(super) fn channel(capacity: usize) -> (Outbox, mpsc::Receiver<Outgoing>) {
        let (queue, receiver) = mpsc::channel(capacity);
        let outbox = Outbox {
            queue,
            unwritten: Arc::new(AtomicUsize::new(0)),
        };
        (outbox, receiver)
    }

    /// Queues `frame`, waiting for room. Dropped before it is queued (a timeout), the frame
    /// is not counted.
    pub(crate) async fn send(&self, frame: Outgoing) -> Result<(), SendError<Outgoing>> {
        self.unwritten.fetch_add(1, Ordering::SeqCst);
        let mut counted = Counted {
            unwritten: &self.unwritten,
            queued: false,
        };
        let sent = self.queue.send(frame).await;
        counted.queued = sent.is_ok();
        sent
    }

    /// Queues `frame` if there is room.
    pub(crate) fn try_send(&self, frame: Outgoing) -> Result<(), TrySendError<Outgoing>> {
        self.unwritten.fetch_add(1, Ordering::SeqCst);
        let sent = self.queue.try_send(frame);
        if sent.is_err() {
            self.unwritten.fetch_sub(1, Ordering::SeqCst);
        }
        sent
    }

    /// A handle that does not keep the queue open.
    pub(crate) fn downgrade(&self) -> WeakOutbox {
        WeakOutbox {
            queue: self.queue.downgrade(),
            unwritten: self.unwritten.clone(),
        }
    }

    /// The count of queued frames not yet written, shared with the writer.
    pub(super) fn unwritten(&self) -> &Arc<AtomicUsize> {
        &self.unwritten
    }
}

impl WeakOutbox {
    /// The outbox, while anyone else still holds it open.
    pub(crate) fn upgrade(&self) -> Option<Outbox> {
        Some(Outbox {
            queue: self.queue.upgrade()?,
            unwritten: self.unwritten.clone(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(body: &'static str) -> Outgoing {
        Outgoing::Text(body.into())
    }

    #[tokio::test]
    async fn a_frame_counts_from_its_queueing_until_the_writer_uncounts_it() {
        let (outbox, mut receiver) = Outbox::channel(1);
        assert_eq!(outbox.unwritten().load(Ordering::SeqCst), 0);
        outbox.try_send(text("one")).expect("room for one");
        assert_eq!(outbox.unwritten().load(Ordering::SeqCst), 1);
        // Full: refused and not counted.
        assert!(matches!(
            outbox.try_send(text("two")),
            Err(TrySendError::Full(_))
        ));
        assert_eq!(outbox.unwritten().load(Ordering::SeqCst), 1);
        // Taken from the queue, it still counts until written.
        assert!(receiver.recv().await.is_some());
        assert_eq!(outbox.unwritten().load(Ordering::SeqCst), 1);
        outbox.unwritten().fetch_sub(1, Ordering::SeqCst);
        // A send given up before it queued (a timeout) is not counted.
        outbox.try_send(text("three")).expect("room again");
        let waiting = tokio::time::timeout(
            std::time::Duration::from_millis(1),
            outbox.send(text("four")),
        )
        .await;
        assert!(waiting.is_err(), "no room: the send waits");
        assert_eq!(outbox.unwritten().load(Ordering::SeqCst), 1);
        // A closed queue counts nothing.
        drop(receiver);
        assert!(outbox.send(text("five")).await.is_err());
        assert!(outbox.try_send(text("six")).is_err());
        assert_eq!(outbox.unwritten().load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn a_weak_outbox_shares_the_count_and_does_not_hold_the_queue_open() {
        let (outbox, mut receiver) = Outbox::channel(4);
        let weak = outbox.downgrade();
        weak.upgrade()
            .expect("open")
            .try_send(text("one"))
            .expect("room");
        assert_eq!(outbox.unwritten().load(Ordering::SeqCst), 1);
        drop(outbox);
        assert!(weak.upgrade().is_none());
        assert!(receiver.recv().await.is_some());
        assert!(receiver.recv().await.is_none());
    }
}
