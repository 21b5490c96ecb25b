//! The `partnerhub` command line: a thin edge over the library. This file parses the
//! arguments (flags, and the environment variables named beside them) and hands each
//! subcommand to its module in `cli/`.

mod cli;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use partnerhub::node::StoreLocation;

use crate::cli::token::TokenAction;
use crate::cli::user::UserAction;

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
        /// Commands per second one websocket connection may send (a burst of as many is
        /// allowed; more are rejected `rate_limited`).
        #[arg(long, env = "PARTNERHUB_COMMANDS_PER_SECOND", default_value_t = partnerhub::app_state::Limits::default().commands_per_second)]
        commands_per_second: u32,
        /// Open websocket connections one account (or API token) may have at once; more are
        /// closed with 4029 `too_many_connections`.
        #[arg(long, env = "PARTNERHUB_CONNECTIONS_PER_ACCOUNT", default_value_t = partnerhub::app_state::Limits::default().connections_per_account)]
        connections_per_account: usize,
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
        /// The language of the timeline's sentences: da (default) or en.
        #[arg(long)]
        lang: Option<String>,
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
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    partnerhub::server::run_command_line(run(cli))
}

/// Opens nothing itself: finds where the store is and runs the subcommand asked for.
async fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let location = StoreLocation::choose(&cli.data, cli.store.as_deref())?;
    let data = &location;
    match cli.command {
        Command::Serve {
            listen,
            demo,
            commands_per_second,
            connections_per_account,
        } => {
            let limits = partnerhub::app_state::Limits {
                commands_per_second,
                connections_per_account,
                ..partnerhub::app_state::Limits::default()
            };
            cli::serve::serve(data, listen, demo, limits).await
        }
        Command::Demo => cli::demo::demo(data).await,
        Command::Replay {
            as_of,
            since,
            workspace,
            lang,
        } => cli::replay::replay(data, as_of, since, workspace, lang).await,
        Command::Verify => cli::verify::verify(data).await,
        Command::Export { out } => cli::export::export(data, &out).await,
        Command::Import { file } => cli::import::import(data, &file).await,
        Command::MigrateStore { from, to } => cli::migrate::migrate_store(&from, &to).await,
        Command::Backup { server, user, out } => cli::backup::backup(&server, &user, &out).await,
        Command::Restore { file } => cli::restore::restore(data, &file).await,
        Command::User { action } => cli::user::user(data, action).await,
        Command::Token { action } => cli::token::token(data, action).await,
    }
}
