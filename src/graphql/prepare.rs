//! What every GraphQL request goes through before and after the engine runs it, over HTTP and
//! WebSocket alike: the document parsed once and held to the limits (tokens before parsing;
//! aliases, depth, fields after), the response's root keys put back in query order, and for
//! WebSocket operations the per-operation re-authentication, rate limits and request data that
//! HTTP does at its edge.
//!
//! This is done around execution rather than in a schema extension: async-graphql runs every
//! field of a response through each extension's `resolve` hook, and that per-field wrapper cost
//! more than the per-request work it carried.

use std::sync::Arc;

use async_graphql::parser::types::{ExecutableDocument, OperationType};
use async_graphql::{Request, Response, ServerError};

use super::context::per_request;
use super::limits::{check_aliases, check_depth, check_tokens};
use super::order::RootOrder;
use crate::audit::RequestMeta;
use crate::auth::Principal;
use crate::config::Limits;
use crate::error::{AppError, ErrorCode};
use crate::state::AppState;

/// What a WebSocket connection carries from `connection_init` to each of its operations.
#[derive(Clone)]
pub struct WsSession {
    /// The bearer token of `connection_init`, re-checked before every operation.
    pub token: Option<String>,
    pub meta: RequestMeta,
}

pub fn with_code(mut err: ServerError, code: ErrorCode) -> ServerError {
    err.extensions
        .get_or_insert_with(Default::default)
        .set("code", code.as_str());
    err
}

pub fn server_error(err: AppError) -> ServerError {
    async_graphql::Error::from(err).into_server_error(async_graphql::Pos::default())
}

/// A request checked against the limits, its document parsed (the engine does not parse it
/// again); `order` puts the response's root keys back in query order.
pub struct Checked {
    pub request: Request,
    pub operation: OperationType,
    order: Option<RootOrder>,
}

impl Checked {
    /// The response with its root keys in query order.
    pub fn finish(order: Option<&RootOrder>, mut response: Response) -> Response {
        if let Some(order) = order {
            order.apply(&mut response.data);
        }
        response
    }

    pub fn order(&self) -> Option<RootOrder> {
        self.order.clone()
    }
}

/// A document parsed and held to the limits, with what its request needs of it.
struct Prepared {
    query: String,
    operation_name: Option<String>,
    doc: ExecutableDocument,
    operation: OperationType,
    order: Option<RootOrder>,
}

/// Documents already parsed and held to the limits, by query text and operation name: clients
/// send the same few operations again and again, and a copy of the parsed document costs a
/// fraction of parsing it. Bounded in entries and in the size of each document; validation
/// against the schema (which depends on the caller's role) still runs on every request.
pub struct DocumentCache {
    entries: std::sync::Mutex<lru::LruCache<u64, Arc<Prepared>>>,
    hasher: std::hash::RandomState,
    /// Documents named by their hash (trusted and automatic persisted queries).
    persisted: super::persisted::Persisted,
}

impl DocumentCache {
    /// Documents kept.
    const ENTRIES: usize = 512;
    /// Longer documents are parsed each time (they are rarely sent twice, and would hold
    /// the most memory).
    const MAX_QUERY_BYTES: usize = 16 * 1024;

    pub fn new(trusted: Arc<crate::trusted_documents::TrustedDocuments>) -> Self {
        DocumentCache {
            entries: std::sync::Mutex::new(lru::LruCache::new(
                std::num::NonZeroUsize::new(Self::ENTRIES).unwrap_or(std::num::NonZeroUsize::MIN),
            )),
            hasher: std::hash::RandomState::new(),
            persisted: super::persisted::Persisted::new(trusted),
        }
    }

    fn key(&self, query: &str, operation_name: Option<&str>) -> u64 {
        std::hash::BuildHasher::hash_one(&self.hasher, (query, operation_name))
    }

    fn get(&self, query: &str, operation_name: Option<&str>) -> Option<Arc<Prepared>> {
        let key = self.key(query, operation_name);
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        entries
            .get(&key)
            // The text is compared, not only its hash.
            .filter(|p| p.query == query && p.operation_name.as_deref() == operation_name)
            .cloned()
    }

    fn put(&self, prepared: Prepared) {
        if prepared.query.len() > Self::MAX_QUERY_BYTES {
            return;
        }
        let key = self.key(&prepared.query, prepared.operation_name.as_deref());
        self.entries
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .put(key, Arc::new(prepared));
    }
}

/// Parses `request`'s document once and holds it to the limits: `QUERY_TOO_COMPLEX` past
/// them, `GRAPHQL_PARSE_FAILED` when it does not parse. A document seen before comes from
/// `cache`, already checked. A document named by its hash is looked up first
/// (`graphql::persisted`), and in strict mode only trusted documents pass.
pub fn check(
    limits: &Limits,
    cache: &DocumentCache,
    mut request: Request,
) -> Result<Checked, ServerError> {
    let register = cache.persisted.resolve(&mut request)?;
    if let Some(hit) = cache.get(&request.query, request.operation_name.as_deref()) {
        if let Some(hash) = register {
            cache.persisted.register(hash, &request.query);
        }
        request.set_parsed_query(hit.doc.clone());
        return Ok(Checked {
            request,
            operation: hit.operation,
            order: hit.order.clone(),
        });
    }
    check_tokens(&request.query, limits.max_tokens)?;
    let query = request.query.clone();
    let operation_name = request.operation_name.clone();
    let doc = request
        .parsed_query()
        .map_err(|err| with_code(err, ErrorCode::GraphqlParseFailed))?;
    check_aliases(doc, limits.max_aliases)?;
    check_depth(
        doc,
        limits.max_depth,
        u64::try_from(limits.max_complexity).unwrap_or(u64::MAX),
    )?;
    let order = RootOrder::of(doc, operation_name.as_deref());
    let operation = super::order::operation(doc, operation_name.as_deref())
        .map(|op| op.node.ty)
        // An unknown or ambiguous operation is reported by the engine's own validation.
        .unwrap_or(OperationType::Query);
    if let Some(hash) = register {
        cache.persisted.register(hash, &query);
    }
    cache.put(Prepared {
        query,
        operation_name,
        doc: doc.clone(),
        operation,
        order: order.clone(),
    });
    Ok(Checked {
        request,
        operation,
        order,
    })
}

/// One operation of a WebSocket: the token of `connection_init` checked again (a deactivated
/// user or an expired token stops working on an open socket too) and the rate limits counted,
/// as HTTP does at its edge. Returns the principal the operation runs as.
pub async fn ws_admit(
    state: &AppState,
    session: &WsSession,
) -> Result<Option<Principal>, ServerError> {
    if let Some(ip) = session.meta.ip {
        state
            .rate_limits
            .check_ip(ip, 1)
            .await
            .map_err(server_error)?;
    }
    let principal = ws_principal(state, session).await?;
    if let Some(p) = &principal {
        state
            .rate_limits
            .check_user(p.user_id, 1)
            .await
            .map_err(server_error)?;
    }
    Ok(principal)
}

/// The principal of a WebSocket's `connection_init` token, checked again (no rate limit
/// counted: for an operation that goes on, such as a subscription's replay).
pub async fn ws_principal(
    state: &AppState,
    session: &WsSession,
) -> Result<Option<Principal>, ServerError> {
    match &session.token {
        Some(token) => Ok(Some(
            crate::auth::edge::authenticate(&state.for_reads().db, &state.jwt, token)
                .await
                .map_err(server_error)?,
        )),
        None => Ok(None),
    }
}

impl Checked {
    /// The request with the data an operation runs with (principal, loaders), as HTTP attaches
    /// it at its edge.
    pub fn with_data(
        self,
        state: &AppState,
        principal: Option<Principal>,
        meta: RequestMeta,
    ) -> Checked {
        let Checked {
            request,
            operation,
            order,
        } = self;
        Checked {
            request: per_request(request, state, operation, principal, meta),
            operation,
            order,
        }
    }

    /// A subscription's request, to be checked and run again (a member of a shared
    /// subscription that replays on its own).
    pub fn subscription(request: Request, order: Option<RootOrder>) -> Checked {
        Checked {
            request,
            operation: OperationType::Subscription,
            order,
        }
    }
}
