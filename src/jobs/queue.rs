//! The queue's statements: enqueue, claim, renew, finish, release, reap, requeue and prune.
//!
//! Every statement that changes a claimed job names its holder (`locked_by`) and state, so a
//! worker that lost its lease (stalled past it, and another worker took the job) changes
//! nothing. The same SQL runs on both databases; PostgreSQL adds `FOR UPDATE SKIP LOCKED` to the
//! claim so that concurrent workers pass over each other's rows instead of waiting on them.
//! SQLite has one writer, so its claims are serialised anyway.

use std::time::Duration;

use chrono::{DateTime, Utc};
use entity::job;
use sea_orm::{
    ActiveValue::Set, ConnectionTrait, DatabaseBackend, EntityTrait, FromQueryResult, Statement,
    TryInsertResult, Value,
};
use uuid::Uuid;

use super::{Job, JobState, NewJob};
use crate::error::{AppError, Result};

/// How long a worker's hold on a job lasts without renewal.
fn until(now: DateTime<Utc>, lease: Duration) -> DateTime<Utc> {
    now + chrono::Duration::from_std(lease).unwrap_or(chrono::Duration::seconds(30))
}

fn statement(db: &impl ConnectionTrait, sql: &str, values: Vec<Value>) -> Statement {
    Statement::from_sql_and_values(db.get_database_backend(), sql, values)
}

/// Writes `job` (in the caller's transaction: it exists when that commits, and never if it
/// rolls back). Returns its id, or `None` when a job with its idempotency key exists already
/// (on PostgreSQL, a concurrent enqueuer's uncommitted key makes this one wait for its outcome).
/// The caller wakes the workers after commit (a unit of work does).
pub async fn enqueue(db: &impl ConnectionTrait, job: NewJob) -> Result<Option<Uuid>> {
    let now = Utc::now();
    let id = Uuid::now_v7();
    let row = job::ActiveModel {
        id: Set(id),
        tenant_id: Set(job.tenant_id),
        kind: Set(job.kind.to_owned()),
        payload: Set(job.payload),
        queue: Set(job.queue),
        position: Set(job.position),
        idempotency_key: Set(job.idempotency_key),
        state: Set(JobState::Queued),
        attempts: Set(0),
        max_attempts: Set(job.max_attempts),
        run_at: Set(job.run_at.unwrap_or(now)),
        locked_by: Set(None),
        locked_until: Set(None),
        last_error: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        finished_at: Set(None),
    };
    let inserted = job::Entity::insert(row)
        .on_conflict_do_nothing_on([job::Column::IdempotencyKey])
        .exec(db)
        .await?;
    if db.get_database_backend() == DatabaseBackend::Postgres {
        db.execute_raw(statement(
            db,
            "SELECT pg_notify($1, '')",
            vec![super::CHANNEL.into()],
        ))
        .await?;
    }
    Ok(match inserted {
        TryInsertResult::Inserted(_) => Some(id),
        TryInsertResult::Empty | TryInsertResult::Conflicted => None,
    })
}

/// Claims up to `limit` due jobs for `worker` until `now + lease`: the oldest due first, and of
/// a queue only its head (no unfinished job before it). `succeeded`, a job the worker just
/// finished, is recorded SUCCEEDED by the same statement (on PostgreSQL; SQLite runs a second
/// one): one round trip and one commit per job instead of two.
pub async fn claim(
    db: &impl ConnectionTrait,
    worker: &str,
    lease: Duration,
    limit: u64,
    succeeded: Option<Uuid>,
) -> Result<Vec<Job>> {
    let now = Utc::now();
    let due = "SELECT j.id FROM job j \
           WHERE j.state = 'QUEUED' AND j.run_at <= $3 \
             AND (j.queue IS NULL OR NOT EXISTS ( \
               SELECT 1 FROM job k WHERE k.queue = j.queue \
                 AND k.state IN ('QUEUED', 'RUNNING') \
                 AND (k.position < j.position OR (k.position = j.position AND k.id < j.id)))) \
           ORDER BY j.run_at, j.id LIMIT $4";
    let set = "state = 'RUNNING', attempts = attempts + 1, locked_by = $1, locked_until = $2, \
           updated_at = $3";
    let sql = match db.get_database_backend() {
        // The due rows are picked (and locked, passing over those another worker holds) first,
        // then updated by primary key: the planner never joins the whole queue.
        DatabaseBackend::Postgres => format!(
            "WITH done AS ( \
               UPDATE job SET state = 'SUCCEEDED', locked_by = NULL, locked_until = NULL, \
                 updated_at = $3, finished_at = $3 \
               WHERE id = $5 AND locked_by = $1 AND state = 'RUNNING' RETURNING id), \
             next AS ({due} FOR UPDATE SKIP LOCKED) \
             UPDATE job SET {set} FROM next WHERE job.id = next.id RETURNING job.*"
        ),
        _ => {
            if let Some(id) = succeeded {
                finish_by_id(db, id, worker, JobState::Succeeded, None).await?;
            }
            format!("UPDATE job SET {set} WHERE state = 'QUEUED' AND id IN ({due}) RETURNING *")
        }
    };
    let limit = i64::try_from(limit).unwrap_or(1);
    let mut values = vec![
        worker.into(),
        until(now, lease).into(),
        now.into(),
        limit.into(),
    ];
    if db.get_database_backend() == DatabaseBackend::Postgres {
        values.push(succeeded.into());
    }
    let jobs = Job::find_by_statement(statement(db, &sql, values))
        .all(db)
        .await?;
    Ok(jobs)
}

/// Extends `worker`'s lease on job `id`; `LeaseLost` when it no longer holds it. Called by the
/// worker as a heartbeat, and by a handler inside the transaction of a step's effects, so that
/// the effects of a worker that lost the job are rolled back rather than done twice.
pub async fn fence(
    db: &impl ConnectionTrait,
    id: Uuid,
    worker: &str,
    lease: Duration,
) -> Result<()> {
    let now = Utc::now();
    let done = db
        .execute_raw(statement(
            db,
            "UPDATE job SET locked_until = $1 WHERE id = $2 AND locked_by = $3 AND state = 'RUNNING'",
            vec![until(now, lease).into(), id.into(), worker.into()],
        ))
        .await?;
    if done.rows_affected() == 0 {
        return Err(AppError::internal(LeaseLost(id)));
    }
    Ok(())
}

/// The worker no longer holds the job: another worker took it after the lease expired.
#[derive(Debug, thiserror::Error)]
#[error("the lease on job {0} was lost to another worker")]
pub struct LeaseLost(pub Uuid);

/// Records `worker`'s attempt at `job` as finished in `state`, with `error`; `false` when the
/// worker no longer held it.
pub async fn finish(
    db: &impl ConnectionTrait,
    job: &Job,
    worker: &str,
    state: JobState,
    error: Option<&str>,
) -> Result<bool> {
    finish_by_id(db, job.id, worker, state, error).await
}

async fn finish_by_id(
    db: &impl ConnectionTrait,
    id: Uuid,
    worker: &str,
    state: JobState,
    error: Option<&str>,
) -> Result<bool> {
    let now = Utc::now();
    let done = db
        .execute_raw(statement(
            db,
            "UPDATE job SET state = $1, locked_by = NULL, locked_until = NULL, \
               last_error = COALESCE($2, last_error), updated_at = $3, finished_at = $3 \
             WHERE id = $4 AND locked_by = $5 AND state = 'RUNNING'",
            vec![
                state.as_str().into(),
                error.map(str::to_owned).into(),
                now.into(),
                id.into(),
                worker.into(),
            ],
        ))
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Puts `worker`'s job back in the queue, due after `delay`, with `error` as its last error.
pub async fn retry_later(
    db: &impl ConnectionTrait,
    job: &Job,
    worker: &str,
    delay: Duration,
    error: &str,
) -> Result<bool> {
    let now = Utc::now();
    let run_at = now + chrono::Duration::from_std(delay).unwrap_or(chrono::Duration::hours(6));
    let done = db
        .execute_raw(statement(
            db,
            "UPDATE job SET state = 'QUEUED', locked_by = NULL, locked_until = NULL, \
               last_error = $1, run_at = $2, updated_at = $3 \
             WHERE id = $4 AND locked_by = $5 AND state = 'RUNNING'",
            vec![
                error.into(),
                run_at.into(),
                now.into(),
                job.id.into(),
                worker.into(),
            ],
        ))
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Gives a job back untouched (a worker stopping before it could finish it): due now, and the
/// attempt it was claimed for not counted.
pub async fn release(db: &impl ConnectionTrait, job: &Job, worker: &str) -> Result<bool> {
    let now = Utc::now();
    let done = db
        .execute_raw(statement(
            db,
            "UPDATE job SET state = 'QUEUED', locked_by = NULL, locked_until = NULL, \
               attempts = attempts - 1, run_at = $1, updated_at = $1 \
             WHERE id = $2 AND locked_by = $3 AND state = 'RUNNING'",
            vec![now.into(), job.id.into(), worker.into()],
        ))
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Takes back the jobs whose lease expired (their worker was killed or stalled): those with
/// attempts left are due again at once; those on their last attempt are returned, to be
/// declared `DEAD` by the caller (who tells their handler).
pub async fn reap(db: &impl ConnectionTrait) -> Result<Vec<Job>> {
    let now = Utc::now();
    db.execute_raw(statement(
        db,
        "UPDATE job SET state = 'QUEUED', locked_by = NULL, locked_until = NULL, run_at = $1, \
           updated_at = $1, last_error = 'the worker holding it stopped (lease expired)' \
         WHERE state = 'RUNNING' AND locked_until < $1 AND attempts < max_attempts",
        vec![now.into()],
    ))
    .await?;
    let dead = Job::find_by_statement(statement(
        db,
        "UPDATE job SET state = 'DEAD', locked_by = NULL, locked_until = NULL, updated_at = $1, \
           finished_at = $1, \
           last_error = 'the worker holding its last attempt stopped (lease expired)' \
         WHERE state = 'RUNNING' AND locked_until < $1 AND attempts >= max_attempts \
         RETURNING *",
        vec![now.into()],
    ))
    .all(db)
    .await?;
    Ok(dead)
}

/// Puts a finished job (`DEAD`, `CANCELLED` or `SUCCEEDED`) back in the queue, due now, with a
/// fresh count of attempts; `false` when it is queued or running.
pub async fn requeue(db: &impl ConnectionTrait, id: Uuid) -> Result<bool> {
    let now = Utc::now();
    let done = db
        .execute_raw(statement(
            db,
            "UPDATE job SET state = 'QUEUED', attempts = 0, run_at = $1, updated_at = $1, \
               finished_at = NULL \
             WHERE id = $2 AND state IN ('DEAD', 'CANCELLED', 'SUCCEEDED')",
            vec![now.into(), id.into()],
        ))
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Cancels a job that no worker holds yet; `false` when it is not `QUEUED` (a running job is
/// stopped by its handler, which sees its own row cancelled).
pub async fn cancel(db: &impl ConnectionTrait, id: Uuid) -> Result<bool> {
    let now = Utc::now();
    let done = db
        .execute_raw(statement(
            db,
            "UPDATE job SET state = 'CANCELLED', updated_at = $1, finished_at = $1 \
             WHERE id = $2 AND state = 'QUEUED'",
            vec![now.into(), id.into()],
        ))
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Deletes jobs that succeeded or were cancelled before `finished_before`, and those that died
/// before `dead_before` (kept longer, for someone to look at); returns how many.
pub async fn prune(
    db: &impl ConnectionTrait,
    finished_before: DateTime<Utc>,
    dead_before: DateTime<Utc>,
) -> Result<u64> {
    let done = db
        .execute_raw(statement(
            db,
            "DELETE FROM job WHERE (state IN ('SUCCEEDED', 'CANCELLED') AND finished_at < $1) \
               OR (state = 'DEAD' AND finished_at < $2)",
            vec![finished_before.into(), dead_before.into()],
        ))
        .await?;
    Ok(done.rows_affected())
}

/// Jobs waiting to run (due or not), for `/metrics`.
pub async fn depth(db: &impl ConnectionTrait) -> Result<i64> {
    let row = db
        .query_one_raw(statement(
            db,
            "SELECT COUNT(*) AS n FROM job WHERE state = 'QUEUED'",
            vec![],
        ))
        .await?;
    Ok(row
        .and_then(|r| r.try_get::<i64>("", "n").ok())
        .unwrap_or(0))
}

/// One job by id, whatever its tenant: for handlers and the queue's own callers, which hold
/// the id from a row of their own tenant.
pub async fn get(db: &impl ConnectionTrait, id: Uuid) -> Result<Option<Job>> {
    #[expect(
        clippy::disallowed_methods,
        reason = "jobs are read by an id the caller took from its own tenant's row"
    )]
    let job = job::Entity::find_by_id(id).one(db).await?;
    Ok(job)
}
