//! Application state, server assembly and graceful shutdown.

use std::future::Future;
use std::ops::Deref;
use std::sync::Arc;

use sea_orm::DatabaseConnection;
use secrecy::ExposeSecret as _;
use tokio::net::TcpListener;

use crate::auth::jwt::JwtKeys;
use crate::auth::password::Passwords;
use crate::auth::throttle::{IpThrottle, SignUpThrottle};
use crate::config::Config;
use crate::error::Result;
use crate::graphql::{AppSchema, build_schema};
use crate::http::rate_limit::RateLimits;

/// Events a subscriber may fall behind the bus before it reads what it missed from the outbox.
const EVENT_BUFFER: usize = 1024;

/// What every request and job shares.
pub struct Inner {
    /// Every write, and every read of a request that writes.
    writer: DatabaseConnection,
    /// Reads of read-only requests: on SQLite a pool of read-only connections beside the one
    /// writer (in WAL mode they read while it writes); elsewhere the writer's own pool.
    reader: DatabaseConnection,
    pub config: Config,
    pub jwt: JwtKeys,
    pub passwords: Passwords,
    pub ip_throttle: IpThrottle,
    pub signup_throttle: SignUpThrottle,
    pub rate_limits: RateLimits,
    pub db_health: crate::db::health::DbHealth,
    /// Documents already parsed and checked.
    pub documents: crate::graphql::prepare::DocumentCache,
    /// Committed domain events, handed to this instance's subscribers.
    pub events: crate::events::EventBus,
}

/// Cheap to clone handle on the shared state.
#[derive(Clone)]
pub struct AppState {
    inner: Arc<Inner>,
    /// The connection this holder uses: the writer, or the readers for a read-only request
    /// ([`AppState::for_reads`]). Code that writes in a read-only request (a denial's audit)
    /// names [`AppState::writer`].
    pub db: DatabaseConnection,
}

impl Deref for AppState {
    type Target = Inner;
    fn deref(&self) -> &Inner {
        &self.inner
    }
}

impl AppState {
    /// The state over one database connection (pool) for reads and writes alike; add SQLite
    /// readers with [`AppState::with_readers`].
    pub fn new(db: DatabaseConnection, config: Config) -> Result<Self> {
        let jwt = JwtKeys::new(config.jwt_secret.expose_secret(), &config.auth);
        let passwords = Passwords::new(config.limits.password_hash_concurrency)?;
        let ip_throttle = IpThrottle::new(&config.throttle);
        let signup_throttle = SignUpThrottle::new(&config.throttle);
        let rate_limits = RateLimits::new(&config.rate_limits);
        Ok(AppState {
            inner: Arc::new(Inner {
                writer: db.clone(),
                reader: db.clone(),
                config,
                jwt,
                passwords,
                ip_throttle,
                signup_throttle,
                rate_limits,
                db_health: crate::db::health::DbHealth::default(),
                documents: crate::graphql::prepare::DocumentCache::new(),
                events: crate::events::EventBus::new(EVENT_BUFFER),
            }),
            db,
        })
    }

    /// Read-only requests read through `readers` (`db::connect_readers`), when there are any.
    /// Call before the state is shared.
    pub fn with_readers(mut self, readers: Option<DatabaseConnection>) -> Self {
        if let Some(readers) = readers
            && let Some(inner) = Arc::get_mut(&mut self.inner)
        {
            inner.reader = readers;
        }
        self
    }

    /// The same state for a request that only reads: its connection is the readers'.
    pub fn for_reads(&self) -> AppState {
        AppState {
            inner: self.inner.clone(),
            db: self.inner.reader.clone(),
        }
    }

    /// The writer, whatever this holder's connection: for the few writes a read-only request
    /// makes (the audit of a denied field).
    pub fn writer(&self) -> &DatabaseConnection {
        &self.inner.writer
    }

    /// A unit of work on the writer for `actor`: what every write goes through.
    pub async fn unit_of_work(
        &self,
        actor: crate::unit::Actor,
        meta: crate::audit::RequestMeta,
    ) -> Result<crate::unit::UnitOfWork> {
        crate::unit::UnitOfWork::begin(
            &self.inner.writer,
            &self.inner.events,
            crate::graphql::REACTIONS,
            actor,
            meta,
        )
        .await
    }
}

/// The state of the HTTP layer: the app and its schema.
#[derive(Clone)]
pub struct HttpState {
    pub app: AppState,
    pub schema: AppSchema,
}

impl Deref for HttpState {
    type Target = AppState;
    fn deref(&self) -> &AppState {
        &self.app
    }
}

/// Serves until `shutdown` resolves, then stops accepting and lets in-flight requests finish.
pub async fn serve(
    state: AppState,
    listener: TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<()> {
    let schema = build_schema(Some(state.clone()));
    let maintenance = tokio::spawn(maintenance(state.clone()));
    let dispatcher = tokio::spawn(crate::events::bus::dispatch(
        state.events.clone(),
        state.writer().clone(),
        state.config.limits.event_sweep_interval,
    ));
    let event_listener = crate::config::is_postgres(state.config.database_url()).then(|| {
        tokio::spawn(crate::events::bus::listen(
            state.events.clone(),
            state.config.database_url().to_owned(),
        ))
    });
    let probe = crate::db::health::probe_target(state.config.database_url())
        .map(|target| tokio::spawn(state.db_health.clone().probe(target)));
    let limits = state.config.limits.connections;
    let router = crate::http::router(HttpState { app: state, schema });
    let (stop, _) = tokio::sync::watch::channel(false);
    crate::http::server::serve(listener, router, limits, stop, shutdown).await;
    maintenance.abort();
    dispatcher.abort();
    if let Some(event_listener) = event_listener {
        event_listener.abort();
    }
    if let Some(probe) = probe {
        probe.abort();
    }
    Ok(())
}

/// Periodic housekeeping of a serving instance: closing summaries of denied-access windows,
/// and forgetting revoked access tokens once expired. Safe to run on every instance at once
/// (each summary is claimed once).
async fn maintenance(state: AppState) {
    let mut tick = tokio::time::interval(std::time::Duration::from_secs(60));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        if let Err(err) = crate::audit::summarize_denials(&state.db, chrono::Utc::now()).await {
            err.log_if_internal();
        }
        if let Err(err) = crate::tenancy::sessions::purge_expired_revocations(&state.db).await {
            err.log_if_internal();
        }
    }
}

/// Resolves on SIGTERM or Ctrl-C.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(err) = tokio::signal::ctrl_c().await {
            tracing::error!(error = %err, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(err) => {
                tracing::error!(error = %err, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = terminate => {}
    }
    tracing::info!("shutdown requested; finishing in-flight requests");
}
