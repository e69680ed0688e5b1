//! Liveness and readiness probes, and the Prometheus metrics.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde_json::json;

use crate::http::HttpState;

/// The process is up.
pub async fn healthz() -> Json<serde_json::Value> {
    Json(json!({ "status": "ok" }))
}

/// The database answers and every migration is applied.
pub async fn readyz(State(state): State<HttpState>) -> (StatusCode, Json<serde_json::Value>) {
    let ready = if state.db_health.is_down() {
        Err("database unreachable".to_owned())
    } else {
        crate::db::readiness(&state.db).await
    };
    match ready {
        Ok(()) => (StatusCode::OK, Json(json!({ "status": "ready" }))),
        Err(reason) => {
            tracing::warn!(%reason, "not ready");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(json!({ "status": "unavailable", "reason": reason })),
            )
        }
    }
}

/// `GET /metrics`: Prometheus text exposition of this instance's metrics.
pub async fn metrics(State(state): State<HttpState>) -> impl axum::response::IntoResponse {
    let app = &state.app;
    let body = app
        .metrics
        .render(app.writer(), &app.for_reads().db, &app.events)
        .await;
    (
        [(
            axum::http::header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        body,
    )
}
