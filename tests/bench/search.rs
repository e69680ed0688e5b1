//! The search benchmark (issue 11): embedding throughput of all-MiniLM-L6-v2 on the CPU, and
//! `search` p50/p99 over 10,000 consultants with résumés on SQLite and PostgreSQL, with the
//! memory the vector cache holds per 10,000 passages.
//!
//! - **Embedding**: 256 résumé-like sentences (about 15 words each) embedded in batches of 16
//!   by the model in process, on the threads `RAYON_NUM_THREADS` allows (run with
//!   `RAYON_NUM_THREADS=1` for one core); sentences per second, and one short query's latency.
//! - **Search**: one organisation seeded straight into the database — consultants with skills
//!   (`seed.rs`), one read résumé each, and their index entries (profile and résumé text
//!   written by `corpus.rs`: realistic by default, `--corpus uniform` for the worst case) with
//!   their passages' vectors. The stored vectors are
//!   pseudo-random unit vectors (embedding 30,000 passages would take longer than the search
//!   it measures; a scan costs the same whatever the values); queries are embedded by the real
//!   model on the request path. The server runs in this process on `127.0.0.1:0`; ADMIN
//!   searches over HTTP, one at a time, 20 different queries in turn.
//!
//! ```text
//! TALENTGRAPH_EMBEDDING_MODEL=DIR RAYON_NUM_THREADS=1 cargo bench --bench search
//! cargo bench --bench search -- --db sqlite --consultants 10000 --runs 200
//! cargo bench --bench search -- --corpus uniform   # every query word in ~93 % of texts
//! cargo test  --bench search        # what CI runs: 300 consultants, 20 searches
//! ```

#[path = "common.rs"]
mod common;
#[path = "corpus.rs"]
mod corpus;
#[path = "seed.rs"]
mod seed;

use std::time::{Duration, Instant};

use chrono::Utc;
use entity::{ResumeFormat, ResumeStatus, resume, search_chunk, search_entry};
use sea_orm::{DatabaseConnection, EntityTrait as _, Set};
use serde_json::{Value, json};
use talentgraph::config::Config;
use talentgraph::embeddings::{self, DIMENSIONS};
use uuid::Uuid;

use common::{BenchDatabase, config_args, fail};
use corpus::{Corpus, Random, Writer};
use seed::Scale;

const SEARCH: &str = "query($q: String!) { search(query: $q, first: 20) { totalCount edges { node { type score snippet } } } }";

const QUERIES: [&str; 20] = [
    "someone who has built payment systems in Go",
    "kubernetes platform engineer",
    "react typescript frontend",
    "data pipelines with kafka and spark",
    "machine learning in python",
    "java spring boot microservices",
    "postgresql performance tuning",
    "terraform aws infrastructure as code",
    "mobile apps for banking",
    "security audits and penetration testing",
    "rust systems programming",
    "billing and invoicing",
    "search engine relevance",
    "devops ci cd pipelines",
    "embedded firmware c++",
    "product owner agile coach",
    "scala functional programming",
    "graphql api design",
    "observability with prometheus and grafana",
    "migrating a monolith to services",
];

/// A pseudo-random unit vector, as stored bytes.
fn unit_vector(random: &mut Random) -> Vec<u8> {
    let mut v: Vec<f32> = (0..DIMENSIONS)
        .map(|_| (random.next() % 2_000) as f32 / 1_000.0 - 1.0)
        .collect();
    embeddings::normalise(&mut v);
    embeddings::to_bytes(&v)
}

fn model_dir() -> Option<std::path::PathBuf> {
    std::env::var_os("TALENTGRAPH_EMBEDDING_MODEL")
        .map(std::path::PathBuf::from)
        .filter(|d| d.join("model.safetensors").is_file())
}

/// Sentences per second of the model in process.
fn embedding_throughput(dir: &std::path::Path, sentences: usize) {
    let model = embeddings::local::Local::load(dir).unwrap_or_else(|e| fail(&e.to_string()));
    let mut random = Random(7);
    let texts: Vec<String> = (0..sentences).map(|_| random.words(15)).collect();
    model
        .embed(&texts[..16.min(texts.len())])
        .unwrap_or_else(|e| fail(&e.to_string()));
    let started = Instant::now();
    model.embed(&texts).unwrap_or_else(|e| fail(&e.to_string()));
    let elapsed = started.elapsed().as_secs_f64();
    let mut one = Vec::new();
    for query in QUERIES {
        let started = Instant::now();
        model
            .embed(&[query.to_owned()])
            .unwrap_or_else(|e| fail(&e.to_string()));
        one.push(started.elapsed().as_secs_f64() * 1_000.0);
    }
    one.sort_by(f64::total_cmp);
    println!(
        "embedding: {:.0} sentences/s ({sentences} sentences of 15 words, batches of 16, RAYON_NUM_THREADS={}); one query: p50 {:.1} ms",
        sentences as f64 / elapsed,
        std::env::var("RAYON_NUM_THREADS").unwrap_or_else(|_| "unset (every core)".to_owned()),
        common::percentile(&one, 50.0),
    );
}

async fn insert_chunked<A>(db: &DatabaseConnection, rows: Vec<A>)
where
    A: sea_orm::ActiveModelTrait + Send,
{
    for chunk in rows.chunks(500) {
        <A::Entity as sea_orm::EntityTrait>::insert_many(chunk.to_vec())
            .exec_without_returning(db)
            .await
            .unwrap_or_else(|e| fail(&format!("insert: {e}")));
    }
}

/// One read résumé per consultant, and the index entries and passages of both.
async fn seed_index(
    db: &DatabaseConnection,
    tenant_id: Uuid,
    model: &str,
    corpus: Corpus,
) -> usize {
    #[expect(
        clippy::disallowed_methods,
        reason = "the benchmark's own organisation"
    )]
    let consultants = entity::consultant::Entity::find()
        .all(db)
        .await
        .unwrap_or_else(|e| fail(&format!("consultants: {e}")));
    let now = Utc::now();
    let mut random = Random(42);
    let mut writer = Writer::new(corpus, 42);
    let (mut resumes, mut entries, mut chunks) = (Vec::new(), Vec::new(), Vec::new());
    for c in &consultants {
        let resume_id = Uuid::now_v7();
        resumes.push(resume::ActiveModel {
            id: Set(resume_id),
            tenant_id: Set(tenant_id),
            consultant_id: Set(c.id),
            file_name: Set("cv.txt".to_owned()),
            format: Set(ResumeFormat::Text),
            size_bytes: Set(1_000),
            sha256: Set("0".repeat(64)),
            object_key: Set(format!("{tenant_id}/bench")),
            status: Set(ResumeStatus::Done),
            error: Set(None),
            text: Set(None),
            analysis: Set(None),
            uploaded_by: Set(None),
            created_at: Set(now),
            updated_at: Set(now),
            processed_at: Set(Some(now)),
        });
        let (profile, cv) = writer.consultant(&format!("{} {}", c.first_name, c.last_name));
        for (kind, entity_id, text, passages) in [
            ("CONSULTANT", c.id, profile, 1),
            ("RESUME", resume_id, cv, 2),
        ] {
            let entry_id = Uuid::now_v7();
            entries.push(search_entry::ActiveModel {
                id: Set(entry_id),
                tenant_id: Set(tenant_id),
                kind: Set(kind.to_owned()),
                entity_id: Set(entity_id),
                consultant_id: Set(Some(c.id)),
                doc_id: Set(i64::try_from(random.next() >> 1).unwrap_or(0)),
                public_text: Set(text.clone()),
                staff_text: Set(String::new()),
                digest: Set("0".repeat(64)),
                updated_at: Set(now),
            });
            for position in 0..passages {
                chunks.push(search_chunk::ActiveModel {
                    id: Set(Uuid::now_v7()),
                    tenant_id: Set(tenant_id),
                    entry_id: Set(entry_id),
                    position: Set(position),
                    staff_only: Set(false),
                    text: Set(text.chars().take(300).collect()),
                    model: Set(model.to_owned()),
                    vector: Set(unit_vector(&mut random)),
                    created_at: Set(now),
                });
            }
        }
    }
    let count = chunks.len();
    insert_chunked(db, resumes).await;
    insert_chunked(db, entries).await;
    insert_chunked(db, chunks).await;
    count
}

async fn run(
    kind: &str,
    consultants: usize,
    runs: usize,
    model: Option<&std::path::Path>,
    corpus: Corpus,
) {
    let database = BenchDatabase::create(kind).await;
    let mut config = Config::from_args(&config_args(&database.url, "127.0.0.1:0"), false)
        .unwrap_or_else(|e| fail(&e.to_string()));
    config.rate_limits.per_ip_per_minute = 1_000_000;
    config.rate_limits.per_user_per_minute = 1_000_000;
    config.embeddings.model_dir = model.map(std::path::Path::to_owned);
    let db = talentgraph::db::connect(&database.url, &config.pool)
        .await
        .unwrap_or_else(|e| fail(&format!("connect: {e}")));
    talentgraph::db::migrate(&db)
        .await
        .unwrap_or_else(|e| fail(&format!("migrate: {e}")));
    let pool = config.pool.clone();
    let state =
        talentgraph::app::state(db.clone(), config).unwrap_or_else(|e| fail(&e.to_string()));
    let model_name = state
        .embedder
        .as_ref()
        .map_or("none".to_owned(), |e| e.name().to_owned());
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
            tenders: 0,
            skills_per_tender: 0,
            matches_per_tender: 0,
        },
    )
    .await
    .unwrap_or_else(|e| fail(&format!("seed: {e}")));
    let passages = seed_index(&db, session.user.tenant_id, &model_name, corpus).await;
    // As a database in service would be: autovacuum analyses tables that grew and merges the
    // GIN indexes' pending lists (read linearly by every search until then).
    // On SQLite the server gathers the planner's statistics itself (`db::optimize`: at start,
    // before its readers open, then each minute for tables that grew tenfold); so does this.
    if kind == "postgres" {
        sea_orm::ConnectionTrait::execute_unprepared(&db, "VACUUM ANALYZE")
            .await
            .unwrap_or_else(|e| fail(&format!("vacuum: {e}")));
    }
    talentgraph::db::optimize(&db)
        .await
        .unwrap_or_else(|e| fail(&format!("optimize: {e}")));
    let readers = talentgraph::db::connect_readers(&database.url, &pool)
        .await
        .unwrap_or_else(|e| fail(&format!("readers: {e}")));
    let state = state.with_readers(readers);
    eprintln!(
        "{kind}: seeded {consultants} consultants with a résumé each ({} corpus), {} entries, {passages} passages in {:.1} s",
        corpus.name(),
        consultants * 2,
        started.elapsed().as_secs_f64()
    );

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .unwrap_or_else(|e| fail(&format!("bind: {e}")));
    let url = format!(
        "http://{}/graphql",
        listener
            .local_addr()
            .unwrap_or_else(|e| fail(&format!("addr: {e}")))
    );
    let vectors = state.vectors.clone();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(talentgraph::app::serve(state, listener, async {
        let _ = stopped.await;
    }));
    let client = reqwest::Client::new();
    let mut times = Vec::new();
    for i in 0..runs + QUERIES.len() {
        let query = QUERIES[i % QUERIES.len()];
        let started = Instant::now();
        let body: Value = client
            .post(&url)
            .bearer_auth(&session.access_token)
            .json(&json!({ "query": SEARCH, "variables": { "q": query } }))
            .send()
            .await
            .unwrap_or_else(|e| fail(&format!("search: {e}")))
            .json()
            .await
            .unwrap_or_else(|e| fail(&format!("search: {e}")));
        let elapsed = started.elapsed();
        if body["data"]["search"]["edges"]
            .as_array()
            .is_none_or(Vec::is_empty)
        {
            fail(&format!("search `{query}` found nothing: {body}"));
        }
        // The first round warms the caches (the vector cache's first read).
        if i >= QUERIES.len() {
            times.push(elapsed);
        }
    }
    let mut ms: Vec<f64> = times
        .iter()
        .map(|d: &Duration| d.as_secs_f64() * 1_000.0)
        .collect();
    ms.sort_by(f64::total_cmp);
    println!(
        "{kind:<8} search over {consultants} consultants + résumés ({} corpus, {model_name}): p50 {:.1} ms, p99 {:.1} ms, min {:.1} ms ({} searches)",
        corpus.name(),
        common::percentile(&ms, 50.0),
        common::percentile(&ms, 99.0),
        ms.first().copied().unwrap_or(0.0),
        ms.len(),
    );
    if passages > 0 && model.is_some() {
        let bytes = vectors.bytes();
        println!(
            "{kind:<8} vector cache: {:.1} MiB for {passages} passages = {:.1} MiB per 10,000",
            bytes as f64 / 1_048_576.0,
            bytes as f64 / 1_048_576.0 / passages as f64 * 10_000.0
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
        .unwrap_or(if full { 200 } else { 20 });
    let consultants = value("--consultants")
        .and_then(|r| r.parse().ok())
        .unwrap_or(if full { 10_000 } else { 300 });
    let corpus = value("--corpus").map_or(Corpus::Realistic, |name| {
        Corpus::parse(&name)
            .unwrap_or_else(|| fail(&format!("--corpus {name}: realistic or uniform")))
    });
    let model = model_dir();
    match &model {
        Some(dir) => embedding_throughput(dir, if full { 256 } else { 32 }),
        None => {
            eprintln!("no TALENTGRAPH_EMBEDDING_MODEL: search by words only, no embedding figures")
        }
    }
    for kind in ["sqlite", "postgres"] {
        if db == kind || db == "both" {
            run(kind, consultants, runs, model.as_deref(), corpus).await;
        }
    }
}
