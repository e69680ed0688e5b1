//! What every GraphQL request goes through before and after the engine runs it, over HTTP and
//! WebSocket alike: the document parsed once and held to the limits (tokens before parsing;
//! aliases, depth, fields after), the response's root keys put back in query order, and for
//! WebSocket operations the per-operation re-authentication, rate limits and request data that
//! HTTP does at its edge.
//!
//! This is done around execution rather than in a schema extension: async-graphql runs every
//! field of a response through each extension's `resolve` hook, and that per-field wrapper cost
//! more than the per-request work it carried.

use async_graphql::parser::types::{DocumentOperations, OperationType};
use async_graphql::{Request, Response, ServerError};

use super::context::per_request;
use super::limits::{check_aliases, check_depth, check_tokens};
use super::order::RootOrder;
use crate::app::AppState;
use crate::audit::RequestMeta;
use crate::config::Limits;
use crate::error::{AppError, ErrorCode};

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

fn server_error(err: AppError) -> ServerError {
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

/// Parses `request`'s document once and holds it to the limits: `QUERY_TOO_COMPLEX` past
/// them, `GRAPHQL_PARSE_FAILED` when it does not parse.
pub fn check(limits: &Limits, mut request: Request) -> Result<Checked, ServerError> {
    check_tokens(&request.query, limits.max_tokens)?;
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
    let operation = match (&doc.operations, operation_name.as_deref()) {
        (DocumentOperations::Single(op), _) => Some(op.node.ty),
        (DocumentOperations::Multiple(ops), Some(name)) => ops.get(name).map(|op| op.node.ty),
        (DocumentOperations::Multiple(ops), None) if ops.len() == 1 => {
            ops.values().next().map(|op| op.node.ty)
        }
        _ => None,
    }
    // An unknown or ambiguous operation is reported by the engine's own validation.
    .unwrap_or(OperationType::Query);
    Ok(Checked {
        request,
        operation,
        order,
    })
}

/// One operation of a WebSocket: the token of `connection_init` checked again (a deactivated
/// user or an expired token stops working on an open socket too), the rate limits counted, and
/// the request's data (principal, loaders) attached, as HTTP does at its edge.
pub async fn ws_operation(
    state: &AppState,
    session: &WsSession,
    request: Request,
) -> Result<Request, ServerError> {
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
    Ok(per_request(request, state, principal, session.meta.clone()))
}
