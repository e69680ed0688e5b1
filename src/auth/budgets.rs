//! Budgets of requests and sign-in attempts that every instance shares: several processes on one
//! PostgreSQL (or one Redis, with `TALENTGRAPH_REDIS_URL`) allow one budget between them, not
//! one each. On SQLite without Redis (one process) they are counted in memory.
//!
//! Each budget is a sliding window (the estimate of the last `window`: the previous fixed
//! window's count, weighted by how much of it the sliding window still covers, plus the current
//! one's). A check never waits for the database: it counts locally against the shared counts as
//! last read, and a sync (every [`SYNC_EVERY`]) adds what this instance counted to the shared
//! counts in one statement and reads back the totals. Between two syncs each instance may allow
//! what the others allowed since the last one: the budget can be overshot by at most what the
//! other instances let through in [`SYNC_EVERY`]. A key not synced for a while (new to this
//! instance, or idle here) is read from the store before it is checked.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::Duration;

use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, DbErr, Statement, Value};
use uuid::Uuid;

use super::throttle::client_block;
use crate::config::{RateLimitConfig, ThrottleConfig};
use crate::error::AppError;

/// How often counts are added to the shared store and read back.
pub const SYNC_EVERY: Duration = Duration::from_millis(200);
/// A key whose shared count was last read longer ago is read again before it is checked.
const STALE_AFTER: Duration = Duration::from_secs(1);
/// Counters kept in memory before the expired ones are dropped on the request path (they are
/// dropped every minute anyway); the next sweep waits until the map has doubled.
const SWEEP_ABOVE: usize = 100_000;
/// How long a check waits for the shared store before it counts on what it has.
const READ_TIMEOUT: Duration = Duration::from_millis(100);
/// Rows one sync statement carries at most.
const ROWS_PER_STATEMENT: usize = 1000;

/// What is counted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Kind {
    /// GraphQL operations per client IP (IPv6 by /64).
    Ip,
    /// GraphQL operations per user.
    User,
    /// Sign-in attempts per client IP (refunded on success).
    SignInIp,
    /// Organisations created per client IP.
    SignUpIp,
}

impl Kind {
    const ALL: [Kind; 4] = [Kind::Ip, Kind::User, Kind::SignInIp, Kind::SignUpIp];

    fn prefix(self) -> &'static str {
        match self {
            Kind::Ip => "ip",
            Kind::User => "user",
            Kind::SignInIp => "signin-ip",
            Kind::SignUpIp => "signup-ip",
        }
    }
}

#[derive(Clone, Copy, Debug)]
struct Budget {
    limit: i64,
    window_secs: i64,
}

/// One key's count in one fixed window.
#[derive(Default, Debug)]
struct Counter {
    /// The shared total as last read (this instance's synced counts included).
    shared: i64,
    /// Counted here since the last sync began.
    pending: i64,
    /// Counted here and being synced now.
    syncing: i64,
    /// When `shared` was last read from the store.
    read_at: Option<std::time::Instant>,
}

impl Counter {
    fn total(&self) -> i64 {
        self.shared + self.pending + self.syncing
    }
}

/// (kind, key, window start in unix seconds).
type Slot = (Kind, String, i64);

pub struct Budgets {
    budgets: [Budget; 4],
    counters: Mutex<HashMap<Slot, Counter>>,
    /// The size past which a check sweeps expired counters.
    sweep_above: std::sync::atomic::AtomicUsize,
    /// The shared store; none on SQLite without Redis.
    store: Option<Store>,
}

/// Where the budgets are shared.
pub enum Shared {
    /// The `rate_count` table.
    Postgres(DatabaseConnection),
    /// Keys `talentgraph:rate:<kind>:<key>:<window start>`, expiring with their window.
    Redis(redis::Client),
}

enum Store {
    Postgres(DatabaseConnection),
    Redis {
        client: redis::Client,
        /// Connected on first use, reconnecting by itself after.
        connection: tokio::sync::OnceCell<redis::aio::ConnectionManager>,
    },
}

/// A shared store that did not answer (the counts stay here meanwhile).
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error(transparent)]
    Database(#[from] DbErr),
    #[error(transparent)]
    Redis(#[from] redis::RedisError),
    #[error("unexpected answer from Redis: {0}")]
    Answer(String),
}

fn redis_key(kind: Kind, key: &str, start: i64) -> String {
    format!("talentgraph:rate:{}:{key}:{start}", kind.prefix())
}

fn redis_count(value: redis::Value) -> Result<i64, StoreError> {
    redis::from_redis_value::<Option<i64>>(value)
        .map(Option::unwrap_or_default)
        .map_err(|e| StoreError::Answer(e.to_string()))
}

fn now_secs_f64() -> f64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64())
}

impl Budgets {
    /// The budgets of `rates` and `throttle`, shared through `shared` when given, else counted
    /// here only.
    pub fn new(rates: &RateLimitConfig, throttle: &ThrottleConfig, shared: Option<Shared>) -> Self {
        let budget = |limit: u32, window: Duration| Budget {
            limit: i64::from(limit.max(1)),
            window_secs: i64::try_from(window.as_secs()).unwrap_or(60).max(1),
        };
        Budgets {
            budgets: [
                budget(rates.per_ip_per_minute, Duration::from_secs(60)),
                budget(rates.per_user_per_minute, Duration::from_secs(60)),
                budget(throttle.ip_max_failures, throttle.window),
                budget(throttle.signups_per_ip_per_hour, Duration::from_secs(3600)),
            ],
            counters: Mutex::new(HashMap::new()),
            sweep_above: std::sync::atomic::AtomicUsize::new(SWEEP_ABOVE),
            store: shared.map(|s| match s {
                Shared::Postgres(db) => Store::Postgres(db),
                Shared::Redis(client) => Store::Redis {
                    client,
                    connection: tokio::sync::OnceCell::new(),
                },
            }),
        }
    }

    fn budget(&self, kind: Kind) -> Budget {
        let i = Kind::ALL.iter().position(|k| *k == kind).unwrap_or(0);
        self.budgets[i]
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<Slot, Counter>> {
        // A poisoned lock only means another thread panicked mid-update of plain counters.
        self.counters.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Counts `n` against `kind`'s budget for `key`; `RATE_LIMITED` (and nothing counted) when
    /// the last window's estimate would go past the limit. A key this instance has not counted
    /// in the current window is first read from the shared store (once per key and window), so
    /// that an instance new to a client starts from what the others counted.
    pub async fn take(&self, kind: Kind, key: &str, n: u64) -> Result<(), AppError> {
        let now = now_secs_f64();
        if let Some(store) = &self.store {
            let start = self.window_start(kind, now);
            let fresh = self
                .lock()
                .get(&(kind, key.to_owned(), start))
                .and_then(|c| c.read_at)
                .is_some_and(|t| t.elapsed() < STALE_AFTER);
            if !fresh {
                let read = tokio::time::timeout(READ_TIMEOUT, self.read(store, kind, key, start))
                    .await
                    .unwrap_or_else(|_| Err(StoreError::Answer("no answer in time".to_owned())));
                match read {
                    Ok(totals) => {
                        let read_at = Some(std::time::Instant::now());
                        let mut counters = self.lock();
                        for (slot, total) in totals {
                            let c = counters.entry(slot).or_default();
                            c.shared = c.shared.max(total);
                        }
                        // Both windows were read, whether they had rows or not.
                        for start in [start, start - self.budget(kind).window_secs] {
                            counters
                                .entry((kind, key.to_owned(), start))
                                .or_default()
                                .read_at = read_at;
                        }
                    }
                    // Counted here alone, and not asked again for a second.
                    Err(err) => {
                        tracing::warn!(error = %err, "could not read a shared rate limit count");
                        self.lock()
                            .entry((kind, key.to_owned(), start))
                            .or_default()
                            .read_at = Some(std::time::Instant::now());
                    }
                }
            }
        }
        self.take_at(kind, key, n, now)
    }

    fn window_start(&self, kind: Kind, now: f64) -> i64 {
        let window = self.budget(kind).window_secs;
        #[expect(clippy::cast_possible_truncation, reason = "unix seconds")]
        let secs = now as i64;
        secs.div_euclid(window) * window
    }

    async fn redis(
        client: &redis::Client,
        connection: &tokio::sync::OnceCell<redis::aio::ConnectionManager>,
    ) -> Result<redis::aio::ConnectionManager, StoreError> {
        Ok(connection
            .get_or_try_init(|| client.get_connection_manager())
            .await?
            .clone())
    }

    /// The shared counts of `key` in the window starting at `start` and the one before.
    async fn read(
        &self,
        store: &Store,
        kind: Kind,
        key: &str,
        start: i64,
    ) -> Result<Vec<(Slot, i64)>, StoreError> {
        let window = self.budget(kind).window_secs;
        let db = match store {
            Store::Postgres(db) => db,
            Store::Redis { client, connection } => {
                let mut conn = Self::redis(client, connection).await?;
                let values: Vec<redis::Value> = redis::cmd("MGET")
                    .arg(redis_key(kind, key, start))
                    .arg(redis_key(kind, key, start - window))
                    .query_async(&mut conn)
                    .await?;
                let mut totals = Vec::with_capacity(2);
                for (value, at) in values.into_iter().zip([start, start - window]) {
                    totals.push(((kind, key.to_owned(), at), redis_count(value)?));
                }
                return Ok(totals);
            }
        };
        let rows = db
            .query_all_raw(Statement::from_sql_and_values(
                DbBackend::Postgres,
                "SELECT window_start, count FROM rate_count WHERE key = $1 AND window_start IN ($2, $3)",
                [
                    format!("{}:{key}", kind.prefix()).into(),
                    start.into(),
                    (start - window).into(),
                ],
            ))
            .await?;
        let mut totals = Vec::with_capacity(rows.len());
        for row in rows {
            let window_start: i64 = row.try_get("", "window_start")?;
            let count: i64 = row.try_get("", "count")?;
            totals.push(((kind, key.to_owned(), window_start), count));
        }
        Ok(totals)
    }

    fn take_at(&self, kind: Kind, key: &str, n: u64, now: f64) -> Result<(), AppError> {
        let budget = self.budget(kind);
        let n = i64::try_from(n).unwrap_or(i64::MAX);
        let window = budget.window_secs;
        let start = self.window_start(kind, now);
        #[expect(clippy::cast_precision_loss, reason = "window lengths are small")]
        let elapsed = ((now - start as f64) / window as f64).clamp(0.0, 1.0);
        let mut counters = self.lock();
        let sweep_above = self.sweep_above.load(std::sync::atomic::Ordering::Relaxed);
        if counters.len() > sweep_above {
            #[expect(clippy::cast_possible_truncation, reason = "unix seconds")]
            self.forget_expired(&mut counters, now as i64);
            self.sweep_above.store(
                (counters.len() * 2).max(SWEEP_ABOVE),
                std::sync::atomic::Ordering::Relaxed,
            );
        }
        let previous = counters
            .get(&(kind, key.to_owned(), start - window))
            .map_or(0, Counter::total);
        let current = counters.entry((kind, key.to_owned(), start)).or_default();
        #[expect(clippy::cast_precision_loss, reason = "counts are small")]
        let estimate = previous as f64 * (1.0 - elapsed) + (current.total() + n) as f64;
        #[expect(clippy::cast_precision_loss, reason = "limits are small")]
        if n > budget.limit || estimate > budget.limit as f64 {
            return Err(AppError::RateLimited {
                retry_after_secs: retry_after(budget, previous, current.total(), n, elapsed),
            });
        }
        current.pending += n;
        Ok(())
    }

    /// Drops the counters of windows no estimate weighs any more (unless not yet shared).
    fn forget_expired(&self, counters: &mut HashMap<Slot, Counter>, now: i64) {
        counters.retain(|(kind, _, start), c| {
            let window = self.budget(*kind).window_secs;
            start + 2 * window >= now || c.pending != 0 || c.syncing != 0
        });
    }

    /// Gives back `n` counted for `key` in the current window (a sign-in that succeeded).
    pub fn refund(&self, kind: Kind, key: &str, n: u64) {
        let start = self.window_start(kind, now_secs_f64());
        let mut counters = self.lock();
        if let Some(c) = counters.get_mut(&(kind, key.to_owned(), start))
            && c.total() > 0
        {
            c.pending -= i64::try_from(n).unwrap_or(0).min(c.total());
        }
    }

    /// Adds the counts of this instance to the shared store and reads the totals back (also
    /// those of the windows before, which the estimate weighs). Nothing to do without a store.
    pub async fn sync(&self) -> Result<(), StoreError> {
        let Some(store) = &self.store else {
            return Ok(());
        };
        let mut batch: Vec<(Slot, i64)> = {
            let mut counters = self.lock();
            counters
                .iter_mut()
                .filter(|(_, c)| c.pending != 0)
                .map(|(slot, c)| {
                    let n = c.pending;
                    c.syncing += n;
                    c.pending = 0;
                    (slot.clone(), n)
                })
                .collect()
        };
        // One order on every instance: two syncs upserting the same rows in different orders
        // would deadlock each other.
        batch.sort_by(|((k1, key1, s1), _), ((k2, key2, s2), _)| {
            (k1.prefix(), key1, s1).cmp(&(k2.prefix(), key2, s2))
        });
        let mut first_error = None;
        for chunk in batch.chunks(ROWS_PER_STATEMENT) {
            let result = match store {
                Store::Postgres(db) => self.sync_chunk(db, chunk).await.map_err(StoreError::from),
                Store::Redis { client, connection } => {
                    self.sync_redis(client, connection, chunk).await
                }
            };
            let mut counters = self.lock();
            match result {
                Ok(totals) => {
                    for ((kind, key, start), n) in chunk {
                        if let Some(c) = counters.get_mut(&(*kind, key.clone(), *start)) {
                            c.syncing -= n;
                        }
                    }
                    let read_at = Some(std::time::Instant::now());
                    for (slot, total) in totals {
                        let c = counters.entry(slot).or_default();
                        c.shared = total;
                        c.read_at = read_at;
                    }
                }
                Err(err) => {
                    // Counted again at the next sync; the other chunks still go.
                    for ((kind, key, start), n) in chunk {
                        if let Some(c) = counters.get_mut(&(*kind, key.clone(), *start)) {
                            c.syncing -= n;
                            c.pending += n;
                        }
                    }
                    first_error.get_or_insert(err);
                }
            }
        }
        first_error.map_or(Ok(()), Err)
    }

    /// `INCRBY` and `EXPIRE` per counted key, `MGET` of the windows before, in one pipeline.
    async fn sync_redis(
        &self,
        client: &redis::Client,
        connection: &tokio::sync::OnceCell<redis::aio::ConnectionManager>,
        chunk: &[(Slot, i64)],
    ) -> Result<Vec<(Slot, i64)>, StoreError> {
        let mut conn = Self::redis(client, connection).await?;
        let mut pipe = redis::pipe();
        let mut before = Vec::with_capacity(chunk.len());
        for ((kind, key, start), n) in chunk {
            let window = self.budget(*kind).window_secs;
            let stored = redis_key(*kind, key, *start);
            pipe.cmd("INCRBY").arg(&stored).arg(*n);
            pipe.cmd("EXPIRE").arg(&stored).arg(2 * window).ignore();
            before.push(redis_key(*kind, key, start - window));
        }
        pipe.cmd("MGET").arg(&before);
        let mut values: Vec<redis::Value> = pipe.query_async(&mut conn).await?;
        let previous = values
            .pop()
            .ok_or_else(|| StoreError::Answer("no MGET reply".to_owned()))?;
        let previous: Vec<Option<i64>> =
            redis::from_redis_value(previous).map_err(|e| StoreError::Answer(e.to_string()))?;
        let mut totals = Vec::with_capacity(chunk.len() * 2);
        for (((kind, key, start), _), (value, before)) in
            chunk.iter().zip(values.into_iter().zip(previous))
        {
            totals.push(((*kind, key.clone(), *start), redis_count(value)?));
            let window = self.budget(*kind).window_secs;
            totals.push(((*kind, key.clone(), start - window), before.unwrap_or(0)));
        }
        Ok(totals)
    }

    async fn sync_chunk(
        &self,
        db: &DatabaseConnection,
        chunk: &[(Slot, i64)],
    ) -> Result<Vec<(Slot, i64)>, DbErr> {
        let mut values: Vec<Value> = Vec::with_capacity(chunk.len() * 6);
        let mut added = Vec::with_capacity(chunk.len());
        let mut before = Vec::with_capacity(chunk.len());
        // A previous window this chunk also adds to is read from the insert's own answer: the
        // join below sees the table as it was before the statement.
        let adding: std::collections::HashSet<(Kind, &str, i64)> = chunk
            .iter()
            .map(|((kind, key, start), _)| (*kind, key.as_str(), *start))
            .collect();
        for ((kind, key, start), n) in chunk {
            let window = self.budget(*kind).window_secs;
            let stored = format!("{}:{key}", kind.prefix());
            let i = values.len();
            added.push(format!("(${}, ${}, ${}, ${})", i + 1, i + 2, i + 3, i + 4));
            values.push(stored.clone().into());
            values.push((*start).into());
            values.push((*n).into());
            values.push((start + 2 * window).into());
            if !adding.contains(&(*kind, key.as_str(), start - window)) {
                before.push(format!("(${}, ${})", i + 5, i + 6));
                values.push(stored.into());
                values.push((start - window).into());
            }
        }
        if before.is_empty() {
            // `VALUES` may not be empty; this pair matches no row.
            before.push(format!("(${}, ${})", values.len() + 1, values.len() + 2));
            values.push(String::new().into());
            values.push(0i64.into());
        }
        let sql = format!(
            "WITH added AS (
                INSERT INTO rate_count (key, window_start, count, expires_at) VALUES {}
                ON CONFLICT (key, window_start)
                DO UPDATE SET count = rate_count.count + EXCLUDED.count
                RETURNING key, window_start, count
            )
            SELECT key, window_start, count FROM added
            UNION ALL
            SELECT c.key, c.window_start, c.count
            FROM rate_count c JOIN (VALUES {}) AS b(key, window_start)
              ON c.key = b.key AND c.window_start = b.window_start",
            added.join(", "),
            before.join(", ")
        );
        let rows = db
            .query_all_raw(Statement::from_sql_and_values(
                DbBackend::Postgres,
                sql,
                values,
            ))
            .await?;
        let mut totals = Vec::with_capacity(rows.len());
        for row in rows {
            let stored: String = row.try_get("", "key")?;
            let start: i64 = row.try_get("", "window_start")?;
            let count: i64 = row.try_get("", "count")?;
            let Some((prefix, key)) = stored.split_once(':') else {
                continue;
            };
            let Some(kind) = Kind::ALL.into_iter().find(|k| k.prefix() == prefix) else {
                continue;
            };
            totals.push(((kind, key.to_owned(), start), count));
        }
        Ok(totals)
    }

    /// Forgets the windows no estimate weighs any more, here and in PostgreSQL (Redis keys
    /// expire by themselves).
    pub async fn prune(&self) -> Result<u64, DbErr> {
        #[expect(clippy::cast_possible_truncation, reason = "unix seconds")]
        let now = now_secs_f64() as i64;
        self.forget_expired(&mut self.lock(), now);
        let Some(Store::Postgres(db)) = &self.store else {
            return Ok(0);
        };
        let result = db
            .execute_raw(Statement::from_sql_and_values(
                DbBackend::Postgres,
                "DELETE FROM rate_count WHERE expires_at < $1",
                [now.into()],
            ))
            .await?;
        Ok(result.rows_affected())
    }

    /// Syncs every [`SYNC_EVERY`] (with a store) and prunes every minute until `stop`; a failed
    /// sync is retried at the next (the counts stay here meanwhile).
    pub async fn run(&self, mut stop: tokio::sync::watch::Receiver<bool>) {
        let mut tick = tokio::time::interval(SYNC_EVERY);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut last_prune = std::time::Instant::now();
        loop {
            tokio::select! {
                _ = tick.tick() => {}
                _ = stop.changed() => break,
            }
            if self.store.is_some()
                && let Err(err) = self.sync().await
            {
                tracing::warn!(error = %err, "could not share the rate limit counts; retrying");
            }
            if last_prune.elapsed() > Duration::from_secs(60) {
                last_prune = std::time::Instant::now();
                if let Err(err) = self.prune().await {
                    tracing::warn!(error = %err, "could not prune the rate limit counts");
                }
            }
        }
        // What was counted last is shared before the instance goes.
        let _ = self.sync().await;
    }

    pub fn is_shared(&self) -> bool {
        self.store.is_some()
    }
}

/// Seconds until `n` more fit: the estimate falls as the previous window slides out, and at the
/// next window's start the current count becomes the previous one.
#[expect(clippy::cast_precision_loss, reason = "counts and windows are small")]
fn retry_after(budget: Budget, previous: i64, current: i64, n: i64, elapsed: f64) -> u64 {
    let limit = budget.limit as f64;
    let window = budget.window_secs as f64;
    let (previous, current, n) = (previous as f64, current as f64, n as f64);
    let wait = if n > limit {
        window
    } else if previous > 0.0 && current + n <= limit {
        // In this window, once enough of the previous one has slid out.
        let needed = 1.0 - (limit - current - n) / previous;
        (needed - elapsed).max(0.0) * window
    } else {
        // In the next window: the current count weighs as the previous one then.
        let rest = (1.0 - elapsed) * window;
        let needed = if current > 0.0 {
            (1.0 - (limit - n) / current).max(0.0)
        } else {
            0.0
        };
        rest + needed * window
    };
    #[expect(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "a positive number of seconds"
    )]
    let secs = wait.ceil() as u64;
    secs.max(1)
}

/// The key of a client address (IPv6 by /64).
pub fn ip_key(ip: IpAddr) -> String {
    client_block(ip).to_string()
}

pub fn user_key(id: Uuid) -> String {
    id.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn budgets(limit: u32) -> Budgets {
        Budgets::new(
            &RateLimitConfig {
                per_ip_per_minute: limit,
                per_user_per_minute: limit,
            },
            &ThrottleConfig::default(),
            None,
        )
    }

    #[test]
    fn a_window_allows_the_limit_then_slides() {
        let b = budgets(10);
        let start = 1_800_000_000.0; // a window's start (divisible by 60)
        for _ in 0..10 {
            assert!(b.take_at(Kind::Ip, "a", 1, start + 1.0).is_ok());
        }
        let Err(AppError::RateLimited { retry_after_secs }) =
            b.take_at(Kind::Ip, "a", 1, start + 1.0)
        else {
            panic!("over the limit");
        };
        // Next window, 10 previous: one more fits once 10 % of the window slid out (6 s in).
        assert!((64..=66).contains(&retry_after_secs), "{retry_after_secs}");
        assert!(
            b.take_at(Kind::Ip, "b", 10, start + 1.0).is_ok(),
            "keys apart"
        );
        assert!(b.take_at(Kind::Ip, "a", 1, start + 62.0).is_err());
        assert!(b.take_at(Kind::Ip, "a", 1, start + 66.5).is_ok());
        assert!(
            b.take_at(Kind::Ip, "a", 11, start + 200.0).is_err(),
            "more than the limit"
        );
    }

    #[tokio::test]
    async fn refunds_give_back_what_was_counted() {
        let b = budgets(10);
        let t = b.budget(Kind::SignInIp);
        for _ in 0..t.limit {
            assert!(b.take(Kind::SignInIp, "x", 1).await.is_ok());
        }
        assert!(b.take(Kind::SignInIp, "x", 1).await.is_err());
        b.refund(Kind::SignInIp, "x", 1);
        assert!(b.take(Kind::SignInIp, "x", 1).await.is_ok());
    }
}
