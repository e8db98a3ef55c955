//! What every handler can reach.

use std::sync::Arc;

use sqlx::PgPool;

use crate::domain::clock::Clock;
use crate::domain::config::Config;
use crate::storage::board::BoardCache;
use crate::storage::replica::Replica;

/// What every handler can reach. Holds no request state: sessions and
/// everything else live in PostgreSQL, so several copies can run.
#[derive(Clone)]
pub struct AppState {
    /// The database pool.
    pub db: PgPool,
    /// Configuration.
    pub config: Arc<Config>,
    /// The clock ("now" comes from here).
    pub clock: Clock,
    /// Dashboards computed, checked against the database on every use.
    pub boards: Arc<BoardCache>,
    /// The read replica, when there is one (`VX_READ_DATABASE_URL`).
    pub replica: Option<Arc<Replica>>,
}

impl AppState {
    /// State over a pool, with the given configuration and clock.
    pub fn new(db: PgPool, config: Config, clock: Clock) -> Self {
        Self {
            db,
            config: Arc::new(config),
            clock,
            boards: Arc::default(),
            replica: None,
        }
    }

    /// The same, with dashboards, lists and exports read from `replica`.
    pub fn with_replica(mut self, replica: PgPool) -> Self {
        let wait = std::time::Duration::from_millis(self.config.read_wait_ms);
        self.replica = Some(Arc::new(Replica::new(replica, wait)));
        self
    }

    /// Where a read-only page reads: the replica when it answers and has
    /// replayed the writes this process made, else the primary.
    pub async fn reads(&self) -> PgPool {
        match &self.replica {
            Some(r) if r.usable().await => r.pool().clone(),
            _ => self.db.clone(),
        }
    }
}
