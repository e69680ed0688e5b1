//! The `generateMatches` benchmark (issue 8: over 10,000 consultants with 10 skills each, p50
//! under 250 ms on PostgreSQL and on SQLite). Seeds one organisation (10,000 consultants × 10
//! skills, tenders asking for 10 skills), starts the server in this process on `127.0.0.1:0`,
//! and times `generateMatches(input: { tenderId, minScore: 0, limit: 20 })` over HTTP, one
//! request at a time:
//!
//! - `first`: on a tender never generated (20 matches created, 20 events, one audit);
//! - `again`: the same tender once more (nothing changes: the idempotent path).
//!
//! ```text
//! cargo bench --bench generate                       # both databases, 30 tenders each
//! cargo bench --bench generate -- --db postgres --runs 50
//! cargo test  --bench generate                       # what CI runs: 300 consultants, 3 runs
//! ```

#[path = "common.rs"]
mod common;
#[path = "seed.rs"]
mod seed;

use std::time::{Duration, Instant};

use serde_json::{Value, json};
use talentgraph::config::Config;

use common::{BenchDatabase, config_args, fail};
use seed::Scale;

const GENERATE: &str = "mutation($t: ID!) { generateMatches(input: { tenderId: $t, minScore: 0, limit: 20 }) { id score } }";

async fn tender_ids(db: &sea_orm::DatabaseConnection) -> Vec<uuid::Uuid> {
    use sea_orm::{EntityTrait as _, QueryOrder as _};
    #[expect(
        clippy::disallowed_methods,
        reason = "the benchmark's own organisation"
    )]
    let rows = entity::tender::Entity::find()
        .order_by_asc(entity::tender::Column::Id)
        .all(db)
        .await
        .unwrap_or_else(|e| fail(&format!("tenders: {e}")));
    rows.into_iter().map(|t| t.id).collect()
}

async fn run(kind: &str, consultants: usize, runs: usize) {
    let database = BenchDatabase::create(kind).await;
    let mut config = Config::from_args(&config_args(&database.url, "127.0.0.1:0"), false)
        .unwrap_or_else(|e| fail(&e.to_string()));
    config.rate_limits.per_ip_per_minute = 1_000_000;
    config.rate_limits.per_user_per_minute = 1_000_000;
    let db = talentgraph::db::connect(&database.url, &config.pool)
        .await
        .unwrap_or_else(|e| fail(&format!("connect: {e}")));
    talentgraph::db::migrate(&db)
        .await
        .unwrap_or_else(|e| fail(&format!("migrate: {e}")));
    let readers = talentgraph::db::connect_readers(&database.url, &config.pool)
        .await
        .unwrap_or_else(|e| fail(&format!("readers: {e}")));
    let state = talentgraph::app::state(db.clone(), config)
        .unwrap_or_else(|e| fail(&e.to_string()))
        .with_readers(readers);
    let (_, session) = common::sign_up(&state).await;
    let started = Instant::now();
    seed::seed(
        &db,
        session.user.tenant_id,
        Scale {
            companies: 5,
            skills: 120,
            consultants,
            skills_per_consultant: 10,
            tenders: runs,
            skills_per_tender: 10,
            matches_per_tender: 0,
        },
    )
    .await
    .unwrap_or_else(|e| fail(&format!("seed: {e}")));
    eprintln!(
        "{kind}: seeded {consultants} consultants × 10 skills, {runs} tenders in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    let tenders = tender_ids(&db).await;

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .unwrap_or_else(|e| fail(&format!("bind: {e}")));
    let url = format!(
        "http://{}/graphql",
        listener
            .local_addr()
            .unwrap_or_else(|e| fail(&format!("addr: {e}")))
    );
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(talentgraph::app::serve(state, listener, async {
        let _ = stopped.await;
    }));
    let client = reqwest::Client::new();
    let generate = |tender: uuid::Uuid| {
        let client = client.clone();
        let url = url.clone();
        let token = session.access_token.clone();
        async move {
            let started = Instant::now();
            let body: Value = client
                .post(&url)
                .bearer_auth(token)
                .json(&json!({ "query": GENERATE, "variables": { "t": tender } }))
                .send()
                .await
                .unwrap_or_else(|e| fail(&format!("generateMatches: {e}")))
                .json()
                .await
                .unwrap_or_else(|e| fail(&format!("generateMatches: {e}")));
            let elapsed = started.elapsed();
            let kept = body["data"]["generateMatches"]
                .as_array()
                .map(Vec::len)
                .unwrap_or_else(|| fail(&format!("generateMatches: {body}")));
            (elapsed, kept)
        }
    };
    let mut first = Vec::new();
    let mut again = Vec::new();
    for tender in &tenders {
        let (elapsed, kept) = generate(*tender).await;
        if kept != 20.min(consultants) {
            fail(&format!("kept {kept} matches"));
        }
        first.push(elapsed);
        let (elapsed, _) = generate(*tender).await;
        again.push(elapsed);
    }
    for (name, times) in [("first", first), ("again", again)] {
        let mut ms: Vec<f64> = times
            .iter()
            .map(|d: &Duration| d.as_secs_f64() * 1_000.0)
            .collect();
        ms.sort_by(f64::total_cmp);
        println!(
            "{kind:<8} generateMatches {name:<5} over {consultants} consultants: p50 {:.1} ms, p99 {:.1} ms, min {:.1} ms ({} runs)",
            common::percentile(&ms, 50.0),
            common::percentile(&ms, 99.0),
            ms.first().copied().unwrap_or(0.0),
            ms.len()
        );
    }
    let _ = stop.send(());
    let _ = server.await;
    database.drop_it().await;
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    // `cargo test --bench` runs the binary without `--bench`: a short run that cannot rot.
    let full = args.iter().any(|a| a == "--bench");
    let value = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .cloned()
    };
    let db = value("--db").unwrap_or_else(|| "both".to_owned());
    let runs = value("--runs")
        .and_then(|r| r.parse().ok())
        .unwrap_or(if full { 30 } else { 3 });
    let consultants = value("--consultants")
        .and_then(|r| r.parse().ok())
        .unwrap_or(if full { 10_000 } else { 300 });
    for kind in ["sqlite", "postgres"] {
        if db == kind || db == "both" {
            run(kind, consultants, runs).await;
        }
    }
}
