//! `GENERATE_MATCHES`: scores the tender's candidates and saves the best as PENDING matches.

use serde_json::{Value, json};

use super::{StepContext, StepError, tender_of};
use crate::matching::generate::{GenerateInput, generate};
use crate::unit::UnitOfWork;

pub async fn perform(
    uow: &UnitOfWork,
    ctx: &StepContext<'_>,
    min_score: Option<f64>,
    limit: Option<u64>,
) -> Result<Value, StepError> {
    let tender_id = tender_of(ctx.data)?;
    let matches = generate(
        uow,
        GenerateInput {
            tender_id,
            min_score,
            limit,
        },
    )
    .await?;
    let best: Vec<Value> = matches
        .iter()
        .take(10)
        .map(|m| json!({ "id": m.id, "consultantId": m.consultant_id, "score": m.score }))
        .collect();
    Ok(json!({ "tenderId": tender_id, "matches": matches.len(), "best": best }))
}
