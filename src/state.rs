//! What every handler can reach.

use std::sync::Arc;

use sqlx::PgPool;

use crate::domain::clock::Clock;
use crate::domain::config::Config;
use crate::storage::board::BoardCache;

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
}

impl AppState {
    /// State over a pool, with the given configuration and clock.
    pub fn new(db: PgPool, config: Config, clock: Clock) -> Self {
        Self {
            db,
            config: Arc::new(config),
            clock,
            boards: Arc::default(),
        }
    }
}
