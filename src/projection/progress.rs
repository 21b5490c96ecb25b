//! How far the views have come (the position of the last event applied), and the tasks
//! waiting for them to reach a position.
//!
//! The position moves at every event, on the thread that folds it (the store's committer).
//! A `watch` channel moved with `send_replace` wakes every waiting task at every event, and
//! the checkpointer waits for a position 100,000 events ahead all the time: so each event
//! paid a wake-up of that task from the committer's thread (and the task a poll), only for
//! it to find its position not reached and sleep again. [`Progress`] keeps the lowest
//! position any task waits for, and wakes the waiters only when the views reach it; the
//! others, woken with them, note their own position again and go back to sleep.
//!
//! **No waiter is missed.** A waiter marks the channel's version as seen, then notes its
//! position, then reads the position held. [`Progress::advance`] writes the position, then
//! reads the lowest noted one, and only then (when reached) clears it and wakes everyone. A
//! waiter that read the position before the write noted its own before the advance read the
//! lowest, so that advance wakes it; one whose noted position a wake-up cleared was woken by
//! that same wake-up (the version moved after it marked it seen), and notes it again. A
//! woken waiter that then finds its position reached may leave it noted: the next move
//! clears it, waking nobody.

use std::sync::atomic::{AtomicU64, Ordering};

use tokio::sync::watch;

use crate::store::Position;

/// The position the views hold, waking waiters when it reaches what they wait for.
pub(super) struct Progress {
    position: watch::Sender<Position>,
    /// The lowest position a waiter waits for; `Position::MAX` when none waits.
    wanted: AtomicU64,
}

impl Progress {
    /// Progress at `position`, nobody waiting.
    pub(super) fn new(position: Position) -> Self {
        Progress {
            position: watch::channel(position).0,
            wanted: AtomicU64::new(Position::MAX),
        }
    }

    /// The position held.
    pub(super) fn get(&self) -> Position {
        *self.position.borrow()
    }

    /// Moves to `position`; wakes the waiters when a waiter's position is reached.
    pub(super) fn advance(&self, position: Position) {
        self.position.send_if_modified(|held| {
            *held = position;
            false
        });
        if position >= self.wanted.load(Ordering::SeqCst) {
            self.wanted.store(Position::MAX, Ordering::SeqCst);
            self.position.send_modify(|_| {});
        }
    }

    /// Waits until the position held is `position` or later.
    pub(super) async fn wait_for(&self, position: Position) {
        if self.get() >= position {
            return;
        }
        let mut receiver = self.position.subscribe();
        loop {
            receiver.borrow_and_update();
            self.wanted.fetch_min(position, Ordering::SeqCst);
            if *receiver.borrow() >= position {
                return;
            }
            // The sender lives as long as `self`: this never fails while anyone can wait.
            if receiver.changed().await.is_err() {
                return;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;

    #[tokio::test]
    async fn a_reached_position_is_not_waited_for() {
        let progress = Progress::new(5);
        progress.wait_for(5).await;
        progress.wait_for(1).await;
        assert_eq!(progress.get(), 5);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn every_waiter_wakes_once_its_position_is_reached() {
        let progress = Arc::new(Progress::new(0));
        let waiters: Vec<_> = [3u64, 50, 1_000, 1_000, 20_000]
            .into_iter()
            .map(|position| {
                let progress = progress.clone();
                tokio::spawn(async move {
                    progress.wait_for(position).await;
                    assert!(progress.get() >= position);
                    position
                })
            })
            .collect();
        let advancing = {
            let progress = progress.clone();
            std::thread::spawn(move || {
                for position in 1..=20_000 {
                    progress.advance(position);
                }
            })
        };
        let mut woken = Vec::new();
        for waiter in waiters {
            woken.push(waiter.await.unwrap());
        }
        advancing.join().unwrap();
        assert_eq!(woken, vec![3, 50, 1_000, 1_000, 20_000]);
    }

    #[tokio::test]
    async fn positions_before_the_lowest_waited_for_wake_nobody() {
        let progress = Arc::new(Progress::new(0));
        let waiter = {
            let progress = progress.clone();
            tokio::spawn(async move { progress.wait_for(10).await })
        };
        // One thread: the waiter runs until it waits.
        tokio::task::yield_now().await;
        assert_eq!(progress.wanted.load(Ordering::SeqCst), 10);
        let mut observer = progress.position.subscribe();
        observer.borrow_and_update();
        for position in 1..10 {
            progress.advance(position);
        }
        assert!(!observer.has_changed().unwrap(), "no wake-up before 10");
        assert_eq!(progress.get(), 9);
        progress.advance(10);
        assert!(observer.has_changed().unwrap());
        waiter.await.unwrap();
        // The woken waiter noted its position again before it saw it reached; the next
        // move clears that (one wake-up of nobody) and none after it wakes anyone.
        progress.advance(11);
        assert_eq!(progress.wanted.load(Ordering::SeqCst), Position::MAX);
        observer.borrow_and_update();
        progress.advance(12);
        assert!(!observer.has_changed().unwrap());
    }
}
