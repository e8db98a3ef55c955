//! Argon2id password hashes (PHC strings), computed off the async runtime.

use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};

use crate::domain::error::AppError;

/// Shortest password accepted.
pub const MIN_LEN: usize = 10;

/// Hashes a password with a fresh salt.
pub async fn hash(password: String) -> Result<String, AppError> {
    tokio::task::spawn_blocking(move || {
        Argon2::default()
            .hash_password(password.as_bytes())
            .map(|h| h.to_string())
            .map_err(|e| AppError::Internal(anyhow::anyhow!("argon2: {e}")))
    })
    .await
    .map_err(|e| AppError::Internal(e.into()))?
}

/// Whether `password` matches the stored hash. With no stored hash (unknown
/// user) a dummy is checked so the answer takes as long either way.
pub async fn verify(password: String, stored: Option<String>) -> Result<bool, AppError> {
    tokio::task::spawn_blocking(move || {
        let known = stored.is_some();
        let stored = stored.unwrap_or_else(|| DUMMY.to_string());
        let ok = PasswordHash::new(&stored)
            .map(|h| {
                Argon2::default()
                    .verify_password(password.as_bytes(), &h)
                    .is_ok()
            })
            .unwrap_or(false);
        ok && known
    })
    .await
    .map_err(|e| AppError::Internal(e.into()))
}

/// The hash of a random string nobody knows, with default parameters.
const DUMMY: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$Vp9bQ0Iz8RMvlVFu/v95P4BvRWCsV0Y8wnv7XzWF3Iw";

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_hash_verifies_its_password_and_nothing_else() {
        let h = hash("mật khẩu dài đủ".into()).await.unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(
            verify("mật khẩu dài đủ".into(), Some(h.clone()))
                .await
                .unwrap()
        );
        assert!(
            !verify("mat khau dai du".into(), Some(h.clone()))
                .await
                .unwrap()
        );
        // Each hash has its own salt.
        assert_ne!(h, hash("mật khẩu dài đủ".into()).await.unwrap());
    }

    #[tokio::test]
    async fn an_unknown_user_never_verifies() {
        assert!(!verify("anything".into(), None).await.unwrap());
    }
}
