//! The storage layer: every SQL statement, the audit trail, the rollups and
//! the board computation. It sees the domain, never the web.

pub mod alerts;
pub mod areas;
pub mod audit;
pub mod backup;
pub mod board;
pub mod db;
pub mod demo;
pub mod demo_story;
pub mod feed;
pub mod idempotency;
pub mod pg;
pub mod primary;
pub mod records;
pub mod replica;
pub mod reports_up;
pub mod seed_chain;
pub mod synth;
pub mod throttle;
pub mod tokens;
pub mod users;
pub mod webhook;

use crate::domain::error::{AppError, FieldErrors};

impl From<sqlx::Error> for AppError {
    fn from(e: sqlx::Error) -> Self {
        if matches!(e, sqlx::Error::PoolTimedOut) {
            metrics::counter!("vx_db_pool_timeouts_total").increment(1);
        }
        match e {
            sqlx::Error::RowNotFound => Self::NotFound,
            sqlx::Error::PoolTimedOut
            | sqlx::Error::Io(_)
            | sqlx::Error::PoolClosed
            | sqlx::Error::WorkerCrashed
            | sqlx::Error::Protocol(_) => Self::Unavailable(e.into()),
            sqlx::Error::Database(ref db)
                if db.code().is_some_and(|c| {
                    c.starts_with("57P")
                        || c.starts_with("08")
                        || c == "40P01"
                        || c == "40001"
                        || c == "25006"
                }) =>
            {
                // admin_shutdown, cannot_connect_now, connection_exception, the
                // deadlocks and serialisation failures a retry resolves, and a
                // write to a primary just turned standby (read_only_sql_transaction).
                Self::Unavailable(e.into())
            }
            // Data exceptions (a NUL byte, a value out of a column's range) are
            // the request's fault; the checks before should have caught them.
            sqlx::Error::Database(ref db) if db.code().is_some_and(|c| c.starts_with("22")) => {
                tracing::warn!(error = %e, "value refused by the database");
                Self::BadRequest("value refused".into())
            }
            other => Self::Internal(other.into()),
        }
    }
}

/// Turns a unique-constraint violation into a field error (409), in the
/// spirit of realworld's `on_constraint`; other errors convert as usual.
pub trait ResultExt<T> {
    /// Maps a violation of `constraint` to the catalogue `key` on `field`.
    fn on_constraint(self, constraint: &str, field: &str, key: &str) -> Result<T, AppError>;
}

impl<T> ResultExt<T> for Result<T, sqlx::Error> {
    fn on_constraint(self, constraint: &str, field: &str, key: &str) -> Result<T, AppError> {
        self.map_err(|e| {
            if let sqlx::Error::Database(db) = &e
                && db.constraint() == Some(constraint)
            {
                let mut f = FieldErrors::default();
                f.add(field, key);
                return AppError::Conflict(f);
            }
            e.into()
        })
    }
}
