//! Scenario 5: the PostgreSQL store. Scenario 1 (durable appends with concurrent writers) and
//! scenario 2 (fan-out to websocket subscribers, here on two nodes) on
//! [`PostgresEventStore`], reported beside the same on sled, measured in the same run.
//!
//! - **Append**: the store's group commit against a baseline in the same schema: plain
//!   `INSERT`s of rows of the same shape and size into a copy of the `events` table (same
//!   keys and indexes), one transaction each, from as many connections as there are writers
//!   (at most [`BASELINE_CONNECTIONS`]); and the sled log with the same writers.
//! - **Fan-out on two nodes**: two servers in this process, each with its own
//!   [`PostgresEventStore`] on one shared schema (as two machines behind a load balancer
//!   would be), the writer on the first, the subscribers split over both; the second node
//!   learns of each event by `NOTIFY`. Beside it, in the same run: one node on sled and the
//!   bare tokio-tungstenite broadcast of scenario 2 (the floor).
//!
//! Every configuration gets a fresh schema, named after the run, dropped when it is done.

use std::path::Path;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;
use std::time::Instant;

use serde::Serialize;
use tokio_postgres::NoTls;
use uuid::Uuid;

use super::fanout::{self, FanoutFigures, RATE_PER_S};
use super::live::LiveServer;
use super::{append, BenchError, Latency, Scratch, Throughput};
use partnerhub::privacy::KeyStore;
use partnerhub::store::{EventStore, PostgresEventStore};

/// Where the benchmark finds PostgreSQL unless told otherwise.
pub const DEFAULT_URL: &str = "postgres://root@127.0.0.1:5432/test";
/// The most connections the plain-insert baseline opens (the server allows 100 in all).
pub const BASELINE_CONNECTIONS: usize = 32;

/// One append configuration on PostgreSQL.
#[derive(Debug, Clone, Serialize)]
pub struct PostgresAppendResult {
    /// Always `postgres_append`.
    pub scenario: &'static str,
    /// Concurrent writers.
    pub writers: usize,
    /// Events appended.
    pub events: usize,
    /// Bytes of one stored event (the baseline writes rows with values of this size).
    pub event_bytes: usize,
    /// The PostgreSQL store's figures.
    #[serde(flatten)]
    pub measured: Throughput,
    /// Transactions the store's writer committed (events per commit shows group commit).
    pub commits: u64,
    /// Baseline: plain `INSERT`s of the same rows, one transaction each.
    pub baseline_plain_inserts: Throughput,
    /// Connections the baseline used.
    pub baseline_connections: usize,
    /// The sled log with the same writers, same run.
    pub sled: Throughput,
    /// `events_per_s` divided by the baseline's.
    pub ratio_to_plain_inserts: f64,
    /// `events_per_s` divided by sled's.
    pub ratio_to_sled: f64,
}

/// One fan-out configuration on two PostgreSQL nodes.
#[derive(Debug, Clone, Serialize)]
pub struct PostgresFanoutResult {
    /// Always `postgres_fanout`.
    pub scenario: &'static str,
    /// Servers sharing the schema; subscribers are split evenly over them.
    pub nodes: usize,
    /// Websocket subscribers in all.
    pub subscribers: usize,
    /// Events the writer appended.
    pub events: u64,
    /// The writer's rate, events per second.
    pub rate_per_s: f64,
    /// What the subscribers of both nodes saw.
    #[serde(flatten)]
    pub measured: FanoutFigures,
    /// The writer's own latency (command call to acknowledgement), on the first node.
    pub append: Latency,
    /// One node on sled, same subscribers, same run.
    pub sled: FanoutFigures,
    /// The sled writer's latency.
    pub sled_append: Latency,
    /// The floor of scenario 2: a bare tokio-tungstenite broadcast.
    pub baseline_bare_broadcast: FanoutFigures,
    /// `p99_ms` divided by the floor's.
    pub ratio_p99_to_floor: f64,
    /// `p99_ms` divided by sled's.
    pub ratio_p99_to_sled: f64,
    /// No subscriber missed or reordered an event.
    pub complete: bool,
}

/// A result of scenario 5.
#[derive(Debug, Clone, Serialize)]
#[serde(untagged)]
pub enum PostgresResult {
    /// An append configuration.
    Append(PostgresAppendResult),
    /// A fan-out configuration.
    Fanout(PostgresFanoutResult),
}

impl PostgresResult {
    /// One line for people.
    pub fn table_row(&self) -> String {
        match self {
            PostgresResult::Append(result) => format!(
                "append   writers {:>4}: {:>8.0} ev/s p50 {:>7.3} p99 {:>7.3} ms, {:>6} commits | plain INSERTs ({} conn) {:>8.0} ev/s p99 {:>7.3} ms | sled {:>8.0} ev/s p99 {:>7.3} ms | x plain {:>6.2}  x sled {:>5.2}",
                result.writers,
                result.measured.events_per_s,
                result.measured.latency.p50_ms,
                result.measured.latency.p99_ms,
                result.commits,
                result.baseline_connections,
                result.baseline_plain_inserts.events_per_s,
                result.baseline_plain_inserts.latency.p99_ms,
                result.sled.events_per_s,
                result.sled.latency.p99_ms,
                result.ratio_to_plain_inserts,
                result.ratio_to_sled,
            ),
            PostgresResult::Fanout(result) => format!(
                "fanout   {:>5} subscribers on {} nodes: p50 {:>7.2} p99 {:>7.2} max {:>7.2} ms, missed {} reordered {}, append p99 {:>6.2} | sled 1 node p50 {:>7.2} p99 {:>7.2} | floor p50 {:>7.2} p99 {:>7.2} | x p99 floor {:>5.2}  x p99 sled {:>5.2}",
                result.subscribers,
                result.nodes,
                result.measured.latency.p50_ms,
                result.measured.latency.p99_ms,
                result.measured.latency.max_ms,
                result.measured.missed,
                result.measured.reordered,
                result.append.p99_ms,
                result.sled.latency.p50_ms,
                result.sled.latency.p99_ms,
                result.baseline_bare_broadcast.latency.p50_ms,
                result.baseline_bare_broadcast.latency.p99_ms,
                result.ratio_p99_to_floor,
                result.ratio_p99_to_sled,
            ),
        }
    }
}

/// What scenario 5 measures.
#[derive(Debug, Clone)]
pub struct PostgresPlan {
    /// The database (`postgres://user@host:port/database`); schemas are created in it.
    pub url: String,
    /// Events per append configuration (and per baseline).
    pub events: usize,
    /// Writer counts of the append part.
    pub writers: Vec<usize>,
    /// Subscriber counts of the fan-out part.
    pub subscribers: Vec<usize>,
    /// Seconds of writing per fan-out configuration (and per comparison).
    pub seconds: u64,
}

/// Scenario 5 as `plan` says; scratch files (sled, key stores) go under `scratch_parent`.
/// `report` receives each result as soon as it is measured.
///
/// # Errors
/// PostgreSQL unreachable, and every failure of scenarios 1 and 2.
pub async fn postgres_store(
    scratch_parent: &Path,
    plan: &PostgresPlan,
    report: &mut (dyn FnMut(&PostgresResult) + Send),
) -> Result<Vec<PostgresResult>, BenchError> {
    let run = Uuid::new_v4().simple().to_string();
    let run = &run[..12];
    let scratch = Scratch::new(scratch_parent, "postgres")?;
    let event_bytes = append::stored_event_size(&scratch.0).await?;
    let mut results = Vec::new();
    for &writers in &plan.writers {
        let schema = format!("bench_{run}_append_{writers}");
        let measured = measure_append(plan, &schema, &scratch.0, writers, event_bytes).await;
        drop_schema(&plan.url, &schema).await?;
        let result = PostgresResult::Append(measured?);
        report(&result);
        results.push(result);
    }
    let events = ((RATE_PER_S * plan.seconds as f64).round() as u64).max(1);
    for &subscribers in &plan.subscribers {
        let schema = format!("bench_{run}_fanout_{subscribers}");
        let measured = measure_fanout(plan, &schema, &scratch.0, subscribers, events).await;
        drop_schema(&plan.url, &schema).await?;
        let result = PostgresResult::Fanout(measured?);
        report(&result);
        results.push(result);
    }
    Ok(results)
}

fn database(what: &str, error: impl std::fmt::Display) -> BenchError {
    BenchError::Setup(format!("PostgreSQL, {what}: {error}"))
}

async fn connect(url: &str) -> Result<tokio_postgres::Client, BenchError> {
    let (client, connection) = tokio_postgres::connect(url, NoTls)
        .await
        .map_err(|error| database("connecting", error))?;
    tokio::spawn(connection);
    Ok(client)
}

/// Creates the schema `schema` in the database at `url` (for a scenario that starts servers on
/// it by URL).
pub(crate) async fn create_schema(url: &str, schema: &str) -> Result<(), BenchError> {
    connect(url)
        .await?
        .batch_execute(&format!("CREATE SCHEMA IF NOT EXISTS \"{schema}\""))
        .await
        .map_err(|error| database("creating the benchmark's schema", error))
}

pub(crate) async fn drop_schema(url: &str, schema: &str) -> Result<(), BenchError> {
    connect(url)
        .await?
        .batch_execute(&format!("DROP SCHEMA IF EXISTS \"{schema}\" CASCADE"))
        .await
        .map_err(|error| database("dropping the benchmark's schema", error))
}

async fn measure_append(
    plan: &PostgresPlan,
    schema: &str,
    scratch: &Path,
    writers: usize,
    event_bytes: usize,
) -> Result<PostgresAppendResult, BenchError> {
    let store = Arc::new(PostgresEventStore::connect_to_schema(&plan.url, schema).await?);
    // The baseline's table: the store's `events`, same keys and indexes, in the same schema.
    let table = format!("\"{schema}\".plain_events");
    connect(&plan.url)
        .await?
        .batch_execute(&format!(
            "CREATE TABLE {table} (LIKE \"{schema}\".events INCLUDING ALL)"
        ))
        .await
        .map_err(|error| database("creating the baseline's table", error))?;
    let connections = writers.clamp(1, BASELINE_CONNECTIONS);
    let baseline = plain_inserts(&plan.url, &table, connections, plan.events, event_bytes).await;
    let measured = append::append_concurrently(store.clone(), writers, plan.events)
        .await
        .map(append::Timed::throughput);
    let commits = store.commit_statistics().commits;
    store.shutdown().await;
    drop(store);
    let (sled, _, _, _) = append::measure_log(
        &scratch.join(format!("sled-{writers}")),
        writers,
        plan.events,
    )
    .await?;
    let (measured, baseline) = (measured?, baseline?);
    Ok(PostgresAppendResult {
        scenario: "postgres_append",
        writers,
        events: writers * plan.events.div_ceil(writers),
        event_bytes,
        ratio_to_plain_inserts: measured.events_per_s / baseline.events_per_s,
        ratio_to_sled: measured.events_per_s / sled.events_per_s,
        measured,
        commits,
        baseline_plain_inserts: baseline,
        baseline_connections: connections,
        sled,
    })
}

/// The baseline: `events` plain `INSERT`s into `table`, one transaction each (autocommit),
/// spread over `connections` connections, each its own stream.
async fn plain_inserts(
    url: &str,
    table: &str,
    connections: usize,
    events: usize,
    event_bytes: usize,
) -> Result<Throughput, BenchError> {
    let per_connection = events.div_ceil(connections);
    let next_position = Arc::new(AtomicI64::new(1));
    let mut clients = Vec::with_capacity(connections);
    for _ in 0..connections {
        clients.push(connect(url).await?);
    }
    let started = Instant::now();
    let mut tasks = Vec::with_capacity(connections);
    for client in clients {
        let next_position = next_position.clone();
        let insert = format!(
            "INSERT INTO {table} (position, stream_id, stream_version, command_id, recorded_at, bytes) \
             VALUES ($1, $2, $3, $4, $5, $6)"
        );
        tasks.push(tokio::spawn(async move {
            let statement = client
                .prepare(&insert)
                .await
                .map_err(|error| database("preparing the baseline's insert", error))?;
            let stream_id = Uuid::new_v4();
            let bytes = vec![b'x'; event_bytes];
            let mut samples = Vec::with_capacity(per_connection);
            for version in 1..=per_connection as i64 {
                let call = Instant::now();
                let position = next_position.fetch_add(1, Ordering::Relaxed);
                client
                    .execute(
                        &statement,
                        &[
                            &position,
                            &stream_id,
                            &version,
                            &Uuid::new_v4(),
                            &chrono::Utc::now(),
                            &bytes,
                        ],
                    )
                    .await
                    .map_err(|error| database("the baseline's insert", error))?;
                samples.push(call.elapsed());
            }
            Ok::<_, BenchError>(samples)
        }));
    }
    let mut samples = Vec::with_capacity(per_connection * connections);
    for task in tasks {
        samples.extend(task.await??);
    }
    let elapsed = started.elapsed();
    Ok(Throughput::of(samples.len(), elapsed, &mut samples))
}

async fn measure_fanout(
    plan: &PostgresPlan,
    schema: &str,
    scratch: &Path,
    subscribers: usize,
    events: u64,
) -> Result<PostgresFanoutResult, BenchError> {
    let clock = Instant::now();
    let (sled, sled_append) = fanout::measure_server(scratch, subscribers, events, clock).await?;

    // Each node as `serve --store postgres` opens it: the log and the key store in the
    // database (the boards' sealing keys are shared, so either node can show a board's events).
    let first_store = Arc::new(PostgresEventStore::connect_to_schema(&plan.url, schema).await?);
    let first_keys = Arc::new(KeyStore::on_postgres(&first_store));
    let first =
        LiveServer::start_on(Scratch::new(scratch, "node-a")?, first_store, first_keys).await?;
    let second_store = match PostgresEventStore::connect_to_schema(&plan.url, schema).await {
        Ok(store) => Arc::new(store),
        Err(error) => {
            first.stop().await?;
            return Err(error.into());
        }
    };
    let second_keys = Arc::new(KeyStore::on_postgres(&second_store));
    let second = match LiveServer::join(
        Scratch::new(scratch, "node-b")?,
        second_store,
        second_keys,
        &first,
    )
    .await
    {
        Ok(second) => second,
        Err(error) => {
            first.stop().await?;
            return Err(error);
        }
    };
    let measured =
        fanout::measure_nodes(&first, &[&first, &second], subscribers, events, clock).await;
    second.stop().await?;
    first.stop().await?;
    let (measured, append) = measured?;

    let floor = fanout::measure_bare(subscribers, events, measured.frame_bytes, clock).await?;
    let ratio = |of: f64, to: f64| of / to.max(f64::MIN_POSITIVE);
    Ok(PostgresFanoutResult {
        scenario: "postgres_fanout",
        nodes: 2,
        subscribers,
        events,
        rate_per_s: RATE_PER_S,
        ratio_p99_to_floor: ratio(measured.latency.p99_ms, floor.latency.p99_ms),
        ratio_p99_to_sled: ratio(measured.latency.p99_ms, sled.latency.p99_ms),
        complete: measured.missed == 0 && measured.reordered == 0 && measured.closed_early == 0,
        measured,
        append,
        sled,
        sled_append,
        baseline_bare_broadcast: floor,
    })
}
