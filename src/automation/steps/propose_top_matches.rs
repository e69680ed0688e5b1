//! `PROPOSE_TOP_MATCHES`: proposes the tender's best PENDING matches (by score).

use entity::{MatchStatus, tender_match};
use sea_orm::{ColumnTrait, QueryFilter, QueryOrder, QuerySelect};
use serde_json::{Value, json};

use super::{StepContext, StepError, tender_of};
use crate::matching::matches::{Decision, decide};
use crate::unit::UnitOfWork;

pub async fn perform(
    uow: &UnitOfWork,
    ctx: &StepContext<'_>,
    count: u32,
) -> Result<Value, StepError> {
    let tender_id = tender_of(ctx.data)?;
    let p = uow.principal()?;
    let best = crate::matching::scope::matches(p)
        .filter(tender_match::Column::TenderId.eq(tender_id))
        .filter(tender_match::Column::Status.eq(MatchStatus::Pending))
        .order_by_desc(tender_match::Column::Score)
        .order_by_asc(tender_match::Column::Id)
        .limit(u64::from(count))
        .all(uow.txn())
        .await
        .map_err(crate::error::AppError::from)?;
    let mut proposed = Vec::with_capacity(best.len());
    for m in best {
        let decided = decide(uow, m.id, Decision::Propose).await?;
        proposed.push(json!({ "id": decided.id, "consultantId": decided.consultant_id, "score": decided.score }));
    }
    Ok(json!({ "tenderId": tender_id, "proposed": proposed }))
}
