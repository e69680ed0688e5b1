//! HTTP surface: routes, request ids and hardening middleware.

pub(crate) mod graphql;
mod health;
pub mod origin;
pub mod rate_limit;
mod request_id;
pub mod server;
mod ws;

use std::time::Duration;

use axum::Router;
use axum::routing::get;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::timeout::TimeoutLayer;

use crate::app::HttpState;

pub use request_id::RequestId;

/// All routes of the server.
pub fn router(state: HttpState) -> Router {
    let cors = origin::cors(&state.config.allowed_origins);
    let router = Router::new()
        .route(
            "/graphql",
            get(graphql::get_handler).post(graphql::post_handler),
        )
        .route("/graphql/ws", get(ws::handler))
        .route("/graphiql", get(graphql::graphiql))
        .route("/playground", get(graphql::playground))
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .with_state(state)
        .layer(TimeoutLayer::with_status_code(
            axum::http::StatusCode::REQUEST_TIMEOUT,
            Duration::from_secs(30),
        ))
        .layer(CatchPanicLayer::custom(graphql::panic_response));
    match cors {
        Some(cors) => router.layer(cors),
        None => router,
    }
    .layer(axum::middleware::from_fn(request_id::layer))
}
