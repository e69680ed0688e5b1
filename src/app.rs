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

/// What every request and job shares.
pub struct Inner {
    pub db: DatabaseConnection,
    pub config: Config,
    pub jwt: JwtKeys,
    pub passwords: Passwords,
    pub ip_throttle: IpThrottle,
    pub signup_throttle: SignUpThrottle,
    pub rate_limits: RateLimits,
    pub db_health: crate::db::health::DbHealth,
}

/// Cheap to clone handle on the shared state.
#[derive(Clone)]
pub struct AppState(Arc<Inner>);

impl Deref for AppState {
    type Target = Inner;
    fn deref(&self) -> &Inner {
        &self.0
    }
}

impl AppState {
    pub fn new(db: DatabaseConnection, config: Config) -> Result<Self> {
        let jwt = JwtKeys::new(config.jwt_secret.expose_secret(), &config.auth);
        let passwords = Passwords::new(config.limits.password_hash_concurrency)?;
        let ip_throttle = IpThrottle::new(&config.throttle);
        let signup_throttle = SignUpThrottle::new(&config.throttle);
        let rate_limits = RateLimits::new(&config.rate_limits);
        Ok(AppState(Arc::new(Inner {
            db,
            config,
            jwt,
            passwords,
            ip_throttle,
            signup_throttle,
            rate_limits,
            db_health: crate::db::health::DbHealth::default(),
        })))
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
    let probe = crate::db::health::probe_target(state.config.database_url())
        .map(|target| tokio::spawn(state.db_health.clone().probe(target)));
    let limits = state.config.limits.connections;
    let router = crate::http::router(HttpState { app: state, schema });
    let (stop, _) = tokio::sync::watch::channel(false);
    crate::http::server::serve(listener, router, limits, stop, shutdown).await;
    maintenance.abort();
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
