//! Request rate limits per client IP and per user, counted in GraphQL operations (a batch of ten
//! counts ten), and the per-IP sign-in and sign-up throttles: budgets every instance on one
//! PostgreSQL shares (`auth::budgets`), in memory on SQLite. The sign-in throttles per account
//! are in `auth::throttle`.

use std::net::IpAddr;

use uuid::Uuid;

use super::budgets::{Budgets, Kind, Shared, ip_key, user_key};
use crate::config::{RateLimitConfig, ThrottleConfig};
use crate::error::AppError;

pub struct RateLimits {
    budgets: Budgets,
}

fn count(ops: usize) -> u64 {
    u64::try_from(ops).unwrap_or(u64::MAX)
}

impl RateLimits {
    /// Shared through `shared` (PostgreSQL or Redis) when given.
    pub fn new(rates: &RateLimitConfig, throttle: &ThrottleConfig, shared: Option<Shared>) -> Self {
        RateLimits {
            budgets: Budgets::new(rates, throttle, shared),
        }
    }

    pub fn budgets(&self) -> &Budgets {
        &self.budgets
    }

    pub async fn check_ip(&self, ip: IpAddr, ops: usize) -> Result<(), AppError> {
        self.budgets.take(Kind::Ip, &ip_key(ip), count(ops)).await
    }

    pub async fn check_user(&self, user_id: Uuid, ops: usize) -> Result<(), AppError> {
        self.budgets
            .take(Kind::User, &user_key(user_id), count(ops))
            .await
    }

    /// Counts a sign-in attempt from `ip`, before the password is checked; `RATE_LIMITED`
    /// past `TALENTGRAPH_SIGNIN_IP_MAX_FAILURES` in the window.
    pub async fn begin_sign_in(&self, ip: Option<IpAddr>) -> Result<(), AppError> {
        match ip {
            Some(ip) => self.budgets.take(Kind::SignInIp, &ip_key(ip), 1).await,
            None => Ok(()),
        }
    }

    /// Refunds the attempt of a sign-in that succeeded.
    pub fn sign_in_succeeded(&self, ip: Option<IpAddr>) {
        if let Some(ip) = ip {
            self.budgets.refund(Kind::SignInIp, &ip_key(ip), 1);
        }
    }

    /// Counts an organisation created from `ip`; `RATE_LIMITED` past the hourly quota. Each
    /// `signUp` field counts, so a batch of aliased sign-ups creates no more than the quota.
    pub async fn begin_sign_up(&self, ip: Option<IpAddr>) -> Result<(), AppError> {
        match ip {
            Some(ip) => self.budgets.take(Kind::SignUpIp, &ip_key(ip), 1).await,
            None => Ok(()),
        }
    }
}
