//! Throttling of sign-in attempts: per account in the database (so every instance shares the
//! count) and per client IP in memory (per instance, in front of everything).
//!
//! An attempt is counted *before* the password is checked, atomically, and refunded on success:
//! parallel guesses cannot all slip past a check that has not yet seen the others' failures.

#![expect(
    clippy::disallowed_methods,
    reason = "throttle counters are keyed by tenant and blind index already"
)]

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use entity::login_throttle;
use sea_orm::sea_query::{CaseStatement, Expr, OnConflict};
use sea_orm::{ConnectionTrait, EntityTrait, Set};

use crate::config::ThrottleConfig;
use crate::error::{AppError, Result};

fn retry_after(until: DateTime<Utc>) -> AppError {
    let secs = (until - Utc::now()).num_seconds();
    AppError::RateLimited {
        retry_after_secs: u64::try_from(secs).unwrap_or(0).max(1),
    }
}

fn duration(d: Duration) -> chrono::Duration {
    chrono::Duration::from_std(d).unwrap_or(chrono::Duration::minutes(15))
}

/// Counts one sign-in attempt against the account, in one atomic statement (a new window starts
/// when the last one is over). `RATE_LIMITED` once the attempts of the window exceed the limit;
/// the account then stays blocked for `block_for`.
pub async fn begin_account_attempt(
    conn: &impl ConnectionTrait,
    key: &str,
    cfg: &ThrottleConfig,
) -> Result<()> {
    use sea_orm::sea_query::ExprTrait as _;
    let now = Utc::now();
    let window_start = now - duration(cfg.window);
    let in_window = Expr::col((
        login_throttle::Entity,
        login_throttle::Column::WindowStartedAt,
    ))
    .gt(window_start);
    let failures = CaseStatement::new()
        .case(
            in_window.clone(),
            Expr::col((login_throttle::Entity, login_throttle::Column::Failures)).add(1),
        )
        .finally(Expr::val(1));
    let started = CaseStatement::new()
        .case(
            in_window,
            Expr::col((
                login_throttle::Entity,
                login_throttle::Column::WindowStartedAt,
            )),
        )
        .finally(Expr::val(now));
    login_throttle::Entity::insert(login_throttle::ActiveModel {
        key: Set(key.to_owned()),
        failures: Set(1),
        window_started_at: Set(now),
        blocked_until: Set(None),
    })
    .on_conflict(
        OnConflict::column(login_throttle::Column::Key)
            .value(login_throttle::Column::Failures, failures)
            .value(login_throttle::Column::WindowStartedAt, started)
            .to_owned(),
    )
    .exec(conn)
    .await?;
    let row = login_throttle::Entity::find_by_id(key.to_owned())
        .one(conn)
        .await?
        .ok_or_else(|| AppError::internal("throttle row vanished after its upsert"))?;
    if let Some(until) = row.blocked_until.filter(|until| *until > now) {
        return Err(retry_after(until));
    }
    if row.failures > cfg.account_max_failures {
        let until = now + duration(cfg.block_for);
        let mut blocked: login_throttle::ActiveModel = row.into();
        blocked.blocked_until = Set(Some(until));
        sea_orm::ActiveModelTrait::update(blocked, conn).await?;
        return Err(retry_after(until));
    }
    Ok(())
}

/// Forgets an account's attempts after a successful sign-in.
pub async fn clear_account(conn: &impl ConnectionTrait, key: &str) -> Result<()> {
    login_throttle::Entity::delete_by_id(key.to_owned())
        .exec(conn)
        .await?;
    Ok(())
}

/// Sign-in attempts per client IP, in memory. IPv6 clients are grouped by /64, the block a
/// single subscriber usually holds.
pub struct IpThrottle {
    max_failures: u32,
    window: Duration,
    entries: Mutex<HashMap<IpAddr, (u32, Instant)>>,
}

fn client_block(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(_) => ip,
        IpAddr::V6(v6) => {
            let bits = u128::from(v6) & !((1u128 << 64) - 1);
            IpAddr::V6(bits.into())
        }
    }
}

impl IpThrottle {
    pub fn new(cfg: &ThrottleConfig) -> Self {
        IpThrottle {
            max_failures: cfg.ip_max_failures,
            window: cfg.window,
            entries: Mutex::new(HashMap::new()),
        }
    }

    fn with_entries<T>(&self, f: impl FnOnce(&mut HashMap<IpAddr, (u32, Instant)>) -> T) -> T {
        // A poisoned lock only means another thread panicked mid-update of plain counters.
        let mut guard = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        f(&mut guard)
    }

    /// Counts an attempt from `ip`; `RATE_LIMITED` when the window's attempts exceed the limit.
    pub fn begin_attempt(&self, ip: Option<IpAddr>) -> Result<()> {
        let Some(ip) = ip.map(client_block) else {
            return Ok(());
        };
        self.with_entries(|entries| {
            if entries.len() > 100_000 {
                entries.retain(|_, (_, started)| started.elapsed() < self.window);
            }
            let entry = entries.entry(ip).or_insert((0, Instant::now()));
            if entry.1.elapsed() >= self.window {
                *entry = (0, Instant::now());
            }
            if entry.0 >= self.max_failures {
                let left = self.window.saturating_sub(entry.1.elapsed()).as_secs();
                return Err(AppError::RateLimited {
                    retry_after_secs: left.max(1),
                });
            }
            entry.0 += 1;
            Ok(())
        })
    }

    /// Refunds the attempt of a successful sign-in.
    pub fn succeeded(&self, ip: Option<IpAddr>) {
        let Some(ip) = ip.map(client_block) else {
            return;
        };
        self.with_entries(|entries| {
            if let Some(entry) = entries.get_mut(&ip) {
                entry.0 = entry.0.saturating_sub(1);
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ipv6_clients_are_grouped_by_their_64_block() {
        let a: IpAddr = "2001:db8:1:2:aaaa::1".parse().expect("ip");
        let b: IpAddr = "2001:db8:1:2:bbbb::2".parse().expect("ip");
        let c: IpAddr = "2001:db8:1:3::1".parse().expect("ip");
        assert_eq!(client_block(a), client_block(b));
        assert_ne!(client_block(a), client_block(c));
        let v4: IpAddr = "10.1.2.3".parse().expect("ip");
        assert_eq!(client_block(v4), v4);
    }

    #[test]
    fn ip_attempts_are_counted_before_and_refunded_on_success() {
        let throttle = IpThrottle::new(&ThrottleConfig {
            ip_max_failures: 2,
            ..ThrottleConfig::default()
        });
        let ip = Some("192.0.2.1".parse().expect("ip"));
        assert!(throttle.begin_attempt(ip).is_ok());
        throttle.succeeded(ip);
        assert!(throttle.begin_attempt(ip).is_ok());
        assert!(throttle.begin_attempt(ip).is_ok());
        assert!(matches!(
            throttle.begin_attempt(ip),
            Err(AppError::RateLimited { .. })
        ));
        assert!(throttle.begin_attempt(None).is_ok());
    }
}
