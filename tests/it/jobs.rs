//! The durable job queue on a real database: claims by concurrent worker pools (each job once),
//! leases taken back from a worker that died, backoff to `DEAD`, per-queue order, idempotency
//! keys and graceful shutdown. The handlers here are the tests' own; the workflow runs that the
//! product queues are tested in `automation.rs`.

use std::collections::{HashMap, HashSet};
use std::sync::{LazyLock, Mutex};
use std::time::{Duration, Instant};

use futures_util::future::BoxFuture;
use sea_orm::EntityTrait as _;
use talentgraph::config::Config;
use talentgraph::error::Result;
use talentgraph::jobs::{self, Attempt, Handler, JobState, NewJob, Outcome, Workers, queue};
use talentgraph::state::AppState;
use uuid::Uuid;

use crate::helpers::database::TestDatabase;
use crate::helpers::{config_args, master_key};

/// Attempts per job id, and their start times.
static ATTEMPTS: LazyLock<Mutex<HashMap<Uuid, Vec<Instant>>>> = LazyLock::new(Default::default);

fn note(attempt: &Attempt) {
    ATTEMPTS
        .lock()
        .expect("attempts")
        .entry(attempt.job.id)
        .or_default()
        .push(Instant::now());
}

fn attempts_of(id: Uuid) -> Vec<Instant> {
    ATTEMPTS
        .lock()
        .expect("attempts")
        .get(&id)
        .cloned()
        .unwrap_or_default()
}

fn count<'a>(_: &'a AppState, attempt: &'a Attempt) -> BoxFuture<'a, Result<Outcome>> {
    Box::pin(async move {
        note(attempt);
        Ok(Outcome::Done)
    })
}

fn fail<'a>(_: &'a AppState, attempt: &'a Attempt) -> BoxFuture<'a, Result<Outcome>> {
    Box::pin(async move {
        note(attempt);
        let retry = u32::try_from(attempt.job.attempts).unwrap_or(1);
        Ok(Outcome::Retry {
            error: "the receiver answered 500".to_owned(),
            delay: jobs::backoff::delay(Duration::from_millis(200), retry),
        })
    })
}

/// Hangs on its first attempt (a worker that will be killed), succeeds on the next.
fn hang_once<'a>(_: &'a AppState, attempt: &'a Attempt) -> BoxFuture<'a, Result<Outcome>> {
    Box::pin(async move {
        note(attempt);
        if attempt.job.attempts == 1 {
            std::future::pending::<()>().await;
        }
        Ok(Outcome::Done)
    })
}

fn slow<'a>(_: &'a AppState, attempt: &'a Attempt) -> BoxFuture<'a, Result<Outcome>> {
    Box::pin(async move {
        note(attempt);
        tokio::time::sleep(Duration::from_millis(300)).await;
        Ok(Outcome::Done)
    })
}

/// Queue name → positions in the order they started; and the jobs running per queue.
static ORDER: LazyLock<Mutex<HashMap<String, Vec<i64>>>> = LazyLock::new(Default::default);
static RUNNING: LazyLock<Mutex<Running>> = LazyLock::new(Default::default);

#[derive(Default)]
struct Running {
    queues: HashSet<String>,
    now: usize,
    most: usize,
    overlapped: bool,
}

fn ordered<'a>(_: &'a AppState, attempt: &'a Attempt) -> BoxFuture<'a, Result<Outcome>> {
    Box::pin(async move {
        let queue = attempt.job.queue.clone().unwrap_or_default();
        {
            let mut running = RUNNING.lock().expect("running");
            // Two jobs of one queue at once would break its order.
            if !running.queues.insert(queue.clone()) {
                running.overlapped = true;
            }
            running.now += 1;
            running.most = running.most.max(running.now);
        }
        ORDER
            .lock()
            .expect("order")
            .entry(queue.clone())
            .or_default()
            .push(attempt.job.position);
        tokio::time::sleep(Duration::from_millis(15)).await;
        let mut running = RUNNING.lock().expect("running");
        running.queues.remove(&queue);
        running.now -= 1;
        Ok(Outcome::Done)
    })
}

static HANDLERS: &[Handler<AppState>] = &[
    Handler {
        kind: "test.count",
        run: count,
        on_dead: None,
    },
    Handler {
        kind: "test.fail",
        run: fail,
        on_dead: None,
    },
    Handler {
        kind: "test.hang_once",
        run: hang_once,
        on_dead: None,
    },
    Handler {
        kind: "test.slow",
        run: slow,
        on_dead: None,
    },
    Handler {
        kind: "test.ordered",
        run: ordered,
        on_dead: None,
    },
];

/// A server state (its own connection pool, as another instance's) on `url` with the tests'
/// handlers.
async fn host(url: &str, tweak: impl FnOnce(&mut Config)) -> AppState {
    let mut config =
        Config::from_args(&config_args(url, &master_key("k1", 1)), false).expect("test config");
    config.jobs.poll_interval = Duration::from_millis(100);
    tweak(&mut config);
    let db = talentgraph::db::connect(url, &config.pool)
        .await
        .expect("connect");
    talentgraph::db::migrate(&db).await.expect("migrate");
    AppState::new(db, config)
        .expect("state")
        .with_parts(&[], &[], HANDLERS)
}

fn pool(state: &AppState, workers: usize) -> Workers {
    let mut config = state.config.jobs.clone();
    config.workers = workers;
    Workers::start(state.clone(), config)
}

async fn enqueue(state: &AppState, job: NewJob) -> Uuid {
    jobs::enqueue(state.writer(), job)
        .await
        .expect("enqueue")
        .expect("a new job")
}

fn job(kind: &'static str) -> NewJob {
    NewJob::new(kind, &serde_json::json!({})).expect("job")
}

async fn get(state: &AppState, id: Uuid) -> jobs::Job {
    queue::get(state.writer(), id)
        .await
        .expect("read job")
        .expect("job exists")
}

/// Waits until job `id` is in `state`, or fails after `within`.
async fn wait_for(state: &AppState, id: Uuid, want: JobState, within: Duration) -> jobs::Job {
    let deadline = Instant::now() + within;
    loop {
        let job = get(state, id).await;
        if job.state == want {
            return job;
        }
        assert!(
            Instant::now() < deadline,
            "job {id} is {:?}, not {want:?}, after {within:?}: {job:?}",
            job.state
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn two_instances_run_each_of_500_jobs_exactly_once() {
    let database = TestDatabase::create().await;
    let first = host(&database.url, |_| {}).await;
    let second = host(&database.url, |_| {}).await;
    let mut ids = Vec::new();
    for _ in 0..500 {
        ids.push(enqueue(&first, job("test.count")).await);
    }
    let a = pool(&first, 2);
    let b = pool(&second, 2);
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let pending = ids.iter().filter(|id| attempts_of(**id).is_empty()).count();
        if pending == 0 {
            break;
        }
        assert!(Instant::now() < deadline, "{pending} jobs never ran");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    a.shutdown().await;
    b.shutdown().await;
    for id in &ids {
        assert_eq!(attempts_of(*id).len(), 1, "job {id} ran more than once");
        let job = get(&first, *id).await;
        assert_eq!(job.state, JobState::Succeeded, "{job:?}");
        assert_eq!(job.attempts, 1);
        assert_eq!(job.locked_by, None);
    }
    // Both instances took part (each claims as soon as it is free).
    #[expect(clippy::disallowed_methods, reason = "the test reads every job")]
    let rows = entity::job::Entity::find()
        .all(first.writer())
        .await
        .expect("jobs");
    assert_eq!(rows.len(), 500);
}

#[tokio::test]
async fn a_job_held_by_a_worker_that_died_runs_again_after_its_lease() {
    let database = TestDatabase::create().await;
    let lease = |c: &mut Config| c.jobs.lease = Duration::from_secs(1);
    let doomed = host(&database.url, lease).await;
    let survivor = host(&database.url, lease).await;
    let id = enqueue(&doomed, job("test.hang_once")).await;
    let killed = pool(&doomed, 1);
    let held = wait_for(&doomed, id, JobState::Running, Duration::from_secs(10)).await;
    assert!(held.locked_until.is_some());
    // Killed inside its handler, not between the claim and the call.
    while attempts_of(id).is_empty() {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    // Killed, not stopped: its tasks vanish without giving the job back.
    drop(killed);
    let started = Instant::now();
    let rescuer = pool(&survivor, 1);
    let done = wait_for(&survivor, id, JobState::Succeeded, Duration::from_secs(15)).await;
    rescuer.shutdown().await;
    assert_eq!(done.attempts, 2, "{done:?}");
    assert_eq!(attempts_of(id).len(), 2);
    // Not before the lease ran out.
    let lease_end = held.locked_until.expect("lease");
    assert!(done.updated_at >= lease_end, "{done:?} before {lease_end}");
    assert!(started.elapsed() < Duration::from_secs(15));
}

#[tokio::test]
async fn a_failing_job_backs_off_then_is_dead_with_its_error_and_can_be_retried() {
    let database = TestDatabase::create().await;
    let state = host(&database.url, |c| {
        c.jobs.poll_interval = Duration::from_millis(20)
    })
    .await;
    let id = enqueue(&state, job("test.fail").max_attempts(3)).await;
    let workers = pool(&state, 1);
    let dead = wait_for(&state, id, JobState::Dead, Duration::from_secs(15)).await;
    assert_eq!(dead.attempts, 3);
    assert_eq!(
        dead.last_error.as_deref(),
        Some("the receiver answered 500")
    );
    assert!(dead.finished_at.is_some());
    let times = attempts_of(id);
    assert_eq!(times.len(), 3, "no attempt after the last");
    // Exponential backoff with jitter: the first retry waits 100–200 ms, the second 200–400 ms.
    let first = times[1] - times[0];
    let second = times[2] - times[1];
    assert!(first >= Duration::from_millis(100), "{first:?}");
    assert!(second >= Duration::from_millis(200), "{second:?}");
    // Dead stays dead until retried; retried, it gets a fresh set of attempts.
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(attempts_of(id).len(), 3);
    assert!(queue::requeue(state.writer(), id).await.expect("requeue"));
    let again = wait_for(&state, id, JobState::Dead, Duration::from_secs(15)).await;
    workers.shutdown().await;
    assert_eq!(again.attempts, 3);
    assert_eq!(attempts_of(id).len(), 6);
    assert!(
        !queue::requeue(state.writer(), Uuid::now_v7())
            .await
            .expect("requeue")
    );
}

#[tokio::test]
async fn jobs_of_one_queue_run_one_at_a_time_in_position_order_and_queues_in_parallel() {
    let database = TestDatabase::create().await;
    let first = host(&database.url, |_| {}).await;
    let second = host(&database.url, |_| {}).await;
    let run = Uuid::now_v7().simple().to_string();
    let queues = [format!("{run}:a"), format!("{run}:b"), format!("{run}:c")];
    let mut ids = Vec::new();
    // Enqueued in the reverse of their positions: the position decides, not the insertion.
    for position in (1..=12).rev() {
        for queue in &queues {
            ids.push(
                enqueue(
                    &first,
                    job("test.ordered").in_queue(queue.clone(), position),
                )
                .await,
            );
        }
    }
    let a = pool(&first, 2);
    let b = pool(&second, 2);
    for id in &ids {
        wait_for(&first, *id, JobState::Succeeded, Duration::from_secs(30)).await;
    }
    a.shutdown().await;
    b.shutdown().await;
    let order = ORDER.lock().expect("order").clone();
    for queue in &queues {
        assert_eq!(order[queue], (1..=12).collect::<Vec<_>>(), "queue {queue}");
    }
    let running = RUNNING.lock().expect("running");
    assert!(!running.overlapped, "two jobs of one queue ran at once");
    assert!(running.most >= 2, "queues never ran side by side");
}

#[tokio::test]
async fn an_idempotency_key_enqueues_a_job_once() {
    let database = TestDatabase::create().await;
    let state = host(&database.url, |_| {}).await;
    let key = format!("tick:{}", Uuid::now_v7());
    let first = jobs::enqueue(state.writer(), job("test.count").idempotency_key(&key))
        .await
        .expect("enqueue");
    let second = jobs::enqueue(state.writer(), job("test.count").idempotency_key(&key))
        .await
        .expect("enqueue again");
    assert!(first.is_some());
    assert_eq!(second, None);
}

#[tokio::test]
async fn stopping_finishes_the_attempt_in_hand_or_gives_it_back() {
    let database = TestDatabase::create().await;
    // Grace enough: the slow job finishes during shutdown.
    let state = host(&database.url, |_| {}).await;
    let id = enqueue(&state, job("test.slow")).await;
    let workers = pool(&state, 1);
    wait_for(&state, id, JobState::Running, Duration::from_secs(10)).await;
    workers.shutdown().await;
    let finished = get(&state, id).await;
    assert_eq!(finished.state, JobState::Succeeded, "{finished:?}");

    // No grace: a job that does not finish goes back to the queue at once, its attempt
    // uncounted, instead of waiting for its lease.
    let state = host(&database.url, |c| c.jobs.shutdown_grace = Duration::ZERO).await;
    let id = enqueue(&state, job("test.hang_once")).await;
    let workers = pool(&state, 1);
    wait_for(&state, id, JobState::Running, Duration::from_secs(10)).await;
    workers.shutdown().await;
    let released = get(&state, id).await;
    assert_eq!(released.state, JobState::Queued, "{released:?}");
    assert_eq!(released.attempts, 0);
    assert_eq!(released.locked_by, None);
}
