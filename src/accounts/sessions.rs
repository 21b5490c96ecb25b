//! Login sessions (`phs_` tokens from `POST /api/login`): where they are kept, so that a
//! session made through one server node works on every node.
//!
//! A session is an immutable record: the BLAKE3 hash of its secret (the secret itself is
//! never stored, as with API tokens), the account, the name and the expiry. [`Sessions`] keeps
//! the ones this process has made or seen in memory; where it finds nothing it asks the
//! shared table, if there is one:
//!
//! - on the embedded store as `serve` opens it ([`Sessions::embedded`]) every login also
//!   writes a sled tree beside the log (in the key store's database, `<data>/keys/`), flushed
//!   before the token is handed out, so sessions survive a restart; expired entries are
//!   removed at the next login;
//! - in memory only ([`Sessions::in_memory`], a server started without a data directory of
//!   its own, as in some tests) sessions end with the process;
//! - on PostgreSQL ([`Sessions::on_postgres`]) every login also writes the table `sessions`
//!   of the store's schema (created by its migrations) before the token is handed out, so a
//!   request with that token on any node of the schema finds it, and a restarted node
//!   still knows it. Since a record never changes, a node may keep what it has read until it
//!   expires; expired rows are deleted at the next login.

use std::collections::HashMap;
use std::sync::Mutex;

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::store::{PostgresEventStore, StoreError};
use crate::sync::locked;

/// One login session.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Session {
    /// The account logged in.
    pub account_id: Uuid,
    /// Its name (the actor of its changes).
    pub name: String,
    /// When the session ends.
    pub expires_at: DateTime<Utc>,
}

/// The sessions of this process, and the shared table when there is one.
pub struct Sessions {
    /// Sessions made or read here, by the hash of their secret.
    known: Mutex<HashMap<String, Session>>,
    /// The `sessions` table every node on one PostgreSQL schema shares.
    shared: Option<deadpool_postgres::Pool>,
    /// The sled tree that keeps them across restarts on the embedded store.
    embedded: Option<sled::Tree>,
}

fn sled_error(error: sled::Error) -> StoreError {
    StoreError::Backend(format!("the session tree failed: {error}"))
}

fn decode(bytes: &[u8]) -> Result<Session, StoreError> {
    serde_json::from_slice(bytes)
        .map_err(|error| StoreError::Backend(format!("a stored session is unreadable: {error}")))
}

fn postgres_error(error: tokio_postgres::Error) -> StoreError {
    StoreError::Backend(format!(
        "the session table failed: {}",
        crate::store::postgres::describe(&error)
    ))
}

fn pool_error(error: deadpool_postgres::PoolError) -> StoreError {
    StoreError::Backend(format!("no database connection for sessions: {error}"))
}

impl Sessions {
    /// Sessions of this process only (the embedded store).
    pub fn in_memory() -> Self {
        Sessions {
            known: Mutex::new(HashMap::new()),
            shared: None,
            embedded: None,
        }
    }

    /// Sessions of the embedded store, kept in `tree` across restarts.
    pub fn embedded(tree: sled::Tree) -> Self {
        Sessions {
            known: Mutex::new(HashMap::new()),
            shared: None,
            embedded: Some(tree),
        }
    }

    /// Sessions shared by every node on `store`'s schema, through its `sessions` table.
    pub fn on_postgres(store: &PostgresEventStore) -> Self {
        Sessions {
            known: Mutex::new(HashMap::new()),
            shared: Some(store.pool().clone()),
            embedded: None,
        }
    }

    fn known(&self) -> std::sync::MutexGuard<'_, HashMap<String, Session>> {
        locked(&self.known)
    }

    /// Records a new session under the hash of its secret; durable in the shared table
    /// (when there is one) before this returns.
    ///
    /// # Errors
    /// Failures of the shared table (the session is then not made).
    pub async fn insert(&self, secret_hash: String, session: Session) -> Result<(), StoreError> {
        if let Some(pool) = &self.shared {
            let client = pool.get().await.map_err(pool_error)?;
            client
                .execute("DELETE FROM sessions WHERE expires_at < now()", &[])
                .await
                .map_err(postgres_error)?;
            client
                .execute(
                    "INSERT INTO sessions (secret_hash, account_id, name, expires_at)
                     VALUES ($1, $2, $3, $4)",
                    &[
                        &secret_hash,
                        &session.account_id,
                        &session.name,
                        &session.expires_at,
                    ],
                )
                .await
                .map_err(postgres_error)?;
        }
        let now = Utc::now();
        if let Some(tree) = &self.embedded {
            for entry in tree.iter() {
                let (key, value) = entry.map_err(sled_error)?;
                if decode(&value).map_or(true, |stored| stored.expires_at <= now) {
                    tree.remove(key).map_err(sled_error)?;
                }
            }
            let value = serde_json::to_vec(&session).map_err(|error| {
                StoreError::Backend(format!("a session cannot be stored: {error}"))
            })?;
            tree.insert(secret_hash.as_bytes(), value)
                .map_err(sled_error)?;
            tree.flush_async().await.map_err(sled_error)?;
        }
        let mut known = self.known();
        known.retain(|_, session| session.expires_at > now);
        known.insert(secret_hash, session);
        Ok(())
    }

    /// The session with this secret hash, expired or not, if any node made it.
    ///
    /// # Errors
    /// Failures of the shared table.
    pub async fn find(&self, secret_hash: &str) -> Result<Option<Session>, StoreError> {
        if let Some(session) = self.known().get(secret_hash) {
            return Ok(Some(session.clone()));
        }
        if let Some(tree) = &self.embedded {
            let Some(value) = tree.get(secret_hash.as_bytes()).map_err(sled_error)? else {
                return Ok(None);
            };
            let session = decode(&value)?;
            if session.expires_at > Utc::now() {
                self.known().insert(secret_hash.to_owned(), session.clone());
            }
            return Ok(Some(session));
        }
        let Some(pool) = &self.shared else {
            return Ok(None);
        };
        let client = pool.get().await.map_err(pool_error)?;
        let statement = client
            .prepare_cached(
                "SELECT account_id, name, expires_at FROM sessions WHERE secret_hash = $1",
            )
            .await
            .map_err(postgres_error)?;
        let Some(row) = client
            .query_opt(&statement, &[&secret_hash])
            .await
            .map_err(postgres_error)?
        else {
            return Ok(None);
        };
        let session = Session {
            account_id: row.get(0),
            name: row.get(1),
            expires_at: row.get(2),
        };
        if session.expires_at > Utc::now() {
            self.known().insert(secret_hash.to_owned(), session.clone());
        }
        Ok(Some(session))
    }

    /// Ends one session (a logout): removed here and from the shared table.
    ///
    /// # Errors
    /// Failures of the shared table.
    pub async fn end(&self, secret_hash: &str) -> Result<(), StoreError> {
        if let Some(pool) = &self.shared {
            let client = pool.get().await.map_err(pool_error)?;
            client
                .execute(
                    "DELETE FROM sessions WHERE secret_hash = $1",
                    &[&secret_hash],
                )
                .await
                .map_err(postgres_error)?;
        }
        if let Some(tree) = &self.embedded {
            tree.remove(secret_hash.as_bytes()).map_err(sled_error)?;
            tree.flush_async().await.map_err(sled_error)?;
        }
        self.known().remove(secret_hash);
        Ok(())
    }

    /// Ends every session of an account (its password changed): removed here and from the
    /// shared table. Other nodes refuse them too, since they began before the change.
    ///
    /// # Errors
    /// Failures of the shared table.
    pub async fn end_account(&self, account_id: Uuid) -> Result<(), StoreError> {
        if let Some(pool) = &self.shared {
            let client = pool.get().await.map_err(pool_error)?;
            client
                .execute("DELETE FROM sessions WHERE account_id = $1", &[&account_id])
                .await
                .map_err(postgres_error)?;
        }
        if let Some(tree) = &self.embedded {
            for entry in tree.iter() {
                let (key, value) = entry.map_err(sled_error)?;
                if decode(&value).map_or(true, |stored| stored.account_id == account_id) {
                    tree.remove(key).map_err(sled_error)?;
                }
            }
            tree.flush_async().await.map_err(sled_error)?;
        }
        self.known()
            .retain(|_, session| session.account_id != account_id);
        Ok(())
    }
}
