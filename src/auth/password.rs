//! Password hashing with argon2id (OWASP parameters) on blocking threads behind a semaphore,
//! so that a flood of sign-ins queues up instead of starving the async runtime.

use std::sync::Arc;

use argon2::{
    Algorithm, Argon2, Params, PasswordHash, PasswordHasher as _, PasswordVerifier as _, Version,
};
use tokio::sync::Semaphore;

use crate::error::{AppError, Result};

/// Minimum password length (characters).
pub const MIN_PASSWORD_LEN: usize = 10;
/// Maximum password length (bytes), so hashing cost stays bounded.
pub const MAX_PASSWORD_LEN: usize = 256;

/// A password that passed the length rules.
pub struct NewPassword(String);

impl NewPassword {
    /// Validates `value` for the input field `field`.
    pub fn parse(field: &str, value: String) -> Result<Self> {
        if value.chars().count() < MIN_PASSWORD_LEN {
            return Err(AppError::invalid(
                field,
                format!("must be at least {MIN_PASSWORD_LEN} characters"),
            ));
        }
        if value.len() > MAX_PASSWORD_LEN {
            return Err(AppError::invalid(
                field,
                format!("must be at most {MAX_PASSWORD_LEN} bytes"),
            ));
        }
        Ok(NewPassword(value))
    }
}

fn argon2() -> Argon2<'static> {
    // OWASP: argon2id, m = 19 MiB, t = 2, p = 1.
    let params = Params::new(19 * 1024, 2, 1, None).expect("static argon2 parameters are valid");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Hashes and verifies passwords with bounded parallelism.
#[derive(Clone)]
pub struct Passwords {
    permits: Arc<Semaphore>,
    /// A real hash of a random password, verified when the account does not exist so that both
    /// paths cost the same.
    dummy_hash: Arc<str>,
}

impl Passwords {
    pub fn new(concurrency: usize) -> Result<Self> {
        let random: [u8; 32] = crate::crypto::random_bytes();
        let dummy = argon2()
            .hash_password(&random)
            .map_err(|e| AppError::internal(e.to_string()))?
            .to_string();
        Ok(Passwords {
            permits: Arc::new(Semaphore::new(concurrency.max(1))),
            dummy_hash: dummy.into(),
        })
    }

    async fn blocking<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T> {
        // The permit moves into the blocking task: if the request is cancelled, the hash still
        // runs to completion and keeps its slot until then.
        let permit = self
            .permits
            .clone()
            .acquire_owned()
            .await
            .map_err(AppError::internal)?;
        tokio::task::spawn_blocking(move || {
            let result = work();
            drop(permit);
            result
        })
        .await
        .map_err(AppError::internal)
    }

    pub async fn hash(&self, password: NewPassword) -> Result<String> {
        self.blocking(move || {
            argon2()
                .hash_password(password.0.as_bytes())
                .map(|h| h.to_string())
                .map_err(|e| AppError::internal(e.to_string()))
        })
        .await?
    }

    /// Verifies `password` against `hash`, or against a dummy hash when there is no account,
    /// taking the same time either way. A malformed stored hash verifies as false.
    pub async fn verify(&self, password: String, hash: Option<String>) -> Result<bool> {
        let exists = hash.is_some();
        let hash = hash.unwrap_or_else(|| self.dummy_hash.to_string());
        let ok = self
            .blocking(move || match PasswordHash::new(&hash) {
                Ok(parsed) => argon2()
                    .verify_password(password.as_bytes(), &parsed)
                    .is_ok(),
                Err(_) => false,
            })
            .await?;
        Ok(ok && exists)
    }
}
