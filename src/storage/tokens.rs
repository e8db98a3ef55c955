//! Bearer tokens for the JSON API. Only a SHA-256 of a token is stored, so
//! a copy of the database does not hand out working tokens.

use chrono::{DateTime, Duration, Utc};
use sha2::{Digest, Sha256};
use sqlx::PgConnection;
use sqlx::PgPool;

use crate::domain::error::AppError;

/// Prefix that makes a token recognisable in logs and secret scanners.
const PREFIX: &str = "vx_";

fn digest(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

/// Issues a token for `user_id`, valid for `days`. Returns the token (shown
/// once), its id and its expiry.
pub async fn issue(
    conn: &mut PgConnection,
    user_id: i64,
    now: DateTime<Utc>,
    days: i64,
) -> Result<(String, i64, DateTime<Utc>), AppError> {
    let token = format!("{PREFIX}{}", random_token());
    let expires_at = now + Duration::days(days);
    let id: i64 = sqlx::query_scalar!(
        "insert into api_tokens (user_id, token_hash, created_at, expires_at)
         values ($1, $2, $3, $4) returning id",
        user_id,
        digest(&token),
        now as _,
        expires_at as _
    )
    .fetch_one(&mut *conn)
    .await?;
    Ok((token, id, expires_at))
}

/// A live token's id and the id of the user it belongs to; the caller
/// loads the user (from the change feed's memory when it listens).
pub async fn token_owner(
    db: &PgPool,
    token: &str,
    now: DateTime<Utc>,
) -> Result<Option<(i64, i64)>, AppError> {
    Ok(sqlx::query!(
        "select id, user_id from api_tokens
         where token_hash = $1 and revoked_at is null and expires_at > $2",
        digest(token),
        now as _
    )
    .fetch_optional(db)
    .await?
    .map(|r| (r.id, r.user_id)))
}

/// Revokes a token; returns whether it was live.
pub async fn revoke(
    conn: &mut PgConnection,
    token_id: i64,
    now: DateTime<Utc>,
) -> Result<bool, AppError> {
    let done = sqlx::query!(
        "update api_tokens set revoked_at = $2 where id = $1 and revoked_at is null",
        token_id,
        now as _
    )
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// A fresh random token: 32 bytes as hex.
pub fn random_token() -> String {
    use rand::RngCore;
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// Compares secrets in time independent of where they differ.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
