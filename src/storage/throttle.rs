//! Sign-in rate limits. Attempts are counted in PostgreSQL so every copy of
//! the web tier counts the same ones, and counting an attempt and checking
//! the limits is one statement: concurrent attempts are serialised by the
//! counters' row locks, so twelve guesses sent at once cannot all be tried
//! before the limit notices.
//!
//! Three counters, each over a fixed window:
//! - the account *and* the address together: a person mistyping, or a
//!   stranger guessing from one place, is stopped there without locking
//!   the official out from their own office;
//! - the address, across accounts (with more room: a whole commune office
//!   may sit behind one router);
//! - the account, whatever the address, with a ceiling far above anyone's
//!   typing, against guessing spread over many addresses. Only attempts the
//!   first two let through count towards it.

use chrono::{DateTime, Utc};
use sqlx::PgPool;

use crate::domain::config::Config;
use crate::domain::error::AppError;

/// Addresses may be shared by a whole commune office behind one router,
/// so they get more room than a single account.
const ADDRESS_FACTOR: i64 = 4;

/// Longest username or address kept in a counter's key (usernames are at
/// most 64 characters; anything longer is a guess all the same).
const KEY_MAX: usize = 100;

fn clip(s: &str) -> &str {
    s.char_indices().nth(KEY_MAX).map_or(s, |(i, _)| &s[..i])
}

fn pair_key(username: &str, address: &str) -> String {
    let u = clip(username);
    format!("{}:{u}@{}", u.len(), clip(address))
}

/// Counts one sign-in attempt and checks the limits, atomically. `Ok` means
/// the password may be checked; the attempt then counts as a failure until
/// [`succeeded`] takes it back. `Err(RateLimited)` when a limit is reached.
pub async fn attempt(
    db: &PgPool,
    config: &Config,
    username: &str,
    address: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let row = sqlx::query!(
        r#"with pair as (
           insert into sign_in_counters as c (scope, key, window_start, n)
           values ('pair', $1, $4::timestamptz, 1)
           on conflict (scope, key) do update set
             window_start = case when c.window_start <= $4 - make_interval(mins => $5) then $4 else c.window_start end,
             n = case when c.window_start <= $4 - make_interval(mins => $5) then 1 else c.n + 1 end
           returning n
         ), addr as (
           insert into sign_in_counters as c (scope, key, window_start, n)
           values ('address', $3, $4, 1)
           on conflict (scope, key) do update set
             window_start = case when c.window_start <= $4 - make_interval(mins => $5) then $4 else c.window_start end,
             n = case when c.window_start <= $4 - make_interval(mins => $5) then 1 else c.n + 1 end
           returning n
         ), acct as (
           insert into sign_in_counters as c (scope, key, window_start, n)
           select 'account', $2, $4, 1
           where (select n from pair) <= $6 and (select n from addr) <= $7
           on conflict (scope, key) do update set
             window_start = case when c.window_start <= $4 - make_interval(mins => $8) then $4 else c.window_start end,
             n = case when c.window_start <= $4 - make_interval(mins => $8) then 1 else c.n + 1 end
           returning n
         )
         select (select n from pair) as "pair!", (select n from addr) as "address!", (select n from acct) as "account?""#,
        pair_key(username, address),
        clip(username),
        clip(address),
        now as _,
        window(config.sign_in_window_minutes),
        limit(config.sign_in_max_failures),
        limit(config.sign_in_max_failures.saturating_mul(ADDRESS_FACTOR)),
        window(config.sign_in_account_window_minutes)
    )
    .fetch_one(db)
    .await?;
    let (pair, by_address, by_account) = (row.pair, row.address, row.account);
    if i64::from(pair) > config.sign_in_max_failures
        || i64::from(by_address) > config.sign_in_max_failures.saturating_mul(ADDRESS_FACTOR)
    {
        return Err(AppError::RateLimited(config.sign_in_window_minutes));
    }
    match by_account {
        Some(n) if i64::from(n) <= config.sign_in_account_max_failures => Ok(()),
        _ => Err(AppError::RateLimited(config.sign_in_account_window_minutes)),
    }
}

fn window(minutes: i64) -> i32 {
    i32::try_from(minutes.max(1)).unwrap_or(i32::MAX)
}

fn limit(n: i64) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

/// The password was right: the attempt was no failure. The account's
/// failures from this address are forgotten; those from elsewhere still
/// count towards the account's ceiling.
pub async fn succeeded(db: &PgPool, username: &str, address: &str) -> Result<(), AppError> {
    sqlx::query!(
        "with gone as (delete from sign_in_counters where scope = 'pair' and key = $1)
         update sign_in_counters set n = greatest(n - 1, 0)
         where (scope = 'account' and key = $2) or (scope = 'address' and key = $3)",
        pair_key(username, address),
        clip(username),
        clip(address)
    )
    .execute(db)
    .await?;
    Ok(())
}

/// Forgets counters whose window ended long ago (a guesser trying many
/// names from many addresses leaves one row each).
pub async fn purge(db: &PgPool, config: &Config, now: DateTime<Utc>) -> Result<u64, AppError> {
    let longest = config
        .sign_in_window_minutes
        .max(config.sign_in_account_window_minutes);
    let done = sqlx::query!(
        "delete from sign_in_counters where window_start < $1::timestamptz - make_interval(mins => $2)",
        now as _,
        window(longest)
    )
    .execute(db)
    .await?;
    Ok(done.rows_affected())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_bounded_and_do_not_run_into_each_other() {
        assert_ne!(pair_key("a b", "c"), pair_key("a", "b c"));
        assert_eq!(clip(&"đ".repeat(500)).chars().count(), KEY_MAX);
        assert_eq!(clip("lienninh"), "lienninh");
    }
}
