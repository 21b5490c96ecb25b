//! How each PostgreSQL store instance follows the log: the [`Follower`] that reads what
//! other nodes (and its own writer) committed, in order and without gaps, and publishes it
//! live; woken by `LISTEN`/`NOTIFY` on [`NOTIFY_CHANNEL`], with a poll as a fallback.

use super::*;

/// This instance's view of the log: how far it has read, and where it publishes.
pub(super) struct Follower {
    pub(super) pool: Pool,
    /// The last position this instance has read or committed: readers never look past it.
    /// Only moved while `live` is locked, so events are published in order.
    pub(super) head: AtomicU64,
    /// The tail at `head`: its hash and time, what the writer's one-round-trip commit
    /// assumes the next group chains to ([`Follower::tail`]).
    pub(super) tail: Mutex<LogTail>,
    /// The live channel (taken on shutdown). Its lock serializes moving the head.
    pub(super) live: tokio::sync::Mutex<Option<broadcast::Sender<Arc<RecordedEvent>>>>,
    /// Called with each event as it is published, in order, before the writer answers the
    /// appends of its own commits ([`EventStore::fold_when_published`]).
    pub(super) fold: FoldSlot,
    /// The head of the group this instance's writer is committing (0: none): its
    /// notification is no news, as the writer hands the group over itself ([`Follower::advance`]).
    pub(super) committing: AtomicU64,
}

impl Follower {
    pub(super) fn head(&self) -> Position {
        self.head.load(Ordering::Acquire)
    }

    /// The log's tail as this instance last read or committed it: committed, so it stays
    /// true until another commit stores the position after it.
    pub(super) fn tail(&self) -> LogTail {
        *locked(&self.tail)
    }

    /// Whether a notification of `position` is no news here: read already, or this
    /// instance's writer is committing up to it (and hands the group over itself).
    pub(super) fn knows(&self, position: Position) -> bool {
        position <= self.head().max(self.committing.load(Ordering::Acquire))
    }

    /// Tells the follower that the writer commits a group up to `head` now (0: the commit
    /// failed; positions it named may yet be committed by another node).
    pub(super) fn committing(&self, head: Position) {
        self.committing.store(head, Ordering::Release);
    }

    /// Reads and publishes everything committed now (up to the last stored position: every
    /// position below it is committed too).
    pub(super) async fn catch_up(&self) -> Result<(), StoreError> {
        let live = self.live.lock().await;
        let client = self.pool.get().await.map_err(pool_error)?;
        let row = client
            .query_one("SELECT max(position) FROM events", &[])
            .await
            .map_err(backend)?;
        let target: Option<i64> = row.get(0);
        let target = from_sql(target.unwrap_or(0), 0)?;
        self.read_through(&client, &live, target).await
    }

    /// Moves the head past a group this instance committed: first reads what other
    /// processes committed before it (up to `before`), then publishes the group's events.
    pub(super) async fn advance(
        &self,
        before: Position,
        events: Vec<Arc<RecordedEvent>>,
    ) -> Result<(), StoreError> {
        let live = self.live.lock().await;
        if self.head() < before {
            let client = self.pool.get().await.map_err(pool_error)?;
            self.read_through(&client, &live, before).await?;
        }
        let head = self.head();
        let fresh: Vec<Arc<RecordedEvent>> = events
            .into_iter()
            .filter(|event| event.position > head)
            .collect();
        if let Some(first) = fresh.first() {
            if first.position != head + 1 {
                return Err(StoreError::Corrupt {
                    position: head + 1,
                    reason: format!(
                        "this instance has read up to {head}, but its own commit starts at {}",
                        first.position
                    ),
                });
            }
        }
        self.publish(&live, fresh);
        Ok(())
    }

    /// Reads committed events after the head up to `target`, in pages, moving the head and
    /// publishing each page.
    async fn read_through(
        &self,
        client: &deadpool_postgres::Client,
        live: &Option<broadcast::Sender<Arc<RecordedEvent>>>,
        target: Position,
    ) -> Result<(), StoreError> {
        let statement = client
            .prepare_cached(
                "SELECT position, bytes FROM events
                 WHERE position > $1 AND position <= $2 ORDER BY position LIMIT $3",
            )
            .await
            .map_err(backend)?;
        while self.head() < target {
            let head = self.head();
            let rows = client
                .query(&statement, &[&to_sql(head), &to_sql(target), &FOLLOW_PAGE])
                .await
                .map_err(backend)?;
            let mut page = Vec::with_capacity(rows.len());
            for row in &rows {
                let event = event_from_row(row)?;
                if event.position != head + 1 + page.len() as u64 {
                    break;
                }
                page.push(Arc::new(event));
            }
            if page.is_empty() {
                return Err(StoreError::Corrupt {
                    position: head + 1,
                    reason: format!(
                        "the log head says position {target} is committed, \
                         but the event at this position is missing"
                    ),
                });
            }
            self.publish(live, page);
        }
        Ok(())
    }

    /// Moves the head to the last of `events` (consecutive, right after the head) and
    /// publishes them.
    fn publish(
        &self,
        live: &Option<broadcast::Sender<Arc<RecordedEvent>>>,
        events: Vec<Arc<RecordedEvent>>,
    ) {
        let Some(last) = events.last() else {
            return;
        };
        locked(&self.tail).follow(last);
        self.head.store(last.position, Ordering::Release);
        for event in &events {
            self.fold.fold(event);
        }
        if let Some(sender) = live {
            for event in events {
                // No receiver is not an error: nobody is listening yet.
                let _ = sender.send(event);
            }
        }
    }
}

/// What the listener tells the follower: however many notifications arrive while the
/// follower is busy, it wakes once and learns the highest position among them.
#[derive(Default)]
pub(super) struct Wakeups {
    /// The highest position notified since the follower last looked (0: none).
    newest: AtomicU64,
    /// Whether something may have been committed without a usable notification (a payload
    /// that is not a position, or a new `LISTEN` that missed earlier ones).
    unknown: std::sync::atomic::AtomicBool,
    notify: tokio::sync::Notify,
}

impl Wakeups {
    pub(super) fn notified(&self, position: Option<Position>) {
        match position {
            Some(position) => {
                self.newest.fetch_max(position, Ordering::AcqRel);
            }
            None => self.unknown.store(true, Ordering::Release),
        }
        // Stores a permit when the follower is busy, so the wake-up is not lost.
        self.notify.notify_one();
    }
}

/// Wakes the follower on notifications and every `poll_interval`, and catches up.
pub(super) async fn follow(
    follower: Arc<Follower>,
    wakeups: Arc<Wakeups>,
    poll_interval: Duration,
    stop: CancellationToken,
) {
    // The head was read when the store opened (and the `LISTEN` taking effect wakes the
    // follower): the first poll is due one interval later.
    let mut poll =
        tokio::time::interval_at(tokio::time::Instant::now() + poll_interval, poll_interval);
    poll.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        let polled = tokio::select! {
            _ = stop.cancelled() => return,
            _ = wakeups.notify.notified() => false,
            _ = poll.tick() => true,
        };
        // A notification names a position; anything else (a poll, a reconnect) may hide news.
        let newest = wakeups.newest.swap(0, Ordering::AcqRel);
        let unknown = wakeups.unknown.swap(false, Ordering::AcqRel) || polled;
        // The writer's own commit is handed over by the writer, without a read.
        if !unknown && follower.knows(newest) {
            continue;
        }
        if let Err(error) = follower.catch_up().await {
            tracing::warn!(%error, "following the PostgreSQL log failed; trying again");
        }
    }
}

/// What a `LISTEN` connection hears.
pub(crate) enum Heard<'a> {
    /// The `LISTEN` took effect (on the first connection and after every reconnect):
    /// notifications sent before were not heard.
    Listening,
    /// A notification's payload.
    Payload(&'a str),
}

/// Keeps a connection that `LISTEN`s on `channel` and hands what it hears to `heard`;
/// reconnects after [`RECONNECT_DELAY`] when the connection is lost, until `stop`.
pub(crate) async fn listen(
    config: tokio_postgres::Config,
    channel: String,
    heard: impl Fn(Heard<'_>) + Send + Sync + 'static,
    stop: CancellationToken,
) {
    let heard = Arc::new(heard);
    loop {
        let ended = listen_once(&config, &channel, &heard, &stop).await;
        if stop.is_cancelled() {
            return;
        }
        if let Err(error) = ended {
            tracing::warn!(%error, %channel, "a PostgreSQL notification connection was lost; connecting again");
        }
        tokio::select! {
            _ = stop.cancelled() => return,
            _ = tokio::time::sleep(RECONNECT_DELAY) => {}
        }
    }
}

pub(super) async fn listen_once<F>(
    config: &tokio_postgres::Config,
    channel: &str,
    heard: &Arc<F>,
    stop: &CancellationToken,
) -> Result<(), String>
where
    F: Fn(Heard<'_>) + Send + Sync + 'static,
{
    let (client, mut connection) = config
        .connect(NoTls)
        .await
        .map_err(|error| describe(&error))?;
    let forward = heard.clone();
    let wanted = channel.to_owned();
    let mut driver = tokio::spawn(async move {
        loop {
            match std::future::poll_fn(|context| connection.poll_message(context)).await {
                Some(Ok(AsyncMessage::Notification(note))) if note.channel() == wanted => {
                    forward(Heard::Payload(note.payload()));
                }
                Some(Ok(_)) => {}
                Some(Err(error)) => return Err(describe(&error)),
                None => return Ok(()),
            }
        }
    });
    if let Err(error) = client.batch_execute(&format!("LISTEN \"{channel}\"")).await {
        driver.abort();
        return Err(describe(&error));
    }
    heard(Heard::Listening);
    tokio::select! {
        _ = stop.cancelled() => {
            // Dropping the client makes the connection say goodbye and end.
            drop(client);
            if tokio::time::timeout(CLOSE_TIMEOUT, &mut driver).await.is_err() {
                driver.abort();
            }
            Ok(())
        }
        ended = &mut driver => match ended {
            Ok(Ok(())) => Err("the server closed the connection".to_owned()),
            Ok(Err(error)) => Err(error),
            Err(error) => Err(error.to_string()),
        },
    }
}
