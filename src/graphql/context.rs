//! Typed access to what the edge put into a request: the principal, the app state, the request
//! metadata and a per-request cache of tenant keys.

use std::collections::HashMap;
use std::sync::Arc;

use async_graphql::Context;
use async_graphql::parser::types::OperationType;
use tokio::sync::Mutex;
use uuid::Uuid;

use crate::audit::RequestMeta;
use crate::auth::Principal;
use crate::crypto::{TenantKeys, load_tenant_keys};
use crate::error::{AppError, Result};
use crate::state::AppState;
use crate::unit::{Actor, UnitOfWork};

/// Everything a request carries besides the query: the principal, where it came from, the
/// database connection it reads with, and the per-request caches and loaders (built here, with
/// the principal inside, so that no cache or batch is ever shared between requests or
/// tenants). Used by HTTP and WebSocket alike.
///
/// A query reads through the readers (`AppState::for_reads`): on SQLite it then never waits
/// for the one writer connection. Mutations and subscriptions use the writer.
pub fn per_request(
    request: async_graphql::Request,
    state: &AppState,
    operation: OperationType,
    principal: Option<Principal>,
    meta: RequestMeta,
) -> async_graphql::Request {
    let state = match operation {
        OperationType::Query => state.for_reads(),
        OperationType::Mutation | OperationType::Subscription => state.clone(),
    };
    let setup = LoaderSetup {
        db: &state.db,
        principal: principal.as_ref(),
        delay: state.config.limits.dataloader_delay,
    };
    let request = state
        .loaders()
        .iter()
        .fold(request, |request, register| register(request, &setup))
        .data(meta)
        .data(KeyCache::default())
        .data(DeniedLog::default())
        .data(state);
    match principal {
        Some(p) => request.data(p),
        None => request,
    }
}

pub use crate::state::{LoaderSetup, RegisterLoaders};

/// Permissions already denied (and audited) during this request: a query that trips the same
/// guard many times (aliases, batches, lists) writes one audit event, not one per field.
#[derive(Default)]
pub struct DeniedLog(std::sync::Mutex<std::collections::HashSet<crate::auth::Permission>>);

impl DeniedLog {
    /// True the first time `permission` is denied in this request.
    pub fn first_denial(&self, permission: crate::auth::Permission) -> bool {
        self.0
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(permission)
    }
}

/// Tenant keys unwrapped during this request, so that a list of rows unwraps them once.
#[derive(Default)]
pub struct KeyCache(Mutex<HashMap<Uuid, Arc<TenantKeys>>>);

pub trait ContextExt {
    /// The signed-in principal, or `UNAUTHENTICATED`.
    fn principal(&self) -> Result<&Principal>;
    fn state(&self) -> Result<&AppState>;
    fn request_meta(&self) -> RequestMeta;
    /// The tenant's unwrapped keys, loaded at most once per request.
    fn tenant_keys(&self, tenant_id: Uuid) -> impl Future<Output = Result<Arc<TenantKeys>>> + Send;
    /// A unit of work for this request's actor (the principal, or anonymous); the resolver
    /// commits it once the service succeeded.
    fn unit_of_work(&self) -> impl Future<Output = Result<UnitOfWork>> + Send;
}

impl ContextExt for Context<'_> {
    fn principal(&self) -> Result<&Principal> {
        self.data_opt::<Principal>()
            .ok_or(AppError::Unauthenticated("sign in to use this operation"))
    }

    fn state(&self) -> Result<&AppState> {
        self.data_opt::<AppState>()
            .ok_or_else(|| AppError::internal("application state missing from the schema"))
    }

    fn request_meta(&self) -> RequestMeta {
        self.data_opt::<RequestMeta>().cloned().unwrap_or_default()
    }

    async fn unit_of_work(&self) -> Result<UnitOfWork> {
        let actor = match self.data_opt::<Principal>() {
            Some(p) => Actor::User(p.clone()),
            None => Actor::Anonymous,
        };
        self.state()?.unit_of_work(actor, self.request_meta()).await
    }

    async fn tenant_keys(&self, tenant_id: Uuid) -> Result<Arc<TenantKeys>> {
        let state = self.state()?;
        let Some(cache) = self.data_opt::<KeyCache>() else {
            return Ok(Arc::new(
                load_tenant_keys(&state.db, &state.config.master_keys, tenant_id).await?,
            ));
        };
        let mut map = cache.0.lock().await;
        if let Some(keys) = map.get(&tenant_id) {
            return Ok(keys.clone());
        }
        let keys =
            Arc::new(load_tenant_keys(&state.db, &state.config.master_keys, tenant_id).await?);
        map.insert(tenant_id, keys.clone());
        Ok(keys)
    }
}

/// Parses a GraphQL `ID` as a UUID; a malformed one is `BAD_USER_INPUT` naming the field.
pub fn parse_id(field: &str, id: &async_graphql::ID) -> Result<Uuid> {
    Uuid::parse_str(id.as_str()).map_err(|_| AppError::invalid(field, "is not a valid id"))
}

/// The request's DataLoader of type `L`.
pub fn loader<'a, L: Send + Sync + 'static>(
    ctx: &'a Context<'_>,
) -> Result<&'a async_graphql::dataloader::DataLoader<L>> {
    ctx.data_opt::<async_graphql::dataloader::DataLoader<L>>()
        .ok_or_else(|| AppError::internal("a DataLoader is missing from the request"))
}

/// A related row through the request's DataLoader; outside the principal's scope it is
/// `NOT_FOUND` (`what` names it).
pub async fn load_related<L>(
    ctx: &Context<'_>,
    key: Uuid,
    what: &'static str,
) -> async_graphql::Result<L::Value>
where
    L: async_graphql::dataloader::Loader<Uuid, Error = async_graphql::Error>,
{
    Box::pin(loader::<L>(ctx)?.load_one(key))
        .await?
        .ok_or_else(|| AppError::NotFound(what).into())
}
