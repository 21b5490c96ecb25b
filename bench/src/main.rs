//! `partnerhub-bench`: the benchmark scenarios of BENCHMARKS.md on the command line.
//!
//! A binary of its own, apart from the `partnerhub` server, so that the server carries no
//! benchmark code and none of the stores it is compared with (redb, fjall). It links the
//! server as a library and measures it in this process (or, for scenario 3, in a second
//! process of this same binary).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use clap::{Parser, Subcommand};

/// mimalloc, as in the `partnerhub` server, so that the figures are the server's (see its
/// `main.rs` and BENCHMARKS.md, scenario 1).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// partnerhub-bench: measure a scenario of partnerhub beside baselines run in the same
/// process (see BENCHMARKS.md).
#[derive(Parser)]
#[command(version, about, long_about = None)]
struct Cli {
    /// Where the scratch stores go (each removed afterwards).
    #[arg(
        long,
        global = true,
        env = "PARTNERHUB_DATA",
        default_value = "./partnerhub-data"
    )]
    data: PathBuf,

    #[command(subcommand)]
    scenario: Scenario,
}

#[derive(Subcommand)]
enum Scenario {
    /// Scenario 1: durable appends with concurrent writers, beside raw sled loops that flush
    /// per event and per 256 events. Scratch stores go under --data and are removed.
    Append {
        /// Events per configuration (and per baseline).
        #[arg(long, default_value_t = 50_000)]
        events: usize,
        /// Concurrent writer counts to measure, comma-separated.
        #[arg(long, value_delimiter = ',', default_value = "1,16,256")]
        writers: Vec<usize>,
        /// Print one JSON object per configuration instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Scenario 2: one workspace's events pushed to N websocket subscribers at 20 events/s,
    /// beside a bare tokio-tungstenite broadcast of frames of the same size (the floor).
    Fanout {
        /// Subscriber counts to measure, comma-separated.
        #[arg(long, value_delimiter = ',', default_value = "100,1000,5000")]
        subscribers: Vec<usize>,
        /// Seconds of writing per configuration (and per baseline).
        #[arg(long, default_value_t = 20)]
        seconds: u64,
        /// Print one JSON object per configuration instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Issue 19, scenario 2: live fan-out to N websocket subscribers at 20 messages/s,
    /// partnerhub beside `nats-server`'s websocket listener (each server a process of its
    /// own, in alternating rounds): delivery latency, losses, memory per subscriber, CPU.
    NatsFanout {
        /// Subscriber counts to measure, comma-separated.
        #[arg(long, value_delimiter = ',', default_value = "100,1000,5000")]
        subscribers: Vec<usize>,
        /// Seconds of writing per measurement.
        #[arg(long, default_value_t = 20)]
        seconds: u64,
        /// Rounds (NATS, then partnerhub, in each) per subscriber count.
        #[arg(long, default_value_t = 2)]
        rounds: usize,
        /// The `nats-server` executable.
        #[arg(long, default_value = "/usr/sbin/nats-server")]
        nats_server: PathBuf,
        /// Print one JSON object per round instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// The partnerhub server process of `nats-fanout` (serves until standard input ends).
    #[command(hide = true)]
    NatsFanoutServer,
    /// Scenario 3: idle authenticated subscribers held by the server (driven from a second
    /// process); resident memory per connection and health-check latency.
    Connections {
        /// Idle subscribers.
        #[arg(long, default_value_t = 10_000)]
        connections: usize,
        /// Health checks before and with the subscribers (20 ms apart).
        #[arg(long, default_value_t = 1_500)]
        health_checks: usize,
        /// Print one JSON object instead of a report.
        #[arg(long)]
        json: bool,
    },
    /// Scenario 5: scenarios 1 and 2 on the PostgreSQL store (fan-out on two nodes sharing
    /// one schema), beside plain INSERTs and sled in the same run. Each configuration gets a
    /// fresh schema, dropped afterwards.
    Postgres {
        /// The database to create the scratch schemas in.
        #[arg(long, default_value = partnerhub_bench::postgres::DEFAULT_URL)]
        url: String,
        /// Events per append configuration (and per baseline).
        #[arg(long, default_value_t = 10_000)]
        events: usize,
        /// Concurrent writer counts to measure, comma-separated.
        #[arg(long, value_delimiter = ',', default_value = "1,16,256")]
        writers: Vec<usize>,
        /// Subscriber counts of the fan-out part, comma-separated.
        #[arg(long, value_delimiter = ',', default_value = "100,1000,5000")]
        subscribers: Vec<usize>,
        /// Seconds of writing per fan-out configuration (and per comparison).
        #[arg(long, default_value_t = 20)]
        seconds: u64,
        /// Print one JSON object per configuration instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Issue 19, scenario 3: time from a server process's start to `/readyz` on a log of
    /// `--events` events, from its projection checkpoint beside a full rebuild (alternating
    /// rounds), and its resident memory once started; on sled, and with `--postgres` also on
    /// a fresh schema of that database.
    Startup {
        /// Events in the generated history.
        #[arg(long, default_value_t = 1_000_000)]
        events: u64,
        /// Starts of each kind (rebuild, checkpoint), alternating.
        #[arg(long, default_value_t = 2)]
        rounds: usize,
        /// Also on PostgreSQL: the database to create a scratch schema in.
        #[arg(long)]
        postgres: Option<String>,
        /// Two more starts per round: a rebuild whose server is killed (SIGKILL) once its
        /// checkpoint is written, then the start from that checkpoint after the crash.
        #[arg(long)]
        after_crash: bool,
        /// Print one JSON object per start instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Issue 19, scenario 1: N clients each sending single-event edits over its own websocket
    /// and waiting for each durable acknowledgement, beside Redis Streams (`appendfsync
    /// always`) and plain PostgreSQL inserts, each started fresh per run; alternating rounds.
    Edits {
        /// Client counts to measure, comma-separated.
        #[arg(long, value_delimiter = ',', default_value = "1,16,256")]
        clients: Vec<usize>,
        /// Seconds per run (unless --edits is given).
        #[arg(long, default_value_t = 5.0)]
        seconds: f64,
        /// Edits per run over all clients, instead of --seconds.
        #[arg(long)]
        edits: Option<usize>,
        /// Runs of each system, alternating.
        #[arg(long, default_value_t = 2)]
        rounds: usize,
        /// PostgreSQL (the peer's and partnerhub's fresh schemas go there); without it,
        /// Redis and partnerhub on sled only.
        #[arg(long)]
        postgres: Option<String>,
        /// Only these systems (comma-separated, of redis, partnerhub-sled, postgres,
        /// partnerhub-postgres, ws-floor, ws-fsync-floor), for profiling one of them;
        /// default all.
        #[arg(long, value_delimiter = ',')]
        systems: Vec<String>,
        /// Print one JSON object per run and per summary instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// The server process of `edits` (serves until standard input ends).
    #[command(hide = true)]
    EditsServer {
        /// The embedded store's data directory.
        #[arg(long)]
        directory: Option<PathBuf>,
        /// The PostgreSQL store's URL.
        #[arg(long)]
        store: Option<String>,
        /// Workspaces to prepare (one per client).
        #[arg(long)]
        workspaces: usize,
    },
    /// A floor server of `edits` (serves until standard input ends).
    #[command(hide = true)]
    EditsFloorServer {
        /// What it does before it acknowledges.
        #[arg(long, value_enum)]
        mode: partnerhub_bench::edits_floor::FloorMode,
        /// Where its log file goes.
        #[arg(long)]
        directory: PathBuf,
        /// PostgreSQL (with the scratch schema as its search path), for `--mode postgres`.
        #[arg(long)]
        store: Option<String>,
        /// Clients to name a workspace for.
        #[arg(long)]
        workspaces: usize,
        /// Bytes each edit takes in the log file.
        #[arg(long)]
        edit_bytes: usize,
        /// Bytes of the log file written with zeros before the clients come.
        #[arg(long, default_value_t = partnerhub_bench::edits_floor::PREFILLED_BYTES)]
        prefill_bytes: u64,
    },
    /// The server process of `startup` (serves until standard input ends).
    #[command(hide = true)]
    StartupServer {
        /// The embedded store's data directory.
        #[arg(long)]
        directory: Option<PathBuf>,
        /// The PostgreSQL store's URL.
        #[arg(long)]
        store: Option<String>,
    },
    /// The client process of scenario 3 (started by `connections`; reads the token from
    /// standard input and holds the connections until standard input ends).
    #[command(hide = true)]
    ConnectionsClient {
        /// The server's websocket address.
        #[arg(long)]
        url: String,
        /// The workspace to subscribe to.
        #[arg(long)]
        workspace: uuid::Uuid,
        /// Connections to hold.
        #[arg(long)]
        connections: usize,
    },
    /// Scenario 4: a generated history of one workspace; full rebuild of the views beside a
    /// scan that only parses (the floor), and "as of" queries with and without snapshots.
    Rebuild {
        /// Events in the generated history.
        #[arg(long, default_value_t = 1_000_000)]
        events: u64,
        /// "As of" queries with snapshots.
        #[arg(long, default_value_t = 200)]
        queries: usize,
        /// "As of" queries without snapshots (each replays from the first event).
        #[arg(long, default_value_t = 10)]
        queries_without: usize,
        /// Stop the rebuild or a query when this process's resident memory passes this many
        /// GiB (the figures then say how far it got).
        #[arg(long, default_value_t = 12.0)]
        max_memory_gib: f64,
        /// Print one JSON object instead of a report.
        #[arg(long)]
        json: bool,
    },
    /// Soak: sled's on-disk bytes beside the logical bytes of the events, while a realistic
    /// history is appended durably and after reopening (space amplification); then the same
    /// events in raw sled, redb and fjall, and an abrupt-stop check of redb and fjall.
    Soak {
        /// Events to append.
        #[arg(long, default_value_t = 1_000_000)]
        events: u64,
        /// Events between two measurements.
        #[arg(long, default_value_t = 100_000)]
        every: u64,
        /// Events per durable batch (whole commands) of the baselines.
        #[arg(long, default_value_t = 256)]
        batch: usize,
        /// Abrupt stops (SIGKILL of a child appending) per baseline; 0 skips the check.
        #[arg(long, default_value_t = 20)]
        kills: usize,
        /// Print one JSON object per measurement instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// The child process of the soak's abrupt-stop check (started and killed by `soak`).
    #[command(hide = true)]
    SoakCrashChild {
        /// `redb` or `fjall` (or `sled-batched`).
        #[arg(long)]
        engine: partnerhub_bench::AlternativeStore,
        /// The store's directory.
        #[arg(long)]
        directory: std::path::PathBuf,
        /// Events per fsync'd batch.
        #[arg(long)]
        batch: usize,
        /// Stop after appending this many events (if not killed first).
        #[arg(long, default_value_t = 2_000_000)]
        limit: u64,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    partnerhub::server::run_command_line(run(&cli.data, cli.scenario))
}

/// One result as one line of JSON on standard output.
fn emit_json(result: &impl serde::Serialize) {
    match serde_json::to_string(result) {
        Ok(line) => println!("{line}"),
        Err(error) => eprintln!("cannot encode a result: {error}"),
    }
}

/// Where a scenario's results go: with `--json` one line of JSON each, otherwise a line of
/// text each (after its table's header, if it has one).
#[derive(Clone, Copy)]
struct Output {
    json: bool,
}

impl Output {
    /// Prints a table's header, unless the results are JSON.
    fn header(self, header: impl FnOnce() -> String) {
        if !self.json {
            println!("{}", header());
        }
    }

    /// Prints one result: as JSON, or as `text` says.
    fn result<T: serde::Serialize>(self, result: &T, text: impl FnOnce(&T) -> String) {
        if self.json {
            emit_json(result);
        } else {
            println!("{}", text(result));
        }
    }
}

/// Refuses an option whose counts are not all at least 1.
fn at_least_one(option: &str, counts: &[usize]) -> anyhow::Result<()> {
    anyhow::ensure!(
        counts.iter().all(|count| *count > 0),
        "{option} must all be at least 1"
    );
    Ok(())
}

/// Creates `data`, where the scenarios put their scratch stores.
fn create_data_directory(data: &Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(data).with_context(|| format!("cannot create {}", data.display()))
}

/// Raises this process's open-file limit as far as it goes and warns when that is still
/// fewer than `needed` files (a benchmark's sockets count as files).
fn ensure_open_files(needed: usize) -> anyhow::Result<()> {
    let (soft, hard) = partnerhub_bench::raise_open_file_limit()?;
    if (soft as usize) < needed {
        eprintln!(
            "warning: this process may open {soft} files (hard limit {hard}); {needed} are \
             needed for the largest configuration"
        );
    }
    Ok(())
}

/// Runs `scenario` with its scratch stores under `data`.
async fn run(data: &Path, scenario: Scenario) -> anyhow::Result<ExitCode> {
    match scenario {
        Scenario::Append {
            events,
            writers,
            json,
        } => {
            let output = Output { json };
            anyhow::ensure!(events > 0, "--events must be at least 1");
            at_least_one("--writers", &writers)?;
            create_data_directory(data)?;
            if !output.json {
                println!(
                    "{:>7}  {:>12}  {:>8}  {:>8}  {:>7}  {:>15}  {:>11}  {:>12}  {:>12}  {:>8}  {:>8}  bar",
                    "writers",
                    "events/s",
                    "p50 ms",
                    "p99 ms",
                    "flushes",
                    "busy w/f/a/i %",
                    "cpu µs/ev",
                    "(a) ev/s",
                    "(b) ev/s",
                    "x (a)",
                    "x (b)"
                );
            }
            partnerhub_bench::durable_append(data, events, &writers, &mut |result| {
                if output.json {
                    emit_json(result);
                } else {
                    println!(
                        "{:>7}  {:>12.0}  {:>8.3}  {:>8.3}  {:>7}  {:>15}  {:>11}  {:>12.0}  {:>12.0}  {:>8.2}  {:>8.2}  {} {}",
                        result.writers,
                        result.measured.events_per_s,
                        result.measured.latency.p50_ms,
                        result.measured.latency.p99_ms,
                        result.flushes,
                        format!(
                            "{:.0}/{:.0}/{:.0}/{:.0}",
                            result.writer_busy * 100.0,
                            result.flusher_flushing * 100.0,
                            result.flusher_acknowledging * 100.0,
                            result.indexer_busy * 100.0
                        ),
                        format!(
                            "{:.1}/{:.1}",
                            result.cpu_us_per_event.get("total").copied().unwrap_or(0.0),
                            result.baseline_flush_per_256_cpu_us_per_event
                        ),
                        result.baseline_flush_per_event.events_per_s,
                        result.baseline_flush_per_256.events_per_s,
                        result.ratio_to_flush_per_event,
                        result.ratio_to_flush_per_256,
                        if result.bar_met { "met" } else { "NOT MET" },
                        result.bar,
                    );
                }
            })
            .await?;
            Ok(ExitCode::SUCCESS)
        }
        Scenario::Fanout {
            subscribers,
            seconds,
            json,
        } => {
            let output = Output { json };
            anyhow::ensure!(seconds > 0, "--seconds must be at least 1");
            at_least_one("--subscribers", &subscribers)?;
            create_data_directory(data)?;
            // Client and server side of every connection are files of this process.
            ensure_open_files(subscribers.iter().max().copied().unwrap_or(0) * 2 + 256)?;
            output.header(partnerhub_bench::FanoutResult::table_header);
            partnerhub_bench::fanout(data, &subscribers, seconds, &mut |result| {
                output.result(result, |result| result.table_row());
            })
            .await?;
            Ok(ExitCode::SUCCESS)
        }
        Scenario::NatsFanout {
            subscribers,
            seconds,
            rounds,
            nats_server,
            json,
        } => {
            let output = Output { json };
            anyhow::ensure!(seconds > 0, "--seconds must be at least 1");
            anyhow::ensure!(rounds > 0, "--rounds must be at least 1");
            at_least_one("--subscribers", &subscribers)?;
            create_data_directory(data)?;
            // The clients' side of every connection (each server is a process of its own).
            ensure_open_files(subscribers.iter().max().copied().unwrap_or(0) + 256)?;
            output.header(partnerhub_bench::NatsFanoutResult::table_header);
            let plan = partnerhub_bench::NatsFanoutPlan {
                subscribers,
                seconds,
                rounds,
                nats_server,
            };
            partnerhub_bench::nats_fanout(data, &plan, &mut |result| {
                output.result(result, |result| result.table_row());
            })
            .await?;
            Ok(ExitCode::SUCCESS)
        }
        Scenario::NatsFanoutServer => {
            create_data_directory(data)?;
            partnerhub_bench::nats_fanout::serve_until_stdin_ends(data).await?;
            Ok(ExitCode::SUCCESS)
        }
        Scenario::Postgres {
            url,
            events,
            writers,
            subscribers,
            seconds,
            json,
        } => {
            let output = Output { json };
            anyhow::ensure!(events > 0, "--events must be at least 1");
            anyhow::ensure!(seconds > 0, "--seconds must be at least 1");
            at_least_one("--writers", &writers)?;
            at_least_one("--subscribers", &subscribers)?;
            create_data_directory(data)?;
            ensure_open_files(subscribers.iter().max().copied().unwrap_or(0) * 2 + 256)?;
            let plan = partnerhub_bench::PostgresPlan {
                url,
                events,
                writers,
                subscribers,
                seconds,
            };
            partnerhub_bench::postgres_store(data, &plan, &mut |result| {
                output.result(result, |result| result.table_row());
            })
            .await?;
            Ok(ExitCode::SUCCESS)
        }
        Scenario::Connections {
            connections,
            health_checks,
            json,
        } => {
            let output = Output { json };
            anyhow::ensure!(connections > 0, "--connections must be at least 1");
            anyhow::ensure!(health_checks > 0, "--health-checks must be at least 1");
            create_data_directory(data)?;
            ensure_open_files(connections + 256)?;
            let result =
                partnerhub_bench::connections_held(data, connections, health_checks).await?;
            output.result(&result, |result| result.report());
            Ok(ExitCode::SUCCESS)
        }
        Scenario::ConnectionsClient {
            url,
            workspace,
            connections,
        } => {
            partnerhub_bench::raise_open_file_limit()?;
            partnerhub_bench::hold_idle_connections(&url, workspace, connections).await?;
            Ok(ExitCode::SUCCESS)
        }
        Scenario::Rebuild {
            events,
            queries,
            queries_without,
            max_memory_gib,
            json,
        } => {
            let output = Output { json };
            anyhow::ensure!(events > 0, "--events must be at least 1");
            anyhow::ensure!(max_memory_gib > 0.0, "--max-memory-gib must be positive");
            create_data_directory(data)?;
            let result = partnerhub_bench::rebuild_and_replay(
                data,
                events,
                queries,
                queries_without,
                (max_memory_gib * 1024.0 * 1024.0 * 1024.0) as u64,
                &mut |step| eprintln!("rebuild: {step}"),
            )
            .await?;
            output.result(&result, |result| result.report());
            Ok(ExitCode::SUCCESS)
        }
        Scenario::Startup {
            events,
            rounds,
            postgres,
            after_crash,
            json,
        } => {
            let output = Output { json };
            anyhow::ensure!(events > 0, "--events must be at least 1");
            anyhow::ensure!(rounds > 0, "--rounds must be at least 1");
            create_data_directory(data)?;
            output.header(partnerhub_bench::StartupResult::table_header);
            let mut report = |result: &partnerhub_bench::StartupResult| {
                output.result(result, |result| result.table_row());
            };
            let mut stores = vec![partnerhub_bench::StartupStore::Sled];
            stores.extend(postgres.map(partnerhub_bench::StartupStore::Postgres));
            for store in stores {
                partnerhub_bench::startup(data, store, (events, rounds, after_crash), &mut report)
                    .await?;
            }
            Ok(ExitCode::SUCCESS)
        }
        Scenario::Edits {
            clients,
            seconds,
            edits,
            rounds,
            postgres,
            systems,
            json,
        } => {
            let output = Output { json };
            anyhow::ensure!(seconds > 0.0, "--seconds must be positive");
            anyhow::ensure!(rounds > 0, "--rounds must be at least 1");
            at_least_one("--clients", &clients)?;
            create_data_directory(data)?;
            ensure_open_files(clients.iter().max().copied().unwrap_or(0) * 2 + 256)?;
            output.header(partnerhub_bench::EditsRun::table_header);
            let plan = partnerhub_bench::EditsPlan {
                clients,
                seconds,
                edits,
                rounds,
                postgres,
                systems,
            };
            partnerhub_bench::edits(
                data,
                &plan,
                &mut |run| {
                    output.result(run, |run| run.table_row());
                },
                &mut |summary| {
                    output.result(summary, |summary| summary.report());
                },
            )
            .await?;
            Ok(ExitCode::SUCCESS)
        }
        Scenario::EditsServer {
            directory,
            store,
            workspaces,
        } => {
            let location = partnerhub::node::StoreLocation::choose(
                &directory.unwrap_or_else(|| data.to_path_buf()),
                store.as_deref(),
            )?;
            partnerhub_bench::edits::serve_edits_until_stdin_ends(&location, workspaces).await?;
            Ok(ExitCode::SUCCESS)
        }
        Scenario::EditsFloorServer {
            mode,
            directory,
            store,
            workspaces,
            edit_bytes,
            prefill_bytes,
        } => {
            partnerhub_bench::edits_floor::serve_floor_until_stdin_ends(
                mode,
                &directory,
                store.as_deref(),
                workspaces,
                (edit_bytes, prefill_bytes),
            )
            .await?;
            Ok(ExitCode::SUCCESS)
        }
        Scenario::StartupServer { directory, store } => {
            let location = partnerhub::node::StoreLocation::choose(
                &directory.unwrap_or_else(|| data.to_path_buf()),
                store.as_deref(),
            )?;
            partnerhub_bench::startup::serve_until_stdin_ends(&location).await?;
            Ok(ExitCode::SUCCESS)
        }
        Scenario::SoakCrashChild {
            engine,
            directory,
            batch,
            limit,
        } => {
            partnerhub_bench::crash_child(engine, &directory, batch, limit)?;
            Ok(ExitCode::SUCCESS)
        }
        Scenario::Soak {
            events,
            every,
            batch,
            kills,
            json,
        } => {
            let output = Output { json };
            anyhow::ensure!(
                events > 0 && every > 0 && batch > 0,
                "--events, --every and --batch must be at least 1"
            );
            create_data_directory(data)?;
            if !output.json {
                println!(
                    "{:>12}  {:>9}  {:>10}  {:>12}  {:>12}  {:>12}  {:>12}  {:>6}  {:>8}",
                    "store",
                    "stage",
                    "events",
                    "logical MB",
                    "disk MB",
                    "log MB",
                    "index MB",
                    "x",
                    "ev/s"
                );
            }
            let (_, group_events) = partnerhub_bench::soak(data, events, every, batch, &mut |sample| {
                if output.json {
                    emit_json(sample);
                } else {
                    let mb = |bytes: u64| bytes as f64 / 1e6;
                    println!(
                        "{:>12}  {:>9}  {:>10}  {:>12.1}  {:>12.1}  {:>12.1}  {:>12.1}  {:>6.2}  {:>8.0}",
                        sample.store,
                        sample.stage,
                        sample.events,
                        mb(sample.logical_bytes),
                        mb(sample.disk_bytes),
                        mb(sample.log_disk_bytes),
                        mb(sample.index_disk_bytes),
                        sample.amplification,
                        sample.events_per_s
                    );
                }
            })
            .await?;
            if output.json {
                emit_json(&serde_json::json!({
                    "scenario": "soak-groups",
                    "store": "sled",
                    "events_per_durable_flush": group_events,
                    "baseline_batch_events": batch,
                }));
            } else {
                println!(
                    "sled's group commit made {group_events:.1} events durable per flush; \
                     the baselines write batches of at least {batch}"
                );
            }
            if kills > 0 {
                for store in [
                    partnerhub_bench::AlternativeStore::Redb,
                    partnerhub_bench::AlternativeStore::Fjall,
                ] {
                    let result = partnerhub_bench::crash_check(store, data, kills, batch)?;
                    if output.json {
                        emit_json(&result);
                    } else {
                        println!(
                            "abrupt stops of {}: {} SIGKILLs of a child appending batches of {}; \
                             last acknowledged {}, found {}; acknowledged events lost: {}; \
                             inconsistent reopenings: {}",
                            result.store,
                            result.kills,
                            result.batch_events,
                            result.acknowledged,
                            result.found,
                            result.lost,
                            result.inconsistent
                        );
                    }
                    anyhow::ensure!(
                        result.lost == 0 && result.inconsistent == 0,
                        "{} lost acknowledged events or reopened inconsistent after SIGKILL",
                        result.store
                    );
                }
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}
