//! The composition root: the state with every domain's parts, the server, its housekeeping and
//! graceful shutdown. Nothing below names this module.

use std::future::Future;

use sea_orm::DatabaseConnection;
use tokio::net::TcpListener;

use crate::config::Config;
use crate::error::Result;
use crate::http::HttpState;
use crate::schema::build_schema;
pub use crate::state::AppState;

/// The state over `db` with every domain's DataLoaders and reactions; add SQLite readers with
/// [`AppState::with_readers`].
pub fn state(db: DatabaseConnection, config: Config) -> Result<AppState> {
    let state = AppState::new(db, config)?.with_parts(
        crate::schema::LOADERS,
        crate::schema::REACTIONS,
        crate::schema::JOB_HANDLERS,
    );
    // Matching's `similarExperience` from search's embeddings, when there is a model.
    Ok(match crate::search::similar::source(&state) {
        Some(source) => state.with_extension(source),
        None => state,
    })
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
        // Committed rows only: the readers see them (on SQLite, beside the one writer).
        state.for_reads().db,
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
    let workers = Background::start(&state, state.config.jobs.clone());
    let (budgets_stop, budgets_stopped) = tokio::sync::watch::channel(false);
    let budgets = {
        let state = state.clone();
        tokio::spawn(async move { state.rate_limits.budgets().run(budgets_stopped).await })
    };
    let limits = state.config.limits.connections;
    // The domains' own endpoints: workflow webhooks, file downloads.
    let extra = crate::automation::hooks::router(state.clone())
        .merge(crate::documents::files::router(state.clone()));
    let router = crate::http::router(HttpState::new(state, schema), extra);
    let (stop, _) = tokio::sync::watch::channel(false);
    crate::http::server::serve(listener, router, limits, stop, shutdown).await;
    workers.shutdown().await;
    let _ = budgets_stop.send(true);
    let _ = budgets.await;
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
/// forgetting revoked access tokens once expired, pruning, and (SQLite) the query planner's
/// statistics refreshed for tables that grew ([`crate::db::optimize`]: a size check per table
/// when none did). Safe to run on every instance at once (each summary is claimed once).
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
        prune(&state).await;
        if let Err(err) = crate::db::optimize(state.writer()).await {
            tracing::warn!(error = %err, "the database's planner statistics were not refreshed");
        }
        if let Err(err) =
            crate::automation::execute::sweep_abandoned(&state, chrono::Duration::minutes(1)).await
        {
            err.log_if_internal();
        }
    }
}

/// Deletes what outlived its retention: delivered events, finished jobs (dead ones after the
/// longer retention). Audit events are never pruned.
pub async fn prune(state: &AppState) {
    let now = chrono::Utc::now();
    let days = |d: std::time::Duration| {
        now - chrono::Duration::from_std(d).unwrap_or(chrono::Duration::days(7))
    };
    let jobs = &state.config.jobs;
    if let Err(err) = crate::events::bus::prune(state.writer(), days(jobs.retention)).await {
        err.log_if_internal();
    }
    if let Err(err) = crate::jobs::queue::prune(
        state.writer(),
        days(jobs.retention),
        days(jobs.failed_retention),
    )
    .await
    {
        err.log_if_internal();
    }
    if let Err(err) = crate::automation::runs::prune(
        state.writer(),
        days(jobs.retention),
        days(jobs.failed_retention),
    )
    .await
    {
        err.log_if_internal();
    }
    // Past the signatures' five-minute tolerance a replay is refused by its timestamp.
    let receipts = now - chrono::Duration::minutes(10);
    if let Err(err) = crate::automation::hooks::prune_receipts(state.writer(), receipts).await {
        err.log_if_internal();
    }
}

/// Runs job workers alone (no HTTP) until `shutdown` resolves, then stops them gracefully.
pub async fn work(state: AppState, shutdown: impl Future<Output = ()>) -> Result<()> {
    let mut config = state.config.jobs.clone();
    config.workers = config.workers.max(1);
    let background = Background::start(&state, config);
    shutdown.await;
    background.shutdown().await;
    Ok(())
}

/// What an instance with workers runs besides them: the scheduler that queues cron ticks.
struct Background {
    workers: crate::jobs::Workers,
    scheduler: Option<(
        tokio::sync::watch::Sender<bool>,
        tokio::task::JoinHandle<()>,
    )>,
}

impl Background {
    fn start(state: &AppState, config: crate::config::JobsConfig) -> Background {
        let scheduler = (config.workers > 0).then(|| {
            let (stop, stopped) = tokio::sync::watch::channel(false);
            let task = tokio::spawn(crate::automation::schedules::run(state.clone(), stopped));
            (stop, task)
        });
        Background {
            workers: crate::jobs::Workers::start(state.clone(), config),
            scheduler,
        }
    }

    async fn shutdown(self) {
        if let Some((stop, task)) = self.scheduler {
            let _ = stop.send(true);
            let _ = task.await;
        }
        self.workers.shutdown().await;
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
