//! The state every request and job shares: connections, configuration, keys, throttles,
//! the event bus, and the domains' parts (DataLoaders, reactions) as the composition root
//! (`app`) gave them. Plumbing: it names no domain.

use std::ops::Deref;
use std::sync::Arc;

use sea_orm::DatabaseConnection;
use secrecy::ExposeSecret as _;

use crate::auth::Principal;
use crate::auth::jwt::JwtKeys;
use crate::auth::password::Passwords;
use crate::auth::rate_limit::RateLimits;
use crate::config::Config;
use crate::error::Result;
use crate::unit::Reaction;

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
    /// Request rate limits and the per-IP sign-in and sign-up throttles.
    pub rate_limits: RateLimits,
    pub db_health: crate::db::health::DbHealth,
    /// Committed domain events, handed to this instance's subscribers.
    pub events: crate::events::EventBus,
    /// Every domain's DataLoaders, added to each request (`graphql::context::per_request`).
    loaders: &'static [RegisterLoaders],
    /// Every domain's reactions to the events of a unit of work.
    reactions: &'static [Reaction],
    /// Wakes this instance's idle job workers after a unit of work enqueued.
    pub jobs: crate::jobs::Wake,
    /// Every domain's job handlers.
    job_handlers: &'static [crate::jobs::Handler<AppState>],
    /// The instance's Prometheus metrics.
    pub metrics: crate::metrics::Metrics,
    /// Where uploaded files are kept, sealed with their tenant's key.
    pub storage: crate::storage::Storage,
    /// Sentence embeddings for search by meaning, when a model is configured.
    pub embedder: Option<crate::embeddings::Embedder>,
    /// Each tenant's stored vectors, in memory.
    pub vectors: Arc<crate::embeddings::VectorCache>,
    /// The parts a higher layer gives a lower one (`crate::extensions`).
    extensions: crate::extensions::Extensions,
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
        // Several instances share the budgets through Redis when given, else through PostgreSQL.
        let shared = match &config.redis {
            Some(client) => Some(crate::auth::budgets::Shared::Redis(client.clone())),
            None => (db.get_database_backend() == sea_orm::DbBackend::Postgres)
                .then(|| crate::auth::budgets::Shared::Postgres(db.clone())),
        };
        let rate_limits = RateLimits::new(&config.rate_limits, &config.throttle, shared);
        let storage = crate::storage::Storage::open(&config.storage).map_err(|reason| {
            crate::error::AppError::internal(format!("TALENTGRAPH_STORAGE_URL: {reason}"))
        })?;
        let embedder = crate::embeddings::Embedder::from_config(&config.embeddings)
            .map_err(|err| crate::error::AppError::internal(err.to_string()))?;
        Ok(AppState {
            inner: Arc::new(Inner {
                writer: db.clone(),
                reader: db.clone(),
                config,
                jwt,
                passwords,
                rate_limits,
                db_health: crate::db::health::DbHealth::default(),
                events: crate::events::EventBus::new(EVENT_BUFFER),
                loaders: &[],
                reactions: &[],
                jobs: crate::jobs::Wake::default(),
                job_handlers: &[],
                metrics: crate::metrics::Metrics::default(),
                storage,
                embedder,
                vectors: Arc::default(),
                extensions: crate::extensions::Extensions::default(),
            }),
            db,
        })
    }

    /// The domains' DataLoaders, reactions and job handlers (the composition root,
    /// `app::state`, gives them). Call before the state is shared.
    pub fn with_parts(
        mut self,
        loaders: &'static [RegisterLoaders],
        reactions: &'static [Reaction],
        job_handlers: &'static [crate::jobs::Handler<AppState>],
    ) -> Self {
        if let Some(inner) = Arc::get_mut(&mut self.inner) {
            inner.loaders = loaders;
            inner.reactions = reactions;
            inner.job_handlers = job_handlers;
        }
        self
    }

    /// Adds `value` to the parts given to lower layers (`crate::extensions`). Call before the
    /// state is shared.
    pub fn with_extension<T: std::any::Any + Send + Sync>(mut self, value: T) -> Self {
        if let Some(inner) = Arc::get_mut(&mut self.inner) {
            inner.extensions = std::mem::take(&mut inner.extensions).with(value);
        }
        self
    }

    /// Every domain's job handlers.
    pub fn job_handlers(&self) -> &'static [crate::jobs::Handler<AppState>] {
        self.inner.job_handlers
    }

    /// Every domain's DataLoader registrations.
    pub fn loaders(&self) -> &'static [RegisterLoaders] {
        self.inner.loaders
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
            &self.inner.jobs,
            self.inner.reactions,
            &self.inner.extensions,
            actor,
            meta,
        )
        .await
    }
}

/// What a domain's DataLoaders are built with, per request: the request's connection, the
/// principal inside (so that a batch or a cache never mixes tenants) and the batching delay.
pub struct LoaderSetup<'a> {
    pub db: &'a sea_orm::DatabaseConnection,
    /// `None` for an anonymous request.
    pub principal: Option<&'a Principal>,
    pub delay: std::time::Duration,
}

impl LoaderSetup<'_> {
    /// A DataLoader over `loader` that batches the keys asked within the configured delay.
    pub fn batched<L: Send + Sync + 'static>(
        &self,
        loader: L,
    ) -> async_graphql::dataloader::DataLoader<L> {
        async_graphql::dataloader::DataLoader::new(loader, crate::db::spawn_counted)
            .delay(self.delay)
    }
}

/// How a domain adds its DataLoaders to a request; every domain's is listed in
/// `schema::LOADERS` (the composition root hands them to the state).
pub type RegisterLoaders = fn(async_graphql::Request, &LoaderSetup<'_>) -> async_graphql::Request;

impl crate::jobs::Host for AppState {
    fn writer(&self) -> &DatabaseConnection {
        &self.inner.writer
    }

    fn handlers(&self) -> &'static [crate::jobs::Handler<AppState>] {
        self.inner.job_handlers
    }

    fn wake(&self) -> &crate::jobs::Wake {
        &self.inner.jobs
    }

    fn database_url(&self) -> &str {
        self.inner.config.database_url()
    }

    fn job_finished(&self, kind: &str, outcome: &str) {
        self.inner.metrics.job_finished(kind, outcome);
    }
}
