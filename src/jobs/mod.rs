//! The durable job queue (DESIGN §10): jobs are rows written in the transaction that decided
//! them (a unit of work enqueues a workflow run with the event that triggers it), claimed by
//! workers under a lease (`FOR UPDATE SKIP LOCKED` on PostgreSQL), retried with exponential
//! backoff and jitter, `DEAD` after their last attempt and retryable from there. Jobs that share
//! a queue run one at a time, in order (graphile-worker's named queues); an idempotency key
//! enqueues a job once however many instances try (cron ticks).
//!
//! Plumbing: it names no domain. A domain registers a [`Handler`] per job kind it runs; the
//! composition root lists them (`schema::JOB_HANDLERS`).

pub mod backoff;
pub mod queue;
pub mod worker;

use std::time::Duration;

use chrono::{DateTime, Utc};
use futures_util::future::BoxFuture;
use sea_orm::DatabaseConnection;
use serde::Serialize;
use uuid::Uuid;

use crate::error::{AppError, Result};

pub use entity::JobState;
pub use entity::job::Model as Job;
pub use queue::{enqueue, fence};
pub use worker::Workers;

/// The PostgreSQL channel enqueuers notify and workers listen on (payload unused).
pub const CHANNEL: &str = "talentgraph_jobs";

/// A job to enqueue; see [`enqueue`].
#[derive(Debug, Clone)]
pub struct NewJob {
    pub kind: &'static str,
    pub tenant_id: Option<Uuid>,
    pub payload: String,
    pub queue: Option<String>,
    pub position: i64,
    pub idempotency_key: Option<String>,
    pub run_at: Option<DateTime<Utc>>,
    pub max_attempts: i32,
}

impl NewJob {
    /// Attempts of a job whose handler sets no bound of its own.
    pub const DEFAULT_MAX_ATTEMPTS: i32 = 5;

    /// A job of `kind` (a registered handler's) with `payload` as JSON, due now.
    pub fn new(kind: &'static str, payload: &impl Serialize) -> Result<Self> {
        let payload = serde_json::to_string(payload)
            .map_err(|err| AppError::internal(format!("job payload does not serialise: {err}")))?;
        Ok(NewJob {
            kind,
            tenant_id: None,
            payload,
            queue: None,
            position: 0,
            idempotency_key: None,
            run_at: None,
            max_attempts: Self::DEFAULT_MAX_ATTEMPTS,
        })
    }

    /// The organisation the job works for (its jobs go when it does).
    pub fn tenant(mut self, tenant_id: Uuid) -> Self {
        self.tenant_id = Some(tenant_id);
        self
    }

    /// Runs after every job of `queue` with a lower `position` has finished, never beside one.
    pub fn in_queue(mut self, queue: impl Into<String>, position: i64) -> Self {
        self.queue = Some(queue.into());
        self.position = position;
        self
    }

    /// Enqueued once: a second job with the same key is not (see [`enqueue`]).
    pub fn idempotency_key(mut self, key: impl Into<String>) -> Self {
        self.idempotency_key = Some(key.into());
        self
    }

    /// Not claimed before `at`.
    pub fn run_at(mut self, at: DateTime<Utc>) -> Self {
        self.run_at = Some(at);
        self
    }

    pub fn max_attempts(mut self, attempts: i32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }
}

/// How a handler's attempt ended.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// Finished: the job is `SUCCEEDED`.
    Done,
    /// Failed; try again after `delay` (the handler's own retry policy). Past the job's
    /// `max_attempts` it is `DEAD` instead.
    Retry { error: String, delay: Duration },
    /// Failed for good: `DEAD` with `error`, whatever attempts remain.
    Dead { error: String },
    /// Stopped on purpose (its run was cancelled).
    Cancelled,
}

/// The attempt a handler runs: the job as claimed, and the lease it must prove it still holds
/// ([`fence`]) in the transaction of its effects.
pub struct Attempt {
    pub job: Job,
    /// The worker holding the job.
    pub worker: String,
    pub lease: Duration,
}

impl Attempt {
    /// Renews the lease inside `db`'s transaction, failing when it was lost: the effects
    /// written in that transaction then roll back instead of being done twice.
    pub async fn fence(&self, db: &impl sea_orm::ConnectionTrait) -> Result<()> {
        fence(db, self.job.id, &self.worker, self.lease).await
    }
}

/// Runs one attempt of a job with the host's state `H`. An `Err` is retried under the default
/// policy (exponential backoff from [`backoff::DEFAULT_INITIAL`], up to the job's
/// `max_attempts`).
pub type Run<H> = for<'a> fn(&'a H, &'a Attempt) -> BoxFuture<'a, Result<Outcome>>;

/// Told that a job died outside its handler (its lease expired on its last attempt: the worker
/// was killed or stalled; or its last attempt ended in an error), so that the domain can record
/// the failure where users look.
pub type OnDead<H> = for<'a> fn(&'a H, &'a Job, &'a str) -> BoxFuture<'a, Result<()>>;

/// A job kind and what runs it.
pub struct Handler<H> {
    pub kind: &'static str,
    pub run: Run<H>,
    pub on_dead: Option<OnDead<H>>,
}

/// What workers run in: the server's shared state gives them its writer, its registered
/// handlers and its wake-up signal (the queue itself names no state of the server's).
pub trait Host: Clone + Send + Sync + 'static {
    fn writer(&self) -> &DatabaseConnection;
    fn handlers(&self) -> &'static [Handler<Self>];
    fn wake(&self) -> &Wake;
    fn database_url(&self) -> &str;
    /// An attempt at a job of `kind` ended with `outcome` (for metrics).
    fn job_finished(&self, _kind: &str, _outcome: &str) {}
}

/// Wakes this instance's idle workers when a job was enqueued here (other instances hear the
/// PostgreSQL notification).
#[derive(Clone, Default)]
pub struct Wake(std::sync::Arc<tokio::sync::Notify>);

impl Wake {
    pub fn notify(&self) {
        self.0.notify_waiters();
    }

    pub fn notified(&self) -> tokio::sync::futures::Notified<'_> {
        self.0.notified()
    }
}
