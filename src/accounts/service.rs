//! The accounts service: creates accounts, grants roles, issues and revokes tokens, lets
//! guests join through invites (all as events of the system stream), logs in, and
//! authenticates bearer tokens.
//!
//! What an attacker can send is bounded here: failed logins are counted for at most
//! [`TRACKED_LOGIN_NAMES`] names ([`FailedLogins`]), and at most [`CONCURRENT_HASHING`]
//! argon2 hashes (about 19 MiB of memory each) run at once; a request that waits longer than
//! [`HASHING_PATIENCE`] for its turn is answered 503. The system stream's own idempotency
//! is not open to callers: every change is appended under a fresh command id.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::Argon2;
use chrono::{DateTime, Duration, Utc};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use subtle::ConstantTimeEq;
use uuid::Uuid;

use super::sessions::{Session, Sessions};
use super::{AccountEvent, AccountsState, MemberInvite, Permission, Role, Token, SYSTEM_STREAM};
use crate::projection::Projections;
use crate::store::{
    envelope, AppendRequest, CommandContext, EventStore, ExpectedVersion, StoreError,
};
use crate::sync::locked;

/// How long a login session lasts.
const SESSION_HOURS: i64 = 12;
/// Failed logins per name before it is refused for a while.
const LOGIN_ATTEMPTS: u32 = 5;
/// The window over which failed logins are counted.
const LOGIN_WINDOW_SECONDS: i64 = 60;
/// At most this many names have failed logins counted; the oldest is forgotten first.
pub const TRACKED_LOGIN_NAMES: usize = 4096;
/// At most this many argon2 password hashes run at once.
pub const CONCURRENT_HASHING: usize = 4;
/// How long a login or account creation waits for its turn to hash before it is refused.
pub const HASHING_PATIENCE: std::time::Duration = std::time::Duration::from_secs(10);
/// The shortest password accepted.
pub const MIN_PASSWORD_CHARS: usize = 10;
/// How long a member invite works unless its owner says otherwise.
pub const MEMBER_INVITE_HOURS: u32 = 72;
/// At most this many guests join through one invite.
pub const GUESTS_PER_INVITE: usize = 500;

/// Who is asking: an account (from a session or a token acting for it) or a bare token.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Principal {
    /// The name recorded as the actor of their events.
    pub actor: String,
    /// The account, if any.
    pub account_id: Option<Uuid>,
    /// When authenticated by an API token: its id, workspace, role and (guests) board.
    pub token: Option<TokenScope>,
    /// When authenticated by a login session: the hash of its secret (to end it).
    pub session: Option<String>,
}

/// What an API token is limited to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TokenScope {
    /// The token.
    pub token_id: Uuid,
    /// Its workspace.
    pub workspace_id: Uuid,
    /// Its role there.
    pub role: Role,
    /// A guest invite's board.
    pub board_id: Option<Uuid>,
}

impl Principal {
    /// The principal's role in a workspace, if any.
    pub fn role_in(&self, accounts: &Accounts, workspace_id: Uuid) -> Option<Role> {
        match &self.token {
            Some(scope) if scope.workspace_id == workspace_id => Some(scope.role),
            Some(_) => None,
            None => {
                let account_id = self.account_id?;
                accounts.projections.accounts(|state| {
                    state
                        .accounts
                        .get(&account_id)?
                        .roles
                        .get(&workspace_id)
                        .copied()
                })
            }
        }
    }

    /// Whether this is a password login of a server administrator (API tokens never are).
    pub fn is_server_admin(&self, accounts: &Accounts) -> bool {
        let Some(account_id) = self.account_id.filter(|_| self.token.is_none()) else {
            return false;
        };
        accounts.projections.accounts(|state| {
            state
                .accounts
                .get(&account_id)
                .is_some_and(|account| account.server_admin)
        })
    }

    /// The only board a guest may use.
    pub fn guest_board(&self) -> Option<Uuid> {
        self.token.as_ref().and_then(|scope| scope.board_id)
    }

    /// Checks a permission in a workspace.
    ///
    /// # Errors
    /// [`AccessError::Forbidden`] naming what is missing.
    pub fn require(
        &self,
        accounts: &Accounts,
        workspace_id: Uuid,
        permission: Permission,
    ) -> Result<Role, AccessError> {
        match self.role_in(accounts, workspace_id) {
            Some(role) if role.allows(permission) => Ok(role),
            Some(role) => Err(AccessError::Forbidden(format!(
                "a {} of this workspace may not {}",
                serde_json::to_value(role)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_owned))
                    .unwrap_or_default(),
                permission_words(permission)
            ))),
            None => Err(AccessError::NotMember),
        }
    }
}

fn permission_words(permission: Permission) -> &'static str {
    match permission {
        Permission::ReadViews => "read its views",
        Permission::ReadHistory => "read its history",
        Permission::ReadRawLog => "read the raw event log",
        Permission::RunCommands => "change anything",
        Permission::UseBoard => "use its boards",
        Permission::ManageAccess => "manage members and tokens",
    }
}

/// Why an account operation or an authentication failed.
#[derive(Debug, thiserror::Error)]
pub enum AccessError {
    /// No credentials, or they are wrong, expired or revoked.
    #[error("{0}")]
    Unauthenticated(String),
    /// Not a member of the workspace (indistinguishable from a workspace that does not exist).
    #[error("no such workspace, or you are not a member of it")]
    NotMember,
    /// A member, but the role does not allow it.
    #[error("{0}")]
    Forbidden(String),
    /// A bad name, password, role or label.
    #[error("{0}")]
    InvalidInput(String),
    /// The account or token exists already, or not at all.
    #[error("{0}")]
    Conflict(String),
    /// Unknown account or token.
    #[error("{0}")]
    NotFound(String),
    /// Too many failed logins.
    #[error("too many failed logins for this name; wait a minute")]
    TooManyAttempts,
    /// Too many password checks are running; the caller may try again shortly.
    #[error("the server is checking too many passwords at once; try again in a few seconds")]
    Busy,
    /// An account name that breaks the rule (the message says it).
    #[error("{0}")]
    InvalidAccountName(String),
    /// An account name someone has already.
    #[error("the account name `{0}` is taken; choose another")]
    NameTaken(String),
    /// A password that breaks the rule (the message says it).
    #[error("{0}")]
    WeakPassword(String),
    /// The current password given to confirm a change is wrong.
    #[error("the current password is wrong")]
    WrongPassword,
    /// A member invite that cannot be used (any more).
    #[error("{0}")]
    Invite(InviteProblem),
    /// The log failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Why a member invite cannot be used.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum InviteProblem {
    /// No invite has this id and secret.
    #[error("this invite link is not known here; ask the workspace's owner for a new one")]
    Unknown,
    /// Someone accepted it already.
    #[error("this invite link has been used already; each link lets one person join")]
    Used,
    /// An owner revoked it.
    #[error("this invite link was revoked; ask the workspace's owner for a new one")]
    Revoked,
    /// It expired.
    #[error("this invite link has expired; ask the workspace's owner for a new one")]
    Expired,
}

/// A token as listed to its workspace's owners.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct TokenListing {
    /// Its id.
    pub token_id: Uuid,
    /// What it is for.
    pub label: String,
    /// Its role.
    pub role: Role,
    /// A guest invite's board.
    pub board_id: Option<Uuid>,
    /// When issued.
    pub issued_at: DateTime<Utc>,
    /// Expiry.
    pub expires_at: Option<DateTime<Utc>>,
    /// Whether revoked.
    pub revoked: bool,
    /// Last use since this server started.
    pub last_used_at: Option<DateTime<Utc>>,
}

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

/// Failed logins per name: how many within the window, and when the window began. Bounded:
/// windows that have ended are pruned whenever a failure is recorded, and when
/// [`TRACKED_LOGIN_NAMES`] names are still tracked the oldest window is forgotten.
#[derive(Debug, Default)]
pub struct FailedLogins {
    by_name: HashMap<String, (u32, DateTime<Utc>)>,
}

impl FailedLogins {
    fn window() -> Duration {
        Duration::seconds(LOGIN_WINDOW_SECONDS)
    }

    /// Whether `name` has failed too often within the window.
    pub fn locked(&self, name: &str, now: DateTime<Utc>) -> bool {
        self.by_name
            .get(name)
            .is_some_and(|(count, since)| *count >= LOGIN_ATTEMPTS && now - *since < Self::window())
    }

    /// Counts a failed login of `name`.
    pub fn record(&mut self, name: &str, now: DateTime<Utc>) {
        if !self.by_name.contains_key(name) {
            if self.by_name.len() >= TRACKED_LOGIN_NAMES {
                self.by_name
                    .retain(|_, (_, since)| now - *since < Self::window());
            }
            if self.by_name.len() >= TRACKED_LOGIN_NAMES {
                let oldest = self
                    .by_name
                    .iter()
                    .min_by_key(|(_, (_, since))| *since)
                    .map(|(name, _)| name.clone());
                if let Some(oldest) = oldest {
                    self.by_name.remove(&oldest);
                }
            }
        }
        let entry = self.by_name.entry(name.to_owned()).or_insert((0, now));
        if now - entry.1 >= Self::window() {
            *entry = (0, now);
        }
        entry.0 += 1;
    }

    /// Forgets `name`'s failures (after a successful login).
    pub fn clear(&mut self, name: &str) {
        self.by_name.remove(name);
    }

    /// How many names are tracked.
    pub fn tracked(&self) -> usize {
        self.by_name.len()
    }
}

/// Runs `work` on a blocking thread once `turns` has a permit for it, waiting at most
/// `patience` for one.
///
/// # Errors
/// [`AccessError::Busy`] when no turn came in time.
async fn in_turn<T: Send + 'static>(
    turns: &tokio::sync::Semaphore,
    patience: std::time::Duration,
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, AccessError> {
    let _turn = tokio::time::timeout(patience, turns.acquire())
        .await
        .map_err(|_| AccessError::Busy)?
        .map_err(|_| AccessError::Busy)?;
    Ok(tokio::task::spawn_blocking(work)
        .await
        .map_err(|error| StoreError::Backend(error.to_string()))?)
}

fn hash_secret(secret: &str) -> String {
    blake3::hash(secret.as_bytes()).to_hex().to_string()
}

fn random_hex(bytes: usize) -> String {
    let mut buffer = vec![0u8; bytes];
    rand::thread_rng().fill_bytes(&mut buffer);
    hex::encode(buffer)
}

fn check_name(name: &str) -> Result<(), AccessError> {
    let valid = (2..=64).contains(&name.len())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "@.-_".contains(c));
    if valid {
        Ok(())
    } else {
        Err(AccessError::InvalidAccountName(format!(
            "`{name}` is not an account name: use 2 to 64 letters, digits and @ . - _"
        )))
    }
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
                },
                events: new_events,
            })
            .await?;
        self.projections.wait_for(outcome.last_position).await;
        Ok(())
    }

    /// Runs argon2 work on a blocking thread once one of the [`CONCURRENT_HASHING`] turns is
    /// free.
    ///
    /// # Errors
    /// [`AccessError::Busy`] after [`HASHING_PATIENCE`] without a turn.
    async fn hash_in_turn<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, AccessError> {
        in_turn(&self.hashing, HASHING_PATIENCE, work).await
    }

    /// Gives the account `actor` the owner role in the workspace it just created, unless
    /// anyone was ever given a role there: a retried create does not hand the role out again
    /// (to a creator who was since demoted or removed, say).
    ///
    /// # Errors
    /// Unknown account, store failures.
    pub async fn grant_creator(&self, actor: &str, workspace_id: Uuid) -> Result<(), AccessError> {
        self.change(actor, |state| {
            if state.workspaces_with_members.contains(&workspace_id) {
                return Ok(Vec::new());
            }
            let account_id = state
                .account_named(actor)
                .map(|account| account.account_id)
                .ok_or_else(|| {
                    AccessError::NotFound(format!("there is no account named `{actor}`"))
                })?;
            Ok(vec![AccountEvent::MembershipGranted {
                account_id,
                workspace_id,
                role: Role::Owner,
            }])
        })
        .await
    }

    /// Creates a local account with an argon2id password hash.
    ///
    /// # Errors
    /// Invalid name or password, a taken name, store failures.
    pub async fn create_account(
        &self,
        actor: &str,
        name: &str,
        password: &str,
    ) -> Result<Uuid, AccessError> {
        check_name(name)?;
        let password_hash = self.hash_new_password(password).await?;
        let account_id = Uuid::new_v4();
        self.change(actor, |state| {
            if state.account_named(name).is_some() {
                return Err(name_taken(name));
            }
            Ok(vec![AccountEvent::AccountCreated {
                account_id,
                name: name.to_owned(),
                password_hash: password_hash.clone(),
            }])
        })
        .await?;
        Ok(account_id)
    }

    /// Gives an account a role in a workspace.
    ///
    /// # Errors
    /// Unknown account, guest role (guests come by invite), store failures.
    pub async fn grant(
        &self,
        actor: &str,
        account_name: &str,
        workspace_id: Uuid,
        role: Role,
    ) -> Result<(), AccessError> {
        if role == Role::Guest {
            return Err(AccessError::InvalidInput(
                "guests join one board through an invite link, not as members".into(),
            ));
        }
        self.change(actor, |state| {
            let account_id = state
                .account_named(account_name)
                .map(|account| account.account_id)
                .ok_or_else(|| {
                    AccessError::NotFound(format!("there is no account named `{account_name}`"))
                })?;
            Ok(vec![AccountEvent::MembershipGranted {
                account_id,
                workspace_id,
                role,
            }])
        })
        .await
    }

    /// Makes an account a server administrator (the command line's `user add --admin`).
    ///
    /// # Errors
    /// Unknown account, store failures.
    pub async fn grant_server_admin(
        &self,
        actor: &str,
        account_name: &str,
    ) -> Result<(), AccessError> {
        self.change(actor, |state| {
            let account_id = state
                .account_named(account_name)
                .map(|account| account.account_id)
                .ok_or_else(|| {
                    AccessError::NotFound(format!("there is no account named `{account_name}`"))
                })?;
            Ok(vec![AccountEvent::ServerAdminGranted { account_id }])
        })
        .await
    }

    /// Takes an account's role in a workspace away.
    ///
    /// # Errors
    /// Unknown account or membership, store failures.
    pub async fn revoke_membership(
        &self,
        actor: &str,
        account_name: &str,
        workspace_id: Uuid,
    ) -> Result<(), AccessError> {
        self.change(actor, |state| {
            let account_id = state
                .account_named(account_name)
                .filter(|account| account.roles.contains_key(&workspace_id))
                .map(|account| account.account_id)
                .ok_or_else(|| {
                    AccessError::NotFound(format!(
                        "`{account_name}` is not a member of this workspace"
                    ))
                })?;
            Ok(vec![AccountEvent::MembershipRevoked {
                account_id,
                workspace_id,
            }])
        })
        .await
    }

    /// Issues an API token (or, with `board_id` and the guest role, an invite). Returns its id
    /// and its text, which is shown once and never stored.
    ///
    /// # Errors
    /// A guest token without a board or a board on a non-guest token, store failures.
    #[allow(clippy::too_many_arguments)]
    pub async fn issue_token(
        &self,
        actor: &str,
        label: &str,
        account_id: Option<Uuid>,
        workspace_id: Uuid,
        role: Role,
        board_id: Option<Uuid>,
        expires_at: Option<DateTime<Utc>>,
    ) -> Result<(Uuid, String), AccessError> {
        if (role == Role::Guest) != board_id.is_some() {
            return Err(AccessError::InvalidInput(
                "a guest token opens exactly one board; other roles open none".into(),
            ));
        }
        let label = label.trim();
        if label.is_empty() || label.chars().count() > 200 {
            return Err(AccessError::InvalidInput(
                "a token needs a label of 1 to 200 characters".into(),
            ));
        }
        let token_id = Uuid::new_v4();
        let secret = random_hex(32);
        let text = format!("ph_{}_{secret}", token_id.simple());
        let issued = AccountEvent::TokenIssued {
            token_id,
            label: label.to_owned(),
            account_id,
            workspace_id,
            role,
            board_id,
            secret_hash: hash_secret(&secret),
            expires_at,
        };
        self.change(actor, |_| Ok(vec![issued.clone()])).await?;
        Ok((token_id, text))
    }

    /// Revokes a token of a workspace.
    ///
    /// # Errors
    /// Unknown token, store failures.
    pub async fn revoke_token(
        &self,
        actor: &str,
        workspace_id: Uuid,
        token_id: Uuid,
    ) -> Result<(), AccessError> {
        self.change(actor, |state| {
            let known = state
                .tokens
                .get(&token_id)
                .is_some_and(|token| token.workspace_id == workspace_id && !token.revoked);
            if !known {
                return Err(AccessError::NotFound(format!(
                    "no active token {token_id} in this workspace"
                )));
            }
            Ok(vec![AccountEvent::TokenRevoked { token_id }])
        })
        .await
    }

    /// The tokens of a workspace, with their last use.
    pub fn tokens_of(&self, workspace_id: Uuid) -> Vec<TokenListing> {
        let last_used = locked(&self.last_used).clone();
        self.projections.accounts(|state| {
            state
                .tokens
                .values()
                .filter(|token| token.workspace_id == workspace_id)
                .map(|token: &Token| TokenListing {
                    token_id: token.token_id,
                    label: token.label.clone(),
                    role: token.role,
                    board_id: token.board_id,
                    issued_at: token.issued_at,
                    expires_at: token.expires_at,
                    revoked: token.revoked,
                    last_used_at: last_used.get(&token.token_id).copied(),
                })
                .collect()
        })
    }

    /// The members of a workspace: name and role.
    pub fn members_of(&self, workspace_id: Uuid) -> Vec<(String, Role)> {
        self.projections.accounts(|state| {
            state
                .accounts
                .values()
                .filter_map(|account| {
                    Some((account.name.clone(), *account.roles.get(&workspace_id)?))
                })
                .collect()
        })
    }

    /// The workspaces an account is a member of.
    pub fn workspaces_of(&self, principal: &Principal) -> Vec<(Uuid, Role)> {
        if let Some(scope) = &principal.token {
            return vec![(scope.workspace_id, scope.role)];
        }
        let Some(account_id) = principal.account_id else {
            return Vec::new();
        };
        self.projections.accounts(|state| {
            state
                .accounts
                .get(&account_id)
                .map(|account| {
                    account
                        .roles
                        .iter()
                        .map(|(id, role)| (*id, *role))
                        .collect()
                })
                .unwrap_or_default()
        })
    }

    /// Logs in with name and password; returns a session token and its expiry.
    /// Failed attempts per name are limited.
    ///
    /// # Errors
    /// [`AccessError::Unauthenticated`] (the same message for an unknown name and a wrong
    /// password), [`AccessError::TooManyAttempts`].
    pub async fn login(
        &self,
        name: &str,
        password: &str,
    ) -> Result<(String, DateTime<Utc>), AccessError> {
        let now = Utc::now();
        if locked(&self.failures).locked(name, now) {
            return Err(AccessError::TooManyAttempts);
        }
        let account = self.projections.accounts(|state| {
            state
                .account_named(name)
                .map(|account| (account.account_id, account.password_hash.clone()))
        });
        // Verify against a dummy hash when the name is unknown, so both cost the same.
        let (account_id, stored) = account.unwrap_or((Uuid::nil(), DUMMY_HASH.to_owned()));
        let password = password.to_owned();
        let verified = self
            .hash_in_turn(move || {
                PasswordHash::new(&stored)
                    .map(|hash| {
                        Argon2::default()
                            .verify_password(password.as_bytes(), &hash)
                            .is_ok()
                    })
                    .unwrap_or(false)
            })
            .await?;
        if !verified || account_id.is_nil() {
            locked(&self.failures).record(name, now);
            return Err(AccessError::Unauthenticated(
                "wrong name or password".into(),
            ));
        }
        locked(&self.failures).clear(name);
        self.open_session(account_id, name).await
    }

    /// Starts a login session for an account whose password was just checked (or set);
    /// returns its secret (`phs_...`, never stored) and its expiry.
    async fn open_session(
        &self,
        account_id: Uuid,
        name: &str,
    ) -> Result<(String, DateTime<Utc>), AccessError> {
        let secret = format!("phs_{}", random_hex(32));
        let expires_at = Utc::now() + Duration::hours(SESSION_HOURS);
        self.sessions
            .insert(
                hash_secret(&secret),
                Session {
                    account_id,
                    name: name.to_owned(),
                    expires_at,
                },
            )
            .await?;
        Ok((secret, expires_at))
    }

    /// Hashes a new password with argon2id (in turn, see [`CONCURRENT_HASHING`]) once it
    /// meets the rule.
    ///
    /// # Errors
    /// [`AccessError::InvalidInput`] naming the rule; [`AccessError::Busy`].
    async fn hash_new_password(&self, password: &str) -> Result<String, AccessError> {
        if password.chars().count() < MIN_PASSWORD_CHARS {
            return Err(AccessError::WeakPassword(format!(
                "a password has at least {MIN_PASSWORD_CHARS} characters"
            )));
        }
        let password = password.to_owned();
        self.hash_in_turn(move || {
            let salt = SaltString::generate(&mut OsRng);
            Argon2::default()
                .hash_password(password.as_bytes(), &salt)
                .map(|hash| hash.to_string())
        })
        .await?
        .map_err(|error| {
            AccessError::InvalidInput(format!("the password cannot be hashed: {error}"))
        })
    }

    /// Whether `password` is the account's current one (in turn, as logins are).
    async fn password_matches(
        &self,
        account_id: Uuid,
        password: &str,
    ) -> Result<bool, AccessError> {
        let stored = self
            .projections
            .accounts(|state| {
                state
                    .accounts
                    .get(&account_id)
                    .map(|account| account.password_hash.clone())
            })
            .unwrap_or_else(|| DUMMY_HASH.to_owned());
        let password = password.to_owned();
        self.hash_in_turn(move || {
            PasswordHash::new(&stored)
                .map(|hash| {
                    Argon2::default()
                        .verify_password(password.as_bytes(), &hash)
                        .is_ok()
                })
                .unwrap_or(false)
        })
        .await
    }

    /// Changes the password of the account `principal` logged in with: every login session
    /// of the account ends, on every node (sessions started before the change are refused),
    /// and a new one is returned for the caller.
    ///
    /// # Errors
    /// [`AccessError::Forbidden`] for anything but a password login;
    /// [`AccessError::WrongPassword`] when `current` is wrong; the password rule; store
    /// failures.
    pub async fn change_password(
        &self,
        principal: &Principal,
        current: &str,
        new: &str,
    ) -> Result<(String, DateTime<Utc>), AccessError> {
        let account_id = principal
            .account_id
            .filter(|_| principal.session.is_some())
            .ok_or_else(|| {
                AccessError::Forbidden(
                    "only a person logged in with their password may change it".into(),
                )
            })?;
        // Guesses of the current password count as failed logins of the name.
        let now = Utc::now();
        if locked(&self.failures).locked(&principal.actor, now) {
            return Err(AccessError::TooManyAttempts);
        }
        if !self.password_matches(account_id, current).await? {
            locked(&self.failures).record(&principal.actor, now);
            return Err(AccessError::WrongPassword);
        }
        let password_hash = self.hash_new_password(new).await?;
        self.change(&principal.actor, |_| {
            Ok(vec![AccountEvent::PasswordChanged {
                account_id,
                password_hash: password_hash.clone(),
            }])
        })
        .await?;
        self.sessions.end_account(account_id).await?;
        self.open_session(account_id, &principal.actor).await
    }

    /// Ends the login session `principal` came with (`POST /api/logout`).
    ///
    /// # Errors
    /// [`AccessError::Forbidden`] for an API token (revoke it instead); store failures.
    pub async fn logout(&self, principal: &Principal) -> Result<(), AccessError> {
        let session = principal.session.as_deref().ok_or_else(|| {
            AccessError::Forbidden(
                "an API token does not log out; an owner revokes it instead".into(),
            )
        })?;
        Ok(self.sessions.end(session).await?)
    }

    /// Authenticates a bearer token (a session or an API token).
    ///
    /// # Errors
    /// [`AccessError::Unauthenticated`] saying why; [`AccessError::Store`] when the shared
    /// session table cannot be read.
    pub async fn authenticate(&self, bearer: &str) -> Result<Principal, AccessError> {
        let now = Utc::now();
        if bearer.starts_with("phs_") {
            let secret_hash = hash_secret(bearer);
            return match self.sessions.find(&secret_hash).await? {
                Some(session) if self.ended_by_password_change(&session) => {
                    Err(AccessError::Unauthenticated(
                        "the password was changed since this session began; log in again".into(),
                    ))
                }
                Some(session) if session.expires_at > now => Ok(Principal {
                    actor: session.name.clone(),
                    account_id: Some(session.account_id),
                    token: None,
                    session: Some(secret_hash),
                }),
                Some(_) => Err(AccessError::Unauthenticated(
                    "the session has expired; log in again".into(),
                )),
                None => Err(AccessError::Unauthenticated(
                    "unknown session; log in again".into(),
                )),
            };
        }
        let malformed =
            || AccessError::Unauthenticated("the token is not a partnerhub token".into());
        if let Some(rest) = bearer.strip_prefix("phg_") {
            return self.authenticate_guest(rest, now);
        }
        let rest = bearer.strip_prefix("ph_").ok_or_else(malformed)?;
        let (id_text, secret) = rest.split_once('_').ok_or_else(malformed)?;
        let token_id = Uuid::parse_str(id_text).map_err(|_| malformed())?;
        let token = self
            .projections
            .accounts(|state| state.tokens.get(&token_id).cloned())
            .ok_or_else(|| AccessError::Unauthenticated("unknown or revoked token".into()))?;
        let presented = hash_secret(secret);
        let matches: bool = presented
            .as_bytes()
            .ct_eq(token.secret_hash.as_bytes())
            .into();
        if !matches || token.revoked {
            return Err(AccessError::Unauthenticated(
                "unknown or revoked token".into(),
            ));
        }
        if token.expires_at.is_some_and(|expiry| expiry <= now) {
            return Err(AccessError::Unauthenticated("the token has expired".into()));
        }
        if token.role == Role::Guest {
            return Err(AccessError::Unauthenticated(
                "an invite only lets people join: send it with your name to POST /api/join and use the credential you get back".into(),
            ));
        }
        locked(&self.last_used).insert(token_id, now);
        let account = token.account_id.and_then(|account_id| {
            self.projections.accounts(|state| {
                state
                    .accounts
                    .get(&account_id)
                    .map(|account| account.name.clone())
            })
        });
        Ok(Principal {
            actor: account.unwrap_or_else(|| super::token_actor(token_id)),
            session: None,
            account_id: token.account_id,
            token: Some(TokenScope {
                token_id,
                workspace_id: token.workspace_id,
                role: token.role,
                board_id: token.board_id,
            }),
        })
    }
}

impl Accounts {
    /// Authenticates a guest credential (`phg_<guest id>_<secret>`): valid while the invite
    /// it came from is neither revoked nor expired.
    fn authenticate_guest(&self, rest: &str, now: DateTime<Utc>) -> Result<Principal, AccessError> {
        let refused = || AccessError::Unauthenticated("unknown or revoked guest credential".into());
        let (id_text, secret) = rest.split_once('_').ok_or_else(refused)?;
        let guest_id = Uuid::parse_str(id_text).map_err(|_| refused())?;
        let (guest, invite) = self
            .projections
            .accounts(|state| {
                let guest = state.guests.get(&guest_id)?.clone();
                let invite = state.tokens.get(&guest.invite_id)?.clone();
                Some((guest, invite))
            })
            .ok_or_else(refused)?;
        let matches: bool = hash_secret(secret)
            .as_bytes()
            .ct_eq(guest.secret_hash.as_bytes())
            .into();
        if !matches || invite.revoked {
            return Err(refused());
        }
        if invite.expires_at.is_some_and(|expiry| expiry <= now) {
            return Err(AccessError::Unauthenticated(
                "the invite you joined through has expired".into(),
            ));
        }
        locked(&self.last_used).insert(invite.token_id, now);
        Ok(Principal {
            actor: super::guest_actor(guest_id),
            account_id: None,
            session: None,
            token: Some(TokenScope {
                token_id: invite.token_id,
                workspace_id: invite.workspace_id,
                role: Role::Guest,
                board_id: invite.board_id,
            }),
        })
    }

    /// Lets a person join the workshop an invite opens: a guest identity of their own, with
    /// `display_name` shown to others. Returns what [`GuestCredential`] says.
    ///
    /// # Errors
    /// [`AccessError::Unauthenticated`] for an unknown, revoked or expired invite (or a token
    /// that is no invite); [`AccessError::InvalidInput`] for a display name that is empty or
    /// over 80 characters; [`AccessError::Conflict`] when [`GUESTS_PER_INVITE`] joined
    /// already; store failures.
    pub async fn join(
        &self,
        invite: &str,
        display_name: &str,
    ) -> Result<GuestCredential, AccessError> {
        let display_name = display_name.trim();
        if display_name.is_empty()
            || display_name.chars().count() > 80
            || display_name.chars().any(char::is_control)
        {
            return Err(AccessError::InvalidInput(
                "a display name has 1 to 80 characters and no control characters".into(),
            ));
        }
        let refused = || AccessError::Unauthenticated("unknown, revoked or expired invite".into());
        let (id_text, secret) = invite
            .strip_prefix("ph_")
            .and_then(|rest| rest.split_once('_'))
            .ok_or_else(refused)?;
        let invite_id = Uuid::parse_str(id_text).map_err(|_| refused())?;
        let token = self
            .projections
            .accounts(|state| state.tokens.get(&invite_id).cloned())
            .ok_or_else(refused)?;
        let matches: bool = hash_secret(secret)
            .as_bytes()
            .ct_eq(token.secret_hash.as_bytes())
            .into();
        let now = Utc::now();
        if !matches
            || token.revoked
            || token.role != Role::Guest
            || token.expires_at.is_some_and(|expiry| expiry <= now)
        {
            return Err(refused());
        }
        let guest_id = Uuid::new_v4();
        let secret = random_hex(32);
        let joined = AccountEvent::GuestJoined {
            guest_id,
            invite_id,
            display_name: display_name.to_owned(),
            secret_hash: hash_secret(&secret),
        };
        let actor = super::guest_actor(guest_id);
        self.change(&actor, |state| {
            let joined_already = state
                .guests
                .values()
                .filter(|guest| guest.invite_id == invite_id)
                .count();
            if joined_already >= GUESTS_PER_INVITE {
                return Err(AccessError::Conflict(format!(
                    "{GUESTS_PER_INVITE} people have joined through this invite already; ask for a new one"
                )));
            }
            Ok(vec![joined.clone()])
        })
        .await?;
        Ok(GuestCredential {
            token: format!("phg_{}_{secret}", guest_id.simple()),
            actor,
            display_name: display_name.to_owned(),
            workspace_id: token.workspace_id,
            board_id: token.board_id,
            expires_at: token.expires_at,
        })
    }

    /// Whether the account's password changed after `session` began (it then has ended).
    fn ended_by_password_change(&self, session: &Session) -> bool {
        let began = session.expires_at - Duration::hours(SESSION_HOURS);
        self.projections.accounts(|state| {
            state
                .accounts
                .get(&session.account_id)
                .and_then(|account| account.password_changed_at)
                .is_some_and(|changed| changed > began)
        })
    }

    /// Invites a colleague to become a member of `workspace_id` with `role`: single use,
    /// until `expires_at`, revocable. Returns its id and its text (`phm_<id>_<secret>`),
    /// shown once and never stored (only the BLAKE3 hash of the secret is).
    ///
    /// # Errors
    /// The guest role (guests come by board invites), store failures.
    pub async fn invite_member(
        &self,
        actor: &str,
        workspace_id: Uuid,
        role: Role,
        expires_at: DateTime<Utc>,
    ) -> Result<(Uuid, String), AccessError> {
        if role == Role::Guest {
            return Err(AccessError::InvalidInput(
                "guests join one board through a workshop invite; a member invite gives owner, editor, viewer or auditor".into(),
            ));
        }
        let invite_id = Uuid::new_v4();
        let secret = random_hex(32);
        let issued = AccountEvent::MemberInviteIssued {
            invite_id,
            workspace_id,
            role,
            secret_hash: hash_secret(&secret),
            expires_at,
        };
        self.change(actor, |_| Ok(vec![issued.clone()])).await?;
        Ok((invite_id, format!("phm_{}_{secret}", invite_id.simple())))
    }

    /// Revokes a member invite of a workspace that was not used yet.
    ///
    /// # Errors
    /// Unknown or used invite, store failures.
    pub async fn revoke_member_invite(
        &self,
        actor: &str,
        workspace_id: Uuid,
        invite_id: Uuid,
    ) -> Result<(), AccessError> {
        self.change(actor, |state| {
            let invite = state
                .member_invites
                .get(&invite_id)
                .filter(|invite| invite.workspace_id == workspace_id)
                .ok_or_else(|| {
                    AccessError::NotFound(format!("no member invite {invite_id} in this workspace"))
                })?;
            if invite.accepted_by.is_some() {
                return Err(AccessError::Invite(InviteProblem::Used));
            }
            if invite.revoked {
                return Ok(Vec::new());
            }
            Ok(vec![AccountEvent::MemberInviteRevoked { invite_id }])
        })
        .await
    }

    /// The member invites of a workspace, newest first.
    pub fn member_invites_of(&self, workspace_id: Uuid) -> Vec<MemberInviteListing> {
        let now = Utc::now();
        let mut invites: Vec<MemberInviteListing> = self.projections.accounts(|state| {
            state
                .member_invites
                .values()
                .filter(|invite| invite.workspace_id == workspace_id)
                .map(|invite| MemberInviteListing {
                    invite_id: invite.invite_id,
                    role: invite.role,
                    issued_at: invite.issued_at,
                    expires_at: invite.expires_at,
                    state: match invite_problem(invite, now) {
                        None => MemberInviteState::Open,
                        Some(InviteProblem::Used) => MemberInviteState::Used,
                        Some(InviteProblem::Revoked) => MemberInviteState::Revoked,
                        Some(_) => MemberInviteState::Expired,
                    },
                    accepted_by: invite
                        .accepted_by
                        .and_then(|id| state.accounts.get(&id))
                        .map(|account| account.name.clone()),
                })
                .collect()
        });
        invites.sort_by_key(|invite| std::cmp::Reverse(invite.issued_at));
        invites
    }

    /// The member invite `text` names, if its secret matches.
    fn member_invite(&self, text: &str) -> Result<MemberInvite, AccessError> {
        let unknown = || AccessError::Invite(InviteProblem::Unknown);
        let (id_text, secret) = text
            .trim()
            .strip_prefix("phm_")
            .and_then(|rest| rest.split_once('_'))
            .ok_or_else(unknown)?;
        let invite_id = Uuid::parse_str(id_text).map_err(|_| unknown())?;
        let invite = self
            .projections
            .accounts(|state| state.member_invites.get(&invite_id).cloned())
            .ok_or_else(unknown)?;
        let matches: bool = hash_secret(secret)
            .as_bytes()
            .ct_eq(invite.secret_hash.as_bytes())
            .into();
        if matches {
            Ok(invite)
        } else {
            Err(unknown())
        }
    }

    /// Accepts a member invite: `joiner` (a new account, or an existing one logged in with
    /// its password) becomes a member with the invite's role. The account (if new), the role
    /// and the invite's use are one append to the log, so an invite is used at most once,
    /// on every node. Returns the account's name, a login session when the account is new,
    /// the workspace and the role.
    ///
    /// # Errors
    /// [`AccessError::Invite`] for an unknown, used, revoked or expired invite; a taken name
    /// or one that breaks the rule; a password that breaks its rule; [`AccessError::Conflict`]
    /// when the account is a member of the workspace already; store failures.
    pub async fn accept_member_invite(
        &self,
        text: &str,
        joiner: Joiner<'_>,
    ) -> Result<AcceptedInvite, AccessError> {
        let invite = self.member_invite(text)?;
        if let Some(problem) = invite_problem(&invite, Utc::now()) {
            return Err(AccessError::Invite(problem));
        }
        let (account_id, name, new_account) = match joiner {
            Joiner::NewAccount { name, password } => {
                let name = name.trim();
                check_name(name)?;
                if self
                    .projections
                    .accounts(|state| state.account_named(name).is_some())
                {
                    return Err(name_taken(name));
                }
                let password_hash = self.hash_new_password(password).await?;
                let account_id = Uuid::new_v4();
                let created = AccountEvent::AccountCreated {
                    account_id,
                    name: name.to_owned(),
                    password_hash,
                };
                (account_id, name.to_owned(), Some(created))
            }
            Joiner::Existing(principal) => {
                let account_id = principal
                    .account_id
                    .filter(|_| principal.session.is_some())
                    .ok_or_else(|| {
                        AccessError::Forbidden(
                            "accept an invite logged in with your password, not with an API token"
                                .into(),
                        )
                    })?;
                (account_id, principal.actor.clone(), None)
            }
        };
        let invite_id = invite.invite_id;
        let workspace_id = invite.workspace_id;
        let role = invite.role;
        self.change(&name, |state| {
            let current = state
                .member_invites
                .get(&invite_id)
                .ok_or(AccessError::Invite(InviteProblem::Unknown))?;
            if let Some(problem) = invite_problem(current, Utc::now()) {
                return Err(AccessError::Invite(problem));
            }
            let mut events = Vec::new();
            match &new_account {
                Some(created) => {
                    if state.account_named(&name).is_some() {
                        return Err(name_taken(&name));
                    }
                    events.push(created.clone());
                }
                None => {
                    let existing = state.accounts.get(&account_id).ok_or_else(|| {
                        AccessError::NotFound(format!("there is no account named `{name}`"))
                    })?;
                    if let Some(role) = existing.roles.get(&workspace_id) {
                        return Err(AccessError::Conflict(format!(
                            "you are a member of this workspace already (as {}); the invite stays unused for someone else",
                            role_word(*role)
                        )));
                    }
                }
            }
            events.push(AccountEvent::MembershipGranted {
                account_id,
                workspace_id,
                role,
            });
            events.push(AccountEvent::MemberInviteAccepted {
                invite_id,
                account_id,
            });
            Ok(events)
        })
        .await?;
        let session = match new_account {
            Some(_) => Some(self.open_session(account_id, &name).await?),
            None => None,
        };
        Ok(AcceptedInvite {
            account: name,
            token: session.as_ref().map(|(token, _)| token.clone()),
            expires_at: session.map(|(_, expires_at)| expires_at),
            workspace_id,
            role,
        })
    }

    /// How an actor is shown to people (see [`AccountsState::display_name`]).
    ///
    /// [`AccountsState::display_name`]: super::AccountsState::display_name
    pub fn display_name(&self, actor: &str) -> String {
        self.projections.accounts(|state| state.display_name(actor))
    }

    /// How many names have failed logins counted (bounded by [`TRACKED_LOGIN_NAMES`]).
    pub fn tracked_login_names(&self) -> usize {
        locked(&self.failures).tracked()
    }
}

/// Who accepts a member invite.
pub enum Joiner<'a> {
    /// A colleague without an account here: the one they choose.
    NewAccount {
        /// The login name.
        name: &'a str,
        /// The password.
        password: &'a str,
    },
    /// Someone logged in with their password already.
    Existing(&'a Principal),
}

/// What accepting a member invite gives.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct AcceptedInvite {
    /// The account that is now a member.
    pub account: String,
    /// A login session for a new account (`phs_...`), to use as `Authorization: Bearer`.
    pub token: Option<String>,
    /// When that session ends.
    pub expires_at: Option<DateTime<Utc>>,
    /// The workspace.
    pub workspace_id: Uuid,
    /// The role there.
    pub role: Role,
}

/// Whether a member invite is open, used, revoked or expired.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum MemberInviteState {
    /// It can still be accepted.
    Open,
    /// Someone accepted it.
    Used,
    /// An owner revoked it.
    Revoked,
    /// It expired unused.
    Expired,
}

/// A member invite as listed to its workspace's owners (never its secret).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct MemberInviteListing {
    /// Its id.
    pub invite_id: Uuid,
    /// The role it gives.
    pub role: Role,
    /// When issued.
    pub issued_at: DateTime<Utc>,
    /// When it stops working.
    pub expires_at: DateTime<Utc>,
    /// Whether it can still be used.
    pub state: MemberInviteState,
    /// The account that accepted it.
    pub accepted_by: Option<String>,
}

/// Why `invite` cannot be accepted at `now`, if it cannot.
fn invite_problem(invite: &MemberInvite, now: DateTime<Utc>) -> Option<InviteProblem> {
    if invite.accepted_by.is_some() {
        Some(InviteProblem::Used)
    } else if invite.revoked {
        Some(InviteProblem::Revoked)
    } else if invite.expires_at <= now {
        Some(InviteProblem::Expired)
    } else {
        None
    }
}

fn name_taken(name: &str) -> AccessError {
    AccessError::NameTaken(name.to_owned())
}

fn role_word(role: Role) -> String {
    serde_json::to_value(role)
        .ok()
        .and_then(|value| value.as_str().map(str::to_owned))
        .unwrap_or_default()
}

/// What a person who joined through an invite gets back.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct GuestCredential {
    /// Their own bearer secret (`phg_...`), shown once and never stored.
    pub token: String,
    /// Their actor, `guest:<id>`, unique to them.
    pub actor: String,
    /// The name they gave, shown to others.
    pub display_name: String,
    /// The workspace.
    pub workspace_id: Uuid,
    /// The one board they may use.
    pub board_id: Option<Uuid>,
    /// When it stops working (the invite's expiry).
    pub expires_at: Option<DateTime<Utc>>,
}

/// An argon2id hash of a random password, verified against when a login names an unknown
/// account so that unknown names and wrong passwords take the same time.
const DUMMY_HASH: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$4nKfWbO1nHgUS3xQ3m7s9SSEuQv/rW4vt5I5w0IYzpg";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_failed_login_counter_stays_bounded_under_ten_thousand_names() {
        let mut failures = FailedLogins::default();
        let start = Utc::now();
        for index in 0..10_000 {
            failures.record(&format!("attacker-{index}"), start);
            assert!(failures.tracked() <= TRACKED_LOGIN_NAMES);
        }
        assert_eq!(failures.tracked(), TRACKED_LOGIN_NAMES);
        // A name under attack right now is still limited.
        for _ in 0..LOGIN_ATTEMPTS {
            failures.record("jens@roskilde", start);
        }
        assert!(failures.locked("jens@roskilde", start));
        // Windows that ended are pruned as new failures come, not only on success.
        let later = start + Duration::seconds(LOGIN_WINDOW_SECONDS + 1);
        failures.record("someone", later);
        assert_eq!(failures.tracked(), 1);
        assert!(!failures.locked("jens@roskilde", later));
    }

    #[tokio::test]
    async fn hashing_runs_at_most_its_turns_at_once_and_refuses_after_waiting_too_long() {
        let turns = std::sync::Arc::new(tokio::sync::Semaphore::new(CONCURRENT_HASHING));
        let running = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let most = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let mut tasks = Vec::new();
        for _ in 0..CONCURRENT_HASHING * 3 {
            let (turns, running, most) = (turns.clone(), running.clone(), most.clone());
            tasks.push(tokio::spawn(async move {
                in_turn(&turns, std::time::Duration::from_secs(30), move || {
                    use std::sync::atomic::Ordering::SeqCst;
                    let now = running.fetch_add(1, SeqCst) + 1;
                    most.fetch_max(now, SeqCst);
                    std::thread::sleep(std::time::Duration::from_millis(20));
                    running.fetch_sub(1, SeqCst);
                })
                .await
            }));
        }
        for task in tasks {
            assert!(task.await.unwrap().is_ok(), "the excess waits its turn");
        }
        let most = most.load(std::sync::atomic::Ordering::SeqCst);
        assert!(
            (1..=CONCURRENT_HASHING).contains(&most),
            "{most} ran at once"
        );
        // Every turn taken: a caller that waits too long is refused.
        let _all = turns.acquire_many(CONCURRENT_HASHING as u32).await.unwrap();
        let refused = in_turn(&turns, std::time::Duration::from_millis(20), || ()).await;
        assert!(matches!(refused, Err(AccessError::Busy)));
    }

    #[test]
    fn the_oldest_name_is_forgotten_first() {
        let mut failures = FailedLogins::default();
        let start = Utc::now();
        for index in 0..TRACKED_LOGIN_NAMES {
            let at = start + Duration::milliseconds(index as i64);
            failures.record(&format!("name-{index}"), at);
        }
        failures.record("newcomer", start + Duration::seconds(1));
        assert_eq!(failures.tracked(), TRACKED_LOGIN_NAMES);
        assert!(!failures.by_name.contains_key("name-0"));
        assert!(failures.by_name.contains_key("name-1"));
        assert!(failures.by_name.contains_key("newcomer"));
    }
}
