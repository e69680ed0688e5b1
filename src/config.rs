//! One typed, validated configuration, read from flags and the environment (DESIGN §4).
//!
//! A bad setting stops start-up with one line naming the variable; secrets live in `secrecy`
//! types so they never reach a log line.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use clap::Args;
use secrecy::{ExposeSecret, SecretBox, SecretString};

use crate::crypto::{KEY_LEN, MasterKey, MasterKeyRing};

/// Where the generated development secrets are kept (SQLite or `--demo` only).
pub const DEV_SECRETS_DIR: &str = ".talentgraph";

/// Settings shared by every command, as flags or environment variables.
#[derive(Debug, Clone, Args)]
pub struct ConfigArgs {
    /// Database connection URL: `sqlite://file.db?mode=rwc` or `postgres://…`.
    #[arg(
        long,
        env = "DATABASE_URL",
        default_value = "sqlite://talentgraph.db?mode=rwc",
        global = true
    )]
    pub database_url: String,
    /// Address the HTTP server listens on.
    #[arg(
        long,
        env = "TALENTGRAPH_BIND",
        default_value = "127.0.0.1:8080",
        global = true
    )]
    pub bind: String,
    /// HS256 secret for access tokens, at least 32 bytes.
    #[arg(
        long,
        env = "TALENTGRAPH_JWT_SECRET",
        hide_env_values = true,
        global = true
    )]
    pub jwt_secret: Option<String>,
    /// Master keys as `kid:base64key` (32-byte keys), comma-separated; the first one is current.
    #[arg(
        long,
        env = "TALENTGRAPH_ENCRYPTION_KEYS",
        hide_env_values = true,
        global = true
    )]
    pub encryption_keys: Option<String>,
    /// SMTP server for outgoing mail (later issue); mail is recorded in the database without it.
    #[arg(
        long,
        env = "TALENTGRAPH_SMTP_URL",
        hide_env_values = true,
        global = true
    )]
    pub smtp_url: Option<String>,
    /// `true` lets workflow webhooks call loopback, private and link-local addresses (tests, a
    /// local n8n); refused by default.
    #[arg(
        long,
        env = "TALENTGRAPH_WEBHOOK_ALLOW_PRIVATE",
        default_value = "false",
        global = true
    )]
    pub webhook_allow_private: String,
    /// Serve GraphiQL at `/graphiql` (and on `GET /graphql` for browsers); `false` in
    /// production if the API is not to be explored from a browser.
    #[arg(
        long,
        env = "TALENTGRAPH_GRAPHIQL",
        default_value = "true",
        global = true
    )]
    pub graphiql: String,
    /// Serve the dashboard at `/playground` and trust its documents (`false`: neither).
    #[arg(
        long,
        env = "TALENTGRAPH_PLAYGROUND",
        default_value = "true",
        global = true
    )]
    pub playground: String,
    /// A manifest of trusted documents (hash → document, as graphql-codegen's client preset
    /// writes `persisted-documents.json`, or Apollo's persisted query manifest); requests may
    /// name them by hash. The playground's own documents are trusted while it is served.
    #[arg(long, env = "TALENTGRAPH_TRUSTED_DOCUMENTS", global = true)]
    pub trusted_documents: Option<String>,
    /// `strict`: only trusted documents run; `lenient` (default): other documents run too, and
    /// clients may register theirs (Apollo's automatic persisted queries).
    #[arg(
        long,
        env = "TALENTGRAPH_TRUSTED_DOCUMENTS_MODE",
        default_value = "lenient",
        global = true
    )]
    pub trusted_documents_mode: String,
    /// Share the rate limits and per-IP throttles through Redis (`redis://[:password@]host:port/db`)
    /// instead of PostgreSQL's `rate_count` table (or, on SQLite, memory).
    #[arg(long, env = "TALENTGRAPH_REDIS_URL", global = true)]
    pub redis_url: Option<String>,
    /// Where uploaded files are kept: a folder (`file:///var/lib/talentgraph/files`, default
    /// `.talentgraph/files`) or an S3-compatible bucket (`s3://bucket/prefix?endpoint=…`, with
    /// the `AWS_*` variables for credentials and region). Encrypted with each tenant's key.
    #[arg(long, env = "TALENTGRAPH_STORAGE_URL", global = true)]
    pub storage_url: Option<String>,
    /// A folder with all-MiniLM-L6-v2 (`model.safetensors`, `tokenizer.json`, `config.json`;
    /// `scripts/fetch-embedding-model` fetches them): search by meaning, in process. Without it
    /// (and without `TALENTGRAPH_EMBEDDINGS_URL`) search is by words only.
    #[arg(long, env = "TALENTGRAPH_EMBEDDING_MODEL", global = true)]
    pub embedding_model: Option<String>,
    /// An OpenAI-compatible embeddings endpoint (`https://host/v1/embeddings`) to use instead of
    /// the model in process; it must answer vectors of 384 dimensions.
    #[arg(long, env = "TALENTGRAPH_EMBEDDINGS_URL", global = true)]
    pub embeddings_url: Option<String>,
    /// The bearer token of `TALENTGRAPH_EMBEDDINGS_URL`.
    #[arg(
        long,
        env = "TALENTGRAPH_EMBEDDINGS_API_KEY",
        global = true,
        hide_env_values = true
    )]
    pub embeddings_api_key: Option<String>,
    /// The model `TALENTGRAPH_EMBEDDINGS_URL` is asked for.
    #[arg(
        long,
        env = "TALENTGRAPH_EMBEDDINGS_MODEL",
        default_value = "all-MiniLM-L6-v2",
        global = true
    )]
    pub embeddings_model: String,
    /// `pretty` (default) or `json` log lines.
    #[arg(
        long,
        env = "TALENTGRAPH_LOG_FORMAT",
        default_value = "pretty",
        global = true
    )]
    pub log_format: String,
    #[command(flatten)]
    pub tuning: TuningArgs,
}

/// Limits, rate limits, throttles and pool sizes; each unset one keeps its documented default
/// (the `Default` of [`Limits`], [`RateLimitConfig`], [`ThrottleConfig`], [`PoolConfig`]).
#[derive(Debug, Clone, Default, Args)]
pub struct TuningArgs {
    /// Largest request body, in bytes (default 2097152).
    #[arg(long, env = "TALENTGRAPH_MAX_BODY_BYTES", global = true)]
    pub max_body_bytes: Option<String>,
    /// Largest uploaded file, in bytes (default 10485760).
    #[arg(long, env = "TALENTGRAPH_MAX_UPLOAD_BYTES", global = true)]
    pub max_upload_bytes: Option<String>,
    /// Operations per batch: batching is off unless this is set (as in Apollo Server).
    #[arg(long, env = "TALENTGRAPH_MAX_BATCH", global = true)]
    pub max_batch: Option<String>,
    /// Query depth, `ofType` not counted (default 12).
    #[arg(long, env = "TALENTGRAPH_MAX_DEPTH", global = true)]
    pub max_depth: Option<String>,
    /// Query complexity, lists weighted by their page size (default 10000).
    #[arg(long, env = "TALENTGRAPH_MAX_COMPLEXITY", global = true)]
    pub max_complexity: Option<String>,
    /// Aliases per document (default 30).
    #[arg(long, env = "TALENTGRAPH_MAX_ALIASES", global = true)]
    pub max_aliases: Option<String>,
    /// Lexical tokens per document (default 4000).
    #[arg(long, env = "TALENTGRAPH_MAX_TOKENS", global = true)]
    pub max_tokens: Option<String>,
    /// GraphQL operations per minute per client IP, per instance (default 1200).
    #[arg(long, env = "TALENTGRAPH_RATE_LIMIT_PER_IP", global = true)]
    pub rate_limit_per_ip: Option<String>,
    /// GraphQL operations per minute per user, per instance (default 600).
    #[arg(long, env = "TALENTGRAPH_RATE_LIMIT_PER_USER", global = true)]
    pub rate_limit_per_user: Option<String>,
    /// Failed sign-ins of one source on one account before each attempt waits (default 5).
    #[arg(long, env = "TALENTGRAPH_SIGNIN_FREE_FAILURES", global = true)]
    pub signin_free_failures: Option<String>,
    /// Failed sign-ins on one account, all sources, per 15 minutes before it is blocked
    /// (default 100).
    #[arg(long, env = "TALENTGRAPH_SIGNIN_ACCOUNT_MAX_FAILURES", global = true)]
    pub signin_account_max_failures: Option<String>,
    /// Sign-in attempts per client IP per 15 minutes, per instance (default 50).
    #[arg(long, env = "TALENTGRAPH_SIGNIN_IP_MAX_FAILURES", global = true)]
    pub signin_ip_max_failures: Option<String>,
    /// Organisations one client IP may create per hour, per instance (default 5).
    #[arg(long, env = "TALENTGRAPH_SIGNUPS_PER_IP_PER_HOUR", global = true)]
    pub signups_per_ip_per_hour: Option<String>,
    /// Seconds a client has to send a request's headers (default 10).
    #[arg(long, env = "TALENTGRAPH_HEADER_READ_TIMEOUT_SECS", global = true)]
    pub header_read_timeout_secs: Option<String>,
    /// Open connections per client IP (default 512; raise it behind a load balancer).
    #[arg(long, env = "TALENTGRAPH_MAX_CONNECTIONS_PER_IP", global = true)]
    pub max_connections_per_ip: Option<String>,
    /// Open connections in all (default 8192; keep it below the file descriptor limit).
    #[arg(long, env = "TALENTGRAPH_MAX_CONNECTIONS", global = true)]
    pub max_connections: Option<String>,
    /// PostgreSQL connections in the pool (default 10); on SQLite, read-only connections beside
    /// the one writer (default: one per CPU core, at least 2).
    #[arg(long, env = "TALENTGRAPH_DB_MAX_CONNECTIONS", global = true)]
    pub db_max_connections: Option<String>,
    /// Milliseconds a request waits for a pooled connection (default 2000).
    #[arg(long, env = "TALENTGRAPH_DB_ACQUIRE_TIMEOUT_MS", global = true)]
    pub db_acquire_timeout_ms: Option<String>,
    /// Job workers `serve` runs beside the HTTP server (default 2; 0 runs none, leaving jobs to
    /// `talentgraph worker` processes).
    #[arg(long, env = "TALENTGRAPH_WORKERS", global = true)]
    pub workers: Option<String>,
    /// Seconds a worker holds a job without renewing it before another may take it (default 30).
    #[arg(long, env = "TALENTGRAPH_JOB_LEASE_SECS", global = true)]
    pub job_lease_secs: Option<String>,
    /// Milliseconds between an idle worker's looks at the queue when nothing wakes it (default 1000).
    #[arg(long, env = "TALENTGRAPH_JOB_POLL_MS", global = true)]
    pub job_poll_ms: Option<String>,
    /// Days finished jobs, workflow runs and delivered events are kept (default 7).
    #[arg(long, env = "TALENTGRAPH_RETENTION_DAYS", global = true)]
    pub retention_days: Option<String>,
    /// Days dead jobs and failed workflow runs are kept (default 30).
    #[arg(long, env = "TALENTGRAPH_FAILED_RETENTION_DAYS", global = true)]
    pub failed_retention_days: Option<String>,
    /// Load balancers and proxies (IPs or CIDRs, comma-separated) whose `X-Forwarded-For` /
    /// `Forwarded` headers name the client; from anyone else they are ignored.
    #[arg(long, env = "TALENTGRAPH_TRUSTED_PROXIES", global = true)]
    pub trusted_proxies: Option<String>,
    /// Origins (`https://app.example.com`, comma-separated) whose pages may call the API from a
    /// browser (CORS) and open its WebSocket; the server's own pages always may.
    #[arg(long, env = "TALENTGRAPH_ALLOWED_ORIGINS", global = true)]
    pub allowed_origins: Option<String>,
}

/// A positive whole number from `var`, or `default` when unset.
fn number<T>(var: &'static str, value: &Option<String>, default: T) -> Result<T, ConfigError>
where
    T: std::str::FromStr + PartialOrd + Default + std::fmt::Display,
{
    let Some(value) = value.as_deref().map(str::trim).filter(|v| !v.is_empty()) else {
        return Ok(default);
    };
    match value.parse::<T>() {
        Ok(n) if n > T::default() => Ok(n),
        _ => Err(ConfigError::Invalid {
            var,
            reason: format!("expected a whole number above 0, got `{value}` (default {default})"),
        }),
    }
}

/// The tunable parts of a [`Config`], resolved from [`TuningArgs`].
struct Tuning {
    allowed_origins: Vec<String>,
    trusted_proxies: Vec<ipnet::IpNet>,
    limits: Limits,
    rate_limits: RateLimitConfig,
    throttle: ThrottleConfig,
    pool: PoolConfig,
    jobs: JobsConfig,
}

impl TuningArgs {
    /// The set values over the defaults.
    fn resolve(&self) -> Result<Tuning, ConfigError> {
        let mut config = Tuning {
            allowed_origins: parse_origins(self.allowed_origins.as_deref().unwrap_or(""))?,
            trusted_proxies: parse_proxies(self.trusted_proxies.as_deref().unwrap_or(""))?,
            limits: Limits::default(),
            rate_limits: RateLimitConfig::default(),
            throttle: ThrottleConfig::default(),
            pool: PoolConfig::default(),
            jobs: JobsConfig::default(),
        };
        let l = &mut config.limits;
        l.max_body_bytes = number(
            "TALENTGRAPH_MAX_BODY_BYTES",
            &self.max_body_bytes,
            l.max_body_bytes,
        )?;
        l.max_upload_bytes = number(
            "TALENTGRAPH_MAX_UPLOAD_BYTES",
            &self.max_upload_bytes,
            l.max_upload_bytes,
        )?;
        // Unset: 0, batching off.
        l.max_batch = number("TALENTGRAPH_MAX_BATCH", &self.max_batch, l.max_batch)?;
        l.max_depth = number("TALENTGRAPH_MAX_DEPTH", &self.max_depth, l.max_depth)?;
        l.max_complexity = number(
            "TALENTGRAPH_MAX_COMPLEXITY",
            &self.max_complexity,
            l.max_complexity,
        )?;
        l.max_aliases = number("TALENTGRAPH_MAX_ALIASES", &self.max_aliases, l.max_aliases)?;
        l.max_tokens = number("TALENTGRAPH_MAX_TOKENS", &self.max_tokens, l.max_tokens)?;
        let timeout = number(
            "TALENTGRAPH_HEADER_READ_TIMEOUT_SECS",
            &self.header_read_timeout_secs,
            l.connections.header_read_timeout.as_secs(),
        )?;
        l.connections.header_read_timeout = Duration::from_secs(timeout);
        l.connections.max_per_ip = number(
            "TALENTGRAPH_MAX_CONNECTIONS_PER_IP",
            &self.max_connections_per_ip,
            l.connections.max_per_ip,
        )?;
        l.connections.max_total = number(
            "TALENTGRAPH_MAX_CONNECTIONS",
            &self.max_connections,
            l.connections.max_total,
        )?;
        let r = &mut config.rate_limits;
        r.per_ip_per_minute = number(
            "TALENTGRAPH_RATE_LIMIT_PER_IP",
            &self.rate_limit_per_ip,
            r.per_ip_per_minute,
        )?;
        r.per_user_per_minute = number(
            "TALENTGRAPH_RATE_LIMIT_PER_USER",
            &self.rate_limit_per_user,
            r.per_user_per_minute,
        )?;
        let t = &mut config.throttle;
        t.source_free_failures = number(
            "TALENTGRAPH_SIGNIN_FREE_FAILURES",
            &self.signin_free_failures,
            t.source_free_failures,
        )?;
        t.account_max_failures = number(
            "TALENTGRAPH_SIGNIN_ACCOUNT_MAX_FAILURES",
            &self.signin_account_max_failures,
            t.account_max_failures,
        )?;
        t.ip_max_failures = number(
            "TALENTGRAPH_SIGNIN_IP_MAX_FAILURES",
            &self.signin_ip_max_failures,
            t.ip_max_failures,
        )?;
        t.signups_per_ip_per_hour = number(
            "TALENTGRAPH_SIGNUPS_PER_IP_PER_HOUR",
            &self.signups_per_ip_per_hour,
            t.signups_per_ip_per_hour,
        )?;
        config.pool = self.pool()?;
        config.jobs = self.jobs()?;
        Ok(config)
    }

    fn jobs(&self) -> Result<JobsConfig, ConfigError> {
        let mut jobs = JobsConfig::default();
        jobs.workers = match self.workers.as_deref().map(str::trim) {
            None | Some("") => jobs.workers,
            Some(value) => value.parse().map_err(|_| ConfigError::Invalid {
                var: "TALENTGRAPH_WORKERS",
                reason: format!("expected a whole number (0 for none), got `{value}`"),
            })?,
        };
        let secs = number("TALENTGRAPH_JOB_LEASE_SECS", &self.job_lease_secs, 30u64)?;
        jobs.lease = Duration::from_secs(secs);
        let ms = number("TALENTGRAPH_JOB_POLL_MS", &self.job_poll_ms, 1_000u64)?;
        jobs.poll_interval = Duration::from_millis(ms);
        let days = number("TALENTGRAPH_RETENTION_DAYS", &self.retention_days, 7u64)?;
        jobs.retention = Duration::from_secs(days * 24 * 3600);
        let days = number(
            "TALENTGRAPH_FAILED_RETENTION_DAYS",
            &self.failed_retention_days,
            30u64,
        )?;
        jobs.failed_retention = Duration::from_secs(days * 24 * 3600);
        Ok(jobs)
    }

    /// The pool settings alone (commands that need no secrets).
    pub fn pool(&self) -> Result<PoolConfig, ConfigError> {
        let mut pool = PoolConfig::default();
        pool.max_connections = number(
            "TALENTGRAPH_DB_MAX_CONNECTIONS",
            &self.db_max_connections,
            pool.max_connections,
        )?;
        pool.sqlite_readers = number(
            "TALENTGRAPH_DB_MAX_CONNECTIONS",
            &self.db_max_connections,
            pool.sqlite_readers,
        )?;
        let ms = number(
            "TALENTGRAPH_DB_ACQUIRE_TIMEOUT_MS",
            &self.db_acquire_timeout_ms,
            u64::try_from(pool.acquire_timeout.as_millis()).unwrap_or(2_000),
        )?;
        pool.acquire_timeout = Duration::from_millis(ms);
        Ok(pool)
    }
}

/// Parses `TALENTGRAPH_TRUSTED_PROXIES`: IPs (`10.0.0.7`) or networks (`10.0.0.0/8`),
/// comma-separated.
pub fn parse_proxies(value: &str) -> Result<Vec<ipnet::IpNet>, ConfigError> {
    value
        .split(',')
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(|v| {
            v.parse::<ipnet::IpNet>()
                .or_else(|_| v.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
                .map_err(|_| ConfigError::Invalid {
                    var: "TALENTGRAPH_TRUSTED_PROXIES",
                    reason: format!("`{v}` is neither an IP address nor a CIDR network"),
                })
        })
        .collect()
}

/// What is wrong with the configuration; the message names the variable.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{var} is invalid: {reason}")]
    Invalid { var: &'static str, reason: String },
    #[error("{var} is required when DATABASE_URL points to PostgreSQL")]
    Required { var: &'static str },
    #[error("could not store generated secrets in {path}: {source}")]
    SecretsDir {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    Pretty,
    Json,
}

impl LogFormat {
    pub fn parse(value: &str) -> Result<Self, ConfigError> {
        match value {
            "pretty" | "" => Ok(LogFormat::Pretty),
            "json" => Ok(LogFormat::Json),
            other => Err(ConfigError::Invalid {
                var: "TALENTGRAPH_LOG_FORMAT",
                reason: format!("expected `json` or `pretty`, got `{other}`"),
            }),
        }
    }
}

/// Bounds on what one request may ask of the server (DESIGN §8).
#[derive(Debug, Clone)]
pub struct Limits {
    pub max_body_bytes: usize,
    /// Largest uploaded file (a multipart request may be this much larger than
    /// `max_body_bytes`).
    pub max_upload_bytes: usize,
    /// How long a file's download link works.
    pub file_link_ttl: Duration,
    pub max_batch: usize,
    pub max_depth: usize,
    pub max_complexity: usize,
    pub max_aliases: usize,
    pub max_directives: usize,
    pub max_tokens: usize,
    /// Concurrent argon2 computations; the rest wait, so a login flood cannot starve the runtime.
    pub password_hash_concurrency: usize,
    /// How long a DataLoader collects keys before it runs its batch.
    pub dataloader_delay: Duration,
    /// Header-read timeout, connections per client IP, shutdown grace.
    pub connections: ConnectionLimits,
    /// A body over `max_body_bytes` is read on and discarded up to this many bytes, so that
    /// the client receives its 413 instead of a connection reset.
    pub max_discarded_body_bytes: usize,
    /// How long a WebSocket has to complete `connection_init` before it is closed (4408).
    pub ws_init_timeout: Duration,
    /// How long one frame may wait for a WebSocket client that has stopped reading before the
    /// socket is closed (what the server holds for it meanwhile is bounded).
    pub ws_send_timeout: Duration,
    /// Responses a subscriber may fall behind the shared execution of its subscription before
    /// it replays on its own (`graphql::multiplex`). Each execution holds a slot per response
    /// (about 40 bytes), shared by its subscribers: a subscription nobody shares pays it alone.
    pub subscription_backlog: usize,
    /// How often each instance compares every organisation's event sequence with what it
    /// delivered, in case a notification was lost.
    pub event_sweep_interval: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            // Large enough that an oversized field answers BAD_USER_INPUT naming it.
            max_body_bytes: 2 * 1024 * 1024,
            max_upload_bytes: 10 * 1024 * 1024,
            file_link_ttl: Duration::from_secs(5 * 60),
            // Off: a JSON array of operations is refused unless TALENTGRAPH_MAX_BATCH is set.
            max_batch: 0,
            max_depth: 12,
            // Lists weigh their page size: 50 tenders × 20 matches each fits, 10 × 100 × 14 does not.
            max_complexity: 10_000,
            max_aliases: 30,
            max_directives: 20,
            max_tokens: 4_000,
            password_hash_concurrency: std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(2),
            dataloader_delay: Duration::from_millis(1),
            connections: ConnectionLimits {
                header_read_timeout: Duration::from_secs(10),
                max_per_ip: 512,
                max_total: 8_192,
                shutdown_grace: Duration::from_secs(20),
            },
            max_discarded_body_bytes: 64 * 1024 * 1024,
            ws_init_timeout: Duration::from_secs(10),
            ws_send_timeout: Duration::from_secs(10),
            subscription_backlog: 256,
            event_sweep_interval: Duration::from_secs(5),
        }
    }
}

/// The job queue's workers and the retention of what they leave (`jobs`).
#[derive(Debug, Clone)]
pub struct JobsConfig {
    /// Workers `serve` runs in-process; 0 runs none.
    pub workers: usize,
    /// How long a worker's hold on a job lasts without renewal (it renews every third of it).
    pub lease: Duration,
    /// How often an idle worker looks at the queue when nothing woke it.
    pub poll_interval: Duration,
    /// How long a stopping worker may take to finish the attempt it holds.
    pub shutdown_grace: Duration,
    /// How long finished jobs and runs, and delivered events, are kept.
    pub retention: Duration,
    /// How long dead jobs and failed runs are kept.
    pub failed_retention: Duration,
}

impl Default for JobsConfig {
    fn default() -> Self {
        JobsConfig {
            workers: 2,
            lease: Duration::from_secs(30),
            poll_interval: Duration::from_secs(1),
            shutdown_grace: Duration::from_secs(15),
            retention: Duration::from_secs(7 * 24 * 3600),
            failed_retention: Duration::from_secs(30 * 24 * 3600),
        }
    }
}

/// Sign-in and sign-up throttling (`auth::throttle`).
#[derive(Debug, Clone)]
pub struct ThrottleConfig {
    /// Failures from one source (IP, IPv6 /64) on one account within `window` before each
    /// further attempt of that source waits.
    pub source_free_failures: i32,
    /// The first wait; each further failure doubles it, up to `source_max_delay`.
    pub source_base_delay: Duration,
    pub source_max_delay: Duration,
    /// Failures on one account from all sources within `window` before it is blocked for
    /// `block_for`: the backstop against distributed guessing.
    pub account_max_failures: i32,
    /// Sign-in attempts per client IP within `window` (per instance).
    pub ip_max_failures: u32,
    pub window: Duration,
    pub block_for: Duration,
    /// Organisations one client IP may create per hour (per instance).
    pub signups_per_ip_per_hour: u32,
}

impl Default for ThrottleConfig {
    fn default() -> Self {
        ThrottleConfig {
            source_free_failures: 5,
            source_base_delay: Duration::from_secs(1),
            source_max_delay: Duration::from_secs(15 * 60),
            account_max_failures: 100,
            ip_max_failures: 50,
            window: Duration::from_secs(15 * 60),
            block_for: Duration::from_secs(15 * 60),
            signups_per_ip_per_hour: 5,
        }
    }
}

/// Operations per minute a client may send (each operation of a batch counts), per instance.
#[derive(Debug, Clone)]
pub struct RateLimitConfig {
    pub per_ip_per_minute: u32,
    pub per_user_per_minute: u32,
}

impl Default for RateLimitConfig {
    fn default() -> Self {
        RateLimitConfig {
            per_ip_per_minute: 1_200,
            per_user_per_minute: 600,
        }
    }
}

/// The database pool.
#[derive(Debug, Clone)]
pub struct PoolConfig {
    /// Connections to PostgreSQL.
    pub max_connections: u32,
    /// Read-only connections to SQLite beside its one writer: by default one per CPU core (at
    /// least two), as SQLite reads use the CPU of the thread that runs them; each holds its own
    /// page cache. `TALENTGRAPH_DB_MAX_CONNECTIONS` sets it when given.
    pub sqlite_readers: u32,
    /// How long a request waits for a pooled connection before failing.
    pub acquire_timeout: Duration,
    /// How long opening one connection may take.
    pub connect_timeout: Duration,
}

impl Default for PoolConfig {
    fn default() -> Self {
        PoolConfig {
            max_connections: 10,
            sqlite_readers: std::thread::available_parallelism()
                .ok()
                .and_then(|n| u32::try_from(n.get()).ok())
                .unwrap_or(2)
                .max(2),
            // Long enough to queue through a burst; a database that is down is caught sooner
            // by `db::health`.
            acquire_timeout: Duration::from_secs(2),
            connect_timeout: Duration::from_secs(3),
        }
    }
}

/// Audit log settings.
#[derive(Debug, Clone)]
pub struct AuditConfig {
    /// Denied attempts of one user on one permission within this window write one event and
    /// one closing summary.
    pub denial_window: Duration,
}

impl Default for AuditConfig {
    fn default() -> Self {
        AuditConfig {
            denial_window: Duration::from_secs(10 * 60),
        }
    }
}

/// Token lifetimes and JWT identity.
#[derive(Debug, Clone)]
pub struct AuthConfig {
    pub issuer: String,
    pub audience: String,
    pub access_ttl: Duration,
    pub refresh_ttl: Duration,
    pub invitation_ttl: Duration,
    /// A refresh token presented again within this delay of its rotation is refused without
    /// revoking its family (concurrent refreshes); later, it is reuse and revokes the family.
    pub refresh_reuse_grace: Duration,
}

impl Default for AuthConfig {
    fn default() -> Self {
        AuthConfig {
            issuer: "talentgraph".to_owned(),
            audience: "talentgraph-api".to_owned(),
            access_ttl: Duration::from_secs(15 * 60),
            refresh_ttl: Duration::from_secs(30 * 24 * 3600),
            invitation_ttl: Duration::from_secs(7 * 24 * 3600),
            refresh_reuse_grace: Duration::from_secs(5),
        }
    }
}

/// The validated configuration of a running process.
pub struct Config {
    pub database_url: SecretString,
    pub bind: SocketAddr,
    /// Browser origins allowed besides the server's own (`TALENTGRAPH_ALLOWED_ORIGINS`), as
    /// `scheme://host[:port]`, lower case.
    pub allowed_origins: Vec<String>,
    /// Proxies whose forwarding headers are believed (`TALENTGRAPH_TRUSTED_PROXIES`).
    pub trusted_proxies: Vec<ipnet::IpNet>,
    pub jwt_secret: SecretBox<[u8]>,
    pub master_keys: MasterKeyRing,
    pub smtp_url: Option<SecretString>,
    pub log_format: LogFormat,
    pub auth: AuthConfig,
    pub limits: Limits,
    pub throttle: ThrottleConfig,
    pub rate_limits: RateLimitConfig,
    pub audit: AuditConfig,
    pub pool: PoolConfig,
    pub jobs: JobsConfig,
    /// Workflow webhooks may call non-public addresses (`TALENTGRAPH_WEBHOOK_ALLOW_PRIVATE`).
    pub webhook_allow_private: bool,
    /// GraphiQL is served (`TALENTGRAPH_GRAPHIQL`).
    pub graphiql: bool,
    /// The dashboard is served and its documents trusted (`TALENTGRAPH_PLAYGROUND`).
    pub playground: bool,
    /// `serve --demo`: GraphiQL and the playground offer one-click sign-in as each demo login.
    pub demo: bool,
    /// Where the rate budgets are shared instead of the database (`TALENTGRAPH_REDIS_URL`).
    pub redis: Option<redis::Client>,
    /// Documents requests may name by hash, and whether only they run.
    pub trusted_documents: std::sync::Arc<crate::trusted_documents::TrustedDocuments>,
    /// Where uploaded files are kept (`TALENTGRAPH_STORAGE_URL`).
    pub storage: crate::storage::Location,
    /// Where sentence embeddings come from, if anywhere.
    pub embeddings: crate::embeddings::EmbeddingsConfig,
    /// The binary that parses uploaded files in a child process (`read-document`), bounded in
    /// memory and time; `None`: in this process. `serve` and `worker` set their own binary.
    pub document_reader: Option<std::path::PathBuf>,
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("bind", &self.bind)
            .field("master_key_ids", &self.master_keys.ids())
            .field("log_format", &self.log_format)
            .finish_non_exhaustive()
    }
}

/// The trusted documents: the playground's (when it is served), and the manifest's when one is
/// given.
fn trusted_documents(
    args: &ConfigArgs,
    playground: bool,
) -> Result<crate::trusted_documents::TrustedDocuments, ConfigError> {
    let strict = match args.trusted_documents_mode.trim() {
        "strict" => true,
        "lenient" | "" => false,
        other => {
            return Err(ConfigError::Invalid {
                var: "TALENTGRAPH_TRUSTED_DOCUMENTS_MODE",
                reason: format!("expected `strict` or `lenient`, got `{other}`"),
            });
        }
    };
    let manifest = match args.trusted_documents.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(path) => Some(
            std::fs::read_to_string(path).map_err(|e| ConfigError::Invalid {
                var: "TALENTGRAPH_TRUSTED_DOCUMENTS",
                reason: format!("cannot read `{path}`: {e}"),
            })?,
        ),
    };
    crate::trusted_documents::TrustedDocuments::load(manifest.as_deref(), strict, playground)
        .map_err(|reason| ConfigError::Invalid {
            var: "TALENTGRAPH_TRUSTED_DOCUMENTS",
            reason,
        })
}

/// A `true`/`false` setting (also `1`/`0`; empty is `false`).
fn flag(var: &'static str, value: &str) -> Result<bool, ConfigError> {
    match value.trim() {
        "true" | "1" => Ok(true),
        "false" | "0" | "" => Ok(false),
        other => Err(ConfigError::Invalid {
            var,
            reason: format!("expected `true` or `false`, got `{other}`"),
        }),
    }
}

/// True when the URL selects PostgreSQL.
pub fn is_postgres(url: &str) -> bool {
    url.starts_with("postgres://") || url.starts_with("postgresql://")
}

impl Config {
    /// Validates the arguments. With `allow_generated_secrets` (SQLite or `--demo`), missing
    /// secrets are generated once into `.talentgraph/` and reused; PostgreSQL never allows it.
    pub fn from_args(args: &ConfigArgs, demo: bool) -> Result<Config, ConfigError> {
        Self::build(args, demo, true)
    }

    /// Every check of [`from_args`](Self::from_args), without writing anything: a secret that
    /// would be generated is not (`serve` checks first, then binds its port, then generates).
    pub fn check(args: &ConfigArgs, demo: bool) -> Result<(), ConfigError> {
        Self::build(args, demo, false).map(|_| ())
    }

    fn build(args: &ConfigArgs, demo: bool, write_secrets: bool) -> Result<Config, ConfigError> {
        let postgres = is_postgres(&args.database_url);
        if !postgres && !args.database_url.starts_with("sqlite:") {
            return Err(ConfigError::Invalid {
                var: "DATABASE_URL",
                reason: "expected a `sqlite://` or `postgres://` URL".to_owned(),
            });
        }
        let bind = args.bind.parse().map_err(|e| ConfigError::Invalid {
            var: "TALENTGRAPH_BIND",
            reason: format!("`{}` is not a socket address ({e})", args.bind),
        })?;
        let log_format = LogFormat::parse(&args.log_format)?;
        let webhook_allow_private = flag(
            "TALENTGRAPH_WEBHOOK_ALLOW_PRIVATE",
            &args.webhook_allow_private,
        )?;
        let graphiql = flag("TALENTGRAPH_GRAPHIQL", &args.graphiql)?;
        let playground = flag("TALENTGRAPH_PLAYGROUND", &args.playground)?;
        let trusted_documents = std::sync::Arc::new(trusted_documents(args, playground)?);
        let redis = match args.redis_url.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(url) => Some(redis::Client::open(url).map_err(|e| ConfigError::Invalid {
                var: "TALENTGRAPH_REDIS_URL",
                // Not the URL itself: it may carry a password.
                reason: format!(
                    "expected `redis://[:password@]host[:port][/db]` or `rediss://…` ({:?})",
                    e.kind()
                ),
            })?),
        };
        let storage = match args.storage_url.as_deref().map(str::trim) {
            None | Some("") => {
                crate::storage::Location::Folder(Path::new(DEV_SECRETS_DIR).join("files"))
            }
            Some(url) => {
                crate::storage::Location::parse(url).map_err(|reason| ConfigError::Invalid {
                    var: "TALENTGRAPH_STORAGE_URL",
                    reason,
                })?
            }
        };
        let text = |value: &Option<String>| {
            value
                .as_deref()
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(str::to_owned)
        };
        let embeddings = crate::embeddings::EmbeddingsConfig {
            model_dir: text(&args.embedding_model).map(std::path::PathBuf::from),
            url: text(&args.embeddings_url),
            api_key: text(&args.embeddings_api_key).map(SecretString::from),
            remote_model: args.embeddings_model.trim().to_owned(),
        };
        // Validated before any secret is generated.
        let tuning = args.tuning.resolve()?;
        let generate = !postgres || demo;
        let dir = Path::new(DEV_SECRETS_DIR);

        let jwt_secret = match &args.jwt_secret {
            Some(value) => value.clone(),
            None if postgres => {
                return Err(ConfigError::Required {
                    var: "TALENTGRAPH_JWT_SECRET",
                });
            }
            None if !write_secrets => B64.encode(random_key()),
            None => dev_secret(dir, "jwt_secret", || B64.encode(random_key()))?,
        };
        if jwt_secret.len() < 32 {
            return Err(ConfigError::Invalid {
                var: "TALENTGRAPH_JWT_SECRET",
                reason: format!("must be at least 32 bytes, got {}", jwt_secret.len()),
            });
        }
        let keys = match &args.encryption_keys {
            Some(value) => value.clone(),
            None if !generate || postgres => {
                return Err(ConfigError::Required {
                    var: "TALENTGRAPH_ENCRYPTION_KEYS",
                });
            }
            None if !write_secrets => format!("dev1:{}", B64.encode(random_key())),
            None => dev_secret(dir, "encryption_keys", || {
                format!("dev1:{}", B64.encode(random_key()))
            })?,
        };
        let master_keys = parse_master_keys(&keys)?;
        if let Some(url) = &args.smtp_url {
            let scheme = url.split_once("://").map(|(scheme, _)| scheme);
            if !matches!(scheme, Some("smtp" | "smtps")) {
                return Err(ConfigError::Invalid {
                    var: "TALENTGRAPH_SMTP_URL",
                    reason:
                        "expected `smtp://[user:pass@]host[:port][?tls=required]` or `smtps://…`"
                            .to_owned(),
                });
            }
        }
        Ok(Config {
            database_url: SecretString::from(args.database_url.clone()),
            bind,
            allowed_origins: tuning.allowed_origins,
            trusted_proxies: tuning.trusted_proxies,
            jwt_secret: SecretBox::new(jwt_secret.into_bytes().into_boxed_slice()),
            master_keys,
            smtp_url: args.smtp_url.clone().map(SecretString::from),
            log_format,
            auth: AuthConfig::default(),
            limits: tuning.limits,
            throttle: tuning.throttle,
            rate_limits: tuning.rate_limits,
            audit: AuditConfig::default(),
            pool: tuning.pool,
            jobs: tuning.jobs,
            webhook_allow_private,
            graphiql,
            playground,
            demo,
            trusted_documents,
            redis,
            storage,
            embeddings,
            document_reader: None,
        })
    }

    pub fn database_url(&self) -> &str {
        self.database_url.expose_secret()
    }
}

/// Parses `https://a.example,http://localhost:5173`: each an origin (scheme, host and optional
/// port; no path), returned in lower case without a trailing slash.
pub fn parse_origins(value: &str) -> Result<Vec<String>, ConfigError> {
    let invalid = |origin: &str, why: &str| ConfigError::Invalid {
        var: "TALENTGRAPH_ALLOWED_ORIGINS",
        reason: format!("`{origin}` {why}"),
    };
    value
        .split(',')
        .map(str::trim)
        .filter(|o| !o.is_empty())
        .map(|origin| {
            let trimmed = origin.trim_end_matches('/').to_ascii_lowercase();
            let uri: axum::http::Uri = trimmed
                .parse()
                .map_err(|_| invalid(origin, "is not an origin"))?;
            match (uri.scheme_str(), uri.authority(), uri.path_and_query()) {
                (Some("http" | "https"), Some(_), None) => Ok(trimmed),
                (Some("http" | "https"), Some(_), Some(p)) if p.as_str() == "/" => Ok(trimmed),
                (Some("http" | "https"), _, _) => Err(invalid(
                    origin,
                    "must be scheme://host[:port], without a path",
                )),
                _ => Err(invalid(origin, "must start with http:// or https://")),
            }
        })
        .collect()
}

/// Parses `kid:base64key[,kid:base64key…]`; the first key is the current one.
pub fn parse_master_keys(value: &str) -> Result<MasterKeyRing, ConfigError> {
    let invalid = |reason: String| ConfigError::Invalid {
        var: "TALENTGRAPH_ENCRYPTION_KEYS",
        reason,
    };
    let mut keys = Vec::new();
    for (i, entry) in value.split(',').map(str::trim).enumerate() {
        let (kid, b64) = entry
            .split_once(':')
            .ok_or_else(|| invalid(format!("entry {} is not `kid:base64key`", i + 1)))?;
        if kid.is_empty()
            || kid.len() > 32
            || !kid
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            return Err(invalid(format!(
                "key id of entry {} must be 1-32 letters, digits, `-` or `_`",
                i + 1
            )));
        }
        let bytes = B64
            .decode(b64)
            .map_err(|_| invalid(format!("key `{kid}` is not valid base64")))?;
        let key: [u8; KEY_LEN] = bytes.try_into().map_err(|b: Vec<u8>| {
            invalid(format!(
                "key `{kid}` must decode to {KEY_LEN} bytes, got {}",
                b.len()
            ))
        })?;
        if keys.iter().any(|k: &MasterKey| k.id() == kid) {
            return Err(invalid(format!("key id `{kid}` appears twice")));
        }
        keys.push(MasterKey::new(kid.to_owned(), key));
    }
    MasterKeyRing::new(keys).ok_or_else(|| invalid("no key given".to_owned()))
}

fn random_key() -> [u8; KEY_LEN] {
    crate::crypto::random_bytes()
}

/// Reads `.talentgraph/<name>`, creating it (mode 0600) with `make()` when absent.
fn dev_secret(
    dir: &Path,
    name: &str,
    make: impl FnOnce() -> String,
) -> Result<String, ConfigError> {
    let path = dir.join(name);
    let io_err = |source| ConfigError::SecretsDir {
        path: path.clone(),
        source,
    };
    match std::fs::read_to_string(&path) {
        Ok(value) => Ok(value.trim().to_owned()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            std::fs::create_dir_all(dir).map_err(io_err)?;
            let value = make();
            write_private(&path, &value).map_err(io_err)?;
            tracing::warn!(
                path = %path.display(),
                "generated a development secret; set TALENTGRAPH_JWT_SECRET and TALENTGRAPH_ENCRYPTION_KEYS in production"
            );
            Ok(value)
        }
        Err(e) => Err(io_err(e)),
    }
}

#[cfg(unix)]
fn write_private(path: &Path, value: &str) -> std::io::Result<()> {
    use std::io::Write as _;
    use std::os::unix::fs::OpenOptionsExt as _;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)?;
    file.write_all(value.as_bytes())
}

#[cfg(not(unix))]
fn write_private(path: &Path, value: &str) -> std::io::Result<()> {
    std::fs::write(path, value)
}

/// Limits on connections (`http::server` applies them).
#[derive(Debug, Clone, Copy)]
pub struct ConnectionLimits {
    /// A request's headers must arrive within this; idle keep-alive connections close after it.
    pub header_read_timeout: Duration,
    /// Open connections (WebSockets included) one client IP may hold; more are closed at once.
    pub max_per_ip: usize,
    /// Open connections in all; more are closed at once (keep it below the process's file
    /// descriptor limit).
    pub max_total: usize,
    /// How long shutdown waits for open requests and sockets before giving up on them.
    pub shutdown_grace: Duration,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn master_keys_parse_and_first_is_current() {
        let k1 = B64.encode([1u8; 32]);
        let k2 = B64.encode([2u8; 32]);
        let ring = parse_master_keys(&format!("new:{k1}, old:{k2}")).expect("valid keys");
        assert_eq!(ring.current().id(), "new");
        assert_eq!(ring.ids(), vec!["new", "old"]);
    }

    #[test]
    fn master_keys_reject_bad_entries() {
        for bad in ["", "nokid", "k:not-base64!", "k:AAAA", ":AAAA"] {
            let err = parse_master_keys(bad).expect_err(bad);
            assert!(
                err.to_string().starts_with("TALENTGRAPH_ENCRYPTION_KEYS"),
                "{err}"
            );
        }
    }

    #[test]
    fn allowed_origins_are_origins() {
        assert_eq!(
            parse_origins(" https://App.example.com/, http://localhost:5173 ,").expect("valid"),
            ["https://app.example.com", "http://localhost:5173"]
        );
        assert!(parse_origins("").expect("empty").is_empty());
        for bad in [
            "app.example.com",
            "ftp://x.example",
            "https://x.example/path",
            "*",
        ] {
            let err = parse_origins(bad).expect_err(bad);
            assert!(
                err.to_string().starts_with("TALENTGRAPH_ALLOWED_ORIGINS"),
                "{err}"
            );
        }
    }
}
