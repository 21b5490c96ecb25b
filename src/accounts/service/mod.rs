//! The accounts service: creates accounts, grants roles, issues and revokes tokens, lets
//! guests join through invites (all as events of the system stream), logs in, and
//! authenticates bearer tokens.
//!
//! What an attacker can send is bounded here: failed logins are counted for at most
//! [`TRACKED_LOGIN_NAMES`] names ([`FailedLogins`]), and at most [`CONCURRENT_HASHING`]
//! argon2 hashes (about 19 MiB of memory each) run at once; a request that waits longer than
//! [`HASHING_PATIENCE`] for its turn is answered 503. The system stream's own idempotency
//! is not open to callers: every change is appended under a fresh command id.
//!
//! ## Layout
//!
//! [`Accounts`] is one service; its methods live by concern, one module each:
//! - `members`: accounts and their roles in workspaces (and the account name rule);
//! - `logins`: password logins, login sessions, password changes, and which of the
//!   credentials below a bearer secret is;
//! - `passwords`: argon2 hashing in turns and the failed-login counter ([`FailedLogins`]);
//! - `tokens`: API tokens (and the invites guests join through), issued, revoked, listed
//!   and authenticated;
//! - `guests`: people joining a workshop through an invite, and their own credentials;
//! - `member_invites`: single-use invites that make a colleague a member;
//! - `principal`: who is asking ([`Principal`]) and what they may do there;
//! - `error`: why an operation was refused ([`AccessError`]).
//!
//! This module keeps what they share: the one way a change reaches the system stream
//! (decided on the current accounts, retried after another node's change) and the one way a
//! presented secret (`<prefix><id>_<secret>`) is found and checked.

mod error;
mod guests;
mod logins;
mod member_invites;
mod members;
mod passwords;
mod principal;
mod tokens;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};
use rand::RngCore;
use subtle::ConstantTimeEq;
use uuid::Uuid;

pub use self::error::{AccessError, InviteProblem};
pub use self::guests::{GuestCredential, DISPLAY_NAME_CHARS, GUESTS_PER_INVITE};
pub use self::member_invites::{
    AcceptedInvite, Joiner, MemberInviteListing, MemberInviteState, MEMBER_INVITE_HOURS,
};
pub use self::members::ACCOUNT_NAME_PATTERN;
pub use self::passwords::{
    FailedLogins, CONCURRENT_HASHING, HASHING_PATIENCE, MIN_PASSWORD_CHARS, TRACKED_LOGIN_NAMES,
};
pub use self::principal::{Principal, TokenScope};
pub use self::tokens::TokenListing;
use super::sessions::Sessions;
use super::{AccountEvent, AccountsState, SYSTEM_STREAM};
use crate::projection::Projections;
use crate::store::{
    envelope, AppendRequest, CommandContext, EventStore, ExpectedVersion, StoreError,
};

/// The accounts service.
pub struct Accounts {
    store: Arc<dyn EventStore>,
    projections: Arc<Projections>,
    /// Serializes writes to the system stream in this process.
    write_lock: tokio::sync::Mutex<()>,
    /// Login sessions by the hash of their secret (shared between nodes on PostgreSQL).
    sessions: Sessions,
    /// Last use of each token since start.
    last_used: Mutex<HashMap<Uuid, DateTime<Utc>>>,
    /// Failed logins per name.
    failures: Mutex<FailedLogins>,
    /// Turns for argon2 hashing ([`CONCURRENT_HASHING`]).
    hashing: tokio::sync::Semaphore,
}

impl Accounts {
    /// Accounts over `store`, read from `projections`, with sessions in memory.
    pub fn new(store: Arc<dyn EventStore>, projections: Arc<Projections>) -> Self {
        Self::with_sessions(store, projections, Sessions::in_memory())
    }

    /// Accounts over `store`, read from `projections`, with login sessions kept in
    /// `sessions` (shared by several nodes on PostgreSQL).
    pub fn with_sessions(
        store: Arc<dyn EventStore>,
        projections: Arc<Projections>,
        sessions: Sessions,
    ) -> Self {
        Accounts {
            store,
            projections,
            write_lock: tokio::sync::Mutex::new(()),
            sessions,
            last_used: Mutex::new(HashMap::new()),
            failures: Mutex::new(FailedLogins::default()),
            hashing: tokio::sync::Semaphore::new(CONCURRENT_HASHING),
        }
    }

    /// Appends what `decide` makes of the current accounts to the system stream. Changes are
    /// serialized in this process; when another process changed accounts first, the change is
    /// decided again on the fresh state.
    async fn change(
        &self,
        actor: &str,
        decide: impl Fn(&AccountsState) -> Result<Vec<AccountEvent>, AccessError>,
    ) -> Result<(), AccessError> {
        let _serialized = self.write_lock.lock().await;
        let started = tokio::time::Instant::now();
        let mut attempt = 0;
        loop {
            attempt += 1;
            let (version, events) = self
                .projections
                .accounts(|state| (state.version, decide(state)));
            let events = events?;
            if events.is_empty() {
                return Ok(());
            }
            match self.append(actor, version, events).await {
                Err(AccessError::Store(StoreError::VersionConflict { .. }))
                    if started.elapsed() < crate::service::CONFLICT_PATIENCE =>
                {
                    // Another node changed accounts first (see `CONFLICT_PATIENCE`).
                    self.projections.wait_for(self.store.head_position()).await;
                    crate::service::pause_after_conflict(attempt).await;
                }
                done => return done,
            }
        }
    }

    async fn append(
        &self,
        actor: &str,
        version: u64,
        events: Vec<AccountEvent>,
    ) -> Result<(), AccessError> {
        let mut new_events = Vec::with_capacity(events.len());
        for event in events {
            new_events.push(envelope::new_event(&event)?);
        }
        let command_id = Uuid::new_v4();
        let outcome = self
            .store
            .append(AppendRequest {
                stream_id: SYSTEM_STREAM,
                expected_version: if version == 0 {
                    ExpectedVersion::NoStream
                } else {
                    ExpectedVersion::Exact(version)
                },
                context: CommandContext {
                    workspace_id: SYSTEM_STREAM,
                    actor: actor.to_owned(),
                    command_id,
                    correlation_id: command_id,
                    happened_at: None,
                },
                events: new_events,
            })
            .await?;
        self.projections.wait_for(outcome.last_position).await;
        Ok(())
    }

    /// Finds what a presented secret names: `text` is `<prefix><id>_<secret>`, `find` looks
    /// the id up in the current accounts, and the secret must hash to what `stored_hash`
    /// reads from what was found (compared in constant time). The one way API tokens, guest
    /// credentials, workshop invites and member invites are checked.
    ///
    /// An id nothing has may have been made through another node a moment ago (an invite
    /// made on node A, joined through node B): before saying it is unknown, this node reads
    /// the shared log up to its head ([`EventStore::catch_up`]) and looks once more. A
    /// secret that does not match is refused without that.
    ///
    /// # Errors
    /// [`Refused::Malformed`] when `text` does not have that form; [`Refused::Unknown`]
    /// when nothing has the id, after catching up, or the secret does not match;
    /// [`Refused::Store`] when the shared log cannot be read.
    async fn presented<T>(
        &self,
        text: &str,
        prefix: &str,
        find: impl Fn(&AccountsState, Uuid) -> Option<T>,
        stored_hash: impl FnOnce(&T) -> &str,
    ) -> Result<T, Refused> {
        let (id_text, secret) = text
            .strip_prefix(prefix)
            .and_then(|rest| rest.split_once('_'))
            .ok_or(Refused::Malformed)?;
        let id = Uuid::parse_str(id_text).map_err(|_| Refused::Malformed)?;
        let found = match self.projections.accounts(|state| find(state, id)) {
            Some(found) => found,
            None => {
                let head = self.store.catch_up().await.map_err(Refused::Store)?;
                self.projections.wait_for(head).await;
                self.projections
                    .accounts(|state| find(state, id))
                    .ok_or(Refused::Unknown)?
            }
        };
        let matches: bool = hash_secret(secret)
            .as_bytes()
            .ct_eq(stored_hash(&found).as_bytes())
            .into();
        if matches {
            Ok(found)
        } else {
            Err(Refused::Unknown)
        }
    }

    /// How an actor is shown to people (see [`AccountsState::display_name`]).
    ///
    /// [`AccountsState::display_name`]: super::AccountsState::display_name
    pub fn display_name(&self, actor: &str) -> String {
        self.projections.accounts(|state| state.display_name(actor))
    }
}

/// Why a presented secret was refused (each caller says it in its own words).
#[derive(Debug)]
enum Refused {
    /// It is not `<prefix><id>_<secret>`.
    Malformed,
    /// Nothing has that id, or the secret does not match.
    Unknown,
    /// The shared log could not be read to look for an id made through another node.
    Store(StoreError),
}

impl Refused {
    /// The refusal as an [`AccessError`]: `refused` for a malformed or unknown secret (each
    /// caller's own words), the store's failure as itself.
    fn or_else(self, refused: impl FnOnce(Refused) -> AccessError) -> AccessError {
        match self {
            Refused::Store(error) => AccessError::Store(error),
            other => refused(other),
        }
    }
}

/// The BLAKE3 hash of a secret, hex: all that is kept of tokens, credentials and invites.
pub(crate) fn hash_secret(secret: &str) -> String {
    blake3::hash(secret.as_bytes()).to_hex().to_string()
}

/// `bytes` random bytes, hex: the secret of a new token, credential, invite or session.
pub(crate) fn random_hex(bytes: usize) -> String {
    let mut buffer = vec![0u8; bytes];
    rand::thread_rng().fill_bytes(&mut buffer);
    hex::encode(buffer)
}
