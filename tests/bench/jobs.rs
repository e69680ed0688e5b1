//! The job queue benchmark (issue 9).
//!
//! 1. Throughput: N jobs whose handler does nothing, queued up front, run by a pool of 1 and of
//!    4 workers (in this process, over the real queue on a real database); jobs completed per
//!    second (claim, run, record), from the pool's start to the last job's SUCCEEDED.
//!    Target: at least 2,000/s on PostgreSQL with 4 workers.
//! 2. Latency: the real server binary (its default 2 workers), a workflow on TENDER_CREATED
//!    with one SEND_EMAIL step, and tenders created one at a time over HTTP; for each run, the
//!    time from its queueing (inside the transaction that commits the event) to a worker
//!    starting it (`startedAt - queuedAt`), p50 / p99 / max. Target: p99 under 250 ms.
//!
//! ```text
//! cargo bench --bench jobs                                  # both databases, 5,000 jobs, 200 events
//! cargo bench --bench jobs -- --db postgres --jobs 20000
//! cargo test  --bench jobs                                  # what CI runs: small
//! ```

#[path = "common.rs"]
mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use futures_util::future::BoxFuture;
use sea_orm::{ConnectionTrait as _, Statement, TransactionTrait as _};
use serde_json::{Value, json};
use talentgraph::config::Config;
use talentgraph::error::Result;
use talentgraph::jobs::{self, Attempt, Handler, NewJob, Outcome, Workers};
use talentgraph::state::AppState;

use common::{BenchDatabase, PASSWORD, config_args, fail, free_port, spawn_server};

static DONE: AtomicUsize = AtomicUsize::new(0);

fn noop<'a>(_: &'a AppState, _: &'a Attempt) -> BoxFuture<'a, Result<Outcome>> {
    Box::pin(async {
        DONE.fetch_add(1, Ordering::Relaxed);
        Ok(Outcome::Done)
    })
}

static HANDLERS: &[Handler<AppState>] = &[Handler {
    kind: "bench.noop",
    run: noop,
    on_dead: None,
}];

struct Args {
    jobs: usize,
    events: usize,
    dbs: Vec<&'static str>,
}

fn args() -> Args {
    let argv: Vec<String> = std::env::args().collect();
    let value = |name: &str| {
        argv.iter()
            .position(|a| a == name)
            .and_then(|i| argv.get(i + 1))
            .cloned()
    };
    // `cargo test --bench jobs` runs it small, so that it cannot rot.
    let ci = !argv.iter().any(|a| a == "--bench");
    let dbs = match value("--db").as_deref() {
        Some("sqlite") => vec!["sqlite"],
        Some("postgres") => vec!["postgres"],
        _ => vec!["sqlite", "postgres"],
    };
    Args {
        jobs: value("--jobs")
            .and_then(|v| v.parse().ok())
            .unwrap_or(if ci { 300 } else { 5_000 }),
        events: value("--events")
            .and_then(|v| v.parse().ok())
            .unwrap_or(if ci { 20 } else { 200 }),
        dbs,
    }
}

async fn count_succeeded(state: &AppState) -> i64 {
    let db = state.writer();
    db.query_one_raw(Statement::from_string(
        db.get_database_backend(),
        "SELECT COUNT(*) AS n FROM job WHERE state = 'SUCCEEDED'",
    ))
    .await
    .ok()
    .flatten()
    .and_then(|r| r.try_get::<i64>("", "n").ok())
    .unwrap_or(0)
}

/// Jobs per second with `workers` workers on a fresh database of `kind`.
async fn throughput(kind: &str, jobs: usize, workers: usize) -> f64 {
    let database = BenchDatabase::create(kind).await;
    let mut config = Config::from_args(&config_args(&database.url, "127.0.0.1:0"), false)
        .unwrap_or_else(|e| fail(&e.to_string()));
    config.pool.max_connections = 16;
    let db = talentgraph::db::connect(&database.url, &config.pool)
        .await
        .unwrap_or_else(|e| fail(&e.to_string()));
    talentgraph::db::migrate(&db)
        .await
        .unwrap_or_else(|e| fail(&e.to_string()));
    let state = AppState::new(db, config)
        .unwrap_or_else(|e| fail(&e.to_string()))
        .with_parts(&[], &[], HANDLERS);
    for chunk in 0..jobs.div_ceil(500) {
        let txn = state
            .writer()
            .begin()
            .await
            .unwrap_or_else(|e| fail(&e.to_string()));
        for _ in 0..500.min(jobs - chunk * 500) {
            let job =
                NewJob::new("bench.noop", &json!({})).unwrap_or_else(|e| fail(&e.to_string()));
            jobs::enqueue(&txn, job)
                .await
                .unwrap_or_else(|e| fail(&e.to_string()));
        }
        txn.commit().await.unwrap_or_else(|e| fail(&e.to_string()));
    }
    DONE.store(0, Ordering::SeqCst);
    let mut pool = state.config.jobs.clone();
    pool.workers = workers;
    pool.poll_interval = Duration::from_millis(20);
    let started = Instant::now();
    let running = Workers::start(state.clone(), pool);
    let deadline = started + Duration::from_secs(600);
    loop {
        if DONE.load(Ordering::Relaxed) >= jobs
            && usize::try_from(count_succeeded(&state).await).unwrap_or(0) >= jobs
        {
            break;
        }
        if Instant::now() > deadline {
            fail("the jobs did not finish within 10 minutes");
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let elapsed = started.elapsed().as_secs_f64();
    running.shutdown().await;
    database.drop_it().await;
    jobs as f64 / elapsed
}

async fn gql(
    client: &reqwest::Client,
    base: &str,
    token: Option<&str>,
    query: &str,
    variables: Value,
) -> Value {
    let mut request = client
        .post(format!("{base}/graphql"))
        .json(&json!({ "query": query, "variables": variables }));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let body: Value = request
        .send()
        .await
        .unwrap_or_else(|e| fail(&e.to_string()))
        .json()
        .await
        .unwrap_or_else(|e| fail(&e.to_string()));
    if body.get("errors").is_some() {
        fail(&format!("{query}: {body}"));
    }
    body["data"].clone()
}

/// Milliseconds from each run's queueing to its start, sorted.
async fn latency(kind: &str, events: usize) -> Vec<f64> {
    let database = BenchDatabase::create(kind).await;
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let mut server = spawn_server(&database.url, port, &[]);
    let client = reqwest::Client::new();
    let deadline = Instant::now() + Duration::from_secs(60);
    while client.get(format!("{base}/readyz")).send().await.is_err() {
        if Instant::now() > deadline {
            fail("the server did not start");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let slug = format!("bench-{}", &uuid::Uuid::now_v7().simple().to_string()[20..]);
    let signed = gql(&client, &base, None,
        "mutation($i: SignUpInput!) { signUp(input: $i) { accessToken } }",
        json!({ "i": { "organizationName": "Bench", "slug": slug, "email": format!("admin@{slug}.test"), "password": PASSWORD, "fullName": "Bench Admin" } })).await;
    let token = signed["signUp"]["accessToken"]
        .as_str()
        .unwrap_or_else(|| fail("token"))
        .to_owned();
    let token = Some(token.as_str());
    let workflow = gql(&client, &base, token,
        "mutation($i: CreateWorkflowInput!) { createWorkflow(input: $i) { id } }",
        json!({ "i": { "name": "On tender", "trigger": { "kind": "EVENT", "event": "TENDER_CREATED" },
            "steps": [{ "kind": "SEND_EMAIL", "config": { "to": "ops@bench.test", "subject": "{{ tender.title }}", "body": "new" } }] } })).await;
    let workflow_id = workflow["createWorkflow"]["id"]
        .as_str()
        .unwrap_or_else(|| fail("workflow"))
        .to_owned();
    let company = gql(
        &client,
        &base,
        token,
        "mutation { createCompany(input: { name: \"Acme\" }) { id } }",
        json!({}),
    )
    .await;
    let company_id = company["createCompany"]["id"]
        .as_str()
        .unwrap_or_else(|| fail("company"))
        .to_owned();
    for i in 0..events {
        gql(&client, &base, token,
            "mutation($c: ID!, $t: String!) { createTender(input: { companyId: $c, title: $t }) { id } }",
            json!({ "c": company_id, "t": format!("Tender {i}") })).await;
        // One event at a time, as users make them: latency, not a backlog.
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let deadline = Instant::now() + Duration::from_secs(120);
    let mut latencies = loop {
        let mut runs = Vec::new();
        let mut after: Option<String> = None;
        loop {
            let page = gql(&client, &base, token,
                "query($w: ID!, $a: String) { workflowRuns(first: 100, after: $a, filter: { workflowId: $w }) { edges { node { queuedAt startedAt } } pageInfo { hasNextPage endCursor } } }",
                json!({ "w": workflow_id, "a": after })).await;
            let connection = &page["workflowRuns"];
            runs.extend(connection["edges"].as_array().cloned().unwrap_or_default());
            if connection["pageInfo"]["hasNextPage"] != true {
                break;
            }
            after = connection["pageInfo"]["endCursor"]
                .as_str()
                .map(str::to_owned);
        }
        let started: Vec<f64> = runs
            .iter()
            .filter_map(|e| {
                let at = |f: &str| {
                    e["node"][f]
                        .as_str()?
                        .parse::<chrono::DateTime<chrono::Utc>>()
                        .ok()
                };
                Some((at("startedAt")? - at("queuedAt")?).num_microseconds()? as f64 / 1000.0)
            })
            .collect();
        if started.len() >= events {
            break started;
        }
        if Instant::now() > deadline {
            fail(&format!("{} of {events} runs started", started.len()));
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    let _ = server.kill();
    let _ = server.wait();
    database.drop_it().await;
    latencies.sort_by(f64::total_cmp);
    latencies
}

#[tokio::main]
async fn main() {
    let args = args();
    for kind in &args.dbs {
        for workers in [1, 4] {
            let rate = throughput(kind, args.jobs, workers).await;
            println!(
                "{kind:8} throughput: {} no-op jobs, {workers} worker(s): {rate:.0} jobs/s",
                args.jobs
            );
        }
        let latencies = latency(kind, args.events).await;
        println!(
            "{kind:8} event → run start over {} events: p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
            latencies.len(),
            common::percentile(&latencies, 50.0),
            common::percentile(&latencies, 99.0),
            latencies.last().copied().unwrap_or(0.0)
        );
    }
}
