//! Throttling of failed sign-ins: per account in the database (so every instance shares the
//! count) and per client IP in memory (per instance, cheap, in front of everything).

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use chrono::Utc;
use entity::login_throttle;
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};

use crate::config::ThrottleConfig;
use crate::error::{AppError, Result};

fn retry_after(until: chrono::DateTime<Utc>) -> AppError {
    let secs = (until - Utc::now()).num_seconds().max(1);
    AppError::RateLimited {
        retry_after_secs: u64::try_from(secs).unwrap_or(1),
    }
}

/// `RATE_LIMITED` while the account is blocked.
pub async fn check_account(conn: &impl ConnectionTrait, key: &str) -> Result<()> {
    let row = login_throttle::Entity::find_by_id(key.to_owned())
        .one(conn)
        .await?;
    match row.and_then(|r| r.blocked_until) {
        Some(until) if until > Utc::now() => Err(retry_after(until)),
        _ => Ok(()),
    }
}

/// Counts a failure against the account; blocks it once the limit is reached within the window.
pub async fn record_account_failure(
    conn: &impl ConnectionTrait,
    key: &str,
    cfg: &ThrottleConfig,
) -> Result<()> {
    use sea_orm::sea_query::ExprTrait as _;
    let now = Utc::now();
    let window_start = now - chrono::Duration::from_std(cfg.window).unwrap_or_default();
    // Count inside the current window atomically; otherwise start a new window.
    let counted = login_throttle::Entity::update_many()
        .col_expr(
            login_throttle::Column::Failures,
            Expr::col(login_throttle::Column::Failures).add(1),
        )
        .filter(login_throttle::Column::Key.eq(key))
        .filter(login_throttle::Column::WindowStartedAt.gt(window_start))
        .exec(conn)
        .await?;
    if counted.rows_affected == 0 {
        login_throttle::Entity::insert(login_throttle::ActiveModel {
            key: Set(key.to_owned()),
            failures: Set(1),
            window_started_at: Set(now),
            blocked_until: Set(None),
        })
        .on_conflict(
            OnConflict::column(login_throttle::Column::Key)
                .update_columns([
                    login_throttle::Column::Failures,
                    login_throttle::Column::WindowStartedAt,
                    login_throttle::Column::BlockedUntil,
                ])
                .to_owned(),
        )
        .exec(conn)
        .await?;
    }
    let block_until = now + chrono::Duration::from_std(cfg.block_for).unwrap_or_default();
    login_throttle::Entity::update_many()
        .col_expr(
            login_throttle::Column::BlockedUntil,
            Expr::value(Some(block_until)),
        )
        .filter(login_throttle::Column::Key.eq(key))
        .filter(login_throttle::Column::Failures.gte(cfg.account_max_failures))
        .filter(login_throttle::Column::BlockedUntil.is_null())
        .exec(conn)
        .await?;
    Ok(())
}

/// Forgets an account's failures after a successful sign-in.
pub async fn clear_account(conn: &impl ConnectionTrait, key: &str) -> Result<()> {
    login_throttle::Entity::delete_by_id(key.to_owned())
        .exec(conn)
        .await?;
    Ok(())
}

/// Failed sign-ins per client IP, in memory.
pub struct IpThrottle {
    max_failures: u32,
    window: Duration,
    entries: Mutex<HashMap<IpAddr, (u32, Instant)>>,
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

    /// `RATE_LIMITED` while the IP is over its limit.
    pub fn check(&self, ip: Option<IpAddr>) -> Result<()> {
        let Some(ip) = ip else { return Ok(()) };
        self.with_entries(|entries| match entries.get(&ip) {
            Some((count, started))
                if started.elapsed() < self.window && *count >= self.max_failures =>
            {
                let left = self
                    .window
                    .saturating_sub(started.elapsed())
                    .as_secs()
                    .max(1);
                Err(AppError::RateLimited {
                    retry_after_secs: left,
                })
            }
            _ => Ok(()),
        })
    }

    pub fn record_failure(&self, ip: Option<IpAddr>) {
        let Some(ip) = ip else { return };
        self.with_entries(|entries| {
            if entries.len() > 100_000 {
                entries.retain(|_, (_, started)| started.elapsed() < self.window);
            }
            let entry = entries.entry(ip).or_insert((0, Instant::now()));
            if entry.1.elapsed() >= self.window {
                *entry = (0, Instant::now());
            }
            entry.0 += 1;
        });
    }
}
