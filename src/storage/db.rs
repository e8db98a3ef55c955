//! Connecting to PostgreSQL and applying migrations.

use std::time::Duration;

use anyhow::Context;
use sqlx::PgPool;
use sqlx::postgres::PgPoolOptions;

/// The migrations under `migrations/`, embedded in the binary.
pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!();

/// Opens a pool; requests wait at most a few seconds for a connection, so a
/// database that is away gives a quick 503 rather than a hung page.
pub async fn connect(url: &str, max_connections: u32) -> anyhow::Result<PgPool> {
    connect_with(url, max_connections, Duration::from_secs(5)).await
}

/// [`connect`] with a chosen wait for a connection.
pub async fn connect_with(
    url: &str,
    max_connections: u32,
    acquire_timeout: Duration,
) -> anyhow::Result<PgPool> {
    PgPoolOptions::new()
        .max_connections(max_connections)
        .acquire_timeout(acquire_timeout)
        .connect(url)
        .await
        .context("connecting to PostgreSQL")
}

/// A pool for the read replica, connecting only when first used (the
/// process starts without it) and waiting little for a connection, so a
/// replica that is away sends reads to the primary quickly.
pub fn connect_replica(url: &str, max_connections: u32) -> anyhow::Result<PgPool> {
    PgPoolOptions::new()
        .max_connections(max_connections)
        .acquire_timeout(Duration::from_secs(1))
        .connect_lazy(url)
        .context("reading VX_READ_DATABASE_URL")
}

/// Begins a transaction on `db` whatever becomes of the caller. sqlx 0.8's
/// BEGIN is not safe to cancel: a request dropped while its BEGIN is in
/// flight (the client went away) returns the connection to the pool inside
/// a transaction sqlx does not know of, and the next autocommit statements
/// on it (a session saved, a user's write) stay uncommitted until some later
/// transaction on that connection ends — or are rolled back with it. The
/// BEGIN runs in a task of its own; a transaction its caller no longer
/// awaits is dropped there, which rolls it back.
pub async fn begin(db: &PgPool) -> Result<sqlx::Transaction<'static, sqlx::Postgres>, sqlx::Error> {
    let db = db.clone();
    tokio::spawn(async move { db.begin().await })
        .await
        .map_err(|_| sqlx::Error::WorkerCrashed)?
}

/// Connections for board computations, opened on demand beside `of`'s
/// and to the same database: generic plans forced for the whole session,
/// so the board's one statement is planned once per connection without a
/// transaction around it to set that (planning it afresh costs more than
/// running it). Few are needed: one computation per board at a time.
pub fn board_pool(of: &PgPool) -> PgPool {
    let options = (*of.connect_options()).clone().options([BOARD_PLAN_MODE]);
    PgPoolOptions::new()
        .max_connections(BOARD_CONNECTIONS)
        .acquire_timeout(of.options().get_acquire_timeout())
        .idle_timeout(Some(Duration::from_secs(60)))
        .connect_lazy_with(options)
}

/// The server setting board connections carry.
pub const BOARD_PLAN_MODE: (&str, &str) = ("plan_cache_mode", "force_generic_plan");

/// The most board computations that run at once.
const BOARD_CONNECTIONS: u32 = 4;

/// Applies every pending migration.
pub async fn migrate(db: &PgPool) -> anyhow::Result<()> {
    MIGRATOR.run(db).await.context("applying migrations")
}
