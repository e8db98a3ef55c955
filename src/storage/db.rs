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

/// Applies every pending migration.
pub async fn migrate(db: &PgPool) -> anyhow::Result<()> {
    MIGRATOR.run(db).await.context("applying migrations")
}
