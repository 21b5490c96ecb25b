//! The `partnerhub` command line: a thin edge over the library.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;
use clap::{Parser, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};
use partnerhub::store::transfer::{self, ImportStage, TransferError, VerifyError};
use partnerhub::store::{EventStore, SledEventStore};

/// partnerhub: an event-sourced collaboration server for strategic partnership work in
/// public libraries.
#[derive(Parser)]
#[command(version, about, long_about = None)]
struct Cli {
    /// The data directory of the embedded (sled) store.
    #[arg(
        long,
        global = true,
        env = "PARTNERHUB_DATA",
        default_value = "./partnerhub-data"
    )]
    data: PathBuf,

    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the server until SIGTERM or Ctrl-C.
    Serve {
        /// Address to listen on (port 0 picks a free port).
        #[arg(long, env = "PARTNERHUB_LISTEN", default_value = "127.0.0.1:7420")]
        listen: SocketAddr,
    },
    /// Check the whole log: positions, hash chain and stream versions. Exits non-zero if broken.
    Verify,
    /// Write the whole log to a file as JSON Lines.
    Export {
        /// The file to write.
        #[arg(long)]
        out: PathBuf,
    },
    /// Load a log exported with `export` into an empty store, after checking its whole chain.
    Import {
        /// The file to read.
        file: PathBuf,
    },
    /// Measure a scenario beside baselines run in the same process (see BENCHMARKS.md).
    Bench {
        #[command(subcommand)]
        scenario: BenchScenario,
    },
}

#[derive(Subcommand)]
enum BenchScenario {
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
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("PARTNERHUB_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("error: cannot start the async runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Serve { listen } => serve(&cli.data, listen).await,
        Command::Verify => verify(&cli.data).await,
        Command::Export { out } => export(&cli.data, &out).await,
        Command::Import { file } => import(&cli.data, &file).await,
        Command::Bench { scenario } => bench(&cli.data, scenario).await,
    }
}

fn open_store(data: &Path) -> anyhow::Result<Arc<SledEventStore>> {
    let store = SledEventStore::open(data)
        .with_context(|| format!("cannot open the store in {}", data.display()))?;
    Ok(Arc::new(store))
}

fn progress_bar(length: u64, message: &'static str) -> ProgressBar {
    let bar = ProgressBar::new(length);
    if let Ok(style) =
        ProgressStyle::with_template("{msg} [{bar:40}] {pos}/{len} events ({per_sec}, {eta} left)")
    {
        bar.set_style(style.progress_chars("=> "));
    }
    bar.set_message(message);
    bar
}

async fn serve(data: &Path, listen: SocketAddr) -> anyhow::Result<ExitCode> {
    let store = open_store(data)?;
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .with_context(|| format!("cannot listen on {listen}"))?;
    let address = listener.local_addr()?;
    println!(
        "partnerhub listening on http://{address} (data in {})",
        data.display()
    );
    partnerhub::server::run(listener, store, shutdown_signal()).await?;
    Ok(ExitCode::SUCCESS)
}

/// Completes on SIGTERM or SIGINT.
async fn shutdown_signal() {
    let interrupt = async {
        if let Err(error) = tokio::signal::ctrl_c().await {
            tracing::error!(%error, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(error) => {
                tracing::error!(%error, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => tracing::info!("interrupted; shutting down"),
        () = terminate => tracing::info!("terminated; shutting down"),
    }
}

async fn verify(data: &Path) -> anyhow::Result<ExitCode> {
    let store = match SledEventStore::open(data) {
        Ok(store) => Arc::new(store),
        Err(error) => {
            eprintln!("verify failed: {error}");
            return Ok(ExitCode::FAILURE);
        }
    };
    let bar = progress_bar(store.head_position(), "verifying");
    let result = transfer::verify_log(store.as_ref(), &mut |done| bar.set_position(done)).await;
    bar.finish_and_clear();
    let index = match &result {
        Ok(_) => {
            let checked = store.clone();
            tokio::task::spawn_blocking(move || checked.check_stream_index()).await?
        }
        Err(_) => Ok(0),
    };
    store.shutdown().await;
    match (result, index) {
        (Ok(report), Ok(_)) => {
            println!(
                "verified {} events: positions, hash chain and stream versions are intact",
                report.events
            );
            println!("head hash: {}", report.head_hash);
            Ok(ExitCode::SUCCESS)
        }
        (Err(VerifyError::Broken(broken)), _) => {
            eprintln!("verify failed: the log is broken at {broken}");
            Ok(ExitCode::FAILURE)
        }
        (Err(VerifyError::Store(error)), _) | (Ok(_), Err(error)) => {
            eprintln!("verify failed: {error}");
            Ok(ExitCode::FAILURE)
        }
    }
}

async fn export(data: &Path, out: &Path) -> anyhow::Result<ExitCode> {
    let store = open_store(data)?;
    let bar = progress_bar(store.head_position(), "exporting");
    let result =
        transfer::export_log(store.as_ref(), out, &mut |done| bar.set_position(done)).await;
    bar.finish_and_clear();
    store.shutdown().await;
    let events = result?;
    println!("exported {events} events to {}", out.display());
    Ok(ExitCode::SUCCESS)
}

async fn import(data: &Path, file: &Path) -> anyhow::Result<ExitCode> {
    let store = open_store(data)?;
    let bar = progress_bar(0, "checking");
    bar.set_length(0);
    let result = transfer::import_log(store.as_ref(), file, &mut |stage, done| {
        match stage {
            ImportStage::Checking => {
                bar.set_length(done);
            }
            ImportStage::Writing => {
                if bar.message() != "importing" {
                    bar.set_message("importing");
                }
            }
        }
        bar.set_position(done);
    })
    .await;
    bar.finish_and_clear();
    store.shutdown().await;
    match result {
        Ok(report) => {
            println!(
                "imported {} events from {}; head hash {}",
                report.events,
                file.display(),
                report.head_hash
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(error @ (TransferError::UnreadableLine { .. } | TransferError::BrokenChain { .. })) => {
            eprintln!(
                "import refused, nothing was written: {}: {error}",
                file.display()
            );
            Ok(ExitCode::FAILURE)
        }
        Err(error) => {
            eprintln!("import failed: {error}");
            Ok(ExitCode::FAILURE)
        }
    }
}

async fn bench(data: &Path, scenario: BenchScenario) -> anyhow::Result<ExitCode> {
    match scenario {
        BenchScenario::Append {
            events,
            writers,
            json,
        } => {
            anyhow::ensure!(events > 0, "--events must be at least 1");
            anyhow::ensure!(
                writers.iter().all(|count| *count > 0),
                "--writers must all be at least 1"
            );
            std::fs::create_dir_all(data)
                .with_context(|| format!("cannot create {}", data.display()))?;
            if !json {
                println!(
                    "{:>7}  {:>12}  {:>8}  {:>8}  {:>7}  {:>15}  {:>12}  {:>12}  {:>8}  {:>8}  bar",
                    "writers",
                    "events/s",
                    "p50 ms",
                    "p99 ms",
                    "flushes",
                    "busy w/f/a %",
                    "(a) ev/s",
                    "(b) ev/s",
                    "x (a)",
                    "x (b)"
                );
            }
            partnerhub::bench::durable_append(data, events, &writers, &mut |result| {
                if json {
                    match serde_json::to_string(result) {
                        Ok(line) => println!("{line}"),
                        Err(error) => eprintln!("cannot encode a result: {error}"),
                    }
                } else {
                    println!(
                        "{:>7}  {:>12.0}  {:>8.3}  {:>8.3}  {:>7}  {:>15}  {:>12.0}  {:>12.0}  {:>8.2}  {:>8.2}  {} {}",
                        result.writers,
                        result.measured.events_per_s,
                        result.measured.latency.p50_ms,
                        result.measured.latency.p99_ms,
                        result.flushes,
                        format!(
                            "{:.0}/{:.0}/{:.0}",
                            result.writer_busy * 100.0,
                            result.flusher_flushing * 100.0,
                            result.flusher_acknowledging * 100.0
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
    }
}
