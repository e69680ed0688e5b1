//! Database connection, migrations and readiness, and the query helpers every domain shares:
//! scoped look-ups, row locks and batched first pages.

pub mod health;
pub mod rows;

use std::time::Duration;

use migration::{Migrator, MigratorTrait};
use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{ConnectOptions, Database, DatabaseConnection, DbErr};

use sea_orm::sea_query::{Alias, Asterisk, Order, Query, WindowStatement};
use sea_orm::sea_query::{Expr, ExprTrait as _, Func, LikeExpr, SimpleExpr};
use std::collections::HashMap;

use sea_orm::sea_query::LockType;
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, QueryFilter, QuerySelect,
    QueryTrait, Select,
};
use uuid::Uuid;

use crate::config::{PoolConfig, is_postgres};
use crate::error::AppError;

tokio::task_local! {
    /// The SQL statements of the operation being executed ([`counting_statements`]).
    static STATEMENTS: std::sync::Arc<std::sync::atomic::AtomicU64>;
}

/// Runs `fut` and counts the SQL statements it runs, on its own task and on the tasks it
/// spawns with [`spawn_counted`] (DataLoader batches).
pub async fn counting_statements<F: std::future::Future>(fut: F) -> (F::Output, u64) {
    let counter = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
    let output = STATEMENTS.scope(counter.clone(), fut).await;
    (output, counter.load(std::sync::atomic::Ordering::Relaxed))
}

/// Counts one statement for the operation being executed, if any: the pools' metric callback
/// (a test that installs its own callback calls it too).
pub fn count_statement() {
    let _ = STATEMENTS.try_with(|c| c.fetch_add(1, std::sync::atomic::Ordering::Relaxed));
}

/// `tokio::spawn` for DataLoader batches: a batch's statements count for the operation that
/// asked for it.
pub fn spawn_counted(
    fut: futures_util::future::BoxFuture<'static, ()>,
) -> tokio::task::JoinHandle<()> {
    match STATEMENTS.try_with(std::sync::Arc::clone) {
        Ok(counter) => tokio::spawn(STATEMENTS.scope(counter, fut)),
        Err(_) => tokio::spawn(fut),
    }
}

/// Opens the pool. A request waits at most `acquire_timeout` for a connection, so that with the
/// database down it fails at once instead of queueing. SQLite gets WAL, foreign keys and a
/// single connection: SQLite has one writer, and one connection serialises transactions
/// instead of failing them with `SQLITE_BUSY` when two upgrade to writers at once.
pub async fn connect(url: &str, pool: &PoolConfig) -> Result<DatabaseConnection, DbErr> {
    let mut options = ConnectOptions::new(url.to_owned());
    options
        .sqlx_logging(false)
        .connect_timeout(pool.connect_timeout)
        .acquire_timeout(pool.acquire_timeout);
    if is_postgres(url) {
        options
            .max_connections(pool.max_connections)
            .min_connections(1);
    } else {
        options
            .max_connections(1)
            .min_connections(1)
            .map_sqlx_sqlite_opts(|o| {
                o.journal_mode(SqliteJournalMode::Wal)
                    .synchronous(SqliteSynchronous::Normal)
                    .foreign_keys(true)
                    .busy_timeout(Duration::from_secs(5))
                    .row_buffer_size(SQLITE_ROW_BUFFER)
            });
    }
    let mut db = Database::connect(options).await?;
    db.set_metric_callback(|_| count_statement());
    Ok(db)
}

/// How long a SQLite reader connection is kept: a connection reads the planner's statistics
/// when it opens (and when the schema changes), not when [`optimize`] refreshes them, so a
/// reader is replaced after this long and plans with statistics at most this old.
const SQLITE_READER_LIFETIME: Duration = Duration::from_secs(10 * 60);

/// Keeps SQLite's query planner informed: `PRAGMA optimize=0x10002` analyses every table whose
/// indexes have no statistics yet or whose size changed tenfold since they were gathered
/// (bounded: SQLite samples, so it takes milliseconds even on a large file). Without
/// statistics SQLite guesses that `tenant_id = ?` matches a handful of rows and walks a
/// tenant's whole index instead of fetching 20 rows by primary key (7.7 ms against 0.3 ms for
/// a search's snippets at 20,000 entries, `cargo bench --bench search`). Run by the server at
/// start and in its housekeeping; PostgreSQL's autovacuum does this itself (a no-op there).
pub async fn optimize(db: &DatabaseConnection) -> Result<(), DbErr> {
    use sea_orm::ConnectionTrait as _;
    if db.get_database_backend() != sea_orm::DatabaseBackend::Sqlite {
        return Ok(());
    }
    db.execute_unprepared("PRAGMA optimize=0x10002").await?;
    Ok(())
}

/// Rows a SQLite connection's thread may hand over before it waits for the request to take
/// them (sqlx's default is 50). A batch of skill entries is thousands of rows, all collected
/// anyway: with 50, the thread stopped and was woken again every 50 rows.
const SQLITE_ROW_BUFFER: usize = 1024;

/// Read-only connections to a SQLite file, beside the one writer of [`connect`]: in WAL mode
/// they read while the writer writes, so that a read-only request never queues behind a write
/// transaction (nor behind other reads) for the one connection. `None` on PostgreSQL, whose
/// pool already serves reads and writes concurrently, and for an in-memory SQLite database,
/// which each connection would see empty.
pub async fn connect_readers(
    url: &str,
    pool: &PoolConfig,
) -> Result<Option<DatabaseConnection>, DbErr> {
    if is_postgres(url) || sqlite_path(url).is_none() {
        return Ok(None);
    }
    let mut options = ConnectOptions::new(url.to_owned());
    options
        .sqlx_logging(false)
        .connect_timeout(pool.connect_timeout)
        .acquire_timeout(pool.acquire_timeout)
        .max_connections(pool.sqlite_readers)
        .min_connections(1)
        .max_lifetime(SQLITE_READER_LIFETIME)
        .map_sqlx_sqlite_opts(|o| {
            // The writer has put the file in WAL mode (a setting of the file, not of the
            // connection); a read-only connection cannot set it.
            o.read_only(true)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(5))
                .row_buffer_size(SQLITE_ROW_BUFFER)
        });
    let mut db = Database::connect(options).await?;
    db.set_metric_callback(|_| count_statement());
    Ok(Some(db))
}

/// The file of a SQLite URL (`sqlite://path?…`), `None` for PostgreSQL or in-memory SQLite.
pub fn sqlite_path(url: &str) -> Option<std::path::PathBuf> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next().unwrap_or_default();
    (!path.is_empty() && !path.starts_with(":memory:")).then(|| path.into())
}

/// The same database, opened so that nothing is created: SQLite in `mode=ro`.
pub fn read_only(url: &str) -> String {
    match sqlite_path(url) {
        Some(path) => format!("sqlite://{}?mode=ro", path.display()),
        None => url.to_owned(),
    }
}

/// Where a URL points, for messages: `host:port/database` (never the credentials) or the file.
fn location(url: &str) -> String {
    if let Some(path) = sqlite_path(url) {
        return path.display().to_string();
    }
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let rest = rest.rsplit_once('@').map_or(rest, |(_, host)| host);
    rest.split('?').next().unwrap_or_default().to_owned()
}

/// A database failure as one line an operator can act on: it names `DATABASE_URL` and where
/// it points (never the password), and says what went wrong in words — not "pool timed out",
/// nor a line number of PostgreSQL's source.
pub fn describe_error(url: &str, err: &DbErr) -> String {
    use sea_orm::RuntimeErr;
    let place = location(url);
    let host = place.split('/').next().unwrap_or_default().to_owned();
    let database = place.split('/').nth(1).unwrap_or_default().to_owned();
    let sqlx_error = match err {
        DbErr::Conn(RuntimeErr::SqlxError(e))
        | DbErr::Exec(RuntimeErr::SqlxError(e))
        | DbErr::Query(RuntimeErr::SqlxError(e)) => Some(e.as_ref()),
        _ => None,
    };
    match sqlx_error {
        Some(sea_orm::sqlx::Error::Database(db)) => match db.code().as_deref() {
            Some("3D000") => format!(
                "the database `{database}` does not exist on {host} (DATABASE_URL); create it (`createdb {database}`) or fix the URL"
            ),
            Some("28P01" | "28000") => format!(
                "the database server at {host} refused the user or password of DATABASE_URL"
            ),
            // SQLite "unable to open database file".
            Some("14") => format!(
                "cannot open the SQLite database {place} (DATABASE_URL): {}",
                db.message()
            ),
            _ => format!("database at {place} (DATABASE_URL): {}", db.message()),
        },
        Some(sea_orm::sqlx::Error::Io(io)) => {
            format!("cannot reach the database at {host} (DATABASE_URL): {io}")
        }
        Some(sea_orm::sqlx::Error::PoolTimedOut) | None
            if matches!(err, DbErr::ConnectionAcquire(_))
                || matches!(sqlx_error, Some(sea_orm::sqlx::Error::PoolTimedOut)) =>
        {
            format!(
                "cannot reach the database at {host} (DATABASE_URL): no connection could be opened; is the server running and reachable from here?"
            )
        }
        _ => format!("database at {place} (DATABASE_URL): {err}"),
    }
}

/// Applies every pending migration.
pub async fn migrate(db: &DatabaseConnection) -> Result<(), DbErr> {
    Migrator::up(db, None).await
}

/// `Ok` when the database answers and no migration is pending; otherwise why not.
pub async fn readiness(db: &DatabaseConnection) -> Result<(), String> {
    let check = tokio::time::timeout(Duration::from_secs(2), async {
        db.ping()
            .await
            .map_err(|_| "database unreachable".to_owned())?;
        let pending = Migrator::get_pending_migrations_read_only(db)
            .await
            .map_err(|_| "migration state unreadable".to_owned())?;
        if pending.is_empty() {
            Ok(())
        } else {
            Err(format!("{} migration(s) pending", pending.len()))
        }
    })
    .await;
    check.unwrap_or_else(|_| Err("database timed out".to_owned()))
}

/// `lower(column) LIKE '%needle%'`, with the needle's own `%`, `_` and `\\` taken literally:
/// a portable case-insensitive substring match.
pub fn contains_ci<C: ColumnTrait>(column: C, needle: &str) -> SimpleExpr {
    let escaped = needle
        .to_lowercase()
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    Expr::expr(Func::lower(Expr::col(column)))
        .like(LikeExpr::new(format!("%{escaped}%")).escape('\\'))
}

/// The first `limit` rows of every parent of a batch, in one statement:
/// `SELECT * FROM (SELECT …, ROW_NUMBER() OVER (PARTITION BY parent ORDER BY …) AS rn FROM …)
/// WHERE rn <= limit`. `select` carries the scope and filters (and the parents' `IN` list).
pub async fn first_rows_per_parent<E>(
    conn: &impl ConnectionTrait,
    select: Select<E>,
    parent: E::Column,
    order: &[(E::Column, Order)],
    limit: u64,
) -> Result<Vec<E::Model>, DbErr>
where
    E: EntityTrait,
    E::Model: rows::ByPosition,
{
    let mut window = WindowStatement::partition_by(parent);
    for (column, direction) in order {
        window.order_by(*column, direction.clone());
    }
    let mut inner = select.into_query();
    inner.expr_window_as(Func::cust("ROW_NUMBER"), window, Alias::new("rn"));
    let page = Alias::new("page");
    let outer = Query::select()
        .column(Asterisk)
        .from_subquery(inner, page.clone())
        .and_where(Expr::col((page, Alias::new("rn"))).lte(limit))
        .to_owned();
    // The entity's columns come first, in order, then `rn`.
    conn.query_all(&outer)
        .await?
        .iter()
        .map(|row| rows::ByPosition::read(&mut rows::Columns::new(row)))
        .collect()
}

/// The row `id` within a scoped select, or `NOT_FOUND` naming `what`: a row outside the scope
/// answers exactly like a missing one.
pub async fn find_in_scope<E: EntityTrait>(
    conn: &impl ConnectionTrait,
    select: Select<E>,
    id_col: E::Column,
    id: Uuid,
    what: &'static str,
) -> Result<E::Model, AppError> {
    select
        .filter(id_col.eq(id))
        .one(conn)
        .await?
        .ok_or(AppError::NotFound(what))
}

/// How a row read inside a write transaction is held until the transaction ends (PostgreSQL;
/// SQLite runs one writer at a time and needs no row locks).
///
/// Locks are always taken parents first — company, then tender, then match, then collaboration;
/// consultant and skill before the rows that point at them — so that two writers never wait on
/// each other in opposite orders.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lock {
    /// `FOR UPDATE`: the row this transaction changes or decides on. Concurrent writers of the
    /// same row wait, then see the winner's result (exactly one transition wins).
    Update,
    /// `FOR KEY SHARE`: a parent that must neither vanish nor be changed by a transition
    /// (which takes `FOR UPDATE`) while this transaction writes rows that point at it.
    Parent,
    /// `FOR NO KEY UPDATE`: a row standing for a group of changes that must run one at a time
    /// (the tenant, for user administration) without blocking inserts that point at it.
    Serialize,
}

/// The row `id` within a scoped select, locked until the transaction ends; `NOT_FOUND` naming
/// `what` otherwise.
pub async fn lock_in_scope<E: EntityTrait>(
    conn: &impl ConnectionTrait,
    select: Select<E>,
    id_col: E::Column,
    id: Uuid,
    what: &'static str,
    lock: Lock,
) -> Result<E::Model, AppError> {
    let lock = match lock {
        Lock::Update => LockType::Update,
        Lock::Parent => LockType::KeyShare,
        Lock::Serialize => LockType::NoKeyUpdate,
    };
    find_in_scope(conn, select.lock(lock), id_col, id, what).await
}

/// Every row of a scoped select, held as parents (`FOR KEY SHARE`) until the transaction ends.
pub async fn lock_parents<E: EntityTrait>(
    conn: &impl ConnectionTrait,
    select: Select<E>,
) -> Result<Vec<E::Model>, AppError> {
    Ok(select.lock(LockType::KeyShare).all(conn).await?)
}

/// Every row of a scoped select, locked `FOR UPDATE` in the order of `id_col` (so that two
/// transactions locking overlapping sets take them in the same order).
pub async fn lock_all<E: EntityTrait>(
    conn: &impl ConnectionTrait,
    select: Select<E>,
    id_col: E::Column,
) -> Result<Vec<E::Model>, AppError> {
    use sea_orm::QueryOrder as _;
    Ok(select
        .order_by_asc(id_col)
        .lock(LockType::Update)
        .all(conn)
        .await?)
}

#[derive(Debug, FromQueryResult)]
struct ParentCount {
    parent: Uuid,
    n: i64,
}

/// Rows of `select` per parent, in one `GROUP BY` statement (the `totalCount` of batched pages).
pub async fn count_per_parent<E: EntityTrait>(
    conn: &impl ConnectionTrait,
    select: Select<E>,
    parent: E::Column,
    id_col: E::Column,
) -> Result<HashMap<Uuid, u64>, DbErr> {
    let counts = select
        .select_only()
        .column_as(parent, "parent")
        .column_as(id_col.count(), "n")
        .group_by(parent)
        .into_model::<ParentCount>()
        .all(conn)
        .await?;
    Ok(counts
        .into_iter()
        .map(|c| (c.parent, u64::try_from(c.n).unwrap_or(0)))
        .collect())
}

/// Rows of `select` per value of the enum `column`, in one `GROUP BY` statement (the figures
/// of a dashboard: tenders by status, …): every value in declaration order, zeros included.
pub async fn count_by<E, V>(
    conn: &impl ConnectionTrait,
    select: Select<E>,
    column: E::Column,
    id_col: E::Column,
) -> Result<Vec<(V, u64)>, DbErr>
where
    E: EntityTrait,
    V: sea_orm::TryGetable + sea_orm::Iterable + Eq + std::hash::Hash + Copy,
{
    let counts: HashMap<V, i64> = select
        .select_only()
        .column(column)
        .column_as(id_col.count(), "n")
        .group_by(column)
        .into_tuple::<(V, i64)>()
        .all(conn)
        .await?
        .into_iter()
        .collect();
    Ok(V::iter()
        .map(|v| {
            let n = counts.get(&v).copied().unwrap_or(0);
            (v, u64::try_from(n).unwrap_or(0))
        })
        .collect())
}
