//! HTTP surface: routes, request ids and hardening middleware.

pub(crate) mod graphql;
mod health;
pub mod origin;
mod request_id;
pub mod server;
mod ui;
mod ws;

use std::time::Duration;

use axum::Router;
use axum::http::{HeaderValue, header};
use axum::routing::get;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;

use std::ops::Deref;
use std::sync::Arc;

use crate::graphql::prepare::DocumentCache;
use crate::schema::AppSchema;
use crate::state::AppState;

pub use request_id::RequestId;

/// The state of the HTTP layer: the app and its schema.
#[derive(Clone)]
pub struct HttpState {
    pub app: AppState,
    pub schema: AppSchema,
    /// Documents already parsed and checked.
    pub documents: Arc<DocumentCache>,
    /// Subscriptions shared by the sockets that would receive the same thing.
    pub groups: Arc<crate::graphql::multiplex::Groups>,
}

impl HttpState {
    pub fn new(app: AppState, schema: AppSchema) -> Self {
        let documents = Arc::new(DocumentCache::new(app.config.trusted_documents.clone()));
        let groups = crate::graphql::multiplex::Groups::new(
            app.config.limits.subscription_backlog,
            app.metrics.subscription_groups.clone(),
        );
        HttpState {
            app,
            schema,
            documents,
            groups,
        }
    }
}

impl Deref for HttpState {
    type Target = AppState;
    fn deref(&self) -> &AppState {
        &self.app
    }
}

/// The server's routes, with `extra` (the domains' own endpoints, already given their state)
/// under the same timeout, panic, CORS and request-id layers.
pub fn router(state: HttpState, extra: Router) -> Router {
    let cors = origin::cors(&state.config.allowed_origins);
    let router = Router::new()
        .route(
            "/graphql",
            get(graphql::get_handler).post(graphql::post_handler),
        )
        .route("/graphql/ws", get(ws::handler))
        .route("/graphiql", get(ui::graphiql))
        .route("/playground", get(ui::playground))
        .route("/playground/", get(ui::playground))
        .route("/playground/assets/{*path}", get(ui::asset))
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/metrics", get(health::metrics))
        .with_state(state)
        .merge(extra)
        .layer(TimeoutLayer::with_status_code(
            axum::http::StatusCode::REQUEST_TIMEOUT,
            Duration::from_secs(30),
        ))
        .layer(CatchPanicLayer::custom(graphql::panic_response))
        // gzip or brotli when the client accepts it (small bodies, images and WebSocket
        // upgrades are left alone).
        .layer(tower_http::compression::CompressionLayer::new())
        // What every response may say of itself: no MIME sniffing, no referrer, not framed.
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ));
    match cors {
        Some(cors) => router.layer(cors),
        None => router,
    }
    .layer(axum::middleware::from_fn(request_id::layer))
}
