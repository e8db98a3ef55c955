//! Idempotency keys: a write sent again under the same key (a phone's
//! outbox retried after a lost answer, a double tap, a duplicated request)
//! is stored once. The key is claimed in the write's own transaction,
//! before the write, so two sends racing with one key queue behind each
//! other and the second sees what the first stored.

use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgPool};

use crate::domain::error::{AppError, FieldErrors};
use crate::storage::audit::Actor;

/// A client's idempotency key: 8 to 100 letters, digits, `-` or `_`
/// (a UUID, a random token), with the digest of the request it came with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdempotencyKey(String, Option<String>);

impl IdempotencyKey {
    /// The key as sent; none when empty, 400 when malformed.
    pub fn parse(s: &str) -> Result<Option<Self>, AppError> {
        let s = s.trim();
        if s.is_empty() {
            return Ok(None);
        }
        let ok = (8..=100).contains(&s.len())
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        if !ok {
            return Err(AppError::BadRequest(
                "Idempotency-Key: 8 to 100 letters, digits, '-' or '_'".into(),
            ));
        }
        Ok(Some(Self(s.to_string(), None)))
    }

    /// The key as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The key sent with the request of `digest` (see `Raw::digest`): a
    /// repeat must ask for the same, or it is refused.
    pub fn for_request(self, digest: String) -> Self {
        Self(self.0, Some(digest))
    }

    /// The 422 of a key used again for another request: nothing is
    /// written, and the client learns that the key, not the record, is wrong.
    fn reused(&self, stored: Option<&str>) -> Result<(), AppError> {
        match (stored, self.1.as_deref()) {
            (Some(first), Some(now)) if first != now => {
                metrics::counter!("vx_idempotent_writes_total", "outcome" => "refused")
                    .increment(1);
                let mut f = FieldErrors::default();
                f.add("idempotency_key", "err.idempotency_reused");
                Err(AppError::Invalid(f))
            }
            _ => Ok(()),
        }
    }
}

/// What the first send under a key wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Earlier {
    /// The audit log's entity (`case`, `daily_report`).
    pub entity: String,
    /// Its id as the audit log writes it.
    pub entity_id: String,
    /// Whether it created the record (else it replaced one).
    pub created: bool,
}

impl Earlier {
    /// The earlier write, which must be of `entity`: a key reused for
    /// another kind of record is 400.
    fn of(self, entity: &str) -> Result<Self, AppError> {
        if self.entity != entity {
            return Err(AppError::BadRequest(
                "Idempotency-Key: already used for another kind of record".into(),
            ));
        }
        Ok(self)
    }
}

/// The write stored earlier under `key` by this actor, if any (outside a
/// transaction: the fast answer to a repeat, before any check).
pub async fn earlier(
    db: &PgPool,
    actor: &Actor,
    key: Option<&IdempotencyKey>,
    entity: &str,
) -> Result<Option<Earlier>, AppError> {
    let (Some(key), Some(user_id)) = (key, actor.user_id) else {
        return Ok(None);
    };
    stored(db, user_id, key, entity).await
}

/// What was stored under `key` by `user_id`: refused when it was another
/// kind of record (400) or another request (422), counted as a repeat else.
async fn stored<'e>(
    db: impl sqlx::PgExecutor<'e>,
    user_id: i64,
    key: &IdempotencyKey,
    entity: &str,
) -> Result<Option<Earlier>, AppError> {
    let row = sqlx::query!(
        "select entity, entity_id, action, request_digest from idempotency_keys
         where user_id = $1 and key = $2",
        user_id,
        key.as_str()
    )
    .fetch_optional(db)
    .await?;
    let Some(r) = row else { return Ok(None) };
    let earlier = Earlier {
        entity: r.entity,
        entity_id: r.entity_id,
        created: r.action == "create",
    }
    .of(entity)?;
    key.reused(r.request_digest.as_deref())?;
    metrics::counter!("vx_idempotent_writes_total", "outcome" => "repeat").increment(1);
    Ok(Some(earlier))
}

/// Claims `key` for a write of `entity` inside the write's transaction.
/// `None`: the key is new and now taken (call [`settle`] once the write
/// is done); `Some`: the write stored earlier under it, and the caller
/// writes nothing. A send racing with another under the same key waits
/// here until the other commits or rolls back.
pub async fn claim(
    conn: &mut PgConnection,
    actor: &Actor,
    key: Option<&IdempotencyKey>,
    entity: &str,
    now: DateTime<Utc>,
) -> Result<Option<Earlier>, AppError> {
    let (Some(key), Some(user_id)) = (key, actor.user_id) else {
        return Ok(None);
    };
    let taken = sqlx::query_scalar!(
        "insert into idempotency_keys (user_id, key, entity, entity_id, action, created_at, request_digest)
         values ($1, $2, $3, '', 'create', $4, $5)
         on conflict (user_id, key) do nothing
         returning true as \"taken!\"",
        user_id,
        key.as_str(),
        entity,
        now as _,
        key.1.as_deref()
    )
    .fetch_optional(&mut *conn)
    .await?;
    if taken.is_some() {
        return Ok(None);
    }
    // Taken by the send that committed first: its row is there now.
    match stored(&mut *conn, user_id, key, entity).await? {
        Some(earlier) => Ok(Some(earlier)),
        None => Err(AppError::NotFound),
    }
}

/// Records what the write under a claimed `key` stored.
pub async fn settle(
    conn: &mut PgConnection,
    actor: &Actor,
    key: Option<&IdempotencyKey>,
    entity_id: &str,
    created: bool,
) -> Result<(), AppError> {
    let (Some(key), Some(user_id)) = (key, actor.user_id) else {
        return Ok(());
    };
    sqlx::query!(
        "update idempotency_keys set entity_id = $3, action = $4 where user_id = $1 and key = $2",
        user_id,
        key.as_str(),
        entity_id,
        if created { "create" } else { "update" }
    )
    .execute(conn)
    .await?;
    metrics::counter!("vx_idempotent_writes_total", "outcome" => "stored").increment(1);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_uuids_or_tokens_and_nothing_else() {
        let uuid = "3f1c2a9e-8b7d-4c1e-9f00-0a1b2c3d4e5f";
        assert_eq!(IdempotencyKey::parse(uuid).unwrap().unwrap().as_str(), uuid);
        assert_eq!(IdempotencyKey::parse("  ").unwrap(), None);
        assert!(IdempotencyKey::parse("short").is_err());
        assert!(IdempotencyKey::parse("has spaces in it").is_err());
        assert!(IdempotencyKey::parse("'; drop table cases --").is_err());
        assert!(IdempotencyKey::parse(&"a".repeat(101)).is_err());
    }
}
