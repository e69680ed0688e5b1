//! What the benchmarks share: a database created and dropped for the run, the server's
//! configuration as the binary parses it, and failing loudly.

#![allow(dead_code, reason = "each benchmark uses what it needs")]

use std::process::{Child, Command, Stdio};

use sea_orm::{ConnectionTrait as _, Database};
use talentgraph::app::AppState;
use talentgraph::audit::RequestMeta;
use talentgraph::config::ConfigArgs;
use talentgraph::tenancy::sessions::{self, Session, SignUp};

pub const JWT_SECRET: &str = "bench-secret-bench-secret-bench-secret-0123";
pub const KEYS: &str = "k1:AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE=";
pub const PASSWORD: &str = "bench password 1";

pub fn fail(message: &str) -> ! {
    eprintln!("bench failed: {message}");
    std::process::exit(1)
}

/// A database for one run: created and dropped by the benchmark.
pub struct BenchDatabase {
    pub url: String,
    drop_with: Option<(String, String)>,
    _dir: Option<std::path::PathBuf>,
}

impl BenchDatabase {
    pub async fn create(kind: &str) -> BenchDatabase {
        let name = format!("tg_bench_{}", uuid::Uuid::now_v7().simple());
        if kind == "postgres" {
            let admin = std::env::var("TALENTGRAPH_TEST_POSTGRES_URL")
                .ok()
                .filter(|u| !u.is_empty())
                .unwrap_or_else(|| "postgres://postgres@127.0.0.1:5432/postgres".to_owned());
            let conn = Database::connect(&admin)
                .await
                .unwrap_or_else(|e| fail(&format!("PostgreSQL at {admin}: {e}")));
            conn.execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
                .await
                .unwrap_or_else(|e| fail(&format!("create database: {e}")));
            let base = admin.rsplit_once('/').map_or(admin.as_str(), |(b, _)| b);
            BenchDatabase {
                url: format!("{base}/{name}?sslmode=disable"),
                drop_with: Some((admin.clone(), name)),
                _dir: None,
            }
        } else {
            let dir = std::env::temp_dir().join(&name);
            std::fs::create_dir_all(&dir).unwrap_or_else(|e| fail(&format!("temp dir: {e}")));
            BenchDatabase {
                url: format!("sqlite://{}/bench.db?mode=rwc", dir.display()),
                drop_with: None,
                _dir: Some(dir),
            }
        }
    }

    /// The PostgreSQL database's name (none on SQLite).
    pub fn name(&self) -> Option<&str> {
        self.drop_with.as_ref().map(|(_, name)| name.as_str())
    }

    pub async fn drop_it(self) {
        if let Some((admin, name)) = &self.drop_with
            && let Ok(conn) = Database::connect(admin).await
        {
            let _ = conn
                .execute_unprepared(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
                .await;
        }
        if let Some(dir) = &self._dir {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

pub fn config_args(url: &str, bind: &str) -> ConfigArgs {
    use clap::Parser as _;
    // The same parsing as the binary, so that the defaults are the binary's.
    let cli = talentgraph::cli::Cli::parse_from([
        "talentgraph",
        "--database-url",
        url,
        "--bind",
        bind,
        "--jwt-secret",
        JWT_SECRET,
        "--encryption-keys",
        KEYS,
        "serve",
    ]);
    let mut config = cli.config;
    // A benchmark that wants search by meaning says so (`TALENTGRAPH_EMBEDDING_MODEL` is set
    // in CI for the tests).
    config.embedding_model = None;
    config
}

/// The server under load: this build's, or another one's (`TALENTGRAPH_BENCH_BIN`, to compare
/// two builds on the same harness and data).
pub fn server_binary() -> String {
    std::env::var("TALENTGRAPH_BENCH_BIN")
        .ok()
        .filter(|b| !b.is_empty())
        .unwrap_or_else(|| env!("CARGO_BIN_EXE_talentgraph").to_owned())
}
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap_or_else(|e| fail(&format!("free port: {e}")))
}

/// Starts the server binary on `url` at `port`, rate limits raised, with `env` on top.
pub fn spawn_server(url: &str, port: u16, env: &[(&str, &str)]) -> Child {
    let bin = server_binary();
    Command::new(&bin)
        .arg("serve")
        .env("DATABASE_URL", url)
        .env("TALENTGRAPH_BIND", format!("127.0.0.1:{port}"))
        .env("TALENTGRAPH_JWT_SECRET", JWT_SECRET)
        .env("TALENTGRAPH_ENCRYPTION_KEYS", KEYS)
        .env("TALENTGRAPH_RATE_LIMIT_PER_IP", "100000000")
        .env("TALENTGRAPH_RATE_LIMIT_PER_USER", "100000000")
        .env("RUST_LOG", "warn")
        .env_remove("TALENTGRAPH_EMBEDDING_MODEL")
        .envs(env.iter().copied())
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap_or_else(|e| fail(&format!("spawn {bin}: {e}")))
}

/// CPU time (user + system) of a process, in seconds.
pub fn cpu_seconds(pid: u32) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // Fields after the command name (which may hold spaces) start after the last ')'.
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .map(|(_, rest)| rest.split_whitespace().collect())
        .unwrap_or_default();
    let ticks: u64 = [11, 12]
        .iter()
        .filter_map(|i| fields.get(*i).and_then(|v| v.parse::<u64>().ok()))
        .sum();
    ticks as f64 / clock_ticks()
}

pub fn clock_ticks() -> f64 {
    Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .ok()
        .and_then(|o| String::from_utf8_lossy(&o.stdout).trim().parse().ok())
        .unwrap_or(100.0)
}

/// Resident memory of a process, in MB.
pub fn rss_mb(pid: u32) -> f64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

/// Signs up a new organisation for the run; its ADMIN is `admin@<slug>.test` with [`PASSWORD`].
/// Returns the slug and the ADMIN's session.
pub async fn sign_up(state: &AppState) -> (String, Session) {
    let slug = format!("bench-{}", &uuid::Uuid::now_v7().simple().to_string()[20..]);
    let session = sessions::sign_up(
        state,
        &RequestMeta::default(),
        SignUp {
            organization_name: "Benchmark agency".into(),
            slug: slug.clone(),
            email: format!("admin@{slug}.test"),
            password: PASSWORD.into(),
            full_name: "Bench Admin".into(),
        },
    )
    .await
    .unwrap_or_else(|e| fail(&e.to_string()));
    (slug, session)
}

/// The `p`-th percentile (nearest rank) of ascending `sorted`; 0 when empty.
pub fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((p / 100.0) * (sorted.len() as f64 - 1.0)).round() as usize;
    sorted[rank.min(sorted.len() - 1)]
}
