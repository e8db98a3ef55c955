//! A PostgreSQL streaming replica for reads (`VX_READ_DATABASE_URL`):
//! dashboards, lists and exports read there while writes go to the primary.
//!
//! A user's own write stays visible: after every write the request waits
//! until the replica has replayed the primary's WAL position, and if it has
//! not in time, this process reads from the primary until it has. A replica
//! that does not answer is left alone for a few seconds and the primary serves.

use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use sqlx::PgPool;

/// How long a replica that failed to answer is left alone.
const AWAY_FOR: Duration = Duration::from_secs(5);

/// The read replica and what this process knows of its lag.
#[derive(Debug)]
pub struct Replica {
    pool: PgPool,
    /// Board computations' connections to it ([`crate::storage::db::board_pool`]).
    boards: PgPool,
    /// How long a write waits for the replica to replay it.
    wait: Duration,
    /// A WAL position the replica had not replayed when a write stopped
    /// waiting for it: reads go to the primary until it has (0: none).
    behind: AtomicU64,
    /// Until when the replica counts as away after it failed to answer.
    away_until: Mutex<Option<Instant>>,
}

impl Replica {
    /// A replica reached through `pool`; writes wait up to `wait` for it.
    pub fn new(pool: PgPool, wait: Duration) -> Self {
        Self {
            boards: crate::storage::db::board_pool(&pool),
            pool,
            wait,
            behind: AtomicU64::new(0),
            away_until: Mutex::new(None),
        }
    }

    /// The replica's pool.
    pub fn pool(&self) -> &PgPool {
        &self.pool
    }

    /// The replica's connections for board computations.
    pub fn board_pool(&self) -> &PgPool {
        &self.boards
    }

    /// Whether reads may go to the replica now: it answers, and it has
    /// replayed every write this process saw it miss.
    pub async fn usable(&self) -> bool {
        if self
            .away_until
            .lock()
            .expect("replica state")
            .is_some_and(|t| Instant::now() < t)
        {
            return false;
        }
        let Some(replayed) = self.replayed().await else {
            return false;
        };
        let behind = self.behind.load(Ordering::Acquire);
        if behind > replayed {
            return false;
        }
        if behind != 0 {
            // Caught up: forget it, unless a newer write set it meanwhile.
            let _ = self
                .behind
                .compare_exchange(behind, 0, Ordering::AcqRel, Ordering::Relaxed);
        }
        true
    }

    /// After a write: waits until the replica has replayed `lsn`, polling
    /// until the deadline; when it has not, reads go to the primary until
    /// it has. Returns whether it caught up in time.
    pub async fn catch_up(&self, lsn: u64) -> bool {
        let deadline = Instant::now() + self.wait;
        loop {
            match self.replayed().await {
                Some(at) if at >= lsn => return true,
                None => break,
                Some(_) if Instant::now() >= deadline => break,
                Some(_) => tokio::time::sleep(Duration::from_millis(5)).await,
            }
        }
        self.behind.fetch_max(lsn, Ordering::AcqRel);
        false
    }

    /// Whether a write was seen that the replica has not yet been found to replay.
    pub fn is_behind(&self) -> bool {
        self.behind.load(Ordering::Acquire) != 0
    }

    /// The WAL position the replica has replayed (a primary given as the
    /// replica answers with its own), or `None` when it does not answer.
    async fn replayed(&self) -> Option<u64> {
        let q = sqlx::query_scalar::<_, i64>(
            "select (case when pg_is_in_recovery() then pg_last_wal_replay_lsn()
                          else pg_current_wal_lsn() end - '0/0'::pg_lsn)::int8",
        )
        .fetch_one(&self.pool);
        match tokio::time::timeout(Duration::from_secs(1), q).await {
            Ok(Ok(n)) => Some(n as u64),
            failed => {
                tracing::warn!(
                    ?failed,
                    "the read replica does not answer; reading from the primary"
                );
                *self.away_until.lock().expect("replica state") = Some(Instant::now() + AWAY_FOR);
                None
            }
        }
    }
}

/// The primary's current WAL position: every write committed so far lies before it.
pub async fn primary_lsn(db: &PgPool) -> Result<u64, sqlx::Error> {
    let n: i64 = sqlx::query_scalar("select (pg_current_wal_lsn() - '0/0'::pg_lsn)::int8")
        .fetch_one(db)
        .await?;
    Ok(n as u64)
}
