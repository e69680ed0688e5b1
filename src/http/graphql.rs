//! `/graphql` over HTTP: content-type (CSRF) and size checks, batch cap, bearer-token principal,
//! token and alias limits, mutations refused over GET, and codes on every error.

use std::any::Any;
use std::net::SocketAddr;

use async_graphql::http::MultipartOptions;
use async_graphql::parser::types::OperationType;
use async_graphql::{BatchRequest, BatchResponse};
use axum::Extension;
use axum::body::Body;
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;
use tracing::Instrument as _;

use super::RequestId;
use crate::audit::RequestMeta;
use crate::auth::Principal;
use crate::error::{AppError, ErrorCode, ensure_codes};
use crate::graphql::context::per_request;
use crate::graphql::prepare;
use crate::http::HttpState;
use crate::state::AppState;

/// Headers that force a CORS preflight; one of them must accompany a multipart POST.
const PREFLIGHT_HEADERS: [&str; 3] = [
    "apollo-require-preflight",
    "x-apollo-operation-name",
    "graphql-preflight",
];

/// A GraphQL-shaped error response outside of execution.
pub fn error_response(status: StatusCode, code: ErrorCode, message: &str) -> Response {
    (
        status,
        axum::Json(
            json!({ "errors": [{ "message": message, "extensions": { "code": code.as_str() } }] }),
        ),
    )
        .into_response()
}

/// `503` at once while the database is known to be unreachable (`db::health`).
pub fn database_unavailable() -> Response {
    let mut response = error_response(
        StatusCode::SERVICE_UNAVAILABLE,
        ErrorCode::InternalServerError,
        "the service is temporarily unavailable; retry shortly",
    );
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, header::HeaderValue::from_static("1"));
    response
}

/// `429` with `Retry-After` and a `RATE_LIMITED` error.
fn rate_limited(err: &AppError) -> Response {
    let retry = match err {
        AppError::RateLimited { retry_after_secs } => *retry_after_secs,
        _ => 60,
    };
    let mut response = error_response(
        StatusCode::TOO_MANY_REQUESTS,
        ErrorCode::RateLimited,
        &err.to_string(),
    );
    if let Ok(value) = header::HeaderValue::from_str(&retry.to_string()) {
        response.headers_mut().insert(header::RETRY_AFTER, value);
    }
    response
}

/// Resolves the principal and counts `ops` operations against the caller's IP (before any
/// other database work: the shared budget is read at most once a second per client, for at
/// most 100 ms) and user.
async fn admit(
    state: &HttpState,
    headers: &HeaderMap,
    peer: SocketAddr,
    ops: usize,
) -> Result<Option<Principal>, Response> {
    if state.db_health.is_down() {
        return Err(database_unavailable());
    }
    state
        .rate_limits
        .check_ip(peer.ip(), ops)
        .await
        .map_err(|err| rate_limited(&err))?;
    let principal = principal_or_response(state, headers).await?;
    if let Some(p) = &principal {
        state
            .rate_limits
            .check_user(p.user_id, ops)
            .await
            .map_err(|err| rate_limited(&err))?;
    }
    Ok(principal)
}

/// Answer of a request whose handler panicked: no detail leaks.
pub fn panic_response(_: Box<dyn Any + Send + 'static>) -> Response {
    tracing::error!("request handler panicked");
    error_response(
        StatusCode::INTERNAL_SERVER_ERROR,
        ErrorCode::InternalServerError,
        "Internal server error",
    )
}

/// The token of an `Authorization: Bearer <token>` value.
pub fn bearer_token(value: &str) -> Option<&str> {
    value
        .strip_prefix("Bearer ")
        .or_else(|| value.strip_prefix("bearer "))
        .map(str::trim)
        .filter(|t| !t.is_empty())
}

/// Resolves the principal from `Authorization: Bearer …`; a present but bad token is refused
/// outright (401) rather than silently treated as anonymous.
pub async fn principal_from(
    state: &AppState,
    authorization: Option<&str>,
) -> Result<Option<Principal>, AppError> {
    let Some(value) = authorization else {
        return Ok(None);
    };
    let token = bearer_token(value).ok_or(AppError::Unauthenticated(
        "the Authorization header must be `Bearer <token>`",
    ))?;
    crate::auth::edge::authenticate(&state.for_reads().db, &state.jwt, token)
        .await
        .map(Some)
}

async fn principal_or_response(
    state: &AppState,
    headers: &HeaderMap,
) -> Result<Option<Principal>, Response> {
    let authorization = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok());
    principal_from(state, authorization)
        .await
        .map_err(|err| match err {
            AppError::Unauthenticated(msg) => {
                error_response(StatusCode::UNAUTHORIZED, ErrorCode::Unauthenticated, msg)
            }
            other => {
                other.log_if_internal();
                error_response(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    ErrorCode::InternalServerError,
                    "Internal server error",
                )
            }
        })
}

/// The parameters of `GET /graphql` (GraphQL over HTTP): `query`, `operationName`, and
/// `variables` / `extensions` as JSON.
#[derive(serde::Deserialize)]
struct GetParams {
    #[serde(default)]
    query: String,
    #[serde(rename = "operationName")]
    operation_name: Option<String>,
    variables: Option<String>,
    extensions: Option<String>,
}

fn get_request(uri: &Uri) -> Result<async_graphql::Request, String> {
    let axum::extract::Query(params) =
        axum::extract::Query::<GetParams>::try_from_uri(uri).map_err(|e| e.body_text())?;
    let mut request = async_graphql::Request::new(params.query);
    if let Some(name) = params.operation_name.filter(|n| !n.is_empty()) {
        request = request.operation_name(name);
    }
    if let Some(variables) = params.variables.filter(|v| !v.is_empty()) {
        let json =
            serde_json::from_str(&variables).map_err(|e| format!("invalid variables: {e}"))?;
        request = request.variables(async_graphql::Variables::from_json(json));
    }
    if let Some(extensions) = params.extensions.filter(|v| !v.is_empty()) {
        request.extensions =
            serde_json::from_str(&extensions).map_err(|e| format!("invalid extensions: {e}"))?;
    }
    Ok(request)
}

struct Caller {
    principal: Option<Principal>,
    meta: RequestMeta,
}

/// Checks and runs one request (of a batch).
async fn run(
    state: &HttpState,
    caller: &Caller,
    request: async_graphql::Request,
) -> async_graphql::Response {
    let started = std::time::Instant::now();
    let (kind, name, response, statements) =
        match prepare::check(&state.config.limits, &state.documents, request) {
            Ok(mut checked) => {
                let kind = kind_of(checked.operation);
                let name = named_operation(&mut checked.request);
                let (response, statements) = run_checked(state, caller, checked)
                    .instrument(operation_span(kind, name.as_deref()))
                    .await;
                (kind, name, response, Some(statements))
            }
            Err(err) => {
                let mut response = async_graphql::Response::from_errors(vec![err]);
                ensure_codes(&mut response);
                ("invalid", None, response, None)
            }
        };
    count(state, name, kind, &response, started, statements);
    response
}

/// The span of one operation, named as OpenTelemetry's GraphQL conventions say (`query Board`).
fn operation_span(kind: &str, name: Option<&str>) -> tracing::Span {
    let label = match name {
        Some(name) => format!("{kind} {name}"),
        None => kind.to_owned(),
    };
    tracing::info_span!(
        "graphql",
        otel.name = %label,
        graphql.operation.type = kind,
        graphql.operation.name = name.unwrap_or_default(),
    )
}

/// Runs a checked request; returns its response and the SQL statements it ran.
async fn run_checked(
    state: &HttpState,
    caller: &Caller,
    checked: prepare::Checked,
) -> (async_graphql::Response, u64) {
    let order = checked.order();
    let request = per_request(
        checked.request,
        state,
        checked.operation,
        caller.principal.clone(),
        caller.meta.clone(),
    );
    let (response, statements) =
        crate::db::counting_statements(state.schema.execute(request)).await;
    let mut response = prepare::Checked::finish(order.as_ref(), response);
    ensure_codes(&mut response);
    (response, statements)
}

/// The name of the operation a parsed request runs: the one it names, if its document has it,
/// or the document's only named operation.
fn named_operation(request: &mut async_graphql::Request) -> Option<String> {
    let wanted = request.operation_name.clone();
    match &request.parsed_query().ok()?.operations {
        async_graphql::parser::types::DocumentOperations::Multiple(operations) => match wanted {
            Some(name) => operations
                .keys()
                .find(|n| n.as_str() == name)
                .map(|n| n.to_string()),
            None if operations.len() == 1 => operations.keys().next().map(|n| n.to_string()),
            None => None,
        },
        async_graphql::parser::types::DocumentOperations::Single(_) => None,
    }
}

fn kind_of(operation: async_graphql::parser::types::OperationType) -> &'static str {
    match operation {
        async_graphql::parser::types::OperationType::Query => "query",
        async_graphql::parser::types::OperationType::Mutation => "mutation",
        async_graphql::parser::types::OperationType::Subscription => "subscription",
    }
}

/// Counts an operation in `/metrics`. Its name is kept only when it ran (a request that could
/// not run — bad document, unknown fields — is counted without one), so that names are those
/// of real operations, not whatever a client writes.
fn count(
    state: &HttpState,
    name: Option<String>,
    kind: &str,
    response: &async_graphql::Response,
    started: std::time::Instant,
    statements: Option<u64>,
) {
    let request_error = is_request_error(response);
    let code = response
        .errors
        .first()
        .and_then(|e| e.extensions.as_ref())
        .and_then(|x| x.get("code"))
        .and_then(|c| match c {
            async_graphql::Value::String(code) => Some(code.clone()),
            async_graphql::Value::Enum(code) => Some(code.to_string()),
            _ => None,
        });
    state.app.metrics.operation(
        name.filter(|_| !request_error).as_deref(),
        kind,
        code.as_deref().unwrap_or("OK"),
        started.elapsed().as_secs_f64(),
        statements,
    );
}

/// A request that could not run at all: errors without a path, and no data.
fn is_request_error(response: &async_graphql::Response) -> bool {
    matches!(response.data, async_graphql::Value::Null)
        && !response.errors.is_empty()
        && response.errors.iter().all(|e| e.path.is_empty())
}

fn caller_meta(request_id: &RequestId, peer: SocketAddr) -> RequestMeta {
    RequestMeta {
        request_id: Some(request_id.0.clone()),
        ip: Some(peer.ip()),
    }
}

fn media_type(headers: &HeaderMap) -> String {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|v| v.trim().to_ascii_lowercase())
        .unwrap_or_default()
}

/// `POST /graphql`: JSON, or GraphQL multipart with a preflight-forcing header.
pub async fn post_handler(
    State(state): State<HttpState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Extension(request_id): Extension<RequestId>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let peer = crate::client_ip::client_addr(&state.config.trusted_proxies, peer, &headers);
    let media = media_type(&headers);
    let multipart = media == "multipart/form-data";
    if !(media == "application/json" || media == "application/graphql-response+json" || multipart) {
        return error_response(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ErrorCode::BadUserInput,
            "POST /graphql requires `Content-Type: application/json`",
        );
    }
    if multipart && !PREFLIGHT_HEADERS.iter().any(|h| headers.contains_key(*h)) {
        return error_response(
            StatusCode::BAD_REQUEST,
            ErrorCode::BadUserInput,
            "multipart requests must carry an `Apollo-Require-Preflight` header",
        );
    }
    // A multipart request carries files (uploads) beside its operations.
    let limit = if multipart {
        state
            .config
            .limits
            .max_body_bytes
            .saturating_add(state.config.limits.max_upload_bytes)
    } else {
        state.config.limits.max_body_bytes
    };
    let bytes = match read_bounded(body, limit, state.config.limits.max_discarded_body_bytes).await
    {
        Ok(bytes) => bytes,
        Err(BodyError::Unreadable) => {
            return error_response(
                StatusCode::BAD_REQUEST,
                ErrorCode::BadUserInput,
                "the request body could not be read",
            );
        }
        Err(BodyError::Oversized { drained }) => {
            let mut response = error_response(
                StatusCode::PAYLOAD_TOO_LARGE,
                ErrorCode::BadUserInput,
                &format!("request body exceeds {limit} bytes"),
            );
            if !drained {
                // The rest of the body is still coming: the connection cannot be reused.
                response.headers_mut().insert(
                    header::CONNECTION,
                    header::HeaderValue::from_static("close"),
                );
            }
            return response;
        }
    };
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let batch = match async_graphql::http::receive_batch_body(
        content_type,
        futures_util::io::Cursor::new(bytes.to_vec()),
        MultipartOptions::default()
            .max_file_size(limit)
            .max_num_files(10),
    )
    .await
    {
        Ok(batch) => batch,
        Err(err) => {
            return error_response(
                StatusCode::BAD_REQUEST,
                ErrorCode::BadUserInput,
                &format!("invalid GraphQL request: {err}"),
            );
        }
    };
    let max_batch = state.config.limits.max_batch;
    if let BatchRequest::Batch(_) = &batch
        && max_batch == 0
    {
        return error_response(
            StatusCode::BAD_REQUEST,
            ErrorCode::BadUserInput,
            "batching is off on this server (TALENTGRAPH_MAX_BATCH turns it on)",
        );
    }
    if let BatchRequest::Batch(requests) = &batch
        && requests.len() > max_batch
    {
        return error_response(
            StatusCode::BAD_REQUEST,
            ErrorCode::QueryTooComplex,
            &format!("a batch may hold at most {max_batch} operations"),
        );
    }
    let ops = match &batch {
        BatchRequest::Single(_) => 1,
        BatchRequest::Batch(requests) => requests.len(),
    };
    let principal = match admit(&state, &headers, peer, ops).await {
        Ok(p) => p,
        Err(response) => return response,
    };
    let caller = Caller {
        principal,
        meta: caller_meta(&request_id, peer),
    };
    let response = match batch {
        BatchRequest::Single(request) => {
            let response = run(&state, &caller, request).await;
            if wants_graphql_response(&headers) {
                return graphql_response(&response);
            }
            BatchResponse::Single(response)
        }
        BatchRequest::Batch(requests) => {
            let mut responses = Vec::with_capacity(requests.len());
            for request in requests {
                responses.push(run(&state, &caller, request).await);
            }
            BatchResponse::Batch(responses)
        }
    };
    json_response(&response)
}

/// Whether the client accepts `application/graphql-response+json` (GraphQL over HTTP), with a
/// quality above 0.
fn wants_graphql_response(headers: &HeaderMap) -> bool {
    headers
        .get_all(header::ACCEPT)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|range| {
            let mut parts = range.split(';').map(str::trim);
            let media = parts.next().unwrap_or_default();
            let refused = parts.any(|p| {
                p.strip_prefix("q=")
                    .and_then(|q| q.parse::<f32>().ok())
                    .is_some_and(|q| q <= 0.0)
            });
            media.eq_ignore_ascii_case("application/graphql-response+json") && !refused
        })
}

/// A response as GraphQL over HTTP's `application/graphql-response+json` gives it: a request
/// that could not be executed at all (it did not parse, did not validate, broke a limit, its
/// variables did not coerce: errors without a path, and no data) is a 400 without a `data`
/// entry; one that executed is a 200, field errors and all.
fn graphql_response(response: &async_graphql::Response) -> Response {
    let request_error = is_request_error(response);
    let mut buf = Vec::with_capacity(4096);
    let written = if request_error {
        serde_json::to_writer(&mut buf, &serde_json::json!({ "errors": response.errors }))
    } else {
        serde_json::to_writer(&mut buf, response)
    };
    if let Err(err) = written {
        tracing::error!(error = %err, "cannot serialize a GraphQL response");
        return error_response(
            StatusCode::INTERNAL_SERVER_ERROR,
            ErrorCode::InternalServerError,
            "Internal server error",
        );
    }
    let status = if request_error {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    (
        status,
        [(
            header::CONTENT_TYPE,
            header::HeaderValue::from_static("application/graphql-response+json; charset=utf-8"),
        )],
        buf,
    )
        .into_response()
}

/// A GraphQL response as `application/json`, serialized straight into one growing `Vec`:
/// `axum::Json` writes through a `BytesMut` writer, one small copy per token, which cost as
/// much as the escaping itself on a 400 KB response.
fn json_response(body: &impl serde::Serialize) -> Response {
    let mut buf = Vec::with_capacity(4096);
    match serde_json::to_writer(&mut buf, body) {
        Ok(()) => (
            [(
                header::CONTENT_TYPE,
                header::HeaderValue::from_static("application/json"),
            )],
            buf,
        )
            .into_response(),
        Err(err) => {
            tracing::error!(error = %err, "cannot serialize a GraphQL response");
            error_response(
                StatusCode::INTERNAL_SERVER_ERROR,
                ErrorCode::InternalServerError,
                "Internal server error",
            )
        }
    }
}

enum BodyError {
    /// Over the limit; `drained` when it was read to its end (so that the 413 arrives as a
    /// response rather than as a connection reset while the client is still sending).
    Oversized { drained: bool },
    /// The client stopped sending or sent garbage.
    Unreadable,
}

/// Reads at most `limit` bytes of `body`. Past the limit the rest is read and thrown away, up
/// to `discard` bytes in all; a body announced or found larger than that is not drained.
async fn read_bounded(
    body: Body,
    limit: usize,
    discard: usize,
) -> Result<axum::body::Bytes, BodyError> {
    use axum::body::HttpBody as _;
    use futures_util::StreamExt as _;
    if body.size_hint().lower() > u64::try_from(discard).unwrap_or(u64::MAX) {
        return Err(BodyError::Oversized { drained: false });
    }
    let mut stream = body.into_data_stream();
    let mut kept = Vec::new();
    let mut seen = 0usize;
    while let Some(chunk) = stream.next().await {
        let Ok(chunk) = chunk else {
            return Err(BodyError::Unreadable);
        };
        seen = seen.saturating_add(chunk.len());
        if seen > discard {
            return Err(BodyError::Oversized { drained: false });
        }
        if seen <= limit {
            kept.extend_from_slice(&chunk);
        }
    }
    if seen > limit {
        return Err(BodyError::Oversized { drained: true });
    }
    Ok(kept.into())
}

fn wants_html(headers: &HeaderMap) -> bool {
    headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("text/html"))
}

/// `GET /graphql`: queries only (mutations answer 405); GraphiQL for browsers.
pub async fn get_handler(
    State(state): State<HttpState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Extension(request_id): Extension<RequestId>,
    headers: HeaderMap,
    method: Method,
    uri: Uri,
) -> Response {
    let peer = crate::client_ip::client_addr(&state.config.trusted_proxies, peer, &headers);
    let query = uri.query().unwrap_or_default();
    if query.is_empty() && method == Method::GET && wants_html(&headers) && state.config.graphiql {
        return super::ui::graphiql_page(&state);
    }
    let request = match get_request(&uri) {
        Ok(request) => request,
        Err(err) => {
            return error_response(
                StatusCode::BAD_REQUEST,
                ErrorCode::BadUserInput,
                &format!("invalid GraphQL request: {err}"),
            );
        }
    };
    let started = std::time::Instant::now();
    let mut checked = match prepare::check(&state.config.limits, &state.documents, request) {
        Ok(checked) => checked,
        Err(err) => {
            let mut response = async_graphql::Response::from_errors(vec![err]);
            ensure_codes(&mut response);
            count(&state, None, "invalid", &response, started, None);
            if wants_graphql_response(&headers) {
                return graphql_response(&response);
            }
            return json_response(&response);
        }
    };
    match checked.operation {
        OperationType::Mutation => {
            let mut response = error_response(
                StatusCode::METHOD_NOT_ALLOWED,
                ErrorCode::BadUserInput,
                "mutations must be sent with POST",
            );
            response
                .headers_mut()
                .insert(header::ALLOW, header::HeaderValue::from_static("POST"));
            return response;
        }
        OperationType::Query | OperationType::Subscription => {}
    }
    let principal = match admit(&state, &headers, peer, 1).await {
        Ok(p) => p,
        Err(response) => return response,
    };
    let caller = Caller {
        principal,
        meta: caller_meta(&request_id, peer),
    };
    let (kind, name) = (
        kind_of(checked.operation),
        named_operation(&mut checked.request),
    );
    let (response, statements) = run_checked(&state, &caller, checked)
        .instrument(operation_span(kind, name.as_deref()))
        .await;
    count(&state, name, kind, &response, started, Some(statements));
    if wants_graphql_response(&headers) {
        return graphql_response(&response);
    }
    json_response(&response)
}
