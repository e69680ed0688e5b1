//! Throttling of sign-in attempts, so that an attacker's failures slow the attacker and not the
//! account's owner:
//!
//! - per account × source (client IP, IPv6 by /64), in the database: after a few free failures
//!   every further attempt from that source waits, twice as long each time (progressive delay).
//!   The owner signing in from elsewhere is not affected.
//! - per account, in the database: a much higher budget of failures from all sources together,
//!   the backstop against distributed guessing; past it the account is blocked for a while.
//! - per client IP, and sign-ups per client IP: budgets shared by every instance
//!   (`auth::rate_limit`), in front of everything.
//!
//! An attempt is counted *before* the password is checked, atomically, and refunded on success:
//! parallel guesses cannot all slip past a check that has not yet seen the others' failures.

#![expect(
    clippy::disallowed_methods,
    reason = "throttle counters are keyed by tenant and blind index already"
)]

use std::net::IpAddr;
use std::time::Duration;

use chrono::{DateTime, Utc};
use entity::login_throttle;
use sea_orm::sea_query::{CaseStatement, Expr, OnConflict};
use sea_orm::{ConnectionTrait, EntityTrait, Set};

use crate::config::ThrottleConfig;
use crate::error::{AppError, Result};

fn retry_after(until: DateTime<Utc>) -> AppError {
    // Rounded up: retrying after the advertised delay must succeed.
    let secs = ((until - Utc::now()).num_milliseconds() + 999) / 1000;
    AppError::RateLimited {
        retry_after_secs: u64::try_from(secs).unwrap_or(0).max(1),
    }
}

fn duration(d: Duration) -> chrono::Duration {
    chrono::Duration::from_std(d).unwrap_or(chrono::Duration::minutes(15))
}

/// Counts one sign-in attempt against the account, in one atomic statement (a new window starts
/// when the last one is over). `RATE_LIMITED` once the attempts of the window exceed the limit;
/// the account then stays blocked for `block_for` — except for a `trusted` source (one the
/// account signed in from lately, see [`mark_trusted`]): distributed guessing cannot keep the
/// owner out from where they usually sign in. The attempt is counted either way.
pub async fn begin_account_attempt(
    conn: &impl ConnectionTrait,
    key: &str,
    cfg: &ThrottleConfig,
    trusted: bool,
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
        if trusted {
            return Ok(());
        }
        return Err(retry_after(until));
    }
    if row.failures > cfg.account_max_failures {
        let until = now + duration(cfg.block_for);
        let mut blocked: login_throttle::ActiveModel = row.into();
        blocked.blocked_until = Set(Some(until));
        sea_orm::ActiveModelTrait::update(blocked, conn).await?;
        if !trusted {
            return Err(retry_after(until));
        }
    }
    Ok(())
}

/// Refunds the attempt of a successful sign-in to the account's budget (the failures of
/// others stay counted, so the owner signing in does not reset a distributed attack).
pub async fn refund_account(conn: &impl ConnectionTrait, key: &str) -> Result<()> {
    use sea_orm::QueryFilter as _;
    use sea_orm::sea_query::ExprTrait as _;
    login_throttle::Entity::update_many()
        .col_expr(
            login_throttle::Column::Failures,
            Expr::col(login_throttle::Column::Failures).sub(1),
        )
        .filter(sea_orm::ColumnTrait::eq(&login_throttle::Column::Key, key))
        .filter(sea_orm::ColumnTrait::gt(
            &login_throttle::Column::Failures,
            0,
        ))
        .exec(conn)
        .await?;
    Ok(())
}

/// The key of an account × source counter.
pub fn source_key(account_key: &str, ip: Option<IpAddr>) -> String {
    match ip.map(client_block) {
        Some(block) => format!("{account_key}@{block}"),
        None => format!("{account_key}@unknown"),
    }
}

/// How long a source waits before its `n`-th attempt beyond the free ones (n ≥ 1).
fn progressive_delay(n: i32, cfg: &ThrottleConfig) -> chrono::Duration {
    let doublings = u32::try_from(n.saturating_sub(1)).unwrap_or(0).min(30);
    let wait = cfg
        .source_base_delay
        .saturating_mul(1u32 << doublings)
        .min(cfg.source_max_delay);
    duration(wait)
}

/// Counts one sign-in attempt of one source on one account. Once the source has used its free
/// failures, each further attempt must wait — 1 s, then twice as long each time — and an
/// attempt that comes too early, or that a parallel attempt of the same source beat to it, is
/// `RATE_LIMITED` (and not counted).
pub async fn begin_source_attempt(
    conn: &impl ConnectionTrait,
    key: &str,
    cfg: &ThrottleConfig,
) -> Result<()> {
    use sea_orm::{ColumnTrait as _, QueryFilter as _};
    let now = Utc::now();
    let wait_after = |failures: i32| {
        // The wait before the next attempt, once this one has used up the free failures.
        let beyond = failures - cfg.source_free_failures + 1;
        (beyond > 0).then(|| now + progressive_delay(beyond, cfg))
    };
    let Some(row) = login_throttle::Entity::find_by_id(key.to_owned())
        .one(conn)
        .await?
    else {
        let inserted = login_throttle::Entity::insert(login_throttle::ActiveModel {
            key: Set(key.to_owned()),
            failures: Set(1),
            window_started_at: Set(now),
            blocked_until: Set(wait_after(1)),
        })
        .on_conflict_do_nothing_on([login_throttle::Column::Key])
        .exec(conn)
        .await?;
        return match inserted {
            sea_orm::TryInsertResult::Inserted(_) => Ok(()),
            _ => Err(AppError::RateLimited {
                retry_after_secs: 1,
            }),
        };
    };
    if let Some(until) = row.blocked_until.filter(|until| *until > now) {
        return Err(retry_after(until));
    }
    let in_window = row.window_started_at > now - duration(cfg.window);
    let (failures, started) = if in_window {
        (row.failures.saturating_add(1), row.window_started_at)
    } else {
        (1, now)
    };
    let next = wait_after(failures);
    // Optimistic: applies only if no parallel attempt of this source changed the row since.
    let claimed = login_throttle::Entity::update_many()
        .col_expr(login_throttle::Column::Failures, Expr::value(failures))
        .col_expr(
            login_throttle::Column::WindowStartedAt,
            Expr::value(started),
        )
        .col_expr(login_throttle::Column::BlockedUntil, Expr::value(next))
        .filter(login_throttle::Column::Key.eq(key))
        .filter(login_throttle::Column::Failures.eq(row.failures))
        .filter(login_throttle::Column::WindowStartedAt.eq(row.window_started_at))
        .exec(conn)
        .await?;
    if claimed.rows_affected == 1 {
        Ok(())
    } else {
        Err(AppError::RateLimited {
            retry_after_secs: 1,
        })
    }
}

/// How long a source that signed in to an account stays trusted by it.
const TRUSTED_FOR_DAYS: i64 = 30;

fn trust_key(source_key: &str) -> String {
    format!("{source_key}!ok")
}

/// Remembers that the account signed in from this source (see [`begin_account_attempt`]).
pub async fn mark_trusted(conn: &impl ConnectionTrait, source_key: &str) -> Result<()> {
    let now = Utc::now();
    login_throttle::Entity::insert(login_throttle::ActiveModel {
        key: Set(trust_key(source_key)),
        failures: Set(0),
        window_started_at: Set(now),
        blocked_until: Set(None),
    })
    .on_conflict(
        OnConflict::column(login_throttle::Column::Key)
            .update_column(login_throttle::Column::WindowStartedAt)
            .to_owned(),
    )
    .exec(conn)
    .await?;
    Ok(())
}

/// Whether the account signed in from this source within the last 30 days.
pub async fn is_trusted(conn: &impl ConnectionTrait, source_key: &str) -> Result<bool> {
    let row = login_throttle::Entity::find_by_id(trust_key(source_key))
        .one(conn)
        .await?;
    Ok(row.is_some_and(|r| {
        Utc::now() - r.window_started_at < chrono::Duration::days(TRUSTED_FOR_DAYS)
    }))
}

/// Forgets a source's failures on an account after it signed in.
pub async fn clear_source(conn: &impl ConnectionTrait, key: &str) -> Result<()> {
    login_throttle::Entity::delete_by_id(key.to_owned())
        .exec(conn)
        .await?;
    Ok(())
}

/// The block a client address stands for: IPv4 addresses as they are (an IPv4-mapped IPv6
/// address, as a dual-stack listener sees IPv4 clients, as its IPv4 address), IPv6 by /64.
pub fn client_block(ip: IpAddr) -> IpAddr {
    match ip.to_canonical() {
        v4 @ IpAddr::V4(_) => v4,
        IpAddr::V6(v6) => {
            let bits = u128::from(v6) & !((1u128 << 64) - 1);
            IpAddr::V6(bits.into())
        }
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
        let mapped: IpAddr = "::ffff:10.1.2.3".parse().expect("ip");
        let other: IpAddr = "::ffff:10.9.9.9".parse().expect("ip");
        assert_eq!(client_block(mapped), v4);
        assert_ne!(client_block(mapped), client_block(other));
    }
}
