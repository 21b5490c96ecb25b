//! A watch on `log_head`, the one row every commit of every node updates, so that a database
//! session holding an old snapshot is named in the logs before it slows every append.
//!
//! Each commit writes a new version of the row. PostgreSQL prunes the dead versions only
//! once no session's snapshot can still see them, so a session that keeps a transaction open
//! (a stalled process whose `LISTEN` connection is no longer read blocks inside the
//! transaction that reads the notification queue; a forgotten `BEGIN` in `psql`; a long
//! report) makes the table grow by a page every fifty commits or so, and every commit reads
//! every page: at 771 pages a commit cost twice the database CPU (BENCHMARKS.md, issue 19
//! scenario 1, `h9/pgedits`). Once the snapshot is released, `VACUUM log_head` (autovacuum,
//! where it runs) frees the pages, and the table shrinks as new versions fill them.
//!
//! The store cannot end another session, so it says what it sees: every
//! [`WATCH_INTERVAL`] it reads the table's size and the oldest snapshots held in the database
//! ([`PostgresEventStore::log_head_health`]), and logs a warning naming the sessions
//! when the table has grown or a snapshot is old ([`LogHeadHealth::warning`]).

use std::time::Duration;

use tokio_util::sync::CancellationToken;

use super::{backend, pool_error, Pool, PostgresEventStore};
use crate::store::StoreError;

/// How often the watch looks.
const WATCH_INTERVAL: Duration = Duration::from_secs(300);
/// Pages of `log_head` above which its size is worth a warning (one page holds the row and
/// some fifty dead versions; a vacuumed table is one page).
const LOG_HEAD_PAGES_WARNED: i64 = 64;
/// Age of a held snapshot worth a warning.
const SNAPSHOT_AGE_WARNED: Duration = Duration::from_secs(300);
/// How many snapshot holders a health report names, oldest first.
const SNAPSHOTS_NAMED: i64 = 10;

/// How `log_head` stands, and who may be keeping it from being pruned.
#[derive(Clone, Debug, PartialEq)]
pub struct LogHeadHealth {
    /// Pages the table takes on disk.
    pub pages: i64,
    /// Other sessions of this database holding a snapshot, oldest first (at most ten; only
    /// those the store's role may see: PostgreSQL hides other roles' sessions unless the
    /// role has `pg_read_all_stats`).
    pub snapshots: Vec<HeldSnapshot>,
}

/// A database session holding a snapshot.
#[derive(Clone, Debug, PartialEq)]
pub struct HeldSnapshot {
    /// The session's backend process id (`pg_terminate_backend` takes it).
    pub pid: i32,
    /// Its `application_name`, often empty.
    pub application: String,
    /// Its state (`active`, `idle in transaction`, ...).
    pub state: String,
    /// How long its transaction has been open.
    pub held_for: Duration,
}

impl LogHeadHealth {
    /// A warning for the logs when the table has grown past [`LOG_HEAD_PAGES_WARNED`] pages
    /// or a snapshot has been held for [`SNAPSHOT_AGE_WARNED`], naming the sessions holding
    /// one and what to do; `None` when neither.
    pub fn warning(&self) -> Option<String> {
        let grown = self.pages > LOG_HEAD_PAGES_WARNED;
        let old: Vec<&HeldSnapshot> = self
            .snapshots
            .iter()
            .filter(|snapshot| snapshot.held_for >= SNAPSHOT_AGE_WARNED)
            .collect();
        if !grown && old.is_empty() {
            return None;
        }
        let size = if grown {
            format!(
                "the table log_head has grown to {} pages (a vacuumed one is 1), and every \
                 commit reads every page, so appends slow down",
                self.pages
            )
        } else {
            "the table log_head cannot be pruned while it is held, and will grow".to_owned()
        };
        let holders = if old.is_empty() {
            "no session holding a snapshot for 5 minutes is visible to this role now; \
             run VACUUM log_head"
                .to_owned()
        } else {
            let named: Vec<String> = old
                .iter()
                .map(|snapshot| {
                    format!(
                        "pid {} ({}, {}, for {} s)",
                        snapshot.pid,
                        if snapshot.application.is_empty() {
                            "no application name"
                        } else {
                            &snapshot.application
                        },
                        snapshot.state,
                        snapshot.held_for.as_secs()
                    )
                })
                .collect();
            format!(
                "sessions holding an old snapshot: {}; end their transactions (or \
                 pg_terminate_backend), then run VACUUM log_head",
                named.join(", ")
            )
        };
        Some(format!("{size}; {holders}"))
    }
}

impl PostgresEventStore {
    /// How `log_head` stands now: its size and the oldest snapshots other sessions of the
    /// database hold (see the [watch](self)).
    ///
    /// # Errors
    /// [`StoreError::Backend`] when the database cannot be asked.
    pub async fn log_head_health(&self) -> Result<LogHeadHealth, StoreError> {
        health(&self.pool).await
    }
}

async fn health(pool: &Pool) -> Result<LogHeadHealth, StoreError> {
    let client = pool.get().await.map_err(pool_error)?;
    let pages: i64 = client
        .query_one(
            "SELECT pg_relation_size('log_head') / current_setting('block_size')::bigint",
            &[],
        )
        .await
        .map_err(backend)?
        .get(0);
    let rows = client
        .query(
            "SELECT pid, coalesce(application_name, ''), coalesce(state, ''),
                    extract(epoch FROM now() - coalesce(xact_start, now()))::float8
             FROM pg_stat_activity
             WHERE backend_xmin IS NOT NULL AND datname = current_database()
               AND pid <> pg_backend_pid()
             ORDER BY xact_start NULLS LAST
             LIMIT $1",
            &[&SNAPSHOTS_NAMED],
        )
        .await
        .map_err(backend)?;
    let snapshots = rows
        .iter()
        .map(|row| HeldSnapshot {
            pid: row.get(0),
            application: row.get(1),
            state: row.get(2),
            held_for: Duration::from_secs_f64(row.get::<_, f64>(3).max(0.0)),
        })
        .collect();
    Ok(LogHeadHealth { pages, snapshots })
}

/// Looks every [`WATCH_INTERVAL`] until `stop`, and logs what [`LogHeadHealth::warning`]
/// says. A failed look is logged at debug level: the writer and the follower report a
/// database that cannot be reached.
pub(super) async fn watch(pool: Pool, stop: CancellationToken) {
    let mut every =
        tokio::time::interval_at(tokio::time::Instant::now() + WATCH_INTERVAL, WATCH_INTERVAL);
    every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = stop.cancelled() => return,
            _ = every.tick() => {}
        }
        match health(&pool).await {
            Ok(health) => {
                if let Some(warning) = health.warning() {
                    tracing::warn!(pages = health.pages, "{warning}");
                }
            }
            Err(error) => tracing::debug!(%error, "could not look at log_head"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn snapshot(pid: i32, seconds: u64) -> HeldSnapshot {
        HeldSnapshot {
            pid,
            application: String::new(),
            state: "idle in transaction".into(),
            held_for: Duration::from_secs(seconds),
        }
    }

    #[test]
    fn a_small_table_and_young_snapshots_are_no_news() {
        let health = LogHeadHealth {
            pages: 3,
            snapshots: vec![snapshot(41, 2)],
        };
        assert_eq!(health.warning(), None);
    }

    #[test]
    fn an_old_snapshot_is_named_before_the_table_grows() {
        let health = LogHeadHealth {
            pages: 2,
            snapshots: vec![snapshot(41, 900), snapshot(42, 1)],
        };
        let warning = health.warning().unwrap_or_default();
        assert!(warning.contains("pid 41"), "{warning}");
        assert!(!warning.contains("pid 42"), "{warning}");
        assert!(warning.contains("VACUUM log_head"), "{warning}");
    }

    #[test]
    fn a_grown_table_is_reported_with_its_size() {
        let health = LogHeadHealth {
            pages: 771,
            snapshots: Vec::new(),
        };
        let warning = health.warning().unwrap_or_default();
        assert!(warning.contains("771 pages"), "{warning}");
    }
}
