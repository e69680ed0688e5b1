//! The step kinds of a workflow, one file each. A step acts through the same services a user
//! calls, as the workflow (`unit::Actor::Workflow`, with a MANAGER's permissions), inside the
//! unit of work that also records the step's result, so that its effects and its SUCCEEDED are
//! committed together or not at all. What goes to other systems (e-mail, webhooks) goes before
//! that unit, which then records it.

mod call_webhook;
mod generate_matches;
mod propose_top_matches;
mod send_email;
mod set_tender_status;

use serde_json::Value;
use uuid::Uuid;

use super::model::StepConfig;
use crate::error::AppError;
use crate::state::AppState;
use crate::unit::UnitOfWork;

pub use call_webhook::call as call_webhook;
pub use send_email::send as send_email;

/// Why a step failed, and whether another attempt may succeed.
#[derive(Debug, Clone, PartialEq)]
pub struct StepError {
    pub message: String,
    /// Refused input, missing rows, forbidden moves: waiting does not help.
    pub permanent: bool,
}

impl From<AppError> for StepError {
    fn from(err: AppError) -> Self {
        match err {
            AppError::Internal(source) => {
                tracing::warn!(error = %source, "workflow step failed");
                StepError {
                    message: source.to_string(),
                    permanent: false,
                }
            }
            AppError::RateLimited { .. } => StepError {
                message: err.to_string(),
                permanent: false,
            },
            other => StepError {
                message: other.to_string(),
                permanent: true,
            },
        }
    }
}

impl StepError {
    pub fn permanent(message: impl Into<String>) -> Self {
        StepError {
            message: message.into(),
            permanent: true,
        }
    }
}

/// What a step sees: the run's data (its input, the run, the workflow) and where it stands.
pub struct StepContext<'a> {
    pub state: &'a AppState,
    pub tenant_id: Uuid,
    pub run_id: Uuid,
    pub index: usize,
    pub data: &'a Value,
}

/// The tender the run's data is about: `tender.id`, `match.tenderId` or `tenderId`.
fn tender_of(data: &Value) -> Result<Uuid, StepError> {
    let id = data
        .pointer("/tender/id")
        .or_else(|| data.pointer("/match/tenderId"))
        .or_else(|| data.get("tenderId"))
        .and_then(Value::as_str)
        .and_then(|s| Uuid::parse_str(s).ok());
    id.ok_or_else(|| {
        StepError::permanent(
            "the run's data names no tender (tender.id, match.tenderId or tenderId)",
        )
    })
}

/// Performs a step that acts inside `uow` (every kind but `SEND_EMAIL` and `CALL_WEBHOOK`).
pub async fn perform(
    uow: &UnitOfWork,
    ctx: &StepContext<'_>,
    config: &StepConfig,
) -> Result<Value, StepError> {
    match config {
        StepConfig::GenerateMatches { min_score, limit } => {
            generate_matches::perform(uow, ctx, *min_score, *limit).await
        }
        StepConfig::ProposeTopMatches { count } => {
            propose_top_matches::perform(uow, ctx, *count).await
        }
        StepConfig::SetTenderStatus { status } => {
            set_tender_status::perform(uow, ctx, *status).await
        }
        StepConfig::SendEmail { .. } | StepConfig::CallWebhook { .. } => Err(StepError::permanent(
            "e-mail and webhooks go out before the unit of work",
        )),
    }
}
