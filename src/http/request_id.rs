//! A request id on every request: taken from a well-formed `x-request-id` header or generated,
//! echoed in the response, and attached to a tracing span so every log line of the request has it.

use axum::extract::Request;
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::Response;
use tracing::Instrument as _;
use uuid::Uuid;

pub const HEADER: &str = "x-request-id";

/// The id of the current request.
#[derive(Debug, Clone)]
pub struct RequestId(pub String);

fn acceptable(value: &str) -> bool {
    (1..=64).contains(&value.len())
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

/// The path as logged: a download link's token is a capability (whoever reads it may fetch the
/// file until it expires), so it never reaches the logs.
fn logged_path(path: &str) -> &str {
    if path.starts_with("/files/") {
        "/files/<token>"
    } else {
        path
    }
}

pub async fn layer(mut request: Request, next: Next) -> Response {
    let id = request
        .headers()
        .get(HEADER)
        .and_then(|v| v.to_str().ok())
        .filter(|v| acceptable(v))
        .map(str::to_owned)
        .unwrap_or_else(|| Uuid::now_v7().to_string());
    request.extensions_mut().insert(RequestId(id.clone()));
    let span = tracing::info_span!(
        "request",
        request_id = %id,
        method = %request.method(),
        path = %logged_path(request.uri().path()),
    );
    let started = std::time::Instant::now();
    let mut response = next.run(request).instrument(span.clone()).await;
    span.in_scope(|| {
        tracing::info!(
            status = response.status().as_u16(),
            elapsed_ms = started.elapsed().as_millis() as u64,
            "request finished"
        );
    });
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert(HEADER, value);
    }
    response
}
