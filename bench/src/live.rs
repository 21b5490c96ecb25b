//! A real partnerhub server in this process for the websocket scenarios: the same
//! [`partnerhub::server::start`] and [`partnerhub::server::run`] as `partnerhub serve`, on
//! `127.0.0.1:0` over a scratch sled store (or a given store, for PostgreSQL), with an owner
//! account, a session token, a workspace and an open workshop board ready; and further nodes
//! over the same shared store.

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;

use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use uuid::Uuid;

use super::{BenchError, Scratch};
use partnerhub::accounts::Role;
use partnerhub::app_state::{AppState, Limits};
use partnerhub::domain::vocabulary::BoardTemplate;
use partnerhub::domain::Command;
use partnerhub::privacy::KeyStore;
use partnerhub::store::{EventStore, SledEventStore};

/// The account every benchmark client logs in as.
pub(crate) const ACTOR: &str = "facilitator@bench";
/// Its password (the benchmark's own throw-away store).
pub(crate) const PASSWORD: &str = "bench-password-not-secret";

/// A running server with an account, a workspace and a board.
pub(crate) struct LiveServer {
    /// Where it listens.
    pub(crate) address: SocketAddr,
    /// Its services, for commands run directly (as the writer does).
    pub(crate) state: AppState,
    /// The workspace every client subscribes to.
    pub(crate) workspace_id: Uuid,
    /// An open board (writing phase) of that workspace, for notes.
    pub(crate) board_id: Uuid,
    /// A session token of [`ACTOR`], owner of the workspace.
    pub(crate) token: String,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<std::io::Result<()>>>,
    /// Kept until the server has stopped, so the store's files outlive it.
    scratch: Option<Scratch>,
}

fn setup(what: &str, error: impl std::fmt::Display) -> BenchError {
    BenchError::Setup(format!("{what}: {error}"))
}

impl LiveServer {
    /// Starts a server over a fresh store under `scratch_parent`. Every connection logs in as
    /// the same account, so the per-account connection limit is lifted; every other limit is
    /// the default of `partnerhub serve`.
    ///
    /// # Errors
    /// Store, socket and setup failures.
    pub(crate) async fn start(scratch_parent: &Path, name: &str) -> Result<Self, BenchError> {
        let scratch = Scratch::new(scratch_parent, name)?;
        let store: Arc<dyn EventStore> = Arc::new(SledEventStore::open(&scratch.0.join("store"))?);
        let keys = Arc::new(KeyStore::open(&scratch.0.join("keys"))?);
        Self::start_on(scratch, store, keys).await
    }

    /// Like [`LiveServer::start`], over `store` (empty) and `keys` (the key store beside it, as
    /// [`partnerhub::node::Backing`] opens it: a node on PostgreSQL shares the database's).
    ///
    /// # Errors
    /// Store, socket and setup failures.
    pub(crate) async fn start_on(
        scratch: Scratch,
        store: Arc<dyn EventStore>,
        keys: Arc<KeyStore>,
    ) -> Result<Self, BenchError> {
        let mut server = Self::serve(scratch, store, keys, Uuid::new_v4(), Uuid::new_v4()).await?;
        server.prepare().await?;
        Ok(server)
    }

    /// A second node: a server over `store`, which shares its log with `first`'s (one
    /// PostgreSQL schema), serving the same workspace and board; it logs in itself, since
    /// sessions live in each node's memory.
    ///
    /// # Errors
    /// Store, socket and login failures.
    pub(crate) async fn join(
        scratch: Scratch,
        store: Arc<dyn EventStore>,
        keys: Arc<KeyStore>,
        first: &LiveServer,
    ) -> Result<Self, BenchError> {
        let mut server =
            Self::serve(scratch, store, keys, first.workspace_id, first.board_id).await?;
        let (token, _) = server
            .state
            .accounts
            .login(ACTOR, PASSWORD)
            .await
            .map_err(|error| setup("logging in on the second node", error))?;
        server.token = token;
        Ok(server)
    }

    async fn serve(
        scratch: Scratch,
        store: Arc<dyn EventStore>,
        keys: Arc<KeyStore>,
        workspace_id: Uuid,
        board_id: Uuid,
    ) -> Result<Self, BenchError> {
        let limits = Limits {
            connections_per_account: usize::MAX,
            ..Limits::default()
        };
        let state = partnerhub::server::start(store, keys, limits, &mut |_| {}).await?;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let address = listener.local_addr()?;
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(partnerhub::server::run(
            listener,
            state.clone(),
            async move {
                let _ = stopped.await;
            },
        ));
        Ok(LiveServer {
            address,
            state,
            workspace_id,
            board_id,
            token: String::new(),
            stop: Some(stop),
            task: Some(task),
            scratch: Some(scratch),
        })
    }

    async fn prepare(&mut self) -> Result<(), BenchError> {
        let state = &self.state;
        state
            .accounts
            .create_account("bench", ACTOR, PASSWORD)
            .await
            .map_err(|error| setup("creating the account", error))?;
        self.run(Command::CreateWorkspace {
            name: "Benchmark Bibliotek".into(),
            description: "a workspace for the websocket benchmarks".into(),
        })
        .await?;
        state
            .accounts
            .grant(ACTOR, ACTOR, self.workspace_id, Role::Owner)
            .await
            .map_err(|error| setup("granting the owner role", error))?;
        self.run(Command::CreateBoard {
            board_id: self.board_id,
            title: "Idéværksted: nye partnere".into(),
            template: BoardTemplate::Free,
            vote_budget: None,
        })
        .await?;
        let (token, _) = state
            .accounts
            .login(ACTOR, PASSWORD)
            .await
            .map_err(|error| setup("logging in", error))?;
        self.token = token;
        Ok(())
    }

    /// Runs a command in the workspace as [`ACTOR`], as the API would.
    ///
    /// # Errors
    /// The command refused or the log failing.
    pub(crate) async fn run(&self, command: Command) -> Result<(), BenchError> {
        self.state
            .workspaces
            .execute(self.workspace_id, &command, ACTOR, Uuid::new_v4())
            .await
            .map(|_| ())
            .map_err(|error| setup("running a command", error))
    }

    /// The websocket address.
    pub(crate) fn websocket_url(&self) -> String {
        format!("ws://{}/ws", self.address)
    }

    /// Stops the server as SIGTERM would (websockets told "going away"), waits for it and
    /// removes its store.
    ///
    /// # Errors
    /// The server's listener failing.
    pub(crate) async fn stop(mut self) -> Result<(), BenchError> {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            task.await??;
        }
        drop(self.scratch.take());
        Ok(())
    }
}
