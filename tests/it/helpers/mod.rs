//! `TestApp`: a real server on a fresh database, and fixture builders on top of it.

#![allow(dead_code)]

pub mod agency;
pub mod database;
pub mod files;
pub mod proxy;
pub mod talent;
pub mod ws;

pub use agency::{Agency, Session};

use std::net::SocketAddr;

use base64::Engine as _;
use serde_json::{Value, json};
use talentgraph::app::{self, AppState};
use talentgraph::config::{Config, ConfigArgs};
use tokio::sync::oneshot;

use database::TestDatabase;

/// The JWT secret of every test server (tests forge tokens with it).
pub const JWT_SECRET: &str = "test-secret-test-secret-test-secret-0123456789";
pub const PASSWORD: &str = "correct horse battery";

pub fn master_key(kid: &str, byte: u8) -> String {
    format!(
        "{kid}:{}",
        base64::engine::general_purpose::STANDARD.encode([byte; 32])
    )
}

pub fn config_args(database_url: &str, keys: &str) -> ConfigArgs {
    ConfigArgs {
        database_url: database_url.to_owned(),
        bind: "127.0.0.1:0".to_owned(),
        jwt_secret: Some(JWT_SECRET.to_owned()),
        encryption_keys: Some(keys.to_owned()),
        smtp_url: None,
        log_format: "pretty".to_owned(),
        webhook_allow_private: "false".to_owned(),
        graphiql: "true".to_owned(),
        playground: "true".to_owned(),
        storage_url: None,
        trusted_documents: None,
        trusted_documents_mode: "lenient".to_owned(),
        redis_url: None,
        embedding_model: None,
        embeddings_url: None,
        embeddings_api_key: None,
        embeddings_model: "all-MiniLM-L6-v2".to_owned(),
        tuning: Default::default(),
    }
}

pub struct TestApp {
    pub addr: SocketAddr,
    /// SQL statements run so far on this server's pool (sea-orm's metric callback).
    statements: std::sync::Arc<std::sync::atomic::AtomicU64>,
    /// The SQL of every statement, for tests that explain their counts.
    pub sql_log: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
    pub state: AppState,
    pub client: reqwest::Client,
    shutdown: Option<oneshot::Sender<()>>,
    server: Option<tokio::task::JoinHandle<()>>,
    // Last: dropped after the server is stopped.
    database: TestDatabase,
}

impl TestApp {
    pub async fn spawn() -> TestApp {
        Self::spawn_with(|_| {}).await
    }

    /// Spawns with a configuration tweak (limits, throttles, keys).
    pub async fn spawn_with(tweak: impl FnOnce(&mut Config)) -> TestApp {
        let database = TestDatabase::create().await;
        Self::start(database, &master_key("k1", 1), tweak).await
    }

    /// On PostgreSQL only (`None` on SQLite): a server whose database connections go through
    /// a [`proxy::TcpProxy`], returned with it so that the test can cut the database away.
    pub async fn spawn_behind_proxy() -> Option<(TestApp, proxy::TcpProxy)> {
        let database = TestDatabase::create().await;
        let (prefix, rest) = database.url.split_once('@')?;
        let (host_port, path) = rest.split_once('/')?;
        let proxy = proxy::TcpProxy::start(host_port.to_owned()).await;
        let url = format!("{prefix}@{}/{path}", proxy.addr);
        let app = Self::start_at(database, &url, &master_key("k1", 1), |_| {}).await;
        Some((app, proxy))
    }

    async fn start(database: TestDatabase, keys: &str, tweak: impl FnOnce(&mut Config)) -> TestApp {
        let url = database.url.clone();
        Self::start_at(database, &url, keys, tweak).await
    }

    /// Starts a server for `database`, connecting to it at `url`.
    async fn start_at(
        database: TestDatabase,
        url: &str,
        keys: &str,
        tweak: impl FnOnce(&mut Config),
    ) -> TestApp {
        let mut config = Config::from_args(&config_args(url, keys), false).expect("test config");
        // Generous per-IP limit: every test client is 127.0.0.1.
        config.throttle.ip_max_failures = 10_000;
        // Every test signs up its own organisations from 127.0.0.1.
        config.throttle.signups_per_ip_per_hour = 10_000;
        // Each database has its own folder of files, shared by the instances on it.
        config.storage = talentgraph::storage::Location::Folder(database::files_dir(&database.url));
        // Uploaded files are parsed in children of the real binary, as `serve` does.
        config.document_reader = Some(env!("CARGO_BIN_EXE_talentgraph").into());
        tweak(&mut config);
        let mut db = talentgraph::db::connect(url, &config.pool)
            .await
            .expect("connect");
        talentgraph::db::migrate(&db).await.expect("migrate");
        let mut readers = talentgraph::db::connect_readers(url, &config.pool)
            .await
            .expect("connect readers");
        let statements = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
        let sql_log = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        // Statements are counted on the writer and the readers alike.
        for db in std::iter::once(&mut db).chain(readers.as_mut()) {
            let counter = statements.clone();
            let log = sql_log.clone();
            db.set_metric_callback(move |info| {
                // This callback replaces the server's: count for its metrics too.
                talentgraph::db::count_statement();
                // The event dispatcher reads the outbox beside the requests, not for them.
                let sql = &info.statement.sql;
                if sql.starts_with("SELECT")
                    && (sql.contains("\"domain_event\"") || sql.contains("\"event_head\""))
                {
                    return;
                }
                // Nor are the job workers' claims, renewals and reaping, nor the scheduler's look
                // for due ticks (each instance's background work, every second or so).
                if sql.starts_with("UPDATE job ")
                    || sql.starts_with("WITH done AS")
                    || sql.contains("\"next_tick_at\" <=")
                {
                    return;
                }
                // Nor the shared rate budgets (PostgreSQL): read once per client and minute,
                // synced in the background.
                if sql.contains("rate_count") {
                    return;
                }
                // Nor the instance's housekeeping (`app::maintenance`, each minute): denial
                // summaries, pruning past retention, the sweep of abandoned workflow runs and
                // SQLite's planner statistics. A test that ran past a minute counted them in
                // whatever request its tick overlapped.
                const HOUSEKEEPING: &[&str] = &[
                    "\"access_denial\"",
                    "DELETE FROM \"revoked_access_token\"",
                    "DELETE FROM \"domain_event\"",
                    "DELETE FROM job ",
                    "DELETE FROM \"workflow_run\"",
                    "DELETE FROM \"sent_email\"",
                    "DELETE FROM \"webhook_receipt\"",
                    "FROM workflow_run r LEFT JOIN job",
                    "PRAGMA optimize",
                ];
                if HOUSEKEEPING.iter().any(|h| sql.contains(h)) {
                    return;
                }
                counter.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                if let Ok(mut log) = log.lock() {
                    log.push(info.statement.sql.clone());
                }
            });
        }
        let state = app::state(db, config).expect("state").with_readers(readers);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        let (tx, rx) = oneshot::channel::<()>();
        let server_state = state.clone();
        let server = tokio::spawn(async move {
            let shutdown = async {
                let _ = rx.await;
            };
            app::serve(server_state, listener, shutdown)
                .await
                .expect("server");
        });
        TestApp {
            addr,
            statements,
            sql_log,
            state,
            client: reqwest::Client::new(),
            shutdown: Some(tx),
            server: Some(server),
            database,
        }
    }

    /// A second server instance on the same database (as behind a load balancer); this one
    /// keeps owning the database.
    pub async fn another_instance(&self) -> TestApp {
        self.another_instance_with(|_| {}).await
    }

    /// [`another_instance`](Self::another_instance) with a configuration tweak.
    pub async fn another_instance_with(&self, tweak: impl FnOnce(&mut Config)) -> TestApp {
        let keys = master_key("k1", 1);
        Self::start(TestDatabase::shared(&self.database.url), &keys, tweak).await
    }

    /// A client whose connections come from `ip` (any 127.0.0.0/8 address reaches the server
    /// on Linux), to act as another source.
    pub fn client_from(ip: &str) -> reqwest::Client {
        reqwest::Client::builder()
            .local_address(ip.parse::<std::net::IpAddr>().ok())
            .build()
            .expect("client")
    }

    /// `gql` through another client (another source IP).
    pub async fn gql_via(
        &self,
        client: &reqwest::Client,
        token: Option<&str>,
        query: &str,
        variables: Value,
    ) -> Value {
        let mut request = client
            .post(self.url("/graphql"))
            .json(&json!({ "query": query, "variables": variables }));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        request
            .send()
            .await
            .expect("request")
            .json()
            .await
            .expect("json body")
    }

    /// Stops this server and starts another on the same database with other master keys.
    pub async fn restart_with_keys(mut self, keys: &str) -> TestApp {
        self.stop().await;
        let database = std::mem::replace(&mut self.database, TestDatabase::detached());
        Self::start(database, keys, |_| {}).await
    }

    pub async fn stop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(server) = self.server.take() {
            let _ = server.await;
        }
    }

    /// SQL statements run so far by this server.
    pub fn statements(&self) -> u64 {
        self.statements.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Runs a request and returns its body with the number of SQL statements it ran.
    pub async fn gql_counted(
        &self,
        token: Option<&str>,
        query: &str,
        variables: Value,
    ) -> (Value, u64) {
        let before = self.statements();
        let body = self.gql(token, query, variables).await;
        (body, self.statements() - before)
    }

    pub fn database_url(&self) -> &str {
        &self.database.url
    }

    /// The folder this server keeps uploaded files in.
    pub fn files_dir(&self) -> std::path::PathBuf {
        database::files_dir(&self.database.url)
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// POSTs a GraphQL request (with an optional bearer token) and returns the JSON body.
    pub async fn gql(&self, token: Option<&str>, query: &str, variables: Value) -> Value {
        let mut request = self
            .client
            .post(self.url("/graphql"))
            .json(&json!({ "query": query, "variables": variables }));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let response = request.send().await.expect("request");
        response.json().await.expect("json body")
    }

    /// Sends every `(token, query, variables)` at once, each on its own connection of the
    /// pool, and returns the bodies in the same order.
    pub async fn gql_all(&self, requests: Vec<(Option<&str>, &str, Value)>) -> Vec<Value> {
        futures_util::future::join_all(
            requests
                .into_iter()
                .map(|(token, query, variables)| self.gql(token, query, variables)),
        )
        .await
    }

    pub async fn anon(&self, query: &str, variables: Value) -> Value {
        self.gql(None, query, variables).await
    }

    /// Signs up a fresh organisation with a unique slug.
    pub async fn agency(&self) -> Agency {
        Agency::sign_up(self).await
    }

    /// `id` as a literal of this database's UUID column (text on PostgreSQL, a blob on SQLite).
    pub fn id_literal(&self, id: &str) -> String {
        if self.is_postgres() {
            format!("'{id}'")
        } else {
            format!("X'{}'", id.replace('-', ""))
        }
    }

    pub async fn sql(&self, statement: &str) -> sea_orm::ExecResult {
        use sea_orm::ConnectionTrait as _;
        self.state
            .db
            .execute_unprepared(statement)
            .await
            .expect("raw SQL")
    }

    pub fn is_postgres(&self) -> bool {
        self.database.url.starts_with("postgres")
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(server) = self.server.take() {
            server.abort();
        }
    }
}

/// How many bodies succeeded, and the codes of the others.
pub fn outcomes(bodies: &[Value]) -> (usize, Vec<String>) {
    let ok = bodies.iter().filter(|b| b.get("errors").is_none()).count();
    let codes = bodies
        .iter()
        .filter(|b| b.get("errors").is_some())
        .map(|b| code(b).to_owned())
        .collect();
    (ok, codes)
}

/// The `extensions.code` of the first error.
pub fn code(body: &Value) -> &str {
    body["errors"][0]["extensions"]["code"]
        .as_str()
        .unwrap_or("<none>")
}

/// Asserts the body has no errors and returns `data`.
#[track_caller]
pub fn data(body: &Value) -> &Value {
    assert!(body.get("errors").is_none(), "unexpected errors: {body:#}");
    &body["data"]
}

/// A unique suffix for slugs and e-mails.
pub fn unique() -> String {
    uuid::Uuid::now_v7().simple().to_string()[20..].to_owned()
}
