//! Which browser pages may use the API: the server's own (GraphiQL, the playground) and the
//! origins of `TALENTGRAPH_ALLOWED_ORIGINS`, for CORS on `/graphql` and for opening
//! `/graphql/ws` (a WebSocket is not subject to CORS, so its `Origin` is checked here).
//! Clients that are not browsers send no `Origin` and are not concerned.

use std::time::Duration;

use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, header};
use tower_http::cors::{AllowOrigin, CorsLayer};

/// The CORS layer for the configured origins; none when there are none (same-origin only).
pub fn cors(allowed: &[String]) -> Option<CorsLayer> {
    if allowed.is_empty() {
        return None;
    }
    let origins: Vec<HeaderValue> = allowed
        .iter()
        .filter_map(|o| HeaderValue::from_str(o).ok())
        .collect();
    Some(
        CorsLayer::new()
            .allow_origin(AllowOrigin::list(origins))
            .allow_methods([Method::GET, Method::POST])
            .allow_headers([
                header::AUTHORIZATION,
                header::CONTENT_TYPE,
                header::ACCEPT,
                HeaderName::from_static("x-request-id"),
            ])
            .expose_headers([HeaderName::from_static("x-request-id")])
            .max_age(Duration::from_secs(600)),
    )
}

/// Whether a request's `Origin` may use the API: absent (not a browser), the server's own
/// (same host as the request's `Host`), or configured.
pub fn allowed(headers: &HeaderMap, allowed: &[String]) -> bool {
    let Some(origin) = headers.get(header::ORIGIN) else {
        return true;
    };
    let Ok(origin) = origin.to_str() else {
        return false;
    };
    let origin = origin.trim_end_matches('/').to_ascii_lowercase();
    if allowed.contains(&origin) {
        return true;
    }
    let own_host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .map(str::to_ascii_lowercase);
    let origin_host = origin
        .split_once("://")
        .map(|(_, authority)| authority.to_owned());
    matches!((own_host, origin_host), (Some(own), Some(theirs)) if own == theirs)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(origin: Option<&str>, host: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(header::HOST, HeaderValue::from_str(host).expect("host"));
        if let Some(o) = origin {
            h.insert(header::ORIGIN, HeaderValue::from_str(o).expect("origin"));
        }
        h
    }

    #[test]
    fn own_configured_and_absent_origins_are_allowed_others_not() {
        let list = vec!["https://app.example.com".to_owned()];
        assert!(allowed(&headers(None, "api.example.com"), &list));
        assert!(allowed(
            &headers(Some("https://app.example.com"), "api.example.com"),
            &list
        ));
        assert!(allowed(
            &headers(Some("http://127.0.0.1:8080"), "127.0.0.1:8080"),
            &list
        ));
        assert!(!allowed(
            &headers(Some("https://evil.example"), "api.example.com"),
            &list
        ));
        assert!(!allowed(&headers(Some("null"), "api.example.com"), &list));
    }
}
