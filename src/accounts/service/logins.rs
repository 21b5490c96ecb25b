//! Password logins and login sessions: logging in (counted per name, see [`FailedLogins`]),
//! changing a password (which ends every earlier session, on every node), logging out, and
//! [`Accounts::authenticate`], which tells which kind of bearer secret it was given.
//!
//! [`FailedLogins`]: super::FailedLogins

use chrono::{DateTime, Duration, Utc};
use uuid::Uuid;

use super::{hash_secret, random_hex, AccessError, Accounts, Principal};
use crate::accounts::sessions::Session;
use crate::accounts::AccountEvent;
use crate::sync::locked;

/// How long a login session lasts.
const SESSION_HOURS: i64 = 12;

impl Accounts {
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
        let stored = account.as_ref().map(|(_, hash)| hash.clone());
        let verified = self.verify_password(stored, password).await?;
        let Some((account_id, _)) = account.filter(|_| verified) else {
            locked(&self.failures).record(name, now);
            return Err(AccessError::Unauthenticated(
                "wrong name or password".into(),
            ));
        };
        locked(&self.failures).clear(name);
        self.open_session(account_id, name).await
    }

    /// Starts a login session for an account whose password was just checked (or set);
    /// returns its secret (`phs_...`, never stored) and its expiry.
    pub(super) async fn open_session(
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
        if bearer.starts_with("phg_") {
            return self.authenticate_guest(bearer, now).await;
        }
        self.authenticate_token(bearer, now).await
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
}
