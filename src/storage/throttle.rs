//! Sign-in rate limits, per account and per address. Failures are kept in
//! PostgreSQL so every copy of the web tier counts the same attempts.

use chrono::{DateTime, Duration, Utc};
use sqlx::PgPool;

use crate::domain::config::Config;
use crate::domain::error::AppError;

/// Addresses may be shared by a whole commune office behind one router,
/// so they get more room than a single account.
const ADDRESS_FACTOR: i64 = 4;

/// `Err(RateLimited)` when the account or the address has failed too often
/// within the window.
pub async fn check(
    db: &PgPool,
    config: &Config,
    username: &str,
    address: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let since = now - Duration::minutes(config.sign_in_window_minutes);
    let (by_user, by_address): (i64, i64) = sqlx::query_as(
        "select
           (select count(*) from sign_in_failures where username = $1 and at > $3),
           (select count(*) from sign_in_failures where address = $2 and at > $3)",
    )
    .bind(username)
    .bind(address)
    .bind(since)
    .fetch_one(db)
    .await?;
    if by_user >= config.sign_in_max_failures
        || by_address >= config.sign_in_max_failures * ADDRESS_FACTOR
    {
        return Err(AppError::RateLimited(config.sign_in_window_minutes));
    }
    Ok(())
}

/// Counts one failed attempt.
pub async fn record_failure(
    db: &PgPool,
    username: &str,
    address: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    sqlx::query("insert into sign_in_failures (username, address, at) values ($1, $2, $3)")
        .bind(username)
        .bind(address)
        .bind(now)
        .execute(db)
        .await?;
    Ok(())
}

/// Forgets an account's failures after it signs in.
pub async fn clear(db: &PgPool, username: &str) -> Result<(), AppError> {
    sqlx::query("delete from sign_in_failures where username = $1")
        .bind(username)
        .execute(db)
        .await?;
    Ok(())
}
