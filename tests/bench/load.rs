//! The read-path benchmark: seeds an organisation at a stated scale on SQLite and/or
//! PostgreSQL, starts the real `talentgraph serve` binary on it, signs in, and loads it with the
//! queries users run all the time, one after the other:
//!
//! - `nested`: 20 tenders → company, required skills, top 20 matches → consultant → skills;
//! - `search`: a consultant search page of 50, with skills;
//! - `match`: one match with its tender, company and consultant;
//! - `mixed`: `match` on all connections but two, which meanwhile change a consultant's title
//!   (`updateConsultant`, audited): whether reads queue behind writes (on SQLite, behind its
//!   one writer connection).
//!
//! For each it reports requests per second, p50 and p99 latency, the server's CPU time per
//! request (from `/proc`), and SQL statements per request (counted on an in-process server on
//! the same data); and the server's resident memory before, right after, and some time after
//! the load. Any error or non-200 answer fails the run: limits are raised for the benchmark.
//!
//! ```text
//! cargo bench --bench load -- --scale full --db postgres      # the issue's scale (release)
//! cargo test --bench load -- --scale ci                          # what CI runs (seconds)
//! ```
//! CPU per request counts every request of a load (reads and writes of `mixed` together).
//!
//! Options: `--scale ci|full`, `--db sqlite|postgres|both` (PostgreSQL at
//! `TALENTGRAPH_TEST_POSTGRES_URL`, default `postgres://postgres@127.0.0.1:5432/postgres`),
//! `--connections N` (16), `--seconds N` per query (20; CI 2), `--warmup N` (5; CI 1),
//! `--idle N` seconds before the last memory reading (60; CI 1), `--queries a,b,…`,
//! `TALENTGRAPH_BENCH_BIN=path` loads another build of the server (SQL statements are still
//! counted with this one). `--show-sql` (print the statements that are counted, with their
//! time; `--show-sql-full` prints them whole), `--perf FILE` (a `perf record` of the server
//! during each query's load, into `FILE.<db>.<query>`), `--keep` (leave the database).

mod common;
mod seed;

use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use talentgraph::config::Config;

use seed::Scale;

use common::{
    BenchDatabase, PASSWORD, config_args, cpu_seconds, fail, free_port, rss_mb, spawn_server,
};

const NESTED: &str = "query Nested { tenders(first: 20) { edges { node { id title company { id name } requiredSkills { skill { id name } importance minLevel } matches(first: 20) { edges { node { id score status consultant { id firstName lastName skills { skill { id name } level } } } } } } } } }";
const SEARCH: &str = "query Search { consultants(first: 50, filter: { status: [AVAILABLE] }) { totalCount edges { node { id firstName lastName title yearsExperience status skills { skill { id name } level yearsExperience } } } } }";
const MATCH: &str = "query One($id: ID!) { match(id: $id) { id score status reasons breakdown { skills availability rate location } tender { id title status company { id name } } consultant { id firstName lastName title dailyRate } } }";
const WRITE: &str = "mutation Write($id: ID!, $title: String!) { updateConsultant(input: { id: $id, title: $title }) { id title } }";
/// Connections of the `mixed` load that write.
const WRITERS: usize = 2;

struct Options {
    scale: Scale,
    scale_name: String,
    databases: Vec<String>,
    connections: usize,
    seconds: u64,
    warmup: u64,
    idle: u64,
    queries: Vec<String>,
}

fn options() -> Options {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let value = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .cloned()
    };
    let number = |name: &str, default: u64| {
        value(name)
            .map(|v| {
                v.parse()
                    .unwrap_or_else(|_| fail(&format!("{name}: not a number")))
            })
            .unwrap_or(default)
    };
    let scale_name = value("--scale").unwrap_or_else(|| "ci".to_owned());
    let (scale, ci) = match scale_name.as_str() {
        "full" => (Scale::FULL, false),
        "ci" => (Scale::CI, true),
        other => fail(&format!("--scale must be ci or full, got {other}")),
    };
    let databases = match value("--db").as_deref().unwrap_or("both") {
        "both" => vec!["sqlite".to_owned(), "postgres".to_owned()],
        "sqlite" => vec!["sqlite".to_owned()],
        "postgres" => vec!["postgres".to_owned()],
        other => fail(&format!(
            "--db must be sqlite, postgres or both, got {other}"
        )),
    };
    Options {
        scale,
        scale_name,
        databases,
        connections: usize::try_from(number("--connections", 16)).unwrap_or(16),
        seconds: number("--seconds", if ci { 2 } else { 20 }),
        warmup: number("--warmup", if ci { 1 } else { 5 }),
        idle: number("--idle", if ci { 1 } else { 60 }),
        queries: value("--queries")
            .map(|q| q.split(',').map(str::to_owned).collect())
            .unwrap_or_else(|| {
                ["nested", "search", "match", "mixed"]
                    .map(str::to_owned)
                    .to_vec()
            }),
    }
}

/// Migrates and seeds; returns the organisation's slug, the admin e-mail and a match id.
async fn prepare(url: &str, scale: Scale) -> (String, String, uuid::Uuid) {
    let config = Config::from_args(&config_args(url, "127.0.0.1:0"), false)
        .unwrap_or_else(|e| fail(&e.to_string()));
    let db = talentgraph::db::connect(url, &config.pool)
        .await
        .unwrap_or_else(|e| fail(&format!("connect: {e}")));
    talentgraph::db::migrate(&db)
        .await
        .unwrap_or_else(|e| fail(&format!("migrate: {e}")));
    let state =
        talentgraph::app::state(db.clone(), config).unwrap_or_else(|e| fail(&e.to_string()));
    let (slug, session) = common::sign_up(&state).await;
    let email = format!("admin@{slug}.test");
    let started = Instant::now();
    let first_match = seed::seed(&db, session.user.tenant_id, scale)
        .await
        .unwrap_or_else(|e| fail(&format!("seed: {e}")));
    eprintln!("  seeded in {:.1} s", started.elapsed().as_secs_f64());
    (slug, email, first_match)
}

fn query_of(name: &str, match_id: uuid::Uuid) -> Value {
    match name {
        "nested" => json!({ "query": NESTED }),
        "search" => json!({ "query": SEARCH }),
        "match" | "mixed" => json!({ "query": MATCH, "variables": { "id": match_id } }),
        other => fail(&format!("unknown query {other}")),
    }
}

/// The consultant of the benchmark's match (the one the `mixed` load writes to).
async fn consultant_of(
    client: &reqwest::Client,
    url: &str,
    token: &str,
    match_id: uuid::Uuid,
) -> String {
    let body: Value = client
        .post(url)
        .bearer_auth(token)
        .json(&json!({
            "query": "query($id: ID!) { match(id: $id) { consultant { id } } }",
            "variables": { "id": match_id }
        }))
        .send()
        .await
        .unwrap_or_else(|e| fail(&format!("consultant: {e}")))
        .json()
        .await
        .unwrap_or_else(|e| fail(&format!("consultant: {e}")));
    body["data"]["match"]["consultant"]["id"]
        .as_str()
        .map(str::to_owned)
        .unwrap_or_else(|| fail(&format!("consultant: {body}")))
}

async fn login(client: &reqwest::Client, url: &str, slug: &str, email: &str) -> String {
    let body: Value = client
        .post(url)
        .json(&json!({
            "query": "mutation($i: LoginInput!) { login(input: $i) { accessToken } }",
            "variables": { "i": { "tenantSlug": slug, "email": email, "password": PASSWORD } }
        }))
        .send()
        .await
        .unwrap_or_else(|e| fail(&format!("login: {e}")))
        .json()
        .await
        .unwrap_or_else(|e| fail(&format!("login: {e}")));
    body["data"]["login"]["accessToken"]
        .as_str()
        .map(str::to_owned)
        .unwrap_or_else(|| fail(&format!("login: {body}")))
}

/// One request; an error, a non-200 answer or a GraphQL error fails the run.
async fn request(client: &reqwest::Client, url: &str, token: &str, body: &Value) -> usize {
    let response = client
        .post(url)
        .bearer_auth(token)
        .json(body)
        .send()
        .await
        .unwrap_or_else(|e| fail(&format!("request: {e}")));
    let status = response.status();
    let bytes = response
        .bytes()
        .await
        .unwrap_or_else(|e| fail(&format!("response: {e}")));
    if !status.is_success() {
        fail(&format!(
            "HTTP {status}: {}",
            String::from_utf8_lossy(&bytes)
        ));
    }
    if bytes.windows(9).any(|w| w == b"\"errors\":") {
        fail(&format!(
            "GraphQL errors: {}",
            String::from_utf8_lossy(&bytes[..bytes.len().min(500)])
        ));
    }
    bytes.len()
}

/// SQL statements of one request of each query, on an in-process server over the same data.
async fn statements(
    url: &str,
    slug: &str,
    email: &str,
    queries: &[String],
    match_id: uuid::Uuid,
) -> Vec<(String, u64)> {
    let config = Config::from_args(&config_args(url, "127.0.0.1:0"), false)
        .unwrap_or_else(|e| fail(&e.to_string()));
    let mut db = talentgraph::db::connect(url, &config.pool)
        .await
        .unwrap_or_else(|e| fail(&format!("connect: {e}")));
    let mut readers = talentgraph::db::connect_readers(url, &config.pool)
        .await
        .unwrap_or_else(|e| fail(&format!("connect readers: {e}")));
    let counter = Arc::new(AtomicU64::new(0));
    let show = std::env::args().any(|a| a == "--show-sql" || a == "--show-sql-full");
    let width = if std::env::args().any(|a| a == "--show-sql-full") {
        usize::MAX
    } else {
        150
    };
    for db in std::iter::once(&mut db).chain(readers.as_mut()) {
        let count = counter.clone();
        db.set_metric_callback(move |info| {
            count.fetch_add(1, Ordering::Relaxed);
            if show {
                let sql = &info.statement.sql;
                eprintln!(
                    "  sql {:>7.2} ms: {}",
                    info.elapsed.as_secs_f64() * 1000.0,
                    sql.get(..width).unwrap_or(sql)
                );
            }
        });
    }
    let state = talentgraph::app::state(db, config)
        .unwrap_or_else(|e| fail(&e.to_string()))
        .with_readers(readers);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .unwrap_or_else(|e| fail(&format!("bind: {e}")));
    let addr = listener
        .local_addr()
        .unwrap_or_else(|e| fail(&format!("addr: {e}")));
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(talentgraph::app::serve(state, listener, async {
        let _ = stopped.await;
    }));
    let client = reqwest::Client::new();
    let url = format!("http://{addr}/graphql");
    let token = login(&client, &url, slug, email).await;
    let mut out = Vec::new();
    for name in queries {
        let body = query_of(name, match_id);
        request(&client, &url, &token, &body).await;
        let before = counter.load(Ordering::Relaxed);
        request(&client, &url, &token, &body).await;
        out.push((name.clone(), counter.load(Ordering::Relaxed) - before));
    }
    let _ = stop.send(());
    let _ = server.await;
    out
}

fn perf_file() -> Option<String> {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == "--perf")
        .and_then(|i| args.get(i + 1))
        .cloned()
}

/// CPU time of the PostgreSQL backends serving database `name` (none on SQLite), in seconds.
fn database_cpu_seconds(name: Option<&str>) -> f64 {
    let Some(name) = name else { return 0.0 };
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return 0.0;
    };
    entries
        .flatten()
        .filter_map(|e| e.file_name().to_str().and_then(|s| s.parse::<u32>().ok()))
        .filter(|pid| {
            std::fs::read(format!("/proc/{pid}/cmdline"))
                .map(|c| {
                    let c = String::from_utf8_lossy(&c);
                    c.starts_with("postgres: ") && c.contains(&format!(" {name} "))
                })
                .unwrap_or(false)
        })
        .map(cpu_seconds)
        .sum()
}

struct Load {
    requests: u64,
    per_second: f64,
    p50: Duration,
    p99: Duration,
    cpu_ms: f64,
    db_cpu_ms: f64,
    bytes: usize,
}

/// One kind of request of a load and the connections that send it; `body(n)` is the `n`-th
/// request's body.
struct Workload {
    connections: usize,
    body: Arc<dyn Fn(u64) -> Value + Send + Sync>,
}

impl Workload {
    fn fixed(connections: usize, body: Value) -> Workload {
        Workload {
            connections,
            body: Arc::new(move |_| body.clone()),
        }
    }
}

/// Runs the workloads side by side for `seconds`; one [`Load`] each. CPU figures are per
/// request of all the workloads together.
async fn load(
    url: &str,
    token: &str,
    workloads: &[Workload],
    (pid, database): (u32, Option<&str>),
    seconds: u64,
) -> Vec<Load> {
    let connections: usize = workloads.iter().map(|w| w.connections).sum();
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(connections)
        .build()
        .unwrap_or_else(|e| fail(&format!("client: {e}")));
    let cpu_before = cpu_seconds(pid);
    let db_cpu_before = database_cpu_seconds(database);
    let started = Instant::now();
    let deadline = started + Duration::from_secs(seconds);
    let sent = Arc::new(AtomicU64::new(0));
    let workers: Vec<Vec<_>> = workloads
        .iter()
        .map(|workload| {
            (0..workload.connections)
                .map(|_| {
                    let (client, url, token, body, sent) = (
                        client.clone(),
                        url.to_owned(),
                        token.to_owned(),
                        workload.body.clone(),
                        sent.clone(),
                    );
                    tokio::spawn(async move {
                        let mut latencies = Vec::new();
                        let mut bytes = 0;
                        while Instant::now() < deadline {
                            let body = body(sent.fetch_add(1, Ordering::Relaxed));
                            let at = Instant::now();
                            bytes = request(&client, &url, &token, &body).await;
                            latencies.push(at.elapsed());
                        }
                        (latencies, bytes)
                    })
                })
                .collect()
        })
        .collect();
    let mut results = Vec::new();
    for workload in workers {
        let mut latencies = Vec::new();
        let mut bytes = 0;
        for worker in workload {
            let (mine, size) = worker
                .await
                .unwrap_or_else(|e| fail(&format!("worker: {e}")));
            latencies.extend(mine);
            bytes = size;
        }
        latencies.sort();
        results.push((latencies, bytes));
    }
    let elapsed = started.elapsed().as_secs_f64();
    let cpu = cpu_seconds(pid) - cpu_before;
    let db_cpu = database_cpu_seconds(database) - db_cpu_before;
    let all: u64 = results.iter().map(|(l, _)| l.len() as u64).sum();
    results
        .into_iter()
        .map(|(latencies, bytes)| {
            let at = |q: f64| {
                latencies
                    .get(
                        ((latencies.len() as f64 * q) as usize)
                            .min(latencies.len().saturating_sub(1)),
                    )
                    .copied()
                    .unwrap_or_default()
            };
            let requests = latencies.len() as u64;
            Load {
                requests,
                per_second: requests as f64 / elapsed,
                p50: at(0.50),
                p99: at(0.99),
                cpu_ms: cpu * 1000.0 / all.max(1) as f64,
                db_cpu_ms: db_cpu * 1000.0 / all.max(1) as f64,
                bytes,
            }
        })
        .collect()
}

/// The workloads of query `name`.
fn workloads(name: &str, body: Value, connections: usize, consultant: &str) -> Vec<Workload> {
    if name != "mixed" {
        return vec![Workload::fixed(connections, body)];
    }
    let id = consultant.to_owned();
    vec![
        Workload::fixed(connections.saturating_sub(WRITERS).max(1), body),
        Workload {
            connections: WRITERS,
            body: Arc::new(
                move |n| json!({ "query": WRITE, "variables": { "id": id, "title": format!("Bench title {n}") } }),
            ),
        },
    ]
}

async fn run(kind: &str, options: &Options) {
    eprintln!("== {kind}, scale {}", options.scale_name);
    let database = BenchDatabase::create(kind).await;
    let (slug, email, match_id) = prepare(&database.url, options.scale).await;
    let counts = statements(&database.url, &slug, &email, &options.queries, match_id).await;
    let port = free_port();
    let mut server = spawn_server(&database.url, port, &[]);
    let pid = server.id();
    let url = format!("http://127.0.0.1:{port}/graphql");
    let client = reqwest::Client::new();
    let ready = Instant::now() + Duration::from_secs(60);
    while client
        .get(format!("http://127.0.0.1:{port}/readyz"))
        .send()
        .await
        .map(|r| !r.status().is_success())
        .unwrap_or(true)
    {
        if Instant::now() > ready {
            fail("the server did not become ready");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let token = login(&client, &url, &slug, &email).await;
    let consultant = consultant_of(&client, &url, &token, match_id).await;
    let rss_before = rss_mb(pid);
    println!(
        "\n{kind} ({}), {} connections, {} s per query:\n",
        options.scale_name, options.connections, options.seconds
    );
    println!(
        "| query | req/s | p50 | p99 | server CPU/req | database CPU/req | SQL statements | response | server RSS after |"
    );
    println!("|---|---|---|---|---|---|---|---|---|");
    for (name, sql) in &counts {
        let work = workloads(
            name,
            query_of(name, match_id),
            options.connections,
            &consultant,
        );
        if options.warmup > 0 {
            load(&url, &token, &work, (pid, database.name()), options.warmup).await;
        }
        // `--perf FILE`: a CPU profile of the server during this query's load.
        let perf = perf_file().map(|file| {
            Command::new("perf")
                .args(["record", "-F", "199", "--call-graph", "dwarf,16384", "-p"])
                .arg(pid.to_string())
                .arg("-o")
                .arg(format!("{file}.{kind}.{name}"))
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .unwrap_or_else(|e| fail(&format!("perf: {e}")))
        });
        let loads = load(&url, &token, &work, (pid, database.name()), options.seconds).await;
        if let Some(mut perf) = perf {
            let _ = Command::new("kill")
                .args(["-INT", &perf.id().to_string()])
                .status();
            let _ = perf.wait();
        }
        let rss = rss_mb(pid);
        for (i, l) in loads.iter().enumerate() {
            let (label, sql) = match (name.as_str(), i) {
                ("mixed", 0) => ("mixed: reads (match)".to_owned(), sql.to_string()),
                ("mixed", _) => (
                    "mixed: writes (updateConsultant)".to_owned(),
                    "—".to_owned(),
                ),
                _ => (name.clone(), sql.to_string()),
            };
            println!(
                "| {label} | {:.1} | {:.1} ms | {:.1} ms | {:.2} ms | {:.2} ms | {sql} | {:.1} KB ({} requests) | {rss:.0} MB |",
                l.per_second,
                l.p50.as_secs_f64() * 1000.0,
                l.p99.as_secs_f64() * 1000.0,
                l.cpu_ms,
                l.db_cpu_ms,
                l.bytes as f64 / 1024.0,
                l.requests,
            );
        }
    }
    let rss_after = rss_mb(pid);
    tokio::time::sleep(Duration::from_secs(options.idle)).await;
    let rss_idle = rss_mb(pid);
    println!(
        "\nserver RSS: {rss_before:.0} MB before, {rss_after:.0} MB after the load, {rss_idle:.0} MB {} s later",
        options.idle
    );
    let _ = server.kill();
    let _ = server.wait();
    if std::env::args().any(|a| a == "--keep") {
        eprintln!("kept the database: {}", database.url);
    } else {
        database.drop_it().await;
    }
}

#[tokio::main]
async fn main() {
    let options = options();
    for kind in &options.databases {
        run(kind, &options).await;
    }
}
