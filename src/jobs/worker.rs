//! Workers: tasks that claim due jobs and run their handlers, renewing the lease while they
//! run; a reaper that takes back jobs whose worker died; on PostgreSQL a listener that wakes
//! idle workers when another instance enqueues. `serve` starts a pool beside the HTTP server,
//! `talentgraph worker` a pool alone.
//!
//! Shutdown is graceful: a worker finishes the attempt it holds (up to the grace period), then
//! gives it back to the queue untouched rather than leaving it to its lease.

use std::panic::AssertUnwindSafe;
use std::time::Duration;

use futures_util::FutureExt as _;
use tokio::sync::watch;
use tokio::task::JoinSet;
use tracing::Instrument as _;

use super::{Attempt, Handler, Host, Job, JobState, Outcome, backoff, queue};
use crate::config::JobsConfig;
use crate::error::AppError;

/// A running pool of workers; stop it with [`Workers::shutdown`].
pub struct Workers {
    stop: watch::Sender<bool>,
    tasks: JoinSet<()>,
}

impl Workers {
    /// Starts `config.workers` workers (and, if any, the reaper and the PostgreSQL listener)
    /// over `state`'s writer with its registered handlers.
    pub fn start<H: Host>(state: H, config: JobsConfig) -> Workers {
        let (stop, stopped) = watch::channel(false);
        let mut tasks = JoinSet::new();
        if config.workers > 0 {
            let instance = uuid::Uuid::now_v7().simple().to_string();
            for n in 0..config.workers {
                let worker = Worker {
                    id: format!("{}-{}-{n}", std::process::id(), &instance[20..]),
                    state: state.clone(),
                    config: config.clone(),
                    stopped: stopped.clone(),
                };
                tasks.spawn(worker.run());
            }
            tasks.spawn(reaper(state.clone(), config.clone(), stopped.clone()));
            if crate::config::is_postgres(state.database_url()) {
                tasks.spawn(listen(state.clone(), stopped.clone()));
            }
        }
        Workers { stop, tasks }
    }

    /// Stops claiming, lets each worker finish (or give back) what it holds, and waits.
    pub async fn shutdown(mut self) {
        let _ = self.stop.send(true);
        while self.tasks.join_next().await.is_some() {}
    }
}

struct Worker<H> {
    id: String,
    state: H,
    config: JobsConfig,
    stopped: watch::Receiver<bool>,
}

impl<H: Host> Worker<H> {
    async fn run(mut self) {
        tracing::debug!(worker = %self.id, "job worker started");
        // The job last finished, recorded SUCCEEDED with the next claim.
        let mut succeeded: Option<Job> = None;
        while !*self.stopped.borrow() {
            let wake = self.state.wake().clone();
            let notified = wake.notified();
            tokio::pin!(notified);
            // Registered before looking, so that a job enqueued meanwhile is not slept through.
            notified.as_mut().enable();
            let done = succeeded.as_ref().map(|job| job.id);
            let claimed =
                queue::claim(self.state.writer(), &self.id, self.config.lease, 1, done).await;
            if claimed.is_ok() {
                succeeded = None;
            }
            match claimed {
                Ok(jobs) if !jobs.is_empty() => {
                    for job in jobs {
                        succeeded = self.execute(job).await;
                    }
                }
                Ok(_) => {
                    tokio::select! {
                        () = notified => {}
                        () = tokio::time::sleep(self.config.poll_interval) => {}
                        _ = self.stopped.changed() => {}
                    }
                }
                Err(err) => {
                    err.log_if_internal();
                    tokio::select! {
                        () = tokio::time::sleep(self.config.poll_interval) => {}
                        _ = self.stopped.changed() => {}
                    }
                }
            }
        }
        if let Some(job) = succeeded {
            // Counted when it ended; only its row is left to write.
            if let Err(err) = queue::finish(
                self.state.writer(),
                &job,
                &self.id,
                JobState::Succeeded,
                None,
            )
            .await
            {
                err.log_if_internal();
            }
        }
        tracing::debug!(worker = %self.id, "job worker stopped");
    }

    /// Runs one attempt of `job` and records how it ended; a success is left to the next claim
    /// to record (returned).
    async fn execute(&self, job: Job) -> Option<Job> {
        let Some(handler) = self.state.handlers().iter().find(|h| h.kind == job.kind) else {
            let error = format!("no handler for jobs of kind `{}`", job.kind);
            tracing::error!(job = %job.id, "{error}");
            self.record(&job, None, Err(AppError::internal(error)))
                .await;
            return None;
        };
        let attempt = Attempt {
            job,
            worker: self.id.clone(),
            lease: self.config.lease,
        };
        let job = &attempt.job;
        let span =
            tracing::info_span!("job", job = %job.id, kind = %job.kind, attempt = job.attempts);
        let run = AssertUnwindSafe((handler.run)(&self.state, &attempt))
            .catch_unwind()
            .instrument(span);
        let heartbeat = async {
            loop {
                tokio::time::sleep(self.config.lease / 3).await;
                match queue::fence(self.state.writer(), job.id, &self.id, self.config.lease).await {
                    Ok(()) => {}
                    // Another worker has the job now: this attempt stops here (its effects
                    // since its last step roll back with it).
                    Err(AppError::Internal(source)) if source.is::<queue::LeaseLost>() => {
                        tracing::warn!(job = %job.id, "lease lost: the attempt is abandoned");
                        break;
                    }
                    Err(err) => err.log_if_internal(),
                }
            }
        };
        let mut stopped = self.stopped.clone();
        let grace = self.config.shutdown_grace;
        let deadline = async move {
            let _ = stopped.wait_for(|stop| *stop).await;
            tokio::time::sleep(grace).await;
        };
        let result = tokio::select! {
            result = run => result.unwrap_or_else(|_| {
                Err(AppError::internal("the job's handler panicked"))
            }),
            () = heartbeat => return None,
            () = deadline => {
                tracing::warn!("stopping: the attempt did not finish in time and goes back to the queue");
                if let Err(err) = queue::release(self.state.writer(), job, &self.id).await {
                    err.log_if_internal();
                }
                return None;
            }
        };
        if matches!(result, Ok(Outcome::Done)) {
            self.state.job_finished(&attempt.job.kind, "succeeded");
            return Some(attempt.job);
        }
        self.record(job, Some(handler), result).await;
        None
    }

    /// Writes the attempt's end to the job's row; tells the handler when the job died of an
    /// error it did not handle.
    async fn record(
        &self,
        job: &Job,
        handler: Option<&Handler<H>>,
        result: crate::error::Result<Outcome>,
    ) {
        let db = self.state.writer();
        let last = job.attempts >= job.max_attempts;
        let outcome = match &result {
            Ok(Outcome::Done) => "succeeded",
            Ok(Outcome::Cancelled) => "cancelled",
            Ok(Outcome::Dead { .. }) => "dead",
            Ok(Outcome::Retry { .. }) if last => "dead",
            Ok(Outcome::Retry { .. }) => "retry",
            Err(_) if last => "dead",
            Err(_) => "error",
        };
        self.state.job_finished(&job.kind, outcome);
        let mut died = None;
        let written = match result {
            Ok(Outcome::Done) => queue::finish(db, job, &self.id, JobState::Succeeded, None).await,
            Ok(Outcome::Cancelled) => {
                queue::finish(db, job, &self.id, JobState::Cancelled, None).await
            }
            // Whoever declared it dead, its handler hears of it (a no-op for one that already
            // recorded the failure where users look).
            Ok(Outcome::Dead { error }) => {
                died = Some(error.clone());
                queue::finish(db, job, &self.id, JobState::Dead, Some(&error)).await
            }
            Ok(Outcome::Retry { error, .. }) if last => {
                died = Some(error.clone());
                queue::finish(db, job, &self.id, JobState::Dead, Some(&error)).await
            }
            Ok(Outcome::Retry { error, delay }) => {
                queue::retry_later(db, job, &self.id, delay, &error).await
            }
            Err(err) => {
                err.log_if_internal();
                let error = describe(&err);
                if last {
                    died = Some(error.clone());
                    queue::finish(db, job, &self.id, JobState::Dead, Some(&error)).await
                } else {
                    let retry = u32::try_from(job.attempts).unwrap_or(1);
                    let delay = backoff::delay(backoff::DEFAULT_INITIAL, retry);
                    queue::retry_later(db, job, &self.id, delay, &error).await
                }
            }
        };
        match written {
            Ok(true) => {}
            Ok(false) => {
                tracing::warn!(job = %job.id, "the job's lease was lost before its end was recorded")
            }
            Err(err) => err.log_if_internal(),
        }
        if let (Some(error), Some(on_dead)) = (died, handler.and_then(|h| h.on_dead))
            && let Err(err) = on_dead(&self.state, job, &error).await
        {
            err.log_if_internal();
        }
    }
}

/// What to store as a job's last error: the message users may read, or an internal error's
/// source (the job's row is read by operators and handlers, not by clients).
fn describe(err: &AppError) -> String {
    match err {
        AppError::Internal(source) => source.to_string(),
        other => other.to_string(),
    }
}

/// Takes back jobs whose lease expired, every half lease, and tells the handlers of those that
/// died so.
async fn reaper<H: Host>(state: H, config: JobsConfig, mut stopped: watch::Receiver<bool>) {
    let every = (config.lease / 2).clamp(Duration::from_millis(200), Duration::from_secs(15));
    while !*stopped.borrow() {
        match queue::reap(state.writer()).await {
            Ok(dead) => {
                for job in dead {
                    tracing::warn!(job = %job.id, kind = %job.kind, "job died: its worker stopped on its last attempt");
                    let on_dead = state
                        .handlers()
                        .iter()
                        .find(|h| h.kind == job.kind)
                        .and_then(|h| h.on_dead);
                    if let Some(on_dead) = on_dead {
                        let error = job.last_error.clone().unwrap_or_default();
                        if let Err(err) = on_dead(&state, &job, &error).await {
                            err.log_if_internal();
                        }
                    }
                }
            }
            Err(err) => err.log_if_internal(),
        }
        tokio::select! {
            () = tokio::time::sleep(every) => {}
            _ = stopped.changed() => {}
        }
    }
}

/// Wakes this instance's workers when any instance enqueues (PostgreSQL `LISTEN`), until
/// stopped; re-connects after a loss.
async fn listen<H: Host>(state: H, mut stopped: watch::Receiver<bool>) {
    let url = state.database_url().to_owned();
    while !*stopped.borrow() {
        let connected = listen_once(&state, &url);
        tokio::select! {
            result = connected => {
                if let Err(err) = result {
                    tracing::warn!(error = %err, "job listener lost PostgreSQL");
                }
            }
            _ = stopped.changed() => return,
        }
        tokio::select! {
            () = tokio::time::sleep(Duration::from_secs(1)) => {}
            _ = stopped.changed() => return,
        }
    }
}

/// One connection's worth of [`listen`]: ends with the error that lost it.
async fn listen_once<H: Host>(state: &H, url: &str) -> Result<(), sqlx::Error> {
    let mut listener = sqlx::postgres::PgListener::connect(url).await?;
    listener.listen(super::CHANNEL).await?;
    // Whatever was enqueued while not listening.
    state.wake().notify();
    loop {
        listener.recv().await?;
        state.wake().notify();
    }
}
