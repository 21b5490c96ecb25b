//! The `partnerhub` command line: a thin edge over the library.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;
use clap::{Parser, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};
use partnerhub::node::{Backing, OpenedStore, StoreLocation};
use partnerhub::store::transfer::{self, ImportStage, TransferError, VerifyError};
use partnerhub::store::EventStore;

/// mimalloc instead of the system allocator: the log's hot path (encoding, sled's node
/// copies, one small allocation per wake-up) is allocation-bound, and glibc's malloc spent
/// a fifth of the writer threads' time in its own bookkeeping (BENCHMARKS.md, scenario 1).
/// Built without transparent huge pages (`no_thp`): with them, memory it reused after
/// returning it to the system came back as fresh 2 MiB pages for the kernel to zero, which
/// took two fifths of the log writer's time at 256 writers.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

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

    /// Keep the log in PostgreSQL instead (postgres://user@host:5432/database; add
    /// ?options=-c%20search_path%3Dname for a schema), shared by every node given the same
    /// URL. Absent: the embedded store in --data.
    #[arg(long, global = true, env = "PARTNERHUB_STORE", hide_env_values = true)]
    store: Option<String>,

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
        /// Load the demo workspaces first if the store is empty.
        #[arg(long)]
        demo: bool,
    },
    /// Load the demo workspaces (Roskilde and Aarhus, from the guide's examples).
    Demo,
    /// Print every workspace's views as JSON, as of a moment of the log.
    Replay {
        /// A log position (like 42) or an RFC 3339 time (like 2026-11-24T15:00:00Z);
        /// default: now.
        #[arg(long)]
        as_of: Option<String>,
        /// Also print what changed since this earlier moment (position or time).
        #[arg(long)]
        since: Option<String>,
        /// Only this workspace (id or name).
        #[arg(long)]
        workspace: Option<String>,
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
    /// Copy the embedded store of a data directory (its log, checking the hash chain, and the
    /// keys of personal data) into an empty PostgreSQL store.
    MigrateStore {
        /// The data directory of the embedded store to copy (no server may be running on it).
        #[arg(long)]
        from: PathBuf,
        /// The PostgreSQL store to copy into (postgres://...); it must be empty.
        #[arg(long)]
        to: String,
    },
    /// Take an online backup of a running server (log and personal-data keys) into a file;
    /// the password of a server administrator (`user add --admin`) is read from standard input.
    Backup {
        /// The running server, like http://127.0.0.1:7420.
        #[arg(long, env = "PARTNERHUB_SERVER")]
        server: String,
        /// A server administrator's account name.
        #[arg(long)]
        user: String,
        /// The file to write (kept only once the whole backup has arrived and checked out).
        #[arg(long)]
        out: PathBuf,
    },
    /// Restore a backup taken with `backup` into an empty data directory (--data), after
    /// checking the whole file.
    Restore {
        /// The backup file.
        file: PathBuf,
    },
    /// Manage local accounts.
    User {
        #[command(subcommand)]
        action: UserAction,
    },
    /// Manage API tokens.
    Token {
        #[command(subcommand)]
        action: TokenAction,
    },
    /// Measure a scenario beside baselines run in the same process (see BENCHMARKS.md).
    Bench {
        #[command(subcommand)]
        scenario: BenchScenario,
    },
}

#[derive(Subcommand)]
enum UserAction {
    /// Create a local account; the password is read from standard input (one line).
    Add {
        /// The login name (also the actor name of the account's changes).
        name: String,
        /// Also give the account a role in a workspace (id or name).
        #[arg(long, requires = "role")]
        workspace: Option<String>,
        /// The role: owner, editor, viewer or auditor.
        #[arg(long, requires = "workspace")]
        role: Option<String>,
        /// Also make the account a server administrator: its password logins may take online
        /// backups of the whole server (every workspace and the personal-data keys).
        #[arg(long)]
        admin: bool,
    },
}

#[derive(Subcommand)]
enum TokenAction {
    /// Issue an API token for a workspace and print it (it is shown only once).
    Create {
        /// The workspace (id or name).
        #[arg(long)]
        workspace: String,
        /// The role: owner, editor, viewer or auditor.
        #[arg(long)]
        role: String,
        /// What it is for.
        #[arg(long, default_value = "command line")]
        label: String,
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
        #[arg(long, default_value = partnerhub::bench::postgres::DEFAULT_URL)]
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
    /// The client process of scenario 3 (started by `bench connections`; reads the token from
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
    /// The child process of the soak's abrupt-stop check (started and killed by `bench soak`).
    #[command(hide = true)]
    SoakCrashChild {
        /// `redb` or `fjall` (or `sled-batched`).
        #[arg(long)]
        engine: partnerhub::bench::AlternativeStore,
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
    // tungstenite logs every websocket message in full at trace level: tokens in `hello`,
    // personal data in commands. Capped at info whatever PARTNERHUB_LOG asks for, so that
    // nothing secret is ever logged (tests/logging.rs).
    let mut filter = tracing_subscriber::EnvFilter::try_from_env("PARTNERHUB_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    for cap in ["tungstenite=info", "tokio_tungstenite=info"] {
        if let Ok(directive) = cap.parse() {
            filter = filter.add_directive(directive);
        }
    }
    tracing_subscriber::fmt()
        .with_env_filter(filter)
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
    let location = StoreLocation::choose(&cli.data, cli.store.as_deref())?;
    let data = &location;
    match cli.command {
        Command::Serve { listen, demo } => serve(data, listen, demo).await,
        Command::Demo => demo(data).await,
        Command::Replay {
            as_of,
            since,
            workspace,
        } => replay(data, as_of, since, workspace).await,
        Command::Verify => verify(data).await,
        Command::Export { out } => export(data, &out).await,
        Command::Import { file } => import(data, &file).await,
        Command::MigrateStore { from, to } => migrate_store(&from, &to).await,
        Command::Backup { server, user, out } => backup(&server, &user, &out).await,
        Command::Restore { file } => restore(data, &file).await,
        Command::Bench { scenario } => bench(&cli.data, scenario).await,
        Command::User { action } => user(data, action).await,
        Command::Token { action } => token(data, action).await,
    }
}

/// Opens the log at `location` with its key store.
async fn open_backing(location: &StoreLocation) -> anyhow::Result<Backing> {
    Backing::open(location)
        .await
        .with_context(|| format!("cannot open the store ({})", location.describe()))
}

/// Opens the log at `location` (the key store is opened by [`start`] where it is needed).
async fn open_store(location: &StoreLocation) -> anyhow::Result<(Backing, Arc<dyn EventStore>)> {
    let backing = open_backing(location).await?;
    let store = backing.event_store();
    Ok((backing, store))
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

/// Rebuilds the views from the log (with progress) and starts the services.
async fn start(backing: &Backing) -> anyhow::Result<partnerhub::api::AppState> {
    let bar = progress_bar(backing.event_store().head_position(), "rebuilding views");
    let limits = partnerhub::api::Limits::default();
    let state =
        partnerhub::server::start_node(backing, limits, &mut |done| bar.set_position(done)).await?;
    bar.finish_and_clear();
    if state.projections.skipped() > 0 {
        tracing::warn!(
            skipped = state.projections.skipped(),
            "some events of the log are not partnerhub events and were skipped"
        );
    }
    Ok(state)
}

/// Loads the demo, creates its owner account and a guest invite, and prints how to use them.
async fn load_demo_with_access(
    state: &partnerhub::api::AppState,
    listen: Option<SocketAddr>,
) -> anyhow::Result<()> {
    use partnerhub::accounts::Role;
    let summary = partnerhub::demo::load_demo(&state.workspaces)
        .await
        .context("loading the demo workspaces failed")?;
    let password = format!("demo-{}", uuid::Uuid::new_v4().simple());
    let owner = "jens@roskilde";
    state
        .accounts
        .create_account("system", owner, &password)
        .await?;
    for (workspace_id, _) in &summary.workspaces {
        state
            .accounts
            .grant("system", owner, *workspace_id, Role::Owner)
            .await?;
    }
    let board = partnerhub::demo::demo_id("board:mapping-2025");
    let (_, invite) = state
        .accounts
        .issue_token(
            owner,
            "demo workshop guests",
            None,
            partnerhub::demo::roskilde_workspace_id(),
            Role::Guest,
            Some(board),
            Some(chrono::Utc::now() + chrono::Duration::days(7)),
        )
        .await?;
    println!(
        "loaded the demo workspaces ({} commands): {}",
        summary.commands,
        summary
            .workspaces
            .iter()
            .map(|(_, name)| name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    );
    println!("owner login: {owner} / {password}  (POST /api/login; shown once)");
    let base = listen
        .map(|address| format!("http://{address}"))
        .unwrap_or_default();
    println!("guest invite to the mapping board: {base}/join#{invite}");
    println!(
        "  (each guest joins once with POST /api/join {{\"invite\": ..., \"display_name\": ...}} and acts with the credential it returns)"
    );
    Ok(())
}

async fn serve(data: &StoreLocation, listen: SocketAddr, demo: bool) -> anyhow::Result<ExitCode> {
    let (backing, store) = open_store(data).await?;
    let state = start(&backing).await?;
    if let OpenedStore::Postgres(postgres) = &backing.store {
        partnerhub::hub::presence::relay(&state.hub, postgres).await;
    }
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .with_context(|| format!("cannot listen on {listen}"))?;
    let address = listener.local_addr()?;
    if demo {
        if store.head_position() == 0 {
            load_demo_with_access(&state, Some(address)).await?;
        } else {
            println!(
                "the store already holds {} events; the demo is loaded only into an empty store",
                store.head_position()
            );
        }
    }
    println!(
        "partnerhub listening on http://{address} ({})",
        data.describe()
    );
    partnerhub::server::run(listener, state, shutdown_signal()).await?;
    Ok(ExitCode::SUCCESS)
}

async fn demo(data: &StoreLocation) -> anyhow::Result<ExitCode> {
    let (backing, store) = open_store(data).await?;
    let state = start(&backing).await?;
    let result = partnerhub::demo::load_demo(&state.workspaces).await;
    store.shutdown().await;
    let summary = result.context("loading the demo workspaces failed")?;
    if summary.already_loaded == summary.commands {
        println!("the demo workspaces were loaded already; nothing was appended");
    } else {
        println!(
            "loaded the demo workspaces: {} commands, log head at position {}",
            summary.commands - summary.already_loaded,
            store.head_position()
        );
    }
    for (id, name) in summary.workspaces {
        println!("  {name}  {id}");
    }
    Ok(ExitCode::SUCCESS)
}

fn find_workspace(state: &partnerhub::api::AppState, wanted: &str) -> anyhow::Result<uuid::Uuid> {
    state.projections.find_workspace(wanted).ok_or_else(|| {
        let known: Vec<String> = state
            .projections
            .workspace_names()
            .into_iter()
            .map(|(id, name)| format!("{name} ({id})"))
            .collect();
        anyhow::anyhow!(
            "no workspace `{wanted}`; the log holds: {}",
            if known.is_empty() {
                "none".to_owned()
            } else {
                known.join(", ")
            }
        )
    })
}

async fn user(data: &StoreLocation, action: UserAction) -> anyhow::Result<ExitCode> {
    let UserAction::Add {
        name,
        workspace,
        role,
        admin,
    } = action;
    let role = role
        .map(|role| partnerhub::accounts::Role::parse(&role))
        .transpose()
        .map_err(anyhow::Error::msg)?;
    let mut password = String::new();
    std::io::stdin()
        .read_line(&mut password)
        .context("cannot read the password from standard input")?;
    let password = password.trim_end_matches(['\n', '\r']);
    let (backing, store) = open_store(data).await?;
    let state = start(&backing).await?;
    let result = async {
        let workspace_id = workspace
            .as_deref()
            .map(|wanted| find_workspace(&state, wanted))
            .transpose()?;
        state
            .accounts
            .create_account("cli", &name, password)
            .await?;
        if let (Some(workspace_id), Some(role)) = (workspace_id, role) {
            state
                .accounts
                .grant("cli", &name, workspace_id, role)
                .await?;
        }
        if admin {
            state.accounts.grant_server_admin("cli", &name).await?;
        }
        anyhow::Ok(workspace_id)
    }
    .await;
    store.shutdown().await;
    match result? {
        Some(workspace_id) => {
            println!("created account {name} with a role in workspace {workspace_id}")
        }
        None => println!("created account {name}"),
    }
    Ok(ExitCode::SUCCESS)
}

async fn token(data: &StoreLocation, action: TokenAction) -> anyhow::Result<ExitCode> {
    let TokenAction::Create {
        workspace,
        role,
        label,
    } = action;
    let role = partnerhub::accounts::Role::parse(&role).map_err(anyhow::Error::msg)?;
    anyhow::ensure!(
        role != partnerhub::accounts::Role::Guest,
        "guests join one board through an invite link (POST /api/workspaces/{{id}}/boards/{{board}}/invites)"
    );
    let (backing, store) = open_store(data).await?;
    let state = start(&backing).await?;
    let result = async {
        let workspace_id = find_workspace(&state, &workspace)?;
        let (_, text) = state
            .accounts
            .issue_token("cli", &label, None, workspace_id, role, None, None)
            .await?;
        anyhow::Ok(text)
    }
    .await;
    store.shutdown().await;
    println!("{}", result?);
    Ok(ExitCode::SUCCESS)
}

async fn replay(
    data: &StoreLocation,
    as_of: Option<String>,
    since: Option<String>,
    workspace: Option<String>,
) -> anyhow::Result<ExitCode> {
    use partnerhub::projection::report::{workspace_report_until, HistoryUntil};
    use partnerhub::projection::{diff::diff, AsOf};
    let moment = match as_of.as_deref().map(AsOf::parse).transpose() {
        Ok(moment) => moment,
        Err(message) => {
            eprintln!("error: --as-of {message}");
            return Ok(ExitCode::from(2));
        }
    };
    let earlier = match since.as_deref().map(AsOf::parse).transpose() {
        Ok(earlier) => earlier,
        Err(message) => {
            eprintln!("error: --since {message}");
            return Ok(ExitCode::from(2));
        }
    };
    let (backing, store) = open_store(data).await?;
    let head = store.head_position();
    let state = start(&backing).await?;
    let projections = state.projections.clone();
    let moment = moment.unwrap_or(AsOf::Position(head));
    let selected: Vec<uuid::Uuid> = match &workspace {
        Some(wanted) => match projections.find_workspace(wanted) {
            Some(id) => vec![id],
            None => {
                store.shutdown().await;
                let known: Vec<String> = projections
                    .workspace_names()
                    .into_iter()
                    .map(|(id, name)| format!("{name} ({id})"))
                    .collect();
                eprintln!(
                    "error: no workspace `{wanted}`; the log holds: {}",
                    if known.is_empty() {
                        "none".to_owned()
                    } else {
                        known.join(", ")
                    }
                );
                return Ok(ExitCode::FAILURE);
            }
        },
        None => projections
            .workspace_names()
            .into_iter()
            .map(|(id, _)| id)
            .collect(),
    };
    let mut reports = Vec::new();
    for workspace_id in selected {
        let view = projections
            .state_as_of(store.as_ref(), workspace_id, moment)
            .await?;
        // Only the live timeline and metrics up to the moment asked are copied.
        let history = projections.read(workspace_id, |live| {
            HistoryUntil::of(live, view.state.position)
        });
        let Some(history) = history else { continue };
        // Overdue evaluations are measured against the moment asked for: its date, or for a
        // position the date its last event was recorded.
        let today = match moment {
            AsOf::Time(time) => time.date_naive(),
            AsOf::Position(_) => view
                .state
                .updated_at
                .map(|time| time.date_naive())
                .unwrap_or_else(|| chrono::Utc::now().date_naive()),
        };
        let mut report = serde_json::to_value(workspace_report_until(&view, &history, today))?;
        if let Some(earlier) = earlier {
            let before = projections
                .state_as_of(store.as_ref(), workspace_id, earlier)
                .await?;
            report["changes_since"] = serde_json::to_value(diff(&before.state, &view.state))?;
        }
        state.workspaces.keys().reveal_in_json(&mut report).await;
        reports.push(report);
    }
    store.shutdown().await;
    let output = serde_json::json!({
        "as_of": moment,
        "head_position": head,
        "workspaces": reports,
    });
    println!("{}", serde_json::to_string_pretty(&output)?);
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

async fn verify(data: &StoreLocation) -> anyhow::Result<ExitCode> {
    let backing = match Backing::open(data).await {
        Ok(backing) => backing,
        Err(error) => {
            eprintln!(
                "verify failed: cannot open the store ({}): {error}",
                data.describe()
            );
            return Ok(ExitCode::FAILURE);
        }
    };
    let store = backing.event_store();
    let bar = progress_bar(store.head_position(), "verifying");
    let result = transfer::verify_log(store.as_ref(), &mut |done| bar.set_position(done)).await;
    bar.finish_and_clear();
    let index = match &result {
        Ok(_) => match &backing.store {
            // sled keeps a stream index beside the log; PostgreSQL's unique key on stream and
            // version is checked by the database itself.
            OpenedStore::Sled(sled) => {
                let checked = sled.clone();
                tokio::task::spawn_blocking(move || checked.check_stream_index()).await?
            }
            OpenedStore::Postgres(_) => Ok(0),
        },
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

async fn export(data: &StoreLocation, out: &Path) -> anyhow::Result<ExitCode> {
    let (_backing, store) = open_store(data).await?;
    let bar = progress_bar(store.head_position(), "exporting");
    let result =
        transfer::export_log(store.as_ref(), out, &mut |done| bar.set_position(done)).await;
    bar.finish_and_clear();
    store.shutdown().await;
    let events = result?;
    println!("exported {events} events to {}", out.display());
    Ok(ExitCode::SUCCESS)
}

async fn import(data: &StoreLocation, file: &Path) -> anyhow::Result<ExitCode> {
    let (_backing, store) = open_store(data).await?;
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

/// Copies the embedded store in `from` (log and personal-data keys) into the empty PostgreSQL
/// store at `to`, verifying the copy.
async fn migrate_store(from: &Path, to: &str) -> anyhow::Result<ExitCode> {
    let destination = StoreLocation::choose(from, Some(to))?;
    anyhow::ensure!(
        matches!(destination, StoreLocation::Postgres(_)),
        "--to takes a postgres:// URL"
    );
    // Opening a directory that holds nothing would create an empty store there.
    let holds_store = std::fs::read_dir(from)
        .map(|mut entries| entries.next().is_some())
        .unwrap_or(false);
    anyhow::ensure!(
        holds_store,
        "there is no embedded store in {} to migrate",
        from.display()
    );
    let source = open_backing(&StoreLocation::Embedded(from.to_path_buf())).await?;
    let target = open_backing(&destination).await?;
    let (source_store, target_store) = (source.event_store(), target.event_store());
    let result = async {
        let events = target_store.head_position();
        let keys = target.keys.count().await?;
        if events > 0 || keys > 0 {
            anyhow::bail!(
                "the destination ({}) is not empty: it holds {events} events and {keys} \
                 personal-data keys; migrate-store copies only into an empty store \
                 (use a new database, or a new schema with ?options=-c%20search_path%3Dname)",
                destination.describe()
            );
        }
        let head = source_store.head_position();
        let bar = progress_bar(head, "copying");
        let mut last = 0;
        let report = partnerhub::store::migrate::migrate_store(
            source_store.as_ref(),
            target_store.as_ref(),
            // Counts up while copying, then again from the start while verifying.
            &mut |done| {
                if done < last {
                    bar.set_message("verifying");
                }
                last = done;
                bar.set_position(done);
            },
        )
        .await;
        bar.finish_and_clear();
        let report = report.context("the migration failed")?;
        let copied_keys = source
            .keys
            .copy_into(&target.keys)
            .await
            .context("the log was copied, but the personal-data keys were not")?;
        anyhow::Ok((report, copied_keys))
    }
    .await;
    source_store.shutdown().await;
    target_store.shutdown().await;
    let (report, keys) = result?;
    println!(
        "migrated {} events and {keys} personal-data keys from {} to {}; the copy verifies, \
         head hash {}",
        report.events,
        from.display(),
        destination.describe(),
        report.head_hash
    );
    Ok(ExitCode::SUCCESS)
}

async fn backup(server: &str, user: &str, out: &Path) -> anyhow::Result<ExitCode> {
    let mut password = String::new();
    std::io::stdin()
        .read_line(&mut password)
        .context("cannot read the password from standard input")?;
    let password = password.trim_end_matches(['\n', '\r']);
    let server = server.trim_end_matches('/');
    let http = reqwest::Client::new();
    let login = http
        .post(format!("{server}/api/login"))
        .json(&serde_json::json!({"name": user, "password": password}))
        .send()
        .await
        .with_context(|| format!("cannot reach {server}"))?;
    let status = login.status();
    let answer: serde_json::Value = login.json().await.context("the login answer is not JSON")?;
    let Some(token) = answer["token"].as_str().filter(|_| status.is_success()) else {
        eprintln!(
            "backup failed: login refused ({status}): {}",
            answer["message"]
        );
        return Ok(ExitCode::FAILURE);
    };
    let mut response = http
        .get(format!("{server}/api/backup"))
        .bearer_auth(token)
        .send()
        .await
        .with_context(|| format!("cannot reach {server}"))?;
    if !response.status().is_success() {
        let status = response.status();
        let answer: serde_json::Value = response.json().await.unwrap_or_default();
        eprintln!("backup failed ({status}): {}", answer["message"]);
        return Ok(ExitCode::FAILURE);
    }
    let partial = out.with_extension("partial");
    let mut file = tokio::fs::File::create(&partial)
        .await
        .with_context(|| format!("cannot create {}", partial.display()))?;
    while let Some(chunk) = response.chunk().await.context("the backup was cut off")? {
        tokio::io::AsyncWriteExt::write_all(&mut file, &chunk).await?;
    }
    file.sync_all().await?;
    drop(file);
    let scratch = match out.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
        _ => PathBuf::from("."),
    };
    match partnerhub::backup::check_backup(&partial, &scratch).await {
        Ok(summary) => {
            std::fs::rename(&partial, out)
                .with_context(|| format!("cannot move the backup to {}", out.display()))?;
            println!(
                "backed up {} events and {} personal-data keys to {}; head hash {}",
                summary.events,
                summary.keys,
                out.display(),
                summary.head_hash
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(error) => {
            eprintln!(
                "backup failed: what arrived is not an intact backup (kept as {}): {error}",
                partial.display()
            );
            Ok(ExitCode::FAILURE)
        }
    }
}

async fn restore(data: &StoreLocation, file: &Path) -> anyhow::Result<ExitCode> {
    let (backing, store) = open_store(data).await?;
    // The events are checked into a scratch file first: beside the data, or in the temporary
    // directory for PostgreSQL.
    let scratch = match data {
        StoreLocation::Embedded(directory) => directory.clone(),
        StoreLocation::Postgres(_) => std::env::temp_dir(),
    };
    let result =
        partnerhub::backup::restore_backup(file, store.as_ref(), &backing.keys, &scratch).await;
    store.shutdown().await;
    match result {
        Ok(summary) => {
            println!(
                "restored {} events and {} personal-data keys from {}; head hash {}",
                summary.events,
                summary.keys,
                file.display(),
                summary.head_hash
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(error) => {
            eprintln!("restore refused: {}: {error}", file.display());
            Ok(ExitCode::FAILURE)
        }
    }
}

/// Raises this process's open-file limit as far as it goes and warns when that is still
/// fewer than `needed` files (a benchmark's sockets count as files).
fn ensure_open_files(needed: usize) -> anyhow::Result<()> {
    let (soft, hard) = partnerhub::bench::raise_open_file_limit()?;
    if (soft as usize) < needed {
        eprintln!(
            "warning: this process may open {soft} files (hard limit {hard}); {needed} are \
             needed for the largest configuration"
        );
    }
    Ok(())
}

async fn bench(data: &Path, scenario: BenchScenario) -> anyhow::Result<ExitCode> {
    /// One result as one line of JSON on standard output.
    fn emit_json(result: &impl serde::Serialize) {
        match serde_json::to_string(result) {
            Ok(line) => println!("{line}"),
            Err(error) => eprintln!("cannot encode a result: {error}"),
        }
    }
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
            partnerhub::bench::durable_append(data, events, &writers, &mut |result| {
                if json {
                    match serde_json::to_string(result) {
                        Ok(line) => println!("{line}"),
                        Err(error) => eprintln!("cannot encode a result: {error}"),
                    }
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
        BenchScenario::Fanout {
            subscribers,
            seconds,
            json,
        } => {
            anyhow::ensure!(seconds > 0, "--seconds must be at least 1");
            anyhow::ensure!(
                subscribers.iter().all(|count| *count > 0),
                "--subscribers must all be at least 1"
            );
            std::fs::create_dir_all(data)
                .with_context(|| format!("cannot create {}", data.display()))?;
            // Client and server side of every connection are files of this process.
            ensure_open_files(subscribers.iter().max().copied().unwrap_or(0) * 2 + 256)?;
            if !json {
                println!("{}", partnerhub::bench::FanoutResult::table_header());
            }
            partnerhub::bench::fanout(data, &subscribers, seconds, &mut |result| {
                if json {
                    emit_json(result);
                } else {
                    println!("{}", result.table_row());
                }
            })
            .await?;
            Ok(ExitCode::SUCCESS)
        }
        BenchScenario::Postgres {
            url,
            events,
            writers,
            subscribers,
            seconds,
            json,
        } => {
            anyhow::ensure!(events > 0, "--events must be at least 1");
            anyhow::ensure!(seconds > 0, "--seconds must be at least 1");
            anyhow::ensure!(
                writers.iter().chain(&subscribers).all(|count| *count > 0),
                "--writers and --subscribers must all be at least 1"
            );
            std::fs::create_dir_all(data)
                .with_context(|| format!("cannot create {}", data.display()))?;
            ensure_open_files(subscribers.iter().max().copied().unwrap_or(0) * 2 + 256)?;
            let plan = partnerhub::bench::PostgresPlan {
                url,
                events,
                writers,
                subscribers,
                seconds,
            };
            partnerhub::bench::postgres_store(data, &plan, &mut |result| {
                if json {
                    emit_json(result);
                } else {
                    println!("{}", result.table_row());
                }
            })
            .await?;
            Ok(ExitCode::SUCCESS)
        }
        BenchScenario::Connections {
            connections,
            health_checks,
            json,
        } => {
            anyhow::ensure!(connections > 0, "--connections must be at least 1");
            anyhow::ensure!(health_checks > 0, "--health-checks must be at least 1");
            std::fs::create_dir_all(data)
                .with_context(|| format!("cannot create {}", data.display()))?;
            ensure_open_files(connections + 256)?;
            let result =
                partnerhub::bench::connections_held(data, connections, health_checks).await?;
            if json {
                emit_json(&result);
            } else {
                println!("{}", result.report());
            }
            Ok(ExitCode::SUCCESS)
        }
        BenchScenario::ConnectionsClient {
            url,
            workspace,
            connections,
        } => {
            partnerhub::bench::raise_open_file_limit()?;
            partnerhub::bench::hold_idle_connections(&url, workspace, connections).await?;
            Ok(ExitCode::SUCCESS)
        }
        BenchScenario::Rebuild {
            events,
            queries,
            queries_without,
            max_memory_gib,
            json,
        } => {
            anyhow::ensure!(events > 0, "--events must be at least 1");
            anyhow::ensure!(max_memory_gib > 0.0, "--max-memory-gib must be positive");
            std::fs::create_dir_all(data)
                .with_context(|| format!("cannot create {}", data.display()))?;
            let result = partnerhub::bench::rebuild_and_replay(
                data,
                events,
                queries,
                queries_without,
                (max_memory_gib * 1024.0 * 1024.0 * 1024.0) as u64,
                &mut |step| eprintln!("rebuild: {step}"),
            )
            .await?;
            if json {
                emit_json(&result);
            } else {
                println!("{}", result.report());
            }
            Ok(ExitCode::SUCCESS)
        }
        BenchScenario::SoakCrashChild {
            engine,
            directory,
            batch,
            limit,
        } => {
            partnerhub::bench::crash_child(engine, &directory, batch, limit)?;
            Ok(ExitCode::SUCCESS)
        }
        BenchScenario::Soak {
            events,
            every,
            batch,
            kills,
            json,
        } => {
            anyhow::ensure!(
                events > 0 && every > 0 && batch > 0,
                "--events, --every and --batch must be at least 1"
            );
            std::fs::create_dir_all(data)
                .with_context(|| format!("cannot create {}", data.display()))?;
            if !json {
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
            let (_, group_events) = partnerhub::bench::soak(data, events, every, batch, &mut |sample| {
                if json {
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
            if json {
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
                    partnerhub::bench::AlternativeStore::Redb,
                    partnerhub::bench::AlternativeStore::Fjall,
                ] {
                    let result = partnerhub::bench::crash_check(store, data, kills, batch)?;
                    if json {
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
