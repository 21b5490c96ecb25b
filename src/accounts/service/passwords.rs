//! Password checks, bounded: argon2id hashing runs at most [`CONCURRENT_HASHING`] at once
//! (each takes about 19 MiB) and waits at most [`HASHING_PATIENCE`] for its turn, and failed
//! logins are counted per name ([`FailedLogins`]) for at most [`TRACKED_LOGIN_NAMES`] names.

use std::collections::HashMap;

use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::Argon2;
use chrono::{DateTime, Duration, Utc};
use uuid::Uuid;

use super::{AccessError, Accounts};
use crate::store::StoreError;
use crate::sync::locked;

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
/// `patience` for one; then gives what it freed back to the system.
///
/// An argon2 hash allocates and frees its 19 MiB on the blocking thread, and the allocator
/// purges a thread's freed pages only at a later allocation of that thread: without the
/// purge, an account's creation and its first login kept 38 MiB resident until their idle
/// threads ended ten seconds later (an empty server at rest at 55 MiB instead of 17).
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
    Ok(tokio::task::spawn_blocking(move || {
        let done = work();
        partnerhub_memory::return_freed_memory();
        done
    })
    .await
    .map_err(|error| StoreError::Backend(error.to_string()))?)
}

/// An argon2id hash of a random password, verified against when a login names an unknown
/// account so that unknown names and wrong passwords take the same time.
const DUMMY_HASH: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$4nKfWbO1nHgUS3xQ3m7s9SSEuQv/rW4vt5I5w0IYzpg";

impl Accounts {
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

    /// Hashes a new password with argon2id (in turn, see [`CONCURRENT_HASHING`]) once it
    /// meets the rule.
    ///
    /// # Errors
    /// [`AccessError::InvalidInput`] naming the rule; [`AccessError::Busy`].
    pub(super) async fn hash_new_password(&self, password: &str) -> Result<String, AccessError> {
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
    pub(super) async fn password_matches(
        &self,
        account_id: Uuid,
        password: &str,
    ) -> Result<bool, AccessError> {
        let stored = self.projections.accounts(|state| {
            state
                .accounts
                .get(&account_id)
                .map(|account| account.password_hash.clone())
        });
        self.verify_password(stored, password).await
    }

    /// Whether `password` matches the argon2id hash `stored` (a PHC string), checked in
    /// turn. Without a stored hash (an unknown account) it is checked against
    /// [`DUMMY_HASH`] all the same, so that an unknown name and a wrong password take the
    /// same time, and is never a match.
    ///
    /// # Errors
    /// [`AccessError::Busy`] after [`HASHING_PATIENCE`] without a turn.
    pub(super) async fn verify_password(
        &self,
        stored: Option<String>,
        password: &str,
    ) -> Result<bool, AccessError> {
        let known = stored.is_some();
        let stored = stored.unwrap_or_else(|| DUMMY_HASH.to_owned());
        let password = password.to_owned();
        let matches = self
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
        Ok(known && matches)
    }

    /// How many names have failed logins counted (bounded by [`TRACKED_LOGIN_NAMES`]).
    pub fn tracked_login_names(&self) -> usize {
        locked(&self.failures).tracked()
    }
}

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
