//! `CALL_WEBHOOK`: POSTs the run's data, signed with the workflow's secret, to the configured
//! URL (see `automation::webhook`). The message id is the same on every attempt of a step, so
//! a receiver can drop a delivery it already handled.

use std::time::Duration;

use serde_json::{Value, json};

use super::{StepContext, StepError};
use crate::automation::webhook;

pub async fn call(
    ctx: &StepContext<'_>,
    secret: &str,
    url: &str,
    timeout_seconds: u64,
) -> Result<Value, StepError> {
    let msg_id = format!("msg_{}_{}", ctx.run_id.simple(), ctx.index);
    let body = json!({
        "type": "workflow.step",
        "timestamp": chrono::Utc::now(),
        "data": ctx.data,
    });
    webhook::call(
        url,
        Duration::from_secs(timeout_seconds),
        secret,
        &msg_id,
        &body,
        ctx.state.config.webhook_allow_private,
    )
    .await
    .map_err(|err| StepError {
        message: err.message,
        permanent: err.permanent,
    })
}
