//! The write path of the PostgreSQL store: the writer task that commits every waiting
//! append as one group in one transaction, ordered against every other writer by the events'
//! primary key (the next position can be inserted once), and answers its callers once the
//! transaction is committed.

use super::*;
use crate::store::ExpectedVersion;
use tokio_postgres::types::ToSql;

/// The writer task: one group commit at a time.
pub(super) struct Writer {
    /// The writer's own connection, its statements on generic plans (`WRITER_SESSION`): a
    /// pool of one, from which [`Writer::connection`] takes it once and keeps it.
    pub(super) pool: Pool,
    /// The connection taken from `pool`, kept from one group to the next: with it taken from
    /// the pool for every group, one client's edits cost 13–20 µs more of the server's CPU
    /// each (BENCHMARKS.md, issue 19 scenario 1, `h11/pgone`). Dropped, and taken anew, once
    /// it is closed.
    pub(super) held: tokio::sync::Mutex<Option<deadpool_postgres::Client>>,
    /// How long a group waits at most for the appends expected with it
    /// ([`PostgresOptions::gather_wait`]).
    pub(super) gather_wait: Duration,
    pub(super) follower: Arc<Follower>,
    pub(super) counters: Arc<Counters>,
}

/// One request of a group and where its answer goes.
pub(super) struct Item {
    work: Work,
    reply: Reply,
}

pub(super) enum Work {
    Append(AppendRequest),
    Recorded(Vec<RecordedEvent>),
}

pub(super) enum Reply {
    Append(oneshot::Sender<Result<AppendOutcome, StoreError>>),
    Recorded(oneshot::Sender<Result<(), StoreError>>),
}

/// A request's answer within a group: an append's outcome, or `None` for an import.
pub(super) type Answer = Result<Option<AppendOutcome>, StoreError>;

/// A committed group.
pub(super) struct Committed {
    /// The log's head before the group: everything up to it was committed earlier.
    before: Position,
    /// The group's events, in order.
    events: Vec<Arc<RecordedEvent>>,
    /// One answer per item.
    answers: Vec<Answer>,
}

/// Why a group was not committed.
pub(super) enum CommitError {
    /// The database refused or failed before the commit: nothing was written.
    Database(tokio_postgres::Error),
    /// No connection could be had.
    Pool(String),
    /// The stored tail cannot be read.
    Store(StoreError),
    /// `COMMIT` itself failed: the group may or may not have been written.
    Commit(tokio_postgres::Error),
}

impl From<tokio_postgres::Error> for CommitError {
    fn from(error: tokio_postgres::Error) -> Self {
        CommitError::Database(error)
    }
}

impl CommitError {
    /// The constraint a unique violation hit, if that is what happened.
    fn unique_violation(&self) -> Option<String> {
        let CommitError::Database(error) = self else {
            return None;
        };
        let db = error.as_db_error()?;
        (*db.code() == SqlState::UNIQUE_VIOLATION)
            .then(|| db.constraint().unwrap_or_default().to_owned())
    }

    fn to_store_error(&self) -> StoreError {
        match self {
            CommitError::Database(error) => StoreError::Backend(describe(error)),
            CommitError::Pool(reason) => StoreError::Backend(reason.clone()),
            CommitError::Store(error) => copy_error(error),
            CommitError::Commit(error) if error.as_db_error().is_some() => {
                StoreError::Backend(format!("the commit failed: {}", describe(error)))
            }
            CommitError::Commit(error) => StoreError::Backend(format!(
                "the connection failed during the commit, which may or may not have happened \
                 (retry with the same command id): {}",
                describe(error)
            )),
        }
    }
}

/// Rows of a group, in the column arrays `UNNEST` inserts at once.
#[derive(Default)]
pub(super) struct Rows {
    positions: Vec<i64>,
    stream_ids: Vec<Uuid>,
    versions: Vec<i64>,
    command_ids: Vec<Uuid>,
    times: Vec<DateTime<Utc>>,
    bytes: Vec<Vec<u8>>,
    events: Vec<Arc<RecordedEvent>>,
    /// Outcomes of new appends: their command ids are new (checked in the group's transaction).
    new_commands: Vec<(Uuid, AppendOutcome)>,
    /// Outcomes implied by imported events, with where each is in the list. An imported
    /// command may already be stored from an earlier batch it straddles: the insert then
    /// extends the stored outcome.
    recorded_commands: Vec<(Uuid, AppendOutcome)>,
    recorded_index: HashMap<Uuid, usize>,
}

/// Whether `later` continues the command `earlier` (an import batch ended inside it).
pub(super) fn continues(earlier: &AppendOutcome, later: &AppendOutcome) -> bool {
    earlier.stream_id == later.stream_id && earlier.last_position + 1 == later.first_position
}

/// Command ids and outcomes as the column arrays `UNNEST` inserts into `commands`.
#[derive(Default)]
pub(super) struct CommandColumns {
    ids: Vec<Uuid>,
    stream_ids: Vec<Uuid>,
    first_positions: Vec<i64>,
    last_positions: Vec<i64>,
    stream_versions: Vec<i64>,
}

impl CommandColumns {
    pub(super) fn of(commands: &[(Uuid, AppendOutcome)]) -> Self {
        let mut columns = CommandColumns::default();
        for (command_id, outcome) in commands {
            columns.ids.push(*command_id);
            columns.stream_ids.push(outcome.stream_id);
            columns.first_positions.push(to_sql(outcome.first_position));
            columns.last_positions.push(to_sql(outcome.last_position));
            columns.stream_versions.push(to_sql(outcome.stream_version));
        }
        columns
    }
}

impl Rows {
    fn add(&mut self, events: Vec<RecordedEvent>, encoded: Vec<Vec<u8>>) {
        for (event, bytes) in events.into_iter().zip(encoded) {
            self.positions.push(to_sql(event.position));
            self.stream_ids.push(event.stream_id);
            self.versions.push(to_sql(event.stream_version));
            self.command_ids.push(event.metadata.command_id);
            self.times.push(event.metadata.recorded_at);
            self.bytes.push(bytes);
            self.events.push(Arc::new(event));
        }
    }
}

impl Writer {
    /// Takes groups from the queue and commits them one at a time, in order.
    ///
    /// A group waits for as many requests as were lately outstanding at once (a group and
    /// those that queued while it was committed), up to `gather_wait`: among many clients
    /// the ones just answered send their next edits a moment after the others have queued,
    /// and without the wait they form a group of their own, one more statement and flush.
    /// With sixteen clients the groups were eleven appends on median, a tenth of them one.
    pub(super) async fn run(self, mut queue: mpsc::Receiver<WriterMessage>) {
        let mut expected = 0usize;
        while let Some(first) = queue.recv().await {
            let mut messages = vec![first];
            take_waiting(&mut queue, &mut messages);
            if self.gather(&mut queue, &mut messages, expected).await == Gathered::Short {
                // Fewer clients now: expect what came.
                expected = messages.len();
            }
            let group = messages.len();
            let mut items = Vec::with_capacity(messages.len());
            let mut shutdown = None;
            for message in messages {
                match message {
                    WriterMessage::Append { request, reply } => items.push(Item {
                        work: Work::Append(request),
                        reply: Reply::Append(reply),
                    }),
                    WriterMessage::Recorded { events, reply } => items.push(Item {
                        work: Work::Recorded(events),
                        reply: Reply::Recorded(reply),
                    }),
                    WriterMessage::Shutdown { reply } => shutdown = Some(reply),
                }
            }
            if !items.is_empty() {
                let committed = match appends_only(&items) {
                    Some(appends) => self.try_commit_assuming(&appends).await,
                    None => Ok(None),
                };
                match committed {
                    Ok(Some(committed)) => {
                        // Outstanding at once: this group and what queued meanwhile, counted
                        // before its callers are answered and send again.
                        expected = expected_after(expected, group + queue.len());
                        self.acknowledge(items, committed).await;
                    }
                    Ok(None) => self.commit_group(items).await,
                    Err(error) => self.fail(items, &error).await,
                }
            }
            if let Some(reply) = shutdown {
                queue.close();
                let _ = reply.send(());
                return;
            }
        }
    }

    /// Waits, up to `gather_wait`, until `messages` hold `expected` requests (at most
    /// [`MAX_BATCH_REQUESTS`]), the queue closes or a shutdown comes (which waits for nobody).
    async fn gather(
        &self,
        queue: &mut mpsc::Receiver<WriterMessage>,
        messages: &mut Vec<WriterMessage>,
        expected: usize,
    ) -> Gathered {
        let wanted = expected.min(MAX_BATCH_REQUESTS);
        let mut closing = any_shutdown(messages);
        if messages.len() >= wanted || closing || self.gather_wait.is_zero() {
            return Gathered::Enough;
        }
        let deadline = tokio::time::sleep(self.gather_wait);
        tokio::pin!(deadline);
        while messages.len() < wanted && !closing {
            tokio::select! {
                biased;
                message = queue.recv() => {
                    let Some(message) = message else {
                        break;
                    };
                    let from = messages.len();
                    messages.push(message);
                    take_waiting(queue, messages);
                    closing = any_shutdown(&messages[from..]);
                }
                () = &mut deadline => return Gathered::Short,
            }
        }
        Gathered::Enough
    }

    /// Commits a group the reading way (after its one statement was refused, or when it
    /// cannot be one) and answers its callers.
    async fn commit_group(&self, items: Vec<Item>) {
        match self.try_commit(&items).await {
            Ok(committed) => self.acknowledge(items, committed).await,
            Err(error) if items.len() > 1 && error.unique_violation().is_some() => {
                // A unique key that is not another writer's position (a retried command or a
                // stream version taken by a writer that does not chain to the tail): find out which
                // request collides by committing each alone.
                tracing::warn!(
                    constraint = error.unique_violation().unwrap_or_default(),
                    "a group commit hit a unique key; committing its requests one by one"
                );
                for item in items {
                    let items = vec![item];
                    match self.try_commit(&items).await {
                        Ok(committed) => self.acknowledge(items, committed).await,
                        Err(error) => self.fail(items, &error).await,
                    }
                }
            }
            Err(error) => self.fail(items, &error).await,
        }
    }

    /// Answers every item of a group that was not committed.
    async fn fail(&self, items: Vec<Item>, error: &CommitError) {
        let conflict = error.unique_violation().as_deref() == Some(STREAM_VERSION_KEY);
        for item in items {
            let answer = match (&item.work, conflict) {
                (Work::Append(request), true) => match self.stream_version(request.stream_id).await
                {
                    Ok(actual) => StoreError::VersionConflict {
                        stream_id: request.stream_id,
                        expected: request.expected_version,
                        actual,
                    },
                    Err(error) => error,
                },
                _ => error.to_store_error(),
            };
            item.reply.send(Err(answer));
        }
    }

    /// Lets this instance read a committed group, then answers its callers: an append is
    /// acknowledged only once `head_position` covers it.
    async fn acknowledge(&self, items: Vec<Item>, committed: Committed) {
        let advanced = self
            .follower
            .advance(committed.before, committed.events)
            .await;
        if let Err(error) = &advanced {
            tracing::error!(%error, "a committed group cannot be read back");
        }
        for (item, answer) in items.into_iter().zip(committed.answers) {
            let answer = match (&advanced, answer) {
                (Err(error), Ok(_)) => Err(StoreError::Backend(format!(
                    "the append was committed but cannot be read back yet ({error}); \
                     retry with the same command id"
                ))),
                (_, answer) => answer,
            };
            item.reply.send(answer);
        }
    }

    /// The writer's connection: the one it holds, or a new one from its pool when it holds
    /// none or the one it held is closed (what the pool's recycling checked before).
    async fn connection(
        &self,
    ) -> Result<tokio::sync::MappedMutexGuard<'_, deadpool_postgres::Client>, CommitError> {
        let mut held = self.held.lock().await;
        if held.as_ref().is_some_and(|client| client.is_closed()) {
            *held = None;
        }
        if held.is_none() {
            let client = self
                .pool
                .get()
                .await
                .map_err(|error| CommitError::Pool(pool_error(error).to_string()))?;
            *held = Some(client);
        }
        tokio::sync::MutexGuard::try_map(held, Option::as_mut)
            .map_err(|_| CommitError::Pool("the writer holds no connection".to_owned()))
    }

    /// The current version of one stream, outside any group.
    async fn stream_version(&self, stream_id: Uuid) -> Result<StreamVersion, StoreError> {
        let client = self
            .connection()
            .await
            .map_err(|error| error.to_store_error())?;
        let row = client
            .query_opt(
                "SELECT stream_version FROM events WHERE stream_id = $1
                 ORDER BY stream_version DESC LIMIT 1",
                &[&stream_id],
            )
            .await
            .map_err(backend)?;
        match row {
            Some(row) => from_sql(row.get(0), 0),
            None => Ok(0),
        }
    }

    /// Commits a group of appends in one statement (one round trip, its own transaction),
    /// assuming that the log still ends where this instance last read or committed it and
    /// that each stream is at the version its first request expects: the group is sealed on
    /// those assumptions, and the statement writes it only if that tail is stored, no stream
    /// is at another version and no command id is known; if another writer took the next
    /// position meanwhile, the events' primary key refuses the statement.
    ///
    /// # Returns
    /// `None` when an assumption did not hold or the database refused the writes (another
    /// node committed since or took the next position meanwhile, a retried command, a stale
    /// expected version): nothing was written, and [`Writer::try_commit`] reads the truth and
    /// answers. Its answers are the ones callers get: the assumptions only decide whether
    /// this statement may write.
    async fn try_commit_assuming(
        &self,
        appends: &[&AppendRequest],
    ) -> Result<Option<Committed>, CommitError> {
        let before = self.follower.tail();
        let mut assumed: HashMap<Uuid, StreamVersion> = HashMap::new();
        for request in appends {
            let version = match request.expected_version {
                ExpectedVersion::NoStream => 0,
                ExpectedVersion::Exact(version) => version,
                ExpectedVersion::Any => return Ok(None),
            };
            assumed.entry(request.stream_id).or_insert(version);
        }
        let command_ids: Vec<Uuid> = appends
            .iter()
            .map(|request| request.context.command_id)
            .collect();
        let mut tail = before;
        let mut rows = Rows::default();
        let mut known = HashMap::new();
        let mut versions = assumed.clone();
        let answers: Vec<Answer> = appends
            .iter()
            .map(|request| stage_append(&mut tail, &mut rows, &mut known, &mut versions, request))
            .collect();
        if rows.events.is_empty() {
            // Nothing to write, only answers to give: those need the stored truth.
            return Ok(None);
        }
        let (assumed_streams, assumed_versions): (Vec<Uuid>, Vec<i64>) = assumed
            .into_iter()
            .map(|(stream_id, version)| (stream_id, to_sql(version)))
            .unzip();
        let new_commands = CommandColumns::of(&rows.new_commands);
        let client = self.connection().await?;
        let statement = client.prepare_cached(COMMIT_ASSUMING).await?;
        let head_before = to_sql(before.head);
        let notified = tail.head.to_string();
        let parameters: &[&(dyn ToSql + Sync)] = &[
            &head_before,
            &command_ids,
            &assumed_streams,
            &assumed_versions,
            &rows.positions,
            &rows.stream_ids,
            &rows.versions,
            &rows.command_ids,
            &rows.times,
            &rows.bytes,
            &new_commands.ids,
            &new_commands.stream_ids,
            &new_commands.first_positions,
            &new_commands.last_positions,
            &new_commands.stream_versions,
            &NOTIFY_CHANNEL,
            &notified,
        ];
        // Its own notification is not news to the follower: the group is handed over below.
        self.follower.committing(tail.head);
        let written = match client.query(&statement, parameters).await {
            Ok(written) => written,
            Err(error) if error.as_db_error().is_some() => {
                // Refused, so rolled back: a unique key (another writer took the position),
                // or whatever the reading commit will meet again and report.
                self.follower.committing(0);
                tracing::debug!(error = %describe(&error), "the one-round-trip commit was refused");
                return Ok(None);
            }
            Err(error) => {
                self.follower.committing(0);
                return Err(CommitError::Commit(error));
            }
        };
        if written.is_empty() {
            self.follower.committing(0);
            return Ok(None);
        }
        self.counters.commits.fetch_add(1, Ordering::AcqRel);
        self.counters
            .in_one_round_trip
            .fetch_add(1, Ordering::AcqRel);
        self.counters
            .events
            .fetch_add(rows.events.len() as u64, Ordering::AcqRel);
        Ok(Some(Committed {
            before: before.head,
            events: rows.events,
            answers,
        }))
    }

    /// Validates, seals and writes a group in one transaction, reading the log's last event,
    /// the streams' versions and the command ids first.
    ///
    /// The transaction is driven by hand rather than through `Transaction`, so that its
    /// statements go out in two pipelined batches (tokio-postgres sends statements issued
    /// at once on one connection back to back): `BEGIN` with the reads, then the writes with
    /// `COMMIT`. Two round trips per group instead of nine; the writer's one group at a time
    /// is bounded by them and the commit's flush. Whatever fails, a `ROLLBACK` follows, so
    /// the writer's kept connection is outside any transaction for the next group.
    ///
    /// No lock is taken: when another writer commits the next position between the reads and
    /// the insert, the insert waits for it and fails on a unique key, and the group is read
    /// and decided again (up to [`MAX_RACES`] times), as a writer that waited for the lock
    /// would have read it.
    async fn try_commit(&self, items: &[Item]) -> Result<Committed, CommitError> {
        let client = self.connection().await?;
        let mut races = 0;
        loop {
            let mut read = None;
            let committed = self.commit_on(&client, items, &mut read).await;
            let Err(error) = committed else {
                return committed;
            };
            // Harmless when no transaction is open (a warning from the server).
            let _ = client.batch_execute("ROLLBACK").await;
            races += 1;
            if races >= MAX_RACES || error.unique_violation().is_none() {
                return Err(error);
            }
            match (read, last_position(&client).await) {
                (Some(read), Ok(now)) if now > read => {
                    tracing::debug!(read, now, "another writer committed first; reading again");
                }
                _ => return Err(error),
            }
        }
    }

    /// One attempt of [`Writer::try_commit`]; `read` is set to the last position it read.
    async fn commit_on(
        &self,
        client: &deadpool_postgres::Client,
        items: &[Item],
        read: &mut Option<Position>,
    ) -> Result<Committed, CommitError> {
        let mut command_ids = Vec::new();
        let mut stream_ids = HashSet::new();
        for item in items {
            match &item.work {
                Work::Append(request) => {
                    command_ids.push(request.context.command_id);
                    stream_ids.insert(request.stream_id);
                }
                Work::Recorded(events) => {
                    stream_ids.extend(events.iter().map(|event| event.stream_id));
                }
            }
        }
        let stream_ids: Vec<Uuid> = stream_ids.into_iter().collect();
        let begin = client.prepare_cached("BEGIN").await?;
        let commit = client.prepare_cached("COMMIT").await?;
        let last = client.prepare_cached(LAST_EVENT).await?;
        let known_commands = client
            .prepare_cached(&format!(
                "SELECT command_id, {OUTCOME_COLUMNS} FROM commands WHERE command_id = ANY($1)"
            ))
            .await?;
        let stream_versions = client
            .prepare_cached(
                "SELECT s.stream_id,
                        (SELECT e.stream_version FROM events e WHERE e.stream_id = s.stream_id
                         ORDER BY e.stream_version DESC LIMIT 1)
                 FROM UNNEST($1::uuid[]) AS s(stream_id)",
            )
            .await?;
        // Sent together, in this order: the tail first, so the reads after it see every
        // group committed before it (and any committed after it makes the insert fail).
        let (command_ids, stream_ids): (&[&(dyn ToSql + Sync)], &[&(dyn ToSql + Sync)]) =
            (&[&command_ids], &[&stream_ids]);
        // Every answer is awaited (`join!`, not `try_join!`, which polls its futures in a
        // rotating order): when one statement fails, the ones behind it fail too ("current
        // transaction is aborted"), and the error that says what happened is the first in
        // the order they were sent.
        let (begun, row, command_rows, version_rows) = tokio::join!(
            client.execute(&begin, &[]),
            client.query_opt(&last, &[]),
            client.query(&known_commands, command_ids),
            client.query(&stream_versions, stream_ids),
        );
        begun?;
        let (row, command_rows, version_rows) = (row?, command_rows?, version_rows?);
        let before = tail_from_last(row.as_ref()).map_err(CommitError::Store)?;
        *read = Some(before.head);
        let mut known: HashMap<Uuid, AppendOutcome> = HashMap::new();
        for row in command_rows {
            let command_id: Uuid = row.get(0);
            let outcome = outcome_from_row(command_id, &row, 1).map_err(CommitError::Store)?;
            known.insert(command_id, outcome);
        }
        let mut versions: HashMap<Uuid, StreamVersion> = HashMap::new();
        for row in version_rows {
            let version: Option<i64> = row.get(1);
            let version = from_sql(version.unwrap_or(0), 0).map_err(CommitError::Store)?;
            versions.insert(row.get(0), version);
        }

        let mut tail = before;
        let mut rows = Rows::default();
        let mut answers = Vec::with_capacity(items.len());
        for item in items {
            let answer = match &item.work {
                Work::Append(request) => {
                    stage_append(&mut tail, &mut rows, &mut known, &mut versions, request)
                }
                Work::Recorded(events) => {
                    stage_recorded(&mut tail, &mut rows, &mut known, &mut versions, events)
                }
            };
            answers.push(answer);
        }

        let written = rows.events.len() as u64;
        if written > 0 {
            let insert = client
                .prepare_cached(
                    "INSERT INTO events
                         (position, stream_id, stream_version, command_id, recorded_at, bytes)
                     SELECT * FROM UNNEST($1::bigint[], $2::uuid[], $3::bigint[], $4::uuid[],
                                          $5::timestamptz[], $6::bytea[])",
                )
                .await?;
            let new_commands = CommandColumns::of(&rows.new_commands);
            let insert_new = client
                .prepare_cached(
                    "INSERT INTO commands
                         (command_id, stream_id, first_position, last_position, stream_version)
                     SELECT * FROM UNNEST($1::uuid[], $2::uuid[], $3::bigint[], $4::bigint[],
                                          $5::bigint[])",
                )
                .await?;
            let recorded_commands = CommandColumns::of(&rows.recorded_commands);
            // A command already stored keeps its first outcome, extended when these events
            // continue it (an earlier import batch ended inside the command). A row written
            // before the typed columns is read from its JSONB and written typed.
            let insert_recorded = client
                .prepare_cached(
                    "INSERT INTO commands
                         (command_id, stream_id, first_position, last_position, stream_version)
                     SELECT * FROM UNNEST($1::uuid[], $2::uuid[], $3::bigint[], $4::bigint[],
                                          $5::bigint[])
                     ON CONFLICT (command_id) DO UPDATE
                     SET stream_id = EXCLUDED.stream_id,
                         first_position = COALESCE(commands.first_position,
                             (commands.outcome ->> 'first_position')::bigint),
                         last_position = EXCLUDED.last_position,
                         stream_version = EXCLUDED.stream_version,
                         outcome = NULL
                     WHERE COALESCE(commands.stream_id, (commands.outcome ->> 'stream_id')::uuid)
                           = EXCLUDED.stream_id
                       AND COALESCE(commands.last_position,
                               (commands.outcome ->> 'last_position')::bigint) + 1
                           = EXCLUDED.first_position",
                )
                .await?;
            // Delivered when (and only if) the transaction commits.
            let notify = client.prepare_cached("SELECT pg_notify($1, $2)").await?;
            let notified = tail.head.to_string();
            // This instance's own notification is not news to its follower (the writer
            // hands it the group once committed), so it does not read the group back.
            self.follower.committing(tail.head);
            // Sent together with the commit, as the reads above. A write that fails aborts
            // the transaction, and the `COMMIT` behind it then only ends it.
            let event_columns: &[&(dyn ToSql + Sync)] = &[
                &rows.positions,
                &rows.stream_ids,
                &rows.versions,
                &rows.command_ids,
                &rows.times,
                &rows.bytes,
            ];
            let notification: &[&(dyn ToSql + Sync)] = &[&NOTIFY_CHANNEL, &notified];
            // As above, every answer is awaited and the first error in the order sent is
            // the one reported: a unique key the insert hit, not the aborted transaction
            // the statements behind it then report. A `COMMIT` of an aborted transaction
            // only ends it, so the writes' answers are read first.
            let (events, new, recorded, notified, committed) = tokio::join!(
                client.execute(&insert, event_columns),
                insert_commands(client, &insert_new, &new_commands),
                insert_commands(client, &insert_recorded, &recorded_commands),
                client.execute(&notify, notification),
                client.execute(&commit, &[]),
            );
            let outcome = events
                .and(new)
                .and(recorded)
                .and(notified)
                .map_err(CommitError::Database)
                .and_then(|_| committed.map_err(CommitError::Commit));
            if let Err(error) = outcome {
                self.follower.committing(0);
                return Err(error);
            }
        } else {
            client
                .execute(&commit, &[])
                .await
                .map_err(CommitError::Commit)?;
        }
        if written > 0 {
            self.counters.commits.fetch_add(1, Ordering::AcqRel);
            self.counters.events.fetch_add(written, Ordering::AcqRel);
        }
        Ok(Committed {
            before: before.head,
            events: rows.events,
            answers,
        })
    }
}

/// A group's commit in one statement, its own transaction ([`Writer::try_commit_assuming`]).
///
/// The `checked` row exists only if the assumed tail (`$1`, 0 for an empty log) is stored,
/// no command id of the group is stored (`$2`) and every stream is at its assumed version
/// (`$3`, `$4`); the inserts and the notification take their rows from it, so they write
/// nothing when a check fails, and the statement then returns no row. Each check looks its
/// rows up one by one (a subquery per command id and per stream), so that the plan the
/// connection keeps uses the keys whatever the tables held when it was made:
/// `command_id = ANY(..)` got a sequential scan of `commands`, planned while it was empty.
///
/// No row is locked: the events' primary key orders the writers. The checks read the
/// statement's snapshot, taken after the assumed tail was committed; any transaction that
/// commits after it, on any node, wrote the position after that tail (every writer chains to
/// a stored tail), so this statement's insert of that position either waits for it and then
/// fails on the key, or finds it committed and fails: a check that read an old snapshot never
/// writes. Before migration 8 every commit also updated the one row of `log_head`, which
/// cost a third of the statement in PostgreSQL (BENCHMARKS.md, issue 19 scenario 1,
/// `h14/pglight`).
const COMMIT_ASSUMING: &str = "
WITH checked AS (
    SELECT 1 WHERE ($1::bigint = 0 OR EXISTS (SELECT 1 FROM events WHERE position = $1))
      AND NOT EXISTS (
          SELECT 1 FROM UNNEST($2::uuid[]) AS n(command_id)
          WHERE (SELECT true FROM commands c WHERE c.command_id = n.command_id))
      AND NOT EXISTS (
          SELECT 1 FROM UNNEST($3::uuid[], $4::bigint[]) AS s(stream_id, stream_version)
          WHERE s.stream_version <> COALESCE(
              (SELECT e.stream_version FROM events e WHERE e.stream_id = s.stream_id
               ORDER BY e.stream_version DESC LIMIT 1), 0))
), new_events AS (
    INSERT INTO events (position, stream_id, stream_version, command_id, recorded_at, bytes)
    SELECT e.* FROM checked, UNNEST($5::bigint[], $6::uuid[], $7::bigint[], $8::uuid[],
                                    $9::timestamptz[], $10::bytea[]) AS e
), new_commands AS (
    INSERT INTO commands (command_id, stream_id, first_position, last_position, stream_version)
    SELECT c.* FROM checked, UNNEST($11::uuid[], $12::uuid[], $13::bigint[], $14::bigint[],
                                    $15::bigint[]) AS c
)
SELECT pg_notify($16, $17) FROM checked";

/// How many times [`Writer::try_commit`] reads and decides a group again after another writer
/// committed first, before it reports the unique key it hit.
const MAX_RACES: u32 = 64;

/// The last position stored now (0 for an empty log).
async fn last_position(client: &deadpool_postgres::Client) -> Result<Position, CommitError> {
    let last: Option<i64> = client
        .query_one("SELECT max(position) FROM events", &[])
        .await?
        .get(0);
    from_sql(last.unwrap_or(0), 0).map_err(CommitError::Store)
}

/// The requests of a group that holds appends only, which may be committed in one round
/// trip; `None` when it holds an import.
fn appends_only(items: &[Item]) -> Option<Vec<&AppendRequest>> {
    items
        .iter()
        .map(|item| match &item.work {
            Work::Append(request) => Some(request),
            Work::Recorded(_) => None,
        })
        .collect()
}

/// How many requests a group waits for next, given how many were `outstanding` at once just
/// now: as many, or, when fewer, a 16th fewer than before (so that a load that falls is
/// followed, and one slow client does not halve the groups).
fn expected_after(expected: usize, outstanding: usize) -> usize {
    if outstanding >= expected {
        outstanding
    } else {
        (expected - expected.div_ceil(16)).max(outstanding)
    }
}

/// How a group's gathering ended ([`Writer::gather`]).
#[derive(Debug, PartialEq, Eq)]
enum Gathered {
    /// As many as expected came, or a reason not to wait for more.
    Enough,
    /// The wait ran out first.
    Short,
}

/// Whether `messages` hold a shutdown.
fn any_shutdown(messages: &[WriterMessage]) -> bool {
    messages
        .iter()
        .any(|message| matches!(message, WriterMessage::Shutdown { .. }))
}

/// Adds every message waiting in the queue now to `messages`, up to [`MAX_BATCH_REQUESTS`].
fn take_waiting(queue: &mut mpsc::Receiver<WriterMessage>, messages: &mut Vec<WriterMessage>) {
    while messages.len() < MAX_BATCH_REQUESTS {
        match queue.try_recv() {
            Ok(message) => messages.push(message),
            Err(_) => break,
        }
    }
}

/// Inserts command outcomes with `statement`, sending nothing when there are none.
async fn insert_commands(
    client: &deadpool_postgres::Client,
    statement: &tokio_postgres::Statement,
    columns: &CommandColumns,
) -> Result<u64, tokio_postgres::Error> {
    if columns.ids.is_empty() {
        return Ok(0);
    }
    client
        .execute(
            statement,
            &[
                &columns.ids,
                &columns.stream_ids,
                &columns.first_positions,
                &columns.last_positions,
                &columns.stream_versions,
            ],
        )
        .await
}

/// Stages one append of a group: a known command id returns its first outcome, otherwise the
/// request is checked against its stream's version and sealed at the tail.
pub(super) fn stage_append(
    tail: &mut LogTail,
    rows: &mut Rows,
    known: &mut HashMap<Uuid, AppendOutcome>,
    versions: &mut HashMap<Uuid, StreamVersion>,
    request: &AppendRequest,
) -> Answer {
    let command_id = request.context.command_id;
    if let Some(outcome) = known.get(&command_id) {
        return Ok(Some(AppendOutcome {
            deduplicated: true,
            ..outcome.clone()
        }));
    }
    let current = versions.get(&request.stream_id).copied().unwrap_or(0);
    let sealed = tail.seal_append(request.clone(), current)?;
    versions.insert(request.stream_id, sealed.outcome.stream_version);
    known.insert(command_id, sealed.outcome.clone());
    rows.new_commands.push((command_id, sealed.outcome.clone()));
    rows.add(sealed.events, sealed.encoded);
    Ok(Some(sealed.outcome))
}

/// Stages one import message of a group: all of it continues the log, or none is written.
pub(super) fn stage_recorded(
    tail: &mut LogTail,
    rows: &mut Rows,
    known: &mut HashMap<Uuid, AppendOutcome>,
    versions: &mut HashMap<Uuid, StreamVersion>,
    events: &[RecordedEvent],
) -> Answer {
    let after = check_continues(tail, events, |stream_id| {
        Ok(versions.get(&stream_id).copied().unwrap_or(0))
    })?;
    let mut encoded = Vec::with_capacity(events.len());
    let mut outcomes = OutcomeCollector::default();
    for event in events {
        encoded.push(event.to_canonical_bytes().map_err(|error| {
            StoreError::InvalidAppend(format!("the event cannot be encoded: {error}"))
        })?);
        outcomes.add(event);
    }
    for (command_id, outcome) in outcomes.finish() {
        if let Some(&index) = rows.recorded_index.get(&command_id) {
            // Imported earlier in this group: extend it if these events continue it.
            let earlier = &mut rows.recorded_commands[index].1;
            if continues(earlier, &outcome) {
                earlier.last_position = outcome.last_position;
                earlier.stream_version = outcome.stream_version;
                known.insert(command_id, earlier.clone());
            }
        } else if let Entry::Vacant(entry) = known.entry(command_id) {
            rows.recorded_index
                .insert(command_id, rows.recorded_commands.len());
            rows.recorded_commands.push((command_id, outcome.clone()));
            entry.insert(outcome);
        }
    }
    versions.extend(after);
    if let Some(last) = events.last() {
        tail.follow(last);
    }
    rows.add(events.to_vec(), encoded);
    Ok(None)
}

impl Reply {
    fn send(self, answer: Answer) {
        // A caller that gave up waiting is not the writer's problem.
        match self {
            Reply::Append(reply) => {
                let _ = reply.send(answer.and_then(|outcome| {
                    outcome.ok_or_else(|| {
                        StoreError::Backend("the writer lost the append's outcome".into())
                    })
                }));
            }
            Reply::Recorded(reply) => {
                let _ = reply.send(answer.map(|_| ()));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::expected_after;

    #[test]
    fn the_expected_group_follows_a_rise_at_once_and_a_fall_by_sixteenths() {
        assert_eq!(expected_after(0, 1), 1, "a lone client waits for nobody");
        assert_eq!(expected_after(8, 16), 16);
        assert_eq!(expected_after(16, 15), 15, "one slow client costs one");
        assert_eq!(expected_after(256, 10), 240);
        assert_eq!(expected_after(1, 0), 0);
    }
}
