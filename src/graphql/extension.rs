//! The request extension shared by HTTP and WebSocket: token and alias limits around parsing,
//! parse-error codes, and for WebSocket operations the per-operation re-authentication, rate
//! limits and request data that HTTP does at its edge.

use std::sync::Arc;

use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextExecute, NextParseQuery, NextPrepareRequest,
};
use async_graphql::parser::types::ExecutableDocument;
use async_graphql::{Request, Response, ServerError, ServerResult, Variables};

use super::context::per_request;
use super::limits::{check_aliases, check_depth, check_tokens};
use super::order::RootOrder;
use crate::app::AppState;
use crate::audit::RequestMeta;
use crate::error::{AppError, ErrorCode, classify_engine_error};

/// What a WebSocket connection carries from `connection_init` to each of its operations.
#[derive(Clone)]
pub struct WsSession {
    /// The bearer token of `connection_init`, re-checked before every operation.
    pub token: Option<String>,
    pub meta: RequestMeta,
}

pub struct RequestSetup;

impl ExtensionFactory for RequestSetup {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(RequestSetupExtension::default())
    }
}

/// One per request; keeps what parsing learnt for execution.
#[derive(Default)]
struct RequestSetupExtension {
    /// The parsed document, for the response's key order.
    document: std::sync::Mutex<Option<ExecutableDocument>>,
}

fn server_error(err: AppError) -> ServerError {
    async_graphql::Error::from(err).into_server_error(async_graphql::Pos::default())
}

pub fn with_code(mut err: ServerError, code: ErrorCode) -> ServerError {
    err.extensions
        .get_or_insert_with(Default::default)
        .set("code", code.as_str());
    err
}

#[async_trait::async_trait]
impl Extension for RequestSetupExtension {
    async fn prepare_request(
        &self,
        ctx: &ExtensionContext<'_>,
        request: Request,
        next: NextPrepareRequest<'_>,
    ) -> ServerResult<Request> {
        let request = match (ctx.data_opt::<WsSession>(), ctx.data_opt::<AppState>()) {
            (Some(session), Some(state)) => {
                if let Some(ip) = session.meta.ip {
                    state.rate_limits.check_ip(ip, 1).map_err(server_error)?;
                }
                let principal = match &session.token {
                    Some(token) => Some(
                        crate::tenancy::sessions::authenticate(state, token)
                            .await
                            .map_err(server_error)?,
                    ),
                    None => None,
                };
                if let Some(p) = &principal {
                    state
                        .rate_limits
                        .check_user(p.user_id, 1)
                        .map_err(server_error)?;
                }
                per_request(request, state, principal, session.meta.clone())
            }
            _ => request,
        };
        next.run(ctx, request).await
    }

    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        let defaults;
        let limits = match ctx.data_opt::<AppState>() {
            Some(state) => &state.config.limits,
            None => {
                defaults = crate::config::Limits::default();
                &defaults
            }
        };
        let (max_tokens, max_aliases, max_depth) =
            (limits.max_tokens, limits.max_aliases, limits.max_depth);
        let max_fields = u64::try_from(limits.max_complexity).unwrap_or(u64::MAX);
        check_tokens(query, max_tokens)?;
        // The engine's own parse step follows every fragment spread anew (its recursion and
        // directive checks), which a document of fragments spreading each other twice over
        // makes exponential. A document with spreads is therefore parsed and measured here
        // first, each fragment once (`check_depth`), and refused before the engine sees it.
        if query.contains("...") {
            let doc = async_graphql::parser::parse_query(query).map_err(|err| {
                with_code(
                    ServerError::new(err.to_string(), None),
                    ErrorCode::GraphqlParseFailed,
                )
            })?;
            check_aliases(&doc, max_aliases)?;
            check_depth(&doc, max_depth, max_fields)?;
        }
        let doc = next.run(ctx, query, variables).await.map_err(|err| {
            // The engine checks its directive limit while parsing.
            let code = match classify_engine_error(&err.message) {
                ErrorCode::QueryTooComplex => ErrorCode::QueryTooComplex,
                _ => ErrorCode::GraphqlParseFailed,
            };
            with_code(err, code)
        })?;
        check_aliases(&doc, max_aliases)?;
        check_depth(&doc, max_depth, max_fields)?;
        if let Ok(mut kept) = self.document.lock() {
            *kept = Some(doc.clone());
        }
        Ok(doc)
    }

    async fn execute(
        &self,
        ctx: &ExtensionContext<'_>,
        operation_name: Option<&str>,
        next: NextExecute<'_>,
    ) -> Response {
        let order = match self.document.lock().ok().and_then(|mut d| d.take()) {
            Some(doc) => RootOrder::of(&doc, operation_name),
            // A document parsed before execution (GET) brings its order along.
            None => ctx.data_opt::<RootOrder>().cloned(),
        };
        let mut response = next.run(ctx, operation_name).await;
        if let Some(order) = order {
            order.apply(&mut response.data);
        }
        response
    }
}
