//! Prometheus metrics of one instance (DESIGN §12), served at `GET /metrics` in the text
//! exposition format by the `prometheus` crate: GraphQL operations by name, type and outcome
//! code with their latency, live WebSocket connections and subscriptions, jobs finished by kind
//! and outcome, and — read when scraped — the job queue by state and the database pools.
//!
//! Operation names come from clients: only names that look like GraphQL names are kept, and
//! at most [`MAX_OPERATION_NAMES`] distinct ones (then `other`), so a client cannot blow up the
//! number of series.

use std::collections::HashSet;
use std::sync::Mutex;

use prometheus::{
    Encoder as _, HistogramOpts, HistogramVec, IntCounterVec, IntGauge, IntGaugeVec, Opts,
    Registry, TextEncoder,
};
use sea_orm::{ConnectionTrait as _, DatabaseConnection, DatabaseConnectionType, Statement};

/// Distinct operation names kept as labels.
pub const MAX_OPERATION_NAMES: usize = 200;

/// The instance's metrics.
pub struct Metrics {
    registry: Registry,
    operations: IntCounterVec,
    latency: HistogramVec,
    statements: HistogramVec,
    pub ws_connections: IntGauge,
    pub subscriptions: IntGauge,
    pub subscription_groups: IntGauge,
    pub subscriptions_behind: prometheus::IntCounter,
    jobs_finished: IntCounterVec,
    jobs: IntGaugeVec,
    pool: IntGaugeVec,
    outbox_lag: IntGauge,
    names: Mutex<HashSet<String>>,
    /// When the queue was last counted: a scrape reads it at most every [`QUEUE_EVERY`].
    queue_read: Mutex<Option<std::time::Instant>>,
}

/// How long a count of the job queue serves scrapes (it scans the retained jobs).
const QUEUE_EVERY: std::time::Duration = std::time::Duration::from_secs(10);

impl Default for Metrics {
    fn default() -> Self {
        #[expect(
            clippy::expect_used,
            reason = "the metric definitions are fixed: only a programming error fails them"
        )]
        Metrics::new().expect("the metric definitions are valid")
    }
}

impl Metrics {
    pub fn new() -> Result<Metrics, prometheus::Error> {
        let registry = Registry::new_custom(Some("talentgraph".to_owned()), None)?;
        let register = |metric: Box<dyn prometheus::core::Collector>| registry.register(metric);
        let operations = IntCounterVec::new(
            Opts::new(
                "graphql_operations_total",
                "GraphQL operations executed over HTTP, by operation name, type and outcome code.",
            ),
            &["operation", "type", "code"],
        )?;
        register(Box::new(operations.clone()))?;
        let latency = HistogramVec::new(
            HistogramOpts::new(
                "graphql_operation_duration_seconds",
                "Time to execute a GraphQL operation over HTTP.",
            )
            .buckets(vec![
                0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0,
            ]),
            &["operation", "type"],
        )?;
        register(Box::new(latency.clone()))?;
        let statements = HistogramVec::new(
            HistogramOpts::new(
                "graphql_operation_sql_statements",
                "SQL statements a GraphQL operation ran over HTTP (its DataLoader batches and its \
                 unit of work included): a name whose count grows with the page is an N+1.",
            )
            .buckets(vec![
                0.0, 1.0, 2.0, 3.0, 5.0, 8.0, 13.0, 21.0, 34.0, 55.0, 89.0, 144.0,
            ]),
            &["operation", "type"],
        )?;
        register(Box::new(statements.clone()))?;
        let ws_connections = IntGauge::new(
            "websocket_connections",
            "Open GraphQL WebSocket connections.",
        )?;
        register(Box::new(ws_connections.clone()))?;
        let subscriptions = IntGauge::new("subscriptions", "Live GraphQL subscriptions.")?;
        register(Box::new(subscriptions.clone()))?;
        let subscription_groups = IntGauge::new(
            "subscription_groups",
            "Shared executions of live subscriptions: one per distinct document, variables and \
             visibility, whatever the number of subscribers.",
        )?;
        register(Box::new(subscription_groups.clone()))?;
        let subscriptions_behind = prometheus::IntCounter::new(
            "subscriptions_behind_total",
            "Subscribers that fell behind the shared execution of their subscription (a slow \
             socket) and went on replaying on their own.",
        )?;
        register(Box::new(subscriptions_behind.clone()))?;
        let jobs_finished = IntCounterVec::new(
            Opts::new(
                "jobs_finished_total",
                "Job attempts ended on this instance, by job kind and outcome.",
            ),
            &["kind", "outcome"],
        )?;
        register(Box::new(jobs_finished.clone()))?;
        let jobs = IntGaugeVec::new(
            Opts::new(
                "jobs",
                "Jobs in the durable queue by state (all instances).",
            ),
            &["state"],
        )?;
        register(Box::new(jobs.clone()))?;
        let pool = IntGaugeVec::new(
            Opts::new(
                "db_pool_connections",
                "Database pool connections by pool and state.",
            ),
            &["pool", "state"],
        )?;
        register(Box::new(pool.clone()))?;
        let outbox_lag = IntGauge::new(
            "outbox_lag_events",
            "Committed domain events this instance has not yet handed to its subscribers.",
        )?;
        register(Box::new(outbox_lag.clone()))?;
        Ok(Metrics {
            registry,
            operations,
            latency,
            statements,
            ws_connections,
            subscriptions,
            subscription_groups,
            subscriptions_behind,
            jobs_finished,
            jobs,
            pool,
            outbox_lag,
            names: Mutex::new(HashSet::new()),
            queue_read: Mutex::new(None),
        })
    }

    /// The label of an operation name: itself when it is a plausible GraphQL name among the
    /// first [`MAX_OPERATION_NAMES`], `anonymous` without one, `other` otherwise.
    fn operation_label(&self, name: Option<&str>) -> String {
        let Some(name) = name.filter(|n| !n.is_empty()) else {
            return "anonymous".to_owned();
        };
        let plausible = name.len() <= 64
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
            && !name.starts_with(|c: char| c.is_ascii_digit());
        if !plausible {
            return "other".to_owned();
        }
        let mut names = self.names.lock().unwrap_or_else(|p| p.into_inner());
        if names.contains(name) || names.len() < MAX_OPERATION_NAMES {
            names.insert(name.to_owned());
            name.to_owned()
        } else {
            "other".to_owned()
        }
    }

    /// One executed operation: its name (if any), `query`/`mutation`/`subscription`, the code
    /// of its first error (`OK` without), how long it took and, if it ran, how many SQL
    /// statements.
    pub fn operation(
        &self,
        name: Option<&str>,
        kind: &str,
        code: &str,
        seconds: f64,
        statements: Option<u64>,
    ) {
        let label = self.operation_label(name);
        self.operations
            .with_label_values(&[label.as_str(), kind, code])
            .inc();
        self.latency
            .with_label_values(&[label.as_str(), kind])
            .observe(seconds);
        if let Some(n) = statements {
            #[expect(clippy::cast_precision_loss, reason = "a count of statements")]
            self.statements
                .with_label_values(&[label.as_str(), kind])
                .observe(n as f64);
        }
    }

    /// A job attempt ended with `outcome` (`succeeded`, `retry`, `dead`, `cancelled`, `error`).
    pub fn job_finished(&self, kind: &str, outcome: &str) {
        self.jobs_finished.with_label_values(&[kind, outcome]).inc();
    }

    /// The text exposition of every metric, the queue, the outbox lag and the pools read now.
    pub async fn render(
        &self,
        writer: &DatabaseConnection,
        reader: &DatabaseConnection,
        bus: &crate::events::EventBus,
    ) -> String {
        self.read_queue(writer).await;
        if let Ok(heads) = crate::events::bus::heads(reader).await {
            self.outbox_lag.set(bus.lag(&heads));
        }
        self.read_pool("writer", writer);
        self.read_pool("reader", reader);
        let mut out = Vec::new();
        if let Err(err) = TextEncoder::new().encode(&self.registry.gather(), &mut out) {
            tracing::error!(error = %err, "metrics could not be encoded");
        }
        String::from_utf8(out).unwrap_or_default()
    }

    async fn read_queue(&self, db: &DatabaseConnection) {
        {
            let mut last = self.queue_read.lock().unwrap_or_else(|p| p.into_inner());
            if last.is_some_and(|at| at.elapsed() < QUEUE_EVERY) {
                return;
            }
            *last = Some(std::time::Instant::now());
        }
        let rows = db
            .query_all_raw(Statement::from_string(
                db.get_database_backend(),
                "SELECT state, COUNT(*) AS n FROM job GROUP BY state",
            ))
            .await;
        let Ok(rows) = rows else {
            return;
        };
        for state in ["QUEUED", "RUNNING", "SUCCEEDED", "DEAD", "CANCELLED"] {
            self.jobs.with_label_values(&[state]).set(0);
        }
        for row in rows {
            if let (Ok(state), Ok(n)) = (
                row.try_get::<String>("", "state"),
                row.try_get::<i64>("", "n"),
            ) {
                self.jobs.with_label_values(&[state.as_str()]).set(n);
            }
        }
    }

    fn read_pool(&self, name: &str, db: &DatabaseConnection) {
        let (size, idle) = match &db.inner {
            DatabaseConnectionType::SqlxPostgresPoolConnection(_) => {
                let pool = db.get_postgres_connection_pool();
                (pool.size(), pool.num_idle())
            }
            DatabaseConnectionType::SqlxSqlitePoolConnection(_) => {
                let pool = db.get_sqlite_connection_pool();
                (pool.size(), pool.num_idle())
            }
            _ => return,
        };
        let idle = u32::try_from(idle).unwrap_or(u32::MAX);
        self.pool
            .with_label_values(&[name, "open"])
            .set(i64::from(size));
        self.pool
            .with_label_values(&[name, "idle"])
            .set(i64::from(idle));
        self.pool
            .with_label_values(&[name, "in_use"])
            .set(i64::from(size.saturating_sub(idle)));
    }
}

/// Holds a gauge up by one while it lives (a socket, a subscription).
pub struct Held(IntGauge);

impl Held {
    pub fn new(gauge: &IntGauge) -> Held {
        gauge.inc();
        Held(gauge.clone())
    }
}

impl Drop for Held {
    fn drop(&mut self) {
        self.0.dec();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_chosen_operation_names_cannot_multiply_the_series() {
        let metrics = Metrics::new().expect("metrics");
        assert_eq!(metrics.operation_label(None), "anonymous");
        assert_eq!(metrics.operation_label(Some("Board")), "Board");
        assert_eq!(metrics.operation_label(Some("not a name")), "other");
        assert_eq!(metrics.operation_label(Some(&"x".repeat(65))), "other");
        for n in 0..MAX_OPERATION_NAMES {
            metrics.operation_label(Some(&format!("Op{n}")));
        }
        assert_eq!(metrics.operation_label(Some("OneTooMany")), "other");
        // Names already seen keep their label.
        assert_eq!(metrics.operation_label(Some("Board")), "Board");
    }
}
