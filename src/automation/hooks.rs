//! Incoming webhooks (the `WEBHOOK` trigger): `POST /hooks/<workflow id>` with a JSON object,
//! signed per Standard Webhooks with the workflow's secret, starts a run with the body as its
//! input and answers `202 {"runId": …}`. Refused, and nothing runs: a bad signature or a
//! timestamp outside the five-minute tolerance (401), a message id already received (401), a
//! workflow that does not exist, is not a WEBHOOK one or is disabled (404, whichever), a body
//! over 64 KiB (413) or not a JSON object (400), and callers over the per-IP rate (429).

use std::net::SocketAddr;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{ConnectInfo, DefaultBodyLimit, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use chrono::Utc;
use entity::{TriggerKind, webhook_receipt, workflow};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, Set, TryInsertResult};
use serde_json::{Value, json};
use uuid::Uuid;

use super::runs::{self, Start};
use crate::audit::RequestMeta;
use crate::error::{AppError, Result};
use crate::state::AppState;
use crate::unit::Actor;

/// Largest body accepted.
pub const MAX_BODY: usize = 64 * 1024;

/// The route, for the composition root to mount.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/hooks/{id}", post(receive))
        .layer(DefaultBodyLimit::max(MAX_BODY))
        .with_state(state)
}

fn refuse(status: StatusCode, message: &str) -> Response {
    (status, axum::Json(json!({ "error": message }))).into_response()
}

async fn receive(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    // Behind a load balancer, the caller it forwards (TALENTGRAPH_TRUSTED_PROXIES).
    let client = crate::client_ip::client_ip(&state.config.trusted_proxies, peer.ip(), &headers);
    if let Err(AppError::RateLimited { retry_after_secs }) =
        state.rate_limits.check_ip(client, 1).await
    {
        let mut response = refuse(StatusCode::TOO_MANY_REQUESTS, "too many requests");
        if let Ok(value) = retry_after_secs.to_string().parse() {
            response.headers_mut().insert("retry-after", value);
        }
        return response;
    }
    match start(&state, &id, &headers, &body).await {
        Ok(Started::Run(run_id)) => {
            (StatusCode::ACCEPTED, axum::Json(json!({ "runId": run_id }))).into_response()
        }
        Ok(Started::NotFound) => refuse(StatusCode::NOT_FOUND, "no such webhook"),
        Ok(Started::BadSignature) => refuse(
            StatusCode::UNAUTHORIZED,
            "invalid signature, or a timestamp outside the tolerance",
        ),
        Ok(Started::Replayed) => refuse(
            StatusCode::UNAUTHORIZED,
            "this message was already received",
        ),
        Ok(Started::NotAnObject) => {
            refuse(StatusCode::BAD_REQUEST, "the body must be a JSON object")
        }
        Err(err) => {
            err.log_if_internal();
            refuse(StatusCode::INTERNAL_SERVER_ERROR, "internal server error")
        }
    }
}

enum Started {
    Run(Uuid),
    NotFound,
    BadSignature,
    Replayed,
    NotAnObject,
}

async fn start(state: &AppState, id: &str, headers: &HeaderMap, body: &[u8]) -> Result<Started> {
    let Ok(id) = Uuid::parse_str(id) else {
        return Ok(Started::NotFound);
    };
    #[expect(
        clippy::disallowed_methods,
        reason = "the caller is not signed in: the workflow's secret, checked next, is its credential"
    )]
    let found = workflow::Entity::find_by_id(id)
        .filter(workflow::Column::TriggerKind.eq(TriggerKind::Webhook))
        .filter(workflow::Column::Enabled.eq(true))
        .one(state.writer())
        .await?;
    let Some(w) = found else {
        return Ok(Started::NotFound);
    };
    let keys =
        crate::crypto::load_tenant_keys(state.writer(), &state.config.master_keys, w.tenant_id)
            .await?;
    let secret = super::workflows::signing_secret(&keys, &w)?;
    let verified = standardwebhooks::Webhook::new(&secret)
        .and_then(|hook| hook.verify(body, headers))
        .is_ok();
    if !verified {
        return Ok(Started::BadSignature);
    }
    let input: Value = match serde_json::from_slice(body) {
        Ok(value @ Value::Object(_)) => value,
        _ => return Ok(Started::NotAnObject),
    };
    let message_id = headers
        .get("webhook-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .chars()
        .take(200)
        .collect::<String>();
    let uow = state
        .unit_of_work(
            Actor::System,
            RequestMeta {
                request_id: Some(format!("hook:{message_id}")),
                ip: None,
            },
        )
        .await?;
    let receipt = webhook_receipt::Entity::insert(webhook_receipt::ActiveModel {
        workflow_id: Set(w.id),
        message_id: Set(message_id),
        received_at: Set(Utc::now()),
    })
    .on_conflict_do_nothing_on([
        webhook_receipt::Column::WorkflowId,
        webhook_receipt::Column::MessageId,
    ])
    .exec(uow.txn())
    .await?;
    if !matches!(receipt, TryInsertResult::Inserted(_)) {
        return Ok(Started::Replayed);
    }
    let run = runs::queue(
        &uow,
        Start {
            workflow: &w,
            trigger: TriggerKind::Webhook,
            input,
            depth: 0,
            queue: None,
            idempotency_key: None,
            created_by: None,
        },
    )
    .await?
    .ok_or_else(|| AppError::internal("a webhook run was refused as a duplicate"))?;
    uow.commit().await?;
    Ok(Started::Run(run.id))
}

/// Forgets receipts older than `before` (past the signature tolerance, a replay is refused by
/// its timestamp anyway).
pub async fn prune_receipts(
    db: &impl sea_orm::ConnectionTrait,
    before: chrono::DateTime<Utc>,
) -> Result<u64> {
    Ok(webhook_receipt::Entity::delete_many()
        .filter(webhook_receipt::Column::ReceivedAt.lt(before))
        .exec(db)
        .await?
        .rows_affected)
}
