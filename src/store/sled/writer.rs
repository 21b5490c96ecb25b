//! The write path of the sled store: the writer thread that validates and inserts each group
//! of appends, the flusher thread that makes groups durable, and the [`Committer`] that
//! flushes, indexes, acknowledges and publishes a group (on the flusher thread, or on the
//! writer's own thread when nothing is in flight). See the module above for how they meet.

use super::*;

/// How long the writer polls its empty queue before it sleeps: about the time a caller
/// takes to wake on its answer and send its next append.
pub(super) const SPIN_BEFORE_SLEEP: std::time::Duration = std::time::Duration::from_micros(50);

/// The writer's next message: polled for [`SPIN_BEFORE_SLEEP`] first, because a writer that
/// sleeps must be woken by the next caller's send (a system call and a reschedule, tens of
/// microseconds here), which a few callers appending in turn would pay on every group.
/// `None` once every sender is gone.
pub(super) fn next_message(queue: &mut mpsc::Receiver<WriterMessage>) -> Option<WriterMessage> {
    let started = std::time::Instant::now();
    loop {
        match queue.try_recv() {
            Ok(message) => return Some(message),
            Err(mpsc::error::TryRecvError::Disconnected) => return None,
            Err(mpsc::error::TryRecvError::Empty) => {}
        }
        if started.elapsed() >= SPIN_BEFORE_SLEEP {
            return queue.blocking_recv();
        }
        // Yield rather than spin: on a busy machine the caller may need this core to send.
        std::thread::yield_now();
    }
}

/// The single writer: owns the head of the log and every stream's version.
pub(super) struct Writer {
    pub(super) events: sled::Tree,
    pub(super) index: sled::Tree,
    /// The last event inserted (durable or not yet).
    pub(super) tail: LogTail,
    /// Versions of the streams written or looked up so far, including groups in flight.
    pub(super) stream_versions: HashMap<Uuid, StreamVersion>,
    /// Commands of groups not yet durable (in flight to the flusher), for idempotent retries.
    pub(super) commands_in_flight: HashMap<Uuid, AppendOutcome>,
    /// Every command id in the log or in flight: a new command needs no index lookup.
    pub(super) command_filter: CommandFilter,
    /// Index entries of durable events not yet in `index`.
    pub(super) pending: Arc<PendingIndex>,
    pub(super) durable_head: Arc<AtomicU64>,
    /// Set by the flusher when a write failed: no more writes are accepted.
    pub(super) stopped: Arc<Mutex<Option<String>>>,
    /// Where finished groups go to be flushed while the writer stages the next ones.
    pub(super) flusher: std::sync::mpsc::SyncSender<FlushJob>,
    /// Groups sent to the flusher and not yet acknowledged.
    pub(super) outstanding: Arc<AtomicU64>,
    /// Commits a group on the writer's own thread when nothing is in flight.
    pub(super) committer: Arc<Committer>,
    /// How many requests the last group held: a lone append is written by its caller only
    /// while the groups hold one each (see `SledEventStore::append_here`).
    pub(super) last_group_requests: usize,
    pub(super) counters: Arc<WriteCounters>,
}

/// A group whose events are inserted and wait for the flush that makes them durable.
pub(super) struct FlushJob {
    /// The last position of the group.
    head: Position,
    /// Index entries to record once the group is durable.
    entries: GroupEntries,
    events: Vec<Arc<RecordedEvent>>,
    replies: Vec<Reply>,
    /// Why inserting the group failed, if it did.
    write_error: Option<String>,
    /// Set by a shutdown request: flush everything and answer.
    shutdown: Option<oneshot::Sender<()>>,
}

/// Makes groups durable, indexes them, acknowledges and publishes them. Used by the flusher
/// thread, and by the writer's holder itself when nothing is in flight (see
/// [`Writer::write_group`]); never by both at once, so groups are committed in order.
pub(super) struct Committer {
    pub(super) db: sled::Db,
    pub(super) index_db: sled::Db,
    pub(super) index: sled::Tree,
    pub(super) pending: Arc<PendingIndex>,
    pub(super) durable_head: Arc<AtomicU64>,
    pub(super) live: broadcast::Sender<Arc<RecordedEvent>>,
    /// Called with each durable event before its group is answered (the projections' fold).
    pub(super) fold: Arc<FoldSlot>,
    pub(super) counters: Arc<WriteCounters>,
    pub(super) stopped: Arc<Mutex<Option<String>>>,
}

/// The flusher thread: commits the groups the writer hands it while the writer stages the
/// next ones.
pub(super) struct Flusher {
    pub(super) committer: Arc<Committer>,
    /// Groups sent to the flusher and not yet acknowledged (incremented by the writer,
    /// decremented here once a group's callers are answered).
    pub(super) outstanding: Arc<AtomicU64>,
}

/// One group commit in the making: what it will write and the state after it.
pub(super) struct Staged {
    /// The group's events, packed into records.
    records: RecordPacker,
    /// Index entries, recorded after the flush.
    entries: GroupEntries,
    events: Vec<Arc<RecordedEvent>>,
    /// The end of the log once the group is written.
    tail: LogTail,
    stream_versions: HashMap<Uuid, StreamVersion>,
    commands: HashMap<Uuid, AppendOutcome>,
}

pub(super) enum Reply {
    Append(
        oneshot::Sender<Result<AppendOutcome, StoreError>>,
        Result<AppendOutcome, StoreError>,
    ),
    Recorded(
        oneshot::Sender<Result<(), StoreError>>,
        Result<(), StoreError>,
    ),
}

/// The writer thread: takes every request waiting in the queue (up to
/// [`MAX_BATCH_REQUESTS`]) and writes them as one group, until shutdown; then drops the
/// writer.
pub(super) fn run_writer(writer: &Mutex<Option<Writer>>, mut queue: mpsc::Receiver<WriterMessage>) {
    while let Some(first) = next_message(&mut queue) {
        let mut messages = vec![first];
        while messages.len() < MAX_BATCH_REQUESTS {
            match queue.try_recv() {
                Ok(message) => messages.push(message),
                Err(_) => break,
            }
        }
        let Ok(mut holder) = writer.lock() else {
            // A panic while writing: the state may be torn, so nothing more is written.
            tracing::error!("the log writer failed; no more writes are accepted");
            return;
        };
        let Some(writer) = holder.as_mut() else {
            return;
        };
        if !writer.write_group(messages, !queue.is_empty()) {
            queue.close();
            *holder = None;
            return;
        }
    }
}

impl Writer {
    /// Stages `messages` as one group and commits it, or hands it to the flusher. Returns
    /// whether the writer goes on (false after a shutdown, or when the flusher is gone).
    ///
    /// With nothing in flight and nobody waiting (`others_waiting`), a flusher would only add
    /// a hand-off (a lone writer's case), so the group is committed here. Only the holder of
    /// the writer sends to the flusher, so `outstanding == 0` means the flusher has answered
    /// every earlier group and stays idle until the next send: groups are still committed in
    /// order.
    pub(super) fn write_group(
        &mut self,
        messages: Vec<WriterMessage>,
        others_waiting: bool,
    ) -> bool {
        let started = std::time::Instant::now();
        self.last_group_requests = messages.len();
        let job = self.stage_group(messages);
        WriteCounters::add_time(&self.counters.staging_micros, started);
        let shutting_down = job.shutdown.is_some();
        if !shutting_down && !others_waiting && self.outstanding.load(Ordering::Acquire) == 0 {
            let _ = self.committer.commit(vec![job]);
            return true;
        }
        self.outstanding.fetch_add(1, Ordering::AcqRel);
        if self.flusher.send(job).is_err() {
            tracing::error!("the log flusher stopped; no more writes are accepted");
            return false;
        }
        !shutting_down
    }

    fn stopped_reason(&self) -> Option<String> {
        locked(&self.stopped).clone()
    }

    /// Validates one group of messages and inserts its events, ready for the flusher.
    fn stage_group(&mut self, messages: Vec<WriterMessage>) -> FlushJob {
        let durable = self.durable_head.load(Ordering::Acquire);
        self.commands_in_flight
            .retain(|_, outcome| outcome.last_position > durable);
        let mut staged = Staged {
            records: RecordPacker::default(),
            entries: GroupEntries::default(),
            events: Vec::new(),
            tail: self.tail,
            stream_versions: HashMap::new(),
            commands: HashMap::new(),
        };
        let mut replies = Vec::with_capacity(messages.len());
        let mut shutdown = None;
        let stopped = self.stopped_reason();
        for message in messages {
            match message {
                WriterMessage::Append { request, reply } => {
                    let result = match &stopped {
                        Some(reason) => Err(StoreError::WritesStopped(reason.clone())),
                        None => self.stage_append(&mut staged, request),
                    };
                    replies.push(Reply::Append(reply, result));
                }
                WriterMessage::Recorded { events, reply } => {
                    let result = match &stopped {
                        Some(reason) => Err(StoreError::WritesStopped(reason.clone())),
                        None => self.stage_recorded(&mut staged, events),
                    };
                    replies.push(Reply::Recorded(reply, result));
                }
                WriterMessage::Shutdown { reply } => shutdown = Some(reply),
            }
        }

        let write_error = records::write(&self.events, std::mem::take(&mut staged.records))
            .err()
            .map(|error| error.to_string());
        if write_error.is_none() {
            self.tail = staged.tail;
            self.stream_versions.extend(staged.stream_versions);
            self.commands_in_flight.extend(staged.commands);
        }
        FlushJob {
            head: staged.tail.head,
            entries: staged.entries,
            events: staged.events,
            replies,
            write_error,
            shutdown,
        }
    }

    fn stream_version(
        &self,
        staged: &Staged,
        stream_id: Uuid,
    ) -> Result<StreamVersion, StoreError> {
        if let Some(version) = staged.stream_versions.get(&stream_id) {
            return Ok(*version);
        }
        if let Some(version) = self.stream_versions.get(&stream_id) {
            return Ok(*version);
        }
        index::last_stream_version(&self.index, stream_id)
    }

    fn stage_append(
        &mut self,
        staged: &mut Staged,
        request: AppendRequest,
    ) -> Result<AppendOutcome, StoreError> {
        let command_id = request.context.command_id;
        if let Some(outcome) = staged
            .commands
            .get(&command_id)
            .or_else(|| self.commands_in_flight.get(&command_id))
        {
            return Ok(AppendOutcome {
                deduplicated: true,
                ..outcome.clone()
            });
        }
        if let Some(outcome) = self.stored_outcome(command_id)? {
            return Ok(AppendOutcome {
                deduplicated: true,
                ..outcome
            });
        }
        // Checked before the stream's version is looked up, as a malformed request needs none.
        crate::store::backend::validate_request(&request)?;
        let current = self.stream_version(staged, request.stream_id)?;
        let sealed = staged.tail.seal_append(request, current)?;
        let first_position = sealed.outcome.first_position;
        staged.records.add_append(first_position, sealed.encoded);
        for event in sealed.events {
            stage_event(staged, event);
        }
        self.command_filter.insert(command_id);
        stage_command(staged, command_id, &sealed.outcome);
        Ok(sealed.outcome)
    }

    fn stage_recorded(
        &mut self,
        staged: &mut Staged,
        events: Vec<RecordedEvent>,
    ) -> Result<(), StoreError> {
        // Check every event before staging any, so a bad batch leaves nothing behind.
        let tail = staged.tail;
        check_continues(&tail, &events, |stream_id| {
            self.stream_version(staged, stream_id)
        })?;
        let encoded = events
            .iter()
            .map(|event| {
                event.to_canonical_bytes().map_err(|error| {
                    StoreError::InvalidAppend(format!("the event cannot be encoded: {error}"))
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        let mut outcomes = OutcomeCollector::default();
        // Each command's events stay together, as its append did.
        let mut run: Vec<Vec<u8>> = Vec::new();
        let mut run_start = (staged.tail.head + 1, None);
        for (event, bytes) in events.iter().zip(encoded) {
            let command_id = Some(event.metadata.command_id);
            if command_id != run_start.1 && !run.is_empty() {
                staged
                    .records
                    .add_append(run_start.0, std::mem::take(&mut run));
            }
            if run.is_empty() {
                run_start = (event.position, command_id);
            }
            run.push(bytes);
        }
        if !run.is_empty() {
            staged.records.add_append(run_start.0, run);
        }
        for event in events {
            outcomes.add(&event);
            stage_event(staged, event);
        }
        for (command_id, outcome) in outcomes.finish() {
            // A command split across import batches continues the outcome stored for it.
            let earlier = match staged.commands.get(&command_id) {
                Some(earlier) => Some(earlier.clone()),
                None => match self.commands_in_flight.get(&command_id) {
                    Some(earlier) => Some(earlier.clone()),
                    None => self.stored_outcome(command_id)?,
                },
            };
            match earlier {
                None => {
                    self.command_filter.insert(command_id);
                    stage_command(staged, command_id, &outcome);
                }
                Some(earlier)
                    if earlier.stream_id == outcome.stream_id
                        && earlier.last_position + 1 == outcome.first_position =>
                {
                    let continued = AppendOutcome {
                        last_position: outcome.last_position,
                        stream_version: outcome.stream_version,
                        ..earlier
                    };
                    stage_command(staged, command_id, &continued);
                }
                // The same id on another stream or further away is not the same command.
                Some(_) => {}
            }
        }
        Ok(())
    }

    /// The durable outcome of a command: waiting for the indexer, or in the index. The
    /// filter spares the index lookup for (nearly every) new command.
    fn stored_outcome(&self, command_id: Uuid) -> Result<Option<AppendOutcome>, StoreError> {
        if let Some(outcome) = self.pending.command(command_id) {
            return Ok(Some(outcome));
        }
        if !self.command_filter.might_contain(command_id) {
            return Ok(None);
        }
        read_outcome(&self.index, &self.pending.runs, command_id)
    }
}

impl Flusher {
    pub(super) fn run(self, groups: std::sync::mpsc::Receiver<FlushJob>) {
        while let Ok(first) = groups.recv() {
            let mut jobs = vec![first];
            while let Ok(job) = groups.try_recv() {
                jobs.push(job);
            }
            let count = jobs.len() as u64;
            let shutdown = self.committer.commit(jobs);
            self.outstanding.fetch_sub(count, Ordering::AcqRel);
            if let Some(shutdown) = shutdown {
                self.committer.final_flush();
                let _ = shutdown.send(());
                return;
            }
        }
        self.committer.final_flush();
    }
}

impl Committer {
    /// Flushes once for `jobs`, then indexes, publishes and answers them in order. Returns
    /// the reply of a shutdown request among them.
    fn commit(&self, jobs: Vec<FlushJob>) -> Option<oneshot::Sender<()>> {
        let mut failure = self.stopped_reason();
        if failure.is_none() {
            failure = jobs.iter().find_map(|job| job.write_error.clone());
        }
        let has_events = jobs.iter().any(|job| !job.events.is_empty());
        if failure.is_none() && has_events {
            let started = std::time::Instant::now();
            let flushed = self.db.flush();
            WriteCounters::add_time(&self.counters.flushing_micros, started);
            match flushed {
                Ok(_) => {
                    self.counters.flushes.fetch_add(1, Ordering::AcqRel);
                }
                Err(error) => failure = Some(error.to_string()),
            }
        }
        let mut shutdown = None;
        let started = std::time::Instant::now();
        for job in jobs {
            if job.shutdown.is_some() {
                shutdown = job.shutdown;
            }
            match &failure {
                None => self.acknowledge(job.head, job.entries, job.events, job.replies),
                Some(reason) => {
                    self.stop(reason);
                    for reply in job.replies {
                        reply.fail(reason);
                    }
                }
            }
        }
        WriteCounters::add_time(&self.counters.acknowledging_micros, started);
        shutdown
    }

    fn stopped_reason(&self) -> Option<String> {
        locked(&self.stopped).clone()
    }

    fn stop(&self, reason: &str) {
        let mut stopped = locked(&self.stopped);
        if stopped.is_none() {
            tracing::error!(%reason, "writing to the log failed; no more writes are accepted");
            *stopped = Some(reason.to_owned());
        }
    }

    /// Records a durable group's index entries, moves the durable head, folds the events into
    /// the views, publishes and answers: a caller answered here finds its events in the views
    /// without waiting for a projector task to wake.
    fn acknowledge(
        &self,
        head: Position,
        entries: GroupEntries,
        events: Vec<Arc<RecordedEvent>>,
        replies: Vec<Reply>,
    ) {
        if !events.is_empty() {
            // Recorded before the head moves, so a reader that sees an event finds its entry.
            let waiting = self.pending.record(entries, head);
            if waiting > MAX_PENDING {
                // The indexer is behind: write the entries here rather than let them pile up.
                if let Err(reason) = self.pending.drain(&self.index) {
                    // The events are durable; the index is re-derived from them at the next
                    // open.
                    self.stop(&reason);
                }
            }
            self.durable_head.store(head, Ordering::Release);
            self.counters
                .events
                .fetch_add(events.len() as u64, Ordering::AcqRel);
            for event in &events {
                self.fold.fold(event);
            }
            for event in events {
                // No receiver is not an error: nobody is listening yet.
                let _ = self.live.send(event);
            }
        }
        for reply in replies {
            reply.send();
        }
    }

    /// Writes the waiting index entries, stops the indexer and flushes both databases.
    fn final_flush(&self) {
        if let Err(reason) = self.pending.drain(&self.index) {
            tracing::error!(%reason, "the next start re-indexes the log");
        }
        self.pending.shut_down();
        for database in [&self.db, &self.index_db] {
            if let Err(error) = database.flush() {
                tracing::error!(%error, "final flush failed");
            }
        }
    }
}

pub(super) fn stage_event(staged: &mut Staged, event: RecordedEvent) {
    staged
        .entries
        .streams
        .push((event.stream_id, event.stream_version, event.position));
    staged.tail.follow(&event);
    staged
        .stream_versions
        .insert(event.stream_id, event.stream_version);
    staged.events.push(Arc::new(event));
}

pub(super) fn stage_command(staged: &mut Staged, command_id: Uuid, outcome: &AppendOutcome) {
    staged.entries.commands.push((command_id, outcome.clone()));
    staged.commands.insert(command_id, outcome.clone());
}

/// A filter of every command id in the index: `command_ids` (those of its runs) and those
/// of its `c` keys (a store written before runs).
pub(super) fn fill_command_filter(
    index: &sled::Tree,
    mut command_ids: Vec<Uuid>,
) -> Result<CommandFilter, StoreError> {
    let started = std::time::Instant::now();
    for key in index.scan_prefix([b'c']).keys() {
        let key = key.map_err(backend)?;
        if let Some(command_id) = key
            .get(1..17)
            .and_then(|bytes| Uuid::from_slice(bytes).ok())
        {
            command_ids.push(command_id);
        }
    }
    // Room for as many again before the filter needs a new layer.
    let mut filter = CommandFilter::with_capacity(command_ids.len() * 2);
    for command_id in command_ids {
        filter.insert(command_id);
    }
    tracing::debug!(
        bytes = filter.bytes(),
        elapsed_ms = started.elapsed().as_millis() as u64,
        "filled the command filter"
    );
    Ok(filter)
}

impl Reply {
    fn send(self) {
        // A caller that gave up waiting is not the writer's problem.
        match self {
            Reply::Append(reply, result) => {
                let _ = reply.send(result);
            }
            Reply::Recorded(reply, result) => {
                let _ = reply.send(result);
            }
        }
    }

    fn fail(self, reason: &str) {
        match self {
            Reply::Append(reply, result) => {
                let _ = reply.send(result.and(Err(StoreError::WritesStopped(reason.into()))));
            }
            Reply::Recorded(reply, result) => {
                let _ = reply.send(result.and(Err(StoreError::WritesStopped(reason.into()))));
            }
        }
    }
}
