//! Request rate limits per client IP and per user, counted in GraphQL operations (a batch of ten
//! counts ten). In memory, per instance (GCRA via `governor`); sign-in failures have their own,
//! shared throttle in `auth::throttle`.

use std::net::IpAddr;
use std::num::NonZeroU32;

use governor::clock::{Clock as _, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use uuid::Uuid;

use crate::config::RateLimitConfig;
use crate::error::AppError;

/// Keys kept before idle ones are swept.
const SWEEP_ABOVE: usize = 50_000;

pub struct RateLimits {
    per_ip: DefaultKeyedRateLimiter<IpAddr>,
    per_user: DefaultKeyedRateLimiter<Uuid>,
}

fn quota(per_minute: u32) -> Quota {
    Quota::per_minute(NonZeroU32::new(per_minute).unwrap_or(NonZeroU32::MIN))
}

fn check<K: std::hash::Hash + Eq + Clone>(
    limiter: &DefaultKeyedRateLimiter<K>,
    key: &K,
    ops: usize,
) -> Result<(), AppError> {
    if limiter.len() > SWEEP_ABOVE {
        limiter.retain_recent();
    }
    let n = NonZeroU32::new(u32::try_from(ops).unwrap_or(u32::MAX)).unwrap_or(NonZeroU32::MIN);
    match limiter.check_key_n(key, n) {
        Ok(Ok(())) => Ok(()),
        Ok(Err(not_until)) => Err(AppError::RateLimited {
            retry_after_secs: not_until
                .wait_time_from(DefaultClock::default().now())
                .as_secs()
                .max(1),
        }),
        // More operations at once than the whole quota allows.
        Err(_) => Err(AppError::RateLimited {
            retry_after_secs: 60,
        }),
    }
}

impl RateLimits {
    pub fn new(cfg: &RateLimitConfig) -> Self {
        RateLimits {
            per_ip: RateLimiter::keyed(quota(cfg.per_ip_per_minute)),
            per_user: RateLimiter::keyed(quota(cfg.per_user_per_minute)),
        }
    }

    pub fn check_ip(&self, ip: IpAddr, ops: usize) -> Result<(), AppError> {
        check(&self.per_ip, &crate::auth::throttle::client_block(ip), ops)
    }

    pub fn check_user(&self, user_id: Uuid, ops: usize) -> Result<(), AppError> {
        check(&self.per_user, &user_id, ops)
    }
}
