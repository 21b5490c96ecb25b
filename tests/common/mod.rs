//! Helpers shared by the integration tests: temporary stores, requests and the binary.
#![allow(dead_code, unreachable_pub, clippy::unwrap_used)]

pub mod postgres;
pub mod process;

use std::sync::Arc;

use partnerhub::store::{
    AppendRequest, CommandContext, EventStore, ExpectedVersion, NewEvent, SledEventStore,
};
use serde_json::json;
use uuid::Uuid;

/// A sled store in a fresh temporary directory, removed when the guard drops.
pub struct TempStore {
    pub store: Arc<SledEventStore>,
    pub dir: tempfile::TempDir,
}

impl TempStore {
    pub fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let store = Arc::new(SledEventStore::open(dir.path()).unwrap());
        TempStore { store, dir }
    }

    pub fn dyn_store(&self) -> Arc<dyn EventStore> {
        self.store.clone()
    }

    /// Shuts the store down and opens the same directory again, as a restarted process would.
    pub async fn restarted(self) -> Self {
        let TempStore { store, dir } = self;
        store.shutdown().await;
        drop(store);
        let store = Arc::new(SledEventStore::open(dir.path()).unwrap());
        TempStore { store, dir }
    }
}

pub fn context(actor: &str) -> CommandContext {
    let command_id = Uuid::new_v4();
    CommandContext {
        workspace_id: Uuid::from_u128(7),
        actor: actor.into(),
        command_id,
        correlation_id: command_id,
        happened_at: None,
    }
}

pub fn request(stream_id: Uuid, expected: ExpectedVersion, texts: &[&str]) -> AppendRequest {
    AppendRequest {
        stream_id,
        expected_version: expected,
        context: context("anna@roskilde"),
        events: texts
            .iter()
            .map(|text| NewEvent::new("NoteAdded", json!({"text": text, "zone": "learning"})))
            .collect(),
    }
}

/// Appends `count` single-event commands to fresh streams, in order.
pub async fn append_many(store: &dyn EventStore, count: usize) {
    for index in 0..count {
        store
            .append(request(
                Uuid::new_v4(),
                ExpectedVersion::NoStream,
                &[&format!("Partner {index}")],
            ))
            .await
            .unwrap();
    }
}

/// Path of the built `partnerhub` binary.
pub fn binary() -> std::path::PathBuf {
    std::path::PathBuf::from(env!("CARGO_BIN_EXE_partnerhub"))
}

/// A store with running projections and the command service, as the server wires them.
pub struct Running {
    pub store: Arc<dyn EventStore>,
    pub projections: Arc<partnerhub::projection::Projections>,
    pub workspaces: partnerhub::service::Workspaces,
    projector: tokio::task::JoinHandle<()>,
}

impl Running {
    /// The embedded store in the data directory `path`.
    pub async fn open(path: &std::path::Path) -> Self {
        Self::open_at(&partnerhub::node::StoreLocation::Embedded(path.to_owned())).await
    }

    /// The store at `location`, with its key store beside it, as `serve` opens them.
    pub async fn open_at(location: &partnerhub::node::StoreLocation) -> Self {
        let backing = partnerhub::node::Backing::open(location).await.unwrap();
        let store = backing.event_store();
        let projections = partnerhub::projection::rebuild(store.as_ref(), &mut |_| {})
            .await
            .unwrap();
        let projector = partnerhub::projection::spawn_projector(store.clone(), projections.clone());
        let workspaces =
            partnerhub::service::Workspaces::new(store.clone(), projections.clone(), backing.keys);
        Running {
            store,
            projections,
            workspaces,
            projector,
        }
    }

    /// Runs a command as `actor`, panicking with the error if it is refused.
    pub async fn run(
        &self,
        workspace_id: Uuid,
        actor: &str,
        command: partnerhub::domain::Command,
    ) -> partnerhub::service::CommandOutcome {
        self.workspaces
            .execute(workspace_id, &command, actor, Uuid::new_v4())
            .await
            .unwrap_or_else(|error| panic!("{command:?} was refused: {error}"))
    }

    /// The report of a workspace as JSON, as `replay` prints it, for comparisons: its whole
    /// timeline, the timeline index's entries and those the views hold.
    pub async fn report_json(
        &self,
        workspace_id: Uuid,
        today: chrono::NaiveDate,
    ) -> serde_json::Value {
        partnerhub::projection::report::live_report(
            &self.projections,
            self.store.as_ref(),
            workspace_id,
            today,
            partnerhub::domain::describe::Language::English,
        )
        .await
        .unwrap()
        .unwrap()
    }

    /// Shuts the store down and waits for the projector to let go of it, so the data
    /// directory can be opened again.
    pub async fn close(self) {
        self.store.shutdown().await;
        let Running {
            store,
            workspaces,
            projector,
            ..
        } = self;
        drop(workspaces);
        drop(store);
        projector.await.unwrap();
    }
}

/// The store a test runs on: one test body, run once on each.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    /// The embedded sled store in a temporary directory.
    Sled,
    /// PostgreSQL at `PARTNERHUB_TEST_POSTGRES`, on a schema of the test's own.
    Postgres,
}

impl Backend {
    /// Whether the tests on this backend are told to skip it (`PARTNERHUB_TEST_POSTGRES=skip`;
    /// unset, as in CI, they run for real and fail if PostgreSQL cannot be reached).
    pub fn skipped(self) -> bool {
        self == Backend::Postgres && postgres::postgres_base_url().is_none()
    }
}

/// Runs each named `async fn name(backend: Backend)` test body on every backend, as the
/// tests `sled::name` and `postgres::name` (which says so and returns when PostgreSQL is
/// skipped).
#[allow(unused_macros)] // not every test crate runs tests on every backend
macro_rules! on_every_backend {
    ($($name:ident),* $(,)?) => {
        mod sled {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name($crate::common::Backend::Sled).await
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    if $crate::common::Backend::Postgres.skipped() {
                        println!("skipped: PARTNERHUB_TEST_POSTGRES=skip");
                        return;
                    }
                    super::$name($crate::common::Backend::Postgres).await
                }
            )*
        }
    };
}
#[allow(unused_imports)] // not every test crate runs tests on every backend
pub(crate) use on_every_backend;

/// Where a test keeps its log on a backend: a temporary data directory, and on PostgreSQL a
/// schema of the test's own (dropped with it).
pub struct TestLocation {
    pub dir: tempfile::TempDir,
    pub schema: Option<postgres::TestSchema>,
}

impl TestLocation {
    /// A fresh, empty location on `backend`. Panics when PostgreSQL is skipped:
    /// [`on_every_backend!`] does not call a test's body then.
    pub async fn on(backend: Backend) -> Self {
        let schema = match backend {
            Backend::Sled => None,
            Backend::Postgres => Some(
                postgres::TestSchema::create()
                    .await
                    .expect("PostgreSQL is skipped (PARTNERHUB_TEST_POSTGRES=skip)"),
            ),
        };
        TestLocation {
            dir: tempfile::tempdir().unwrap(),
            schema,
        }
    }

    /// The store location, as the server and the command line choose it.
    pub fn location(&self) -> partnerhub::node::StoreLocation {
        match &self.schema {
            None => partnerhub::node::StoreLocation::Embedded(self.dir.path().to_owned()),
            Some(schema) => partnerhub::node::StoreLocation::Postgres(schema.url()),
        }
    }

    /// The command-line arguments that name this location (`--data`, and `--store`).
    pub fn cli_args(&self) -> Vec<std::ffi::OsString> {
        let mut args = vec!["--data".into(), self.dir.path().into()];
        if let Some(schema) = &self.schema {
            args.extend(["--store".into(), schema.url().into()]);
        }
        args
    }
}

/// A real server on 127.0.0.1 with a random port and a temporary store, with an owner
/// account and a workspace ready.
pub struct TestServer {
    pub address: std::net::SocketAddr,
    pub state: partnerhub::app_state::AppState,
    pub workspace_id: Uuid,
    /// Session token of `owner@test` (owner of the workspace).
    pub owner: String,
    pub http: reqwest::Client,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<std::io::Result<()>>>,
    _dir: tempfile::TempDir,
    /// The PostgreSQL schema of a server on PostgreSQL (shared with its other nodes).
    pub schema: Option<Arc<postgres::TestSchema>>,
}

pub const PASSWORD: &str = "correct horse battery";

impl TestServer {
    pub async fn start() -> Self {
        Self::start_with(partnerhub::app_state::Limits::default()).await
    }

    pub async fn start_with(limits: partnerhub::app_state::Limits) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let store: Arc<dyn EventStore> = Arc::new(SledEventStore::open(dir.path()).unwrap());
        let keys = Arc::new(partnerhub::privacy::KeyStore::open(&dir.path().join("keys")).unwrap());
        let state = partnerhub::server::start(store, keys, limits, &mut |_| {})
            .await
            .unwrap();
        Self::serve(state, dir, None)
            .await
            .with_owner_and_workspace()
            .await
    }

    /// A server on a PostgreSQL schema of its own, with an owner and a workspace ready;
    /// `None` when PostgreSQL is skipped (`PARTNERHUB_TEST_POSTGRES=skip`).
    pub async fn start_on_postgres() -> Option<Self> {
        Self::start_on_postgres_with(partnerhub::app_state::Limits::default()).await
    }

    /// As [`TestServer::start_on_postgres`], with the given limits.
    pub async fn start_on_postgres_with(limits: partnerhub::app_state::Limits) -> Option<Self> {
        let schema = Arc::new(postgres::TestSchema::create().await?);
        let node = Self::node_on(schema, limits).await;
        Some(node.with_owner_and_workspace().await)
    }

    /// A server on `backend` (a PostgreSQL one on a schema of its own), with an owner and a
    /// workspace ready. Panics when PostgreSQL is skipped: [`on_every_backend!`] does not
    /// call a test's body then.
    pub async fn start_on(backend: Backend) -> Self {
        Self::start_on_with(backend, partnerhub::app_state::Limits::default()).await
    }

    /// As [`TestServer::start_on`], with the given limits.
    pub async fn start_on_with(backend: Backend, limits: partnerhub::app_state::Limits) -> Self {
        match backend {
            Backend::Sled => Self::start_with(limits).await,
            Backend::Postgres => Self::start_on_postgres_with(limits)
                .await
                .expect("PostgreSQL is skipped (PARTNERHUB_TEST_POSTGRES=skip)"),
        }
    }

    /// Another server node on the same PostgreSQL schema as this one (same owner session and
    /// workspace, which it shares through the schema).
    pub async fn second_node(&self) -> Self {
        let schema = self
            .schema
            .clone()
            .expect("only a server on PostgreSQL has other nodes");
        let mut node = Self::node_on(schema, partnerhub::app_state::Limits::default()).await;
        node.workspace_id = self.workspace_id;
        node.owner = self.owner.clone();
        node
    }

    /// Another server node on the same schema that is behind the shared log: it does not
    /// `LISTEN` and polls once an hour, so it learns of what the other nodes commit only
    /// when it asks ([`EventStore::catch_up`]) or commits itself.
    pub async fn second_node_behind(&self) -> Self {
        let schema = self
            .schema
            .clone()
            .expect("only a server on PostgreSQL has other nodes");
        let config: tokio_postgres::Config = schema.url().parse().unwrap();
        let options = partnerhub::store::postgres::PostgresOptions {
            listen: false,
            poll_interval: std::time::Duration::from_secs(3600),
            ..partnerhub::store::postgres::PostgresOptions::default()
        };
        let store = Arc::new(
            partnerhub::store::PostgresEventStore::connect_with(config, options)
                .await
                .unwrap(),
        );
        let backing = partnerhub::node::Backing {
            keys: Arc::new(partnerhub::privacy::KeyStore::on_postgres(&store)),
            store: partnerhub::node::OpenedStore::Postgres(store),
        };
        let mut node =
            Self::serve_backing(backing, schema, partnerhub::app_state::Limits::default()).await;
        node.workspace_id = self.workspace_id;
        node.owner = self.owner.clone();
        node
    }

    async fn node_on(
        schema: Arc<postgres::TestSchema>,
        limits: partnerhub::app_state::Limits,
    ) -> Self {
        let location = partnerhub::node::StoreLocation::Postgres(schema.url());
        let backing = partnerhub::node::Backing::open(&location).await.unwrap();
        Self::serve_backing(backing, schema, limits).await
    }

    async fn serve_backing(
        backing: partnerhub::node::Backing,
        schema: Arc<postgres::TestSchema>,
        limits: partnerhub::app_state::Limits,
    ) -> Self {
        let state = partnerhub::server::start_node(&backing, limits, &mut |_| {})
            .await
            .unwrap();
        if let partnerhub::node::OpenedStore::Postgres(store) = &backing.store {
            partnerhub::hub::presence::relay(&state.hub, store).await;
        }
        Self::serve(state, tempfile::tempdir().unwrap(), Some(schema)).await
    }

    async fn serve(
        state: partnerhub::app_state::AppState,
        dir: tempfile::TempDir,
        schema: Option<Arc<postgres::TestSchema>>,
    ) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let task = tokio::spawn(partnerhub::server::run(
            listener,
            state.clone(),
            async move {
                let _ = stopped.await;
            },
        ));
        TestServer {
            address,
            state,
            workspace_id: Uuid::nil(),
            owner: String::new(),
            // Idle pooled connections are let go before the server's keep-alive limit.
            http: reqwest::Client::builder()
                .pool_idle_timeout(std::time::Duration::from_secs(5))
                .build()
                .unwrap(),
            stop: Some(stop),
            task: Some(task),
            _dir: dir,
            schema,
        }
    }

    async fn with_owner_and_workspace(self) -> Self {
        let mut server = self;
        server.owner = server.account("owner@test").await;
        let created = server
            .post(
                &server.owner,
                "/api/workspaces",
                json!({"name": "Roskilde"}),
            )
            .await;
        assert_eq!(created.0, 201, "{}", created.1);
        server.workspace_id = created.1["workspace_id"].as_str().unwrap().parse().unwrap();
        server
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.address)
    }

    /// Creates an account and returns a session token for it.
    pub async fn account(&self, name: &str) -> String {
        self.state
            .accounts
            .create_account("test", name, PASSWORD)
            .await
            .unwrap();
        let (status, body) = self
            .post(
                "",
                "/api/login",
                json!({"name": name, "password": PASSWORD}),
            )
            .await;
        assert_eq!(status, 200, "{body}");
        body["token"].as_str().unwrap().to_owned()
    }

    /// Creates an account with a role in the test workspace; returns its session token.
    pub async fn member(&self, name: &str, role: &str) -> String {
        let token = self.account(name).await;
        let (status, body) = self
            .put(
                &self.owner,
                &format!("/api/workspaces/{}/members/{name}", self.workspace_id),
                json!({"role": role}),
            )
            .await;
        assert_eq!(status, 204, "{body}");
        token
    }

    /// Invites guests to `board_id` of the test workspace; returns the invite token.
    pub async fn invite(&self, board_id: Uuid, label: &str) -> String {
        let (status, body) = self
            .post(
                &self.owner,
                &format!(
                    "/api/workspaces/{}/boards/{board_id}/invites",
                    self.workspace_id
                ),
                json!({ "label": label }),
            )
            .await;
        assert_eq!(status, 201, "{body}");
        body["token"].as_str().unwrap().to_owned()
    }

    /// Joins through `invite` as `display_name`; returns the guest's credential and actor.
    pub async fn join(&self, invite: &str, display_name: &str) -> (String, String) {
        let (status, body) = self
            .post(
                "",
                "/api/join",
                json!({"invite": invite, "display_name": display_name}),
            )
            .await;
        assert_eq!(status, 201, "{body}");
        (
            body["token"].as_str().unwrap().to_owned(),
            body["actor"].as_str().unwrap().to_owned(),
        )
    }

    async fn answer(response: reqwest::Response) -> (u16, serde_json::Value) {
        let status = response.status().as_u16();
        let text = response.text().await.unwrap();
        let body = if text.is_empty() {
            serde_json::Value::Null
        } else {
            serde_json::from_str(&text).unwrap_or(serde_json::Value::String(text))
        };
        (status, body)
    }

    pub async fn get(&self, token: &str, path: &str) -> (u16, serde_json::Value) {
        let mut request = self.http.get(self.url(path));
        if !token.is_empty() {
            request = request.bearer_auth(token);
        }
        Self::answer(request.send().await.unwrap()).await
    }

    pub async fn post(
        &self,
        token: &str,
        path: &str,
        body: serde_json::Value,
    ) -> (u16, serde_json::Value) {
        let mut request = self.http.post(self.url(path)).json(&body);
        if !token.is_empty() {
            request = request.bearer_auth(token);
        }
        Self::answer(request.send().await.unwrap()).await
    }

    pub async fn put(
        &self,
        token: &str,
        path: &str,
        body: serde_json::Value,
    ) -> (u16, serde_json::Value) {
        let mut request = self.http.put(self.url(path)).json(&body);
        if !token.is_empty() {
            request = request.bearer_auth(token);
        }
        Self::answer(request.send().await.unwrap()).await
    }

    pub async fn delete(&self, token: &str, path: &str) -> (u16, serde_json::Value) {
        let mut request = self.http.delete(self.url(path));
        if !token.is_empty() {
            request = request.bearer_auth(token);
        }
        Self::answer(request.send().await.unwrap()).await
    }

    /// Runs a command in the test workspace over HTTP.
    pub async fn command(
        &self,
        token: &str,
        command: serde_json::Value,
    ) -> (u16, serde_json::Value) {
        self.post(
            token,
            &format!("/api/workspaces/{}/commands", self.workspace_id),
            json!({"command": command}),
        )
        .await
    }

    /// Stops the server as SIGTERM would and waits for it.
    pub async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            task.await.unwrap().unwrap();
        }
    }

    pub async fn websocket(&self) -> Ws {
        Ws::connect(self.address).await
    }
}

/// A websocket client speaking the protocol.
pub struct Ws {
    pub stream: tokio_tungstenite::WebSocketStream<
        tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>,
    >,
}

impl Ws {
    /// Connects to the websocket of the server at `address`.
    pub async fn connect(address: std::net::SocketAddr) -> Ws {
        let (stream, _) = tokio_tungstenite::connect_async(format!("ws://{address}/ws"))
            .await
            .unwrap();
        Ws { stream }
    }

    pub async fn send(&mut self, message: serde_json::Value) {
        use futures_util::SinkExt;
        self.stream
            .send(tokio_tungstenite::tungstenite::Message::text(
                message.to_string(),
            ))
            .await
            .unwrap();
    }

    pub async fn send_text(&mut self, text: String) {
        use futures_util::SinkExt;
        self.stream
            .send(tokio_tungstenite::tungstenite::Message::text(text))
            .await
            .unwrap();
    }

    /// The next text frame as JSON (fails after 10 seconds).
    pub async fn next(&mut self) -> serde_json::Value {
        match self.next_frame().await {
            Frame::Json(value) => value,
            Frame::Closed(code, reason) => panic!("closed with {code}: {reason}"),
        }
    }

    /// The next frame: JSON, or the close code and reason.
    pub async fn next_frame(&mut self) -> Frame {
        use futures_util::StreamExt;
        use tokio_tungstenite::tungstenite::Message;
        loop {
            let message =
                tokio::time::timeout(std::time::Duration::from_secs(10), self.stream.next())
                    .await
                    .expect("no frame within 10 seconds");
            match message {
                Some(Ok(Message::Text(text))) => {
                    return Frame::Json(serde_json::from_str(text.as_str()).unwrap())
                }
                Some(Ok(Message::Close(frame))) => {
                    return match frame {
                        Some(frame) => {
                            Frame::Closed(u16::from(frame.code), frame.reason.to_string())
                        }
                        None => Frame::Closed(1005, String::new()),
                    }
                }
                Some(Ok(_)) => continue,
                None => return Frame::Closed(1006, "ended".into()),
                Some(Err(error)) => return Frame::Closed(1006, error.to_string()),
            }
        }
    }

    /// The next frame of a given type, skipping presence frames.
    pub async fn next_of(&mut self, kind: &str) -> serde_json::Value {
        loop {
            let frame = self.next().await;
            if frame["type"] == kind {
                return frame;
            }
            if frame["type"] != "presence" {
                panic!("expected a {kind} frame, got {frame}");
            }
        }
    }

    /// The next event frame of type `event_type`, skipping other frames.
    pub async fn next_of_event_type(&mut self, event_type: &str) -> serde_json::Value {
        loop {
            let frame = self.next().await;
            if frame["type"] == "event" && frame["event_type"] == event_type {
                return frame;
            }
        }
    }

    pub async fn hello(&mut self, token: &str) -> serde_json::Value {
        self.send(json!({"type": "hello", "token": token})).await;
        self.next_of("welcome").await
    }
}

/// A frame a websocket client received.
#[derive(Debug)]
pub enum Frame {
    Json(serde_json::Value),
    Closed(u16, String),
}
