//! What one server process (a *node*) runs on, and where it is: the embedded store in a data
//! directory (the default, one process), or a PostgreSQL schema that several nodes share.
//!
//! [`StoreLocation`] is what the command line names (`--data`, `--store postgres://…`);
//! [`Backing::open`] opens the event log there together with what belongs to it:
//!
//! | | embedded (sled, `--data`) | PostgreSQL (`--store`) |
//! |---|---|---|
//! | event log | `<data>/log`, `<data>/index` | tables `events`, `commands` |
//! | keys of personal data and of workshop boards ([`KeyStore`]) | `<data>/keys` | table `sealing_keys` |
//! | login sessions ([`Sessions`]) | memory of the process | table `sessions` |
//! | presence ([`crate::hub::presence`]) | this process | relayed with `NOTIFY` |
//!
//! On PostgreSQL everything a node keeps beyond a request is in the schema, so any number of
//! nodes can serve it behind a load balancer; the tables are created by the migrations the
//! store runs when it opens.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::accounts::sessions::Sessions;
use crate::privacy::KeyStore;
use crate::store::postgres::describe_url;
use crate::store::{EventStore, PostgresEventStore, SledEventStore, StoreError};

/// Where a node keeps its state.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StoreLocation {
    /// The embedded sled store in this data directory (one process at a time).
    Embedded(PathBuf),
    /// A PostgreSQL database (and schema), by its `postgres://` URL.
    Postgres(String),
}

impl StoreLocation {
    /// The location the command line names: the PostgreSQL URL of `--store` when one is
    /// given (an empty one counts as none), else the data directory.
    ///
    /// # Errors
    /// [`StoreError::Incompatible`] when `store` is not a `postgres://` or `postgresql://` URL
    /// (the message does not repeat the URL, which may hold a password).
    pub fn choose(data: &Path, store: Option<&str>) -> Result<Self, StoreError> {
        let Some(url) = store.map(str::trim).filter(|url| !url.is_empty()) else {
            return Ok(StoreLocation::Embedded(data.to_path_buf()));
        };
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Ok(StoreLocation::Postgres(url.to_owned()));
        }
        let scheme = url
            .split_once("://")
            .map(|(scheme, _)| format!("a {scheme}:// URL"))
            .unwrap_or_else(|| "something that is not a URL".to_owned());
        Err(StoreError::Incompatible(format!(
            "--store (PARTNERHUB_STORE) takes a PostgreSQL URL such as \
             postgres://user@host:5432/database, but was given {scheme}; \
             leave it out to use the embedded store in --data"
        )))
    }

    /// Where it is, for messages (never a password).
    pub fn describe(&self) -> String {
        match self {
            StoreLocation::Embedded(data) => format!("data in {}", data.display()),
            StoreLocation::Postgres(url) => format!("store {}", describe_url(url)),
        }
    }
}

/// An open event log, by backend.
#[derive(Clone)]
pub enum OpenedStore {
    /// The embedded store.
    Sled(Arc<SledEventStore>),
    /// The PostgreSQL store.
    Postgres(Arc<PostgresEventStore>),
}

/// The name of the sled tree of login sessions on the embedded store (in the key store's
/// database).
pub const SESSIONS_TREE: &str = "sessions";

/// The event log of a node and the services that are kept beside it.
pub struct Backing {
    /// The event log.
    pub store: OpenedStore,
    /// The keys of personal data.
    pub keys: Arc<KeyStore>,
}

impl Backing {
    /// Opens the log at `location` (PostgreSQL: connecting and running its migrations) and
    /// the key store beside it.
    ///
    /// # Errors
    /// The store's errors: an unparsable URL, an unreachable database, a data directory in use
    /// by another process, a damaged or newer store.
    pub async fn open(location: &StoreLocation) -> Result<Self, StoreError> {
        match location {
            StoreLocation::Embedded(data) => {
                let store = Arc::new(SledEventStore::open(data)?);
                let keys = Arc::new(KeyStore::open(&data.join("keys"))?);
                Ok(Backing {
                    store: OpenedStore::Sled(store),
                    keys,
                })
            }
            StoreLocation::Postgres(url) => {
                let store = Arc::new(PostgresEventStore::connect(url).await?);
                let keys = Arc::new(KeyStore::on_postgres(&store));
                Ok(Backing {
                    store: OpenedStore::Postgres(store),
                    keys,
                })
            }
        }
    }

    /// The log, whatever its backend.
    pub fn event_store(&self) -> Arc<dyn EventStore> {
        match &self.store {
            OpenedStore::Sled(store) => store.clone(),
            OpenedStore::Postgres(store) => store.clone(),
        }
    }

    /// Where login sessions are kept: on the embedded store in a tree of the key store's sled
    /// database (`<data>/keys/`), in the shared table on PostgreSQL; either way as hashes, and
    /// they survive a restart.
    ///
    /// # Errors
    /// When the sessions' tree cannot be opened.
    pub fn sessions(&self) -> Result<Sessions, StoreError> {
        Ok(match &self.store {
            OpenedStore::Sled(_) => match self.keys.embedded_tree(SESSIONS_TREE)? {
                Some(tree) => Sessions::embedded(tree),
                None => Sessions::in_memory(),
            },
            OpenedStore::Postgres(store) => Sessions::on_postgres(store),
        })
    }
}
